//! A random rule file against a random submission: the input is the rule file, a NUL byte, and a
//! TOML submission. Loading, checking, evaluating and explaining must never panic, and a score
//! must stay within the indicator's points.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use zhibiao::assess::{Input, Outcome, Request, assess};
use zhibiao::submission::Format;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((rules_text, submission_text)) = text.split_once('\0') else {
        return;
    };
    let (Some(rules), _) = zhibiao::builtin::load(&Arc::from("fuzz.zb"), rules_text) else {
        return;
    };
    let rules = zhibiao::eval::Program::new(rules);
    let name: Arc<str> = Arc::from("fuzz.toml");
    let request = Request {
        submission: Input {
            name: &name,
            text: submission_text,
            format: Format::Toml,
        },
        reference: None,
        strict: false,
    };
    if let Outcome::Scored {
        submission,
        evaluation,
        ..
    } = assess(&rules, request)
    {
        let mut explained = Vec::new();
        for ind in &evaluation.indicators {
            assert!(
                ind.score <= ind.points,
                "indicator {} scores above its points",
                ind.no
            );
            explained.extend(zhibiao::explain::explain(
                &rules,
                &submission,
                &evaluation,
                ind.no,
            ));
        }
        let _ = zhibiao::explain::to_text(&explained);
    }
});
