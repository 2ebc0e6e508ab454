//! A hand-written native Rust scorer of the official index (sd-nmsz 2023, 42 indicators), the
//! baseline the benchmarks compare the engine with.
//!
//! It is what a programmer would write without a rule language: every indicator as plain Rust
//! over the validated [`Submission`], exact decimals throughout (rust_decimal), ratios compared
//! by cross-multiplying rather than by dividing. It keeps the rule file's semantics: tiers with
//! `overlap higher`, per-year growth taken from the published value where one was filled in and
//! computed from the totals otherwise, the ladder of indicator 4 (best of four readings, capped
//! at 2), per-indicator caps, categories capped at their declared points, three-valued `and`
//! with missing data, an indicator with any missing datum scored 0, an indicator whose rule
//! divides by zero scored 0, and the pass rule (total ≥ 85 and every category's rate ≥ 75%).
//! It builds no explanations: it only scores. `tests/native_agrees.rs` checks that it and the
//! engine agree on thousands of generated submissions.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::cmp::Ordering;
use zhibiao::submission::{InputValue, Submission};

/// How an indicator came out, as the engine's `Status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Scored from complete data.
    Scored,
    /// Data missing: scored 0.
    Missing,
    /// Division by zero or overflow: scored 0.
    Error,
}

/// The native scorer's result.
#[derive(Debug, Clone)]
pub struct NativeResult {
    /// Score and state of indicators 1..=42, in order.
    pub indicators: Vec<(Decimal, State)>,
    /// The five categories' capped scores.
    pub categories: [Decimal; 5],
    /// The total.
    pub total: Decimal,
    /// Whether the district passes.
    pub passed: bool,
}

/// A datum: `Ok(Some)` known, `Ok(None)` missing, `Err` the rule cannot be applied.
type V<T> = Result<Option<T>, ()>;

/// An exact ratio `n / d`, `d > 0`.
#[derive(Clone, Copy)]
struct Ratio {
    n: Decimal,
    d: Decimal,
}

impl Ratio {
    fn of(n: Decimal) -> Ratio {
        Ratio { n, d: Decimal::ONE }
    }

    fn div(n: Decimal, d: Decimal) -> Result<Ratio, ()> {
        if d.is_zero() {
            return Err(());
        }
        if d.is_sign_negative() {
            return Ok(Ratio { n: -n, d: -d });
        }
        Ok(Ratio { n, d })
    }

    fn cmp(&self, o: &Ratio) -> Result<Ordering, ()> {
        let l = self.n.checked_mul(o.d).ok_or(())?;
        let r = o.n.checked_mul(self.d).ok_or(())?;
        Ok(l.cmp(&r))
    }

    fn gt(&self, o: &Ratio) -> Result<bool, ()> {
        Ok(self.cmp(o)? == Ordering::Greater)
    }
}

fn num(s: &Submission, key: &str) -> Option<Decimal> {
    match s.values.get(key) {
        Some(InputValue::Num(n)) => Some(*n),
        _ => None,
    }
}

fn at(s: &Submission, key: &str, y: i32) -> Option<Decimal> {
    match s.values.get(key) {
        Some(InputValue::Series(m)) => m.get(&y).copied(),
        _ => None,
    }
}

/// Growth in year `y`: the published value if filled in, else `x[y] / x[y-1] - 1`.
fn growth(s: &Submission, published: &str, totals: &str, y: i32) -> V<Ratio> {
    if let Some(p) = at(s, published, y) {
        return Ok(Some(Ratio::of(p)));
    }
    match (at(s, totals, y), at(s, totals, y - 1)) {
        (Some(a), Some(b)) => {
            let n = a.checked_sub(b).ok_or(())?;
            Ratio::div(n, b).map(Some)
        }
        _ => Ok(None),
    }
}

/// `a > b` over possibly missing data.
fn gt(a: V<Ratio>, b: V<Ratio>) -> V<bool> {
    let (a, b) = (a?, b?);
    match (a, b) {
        (Some(a), Some(b)) => a.gt(&b).map(Some),
        _ => Ok(None),
    }
}

/// Three-valued `and`: false wins over missing.
fn and(a: V<bool>, b: V<bool>) -> V<bool> {
    let (a, b) = (a?, b?);
    Ok(match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    })
}

fn cmp_num(s: &Submission, key: &str, bound: Decimal, want: &[Ordering]) -> V<bool> {
    Ok(num(s, key).map(|x| want.contains(&x.cmp(&bound))))
}

fn above(s: &Submission, key: &str, bound: Decimal) -> V<bool> {
    cmp_num(s, key, bound, &[Ordering::Greater])
}

fn at_least(s: &Submission, key: &str, bound: Decimal) -> V<bool> {
    cmp_num(s, key, bound, &[Ordering::Greater, Ordering::Equal])
}

fn above_key(s: &Submission, a: &str, b: &str) -> V<bool> {
    match (num(s, a), num(s, b)) {
        (Some(x), Some(y)) => Ok(Some(x > y)),
        _ => Ok(None),
    }
}

/// An indicator's raw outcome: a score, or missing data, or an error.
enum Out {
    Score(Decimal),
    Missing,
    Error,
}

/// Sums the points of the years in Y-1..=Y where `cond` holds.
fn each_year(s: &Submission, award: Decimal, cond: impl Fn(i32) -> V<bool>) -> Out {
    let mut score = Decimal::ZERO;
    let mut missing = false;
    for y in [s.year - 1, s.year] {
        match cond(y) {
            Err(()) => return Out::Error,
            Ok(Some(true)) => score += award,
            Ok(Some(false)) => {}
            Ok(None) => missing = true,
        }
    }
    if missing {
        Out::Missing
    } else {
        Out::Score(score)
    }
}

/// A share `a / b` placed in two tiers `[lo, hi] => 1`, `[hi, ..) => 2`, overlap higher.
fn share_tiers(s: &Submission, a: &str, b: &str, lo: Decimal, hi: Decimal) -> Out {
    let (Some(x), Some(y)) = (num(s, a), num(s, b)) else {
        return Out::Missing;
    };
    let Ok(r) = Ratio::div(x, y) else {
        return Out::Error;
    };
    let (Ok(vs_lo), Ok(vs_hi)) = (r.cmp(&Ratio::of(lo)), r.cmp(&Ratio::of(hi))) else {
        return Out::Error;
    };
    if vs_hi != Ordering::Less {
        Out::Score(Decimal::TWO)
    } else if vs_lo != Ordering::Less {
        Out::Score(Decimal::ONE)
    } else {
        Out::Score(Decimal::ZERO)
    }
}

/// An item of an `items` form: judged (by key) or decided by a condition.
enum Item {
    Judged(&'static str, Decimal),
    When(V<bool>, Decimal),
}

fn judged(s: &Submission, key: &str, points: Decimal) -> Decimal {
    match s.judgements.get(key) {
        None => Decimal::ZERO,
        Some(j) => match (j.score, j.met) {
            (Some(x), _) => x.min(points).max(Decimal::ZERO),
            (None, Some(true)) => points,
            (None, _) => Decimal::ZERO,
        },
    }
}

fn items(s: &Submission, list: &[Item]) -> Out {
    let mut score = Decimal::ZERO;
    let mut missing = false;
    for it in list {
        match it {
            Item::Judged(key, p) => score += judged(s, key, *p),
            Item::When(Err(()), _) => return Out::Error,
            Item::When(Ok(Some(true)), p) => score += *p,
            Item::When(Ok(Some(false)), _) => {}
            Item::When(Ok(None), _) => missing = true,
        }
    }
    if missing {
        Out::Missing
    } else {
        Out::Score(score)
    }
}

/// `score any award 3` over judged items `n.1..=n.3`.
fn any3(s: &Submission, keys: [&str; 3]) -> Out {
    let met = keys.iter().any(|k| judged(s, k, dec!(3)) > Decimal::ZERO);
    Out::Score(if met { dec!(3) } else { Decimal::ZERO })
}

fn j(key: &'static str) -> Item {
    Item::Judged(key, Decimal::ONE)
}

/// Indicator 4: the best of four readings of the new operators' sales, capped at 2.
fn ladder(s: &Submission) -> Out {
    let Some(InputValue::List(sales)) = s.values.get("new_large_operator_sales") else {
        return Out::Missing;
    };
    let count = |bound: Decimal| sales.iter().filter(|x| **x > bound).count();
    let over_3yi = count(dec!(300000000));
    let over_2yi = count(dec!(200000000));
    let over_1yi = count(dec!(100000000));
    let over_5qw = count(dec!(50000000));
    let a = if over_3yi >= 1 {
        dec!(2)
    } else {
        Decimal::ZERO
    };
    let b = match over_2yi {
        0 => Decimal::ZERO,
        1 => dec!(1.5),
        _ => dec!(2),
    };
    let c = match over_1yi {
        0 => Decimal::ZERO,
        1 => dec!(1),
        _ => dec!(2),
    };
    let d = Decimal::from(over_5qw) * dec!(0.5);
    Out::Score(a.max(b).max(c).max(d))
}

/// Scores a validated submission against sd-nmsz 2023.
pub fn score(s: &Submission) -> NativeResult {
    let one = Decimal::ONE;
    let outs: [(Out, Decimal, Option<Decimal>); 42] = [
        // 促进发展
        (
            each_year(s, one, |y| {
                gt(
                    growth(s, "online_retail_growth", "online_retail", y),
                    Ok(at(s, "province_online_retail_growth", y).map(Ratio::of)),
                )
            }),
            dec!(2),
            None,
        ),
        (
            each_year(s, one, |y| {
                gt(
                    growth(s, "online_retail_growth", "online_retail", y),
                    growth(s, "retail_total_growth", "retail_total", y),
                )
            }),
            dec!(2),
            None,
        ),
        (
            share_tiers(
                s,
                "online_operators",
                "market_entities",
                dec!(0.08),
                dec!(0.15),
            ),
            dec!(2),
            None,
        ),
        (ladder(s), dec!(2), Some(dec!(2))),
        (
            each_year(s, one, |y| {
                gt(
                    growth(s, "express_growth", "express_volume", y),
                    Ok(at(s, "province_express_growth", y).map(Ratio::of)),
                )
            }),
            dec!(2),
            None,
        ),
        (
            each_year(s, one, |y| {
                let share = match (at(s, "online_retail", y), at(s, "retail_total", y)) {
                    (Some(a), Some(b)) => Ratio::div(a, b).map(Some),
                    _ => Ok(None),
                };
                gt(
                    share,
                    Ok(at(s, "province_online_retail_share", y).map(Ratio::of)),
                )
            }),
            dec!(2),
            None,
        ),
        (
            share_tiers(
                s,
                "online_employment",
                "total_employment",
                dec!(0.03),
                dec!(0.05),
            ),
            dec!(2),
            None,
        ),
        (
            share_tiers(s, "ecommerce_tax", "total_tax", dec!(0.03), dec!(0.05)),
            dec!(2),
            None,
        ),
        (
            share_tiers(
                s,
                "operators_over_2y",
                "online_operators",
                dec!(0.30),
                dec!(0.50),
            ),
            dec!(2),
            None,
        ),
        (Out::Score(judged(s, "10", dec!(2))), dec!(2), None),
        // 规范监管
        (
            items(
                s,
                &[
                    Item::When(
                        match (num(s, "platform_users"), num(s, "regulatory_staff")) {
                            (Some(u), Some(r)) => Ok(Some(u > r * dec!(0.5))),
                            _ => Ok(None),
                        },
                        one,
                    ),
                    Item::When(at_least(s, "identity_claim_rate", one), one),
                    j("11.3"),
                ],
            ),
            dec!(3),
            None,
        ),
        (items(s, &[j("12.1"), j("12.2"), j("12.3")]), dec!(3), None),
        (items(s, &[j("13.1"), j("13.2"), j("13.3")]), dec!(3), None),
        (items(s, &[j("14.1"), j("14.2"), j("14.3")]), dec!(3), None),
        (items(s, &[j("15.1"), j("15.2"), j("15.3")]), dec!(3), None),
        (Out::Score(judged(s, "16", dec!(3))), dec!(3), None),
        (
            items(
                s,
                &[
                    Item::When(above(s, "tip_verification_rate", dec!(0.95)), one),
                    Item::When(
                        and(
                            above(s, "assigned_case_timely_rate", dec!(0.90)),
                            above(s, "assigned_case_completion_rate", dec!(0.90)),
                        ),
                        one,
                    ),
                    j("17.3"),
                ],
            ),
            dec!(3),
            None,
        ),
        (
            items(
                s,
                &[
                    Item::When(
                        and(
                            above(s, "case_upheld_rate", dec!(0.95)),
                            above(s, "case_win_rate", dec!(0.95)),
                        ),
                        one,
                    ),
                    Item::When(
                        cmp_num(
                            s,
                            "procedural_violation_cases",
                            Decimal::ZERO,
                            &[Ordering::Equal],
                        ),
                        one,
                    ),
                ],
            ),
            dec!(2),
            None,
        ),
        (
            items(
                s,
                &[
                    Item::When(above(s, "monitoring_timely_rate", dec!(0.90)), one),
                    Item::When(above(s, "monitoring_completion_rate", dec!(0.90)), one),
                ],
            ),
            dec!(2),
            None,
        ),
        // 优化服务
        (items(s, &[j("20.1"), j("20.2"), j("20.3")]), dec!(3), None),
        (items(s, &[j("21.1"), j("21.2")]), dec!(2), None),
        (items(s, &[j("22.1"), j("22.2"), j("22.3")]), dec!(3), None),
        (items(s, &[j("23.1"), j("23.2"), j("23.3")]), dec!(3), None),
        (items(s, &[j("24.1"), j("24.2")]), dec!(2), None),
        (
            items(
                s,
                &[
                    Item::When(
                        and(
                            above(s, "complaint_initial_check_rate", dec!(0.95)),
                            above(s, "complaint_closure_rate", dec!(0.95)),
                        ),
                        one,
                    ),
                    Item::When(
                        above_key(
                            s,
                            "mediation_success_rate",
                            "province_mediation_success_rate",
                        ),
                        one,
                    ),
                    Item::When(
                        above_key(s, "consumer_satisfaction", "province_consumer_satisfaction"),
                        one,
                    ),
                ],
            ),
            dec!(3),
            None,
        ),
        (
            items(
                s,
                &[
                    Item::When(
                        and(
                            above_key(s, "odr_closure_rate", "province_odr_closure_rate"),
                            above_key(s, "odr_settlement_rate", "province_odr_settlement_rate"),
                        ),
                        one,
                    ),
                    j("26.2"),
                ],
            ),
            dec!(2),
            None,
        ),
        (items(s, &[j("27.1"), j("27.2")]), dec!(2), None),
        (items(s, &[j("28.1"), j("28.2")]), dec!(2), None),
        // 探索创新
        (any3(s, ["29.1", "29.2", "29.3"]), dec!(3), None),
        (any3(s, ["30.1", "30.2", "30.3"]), dec!(3), None),
        (any3(s, ["31.1", "31.2", "31.3"]), dec!(3), None),
        (any3(s, ["32.1", "32.2", "32.3"]), dec!(3), None),
        (Out::Score(judged(s, "33", dec!(3))), dec!(3), None),
        (
            items(
                s,
                &[Item::Judged("34.1", dec!(2)), Item::Judged("34.2", one)],
            ),
            dec!(3),
            None,
        ),
        (
            match num(s, "regulation_outputs") {
                Some(n) => Out::Score(n),
                None => Out::Missing,
            },
            dec!(2),
            Some(dec!(2)),
        ),
        // 综合保障
        (Out::Score(judged(s, "36", dec!(2))), dec!(2), None),
        (items(s, &[j("37.1"), j("37.2"), j("37.3")]), dec!(3), None),
        (items(s, &[j("38.1"), j("38.2")]), dec!(2), None),
        (
            items(
                s,
                &[
                    j("39.1"),
                    Item::When(
                        and(
                            at_least(s, "training_coverage", one),
                            at_least(s, "training_hours_min", dec!(50)),
                        ),
                        one,
                    ),
                ],
            ),
            dec!(2),
            None,
        ),
        (items(s, &[j("40.1"), j("40.2")]), dec!(2), None),
        (items(s, &[j("41.1"), j("41.2")]), dec!(2), None),
        (items(s, &[j("42.1"), j("42.2")]), dec!(2), None),
    ];

    let mut indicators = Vec::with_capacity(42);
    for (out, points, cap) in outs {
        indicators.push(match out {
            Out::Score(x) => {
                let x = cap.map_or(x, |c| x.min(c)).min(points).max(Decimal::ZERO);
                (x, State::Scored)
            }
            Out::Missing => (Decimal::ZERO, State::Missing),
            Out::Error => (Decimal::ZERO, State::Error),
        });
    }
    // Indicators per category, and each category's declared points.
    let sizes = [10usize, 9, 9, 7, 7];
    let declared = [dec!(20), dec!(25), dec!(20), dec!(20), dec!(15)];
    let mut categories = [Decimal::ZERO; 5];
    let mut rest = indicators.as_slice();
    for ((cat, n), cap) in categories.iter_mut().zip(sizes).zip(declared) {
        let (mine, tail) = rest.split_at(n.min(rest.len()));
        rest = tail;
        *cat = mine.iter().map(|(x, _)| *x).sum::<Decimal>().min(cap);
    }
    let total: Decimal = categories.iter().sum();
    let passed = total >= dec!(85)
        && categories
            .iter()
            .zip(declared)
            .all(|(x, p)| *x >= p * dec!(0.75));
    NativeResult {
        indicators,
        categories,
        total,
        passed,
    }
}
