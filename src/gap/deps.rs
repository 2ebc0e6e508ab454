//! What an indicator depends on, read from its rule: the inputs it reads (through its `let`s,
//! the top-level `let`s and functions it uses, and its scripts) and the comparisons that decide
//! it (tier bounds, conditions, the score formula). The next-point search changes those inputs
//! and watches those comparisons; `explain` lists the inputs with their values.

use crate::eval::Program;
use crate::eval::plan::ScopedRun;
use crate::model::RuleSet;
use crate::number::Num;
use crate::syntax::ast::{ArithOp, Expr, ExprKind, Indicator, Role, ScoreForm};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// The inputs an indicator of a compiled program reads, each once, in the order the rule first
/// mentions them: what [`inputs_read`] finds, read from the program, which found them once when it
/// was compiled (`tests/plan_agrees.rs` holds the two to the same lists on every rule file).
pub fn compiled_reads<'p>(rules: &'p Program, ind: &Indicator) -> Vec<&'p str> {
    match rules
        .indicators()
        .position(|(_, i)| i.no.value == ind.no.value)
    {
        Some(i) => rules.plan().inputs_read(i).collect(),
        None => Vec::new(),
    }
}

/// The inputs an indicator reads, each once, in the order the rule first mentions them.
pub fn inputs_read(rules: &RuleSet, ind: &Indicator) -> Vec<String> {
    let mut w = InputWalker {
        rules,
        out: Vec::new(),
        seen_lets: HashSet::new(),
        seen_fns: HashSet::new(),
    };
    let mut scope: Vec<&str> = Vec::new();
    for l in &ind.lets {
        w.expr(&l.value, &scope);
        scope.push(&l.name.value);
    }
    if let Some(form) = &ind.score {
        w.form(form, &scope);
    }
    w.out
}

/// Whether `e` may read input `key` other than through the loop variables `bound`: directly,
/// through a definition or a function, or through what cannot be followed here (a name of the
/// indicator's own `let`s, a script). Conservative: `true` when in doubt.
pub(crate) fn reads_besides(
    rules: &RuleSet,
    ind: &Indicator,
    e: &Expr,
    bound: &[&str],
    key: &str,
) -> bool {
    let mut w = InputWalker {
        rules,
        out: Vec::new(),
        seen_lets: HashSet::new(),
        seen_fns: HashSet::new(),
    };
    w.expr(e, bound);
    if w.out.iter().any(|k| k == key) {
        return true;
    }
    let mut opaque = false;
    e.each(&mut |x| match &x.kind {
        ExprKind::Name(n) if ind.lets.iter().any(|l| l.name.value == *n) => opaque = true,
        ExprKind::Script(_) => opaque = true,
        _ => {}
    });
    opaque
}

struct InputWalker<'a> {
    rules: &'a RuleSet,
    out: Vec<String>,
    seen_lets: HashSet<String>,
    seen_fns: HashSet<String>,
}

impl InputWalker<'_> {
    fn add(&mut self, key: &str) {
        if !self.out.iter().any(|k| k == key) {
            self.out.push(key.to_string());
        }
    }

    fn form(&mut self, form: &ScoreForm, scope: &[&str]) {
        form.each_expr(&mut |e, role| match role.bound() {
            Some(var) => {
                let mut inner = scope.to_vec();
                inner.push(&var.value);
                self.expr(e, &inner);
            }
            None => self.expr(e, scope),
        });
    }

    fn expr(&mut self, e: &Expr, scope: &[&str]) {
        match &e.kind {
            ExprKind::Lit(_) | ExprKind::Bool(_) | ExprKind::Year => {}
            ExprKind::Name(n) => {
                if scope.contains(&n.as_str()) {
                    return;
                }
                if let Some(l) = self.rules.lets.get(n) {
                    if self.seen_lets.insert(n.clone()) {
                        self.expr(&l.value, &[]);
                    }
                } else if self.rules.input(n).is_some() {
                    self.add(n);
                }
            }
            ExprKind::Call(name, args) => {
                for a in args {
                    self.expr(a, scope);
                }
                if let Some(f) = self.rules.fns.get(&name.value)
                    && self.seen_fns.insert(name.value.clone())
                {
                    let params: Vec<&str> = f.params.iter().map(|p| p.value.as_str()).collect();
                    self.expr(&f.body, &params);
                }
            }
            ExprKind::Index(a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::Cmp(_, a, b)
            | ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Coalesce(a, b) => {
                self.expr(a, scope);
                self.expr(b, scope);
            }
            ExprKind::Neg(a) | ExprKind::Not(a) => self.expr(a, scope),
            ExprKind::Quant {
                var, range, body, ..
            } => {
                self.expr(&range.from, scope);
                self.expr(&range.to, scope);
                let mut inner = scope.to_vec();
                inner.push(&var.value);
                self.expr(body, &inner);
            }
            ExprKind::CountWhere { var, list, cond } => {
                self.expr(list, scope);
                let mut inner = scope.to_vec();
                inner.push(&var.value);
                self.expr(cond, &inner);
            }
            ExprKind::Script(s) => {
                for k in self.rules.scripts.inputs_read(s) {
                    self.add(&k);
                }
            }
        }
    }
}

/// What a watched comparison compares its subject with.
#[derive(Debug, Clone)]
pub(crate) enum Target<'a> {
    /// Another expression (a bound that may itself depend on the inputs).
    Expr(&'a Expr),
    /// A fixed number: a tier bound or the next whole point of a score formula.
    Const(Num),
}

/// How a loop variable in scope at a comparison is bound.
#[derive(Debug, Clone)]
pub(crate) enum Bind<'a> {
    /// A year of `each year` or `all/any y in`.
    Year(String, i32),
    /// The element variable of `count(x in list where …)`.
    Elem(String, &'a Expr),
}

/// A comparison that decides part of an indicator's score: where its subject crosses its target,
/// the score may change.
#[derive(Debug, Clone)]
pub(crate) struct Site<'a> {
    /// The side that moves.
    pub subject: &'a Expr,
    /// What it is compared with.
    pub target: Target<'a>,
    /// Loop variables in scope, outermost first.
    pub binds: Vec<Bind<'a>>,
}

/// The comparisons that decide an indicator: every tier bound, every comparison in a condition or
/// a `let`, and the next whole point of a score formula. `env` must have the indicator's `let`s
/// bound (the formula's current value and the years of each range are read from it).
pub(crate) fn sites<'a>(
    env: &mut ScopedRun,
    rules: &'a RuleSet,
    ind: &'a Indicator,
) -> Vec<Site<'a>> {
    let mut c = SiteCollector {
        rules,
        out: Vec::new(),
        seen_lets: HashSet::new(),
    };
    for l in &ind.lets {
        c.expr(env, &l.value, &[]);
    }
    if let Some(form) = &ind.score {
        c.form(env, form);
    }
    c.out
}

struct SiteCollector<'a> {
    rules: &'a RuleSet,
    out: Vec<Site<'a>>,
    seen_lets: HashSet<String>,
}

impl<'a> SiteCollector<'a> {
    /// The sites of a form's expressions, by their roles: a tier subject is compared with
    /// every bound, a condition judged for each year once per year, a formula with its next
    /// whole point.
    fn form(&mut self, env: &mut ScopedRun, form: &'a ScoreForm) {
        form.each_expr(&mut |e, role| match role {
            Role::TierSubject { tiers, .. } => {
                for t in tiers {
                    for b in [&t.lo, &t.hi].into_iter().flatten() {
                        self.out.push(Site {
                            subject: e,
                            target: Target::Const(Num::from(b.value)),
                            binds: Vec::new(),
                        });
                    }
                }
                self.expr(env, e, &[]);
            }
            // The range is fixed by the evaluation year: nothing to raise.
            Role::YearEnd => {}
            Role::Condition {
                each_year: Some((var, range)),
            } => {
                for y in env.years(range).unwrap_or_default() {
                    self.expr(env, e, &[Bind::Year(var.value.clone(), y)]);
                }
            }
            Role::Condition { each_year: None } => self.expr(env, e, &[]),
            Role::Points => {
                // The formula's next whole point: 1.5 → 2, 2 → 3.
                if let Ok(crate::eval::Val::Num(n, _)) = env.eval(e) {
                    let d = n.to_decimal();
                    let next = d.floor() + rust_decimal::Decimal::ONE;
                    self.out.push(Site {
                        subject: e,
                        target: Target::Const(Num::from(next)),
                        binds: Vec::new(),
                    });
                }
                self.expr(env, e, &[]);
            }
        });
    }

    fn expr(&mut self, env: &mut ScopedRun, e: &'a Expr, binds: &[Bind<'a>]) {
        match &e.kind {
            ExprKind::Lit(_) | ExprKind::Bool(_) | ExprKind::Year | ExprKind::Script(_) => {}
            ExprKind::Name(n) => {
                if let Some(l) = self.rules.lets.get(n)
                    && self.seen_lets.insert(n.clone())
                {
                    self.expr(env, &l.value, &[]);
                }
            }
            ExprKind::Cmp(_, a, b) => {
                self.out.push(Site {
                    subject: a,
                    target: Target::Expr(b),
                    binds: binds.to_vec(),
                });
                self.expr(env, a, binds);
                self.expr(env, b, binds);
            }
            ExprKind::Call(_, args) => {
                for a in args {
                    self.expr(env, a, binds);
                }
            }
            ExprKind::Index(a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Coalesce(a, b) => {
                self.expr(env, a, binds);
                self.expr(env, b, binds);
            }
            ExprKind::Neg(a) | ExprKind::Not(a) => self.expr(env, a, binds),
            ExprKind::Quant {
                var, range, body, ..
            } => {
                for y in env.years(range).unwrap_or_default() {
                    let mut inner = binds.to_vec();
                    inner.push(Bind::Year(var.value.clone(), y));
                    self.expr(env, body, &inner);
                }
            }
            ExprKind::CountWhere { var, list, cond } => {
                self.expr(env, list, binds);
                let mut inner = binds.to_vec();
                inner.push(Bind::Elem(var.value.clone(), list));
                self.expr(env, cond, &inner);
            }
        }
    }
}

/// How a value moves as one input's values move along the search's lattice. Every read of the
/// input is taken as the value being changed, which is conservative: a read of another year or
/// entry is a constant, a line with no slope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Moves {
    /// It does not read the input.
    Fixed,
    /// `a + b·x` in the changed value `x`.
    Line,
    /// `(a + b·x) / (c + d·x)`.
    Ratio,
    /// A number that changes only where a watched comparison changes: a count of entries that
    /// meet a watched condition, and sums, products and ratios of such counts.
    Steps,
    /// A yes/no decided by watched comparisons alone.
    Decided,
    /// Anything else: where it changes cannot be told from the comparisons.
    Unknown,
}

use Moves::{Decided, Fixed, Line, Ratio, Steps, Unknown};

impl Moves {
    /// A number whose changes the comparisons can show: a constant, a line, a ratio of lines
    /// (either changes sign at most once where it has no pole) or a count of watched conditions.
    fn numeric(self) -> bool {
        matches!(self, Fixed | Line | Ratio | Steps)
    }

    /// Either of two values, which one not depending on the changed value (`a ?? b`).
    fn join(self, other: Moves) -> Moves {
        match (self, other) {
            (a, b) if a == b => a,
            (Fixed, x) | (x, Fixed) => x,
            (Line | Ratio, Line | Ratio) => Ratio,
            _ => Unknown,
        }
    }

    fn arith(op: ArithOp, a: Moves, b: Moves) -> Moves {
        if !a.numeric() || !b.numeric() {
            return Unknown;
        }
        match (op, a, b) {
            (_, Fixed, Fixed) => Fixed,
            (_, Steps, Steps | Fixed) | (_, Fixed, Steps) => Steps,
            (ArithOp::Add | ArithOp::Sub, Fixed, x) | (_, x, Fixed) => x,
            (ArithOp::Add | ArithOp::Sub, Line, Line) => Line,
            (ArithOp::Mul, Fixed, x) => x,
            (ArithOp::Div, Fixed | Line, Line) | (ArithOp::Div, Fixed, Ratio) => Ratio,
            _ => Unknown,
        }
    }
}

/// Where an indicator's scoring context puts an expression.
#[derive(Clone, Copy)]
struct Ctx {
    /// Inside a function body: no comparison there is watched.
    in_body: bool,
    /// The indicator's own `let`s are in scope (not in function or top-level `let` bodies).
    see_lets: bool,
    depth: u32,
}

impl Ctx {
    /// An indicator's own expressions: its `let`s, its form, its comparisons.
    const TOP: Ctx = Ctx {
        in_body: false,
        see_lets: true,
        depth: 0,
    };
}

/// A function's or top-level `let`'s body: its name, the shapes of its arguments, and whether
/// it is reached from a function body.
type Body<'a> = (&'a str, Vec<Moves>, bool);

/// How an indicator's values move with one input, read from its rule: which comparisons the
/// next-point search must find every change of, and whether the score can change anywhere else.
pub(crate) struct Motion<'a> {
    rules: &'a RuleSet,
    key: &'a str,
    lets: Vec<(&'a str, Moves)>,
    /// What a function's body or a top-level `let` gives, by name, argument shapes and whether
    /// it is reached from a function body: each is read once, so no chain of calls makes the
    /// reading exponential.
    bodies: RefCell<HashMap<Body<'a>, Moves>>,
    /// The score changes with the input only where one of its watched comparisons changes:
    /// every comparison that reads the input is watched (none inside a function body or a
    /// script), and every number the score is made of from the input is a count of watched
    /// conditions; what a tier or a condition compares is a line or a ratio of lines in the
    /// input, or such a count.
    pub(crate) decided: bool,
}

impl<'a> Motion<'a> {
    /// How indicator `ind` moves with input `key`.
    pub(crate) fn of(rules: &'a RuleSet, ind: &'a Indicator, key: &'a str) -> Motion<'a> {
        let mut m = Motion {
            rules,
            key,
            lets: Vec::new(),
            bodies: RefCell::new(HashMap::new()),
            decided: false,
        };
        let top = Ctx::TOP;
        for l in &ind.lets {
            let moves = m.expr(&l.value, &[], top);
            m.lets.push((&l.name.value, moves));
        }
        m.decided = ind.score.as_ref().is_none_or(|f| m.form(f, top));
        m
    }

    /// How a site's subject less its target moves. A line or a ratio of lines is a comparison
    /// whose changes the search must find exactly; a count of watched conditions changes only
    /// where those do.
    pub(crate) fn site(&self, site: &Site<'a>) -> Moves {
        let top = Ctx::TOP;
        let mut scope: Vec<(&str, Moves)> = Vec::new();
        for b in &site.binds {
            match b {
                Bind::Year(v, _) => scope.push((v.as_str(), Fixed)),
                Bind::Elem(v, list) => {
                    let elems = match self.expr(list, &scope, top) {
                        m @ (Fixed | Line) => m,
                        _ => Unknown,
                    };
                    scope.push((v.as_str(), elems));
                }
            }
        }
        let subject = self.expr(site.subject, &scope, top);
        let target = match &site.target {
            Target::Expr(e) => self.expr(e, &scope, top),
            Target::Const(_) => Fixed,
        };
        Moves::arith(ArithOp::Sub, subject, target)
    }

    /// Whether every expression of a form moves so that the comparisons watched show every
    /// change of its score: tier subjects numeric, year ranges fixed, conditions decided by
    /// watched comparisons, formulas fixed or counts of them.
    fn form(&self, form: &'a ScoreForm, ctx: Ctx) -> bool {
        let decided = |m: Moves| matches!(m, Fixed | Decided);
        let mut all = true;
        form.each_expr(&mut |e, role| {
            if !all {
                return;
            }
            all = match role {
                Role::TierSubject { .. } => self.expr(e, &[], ctx).numeric(),
                Role::YearEnd => self.expr(e, &[], ctx) == Fixed,
                Role::Condition { each_year } => match each_year {
                    Some((var, _)) => decided(self.expr(e, &[(&var.value, Fixed)], ctx)),
                    None => decided(self.expr(e, &[], ctx)),
                },
                Role::Points => matches!(self.expr(e, &[], ctx), Fixed | Steps),
            };
        });
        all
    }

    /// What the body of function or top-level `let` `name` gives (`read` reads it), once per
    /// name, argument shapes and context.
    fn body(
        &self,
        name: &'a str,
        args: Vec<Moves>,
        in_body: bool,
        read: impl FnOnce() -> Moves,
    ) -> Moves {
        let key = (name, args, in_body);
        if let Some(m) = self.bodies.borrow().get(&key) {
            return *m;
        }
        let m = read();
        self.bodies.borrow_mut().insert(key, m);
        m
    }

    fn expr(&self, e: &'a Expr, scope: &[(&str, Moves)], ctx: Ctx) -> Moves {
        if ctx.depth > 64 {
            return Unknown;
        }
        let inner = Ctx {
            depth: ctx.depth + 1,
            ..ctx
        };
        match &e.kind {
            ExprKind::Lit(_) | ExprKind::Bool(_) | ExprKind::Year => Fixed,
            ExprKind::Name(n) => {
                if let Some((_, m)) = scope.iter().rev().find(|(v, _)| v == n) {
                    return *m;
                }
                if ctx.see_lets
                    && let Some((_, m)) = self.lets.iter().rev().find(|(v, _)| v == n)
                {
                    return *m;
                }
                if let Some((name, l)) = self.rules.lets.get_key_value(n) {
                    let body = Ctx {
                        see_lets: false,
                        ..inner
                    };
                    return self.body(name, Vec::new(), ctx.in_body, || {
                        self.expr(&l.value, &[], body)
                    });
                }
                if n == self.key { Line } else { Fixed }
            }
            ExprKind::Call(name, args) => {
                let args: Vec<Moves> = args.iter().map(|a| self.expr(a, scope, inner)).collect();
                let all_fixed = args.iter().all(|m| *m == Fixed);
                if let Some((fname, f)) = self.rules.fns.get_key_value(&name.value) {
                    let params: Vec<(&str, Moves)> = f
                        .params
                        .iter()
                        .map(|p| p.value.as_str())
                        .zip(args.iter().copied())
                        .collect();
                    let body = Ctx {
                        in_body: true,
                        see_lets: false,
                        ..inner
                    };
                    return self.body(fname, args, true, || self.expr(&f.body, &params, body));
                }
                match name.value.as_str() {
                    _ if all_fixed => Fixed,
                    "len" => Fixed,
                    "sum" => match args.as_slice() {
                        [m @ Line] => *m,
                        _ => Unknown,
                    },
                    "min" | "max" | "abs" if args.iter().all(|m| matches!(m, Fixed | Steps)) => {
                        Steps
                    }
                    _ => Unknown,
                }
            }
            ExprKind::Index(a, b) => {
                let list = self.expr(a, scope, inner);
                if self.expr(b, scope, inner) == Fixed && matches!(list, Fixed | Line) {
                    list
                } else {
                    Unknown
                }
            }
            ExprKind::Neg(a) => {
                let m = self.expr(a, scope, inner);
                if m.numeric() { m } else { Unknown }
            }
            ExprKind::Arith(op, a, b) => {
                Moves::arith(*op, self.expr(a, scope, inner), self.expr(b, scope, inner))
            }
            ExprKind::Cmp(_, a, b) => {
                let d = Moves::arith(
                    ArithOp::Sub,
                    self.expr(a, scope, inner),
                    self.expr(b, scope, inner),
                );
                match d {
                    Fixed => Fixed,
                    _ if ctx.in_body => Unknown,
                    Line | Ratio | Steps => Decided,
                    _ => Unknown,
                }
            }
            ExprKind::Not(a) => match self.expr(a, scope, inner) {
                m @ (Fixed | Decided) => m,
                _ => Unknown,
            },
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                match (self.expr(a, scope, inner), self.expr(b, scope, inner)) {
                    (Fixed, Fixed) => Fixed,
                    (Fixed | Decided, Fixed | Decided) => Decided,
                    _ => Unknown,
                }
            }
            ExprKind::Coalesce(a, b) => self.expr(a, scope, inner).join(self.expr(b, scope, inner)),
            ExprKind::Quant {
                var, range, body, ..
            } => {
                if self.expr(&range.from, scope, inner) != Fixed
                    || self.expr(&range.to, scope, inner) != Fixed
                {
                    return Unknown;
                }
                let mut within = scope.to_vec();
                within.push((&var.value, Fixed));
                match self.expr(body, &within, inner) {
                    Fixed => Fixed,
                    Decided if !ctx.in_body => Decided,
                    _ => Unknown,
                }
            }
            ExprKind::CountWhere { var, list, cond } => {
                let elems = self.expr(list, scope, inner);
                if !matches!(elems, Fixed | Line) {
                    return Unknown;
                }
                let mut within = scope.to_vec();
                within.push((&var.value, elems));
                match self.expr(cond, &within, inner) {
                    Fixed => Fixed,
                    Decided if !ctx.in_body => Steps,
                    _ => Unknown,
                }
            }
            ExprKind::Script(_) => Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A chain of functions that each call the one before twice is read once per function,
    /// not once per call (2^30 calls here).
    #[test]
    fn a_chain_of_doubling_functions_is_read_once_per_function() {
        let mut text = String::from(
            "ruleset t \"测试\" {\n  version \"1\"\n  effective 2024-01-01\n  points 1\n  pass total >= 1\n}\ninput x \"甲\" count 个\nfn f0(v) = v + 1\n",
        );
        for k in 1..=30 {
            text.push_str(&format!("fn f{k}(v) = f{}(v) + f{}(v)\n", k - 1, k - 1));
        }
        text.push_str(
            "category \"甲\" points 1 {\n  indicator 1 \"链\" points 1 {\n    owners \"市场监管局\"\n    score items {\n      item 1 \"超过\" points 1 when f30(x) > 3\n    }\n  }\n}\n",
        );
        let (rules, _) = crate::builtin::load(&Arc::from("rules.zb"), &text);
        let rules = rules.expect("rules");
        let (_, ind) = rules.indicators().next().expect("indicator");
        let motion = Motion::of(&rules, ind, "x");
        // A sum of lines is a line: the condition is decided by a watched comparison.
        assert!(motion.decided);
    }
}
