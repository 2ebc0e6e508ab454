//! Seeded, realistic, made-up submissions for demonstrations, batch tests and benchmarks.
//!
//! Each district is a variation of a base submission (such as `examples/pass.toml`): counts and
//! amounts scaled by a district size and some noise (so ratios between related inputs stay
//! plausible and the rule file's data checks mostly hold), percents moved a few points within
//! their declared range, list entries varied, judgements drawn at random, and now and then an
//! input left out or a judgement not submitted. Inputs the base lacks are drawn from their
//! declarations. Now and then two yearly inputs are made to tie exactly (a percent series equal
//! to another, an amount series an exact multiple of another, so that their growths are equal),
//! since a comparison at equality is where scoring most easily goes wrong. The same seed and
//! index always give the same submission; nothing here reads the clock.

use crate::diag::Severity;
use crate::eval;
use crate::eval::Program;
use crate::model::RuleSet;
use crate::submission::{InputValue, Judgement, Submission};
use crate::syntax::ast::{InputDecl, ScalarKind};
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How often an input the rules need is left out (per input).
const P_MISSING: f64 = 0.01;
/// How often a judgement is not submitted (per key).
const P_NOT_SUBMITTED: f64 = 0.01;
/// How often a judged item is met.
const P_MET: f64 = 0.8;
/// How often a submission is given an exact tie between two yearly inputs (per submission).
const P_TIE: f64 = 0.2;
/// Attempts at a submission that passes the rule file's data checks.
const ATTEMPTS: u64 = 20;

/// The `index`-th made-up district for `seed`, a variation of `base`.
pub fn submission(rules: &Program, base: &Submission, seed: u64, index: u64) -> Submission {
    let mut last = None;
    for attempt in 0..ATTEMPTS {
        let mix = seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(index.wrapping_mul(0xBF58_476D_1CE4_E5B9))
            .wrapping_add(attempt);
        let sub = draw(rules, base, &mut fastrand::Rng::with_seed(mix), index);
        let ok = eval::check_data(rules, &sub)
            .iter()
            .all(|c| c.severity != Severity::Error);
        if ok {
            return sub;
        }
        last = Some(sub);
    }
    last.unwrap_or_default()
}

fn dec(x: f64) -> Decimal {
    Decimal::from_f64(x).unwrap_or_default()
}

/// A multiplicative noise factor in `[1 - w, 1 + w]`.
fn noise(rng: &mut fastrand::Rng, w: f64) -> f64 {
    1.0 + (rng.f64() * 2.0 - 1.0) * w
}

fn bounds(decl: &InputDecl) -> (Option<Decimal>, Option<Decimal>) {
    (
        decl.min.as_ref().map(|l| l.value),
        decl.max.as_ref().map(|l| l.value),
    )
}

/// One value like `x`, for a district `size` times the base's.
fn vary(decl: &InputDecl, rng: &mut fastrand::Rng, x: Decimal, size: f64, w: f64) -> Decimal {
    let v = x.to_f64().unwrap_or(0.0);
    let (lo, hi) = bounds(decl);
    let out = match decl.kind.value {
        ScalarKind::Count => dec((v * size * noise(rng, w)).round().max(0.0)),
        ScalarKind::Money => {
            dec((v * size * noise(rng, w) / 10_000.0 * 10.0).round() / 10.0 * 10_000.0)
        }
        ScalarKind::Percent => {
            let p = v + (rng.f64() * 2.0 - 1.0) * 0.06;
            dec((p * 1000.0).round() / 1000.0)
        }
        ScalarKind::Decimal => dec((v * noise(rng, w) * 10.0).round() / 10.0),
        ScalarKind::Bool => x,
    };
    let out = lo.map_or(out, |lo| out.max(lo));
    hi.map_or(out, |hi| out.min(hi)).normalize()
}

/// A value for an input the base lacks, from its declaration alone.
fn fresh(decl: &InputDecl, rng: &mut fastrand::Rng, size: f64) -> Decimal {
    let x = match decl.kind.value {
        ScalarKind::Count => dec((rng.f64() * 1000.0 * size).round()),
        ScalarKind::Money => dec((rng.f64() * 50_000.0 * size).round() * 10_000.0),
        ScalarKind::Percent => dec((500.0 + rng.f64() * 500.0).round() / 1000.0),
        ScalarKind::Decimal => dec((rng.f64() * 100.0).round()),
        ScalarKind::Bool => Decimal::ZERO,
    };
    let (lo, hi) = bounds(decl);
    let x = lo.map_or(x, |lo| x.max(lo));
    hi.map_or(x, |hi| x.min(hi))
}

/// Makes one yearly input tie exactly with another of the same kind: a percent series becomes a
/// copy of another percent series (a district's growth equal to the province's, or two published
/// growths equal), an amount series an exact multiple of another (so that their growths are
/// equal). A province benchmark may be copied from, never changed.
fn tie(rules: &RuleSet, values: &mut BTreeMap<String, InputValue>, rng: &mut fastrand::Rng) {
    let present: Vec<(&str, ScalarKind)> = rules
        .inputs
        .iter()
        .filter(|d| d.yearly)
        .map(|d| (d.name.value.as_str(), d.kind.value))
        .filter(|(k, _)| matches!(values.get(*k), Some(InputValue::Series(s)) if !s.is_empty()))
        .collect();
    let targets: Vec<&(&str, ScalarKind)> = present
        .iter()
        .filter(|(k, _)| !crate::submission::is_province_key(k))
        .collect();
    if targets.is_empty() {
        return;
    }
    let Some((target, kind)) = targets.get(rng.usize(0..targets.len())) else {
        return;
    };
    let sources: Vec<&str> = present
        .iter()
        .filter(|(k, kd)| k != target && kd == kind)
        .map(|(k, _)| *k)
        .collect();
    if sources.is_empty() {
        return;
    }
    let Some(source) = sources.get(rng.usize(0..sources.len())) else {
        return;
    };
    let (Some(InputValue::Series(from)), Some(InputValue::Series(to))) =
        (values.get(*source), values.get(*target))
    else {
        return;
    };
    let new: BTreeMap<i32, Decimal> = if *kind == ScalarKind::Percent {
        from.clone()
    } else {
        // The factor that keeps the target near its own size: two decimals, or a whole number for
        // counts; never zero.
        let mean = |s: &BTreeMap<i32, Decimal>| {
            s.values().fold(Decimal::ZERO, |a, x| a.saturating_add(*x))
                / Decimal::from(s.len().max(1))
        };
        let (m_from, m_to) = (mean(from), mean(to));
        let places = if *kind == ScalarKind::Count { 0 } else { 2 };
        let unit = Decimal::new(1, places);
        let factor = m_to
            .checked_div(m_from)
            .map_or(Decimal::ONE, |f| f.round_dp(places))
            .max(unit);
        from.iter()
            .filter_map(|(y, x)| x.checked_mul(factor).map(|v| (*y, v.normalize())))
            .collect()
    };
    values.insert((*target).to_string(), InputValue::Series(new));
}

fn draw(rules: &RuleSet, base: &Submission, rng: &mut fastrand::Rng, index: u64) -> Submission {
    let size = (rng.f64() * 1.4 - 0.7).exp();
    let mut values = BTreeMap::new();
    for decl in &rules.inputs {
        let key = decl.name.value.as_str();
        let given = base.values.get(key);
        // Province benchmarks are the same for every district: keep them as the base has them.
        if crate::submission::is_province_key(key) {
            if let Some(v) = given {
                values.insert(key.to_string(), v.clone());
            }
            continue;
        }
        if rng.f64() < P_MISSING && !decl.optional {
            continue;
        }
        let v = match given {
            Some(InputValue::Num(x)) => InputValue::Num(vary(decl, rng, *x, size, 0.15)),
            Some(InputValue::Bool(_)) => InputValue::Bool(rng.bool()),
            Some(InputValue::Series(s)) => {
                let level = noise(rng, 0.15);
                InputValue::Series(
                    s.iter()
                        .map(|(y, x)| (*y, vary(decl, rng, *x, size * level, 0.02)))
                        .collect(),
                )
            }
            Some(InputValue::List(l)) => {
                let mut items: Vec<Decimal> = Vec::new();
                for x in l {
                    if rng.f64() > 0.2 {
                        items.push(vary(decl, rng, *x, 1.0, 0.4));
                    }
                }
                if rng.bool()
                    && let Some(first) = l.first()
                {
                    items.push(vary(decl, rng, *first, 1.0, 0.6));
                }
                InputValue::List(items)
            }
            None if decl.optional => continue,
            None if decl.kind.value == ScalarKind::Bool => InputValue::Bool(rng.bool()),
            None if decl.yearly => continue,
            None if decl.list => InputValue::List(vec![fresh(decl, rng, size)]),
            None => InputValue::Num(fresh(decl, rng, size)),
        };
        values.insert(key.to_string(), v);
    }
    let mut judgements = BTreeMap::new();
    for (key, slot) in &rules.judgements {
        if rng.f64() < P_NOT_SUBMITTED {
            continue;
        }
        let j = match slot.item {
            Some(_) => Judgement {
                met: Some(rng.f64() < P_MET),
                ..Judgement::default()
            },
            None => {
                // Half points up to the most the key may score; a maximum beyond u32 (a rule file with
                // absurd points) is drawn as 0 rather than overflowing.
                let halves = slot
                    .max
                    .checked_mul(Decimal::TWO)
                    .and_then(|m| m.to_u32())
                    .unwrap_or(0);
                Judgement {
                    score: Some(Decimal::from(rng.u32(0..=halves)) / Decimal::TWO),
                    ..Judgement::default()
                }
            }
        };
        judgements.insert(key.clone(), j);
    }
    // Drawn last, so that the rest of a submission does not depend on it.
    if rng.f64() < P_TIE {
        tie(rules, &mut values, rng);
    }
    let region = format!("虚构{:05}区", index + 1);
    Submission {
        file: Arc::from(format!("{region}.toml")),
        region: Some(region),
        year: base.year,
        ruleset: base.ruleset.clone(),
        values,
        judgements,
        ..Submission::default()
    }
}
