//! The `zhibiao` command line: reads files, calls the library, prints reports and diagnostics.

// Diagnostics are the error type and are large; they are returned once per problem.
#![allow(clippy::result_large_err)]

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use zhibiao::assess::{Input, Outcome, Request, assess};
use zhibiao::diag::{self, Diagnostic, RenderOptions, SourceMap};
use zhibiao::model::RuleSet;
use zhibiao::submission::Format;
use zhibiao::{codes, report};

mod batch;
mod diff;
mod files;
mod fmt;
mod generate;
mod lint;
mod rules;
mod template;
mod test;
mod verify;

/// Exit code: evaluated (whether the district passes or not), or no findings.
const EXIT_OK: u8 = 0;
/// Exit code: `lint` found problems, `test` failed, `fmt --check` found unformatted files.
const EXIT_FINDINGS: u8 = 1;
/// Exit code: unusable input (a rule file or a submission that cannot be used).
const EXIT_UNUSABLE: u8 = 2;
/// Exit code: an internal error (a bug in zhibiao).
const EXIT_INTERNAL: u8 = 3;
/// Exit code: a batch evaluation finished, but some submissions could not be evaluated.
const EXIT_SOME_FAILED: u8 = 4;

#[derive(Parser)]
#[command(
    name = "zhibiao",
    version,
    about = "指标：把评估指标体系写成规则文件，检查规则，为申报材料计分并说明每一分的来由。",
    after_help = "退出码：0 已完成（评估无论是否合格）；1 lint 发现问题、test 未通过或 fmt --check 发现格式不符；2 输入无法使用（规则文件或申报文件有错、文件读不了；批量评估时一份也评估不了）；3 程序内部错误；4 批量评估已完成，但其中有申报无法评估。verify 发现报告与重新评估的结果不一致时退出码为 1。"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 为申报文件计分，输出评估报告。
    Eval(EvalArgs),
    /// 逐步说明一个或多个指标的计分过程：公式代入数值、所在分档、逐年判断、各子项及证据、封顶，以及再得分需要什么。
    Explain(ExplainArgs),
    /// 检查规则文件：语法、名称、类型与单位、分值核算、分档、脚本、元数据（旧名 check）。
    #[command(alias = "check")]
    Lint(lint::Args),
    /// 运行规则目录下 tests/ 里的测试用例，并报告分档边界和条件的覆盖情况。
    Test(test::Args),
    /// 把规则文件改写成统一的格式；--check 只检查并显示差异。
    Fmt(fmt::Args),
    /// 对比两个规则版本：新增、删除、改号的指标，分值、分档、公式、子项、责任单位、说明文字和合格规则的改动；
    /// 加 --submission 则把申报文件分别按两个版本计分，列出得分和结论的变化及原因。
    Diff {
        /// 旧版本：规则文件、规则目录或内置规则编号（如 sd-nmsz@2023）。
        old: String,
        /// 新版本：同上。
        new: String,
        /// 申报文件（可写多个）。
        #[arg(long = "submission", value_name = "FILE")]
        submissions: Vec<PathBuf>,
        /// 全省参照数据文件。
        #[arg(long)]
        reference: Option<PathBuf>,
        /// 输出格式。
        #[arg(long, value_enum, default_value_t = OutFormat::Text)]
        format: OutFormat,
    },
    /// 核对一份保存的 JSON 报告：用报告记录的规则、申报和参照文件重新评估，看结果是否完全一致。
    Verify {
        /// 保存的报告（zhibiao eval --format json 的输出）。
        report: PathBuf,
        /// 申报文件（不写则用报告里记录的路径）。
        #[arg(long)]
        submission: Option<PathBuf>,
        /// 参照文件（不写则用报告里记录的路径）。
        #[arg(long)]
        reference: Option<PathBuf>,
        /// 规则（不写则用报告里记录的规则文件或内置版本）。
        #[arg(long)]
        rules: Option<String>,
    },
    /// 列出规则集及其各版本：生效日期、所基于的版本、摘要，并检查版本日期。
    Rules {
        /// 另外列出的规则文件或目录（内置规则总会列出）。
        paths: Vec<PathBuf>,
        /// 输出格式。
        #[arg(long, value_enum, default_value_t = OutFormat::Text)]
        format: OutFormat,
    },
    /// 根据规则生成申报模板（TOML、JSON、XLSX、CSV 表头或 JSON Schema）。
    Template(template::TemplateArgs),
    /// 生成虚构的申报文件（演示和性能测试用）。
    #[command(hide = true)]
    Generate(generate::GenerateArgs),
}

#[derive(clap::Args)]
struct EvalArgs {
    /// 申报文件（.toml、.json 或填好的 .xlsx 模板）；写多个文件、目录，或一张每行一个地区的表格（.csv、.xlsx）则批量评估，输出排名表。
    #[arg(required = true, value_name = "SUBMISSION")]
    submissions: Vec<PathBuf>,
    /// 规则：规则文件、规则目录（取生效日期最新的版本）或内置规则编号（如 sd-nmsz 或 sd-nmsz@2023）。不写则用内置规则。
    #[arg(long)]
    rules: Option<String>,
    /// 按日期选版本：用这一天生效的版本（年-月-日，如 2025-07-01）。
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// 全省参照数据文件（province_ 开头的项），供各地区共用。
    #[arg(long)]
    reference: Option<PathBuf>,
    /// 报告格式。
    #[arg(long, value_enum, default_value_t = OutFormat::Text)]
    format: OutFormat,
    /// 严格模式：缺少数据或未提交评审结论时报错，不出报告。
    #[arg(long)]
    strict: bool,
    /// 把报告（批量评估时为排名表）写入文件而不是输出到屏幕（xlsx 格式必须指定）。
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// 批量评估：把每个地区的评估报告写进这个目录（每个地区一个文件）。
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// 批量评估：每个地区的报告格式（配合 --out-dir）。
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    report_format: ReportFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutFormat {
    /// 中文文字报告（批量评估时为排名表）。
    Text,
    /// JSON（供其他程序读取）。
    Json,
    /// Markdown 文档。
    Markdown,
    /// 独立的 HTML 网页（内嵌样式和图表，可离线查看、按 A4 打印）。
    Html,
    /// Excel 工作簿：单个地区为评估报告（汇总、指标、差距、证据四个工作表），批量评估为排名表；需用 -o 指定文件。
    Xlsx,
    /// CSV 排名表（仅批量评估）。
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    /// 中文文字报告（.txt）。
    Text,
    /// JSON 报告（.json）。
    Json,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// 申报文件（.toml 或 .json）。
    submission: PathBuf,
    /// 要说明的指标编号，可写多个，如 3 6 35。
    #[arg(required = true)]
    indicators: Vec<String>,
    /// 规则：规则文件、规则目录或内置规则编号（同 eval）。
    #[arg(long)]
    rules: Option<String>,
    /// 按日期选版本：用这一天生效的版本（同 eval）。
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// 全省参照数据文件（province_ 开头的项），供各地区共用。
    #[arg(long)]
    reference: Option<PathBuf>,
    /// 输出格式。
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExplainFormat {
    /// 中文文字说明。
    Text,
    /// JSON（供其他程序读取）。
    Json,
}

/// Set by the panic hook when the reader of standard output or standard error has gone away
/// (`zhibiao eval … | head -1`, `zhibiao eval 各地区/ 2>&1 | head`): that is not a bug, so it is
/// neither reported (there is no one left to read it) nor counted as an internal error.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether a panic is `print!` or `eprint!` failing because the reader has gone away.
fn is_broken_pipe(info: &std::panic::PanicHookInfo<'_>) -> bool {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    (message.starts_with("failed printing to stdout")
        || message.starts_with("failed printing to stderr"))
        && message.contains("os error 32")
}

fn main() -> ExitCode {
    // Our own hook replaces the default one, so no backtrace and no RUST_BACKTRACE advice is
    // printed: a user sees what happened, that it is a bug, and what to send to whom.
    std::panic::set_hook(Box::new(|info| {
        if is_broken_pipe(info) {
            STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::SeqCst);
            return;
        }
        let place = info
            .location()
            .map(|l| format!("（{}:{}）", l.file(), l.line()))
            .unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("未知错误");
        eprintln!("zhibiao 内部错误{place}：{what}");
        eprintln!(
            "这是 zhibiao 的缺陷，不是您的输入有误。请把所用的命令、规则文件和申报文件，连同这段文字和版本号（zhibiao {}）一并报告给维护人员。",
            env!("CARGO_PKG_VERSION")
        );
    }));
    // A way for the tests to check the hook's message; debug builds only.
    #[cfg(debug_assertions)]
    if std::env::var_os("ZHIBIAO_TEST_PANIC").is_some() {
        let _ = std::panic::catch_unwind(|| panic!("测试用的内部错误"));
        return ExitCode::from(EXIT_INTERNAL);
    }
    let cli = Cli::parse();
    match std::panic::catch_unwind(move || run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(_) if STDOUT_CLOSED.load(std::sync::atomic::Ordering::SeqCst) => {
            ExitCode::from(EXIT_OK)
        }
        Err(_) => ExitCode::from(EXIT_INTERNAL),
    }
}

fn render_opts() -> RenderOptions {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    RenderOptions { color, width: 100 }
}

fn print_diags(diags: &[Diagnostic], sources: &SourceMap) {
    if !diags.is_empty() {
        eprintln!("{}", diag::render_all(diags, sources, render_opts()));
    }
}

fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Eval(args) => run_eval(args),
        Command::Explain(args) => run_explain(args),
        Command::Lint(args) => lint::run(args),
        Command::Test(args) => test::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Diff {
            old,
            new,
            submissions,
            reference,
            format,
        } => diff::run(diff::Args {
            old,
            new,
            submissions,
            reference,
            json: matches!(format, OutFormat::Json),
        }),
        Command::Verify {
            report,
            submission,
            reference,
            rules,
        } => verify::run(verify::Args {
            report,
            submission,
            reference,
            rules,
        }),
        Command::Rules { paths, format } => {
            rules::run_rules(&paths, matches!(format, OutFormat::Json))
        }
        Command::Template(args) => template::run(args),
        Command::Generate(args) => generate::run(args),
    }
}

/// Reads a file as UTF-8, or says why not.
fn read(path: &Path, code: &'static str) -> Result<(Arc<str>, Arc<str>), Diagnostic> {
    let name: Arc<str> = Arc::from(path.display().to_string());
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(code, format!("无法读取文件：{}", io_reason(&e)))
            .in_file(&name)
            .help("检查文件路径是否正确、文件是否存在")
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            code,
            format!(
                "文件不是 UTF-8 编码（第 {} 字节处）",
                e.utf8_error().valid_up_to()
            ),
        )
        .in_file(&name)
        .help("用文本编辑器把文件另存为 UTF-8 编码")
    })?;
    Ok((name, Arc::from(text)))
}

/// Reads a file's bytes, or says why not.
fn read_bytes(path: &Path, code: &'static str) -> Result<Vec<u8>, Diagnostic> {
    std::fs::read(path).map_err(|e| {
        Diagnostic::error(code, format!("无法读取文件：{}", io_reason(&e)))
            .in_file(&Arc::from(path.display().to_string()))
            .help("检查文件路径是否正确、文件是否存在")
    })
}

/// Why a file could not be read, in Chinese.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
        std::io::ErrorKind::IsADirectory => "这是一个目录，不是文件".to_string(),
        _ => e.to_string(),
    }
}

/// Picks and loads the rules for `eval`: `--rules` (or the submission's `ruleset`) and `--as-of`.
fn load_rules(
    spec: Option<&str>,
    as_of: Option<&str>,
    spec_from_cli: bool,
    sources: &mut SourceMap,
) -> Result<RuleSet, Vec<Diagnostic>> {
    let day = as_of
        .map(rules::parse_as_of)
        .transpose()
        .map_err(|d| vec![d])?;
    let text = rules::choose(spec, day, spec_from_cli).map_err(|d| vec![d])?;
    rules::load(text, sources)
}

/// A submission assessed against its rules, with what the reports need.
struct Assessed {
    rules: RuleSet,
    sub: Box<zhibiao::submission::Submission>,
    evaluation: Box<zhibiao::eval::Evaluation>,
    warnings: Vec<Diagnostic>,
    sources: SourceMap,
}

/// Reads the files, loads the rules and assesses the submission; on failure prints why and
/// returns the exit code.
fn assess_files(
    submission: &Path,
    rules_spec: Option<&str>,
    as_of: Option<&str>,
    reference_path: Option<&Path>,
    strict: bool,
) -> Result<Assessed, u8> {
    let mut sources = SourceMap::new();
    let Some(format) = Format::from_path(&submission.display().to_string()) else {
        let name: Arc<str> = Arc::from(submission.display().to_string());
        print_diags(
            &[Diagnostic::error(codes::SUB_SYNTAX, "无法判断申报文件格式")
                .in_file(&name)
                .help("申报文件的扩展名应为 .toml 或 .json")],
            &sources,
        );
        return Err(EXIT_UNUSABLE);
    };
    let (name, text) = match read(submission, codes::SUB_SYNTAX) {
        Ok(x) => x,
        Err(d) => {
            print_diags(&[d], &sources);
            return Err(EXIT_UNUSABLE);
        }
    };
    sources.add(&name, &text);
    // The command line wins; otherwise the submission may name a built-in rule set
    // (`sd-nmsz@2023`) — never a path: files are chosen by whoever runs the command.
    let (requested, allow_paths) = match rules_spec {
        Some(r) => (Some(r.to_string()), true),
        None => (zhibiao::submission::requested_ruleset(&text, format), false),
    };
    let rules = match load_rules(requested.as_deref(), as_of, allow_paths, &mut sources) {
        Ok(r) => r,
        Err(diags) => {
            print_diags(&diags, &sources);
            eprintln!("规则无法使用，无法评估。");
            return Err(EXIT_UNUSABLE);
        }
    };
    let reference = load_reference_arg(reference_path, &mut sources)?;
    let request = Request {
        submission: Input {
            name: &name,
            text: &text,
            format,
        },
        reference: reference.as_ref().map(|(n, t, f)| Input {
            name: n,
            text: t,
            format: *f,
        }),
        strict,
    };
    let (sub, evaluation, warnings) = match assess(&rules, request) {
        Outcome::Scored {
            submission,
            evaluation,
            warnings,
        } => (submission, evaluation, warnings),
        Outcome::Unusable(diags) => {
            print_diags(&diags, &sources);
            eprintln!(
                "输入有错误，无法评估（共 {} 处）。请按提示修改后重试。",
                diags.iter().filter(|d| d.is_error()).count()
            );
            return Err(EXIT_UNUSABLE);
        }
    };
    Ok(Assessed {
        rules,
        sub,
        evaluation,
        warnings,
        sources,
    })
}

fn run_eval(args: EvalArgs) -> u8 {
    // One TOML or JSON file: the single report. Anything else (a filled-in XLSX template,
    // several files, a folder, a table, reports per district, a CSV ranking) is a batch.
    let single = match args.submissions.as_slice() {
        [one] if !one.is_dir() => Some(one.clone()),
        _ => None,
    };
    let is_text_file = single.as_ref().is_some_and(|p| {
        p.extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("toml") || x.eq_ignore_ascii_case("json"))
    });
    let Some(path) =
        single.filter(|_| is_text_file && args.out_dir.is_none() && args.format != OutFormat::Csv)
    else {
        return batch::run(args);
    };
    if args.format == OutFormat::Xlsx && args.output.is_none() {
        eprintln!("XLSX 是二进制文件，不能输出到屏幕：请用 -o 指定输出文件，如 -o 评估报告.xlsx");
        return EXIT_UNUSABLE;
    }
    let a = match assess_files(
        &path,
        args.rules.as_deref(),
        args.as_of.as_deref(),
        args.reference.as_deref(),
        args.strict,
    ) {
        Ok(a) => a,
        Err(code) => return code,
    };
    print_report(
        args.format,
        &a.rules,
        &a.sub,
        &a.evaluation,
        &a.warnings,
        &a.sources,
        args.output.as_deref(),
    )
}

/// A reference file named by `--reference`: read, and added to the sources.
type Reference = Option<(Arc<str>, Arc<str>, Format)>;

/// Reads `--reference`, or prints why not and gives the exit code.
fn load_reference_arg(path: Option<&Path>, sources: &mut SourceMap) -> Result<Reference, u8> {
    let Some(path) = path else {
        return Ok(None);
    };
    let rname: Arc<str> = Arc::from(path.display().to_string());
    let Some(rformat) = Format::from_path(&rname) else {
        print_diags(
            &[Diagnostic::error(codes::SUB_SYNTAX, "无法判断参照文件格式")
                .in_file(&rname)
                .help("参照文件的扩展名应为 .toml 或 .json")],
            sources,
        );
        return Err(EXIT_UNUSABLE);
    };
    match read(path, codes::SUB_SYNTAX) {
        Ok((rname, rtext)) => {
            sources.add(&rname, &rtext);
            Ok(Some((rname, rtext, rformat)))
        }
        Err(d) => {
            print_diags(&[d], sources);
            Err(EXIT_UNUSABLE)
        }
    }
}

/// Renders one district's report in the chosen format and writes it to `output` or the screen.
fn print_report(
    format: OutFormat,
    rules: &RuleSet,
    sub: &zhibiao::submission::Submission,
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
                    eprintln!("无法生成 JSON：{e}");
                    return EXIT_INTERNAL;
                }
            }
        }
        OutFormat::Markdown => match report::markdown::to_markdown(&ctx, evaluation) {
            Ok(s) => s.into_bytes(),
            Err(e) => {
                eprintln!("{e}");
                return EXIT_INTERNAL;
            }
        },
        OutFormat::Html => match report::html::to_html(&ctx, evaluation) {
            Ok(s) => s.into_bytes(),
            Err(e) => {
                eprintln!("{e}");
                return EXIT_INTERNAL;
            }
        },
        OutFormat::Xlsx => {
            if output.is_none() {
                eprintln!(
                    "XLSX 是二进制文件，不能输出到屏幕：请用 -o 指定输出文件，如 -o 评估报告.xlsx"
                );
                return EXIT_UNUSABLE;
            }
            match report::xlsx::to_xlsx(&ctx, evaluation) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("无法生成 XLSX 工作簿：{e}");
                    return EXIT_INTERNAL;
                }
            }
        }
        OutFormat::Csv => {
            eprintln!(
                "CSV 只用于批量评估的排名表；单个地区的报告请用 text、json、markdown、html 或 xlsx 格式。"
            );
            return EXIT_UNUSABLE;
        }
    };
    write_output(output, &bytes)
}

fn write_output(path: Option<&Path>, bytes: &[u8]) -> u8 {
    use std::io::Write as _;
    match path {
        Some(p) => match std::fs::write(p, bytes) {
            Ok(()) => {
                eprintln!("报告已写入 {}", p.display());
                EXIT_OK
            }
            Err(e) => {
                eprintln!(
                    "无法写入报告文件 {}：{e}。请检查目录是否存在、是否有写入权限",
                    p.display()
                );
                EXIT_UNUSABLE
            }
        },
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|()| out.flush()) {
                Ok(()) => EXIT_OK,
                // The reader went away (`| head -1`): it has all it wanted.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
                Err(e) => {
                    eprintln!("无法输出报告：{e}。请用 -o 把报告写入文件");
                    EXIT_UNUSABLE
                }
            }
        }
    }
}

fn run_explain(args: ExplainArgs) -> u8 {
    let a = match assess_files(
        &args.submission,
        args.rules.as_deref(),
        args.as_of.as_deref(),
        args.reference.as_deref(),
        false,
    ) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let known: Vec<u32> = a.rules.indicators().map(|(_, i)| i.no.value).collect();
    let mut list = Vec::new();
    for raw in &args.indicators {
        let no = raw.trim().parse::<u32>().ok().filter(|n| known.contains(n));
        let Some(no) = no else {
            let (lo, hi) = (
                known.iter().min().copied().unwrap_or(0),
                known.iter().max().copied().unwrap_or(0),
            );
            eprintln!(
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
        ExplainFormat::Text => print!("{}", zhibiao::explain::to_text(&list)),
        ExplainFormat::Json => {
            let v = serde_json::json!({
                "ruleset": { "id": a.rules.id(), "version": a.rules.version(), "digest": a.rules.digest },
                "submission": { "region": a.sub.region, "year": a.sub.year, "digest": a.sub.digest },
                "indicators": list,
            });
            match serde_json::to_string_pretty(&v) {
                Ok(s) => println!("{s}"),
                Err(e) => {
                    eprintln!("无法生成 JSON：{e}");
                    return EXIT_INTERNAL;
                }
            }
        }
    }
    EXIT_OK
}
