//! The rule language's work is bounded by the shape of an indicator (issue 16 item 7): nested
//! `count`s, nested `all`/`any` and chains of functions that multiply their work are refused
//! before anything is evaluated, by the interpreter and the compiled scorer alike. The data here
//! is tiny, so without the bound these indicators would simply score: each test fails rather
//! than hangs.

use crate::common;
use zhibiao::eval::{Status, evaluate, evaluate_scores};

const HEAD: &str = r#"
ruleset t "测试" {
  version "1"
  effective 2024-01-01
  points 4
  pass total >= 1
}
input sales "销售额" list money 万元
input retail "零售额" money 万元 yearly
"#;

fn rules_with(fns: &str, score: &str) -> String {
    format!(
        "{HEAD}{fns}\ncategory \"甲\" points 4 {{\n  indicator 1 \"一\" points 2 {{\n    score {score}\n  }}\n  indicator 2 \"二\" points 2 {{\n    score count(s in sales where s > 1万元)\n  }}\n}}\n"
    )
}

const SUB: &str = "region = \"甲区\"\nyear = 2024\n[data]\nsales = [\"2万元\", \"3万元\", \"5000元\"]\nretail = { 2022 = \"1万元\", 2023 = \"2万元\", 2024 = \"3万元\" }\n";

/// (The data is three items and three years; the bound assumes lists of 10,000 items and
/// ranges as written, so these shapes are refused for any data.)
///
/// Indicator 1 is in error, with the budget's message, in the interpreter and the compiled
/// scorer; indicator 2 (one `count`) scores in both.
fn assert_refused(text: &str) {
    let rules = common::rules(text);
    let (sub, _) = common::scored(&rules, SUB);
    for ev in [evaluate(&rules, &sub), evaluate_scores(&rules, &sub)] {
        let one = &ev.indicators[0];
        assert_eq!(one.status, Status::Error, "{text}");
        let message = one.error.as_deref().unwrap_or_default();
        assert!(message.contains("计算量过大"), "{message}");
        let two = &ev.indicators[1];
        assert_eq!(two.status, Status::Scored);
        assert_eq!(two.score.to_string(), "2");
    }
}

#[test]
fn nested_counts_over_lists_are_refused() {
    assert_refused(&rules_with(
        "",
        "items { item 1 \"甲\" points 2 when count(a in sales where count(b in sales where a > b) > 0) > 0 }",
    ));
}

#[test]
fn nested_years_are_refused() {
    assert_refused(&rules_with(
        "",
        "items { item 1 \"甲\" points 2 when all y in Y-50..Y: all z in Y-50..Y: count(s in sales where s > 0) >= 0 }",
    ));
}

#[test]
fn chains_of_functions_that_double_are_refused() {
    // Each function calls the one before twice: f6 runs f0 64 times.
    let mut fns = String::from("fn f0(x) = x + count(s in sales where s > 0)\n");
    for k in 1..=6 {
        fns.push_str(&format!("fn f{k}(x) = f{}(x) + f{}(x)\n", k - 1, k - 1));
    }
    assert_refused(&rules_with(
        &fns,
        "items { item 1 \"甲\" points 2 when f6(1) > 0 }",
    ));
    // Two levels are within the budget.
    let rules = common::rules(&rules_with(
        &fns,
        "items { item 1 \"甲\" points 2 when f2(1) > 0 }",
    ));
    let (sub, _) = common::scored(&rules, SUB);
    assert_eq!(
        evaluate_scores(&rules, &sub).indicators[0].status,
        Status::Scored
    );
}

#[test]
fn shapes_within_the_budget_score() {
    let rules = common::rules(&rules_with(
        "fn g(y) = retail[y] / retail[y - 1]\n",
        "items { item 1 \"甲\" points 2 when all y in Y-1..Y: g(y) > 1 and count(s in sales where s > 1万元) > 1 }",
    ));
    let (sub, _) = common::scored(&rules, SUB);
    for ev in [evaluate(&rules, &sub), evaluate_scores(&rules, &sub)] {
        assert_eq!(ev.indicators[0].status, Status::Scored);
        assert_eq!(ev.indicators[0].score.to_string(), "2");
    }
}
