//! The `zhibiao` command line: reads files, calls the library, prints reports and diagnostics.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use zhibiao::assess::{Input, Outcome, Request, assess};
use zhibiao::diag::{self, Diagnostic, RenderOptions, SourceMap};
use zhibiao::model::RuleSet;
use zhibiao::submission::Format;
use zhibiao::{builtin, codes, model, report};

mod cli;

/// Exit code: evaluated (whether the district passes or not), or no findings.
const EXIT_OK: u8 = 0;
/// Exit code: `check` found errors in a rule file.
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
    after_help = "退出码：0 已完成评估（无论是否合格）；1 检查发现规则错误；2 输入无法使用（规则文件或申报文件有错）；3 程序内部错误；4 批量评估已完成，但其中有申报无法评估。"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 为申报文件计分，输出评估报告。
    Eval(EvalArgs),
    /// 检查规则文件能否使用（语法、名称、计分方式、脚本）。
    Check {
        /// 规则文件或目录；不写则检查内置规则。
        paths: Vec<PathBuf>,
    },
    /// 根据规则生成申报模板（TOML、JSON、XLSX、CSV 表头或 JSON Schema）。
    Template(cli::template::TemplateArgs),
    /// 生成虚构的申报文件（演示和性能测试用）。
    #[command(hide = true)]
    Generate(cli::generate::GenerateArgs),
}

#[derive(clap::Args)]
struct EvalArgs {
    /// 申报文件（.toml、.json 或填好的 .xlsx 模板）；写多个文件、目录，或一张每行一个地区的表格（.csv、.xlsx）则批量评估，输出排名表。
    #[arg(required = true, value_name = "SUBMISSION")]
    submissions: Vec<PathBuf>,
    /// 规则：规则文件、规则目录（取生效日期最新的版本）或内置规则编号（如 sd-nmsz 或 sd-nmsz@2023）。不写则用内置规则。
    #[arg(long)]
    rules: Option<String>,
    /// 全省参照数据文件（province_ 开头的项），供各地区共用。
    #[arg(long)]
    reference: Option<PathBuf>,
    /// 报告格式。
    #[arg(long, value_enum, default_value_t = OutFormat::Text)]
    format: OutFormat,
    /// 严格模式：缺少数据或未提交评审结论时报错，不出报告。
    #[arg(long)]
    strict: bool,
    /// 批量评估：把每个地区的评估报告写进这个目录（每个地区一个文件）。
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// 批量评估：每个地区的报告格式（配合 --out-dir）。
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    report_format: ReportFormat,
    /// 批量评估：排名表写入这个文件（不写则输出到屏幕；xlsx 格式必须写）。
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutFormat {
    /// 中文文字报告（批量评估时为排名表）。
    Text,
    /// JSON（供其他程序读取）。
    Json,
    /// CSV 排名表（仅批量评估）。
    Csv,
    /// XLSX 排名表（仅批量评估，须用 -o 指定文件）。
    Xlsx,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    /// 中文文字报告（.txt）。
    Text,
    /// JSON 报告（.json）。
    Json,
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("（{}:{}）", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("zhibiao 内部错误{place}：{info}");
        eprintln!(
            "这是 zhibiao 的缺陷，不是您的输入有误。请把所用的命令、规则文件和申报文件一并报告给维护人员。"
        );
    }));
    let cli = Cli::parse();
    match std::panic::catch_unwind(move || run(cli)) {
        Ok(code) => ExitCode::from(code),
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
        Command::Check { paths } => run_check(paths),
        Command::Template(args) => cli::template::run(args),
        Command::Generate(args) => cli::generate::run(args),
    }
}

/// Reads a file as UTF-8, or says why not.
fn read(path: &Path, code: &'static str) -> Result<(Arc<str>, Arc<str>), Diagnostic> {
    let name: Arc<str> = Arc::from(path.display().to_string());
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(code, format!("无法读取文件：{e}"))
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
        Diagnostic::error(code, format!("无法读取文件：{e}"))
            .in_file(&Arc::from(path.display().to_string()))
            .help("检查文件路径是否正确、文件是否存在")
    })
}

/// Where a rule file comes from.
struct RuleSource {
    name: Arc<str>,
    text: Arc<str>,
}

fn rule_files_in(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let name: Arc<str> = Arc::from(dir.display().to_string());
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::error(codes::MISSING, format!("无法读取目录：{e}")).in_file(&name)
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "zb"))
        .collect();
    files.sort();
    Ok(files)
}

/// Resolves `--rules`: a file, a folder (its newest version), a built-in id, or the default.
fn rule_source(spec: Option<&str>) -> Result<RuleSource, Diagnostic> {
    let Some(spec) = spec else {
        let f = builtin::default_file();
        return Ok(RuleSource {
            name: Arc::from(format!("{}（内置）", f.path)),
            text: Arc::from(f.text),
        });
    };
    let path = Path::new(spec);
    if path.is_file() {
        let (name, text) = read(path, codes::MISSING)?;
        return Ok(RuleSource { name, text });
    }
    if path.is_dir() {
        let files = rule_files_in(path)?;
        let mut best: Option<(String, RuleSource)> = None;
        for f in files {
            let (name, text) = read(&f, codes::MISSING)?;
            let (ast, _) = zhibiao::syntax::parse(&name, &text);
            let date = ast
                .header
                .and_then(|h| h.effective)
                .map(|e| e.value)
                .unwrap_or_default();
            if best.as_ref().is_none_or(|(d, _)| date > *d) {
                best = Some((date, RuleSource { name, text }));
            }
        }
        return best.map(|(_, s)| s).ok_or_else(|| {
            Diagnostic::error(codes::MISSING, "目录里没有规则文件（.zb）")
                .in_file(&Arc::from(spec))
                .help("--rules 后面写规则文件、含 .zb 文件的目录，或内置规则编号（如 sd-nmsz）")
        });
    }
    let (set, version) = spec
        .split_once('@')
        .map_or((spec, None), |(s, v)| (s, Some(v)));
    for f in builtin::FILES {
        let stem = Path::new(f.path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("");
        if f.set == set && version.is_none_or(|v| v == stem) {
            return Ok(RuleSource {
                name: Arc::from(format!("{}（内置）", f.path)),
                text: Arc::from(f.text),
            });
        }
    }
    let known: Vec<String> = builtin::FILES
        .iter()
        .map(|f| {
            format!(
                "{}@{}",
                f.set,
                Path::new(f.path)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("")
            )
        })
        .collect();
    Err(Diagnostic::error(
        codes::MISSING,
        format!("找不到规则“{spec}”：既不是文件或目录，也不是内置规则"),
    )
    .help(format!("内置规则有：{}", known.join("、"))))
}

fn load_rules(spec: Option<&str>, sources: &mut SourceMap) -> Result<RuleSet, Vec<Diagnostic>> {
    let src = rule_source(spec).map_err(|d| vec![d])?;
    sources.add(&src.name, &src.text);
    let (rules, diags) = model::load(&src.name, &src.text);
    if diag::has_errors(&diags) {
        return Err(diags);
    }
    print_diags(&diags, sources);
    rules.ok_or(diags)
}

fn run_eval(args: EvalArgs) -> u8 {
    // One TOML or JSON file: the single report, as it always was. Anything else (a filled-in
    // XLSX template, several files, a folder, a table) goes to the batch path.
    let single = match args.submissions.as_slice() {
        [one] if !one.is_dir() => Some(one.clone()),
        _ => None,
    };
    let Some(path) = single else {
        return cli::batch::run(args);
    };
    let mut sources = SourceMap::new();
    let is = |e: &str| path.extension().is_some_and(|x| x.eq_ignore_ascii_case(e));
    if is("xlsx") || is("csv") {
        return cli::batch::run(args);
    }
    let Some(format) = Format::from_path(&path.display().to_string()) else {
        let name: Arc<str> = Arc::from(path.display().to_string());
        print_diags(
            &[Diagnostic::error(codes::SUB_SYNTAX, "无法判断申报文件格式")
                .in_file(&name)
                .help(
                    "申报文件的扩展名应为 .toml、.json 或 .xlsx；多个地区的表格用 .csv 或 .xlsx",
                )],
            &sources,
        );
        return EXIT_UNUSABLE;
    };
    if matches!(args.format, OutFormat::Csv | OutFormat::Xlsx) || args.out_dir.is_some() {
        return cli::batch::run(args);
    }
    let (name, text) = match read(&path, codes::SUB_SYNTAX) {
        Ok(x) => x,
        Err(d) => {
            print_diags(&[d], &sources);
            return EXIT_UNUSABLE;
        }
    };
    sources.add(&name, &text);
    // The command line wins; otherwise the submission may name its rule set.
    let requested = args
        .rules
        .clone()
        .or_else(|| zhibiao::submission::requested_ruleset(&text, format));
    let rules = match load_rules(requested.as_deref(), &mut sources) {
        Ok(r) => r,
        Err(diags) => {
            print_diags(&diags, &sources);
            eprintln!("规则无法使用，无法评估。");
            return EXIT_UNUSABLE;
        }
    };
    let reference = match load_reference_arg(args.reference.as_deref(), &mut sources) {
        Ok(r) => r,
        Err(code) => return code,
    };
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
        strict: args.strict,
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
            return EXIT_UNUSABLE;
        }
    };
    print_report(args.format, &rules, &sub, &evaluation, &warnings, &sources)
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

/// Prints one district's report in the chosen format.
fn print_report(
    format: OutFormat,
    rules: &RuleSet,
    sub: &zhibiao::submission::Submission,
    evaluation: &zhibiao::eval::Evaluation,
    warnings: &[Diagnostic],
    sources: &SourceMap,
) -> u8 {
    let ctx = report::Context {
        rules,
        sub,
        problems: warnings,
        sources,
    };
    match format {
        OutFormat::Text => print!("{}", report::to_text(&ctx, evaluation)),
        OutFormat::Json => {
            let v = report::to_json(&ctx, evaluation);
            match serde_json::to_string_pretty(&v) {
                Ok(s) => println!("{s}"),
                Err(e) => {
                    eprintln!("无法生成 JSON：{e}");
                    return EXIT_INTERNAL;
                }
            }
        }
        OutFormat::Csv | OutFormat::Xlsx => {
            eprintln!("单个地区的报告只能是 text 或 json 格式；csv、xlsx 用于批量评估的排名表。");
            return EXIT_UNUSABLE;
        }
    }
    EXIT_OK
}

fn run_check(paths: Vec<PathBuf>) -> u8 {
    let mut sources = SourceMap::new();
    let mut files: Vec<(Arc<str>, Arc<str>)> = Vec::new();
    let mut all = Vec::new();
    if paths.is_empty() {
        for f in builtin::FILES {
            files.push((Arc::from(format!("{}（内置）", f.path)), Arc::from(f.text)));
        }
    }
    for p in &paths {
        let list = if p.is_dir() {
            match rule_files_in(p) {
                Ok(l) => l,
                Err(d) => {
                    all.push(d);
                    continue;
                }
            }
        } else {
            vec![p.clone()]
        };
        for f in list {
            match read(&f, codes::MISSING) {
                Ok(x) => files.push(x),
                Err(d) => all.push(d),
            }
        }
    }
    for (name, text) in &files {
        sources.add(name, text);
        let (rules, diags) = model::load(name, text);
        let errors = diags.iter().filter(|d| d.is_error()).count();
        if let (Some(r), 0) = (&rules, errors) {
            eprintln!(
                "{}：{} {} 版，{} 个指标，未发现错误",
                name,
                r.id(),
                r.version(),
                r.indicators().count()
            );
        } else {
            eprintln!("{}：{} 个错误", name, errors);
        }
        all.extend(diags);
    }
    print_diags(&all, &sources);
    if all
        .iter()
        .any(|d| d.code == codes::MISSING && d.span.is_none() && files.is_empty())
    {
        return EXIT_UNUSABLE;
    }
    if diag::has_errors(&all) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
