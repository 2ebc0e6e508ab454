//! Seeded, realistic, made-up submissions for demonstrations, batch tests and benchmarks.
//!
//! Each district is a variation of a base submission (such as `examples/pass.toml`): counts and
//! amounts scaled by a district size and some noise (so ratios between related inputs stay
//! plausible and the rule file's data checks mostly hold), percents moved a few points within
//! their declared range, list entries varied, judgements drawn at random, and now and then an
//! input left out or a judgement not submitted. Inputs the base lacks are drawn from their
//! declarations. The same seed and index always give the same submission; nothing here reads
//! the clock.

use crate::diag::Severity;
use crate::eval;
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
/// Attempts at a submission that passes the rule file's data checks.
const ATTEMPTS: u64 = 20;

/// The `index`-th made-up district for `seed`, a variation of `base`.
pub fn submission(rules: &RuleSet, base: &Submission, seed: u64, index: u64) -> Submission {
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

fn draw(rules: &RuleSet, base: &Submission, rng: &mut fastrand::Rng, index: u64) -> Submission {
    let size = (rng.f64() * 1.4 - 0.7).exp();
    let mut values = BTreeMap::new();
    for decl in &rules.inputs {
        let key = decl.name.value.as_str();
        let given = base.values.get(key);
        // Province benchmarks are the same for every district: keep them as the base has them.
        if key.starts_with("province_") {
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
