//! Values during evaluation, and how they are shown to people.

use crate::number::Num;
use crate::syntax::ast::{InputDecl, ScalarKind};
use rust_decimal::Decimal;
use std::sync::Arc;

/// What a number measures; decides how it is shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Dim {
    /// A bare number.
    Plain,
    /// A fraction shown as a percent.
    Percent,
    /// Money in 元, shown in `unit` (`factor` 元 each).
    Money {
        /// 元 per display unit.
        factor: Decimal,
        /// The display unit, e.g. `万元`.
        unit: Arc<str>,
    },
    /// A count or quantity with a unit word.
    Unit(Arc<str>),
}

impl Dim {
    /// The dimension of an input's values.
    pub fn of_input(decl: &InputDecl) -> Dim {
        let unit = decl.unit.as_ref().map(|u| u.value.as_str());
        match (decl.kind.value, unit) {
            (ScalarKind::Percent, _) => Dim::Percent,
            (ScalarKind::Money, Some(u)) => Dim::Money {
                factor: crate::number::money_unit_factor(u).unwrap_or(Decimal::ONE),
                unit: Arc::from(u),
            },
            (_, Some(u)) => Dim::Unit(Arc::from(u)),
            _ => Dim::Plain,
        }
    }

    /// The dimension of `a op b`.
    pub fn combine(op: crate::syntax::ast::ArithOp, a: &Dim, b: &Dim) -> Dim {
        use crate::syntax::ast::ArithOp::*;
        match op {
            Add | Sub => {
                if *a == Dim::Plain {
                    b.clone()
                } else {
                    a.clone()
                }
            }
            Mul => match (a, b) {
                (Dim::Percent | Dim::Plain, x) if *x != Dim::Plain => x.clone(),
                (x, _) => x.clone(),
            },
            Div => match (a, b) {
                (x, Dim::Plain) => x.clone(),
                (Dim::Plain, _) => Dim::Plain,
                _ => Dim::Percent,
            },
        }
    }
}

/// An input (and a year) that a computation needed but the submission did not give.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct MissingRef {
    /// The input key.
    pub key: String,
    /// The year, for a yearly input.
    pub year: Option<i32>,
}

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// A number.
    Num(Num, Dim),
    /// Yes or no.
    Bool(bool),
    /// A yearly input, by key.
    Series(Arc<str>),
    /// A list of numbers.
    List(Arc<Vec<Num>>, Dim),
    /// Not given; what was needed.
    Missing(Vec<MissingRef>),
}

impl Val {
    /// A missing value that needs one input.
    pub fn missing(key: &str, year: Option<i32>) -> Val {
        Val::Missing(vec![MissingRef {
            key: key.to_string(),
            year,
        }])
    }
}

/// Joins the missing references of two values.
pub fn join_missing(a: &Val, b: &Val) -> Vec<MissingRef> {
    let mut out = Vec::new();
    for v in [a, b] {
        if let Val::Missing(m) = v {
            for r in m {
                if !out.contains(r) {
                    out.push(r.clone());
                }
            }
        }
    }
    out
}
