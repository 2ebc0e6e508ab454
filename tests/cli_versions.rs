//! The version commands end to end, through the `zhibiao` binary: picking rules by id, date and
//! path; byte-identical reports; `verify` on a saved report (and on edited ones); the `rules`
//! listing; `diff` with the impact on the example submissions.

use crate::common::{Run, zhibiao};
use std::path::{Path, PathBuf};

const REVISION: &str = "tests/fixtures/versions/sd-nmsz/2025.zb";
const REFERENCE: &str = "examples/province-2024.toml";
const EXAMPLES: [&str; 3] = [
    "examples/pass.toml",
    "examples/category-fail.toml",
    "examples/draft.toml",
];

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_versions");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir.join(name)
}

/// Digests change whenever a rule file is touched; snapshots keep their place, not their value.
fn redact(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("sha256:") {
        out.push_str(&rest[..i + 7]);
        let tail = &rest[i + 7..];
        let hex = tail.bytes().take_while(|b| b.is_ascii_hexdigit()).count();
        out.push_str(if hex == 64 { "…" } else { &tail[..hex] });
        rest = &tail[hex..];
    }
    out.push_str(rest);
    out
}

/// Whether `hay` says `needle`, however the renderer wrapped the lines.
fn says(hay: &str, needle: &str) -> bool {
    let flat = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '│')
            .collect()
    };
    flat(hay).contains(&flat(needle))
}

fn rules_line(r: &Run) -> &str {
    r.stdout
        .lines()
        .find(|l| l.starts_with("规则："))
        .unwrap_or("")
}

#[test]
fn eval_picks_rules_by_id_by_date_and_by_path() {
    let eval = |extra: &[&str]| {
        let mut args = vec!["eval", "examples/pass.toml", "--reference", REFERENCE];
        args.extend_from_slice(extra);
        zhibiao(&args)
    };
    let by_id = eval(&["--rules", "sd-nmsz@2023"]);
    assert_eq!(by_id.code, 0, "{}", by_id.stderr);
    assert_eq!(
        rules_line(&by_id),
        "规则：sd-nmsz 2023 版（rules/sd-nmsz/2023.zb（内置））"
    );
    assert!(by_id.stdout.contains("结论：合格（总分 90 / 100）"));

    let by_path = eval(&["--rules", REVISION]);
    assert_eq!(by_path.code, 0, "{}", by_path.stderr);
    assert_eq!(
        rules_line(&by_path),
        format!("规则：sd-nmsz 2025 版（{REVISION}）")
    );
    assert!(
        by_path
            .stdout
            .contains("基于：sd-nmsz@2023（rules/sd-nmsz/2023.zb（内置））")
    );
    assert!(by_path.stdout.contains("结论：不合格（总分 89 / 100）"));

    // A folder offers its versions and the built-in ones of the same set.
    let folder = "tests/fixtures/versions/sd-nmsz";
    let on = |day: &str| rules_line(&eval(&["--rules", folder, "--as-of", day])).to_string();
    assert!(on("2025-06-30").starts_with("规则：sd-nmsz 2023 版"));
    assert!(on("2025-07-01").starts_with("规则：sd-nmsz 2025 版"));
    assert!(rules_line(&eval(&["--rules", folder])).starts_with("规则：sd-nmsz 2025 版"));

    // Built-in versions by date; the default set without --rules.
    assert!(rules_line(&eval(&["--as-of", "2024-01-01"])).starts_with("规则：sd-nmsz 2023 版"));
    let targets = eval(&["--rules", "lingang-targets", "--as-of", "2025-12-31"]);
    assert!(rules_line(&targets).starts_with("规则：lingang-targets 2025 版"));

    // Nothing in force, a bad date, a version and a date at once: unusable, with a reason.
    let none = eval(&["--as-of", "2023-10-31"]);
    assert_eq!(none.code, 2);
    assert!(
        says(&none.stderr, "2023-10-31 没有生效的 sd-nmsz 版本"),
        "{}",
        none.stderr
    );
    let expired = eval(&["--rules", "lingang-targets", "--as-of", "2026-01-01"]);
    assert_eq!(expired.code, 2);
    assert!(
        says(&expired.stderr, "2023-11-01 至 2025-12-31"),
        "{}",
        expired.stderr
    );
    let bad = eval(&["--as-of", "2025-02-30"]);
    assert_eq!(bad.code, 2);
    assert!(says(&bad.stderr, "--as-of 的日期“2025-02-30”无效"));
    let both = eval(&["--rules", "sd-nmsz@2023", "--as-of", "2025-07-01"]);
    assert_eq!(both.code, 2);
    assert!(says(&both.stderr, "已指定版本"), "{}", both.stderr);
    let unknown = eval(&["--rules", "sd-nmsz@2019"]);
    assert_eq!(unknown.code, 2);
    assert!(says(
        &unknown.stderr,
        "sd-nmsz 的版本有：2023（2023-11-01 起）"
    ));
}

#[test]
fn the_submission_may_name_its_rules_and_the_command_line_wins() {
    let text = std::fs::read_to_string(Path::new(crate::common::root()).join("examples/pass.toml"))
        .expect("example")
        .replace(
            "# ruleset = \"sd-nmsz@2023\"",
            "ruleset = \"lingang-targets@2025\"",
        );
    let path = tmp("names-targets.toml");
    std::fs::write(&path, text).expect("write");
    let p = path.to_str().expect("path");
    let own = zhibiao(&["eval", p, "--reference", REFERENCE]);
    assert!(
        rules_line(&own).starts_with("规则：lingang-targets 2025 版"),
        "{}",
        own.stderr
    );
    let cli = zhibiao(&["eval", p, "--reference", REFERENCE, "--rules", "sd-nmsz"]);
    assert!(
        rules_line(&cli).starts_with("规则：sd-nmsz 2023 版"),
        "{}",
        cli.stderr
    );
    // A submission names built-in rule sets only, never a file.
    let by_path = tmp("names-a-file.toml");
    let text = std::fs::read_to_string(&path)
        .expect("written")
        .replace("lingang-targets@2025", REVISION);
    std::fs::write(&by_path, text).expect("write");
    let refused = zhibiao(&[
        "eval",
        by_path.to_str().expect("path"),
        "--reference",
        REFERENCE,
    ]);
    assert_eq!(refused.code, 2);
    assert!(
        says(&refused.stderr, "申报文件中的 ruleset 只能写内置规则编号"),
        "{}",
        refused.stderr
    );
    // The submission's version gives way to the command line's date.
    let dated = zhibiao(&["eval", p, "--reference", REFERENCE, "--as-of", "2024-05-01"]);
    assert!(rules_line(&dated).starts_with("规则：lingang-targets 2025 版"));
}

#[test]
fn the_same_inputs_give_byte_identical_reports() {
    for rules in ["sd-nmsz@2023", REVISION, "lingang-targets"] {
        for format in ["text", "json"] {
            for sub in EXAMPLES {
                let args = [
                    "eval",
                    sub,
                    "--reference",
                    REFERENCE,
                    "--rules",
                    rules,
                    "--format",
                    format,
                ];
                let (a, b) = (zhibiao(&args), zhibiao(&args));
                assert_eq!(a.code, 0, "{}", a.stderr);
                assert!(!a.stdout.is_empty());
                assert_eq!(
                    a.stdout.as_bytes(),
                    b.stdout.as_bytes(),
                    "{rules} {format} {sub}"
                );
            }
        }
    }
    let diff = [
        "diff",
        "sd-nmsz@2023",
        REVISION,
        "--submission",
        EXAMPLES[0],
        "--submission",
        EXAMPLES[1],
        "--reference",
        REFERENCE,
        "--format",
        "json",
    ];
    assert_eq!(zhibiao(&diff).stdout, zhibiao(&diff).stdout);
}

fn saved_report(name: &str, rules: &str) -> (PathBuf, String) {
    let r = zhibiao(&[
        "eval",
        "examples/pass.toml",
        "--reference",
        REFERENCE,
        "--rules",
        rules,
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = tmp(name);
    std::fs::write(&path, &r.stdout).expect("write report");
    (path, r.stdout)
}

#[test]
fn verify_confirms_a_saved_report() {
    for (name, rules) in [("plain.json", "sd-nmsz@2023"), ("revision.json", REVISION)] {
        let (path, _) = saved_report(name, rules);
        let v = zhibiao(&["verify", path.to_str().expect("path")]);
        assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
        assert!(v.stdout.starts_with("一致："), "{}", v.stdout);
    }
}

#[test]
fn verify_catches_an_edited_report() {
    let (_, json) = saved_report("original.json", "sd-nmsz@2023");
    // One indicator's score: indicator 9 earned 2.
    let at = json.find("\"id\": \"9\"").expect("indicator 9");
    let score_at = at + json[at..].find("\"score\": \"2\"").expect("its score");
    let mut edited = json.clone();
    edited.replace_range(score_at..score_at + 12, "\"score\": \"1\"");
    let path = tmp("edited-score.json");
    std::fs::write(&path, &edited).expect("write");
    let v = zhibiao(&["verify", path.to_str().expect("path")]);
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(
        v.stdout
            .contains("指标 9 的得分（indicators[9].score）：报告中为 1，重新评估为 2"),
        "{}",
        v.stdout
    );
    assert!(v.stdout.contains("报告内容被改动过"), "{}", v.stdout);

    // One digest.
    let digest_at = json.find("\"digest\": \"sha256:").expect("digest") + 18;
    let mut edited = json.clone();
    let flipped = if &json[digest_at..digest_at + 1] == "0" {
        "1"
    } else {
        "0"
    };
    edited.replace_range(digest_at..digest_at + 1, flipped);
    let path = tmp("edited-digest.json");
    std::fs::write(&path, &edited).expect("write");
    let v = zhibiao(&["verify", path.to_str().expect("path")]);
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(
        v.stdout.contains("规则摘要（ruleset.digest）"),
        "{}",
        v.stdout
    );
    assert!(v.stdout.contains("摘要与报告记录的不同"), "{}", v.stdout);

    // A report scored under other rules than it claims.
    let v = zhibiao(&[
        "verify",
        tmp("original.json").to_str().expect("path"),
        "--rules",
        REVISION,
    ]);
    assert_eq!(v.code, 1);
    assert!(
        v.stdout
            .contains("是否合格（passed）：报告中为 true，重新评估为 false"),
        "{}",
        v.stdout
    );
}

#[test]
fn verify_says_when_it_cannot_check() {
    let not_json = tmp("not-json.json");
    std::fs::write(&not_json, "{ \"ruleset\": ").expect("write");
    let v = zhibiao(&["verify", not_json.to_str().expect("path")]);
    assert_eq!(v.code, 2);
    assert!(says(&v.stderr, "不是 JSON 文件"), "{}", v.stderr);

    let not_report = tmp("not-report.json");
    std::fs::write(&not_report, "{ \"a\": 1 }").expect("write");
    let v = zhibiao(&["verify", not_report.to_str().expect("path")]);
    assert_eq!(v.code, 2);
    assert!(says(&v.stderr, "不是 zhibiao 的评估报告"), "{}", v.stderr);

    let (_, json) = saved_report("moved.json", "sd-nmsz@2023");
    let moved = tmp("moved-away.json");
    std::fs::write(
        &moved,
        json.replace("examples/pass.toml", "examples/gone.toml"),
    )
    .expect("write");
    let v = zhibiao(&["verify", moved.to_str().expect("path")]);
    assert_eq!(v.code, 2);
    assert!(says(&v.stderr, "用 --submission 指定"), "{}", v.stderr);
    // Told where the file is now, the check goes through.
    let v = zhibiao(&[
        "verify",
        moved.to_str().expect("path"),
        "--submission",
        "examples/pass.toml",
    ]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
}

#[test]
fn rules_lists_sets_versions_dates_and_digests() {
    let r = zhibiao(&["rules", "tests/fixtures/versions/sd-nmsz"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(redact(&r.stdout));
    let j = zhibiao(&["rules", "--format", "json"]);
    assert_eq!(j.code, 0);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("json");
    let ids: Vec<&str> = v["sets"]
        .as_array()
        .expect("sets")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(ids, ["lingang-targets", "sd-nmsz"]);
    assert_eq!(v["problems"].as_array().map(Vec::len), Some(0));

    // Overlapping dates in a folder are findings (exit 1).
    let dir = tmp("overlap/sd-nmsz");
    std::fs::create_dir_all(&dir).expect("dir");
    let late = std::fs::read_to_string(Path::new(crate::common::root()).join(REVISION))
        .expect("revision")
        .replace("version \"2025\"", "version \"2024\"")
        .replace("effective 2025-07-01", "effective 2023-11-01");
    std::fs::write(dir.join("2024.zb"), late).expect("write");
    let r = zhibiao(&["rules", dir.to_str().expect("path")]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("ZB703"), "{}", r.stderr);
    // `check` (now `lint`) reports them too, beside the file's own findings, on standard output.
    let c = zhibiao(&["check", dir.to_str().expect("path")]);
    assert_eq!(c.code, 1, "{}", c.stderr);
    assert!(c.stdout.contains("ZB703"), "{}", c.stdout);
}

#[test]
fn diff_shows_the_revision_and_its_impact_on_the_examples() {
    let mut args = vec!["diff", "sd-nmsz@2023", REVISION, "--reference", REFERENCE];
    for e in EXAMPLES {
        args.extend_from_slice(&["--submission", e]);
    }
    let text = zhibiao(&args);
    assert_eq!(text.code, 0, "{}", text.stderr);
    insta::assert_snapshot!("diff_revision_text", redact(&text.stdout));
    args.extend_from_slice(&["--format", "json"]);
    let json = zhibiao(&args);
    assert_eq!(json.code, 0);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let verdicts: Vec<(bool, &str, &str)> = v["submissions"]
        .as_array()
        .expect("submissions")
        .iter()
        .map(|s| {
            (
                s["verdict_changed"].as_bool().unwrap_or(false),
                s["old"]["total"].as_str().unwrap_or(""),
                s["new"]["total"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [(true, "90", "89"), (false, "86", "86"), (false, "8", "8")]
    );
    insta::assert_snapshot!("diff_revision_json", redact(&json.stdout));
}

#[test]
fn diff_of_identical_rules_says_so() {
    let r = zhibiao(&["diff", "sd-nmsz@2023", "rules/sd-nmsz/2023.zb"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("两个版本的规则在内容上没有差别"),
        "{}",
        r.stdout
    );
}

#[test]
fn diff_says_which_submissions_the_new_version_cannot_read() {
    let r = zhibiao(&[
        "diff",
        "tests/fixtures/versions/demo/1.zb",
        "tests/fixtures/versions/demo/2.zb",
        "--submission",
        "tests/fixtures/versions/demo/submission.toml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let impact = &r.stdout[r.stdout.find("对申报文件的影响").expect("impact")..];
    insta::assert_snapshot!(impact);
}

/// `verify` reads only the files the user names, or those in the report's folder or the current
/// folder: a report naming a file elsewhere (an edited or foreign report) is refused, not read.
#[test]
fn verify_does_not_read_a_file_outside_its_folders() {
    let (_, json) = saved_report("confined.json", "sd-nmsz@2023");
    let outside = std::env::temp_dir().join(format!(
        "zhibiao-verify-outside-{}.toml",
        std::process::id()
    ));
    std::fs::copy(
        format!("{}/examples/pass.toml", crate::common::root()),
        &outside,
    )
    .expect("copy");
    let mut saved: serde_json::Value = serde_json::from_str(&json).expect("json");
    saved["submission"]["file"] = serde_json::Value::from(outside.to_str().expect("path"));
    let path = tmp("confined-elsewhere.json");
    std::fs::write(&path, serde_json::to_string_pretty(&saved).expect("json")).expect("write");
    let v = zhibiao(&["verify", path.to_str().expect("path")]);
    assert_eq!(v.code, 2, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stderr.contains("不在报告所在的目录或当前目录里"),
        "{}",
        v.stderr
    );
    assert!(v.stderr.contains("--submission"), "{}", v.stderr);
    // Named by the user, it is read.
    let v = zhibiao(&[
        "verify",
        path.to_str().expect("path"),
        "--submission",
        outside.to_str().expect("path"),
    ]);
    assert_ne!(v.code, 2, "{}{}", v.stdout, v.stderr);
    let _ = std::fs::remove_file(&outside);
}
