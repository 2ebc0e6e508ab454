//! `zhibiao diff OLD NEW`: what changes between two rule versions, and with `--submission`, what
//! that does to each submission's scores and verdict.

use crate::files::{TextFile, assess_files, read_reference, read_submission};
use crate::rules;
use crate::{EXIT_INTERNAL, EXIT_OK, EXIT_UNUSABLE, print_diags};
use serde::Serialize;
use std::path::PathBuf;
use zhibiao::assess::Outcome;
use zhibiao::diag::{Diagnostic, SourceMap};
use zhibiao::diff::{self, Impact, RuleDiff};
use zhibiao::model::RuleSet;

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

fn load(spec: &str, sources: &mut SourceMap) -> Result<RuleSet, Vec<Diagnostic>> {
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
    let reference: Option<TextFile> = match &args.reference {
        Some(p) => match read_reference(p) {
            Ok(r) => Some(r),
            Err(d) => {
                print_diags(&[d], &sources);
                return EXIT_UNUSABLE;
            }
        },
        None => None,
    };
    let mut impacts = Vec::new();
    for path in &args.submissions {
        let sub = match read_submission(path) {
            Ok(s) => s,
            Err(d) => {
                print_diags(&[d], &sources);
                return EXIT_UNUSABLE;
            }
        };
        let mut side = |rules: &RuleSet| match assess_files(
            rules,
            &sub,
            reference.as_ref(),
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
        let (region_a, ev_a, diags_a) = side(&old);
        let (region_b, ev_b, diags_b) = side(&new);
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
