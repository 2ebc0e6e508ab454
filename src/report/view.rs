//! The report as plain data for the templates (Markdown, HTML) and the workbook: every number
//! already formatted, exactly, the way the text report shows it.

use super::sections::{EvidenceSummary, evidence_heading, evidence_summary, mark, plan_heading};
use super::{Context, TOOL, pct};
use crate::eval::{Evaluation, ItemState, Status};
use crate::gap::{self, EvidenceItem, Gaps};
use crate::number::plain;
use crate::words::missing_label;
use rust_decimal::Decimal;
use serde::Serialize;

/// Everything a rendered report shows.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct View {
    pub title: String,
    pub ruleset_id: String,
    pub version: String,
    pub rules_file: String,
    pub rules_digest: String,
    pub region: String,
    pub year: i32,
    pub submission_file: String,
    pub submission_digest: String,
    /// The reference file used, and where it came from ([`super::reference_used`]).
    pub reference: Option<String>,
    pub tool: &'static str,
    pub passed: bool,
    pub verdict: &'static str,
    /// Why there is no verdict (empty when there is one).
    pub faults: Vec<String>,
    /// The warning on missing province reference data (empty when there is none).
    pub reference_warning: Vec<String>,
    pub total: String,
    pub max: String,
    pub conditions: Vec<ConditionRow>,
    pub categories: Vec<CategoryRow>,
    pub sections: Vec<CategorySection>,
    pub missing: Vec<MissingRow>,
    pub not_submitted: Vec<NotSubmittedRow>,
    pub gaps: Gaps,
    pub lost_total: String,
    pub plan_heading: Option<String>,
    pub evidence: Vec<EvidenceRow>,
    pub evidence_heading: String,
    pub problems: Vec<String>,
    pub owners: Vec<OwnerRow>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ConditionRow {
    pub text: String,
    pub held: bool,
    pub mark: &'static str,
    pub detail: String,
    pub failing: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct CategoryRow {
    pub name: String,
    pub score: String,
    pub points: String,
    pub rate: String,
    pub passed: &'static str,
    pub ok: bool,
    pub note: String,
    pub required: String,
    pub shortfall: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct CategorySection {
    pub name: String,
    pub score: String,
    pub points: String,
    pub indicators: Vec<IndicatorRow>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct IndicatorRow {
    pub no: u32,
    pub name: String,
    pub score: String,
    pub points: String,
    pub lost: String,
    pub full: bool,
    pub status: &'static str,
    pub nature: String,
    pub owners: String,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MissingRow {
    pub label: String,
    pub key: String,
    pub indicators: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct NotSubmittedRow {
    pub key: String,
    pub text: String,
    pub points: String,
    pub owners: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct EvidenceRow {
    pub mark: &'static str,
    pub key: String,
    pub indicator: u32,
    pub indicator_name: String,
    pub text: String,
    pub owners: String,
    pub score: String,
    pub points: String,
    pub state: &'static str,
    pub met: bool,
    pub evidence: String,
    pub note: String,
    pub flag: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct OwnerRow {
    pub owner: String,
    pub lost: String,
    pub indicators: String,
}

/// The status of an indicator in words.
pub(crate) fn status_word(s: Status) -> &'static str {
    match s {
        Status::Scored => "已计分",
        Status::Missing => "缺少数据",
        Status::Error => "规则出错",
    }
}

pub(crate) fn evidence_row(it: &EvidenceItem) -> EvidenceRow {
    EvidenceRow {
        mark: mark(it.state),
        key: it.key.clone(),
        indicator: it.indicator,
        indicator_name: it.indicator_name.clone(),
        text: it.text.clone(),
        owners: it.owners.join("、"),
        score: plain(it.score),
        points: plain(it.points),
        state: it.state.word(),
        met: it.state == ItemState::Met,
        evidence: if it.evidence.is_empty() {
            "未列出".into()
        } else {
            it.evidence.join("、")
        },
        note: it.note.clone().unwrap_or_default(),
        flag: if it.met_without_evidence {
            "符合但无证据".into()
        } else if it.state == ItemState::NotSubmitted {
            "未提交评审结论".into()
        } else {
            String::new()
        },
    }
}

/// Builds the view of a report.
pub(crate) fn build(ctx: &Context, eval: &Evaluation) -> (View, EvidenceSummary) {
    let rules = ctx.rules;
    let gaps = gap::analyse(rules, ctx.sub, eval);
    let evidence = gap::evidence(eval);
    let summary = evidence_summary(&evidence);
    let lost_total: Decimal = gaps.by_indicator.iter().map(|l| l.lost).sum();
    let categories = eval
        .categories
        .iter()
        .zip(&gaps.categories)
        .map(|(c, g)| CategoryRow {
            name: c.name.clone(),
            score: plain(c.score),
            points: plain(c.points),
            rate: pct(c.rate, c.rate_exact),
            passed: match c.passed {
                Some(true) => "达标",
                Some(false) => "未达标",
                None => "—",
            },
            ok: c.passed != Some(false),
            note: if c.raw != c.score {
                format!("各指标合计 {}，按分值封顶", plain(c.raw))
            } else {
                String::new()
            },
            required: g.required.map(plain).unwrap_or_else(|| "—".into()),
            shortfall: plain(g.shortfall),
        })
        .collect();
    let sections = eval
        .categories
        .iter()
        .map(|c| CategorySection {
            name: c.name.clone(),
            score: plain(c.score),
            points: plain(c.points),
            indicators: eval
                .indicators
                .iter()
                .filter(|i| i.category == c.name)
                .map(|i| IndicatorRow {
                    no: i.no,
                    name: i.name.clone(),
                    score: plain(i.score),
                    points: plain(i.points),
                    lost: plain(i.points - i.score),
                    full: i.score >= i.points,
                    status: status_word(i.status),
                    nature: i.nature.clone().unwrap_or_default(),
                    owners: i.owners.join("、"),
                    lines: i.explanation(),
                })
                .collect(),
        })
        .collect();
    let missing = eval
        .missing()
        .into_iter()
        .map(|m| MissingRow {
            label: missing_label(rules, &m),
            indicators: eval
                .indicators
                .iter()
                .filter(|i| i.missing.contains(&m))
                .map(|i| i.no.to_string())
                .collect::<Vec<_>>()
                .join("、"),
            key: match m.year {
                Some(y) => format!("{}.{y}", m.key),
                None => m.key,
            },
        })
        .collect();
    let not_submitted = eval
        .not_submitted()
        .into_iter()
        .map(|it| NotSubmittedRow {
            key: it.key.clone(),
            text: it.text.clone(),
            points: plain(it.points),
            owners: it.owners.join("、"),
        })
        .collect();
    let mut problems: Vec<String> = eval
        .checks
        .iter()
        .map(|c| format!("{}（{}）", c.message(), c.detail()))
        .collect();
    problems.extend(
        ctx.problems
            .iter()
            .map(|p| format!("[{}] {}", p.code, p.message)),
    );
    let view = View {
        title: rules.header.title.value.clone(),
        ruleset_id: rules.id().to_string(),
        version: rules.version().to_string(),
        rules_file: rules.file.to_string(),
        rules_digest: rules.digest.chars().take(19).collect(),
        region: ctx
            .sub
            .region
            .clone()
            .unwrap_or_else(|| "（未填写地区）".into()),
        year: ctx.sub.year,
        submission_file: ctx.sub.file.to_string(),
        submission_digest: ctx.sub.digest.chars().take(19).collect(),
        reference: super::reference_used(ctx.sub),
        tool: TOOL,
        passed: eval.passed,
        verdict: super::verdict_word(eval.verdict),
        reference_warning: super::missing_reference_lines(ctx.rules, ctx.sub, eval)
            .iter()
            .map(|l| l.trim().to_string())
            .collect(),
        faults: super::rule_fault_lines(eval)
            .iter()
            .map(|l| l.trim().to_string())
            .collect(),
        total: plain(eval.total),
        max: plain(eval.max),
        conditions: eval
            .conditions
            .iter()
            .map(|c| ConditionRow {
                text: c.text(),
                held: c.held,
                mark: if c.held { "✓" } else { "✗" },
                detail: c.detail(),
                failing: c.failing.join("、"),
            })
            .collect(),
        categories,
        sections,
        missing,
        not_submitted,
        plan_heading: plan_heading(&gaps),
        lost_total: plain(lost_total),
        gaps,
        evidence: evidence.iter().map(evidence_row).collect(),
        evidence_heading: evidence_heading(&summary),
        problems,
        owners: eval
            .lost_by_owner()
            .into_iter()
            .map(|(owner, lost, inds)| OwnerRow {
                owner,
                lost: plain(lost),
                indicators: inds.join("、"),
            })
            .collect(),
    };
    (view, summary)
}
