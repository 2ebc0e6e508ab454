//! The Markdown, HTML and XLSX reports. The HTML page is opened in headless Chromium: no console
//! errors, the three charts present, a screenshot taken and A4 pages when printed. The workbook is
//! read back with calamine and its numbers compared with the evaluation's exact decimals.
//!
//! Chromium comes from the distribution (`.ci/run` installs it where missing). Without it the
//! HTML test fails and says how to install it; it never skips.

use crate::common;
use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use zhibiao::assess::Outcome;
use zhibiao::diag::SourceMap;
use zhibiao::eval::Evaluation;
use zhibiao::eval::Program;
use zhibiao::report::{Context, html, markdown, xlsx};
use zhibiao::submission::Submission;

const REFERENCE: &str = include_str!("../examples/province-2024.toml");

fn official() -> Program {
    let f = zhibiao::builtin::default_file();
    let (rules, diags) = zhibiao::builtin::load(&Arc::from(f.path), f.text);
    assert!(!zhibiao::diag::has_errors(&diags));
    Program::new(rules.expect("rules"))
}

fn assess(rules: &Program, name: &str) -> (Submission, Evaluation) {
    let path = format!("{}/examples/{name}", crate::common::root());
    let text = std::fs::read_to_string(path).expect("example");
    match common::outcome(rules, &text, Some(REFERENCE), false) {
        Outcome::Scored {
            submission,
            evaluation,
            ..
        } => (*submission, *evaluation),
        Outcome::Unusable(d) => panic!("{name}: {d:?}"),
    }
}

fn with_report<T>(name: &str, f: impl FnOnce(&Context, &Evaluation) -> T) -> T {
    let rules = official();
    let (sub, ev) = assess(&rules, name);
    let sources = SourceMap::new();
    let ctx = Context {
        rules: &rules,
        sub: &sub,
        problems: &[],
        sources: &sources,
    };
    f(&ctx, &ev)
}

/// A fresh folder under cargo's temporary directory for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("report-formats-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn markdown_report_of_the_failing_example() {
    let md = with_report("category-fail.toml", |ctx, ev| {
        markdown::to_markdown(ctx, ev).expect("markdown")
    });
    insta::assert_snapshot!("markdown_category_fail", md);
}

#[test]
fn html_page_is_self_contained() {
    let page = with_report("category-fail.toml", |ctx, ev| {
        html::to_html(ctx, ev).expect("html")
    });
    // Nothing to fetch at view time: no script, stylesheet link, image, font or import.
    for bad in [
        "<script",
        "<link",
        "<img",
        "@import",
        "url(",
        "src=",
        "@font-face",
    ] {
        assert!(!page.contains(bad), "the page contains {bad}");
    }
    // The only address is the SVG namespace, which is a name, not a download.
    let without_ns = page.replace("http://www.w3.org/2000/svg", "");
    assert!(!without_ns.contains("http://") && !without_ns.contains("https://"));
    assert!(page.contains("@page { size: A4"));
    assert!(
        page.contains("\"Noto Sans CJK SC\""),
        "a Chinese font stack"
    );
    assert!(page.contains("sans-serif;"), "with a generic fallback");
    assert_eq!(page.matches("<svg").count(), 3);
}

/// The Chromium binary: `$CHROMIUM`, or `chromium` / `chromium-browser` on the PATH; `None` when
/// there is none.
fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|p| p.is_file())
}

/// The Chromium binary for the browser tests, or `None` when the test is to be skipped: without a
/// browser the test says so and passes (README's `cargo test` needs nothing outside the repository),
/// unless `ZHIBIAO_REQUIRE_CHROMIUM` is set, as `.ci/run` sets it, which makes a missing browser a
/// failure.
fn chromium() -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() {
        let how = "未找到 Chromium：跳过 HTML 报告的浏览器测试（用无界面浏览器打开页面）。\n\
                   要运行它，请安装：apt-get update && apt-get install -y chromium fonts-wqy-microhei\n\
                   （.ci/run 会自动安装并要求运行；也可以设置环境变量 CHROMIUM 指向浏览器程序）";
        assert!(
            std::env::var_os("ZHIBIAO_REQUIRE_CHROMIUM").is_none(),
            "ZHIBIAO_REQUIRE_CHROMIUM 已设置，但{how}"
        );
        eprintln!("{how}");
    }
    found
}

/// Runs headless Chromium on a page with the flags this machine needs; returns stdout, stderr.
fn run_chromium(browser: &Path, dir: &Path, page: &Path, extra: &[String]) -> (String, String) {
    let profile = dir.join(format!("profile-{}", extra.len()));
    let _ = std::fs::remove_dir_all(&profile);
    let mut cmd = Command::new("timeout");
    cmd.arg("180").arg(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]);
    cmd.arg(format!("--user-data-dir={}", profile.display()));
    cmd.args(extra);
    cmd.arg(format!("file://{}", page.display()));
    let out = cmd.output().expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Console messages Chromium logged for the page.
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

fn dump_dom(browser: &Path, dir: &Path, page: &Path) -> (String, String) {
    run_chromium(
        browser,
        dir,
        page,
        &[
            "--enable-logging=stderr".into(),
            "--v=0".into(),
            "--dump-dom".into(),
        ],
    )
}

#[test]
fn html_page_in_headless_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = scratch("html");
    // The console check can fail: a page that logs an error is caught.
    let control = dir.join("control.html");
    std::fs::write(
        &control,
        "<!doctype html><html><body><script>console.error('kontrolle')</script></body></html>",
    )
    .expect("write");
    let (_, stderr) = dump_dom(&browser, &dir, &control);
    assert!(
        console_lines(&stderr)
            .iter()
            .any(|l| l.contains("kontrolle")),
        "the console check must see a console error: {stderr}"
    );

    for name in ["category-fail.toml", "pass.toml", "draft.toml"] {
        let page = with_report(name, |ctx, ev| html::to_html(ctx, ev).expect("html"));
        let stem = name.trim_end_matches(".toml");
        let file = dir.join(format!("{stem}.html"));
        std::fs::write(&file, &page).expect("write page");

        let (dom, stderr) = dump_dom(&browser, &dir, &file);
        let console = console_lines(&stderr);
        assert!(console.is_empty(), "{name}: console messages: {console:?}");
        // The three charts, drawn: the category rates, the losses by unit, the total.
        assert_eq!(dom.matches("<svg").count(), 3, "{name}");
        assert!(dom.contains("各一级指标得分率与要求得分率"));
        assert!(dom.contains("按责任单位统计的失分"));
        assert!(dom.contains("总分与合格线"));
        assert!(
            dom.matches("class=\"bar\"").count() >= 6,
            "{name}: bars drawn"
        );
        assert!(dom.contains("差距分析：合格需要什么"));
        assert!(dom.contains("证据清单"));

        let shot = dir.join(format!("{stem}.png"));
        run_chromium(
            &browser,
            &dir,
            &file,
            &[
                "--window-size=1240,1754".into(),
                "--hide-scrollbars".into(),
                format!("--screenshot={}", shot.display()),
            ],
        );
        let png = std::fs::read(&shot).expect("screenshot");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
        assert!(png.len() > 20_000, "{name}: the screenshot shows a page");

        // Printed, it is A4 (595 × 842 points, to Chromium's rounding) over several pages.
        let pdf = dir.join(format!("{stem}.pdf"));
        run_chromium(
            &browser,
            &dir,
            &file,
            &[
                "--no-pdf-header-footer".into(),
                format!("--print-to-pdf={}", pdf.display()),
            ],
        );
        let bytes = std::fs::read(&pdf).expect("pdf");
        let text = String::from_utf8_lossy(&bytes);
        let boxes: Vec<&str> = text
            .match_indices("/MediaBox [")
            .map(|(i, _)| &text[i..])
            .collect();
        assert!(boxes.len() > 1, "{name}: several pages");
        for b in boxes {
            let nums: Vec<f64> = b["/MediaBox [".len()..]
                .split(']')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            assert_eq!(nums.len(), 4, "{b:.40}");
            assert!(
                (nums[2] - 595.3).abs() < 2.0 && (nums[3] - 841.9).abs() < 2.0,
                "A4: {nums:?}"
            );
        }
    }
}

/// A cell's number as the decimal it stands for (the shortest representation of the f64).
fn cell_decimal(d: &Data) -> Option<Decimal> {
    match d {
        Data::Float(f) => format!("{f}").parse().ok(),
        Data::Int(i) => Some(Decimal::from(*i)),
        _ => None,
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn workbook_reads_back() {
    let dir = scratch("xlsx");
    let rules = official();
    let (sub, ev) = assess(&rules, "category-fail.toml");
    let sources = SourceMap::new();
    let ctx = Context {
        rules: &rules,
        sub: &sub,
        problems: &[],
        sources: &sources,
    };
    let bytes = xlsx::to_xlsx(&ctx, &ev).expect("xlsx");
    // The same evaluation gives the same bytes: no clock in the workbook.
    assert_eq!(bytes, xlsx::to_xlsx(&ctx, &ev).expect("xlsx"));
    let path = dir.join("report.xlsx");
    std::fs::write(&path, &bytes).expect("write");
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).expect("open");
    assert_eq!(wb.sheet_names(), vec!["汇总", "指标", "差距", "证据"]);

    let summary = wb.worksheet_range("汇总").expect("汇总");
    let rows: Vec<Vec<Data>> = summary.rows().map(|r| r.to_vec()).collect();
    let find = |label: &str| {
        rows.iter()
            .find(|r| r.first().map(cell_text).as_deref() == Some(label))
            .unwrap_or_else(|| panic!("row {label}"))
            .clone()
    };
    assert_eq!(cell_text(&find("结论")[1]), "不合格");
    assert_eq!(cell_decimal(&find("总分")[1]), Some(ev.total));
    let cat = find("探索创新");
    assert_eq!(cell_decimal(&cat[1]), Some(Decimal::from(9)));
    assert_eq!(
        cell_decimal(&cat[5]),
        Some(Decimal::from(6)),
        "the shortfall"
    );
    assert_eq!(cell_text(&cat[6]), "未达标");

    // One row per indicator; every score reads back as the exact decimal.
    let inds = wb.worksheet_range("指标").expect("指标");
    let rows: Vec<Vec<Data>> = inds.rows().skip(1).map(|r| r.to_vec()).collect();
    assert_eq!(rows.len(), ev.indicators.len());
    for (row, r) in rows.iter().zip(&ev.indicators) {
        assert_eq!(cell_decimal(&row[0]), Some(Decimal::from(r.no)));
        assert_eq!(cell_decimal(&row[5]), Some(r.points), "points of {}", r.no);
        assert_eq!(cell_decimal(&row[6]), Some(r.score), "score of {}", r.no);
        assert_eq!(cell_text(&row[10]), r.explanation().join("\n"));
    }

    let gaps = wb.worksheet_range("差距").expect("差距");
    let text: Vec<String> = gaps
        .rows()
        .flat_map(|r| r.iter().map(cell_text).collect::<Vec<_>>())
        .collect();
    assert!(
        text.iter()
            .any(|t| t.starts_with("达标方案：以下 2 项改变"))
    );
    assert!(text.iter().any(|t| t.contains("可再得 1 分")));

    let evidence = wb.worksheet_range("证据").expect("证据");
    let rows: Vec<Vec<Data>> = evidence.rows().skip(2).map(|r| r.to_vec()).collect();
    let judged = zhibiao::gap::evidence(&ev);
    assert_eq!(rows.len(), judged.len());
    let flagged = rows
        .iter()
        .filter(|r| cell_text(&r[9]) == "符合但无证据")
        .count();
    assert_eq!(
        flagged,
        judged.iter().filter(|j| j.met_without_evidence).count()
    );
}

/// A district name that is Markdown or HTML stays text in the Markdown report, and one with
/// terminal escape codes cannot paint a verdict into the text report.
#[test]
fn hostile_region_names_stay_text_in_markdown_and_text_reports() {
    let rules = official();
    let (mut sub, ev) = assess(&rules, "category-fail.toml");
    let sources = SourceMap::new();
    for (region, bad, good) in [
        ("\n# 结论：合格", "\n# 结论", "<br>\\# 结论：合格"),
        ("<script>alert(1)</script>", "<script>", "&lt;script&gt;"),
        ("[点我](http://x) **合格**", "**合格**", "\\*\\*合格\\*\\*"),
    ] {
        sub.region = Some(region.to_string());
        let ctx = Context {
            rules: &rules,
            sub: &sub,
            problems: &[],
            sources: &sources,
        };
        let md = markdown::to_markdown(&ctx, &ev).expect("markdown");
        assert!(!md.contains(bad), "{region}: {md}");
        assert!(md.contains(good), "{region}: {md}");
    }
    sub.region = Some("甲\u{1b}[2K\r\u{1b}[1A结论：合格\u{9b}0m".to_string());
    let ctx = Context {
        rules: &rules,
        sub: &sub,
        problems: &[],
        sources: &sources,
    };
    let text = zhibiao::report::to_text(&ctx, &ev);
    assert!(!text.contains(['\u{1b}', '\r', '\u{9b}']), "{text}");
    assert!(
        text.contains("甲\u{FFFD}\u{FFFD}\u{FFFD}结论：合格"),
        "{text}"
    );
}
