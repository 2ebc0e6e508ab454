//! The rule author's commands as staff run them: `zhibiao lint`, `zhibiao test` and
//! `zhibiao fmt`, their output and their exit codes (0 clean, 1 findings, 2 unusable input).

use crate::common::run_in;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(crate::common::root())
}

fn run(args: &[&str]) -> (i32, String, String) {
    run_in(root(), args)
}

/// A scratch folder holding a copy of the official rule set, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("zhibiao-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("rules/sd-nmsz/tests")).expect("mkdir");
        std::fs::create_dir_all(dir.join("examples")).expect("mkdir");
        for f in [
            "rules/sd-nmsz/2023.zb",
            "examples/pass.toml",
            "examples/province-2024.toml",
        ] {
            std::fs::copy(root().join(f), dir.join(f)).expect("copy");
        }
        Scratch(dir)
    }

    fn write(&self, path: &str, text: &str) {
        std::fs::write(self.0.join(path), text).expect("write");
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.0.join(path)).expect("read")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn lint_of_the_shipped_rules_is_clean_and_lists_the_acknowledged_findings() {
    let (code, out, _) = run(&["lint"]);
    assert_eq!(code, 0, "{out}");
    insta::assert_snapshot!(out);
    let (code, _, _) = run(&["lint", "--deny", "warnings"]);
    assert_eq!(code, 0);
    // `check` is the old name of `lint`.
    let (code, _, _) = run(&["check", "rules/sd-nmsz/2023.zb"]);
    assert_eq!(code, 0);
}

#[test]
fn lint_exit_codes() {
    let (code, _, _) = run(&["lint", "tests/fixtures/lint/ZB401_tier_overlap.zb"]);
    assert_eq!(code, 1, "an error is a finding");
    let warnings_only = "tests/fixtures/lint/ZB403_tier_gap.zb";
    let (code, out, _) = run(&["lint", warnings_only]);
    assert_eq!(code, 0, "{out}");
    let (code, _, _) = run(&["lint", "--deny", "warnings", warnings_only]);
    assert_eq!(code, 1);
    let (code, _, err) = run(&["lint", "no/such/rules"]);
    assert_eq!(code, 2);
    assert!(err.contains("找不到这个文件或目录"), "{err}");
}

#[test]
fn lint_json_has_code_severity_place_message_and_acknowledgement() {
    let (code, out, _) = run(&["lint", "--format", "json", "rules/sd-nmsz/2023.zb"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["passed"], true);
    assert_eq!(v["acknowledged"], 3);
    let f = &v["findings"][0];
    for key in [
        "code", "severity", "file", "line", "column", "message", "help",
    ] {
        assert!(!f[key].is_null(), "{key} missing in {f}");
    }
    assert!(f["acknowledged"]["reason"].is_string());
    let (code, out, _) = run(&[
        "lint",
        "--format",
        "json",
        "tests/fixtures/lint/ZB204_bare_number.zb",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let findings = v["findings"].as_array().expect("findings");
    let first = findings
        .iter()
        .find(|f| f["code"] == "ZB204")
        .expect("a ZB204 finding");
    assert_eq!(first["severity"], "warning");
    assert_eq!(first["line"], 21);
    assert!(first["acknowledged"].is_null());
}

#[test]
fn lint_explains_a_check_and_prints_the_catalogue() {
    let (code, out, _) = run(&["lint", "--explain", "zb401"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("ZB401 tier-overlap"), "{out}");
    assert!(out.contains("## 应改为"));
    let (code, out, _) = run(&["lint", "--docs"]);
    assert_eq!(code, 0);
    assert_eq!(out, zhibiao::lint::docs_markdown());
}

#[test]
fn the_official_tests_pass_with_full_boundary_coverage() {
    let (code, out, _) = run(&["test", "rules/"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("已测 114 种（100%），要求完整覆盖"), "{out}");
    assert!(!out.contains('✗'), "{out}");
}

#[test]
fn a_failing_case_shows_expected_and_actual_with_the_explanation_and_update_reblesses_it() {
    let s = Scratch::new("update");
    s.write(
        "rules/sd-nmsz/tests/share.toml",
        r#"# 指标3的分档。
submission = "../../../examples/pass.toml"
reference = "../../../examples/province-2024.toml"

[[case]]
name = "占比恰为15%"
[case.data]
market_entities = 10000
online_operators = 1500
[case.expect]
total = 90 # 示例甲区的总分
[case.expect.indicators]
3 = 1 # 写错了：15% 取较高档，应为 2
"#,
    );
    let (code, out, _) = run_in(&s.0, &["test"]);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!("failing_case", out);
    let (code, out, _) = run_in(&s.0, &["test", "--update"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("占比恰为15% · 指标 3：1 → 2"), "{out}");
    let updated = s.read("rules/sd-nmsz/tests/share.toml");
    assert!(
        updated.contains("3 = 2 # 写错了"),
        "comments stay: {updated}"
    );
    assert!(updated.contains("total = 90 # 示例甲区的总分"), "{updated}");
    let (code, out, _) = run_in(&s.0, &["test"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn required_coverage_lists_what_no_test_touches() {
    let s = Scratch::new("coverage");
    s.write(
        "rules/sd-nmsz/tests/one.toml",
        r#"submission = "../../../examples/pass.toml"
reference = "../../../examples/province-2024.toml"

[[case]]
name = "示例甲区"
[case.expect]
total = 90
"#,
    );
    let (code, out, _) = run_in(&s.0, &["test"]);
    assert_eq!(code, 0, "coverage is only reported unless required: {out}");
    assert!(
        out.contains("指标 3（网络交易经营者占比）：没有测试低于 8%、恰好等于 8% 的情况"),
        "{out}"
    );
    let (code, out, _) = run_in(&s.0, &["test", "--require-coverage"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("边界覆盖不完整"), "{out}");
    s.write(
        "rules/sd-nmsz/tests/config.toml",
        "require_full_coverage = true\n",
    );
    let (code, _, _) = run_in(&s.0, &["test"]);
    assert_eq!(code, 1);
}

#[test]
fn a_test_file_with_a_typo_is_unusable_with_a_suggestion() {
    let s = Scratch::new("typo");
    s.write(
        "rules/sd-nmsz/tests/typo.toml",
        "submision = \"../../../examples/pass.toml\"\n\n[[case]]\nname = \"x\"\n",
    );
    let (code, out, _) = run_in(&s.0, &["test"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("T001"), "{out}");
    assert!(out.contains("是否想写 submission？"), "{out}");
}

#[test]
fn fmt_check_shows_a_diff_and_fmt_rewrites() {
    let (code, out, err) = run(&["fmt", "--check", "rules/"]);
    assert_eq!(code, 0, "{out}{err}");
    let s = Scratch::new("fmt");
    s.write(
        "rules/messy.zb",
        "ruleset t \"t\" { version \"1\" effective 2024-01-01 source \"s\" pass total>=1 }\n",
    );
    let (code, out, _) = run_in(&s.0, &["fmt", "--check", "rules/messy.zb"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("fmt_check_diff", out);
    let (code, _, _) = run_in(&s.0, &["fmt", "rules/messy.zb"]);
    assert_eq!(code, 0);
    let (code, _, _) = run_in(&s.0, &["fmt", "--check", "rules/messy.zb"]);
    assert_eq!(code, 0);
    s.write("rules/broken.zb", "ruleset t \"t\" { pass total >= }\n");
    let (code, _, err) = run_in(&s.0, &["fmt", "rules/broken.zb"]);
    assert_eq!(code, 2);
    assert!(err.contains("有语法错误，未格式化"), "{err}");
    assert_eq!(
        s.read("rules/broken.zb"),
        "ruleset t \"t\" { pass total >= }\n"
    );
}

/// An indicator scored by a script has no boundaries the rule can show, so coverage cannot speak
/// for it: without a case that states its expected score it is reported untested, and required
/// coverage is short.
#[test]
fn an_indicator_scored_by_a_script_without_a_case_is_untested() {
    let s = Scratch::new("scripted");
    std::fs::create_dir_all(s.0.join("rules/s/tests")).expect("mkdir");
    s.write(
        "rules/s/1.zb",
        r#"ruleset s "脚本覆盖" {
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
  indicator 2 "脚本" points 2 {
    nature 定量
    rule "超过100户得2分"
    method "查数据"
    sources "统计局"
    owners "商务局"
    score ```
      if market_entities > 100 { 2 } else { 0 }
    ```
  }
}
"#,
    );
    let case = |expect: &str| {
        format!(
            "[submission]\nregion = \"测试区\"\nyear = 2024\n[submission.data]\nmarket_entities = 0\n\n\
             [[case]]\nname = \"没有市场主体\"\n[case.expect.indicators]\n1 = 0\n{expect}\n\n\
             [[case]]\nname = \"有1户\"\n[case.data]\nmarket_entities = 1\n[case.expect.indicators]\n1 = 2\n\n\
             [[case]]\nname = \"有200户\"\n[case.data]\nmarket_entities = 200\n[case.expect.indicators]\n1 = 2\n"
        )
    };
    s.write(
        "rules/s/tests/config.toml",
        "require_full_coverage = true\n",
    );
    s.write("rules/s/tests/cases.toml", &case(""));
    let (code, out, err) = run_in(&s.0, &["test", "rules/s"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("未测试：指标 2 用脚本计分"), "{out}");
    s.write("rules/s/tests/cases.toml", &case("2 = 0"));
    let (code, out, err) = run_in(&s.0, &["test", "rules/s"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("未测试"), "{out}");
}

/// `test --update` rewrites a case whose name says what it should score; when the name and the
/// new expectation disagree it says so, and an update is reported as what it is, not a failure.
#[test]
fn an_update_against_the_case_name_is_questioned() {
    let s = Scratch::new("update-name");
    s.write(
        "rules/sd-nmsz/tests/share.toml",
        r#"submission = "../../../examples/pass.toml"
reference = "../../../examples/province-2024.toml"

[[case]]
name = "占比恰为15%，含本数，得1分"
[case.data]
market_entities = 10000
online_operators = 1500
[case.expect.indicators]
3 = 1
"#,
    );
    let (code, out, _) = run_in(&s.0, &["test", "--update"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("↻ 占比恰为15%，含本数，得1分：期望已按当前结果更新"),
        "{out}"
    );
    assert!(out.contains("已按当前结果更新期望 1 个"), "{out}");
    assert!(!out.contains('✗'), "{out}");
    assert!(!out.contains("未通过"), "{out}");
    assert!(
        out.contains(
            "⚠ 用例“占比恰为15%，含本数，得1分”的名称写着得 1 分，更新后的期望是指标 3 得 2 分"
        ),
        "{out}"
    );
}

/// A revision beside an edited copy of the version it extends builds on that copy; the author is
/// told so (ZB712) by `eval` and `lint`, and not told when the copy is the built-in file unchanged.
#[test]
fn a_revision_on_an_edited_local_base_is_told_so() {
    let s = Scratch::new("shadow");
    let revision = std::fs::read_to_string(root().join("tests/fixtures/versions/sd-nmsz/2025.zb"))
        .expect("revision");
    s.write("rules/sd-nmsz/2025.zb", &revision);
    let args = [
        "eval",
        "examples/pass.toml",
        "--reference",
        "examples/province-2024.toml",
        "--rules",
        "rules/sd-nmsz/2025.zb",
    ];
    let (code, _, err) = run_in(&s.0, &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        !err.contains("ZB712"),
        "the copy is the built-in file unchanged: {err}"
    );

    let edited = s
        .read("rules/sd-nmsz/2023.zb")
        .replacen("[8%, 15%] => 1", "[7%, 15%] => 1", 1);
    s.write("rules/sd-nmsz/2023.zb", &edited);
    let (code, _, err) = run_in(&s.0, &args);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ZB712"), "{err}");
    assert!(err.contains("用的是本地文件"), "{err}");
    assert!(err.contains("与内置的同一版本"), "{err}");
    let (_, out, _) = run_in(&s.0, &["lint", "rules/sd-nmsz/2025.zb"]);
    assert!(out.contains("ZB712"), "{out}");
}

/// `-o` and `--out-dir` never overwrite what the command reads: the submission, the reference,
/// a rule file, or a file in a folder of submissions, however the path is spelled. Nothing is
/// written and the exit code is 2.
#[test]
fn output_never_overwrites_an_input() {
    let s = Scratch::new("overwrite");
    let pass = s.read("examples/pass.toml");
    let reference = s.read("examples/province-2024.toml");
    let rules = s.read("rules/sd-nmsz/2023.zb");
    let base = [
        "eval",
        "examples/pass.toml",
        "--rules",
        "rules/sd-nmsz/2023.zb",
        "--reference",
        "examples/province-2024.toml",
        "-o",
    ];
    for out in [
        "examples/pass.toml",
        "./examples/../examples/province-2024.toml",
        "rules/sd-nmsz/2023.zb",
    ] {
        let mut args = base.to_vec();
        args.push(out);
        let (code, _, err) = run_in(&s.0, &args);
        assert_eq!(code, 2, "{out}: {err}");
        assert!(
            err.contains("输入文件") && err.contains("覆盖"),
            "{out}: {err}"
        );
    }
    // A batch's ranking onto a file in the folder it reads.
    std::fs::create_dir_all(s.0.join("batch")).expect("mkdir");
    s.write("batch/甲区.toml", &pass);
    let (code, _, err) = run_in(
        &s.0,
        &["eval", "batch", "--format", "csv", "-o", "batch/甲区.toml"],
    );
    assert_eq!(code, 2, "{err}");
    // Reports per district, named after the district, onto its own submission
    // (`示例甲区.json` read from the folder the reports go to).
    let json = std::fs::read_to_string(root().join("examples/pass.json")).expect("json");
    std::fs::remove_file(s.0.join("batch/甲区.toml")).expect("rm");
    s.write("batch/示例甲区.json", &json);
    let (code, _, err) = run_in(
        &s.0,
        &[
            "eval",
            "batch",
            "--out-dir",
            "batch",
            "--report-format",
            "json",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("输入文件"), "{err}");
    assert_eq!(s.read("batch/示例甲区.json"), json, "not overwritten");
    assert_eq!(s.read("examples/pass.toml"), pass);
    assert_eq!(s.read("examples/province-2024.toml"), reference);
    assert_eq!(s.read("rules/sd-nmsz/2023.zb"), rules);
}

/// A district name over 255 bytes still gets its report (the file name is cut at a character
/// boundary), and two such names stay apart.
#[test]
fn a_very_long_district_name_still_gets_its_report() {
    let s = Scratch::new("longname");
    let pass = s.read("examples/pass.toml");
    let long = "很".repeat(120);
    std::fs::create_dir_all(s.0.join("batch")).expect("mkdir");
    for (file, region) in [
        ("a.toml", format!("{long}甲")),
        ("b.toml", format!("{long}乙")),
    ] {
        let text: String = pass
            .lines()
            .map(|l| {
                if l.starts_with("region = ") {
                    format!("region = \"{region}\"\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        s.write(&format!("batch/{file}"), &text);
    }
    let (code, _, err) = run_in(&s.0, &["eval", "batch", "--out-dir", "out"]);
    assert!(code == 0 || code == 4, "{err}");
    let names: Vec<String> = std::fs::read_dir(s.0.join("out"))
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?} {err}");
    assert!(names.iter().all(|n| n.len() <= 255), "{names:?}");
}

/// `generate` refuses a count beyond its documented limit at once, before allocating anything.
#[test]
fn generate_refuses_a_huge_count() {
    let s = Scratch::new("gencount");
    let (code, _, err) = run_in(
        &s.0,
        &[
            "generate",
            "--count",
            "18446744073709551615",
            "--format",
            "csv",
            "-o",
            "x.csv",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--count 最多为 1000000"), "{err}");
    assert!(!s.0.join("x.csv").exists());
}

/// `--strict` names missing data and unsubmitted judgements by their Chinese label first, the
/// key in brackets, as every other submission message does.
#[test]
fn strict_messages_lead_with_the_label() {
    let (code, _, err) = run(&[
        "eval",
        "examples/draft.toml",
        "--strict",
        "--reference",
        "examples/province-2024.toml",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("缺少数据：社会零售总额（社会消费品零售总额）（retail_total.2023）"),
        "{err}"
    );
}

/// A file name is the user's text too (issue 16 item 16): one with a control character or an
/// escape sequence (a window title, "clear the screen") is shown with “�” in the command
/// line's own messages, like the rest of what the user wrote, and never reaches the terminal.
#[test]
fn file_names_in_messages_are_made_printable() {
    let s = Scratch::new("ctl-name");
    let bad = "坏\u{1b}]0;假标题\u{7}\u{1b}[2J.toml";
    s.write(bad, "region = \n");
    let (code, _, err) = run_in(
        &s.0,
        &[
            "eval",
            "examples/pass.toml",
            bad,
            "--reference",
            "examples/province-2024.toml",
        ],
    );
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("── 坏\u{fffd}\u{fffd}.toml：无法评估"),
        "{err}"
    );
    assert!(
        !err.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{err:?}"
    );
}
