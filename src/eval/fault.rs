//! Why the rules could not score an indicator, as typed values: each kind of rule problem found
//! while evaluating ([`Fault`]) with the rule-file line it is on. [`crate::words::fault`] words
//! them; code that needs to know what went wrong matches on the kind.

use super::budget::OverBudget;
use super::reason::{Interval, Operand};
use super::value::Val;
use crate::diag::Span;
pub use crate::model::RuleLine;
use crate::number::NumError;
use serde::Serialize;

/// The deepest nesting of function calls during evaluation.
pub const MAX_DEPTH: usize = 64;

/// Why an expression has no value: a rule problem for this indicator alone, with its place.
/// Worded by [`crate::words::eval_error`].
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

/// The kind of a value, for a fault that found the wrong one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValKind {
    /// A number.
    Number,
    /// Yes or no.
    Bool,
    /// A yearly input.
    Series,
    /// A list.
    List,
    /// A missing value.
    Missing,
}

impl ValKind {
    /// The kind of `v`.
    pub fn of(v: &Val) -> ValKind {
        match v {
            Val::Num(..) => ValKind::Number,
            Val::Bool(_) => ValKind::Bool,
            Val::Series(_) => ValKind::Series,
            Val::List(..) => ValKind::List,
            Val::Missing(_) => ValKind::Missing,
        }
    }
}

/// A rule problem found while evaluating.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// A name nothing declares.
    Undeclared {
        /// The name.
        name: String,
    },
    /// A number was needed.
    NotANumber {
        /// What was found.
        found: ValKind,
    },
    /// A year beyond what years can be.
    YearOutOfRange,
    /// A year that is not a whole number.
    YearNotInteger,
    /// A year was needed.
    NotAYear,
    /// A year range that ends before it starts or spans more than 50 years.
    BadYearRange {
        /// The first year.
        from: i32,
        /// The last year.
        to: i32,
    },
    /// A yes/no condition was needed.
    NotACondition {
        /// What was found.
        found: ValKind,
    },
    /// `[year]` on something that is not a yearly input.
    NotYearly {
        /// What was found.
        found: ValKind,
    },
    /// A division by zero.
    DivisionByZero {
        /// The divisor, with its value.
        divisor: Box<Operand>,
    },
    /// Exact arithmetic failed (beyond its range).
    Arithmetic {
        /// How.
        #[serde(serialize_with = "num_error")]
        error: NumError,
    },
    /// Two values that cannot be compared.
    Incomparable {
        /// The left one's kind.
        left: ValKind,
        /// The right one's kind.
        right: ValKind,
    },
    /// `count` over something that is not a list.
    CountNeedsList {
        /// What was found.
        found: ValKind,
    },
    /// Function calls nested deeper than [`super::MAX_DEPTH`].
    TooDeep,
    /// A rule-file function called with the wrong number of arguments.
    Arity {
        /// The function.
        name: String,
        /// How many it takes.
        params: usize,
    },
    /// A built-in function given something other than numbers.
    BuiltinNeedsNumber {
        /// The function.
        name: String,
        /// What was found.
        found: ValKind,
    },
    /// `min`/`max` without arguments.
    BuiltinNeedsArgument {
        /// The function.
        name: String,
    },
    /// A built-in function given arguments it does not take.
    BuiltinBadArguments {
        /// The function.
        name: String,
    },
    /// A script returned something other than a number or yes/no.
    ScriptReturned {
        /// Where the script is.
        at: RuleLine,
        /// The Rhai type it returned.
        type_name: String,
    },
    /// A script failed.
    Script {
        /// Where it failed.
        at: RuleLine,
        /// Why, as the script sandbox words it.
        message: String,
    },
    /// An indicator without a scoring form.
    NoScoringForm,
    /// The indicator's work may exceed the budget; it is not evaluated.
    OverBudget {
        /// The estimate.
        #[serde(serialize_with = "over_budget")]
        estimate: OverBudget,
    },
    /// Tiers over something that is not a number.
    TierNeedsNumber {
        /// What was found.
        found: ValKind,
    },
    /// A value in several tiers and no `overlap` policy.
    Overlap {
        /// The tiers' subject, with its value.
        subject: Box<Operand>,
        /// The tiers it falls in.
        tiers: Vec<Interval>,
    },
    /// A scoring expression that does not give a number.
    ScoreNotANumber {
        /// What was found.
        found: ValKind,
    },
}

impl Fault {
    /// Whether the fault names its own line of the rule file (a script's), so no other line is
    /// added to its words.
    pub fn placed(&self) -> bool {
        matches!(self, Fault::ScriptReturned { .. } | Fault::Script { .. })
    }
}

fn num_error<S: serde::Serializer>(e: &NumError, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match e {
        NumError::DivisionByZero => "division_by_zero",
        NumError::Overflow => "overflow",
    })
}

fn over_budget<S: serde::Serializer>(o: &OverBudget, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(o.work)
}
