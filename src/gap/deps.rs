//! What an indicator depends on, read from its rule: the inputs it reads (through its `let`s,
//! the top-level `let`s and functions it uses, and its scripts) and the comparisons that decide
//! it (tier bounds, conditions, the score formula). The next-point search changes those inputs
//! and watches those comparisons; `explain` lists the inputs with their values.

use crate::eval::plan::ScopedRun;
use crate::model::RuleSet;
use crate::number::Num;
use crate::syntax::ast::{Expr, ExprKind, How, Indicator, ScoreForm};
use std::collections::HashSet;

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
        form.each_expr(&mut |e, bound| match bound {
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
    fn form(&mut self, env: &mut ScopedRun, form: &'a ScoreForm) {
        match form {
            ScoreForm::Tiers { subject, tiers, .. } => {
                for t in tiers {
                    for b in [&t.lo, &t.hi].into_iter().flatten() {
                        self.out.push(Site {
                            subject,
                            target: Target::Const(Num::from(b.value)),
                            binds: Vec::new(),
                        });
                    }
                }
                self.expr(env, subject, &[]);
            }
            ScoreForm::EachYear {
                var, range, cond, ..
            } => {
                for y in env.years(range).unwrap_or_default() {
                    self.expr(env, cond, &[Bind::Year(var.value.clone(), y)]);
                }
            }
            ScoreForm::Items { items, .. } | ScoreForm::Any { items, .. } => {
                for it in items {
                    if let How::When(e) = &it.how {
                        self.expr(env, e, &[]);
                    }
                }
            }
            ScoreForm::Judged { .. } => {}
            ScoreForm::Max { forms, .. } | ScoreForm::Sum { forms, .. } => {
                for f in forms {
                    self.form(env, f);
                }
            }
            ScoreForm::Expr(e) => {
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
        }
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
