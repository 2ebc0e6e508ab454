//! `zhibiao verify REPORT.json`: re-runs the evaluation a saved JSON report records and says
//! whether the report still matches. Exit 0 when it does, 1 when it does not (with every
//! difference), 2 when the check cannot be made (the report is not a report, a file is gone).

use crate::files::{
    DATA_FILE, RULE_FILE, References, assess_files, read_reference, read_submission, read_text,
};
use crate::rules;
use crate::{EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE, print_diags};
use serde_json::Value;
use std::path::{Path, PathBuf};
use zhibiao::assess::Outcome;
use zhibiao::audit::compare_reports;
use zhibiao::diag::{Diagnostic, SourceMap};
use zhibiao::versions::RuleText;
use zhibiao::{builtin, codes, report};

/// The most differences listed one by one.
const SHOWN: usize = 40;

/// What `verify` was given.
pub struct Args {
    /// The saved JSON report.
    pub report: PathBuf,
    /// The submission, if not the one the report names.
    pub submission: Option<PathBuf>,
    /// The reference file, if not the one the report names.
    pub reference: Option<PathBuf>,
    /// The rules, if not the ones the report names.
    pub rules: Option<String>,
}

fn field<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k)?;
    }
    cur.as_str()
}

/// Runs `verify`.
pub fn run(args: Args) -> u8 {
    let mut sources = SourceMap::new();
    match check(&args, &mut sources) {
        Ok(code) => code,
        Err(diags) => {
            print_diags(&diags, &sources);
            errln!("无法核对这份报告。");
            EXIT_UNUSABLE
        }
    }
}

fn unusable(report: &Path, msg: impl Into<String>, help: impl Into<String>) -> Vec<Diagnostic> {
    let name = std::sync::Arc::from(report.display().to_string());
    vec![
        Diagnostic::error(codes::SUB_SYNTAX, msg)
            .in_file(&name)
            .help(help),
    ]
}

/// A file a report names, if `verify` may read it: only inside the report's own folder or the
/// current folder (where `eval` is usually run), so a report cannot make `verify` read any file
/// on the machine. A file that does not exist is left to the reader's own message. Files the
/// user names (`--submission`, `--reference`, `--rules`) are read wherever they are.
fn confined<'a>(report: &Path, named: &'a Path, option: &str) -> Result<&'a Path, Vec<Diagnostic>> {
    let Ok(file) = std::fs::canonicalize(named) else {
        return Ok(named);
    };
    let report_dir = std::fs::canonicalize(report)
        .ok()
        .and_then(|r| r.parent().map(Path::to_path_buf));
    let here = std::env::current_dir().and_then(std::fs::canonicalize).ok();
    if [report_dir, here]
        .iter()
        .flatten()
        .any(|dir| file.starts_with(dir))
    {
        return Ok(named);
    }
    Err(unusable(
        report,
        format!(
            "报告记下的文件 {} 不在报告所在的目录或当前目录里，verify 不读取它",
            named.display()
        ),
        format!(
            "verify 只读取您指定的文件，以及报告所在目录或当前目录里的文件：确认这个文件可信后，用 {option} 指定它"
        ),
    ))
}

fn check(args: &Args, sources: &mut SourceMap) -> Result<u8, Vec<Diagnostic>> {
    let (_, text) = read_text(&args.report, codes::SUB_SYNTAX, DATA_FILE).map_err(|d| vec![d])?;
    let saved: Value = serde_json::from_str(&text).map_err(|e| {
        unusable(
            &args.report,
            format!("不是 JSON 文件（第 {} 行）：{e}", e.line()),
            "verify 只能核对 zhibiao eval --format json 生成的报告",
        )
    })?;
    let (Some(set), Some(version), Some(rules_file), Some(sub_file)) = (
        field(&saved, &["ruleset", "id"]),
        field(&saved, &["ruleset", "version"]),
        field(&saved, &["ruleset", "file"]),
        field(&saved, &["submission", "file"]),
    ) else {
        return Err(unusable(
            &args.report,
            "这个 JSON 文件不是 zhibiao 的评估报告（缺少 ruleset 或 submission）",
            "verify 只能核对 zhibiao eval --format json 生成的报告",
        ));
    };

    // The rules: as given, else the file the report names, else the built-in version.
    let rule_text = match &args.rules {
        Some(spec) => rules::choose(Some(spec), None, true).map_err(|d| vec![d])?,
        None => {
            let on_disk = Path::new(rules_file);
            if on_disk.is_file() {
                confined(&args.report, on_disk, "--rules")?;
                let (name, text) =
                    read_text(on_disk, codes::MISSING, RULE_FILE).map_err(|d| vec![d])?;
                RuleText { name, text }
            } else if let Some(f) = builtin::find(set, version) {
                RuleText {
                    name: std::sync::Arc::from(builtin::display_name(f)),
                    text: std::sync::Arc::from(f.text),
                }
            } else {
                return Err(unusable(
                    &args.report,
                    format!("找不到报告所用的规则 {set}@{version}（{rules_file}）"),
                    "用 --rules 指定规则文件",
                ));
            }
        }
    };
    let rules = rules::load(rule_text, sources)?;

    let sub_path = args
        .submission
        .clone()
        .unwrap_or_else(|| PathBuf::from(sub_file));
    if args.submission.is_none() {
        confined(&args.report, &sub_path, "--submission")?;
    }
    let sub = read_submission(&sub_path).map_err(|d| {
        let mut d = d;
        if args.submission.is_none() {
            d.help = Some("报告里记录的申报文件找不到：用 --submission 指定它现在的位置".into());
        }
        vec![d]
    })?;
    let saved_ref = field(&saved, &["submission", "reference_digest"]);
    // A report made with the reference data of its rule folder, checked against rules named
    // by `--rules`: the reference data of that folder, for the submission's year, as `eval` would
    // take it (the digests then say whether it is the same file).
    let from_folder = field(&saved, &["submission", "reference_origin"]) == Some("rule_folder");
    let in_folder = match (&args.reference, saved_ref, &args.rules) {
        (None, Some(_), Some(spec)) if from_folder => {
            References::find(None, Some(spec)).map_err(|d| vec![d])?
        }
        _ => None,
    };
    let reference: Option<References> = match (&args.reference, saved_ref) {
        _ if in_folder.is_some() => in_folder,
        (Some(p), _) => Some(References::given(read_reference(p).map_err(|d| vec![d])?)),
        (None, Some(_)) => match field(&saved, &["submission", "reference_file"]) {
            Some(f) => Some(References::given(
                read_reference(confined(&args.report, Path::new(f), "--reference")?).map_err(
                    |d| {
                        let mut d = d;
                        d.help = Some(
                            "报告里记录的参照文件找不到：用 --reference 指定它现在的位置".into(),
                        );
                        vec![d]
                    },
                )?,
            )),
            None => {
                return Err(unusable(
                    &args.report,
                    "报告用过参照文件，但没有记下文件名",
                    "用 --reference 指定参照文件",
                ));
            }
        },
        (None, None) => None,
    };

    let outcome = assess_files(&rules, &sub, reference.as_ref(), false, sources);
    let (submission, evaluation, warnings) = match outcome {
        Outcome::Scored {
            submission,
            evaluation,
            warnings,
        } => (submission, evaluation, warnings),
        Outcome::Unusable(diags) => {
            errln!("申报文件现在无法评估：");
            return Err(diags);
        }
    };
    let ctx = report::Context {
        rules: &rules,
        sub: &submission,
        problems: &warnings,
        sources,
    };
    let fresh = report::to_json(&ctx, &evaluation);
    let diffs = compare_reports(&saved, &fresh);
    let report_name = args.report.display();
    if diffs.is_empty() {
        outln!(
            "一致：{report_name} 与重新评估的结果完全相同（规则 {set}@{version}，规则摘要 {}）。",
            rules.digest
        );
        return Ok(EXIT_OK);
    }
    outln!(
        "不一致：{report_name} 与重新评估的结果有 {} 处不同。",
        diffs.len()
    );
    for d in diffs.iter().take(SHOWN) {
        outln!(
            "  - {}：报告中为 {}，重新评估为 {}",
            d.what(),
            d.saved,
            d.fresh
        );
    }
    if diffs.len() > SHOWN {
        outln!("  … 另有 {} 处", diffs.len() - SHOWN);
    }
    let digests = diffs.iter().any(|d| d.path.ends_with("digest"));
    let tool = diffs.iter().any(|d| d.path == "tool");
    if digests {
        outln!(
            "所用文件的摘要与报告记录的不同：这些文件在报告生成后改动过，或者报告中的摘要被改动过。"
        );
    }
    if tool {
        outln!("报告由另一版本的 zhibiao 生成，计分方式可能已有变化。");
    }
    if !digests && !tool {
        outln!("所用文件与报告记录的完全相同，结果却不同：报告内容被改动过。");
    }
    Ok(EXIT_FINDINGS)
}
