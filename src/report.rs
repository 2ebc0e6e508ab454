//! Stage 5: an evaluation as a JSON report (the contract other programs rely on) or as a Chinese
//! text report for people; Markdown, a self-contained HTML page and an XLSX workbook live in the
//! submodules. Every report carries the gap analysis and the evidence checklist ([`crate::gap`]).
//!
//! Every score, rate and amount in the JSON is a decimal string, exact. The same inputs always
//! give the same bytes: nothing here reads the clock or depends on hash order.

use crate::diag::{Diagnostic, Severity, SourceMap, line_col};
use crate::eval::{Evaluation, IndicatorResult, ItemState, Program, Status};
use crate::model::RuleSet;
use crate::number::{grouped, plain};
use crate::submission::Submission;
use crate::words::missing_label;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write as _;

mod charts;
pub mod html;
pub mod markdown;
mod sections;
mod view;
pub mod xlsx;

/// The tool's name and version, as reports carry them.
pub const TOOL: &str = concat!("zhibiao ", env!("CARGO_PKG_VERSION"));

/// What a report is about, besides the evaluation itself.
pub struct Context<'a> {
    /// The rules used.
    pub rules: &'a Program,
    /// The submission scored.
    pub sub: &'a Submission,
    /// Problems found in the submission that did not stop the evaluation (warnings).
    pub problems: &'a [Diagnostic],
    /// Texts of the files problems point into.
    pub sources: &'a SourceMap,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    ruleset: JsonRuleset<'a>,
    submission: JsonSubmission<'a>,
    total: String,
    max: String,
    passed: bool,
    verdict: crate::eval::Verdict,
    conditions: Vec<JsonCondition<'a>>,
    categories: Vec<JsonCategory<'a>>,
    indicators: Vec<JsonIndicator<'a>>,
    missing: Vec<JsonMissing>,
    not_submitted: Vec<JsonNotSubmitted<'a>>,
    lost_by_owner: Vec<JsonOwner>,
    problems: Vec<JsonProblem>,
    gaps: crate::gap::Gaps,
    evidence: Vec<crate::gap::EvidenceItem>,
    tool: &'static str,
}

#[derive(Serialize)]
struct JsonRuleset<'a> {
    id: &'a str,
    title: &'a str,
    version: &'a str,
    /// The digest of the resolved rules (covering every file they were built from).
    digest: &'a str,
    file: &'a str,
    /// For rules built from several files (`extends`): each file, the base first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    built_from: Vec<JsonPart<'a>>,
    /// The rule set named by `accepts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    accepts: Option<JsonAccepts<'a>>,
}

#[derive(Serialize)]
struct JsonPart<'a> {
    id: &'a str,
    version: &'a str,
    digest: &'a str,
    file: &'a str,
}

#[derive(Serialize)]
struct JsonAccepts<'a> {
    id: &'a str,
    version: &'a str,
    digest: &'a str,
}

#[derive(Serialize)]
struct JsonSubmission<'a> {
    region: Option<&'a str>,
    year: i32,
    digest: &'a str,
    file: &'a str,
    reference_digest: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference_file: Option<&'a str>,
    /// With a reference file: `named` (given on the command line) or `rule_folder` (found
    /// beside the rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    reference_origin: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonCondition<'a> {
    text: String,
    held: bool,
    detail: String,
    failing: &'a [String],
}

#[derive(Serialize)]
struct JsonCategory<'a> {
    name: &'a str,
    score: String,
    max: String,
    rate: Option<String>,
    rate_exact: bool,
    rate_fraction: String,
    passed: Option<bool>,
    raw: String,
    indicator_points: String,
}

#[derive(Serialize)]
struct JsonIndicator<'a> {
    id: String,
    name: &'a str,
    category: &'a str,
    group: Option<&'a str>,
    score: String,
    max: String,
    status: Status,
    partial: Option<String>,
    items: Vec<JsonItem<'a>>,
    explanation: Vec<String>,
    /// The steps of `explanation` as typed values, for programs.
    reasons: &'a [crate::eval::Reason],
    missing: Vec<JsonMissing>,
    error: Option<String>,
    owners: &'a [String],
    nature: Option<&'a str>,
    rule: Option<&'a str>,
    method: Option<&'a str>,
    sources: &'a [String],
}

#[derive(Serialize)]
struct JsonItem<'a> {
    key: &'a str,
    text: &'a str,
    score: String,
    max: String,
    state: ItemState,
    judged: bool,
    detail: String,
    /// `detail` as a typed value, for programs.
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<&'a crate::eval::ItemWhy>,
    evidence: &'a [String],
    note: Option<&'a str>,
    owners: &'a [String],
}

#[derive(Serialize)]
struct JsonMissing {
    key: String,
    year: Option<i32>,
    label: String,
    indicators: Vec<String>,
}

#[derive(Serialize)]
struct JsonNotSubmitted<'a> {
    key: &'a str,
    text: &'a str,
    max: String,
    owners: &'a [String],
}

#[derive(Serialize)]
struct JsonOwner {
    owner: String,
    lost: String,
    indicators: Vec<String>,
}

#[derive(Serialize)]
struct JsonProblem {
    code: &'static str,
    severity: Severity,
    message: String,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    help: Option<String>,
}

fn d(x: Decimal) -> String {
    plain(x)
}

/// The line of a report that names the reference file used, and where it came from; `None`
/// without one.
pub fn reference_line(sub: &Submission) -> Option<String> {
    reference_used(sub).map(|r| format!("全省参照数据：{r}"))
}

/// The reference file used, and where it came from when nobody named it; `None` without one.
pub fn reference_used(sub: &Submission) -> Option<String> {
    let file = sub.reference_file.as_ref()?;
    Some(match sub.reference_origin {
        crate::submission::ReferenceOrigin::Named => file.to_string(),
        crate::submission::ReferenceOrigin::RuleFolder => {
            format!("{file}（规则目录中的参照数据，未指定 --reference）")
        }
    })
}

/// The warning at the top of a report scored without the province's reference data while the
/// rules need some of it: what is missing, which indicators it costs, and how to supply it. Empty
/// when a reference file was used or nothing from it is missing.
pub fn missing_reference_lines(
    rules: &RuleSet,
    sub: &Submission,
    eval: &Evaluation,
) -> Vec<String> {
    if sub.reference_file.is_some() {
        return Vec::new();
    }
    let missing: Vec<crate::eval::MissingRef> = eval
        .missing()
        .into_iter()
        .filter(|m| crate::submission::is_province_key(&m.key))
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let indicators: Vec<String> = eval
        .indicators
        .iter()
        .filter(|i| i.missing.iter().any(|m| missing.contains(m)))
        .map(|i| i.no.to_string())
        .collect();
    let labels: Vec<String> = missing.iter().map(|m| missing_label(rules, m)).collect();
    vec![
        format!(
            "⚠ 没有提供全省参照数据：缺少 {} 项全省数据（{}），指标 {} 因此按缺少数据计 0 分，总分和结论都可能因此偏低。",
            missing.len(),
            labels.join("、"),
            indicators.join("、")
        ),
        "  全省数据由省级部门统一提供，各地区不必自己填写：请用 --reference 指定全省参照数据文件后重新评估，如 zhibiao eval 申报文件 --reference 全省参照数据.toml；省级部门也可以把它以 参照数据.toml 为名放在规则目录中，用 --rules 指定该目录时自动使用".to_string(),
    ]
}

/// The verdict in a word.
pub fn verdict_word(v: crate::eval::Verdict) -> &'static str {
    match v {
        crate::eval::Verdict::Passed => "合格",
        crate::eval::Verdict::Failed => "不合格",
        crate::eval::Verdict::Undetermined => "无法判定",
    }
}

/// Why there is no verdict, one line each: what it means, then each indicator the rules could not
/// score, with the rule problem and its place in the rule file. Empty when there is a verdict.
pub fn rule_fault_lines(eval: &Evaluation) -> Vec<String> {
    let faults: Vec<&crate::eval::IndicatorResult> = eval.rule_faults().collect();
    if faults.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![format!(
        "✗ 有 {} 个指标按现行规则无法计分，是规则文件的问题，不是申报材料的问题；上面的总分不能作为结论。请规则维护人员运行 zhibiao lint 检查并修正后重新评估：",
        faults.len()
    )];
    for i in faults {
        lines.push(format!(
            "    指标 {} {}：{}",
            i.no,
            i.name,
            i.error_message().unwrap_or_else(|| "无法计分".into())
        ));
    }
    lines
}

fn missing_with_indicators(ctx: &Context, eval: &Evaluation) -> Vec<JsonMissing> {
    eval.missing()
        .into_iter()
        .map(|m| JsonMissing {
            label: missing_label(ctx.rules, &m),
            indicators: eval
                .indicators
                .iter()
                .filter(|i| i.missing.contains(&m))
                .map(|i| i.no.to_string())
                .collect(),
            key: m.key,
            year: m.year,
        })
        .collect()
}

fn problem_json(p: &Diagnostic, sources: &SourceMap) -> JsonProblem {
    let pos = match (&p.file, p.span) {
        (Some(f), Some(s)) => sources.line_col(f, s.start),
        _ => None,
    };
    JsonProblem {
        code: p.code,
        severity: p.severity,
        message: p.message.clone(),
        file: p.file.as_ref().map(|f| f.to_string()),
        line: pos.map(|p| p.0),
        column: pos.map(|p| p.1),
        help: p.help.clone(),
    }
}

/// The JSON report.
pub fn to_json(ctx: &Context, eval: &Evaluation) -> serde_json::Value {
    let r = JsonReport {
        ruleset: JsonRuleset {
            id: ctx.rules.id(),
            title: &ctx.rules.header.title.value,
            version: ctx.rules.version(),
            digest: &ctx.rules.digest,
            file: &ctx.rules.file,
            built_from: if ctx.rules.parts.len() > 1 {
                ctx.rules
                    .parts
                    .iter()
                    .map(|p| JsonPart {
                        id: &p.id,
                        version: &p.version,
                        digest: &p.digest,
                        file: &p.name,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            accepts: ctx.rules.accepted.as_ref().map(|a| JsonAccepts {
                id: &a.id,
                version: &a.version,
                digest: &a.digest,
            }),
        },
        submission: JsonSubmission {
            region: ctx.sub.region.as_deref(),
            year: ctx.sub.year,
            digest: &ctx.sub.digest,
            file: &ctx.sub.file,
            reference_digest: ctx.sub.reference_digest.as_deref(),
            reference_file: ctx.sub.reference_file.as_deref(),
            reference_origin: ctx
                .sub
                .reference_file
                .as_ref()
                .map(|_| ctx.sub.reference_origin.key()),
        },
        total: d(eval.total),
        max: d(eval.max),
        passed: eval.passed,
        verdict: eval.verdict,
        conditions: eval
            .conditions
            .iter()
            .map(|c| JsonCondition {
                text: c.text(),
                held: c.held,
                detail: c.detail(),
                failing: &c.failing,
            })
            .collect(),
        categories: eval
            .categories
            .iter()
            .map(|c| JsonCategory {
                name: &c.name,
                score: d(c.score),
                max: d(c.points),
                rate: c.rate.map(d),
                rate_exact: c.rate_exact,
                rate_fraction: format!("{}/{}", d(c.score), d(c.rate_basis)),
                passed: c.passed,
                raw: d(c.raw),
                indicator_points: d(c.indicator_points),
            })
            .collect(),
        indicators: eval
            .indicators
            .iter()
            .map(|i| indicator_json(ctx, i))
            .collect(),
        missing: missing_with_indicators(ctx, eval),
        not_submitted: eval
            .not_submitted()
            .into_iter()
            .map(|it| JsonNotSubmitted {
                key: &it.key,
                text: &it.text,
                max: d(it.points),
                owners: &it.owners,
            })
            .collect(),
        lost_by_owner: eval
            .lost_by_owner()
            .into_iter()
            .map(|(owner, lost, indicators)| JsonOwner {
                owner,
                lost: d(lost),
                indicators,
            })
            .collect(),
        problems: ctx
            .problems
            .iter()
            .map(|p| problem_json(p, ctx.sources))
            .chain(eval.checks.iter().map(|c| JsonProblem {
                code: crate::codes::SUB_CHECK,
                severity: c.severity,
                message: c.message(),
                file: Some(ctx.sub.file.to_string()),
                line: None,
                column: None,
                help: Some(c.detail()),
            }))
            .collect(),
        gaps: crate::gap::analyse(ctx.rules, ctx.sub, eval),
        evidence: crate::gap::evidence(eval),
        tool: TOOL,
    };
    serde_json::to_value(&r).unwrap_or(serde_json::Value::Null)
}

fn indicator_json<'a>(ctx: &Context, i: &'a IndicatorResult) -> JsonIndicator<'a> {
    JsonIndicator {
        id: i.no.to_string(),
        name: &i.name,
        category: &i.category,
        group: i.group.as_deref(),
        score: d(i.score),
        max: d(i.points),
        status: i.status,
        partial: i.partial.map(d),
        items: i
            .items
            .iter()
            .map(|it| JsonItem {
                key: &it.key,
                text: &it.text,
                score: d(it.score),
                max: d(it.points),
                state: it.state,
                judged: it.judged,
                detail: it.detail(),
                why: it.why.as_ref(),
                evidence: &it.evidence,
                note: it.note.as_deref(),
                owners: &it.owners,
            })
            .collect(),
        explanation: i.explanation(),
        reasons: &i.reasons,
        missing: i
            .missing
            .iter()
            .map(|m| JsonMissing {
                key: m.key.clone(),
                year: m.year,
                label: missing_label(ctx.rules, m),
                indicators: vec![i.no.to_string()],
            })
            .collect(),
        error: i.error_message(),
        owners: &i.owners,
        nature: i.nature.as_deref(),
        rule: i.rule.as_deref(),
        method: i.method.as_deref(),
        sources: &i.sources,
    }
}

fn pct(rate: Option<Decimal>, exact: bool) -> String {
    crate::number::rate_text(rate, exact)
}

/// Pads `s` to `width` display columns (CJK characters count two).
fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The Chinese text report.
pub fn to_text(ctx: &Context, eval: &Evaluation) -> String {
    let mut o = String::new();
    let rules = ctx.rules;
    let _ = writeln!(o, "{}　评估报告", rules.header.title.value);
    let _ = writeln!(
        o,
        "规则：{} {} 版（{}）",
        rules.id(),
        rules.version(),
        rules.file
    );
    if rules.parts.len() > 1 {
        let bases: Vec<String> = rules
            .parts
            .iter()
            .rev()
            .skip(1)
            .map(|p| format!("{}@{}（{}）", p.id, p.version, p.name))
            .collect();
        let _ = writeln!(o, "　　基于：{}", bases.join(" ← "));
    }
    if let Some(a) = &rules.accepted {
        let _ = writeln!(o, "　　接受按 {}@{} 填写的申报", a.id, a.version);
    }
    let region = ctx.sub.region.as_deref().unwrap_or("（未填写地区）");
    let _ = writeln!(
        o,
        "申报：{region}，评估年度 {}（{}）",
        ctx.sub.year, ctx.sub.file
    );
    if let Some(line) = reference_line(ctx.sub) {
        let _ = writeln!(o, "{line}");
    }
    let _ = writeln!(o);
    let reference = missing_reference_lines(rules, ctx.sub, eval);
    for line in &reference {
        let _ = writeln!(o, "{line}");
    }
    if !reference.is_empty() {
        let _ = writeln!(o);
    }
    let _ = writeln!(
        o,
        "结论：{}（总分 {} / {}）",
        verdict_word(eval.verdict),
        d(eval.total),
        d(eval.max)
    );
    for line in rule_fault_lines(eval) {
        let _ = writeln!(o, "  {line}");
    }
    for c in &eval.conditions {
        let mark = if c.held { "✓" } else { "✗" };
        let _ = writeln!(o, "  {mark} {}：{}", c.text(), c.detail());
        if !c.failing.is_empty() {
            let _ = writeln!(o, "    未达到：{}", c.failing.join("、"));
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{}{}{}是否达标",
        pad("一级指标", 16),
        pad("得分/分值", 14),
        pad("得分率", 12)
    );
    for c in &eval.categories {
        let passed = match c.passed {
            Some(true) => "达标",
            Some(false) => "未达标",
            None => "—",
        };
        let capped = if c.raw != c.score {
            format!("（各指标合计 {}，按分值封顶）", d(c.raw))
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "{}{}{}{}{capped}",
            pad(&c.name, 16),
            pad(&format!("{}/{}", d(c.score), d(c.points)), 14),
            pad(&pct(c.rate, c.rate_exact), 12),
            passed
        );
    }
    let _ = writeln!(
        o,
        "{}{}",
        pad("合计", 16),
        format_args!("{}/{}", d(eval.total), d(eval.max))
    );

    for cat in &eval.categories {
        let _ = writeln!(o);
        let _ = writeln!(o, "【{}】{} / {} 分", cat.name, d(cat.score), d(cat.points));
        for i in eval.indicators.iter().filter(|i| i.category == cat.name) {
            let status = match i.status {
                Status::Scored => String::new(),
                Status::Missing => "（缺少数据）".into(),
                Status::Error => "（规则出错）".into(),
            };
            let _ = writeln!(
                o,
                "  {}. {}：{} / {} 分{status}",
                i.no,
                i.name,
                d(i.score),
                d(i.points)
            );
            for line in &i.explanation() {
                let _ = writeln!(o, "      {line}");
            }
        }
    }

    let missing = eval.missing();
    if !missing.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "缺少的数据（{} 项，相关指标按 0 分计）：", missing.len());
        for m in missing {
            let inds: Vec<String> = eval
                .indicators
                .iter()
                .filter(|i| i.missing.contains(&m))
                .map(|i| i.no.to_string())
                .collect();
            let key = match m.year {
                Some(y) => format!("{}.{y}", m.key),
                None => m.key.clone(),
            };
            let _ = writeln!(
                o,
                "  - {}〔{key}〕：影响指标 {}",
                missing_label(rules, &m),
                inds.join("、")
            );
        }
    }
    let not_submitted = eval.not_submitted();
    if !not_submitted.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "未提交的评审结论（{} 项，按不符合计）：",
            not_submitted.len()
        );
        for it in not_submitted {
            let _ = writeln!(
                o,
                "  - {} {}（{} 分，{}）",
                it.key,
                it.text,
                d(it.points),
                it.owners.join("、")
            );
        }
    }
    let unmet: Vec<_> = eval
        .indicators
        .iter()
        .filter(|i| i.score < i.points)
        .flat_map(|i| i.items.iter())
        .filter(|it| it.state == ItemState::NotMet)
        .collect();
    if !unmet.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "未达到的子项（{} 项）：", unmet.len());
        for it in unmet {
            let _ = writeln!(o, "  - {} {}（{} 分）", it.key, it.text, d(it.points));
        }
    }
    let lost = eval.lost_by_owner();
    if !lost.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "按责任单位汇总失分（同一指标有多个责任单位时各自计入）："
        );
        for (owner, pts, inds) in lost {
            let _ = writeln!(
                o,
                "  - {}：失 {} 分（指标 {}）",
                owner,
                d(pts),
                inds.join("、")
            );
        }
    }
    sections::write_gaps(&mut o, &crate::gap::analyse(rules, ctx.sub, eval));
    sections::write_evidence(&mut o, &crate::gap::evidence(eval));
    if !eval.checks.is_empty() || !ctx.problems.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "提示：");
        for c in &eval.checks {
            let _ = writeln!(o, "  - {}（{}）", c.message(), c.detail());
        }
        for p in ctx.problems {
            let place = match (&p.file, p.span) {
                (Some(f), Some(s)) => ctx
                    .sources
                    .get(f)
                    .map(|t| line_col(t, s.start))
                    .map(|(l, _)| format!("{f}:{l}")),
                (Some(f), None) => Some(f.to_string()),
                _ => None,
            };
            let _ = writeln!(
                o,
                "  - [{}] {}{}",
                p.code,
                p.message,
                place.map(|p| format!("（{p}）")).unwrap_or_default()
            );
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "规则摘要 {}；申报摘要 {}；{}",
        short(&rules.digest),
        short(&ctx.sub.digest),
        TOOL
    );
    // One place for the submitters' text (names, evidence, notes): no control character of
    // theirs reaches a terminal or a text file.
    crate::text::printable(&o).into_owned()
}

fn short(digest: &str) -> String {
    digest.chars().take(19).collect()
}

/// Formats an amount with thousands separators (used by other reports).
pub fn amount(x: Decimal) -> String {
    grouped(x)
}
