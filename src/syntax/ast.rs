//! The syntax tree of a rule file, with the span of every part.
//!
//! The tree is what the file says, nothing resolved: names are strings, literals keep their source
//! text next to their exact value. The resolver (`crate::model`) turns it into a rule set.

use crate::diag::Span;
use rust_decimal::Decimal;

/// A value with the span it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps a value.
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

/// A whole rule file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    /// The `ruleset` header, if any (a file that only adds inputs may have none).
    pub header: Option<Header>,
    /// Input declarations in file order.
    pub inputs: Vec<InputDecl>,
    /// Function definitions.
    pub fns: Vec<FnDecl>,
    /// Top-level `let`s.
    pub lets: Vec<LetDecl>,
    /// Data checks.
    pub checks: Vec<CheckDecl>,
    /// Categories in file order.
    pub categories: Vec<Category>,
    /// Top-level lint acknowledgements.
    pub allows: Vec<Allow>,
    /// `remove …` declarations (only meaningful in a file that `extends` another).
    pub removals: Vec<Removal>,
}

/// `remove indicator 7` and the like: something of the base taken out by a revision.
#[derive(Debug, Clone, PartialEq)]
pub struct Removal {
    /// What is removed.
    pub target: RemoveTarget,
    /// The whole declaration.
    pub span: Span,
}

/// What a `remove` declaration names.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoveTarget {
    /// `remove indicator N`.
    Indicator(Spanned<u32>),
    /// `remove input key`.
    Input(Spanned<String>),
    /// `remove fn name`.
    Fn(Spanned<String>),
    /// `remove let name`.
    Let(Spanned<String>),
    /// `remove check "message"`.
    Check(Spanned<String>),
    /// `remove category "name"`.
    Category(Spanned<String>),
}

impl RemoveTarget {
    /// What kind of thing is removed, in Chinese (`指标`, `输入项` …).
    pub fn what(&self) -> &'static str {
        match self {
            RemoveTarget::Indicator(_) => "指标",
            RemoveTarget::Input(_) => "输入项",
            RemoveTarget::Fn(_) => "函数",
            RemoveTarget::Let(_) => "定义",
            RemoveTarget::Check(_) => "数据校验",
            RemoveTarget::Category(_) => "一级指标",
        }
    }

    /// The key it is found by: the number, name or message as text.
    pub fn key(&self) -> String {
        match self {
            RemoveTarget::Indicator(n) => n.value.to_string(),
            RemoveTarget::Input(s)
            | RemoveTarget::Fn(s)
            | RemoveTarget::Let(s)
            | RemoveTarget::Check(s)
            | RemoveTarget::Category(s) => s.value.clone(),
        }
    }

    /// Where the key was written.
    pub fn key_span(&self) -> Span {
        match self {
            RemoveTarget::Indicator(n) => n.span,
            RemoveTarget::Input(s)
            | RemoveTarget::Fn(s)
            | RemoveTarget::Let(s)
            | RemoveTarget::Check(s)
            | RemoveTarget::Category(s) => s.span,
        }
    }
}

/// `allow CODE "reason"`: a lint finding acknowledged in place.
#[derive(Debug, Clone, PartialEq)]
pub struct Allow {
    /// The lint code.
    pub code: Spanned<String>,
    /// Why the finding is acceptable.
    pub reason: Spanned<String>,
    /// The whole clause.
    pub span: Span,
}

/// The `ruleset` header.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The rule set id, e.g. `sd-nmsz`.
    pub id: Spanned<String>,
    /// The title.
    pub title: Spanned<String>,
    /// `version "2023"`.
    pub version: Option<Spanned<String>>,
    /// `effective 2023-11-01`.
    pub effective: Option<Spanned<String>>,
    /// `until 2026-12-31`.
    pub until: Option<Spanned<String>>,
    /// `extends "2023"` or `extends "sd-nmsz@2023"`: the version this file revises.
    pub extends: Option<Spanned<String>>,
    /// `accepts "sd-nmsz@2023"`: the rule set whose submissions this one reads.
    pub accepts: Option<Spanned<String>>,
    /// `source "…"`.
    pub source: Option<Spanned<String>>,
    /// `points 100`: the declared total.
    pub points: Option<Spanned<Decimal>>,
    /// `category_rate declared|indicators`.
    pub category_rate: Option<Spanned<Basis>>,
    /// `category_cap declared|indicators|none`.
    pub category_cap: Option<Spanned<Basis>>,
    /// `pass …`: every condition must hold.
    pub pass: Vec<PassCond>,
    /// Acknowledged lint findings.
    pub allows: Vec<Allow>,
    /// The whole header.
    pub span: Span,
}

/// What a category's points are taken to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The category's declared points.
    Declared,
    /// The sum of its indicators' points.
    Indicators,
    /// No cap.
    None,
}

/// One condition of the pass rule.
#[derive(Debug, Clone, PartialEq)]
pub struct PassCond {
    /// What is compared.
    pub subject: PassSubject,
    /// The comparison.
    pub op: CmpOp,
    /// The threshold.
    pub value: Literal,
    /// The whole condition.
    pub span: Span,
}

/// What a pass condition compares.
#[derive(Debug, Clone, PartialEq)]
pub enum PassSubject {
    /// The total score.
    Total,
    /// Every category's rate or score.
    Every(Metric),
    /// One named category's rate or score.
    Category(Spanned<String>, Metric),
}

/// A category measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Score divided by the category's points.
    Rate,
    /// The score.
    Score,
}

/// The kind of an input value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    /// A whole number ≥ 0.
    Count,
    /// A decimal ≥ 0 in a money unit.
    Money,
    /// A percent: `96.5%` or a fraction.
    Percent,
    /// Any decimal, with an optional unit.
    Decimal,
    /// Yes or no.
    Bool,
}

/// `input key "label" kind unit …`.
#[derive(Debug, Clone, PartialEq)]
pub struct InputDecl {
    /// The key submissions use.
    pub name: Spanned<String>,
    /// The Chinese label.
    pub label: Spanned<String>,
    /// Scalar kind.
    pub kind: Spanned<ScalarKind>,
    /// `list …`: one value per entry.
    pub list: bool,
    /// The unit word (`万元`, `户`, `学时`).
    pub unit: Option<Spanned<String>>,
    /// A table keyed by year.
    pub yearly: bool,
    /// May be left out without being "missing".
    pub optional: bool,
    /// Help text for whoever fills it in.
    pub help: Option<Spanned<String>>,
    /// Smallest allowed value.
    pub min: Option<Literal>,
    /// Largest allowed value.
    pub max: Option<Literal>,
    /// The years the rules need, relative to the evaluation year.
    pub years: Option<YearRange>,
    /// Acknowledged lint findings.
    pub allows: Vec<Allow>,
    /// The whole declaration.
    pub span: Span,
}

/// `fn name(params) "label" = body`.
#[derive(Debug, Clone, PartialEq)]
pub struct FnDecl {
    /// The name.
    pub name: Spanned<String>,
    /// Parameter names.
    pub params: Vec<Spanned<String>>,
    /// What the result is called in explanations.
    pub label: Option<Spanned<String>>,
    /// The body.
    pub body: Expr,
    /// The whole definition.
    pub span: Span,
}

/// `let name "label" = value`.
#[derive(Debug, Clone, PartialEq)]
pub struct LetDecl {
    /// The name.
    pub name: Spanned<String>,
    /// What the value is called in explanations.
    pub label: Option<Spanned<String>>,
    /// The value.
    pub value: Expr,
    /// The whole definition.
    pub span: Span,
}

/// `check cond else error "message"`.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckDecl {
    /// What must hold.
    pub cond: Expr,
    /// Error or warning.
    pub severity: Spanned<crate::diag::Severity>,
    /// What to tell the submitter.
    pub message: Spanned<String>,
    /// The whole check.
    pub span: Span,
}

/// `category "name" points N { … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// The name (一级指标).
    pub name: Spanned<String>,
    /// Declared points.
    pub points: Spanned<Decimal>,
    /// Middle-level groups (二级指标), if the index has them.
    pub groups: Vec<Group>,
    /// Indicators in file order, whichever group they sit in.
    pub indicators: Vec<Indicator>,
    /// Acknowledged lint findings.
    pub allows: Vec<Allow>,
    /// The whole block.
    pub span: Span,
}

/// `group "name" points N { … }`: an optional middle level.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The name (二级指标).
    pub name: Spanned<String>,
    /// Declared points, if any.
    pub points: Option<Spanned<Decimal>>,
    /// The block.
    pub span: Span,
}

/// The nature of an indicator (变量性质).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nature {
    /// 定量.
    Quantitative,
    /// 定性.
    Qualitative,
    /// 定量+定性.
    QuantQual,
    /// 定性+定量.
    QualQuant,
}

impl Nature {
    /// The Chinese name.
    pub fn as_str(self) -> &'static str {
        match self {
            Nature::Quantitative => "定量",
            Nature::Qualitative => "定性",
            Nature::QuantQual => "定量+定性",
            Nature::QualQuant => "定性+定量",
        }
    }
}

/// `indicator N "name" points P { … }` (三级指标).
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// The official number.
    pub no: Spanned<u32>,
    /// The name.
    pub name: Spanned<String>,
    /// Declared points.
    pub points: Spanned<Decimal>,
    /// The group it sits in, if any.
    pub group: Option<String>,
    /// 变量性质.
    pub nature: Option<Spanned<Nature>>,
    /// The rule text, verbatim from the source.
    pub rule: Option<Spanned<String>>,
    /// 评估方式.
    pub method: Option<Spanned<String>>,
    /// 数据或资料来源.
    pub sources: Vec<Spanned<String>>,
    /// 责任单位.
    pub owners: Vec<Spanned<String>>,
    /// Local definitions.
    pub lets: Vec<LetDecl>,
    /// How it is scored.
    pub score: Option<ScoreForm>,
    /// `cap N`.
    pub cap: Option<Spanned<Decimal>>,
    /// Acknowledged lint findings.
    pub allows: Vec<Allow>,
    /// The header `indicator N "name" points P`.
    pub head_span: Span,
    /// The whole block.
    pub span: Span,
}

/// How an indicator earns its points.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // one per indicator; boxing would only add indirection
pub enum ScoreForm {
    /// `tiers subject [overlap higher|lower] { [a, b] => p … }`.
    Tiers {
        /// The value placed in a tier.
        subject: Expr,
        /// Which tier a value in two tiers gets.
        overlap: Option<Spanned<Overlap>>,
        /// The tiers in file order.
        tiers: Vec<Tier>,
        /// The whole form.
        span: Span,
    },
    /// `each year y in A..B award P when cond`: P for every year where cond holds.
    EachYear {
        /// The year variable.
        var: Spanned<String>,
        /// The years.
        range: YearRange,
        /// Points per year.
        award: Spanned<Decimal>,
        /// The condition.
        cond: Expr,
        /// The whole form.
        span: Span,
    },
    /// `items { item … }`: the sum of the items met.
    Items {
        /// The numbered sub-items.
        items: Vec<SubItem>,
        /// The whole form.
        span: Span,
    },
    /// `any award P { item … }`: P when any item is met.
    Any {
        /// Points when any item is met.
        award: Spanned<Decimal>,
        /// The numbered sub-items.
        items: Vec<SubItem>,
        /// The whole form.
        span: Span,
    },
    /// `judged`: experts score the whole indicator in [0, points].
    Judged {
        /// The keyword.
        span: Span,
    },
    /// `max { form … }`: the best of several forms.
    Max {
        /// The forms.
        forms: Vec<ScoreForm>,
        /// The whole form.
        span: Span,
    },
    /// `sum { form … }`: the sum of several forms.
    Sum {
        /// The forms.
        forms: Vec<ScoreForm>,
        /// The whole form.
        span: Span,
    },
    /// An expression that yields the points.
    Expr(Expr),
}

/// What an expression of a score form is for: what it must give and how often it runs.
///
/// Code that treats a form's expressions by what they do (lint's kinds and names, the work
/// budget, the next-point search, the model's name checks) reads the role and not the form, so a
/// new form whose expressions play these roles is declared in [`ScoreForm::each_expr`] alone.
#[derive(Debug, Clone, Copy)]
pub enum Role<'a> {
    /// A value placed in a tier table: a number.
    TierSubject {
        /// The table's rows.
        tiers: &'a [Tier],
        /// The whole form.
        form: Span,
    },
    /// An end of a year range: a year.
    YearEnd,
    /// A yes/no condition, judged once or, with `each_year`, once for each year of the range
    /// with the year variable bound (the range's ends come first, each as a [`Role::YearEnd`]).
    Condition {
        /// The year variable and the range it runs over.
        each_year: Option<(&'a Spanned<String>, &'a YearRange)>,
    },
    /// An expression whose value is the points.
    Points,
}

impl<'a> Role<'a> {
    /// The loop variable bound over the expression, if any.
    pub fn bound(&self) -> Option<&'a Spanned<String>> {
        match self {
            Role::Condition {
                each_year: Some((var, _)),
            } => Some(var),
            _ => None,
        }
    }
}

impl ScoreForm {
    /// Calls `f` on every expression written directly in this form or in the forms nested in
    /// it (tier subjects, year ranges, conditions, score expressions), in source order, each with
    /// its [`Role`] (which says the loop variable bound over it: an `each year` form's variable
    /// over its condition, not over its range). The one walk of a form's expressions: code that
    /// needs to reach every expression, or to treat each by its role, uses it, so a new form is
    /// walked here alone.
    pub fn each_expr<'a>(&'a self, f: &mut impl FnMut(&'a Expr, Role<'a>)) {
        match self {
            ScoreForm::Tiers {
                subject,
                tiers,
                span,
                ..
            } => f(subject, Role::TierSubject { tiers, form: *span }),
            ScoreForm::EachYear {
                var, range, cond, ..
            } => {
                f(&range.from, Role::YearEnd);
                f(&range.to, Role::YearEnd);
                f(
                    cond,
                    Role::Condition {
                        each_year: Some((var, range)),
                    },
                );
            }
            ScoreForm::Items { items, .. } | ScoreForm::Any { items, .. } => {
                for it in items {
                    if let How::When(c) = &it.how {
                        f(c, Role::Condition { each_year: None });
                    }
                }
            }
            ScoreForm::Judged { .. } => {}
            ScoreForm::Max { forms, .. } | ScoreForm::Sum { forms, .. } => {
                forms.iter().for_each(|x| x.each_expr(f));
            }
            ScoreForm::Expr(e) => f(e, Role::Points),
        }
    }

    /// How many parts of this form itself (not of the forms nested in it) are decided by
    /// experts: the whole indicator (`judged`) or a judged sub-item each.
    pub fn judgements(&self) -> usize {
        match self {
            ScoreForm::Judged { .. } => 1,
            ScoreForm::Items { items, .. } | ScoreForm::Any { items, .. } => items
                .iter()
                .filter(|it| matches!(it.how, How::Judged(_)))
                .count(),
            ScoreForm::Tiers { .. }
            | ScoreForm::EachYear { .. }
            | ScoreForm::Max { .. }
            | ScoreForm::Sum { .. }
            | ScoreForm::Expr(_) => 0,
        }
    }

    /// The points a sub-item of this form earns when it names none (an `any` form's award).
    pub fn item_award(&self) -> Option<&Spanned<Decimal>> {
        match self {
            ScoreForm::Any { award, .. } => Some(award),
            ScoreForm::Tiers { .. }
            | ScoreForm::EachYear { .. }
            | ScoreForm::Items { .. }
            | ScoreForm::Judged { .. }
            | ScoreForm::Max { .. }
            | ScoreForm::Sum { .. }
            | ScoreForm::Expr(_) => None,
        }
    }

    /// The forms nested directly in this one (the parts of `max` and `sum`).
    pub fn nested(&self) -> &[ScoreForm] {
        match self {
            ScoreForm::Max { forms, .. } | ScoreForm::Sum { forms, .. } => forms,
            ScoreForm::Tiers { .. }
            | ScoreForm::EachYear { .. }
            | ScoreForm::Items { .. }
            | ScoreForm::Any { .. }
            | ScoreForm::Judged { .. }
            | ScoreForm::Expr(_) => &[],
        }
    }

    /// Calls `f` on this form and on every form nested in it, parents first.
    pub fn each_form<'a>(&'a self, f: &mut impl FnMut(&'a ScoreForm)) {
        f(self);
        self.nested().iter().for_each(|x| x.each_form(f));
    }

    /// The sub-items written directly in this form (of `items` and `any`).
    pub fn items(&self) -> &[SubItem] {
        match self {
            ScoreForm::Items { items, .. } | ScoreForm::Any { items, .. } => items,
            ScoreForm::Tiers { .. }
            | ScoreForm::EachYear { .. }
            | ScoreForm::Judged { .. }
            | ScoreForm::Max { .. }
            | ScoreForm::Sum { .. }
            | ScoreForm::Expr(_) => &[],
        }
    }

    /// Where the form was written.
    pub fn span(&self) -> Span {
        match self {
            ScoreForm::Tiers { span, .. }
            | ScoreForm::EachYear { span, .. }
            | ScoreForm::Items { span, .. }
            | ScoreForm::Any { span, .. }
            | ScoreForm::Judged { span }
            | ScoreForm::Max { span, .. }
            | ScoreForm::Sum { span, .. } => *span,
            ScoreForm::Expr(e) => e.span,
        }
    }
}

/// The tier a value that lies in two tiers gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlap {
    /// The tier with more points.
    Higher,
    /// The tier with fewer points.
    Lower,
}

/// One row of a tier table.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    /// Lower bound; `None` is open (`..`).
    pub lo: Option<Literal>,
    /// Whether the lower bound belongs to the tier (`[`).
    pub lo_inclusive: bool,
    /// Upper bound; `None` is open.
    pub hi: Option<Literal>,
    /// Whether the upper bound belongs to the tier (`]`).
    pub hi_inclusive: bool,
    /// Points for a value in the tier.
    pub points: Spanned<Decimal>,
    /// The interval as written.
    pub interval_span: Span,
    /// The whole row.
    pub span: Span,
}

/// A numbered sub-item.
#[derive(Debug, Clone, PartialEq)]
pub struct SubItem {
    /// Its number within the indicator.
    pub no: Spanned<u32>,
    /// Its text.
    pub text: Spanned<String>,
    /// Its points (inside `any`, none).
    pub points: Option<Spanned<Decimal>>,
    /// How it is decided.
    pub how: How,
    /// Owners, where they differ from the indicator's.
    pub owners: Vec<Spanned<String>>,
    /// The whole item.
    pub span: Span,
}

/// How a sub-item is decided.
#[derive(Debug, Clone, PartialEq)]
pub enum How {
    /// By experts: a judgement in the submission.
    Judged(Span),
    /// By a condition over the data.
    When(Expr),
}

/// `A..B`, years relative to the evaluation year `Y`.
#[derive(Debug, Clone, PartialEq)]
pub struct YearRange {
    /// First year.
    pub from: Expr,
    /// Last year (inclusive).
    pub to: Expr,
    /// The whole range.
    pub span: Span,
}

/// A number as written, with its exact value.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    /// The value: a percent as a fraction, money in 元.
    pub value: Decimal,
    /// What it measures.
    pub unit: crate::number::QuantityUnit,
    /// The text as written (`15%`, `3亿`).
    pub text: String,
    /// Where.
    pub span: Span,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where.
    pub span: Span,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CmpOp {
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl CmpOp {
    /// The operator as people write it in Chinese documents.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Gt => ">",
            CmpOp::Ge => "≥",
            CmpOp::Lt => "<",
            CmpOp::Le => "≤",
            CmpOp::Eq => "=",
            CmpOp::Ne => "≠",
        }
    }

    /// Whether `ord` (left compared with right) satisfies the operator.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
        }
    }
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl ArithOp {
    /// The operator as shown in explanations.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "×",
            ArithOp::Div => "÷",
        }
    }
}

impl Expr {
    /// Calls `f` on this expression and on every expression inside it, parents first. The one
    /// place that knows the shape of every `ExprKind`; walkers that only need to visit use it.
    pub fn each<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Lit(_)
            | ExprKind::Bool(_)
            | ExprKind::Year
            | ExprKind::Name(_)
            | ExprKind::Script(_) => {}
            ExprKind::Call(_, args) => args.iter().for_each(|a| a.each(f)),
            ExprKind::Index(a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::Cmp(_, a, b)
            | ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Coalesce(a, b) => {
                a.each(f);
                b.each(f);
            }
            ExprKind::Neg(a) | ExprKind::Not(a) => a.each(f),
            ExprKind::Quant { range, body, .. } => {
                range.from.each(f);
                range.to.each(f);
                body.each(f);
            }
            ExprKind::CountWhere { list, cond, .. } => {
                list.each(f);
                cond.each(f);
            }
        }
    }
}

/// The forms an expression takes.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A number.
    Lit(Literal),
    /// `true` / `false`.
    Bool(bool),
    /// `Y`, the evaluation year.
    Year,
    /// A name: an input, a `let`, a parameter or a loop variable.
    Name(String),
    /// `f(a, b)`.
    Call(Spanned<String>, Vec<Expr>),
    /// `series[y]`.
    Index(Box<Expr>, Box<Expr>),
    /// `-x`.
    Neg(Box<Expr>),
    /// `not x`.
    Not(Box<Expr>),
    /// `a + b` and the like.
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// `a >= b` and the like.
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    /// `a and b`.
    And(Box<Expr>, Box<Expr>),
    /// `a or b`.
    Or(Box<Expr>, Box<Expr>),
    /// `a ?? b`: `a` where it is given, else `b`.
    Coalesce(Box<Expr>, Box<Expr>),
    /// `all y in A..B: cond` / `any …`.
    Quant {
        /// `all` (true) or `any` (false).
        all: bool,
        /// The year variable.
        var: Spanned<String>,
        /// The years.
        range: Box<YearRange>,
        /// The condition.
        body: Box<Expr>,
    },
    /// `count(x in list where cond)`.
    CountWhere {
        /// The element variable.
        var: Spanned<String>,
        /// The list.
        list: Box<Expr>,
        /// The condition.
        cond: Box<Expr>,
    },
    /// An embedded Rhai script.
    Script(Script),
}

/// An embedded Rhai script: ```` ```…``` ````.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// The code between the fences.
    pub code: String,
    /// Byte offset of the code in the rule file.
    pub code_offset: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Every form gives each of its expressions, in source order, with the role that says what
    /// it must be and how often it runs: the code that reads roles instead of forms (lint, the
    /// work budget, the next-point search) depends on this list being complete and right.
    #[test]
    fn each_expression_of_every_form_comes_with_its_role() {
        let text = r#"
category "类" points 20 {
  indicator 1 "一" points 20 {
    score sum {
      tiers a { [1, 2] => 1  [2, ..) => 2 }
      each year y in Y-2..Y award 1 when b[y] > 0
      items { item 1 "子一" points 1 when a > 1  item 2 "子二" points 1 judged }
      max { any award 2 { item 3 "子三" when a > 3  item 4 "子四" judged }  judged }
      a * 2
    }
  }
}
"#;
        let (file, diags) = crate::syntax::parse(&Arc::from("t.zb"), text);
        assert!(diags.is_empty(), "{diags:?}");
        let form = file.categories[0].indicators[0]
            .score
            .as_ref()
            .expect("a score");
        let mut seen = Vec::new();
        form.each_expr(&mut |e, role| {
            let source = &text[e.span.start..e.span.end];
            let role = match role {
                Role::TierSubject { tiers, form } => {
                    format!(
                        "tier subject of {} rows at {}",
                        tiers.len(),
                        &text[form.start..form.start + 5]
                    )
                }
                Role::YearEnd => "year end".to_string(),
                Role::Condition {
                    each_year: Some((var, range)),
                } => format!(
                    "condition for each {} in {}",
                    var.value,
                    &text[range.from.span.start..range.to.span.end]
                ),
                Role::Condition { each_year: None } => "condition".to_string(),
                Role::Points => "points".to_string(),
            };
            seen.push(format!("{source}: {role}"));
        });
        assert_eq!(
            seen,
            [
                "a: tier subject of 2 rows at tiers",
                "Y-2: year end",
                "Y: year end",
                "b[y] > 0: condition for each y in Y-2..Y",
                "a > 1: condition",
                "a > 3: condition",
                "a * 2: points",
            ]
        );
        let mut judgements = Vec::new();
        form.each_form(&mut |f| judgements.push(f.judgements()));
        // sum, tiers, each year, items (one judged), max, any (one judged), judged, formula.
        assert_eq!(judgements, [0, 0, 0, 1, 0, 1, 1, 0]);
        let awards: Vec<_> = {
            let mut v = Vec::new();
            form.each_form(&mut |f| v.push(f.item_award().map(|a| a.value)));
            v
        };
        assert_eq!(awards.iter().flatten().count(), 1);
        assert_eq!(form.nested().len(), 5);
    }
}
