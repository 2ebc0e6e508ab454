//! Stage 4: a rule set and a submission to scores, with the reasons for every point.
//!
//! Each indicator is evaluated on its own: a rule problem (division by zero, a failing script)
//! fails that indicator alone, with a message; a missing input makes it "missing" and scores 0,
//! while the explanation still shows what the rest would give. Scores are exact decimals.

pub mod budget;
pub mod fault;
pub mod plan;
mod program;
pub mod reason;
pub mod value;

pub use fault::{EvalError, MAX_DEPTH};
use plan::ScopedRun;
pub use program::Program;
pub use reason::{ItemWhy, JudgedAs, Needed, Reason};
pub use value::{Dim, MissingRef, Val};

use crate::diag::{Severity, Span};
use crate::model::RuleSet;
use crate::number::Num;
use crate::submission::Submission;
use crate::syntax::ast::{self, ExprKind, How, Metric, PassSubject, ScoreForm};
use rust_decimal::Decimal;
use serde::Serialize;
use std::cmp::Ordering;

/// How an indicator came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Scored from complete data.
    Scored,
    /// Data the rule needs is missing; scored 0.
    Missing,
    /// The rule could not be applied (a script failed, a division by zero); scored 0.
    Error,
}

/// How a sub-item came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Met: earns its points.
    Met,
    /// Not met.
    NotMet,
    /// A judgement that was not given (未提交).
    NotSubmitted,
    /// Data it needs is missing.
    Missing,
}

impl ItemState {}

/// One sub-item, or the judgement on a whole qualitative indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemResult {
    /// `"12.1"`, or `"10"` for a whole indicator.
    pub key: String,
    /// The item's text.
    pub text: String,
    /// The most it can earn.
    pub points: Decimal,
    /// What it earned.
    pub score: Decimal,
    /// Met, not met, not submitted or missing.
    pub state: ItemState,
    /// Decided by a judgement (true) or by the data (false).
    pub judged: bool,
    /// Why, as typed values (none where scoring did not explain); worded by
    /// [`ItemResult::detail`].
    pub why: Option<ItemWhy>,
    /// Evidence named in the judgement.
    pub evidence: Vec<String>,
    /// The judgement's note.
    pub note: Option<String>,
    /// Owners of this item (the indicator's unless the item names its own).
    pub owners: Vec<String>,
}

/// One indicator's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorResult {
    /// Official number.
    pub no: u32,
    /// Name.
    pub name: String,
    /// Category (一级指标).
    pub category: String,
    /// Group (二级指标), if any.
    pub group: Option<String>,
    /// Declared points.
    pub points: Decimal,
    /// Score earned.
    pub score: Decimal,
    /// For a missing indicator: what the parts that could be computed would earn.
    pub partial: Option<Decimal>,
    /// Scored, missing or error.
    pub status: Status,
    /// Sub-items and judgements.
    pub items: Vec<ItemResult>,
    /// The reasons, one per step, as typed values; worded by [`IndicatorResult::explanation`].
    pub reasons: Vec<Reason>,
    /// What data was missing.
    pub missing: Vec<MissingRef>,
    /// Limits that changed the sum (cap, declared points, zero), in the order applied.
    #[serde(skip)]
    pub adjustments: Vec<Adjusted>,
    /// Per-year conditions, year by year, as decided.
    #[serde(skip)]
    pub years: Vec<YearOutcome>,
    /// The rule problem, for status error; worded by [`IndicatorResult::error_message`].
    pub error: Option<EvalError>,
    /// Where the rule problem is in the rule file.
    #[serde(skip)]
    pub error_span: Option<Span>,
    /// 责任单位.
    pub owners: Vec<String>,
    /// 变量性质.
    pub nature: Option<String>,
    /// The rule text.
    pub rule: Option<String>,
    /// 评估方式.
    pub method: Option<String>,
    /// 数据来源.
    pub sources: Vec<String>,
}

/// One category's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryResult {
    /// Name.
    pub name: String,
    /// Score after any cap.
    pub score: Decimal,
    /// Sum of its indicators before the cap.
    pub raw: Decimal,
    /// Declared points.
    pub points: Decimal,
    /// Sum of its indicators' points.
    pub indicator_points: Decimal,
    /// The denominator of the rate.
    pub rate_basis: Decimal,
    /// score / rate_basis, exact where it terminates, else rounded to 10 places.
    pub rate: Option<Decimal>,
    /// Whether the rate is exact.
    pub rate_exact: bool,
    /// Whether it meets the pass rule's per-category conditions (None if the rule has none).
    pub passed: Option<bool>,
}

/// One condition of the pass rule, and how the submission measured up to it; worded by
/// [`ConditionResult::text`] and [`ConditionResult::detail`] (its JSON, written in
/// [`crate::words`], gives `text`, `held`, `detail` and `failing`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionResult {
    /// The condition as the rule file states it.
    pub condition: ast::PassCond,
    /// Whether it holds.
    pub held: bool,
    /// What was measured against it.
    pub measured: Measured,
    /// For per-category conditions, the categories that fail it.
    pub failing: Vec<String>,
}

/// What a pass condition was measured on.
#[derive(Debug, Clone, PartialEq)]
pub enum Measured {
    /// The total score.
    Total(Decimal),
    /// Categories, in file order (one for a condition on a named category).
    Categories(Vec<CategoryMeasure>),
    /// The condition names a category the rules do not have.
    NoSuchCategory,
}

/// A category's score or rate, as a pass condition measured it.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryMeasure {
    /// The category.
    pub name: String,
    /// Its score or rate.
    pub value: MetricValue,
}

/// A category's measure for a pass condition.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricValue {
    /// Its score.
    Score(Decimal),
    /// Its rate, exactly (none when its basis is zero).
    Rate(Option<Num>),
}

/// A data check of the rule file that failed; worded by [`CheckFailure::message`] and
/// [`CheckFailure::detail`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckFailure {
    /// Why it failed.
    pub why: CheckWhy,
    /// Error or warning.
    pub severity: Severity,
    /// Where the check is in the rule file.
    #[serde(skip)]
    pub span: Span,
}

/// Why a data check failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CheckWhy {
    /// The condition does not hold.
    Failed {
        /// The rule file's message, with the `{name}` values put in.
        message: Vec<Piece>,
        /// For `all y in …`, the first year that fails.
        year: Option<i32>,
        /// The condition (for that year) with its values.
        condition: reason::Said,
    },
    /// The condition gave something other than yes or no.
    NotACondition {
        /// The rule file's message, with the `{name}` values put in.
        message: Vec<Piece>,
    },
    /// The condition could not be computed: a problem of the rule file, never of the data.
    Uncomputable {
        /// Where the check is.
        at: fault::RuleLine,
        /// The problem.
        error: EvalError,
    },
}

/// A piece of a data check's message: the rule file's own text, or the value of a `{name}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Piece {
    /// Text as the rule file writes it.
    Text {
        /// The text.
        text: String,
    },
    /// The value of a name written `{name}` in the message.
    Value {
        /// The value.
        value: reason::Shown,
    },
}

/// The whole result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The evaluation year.
    pub year: i32,
    /// Total score.
    pub total: Decimal,
    /// The most there is (declared total, or the sum of category points).
    pub max: Decimal,
    /// Whether the district passes: every indicator could be scored and every pass condition
    /// holds ([`Verdict::Passed`]).
    pub passed: bool,
    /// Passed, failed, or no verdict because the rules could not score an indicator.
    pub verdict: Verdict,
    /// The pass conditions.
    pub conditions: Vec<ConditionResult>,
    /// Categories in file order.
    pub categories: Vec<CategoryResult>,
    /// Indicators in file order.
    pub indicators: Vec<IndicatorResult>,
    /// Failed data checks.
    pub checks: Vec<CheckFailure>,
}

/// Whether a district passes, or why that cannot be said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every indicator was scored and every pass condition holds.
    Passed,
    /// Every indicator was scored and a pass condition does not hold.
    Failed,
    /// An indicator could not be scored by the rules as written (status error): there is no
    /// verdict until the rules are mended.
    Undetermined,
}

impl Verdict {
    /// The verdict from the pass conditions and whether the rules could score every indicator.
    pub fn of(conditions_hold: bool, every_indicator_scored: bool) -> Verdict {
        match (every_indicator_scored, conditions_hold) {
            (false, _) => Verdict::Undetermined,
            (true, true) => Verdict::Passed,
            (true, false) => Verdict::Failed,
        }
    }
}

impl Evaluation {
    /// Points lost per responsible unit (责任单位): for each unit, the points its indicators and items
    /// did not earn. A unit shares the loss of every indicator it is named on.
    pub fn lost_by_owner(&self) -> Vec<(String, Decimal, Vec<String>)> {
        let mut map: std::collections::BTreeMap<String, (Decimal, Vec<String>)> =
            std::collections::BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut add = |owner: &str, lost: Decimal, what: String| {
            if lost <= Decimal::ZERO {
                return;
            }
            let e = map.entry(owner.to_string()).or_insert_with(|| {
                order.push(owner.to_string());
                (Decimal::ZERO, Vec::new())
            });
            e.0 += lost;
            if !e.1.contains(&what) {
                e.1.push(what);
            }
        };
        // An indicator the rules could not score is no unit's loss.
        for ind in self.indicators.iter().filter(|i| i.status != Status::Error) {
            let lost = ind.points - ind.score;
            let items_own = !ind.items.is_empty()
                && ind.status == Status::Scored
                && ind.items.iter().any(|it| it.owners != ind.owners);
            if items_own {
                for it in &ind.items {
                    for o in &it.owners {
                        add(o, it.points - it.score, ind.no.to_string());
                    }
                }
            } else {
                for o in &ind.owners {
                    add(o, lost, ind.no.to_string());
                }
            }
        }
        let mut out: Vec<(String, Decimal, Vec<String>)> = order
            .into_iter()
            .filter_map(|o| map.remove(&o).map(|(l, i)| (o, l, i)))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// The indicators the rules could not score; while there is one, there is no verdict.
    pub fn rule_faults(&self) -> impl Iterator<Item = &IndicatorResult> {
        self.indicators.iter().filter(|i| i.status == Status::Error)
    }

    /// Every missing input (with year), each once, in order.
    pub fn missing(&self) -> Vec<MissingRef> {
        let mut out: Vec<MissingRef> = Vec::new();
        for r in self.indicators.iter().flat_map(|i| i.missing.iter()) {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
        out
    }

    /// Every judgement that was not submitted.
    pub fn not_submitted(&self) -> Vec<&ItemResult> {
        self.indicators
            .iter()
            .flat_map(|i| i.items.iter())
            .filter(|it| it.state == ItemState::NotSubmitted)
            .collect()
    }
}

/// Runs the rule file's data checks against a submission.
pub fn check_data(rules: &Program, sub: &Submission) -> Vec<CheckFailure> {
    if rules.plan().checks_hold(sub) {
        return Vec::new();
    }
    worded_checks(rules, sub)
}

/// [`check_data`] without its shortcut: every check evaluated and every failure described.
/// `check_data` gives the same list, faster when every check holds; this one is for tests that
/// compare the two.
pub fn worded_checks(rules: &Program, sub: &Submission) -> Vec<CheckFailure> {
    let mut env = ScopedRun::new(rules.plan(), sub);
    let mut out = Vec::new();
    for c in &rules.checks {
        let why = match env.eval(&c.cond) {
            Ok(Val::Bool(false)) => {
                let message = interpolate(&mut env, &c.message.value);
                let (year, condition) = failing_condition(&mut env, &c.cond);
                Some(CheckWhy::Failed {
                    message,
                    year,
                    condition,
                })
            }
            Ok(Val::Bool(true)) | Ok(Val::Missing(_)) => None,
            Err(error) => {
                // A check that cannot be computed is a problem of the rule file, not of the data:
                // say so, and never block the submission over it.
                out.push(CheckFailure {
                    why: CheckWhy::Uncomputable {
                        at: rules.rule_line(error.span.start),
                        error,
                    },
                    severity: Severity::Warning,
                    span: c.span,
                });
                None
            }
            Ok(_) => Some(CheckWhy::NotACondition {
                message: interpolate(&mut env, &c.message.value),
            }),
        };
        if let Some(why) = why {
            out.push(CheckFailure {
                why,
                severity: c.severity.value,
                span: c.span,
            });
        }
    }
    out
}

/// Why a check failed: for `all y in …` the first failing year and its condition, else the
/// whole condition.
fn failing_condition(env: &mut ScopedRun, cond: &ast::Expr) -> (Option<i32>, reason::Said) {
    if let ExprKind::Quant {
        all: true,
        var,
        range,
        body,
    } = &cond.kind
        && let Ok(years) = env.years(range)
    {
        for y in years {
            let (held, said) =
                env.with_bound(&var.value, Num::from(i64::from(y)), &Dim::Plain, |env| {
                    (env.bool_of(body), env.said(body))
                });
            if matches!(held, Ok(Ok(false))) {
                return (Some(y), said);
            }
        }
    }
    (None, env.said(cond))
}

/// A message with each `{name}` taken apart from the text around it and given the value of
/// `name` (a name without a value, or a yearly input, stays as written).
fn interpolate(env: &mut ScopedRun, msg: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut text = String::new();
    let mut rest = msg;
    while let Some((before, after)) = rest.split_once('{') {
        text.push_str(before);
        match after.split_once('}') {
            Some((name, tail)) => {
                match env.lookup(name) {
                    Ok(v) if !matches!(v, Val::Series(_)) => {
                        out.push(Piece::Text {
                            text: std::mem::take(&mut text),
                        });
                        out.push(Piece::Value {
                            value: reason::Shown::Value { value: v },
                        });
                    }
                    _ => {
                        text.push('{');
                        text.push_str(name);
                        text.push('}');
                    }
                }
                rest = tail;
            }
            None => {
                text.push('{');
                text.push_str(after);
                rest = "";
            }
        }
    }
    text.push_str(rest);
    out.push(Piece::Text { text });
    out.retain(|p| !matches!(p, Piece::Text { text } if text.is_empty()));
    out
}

/// Watches an evaluation: told the outcome of every comparison of a number with a number and of
/// every tier's value with each bound of the table, so `zhibiao test` can tell which side of
/// each boundary the tests reach.
pub trait Probe {
    /// At `at` (a comparison, or a tier bound's literal) the left side compared to the right
    /// side as `ord`.
    fn compared(&mut self, at: Span, ord: Ordering);
}

/// Scores a submission, with the reasons for every score.
pub fn evaluate(rules: &Program, sub: &Submission) -> Evaluation {
    evaluate_probed(rules, sub, None)
}

/// Scores a submission, telling `probe` every comparison made while scoring the indicators.
pub fn evaluate_probed<'a>(
    rules: &'a Program,
    sub: &'a Submission,
    probe: Option<&'a mut dyn Probe>,
) -> Evaluation {
    let (scores, records) = rules.plan().score_recorded(sub, probe);
    let mut indicators = Vec::with_capacity(scores.indicators.len());
    for (i, (((cat, ind), r), rec)) in rules
        .indicators()
        .zip(&scores.indicators)
        .zip(records)
        .enumerate()
    {
        indicators.push(indicator_result(
            rules,
            sub,
            &cat.name.value,
            ind,
            r,
            scores.items_of(i),
            Some(rec),
        ));
    }
    let checks = check_data(rules, sub);
    finish(rules, sub, indicators, checks)
}

/// Scores a submission without its reasons: the same scores, statuses, item states, missing
/// data, rule problems, categories, pass conditions and verdict as [`evaluate`], but no
/// indicator has `reasons` and no item a `why`. For batches that keep only a ranking, and for
/// benchmarks; reports need [`evaluate`].
pub fn evaluate_scores(rules: &Program, sub: &Submission) -> Evaluation {
    let plan = rules.plan();
    let scores = plan.score(sub);
    let mut indicators = Vec::with_capacity(scores.indicators.len());
    for (i, ((cat, ind), r)) in rules.indicators().zip(&scores.indicators).enumerate() {
        indicators.push(indicator_result(
            rules,
            sub,
            &cat.name.value,
            ind,
            r,
            scores.items_of(i),
            None,
        ));
    }
    let checks = if plan.checks_hold(sub) {
        Vec::new()
    } else {
        worded_checks(rules, sub)
    };
    finish(rules, sub, indicators, checks)
}

/// Indicator `no`'s result from scores already made for `sub` (by the compiled plan, or a
/// rescoring of them), without scoring again: what [`evaluate_scores`] gives for it.
pub fn scored_indicator(
    rules: &Program,
    sub: &Submission,
    scores: &plan::Scores,
    no: u32,
) -> Option<IndicatorResult> {
    let (i, (cat, ind)) = rules
        .indicators()
        .enumerate()
        .find(|(_, (_, ind))| ind.no.value == no)?;
    let r = scores.indicators.get(i)?;
    Some(indicator_result(
        rules,
        sub,
        &cat.name.value,
        ind,
        r,
        scores.items_of(i),
        None,
    ))
}

/// An indicator's result from its compiled score, its sub-items' and, when recorded, what its
/// scoring did.
fn indicator_result(
    rules: &Program,
    sub: &Submission,
    category: &str,
    ind: &ast::Indicator,
    r: &plan::IndicatorScore,
    items: &[plan::ItemScore],
    record: Option<plan::Record>,
) -> IndicatorResult {
    let mut res = indicator_shell(category, ind);
    res.score = r.score;
    res.partial = r.partial;
    res.status = r.status;
    res.missing = r
        .missing
        .iter()
        .map(|m| rules.plan().missing_ref(m))
        .collect();
    let mut record = record.unwrap_or_default();
    if let Some(e) = &r.error {
        res.error_span = Some(e.span);
        res.error = Some((**e).clone());
        res.reasons = record.reasons;
        return res;
    }
    res.reasons = std::mem::take(&mut record.reasons);
    res.years = std::mem::take(&mut record.years);
    res.adjustments = std::mem::take(&mut record.adjustments);
    let mut states = items.iter();
    let mut whys = record.whys.into_iter();
    if let Some(form) = &ind.score {
        item_shells(ind, form, &mut |mut item| {
            if let Some(s) = states.next() {
                item.state = s.state;
                item.score = s.score;
            }
            item.why = whys.next();
            if item.judged
                && let Some(j) = sub.judgements.get(&item.key)
            {
                item.evidence = j.evidence.clone();
                item.note = j.note.clone();
            }
            res.items.push(item);
        });
    }
    res
}

/// An indicator's result before it is scored: what the rule file says of it.
fn indicator_shell(category: &str, ind: &ast::Indicator) -> IndicatorResult {
    IndicatorResult {
        no: ind.no.value,
        name: ind.name.value.clone(),
        category: category.to_string(),
        group: ind.group.clone(),
        points: ind.points.value,
        score: Decimal::ZERO,
        partial: None,
        status: Status::Scored,
        items: Vec::new(),
        reasons: Vec::new(),
        missing: Vec::new(),
        adjustments: Vec::new(),
        years: Vec::new(),
        error: None,
        error_span: None,
        owners: ind.owners.iter().map(|o| o.value.clone()).collect(),
        nature: ind.nature.as_ref().map(|n| n.value.as_str().to_string()),
        rule: ind.rule.as_ref().map(|r| r.value.clone()),
        method: ind.method.as_ref().map(|m| m.value.clone()),
        sources: ind.sources.iter().map(|s| s.value.clone()).collect(),
    }
}

/// The sub-items a scoring form reports, in the order scoring writes them, before they are
/// scored (state "not met", score 0, no evidence).
fn item_shells(ind: &ast::Indicator, form: &ScoreForm, out: &mut dyn FnMut(ItemResult)) {
    let owners = || {
        ind.owners
            .iter()
            .map(|o| o.value.clone())
            .collect::<Vec<_>>()
    };
    match form {
        ScoreForm::Items { items, .. } | ScoreForm::Any { items, .. } => {
            let any_award = match form {
                ScoreForm::Any { award, .. } => Some(award.value),
                _ => None,
            };
            for it in items {
                out(ItemResult {
                    key: format!("{}.{}", ind.no.value, it.no.value),
                    text: it.text.value.clone(),
                    points: it
                        .points
                        .as_ref()
                        .map(|p| p.value)
                        .or(any_award)
                        .unwrap_or(Decimal::ZERO),
                    score: Decimal::ZERO,
                    state: ItemState::NotMet,
                    judged: matches!(it.how, How::Judged(_)),
                    why: None,
                    evidence: Vec::new(),
                    note: None,
                    owners: if it.owners.is_empty() {
                        owners()
                    } else {
                        it.owners.iter().map(|o| o.value.clone()).collect()
                    },
                });
            }
        }
        ScoreForm::Judged { .. } => out(ItemResult {
            key: ind.no.value.to_string(),
            text: ind.name.value.clone(),
            points: ind.points.value,
            score: Decimal::ZERO,
            state: ItemState::NotMet,
            judged: true,
            why: None,
            evidence: Vec::new(),
            note: None,
            owners: owners(),
        }),
        // Forms without sub-items write none; nested forms write theirs in order.
        _ => {
            for f in form.nested() {
                item_shells(ind, f, out);
            }
        }
    }
}

/// Categories, total and pass conditions from the indicators' results.
fn finish(
    rules: &RuleSet,
    sub: &Submission,
    indicators: Vec<IndicatorResult>,
    checks: Vec<CheckFailure>,
) -> Evaluation {
    let raws = rules
        .categories
        .iter()
        .map(|cat| {
            indicators
                .iter()
                .filter(|r| r.category == cat.name.value)
                .map(|r| r.score)
                .fold(Decimal::ZERO, Decimal::saturating_add)
        })
        .collect::<Vec<_>>();
    let s = summarize(rules, &raws);
    let verdict = Verdict::of(
        s.passed,
        indicators.iter().all(|i| i.status != Status::Error),
    );
    Evaluation {
        year: sub.year,
        total: s.total,
        max: s.max,
        passed: verdict == Verdict::Passed,
        verdict,
        conditions: s.conditions,
        categories: s.categories,
        indicators,
        checks,
    }
}

/// Categories, total and pass conditions, with their texts.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Categories in file order.
    pub categories: Vec<CategoryResult>,
    /// The total.
    pub total: Decimal,
    /// The most there is.
    pub max: Decimal,
    /// The pass conditions.
    pub conditions: Vec<ConditionResult>,
    /// Whether every pass condition holds.
    pub passed: bool,
}

/// A category's rate as reports show it: exact, or to 10 decimal places; `None` when its
/// basis is 0.
pub fn rate_of(score: Decimal, basis: Decimal) -> Option<Decimal> {
    Num::ratio(score, basis).ok().map(|r| {
        r.exact_decimal()
            .unwrap_or_else(|| r.to_decimal().round_dp(10))
    })
}

/// Whether a category's rate is exact (its decimal has no more digits than it shows).
pub fn rate_is_exact(score: Decimal, basis: Decimal) -> bool {
    Num::ratio(score, basis).is_ok_and(|r| r.exact_decimal().is_some())
}

/// The most a submission can score: the declared total, or the sum of the categories' points.
pub fn max_points(rules: &RuleSet) -> Decimal {
    rules.header.points.as_ref().map_or_else(
        || {
            rules
                .categories
                .iter()
                .map(|c| c.points.value)
                .fold(Decimal::ZERO, Decimal::saturating_add)
        },
        |p| p.value,
    )
}

/// Categories (capped, with rates), total and pass conditions from each category's raw sum
/// of indicator scores (in [`RuleSet::categories`] order), as every evaluation reports them.
pub fn summarize(rules: &RuleSet, raws: &[Decimal]) -> Summary {
    let mut categories = Vec::new();
    for (cat, raw) in rules.categories.iter().zip(raws) {
        let raw = *raw;
        let indicator_points = cat
            .indicators
            .iter()
            .map(|i| i.points.value)
            .fold(Decimal::ZERO, Decimal::saturating_add);
        let (score, basis) = plan::category_score(
            rules.cap_basis(),
            rules.rate_basis(),
            raw,
            cat.points.value,
            indicator_points,
        );
        let rate = Num::ratio(score, basis).ok();
        categories.push(CategoryResult {
            name: cat.name.value.clone(),
            score,
            raw,
            points: cat.points.value,
            indicator_points,
            rate_basis: basis,
            rate: rate_of(score, basis),
            rate_exact: rate.is_some_and(|r| r.exact_decimal().is_some()),
            passed: None,
        });
    }
    // Saturating: points near the decimal range's end must not overflow (the checker refuses
    // such rule sets; this keeps the evaluator total on its own).
    let total: Decimal = categories
        .iter()
        .map(|c| c.score)
        .fold(Decimal::ZERO, Decimal::saturating_add);
    let max = max_points(rules);
    let mut conditions = Vec::new();
    for cond in &rules.header.pass {
        conditions.push(pass_condition(cond, total, &mut categories));
    }
    let passed = conditions.iter().all(|c| c.held);
    Summary {
        categories,
        total,
        max,
        conditions,
        passed,
    }
}

fn rate_num(c: &CategoryResult) -> Option<Num> {
    Num::ratio(c.score, c.rate_basis).ok()
}

fn pass_condition(
    cond: &ast::PassCond,
    total: Decimal,
    cats: &mut [CategoryResult],
) -> ConditionResult {
    let op = cond.op;
    let threshold = Num::from(cond.value.value);
    let holds = |v: Num| v.try_cmp(&threshold).is_ok_and(|o| op.holds(o));
    let measure = |c: &CategoryResult, metric: &Metric| {
        let value = match metric {
            Metric::Rate => MetricValue::Rate(rate_num(c)),
            Metric::Score => MetricValue::Score(c.score),
        };
        let ok = match &value {
            MetricValue::Rate(r) => r.clone().is_some_and(holds),
            MetricValue::Score(s) => holds(Num::from(*s)),
        };
        (
            CategoryMeasure {
                name: c.name.clone(),
                value,
            },
            ok,
        )
    };
    let result = |held, measured, failing| ConditionResult {
        condition: cond.clone(),
        held,
        measured,
        failing,
    };
    match &cond.subject {
        PassSubject::Total => result(holds(Num::from(total)), Measured::Total(total), Vec::new()),
        PassSubject::Every(metric) => {
            let mut failing = Vec::new();
            let mut parts = Vec::new();
            for c in cats.iter_mut() {
                let (m, ok) = measure(c, metric);
                c.passed = Some(c.passed.unwrap_or(true) && ok);
                if !ok {
                    failing.push(c.name.clone());
                }
                parts.push(m);
            }
            result(failing.is_empty(), Measured::Categories(parts), failing)
        }
        PassSubject::Category(name, metric) => {
            let Some(c) = cats.iter_mut().find(|c| c.name == name.value) else {
                return result(false, Measured::NoSuchCategory, vec![name.value.clone()]);
            };
            let (m, held) = measure(c, metric);
            c.passed = Some(c.passed.unwrap_or(true) && held);
            let failing = if held {
                Vec::new()
            } else {
                vec![c.name.clone()]
            };
            result(held, Measured::Categories(vec![m]), failing)
        }
    }
}

/// A limit that changed an indicator's sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// The indicator's `cap`: at most this many points.
    Cap(#[serde(serialize_with = "reason::dec")] Decimal),
    /// The indicator's declared points.
    Points(#[serde(serialize_with = "reason::dec")] Decimal),
    /// No score below zero.
    Zero,
}

/// An indicator's sum changed by a limit: the sum before, and the limit that set it.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjusted {
    /// Which limit.
    pub limit: Limit,
    /// The sum before the limit was applied.
    pub sum: Num,
}

/// How a per-year condition (`each year`) was decided for one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum YearVerdict {
    /// The condition holds: the year's award is earned.
    Met,
    /// The condition does not hold.
    NotMet,
    /// Data is missing: the year cannot be decided.
    Missing,
}

/// One year of a per-year condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearOutcome {
    /// The year.
    pub year: i32,
    /// How it was decided.
    pub verdict: YearVerdict,
}

/// Scores one indicator alone, as [`evaluate`] would. What-if analysis re-scores one indicator
/// many times with one input changed; `None` when the rule set has no indicator `no`.
pub fn evaluate_indicator(rules: &Program, sub: &Submission, no: u32) -> Option<IndicatorResult> {
    let (i, (cat, ind)) = rules
        .indicators()
        .enumerate()
        .find(|(_, (_, i))| i.no.value == no)?;
    let (score, items, record) = rules.plan().record_indicator(i, sub)?;
    let r = plan::IndicatorScore {
        items_from: 0,
        ..score
    };
    Some(indicator_result(
        rules,
        sub,
        &cat.name.value,
        ind,
        &r,
        &items,
        Some(record),
    ))
}

/// Indicator `no`'s score and status alone by the compiled plan: what
/// [`evaluate_indicator`] says of them, without items, texts or missing-data names. The
/// cheapest way to ask "what would it score if…"; `None` when the rule set has no indicator `no`.
pub fn indicator_score(rules: &Program, sub: &Submission, no: u32) -> Option<plan::IndicatorScore> {
    let i = rules.indicators().position(|(_, ind)| ind.no.value == no)?;
    rules.plan().score_indicator(i, sub)
}

/// A missing piece of data by the label people know it by.
pub fn needed(rules: &RuleSet, m: &MissingRef) -> Needed {
    Needed {
        label: rules
            .input(&m.key)
            .map_or(m.key.clone(), |d| d.label.value.clone()),
        year: m.year,
    }
}

/// A tier's interval as the rule file writes it.
pub fn interval_of(t: &ast::Tier) -> reason::Interval {
    reason::Interval {
        lo: t.lo.as_ref().map(|l| l.text.clone()),
        hi: t.hi.as_ref().map(|l| l.text.clone()),
        lo_inclusive: t.lo_inclusive,
        hi_inclusive: t.hi_inclusive,
    }
}

/// An input's value as scripts see it: an exact decimal, a boolean, a map from the year (as
/// text) for a yearly series, an array for a list.
pub(crate) fn input_dynamic(v: &crate::submission::InputValue) -> rhai::Dynamic {
    match v {
        crate::submission::InputValue::Num(d) => rhai::Dynamic::from_decimal(*d),
        crate::submission::InputValue::Bool(b) => rhai::Dynamic::from_bool(*b),
        crate::submission::InputValue::Series(s) => {
            let map: rhai::Map = s
                .iter()
                .map(|(y, v)| (y.to_string().into(), rhai::Dynamic::from_decimal(*v)))
                .collect();
            rhai::Dynamic::from_map(map)
        }
        crate::submission::InputValue::List(items) => rhai::Dynamic::from_array(
            items
                .iter()
                .map(|d| rhai::Dynamic::from_decimal(*d))
                .collect(),
        ),
    }
}
