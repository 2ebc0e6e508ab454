//! The subcommands added for rule versions, kept out of `main.rs`: rule selection and the
//! `rules` listing, `diff`, and `verify`. Command-line only: these modules read files and print.

pub mod diff;
pub mod rules;
pub mod verify;

use crate::read;
use std::path::Path;
use std::sync::Arc;
use zhibiao::assess::{Input, Outcome, Request, assess};
use zhibiao::codes;
use zhibiao::diag::{Diagnostic, SourceMap};
use zhibiao::model::RuleSet;
use zhibiao::submission::Format;

/// A submission or reference file read from disk.
#[derive(Clone)]
pub struct DataFile {
    /// The name shown in messages (the path as given).
    pub name: Arc<str>,
    /// The text.
    pub text: Arc<str>,
    /// TOML or JSON, from the extension.
    pub format: Format,
}

/// Reads a submission or reference file (`what` is `申报` or `参照`).
pub fn read_data(path: &Path, what: &str) -> Result<DataFile, Diagnostic> {
    let shown: Arc<str> = Arc::from(path.display().to_string());
    let Some(format) = Format::from_path(&shown) else {
        return Err(
            Diagnostic::error(codes::SUB_SYNTAX, format!("无法判断{what}文件格式"))
                .in_file(&shown)
                .help(format!("{what}文件的扩展名应为 .toml 或 .json")),
        );
    };
    let (name, text) = read(path, codes::SUB_SYNTAX)?;
    Ok(DataFile { name, text, format })
}

/// Assesses a submission (with an optional reference file) against a rule set, adding the
/// files' texts to `sources` for messages.
pub fn assess_files(
    rules: &RuleSet,
    sub: &DataFile,
    reference: Option<&DataFile>,
    sources: &mut SourceMap,
) -> Outcome {
    sources.add(&sub.name, &sub.text);
    if let Some(r) = reference {
        sources.add(&r.name, &r.text);
    }
    assess(
        rules,
        Request {
            submission: Input {
                name: &sub.name,
                text: &sub.text,
                format: sub.format,
            },
            reference: reference.map(|r| Input {
                name: &r.name,
                text: &r.text,
                format: r.format,
            }),
            strict: false,
        },
    )
}
