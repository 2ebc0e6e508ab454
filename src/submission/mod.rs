//! Stage 3: a district's submission (TOML, JSON or a filled-in XLSX template) to typed,
//! validated values.
//!
//! Values are checked against the rule set's `input` declarations and judgement keys: kinds,
//! units, ranges, years, unknown keys (with a suggestion). Numbers never pass through f64:
//! TOML numbers are read from their source text, JSON numbers through serde_json's
//! arbitrary precision. Money is normalised to 元 and percents to fractions, exactly.

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

pub mod cells;
mod load;
pub mod table;
pub mod write;
pub mod xlsx;

pub use cells::load_cells;
pub use load::{Format, load, load_reference, merge_reference, requested_ruleset};
pub use xlsx::load_xlsx;

/// The prefix of the province benchmarks' keys (`province_online_retail_growth`): the same for
/// every district, supplied once by the province in a reference file (submission contract).
pub const PROVINCE_PREFIX: &str = "province_";

/// Whether an input is a province benchmark, supplied by a reference file rather than by each
/// district.
pub fn is_province_key(key: &str) -> bool {
    key.starts_with(PROVINCE_PREFIX)
}

/// The largest submission accepted, in bytes.
pub const MAX_SUBMISSION_BYTES: usize = 4 * 1024 * 1024;
/// The longest list or series accepted.
pub const MAX_LIST_LEN: usize = 10_000;

/// One district's data for one evaluation year.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Submission {
    /// The file it was read from.
    pub file: Arc<str>,
    /// The district.
    pub region: Option<String>,
    /// The evaluation year Y.
    pub year: i32,
    /// The rule set it asks for (`sd-nmsz@2023`), if any; the command line wins.
    pub ruleset: Option<String>,
    /// Input values by key, normalised: money in 元, percents as fractions.
    pub values: BTreeMap<String, InputValue>,
    /// Judgements by key (`"12.1"`, `"10"`).
    pub judgements: BTreeMap<String, Judgement>,
    /// For each value that came from a reference file, that file's name.
    pub from_reference: BTreeMap<String, Arc<str>>,
    /// `sha256:` digest of the submission text.
    pub digest: String,
    /// `sha256:` digest of the reference file, if one was merged.
    pub reference_digest: Option<String>,
    /// The name of the reference file, if one was merged.
    pub reference_file: Option<Arc<str>>,
    /// Where that reference file came from: named by whoever ran the command, or found in the
    /// rule folder beside the rules. The library reads no files; the caller says.
    pub reference_origin: ReferenceOrigin,
}

/// Where a submission's reference file came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReferenceOrigin {
    /// Named by whoever ran the command (`--reference`).
    #[default]
    Named,
    /// Found beside the rules: the rule folder holds the province's reference data.
    RuleFolder,
}

impl ReferenceOrigin {
    /// The JSON report's word for it.
    pub fn key(self) -> &'static str {
        match self {
            ReferenceOrigin::Named => "named",
            ReferenceOrigin::RuleFolder => "rule_folder",
        }
    }
}

/// A typed input value.
#[derive(Debug, Clone, PartialEq)]
pub enum InputValue {
    /// A count, money (in 元), percent (a fraction) or decimal.
    Num(Decimal),
    /// Yes or no.
    Bool(bool),
    /// A yearly series.
    Series(BTreeMap<i32, Decimal>),
    /// A list, one entry per item.
    List(Vec<Decimal>),
}

/// An expert judgement on a qualitative item or indicator.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Judgement {
    /// Met or not.
    pub met: Option<bool>,
    /// A score, for a whole indicator judged within [0, points].
    pub score: Option<Decimal>,
    /// Evidence named by the district.
    pub evidence: Vec<String>,
    /// A note.
    pub note: Option<String>,
}
