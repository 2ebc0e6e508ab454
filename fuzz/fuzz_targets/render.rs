//! A rule file and a TOML submission (split at a NUL byte, as for `assess`). One thing per
//! input, picked by the input's bytes (`common::pick`): either a made-up diagnostic with spans
//! taken from the input's last bytes (out of range, reversed, inside a character, beyond column
//! 65,535) rendered over the input, or the input through assess and then one of the things the
//! library renders for the result: the report as text, JSON, Markdown, HTML or XLSX, its short
//! lists, the explanation or the next point of one indicator, the gap analysis, the plan, the
//! ranking in one order and format. Those inputs also have every diagnostic (of the rules, of
//! the submission, warnings) rendered to text as the command line draws it, one of two ways
//! (without colour at 100 columns, in colour at 40), and their scores checked.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use zhibiao::assess::{Input, Outcome, Request, assess};
use zhibiao::diag::SourceMap;
use zhibiao::submission::Format;

/// The made-up diagnostic's three texts (`common::render_spans`).
const SPAN_THINGS: usize = 3;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // One thing per input: a made-up diagnostic (over the text, or after a long line of ASCII
    // or of Chinese), or one of the things rendered for a scored district. `at` picks within
    // the thing (an indicator, a ranking's order and format, how diagnostics are drawn).
    let which = common::pick(data, SPAN_THINGS + common::RENDER_THINGS);
    let at = (common::hash(data) / 64) as usize;
    if which < SPAN_THINGS {
        common::render_spans(
            text,
            data.get(data.len().saturating_sub(16)..).unwrap_or(&[]),
            which,
            at,
        );
        return;
    }

    let (rules_text, submission_text) = text.split_once('\0').unwrap_or((text, ""));
    let rules_name: Arc<str> = Arc::from("fuzz.zb");
    let sub_name: Arc<str> = Arc::from("fuzz.toml");
    let mut sources = SourceMap::new();
    sources.add(&rules_name, &Arc::from(rules_text));
    sources.add(&sub_name, &Arc::from(submission_text));
    let (rules, diags) = zhibiao::builtin::load(&rules_name, rules_text);
    common::render_diags_one(&diags, &sources, at / 256);
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
        } => common::render_one(
            &rules,
            &submission,
            &evaluation,
            &warnings,
            &sources,
            which - SPAN_THINGS,
            at,
        ),
        Outcome::Unusable(diags) => common::render_diags_one(&diags, &sources, at / 256),
    }
});
