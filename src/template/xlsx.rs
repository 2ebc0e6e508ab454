//! The XLSX template: a workbook district staff fill in with Excel or WPS.
//!
//! - 「数据」: the region, year and rule set at the top; below a frozen header, one row per input
//!   with its Chinese label (what people read) and its key (what the reader reads), the unit,
//!   the kind, a 「数值」 column, one column per year, then the help text, the indicators that use
//!   the input and their owners. Cells to fill are yellow, cells not to fill grey. Each value
//!   cell validates what it takes (whole numbers ≥ 0 for counts, decimals ≥ 0 for money, a
//!   percent format and the declared range for percents, 是/否 for yes-or-no inputs) and shows
//!   the help text when selected. A list takes one entry per row (rows with the same key).
//! - 「评审」: one row per judgement key with the sub-item's text, its points, a 是/否 drop-down,
//!   a score column for indicators judged as a whole, evidence, a note and the owners.
//! - 「说明」: how to fill it in.
//!
//! The reader is [`crate::submission::xlsx`]; the two share the header words. A template may be
//! pre-filled from a submission (last year's data, or a TOML file turned into a workbook).

use super::{InputInfo, Plan, indicator_words, kind_words, plan};
use crate::model::RuleSet;
use crate::number::{money_unit_factor, plain};
use crate::submission::xlsx::{
    DATA_SHEET, EVIDENCE, HELP_SHEET, JUDGEMENT_SHEET, KEY, LABEL, MET, NOTE, REGION, RULESET,
    SCORE, VALUE, YEAR,
};
use crate::submission::{InputValue, Submission};
use crate::syntax::ast::{Literal, ScalarKind};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

/// How many rows a list input gets in a blank template.
pub const LIST_ROWS: usize = 5;
/// The header row of the data sheet (0-based).
pub const DATA_HEADER_ROW: u32 = 5;
/// The header row of the judgement sheet (0-based).
pub const JUDGEMENT_HEADER_ROW: u32 = 2;

const FILL: u32 = 0xFFF2CC;
const NOT_FILL: u32 = 0xE7E6E6;
const HEAD: u32 = 0xDDEBF7;
const KEY_GREY: u32 = 0x7F7F7F;

/// The XLSX template for evaluation year `year`, optionally filled in from a submission.
pub fn to_xlsx(
    rules: &RuleSet,
    year: i32,
    prefill: Option<&Submission>,
) -> Result<Vec<u8>, String> {
    build(rules, year, prefill).map_err(|e| format!("无法生成 XLSX：{e}"))
}

struct Formats {
    title: Format,
    head: Format,
    label: Format,
    key: Format,
    text: Format,
    small: Format,
    fill_text: Format,
    fill_count: Format,
    fill_number: Format,
    fill_percent: Format,
    not_fill: Format,
}

fn formats() -> Formats {
    let border = |f: Format| {
        f.set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF))
    };
    let wrap = |f: Format| f.set_text_wrap().set_align(FormatAlign::Top);
    let fill = |f: Format| border(f.set_background_color(Color::RGB(FILL)).set_unlocked());
    Formats {
        title: Format::new().set_bold().set_font_size(14),
        head: border(
            Format::new()
                .set_bold()
                .set_background_color(Color::RGB(HEAD))
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
        ),
        label: border(wrap(Format::new().set_bold())),
        key: border(wrap(Format::new().set_font_color(Color::RGB(KEY_GREY)))),
        text: border(wrap(Format::new())),
        small: border(wrap(Format::new().set_font_size(9))),
        fill_text: wrap(fill(Format::new())),
        fill_count: fill(Format::new().set_num_format("#,##0")),
        fill_number: fill(Format::new().set_num_format("General")),
        fill_percent: fill(Format::new().set_num_format("0.0#%")),
        not_fill: border(Format::new().set_background_color(Color::RGB(NOT_FILL))),
    }
}

/// Text cut to Excel's limit for validation messages (counted in UTF-16 units).
fn cut(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for c in s.chars() {
        if n + c.len_utf16() > max.saturating_sub(1) {
            out.push('…');
            return out;
        }
        n += c.len_utf16();
        out.push(c);
    }
    out
}

/// How many lines `text` takes in a column `width` characters wide (a Chinese character is two),
/// at a font `scale` of the default size.
fn lines(text: &str, width: f64, scale: f64) -> f64 {
    let w: f64 = text
        .chars()
        .map(|c| {
            if unicode_width::UnicodeWidthChar::width(c) == Some(2) {
                2.0
            } else {
                1.0
            }
        })
        .sum();
    (w * scale / (width * 0.95)).ceil().max(1.0)
}

fn to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// A declared bound in the unit of the cell (money in the input's unit, percents as fractions).
fn bound_in_cell(info: &InputInfo, lit: &Literal) -> f64 {
    let d = info.decl;
    let value = match (d.kind.value, &lit.unit) {
        (ScalarKind::Money, crate::number::QuantityUnit::Money) => {
            let factor = d
                .unit
                .as_ref()
                .and_then(|u| money_unit_factor(&u.value))
                .unwrap_or(Decimal::ONE);
            lit.value.checked_div(factor).unwrap_or(lit.value)
        }
        _ => lit.value,
    };
    to_f64(value)
}

fn validation(info: &InputInfo) -> Result<Option<DataValidation>, XlsxError> {
    let d = info.decl;
    let (min, max) = (
        d.min.as_ref().map(|l| bound_in_cell(info, l)),
        d.max.as_ref().map(|l| bound_in_cell(info, l)),
    );
    let unit = d
        .unit
        .as_ref()
        .map_or(String::new(), |u| format!("（单位：{}）", u.value));
    let (v, error) = match d.kind.value {
        ScalarKind::Count => {
            let lo = min.unwrap_or(0.0).max(0.0);
            let rule = match max {
                Some(hi) => DataValidationRule::Between(
                    Formula::new(plain_f(lo)),
                    Formula::new(plain_f(hi)),
                ),
                None => DataValidationRule::GreaterThanOrEqualTo(Formula::new(plain_f(lo))),
            };
            (
                DataValidation::new().allow_whole_number_formula(rule),
                format!("请填写不小于 {} 的整数{unit}", plain_f(lo)),
            )
        }
        ScalarKind::Money => {
            let lo = min.unwrap_or(0.0).max(0.0);
            let rule = match max {
                Some(hi) => DataValidationRule::Between(lo, hi),
                None => DataValidationRule::GreaterThanOrEqualTo(lo),
            };
            (
                DataValidation::new().allow_decimal_number(rule),
                format!("请填写不小于 {} 的金额{unit}", plain_f(lo)),
            )
        }
        ScalarKind::Percent => {
            let lo = min.unwrap_or(-1.0);
            let rule = match max {
                Some(hi) => DataValidationRule::Between(lo, hi),
                None => DataValidationRule::GreaterThanOrEqualTo(lo),
            };
            let range = match (&d.min, &d.max) {
                (Some(a), Some(b)) => format!("，在 {} 到 {} 之间", a.text, b.text),
                (None, Some(b)) => format!("，不超过 {}", b.text),
                (Some(a), None) => format!("，不低于 {}", a.text),
                (None, None) => String::new(),
            };
            (
                DataValidation::new().allow_decimal_number(rule),
                format!("请填写百分数，如 96.5%{range}"),
            )
        }
        ScalarKind::Decimal => match (min, max) {
            (None, None) => return Ok(None),
            (lo, hi) => {
                let rule = match (lo, hi) {
                    (Some(a), Some(b)) => DataValidationRule::Between(a, b),
                    (Some(a), None) => DataValidationRule::GreaterThanOrEqualTo(a),
                    (None, Some(b)) => DataValidationRule::LessThanOrEqualTo(b),
                    (None, None) => DataValidationRule::GreaterThanOrEqualTo(0.0),
                };
                (
                    DataValidation::new().allow_decimal_number(rule),
                    format!("请填写数值{unit}"),
                )
            }
        },
        ScalarKind::Bool => (
            DataValidation::new().allow_list_strings(&["是", "否"])?,
            "请选“是”或“否”".to_string(),
        ),
    };
    let mut message = kind_words(info);
    if let Some(h) = &d.help {
        message = format!("{message}。{}", h.value);
    }
    let v = v
        .set_input_title(cut(&d.label.value, 32))?
        .set_input_message(cut(&message, 255))?
        .set_error_title("填写有误")?
        .set_error_message(cut(&error, 255))?
        .set_error_style(DataValidationErrorStyle::Stop);
    Ok(Some(v))
}

/// A number for a formula: no exponent, no trailing zeros.
fn plain_f(x: f64) -> String {
    Decimal::try_from(x).map_or_else(|_| x.to_string(), plain)
}

fn build(rules: &RuleSet, year: i32, prefill: Option<&Submission>) -> Result<Vec<u8>, XlsxError> {
    let p = plan(rules, year);
    let f = formats();
    let mut wb = Workbook::new();
    let created = rules
        .header
        .effective
        .as_ref()
        .and_then(|e| {
            let mut parts = e.value.split('-').map(|x| x.parse::<u16>().ok());
            let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
            ExcelDateTime::from_ymd(y, u8::try_from(m).ok()?, u8::try_from(d).ok()?).ok()
        })
        .map_or_else(|| ExcelDateTime::from_ymd(2000, 1, 1), Ok)?;
    let props = DocProperties::new()
        .set_title(format!("{}申报模板（{year} 年度）", p.title()))
        .set_comment(format!(
            "由 zhibiao template 根据规则文件 {} 生成",
            rules.file
        ))
        .set_creation_datetime(&created);
    wb.set_properties(&props);

    let data = wb.add_worksheet();
    data.set_name(DATA_SHEET)?;
    write_data(data, &p, &f, prefill)?;
    data.set_active(true);

    let judge = wb.add_worksheet();
    judge.set_name(JUDGEMENT_SHEET)?;
    write_judgements(judge, &p, &f, prefill)?;

    let help = wb.add_worksheet();
    help.set_name(HELP_SHEET)?;
    write_help(help, &p, &f)?;

    wb.save_to_buffer()
}

/// The columns of the data sheet.
struct DataCols {
    years: Vec<i32>,
    value: u16,
    first_year: u16,
    help: u16,
    uses: u16,
    owners: u16,
}

impl DataCols {
    fn new(p: &Plan) -> DataCols {
        let years = p.year_columns.clone();
        let first_year = 5;
        let n = u16::try_from(years.len()).unwrap_or(0);
        DataCols {
            value: 4,
            first_year,
            help: first_year + n,
            uses: first_year + n + 1,
            owners: first_year + n + 2,
            years,
        }
    }
}

fn write_data(
    ws: &mut Worksheet,
    p: &Plan,
    f: &Formats,
    prefill: Option<&Submission>,
) -> Result<(), XlsxError> {
    let c = DataCols::new(p);
    let last_col = c.owners;
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        &format!("{}申报数据（{} 年度）", p.title(), p.year),
        &f.title,
    )?;
    ws.set_row_height(0, 24)?;
    ws.write_string_with_format(1, 0, REGION, &f.label)?;
    let region = prefill.and_then(|s| s.region.clone()).unwrap_or_default();
    ws.merge_range(1, 1, 1, 3, &region, &f.fill_text)?;
    ws.write_string_with_format(2, 0, YEAR, &f.label)?;
    ws.write_number_with_format(2, 1, f64::from(p.year), &f.fill_number)?;
    ws.write_string_with_format(3, 0, RULESET, &f.label)?;
    ws.write_string_with_format(3, 1, p.ruleset_ref(), &f.text)?;
    ws.merge_range(
        4,
        0,
        4,
        last_col,
        "黄色格子填写，灰色格子不填。百分比直接输入 96.5%；金额按“单位”列填写；按年填写的项填在对应年份的列中；\
         “每项一行”的列表可以插入行，把“键”照抄到新行。选中格子可看到填写说明。",
        &f.small,
    )?;
    ws.set_row_height(4, 30)?;
    let h = DATA_HEADER_ROW;
    let mut heads: Vec<(u16, String)> = vec![
        (0, LABEL.into()),
        (1, KEY.into()),
        (2, "单位".into()),
        (3, "类型".into()),
        (c.value, VALUE.into()),
        (c.help, "填写说明".into()),
        (c.uses, "用于指标".into()),
        (c.owners, "责任单位".into()),
    ];
    for (i, y) in c.years.iter().enumerate() {
        heads.push((
            c.first_year + u16::try_from(i).unwrap_or(0),
            format!("{y}年"),
        ));
    }
    for (col, text) in &heads {
        ws.write_string_with_format(h, *col, text, &f.head)?;
    }
    for (col, width) in [
        (0u16, 30.0),
        (1, 26.0),
        (2, 7.0),
        (3, 20.0),
        (c.value, 14.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    for i in 0..c.years.len() {
        ws.set_column_width(c.first_year + u16::try_from(i).unwrap_or(0), 13.0)?;
    }
    ws.set_column_width(c.help, 60.0)?;
    ws.set_column_width(c.uses, 40.0)?;
    ws.set_column_width(c.owners, 18.0)?;
    ws.set_freeze_panes(h + 1, 2)?;

    let mut row = h + 1;
    for info in &p.inputs {
        let d = info.decl;
        let key = d.name.value.as_str();
        let given = prefill.and_then(|s| s.values.get(key));
        let rows = if d.list {
            let n = match given {
                Some(InputValue::List(l)) => l.len(),
                _ => 0,
            };
            n.max(LIST_ROWS)
        } else {
            1
        };
        let last = row + u32::try_from(rows).unwrap_or(1) - 1;
        let unit = d.unit.as_ref().map_or("", |u| u.value.as_str());
        let value_format = match d.kind.value {
            ScalarKind::Count => &f.fill_count,
            ScalarKind::Percent => &f.fill_percent,
            ScalarKind::Bool => &f.fill_text,
            _ => &f.fill_number,
        };
        let v = validation(info)?;
        let mut kind = kind_words(info);
        if d.list {
            kind.push_str("（每项一行）");
        }
        let help = d.help.as_ref().map_or("", |h| h.value.as_str());
        let uses = indicator_words(info);
        let owners = info.owners.join("、");
        if last == row {
            let n = lines(&d.label.value, 30.0, 1.1)
                .max(lines(&kind, 20.0, 0.8))
                .max(lines(help, 60.0, 0.8))
                .max(lines(&uses, 40.0, 0.8));
            ws.set_row_height(row, 15.0 * n.min(8.0))?;
        }
        for (col, text, fmt) in [
            (0u16, d.label.value.as_str(), &f.label),
            (2, unit, &f.text),
            (3, kind.as_str(), &f.small),
            (c.help, help, &f.small),
            (c.uses, uses.as_str(), &f.small),
            (c.owners, owners.as_str(), &f.small),
        ] {
            if last > row {
                ws.merge_range(row, col, last, col, text, fmt)?;
            } else {
                ws.write_string_with_format(row, col, text, fmt)?;
            }
        }
        let factor = match d.kind.value {
            ScalarKind::Money => d
                .unit
                .as_ref()
                .and_then(|u| money_unit_factor(&u.value))
                .unwrap_or(Decimal::ONE),
            _ => Decimal::ONE,
        };
        for r in row..=last {
            ws.write_string_with_format(r, 1, key, &f.key)?;
            let i = usize::try_from(r - row).unwrap_or(0);
            if d.yearly {
                ws.write_blank(r, c.value, &f.not_fill)?;
            } else {
                let x = match given {
                    Some(InputValue::Num(x)) => Some(*x),
                    Some(InputValue::List(l)) => l.get(i).copied(),
                    _ => None,
                };
                match (x, given) {
                    (_, Some(InputValue::Bool(b))) => {
                        ws.write_string_with_format(
                            r,
                            c.value,
                            if *b { "是" } else { "否" },
                            value_format,
                        )?;
                    }
                    (Some(x), _) => {
                        let x = x.checked_div(factor).unwrap_or(x);
                        ws.write_number_with_format(r, c.value, to_f64(x), value_format)?;
                    }
                    (None, _) => {
                        ws.write_blank(r, c.value, value_format)?;
                    }
                }
                if let Some(v) = &v {
                    ws.add_data_validation(r, c.value, r, c.value, v)?;
                }
            }
            for (j, y) in c.years.iter().enumerate() {
                let col = c.first_year + u16::try_from(j).unwrap_or(0);
                let wanted = d.yearly && info.years.as_ref().is_none_or(|ys| ys.contains(y));
                if !wanted {
                    ws.write_blank(r, col, &f.not_fill)?;
                    continue;
                }
                let x = match given {
                    Some(InputValue::Series(s)) => s.get(y).copied(),
                    _ => None,
                };
                match x {
                    Some(x) => {
                        let x = x.checked_div(factor).unwrap_or(x);
                        ws.write_number_with_format(r, col, to_f64(x), value_format)?;
                    }
                    None => {
                        ws.write_blank(r, col, value_format)?;
                    }
                }
                if let Some(v) = &v {
                    ws.add_data_validation(r, col, r, col, v)?;
                }
            }
        }
        row = last + 1;
    }
    Ok(())
}

fn write_judgements(
    ws: &mut Worksheet,
    p: &Plan,
    f: &Formats,
    prefill: Option<&Submission>,
) -> Result<(), XlsxError> {
    ws.merge_range(
        0,
        0,
        0,
        8,
        &format!("{}评审结论（{} 年度）", p.title(), p.year),
        &f.title,
    )?;
    ws.set_row_height(0, 24)?;
    ws.merge_range(
        1,
        0,
        1,
        8,
        "每一行是一个评审项：在“是否达到”列选“是”或“否”；整项由专家评审的指标可在“评分”列填分数；\
         证明材料写材料名称，多个材料用分号或换行（Alt+Enter）隔开。未填写的评审项按“未提交”计 0 分。",
        &f.small,
    )?;
    ws.set_row_height(1, 30)?;
    let h = JUDGEMENT_HEADER_ROW;
    let heads = [
        "指标",
        KEY,
        "评审内容",
        "分值",
        MET,
        SCORE,
        EVIDENCE,
        NOTE,
        "责任单位",
    ];
    for (col, text) in heads.iter().enumerate() {
        ws.write_string_with_format(h, u16::try_from(col).unwrap_or(0), *text, &f.head)?;
    }
    for (col, width) in [
        (0u16, 26.0),
        (1, 7.0),
        (2, 56.0),
        (3, 6.0),
        (4, 10.0),
        (5, 8.0),
        (6, 36.0),
        (7, 30.0),
        (8, 18.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    ws.set_freeze_panes(h + 1, 2)?;
    let yes_no = DataValidation::new()
        .allow_list_strings(&["是", "否"])?
        .set_error_title("填写有误")?
        .set_error_message("请在下拉框中选“是”或“否”")?;
    let mut row = h + 1;
    let mut i = 0;
    while let Some(first) = p.judgements.get(i) {
        let same: Vec<_> = p
            .judgements
            .iter()
            .skip(i)
            .take_while(|j| j.slot.indicator == first.slot.indicator)
            .collect();
        let last = row + u32::try_from(same.len()).unwrap_or(1) - 1;
        let title = format!(
            "{} {}（{} 分）",
            first.slot.indicator,
            first.indicator,
            plain(first.indicator_points)
        );
        if last > row {
            ws.merge_range(row, 0, last, 0, &title, &f.label)?;
        } else {
            ws.write_string_with_format(row, 0, &title, &f.label)?;
        }
        for (k, j) in same.iter().enumerate() {
            let r = row + u32::try_from(k).unwrap_or(0);
            let given = prefill.and_then(|s| s.judgements.get(j.key));
            ws.write_string_with_format(r, 1, j.key, &f.key)?;
            let text = match j.slot.item {
                Some(_) => j.slot.text.clone(),
                None => format!(
                    "整项由专家评审（0 到 {} 分，填在“评分”列）",
                    plain(j.slot.max)
                ),
            };
            ws.write_string_with_format(r, 2, &text, &f.text)?;
            let n = lines(&text, 56.0, 1.0).max(if same.len() == 1 {
                lines(&title, 26.0, 1.1)
            } else {
                1.0
            });
            ws.set_row_height(r, 15.0 * n.min(8.0))?;
            ws.write_number_with_format(r, 3, to_f64(j.slot.max), &f.text)?;
            match given.and_then(|g| g.met) {
                Some(b) => {
                    ws.write_string_with_format(r, 4, if b { "是" } else { "否" }, &f.fill_text)?
                }
                None => ws.write_blank(r, 4, &f.fill_text)?,
            };
            ws.add_data_validation(r, 4, r, 4, &yes_no)?;
            if j.slot.item.is_none() {
                match given.and_then(|g| g.score) {
                    Some(s) => ws.write_number_with_format(r, 5, to_f64(s), &f.fill_number)?,
                    None => ws.write_blank(r, 5, &f.fill_number)?,
                };
                let v = DataValidation::new()
                    .allow_decimal_number(DataValidationRule::Between(0.0, to_f64(j.slot.max)))
                    .set_error_title("填写有误")?
                    .set_error_message(cut(
                        &format!("请填写 0 到 {} 之间的分数", plain(j.slot.max)),
                        255,
                    ))?;
                ws.add_data_validation(r, 5, r, 5, &v)?;
            } else {
                ws.write_blank(r, 5, &f.not_fill)?;
            }
            let evidence = given.map(|g| g.evidence.join("\n")).unwrap_or_default();
            ws.write_string_with_format(r, 6, &evidence, &f.fill_text)?;
            let note = given.and_then(|g| g.note.clone()).unwrap_or_default();
            ws.write_string_with_format(r, 7, &note, &f.fill_text)?;
            ws.write_string_with_format(r, 8, j.owners.join("、"), &f.small)?;
        }
        row = last + 1;
        i += same.len();
    }
    Ok(())
}

fn write_help(ws: &mut Worksheet, p: &Plan, f: &Formats) -> Result<(), XlsxError> {
    ws.set_column_width(0, 110.0)?;
    let lines: Vec<String> = vec![
        format!("{}申报模板（{} 年度）", p.title(), p.year),
        format!("由 zhibiao template 根据规则文件 {} 生成。规则修订后请重新生成模板，不要沿用旧模板。", p.rules.file),
        String::new(),
        "怎么填".into(),
        format!("1. 在“{DATA_SHEET}”工作表顶部填写地区名称；评估年度和规则版本已经填好，不要改动。"),
        "2. 每一行是一项数据：“填写项”是它的名称，“键”是程序识别它的名字（灰色小字，不要改动）。黄色格子填写，灰色格子不填。".into(),
        "3. 只有一个数值的项填在“数值”列；按年填写的项填在对应年份的列中（只填黄色的年份）。".into(),
        "4. 百分比输入带百分号的数，如 96.5%，输完核对格子显示的是 96.5%；也可以输入小数 0.965。".into(),
        "5. 金额按“单位”列的单位填写，如单位为万元、金额为 3 亿元时填 30000。计数填整数。".into(),
        "6. “每项一行”的列表（如每家经营者的销售额）：每行填一项；不够时在中间插入行，并把“键”照抄到新行。".into(),
        "7. 没有的数据留空，评估报告会列为“缺少数据”；不要填 0 代替“没有数据”。".into(),
        format!("8. 在“{JUDGEMENT_SHEET}”工作表中，每一行是一个评审项：在“{MET}”列选“是”或“否”；整项由专家评审的指标在“{SCORE}”列填分数；“{EVIDENCE}”写材料名称，多个用分号或换行隔开。"),
        "9. 可以插入空行、调整列宽、增加批注；不要改工作表名称和表头文字，不要删除“键”列。".into(),
        String::new(),
        "检查和计分".into(),
        "zhibiao eval 本文件.xlsx —— 检查填写内容并计分。填写有误时，提示会指出工作表和格子（如 数据!E14）以及怎么改。".into(),
        if p.province_inputs > 0 {
            super::PROVINCE_NOTE.into()
        } else {
            String::new()
        },
        String::new(),
        "说明：本模板由规则文件自动生成；每一项的填写说明、用于哪些指标、责任单位，都来自规则文件。".into(),
    ];
    for (i, line) in lines.iter().enumerate() {
        let r = u32::try_from(i).unwrap_or(0);
        let fmt = if i == 0 || line == "怎么填" || line == "检查和计分" {
            &f.label
        } else {
            &f.text
        };
        if line.is_empty() {
            continue;
        }
        ws.write_string_with_format(r, 0, line, fmt)?;
    }
    Ok(())
}
