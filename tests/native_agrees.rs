//! The hand-written native scorer the benchmarks compare with (`benches/common/native.rs`) and
//! the engine agree on thousands of generated submissions: every indicator's score and status,
//! every category, the total and the verdict. This keeps the benchmark baseline honest: it does
//! the same work as the engine, not less.

#[path = "../benches/common/native.rs"]
mod native;

use native::State;
use std::sync::Arc;
use zhibiao::eval::Program;
use zhibiao::eval::{self, Status};
use zhibiao::model::RuleSet;
use zhibiao::submission::{self, Format, Submission};

const REFERENCE: &str = include_str!("../examples/province-2024.toml");

fn official() -> Program {
    let f = zhibiao::builtin::default_file();
    let (rules, _) = zhibiao::builtin::load(&Arc::from(f.path), f.text);
    Program::new(rules.expect("rules"))
}

fn base(rules: &RuleSet, name: &str) -> Submission {
    let path = format!("{}/examples/{name}", crate::common::root());
    let text = std::fs::read_to_string(path).expect("example");
    let (sub, diags) = submission::load(rules, &Arc::from(name), &text, Format::Toml);
    assert!(!zhibiao::diag::has_errors(&diags), "{name} loads");
    let mut sub = sub.expect("usable");
    // The province's figures come from the reference file, as `zhibiao eval --reference` does.
    let rname: Arc<str> = Arc::from("province-2024.toml");
    let (reference, diags) = submission::load_reference(rules, &rname, REFERENCE, Format::Toml);
    assert!(!zhibiao::diag::has_errors(&diags), "reference loads");
    let merged = submission::merge_reference(rules, &mut sub, &reference.expect("reference"));
    assert!(!zhibiao::diag::has_errors(&merged), "reference merges");
    sub
}

fn state(s: Status) -> State {
    match s {
        Status::Scored => State::Scored,
        Status::Missing => State::Missing,
        Status::Error => State::Error,
    }
}

/// Everything an evaluation says apart from its explanation texts.
fn same_scores(ev: &eval::Evaluation) -> String {
    let mut out = format!("{} {} {}\n", ev.total, ev.max, ev.passed);
    for i in &ev.indicators {
        out += &format!(
            "{} {} {:?} {:?} {:?} {:?}\n",
            i.no, i.score, i.partial, i.status, i.missing, i.error
        );
        for it in &i.items {
            out += &format!(
                "  {} {} {:?} {:?}\n",
                it.key, it.score, it.state, it.evidence
            );
        }
    }
    for c in &ev.categories {
        out += &format!(
            "{} {} {} {:?} {:?}\n",
            c.name, c.score, c.raw, c.rate, c.passed
        );
    }
    for c in &ev.conditions {
        out += &format!("{} {} {} {:?}\n", c.text(), c.held, c.detail(), c.failing);
    }
    for c in &ev.checks {
        out += &format!("{} {}\n", c.message(), c.detail());
    }
    out
}

/// Compares one submission; returns whether it passed, had a missing indicator, and how many
/// indicators scored above zero (to show the sample is varied).
fn agree(rules: &Program, sub: &Submission, what: &str) -> (bool, bool) {
    let ev = eval::evaluate(rules, sub);
    let nat = native::score(sub);
    assert_eq!(ev.indicators.len(), nat.indicators.len(), "{what}: count");
    for (e, (score, st)) in ev.indicators.iter().zip(&nat.indicators) {
        assert_eq!(
            (e.score.normalize(), state(e.status)),
            (score.normalize(), *st),
            "{what}: indicator {} ({:?})",
            e.no,
            e.explanation()
        );
    }
    for (c, n) in ev.categories.iter().zip(nat.categories) {
        assert_eq!(
            c.score.normalize(),
            n.normalize(),
            "{what}: category {}",
            c.name
        );
    }
    assert_eq!(ev.total.normalize(), nat.total.normalize(), "{what}: total");
    assert_eq!(ev.passed, nat.passed, "{what}: verdict");
    // Scoring without explanations gives the same result, explanations aside.
    let lean = eval::evaluate_scores(rules, sub);
    assert_eq!(
        same_scores(&lean),
        same_scores(&ev),
        "{what}: evaluate_scores"
    );
    let missing = ev.indicators.iter().any(|i| i.status == Status::Missing);
    (ev.passed, missing)
}

#[test]
fn native_scorer_agrees_with_the_engine_on_generated_submissions() {
    let rules = official();
    let mut passed = 0;
    let mut failed = 0;
    let mut with_missing = 0;
    let mut n = 0;
    for (name, count) in [
        ("pass.toml", 3000),
        ("category-fail.toml", 1000),
        ("draft.toml", 1000),
    ] {
        let b = base(&rules, name);
        for i in 0..count {
            let sub = zhibiao::generate::submission(&rules, &b, 20261129, i);
            let (p, m) = agree(&rules, &sub, &format!("{name} #{i}"));
            if p {
                passed += 1
            } else {
                failed += 1
            }
            if m {
                with_missing += 1;
            }
            n += 1;
        }
    }
    assert_eq!(n, 5000);
    // The sample exercises both verdicts and the missing-data path, not one corner.
    assert!(
        passed > 20 && failed > 100,
        "passed {passed}, failed {failed}"
    );
    assert!(with_missing > 50, "with missing data: {with_missing}");
}

#[test]
fn native_scorer_agrees_on_the_examples() {
    let rules = official();
    for name in ["pass.toml", "category-fail.toml", "draft.toml"] {
        agree(&rules, &base(&rules, name), name);
    }
}
