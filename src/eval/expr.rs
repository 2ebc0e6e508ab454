//! Expressions: evaluation with exact numbers, and their description for people.
//!
//! A missing input does not stop evaluation: it becomes [`Val::Missing`], which carries what was
//! needed. Arithmetic and comparisons with a missing value are missing; `and`/`or` follow
//! three-valued logic (`false and missing` is false); `a ?? b` takes `b` where `a` is missing.

use super::fault::{Fault, RuleLine, ValKind};
use super::reason::{Formula, FunctionBody, Operand, Relation, Said, ShortLabel, Shown};
use super::value::{Dim, MissingRef, Val, join_missing};
use crate::diag::Span;
use crate::model::RuleSet;
use crate::number::{Num, NumError};
use crate::submission::{InputValue, Submission};
use crate::syntax::ast::{ArithOp, CmpOp, Expr, ExprKind, Script, YearRange};
use rhai::Dynamic;
use std::collections::HashMap;
use std::sync::Arc;

/// The deepest nesting of function calls during evaluation.
pub const MAX_DEPTH: usize = 64;

/// Why an expression has no value: a rule problem for this indicator alone. Worded by
/// [`crate::words::eval_error`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EvalError {
    /// What went wrong.
    pub fault: Fault,
    /// Where in the rule file.
    #[serde(skip)]
    pub span: Span,
    /// The line of the rule file it is on, once the indicator's evaluation has placed it (a
    /// fault that names its own line, a script's, has none).
    pub line: Option<RuleLine>,
}

impl EvalError {
    pub(crate) fn new(fault: Fault, span: Span) -> EvalError {
        EvalError {
            fault,
            span,
            line: None,
        }
    }
}

pub(crate) type R<T> = Result<T, EvalError>;

fn num_err(error: NumError, span: Span) -> EvalError {
    EvalError::new(Fault::Arithmetic { error }, span)
}

/// The evaluation context for one submission.
pub(crate) struct Env<'a> {
    pub rules: &'a RuleSet,
    pub sub: &'a Submission,
    pub year: i32,
    locals: Vec<(String, Val)>,
    labels: Vec<(String, String)>,
    globals: HashMap<String, Val>,
    depth: usize,
    /// Told every comparison's outcome, for boundary coverage (`zhibiao test`); `None` costs
    /// nothing.
    pub probe: Option<&'a mut dyn super::Probe>,
}

impl<'a> Env<'a> {
    pub fn new(rules: &'a RuleSet, sub: &'a Submission) -> Env<'a> {
        Env {
            rules,
            sub,
            year: sub.year,
            locals: Vec::new(),
            labels: Vec::new(),
            globals: HashMap::new(),
            depth: 0,
            probe: None,
        }
    }

    /// Runs `f` with extra local bindings, then removes them.
    pub fn with<T>(&mut self, binds: Vec<(String, Val)>, f: impl FnOnce(&mut Self) -> T) -> T {
        let n = binds.len();
        self.locals.extend(binds);
        let out = f(self);
        let keep = self.locals.len().saturating_sub(n);
        self.locals.truncate(keep);
        out
    }

    /// Binds a local for the rest of the current scope (indicator `let`s).
    pub fn push_local(&mut self, name: String, v: Val) {
        self.locals.push((name, v));
    }

    /// Gives a local a label for explanations.
    pub fn push_label(&mut self, name: String, label: String) {
        self.labels.push((name, label));
    }

    fn input(&self, key: &str) -> Option<Val> {
        let decl = self.rules.input(key)?;
        let dim = Dim::of_input(decl);
        Some(match self.sub.values.get(key) {
            None => Val::missing(key, None),
            Some(InputValue::Num(d)) => Val::Num(Num::from(*d), dim),
            Some(InputValue::Bool(b)) => Val::Bool(*b),
            Some(InputValue::Series(_)) => Val::Series(Arc::from(key)),
            Some(InputValue::List(items)) => {
                Val::List(Arc::new(items.iter().map(|d| Num::from(*d)).collect()), dim)
            }
        })
    }

    /// The value of a name.
    pub fn lookup(&mut self, name: &str, span: Span) -> R<Val> {
        if let Some((_, v)) = self.locals.iter().rev().find(|(n, _)| n == name) {
            return Ok(v.clone());
        }
        if let Some(v) = self.globals.get(name) {
            return Ok(v.clone());
        }
        if let Some(l) = self.rules.lets.get(name) {
            let saved = std::mem::take(&mut self.locals);
            let v = self.eval(&l.value.clone());
            self.locals = saved;
            let v = v?;
            self.globals.insert(name.to_string(), v.clone());
            return Ok(v);
        }
        self.input(name).ok_or_else(|| {
            EvalError::new(
                Fault::Undeclared {
                    name: name.to_string(),
                },
                span,
            )
        })
    }

    /// The label people know a name by, if it has one.
    pub fn label_of(&self, name: &str) -> Option<String> {
        if let Some((_, l)) = self.labels.iter().rev().find(|(n, _)| n == name) {
            return Some(l.clone());
        }
        if self.locals.iter().any(|(n, _)| n == name) {
            return None;
        }
        if let Some(i) = self.rules.input(name) {
            return Some(i.label.value.clone());
        }
        self.rules
            .lets
            .get(name)
            .and_then(|l| l.label.as_ref())
            .map(|l| l.value.clone())
    }

    fn num(&mut self, e: &Expr) -> R<Result<(Num, Dim), Val>> {
        match self.eval(e)? {
            Val::Num(n, d) => Ok(Ok((n, d))),
            m @ Val::Missing(_) => Ok(Err(m)),
            other => Err(EvalError::new(
                Fault::NotANumber {
                    found: ValKind::of(&other),
                },
                e.span,
            )),
        }
    }

    fn year_of(&mut self, e: &Expr) -> R<i32> {
        match self.eval(e)? {
            Val::Num(n, _) if n.is_integer() => {
                let d = n.to_decimal();
                i32::try_from(d.mantissa() / 10i128.pow(d.scale()))
                    .map_err(|_| EvalError::new(Fault::YearOutOfRange, e.span))
            }
            Val::Num(..) => Err(EvalError::new(Fault::YearNotInteger, e.span)),
            _ => Err(EvalError::new(Fault::NotAYear, e.span)),
        }
    }

    /// The years of a range, in order. At most 50 years.
    pub fn years(&mut self, r: &YearRange) -> R<Vec<i32>> {
        let from = self.year_of(&r.from)?;
        let to = self.year_of(&r.to)?;
        if to < from || i64::from(to) - i64::from(from) > 50 {
            return Err(EvalError::new(Fault::BadYearRange { from, to }, r.span));
        }
        Ok((from..=to).collect())
    }

    pub fn bool_of(&mut self, e: &Expr) -> R<Result<bool, Val>> {
        match self.eval(e)? {
            Val::Bool(b) => Ok(Ok(b)),
            m @ Val::Missing(_) => Ok(Err(m)),
            other => Err(EvalError::new(
                Fault::NotACondition {
                    found: ValKind::of(&other),
                },
                e.span,
            )),
        }
    }

    /// Evaluates an expression.
    pub fn eval(&mut self, e: &Expr) -> R<Val> {
        match &e.kind {
            ExprKind::Lit(l) => Ok(Val::Num(Num::from(l.value), lit_dim(l))),
            ExprKind::Bool(b) => Ok(Val::Bool(*b)),
            ExprKind::Year => Ok(Val::Num(Num::from(i64::from(self.year)), Dim::Plain)),
            ExprKind::Name(n) => self.lookup(n, e.span),
            ExprKind::Index(base, idx) => {
                let b = self.eval(base)?;
                let y = self.year_of(idx)?;
                match b {
                    Val::Series(key) => {
                        let decl = self.rules.input(&key);
                        let dim = decl.map_or(Dim::Plain, Dim::of_input);
                        match self.sub.values.get(&*key) {
                            Some(InputValue::Series(s)) => match s.get(&y) {
                                Some(v) => Ok(Val::Num(Num::from(*v), dim)),
                                None => Ok(Val::missing(&key, Some(y))),
                            },
                            _ => Ok(Val::missing(&key, Some(y))),
                        }
                    }
                    Val::Missing(m) => Ok(Val::Missing(
                        m.into_iter()
                            .map(|r| MissingRef {
                                year: r.year.or(Some(y)),
                                ..r
                            })
                            .collect(),
                    )),
                    other => Err(EvalError::new(
                        Fault::NotYearly {
                            found: ValKind::of(&other),
                        },
                        base.span,
                    )),
                }
            }
            ExprKind::Neg(a) => Ok(match self.num(a)? {
                Ok((n, d)) => Val::Num(n.neg(), d),
                Err(m) => m,
            }),
            ExprKind::Not(a) => Ok(match self.bool_of(a)? {
                Ok(b) => Val::Bool(!b),
                Err(m) => m,
            }),
            ExprKind::Arith(op, a, b) => {
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
                            Ok(n) => Ok(Val::Num(n, Dim::combine(*op, &dx, &dy))),
                            Err(NumError::DivisionByZero) => Err(EvalError::new(
                                Fault::DivisionByZero {
                                    divisor: Box::new(self.operand(b)),
                                },
                                b.span,
                            )),
                            Err(err) => Err(num_err(err, e.span)),
                        }
                    }
                    (x, y) => Ok(Val::Missing(join_missing(
                        &x.err().unwrap_or(Val::Bool(true)),
                        &y.err().unwrap_or(Val::Bool(true)),
                    ))),
                }
            }
            ExprKind::Cmp(op, a, b) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                match (&x, &y) {
                    (Val::Num(x, _), Val::Num(y, _)) => {
                        let ord = x.try_cmp(y).map_err(|err| num_err(err, e.span))?;
                        if let Some(p) = self.probe.as_deref_mut() {
                            p.compared(e.span, ord);
                        }
                        Ok(Val::Bool(op.holds(ord)))
                    }
                    (Val::Bool(x), Val::Bool(y)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
                        Ok(Val::Bool((x == y) == (*op == CmpOp::Eq)))
                    }
                    (Val::Missing(_), _) | (_, Val::Missing(_)) => {
                        Ok(Val::Missing(join_missing(&x, &y)))
                    }
                    _ => Err(EvalError::new(
                        Fault::Incomparable {
                            left: ValKind::of(&x),
                            right: ValKind::of(&y),
                        },
                        e.span,
                    )),
                }
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let is_and = matches!(e.kind, ExprKind::And(..));
                let x = self.bool_of(a)?;
                let y = self.bool_of(b)?;
                let decisive = !is_and;
                Ok(match (x, y) {
                    (Ok(x), _) if x == decisive => Val::Bool(decisive),
                    (_, Ok(y)) if y == decisive => Val::Bool(decisive),
                    (Ok(_), Ok(_)) => Val::Bool(!decisive),
                    (x, y) => Val::Missing(join_missing(
                        &x.err().unwrap_or(Val::Bool(true)),
                        &y.err().unwrap_or(Val::Bool(true)),
                    )),
                })
            }
            ExprKind::Coalesce(a, b) => {
                let x = self.eval(a)?;
                if matches!(x, Val::Missing(_)) {
                    self.eval(b)
                } else {
                    Ok(x)
                }
            }
            ExprKind::Call(name, args) => self.call(&name.value, args, e.span),
            ExprKind::Quant {
                all,
                var,
                range,
                body,
            } => {
                let years = self.years(range)?;
                let mut missing = Vec::new();
                for y in years {
                    let r = self.with(
                        vec![(
                            var.value.clone(),
                            Val::Num(Num::from(i64::from(y)), Dim::Plain),
                        )],
                        |env| env.bool_of(body),
                    )?;
                    match r {
                        Ok(b) if b != *all => return Ok(Val::Bool(b)),
                        Ok(_) => {}
                        Err(m) => missing.extend(join_missing(&m, &Val::Bool(true))),
                    }
                }
                Ok(if missing.is_empty() {
                    Val::Bool(*all)
                } else {
                    Val::Missing(missing)
                })
            }
            ExprKind::CountWhere { var, list, cond } => {
                let items = match self.eval(list)? {
                    Val::List(items, d) => (items, d),
                    m @ Val::Missing(_) => return Ok(m),
                    other => {
                        return Err(EvalError::new(
                            Fault::CountNeedsList {
                                found: ValKind::of(&other),
                            },
                            list.span,
                        ));
                    }
                };
                let mut n = 0i64;
                for item in items.0.iter() {
                    let r = self.with(
                        vec![(var.value.clone(), Val::Num(item.clone(), items.1.clone()))],
                        |env| env.bool_of(cond),
                    )?;
                    match r {
                        Ok(true) => n += 1,
                        Ok(false) => {}
                        Err(m) => return Ok(m),
                    }
                }
                Ok(Val::Num(Num::from(n), Dim::Plain))
            }
            ExprKind::Script(s) => self.script(s, e.span),
        }
    }

    fn call(&mut self, name: &str, args: &[Expr], span: Span) -> R<Val> {
        if self.depth >= MAX_DEPTH {
            return Err(EvalError::new(Fault::TooDeep, span));
        }
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.eval(a)?);
        }
        // Borrowed from the rule set (which outlives `self`), not cloned per call.
        let rules = self.rules;
        if let Some(f) = rules.fns.get(name) {
            if f.params.len() != vals.len() {
                return Err(EvalError::new(
                    Fault::Arity {
                        name: name.to_string(),
                        params: f.params.len(),
                    },
                    span,
                ));
            }
            let binds = f.params.iter().map(|p| p.value.clone()).zip(vals).collect();
            // A function sees its parameters and the globals, not the caller's locals.
            let saved = std::mem::take(&mut self.locals);
            self.depth += 1;
            let r = self.with(binds, |env| env.eval(&f.body));
            self.depth -= 1;
            self.locals = saved;
            return r;
        }
        if let Some(m) = vals.iter().find(|v| matches!(v, Val::Missing(_))) {
            return Ok(m.clone());
        }
        let nums = |vals: &[Val]| -> R<Vec<(Num, Dim)>> {
            vals.iter()
                .map(|v| match v {
                    Val::Num(n, d) => Ok((n.clone(), d.clone())),
                    other => Err(EvalError::new(
                        Fault::BuiltinNeedsNumber {
                            name: name.to_string(),
                            found: ValKind::of(other),
                        },
                        span,
                    )),
                })
                .collect()
        };
        match (name, vals.as_slice()) {
            ("min" | "max", _) => {
                let ns = nums(&vals)?;
                let mut it = ns.into_iter();
                let Some(mut best) = it.next() else {
                    return Err(EvalError::new(
                        Fault::BuiltinNeedsArgument {
                            name: name.to_string(),
                        },
                        span,
                    ));
                };
                for (n, d) in it {
                    let pick = if name == "min" {
                        best.0.clone().min(n)
                    } else {
                        best.0.clone().max(n)
                    }
                    .map_err(|e| num_err(e, span))?;
                    if pick.try_cmp(&best.0) != Ok(std::cmp::Ordering::Equal) {
                        best = (pick, d);
                    }
                }
                Ok(Val::Num(best.0, best.1))
            }
            ("abs", [Val::Num(n, d)]) => Ok(Val::Num(
                if n.is_negative() {
                    n.clone().neg()
                } else {
                    n.clone()
                },
                d.clone(),
            )),
            ("sum", [Val::List(items, d)]) => {
                let mut acc = Num::ZERO;
                for n in items.iter() {
                    acc = acc.add(n.clone()).map_err(|e| num_err(e, span))?;
                }
                Ok(Val::Num(acc, d.clone()))
            }
            ("len", [Val::List(items, _)]) => {
                Ok(Val::Num(Num::from(items.len() as i64), Dim::Plain))
            }
            _ => Err(EvalError::new(
                Fault::BuiltinBadArguments {
                    name: name.to_string(),
                },
                span,
            )),
        }
    }

    fn script(&mut self, s: &Script, span: Span) -> R<Val> {
        let engine = self.rules.scripts.clone();
        let mut missing = Vec::new();
        for key in engine.inputs_read(s) {
            let Some(decl) = self.rules.input(&key) else {
                continue;
            };
            if decl.optional {
                continue;
            }
            match (self.sub.values.get(&key), &decl.years) {
                (None, _) => missing.push(MissingRef { key, year: None }),
                // A script cannot say which years it needs; the input's `years` can.
                (Some(InputValue::Series(series)), Some(range)) => {
                    let range = range.clone();
                    for y in self.years(&range)? {
                        if !series.contains_key(&y) {
                            missing.push(MissingRef {
                                key: key.clone(),
                                year: Some(y),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        if !missing.is_empty() {
            return Ok(Val::Missing(missing));
        }
        let mut vars: Vec<(String, Dynamic)> = Vec::new();
        for decl in &self.rules.inputs {
            let key = &decl.name.value;
            let v = self
                .sub
                .values
                .get(key)
                .map_or(Dynamic::UNIT, super::input_dynamic);
            vars.push((key.clone(), v));
        }
        for (name, v) in &self.locals {
            let d = match v {
                Val::Num(n, _) => Dynamic::from_decimal(n.to_decimal()),
                Val::Bool(b) => Dynamic::from_bool(*b),
                _ => Dynamic::UNIT,
            };
            vars.push((name.clone(), d));
        }
        vars.push(("Y".into(), Dynamic::from_int(i64::from(self.year))));
        let line = |offset: usize| self.rules.rule_line(offset);
        match engine.run(s, vars) {
            Ok(d) => {
                if let Some(b) = d.clone().try_cast::<bool>() {
                    Ok(Val::Bool(b))
                } else if let Ok(x) = d.as_decimal() {
                    Ok(Val::Num(Num::from(x), Dim::Plain))
                } else if let Ok(i) = d.as_int() {
                    Ok(Val::Num(Num::from(i), Dim::Plain))
                } else {
                    Err(EvalError::new(
                        Fault::ScriptReturned {
                            at: line(s.code_offset),
                            type_name: d.type_name().to_string(),
                        },
                        span,
                    ))
                }
            }
            Err(err) => {
                let at = s.code_offset + err.offset;
                Err(EvalError::new(
                    Fault::Script {
                        at: line(at),
                        message: err.message,
                    },
                    Span::new(at, at + 1),
                ))
            }
        }
    }

    /// What an expression came to: its value, or the error that kept it from one.
    fn shown(&mut self, e: &Expr) -> Shown {
        match self.eval(e) {
            Ok(value) => Shown::Value { value },
            Err(err) => Shown::Failed { fault: err.fault },
        }
    }

    /// A condition with the values substituted (worded by [`crate::words::said`]), e.g.
    /// `网络交易经营者数量 1,500户 ≤ 市场主体数量 12,000户`.
    pub fn said(&mut self, e: &Expr) -> Said {
        match &e.kind {
            ExprKind::Cmp(op, a, b) => {
                // A condition that holds is shown with the rule's operator; one that fails with
                // the relation that actually holds, so the line never states something false.
                let relation = match (self.eval(a), self.eval(b)) {
                    (Ok(Val::Num(x, _)), Ok(Val::Num(y, _))) => match x.try_cmp(&y) {
                        Ok(ord) if !op.holds(ord) => Relation::Actual { ord },
                        _ => Relation::Stated { op: *op },
                    },
                    (Ok(Val::Missing(_)), _) | (_, Ok(Val::Missing(_))) => Relation::Unknown,
                    _ => Relation::Stated { op: *op },
                };
                Said::Compare {
                    left: Box::new(self.operand(a)),
                    relation,
                    right: Box::new(self.operand(b)),
                }
            }
            ExprKind::And(a, b) => Said::And {
                left: Box::new(self.said(a)),
                right: Box::new(self.said(b)),
            },
            ExprKind::Or(a, b) => Said::Or {
                left: Box::new(self.said(a)),
                right: Box::new(self.said(b)),
            },
            ExprKind::Not(a) => self.said_not(a),
            _ => Said::Value {
                value: self.operand(e),
            },
        }
    }

    /// `not e` as the statement it amounts to: `not (a < b)` is `a ≥ b`, and De Morgan's laws
    /// for `and`/`or`, so the explanation never wraps a true comparison in a "not".
    fn said_not(&mut self, e: &Expr) -> Said {
        match &e.kind {
            ExprKind::Cmp(op, a, b) => {
                let negated = match op {
                    CmpOp::Gt => CmpOp::Le,
                    CmpOp::Ge => CmpOp::Lt,
                    CmpOp::Lt => CmpOp::Ge,
                    CmpOp::Le => CmpOp::Gt,
                    CmpOp::Eq => CmpOp::Ne,
                    CmpOp::Ne => CmpOp::Eq,
                };
                let flipped = Expr {
                    kind: ExprKind::Cmp(negated, a.clone(), b.clone()),
                    span: e.span,
                };
                self.said(&flipped)
            }
            ExprKind::And(a, b) => Said::Or {
                left: Box::new(self.said_not(a)),
                right: Box::new(self.said_not(b)),
            },
            ExprKind::Or(a, b) => Said::And {
                left: Box::new(self.said_not(a)),
                right: Box::new(self.said_not(b)),
            },
            ExprKind::Not(a) => self.said(a),
            _ => Said::Not {
                value: self.operand(e),
            },
        }
    }

    /// A value with where it came from (worded by [`crate::words::operand`]).
    pub fn operand(&mut self, e: &Expr) -> Operand {
        let value = self.shown(e);
        match &e.kind {
            ExprKind::Lit(l) => Operand::Literal {
                text: l.text.clone(),
            },
            ExprKind::Year => Operand::Year { value },
            ExprKind::Name(n) => Operand::Name {
                name: n.clone(),
                label: self.label_of(n),
                value,
            },
            ExprKind::Index(base, idx) => {
                let year = self.year_of(idx).ok();
                match &base.kind {
                    ExprKind::Name(n) => {
                        let key = match self.lookup(n, base.span) {
                            Ok(Val::Series(k)) => k.to_string(),
                            _ => n.clone(),
                        };
                        let label = self
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
                    _ => Operand::AtYear {
                        base: Box::new(self.operand(base)),
                        year,
                        value,
                    },
                }
            }
            ExprKind::Call(name, args) => self.call_operand(&name.value, args, value),
            ExprKind::Arith(..) => Operand::Arith {
                formula: self.formula(e),
                value,
            },
            ExprKind::Coalesce(a, b) => {
                let left = self.eval(a);
                let given = self.short_label(a);
                let fallback = if matches!(left, Ok(Val::Missing(_))) {
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
            ExprKind::CountWhere { list, .. } => Operand::CountWhere {
                list: self.short_label(list),
                value,
            },
            _ => Operand::Other { value },
        }
    }

    /// A formula with the values substituted and no intermediate results (worded by
    /// [`crate::words::formula`]).
    pub(crate) fn formula(&mut self, e: &Expr) -> Formula {
        match &e.kind {
            ExprKind::Arith(op, a, b) => {
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
                operand: Box::new(self.operand(e)),
            },
        }
    }

    /// A side of an operation, and whether it needs brackets there.
    fn formula_operand(&mut self, e: &Expr, parent: ArithOp, right: bool) -> (Formula, bool) {
        match &e.kind {
            ExprKind::Arith(op, ..) => {
                let inner = self.formula(e);
                let loose = matches!(op, ArithOp::Add | ArithOp::Sub);
                let tight = matches!(parent, ArithOp::Mul | ArithOp::Div);
                let grouped =
                    (loose && tight) || (right && matches!(parent, ArithOp::Sub | ArithOp::Div));
                (inner, grouped)
            }
            _ => (
                Formula::Operand {
                    operand: Box::new(self.operand(e)),
                },
                false,
            ),
        }
    }

    fn short_label(&mut self, e: &Expr) -> ShortLabel {
        match &e.kind {
            ExprKind::Name(n) => ShortLabel::Name {
                label: self.label_of(n).unwrap_or_else(|| n.clone()),
            },
            ExprKind::Index(base, idx) => {
                let year = self.year_of(idx).ok();
                ShortLabel::AtYear {
                    base: Box::new(self.short_label(base)),
                    year,
                }
            }
            _ => ShortLabel::It,
        }
    }

    fn call_operand(&mut self, name: &str, args: &[Expr], value: Shown) -> Operand {
        let rules = self.rules;
        let Some(f) = rules.fns.get(name) else {
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
            let v = self.eval(a).unwrap_or(Val::Missing(Vec::new()));
            if let (Val::Num(n, Dim::Plain), true) = (&v, p.value == "y" || p.value == "year") {
                year = Some(n.to_decimal());
            }
            vals.push((p.value.clone(), v));
        }
        // Show how the value came about when the body chooses between a given and a computed value
        // or is itself a formula.
        let saved = std::mem::take(&mut self.locals);
        let detail = self.with(vals, |env| match &f.body.kind {
            ExprKind::Coalesce(..) | ExprKind::Arith(..) => Some(env.operand(&f.body)),
            _ => None,
        });
        self.locals = saved;
        let body = match (&f.body.kind, detail) {
            (ExprKind::Arith(..), Some(d)) => FunctionBody::Formula {
                formula: Box::new(d),
            },
            (_, Some(d)) => FunctionBody::Chosen {
                choice: Box::new(d),
            },
            (_, None) => FunctionBody::Plain,
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

fn lit_dim(l: &crate::syntax::ast::Literal) -> Dim {
    use crate::number::QuantityUnit;
    match &l.unit {
        QuantityUnit::None => Dim::Plain,
        QuantityUnit::Percent => Dim::Percent,
        QuantityUnit::Money => Dim::Money {
            factor: rust_decimal::Decimal::ONE,
            unit: Arc::from("元"),
        },
        QuantityUnit::Other(u) => Dim::Unit(Arc::from(u.as_str())),
    }
}
