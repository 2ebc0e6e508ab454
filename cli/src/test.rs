//! `zhibiao test [PATHS…]`: runs the test cases beside rule sets, shows expected against actual
//! for every failure, re-blesses with `--update`, and reports boundary coverage.

use crate::args::TestArgs;
use crate::files::{default_paths, read_text};
use crate::{EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use unicode_width::UnicodeWidthStr;
use zhibiao::codes;
use zhibiao::diag::{self, Diagnostic, RenderOptions, SourceMap};
use zhibiao::eval::Program;
use zhibiao::submission::Format;
use zhibiao::suite::coverage::Coverage;
use zhibiao::suite::{self, CaseOutcome, CaseResult, SubmissionRef, Suite, Text};

/// A tests folder's settings, from its `config.toml`.
#[derive(Default, Clone, Copy)]
struct Settings {
    require_coverage: bool,
}

/// The test files under a path: `*.toml` files in folders named `tests` (or the file itself),
/// except each folder's `config.toml`.
pub fn test_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let in_tests = dir.file_name().is_some_and(|n| n == "tests");
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if in_tests
                && p.extension().is_some_and(|x| x == "toml")
                && p.file_name().is_some_and(|n| n != "config.toml")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn settings_for(test_file: &Path) -> Result<Settings, Diagnostic> {
    let Some(config) = test_file.parent().map(|d| d.join("config.toml")) else {
        return Ok(Settings::default());
    };
    if !config.is_file() {
        return Ok(Settings::default());
    }
    let (name, text) = read_text(&config, codes::MISSING, crate::files::RULE_FILE)?;
    let doc = text.parse::<toml_edit::DocumentMut>().map_err(|e| {
        Diagnostic::error(
            codes::TEST_FILE,
            format!("设置文件不是有效的 TOML：{}", e.message().trim()),
        )
        .in_file(&name)
    })?;
    let mut s = Settings::default();
    for (k, v) in doc.iter() {
        match (k, v.as_bool()) {
            ("require_full_coverage", Some(b)) => s.require_coverage = b,
            _ => {
                return Err(Diagnostic::error(
                    codes::TEST_FILE,
                    format!("设置文件里有不认识的项“{k}”"),
                )
                .in_file(&name)
                .help("可以写：require_full_coverage = true（要求边界覆盖完整）"));
            }
        }
    }
    Ok(s)
}

fn format_of(path: &str) -> Option<Format> {
    Format::from_path(path)
}

/// A rule set under test, with the coverage its cases reach.
struct Under {
    rules: Program,
    coverage: Coverage,
    require: bool,
}

/// Runs `zhibiao test`.
pub fn run(args: TestArgs) -> u8 {
    let Some(paths) = default_paths(args.paths) else {
        errln!(
            "当前目录下没有 rules/ 目录：请写出测试文件或目录，如 zhibiao test rules/sd-nmsz/tests"
        );
        return EXIT_UNUSABLE;
    };
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let opts = RenderOptions { color, width: 100 };
    let mut sources = SourceMap::new();
    let mut unusable = 0usize;
    let report = |d: &[Diagnostic], sources: &SourceMap, unusable: &mut usize| {
        if !d.is_empty() {
            outln!("{}", diag::render_all(d, sources, opts));
            *unusable += 1;
        }
    };
    let mut files = Vec::new();
    for p in &paths {
        if !p.exists() {
            let name: Arc<str> = Arc::from(p.display().to_string());
            report(
                &[Diagnostic::error(codes::MISSING, "找不到这个文件或目录").in_file(&name)],
                &sources,
                &mut unusable,
            );
            continue;
        }
        files.extend(test_files(p));
    }
    if files.is_empty() && unusable == 0 {
        outln!(
            "没有找到测试文件：测试文件放在规则目录下的 tests/ 里，如 rules/sd-nmsz/tests/*.toml"
        );
        return EXIT_UNUSABLE;
    }
    let mut under: BTreeMap<String, Under> = BTreeMap::new();
    let (mut passed, mut failed, mut broken, mut renewed) = (0usize, 0usize, 0usize, 0usize);
    let mut updated_files = 0usize;
    for path in files {
        let (name, text) = match read_text(&path, codes::MISSING, crate::files::RULE_FILE) {
            Ok(x) => x,
            Err(d) => {
                report(&[d], &sources, &mut unusable);
                continue;
            }
        };
        sources.add(&name, &text);
        let (suite, diags) = suite::parse(&name, &text);
        let Some(suite) = suite.filter(|_| diags.is_empty()) else {
            report(&diags, &sources, &mut unusable);
            continue;
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let settings = match settings_for(&path) {
            Ok(s) => s,
            Err(d) => {
                report(&[d], &sources, &mut unusable);
                continue;
            }
        };
        // The rule file: the one the test names, or the newest in the folder above `tests/`.
        let rules_spec = match &suite.rules {
            Some(r) => dir.join(r),
            None => dir.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        let spec = rules_spec.display().to_string();
        let rule_source = match crate::rules::choose(Some(&spec), None, true) {
            Ok(s) => s,
            Err(d) => {
                report(&[d], &sources, &mut unusable);
                continue;
            }
        };
        let key = rule_source.name.to_string();
        if !under.contains_key(&key) {
            sources.add(&rule_source.name, &rule_source.text);
            let (rules, diags) = zhibiao::builtin::load(&rule_source.name, &rule_source.text);
            match rules.filter(|_| !diag::has_errors(&diags)) {
                Some(rules) => {
                    let coverage = Coverage::of(&rules);
                    under.insert(
                        key.clone(),
                        Under {
                            rules: Program::new(rules),
                            coverage,
                            require: false,
                        },
                    );
                }
                None => {
                    report(&diags, &sources, &mut unusable);
                    outln!("{name}：规则文件 {key} 有错误，无法测试");
                    continue;
                }
            }
        }
        let Some(u) = under.get_mut(&key) else {
            continue;
        };
        u.require |= settings.require_coverage || args.require_coverage;
        outln!("{name}（规则 {key}）");
        let mut results: Vec<CaseResult> = Vec::new();
        for case in &suite.cases {
            match run_one(&suite, case, &dir, u, &mut sources) {
                Ok(r) => results.push(r),
                Err(d) => {
                    broken += 1;
                    outln!("  ✗ {}：无法运行", case.name);
                    report(&d, &sources, &mut unusable);
                }
            }
        }
        for r in &results {
            match &r.outcome {
                CaseOutcome::Passed(_) => {
                    passed += 1;
                    outln!("  ✓ {}", r.name);
                }
                // With --update a case that did not match is not a failure: its expectations
                // are rewritten below, and what changed is listed there.
                CaseOutcome::Failed(..) if args.update => {
                    renewed += 1;
                    outln!("  ↻ {}：期望已按当前结果更新", r.name);
                }
                CaseOutcome::Failed(_, mismatches) => {
                    failed += 1;
                    outln!("  ✗ {}", r.name);
                    print_mismatches(mismatches);
                }
                CaseOutcome::Unusable(d) => {
                    broken += 1;
                    outln!("  ✗ {}：申报数据无法使用", r.name);
                    report(d, &sources, &mut unusable);
                }
            }
        }
        if args.update {
            updated_files += update(&path, &name, &text, &suite, &results);
        }
    }
    outln!();
    let total = passed + failed + broken;
    let total = total + renewed;
    if args.update {
        outln!(
            "用例：共 {total} 个，通过 {passed} 个，已按当前结果更新期望 {renewed} 个，无法运行 {broken} 个。"
        );
    } else {
        outln!("用例：共 {total} 个，通过 {passed} 个，未通过 {failed} 个，无法运行 {broken} 个。");
    }
    let mut coverage_short = false;
    for (name, u) in &under {
        let (possible, seen) = u.coverage.counts();
        let pct = (seen * 100).checked_div(possible).unwrap_or(100);
        outln!(
            "边界覆盖（{name}）：{} 处分档边界和条件，应测 {possible} 种情况，已测 {seen} 种（{pct}%）{}",
            u.coverage.targets.len(),
            if u.require {
                "，要求完整覆盖"
            } else {
                ""
            }
        );
        for t in &u.coverage.targets {
            if let Some(line) = t.describe_missing() {
                outln!("  {line}");
            }
        }
        let untested = u.coverage.untested_scripts();
        if !untested.is_empty() {
            let list: Vec<String> = untested.iter().map(u32::to_string).collect();
            outln!(
                "  未测试：指标 {} 用脚本计分，没有一个用例写出它的期望得分（脚本里的分档找不出边界，上面的覆盖率不含这些指标）。请为它们写用例，在 [case.expect.indicators] 中写出期望得分。",
                list.join("、")
            );
        }
        if u.require && !u.coverage.complete() {
            coverage_short = true;
        }
    }
    if args.update && updated_files > 0 {
        outln!("已更新 {updated_files} 个测试文件的期望结果。");
    }
    if unusable > 0 {
        EXIT_UNUSABLE
    } else if (failed > 0 && !args.update) || coverage_short {
        if coverage_short {
            outln!("边界覆盖不完整：按上面列出的情况补充用例。");
        }
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Builds a case's submission from its files and runs it.
fn run_one(
    suite: &Suite,
    case: &suite::Case,
    dir: &Path,
    u: &mut Under,
    sources: &mut SourceMap,
) -> Result<CaseResult, Vec<Diagnostic>> {
    if let Some(expect) = &case.expect {
        u.coverage
            .expect(expect.indicators.iter().map(|(no, _)| *no));
    }
    let c = case_inputs(suite, case, dir, sources)?;
    Ok(suite::run_case(
        &u.rules,
        case,
        c.submission(),
        c.reference(),
        Some(&mut u.coverage),
    ))
}

/// The texts a case is scored from: its submission (with the case's changes made) and its
/// reference file.
pub struct CaseInputs {
    /// The submission's name.
    pub name: Arc<str>,
    /// The submission's text.
    pub text: String,
    /// Its format.
    pub format: Format,
    /// The reference file, if any: name, text, format.
    pub reference: Option<(Arc<str>, Arc<str>, Format)>,
}

impl CaseInputs {
    /// The submission as `suite::run_case` takes it.
    pub fn submission(&self) -> Text<'_> {
        Text {
            name: &self.name,
            text: &self.text,
            format: self.format,
        }
    }

    /// The reference as `suite::run_case` takes it.
    pub fn reference(&self) -> Option<Text<'_>> {
        self.reference.as_ref().map(|(n, t, f)| Text {
            name: n,
            text: t,
            format: *f,
        })
    }
}

/// Reads the files a case names (relative to its test file's folder `dir`) and builds its
/// submission. Also used by `zhibiao lsp` for its live scores.
pub fn case_inputs(
    suite: &Suite,
    case: &suite::Case,
    dir: &Path,
    sources: &mut SourceMap,
) -> Result<CaseInputs, Vec<Diagnostic>> {
    let (base_name, base_text, base_format): (Arc<str>, Arc<str>, Format) = match suite
        .base_of(case)
    {
        Some(SubmissionRef::Path(p)) => {
            let path = dir.join(p);
            let (n, t) =
                read_text(&path, codes::MISSING, crate::files::DATA_FILE).map_err(|d| vec![d])?;
            let f = format_of(&n).ok_or_else(|| {
                vec![
                    Diagnostic::error(codes::SUB_SYNTAX, "无法判断申报文件格式")
                        .in_file(&n)
                        .help("申报文件的扩展名应为 .toml 或 .json"),
                ]
            })?;
            (n, t, f)
        }
        Some(SubmissionRef::Inline) => {
            let text = suite.inline_submission(case).unwrap_or_default();
            (
                Arc::from(format!("{}［{}］", suite.file, case.name)),
                Arc::from(text),
                Format::Toml,
            )
        }
        None => {
            return Err(vec![
                    Diagnostic::error(codes::TEST_FILE, format!("用例“{}”没有申报数据", case.name))
                        .at(&suite.file, case.span)
                        .help("在文件开头写 submission = \"申报文件路径\"，或在用例里写 [case.submission]"),
                ]);
        }
    };
    sources.add(&base_name, &base_text);
    let text = suite
        .case_submission(case, &base_name, &base_text, base_format)
        .map_err(|d| vec![d])?;
    let sub_name: Arc<str> = if case.changes {
        Arc::from(format!("{}［{}］", suite.file, case.name))
    } else {
        base_name.clone()
    };
    sources.add(&sub_name, &Arc::from(text.as_str()));
    let reference = match suite.reference_of(case) {
        Some(p) => {
            let (n, t) = read_text(&dir.join(p), codes::MISSING, crate::files::DATA_FILE)
                .map_err(|d| vec![d])?;
            let f = format_of(&n).ok_or_else(|| {
                vec![Diagnostic::error(codes::SUB_SYNTAX, "无法判断参照文件格式").in_file(&n)]
            })?;
            sources.add(&n, &t);
            Some((n, t, f))
        }
        None => None,
    };
    Ok(CaseInputs {
        name: sub_name,
        text,
        format: base_format,
        reference,
    })
}

/// Prints expected against actual, one row per unmet expectation, with the explanation below.
fn print_mismatches(mismatches: &[suite::Mismatch]) {
    let w_what = mismatches
        .iter()
        .map(|m| m.what.width())
        .max()
        .unwrap_or(0)
        .max("项目".width());
    let w_exp = mismatches
        .iter()
        .map(|m| m.expected.width())
        .max()
        .unwrap_or(0)
        .max("期望".width());
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.width())));
    outln!(
        "      {}  {}  实际",
        pad("项目", w_what),
        pad("期望", w_exp)
    );
    for m in mismatches {
        outln!(
            "      {}  {}  {}",
            pad(&m.what, w_what),
            pad(&m.expected, w_exp),
            m.actual
        );
        for line in &m.explanation {
            outln!("        └ {line}");
        }
    }
}

/// Rewrites a test file's expectations; returns 1 when the file changed.
fn update(
    path: &Path,
    name: &Arc<str>,
    text: &str,
    suite: &Suite,
    results: &[CaseResult],
) -> usize {
    let pairs: Vec<(&suite::Case, &zhibiao::eval::Evaluation)> = results
        .iter()
        .filter_map(|r| {
            let ev = match &r.outcome {
                CaseOutcome::Failed(ev, _) => ev,
                _ => return None,
            };
            suite.cases.get(r.index).map(|c| (c, ev.as_ref()))
        })
        .collect();
    if pairs.is_empty() {
        return 0;
    }
    match suite::update(text, &pairs) {
        Ok((new_text, changes)) => {
            if new_text == text {
                return 0;
            }
            if let Err(e) = std::fs::write(path, &new_text) {
                outln!("{name}：无法写入：{e}");
                return 0;
            }
            outln!("已更新 {name}：");
            for c in changes {
                match c.from {
                    Some(from) => outln!("  {} · {}：{from} → {}", c.case, c.what, c.to),
                    None => outln!("  {} · {}：写入 {}", c.case, c.what, c.to),
                }
            }
            for (case, ev) in &pairs {
                if let Some(warning) = suite::name_disagrees(case, ev) {
                    outln!("  ⚠ {warning}");
                }
            }
            1
        }
        Err(e) => {
            outln!("{name}：无法更新：{e}");
            0
        }
    }
}
