//! Boundary coverage: for every tier bound and every comparison of an indicator, which sides the
//! test cases reach — below the bound, exactly on it, above it.
//!
//! A rule like “占比8%-15%得1分，15%以上得2分” is only pinned down by tests that put a value just
//! below 8%, exactly on 8%, above it, and the same around 15%; a condition like “核查率大于95%”
//! by a value below, on and above 95%. The evaluator reports every comparison it makes to a
//! [`Probe`]; [`Coverage`] counts them per place in the rule file.
//!
//! A side no submission can reach is not required: the [range](crate::lint::analysis::range) of
//! the compared values says so (a rate declared `max 100%` is never above 100%, a count never
//! below 0, a count never exactly 2.5).

use crate::diag::Span;
use crate::eval::Probe;
use crate::lint::analysis::range::{Range, Ranges};
use crate::lint::analysis::{tiers, walk};
use crate::model::RuleSet;
use crate::syntax::ast::{CmpOp, Expr, ExprKind, How, Indicator, ScoreForm};
use std::cmp::Ordering;
use std::collections::HashMap;

/// The sides of a boundary, in order: below, exactly on, above.
pub const SIDES: [&str; 3] = ["低于", "恰好等于", "高于"];

/// A boundary the tests should reach on every side.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The indicator.
    pub indicator: u32,
    /// The sub-item, for a condition of one.
    pub item: Option<u32>,
    /// What is compared, as people know it: `网络交易经营者占比`.
    pub left: String,
    /// What it is compared with: `15%`, `全省网上零售额同比增速`.
    pub right: String,
    /// Whether the right side is a number written in the rule (a bound or a literal).
    pub right_is_value: bool,
    /// Which sides a submission can reach.
    pub possible: [bool; 3],
    /// Which sides the tests reached.
    pub seen: [bool; 3],
    /// Where it is written (the first place, for a bound shared by two tiers).
    pub span: Span,
}

impl Target {
    /// The sides that can be reached but were not.
    pub fn missing(&self) -> Vec<usize> {
        (0..3)
            .filter(|&i| self.possible.get(i) == Some(&true) && self.seen.get(i) == Some(&false))
            .collect()
    }

    /// Says what no test covers: `指标 3（网络交易经营者占比）：没有测试恰好等于 15% 的情况`.
    pub fn describe_missing(&self) -> Option<String> {
        let missing = self.missing();
        if missing.is_empty() {
            return None;
        }
        let place = match self.item {
            Some(i) => format!("指标 {}.{i}", self.indicator),
            None => format!("指标 {}", self.indicator),
        };
        Some(if self.right_is_value {
            let sides: Vec<String> = missing
                .iter()
                .filter_map(|i| SIDES.get(*i))
                .map(|side| format!("{side} {}", self.right))
                .collect();
            format!(
                "{place}（{}）：没有测试{} 的情况",
                self.left,
                sides.join("、")
            )
        } else {
            let sides: Vec<String> = missing
                .iter()
                .filter_map(|i| SIDES.get(*i))
                .map(|side| format!("{} {side} {}", self.left, self.right))
                .collect();
            format!("{place}：没有测试“{}”的情况", sides.join("”“"))
        })
    }
}

/// The boundaries of a rule set and what the tests reached.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// Every boundary, in file order.
    pub targets: Vec<Target>,
    /// Indicators scored through a script: their boundaries cannot be found from the rule, so
    /// each needs a case that states its expected score.
    pub scripted: Vec<u32>,
    /// Indicators some case states an expected score for.
    pub expected: std::collections::BTreeSet<u32>,
    by_span: HashMap<Span, usize>,
}

impl Probe for Coverage {
    fn compared(&mut self, at: Span, ord: Ordering) {
        if let Some(t) = self.by_span.get(&at).and_then(|i| self.targets.get_mut(*i)) {
            let side = match ord {
                Ordering::Less => 0,
                Ordering::Equal => 1,
                Ordering::Greater => 2,
            };
            if let Some(seen) = t.seen.get_mut(side) {
                *seen = true;
            }
        }
    }
}

impl Coverage {
    /// The boundaries of a rule set, none reached yet.
    pub fn of(rules: &RuleSet) -> Coverage {
        let mut cov = Coverage::default();
        let tables = tiers::tables(rules);
        let mut ranges = Ranges::new(rules);
        for (_, ind) in rules.indicators() {
            let mut scripted = false;
            let mut roots: Vec<&Expr> = ind.lets.iter().map(|l| &l.value).collect();
            if let Some(form) = &ind.score {
                walk::form_exprs(form, &mut |e| roots.push(e));
            }
            for root in roots {
                walk::each(root, &mut |e| {
                    scripted |= matches!(e.kind, ExprKind::Script(_))
                });
            }
            if scripted {
                cov.scripted.push(ind.no.value);
            }
            let mut scope: Vec<(String, Range)> = Vec::new();
            for l in &ind.lets {
                let r = ranges.of(&l.value, &scope);
                scope.push((l.name.value.clone(), r));
            }
            // What the variable of `count(s in list where …)` stands for: an entry of the list.
            let mut vars: HashMap<String, String> = HashMap::new();
            let mut roots: Vec<&Expr> = ind.lets.iter().map(|l| &l.value).collect();
            if let Some(form) = &ind.score {
                walk::form_exprs(form, &mut |e| roots.push(e));
            }
            for root in roots {
                walk::each(root, &mut |e| {
                    if let ExprKind::CountWhere { var, list, .. } = &e.kind {
                        let of = label(rules, ind, list, &HashMap::new());
                        vars.insert(var.value.clone(), of);
                    }
                });
            }
            let mut found: Vec<(Span, Target, Vec<Span>)> = Vec::new();
            for t in tables
                .iter()
                .filter(|t| t.indicator.no.value == ind.no.value)
            {
                let left = label(rules, ind, t.subject, &vars);
                let mut by_value: Vec<(rust_decimal::Decimal, String, Vec<Span>)> = Vec::new();
                for b in t.tiers.iter().flat_map(|x| [&x.lo, &x.hi]).flatten() {
                    match by_value.iter_mut().find(|(v, _, _)| *v == b.value) {
                        Some((_, _, spans)) => spans.push(b.span),
                        None => by_value.push((b.value, b.text.clone(), vec![b.span])),
                    }
                }
                for (value, text, spans) in by_value {
                    let r = &t.range;
                    let possible = [
                        r.can_be_below(value),
                        r.can_be(value),
                        r.can_be_above(value),
                    ];
                    let first = spans.first().copied().unwrap_or_default();
                    found.push((
                        first,
                        Target {
                            indicator: ind.no.value,
                            item: None,
                            left: left.clone(),
                            right: text,
                            right_is_value: true,
                            possible,
                            seen: [false; 3],
                            span: first,
                        },
                        spans,
                    ));
                }
            }
            let mut cmps: Vec<(Option<u32>, &Expr)> = Vec::new();
            for l in &ind.lets {
                walk::each(&l.value, &mut |e| cmps.push((None, e)));
            }
            if let Some(form) = &ind.score {
                walk::each_form(form, &mut |f| match f {
                    ScoreForm::Items { items, .. } | ScoreForm::Any { items, .. } => {
                        for it in items {
                            if let How::When(c) = &it.how {
                                walk::each(c, &mut |e| cmps.push((Some(it.no.value), e)));
                            }
                        }
                    }
                    ScoreForm::EachYear { cond, .. } => {
                        walk::each(cond, &mut |e| cmps.push((None, e)))
                    }
                    ScoreForm::Expr(x) => walk::each(x, &mut |e| cmps.push((None, e))),
                    ScoreForm::Tiers { subject, .. } => {
                        walk::each(subject, &mut |e| cmps.push((None, e)))
                    }
                    _ => {}
                });
            }
            for (item, e) in cmps {
                let ExprKind::Cmp(op, a, b) = &e.kind else {
                    continue;
                };
                if matches!(op, CmpOp::Eq | CmpOp::Ne) && is_bool(a) {
                    continue;
                }
                let (ra, rb) = (ranges.of(a, &scope), ranges.of(b, &scope));
                let right_is_value = matches!(b.kind, ExprKind::Lit(_));
                found.push((
                    e.span,
                    Target {
                        indicator: ind.no.value,
                        item,
                        left: label(rules, ind, a, &vars),
                        right: label(rules, ind, b, &vars),
                        right_is_value,
                        possible: sides_possible(&ra, &rb),
                        seen: [false; 3],
                        span: e.span,
                    },
                    vec![e.span],
                ));
            }
            found.sort_by_key(|(s, _, _)| s.start);
            for (_, t, spans) in found {
                let i = cov.targets.len();
                for s in spans {
                    cov.by_span.insert(s, i);
                }
                cov.targets.push(t);
            }
        }
        cov
    }

    /// (sides that can be reached, sides the tests reached).
    pub fn counts(&self) -> (usize, usize) {
        let mut possible = 0;
        let mut seen = 0;
        for t in &self.targets {
            for (p, s) in t.possible.iter().zip(&t.seen) {
                if *p {
                    possible += 1;
                    if *s {
                        seen += 1;
                    }
                }
            }
        }
        (possible, seen)
    }

    /// Notes that a case states an expected score for these indicators.
    pub fn expect(&mut self, indicators: impl IntoIterator<Item = u32>) {
        self.expected.extend(indicators);
    }

    /// Indicators scored through a script that no case states an expected score for.
    pub fn untested_scripts(&self) -> Vec<u32> {
        self.scripted
            .iter()
            .copied()
            .filter(|no| !self.expected.contains(no))
            .collect()
    }

    /// Whether every reachable side of every boundary was reached, and every indicator scored
    /// through a script has a case that states its expected score.
    pub fn complete(&self) -> bool {
        let (possible, seen) = self.counts();
        possible == seen && self.untested_scripts().is_empty()
    }
}

fn is_bool(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Bool(_)
            | ExprKind::Cmp(..)
            | ExprKind::And(..)
            | ExprKind::Or(..)
            | ExprKind::Not(_)
    )
}

/// Which sides of `a` against `b` any values can reach.
fn sides_possible(a: &Range, b: &Range) -> [bool; 3] {
    let below = match (a.lo, b.hi) {
        (Some(x), Some(y)) => x < y,
        _ => true,
    };
    let above = match (a.hi, b.lo) {
        (Some(x), Some(y)) => x > y,
        _ => true,
    };
    let overlap = a.lo.is_none_or(|lo| b.hi.is_none_or(|hi| lo <= hi))
        && b.lo.is_none_or(|lo| a.hi.is_none_or(|hi| lo <= hi));
    let exact_off_grid = |r: &Range, o: &Range| {
        r.integer && o.lo.is_some() && o.lo == o.hi && o.lo.is_some_and(|v| !v.fract().is_zero())
    };
    let equal = overlap && !exact_off_grid(a, b) && !exact_off_grid(b, a);
    [below, equal, above]
}

/// What people call a value: the label of the input or definition, else the text as written.
fn label(rules: &RuleSet, ind: &Indicator, e: &Expr, vars: &HashMap<String, String>) -> String {
    let of_name = |n: &str| -> Option<String> {
        if let Some(v) = vars.get(n) {
            return Some(v.clone());
        }
        if let Some(l) = ind.lets.iter().find(|l| l.name.value == n) {
            return l.label.as_ref().map(|x| x.value.clone());
        }
        if let Some(i) = rules.input(n) {
            return Some(i.label.value.clone());
        }
        rules
            .lets
            .get(n)
            .and_then(|l| l.label.as_ref())
            .map(|x| x.value.clone())
    };
    let text = || {
        rules
            .text
            .get(e.span.start..e.span.end)
            .unwrap_or("")
            .to_string()
    };
    match &e.kind {
        ExprKind::Lit(l) => l.text.clone(),
        ExprKind::Name(n) => of_name(n).unwrap_or_else(text),
        ExprKind::Index(base, _) => match &base.kind {
            ExprKind::Name(n) => of_name(n).unwrap_or_else(text),
            _ => text(),
        },
        ExprKind::Arith(op, a, b) => format!(
            "{} {} {}",
            label(rules, ind, a, vars),
            op.symbol(),
            label(rules, ind, b, vars)
        ),
        ExprKind::Call(f, _) => rules
            .fns
            .get(&f.value)
            .and_then(|d| d.label.as_ref())
            .map_or_else(text, |l| l.value.clone()),
        _ => text(),
    }
}
