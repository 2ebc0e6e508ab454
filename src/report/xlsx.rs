//! The report as an Excel workbook for people who work in Excel: 汇总 (summary), 指标 (one row
//! per indicator), 差距 (the gap analysis) and 证据 (the evidence checklist).
//!
//! Scores and points are written as numbers so they can be summed and filtered; a cell holds a
//! binary floating-point number by nature, so each value is also exact in the report's JSON and
//! text. Every value written here has at most a few decimal places and reads back as the same
//! decimal (the workbook test checks it). The workbook's creation time is fixed (the rule set's
//! effective date, else 2000-01-01), so the same evaluation gives the same bytes.

use super::Context;
use super::view::{build, status_word};
use crate::eval::Evaluation;
use crate::number::plain;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

/// Why a workbook could not be built.
#[derive(Debug)]
pub struct XlsxFailure(String);

impl std::fmt::Display for XlsxFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<XlsxError> for XlsxFailure {
    fn from(e: XlsxError) -> Self {
        XlsxFailure(e.to_string())
    }
}

struct Styles {
    title: Format,
    head: Format,
    wrap: Format,
    num: Format,
    pct: Format,
    bad: Format,
    good: Format,
}

fn styles() -> Styles {
    Styles {
        title: Format::new().set_bold().set_font_size(14),
        head: Format::new()
            .set_bold()
            .set_background_color("F2F2F2")
            .set_border(rust_xlsxwriter::FormatBorder::Thin)
            .set_text_wrap(),
        wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        num: Format::new()
            .set_num_format("0.####")
            .set_align(FormatAlign::Top),
        pct: Format::new()
            .set_num_format("0.00%")
            .set_align(FormatAlign::Top),
        bad: Format::new().set_font_color("C62828").set_bold(),
        good: Format::new().set_font_color("2E7D32").set_bold(),
    }
}

fn header(ws: &mut Worksheet, row: u32, s: &Styles, cols: &[(&str, f64)]) -> Result<(), XlsxError> {
    for (i, (name, width)) in cols.iter().enumerate() {
        let c = u16::try_from(i).unwrap_or(u16::MAX);
        ws.write_string_with_format(row, c, *name, &s.head)?;
        ws.set_column_width(c, *width)?;
    }
    Ok(())
}

fn text(ws: &mut Worksheet, row: u32, col: u16, v: &str, s: &Styles) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, col, v, &s.wrap)?;
    Ok(())
}

fn num(ws: &mut Worksheet, row: u32, col: u16, v: Decimal, s: &Styles) -> Result<(), XlsxError> {
    ws.write_with_format(row, col, v, &s.num)?;
    Ok(())
}

fn creation_time(ctx: &Context) -> Result<ExcelDateTime, XlsxError> {
    let parsed = ctx
        .rules
        .header
        .effective
        .as_ref()
        .and_then(|e| {
            let mut parts = e.value.split('-').map(|p| p.parse::<u16>().ok());
            match (parts.next(), parts.next(), parts.next()) {
                (Some(Some(y)), Some(Some(m)), Some(Some(d))) => Some((y, m, d)),
                _ => None,
            }
        })
        .and_then(|(y, m, d)| {
            ExcelDateTime::from_ymd(y, u8::try_from(m).ok()?, u8::try_from(d).ok()?).ok()
        });
    match parsed {
        Some(t) => Ok(t),
        None => ExcelDateTime::from_ymd(2000, 1, 1),
    }
}

/// The workbook's bytes.
pub fn to_xlsx(ctx: &Context, eval: &Evaluation) -> Result<Vec<u8>, XlsxFailure> {
    let (view, summary) = build(ctx, eval);
    let s = styles();
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_title(format!("{} 评估报告", view.title))
        .set_subject(format!("{} {} 年度", view.region, view.year))
        .set_comment(view.tool)
        .set_creation_datetime(&creation_time(ctx)?);
    wb.set_properties(&props);

    // 汇总
    {
        let ws = wb.add_worksheet();
        ws.set_name("汇总")?;
        ws.write_string_with_format(0, 0, format!("{}　评估报告", view.title), &s.title)?;
        let meta: [(&str, String); 7] = [
            (
                "规则",
                format!(
                    "{} {} 版（{}）",
                    view.ruleset_id, view.version, view.rules_file
                ),
            ),
            ("申报地区", view.region.clone()),
            ("评估年度", view.year.to_string()),
            ("申报文件", view.submission_file.clone()),
            (
                "全省参照数据",
                view.reference
                    .clone()
                    .unwrap_or_else(|| "（未提供）".into()),
            ),
            (
                "结论",
                std::iter::once(view.verdict.to_string())
                    .chain(view.faults.iter().cloned())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            (
                "规则摘要 / 申报摘要",
                format!("{} / {}", view.rules_digest, view.submission_digest),
            ),
        ];
        let mut row = 2u32;
        for (k, v) in &meta {
            ws.write_string_with_format(row, 0, *k, &s.head)?;
            if *k == "结论" {
                ws.write_string_with_format(row, 1, v, if eval.passed { &s.good } else { &s.bad })?;
            } else {
                text(ws, row, 1, v, &s)?;
            }
            row += 1;
        }
        ws.write_string_with_format(row, 0, "总分", &s.head)?;
        num(ws, row, 1, eval.total, &s)?;
        row += 1;
        ws.write_string_with_format(row, 0, "满分", &s.head)?;
        num(ws, row, 1, eval.max, &s)?;
        row += 2;
        header(
            ws,
            row,
            &s,
            &[
                ("合格条件", 22.0),
                ("实际情况", 46.0),
                ("是否满足", 12.0),
                ("未达到", 12.0),
                ("", 12.0),
                ("", 12.0),
                ("", 12.0),
            ],
        )?;
        row += 1;
        for c in &view.conditions {
            text(ws, row, 0, &c.text, &s)?;
            text(ws, row, 1, &c.detail, &s)?;
            ws.write_string_with_format(
                row,
                2,
                if c.held { "满足" } else { "不满足" },
                if c.held { &s.good } else { &s.bad },
            )?;
            text(ws, row, 3, &c.failing, &s)?;
            row += 1;
        }
        row += 1;
        for (i, h) in [
            "一级指标",
            "得分",
            "分值",
            "得分率",
            "要求得分",
            "差距",
            "是否达标",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string_with_format(row, u16::try_from(i).unwrap_or(0), *h, &s.head)?;
        }
        row += 1;
        for (c, g) in eval.categories.iter().zip(&view.gaps.categories) {
            text(ws, row, 0, &c.name, &s)?;
            num(ws, row, 1, c.score, &s)?;
            num(ws, row, 2, c.points, &s)?;
            if let Some(r) = c.rate {
                ws.write_with_format(row, 3, r, &s.pct)?;
            }
            if let Some(req) = g.required {
                num(ws, row, 4, req, &s)?;
            }
            num(ws, row, 5, g.shortfall, &s)?;
            let ok = c.passed != Some(false);
            ws.write_string_with_format(
                row,
                6,
                match c.passed {
                    Some(true) => "达标",
                    Some(false) => "未达标",
                    None => "—",
                },
                if ok { &s.good } else { &s.bad },
            )?;
            row += 1;
        }
        ws.set_column_width(0, 22.0)?;
        ws.set_column_width(1, 46.0)?;
        ws.set_landscape();
        ws.set_paper_size(9);
    }

    // 指标
    {
        let ws = wb.add_worksheet();
        ws.set_name("指标")?;
        header(
            ws,
            0,
            &s,
            &[
                ("编号", 6.0),
                ("指标", 30.0),
                ("一级指标", 10.0),
                ("二级指标", 10.0),
                ("性质", 9.0),
                ("分值", 7.0),
                ("得分", 7.0),
                ("失分", 7.0),
                ("状态", 9.0),
                ("责任单位", 18.0),
                ("计分说明", 80.0),
            ],
        )?;
        for (i, r) in eval.indicators.iter().enumerate() {
            let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
            ws.write_number(row, 0, f64::from(r.no))?;
            text(ws, row, 1, &r.name, &s)?;
            text(ws, row, 2, &r.category, &s)?;
            text(ws, row, 3, r.group.as_deref().unwrap_or(""), &s)?;
            text(ws, row, 4, r.nature.as_deref().unwrap_or(""), &s)?;
            num(ws, row, 5, r.points, &s)?;
            num(ws, row, 6, r.score, &s)?;
            num(ws, row, 7, r.points - r.score, &s)?;
            text(ws, row, 8, status_word(r.status), &s)?;
            text(ws, row, 9, &r.owners.join("、"), &s)?;
            text(ws, row, 10, &r.explanation().join("\n"), &s)?;
        }
        ws.set_freeze_panes(1, 2)?;
        ws.autofilter(0, 0, u32::try_from(eval.indicators.len()).unwrap_or(0), 10)?;
        ws.set_landscape();
        ws.set_paper_size(9);
    }

    // 差距
    {
        let ws = wb.add_worksheet();
        ws.set_name("差距")?;
        let g = &view.gaps;
        let mut row = 0u32;
        ws.write_string_with_format(row, 0, "合格条件的差距", &s.title)?;
        row += 1;
        header(
            ws,
            row,
            &s,
            &[
                ("合格条件", 24.0),
                ("是否满足", 10.0),
                ("差距（分）", 10.0),
                ("说明", 90.0),
            ],
        )?;
        row += 1;
        for c in &g.conditions {
            text(ws, row, 0, &c.text, &s)?;
            ws.write_string_with_format(
                row,
                1,
                if c.held { "满足" } else { "不满足" },
                if c.held { &s.good } else { &s.bad },
            )?;
            num(ws, row, 2, c.shortfall, &s)?;
            text(ws, row, 3, &c.lines.join("\n"), &s)?;
            row += 1;
        }
        if let Some(p) = &g.plan {
            row += 1;
            ws.write_string_with_format(
                row,
                0,
                view.plan_heading.clone().unwrap_or_default(),
                &s.title,
            )?;
            row += 1;
            for (h, c) in ["序号", "指标", "可得分", "改变"].iter().zip(0u16..) {
                ws.write_string_with_format(row, c, *h, &s.head)?;
            }
            row += 1;
            for (i, c) in p.changes.iter().enumerate() {
                ws.write_number(row, 0, f64::from(u32::try_from(i + 1).unwrap_or(0)))?;
                ws.write_number(row, 1, f64::from(c.indicator))?;
                num(ws, row, 2, c.gain, &s)?;
                text(ws, row, 3, &c.text, &s)?;
                row += 1;
            }
            for f in &p.still_failing {
                text(ws, row, 3, &format!("仍未满足：{f}"), &s)?;
                row += 1;
            }
        }
        row += 1;
        ws.write_string_with_format(row, 0, "再得分需要什么（每次只改变一项数据）", &s.title)?;
        row += 1;
        for (h, c) in [
            "指标",
            "指标名称",
            "得分/分值",
            "数据项",
            "年份或项",
            "现值",
            "需达到",
            "可再得分",
            "总分变化",
            "说明",
        ]
        .iter()
        .zip(0u16..)
        {
            ws.write_string_with_format(row, c, *h, &s.head)?;
        }
        row += 1;
        for n in &g.next_points {
            let score = format!("{}/{}", plain(n.score), plain(n.points));
            if n.suggestions.is_empty() {
                ws.write_number(row, 0, f64::from(n.no))?;
                text(ws, row, 1, &n.name, &s)?;
                text(ws, row, 2, &score, &s)?;
                text(
                    ws,
                    row,
                    9,
                    n.none.as_deref().or(n.unsearched.as_deref()).unwrap_or(""),
                    &s,
                )?;
                row += 1;
            }
            for sg in &n.suggestions {
                ws.write_number(row, 0, f64::from(n.no))?;
                text(ws, row, 1, &n.name, &s)?;
                text(ws, row, 2, &score, &s)?;
                text(ws, row, 3, &sg.label, &s)?;
                let at = match (sg.year, sg.entry, sg.append) {
                    (Some(y), _, _) => format!("{y}年"),
                    (_, Some(e), _) => format!("第 {e} 项"),
                    (_, _, true) => "新增 1 项".into(),
                    _ => String::new(),
                };
                text(ws, row, 4, &at, &s)?;
                text(ws, row, 5, sg.from_text.as_deref().unwrap_or(""), &s)?;
                text(ws, row, 6, &sg.to_text, &s)?;
                num(ws, row, 7, sg.gain, &s)?;
                num(ws, row, 8, sg.total_gain, &s)?;
                text(ws, row, 9, &sg.text, &s)?;
                row += 1;
            }
            if let (false, Some(left)) = (n.suggestions.is_empty(), &n.unsearched) {
                ws.write_number(row, 0, f64::from(n.no))?;
                text(ws, row, 1, &n.name, &s)?;
                text(ws, row, 2, &score, &s)?;
                text(ws, row, 9, left, &s)?;
                row += 1;
            }
        }
        row += 1;
        ws.write_string_with_format(row, 0, "按指标的失分", &s.title)?;
        row += 1;
        for (h, c) in [
            "指标",
            "指标名称",
            "得分",
            "分值",
            "失分",
            "原因",
            "责任单位",
        ]
        .iter()
        .zip(0u16..)
        {
            ws.write_string_with_format(row, c, *h, &s.head)?;
        }
        row += 1;
        for l in &g.by_indicator {
            ws.write_number(row, 0, f64::from(l.no))?;
            text(ws, row, 1, &l.name, &s)?;
            num(ws, row, 2, l.score, &s)?;
            num(ws, row, 3, l.points, &s)?;
            num(ws, row, 4, l.lost, &s)?;
            text(ws, row, 5, &l.reason, &s)?;
            text(ws, row, 6, &l.owners.join("、"), &s)?;
            row += 1;
        }
        row += 1;
        ws.write_string_with_format(row, 0, "按责任单位的失分", &s.title)?;
        row += 1;
        for (h, c) in ["责任单位", "失分", "指标"].iter().zip(0u16..) {
            ws.write_string_with_format(row, c, *h, &s.head)?;
        }
        row += 1;
        for o in &g.by_owner {
            text(ws, row, 0, &o.owner, &s)?;
            num(ws, row, 1, o.lost, &s)?;
            text(ws, row, 2, &o.indicators.join("、"), &s)?;
            row += 1;
        }
        for (c, w) in [
            (0u16, 24.0),
            (1, 30.0),
            (2, 10.0),
            (3, 20.0),
            (4, 10.0),
            (5, 14.0),
            (6, 14.0),
            (7, 9.0),
            (8, 9.0),
            (9, 70.0),
        ] {
            ws.set_column_width(c, w)?;
        }
        ws.set_landscape();
        ws.set_paper_size(9);
    }

    // 证据
    {
        let ws = wb.add_worksheet();
        ws.set_name("证据")?;
        ws.write_string_with_format(0, 0, super::sections::evidence_heading(&summary), &s.title)?;
        header(
            ws,
            1,
            &s,
            &[
                ("编号", 7.0),
                ("指标", 24.0),
                ("评审内容", 50.0),
                ("责任单位", 18.0),
                ("分值", 7.0),
                ("得分", 7.0),
                ("状态", 9.0),
                ("证据", 30.0),
                ("备注", 24.0),
                ("提示", 22.0),
            ],
        )?;
        for (i, e) in view.evidence.iter().enumerate() {
            let row = u32::try_from(i + 2).unwrap_or(u32::MAX);
            text(ws, row, 0, &e.key, &s)?;
            text(
                ws,
                row,
                1,
                &format!("{} {}", e.indicator, e.indicator_name),
                &s,
            )?;
            text(ws, row, 2, &e.text, &s)?;
            text(ws, row, 3, &e.owners, &s)?;
            let item = gap_item(eval, &e.key);
            num(ws, row, 4, item.map_or(Decimal::ZERO, |x| x.points), &s)?;
            num(ws, row, 5, item.map_or(Decimal::ZERO, |x| x.score), &s)?;
            ws.write_string_with_format(row, 6, e.state, if e.met { &s.good } else { &s.bad })?;
            text(ws, row, 7, &e.evidence, &s)?;
            text(ws, row, 8, &e.note, &s)?;
            if e.flag.is_empty() {
                text(ws, row, 9, "", &s)?;
            } else {
                ws.write_string_with_format(row, 9, &e.flag, &s.bad)?;
            }
        }
        ws.set_freeze_panes(2, 1)?;
        ws.autofilter(1, 0, u32::try_from(view.evidence.len() + 1).unwrap_or(1), 9)?;
        ws.set_landscape();
        ws.set_paper_size(9);
    }
    Ok(wb.save_to_buffer()?)
}

fn gap_item<'a>(eval: &'a Evaluation, key: &str) -> Option<&'a crate::eval::ItemResult> {
    eval.indicators
        .iter()
        .flat_map(|i| i.items.iter())
        .find(|it| it.key == key)
}
