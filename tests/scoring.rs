//! Each scoring form, and tier bounds exactly where they meet, on small rule files.

use crate::common;
use common::{explain, outcome, rules, score_of, scored};
use zhibiao::assess::Outcome;
use zhibiao::eval::{ItemState, Status};

const RULES: &str = r#"
ruleset t "测试" {
  version "1"
  effective 2024-01-01
  points 10
  pass total >= 6 and every category rate >= 75%
}
input market_entities "市场主体数量" count 户
input online_operators "网络交易经营者数量" count 户
input online_retail "网上零售额" money 万元 yearly
input online_retail_growth "网上零售额同比增速（公布值）" percent yearly optional
input province_growth "全省增速" percent yearly
input sales "新增经营者销售额" list money 万元
input outputs "成果" count 项
input rate "处置率" percent max 100%

fn growth(series, y) "同比增速" = series[y] / series[y - 1] - 1
fn online_growth(y) "网上零售额同比增速" = online_retail_growth[y] ?? growth(online_retail, y)

check online_operators <= market_entities else error "网络交易经营者数量不能超过市场主体数量"

category "甲" points 10 {
  indicator 1 "占比" points 2 {
    owners "市场监管局"
    let share "占比" = online_operators / market_entities
    score tiers share overlap higher {
      [8%, 15%] => 1
      [15%, ..) => 2
    }
  }
  indicator 2 "增速" points 2 {
    owners "经济发展局"
    score each year y in Y-1..Y award 1 when online_growth(y) > province_growth[y]
  }
  indicator 3 "子项" points 2 {
    owners "市场监管局"
    score items {
      item 1 "处置率达到100%" points 1 when rate >= 100%
      item 2 "机制" points 1 judged
    }
  }
  indicator 4 "任一" points 3 {
    owners "商务局"
    score any award 3 {
      item 1 "甲" judged
      item 2 "乙" judged
    }
  }
  indicator 5 "成果" points 2 {
    owners "领导小组成员单位"
    score outputs * 1
    cap 2
  }
  indicator 6 "阶梯" points 2 {
    owners "商务局"
    let over_3 "超过3亿元的家数" = count(s in sales where s > 3亿元)
    let over_05 "超过5千万元的家数" = count(s in sales where s > 5千万元)
    score max {
      tiers over_3 { [1, ..) => 2 }
      over_05 * 0.5
    }
    cap 2
  }
  indicator 7 "评审" points 2 {
    owners "商务局"
    score judged
  }
  indicator 8 "增速分档" points 2 {
    owners "经济发展局"
    score tiers growth(online_retail, Y) {
      [5%, 15%) => 1
      [15%, ..) => 2
    }
  }
}
"#;

fn sub(data: &str, judgements: &str) -> String {
    format!("region = \"测试区\"\nyear = 2024\n[data]\n{data}\n[judgements]\n{judgements}\n")
}

const BASE: &str = r#"market_entities = 10000
online_operators = 1500
online_retail = { 2022 = 100, 2023 = 110, 2024 = 126.5 }
province_growth = { 2023 = "10%", 2024 = "15%" }
sales = [35000, 6000]
outputs = 1
rate = "100%"
"#;

fn with(replace: &[(&str, &str)]) -> String {
    let mut data = BASE.to_string();
    for (key, line) in replace {
        let start = data.find(&format!("{key} =")).expect("key in BASE");
        let end = data[start..]
            .find('\n')
            .map_or(data.len(), |e| start + e + 1);
        data.replace_range(start..end, &format!("{line}\n"));
    }
    data
}

#[test]
fn tier_bounds_are_inclusive_and_the_overlap_takes_the_higher_tier() {
    let r = rules(RULES);
    for (ops, expect) in [
        ("799", "0"),  // 7.99%
        ("800", "1"),  // exactly 8%: [8%, 15%]
        ("1499", "1"), // 14.99%
        ("1500", "2"), // exactly 15%: in both tiers, higher wins
        ("1501", "2"),
    ] {
        let data = with(&[("online_operators", &format!("online_operators = {ops}"))]);
        let (_, ev) = scored(&r, &sub(&data, ""));
        assert_eq!(
            score_of(&ev, 1),
            expect,
            "online_operators = {ops}: {}",
            explain(&ev, 1)
        );
    }
}

#[test]
fn the_overlap_is_stated_in_the_explanation() {
    let r = rules(RULES);
    let (_, ev) = scored(&r, &sub(BASE, ""));
    insta::assert_snapshot!(explain(&ev, 1), @"占比 15%，同时位于 [8%, 15%] 和 [15%, +∞)，按较高档计，得 2 分");
}

#[test]
fn overlapping_tiers_without_a_policy_fail_the_indicator_not_the_run() {
    let text = RULES.replace("score tiers share overlap higher {", "score tiers share {");
    let r = rules(&text);
    let (_, ev) = scored(&r, &sub(BASE, ""));
    let ind = &ev.indicators[0];
    assert_eq!(ind.status, Status::Error);
    assert_eq!(score_of(&ev, 1), "0");
    assert!(
        matches!(
            ind.error.as_ref().map(|e| &e.fault),
            Some(zhibiao::eval::fault::Fault::Overlap { .. })
        ) && ind.error_message().unwrap_or_default().contains("overlap"),
        "{:?}",
        ind.error
    );
    assert_eq!(score_of(&ev, 5), "1", "other indicators are still scored");
}

#[test]
fn growth_that_floating_point_would_misjudge_is_exact() {
    // 115 / 100 - 1 is 0.14999999999999991 in f64; exactly 15% here, so it lands in [15%, ..).
    let r = rules(RULES);
    let data = with(&[(
        "online_retail",
        "online_retail = { 2022 = 100, 2023 = 100, 2024 = 115 }",
    )]);
    let (_, ev) = scored(&r, &sub(&data, ""));
    assert_eq!(score_of(&ev, 8), "2", "{}", explain(&ev, 8));
    // 1.1 / 1 - 1 is 0.10000000000000009 in f64: not above a province growth of exactly 10%.
    let data = with(&[(
        "online_retail",
        "online_retail = { 2022 = 1, 2023 = 1.1, 2024 = 1.265 }",
    )]);
    let (_, ev) = scored(&r, &sub(&data, ""));
    insta::assert_snapshot!(explain(&ev, 2), @r"
    2023年：网上零售额同比增速（2023年） 10%（网上零售额同比增速（公布值）（2023年）未填报，按公式计算：同比增速（2023年） = 网上零售额（2023年） 1.1万元 ÷ 网上零售额（2022年） 1万元 - 1 = 10%） = 全省增速（2023年） 10%，不符合，不得分
    2024年：网上零售额同比增速（2024年） 15%（网上零售额同比增速（公布值）（2024年）未填报，按公式计算：同比增速（2024年） = 网上零售额（2024年） 1.265万元 ÷ 网上零售额（2023年） 1.1万元 - 1 = 15%） = 全省增速（2024年） 15%，不符合，不得分
    ");
}

#[test]
fn per_year_awards_are_summed_and_published_growth_is_preferred() {
    let r = rules(RULES);
    // Computed: 2023 10% (not above 10%), 2024 15% (not above 15%). Published 2024 = 16%.
    let data = format!("{BASE}online_retail_growth = {{ 2024 = \"16%\" }}\n");
    let (_, ev) = scored(&r, &sub(&data, ""));
    assert_eq!(score_of(&ev, 2), "1", "{}", explain(&ev, 2));
    assert!(
        explain(&ev, 2).contains("16%（取网上零售额同比增速（公布值）（2024年））"),
        "{}",
        explain(&ev, 2)
    );
    let data = with(&[(
        "online_retail",
        "online_retail = { 2022 = 100, 2023 = 120, 2024 = 150 }",
    )]);
    let (_, ev) = scored(&r, &sub(&data, ""));
    assert_eq!(score_of(&ev, 2), "2", "{}", explain(&ev, 2));
}

#[test]
fn a_missing_year_makes_the_indicator_missing_not_unmet() {
    let r = rules(RULES);
    let data = with(&[(
        "online_retail",
        "online_retail = { 2023 = 110, 2024 = 126.5 }",
    )]);
    let (_, ev) = scored(&r, &sub(&data, ""));
    let ind = ev.indicators.iter().find(|i| i.no == 2).unwrap();
    assert_eq!(ind.status, Status::Missing);
    assert_eq!(score_of(&ev, 2), "0");
    assert_eq!(ind.missing.len(), 1);
    assert_eq!(
        (ind.missing[0].key.as_str(), ind.missing[0].year),
        ("online_retail", Some(2022))
    );
}

#[test]
fn sub_items_sum_and_unsubmitted_judgements_count_as_not_met_for_that_item_alone() {
    let r = rules(RULES);
    let (_, ev) = scored(&r, &sub(BASE, ""));
    let ind = ev.indicators.iter().find(|i| i.no == 3).unwrap();
    assert_eq!(score_of(&ev, 3), "1");
    assert_eq!(ind.items[0].state, ItemState::Met);
    assert_eq!(ind.items[1].state, ItemState::NotSubmitted);
    let (_, ev) = scored(
        &r,
        &sub(BASE, "\"3.2\" = { met = true, evidence = [\"机制.pdf\"] }"),
    );
    assert_eq!(score_of(&ev, 3), "2");
    let data = with(&[("rate", "rate = \"99.99%\"")]);
    let (_, ev) = scored(&r, &sub(&data, "\"3.2\" = true"));
    assert_eq!(score_of(&ev, 3), "1");
}

#[test]
fn any_of_earns_the_whole_award_for_one_item() {
    let r = rules(RULES);
    let (_, ev) = scored(&r, &sub(BASE, "\"4.1\" = false\n\"4.2\" = true"));
    assert_eq!(score_of(&ev, 4), "3");
    let (_, ev) = scored(&r, &sub(BASE, "\"4.1\" = false\n\"4.2\" = false"));
    assert_eq!(score_of(&ev, 4), "0");
}

#[test]
fn counts_per_unit_are_capped() {
    let r = rules(RULES);
    for (n, expect) in [("0", "0"), ("1", "1"), ("2", "2"), ("5", "2")] {
        let data = with(&[("outputs", &format!("outputs = {n}"))]);
        let (_, ev) = scored(&r, &sub(&data, ""));
        assert_eq!(score_of(&ev, 5), expect, "outputs = {n}");
    }
}

#[test]
fn ladders_take_the_best_rung_and_money_bounds_are_strict() {
    let r = rules(RULES);
    for (sales, expect) in [
        ("[30000]", "0.5"),       // exactly 3亿元 is not above 3亿元
        ("[30000.01]", "2"),      // just above
        ("[5000]", "0"),          // exactly 5千万元
        ("[5000.01, 6000]", "1"), // two above 5千万: 2 × 0.5
        ("[\"9.2亿\"]", "2"),     // a string with a unit is converted exactly
        ("[]", "0"),
    ] {
        let data = with(&[("sales", &format!("sales = {sales}"))]);
        let (_, ev) = scored(&r, &sub(&data, ""));
        assert_eq!(
            score_of(&ev, 6),
            expect,
            "sales = {sales}: {}",
            explain(&ev, 6)
        );
    }
}

#[test]
fn whole_indicator_judgements_take_a_score_within_the_points() {
    let r = rules(RULES);
    let (_, ev) = scored(
        &r,
        &sub(BASE, "\"7\" = { score = 1.5, note = \"专家组评估\" }"),
    );
    assert_eq!(score_of(&ev, 7), "1.5");
    let (_, ev) = scored(&r, &sub(BASE, "\"7\" = true"));
    assert_eq!(score_of(&ev, 7), "2");
    let (_, ev) = scored(&r, &sub(BASE, ""));
    assert_eq!(ev.not_submitted().len(), 4, "3.2, 4.1, 4.2 and 7");
}

#[test]
fn the_pass_rule_names_every_condition_that_fails() {
    let r = rules(RULES);
    let data = with(&[("online_operators", "online_operators = 700")]);
    let (_, ev) = scored(&r, &sub(&data, ""));
    // 0 + 0 + 1 + 0 + 1 + 2 + 0 + 2 = 6 of 10: the total (≥ 6) passes, the rate (60% < 75%) does not.
    assert_eq!(ev.total.to_string(), "6");
    assert!(!ev.passed);
    assert!(ev.conditions[0].held);
    assert!(!ev.conditions[1].held);
    assert_eq!(ev.conditions[1].failing, vec!["甲".to_string()]);
}

#[test]
fn a_failed_data_check_makes_the_submission_unusable() {
    let r = rules(RULES);
    let data = with(&[("online_operators", "online_operators = 20000")]);
    match outcome(&r, &sub(&data, ""), None, false) {
        Outcome::Unusable(d) => {
            assert_eq!(d.len(), 1);
            assert!(
                d[0].message
                    .contains("网络交易经营者数量不能超过市场主体数量"),
                "{}",
                d[0].message
            );
            assert!(
                d[0].help.as_deref().unwrap_or("").contains("20,000户"),
                "{:?}",
                d[0].help
            );
        }
        Outcome::Scored { .. } => panic!("should be unusable"),
    }
}

#[test]
fn strict_mode_turns_missing_inputs_and_judgements_into_errors() {
    let r = rules(RULES);
    let data = with(&[("outputs", "")]);
    match outcome(&r, &sub(&data, ""), None, true) {
        Outcome::Unusable(d) => {
            let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
            assert!(codes.contains(&"S007"), "{codes:?}");
            assert!(codes.contains(&"S009"), "{codes:?}");
        }
        Outcome::Scored { .. } => panic!("strict mode should refuse an incomplete submission"),
    }
}

#[test]
fn division_by_zero_fails_that_indicator_with_a_message() {
    let r = rules(RULES);
    let data = with(&[
        ("market_entities", "market_entities = 0"),
        ("online_operators", "online_operators = 0"),
    ]);
    let (_, ev) = scored(&r, &sub(&data, ""));
    let ind = &ev.indicators[0];
    assert_eq!(ind.status, Status::Error);
    insta::assert_snapshot!(ind.error_message().unwrap_or_default(), @"除数为零：市场主体数量 0户 为 0（规则文件第 25 行）");
}

#[test]
fn evaluation_is_deterministic() {
    let r = rules(RULES);
    let (_, a) = scored(&r, &sub(BASE, "\"7\" = true"));
    let (_, b) = scored(&r, &sub(BASE, "\"7\" = true"));
    assert_eq!(a, b);
}

/// What other parts of the program act on is kept as data beside the explanation: the limit that
/// changed a sum and each year's verdict, so no caller reads it back out of the Chinese lines.
#[test]
fn limits_and_year_verdicts_are_typed_facts() {
    use rust_decimal::Decimal;
    use zhibiao::eval::{Limit, YearOutcome, YearVerdict};
    use zhibiao::number::Num;
    let r = rules(RULES);
    let data = with(&[
        ("outputs", "outputs = 5"),
        (
            "province_growth",
            "province_growth = { 2023 = \"10%\", 2024 = \"16%\" }",
        ),
    ]);
    let (_, ev) = scored(&r, &sub(&data, ""));
    let ind = |no| {
        ev.indicators
            .iter()
            .find(|i| i.no == no)
            .expect("indicator")
    };

    // Indicator 5: 5 outputs × 1 = 5, capped at 2.
    let five = &ind(5).adjustments;
    assert_eq!(five.len(), 1, "{five:?}");
    assert_eq!(five[0].limit, Limit::Cap(Decimal::TWO));
    assert_eq!(five[0].sum, Num::from(Decimal::from(5)));
    assert_eq!(ind(5).score, Decimal::TWO);
    // The explanation's line is worded from the fact.
    assert_eq!(ind(5).explanation().last(), Some(&five[0].words()));
    assert!(ind(1).adjustments.is_empty());
    // `explain` states the cap from the same fact.
    let (submission, evaluation) = scored(&r, &sub(&data, ""));
    let step = zhibiao::explain::explain(&r, &submission, &evaluation, 5).expect("indicator 5");
    let text = zhibiao::explain::to_text(&[step]);
    assert!(
        text.contains("封顶：合计 5 分，最高不超过 2 分，按 2 分计"),
        "{text}"
    );

    // Indicator 2: 2023 grows 10% (= the province's 10%: not above), 2024 15% < 16%.
    assert_eq!(
        ind(2).years,
        vec![
            YearOutcome {
                year: 2023,
                verdict: YearVerdict::NotMet
            },
            YearOutcome {
                year: 2024,
                verdict: YearVerdict::NotMet
            },
        ]
    );
    let data = with(&[(
        "online_retail",
        "online_retail = { 2022 = 100, 2023 = 111 }",
    )]);
    let (_, ev) = scored(&r, &sub(&data, ""));
    let two = &ev
        .indicators
        .iter()
        .find(|i| i.no == 2)
        .expect("indicator")
        .years;
    assert_eq!(
        two,
        &vec![
            YearOutcome {
                year: 2023,
                verdict: YearVerdict::Met
            },
            YearOutcome {
                year: 2024,
                verdict: YearVerdict::Missing
            },
        ]
    );
}
