//! Many districts at once: the ranking table of a batch evaluation, as text, CSV, JSON or XLSX.
//!
//! The command line reads the submissions and scores them in parallel; this module only turns
//! the results into a table. Districts are ranked by total score (ties share a rank and are
//! listed by name); each row has every category's rate, the verdict and the main shortfall (the
//! pass conditions not met and the indicators that lost the most points). Submissions that
//! could not be evaluated are listed after the ranked ones with their first problem.

use crate::diag::Diagnostic;
use crate::eval::plan::{Miss, Scores};
use crate::eval::{self, Evaluation, ItemState, Status, Verdict};
use crate::model::RuleSet;
use crate::number::plain;
use crate::submission::Submission;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};

/// One ranked district.
#[derive(Debug, Clone, PartialEq)]
pub struct RankRow {
    /// 1 for the highest total; equal totals share a rank.
    pub rank: usize,
    /// The district (the file's name when the submission names none).
    pub region: String,
    /// Where it came from: a file, or a table's row.
    pub source: String,
    /// Total score.
    pub total: Decimal,
    /// The most there is.
    pub max: Decimal,
    /// Each category's score and rate (a fraction), in rule-file order.
    pub categories: Vec<(Decimal, Option<Decimal>)>,
    /// Whether it passes.
    pub passed: bool,
    /// Passed, failed, or no verdict (an indicator the rules could not score).
    pub verdict: Verdict,
    /// The pass conditions not met and the largest losses, in a few words.
    pub shortfall: String,
    /// How many inputs are missing.
    pub missing: usize,
    /// How many judgements were not submitted.
    pub not_submitted: usize,
}

/// A submission that could not be evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedRow {
    /// Where it came from.
    pub source: String,
    /// Its problems (errors first).
    pub problems: Vec<Diagnostic>,
}

/// The ranking table of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// The rule set's id and version, for headers.
    pub ruleset: String,
    /// Category names, in rule-file order.
    pub categories: Vec<String>,
    /// Ranked districts.
    pub rows: Vec<RankRow>,
    /// Submissions that could not be evaluated, in input order.
    pub failed: Vec<FailedRow>,
}

/// How many of the largest losses the shortfall names.
const LOSSES_SHOWN: usize = 2;

/// The district a row names: the submission's region, else where it came from.
fn region_of(source: &str, sub: &Submission) -> String {
    sub.region
        .clone()
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| source.to_string())
}

/// One scored submission's row (its rank is set by [`ranking`]). `source` is where it came
/// from; it names the district when the submission names none.
pub fn row(source: &str, sub: &Submission, ev: &Evaluation) -> RankRow {
    let losses = ev
        .indicators
        .iter()
        .map(|i| {
            (
                i.points.saturating_sub(i.score),
                i.no,
                i.name.as_str(),
                i.status,
            )
        })
        .collect();
    RankRow {
        rank: 0,
        region: region_of(source, sub),
        source: source.to_string(),
        total: ev.total,
        max: ev.max,
        categories: ev.categories.iter().map(|c| (c.score, c.rate)).collect(),
        passed: ev.passed,
        verdict: ev.verdict,
        shortfall: shortfall(
            &ev.conditions
                .iter()
                .filter(|c| !c.held)
                .map(|c| {
                    (
                        c.text.as_str(),
                        c.failing.iter().map(String::as_str).collect(),
                    )
                })
                .collect::<Vec<_>>(),
            losses,
        ),
        missing: ev.missing().len(),
        not_submitted: ev.not_submitted().len(),
    }
}

/// The same row as [`row`] gives for the evaluation, from the compiled scorer's result
/// ([`crate::eval::plan::Scores`]): what big batches use, without building an evaluation.
pub fn row_of_scores(rules: &RuleSet, source: &str, sub: &Submission, scores: &Scores) -> RankRow {
    let losses = rules
        .indicators()
        .zip(&scores.indicators)
        .map(|((_, ind), r)| {
            (
                ind.points.value.saturating_sub(r.score),
                ind.no.value,
                ind.name.value.as_str(),
                r.status,
            )
        })
        .collect();
    let failed = rules.plan().failed_conditions(scores);
    let mut missing: Vec<Miss> = Vec::new();
    for m in scores.indicators.iter().flat_map(|i| &i.missing) {
        if !missing.contains(m) {
            missing.push(*m);
        }
    }
    RankRow {
        rank: 0,
        region: region_of(source, sub),
        source: source.to_string(),
        total: scores.total,
        max: eval::max_points(rules),
        categories: scores
            .categories
            .iter()
            .map(|c| (c.score, eval::rate_of(c.score, c.rate_basis)))
            .collect(),
        passed: scores.passed,
        verdict: scores.verdict,
        shortfall: shortfall(&failed, losses),
        missing: missing.len(),
        not_submitted: scores
            .items
            .iter()
            .filter(|i| i.state == ItemState::NotSubmitted)
            .count(),
    }
}

/// Ranks the rows of scored submissions (from [`row`]) and lists the failed ones.
pub fn ranking(rules: &RuleSet, mut rows: Vec<RankRow>, failed: Vec<FailedRow>) -> Ranking {
    rows.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then_with(|| a.region.cmp(&b.region))
            .then_with(|| a.source.cmp(&b.source))
    });
    let mut prev: Option<(Decimal, usize)> = None;
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = match prev {
            Some((t, rank)) if t == r.total => rank,
            _ => i + 1,
        };
        prev = Some((r.total, r.rank));
    }
    let ruleset = match rules.version() {
        "" => rules.id().to_string(),
        v => format!("{} {v}", rules.id()),
    };
    Ranking {
        ruleset,
        categories: rules
            .categories
            .iter()
            .map(|c| c.name.value.clone())
            .collect(),
        rows,
        failed,
    }
}

/// The pass conditions not met, then the indicators that lost the most points.
/// `failed`: each pass condition not met, as worded, with the categories that fail it.
fn shortfall(failed: &[(&str, Vec<&str>)], losses: Vec<(Decimal, u32, &str, Status)>) -> String {
    let mut parts: Vec<String> = failed
        .iter()
        .map(|(text, failing)| {
            if failing.is_empty() {
                format!("未达 {text}")
            } else {
                format!("未达 {text}（{}）", failing.join("、"))
            }
        })
        .collect();
    let mut losses: Vec<(Decimal, u32, &str, Status)> = losses
        .into_iter()
        .filter(|(lost, ..)| *lost > Decimal::ZERO)
        .collect();
    losses.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let shown: Vec<String> = losses
        .iter()
        .take(LOSSES_SHOWN)
        .map(|(lost, no, name, status)| {
            let why = match status {
                Status::Missing => "，缺数据",
                Status::Error => "，规则无法计算",
                Status::Scored => "",
            };
            let short: String = if name.chars().count() > 14 {
                format!("{}…", name.chars().take(14).collect::<String>())
            } else {
                name.to_string()
            };
            format!("{no} {short} −{}{why}", plain(*lost))
        })
        .collect();
    if !shown.is_empty() {
        parts.push(format!("失分最多：{}", shown.join("；")));
    }
    if parts.is_empty() {
        "无失分".into()
    } else {
        parts.join("；")
    }
}

/// A rate as a percent with at most two decimals: `82.5%`.
pub fn percent(rate: Option<Decimal>) -> String {
    match rate.and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED)) {
        Some(p) => format!(
            "{}%",
            plain(p.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
        ),
        None => "—".into(),
    }
}

/// The first error of a failed submission, in one line.
fn first_problem(f: &FailedRow) -> String {
    let errors = f.problems.iter().filter(|d| d.is_error()).count();
    match f.problems.iter().find(|d| d.is_error()) {
        Some(d) if errors > 1 => format!("{}（共 {errors} 处错误）", d.message),
        Some(d) => d.message.clone(),
        None => "无法评估".into(),
    }
}

impl Ranking {
    fn header(&self) -> Vec<String> {
        let mut h: Vec<String> = ["排名", "地区", "总分"].map(String::from).to_vec();
        h.extend(self.categories.iter().map(|c| format!("{c}得分率")));
        h.extend(["结论", "主要失分"].map(String::from));
        h
    }

    /// The ranking as a text table, followed by the submissions that could not be evaluated.
    pub fn to_text(&self) -> String {
        use comfy_table::{CellAlignment, ContentArrangement, Table, presets};
        let mut t = Table::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(self.header());
        for r in &self.rows {
            let mut cells = vec![r.rank.to_string(), r.region.clone(), plain(r.total)];
            cells.extend(r.categories.iter().map(|(_, rate)| percent(*rate)));
            cells.push(crate::report::verdict_word(r.verdict).into());
            cells.push(r.shortfall.clone());
            t.add_row(cells);
        }
        for i in 2..3 + self.categories.len() {
            if let Some(col) = t.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
        let count = |v: Verdict| self.rows.iter().filter(|r| r.verdict == v).count();
        let mut out = format!(
            "批量评估（{}）：{} 份已评估，其中 {} 份合格、{} 份不合格",
            self.ruleset,
            self.rows.len(),
            count(Verdict::Passed),
            count(Verdict::Failed)
        );
        let undetermined = count(Verdict::Undetermined);
        if undetermined > 0 {
            out.push_str(&format!(
                "、{undetermined} 份无法判定（规则无法为其中的指标计分，请先运行 zhibiao lint 修正规则）"
            ));
        }
        if !self.failed.is_empty() {
            out.push_str(&format!("；{} 份无法评估", self.failed.len()));
        }
        out.push_str("。\n");
        if !self.rows.is_empty() {
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.failed.is_empty() {
            out.push_str("\n无法评估（详细原因见错误输出）：\n");
            for f in &self.failed {
                out.push_str(&format!("  - {}：{}\n", f.source, first_problem(f)));
            }
        }
        out
    }

    /// The ranking as CSV (UTF-8 with a byte order mark, so Excel shows the Chinese right).
    pub fn to_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let mut head = vec![
            "排名".to_string(),
            "地区".into(),
            "来源".into(),
            "总分".into(),
            "满分".into(),
        ];
        head.extend(self.categories.iter().map(|c| format!("{c}得分率")));
        head.extend(["结论", "缺少数据项", "未提交评审项", "主要失分"].map(String::from));
        let _ = w.write_record(&head);
        for r in &self.rows {
            let mut rec = vec![
                r.rank.to_string(),
                r.region.clone(),
                r.source.clone(),
                plain(r.total),
                plain(r.max),
            ];
            rec.extend(r.categories.iter().map(|(_, rate)| percent(*rate)));
            rec.extend([
                crate::report::verdict_word(r.verdict).to_string(),
                r.missing.to_string(),
                r.not_submitted.to_string(),
                r.shortfall.clone(),
            ]);
            let _ = w.write_record(&rec);
        }
        for f in &self.failed {
            let mut rec = vec![
                String::new(),
                String::new(),
                f.source.clone(),
                String::new(),
                String::new(),
            ];
            rec.extend(self.categories.iter().map(|_| String::new()));
            rec.extend([
                "无法评估".to_string(),
                String::new(),
                String::new(),
                first_problem(f),
            ]);
            let _ = w.write_record(&rec);
        }
        let body = w
            .into_inner()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        format!("\u{feff}{body}")
    }

    /// The ranking as JSON: scores and rates as exact decimal strings.
    pub fn to_json(&self) -> Value {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                json!({
                    "rank": r.rank,
                    "region": r.region,
                    "source": r.source,
                    "total": plain(r.total),
                    "max": plain(r.max),
                    "passed": r.passed,
                    "verdict": r.verdict,
                    "categories": self.categories.iter().zip(&r.categories).map(|(name, (score, rate))| json!({
                        "name": name,
                        "score": plain(*score),
                        "rate": rate.map(plain),
                    })).collect::<Vec<_>>(),
                    "missing": r.missing,
                    "not_submitted": r.not_submitted,
                    "shortfall": r.shortfall,
                })
            })
            .collect();
        let failed: Vec<Value> = self
            .failed
            .iter()
            .map(|f| {
                json!({
                    "source": f.source,
                    "problems": f.problems.iter().map(|d| json!({
                        "code": d.code,
                        "severity": d.severity,
                        "message": d.message,
                        "file": d.file.as_deref(),
                        "help": d.help,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "ruleset": self.ruleset,
            "evaluated": self.rows.len(),
            "passed": self.rows.iter().filter(|r| r.passed).count(),
            "undetermined": self.rows.iter().filter(|r| r.verdict == Verdict::Undetermined).count(),
            "failed_count": self.failed.len(),
            "rows": rows,
            "failed": failed,
        })
    }

    /// The ranking as an XLSX workbook: a 「排名」 sheet and, if any, a 「无法评估」 sheet.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, String> {
        self.xlsx().map_err(|e| format!("无法生成 XLSX：{e}"))
    }

    fn xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        use rust_decimal::prelude::ToPrimitive;
        use rust_xlsxwriter::{
            Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook,
        };
        let mut wb = Workbook::new();
        wb.set_properties(
            &DocProperties::new()
                .set_title(format!("批量评估排名（{}）", self.ruleset))
                .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
        );
        let head = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border(FormatBorder::Thin);
        let pct = Format::new().set_num_format("0.00%");
        let ws = wb.add_worksheet();
        ws.set_name("排名")?;
        let mut h = vec![
            "排名".to_string(),
            "地区".into(),
            "来源".into(),
            "总分".into(),
            "满分".into(),
        ];
        h.extend(self.categories.iter().map(|c| format!("{c}得分率")));
        h.extend(["结论", "缺少数据项", "未提交评审项", "主要失分"].map(String::from));
        for (c, text) in h.iter().enumerate() {
            ws.write_string_with_format(0, u16::try_from(c).unwrap_or(0), text, &head)?;
        }
        let f64_of = |d: Decimal| d.to_f64().unwrap_or(0.0);
        for (i, r) in self.rows.iter().enumerate() {
            let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
            ws.write_number(row, 0, u32::try_from(r.rank).unwrap_or(0))?;
            ws.write_string(row, 1, &r.region)?;
            ws.write_string(row, 2, &r.source)?;
            ws.write_number(row, 3, f64_of(r.total))?;
            ws.write_number(row, 4, f64_of(r.max))?;
            let mut col = 5u16;
            for (_, rate) in &r.categories {
                match rate {
                    Some(x) => ws.write_number_with_format(row, col, f64_of(*x), &pct)?,
                    None => ws.write_string(row, col, "—")?,
                };
                col += 1;
            }
            ws.write_string(row, col, crate::report::verdict_word(r.verdict))?;
            ws.write_number(row, col + 1, u32::try_from(r.missing).unwrap_or(0))?;
            ws.write_number(row, col + 2, u32::try_from(r.not_submitted).unwrap_or(0))?;
            ws.write_string(row, col + 3, &r.shortfall)?;
        }
        ws.set_freeze_panes(1, 2)?;
        ws.set_column_width(1, 24)?;
        ws.set_column_width(2, 30)?;
        let last = u16::try_from(h.len()).unwrap_or(1) - 1;
        ws.set_column_width(last, 80)?;
        if !self.failed.is_empty() {
            let ws = wb.add_worksheet();
            ws.set_name("无法评估")?;
            ws.write_string_with_format(0, 0, "来源", &head)?;
            ws.write_string_with_format(0, 1, "问题", &head)?;
            ws.write_string_with_format(0, 2, "怎么改", &head)?;
            let mut row = 1u32;
            for f in &self.failed {
                for d in f.problems.iter().filter(|d| d.is_error()) {
                    ws.write_string(row, 0, &f.source)?;
                    ws.write_string(row, 1, &d.message)?;
                    ws.write_string(row, 2, d.help.as_deref().unwrap_or(""))?;
                    row += 1;
                }
            }
            ws.set_column_width(0, 30)?;
            ws.set_column_width(1, 70)?;
            ws.set_column_width(2, 60)?;
        }
        wb.save_to_buffer()
    }
}
