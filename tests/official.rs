//! The official index (rules/sd-nmsz/2023.zb) read against its source text, bound by bound:
//! every ratio tier at and just off its bounds (比值区间均含本数), the 超过 comparisons (strictly
//! greater) and the 达到/不低于 ones (greater or equal), the ladder of indicator 4, caps, and the
//! category cap of 优化服务. Each case starts from examples/pass.toml and changes one thing.

use crate::common;
use std::sync::Arc;
use zhibiao::eval::Program;

const PASS: &str = include_str!("../examples/pass.toml");
const REFERENCE: &str = include_str!("../examples/province-2024.toml");

fn official() -> Program {
    let f = zhibiao::builtin::default_file();
    Program::new(
        zhibiao::builtin::load(&Arc::from(f.path), f.text)
            .0
            .expect("rules"),
    )
}

/// pass.toml with each `key = …` line of [data] or [judgements] replaced.
fn variant(changes: &[(&str, &str)]) -> String {
    let mut lines: Vec<String> = PASS.lines().map(str::to_string).collect();
    for (key, value) in changes {
        let prefix = format!("{key} = ");
        let at = lines
            .iter()
            .position(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("{key} not in pass.toml"));
        lines[at] = format!("{key} = {value}");
    }
    lines.join("\n")
}

fn score(rules: &Program, changes: &[(&str, &str)], indicator: u32) -> (String, String) {
    let text = variant(changes);
    match common::outcome(rules, &text, Some(REFERENCE), false) {
        zhibiao::assess::Outcome::Scored { evaluation, .. } => (
            common::score_of(&evaluation, indicator),
            common::explain(&evaluation, indicator),
        ),
        zhibiao::assess::Outcome::Unusable(d) => panic!("{changes:?} unusable: {d:?}"),
    }
}

#[test]
#[allow(clippy::type_complexity)]
fn every_bound_of_the_official_index_follows_the_source() {
    let r = official();
    let cases: &[(&str, &[(&str, &str)], u32, &str)] = &[
        // 3: 占比8%-15%得1分，15%以上得2分（比值区间均含本数）
        (
            "3 below 8%",
            &[
                ("market_entities", "10000"),
                ("online_operators", "799"),
                ("operators_over_2y", "500"),
            ],
            3,
            "0",
        ),
        (
            "3 at 8%",
            &[
                ("market_entities", "10000"),
                ("online_operators", "800"),
                ("operators_over_2y", "500"),
            ],
            3,
            "1",
        ),
        (
            "3 just below 15%",
            &[("market_entities", "10000"), ("online_operators", "1499")],
            3,
            "1",
        ),
        (
            "3 at 15%",
            &[("market_entities", "10000"), ("online_operators", "1500")],
            3,
            "2",
        ),
        // 7: 占比3%-5%得1分，5%以上得2分
        (
            "7 below 3%",
            &[("total_employment", "10000"), ("online_employment", "299")],
            7,
            "0",
        ),
        (
            "7 at 3%",
            &[("total_employment", "10000"), ("online_employment", "300")],
            7,
            "1",
        ),
        (
            "7 just below 5%",
            &[("total_employment", "10000"), ("online_employment", "499")],
            7,
            "1",
        ),
        (
            "7 at 5%",
            &[("total_employment", "10000"), ("online_employment", "500")],
            7,
            "2",
        ),
        // 8: 占比3%-5%得1分，5%以上得2分 (money, with decimals)
        (
            "8 below 3%",
            &[("total_tax", "10000"), ("ecommerce_tax", "299.99")],
            8,
            "0",
        ),
        (
            "8 at 3%",
            &[("total_tax", "10000"), ("ecommerce_tax", "300")],
            8,
            "1",
        ),
        (
            "8 just below 5%",
            &[("total_tax", "10000"), ("ecommerce_tax", "499.99")],
            8,
            "1",
        ),
        (
            "8 at 5%",
            &[("total_tax", "10000"), ("ecommerce_tax", "\"5000000元\"")],
            8,
            "2",
        ),
        // 9: 占比30%-50%得1分，50%以上得2分 (online_operators = 1800)
        ("9 below 30%", &[("operators_over_2y", "539")], 9, "0"),
        ("9 at 30%", &[("operators_over_2y", "540")], 9, "1"),
        ("9 just below 50%", &[("operators_over_2y", "899")], 9, "1"),
        ("9 at 50%", &[("operators_over_2y", "900")], 9, "2"),
        // 4: 超过3亿有1家得2分；超过2亿1家1.5分、2家2分；超过1亿1家1分、2家2分；超过5千万1家0.5分；最高2分
        (
            "4 exactly 3亿 is over 2亿 only",
            &[("new_large_operator_sales", "[30000]")],
            4,
            "1.5",
        ),
        (
            "4 just over 3亿",
            &[("new_large_operator_sales", "[30000.01]")],
            4,
            "2",
        ),
        (
            "4 two over 2亿",
            &[("new_large_operator_sales", "[20000.01, 25000]")],
            4,
            "2",
        ),
        (
            "4 one over 1亿",
            &[("new_large_operator_sales", "[10000.01]")],
            4,
            "1",
        ),
        (
            "4 exactly 1亿 is over 5千万 only",
            &[("new_large_operator_sales", "[10000]")],
            4,
            "0.5",
        ),
        (
            "4 three over 5千万",
            &[("new_large_operator_sales", "[5000.01, 6000, 7000]")],
            4,
            "1.5",
        ),
        (
            "4 five over 5千万, capped",
            &[("new_large_operator_sales", "[5001, 6000, 7000, 8000, 9000]")],
            4,
            "2",
        ),
        (
            "4 exactly 5千万",
            &[("new_large_operator_sales", "[5000]")],
            4,
            "0",
        ),
        ("4 none", &[("new_large_operator_sales", "[]")], 4, "0"),
        // 1: 超过全省增速 (strictly): 2024 published 21.5% against a province 21.5%
        (
            "1 equal to the province is not above it",
            &[("online_retail_growth", "{ 2024 = \"10.5%\" }")],
            1,
            "1",
        ),
        // 5: 2024 published 14.1% > 13.8%; without it the computed 11.83% is not
        ("5 published growth preferred", &[], 5, "1"),
        (
            "5 computed growth without a published one",
            &[("express_growth", "{}")],
            5,
            "0",
        ),
        // 6: 占比超过全省占比: 2024 share 92000/560000 = 16.43% vs 15%; make it exactly 15%
        (
            "6 equal share is not above",
            &[(
                "online_retail",
                "{ 2022 = 61000, 2023 = 74500, 2024 = 84000 }",
            )],
            6,
            "1",
        ),
        // 11.1: 用户数超过在编监管人员数50%: exactly 50% is not over
        ("11.1 exactly 50%", &[("platform_users", "24")], 11, "2"),
        ("11.1 over 50%", &[("platform_users", "25")], 11, "3"),
        // 11.2: 认领处置率达到100%
        (
            "11.2 below 100%",
            &[("identity_claim_rate", "\"99.9%\"")],
            11,
            "2",
        ),
        // 17.1: 核查率大于95%
        (
            "17.1 exactly 95%",
            &[("tip_verification_rate", "\"95%\"")],
            17,
            "2",
        ),
        // 17.2: 及时率和完成率大于90% (both)
        (
            "17.2 one rate at 90%",
            &[("assigned_case_completion_rate", "\"90%\"")],
            17,
            "2",
        ),
        // 18.2: 无程序性违法案件
        (
            "18.2 one case",
            &[("procedural_violation_cases", "1")],
            18,
            "1",
        ),
        // 19.2: 完成率大于90%
        (
            "19.2 above 90%",
            &[("monitoring_completion_rate", "\"90.1%\"")],
            19,
            "2",
        ),
        // 25.3: 满意度高于全省平均 (84.2% vs 85%)
        (
            "25.3 above the province",
            &[("consumer_satisfaction", "\"85.01%\"")],
            25,
            "3",
        ),
        (
            "25.2 equal to the province",
            &[("mediation_success_rate", "\"62.5%\"")],
            25,
            "1",
        ),
        // 26.1: 两个比率都超过全省平均
        (
            "26.1 one rate equal",
            &[("odr_settlement_rate", "\"70%\"")],
            26,
            "1",
        ),
        // 35: 有1项得1分，最高2分
        ("35 one output", &[("regulation_outputs", "1")], 35, "1"),
        ("35 no output", &[("regulation_outputs", "0")], 35, "0"),
        // 39.2: 覆盖率达到100%，每人每年不低于50学时
        (
            "39.2 exactly 50学时",
            &[("training_hours_min", "50")],
            39,
            "2",
        ),
        (
            "39.2 below 50学时",
            &[("training_hours_min", "49.9")],
            39,
            "1",
        ),
        (
            "39.2 coverage below 100%",
            &[("training_coverage", "\"99%\"")],
            39,
            "1",
        ),
        // 10: a whole-indicator judgement
        ("10 judged met", &[("\"10\"", "true")], 10, "2"),
        // 34: 34.1 is worth 2, 34.2 worth 1
        ("34 both", &[("\"34.2\"", "true")], 34, "3"),
    ];
    let mut failures = Vec::new();
    for (what, changes, indicator, expect) in cases {
        let (got, why) = score(&r, changes, *indicator);
        if got != *expect {
            failures.push(format!(
                "{what}: indicator {indicator} scored {got}, expected {expect}\n  {why}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_category_cap_keeps_a_category_at_its_declared_points() {
    let r = official();
    let text = variant(&[]);
    let zhibiao::assess::Outcome::Scored { evaluation, .. } =
        common::outcome(&r, &text, Some(REFERENCE), false)
    else {
        panic!("usable");
    };
    let service = evaluation
        .categories
        .iter()
        .find(|c| c.name == "优化服务")
        .expect("category");
    assert_eq!(
        (service.raw.to_string(), service.score.to_string()),
        ("21".into(), "20".into())
    );
    assert_eq!(
        service.rate.map(|r| r.normalize().to_string()),
        Some("1".into())
    );
}

#[test]
fn the_declared_points_of_the_source_are_carried() {
    let r = official();
    let declared: Vec<(String, String, String)> = r
        .categories
        .iter()
        .map(|c| {
            let sum: rust_decimal::Decimal = c.indicators.iter().map(|i| i.points.value).sum();
            (
                c.name.value.clone(),
                c.points.value.to_string(),
                sum.to_string(),
            )
        })
        .collect();
    insta::assert_debug_snapshot!(declared, @r#"
    [
        (
            "促进发展",
            "20",
            "20",
        ),
        (
            "规范监管",
            "25",
            "25",
        ),
        (
            "优化服务",
            "20",
            "22",
        ),
        (
            "探索创新",
            "20",
            "20",
        ),
        (
            "综合保障",
            "15",
            "15",
        ),
    ]
    "#);
    let natures: Vec<String> = r
        .indicators()
        .map(|(_, i)| {
            i.nature
                .as_ref()
                .map_or("?", |n| n.value.as_str())
                .to_string()
        })
        .collect();
    assert_eq!(natures.len(), 42);
    for (_, i) in r.indicators() {
        assert!(
            i.rule.is_some() && i.method.is_some() && !i.sources.is_empty() && !i.owners.is_empty(),
            "indicator {} lacks a field",
            i.no.value
        );
    }
}

/// pass.toml (with the province's reference) loaded and scored three ways: the evaluation with
/// reasons, the lean evaluation, and the compiled scores alone; they must agree on every
/// indicator. Returns the explaining evaluation.
fn scored_three_ways(rules: &Program, changes: &[(&str, &str)]) -> zhibiao::eval::Evaluation {
    let text = variant(changes);
    let (submission, evaluation) = match common::outcome(rules, &text, Some(REFERENCE), false) {
        zhibiao::assess::Outcome::Scored {
            submission,
            evaluation,
            ..
        } => (*submission, *evaluation),
        zhibiao::assess::Outcome::Unusable(d) => panic!("{changes:?} unusable: {d:?}"),
    };
    let lean = zhibiao::eval::evaluate_scores(rules, &submission);
    for (a, b) in evaluation.indicators.iter().zip(&lean.indicators) {
        assert_eq!(
            (a.no, a.score, a.status),
            (b.no, b.score, b.status),
            "{changes:?}: lean scores"
        );
    }
    assert_eq!(evaluation.total, lean.total, "{changes:?}: lean total");
    evaluation
}

fn indicator(ev: &zhibiao::eval::Evaluation, no: u32) -> &zhibiao::eval::IndicatorResult {
    ev.indicators
        .iter()
        .find(|i| i.no == no)
        .expect("indicator")
}

#[test]
fn equal_growths_are_not_higher_every_time() {
    // Indicator 2: 网上零售额同比增速“超过”社会零售总额同比增速, strictly. When both 2023 growths are
    // computed from totals and are exactly equal (4/97 and 8/194 and so on), 2023 earns nothing;
    // 2024 takes the published growths (21.5% > 7.6%) and earns 1. The same every time, whatever
    // the totals.
    let r = official();
    let mut cases = 0;
    for (online, retail) in [
        ("97", "194"),
        ("9700", "19400"),
        ("61000.97", "480007.63"),
        ("33.3", "999.9"),
        ("1234567.89", "9876543.21"),
        ("0.97", "1.94"),
    ] {
        for k in 1..=40u32 {
            let scale = rust_decimal::Decimal::from(k);
            let o: rust_decimal::Decimal = online.parse().unwrap();
            let t: rust_decimal::Decimal = retail.parse().unwrap();
            // x[2023] / x[2022] = 101/97 + k/970 for both series: equal growths.
            let g = |x: rust_decimal::Decimal| {
                let before = x * rust_decimal::Decimal::from(970);
                let after = x * (rust_decimal::Decimal::from(1010) + scale);
                (before, after)
            };
            let ((o22, o23), (t22, t23)) = (g(o), g(t));
            let online_series = format!("{{ 2022 = {o22}, 2023 = {o23}, 2024 = {o23} }}");
            let retail_series = format!("{{ 2022 = {t22}, 2023 = {t23}, 2024 = {t23} }}");
            let ev = scored_three_ways(
                &r,
                &[
                    ("online_retail", &online_series),
                    ("retail_total", &retail_series),
                ],
            );
            let ind = indicator(&ev, 2);
            assert_eq!(
                ind.score.normalize().to_string(),
                "1",
                "{online} {retail} k={k}: {:?}",
                ind.explanation()
            );
            let line_2023 = ind
                .explanation()
                .into_iter()
                .find(|l| l.starts_with("2023年"))
                .expect("2023 line");
            assert!(
                line_2023.contains("不符合"),
                "{online} {retail} k={k}: {line_2023}"
            );
            cases += 1;
        }
    }
    assert_eq!(cases, 240);
    // Without published growths both years are ties: 0 points.
    let ev = scored_three_ways(
        &r,
        &[
            (
                "online_retail",
                "{ 2022 = 9409, 2023 = 9797, 2024 = 10201 }",
            ),
            (
                "retail_total",
                "{ 2022 = 18818, 2023 = 19594, 2024 = 20402 }",
            ),
            ("online_retail_growth", "{}"),
            ("retail_total_growth", "{}"),
        ],
    );
    assert_eq!(indicator(&ev, 2).score.normalize().to_string(), "0");
    // One ten-thousandth of a 万元 more online in 2023 is higher: 2 points.
    let ev = scored_three_ways(
        &r,
        &[
            (
                "online_retail",
                "{ 2022 = 9409, 2023 = 9797.0001, 2024 = 10201 }",
            ),
            (
                "retail_total",
                "{ 2022 = 18818, 2023 = 19594, 2024 = 20402 }",
            ),
        ],
    );
    assert_eq!(indicator(&ev, 2).score.normalize().to_string(), "2");
}

#[test]
fn money_in_the_quadrillions_scores_exactly() {
    // Totals of about 9.9 × 10^15 元 (9.9 × 10^11 万元) and beyond, with decimals: every indicator
    // is scored, and the ratio indicators come out as for the same figures at an ordinary size.
    let r = official();
    let base = scored_three_ways(&r, &[]);
    let huge = [
        (
            "online_retail",
            "{ 2022 = 61000000000000.01, 2023 = 74500000000000.02, 2024 = 92000000000000.03 }",
        ),
        (
            "retail_total",
            "{ 2022 = 480000000000000, 2023 = 520000000000000, 2024 = 560000000000000 }",
        ),
        ("new_large_operator_sales", "[990000000000, 12000.5, 6800]"),
        ("ecommerce_tax", "258300000000000.07"),
        ("total_tax", "6300000000000000"),
    ];
    let ev = scored_three_ways(&r, &huge);
    for i in &ev.indicators {
        assert_eq!(
            i.status,
            zhibiao::eval::Status::Scored,
            "indicator {}: {:?}",
            i.no,
            i.explanation()
        );
    }
    for no in [1, 2, 4, 6, 8] {
        assert_eq!(
            indicator(&ev, no).score,
            indicator(&base, no).score,
            "indicator {no}: {:?}",
            indicator(&ev, no).explanation()
        );
    }
    // The example's money figures times 10^k with odd decimals, up to about 5.6 × 10^18 元: every
    // indicator is scored, as at the example's size (the old arithmetic gave indicator 2 an
    // overflow error from 10^13 元).
    for k in 4..=14u32 {
        let m = 10u64.pow(k);
        let s = |x: u64, cents: &str| format!("{}{cents}", x * m);
        let online = format!(
            "{{ 2022 = {}, 2023 = {}, 2024 = {} }}",
            s(61, ".37"),
            s(74, ".51"),
            s(92, ".03")
        );
        let retail = format!(
            "{{ 2022 = {}, 2023 = {}, 2024 = {} }}",
            s(480, ".11"),
            s(520, ".7"),
            s(560, ".29")
        );
        let sales = format!("[{}, {}, 6800]", s(35, ".3"), s(12, ".5"));
        let (tax, total_tax) = (s(2, ".583"), s(63, ".01"));
        let ev = scored_three_ways(
            &r,
            &[
                ("online_retail", &online),
                ("retail_total", &retail),
                ("ecommerce_tax", &tax),
                ("total_tax", &total_tax),
                ("new_large_operator_sales", &sales),
            ],
        );
        for (i, b) in ev.indicators.iter().zip(&base.indicators) {
            assert_eq!(
                (i.status, i.score),
                (zhibiao::eval::Status::Scored, b.score),
                "10^{k}: indicator {}: {:?}",
                i.no,
                i.explanation()
            );
        }
    }
    // An exact tie at that size is still a tie (indicator 2, 2023 computed from the totals).
    let ev = scored_three_ways(
        &r,
        &[
            (
                "online_retail",
                "{ 2022 = 970000000000.01, 2023 = 1010000000000.0104, 2024 = 1010000000000 }",
            ),
            (
                "retail_total",
                "{ 2022 = 9700000000000.1, 2023 = 10100000000000.104, 2024 = 10100000000000 }",
            ),
        ],
    );
    assert_eq!(indicator(&ev, 2).score.normalize().to_string(), "1");
}
