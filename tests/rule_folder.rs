//! A province ships its reference data once, beside its rules: a rule folder named with
//! `--rules` (or the folder of a rule file) may hold `参照数据.toml` (every year) or
//! `参照数据-2024.toml` (one year). Without `--reference` every command that scores a submission
//! uses it and says so; `--reference` overrides it; two files for one year are refused with a
//! question. The fixture is `tests/fixtures/rule-folder/sd-nmsz` (a revision of the official
//! rules that changes nothing but its version, and the example province data for 2024).

use crate::common::{Run, zhibiao, zhibiao_in};
use serde_json::Value;
use std::path::{Path, PathBuf};
use zhibiao::eval::Program;

const FOLDER: &str = "tests/fixtures/rule-folder/sd-nmsz";
const FOLDER_REFERENCE: &str = "tests/fixtures/rule-folder/sd-nmsz/参照数据-2024.toml";

/// Whether `hay` says `needle`, however the renderer wrapped the lines.
fn says(hay: &str, needle: &str) -> bool {
    let flat = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '│')
            .collect()
    };
    flat(hay).contains(&flat(needle))
}

/// A fresh folder under the test's temporary directory holding the fixture's rule file and the
/// given reference files (name, copied from the fixture's reference or written as given).
fn folder(name: &str, references: &[(&str, Option<&str>)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("rule_folder")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let root = Path::new(crate::common::root());
    std::fs::copy(root.join(FOLDER).join("2024.zb"), dir.join("2024.zb")).expect("rules");
    for (file, text) in references {
        match text {
            Some(t) => std::fs::write(dir.join(file), t).expect("write"),
            None => std::fs::copy(root.join(FOLDER_REFERENCE), dir.join(file))
                .map(|_| ())
                .expect("copy"),
        }
    }
    dir
}

fn json(r: &Run) -> Value {
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    serde_json::from_str(&r.stdout).expect("json report")
}

fn field<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(v, |v, k| &v[*k])
}

#[test]
fn eval_without_reference_uses_the_rule_folders_and_says_so() {
    // Text: the report names the file and says where it came from; no warning.
    let r = zhibiao(&["eval", "examples/pass.toml", "--rules", FOLDER]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "全省参照数据：{FOLDER_REFERENCE}（规则目录中的参照数据，未指定 --reference）"
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("结论：合格（总分 90 / 100）"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("没有提供全省参照数据"), "{}", r.stdout);

    // JSON: the contract's reference fields, and the origin beside them.
    let v = json(&zhibiao(&[
        "eval",
        "examples/pass.toml",
        "--rules",
        FOLDER,
        "--format",
        "json",
    ]));
    assert_eq!(
        field(&v, &["submission", "reference_file"]),
        FOLDER_REFERENCE
    );
    assert_eq!(
        field(&v, &["submission", "reference_origin"]),
        "rule_folder"
    );
    assert!(field(&v, &["submission", "reference_digest"]).is_string());
    assert_eq!(field(&v, &["total"]), "90");

    // Markdown (and HTML, the same view) name it as well.
    let md = zhibiao(&[
        "eval",
        "examples/pass.toml",
        "--rules",
        FOLDER,
        "--format",
        "markdown",
    ]);
    assert!(
        md.stdout.contains(&format!(
            "- 全省参照数据：{FOLDER_REFERENCE}（规则目录中的参照数据"
        )),
        "{}",
        md.stdout
    );

    // A rule file in the folder finds it too.
    let f = zhibiao(&[
        "eval",
        "examples/pass.toml",
        "--rules",
        &format!("{FOLDER}/2024.zb"),
    ]);
    assert!(f.stdout.contains(FOLDER_REFERENCE), "{}", f.stdout);

    // The same rules without the reference file beside them: the province data is missing.
    let bare = folder("bare", &[]);
    let b = zhibiao(&[
        "eval",
        "examples/pass.toml",
        "--rules",
        bare.to_str().unwrap(),
    ]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    assert!(b.stdout.contains("没有提供全省参照数据"), "{}", b.stdout);
    assert!(
        b.stdout.contains("参照数据.toml 为名放在规则目录中"),
        "{}",
        b.stdout
    );
    assert!(!b.stdout.contains("结论：合格"), "{}", b.stdout);
}

#[test]
fn reference_overrides_the_rule_folders() {
    // A reference with one figure only: the others are then missing, so the score drops.
    let dir = folder("override", &[]);
    let given = dir.join("其他参照.toml");
    std::fs::write(
        &given,
        "year = 2024\n\n[data]\nprovince_consumer_satisfaction = \"85%\"\n",
    )
    .expect("write");
    let given = given.to_str().unwrap().to_string();
    let v = json(&zhibiao(&[
        "eval",
        "examples/pass.toml",
        "--rules",
        FOLDER,
        "--reference",
        &given,
        "--format",
        "json",
    ]));
    assert_eq!(field(&v, &["submission", "reference_file"]), given.as_str());
    assert_eq!(field(&v, &["submission", "reference_origin"]), "named");
    assert_ne!(field(&v, &["total"]), "90");
    let t = zhibiao(&[
        "eval",
        "examples/pass.toml",
        "--rules",
        FOLDER,
        "--reference",
        &given,
    ]);
    assert!(
        t.stdout.contains(&format!("全省参照数据：{given}\n")),
        "{}",
        t.stdout
    );
    assert!(!t.stdout.contains(FOLDER_REFERENCE), "{}", t.stdout);
}

#[test]
fn two_files_for_one_year_are_a_question_not_a_guess() {
    // 参照数据.toml serves every year, 参照数据-2024.toml the year 2024: both fit 2024.
    let dir = folder(
        "ambiguous",
        &[("参照数据.toml", None), ("参照数据-2024.toml", None)],
    );
    let rules = dir.to_str().unwrap();
    for args in [
        vec!["eval", "examples/pass.toml", "--rules", rules],
        vec![
            "eval",
            "examples/pass.toml",
            "examples/category-fail.toml",
            "--rules",
            rules,
        ],
        vec!["explain", "examples/pass.toml", "1", "--rules", rules],
        vec![
            "diff",
            "sd-nmsz@2023",
            rules,
            "--submission",
            "examples/pass.toml",
        ],
    ] {
        let r = zhibiao(&args);
        assert_eq!(r.code, 2, "{args:?}\n{}\n{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("S013"), "{args:?}\n{}", r.stderr);
        assert!(
            says(&r.stderr, "2024 年度应该用哪一个？") || says(&r.stderr, "应该用哪一份？"),
            "{args:?}\n{}",
            r.stderr
        );
    }
    // The question names both files, and --reference settles it.
    let r = zhibiao(&["eval", "examples/pass.toml", "--rules", rules]);
    assert!(says(&r.stderr, "参照数据.toml") && says(&r.stderr, "参照数据-2024.toml"));
    let settled = zhibiao(&[
        "eval",
        "examples/pass.toml",
        "--rules",
        rules,
        "--reference",
        "examples/province-2024.toml",
    ]);
    assert_eq!(settled.code, 0, "{}", settled.stderr);

    // Files for different years are no question: each year takes its own.
    let by_year = folder(
        "by_year",
        &[
            ("参照数据-2023.toml", Some("year = 2023\n")),
            ("参照数据-2024.toml", None),
        ],
    );
    let v = json(&zhibiao(&[
        "eval",
        "examples/pass.toml",
        "--rules",
        by_year.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert!(
        field(&v, &["submission", "reference_file"])
            .as_str()
            .is_some_and(|f| f.ends_with("参照数据-2024.toml")),
        "{v}"
    );
}

#[test]
fn a_folder_without_data_for_the_year_keeps_the_warning() {
    let dir = folder(
        "other_year",
        &[("reference-2023.toml", Some("year = 2023\n"))],
    );
    let r = zhibiao(&[
        "eval",
        "examples/pass.toml",
        "--rules",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("⚠ 没有提供全省参照数据"), "{}", r.stdout);
    let batch = zhibiao(&[
        "eval",
        "examples/pass.toml",
        "examples/category-fail.toml",
        "--rules",
        dir.to_str().unwrap(),
    ]);
    assert!(
        says(&batch.stderr, "中没有 2024 年度的全省参照数据"),
        "{}",
        batch.stderr
    );
}

#[test]
fn every_command_that_takes_reference_uses_the_folders() {
    // A batch: the ranking scores with it and says which file it uses.
    let b = zhibiao(&[
        "eval",
        "examples/pass.toml",
        "examples/category-fail.toml",
        "--rules",
        FOLDER,
    ]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    assert!(
        says(&b.stderr, &format!("使用规则目录中的 {FOLDER_REFERENCE}")),
        "{}",
        b.stderr
    );
    assert!(!b.stderr.contains("没有提供全省参照数据"), "{}", b.stderr);
    assert!(says(&b.stdout, "示例甲区┆90┆合格"), "{}", b.stdout);

    // Reports per district carry it.
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("rule_folder")
        .join("reports");
    let _ = std::fs::remove_dir_all(&out);
    let r = zhibiao(&[
        "eval",
        "examples/pass.toml",
        "--rules",
        FOLDER,
        "--out-dir",
        out.to_str().unwrap(),
        "--report-format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("示例甲区.json")).expect("report"))
            .expect("json");
    assert_eq!(
        field(&report, &["submission", "reference_origin"]),
        "rule_folder"
    );

    // explain: no province figure is missing from indicator 1.
    let e = zhibiao(&["explain", "examples/pass.toml", "1", "--rules", FOLDER]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    assert!(e.stderr.contains(FOLDER_REFERENCE), "{}", e.stderr);
    assert!(!e.stdout.contains("缺少数据"), "{}", e.stdout);
    let ej = json(&zhibiao(&[
        "explain",
        "examples/pass.toml",
        "1",
        "--rules",
        FOLDER,
        "--format",
        "json",
    ]));
    assert_eq!(
        field(&ej, &["submission", "reference_file"]),
        FOLDER_REFERENCE
    );
    assert_eq!(
        field(&ej, &["submission", "reference_origin"]),
        "rule_folder"
    );

    // diff --submission: both sides with the same data, so the rules alone make the change
    // (none: the fixture only renames the version).
    let d = zhibiao(&[
        "diff",
        "sd-nmsz@2023",
        FOLDER,
        "--submission",
        "examples/pass.toml",
    ]);
    assert_eq!(d.code, 0, "{}", d.stderr);
    assert!(
        d.stdout.contains("合格 90/100 → 合格 90/100"),
        "{}",
        d.stdout
    );
    assert!(
        says(&d.stderr, "两个版本都使用规则目录中的"),
        "{}",
        d.stderr
    );

    // verify: re-evaluated with the same reference file (its digest is compared) ...
    let saved = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("rule_folder")
        .join("报告.json");
    let r = zhibiao(&[
        "eval",
        "examples/pass.toml",
        "--rules",
        FOLDER,
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::write(&saved, &r.stdout).expect("save");
    let saved = saved.to_str().unwrap();
    let v = zhibiao(&["verify", saved]);
    assert_eq!(v.code, 0, "{}\n{}", v.stdout, v.stderr);
    // ... also from elsewhere, where the recorded relative paths mean nothing: the rule folder
    // named with --rules gives the same reference file for the report's year.
    let root = Path::new(crate::common::root());
    let elsewhere = zhibiao_in(
        Path::new(env!("CARGO_TARGET_TMPDIR")),
        &[
            "verify",
            saved,
            "--rules",
            root.join(FOLDER).to_str().unwrap(),
            "--submission",
            root.join("examples/pass.toml").to_str().unwrap(),
        ],
    );
    assert_eq!(
        elsewhere.code, 0,
        "{}\n{}",
        elsewhere.stdout, elsewhere.stderr
    );
    // ... and a report made with other province data no longer matches.
    let other = folder(
        "verify_other",
        &[(
            "参照数据.toml",
            Some("year = 2024\n\n[data]\nprovince_consumer_satisfaction = \"85%\"\n"),
        )],
    );
    let mismatch = zhibiao_in(
        Path::new(env!("CARGO_TARGET_TMPDIR")),
        &[
            "verify",
            saved,
            "--rules",
            other.to_str().unwrap(),
            "--submission",
            root.join("examples/pass.toml").to_str().unwrap(),
        ],
    );
    assert_eq!(mismatch.code, 1, "{}\n{}", mismatch.stdout, mismatch.stderr);
    assert!(
        mismatch.stdout.contains("参照文件摘要"),
        "{}",
        mismatch.stdout
    );
}

#[test]
fn the_templates_tell_districts_about_the_rule_folder() {
    use calamine::{Data, Reader, Xlsx};
    let f = zhibiao::builtin::default_file();
    let (rules, _) = zhibiao::builtin::load(&std::sync::Arc::from(f.path), f.text);
    let rules = Program::new(rules.expect("rules"));
    let toml = zhibiao::template::to_toml(&rules, 2024);
    assert!(
        toml.contains("zhibiao eval 本文件 --rules 规则目录"),
        "{toml}"
    );
    assert!(toml.contains("--reference 全省参照数据.toml"), "{toml}");

    let bytes = zhibiao::template::xlsx::to_xlsx(&rules, 2024, None).expect("xlsx");
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("open");
    let notes = wb.worksheet_range("说明").expect("说明");
    let text: Vec<String> = notes
        .rows()
        .flat_map(|r| r.iter().map(Data::to_string).collect::<Vec<_>>())
        .collect();
    assert!(
        text.iter()
            .any(|t| t.contains("zhibiao eval 本文件.xlsx --rules 规则目录")),
        "{text:?}"
    );
}
