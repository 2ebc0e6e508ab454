//! The compiled scorer: a rule set compiled once into a form that scoring walks cheaply.
//!
//! [`Plan::compile`] resolves every name to a slot (an input, a top-level `let`, a function, a
//! local on a stack), turns literals and tier bounds into exact numbers once, precomputes the
//! judgement keys and the inputs each script reads, and flattens each indicator's sub-items.
//! [`Plan::score`] then scores a submission without building a single text: no name is looked
//! up by string except the submission's own keys (once each, on first use), no expression is
//! cloned, and the Rhai scripts compiled with the rule set are run against one scope of inputs
//! built once per submission.
//!
//! It is the only evaluator. A run can record, for each indicator, what its scoring did as
//! typed [`Reason`]s (tier hits, per-year verdicts, items with why, any-of choices, parts of
//! `max`/`sum`, limits applied, missing data): [`super::evaluate`] records, the lean
//! [`Plan::score`] that rankings use does not, and both take the same steps. A rule problem
//! stops the indicator with a typed [`EvalError`] and its place, worded in
//! [`crate::words`]. [`ScopedRun`] answers questions about one indicator's rule (`explain`, the
//! next-point search, data-check messages) by compiling an expression where it stands.

use super::EvalError;
use super::budget::OverBudget;
use super::fault::{Fault, ValKind};
use super::reason::{
    self, Formula, FunctionBody, ItemWhy, JudgedAs, Needed, Operand, Reason, Relation, Said,
    ShortLabel, Shown, YearReason,
};
use super::value::{Dim, MissingRef, Val};
use super::{ItemState, Limit, MAX_DEPTH, Status};
use crate::diag::Span;
use crate::model::RuleSet;
use crate::number::{Num, NumError};
use crate::script::ScriptEngine;
use crate::submission::{InputValue, Judgement, Submission};
use crate::syntax::ast::{
    self, ArithOp, Basis, CmpOp, Expr, ExprKind, How, Metric, Overlap, PassSubject, ScoreForm,
};
use rhai::{Dynamic, Scope};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Why a compiled expression has no value: the rule problem, typed, with its place.
#[derive(Debug, Clone)]
pub(crate) struct Bail(pub(crate) Box<EvalError>);

type P<T> = Result<T, Bail>;

fn fail<T>(fault: Fault, span: Span) -> P<T> {
    Err(Bail(Box::new(EvalError::new(fault, span))))
}

fn num_err(error: NumError, span: Span) -> Bail {
    Bail(Box::new(EvalError::new(Fault::Arithmetic { error }, span)))
}

/// A datum a computation needed but the submission did not give: an input (by its position in
/// [`RuleSet::inputs`]) and, for a yearly input, the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Miss {
    /// The input's position in [`RuleSet::inputs`].
    pub input: u32,
    /// The year, for a yearly input.
    pub year: Option<i32>,
}

/// What a number measures, by its position in the plan's table of dimensions ([`Plan::dims`]):
/// every dimension a run can make is one of the literals', the inputs', plain or percent, so
/// they are all known when the rules are compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct D(u16);

impl D {
    const PLAIN: D = D(0);
    const PERCENT: D = D(1);

    /// The dimension of `a op b` ([`Dim::combine`] on positions).
    fn combine(op: ArithOp, a: D, b: D) -> D {
        match op {
            ArithOp::Add | ArithOp::Sub => {
                if a == D::PLAIN {
                    b
                } else {
                    a
                }
            }
            ArithOp::Mul => {
                if (a == D::PERCENT || a == D::PLAIN) && b != D::PLAIN {
                    b
                } else {
                    a
                }
            }
            ArithOp::Div => {
                if b == D::PLAIN {
                    a
                } else if a == D::PLAIN {
                    D::PLAIN
                } else {
                    D::PERCENT
                }
            }
        }
    }
}

/// What a run keeps of a number besides its value. A lean run (rankings, what-if searches)
/// keeps nothing, so its values are as small as they can be; a full run (reports, explanations)
/// keeps each number's dimension ([`D`]) to show it. The same code runs in both.
pub(crate) trait Mode: Copy + std::fmt::Debug {
    /// A number's dimension as this mode keeps it.
    type Dim: Copy + PartialEq + Eq + std::fmt::Debug;
    /// Whether values keep their dimensions (and rule problems their exact values).
    const FULL: bool;
    /// A plain number's.
    const PLAIN: Self::Dim;
    /// A dimension as this mode keeps it.
    fn dim(d: D) -> Self::Dim;
    /// The dimension of `a op b`.
    fn combine(op: ArithOp, a: Self::Dim, b: Self::Dim) -> Self::Dim;
    /// The dimension kept (plain when none is).
    fn d(x: Self::Dim) -> D;
}

/// Keeps no dimensions: for scores alone.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lean;

impl Mode for Lean {
    type Dim = ();
    const FULL: bool = false;
    const PLAIN: () = ();
    #[inline]
    fn dim(_: D) {}
    #[inline]
    fn combine(_: ArithOp, _: (), _: ()) {}
    #[inline]
    fn d(_: ()) -> D {
        D::PLAIN
    }
}

/// Keeps every number's dimension: for reasons and explanations.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Full;

impl Mode for Full {
    type Dim = D;
    const FULL: bool = true;
    const PLAIN: D = D::PLAIN;
    #[inline]
    fn dim(d: D) -> D {
        d
    }
    #[inline]
    fn combine(op: ArithOp, a: D, b: D) -> D {
        D::combine(op, a, b)
    }
    #[inline]
    fn d(x: D) -> D {
        x
    }
}

/// A compiled expression, with its place in the rule file.
#[derive(Debug)]
struct C {
    k: K,
    span: Span,
}

/// What a compiled expression does.
#[derive(Debug)]
enum K {
    /// A literal: its value, dimension and text as written.
    Num(Num, D, Arc<str>),
    Bool(bool),
    Year,
    Input(u32),
    Let(u32),
    /// A local, counted from the bottom of the current frame: with its name, and its label
    /// when it is an indicator's `let` that has one.
    Local(u32, Arc<str>, Option<Arc<str>>),
    /// A name nothing declares.
    Fail(Arc<str>),
    Index(Box<C>, Box<C>),
    Neg(Box<C>),
    Not(Box<C>),
    Arith(ArithOp, Box<C>, Box<C>),
    Cmp(CmpOp, Box<C>, Box<C>),
    And(Box<C>, Box<C>),
    Or(Box<C>, Box<C>),
    Coalesce(Box<C>, Box<C>),
    /// A call: whom, by the name written, with the arguments.
    Call(Callee, Arc<str>, Vec<C>),
    Quant {
        all: bool,
        range: Box<CRange>,
        body: Box<C>,
    },
    Count {
        list: Box<C>,
        cond: Box<C>,
    },
    Script(Box<CScript>),
}

/// A compiled year range.
#[derive(Debug)]
struct CRange {
    from: C,
    to: C,
    span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Callee {
    User(u32),
    Min,
    Max,
    Abs,
    Sum,
    Len,
    Unknown,
}

#[derive(Debug)]
struct CScript {
    script: ast::Script,
    /// Non-optional inputs the script mentions, with the input's declared years compiled in
    /// the script's scope.
    reads: Vec<(u32, Option<CRange>)>,
    /// The locals in scope, bottom first, by name.
    locals: Vec<String>,
    /// Every input the script mentions, optional ones too.
    mentions: Vec<u32>,
}

#[derive(Debug)]
struct CFn {
    params: usize,
    body: C,
}

#[derive(Debug)]
struct CTier {
    /// A bound: its value, whether it is in the tier, and its place.
    lo: Option<(Num, bool, Span)>,
    hi: Option<(Num, bool, Span)>,
    points: Decimal,
    /// The interval as written, for explanations.
    interval: reason::Interval,
}

/// A compiled sub-item.
#[derive(Debug)]
struct CItem {
    no: u32,
    text: Arc<str>,
    points: Decimal,
    how: CHow,
    span: Span,
}

/// How a compiled sub-item is decided.
#[derive(Debug)]
enum CHow {
    /// By a judgement: its key's slot.
    Judged(u32),
    /// By a condition on the data.
    When(C),
}

#[derive(Debug)]
enum CForm {
    Tiers {
        subject: C,
        overlap: Option<Overlap>,
        tiers: Vec<CTier>,
        span: Span,
    },
    EachYear {
        range: Box<CRange>,
        award: Num,
        cond: C,
    },
    Items {
        /// `Some(award)` for "any one of these earns".
        any: Option<Decimal>,
        items: Vec<CItem>,
    },
    Judged {
        key: u32,
        points: Decimal,
    },
    Max(Vec<CForm>, Vec<Span>),
    Sum(Vec<CForm>, Vec<Span>),
    Expr(C),
}

#[derive(Debug)]
struct CIndicator {
    category: usize,
    lets: Vec<C>,
    form: Option<CForm>,
    /// The cap, exact and as written.
    cap: Option<(Num, Decimal)>,
    points: Num,
    points_written: Decimal,
    /// How many sub-item results scoring writes (judged whole indicators count one).
    items: usize,
    /// Its work may exceed the budget ([`super::budget`]): it is not evaluated.
    over_budget: Option<OverBudget>,
    /// The inputs it may read (through its `let`s, top-level `let`s, functions and scripts),
    /// by slot, ascending.
    reads: Vec<u32>,
    /// The same inputs in the order the rule first mentions them.
    reads_in_order: Vec<u32>,
    /// The indicator's heading in the rule file.
    head_span: Span,
}

#[derive(Debug)]
struct CCategory {
    /// The first category of the same name: an indicator counts towards every category
    /// named like its own.
    canonical: usize,
    points: Decimal,
    indicator_points: Decimal,
}

#[derive(Debug)]
enum CPass {
    Total(CmpOp, Num),
    Every(Metric, CmpOp, Num),
    /// The category's position (`None`: no category has the name), its name as written, …
    Category(Option<usize>, Arc<str>, Metric, CmpOp, Num),
}

/// A rule set compiled for scoring. Build it with [`Plan::compile`], or take the one a rule set
/// keeps with [`Program::plan`](super::Program::plan).
#[derive(Debug)]
pub struct Plan {
    inputs: Vec<String>,
    /// Input keys in the submission's key order, with their slots: a run reads every value
    /// in one merged pass over the submission instead of a lookup per key.
    input_order: Vec<(String, u32)>,
    /// Judgement keys in key order, with their slots.
    judged_order: Vec<(String, u32)>,
    /// Judgement keys by slot.
    judged_keys: Vec<String>,
    lets: Vec<C>,
    fns: Vec<CFn>,
    checks: Vec<C>,
    /// For each check, whether its failure is an error (it blocks scoring) rather than a warning.
    check_blocks: Vec<bool>,
    indicators: Vec<CIndicator>,
    categories: Vec<CCategory>,
    pass: Vec<CPass>,
    /// The pass conditions as the rule file states them (shared: a ranking's rows point at
    /// them).
    pass_stated: Vec<Arc<ast::PassCond>>,
    /// Category names.
    category_names: Vec<Arc<str>>,
    /// Indicator names, in file order.
    indicator_names: Vec<Arc<str>>,
    cap_basis: Basis,
    rate_basis: Basis,
    scripts: Arc<ScriptEngine>,
    /// Every dimension a value can have, by [`D`]: plain, percent, then the literals' and the
    /// inputs'.
    dims: Vec<Dim>,
    /// Each input's dimension, by slot.
    input_dims: Vec<D>,
    /// Top-level `let` names, by slot.
    let_names: Vec<Arc<str>>,
    /// Function names, by slot.
    fn_names: Vec<Arc<str>>,
    /// The rules compiled: their labels, texts and lines, for explanations and rule problems.
    rules: Arc<RuleSet>,
}

thread_local! {
    /// Work the compiled scorer did on this thread: see [`work_on_this_thread`].
    static WORK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn count_work(n: usize) {
    WORK.with(|w| w.set(w.get().saturating_add(n as u64)));
}

/// The work the compiled scorer has done on this thread: one unit per run (a score, a data
/// check, a comparison of the next-point search) and one per list item a `count` or `sum` went
/// through. Counted, not timed, so tests can bound the work of a search (`gap::search`'s budget)
/// on any machine.
pub fn work_on_this_thread() -> u64 {
    WORK.with(std::cell::Cell::get)
}

/// Some data check of the rule file does not hold: [`super::check_data`] says which and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChecksFailed;

/// One indicator's result.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorScore {
    /// The score (0 unless [`Status::Scored`]).
    pub score: Decimal,
    /// With missing data, what the computable parts earn.
    pub partial: Option<Decimal>,
    /// How it came out.
    pub status: Status,
    /// What was missing, in the order scoring met it.
    pub missing: Vec<Miss>,
    /// Where this indicator's sub-items start in [`Scores::items`].
    pub items_from: usize,
    /// For [`Status::Error`], the rule problem.
    pub error: Option<Box<EvalError>>,
}

/// One sub-item's result (a judged whole indicator has one).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemScore {
    /// Met, not met, not submitted or missing data.
    pub state: ItemState,
    /// Points earned.
    pub score: Decimal,
}

/// One category's result.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryScore {
    /// The score after the category cap.
    pub score: Decimal,
    /// The sum of its indicators' scores.
    pub raw: Decimal,
    /// What the rate divides by.
    pub rate_basis: Decimal,
}

/// The scores of one submission: what [`super::Evaluation`] says, without texts and data
/// checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Indicators in file order.
    pub indicators: Vec<IndicatorScore>,
    /// Sub-items of every indicator, in file order.
    pub items: Vec<ItemScore>,
    /// Categories in file order.
    pub categories: Vec<CategoryScore>,
    /// The total.
    pub total: Decimal,
    /// Each pass condition, in the order of the rule file.
    pub conditions: Vec<bool>,
    /// Whether the district passes ([`super::Verdict::Passed`]).
    pub passed: bool,
    /// Passed, failed, or no verdict because an indicator could not be scored.
    pub verdict: super::Verdict,
}

impl Scores {
    /// The sub-items of indicator `i` (its position in file order).
    pub fn items_of(&self, i: usize) -> &[ItemScore] {
        let from = self.indicators.get(i).map_or(0, |r| r.items_from);
        let to = self
            .indicators
            .get(i + 1)
            .map_or(self.items.len(), |r| r.items_from);
        self.items.get(from..to).unwrap_or(&[])
    }
}

/// The rule set's top-level `let` and `fn` names in slot order.
fn global_names(rules: &RuleSet) -> (Vec<&str>, Vec<&str>) {
    let mut let_names: Vec<&str> = rules.lets.keys().map(String::as_str).collect();
    let_names.sort_unstable();
    let mut fn_names: Vec<&str> = rules.fns.keys().map(String::as_str).collect();
    fn_names.sort_unstable();
    (let_names, fn_names)
}

/// Expressions of one indicator compiled in its scope (its `let`s, then loop variables), for
/// what-if searches that watch the comparisons deciding it. Build with [`Plan::compile_scoped`],
/// evaluate with [`Plan::eval_scoped`].
#[derive(Debug)]
pub struct Scoped {
    ind: usize,
    /// The loop variables' bindings, outermost first.
    binds: Vec<ScopedBind>,
    /// The expressions asked for, in order.
    exprs: Vec<C>,
}

/// How a loop variable of a [`Scoped`] is bound.
#[derive(Debug)]
enum ScopedBind {
    /// To a year.
    Year(i32),
    /// To entry `1` of the list expression `0` (compiled in the indicator's scope alone).
    Elem(C, usize),
}

/// A loop variable's binding, for [`Plan::compile_scoped`].
#[derive(Debug, Clone, Copy)]
pub enum ScopeBind<'e> {
    /// The variable named `0` is the year `1`.
    Year(&'e str, i32),
    /// The variable named `0` is entry `2` (0-based) of the list expression `1`.
    Elem(&'e str, &'e Expr, usize),
}

/// Name resolution while compiling.
struct Compiler<'r> {
    rules: &'r RuleSet,
    /// Judgement keys read, by slot.
    judged: std::borrow::Cow<'r, [String]>,
    /// Top-level `let` and function names, sorted: a name's slot is its position.
    lets: Vec<&'r str>,
    fns: Vec<&'r str>,
    /// Locals in scope, bottom first: name, and label for an indicator's `let` that has one.
    scope: Vec<(Arc<str>, Option<Arc<str>>)>,
    /// The dimensions met so far, by [`D`].
    dims: Vec<Dim>,
    /// Each input's dimension, by slot.
    input_dims: Vec<D>,
}

fn bx(c: C) -> Box<C> {
    Box::new(c)
}

/// A literal's dimension.
fn lit_dim(l: &ast::Literal) -> Dim {
    use crate::number::QuantityUnit;
    match &l.unit {
        QuantityUnit::None => Dim::Plain,
        QuantityUnit::Percent => Dim::Percent,
        QuantityUnit::Money => Dim::Money {
            factor: Decimal::ONE,
            unit: Arc::from("元"),
        },
        QuantityUnit::Other(u) => Dim::Unit(Arc::from(u.as_str())),
    }
}

impl<'r> Compiler<'r> {
    fn new(rules: &'r RuleSet, let_names: &[&'r str], fn_names: &[&'r str]) -> Compiler<'r> {
        let mut c = Compiler {
            rules,
            lets: let_names.to_vec(),
            fns: fn_names.to_vec(),
            scope: Vec::new(),
            judged: std::borrow::Cow::Owned(Vec::new()),
            dims: vec![Dim::Plain, Dim::Percent],
            input_dims: Vec::new(),
        };
        c.input_dims = rules
            .inputs
            .iter()
            .map(|decl| c.dim(Dim::of_input(decl)))
            .collect();
        c
    }

    /// A compiler that resolves names as `plan` did, with its dimensions and judgement slots,
    /// for expressions of the rules it was compiled from.
    fn for_plan(plan: &'r Plan) -> Compiler<'r> {
        Compiler {
            rules: &plan.rules,
            lets: plan.let_names.iter().map(|n| &**n).collect(),
            fns: plan.fn_names.iter().map(|n| &**n).collect(),
            scope: Vec::new(),
            judged: std::borrow::Cow::Borrowed(&plan.judged_keys),
            dims: plan.dims.clone(),
            input_dims: plan.input_dims.clone(),
        }
    }

    fn let_slot(&self, n: &str) -> Option<u32> {
        self.lets.binary_search(&n).ok().map(|i| i as u32)
    }

    fn fn_slot(&self, n: &str) -> Option<u32> {
        self.fns.binary_search(&n).ok().map(|i| i as u32)
    }

    /// The position of a dimension in the table, added if new.
    fn dim(&mut self, d: Dim) -> D {
        match self.dims.iter().position(|x| *x == d) {
            Some(i) => D(u16::try_from(i).unwrap_or(0)),
            // Past the table's reach (65,535 units), numbers are shown plain.
            None if self.dims.len() >= usize::from(u16::MAX) => D::PLAIN,
            None => {
                self.dims.push(d);
                D((self.dims.len() - 1) as u16)
            }
        }
    }

    fn judgement(&mut self, key: String) -> u32 {
        match self.judged.iter().position(|k| *k == key) {
            Some(i) => i as u32,
            None => {
                self.judged.to_mut().push(key);
                (self.judged.len() - 1) as u32
            }
        }
    }

    fn name(&self, n: &str) -> K {
        if let Some(i) = self.scope.iter().rposition(|(s, _)| &**s == n) {
            let label = self.scope.get(i).and_then(|(_, l)| l.clone());
            return K::Local(i as u32, Arc::from(n), label);
        }
        if let Some(i) = self.let_slot(n) {
            return K::Let(i);
        }
        match self.rules.input_index.get(n) {
            Some(i) => K::Input(*i as u32),
            None => K::Fail(Arc::from(n)),
        }
    }

    fn with_local<T>(&mut self, name: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        self.scope.push((Arc::from(name), None));
        let out = f(self);
        self.scope.pop();
        out
    }

    fn range(&mut self, r: &ast::YearRange) -> CRange {
        CRange {
            from: self.expr(&r.from),
            to: self.expr(&r.to),
            span: r.span,
        }
    }

    fn expr(&mut self, e: &Expr) -> C {
        let two = |c: &mut Self, a: &Expr, b: &Expr| (bx(c.expr(a)), bx(c.expr(b)));
        let k = match &e.kind {
            ExprKind::Lit(l) => {
                let d = self.dim(lit_dim(l));
                K::Num(Num::from(l.value), d, Arc::from(l.text.as_str()))
            }
            ExprKind::Bool(b) => K::Bool(*b),
            ExprKind::Year => K::Year,
            ExprKind::Name(n) => self.name(n),
            ExprKind::Index(a, b) => {
                let (a, b) = two(self, a, b);
                K::Index(a, b)
            }
            ExprKind::Neg(a) => K::Neg(bx(self.expr(a))),
            ExprKind::Not(a) => K::Not(bx(self.expr(a))),
            ExprKind::Arith(op, a, b) => {
                let (a, b) = two(self, a, b);
                K::Arith(*op, a, b)
            }
            ExprKind::Cmp(op, a, b) => {
                let (a, b) = two(self, a, b);
                K::Cmp(*op, a, b)
            }
            ExprKind::And(a, b) => {
                let (a, b) = two(self, a, b);
                K::And(a, b)
            }
            ExprKind::Or(a, b) => {
                let (a, b) = two(self, a, b);
                K::Or(a, b)
            }
            ExprKind::Coalesce(a, b) => {
                let (a, b) = two(self, a, b);
                K::Coalesce(a, b)
            }
            ExprKind::Call(name, args) => {
                let args = args.iter().map(|a| self.expr(a)).collect();
                let callee = match (self.fn_slot(name.value.as_str()), name.value.as_str()) {
                    (Some(i), _) => Callee::User(i),
                    (None, "min") => Callee::Min,
                    (None, "max") => Callee::Max,
                    (None, "abs") => Callee::Abs,
                    (None, "sum") => Callee::Sum,
                    (None, "len") => Callee::Len,
                    (None, _) => Callee::Unknown,
                };
                K::Call(callee, Arc::from(name.value.as_str()), args)
            }
            ExprKind::Quant {
                all,
                var,
                range,
                body,
            } => {
                let range = self.range(range);
                let body = self.with_local(&var.value, |c| c.expr(body));
                K::Quant {
                    all: *all,
                    range: Box::new(range),
                    body: bx(body),
                }
            }
            ExprKind::CountWhere { var, list, cond } => {
                let list = self.expr(list);
                let cond = self.with_local(&var.value, |c| c.expr(cond));
                K::Count {
                    list: bx(list),
                    cond: bx(cond),
                }
            }
            ExprKind::Script(s) => {
                let mut reads = Vec::new();
                let mut mentions = Vec::new();
                for key in self.rules.scripts.inputs_read(s) {
                    let Some(i) = self.rules.input_index.get(&key) else {
                        continue;
                    };
                    mentions.push(*i as u32);
                    let Some(decl) = self.rules.inputs.get(*i) else {
                        continue;
                    };
                    if decl.optional {
                        continue;
                    }
                    let years = decl.years.as_ref().map(|r| self.range(r));
                    reads.push((*i as u32, years));
                }
                K::Script(Box::new(CScript {
                    script: s.clone(),
                    reads,
                    locals: self.scope.iter().map(|(n, _)| n.to_string()).collect(),
                    mentions,
                }))
            }
        };
        C { k, span: e.span }
    }

    fn form(&mut self, ind: &ast::Indicator, form: &ScoreForm) -> CForm {
        match form {
            ScoreForm::Tiers {
                subject,
                overlap,
                tiers,
                span,
            } => CForm::Tiers {
                subject: self.expr(subject),
                overlap: overlap.as_ref().map(|o| o.value),
                tiers: tiers
                    .iter()
                    .map(|t| CTier {
                        lo: t
                            .lo
                            .as_ref()
                            .map(|l| (Num::from(l.value), t.lo_inclusive, l.span)),
                        hi: t
                            .hi
                            .as_ref()
                            .map(|h| (Num::from(h.value), t.hi_inclusive, h.span)),
                        points: t.points.value,
                        interval: super::interval_of(t),
                    })
                    .collect(),
                span: *span,
            },
            ScoreForm::EachYear {
                var,
                range,
                award,
                cond,
                ..
            } => CForm::EachYear {
                range: Box::new(self.range(range)),
                award: Num::from(award.value),
                cond: self.with_local(&var.value, |c| c.expr(cond)),
            },
            ScoreForm::Items { items, .. } | ScoreForm::Any { items, .. } => {
                let any = match form {
                    ScoreForm::Any { award, .. } => Some(award.value),
                    _ => None,
                };
                let items = items
                    .iter()
                    .map(|it| CItem {
                        no: it.no.value,
                        text: Arc::from(it.text.value.as_str()),
                        points: it
                            .points
                            .as_ref()
                            .map(|p| p.value)
                            .or(any)
                            .unwrap_or(Decimal::ZERO),
                        how: match &it.how {
                            How::Judged(_) => CHow::Judged(
                                self.judgement(format!("{}.{}", ind.no.value, it.no.value)),
                            ),
                            How::When(cond) => CHow::When(self.expr(cond)),
                        },
                        span: it.span,
                    })
                    .collect();
                CForm::Items { any, items }
            }
            ScoreForm::Judged { .. } => CForm::Judged {
                key: self.judgement(ind.no.value.to_string()),
                points: ind.points.value,
            },
            ScoreForm::Max { forms, .. } => CForm::Max(
                forms.iter().map(|f| self.form(ind, f)).collect(),
                forms.iter().map(ScoreForm::span).collect(),
            ),
            ScoreForm::Sum { forms, .. } => CForm::Sum(
                forms.iter().map(|f| self.form(ind, f)).collect(),
                forms.iter().map(ScoreForm::span).collect(),
            ),
            ScoreForm::Expr(e) => CForm::Expr(self.expr(e)),
        }
    }
}

/// Collects the inputs compiled code may read, following top-level `let`s and functions once
/// each.
struct Reads<'c> {
    lets: &'c [C],
    fns: &'c [CFn],
    seen_lets: Vec<bool>,
    seen_fns: Vec<bool>,
    /// The indicator's own `let`s, followed where a local names one (outside function and
    /// top-level `let` bodies, which see no indicator locals).
    locals: &'c [C],
    seen_locals: Vec<bool>,
    /// How deep in function or top-level `let` bodies the walk is.
    in_body: usize,
    out: Vec<u32>,
}

impl Reads<'_> {
    fn indicator(&mut self, ind: &CIndicator) {
        for l in &ind.lets {
            self.expr(l);
        }
        if let Some(f) = &ind.form {
            self.form(f);
        }
    }

    fn form(&mut self, f: &CForm) {
        match f {
            CForm::Tiers { subject, .. } => self.expr(subject),
            CForm::EachYear { range, cond, .. } => {
                self.range(range);
                self.expr(cond);
            }
            CForm::Items { items, .. } => {
                for it in items {
                    if let CHow::When(c) = &it.how {
                        self.expr(c);
                    }
                }
            }
            CForm::Judged { .. } => {}
            CForm::Max(fs, _) | CForm::Sum(fs, _) => fs.iter().for_each(|f| self.form(f)),
            CForm::Expr(c) => self.expr(c),
        }
    }

    fn range(&mut self, r: &CRange) {
        self.expr(&r.from);
        self.expr(&r.to);
    }

    fn expr(&mut self, c: &C) {
        match &c.k {
            K::Num(..) | K::Bool(_) | K::Year | K::Fail(_) => {}
            K::Local(i, ..) => {
                let i = *i as usize;
                if self.in_body == 0
                    && let Some(seen) = self.seen_locals.get_mut(i)
                    && !*seen
                {
                    *seen = true;
                    if let Some(body) = self.locals.get(i) {
                        self.expr(body);
                    }
                }
            }
            K::Input(i) => self.out.push(*i),
            K::Let(i) => {
                let i = *i as usize;
                if let Some(seen) = self.seen_lets.get_mut(i)
                    && !*seen
                {
                    *seen = true;
                    if let Some(body) = self.lets.get(i) {
                        self.in_body += 1;
                        self.expr(body);
                        self.in_body -= 1;
                    }
                }
            }
            K::Index(a, b)
            | K::Arith(_, a, b)
            | K::Cmp(_, a, b)
            | K::And(a, b)
            | K::Or(a, b)
            | K::Coalesce(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            K::Neg(a) | K::Not(a) => self.expr(a),
            K::Call(callee, _, args) => {
                args.iter().for_each(|a| self.expr(a));
                if let Callee::User(f) = callee {
                    let f = *f as usize;
                    if let Some(seen) = self.seen_fns.get_mut(f)
                        && !*seen
                    {
                        *seen = true;
                        if let Some(body) = self.fns.get(f) {
                            self.in_body += 1;
                            self.expr(&body.body);
                            self.in_body -= 1;
                        }
                    }
                }
            }
            K::Quant { range, body, .. } => {
                self.range(range);
                self.expr(body);
            }
            K::Count { list, cond } => {
                self.expr(list);
                self.expr(cond);
            }
            K::Script(s) => {
                self.out.extend_from_slice(&s.mentions);
                for (_, years) in &s.reads {
                    if let Some(r) = years {
                        self.range(r);
                    }
                }
            }
        }
    }
}

fn count_items(f: &CForm) -> usize {
    match f {
        CForm::Items { items, .. } => items.len(),
        CForm::Judged { .. } => 1,
        CForm::Max(fs, _) | CForm::Sum(fs, _) => fs.iter().map(count_items).sum(),
        CForm::Tiers { .. } | CForm::EachYear { .. } | CForm::Expr(_) => 0,
    }
}

fn sum_points(it: impl Iterator<Item = Decimal>) -> Decimal {
    it.fold(Decimal::ZERO, Decimal::saturating_add)
}

impl Plan {
    /// Compiles a resolved rule set.
    pub fn compile(shared: Arc<RuleSet>) -> Plan {
        let rules: &RuleSet = &shared;
        let (let_names, fn_names) = global_names(rules);
        let mut c = Compiler::new(rules, &let_names, &fn_names);
        let lets: Vec<C> = let_names
            .iter()
            .filter_map(|n| rules.lets.get(*n))
            .map(|l| c.expr(&l.value))
            .collect();
        let fns: Vec<CFn> = fn_names
            .iter()
            .filter_map(|n| rules.fns.get(*n))
            .map(|f| {
                c.scope = f
                    .params
                    .iter()
                    .map(|p| (Arc::from(p.value.as_str()), None))
                    .collect();
                let body = c.expr(&f.body);
                c.scope.clear();
                CFn {
                    params: f.params.len(),
                    body,
                }
            })
            .collect();
        let checks = rules.checks.iter().map(|k| c.expr(&k.cond)).collect();
        let check_blocks = rules
            .checks
            .iter()
            .map(|k| k.severity.value == crate::diag::Severity::Error)
            .collect();
        let canonical = |ci: usize| {
            let name = rules.categories.get(ci).map(|c| &c.name.value);
            rules
                .categories
                .iter()
                .position(|c| Some(&c.name.value) == name)
                .unwrap_or(ci)
        };
        let mut indicators = Vec::new();
        for (ci, cat) in rules.categories.iter().enumerate() {
            for ind in &cat.indicators {
                let mut lets = Vec::new();
                for l in &ind.lets {
                    lets.push(c.expr(&l.value));
                    c.scope.push((
                        Arc::from(l.name.value.as_str()),
                        l.label.as_ref().map(|l| Arc::from(l.value.as_str())),
                    ));
                }
                let form = ind.score.as_ref().map(|f| c.form(ind, f));
                c.scope.clear();
                indicators.push(CIndicator {
                    reads: Vec::new(),
                    category: canonical(ci),
                    lets,
                    items: form.as_ref().map_or(0, count_items),
                    form,
                    cap: ind.cap.as_ref().map(|x| (Num::from(x.value), x.value)),
                    points: Num::from(ind.points.value),
                    points_written: ind.points.value,
                    over_budget: super::budget::check_indicator(rules, ind).err(),
                    reads_in_order: Vec::new(),
                    head_span: ind.head_span,
                });
            }
        }
        {
            let mut reads = Reads {
                lets: &lets,
                fns: &fns,
                seen_lets: vec![false; lets.len()],
                seen_fns: vec![false; fns.len()],
                locals: &[],
                seen_locals: Vec::new(),
                in_body: 0,
                out: Vec::new(),
            };
            for ind in &mut indicators {
                reads.indicator(ind);
                let mut seen = vec![false; rules.inputs.len()];
                ind.reads_in_order = reads
                    .out
                    .iter()
                    .copied()
                    .filter(|&i| {
                        seen.get_mut(i as usize)
                            .is_some_and(|s| !std::mem::replace(s, true))
                    })
                    .collect();
                reads.out.sort_unstable();
                reads.out.dedup();
                ind.reads = std::mem::take(&mut reads.out);
                reads.seen_lets.fill(false);
                reads.seen_fns.fill(false);
            }
        }
        let categories = rules
            .categories
            .iter()
            .enumerate()
            .map(|(ci, cat)| CCategory {
                canonical: canonical(ci),
                points: cat.points.value,
                indicator_points: sum_points(cat.indicators.iter().map(|i| i.points.value)),
            })
            .collect();
        let pass = rules
            .header
            .pass
            .iter()
            .map(|p| {
                let v = Num::from(p.value.value);
                match &p.subject {
                    PassSubject::Total => CPass::Total(p.op, v),
                    PassSubject::Every(m) => CPass::Every(*m, p.op, v),
                    PassSubject::Category(name, m) => CPass::Category(
                        rules
                            .categories
                            .iter()
                            .position(|c| c.name.value == name.value),
                        Arc::from(name.value.as_str()),
                        *m,
                        p.op,
                        v,
                    ),
                }
            })
            .collect();
        let mut input_order: Vec<(String, u32)> = rules
            .input_index
            .iter()
            .map(|(k, i)| (k.clone(), *i as u32))
            .collect();
        input_order.sort_unstable();
        let mut judged_order: Vec<(String, u32)> = c
            .judged
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i as u32))
            .collect();
        judged_order.sort_unstable();
        Plan {
            judged_keys: c.judged.to_vec(),
            inputs: rules.inputs.iter().map(|i| i.name.value.clone()).collect(),
            input_order,
            judged_order,
            lets,
            fns,
            checks,
            check_blocks,
            indicators,
            categories,
            pass,
            pass_stated: rules
                .header
                .pass
                .iter()
                .map(|c| Arc::new(c.clone()))
                .collect(),
            category_names: rules
                .categories
                .iter()
                .map(|c| Arc::from(c.name.value.as_str()))
                .collect(),
            indicator_names: rules
                .indicators()
                .map(|(_, i)| Arc::from(i.name.value.as_str()))
                .collect(),
            cap_basis: rules.cap_basis(),
            rate_basis: rules.rate_basis(),
            scripts: rules.scripts.clone(),
            input_dims: c.input_dims,
            dims: c.dims,
            let_names: let_names.iter().map(|n| Arc::from(*n)).collect(),
            fn_names: fn_names.iter().map(|n| Arc::from(*n)).collect(),
            rules: shared.clone(),
        }
    }

    /// Scores a submission: every indicator, category and pass condition. The rule file's data
    /// checks are separate ([`Plan::checks_hold`]): they validate a submission before it is
    /// scored.
    pub fn score(&self, sub: &Submission) -> Scores {
        self.score_with(Run::<Lean>::new(self, sub))
    }

    fn score_with(&self, mut run: Run<Lean>) -> Scores {
        let mut indicators = Vec::with_capacity(self.indicators.len());
        let mut items = Vec::with_capacity(self.indicators.iter().map(|i| i.items).sum());
        for ind in &self.indicators {
            indicators.push(run.indicator(ind, &mut items));
        }
        self.finish(indicators, items)
    }

    /// [`Plan::score`], recording for each indicator what its scoring did (for explanations),
    /// and telling `probe` every comparison made while scoring the indicators.
    pub(crate) fn score_recorded<'s>(
        &self,
        sub: &'s Submission,
        probe: Option<&'s mut dyn super::Probe>,
    ) -> (Scores, Vec<Record>) {
        let mut run = Run::<Full>::new(self, sub);
        run.probe = probe;
        let mut indicators = Vec::with_capacity(self.indicators.len());
        let mut records = Vec::with_capacity(self.indicators.len());
        let mut items = Vec::with_capacity(self.indicators.iter().map(|i| i.items).sum());
        for ind in &self.indicators {
            run.record = Some(Record::default());
            indicators.push(run.indicator(ind, &mut items));
            records.push(run.record.take().unwrap_or_default());
        }
        (self.finish(indicators, items), records)
    }

    /// Indicator `i` (its position in file order) scored alone, with its sub-items and what its
    /// scoring did.
    pub(crate) fn record_indicator(
        &self,
        i: usize,
        sub: &Submission,
    ) -> Option<(IndicatorScore, Vec<ItemScore>, Record)> {
        let ind = self.indicators.get(i)?;
        let mut run = Run::<Full>::sparse(self, sub);
        run.record = Some(Record::default());
        let mut items = Vec::new();
        let score = run.indicator(ind, &mut items);
        Some((score, items, run.record.take().unwrap_or_default()))
    }

    /// The inputs indicator `i` (its position in file order) may read, by their position in the
    /// rule set's inputs, ascending: through its own `let`s, the top-level `let`s and functions
    /// it uses, and the inputs its scripts mention.
    pub fn reads(&self, i: usize) -> &[u32] {
        self.indicators
            .get(i)
            .map_or(&[], |ind| ind.reads.as_slice())
    }

    /// The keys of the inputs indicator `i` (its position in file order) may read, as
    /// [`Plan::reads`], in the order its rule first mentions them: its `let`s, then its score
    /// form, each followed into the definitions and functions it names.
    pub fn inputs_read(&self, i: usize) -> impl Iterator<Item = &str> {
        self.indicators
            .get(i)
            .map_or(&[][..], |ind| ind.reads_in_order.as_slice())
            .iter()
            .map(|&slot| self.input_key_of(slot))
    }

    /// The position of input `key` among the rule set's inputs.
    pub fn input_slot(&self, key: &str) -> Option<u32> {
        let at = self
            .input_order
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()?;
        self.input_order.get(at).map(|(_, slot)| *slot)
    }

    /// [`Plan::score`] of `sub` when `base` is the score of a submission that differs from it
    /// only in what indicators `dirty` says yes to read: those are scored again, the others'
    /// results are taken from `base`.
    pub fn rescore(
        &self,
        base: &Scores,
        sub: &Submission,
        dirty: impl Fn(usize) -> bool,
    ) -> Scores {
        let mut indicators = Vec::with_capacity(self.indicators.len());
        let mut items = Vec::with_capacity(base.items.len());
        for (i, ind) in self.indicators.iter().enumerate() {
            match base.indicators.get(i) {
                Some(old) if !dirty(i) => {
                    let from = items.len();
                    items.extend_from_slice(base.items_of(i));
                    indicators.push(IndicatorScore {
                        items_from: from,
                        ..old.clone()
                    });
                }
                _ => indicators.push(Run::<Lean>::sparse(self, sub).indicator(ind, &mut items)),
            }
        }
        self.finish(indicators, items)
    }

    /// Categories, total, pass conditions and verdict from the indicators' results.
    fn finish(&self, indicators: Vec<IndicatorScore>, items: Vec<ItemScore>) -> Scores {
        let mut raws = vec![Decimal::ZERO; self.categories.len()];
        for (c, r) in self.indicators.iter().zip(&indicators) {
            if let Some(raw) = raws.get_mut(c.category) {
                *raw = raw.saturating_add(r.score);
            }
        }
        let categories: Vec<CategoryScore> = self
            .categories
            .iter()
            .map(|cat| {
                let raw = raws.get(cat.canonical).copied().unwrap_or_default();
                let (score, rate_basis) = category_score(
                    self.cap_basis,
                    self.rate_basis,
                    raw,
                    cat.points,
                    cat.indicator_points,
                );
                CategoryScore {
                    score,
                    raw,
                    rate_basis,
                }
            })
            .collect();
        let total = sum_points(categories.iter().map(|c| c.score));
        let conditions: Vec<bool> = self
            .pass
            .iter()
            .map(|p| pass_holds(p, total, &categories))
            .collect();
        let verdict = super::Verdict::of(
            conditions.iter().all(|c| *c),
            indicators.iter().all(|i| i.status != Status::Error),
        );
        Scores {
            indicators,
            items,
            categories,
            total,
            passed: verdict == super::Verdict::Passed,
            verdict,
            conditions,
        }
    }

    /// Scores indicator `i` (its position in file order) alone, as [`Plan::score`] scores it:
    /// what-if searches re-score one indicator many times with one input changed.
    pub fn score_indicator(&self, i: usize, sub: &Submission) -> Option<IndicatorScore> {
        let ind = self.indicators.get(i)?;
        let mut items = Vec::new();
        Some(Run::<Lean>::sparse(self, sub).indicator(ind, &mut items))
    }

    /// The years of yearly inputs that scoring indicator `i` (its position in file order) reads
    /// from `sub`, by input slot and year, sorted; `None` when it runs a script (which sees every
    /// value) or there is no indicator `i`. Scoring reads nothing else of a yearly input, so a
    /// year not listed can take any value without changing the indicator's score.
    pub fn years_read(&self, i: usize, sub: &Submission) -> Option<Vec<(u32, i32)>> {
        let ind = self.indicators.get(i)?;
        let mut run = Run::<Lean>::recording(self, sub);
        run.indicator(ind, &mut Vec::new());
        run.recorded_years()
    }

    /// Compiles `exprs`, written in indicator `ind`'s rule (its position in file order), in that
    /// indicator's scope: its `let`s, then the loop variables `binds` (outermost first). The
    /// expressions must be from the rule set this plan was compiled from. `None` when there is no
    /// indicator `ind`.
    pub fn compile_scoped(
        &self,
        ind: usize,
        binds: &[ScopeBind],
        exprs: &[&Expr],
    ) -> Option<Scoped> {
        let decl = self.rules.indicators().nth(ind)?.1;
        let mut c = Compiler::for_plan(self);
        c.scope = decl
            .lets
            .iter()
            .map(|l| {
                (
                    Arc::from(l.name.value.as_str()),
                    l.label.as_ref().map(|l| Arc::from(l.value.as_str())),
                )
            })
            .collect();
        // A list a loop variable runs over is read in the indicator's scope alone.
        let compiled_binds = binds
            .iter()
            .map(|b| match b {
                ScopeBind::Year(_, y) => ScopedBind::Year(*y),
                ScopeBind::Elem(_, list, i) => ScopedBind::Elem(c.expr(list), *i),
            })
            .collect();
        for b in binds {
            let (ScopeBind::Year(name, _) | ScopeBind::Elem(name, ..)) = b;
            c.scope.push((Arc::from(*name), None));
        }
        let exprs = exprs.iter().map(|e| c.expr(e)).collect();
        Some(Scoped {
            ind,
            binds: compiled_binds,
            exprs,
        })
    }

    /// The inputs a [`Scoped`]'s expressions may read, by slot, ascending: directly, through the
    /// indicator's `let`s they name, the lists their loop variables run over, top-level `let`s,
    /// functions and scripts.
    pub fn scoped_reads(&self, sc: &Scoped) -> Vec<u32> {
        let Some(ind) = self.indicators.get(sc.ind) else {
            return Vec::new();
        };
        let mut reads = Reads {
            lets: &self.lets,
            fns: &self.fns,
            seen_lets: vec![false; self.lets.len()],
            seen_fns: vec![false; self.fns.len()],
            locals: &ind.lets,
            seen_locals: vec![false; ind.lets.len()],
            in_body: 0,
            out: Vec::new(),
        };
        for b in &sc.binds {
            if let ScopedBind::Elem(list, _) = b {
                reads.expr(list);
            }
        }
        for e in &sc.exprs {
            reads.expr(e);
        }
        reads.out.sort_unstable();
        reads.out.dedup();
        reads.out
    }

    /// [`Plan::eval_scoped`] of several expressions compiled for the same indicator, its `let`s
    /// computed once for all: `None` in the input gives an empty answer.
    pub fn eval_scoped_many(
        &self,
        scs: &[Option<&Scoped>],
        sub: &Submission,
    ) -> Vec<Vec<Option<Num>>> {
        let none = |sc: &Scoped| sc.exprs.iter().map(|_| None).collect::<Vec<_>>();
        let Some(ind) = scs
            .iter()
            .flatten()
            .next()
            .and_then(|sc| self.indicators.get(sc.ind))
        else {
            return scs
                .iter()
                .map(|sc| sc.map(none).unwrap_or_default())
                .collect();
        };
        let mut run = Run::<Lean>::sparse(self, sub);
        for l in &ind.lets {
            match run.eval(l) {
                Ok(v) => run.locals.push(v),
                Err(_) => {
                    return scs
                        .iter()
                        .map(|sc| sc.map(none).unwrap_or_default())
                        .collect();
                }
            }
        }
        let lets = run.locals.len();
        scs.iter()
            .map(|sc| {
                let Some(sc) = sc else {
                    return Vec::new();
                };
                run.locals.truncate(lets);
                run.base = 0;
                run.scoped(sc).unwrap_or_else(|| none(sc))
            })
            .collect()
    }

    /// The years of yearly inputs that evaluating a [`Scoped`] (its indicator's `let`s, then its
    /// expressions) reads from `sub`, by input slot and year, sorted; `None` when a script runs
    /// or the indicator is not there. As [`Plan::years_read`], for one comparison.
    pub fn scoped_years_read(&self, sc: &Scoped, sub: &Submission) -> Option<Vec<(u32, i32)>> {
        let ind = self.indicators.get(sc.ind)?;
        let mut run = Run::<Lean>::recording(self, sub);
        for l in &ind.lets {
            if let Ok(v) = run.eval(l) {
                run.locals.push(v);
            } else {
                break;
            }
        }
        if run.locals.len() == ind.lets.len() {
            run.scoped(sc);
        }
        run.recorded_years()
    }

    /// The values of a [`Scoped`]'s expressions on a submission: `None` for one that is not a
    /// number (missing data, a yes/no value) or cannot be computed, and all `None` when the
    /// indicator's `let`s or a loop variable's list cannot be.
    pub fn eval_scoped(&self, sc: &Scoped, sub: &Submission) -> Vec<Option<Num>> {
        let none = || sc.exprs.iter().map(|_| None).collect();
        let Some(ind) = self.indicators.get(sc.ind) else {
            return none();
        };
        let mut run = Run::<Lean>::sparse(self, sub);
        for l in &ind.lets {
            match run.eval(l) {
                Ok(v) => run.locals.push(v),
                Err(_) => return none(),
            }
        }
        run.scoped(sc).unwrap_or_else(none)
    }

    /// Whether every data check of the rule file holds for a submission (or lacks the data to
    /// be decided), without scoring it.
    pub fn checks_hold(&self, sub: &Submission) -> bool {
        Run::<Lean>::new(self, sub).checks_hold()
    }

    /// Whether no data check fails as an error (what [`super::check_data`] lists with error
    /// severity): a check whose failure is only a warning, or that cannot be computed (a problem
    /// of the rule file, never held against the data), does not count.
    pub fn no_check_errors(&self, sub: &Submission) -> bool {
        let mut run = Run::<Lean>::new(self, sub);
        self.checks
            .iter()
            .zip(&self.check_blocks)
            .filter(|(_, blocks)| **blocks)
            .all(|(k, _)| {
                run.base = 0;
                run.locals.clear();
                matches!(run.eval(k), Ok(V::Bool(true) | V::Missing(_)) | Err(_))
            })
    }

    /// [`Plan::checks_hold`] and, when the checks hold, [`Plan::score`], in one pass over the
    /// submission's values (what a batch does for each district).
    pub fn check_and_score(&self, sub: &Submission) -> Result<Scores, ChecksFailed> {
        let mut run = Run::<Lean>::new(self, sub);
        if !run.checks_hold() {
            return Err(ChecksFailed);
        }
        Ok(self.score_with(run))
    }

    /// The pass conditions a result does not meet, each as the rule file states it (shared) with
    /// the categories that fail it (what [`super::ConditionResult`] says as `condition` and
    /// `failing`).
    pub fn failed_conditions(&self, scores: &Scores) -> Vec<(Arc<ast::PassCond>, Vec<Arc<str>>)> {
        let mut out = Vec::new();
        for ((p, held), stated) in self
            .pass
            .iter()
            .zip(&scores.conditions)
            .zip(&self.pass_stated)
        {
            if *held {
                continue;
            }
            let name = |i: usize| {
                self.category_names
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| "".into())
            };
            let failing = match p {
                CPass::Total(..) => Vec::new(),
                CPass::Every(m, op, v) => scores
                    .categories
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| !metric_holds(*m, c, *op, v))
                    .map(|(i, _)| name(i))
                    .collect(),
                CPass::Category(_, written, ..) => vec![written.clone()],
            };
            out.push((stated.clone(), failing));
        }
        out
    }

    /// Indicator `i`'s name (its position in file order), shared.
    pub fn indicator_name(&self, i: usize) -> Arc<str> {
        self.indicator_names
            .get(i)
            .cloned()
            .unwrap_or_else(|| "".into())
    }

    /// The rules this plan was compiled from.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The rules, given up.
    pub(crate) fn into_rules(self) -> Arc<RuleSet> {
        self.rules
    }

    /// The rules, shared.
    pub(crate) fn rules_shared(&self) -> Arc<RuleSet> {
        self.rules.clone()
    }

    /// The key of the input a [`Miss`] refers to.
    pub fn input_key(&self, m: &Miss) -> &str {
        self.input_key_of(m.input)
    }

    fn input_key_of(&self, slot: u32) -> &str {
        self.inputs.get(slot as usize).map_or("", String::as_str)
    }

    fn input_dim(&self, slot: u32) -> D {
        self.input_dims
            .get(slot as usize)
            .copied()
            .unwrap_or(D::PLAIN)
    }

    /// A missing piece of data by the label people know it by.
    fn needed(&self, m: &Miss) -> Needed {
        let key = self.input_key_of(m.input);
        Needed {
            label: self
                .rules
                .input(key)
                .map_or(key.to_string(), |d| d.label.value.clone()),
            year: m.year,
        }
    }

    /// A missing reference by input key.
    pub fn missing_ref(&self, m: &Miss) -> MissingRef {
        MissingRef {
            key: self.input_key(m).to_string(),
            year: m.year,
        }
    }

    /// A run's value as explanations show it.
    fn val<M: Mode>(&self, v: &V<M>) -> Val {
        let dim = |d: &M::Dim| {
            self.dims
                .get(usize::from(M::d(*d).0))
                .cloned()
                .unwrap_or(Dim::Plain)
        };
        match v {
            V::Num(n, d) => Val::Num(n.clone(), dim(d)),
            V::Bool(b) => Val::Bool(*b),
            V::Series(i, _) => Val::Series(Arc::from(self.input_key_of(*i))),
            V::List(items, d) => Val::List(
                Arc::new(items.iter().map(|x| Num::from(*x)).collect()),
                dim(d),
            ),
            V::Missing(m) => Val::Missing(m.iter().map(|m| self.missing_ref(m)).collect()),
        }
    }

    /// The name a compiled name was written as.
    fn written_name(&self, c: &C) -> Option<String> {
        match &c.k {
            K::Input(i) => Some(self.input_key_of(*i).to_string()),
            K::Let(i) => self.let_names.get(*i as usize).map(|n| n.to_string()),
            K::Local(_, name, _) | K::Fail(name) => Some(name.to_string()),
            _ => None,
        }
    }

    /// The label people know a compiled name by, if it has one.
    fn label_of(&self, c: &C) -> Option<String> {
        match &c.k {
            K::Input(i) => self
                .rules
                .inputs
                .get(*i as usize)
                .map(|d| d.label.value.clone()),
            K::Let(i) => self
                .let_names
                .get(*i as usize)
                .and_then(|n| self.rules.lets.get(&**n))
                .and_then(|l| l.label.as_ref())
                .map(|l| l.value.clone()),
            K::Local(_, _, label) => label.as_ref().map(|l| l.to_string()),
            _ => None,
        }
    }
}

/// A category's score after its cap, and what its rate divides by.
pub(crate) fn category_score(
    cap: Basis,
    rate: Basis,
    raw: Decimal,
    declared: Decimal,
    indicator_points: Decimal,
) -> (Decimal, Decimal) {
    let score = match cap {
        Basis::Declared => raw.min(declared),
        Basis::Indicators => raw.min(indicator_points),
        Basis::None => raw,
    };
    let basis = match rate {
        Basis::Indicators => indicator_points,
        _ => declared,
    };
    (score, basis)
}

fn metric_holds(m: Metric, c: &CategoryScore, op: CmpOp, v: &Num) -> bool {
    let x = match m {
        Metric::Rate => Num::ratio(c.score, c.rate_basis).ok(),
        Metric::Score => Some(Num::from(c.score)),
    };
    x.is_some_and(|x| x.try_cmp(v).is_ok_and(|o| op.holds(o)))
}

fn pass_holds(p: &CPass, total: Decimal, cats: &[CategoryScore]) -> bool {
    match p {
        CPass::Total(op, v) => Num::from(total).try_cmp(v).is_ok_and(|o| op.holds(o)),
        CPass::Every(m, op, v) => cats.iter().all(|c| metric_holds(*m, c, *op, v)),
        CPass::Category(i, _, m, op, v) => i
            .and_then(|i| cats.get(i))
            .is_some_and(|c| metric_holds(*m, c, *op, v)),
    }
}

/// The values of `keys` (sorted, with their slots) in `map`, by slot: one merged pass over
/// both, as both are in key order.
fn merged<'s, T>(
    keys: &[(String, u32)],
    map: &'s BTreeMap<String, T>,
    slots: usize,
) -> Vec<Option<&'s T>> {
    let mut out = vec![None; slots];
    // Both are sorted by key and the keys are unique: one comparison per step.
    let mut entries = map.iter();
    let mut next = entries.next();
    for (key, slot) in keys {
        while let Some((k, v)) = next {
            match k.as_str().cmp(key.as_str()) {
                std::cmp::Ordering::Less => next = entries.next(),
                std::cmp::Ordering::Equal => {
                    if let Some(o) = out.get_mut(*slot as usize) {
                        *o = Some(v);
                    }
                    next = entries.next();
                    break;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
    }
    out
}

/// An argument value as a memo key: numbers by their exact representation and dimension, series
/// and lists by identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArgKey {
    Num(i128, i128, D),
    Bool(bool),
    Series(u32),
    List(usize, usize, D),
}

/// The memo key of up to two arguments; `None` for more, or for a missing one.
fn memo_key<M: Mode>(args: &[V<M>]) -> Option<[Option<ArgKey>; 2]> {
    if args.len() > 2 {
        return None;
    }
    let mut key = [None, None];
    for (slot, a) in key.iter_mut().zip(args) {
        *slot = Some(match a {
            V::Num(n, d) => {
                // A number too large for the key is not remembered.
                let (n, q) = n.representation()?;
                ArgKey::Num(n, q, M::d(*d))
            }
            V::Bool(b) => ArgKey::Bool(*b),
            V::Series(i, _) => ArgKey::Series(*i),
            V::List(items, d) => ArgKey::List(items.as_ptr() as usize, items.len(), M::d(*d)),
            V::Missing(_) => return None,
        });
    }
    Some(key)
}

/// A value while scoring.
#[derive(Debug, Clone)]
enum V<'s, M: Mode> {
    Num(Num, M::Dim),
    Bool(bool),
    /// A yearly input: its position and its values.
    Series(u32, &'s BTreeMap<i32, Decimal>),
    List(&'s [Decimal], M::Dim),
    Missing(Vec<Miss>),
}

impl<M: Mode> V<'_, M> {
    fn kind(&self) -> ValKind {
        match self {
            V::Num(..) => ValKind::Number,
            V::Bool(_) => ValKind::Bool,
            V::Series(..) => ValKind::Series,
            V::List(..) => ValKind::List,
            V::Missing(_) => ValKind::Missing,
        }
    }
}

/// The missing references of two values, each once, in order.
fn join(a: Option<&[Miss]>, b: Option<&[Miss]>) -> Vec<Miss> {
    let mut out: Vec<Miss> = Vec::new();
    for m in [a, b].into_iter().flatten() {
        for r in m {
            if !out.contains(r) {
                out.push(*r);
            }
        }
    }
    out
}

fn missing_of<'a, M: Mode>(v: &'a Result<impl Sized, V<'_, M>>) -> Option<&'a [Miss]> {
    match v {
        Err(V::Missing(m)) => Some(m),
        _ => None,
    }
}

/// What a recording run keeps of one indicator besides its score: the steps of its scoring,
/// the years of a per-year condition, the limits applied, why each sub-item came out as it did
/// and, for an indicator in error, the rule problem.
#[derive(Debug, Default)]
pub(crate) struct Record {
    pub(crate) reasons: Vec<Reason>,
    pub(crate) years: Vec<super::YearOutcome>,
    pub(crate) adjustments: Vec<super::Adjusted>,
    pub(crate) whys: Vec<ItemWhy>,
}

/// Function values remembered: the function, its arguments, the call depth, the value.
type Memo<'s, M> = Vec<(u32, [Option<ArgKey>; 2], usize, V<'s, M>)>;

/// A number with its dimension, or the value that is not one (missing data).
type NumOr<'s, M> = Result<(Num, <M as Mode>::Dim), V<'s, M>>;

/// One scoring run.
struct Run<'p, 's, M: Mode> {
    plan: &'p Plan,
    sub: &'s Submission,
    /// Each input's value, by slot.
    inputs: Vec<Option<&'s InputValue>>,
    /// For a run that looks each value up when first read (one indicator's run reads a few
    /// inputs: a lookup each is cheaper than merging them all), which slots are filled.
    looked_up: Option<Vec<bool>>,
    /// Each judgement read, by slot; read on first use (data checks need none).
    judgements: Option<Vec<Option<&'s Judgement>>>,
    /// Top-level `let`s computed so far.
    lets: Vec<Option<V<'s, M>>>,
    locals: Vec<V<'s, M>>,
    /// Where the current frame's locals start.
    base: usize,
    depth: usize,
    /// Evaluated call arguments.
    args: Vec<V<'s, M>>,
    /// Values of function calls made so far, by function and arguments.
    memo: Memo<'s, M>,
    /// The inputs as Rhai values, built for the first script. Each script gets a fresh copy:
    /// Rhai lets a script write into a constant map (`m.x = 1`), which must not reach the next.
    rhai_inputs: Option<Vec<Dynamic>>,
    /// When recording: every year of a yearly input read, by input slot and year.
    years_read: Option<Vec<(u32, i32)>>,
    /// Whether a script ran (it sees every input, so what it read is not known).
    ran_script: bool,
    /// When explaining: what the current indicator's scoring did.
    record: Option<Record>,
    /// Told every comparison's outcome.
    probe: Option<&'s mut dyn super::Probe>,
}

impl<'p, 's, M: Mode> Run<'p, 's, M> {
    fn new(plan: &'p Plan, sub: &'s Submission) -> Run<'p, 's, M> {
        count_work(1);
        Run::new_with(
            plan,
            sub,
            merged(&plan.input_order, &sub.values, plan.inputs.len()),
        )
    }

    fn new_with(
        plan: &'p Plan,
        sub: &'s Submission,
        inputs: Vec<Option<&'s InputValue>>,
    ) -> Run<'p, 's, M> {
        Run {
            plan,
            sub,
            inputs,
            looked_up: None,
            judgements: None,
            lets: vec![None; plan.lets.len()],
            locals: Vec::new(),
            base: 0,
            depth: 0,
            args: Vec::new(),
            memo: Vec::new(),
            rhai_inputs: None,
            years_read: None,
            ran_script: false,
            record: None,
            probe: None,
        }
    }

    fn checks_hold(&mut self) -> bool {
        let plan = self.plan;
        plan.checks.iter().all(|k| {
            self.base = 0;
            self.locals.clear();
            matches!(self.eval(k), Ok(V::Bool(true) | V::Missing(_)))
        })
    }

    /// A run for part of a submission: values are looked up as they are first read.
    fn sparse(plan: &'p Plan, sub: &'s Submission) -> Run<'p, 's, M> {
        count_work(1);
        let n = plan.inputs.len();
        Run {
            looked_up: Some(vec![false; n]),
            ..Run::new_with(plan, sub, vec![None; n])
        }
    }

    /// A sparse run that records the years of yearly inputs it reads.
    fn recording(plan: &'p Plan, sub: &'s Submission) -> Run<'p, 's, M> {
        Run {
            years_read: Some(Vec::new()),
            ..Run::sparse(plan, sub)
        }
    }

    /// The years a recording run read, sorted, each once; `None` when a script ran (it sees
    /// every value, so what it read is not known).
    fn recorded_years(mut self) -> Option<Vec<(u32, i32)>> {
        if self.ran_script {
            return None;
        }
        let mut read = self.years_read.take()?;
        read.sort_unstable();
        read.dedup();
        Some(read)
    }

    /// A [`Scoped`]'s expressions, the indicator's `let`s already in `locals`: `None` when a loop
    /// variable's list cannot be computed or lacks the entry.
    fn scoped(&mut self, sc: &Scoped) -> Option<Vec<Option<Num>>> {
        let mut bound = Vec::with_capacity(sc.binds.len());
        for b in &sc.binds {
            let v = match b {
                ScopedBind::Year(y) => V::Num(Num::from(i64::from(*y)), M::PLAIN),
                ScopedBind::Elem(list, i) => match self.eval(list) {
                    Ok(V::List(items, d)) => V::Num(Num::from(*items.get(*i)?), d),
                    _ => return None,
                },
            };
            bound.push(v);
        }
        self.locals.extend(bound);
        Some(
            sc.exprs
                .iter()
                .map(|e| match self.eval(e) {
                    Ok(V::Num(n, _)) => Some(n),
                    _ => None,
                })
                .collect(),
        )
    }

    fn value(&mut self, i: u32) -> Option<&'s InputValue> {
        if let Some(looked) = &mut self.looked_up
            && let Some(seen) = looked.get_mut(i as usize)
            && !*seen
        {
            *seen = true;
            let key = self.plan.inputs.get(i as usize)?;
            let v = self.sub.values.get(key.as_str());
            if let Some(slot) = self.inputs.get_mut(i as usize) {
                *slot = v;
            }
            return v;
        }
        self.inputs.get(i as usize).copied().flatten()
    }

    fn input(&mut self, i: u32) -> V<'s, M> {
        let d = M::dim(self.plan.input_dim(i));
        match self.value(i) {
            None => V::Missing(vec![Miss {
                input: i,
                year: None,
            }]),
            Some(InputValue::Num(x)) => V::Num(Num::from(*x), d),
            Some(InputValue::Bool(b)) => V::Bool(*b),
            Some(InputValue::Series(s)) => V::Series(i, s),
            Some(InputValue::List(items)) => V::List(items, d),
        }
    }

    fn eval_let(&mut self, i: u32, span: Span) -> P<V<'s, M>> {
        if let Some(Some(v)) = self.lets.get(i as usize) {
            return Ok(v.clone());
        }
        let plan = self.plan;
        let Some(body) = plan.lets.get(i as usize) else {
            return fail(Fault::TooDeep, span);
        };
        if self.depth >= MAX_DEPTH {
            return fail(Fault::TooDeep, span);
        }
        // A top-level `let` sees no locals.
        let (saved_base, saved_len) = (self.base, self.locals.len());
        self.base = saved_len;
        self.depth += 1;
        let v = self.eval(body);
        self.depth -= 1;
        self.locals.truncate(saved_len);
        self.base = saved_base;
        let v = v?;
        if let Some(slot) = self.lets.get_mut(i as usize) {
            *slot = Some(v.clone());
        }
        Ok(v)
    }

    fn local(&self, i: u32, name: &Arc<str>, span: Span) -> P<V<'s, M>> {
        match self.locals.get(self.base + i as usize) {
            Some(v) => Ok(v.clone()),
            None => fail(
                Fault::Undeclared {
                    name: name.to_string(),
                },
                span,
            ),
        }
    }

    fn num(&mut self, c: &C) -> P<NumOr<'s, M>> {
        match self.eval(c)? {
            V::Num(n, d) => Ok(Ok((n, d))),
            m @ V::Missing(_) => Ok(Err(m)),
            other => fail(
                Fault::NotANumber {
                    found: other.kind(),
                },
                c.span,
            ),
        }
    }

    fn bool_of(&mut self, c: &C) -> P<Result<bool, V<'s, M>>> {
        match self.eval(c)? {
            V::Bool(b) => Ok(Ok(b)),
            m @ V::Missing(_) => Ok(Err(m)),
            other => fail(
                Fault::NotACondition {
                    found: other.kind(),
                },
                c.span,
            ),
        }
    }

    fn year_of(&mut self, c: &C) -> P<i32> {
        if let K::Year = c.k {
            return Ok(self.sub.year);
        }
        match self.eval(c)? {
            V::Num(n, _) if let Some(w) = n.small_whole() => {
                i32::try_from(w).or_else(|_| fail(Fault::YearOutOfRange, c.span))
            }
            V::Num(n, _) if n.is_integer() => {
                let d = n.to_decimal();
                i32::try_from(d.mantissa() / 10i128.pow(d.scale()))
                    .or_else(|_| fail(Fault::YearOutOfRange, c.span))
            }
            V::Num(..) => fail(Fault::YearNotInteger, c.span),
            _ => fail(Fault::NotAYear, c.span),
        }
    }

    fn years(&mut self, r: &CRange) -> P<std::ops::RangeInclusive<i32>> {
        let from = self.year_of(&r.from)?;
        let to = self.year_of(&r.to)?;
        if to < from || i64::from(to) - i64::from(from) > 50 {
            return fail(Fault::BadYearRange { from, to }, r.span);
        }
        Ok(from..=to)
    }

    /// Runs `f` with one more local.
    fn bound<T>(&mut self, v: V<'s, M>, f: impl FnOnce(&mut Self) -> T) -> T {
        let len = self.locals.len();
        self.locals.push(v);
        let out = f(self);
        self.locals.truncate(len);
        out
    }

    fn compared(&mut self, at: Span, ord: Ordering) {
        if let Some(p) = self.probe.as_deref_mut() {
            p.compared(at, ord);
        }
    }

    fn eval(&mut self, c: &C) -> P<V<'s, M>> {
        match &c.k {
            K::Num(n, d, _) => Ok(V::Num(n.clone(), M::dim(*d))),
            K::Bool(b) => Ok(V::Bool(*b)),
            K::Year => Ok(V::Num(Num::from(i64::from(self.sub.year)), M::PLAIN)),
            K::Input(i) => Ok(self.input(*i)),
            K::Let(i) => self.eval_let(*i, c.span),
            K::Local(i, name, _) => self.local(*i, name, c.span),
            K::Fail(name) => fail(
                Fault::Undeclared {
                    name: name.to_string(),
                },
                c.span,
            ),
            K::Index(base, idx) => {
                let b = self.eval(base)?;
                let y = self.year_of(idx)?;
                match b {
                    V::Series(input, s) => Ok(match s.get(&y) {
                        Some(v) => {
                            if let Some(read) = &mut self.years_read {
                                read.push((input, y));
                            }
                            V::Num(Num::from(*v), M::dim(self.plan.input_dim(input)))
                        }
                        None => V::Missing(vec![Miss {
                            input,
                            year: Some(y),
                        }]),
                    }),
                    V::Missing(m) => Ok(V::Missing(
                        m.into_iter()
                            .map(|r| Miss {
                                year: r.year.or(Some(y)),
                                ..r
                            })
                            .collect(),
                    )),
                    other => fail(
                        Fault::NotYearly {
                            found: other.kind(),
                        },
                        base.span,
                    ),
                }
            }
            K::Neg(a) => Ok(match self.num(a)? {
                Ok((n, d)) => V::Num(n.neg(), d),
                Err(m) => m,
            }),
            K::Not(a) => Ok(match self.bool_of(a)? {
                Ok(b) => V::Bool(!b),
                Err(m) => m,
            }),
            K::Arith(op, a, b) => {
                let (x, y) = (self.num(a)?, self.num(b)?);
                match (x, y) {
                    (Ok((x, dx)), Ok((y, dy))) => {
                        let r = match op {
                            ArithOp::Add => x.add(y),
                            ArithOp::Sub => x.sub(y),
                            ArithOp::Mul => x.mul(y),
                            ArithOp::Div => x.div(y),
                        };
                        match r {
                            Ok(n) => Ok(V::Num(n, M::combine(*op, dx, dy))),
                            Err(NumError::DivisionByZero) => {
                                let divisor = Box::new(self.operand(b));
                                fail(Fault::DivisionByZero { divisor }, b.span)
                            }
                            Err(error) => Err(num_err(error, c.span)),
                        }
                    }
                    (x, y) => Ok(V::Missing(join(missing_of(&x), missing_of(&y)))),
                }
            }
            K::Cmp(op, a, b) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                match (&x, &y) {
                    (V::Num(x, _), V::Num(y, _)) => {
                        let ord = x.try_cmp(y).map_err(|e| num_err(e, c.span))?;
                        self.compared(c.span, ord);
                        Ok(V::Bool(op.holds(ord)))
                    }
                    (V::Bool(x), V::Bool(y)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
                        Ok(V::Bool((x == y) == (*op == CmpOp::Eq)))
                    }
                    (V::Missing(_), _) | (_, V::Missing(_)) => {
                        let m = |v: &V<M>| match v {
                            V::Missing(m) => Some(m.clone()),
                            _ => None,
                        };
                        Ok(V::Missing(join(m(&x).as_deref(), m(&y).as_deref())))
                    }
                    _ => fail(
                        Fault::Incomparable {
                            left: x.kind(),
                            right: y.kind(),
                        },
                        c.span,
                    ),
                }
            }
            K::And(a, b) | K::Or(a, b) => {
                let decisive = matches!(c.k, K::Or(..));
                let x = self.bool_of(a)?;
                let y = self.bool_of(b)?;
                Ok(match (&x, &y) {
                    (Ok(x), _) if *x == decisive => V::Bool(decisive),
                    (_, Ok(y)) if *y == decisive => V::Bool(decisive),
                    (Ok(_), Ok(_)) => V::Bool(!decisive),
                    _ => V::Missing(join(missing_of(&x), missing_of(&y))),
                })
            }
            K::Coalesce(a, b) => {
                let x = self.eval(a)?;
                if matches!(x, V::Missing(_)) {
                    self.eval(b)
                } else {
                    Ok(x)
                }
            }
            K::Call(callee, name, args) => self.call(*callee, name, args, c.span),
            K::Quant { all, range, body } => {
                let mut missing = Vec::new();
                for y in self.years(range)? {
                    let r = self.bound(V::Num(Num::from(i64::from(y)), M::PLAIN), |run| {
                        run.bool_of(body)
                    })?;
                    match r {
                        Ok(b) if b != *all => return Ok(V::Bool(b)),
                        Ok(_) => {}
                        Err(V::Missing(m)) => missing.extend(join(Some(&m), None)),
                        Err(_) => {}
                    }
                }
                Ok(if missing.is_empty() {
                    V::Bool(*all)
                } else {
                    V::Missing(missing)
                })
            }
            K::Count { list, cond } => {
                let (items, d) = match self.eval(list)? {
                    V::List(items, d) => (items, d),
                    m @ V::Missing(_) => return Ok(m),
                    other => {
                        return fail(
                            Fault::CountNeedsList {
                                found: other.kind(),
                            },
                            list.span,
                        );
                    }
                };
                count_work(items.len());
                let mut n = 0i64;
                for item in items {
                    match self.bound(V::Num(Num::from(*item), d), |run| run.bool_of(cond))? {
                        Ok(true) => n += 1,
                        Ok(false) => {}
                        Err(m) => return Ok(m),
                    }
                }
                Ok(V::Num(Num::from(n), M::PLAIN))
            }
            K::Script(s) => self.script(s, c.span),
        }
    }

    fn call(&mut self, callee: Callee, name: &Arc<str>, args: &[C], span: Span) -> P<V<'s, M>> {
        if self.depth >= MAX_DEPTH {
            return fail(Fault::TooDeep, span);
        }
        // Arguments go on a scratch stack (nested calls push and pop above them), not into a
        // fresh vector per call.
        let start = self.args.len();
        for a in args {
            match self.eval(a) {
                Ok(v) => self.args.push(v),
                Err(e) => {
                    self.args.truncate(start);
                    return Err(e);
                }
            }
        }
        if let Callee::User(i) = callee {
            let plan = self.plan;
            let Some(f) = plan.fns.get(i as usize).filter(|f| f.params == args.len()) else {
                self.args.truncate(start);
                let params = plan.fns.get(i as usize).map_or(0, |f| f.params);
                return fail(
                    Fault::Arity {
                        name: name.to_string(),
                        params,
                    },
                    span,
                );
            };
            // A function's value depends on its arguments alone (it sees its parameters and the
            // submission, nothing else, and scripts have no state): calls repeated with the same
            // arguments (growth of the same series in the same year, say) are computed once.
            // (A value found at some call depth holds at that depth or shallower: deeper, the
            // call limit could be reached inside.)
            let key = memo_key(self.args.get(start..).unwrap_or(&[]));
            let depth = self.depth;
            if let Some(k) = &key
                && let Some((.., v)) = self
                    .memo
                    .iter()
                    .find(|(f, a, d, _)| *f == i && a == k && depth <= *d)
            {
                let v = v.clone();
                self.args.truncate(start);
                return Ok(v);
            }
            // A function sees its parameters and the globals, not the caller's locals.
            let (saved_base, saved_len) = (self.base, self.locals.len());
            self.base = saved_len;
            self.locals.extend(self.args.drain(start..));
            self.depth += 1;
            let r = self.eval(&f.body);
            self.depth -= 1;
            self.locals.truncate(saved_len);
            self.base = saved_base;
            if let (Some(k), Ok(v)) = (key, &r) {
                self.memo.push((i, k, depth, v.clone()));
            }
            return r;
        }
        let r = builtin(callee, name, self.args.get(start..).unwrap_or(&[]), span);
        self.args.truncate(start);
        r
    }

    fn script(&mut self, s: &CScript, span: Span) -> P<V<'s, M>> {
        self.ran_script = true;
        let mut missing = Vec::new();
        for (i, years) in &s.reads {
            match (self.value(*i), years) {
                (None, _) => missing.push(Miss {
                    input: *i,
                    year: None,
                }),
                // A script cannot say which years it needs; the input's `years` can.
                (Some(InputValue::Series(series)), Some(range)) => {
                    for y in self.years(range)? {
                        if !series.contains_key(&y) {
                            missing.push(Miss {
                                input: *i,
                                year: Some(y),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        if !missing.is_empty() {
            return Ok(V::Missing(missing));
        }
        let plan = self.plan;
        let sub = self.sub;
        let inputs = self.rhai_inputs.get_or_insert_with(|| {
            plan.inputs
                .iter()
                .map(|key| {
                    sub.values
                        .get(key.as_str())
                        .map_or(Dynamic::UNIT, super::input_dynamic)
                })
                .collect()
        });
        let mut scope = Scope::new();
        for (key, v) in plan.inputs.iter().zip(inputs.iter()) {
            scope.push_constant_dynamic(key.clone(), v.clone());
        }
        let locals = self.locals.get(self.base..).unwrap_or(&[]);
        for (name, v) in s.locals.iter().zip(locals) {
            let d = match v {
                V::Num(n, _) => Dynamic::from_decimal(n.to_decimal()),
                V::Bool(b) => Dynamic::from_bool(*b),
                _ => Dynamic::UNIT,
            };
            scope.push_constant_dynamic(name.clone(), d);
        }
        scope.push_constant_dynamic("Y", Dynamic::from_int(i64::from(self.sub.year)));
        let line = |offset: usize| plan.rules.rule_line(offset);
        let d = match self.plan.scripts.run_in(&s.script, &mut scope) {
            Ok(d) => d,
            Err(err) => {
                return fail(
                    Fault::Script {
                        at: line(s.script.code_offset + err.offset),
                        message: err.message,
                    },
                    Span::new(
                        s.script.code_offset + err.offset,
                        s.script.code_offset + err.offset + 1,
                    ),
                );
            }
        };
        if let Some(b) = d.clone().try_cast::<bool>() {
            Ok(V::Bool(b))
        } else if let Ok(x) = d.as_decimal() {
            Ok(V::Num(Num::from(x), M::PLAIN))
        } else if let Ok(i) = d.as_int() {
            Ok(V::Num(Num::from(i), M::PLAIN))
        } else {
            fail(
                Fault::ScriptReturned {
                    at: line(s.script.code_offset),
                    type_name: d.type_name().to_string(),
                },
                span,
            )
        }
    }

    fn indicator(&mut self, ind: &CIndicator, items: &mut Vec<ItemScore>) -> IndicatorScore {
        let items_from = items.len();
        self.locals.clear();
        self.base = 0;
        let outcome = (|| -> P<Out> {
            if let Some(estimate) = ind.over_budget {
                return fail(Fault::OverBudget { estimate }, ind.head_span);
            }
            for l in &ind.lets {
                let v = self.eval(l)?;
                self.locals.push(v);
            }
            match &ind.form {
                Some(f) => self.form(f, items),
                None => fail(Fault::NoScoringForm, ind.head_span),
            }
        })();
        let out = match outcome {
            Ok(out) => out,
            Err(Bail(mut e)) => {
                self.locals.clear();
                items.truncate(items_from);
                if !M::FULL {
                    // A lean run's numbers carry no dimensions: a full run of the indicator
                    // gives the problem with its values as people read them.
                    let full =
                        Run::<Full>::sparse(self.plan, self.sub).indicator(ind, &mut Vec::new());
                    if let Some(error) = full.error {
                        e = error;
                    }
                }
                if !e.fault.placed() {
                    e.line = Some(self.plan.rules.rule_line(e.span.start));
                }
                if let Some(r) = &mut self.record {
                    r.reasons.push(Reason::Failed {
                        error: (*e).clone(),
                    });
                    r.whys.clear();
                    r.years.clear();
                }
                return IndicatorScore {
                    score: Decimal::ZERO,
                    partial: None,
                    status: Status::Error,
                    missing: Vec::new(),
                    items_from,
                    error: Some(e),
                };
            }
        };
        self.locals.clear();
        let mut score = out.score;
        let adjust = |run: &mut Self, score: &mut Num, limit: Limit, to: Num| {
            if let Some(r) = &mut run.record {
                let sum = std::mem::replace(score, to);
                r.reasons.push(Reason::Limited {
                    limit,
                    sum: sum.clone(),
                });
                r.adjustments.push(super::Adjusted { limit, sum });
            } else {
                *score = to;
            }
        };
        if let Some((cap, written)) = &ind.cap
            && score.try_cmp(cap) == Ok(Ordering::Greater)
        {
            adjust(self, &mut score, Limit::Cap(*written), cap.clone());
        }
        if score.try_cmp(&ind.points) == Ok(Ordering::Greater) {
            adjust(
                self,
                &mut score,
                Limit::Points(ind.points_written),
                ind.points.clone(),
            );
        }
        if score.is_negative() {
            adjust(self, &mut score, Limit::Zero, Num::ZERO);
        }
        let score = score
            .exact_decimal()
            .unwrap_or_else(|| score.to_decimal().round_dp(4));
        if out.missing.is_empty() {
            IndicatorScore {
                score,
                partial: None,
                status: Status::Scored,
                missing: Vec::new(),
                items_from,
                error: None,
            }
        } else {
            if self.record.is_some() {
                let needed = out.missing.iter().map(|m| self.plan.needed(m)).collect();
                if let Some(r) = &mut self.record {
                    r.reasons.push(Reason::MissingData {
                        needed,
                        partial: score,
                    });
                }
            }
            IndicatorScore {
                score: Decimal::ZERO,
                partial: Some(score),
                status: Status::Missing,
                missing: out.missing,
                items_from,
                error: None,
            }
        }
    }

    fn judgement(&mut self, key: u32) -> Option<&'s Judgement> {
        let (plan, sub) = (self.plan, self.sub);
        if self.looked_up.is_some() {
            // A run for part of a submission reads a few judgements: one lookup each.
            plan.judged_keys
                .get(key as usize)
                .and_then(|k| sub.judgements.get(k.as_str()))
        } else {
            let judgements = self.judgements.get_or_insert_with(|| {
                merged(&plan.judged_order, &sub.judgements, plan.judged_order.len())
            });
            judgements.get(key as usize).copied().flatten()
        }
    }

    /// A judged item's result, and what the judgement says.
    fn judged(&mut self, key: u32, points: Decimal) -> (ItemScore, JudgedAs) {
        let (state, score, verdict) = match self.judgement(key) {
            None => (
                ItemState::NotSubmitted,
                Decimal::ZERO,
                JudgedAs::NotSubmitted,
            ),
            Some(j) => match (j.score, j.met) {
                (Some(s), _) => {
                    let s = s.min(points).max(Decimal::ZERO);
                    let state = if s > Decimal::ZERO {
                        ItemState::Met
                    } else {
                        ItemState::NotMet
                    };
                    (
                        state,
                        s,
                        JudgedAs::Scored {
                            score: s,
                            of: points,
                        },
                    )
                }
                (None, Some(true)) => (ItemState::Met, points, JudgedAs::Met),
                (None, _) => (ItemState::NotMet, Decimal::ZERO, JudgedAs::NotMet),
            },
        };
        (ItemScore { state, score }, verdict)
    }

    /// Why a judged item came out as it did: the verdict, with the judgement's evidence and note.
    fn judgement_why(&mut self, key: u32, verdict: JudgedAs) -> ItemWhy {
        let j = self.judgement(key);
        ItemWhy::Judgement {
            verdict,
            evidence: j.map(|j| j.evidence.clone()).unwrap_or_default(),
            note: j.and_then(|j| j.note.clone()),
        }
    }

    /// Records a sub-item's result and why.
    fn record_item(&mut self, it: &CItem, any: bool, state: ItemState, why: ItemWhy) {
        if let Some(rec) = &mut self.record {
            rec.reasons.push(Reason::Item {
                no: it.no,
                text: it.text.to_string(),
                points: (!any).then_some(it.points),
                state,
                why: why.clone(),
            });
            rec.whys.push(why);
        }
    }

    fn push_reason(&mut self, r: Reason) {
        if let Some(rec) = &mut self.record {
            rec.reasons.push(r);
        }
    }

    fn form(&mut self, f: &CForm, items: &mut Vec<ItemScore>) -> P<Out> {
        let recording = self.record.is_some();
        match f {
            CForm::Tiers {
                subject,
                overlap,
                tiers,
                span,
            } => {
                let n = match self.eval(subject)? {
                    V::Num(n, _) => n,
                    V::Missing(m) => {
                        if recording {
                            let subject = self.operand(subject);
                            self.push_reason(Reason::TierSubjectMissing { subject });
                        }
                        return Ok(Out::missing(m));
                    }
                    other => {
                        return fail(
                            Fault::TierNeedsNumber {
                                found: other.kind(),
                            },
                            subject.span,
                        );
                    }
                };
                if self.probe.is_some() {
                    for (b, _, at) in tiers.iter().flat_map(|t| [&t.lo, &t.hi]).flatten() {
                        if let Ok(ord) = n.try_cmp(b) {
                            self.compared(*at, ord);
                        }
                    }
                }
                // The tier taken, without collecting the hits (rankings score millions of these).
                let mut pick: Option<&CTier> = None;
                let mut hits = 0usize;
                let mut conflict = false;
                for t in tiers {
                    if in_tier(&n, t, *span)? {
                        hits += 1;
                        pick = match (pick, overlap) {
                            (None, _) => Some(t),
                            (Some(p), Some(Overlap::Higher)) => {
                                Some(if t.points >= p.points { t } else { p })
                            }
                            (Some(p), Some(Overlap::Lower)) => {
                                Some(if t.points < p.points { t } else { p })
                            }
                            (Some(p), None) => {
                                conflict = true;
                                Some(p)
                            }
                        };
                    }
                }
                let all_hits = || -> Vec<reason::Interval> {
                    tiers
                        .iter()
                        .filter(|t| in_tier(&n, t, *span).unwrap_or(false))
                        .map(|t| t.interval.clone())
                        .collect()
                };
                if conflict {
                    let subject = Box::new(self.operand(subject));
                    let tiers = all_hits();
                    return fail(Fault::Overlap { subject, tiers }, *span);
                }
                if recording {
                    let operand = self.operand(subject);
                    let reason = match pick {
                        None => Reason::NoTier {
                            subject: operand,
                            tiers: tiers.iter().map(|t| t.interval.clone()).collect(),
                        },
                        Some(t) if hits == 1 => Reason::Tier {
                            subject: operand,
                            tier: t.interval.clone(),
                            points: t.points,
                        },
                        Some(t) => Reason::Overlap {
                            subject: operand,
                            tiers: all_hits(),
                            higher: *overlap == Some(Overlap::Higher),
                            points: t.points,
                        },
                    };
                    self.push_reason(reason);
                }
                Ok(Out::scored(pick.map_or(Num::ZERO, |t| Num::from(t.points))))
            }
            CForm::EachYear { range, award, cond } => {
                let mut o = Out::scored(Num::ZERO);
                for y in self.years(range)? {
                    let year = V::Num(Num::from(i64::from(y)), M::PLAIN);
                    let r = self.bound(year.clone(), |run| run.bool_of(cond))?;
                    let condition = if recording {
                        Some(self.bound(year, |run| run.said(cond)))
                    } else {
                        None
                    };
                    let verdict = match &r {
                        Ok(true) => Some(super::YearVerdict::Met),
                        Ok(false) => Some(super::YearVerdict::NotMet),
                        Err(V::Missing(_)) => Some(super::YearVerdict::Missing),
                        Err(_) => None,
                    };
                    if let (Some(rec), Some(verdict)) = (&mut self.record, verdict) {
                        rec.years.push(super::YearOutcome { year: y, verdict });
                    }
                    let outcome = match r {
                        Ok(true) => {
                            o.score = o
                                .score
                                .add(award.clone())
                                .map_err(|e| num_err(e, cond.span))?;
                            condition.map(|condition| YearReason::Met {
                                condition,
                                award: award.to_decimal(),
                            })
                        }
                        Ok(false) => condition.map(|condition| YearReason::NotMet { condition }),
                        Err(V::Missing(m)) => {
                            let needed =
                                recording.then(|| m.iter().map(|r| self.plan.needed(r)).collect());
                            for r in m {
                                if !o.missing.contains(&r) {
                                    o.missing.push(r);
                                }
                            }
                            needed.map(|needed| YearReason::Missing { needed })
                        }
                        Err(_) => None,
                    };
                    if let Some(outcome) = outcome {
                        self.push_reason(Reason::Year { year: y, outcome });
                    }
                }
                Ok(o)
            }
            CForm::Items { any, items: list } => {
                let mut o = Out::scored(Num::ZERO);
                let mut missing = Vec::new();
                let mut first_met = None;
                let mut sum = Decimal::ZERO;
                for it in list {
                    let r = match &it.how {
                        CHow::Judged(key) => {
                            let (r, verdict) = self.judged(*key, it.points);
                            if recording {
                                let why = self.judgement_why(*key, verdict);
                                self.record_item(it, any.is_some(), r.state, why);
                            }
                            r
                        }
                        CHow::When(cond) => {
                            let b = self.bool_of(cond)?;
                            let r = match b {
                                Ok(true) => ItemScore {
                                    state: ItemState::Met,
                                    score: it.points,
                                },
                                Ok(false) => ItemScore {
                                    state: ItemState::NotMet,
                                    score: Decimal::ZERO,
                                },
                                Err(V::Missing(m)) => {
                                    missing.extend(m);
                                    ItemScore {
                                        state: ItemState::Missing,
                                        score: Decimal::ZERO,
                                    }
                                }
                                Err(_) => ItemScore {
                                    state: ItemState::Missing,
                                    score: Decimal::ZERO,
                                },
                            };
                            if recording {
                                let why = ItemWhy::Condition {
                                    condition: self.said(cond),
                                };
                                self.record_item(it, any.is_some(), r.state, why);
                            }
                            r
                        }
                    };
                    if r.state == ItemState::Met && first_met.is_none() {
                        first_met = Some(it.no);
                    }
                    if any.is_none() {
                        // Whole decimals: the same sum as with `Num`.
                        sum = sum
                            .checked_add(r.score)
                            .ok_or_else(|| num_err(NumError::Overflow, it.span))?;
                    }
                    items.push(r);
                }
                o.score = Num::from(sum);
                if let Some(award) = any {
                    match first_met {
                        Some(first) => {
                            o.score = Num::from(*award);
                            missing.clear();
                            self.push_reason(Reason::AnyMet {
                                first,
                                award: *award,
                            });
                        }
                        None => self.push_reason(Reason::AnyNone),
                    }
                }
                for m in missing {
                    if !o.missing.contains(&m) {
                        o.missing.push(m);
                    }
                }
                Ok(o)
            }
            CForm::Judged { key, points } => {
                let (r, verdict) = self.judged(*key, *points);
                if recording {
                    let why = self.judgement_why(*key, verdict);
                    if let Some(rec) = &mut self.record {
                        rec.reasons.push(Reason::Judged {
                            state: r.state,
                            why: why.clone(),
                            score: r.score,
                        });
                        rec.whys.push(why);
                    }
                }
                items.push(r);
                Ok(Out::scored(Num::from(r.score)))
            }
            CForm::Max(forms, spans) | CForm::Sum(forms, spans) => {
                let is_max = matches!(f, CForm::Max(..));
                let mut o = Out::scored(Num::ZERO);
                let mut parts = Vec::new();
                for (f, span) in forms.iter().zip(spans) {
                    let before = self.record.as_ref().map_or(0, |r| r.reasons.len());
                    let sub = self.form(f, items)?;
                    if let Some(rec) = &mut self.record {
                        let steps = rec.reasons.split_off(before);
                        rec.reasons.extend(
                            steps
                                .into_iter()
                                .map(|r| Reason::Part { step: Box::new(r) }),
                        );
                        parts.push(sub.score.clone());
                    }
                    for m in sub.missing {
                        if !o.missing.contains(&m) {
                            o.missing.push(m);
                        }
                    }
                    o.score = if is_max {
                        o.score.max(sub.score)
                    } else {
                        o.score.add(sub.score)
                    }
                    .map_err(|e| num_err(e, *span))?;
                }
                if recording {
                    self.push_reason(if is_max {
                        Reason::Best {
                            parts,
                            best: o.score.clone(),
                        }
                    } else {
                        Reason::Total {
                            parts,
                            total: o.score.clone(),
                        }
                    });
                }
                Ok(o)
            }
            CForm::Expr(e) => match self.eval(e)? {
                V::Num(n, _) => {
                    if recording {
                        // A formula's result is the points themselves: `3项 × 1 = 3 分`, not
                        // `3项 × 1 = 3项，得 3 分`.
                        let reason = if matches!(e.k, K::Arith(..)) {
                            Reason::Formula {
                                formula: self.formula(e),
                                score: n.clone(),
                            }
                        } else {
                            Reason::Value {
                                value: self.operand(e),
                                score: n.clone(),
                            }
                        };
                        self.push_reason(reason);
                    }
                    Ok(Out::scored(n))
                }
                V::Missing(m) => {
                    if recording {
                        let value = self.operand(e);
                        self.push_reason(Reason::ValueMissing { value });
                    }
                    Ok(Out::missing(m))
                }
                other => fail(
                    Fault::ScoreNotANumber {
                        found: other.kind(),
                    },
                    e.span,
                ),
            },
        }
    }
}

/// What a scoring form produced.
struct Out {
    score: Num,
    missing: Vec<Miss>,
}

impl Out {
    fn scored(score: Num) -> Out {
        Out {
            score,
            missing: Vec::new(),
        }
    }

    fn missing(m: Vec<Miss>) -> Out {
        Out {
            score: Num::ZERO,
            missing: m,
        }
    }
}

/// `min`, `max`, `abs`, `sum` and `len` on evaluated arguments.
fn builtin<'s, M: Mode>(callee: Callee, name: &str, vals: &[V<'s, M>], span: Span) -> P<V<'s, M>> {
    if let Some(m) = vals.iter().find(|v| matches!(v, V::Missing(_))) {
        return Ok(m.clone());
    }
    let needs_number = |v: &V<M>| {
        fail::<V<'s, M>>(
            Fault::BuiltinNeedsNumber {
                name: name.to_string(),
                found: v.kind(),
            },
            span,
        )
    };
    match (callee, vals) {
        (Callee::Min | Callee::Max, _) => {
            if let Some(v) = vals.iter().find(|v| !matches!(v, V::Num(..))) {
                return needs_number(v);
            }
            let mut it = vals.iter();
            let Some(V::Num(first, d)) = it.next() else {
                return fail(
                    Fault::BuiltinNeedsArgument {
                        name: name.to_string(),
                    },
                    span,
                );
            };
            let mut best = (first.clone(), *d);
            for v in it {
                let V::Num(n, d) = v else {
                    return needs_number(v);
                };
                // Only a strictly better value replaces the best so far.
                let better = if matches!(callee, Callee::Min) {
                    Ordering::Greater
                } else {
                    Ordering::Less
                };
                if best.0.try_cmp(n).map_err(|e| num_err(e, span))? == better {
                    best = (n.clone(), *d);
                }
            }
            Ok(V::Num(best.0, best.1))
        }
        (Callee::Abs, [V::Num(n, d)]) => Ok(V::Num(
            if n.is_negative() {
                n.clone().neg()
            } else {
                n.clone()
            },
            *d,
        )),
        (Callee::Sum, [V::List(items, d)]) => {
            count_work(items.len());
            let mut acc = Num::ZERO;
            for n in items.iter() {
                acc = acc.add(Num::from(*n)).map_err(|e| num_err(e, span))?;
            }
            Ok(V::Num(acc, *d))
        }
        (Callee::Len, [V::List(items, _)]) => Ok(V::Num(Num::from(items.len() as i64), M::PLAIN)),
        _ => fail(
            Fault::BuiltinBadArguments {
                name: name.to_string(),
            },
            span,
        ),
    }
}

fn in_tier(n: &Num, t: &CTier, span: Span) -> P<bool> {
    if let Some((lo, inclusive, _)) = &t.lo {
        match n.try_cmp(lo).map_err(|e| num_err(e, span))? {
            Ordering::Less => return Ok(false),
            Ordering::Equal if !inclusive => return Ok(false),
            _ => {}
        }
    }
    if let Some((hi, inclusive, _)) = &t.hi {
        match n.try_cmp(hi).map_err(|e| num_err(e, span))? {
            Ordering::Greater => return Ok(false),
            Ordering::Equal if !inclusive => return Ok(false),
            _ => {}
        }
    }
    Ok(true)
}

/// Describing what a run computed: conditions with their values ([`Said`]) and values with where
/// they came from ([`Operand`]), for explanations and rule problems. Each part is evaluated
/// again where it stands (function values are remembered, so this repeats little work).
impl<'s, M: Mode> Run<'_, 's, M> {
    /// A value as explanations show it.
    fn shown(&mut self, c: &C) -> Shown {
        match self.eval(c) {
            Ok(v) => Shown::Value {
                value: self.plan.val(&v),
            },
            Err(Bail(e)) => Shown::Failed { fault: e.fault },
        }
    }

    /// A condition with the values substituted, e.g.
    /// `网络交易经营者数量 1,500户 ≤ 市场主体数量 12,000户`.
    fn said(&mut self, c: &C) -> Said {
        match &c.k {
            K::Cmp(op, a, b) => self.said_cmp(*op, a, b),
            K::And(a, b) => Said::And {
                left: Box::new(self.said(a)),
                right: Box::new(self.said(b)),
            },
            K::Or(a, b) => Said::Or {
                left: Box::new(self.said(a)),
                right: Box::new(self.said(b)),
            },
            K::Not(a) => self.said_not(a),
            _ => Said::Value {
                value: self.operand(c),
            },
        }
    }

    fn said_cmp(&mut self, op: CmpOp, a: &C, b: &C) -> Said {
        // A condition that holds is shown with the rule's operator; one that fails with the
        // relation that actually holds, so the line never states something false.
        let relation = match (self.eval(a), self.eval(b)) {
            (Ok(V::Num(x, _)), Ok(V::Num(y, _))) => match x.try_cmp(&y) {
                Ok(ord) if !op.holds(ord) => Relation::Actual { ord },
                _ => Relation::Stated { op },
            },
            (Ok(V::Missing(_)), _) | (_, Ok(V::Missing(_))) => Relation::Unknown,
            _ => Relation::Stated { op },
        };
        Said::Compare {
            left: Box::new(self.operand(a)),
            relation,
            right: Box::new(self.operand(b)),
        }
    }

    /// `not c` as the statement it amounts to: `not (a < b)` is `a ≥ b`, and De Morgan's laws
    /// for `and`/`or`, so the explanation never wraps a true comparison in a "not".
    fn said_not(&mut self, c: &C) -> Said {
        match &c.k {
            K::Cmp(op, a, b) => {
                let negated = match op {
                    CmpOp::Gt => CmpOp::Le,
                    CmpOp::Ge => CmpOp::Lt,
                    CmpOp::Lt => CmpOp::Ge,
                    CmpOp::Le => CmpOp::Gt,
                    CmpOp::Eq => CmpOp::Ne,
                    CmpOp::Ne => CmpOp::Eq,
                };
                self.said_cmp(negated, a, b)
            }
            K::And(a, b) => Said::Or {
                left: Box::new(self.said_not(a)),
                right: Box::new(self.said_not(b)),
            },
            K::Or(a, b) => Said::And {
                left: Box::new(self.said_not(a)),
                right: Box::new(self.said_not(b)),
            },
            K::Not(a) => self.said(a),
            _ => Said::Not {
                value: self.operand(c),
            },
        }
    }

    /// A value with where it came from.
    fn operand(&mut self, c: &C) -> Operand {
        let value = self.shown(c);
        match &c.k {
            K::Num(_, _, text) => Operand::Literal {
                text: text.to_string(),
            },
            K::Year => Operand::Year { value },
            K::Input(_) | K::Let(_) | K::Local(..) | K::Fail(_) => Operand::Name {
                name: self.plan.written_name(c).unwrap_or_default(),
                label: self.plan.label_of(c),
                value,
            },
            K::Index(base, idx) => {
                let year = self.year_of(idx).ok();
                match self.plan.written_name(base) {
                    Some(name) => {
                        let key = match self.eval(base) {
                            Ok(V::Series(i, _)) => self.plan.input_key_of(i).to_string(),
                            _ => name,
                        };
                        let label = self
                            .plan
                            .rules
                            .input(&key)
                            .map_or(key.clone(), |d| d.label.value.clone());
                        Operand::Yearly {
                            key,
                            label,
                            year,
                            value,
                        }
                    }
                    None => Operand::AtYear {
                        base: Box::new(self.operand(base)),
                        year,
                        value,
                    },
                }
            }
            K::Call(callee, name, args) => self.call_operand(*callee, name, args, value),
            K::Arith(..) => Operand::Arith {
                formula: self.formula(c),
                value,
            },
            K::Coalesce(a, b) => {
                let left = self.eval(a);
                let given = self.short_label(a);
                let fallback = if matches!(left, Ok(V::Missing(_))) {
                    Some(Box::new(self.operand(b)))
                } else {
                    None
                };
                Operand::Coalesce {
                    given,
                    fallback,
                    value,
                }
            }
            K::Count { list, .. } => Operand::CountWhere {
                list: self.short_label(list),
                value,
            },
            _ => Operand::Other { value },
        }
    }

    /// A formula with the values substituted and no intermediate results.
    fn formula(&mut self, c: &C) -> Formula {
        match &c.k {
            K::Arith(op, a, b) => {
                let (left, left_grouped) = self.formula_operand(a, *op, false);
                let (right, right_grouped) = self.formula_operand(b, *op, true);
                Formula::Op {
                    op: *op,
                    left: Box::new(left),
                    right: Box::new(right),
                    left_grouped,
                    right_grouped,
                }
            }
            _ => Formula::Operand {
                operand: Box::new(self.operand(c)),
            },
        }
    }

    /// A side of an operation, and whether it needs brackets there.
    fn formula_operand(&mut self, c: &C, parent: ArithOp, right: bool) -> (Formula, bool) {
        match &c.k {
            K::Arith(op, ..) => {
                let inner = self.formula(c);
                let loose = matches!(op, ArithOp::Add | ArithOp::Sub);
                let tight = matches!(parent, ArithOp::Mul | ArithOp::Div);
                let grouped =
                    (loose && tight) || (right && matches!(parent, ArithOp::Sub | ArithOp::Div));
                (inner, grouped)
            }
            _ => (
                Formula::Operand {
                    operand: Box::new(self.operand(c)),
                },
                false,
            ),
        }
    }

    fn short_label(&mut self, c: &C) -> ShortLabel {
        match &c.k {
            K::Input(_) | K::Let(_) | K::Local(..) | K::Fail(_) => ShortLabel::Name {
                label: self
                    .plan
                    .label_of(c)
                    .or_else(|| self.plan.written_name(c))
                    .unwrap_or_default(),
            },
            K::Index(base, idx) => {
                let year = self.year_of(idx).ok();
                ShortLabel::AtYear {
                    base: Box::new(self.short_label(base)),
                    year,
                }
            }
            _ => ShortLabel::It,
        }
    }

    fn call_operand(&mut self, callee: Callee, name: &str, args: &[C], value: Shown) -> Operand {
        let plan = self.plan;
        let (Callee::User(i), Some(f)) = (callee, plan.rules.fns.get(name)) else {
            let args = args.iter().map(|a| self.formula(a)).collect();
            return Operand::Builtin {
                name: name.to_string(),
                args,
                value,
            };
        };
        let label = f
            .label
            .as_ref()
            .map_or(name.to_string(), |l| l.value.clone());
        // A year argument is shown as （2024年）.
        let mut year = None;
        let mut vals = Vec::new();
        for (p, a) in f.params.iter().zip(args) {
            let v = self.eval(a).unwrap_or(V::Missing(Vec::new()));
            if let (V::Num(n, d), true) = (&v, p.value == "y" || p.value == "year")
                && M::d(*d) == D::PLAIN
            {
                year = Some(n.to_decimal());
            }
            vals.push(v);
        }
        // Show how the value came about when the body chooses between a given and a computed
        // value or is itself a formula.
        let body = plan.fns.get(i as usize).map(|f| &f.body);
        let detail = match body {
            Some(
                body @ C {
                    k: K::Coalesce(..) | K::Arith(..),
                    ..
                },
            ) if vals.len() == f.params.len() && self.depth < MAX_DEPTH => {
                let (saved_base, saved_len) = (self.base, self.locals.len());
                self.base = saved_len;
                self.locals.extend(vals);
                self.depth += 1;
                let d = self.operand(body);
                self.depth -= 1;
                self.locals.truncate(saved_len);
                self.base = saved_base;
                Some((matches!(body.k, K::Arith(..)), d))
            }
            _ => None,
        };
        let body = match detail {
            Some((true, d)) => FunctionBody::Formula {
                formula: Box::new(d),
            },
            Some((false, d)) => FunctionBody::Chosen {
                choice: Box::new(d),
            },
            None => FunctionBody::Plain,
        };
        Operand::Function {
            name: name.to_string(),
            label,
            year,
            body,
            value,
        }
    }
}

/// Questions about one indicator's rule on one submission, answered by the compiled evaluator:
/// what an expression of the rule comes to, with its reasons, in the indicator's scope (its
/// `let`s and the loop variables bound so far). `explain`, the next-point search and the data
/// checks' messages ask these; each expression is compiled where it stands, once per question.
pub(crate) struct ScopedRun<'p, 's> {
    plan: &'p Plan,
    run: Run<'p, 's, Full>,
    compiler: Compiler<'p>,
}

impl<'p, 's> ScopedRun<'p, 's> {
    /// A scope with no locals: the rule set's top level.
    pub(crate) fn new(plan: &'p Plan, sub: &'s Submission) -> ScopedRun<'p, 's> {
        ScopedRun {
            plan,
            run: Run::<Full>::sparse(plan, sub),
            compiler: Compiler::for_plan(plan),
        }
    }

    /// The scope of an indicator's rule with all its `let`s bound; `None` when one of them
    /// cannot be computed.
    pub(crate) fn indicator(
        plan: &'p Plan,
        sub: &'s Submission,
        ind: &ast::Indicator,
    ) -> Option<ScopedRun<'p, 's>> {
        let mut scope = ScopedRun::new(plan, sub);
        for l in &ind.lets {
            scope.push_let(l).ok()?;
        }
        Some(scope)
    }

    /// Binds an indicator's `let` (computed here) for what follows.
    pub(crate) fn push_let(&mut self, l: &ast::LetDecl) -> Result<(), EvalError> {
        let c = self.compiler.expr(&l.value);
        let v = self.run.eval(&c).map_err(|Bail(e)| *e)?;
        self.run.locals.push(v);
        self.compiler.scope.push((
            Arc::from(l.name.value.as_str()),
            l.label.as_ref().map(|l| Arc::from(l.value.as_str())),
        ));
        Ok(())
    }

    /// Runs `f` with the loop variable `name` bound to `value` (a number of dimension `dim`).
    pub(crate) fn with_bound<T>(
        &mut self,
        name: &str,
        value: Num,
        dim: &Dim,
        f: impl FnOnce(&mut Self) -> T,
    ) -> T {
        let d = self
            .plan
            .dims
            .iter()
            .position(|x| x == dim)
            .and_then(|i| u16::try_from(i).ok())
            .map_or(D::PLAIN, D);
        self.run.locals.push(V::Num(value, d));
        self.compiler.scope.push((Arc::from(name), None));
        let out = f(self);
        self.compiler.scope.pop();
        self.run.locals.pop();
        out
    }

    /// What an expression comes to.
    pub(crate) fn eval(&mut self, e: &Expr) -> Result<Val, EvalError> {
        let c = self.compiler.expr(e);
        match self.run.eval(&c) {
            Ok(v) => Ok(self.plan.val(&v)),
            Err(Bail(e)) => Err(*e),
        }
    }

    /// A condition's value: yes or no, or missing data.
    pub(crate) fn bool_of(&mut self, e: &Expr) -> Result<Result<bool, Val>, EvalError> {
        let c = self.compiler.expr(e);
        match self.run.bool_of(&c) {
            Ok(Ok(b)) => Ok(Ok(b)),
            Ok(Err(v)) => Ok(Err(self.plan.val(&v))),
            Err(Bail(e)) => Err(*e),
        }
    }

    /// The years of a range, in order.
    pub(crate) fn years(&mut self, r: &ast::YearRange) -> Result<Vec<i32>, EvalError> {
        let c = self.compiler.range(r);
        match self.run.years(&c) {
            Ok(ys) => Ok(ys.collect()),
            Err(Bail(e)) => Err(*e),
        }
    }

    /// A condition with its values.
    pub(crate) fn said(&mut self, e: &Expr) -> Said {
        let c = self.compiler.expr(e);
        self.run.said(&c)
    }

    /// A value with where it came from.
    pub(crate) fn operand(&mut self, e: &Expr) -> Operand {
        let c = self.compiler.expr(e);
        self.run.operand(&c)
    }

    /// The value of a name.
    pub(crate) fn lookup(&mut self, name: &str) -> Result<Val, EvalError> {
        let c = C {
            k: self.compiler.name(name),
            span: Span::default(),
        };
        match self.run.eval(&c) {
            Ok(v) => Ok(self.plan.val(&v)),
            Err(Bail(e)) => Err(*e),
        }
    }

    /// The label people know a name by, if it has one.
    pub(crate) fn label_of(&self, name: &str) -> Option<String> {
        let c = C {
            k: self.compiler.name(name),
            span: Span::default(),
        };
        self.plan.label_of(&c)
    }

    /// Whether a value lies in a tier.
    pub(crate) fn in_tier(n: &Num, t: &ast::Tier, span: Span) -> Result<bool, EvalError> {
        let t = CTier {
            lo: t
                .lo
                .as_ref()
                .map(|l| (Num::from(l.value), t.lo_inclusive, l.span)),
            hi: t
                .hi
                .as_ref()
                .map(|h| (Num::from(h.value), t.hi_inclusive, h.span)),
            points: t.points.value,
            interval: super::interval_of(t),
        };
        in_tier(n, &t, span).map_err(|Bail(e)| *e)
    }

    /// One scoring form of indicator `ind` scored on its own, with the reasons for its score;
    /// `None` where it cannot be (a rule problem).
    pub(crate) fn form_score(
        &mut self,
        ind: &ast::Indicator,
        form: &ScoreForm,
    ) -> Option<(Num, Vec<Reason>)> {
        let f = self.compiler.form(ind, form);
        let saved = self.run.record.replace(Record::default());
        let out = self.run.form(&f, &mut Vec::new());
        let record = std::mem::replace(&mut self.run.record, saved).unwrap_or_default();
        out.ok().map(|o| (o.score, record.reasons))
    }
}
