//! The catalogue of bad inputs: every file under tests/bad_inputs/{rules,submissions,xlsx,tables}/ is
//! given to the built `zhibiao` binary, and what it prints on stderr is snapshotted with the exit
//! code. Each message must name the file, the place and what to do; none may be an internal error.
//! Add a case by adding a file (see tests/bad_inputs/README.md).
//!
//! The binary runs from tests/bad_inputs/ so that the file names in the messages are short and the
//! same on every machine. Invalid UTF-8 can only be tested here: the library takes `&str`, so the
//! CLI is the one place that meets such bytes.

use std::path::Path;
use std::process::Command;

/// The exit code for unusable input (see `zhibiao --help`).
const EXIT_UNUSABLE: i32 = 2;
/// The exit code for an internal error, which no input may cause.
const EXIT_INTERNAL: i32 = 3;

fn dir() -> std::path::PathBuf {
    Path::new(crate::common::root()).join("tests/bad_inputs")
}

/// Runs `zhibiao` in tests/bad_inputs/ and returns "exit code + stderr" for a snapshot.
fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .current_dir(dir())
        .env("NO_COLOR", "1")
        .output()
        .expect("the zhibiao binary runs");
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_ne!(
        code, EXIT_INTERNAL,
        "internal error for {args:?}:\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("内部错误"),
        "{args:?}:\n{stderr}"
    );
    (code, format!("退出码 {code}\n{stderr}"))
}

/// The path of a catalogue file relative to tests/bad_inputs/.
fn relative(path: &Path) -> String {
    path.strip_prefix(dir())
        .expect("under tests/bad_inputs")
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn bad_rule_files() {
    insta::glob!("bad_inputs/rules/*.zb", |path| {
        let file = relative(path);
        let (code, out) = run(&["eval", "empty-submission.toml", "--rules", &file]);
        assert_eq!(code, EXIT_UNUSABLE, "{out}");
        assert!(out.contains(&file), "the message names the file: {out}");
        insta::assert_snapshot!(out);
    });
}

#[test]
fn bad_submissions() {
    insta::glob!("bad_inputs/submissions/*.{toml,json}", |path| {
        let file = relative(path);
        let mut args = vec![
            "eval".to_string(),
            file.clone(),
            "--rules".into(),
            "submission-rules.zb".into(),
        ];
        let reference = Path::new("submissions/references").join(
            path.file_name()
                .expect("a file name")
                .to_string_lossy()
                .as_ref(),
        );
        if dir().join(&reference).exists() {
            args.push("--reference".into());
            args.push(reference.to_string_lossy().replace('\\', "/"));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (_, out) = run(&args);
        // The file at fault: the submission, or the reference file given with it.
        assert!(
            out.contains("submissions/"),
            "the message names the file: {out}"
        );
        insta::assert_snapshot!(out);
    });
}

#[test]
fn bad_workbooks() {
    insta::glob!("bad_inputs/xlsx/*.xlsx", |path| {
        let file = relative(path);
        let (code, out) = run(&["eval", &file, "--rules", "submission-rules.zb"]);
        assert_eq!(code, EXIT_UNUSABLE, "{out}");
        assert!(out.contains(&file), "the message names the file: {out}");
        insta::assert_snapshot!(out);
    });
}

/// District tables, read two ways: as a ranking (streamed; clean rows read quickly, the rest in
/// full) and with `--strict` (read whole, every row in full). Both must name the file and the
/// row or cell of each problem.
#[test]
fn bad_tables() {
    insta::glob!("bad_inputs/tables/*.csv", |path| {
        let file = relative(path);
        let (_, ranked) = run(&["eval", &file, "--rules", "submission-rules.zb"]);
        let (_, strict) = run(&["eval", &file, "--rules", "submission-rules.zb", "--strict"]);
        assert!(
            ranked.contains(&file),
            "the message names the file: {ranked}"
        );
        assert!(
            strict.contains(&file),
            "the message names the file: {strict}"
        );
        insta::assert_snapshot!(format!("── 排名 ──\n{ranked}\n── --strict ──\n{strict}"));
    });
}

/// A batch whose messages fill the pipe, read by someone who stops reading
/// (`zhibiao eval 各地区/ 2>&1 | head`): the program ends quietly, never as an internal error, and
/// its exit code is the one it gives when every message is read: none of these rows can be
/// evaluated, and a script must not take that for success.
#[test]
fn a_closed_pipe_for_messages_keeps_the_exit_code() {
    use std::io::Read;
    let rows: String = (0..3000)
        .map(|i| format!("区{i},2024,12.5,-5,-5,-5,150,x,y,也许,a,b,c,d,e,3,7\n"))
        .collect();
    let header = std::fs::read_to_string(dir().join("tables/header_only.csv")).expect("header");
    let file = std::env::temp_dir().join(format!("zhibiao-closed-pipe-{}.csv", std::process::id()));
    std::fs::write(&file, header + rows.as_str()).expect("write the table");
    let file = file.to_string_lossy().into_owned();
    let args = ["eval", &file, "--rules", "submission-rules.zb"];
    let read_whole = run(&args).0;
    assert_eq!(read_whole, EXIT_UNUSABLE, "no row can be evaluated");
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .current_dir(dir())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the zhibiao binary runs");
    let mut first = [0u8; 1024];
    let mut stderr = child.stderr.take().expect("stderr");
    stderr.read_exact(&mut first).expect("some messages");
    // Far more than a pipe holds is still to come: closing now makes the next write fail.
    drop(stderr);
    let status = child.wait().expect("it ends");
    let _ = std::fs::remove_file(&file);
    assert_eq!(status.code(), Some(read_whole), "{status:?}");
}

/// `zhibiao eval empty.toml 2>&1 | head -1`, with the reader gone before the first message: the
/// submission is still unusable (exit code 2), not a success.
#[test]
fn an_unusable_submission_with_messages_unread_exits_2() {
    let args = [
        "eval",
        "submissions/empty.toml",
        "--rules",
        "submission-rules.zb",
    ];
    assert_eq!(run(&args).0, EXIT_UNUSABLE);
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .current_dir(dir())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the zhibiao binary runs");
    drop(child.stderr.take());
    let status = child.wait().expect("it ends");
    assert_eq!(status.code(), Some(EXIT_UNUSABLE), "{status:?}");
}

/// One-line files: an error past column 65,535 once panicked in the drawing of the caret. The
/// message shows an excerpt around the place with its true line and column. (Made here rather
/// than kept in the catalogue: each file is 70 KB of one line.)
#[test]
fn an_error_past_column_70000_is_reported_not_an_internal_error() {
    let tmp = std::env::temp_dir();
    let pad = " ".repeat(70_000);
    let rules = tmp.join(format!("zhibiao-wide-{}.zb", std::process::id()));
    std::fs::write(
        &rules,
        format!("ruleset x \"宽\" {{ version \"1\" }}{pad}input a \"甲\" count 个 junk"),
    )
    .expect("write the rule file");
    let json = tmp.join(format!("zhibiao-wide-{}.json", std::process::id()));
    std::fs::write(&json, format!("{{\"a\": \"{pad}\", \"b\": ]}}")).expect("write the JSON");
    let (code, rule_out) = run(&[
        "eval",
        "empty-submission.toml",
        "--rules",
        &rules.to_string_lossy(),
    ]);
    assert_eq!(code, EXIT_UNUSABLE, "{rule_out}");
    let (code, json_out) = run(&[
        "eval",
        &json.to_string_lossy(),
        "--rules",
        "submission-rules.zb",
    ]);
    let _ = std::fs::remove_file(&rules);
    let _ = std::fs::remove_file(&json);
    assert_eq!(code, EXIT_UNUSABLE, "{json_out}");
    assert!(rule_out.contains(".zb:1:70050]"), "{rule_out}");
    assert!(json_out.contains(".json:1:70016]"), "{json_out}");
    for out in [&rule_out, &json_out] {
        assert!(out.lines().all(|l| l.chars().count() < 400), "{out}");
    }
}

#[test]
fn the_catalogue_has_at_least_forty_cases() {
    let count = |sub: &str| {
        std::fs::read_dir(dir().join(sub))
            .expect("catalogue directory")
            .filter_map(Result::ok)
            .filter(|e| e.path().is_file())
            .count()
    };
    let n = count("rules") + count("submissions") + count("xlsx") + count("tables");
    assert!(n >= 40, "only {n} bad inputs");
}

#[test]
fn an_internal_error_asks_for_a_report_without_a_backtrace() {
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .env("ZHIBIAO_TEST_PANIC", "1")
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the zhibiao binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(EXIT_INTERNAL), "{stderr}");
    assert!(stderr.contains("zhibiao 内部错误"), "{stderr}");
    assert!(stderr.contains("测试用的内部错误"), "{stderr}");
    assert!(stderr.contains("报告给维护人员"), "{stderr}");
    assert!(stderr.contains(env!("CARGO_PKG_VERSION")), "{stderr}");
    assert!(!stderr.contains("backtrace"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `zhibiao … | head -1`: the reader closes the pipe early. That is not an internal error, but
/// the result was not delivered in full, so it is not a success either: exit code 2, with a
/// message on standard error that says so.
#[test]
fn a_closed_pipe_for_the_result_is_not_a_success() {
    let root = crate::common::root();
    for args in [
        &[
            "eval",
            "examples/pass.toml",
            "--reference",
            "examples/province-2024.toml",
        ][..],
        &[
            "explain",
            "examples/category-fail.toml",
            "3",
            "6",
            "--reference",
            "examples/province-2024.toml",
        ][..],
        &["template", "--format", "toml"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
            .args(args)
            .current_dir(root)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the zhibiao binary runs");
        // Close the reading end before zhibiao writes: every write it makes then fails with EPIPE.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("zhibiao finishes");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(EXIT_UNUSABLE), "{args:?}: {stderr}");
        assert!(stderr.contains("标准输出已关闭"), "{args:?}: {stderr}");
        assert!(!stderr.contains("内部错误"), "{args:?}: {stderr}");
    }
}

/// Points at the end of the exact decimal range: summing them would overflow (a panic in
/// `Decimal`'s `+`, found by this test); such rules are refused for scoring with a message.
#[test]
fn points_beyond_the_decimal_range_are_refused_for_scoring() {
    let (code, out) = run(&["eval", "huge_points.toml", "--rules", "huge_points.zb"]);
    assert_eq!(code, EXIT_UNUSABLE, "{out}");
    assert!(out.contains("huge_points.zb"), "{out}");
    assert!(out.contains("超出了可精确计算的数值范围"), "{out}");
}
