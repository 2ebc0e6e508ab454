//! `zhibiao diff OLD NEW`: what changes between two rule versions, and with `--submission`, what
//! that does to each submission's scores and verdict.

use crate::files::{References, assess_files, read_submission};
use crate::rules;
use crate::{EXIT_INTERNAL, EXIT_OK, EXIT_UNUSABLE, print_diags};
use serde::Serialize;
use std::path::PathBuf;
use zhibiao::assess::Outcome;
use zhibiao::codes;
use zhibiao::diag::{Diagnostic, SourceMap};
use zhibiao::diff::{self, Impact, RuleDiff};
use zhibiao::eval::Program;

/// What `diff` was given.
pub struct Args {
    /// The old rules: a file, a folder or a built-in id.
    pub old: String,
    /// The new rules.
    pub new: String,
    /// Submissions to score under both.
    pub submissions: Vec<PathBuf>,
    /// Province reference data for the submissions.
    pub reference: Option<PathBuf>,
    /// JSON instead of text.
    pub json: bool,
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    rules: &'a RuleDiff,
    submissions: &'a [Impact],
}

fn load(spec: &str, sources: &mut SourceMap) -> Result<Program, Vec<Diagnostic>> {
    let text = rules::choose(Some(spec), None, true).map_err(|d| vec![d])?;
    rules::load(text, sources)
}

/// One line per problem: `[S002] message（file:line）`.
fn problem_lines(diags: &[Diagnostic], sources: &SourceMap) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let place = match (&d.file, d.span) {
                (Some(f), Some(s)) => sources
                    .line_col(f, s.start)
                    .map(|(l, _)| format!("（{f}:{l}）"))
                    .unwrap_or_default(),
                (Some(f), None) => format!("（{f}）"),
                _ => String::new(),
            };
            format!("[{}] {}{place}", d.code, d.message)
        })
        .collect()
}

/// The reference data for both sides: `--reference`, or the reference data of the new
/// version's rule folder or the old one's; both folders holding different data is an error.
fn shared_references(args: &Args) -> Result<Option<References>, Diagnostic> {
    if args.reference.is_some() {
        return References::find(args.reference.as_deref(), None);
    }
    let old = References::find(None, Some(&args.old))?;
    let new = References::find(None, Some(&args.new))?;
    match (old, new) {
        (Some(a), Some(b)) => {
            let same = a.files.len() == b.files.len()
                && a.files
                    .iter()
                    .zip(&b.files)
                    .all(|((ya, ta), (yb, tb))| ya == yb && ta.text == tb.text);
            if same {
                return Ok(Some(b));
            }
            Err(Diagnostic::error(
                codes::SUB_REFERENCE_AMBIGUOUS,
                format!(
                    "两个版本的规则目录中的全省参照数据不同（旧：{}；新：{}）。对比时两边要用同样的全省数据，应该用哪一份？",
                    a.names().join("、"),
                    b.names().join("、")
                ),
            )
            .help("用 --reference 指定两边共用的全省参照数据文件"))
        }
        (a, b) => Ok(b.or(a)),
    }
}

/// Runs `diff`.
pub fn run(args: Args) -> u8 {
    let mut sources = SourceMap::new();
    let (old, new) = match (load(&args.old, &mut sources), load(&args.new, &mut sources)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            let mut diags = a.err().unwrap_or_default();
            diags.extend(b.err().unwrap_or_default());
            print_diags(&diags, &sources);
            errln!("规则无法使用，无法对比。");
            return EXIT_UNUSABLE;
        }
    };
    let rule_diff = diff::diff(&old, &new);
    // Both sides score the submissions with the same reference data, so the impact is the
    // rules' alone: `--reference`, or else the reference data of the rule folders. Two folders
    // with different reference data are a question, never a guess.
    let reference = if args.submissions.is_empty() {
        None
    } else {
        match shared_references(&args) {
            Ok(r) => r,
            Err(d) => {
                print_diags(&[d], &sources);
                return EXIT_UNUSABLE;
            }
        }
    };
    if let Some(r) = reference.as_ref().filter(|r| r.folder.is_some()) {
        errln!(
            "全省参照数据：两个版本都使用规则目录中的 {}（未指定 --reference）",
            r.names().join("、")
        );
    }
    let mut impacts = Vec::new();
    for path in &args.submissions {
        let sub = match read_submission(path) {
            Ok(s) => s,
            Err(d) => {
                print_diags(&[d], &sources);
                return EXIT_UNUSABLE;
            }
        };
        let mut side = |rules: &Program, reference: Option<&References>| match assess_files(
            rules,
            &sub,
            reference,
            false,
            &mut sources,
        ) {
            Outcome::Scored {
                submission,
                evaluation,
                ..
            } => (
                Some(submission.region.clone()),
                Some(evaluation),
                Vec::new(),
            ),
            Outcome::Unusable(d) => (None, None, d),
        };
        let (region_a, ev_a, diags_a) = side(&old, reference.as_ref());
        let (region_b, ev_b, diags_b) = side(&new, reference.as_ref());
        // Which reference file to use is the command's question, not the submission's problem.
        let question: Vec<Diagnostic> = diags_a
            .iter()
            .chain(&diags_b)
            .filter(|d| d.code == codes::SUB_REFERENCE_AMBIGUOUS)
            .take(1)
            .cloned()
            .collect();
        if !question.is_empty() {
            print_diags(&question, &sources);
            return EXIT_UNUSABLE;
        }
        let region = region_b.or(region_a).flatten();
        impacts.push(diff::impact(
            sub.name(),
            region.as_deref(),
            ev_a.as_deref(),
            &problem_lines(&diags_a, &sources),
            ev_b.as_deref(),
            &problem_lines(&diags_b, &sources),
        ));
    }
    if args.json {
        let v = JsonDiff {
            rules: &rule_diff,
            submissions: &impacts,
        };
        match serde_json::to_string_pretty(&v) {
            Ok(s) => outln!("{s}"),
            Err(e) => {
                errln!("无法生成 JSON：{e}");
                return EXIT_INTERNAL;
            }
        }
    } else {
        out!("{}", diff::to_text(&rule_diff));
        if !impacts.is_empty() {
            outln!();
            out!("{}", diff::impacts_to_text(&impacts));
        }
    }
    EXIT_OK
}
