//! Spreadsheet cells as a submission: the common ground of the filled-in XLSX template and of
//! one district's row in a table (CSV or XLSX).
//!
//! A reader turns its file into a [`CellDoc`]: which cell holds the region, the year, each input
//! value and each judgement. [`load_cells`] turns that into the loader's own tree, so a
//! spreadsheet gets exactly the checks and messages a TOML file gets; only the place differs: a
//! message names the cell (`数据!E14：…`) instead of a line, because a spreadsheet has none.
//!
//! Numbers: a cell holds an `f64`. [`excel_number`] converts it to the decimal Excel itself
//! shows at full precision (15 significant digits), which gives back exactly what was typed
//! (any decimal of up to 15 significant digits survives the trip through `f64`) and drops the
//! noise of formulas (`=0.1+0.2` is 0.3). A value in a percent-formatted cell is read as a
//! percent (`0.965` shown as `96.5%` is 96.5%), so a rate above 100% in such a cell is not
//! mistaken for an ambiguous bare number.

use super::Submission;
use super::load::{CellMap, Entry, Kind, Node, Table, load_tree};
use crate::diag::{Diagnostic, Span};
use crate::model::RuleSet;
use crate::number::plain;
use rust_decimal::Decimal;
use std::sync::Arc;

/// One non-empty cell: where it is and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The cell as people name it: `数据!E14`, or `E14` in a CSV file.
    pub at: String,
    /// Its value.
    pub value: CellValue,
}

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// A number, converted exactly (see [`excel_number`]).
    Number(Decimal),
    /// A number in a percent-formatted cell: the fraction (`0.965` for a cell showing 96.5%).
    Percent(Decimal),
    /// Text, as typed.
    Text(String),
    /// TRUE or FALSE.
    Bool(bool),
    /// A date or time, as shown.
    Date(String),
    /// A formula error such as `#DIV/0!`.
    Error(String),
}

/// One input's cells.
#[derive(Debug, Clone, PartialEq)]
pub struct DataRow {
    /// The input key.
    pub key: String,
    /// The cell the key was read from.
    pub key_at: String,
    /// The value cells.
    pub value: DataValue,
}

/// The value cells of one input.
#[derive(Debug, Clone, PartialEq)]
pub enum DataValue {
    /// One value.
    One(Cell),
    /// A yearly series: one cell per year column.
    Years(Vec<YearCell>),
    /// A list: one cell per entry.
    List(Vec<Cell>),
}

/// One year of a yearly series.
#[derive(Debug, Clone, PartialEq)]
pub struct YearCell {
    /// The year as its column header says it (`2024`).
    pub year: String,
    /// The header cell.
    pub header_at: String,
    /// The value.
    pub cell: Cell,
}

/// One judgement's cells; at least one of them is present.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JudgementRow {
    /// The judgement key (`12.1`, `10`).
    pub key: String,
    /// The cell the key was read from.
    pub key_at: String,
    /// 是否达到.
    pub met: Option<Cell>,
    /// 评分, for a whole indicator.
    pub score: Option<Cell>,
    /// 证明材料: names separated by line breaks or semicolons.
    pub evidence: Option<Cell>,
    /// 备注.
    pub note: Option<Cell>,
}

/// A submission as cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CellDoc {
    /// 地区.
    pub region: Option<Cell>,
    /// 评估年度.
    pub year: Option<Cell>,
    /// 规则版本.
    pub ruleset: Option<Cell>,
    /// Inputs, in sheet order.
    pub data: Vec<DataRow>,
    /// Judgements, in sheet order.
    pub judgements: Vec<JudgementRow>,
    /// A list input's entries all come from one cell (a district's row in a table), split at
    /// `;`, `；`, `、` and line breaks: a comma in such a cell may separate entries or group
    /// thousands, and is asked about rather than guessed.
    pub lists_in_one_cell: bool,
    /// Values in a district's row under no header (beyond the header's last column, or under an
    /// empty header cell): each is refused, never dropped.
    pub unheaded: Vec<Cell>,
}

/// The decimal an Excel number stands for: the value rounded to 15 significant digits (what
/// Excel shows at full precision), without trailing zeros. `None` for infinities and NaN.
pub fn excel_number(x: f64) -> Option<Decimal> {
    if !x.is_finite() {
        return None;
    }
    if x == 0.0 {
        return Some(Decimal::ZERO);
    }
    // `{:.14e}` rounds exactly (Rust formats floats from their exact binary value).
    let text = format!("{x:.14e}");
    let d = Decimal::from_scientific(&text).ok()?;
    Some(d.normalize())
}

/// The name of a cell from 0-based row and column: `(13, 2)` is `C14`.
pub fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_name(col), u64::from(row) + 1)
}

/// The letters of a 0-based column: 0 is `A`, 26 is `AA`.
pub fn column_name(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Text as Excel users type numbers: full-width digits, `％`, `，` and `．` made ASCII, spaces
/// (also non-breaking ones) at either end removed.
pub fn normalize_text(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}')
        .chars()
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            '％' => '%',
            '，' => ',',
            '．' => '.',
            '－' => '-',
            _ => c,
        })
        .collect()
}

/// Yes or no as people write it in a cell: 是/否, √/×, true/false, 达到/未达到, 符合/不符合.
pub fn yes_no(s: &str) -> Option<bool> {
    match normalize_text(s).to_lowercase().as_str() {
        "是" | "√" | "✓" | "✔" | "true" | "达到" | "符合" | "y" | "yes" => Some(true),
        "否" | "×" | "✗" | "✘" | "false" | "未达到" | "不符合" | "n" | "no" => {
            Some(false)
        }
        _ => None,
    }
}

/// Reads a submission from cells, with the same checks and messages as a TOML file.
///
/// `problems` are what the reader already found (a formula error, a value in the wrong column);
/// they are kept in front. `digest` is the `sha256:` digest of the file's bytes.
pub fn load_cells(
    rules: &RuleSet,
    file: &Arc<str>,
    doc: &CellDoc,
    digest: String,
    problems: Vec<Diagnostic>,
) -> (Option<Submission>, Vec<Diagnostic>) {
    let mut problems = problems;
    for c in &doc.unheaded {
        let shown = super::load::cut_short(&super::table::cell_text(c));
        problems.push(
            Diagnostic::error(
                crate::codes::SUB_SHEET,
                format!(
                    "这一列没有表头，填的“{shown}”不知道是哪一项"
                ),
            )
            .in_cell(c.at.clone())
            .in_file(file)
            .help("在这一列的表头写上数据项的键（如 market_entities）或评审项（如 12.1）；只供人看的列，表头以 # 开头；多填的值请删掉"),
        );
    }
    // Most rows are clean: read them without the stand-in text messages would point into, and
    // read again with it only when there is something to say. The values read are the same
    // either way; only the messages need the text.
    if problems.is_empty() {
        let quiet = load_with(rules, file, doc, digest.clone(), Vec::new(), true);
        if quiet.1.is_empty() {
            return quiet;
        }
    }
    load_with(rules, file, doc, digest, problems, false)
}

fn load_with(
    rules: &RuleSet,
    file: &Arc<str>,
    doc: &CellDoc,
    digest: String,
    problems: Vec<Diagnostic>,
    quiet: bool,
) -> (Option<Submission>, Vec<Diagnostic>) {
    let mut b = Builder {
        quiet,
        ..Builder::default()
    };
    let mut top = Vec::new();
    if let Some(c) = &doc.region {
        let value = b.text_node(c);
        top.push(b.entry("region", &c.at, value));
    }
    if let Some(c) = &doc.year {
        let value = b.year_node(c);
        top.push(b.entry("year", &c.at, value));
    }
    if let Some(c) = &doc.ruleset {
        let value = b.text_node(c);
        top.push(b.entry("ruleset", &c.at, value));
    }
    let mut data = Vec::new();
    for row in &doc.data {
        let value = match &row.value {
            DataValue::One(c) => b.value_node(c),
            DataValue::Years(years) => {
                let span = b.span_of(&row.key_at, &row.key);
                let entries = years
                    .iter()
                    .map(|y| {
                        let value = b.value_node(&y.cell);
                        b.entry(&y.year, &y.header_at, value)
                    })
                    .collect();
                Node {
                    span: Some(span),
                    kind: Kind::Table(Table {
                        entries,
                        dotted: false,
                    }),
                }
            }
            DataValue::List(cells) => {
                let span = b.span_of(&row.key_at, &row.key);
                let items = cells.iter().map(|c| b.value_node(c)).collect();
                Node {
                    span: Some(span),
                    kind: Kind::Array(items),
                }
            }
        };
        data.push(b.entry(&row.key, &row.key_at, value));
    }
    top.push(Entry {
        key: "data".into(),
        key_span: None,
        value: table(data),
    });
    let mut judgements = Vec::new();
    for row in &doc.judgements {
        let mut fields = Vec::new();
        if let Some(c) = &row.met {
            let value = match &c.value {
                CellValue::Text(t) if yes_no(t).is_some() => {
                    let span = b.span_of(&c.at, t);
                    Node {
                        span: Some(span),
                        kind: Kind::Bool(yes_no(t).unwrap_or_default()),
                    }
                }
                _ => b.value_node(c),
            };
            fields.push(b.entry("met", &c.at, value));
        }
        if let Some(c) = &row.score {
            let value = b.value_node(c);
            fields.push(b.entry("score", &c.at, value));
        }
        if let Some(c) = &row.evidence {
            let value = match &c.value {
                CellValue::Text(t) => {
                    let span = b.span_of(&c.at, &format!("“{t}”"));
                    let items = t
                        .split(['\n', '\r', ';', '；'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| Node {
                            span: Some(span),
                            kind: Kind::Str(s.to_string()),
                        })
                        .collect();
                    Node {
                        span: Some(span),
                        kind: Kind::Array(items),
                    }
                }
                _ => b.text_node(c),
            };
            fields.push(b.entry("evidence", &c.at, value));
        }
        if let Some(c) = &row.note {
            let value = b.text_node(c);
            fields.push(b.entry("note", &c.at, value));
        }
        let span = b.span_of(&row.key_at, &row.key);
        let mut node = table(fields);
        node.span = Some(span);
        judgements.push(b.entry(&row.key, &row.key_at, node));
    }
    top.push(Entry {
        key: "judgements".into(),
        key_span: None,
        value: table(judgements),
    });
    let root = table(top);
    b.map.lists_in_one_cell = doc.lists_in_one_cell;
    load_tree(rules, file, &root, &b.text, &b.map, digest, problems)
}

fn table(entries: Vec<Entry>) -> Node {
    Node {
        span: None,
        kind: Kind::Table(Table {
            entries,
            dotted: false,
        }),
    }
}

/// Builds the stand-in text (one line per cell: its name and its value as shown) and the map
/// from spans to cells.
#[derive(Default)]
struct Builder {
    text: String,
    map: CellMap,
    /// Build no text: every span is empty (a first reading that expects no messages).
    quiet: bool,
}

impl Builder {
    /// Appends `shown` for cell `at`; returns its span.
    fn span_of(&mut self, at: &str, shown: &str) -> Span {
        if self.quiet {
            return Span::default();
        }
        self.text.push_str(at);
        self.text.push(' ');
        let start = self.text.len();
        self.text.push_str(shown);
        let span = Span::new(start, self.text.len());
        self.text.push('\n');
        self.map.cells.push((span, at.to_string()));
        span
    }

    fn entry(&mut self, key: &str, key_at: &str, value: Node) -> Entry {
        let key_span = self.span_of(key_at, key);
        Entry {
            key: key.to_string(),
            key_span: Some(key_span),
            value,
        }
    }

    /// A value cell: numbers as numbers, percent cells as `96.5%` text, yes/no as booleans.
    fn value_node(&mut self, c: &Cell) -> Node {
        let (shown, kind) = match &c.value {
            CellValue::Number(d) => (plain(*d), Kind::Num(plain(*d))),
            CellValue::Percent(f) => {
                let pct = f
                    .checked_mul(Decimal::ONE_HUNDRED)
                    .map_or_else(|| plain(*f), plain);
                let t = format!("{pct}%");
                (t.clone(), Kind::Str(t))
            }
            CellValue::Text(t) => {
                let norm = normalize_text(t);
                match yes_no(&norm) {
                    Some(b) => (norm, Kind::Bool(b)),
                    None => (format!("“{t}”"), Kind::Str(norm)),
                }
            }
            CellValue::Bool(b) => (yes_no_word(*b).into(), Kind::Bool(*b)),
            CellValue::Date(d) => (d.clone(), Kind::Date),
            CellValue::Error(e) => (e.clone(), Kind::Str(e.clone())),
        };
        let span = self.span_of(&c.at, &shown);
        Node {
            span: Some(span),
            kind,
        }
    }

    /// A text cell (region, ruleset, note): anything becomes text.
    fn text_node(&mut self, c: &Cell) -> Node {
        let text = match &c.value {
            CellValue::Number(d) => plain(*d),
            CellValue::Percent(f) => match f.checked_mul(Decimal::ONE_HUNDRED) {
                Some(p) => format!("{}%", plain(p)),
                None => plain(*f),
            },
            CellValue::Text(t) => t.trim().to_string(),
            CellValue::Bool(b) => yes_no_word(*b).to_string(),
            CellValue::Date(d) | CellValue::Error(d) => d.clone(),
        };
        let span = self.span_of(&c.at, &text);
        Node {
            span: Some(span),
            kind: Kind::Str(text),
        }
    }

    /// The year cell: a number, or text that reads as one.
    fn year_node(&mut self, c: &Cell) -> Node {
        match &c.value {
            CellValue::Text(t) => {
                let norm = normalize_text(t);
                let norm = norm.strip_suffix('年').unwrap_or(&norm).trim().to_string();
                let span = self.span_of(&c.at, t);
                let kind = if !norm.is_empty() && norm.bytes().all(|b| b.is_ascii_digit()) {
                    Kind::Num(norm)
                } else {
                    Kind::Str(t.clone())
                };
                Node {
                    span: Some(span),
                    kind,
                }
            }
            _ => self.value_node(c),
        }
    }
}

fn yes_no_word(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn excel_numbers_are_what_was_typed() {
        assert_eq!(excel_number(0.965), Some(d("0.965")));
        assert_eq!(excel_number(0.1 + 0.2), Some(d("0.3")));
        assert_eq!(excel_number(97.2 / 100.0), Some(d("0.972")));
        assert_eq!(excel_number(12000.5), Some(d("12000.5")));
        assert_eq!(excel_number(-0.05), Some(d("-0.05")));
        assert_eq!(excel_number(1e-7), Some(d("0.0000001")));
        assert_eq!(excel_number(123456789012345.0), Some(d("123456789012345")));
        // Excel keeps 15 significant digits; so do we.
        assert_eq!(
            excel_number(1234567890123456789.0),
            Some(d("1234567890123460000"))
        );
        assert_eq!(excel_number(f64::NAN), None);
        assert_eq!(excel_number(0.0), Some(Decimal::ZERO));
        // Every decimal of up to 15 significant digits comes back exactly.
        for s in [
            "0.1",
            "0.7",
            "1.15",
            "3.3",
            "99.99",
            "0.123456789012345",
            "92000.25",
        ] {
            let x: f64 = s.parse().unwrap();
            assert_eq!(excel_number(x), Some(d(s)), "{s}");
        }
    }

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(13, 2), "C14");
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(9, 26), "AA10");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn text_as_people_type_it() {
        assert_eq!(normalize_text(" １２,０００ "), "12,000");
        assert_eq!(normalize_text("９６．５％"), "96.5%");
        assert_eq!(yes_no("是"), Some(true));
        assert_eq!(yes_no(" 否 "), Some(false));
        assert_eq!(yes_no("TRUE"), Some(true));
        assert_eq!(yes_no("也许"), None);
    }
}
