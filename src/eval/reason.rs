//! What scoring found, as typed values: each step of an indicator's scoring ([`Reason`]), each
//! condition with its values substituted ([`Said`]) and each value with where it came from
//! ([`Operand`]). The evaluator records these and nothing else; [`crate::words`] is the one place
//! that turns them into Chinese, so code that needs to know what happened (gap analysis,
//! `explain`, the JSON report) reads these types, never sentences.

use super::EvalError;
use super::fault::Fault;
use super::value::Val;
use super::{ItemState, Limit};
use crate::number::Num;
use crate::syntax::ast::{ArithOp, CmpOp};
use rust_decimal::Decimal;
use serde::Serialize;
use std::cmp::Ordering;

/// One step of an indicator's scoring, in the order the evaluator took it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// A tier table whose subject has no value: data is missing.
    TierSubjectMissing {
        /// The tiers' subject.
        subject: Operand,
    },
    /// A tier table whose subject falls in no tier.
    NoTier {
        /// The tiers' subject, with its value.
        subject: Operand,
        /// Every tier's interval.
        tiers: Vec<Interval>,
    },
    /// A tier table whose subject falls in one tier.
    Tier {
        /// The tiers' subject, with its value.
        subject: Operand,
        /// The tier it falls in.
        tier: Interval,
        /// The tier's points.
        #[serde(serialize_with = "dec")]
        points: Decimal,
    },
    /// A tier table whose subject falls in several tiers; the overlap policy picked one.
    Overlap {
        /// The tiers' subject, with its value.
        subject: Operand,
        /// The tiers it falls in.
        tiers: Vec<Interval>,
        /// Whether the higher tier was taken (`overlap higher`), else the lower.
        higher: bool,
        /// The points of the tier taken.
        #[serde(serialize_with = "dec")]
        points: Decimal,
    },
    /// One year of a per-year condition.
    Year {
        /// The year.
        year: i32,
        /// How it was decided.
        outcome: YearReason,
    },
    /// One sub-item.
    Item {
        /// The item's number within its indicator.
        no: u32,
        /// The item's text.
        text: String,
        /// Its points, shown beside it (none in an any-of list, whose items share one award).
        #[serde(serialize_with = "opt_dec")]
        points: Option<Decimal>,
        /// Met, not met, not submitted or missing.
        state: ItemState,
        /// Why.
        why: ItemWhy,
    },
    /// An any-of list with an item met.
    AnyMet {
        /// The first item met.
        first: u32,
        /// The award.
        #[serde(serialize_with = "dec")]
        award: Decimal,
    },
    /// An any-of list with no item met.
    AnyNone,
    /// An indicator judged as a whole by experts.
    Judged {
        /// The judgement's state.
        state: ItemState,
        /// The judgement.
        why: ItemWhy,
        /// Its points.
        #[serde(serialize_with = "dec")]
        score: Decimal,
    },
    /// A step of one part of a `max` or `sum` of scoring forms.
    Part {
        /// The step.
        step: Box<Reason>,
    },
    /// The best of several scoring forms (`max`).
    Best {
        /// Each form's score.
        #[serde(serialize_with = "nums")]
        parts: Vec<Num>,
        /// The highest.
        #[serde(serialize_with = "num")]
        best: Num,
    },
    /// The sum of several scoring forms (`sum`).
    Total {
        /// Each form's score.
        #[serde(serialize_with = "nums")]
        parts: Vec<Num>,
        /// Their sum.
        #[serde(serialize_with = "num")]
        total: Num,
    },
    /// A scoring formula whose result is the points.
    Formula {
        /// The formula with its values.
        formula: Formula,
        /// The points.
        #[serde(serialize_with = "num")]
        score: Num,
    },
    /// A scoring expression that is not a formula (a function, a script).
    Value {
        /// The expression with its value.
        value: Operand,
        /// The points.
        #[serde(serialize_with = "num")]
        score: Num,
    },
    /// A scoring expression whose data is missing.
    ValueMissing {
        /// The expression.
        value: Operand,
    },
    /// A limit changed the sum.
    Limited {
        /// Which limit.
        limit: Limit,
        /// The sum before it was applied.
        #[serde(serialize_with = "num")]
        sum: Num,
    },
    /// Data is missing: the indicator scores 0.
    MissingData {
        /// What is missing.
        needed: Vec<Needed>,
        /// What the parts that could be computed earn.
        #[serde(serialize_with = "dec")]
        partial: Decimal,
    },
    /// The rules could not score the indicator.
    Failed {
        /// The rule problem.
        error: EvalError,
    },
}

/// How one year of a per-year condition was decided.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum YearReason {
    /// The condition holds: the award is earned.
    Met {
        /// The condition with that year's values.
        condition: Said,
        /// The year's award.
        #[serde(serialize_with = "dec")]
        award: Decimal,
    },
    /// The condition does not hold.
    NotMet {
        /// The condition with that year's values.
        condition: Said,
    },
    /// Data is missing: the year cannot be decided.
    Missing {
        /// What is missing.
        needed: Vec<Needed>,
    },
}

/// Why a sub-item (or a judged indicator) came out as it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum ItemWhy {
    /// Decided by the data: the condition with its values.
    Condition {
        /// The condition.
        condition: Said,
    },
    /// Decided by a judgement.
    Judgement {
        /// What the judgement says.
        verdict: JudgedAs,
        /// Evidence named in the judgement.
        evidence: Vec<String>,
        /// The judgement's note.
        note: Option<String>,
    },
}

/// What a judgement says of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub enum JudgedAs {
    /// No judgement was submitted: counted as not met.
    NotSubmitted,
    /// The experts gave points.
    Scored {
        /// The points given (within 0 and the item's points).
        #[serde(serialize_with = "dec")]
        score: Decimal,
        /// The item's points.
        #[serde(serialize_with = "dec")]
        of: Decimal,
    },
    /// Judged met.
    Met,
    /// Judged not met.
    NotMet,
}

/// A piece of data that is missing, by the label people know it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Needed {
    /// The input's label (its key when it has none).
    pub label: String,
    /// The year, for a yearly input.
    pub year: Option<i32>,
}

/// A tier's interval as the rule file writes its bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interval {
    /// The lower bound as written; none for no lower bound.
    pub lo: Option<String>,
    /// The upper bound as written; none for no upper bound.
    pub hi: Option<String>,
    /// Whether the lower bound is in the tier.
    pub lo_inclusive: bool,
    /// Whether the upper bound is in the tier.
    pub hi_inclusive: bool,
}

/// A condition with its values substituted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Said {
    /// A comparison.
    Compare {
        /// The left side.
        left: Box<Operand>,
        /// The relation shown.
        relation: Relation,
        /// The right side.
        right: Box<Operand>,
    },
    /// Both hold.
    And {
        /// The first.
        left: Box<Said>,
        /// The second.
        right: Box<Said>,
    },
    /// Either holds.
    Or {
        /// The first.
        left: Box<Said>,
        /// The second.
        right: Box<Said>,
    },
    /// A value that is not so (a negated yes/no value).
    Not {
        /// The value.
        value: Operand,
    },
    /// A yes/no value.
    Value {
        /// The value.
        value: Operand,
    },
}

/// The relation a comparison is shown with: the rule's own operator where it holds, else the
/// relation that does hold, so a line never states something false.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Relation {
    /// The rule's operator (it holds, or the sides could not be compared).
    Stated {
        /// The operator.
        op: CmpOp,
    },
    /// The rule's operator does not hold; this is how the sides compare.
    Actual {
        /// Left compared with right.
        #[serde(serialize_with = "ordering")]
        ord: Ordering,
    },
    /// A side is missing.
    Unknown,
}

/// What an operand came to.
///
/// In JSON: `{"kind": "value", "value": …, "shown": "约14.33%"}`, where `value` is for programs
/// (a number as an exact decimal string in its base unit — a fraction for a percent, 元 for
/// money — or rounded to 10 places where it has no exact one, with `"exact": false`; `true`/`false`;
/// a list as an array of such strings; a yearly input by its key; missing data as the
/// `{key, year}` needed) and `shown` is the value as the report words it; or
/// `{"kind": "failed", "fault": {…}, "message": "…"}`.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// Its value.
    Value {
        /// The value.
        value: Val,
    },
    /// It could not be computed: the rule problem that kept it from a value.
    Failed {
        /// The problem.
        fault: Fault,
    },
}

/// A decimal in JSON: a string, exact, as every score in the report.
pub(crate) fn dec<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::number::plain(*d))
}

fn opt_dec<S: serde::Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => dec(d, s),
        None => s.serialize_none(),
    }
}

/// A number in JSON: its exact decimal, or rounded to 10 places where it has no exact one.
fn num<S: serde::Serializer>(n: &Num, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&exact_or_rounded(n).to_string())
}

/// A number for programs: its exact decimal, or rounded to 10 places where it has none.
pub(crate) fn exact_or_rounded(n: &Num) -> Decimal {
    n.exact_decimal()
        .unwrap_or_else(|| n.to_decimal().round_dp(10))
}

fn nums<S: serde::Serializer>(ns: &[Num], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(ns.iter().map(|n| exact_or_rounded(n).to_string()))
}

fn ordering<S: serde::Serializer>(o: &Ordering, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match o {
        Ordering::Less => "less",
        Ordering::Equal => "equal",
        Ordering::Greater => "greater",
    })
}

/// A value with where it came from: a literal, an input with its label, a formula.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Operand {
    /// A number as the rule file writes it: `8%`.
    Literal {
        /// The text.
        text: String,
    },
    /// A year (`Y`).
    Year {
        /// Its value.
        value: Shown,
    },
    /// A name: an input, a `let`, a loop variable.
    Name {
        /// The name as the rule file writes it (an input's key).
        name: String,
        /// Its label, if it has one.
        label: Option<String>,
        /// Its value.
        value: Shown,
    },
    /// A yearly input at a year.
    Yearly {
        /// The input's key.
        key: String,
        /// The input's label.
        label: String,
        /// The year.
        year: Option<i32>,
        /// Its value.
        value: Shown,
    },
    /// Something other than an input, at a year.
    AtYear {
        /// What is indexed.
        base: Box<Operand>,
        /// The year.
        year: Option<i32>,
        /// Its value.
        value: Shown,
    },
    /// A built-in function (`abs`, `min`, `max`, `sum`, `len`).
    Builtin {
        /// The function's name.
        name: String,
        /// Its arguments.
        args: Vec<Formula>,
        /// Its value.
        value: Shown,
    },
    /// A function of the rule file.
    Function {
        /// Its name.
        name: String,
        /// Its label (its name when it has none).
        label: String,
        /// The year it was called for, when it takes one (`y` or `year`).
        #[serde(serialize_with = "opt_dec")]
        year: Option<Decimal>,
        /// How its value came about.
        body: FunctionBody,
        /// Its value.
        value: Shown,
    },
    /// Arithmetic.
    Arith {
        /// The formula with its values.
        formula: Formula,
        /// Its value.
        value: Shown,
    },
    /// `a ?? b`: the first where given, else the second.
    Coalesce {
        /// The first, as people name it.
        given: ShortLabel,
        /// The second, when the first was not given.
        fallback: Option<Box<Operand>>,
        /// The value taken.
        value: Shown,
    },
    /// `count x in list where …`.
    CountWhere {
        /// The list, as people name it.
        list: ShortLabel,
        /// The count.
        value: Shown,
    },
    /// Anything else: its value alone.
    Other {
        /// Its value.
        value: Shown,
    },
}

/// How a rule file's function came to its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FunctionBody {
    /// Its body is a formula.
    Formula {
        /// The formula, with values.
        formula: Box<Operand>,
    },
    /// Its body chooses between a given and a computed value.
    Chosen {
        /// The choice, with values.
        choice: Box<Operand>,
    },
    /// Anything else: only the value is shown.
    Plain,
}

/// A formula with its values and no intermediate results.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Formula {
    /// An operation.
    Op {
        /// The operator.
        op: ArithOp,
        /// The left side.
        left: Box<Formula>,
        /// The right side.
        right: Box<Formula>,
        /// Whether the left side needs brackets.
        left_grouped: bool,
        /// Whether the right side needs brackets.
        right_grouped: bool,
    },
    /// A value.
    Operand {
        /// The value.
        operand: Box<Operand>,
    },
}

/// A value named briefly: an input's or a `let`'s label, with its year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShortLabel {
    /// A name's label (or the name, when it has none).
    Name {
        /// The label.
        label: String,
    },
    /// A yearly value at a year.
    AtYear {
        /// The value.
        base: Box<ShortLabel>,
        /// The year.
        year: Option<i32>,
    },
    /// Anything else.
    It,
}
