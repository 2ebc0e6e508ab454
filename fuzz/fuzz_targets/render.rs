//! A rule file and a TOML submission (split at a NUL byte, as for `assess`) through assess,
//! then everything the library renders: the report as text, JSON, Markdown, HTML and XLSX, the
//! explanation of every indicator, the gap analysis and plan, the ranking in every format, and
//! every diagnostic rendered to text as the command line draws it. Diagnostics with made-up
//! spans (out of range, reversed, inside a character, beyond column 65,535) must render too.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use zhibiao::assess::{Input, Outcome, Request, assess};
use zhibiao::diag::SourceMap;
use zhibiao::submission::Format;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (rules_text, submission_text) = text.split_once('\0').unwrap_or((text, ""));
    let rules_name: Arc<str> = Arc::from("fuzz.zb");
    let sub_name: Arc<str> = Arc::from("fuzz.toml");
    let mut sources = SourceMap::new();
    sources.add(&rules_name, &Arc::from(rules_text));
    sources.add(&sub_name, &Arc::from(submission_text));
    common::render_spans(
        text,
        data.get(data.len().saturating_sub(16)..).unwrap_or(&[]),
    );

    let (rules, diags) = zhibiao::builtin::load(&rules_name, rules_text);
    common::render_diags(&diags, &sources);
    let Some(rules) = rules else {
        return;
    };
    let rules = zhibiao::eval::Program::new(rules);
    let request = Request {
        submission: Input {
            name: &sub_name,
            text: submission_text,
            format: Format::Toml,
        },
        reference: None,
        strict: false,
    };
    match assess(&rules, request) {
        Outcome::Scored {
            submission,
            evaluation,
            warnings,
        } => common::render_all(&rules, &submission, &evaluation, &warnings, &sources),
        Outcome::Unusable(diags) => common::render_diags(&diags, &sources),
    }
});
