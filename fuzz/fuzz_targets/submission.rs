//! Any bytes as a submission for the built-in rules: the first byte picks the loader (TOML,
//! JSON, an XLSX template, an XLSX or CSV table), the rest is the file. Every loader must answer
//! with diagnostics, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use zhibiao::model::RuleSet;
use zhibiao::submission::{self, Format};

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        let f = zhibiao::builtin::default_file();
        match zhibiao::builtin::load(&Arc::from(f.path), f.text) {
            (Some(rules), _) => rules,
            (None, diags) => panic!("the built-in rules do not load: {diags:?}"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let rules = rules();
    let name: Arc<str> = Arc::from("fuzz");
    match which % 5 {
        0 | 1 => {
            if let Ok(text) = std::str::from_utf8(body) {
                let format = if which % 5 == 0 {
                    Format::Toml
                } else {
                    Format::Json
                };
                let _ = submission::load(rules, &name, text, format);
            }
        }
        2 => {
            let _ = submission::xlsx::load_xlsx(rules, &name, body);
        }
        3 => {
            let _ = submission::table::read_xlsx_table(rules, &name, body);
        }
        _ => {
            let _ = submission::table::read_csv(rules, &name, body);
        }
    }
});
