//! The gap analysis (差距分析) and the evidence checklist as sections of the Chinese text report.

use crate::eval::ItemState;
use crate::gap::{EvidenceItem, Gaps};
use crate::number::plain;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// Counts for the evidence checklist's heading.
pub(crate) struct EvidenceSummary {
    pub total: usize,
    pub met: usize,
    pub met_without_evidence: usize,
    pub not_met: usize,
    pub not_submitted: usize,
}

pub(crate) fn evidence_summary(items: &[EvidenceItem]) -> EvidenceSummary {
    EvidenceSummary {
        total: items.len(),
        met: items.iter().filter(|i| i.state == ItemState::Met).count(),
        met_without_evidence: items.iter().filter(|i| i.met_without_evidence).count(),
        not_met: items
            .iter()
            .filter(|i| i.state == ItemState::NotMet)
            .count(),
        not_submitted: items
            .iter()
            .filter(|i| i.state == ItemState::NotSubmitted)
            .count(),
    }
}

pub(crate) fn evidence_heading(s: &EvidenceSummary) -> String {
    format!(
        "评审项共 {} 项：符合 {} 项（其中 {} 项未列出证据），不符合 {} 项，未提交 {} 项",
        s.total, s.met, s.met_without_evidence, s.not_met, s.not_submitted
    )
}

/// The mark for an item's state: ✓ met, ✗ not met, ？ not submitted, … missing data.
pub(crate) fn mark(state: ItemState) -> &'static str {
    match state {
        ItemState::Met => "✓",
        ItemState::NotMet => "✗",
        ItemState::NotSubmitted => "？",
        ItemState::Missing => "…",
    }
}

/// The points a plan's changes need, as people read them.
pub(crate) fn plan_heading(g: &Gaps) -> Option<String> {
    let p = g.plan.as_ref()?;
    Some(if p.passes {
        format!(
            "达标方案：以下 {} 项改变全部做到后，重新评估总分 {}，合格（已验证）",
            p.changes.len(),
            plain(p.total_after)
        )
    } else if p.changes.is_empty() {
        "达标方案：没有找到能缩小差距的改变".to_string()
    } else {
        format!(
            "达标方案：以下 {} 项改变全部做到后，总分 {}，仍不合格",
            p.changes.len(),
            plain(p.total_after)
        )
    })
}

/// Writes the gap analysis.
pub(crate) fn write_gaps(o: &mut String, g: &Gaps) {
    let _ = writeln!(o);
    let _ = writeln!(o, "差距分析（合格需要什么）：");
    let _ = writeln!(o, "  合格条件：");
    for c in &g.conditions {
        let mark = if c.held { "✓" } else { "✗" };
        let _ = writeln!(o, "    {mark} {}", c.text);
        for l in &c.lines {
            let _ = writeln!(o, "        {l}");
        }
    }
    if !g.by_indicator.is_empty() {
        let lost: Decimal = g.by_indicator.iter().map(|l| l.lost).sum();
        let _ = writeln!(o, "  失分（按指标，共失 {} 分）：", plain(lost));
        for l in &g.by_indicator {
            let _ = writeln!(
                o,
                "    - {} {}：{}/{}，失 {} 分；{}〔{}〕",
                l.no,
                l.name,
                plain(l.score),
                plain(l.points),
                plain(l.lost),
                l.reason,
                l.owners.join("、")
            );
        }
    }
    if !g.next_points.is_empty() {
        let _ = writeln!(
            o,
            "  再得分需要什么（每次只改变一项数据，均已重新计分验证）："
        );
        for n in &g.next_points {
            let _ = writeln!(
                o,
                "    {}. {}（{}/{}，{}）：",
                n.no,
                n.name,
                plain(n.score),
                plain(n.points),
                n.owners.join("、")
            );
            for s in &n.suggestions {
                let _ = writeln!(o, "       - {}", s.text);
            }
            if let Some(none) = &n.none {
                let _ = writeln!(o, "       - {none}");
            }
            if let Some(left) = &n.unsearched {
                let _ = writeln!(o, "       - {left}");
            }
        }
    }
    if let (Some(p), Some(head)) = (&g.plan, plan_heading(g)) {
        let _ = writeln!(o, "  {head}：");
        for (i, c) in p.changes.iter().enumerate() {
            let _ = writeln!(o, "    {}. {}", i + 1, c.text);
        }
        for f in &p.still_failing {
            let _ = writeln!(o, "    仍未满足：{f}");
        }
        if !p.missing_data.is_empty() && !p.passes {
            let nos: Vec<String> = p.missing_data.iter().map(u32::to_string).collect();
            let _ = writeln!(
                o,
                "    指标 {} 缺少数据，无法推算需要的改变；补齐后重新评估",
                nos.join("、")
            );
        }
    }
}

/// Writes the evidence checklist.
pub(crate) fn write_evidence(o: &mut String, items: &[EvidenceItem]) {
    if items.is_empty() {
        return;
    }
    let s = evidence_summary(items);
    let _ = writeln!(o);
    let _ = writeln!(o, "证据清单（{}）：", evidence_heading(&s));
    let mut current = None;
    for it in items {
        if current != Some(it.indicator) {
            current = Some(it.indicator);
            let _ = writeln!(o, "  指标 {} {}", it.indicator, it.indicator_name);
        }
        let evidence = if it.evidence.is_empty() {
            "未列出".to_string()
        } else {
            it.evidence.join("、")
        };
        let flag = if it.met_without_evidence {
            "　⚠ 已认定符合但未列出证据"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "    {} {} {}（{}/{} 分，{}，{}）证据：{evidence}{flag}",
            mark(it.state),
            it.key,
            it.text,
            plain(it.score),
            plain(it.points),
            it.state.word(),
            it.owners.join("、")
        );
    }
}
