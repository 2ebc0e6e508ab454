//! A verdict is given only when the rules could score every indicator: rules that `lint` rejects
//! are refused before scoring, and an indicator that cannot be scored as written (a script that
//! never ends, say) leaves the evaluation without a verdict — in every report and in the exit code.

use crate::common::{self, rules, run, scored};
use std::path::PathBuf;
use zhibiao::eval::{Status, Verdict};

/// A file in a scratch folder of its own.
fn scratch_file(tag: &str, name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zhibiao-verdicts-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// Two indicators; the second's script never ends. The pass rule holds on the first alone.
const RUNAWAY: &str = r#"ruleset t "判定测试" {
  version "1"
  effective 2024-01-01
  source "测试"
  pass total >= 1
}
input market_entities "市场主体数量" count 户 help "年末数"

category "甲" points 4 {
  indicator 1 "主体" points 2 {
    nature 定量
    rule "有市场主体得2分"
    method "查数据"
    sources "统计局"
    owners "市场监管局"
    score tiers market_entities { [1, ..) => 2 }
  }
  indicator 2 "死循环" points 2 {
    nature 定量
    rule "脚本"
    method "查数据"
    sources "统计局"
    owners "商务局"
    score ```
      let n = market_entities;
      loop { n += 1; }
    ```
  }
}
"#;

const SUBMISSION: &str = "region = \"测试区\"\nyear = 2024\n[data]\nmarket_entities = 100\n";

#[test]
fn an_indicator_the_rules_cannot_score_leaves_no_verdict() {
    let r = rules(RUNAWAY);
    let (_, ev) = scored(&r, SUBMISSION);
    assert!(ev.conditions.iter().all(|c| c.held), "total 2 ≥ 1 holds");
    assert_eq!(ev.verdict, Verdict::Undetermined);
    assert!(!ev.passed, "no pass without a verdict");
    let faults: Vec<u32> = ev.rule_faults().map(|i| i.no).collect();
    assert_eq!(faults, vec![2]);
    // The compiled scorer (rankings) says the same.
    let sub = zhibiao::submission::load(
        &r,
        &std::sync::Arc::from("s.toml"),
        SUBMISSION,
        zhibiao::submission::Format::Toml,
    )
    .0
    .expect("submission");
    let scores = r.plan().score(&sub);
    assert_eq!(scores.verdict, Verdict::Undetermined);
    assert!(!scores.passed);
    // The points the rules could not score are no unit's loss.
    let owners: Vec<String> = ev.lost_by_owner().into_iter().map(|(o, _, _)| o).collect();
    assert!(!owners.contains(&"商务局".to_string()), "{owners:?}");
    assert_eq!(
        ev.indicators.iter().find(|i| i.no == 2).map(|i| i.status),
        Some(Status::Error)
    );
}

#[test]
fn the_report_says_no_verdict_and_the_exit_code_is_not_success() {
    let rules = scratch_file("runaway", "rules.zb", RUNAWAY);
    let sub = scratch_file("runaway", "sub.toml", SUBMISSION);
    let (rules, sub) = (rules.to_string_lossy(), sub.to_string_lossy());
    let (code, out, err) = run(&["eval", &sub, "--rules", &rules]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("结论：无法判定（总分 2 / 4）"), "{out}");
    assert!(out.contains("有 1 个指标按现行规则无法计分"), "{out}");
    assert!(out.contains("指标 2 死循环：脚本出错（规则文件第"), "{out}");
    assert!(err.contains("无法判定是否合格：指标 2"), "{err}");
    assert!(!out.contains("结论：合格"), "{out}");

    let (code, out, _) = run(&["eval", &sub, "--rules", &rules, "--format", "json"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["verdict"], "undetermined");
    assert_eq!(v["passed"], false);

    for format in ["markdown", "html"] {
        let (code, out, _) = run(&["eval", &sub, "--rules", &rules, "--format", format]);
        assert_eq!(code, 2, "{format}");
        assert!(out.contains("无法判定"), "{format}: {out:.600}");
        assert!(out.contains("指标 2 死循环"), "{format}");
    }

    // In a batch the district is ranked as 无法判定, and the exit code says not all went well.
    let (code, out, err) = run(&["eval", &sub, &sub, "--rules", &rules]);
    assert_eq!(code, 4, "{out}{err}");
    assert!(out.contains("2 份无法判定"), "{out}");
    assert!(out.contains("无法判定"), "{out}");
}

/// The case a new user met: the official index with one overlap policy removed, which `lint`
/// rejects (ZB401), was scored and flipped the verdict. Now it is refused before scoring.
#[test]
fn rules_that_lint_rejects_are_refused_before_scoring() {
    let official = std::fs::read_to_string(format!("{}/rules/sd-nmsz/2023.zb", common::root()))
        .expect("official rules");
    let broken = official.replacen(
        "score tiers share overlap higher {",
        "score tiers share {",
        1,
    );
    assert_ne!(broken, official, "the fixture edit applies");
    let rules = scratch_file("lint", "2023.zb", &broken);
    let rules = rules.to_string_lossy();
    let (code, out, err) = run(&[
        "eval",
        "examples/pass.toml",
        "--reference",
        "examples/province-2024.toml",
        "--rules",
        &rules,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "no report: {out:.300}");
    assert!(err.contains("ZB401"), "{err}");
    assert!(err.contains("不能用于评估"), "{err}");
    assert!(err.contains("zhibiao lint"), "{err}");
    // --strict is no way around it.
    let (code, _, _) = run(&["eval", "examples/pass.toml", "--rules", &rules, "--strict"]);
    assert_eq!(code, 2);
}
