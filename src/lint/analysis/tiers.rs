//! Tier tables as intervals over exact decimals: which values two tiers share, which values
//! between tiers no tier holds, which tiers no value can reach.
//!
//! Every bound keeps the text it was written with, so a finding names values the way the rule
//! file does: `15% 同时落在 [8%, 15%] 和 [15%, +∞)`.

use crate::syntax::ast::{Literal, Tier};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// One end of an interval.
#[derive(Debug, Clone, PartialEq)]
pub struct End {
    /// The value.
    pub value: Decimal,
    /// Whether the value itself belongs to the interval.
    pub closed: bool,
    /// The value as written (`15%`).
    pub text: String,
}

impl End {
    fn of(l: &Literal, closed: bool) -> End {
        End {
            value: l.value,
            closed,
            text: l.text.clone(),
        }
    }
}

/// An interval; a missing end is infinite.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    /// The lower end, or −∞.
    pub lo: Option<End>,
    /// The upper end, or +∞.
    pub hi: Option<End>,
}

impl Interval {
    /// The interval of a tier.
    pub fn of_tier(t: &Tier) -> Interval {
        Interval {
            lo: t.lo.as_ref().map(|l| End::of(l, t.lo_inclusive)),
            hi: t.hi.as_ref().map(|l| End::of(l, t.hi_inclusive)),
        }
    }

    /// No value lies in it.
    pub fn is_empty(&self) -> bool {
        match (&self.lo, &self.hi) {
            (Some(l), Some(h)) => match l.value.cmp(&h.value) {
                Ordering::Greater => true,
                Ordering::Equal => !(l.closed && h.closed),
                Ordering::Less => false,
            },
            _ => false,
        }
    }

    /// Exactly one value lies in it.
    pub fn point(&self) -> Option<&End> {
        match (&self.lo, &self.hi) {
            (Some(l), Some(h)) if l.value == h.value && l.closed && h.closed => Some(l),
            _ => None,
        }
    }

    /// The values both hold.
    pub fn intersect(&self, o: &Interval) -> Interval {
        Interval {
            lo: tighter(self.lo.as_ref(), o.lo.as_ref(), true),
            hi: tighter(self.hi.as_ref(), o.hi.as_ref(), false),
        }
    }

    /// The values of `self` not in `o`: at most two intervals.
    pub fn minus(&self, o: &Interval) -> Vec<Interval> {
        let mut out = Vec::new();
        // The part below o.
        if let Some(ol) = &o.lo {
            let below = Interval {
                lo: self.lo.clone(),
                hi: Some(End {
                    closed: !ol.closed,
                    ..ol.clone()
                }),
            }
            .intersect(self);
            if !below.is_empty() {
                out.push(below);
            }
        }
        // The part above o.
        if let Some(oh) = &o.hi {
            let above = Interval {
                lo: Some(End {
                    closed: !oh.closed,
                    ..oh.clone()
                }),
                hi: self.hi.clone(),
            }
            .intersect(self);
            if !above.is_empty() {
                out.push(above);
            }
        }
        out
    }

    /// Whether some whole number lies in it.
    pub fn has_integer(&self) -> bool {
        let lo = self.lo.as_ref().map(|l| {
            let c = l.value.ceil();
            if c == l.value && !l.closed {
                c.checked_add(Decimal::ONE).unwrap_or(c)
            } else {
                c
            }
        });
        let hi = self.hi.as_ref().map(|h| {
            let f = h.value.floor();
            if f == h.value && !h.closed {
                f.checked_sub(Decimal::ONE).unwrap_or(f)
            } else {
                f
            }
        });
        match (lo, hi) {
            (Some(a), Some(b)) => a <= b,
            _ => true,
        }
    }

    /// The interval as people read it: `[8%, 15%)`, `[15%, +∞)`, or just `15%` for one value.
    pub fn show(&self) -> String {
        if let Some(p) = self.point() {
            return p.text.clone();
        }
        let lo = self
            .lo
            .as_ref()
            .map_or("-∞".to_string(), |l| l.text.clone());
        let hi = self
            .hi
            .as_ref()
            .map_or("+∞".to_string(), |h| h.text.clone());
        let lb = if self.lo.as_ref().is_some_and(|l| l.closed) {
            "["
        } else {
            "("
        };
        let rb = if self.hi.as_ref().is_some_and(|h| h.closed) {
            "]"
        } else {
            ")"
        };
        format!("{lb}{lo}, {hi}{rb}")
    }

    /// Orders intervals by their lower end (−∞ first; a closed end before an open one).
    pub fn cmp_lo(&self, o: &Interval) -> Ordering {
        match (&self.lo, &o.lo) {
            (None, None) => Ordering::Equal,
            (None, _) => Ordering::Less,
            (_, None) => Ordering::Greater,
            (Some(a), Some(b)) => a.value.cmp(&b.value).then_with(|| b.closed.cmp(&a.closed)),
        }
    }
}

/// The tighter of two ends: the larger lower end or the smaller upper end; at equal values the
/// open end is tighter.
fn tighter(a: Option<&End>, b: Option<&End>, lower: bool) -> Option<End> {
    match (a, b) {
        (None, x) | (x, None) => x.cloned(),
        (Some(a), Some(b)) => {
            let pick_a = match a.value.cmp(&b.value) {
                Ordering::Equal => !a.closed || b.closed,
                Ordering::Greater => lower,
                Ordering::Less => !lower,
            };
            Some(if pick_a { a.clone() } else { b.clone() })
        }
    }
}

/// The values of `target` that none of `cover` holds.
pub fn uncovered(target: &Interval, cover: &[Interval]) -> Vec<Interval> {
    let mut rest = vec![target.clone()];
    for c in cover {
        rest = rest.iter().flat_map(|r| r.minus(c)).collect();
    }
    rest
}

/// The gaps between tiers: values above the lowest tier and below the highest that no tier
/// holds, in ascending order.
pub fn gaps(tiers: &[Interval]) -> Vec<Interval> {
    let live: Vec<&Interval> = tiers.iter().filter(|t| !t.is_empty()).collect();
    let mut sorted = live.clone();
    sorted.sort_by(|a, b| a.cmp_lo(b));
    let Some(first) = sorted.first() else {
        return Vec::new();
    };
    // The hull from the lowest lower end to the highest upper end.
    let mut hi: Option<End> = first.hi.clone();
    for t in &sorted {
        hi = match (&hi, &t.hi) {
            (None, _) | (_, None) => None,
            (Some(a), Some(b)) => {
                let pick_b = b.value > a.value || (b.value == a.value && b.closed);
                Some(if pick_b { b.clone() } else { a.clone() })
            }
        };
    }
    let hull = Interval {
        lo: first.lo.clone(),
        hi,
    };
    let cover: Vec<Interval> = live.into_iter().cloned().collect();
    let mut out = uncovered(&hull, &cover);
    out.sort_by(|a, b| a.cmp_lo(b));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;
    use crate::number::QuantityUnit;

    fn lit(v: &str) -> Literal {
        let q = crate::number::parse_quantity(v).expect("literal");
        Literal {
            value: q.value,
            unit: QuantityUnit::Percent,
            text: v.to_string(),
            span: Span::default(),
        }
    }

    fn iv(lo: Option<&str>, lc: bool, hi: Option<&str>, hc: bool) -> Interval {
        Interval {
            lo: lo.map(|l| End::of(&lit(l), lc)),
            hi: hi.map(|h| End::of(&lit(h), hc)),
        }
    }

    #[test]
    fn shared_bound_is_one_value() {
        let a = iv(Some("8%"), true, Some("15%"), true);
        let b = iv(Some("15%"), true, None, false);
        let x = a.intersect(&b);
        assert_eq!(x.point().map(|p| p.text.as_str()), Some("15%"));
        assert_eq!(x.show(), "15%");
    }

    #[test]
    fn half_open_tiers_leave_no_gap_and_open_ones_do() {
        let a = iv(Some("8%"), true, Some("15%"), false);
        let b = iv(Some("15%"), true, None, false);
        assert!(a.intersect(&b).is_empty());
        assert!(gaps(&[a.clone(), b]).is_empty());
        let c = iv(Some("15%"), false, None, false);
        let g = gaps(&[a, c]);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].show(), "15%");
    }

    #[test]
    fn integers_in_intervals() {
        let open = Interval {
            lo: Some(End {
                value: Decimal::ONE,
                closed: false,
                text: "1".into(),
            }),
            hi: Some(End {
                value: Decimal::TWO,
                closed: false,
                text: "2".into(),
            }),
        };
        assert!(!open.has_integer());
    }
}

/// A tier table of a rule set, with what is known about its subject.
#[derive(Debug)]
pub struct Table<'r> {
    /// The indicator it scores.
    pub indicator: &'r crate::syntax::ast::Indicator,
    /// The subject expression.
    pub subject: &'r crate::syntax::ast::Expr,
    /// The overlap policy, if stated.
    pub overlap: Option<crate::syntax::ast::Overlap>,
    /// The tiers as written.
    pub tiers: &'r [Tier],
    /// Their intervals, in the same order.
    pub intervals: Vec<Interval>,
    /// The values the subject can take.
    pub range: super::range::Range,
    /// The span of the whole `tiers` form.
    pub span: crate::diag::Span,
}

impl Table<'_> {
    /// Whether a set of values holds a value the subject can take.
    pub fn reachable(&self, iv: &Interval) -> bool {
        let r = &self.range;
        let limits = Interval {
            lo: r.lo.map(|v| End {
                value: v,
                closed: true,
                text: crate::number::plain(v),
            }),
            hi: r.hi.map(|v| End {
                value: v,
                closed: true,
                text: crate::number::plain(v),
            }),
        };
        let x = iv.intersect(&limits);
        !x.is_empty() && (!r.integer || x.has_integer())
    }

    /// The subject as written in the rule file.
    pub fn subject_text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.subject.span.start..self.subject.span.end)
            .unwrap_or("")
    }
}

/// Every tier table of a rule set, in file order.
pub fn tables(rules: &crate::model::RuleSet) -> Vec<Table<'_>> {
    use crate::syntax::ast::ScoreForm;
    let mut ranges = super::range::Ranges::new(rules);
    let mut out = Vec::new();
    for (_, ind) in rules.indicators() {
        let Some(form) = &ind.score else { continue };
        let mut scope = Vec::new();
        for l in &ind.lets {
            let r = ranges.of(&l.value, &scope);
            scope.push((l.name.value.clone(), r));
        }
        let mut forms = Vec::new();
        super::walk::each_form(form, &mut |f| forms.push(f));
        for f in forms {
            if let ScoreForm::Tiers {
                subject,
                overlap,
                tiers,
                span,
            } = f
            {
                out.push(Table {
                    indicator: ind,
                    subject,
                    overlap: overlap.as_ref().map(|o| o.value),
                    tiers,
                    intervals: tiers.iter().map(Interval::of_tier).collect(),
                    range: ranges.of(subject, &scope),
                    span: *span,
                });
            }
        }
    }
    out
}
