//! Which inputs, definitions and functions the scoring actually reaches, and which local names
//! hide a declared one.
//!
//! The walk starts from what the evaluator runs — data checks (with the `{name}`s of their
//! messages) and indicators — and follows each `let` and function it meets, once. A definition
//! only an unused function mentions is therefore unused too.

use crate::diag::Span;
use crate::model::RuleSet;
use crate::syntax::ast::{Expr, ExprKind, ScoreForm};
use std::collections::HashSet;

/// A local name that hides a declared one.
#[derive(Debug, Clone, PartialEq)]
pub struct Shadow {
    /// Where the local name is bound.
    pub span: Span,
    /// The name.
    pub name: String,
    /// What kind of local it is: `局部定义`, `参数`, `年份变量`, `列表变量`.
    pub binder: &'static str,
    /// What it hides: `输入项`, `定义`, `函数`.
    pub hides: &'static str,
}

/// What the scoring reaches.
#[derive(Debug, Clone, Default)]
pub struct Uses {
    /// Inputs read.
    pub inputs: HashSet<String>,
    /// Top-level `let`s read.
    pub lets: HashSet<String>,
    /// Functions called.
    pub fns: HashSet<String>,
    /// Indicator-level `let`s read, by the span of their name.
    pub locals: HashSet<Span>,
    /// Local names that hide declared ones, in file order.
    pub shadows: Vec<Shadow>,
}

/// Works out what the scoring reaches.
pub fn analyse(rules: &RuleSet) -> Uses {
    let mut w = Walker {
        rules,
        out: Uses::default(),
        shadow_seen: HashSet::new(),
    };
    for c in &rules.checks {
        w.expr(&c.cond, &[]);
        for name in placeholders(&c.message.value) {
            w.name(&name, &[]);
        }
    }
    for (_, ind) in rules.indicators() {
        let mut scope: Vec<(String, Option<Span>)> = Vec::new();
        for l in &ind.lets {
            w.expr(&l.value, &scope);
            w.bind(&l.name.value, l.name.span, "局部定义");
            scope.push((l.name.value.clone(), Some(l.name.span)));
        }
        if let Some(form) = &ind.score {
            w.form(form, &scope);
        }
    }
    let mut names: Vec<&String> = rules.fns.keys().collect();
    names.sort();
    for n in names {
        if let Some(f) = rules.fns.get(n) {
            for p in &f.params {
                w.bind(&p.value, p.span, "参数");
            }
        }
    }
    w.out.shadows.sort_by_key(|s| s.span.start);
    w.out
}

/// The `{name}`s in a check message.
pub fn placeholders(msg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = msg;
    while let Some((_, after)) = rest.split_once('{') {
        match after.split_once('}') {
            Some((name, tail)) => {
                out.push(name.to_string());
                rest = tail;
            }
            None => break,
        }
    }
    out
}

type Scope = [(String, Option<Span>)];

struct Walker<'r> {
    rules: &'r RuleSet,
    out: Uses,
    shadow_seen: HashSet<Span>,
}

impl Walker<'_> {
    fn bind(&mut self, name: &str, span: Span, binder: &'static str) {
        let hides = if self.rules.input(name).is_some() {
            "输入项"
        } else if self.rules.lets.contains_key(name) {
            "定义"
        } else if self.rules.fns.contains_key(name) {
            "函数"
        } else {
            return;
        };
        if self.shadow_seen.insert(span) {
            self.out.shadows.push(Shadow {
                span,
                name: name.to_string(),
                binder,
                hides,
            });
        }
    }

    fn name(&mut self, n: &str, scope: &Scope) {
        if let Some((_, local)) = scope.iter().rev().find(|(k, _)| k == n) {
            if let Some(span) = local {
                self.out.locals.insert(*span);
            }
            return;
        }
        if let Some(l) = self.rules.lets.get(n) {
            if self.out.lets.insert(n.to_string()) {
                let value = l.value.clone();
                self.expr(&value, &[]);
            }
            return;
        }
        if self.rules.input(n).is_some() {
            self.out.inputs.insert(n.to_string());
        }
    }

    fn form(&mut self, form: &ScoreForm, scope: &Scope) {
        form.each_expr(&mut |e, role| match role.bound() {
            Some(var) => {
                self.bind(&var.value, var.span, "年份变量");
                let mut inner = scope.to_vec();
                inner.push((var.value.clone(), None));
                self.expr(e, &inner);
            }
            None => self.expr(e, scope),
        });
    }

    fn expr(&mut self, e: &Expr, scope: &Scope) {
        match &e.kind {
            ExprKind::Lit(_) | ExprKind::Bool(_) | ExprKind::Year => {}
            ExprKind::Name(n) => self.name(n, scope),
            ExprKind::Call(name, args) => {
                for a in args {
                    self.expr(a, scope);
                }
                if let Some(f) = self.rules.fns.get(&name.value)
                    && self.out.fns.insert(name.value.clone())
                {
                    let f = f.clone();
                    let params: Vec<(String, Option<Span>)> =
                        f.params.iter().map(|p| (p.value.clone(), None)).collect();
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
                self.bind(&var.value, var.span, "年份变量");
                let mut inner = scope.to_vec();
                inner.push((var.value.clone(), None));
                self.expr(body, &inner);
            }
            ExprKind::CountWhere { var, list, cond } => {
                self.expr(list, scope);
                self.bind(&var.value, var.span, "列表变量");
                let mut inner = scope.to_vec();
                inner.push((var.value.clone(), None));
                self.expr(cond, &inner);
            }
            ExprKind::Script(s) => {
                for key in self.rules.scripts.inputs_read(s) {
                    self.out.inputs.insert(key);
                }
                let words = words(&s.code);
                for (name, local) in scope {
                    if let (Some(span), true) = (local, words.contains(name.as_str())) {
                        self.out.locals.insert(*span);
                    }
                }
            }
        }
    }
}

/// The identifier-like words of a script (a generous reading: words in strings count too).
pub fn words(code: &str) -> HashSet<&str> {
    code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}
