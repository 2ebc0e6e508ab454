//! The values an expression can take, as a closed interval over exact decimals.
//!
//! The interval is an over-approximation: every value the expression can have at evaluation
//! time lies inside it, but not every value inside it need be reachable. An input's interval
//! comes from its kind and its declared `min`/`max` (a count or an amount is never negative);
//! arithmetic follows interval arithmetic, with an infinite bound wherever the exact one is not
//! known. Checks use it to say what can never happen (a tier above 100% of a rate, an indicator
//! that can never reach its points), and `zhibiao test` uses it to know which side of a bound no
//! submission can reach.

use crate::model::RuleSet;
use crate::number::QuantityUnit;
use crate::syntax::ast::{ArithOp, Expr, ExprKind, InputDecl, Literal, ScalarKind};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// A bound of an interval: `None` is infinite.
pub type Bound = Option<Decimal>;

/// A closed interval `[lo, hi]` of possible values, and whether they are all whole numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    /// The smallest possible value; `None` is −∞.
    pub lo: Bound,
    /// The largest possible value; `None` is +∞.
    pub hi: Bound,
    /// Every possible value is a whole number.
    pub integer: bool,
}

impl Range {
    /// Any value at all.
    pub const ANY: Range = Range {
        lo: None,
        hi: None,
        integer: false,
    };

    /// Exactly `v`.
    pub fn exact(v: Decimal) -> Range {
        Range {
            lo: Some(v),
            hi: Some(v),
            integer: v.fract().is_zero(),
        }
    }

    /// `[0, +∞)`.
    pub fn non_negative(integer: bool) -> Range {
        Range {
            lo: Some(Decimal::ZERO),
            hi: None,
            integer,
        }
    }

    /// The smallest interval holding both.
    pub fn hull(&self, o: &Range) -> Range {
        Range {
            lo: match (self.lo, o.lo) {
                (Some(a), Some(b)) => Some(a.min(b)),
                _ => None,
            },
            hi: match (self.hi, o.hi) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            },
            integer: self.integer && o.integer,
        }
    }

    /// Some value of the interval lies below `v`.
    pub fn can_be_below(&self, v: Decimal) -> bool {
        self.lo.is_none_or(|lo| lo < v)
    }

    /// Some value of the interval lies above `v`.
    pub fn can_be_above(&self, v: Decimal) -> bool {
        self.hi.is_none_or(|hi| hi > v)
    }

    /// `v` is a possible value.
    pub fn can_be(&self, v: Decimal) -> bool {
        self.lo.is_none_or(|lo| lo <= v)
            && self.hi.is_none_or(|hi| v <= hi)
            && (!self.integer || v.fract().is_zero())
    }
}

/// An extended real: a decimal or an infinity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ext {
    NegInf,
    Fin(Decimal),
    PosInf,
}

impl Ext {
    fn lo(b: Bound) -> Ext {
        b.map_or(Ext::NegInf, Ext::Fin)
    }

    fn hi(b: Bound) -> Ext {
        b.map_or(Ext::PosInf, Ext::Fin)
    }

    fn bound(self) -> Bound {
        match self {
            Ext::Fin(d) => Some(d),
            _ => None,
        }
    }

    fn sign(self) -> i8 {
        match self {
            Ext::NegInf => -1,
            Ext::PosInf => 1,
            Ext::Fin(d) if d.is_zero() => 0,
            Ext::Fin(d) if d.is_sign_negative() => -1,
            Ext::Fin(_) => 1,
        }
    }

    /// The product; `0 × ∞` is 0, as interval arithmetic on closed intervals needs. `None` on
    /// overflow.
    fn mul(self, o: Ext) -> Option<Ext> {
        match (self, o) {
            (Ext::Fin(a), Ext::Fin(b)) => a.checked_mul(b).map(Ext::Fin),
            _ => Some(match self.sign() * o.sign() {
                0 => Ext::Fin(Decimal::ZERO),
                s if s > 0 => Ext::PosInf,
                _ => Ext::NegInf,
            }),
        }
    }
}

fn add_bound(a: Bound, b: Bound) -> Bound {
    a?.checked_add(b?)
}

/// Computes ranges of expressions in a rule set, with local names bound to ranges.
pub struct Ranges<'r> {
    rules: &'r RuleSet,
    globals: HashMap<String, Range>,
    depth: usize,
}

impl<'r> Ranges<'r> {
    /// A calculator for a rule set.
    pub fn new(rules: &'r RuleSet) -> Ranges<'r> {
        Ranges {
            rules,
            globals: HashMap::new(),
            depth: 0,
        }
    }

    /// The range of an input's values (of each entry, for a list or series).
    pub fn input(decl: &InputDecl) -> Range {
        let factor = decl
            .unit
            .as_ref()
            .and_then(|u| crate::number::money_unit_factor(&u.value))
            .unwrap_or(Decimal::ONE);
        let declared = |l: &Literal| match (decl.kind.value, &l.unit) {
            (ScalarKind::Money, QuantityUnit::None) => l.value.checked_mul(factor),
            _ => Some(l.value),
        };
        let (mut lo, integer) = match decl.kind.value {
            ScalarKind::Count => (Some(Decimal::ZERO), true),
            ScalarKind::Money => (Some(Decimal::ZERO), false),
            _ => (None, false),
        };
        if let Some(m) = decl.min.as_ref().and_then(declared) {
            lo = Some(lo.map_or(m, |l| l.max(m)));
        }
        let hi = decl.max.as_ref().and_then(declared);
        Range { lo, hi, integer }
    }

    /// The range of an expression with `locals` in scope (innermost last).
    pub fn of(&mut self, e: &Expr, locals: &[(String, Range)]) -> Range {
        match &e.kind {
            ExprKind::Lit(l) => Range::exact(l.value),
            ExprKind::Bool(_) | ExprKind::Year | ExprKind::Script(_) => Range::ANY,
            ExprKind::Name(n) => self.name(n, locals),
            ExprKind::Index(base, _) => match &base.kind {
                ExprKind::Name(n) => self.name(n, locals),
                _ => Range::ANY,
            },
            ExprKind::Neg(a) => {
                let r = self.of(a, locals);
                Range {
                    lo: r.hi.map(|h| -h),
                    hi: r.lo.map(|l| -l),
                    integer: r.integer,
                }
            }
            ExprKind::Arith(op, a, b) => {
                let (x, y) = (self.of(a, locals), self.of(b, locals));
                arith(*op, &x, &y)
            }
            ExprKind::Coalesce(a, b) => {
                let (x, y) = (self.of(a, locals), self.of(b, locals));
                x.hull(&y)
            }
            ExprKind::Call(name, args) => {
                let rs: Vec<Range> = args.iter().map(|a| self.of(a, locals)).collect();
                self.call(&name.value, args, &rs)
            }
            ExprKind::CountWhere { .. } => Range::non_negative(true),
            ExprKind::Cmp(..)
            | ExprKind::And(..)
            | ExprKind::Or(..)
            | ExprKind::Not(_)
            | ExprKind::Quant { .. } => Range::ANY,
        }
    }

    fn name(&mut self, n: &str, locals: &[(String, Range)]) -> Range {
        if let Some((_, r)) = locals.iter().rev().find(|(k, _)| k == n) {
            return r.clone();
        }
        if let Some(r) = self.globals.get(n) {
            return r.clone();
        }
        if let Some(l) = self.rules.lets.get(n) {
            if self.depth > 16 {
                return Range::ANY;
            }
            self.depth += 1;
            let value = l.value.clone();
            let r = self.of(&value, &[]);
            self.depth -= 1;
            self.globals.insert(n.to_string(), r.clone());
            return r;
        }
        self.rules.input(n).map_or(Range::ANY, Ranges::input)
    }

    fn call(&mut self, name: &str, args: &[Expr], rs: &[Range]) -> Range {
        if let Some(f) = self.rules.fns.get(name) {
            if self.depth > 16 || f.params.len() != rs.len() {
                return Range::ANY;
            }
            // A parameter that receives a series or list keeps the name, so indexing finds it.
            let binds: Vec<(String, Range)> = f
                .params
                .iter()
                .zip(args.iter().zip(rs))
                .map(|(p, (a, r))| {
                    let r = match &a.kind {
                        ExprKind::Name(n) if self.rules.input(n).is_some() => self.name(n, &[]),
                        _ => r.clone(),
                    };
                    (p.value.clone(), r)
                })
                .collect();
            self.depth += 1;
            let body = f.body.clone();
            let r = self.of(&body, &binds);
            self.depth -= 1;
            return r;
        }
        match name {
            "min" | "max" => {
                let mut it = rs.iter();
                let Some(first) = it.next() else {
                    return Range::ANY;
                };
                it.fold(first.clone(), |acc, r| {
                    let pick = |a: Bound, b: Bound, low: bool, min: bool| match (a, b) {
                        (Some(x), Some(y)) => Some(if min { x.min(y) } else { x.max(y) }),
                        // An infinite bound wins for max-of-highs and min-of-lows only.
                        (None, other) | (other, None) => {
                            if low == min {
                                None
                            } else {
                                other
                            }
                        }
                    };
                    let min = name == "min";
                    Range {
                        lo: pick(acc.lo, r.lo, true, min),
                        hi: pick(acc.hi, r.hi, false, min),
                        integer: acc.integer && r.integer,
                    }
                })
            }
            "abs" => match rs.first() {
                Some(r) => {
                    let hi = match (r.lo, r.hi) {
                        (Some(l), Some(h)) => Some(l.abs().max(h.abs())),
                        _ => None,
                    };
                    let lo = match (r.lo, r.hi) {
                        (Some(l), _) if !l.is_sign_negative() => Some(l),
                        (_, Some(h)) if h.is_sign_negative() => Some(-h),
                        _ => Some(Decimal::ZERO),
                    };
                    Range {
                        lo,
                        hi,
                        integer: r.integer,
                    }
                }
                None => Range::ANY,
            },
            "sum" => match rs.first() {
                Some(r) if r.lo.is_some_and(|l| !l.is_sign_negative()) => {
                    Range::non_negative(r.integer)
                }
                _ => Range::ANY,
            },
            "len" => Range::non_negative(true),
            _ => Range::ANY,
        }
    }
}

/// Interval arithmetic.
pub fn arith(op: ArithOp, x: &Range, y: &Range) -> Range {
    match op {
        ArithOp::Add => Range {
            lo: add_bound(x.lo, y.lo),
            hi: add_bound(x.hi, y.hi),
            integer: x.integer && y.integer,
        },
        ArithOp::Sub => arith(
            ArithOp::Add,
            x,
            &Range {
                lo: y.hi.map(|h| -h),
                hi: y.lo.map(|l| -l),
                integer: y.integer,
            },
        ),
        ArithOp::Mul => {
            let xs = [Ext::lo(x.lo), Ext::hi(x.hi)];
            let ys = [Ext::lo(y.lo), Ext::hi(y.hi)];
            let mut products = Vec::with_capacity(4);
            for a in xs {
                for b in ys {
                    match a.mul(b) {
                        Some(p) => products.push(p),
                        None => return Range::ANY,
                    }
                }
            }
            let lo = products.iter().min().copied().unwrap_or(Ext::NegInf);
            let hi = products.iter().max().copied().unwrap_or(Ext::PosInf);
            Range {
                lo: if lo == Ext::NegInf { None } else { lo.bound() },
                hi: if hi == Ext::PosInf { None } else { hi.bound() },
                integer: x.integer && y.integer,
            }
        }
        ArithOp::Div => {
            let non_neg = |r: &Range| r.lo.is_some_and(|l| !l.is_sign_negative());
            let positive = |r: &Range| r.lo.is_some_and(|l| l > Decimal::ZERO);
            if positive(y) {
                // x ÷ y for y in [lo, hi] with lo > 0: multiply by [1/hi, 1/lo].
                let inv_lo = y.hi.and_then(|h| Decimal::ONE.checked_div(h));
                let inv_hi = y.lo.and_then(|l| Decimal::ONE.checked_div(l));
                let inv = Range {
                    lo: Some(inv_lo.unwrap_or(Decimal::ZERO)),
                    hi: inv_hi,
                    integer: false,
                };
                let mut r = arith(ArithOp::Mul, x, &inv);
                r.integer = false;
                r
            } else if non_neg(x) && non_neg(y) {
                Range::non_negative(false)
            } else {
                Range::ANY
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(lo: i64, hi: Option<i64>) -> Range {
        Range {
            lo: Some(Decimal::from(lo)),
            hi: hi.map(Decimal::from),
            integer: true,
        }
    }

    #[test]
    fn products_with_an_infinite_bound_stay_sound() {
        let half = Range::exact(Decimal::new(5, 1));
        let count = r(0, None);
        let p = arith(ArithOp::Mul, &count, &half);
        assert_eq!(p.lo, Some(Decimal::ZERO));
        assert_eq!(p.hi, None);
        let q = arith(ArithOp::Mul, &r(-2, Some(3)), &r(4, Some(5)));
        assert_eq!(
            (q.lo, q.hi),
            (Some(Decimal::from(-10)), Some(Decimal::from(15)))
        );
    }

    #[test]
    fn a_ratio_of_counts_is_not_negative() {
        let share = arith(ArithOp::Div, &r(0, None), &r(0, None));
        assert_eq!(share.lo, Some(Decimal::ZERO));
        assert!(!share.integer);
    }
}
