//! Properties that must hold for every input, checked on generated inputs (proptest): nothing
//! panics, scores stay within their points, evaluation is deterministic, and exact comparisons
//! agree with an independent integer computation at tier bounds.

use crate::common;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use rust_decimal::Decimal;
use std::sync::Arc;
use zhibiao::assess::Outcome;
use zhibiao::eval::Program;
use zhibiao::number::Num;

const OFFICIAL: &str = include_str!("../rules/sd-nmsz/2023.zb");
const PASS: &str = include_str!("../examples/pass.toml");
const REFERENCE: &str = include_str!("../examples/province-2024.toml");

fn official() -> &'static Program {
    static RULES: std::sync::OnceLock<Program> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        Program::new(
            zhibiao::builtin::load(&Arc::from("2023.zb"), OFFICIAL)
                .0
                .expect("rules"),
        )
    })
}

/// A text with a few random edits: characters deleted, inserted or replaced at random places.
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    let chars: Vec<char> = base.chars().collect();
    let n = chars.len();
    let pool = "{}[]()\"`,.;:=<>!%+-*/ \n0123456789亿万千元年abcxyz_ruleinputscoreitem";
    let pool: Vec<char> = pool.chars().collect();
    proptest::collection::vec((0..n, 0..3u8, 0..pool.len()), 1..8).prop_map(move |edits| {
        let mut c = chars.clone();
        for (at, kind, p) in edits {
            let at = at.min(c.len().saturating_sub(1));
            match kind {
                0 if !c.is_empty() => {
                    c.remove(at);
                }
                1 => c.insert(at, pool[p]),
                _ if !c.is_empty() => c[at] = pool[p],
                _ => {}
            }
        }
        c.into_iter().collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn the_parser_never_panics_on_any_text(text in "\\PC{0,300}") {
        let _ = zhibiao::builtin::load(&Arc::from("x.zb"), &text);
    }

    #[test]
    fn the_parser_never_panics_on_a_damaged_rule_file(text in mutated(OFFICIAL)) {
        let (_, diags) = zhibiao::builtin::load(&Arc::from("x.zb"), &text);
        // Whatever it says, it says it with a place or at least a file.
        for d in diags {
            prop_assert!(d.file.is_some());
        }
    }

    #[test]
    fn the_loader_never_panics_on_a_damaged_submission(text in mutated(PASS)) {
        let _ = common::outcome(official(), &text, Some(REFERENCE), false);
    }

    #[test]
    fn scores_stay_within_points_and_evaluation_is_deterministic(sub in submission()) {
        let a = common::outcome(official(), &sub, Some(REFERENCE), false);
        let b = common::outcome(official(), &sub, Some(REFERENCE), false);
        match (a, b) {
            (Outcome::Scored { evaluation: a, .. }, Outcome::Scored { evaluation: b, .. }) => {
                prop_assert_eq!(&a, &b);
                for i in &a.indicators {
                    prop_assert!(i.score >= Decimal::ZERO && i.score <= i.points, "indicator {} scored {} of {}", i.no, i.score, i.points);
                }
                for c in &a.categories {
                    prop_assert!(c.score <= c.points, "category {} scored {} of {}", c.name, c.score, c.points);
                }
                prop_assert!(a.total <= a.max);
            }
            (Outcome::Unusable(_), Outcome::Unusable(_)) => {}
            _ => prop_assert!(false, "the same submission was usable once and unusable once"),
        }
    }

    #[test]
    fn ratio_comparisons_agree_with_integer_arithmetic(a in 0u64..10_000_000, b in 1u64..10_000_000, pct in 0u32..=10_000) {
        // a / b compared with pct/100 %, exactly: a * 10000 vs pct * b.
        let share = Num::from(Decimal::from(a)).div(Num::from(Decimal::from(b))).expect("b > 0");
        let bound = Num::from(Decimal::new(i64::from(pct), 4));
        let exact = (u128::from(a) * 10_000).cmp(&(u128::from(pct) * u128::from(b)));
        prop_assert_eq!(share.try_cmp(&bound).expect("in range"), exact);
    }

    #[test]
    fn growth_comparisons_agree_with_integer_arithmetic(prev in 1u64..1_000_000, cur in 0u64..2_000_000, pct in -100i64..=300) {
        // cur / prev - 1 compared with pct %: (cur - prev) * 100 vs pct * prev.
        let g = Num::from(Decimal::from(cur)).div(Num::from(Decimal::from(prev))).and_then(|r| r.sub(Num::from(1))).expect("prev > 0");
        let bound = Num::from(Decimal::new(pct, 2));
        let lhs = (i128::from(cur) - i128::from(prev)) * 100;
        let rhs = i128::from(pct) * i128::from(prev);
        prop_assert_eq!(g.try_cmp(&bound).expect("in range"), lhs.cmp(&rhs));
    }
}

/// A submission for the official index with every value drawn at random, bounds included.
fn submission() -> impl Strategy<Value = String> {
    let count = || prop_oneof![Just(0u64), 0u64..100, 0u64..100_000];
    let money = || {
        (0u64..2_000_000, 0u32..3).prop_map(|(v, scale)| Decimal::new(v as i64, scale).to_string())
    };
    let pct = || (0u32..=1000).prop_map(|v| format!("\"{}%\"", Decimal::new(i64::from(v), 1)));
    let judgement = || prop_oneof![Just("true".to_string()), Just("false".to_string())];
    (
        (count(), count(), count(), count(), count()),
        (money(), money(), money(), money(), money(), money()),
        (pct(), pct(), pct(), pct(), pct(), pct()),
        proptest::collection::vec(money(), 0..8),
        proptest::collection::vec(judgement(), 60),
        (0u32..=300, 0u32..=100),
    )
        .prop_map(|(c, m, p, sales, judged, (score10, hours))| {
            let (market, operators, over2y, employment, total_employment) = c;
            let operators = operators.min(market);
            let over2y = over2y.min(operators);
            let employment = employment.min(total_employment);
            let mut s = String::from("region = \"随机区\"\nyear = 2024\n[data]\n");
            s += &format!("online_retail = {{ 2022 = {}, 2023 = {}, 2024 = {} }}\n", m.0, m.1, m.2);
            s += "retail_total = { 2022 = 90000000, 2023 = 90000000, 2024 = 90000000 }\n";
            s += &format!("express_volume = {{ 2022 = {}, 2023 = {}, 2024 = {} }}\n", market + 1, operators + 1, over2y + 1);
            s += &format!("market_entities = {market}\nonline_operators = {operators}\noperators_over_2y = {over2y}\n");
            s += &format!("online_employment = {employment}\ntotal_employment = {total_employment}\n");
            s += &format!("ecommerce_tax = {}\ntotal_tax = {}\n", m.3.parse::<Decimal>().unwrap_or_default().min(m.4.parse().unwrap_or_default()), m.4);
            s += &format!("new_large_operator_sales = [{}]\n", sales.join(", "));
            s += &format!("platform_users = {}\nregulatory_staff = {}\nidentity_claim_rate = {}\n", c.0 % 500, c.1 % 500, p.0);
            for (i, key) in ["tip_verification_rate", "assigned_case_timely_rate", "assigned_case_completion_rate", "case_upheld_rate", "case_win_rate", "monitoring_timely_rate", "monitoring_completion_rate", "complaint_initial_check_rate", "complaint_closure_rate", "mediation_success_rate", "consumer_satisfaction", "odr_closure_rate", "odr_settlement_rate", "training_coverage"].iter().enumerate() {
                let v = [&p.0, &p.1, &p.2, &p.3, &p.4, &p.5][i % 6];
                s += &format!("{key} = {v}\n");
            }
            s += &format!("procedural_violation_cases = {}\nregulation_outputs = {}\ntraining_hours_min = {}\n", c.2 % 3, c.3 % 5, hours);
            let _ = m.5;
            s += "[judgements]\n";
            let keys: Vec<&String> = official().judgements.keys().collect();
            for (k, v) in keys.iter().zip(judged.iter()) {
                let slot = &official().judgements[*k];
                if slot.item.is_none() {
                    let score = Decimal::new(i64::from(score10), 2).min(slot.max);
                    s += &format!("\"{k}\" = {{ score = {score} }}\n");
                } else {
                    s += &format!("\"{k}\" = {v}\n");
                }
            }
            s
        })
}

#[test]
fn the_generated_submissions_are_usable() {
    // The property above would pass vacuously if every generated submission were unusable.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut usable = 0;
    for _ in 0..50 {
        let sub = submission().new_tree(&mut runner).expect("value").current();
        if let Outcome::Scored { .. } = common::outcome(official(), &sub, Some(REFERENCE), false) {
            usable += 1;
        }
    }
    assert!(
        usable >= 45,
        "only {usable} of 50 generated submissions were usable"
    );
}
