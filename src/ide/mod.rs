//! What an editor asks about a rule file while it is being written: diagnostics, hover,
//! completion, navigation, symbols, formatting and safe fixes.
//!
//! Everything here is a pure function of the file's text (and, for a revision, the versions it
//! builds on, supplied by the caller as `lint` takes them). Places are byte [`Span`]s; the
//! [`LineIndex`] converts them to and from the (line, UTF-16 column) positions editors send, and
//! clamps any position an editor may send, valid or not. The `zhibiao lsp` command (in the CLI)
//! only translates these values to and from the Language Server Protocol.

pub mod line_index;
pub mod names;
pub mod test_files;

use crate::codes;
use crate::diag::{self, Diagnostic, Severity, Span};
use crate::formatter;
use crate::lint;
use crate::number;
use crate::syntax::{self, ast};
use crate::versions::{self, RuleRef, RuleText};
pub use line_index::{LineIndex, Position, Range, apply_change};
use names::{Occurrence, Target};
use std::fmt::Write as _;
use std::sync::Arc;

/// One rule file, analysed once per change.
pub struct Analysis {
    /// The file's name (its path, for a file on disk).
    pub name: Arc<str>,
    /// The text analysed.
    pub text: Arc<str>,
    /// Its lines.
    pub index: LineIndex,
    /// The file's own syntax tree (not merged with any base version).
    pub file: ast::File,
    /// The lint report, for the rule set the file resolves to.
    pub report: lint::Report,
    occurrences: Vec<Occurrence>,
}

/// A finding to show in the editor.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The file it points into (`None`: the analysed file itself, as a whole).
    pub file: Option<Arc<str>>,
    /// Where in that file.
    pub span: Option<Span>,
    /// The code, e.g. `ZB401` or `E101`.
    pub code: &'static str,
    /// The severity.
    pub severity: Severity,
    /// The message, with the help joined in (the label captions a terminal's caret, which the
    /// editor's mark of the span stands for).
    pub message: String,
    /// Other places that matter (in the same file), each with what it is.
    pub related: Vec<(Span, String)>,
}

/// What a hover shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Hover {
    /// The text hovered.
    pub span: Span,
    /// Markdown, in Chinese.
    pub markdown: String,
}

/// What kind of thing a completion or symbol is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A keyword.
    Keyword,
    /// An input.
    Input,
    /// A function.
    Function,
    /// A `let`.
    Let,
    /// A unit word.
    Unit,
    /// A lint code.
    Code,
    /// An owner (a responsible department).
    Owner,
    /// A category.
    Category,
    /// An indicator.
    Indicator,
    /// A sub-item of an indicator.
    Item,
    /// The rule set header.
    Header,
}

/// One completion proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// What is shown and inserted.
    pub label: String,
    /// A short Chinese description.
    pub detail: String,
    /// Its kind.
    pub kind: ItemKind,
}

/// One symbol of the file's outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Symbol {
    /// The name shown.
    pub name: String,
    /// A short description.
    pub detail: String,
    /// Its kind.
    pub kind: ItemKind,
    /// The whole declaration.
    pub span: Span,
    /// The name within it.
    pub selection: Span,
    /// What it contains.
    pub children: Vec<Symbol>,
    /// The indicator's number, for an indicator.
    pub no: Option<u32>,
}

/// A text edit: a span replaced by new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// What is replaced.
    pub span: Span,
    /// The new text.
    pub text: String,
}

/// A fix offered for a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    /// What it does, in Chinese.
    pub title: String,
    /// The finding's code.
    pub code: &'static str,
    /// The edits to the analysed file.
    pub edits: Vec<Edit>,
    /// Whether it is the fix to prefer.
    pub preferred: bool,
}

/// Why a rename was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenameError {
    /// Nothing that can be renamed is at the cursor.
    NothingHere,
    /// The new name is not a valid name.
    InvalidName(String),
    /// The new name is already taken.
    Taken(String),
}

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenameError::NothingHere => {
                write!(f, "光标处没有可以改名的输入项、定义或函数")
            }
            RenameError::InvalidName(n) => write!(
                f,
                "“{n}”不是合法的名称：名称以英文字母或下划线开头，只含英文字母、数字和下划线"
            ),
            RenameError::Taken(n) => write!(f, "“{n}”已经被使用，请换一个名称"),
        }
    }
}

/// The keywords of the rule language, for completion.
pub const KEYWORDS: &[&str] = &[
    "ruleset",
    "version",
    "effective",
    "until",
    "extends",
    "accepts",
    "source",
    "points",
    "category_rate",
    "category_cap",
    "declared",
    "indicators",
    "pass",
    "total",
    "every",
    "category",
    "rate",
    "score",
    "input",
    "list",
    "money",
    "count",
    "percent",
    "decimal",
    "bool",
    "yearly",
    "optional",
    "help",
    "min",
    "max",
    "years",
    "fn",
    "let",
    "check",
    "error",
    "warning",
    "group",
    "indicator",
    "nature",
    "rule",
    "method",
    "sources",
    "owners",
    "tiers",
    "overlap",
    "higher",
    "lower",
    "each",
    "year",
    "in",
    "award",
    "when",
    "items",
    "item",
    "any",
    "judged",
    "sum",
    "cap",
    "allow",
    "remove",
    "and",
    "or",
    "not",
    "all",
    "where",
    "script",
];

/// Unit words offered by completion (the money units are read exactly, see `number`).
pub const UNITS: &[&str] = &[
    "元", "万元", "亿元", "%", "件", "户", "人", "个", "家", "次", "项",
];

impl Analysis {
    /// Analyses a file: `find` supplies the versions it `extends` or `accepts`, `extra` are
    /// findings made elsewhere about it (as [`lint::lint_with`] takes them).
    pub fn new(
        name: &Arc<str>,
        text: &str,
        find: &mut dyn FnMut(&RuleRef) -> Option<RuleText>,
        extra: Vec<Diagnostic>,
    ) -> Analysis {
        let report = lint::lint_with(name, text, find, extra);
        let (file, _) = syntax::parse(name, text);
        let occurrences = names::occurrences(&file, text);
        Analysis {
            name: name.clone(),
            text: Arc::from(text),
            index: LineIndex::new(text),
            file,
            report,
            occurrences,
        }
    }

    /// Analyses a file that builds only on built-in versions.
    pub fn standalone(name: &Arc<str>, text: &str) -> Analysis {
        Analysis::new(name, text, &mut crate::builtin::find_builtin, Vec::new())
    }

    /// The byte offset of an editor position (clamped).
    pub fn offset(&self, pos: Position) -> usize {
        self.index.offset(&self.text, pos)
    }

    /// The editor range of a span of this file.
    pub fn range(&self, span: Span) -> Range {
        self.index.range(&self.text, span)
    }

    /// The open findings (those no `allow` acknowledges), each with the file it points into.
    pub fn problems(&self) -> Vec<Problem> {
        self.report
            .findings
            .iter()
            .filter(|f| f.acknowledged.is_none())
            .map(|f| {
                let d = &f.diag;
                // The label captions the caret under the span in a terminal; in the editor the
                // span itself is marked, and the label (`得分下降`, `这里`, `没有用到`) would
                // only repeat the message. The message with its help is the whole finding.
                let mut message = d.message.clone();
                if let Some(h) = &d.help {
                    let _ = write!(message, "\n帮助：{h}");
                }
                Problem {
                    file: d.file.clone(),
                    span: d.span,
                    code: d.code,
                    severity: d.severity,
                    message,
                    related: d.related.clone(),
                }
            })
            .collect()
    }

    fn occurrence_at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Where the name at a place is declared.
    pub fn definition(&self, offset: usize) -> Option<Span> {
        let o = self.occurrence_at(offset)?;
        self.occurrences
            .iter()
            .find(|d| d.decl && d.target == o.target)
            .map(|d| d.span)
    }

    /// Every place the name at a place is written, the declaration first when asked for.
    pub fn references(&self, offset: usize, with_decl: bool) -> Vec<Span> {
        let Some(o) = self.occurrence_at(offset) else {
            return Vec::new();
        };
        let mut out: Vec<Span> = self
            .occurrences
            .iter()
            .filter(|x| x.target == o.target && (with_decl || !x.decl))
            .map(|x| x.span)
            .collect();
        out.sort_by_key(|s| (s.start, s.end));
        out.dedup();
        out
    }

    /// The span of the name that a rename at a place would change.
    pub fn rename_target(&self, offset: usize) -> Option<Span> {
        let o = self.occurrence_at(offset)?;
        (!matches!(o.target, Target::Indicator(_))).then_some(o.span)
    }

    /// The edits that rename the name at a place everywhere in the file.
    pub fn rename(&self, offset: usize, new_name: &str) -> Result<Vec<Edit>, RenameError> {
        let o = self
            .occurrence_at(offset)
            .filter(|o| !matches!(o.target, Target::Indicator(_)))
            .ok_or(RenameError::NothingHere)?;
        if !is_name(new_name) || KEYWORDS.contains(&new_name) {
            return Err(RenameError::InvalidName(new_name.to_string()));
        }
        let taken = self.occurrences.iter().any(|x| {
            x.decl
                && x.target != o.target
                && self.text.get(x.span.start..x.span.end) == Some(new_name)
        });
        if taken {
            return Err(RenameError::Taken(new_name.to_string()));
        }
        Ok(self
            .references(offset, true)
            .into_iter()
            .map(|span| Edit {
                span,
                text: new_name.to_string(),
            })
            .collect())
    }

    /// The input a rename at a place would rename, by name: its uses in the test files beside
    /// the rule file are renamed too (see [`test_files::rename_input`]). `None` for a `let`, a
    /// `fn` or a bound variable, which test files never name.
    pub fn renamed_input(&self, offset: usize) -> Option<&str> {
        match &self.occurrence_at(offset)?.target {
            Target::Input(k) => Some(k),
            _ => None,
        }
    }

    /// The file formatted exactly as `zhibiao fmt` does; `None` when it cannot be (syntax
    /// errors) or is already formatted.
    pub fn format(&self) -> Option<String> {
        formatter::format(&self.name, &self.text)
            .ok()
            .filter(|f| **f != *self.text)
    }

    /// The outline: the header, inputs, definitions, then categories with their indicators and
    /// items.
    pub fn symbols(&self) -> Vec<Symbol> {
        outline(&self.file)
    }

    /// Hover text for the place at an offset.
    pub fn hover(&self, offset: usize) -> Option<Hover> {
        if let Some(h) = self.hover_allow(offset) {
            return Some(h);
        }
        if let Some(o) = self.occurrence_at(offset) {
            let span = o.span;
            let markdown = match &o.target {
                Target::Input(k) => self.hover_input(k)?,
                Target::Fn(n) => {
                    let d = self.file.fns.iter().find(|d| &d.name.value == n)?;
                    formula(
                        &self.text,
                        d.label.as_ref(),
                        Span::new(d.span.start, d.body.span.end),
                    )
                }
                Target::Let(n) => {
                    let d = self.file.lets.iter().find(|d| &d.name.value == n)?;
                    formula(
                        &self.text,
                        d.label.as_ref(),
                        Span::new(d.span.start, d.value.span.end),
                    )
                }
                Target::LocalLet(no, n) => {
                    let ind = self.indicator(*no)?;
                    let d = ind.lets.iter().find(|d| &d.name.value == n)?;
                    formula(
                        &self.text,
                        d.label.as_ref(),
                        Span::new(d.span.start, d.value.span.end),
                    )
                }
                Target::Indicator(no) => self.hover_indicator(*no)?,
                Target::Bound(_) => return None,
            };
            return Some(Hover { span, markdown });
        }
        if let Some(l) = literals(&self.file)
            .into_iter()
            .find(|l| contains(l.span, offset))
        {
            return Some(Hover {
                span: l.span,
                markdown: literal_value(l),
            });
        }
        let ind = self
            .file
            .categories
            .iter()
            .flat_map(|c| &c.indicators)
            .find(|i| contains(i.head_span, offset))?;
        Some(Hover {
            span: ind.head_span,
            markdown: self.hover_indicator(ind.no.value)?,
        })
    }

    fn indicator(&self, no: u32) -> Option<&ast::Indicator> {
        self.file
            .categories
            .iter()
            .flat_map(|c| &c.indicators)
            .find(|i| i.no.value == no)
    }

    fn hover_allow(&self, offset: usize) -> Option<Hover> {
        let a = all_allows(&self.file)
            .into_iter()
            .find(|a| contains(a.code.span, offset))?;
        let code = a.code.value.as_str();
        let markdown = match lint::check(code) {
            Some(c) => format!(
                "**{}** `{}`（默认级别：{}）\n\n{}",
                c.code,
                c.name(),
                c.severity,
                c.doc()
            ),
            None => match codes::ALL
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(code))
            {
                Some((k, what)) => format!("**{k}**\n\n{what}"),
                None => format!("没有代码为 {code} 的检查项"),
            },
        };
        Some(Hover {
            span: a.code.span,
            markdown,
        })
    }

    fn hover_input(&self, key: &str) -> Option<String> {
        let i = self.file.inputs.iter().find(|i| i.name.value == key)?;
        let mut s = format!("**{}**（`{}`）\n\n", i.label.value, key);
        let _ = writeln!(s, "- 类型：{}", versions::describe_input(i));
        if let Some(u) = &i.unit {
            let _ = writeln!(s, "- 单位：{}", u.value);
        }
        if let Some(y) = &i.years {
            let _ = writeln!(
                s,
                "- 年份：{}",
                self.text.get(y.span.start..y.span.end).unwrap_or("")
            );
        }
        if i.optional {
            let _ = writeln!(s, "- 可以不填");
        }
        if let Some(h) = &i.help {
            let _ = write!(s, "\n{}\n", h.value);
        }
        let readers = self.readers(&Target::Input(key.to_string()));
        if readers.is_empty() {
            s.push_str("\n没有指标读取它。\n");
        } else {
            let list: Vec<String> = readers.iter().map(|n| format!("{n}")).collect();
            let _ = write!(s, "\n读取它的指标：{}\n", list.join("、"));
        }
        Some(s)
    }

    /// The numbers of the indicators that read a target, directly or through top-level `let`s
    /// and functions.
    fn readers(&self, target: &Target) -> Vec<u32> {
        let mut wanted = vec![target.clone()];
        let mut found: Vec<u32> = Vec::new();
        let mut i = 0;
        while let Some(t) = wanted.get(i).cloned() {
            i += 1;
            for o in self.occurrences.iter().filter(|o| !o.decl && o.target == t) {
                if let Some(ind) = self
                    .file
                    .categories
                    .iter()
                    .flat_map(|c| &c.indicators)
                    .find(|ind| contains(ind.span, o.span.start))
                {
                    found.push(ind.no.value);
                } else if let Some(l) = self
                    .file
                    .lets
                    .iter()
                    .find(|l| contains(l.span, o.span.start))
                {
                    let t = Target::Let(l.name.value.clone());
                    if !wanted.contains(&t) {
                        wanted.push(t);
                    }
                } else if let Some(d) = self
                    .file
                    .fns
                    .iter()
                    .find(|d| contains(d.span, o.span.start))
                {
                    let t = Target::Fn(d.name.value.clone());
                    if !wanted.contains(&t) {
                        wanted.push(t);
                    }
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    fn hover_indicator(&self, no: u32) -> Option<String> {
        let i = self.indicator(no)?;
        let mut s = format!(
            "**指标 {} {}**（{} 分）\n\n",
            i.no.value,
            i.name.value,
            number::plain(i.points.value)
        );
        if let Some(r) = &i.rule {
            let _ = write!(s, "指标说明：{}\n\n", r.value);
        }
        if !i.owners.is_empty() {
            let o: Vec<&str> = i.owners.iter().map(|o| o.value.as_str()).collect();
            let _ = write!(s, "责任单位：{}\n\n", o.join("、"));
        }
        if let Some(ast::ScoreForm::Tiers { tiers, .. }) = &i.score {
            s.push_str("| 区间 | 得分 |\n| --- | --- |\n");
            for t in tiers {
                let _ = writeln!(
                    s,
                    "| {} | {} |",
                    self.text
                        .get(t.interval_span.start..t.interval_span.end)
                        .unwrap_or(""),
                    number::plain(t.points.value)
                );
            }
        }
        Some(s)
    }

    /// Completions at an offset: after `allow`, lint codes; after `overlap`, the policies; after
    /// `owners`, the owners already named in the file; otherwise keywords, names and units.
    pub fn complete(&self, offset: usize) -> Vec<Completion> {
        let offset = line_index::floor_boundary(&self.text, offset);
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.rsplit('\n').next().unwrap_or("");
        // The word before the one being typed.
        let trimmed = line.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_' || c == '"');
        let previous = trimmed
            .split(|c: char| c.is_whitespace() || c == ',')
            .rfind(|w| !w.is_empty())
            .unwrap_or("");
        match previous {
            "allow" => lint::CHECKS
                .iter()
                .map(|c| Completion {
                    label: c.code.to_string(),
                    detail: c.title(),
                    kind: ItemKind::Code,
                })
                .collect(),
            "overlap" => [
                ("higher", "两档重叠时取较高档"),
                ("lower", "两档重叠时取较低档"),
            ]
            .iter()
            .map(|(l, d)| Completion {
                label: (*l).to_string(),
                detail: (*d).to_string(),
                kind: ItemKind::Keyword,
            })
            .collect(),
            "owners" => {
                let mut owners: Vec<&str> = self
                    .file
                    .categories
                    .iter()
                    .flat_map(|c| &c.indicators)
                    .flat_map(|i| &i.owners)
                    .map(|o| o.value.as_str())
                    .collect();
                owners.sort_unstable();
                owners.dedup();
                owners
                    .into_iter()
                    .map(|o| Completion {
                        label: format!("\"{o}\""),
                        detail: "文件中已用的责任单位".to_string(),
                        kind: ItemKind::Owner,
                    })
                    .collect()
            }
            _ => self.general_completions(),
        }
    }

    fn general_completions(&self) -> Vec<Completion> {
        let mut out: Vec<Completion> = Vec::new();
        for i in &self.file.inputs {
            out.push(Completion {
                label: i.name.value.clone(),
                detail: format!("{}（{}）", i.label.value, versions::describe_input(i)),
                kind: ItemKind::Input,
            });
        }
        for l in self.file.lets.iter().chain(
            self.file
                .categories
                .iter()
                .flat_map(|c| &c.indicators)
                .flat_map(|i| &i.lets),
        ) {
            out.push(Completion {
                label: l.name.value.clone(),
                detail: l
                    .label
                    .as_ref()
                    .map_or("定义".to_string(), |x| x.value.clone()),
                kind: ItemKind::Let,
            });
        }
        for d in &self.file.fns {
            out.push(Completion {
                label: d.name.value.clone(),
                detail: d
                    .label
                    .as_ref()
                    .map_or("函数".to_string(), |x| x.value.clone()),
                kind: ItemKind::Function,
            });
        }
        for k in KEYWORDS {
            out.push(Completion {
                label: (*k).to_string(),
                detail: "关键字".to_string(),
                kind: ItemKind::Keyword,
            });
        }
        for u in UNITS {
            out.push(Completion {
                label: (*u).to_string(),
                detail: "单位".to_string(),
                kind: ItemKind::Unit,
            });
        }
        out.dedup_by(|a, b| a.label == b.label && a.kind == b.kind);
        out
    }

    /// Safe fixes for the open findings of this file that touch a span.
    pub fn fixes(&self, at: Span) -> Vec<Fix> {
        let mut out = Vec::new();
        for f in self
            .report
            .findings
            .iter()
            .filter(|f| f.acknowledged.is_none())
        {
            let d = &f.diag;
            if d.file.as_ref() != Some(&self.name) {
                continue;
            }
            let Some(span) = d.span else { continue };
            if span.end < at.start || at.end < span.start {
                continue;
            }
            match d.code {
                "ZB401" => self.fix_overlap(span, &mut out),
                "ZB403" => self.fix_gap(span, &mut out),
                "ZB205" => self.fix_percent(span, &mut out),
                codes::UNKNOWN_NAME => self.fix_spelling(span, &mut out),
                _ => {}
            }
            if d.code.starts_with("ZB")
                && !d.code.starts_with("ZB0")
                && lint::check(d.code).is_some()
            {
                self.fix_allow(d.code, span, &mut out);
            }
        }
        // Several findings at one place (two gaps of one table) offer the same fixes once.
        let mut unique: Vec<Fix> = Vec::new();
        for f in out {
            if !unique
                .iter()
                .any(|u| u.title == f.title && u.edits == f.edits)
            {
                unique.push(f);
            }
        }
        unique
    }

    /// Closes a gap between two tiers of the table at `span`: the upper tier starts where the
    /// lower one ends (preferred), or the lower one ends where the upper one starts. The bound
    /// that moves takes the inclusion opposite to the one it meets (`[8%, 15%)` meets
    /// `[15%, ..)`; `[8%, 15%]` meets `(15%, ..)`), so no value is in both and none in neither.
    /// A fix is offered only when, checked on the intervals, it covers the whole gap and makes
    /// the moved tier share no value with a tier it did not share one with before.
    fn fix_gap(&self, span: Span, out: &mut Vec<Fix>) {
        use crate::lint::analysis::tiers::{Interval, gaps, uncovered};
        let mut forms = Vec::new();
        for i in self.file.categories.iter().flat_map(|c| &c.indicators) {
            if let Some(f) = &i.score {
                tier_forms(f, &mut forms);
            }
        }
        let src = |s: Span| self.text.get(s.start..s.end).unwrap_or("");
        for (_, _, tiers, form_span) in forms {
            if form_span != span {
                continue;
            }
            let intervals: Vec<Interval> = tiers.iter().map(Interval::of_tier).collect();
            for gap in gaps(&intervals) {
                let (Some(g_lo), Some(g_hi)) = (&gap.lo, &gap.hi) else {
                    continue;
                };
                // The tier that ends where the gap begins, and the one that begins where it ends.
                let lower = tiers.iter().position(|t| {
                    t.hi.as_ref()
                        .is_some_and(|h| h.value == g_lo.value && t.hi_inclusive != g_lo.closed)
                });
                let upper = tiers.iter().position(|t| {
                    t.lo.as_ref()
                        .is_some_and(|l| l.value == g_hi.value && t.lo_inclusive != g_hi.closed)
                });
                let (Some(li), Some(ui)) = (lower, upper) else {
                    continue;
                };
                let (Some(lt), Some(ut)) = (tiers.get(li), tiers.get(ui)) else {
                    continue;
                };
                let (Some(l_hi), Some(u_lo)) = (&lt.hi, &ut.lo) else {
                    continue;
                };
                let l_iv = lt.interval_span;
                let u_iv = ut.interval_span;
                if !(src(l_iv).ends_with([']', ')']) && src(u_iv).starts_with(['[', '('])) {
                    continue;
                }
                let opens = |inclusive: bool| if inclusive { "[" } else { "(" };
                let closes = |inclusive: bool| if inclusive { "]" } else { ")" };
                // The upper tier starts at the lower tier's upper bound.
                let up = (
                    ui,
                    Edit {
                        span: Span::new(u_iv.start, u_lo.span.end),
                        text: format!("{}{}", opens(!lt.hi_inclusive), src(l_hi.span)),
                    },
                    {
                        let mut t = ut.clone();
                        t.lo = Some(l_hi.clone());
                        t.lo_inclusive = !lt.hi_inclusive;
                        t
                    },
                );
                // The lower tier ends at the upper tier's lower bound.
                let down = (
                    li,
                    Edit {
                        span: Span::new(l_hi.span.start, l_iv.end),
                        text: format!("{}{}", src(u_lo.span), closes(!ut.lo_inclusive)),
                    },
                    {
                        let mut t = lt.clone();
                        t.hi = Some(u_lo.clone());
                        t.hi_inclusive = !ut.lo_inclusive;
                        t
                    },
                );
                for (k, (moved, edit, tier)) in [up, down].into_iter().enumerate() {
                    let new_iv = Interval::of_tier(&tier);
                    let mut after = intervals.clone();
                    let Some(slot) = after.get_mut(moved) else {
                        continue;
                    };
                    *slot = new_iv.clone();
                    let shares_new = intervals.iter().enumerate().any(|(j, other)| {
                        j != moved
                            && !new_iv.intersect(other).is_empty()
                            && intervals
                                .get(moved)
                                .is_none_or(|old| old.intersect(other).is_empty())
                    });
                    if new_iv.is_empty() || shares_new || !uncovered(&gap, &after).is_empty() {
                        continue;
                    }
                    let whole = if moved == ui { u_iv } else { l_iv };
                    let old_text = src(whole);
                    let (Some(a), Some(b)) = (
                        edit.span.start.checked_sub(whole.start),
                        edit.span.end.checked_sub(whole.start),
                    ) else {
                        continue;
                    };
                    let mut new_text = old_text.to_string();
                    if a > b || new_text.get(a..b).is_none() {
                        continue;
                    }
                    new_text.replace_range(a..b, &edit.text);
                    out.push(Fix {
                        title: format!("补上分档缺口：把 {old_text} 改为 {new_text}"),
                        code: "ZB403",
                        edits: vec![edit],
                        preferred: k == 0,
                    });
                }
            }
        }
    }

    /// `overlap higher|lower` after the subject of the tiers whose tiers overlap.
    fn fix_overlap(&self, span: Span, out: &mut Vec<Fix>) {
        let mut forms = Vec::new();
        for i in self.file.categories.iter().flat_map(|c| &c.indicators) {
            if let Some(f) = &i.score {
                tier_forms(f, &mut forms);
            }
        }
        for (subject, overlap, tiers, _) in forms {
            if overlap.is_some() || !tiers.iter().any(|t| contains(t.span, span.start)) {
                continue;
            }
            for (policy, what) in [("higher", "较高"), ("lower", "较低")] {
                out.push(Fix {
                    title: format!("加上 overlap {policy}（重叠处取{what}档）"),
                    code: "ZB401",
                    edits: vec![Edit {
                        span: Span::new(subject.span.end, subject.span.end),
                        text: format!(" overlap {policy}"),
                    }],
                    preferred: policy == "higher",
                });
            }
        }
    }

    /// `%` after a number that is compared with a percentage.
    fn fix_percent(&self, span: Span, out: &mut Vec<Fix>) {
        let Some(l) = literals(&self.file).into_iter().find(|l| l.span == span) else {
            return;
        };
        if l.unit != number::QuantityUnit::None {
            return;
        }
        out.push(Fix {
            title: format!("补上 %：{}%", l.text),
            code: "ZB205",
            edits: vec![Edit {
                span: Span::new(span.end, span.end),
                text: "%".to_string(),
            }],
            preferred: true,
        });
    }

    /// The closest declared name for an unknown one.
    fn fix_spelling(&self, span: Span, out: &mut Vec<Fix>) {
        let Some(name) = self.text.get(span.start..span.end) else {
            return;
        };
        if !is_name(name) {
            return;
        }
        let f = &self.file;
        let mut candidates: Vec<&str> = f.inputs.iter().map(|i| i.name.value.as_str()).collect();
        candidates.extend(f.lets.iter().map(|l| l.name.value.as_str()));
        candidates.extend(f.fns.iter().map(|d| d.name.value.as_str()));
        if let Some(ind) = f
            .categories
            .iter()
            .flat_map(|c| &c.indicators)
            .find(|i| contains(i.span, span.start))
        {
            candidates.extend(ind.lets.iter().map(|l| l.name.value.as_str()));
        }
        if let Some(best) = diag::suggest(name, candidates) {
            out.push(Fix {
                title: format!("改为 {best}"),
                code: codes::UNKNOWN_NAME,
                edits: vec![Edit {
                    span,
                    text: best.to_string(),
                }],
                preferred: true,
            });
        }
    }

    /// `allow CODE "…"` at the start of the innermost block around the finding (an indicator or
    /// a category), or at the top level of the file.
    fn fix_allow(&self, code: &'static str, span: Span, out: &mut Vec<Fix>) {
        let clause = format!("allow {code} \"请填写理由\"");
        let f = &self.file;
        let mut at = None;
        for c in &f.categories {
            if !contains(c.span, span.start) {
                continue;
            }
            let ind = c.indicators.iter().find(|i| contains(i.span, span.start));
            let from = ind.map_or(c.points.span.end, |i| i.points.span.end);
            if let Some(brace) = self.text.get(from..).and_then(|r| r.find('{')) {
                let pos = from + brace + 1;
                let indent = if ind.is_some() { "    " } else { "  " };
                at = Some((pos, format!("\n{indent}{clause}")));
            }
        }
        let (pos, text) = at.unwrap_or_else(|| match &f.header {
            Some(h) => (h.span.end, format!("\n\n{clause}")),
            None => (0, format!("{clause}\n\n")),
        });
        out.push(Fix {
            title: format!("加上 allow {code} \"…\"，在此确认这条提示"),
            code,
            edits: vec![Edit {
                span: Span::new(pos, pos),
                text,
            }],
            preferred: false,
        });
    }

    /// Every indicator header, for hints beside them: number, header span.
    pub fn indicator_heads(&self) -> Vec<(u32, Span)> {
        self.file
            .categories
            .iter()
            .flat_map(|c| &c.indicators)
            .map(|i| (i.no.value, i.head_span))
            .collect()
    }
}

/// The outline of a parsed rule file: the header, inputs, definitions, then categories with
/// their indicators and items. [`Analysis::symbols`] for an analysed file; this for any file,
/// e.g. the rule files of a folder that are not open in the editor.
pub fn outline(f: &ast::File) -> Vec<Symbol> {
    let mut out = Vec::new();
    if let Some(h) = &f.header {
        out.push(leaf(
            h.id.value.clone(),
            h.title.value.clone(),
            ItemKind::Header,
            h.span,
            h.id.span,
        ));
    }
    for i in &f.inputs {
        out.push(leaf(
            i.name.value.clone(),
            i.label.value.clone(),
            ItemKind::Input,
            i.span,
            i.name.span,
        ));
    }
    for d in &f.fns {
        let label = d.label.as_ref().map_or(String::new(), |l| l.value.clone());
        out.push(leaf(
            d.name.value.clone(),
            label,
            ItemKind::Function,
            d.span,
            d.name.span,
        ));
    }
    for l in &f.lets {
        let label = l.label.as_ref().map_or(String::new(), |l| l.value.clone());
        out.push(leaf(
            l.name.value.clone(),
            label,
            ItemKind::Let,
            l.span,
            l.name.span,
        ));
    }
    for c in &f.categories {
        let children = c
            .indicators
            .iter()
            .map(|i| {
                let mut s = leaf(
                    format!("{} {}", i.no.value, i.name.value),
                    format!("{} 分", number::plain(i.points.value)),
                    ItemKind::Indicator,
                    i.span,
                    i.name.span,
                );
                s.no = Some(i.no.value);
                if let Some(form) = &i.score {
                    items_of(form, &mut s.children);
                }
                s
            })
            .collect();
        out.push(Symbol {
            name: c.name.value.clone(),
            detail: format!("{} 分", number::plain(c.points.value)),
            kind: ItemKind::Category,
            span: c.span,
            selection: c.name.span,
            children,
            no: None,
        });
    }
    out
}

fn leaf(name: String, detail: String, kind: ItemKind, span: Span, selection: Span) -> Symbol {
    Symbol {
        name,
        detail,
        kind,
        span,
        selection,
        children: Vec::new(),
        no: None,
    }
}

fn items_of(form: &ast::ScoreForm, out: &mut Vec<Symbol>) {
    form.each_form(&mut |f| {
        for it in f.items() {
            out.push(leaf(
                format!("{} {}", it.no.value, it.text.value),
                it.points
                    .as_ref()
                    .map_or(String::new(), |p| format!("{} 分", number::plain(p.value))),
                ItemKind::Item,
                it.span,
                it.text.span,
            ));
        }
    });
}

/// A tiers form: its subject, overlap policy, tiers and whole span.
type TierForm<'a> = (
    &'a ast::Expr,
    &'a Option<ast::Spanned<ast::Overlap>>,
    &'a [ast::Tier],
    Span,
);

fn tier_forms<'a>(form: &'a ast::ScoreForm, out: &mut Vec<TierForm<'a>>) {
    form.each_form(&mut |f| {
        if let ast::ScoreForm::Tiers {
            subject,
            overlap,
            tiers,
            span,
        } = f
        {
            out.push((subject, overlap, tiers, *span));
        }
    });
}

fn all_allows(f: &ast::File) -> Vec<&ast::Allow> {
    let mut out: Vec<&ast::Allow> = f.allows.iter().collect();
    if let Some(h) = &f.header {
        out.extend(&h.allows);
    }
    out.extend(f.inputs.iter().flat_map(|i| &i.allows));
    for c in &f.categories {
        out.extend(&c.allows);
        out.extend(c.indicators.iter().flat_map(|i| &i.allows));
    }
    out
}

/// Every number literal of a file.
fn literals(f: &ast::File) -> Vec<&ast::Literal> {
    let mut out = Vec::new();
    let from_expr = expr_literals;
    for i in &f.inputs {
        out.extend(i.min.iter().chain(i.max.iter()));
    }
    for l in &f.lets {
        from_expr(&l.value, &mut out);
    }
    for d in &f.fns {
        from_expr(&d.body, &mut out);
    }
    for c in &f.checks {
        from_expr(&c.cond, &mut out);
    }
    if let Some(h) = &f.header {
        out.extend(h.pass.iter().map(|p| &p.value));
    }
    fn form<'a>(s: &'a ast::ScoreForm, out: &mut Vec<&'a ast::Literal>) {
        s.each_form(&mut |f| {
            if let ast::ScoreForm::Tiers { tiers, .. } = f {
                for t in tiers {
                    out.extend(t.lo.iter().chain(t.hi.iter()));
                }
            }
        });
        s.each_expr(&mut |e, _| expr_literals(e, out));
    }
    for ind in f.categories.iter().flat_map(|c| &c.indicators) {
        for l in &ind.lets {
            from_expr(&l.value, &mut out);
        }
        if let Some(s) = &ind.score {
            form(s, &mut out);
        }
    }
    out
}

fn expr_literals<'a>(e: &'a ast::Expr, out: &mut Vec<&'a ast::Literal>) {
    e.each(&mut |x| {
        if let ast::ExprKind::Lit(l) = &x.kind {
            out.push(l);
        }
    });
}

/// The exact value of a literal, in words.
fn literal_value(l: &ast::Literal) -> String {
    let v = number::grouped(l.value);
    match &l.unit {
        number::QuantityUnit::None => format!("`{}` = {v}（精确值）", l.text),
        number::QuantityUnit::Percent => format!("`{}` = {v}%（精确值）", l.text),
        number::QuantityUnit::Money => format!("`{}` = {v} 元（精确值）", l.text),
        number::QuantityUnit::Other(u) => format!("`{}` = {v} {u}（精确值）", l.text),
    }
}

fn formula(text: &str, label: Option<&ast::Spanned<String>>, span: Span) -> String {
    let src = text.get(span.start..span.end).unwrap_or("");
    match label {
        Some(l) => format!("**{}**\n\n```zhibiao\n{src}\n```", l.value),
        None => format!("```zhibiao\n{src}\n```"),
    }
}

fn contains(span: Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

/// Whether a text is a valid name: an ASCII letter or `_`, then letters, digits and `_`.
pub fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests;
