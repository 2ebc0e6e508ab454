//! The most each indicator, category and the whole rule set can earn, worked out from the score
//! forms without a submission.
//!
//! Tiers give their best tier, items their sum, `any` its award, a judgement the indicator's
//! points, `each year` its award times the years, `max`/`sum` the best or the sum of their parts,
//! and an expression the top of its [range](super::range). A `cap` then limits the form, and the
//! evaluator never gives more than the declared points.

use super::range::{Range, Ranges};
use crate::model::RuleSet;
use crate::syntax::ast::{ArithOp, Basis, Expr, ExprKind, Indicator, ScoreForm};
use rust_decimal::Decimal;

/// The exact sum of some decimals, or `None` when it leaves the range of exact arithmetic.
pub fn checked_sum(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    values
        .into_iter()
        .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(v))
}

/// The most a form can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Max {
    /// At most this many points.
    Finite(Decimal),
    /// No upper limit.
    Unbounded,
    /// Cannot be worked out (a script, a year range that is not fixed).
    Unknown,
}

impl Max {
    fn plus(self, o: Max) -> Max {
        match (self, o) {
            (Max::Unknown, _) | (_, Max::Unknown) => Max::Unknown,
            (Max::Unbounded, _) | (_, Max::Unbounded) => Max::Unbounded,
            (Max::Finite(a), Max::Finite(b)) => {
                a.checked_add(b).map_or(Max::Unbounded, Max::Finite)
            }
        }
    }

    fn best(self, o: Max) -> Max {
        match (self, o) {
            (Max::Unknown, _) | (_, Max::Unknown) => Max::Unknown,
            (Max::Unbounded, _) | (_, Max::Unbounded) => Max::Unbounded,
            (Max::Finite(a), Max::Finite(b)) => Max::Finite(a.max(b)),
        }
    }

    /// `min(self, cap)`: a cap bounds even an unbounded or unknown form.
    pub fn capped(self, cap: Decimal) -> Max {
        match self {
            Max::Finite(a) => Max::Finite(a.min(cap)),
            Max::Unbounded | Max::Unknown => Max::Finite(cap),
        }
    }

    /// The finite value, if any.
    pub fn finite(self) -> Option<Decimal> {
        match self {
            Max::Finite(d) => Some(d),
            _ => None,
        }
    }
}

/// What an indicator can earn.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorMax {
    /// The indicator number.
    pub no: u32,
    /// Its declared points.
    pub declared: Decimal,
    /// The most its score form gives, before the cap.
    pub form: Max,
    /// After the cap (the same as `form` without one).
    pub capped: Max,
    /// What the evaluator can give: never above the declared points.
    pub reach: Max,
}

/// The most every indicator can earn, in file order.
pub fn indicators(rules: &RuleSet) -> Vec<IndicatorMax> {
    let mut ranges = Ranges::new(rules);
    rules
        .indicators()
        .map(|(_, ind)| indicator(&mut ranges, ind))
        .collect()
}

fn indicator(ranges: &mut Ranges, ind: &Indicator) -> IndicatorMax {
    let mut scope: Vec<(String, Range)> = Vec::new();
    for l in &ind.lets {
        let r = ranges.of(&l.value, &scope);
        scope.push((l.name.value.clone(), r));
    }
    let form = ind.score.as_ref().map_or(Max::Finite(Decimal::ZERO), |f| {
        form_max(ranges, ind, f, &scope)
    });
    let capped = match &ind.cap {
        Some(c) => form.capped(c.value),
        None => form,
    };
    let reach = match capped {
        Max::Unknown => Max::Unknown,
        other => other.capped(ind.points.value),
    };
    IndicatorMax {
        no: ind.no.value,
        declared: ind.points.value,
        form,
        capped,
        reach,
    }
}

fn form_max(
    ranges: &mut Ranges,
    ind: &Indicator,
    form: &ScoreForm,
    scope: &[(String, Range)],
) -> Max {
    match form {
        ScoreForm::Tiers { tiers, .. } => Max::Finite(
            tiers
                .iter()
                .map(|t| t.points.value)
                .max()
                .unwrap_or(Decimal::ZERO)
                .max(Decimal::ZERO),
        ),
        ScoreForm::EachYear { range, award, .. } => {
            match (static_year(&range.from), static_year(&range.to)) {
                (Some((ra, a)), Some((rb, b))) if ra == rb && b >= a => {
                    let years = b.checked_sub(a).and_then(|n| n.checked_add(1));
                    match years.and_then(|n| award.value.checked_mul(Decimal::from(n))) {
                        Some(v) => Max::Finite(v),
                        None => Max::Unbounded,
                    }
                }
                _ => Max::Unknown,
            }
        }
        ScoreForm::Items { items, .. } => checked_sum(
            items
                .iter()
                .filter_map(|i| i.points.as_ref().map(|p| p.value)),
        )
        .map_or(Max::Unbounded, Max::Finite),
        ScoreForm::Any { award, .. } => Max::Finite(award.value),
        ScoreForm::Judged { .. } => Max::Finite(ind.points.value),
        ScoreForm::Max { forms, .. } => forms
            .iter()
            .map(|f| form_max(ranges, ind, f, scope))
            .reduce(Max::best)
            .unwrap_or(Max::Finite(Decimal::ZERO)),
        ScoreForm::Sum { forms, .. } => forms
            .iter()
            .map(|f| form_max(ranges, ind, f, scope))
            .fold(Max::Finite(Decimal::ZERO), Max::plus),
        ScoreForm::Expr(e) => {
            if contains_script(e) {
                return Max::Unknown;
            }
            match ranges.of(e, scope).hi {
                Some(h) => Max::Finite(h),
                None => Max::Unbounded,
            }
        }
    }
}

fn contains_script(e: &Expr) -> bool {
    let mut found = false;
    super::walk::each(e, &mut |x| {
        if matches!(x.kind, ExprKind::Script(_)) {
            found = true;
        }
    });
    found
}

/// A year written as `Y`, `Y ± n` or a plain year: (relative to Y, value).
pub fn static_year(e: &Expr) -> Option<(bool, i64)> {
    match &e.kind {
        ExprKind::Year => Some((true, 0)),
        ExprKind::Lit(l) if l.value.fract().is_zero() => {
            i64::try_from(l.value.mantissa() / 10i128.checked_pow(l.value.scale())?)
                .ok()
                .map(|v| (false, v))
        }
        ExprKind::Arith(op @ (ArithOp::Add | ArithOp::Sub), a, b) => {
            let (rel, x) = static_year(a)?;
            let (brel, y) = static_year(b)?;
            if brel {
                return None;
            }
            let v = if *op == ArithOp::Add {
                x.checked_add(y)?
            } else {
                x.checked_sub(y)?
            };
            Some((rel, v))
        }
        _ => None,
    }
}

/// What a category can earn, and what it declares.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryMax {
    /// The name.
    pub name: String,
    /// Declared points.
    pub declared: Decimal,
    /// The sum of its indicators' declared points.
    pub indicator_points: Decimal,
    /// The most it can earn after the rule set's category cap.
    pub reach: Max,
}

/// The most every category can earn, in file order.
pub fn categories(rules: &RuleSet, inds: &[IndicatorMax]) -> Vec<CategoryMax> {
    rules
        .categories
        .iter()
        .map(|c| {
            let indicator_points =
                checked_sum(c.indicators.iter().map(|i| i.points.value)).unwrap_or(Decimal::MAX);
            let raw = c
                .indicators
                .iter()
                .filter_map(|i| inds.iter().find(|m| m.no == i.no.value))
                .map(|m| m.reach)
                .fold(Max::Finite(Decimal::ZERO), Max::plus);
            let reach = match rules.cap_basis() {
                Basis::Declared => raw.capped(c.points.value),
                Basis::Indicators => raw.capped(indicator_points),
                Basis::None => raw,
            };
            CategoryMax {
                name: c.name.value.clone(),
                declared: c.points.value,
                indicator_points,
                reach,
            }
        })
        .collect()
}

/// How a form's maximum comes about, for messages: `子项分值 1 + 1 + 2 = 4 分`.
pub fn explain(ind: &Indicator, form: &ScoreForm, max: Max) -> String {
    use crate::number::plain;
    let total = match max {
        Max::Finite(d) => format!("{} 分", plain(d)),
        Max::Unbounded => "没有上限".into(),
        Max::Unknown => "无法确定".into(),
    };
    match form {
        ScoreForm::Tiers { .. } => format!("最高一档 {total}"),
        ScoreForm::EachYear { award, .. } => match max {
            Max::Finite(d) if !award.value.is_zero() => format!(
                "每年 {} 分 × {} 年 = {total}",
                plain(award.value),
                plain(d / award.value)
            ),
            _ => format!("逐年计分，合计 {total}"),
        },
        ScoreForm::Items { items, .. } => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| i.points.as_ref().map_or("0".into(), |p| plain(p.value)))
                .collect();
            format!("子项分值 {} = {total}", parts.join(" + "))
        }
        ScoreForm::Any { .. } => format!("符合一项即得 {total}"),
        ScoreForm::Judged { .. } => format!("专家评分满分 {}", plain(ind.points.value)),
        ScoreForm::Max { .. } => format!("取各部分最高，{total}"),
        ScoreForm::Sum { .. } => format!("各部分之和，{total}"),
        ScoreForm::Expr(_) => match max {
            Max::Unbounded => "计分表达式没有上限".into(),
            _ => format!("计分表达式最多 {total}"),
        },
    }
}
