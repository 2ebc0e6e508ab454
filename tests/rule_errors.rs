//! Rule-file limits and encodings, checked through the library. The catalogue of bad rule files
//! (tests/bad_inputs/rules/, one snapshot each) is run through the binary by tests/bad_inputs.rs.

use std::sync::Arc;

#[test]
fn crlf_line_endings_and_a_bom_are_accepted() {
    let f = zhibiao::builtin::default_file();
    let text = format!("\u{feff}{}", f.text.replace('\n', "\r\n"));
    let (rules, diags) = zhibiao::builtin::load(&Arc::from("crlf.zb"), &text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(rules.map(|r| r.indicators().count()), Some(42));
}

#[test]
fn the_built_in_rules_load_without_any_diagnostic() {
    for f in zhibiao::builtin::FILES {
        let (rules, diags) = zhibiao::builtin::load(&Arc::from(f.path), f.text);
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
    let (_, diags) = zhibiao::builtin::load(&Arc::from("deep.zb"), &deep);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "E004");
}

/// A file that ends with a `{` left open is reported at that `{` (issue 13 item 8), not at the
/// end of the file; a text, script or comment left open likewise at its start.
#[test]
fn a_missing_closing_brace_is_reported_at_the_brace_left_open() {
    let head = "ruleset t \"t\" { version \"1\" effective 2024-01-01 pass total >= 1 }\n\
                input a \"甲\" count 户\n";
    let cases = [
        (
            "category \"类\" points 2 {\n  indicator 1 \"一\" points 2 {\n    score a // }\n\n",
            "第4行的“{”没有对应的“}”，文件在第5行就结束了",
            4,
        ),
        (
            "category \"类\" points 2 {\n  indicator 1 \"一\" points 2 { score a }\n",
            "第3行的“{”没有对应的“}”，文件在第4行就结束了",
            3,
        ),
        ("let x = ```1 +\n\n", "第3行的脚本缺少结尾的“```”", 3),
        ("let x = 1 /* {\n", "第3行的注释缺少结尾的“*/”", 3),
    ];
    let name: Arc<str> = Arc::from("t.zb");
    for (tail, message, line) in cases {
        let text = format!("{head}{tail}");
        let (_, diags) = zhibiao::builtin::load(&name, &text);
        let d = diags.first().expect("an error");
        assert!(
            d.message.contains(message),
            "{tail:?}: {} (wanted {message})",
            d.message
        );
        let at = d.span.expect("a place").start;
        assert_eq!(zhibiao::diag::line_col(&text, at).0, line, "{tail:?}");
    }
}

/// Full-width punctuation is named with the ASCII sign to write instead (issue 13 item 9).
#[test]
fn full_width_punctuation_is_named_with_its_ascii_sign() {
    let head = "ruleset t \"t\" { version \"1\" effective 2024-01-01 pass total >= 1 }\n\
                input a \"甲\" count 户\n";
    let cases = [
        ("fn f（x） = x\n", "（", "("),
        ("let b = max(a，1)\n", "，", ","),
        ("check a ＞ 1 else error \"x\"\n", "＞", ">"),
        ("check a > 1 else error “x”\n", "“", "\""),
        ("let b = 5％\n", "％", "%"),
        ("let b ＝ 5\n", "＝", "="),
    ];
    let name: Arc<str> = Arc::from("t.zb");
    for (tail, wide, ascii) in cases {
        let (_, diags) = zhibiao::builtin::load(&name, &format!("{head}{tail}"));
        let wanted = format!("这是中文全角符号“{wide}”，请改成英文半角“{ascii}”");
        assert!(
            diags.iter().any(|d| d.message.contains(&wanted)),
            "{tail:?}: {diags:#?}"
        );
        for d in &diags {
            for internal in ["“_”", "“```”", "“[”或“(”、“(”"] {
                assert!(!d.message.contains(internal), "{tail:?}: {}", d.message);
            }
        }
    }
}

/// The nesting pre-scan reads comments as the grammar does: brackets in a comment do not nest.
#[test]
fn brackets_in_comments_do_not_count_as_nesting() {
    let open = "(".repeat(60);
    let text = format!(
        "// {open}\nruleset t \"t\" {{ version \"1\" effective 2024-01-01 pass total >= 1 }}\n\
         /* {open} [{{ */\nlet x = 1 // {open}\n/*/ {open} */\n"
    );
    let (_, diags) = zhibiao::builtin::load(&Arc::from("t.zb"), &text);
    assert!(diags.is_empty(), "{diags:?}");
    // Outside a comment the same brackets are still too deep.
    let (_, diags) = zhibiao::builtin::load(&Arc::from("t.zb"), &format!("let x = {open}\n"));
    assert_eq!(diags.first().map(|d| d.code), Some("E004"), "{diags:?}");
}

#[test]
fn nesting_just_within_the_limit_parses_on_a_small_test_thread_stack() {
    let n = zhibiao::syntax::MAX_NESTING - 1;
    let text = format!(
        "ruleset t \"t\" {{ version \"1\" effective 2024-01-01 pass total >= 1 }}\nlet x = {}1{}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    let (_, diags) = zhibiao::builtin::load(&Arc::from("deep.zb"), &text);
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn an_overlong_chain_is_refused_with_a_message() {
    let chain = vec!["1"; zhibiao::syntax::MAX_CHAIN + 10].join(" + ");
    let text = format!(
        "ruleset t \"t\" {{ version \"1\" effective 2024-01-01 pass total >= 1 }}\nlet x = {chain}\n"
    );
    let (_, diags) = zhibiao::builtin::load(&Arc::from("long.zb"), &text);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "E004");
    let nots = format!(
        "ruleset t \"t\" {{ pass total >= 1 }}\nlet x = {}true\n",
        "not ".repeat(100_000)
    );
    let (_, diags) = zhibiao::builtin::load(&Arc::from("nots.zb"), &nots);
    assert!(diags.iter().any(|d| d.code == "E004"), "{diags:?}");
}

#[test]
fn too_many_indicators_are_refused_with_a_message() {
    let n = zhibiao::model::MAX_INDICATORS + 1;
    let mut text = String::from(
        "ruleset t \"t\" { version \"1\" effective 2024-01-01 pass total >= 1 }\ncategory \"类\" points 100000 {\n",
    );
    for i in 1..=n {
        text.push_str(&format!(
            "  indicator {i} \"指标\" points 1 {{ score judged }}\n"
        ));
    }
    text.push_str("}\n");
    let (rules, diags) = zhibiao::builtin::load(&Arc::from("many.zb"), &text);
    assert!(rules.is_none());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "E004");
    assert!(
        diags[0].message.contains("1001 个指标"),
        "{}",
        diags[0].message
    );
}

#[test]
fn too_many_inputs_are_refused_with_a_message() {
    let mut text =
        String::from("ruleset t \"t\" { version \"1\" effective 2024-01-01 pass total >= 1 }\n");
    for i in 0..=zhibiao::model::MAX_INPUTS {
        text.push_str(&format!("input x{i} \"项\" count 户\n"));
    }
    let (rules, diags) = zhibiao::builtin::load(&Arc::from("many.zb"), &text);
    assert!(rules.is_none());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "E004");
}
