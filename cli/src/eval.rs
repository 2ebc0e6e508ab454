//! `zhibiao eval` of one district (a batch goes to [`crate::batch`]) and `zhibiao explain`: read
//! the files, choose the rules, assess, and print the report or the explanation.

use crate::args::{EvalArgs, ExplainArgs, ExplainFormat, OutFormat};
use crate::files::{self, DataFile, References};
use crate::{EXIT_INTERNAL, EXIT_OK, EXIT_UNUSABLE, print_diags, rules};
use std::path::Path;
use std::sync::Arc;
use zhibiao::assess::Outcome;
use zhibiao::codes;
use zhibiao::diag::{Diagnostic, SourceMap};
use zhibiao::eval::Program;
use zhibiao::report;
use zhibiao::submission::{self, Submission};

/// Picks and loads the rules for `eval`: `--rules` (or the submission's `ruleset`) and `--as-of`.
pub fn load_rules(
    spec: Option<&str>,
    as_of: Option<&str>,
    spec_from_cli: bool,
    sources: &mut SourceMap,
) -> Result<Program, Vec<Diagnostic>> {
    let day = as_of
        .map(rules::parse_as_of)
        .transpose()
        .map_err(|d| vec![d])?;
    let text = rules::choose(spec, day, spec_from_cli).map_err(|d| vec![d])?;
    rules::load(text, sources)
}

/// A submission assessed against its rules, with what the reports need.
struct Assessed {
    rules: Program,
    sub: Box<Submission>,
    evaluation: Box<zhibiao::eval::Evaluation>,
    warnings: Vec<Diagnostic>,
    sources: SourceMap,
}

/// Reads one district's submission (TOML, JSON or a filled-in XLSX template), or prints why not
/// and gives the exit code.
fn read_one(path: &Path) -> Result<DataFile, u8> {
    files::read_submission(path).map_err(|d| {
        print_diags(&[d], &SourceMap::new());
        EXIT_UNUSABLE
    })
}

/// Loads the rules and assesses one district's submission; on failure prints why and returns the
/// exit code.
fn assess_one(
    sub: &DataFile,
    rules_spec: Option<&str>,
    as_of: Option<&str>,
    reference_path: Option<&Path>,
    strict: bool,
) -> Result<Assessed, u8> {
    let mut sources = SourceMap::new();
    // The command line wins; otherwise the submission may name a built-in rule set
    // (`sd-nmsz@2023`) — never a path: files are chosen by whoever runs the command.
    let (requested, allow_paths) = match rules_spec {
        Some(r) => (Some(r.to_string()), true),
        None => (sub.requested_ruleset(), false),
    };
    let rules = match load_rules(requested.as_deref(), as_of, allow_paths, &mut sources) {
        Ok(r) => r,
        Err(diags) => {
            print_diags(&diags, &sources);
            errln!("规则无法使用，无法评估。");
            return Err(EXIT_UNUSABLE);
        }
    };
    let references = load_references(reference_path, rules_spec, &sources)?;
    let outcome = files::assess_files(&rules, sub, references.as_ref(), strict, &mut sources);
    match outcome {
        Outcome::Scored {
            submission,
            evaluation,
            warnings,
        } => Ok(Assessed {
            rules,
            sub: submission,
            evaluation,
            warnings,
            sources,
        }),
        Outcome::Unusable(diags) => {
            print_diags(&diags, &sources);
            errln!(
                "输入有错误，无法评估（共 {} 处）。请按提示修改后重试。",
                diags.iter().filter(|d| d.is_error()).count()
            );
            Err(EXIT_UNUSABLE)
        }
    }
}

/// `zhibiao eval`.
pub fn run_eval(args: EvalArgs) -> u8 {
    let inputs = files::Inputs::of(
        &args.submissions,
        args.reference.as_deref(),
        args.rules.as_deref(),
    );
    if let Some(out) = &args.output
        && let Err(e) = inputs.refuse(out)
    {
        errln!("{e}");
        return EXIT_UNUSABLE;
    }
    // One district's file (TOML, JSON or a filled-in XLSX template): the single report.
    // Anything else (several files, a folder, a table of districts, reports per district, a CSV
    // ranking) is a batch.
    let single = match args.submissions.as_slice() {
        [one] if !one.is_dir() && args.out_dir.is_none() && args.format != OutFormat::Csv => {
            Some(one.clone())
        }
        _ => None,
    };
    let Some(path) = single else {
        return crate::batch::run(args);
    };
    let extension = path
        .extension()
        .map(|x| x.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let sub = match extension.as_str() {
        "toml" | "json" => match read_one(&path) {
            Ok(s) => s,
            Err(code) => return code,
        },
        "xlsx" => match files::read_bytes(&path, codes::SUB_SYNTAX, files::WORKBOOK) {
            Ok(bytes) if submission::xlsx::is_template(&bytes) => DataFile::Workbook {
                name: Arc::from(path.display().to_string()),
                bytes,
            },
            // A workbook with one district per row.
            Ok(_) => return crate::batch::run(args),
            Err(d) => {
                print_diags(&[d], &SourceMap::new());
                return EXIT_UNUSABLE;
            }
        },
        // A CSV table, or a file the batch will name as one it cannot read.
        _ => return crate::batch::run(args),
    };
    if args.format == OutFormat::Xlsx
        && let Err(e) = files::binary_on_terminal("评估报告.xlsx", args.output.as_deref())
    {
        errln!("{e}");
        return EXIT_UNUSABLE;
    }
    let a = match assess_one(
        &sub,
        args.rules.as_deref(),
        args.as_of.as_deref(),
        args.reference.as_deref(),
        args.strict,
    ) {
        Ok(a) => a,
        Err(code) => return code,
    };
    if args.format != OutFormat::Text {
        // The text report says these itself; other formats are for programs or printing.
        note_rule_folder_reference(&a.sub);
        for line in report::missing_reference_lines(&a.rules, &a.sub, &a.evaluation) {
            errln!("{line}");
        }
    }
    let code = print_report(
        args.format,
        &a.rules,
        &a.sub,
        &a.evaluation,
        &a.warnings,
        &a.sources,
        args.output.as_deref(),
    );
    undetermined_code(&a.evaluation).unwrap_or(code)
}

/// Says on standard error which reference file was taken from the rule folder, if one was:
/// nobody named it on the command line.
fn note_rule_folder_reference(sub: &Submission) {
    if sub.reference_origin == submission::ReferenceOrigin::RuleFolder
        && let Some(line) = report::reference_line(sub)
    {
        errln!("{line}");
    }
}

/// For an evaluation without a verdict (the rules could not score an indicator): says so on
/// standard error and gives exit code 2, so no script takes the report for a result.
pub fn undetermined_code(evaluation: &zhibiao::eval::Evaluation) -> Option<u8> {
    if evaluation.verdict != zhibiao::eval::Verdict::Undetermined {
        return None;
    }
    let faults: Vec<String> = evaluation.rule_faults().map(|i| i.no.to_string()).collect();
    errln!(
        "无法判定是否合格：指标 {} 按现行规则无法计分（规则文件的问题）。请规则维护人员运行 zhibiao lint 检查并修正。",
        faults.join("、")
    );
    Some(EXIT_UNUSABLE)
}

/// Reads `--reference`, or without it the reference data in the rule folder `--rules` names
/// ([`files::References::find`]); or prints why not and gives the exit code.
pub fn load_references(
    path: Option<&Path>,
    rules_spec: Option<&str>,
    sources: &SourceMap,
) -> Result<Option<References>, u8> {
    References::find(path, rules_spec).map_err(|d| {
        print_diags(&[d], sources);
        EXIT_UNUSABLE
    })
}

/// Renders one district's report in the chosen format and writes it to `output` or the screen.
pub fn print_report(
    format: OutFormat,
    rules: &Program,
    sub: &Submission,
    evaluation: &zhibiao::eval::Evaluation,
    warnings: &[Diagnostic],
    sources: &SourceMap,
    output: Option<&Path>,
) -> u8 {
    let ctx = report::Context {
        rules,
        sub,
        problems: warnings,
        sources,
    };
    let bytes: Vec<u8> = match format {
        OutFormat::Text => report::to_text(&ctx, evaluation).into_bytes(),
        OutFormat::Json => {
            let v = report::to_json(&ctx, evaluation);
            match serde_json::to_string_pretty(&v) {
                Ok(s) => format!("{s}\n").into_bytes(),
                Err(e) => {
                    errln!("无法生成 JSON：{e}");
                    return EXIT_INTERNAL;
                }
            }
        }
        OutFormat::Markdown => match report::markdown::to_markdown(&ctx, evaluation) {
            Ok(s) => s.into_bytes(),
            Err(e) => {
                errln!("{e}");
                return EXIT_INTERNAL;
            }
        },
        OutFormat::Html => match report::html::to_html(&ctx, evaluation) {
            Ok(s) => s.into_bytes(),
            Err(e) => {
                errln!("{e}");
                return EXIT_INTERNAL;
            }
        },
        OutFormat::Xlsx => match report::xlsx::to_xlsx(&ctx, evaluation) {
            Ok(b) => b,
            Err(e) => {
                errln!("无法生成 XLSX 工作簿：{e}");
                return EXIT_INTERNAL;
            }
        },
        OutFormat::Csv => {
            errln!(
                "CSV 只用于批量评估的排名表；单个地区的报告请用 text、json、markdown、html 或 xlsx 格式。"
            );
            return EXIT_UNUSABLE;
        }
    };
    match files::write_output(
        output,
        &bytes,
        (format == OutFormat::Xlsx).then_some("评估报告.xlsx"),
    ) {
        Ok(()) => {
            if let Some(p) = output {
                errln!("报告已写入 {}", p.display());
            }
            EXIT_OK
        }
        Err(message) => {
            errln!("{message}");
            EXIT_UNUSABLE
        }
    }
}

/// `zhibiao explain`.
pub fn run_explain(args: ExplainArgs) -> u8 {
    let sub = match read_one(&args.submission) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let a = match assess_one(
        &sub,
        args.rules.as_deref(),
        args.as_of.as_deref(),
        args.reference.as_deref(),
        false,
    ) {
        Ok(a) => a,
        Err(code) => return code,
    };
    note_rule_folder_reference(&a.sub);
    let known: Vec<u32> = a.rules.indicators().map(|(_, i)| i.no.value).collect();
    let mut list = Vec::new();
    for raw in &args.indicators {
        let no = raw.trim().parse::<u32>().ok().filter(|n| known.contains(n));
        let Some(no) = no else {
            let (lo, hi) = (
                known.iter().min().copied().unwrap_or(0),
                known.iter().max().copied().unwrap_or(0),
            );
            errln!(
                "规则 {} {} 版中没有指标“{raw}”：指标编号应为 {lo} 到 {hi} 之间的数字，如 zhibiao explain {} 3",
                a.rules.id(),
                a.rules.version(),
                args.submission.display()
            );
            return EXIT_UNUSABLE;
        };
        if let Some(e) = zhibiao::explain::explain(&a.rules, &a.sub, &a.evaluation, no) {
            list.push(e);
        }
    }
    print_diags(&a.warnings, &a.sources);
    match args.format {
        ExplainFormat::Text => out!("{}", zhibiao::explain::to_text(&list)),
        ExplainFormat::Json => {
            let v = serde_json::json!({
                "ruleset": { "id": a.rules.id(), "version": a.rules.version(), "digest": a.rules.digest },
                "submission": {
                    "region": a.sub.region,
                    "year": a.sub.year,
                    "digest": a.sub.digest,
                    "reference_file": a.sub.reference_file,
                    "reference_origin": a.sub.reference_file.as_ref().map(|_| a.sub.reference_origin.key()),
                },
                "indicators": list,
            });
            match serde_json::to_string_pretty(&v) {
                Ok(s) => outln!("{s}"),
                Err(e) => {
                    errln!("无法生成 JSON：{e}");
                    return EXIT_INTERNAL;
                }
            }
        }
    }
    EXIT_OK
}
