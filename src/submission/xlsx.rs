//! Reading a filled-in XLSX template (made by `zhibiao template --format xlsx`) as a submission.
//!
//! The reader finds its way by the template's words, not by fixed row numbers, so inserted
//! rows, deleted rows, blank rows and moved columns do no harm:
//! - sheet [`DATA_SHEET`]: the cells right of 「地区」「评估年度」「规则版本」 at the top; below them
//!   a header row with 「键」 (the input key), 「填写项」, 「数值」 and one column per year
//!   (`2024` or `2024年`). Each row is one input: one value in 「数值」, a yearly series in the
//!   year columns, or, for a list, one entry per row (rows with the same key).
//! - sheet [`JUDGEMENT_SHEET`]: a header row with 「键」 (`12.1`), 「是否达到」 (是/否), 「评分」 (a
//!   whole indicator's score), 「证明材料」 (names separated by line breaks or semicolons) and
//!   「备注」.
//!
//! A key cell left empty inside a vertically merged block takes the block's key; a value cell
//! in a merged block counts once, at its top-left cell. A key cell emptied by mistake is
//! recovered from the Chinese label when that names exactly one input. Everything the reader
//! cannot place is an error naming the cell; the values themselves are checked by
//! [`super::cells::load_cells`], with the same messages as TOML.

use super::Submission;
use super::cells::{
    Cell, CellDoc, CellValue, DataRow, DataValue, JudgementRow, YearCell, cell_name, excel_number,
    load_cells, normalize_text,
};
use super::load::named;
use crate::codes;
use crate::diag::Diagnostic;
use crate::model::RuleSet;
use calamine::{Data, Dimensions, Reader, Xlsx};
use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Arc;

/// The sheet with the input values.
pub const DATA_SHEET: &str = "数据";
/// The sheet with the judgements.
pub const JUDGEMENT_SHEET: &str = "评审";
/// The sheet with instructions.
pub const HELP_SHEET: &str = "说明";
/// Header of the key column (both sheets).
pub const KEY: &str = "键";
/// Header of the label column.
pub const LABEL: &str = "填写项";
/// Header of the single-value column.
pub const VALUE: &str = "数值";
/// Header of the 是/否 column.
pub const MET: &str = "是否达到";
/// Header of the score column.
pub const SCORE: &str = "评分";
/// Header of the evidence column.
pub const EVIDENCE: &str = "证明材料";
/// Header of the note column.
pub const NOTE: &str = "备注";
/// Label left of the region cell.
pub const REGION: &str = "地区";
/// Label left of the year cell.
pub const YEAR: &str = "评估年度";
/// Label left of the rule set cell.
pub const RULESET: &str = "规则版本";
/// The largest XLSX file accepted, in bytes.
pub const MAX_XLSX_BYTES: usize = 16 * 1024 * 1024;
/// The most rows read from one sheet.
pub const MAX_ROWS: u32 = 20_000;

/// Reads a filled-in XLSX template and checks it like a TOML submission.
pub fn load_xlsx(
    rules: &RuleSet,
    file: &Arc<str>,
    bytes: &[u8],
) -> (Option<Submission>, Vec<Diagnostic>) {
    match read_template(rules, file, bytes) {
        Ok((doc, problems)) => load_cells(rules, file, &doc, digest_bytes(bytes), problems),
        Err(problems) => (None, problems),
    }
}

/// True when the bytes are a workbook with the template's 「数据」 sheet (as opposed to a table
/// with one district per row).
pub fn is_template(bytes: &[u8]) -> bool {
    let name: Arc<str> = Arc::from("");
    open(&name, bytes).is_ok_and(|wb| wb.sheet_names().iter().any(|n| n == DATA_SHEET))
}

/// The rule set a filled-in template names in its 「规则版本」 cell, if it can be read at all.
/// Used to pick the rules before the template is read against them.
pub fn requested_ruleset(bytes: &[u8]) -> Option<String> {
    let name: Arc<str> = Arc::from("");
    let mut wb = open(&name, bytes).ok()?;
    let sheet = SheetCells::read(&mut wb, &name, DATA_SHEET).ok()?;
    let h = find_header(&sheet)?;
    let cell = top_field(&sheet, h.row, RULESET)?;
    match cell.value {
        CellValue::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        _ => None,
    }
}

/// A reader that hashes the bytes read through it, for the digest of a file read as a stream:
/// [`Digest::finish`] gives the same `sha256:` digest [`digest_bytes`] gives for the bytes read.
pub struct Digesting<R> {
    inner: R,
    hasher: std::sync::Arc<std::sync::Mutex<sha2::Sha256>>,
}

/// The digest being computed by a [`Digesting`] reader, readable after the reader is gone.
#[derive(Clone)]
pub struct Digest(std::sync::Arc<std::sync::Mutex<sha2::Sha256>>);

impl<R: std::io::Read> Digesting<R> {
    /// Wraps `inner`; the returned [`Digest`] gives the digest of what was read.
    pub fn new(inner: R) -> (Digesting<R>, Digest) {
        use sha2::Digest as _;
        let hasher = std::sync::Arc::new(std::sync::Mutex::new(sha2::Sha256::new()));
        (
            Digesting {
                inner,
                hasher: hasher.clone(),
            },
            Digest(hasher),
        )
    }
}

impl<R: std::io::Read> std::io::Read for Digesting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest as _;
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or_default();
        match self.hasher.lock() {
            Ok(mut h) => h.update(read),
            Err(poisoned) => poisoned.into_inner().update(read),
        }
        Ok(n)
    }
}

impl Digest {
    /// The `sha256:` digest of the bytes read so far.
    pub fn finish(&self) -> String {
        use sha2::Digest as _;
        let hash = match self.0.lock() {
            Ok(h) => h.clone().finalize(),
            Err(poisoned) => poisoned.into_inner().clone().finalize(),
        };
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }
}

/// The `sha256:` digest of a file's bytes.
pub fn digest_bytes(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// An opened workbook.
pub type Workbook<'a> = Xlsx<Cursor<&'a [u8]>>;

/// Opens XLSX bytes, or says why not.
pub fn open<'a>(file: &Arc<str>, bytes: &'a [u8]) -> Result<Workbook<'a>, Diagnostic> {
    if bytes.len() > MAX_XLSX_BYTES {
        return Err(Diagnostic::error(
            codes::SUB_LIMIT,
            format!(
                "文件有 {} 字节，超过上限 {} 字节",
                bytes.len(),
                MAX_XLSX_BYTES
            ),
        )
        .in_file(file)
        .help("电子表格只填写模板中的数据；图片和附件材料不要放进表格"));
    }
    check_unpacked(file, bytes)?;
    Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        Diagnostic::error(codes::SUB_SYNTAX, format!("无法读取 XLSX 文件：{e}"))
            .in_file(file)
            .help("确认文件是 Excel 2007 及以后的 .xlsx 格式（不是 .xls 或改了扩展名的其他文件），并且没有加密码")
    })
}

/// The most bytes one part of a workbook (a worksheet, the shared strings) may unpack to.
pub const MAX_XLSX_PART_BYTES: u64 = 128 * 1024 * 1024;
/// The most bytes all the parts of a workbook together may unpack to.
pub const MAX_XLSX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;

/// Refuses a workbook whose parts unpack to more than [`MAX_XLSX_PART_BYTES`] each or
/// [`MAX_XLSX_UNPACKED_BYTES`] together, by the sizes its zip directory declares, before any
/// part is unpacked. The declared sizes hold: the zip reader stops with an error when a part
/// unpacks to more than it declares. Bytes that are not a zip archive are left for the workbook
/// reader to report.
fn check_unpacked(file: &Arc<str>, bytes: &[u8]) -> Result<(), Diagnostic> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let limit = |message: String| {
        Diagnostic::error(codes::SUB_LIMIT, message)
            .in_file(file)
            .help("检查是否选错了文件；电子表格只填写模板中的数据，不要粘贴大段文字、图片或附件")
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        // A damaged part is left for the workbook reader to report; the others are still
        // checked (one damaged part must not let another through unchecked).
        let Ok(part) = zip.by_index_raw(i) else {
            continue;
        };
        let name = part
            .name()
            .map_or_else(|_| format!("第 {} 个部件", i + 1), |n| n.to_string());
        let size = part.size();
        if size > MAX_XLSX_PART_BYTES {
            return Err(limit(format!(
                "工作簿中的“{name}”解压后有 {size} 字节，超过上限 {MAX_XLSX_PART_BYTES} 字节"
            )));
        }
        total = total.saturating_add(size);
        if total > MAX_XLSX_UNPACKED_BYTES {
            return Err(limit(format!(
                "工作簿解压后超过 {MAX_XLSX_UNPACKED_BYTES} 字节的上限（读到“{name}”时）"
            )));
        }
    }
    for i in 0..zip.len() {
        // A part that cannot be opened here is left for the workbook reader to report.
        let Ok(mut part) = zip.by_index(i) else {
            continue;
        };
        let Some(name) = part.name().ok().map(|n| n.to_string()) else {
            continue;
        };
        let scanned = (name.starts_with("xl/worksheets/") || name.starts_with("xl/tables/"))
            && name.ends_with(".xml");
        if !scanned {
            continue;
        }
        // What could be read is scanned even when the rest cannot (a bad checksum shows only at
        // the end): the workbook reader reads as far as it can too.
        let mut xml = Vec::new();
        let _ = std::io::Read::read_to_end(&mut part, &mut xml);
        if let Some((bad, why)) = bad_reference(&xml) {
            let why = match why {
                BadRef::TooLong => "列最多 3 个字母，行最多 7 位数字",
                BadRef::Reversed => "范围的终点在起点之前",
            };
            return Err(Diagnostic::error(
                codes::SUB_SYNTAX,
                format!("工作簿中的“{name}”有无效的单元格范围“{bad}”（{why}）"),
            )
            .in_file(file)
            .help("用 Excel 或 WPS 打开后另存为 .xlsx，再试一次"));
        }
    }
    Ok(())
}

/// What is wrong with a cell or range reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BadRef {
    /// More than 3 column letters or 7 row digits in a part.
    TooLong,
    /// A range whose end is above or left of its start.
    Reversed,
}

/// The first cell or range reference (an `r`, `ref` or `sqref` attribute) in a sheet's XML that
/// no sheet can hold: more than 3 column letters or 7 row digits in a part, or a range that ends
/// before it starts. The workbook reader computes such numbers without a bound, so they are
/// refused before it reads them. Found by the bytes, not by parsing: the workbook reader reads
/// on through XML a strict parser stops at (an attribute right after a quote, spaces around
/// `=`, single quotes, a damaged part), so this must find every attribute it would.
fn bad_reference(xml: &[u8]) -> Option<(String, BadRef)> {
    let is_name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-' | b'.');
    for (eq, _) in xml.iter().enumerate().filter(|(_, b)| **b == b'=') {
        let before = xml.get(..eq).unwrap_or_default();
        let name_end = before.len()
            - before
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        let named = before.get(..name_end).unwrap_or_default();
        let name_len = named.iter().rev().take_while(|b| is_name(**b)).count();
        let name = named.get(named.len() - name_len..).unwrap_or_default();
        if !matches!(name, b"r" | b"ref" | b"sqref") {
            continue;
        }
        let after = xml.get(eq + 1..).unwrap_or_default();
        let skip = after.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let Some(&quote) = after.get(skip).filter(|q| matches!(q, b'"' | b'\'')) else {
            continue;
        };
        let value = after.get(skip + 1..).unwrap_or_default();
        let len = value
            .iter()
            .position(|b| *b == quote)
            .unwrap_or(value.len());
        let value = String::from_utf8_lossy(value.get(..len).unwrap_or_default());
        let parts: Vec<&str> = value
            .split(|c: char| c == ':' || c.is_whitespace())
            .collect();
        if !parts.iter().all(|p| reference_part_fits(p)) {
            return Some((value.into_owned(), BadRef::TooLong));
        }
        if let [from, to] = value.split(':').collect::<Vec<_>>()[..]
            && let (Some(a), Some(b)) = (cell_of(from), cell_of(to))
            && (a.0 > b.0 || a.1 > b.1)
        {
            return Some((value.into_owned(), BadRef::Reversed));
        }
    }
    None
}

/// `$AB$12`, `AB`, `12`: at most 3 letters, then at most 7 digits.
fn reference_part_fits(part: &str) -> bool {
    let part = part.trim_start_matches('$');
    let letters = part.bytes().take_while(u8::is_ascii_alphabetic).count();
    let rest = part
        .get(letters..)
        .unwrap_or_default()
        .trim_start_matches('$');
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    letters <= 3 && digits <= 7
}

/// A whole cell reference (`AB12`, letters then digits and nothing else) as (row, column); `None`
/// for anything else, which the workbook reader refuses by itself.
fn cell_of(part: &str) -> Option<(u32, u32)> {
    let letters = part.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col, row) = (part.get(..letters)?, part.get(letters..)?);
    if col.is_empty() || row.is_empty() || !row.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let col = col.bytes().try_fold(0u32, |n, c| {
        n.checked_mul(26)?
            .checked_add(u32::from(c.to_ascii_uppercase() - b'A') + 1)
    })?;
    Some((row.parse().ok()?, col))
}

/// The most columns read from one sheet (`AMJ`).
pub const MAX_COLS: u32 = 1_024;
/// The most cells read from one sheet (written cells, empty or not).
pub const MAX_SHEET_CELLS: usize = 2_000_000;
/// The most merged blocks read from one sheet.
pub const MAX_MERGES: usize = 10_000;

/// One sheet's cells (only those written, so a stray cell far away costs nothing), each with
/// whether its number format shows a percent, and its merged blocks.
pub struct SheetCells {
    /// The sheet's name, as cell names start.
    pub name: String,
    cells: HashMap<(u32, u32), (Data, bool)>,
    /// The last row and column holding a value, 0-based.
    end: Option<(u32, u32)>,
    merges: Vec<Dimensions>,
}

impl SheetCells {
    /// Reads a sheet, cell by cell, refusing it as soon as a value lies outside the rows and
    /// columns read or there are too many cells: the sheet's declared size is never trusted,
    /// and nothing is allocated for the empty cells between.
    pub fn read(wb: &mut Workbook, file: &Arc<str>, name: &str) -> Result<SheetCells, Diagnostic> {
        let err = |e: calamine::XlsxError| {
            Diagnostic::error(codes::SUB_SYNTAX, format!("无法读取工作表“{name}”：{e}"))
                .in_file(file)
                .help("用 Excel 或 WPS 打开后另存为 .xlsx，再试一次")
        };
        let too_big = |message: String| {
            Diagnostic::error(codes::SUB_LIMIT, message)
                .in_file(file)
                .help("删除表格下方或右侧远处误填的单元格（在 Excel 中按 Ctrl+End 可找到最后一个单元格，选中多余的行或列后删除），保存后再试")
        };
        let mut cells = HashMap::new();
        let mut end: Option<(u32, u32)> = None;
        // A chart sheet has no cells.
        match wb.worksheet_cells_reader(name) {
            Err(calamine::XlsxError::NotAWorksheet(_)) => {}
            Err(e) => return Err(err(e)),
            Ok(mut reader) => {
                let percent: Vec<bool> = reader
                    .styles()
                    .iter()
                    .map(|s| {
                        s.number_format
                            .as_ref()
                            .is_some_and(|f| is_percent_format(&f.format_code))
                    })
                    .collect();
                let mut count = 0usize;
                while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(err)? {
                    let (row, col) = cell.get_position();
                    count += 1;
                    if count > MAX_SHEET_CELLS {
                        return Err(too_big(format!(
                            "工作表“{name}”的单元格超过 {MAX_SHEET_CELLS} 个（读到 {} 时）",
                            cell_name(row, col)
                        )));
                    }
                    let value: Data = cell.get_value().clone().into();
                    if value == Data::Empty {
                        continue;
                    }
                    if row >= MAX_ROWS || col >= MAX_COLS {
                        return Err(too_big(format!(
                            "工作表“{name}”的单元格 {} 超出读取范围（最多 {MAX_ROWS} 行、{MAX_COLS} 列，即到 {}）",
                            cell_name(row, col),
                            cell_name(MAX_ROWS - 1, MAX_COLS - 1)
                        )));
                    }
                    end = Some(end.map_or((row, col), |(r, c)| (r.max(row), c.max(col))));
                    let pct = percent.get(style).copied().unwrap_or(false);
                    cells.insert((row, col), (value, pct));
                }
            }
        }
        let merges = wb.merge_cells_by_sheet_name(name).map_err(err)?;
        if merges.len() > MAX_MERGES {
            return Err(too_big(format!(
                "工作表“{name}”有 {} 处合并单元格，超过上限 {MAX_MERGES} 处",
                merges.len()
            )));
        }
        Ok(SheetCells {
            name: name.to_string(),
            cells,
            end,
            merges,
        })
    }

    /// The last used row, 0-based.
    pub fn last_row(&self) -> Option<u32> {
        self.end.map(|e| e.0)
    }

    /// The last used column, 0-based.
    pub fn last_col(&self) -> Option<u32> {
        self.end.map(|e| e.1)
    }

    /// The name of a cell on this sheet: `数据!E14`.
    pub fn at(&self, row: u32, col: u32) -> String {
        format!("{}!{}", self.name, cell_name(row, col))
    }

    /// The merged block a cell lies in, if any.
    pub fn merge_of(&self, row: u32, col: u32) -> Option<&Dimensions> {
        self.merges.iter().find(|m| m.contains(row, col))
    }

    /// The raw value of a cell and whether it is formatted as a percent, `None` when empty.
    fn raw(&self, row: u32, col: u32) -> Option<(&Data, bool)> {
        match self.cells.get(&(row, col)) {
            None | Some((Data::Empty, _)) => None,
            Some((Data::String(s), _)) if s.trim().is_empty() => None,
            Some((d, percent)) => Some((d, *percent)),
        }
    }

    /// A cell's value, converted; `None` when empty.
    pub fn value(&self, row: u32, col: u32) -> Option<CellValue> {
        let (raw, percent) = self.raw(row, col)?;
        let number = |x: Option<rust_decimal::Decimal>, shown: String| match x {
            Some(d) if percent => CellValue::Percent(d),
            Some(d) => CellValue::Number(d),
            None => CellValue::Error(shown),
        };
        Some(match raw {
            Data::Int(i) => number(Some((*i).into()), i.to_string()),
            Data::Float(f) => number(excel_number(*f), f.to_string()),
            Data::String(s) => CellValue::Text(s.clone()),
            Data::Bool(b) => CellValue::Bool(*b),
            Data::DateTime(d) => CellValue::Date(format!("日期（{}）", d.as_f64())),
            Data::DateTimeIso(d) | Data::DurationIso(d) => CellValue::Date(d.clone()),
            Data::Error(e) => CellValue::Error(e.to_string()),
            Data::Empty => return None,
        })
    }

    /// A cell with its name, `None` when empty.
    pub fn cell(&self, row: u32, col: u32) -> Option<Cell> {
        self.value(row, col).map(|value| Cell {
            at: self.at(row, col),
            value,
        })
    }

    /// A cell's text, trimmed, with numbers written plainly; `None` when empty.
    pub fn text(&self, row: u32, col: u32) -> Option<String> {
        let t = match self.value(row, col)? {
            CellValue::Number(d) | CellValue::Percent(d) => crate::number::plain(d),
            CellValue::Text(t) => t.trim().to_string(),
            CellValue::Bool(b) => b.to_string(),
            CellValue::Date(d) | CellValue::Error(d) => d,
        };
        Some(t)
    }

    /// A structural cell's text (a key or a label): an empty cell inside a merged block takes
    /// the block's top-left text.
    pub fn text_merged(&self, row: u32, col: u32) -> Option<String> {
        self.text(row, col).or_else(|| {
            let m = self.merge_of(row, col)?;
            self.text(m.start.0, m.start.1)
        })
    }
}

/// True for an Excel number format that shows a percent (`0%`, `0.0#%`): a `%` outside quotes
/// and escapes in the format's first section.
pub fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if !quoted => {
                chars.next();
            }
            ';' if !quoted => return false,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// A header row: the row holding 「键」 and the column of each header.
struct Header {
    row: u32,
    key_col: u32,
    cols: HashMap<String, u32>,
    /// Year columns: (year text, column).
    years: Vec<(String, u32)>,
}

fn find_header(sheet: &SheetCells) -> Option<Header> {
    let last_row = sheet.last_row()?;
    let last_col = sheet.last_col()?;
    for row in 0..=last_row.min(50) {
        let Some(key_col) = (0..=last_col).find(|c| sheet.text(row, *c).as_deref() == Some(KEY))
        else {
            continue;
        };
        let mut cols = HashMap::new();
        let mut years = Vec::new();
        for col in 0..=last_col {
            let Some(t) = sheet.text(row, col) else {
                continue;
            };
            let t = normalize_text(&t);
            let bare = t.strip_suffix('年').unwrap_or(&t).trim();
            if bare.len() == 4 && bare.bytes().all(|b| b.is_ascii_digit()) {
                years.push((bare.to_string(), col));
            } else {
                cols.entry(t).or_insert(col);
            }
        }
        return Some(Header {
            row,
            key_col,
            cols,
            years,
        });
    }
    None
}

fn sheet_problem(file: &Arc<str>, message: String, help: &str) -> Diagnostic {
    Diagnostic::error(codes::SUB_SHEET, message)
        .in_file(file)
        .help(help.to_string())
}

/// Reads the cells of a filled-in template; `Err` when the file or its layout cannot be used.
pub fn read_template(
    rules: &RuleSet,
    file: &Arc<str>,
    bytes: &[u8],
) -> Result<(CellDoc, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut wb = open(file, bytes).map_err(|d| vec![d])?;
    let names = wb.sheet_names();
    if !names.iter().any(|n| n == DATA_SHEET) {
        return Err(vec![sheet_problem(
            file,
            format!(
                "找不到工作表“{DATA_SHEET}”（文件中的工作表：{}）",
                names.join("、")
            ),
            "用 zhibiao template --format xlsx 生成的模板填写，不要给工作表改名；\
             一张表格里填多个地区的，用 zhibiao eval 批量评估（见 docs/filling-in.md）",
        )]);
    }
    let mut problems = Vec::new();
    let mut doc = CellDoc::default();
    let data = SheetCells::read(&mut wb, file, DATA_SHEET).map_err(|d| vec![d])?;
    read_data(rules, file, &data, &mut doc, &mut problems)?;
    if names.iter().any(|n| n == JUDGEMENT_SHEET) {
        let j = SheetCells::read(&mut wb, file, JUDGEMENT_SHEET).map_err(|d| vec![d])?;
        read_judgements(file, &j, &mut doc, &mut problems)?;
    } else if !rules.judgements.is_empty() {
        problems.push(
            Diagnostic::warning(
                codes::SUB_SHEET,
                format!("找不到工作表“{JUDGEMENT_SHEET}”，所有评审结论都按未提交处理"),
            )
            .in_file(file)
            .help("从模板中把“评审”工作表复制回来并填写"),
        );
    }
    Ok((doc, problems))
}

/// The cell right of a label at the top of the data sheet (the first non-empty one in the row).
fn top_field(sheet: &SheetCells, header_row: u32, label: &str) -> Option<Cell> {
    let last_col = sheet.last_col()?;
    for row in 0..header_row {
        for col in 0..=last_col {
            let Some(t) = sheet.text(row, col) else {
                continue;
            };
            if !normalize_text(&t).starts_with(label) {
                continue;
            }
            let skip = sheet.merge_of(row, col).map_or(col, |m| m.end.1);
            return (skip + 1..=last_col).find_map(|c| sheet.cell(row, c));
        }
    }
    None
}

fn read_data(
    rules: &RuleSet,
    file: &Arc<str>,
    sheet: &SheetCells,
    doc: &mut CellDoc,
    problems: &mut Vec<Diagnostic>,
) -> Result<(), Vec<Diagnostic>> {
    let Some(h) = find_header(sheet) else {
        return Err(vec![sheet_problem(
            file,
            format!("工作表“{}”中找不到表头“{KEY}”", sheet.name),
            "表头一行（键、填写项、数值、年份……）不要删除或改写；可以从模板中复制回来",
        )]);
    };
    let key_col = h.key_col;
    doc.region = top_field(sheet, h.row, REGION);
    doc.year = top_field(sheet, h.row, YEAR);
    doc.ruleset = top_field(sheet, h.row, RULESET);
    let label_col = h.cols.get(LABEL).copied();
    let value_col = h.cols.get(VALUE).copied();
    let by_label: HashMap<&str, Vec<&str>> =
        rules.inputs.iter().fold(HashMap::new(), |mut m, i| {
            m.entry(i.label.value.as_str())
                .or_default()
                .push(i.name.value.as_str());
            m
        });
    let year_span = match (h.years.first(), h.years.last()) {
        (Some(a), Some(b)) => format!(
            "{} 到 {} 列",
            crate::submission::cells::column_name(a.1),
            crate::submission::cells::column_name(b.1)
        ),
        _ => "年份列".to_string(),
    };
    // key → index in doc.data, and the first cell that gave a single value.
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    let last_row = sheet.last_row().unwrap_or(h.row);
    for row in h.row + 1..=last_row {
        let value = value_col.and_then(|c| sheet.cell(row, c));
        let years: Vec<YearCell> = h
            .years
            .iter()
            .filter_map(|(y, c)| {
                sheet.cell(row, *c).map(|cell| YearCell {
                    year: y.clone(),
                    header_at: sheet.at(h.row, *c),
                    cell,
                })
            })
            .collect();
        for cells in value.iter().chain(years.iter().map(|y| &y.cell)) {
            warn_merged(sheet, file, row, &cells.at, problems);
        }
        let mut key = sheet.text_merged(row, key_col);
        let key_at = sheet.at(row, key_col);
        if key.is_none() {
            let label = label_col.and_then(|c| sheet.text_merged(row, c));
            if let Some(keys) = label.as_deref().and_then(|l| by_label.get(l))
                && let [only] = keys.as_slice()
            {
                key = Some((*only).to_string());
            }
        }
        let Some(key) = key else {
            if let Some(first) = value.as_ref().or(years.first().map(|y| &y.cell)) {
                problems.push(sheet_problem(
                    file,
                    format!(
                        "{} 填了数值，但这一行的“{KEY}”（{key_at}）是空的，无法知道是哪一项",
                        first.at
                    ),
                    "把这一行的键恢复成模板中的样子（可从模板复制），或删除这一行",
                ));
            }
            continue;
        };
        let key = normalize_text(&key);
        let Some(decl) = rules.input(&key) else {
            // Unknown keys go to the loader, which suggests the nearest one.
            if let Some(cell) = value.or(years.into_iter().next().map(|y| y.cell)) {
                doc.data.push(DataRow {
                    key,
                    key_at,
                    value: DataValue::One(cell),
                });
            }
            continue;
        };
        if decl.yearly {
            if let Some(v) = &value {
                problems.push(sheet_problem(
                    file,
                    format!(
                        "{}按年填写，{} 中的数值无法知道是哪一年的",
                        named(decl),
                        v.at
                    ),
                    &format!("把数值填到对应年份的列中（{year_span}），并清空“{VALUE}”列这一格"),
                ));
            }
            if years.is_empty() {
                continue;
            }
            if let Some((_, first)) = seen.get(&key) {
                problems.push(duplicate(file, &named(decl), first, &key_at));
                continue;
            }
            seen.insert(key.clone(), (doc.data.len(), key_at.clone()));
            doc.data.push(DataRow {
                key,
                key_at,
                value: DataValue::Years(years),
            });
            continue;
        }
        for y in &years {
            let to = value_col.map_or_else(|| format!("“{VALUE}”列"), |c| sheet.at(row, c));
            problems.push(sheet_problem(
                file,
                format!(
                    "{}不按年填写，{} 中的数值（{} 年列）无法读取",
                    named(decl),
                    y.cell.at,
                    y.year
                ),
                &format!("把数值填到“{VALUE}”列（{to}），并清空年份列这一格"),
            ));
        }
        let Some(value) = value else {
            continue;
        };
        if decl.list {
            match seen.get(&key) {
                Some((i, _)) => {
                    if let Some(DataRow {
                        value: DataValue::List(items),
                        ..
                    }) = doc.data.get_mut(*i)
                    {
                        items.push(value);
                    }
                }
                None => {
                    seen.insert(key.clone(), (doc.data.len(), key_at.clone()));
                    doc.data.push(DataRow {
                        key,
                        key_at,
                        value: DataValue::List(vec![value]),
                    });
                }
            }
            continue;
        }
        if let Some((_, first)) = seen.get(&key) {
            problems.push(duplicate(file, &named(decl), first, &key_at));
            continue;
        }
        seen.insert(key.clone(), (doc.data.len(), key_at.clone()));
        doc.data.push(DataRow {
            key,
            key_at,
            value: DataValue::One(value),
        });
    }
    Ok(())
}

fn duplicate(file: &Arc<str>, key: &str, first: &str, again: &str) -> Diagnostic {
    sheet_problem(
        file,
        format!("{key}在 {first} 和 {again} 两行都填了，无法知道用哪一个"),
        "只保留一行；只有“每行一项”的列表项可以占多行",
    )
}

/// A value cell that is the top-left of a merged block spanning several cells: only it counts.
fn warn_merged(
    sheet: &SheetCells,
    file: &Arc<str>,
    row: u32,
    at: &str,
    problems: &mut Vec<Diagnostic>,
) {
    let Some(m) = sheet
        .merges
        .iter()
        .find(|m| m.start.0 == row && at == sheet.at(m.start.0, m.start.1) && m.len() > 1)
    else {
        return;
    };
    problems.push(
        Diagnostic::warning(
            codes::SUB_SHEET,
            format!(
                "{at} 是合并单元格（{}:{}），只算作 {at} 一格的值",
                cell_name(m.start.0, m.start.1),
                cell_name(m.end.0, m.end.1)
            ),
        )
        .in_file(file)
        .help("每一年、每一项各填一格；取消合并后分别填写"),
    );
}

fn read_judgements(
    file: &Arc<str>,
    sheet: &SheetCells,
    doc: &mut CellDoc,
    problems: &mut Vec<Diagnostic>,
) -> Result<(), Vec<Diagnostic>> {
    let Some(h) = find_header(sheet) else {
        return Err(vec![sheet_problem(
            file,
            format!("工作表“{}”中找不到表头“{KEY}”", sheet.name),
            "表头一行（键、是否达到、评分、证明材料、备注）不要删除或改写；可以从模板中复制回来",
        )]);
    };
    let key_col = h.key_col;
    let col = |name: &str| h.cols.get(name).copied();
    let (met, score, evidence, note) = (col(MET), col(SCORE), col(EVIDENCE), col(NOTE));
    let mut seen: HashMap<String, String> = HashMap::new();
    let last_row = sheet.last_row().unwrap_or(h.row);
    for row in h.row + 1..=last_row {
        let get = |c: Option<u32>| c.and_then(|c| sheet.cell(row, c));
        let j = JudgementRow {
            key: String::new(),
            key_at: sheet.at(row, key_col),
            met: get(met),
            score: get(score),
            evidence: get(evidence),
            note: get(note),
        };
        let first = [&j.met, &j.score, &j.evidence, &j.note]
            .into_iter()
            .flatten()
            .next()
            .map(|c| c.at.clone());
        let Some(first) = first else {
            continue;
        };
        let Some(key) = sheet.text_merged(row, key_col) else {
            problems.push(sheet_problem(
                file,
                format!(
                    "{first} 填了评审结论，但这一行的“{KEY}”（{}）是空的，无法知道是哪一项",
                    j.key_at
                ),
                "把这一行的键恢复成模板中的样子（如 12.1），或删除这一行",
            ));
            continue;
        };
        let key = normalize_text(&key);
        if let Some(prev) = seen.get(&key) {
            problems.push(duplicate(file, &key, prev, &j.key_at));
            continue;
        }
        seen.insert(key.clone(), j.key_at.clone());
        doc.judgements.push(JudgementRow { key, ..j });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formats() {
        assert!(is_percent_format("0%"));
        assert!(is_percent_format("0.0#%"));
        assert!(is_percent_format("0.00%;[Red]-0.00%"));
        assert!(!is_percent_format("General"));
        assert!(!is_percent_format("0\"%\""));
        assert!(!is_percent_format("0\\%"));
        assert!(!is_percent_format("#,##0;-#,##0%"));
    }
}
