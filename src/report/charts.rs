//! Charts as inline SVG, built by hand: each category's rate against its required rate, the
//! points lost by responsible unit, and the total against the pass mark. Coordinates are computed
//! with decimals and rounded to a tenth of a pixel, so the same evaluation always gives the same
//! bytes; the page needs no script, font file or network to draw them.

use crate::eval::Evaluation;
use crate::gap::Gaps;
use crate::number::plain;
use crate::syntax::ast::{CmpOp, PassSubject};
use rust_decimal::Decimal;
use std::fmt::Write as _;

const WIDTH: i64 = 680;
const GREEN: &str = "#2e7d32";
const RED: &str = "#c62828";
const AMBER: &str = "#b26a00";
const TRACK: &str = "#e8e8e8";

/// Text made literal in SVG and HTML ([`crate::text::html`]).
pub(crate) fn esc(s: &str) -> String {
    crate::text::html(s)
}

/// `x` as an SVG coordinate: rounded to a tenth.
fn px(x: Decimal) -> String {
    plain(x.round_dp(1))
}

/// `part / whole` of `len` pixels, clamped to `[0, len]`.
fn scale(part: Decimal, whole: Decimal, len: i64) -> Decimal {
    if whole <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let len = Decimal::from(len);
    (part.checked_mul(len).unwrap_or(len) / whole)
        .max(Decimal::ZERO)
        .min(len)
}

fn open(o: &mut String, height: i64, label: &str) {
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        esc(label),
        esc(label)
    );
}

fn pct_text(r: Decimal) -> String {
    let p = (r * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("{}%", plain(p))
}

/// Each category's rate as a bar, with its required rate as a dashed line.
pub(crate) fn categories(eval: &Evaluation, gaps: &Gaps) -> String {
    let label_w: i64 = 120;
    let bar_w: i64 = 430;
    let row: i64 = 34;
    let top: i64 = 24;
    let height = top + row * eval.categories.len() as i64 + 28;
    let mut o = String::new();
    open(&mut o, height, "各一级指标得分率与要求得分率");
    let x0 = label_w;
    // Axis marks at 0, 25, 50, 75, 100%.
    for q in 0..=4 {
        let x = Decimal::from(x0) + scale(Decimal::from(q), Decimal::from(4), bar_w);
        let _ = write!(
            o,
            "<line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{}\" stroke=\"#d0d0d0\" stroke-width=\"1\"/><text x=\"{x}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">{}%</text>",
            height - 22,
            height - 8,
            q * 25,
            x = px(x)
        );
    }
    for (i, (c, g)) in eval.categories.iter().zip(&gaps.categories).enumerate() {
        let y = top + row * i as i64 + 6;
        let rate = c.rate.unwrap_or(Decimal::ZERO);
        let w = scale(rate, Decimal::ONE, bar_w);
        let color = if c.passed == Some(false) { RED } else { GREEN };
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"end\" fill=\"#222\">{}</text>",
            x0 - 8,
            y + 15,
            esc(&c.name)
        );
        let _ = write!(
            o,
            "<rect x=\"{x0}\" y=\"{y}\" width=\"{bar_w}\" height=\"20\" fill=\"{TRACK}\"/><rect class=\"bar\" x=\"{x0}\" y=\"{y}\" width=\"{}\" height=\"20\" fill=\"{color}\"/>",
            px(w)
        );
        if let Some(req) = g.required {
            let need = scale(req, c.rate_basis, bar_w);
            let x = Decimal::from(x0) + need;
            let _ = write!(
                o,
                "<line class=\"threshold\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#111\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>",
                y - 4,
                y + 24,
                x = px(x)
            );
        }
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#222\">{}</text>",
            px(Decimal::from(x0 + bar_w + 8)),
            y + 15,
            esc(&format!(
                "{} ({}/{})",
                pct_text(rate),
                plain(c.score),
                plain(c.rate_basis)
            ))
        );
    }
    let _ = write!(
        o,
        "<text x=\"{x0}\" y=\"14\" font-size=\"11\" fill=\"#555\">虚线：合格要求的得分率</text></svg>"
    );
    o
}

/// Points lost by responsible unit, largest first.
pub(crate) fn owners(gaps: &Gaps) -> String {
    let rows = &gaps.by_owner;
    let row: i64 = 40;
    let height = (row * rows.len() as i64 + 16).max(48);
    let mut o = String::new();
    open(&mut o, height, "按责任单位统计的失分");
    if rows.is_empty() {
        let _ = write!(
            o,
            "<text x=\"10\" y=\"28\" font-size=\"13\" fill=\"#222\">没有失分</text></svg>"
        );
        return o;
    }
    let most = rows.iter().map(|r| r.lost).max().unwrap_or(Decimal::ONE);
    let bar_w: i64 = 560;
    for (i, r) in rows.iter().enumerate() {
        let y = 8 + row * i as i64;
        let w = scale(r.lost, most, bar_w).max(Decimal::ONE);
        let _ = write!(
            o,
            "<text x=\"0\" y=\"{}\" font-size=\"12\" fill=\"#222\">{}</text><rect class=\"bar\" x=\"0\" y=\"{}\" width=\"{}\" height=\"14\" fill=\"{AMBER}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#222\">{}</text>",
            y + 11,
            esc(&format!("{}（指标 {}）", r.owner, r.indicators.join("、"))),
            y + 16,
            px(w),
            px(w + Decimal::from(6)),
            y + 28,
            esc(&format!("失 {} 分", plain(r.lost)))
        );
    }
    o.push_str("</svg>");
    o
}

/// The total as a bar from 0 to the most there is, with the pass mark.
pub(crate) fn total(eval: &Evaluation, rules: &crate::model::RuleSet) -> String {
    let height: i64 = 70;
    let bar_w: i64 = 600;
    let x0: i64 = 10;
    let mut o = String::new();
    open(&mut o, height, "总分与合格线");
    let w = scale(eval.total, eval.max, bar_w);
    let color = if eval.passed { GREEN } else { RED };
    let _ = write!(
        o,
        "<rect x=\"{x0}\" y=\"22\" width=\"{bar_w}\" height=\"22\" fill=\"{TRACK}\"/><rect class=\"bar\" x=\"{x0}\" y=\"22\" width=\"{}\" height=\"22\" fill=\"{color}\"/><text x=\"{x0}\" y=\"14\" font-size=\"12\" fill=\"#222\">{}</text>",
        px(w),
        esc(&format!("总分 {} / {}", plain(eval.total), plain(eval.max)))
    );
    for cond in &rules.header.pass {
        if cond.subject == PassSubject::Total && matches!(cond.op, CmpOp::Ge | CmpOp::Gt) {
            let x = Decimal::from(x0) + scale(cond.value.value, eval.max, bar_w);
            let _ = write!(
                o,
                "<line class=\"threshold\" x1=\"{x}\" y1=\"16\" x2=\"{x}\" y2=\"50\" stroke=\"#111\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/><text x=\"{x}\" y=\"64\" font-size=\"12\" text-anchor=\"middle\" fill=\"#222\">{}</text>",
                esc(&format!("合格线 {}", cond.value.text)),
                x = px(x)
            );
        }
    }
    o.push_str("</svg>");
    o
}
