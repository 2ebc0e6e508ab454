//! Reading a submission or a reference file: TOML or JSON text to a [`Submission`].
//!
//! Both formats are first turned into one small tree ([`Node`]) that keeps, for every key and
//! value, its byte span in the text and, for numbers, the exact source text. Validation then works
//! on that tree only, so TOML and JSON get the same checks and the same messages.
//!
//! - TOML is parsed with `toml_edit::Document`, which keeps spans. A number's value is read from
//!   its source text (`&text[span]`), never from the `f64` that `toml_edit` holds.
//! - JSON is parsed with `serde_json` (arbitrary precision, so a number keeps its text). serde_json
//!   keeps no positions, so a small scanner walks the (already valid) text once more and records
//!   the span of every key and value; it also finds keys written twice, which serde_json would
//!   silently overwrite.
//!
//! Every problem becomes a [`Diagnostic`] that names the file, points at the value (or at the key
//! for an unknown key) and says what to write instead. All problems are collected; a value with a
//! problem is left out of the submission.

use super::{InputValue, Judgement, MAX_LIST_LEN, MAX_SUBMISSION_BYTES, Submission};
use crate::codes;
use crate::diag::{Diagnostic, Span, suggest};
use crate::model::{JudgementSlot, RuleSet};
use crate::number::{
    CommaReadings, MAGNITUDES, QuantityError, QuantityUnit, money_unit_factor, parse_quantity,
    plain,
};
use crate::syntax::ast::{InputDecl, Literal, ScalarKind};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The format of a submission file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML, the format people edit.
    Toml,
    /// JSON, the format other programs write.
    Json,
    /// Spreadsheet cells: a filled-in XLSX template or one row of a table (CSV or XLSX). Read
    /// with [`super::load_cells`]; messages name the cell (`数据!E14`) instead of a line.
    Xlsx,
}

impl Format {
    /// The text format a file name implies by its extension (`.toml`, `.json`, any case), if
    /// any. A `.xlsx` file is not text: it is read with [`super::load_xlsx`].
    pub fn from_path(path: &str) -> Option<Format> {
        let ext = std::path::Path::new(path)
            .extension()?
            .to_str()?
            .to_ascii_lowercase();
        match ext.as_str() {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Reads a district's submission and checks it against the rule set's inputs and judgement keys.
///
/// Returns the submission unless the text cannot be used at all (a syntax error, no usable
/// `year`, a file over [`MAX_SUBMISSION_BYTES`]); values with problems are left out of it. Every
/// problem found is in the diagnostics; the caller decides with [`crate::diag::has_errors`].
pub fn load(
    rules: &RuleSet,
    file: &Arc<str>,
    text: &str,
    format: Format,
) -> (Option<Submission>, Vec<Diagnostic>) {
    load_impl(rules, file, text, format, false)
}

/// Reads a shared reference file: province benchmarks (`province_*` inputs) that serve every
/// district. `year` is optional (0 when absent) and `[judgements]` is not allowed.
pub fn load_reference(
    rules: &RuleSet,
    file: &Arc<str>,
    text: &str,
    format: Format,
) -> (Option<Submission>, Vec<Diagnostic>) {
    load_impl(rules, file, text, format, true)
}

/// Merges a reference file's values into a submission.
///
/// A key the submission lacks is taken from the reference; a yearly series is merged year by
/// year. The same key (or the same year of a series) with two different values is an error that
/// names the input (its label, the key in brackets), both files and both values in the input's
/// unit. Every key the reference supplied or agreed with is recorded in
/// [`Submission::from_reference`]. A reference for another year is an error too.
pub fn merge_reference(
    rules: &RuleSet,
    sub: &mut Submission,
    reference: &Submission,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let (a, b) = (sub.file.clone(), reference.file.clone());
    if reference.year != 0 && reference.year != sub.year {
        diags.push(
            Diagnostic::error(
                codes::SUB_CONFLICT,
                format!(
                    "评估年度不一致：{a} 中 year 为 {}，参照文件 {b} 中 year 为 {}",
                    sub.year, reference.year
                ),
            )
            .in_file(&b)
            .help("使用与申报年度相同的参照文件，或改正其中一个文件的 year"),
        );
    }
    for (key, theirs) in &reference.values {
        let Some(ours) = sub.values.get_mut(key) else {
            sub.values.insert(key.clone(), theirs.clone());
            sub.from_reference.insert(key.clone(), b.clone());
            continue;
        };
        let decl = rules.input(key);
        // District staff know the input by its label: the message leads with it.
        let name = decl.map_or_else(|| key.clone(), named);
        let conflict = |what: String, x: String, y: String| {
            let w = subj(&what);
            Diagnostic::error(
                codes::SUB_CONFLICT,
                format!("{w}在 {a} 中为 {x}，在 {b} 中为 {y}"),
            )
            .in_file(&a)
            .help(format!(
                "同一项只能有一个值：从 {a} 或 {b} 中删除 {key}，或把两处改成一致"
            ))
        };
        match (&mut *ours, theirs) {
            (InputValue::Series(mine), InputValue::Series(other)) => {
                let mut clash = false;
                for (year, v) in other {
                    match mine.get(year) {
                        Some(m) if m != v => {
                            clash = true;
                            diags.push(conflict(
                                format!("{}的 {year} 年数值", subj(&name)),
                                in_unit(decl, *m),
                                in_unit(decl, *v),
                            ));
                        }
                        Some(_) => {}
                        None => {
                            mine.insert(*year, *v);
                        }
                    }
                }
                if !clash {
                    sub.from_reference.insert(key.clone(), b.clone());
                }
            }
            (mine, other) if *mine == *other => {
                sub.from_reference.insert(key.clone(), b.clone());
            }
            (mine, other) => diags.push(conflict(
                name.clone(),
                show_value(decl, mine),
                show_value(decl, other),
            )),
        }
    }
    sub.reference_digest = Some(reference.digest.clone());
    sub.reference_file = Some(reference.file.clone());
    diags
}

/// One number as the input is written: a percent as `85%`, money in the declared unit
/// (`92000万元`), anything else (and an undeclared key) as a plain decimal.
fn in_unit(decl: Option<&InputDecl>, v: Decimal) -> String {
    let Some(decl) = decl else {
        return plain(v);
    };
    match decl.kind.value {
        ScalarKind::Percent => v
            .checked_mul(Decimal::ONE_HUNDRED)
            .map_or_else(|| plain(v), |p| format!("{}%", plain(p))),
        ScalarKind::Money => match decl.unit.as_ref() {
            Some(u) => match money_unit_factor(&u.value).and_then(|f| v.checked_div(f)) {
                Some(x) => format!("{}{}", plain(x), u.value),
                None => format!("{}元", plain(v)),
            },
            None => format!("{}元", plain(v)),
        },
        ScalarKind::Count | ScalarKind::Decimal => match decl.unit.as_ref() {
            Some(u) => format!("{}{}", plain(v), u.value),
            None => plain(v),
        },
        ScalarKind::Bool => plain(v),
    }
}

/// A value for a message, in the input's unit ([`in_unit`]).
fn show_value(decl: Option<&InputDecl>, v: &InputValue) -> String {
    match v {
        InputValue::Num(d) => in_unit(decl, *d),
        InputValue::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        InputValue::Series(s) => {
            let parts: Vec<String> = s
                .iter()
                .map(|(y, v)| format!("{y} 年 {}", in_unit(decl, *v)))
                .collect();
            format!("{{{}}}", parts.join("，"))
        }
        InputValue::List(l) => {
            let parts: Vec<String> = l.iter().map(|v| in_unit(decl, *v)).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The common tree

/// A key or value read from either format, with where it was written.
#[derive(Debug)]
pub(super) struct Node {
    pub(super) span: Option<Span>,
    pub(super) kind: Kind,
}

#[derive(Debug)]
pub(super) enum Kind {
    Str(String),
    /// A number, as its source text (TOML may carry `_`, a sign, hex or an exponent).
    Num(String),
    Bool(bool),
    /// A TOML date or time.
    Date,
    /// JSON `null`: treated as not given.
    Null,
    Array(Vec<Node>),
    Table(Table),
}

#[derive(Debug)]
pub(super) struct Table {
    pub(super) entries: Vec<Entry>,
    /// Made by a TOML dotted key (`12.1 = true` is `{ 12 = { 1 = true } }`).
    pub(super) dotted: bool,
}

#[derive(Debug)]
pub(super) struct Entry {
    pub(super) key: String,
    pub(super) key_span: Option<Span>,
    pub(super) value: Node,
}

fn span_of(r: Option<std::ops::Range<usize>>, base: usize) -> Option<Span> {
    r.map(|r| Span::new(base + r.start, base + r.end))
}

/// Strips a UTF-8 byte order mark (Excel writes one); returns the body and its offset.
fn strip_bom(text: &str) -> (&str, usize) {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, text.len() - rest.len()),
        None => (text, 0),
    }
}

// ---------------------------------------------------------------------------------------------
// TOML

/// The tree of a TOML text, or `None` after a syntax error (reported).
fn parse_toml(file: &Arc<str>, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Node> {
    let (body, base) = strip_bom(text);
    match toml_edit::Document::parse(body) {
        Ok(doc) => Some(toml_table(doc.as_table(), body, base)),
        Err(e) => {
            let d = Diagnostic::error(codes::SUB_SYNTAX, format!("无法读取 TOML 文件：{}", e.message().trim()))
                .label("这里写法有误")
                .help("检查这一行：字符串要加引号（region = \"某某区\"），键和值之间用 =，表头写成 [data]、[judgements]");
            diags.push(match span_of(e.span(), base) {
                Some(s) => d.at(file, s),
                None => d.in_file(file),
            });
            None
        }
    }
}

fn toml_table(t: &toml_edit::Table, src: &str, base: usize) -> Node {
    let entries = t
        .iter()
        .map(|(k, item)| Entry {
            key: k.to_string(),
            key_span: span_of(t.key(k).and_then(|k| k.span()), base),
            value: toml_item(item, src, base),
        })
        .collect();
    Node {
        span: span_of(t.span(), base),
        kind: Kind::Table(Table {
            entries,
            dotted: t.is_dotted(),
        }),
    }
}

fn toml_item(item: &toml_edit::Item, src: &str, base: usize) -> Node {
    match item {
        toml_edit::Item::None => Node {
            span: None,
            kind: Kind::Null,
        },
        toml_edit::Item::Value(v) => toml_value(v, src, base),
        toml_edit::Item::Table(t) => toml_table(t, src, base),
        toml_edit::Item::ArrayOfTables(a) => Node {
            span: span_of(a.span(), base),
            kind: Kind::Array(a.iter().map(|t| toml_table(t, src, base)).collect()),
        },
    }
}

fn toml_value(v: &toml_edit::Value, src: &str, base: usize) -> Node {
    use toml_edit::Value as V;
    let span = span_of(v.span(), base);
    // The number as written; the parsed value only if the text is somehow unavailable.
    let raw = |fallback: String| {
        v.span()
            .and_then(|r| src.get(r))
            .map_or(fallback, str::to_string)
    };
    let kind = match v {
        V::String(s) => Kind::Str(s.value().clone()),
        V::Integer(i) => Kind::Num(raw(i.value().to_string())),
        V::Float(f) => Kind::Num(raw(f.value().to_string())),
        V::Boolean(b) => Kind::Bool(*b.value()),
        V::Datetime(_) => Kind::Date,
        V::Array(a) => Kind::Array(a.iter().map(|x| toml_value(x, src, base)).collect()),
        V::InlineTable(t) => {
            let entries = t
                .iter()
                .map(|(k, x)| Entry {
                    key: k.to_string(),
                    key_span: span_of(t.key(k).and_then(|k| k.span()), base),
                    value: toml_value(x, src, base),
                })
                .collect();
            Kind::Table(Table {
                entries,
                dotted: t.is_dotted(),
            })
        }
    };
    Node { span, kind }
}

// ---------------------------------------------------------------------------------------------
// JSON

/// Where the keys and values of a JSON text are, found by a second pass over the valid text.
#[derive(Debug)]
enum JScan {
    Obj(Vec<JEntry>),
    Arr(Vec<(Span, JScan)>),
    Leaf,
}

#[derive(Debug)]
struct JEntry {
    /// The key decoded (escapes resolved), if it could be.
    key: Option<String>,
    key_span: Span,
    value_span: Span,
    value: JScan,
}

/// serde_json refuses deeper nesting than this (128) anyway.
const MAX_JSON_DEPTH: usize = 200;

struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl Scanner<'_> {
    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.byte(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.skip_ws();
        (self.byte() == Some(b)).then(|| self.pos += 1)
    }

    fn string(&mut self) -> Option<Span> {
        let start = self.pos;
        if self.byte() != Some(b'"') {
            return None;
        }
        self.pos += 1;
        loop {
            match self.byte()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return Some(Span::new(start, self.pos));
                }
                _ => self.pos += 1,
            }
        }
    }

    /// One value starting at the current position (after white space).
    fn value(&mut self, depth: usize) -> Option<(Span, JScan)> {
        if depth > MAX_JSON_DEPTH {
            return None;
        }
        self.skip_ws();
        let start = self.pos;
        let scan = match self.byte()? {
            b'{' => {
                self.pos += 1;
                let mut entries = Vec::new();
                if self.eat(b'}').is_none() {
                    loop {
                        self.skip_ws();
                        let key_span = self.string()?;
                        let key = self
                            .text
                            .get(key_span.start..key_span.end)
                            .and_then(|k| serde_json::from_str::<String>(k).ok());
                        self.eat(b':')?;
                        let (value_span, value) = self.value(depth + 1)?;
                        entries.push(JEntry {
                            key,
                            key_span,
                            value_span,
                            value,
                        });
                        if self.eat(b',').is_none() {
                            self.eat(b'}')?;
                            break;
                        }
                    }
                }
                JScan::Obj(entries)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                if self.eat(b']').is_none() {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b',').is_none() {
                            self.eat(b']')?;
                            break;
                        }
                    }
                }
                JScan::Arr(items)
            }
            b'"' => {
                self.string()?;
                JScan::Leaf
            }
            _ => {
                while !matches!(
                    self.byte(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.pos += 1;
                }
                if self.pos == start {
                    return None;
                }
                JScan::Leaf
            }
        };
        Some((Span::new(start, self.pos), scan))
    }
}

/// The tree of a JSON text, or `None` after a syntax error (reported).
fn parse_json(file: &Arc<str>, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Node> {
    let (body, base) = strip_bom(text);
    let value: serde_json::Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            let d = Diagnostic::error(codes::SUB_SYNTAX, format!("无法读取 JSON 文件：{msg}"))
                .label("这里写法有误")
                .help("检查这一处：键和字符串要用双引号，项与项之间用逗号，最后一项后面不能有逗号");
            diags.push(match json_error_offset(body, e.line(), e.column()) {
                Some(at) => {
                    let end = body
                        .get(at..)
                        .and_then(|r| r.chars().next())
                        .map_or(at, |c| at + c.len_utf8());
                    d.at(file, Span::new(base + at, base + end))
                }
                None => d.in_file(file),
            });
            return None;
        }
    };
    let mut scanner = Scanner { text, pos: base };
    let scan = scanner.value(0);
    let loc = scan.as_ref().map(|(s, j)| (*s, j));
    Some(json_node(&value, loc, file, diags))
}

/// The byte offset of serde_json's (1-based line, 1-based byte column) error position.
fn json_error_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut start = 0;
    for _ in 1..line {
        start += text.get(start..)?.find('\n')? + 1;
    }
    let line_end = text
        .get(start..)?
        .find('\n')
        .map_or(text.len(), |i| start + i);
    let mut at = (start + column.saturating_sub(1)).min(line_end);
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    Some(at)
}

fn json_node(
    v: &serde_json::Value,
    loc: Option<(Span, &JScan)>,
    file: &Arc<str>,
    diags: &mut Vec<Diagnostic>,
) -> Node {
    use serde_json::Value as V;
    let span = loc.map(|(s, _)| s);
    let kind = match v {
        V::Null => Kind::Null,
        V::Bool(b) => Kind::Bool(*b),
        V::Number(n) => Kind::Num(n.to_string()),
        V::String(s) => Kind::Str(s.clone()),
        V::Array(items) => {
            let scanned = match loc {
                Some((_, JScan::Arr(a))) if a.len() == items.len() => Some(a),
                _ => None,
            };
            Kind::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        json_node(
                            x,
                            scanned.and_then(|a| a.get(i)).map(|(s, j)| (*s, j)),
                            file,
                            diags,
                        )
                    })
                    .collect(),
            )
        }
        V::Object(map) => {
            let mut by_key: HashMap<&str, &JEntry> = HashMap::new();
            if let Some((_, JScan::Obj(entries))) = loc {
                for e in entries {
                    let Some(k) = e.key.as_deref() else { continue };
                    if let Some(first) = by_key.insert(k, e) {
                        // serde_json keeps the last value of a repeated key without a word.
                        diags.push(
                            Diagnostic::error(
                                codes::SUB_SYNTAX,
                                format!("键“{k}”在同一层写了两次，前一个值会被忽略"),
                            )
                            .at(file, e.key_span)
                            .label("第二次")
                            .related(first.key_span, "第一次")
                            .help("删除其中一个"),
                        );
                    }
                }
            }
            let entries = map
                .iter()
                .map(|(k, x)| {
                    let found = by_key.get(k.as_str());
                    Entry {
                        key: k.clone(),
                        key_span: found.map(|e| e.key_span),
                        value: json_node(x, found.map(|e| (e.value_span, &e.value)), file, diags),
                    }
                })
                .collect();
            Kind::Table(Table {
                entries,
                dotted: false,
            })
        }
    };
    Node { span, kind }
}

// ---------------------------------------------------------------------------------------------
// Numbers

enum NumProblem {
    /// `inf`, `nan`, or text that is not a number.
    NotANumber,
    /// Too large or too precise for exact decimal arithmetic.
    TooLarge,
}

/// The exact value of a number's source text (TOML or JSON syntax).
fn parse_number(raw: &str) -> Result<Decimal, NumProblem> {
    let s: String = raw.trim().chars().filter(|c| *c != '_').collect();
    let s = s.strip_prefix('+').unwrap_or(&s);
    let radix = [("0x", 16), ("0o", 8), ("0b", 2)]
        .into_iter()
        .find_map(|(p, r)| s.strip_prefix(p).map(|rest| (rest, r)));
    if let Some((digits, r)) = radix {
        return i64::from_str_radix(digits, r)
            .map(Decimal::from)
            .map_err(|_| NumProblem::NotANumber);
    }
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return Err(NumProblem::NotANumber);
    }
    match s.split_once(['e', 'E']) {
        // `Decimal::from_scientific` rounds what does not fit; this refuses it instead.
        Some((m, e)) => {
            let m = Decimal::from_str_exact(m)
                .map_err(|_| NumProblem::TooLarge)?
                .normalize();
            let e: i64 = e.parse().map_err(|_| NumProblem::NotANumber)?;
            if m.is_zero() {
                return Ok(Decimal::ZERO);
            }
            if e >= 0 {
                let mut v = m;
                for _ in 0..e.min(64) {
                    v = v.checked_mul(Decimal::TEN).ok_or(NumProblem::TooLarge)?;
                }
                if e > 64 {
                    return Err(NumProblem::TooLarge);
                }
                Ok(v)
            } else {
                let scale = i64::from(m.scale()).saturating_sub(e);
                let scale = u32::try_from(scale)
                    .ok()
                    .filter(|s| *s <= 28)
                    .ok_or(NumProblem::TooLarge)?;
                let mut v = m;
                v.set_scale(scale).map_err(|_| NumProblem::TooLarge)?;
                Ok(v)
            }
        }
        None => Decimal::from_str_exact(s).map_err(|_| NumProblem::TooLarge),
    }
}

/// An input as messages name it: its label with the key in brackets,
/// `上级交办、督办线索处置及时率（assigned_case_timely_rate）`; the bare key when it has no label.
pub(super) fn named(decl: &InputDecl) -> String {
    let (label, key) = (decl.label.value.trim(), decl.name.value.as_str());
    if label.is_empty() || label == key {
        key.to_string()
    } else {
        format!("{label}（{key}）")
    }
}

/// The subject of a message, followed by a space only after a Latin key (`market_entities 是…`,
/// but `online_retail 的 2024 年数值是…`).
pub(super) fn subj(what: &str) -> String {
    if what.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        format!("{what} ")
    } else {
        what.to_string()
    }
}

fn kind_name(k: ScalarKind) -> &'static str {
    match k {
        ScalarKind::Count => "计数",
        ScalarKind::Money => "金额",
        ScalarKind::Percent => "百分比",
        ScalarKind::Decimal => "数值",
        ScalarKind::Bool => "是或否",
    }
}

// ---------------------------------------------------------------------------------------------
// Validation

const TOP_KEYS: [&str; 5] = ["region", "year", "ruleset", "data", "judgements"];
const JUDGEMENT_FIELDS: [&str; 4] = ["met", "score", "evidence", "note"];
const MAX_SHOWN_CHARS: usize = 40;

/// A value as messages quote it: on one line, and cut at [`MAX_SHOWN_CHARS`] characters with `…`
/// (a cell that took in the rest of a file is shown by its start).
pub(super) fn cut_short(s: &str) -> String {
    let one_line = s.replace(['\r', '\n'], " ");
    match one_line.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", one_line.get(..at).unwrap_or_default()),
        None => one_line,
    }
}

struct Loader<'a> {
    rules: &'a RuleSet,
    file: &'a Arc<str>,
    text: &'a str,
    format: Format,
    reference: bool,
    /// For spreadsheet input: which cell each span of `text` stands for.
    cells: Option<&'a CellMap>,
    /// A list's entries were split from one cell (see `CellDoc::lists_in_one_cell`).
    lists_in_one_cell: bool,
    /// The evaluation year, once known (for examples in help texts).
    year: Option<i32>,
    diags: Vec<Diagnostic>,
}

fn load_impl(
    rules: &RuleSet,
    file: &Arc<str>,
    text: &str,
    format: Format,
    reference: bool,
) -> (Option<Submission>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if text.len() > MAX_SUBMISSION_BYTES {
        diags.push(
            Diagnostic::error(
                codes::SUB_LIMIT,
                format!(
                    "文件有 {} 字节，超过上限 {} 字节",
                    text.len(),
                    MAX_SUBMISSION_BYTES
                ),
            )
            .in_file(file)
            .help("申报文件只填写规则需要的数据；附件材料不要写进文件"),
        );
        return (None, diags);
    }
    let parsed = match format {
        Format::Toml => parse_toml(file, text, &mut diags),
        Format::Json => parse_json(file, text, &mut diags),
        Format::Xlsx => {
            diags.push(
                Diagnostic::error(codes::SUB_SYNTAX, "电子表格不能当作文本读取")
                    .in_file(file)
                    .help("XLSX 文件用 submission::load_xlsx 读取"),
            );
            None
        }
    };
    let root = match parsed {
        Some(n) => n,
        None => return (None, diags),
    };
    let mut l = Loader {
        rules,
        file,
        text,
        format,
        reference,
        cells: None,
        lists_in_one_cell: false,
        year: None,
        diags,
    };
    let sub = l.document(&root);
    (sub, l.diags)
}

/// The cell each span of a spreadsheet's stand-in text comes from, sorted by span.
#[derive(Debug, Default)]
pub(super) struct CellMap {
    pub(super) cells: Vec<(Span, String)>,
    /// A list's entries were split from one cell (see `CellDoc::lists_in_one_cell`).
    pub(super) lists_in_one_cell: bool,
}

impl CellMap {
    /// The cell whose span holds `at`.
    fn cell(&self, at: usize) -> Option<&str> {
        let i = self.cells.partition_point(|(s, _)| s.start <= at);
        let (s, name) = self.cells.get(i.checked_sub(1)?)?;
        (at <= s.end).then_some(name.as_str())
    }
}

/// Validates a tree built from spreadsheet cells. `text` is the stand-in text the tree's spans
/// point into (each cell's value as shown); `cells` names the cell of every span. Messages name
/// the cell, carry no span, and the submission's digest is `digest` (that of the file's bytes).
/// A declared `min`/`max` of an input in the unit values are kept in (money in 元).
pub(super) fn input_bound(decl: &InputDecl, lit: &Literal) -> Decimal {
    let factor = decl
        .unit
        .as_ref()
        .and_then(|u| money_unit_factor(&u.value))
        .unwrap_or(Decimal::ONE);
    match (decl.kind.value, &lit.unit) {
        (ScalarKind::Money, QuantityUnit::None) => {
            lit.value.checked_mul(factor).unwrap_or(lit.value)
        }
        _ => lit.value,
    }
}

/// Whether a value lies within its input's declared `min` and `max` (as the loader checks).
pub(super) fn in_range(decl: &InputDecl, v: Decimal) -> bool {
    decl.min
        .as_ref()
        .is_none_or(|lo| v >= input_bound(decl, lo))
        && decl
            .max
            .as_ref()
            .is_none_or(|hi| v <= input_bound(decl, hi))
}

pub(super) fn load_tree(
    rules: &RuleSet,
    file: &Arc<str>,
    root: &Node,
    text: &str,
    cells: &CellMap,
    digest: String,
    diags: Vec<Diagnostic>,
) -> (Option<Submission>, Vec<Diagnostic>) {
    let mut l = Loader {
        rules,
        file,
        text,
        format: Format::Xlsx,
        reference: false,
        cells: Some(cells),
        lists_in_one_cell: cells.lists_in_one_cell,
        year: None,
        diags,
    };
    let mut sub = l.document(root);
    if let Some(s) = sub.as_mut() {
        s.digest = digest;
    }
    (sub, l.diags)
}

impl Loader<'_> {
    fn at(&self, mut d: Diagnostic, span: Option<Span>) -> Diagnostic {
        if let Some(cells) = self.cells {
            // A spreadsheet has no lines: name the cell in the message instead.
            if let Some(cell) = span.and_then(|s| cells.cell(s.start)) {
                d = d.in_cell(cell.to_string());
            }
            d.related.clear();
            return d.in_file(self.file);
        }
        match span {
            Some(s) => d.at(self.file, s),
            None => d.in_file(self.file),
        }
    }

    fn push(&mut self, d: Diagnostic, span: Option<Span>) {
        let d = self.at(d, span);
        self.diags.push(d);
    }

    fn what(&self) -> &'static str {
        if self.reference {
            "参照文件"
        } else {
            "申报文件"
        }
    }

    /// A section name as the user wrote it, set off by spaces where it is code: ` [data] ` in
    /// TOML, ` "data" ` in JSON, `“数据”工作表` in a spreadsheet (Chinese needs no spaces).
    fn section(&self, name: &str) -> String {
        match self.format {
            Format::Toml => format!(" [{name}] "),
            Format::Json => format!(" \"{name}\" "),
            Format::Xlsx if name == "data" => "“数据”工作表".into(),
            Format::Xlsx => "“评审”工作表".into(),
        }
    }

    /// What to do with an entry in the wrong section: move it to `name`.
    fn move_to(&self, name: &str) -> String {
        match self.format {
            Format::Xlsx => format!("把这一项移到{}", self.section(name)),
            _ => format!("把这一项移到{}下面", self.section(name)),
        }
    }

    /// A value as written, for messages.
    fn shown(&self, n: &Node) -> String {
        let s = match &n.kind {
            Kind::Array(_) => return "[…]".into(),
            Kind::Table(_) => return "{…}".into(),
            _ => match n.span.and_then(|s| self.text.get(s.start..s.end)) {
                Some(t) => t.to_string(),
                None => match &n.kind {
                    Kind::Str(s) => format!("\"{s}\""),
                    Kind::Num(t) => t.clone(),
                    Kind::Bool(b) => b.to_string(),
                    Kind::Null => "null".into(),
                    _ => "日期".into(),
                },
            },
        };
        cut_short(&s)
    }

    /// What kind of value was written, in words.
    fn type_desc(n: &Node) -> &'static str {
        match n.kind {
            Kind::Str(_) => "文字",
            Kind::Num(_) => "数字",
            Kind::Bool(_) => "布尔值",
            Kind::Date => "日期",
            Kind::Null => "null",
            Kind::Array(_) => "数组",
            Kind::Table(_) => "表",
        }
    }

    fn years_example(&self) -> String {
        let y = self.year.unwrap_or(2024);
        match self.format {
            Format::Toml => format!("{{ {} = …, {y} = … }}", y - 1),
            Format::Json => format!("{{\"{}\": …, \"{y}\": …}}", y - 1),
            Format::Xlsx => format!("在 {}、{y} 年对应的列中分别填写", y - 1),
        }
    }

    fn document(&mut self, root: &Node) -> Option<Submission> {
        let Kind::Table(top) = &root.kind else {
            self.push(
                Diagnostic::error(
                    codes::SUB_SYNTAX,
                    format!(
                        "{}的最外层应为对象 {{ … }}，这里是{}",
                        self.what(),
                        Self::type_desc(root)
                    ),
                )
                .help("写成 { \"year\": 2024, \"data\": { … } }"),
                root.span,
            );
            return None;
        };
        let mut sub = Submission {
            file: self.file.clone(),
            digest: crate::model::digest(self.text),
            ..Submission::default()
        };

        // The year first: help texts for yearly values use it.
        let mut year_ok = false;
        let mut year_seen = false;
        if let Some(e) = top
            .entries
            .iter()
            .find(|e| e.key == "year" && !matches!(e.value.kind, Kind::Null))
        {
            year_seen = true;
            if let Some(y) = self.year(&e.value) {
                sub.year = y;
                self.year = Some(y);
                year_ok = true;
            }
        }
        if !year_seen && !self.reference {
            let example = match self.format {
                Format::Toml => "在文件开头（[data] 之前）写一行 year = 2024",
                Format::Json => "在最外层加上 \"year\": 2024",
                Format::Xlsx => "在“数据”工作表顶部“评估年度”右边的格子里填写年份，如 2024",
            };
            self.push(
                Diagnostic::error(codes::SUB_SYNTAX, "申报文件缺少评估年度 year")
                    .label("缺少 year")
                    .help(example),
                None,
            );
        }

        for e in &top.entries {
            match e.key.as_str() {
                "year" => {}
                "region" | "ruleset" => match &e.value.kind {
                    Kind::Str(s) if e.key == "region" => sub.region = Some(s.clone()),
                    Kind::Str(s) => sub.ruleset = Some(s.clone()),
                    Kind::Null => {}
                    _ => {
                        let shown = self.shown(&e.value);
                        let example = if e.key == "region" { "\"威海临港经济技术开发区\"" } else { "\"sd-nmsz@2023\"" };
                        self.push(
                            Diagnostic::error(codes::SUB_SYNTAX, format!("{} 应为文字，这里是{} {shown}", e.key, Self::type_desc(&e.value)))
                                .label("应为文字")
                                .help(format!("加上双引号，如 {} = {example}", e.key)),
                            e.value.span.or(e.key_span),
                        );
                    }
                },
                "data" => match &e.value.kind {
                    Kind::Table(t) => self.data(t, &mut sub),
                    Kind::Null => {}
                    _ => self.section_not_table(e),
                },
                "judgements" if self.reference => self.push(
                    Diagnostic::error(codes::SUB_UNKNOWN_KEY, "参照文件不能填写评审结论 judgements")
                        .label("参照文件中不能有")
                        .help("评审结论写在各地区自己的申报文件中；参照文件只写全省数据（province_ 开头的项）"),
                    e.key_span,
                ),
                "judgements" => match &e.value.kind {
                    Kind::Table(t) => self.judgements(t, &mut sub),
                    Kind::Null => {}
                    _ => self.section_not_table(e),
                },
                _ => self.unknown_top(e),
            }
        }
        (year_ok || (self.reference && !year_seen)).then_some(sub)
    }

    fn section_not_table(&mut self, e: &Entry) {
        let example = match self.format {
            Format::Toml => format!("单独一行写表头 [{}]，下面每行一项", e.key),
            Format::Json | Format::Xlsx => format!("写成 \"{}\": {{ … }}", e.key),
        };
        self.push(
            Diagnostic::error(
                codes::SUB_SYNTAX,
                format!(
                    "{} 应为表，这里是{} {}",
                    e.key,
                    Self::type_desc(&e.value),
                    self.shown(&e.value)
                ),
            )
            .label("应为表")
            .help(example),
            e.value.span.or(e.key_span),
        );
    }

    fn year(&mut self, n: &Node) -> Option<i32> {
        let parsed = match &n.kind {
            Kind::Num(t) => parse_number(t).ok(),
            _ => None,
        };
        let year = parsed
            .filter(|d| d.fract().is_zero())
            .and_then(|d| d.to_i32());
        match year {
            Some(y) if (1900..=2200).contains(&y) => Some(y),
            _ => {
                let shown = self.shown(n);
                self.push(
                    Diagnostic::error(
                        codes::SUB_SYNTAX,
                        format!("评估年度 year 应为 1900 到 2200 之间的整数，这里是 {shown}"),
                    )
                    .label("不是有效年份")
                    .help(match self.format {
                        Format::Xlsx => "填写四位数字年份，如 2024",
                        _ => "写成四位数字、不加引号，如 year = 2024",
                    }),
                    n.span,
                );
                None
            }
        }
    }

    fn unknown_top(&mut self, e: &Entry) {
        let key = e.key.as_str();
        let d = if let Some(decl) = self.rules.input(key) {
            let fix = match self.format {
                Format::Toml => "把这一行移到 [data] 表头下面".to_string(),
                Format::Json => "把这一项移到 \"data\": { … } 里面".to_string(),
                Format::Xlsx => "把这一行移到“数据”工作表".to_string(),
            };
            Diagnostic::error(
                codes::SUB_UNKNOWN_KEY,
                format!(
                    "{}是数据项，应写在{}中",
                    subj(&named(decl)),
                    self.section("data")
                ),
            )
            .label("位置不对")
            .help(fix)
        } else if self.rules.judgements.contains_key(key) {
            Diagnostic::error(
                codes::SUB_UNKNOWN_KEY,
                format!("“{key}”是评审结论，应写在{}中", self.section("judgements")),
            )
            .label("位置不对")
            .help(self.move_to("judgements"))
        } else {
            let d = Diagnostic::error(codes::SUB_UNKNOWN_KEY, format!("无法识别的顶层键“{key}”"))
                .label("未知的键");
            match suggest(key, TOP_KEYS) {
                Some(s) => d.help(format!("是否想写“{s}”？")),
                None => d.help("顶层只能有 region、year、ruleset、data、judgements"),
            }
        };
        self.push(d, e.key_span);
    }

    // -- [data] ------------------------------------------------------------------------------

    fn data(&mut self, t: &Table, sub: &mut Submission) {
        for e in &t.entries {
            let key = e.key.as_str();
            if self.reference && !super::is_province_key(key) {
                let what = match self.rules.input(key) {
                    Some(decl) => subj(&named(decl)),
                    None => format!("“{key}”"),
                };
                self.push(
                    Diagnostic::error(
                        codes::SUB_UNKNOWN_KEY,
                        format!("{what}不是全省数据：参照文件只能填写 province_ 开头的全省数据项"),
                    )
                    .label("不是全省数据")
                    .help(format!(
                        "把 {key} 写进各地区自己的申报文件，并从参照文件中删除"
                    )),
                    e.key_span,
                );
                continue;
            }
            let Some(decl) = self.rules.input(key) else {
                // A key of the rule set named by `accepts`: not used here, not an error.
                if !self.rules.accepts_data_key(key) {
                    self.unknown_data(e);
                }
                continue;
            };
            if let Some(v) = self.input_value(decl, &e.value) {
                sub.values.insert(key.to_string(), v);
            }
        }
    }

    fn unknown_data(&mut self, e: &Entry) {
        let key = e.key.as_str();
        let data = self.section("data");
        let d = if self.rules.judgements.contains_key(key) {
            Diagnostic::error(
                codes::SUB_UNKNOWN_KEY,
                format!(
                    "“{key}”是评审结论，应写在{}中，不在{data}中",
                    self.section("judgements")
                ),
            )
            .label("位置不对")
            .help(self.move_to("judgements"))
        } else if TOP_KEYS.contains(&key) {
            let help = match self.format {
                Format::Toml => format!("{key} 要写在文件开头、[data] 表头之前"),
                Format::Json => format!("把 \"{key}\" 移到最外层"),
                Format::Xlsx => format!("{key} 填在“数据”工作表顶部对应的格子里"),
            };
            Diagnostic::error(
                codes::SUB_UNKNOWN_KEY,
                format!("“{key}”不是数据项，不能写在{data}中"),
            )
            .label("位置不对")
            .help(help)
        } else {
            let d = Diagnostic::error(
                codes::SUB_UNKNOWN_KEY,
                format!("{}中的“{key}”不是规则声明的输入项", data.trim_start()),
            )
            .label("未知的输入项");
            match suggest(key, self.rules.inputs.iter().map(|i| i.name.value.as_str())) {
                Some(s) => d.help(format!("是否想写“{s}”？")),
                None => d.help("对照规则文件中的 input 声明检查键名；不需要的项请删除"),
            }
        };
        self.push(d, e.key_span);
    }

    fn input_value(&mut self, decl: &InputDecl, n: &Node) -> Option<InputValue> {
        // District staff know the input by its label: messages lead with it, the key in brackets.
        let name = named(decl);
        let key = name.as_str();
        if matches!(n.kind, Kind::Null) {
            return None;
        }
        if decl.kind.value == ScalarKind::Bool {
            if decl.yearly || decl.list {
                self.push(
                    Diagnostic::error(
                        codes::SUB_KIND,
                        format!("{}是按年或按列表填写的是/否项，目前无法读取", subj(key)),
                    )
                    .help("请修改规则文件，把这一输入项声明为单个 bool"),
                    n.span,
                );
                return None;
            }
            return match n.kind {
                Kind::Bool(b) => Some(InputValue::Bool(b)),
                _ => {
                    self.wrong_kind(decl, key, n);
                    None
                }
            };
        }
        if decl.yearly {
            let Kind::Table(t) = &n.kind else {
                let shown = self.shown(n);
                self.push(
                    Diagnostic::error(
                        codes::SUB_KIND,
                        format!("{}要按年填写，这里只有一个值 {shown}", subj(key)),
                    )
                    .label("应按年填写")
                    .help(format!("写成 {}，每年一项", self.years_example())),
                    n.span,
                );
                return None;
            };
            if t.entries.len() > MAX_LIST_LEN {
                self.too_long(key, t.entries.len(), n.span);
                return None;
            }
            let mut series = BTreeMap::new();
            let mut ok = true;
            for e in &t.entries {
                let year = e.key.parse::<i32>().ok().filter(|y| {
                    e.key.len() == 4
                        && e.key.bytes().all(|b| b.is_ascii_digit())
                        && (1900..=2200).contains(y)
                });
                let Some(year) = year else {
                    ok = false;
                    self.push(
                        Diagnostic::error(
                            codes::SUB_KIND,
                            format!("{}的年份“{}”不是有效年份", subj(key), e.key),
                        )
                        .label("应为四位年份")
                        .help(format!(
                            "年份写成四位数字（1900 到 2200），如 {}",
                            self.years_example()
                        )),
                        e.key_span,
                    );
                    continue;
                };
                if matches!(e.value.kind, Kind::Null) {
                    continue;
                }
                match self.scalar(decl, &e.value, &format!("{}的 {year} 年数值", subj(key))) {
                    Some(v) => {
                        series.insert(year, v);
                    }
                    None => ok = false,
                }
            }
            return ok.then_some(InputValue::Series(series));
        }
        if decl.list {
            let Kind::Array(items) = &n.kind else {
                let shown = self.shown(n);
                self.push(
                    Diagnostic::error(
                        codes::SUB_KIND,
                        format!(
                            "{}是列表，每项一个{}，这里是{} {shown}",
                            subj(key),
                            kind_name(decl.kind.value),
                            Self::type_desc(n)
                        ),
                    )
                    .label("应为列表")
                    .help("写成方括号列表，如 [35000, 12000.5]；只有一项也要写成 [35000]"),
                    n.span,
                );
                return None;
            };
            if items.len() > MAX_LIST_LEN {
                self.too_long(key, items.len(), n.span);
                return None;
            }
            let mut list = Vec::with_capacity(items.len());
            let mut ok = true;
            for (i, x) in items.iter().enumerate() {
                if let Kind::Str(t) = &x.kind
                    && self.comma_in_list_item(
                        t,
                        self.lists_in_one_cell && items.len() == 1,
                        x.span,
                        &format!("{}的第 {} 项", subj(key), i + 1),
                    )
                {
                    ok = false;
                    continue;
                }
                match self.scalar(decl, x, &format!("{}的第 {} 项", subj(key), i + 1)) {
                    Some(v) => list.push(v),
                    None => ok = false,
                }
            }
            return ok.then_some(InputValue::List(list));
        }
        self.scalar(decl, n, key).map(InputValue::Num)
    }

    /// A comma in a list entry: `6000,7000` may be two entries or one number with a thousands
    /// separator. Asked about (true) when the comma is no thousands separator, or when `alone`
    /// (the only entry of a table's list cell, where `600,700` may be two entries too); a
    /// well-grouped number beside other entries (`12,000；35,000`) is read as written (false).
    fn comma_in_list_item(&mut self, t: &str, alone: bool, span: Option<Span>, what: &str) -> bool {
        if !t.contains([',', '，']) {
            return false;
        }
        let bad_grouping = matches!(parse_quantity(t), Err(QuantityError::Comma(_)));
        if !alone && !bad_grouping {
            return false;
        }
        let items: Vec<&str> = t
            .split([',', '，'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let one: String = t.chars().filter(|c| !matches!(c, ',' | '，')).collect();
        let (w, one) = (subj(what), one.trim());
        let example = items.join(", ");
        let help = if self.lists_in_one_cell {
            format!(
                "一格填多项时，各项之间请用“；”“、”或换行分隔（如 {}）；一个数不要写逗号（如 {one}）",
                items.join("；")
            )
        } else {
            format!("每项单独写，如 [{example}]；一个数不要写逗号（如 {one}）")
        };
        self.push(
            Diagnostic::error(
                codes::SUB_KIND,
                format!(
                    "{w}填的“{t}”是 {} 项（{}），还是一个数 {one}？",
                    items.len(),
                    items.join("、"),
                ),
            )
            .label("逗号的意思不明确")
            .help(help),
            span,
        );
        true
    }

    fn too_long(&mut self, key: &str, len: usize, span: Option<Span>) {
        self.push(
            Diagnostic::error(
                codes::SUB_LIMIT,
                format!("{}有 {len} 项，超过上限 {MAX_LIST_LEN} 项", subj(key)),
            )
            .label("太长")
            .help("检查是否误把别的数据粘贴了进来"),
            // Only where the list starts: showing all of it would print thousands of lines.
            span.map(|s| Span::new(s.start, s.start.saturating_add(1).min(s.end))),
        );
    }

    /// Help text: how to write a value of this input.
    fn kind_help(&self, decl: &InputDecl) -> String {
        let unit = decl.unit.as_ref().map(|u| u.value.as_str());
        if self.format == Format::Xlsx {
            return match decl.kind.value {
                ScalarKind::Count => format!(
                    "在单元格中填写不小于 0 的整数{}，如 1500",
                    unit.map(|u| format!("（单位：{u}）")).unwrap_or_default()
                ),
                ScalarKind::Money => format!(
                    "在单元格中填写不小于 0 的金额，单位为{}，如 92000；也可填带单位的文字，如 9.2亿",
                    unit.unwrap_or("元")
                ),
                ScalarKind::Percent => "在单元格中填写百分数，如 96.5%（带百分号）".into(),
                ScalarKind::Decimal => format!(
                    "在单元格中填写数值{}，如 50",
                    unit.map(|u| format!("（单位：{u}）")).unwrap_or_default()
                ),
                ScalarKind::Bool => "在单元格中选“是”或“否”".into(),
            };
        }
        match decl.kind.value {
            ScalarKind::Count => match unit {
                Some(u) => format!("填写不小于 0 的整数，如 1500 或 \"1500{u}\""),
                None => "填写不小于 0 的整数，如 1500".into(),
            },
            ScalarKind::Money => {
                let u = unit.unwrap_or("元");
                format!(
                    "填写不小于 0 的金额，单位为{u}，如 92000；也可写带单位的文字，如 \"9.2亿\"、\"92000万元\""
                )
            }
            ScalarKind::Percent => "写成 \"96.5%\" 或 0.965".into(),
            ScalarKind::Decimal => match unit {
                Some(u) => format!("填写数值，如 50 或 \"50{u}\""),
                None => "填写数值，如 50".into(),
            },
            ScalarKind::Bool => "写成 true 或 false（不加引号）".into(),
        }
    }

    fn wrong_kind(&mut self, decl: &InputDecl, what: &str, n: &Node) {
        let w = subj(what);
        let shown = self.shown(n);
        self.push(
            Diagnostic::error(
                codes::SUB_KIND,
                format!(
                    "{w}应为{}，这里是{} {shown}",
                    kind_name(decl.kind.value),
                    Self::type_desc(n)
                ),
            )
            .label(format!("应为{}", kind_name(decl.kind.value)))
            .help(self.kind_help(decl)),
            n.span,
        );
    }

    /// One value of an input, normalised (money in 元, percents as fractions) and checked.
    fn scalar(&mut self, decl: &InputDecl, n: &Node, what: &str) -> Option<Decimal> {
        let w = subj(what);
        let kind = decl.kind.value;
        let unit = decl.unit.as_ref().map(|u| u.value.as_str());
        let factor = unit.and_then(money_unit_factor).unwrap_or(Decimal::ONE);
        let shown = self.shown(n);
        let value = match &n.kind {
            Kind::Num(t) => {
                let v = match parse_number(t) {
                    Ok(v) => v,
                    Err(p) => {
                        self.bad_number(decl, what, &shown, p, n.span);
                        return None;
                    }
                };
                match kind {
                    ScalarKind::Money => self.times(v, factor, what, &shown, n.span)?,
                    ScalarKind::Percent => self.bare_percent(v, what, &shown, n.span)?,
                    _ => v,
                }
            }
            Kind::Str(s) => self.quantity(decl, s, what, &shown, n.span)?,
            _ => {
                self.wrong_kind(decl, what, n);
                return None;
            }
        };
        if matches!(kind, ScalarKind::Count | ScalarKind::Money)
            && value.is_sign_negative()
            && !value.is_zero()
        {
            self.push(
                Diagnostic::error(codes::SUB_KIND, format!("{w}不能为负数，这里是 {shown}"))
                    .label("负数")
                    .help(self.kind_help(decl)),
                n.span,
            );
            return None;
        }
        if kind == ScalarKind::Count && !value.fract().is_zero() {
            self.push(
                Diagnostic::error(
                    codes::SUB_KIND,
                    format!("{w}是计数，必须是整数，这里是 {shown}"),
                )
                .label("不是整数")
                .help(self.kind_help(decl)),
                n.span,
            );
            return None;
        }
        self.range(decl, value, what, &shown, n.span)?;
        Some(value.normalize())
    }

    fn times(
        &mut self,
        v: Decimal,
        factor: Decimal,
        what: &str,
        shown: &str,
        span: Option<Span>,
    ) -> Option<Decimal> {
        match v.checked_mul(factor) {
            Some(x) => Some(x),
            None => {
                self.bad_number_msg(what, shown, span, "超出可精确计算的范围", "检查数值和单位");
                None
            }
        }
    }

    /// A percent written without `%`: a fraction in [-1, 1], anything else is ambiguous.
    fn bare_percent(
        &mut self,
        v: Decimal,
        what: &str,
        shown: &str,
        span: Option<Span>,
    ) -> Option<Decimal> {
        let w = subj(what);
        if v.abs() <= Decimal::ONE {
            return Some(v);
        }
        let as_fraction = v
            .checked_div(Decimal::ONE_HUNDRED)
            .map_or_else(String::new, plain);
        let times_100 = v
            .checked_mul(Decimal::ONE_HUNDRED)
            .map_or_else(String::new, plain);
        self.push(
            Diagnostic::error(
                codes::SUB_AMBIGUOUS_PERCENT,
                format!(
                    "{w}是百分比，{shown} 有歧义：不知道是 {}% 还是 {times_100}%",
                    plain(v)
                ),
            )
            .label(format!("是 {}% 还是 {times_100}%？", plain(v)))
            .help(match self.format {
                Format::Xlsx => format!(
                    "在单元格中填写 {}%（带百分号），或填写小数 {as_fraction}",
                    plain(v)
                ),
                _ => format!(
                    "写成 \"{}%\"（带引号和百分号），或写成小数 {as_fraction}",
                    plain(v)
                ),
            }),
            span,
        );
        None
    }

    fn bad_number(
        &mut self,
        decl: &InputDecl,
        what: &str,
        shown: &str,
        p: NumProblem,
        span: Option<Span>,
    ) {
        let why = match p {
            NumProblem::NotANumber => "不是有效的数字",
            NumProblem::TooLarge => "超出可精确计算的范围（最多 28 位有效数字）",
        };
        self.bad_number_msg(what, shown, span, why, &self.kind_help(decl));
    }

    fn bad_number_msg(
        &mut self,
        what: &str,
        shown: &str,
        span: Option<Span>,
        why: &str,
        help: &str,
    ) {
        let w = subj(what);
        self.push(
            Diagnostic::error(codes::SUB_KIND, format!("{w}的值 {shown} {why}"))
                .label("无法读取")
                .help(help.to_string()),
            span,
        );
    }

    /// A number written as text, with a unit, a magnitude word or `%`.
    fn quantity(
        &mut self,
        decl: &InputDecl,
        s: &str,
        what: &str,
        shown: &str,
        span: Option<Span>,
    ) -> Option<Decimal> {
        let w = subj(what);
        let kind = decl.kind.value;
        let unit = decl.unit.as_ref().map(|u| u.value.as_str());
        let q = match parse_quantity(s) {
            Ok(q) => q,
            Err(e) => {
                let why = match e {
                    QuantityError::NotANumber => format!("无法读成{}", kind_name(kind)),
                    QuantityError::TooLarge => "超出可精确计算的范围".into(),
                    QuantityError::Repeated(r) => format!("写法有误（“{r}”重复）"),
                    QuantityError::TooPrecise => {
                        self.bad_number_msg(
                            what,
                            shown,
                            span,
                            "超过 28 位有效数字，无法精确计算（不会四舍五入后再用）",
                            "最多写 28 位有效数字；请核对数据是否多打了数字",
                        );
                        return None;
                    }
                    QuantityError::Comma(r) => {
                        self.push(
                            Diagnostic::error(codes::SUB_KIND, format!("{w}填的{}", r.question()))
                                .label("逗号的意思不明确")
                                .help(CommaReadings::HELP),
                            span,
                        );
                        return None;
                    }
                };
                self.push(
                    Diagnostic::error(
                        codes::SUB_KIND,
                        format!("{w}应为{}，{shown} {why}", kind_name(kind)),
                    )
                    .label(format!("应为{}", kind_name(kind)))
                    .help(self.kind_help(decl)),
                    span,
                );
                return None;
            }
        };
        let mismatch = |this: &mut Self, problem: String| {
            let help = this.kind_help(decl);
            this.push(
                Diagnostic::error(codes::SUB_KIND, problem)
                    .label("单位不符")
                    .help(help),
                span,
            );
            None
        };
        let kn = kind_name(kind);
        let has_magnitude = MAGNITUDES.iter().any(|(w, _)| s.contains(w));
        match (kind, &q.unit) {
            (ScalarKind::Money, QuantityUnit::Money) => Some(q.value),
            (ScalarKind::Money, QuantityUnit::None) if has_magnitude => Some(q.value),
            (ScalarKind::Money, QuantityUnit::None) => {
                let factor = unit.and_then(money_unit_factor).unwrap_or(Decimal::ONE);
                self.times(q.value, factor, what, shown, span)
            }
            (ScalarKind::Percent, QuantityUnit::Percent) => Some(q.value),
            (ScalarKind::Percent, QuantityUnit::None) => {
                self.bare_percent(q.value, what, shown, span)
            }
            (ScalarKind::Count | ScalarKind::Decimal, QuantityUnit::None) => Some(q.value),
            (ScalarKind::Count | ScalarKind::Decimal, QuantityUnit::Other(u))
                if Some(u.as_str()) == unit =>
            {
                Some(q.value)
            }
            (_, QuantityUnit::Percent) => {
                mismatch(self, format!("{w}是{kn}，不能写成百分比 {shown}"))
            }
            (ScalarKind::Percent, _) => {
                mismatch(self, format!("{w}是百分比，不能带单位，这里是 {shown}"))
            }
            (_, QuantityUnit::Money) => mismatch(self, format!("{w}是{kn}，不能写成金额 {shown}")),
            (ScalarKind::Money, QuantityUnit::Other(u)) => {
                mismatch(self, format!("{w}是金额，{shown} 的单位“{u}”无法换算成元"))
            }
            (_, QuantityUnit::Other(u)) => match unit {
                Some(want) => mismatch(self, format!("{w}的单位应为{want}，{shown} 的单位是“{u}”")),
                None => mismatch(self, format!("{w}不带单位，{shown} 却带了单位“{u}”")),
            },
            (ScalarKind::Bool, QuantityUnit::None) => {
                mismatch(self, format!("{w}应为是或否，这里是 {shown}"))
            }
        }
    }

    /// The value of a declared bound, in the same units as a normalised value.
    fn bound(decl: &InputDecl, lit: &Literal) -> Decimal {
        input_bound(decl, lit)
    }

    fn range(
        &mut self,
        decl: &InputDecl,
        v: Decimal,
        what: &str,
        shown: &str,
        span: Option<Span>,
    ) -> Option<()> {
        let w = subj(what);
        let (min, max) = (decl.min.as_ref(), decl.max.as_ref());
        let allowed = match (min, max) {
            (Some(a), Some(b)) => format!("应在 {} 到 {} 之间", a.text, b.text),
            (None, Some(b)) => format!("不能超过 {}", b.text),
            (Some(a), None) => format!("不能低于 {}", a.text),
            (None, None) => return Some(()),
        };
        let problem = if let Some(lo) = min.filter(|lo| v < Self::bound(decl, lo)) {
            format!("不能低于 {}", lo.text)
        } else if let Some(hi) = max.filter(|hi| v > Self::bound(decl, hi)) {
            format!("不能超过 {}", hi.text)
        } else {
            return Some(());
        };
        // A percent a hundred times too large (a percent-formatted cell holding 95 shows 9500%)
        // was most likely meant as that many percent: say how to write it. From 200% up only:
        // 105% or 150% is more likely a real value over the limit than a slip.
        let meant = (decl.kind.value == ScalarKind::Percent && v >= Decimal::TWO)
            .then(|| v.checked_div(Decimal::ONE_HUNDRED))
            .flatten()
            .filter(|f| {
                min.is_none_or(|lo| *f >= Self::bound(decl, lo))
                    && max.is_none_or(|hi| *f <= Self::bound(decl, hi))
                    && max.is_some_and(|hi| v > Self::bound(decl, hi))
            });
        let help = match meant {
            Some(_) => {
                let pct = plain(v);
                let big = v
                    .checked_mul(Decimal::ONE_HUNDRED)
                    .map_or_else(|| pct.clone(), plain);
                match self.format {
                    Format::Xlsx => format!(
                        "如果是 {pct}%，请在单元格中填写 {pct}%（带百分号）：设为百分比格式的单元格里只填 {pct}，会当作 {big}%"
                    ),
                    _ => format!("如果是 {pct}%，请写成 \"{pct}%\"（带引号和百分号）"),
                }
            }
            None => format!("{allowed}，请核对数据"),
        };
        self.push(
            Diagnostic::error(codes::SUB_RANGE, format!("{w}为 {shown}，{problem}"))
                .label("超出范围")
                .help(help),
            span,
        );
        None
    }

    // -- [judgements] ------------------------------------------------------------------------

    fn judgements(&mut self, t: &Table, sub: &mut Submission) {
        let mut flat = Vec::new();
        flatten(&t.entries, None, &mut flat);
        for (key, key_span, value) in flat {
            if matches!(value.kind, Kind::Null) {
                continue;
            }
            if let Some(slot) = self.rules.judgements.get(&key) {
                if let Some(j) = self.judgement(&key, slot, key_span, value) {
                    sub.judgements.insert(key, j);
                }
            } else if let Some(text) = self.rules.computed_items.get(&key) {
                self.push(
                    Diagnostic::error(
                        codes::SUB_JUDGEMENT,
                        format!("子项 {key}（{text}）按数据计算，不能填写评审结论"),
                    )
                    .label("按数据计算的子项")
                    .help(format!(
                        "删除这一项；它的得分由{}中的数据算出",
                        self.section("data")
                    )),
                    key_span,
                );
            } else if let Some(decl) = self.rules.input(&key) {
                self.push(
                    Diagnostic::error(
                        codes::SUB_UNKNOWN_KEY,
                        format!(
                            "{}是数据项，应写在{}中",
                            subj(&named(decl)),
                            self.section("data")
                        ),
                    )
                    .label("位置不对")
                    .help(self.move_to("data")),
                    key_span,
                );
            } else if self.rules.accepts_judgement_key(&key) {
                // A judgement for the rule set named by `accepts`: not used here.
            } else {
                let d =
                    Diagnostic::error(codes::SUB_UNKNOWN_KEY, format!("“{key}”不是规则中的评审项"))
                        .label("未知的评审项");
                let d = match suggest(&key, self.rules.judgements.keys().map(String::as_str)) {
                    Some(s) => d.help(format!("是否想写“{s}”？")),
                    None => {
                        let keys: Vec<&str> = self
                            .rules
                            .judgements
                            .keys()
                            .map(String::as_str)
                            .take(12)
                            .collect();
                        let more = if self.rules.judgements.len() > keys.len() {
                            "…"
                        } else {
                            ""
                        };
                        d.help(format!("可填写的评审项：{}{more}", keys.join("、")))
                    }
                };
                self.push(d, key_span);
            }
        }
    }

    fn judgement_example(&self, key: &str) -> String {
        match self.format {
            Format::Toml => format!(
                "写成 \"{key}\" = true，或 \"{key}\" = {{ met = true, evidence = [\"材料名称.pdf\"] }}"
            ),
            Format::Json => format!(
                "写成 \"{key}\": true，或 \"{key}\": {{\"met\": true, \"evidence\": [\"材料名称.pdf\"]}}"
            ),
            Format::Xlsx => format!("在“评审”工作表 {key} 这一行的“是否达到”列选“是”或“否”"),
        }
    }

    fn judgement(
        &mut self,
        key: &str,
        slot: &JudgementSlot,
        key_span: Option<Span>,
        n: &Node,
    ) -> Option<Judgement> {
        let t = match &n.kind {
            Kind::Bool(b) => {
                return Some(Judgement {
                    met: Some(*b),
                    ..Judgement::default()
                });
            }
            Kind::Table(t) => t,
            _ => {
                let shown = self.shown(n);
                self.push(
                    Diagnostic::error(
                        codes::SUB_JUDGEMENT,
                        format!(
                            "评审结论 {key} 应为 true、false 或一张表，这里是{} {shown}",
                            Self::type_desc(n)
                        ),
                    )
                    .label("无法识别")
                    .help(self.judgement_example(key)),
                    n.span,
                );
                return None;
            }
        };
        let mut j = Judgement::default();
        let mut ok = true;
        for f in &t.entries {
            let v = &f.value;
            if matches!(v.kind, Kind::Null) {
                continue;
            }
            let field_err = |this: &mut Self, expected: &str, example: &str| {
                let shown = this.shown(v);
                let (field, expected, help) = match this.format {
                    Format::Xlsx => {
                        let (field, expected, help) = xlsx_field(&f.key);
                        (field.to_string(), expected, help.to_string())
                    }
                    _ => (f.key.clone(), expected, format!("写成 {example}")),
                };
                let sep = if this.format == Format::Xlsx { "" } else { " " };
                this.push(
                    Diagnostic::error(
                        codes::SUB_JUDGEMENT,
                        format!(
                            "评审结论 {key} 的{sep}{field}{sep}应为{expected}，这里是{} {shown}",
                            Self::type_desc(v)
                        ),
                    )
                    .label(format!("应为{expected}"))
                    .help(help),
                    v.span.or(f.key_span),
                );
            };
            match (f.key.as_str(), &v.kind) {
                ("met", Kind::Bool(b)) => j.met = Some(*b),
                ("met", _) => {
                    field_err(
                        self,
                        " true 或 false",
                        "met = true 或 met = false（不加引号）",
                    );
                    ok = false;
                }
                ("score", _) if slot.item.is_some() => {
                    // A sub-item is met or not; only a whole qualitative indicator takes a score
                    // (inside "any one earns the award", a partial score would have no meaning).
                    self.push(
                        Diagnostic::error(
                            codes::SUB_JUDGEMENT,
                            format!("评审结论 {key} 是子项，不能填写 score"),
                        )
                        .label("子项只填是否符合")
                        .help(format!(
                            "写成 \"{key}\" = {{ met = true }}，或 \"{key}\" = true"
                        )),
                        v.span,
                    );
                    ok = false;
                }
                ("score", Kind::Num(t)) => match parse_number(t) {
                    Ok(s) if s.is_sign_negative() && !s.is_zero() || s > slot.max => {
                        let whole = match slot.item {
                            Some(_) => format!("子项 {key} 满分 {} 分", plain(slot.max)),
                            None => format!("指标 {key} 满分 {} 分", plain(slot.max)),
                        };
                        let shown = self.shown(v);
                        // A spreadsheet's column name is in Chinese quotes and needs no spaces.
                        let (field, sep) = match self.format {
                            Format::Xlsx => (xlsx_field("score").0, ""),
                            _ => ("score", " "),
                        };
                        self.push(
                            Diagnostic::error(
                                codes::SUB_RANGE,
                                format!(
                                    "评审结论 {key} 的{sep}{field}{sep}为 {shown}，超出 0 到 {} 分",
                                    plain(slot.max)
                                ),
                            )
                            .label("超出范围")
                            .help(format!(
                                "{whole}，{field}{sep}填 0 到 {} 之间的分数",
                                plain(slot.max)
                            )),
                            v.span,
                        );
                        ok = false;
                    }
                    Ok(s) => j.score = Some(s.normalize()),
                    Err(_) => {
                        field_err(self, "分数", "score = 1.5");
                        ok = false;
                    }
                },
                ("score", _) => {
                    field_err(self, "分数", "score = 1.5（不加引号）");
                    ok = false;
                }
                ("evidence", Kind::Array(items)) => {
                    if items.len() > MAX_LIST_LEN {
                        self.too_long(&format!("评审结论 {key} 的 evidence"), items.len(), v.span);
                        ok = false;
                        continue;
                    }
                    for x in items {
                        match &x.kind {
                            Kind::Str(s) => j.evidence.push(s.clone()),
                            _ => {
                                let shown = self.shown(x);
                                self.push(
                                    Diagnostic::error(
                                        codes::SUB_JUDGEMENT,
                                        format!("评审结论 {key} 的 evidence 每项应为文字（材料名称），这里是{} {shown}", Self::type_desc(x)),
                                    )
                                    .label("应为文字")
                                    .help("写成 evidence = [\"材料一.pdf\", \"材料二.pdf\"]"),
                                    x.span.or(v.span),
                                );
                                ok = false;
                            }
                        }
                    }
                }
                ("evidence", Kind::Str(s)) => j.evidence.push(s.clone()),
                ("evidence", _) => {
                    field_err(
                        self,
                        "材料名称的列表",
                        "evidence = [\"材料一.pdf\", \"材料二.pdf\"]",
                    );
                    ok = false;
                }
                ("note", Kind::Str(s)) => j.note = Some(s.clone()),
                ("note", _) => {
                    field_err(self, "文字", "note = \"说明\"");
                    ok = false;
                }
                (other, _) => {
                    let d = Diagnostic::error(
                        codes::SUB_UNKNOWN_KEY,
                        format!("评审结论 {key} 中的字段“{other}”无法识别"),
                    )
                    .label("未知的字段");
                    let d = match suggest(other, JUDGEMENT_FIELDS) {
                        Some(s) => d.help(format!("是否想写“{s}”？")),
                        None => d.help("可用的字段：met（是否达到）、score（分数）、evidence（证明材料）、note（说明）"),
                    };
                    self.push(d, f.key_span);
                    ok = false;
                }
            }
        }
        let has = |name: &str| {
            t.entries
                .iter()
                .any(|f| f.key == name && !matches!(f.value.kind, Kind::Null))
        };
        if !has("met") && !has("score") {
            let example = match self.format {
                Format::Toml => "加上 met = true（或 false）；整个指标评审的也可写 score = 分数",
                Format::Json => {
                    "加上 \"met\": true（或 false）；整个指标评审的也可写 \"score\": 分数"
                }
                Format::Xlsx => "在“是否达到”列选“是”或“否”；整个指标评审的也可在“评分”列填分数",
            };
            let message = match self.format {
                Format::Xlsx => {
                    format!("评审结论 {key} 没有填“是否达到”（也没有“评分”），无法判断是否达到")
                }
                _ => format!("评审结论 {key} 既没有 met 也没有 score，无法判断是否达到"),
            };
            self.push(
                Diagnostic::error(codes::SUB_JUDGEMENT, message)
                    .label("缺少 met 或 score")
                    .help(example),
                key_span.or(n.span),
            );
            ok = false;
        }
        ok.then_some(j)
    }
}

/// A judgement field as a spreadsheet names it: the column, what it takes, what to do.
fn xlsx_field(field: &str) -> (&'static str, &'static str, &'static str) {
    match field {
        "met" => (
            "“是否达到”",
            "“是”或“否”",
            "在“是否达到”列的下拉框中选“是”或“否”",
        ),
        "score" => ("“评分”", "分数", "在“评分”列填写数字，如 1.5"),
        "evidence" => (
            "“证明材料”",
            "材料名称",
            "在“证明材料”列填写材料名称，多个材料用分号或换行隔开",
        ),
        _ => ("“备注”", "文字", "在“备注”列填写文字"),
    }
}

/// Judgement entries with TOML dotted keys put back together: `12.1 = true` is read by TOML as
/// `{ 12 = { 1 = true } }`, but can only mean the judgement `"12.1"`.
fn flatten<'n>(
    entries: &'n [Entry],
    prefix: Option<(&str, Option<Span>)>,
    out: &mut Vec<(String, Option<Span>, &'n Node)>,
) {
    for e in entries {
        let (key, span) = match prefix {
            Some((p, ps)) => (
                format!("{p}.{}", e.key),
                match (ps, e.key_span) {
                    (Some(a), Some(b)) => Some(a.join(b)),
                    (a, b) => b.or(a),
                },
            ),
            None => (e.key.clone(), e.key_span),
        };
        match &e.value.kind {
            Kind::Table(t) if t.dotted => flatten(&t.entries, Some((&key, span)), out),
            _ => out.push((key, span, &e.value)),
        }
    }
}

/// The `ruleset` a submission asks for (`"sd-nmsz@2023"`), if it names one and can be read at
/// all. Used to pick the rules before the submission is validated against them.
pub fn requested_ruleset(text: &str, format: Format) -> Option<String> {
    let mut ignored = Vec::new();
    let name: Arc<str> = Arc::from("");
    let root = match format {
        Format::Toml => parse_toml(&name, text, &mut ignored)?,
        Format::Json => parse_json(&name, text, &mut ignored)?,
        Format::Xlsx => return None,
    };
    let Kind::Table(t) = root.kind else {
        return None;
    };
    t.entries
        .into_iter()
        .find(|e| e.key == "ruleset")
        .and_then(|e| match e.value.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<Decimal> {
        parse_number(s).ok()
    }

    #[test]
    fn numbers_are_read_from_their_text() {
        let d = |s: &str| s.parse::<Decimal>().ok();
        assert_eq!(num("1_000.5"), d("1000.5"));
        assert_eq!(num("+1.5e3"), d("1500"));
        assert_eq!(num("2E-2"), d("0.02"));
        assert_eq!(num("0x10"), d("16"));
        assert_eq!(num("0b101"), d("5"));
        assert_eq!(num("-0.965"), d("-0.965"));
        assert_eq!(
            num("12345678901234567.123456789"),
            d("12345678901234567.123456789")
        );
        assert!(num("nan").is_none() && num("-inf").is_none() && num("").is_none());
        assert!(num("1e400").is_none());
        // More digits than exact arithmetic keeps: refused, never rounded.
        assert!(num("1.00000000000000000000000000001").is_none());
        assert!(num("1.00000000000000000000000000001e0").is_none());
        assert!(num("100000000000000000000000000001e-2").is_none());
    }

    #[test]
    fn json_scanner_finds_keys_values_and_escapes() {
        let text = r#"{"a\"b": [1, "x,]"], "c": {"d": -2.5e3}}"#;
        let mut s = Scanner { text, pos: 0 };
        let Some((span, JScan::Obj(entries))) = s.value(0) else {
            panic!("not an object")
        };
        assert_eq!((span.start, span.end), (0, text.len()));
        let keys: Vec<_> = entries.iter().map(|e| e.key.clone()).collect();
        assert_eq!(keys, [Some("a\"b".to_string()), Some("c".to_string())]);
        let slice = |sp: Span| &text[sp.start..sp.end];
        assert_eq!(slice(entries[0].value_span), r#"[1, "x,]"]"#);
        let JScan::Obj(inner) = &entries[1].value else {
            panic!("not an object")
        };
        assert_eq!(slice(inner[0].value_span), "-2.5e3");
    }

    #[test]
    fn json_error_offsets() {
        let text = "{\n  \"a\": 1,\n}";
        assert_eq!(json_error_offset(text, 3, 1), Some(text.len() - 1));
        assert_eq!(json_error_offset(text, 9, 1), None);
    }
}
