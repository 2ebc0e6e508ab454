//! Many districts at once: the ranking table of a batch evaluation, as text, CSV, JSON or XLSX.
//!
//! The command line reads the submissions and scores them in parallel; this module only turns
//! the results into a table. Districts are ranked by total score (ties share a rank and are
//! listed by name); each row has every category's rate, the verdict and the main shortfall (the
//! pass conditions not met and the indicators that lost the most points). Submissions that
//! could not be evaluated are listed after the ranked ones with their first problem.

use crate::diag::Diagnostic;
use crate::eval::Program;
use crate::eval::plan::{Miss, Scores};
use crate::eval::{self, Evaluation, ItemState, Status, Verdict};
use crate::model::RuleSet;
use crate::number::plain;
use crate::submission::Submission;
use crate::text::{csv_cell, printable};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use std::sync::Arc;

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
    pub categories: Vec<CategoryRate>,
    /// Whether it passes.
    pub passed: bool,
    /// Passed, failed, or no verdict (an indicator the rules could not score).
    pub verdict: Verdict,
    /// The pass conditions not met, in rule-file order.
    pub unmet: Vec<Unmet>,
    /// The indicators that lost the most points (at most [`LOSSES_SHOWN`]), largest first.
    pub losses: Vec<Loss>,
    /// How many inputs are missing.
    pub missing: usize,
    /// How many judgements were not submitted.
    pub not_submitted: usize,
}

/// A category's score and rate in a ranking row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CategoryRate {
    /// The score.
    pub score: Decimal,
    /// The rate (a fraction), exact or to 10 decimal places; `None` when its basis is 0.
    pub rate: Option<Decimal>,
    /// Whether `rate` is exact.
    pub exact: bool,
}

/// A pass condition a district does not meet.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmet {
    /// The condition as the rules state it (shared by every row that misses it), worded
    /// `总分 ≥ 85` by [`crate::words::condition`].
    pub condition: Arc<crate::syntax::ast::PassCond>,
    /// For a condition on every category, the categories that fail it.
    pub failing: Vec<Arc<str>>,
}

/// Points an indicator lost.
#[derive(Debug, Clone, PartialEq)]
pub struct Loss {
    /// The indicator's number.
    pub no: u32,
    /// Its name (shared by every row that names it).
    pub name: Arc<str>,
    /// Points lost.
    pub lost: Decimal,
    /// Why: scored low, data missing, or the rules could not score it.
    pub status: Status,
}

impl RankRow {
    /// The pass conditions not met and the largest losses, in full (CSV, JSON, XLSX).
    pub fn shortfall(&self) -> String {
        self.worded(false)
    }

    /// The same in a few words, for the text table: conditions on every category name the
    /// categories only, losses name the indicators by number.
    pub fn brief(&self) -> String {
        self.worded(true)
    }

    /// The shortfall in full or in a few words.
    fn worded(&self, brief: bool) -> String {
        let mut parts: Vec<String> = self
            .unmet
            .iter()
            .map(|u| match (u.failing.is_empty(), brief) {
                (true, _) => format!("未达 {}", crate::words::condition(&u.condition)),
                (false, true) => format!("{}未达标", u.failing.join("、")),
                (false, false) => format!(
                    "未达 {}（{}）",
                    crate::words::condition(&u.condition),
                    u.failing.join("、")
                ),
            })
            .collect();
        let shown: Vec<String> = self
            .losses
            .iter()
            .map(|l| {
                let why = match l.status {
                    Status::Missing => "，缺数据",
                    Status::Error => "，规则无法计算",
                    Status::Scored => "",
                };
                if brief {
                    return format!("{} −{}{why}", l.no, plain(l.lost));
                }
                let short: String = if l.name.chars().count() > 14 {
                    format!("{}…", l.name.chars().take(14).collect::<String>())
                } else {
                    l.name.to_string()
                };
                format!("{} {short} −{}{why}", l.no, plain(l.lost))
            })
            .collect();
        if !shown.is_empty() {
            let lead = if brief {
                "失分最多：指标 "
            } else {
                "失分最多："
            };
            parts.push(format!("{lead}{}", shown.join("；")));
        }
        if parts.is_empty() {
            "无失分".into()
        } else {
            parts.join("；")
        }
    }
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

/// The width of the text ranking: a 120-column console (Windows' default is 120).
const TEXT_WIDTH: u16 = 120;

/// A count in the text table: blank for none, so that what needs doing stands out.
fn count_cell(n: usize) -> String {
    if n == 0 { String::new() } else { n.to_string() }
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
        categories: ev
            .categories
            .iter()
            .map(|c| CategoryRate {
                score: c.score,
                rate: c.rate,
                exact: c.rate_exact,
            })
            .collect(),
        passed: ev.passed,
        verdict: ev.verdict,
        unmet: ev
            .conditions
            .iter()
            .filter(|c| !c.held)
            .map(|c| Unmet {
                condition: Arc::new(c.condition.clone()),
                failing: c.failing.iter().map(|f| Arc::from(f.as_str())).collect(),
            })
            .collect(),
        losses: largest(losses, Arc::from),
        missing: ev.missing().len(),
        not_submitted: ev.not_submitted().len(),
    }
}

/// The same row as [`row`] gives for the evaluation, from the compiled scorer's result
/// ([`crate::eval::plan::Scores`]): what big batches use, without building an evaluation.
pub fn row_of_scores(rules: &Program, source: &str, sub: &Submission, scores: &Scores) -> RankRow {
    let plan = rules.plan();
    let losses = rules
        .indicators()
        .zip(&scores.indicators)
        .enumerate()
        .map(|(i, ((_, ind), r))| {
            (
                ind.points.value.saturating_sub(r.score),
                ind.no.value,
                i,
                r.status,
            )
        })
        .collect();
    let failed = plan.failed_conditions(scores);
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
            .map(|c| CategoryRate {
                score: c.score,
                rate: eval::rate_of(c.score, c.rate_basis),
                exact: eval::rate_is_exact(c.score, c.rate_basis),
            })
            .collect(),
        passed: scores.passed,
        verdict: scores.verdict,
        unmet: failed
            .into_iter()
            .map(|(condition, failing)| Unmet { condition, failing })
            .collect(),
        losses: largest(losses, |i| plan.indicator_name(i)),
        missing: missing.len(),
        not_submitted: scores
            .items
            .iter()
            .filter(|i| i.state == ItemState::NotSubmitted)
            .count(),
    }
}

/// How a ranking orders its districts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// By total score, highest first.
    #[default]
    Total,
    /// Passing districts first, then the others, each group by total score.
    PassingFirst,
}

/// Ranks the rows of scored submissions (from [`row`]) and lists the failed ones. Districts
/// with equal totals (and, passing first, the same verdict) share a rank and are listed by name.
pub fn ranking(
    rules: &RuleSet,
    mut rows: Vec<RankRow>,
    failed: Vec<FailedRow>,
    order: Order,
) -> Ranking {
    let group = |r: &RankRow| match order {
        Order::Total => 0,
        Order::PassingFirst => usize::from(!r.passed),
    };
    // A stable sort of the rows' positions, then the rows moved into that order: the same
    // order as a stable sort of the rows, without its scratch copy of half the rows (a million
    // rows need 4 MB of positions instead of some 90 MB).
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&i, &j| match (rows.get(i), rows.get(j)) {
        (Some(a), Some(b)) => group(a)
            .cmp(&group(b))
            .then_with(|| b.total.cmp(&a.total))
            .then_with(|| a.region.cmp(&b.region))
            .then_with(|| a.source.cmp(&b.source)),
        _ => std::cmp::Ordering::Equal,
    });
    permute(&mut rows, order);
    let mut prev: Option<(usize, Decimal, usize)> = None;
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = match prev {
            Some((g, t, rank)) if g == group(r) && t == r.total => rank,
            _ => i + 1,
        };
        prev = Some((group(r), r.total, r.rank));
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

/// Moves `v`'s items so that position `i` holds the item that was at `order[i]` (`order` is a
/// permutation of the positions), one cycle at a time, in place.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut at = start;
        while let Some(slot) = order.get_mut(at) {
            let from = std::mem::replace(slot, DONE);
            if from == DONE || from == start || from >= v.len() {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

/// The indicators that lost the most points, at most [`LOSSES_SHOWN`], largest first (ties by
/// number); `name` gives the name of the ones shown.
fn largest<N>(losses: Vec<(Decimal, u32, N, Status)>, name: impl Fn(N) -> Arc<str>) -> Vec<Loss> {
    let mut losses: Vec<(Decimal, u32, N, Status)> = losses
        .into_iter()
        .filter(|(lost, ..)| *lost > Decimal::ZERO)
        .collect();
    losses.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    losses.truncate(LOSSES_SHOWN);
    // A fresh vector of its own length: collecting in place would keep the buffer of every
    // indicator's loss (about 2 KB) in each of a ranking's rows.
    let mut out = Vec::with_capacity(losses.len());
    out.extend(losses.into_iter().map(|(lost, no, n, status)| Loss {
        no,
        name: name(n),
        lost,
        status,
    }));
    out
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
    /// The ranking as a text table, followed by the submissions that could not be evaluated.
    pub fn to_text(&self) -> String {
        use comfy_table::{CellAlignment, ContentArrangement, Table, presets};
        let table = |header: Vec<String>| {
            let mut t = Table::new();
            t.load_preset(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(TEXT_WIDTH)
                .set_header(header);
            t
        };
        // The ranking, with what each district lacks, in a few words. Each table is made,
        // drawn and dropped in turn, so a big ranking is held as cells once, not twice.
        let ranking = || {
            let mut t = table(
                [
                    "排名",
                    "地区",
                    "总分",
                    "结论",
                    "缺数据",
                    "未提交",
                    "主要问题",
                ]
                .map(String::from)
                .to_vec(),
            );
            for r in &self.rows {
                t.add_row(vec![
                    r.rank.to_string(),
                    r.region.clone(),
                    plain(r.total),
                    crate::report::verdict_word(r.verdict).into(),
                    count_cell(r.missing),
                    count_cell(r.not_submitted),
                    r.brief(),
                ]);
            }
            for i in [2, 4, 5] {
                if let Some(col) = t.column_mut(i) {
                    col.set_cell_alignment(CellAlignment::Right);
                }
            }
            t.to_string()
        };
        // Each category's rate, in a table of its own so that both fit a console.
        let rates = || {
            let mut header: Vec<String> = ["排名", "地区"].map(String::from).to_vec();
            header.extend(self.categories.iter().cloned());
            let mut rates = table(header);
            for r in &self.rows {
                let mut cells = vec![r.rank.to_string(), r.region.clone()];
                cells.extend(
                    r.categories
                        .iter()
                        .map(|c| crate::number::rate_text(c.rate, c.exact)),
                );
                rates.add_row(cells);
            }
            for i in 2..2 + self.categories.len() {
                if let Some(col) = rates.column_mut(i) {
                    col.set_cell_alignment(CellAlignment::Right);
                }
            }
            rates.to_string()
        };
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
        for (region, sources) in self.duplicate_regions() {
            out.push_str(&format!(
                "⚠ “{region}”出现在 {} 份申报中（{}）：请确认是否重复提交，或地区名称写错。\n",
                sources.len(),
                sources.join("、")
            ));
        }
        if !self.rows.is_empty() {
            out.push_str(&ranking());
            out.push_str("\n\n各一级指标得分率：\n");
            out.push_str(&rates());
            out.push_str(
                "\n（完整的失分说明和各项得分见 CSV 或 XLSX 排名表：--format csv，或 --format xlsx -o 排名.xlsx）\n",
            );
        }
        if !self.failed.is_empty() {
            out.push_str("\n无法评估（详细原因见错误输出）：\n");
            for f in &self.failed {
                out.push_str(&format!("  - {}：{}\n", f.source, first_problem(f)));
            }
        }
        // District names and sources are the submitters' text: no control character of theirs
        // reaches a terminal.
        match printable(&out) {
            std::borrow::Cow::Owned(clean) => clean,
            std::borrow::Cow::Borrowed(_) => out,
        }
    }

    /// Districts named by more than one ranked submission: the name and where each came from.
    pub fn duplicate_regions(&self) -> Vec<(String, Vec<String>)> {
        // Each region's rows by a map, in the order regions first appear: a linear search per
        // row made a million-row ranking quadratic (hours).
        let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let mut seen: Vec<(&str, Vec<&str>)> = Vec::new();
        for r in &self.rows {
            match first.get(r.region.as_str()).and_then(|&i| seen.get_mut(i)) {
                Some((_, sources)) => sources.push(&r.source),
                None => {
                    first.insert(&r.region, seen.len());
                    seen.push((&r.region, vec![&r.source]));
                }
            }
        }
        seen.into_iter()
            .filter(|(_, sources)| sources.len() > 1)
            .map(|(region, sources)| {
                (
                    region.to_string(),
                    sources.into_iter().map(str::to_string).collect(),
                )
            })
            .collect()
    }

    /// The ranking as CSV (UTF-8 with a byte order mark, so Excel shows the Chinese right).
    pub fn to_csv(&self) -> String {
        let mut out = Vec::new();
        // Writing to memory cannot fail, and every cell is text of ours, so it is UTF-8.
        let _ = self.write_csv(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// The same as [`Ranking::to_csv`], written as it is made: a big ranking is never held
    /// whole a second time (`zhibiao eval … --format csv` writes a million rows this way).
    pub fn write_csv<W: std::io::Write>(&self, mut out: W) -> std::io::Result<()> {
        out.write_all("\u{feff}".as_bytes())?;
        let mut w = csv::WriterBuilder::new().from_writer(out);
        let mut head = vec![
            "排名".to_string(),
            "地区".into(),
            "来源".into(),
            "总分".into(),
            "满分".into(),
        ];
        head.extend(self.categories.iter().map(|c| format!("{c}得分率")));
        head.extend(["结论", "缺少数据项", "未提交评审项", "主要失分"].map(String::from));
        w.write_record(&head)?;
        let mut rec: Vec<String> = Vec::new();
        for r in &self.rows {
            // Text cells (names, sources, explanations) are neutralised against formulas; the
            // numbers are written as they are, so a negative score stays a number.
            rec.clear();
            rec.extend([
                r.rank.to_string(),
                csv_cell(&r.region).into_owned(),
                csv_cell(&r.source).into_owned(),
                plain(r.total),
                plain(r.max),
            ]);
            rec.extend(r.categories.iter().map(|c| percent(c.rate)));
            rec.extend([
                crate::report::verdict_word(r.verdict).to_string(),
                r.missing.to_string(),
                r.not_submitted.to_string(),
                csv_cell(&r.shortfall()).into_owned(),
            ]);
            w.write_record(&rec)?;
        }
        for f in &self.failed {
            rec.clear();
            rec.extend([
                String::new(),
                String::new(),
                csv_cell(&f.source).into_owned(),
                String::new(),
                String::new(),
            ]);
            rec.extend(self.categories.iter().map(|_| String::new()));
            rec.extend([
                "无法评估".to_string(),
                String::new(),
                String::new(),
                csv_cell(&first_problem(f)).into_owned(),
            ]);
            w.write_record(&rec)?;
        }
        w.flush()
    }

    /// The ranking as JSON: scores and rates as exact decimal strings.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self.json()).unwrap_or(Value::Null)
    }

    /// The same as [`Ranking::to_json`], as indented JSON with a final newline, written as it
    /// is made: a big ranking is never held whole a second time (as a JSON tree it took about
    /// 13 KB a row).
    pub fn write_json<W: std::io::Write>(&self, mut out: W) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut out, &self.json())?;
        out.write_all(b"\n")?;
        out.flush()
    }

    /// What the JSON of the ranking says, in the order it says it; rows are made one at a time
    /// as they are written.
    fn json(&self) -> impl serde::Serialize + '_ {
        JsonRanking {
            ruleset: &self.ruleset,
            evaluated: self.rows.len(),
            passed: self.rows.iter().filter(|r| r.passed).count(),
            undetermined: self
                .rows
                .iter()
                .filter(|r| r.verdict == Verdict::Undetermined)
                .count(),
            failed_count: self.failed.len(),
            rows: each(&self.rows, |r| JsonRow {
                rank: r.rank,
                region: &r.region,
                source: &r.source,
                total: plain(r.total),
                max: plain(r.max),
                passed: r.passed,
                verdict: r.verdict,
                categories: self
                    .categories
                    .iter()
                    .zip(&r.categories)
                    .map(|(name, c)| JsonCategory {
                        name,
                        score: plain(c.score),
                        rate: c.rate.map(plain),
                    })
                    .collect(),
                missing: r.missing,
                not_submitted: r.not_submitted,
                shortfall: r.shortfall(),
            }),
            failed: each(&self.failed, |f| JsonFailed {
                source: &f.source,
                problems: f
                    .problems
                    .iter()
                    .map(|d| JsonProblem {
                        code: d.code,
                        severity: d.severity,
                        message: &d.message,
                        file: d.file.as_deref(),
                        help: d.help.as_deref(),
                    })
                    .collect(),
            }),
        }
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
            for c in &r.categories {
                match c.rate {
                    Some(x) => ws.write_number_with_format(row, col, f64_of(x), &pct)?,
                    None => ws.write_string(row, col, "—")?,
                };
                col += 1;
            }
            ws.write_string(row, col, crate::report::verdict_word(r.verdict))?;
            ws.write_number(row, col + 1, u32::try_from(r.missing).unwrap_or(0))?;
            ws.write_number(row, col + 2, u32::try_from(r.not_submitted).unwrap_or(0))?;
            ws.write_string(row, col + 3, r.shortfall())?;
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

/// A slice serialized as a JSON array of what `F` makes of each element, one at a time.
struct Each<'a, T, F>(&'a [T], F);

fn each<'a, T, S: serde::Serialize, F: Fn(&'a T) -> S>(xs: &'a [T], f: F) -> Each<'a, T, F> {
    Each(xs, f)
}

impl<'a, T, S: serde::Serialize, F: Fn(&'a T) -> S> serde::Serialize for Each<'a, T, F> {
    fn serialize<Z: serde::Serializer>(&self, z: Z) -> Result<Z::Ok, Z::Error> {
        z.collect_seq(self.0.iter().map(&self.1))
    }
}

#[derive(serde::Serialize)]
struct JsonRanking<'a, R, F> {
    ruleset: &'a str,
    evaluated: usize,
    passed: usize,
    undetermined: usize,
    failed_count: usize,
    rows: R,
    failed: F,
}

#[derive(serde::Serialize)]
struct JsonRow<'a> {
    rank: usize,
    region: &'a str,
    source: &'a str,
    total: String,
    max: String,
    passed: bool,
    verdict: Verdict,
    categories: Vec<JsonCategory<'a>>,
    missing: usize,
    not_submitted: usize,
    shortfall: String,
}

#[derive(serde::Serialize)]
struct JsonCategory<'a> {
    name: &'a str,
    score: String,
    rate: Option<String>,
}

#[derive(serde::Serialize)]
struct JsonFailed<'a> {
    source: &'a str,
    problems: Vec<JsonProblem<'a>>,
}

#[derive(serde::Serialize)]
struct JsonProblem<'a> {
    code: &'static str,
    severity: crate::diag::Severity,
    message: &'a str,
    file: Option<&'a str>,
    help: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::permute;

    /// Moving items by a sorted list of positions gives what a stable sort gives, for every
    /// shape of cycles (fixed points, swaps, long cycles, repeated keys).
    #[test]
    fn permute_matches_a_stable_sort() {
        let mut seed = 7u64;
        for len in [0usize, 1, 2, 3, 10, 257] {
            let items: Vec<(u64, usize)> = (0..len)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 60) % 5, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|x| x.0);
            let mut order: Vec<usize> = (0..len).collect();
            order.sort_by_key(|&i| items[i].0);
            let mut got = items.clone();
            permute(&mut got, order);
            assert_eq!(got, expected, "{len} items");
        }
    }
}
