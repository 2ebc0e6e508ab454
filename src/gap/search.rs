//! The next-point search: the smallest change to one input that earns an indicator more points,
//! found from the rule itself.
//!
//! For every input the indicator reads (each year of a yearly input, each entry of a list, and a
//! new list entry) the search moves the value up and down on a lattice of the input's own
//! granularity (1 for a count, 0.01 of the unit for money and decimals, 0.01% for a percent),
//! within the input's declared bounds. Candidate values come from the rule: for every comparison
//! that decides the indicator (each tier bound, each condition, the next whole point of a score
//! formula) the value where that comparison changes is found by exponential probing and exact
//! bisection with [`Num`] arithmetic, which transforms the rule's literal back through the
//! expression without solving it symbolically. The candidates are then re-scored, nearest first;
//! the first that earns more points and passes the rule file's error-severity data checks is the
//! answer. Where no candidate helps, a direct bisection on the indicator's score (assumed monotone
//! in that direction) covers what the comparisons cannot show, such as a Rhai script; it is not run
//! where the rule shows that the candidates are every place the score can change
//! (`deps::Motion`).
//!
//! Limits: a comparison that is not monotone in the input may hide a nearer crossing; windows
//! narrower than the lattice step are not seen; a condition over list entries is watched for the
//! first 64 entries (the score bisection covers the rest); values from the shared reference file
//! are never changed; absent values are not invented (the indicator is then missing, not short).

use super::deps::{Bind, Motion, Moves, Site, Target, compiled_reads, sites};
use crate::eval::Program;
use crate::eval::plan::ScopedRun;
use crate::eval::plan::{ScopeBind, Scoped};
use crate::eval::{self, Status, Val};
use crate::model::RuleSet;
use crate::number::{Num, money_unit_factor};
use crate::submission::{InputValue, Submission};
use crate::syntax::ast::{Expr, Indicator, InputDecl, ScalarKind};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The most lattice steps a search moves from the current value (about 10^12).
pub const MAX_STEPS: u64 = 1 << 40;

/// The work one indicator's next-point search may do, in units of one value read: re-scoring
/// the indicator (or comparing one of its conditions) with the change costs one unit plus one
/// per value of the inputs it reads. About a minute of work at the worst; past it the slots
/// left are reported as not searched instead of the search running on for hours.
pub const MAX_WORK: u64 = 5_000_000;

/// What is left of a search's work budget.
#[derive(Debug, Clone)]
pub struct Budget {
    left: u64,
    exhausted: bool,
}

impl Budget {
    /// A budget of `units`.
    pub fn new(units: u64) -> Budget {
        Budget {
            left: units,
            exhausted: false,
        }
    }

    /// Takes `cost` units; `false` (and from then on exhausted) when there are not enough.
    fn spend(&mut self, cost: u64) -> bool {
        if self.exhausted || self.left < cost {
            self.exhausted = true;
            return false;
        }
        self.left -= cost;
        true
    }

    /// Whether the budget ran out.
    pub fn exhausted(&self) -> bool {
        self.exhausted
    }
}

/// The budget ran out before a slot's search finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotSearched;

/// Which value of an input is changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// The input's single value.
    Value,
    /// One year of a yearly input.
    Year(i32),
    /// One entry of a list (0-based).
    Entry(usize),
    /// A new entry added to a list.
    Append,
}

/// One value a change can touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// The input key.
    pub key: String,
    /// Which value of it.
    pub at: At,
}

/// A change to one input that earns the indicator more points, verified by re-scoring.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// What is changed.
    pub slot: Slot,
    /// The value now (normalised: money in 元, percents as fractions); `None` for a new entry.
    pub from: Option<Decimal>,
    /// The value that earns more (normalised).
    pub to: Decimal,
    /// For a bound the value must pass strictly (`> 15%`), the bound itself.
    pub strictly_past: Option<Decimal>,
    /// For a yes/no input, the new answer.
    pub to_bool: Option<bool>,
    /// The indicator's score with the change.
    pub new_score: Decimal,
}

/// The slots of an indicator: the values of the inputs it reads that the district gave itself.
pub fn slots(rules: &Program, sub: &Submission, ind: &Indicator) -> Vec<Slot> {
    let mut out = Vec::new();
    for key in compiled_reads(rules, ind) {
        if sub.from_reference.contains_key(key) {
            continue;
        }
        let key = key.to_string();
        match sub.values.get(&key) {
            Some(InputValue::Num(_) | InputValue::Bool(_)) => out.push(Slot { key, at: At::Value }),
            Some(InputValue::Series(s)) => {
                for y in s.keys() {
                    out.push(Slot {
                        key: key.clone(),
                        at: At::Year(*y),
                    });
                }
            }
            Some(InputValue::List(items)) => {
                for i in 0..items.len() {
                    out.push(Slot {
                        key: key.clone(),
                        at: At::Entry(i),
                    });
                }
                if items.len() < crate::submission::MAX_LIST_LEN {
                    out.push(Slot {
                        key,
                        at: At::Append,
                    });
                }
            }
            None => {}
        }
    }
    out
}

/// The current value of a slot, normalised.
pub fn value_of(sub: &Submission, slot: &Slot) -> Option<Decimal> {
    match (sub.values.get(&slot.key)?, &slot.at) {
        (InputValue::Num(d), At::Value) => Some(*d),
        (InputValue::Series(s), At::Year(y)) => s.get(y).copied(),
        (InputValue::List(items), At::Entry(i)) => items.get(*i).copied(),
        _ => None,
    }
}

/// Sets a slot's value (a new entry is appended).
pub fn set_value(sub: &mut Submission, slot: &Slot, v: Decimal) {
    match (sub.values.get_mut(&slot.key), &slot.at) {
        (Some(InputValue::Num(d)), At::Value) => *d = v,
        (Some(InputValue::Series(s)), At::Year(y)) => {
            s.insert(*y, v);
        }
        (Some(InputValue::List(items)), At::Entry(i)) => {
            if let Some(x) = items.get_mut(*i) {
                *x = v;
            }
        }
        (Some(InputValue::List(items)), At::Append) => items.push(v),
        _ => {}
    }
}

/// The lattice step and the bounds of an input, normalised.
pub fn lattice(decl: &InputDecl) -> (Decimal, Option<Decimal>, Option<Decimal>) {
    let factor = decl
        .unit
        .as_ref()
        .and_then(|u| money_unit_factor(&u.value))
        .unwrap_or(Decimal::ONE);
    let bound = |l: &crate::syntax::ast::Literal| match (decl.kind.value, &l.unit) {
        (ScalarKind::Money, crate::number::QuantityUnit::None) => {
            l.value.checked_mul(factor).unwrap_or(l.value)
        }
        _ => l.value,
    };
    let min = decl.min.as_ref().map(bound);
    let max = decl.max.as_ref().map(bound);
    let hundredth = Decimal::new(1, 2);
    match decl.kind.value {
        ScalarKind::Count => (Decimal::ONE, Some(min.unwrap_or(Decimal::ZERO)), max),
        ScalarKind::Money => (
            factor.checked_mul(hundredth).unwrap_or(hundredth),
            Some(min.unwrap_or(Decimal::ZERO)),
            max,
        ),
        ScalarKind::Percent => (
            Decimal::new(1, 4),
            Some(min.unwrap_or(Decimal::NEGATIVE_ONE)),
            max,
        ),
        ScalarKind::Decimal | ScalarKind::Bool => (hundredth, min, max),
    }
}

/// The smallest `k` in `(start, kmax]` where `h(k)` differs from `h(start)`, by doubling steps and
/// then bisecting. Exact on any `h` that changes once in the range; on others it finds a change,
/// not necessarily the first.
pub fn first_change<T: PartialEq>(
    mut h: impl FnMut(u64) -> T,
    start: u64,
    kmax: u64,
) -> Option<u64> {
    if kmax <= start {
        return None;
    }
    let h0 = h(start);
    let mut lo = start;
    let mut step = 1u64;
    loop {
        let k = start.saturating_add(step).min(kmax);
        if h(k) != h0 {
            let (mut a, mut b) = (lo, k);
            while b - a > 1 {
                let m = a + (b - a) / 2;
                if h(m) == h0 {
                    a = m;
                } else {
                    b = m;
                }
            }
            return Some(b);
        }
        if k >= kmax {
            return None;
        }
        lo = k;
        step = step.saturating_mul(2);
    }
}

/// The indicator's scope with its `let`s bound, as scoring binds them.
fn prepared<'e>(
    rules: &'e Program,
    sub: &'e Submission,
    ind: &Indicator,
) -> Option<ScopedRun<'e, 'e>> {
    ScopedRun::indicator(rules.plan(), sub, ind)
}

/// A site with its loop variables fixed: years, and list elements by index; its subject and
/// target compiled in the indicator's scope with those bindings.
struct Instance<'a> {
    site: &'a Site<'a>,
    binds: Vec<(String, BindAt<'a>)>,
    compiled: Option<Scoped>,
    /// Its subject less its target is a line or a ratio of lines in the changed value
    /// ([`Moves`]): a comparison whose every change the search must find.
    atom: bool,
}

enum BindAt<'a> {
    Year(i32),
    Elem(&'a Expr, usize),
}

/// Every site with its loop variables fixed, and whether that is all of them: a list whose
/// entries cannot be counted, or has more than the first 64 watched, leaves some out.
fn instances<'a>(
    env: &mut ScopedRun,
    all: &'a [Site<'a>],
    atoms: &[bool],
) -> (Vec<Instance<'a>>, bool) {
    let mut out = Vec::new();
    let mut complete = true;
    for (site, atom) in all.iter().zip(atoms) {
        let mut partial: Vec<Vec<(String, BindAt<'a>)>> = vec![Vec::new()];
        for b in &site.binds {
            let mut next = Vec::new();
            for p in &partial {
                match b {
                    Bind::Year(v, y) => {
                        let mut q: Vec<(String, BindAt)> = p.iter().map(clone_bind).collect();
                        q.push((v.clone(), BindAt::Year(*y)));
                        next.push(q);
                    }
                    Bind::Elem(v, list) => {
                        // One more than the list has, for a new entry.
                        let n = match env.eval(list) {
                            Ok(Val::List(items, _)) => items.len() + 1,
                            _ => 0,
                        };
                        complete &= n > 0 && n <= 64;
                        for i in 0..n.min(64) {
                            let mut q: Vec<(String, BindAt)> = p.iter().map(clone_bind).collect();
                            q.push((v.clone(), BindAt::Elem(list, i)));
                            next.push(q);
                        }
                    }
                }
            }
            partial = next;
        }
        for binds in partial {
            out.push(Instance {
                site,
                binds,
                compiled: None,
                atom: *atom,
            });
        }
    }
    (out, complete)
}

/// Whether a comparison can move when entry `i` of list `key` changes: not when it is bound to
/// another entry of that list and reads the list no other way.
fn watches_entry(rules: &RuleSet, ind: &Indicator, inst: &Instance, key: &str, i: usize) -> bool {
    let other_entry = inst.binds.iter().any(|(_, b)| {
        matches!(b, BindAt::Elem(list, j)
            if *j != i && matches!(&list.kind, crate::syntax::ast::ExprKind::Name(n) if n == key))
    });
    if !other_entry {
        return true;
    }
    let bound: Vec<&str> = inst.binds.iter().map(|(v, _)| v.as_str()).collect();
    let reads = |e: &Expr| super::deps::reads_besides(rules, ind, e, &bound, key);
    reads(inst.site.subject)
        || match &inst.site.target {
            Target::Expr(e) => reads(e),
            Target::Const(_) => false,
        }
}

fn clone_bind<'a>(b: &(String, BindAt<'a>)) -> (String, BindAt<'a>) {
    let at = match &b.1 {
        BindAt::Year(y) => BindAt::Year(*y),
        BindAt::Elem(l, i) => BindAt::Elem(l, *i),
    };
    (b.0.clone(), at)
}

/// Compiles each instance's subject and target, with its loop variables bound, in the scope of
/// indicator `ind` (its position in file order).
fn compile_instances(rules: &Program, ind: usize, insts: &mut [Instance]) {
    let plan = rules.plan();
    for inst in insts {
        let binds: Vec<ScopeBind> = inst
            .binds
            .iter()
            .map(|(name, b)| match b {
                BindAt::Year(y) => ScopeBind::Year(name, *y),
                BindAt::Elem(list, i) => ScopeBind::Elem(name, list, *i),
            })
            .collect();
        let mut exprs = vec![inst.site.subject];
        if let Target::Expr(e) = &inst.site.target {
            exprs.push(e);
        }
        inst.compiled = plan.compile_scoped(ind, &binds, &exprs);
    }
}

/// A site's subject and target at one step.
type SidesAt = (Num, Num);

/// Each site's subject and target under the submission's values.
fn values_all(rules: &Program, sub: &Submission, insts: &[Instance]) -> Vec<Option<SidesAt>> {
    let compiled: Vec<Option<&Scoped>> = insts.iter().map(|i| i.compiled.as_ref()).collect();
    let values = rules.plan().eval_scoped_many(&compiled, sub);
    insts
        .iter()
        .zip(values)
        .map(|(inst, vals)| {
            let mut vals = vals.into_iter();
            let a = vals.next()??;
            let b = match &inst.site.target {
                Target::Const(n) => n.clone(),
                Target::Expr(_) => vals.next()??,
            };
            Some((a, b))
        })
        .collect()
}

/// For a difference that moves with the step `k` as `(p + q·k) / (1 + s·k)` does (a line when
/// `s` is 0), fitted exactly to its values `d0`, `d1`, `d2` at steps 0, 1 and 2: `Some(Some(k))`
/// with the first step at which it is zero or has passed zero, `Some(None)` when it does not
/// reach zero within `range` steps, and `None` when no such curve fits or its pole lies within
/// the range (then the first steps say nothing).
fn steps_to_zero(d0: &Num, d1: &Num, d2: &Num, range: u64) -> Option<Option<u64>> {
    let sub = |a: &Num, b: &Num| a.clone().sub(b.clone()).ok();
    if d1 == d2 {
        // Flat after the first step: flat throughout, or no such curve.
        return (d0 == d1).then_some(None);
    }
    // d(k)·(1 + s·k) = p + q·k at k = 0, 1, 2 gives p = d0, and s and q as below.
    let curve = sub(&sub(d0, d1)?, &sub(d1, d2)?)?;
    let s = curve.div(sub(d1, d2)?.mul(Num::from(2)).ok()?).ok()?;
    if s.is_negative() {
        // The pole, at k = -1/s, must lie beyond the range.
        let pole = Num::from(-1).div(s.clone()).ok()?;
        if pole.try_cmp(&Num::from(i64::try_from(range).ok()?)).ok()? != Ordering::Greater {
            return None;
        }
    }
    let q = sub(&d1.clone().mul(Num::from(1).add(s).ok()?).ok()?, d0)?;
    if q.is_zero() {
        // d(k) = d0 / (1 + s·k): never crosses zero (and is zero throughout when d0 is).
        return Some(None);
    }
    if d0.is_zero() {
        return Some(Some(1));
    }
    let (n, d) = d0.clone().neg().div(q).ok()?.representation()?;
    if n <= 0 || d <= 0 {
        return Some(None);
    }
    let ahead = u64::try_from(n.checked_add(d - 1)? / d).ok()?;
    Some((ahead <= range).then_some(ahead))
}

/// What the first steps of a site say about where its comparison changes.
enum Predicted {
    /// At this step.
    At(u64),
    /// Nowhere within the range searched.
    Never,
    /// Not known: search by doubling.
    Unknown,
}

/// One search: an indicator, a slot, a working copy of the submission.
struct Probe<'a> {
    rules: &'a Program,
    ind: &'a Indicator,
    work: &'a mut Submission,
    slot: Slot,
    v0: Decimal,
    step: Decimal,
    f0: Decimal,
    budget: &'a mut Budget,
    /// The cost of one evaluation, in budget units.
    cost: u64,
    /// Every site's subject and target at each step tried, by direction and step: the sites share one
    /// evaluation of the indicator's `let`s, and the doubling steps of their searches coincide.
    seen: BTreeMap<(i64, u64), Vec<Option<SidesAt>>>,
    /// The score moves with the slot only where a watched comparison changes, every such
    /// comparison is watched, and the slot's value at step 0 is its own ([`Motion::decided`]).
    decided: bool,
    /// A comparison that is a line or a ratio of lines in the slot was searched by doubling in
    /// this direction (a pole within the range, or values that could not be read): its changes
    /// may not all be among the candidates.
    doubled: bool,
}

impl Probe<'_> {
    /// Pays for one evaluation; `false` when the budget has run out.
    fn pay(&mut self) -> bool {
        self.budget.spend(self.cost)
    }

    fn value(&self, dir: i64, k: u64) -> Option<Decimal> {
        let delta = Decimal::from(k).checked_mul(self.step)?;
        if dir > 0 {
            self.v0.checked_add(delta)
        } else {
            self.v0.checked_sub(delta)
        }
    }

    fn set(&mut self, dir: i64, k: u64) -> bool {
        match self.value(dir, k) {
            Some(v) => {
                set_value(self.work, &self.slot, v);
                true
            }
            None => false,
        }
    }

    fn score(&mut self, dir: i64, k: u64) -> Option<Decimal> {
        if !self.pay() || !self.set(dir, k) {
            return None;
        }
        let r = eval::indicator_score(self.rules, self.work, self.ind.no.value)?;
        (r.status == Status::Scored).then_some(r.score)
    }

    /// Site `i`'s subject and target at step `k` in direction `dir`. Each call is paid for as
    /// one evaluation, as if made alone, so the budget runs out where it always would.
    fn values(&mut self, insts: &[Instance], i: usize, dir: i64, k: u64) -> Option<(Num, Num)> {
        if !self.pay() {
            return None;
        }
        if let Some(all) = self.seen.get(&(dir, k)) {
            return all.get(i).cloned().flatten();
        }
        if !self.set(dir, k) {
            return None;
        }
        let all = values_all(self.rules, self.work, insts);
        let out = all.get(i).cloned().flatten();
        self.seen.insert((dir, k), all);
        out
    }

    /// How site `i` of `insts` compares at step `k` in direction `dir`.
    fn site(&mut self, insts: &[Instance], i: usize, dir: i64, k: u64) -> Option<Ordering> {
        let (a, b) = self.values(insts, i, dir, k)?;
        a.try_cmp(&b).ok()
    }

    /// The first step after `start` (up to `kmax`) where site `i` compares differently than at
    /// `start`, as [`first_change`] finds it.
    fn site_change(
        &mut self,
        insts: &[Instance],
        i: usize,
        dir: i64,
        start: u64,
        kmax: u64,
    ) -> Option<u64> {
        match self.predicted_change(insts, i, dir, start, kmax) {
            Predicted::At(k) => Some(k),
            Predicted::Never => None,
            Predicted::Unknown => {
                self.doubled |= insts.get(i).is_none_or(|inst| inst.atom);
                first_change(|k| self.site(insts, i, dir, k), start, kmax)
            }
        }
    }

    /// Most sites compare a value that moves with the slot as a line or a ratio of two lines
    /// does (the input itself, a sum, a share, a growth over the slot), or not at all (a site
    /// the slot does not reach): from the subject less the target at the first three steps,
    /// the step where it reaches zero is computed ([`steps_to_zero`]). It is taken when the
    /// comparison there differs from `start` and the step before does not; no step is, when the
    /// difference never reaches zero within `kmax` and the comparison at `kmax` is still the
    /// one at `start`. A handful of evaluations instead of the doubling's sixty or so; anything
    /// else is searched by doubling.
    fn predicted_change(
        &mut self,
        insts: &[Instance],
        i: usize,
        dir: i64,
        start: u64,
        kmax: u64,
    ) -> Predicted {
        self.fitted_change(insts, i, dir, start, kmax)
            .unwrap_or(Predicted::Unknown)
    }

    fn fitted_change(
        &mut self,
        insts: &[Instance],
        i: usize,
        dir: i64,
        start: u64,
        kmax: u64,
    ) -> Option<Predicted> {
        if kmax < start.checked_add(2)? {
            return None;
        }
        let gap = |(a, b): (Num, Num)| a.sub(b).ok();
        let d0 = gap(self.values(insts, i, dir, start)?)?;
        let d1 = gap(self.values(insts, i, dir, start + 1)?)?;
        let d2 = gap(self.values(insts, i, dir, start + 2)?)?;
        let ahead = steps_to_zero(&d0, &d1, &d2, kmax - start)?;
        let h0 = self.site(insts, i, dir, start);
        match ahead.and_then(|a| start.checked_add(a)) {
            Some(k) => {
                let changed = self.site(insts, i, dir, k) != h0;
                let before_same = k - 1 == start || self.site(insts, i, dir, k - 1) == h0;
                (changed && before_same).then_some(Predicted::At(k))
            }
            None => (self.site(insts, i, dir, kmax) == h0).then_some(Predicted::Never),
        }
    }

    fn checks_pass(&mut self, dir: i64, k: u64) -> bool {
        self.pay() && self.set(dir, k) && self.rules.plan().no_check_errors(self.work)
    }

    fn improves(&mut self, dir: i64, k: u64) -> bool {
        self.score(dir, k).is_some_and(|s| s > self.f0) && self.checks_pass(dir, k)
    }

    /// The nearest improving step in one direction.
    fn search(&mut self, dir: i64, kmax: u64, insts: &[Instance], bounded: bool) -> Option<u64> {
        self.doubled = false;
        let mut cands = BTreeSet::new();
        for i in 0..insts.len() {
            let Some(k1) = self.site_change(insts, i, dir, 0, kmax) else {
                continue;
            };
            cands.insert(k1);
            if self.site(insts, i, dir, k1) == Some(Ordering::Equal)
                && let Some(k2) = self.site_change(insts, i, dir, k1, kmax)
            {
                cands.insert(k2);
            }
        }
        if bounded {
            cands.insert(kmax);
        }
        // Whether a candidate earned more, or could not be scored: then the score is not known
        // to stay at or below what it is between the candidates.
        let mut raised = false;
        for k in cands {
            match self.score(dir, k) {
                Some(s) if s > self.f0 => {
                    raised = true;
                    if self.checks_pass(dir, k) {
                        return Some(k);
                    }
                }
                Some(_) => {}
                None => raised = true,
            }
        }
        // Every change of every comparison the score moves with is a candidate (each is
        // monotone in the slot: a line, or a ratio of lines whose pole lies beyond the range, so
        // it changes at its first change and, when equal there, at the next, and nowhere else).
        // Between two candidates the score is the one at the first of them, so where no
        // candidate earns more, no step does: the bisection below would find nothing.
        if self.decided && !self.doubled && !raised && last_resort_may_be_skipped() {
            return None;
        }
        // Nothing the comparisons show helps: bisect on the score itself.
        #[cfg(test)]
        tests::LAST_RESORTS.with(|n| n.set(n.get() + 1));
        let f0 = self.f0;
        let k = first_change(|k| self.score(dir, k).is_some_and(|s| s > f0), 0, kmax)?;
        self.improves(dir, k).then_some(k)
    }
}

/// Whether a search may skip the bisection on the score where the rule shows it cannot find
/// anything (always, but for the test that compares searches with and without it).
fn last_resort_may_be_skipped() -> bool {
    #[cfg(test)]
    if tests::ALWAYS_BISECT.with(std::cell::Cell::get) {
        return false;
    }
    true
}

/// The cost of one evaluation of an indicator on a submission, in budget units: one plus the
/// number of values of the inputs it reads.
pub fn evaluation_cost(rules: &Program, sub: &Submission, ind: &Indicator) -> u64 {
    let values: usize = compiled_reads(rules, ind)
        .into_iter()
        .filter_map(|k| sub.values.get(k))
        .map(|v| match v {
            InputValue::Num(_) | InputValue::Bool(_) => 1,
            InputValue::Series(s) => s.len(),
            InputValue::List(items) => items.len(),
        })
        .sum();
    1 + u64::try_from(values).unwrap_or(u64::MAX)
}

/// The smallest change to `slot` that earns indicator `ind` more than `f0` points, if any,
/// within `budget`; `Err` when the budget ran out before the search finished. `work` is the
/// submission, changed while searching and given back as it was (one copy serves every slot).
pub fn search_slot(
    rules: &Program,
    work: &mut Submission,
    ind: &Indicator,
    f0: Decimal,
    slot: &Slot,
    budget: &mut Budget,
) -> Result<Option<Found>, NotSearched> {
    let before = work.values.get(&slot.key).map(|v| match (v, &slot.at) {
        (InputValue::List(items), At::Append) => Saved::Len(items.len()),
        (InputValue::Bool(b), _) => Saved::Bool(*b),
        _ => Saved::Value(value_of(work, slot)),
    });
    let found = search_slot_inner(rules, work, ind, f0, slot, budget);
    match before {
        Some(Saved::Len(n)) => {
            if let Some(InputValue::List(items)) = work.values.get_mut(&slot.key) {
                items.truncate(n);
            }
        }
        Some(Saved::Bool(b)) => {
            work.values.insert(slot.key.clone(), InputValue::Bool(b));
        }
        Some(Saved::Value(Some(v))) => set_value(work, slot, v),
        Some(Saved::Value(None)) | None => {}
    }
    if budget.exhausted() {
        return Err(NotSearched);
    }
    Ok(found)
}

/// A slot's value before a search, to give it back.
enum Saved {
    /// A list's length (a new entry was appended).
    Len(usize),
    /// A yes/no value.
    Bool(bool),
    /// A number.
    Value(Option<Decimal>),
}

fn search_slot_inner(
    rules: &Program,
    work: &mut Submission,
    ind: &Indicator,
    f0: Decimal,
    slot: &Slot,
    budget: &mut Budget,
) -> Option<Found> {
    let cost = evaluation_cost(rules, work, ind);
    let decl = rules.input(&slot.key)?;
    if let Some(InputValue::Bool(b)) = work.values.get(&slot.key) {
        let b = *b;
        if !budget.spend(cost.saturating_mul(2)) {
            return None;
        }
        work.values.insert(slot.key.clone(), InputValue::Bool(!b));
        let r = eval::indicator_score(rules, work, ind.no.value)?;
        let ok = r.status == Status::Scored && r.score > f0 && rules.plan().no_check_errors(work);
        return ok.then(|| Found {
            slot: slot.clone(),
            from: None,
            to: Decimal::ZERO,
            strictly_past: None,
            to_bool: Some(!b),
            new_score: r.score,
        });
    }
    let (step, lo, hi) = lattice(decl);
    let (v0, probe_slot) = match &slot.at {
        At::Append => {
            let n = match work.values.get(&slot.key) {
                Some(InputValue::List(items)) => items.len(),
                _ => return None,
            };
            let start = lo.unwrap_or(Decimal::ZERO).max(Decimal::ZERO);
            set_value(work, slot, start);
            (
                start,
                Slot {
                    key: slot.key.clone(),
                    at: At::Entry(n),
                },
            )
        }
        _ => (value_of(work, slot)?, slot.clone()),
    };
    let mut probe = Probe {
        rules,
        ind,
        work,
        slot: probe_slot,
        v0,
        step,
        f0,
        budget,
        cost,
        seen: BTreeMap::new(),
        decided: false,
        doubled: false,
    };
    let mut env = prepared(rules, probe.work, ind);
    let site_list = match &mut env {
        Some(env) => sites(env, rules, ind),
        None => Vec::new(),
    };
    let motion = Motion::of(rules, ind, &slot.key);
    let atoms: Vec<bool> = site_list
        .iter()
        .map(|s| matches!(motion.site(s), Moves::Line | Moves::Ratio))
        .collect();
    let (mut insts, complete) = match &mut env {
        Some(env) => instances(env, &site_list, &atoms),
        None => (Vec::new(), false),
    };
    probe.decided = motion.decided && complete && slot.at != At::Append;
    drop(env);
    // A comparison about another entry of the same list does not move with this one.
    if let At::Entry(i) = probe.slot.at {
        insts.retain(|inst| watches_entry(rules, ind, inst, &slot.key, i));
    }
    if let Some(at) = rules
        .indicators()
        .position(|(_, x)| x.no.value == ind.no.value)
    {
        compile_instances(rules, at, &mut insts);
        // A comparison that reads nothing of the changed input never moves: not watched. Nor
        // does one that reads other years of it than the one changed.
        if let Some(input) = rules.plan().input_slot(&slot.key) {
            insts.retain(|inst| {
                inst.compiled.as_ref().is_none_or(|c| {
                    rules.plan().scoped_reads(c).binary_search(&input).is_ok()
                        && match probe.slot.at {
                            At::Year(y) => rules
                                .plan()
                                .scoped_years_read(c, probe.work)
                                .is_none_or(|read| read.binary_search(&(input, y)).is_ok()),
                            _ => true,
                        }
                })
            });
        }
    }
    let steps_to = |room: Option<Decimal>| -> (u64, bool) {
        match room {
            Some(r) if r <= Decimal::ZERO => (0, true),
            Some(r) => {
                let k = (r / step).floor();
                let k = u64::try_from(k.mantissa() / 10i128.pow(k.scale())).unwrap_or(MAX_STEPS);
                (k.min(MAX_STEPS), k <= MAX_STEPS)
            }
            None => (MAX_STEPS, false),
        }
    };
    let dirs: &[i64] = if slot.at == At::Append {
        &[1]
    } else {
        &[1, -1]
    };
    let mut best: Option<(u64, i64)> = None;
    for &dir in dirs {
        let room = if dir > 0 {
            hi.map(|h| h - v0)
        } else {
            lo.map(|l| v0 - l)
        };
        let (kmax, bounded) = steps_to(room);
        if kmax == 0 {
            continue;
        }
        let limit = best.map_or(kmax, |(k, _)| k.min(kmax));
        if let Some(k) = probe.search(dir, limit, &insts, bounded && limit == kmax)
            && best.is_none_or(|(b, _)| k < b)
        {
            best = Some((k, dir));
        }
    }
    let (k, dir) = best?;
    let to = probe.value(dir, k)?;
    let new_score = probe.score(dir, k)?;
    // A bound passed strictly: the value one step back compares equal and does not earn more.
    let strictly_past = if decl.kind.value == ScalarKind::Count || k == 0 {
        None
    } else {
        let back = k - 1;
        let mut hit = None;
        for i in 0..insts.len() {
            if probe.site(&insts, i, dir, back) == Some(Ordering::Equal)
                && probe.site(&insts, i, dir, k) != Some(Ordering::Equal)
            {
                hit = probe.value(dir, back);
                break;
            }
        }
        hit
    };
    Some(Found {
        slot: slot.clone(),
        from: (slot.at != At::Append).then_some(v0),
        to,
        strictly_past,
        to_bool: None,
        new_score,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    thread_local! {
        /// How many times a search on this thread bisected on the score.
        pub(super) static LAST_RESORTS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
        /// Searches on this thread bisect on the score wherever nothing else earned more.
        pub(super) static ALWAYS_BISECT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    const RULES: &str = r#"
ruleset t "测试" {
  version "1"
  effective 2024-01-01
  points 5
  pass total >= 1
}
input rate "处置率" percent max 100%
input a "甲数" count 个
input b "乙数" count 个
input sales "销售额" list money 万元
category "甲" points 5 {
  indicator 1 "比率" points 1 {
    owners "市场监管局"
    score items {
      item 1 "处置率超过90%" points 1 when rate > 90%
    }
  }
  indicator 2 "占比" points 1 {
    owners "市场监管局"
    let share "占比" = a / b
    score tiers share {
      [50%, ..) => 1
    }
  }
  indicator 3 "大额" points 1 {
    owners "市场监管局"
    let big "大额家数" = count(s in sales where s > 1亿元)
    score tiers big {
      [1, ..) => 1
    }
  }
  indicator 4 "平方" points 1 {
    owners "市场监管局"
    score items {
      item 1 "甲数的平方超过50" points 1 when a * a > 50
    }
  }
  indicator 5 "脚本" points 1 {
    owners "市场监管局"
    score items {
      item 1 "甲数超过70" points 1 when ```a > 70```
    }
  }
}
"#;

    /// Shapes at the edge of what the search can tell: a comparison inside a function, a divisor
    /// that passes zero, growths over a yearly input, the larger of a count and a number, a
    /// quantifier over years, a sum over a list, a value that may be absent.
    const EDGES: &str = r#"
ruleset t2 "测试二" {
  version "1"
  effective 2024-01-01
  points 8
  pass total >= 1
}
input a "甲数" count 个
input b "乙数" count 个
input r "比率" percent
input s "金额" money 万元 yearly
input p "全省增速" percent yearly
input sales "销售额" list money 万元
fn met(x) "达标" = x > 5
fn g(series, y) "增速" = series[y] / series[y - 1] - 1
category "甲" points 8 {
  indicator 1 "函数内比较" points 1 {
    owners "市场监管局"
    score items {
      item 1 "甲数达标" points 1 when met(a)
    }
  }
  indicator 2 "比值含极点" points 1 {
    owners "市场监管局"
    let q "比值" = (a - 3) / (b - 2)
    score tiers q {
      [1, ..) => 1
    }
  }
  indicator 3 "逐年增速" points 2 {
    owners "市场监管局"
    score each year y in Y-1..Y award 1 when g(s, y) > p[y]
  }
  indicator 4 "计数取大" points 1 {
    owners "市场监管局"
    let n "家数" = count(v in sales where v > 100万元)
    let m "较大者" = max(n, 1)
    score tiers m {
      [2, ..) => 1
    }
  }
  indicator 5 "每年都超过" points 1 {
    owners "市场监管局"
    score items {
      item 1 "每年金额超过1000万元" points 1 when all y in Y-1..Y: s[y] > 1000万元
    }
  }
  indicator 6 "合计" points 1 {
    owners "市场监管局"
    let total "销售额合计" = sum(sales)
    score tiers total {
      [500万元, ..) => 1
    }
  }
  indicator 7 "缺省" points 1 {
    owners "市场监管局"
    score items {
      item 1 "比率两倍超过50%" points 1 when (r ?? 0%) * 2 > 50%
    }
  }
}
"#;

    /// Searches `key`'s slot `at` of indicator `no` and counts the bisections on the score.
    fn last_resorts(no: u32, key: &str, at: At) -> (Option<Found>, u32) {
        let name: Arc<str> = Arc::from("rules.zb");
        let (rules, diags) = crate::builtin::load(&name, RULES);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        let rules = Program::new(rules.expect("rules"));
        let file: Arc<str> = Arc::from("submission.toml");
        let toml = "year = 2024\n[data]\nrate = \"95%\"\na = 60\nb = 100\nsales = [\"12000万元\", \"30万元\"]\n";
        let (sub, diags) =
            crate::submission::load(&rules, &file, toml, crate::submission::Format::Toml);
        let mut sub = sub.unwrap_or_else(|| panic!("{diags:?}"));
        let (_, ind) = rules
            .indicators()
            .find(|(_, i)| i.no.value == no)
            .expect("indicator");
        let f0 = eval::indicator_score(&rules, &sub, no)
            .expect("scored")
            .score;
        let slot = Slot {
            key: key.to_string(),
            at,
        };
        LAST_RESORTS.with(|n| n.set(0));
        let found = search_slot(&rules, &mut sub, ind, f0, &slot, &mut Budget::new(MAX_WORK));
        (
            found.expect("searched within the budget"),
            LAST_RESORTS.with(std::cell::Cell::get),
        )
    }

    /// Every slot of every scored indicator of generated submissions, for the official index,
    /// the other built-in rules, the next-point fixture and the two rule files above, is searched
    /// with and without the bisection on the score: the answers are the same wherever the full
    /// search stays within its budget (skipping can only leave more budget for later slots).
    #[test]
    fn skipping_the_last_resort_changes_no_answer() {
        let files: [(&str, &str, &str, u64); 5] = [
            (
                "sd-nmsz/2023.zb",
                include_str!("../../rules/sd-nmsz/2023.zb"),
                include_str!("../../examples/pass.toml"),
                20,
            ),
            (
                "lingang-targets/2025.zb",
                include_str!("../../rules/lingang-targets/2025.zb"),
                "year = 2025\n[data]\n",
                40,
            ),
            (
                "whatif/rules.zb",
                include_str!("../../tests/fixtures/whatif/rules.zb"),
                include_str!("../../tests/fixtures/whatif/submission.toml"),
                40,
            ),
            ("rules.zb", RULES, "year = 2024\n[data]\n", 60),
            ("edges.zb", EDGES, "year = 2024\n[data]\n", 60),
        ];
        let mut compared = 0;
        let mut skipped = 0;
        for (name, text, base, count) in files {
            let (rules, diags) = crate::builtin::load(&Arc::from(name), text);
            assert!(diags.iter().all(|d| !d.is_error()), "{name}: {diags:?}");
            let rules = Program::new(rules.expect("rules"));
            let file: Arc<str> = Arc::from("base.toml");
            let (base, _) =
                crate::submission::load(&rules, &file, base, crate::submission::Format::Toml);
            let base = base.unwrap_or_else(|| panic!("{name}: base"));
            for i in 0..count {
                let mut sub = crate::generate::submission(&rules, &base, 20261206, i);
                for (_, ind) in rules.indicators() {
                    let Some(r) = eval::indicator_score(&rules, &sub, ind.no.value) else {
                        continue;
                    };
                    if r.status != Status::Scored {
                        continue;
                    }
                    for slot in slots(&rules, &sub, ind) {
                        let run = |sub: &mut Submission, always: bool| {
                            ALWAYS_BISECT.with(|a| a.set(always));
                            LAST_RESORTS.with(|n| n.set(0));
                            let mut budget = Budget::new(MAX_WORK);
                            let found = search_slot(&rules, sub, ind, r.score, &slot, &mut budget);
                            ALWAYS_BISECT.with(|a| a.set(false));
                            (found, LAST_RESORTS.with(std::cell::Cell::get))
                        };
                        let (full, bisected) = run(&mut sub, true);
                        let (quick, left) = run(&mut sub, false);
                        if full.is_ok() {
                            assert_eq!(
                                quick, full,
                                "{name} #{i}, indicator {}, {slot:?}",
                                ind.no.value
                            );
                            compared += 1;
                            skipped += bisected - left;
                        }
                    }
                }
            }
        }
        // The comparison saw searches where the bisection was skipped.
        assert!(compared > 2000 && skipped > 2000, "{compared} {skipped}");
    }

    /// Where every comparison the score moves with is a line or a ratio of lines in the changed
    /// value (or a count of such), the candidates are every place the score can change, and
    /// the bisection on the score is not run; where one is not (a square), it still is.
    #[test]
    fn the_last_resort_runs_only_where_the_comparisons_cannot_show_every_change() {
        // Each indicator has its point already: nothing earns more, in either direction.
        assert_eq!(last_resorts(1, "rate", At::Value), (None, 0));
        assert_eq!(last_resorts(2, "a", At::Value), (None, 0));
        // Downwards, `a / b` has its pole at `b = 0`, within the range: bisected that way.
        assert_eq!(last_resorts(2, "b", At::Value), (None, 1));
        assert_eq!(last_resorts(3, "sales", At::Entry(1)), (None, 0));
        assert_eq!(last_resorts(4, "a", At::Value), (None, 2));
        // A condition in a script shows no comparison: only the bisection finds 71.
        let (found, bisected) = last_resorts(5, "a", At::Value);
        assert_eq!(found.map(|f| f.to), Some(Decimal::from(71)));
        assert_eq!(bisected, 2);
        // A new entry starts from the input's lowest value, not from one the district gave.
        assert_eq!(last_resorts(3, "sales", At::Append), (None, 1));
    }

    /// The step where a line or a ratio of two lines reaches zero, from its first three values;
    /// no answer where the curve does not fit or its pole lies within the range.
    #[test]
    fn steps_to_zero_fits_lines_and_ratios_of_lines() {
        let n = |a: i64, b: i64| Num::from(a).div(Num::from(b)).expect("ratio");
        // A line: -5, -3, -1 reaches zero at 2.5, so at step 3.
        assert_eq!(
            steps_to_zero(&n(-5, 1), &n(-3, 1), &n(-1, 1), 100),
            Some(Some(3))
        );
        assert_eq!(
            steps_to_zero(&n(-5, 1), &n(-3, 1), &n(-1, 1), 2),
            Some(None)
        );
        // Moving away from zero, or flat: never.
        assert_eq!(steps_to_zero(&n(1, 1), &n(2, 1), &n(3, 1), 100), Some(None));
        assert_eq!(steps_to_zero(&n(4, 1), &n(4, 1), &n(4, 1), 100), Some(None));
        // Zero at the start: the next step differs.
        assert_eq!(
            steps_to_zero(&n(0, 1), &n(2, 1), &n(4, 1), 100),
            Some(Some(1))
        );
        // (k - 3) / (1 + k): -3, -1, -1/3 reaches zero at step 3 exactly.
        assert_eq!(
            steps_to_zero(&n(-3, 1), &n(-1, 1), &n(-1, 3), 100),
            Some(Some(3))
        );
        // (k - 30) / (1 + k / 10): zero at 30.
        let d = |k: i64| n(10 * (k - 30), 10 + k);
        assert_eq!(steps_to_zero(&d(0), &d(1), &d(2), 100), Some(Some(30)));
        // 1 / (1 - k / 10) has its pole at step 10: inside a range of 20, nothing is said.
        let p = |k: i64| n(10, 10 - k);
        assert_eq!(steps_to_zero(&p(0), &p(1), &p(2), 20), None);
        // Flat after the first step but not before: no such curve.
        assert_eq!(steps_to_zero(&n(1, 1), &n(2, 1), &n(2, 1), 100), None);
    }

    #[test]
    fn first_change_finds_the_exact_step() {
        assert_eq!(first_change(|k| k >= 300, 0, MAX_STEPS), Some(300));
        assert_eq!(first_change(|k| k >= 1, 0, 10), Some(1));
        assert_eq!(first_change(|k| k >= 11, 0, 10), None);
        assert_eq!(first_change(|k| k >= 10, 0, 10), Some(10));
        assert_eq!(first_change(|k| k > 7, 5, 100), Some(8));
    }
}
