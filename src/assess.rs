//! The whole job in one call: load a submission (and a reference file), validate it, run the
//! rule file's data checks and score it. The command line and the tests both go through here, so
//! what a user sees and what the tests lock down are the same thing.

use crate::codes;
use crate::diag::{self, Diagnostic, Severity};
use crate::eval::Program;
use crate::eval::{self, Evaluation};
use crate::model::RuleSet;
use crate::submission::{self, Format, Submission};
use std::sync::Arc;

/// A file handed to [`assess`]: its name, its text and its format.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The name shown in messages (usually the path).
    pub name: &'a Arc<str>,
    /// The text.
    pub text: &'a str,
    /// TOML or JSON.
    pub format: Format,
}

/// What to assess.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The district's submission.
    pub submission: Input<'a>,
    /// Province reference data shared by every district, if any.
    pub reference: Option<Input<'a>>,
    /// Missing inputs and judgements not submitted are errors.
    pub strict: bool,
}

/// The result of [`assess`].
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Scored. `warnings` are problems that did not stop the evaluation.
    Scored {
        /// The validated submission (reference data merged in).
        submission: Box<Submission>,
        /// The scores.
        evaluation: Box<Evaluation>,
        /// Warnings found on the way.
        warnings: Vec<Diagnostic>,
    },
    /// The input cannot be used as it is; every problem found.
    Unusable(Vec<Diagnostic>),
}

/// Loads, validates, checks and scores a submission against a rule set.
pub fn assess(rules: &Program, req: Request) -> Outcome {
    let s = req.submission;
    let loaded = submission::load(rules, s.name, s.text, s.format);
    assess_loaded(rules, loaded, req.reference, req.strict)
}

/// Like [`assess`], for a submission already read (from a spreadsheet, say): `loaded` is what
/// a loader such as [`submission::load_xlsx`] returned.
pub fn assess_loaded(
    rules: &Program,
    loaded: (Option<Submission>, Vec<Diagnostic>),
    reference: Option<Input>,
    strict: bool,
) -> Outcome {
    assess_in(rules, loaded, reference, strict, true)
}

/// Like [`assess_loaded`], scoring without explanations ([`eval::evaluate_scores`]): for batches
/// that keep only a ranking. The outcome's evaluation has the same scores and verdict.
pub fn assess_loaded_scores(
    rules: &Program,
    loaded: (Option<Submission>, Vec<Diagnostic>),
    reference: Option<Input>,
    strict: bool,
) -> Outcome {
    assess_in(rules, loaded, reference, strict, false)
}

/// A reference file, as text to read for each submission or read once for a batch.
#[derive(Debug, Clone, Copy)]
pub enum Reference<'a> {
    /// Read with each submission ([`submission::load_reference`]).
    Text(Input<'a>),
    /// Already read; its reading raised no problem.
    Loaded(&'a Submission),
}

/// Validates a loaded submission: merges the reference, stops at errors and at failed data
/// checks of severity error. Gives the submission and the warnings found on the way.
fn prepare(
    rules: &Program,
    loaded: (Option<Submission>, Vec<Diagnostic>),
    reference: Option<Reference>,
) -> Result<(Submission, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (sub, problems) = merged(rules, loaded, reference)?;
    check_errors(rules, &sub)?;
    Ok((sub, problems))
}

/// The submission with the reference merged in, unless there is an error.
fn merged(
    rules: &RuleSet,
    loaded: (Option<Submission>, Vec<Diagnostic>),
    reference: Option<Reference>,
) -> Result<(Submission, Vec<Diagnostic>), Vec<Diagnostic>> {
    if let Some(d) = points_out_of_range(rules) {
        return Err(vec![d]);
    }
    let (sub, mut problems) = loaded;
    let Some(mut sub) = sub else {
        return Err(problems);
    };
    match reference {
        Some(Reference::Text(r)) => {
            let (reference, diags) = submission::load_reference(rules, r.name, r.text, r.format);
            problems.extend(diags);
            if let Some(reference) = reference {
                problems.extend(submission::merge_reference(rules, &mut sub, &reference));
            }
        }
        Some(Reference::Loaded(reference)) => {
            problems.extend(submission::merge_reference(rules, &mut sub, reference));
        }
        None => {}
    }
    if diag::has_errors(&problems) {
        return Err(problems);
    }
    Ok((sub, problems))
}

/// Failed data checks of severity error stop a submission; warnings travel in the evaluation's
/// `checks`.
fn check_errors(rules: &Program, sub: &Submission) -> Result<(), Vec<Diagnostic>> {
    let mut failed = Vec::new();
    for c in eval::check_data(rules, sub) {
        if c.severity == Severity::Error {
            failed.push(
                Diagnostic::error(codes::SUB_CHECK, format!("数据校验未通过：{}", c.message()))
                    .in_file(&sub.file)
                    .help(format!("{}。请核对这些数据", c.detail())),
            );
        }
    }
    if !failed.is_empty() {
        return Err(failed);
    }
    Ok(())
}

/// For batches that keep only a ranking: validates like [`assess_loaded`] (not `strict`) and
/// scores with the compiled scorer alone ([`Program::plan`](crate::eval::Program::plan)), building no evaluation. Gives the
/// validated submission and its scores, or every problem that stops it.
pub fn score_loaded(
    rules: &Program,
    loaded: (Option<Submission>, Vec<Diagnostic>),
    reference: Option<Reference>,
) -> Result<(Submission, eval::plan::Scores), Vec<Diagnostic>> {
    let (sub, _) = merged(rules, loaded, reference)?;
    match rules.plan().check_and_score(&sub) {
        Ok(scores) => Ok((sub, scores)),
        Err(_) => {
            // Some check does not hold: `check_data` says which; only errors stop.
            check_errors(rules, &sub)?;
            let scores = rules.plan().score(&sub);
            Ok((sub, scores))
        }
    }
}

fn assess_in(
    rules: &Program,
    loaded: (Option<Submission>, Vec<Diagnostic>),
    reference: Option<Input>,
    strict: bool,
    explain: bool,
) -> Outcome {
    let (sub, problems) = match prepare(rules, loaded, reference.map(Reference::Text)) {
        Ok(x) => x,
        Err(problems) => return Outcome::Unusable(problems),
    };
    let evaluation = if explain {
        eval::evaluate(rules, &sub)
    } else {
        eval::evaluate_scores(rules, &sub)
    };
    if strict {
        let mut strict = Vec::new();
        for m in evaluation.missing() {
            strict.push(
                Diagnostic::error(
                    codes::SUB_MISSING,
                    // The label first, the key in brackets (as the loader words it).
                    match rules.input(&m.key).map(|d| d.label.value.trim()) {
                        Some(label) if !label.is_empty() && label != m.key => match m.year {
                            Some(y) => format!("缺少数据：{label}（{}.{y}）", m.key),
                            None => format!("缺少数据：{label}（{}）", m.key),
                        },
                        _ => format!("缺少数据：{}", crate::words::missing_label(rules, &m)),
                    },
                )
                .in_file(&sub.file)
                .help(match m.year {
                    Some(y) => format!("在 [data] 中填写 {} 的 {y} 年数据", m.key),
                    None => format!("在 [data] 中填写 {}", m.key),
                }),
            );
        }
        for it in evaluation.not_submitted() {
            strict.push(
                Diagnostic::error(
                    codes::SUB_NOT_SUBMITTED,
                    format!("评审结论未提交：{}（{}）", it.text, it.key),
                )
                .in_file(&sub.file)
                .help(format!(
                    "在 [judgements] 中填写 \"{}\" = true 或 false",
                    it.key
                )),
            );
        }
        if !strict.is_empty() {
            return Outcome::Unusable(strict);
        }
    }
    Outcome::Scored {
        submission: Box::new(sub),
        evaluation: Box::new(evaluation),
        warnings: problems,
    }
}

/// Scores are summed over indicators and categories, and the reports add up what was lost and
/// what is still available; all of that stays within the exact decimal range when the declared
/// points do. A rule set whose points add up beyond it (`lint` reports such rule sets, and can
/// analyse them) cannot be scored.
fn points_out_of_range(rules: &RuleSet) -> Option<Diagnostic> {
    let sum = rules
        .categories
        .iter()
        .try_fold(rust_decimal::Decimal::ZERO, |sum, c| {
            c.indicators
                .iter()
                .try_fold(sum.checked_add(c.points.value)?, |s, i| {
                    s.checked_add(i.points.value)
                })
        });
    sum.is_none().then(|| {
        Diagnostic::error(
            codes::LIMIT,
            "各类、各指标的分值加起来超出了可精确计算的数值范围，无法计分",
        )
        .in_file(&rules.file)
        .help("检查分值是否多写了数字；zhibiao lint 会指出分值不对的地方")
    })
}
