//! `explain` and the gap analysis on the example submissions, locked down as snapshots: every step
//! with its numbers and rule text, and what it takes to pass.

use crate::common;
use std::sync::Arc;
use zhibiao::assess::Outcome;
use zhibiao::eval::Evaluation;
use zhibiao::eval::Program;
use zhibiao::explain::{Explanation, explain, to_text};
use zhibiao::submission::Submission;

const REFERENCE: &str = include_str!("../examples/province-2024.toml");

fn official() -> Program {
    let f = zhibiao::builtin::default_file();
    let (rules, diags) = zhibiao::builtin::load(&Arc::from(f.path), f.text);
    assert!(!zhibiao::diag::has_errors(&diags));
    Program::new(rules.expect("rules"))
}

fn assess(rules: &Program, name: &str) -> (Submission, Evaluation) {
    let path = format!("{}/examples/{name}", crate::common::root());
    let text = std::fs::read_to_string(path).expect("example");
    match common::outcome(rules, &text, Some(REFERENCE), false) {
        Outcome::Scored {
            submission,
            evaluation,
            ..
        } => (*submission, *evaluation),
        Outcome::Unusable(d) => panic!("{name}: {d:?}"),
    }
}

fn explained(rules: &Program, name: &str, nos: &[u32]) -> Vec<Explanation> {
    let (sub, ev) = assess(rules, name);
    nos.iter()
        .map(|n| explain(rules, &sub, &ev, *n).expect("indicator"))
        .collect()
}

#[test]
fn every_scoring_form_is_explained_step_by_step() {
    let rules = official();
    // Tiers, per-year with a published value, the ladder with counts and a cap, a per-year rule
    // that fails by equality, mixed data and judged items, any-of, a whole judgement, a formula
    // with a cap.
    let list = explained(&rules, "category-fail.toml", &[3, 1, 4, 6, 11, 29, 10, 35]);
    let text = to_text(&list);
    insta::assert_snapshot!("explain_category_fail", text);
    // Tier bounds with their inclusivity, in words.
    assert!(text.contains("[8%, 15%]（8% ≤ 网络交易经营者占比 ≤ 15%，含 8%、含 15%） → 1 分"));
    // The rule text each step comes from, with its line.
    assert!(
        text.contains("〔规则第 174 行：tiers share overlap higher { …〕"),
        "{text}"
    );
    // The official text, verbatim.
    assert!(text.contains("指标说明（原文）：网络交易经营者数量/市场主体数量。"));
    // Each year of a per-year rule, with the published value used where given.
    assert!(text.contains("2023年：网上零售额同比增速（2023年） 19.8%（取网上零售额同比增速"));
    // The cap.
    assert!(text.contains("封顶：最高不超过 2 分；合计 2 分，未超过，不作调整"));
    // What would earn the next point.
    assert!(text.contains(
        "形成的网络市场监管与服务有关法规、规章、规范性文件或标准需达到 2项（现 1项），可再得 1 分"
    ));
}

#[test]
fn missing_data_is_explained_with_what_to_supply() {
    let rules = official();
    let list = explained(&rules, "draft.toml", &[2, 17, 3]);
    insta::assert_snapshot!("explain_draft", to_text(&list));
}

#[test]
fn explain_json_carries_the_steps_and_the_next_point() {
    let rules = official();
    let list = explained(&rules, "category-fail.toml", &[6, 34]);
    let json = serde_json::to_string_pretty(&list).expect("json");
    insta::assert_snapshot!("explain_json", json);
}

#[test]
fn gap_analysis_of_each_example() {
    let rules = official();
    for name in ["pass.toml", "category-fail.toml", "draft.toml"] {
        let (sub, ev) = assess(&rules, name);
        let g = zhibiao::gap::analyse(&rules, &sub, &ev);
        assert_eq!(g.passed, ev.passed);
        assert_eq!(g.plan.is_some(), !ev.passed, "{name}");
        let lost: rust_decimal::Decimal = g.by_indicator.iter().map(|l| l.lost).sum();
        let points: rust_decimal::Decimal = ev.indicators.iter().map(|i| i.points).sum();
        let raw: rust_decimal::Decimal = ev.indicators.iter().map(|i| i.score).sum();
        assert_eq!(lost, points - raw, "{name}: losses add up");
        let json = serde_json::to_string_pretty(&g).expect("json");
        insta::assert_snapshot!(format!("gaps_{}", name.trim_end_matches(".toml")), json);
    }
}

#[test]
fn the_evidence_checklist_flags_claims_without_evidence() {
    let rules = official();
    let (_, ev) = assess(&rules, "category-fail.toml");
    let items = zhibiao::gap::evidence(&ev);
    // Every judged item and whole judgement is listed, once.
    let judged: usize = ev
        .indicators
        .iter()
        .map(|i| i.items.iter().filter(|it| it.judged).count())
        .sum();
    assert_eq!(items.len(), judged);
    let with: Vec<&str> = items
        .iter()
        .filter(|i| !i.evidence.is_empty())
        .map(|i| i.key.as_str())
        .collect();
    assert_eq!(with, vec!["13.2", "24.1", "29.1", "32.1", "34.2"]);
    let i10 = items.iter().find(|i| i.key == "10").expect("10");
    assert!(i10.met_without_evidence);
    let i13 = items.iter().find(|i| i.key == "13.2").expect("13.2");
    assert!(!i13.met_without_evidence);
    let i30 = items.iter().find(|i| i.key == "30.1").expect("30.1");
    assert!(!i30.met_without_evidence, "not met is not flagged");
}
