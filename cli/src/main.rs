//! The `zhibiao` command line: reads files, calls the library, prints reports and diagnostics.
//!
//! Everything that touches the outside world lives in this package: files ([`files`]), the
//! terminal ([`term`]: every byte printed goes through it), the arguments and their Chinese shell
//! ([`args`]), the thread pool of batches ([`batch`]) and the exit codes (below). The library
//! (`zhibiao`) does the work and does none of these.

// Diagnostics are the error type and are large; they are returned once per problem.
#![allow(clippy::result_large_err)]
// Output goes through `term` (`out!`, `outln!`, `err!`, `errln!`), never `print!`, whose failure
// on a closed pipe is a panic.
#![deny(clippy::print_stdout, clippy::print_stderr)]

#[macro_use]
mod term;
mod args;
mod batch;
mod diff;
mod doc;
mod eval;
mod files;
mod fmt;
mod generate;
mod lint;
mod lsp;
mod rules;
mod template;
mod test;
mod verify;

use args::{Cli, Command, TextOrJson};
use std::io::IsTerminal;
use std::process::ExitCode;
use zhibiao::diag::{self, Diagnostic, RenderOptions, SourceMap};

/// Exit code: evaluated (whether the district passes or not), or no findings.
const EXIT_OK: u8 = 0;
/// Exit code: `lint` found problems, `test` failed, `fmt --check` found unformatted files.
const EXIT_FINDINGS: u8 = 1;
/// Exit code: unusable input (a rule file or a submission that cannot be used), a mistake in the
/// arguments, or output that could not be written (a file, or standard output closed early).
const EXIT_UNUSABLE: u8 = 2;
/// Exit code: an internal error (a bug in zhibiao).
const EXIT_INTERNAL: u8 = 3;
/// Exit code: a batch evaluation finished, but some submissions could not be evaluated.
const EXIT_SOME_FAILED: u8 = 4;

fn main() -> ExitCode {
    // Our own hook replaces the default one, so no backtrace and no RUST_BACKTRACE advice is
    // printed: a user sees what happened, that it is a bug, and what to send to whom. It writes
    // through `term`, so a closed standard error cannot make it panic in turn.
    std::panic::set_hook(Box::new(|info| {
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
        errln!("zhibiao 内部错误{place}：{what}");
        errln!(
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
    let cli = match args::parse() {
        Ok(cli) => cli,
        Err(code) => return ExitCode::from(code),
    };
    let code = std::panic::catch_unwind(move || run(cli)).unwrap_or(EXIT_INTERNAL);
    ExitCode::from(finish(code))
}

/// What is said when the result could not be written to standard output.
const OUTPUT_LOST: &str =
    "输出没有写完：标准输出已关闭或无法写入。要保存完整结果，请用 -o 把结果写入文件。";

/// The exit code, once the command has run: a result that could not be written in full to
/// standard output (the reader went away, the disk is full) is not a success, whatever the command
/// itself decided.
fn finish(code: u8) -> u8 {
    if term::stdout_lost() && code == EXIT_OK {
        errln!("{OUTPUT_LOST}");
        return EXIT_UNUSABLE;
    }
    code
}

/// How diagnostics are rendered: in colour only on a terminal, and never with `NO_COLOR`.
fn render_opts() -> RenderOptions {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    RenderOptions { color, width: 100 }
}

/// Prints diagnostics on standard error.
fn print_diags(diags: &[Diagnostic], sources: &SourceMap) {
    if !diags.is_empty() {
        diagln!("{}", diag::render_all(diags, sources, render_opts()));
    }
}

fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Eval(args) => eval::run_eval(args),
        Command::Explain(args) => eval::run_explain(args),
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
            json: format == TextOrJson::Json,
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
        Command::Rules { paths, format } => rules::run_rules(&paths, format == TextOrJson::Json),
        Command::Lsp => lsp::run(),
        Command::Template(args) => template::run(args),
        Command::Doc(args) => doc::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Completions { shell } => args::completions(shell),
        Command::Man => args::man_page(),
    }
}
