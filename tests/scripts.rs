//! Embedded Rhai scripts inside a rule file: they see the inputs exactly, and a script that
//! loops, recurses, grows without end or returns nonsense fails its own indicator alone, with the
//! rule file's line in the message. Nothing in the sandbox reaches the clock, randomness, files or
//! modules: `timestamp()`, `rand()` and `open_file()` fail at run time as unknown functions, and
//! `import` and `eval` are refused when the rules load (see tests/bad_inputs/rules/script_*.zb).

use crate::common;
use common::{explain, rules, score_of, scored};
use zhibiao::eval::Status;

const RULES: &str = r#"ruleset t "脚本测试" {
  version "1"
  effective 2024-01-01
  pass total >= 1
}
input market_entities "市场主体数量" count 户
input online_operators "网络交易经营者数量" count 户
input online_retail "网上零售额" money 万元 yearly
input sales "销售额" list money 万元

category "甲" points 28 {
  indicator 1 "脚本分档" points 2 {
    score ```
      let share = online_operators / market_entities;
      if share >= 0.15 { 2 } else if share >= 0.08 { 1 } else { 0 }
    ```
  }
  indicator 2 "死循环" points 2 {
    score ```
      let n = 0;
      loop { n += 1; }
    ```
  }
  indicator 3 "无限递归" points 2 {
    score ```
      fn f(n) { f(n + 1) }
      f(0)
    ```
  }
  indicator 4 "字符串膨胀" points 2 {
    score ```
      let s = "膨胀";
      loop { s += s; }
    ```
  }
  indicator 5 "返回类型不对" points 2 {
    score ```"两分"```
  }
  indicator 6 "超过分值" points 2 {
    score ```100```
  }
  indicator 7 "按年与列表" points 2 {
    score ```
      let g = online_retail[`${Y}`] / online_retail[`${Y - 1}`] - 1;
      let big = sales.filter(|s| s > 300000000).len();
      if g > 0.1 && big >= 1 { 2 } else { 0 }
    ```
  }
  indicator 8 "脚本条件" points 2 {
    score items {
      item 1 "用脚本判断" points 2 when ```online_operators <= market_entities```
    }
  }
  indicator 9 "地图炸弹" points 2 {
    score ```
      let m = #{};
      let i = 0;
      loop { m[`k${i}`] = i; i += 1; }
    ```
  }
  indicator 10 "除以零" points 2 {
    score ```online_operators / 0```
  }
  indicator 11 "读时钟" points 2 {
    score ```if timestamp() > 0 { 2 } else { 0 }```
  }
  indicator 12 "随机数" points 2 {
    score ```rand() % 3```
  }
  indicator 13 "读文件" points 2 {
    score ```open_file("/etc/passwd").read_string().len()```
  }
  indicator 14 "映射按键名排序" points 2 {
    score ```
      let m = #{ c: 1, a: 2, b: 3 };
      let order = "";
      for k in m.keys() { order += k; }
      print(order);
      debug(order);
      if order == "abc" { 2 } else { 0 }
    ```
  }
}
"#;

const SUB: &str = r#"region = "测试区"
year = 2024
[data]
market_entities = 10000
online_operators = 1500
online_retail = { 2023 = 100, 2024 = 115 }
sales = [35000, 100]
"#;

#[test]
fn a_script_sees_exact_decimals_and_scores() {
    let r = rules(RULES);
    let (_, ev) = scored(&r, SUB);
    assert_eq!(
        score_of(&ev, 1),
        "2",
        "1500/10000 is exactly 15%: {}",
        explain(&ev, 1)
    );
    assert_eq!(score_of(&ev, 7), "2", "{}", explain(&ev, 7));
    assert_eq!(score_of(&ev, 8), "2", "{}", explain(&ev, 8));
    assert_eq!(
        score_of(&ev, 14),
        "2",
        "map keys come out in one fixed order: {}",
        explain(&ev, 14)
    );
}

#[test]
fn runaway_scripts_fail_only_their_own_indicator() {
    let r = rules(RULES);
    let (_, ev) = scored(&r, SUB);
    let errors: Vec<String> = ev
        .indicators
        .iter()
        .filter(|i| i.status == Status::Error)
        .map(|i| format!("{}: {}", i.no, i.error_message().unwrap_or_default()))
        .collect();
    insta::assert_snapshot!(errors.join("\n"));
    assert_eq!(
        score_of(&ev, 6),
        "2",
        "a value above the points is capped: {}",
        explain(&ev, 6)
    );
}

#[test]
fn scripts_are_deterministic() {
    let r = rules(RULES);
    let (_, a) = scored(&r, SUB);
    let (_, b) = scored(&r, SUB);
    assert_eq!(a, b);
}

#[test]
fn a_script_reading_a_missing_input_makes_the_indicator_missing() {
    let r = rules(RULES);
    let sub = SUB.replace("market_entities = 10000\n", "");
    let (_, ev) = scored(&r, &sub);
    let ind = ev.indicators.iter().find(|i| i.no == 1).unwrap();
    assert_eq!(ind.status, Status::Missing);
    assert_eq!(ind.missing[0].key, "market_entities");
}

/// Rhai lets a script write into an input map or call a `this`-method on it, although inputs
/// are constants. Such a write stays inside the script run: the indicators scored after it see
/// the submission as it is, in the ranking (compiled scorer) and in the full report alike.
#[test]
fn a_script_cannot_change_what_later_scripts_see() {
    let r = rules(
        r#"ruleset t "脚本改写输入" {
  version "1"
  effective 2024-01-01
  pass total >= 1
}
input online_retail "网上零售额" money 万元 yearly
input sales "销售额" list money 万元

category "甲" points 6 {
  indicator 1 "改写按年数据" points 2 {
    score ```
      online_retail.extra = 1;
      online_retail["2030"] = 5;
      fn grow() { this.more = 2; }
      online_retail.grow();
      0
    ```
  }
  indicator 2 "数年份" points 2 {
    score ```if online_retail.len() == 2 { 2 } else { 0 }```
  }
  indicator 3 "数年份和销售额" points 2 {
    score ```if online_retail.keys().len() + sales.len() == 4 { 2 } else { 0 }```
  }
}
"#,
    );
    let (sub, report) = scored(&r, SUB_TWO_YEARS);
    let ranking = zhibiao::eval::evaluate_scores(&r, &sub);
    for ev in [&report, &ranking] {
        assert_eq!(score_of(ev, 2), "2", "{}", explain(ev, 2));
        assert_eq!(score_of(ev, 3), "2", "{}", explain(ev, 3));
    }
    assert_eq!(report.total, ranking.total);
    assert_eq!(
        zhibiao::batch::row("x.toml", &sub, &ranking).total,
        zhibiao::batch::row("x.toml", &sub, &report).total
    );
}

const SUB_TWO_YEARS: &str = r#"region = "测试区"
year = 2024
[data]
online_retail = { 2023 = 100, 2024 = 115 }
sales = [35000, 100]
"#;
