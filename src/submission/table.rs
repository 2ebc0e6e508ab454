//! A table of districts, one per row (CSV or the first sheet of an XLSX file), as submissions.
//!
//! The first non-empty row is the header. Each column says what it holds:
//! - `region` / `地区`, `year` / `评估年度`, `ruleset` / `规则版本`;
//! - an input key (`market_entities`), or its Chinese label exactly as the rule file declares it,
//!   or `标签（key）`; a list input takes its entries in one cell, separated by `;`, `；`, `、`
//!   or line breaks;
//! - a yearly input takes one column per year: `online_retail.2024` (also `online_retail[2024]`
//!   or `online_retail 2024年`);
//! - a judgement key (`12.1`): 是/否 (or true/false), or for an indicator judged as a whole a
//!   score; `12.1.evidence` / `12.1.证明材料`, `12.1.note` / `12.1.备注` and `10.score` /
//!   `10.评分` for the other parts;
//! - a column whose header starts with `#` is a note for people and is not read.
//!
//! A header that is none of these is an error for the whole table (with the nearest key
//! suggested): a mistyped column would otherwise drop one value from every district silently.
//! Cells are named like spreadsheet cells (`D5` in a CSV file, `Sheet1!D5` in a workbook).

use super::cells::{
    Cell, CellDoc, CellValue, DataRow, DataValue, JudgementRow, YearCell, cell_name, normalize_text,
};
use super::load::{named, subj};
use super::xlsx::{SheetCells, open};
use super::{InputValue, Submission};
use crate::codes;
use crate::diag::{Diagnostic, suggest};
use crate::model::RuleSet;
use crate::syntax::ast::ScalarKind;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One district's row.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// The row number as a spreadsheet shows it (1-based).
    pub row: u32,
    /// Its cells.
    pub doc: CellDoc,
}

/// The largest table accepted, in bytes.
pub const MAX_TABLE_BYTES: usize = 64 * 1024 * 1024;
/// The most cells (rows × columns, counting empty ones) a table may span: a single cell far out
/// at XFD20000 would otherwise make a grid of hundreds of millions of cells.
pub const MAX_TABLE_CELLS: usize = 2_000_000;

/// What a column holds.
#[derive(Debug, Clone, PartialEq)]
enum Role {
    Region,
    Year,
    Ruleset,
    Input(String),
    InputYear(String, String),
    Judgement(String, Field),
    Ignore,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    /// 是/否, or a score for a whole indicator.
    Auto,
    Score,
    Evidence,
    Note,
}

/// A grid of cells: rows of optional cells.
type Grid = Vec<Vec<Option<Cell>>>;

/// Reads a CSV table whole, within the row and cell limits of a table held in memory.
/// [`stream_csv`] reads one of any length a chunk at a time; both decide the encoding and read
/// records the same way.
pub fn read_csv(
    rules: &RuleSet,
    file: &Arc<str>,
    bytes: &[u8],
) -> Result<Vec<TableRow>, Vec<Diagnostic>> {
    let mut rows = Vec::new();
    each_csv_row(rules, file, bytes, |row| rows.push(row))?;
    Ok(rows)
}

/// Reads a CSV table row by row, as [`read_csv`] does, giving each row to `each` instead of
/// keeping them: a table refused as a whole (a record that cannot be read, a row or cell limit)
/// is refused after some rows were given, so a caller that must not act on a refused table reads
/// it twice, first with an `each` that does nothing.
pub fn each_csv_row(
    rules: &RuleSet,
    file: &Arc<str>,
    bytes: &[u8],
    each: impl FnMut(TableRow),
) -> Result<(), Vec<Diagnostic>> {
    if bytes.len() > MAX_TABLE_BYTES {
        return Err(vec![too_large(file, bytes.len())]);
    }
    let input = Box::new(std::io::Cursor::new(bytes.to_vec()));
    each_row(rules, file, input, true, each)
}

/// [`each_csv_row`] over a table read as it streams ([`stream_csv`]), as the ranking reads
/// one: only the record being read is held, so a table of any length takes the same memory,
/// and there is no limit on its bytes, rows or cells as a whole (one record is still limited
/// to [`MAX_CSV_RECORD_BYTES`] and [`MAX_CSV_COLUMNS`]).
pub fn each_streamed_csv_row(
    rules: &RuleSet,
    file: &Arc<str>,
    input: Box<dyn std::io::Read + Send>,
    each: impl FnMut(TableRow),
) -> Result<(), Vec<Diagnostic>> {
    each_row(rules, file, input, false, each)
}

/// The rows of a CSV table, with the whole table's row and cell limits when `limited` (a table
/// held whole).
fn each_row(
    rules: &RuleSet,
    file: &Arc<str>,
    input: Box<dyn std::io::Read + Send>,
    limited: bool,
    mut each: impl FnMut(TableRow),
) -> Result<(), Vec<Diagnostic>> {
    let mut table = stream_csv(rules, file, input)?;
    let mut cells: usize = 0;
    while let Some(raw) = table.next_raw() {
        let raw = raw?;
        cells = cells.saturating_add(raw.record.len());
        if limited && (raw.r >= super::xlsx::MAX_ROWS as usize || cells > MAX_TABLE_CELLS) {
            return Err(vec![too_big_grid(file)]);
        }
        if let Some(row) = table.parser().parse(&raw)? {
            each(row);
        }
    }
    Ok(())
}

/// The most columns a streamed CSV row may have (Excel's limit).
pub const MAX_CSV_COLUMNS: usize = 16_384;
/// The most bytes one CSV record (one district's row) may take.
pub const MAX_CSV_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// The error a [`Capped`] source gives when a record runs past [`MAX_CSV_RECORD_BYTES`].
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "一行超过 {MAX_CSV_RECORD_BYTES} 字节")
    }
}

impl std::error::Error for RecordTooLong {}

/// A source that stops with [`RecordTooLong`] once more than `limit` bytes have been read; the
/// reader moves the limit on before each record, so that no record (an endless field, a link
/// to `/dev/zero`) is read past [`MAX_CSV_RECORD_BYTES`].
struct Capped {
    inner: Box<dyn std::io::Read + Send>,
    read: u64,
    limit: Arc<std::sync::atomic::AtomicU64>,
    /// The `"` read so far. In a well-formed table they pair up (an opening and a closing quote,
    /// or `""` for a quote inside a quoted cell); an odd count at the end means a quoted cell
    /// never closed, which the CSV reader takes to run to the end of the file.
    quotes: u64,
}

impl std::io::Read for Capped {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let limit = self.limit.load(std::sync::atomic::Ordering::Relaxed);
        if self.read >= limit {
            return Err(std::io::Error::other(RecordTooLong));
        }
        let room = usize::try_from(limit - self.read).unwrap_or(usize::MAX);
        let end = buf.len().min(room);
        let n = self.inner.read(buf.get_mut(..end).unwrap_or_default())?;
        self.read = self.read.saturating_add(n as u64);
        let quotes = buf
            .get(..n)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b == b'"')
            .count();
        self.quotes = self.quotes.saturating_add(quotes as u64);
        Ok(n)
    }
}

/// Lets the source read one more record from the reader's current place.
fn allow_record(reader: &csv::Reader<Capped>, limit: &std::sync::atomic::AtomicU64) {
    // The reader's buffer reads ahead of its place by at most its capacity (8 KiB).
    let at = reader.position().byte();
    limit.store(
        at.saturating_add(MAX_CSV_RECORD_BYTES + 64 * 1024),
        std::sync::atomic::Ordering::Relaxed,
    );
}

/// The message for a CSV reading error: a record past its limit by type, anything else as the
/// CSV reader says.
fn read_error(file: &Arc<str>, e: &csv::Error, r: usize) -> Diagnostic {
    if let csv::ErrorKind::Io(io) = e.kind()
        && io
            .get_ref()
            .is_some_and(|inner| inner.is::<RecordTooLong>())
    {
        return Diagnostic::error(
            codes::SUB_LIMIT,
            format!(
                "第 {} 行超过 {} MiB 的上限（或缺少换行、引号没有成对）",
                r + 1,
                MAX_CSV_RECORD_BYTES / (1024 * 1024)
            ),
        )
        .in_file(file)
        .help("检查是否选错了文件；每个地区一行，引号要成对");
    }
    csv_error(file, &e.to_string())
}

/// The message for a table whose quotes do not pair up: the cell opened in record `r` (the
/// last one read, which took in everything after it) was never closed.
fn unclosed_quote(file: &Arc<str>, r: usize) -> Diagnostic {
    Diagnostic::error(
        codes::SUB_SYNTAX,
        format!(
            "引号（\"）没有成对：第 {} 行有一个以引号开头的单元格直到文件末尾都没有结束，其后的各行都被读进了这个单元格",
            r + 1
        ),
    )
    .in_file(file)
    .help("检查这一行的引号：单元格里的引号要写成两个（\"\"），整个单元格用一对引号括起；用 Excel 打开后另存为“CSV UTF-8（逗号分隔）”再试")
}

/// A CSV table read one row at a time, for batches of any length in constant memory: the
/// header is read when the table is opened, then each district's row as it is needed.
pub struct CsvRows<'r> {
    records: Records,
    parser: RowParser<'r>,
}

/// The records of a CSV table, read one at a time.
pub struct Records {
    reader: csv::Reader<Capped>,
    limit: Arc<std::sync::atomic::AtomicU64>,
    file: Arc<str>,
    /// The next record's index (0-based).
    next: usize,
    failed: bool,
    /// The record after the next, read ahead: the last record of a table whose quotes do not
    /// pair up took in the rest of the file, and only reading on shows which one is last.
    ahead: Option<csv::ByteRecord>,
    /// A problem met while reading ahead, given once the record before it has been.
    deferred: Option<Diagnostic>,
}

/// Opens a CSV table for streaming. A file whose first 64 KB are UTF-8 (with or without a byte
/// order mark) is read as UTF-8 as it streams, and a later cell that is not UTF-8 is reported
/// with its place; any other file is taken as GB18030, as Excel writes it on Chinese Windows,
/// and decoded whole.
pub fn stream_csv<'r>(
    rules: &'r RuleSet,
    file: &Arc<str>,
    mut input: Box<dyn std::io::Read + Send>,
) -> Result<CsvRows<'r>, Vec<Diagnostic>> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| {
        vec![
            Diagnostic::error(codes::SUB_SYNTAX, format!("无法读取文件：{e}"))
                .in_file(file)
                .help("检查文件是否存在、是否有读取权限"),
        ]
    };
    let mut head = Vec::new();
    (&mut input)
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(unreadable)?;
    let utf8 = match std::str::from_utf8(&head) {
        Ok(_) => true,
        // Cut off in the middle of a character at the end of the sniffed block: still UTF-8.
        Err(e) => e.error_len().is_none(),
    };
    let source: Box<dyn std::io::Read + Send> = if utf8 {
        let start = if head.starts_with(b"\xef\xbb\xbf") {
            3
        } else {
            0
        };
        head.drain(..start);
        Box::new(std::io::Cursor::new(head).chain(input))
    } else {
        // Decoded whole: within the limit of a table read whole.
        let mut all = head;
        input
            .take(MAX_TABLE_BYTES as u64 + 1)
            .read_to_end(&mut all)
            .map_err(unreadable)?;
        if all.len() > MAX_TABLE_BYTES {
            return Err(vec![
                Diagnostic::error(
                    codes::SUB_LIMIT,
                    format!("不是 UTF-8 编码的表格超过 {MAX_TABLE_BYTES} 字节的上限"),
                )
                .in_file(file)
                .help("用 Excel 另存为“CSV UTF-8（逗号分隔）”再试：UTF-8 的表格逐行读取，行数不限"),
            ]);
        }
        let text = encoding_rs::GB18030.decode(&all).0.into_owned();
        Box::new(std::io::Cursor::new(text.into_bytes()))
    };
    open_csv(rules, file, source)
}

/// Reads a table's header from UTF-8 CSV text: the first row with anything in it.
fn open_csv<'r>(
    rules: &'r RuleSet,
    file: &Arc<str>,
    source: Box<dyn std::io::Read + Send>,
) -> Result<CsvRows<'r>, Vec<Diagnostic>> {
    let limit = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(Capped {
            inner: source,
            read: 0,
            limit: limit.clone(),
            quotes: 0,
        });
    let mut record = csv::ByteRecord::new();
    let mut r = 0usize;
    loop {
        allow_record(&reader, &limit);
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Err(empty_table(file)),
            Err(e) => return Err(vec![read_error(file, &e, r)]),
        }
        let cells = record_cells(file, &record, r)?;
        r += 1;
        if cells.iter().any(Option::is_some) {
            let header = Header::read(rules, file, cells)?;
            return Ok(CsvRows {
                records: Records {
                    reader,
                    limit,
                    file: file.clone(),
                    next: r,
                    failed: false,
                    ahead: None,
                    deferred: None,
                },
                parser: RowParser {
                    rules,
                    header,
                    file: file.clone(),
                },
            });
        }
    }
}

fn csv_error(file: &Arc<str>, e: &str) -> Diagnostic {
    Diagnostic::error(codes::SUB_SYNTAX, format!("无法读取 CSV 文件：{e}"))
        .in_file(file)
        .help("检查引号是否成对；用 Excel 打开后另存为“CSV UTF-8（逗号分隔）”再试")
}

/// The cells of one CSV record (row `r`, from 0).
fn record_cells(
    file: &Arc<str>,
    record: &csv::ByteRecord,
    r: usize,
) -> Result<Vec<Option<Cell>>, Vec<Diagnostic>> {
    let row = u32::try_from(r).unwrap_or(u32::MAX);
    if record.len() > MAX_CSV_COLUMNS {
        return Err(vec![too_big_grid(file)]);
    }
    record
        .iter()
        .enumerate()
        .map(|(c, bytes)| {
            let col = u32::try_from(c).unwrap_or(u32::MAX);
            match std::str::from_utf8(bytes) {
                Ok(t) => Ok(text_cell(cell_name(row, col), t)),
                Err(_) => Err(vec![
                    Diagnostic::error(codes::SUB_SYNTAX, "不是 UTF-8 编码的文字")
                        .in_cell(cell_name(row, col))
                        .in_file(file)
                    .help("整个文件要用同一种编码保存：用 Excel 另存为“CSV UTF-8（逗号分隔）”再试"),
                ]),
            }
        })
        .collect()
}

/// Turns a CSV table's records into districts' rows; shared by the threads that score them.
pub struct RowParser<'r> {
    rules: &'r RuleSet,
    header: Header,
    file: Arc<str>,
}

/// One record of a CSV table, not yet read as a district's row.
#[derive(Debug, Clone)]
pub struct RawRow {
    /// The record's index (0-based).
    pub r: usize,
    record: csv::ByteRecord,
}

impl RowParser<'_> {
    /// The district's submission read straight from a record, for the common clean row: what
    /// [`RowParser::parse`] and [`super::load_cells`] would give, without a message to give.
    /// `None` where a cell needs the full reading (anything but plain numbers, percents written
    /// `96.5%`, lists of plain numbers, 是/否 and scores of whole judged indicators, or a
    /// value out of its range): the full reading then says what is wrong.
    /// `tests/table_quick.rs` checks that both readings agree.
    pub fn quick(&self, raw: &RawRow, digest: &str) -> Option<Submission> {
        let rules = self.rules;
        let mut sub = Submission {
            file: self.file.clone(),
            digest: digest.to_string(),
            ..Submission::default()
        };
        let mut year = None;
        // A value under no header is refused by the full reading, which says where.
        let covered = &self.header.covered;
        let unheaded = raw.record.iter().enumerate().any(|(col, bytes)| {
            !covered.get(col).copied().unwrap_or(false) && !bytes.trim_ascii().is_empty()
        });
        if unheaded {
            return None;
        }
        for (col, role) in &self.header.roles {
            let Some(bytes) = raw.record.get(*col as usize) else {
                continue;
            };
            let t = std::str::from_utf8(bytes).ok()?;
            // `normalize_text` changes only full-width characters and outer spaces: plain ASCII
            // text just loses its outer spaces.
            let norm: std::borrow::Cow<str> = if t.is_ascii() {
                std::borrow::Cow::Borrowed(t.trim())
            } else {
                std::borrow::Cow::Owned(normalize_text(t))
            };
            if norm.is_empty() {
                continue;
            }
            let number = plain_number(&norm);
            match role {
                Role::Ignore => {}
                Role::Region if number.is_none() => sub.region = Some(t.trim().to_string()),
                Role::Year => {
                    let y = number?;
                    let y = y.fract().is_zero().then(|| y.to_i32()).flatten()?;
                    if !(1900..=2200).contains(&y) {
                        return None;
                    }
                    year = Some(y);
                }
                Role::Input(k) => {
                    let decl = rules.input(k)?;
                    if decl.yearly {
                        return None;
                    }
                    let v = if decl.kind.value == ScalarKind::Bool {
                        if number.is_some() || decl.list {
                            return None;
                        }
                        InputValue::Bool(super::cells::yes_no(&norm)?)
                    } else if decl.list {
                        let mut items = Vec::new();
                        for part in norm.split(['\n', '\r', ';', '；', '、']) {
                            let part = normalize_text(part);
                            if part.is_empty() {
                                continue;
                            }
                            items.push(quick_scalar(decl, &part)?);
                        }
                        if items.len() > super::MAX_LIST_LEN {
                            return None;
                        }
                        InputValue::List(items)
                    } else {
                        InputValue::Num(quick_scalar(decl, &norm)?)
                    };
                    sub.values.insert(k.clone(), v);
                }
                Role::InputYear(k, y) => {
                    let decl = rules.input(k)?;
                    let year: i32 = y.parse().ok().filter(|y| (1900..=2200).contains(y))?;
                    if decl.kind.value == ScalarKind::Bool || decl.list || !decl.yearly {
                        return None;
                    }
                    let v = quick_scalar(decl, &norm)?;
                    match sub
                        .values
                        .entry(k.clone())
                        .or_insert_with(|| InputValue::Series(BTreeMap::new()))
                    {
                        InputValue::Series(s) if s.len() < super::MAX_LIST_LEN => {
                            s.insert(year, v);
                        }
                        _ => return None,
                    }
                }
                Role::Judgement(k, Field::Auto) => {
                    let slot = rules.judgements.get(k)?;
                    let j = match (number, slot.item) {
                        (Some(s), None) => {
                            if (s.is_sign_negative() && !s.is_zero()) || s > slot.max {
                                return None;
                            }
                            super::Judgement {
                                score: Some(s.normalize()),
                                ..super::Judgement::default()
                            }
                        }
                        (None, _) => super::Judgement {
                            met: Some(match t.trim() {
                                "是" => true,
                                "否" => false,
                                other => super::cells::yes_no(other)?,
                            }),
                            ..super::Judgement::default()
                        },
                        (Some(_), Some(_)) => return None,
                    };
                    sub.judgements.insert(k.clone(), j);
                }
                Role::Region | Role::Ruleset | Role::Judgement(..) => return None,
            }
        }
        sub.year = year?;
        Some(sub)
    }

    /// A record as a district's row; `None` for an empty row.
    pub fn parse(&self, raw: &RawRow) -> Result<Option<TableRow>, Vec<Diagnostic>> {
        let cells = record_cells(&self.file, &raw.record, raw.r)?;
        Ok(self.header.row(self.rules, raw.r, &cells))
    }
}

impl<'r> CsvRows<'r> {
    /// What reads records as rows.
    pub fn parser(&self) -> &RowParser<'r> {
        &self.parser
    }

    /// The next record, or the problem that stops the reading (after which nothing more is
    /// read).
    pub fn next_raw(&mut self) -> Option<Result<RawRow, Vec<Diagnostic>>> {
        self.records.next_raw()
    }

    /// The records and what reads them as rows, apart: one thread can read on while others
    /// turn what was read into rows.
    pub fn split(&mut self) -> (&mut Records, &RowParser<'r>) {
        (&mut self.records, &self.parser)
    }
}

impl Records {
    /// The next record, or the problem that stops the reading (after which nothing more is
    /// read).
    pub fn next_raw(&mut self) -> Option<Result<RawRow, Vec<Diagnostic>>> {
        if self.failed {
            return None;
        }
        if let Some(d) = self.deferred.take() {
            self.failed = true;
            return Some(Err(vec![d]));
        }
        let record = match self.ahead.take() {
            Some(r) => r,
            None => match self.read_one(self.next) {
                Ok(Some(r)) => r,
                Ok(None) => return self.at_end(self.next.saturating_sub(1)),
                Err(d) => {
                    self.failed = true;
                    return Some(Err(vec![d]));
                }
            },
        };
        match self.read_one(self.next + 1) {
            Ok(Some(next)) => self.ahead = Some(next),
            // The last record: when the quotes do not pair up, it took in everything after its
            // open quote and is not a district's row.
            Ok(None) => {
                if let Some(e) = self.at_end(self.next) {
                    return Some(e);
                }
            }
            Err(d) => self.deferred = Some(d),
        }
        let r = self.next;
        self.next += 1;
        Some(Ok(RawRow { r, record }))
    }

    /// Reads one record (index `r`), within its limit; `None` at the end of the file.
    fn read_one(&mut self, r: usize) -> Result<Option<csv::ByteRecord>, Diagnostic> {
        let mut record = csv::ByteRecord::new();
        allow_record(&self.reader, &self.limit);
        match self.reader.read_byte_record(&mut record) {
            Ok(true) => Ok(Some(record)),
            Ok(false) => Ok(None),
            Err(e) => Err(read_error(&self.file, &e, r)),
        }
    }

    /// At the end of the file: the table's quotes do not pair up (the cell left open in record
    /// `last` ran to the end), or nothing more.
    fn at_end(&mut self, last: usize) -> Option<Result<RawRow, Vec<Diagnostic>>> {
        if self.reader.get_ref().quotes % 2 == 1 {
            self.failed = true;
            return Some(Err(vec![unclosed_quote(&self.file, last)]));
        }
        None
    }

    /// Up to `n` records; with them, the problem that stopped the reading, if one did.
    pub fn chunk(&mut self, n: usize) -> (Vec<RawRow>, Option<Vec<Diagnostic>>) {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            match self.next_raw() {
                Some(Ok(raw)) => out.push(raw),
                Some(Err(problems)) => return (out, Some(problems)),
                None => break,
            }
        }
        (out, None)
    }
}

/// Reads the first sheet of an XLSX workbook as a table.
pub fn read_xlsx_table(
    rules: &RuleSet,
    file: &Arc<str>,
    bytes: &[u8],
) -> Result<Vec<TableRow>, Vec<Diagnostic>> {
    let mut wb = open(file, bytes).map_err(|d| vec![d])?;
    let Some(name) = calamine::Reader::sheet_names(&wb).into_iter().next() else {
        return Err(vec![
            Diagnostic::error(codes::SUB_SHEET, "工作簿里没有工作表")
                .in_file(file)
                .help("第一张工作表应为各地区数据表，每个地区一行"),
        ]);
    };
    let sheet = SheetCells::read(&mut wb, file, &name).map_err(|d| vec![d])?;
    let mut grid: Grid = Vec::new();
    if let (Some(last_row), Some(last_col)) = (sheet.last_row(), sheet.last_col()) {
        let span = (last_row as usize + 1).saturating_mul(last_col as usize + 1);
        if span > MAX_TABLE_CELLS {
            return Err(vec![too_big_grid(file)]);
        }
        for r in 0..=last_row {
            grid.push((0..=last_col).map(|c| sheet.cell(r, c)).collect());
        }
    }
    read_grid(rules, file, &grid)
}

fn too_big_grid(file: &Arc<str>) -> Diagnostic {
    Diagnostic::error(
        codes::SUB_LIMIT,
        format!(
            "表格太大：最多 {} 行、{MAX_TABLE_CELLS} 个单元格（含中间的空单元格）",
            super::xlsx::MAX_ROWS
        ),
    )
    .in_file(file)
    .help("每个地区一行即可；删去表格远处误填的单元格（按 Ctrl+End 可找到最后一个单元格），或把表格拆成几个文件")
}

fn too_large(file: &Arc<str>, len: usize) -> Diagnostic {
    Diagnostic::error(
        codes::SUB_LIMIT,
        format!("文件有 {len} 字节，超过上限 {MAX_TABLE_BYTES} 字节"),
    )
    .in_file(file)
    .help("把表格拆成几个文件分别评估")
}

/// A CSV cell: a plain decimal number becomes a number, anything else stays text.
fn text_cell(at: String, t: &str) -> Option<Cell> {
    let norm = normalize_text(t);
    if norm.is_empty() {
        return None;
    }
    let value = match plain_number(&norm) {
        Some(d) => CellValue::Number(d),
        None => CellValue::Text(t.trim().to_string()),
    };
    Some(Cell { at, value })
}

fn plain_number(s: &str) -> Option<Decimal> {
    let body = s.strip_prefix('-').unwrap_or(s);
    if body.is_empty()
        || body.starts_with('.')
        || body.ends_with('.')
        || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        return None;
    }
    Decimal::from_str_exact(s).ok().map(|d| d.normalize())
}

pub(crate) fn cell_text(c: &Cell) -> String {
    match &c.value {
        CellValue::Number(d) | CellValue::Percent(d) => crate::number::plain(*d),
        CellValue::Text(t) => t.trim().to_string(),
        CellValue::Bool(b) => b.to_string(),
        CellValue::Date(d) | CellValue::Error(d) => d.clone(),
    }
}

/// The key inside `标签（key）` or `标签(key)`.
fn key_in_parens(h: &str) -> Option<&str> {
    let h = h.trim_end();
    let inner = h
        .strip_suffix('）')
        .and_then(|x| x.rsplit_once('（'))
        .or_else(|| h.strip_suffix(')').and_then(|x| x.rsplit_once('(')))?;
    let k = inner.1.trim();
    (!k.is_empty()).then_some(k)
}

fn is_year(s: &str) -> bool {
    s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The unknown columns of one table header that get a suggestion (“是否想写……”); the later ones
/// get the general help. A header with more unknown columns is not a table with typos, and each
/// suggestion compares the column with every name in the rules (16,000 unknown columns took
/// seconds).
pub const MAX_SUGGESTED_COLUMNS: usize = 50;

/// What a header means, or a message saying why it means nothing (with a suggestion of what it
/// may have meant when `suggest_names` says so).
fn role(
    rules: &RuleSet,
    header: &str,
    suggest_names: bool,
) -> Result<Role, (String, Option<String>)> {
    let h = normalize_text(header);
    if h.starts_with('#') {
        return Ok(Role::Ignore);
    }
    let h = key_in_parens(&h).map(str::to_string).unwrap_or(h);
    match h.as_str() {
        "region" | "地区" => return Ok(Role::Region),
        "year" | "评估年度" | "年度" => return Ok(Role::Year),
        "ruleset" | "规则版本" => return Ok(Role::Ruleset),
        _ => {}
    }
    if let Some(decl) = rules.inputs.iter().find(|i| i.label.value == h) {
        return Ok(Role::Input(decl.name.value.clone()));
    }
    if rules.input(&h).is_some() {
        return Ok(Role::Input(h));
    }
    if rules.judgements.contains_key(&h) {
        return Ok(Role::Judgement(h, Field::Auto));
    }
    // key.2024, key[2024], key 2024年
    let year_split = h
        .strip_suffix(']')
        .and_then(|x| x.rsplit_once('['))
        .or_else(|| h.rsplit_once('.'))
        .or_else(|| h.rsplit_once(' '))
        .map(|(k, y)| (k.trim(), y.trim().trim_end_matches('年')));
    if let Some((k, y)) = year_split {
        if rules.input(k).is_some() && is_year(y) {
            return Ok(Role::InputYear(k.to_string(), y.to_string()));
        }
        if rules.judgements.contains_key(k) {
            let field = match y {
                "met" | "是否达到" => Some(Field::Auto),
                "score" | "评分" => Some(Field::Score),
                "evidence" | "证明材料" => Some(Field::Evidence),
                "note" | "备注" => Some(Field::Note),
                _ => None,
            };
            if let Some(f) = field {
                return Ok(Role::Judgement(k.to_string(), f));
            }
            return Err((
                format!("表头“{header}”中的“{y}”无法识别"),
                Some(format!("评审项 {k} 的列写成 {k}、{k}.evidence 或 {k}.note")),
            ));
        }
    }
    let unknown = format!("表头“{header}”不是规则中的数据项或评审项");
    if !suggest_names {
        return Err((unknown, None));
    }
    let keys = rules
        .inputs
        .iter()
        .flat_map(|i| [i.name.value.as_str(), i.label.value.as_str()])
        .filter(|k| !k.is_empty())
        .chain(rules.judgements.keys().map(String::as_str))
        .chain(["region", "year", "ruleset"]);
    let base = year_split.map_or(h.as_str(), |(k, _)| k);
    // An input is suggested as the template heads its column: the label, the key in brackets.
    let help = suggest(base, keys).map(|s| {
        let decl = rules
            .inputs
            .iter()
            .find(|i| i.name.value == s || i.label.value == s);
        match (decl, year_split) {
            (Some(d), Some((_, y))) if d.yearly && is_year(y) => {
                let (label, key) = (d.label.value.trim(), &d.name.value);
                if label.is_empty() || label == key {
                    format!("是否想写“{key}.{y}”？")
                } else {
                    format!("是否想写“{label}（{key}.{y}）”？")
                }
            }
            (Some(d), _) => format!("是否想写“{}”？", named(d)),
            (None, _) => format!("是否想写“{s}”？"),
        }
    });
    Err((unknown, help))
}

/// What a column holds, as messages name it: an input by its label with the key in brackets
/// ([`named`]), a judgement by its key and text.
fn role_name(rules: &RuleSet, r: &Role) -> String {
    let input = |k: &str| rules.input(k).map_or_else(|| k.to_string(), named);
    match r {
        Role::Region => "地区（region）".into(),
        Role::Year => "评估年度（year）".into(),
        Role::Ruleset => "规则版本（ruleset）".into(),
        Role::Input(k) => input(k),
        Role::InputYear(k, y) => format!("{}的 {y} 年数值", subj(&input(k))),
        Role::Judgement(k, field) => {
            let what = match field {
                Field::Auto => "",
                Field::Score => " 的评分",
                Field::Evidence => " 的证明材料",
                Field::Note => " 的备注",
            };
            format!("评审结论 {k}{what}")
        }
        Role::Ignore => String::new(),
    }
}

fn empty_table(file: &Arc<str>) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(codes::SUB_SHEET, "表格是空的")
            .in_file(file)
            .help("第一行写表头（region、year 和各数据项的键），下面每个地区一行"),
    ]
}

fn read_grid(
    rules: &RuleSet,
    file: &Arc<str>,
    grid: &Grid,
) -> Result<Vec<TableRow>, Vec<Diagnostic>> {
    let Some(header_row) = grid.iter().position(|r| r.iter().any(Option::is_some)) else {
        return Err(empty_table(file));
    };
    let header = grid.get(header_row).cloned().unwrap_or_default();
    let header = Header::read(rules, file, header)?;
    Ok(grid
        .iter()
        .enumerate()
        .skip(header_row + 1)
        .filter_map(|(r, cells)| header.row(rules, r, cells))
        .collect())
}

/// A table's header row: what each column holds.
struct Header {
    cells: Vec<Option<Cell>>,
    roles: Vec<(u32, Role)>,
    /// Whether each column (by position) has a role; columns past the end have none.
    covered: Vec<bool>,
}

impl Header {
    /// Reads the header row; every problem with it at once.
    fn read(
        rules: &RuleSet,
        file: &Arc<str>,
        cells: Vec<Option<Cell>>,
    ) -> Result<Header, Vec<Diagnostic>> {
        let mut roles: Vec<(u32, Role)> = Vec::new();
        let mut problems = Vec::new();
        let mut unknown = 0;
        let header = cells.as_slice();
        for (c, cell) in header.iter().enumerate() {
            let Some(cell) = cell else { continue };
            let col = u32::try_from(c).unwrap_or(u32::MAX);
            let text = cell_text(cell);
            match role(rules, &text, unknown < MAX_SUGGESTED_COLUMNS) {
                Ok(Role::Input(k)) if let Some(decl) = rules.input(&k).filter(|d| d.yearly) => {
                    problems.push(
                        Diagnostic::error(
                            codes::SUB_SHEET,
                            format!(
                                "{}：{}按年填写，一列只能放一年",
                                cell.at,
                                subj(&named(decl))
                            ),
                        )
                        .in_file(file)
                        .help(format!("每年一列，表头写成 {k}.2023、{k}.2024")),
                    );
                }
                Ok(r) => {
                    if let Some((prev, _)) =
                        roles.iter().find(|(_, x)| *x == r && r != Role::Ignore)
                    {
                        let before = header
                            .get(*prev as usize)
                            .and_then(Option::as_ref)
                            .map_or_else(String::new, |c| format!("{}“{}”", c.at, cell_text(c)));
                        problems.push(
                            Diagnostic::error(
                                codes::SUB_SHEET,
                                format!(
                                    "{}：{}有两列：{before}和这一列“{text}”",
                                    cell.at,
                                    subj(&role_name(rules, &r))
                                ),
                            )
                            .in_file(file)
                            .help("每一项只能有一列；删除重复的列"),
                        );
                        continue;
                    }
                    roles.push((col, r));
                }
                Err((msg, help)) => {
                    unknown += 1;
                    let d =
                        Diagnostic::error(codes::SUB_UNKNOWN_KEY, format!("{}：{msg}", cell.at))
                            .in_file(file);
                    problems.push(match help {
                    Some(h) => d.help(h),
                    None => d.help(
                        "表头写数据项的键（如 market_entities）、年份列（如 online_retail.2024）\
                         或评审项（如 12.1）；供人看的列在表头前加 #",
                    ),
                });
                }
            }
        }
        if !roles.iter().any(|(_, r)| *r == Role::Year) {
            problems.push(
                Diagnostic::error(codes::SUB_SHEET, "表格没有评估年度列 year")
                    .in_file(file)
                    .help("加一列，表头写 year，每行填评估年度，如 2024"),
            );
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut covered = vec![false; cells.len()];
        for (col, _) in &roles {
            if let Some(c) = covered.get_mut(*col as usize) {
                *c = true;
            }
        }
        Ok(Header {
            cells,
            roles,
            covered,
        })
    }

    /// One district's row (`r` counts from 0); `None` for an empty row.
    fn row(&self, rules: &RuleSet, r: usize, cells: &[Option<Cell>]) -> Option<TableRow> {
        let header = self.cells.as_slice();
        let roles = &self.roles;
        {
            if cells.iter().all(Option::is_none) {
                return None;
            }
            let row = u32::try_from(r).unwrap_or(u32::MAX);
            let mut doc = CellDoc {
                lists_in_one_cell: true,
                ..CellDoc::default()
            };
            let mut years: BTreeMap<String, (String, Vec<YearCell>)> = BTreeMap::new();
            let mut judgements: BTreeMap<String, JudgementRow> = BTreeMap::new();
            let mut order: Vec<String> = Vec::new();
            doc.unheaded = cells
                .iter()
                .enumerate()
                .filter(|(col, _)| !self.covered.get(*col).copied().unwrap_or(false))
                .filter_map(|(_, c)| c.clone())
                .collect();
            for (col, role) in roles {
                let Some(cell) = cells.get(*col as usize).and_then(Option::as_ref) else {
                    continue;
                };
                let key_at = header
                    .get(*col as usize)
                    .and_then(Option::as_ref)
                    .map_or_else(|| cell_name(row, *col), |h| h.at.clone());
                match role {
                    Role::Ignore => {}
                    Role::Region => doc.region = Some(cell.clone()),
                    Role::Year => doc.year = Some(cell.clone()),
                    Role::Ruleset => doc.ruleset = Some(cell.clone()),
                    Role::Input(k) => {
                        let list = rules.input(k).is_some_and(|d| d.list);
                        let value = if list {
                            DataValue::List(split_list(cell))
                        } else {
                            DataValue::One(cell.clone())
                        };
                        doc.data.push(DataRow {
                            key: k.clone(),
                            key_at,
                            value,
                        });
                    }
                    Role::InputYear(k, y) => {
                        years
                            .entry(k.clone())
                            .or_insert_with(|| (key_at.clone(), Vec::new()))
                            .1
                            .push(YearCell {
                                year: y.clone(),
                                header_at: key_at,
                                cell: cell.clone(),
                            });
                    }
                    Role::Judgement(k, field) => {
                        let j = judgements.entry(k.clone()).or_insert_with(|| {
                            order.push(k.clone());
                            JudgementRow {
                                key: k.clone(),
                                key_at: key_at.clone(),
                                ..JudgementRow::default()
                            }
                        });
                        let whole = rules.judgements.get(k).is_some_and(|s| s.item.is_none());
                        match field {
                            Field::Auto if whole && matches!(cell.value, CellValue::Number(_)) => {
                                j.score = Some(cell.clone())
                            }
                            Field::Auto => j.met = Some(cell.clone()),
                            Field::Score => j.score = Some(cell.clone()),
                            Field::Evidence => j.evidence = Some(cell.clone()),
                            Field::Note => j.note = Some(cell.clone()),
                        }
                    }
                }
            }
            for (key, (key_at, ys)) in years {
                doc.data.push(DataRow {
                    key,
                    key_at,
                    value: DataValue::Years(ys),
                });
            }
            for k in order {
                if let Some(j) = judgements.remove(&k) {
                    doc.judgements.push(j);
                }
            }
            Some(TableRow { row: row + 1, doc })
        }
    }
}

/// One value of an input from a cell's normalised text, as the loader reads it: a plain number
/// in the input's unit (a percent as a fraction within [-1, 1]), or a percent written `x%`;
/// `None` for anything else and for values the loader refuses (negative counts and money,
/// fractional counts, values outside the declared range).
fn quick_scalar(decl: &crate::syntax::ast::InputDecl, norm: &str) -> Option<Decimal> {
    let kind = decl.kind.value;
    let value = match plain_number(norm) {
        Some(v) => match kind {
            ScalarKind::Money => {
                let factor = decl
                    .unit
                    .as_ref()
                    .and_then(|u| crate::number::money_unit_factor(&u.value))
                    .unwrap_or(Decimal::ONE);
                v.checked_mul(factor)?
            }
            ScalarKind::Percent if v.abs() <= Decimal::ONE => v,
            ScalarKind::Percent | ScalarKind::Bool => return None,
            ScalarKind::Count | ScalarKind::Decimal => v,
        },
        None if kind == ScalarKind::Percent && norm.ends_with('%') => {
            if super::cells::yes_no(norm).is_some() {
                return None;
            }
            let q = crate::number::parse_quantity(norm).ok()?;
            if q.unit != crate::number::QuantityUnit::Percent {
                return None;
            }
            q.value
        }
        None => return None,
    };
    if matches!(kind, ScalarKind::Count | ScalarKind::Money)
        && value.is_sign_negative()
        && !value.is_zero()
    {
        return None;
    }
    if kind == ScalarKind::Count && !value.fract().is_zero() {
        return None;
    }
    if !super::load::in_range(decl, value) {
        return None;
    }
    Some(value.normalize())
}

/// A list cell's entries: a number is one entry; text is split at `;`, `；`, `、` and line
/// breaks.
fn split_list(cell: &Cell) -> Vec<Cell> {
    match &cell.value {
        CellValue::Text(t) => t
            .split(['\n', '\r', ';', '；', '、'])
            .filter_map(|part| text_cell(cell.at.clone(), part))
            .collect(),
        _ => vec![cell.clone()],
    }
}

/// A row as messages name it: `第 5 行`.
pub fn row_label(row: u32) -> String {
    format!("第 {row} 行")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_headers() {
        assert_eq!(
            key_in_parens("市场主体数量（market_entities）"),
            Some("market_entities")
        );
        assert_eq!(
            key_in_parens("市场主体数量(market_entities)"),
            Some("market_entities")
        );
        assert_eq!(key_in_parens("市场主体数量"), None);
        assert_eq!(plain_number("12000.50"), Some(Decimal::new(120005, 1)));
        assert_eq!(plain_number("96.5%"), None);
        assert_eq!(plain_number("1,200"), None);
    }

    #[test]
    fn gbk_and_utf8_with_a_byte_order_mark_read_the_same() {
        let rules_text = "ruleset t \"t\" { version \"1\" points 1 pass total >= 1 }\n\
                          input n \"数量\" count\n\
                          category \"甲\" points 1 { indicator 1 \"一\" points 1 { score n } }\n";
        let (rules, _) = crate::builtin::load(&Arc::from("t.zb"), rules_text);
        let rules = rules.expect("rules");
        let table = "地区（region）,year,n\n甲区,2024,1\n";
        let (gbk, _, _) = encoding_rs::GB18030.encode(table);
        let bom = format!("\u{feff}{table}");
        let file: Arc<str> = Arc::from("t.csv");
        let read = |bytes: &[u8]| read_csv(&rules, &file, bytes).expect("readable");
        let (a, b) = (read(&gbk), read(bom.as_bytes()));
        assert_eq!(a, b);
        assert_eq!(a.len(), 1);
        assert!(matches!(
            a.first().and_then(|r| r.doc.region.as_ref()).map(|c| &c.value),
            Some(CellValue::Text(t)) if t == "甲区"
        ));
    }

    /// A header whose columns are all unknown got a suggestion for every column, each compared
    /// with every name in the rules: 16,000 such columns took 6.7 s (release build). Only the
    /// first [`MAX_SUGGESTED_COLUMNS`] get one now; every column is still reported.
    #[test]
    fn only_the_first_unknown_columns_get_a_suggestion() {
        let rules_text = "ruleset t \"t\" { version \"1\" points 1 pass total >= 1 }\n\
                          input market_entities \"市场主体数量\" count\n\
                          category \"甲\" points 1 { indicator 1 \"一\" points 1 { score market_entities } }\n";
        let (rules, _) = crate::builtin::load(&Arc::from("t.zb"), rules_text);
        let rules = rules.expect("rules");
        let typos: Vec<String> = (0..MAX_SUGGESTED_COLUMNS + 10)
            .map(|i| format!("market_entites{i}"))
            .collect();
        let table = format!("region,year,{}\n甲区,2024\n", typos.join(","));
        let file: Arc<str> = Arc::from("t.csv");
        let problems = read_csv(&rules, &file, table.as_bytes()).expect_err("unknown columns");
        assert_eq!(problems.len(), typos.len());
        let suggested = |d: &Diagnostic| d.help.as_deref().is_some_and(|h| h.contains("是否想写"));
        assert!(problems.iter().take(MAX_SUGGESTED_COLUMNS).all(suggested));
        assert!(!problems.iter().skip(MAX_SUGGESTED_COLUMNS).any(suggested));
    }
}
