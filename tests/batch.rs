//! Batch evaluation through the command line: a folder of mixed good and bad submissions (TOML,
//! a filled-in XLSX template, a CSV table with a bad row) gives a ranking of the good ones, the
//! bad ones reported and skipped, exit code 4, and no progress bar when standard error is a
//! pipe.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use zhibiao::eval::Program;
use zhibiao::model::RuleSet;
use zhibiao::submission::{self, Format, Submission};

const REFERENCE: &str = include_str!("../examples/province-2024.toml");

fn official() -> Program {
    let f = zhibiao::builtin::default_file();
    let (rules, _) = zhibiao::builtin::load(&Arc::from(f.path), f.text);
    Program::new(rules.expect("rules"))
}

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/examples/{name}", crate::common::root())).expect("example")
}

fn load(rules: &RuleSet, text: &str) -> Submission {
    let (sub, diags) = submission::load(rules, &Arc::from("x.toml"), text, Format::Toml);
    assert!(!zhibiao::diag::has_errors(&diags));
    sub.expect("usable")
}

/// A fresh folder for one test, with the province reference beside the `batch` folder.
fn workspace(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("batch")).expect("mkdir");
    std::fs::write(root.join("province-2024.toml"), REFERENCE).expect("write");
    root
}

/// A folder of mixed submissions.
fn mixed(root: &Path) {
    let rules = official();
    let dir = root.join("batch");
    std::fs::write(dir.join("a-pass.toml"), example("pass.toml")).expect("write");
    std::fs::write(
        dir.join("b-category-fail.toml"),
        example("category-fail.toml"),
    )
    .expect("write");
    std::fs::write(
        dir.join("c-broken.toml"),
        "region = \"坏区\"\nyear = 2024\n\n[data]\nmarket_entities = 12000.5\n",
    )
    .expect("write");
    let draft = load(&rules, &example("draft.toml"));
    let xlsx = zhibiao::template::xlsx::to_xlsx(&rules, 2024, Some(&draft)).expect("xlsx");
    std::fs::write(dir.join("d-draft.xlsx"), xlsx).expect("write");
    let base = load(&rules, &example("pass.toml"));
    let subs: Vec<Submission> = (0..3)
        .map(|i| zhibiao::generate::submission(&rules, &base, 7, i))
        .collect();
    let mut csv = zhibiao::template::table::to_csv(&rules, 2024, &subs);
    // The second district's rate above 100%: that row alone fails.
    let lines: Vec<&str> = csv.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = header
        .iter()
        .position(|h| h.contains("(identity_claim_rate)") || h.contains("（identity_claim_rate）"))
        .expect("column");
    let mut row: Vec<String> = lines[2].split(',').map(String::from).collect();
    row[col] = "150%".into();
    let row = row.join(",");
    csv = [lines[0], lines[1], &row, lines[3]].join("\n") + "\n";
    std::fs::write(dir.join("e-table.csv"), csv).expect("write");
    // Not read: other extensions and Excel's lock files.
    std::fs::write(dir.join("notes.txt"), "不是申报").expect("write");
    std::fs::write(dir.join("~$d-draft.xlsx"), "lock").expect("write");
}

fn zhibiao(root: &Path, args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .current_dir(root)
        .env_remove("CI")
        .output()
        .expect("run");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn a_mixed_batch_ranks_the_good_and_reports_the_bad() {
    let root = workspace("mixed");
    mixed(&root);
    let (stdout, stderr, code) = zhibiao(
        &root,
        &["eval", "batch", "--reference", "province-2024.toml"],
    );
    assert_eq!(code, 4, "some failed: {stderr}");
    assert!(
        !stderr.contains("评估中"),
        "no progress bar in a pipe: {stderr}"
    );
    insta::assert_snapshot!("mixed_ranking", stdout);
    insta::assert_snapshot!("mixed_stderr", stderr);
}

#[test]
fn a_batch_writes_csv_json_and_one_report_per_district() {
    let root = workspace("formats");
    mixed(&root);
    let (csv, _, code) = zhibiao(
        &root,
        &[
            "eval",
            "batch",
            "--reference",
            "province-2024.toml",
            "--format",
            "csv",
            "--out-dir",
            "reports",
        ],
    );
    assert_eq!(code, 4);
    assert!(csv.starts_with('\u{feff}'), "a byte order mark for Excel");
    insta::assert_snapshot!("mixed_csv", csv);
    let mut reports: Vec<String> = std::fs::read_dir(root.join("reports"))
        .expect("reports")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    reports.sort();
    assert_eq!(reports.len(), 5, "{reports:?}");
    let pass = std::fs::read_to_string(root.join("reports/示例甲区.txt")).expect("report");
    assert!(pass.contains("结论：合格"), "{pass}");
    let (json, _, _) = zhibiao(
        &root,
        &[
            "eval",
            "batch",
            "--reference",
            "province-2024.toml",
            "--format",
            "json",
        ],
    );
    // Written as it is made (`Ranking::write_json`), byte for byte what the tree gave.
    insta::assert_snapshot!("mixed_json", json);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["evaluated"], 5);
    assert_eq!(v["failed_count"], 2);
    assert!(
        v["rows"][0]["total"].is_string(),
        "exact decimals as strings"
    );
}

#[test]
fn an_xlsx_ranking_needs_a_file_and_reads_back() {
    let root = workspace("xlsx-ranking");
    mixed(&root);
    let (_, _, code) = zhibiao(
        &root,
        &[
            "eval",
            "batch",
            "--reference",
            "province-2024.toml",
            "--format",
            "xlsx",
            "-o",
            "排名.xlsx",
        ],
    );
    assert_eq!(code, 4);
    let bytes = std::fs::read(root.join("排名.xlsx")).expect("ranking");
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("xlsx");
    assert_eq!(wb.sheet_names(), ["排名", "无法评估"]);
    let r = wb.worksheet_range("排名").expect("sheet");
    assert_eq!(
        r.get_value((1, 1)).map(|d| d.to_string()).as_deref(),
        Some("示例甲区")
    );
}

#[test]
fn every_good_batch_exits_zero_and_single_files_keep_their_report() {
    let root = workspace("good");
    std::fs::write(root.join("batch/pass.toml"), example("pass.toml")).expect("write");
    let (stdout, _, code) = zhibiao(
        &root,
        &["eval", "batch", "--reference", "province-2024.toml"],
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("1 份已评估，其中 1 份合格"), "{stdout}");
    // One filled-in template gives the same report as the TOML file it came from.
    let rules = official();
    let sub = load(&rules, &example("pass.toml"));
    let xlsx = zhibiao::template::xlsx::to_xlsx(&rules, 2024, Some(&sub)).expect("xlsx");
    std::fs::write(root.join("pass.xlsx"), xlsx).expect("write");
    std::fs::write(root.join("pass.toml"), example("pass.toml")).expect("write");
    let (from_xlsx, _, c1) = zhibiao(
        &root,
        &["eval", "pass.xlsx", "--reference", "province-2024.toml"],
    );
    let (from_toml, _, c2) = zhibiao(
        &root,
        &["eval", "pass.toml", "--reference", "province-2024.toml"],
    );
    assert_eq!((c1, c2), (0, 0));
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("申报：") && !l.starts_with("规则摘要"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&from_xlsx), strip(&from_toml));
}

#[test]
fn the_templates_come_out_of_the_command_line() {
    let root = workspace("templates");
    let (toml, _, code) = zhibiao(&root, &["template", "--year", "2024"]);
    assert_eq!(code, 0);
    assert!(toml.contains("year = 2024") && toml.contains("# market_entities = "));
    let (_, stderr, code) = zhibiao(&root, &["template", "--year", "2024", "-o", "模板.xlsx"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(zhibiao::submission::xlsx::is_template(
        &std::fs::read(root.join("模板.xlsx")).expect("xlsx")
    ));
    let (csv, _, _) = zhibiao(&root, &["template", "--year", "2024", "--format", "csv"]);
    assert!(
        csv.starts_with("\u{feff}地区（region）,评估年度（year）,网上零售额（online_retail.2022）"),
        "{csv}"
    );
    let (schema, _, _) = zhibiao(&root, &["template", "--year", "2024", "--format", "schema"]);
    assert!(schema.contains("\"$schema\""));
}

/// A district's row with a total and a verdict, the rest empty.
fn rank_row(region: &str, total: u32, passed: bool) -> zhibiao::batch::RankRow {
    zhibiao::batch::RankRow {
        rank: 0,
        region: region.into(),
        source: format!("{region}.toml"),
        total: total.into(),
        max: 100.into(),
        categories: Vec::new(),
        passed,
        verdict: if passed {
            zhibiao::eval::Verdict::Passed
        } else {
            zhibiao::eval::Verdict::Failed
        },
        unmet: Vec::new(),
        losses: Vec::new(),
        missing: 0,
        not_submitted: 0,
    }
}

/// A district can score more and still fail (a category below 75%): by total it ranks above a
/// passing one; asked to put passing districts first, it does not. Equal totals share a rank.
#[test]
fn passing_first_orders_by_verdict_then_total() {
    use zhibiao::batch::{Order, ranking};
    let rules = crate::common::rules(include_str!("../rules/sd-nmsz/2023.zb"));
    let rows = || {
        vec![
            rank_row("乙", 88, false),
            rank_row("甲", 86, true),
            rank_row("丙", 86, true),
            rank_row("丁", 70, false),
        ]
    };
    let order = |r: &zhibiao::batch::Ranking| -> Vec<(usize, String)> {
        r.rows.iter().map(|x| (x.rank, x.region.clone())).collect()
    };
    let by_total = ranking(&rules, rows(), Vec::new(), Order::Total);
    assert_eq!(
        order(&by_total),
        [(1, "乙"), (2, "丙"), (2, "甲"), (4, "丁")].map(|(n, s)| (n, s.to_string()))
    );
    let passing = ranking(&rules, rows(), Vec::new(), Order::PassingFirst);
    assert_eq!(
        order(&passing),
        [(1, "丙"), (1, "甲"), (3, "乙"), (4, "丁")].map(|(n, s)| (n, s.to_string()))
    );
}

/// The text ranking fits a 120-column console, and says when two submissions name one district.
#[test]
fn the_text_ranking_fits_a_console_and_flags_a_district_twice() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args([
            "eval",
            "examples/pass.toml",
            "examples/category-fail.toml",
            "examples/draft.toml",
            "examples/pass.toml",
            "--reference",
            "examples/province-2024.toml",
        ])
        .current_dir(crate::common::root())
        .output()
        .expect("zhibiao runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let widest = text
        .lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0);
    assert!(widest <= 120, "{widest} columns:\n{text}");
    assert!(text.contains("⚠ “示例甲区”出现在 2 份申报中"), "{text}");
    assert!(text.contains("缺数据") && text.contains("未提交"), "{text}");
}

/// A batch without the province's reference data, and a district named twice, are told on
/// standard error whatever the format, so that a ranking read by a program is not taken on trust.
#[test]
fn a_batch_warns_of_no_reference_and_a_district_twice_in_every_format() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args([
            "eval",
            "examples/pass.toml",
            "examples/pass.toml",
            "--format",
            "csv",
        ])
        .current_dir(crate::common::root())
        .output()
        .expect("zhibiao runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("⚠ 没有提供全省参照数据（--reference）"),
        "{err}"
    );
    assert!(err.contains("全省网上零售额同比增速"), "{err}");
    assert!(err.contains("⚠ “示例甲区”出现在 2 份申报中"), "{err}");
}

/// A workbook with one stray cell at the sheet's far corner (`XFD1048576`, a 12 KB file) once
/// made the reader allocate the whole sheet and abort the program, so a batch wrote no ranking.
/// Now that file alone is refused, naming the cell, and the rest are ranked. The template and
/// the district table are both read that way.
#[test]
fn a_batch_survives_a_workbook_with_a_far_away_cell() {
    let root = workspace("far_cell");
    let dir = root.join("batch");
    std::fs::write(dir.join("a-pass.toml"), example("pass.toml")).expect("write");
    let far = std::fs::read(format!(
        "{}/tests/bad_inputs/xlsx/far_cell_xfd1048576.xlsx",
        crate::common::root()
    ))
    .expect("catalogue file");
    std::fs::write(dir.join("b-far.xlsx"), &far).expect("write");
    let (stdout, stderr, code) = zhibiao(
        &root,
        &["eval", "batch", "--reference", "province-2024.toml"],
    );
    assert_eq!(code, 4, "one failed, one ranked: {stderr}");
    assert!(
        stdout.contains("示例甲区"),
        "the good file is ranked: {stdout}"
    );
    assert!(
        stderr.contains("b-far.xlsx") && stderr.contains("XFD1048576"),
        "the bad file is named with its cell: {stderr}"
    );
}

/// A district name that is a formula is text in the CSV ranking (OWASP: a leading `'`), and a
/// name with terminal escape codes cannot paint over the text ranking; a score is still a number.
#[test]
fn hostile_district_names_stay_text_in_csv_and_on_a_terminal() {
    use zhibiao::batch::{Order, ranking};
    let rules = crate::common::rules(include_str!("../rules/sd-nmsz/2023.zb"));
    let mut negative = rank_row("-负分区", 0, false);
    negative.total = (-3).into();
    let rows = vec![
        rank_row("=HYPERLINK(\"http://x\",\"点击\")", 90, true),
        rank_row("+cmd|' /C calc'!A0", 80, false),
        rank_row("@SUM(A1)", 70, false),
        rank_row("甲\u{1b}[2K\r\u{1b}[1A结论：合格", 60, false),
        negative,
    ];
    let categories = ranking(&rules, Vec::new(), Vec::new(), Order::Total)
        .categories
        .len();
    let rows = rows
        .into_iter()
        .map(|mut row| {
            row.categories = (0..categories)
                .map(|_| zhibiao::batch::CategoryRate {
                    score: 0.into(),
                    rate: None,
                    exact: true,
                })
                .collect();
            row
        })
        .collect();
    let r = ranking(&rules, rows, Vec::new(), Order::Total);
    let csv = r.to_csv();
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|x| x.expect("record")).collect();
    let cell = |region: &str, col: usize| {
        records
            .iter()
            .find(|rec| rec[1].ends_with(region))
            .map(|rec| rec[col].to_string())
            .unwrap_or_else(|| panic!("{region}: {csv}"))
    };
    assert_eq!(cell("点击\")", 1), "'=HYPERLINK(\"http://x\",\"点击\")");
    assert_eq!(cell("calc'!A0", 1), "'+cmd|' /C calc'!A0");
    assert_eq!(cell("@SUM(A1)", 1), "'@SUM(A1)");
    assert_eq!(cell("-负分区", 1), "'-负分区");
    assert_eq!(cell("-负分区", 2), "'-负分区.toml", "the source too");
    assert_eq!(cell("-负分区", 3), "-3", "a negative total stays a number");
    let text = r.to_text();
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text}");
    assert!(text.contains("甲\u{FFFD}"), "{text}");
}

/// A big ranking holds a row per district: the rule set's texts in it (the indicators that lost
/// the most, the conditions missed) are shared with the compiled rules, not copied into every
/// row (issue 16 item 11: a million rows took 1.2 GB).
#[test]
fn ranking_rows_share_the_rule_texts() {
    let rules = crate::common::rules(include_str!("../rules/sd-nmsz/2023.zb"));
    let (sub, _) = crate::common::scored(&rules, include_str!("../examples/category-fail.toml"));
    let scores = rules.plan().score(&sub);
    let a = zhibiao::batch::row_of_scores(&rules, "a.toml", &sub, &scores);
    let b = zhibiao::batch::row_of_scores(&rules, "b.toml", &sub, &scores);
    assert!(!a.losses.is_empty() && !a.unmet.is_empty(), "{a:?}");
    for (x, y) in a.losses.iter().zip(&b.losses) {
        assert!(std::sync::Arc::ptr_eq(&x.name, &y.name), "{}", x.name);
    }
    for (x, y) in a.unmet.iter().zip(&b.unmet) {
        assert!(std::sync::Arc::ptr_eq(&x.condition, &y.condition));
    }
}
