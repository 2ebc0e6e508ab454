//! The command line's own shell and its edges: Chinese help and argument errors, formats offered
//! only where they are real, every command reading every submission format `eval` reads, shell
//! completions and the man page, and input read within its size limit.

use crate::common::run;
use std::path::{Path, PathBuf};

/// A scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("zhibiao-shell-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What clap writes in English when it is left to itself.
const CLAP_ENGLISH: &[&str] = &[
    "Usage",
    "Options:",
    "Arguments:",
    "Commands:",
    "Print help",
    "Print version",
    "Possible values",
    "possible values",
    "[default",
    "[OPTIONS]",
    "<FILE>",
    "<SUBMISSION>",
    "error:",
    "For more information",
];

fn assert_chinese(what: &str, text: &str) {
    for english in CLAP_ENGLISH {
        assert!(!text.contains(english), "{what}: “{english}” in\n{text}");
    }
}

#[test]
fn every_help_page_is_chinese() {
    let (code, root_help, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert_chinese("zhibiao --help", &root_help);
    assert!(root_help.contains("用法：zhibiao <命令>"), "{root_help}");
    assert!(root_help.contains("显示帮助") && root_help.contains("显示版本号"));
    for sub in [
        "eval",
        "explain",
        "lint",
        "test",
        "fmt",
        "diff",
        "verify",
        "rules",
        "template",
        "completions",
        "man",
    ] {
        for flag in ["--help", "-h"] {
            let (code, help, err) = run(&[sub, flag]);
            assert_eq!(code, 0, "{sub} {flag}: {err}");
            assert_chinese(&format!("zhibiao {sub} {flag}"), &help);
            assert!(help.contains(&format!("用法：zhibiao {sub}")), "{help}");
        }
    }
    let (_, eval_help, _) = run(&["eval", "--help"]);
    assert!(
        eval_help.contains("可选值——text：中文文字报告"),
        "{eval_help}"
    );
    assert!(eval_help.contains("默认：text。"), "{eval_help}");
    assert!(eval_help.contains("<申报文件>"), "{eval_help}");
}

/// Every example a help page gives is real: a path with a folder in it names a file or folder of
/// the repository (a bare file name such as `修订稿.zb` stands for the user's own file), and a
/// built-in rule set `set@version` is built in. The commands are read from `zhibiao --help`.
#[test]
fn every_example_in_the_help_pages_exists() {
    // Where a command's output goes, not a file to read: shown, never looked for.
    const DESTINATIONS: &[&str] = &["/etc/bash_completion.d/zhibiao", "./zhibiao.1"];
    let (_, root_help, _) = run(&["--help"]);
    let commands: Vec<String> = root_help
        .lines()
        .skip_while(|l| !l.starts_with("命令"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(commands.len() > 10, "{root_help}");
    let mut checked = 0;
    for sub in commands {
        let (code, help, err) = run(&[&sub, "--help"]);
        assert_eq!(code, 0, "{sub}: {err}");
        // Runs of ASCII without spaces or brackets: `rules/sd-nmsz/2023.zb`, `sd-nmsz@2023`.
        let tokens = help
            .split(|c: char| !c.is_ascii() || c.is_whitespace() || "<>()[]|,;\"'`".contains(c))
            .map(|t| t.trim_end_matches('.'));
        for t in tokens {
            if let Some((set, version)) = t.split_once('@') {
                assert!(
                    zhibiao::builtin::find(set, version).is_some(),
                    "zhibiao {sub} --help: {t} is not built in"
                );
                checked += 1;
                continue;
            }
            let Some((dir, file)) = t.rsplit_once('/') else {
                continue;
            };
            // A path: a folder (`rules/`) or a file with an extension; `Excel/WPS` is neither.
            if (dir.is_empty() && file.is_empty()) || !(file.is_empty() || file.contains('.')) {
                continue;
            }
            if DESTINATIONS.contains(&t) {
                continue;
            }
            assert!(
                Path::new(crate::common::root()).join(t).exists(),
                "zhibiao {sub} --help: {t} does not exist"
            );
            checked += 1;
        }
    }
    assert!(checked > 5, "only {checked} examples found");
}

#[test]
fn argument_errors_are_chinese_and_say_what_to_do() {
    let (code, out, err) = run(&["eval", "examples/pass.toml", "--refrence", "x.toml"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_chinese("a misspelt option", &err);
    assert!(err.contains("不认识的选项或参数“--refrence”"), "{err}");
    assert!(err.contains("您是不是要写“--reference”？"), "{err}");
    assert!(err.contains("查看帮助：zhibiao eval --help"), "{err}");

    let (code, _, err) = run(&["evl", "examples/pass.toml"]);
    assert_eq!(code, 2);
    assert_chinese("a misspelt command", &err);
    assert!(err.contains("没有“evl”这个命令"), "{err}");
    assert!(err.contains("“eval”"), "{err}");

    let (code, _, err) = run(&["eval", "examples/pass.toml", "--format", "htm"]);
    assert_eq!(code, 2);
    assert_chinese("a value not offered", &err);
    assert!(err.contains("的值“htm”不在可选范围内"), "{err}");
    assert!(err.contains("html"), "{err}");

    let (code, _, err) = run(&["explain"]);
    assert_eq!(code, 2);
    assert_chinese("missing arguments", &err);
    assert!(err.contains("缺少必需的参数"), "{err}");

    let (code, _, err) = run(&["template", "--year", "二〇二四"]);
    assert_eq!(code, 2);
    assert_chinese("a number that is not one", &err);
    assert!(err.contains("应为一个整数"), "{err}");
}

/// `diff` and `rules` print text or JSON; nothing else is offered, and what is offered works.
#[test]
fn diff_and_rules_offer_only_the_formats_they_have() {
    for args in [
        &["diff", "sd-nmsz@2023", "sd-nmsz@2023", "--format", "html"][..],
        &["diff", "sd-nmsz@2023", "sd-nmsz@2023", "--format", "xlsx"][..],
        &["rules", "--format", "csv"][..],
        &["rules", "--format", "html"][..],
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(err.contains("可选：text、json"), "{args:?}: {err}");
    }
    for args in [
        &["diff", "sd-nmsz@2023", "sd-nmsz@2023", "--format", "json"][..],
        &["rules", "--format", "json"][..],
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        serde_json::from_str::<serde_json::Value>(&out).expect("JSON");
    }
    let (_, help, _) = run(&["diff", "--help"]);
    assert!(!help.contains("-o 指定文件"), "{help}");
}

/// Every command that reads one district's submission reads a filled-in XLSX template, as
/// `eval` does.
#[test]
fn explain_verify_and_diff_read_a_filled_in_template() {
    let dir = Scratch::new("xlsx");
    let xlsx = dir.path("示例甲区.xlsx");
    let (code, _, err) = run(&[
        "template",
        "--year",
        "2024",
        "--from",
        "examples/pass.toml",
        "-o",
        &xlsx,
    ]);
    assert_eq!(code, 0, "{err}");
    let reference = ["--reference", "examples/province-2024.toml"];

    let (code, toml_report, err) = run(&[&["eval", "examples/pass.toml"][..], &reference].concat());
    assert_eq!(code, 0, "{err}");
    let (code, xlsx_report, err) = run(&[&["eval", xlsx.as_str()][..], &reference].concat());
    assert_eq!(code, 0, "{err}");
    let verdict = |r: &str| {
        r.lines()
            .find(|l| l.starts_with("结论"))
            .map(str::to_string)
    };
    assert_eq!(verdict(&xlsx_report), verdict(&toml_report));

    let (code, explained, err) = run(&[&["explain", xlsx.as_str(), "3"][..], &reference].concat());
    assert_eq!(code, 0, "{err}");
    let (_, from_toml, _) =
        run(&[&["explain", "examples/pass.toml", "3"][..], &reference].concat());
    assert_eq!(explained, from_toml);

    let (code, diffed, err) = run(&[
        &[
            "diff",
            "sd-nmsz@2023",
            "sd-nmsz@2023",
            "--submission",
            xlsx.as_str(),
        ][..],
        &reference,
    ]
    .concat());
    assert_eq!(code, 0, "{err}");
    assert!(diffed.contains("示例甲区"), "{diffed}");

    let report = dir.path("report.json");
    let (code, _, err) = run(&[
        &[
            "eval",
            xlsx.as_str(),
            "--format",
            "json",
            "-o",
            report.as_str(),
        ][..],
        &reference,
    ]
    .concat());
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&["verify", &report]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn completions_and_the_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains("zhibiao"), "{shell}");
        assert!(out.contains("explain"), "{shell}: subcommands complete");
    }
    let (code, page, err) = run(&["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        page.starts_with(".ie") || page.starts_with(".TH"),
        "{page:.200}"
    );
    assert!(page.contains(".SH 用法"), "{page}");
    assert!(page.contains(".SH 命令"), "{page}");
    assert!(!page.contains(".SH SYNOPSIS"), "{page}");
}

/// A file past its size limit is refused after reading one byte more than the limit, never read
/// whole: a link to an endless device ends with the limit's message.
#[test]
fn input_is_read_within_its_limit() {
    let dir = Scratch::new("limit");
    let zero = dir.path("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    let (code, _, err) = run(&["eval", &zero]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("文件超过 4 MiB 的大小上限"), "{err}");
    let rules = dir.path("zero.zb");
    std::os::unix::fs::symlink("/dev/zero", &rules).expect("symlink");
    let (code, _, err) = run(&["lint", &rules]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("文件超过 4 MiB 的大小上限"), "{err}");
    assert!(Path::new(&zero).exists());
    // A table streamed row by row reads each row within its limit.
    let table = dir.path("zero.csv");
    std::os::unix::fs::symlink("/dev/zero", &table).expect("symlink");
    let (code, _, err) = run(&["eval", &table]);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("第 1 行超过 16 MiB 的上限"), "{err}");
}

/// Forgetting `--reference` used to give a quiet 不合格 with the province's figures listed as the
/// district's missing data; now the report opens with what is missing and how to supply it.
#[test]
fn a_report_without_the_province_reference_says_so_first() {
    let (code, out, _) = run(&["eval", "examples/pass.toml"]);
    assert_eq!(code, 0);
    let warning = out
        .lines()
        .position(|l| l.starts_with("⚠ 没有提供全省参照数据：缺少 10 项全省数据"))
        .expect("the warning");
    let verdict = out
        .lines()
        .position(|l| l.starts_with("结论："))
        .expect("verdict");
    assert!(warning < verdict, "the warning comes before the verdict");
    assert!(
        out.contains("指标 1、5、6、25、26 因此按缺少数据计 0 分"),
        "{out}"
    );
    assert!(out.contains("--reference"), "{out}");
    let (_, json, err) = run(&["eval", "examples/pass.toml", "--format", "json"]);
    assert!(err.contains("没有提供全省参照数据"), "{err}");
    serde_json::from_str::<serde_json::Value>(&json).expect("JSON on stdout");

    let (code, out, _) = run(&[
        "eval",
        "examples/pass.toml",
        "--reference",
        "examples/province-2024.toml",
    ]);
    assert_eq!(code, 0);
    assert!(!out.contains("没有提供全省参照数据"), "{out}");
}
