//! What it takes to pass, end to end: the plan the report gives is written into the submission
//! file itself (with toml_edit, as a person would edit it), the file is assessed again from its
//! text, and it passes.

use crate::common;
use std::sync::Arc;
use zhibiao::assess::Outcome;
use zhibiao::eval::Program;
use zhibiao::gap::{self, Change, ChangeKind};

const REFERENCE: &str = include_str!("../examples/province-2024.toml");

fn official() -> Program {
    let f = zhibiao::builtin::default_file();
    let (rules, diags) = zhibiao::builtin::load(&Arc::from(f.path), f.text);
    assert!(!zhibiao::diag::has_errors(&diags));
    Program::new(rules.expect("rules"))
}

fn scored(
    rules: &Program,
    text: &str,
    reference: &str,
) -> (zhibiao::submission::Submission, zhibiao::eval::Evaluation) {
    match common::outcome(rules, text, Some(reference), false) {
        Outcome::Scored {
            submission,
            evaluation,
            ..
        } => (*submission, *evaluation),
        Outcome::Unusable(d) => panic!("unusable: {d:?}"),
    }
}

/// Writes the changes into a TOML submission's text.
fn apply_to_toml(text: &str, changes: &[Change]) -> String {
    let mut doc: toml_edit::DocumentMut = text.parse().expect("toml");
    for c in changes {
        match &c.kind {
            ChangeKind::Judgement { key, met, score } => {
                let v: toml_edit::Value = match (met, score) {
                    (_, Some(s)) => {
                        let mut t = toml_edit::InlineTable::new();
                        t.insert("score", s.to_string().parse().expect("number"));
                        toml_edit::Value::InlineTable(t)
                    }
                    (Some(m), None) => (*m).into(),
                    (None, None) => panic!("a judgement change without a value"),
                };
                doc["judgements"][key.as_str()] = toml_edit::Item::Value(v);
            }
            ChangeKind::Data {
                key,
                year,
                entry,
                append,
                toml,
                ..
            } => {
                let v: toml_edit::Value = toml.parse().expect("a TOML value");
                let item = &mut doc["data"][key.as_str()];
                match (year, entry, append) {
                    (Some(y), _, _) => {
                        let t = item.as_inline_table_mut().expect("a yearly table");
                        t.insert(y.to_string(), v);
                    }
                    (_, Some(i), _) => {
                        let a = item.as_array_mut().expect("a list");
                        a.replace(*i, v);
                    }
                    (_, _, true) => item.as_array_mut().expect("a list").push(v),
                    _ => *item = toml_edit::Item::Value(v),
                }
            }
        }
    }
    doc.to_string()
}

#[test]
fn the_failing_example_names_its_failing_condition_and_a_plan_that_passes() {
    let rules = official();
    let path = format!("{}/examples/category-fail.toml", crate::common::root());
    let text = std::fs::read_to_string(path).expect("example");
    let (sub, ev) = scored(&rules, &text, REFERENCE);
    assert!(!ev.passed);
    let g = gap::analyse(&rules, &sub, &ev);

    // Exactly the condition that fails, and exactly the category that fails it, with its numbers.
    let failing: Vec<&str> = g
        .conditions
        .iter()
        .filter(|c| !c.held)
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(failing, vec!["每个一级指标得分率 ≥ 75%"]);
    let short: Vec<(&str, String)> = g
        .categories
        .iter()
        .filter(|c| !c.met)
        .map(|c| (c.name.as_str(), c.shortfall.normalize().to_string()))
        .collect();
    assert_eq!(short, vec![("探索创新", "6".to_string())]);
    let lines = &g.conditions[1].lines;
    assert!(
        lines.contains(
            &"探索创新：9 分（得分率 45.00%），要求 75% × 20 分 = 15 分，差 6 分；本类尚有 11 分可争取"
                .to_string()
        ),
        "{lines:?}"
    );

    // The plan, written into the file and assessed again from its text, passes.
    let plan = g.plan.expect("a plan");
    assert!(plan.passes);
    assert!(!plan.changes.is_empty());
    let edited = apply_to_toml(&text, &plan.changes);
    let (_, after) = scored(&rules, &edited, REFERENCE);
    assert!(after.passed, "total {}", after.total);
    assert_eq!(after.total, plan.total_after);
    // Without the changes it still fails: the changes are what make the difference.
    let (_, again) = scored(&rules, &apply_to_toml(&text, &[]), REFERENCE);
    assert!(!again.passed);
}

#[test]
fn a_plan_of_data_changes_passes_when_written_into_the_file() {
    let rules = common::rules(include_str!("fixtures/whatif/rules.zb"));
    let text = include_str!("fixtures/whatif/submission.toml");
    let reference = include_str!("fixtures/whatif/reference.toml");
    let (sub, ev) = scored(&rules, text, reference);
    assert!(!ev.passed);
    let plan = gap::analyse(&rules, &sub, &ev).plan.expect("a plan");
    assert!(plan.passes, "{:?}", plan.still_failing);
    let kinds: Vec<&str> = plan
        .changes
        .iter()
        .map(|c| match &c.kind {
            ChangeKind::Data { year: Some(_), .. } => "year",
            ChangeKind::Data { entry: Some(_), .. } => "entry",
            ChangeKind::Data {
                bool_value: Some(_),
                ..
            } => "bool",
            ChangeKind::Data { .. } => "value",
            ChangeKind::Judgement { .. } => "judgement",
        })
        .collect();
    for k in ["year", "entry", "bool", "value"] {
        assert!(kinds.contains(&k), "no {k} change in {kinds:?}");
    }
    let edited = apply_to_toml(text, &plan.changes);
    let (_, after) = scored(&rules, &edited, reference);
    assert!(after.passed, "total {}\n{edited}", after.total);
    assert_eq!(after.total, plan.total_after);
}
