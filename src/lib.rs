//! zhibiao (指标): evaluation indexes kept as rule files.
//!
//! The library is pure: it takes texts and names and returns values and diagnostics. It reads no
//! files, prints nothing and knows nothing of the command line; the `zhibiao` binary (package
//! `zhibiao-cli`, in `cli/`) does all of that. The library's dependencies include no command-line,
//! terminal or thread-pool crate.
//!
//! The stages, in order:
//! 1. [`syntax`]: rule-file text → syntax tree with spans (pest grammar in `grammar/`).
//! 2. [`model`]: syntax trees → a resolved, checked rule set.
//! 3. [`submission`]: a district's TOML or JSON → typed values, validated against the inputs.
//! 4. [`eval`]: a rule set compiled into an [`eval::Program`] × submission → scores with their
//!    reasons as typed values (Rhai scripts in a sandbox).
//! 5. [`report`]: the result as JSON or as a Chinese text report; [`words`] makes the Chinese of
//!    every reason and rule problem.
//!
//! Around them: [`template`] makes fill-in templates (TOML, JSON, XLSX) from a rule set;
//! [`batch`] ranks many evaluated districts; [`generate`] makes up realistic submissions for
//! demonstrations and benchmarks.
#![warn(missing_docs)]
// No input may panic the library: no unwrap/expect/panic, no indexing that can go out of bounds.
// Tests may (they are built with cfg(test)).
// Diagnostics are the error type and are large; they are returned once per problem, not in loops.
#![allow(clippy::result_large_err)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::string_slice
    )
)]

pub mod assess;
pub mod audit;
pub mod batch;
pub mod builtin;
pub mod codes;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod explain;
pub mod formatter;
pub mod gap;
pub mod generate;
pub mod ide;
pub mod lint;
pub mod model;
pub mod number;
pub mod publish;
pub mod report;
pub mod script;
pub mod submission;
pub mod suite;
pub mod syntax;
pub mod template;
pub mod text;
pub mod versions;
pub mod words;
