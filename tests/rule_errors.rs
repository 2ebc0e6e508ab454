//! Every file under tests/fixtures/rules/ is a rule file with mistakes in it; its rendered
//! diagnostics are snapshotted. Add a case by adding a file.

use std::sync::Arc;
use zhibiao::diag::{RenderOptions, SourceMap, render_all};

#[test]
fn rule_file_diagnostics() {
    insta::glob!("fixtures/rules/*.zb", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let name: Arc<str> = Arc::from(format!(
            "{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("rules.zb")
        ));
        let (_, diags) = zhibiao::model::load(&name, &text);
        assert!(!diags.is_empty(), "{} should produce diagnostics", name);
        let mut sources = SourceMap::new();
        sources.add(&name, &Arc::from(text.as_str()));
        insta::assert_snapshot!(render_all(&diags, &sources, RenderOptions::default()));
    });
}

#[test]
fn crlf_line_endings_and_a_bom_are_accepted() {
    let f = zhibiao::builtin::default_file();
    let text = format!("\u{feff}{}", f.text.replace('\n', "\r\n"));
    let (rules, diags) = zhibiao::model::load(&Arc::from("crlf.zb"), &text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(rules.map(|r| r.indicators().count()), Some(42));
}

#[test]
fn the_built_in_rules_load_without_any_diagnostic() {
    for f in zhibiao::builtin::FILES {
        let (rules, diags) = zhibiao::model::load(&Arc::from(f.path), f.text);
        assert!(diags.is_empty(), "{}: {diags:?}", f.path);
        assert!(rules.is_some());
    }
}

#[test]
fn nesting_beyond_the_limit_is_refused_with_a_message() {
    let deep = format!(
        "ruleset t \"t\" {{ pass total >= 1 }}\nlet x = {}1{}\n",
        "(".repeat(500),
        ")".repeat(500)
    );
    let (_, diags) = zhibiao::model::load(&Arc::from("deep.zb"), &deep);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "E004");
}

#[test]
fn nesting_just_within_the_limit_parses_on_a_small_test_thread_stack() {
    let n = zhibiao::syntax::MAX_NESTING - 1;
    let text = format!(
        "ruleset t \"t\" {{ version \"1\" effective 2024-01-01 pass total >= 1 }}\nlet x = {}1{}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    let (_, diags) = zhibiao::model::load(&Arc::from("deep.zb"), &text);
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn an_overlong_chain_is_refused_with_a_message() {
    let chain = vec!["1"; zhibiao::syntax::MAX_CHAIN + 10].join(" + ");
    let text = format!(
        "ruleset t \"t\" {{ version \"1\" effective 2024-01-01 pass total >= 1 }}\nlet x = {chain}\n"
    );
    let (_, diags) = zhibiao::model::load(&Arc::from("long.zb"), &text);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "E004");
    let nots = format!(
        "ruleset t \"t\" {{ pass total >= 1 }}\nlet x = {}true\n",
        "not ".repeat(100_000)
    );
    let (_, diags) = zhibiao::model::load(&Arc::from("nots.zb"), &nots);
    assert!(diags.iter().any(|d| d.code == "E004"), "{diags:?}");
}
