//! Exact numbers.
//!
//! Scores are decided by comparisons such as `a / b >= 15%`. A [`Num`] keeps a quotient as a
//! numerator and a denominator (both [`Decimal`]) instead of dividing, so comparisons are made by
//! cross-multiplying and are exact: `1500 / 10000 >= 15%` is true, and no value is ever rounded
//! across a bound. Every operation is checked; overflow and division by zero are errors for the
//! caller to report, never a panic, NaN or infinity.
//!
//! This module also reads the literals people write in the source: `15%`, `3亿`, `5千万元`,
//! `92000万元`, `50学时`.

use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;

/// Why an arithmetic operation has no exact result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumError {
    /// The divisor was zero.
    DivisionByZero,
    /// An intermediate value left the range of exact decimal arithmetic (about 7.9 × 10^28).
    Overflow,
}

impl fmt::Display for NumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumError::DivisionByZero => write!(f, "除数为零"),
            NumError::Overflow => write!(f, "数值超出精确计算范围"),
        }
    }
}

/// An exact rational number `n / d` with `d > 0`.
#[derive(Debug, Clone, Copy)]
pub struct Num {
    n: Decimal,
    d: Decimal,
}

impl PartialEq for Num {
    fn eq(&self, other: &Self) -> bool {
        self.try_cmp(other) == Ok(Ordering::Equal)
    }
}

impl From<Decimal> for Num {
    fn from(n: Decimal) -> Self {
        Num { n, d: Decimal::ONE }
    }
}

impl From<i64> for Num {
    fn from(n: i64) -> Self {
        Num::from(Decimal::from(n))
    }
}

/// `d == 1`, quickly for the usual denominator (1 written without decimals); the same answer as
/// `==` in every case.
fn is_one(d: &Decimal) -> bool {
    if d.scale() == 0 {
        d.mantissa() == 1
    } else {
        *d == Decimal::ONE
    }
}

/// `a == b` for two denominators (both positive), quickly when they have the same scale; the
/// same answer as `==` in every case.
fn same(a: &Decimal, b: &Decimal) -> bool {
    if a.scale() == b.scale() {
        a.mantissa() == b.mantissa()
    } else {
        a == b
    }
}

// Checked arithmetic returning `Result`, so not the `std::ops` traits.
#[allow(clippy::should_implement_trait)]
impl Num {
    /// Zero.
    pub const ZERO: Num = Num {
        n: Decimal::ZERO,
        d: Decimal::ONE,
    };

    /// `n / d`, or an error when `d` is zero.
    pub fn ratio(n: Decimal, d: Decimal) -> Result<Num, NumError> {
        if d.is_zero() {
            return Err(NumError::DivisionByZero);
        }
        let (n, d) = if d.is_sign_negative() {
            (-n, -d)
        } else {
            (n, d)
        };
        Ok(Num { n, d }.normalized())
    }

    /// Folds the fraction into a single decimal when the division is exact.
    fn normalized(self) -> Num {
        if is_one(&self.d) {
            return self;
        }
        if let Some(q) = self.n.checked_div(self.d)
            && q.checked_mul(self.d) == Some(self.n)
        {
            return Num {
                n: q.normalize(),
                d: Decimal::ONE,
            };
        }
        self
    }

    /// The exact decimal value, if the number has one (`1/4` does, `1/3` does not).
    pub fn exact_decimal(&self) -> Option<Decimal> {
        is_one(&self.d).then_some(self.n)
    }

    /// The value as a decimal, rounded to 28 significant digits where it is not exact.
    pub fn to_decimal(&self) -> Decimal {
        if is_one(&self.d) {
            self.n
        } else {
            self.n.checked_div(self.d).unwrap_or(self.n)
        }
    }

    /// `self + o`.
    pub fn add(self, o: Num) -> Result<Num, NumError> {
        if same(&self.d, &o.d) {
            let n = self.n.checked_add(o.n).ok_or(NumError::Overflow)?;
            return Ok(Num { n, d: self.d }.normalized());
        }
        let a = self.n.checked_mul(o.d).ok_or(NumError::Overflow)?;
        let b = o.n.checked_mul(self.d).ok_or(NumError::Overflow)?;
        let n = a.checked_add(b).ok_or(NumError::Overflow)?;
        let d = self.d.checked_mul(o.d).ok_or(NumError::Overflow)?;
        Ok(Num { n, d }.normalized())
    }

    /// `-self`.
    pub fn neg(self) -> Num {
        Num {
            n: -self.n,
            d: self.d,
        }
    }

    /// `self - o`.
    pub fn sub(self, o: Num) -> Result<Num, NumError> {
        self.add(o.neg())
    }

    /// `self × o`.
    pub fn mul(self, o: Num) -> Result<Num, NumError> {
        let n = self.n.checked_mul(o.n).ok_or(NumError::Overflow)?;
        let d = self.d.checked_mul(o.d).ok_or(NumError::Overflow)?;
        Ok(Num { n, d }.normalized())
    }

    /// `self ÷ o`.
    pub fn div(self, o: Num) -> Result<Num, NumError> {
        if o.n.is_zero() {
            return Err(NumError::DivisionByZero);
        }
        let n = self.n.checked_mul(o.d).ok_or(NumError::Overflow)?;
        let d = self.d.checked_mul(o.n).ok_or(NumError::Overflow)?;
        Num::ratio(n, d)
    }

    /// Exact comparison by cross-multiplication.
    pub fn try_cmp(&self, o: &Num) -> Result<Ordering, NumError> {
        if same(&self.d, &o.d) {
            return Ok(self.n.cmp(&o.n));
        }
        let a = self.n.checked_mul(o.d).ok_or(NumError::Overflow)?;
        let b = o.n.checked_mul(self.d).ok_or(NumError::Overflow)?;
        Ok(a.cmp(&b))
    }

    /// The smaller of two numbers.
    pub fn min(self, o: Num) -> Result<Num, NumError> {
        Ok(if self.try_cmp(&o)? == Ordering::Greater {
            o
        } else {
            self
        })
    }

    /// The larger of two numbers.
    pub fn max(self, o: Num) -> Result<Num, NumError> {
        Ok(if self.try_cmp(&o)? == Ordering::Less {
            o
        } else {
            self
        })
    }

    /// True when the number is zero.
    pub fn is_zero(&self) -> bool {
        self.n.is_zero()
    }

    /// True when the number is below zero.
    pub fn is_negative(&self) -> bool {
        self.n.is_sign_negative() && !self.n.is_zero()
    }

    /// The value as an `i64` when it is a whole number written without decimals over a
    /// denominator of 1 (as counts, years and loop variables are); `None` otherwise, which
    /// does not mean it is not whole: a quick test for hot paths, with a full one behind it.
    pub fn small_whole(&self) -> Option<i64> {
        if self.d.scale() == 0 && self.d.mantissa() == 1 && self.n.scale() == 0 {
            i64::try_from(self.n.mantissa()).ok()
        } else {
            None
        }
    }

    /// The exact representation (numerator and denominator as stored): two numbers with the same
    /// representation behave the same in every operation, not only compare equal.
    pub fn representation(&self) -> ([u8; 16], [u8; 16]) {
        (self.n.serialize(), self.d.serialize())
    }

    /// True when the number is a whole number.
    pub fn is_integer(&self) -> bool {
        self.exact_decimal().is_some_and(|d| d.fract().is_zero())
    }
}

/// Formats a decimal for people: no trailing zeros, no exponent.
pub fn plain(d: Decimal) -> String {
    let s = d.normalize().to_string();
    if s == "-0" { "0".into() } else { s }
}

/// Formats with thousands separators: `1,234,567.5`.
pub fn grouped(d: Decimal) -> String {
    let s = plain(d);
    let (sign, body) = match s.strip_prefix('-') {
        Some(b) => ("-", b),
        None => ("", s.as_str()),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// Formats an exact number for display with at most `places` decimals. A value that is not exact
/// at that precision is shown rounded and prefixed with `约`, so a displayed `15.00%` always means
/// exactly 15%.
pub fn display(n: &Num, places: u32, scale: Decimal, group: bool) -> String {
    let v = n.to_decimal().checked_mul(scale).unwrap_or(Decimal::MAX);
    let r = v.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let exact = n
        .exact_decimal()
        .and_then(|d| d.checked_mul(scale))
        .is_some_and(|d| d == r);
    let body = if group { grouped(r) } else { plain(r) };
    if exact { body } else { format!("约{body}") }
}

/// A fraction as a percent with exactly two decimals, for tables of rates: `82.50%`, and
/// `约93.33%` where the value is not exact at that precision.
pub fn percent_fixed(n: &Num) -> String {
    let v = n
        .to_decimal()
        .checked_mul(Decimal::ONE_HUNDRED)
        .unwrap_or(Decimal::MAX);
    let r = v.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let exact = n
        .exact_decimal()
        .and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED))
        .is_some_and(|d| d == r);
    if exact {
        format!("{r:.2}%")
    } else {
        format!("约{r:.2}%")
    }
}

/// A magnitude word and its factor.
pub const MAGNITUDES: [(&str, i64); 6] = [
    ("千万", 10_000_000),
    ("百万", 1_000_000),
    ("十万", 100_000),
    ("万", 10_000),
    ("亿", 100_000_000),
    ("千", 1_000),
];

/// The factor of a money unit, in 元: `元` → 1, `万元` → 10 000, `亿元` → 10^8.
pub fn money_unit_factor(unit: &str) -> Option<Decimal> {
    let stem = unit.strip_suffix('元')?;
    if stem.is_empty() {
        return Some(Decimal::ONE);
    }
    MAGNITUDES
        .iter()
        .find(|(w, _)| *w == stem)
        .map(|(_, f)| Decimal::from(*f))
}

/// A number written the way people write it: digits, an optional magnitude word and an optional
/// `%` or unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// The value with magnitude applied; a percent is a fraction (`15%` → 0.15); money is in 元.
    pub value: Decimal,
    /// What the number measures.
    pub unit: QuantityUnit,
}

/// The unit part of a [`Quantity`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantityUnit {
    /// No unit: `3亿`, `0.5`.
    None,
    /// `%`.
    Percent,
    /// Money, normalised to 元.
    Money,
    /// Any other unit word: `学时`, `户`.
    Other(String),
}

/// Why a quantity literal could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantityError {
    /// The text does not start with a number.
    NotANumber,
    /// The value does not fit in exact decimal arithmetic.
    TooLarge,
    /// A magnitude word was repeated (`3亿亿`) or a percent sign doubled (`15%%`).
    Repeated(String),
}

/// Reads `15%`, `3亿`, `5千万元`, `92000万元`, `-2.5%`, `50学时`, `1,200`.
pub fn parse_quantity(text: &str) -> Result<Quantity, QuantityError> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r.trim_start()),
        None => (false, t),
    };
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(t.len());
    let (digits, rest) = t.split_at(end);
    let digits: String = digits.chars().filter(|c| *c != ',').collect();
    if digits.is_empty() || digits.starts_with('.') || digits.ends_with('.') {
        return Err(QuantityError::NotANumber);
    }
    let mut value: Decimal = digits.parse().map_err(|_| QuantityError::TooLarge)?;
    let mut rest = rest.trim();
    if let Some((w, f, after)) = MAGNITUDES
        .iter()
        .find_map(|(w, f)| rest.strip_prefix(w).map(|after| (w, f, after)))
    {
        value = value
            .checked_mul(Decimal::from(*f))
            .ok_or(QuantityError::TooLarge)?;
        rest = after;
        if MAGNITUDES.iter().any(|(w2, _)| rest.starts_with(w2)) {
            return Err(QuantityError::Repeated(format!("{w}{rest}")));
        }
    }
    let unit = if rest.is_empty() {
        QuantityUnit::None
    } else if rest == "%" {
        value /= Decimal::ONE_HUNDRED;
        QuantityUnit::Percent
    } else if rest.starts_with('%') {
        return Err(QuantityError::Repeated(rest.to_string()));
    } else if rest == "元" {
        QuantityUnit::Money
    } else if rest.chars().all(|c| c.is_alphabetic()) {
        QuantityUnit::Other(rest.to_string())
    } else {
        return Err(QuantityError::NotANumber);
    };
    Ok(Quantity {
        value: if neg { -value } else { value },
        unit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn ratio_comparison_is_exact_at_the_bound() {
        let share = Num::from(d("1500")).div(Num::from(d("10000"))).unwrap();
        assert_eq!(
            share.try_cmp(&Num::from(d("0.15"))).unwrap(),
            Ordering::Equal
        );
        let third = Num::from(d("1")).div(Num::from(d("3"))).unwrap();
        let back = third.mul(Num::from(d("3"))).unwrap();
        assert_eq!(back.try_cmp(&Num::from(d("1"))).unwrap(), Ordering::Equal);
    }

    #[test]
    fn growth_compares_exactly() {
        // (115/100 - 1) == 15%
        let g = Num::from(d("115"))
            .div(Num::from(d("100")))
            .unwrap()
            .sub(Num::from(1))
            .unwrap();
        assert_eq!(g.try_cmp(&Num::from(d("0.15"))).unwrap(), Ordering::Equal);
    }

    #[test]
    fn division_by_zero_is_an_error() {
        assert_eq!(Num::from(1).div(Num::ZERO), Err(NumError::DivisionByZero));
    }

    #[test]
    fn reads_chinese_magnitudes() {
        assert_eq!(parse_quantity("3亿").unwrap().value, d("300000000"));
        let q = parse_quantity("5千万元").unwrap();
        assert_eq!((q.value, q.unit), (d("50000000"), QuantityUnit::Money));
        assert_eq!(parse_quantity("15%").unwrap().value, d("0.15"));
        assert_eq!(parse_quantity("-2.5%").unwrap().value, d("-0.025"));
        assert_eq!(
            parse_quantity("50学时").unwrap().unit,
            QuantityUnit::Other("学时".into())
        );
        assert!(matches!(
            parse_quantity("3亿亿"),
            Err(QuantityError::Repeated(_))
        ));
        assert!(matches!(
            parse_quantity("15%%"),
            Err(QuantityError::Repeated(_))
        ));
        assert_eq!(parse_quantity("abc"), Err(QuantityError::NotANumber));
    }

    #[test]
    fn display_marks_inexact_values() {
        let third = Num::from(1).div(Num::from(3)).unwrap();
        assert_eq!(display(&third, 2, Decimal::ONE_HUNDRED, false), "约33.33");
        let eighth = Num::from(1).div(Num::from(8)).unwrap();
        assert_eq!(display(&eighth, 2, Decimal::ONE_HUNDRED, false), "12.5");
        assert_eq!(grouped(d("1234567.50")), "1,234,567.5");
    }
}
