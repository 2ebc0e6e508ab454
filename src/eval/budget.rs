//! The work budget of one indicator, shared by both evaluators.
//!
//! Evaluating the rule language costs in proportion to its shape: a `count` over a list runs its
//! condition once per item, an `all`/`any` once per year, and a function runs its body at every
//! call, so nesting them multiplies (two nested `count`s over 10,000-item lists are 10⁸ steps; a
//! chain of functions each calling the next twice is 2^depth). [`indicator_work`] bounds the work
//! of an indicator from its shape alone, before anything is evaluated: every list as long as a
//! list may be ([`MAX_LIST_LEN`](crate::submission::MAX_LIST_LEN) items), every year range as
//! written (51 years when the ends are not both `Y ± n` or both numbers), every function call
//! expanded, every script at [`SCRIPT_WORK`]. An indicator over [`MAX_WORK`] is not evaluated:
//! it is in error, with a message saying why, whether scored for a report or for a ranking
//! (both ask this module, so they always agree), and the verdict is 无法判定.
//!
//! The bound depends on the rules only, never on the data or the machine, so the same rules give
//! the same answer everywhere; real indicators are far below it.

use crate::model::RuleSet;
use crate::syntax::ast::{ArithOp, Expr, ExprKind, Indicator, Role, ScoreForm, YearRange};
use std::collections::{HashMap, HashSet};

/// The most work one indicator may take, in steps (one step per expression evaluated).
pub const MAX_WORK: u64 = 1_000_000;
/// The work counted for one run of a script (its own limit is
/// [`MAX_OPERATIONS`](crate::script::MAX_OPERATIONS) operations).
pub const SCRIPT_WORK: u64 = 10_000;
/// The most years a year range may span.
pub const MAX_YEARS: u64 = 51;

/// An indicator whose work may exceed [`MAX_WORK`], with its estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverBudget {
    /// The estimated work (saturating at `u64::MAX`).
    pub work: u64,
}

/// `Err` when the indicator's work may exceed [`MAX_WORK`].
pub fn check_indicator(rules: &RuleSet, ind: &Indicator) -> Result<(), OverBudget> {
    let work = indicator_work(rules, ind);
    if work > MAX_WORK {
        Err(OverBudget { work })
    } else {
        Ok(())
    }
}

/// The most work an indicator may take, from its shape (see the module docs).
pub fn indicator_work(rules: &RuleSet, ind: &Indicator) -> u64 {
    let mut w = Walker {
        rules,
        fns: HashMap::new(),
        stack: Vec::new(),
        lets: HashSet::new(),
        once: 0,
    };
    let mut total: u64 = 0;
    for l in &ind.lets {
        total = total.saturating_add(w.expr(&l.value, 1));
    }
    if let Some(form) = &ind.score {
        total = total.saturating_add(w.form(form));
    }
    total.saturating_add(w.once)
}

/// The most work one expression may take (its top-level `let`s included once).
pub fn expr_work(rules: &RuleSet, e: &Expr) -> u64 {
    let mut w = Walker {
        rules,
        fns: HashMap::new(),
        stack: Vec::new(),
        lets: HashSet::new(),
        once: 0,
    };
    w.expr(e, 1).saturating_add(w.once)
}

struct Walker<'r> {
    rules: &'r RuleSet,
    /// Work of one call of each function estimated so far.
    fns: HashMap<&'r str, u64>,
    /// The functions being estimated, innermost last, each with the number of times its body
    /// may call itself (multiplied by the loops around the calls).
    stack: Vec<(&'r str, u64)>,
    /// The top-level `let`s counted already: each is computed once and then remembered.
    lets: HashSet<&'r str>,
    /// Work of the top-level `let`s, counted once.
    once: u64,
}

impl<'r> Walker<'r> {
    /// The work of a form: its expressions by their roles, and a step for each judgement.
    fn form(&mut self, form: &'r ScoreForm) -> u64 {
        let mut work = 0u64;
        form.each_expr(&mut |e, role| {
            let w = match role {
                Role::Condition {
                    each_year: Some((_, range)),
                } => {
                    let n = years(range);
                    self.expr(e, n).saturating_mul(n)
                }
                Role::TierSubject { .. }
                | Role::YearEnd
                | Role::Condition { each_year: None }
                | Role::Points => self.expr(e, 1),
            };
            work = work.saturating_add(w);
        });
        form.each_form(&mut |f| work = work.saturating_add(f.judgements() as u64));
        work
    }

    /// The work of `e`, which runs `times` times for each run of the enclosing function (for
    /// counting how often a function may call itself).
    fn expr(&mut self, e: &'r Expr, times: u64) -> u64 {
        let list = crate::submission::MAX_LIST_LEN as u64;
        let own = match &e.kind {
            ExprKind::Lit(_) | ExprKind::Bool(_) | ExprKind::Year => 0,
            ExprKind::Name(n) => {
                self.global_let(n);
                0
            }
            ExprKind::Script(_) => SCRIPT_WORK,
            ExprKind::Index(a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::Cmp(_, a, b)
            | ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Coalesce(a, b) => self.expr(a, times).saturating_add(self.expr(b, times)),
            ExprKind::Neg(a) | ExprKind::Not(a) => self.expr(a, times),
            ExprKind::Quant { range, body, .. } => {
                let n = years(range);
                self.expr(&range.from, times)
                    .saturating_add(self.expr(&range.to, times))
                    .saturating_add(self.expr(body, times.saturating_mul(n)).saturating_mul(n))
            }
            ExprKind::CountWhere { list: l, cond, .. } => self.expr(l, times).saturating_add(
                self.expr(cond, times.saturating_mul(list))
                    .saturating_mul(list),
            ),
            ExprKind::Call(name, args) => {
                let args = args
                    .iter()
                    .map(|a| self.expr(a, times))
                    .fold(0, u64::saturating_add);
                let body = match self.rules.fns.get_key_value(name.value.as_str()) {
                    Some((name, _)) => self.call(name, times),
                    // `sum` and `len` go through a list; `min`, `max` and `abs` through their
                    // arguments, counted above.
                    None => list,
                };
                args.saturating_add(body)
            }
        };
        own.saturating_add(1)
    }

    /// A top-level `let`, counted the first time only.
    fn global_let(&mut self, name: &str) {
        let Some((name, l)) = self.rules.lets.get_key_value(name) else {
            return;
        };
        if self.lets.insert(name.as_str()) {
            // A `let` sees no locals and runs once, whatever loop it is named in.
            let saved = std::mem::take(&mut self.stack);
            let w = self.expr(&l.value, 1);
            self.stack = saved;
            self.once = self.once.saturating_add(w);
        }
    }

    /// The work of one call of function `name`, made `times` times per run of the enclosing
    /// function.
    fn call(&mut self, name: &'r str, times: u64) -> u64 {
        if let Some(w) = self.fns.get(name) {
            return *w;
        }
        match self.stack.iter().position(|(f, _)| *f == name) {
            // The function calling itself: counted once it is estimated.
            Some(i) if i + 1 == self.stack.len() => {
                if let Some((_, calls)) = self.stack.last_mut() {
                    *calls = calls.saturating_add(times);
                }
                return 0;
            }
            // Functions calling each other: not bounded here.
            Some(_) => return u64::MAX,
            None => {}
        }
        let Some(f) = self.rules.fns.get(name) else {
            return 0;
        };
        self.stack.push((name, 0));
        let body = self.expr(&f.body, 1);
        let calls = self.stack.pop().map_or(0, |(_, c)| c);
        let w = match calls {
            0 => body,
            // Calling itself once per run: at most as deep as calls may nest.
            1 => body.saturating_mul(super::MAX_DEPTH as u64),
            // More than once: the calls double at every level.
            _ => u64::MAX,
        };
        self.fns.insert(name, w);
        w
    }
}

/// How many years a range may span: exact when both ends are `Y ± n` or both numbers, else the
/// most a range may span.
fn years(r: &YearRange) -> u64 {
    fn end(e: &Expr) -> Option<(bool, i128)> {
        let lit = |e: &Expr| match &e.kind {
            ExprKind::Lit(l) if l.value.scale() == 0 => Some(l.value.mantissa()),
            _ => None,
        };
        match &e.kind {
            ExprKind::Year => Some((true, 0)),
            ExprKind::Lit(_) => lit(e).map(|n| (false, n)),
            ExprKind::Arith(op @ (ArithOp::Add | ArithOp::Sub), a, b)
                if matches!(a.kind, ExprKind::Year) =>
            {
                let n = lit(b)?;
                Some((true, if *op == ArithOp::Add { n } else { -n }))
            }
            _ => None,
        }
    }
    match (end(&r.from), end(&r.to)) {
        (Some((fy, from)), Some((ty, to))) if fy == ty => {
            let span = to.saturating_sub(from).saturating_add(1);
            u64::try_from(span.clamp(1, i128::from(MAX_YEARS))).unwrap_or(MAX_YEARS)
        }
        _ => MAX_YEARS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Every indicator of the built-in rule sets is well within the budget.
    #[test]
    fn built_in_indicators_are_within_the_budget() {
        let mut most = 0;
        for f in crate::builtin::FILES {
            let (rules, _) = crate::builtin::load(&Arc::from(f.path), f.text);
            let Some(rules) = rules else {
                continue;
            };
            for (_, ind) in rules.indicators() {
                most = most.max(indicator_work(&rules, ind));
            }
        }
        // The largest is 120,014 steps.
        assert!(most > 0 && most <= MAX_WORK / 4, "{most}");
    }
}
