//! Every integration test of zhibiao, in one test binary so that `cargo test` links once.
//!
//! Each `tests/<name>.rs` file is a module here; `common` holds the helpers they share. Add a test
//! file by adding its `mod` line below. The binary under test is `zhibiao` (`CARGO_BIN_EXE_zhibiao`);
//! files are found from [`common::root`], the repository root.

mod bad_inputs;
mod batch;
mod cli;
mod cli_reports;
mod cli_shell;
mod cli_versions;
mod common;
mod diff;
mod editor;
mod examples;
mod explain;
mod fmt;
mod lint;
mod lsp;
mod native_agrees;
mod next_point;
mod official;
mod pass_plan;
mod plan_agrees;
mod properties;
mod publish;
mod reasons;
mod report_formats;
mod rule_errors;
mod rule_folder;
mod scoring;
mod scripts;
mod submission;
mod table_quick;
mod verdicts;
mod versions;
mod work_budget;
mod xlsx;
