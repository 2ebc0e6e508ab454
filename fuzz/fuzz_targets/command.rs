//! The single-file command path (`zhibiao eval <file>` and `zhibiao explain`) as far as the
//! library goes, in one go: the first byte picks the loader (0 TOML, 1 JSON, 2 an XLSX
//! template), the submission picks the built-in rules as the command line lets it (its
//! `ruleset`), then read, check, evaluate, explain, gap analysis and every report, or every
//! problem rendered as the command line renders it.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use zhibiao::diag::SourceMap;
use zhibiao::submission::{self, Format};

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let mut sources = SourceMap::new();
    match which % 3 {
        0 | 1 => {
            let format = if which % 3 == 0 {
                Format::Toml
            } else {
                Format::Json
            };
            // The command line refuses bytes that are not UTF-8 before reading.
            let Ok(text) = std::str::from_utf8(body) else {
                return;
            };
            let name: Arc<str> = Arc::from(if format == Format::Toml {
                "fuzz.toml"
            } else {
                "fuzz.json"
            });
            sources.add(&name, &Arc::from(text));
            let rules = common::rules_for(submission::requested_ruleset(text, format).as_deref());
            let loaded = submission::load(rules, &name, text, format);
            common::assess_and_render(rules, loaded, &sources);
        }
        _ => {
            let name: Arc<str> = Arc::from("fuzz.xlsx");
            if !submission::xlsx::is_template(body) {
                return;
            }
            let rules = common::rules_for(submission::xlsx::requested_ruleset(body).as_deref());
            let loaded = submission::xlsx::load_xlsx(rules, &name, body);
            common::assess_and_render(rules, loaded, &sources);
        }
    }
});
