//! Publishing from the rules: the index document (every indicator with its official text and a
//! plain statement of how it is scored), the task lists per responsible unit (任务分工), and a
//! revision's changes, as DOCX, HTML, Markdown or XLSX.
//!
//! Pure like the rest of the library: everything returns bytes. The documents are built first as
//! typed models ([`index::IndexDoc`], [`tasks::OwnerTasks`], [`crate::diff::RuleDiff`]), then as
//! a list of blocks ([`doc::Doc`]) that each renderer lays out.

pub mod doc;
pub mod docx;
pub mod html;
pub mod index;
pub mod markdown;
pub mod tasks;
pub mod xlsx;

use crate::diff::RuleDiff;
use crate::model::RuleSet;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Word (Office Open XML), A4.
    Docx,
    /// A self-contained, printable web page.
    Html,
    /// Markdown.
    Markdown,
    /// An Excel workbook, one worksheet per table.
    Xlsx,
}

impl Format {
    /// Whether the output is binary (not to be shown on a terminal).
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Docx | Format::Xlsx)
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Html => "html",
            Format::Markdown => "md",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Why a document could not be laid out (a failure of the DOCX or XLSX writer).
#[derive(Debug, Clone, PartialEq)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "无法生成文档：{}", self.0)
    }
}

/// Lays a document out in a format.
pub fn render(d: &doc::Doc, format: Format) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Docx => docx::to_docx(d),
        Format::Html => Ok(html::to_html(d).into_bytes()),
        Format::Markdown => Ok(markdown::to_markdown(d).into_bytes()),
        Format::Xlsx => xlsx::to_xlsx(d),
    }
}

/// The index document of a rule set.
pub fn index_document(rules: &RuleSet) -> doc::Doc {
    doc::index_doc(&index::index(rules))
}

/// The task lists: every owner, or only the one named (which must be one of [`tasks::owners`]).
///
/// The document for all owners ends with what no owner answers for, if anything
/// ([`tasks::unowned`]), so that every input and judged item is in it.
pub fn tasks_document(rules: &RuleSet, owner: Option<&str>) -> doc::Doc {
    let all = tasks::tasks(rules);
    let (chosen, unowned): (Vec<tasks::OwnerTasks>, _) = match owner {
        Some(o) => (all.into_iter().filter(|t| t.owner == o).collect(), None),
        None => (all, tasks::unowned(rules)),
    };
    doc::tasks_doc(&index::index(rules), &chosen, unowned.as_ref())
}

/// What no owner answers for, as a document of its own (for one file per owner), if anything.
pub fn unowned_document(rules: &RuleSet) -> Option<doc::Doc> {
    let u = tasks::unowned(rules)?;
    Some(doc::tasks_doc(&index::index(rules), &[], Some(&u)))
}

/// A revision's changes.
pub fn changes_document(d: &RuleDiff) -> doc::Doc {
    doc::changes_doc(d)
}
