//! Exact numbers.
//!
//! Scores are decided by comparisons such as `a / b >= 15%`. A [`Num`] keeps a quotient as an
//! integer numerator and denominator instead of dividing, so comparisons are made by
//! cross-multiplying and are exact: `1500 / 10000 >= 15%` is true, two growths that are both
//! `4/97` compare equal, and no value is ever rounded across a bound. Integers are `i128` while
//! they fit and grow into big integers when they do not, so any decimal a submission can hold
//! (up to about 7.9 × 10^28 with up to 28 decimals) is computed with exactly. Every operation is
//! checked; division by zero and runaway growth (beyond [`MAX_BITS`]) are errors for the caller to
//! report, never a panic, NaN or infinity.
//!
//! This module also reads the literals people write in the source: `15%`, `3亿`, `5千万元`,
//! `92000万元`, `50学时`.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;

/// Why an arithmetic operation has no exact result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumError {
    /// The divisor was zero.
    DivisionByZero,
    /// An intermediate value's numerator or denominator grew beyond [`MAX_BITS`] bits (about
    /// 10^1233): far beyond any quantity people write, reached only by runaway computation.
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

/// The largest numerator or denominator, in bits, that arithmetic keeps; beyond it an operation
/// is [`NumError::Overflow`]. Every decimal (at most 96 bits over at most 10^28) fits with room
/// for thousands of operations; the bound keeps a runaway loop from using unbounded memory.
pub const MAX_BITS: u64 = 4096;

/// An exact rational number `n / d` with `d > 0`.
///
/// Numerator and denominator are integers: `i128` while they fit (no allocation, the usual case),
/// a big rational in lowest terms when they do not. Every operation and every comparison is exact;
/// nothing is rounded except by [`Num::to_decimal`], which is for display.
#[derive(Debug, Clone)]
pub struct Num(Repr);

#[derive(Debug, Clone)]
enum Repr {
    /// `n / d` with `d > 0`, not necessarily in lowest terms.
    Small(i128, i128),
    /// A value whose numerator or denominator in lowest terms does not fit in `i128`.
    Big(Box<BigRational>),
}

impl PartialEq for Num {
    fn eq(&self, other: &Self) -> bool {
        self.try_cmp(other) == Ok(Ordering::Equal)
    }
}

impl From<Decimal> for Num {
    fn from(v: Decimal) -> Self {
        // A decimal's mantissa has at most 96 bits and its scale is at most 28; 10^28 < 2^94.
        match 10i128.checked_pow(v.scale()) {
            Some(d) => Num(Repr::Small(v.mantissa(), d)),
            None => Num::from_big(BigRational::new(
                BigInt::from(v.mantissa()),
                BigInt::from(10).pow(v.scale()),
            ))
            .unwrap_or(Num::ZERO),
        }
    }
}

impl From<i64> for Num {
    fn from(n: i64) -> Self {
        Num(Repr::Small(i128::from(n), 1))
    }
}

/// `10^k` for `k <= 38`.
fn pow10(k: u32) -> Option<i128> {
    10i128.checked_pow(k)
}

/// The largest mantissa a [`Decimal`] holds: 2^96 - 1.
const DECIMAL_MANTISSA_MAX: i128 = (1i128 << 96) - 1;

// Checked arithmetic returning `Result`, so not the `std::ops` traits.
#[allow(clippy::should_implement_trait)]
impl Num {
    /// Zero.
    pub const ZERO: Num = Num(Repr::Small(0, 1));

    /// `n / d`, or an error when `d` is zero.
    pub fn ratio(n: Decimal, d: Decimal) -> Result<Num, NumError> {
        Num::from(n).div(Num::from(d))
    }

    /// The value as a big rational (in lowest terms).
    fn to_big(&self) -> BigRational {
        match &self.0 {
            Repr::Small(n, d) => BigRational::new(BigInt::from(*n), BigInt::from(*d)),
            Repr::Big(b) => (**b).clone(),
        }
    }

    /// A big rational as a number: small again when it fits, an error when it is too large to
    /// keep.
    fn from_big(r: BigRational) -> Result<Num, NumError> {
        if let (Some(n), Some(d)) = (r.numer().to_i128(), r.denom().to_i128()) {
            return Ok(Num(Repr::Small(n, d)));
        }
        if r.numer().bits() > MAX_BITS || r.denom().bits() > MAX_BITS {
            return Err(NumError::Overflow);
        }
        Ok(Num(Repr::Big(Box::new(r))))
    }

    /// The numerator and denominator in lowest terms, when they fit in `i128`.
    fn reduced_small(&self) -> Option<(i128, i128)> {
        match &self.0 {
            Repr::Small(n, d) => {
                if *d == 1 {
                    return Some((*n, 1));
                }
                let g = n.gcd(d);
                Some((n / g, d / g))
            }
            // A big value is in lowest terms and does not fit.
            Repr::Big(_) => None,
        }
    }

    /// The exact decimal value, if the number has one that a [`Decimal`] can hold (`1/4` does,
    /// `1/3` does not), with no trailing zeros.
    pub fn exact_decimal(&self) -> Option<Decimal> {
        let (n, d) = self.reduced_small()?;
        if d == 1 {
            return (n.abs() <= DECIMAL_MANTISSA_MAX)
                .then(|| Decimal::from_i128_with_scale(n, 0).normalize());
        }
        // d = 2^a × 5^b exactly, or the value has no finite decimal expansion.
        let a = d.trailing_zeros();
        let mut rest = d >> a;
        let mut b = 0u32;
        while rest % 5 == 0 {
            rest /= 5;
            b += 1;
        }
        if rest != 1 {
            return None;
        }
        let k = a.max(b);
        if k > 28 {
            return None;
        }
        // n / d = n × (10^k / d) / 10^k.
        let factor = pow10(k)? / d;
        let m = n.checked_mul(factor)?;
        (m.abs() <= DECIMAL_MANTISSA_MAX).then(|| Decimal::from_i128_with_scale(m, k).normalize())
    }

    /// The value as a decimal, rounded (half away from zero) to at most 28 significant digits
    /// where it is not exact; a value beyond the range of a decimal is shown as its largest.
    /// For display and for scripts, never for deciding.
    pub fn to_decimal(&self) -> Decimal {
        if let Some(v) = self.exact_decimal() {
            return v;
        }
        if let Repr::Small(n, d) = &self.0
            && n.abs() <= DECIMAL_MANTISSA_MAX
            && *d <= DECIMAL_MANTISSA_MAX
            && let Some(q) = Decimal::from_i128_with_scale(*n, 0)
                .checked_div(Decimal::from_i128_with_scale(*d, 0))
        {
            return q;
        }
        let r = self.to_big();
        let neg = r.is_negative();
        let (n, d) = (r.numer().abs(), r.denom().clone());
        let max = BigInt::from(DECIMAL_MANTISSA_MAX);
        // The most decimals that keep the rounded quotient within a decimal's mantissa.
        let mut scale = 28u32;
        let q = loop {
            let scaled = &n * BigInt::from(10).pow(scale);
            let (q, rem) = scaled.div_rem(&d);
            let q = if rem * 2 >= d { q + 1 } else { q };
            if q <= max {
                break q;
            }
            if scale == 0 {
                return if neg { Decimal::MIN } else { Decimal::MAX };
            }
            scale -= 1;
        };
        let q = q.to_i128().unwrap_or(DECIMAL_MANTISSA_MAX);
        Decimal::from_i128_with_scale(if neg { -q } else { q }, scale)
    }

    /// `self + o`.
    pub fn add(self, o: Num) -> Result<Num, NumError> {
        if let (Repr::Small(n1, d1), Repr::Small(n2, d2)) = (&self.0, &o.0)
            && let Some(r) = add_small(*n1, *d1, *n2, *d2)
        {
            return Ok(r);
        }
        Num::from_big(self.to_big() + o.to_big())
    }

    /// `-self`.
    pub fn neg(self) -> Num {
        match self.0 {
            Repr::Small(n, d) => match n.checked_neg() {
                Some(n) => Num(Repr::Small(n, d)),
                None => Num(Repr::Big(Box::new(-BigRational::new(
                    BigInt::from(n),
                    BigInt::from(d),
                )))),
            },
            Repr::Big(b) => Num(Repr::Big(Box::new(-*b))),
        }
    }

    /// `self - o`.
    pub fn sub(self, o: Num) -> Result<Num, NumError> {
        self.add(o.neg())
    }

    /// `self × o`.
    pub fn mul(self, o: Num) -> Result<Num, NumError> {
        if let (Repr::Small(n1, d1), Repr::Small(n2, d2)) = (&self.0, &o.0)
            && let (Some(n), Some(d)) = (n1.checked_mul(*n2), d1.checked_mul(*d2))
        {
            return Ok(Num(Repr::Small(n, d)));
        }
        Num::from_big(self.to_big() * o.to_big())
    }

    /// `self ÷ o`.
    pub fn div(self, o: Num) -> Result<Num, NumError> {
        if o.is_zero() {
            return Err(NumError::DivisionByZero);
        }
        if let (Repr::Small(n1, d1), Repr::Small(n2, d2)) = (&self.0, &o.0)
            && let (Some(n), Some(d)) = (n1.checked_mul(*d2), d1.checked_mul(*n2))
        {
            if d > 0 {
                return Ok(Num(Repr::Small(n, d)));
            }
            if let (Some(n), Some(d)) = (n.checked_neg(), d.checked_neg()) {
                return Ok(Num(Repr::Small(n, d)));
            }
        }
        Num::from_big(self.to_big() / o.to_big())
    }

    /// Exact comparison by cross-multiplication (in wider integers where `i128` would
    /// overflow). Never fails; the `Result` is kept for callers written against checked
    /// arithmetic.
    pub fn try_cmp(&self, o: &Num) -> Result<Ordering, NumError> {
        Ok(self.cmp_exact(o))
    }

    /// Exact comparison.
    fn cmp_exact(&self, o: &Num) -> Ordering {
        if let (Repr::Small(n1, d1), Repr::Small(n2, d2)) = (&self.0, &o.0) {
            if d1 == d2 {
                return n1.cmp(n2);
            }
            // Different signs (or a zero) decide without multiplying.
            let (s1, s2) = (n1.signum(), n2.signum());
            if s1 != s2 {
                return s1.cmp(&s2);
            }
            if let (Some(a), Some(b)) = (n1.checked_mul(*d2), n2.checked_mul(*d1)) {
                return a.cmp(&b);
            }
        }
        self.to_big().cmp(&o.to_big())
    }

    /// The smaller of two numbers.
    pub fn min(self, o: Num) -> Result<Num, NumError> {
        Ok(if self.cmp_exact(&o) == Ordering::Greater {
            o
        } else {
            self
        })
    }

    /// The larger of two numbers.
    pub fn max(self, o: Num) -> Result<Num, NumError> {
        Ok(if self.cmp_exact(&o) == Ordering::Less {
            o
        } else {
            self
        })
    }

    /// True when the number is zero.
    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small(n, _) => *n == 0,
            Repr::Big(b) => b.is_zero(),
        }
    }

    /// True when the number is below zero.
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Small(n, _) => *n < 0,
            Repr::Big(b) => b.is_negative(),
        }
    }

    /// The value as an `i64` when it is a whole number stored over a denominator of 1 (as
    /// counts, years and loop variables are); `None` otherwise, which does not mean it is not
    /// whole: a quick test for hot paths, with a full one behind it.
    pub fn small_whole(&self) -> Option<i64> {
        match &self.0 {
            Repr::Small(n, 1) => i64::try_from(*n).ok(),
            _ => None,
        }
    }

    /// The exact representation (numerator and denominator as stored) when both fit in `i128`:
    /// two numbers with the same representation behave the same in every operation, not only
    /// compare equal. `None` for a value too large for that.
    pub fn representation(&self) -> Option<(i128, i128)> {
        match &self.0 {
            Repr::Small(n, d) => Some((*n, *d)),
            Repr::Big(_) => None,
        }
    }

    /// True when the number is a whole number.
    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Small(n, d) => *d == 1 || n % d == 0,
            Repr::Big(b) => b.is_integer(),
        }
    }

    /// The value as an `i64` when it is a whole number that fits.
    pub fn to_whole(&self) -> Option<i64> {
        match &self.0 {
            Repr::Small(n, d) if n % d == 0 => i64::try_from(n / d).ok(),
            Repr::Small(..) => None,
            Repr::Big(b) => b.is_integer().then(|| b.numer().to_i64()).flatten(),
        }
    }
}

/// `n1/d1 + n2/d2` in `i128`, or `None` when an intermediate overflows.
fn add_small(n1: i128, d1: i128, n2: i128, d2: i128) -> Option<Num> {
    if d1 == d2 {
        return Some(Num(Repr::Small(n1.checked_add(n2)?, d1)));
    }
    // Decimals of different scales: one denominator divides the other.
    if d2 % d1 == 0 {
        let n = n1.checked_mul(d2 / d1)?.checked_add(n2)?;
        return Some(Num(Repr::Small(n, d2)));
    }
    if d1 % d2 == 0 {
        let n = n2.checked_mul(d1 / d2)?.checked_add(n1)?;
        return Some(Num(Repr::Small(n, d1)));
    }
    let n = n1.checked_mul(d2)?.checked_add(n2.checked_mul(d1)?)?;
    Some(Num(Repr::Small(n, d1.checked_mul(d2)?)))
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

/// A rate (a fraction) as reports show it, everywhere: a percent with two decimals (`82.50%`),
/// marked `约` when the exact rate has more decimals than shown; `—` when there is none.
pub fn rate_text(rate: Option<Decimal>, exact: bool) -> String {
    match rate.and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED)) {
        Some(p) => {
            let shown =
                p.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            if exact && shown == p {
                format!("{shown:.2}%")
            } else {
                format!("约{shown:.2}%")
            }
        }
        None => "—".into(),
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
    /// More significant digits than exact decimal arithmetic keeps (28): the value would be
    /// rounded.
    TooPrecise,
    /// A comma that is not a thousands separator in groups of three (`1,5`, `25,83`,
    /// `1.234,5`): the number could be read two ways, and neither is guessed.
    Comma(CommaReadings),
}

/// The readings of a number whose commas are not thousands separators, for the question asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommaReadings {
    /// The digits as written, commas included (`1,5`).
    pub written: String,
    /// The number with the comma as a decimal point (`1.5`; `1.234,5` → `1234.5`), when there is
    /// one comma.
    pub as_decimal_point: Option<String>,
    /// The number with every comma dropped, as a thousands separator (`15`).
    pub as_separator: String,
}

/// The maximal significant digits an exact decimal keeps.
pub const MAX_SIGNIFICANT_DIGITS: usize = 28;

/// Reads a run of digits, `.` and thousands separators exactly: commas must group the whole part
/// in threes (`1,234,567.5`); a number of more than 28 significant digits is refused rather
/// than rounded.
fn exact_digits(raw: &str) -> Result<Decimal, QuantityError> {
    let has_comma = raw.contains(',');
    let (int, frac) = match raw.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (raw, None),
    };
    let well_formed = !int.is_empty()
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed && !has_comma {
        return Err(QuantityError::NotANumber);
    }
    if has_comma {
        let mut groups = int.split(',');
        let first_ok = groups
            .next()
            .is_some_and(|g| (1..=3).contains(&g.len()) && !g.starts_with('0'));
        let grouped = well_formed && first_ok && groups.all(|g| g.len() == 3);
        if !grouped {
            let as_separator: String = raw.chars().filter(|c| *c != ',').collect();
            let as_decimal_point = (raw.matches(',').count() == 1).then(|| {
                raw.chars()
                    .filter(|c| *c != '.')
                    .map(|c| if c == ',' { '.' } else { c })
                    .collect::<String>()
            });
            return Err(QuantityError::Comma(CommaReadings {
                written: raw.to_string(),
                as_decimal_point: as_decimal_point.filter(|d| !d.ends_with('.')),
                as_separator,
            }));
        }
    }
    let int: String = int.chars().filter(|c| *c != ',').collect();
    // Trailing zeros of the fraction carry no value: `1.50` is 1.5 however many zeros follow.
    let frac = frac.map(|f| f.trim_end_matches('0')).unwrap_or("");
    let text = if frac.is_empty() {
        int.clone()
    } else {
        format!("{int}.{frac}")
    };
    // `from_str_exact` refuses what it would have to round; say which of the two it is.
    Decimal::from_str_exact(&text).map_err(|_| {
        if Decimal::from_str_exact(&int).is_err() {
            QuantityError::TooLarge
        } else {
            QuantityError::TooPrecise
        }
    })
}

impl CommaReadings {
    /// The question a reader is asked: `“1,5”是1.5还是15？`.
    pub fn question(&self) -> String {
        match &self.as_decimal_point {
            Some(d) => format!("“{}”是{d}还是{}？", self.written, self.as_separator),
            None => format!(
                "“{}”中的逗号不是每三位一组的千位分隔，无法确定是多少",
                self.written
            ),
        }
    }

    /// What to do about it.
    pub const HELP: &'static str =
        "小数点请用“.”，千位分隔请每三位一组（如 1,234,567.5），也可以不写千位分隔";
}

/// `v / 100` when it is exact; a value of 28 decimals cannot be divided exactly.
fn exact_percent(v: Decimal) -> Result<Decimal, QuantityError> {
    v.checked_div(Decimal::ONE_HUNDRED)
        .filter(|q| q.checked_mul(Decimal::ONE_HUNDRED) == Some(v))
        .ok_or(QuantityError::TooPrecise)
}

/// Reads `15%`, `3亿`, `5千万元`, `92000万元`, `-2.5%`, `50学时`, `1,200`.
///
/// A comma (also the full-width `，`) is accepted only as a thousands separator grouping the
/// whole part in threes (`1,234,567`, `12,000.5`); `1,5` is [`QuantityError::Comma`], never
/// read as 15. More than 28 significant digits is [`QuantityError::TooPrecise`], never rounded.
pub fn parse_quantity(text: &str) -> Result<Quantity, QuantityError> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r.trim_start()),
        None => (false, t),
    };
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '，'))
        .unwrap_or(t.len());
    let (digits, rest) = t.split_at(end);
    let digits = digits.replace('，', ",");
    if digits.is_empty() || digits.starts_with(['.', ',']) || digits.ends_with('.') {
        return Err(QuantityError::NotANumber);
    }
    let mut value = exact_digits(&digits)?;
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
        value = exact_percent(value)?;
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

    /// `(now - before) / before`, the way a rule computes a growth.
    fn growth(now: &str, before: &str) -> Num {
        Num::from(d(now))
            .sub(Num::from(d(before)))
            .unwrap()
            .div(Num::from(d(before)))
            .unwrap()
    }

    #[test]
    fn equal_quotients_are_ties() {
        // 4/97 and 8/194: equal, whichever way round.
        let a = Num::from(4).div(Num::from(97)).unwrap();
        let b = Num::from(8).div(Num::from(194)).unwrap();
        assert_eq!(a.try_cmp(&b).unwrap(), Ordering::Equal);
        assert_eq!(b.try_cmp(&a).unwrap(), Ordering::Equal);
        // The same growth computed two ways: (101 - 97) / 97 and 101 / 97 - 1.
        let g1 = growth("101", "97");
        let g2 = Num::from(101)
            .div(Num::from(97))
            .unwrap()
            .sub(Num::from(1))
            .unwrap();
        assert_eq!(g1.try_cmp(&g2).unwrap(), Ordering::Equal);
        assert_eq!(g1.try_cmp(&a).unwrap(), Ordering::Equal);
        // Growths of money at different scales that are exactly equal.
        let g3 = growth("10100.00", "9700.00");
        let g4 = growth("2020000", "1940000");
        assert_eq!(g3.try_cmp(&g4).unwrap(), Ordering::Equal);
        assert_eq!(g3.try_cmp(&g1).unwrap(), Ordering::Equal);
        // Every k: (97 + 4)k / 97k - 1 == 4/97, and never greater.
        for k in 1..200i64 {
            let g = Num::from(101 * k)
                .div(Num::from(97 * k))
                .unwrap()
                .sub(Num::from(1))
                .unwrap();
            assert_eq!(g.try_cmp(&a).unwrap(), Ordering::Equal, "k = {k}");
        }
    }

    #[test]
    fn a_quotient_is_never_folded_into_a_rounded_decimal() {
        // 1/3 × 3 is exactly 1; 2/3 is not 0.6666666666666666666666666667.
        let third = Num::from(1).div(Num::from(3)).unwrap();
        assert_eq!(third.exact_decimal(), None);
        let two_thirds = Num::from(2).div(Num::from(3)).unwrap();
        let rounded = Num::from(two_thirds.to_decimal());
        assert_ne!(two_thirds.try_cmp(&rounded).unwrap(), Ordering::Equal);
        // A quotient close to a bound stays on its side.
        let just_below = Num::from(d("14.999999999999999999999999999"))
            .div(Num::from(100))
            .unwrap();
        assert_eq!(
            just_below.try_cmp(&Num::from(d("0.15"))).unwrap(),
            Ordering::Less
        );
    }

    #[test]
    fn huge_magnitudes_are_exact() {
        // Money in 元 up to the largest decimal: growth, share and comparison stay exact.
        let g1 = growth("9900000000000000.01", "9700000000000000.00");
        let g2 = growth("19800000000000000.02", "19400000000000000.00");
        assert_eq!(g1.try_cmp(&g2).unwrap(), Ordering::Equal);
        let g3 = growth("9900000000000000.02", "9700000000000000.00");
        assert_eq!(g1.try_cmp(&g3).unwrap(), Ordering::Less);
        let max = Num::from(Decimal::MAX);
        let tiny = Num::from(d("0.0000000000000000000000000001"));
        let q = max.clone().div(tiny.clone()).unwrap();
        let back = q.mul(tiny).unwrap();
        assert_eq!(back.try_cmp(&max).unwrap(), Ordering::Equal);
        // A sum of quotients with large coprime denominators.
        let mut acc = Num::ZERO;
        for p in ["9999999967", "9999999943", "9999999929", "9999999881"] {
            acc = acc.add(Num::from(1).div(Num::from(d(p))).unwrap()).unwrap();
        }
        let mut back = acc;
        for p in ["9999999967", "9999999943", "9999999929", "9999999881"] {
            back = back
                .sub(Num::from(1).div(Num::from(d(p))).unwrap())
                .unwrap();
        }
        assert!(back.is_zero());
    }

    #[test]
    fn runaway_growth_is_an_overflow_not_a_hang() {
        let mut x = Num::from(Decimal::MAX);
        let mut result = Ok(());
        for _ in 0..100 {
            match x.clone().mul(x.clone()) {
                Ok(y) => x = y,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        assert_eq!(result, Err(NumError::Overflow));
    }

    #[test]
    fn decimals_shown_and_kept() {
        let quarter = Num::from(1).div(Num::from(4)).unwrap();
        assert_eq!(quarter.exact_decimal(), Some(d("0.25")));
        let share = Num::from(d("1500")).div(Num::from(d("10000"))).unwrap();
        assert_eq!(share.exact_decimal(), Some(d("0.15")));
        assert_eq!(
            Num::from(2).div(Num::from(3)).unwrap().to_decimal(),
            d("0.6666666666666666666666666667")
        );
        assert_eq!(
            Num::from(-2).div(Num::from(3)).unwrap().to_decimal(),
            d("-0.6666666666666666666666666667")
        );
        // Beyond a decimal's range the display saturates; deciding never uses it.
        let big = Num::from(Decimal::MAX).mul(Num::from(10)).unwrap();
        assert_eq!(big.to_decimal(), Decimal::MAX);
        assert_eq!(big.exact_decimal(), None);
        let v = Num::from(Decimal::MAX)
            .mul(Num::from(3))
            .unwrap()
            .div(Num::from(d("1100000")))
            .unwrap();
        assert_eq!(v.to_decimal(), d("216076806857084557073301.68273"));
        assert!(Num::from(d("2023.0")).is_integer());
        assert_eq!(Num::from(d("2023.0")).to_whole(), Some(2023));
    }

    proptest::proptest! {
        /// `a/b` against `c/d` compares as the integers `a×d` and `c×b` do.
        #[test]
        fn quotients_compare_as_cross_products(
            a in proptest::num::i64::ANY,
            b in 1i64..=i64::MAX,
            c in proptest::num::i64::ANY,
            e in 1i64..=i64::MAX,
            k in 1i64..1000,
        ) {
            let x = Num::from(a).div(Num::from(b)).unwrap();
            let y = Num::from(c).div(Num::from(e)).unwrap();
            let want = (i128::from(a) * i128::from(e)).cmp(&(i128::from(c) * i128::from(b)));
            proptest::prop_assert_eq!(x.try_cmp(&y).unwrap(), want);
            // The same quotient scaled by k is a tie.
            let xk = Num::from(a).mul(Num::from(k)).unwrap()
                .div(Num::from(b).mul(Num::from(k)).unwrap()).unwrap();
            proptest::prop_assert_eq!(x.try_cmp(&xk).unwrap(), Ordering::Equal);
        }

        /// Arithmetic on decimals of any magnitude and scale agrees with big rationals.
        #[test]
        fn arithmetic_agrees_with_big_rationals(
            m in proptest::collection::vec((proptest::num::i128::ANY, 0u32..=28), 4),
        ) {
            let big = |(m, s): (i128, u32)| {
                let m = m % (1i128 << 96);
                (
                    Num::from(Decimal::from_i128_with_scale(m, s)),
                    BigRational::new(BigInt::from(m), BigInt::from(10).pow(s)),
                )
            };
            let [p, q, r, t] = [big(m[0]), big(m[1]), big(m[2]), big(m[3])];
            // (p + q) × r - t, and (p - q) / r when r is not zero.
            let x = p.0.clone().add(q.0.clone()).unwrap().mul(r.0.clone()).unwrap().sub(t.0.clone()).unwrap();
            let xr = (&p.1 + &q.1) * &r.1 - &t.1;
            proptest::prop_assert_eq!(x.to_big(), xr.clone());
            proptest::prop_assert_eq!(x.try_cmp(&t.0).unwrap(), xr.cmp(&t.1));
            if !r.1.is_zero() {
                let y = p.0.sub(q.0).unwrap().div(r.0).unwrap();
                let yr = (&p.1 - &q.1) / &r.1;
                proptest::prop_assert_eq!(y.try_cmp(&x).unwrap(), yr.cmp(&xr));
                proptest::prop_assert_eq!(y.to_big(), yr);
            }
        }
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
    fn commas_are_thousands_separators_only_in_groups_of_three() {
        assert_eq!(parse_quantity("1,234,567").unwrap().value, d("1234567"));
        assert_eq!(parse_quantity("12,000.5").unwrap().value, d("12000.5"));
        assert_eq!(parse_quantity("1,200亿").unwrap().value, d("120000000000"));
        assert_eq!(parse_quantity("1,234.5%").unwrap().value, d("12.345"));
        assert_eq!(parse_quantity("1，234").unwrap().value, d("1234"));
        let comma = |s: &str| match parse_quantity(s) {
            Err(QuantityError::Comma(r)) => r,
            other => panic!("{s}: {other:?}"),
        };
        let r = comma("1,5");
        assert_eq!(
            (r.as_decimal_point.as_deref(), r.as_separator.as_str()),
            (Some("1.5"), "15")
        );
        assert_eq!(r.question(), "“1,5”是1.5还是15？");
        assert_eq!(comma("25,83").as_separator, "2583");
        assert_eq!(comma("1,5亿").as_decimal_point.as_deref(), Some("1.5"));
        assert_eq!(comma("3,5").as_separator, "35");
        let eu = comma("1.234,5");
        assert_eq!(
            (eu.as_decimal_point.as_deref(), eu.as_separator.as_str()),
            (Some("1234.5"), "1.2345")
        );
        assert_eq!(comma("6000,7000").as_separator, "60007000");
        assert_eq!(comma("1,2,3").as_decimal_point, None);
        assert_eq!(comma("1,2345").as_separator, "12345");
        assert_eq!(comma("12,000.5,1").as_decimal_point, None);
        assert_eq!(comma("1，5").written, "1,5");
        assert_eq!(comma("0,5").as_decimal_point.as_deref(), Some("0.5"));
        assert_eq!(comma("1,").as_decimal_point, None);
    }

    #[test]
    fn more_than_28_significant_digits_is_refused_not_rounded() {
        let long = "1.00000000000000000000000000001";
        assert_eq!(parse_quantity(long), Err(QuantityError::TooPrecise));
        assert_eq!(
            parse_quantity("123456789.12345678901234567890123"),
            Err(QuantityError::TooPrecise)
        );
        // Trailing zeros of a fraction are not significant; 28 digits are kept exactly.
        assert_eq!(
            parse_quantity("1.500000000000000000000000000000000")
                .unwrap()
                .value,
            d("1.5")
        );
        assert_eq!(
            parse_quantity("1234567890123456789012345678")
                .unwrap()
                .value,
            d("1234567890123456789012345678")
        );
        assert_eq!(
            parse_quantity("0.000000000000000000000000001")
                .unwrap()
                .value,
            d("0.000000000000000000000000001")
        );
        // A percent that cannot be divided by 100 exactly is refused too.
        assert_eq!(
            parse_quantity("0.0000000000000000000000000015%"),
            Err(QuantityError::TooPrecise)
        );
        assert_eq!(
            parse_quantity("100000000000000000000000000000000"),
            Err(QuantityError::TooLarge)
        );
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
