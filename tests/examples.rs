//! The example submissions against the built-in official index: the verdicts they were written
//! for, and their full text and JSON reports locked down as snapshots.

use crate::common;
use std::sync::Arc;
use zhibiao::assess::Outcome;
use zhibiao::diag::SourceMap;
use zhibiao::eval::Program;
use zhibiao::report::{Context, to_json, to_text};

const REFERENCE: &str = include_str!("../examples/province-2024.toml");

fn official() -> Program {
    let f = zhibiao::builtin::default_file();
    let (rules, diags) = zhibiao::builtin::load(&Arc::from(f.path), f.text);
    assert!(
        !zhibiao::diag::has_errors(&diags),
        "the built-in rules must load cleanly"
    );
    Program::new(rules.expect("rules"))
}

fn assess(
    name: &str,
) -> (
    zhibiao::submission::Submission,
    zhibiao::eval::Evaluation,
    String,
    String,
) {
    let rules = official();
    let path = format!("{}/examples/{name}", crate::common::root());
    let text = std::fs::read_to_string(&path).expect("example");
    let outcome = common::outcome(&rules, &text, Some(REFERENCE), false);
    let Outcome::Scored {
        submission,
        evaluation,
        warnings,
    } = outcome
    else {
        panic!("{name} should be usable");
    };
    let sources = SourceMap::new();
    let ctx = Context {
        rules: &rules,
        sub: &submission,
        problems: &warnings,
        sources: &sources,
    };
    let text_report = to_text(&ctx, &evaluation);
    let mut value = to_json(&ctx, &evaluation);
    without_typed_reasons(&mut value);
    let json = serde_json::to_string_pretty(&value).expect("json");
    (*submission, *evaluation, text_report, json)
}

/// The JSON report without the typed reasons (`reasons` of each indicator, `why` of each item):
/// their words are the `explanation` and `detail` these snapshots keep, and tests/reasons.rs
/// locks each kind of reason down in a small snapshot of its own.
fn without_typed_reasons(v: &mut serde_json::Value) {
    let Some(inds) = v.get_mut("indicators").and_then(|i| i.as_array_mut()) else {
        return;
    };
    for ind in inds {
        let Some(ind) = ind.as_object_mut() else {
            continue;
        };
        let reasons = ind.shift_remove("reasons");
        assert!(
            reasons.as_ref().is_some_and(|r| r.is_array()),
            "every indicator has its typed reasons"
        );
        if let Some(items) = ind.get_mut("items").and_then(|i| i.as_array_mut()) {
            for it in items {
                if let Some(it) = it.as_object_mut() {
                    it.shift_remove("why");
                }
            }
        }
    }
}

/// What a JSON report snapshot keeps besides the outcomes.
enum Keep {
    /// Everything.
    All,
    /// What the submission decides: the indicators' texts from the rule file (name, rule,
    /// method, sources, nature, owners, the items' texts) are the same in every report, and the
    /// passing example's snapshot keeps them.
    Outcomes,
}

/// The JSON report as its snapshot keeps it. Every value, except:
/// - the sentences that are the text report's words (each indicator's `explanation`, each
///   item's `detail`), each checked here to be in the text report, whose snapshot keeps them;
/// - with [`Keep::Outcomes`], the texts from the rule file.
///
/// Laid out with each entry of the top-level lists and objects on one line, so that a changed
/// value changes one line, not a screenful.
fn snapshot_json(json: &str, text: &str, keep: Keep) -> String {
    let mut v: serde_json::Value = serde_json::from_str(json).expect("valid json");
    let rule_texts = [
        "name", "category", "group", "rule", "method", "sources", "nature", "owners",
    ];
    for ind in v["indicators"].as_array_mut().expect("indicators") {
        let ind = ind.as_object_mut().expect("an indicator is an object");
        let explanation = ind.shift_remove("explanation").expect("an explanation");
        for line in explanation.as_array().expect("lines") {
            let line = line.as_str().expect("a line");
            assert!(text.contains(line), "the text report lacks “{line}”");
        }
        for it in ind["items"].as_array_mut().expect("items") {
            let it = it.as_object_mut().expect("an item is an object");
            if let Some(detail) = it
                .shift_remove("detail")
                .and_then(|d| d.as_str().map(String::from))
            {
                assert!(text.contains(&detail), "the text report lacks “{detail}”");
            }
            if matches!(keep, Keep::Outcomes) {
                it.shift_remove("text");
                it.shift_remove("owners");
            }
        }
        if matches!(keep, Keep::Outcomes) {
            for key in rule_texts {
                ind.shift_remove(key);
            }
        }
    }
    let mut out = String::new();
    layout(&v, 0, &mut out);
    out
}

/// Valid JSON with the top level and its lists and objects laid out a line per entry, and
/// everything below on one line.
fn layout(v: &serde_json::Value, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth + 1);
    let close = "  ".repeat(depth);
    match v {
        serde_json::Value::Array(a) if depth < 2 && !a.is_empty() => {
            out.push_str("[\n");
            for (i, x) in a.iter().enumerate() {
                out.push_str(&pad);
                layout(x, depth + 1, out);
                out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
            }
            out.push_str(&close);
            out.push(']');
        }
        serde_json::Value::Object(o) if depth < 2 && !o.is_empty() => {
            out.push_str("{\n");
            for (i, (k, x)) in o.iter().enumerate() {
                out.push_str(&pad);
                out.push_str(&serde_json::to_string(k).expect("a key"));
                out.push_str(": ");
                layout(x, depth + 1, out);
                out.push_str(if i + 1 < o.len() { ",\n" } else { "\n" });
            }
            out.push_str(&close);
            out.push('}');
        }
        other => out.push_str(&serde_json::to_string(other).expect("a value")),
    }
}

#[test]
fn the_passing_example_passes() {
    let (_, ev, text, json) = assess("pass.toml");
    assert!(ev.passed, "{text}");
    assert!(ev.total >= 85.into());
    insta::assert_snapshot!("pass_text", text);
    insta::assert_snapshot!("pass_json", snapshot_json(&json, &text, Keep::All));
}

#[test]
fn the_category_fail_example_fails_on_a_category_rate_alone() {
    let (_, ev, text, json) = assess("category-fail.toml");
    assert!(!ev.passed);
    assert!(ev.total >= 85.into(), "total {}", ev.total);
    let failing: Vec<String> = ev
        .conditions
        .iter()
        .filter(|c| !c.held)
        .map(|c| c.text())
        .collect();
    assert_eq!(failing, vec!["每个一级指标得分率 ≥ 75%"], "{text}");
    insta::assert_snapshot!("category_fail_text", text);
    insta::assert_snapshot!(
        "category_fail_json",
        snapshot_json(&json, &text, Keep::Outcomes)
    );
}

#[test]
fn the_draft_is_scored_with_its_gaps_listed() {
    let (_, ev, text, json) = assess("draft.toml");
    assert!(!ev.passed);
    assert!(!ev.missing().is_empty());
    assert!(!ev.not_submitted().is_empty());
    assert!(text.contains("缺少的数据"));
    assert!(text.contains("未提交的评审结论"));
    insta::assert_snapshot!("draft_text", text);
    insta::assert_snapshot!("draft_json", snapshot_json(&json, &text, Keep::Outcomes));
}

#[test]
fn reports_are_byte_identical_across_runs() {
    let (_, _, a, ja) = assess("pass.toml");
    let (_, _, b, jb) = assess("pass.toml");
    assert_eq!(a, b);
    assert_eq!(ja, jb);
}

#[test]
fn the_json_report_keeps_the_contract_fields() {
    let (_, _, _, json) = assess("pass.toml");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid json");
    for key in [
        "ruleset",
        "submission",
        "total",
        "max",
        "passed",
        "categories",
        "indicators",
        "problems",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["ruleset"]["id"], "sd-nmsz");
    assert_eq!(v["ruleset"]["version"], "2023");
    assert!(
        v["ruleset"]["digest"]
            .as_str()
            .unwrap_or("")
            .starts_with("sha256:")
    );
    assert!(
        v["submission"]["digest"]
            .as_str()
            .unwrap_or("")
            .starts_with("sha256:")
    );
    assert!(v["total"].is_string(), "scores are decimal strings");
    let inds = v["indicators"].as_array().expect("indicators");
    assert_eq!(inds.len(), 42);
    for (i, ind) in inds.iter().enumerate() {
        assert_eq!(ind["id"], (i + 1).to_string());
        assert!(ind["score"].is_string() && ind["max"].is_string());
        assert!(["scored", "missing", "error"].contains(&ind["status"].as_str().unwrap_or("")));
    }
    let cats = v["categories"].as_array().expect("categories");
    assert_eq!(cats.len(), 5);
    for c in cats {
        assert!(c["rate"].is_string() && c["score"].is_string() && c["passed"].is_boolean());
    }
}

#[test]
fn the_json_submission_scores_the_same_as_the_toml_one() {
    let rules = official();
    let json = include_str!("../examples/pass.json");
    let name: Arc<str> = Arc::from("pass.json");
    let rname: Arc<str> = Arc::from("province-2024.toml");
    let req = zhibiao::assess::Request {
        submission: zhibiao::assess::Input {
            name: &name,
            text: json,
            format: zhibiao::submission::Format::Json,
        },
        reference: Some(zhibiao::assess::Input {
            name: &rname,
            text: REFERENCE,
            format: zhibiao::submission::Format::Toml,
        }),
        strict: false,
    };
    let Outcome::Scored {
        evaluation: from_json,
        ..
    } = zhibiao::assess::assess(&rules, req)
    else {
        panic!("pass.json should be usable");
    };
    let (_, from_toml, _, _) = assess("pass.toml");
    assert_eq!(*from_json, from_toml);
}
