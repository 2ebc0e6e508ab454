//! `zhibiao fmt`: every rule file and fixture in the repository formats to text that parses to
//! the same tree (spans aside), keeps its comments and formats to itself again; the shipped rules
//! are already in canonical form; a messy file shows the canonical layout.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use zhibiao::formatter::{FormatError, comments, format, same::same_tree};

fn zb_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if p.is_dir() {
            zb_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "zb") {
            out.push(p);
        }
    }
}

fn all_rule_files() -> Vec<PathBuf> {
    let root = Path::new(crate::common::root());
    let mut out = Vec::new();
    for dir in ["rules", "tests", "docs", "examples"] {
        zb_files(&root.join(dir), &mut out);
    }
    out.sort();
    out
}

fn comment_texts(text: &str) -> Vec<String> {
    comments::scan(text)
        .into_iter()
        .map(|c| c.text.trim().to_string())
        .collect()
}

#[test]
fn every_rule_file_formats_soundly_and_idempotently() {
    let files = all_rule_files();
    assert!(files.len() > 40, "found only {} rule files", files.len());
    let mut formatted_count = 0;
    for path in files {
        let bytes = std::fs::read(&path).expect("read");
        // The bad-input catalogue holds a rule file that is deliberately not UTF-8: the library
        // takes text, so there is nothing to format (the binary's message for it is tested there).
        let Ok(text) = String::from_utf8(bytes) else {
            assert!(
                path.starts_with(Path::new(crate::common::root()).join("tests/bad_inputs")),
                "{} is not UTF-8",
                path.display()
            );
            continue;
        };
        let name: Arc<str> = Arc::from(path.display().to_string());
        let (tree, diags) = zhibiao::syntax::parse(&name, &text);
        match format(&name, &text) {
            Err(FormatError::Syntax(d)) => {
                assert!(!diags.is_empty(), "{name}: refused without a parse error");
                assert_eq!(d, diags);
            }
            Err(FormatError::Unsound(why)) => panic!("{name}: {why}"),
            Ok(out) => {
                assert!(diags.is_empty());
                let (again, diags) = zhibiao::syntax::parse(&name, &out);
                assert!(diags.is_empty(), "{name}: output does not parse: {diags:?}");
                assert!(same_tree(&tree, &again), "{name}: the tree changed");
                assert_eq!(
                    comment_texts(&text),
                    comment_texts(&out),
                    "{name}: comments"
                );
                let twice = format(&name, &out).expect("formats again");
                assert_eq!(out, twice, "{name}: formatting is not idempotent");
                formatted_count += 1;
            }
        }
    }
    assert!(formatted_count > 40);
}

#[test]
fn the_shipped_rules_and_the_lint_fixtures_are_in_canonical_form() {
    let root = Path::new(crate::common::root());
    let mut files = Vec::new();
    zb_files(&root.join("rules"), &mut files);
    zb_files(&root.join("tests/fixtures/lint"), &mut files);
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        let name: Arc<str> = Arc::from(path.display().to_string());
        let out = format(&name, &text).expect("formats");
        assert!(
            out == text,
            "{name} is not in canonical form: run zhibiao fmt {name}"
        );
    }
}

/// A keyword run into what follows is an error, not rewritten: `inputa` once formatted as
/// `input a`, and `indicator1` as `indicator 1`.
#[test]
fn a_keyword_run_into_a_name_is_not_rewritten() {
    for text in [
        "inputa \"甲\" count 个\n",
        "category \"类\" points 1 {\n  indicator1 \"指标\" points 1 { score 1 }\n}\n",
        "input a \"甲\" count个\n",
        "let x = 1\nlet y = x+1 anda\n",
    ] {
        let out = format(&Arc::from("k.zb"), text);
        assert!(out.is_err(), "{text:?} was formatted as {out:?}");
    }
}

#[test]
fn a_messy_file_gets_the_canonical_layout() {
    let text = include_str!("fixtures/fmt/messy.zb");
    let out = format(&Arc::from("messy.zb"), text).expect("formats");
    insta::assert_snapshot!(out);
}

/// Formats a one-expression file and returns the expression as formatted.
fn formatted_expr(e: &str) -> String {
    let text = format!("let x = {e}\n");
    let out = format(&Arc::from("e.zb"), &text).expect("formats");
    out.trim_end()
        .strip_prefix("let x = ")
        .expect("let")
        .to_string()
}

#[test]
fn expressions_keep_only_the_parentheses_they_need() {
    let cases = [
        ("((a + b)) * c", "(a + b) * c"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("a / (b * c)", "a / (b * c)"),
        ("a×b÷c", "a * b / c"),
        ("a ≥ b", "a >= b"),
        ("not (a and b) or c", "not (a and b) or c"),
        ("a and (b or c)", "a and (b or c)"),
        ("(a ?? b) ?? c", "(a ?? b) ?? c"),
        ("a ?? (b ?? c)", "a ?? b ?? c"),
        ("-(a + b)", "-(a + b)"),
        ("- - a", "--a"),
        (
            "(all y in Y-1..Y: s[y] > 0) and b",
            "(all y in Y-1..Y: s[y] > 0) and b",
        ),
        ("count(x in l where (x > 1))", "count(x in l where x > 1)"),
        ("f( a ,b )[Y - 1]", "f(a, b)[Y - 1]"),
    ];
    for (input, want) in cases {
        assert_eq!(formatted_expr(input), want, "{input}");
    }
}

#[test]
fn strings_keep_their_escapes() {
    let text = "let x \"带\\\"引号\\\"和\\\\反斜杠\\n换行\" = 1\n";
    let out = format(&Arc::from("s.zb"), text).expect("formats");
    assert_eq!(out, text);
}

#[test]
fn files_with_syntax_errors_are_left_alone() {
    let text = "ruleset t \"t\" { pass total >= }\n";
    match format(&Arc::from("bad.zb"), text) {
        Err(FormatError::Syntax(d)) => assert_eq!(d[0].code, "E001"),
        other => panic!("{other:?}"),
    }
}

/// The soundness check sees what a file says, not where: the official rules moved down by a
/// blank line and a comment are the same tree, and one threshold or one number's spelling
/// changed is not.
#[test]
fn same_tree_ignores_places_but_not_meaning_or_spelling() {
    let path = Path::new(crate::common::root()).join("rules/sd-nmsz/2023.zb");
    let text = std::fs::read_to_string(&path).expect("official rules");
    let name: Arc<str> = Arc::from("2023.zb");
    let parse = |t: &str| {
        let (tree, diags) = zhibiao::syntax::parse(&name, t);
        assert!(diags.is_empty(), "{diags:?}");
        tree
    };
    let tree = parse(&text);
    assert!(same_tree(&tree, &parse(&format!("\n// 注释\n{text}"))));
    let first_percent = text.find("15%").expect("a 15% in the official rules");
    let changed = format!(
        "{}16%{}",
        &text[..first_percent],
        &text[first_percent + 3..]
    );
    assert!(!same_tree(&tree, &parse(&changed)), "a changed threshold");
    let respelt = format!(
        "{}15.0%{}",
        &text[..first_percent],
        &text[first_percent + 3..]
    );
    assert!(
        !same_tree(&tree, &parse(&respelt)),
        "a number written differently"
    );
}
