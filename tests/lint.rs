//! The lint catalogue: every check fires on its fixture (tests/fixtures/lint/CODE_name.zb, found
//! by glob), its documentation has the fixed sections, its example fires and its "instead" does
//! not, docs/lint.md is generated from the same comments, and the shipped rules lint clean.

use std::path::Path;
use std::sync::Arc;
use zhibiao::diag::{RenderOptions, Severity, SourceMap, render};
use zhibiao::lint::{CHECKS, Finding, lint};

const HEADER: &str = "ruleset demo \"示例\" {\n  version \"1\"\n  effective 2024-01-01\n  source \"示例\"\n  pass total >= 1\n}\n\n";

fn lint_text(name: &str, text: &str) -> Vec<Finding> {
    lint(&Arc::from(name), text).findings
}

/// Renders findings as `lint` shows them: open ones rustc-style, acknowledged ones with reason.
fn shown(name: &str, text: &str, findings: &[&Finding]) -> String {
    let mut sources = SourceMap::new();
    sources.add(&Arc::from(name), &Arc::from(text));
    let mut out = Vec::new();
    for f in findings {
        let mut s = render(&f.diag, &sources, RenderOptions::default());
        if let Some(a) = &f.acknowledged {
            s.push_str(&format!("  已确认：{}\n", a.reason));
        }
        out.push(s);
    }
    out.join("\n")
}

#[test]
fn each_fixture_shows_its_check_firing() {
    insta::glob!("fixtures/lint/*.zb", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("file name")
            .to_string();
        let code = name.split('_').next().expect("code prefix");
        let findings = lint_text(&name, &text);
        let mine: Vec<&Finding> = findings.iter().filter(|f| f.diag.code == code).collect();
        assert!(
            !mine.is_empty(),
            "{name}: {code} did not fire; found {findings:#?}"
        );
        let check = zhibiao::lint::check(code).expect("a registered code");
        assert!(mine.iter().all(|f| f.diag.severity == check.severity));
        insta::assert_snapshot!(shown(&name, &text, &mine));
    });
}

/// The editor marks a finding's span and shows its message and help: the label, which captions
/// the caret in a terminal, is not added to the message, where it would repeat what the message
/// says (ZB405 “……（得分下降）（得分下降）”, ZB403, ZB201 and more did).
#[test]
fn the_editor_does_not_repeat_a_label() {
    let dir = Path::new(crate::common::root()).join("tests/fixtures/lint");
    let (mut seen, mut repeated) = (0, Vec::new());
    for entry in std::fs::read_dir(&dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("zb") {
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        let text = std::fs::read_to_string(&path).expect("fixture");
        let problems = zhibiao::ide::Analysis::standalone(&Arc::from(name), &text).problems();
        for f in lint_text(name, &text)
            .iter()
            .filter(|f| f.acknowledged.is_none())
        {
            let Some(label) = f.diag.label.as_deref().filter(|l| !l.is_empty()) else {
                continue;
            };
            let shown = problems
                .iter()
                .find(|p| p.code == f.diag.code && p.span == f.diag.span)
                .unwrap_or_else(|| panic!("{name}: {} not in the editor", f.diag.code));
            assert!(
                shown.message.starts_with(&f.diag.message),
                "{name}: {shown:?}"
            );
            let own = f.diag.message.matches(label).count()
                + f.diag
                    .help
                    .as_deref()
                    .map_or(0, |h| h.matches(label).count());
            if shown.message.matches(label).count() != own {
                repeated.push(format!("{name}: {}: {}", f.diag.code, shown.message));
            }
            seen += 1;
        }
    }
    assert!(repeated.is_empty(), "{}", repeated.join("\n"));
    assert!(seen > 10, "only {seen} labelled findings");
}

#[test]
fn every_check_has_a_fixture_named_after_it() {
    let dir = std::path::Path::new(crate::common::root()).join("tests/fixtures/lint");
    for c in CHECKS {
        let file = dir.join(format!("{}_{}.zb", c.code, c.name().replace('-', "_")));
        assert!(file.is_file(), "no fixture {}", file.display());
    }
}

#[test]
fn codes_are_unique_ordered_and_grouped() {
    let codes: Vec<&str> = CHECKS.iter().map(|c| c.code).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(codes, sorted, "codes must be unique and listed in order");
    for c in &codes {
        assert!(c.len() == 5 && c.starts_with("ZB"), "{c}");
        assert!(c[2..].chars().all(|d| d.is_ascii_digit()), "{c}");
    }
    for c in CHECKS {
        assert!(matches!(c.severity, Severity::Error | Severity::Warning));
        assert!(!c.title().is_empty(), "{} has no title", c.code);
    }
}

/// The fenced block under a `## heading` of a check's documentation.
fn block(doc: &str, heading: &str) -> Option<String> {
    let start = doc.find(&format!("## {heading}\n"))?;
    let rest = &doc[start..];
    let open = rest.find("```")?;
    let fence_len = rest[open..].chars().take_while(|c| *c == '`').count();
    let fence = "`".repeat(fence_len);
    let body_start = open + rest[open..].find('\n')? + 1;
    let body_end = body_start + rest[body_start..].find(&format!("\n{fence}\n"))?;
    Some(rest[body_start..body_end].to_string())
}

#[test]
fn each_doc_has_the_fixed_sections_in_order() {
    for c in CHECKS {
        let doc = c.doc();
        let mut at = 0;
        for h in ["## 检查什么", "## 为什么", "## 示例", "## 应改为"] {
            let found = doc[at..]
                .find(h)
                .unwrap_or_else(|| panic!("{}: section {h} missing or out of order", c.code));
            at += found + h.len();
        }
    }
}

#[test]
fn each_doc_example_fires_and_its_instead_does_not() {
    for c in CHECKS {
        let doc = c.doc();
        for (heading, should_fire) in [("示例", true), ("应改为", false)] {
            let snippet = block(&doc, heading)
                .unwrap_or_else(|| panic!("{}: no ```zb block under {heading}", c.code));
            let text = if snippet.contains("ruleset ") {
                format!("{snippet}\n")
            } else {
                format!("{HEADER}{snippet}\n")
            };
            let findings = lint_text("example.zb", &text);
            let errors: Vec<_> = findings
                .iter()
                .filter(|f| f.diag.code.starts_with('E'))
                .collect();
            assert!(errors.is_empty(), "{} {heading}: {errors:#?}", c.code);
            let canonical =
                zhibiao::formatter::format(&Arc::from("example.zb"), &text).expect("formats");
            assert!(
                canonical == text,
                "{} {heading} is not in canonical form:\n{canonical}",
                c.code
            );
            let fired = findings.iter().any(|f| f.diag.code == c.code);
            assert_eq!(
                fired, should_fire,
                "{} {heading}: fired = {fired}\n{text}\n{findings:#?}",
                c.code
            );
        }
    }
}

#[test]
fn lint_docs_are_current() {
    let path = std::path::Path::new(crate::common::root()).join("docs/lint.md");
    let want = zhibiao::lint::docs_markdown();
    if std::env::var_os("ZHIBIAO_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).expect("write docs/lint.md");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/lint.md is out of date: run `cargo run -- lint --docs > docs/lint.md` \
         (or ZHIBIAO_UPDATE_DOCS=1 cargo test --test it lint::)"
    );
}

#[test]
fn the_shipped_rules_lint_clean_with_every_acknowledgement_justified() {
    for f in zhibiao::builtin::FILES {
        let report = lint(&Arc::from(f.path), f.text);
        let open: Vec<_> = report.open(Severity::Warning).collect();
        assert!(open.is_empty(), "{}: {open:#?}", f.path);
        for finding in &report.findings {
            let ack = finding.acknowledged.as_ref().expect("acknowledged");
            assert!(!ack.reason.trim().is_empty());
            // The line above an `allow` is a comment that explains it.
            let line_start = f.text[..ack.span.start].rfind('\n').unwrap_or(0);
            let above = f.text[..line_start].lines().last().unwrap_or("");
            assert!(
                above.trim_start().starts_with("//"),
                "{}: the allow for {} has no comment above it",
                f.path,
                finding.diag.code
            );
        }
    }
}

#[test]
fn what_lint_finds_in_the_source_index() {
    let f = zhibiao::builtin::default_file();
    let report = lint(&Arc::from(f.path), f.text);
    let listed: Vec<String> = report
        .findings
        .iter()
        .map(|x| format!("{} {}", x.diag.code, x.diag.message))
        .collect();
    insta::assert_snapshot!(listed.join("\n"));
}

const TWO: &str = r#"
input rate "比率" percent max 100%
  help "填百分数"

category "甲" points 4 {
  indicator 1 "一" points 2 {
    nature 定量
    rule "r"
    method "m"
    sources "s"
    owners "o"
    score tiers rate {
      [8%, 15%] => 1
      [15%, ..) => 2
    }
  }
  indicator 2 "二" points 2 {
    nature 定量
    rule "r"
    method "m"
    sources "s"
    owners "o"
    score tiers rate {
      [8%, 15%] => 1
      [15%, ..) => 2
    }
  }
}
"#;

fn codes_of(text: &str) -> Vec<(String, bool)> {
    lint_text("t.zb", text)
        .iter()
        .map(|f| (f.diag.code.to_string(), f.acknowledged.is_some()))
        .collect()
}

#[test]
fn an_allow_covers_its_own_block_only_and_stays_listed() {
    let text = format!("{HEADER}{TWO}").replacen(
        "  indicator 1 \"一\" points 2 {\n",
        "  indicator 1 \"一\" points 2 {\n    allow ZB401 \"原表如此\"\n",
        1,
    );
    assert_eq!(
        codes_of(&text),
        vec![("ZB401".into(), true), ("ZB401".into(), false)]
    );
}

#[test]
fn a_file_level_allow_covers_every_block() {
    let text = format!("{HEADER}allow ZB401 \"原表如此\"\n{TWO}");
    assert_eq!(
        codes_of(&text),
        vec![("ZB401".into(), true), ("ZB401".into(), true)]
    );
    let in_header = format!("{HEADER}{TWO}").replacen(
        "  pass total >= 1\n",
        "  pass total >= 1\n  allow ZB401 \"原表如此\"\n",
        1,
    );
    assert_eq!(codes_of(&in_header), codes_of(&text));
}

#[test]
fn an_allow_that_acknowledges_nothing_is_a_finding() {
    let text =
        format!("{HEADER}{TWO}").replace("score tiers rate {", "score tiers rate overlap higher {");
    assert!(codes_of(&text).is_empty(), "{:?}", codes_of(&text));
    let stale = text.replacen(
        "  indicator 2 \"二\" points 2 {\n",
        "  indicator 2 \"二\" points 2 {\n    allow ZB401 \"旧的确认\"\n",
        1,
    );
    assert_eq!(codes_of(&stale), vec![("ZB002".into(), false)]);
}

#[test]
fn errors_cannot_be_acknowledged() {
    let text = format!("{HEADER}allow E101 \"不想改\"\n{TWO}")
        .replace("score tiers rate {", "score tiers rat overlap higher {");
    let codes = codes_of(&text);
    assert!(codes.contains(&("ZB001".into(), false)), "{codes:?}");
    assert_eq!(codes.iter().filter(|(c, _)| c == "E101").count(), 2);
    assert!(codes.iter().all(|(_, acked)| !acked));
}

#[test]
fn syntax_errors_are_reported_and_the_checks_wait() {
    let report = lint(
        &Arc::from("bad.zb"),
        &format!("{HEADER}category \"甲\" points {{ }}\n"),
    );
    assert!(report.checks_skipped);
    assert!(report.findings.iter().all(|f| f.diag.code.starts_with('E')));
    assert!(report.fails(false));
}

#[test]
fn every_rule_file_in_the_repository_lints_without_a_panic() {
    let root = std::path::Path::new(crate::common::root());
    let mut count = 0;
    for dir in [
        "tests/bad_inputs/rules",
        "tests/fixtures/lint",
        "tests/fixtures/fmt",
        "docs",
        "rules/sd-nmsz",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).expect("dir").flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|x| x == "zb") {
                // Lossy: tests/bad_inputs/rules/invalid_utf8.zb is not UTF-8 on purpose.
                let text = String::from_utf8_lossy(&std::fs::read(&p).expect("read")).into_owned();
                let report = lint(&Arc::from(p.display().to_string()), &text);
                assert!(report.findings.iter().all(|f| !f.diag.message.is_empty()));
                count += 1;
            }
        }
    }
    assert!(count > 50, "{count}");
}

#[test]
fn numbers_at_the_edge_of_exact_arithmetic_do_not_break_the_analyses() {
    let big = "79228162514264337593543950335";
    let text = format!(
        "{HEADER}input x \"x\" count 户 years Y-9223372036854775807..Y\n  help \"h\"\n\
         category \"甲\" points {big} {{\n\
           indicator 1 \"一\" points {big} {{\n\
             score tiers x * {big} {{\n\
               [{big}, ..) => {big}\n\
               (.., -{big}] => {big}\n\
             }}\n\
           }}\n\
           indicator 2 \"二\" points {big} {{\n\
             score each year y in Y-9223372036854775807..Y+9223372036854775807 award {big} when x[y - 9223372036854775807] > 0%\n\
           }}\n\
           indicator 3 \"三\" points 1 {{\n\
             score items {{\n\
               item 1 \"a\" points {big} judged\n\
               item 2 \"b\" points {big} judged\n\
             }}\n\
           }}\n\
         }}\n"
    );
    let report = lint(&Arc::from("big.zb"), &text);
    assert!(!report.checks_skipped, "{:#?}", report.findings);
    let codes: Vec<&str> = report.findings.iter().map(|f| f.diag.code).collect();
    assert!(codes.contains(&"ZB301"), "{codes:?}");
}

#[test]
fn date_findings_are_acknowledged_by_allow_like_the_checks() {
    let name: Arc<str> = Arc::from("rules/demo/1.zb");
    let text = "ruleset demo \"示例\" {\n  version \"1\"\n  source \"示例\"\n  pass total >= 1\n  // 示例：故意不写生效日期。\n  allow ZB705 \"示例没有生效日期\"\n  allow ZB602 \"示例没有生效日期\"\n}\n\ncategory \"促进发展\" points 1 {\n  indicator 1 \"示例指标\" points 1 {\n    nature 定性\n    rule \"专家评估。\"\n    method \"资料审查\"\n    sources \"创建对象提供\"\n    owners \"市场监管局\"\n    score judged\n  }\n}\n";
    let texts = [zhibiao::versions::RuleText {
        name: name.clone(),
        text: Arc::from(text),
    }];
    let dates = zhibiao::versions::check_dates(&zhibiao::versions::catalog(&texts));
    assert!(dates.iter().any(|d| d.code == "ZB705"), "{dates:#?}");
    let with = |text: &str| {
        zhibiao::lint::lint_with(
            &name,
            text,
            &mut zhibiao::builtin::find_builtin,
            dates.clone(),
        )
    };
    let report = with(text);
    let open: Vec<_> = report.open(Severity::Warning).collect();
    assert!(open.is_empty(), "{open:#?}");
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.diag.code == "ZB705" && f.acknowledged.is_some())
    );
    // Without the allow the finding is open.
    let bare = text.replace("  allow ZB705 \"示例没有生效日期\"\n", "");
    let report = with(&bare);
    assert!(
        report
            .open(Severity::Warning)
            .any(|f| f.diag.code == "ZB705")
    );
}

#[test]
fn a_revision_is_linted_as_the_rule_set_it_resolves_to() {
    let path = "tests/fixtures/versions/sd-nmsz/2025.zb";
    let text =
        std::fs::read_to_string(Path::new(crate::common::root()).join(path)).expect("revision");
    let report = lint(&Arc::from(path), &text);
    let rules = report.rules.as_ref().expect("resolved");
    assert_eq!(rules.indicators().count(), 42);
    let errors: Vec<_> = report.open(Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The base's acknowledged findings point into the base file, with its reasons.
    let inherited: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| f.acknowledged.as_ref())
        .collect();
    assert!(!inherited.is_empty());
    assert!(
        inherited.iter().all(|a| a.file.contains("2023")),
        "{inherited:#?}"
    );
}

/// The rate tiers of an indicator written with the given bounds.
fn rate_tiers(low: &str, high: &str) -> String {
    format!(
        "{HEADER}input share \"占比\" percent\n  help \"填百分数\"\n\ncategory \"甲\" points 2 {{\n  indicator 1 \"一\" points 2 {{\n    rule \"占比8%-15%得1分，15%以上得2分。\"\n    score tiers share overlap higher {{\n      [{low}, {high}] => 1\n      [{high}, ..) => 2\n    }}\n  }}\n}}\n"
    )
}

#[test]
fn a_bare_fraction_is_advised_as_the_percent_it_is() {
    // [0.08, 0.15]: 0.08 is 8%, so the advice is 8%, not 0.08% (100 times too small).
    let text = rate_tiers("0.08", "0.15");
    let findings = lint_text("r.zb", &text);
    let f = findings
        .iter()
        .find(|f| f.diag.code == "ZB204")
        .expect("ZB204 on 0.08");
    assert_eq!(f.diag.severity, Severity::Warning);
    assert!(f.diag.message.contains("相当于 8%"), "{:?}", f.diag.message);
    let help = f.diag.help.as_deref().unwrap_or_default();
    assert!(help.contains("写成 8%"), "{help}");
    assert!(!help.contains("0.08%"), "{help}");
    assert!(findings.iter().all(|f| f.diag.code != "ZB205"));
}

#[test]
fn a_bare_number_above_one_against_a_percent_is_an_error() {
    // [8, 15] meant as 8%–15% is 800%–1500%: every district would score 0 there.
    for (low, high) in [("8", "15"), ("8", "15%"), ("-1.5", "15%")] {
        let text = rate_tiers(low, high);
        let report = lint(&Arc::from("r.zb"), &text);
        let f = report
            .findings
            .iter()
            .find(|f| f.diag.code == "ZB205")
            .unwrap_or_else(|| panic!("[{low}, {high}]: no ZB205 in {:#?}", report.findings));
        assert_eq!(f.diag.severity, Severity::Error, "[{low}, {high}]");
        let help = f.diag.help.as_deref().unwrap_or_default();
        assert!(help.contains(&format!("写成 {low}%")), "{help}");
        assert!(report.open(Severity::Error).count() > 0);
    }
    // 1 and -1 against a percent are fractions (100%, -100%): a warning, not an error.
    for v in ["1", "-1", "0.5"] {
        let text = rate_tiers(v, "15%");
        let codes: Vec<_> = lint_text("r.zb", &text)
            .iter()
            .map(|f| f.diag.code.to_string())
            .collect();
        assert!(codes.contains(&"ZB204".to_string()), "{v}: {codes:?}");
        assert!(!codes.contains(&"ZB205".to_string()), "{v}: {codes:?}");
    }
}
