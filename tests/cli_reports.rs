//! The `explain` command and the report formats from the command line: exit codes, files
//! written with `-o`, and messages that say what to do.

use crate::common::run as zhibiao;

const SUB: &str = "examples/category-fail.toml";
const REF: &str = "examples/province-2024.toml";

#[test]
fn explain_prints_the_steps_of_each_indicator_asked_for() {
    let (code, out, err) = zhibiao(&["explain", SUB, "3", "35", "--reference", REF]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("指标 3　网络交易经营者数量占市场主体比重"));
    assert!(out.contains("指标 35　创新工作形成制度化、标准化成果"));
    assert!(out.contains("需达到 2项（现 1项），可再得 1 分"));
    let (code, out, _) = zhibiao(&["explain", SUB, "6", "--reference", REF, "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["indicators"][0]["id"], "6");
    assert!(
        v["indicators"][0]["next"]["suggestions"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
}

#[test]
fn explain_names_a_wrong_indicator_and_the_valid_range() {
    let (code, _, err) = zhibiao(&["explain", SUB, "99", "--reference", REF]);
    assert_eq!(code, 2);
    assert!(err.contains("没有指标“99”"), "{err}");
    assert!(err.contains("1 到 42"), "{err}");
}

/// An XLSX report goes to a pipe or a redirected file as it does to `-o`, as every command's
/// binary output does (only a terminal is refused, which this test cannot be).
#[test]
fn xlsx_goes_to_a_pipe_as_to_a_file() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(["eval", SUB, "--reference", REF, "--format", "xlsx"])
        .current_dir(crate::common::root())
        .output()
        .expect("run zhibiao");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        out.stdout.starts_with(b"PK"),
        "a workbook on standard output"
    );
}

#[test]
fn reports_are_written_with_o() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-reports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    for (format, file, magic) in [
        ("xlsx", "r.xlsx", &b"PK"[..]),
        ("html", "r.html", &b"<!doctype html>"[..]),
        ("markdown", "r.md", "# 全省".as_bytes()),
    ] {
        let path = dir.join(file);
        let p = path.display().to_string();
        let (code, out, err) = zhibiao(&[
            "eval",
            SUB,
            "--reference",
            REF,
            "--format",
            format,
            "-o",
            &p,
        ]);
        assert_eq!(code, 0, "{format}: {err}");
        assert!(out.is_empty(), "{format}: nothing on stdout");
        let bytes = std::fs::read(&path).expect("written");
        assert!(bytes.starts_with(magic), "{format}");
    }
    let (code, _, err) = zhibiao(&[
        "eval",
        SUB,
        "--reference",
        REF,
        "--format",
        "html",
        "-o",
        "/nonexistent-dir/r.html",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("无法写入文件 /nonexistent-dir/r.html：所在目录不存在"),
        "{err}"
    );
}
