//! The typed reasons of a scoring (`IndicatorResult::reasons`, items' `why`), one small named
//! snapshot per construct, as the JSON report gives them to programs; and the words reports make
//! of them come from them alone.

use crate::common::{rules, scored};
use std::collections::BTreeSet;
use zhibiao::eval::{Evaluation, Reason};

const RULES: &str = r#"ruleset r "理由" {
  version "1"
  effective 2024-01-01
  points 30
  pass total >= 20
}
input entities "市场主体数量" count 户
input operators "网络交易经营者数量" count 户
input retail "网上零售额" money 万元 yearly
input retail_growth "网上零售额同比增速（公布值）" percent yearly optional
input province_growth "全省增速" percent yearly
input sales "新增经营者销售额" list money 万元
input outputs "成果" count 项
input rate "处置率" percent max 100%
input loss "扣分项" count 项

fn growth(series, y) "同比增速" = series[y] / series[y - 1] - 1
fn online_growth(y) "网上零售额同比增速" = retail_growth[y] ?? growth(retail, y)

category "甲" points 30 {
  indicator 1 "分档" points 2 {
    let share "占比" = operators / entities
    score tiers share overlap higher {
      [8%, 15%] => 1
      [15%, ..) => 2
    }
  }
  indicator 2 "逐年" points 3 {
    score each year y in Y-2..Y award 1 when online_growth(y) > province_growth[y]
  }
  indicator 3 "子项" points 3 {
    score items {
      item 1 "处置及时" points 1 when rate >= 100% and not (operators > entities)
      item 2 "机制" points 1 judged
      item 3 "成效" points 1 judged
    }
  }
  indicator 4 "任一" points 3 {
    score any award 3 {
      item 1 "甲" judged
      item 2 "乙" when outputs >= 5 or rate >= 100%
    }
  }
  indicator 5 "公式封顶" points 3 {
    score outputs * 1
    cap 2
  }
  indicator 6 "取高" points 2 {
    let over_3 "超过3亿元的家数" = count(s in sales where s > 3亿元)
    score max {
      tiers over_3 { [1, ..) => 2 }
      over_3 * 0.5
    }
  }
  indicator 7 "评审" points 2 {
    score judged
  }
  indicator 8 "相加" points 2 {
    score sum {
      tiers outputs { [1, ..) => 1 }
      outputs * 1
    }
  }
  indicator 9 "函数" points 2 {
    score min(outputs, 2)
  }
  indicator 10 "负分" points 2 {
    score 1 - loss
  }
  indicator 11 "无法计分" points 2 {
    score outputs / (loss - loss)
  }
  indicator 12 "未分档" points 2 {
    score tiers rate {
      [90%, 95%) => 1
      [95%, ..) => 2
    }
  }
  indicator 13 "缺数据" points 2 {
    score loss * 1
  }
  indicator 14 "计数" points 2 {
    score count(s in sales where s > 1亿元)
  }
}
"#;

/// Every datum given: each indicator takes its main path.
const FULL: &str = r#"region = "测试区"
year = 2024
[data]
entities = 10000
operators = 1500
retail = { 2021 = 90, 2022 = 100, 2023 = 110, 2024 = 126.5 }
retail_growth = { 2023 = "9%" }
province_growth = { 2022 = "10%", 2023 = "10%", 2024 = "15%" }
sales = [35000, 6000]
outputs = 3
rate = "100%"
loss = 2
[judgements]
"3.2" = { met = true, evidence = ["制度文件"] }
"3.3" = { met = false, note = "部分落实" }
"4.1" = { met = false }
"7" = { score = 1.5 }
"#;

/// Data left out and judgements not submitted: the paths for missing data.
const SPARSE: &str = r#"region = "测试区"
year = 2024
[data]
entities = 10000
retail = { 2022 = 100, 2024 = 126.5 }
province_growth = { 2022 = "10%", 2023 = "10%", 2024 = "15%" }
sales = []
outputs = 0
rate = "80%"
[judgements]
"#;

fn evaluation(sub: &str) -> Evaluation {
    scored(&rules(RULES), sub).1
}

fn reasons_json(ev: &Evaluation, no: u32) -> String {
    let ind = ev
        .indicators
        .iter()
        .find(|i| i.no == no)
        .expect("indicator");
    serde_json::to_string_pretty(&ind.reasons).expect("json")
}

#[test]
fn each_construct_has_its_typed_reasons() {
    let full = evaluation(FULL);
    let sparse = evaluation(SPARSE);
    for (name, ev, no) in [
        ("tiers_overlap", &full, 1),
        ("tiers_subject_missing", &sparse, 1),
        ("each_year", &full, 2),
        ("each_year_missing", &sparse, 2),
        ("items", &full, 3),
        ("items_missing_and_not_submitted", &sparse, 3),
        ("any_met", &full, 4),
        ("any_none", &sparse, 4),
        ("formula_capped", &full, 5),
        ("max_of_forms", &full, 6),
        ("judged", &full, 7),
        ("judged_not_submitted", &sparse, 7),
        ("sum_of_forms_over_points", &full, 8),
        ("builtin_function", &full, 9),
        ("below_zero", &full, 10),
        ("rule_fails", &full, 11),
        ("no_tier", &sparse, 12),
        ("value_missing", &sparse, 13),
        ("count_where", &full, 14),
    ] {
        insta::assert_snapshot!(name, reasons_json(ev, no));
    }
}

/// The kind of each reason and of everything inside it, as the JSON names them.
fn kinds(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for key in ["kind", "verdict", "by", "as"] {
                if let Some(k) = m.get(key).and_then(|k| k.as_str()) {
                    out.insert(format!("{key}:{k}"));
                }
            }
            for x in m.values() {
                kinds(x, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| kinds(x, out)),
        _ => {}
    }
}

#[test]
fn the_snapshots_cover_every_kind_of_reason() {
    let mut seen = BTreeSet::new();
    for ev in [evaluation(FULL), evaluation(SPARSE)] {
        for i in &ev.indicators {
            kinds(&serde_json::to_value(&i.reasons).expect("json"), &mut seen);
        }
    }
    let expected = [
        "kind:tier_subject_missing",
        "kind:no_tier",
        "kind:tier",
        "kind:overlap",
        "kind:year",
        "kind:item",
        "kind:any_met",
        "kind:any_none",
        "kind:judged",
        "kind:part",
        "kind:best",
        "kind:total",
        "kind:formula",
        "kind:value",
        "kind:value_missing",
        "kind:limited",
        "kind:missing_data",
        "kind:failed",
        "verdict:met",
        "verdict:not_met",
        "verdict:missing",
        "by:condition",
        "by:judgement",
        "as:not_submitted",
        "as:scored",
        "as:met",
        "as:not_met",
        "kind:compare",
        "kind:and",
        "kind:or",
        "kind:name",
        "kind:yearly",
        "kind:at_year",
        "kind:builtin",
        "kind:function",
        "kind:arith",
        "kind:coalesce",
        "kind:count_where",
        "kind:literal",
        "kind:chosen",
        "kind:op",
        "kind:operand",
        "kind:failed",
        "kind:stated",
        "kind:actual",
        "kind:unknown",
    ];
    let missing: Vec<&str> = expected
        .iter()
        .copied()
        .filter(|k| !seen.contains(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "not covered: {missing:?}; seen {seen:?}"
    );
}

#[test]
fn limits_name_which_limit_applied() {
    let ev = evaluation(FULL);
    let limit = |no: u32| {
        ev.indicators
            .iter()
            .find(|i| i.no == no)
            .expect("indicator")
            .reasons
            .iter()
            .find_map(|r| match r {
                Reason::Limited { limit, .. } => Some(*limit),
                _ => None,
            })
    };
    use rust_decimal::Decimal;
    use zhibiao::eval::Limit;
    assert_eq!(limit(5), Some(Limit::Cap(Decimal::from(2))));
    assert_eq!(limit(8), Some(Limit::Points(Decimal::from(2))));
    assert_eq!(limit(10), Some(Limit::Zero));
}
