//! Every command-line argument of `zhibiao`, in one module: the clap structures, and the Chinese
//! shell around them (usage, headings, help and version flags, possible values, defaults and
//! argument errors), so that every word the command line shows is Chinese.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "zhibiao",
    version,
    about = "指标：把评估指标体系写成规则文件，检查规则，为申报材料计分并说明每一分的来由。",
    after_help = "退出码：0 已完成（评估无论是否合格）；1 lint 发现问题、test 未通过或 fmt --check 发现格式不符；2 输入无法使用（规则文件或申报文件有错、文件读不了；批量评估时一份也评估不了）、规则无法为某个指标计分（结论为“无法判定”）、命令行参数有误，或结果没能完整输出（写不了文件，或输出管道提前关闭）；3 程序内部错误；4 批量评估已完成，但其中有申报无法评估或无法判定。verify 发现报告与重新评估的结果不一致时退出码为 1。"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// 为申报文件计分，输出评估报告。
    Eval(EvalArgs),
    /// 逐步说明一个或多个指标的计分过程：公式代入数值、所在分档、逐年判断、各子项及证据、封顶，以及再得分需要什么。
    Explain(ExplainArgs),
    /// 检查规则文件：语法、名称、类型与单位、分值核算、分档、脚本、元数据（旧名 check）。
    #[command(alias = "check")]
    Lint(LintArgs),
    /// 运行规则目录下 tests/ 里的测试用例，并报告分档边界和条件的覆盖情况。
    Test(TestArgs),
    /// 把规则文件改写成统一的格式；--check 只检查并显示差异。
    Fmt(FmtArgs),
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
        /// 全省参照数据文件，两个版本共用。不写时，用规则目录中的 参照数据.toml 或 参照数据-年度.toml（有的话）。
        #[arg(long)]
        reference: Option<PathBuf>,
        /// 输出格式。
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// 核对一份保存的 JSON 报告：用报告记录的规则、申报和参照文件重新评估，看结果是否完全一致。
    Verify {
        /// 保存的报告（zhibiao eval --format json 的输出）。
        report: PathBuf,
        /// 申报文件（不写则用报告里记录的路径）。
        #[arg(long)]
        submission: Option<PathBuf>,
        /// 参照文件（不写则用报告里记录的路径；报告用的是规则目录中的参照数据、又用 --rules 指定了规则目录时，用该目录中的）。
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
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// 启动语言服务器（LSP），供编辑器使用：边写边检查、悬停说明、补全、跳转、查找引用、改名、大纲、格式化、快速修复；
    /// 经标准输入输出与编辑器通信，一般由编辑器插件启动，不必手动运行。
    Lsp,
    /// 根据规则生成申报模板（TOML、JSON、XLSX、CSV 表头或 JSON Schema）。
    Template(TemplateArgs),
    /// 由规则生成可印发的文件：指标体系文件（含计分方法），--tasks 生成各责任单位的任务清单，--changes 生成修订说明；格式为 docx、html、markdown 或 xlsx。
    Doc(DocArgs),
    /// 生成虚构的申报文件（演示和性能测试用）。
    #[command(hide = true)]
    Generate(GenerateArgs),
    /// 输出命令行自动补全脚本，如 zhibiao completions bash > /etc/bash_completion.d/zhibiao。
    Completions {
        /// 终端（shell）类型。
        shell: clap_complete::Shell,
    },
    /// 输出 man 手册页（roff 格式），如 zhibiao man > zhibiao.1，再用 man ./zhibiao.1 查看。
    Man,
}

#[derive(clap::Args)]
pub struct EvalArgs {
    /// 申报文件（.toml、.json 或填好的 .xlsx 模板）；写多个文件、目录，或一张每行一个地区的表格（.csv、.xlsx）则批量评估，输出排名表。
    #[arg(required = true, value_name = "SUBMISSION")]
    pub submissions: Vec<PathBuf>,
    /// 规则：规则文件、规则目录（取生效日期最新的版本）或内置规则编号（如 sd-nmsz 或 sd-nmsz@2023）。不写则用内置规则。
    #[arg(long)]
    pub rules: Option<String>,
    /// 按日期选版本：用这一天生效的版本（年-月-日，如 2025-07-01）。
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// 全省参照数据文件（province_ 开头的项），供各地区共用。不写时，用 --rules 所指规则目录中的 参照数据.toml 或 参照数据-年度.toml（有的话）。
    #[arg(long)]
    pub reference: Option<PathBuf>,
    /// 报告格式。
    #[arg(long, value_enum, default_value_t = OutFormat::Text)]
    pub format: OutFormat,
    /// 严格模式：缺少数据或未提交评审结论时报错，不出报告。
    #[arg(long)]
    pub strict: bool,
    /// 把报告（批量评估时为排名表）写入文件而不是输出到屏幕（xlsx 是二进制文件，不能输出到屏幕：用这个选项，或重定向到文件）。
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 批量评估：把每个地区的评估报告写进这个目录（每个地区一个文件）。
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// 批量评估：排名表先列合格的地区，再列其他地区（各自按总分排序）。
    #[arg(long)]
    pub passing_first: bool,
    /// 批量评估：每个地区的报告格式（配合 --out-dir）。
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub report_format: ReportFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
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
pub enum ReportFormat {
    /// 中文文字报告（.txt）。
    Text,
    /// JSON 报告（.json）。
    Json,
}

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// 申报文件（.toml 或 .json）。
    pub submission: PathBuf,
    /// 要说明的指标编号，可写多个，如 3 6 35。
    #[arg(required = true)]
    pub indicators: Vec<String>,
    /// 规则：规则文件、规则目录或内置规则编号（同 eval）。
    #[arg(long)]
    pub rules: Option<String>,
    /// 按日期选版本：用这一天生效的版本（同 eval）。
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// 全省参照数据文件（province_ 开头的项），供各地区共用。不写时，用 --rules 所指规则目录中的 参照数据.toml 或 参照数据-年度.toml（有的话）。
    #[arg(long)]
    pub reference: Option<PathBuf>,
    /// 输出格式。
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExplainFormat {
    /// 中文文字说明。
    Text,
    /// JSON（供其他程序读取）。
    Json,
}

/// The formats of commands that print either a text or a JSON document (`diff`, `rules`).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    /// 中文文字。
    Text,
    /// JSON（供其他程序读取）。
    Json,
}

/// The arguments of `zhibiao lint`.
#[derive(clap::Args)]
pub struct LintArgs {
    /// 规则文件或目录（目录里的 .zb 文件逐层查找）；不写则检查当前目录下的 rules/，没有 rules/ 时检查内置规则。
    pub paths: Vec<PathBuf>,
    /// 输出格式。
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub format: LintFormat,
    /// 把警告也当作问题（退出码 1）：--deny warnings。
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// 显示某个检查项的说明，如 --explain ZB401。
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
    /// 输出全部检查项的说明（Markdown，即 docs/lint.md）。
    #[arg(long)]
    pub docs: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LintFormat {
    /// rustc 风格的文字诊断。
    Text,
    /// JSON（供其他程序读取）。
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum Deny {
    /// 警告也使检查失败。
    Warnings,
}

/// The arguments of `zhibiao test`.
#[derive(clap::Args)]
pub struct TestArgs {
    /// 测试文件，或含测试的目录（逐层查找 tests/ 目录下的 .toml 文件）；不写则查找当前目录下的 rules/。
    pub paths: Vec<PathBuf>,
    /// 把当前结果写成新的期望结果（重新确认），并列出改了什么。
    #[arg(long)]
    pub update: bool,
    /// 要求边界覆盖完整：有分档边界或条件没有从两侧测到时，测试不通过。
    #[arg(long)]
    pub require_coverage: bool,
}

/// The arguments of `zhibiao fmt`.
#[derive(clap::Args)]
pub struct FmtArgs {
    /// 规则文件或目录（目录里的 .zb 文件逐层查找）；不写则处理当前目录下的 rules/。
    pub paths: Vec<PathBuf>,
    /// 只检查、不改写：有文件格式不符时显示差异，退出码为 1。
    #[arg(long)]
    pub check: bool,
}

/// The arguments of `zhibiao template`.
#[derive(clap::Args)]
pub struct TemplateArgs {
    /// 规则：规则文件、规则目录或内置规则编号（如 sd-nmsz@2023）。不写则用内置规则。
    #[arg(long)]
    pub rules: Option<String>,
    /// 模板格式；不写时按 -o 文件的扩展名判断，否则为 toml。
    #[arg(long, value_enum)]
    pub format: Option<TemplateFormat>,
    /// 写入这个文件（不写则输出到屏幕；xlsx 不能输出到屏幕，要写这个选项或重定向到文件）。
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 评估年度，决定按年填写的数据要填哪几年；不写则为上一年。
    #[arg(long)]
    pub year: Option<i32>,
    /// 用一份已有的申报文件（.toml、.json 或 .xlsx）预先填好模板（仅 xlsx 格式）。
    #[arg(long, value_name = "SUBMISSION")]
    pub from: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateFormat {
    /// TOML：说明写在注释里，删掉行首的“# ”填写。
    Toml,
    /// JSON：所有键都在，值为 null。
    Json,
    /// XLSX：数据、评审、说明三张工作表，供 Excel/WPS 填写。
    Xlsx,
    /// CSV：多个地区一张表（每行一个地区）的表头。
    Csv,
    /// JSON Schema：JSON 申报文件的说明（标题、单位、年份、用途、责任单位）。
    Schema,
}

/// The arguments of `zhibiao doc`.
#[derive(clap::Args)]
pub struct DocArgs {
    /// 规则：规则文件、规则目录（取生效日期最新的版本）或内置规则编号（如 sd-nmsz@2023）。不写则用内置规则。
    #[arg(long, conflicts_with = "changes")]
    pub rules: Option<String>,
    /// 按日期选版本：用这一天生效的版本（年-月-日，如 2025-07-01）。
    #[arg(long, value_name = "DATE", conflicts_with = "changes")]
    pub as_of: Option<String>,
    /// 文件格式；不写时按 -o 文件的扩展名判断，否则为 markdown。
    #[arg(long, value_enum)]
    pub format: Option<DocFormat>,
    /// 写入这个文件（不写则输出到屏幕；docx、xlsx 不能输出到屏幕，要写这个选项或重定向到文件）。
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 生成各责任单位的任务清单（任务分工），而不是指标体系文件。
    #[arg(long)]
    pub tasks: bool,
    /// 只生成这一个责任单位的任务清单（名称与规则里的责任单位一致，如 市场监管局）。
    #[arg(long, value_name = "名称", conflicts_with = "changes")]
    pub owner: Option<String>,
    /// 每个责任单位的任务清单单独成文件，写进这个目录（文件名为单位名称）。
    #[arg(long, value_name = "DIR", conflicts_with_all = ["output", "changes"])]
    pub out_dir: Option<PathBuf>,
    /// 生成两个规则版本之间的修订说明：原版本和新版本（规则文件、规则目录或内置规则编号，如 sd-nmsz@2023 修订稿.zb）。
    #[arg(long, num_args = 2, value_names = ["原版本", "新版本"], conflicts_with = "tasks")]
    pub changes: Option<Vec<String>>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocFormat {
    /// Word 文档（A4，表头跨页重复，页脚有页码）。
    Docx,
    /// 独立的 HTML 网页（可离线查看、按 A4 打印）。
    Html,
    /// Markdown 文档。
    Markdown,
    /// Excel 工作簿（每张表一个工作表）。
    Xlsx,
}

/// The arguments of `zhibiao generate`.
#[derive(clap::Args)]
pub struct GenerateArgs {
    /// 生成多少个地区。
    #[arg(long, default_value_t = 100)]
    pub count: u64,
    /// 随机种子：相同的种子生成相同的数据。
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// 输出格式：toml（目录，每个地区一个文件）、xlsx（目录，每个地区一份填好的模板）或 csv（一张表）。
    #[arg(long, value_enum, default_value_t = GenFormat::Toml)]
    pub format: GenFormat,
    /// 输出目录（toml、xlsx）或文件（csv）。
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    /// 规则（默认内置规则）。
    #[arg(long)]
    pub rules: Option<String>,
    /// 作为基础的申报文件（默认 examples/pass.toml）。
    #[arg(long)]
    pub base: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenFormat {
    /// 目录，每个地区一个 TOML 文件。
    Toml,
    /// 目录，每个地区一份填好的 XLSX 模板。
    Xlsx,
    /// 一张 CSV 表，每行一个地区。
    Csv,
}

/// The help page's layout, with Chinese headings.
const HELP_TEMPLATE: &str =
    "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// The Chinese names of the value placeholders clap would write in English capitals.
const VALUE_NAMES: &[(&str, &str)] = &[
    ("SUBMISSION", "申报文件"),
    ("INDICATORS", "指标编号"),
    ("RULES", "规则"),
    ("REFERENCE", "参照文件"),
    ("FORMAT", "格式"),
    ("REPORT_FORMAT", "格式"),
    ("FILE", "文件"),
    ("DIR", "目录"),
    ("DATE", "日期"),
    ("CODE", "检查项"),
    ("PATHS", "路径"),
    ("OLD", "旧版本"),
    ("NEW", "新版本"),
    ("REPORT", "报告"),
    ("DENY", "级别"),
    ("YEAR", "年度"),
    ("COUNT", "数量"),
    ("SEED", "种子"),
    ("OUTPUT", "输出"),
    ("BASE", "申报文件"),
    ("SHELL", "终端"),
];

/// The command line with its Chinese shell: `-h/--help` and `-V/--version` worded in Chinese,
/// headings 参数 / 选项 / 命令, possible values and defaults appended to each option's own help,
/// value placeholders and usage lines in Chinese.
pub fn command() -> clap::Command {
    let mut cmd = localize(
        Cli::command()
            .disable_help_subcommand(true)
            .disable_version_flag(true)
            .arg(
                Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(ArgAction::Version)
                    .help("显示版本号"),
            ),
    );
    cmd.build();
    localize_usage(&mut cmd);
    cmd
}

/// Localizes one command and its subcommands (before the command is built).
fn localize(cmd: clap::Command) -> clap::Command {
    cmd.disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助"),
        )
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .mut_args(localize_arg)
        .mut_subcommands(localize)
}

/// Puts an argument under 参数 or 选项, names its value in Chinese, and moves its possible values
/// and default into its own help text, where they can be worded in Chinese.
fn localize_arg(arg: Arg) -> Arg {
    let mut arg = if arg.is_positional() {
        arg.help_heading("参数")
    } else {
        arg.help_heading("选项")
    };
    if let Some(names) = arg.get_value_names() {
        let chinese: Vec<clap::builder::Str> = names
            .iter()
            .map(|n| {
                VALUE_NAMES
                    .iter()
                    .find(|(en, _)| *en == n.as_str())
                    .map_or_else(|| n.clone(), |(_, zh)| clap::builder::Str::from(*zh))
            })
            .collect();
        arg = arg.value_names(chinese);
    }
    if !arg.get_action().takes_values() {
        return arg;
    }
    let mut help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let values = arg.get_possible_values();
    if !values.is_empty() && !arg.is_hide_possible_values_set() {
        let listed: Vec<String> = values
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| match v.get_help() {
                Some(h) => format!("{}：{}", v.get_name(), h.to_string().trim_end_matches('。')),
                None => v.get_name().to_string(),
            })
            .collect();
        help.push_str(&format!("可选值——{}。", listed.join("；")));
        arg = arg.hide_possible_values(true);
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !arg.is_hide_default_value_set() {
        help.push_str(&format!("默认：{}。", defaults.join("、")));
        arg = arg.hide_default_value(true);
    }
    arg.help(help)
}

/// Rewrites every usage line in Chinese (`[选项]` for clap's `[OPTIONS]`), on the built command.
fn localize_usage(cmd: &mut clap::Command) {
    let usage = cmd.render_usage().to_string();
    let usage = usage
        .strip_prefix("Usage: ")
        .unwrap_or(&usage)
        .replace("[OPTIONS]", "[选项]");
    let owned = std::mem::take(cmd).override_usage(usage);
    *cmd = owned;
    for sub in cmd.get_subcommands_mut() {
        localize_usage(sub);
    }
}

/// What the command line asked for: a command to run, or an exit code after the help, the version
/// or an argument error has been shown (in Chinese).
pub fn parse() -> Result<Cli, u8> {
    let mut cmd = command();
    let matches = cmd
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|m| Cli::from_arg_matches(&m));
    match matches {
        Ok(cli) => Ok(cli),
        Err(e) => Err(show_error(&e)),
    }
}

/// Shows a clap outcome that is not a command to run, and gives the exit code: 0 for the help and
/// the version (on standard output), 2 for a mistake in the arguments (on standard error, with
/// what to do).
fn show_error(e: &clap::Error) -> u8 {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            out!("{}", e.render());
            return 0;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            errln!("缺少命令或参数。\n");
            err!("{}", e.render());
            return 2;
        }
        _ => {}
    }
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let quoted = |kind| {
        let t = text(kind);
        if t.is_empty() {
            t
        } else {
            format!("“{t}”")
        }
    };
    let suggestion = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => format!("您是不是要写“{s}”？"),
        Some(ContextValue::Strings(list)) if !list.is_empty() => {
            let list: Vec<String> = list.iter().map(|s| format!("“{s}”")).collect();
            format!("您是不是要写{}？", list.join("或"))
        }
        _ => String::new(),
    };
    let arg = quoted(ContextKind::InvalidArg);
    let message = match e.kind() {
        ErrorKind::UnknownArgument => format!(
            "不认识的选项或参数{arg}。{}",
            suggestion(ContextKind::SuggestedArg)
        ),
        ErrorKind::InvalidSubcommand => format!(
            "没有{}这个命令。{}",
            quoted(ContextKind::InvalidSubcommand),
            suggestion(ContextKind::SuggestedSubcommand)
        ),
        ErrorKind::InvalidValue => {
            let valid = match e.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(list)) => format!("可选：{}。", list.join("、")),
                _ => String::new(),
            };
            let value = text(ContextKind::InvalidValue);
            if value.is_empty() {
                format!("{arg}需要一个值。{valid}")
            } else {
                format!(
                    "{arg}的值“{value}”不在可选范围内。{valid}{}",
                    suggestion(ContextKind::SuggestedValue)
                )
            }
        }
        ErrorKind::ValueValidation => format!(
            "{arg}的值{}无法识别：应为一个整数。",
            quoted(ContextKind::InvalidValue)
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数：{}。", text(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand => "缺少命令。".to_string(),
        ErrorKind::ArgumentConflict => {
            let prior = quoted(ContextKind::PriorArg);
            if prior.is_empty() || prior == arg {
                format!("{arg}只能写一次。")
            } else {
                format!("{arg}不能与{prior}同时使用。")
            }
        }
        ErrorKind::TooManyValues => {
            format!("{arg}后面多了一个值{}。", quoted(ContextKind::InvalidValue))
        }
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg}的值的个数不对。")
        }
        ErrorKind::NoEquals => format!("{arg}的值要用“=”连接。"),
        ErrorKind::InvalidUtf8 => "命令行参数不是有效的 UTF-8 文字。".to_string(),
        _ => "命令行参数有误。".to_string(),
    };
    let usage = text(ContextKind::Usage);
    let usage = usage
        .strip_prefix("Usage: ")
        .unwrap_or(&usage)
        .trim()
        .to_string();
    errln!("错误：{message}");
    if !usage.is_empty() {
        errln!("\n用法：{usage}");
        let command = usage.split(" [").next().unwrap_or(&usage);
        let command: Vec<&str> = command
            .split_whitespace()
            .take_while(|w| !w.starts_with('<') && !w.starts_with('['))
            .collect();
        errln!("\n查看帮助：{} --help", command.join(" "));
    }
    2
}

/// `zhibiao completions SHELL`: the completion script for a shell, on standard output.
pub fn completions(shell: clap_complete::Shell) -> u8 {
    let mut cmd = command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "zhibiao", &mut script);
    crate::term::write_stdout(&script);
    crate::EXIT_OK
}

/// The man page's section headings, in Chinese (clap_mangen writes them in English).
const MAN_HEADINGS: &[(&str, &str)] = &[
    (".SH NAME", ".SH 名称"),
    (".SH SYNOPSIS", ".SH 用法"),
    (".SH DESCRIPTION", ".SH 说明"),
    (".SH OPTIONS", ".SH 选项"),
    (".SH SUBCOMMANDS", ".SH 命令"),
    (".SH EXTRA", ".SH 附注"),
    (".SH VERSION", ".SH 版本"),
    (".SH AUTHORS", ".SH 作者"),
];

/// `zhibiao man`: the man page (roff), on standard output.
pub fn man_page() -> u8 {
    let mut page = Vec::new();
    if let Err(e) = clap_mangen::Man::new(command()).render(&mut page) {
        errln!("无法生成手册页：{e}");
        return crate::EXIT_INTERNAL;
    }
    let page = String::from_utf8_lossy(&page);
    let page: Vec<String> = page
        .lines()
        .map(|line| {
            MAN_HEADINGS
                .iter()
                .find(|(en, _)| line == *en)
                .map_or_else(|| line.to_string(), |(_, zh)| (*zh).to_string())
        })
        .collect();
    crate::term::write_stdout(format!("{}\n", page.join("\n")).as_bytes());
    crate::EXIT_OK
}
