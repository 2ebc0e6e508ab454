//! Helpers shared by the integration tests: load rules from text, assess a submission, render.
#![allow(dead_code)]

pub mod xlsx_edit;

/// What a run of the `zhibiao` binary gave.
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs the `zhibiao` binary in `dir`, colour off.
pub fn zhibiao_in(dir: &std::path::Path, args: &[&str]) -> Run {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run zhibiao");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("utf-8 on stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 on stderr"),
    }
}

/// Runs the `zhibiao` binary in the repository root, so paths are relative to it.
pub fn zhibiao(args: &[&str]) -> Run {
    zhibiao_in(std::path::Path::new(root()), args)
}

/// [`zhibiao_in`] as (exit code, stdout, stderr).
pub fn run_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let r = zhibiao_in(dir, args);
    (r.code, r.stdout, r.stderr)
}

/// [`zhibiao`] as (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    run_in(std::path::Path::new(root()), args)
}

/// The repository root, as a canonical path. The tests are built by the command-line package in
/// `cli/`, one level below it.
pub fn root() -> &'static str {
    static ROOT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let cli = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = cli.parent().expect("cli/ has a parent folder");
        let root = root.canonicalize().expect("the repository root exists");
        root.to_str()
            .expect("the repository path is UTF-8")
            .to_string()
    })
}

use std::sync::Arc;
use zhibiao::assess::{Input, Outcome, Request, assess};
use zhibiao::diag::{RenderOptions, SourceMap, render_all};
use zhibiao::eval::Evaluation;
use zhibiao::eval::Program;
use zhibiao::submission::{Format, Submission};

/// Loads a rule file that must have no errors, compiled for scoring.
pub fn rules(text: &str) -> Program {
    let name: Arc<str> = Arc::from("rules.zb");
    let (rules, diags) = zhibiao::builtin::load(&name, text);
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    assert!(
        errors.is_empty(),
        "rule file has errors: {}",
        rendered_rules(text)
    );
    Program::new(rules.expect("rules"))
}

/// The rendered diagnostics of a rule file (empty when it is clean).
pub fn rendered_rules(text: &str) -> String {
    let name: Arc<str> = Arc::from("rules.zb");
    let (_, diags) = zhibiao::builtin::load(&name, text);
    let mut sources = SourceMap::new();
    sources.add(&name, &Arc::from(text));
    render_all(&diags, &sources, RenderOptions::default())
}

/// Assesses a TOML submission; panics with the rendered diagnostics if it is unusable.
pub fn scored(rules: &Program, toml: &str) -> (Submission, Evaluation) {
    match outcome(rules, toml, None, false) {
        Outcome::Scored {
            submission,
            evaluation,
            ..
        } => (*submission, *evaluation),
        Outcome::Unusable(d) => {
            let mut sources = SourceMap::new();
            sources.add(&Arc::from("submission.toml"), &Arc::from(toml));
            panic!(
                "unusable: {}",
                render_all(&d, &sources, RenderOptions::default())
            )
        }
    }
}

/// Assesses a TOML submission with an optional reference file.
pub fn outcome(rules: &Program, toml: &str, reference: Option<&str>, strict: bool) -> Outcome {
    let name: Arc<str> = Arc::from("submission.toml");
    let rname: Arc<str> = Arc::from("reference.toml");
    let req = Request {
        submission: Input {
            name: &name,
            text: toml,
            format: Format::Toml,
        },
        reference: reference.map(|t| Input {
            name: &rname,
            text: t,
            format: Format::Toml,
        }),
        strict,
    };
    assess(rules, req)
}

/// The score of one indicator, as a string.
pub fn score_of(ev: &Evaluation, no: u32) -> String {
    let ind = ev
        .indicators
        .iter()
        .find(|i| i.no == no)
        .expect("indicator");
    ind.score.normalize().to_string()
}

/// The explanation of one indicator, one line per step.
pub fn explain(ev: &Evaluation, no: u32) -> String {
    let ind = ev
        .indicators
        .iter()
        .find(|i| i.no == no)
        .expect("indicator");
    ind.explanation().join("\n")
}
