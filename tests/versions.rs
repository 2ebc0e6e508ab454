//! Rule versions: the catalogue and its date checks, revisions that `extends` a base (what
//! replaces what, removals, conflicts, cycles), digests that cover every file, `accepts`, and the
//! second rule set (the work plan's own targets) scoring the official examples unchanged.

use crate::common;
use std::sync::Arc;
use zhibiao::assess::Outcome;
use zhibiao::diag::{Diagnostic, RenderOptions, SourceMap, render_all};
use zhibiao::eval::Program;
use zhibiao::model::RuleSet;
use zhibiao::syntax::ast::ScoreForm;
use zhibiao::versions::{self, Day, RuleRef, RuleText};
use zhibiao::{builtin, codes};

const REVISION: &str = include_str!("fixtures/versions/sd-nmsz/2025.zb");
const REFERENCE: &str = include_str!("../examples/province-2024.toml");

fn text(name: &str, t: &str) -> RuleText {
    RuleText {
        name: Arc::from(name),
        text: Arc::from(t),
    }
}

/// Loads `root` from a set of in-memory files (found by what their headers declare), falling
/// back to the built-in versions, and renders its diagnostics.
fn load(files: &[(&str, &str)], root: &str) -> (Option<RuleSet>, Vec<Diagnostic>, String) {
    let texts: Vec<RuleText> = files.iter().map(|(n, t)| text(n, t)).collect();
    let entries = versions::catalog(&texts);
    let mut find = |r: &RuleRef| {
        versions::find_entry(&entries, r.set, r.version)
            .and_then(|e| texts.iter().find(|t| t.name == e.name).cloned())
            .or_else(|| zhibiao::builtin::find_builtin(r))
    };
    let main = texts.iter().find(|t| &*t.name == root).expect("root file");
    let (rules, diags) = versions::load(&main.name, &main.text, &mut find);
    let mut sources = SourceMap::new();
    for t in &texts {
        sources.add(&t.name, &t.text);
    }
    if let Some(r) = &rules {
        r.add_sources(&mut sources);
    }
    let shown = render_all(&diags, &sources, RenderOptions::default());
    (rules, diags, shown)
}

fn clean(files: &[(&str, &str)], root: &str) -> Program {
    let (rules, diags, shown) = load(files, root);
    assert!(!zhibiao::diag::has_errors(&diags), "{shown}");
    Program::new(rules.expect("rules"))
}

fn indicator_numbers(r: &RuleSet) -> Vec<(String, u32)> {
    r.indicators()
        .map(|(c, i)| (c.name.value.clone(), i.no.value))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The revision of the official index (tests/fixtures/versions/sd-nmsz/2025.zb)

#[test]
fn the_revision_states_only_what_changes() {
    let official = common::rules(builtin::find("sd-nmsz", "2023").expect("2023").text);
    let rev = clean(&[("sd-nmsz/2025.zb", REVISION)], "sd-nmsz/2025.zb");
    assert_eq!((rev.id(), rev.version()), ("sd-nmsz", "2025"));
    assert_eq!(rev.indicators().count(), 42);
    assert_eq!(rev.inputs.len(), official.inputs.len());
    assert_eq!(rev.checks.len(), official.checks.len());
    // The pass rule is the revision's; what it does not write is inherited.
    let rate = &rev.header.pass[1].value;
    assert_eq!(rate.text, "80%");
    assert_eq!(rev.header.source, official.header.source);
    assert_eq!(rev.header.points, official.header.points);
    assert_eq!(
        rev.header.effective.as_ref().map(|e| e.value.as_str()),
        Some("2025-07-01")
    );
    // Indicator 9 is replaced in place: same category, same position.
    assert_eq!(indicator_numbers(&rev), indicator_numbers(&official));
    let (_, nine) = rev.indicators().find(|(_, i)| i.no.value == 9).expect("9");
    let Some(ScoreForm::Tiers { tiers, .. }) = &nine.score else {
        panic!("tiers")
    };
    assert_eq!(tiers[0].lo.as_ref().map(|l| l.text.as_str()), Some("40%"));
    // Built from two files, base first; the digest covers both.
    let names: Vec<&str> = rev.parts.iter().map(|p| &*p.name).collect();
    assert_eq!(names, ["rules/sd-nmsz/2023.zb（内置）", "sd-nmsz/2025.zb"]);
    assert_eq!(rev.parts[0].digest, official.digest);
    assert_eq!(rev.digest, versions::combined_digest(&rev.parts, None));
    assert_ne!(rev.digest, official.digest);
    assert_ne!(rev.digest, rev.parts[1].digest);
}

#[test]
fn the_resolved_digest_changes_with_any_file_it_was_built_from() {
    let base = builtin::find("sd-nmsz", "2023").expect("2023").text;
    let digest = |base: &str, rev: &str| {
        clean(&[("b/2023.zb", base), ("b/2025.zb", rev)], "b/2025.zb")
            .digest
            .clone()
    };
    let d0 = digest(base, REVISION);
    assert_eq!(
        d0,
        digest(base, REVISION),
        "the same files give the same digest"
    );
    assert_ne!(d0, digest(&format!("{base}\n// 注释"), REVISION));
    assert_ne!(d0, digest(base, &format!("{REVISION}\n// 注释")));
}

#[test]
fn a_file_without_extends_keeps_the_plain_digest() {
    let f = builtin::find("sd-nmsz", "2023").expect("2023");
    let r = common::rules(f.text);
    assert_eq!(r.digest, zhibiao::model::digest(f.text));
    assert_eq!(r.parts.len(), 1);
    assert!(r.accepted.is_none());
}

// ---------------------------------------------------------------------------------------------
// What replaces what

const BASE: &str = r#"
ruleset demo "示例" {
  version "1"
  effective 2024-01-01
  source "原文"
  points 10
  pass total >= 6 and every category rate >= 50%
}
input a "甲" count 个
input b "乙" count 个
input c "丙" count 个
fn double(x) "两倍" = x * 2
let total_ab "甲乙合计" = a + b
check a <= 100 else error "甲不能超过100"
check b <= 100 else error "乙不能超过100"
category "一" points 6 {
  group "一组" points 4 {
    indicator 1 "甲够多" points 2 { score tiers a { [1, ..) => 2 } }
    indicator 2 "乙够多" points 2 { score tiers b { [1, ..) => 2 } }
  }
  indicator 3 "丙够多" points 2 { score tiers c { [1, ..) => 2 } }
}
category "二" points 4 {
  indicator 4 "合计" points 2 { score tiers total_ab { [2, ..) => 2 } }
  indicator 5 "两倍" points 2 { score tiers double(a) { [2, ..) => 2 } }
}
category "三" points 2 {
  indicator 6 "待删" points 2 { score judged }
}
"#;

const REV: &str = r#"
ruleset demo "示例（修订）" {
  version "2"
  extends "1"
  effective 2025-01-01
  pass total >= 7 and every category rate >= 60%
}
remove category "三"
remove input c
remove indicator 3
remove check "乙不能超过100"
input b "乙（修订）" count 个 optional
input d "丁" count 个
let total_ab "甲乙合计" = a + b + 0
category "一" points 5 {
  group "一组" points 5 {
    indicator 2 "乙够多" points 2 { score tiers b { [2, ..) => 2 } }
  }
  indicator 7 "丁够多" points 1 { score tiers d { [1, ..) => 1 } }
}
category "二" points 4 {
  indicator 3 "丙改为丁" points 2 { score tiers d { [5, ..) => 2 } }
}
category "四" points 1 {
  indicator 8 "新增" points 1 { score judged }
}
"#;

#[test]
fn revisions_replace_by_key_and_add_at_the_end() {
    let r = clean(&[("demo/1.zb", BASE), ("demo/2.zb", REV)], "demo/2.zb");
    // Header: the revision's title, version and dates; pass replaced; source and points inherited.
    assert_eq!(r.header.title.value, "示例（修订）");
    assert_eq!(
        r.header.source.as_ref().map(|s| s.value.as_str()),
        Some("原文")
    );
    assert_eq!(r.header.points.as_ref().map(|p| p.value), Some(10.into()));
    assert_eq!(r.header.pass[0].value.text, "7");
    // Inputs: c removed, b replaced in place, d added at the end.
    let inputs: Vec<(&str, &str, bool)> = r
        .inputs
        .iter()
        .map(|i| (i.name.value.as_str(), i.label.value.as_str(), i.optional))
        .collect();
    assert_eq!(
        inputs,
        [
            ("a", "甲", false),
            ("b", "乙（修订）", true),
            ("d", "丁", false)
        ]
    );
    // Checks: one removed by its message.
    let checks: Vec<&str> = r.checks.iter().map(|c| c.message.value.as_str()).collect();
    assert_eq!(checks, ["甲不能超过100"]);
    // Categories: 三 removed, 四 added at the end; points replaced.
    let cats: Vec<(&str, String)> = r
        .categories
        .iter()
        .map(|c| (c.name.value.as_str(), c.points.value.to_string()))
        .collect();
    assert_eq!(
        cats,
        [("一", "5".into()), ("二", "4".into()), ("四", "1".into())]
    );
    // Indicators: 2 replaced in place, 3 removed from 一 and re-added in 二, 7 and 8 new.
    let inds: Vec<(String, u32)> = indicator_numbers(&r);
    let want: Vec<(String, u32)> = [
        ("一", 1),
        ("一", 2),
        ("一", 7),
        ("二", 4),
        ("二", 5),
        ("二", 3),
        ("四", 8),
    ]
    .iter()
    .map(|(c, n)| (c.to_string(), *n))
    .collect();
    assert_eq!(inds, want);
    let group = &r.categories[0].groups[0];
    assert_eq!(group.points.as_ref().map(|p| p.value), Some(5.into()));
    // The replaced `let` is the revision's.
    assert!(r.lets["total_ab"].value.span.start >= r.parts[1].offset);
    // The revision scores: every indicator earns its points (categories are not capped here).
    let (_, ev) = common::scored(
        &r,
        "year = 2024\n[data]\na = 1\nb = 2\nd = 5\n[judgements]\n\"8\" = true\n",
    );
    let earned: Vec<String> = ev
        .indicators
        .iter()
        .map(|i| format!("{}:{}", i.no, i.score))
        .collect();
    assert_eq!(earned, ["1:2", "2:2", "7:1", "4:2", "5:2", "3:2", "8:1"]);
}

#[test]
fn conflicts_in_a_revision_are_errors_in_the_right_file() {
    let bad = r#"
ruleset demo "坏的修订" {
  version "3"
  extends "1"
  effective 2026-01-01
}
remove indicator 77
remove input cc
remove input a
remove input a
remove check "不存在"
remove category "三"
category "二" points 4 {
  indicator 1 "搬家" points 2 { score judged }
}
category "二" points 4 { }
"#;
    let (_, diags, shown) = load(&[("demo/1.zb", BASE), ("demo/3.zb", bad)], "demo/3.zb");
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert!(codes.contains(&codes::OVERRIDE_CONFLICT), "{shown}");
    // Removing input `a` breaks the base's uses of it: reported in the base file, saying why.
    assert!(
        diags
            .iter()
            .any(|d| d.code == codes::UNKNOWN_NAME && d.file.as_deref() == Some("demo/1.zb")),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn remove_without_extends_is_an_error() {
    let (_, diags, _) = load(
        &[(
            "x.zb",
            "ruleset x \"x\" { version \"1\" pass total >= 1 }\nremove input a\n",
        )],
        "x.zb",
    );
    assert_eq!(
        diags
            .iter()
            .filter(|d| d.code == codes::OVERRIDE_CONFLICT)
            .count(),
        1
    );
}

#[test]
fn cycles_and_missing_bases_are_errors() {
    let a = "ruleset c \"甲\" { version \"1\" extends \"2\" pass total >= 1 }\n";
    let b = "ruleset c \"乙\" { version \"2\" extends \"c@1\" pass total >= 1 }\n";
    let (_, diags, shown) = load(&[("c/1.zb", a), ("c/2.zb", b)], "c/1.zb");
    let cycle: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.code == codes::EXTENDS_CYCLE)
        .collect();
    assert_eq!(cycle.len(), 1, "{shown}");
    assert_eq!(cycle[0].message, "extends 形成循环：c@1 → c@2 → c@1");
    let itself = "ruleset c \"丙\" { version \"3\" extends \"3\" pass total >= 1 }\n";
    let (_, diags, _) = load(&[("c/3.zb", itself)], "c/3.zb");
    assert!(diags.iter().any(|d| d.code == codes::EXTENDS_CYCLE));
    let orphan = "ruleset c \"丁\" { version \"4\" extends \"9\" pass total >= 1 }\n";
    let (_, diags, shown) = load(&[("c/4.zb", orphan)], "c/4.zb");
    assert!(
        diags.iter().any(|d| d.code == codes::EXTENDS_UNKNOWN),
        "{shown}"
    );
    insta::assert_snapshot!("missing_base", shown);
    let accepts_self = "ruleset c \"戊\" { version \"5\" accepts \"c@5\" pass total >= 1 }\n";
    let (_, diags, _) = load(&[("c/5.zb", accepts_self)], "c/5.zb");
    assert!(diags.iter().any(|d| d.code == codes::EXTENDS_CYCLE));
}

#[test]
fn a_base_found_under_the_wrong_version_is_refused() {
    let rev = "ruleset demo \"修订\" { version \"2\" extends \"1\" }\n";
    let mut find = |_: &RuleRef| {
        Some(text(
            "demo/9.zb",
            &BASE.replace("version \"1\"", "version \"9\""),
        ))
    };
    let (_, diags) = versions::load(&Arc::from("demo/2.zb"), rev, &mut find);
    let d = diags
        .iter()
        .find(|d| d.code == codes::EXTENDS_UNKNOWN)
        .expect("refused");
    assert_eq!(d.message, "为 demo@1 找到的文件 demo/9.zb 声明的是 demo@9");
}

#[test]
fn errors_in_a_revision_point_into_it_after_the_base() {
    let rev = "ruleset demo \"修订\" {\n  version \"2\"\n  extends \"1\"\n}\ncategory \"二\" points 4 {\n  indicator 5 \"两倍\" points 2 { score tiers tripel(a) { [2, ..) => 2 } }\n}\n";
    let (_, diags, shown) = load(&[("demo/1.zb", BASE), ("demo/2.zb", rev)], "demo/2.zb");
    let d = diags
        .iter()
        .find(|d| d.code == codes::UNKNOWN_NAME)
        .expect("unknown");
    assert_eq!(d.file.as_deref(), Some("demo/2.zb"));
    assert!(shown.contains("demo/2.zb:6:"), "{shown}");
}

#[test]
fn scripts_in_the_base_and_the_revision_both_run_and_errors_find_their_file() {
    let base = "ruleset sc \"脚本\" {\n  version \"1\"\n  pass total >= 1\n}\ninput a \"甲\" count 个\ncategory \"一\" points 4 {\n  indicator 1 \"原版脚本\" points 2 {\n    score ```if a > 1 { 2 } else { 0 }```\n  }\n  indicator 2 \"待替换\" points 2 { score judged }\n}\n";
    let rev = "ruleset sc \"脚本\" {\n  version \"2\"\n  extends \"1\"\n}\ncategory \"一\" points 4 {\n  indicator 2 \"修订版脚本\" points 2 {\n    score ```if a > 5 { 2 } else { 1 }```\n  }\n}\n";
    let r = clean(&[("sc/1.zb", base), ("sc/2.zb", rev)], "sc/2.zb");
    let (_, ev) = common::scored(&r, "year = 2024\n[data]\na = 3\n");
    assert_eq!(
        (common::score_of(&ev, 1), common::score_of(&ev, 2)),
        ("2".into(), "1".into())
    );
    // A rule that fails at run time names the file and line it was written in.
    let failing = rev.replace("if a > 5 { 2 } else { 1 }", "\"文字\"");
    let r = clean(&[("sc/1.zb", base), ("sc/2.zb", &failing)], "sc/2.zb");
    let (_, ev) = common::scored(&r, "year = 2024\n[data]\na = 3\n");
    let err = ev.indicators[1].error_message().unwrap_or_default();
    assert!(err.contains("规则文件 sc/2.zb 第 7 行"), "{err}");
    // A script that does not compile, in the revision: reported at its line there.
    let broken = rev.replace("{ 1 }```", "{ 1 ```");
    let (_, diags, shown) = load(&[("sc/1.zb", base), ("sc/2.zb", &broken)], "sc/2.zb");
    let d = diags
        .iter()
        .find(|d| d.code == codes::SCRIPT)
        .expect("script error");
    assert_eq!(d.file.as_deref(), Some("sc/2.zb"), "{shown}");
    assert!(shown.contains("sc/2.zb:7:"), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// The catalogue and its dates

#[test]
fn versions_are_picked_by_id_date_or_newest() {
    let files = [
        text(
            "s/1.zb",
            "ruleset s \"s\" { version \"1\" effective 2020-01-01 until 2022-12-31 pass total >= 1 }",
        ),
        text(
            "s/2.zb",
            "ruleset s \"s\" { version \"2\" effective 2023-01-01 pass total >= 1 }",
        ),
        text(
            "s/3.zb",
            "ruleset s \"s\" { version \"3\" effective 2026-01-01 pass total >= 1 }",
        ),
    ];
    let e = versions::catalog(&files);
    let on = |d: &str| {
        versions::in_force(&e, "s", Day::parse(d).expect("day")).map(|e| e.version.as_str())
    };
    assert_eq!(on("2019-12-31"), None);
    assert_eq!(on("2020-01-01"), Some("1"));
    assert_eq!(on("2022-12-31"), Some("1"));
    assert_eq!(on("2023-01-01"), Some("2"));
    assert_eq!(on("2025-12-31"), Some("2"));
    assert_eq!(on("2026-01-01"), Some("3"));
    assert_eq!(
        versions::newest(&e, "s").map(|e| e.version.as_str()),
        Some("3")
    );
    assert_eq!(
        versions::find_entry(&e, "s", "2").map(|e| &*e.name),
        Some("s/2.zb")
    );
    assert!(versions::check_dates(&e).is_empty());
}

#[test]
fn dates_are_parsed_strictly() {
    assert_eq!(
        Day::parse("2024-02-29").map(|d| d.to_string()),
        Some("2024-02-29".into())
    );
    assert!(Day::parse("2023-02-29").is_none());
    assert!(Day::parse("2023-2-01").is_none());
    assert!(Day::parse("20230201").is_none());
    assert_eq!(
        Day::parse("2023-12-31").map(|d| d.next().to_string()),
        Some("2024-01-01".into())
    );
    assert_eq!(
        Day::parse("2024-02-28").map(|d| d.next().to_string()),
        Some("2024-02-29".into())
    );
    assert_eq!(
        Day::parse("2024-03-01").map(|d| d.prev().to_string()),
        Some("2024-02-29".into())
    );
    assert_eq!(
        Day::parse("2024-01-01").map(|d| d.prev().to_string()),
        Some("2023-12-31".into())
    );
}

#[test]
fn overlapping_and_inconsistent_dates_are_findings() {
    let files = [
        // Overlaps 2 (until after 2's start).
        text(
            "s/1.zb",
            "ruleset s \"s\" {\n  version \"1\"\n  effective 2020-01-01\n  until 2023-06-30\n}",
        ),
        text(
            "s/2.zb",
            "ruleset s \"s\" {\n  version \"2\"\n  effective 2023-01-01\n  until 2023-12-31\n}",
        ),
        // A gap after 2, and it starts before the version it extends.
        text(
            "s/3.zb",
            "ruleset s \"s\" {\n  version \"3\"\n  extends \"4\"\n  effective 2024-03-01\n}",
        ),
        text(
            "s/4.zb",
            "ruleset s \"s\" {\n  version \"4\"\n  effective 2025-01-01\n  until 2024-12-31\n}",
        ),
        // The same version twice, in a file named otherwise.
        text(
            "s/4b.zb",
            "ruleset s \"s\" {\n  version \"4\"\n  effective 2026-01-01\n}",
        ),
        // No date; in a folder of another set.
        text("t/5.zb", "ruleset s \"s\" {\n  version \"5\"\n}"),
        // Same start as 3.
        text(
            "s/6.zb",
            "ruleset s \"s\" {\n  version \"6\"\n  effective 2024-03-01\n}",
        ),
    ];
    let e = versions::catalog(&files);
    let diags = versions::check_dates(&e);
    let mut sources = SourceMap::new();
    for f in &files {
        sources.add(&f.name, &f.text);
    }
    let mut codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(
        codes,
        [
            "ZB701", "ZB702", "ZB703", "ZB704", "ZB705", "ZB709", "ZB710"
        ]
    );
    insta::assert_snapshot!(render_all(&diags, &sources, RenderOptions::default()));
}

#[test]
fn the_built_in_rules_are_every_file_under_rules() {
    let root = std::path::Path::new(crate::common::root()).join("rules");
    let mut on_disk = Vec::new();
    for set in std::fs::read_dir(&root).expect("rules/").flatten() {
        for f in std::fs::read_dir(set.path()).expect("set").flatten() {
            if f.path().extension().is_some_and(|x| x == "zb") {
                let rel = format!(
                    "rules/{}/{}",
                    set.file_name().to_string_lossy(),
                    f.file_name().to_string_lossy()
                );
                let text = std::fs::read_to_string(f.path()).expect("text");
                on_disk.push((rel, text));
            }
        }
    }
    on_disk.sort();
    let built_in: Vec<(String, String)> = builtin::FILES
        .iter()
        .map(|f| (f.path.to_string(), f.text.to_string()))
        .collect();
    assert_eq!(built_in, on_disk);
    assert!(on_disk.len() >= 2);
    // Every built-in file loads cleanly, and the default is the official index.
    for f in builtin::FILES {
        let (rules, diags) = zhibiao::builtin::load(&Arc::from(f.path), f.text);
        assert!(!zhibiao::diag::has_errors(&diags), "{}", f.path);
        assert!(rules.is_some());
    }
    assert_eq!(builtin::default_file().path, "rules/sd-nmsz/2023.zb");
    assert!(versions::check_dates(builtin::catalog()).is_empty());
}

// ---------------------------------------------------------------------------------------------
// accepts, and the second rule set

fn targets() -> Program {
    let f = builtin::find("lingang-targets", "2025").expect("built in");
    let (rules, diags) = zhibiao::builtin::load(&Arc::from(f.path), f.text);
    assert!(!zhibiao::diag::has_errors(&diags));
    Program::new(rules.expect("rules"))
}

#[test]
fn the_targets_score_the_official_examples_unchanged() {
    let rules = targets();
    let accepted = rules.accepted.as_ref().expect("accepts");
    assert_eq!(
        (accepted.id.as_str(), accepted.version.as_str()),
        ("sd-nmsz", "2023")
    );
    assert!(accepted.judgement_keys.contains("12.1"));
    assert!(accepted.data_keys.contains("platform_users"));
    assert!(
        !accepted.data_keys.contains("online_retail"),
        "declared here, not ignored"
    );
    assert_eq!(rules.indicators().count(), 10);
    let mut verdicts = Vec::new();
    for name in ["pass.toml", "category-fail.toml", "draft.toml"] {
        let path = format!("{}/examples/{name}", crate::common::root());
        let sub = std::fs::read_to_string(path).expect("example");
        let Outcome::Scored { evaluation, .. } =
            common::outcome(&rules, &sub, Some(REFERENCE), false)
        else {
            panic!("{name} must be usable under the targets");
        };
        let met: Vec<String> = evaluation
            .indicators
            .iter()
            .map(|i| format!("{}:{}", i.no, i.score.normalize()))
            .collect();
        verdicts.push(format!(
            "{name} {} {}",
            evaluation.total.normalize(),
            met.join(" ")
        ));
        // Target 2 needs the two new inputs, which the examples do not have.
        let two = &evaluation.indicators[1];
        assert_eq!(two.status, zhibiao::eval::Status::Missing);
    }
    assert_eq!(
        verdicts,
        [
            "pass.toml 4 1:0 2:0 3:1 4:1 5:1 6:1 7:0 8:0 9:0 10:0",
            "category-fail.toml 7 1:0 2:0 3:1 4:1 5:1 6:1 7:0 8:1 9:1 10:1",
            "draft.toml 1 1:0 2:0 3:1 4:0 5:0 6:0 7:0 8:0 9:0 10:0",
        ]
    );
}

#[test]
fn every_target_can_be_met_and_boundaries_count() {
    let rules = targets();
    // All ten targets met, with the thresholds hit exactly where "以上" includes them.
    let sub = r#"
year = 2025
[data]
online_retail = { 2024 = 80000, 2025 = 100000 }
retail_total = { 2024 = 600000, 2025 = 640000 }
online_retail_growth = { 2025 = "25%" }
express_volume = { 2024 = 100, 2025 = 130 }
market_entities = 10000
online_operators = 1000
online_operators_prev = 800
operators_over_2y = 600
new_large_operator_sales = [5000, 5000, 6000, 7000, 8000, 9000]
online_employment = 50
total_employment = 1000
ecommerce_tax = 5
total_tax = 100
province_online_operators_growth = "20%"
province_online_retail_growth = { 2025 = "10%" }
province_express_growth = { 2025 = "10%" }
province_online_retail_share = { 2024 = "14%", 2025 = "15%" }
"#;
    let (_, ev) = common::scored(&rules, sub);
    let scores: Vec<String> = ev
        .indicators
        .iter()
        .map(|i| i.score.normalize().to_string())
        .collect();
    assert_eq!(
        scores,
        ["1"; 10],
        "{:#?}",
        ev.indicators
            .iter()
            .map(|i| i.explanation())
            .collect::<Vec<_>>()
    );
    assert!(ev.passed);
    assert!(ev.checks.is_empty(), "no early-year warning in 2025");
    // One below each threshold: the growth of operators is not above the province's (25% vs 25%).
    let (_, ev) = common::scored(&rules, &sub.replace("\"20%\"", "\"25%\""));
    assert_eq!(common::score_of(&ev, 2), "0");
    assert!(!ev.passed);
}

#[test]
fn an_input_declared_unlike_the_accepted_set_is_an_error() {
    let bad = r#"
ruleset mine "自己的目标" {
  version "1"
  accepts "sd-nmsz@2023"
  pass total >= 1
}
input online_retail "网上零售额" money 元 yearly
category "一" points 1 {
  indicator 1 "零售额" points 1 { score tiers online_retail[Y] { [1, ..) => 1 } }
}
"#;
    let (_, diags, shown) = load(&[("mine/1.zb", bad)], "mine/1.zb");
    assert!(
        diags.iter().any(|d| d.code == codes::ACCEPTS_MISMATCH),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn keys_of_neither_rule_set_are_still_errors() {
    let rules = targets();
    let sub = "year = 2024\n[data]\nonline_retial = 1\n[judgements]\n\"99.1\" = true\n";
    let Outcome::Unusable(d) = common::outcome(&rules, sub, None, false) else {
        panic!("unknown keys must stay errors");
    };
    assert_eq!(
        d.iter()
            .filter(|d| d.code == codes::SUB_UNKNOWN_KEY)
            .count(),
        2
    );
}
