//! What it takes to pass (差距分析), from an evaluation and the rule set alone.
//!
//! - The shortfall to every pass condition: the total, and each category's required score taken
//!   from the rule set's own pass conditions (rate × the category's rate basis), never from
//!   numbers written in Rust.
//! - The points lost, by indicator and by responsible unit (责任单位).
//! - For every indicator that reads data and is short of its points, the smallest change to one
//!   input that earns more ([`search`]), verified by re-scoring, with its effect on the total.
//! - A plan: a set of changes (data and judgements) that makes the submission pass, chosen
//!   greedily and verified by re-evaluating the whole submission with the changes applied.
//! - The evidence checklist: every judged item, whether it was met and the evidence named.
//!
//! Everything here is pure: it re-evaluates copies of the submission and reads nothing else.

pub mod deps;
pub mod search;

use crate::eval::Program;
use crate::eval::plan::Scores;
use crate::eval::{self, Evaluation, IndicatorResult, ItemState, Status};
use crate::model::RuleSet;
use crate::number::{Num, plain};
use crate::submission::{InputValue, Submission};
use crate::syntax::ast::{self, Basis, CmpOp, Metric, PassSubject, ScalarKind, ScoreForm};
use crate::words::missing_label;
use rust_decimal::Decimal;
use search::{At, Found, Slot};
use serde::{Serialize, Serializer};
use std::collections::BTreeSet;

/// The most changes a plan may hold before the search gives up.
pub const MAX_PLAN_STEPS: usize = 60;

fn dec<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&plain(*d))
}

fn opt_dec<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&plain(*d)),
        None => s.serialize_none(),
    }
}

/// The whole gap analysis.
#[derive(Debug, Clone, Serialize)]
pub struct Gaps {
    /// Whether the submission passes as it is.
    pub passed: bool,
    /// Each pass condition with what it lacks.
    pub conditions: Vec<ConditionGap>,
    /// Each category against what the pass conditions require of it.
    pub categories: Vec<CategoryGap>,
    /// Points lost by indicator, largest first.
    pub by_indicator: Vec<IndicatorLoss>,
    /// Points lost by responsible unit, largest first.
    pub by_owner: Vec<OwnerLoss>,
    /// For each indicator that reads data and is short of its points: what earns the next point.
    pub next_points: Vec<NextPoint>,
    /// Changes that make the submission pass (absent when it passes already).
    pub plan: Option<Plan>,
}

/// One pass condition and what it lacks.
#[derive(Debug, Clone, Serialize)]
pub struct ConditionGap {
    /// The condition: `总分 ≥ 85`.
    pub text: String,
    /// Whether it holds.
    pub held: bool,
    /// The points still needed (0 when it holds; the sum over failing categories).
    #[serde(serialize_with = "dec")]
    pub shortfall: Decimal,
    /// The numbers, one line per subject, in Chinese.
    pub lines: Vec<String>,
}

/// One category against the score its pass conditions require.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryGap {
    /// The category.
    pub name: String,
    /// Its score (after any cap).
    #[serde(serialize_with = "dec")]
    pub score: Decimal,
    /// The denominator of its rate.
    #[serde(serialize_with = "dec")]
    pub rate_basis: Decimal,
    /// The score the pass conditions require, if they require one.
    #[serde(serialize_with = "opt_dec")]
    pub required: Option<Decimal>,
    /// Whether the score must be strictly above `required`.
    pub strict: bool,
    /// Points still needed (0 when met).
    #[serde(serialize_with = "dec")]
    pub shortfall: Decimal,
    /// Points still available in the category (within its cap).
    #[serde(serialize_with = "dec")]
    pub available: Decimal,
    /// Whether the requirement can be met at all within the category's points.
    pub reachable: bool,
    /// Whether it meets its conditions now.
    pub met: bool,
}

/// Points one indicator lost.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorLoss {
    /// Official number.
    pub no: u32,
    /// Name.
    pub name: String,
    /// Category.
    pub category: String,
    /// Score.
    #[serde(serialize_with = "dec")]
    pub score: Decimal,
    /// Declared points.
    #[serde(serialize_with = "dec")]
    pub points: Decimal,
    /// Points lost.
    #[serde(serialize_with = "dec")]
    pub lost: Decimal,
    /// Scored, missing or error.
    pub status: Status,
    /// 责任单位.
    pub owners: Vec<String>,
    /// Why, briefly.
    pub reason: String,
}

/// Points one responsible unit lost.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerLoss {
    /// The unit.
    pub owner: String,
    /// Points lost on its indicators and items.
    #[serde(serialize_with = "dec")]
    pub lost: Decimal,
    /// The indicators.
    pub indicators: Vec<String>,
}

/// What earns an indicator its next point.
#[derive(Debug, Clone, Serialize)]
pub struct NextPoint {
    /// Official number.
    pub no: u32,
    /// Name.
    pub name: String,
    /// Category.
    pub category: String,
    /// Score now.
    #[serde(serialize_with = "dec")]
    pub score: Decimal,
    /// Declared points.
    #[serde(serialize_with = "dec")]
    pub points: Decimal,
    /// 责任单位.
    pub owners: Vec<String>,
    /// One change per input that helps, nearest (relative to its value) first.
    pub suggestions: Vec<Suggestion>,
    /// Why no single change of one input earns more, where none does.
    pub none: Option<String>,
    /// The values not searched because the search's work budget ran out, in Chinese (absent
    /// when every value was searched).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsearched: Option<String>,
}

/// A change to one input and what it earns, verified by re-scoring.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// The input key.
    pub key: String,
    /// Its label.
    pub label: String,
    /// The year, for a yearly input.
    pub year: Option<i32>,
    /// The entry (1-based), for a list input.
    pub entry: Option<usize>,
    /// A new entry added to a list.
    pub append: bool,
    /// The value now, normalised (money in 元, percents as fractions).
    #[serde(serialize_with = "opt_dec")]
    pub from: Option<Decimal>,
    /// The value that earns more, normalised.
    #[serde(serialize_with = "dec")]
    pub to: Decimal,
    /// For a bound that must be passed strictly, the bound (normalised).
    #[serde(serialize_with = "opt_dec")]
    pub strictly_past: Option<Decimal>,
    /// For a yes/no input, the new answer.
    pub to_bool: Option<bool>,
    /// The value now, as people read it: `1,500户`.
    pub from_text: Option<String>,
    /// The new value, as people read it.
    pub to_text: String,
    /// The new value as written in the submission file (`1800`, `"95.01%"`, `66300.01`).
    pub toml: String,
    /// Points the indicator gains.
    #[serde(serialize_with = "dec")]
    pub gain: Decimal,
    /// The indicator's score with the change.
    #[serde(serialize_with = "dec")]
    pub new_score: Decimal,
    /// The change in the total (caps and other indicators included).
    #[serde(serialize_with = "dec")]
    pub total_gain: Decimal,
    /// Other indicators whose score the change moves, with the change.
    pub side_effects: Vec<SideEffect>,
    /// Why a district cannot act on the change, if it cannot.
    pub caveat: Option<Caveat>,
    /// The sentence: `网络交易经营者数量需达到 1,800户（现 1,500户），可再得 1 分`.
    pub text: String,
}

/// Why a change that would earn a point is no course of action for a district: it shows where
/// the rule's boundary lies, nothing more. Such changes are listed marked, and never proposed in
/// the plan to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Caveat {
    /// A figure of a year before the evaluation year: a published statistic, not to be changed.
    PastYear,
    /// Less of something the rule divides by (total retail sales, market entities): the point
    /// would come from shrinking the base, not from doing better.
    LowersDivisor,
}

impl Caveat {
    /// The note added to the suggestion's sentence.
    fn words(self) -> &'static str {
        match self {
            Caveat::PastYear => "往年已公布的统计数据不能更改，此条仅说明规则的边界",
            Caveat::LowersDivisor => {
                "这是计算比值时作除数的数据，靠减少它得分不是可行的改进方向，此条仅说明规则的边界"
            }
        }
    }
}

/// The inputs an indicator divides by: every input read in the divisor of a `/` in its `let`s,
/// its score form, the `let`s and functions they use (a function's divisor through the argument
/// given for the parameter it divides by).
fn divisor_inputs(rules: &RuleSet, ind: &ast::Indicator) -> BTreeSet<String> {
    let mut roots: Vec<&ast::Expr> = ind.lets.iter().map(|l| &l.value).collect();
    if let Some(form) = &ind.score {
        crate::lint::analysis::walk::form_exprs(form, &mut |e| roots.push(e));
    }
    let mut out = BTreeSet::new();
    for root in roots {
        divisors_in(rules, ind, root, &mut out, 0);
    }
    out
}

/// How deep `let`s and functions are followed (the language refuses cycles; this bounds work).
const DIVISOR_DEPTH: usize = 8;

/// Adds to `out` the inputs read in a divisor anywhere in `e`.
fn divisors_in(
    rules: &RuleSet,
    ind: &ast::Indicator,
    e: &ast::Expr,
    out: &mut BTreeSet<String>,
    depth: usize,
) {
    if depth > DIVISOR_DEPTH {
        return;
    }
    e.each(&mut |x| match &x.kind {
        ast::ExprKind::Arith(ast::ArithOp::Div, _, b) => inputs_in(rules, ind, b, out, depth),
        ast::ExprKind::Name(n) => {
            if let Some(v) = let_value(rules, ind, n) {
                divisors_in(rules, ind, v, out, depth + 1);
            }
        }
        ast::ExprKind::Call(f, args) => {
            let Some(decl) = rules.fns.get(&f.value) else {
                return;
            };
            // A parameter the function divides by stands for the argument given for it.
            let mut params = BTreeSet::new();
            decl.body.each(&mut |y| {
                if let ast::ExprKind::Arith(ast::ArithOp::Div, _, b) = &y.kind {
                    b.each(&mut |z| {
                        if let ast::ExprKind::Name(p) = &z.kind {
                            params.insert(p.clone());
                        }
                    });
                }
            });
            for (p, a) in decl.params.iter().zip(args) {
                if params.contains(&p.value) {
                    inputs_in(rules, ind, a, out, depth + 1);
                }
            }
            divisors_in(rules, ind, &decl.body, out, depth + 1);
        }
        _ => {}
    });
}

/// Adds to `out` every input `e` reads, through `let`s and function arguments.
fn inputs_in(
    rules: &RuleSet,
    ind: &ast::Indicator,
    e: &ast::Expr,
    out: &mut BTreeSet<String>,
    depth: usize,
) {
    if depth > DIVISOR_DEPTH {
        return;
    }
    e.each(&mut |x| {
        if let ast::ExprKind::Name(n) = &x.kind {
            if rules.input(n).is_some() {
                out.insert(n.clone());
            } else if let Some(v) = let_value(rules, ind, n) {
                inputs_in(rules, ind, v, out, depth + 1);
            }
        }
    });
}

/// The value of a `let` an indicator can see: its own, else the rule file's.
fn let_value<'a>(rules: &'a RuleSet, ind: &'a ast::Indicator, name: &str) -> Option<&'a ast::Expr> {
    ind.lets
        .iter()
        .find(|l| l.name.value == name)
        .map(|l| &l.value)
        .or_else(|| rules.lets.get(name).map(|l| &l.value))
}

/// Another indicator moved by a change.
#[derive(Debug, Clone, Serialize)]
pub struct SideEffect {
    /// Official number.
    pub no: u32,
    /// The change in its score.
    #[serde(serialize_with = "dec")]
    pub delta: Decimal,
}

/// A set of changes that makes the submission pass, verified by re-evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The changes, in the order chosen.
    pub changes: Vec<Change>,
    /// Whether the submission passes with all of them.
    pub passes: bool,
    /// The total with all of them.
    #[serde(serialize_with = "dec")]
    pub total_after: Decimal,
    /// What still fails with all of them, if anything.
    pub still_failing: Vec<String>,
    /// Indicators that lack data: no change can be found for them until the data is given.
    pub missing_data: Vec<u32>,
}

/// One change to a submission.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The indicator it earns points on.
    pub indicator: u32,
    /// What changes.
    #[serde(flatten)]
    pub kind: ChangeKind,
    /// Points the indicator gains.
    #[serde(serialize_with = "dec")]
    pub gain: Decimal,
    /// The sentence.
    pub text: String,
}

/// What a change replaced: the entry of a key as it was (`None`: there was none).
enum Undo {
    Value(String, Option<InputValue>),
    Judgement(String, Option<crate::submission::Judgement>),
}

impl Undo {
    /// Puts the replaced entry back.
    fn restore(self, sub: &mut Submission) {
        match self {
            Undo::Value(key, Some(v)) => {
                sub.values.insert(key, v);
            }
            Undo::Value(key, None) => {
                sub.values.remove(&key);
            }
            Undo::Judgement(key, Some(j)) => {
                sub.judgements.insert(key, j);
            }
            Undo::Judgement(key, None) => {
                sub.judgements.remove(&key);
            }
        }
    }
}

/// What a change changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeKind {
    /// A value in `[data]`.
    Data {
        /// The input key.
        key: String,
        /// The year, for a yearly input.
        year: Option<i32>,
        /// The entry (0-based), for a list input.
        entry: Option<usize>,
        /// A new list entry.
        append: bool,
        /// The new value, normalised.
        #[serde(serialize_with = "dec")]
        value: Decimal,
        /// For a yes/no input, the new answer.
        bool_value: Option<bool>,
        /// The value as written in the submission file.
        toml: String,
    },
    /// A judgement in `[judgements]`.
    Judgement {
        /// `"30.1"` or `"33"`.
        key: String,
        /// Met.
        met: Option<bool>,
        /// A score for a whole judged indicator.
        #[serde(serialize_with = "opt_dec")]
        score: Option<Decimal>,
    },
}

impl Change {
    /// Applies the change to a submission.
    pub fn apply(&self, sub: &mut Submission) {
        match &self.kind {
            ChangeKind::Data {
                key,
                year,
                entry,
                append,
                value,
                bool_value,
                ..
            } => {
                if let Some(b) = bool_value {
                    sub.values.insert(key.clone(), InputValue::Bool(*b));
                    return;
                }
                let at = match (year, entry, append) {
                    (Some(y), _, _) => At::Year(*y),
                    (_, Some(i), _) => At::Entry(*i),
                    (_, _, true) => At::Append,
                    _ => At::Value,
                };
                search::set_value(
                    sub,
                    &Slot {
                        key: key.clone(),
                        at,
                    },
                    *value,
                );
            }
            ChangeKind::Judgement { key, met, score } => {
                let j = sub.judgements.entry(key.clone()).or_default();
                j.met = *met;
                j.score = *score;
            }
        }
    }

    /// [`Change::apply`], returning what it replaced so it can be put back.
    fn apply_undoable(&self, sub: &mut Submission) -> Undo {
        let undo = match &self.kind {
            ChangeKind::Data { key, .. } => Undo::Value(key.clone(), sub.values.get(key).cloned()),
            ChangeKind::Judgement { key, .. } => {
                Undo::Judgement(key.clone(), sub.judgements.get(key).cloned())
            }
        };
        self.apply(sub);
        undo
    }

    fn same_target(&self, o: &Change) -> bool {
        match (&self.kind, &o.kind) {
            (
                ChangeKind::Data {
                    key: a,
                    year: ya,
                    entry: ea,
                    append: false,
                    ..
                },
                ChangeKind::Data {
                    key: b,
                    year: yb,
                    entry: eb,
                    append: false,
                    ..
                },
            ) => a == b && ya == yb && ea == eb,
            (ChangeKind::Judgement { key: a, .. }, ChangeKind::Judgement { key: b, .. }) => a == b,
            _ => false,
        }
    }
}

/// The whole gap analysis of an evaluation.
pub fn analyse(rules: &Program, sub: &Submission, ev: &Evaluation) -> Gaps {
    let categories = category_gaps(rules, ev);
    let conditions = condition_gaps(rules, ev, &categories);
    let base = rules.plan().score(sub);
    let next_points: Vec<NextPoint> = ev
        .indicators
        .iter()
        .filter_map(|r| {
            let mut budget = search::Budget::new(search::MAX_WORK);
            next_point_within(rules, sub, &base, r, &mut budget)
        })
        .collect();
    let plan = (!ev.passed).then(|| plan_from(rules, sub, ev, base, &next_points));
    Gaps {
        passed: ev.passed,
        conditions,
        categories,
        by_indicator: by_indicator(rules, ev),
        by_owner: ev
            .lost_by_owner()
            .into_iter()
            .map(|(owner, lost, indicators)| OwnerLoss {
                owner,
                lost,
                indicators,
            })
            .collect(),
        next_points,
        plan,
    }
}

/// The score a subject must reach under `op threshold`, and whether strictly.
fn required(op: CmpOp, threshold: Decimal) -> Option<(Decimal, bool)> {
    match op {
        CmpOp::Ge | CmpOp::Eq => Some((threshold, false)),
        CmpOp::Gt => Some((threshold, true)),
        _ => None,
    }
}

fn shortfall_of(x: Decimal, need: Decimal, strict: bool) -> (Decimal, bool) {
    let met = if strict { x > need } else { x >= need };
    ((need - x).max(Decimal::ZERO), met)
}

/// The score category `name` must reach under the pass rule (the strictest of the conditions
/// that apply to it), given what its rate divides by; whether it must pass it strictly.
fn category_need(rules: &RuleSet, name: &str, rate_basis: Decimal) -> Option<(Decimal, bool)> {
    let mut need: Option<(Decimal, bool)> = None;
    for cond in &rules.header.pass {
        let metric = match &cond.subject {
            PassSubject::Every(m) => *m,
            PassSubject::Category(n, m) if n.value == name => *m,
            _ => continue,
        };
        let thr = cond.value.value;
        let base = match metric {
            Metric::Rate => thr.checked_mul(rate_basis).unwrap_or(Decimal::MAX),
            Metric::Score => thr,
        };
        if let Some((r, strict)) = required(cond.op, base) {
            need = Some(match need {
                Some((p, ps)) if p > r || (p == r && ps) => (p, ps),
                _ => (r, strict),
            });
        }
    }
    need
}

/// Each category against the pass conditions that apply to it.
fn category_gaps(rules: &RuleSet, ev: &Evaluation) -> Vec<CategoryGap> {
    let mut out = Vec::new();
    for (c, decl) in ev.categories.iter().zip(&rules.categories) {
        let need = category_need(rules, &c.name, c.rate_basis);
        let limit = match rules.cap_basis() {
            Basis::Declared => c.indicator_points.min(decl.points.value),
            Basis::Indicators | Basis::None => c.indicator_points,
        };
        let available = (limit - c.score).max(Decimal::ZERO);
        let (shortfall, met) = match need {
            Some((r, strict)) => shortfall_of(c.score, r, strict),
            None => (Decimal::ZERO, true),
        };
        let reachable = match need {
            Some((r, true)) => limit > r,
            Some((r, false)) => limit >= r,
            None => true,
        };
        out.push(CategoryGap {
            name: c.name.clone(),
            score: c.score,
            rate_basis: c.rate_basis,
            required: need.map(|n| n.0),
            strict: need.is_some_and(|n| n.1),
            shortfall,
            available,
            reachable,
            met: c.passed.unwrap_or(met),
        });
    }
    out
}

fn condition_gaps(rules: &RuleSet, ev: &Evaluation, cats: &[CategoryGap]) -> Vec<ConditionGap> {
    let mut out = Vec::new();
    for (cond, res) in rules.header.pass.iter().zip(&ev.conditions) {
        let thr = cond.value.value;
        let mut lines = Vec::new();
        let mut shortfall = Decimal::ZERO;
        match &cond.subject {
            PassSubject::Total => match required(cond.op, thr) {
                Some((need, strict)) => {
                    let (s, met) = shortfall_of(ev.total, need, strict);
                    shortfall = s;
                    let max_total: Decimal = cats.iter().map(|c| c.score + c.available).sum();
                    let cap = ev.max.min(max_total);
                    if met {
                        lines.push(format!(
                            "总分 {}，{}合格线 {} 分{}",
                            plain(ev.total),
                            if strict { "高于" } else { "达到" },
                            plain(need),
                            if ev.total > need {
                                format!("，余 {} 分", plain(ev.total - need))
                            } else {
                                String::new()
                            }
                        ));
                    } else {
                        let more = if strict && s.is_zero() {
                            "需再得分使总分高于合格线".to_string()
                        } else if strict {
                            format!("差 {} 分以上", plain(s))
                        } else {
                            format!("差 {} 分", plain(s))
                        };
                        lines.push(format!(
                            "总分 {}，合格线 {} 分，{more}；全部指标满分时最多可得 {} 分",
                            plain(ev.total),
                            plain(need),
                            plain(cap)
                        ));
                    }
                }
                None => lines.push(res.detail()),
            },
            PassSubject::Every(metric) | PassSubject::Category(_, metric) => {
                let only = match &cond.subject {
                    PassSubject::Category(n, _) => Some(n.value.as_str()),
                    _ => None,
                };
                for (c, g) in ev.categories.iter().zip(cats) {
                    if only.is_some_and(|n| n != c.name) {
                        continue;
                    }
                    let base = match metric {
                        Metric::Rate => thr.checked_mul(c.rate_basis).unwrap_or(Decimal::MAX),
                        Metric::Score => thr,
                    };
                    let Some((need, strict)) = required(cond.op, base) else {
                        continue;
                    };
                    let (s, met) = shortfall_of(c.score, need, strict);
                    let how = match metric {
                        Metric::Rate => format!(
                            "{} × {} 分 = {} 分",
                            cond.value.text,
                            plain(c.rate_basis),
                            plain(need)
                        ),
                        Metric::Score => format!("{} 分", plain(need)),
                    };
                    let rate = c
                        .rate
                        .map(|r| {
                            format!(
                                "（得分率 {}）",
                                crate::number::rate_text(Some(r), c.rate_exact)
                            )
                        })
                        .unwrap_or_default();
                    if met {
                        lines.push(format!(
                            "{}：{} 分{rate}，要求 {how}，已达到{}",
                            c.name,
                            plain(c.score),
                            if c.score > need {
                                format!("（余 {} 分）", plain(c.score - need))
                            } else {
                                String::new()
                            }
                        ));
                    } else {
                        shortfall += s;
                        let strict_word = if strict { "以上" } else { "" };
                        let reach = if g.reachable {
                            format!("本类尚有 {} 分可争取", plain(g.available))
                        } else {
                            format!(
                                "本类最多还能得 {} 分，即使全部得到也达不到",
                                plain(g.available)
                            )
                        };
                        lines.push(format!(
                            "{}：{} 分{rate}，要求 {how}{}，差 {} 分{strict_word}；{reach}",
                            c.name,
                            plain(c.score),
                            if strict { "（须高于）" } else { "" },
                            plain(s)
                        ));
                    }
                }
            }
        }
        out.push(ConditionGap {
            text: res.text(),
            held: res.held,
            shortfall,
            lines,
        });
    }
    out
}

fn by_indicator(rules: &RuleSet, ev: &Evaluation) -> Vec<IndicatorLoss> {
    let mut out: Vec<IndicatorLoss> = ev
        .indicators
        .iter()
        .filter(|r| r.points > r.score)
        .map(|r| IndicatorLoss {
            no: r.no,
            name: r.name.clone(),
            category: r.category.clone(),
            score: r.score,
            points: r.points,
            lost: r.points - r.score,
            status: r.status,
            owners: r.owners.clone(),
            reason: reason(rules, r),
        })
        .collect();
    out.sort_by(|a, b| b.lost.cmp(&a.lost).then(a.no.cmp(&b.no)));
    out
}

/// Why an indicator lost points, in one line.
fn reason(rules: &RuleSet, r: &IndicatorResult) -> String {
    match r.status {
        Status::Missing => {
            let names: Vec<String> = r.missing.iter().map(|m| missing_label(rules, m)).collect();
            return format!("缺少数据：{}", names.join("、"));
        }
        Status::Error => return format!("规则无法计算：{}", r.error_message().unwrap_or_default()),
        Status::Scored => {}
    }
    if !r.items.is_empty() {
        let mut parts = Vec::new();
        for state in [
            ItemState::NotMet,
            ItemState::NotSubmitted,
            ItemState::Missing,
        ] {
            let keys: Vec<&str> = r
                .items
                .iter()
                .filter(|it| it.state == state)
                .map(|it| it.key.as_str())
                .collect();
            if !keys.is_empty() {
                parts.push(format!("{}：{}", state.word(), keys.join("、")));
            }
        }
        let scored_low: Vec<String> = r
            .items
            .iter()
            .filter(|it| it.state == ItemState::Met && it.score < it.points)
            .map(|it| format!("{} 评分 {}/{}", it.key, plain(it.score), plain(it.points)))
            .collect();
        parts.extend(scored_low);
        if !parts.is_empty() {
            return parts.join("；");
        }
    }
    // A per-year rule: which years failed, without repeating the formulas.
    let years: Vec<String> = r
        .years
        .iter()
        .filter(|y| y.verdict == crate::eval::YearVerdict::NotMet)
        .map(|y| format!("{}年", y.year))
        .collect();
    if !years.is_empty() {
        return format!("{}不符合", years.join("、"));
    }
    r.reasons
        .last()
        .map(crate::words::reason)
        .unwrap_or_default()
}

/// The change needed, as people read it.
fn show_input(rules: &RuleSet, key: &str, v: Decimal) -> String {
    match rules.input(key) {
        Some(d) => crate::words::number(&Num::from(v), &crate::eval::Dim::of_input(d)),
        None => plain(v),
    }
}

/// A value as written in the submission file.
fn toml_value(rules: &RuleSet, key: &str, v: Decimal) -> String {
    let Some(d) = rules.input(key) else {
        return plain(v);
    };
    match d.kind.value {
        ScalarKind::Percent => format!("\"{}%\"", plain(v * Decimal::ONE_HUNDRED)),
        ScalarKind::Money => {
            let f = d
                .unit
                .as_ref()
                .and_then(|u| crate::number::money_unit_factor(&u.value))
                .unwrap_or(Decimal::ONE);
            plain(v.checked_div(f).unwrap_or(v))
        }
        _ => plain(v),
    }
}

fn label_of(rules: &RuleSet, key: &str) -> String {
    rules
        .input(key)
        .map_or(key.to_string(), |d| d.label.value.clone())
}

/// The suggestion for one found change: its text and its effect on the whole evaluation.
fn suggestion(
    rules: &Program,
    sub: &Submission,
    base: &Scores,
    r: &IndicatorResult,
    f: &Found,
) -> Suggestion {
    let key = &f.slot.key;
    let label = label_of(rules, key);
    let (year, entry, append) = match f.slot.at {
        At::Value => (None, None, false),
        At::Year(y) => (Some(y), None, false),
        At::Entry(i) => (None, Some(i + 1), false),
        At::Append => (None, None, true),
    };
    let mut work = sub.clone();
    let change = change_of(rules, r.no, f, f.new_score - r.score);
    change.apply(&mut work);
    // Only scores are read from it.
    let after = rescored(rules, base, &work, &change);
    let total_gain = after.total - base.total;
    let side_effects: Vec<SideEffect> = after
        .indicators
        .iter()
        .zip(&base.indicators)
        .zip(rules.indicators())
        .filter(|((a, b), (_, ind))| ind.no.value != r.no && a.score != b.score)
        .map(|((a, b), (_, ind))| SideEffect {
            no: ind.no.value,
            delta: a.score - b.score,
        })
        .collect();
    let gain = f.new_score - r.score;
    let from_text = f.from.map(|v| show_input(rules, key, v));
    let to_text = match f.to_bool {
        Some(true) => "是".to_string(),
        Some(false) => "否".to_string(),
        None => show_input(rules, key, f.to),
    };
    let what = match (year, entry, append) {
        (Some(y), _, _) => format!("{label}（{y}年）"),
        (_, Some(i), _) => format!("{label}第 {i} 项"),
        (_, _, true) => format!("{label}再增加 1 项，"),
        _ => label.clone(),
    };
    let up = f.from.is_none_or(|v| f.to > v);
    let need = match (f.to_bool, f.strictly_past, &from_text) {
        (Some(_), _, _) => format!("{what}改为“{to_text}”"),
        (None, Some(b), Some(now)) => format!(
            "{what}需{}{}（现 {now}），如 {to_text}",
            if up { "高于 " } else { "低于 " },
            show_input(rules, key, b)
        ),
        (None, Some(b), None) => format!(
            "{what}数值需高于 {}，如 {to_text}",
            show_input(rules, key, b)
        ),
        (None, None, Some(now)) => format!(
            "{what}需{}{to_text}（现 {now}）",
            if up { "达到 " } else { "降到 " }
        ),
        (None, None, None) => format!("{what}数值需达到 {to_text}"),
    };
    let mut text = format!("{need}，可再得 {} 分", plain(gain));
    let lowers = matches!((f.from, f.to_bool), (Some(v), None) if f.to < v);
    let caveat = if year.is_some_and(|y| y < sub.year) {
        Some(Caveat::PastYear)
    } else if lowers
        && rules
            .indicators()
            .find(|(_, i)| i.no.value == r.no)
            .is_some_and(|(_, i)| divisor_inputs(rules, i).contains(key))
    {
        Some(Caveat::LowersDivisor)
    } else {
        None
    };
    let mut notes = Vec::new();
    for s in &side_effects {
        notes.push(if s.delta < Decimal::ZERO {
            format!("同时指标 {} 减少 {} 分", s.no, plain(-s.delta))
        } else {
            format!("同时指标 {} 增加 {} 分", s.no, plain(s.delta))
        });
    }
    if total_gain != gain {
        notes.push(if total_gain.is_zero() {
            "总分不变（一级指标已封顶或其他指标抵消）".to_string()
        } else {
            format!("总分净增 {} 分", plain(total_gain))
        });
    }
    if !notes.is_empty() {
        text.push_str(&format!("（{}）", notes.join("，")));
    }
    if let Some(c) = caveat {
        text.push_str(&format!("〔{}〕", c.words()));
    }
    Suggestion {
        key: key.clone(),
        label,
        year,
        entry,
        append,
        from: f.from,
        to: f.to,
        strictly_past: f.strictly_past,
        to_bool: f.to_bool,
        from_text,
        to_text,
        toml: match f.to_bool {
            Some(b) => b.to_string(),
            None => toml_value(rules, key, f.to),
        },
        gain,
        new_score: f.new_score,
        total_gain,
        side_effects,
        caveat,
        text,
    }
}

fn change_of(rules: &RuleSet, no: u32, f: &Found, gain: Decimal) -> Change {
    let (year, entry, append) = match f.slot.at {
        At::Value => (None, None, false),
        At::Year(y) => (Some(y), None, false),
        At::Entry(i) => (None, Some(i), false),
        At::Append => (None, None, true),
    };
    Change {
        indicator: no,
        kind: ChangeKind::Data {
            key: f.slot.key.clone(),
            year,
            entry,
            append,
            value: f.to,
            bool_value: f.to_bool,
            toml: match f.to_bool {
                Some(b) => b.to_string(),
                None => toml_value(rules, &f.slot.key, f.to),
            },
        },
        gain,
        text: String::new(),
    }
}

/// The smallest change to one input that earns indicator `r` more points, for every input that
/// can; `None` for indicators that read no data or have all their points.
pub fn next_point(rules: &Program, sub: &Submission, r: &IndicatorResult) -> Option<NextPoint> {
    next_point_within(
        rules,
        sub,
        &rules.plan().score(sub),
        r,
        &mut search::Budget::new(search::MAX_WORK),
    )
}

/// [`next_point`] within a work budget shared with other searches.
fn next_point_within(
    rules: &Program,
    sub: &Submission,
    base: &Scores,
    r: &IndicatorResult,
    budget: &mut search::Budget,
) -> Option<NextPoint> {
    let (_, ind) = rules.indicators().find(|(_, i)| i.no.value == r.no)?;
    if r.score >= r.points || deps::compiled_reads(rules, ind).is_empty() {
        return None;
    }
    let mut suggestions = Vec::new();
    let mut skipped: Vec<Slot> = Vec::new();
    if r.status == Status::Scored {
        let mut found: Vec<Found> = Vec::new();
        // A year of a yearly input that scoring does not read cannot change the score: not
        // searched (unknown when the indicator runs a script).
        let years_read = rules
            .indicators()
            .position(|(_, i)| i.no.value == r.no)
            .and_then(|i| rules.plan().years_read(i, sub));
        let unread = |slot: &Slot| match (&slot.at, &years_read) {
            (search::At::Year(y), Some(read)) => rules
                .plan()
                .input_slot(&slot.key)
                .is_some_and(|input| read.binary_search(&(input, *y)).is_err()),
            _ => false,
        };
        // One copy of the submission for every slot's search, each giving it back unchanged.
        let mut work = sub.clone();
        for slot in search::slots(rules, sub, ind) {
            if unread(&slot) {
                continue;
            }
            if budget.exhausted() {
                skipped.push(slot);
                continue;
            }
            match search::search_slot(rules, &mut work, ind, r.score, &slot, budget) {
                Ok(Some(f)) => found.push(f),
                Ok(None) => {}
                Err(search::NotSearched) => skipped.push(slot),
            }
        }
        // Nearest relative to the value it changes first; new list entries last.
        found.sort_by_key(|f| relative(rules, f));
        suggestions = found
            .iter()
            .map(|f| suggestion(rules, sub, base, r, f))
            .collect();
    }
    let unsearched = (!skipped.is_empty()).then(|| unsearched_text(rules, &skipped));
    let none =
        (suggestions.is_empty() && unsearched.is_none()).then(|| no_change_reason(rules, ind, r));
    Some(NextPoint {
        no: r.no,
        name: r.name.clone(),
        category: r.category.clone(),
        score: r.score,
        points: r.points,
        owners: r.owners.clone(),
        suggestions,
        none,
        unsearched,
    })
}

/// The values a search left out, by input: `新增经营者销售额第 38–500 项、再增加 1 项`.
fn unsearched_text(rules: &RuleSet, skipped: &[Slot]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    for s in skipped {
        if !keys.contains(&s.key.as_str()) {
            keys.push(&s.key);
        }
    }
    for key in keys {
        let label = label_of(rules, key);
        let of_key = || skipped.iter().filter(|s| s.key == key).map(|s| &s.at);
        let entries: Vec<usize> = of_key()
            .filter_map(|a| match a {
                At::Entry(i) => Some(*i + 1),
                _ => None,
            })
            .collect();
        let years: Vec<String> = of_key()
            .filter_map(|a| match a {
                At::Year(y) => Some(format!("{y}年")),
                _ => None,
            })
            .collect();
        if of_key().any(|a| *a == At::Value) {
            parts.push(label.clone());
        }
        if !years.is_empty() {
            parts.push(format!("{label}（{}）", years.join("、")));
        }
        match (entries.first(), entries.last()) {
            (Some(a), Some(b)) if a == b => parts.push(format!("{label}第 {a} 项")),
            (Some(a), Some(b)) if b - a + 1 == entries.len() => {
                parts.push(format!("{label}第 {a}–{b} 项（{} 项）", entries.len()))
            }
            (Some(_), Some(_)) => parts.push(format!("{label}中的 {} 项", entries.len())),
            _ => {}
        }
        if of_key().any(|a| *a == At::Append) {
            parts.push(format!("{label}再增加 1 项"));
        }
    }
    format!(
        "计算量达到上限，以下数据未逐项搜索（改变它们也可能再得分，可单独调整后重新评估）：{}",
        parts.join("、")
    )
}

/// How far a change goes, relative to the value it changes, for ordering.
fn relative(rules: &RuleSet, f: &Found) -> (bool, Decimal) {
    let step = rules
        .input(&f.slot.key)
        .map_or(Decimal::ONE, |d| search::lattice(d).0);
    match f.from {
        None => (true, f.to),
        Some(v) => {
            let base = v.abs().max(step);
            (
                (false),
                ((f.to - v).abs().checked_div(base)).unwrap_or(Decimal::MAX),
            )
        }
    }
}

fn no_change_reason(
    rules: &RuleSet,
    ind: &crate::syntax::ast::Indicator,
    r: &IndicatorResult,
) -> String {
    match r.status {
        Status::Missing => {
            let names: Vec<String> = r.missing.iter().map(|m| missing_label(rules, m)).collect();
            return format!(
                "缺少数据：{}。补齐后重新评估（已有数据部分可得 {} 分）",
                names.join("、"),
                plain(r.partial.unwrap_or_default())
            );
        }
        Status::Error => {
            return format!(
                "规则无法计算（{}），请先修正规则文件或数据",
                r.error_message().unwrap_or_default()
            );
        }
        Status::Scored => {}
    }
    if let Some(cap) = &ind.cap
        && r.score >= cap.value
    {
        return format!(
            "已达到封顶 {} 分（本指标分值 {} 分），改变数据不能再得分",
            plain(cap.value),
            plain(r.points)
        );
    }
    let open_judged: Vec<&str> = r
        .items
        .iter()
        .filter(|it| it.judged && it.state != ItemState::Met)
        .map(|it| it.key.as_str())
        .collect();
    let open_data: Vec<&str> = r
        .items
        .iter()
        .filter(|it| !it.judged && it.state != ItemState::Met)
        .map(|it| it.key.as_str())
        .collect();
    if open_data.is_empty() && !open_judged.is_empty() {
        return format!(
            "数据项均已达到；其余分数需评审认定：{}",
            open_judged.join("、")
        );
    }
    if !open_data.is_empty() {
        return format!(
            "改变任何一项数据都不能单独再得分：子项 {} 需同时改变多项数据（或所需数值超出允许范围、违反数据校验）",
            open_data.join("、")
        );
    }
    if matches!(ind.score, Some(ScoreForm::Judged { .. })) {
        return "整项由专家评审，不由数据决定".into();
    }
    "改变任何一项数据都不能单独再得分（需同时改变多项数据，或所需数值超出允许范围、违反数据校验）"
        .into()
}

/// [`deficit`] of scores from the compiled plan: the same measure, without building an
/// [`Evaluation`].
fn deficit_of_scores(rules: &Program, s: &Scores) -> (usize, Decimal) {
    let mut failed = rules.plan().failed_conditions(s).into_iter();
    let mut failing_subjects = 0;
    let mut short = Decimal::ZERO;
    for (cond, held) in rules.header.pass.iter().zip(&s.conditions) {
        if *held {
            continue;
        }
        let failing = failed.next().map(|(_, f)| f).unwrap_or_default();
        match &cond.subject {
            PassSubject::Total => {
                failing_subjects += 1;
                if let Some((need, strict)) = required(cond.op, cond.value.value) {
                    short += shortfall_of(s.total, need, strict).0;
                }
            }
            _ => {
                failing_subjects += failing.len().max(1);
                for (decl, c) in rules.categories.iter().zip(&s.categories) {
                    let name = decl.name.value.as_str();
                    if failing.iter().any(|f| **f == *name)
                        && let Some((need, strict)) = category_need(rules, name, c.rate_basis)
                    {
                        short += shortfall_of(c.score, need, strict).0;
                    }
                }
            }
        }
    }
    (failing_subjects, short)
}

/// Candidate changes for a plan: every judged item not met, every whole judgement below its
/// points, and the next-point data changes.
fn candidates(rules: &RuleSet, ev: &Evaluation, next: &[NextPoint]) -> Vec<Change> {
    let mut out = Vec::new();
    for r in &ev.indicators {
        if r.status != Status::Scored {
            continue;
        }
        for it in r.items.iter().filter(|it| it.judged) {
            let whole = !it.key.contains('.');
            if whole && it.score < it.points {
                out.push(Change {
                    indicator: r.no,
                    kind: ChangeKind::Judgement {
                        key: it.key.clone(),
                        met: None,
                        score: Some(it.points),
                    },
                    gain: it.points - it.score,
                    text: format!(
                        "指标 {} “{}”专家评分达到 {} 分（{}）",
                        r.no,
                        r.name,
                        plain(it.points),
                        if it.state == ItemState::NotSubmitted {
                            "现未提交".to_string()
                        } else {
                            format!("现 {} 分", plain(it.score))
                        }
                    ),
                });
            } else if !whole && it.state != ItemState::Met {
                let any = rules
                    .indicators()
                    .find(|(_, i)| i.no.value == r.no)
                    .is_some_and(|(_, i)| matches!(i.score, Some(ScoreForm::Any { .. })));
                out.push(Change {
                    indicator: r.no,
                    kind: ChangeKind::Judgement {
                        key: it.key.clone(),
                        met: Some(true),
                        score: None,
                    },
                    gain: it.points,
                    text: format!(
                        "子项 {} “{}”经评审认定符合（现{}），{}",
                        it.key,
                        it.text,
                        it.state.word(),
                        if any {
                            format!("符合任一子项即得 {} 分", plain(it.points))
                        } else {
                            format!("得 {} 分", plain(it.points))
                        }
                    ),
                });
            }
        }
    }
    // Changes a district cannot act on are never proposed.
    for n in next {
        for s in n.suggestions.iter().filter(|s| s.caveat.is_none()) {
            out.push(data_change(n.no, s));
        }
    }
    out
}

fn data_change(no: u32, s: &Suggestion) -> Change {
    Change {
        indicator: no,
        kind: ChangeKind::Data {
            key: s.key.clone(),
            year: s.year,
            entry: s.entry.map(|e| e.saturating_sub(1)),
            append: s.append,
            value: s.to,
            bool_value: s.to_bool,
            toml: s.toml.clone(),
        },
        gain: s.gain,
        text: format!("指标 {}：{}", no, s.text),
    }
}

/// The scores of `work`, where `base` scores it before `change`: only the indicators the change
/// can move are scored again (those that read its input, or the one its judgement belongs to).
fn rescored(rules: &Program, base: &Scores, work: &Submission, change: &Change) -> Scores {
    let dirty = moved_by(rules, change);
    rules
        .plan()
        .rescore(base, work, |i| dirty.get(i).copied().unwrap_or(true))
}

/// For each indicator (by position), whether a change can move it: it reads the change's input,
/// or the change's judgement belongs to it.
fn moved_by(rules: &Program, change: &Change) -> Vec<bool> {
    let plan = rules.plan();
    let input = match &change.kind {
        ChangeKind::Data { key, .. } => plan.input_slot(key),
        ChangeKind::Judgement { .. } => None,
    };
    rules
        .indicators()
        .enumerate()
        .map(|(i, (_, ind))| {
            ind.no.value == change.indicator
                || input.is_some_and(|k| plan.reads(i).binary_search(&k).is_ok())
        })
        .collect()
}

fn has_check_errors(rules: &Program, sub: &Submission) -> bool {
    !rules.plan().no_check_errors(sub)
}

/// How much a change closes the gap; larger is better: fewer failing subjects, then fewer points
/// short, then (on a tie) the smaller gain, data before judgements, and the earlier candidate.
type Rank = (
    usize,
    Decimal,
    std::cmp::Reverse<Decimal>,
    bool,
    std::cmp::Reverse<usize>,
);

/// A candidate change with what is known of its effect.
struct Candidate {
    change: Change,
    order: usize,
    /// The rank it had when last scored (an upper bound on its rank now); `None` if never scored.
    bound: Option<Rank>,
    /// It closed nothing when last scored.
    dead: bool,
}

/// Scores a change against the current state: its rank and the evaluation with it, or `None`
/// when it closes nothing or breaks a data check.
fn score_change(
    rules: &Program,
    work: &mut Submission,
    scores: &Scores,
    base: (usize, Decimal),
    c: &Candidate,
) -> Option<(Rank, Scores)> {
    let undo = c.change.apply_undoable(work);
    // Scores only, by the compiled plan: the rank reads the total, the categories and the pass
    // conditions.
    let scored = (!has_check_errors(rules, work)).then(|| rescored(rules, scores, work, &c.change));
    undo.restore(work);
    let e = scored?;
    let d = deficit_of_scores(rules, &e);
    if d >= base {
        return None;
    }
    let rank = (
        base.0.saturating_sub(d.0),
        base.1 - d.1,
        std::cmp::Reverse(c.change.gain),
        matches!(c.change.kind, ChangeKind::Data { .. }),
        std::cmp::Reverse(c.order),
    );
    Some((rank, e))
}

/// Picks the change that closes the most of the gap now. Lazily: a change's rank can only shrink
/// as the gap closes, so the best stale rank is re-scored first and taken when it still beats
/// every other candidate's stale rank; when nothing lazy is found, every candidate is scored
/// again before giving up.
fn pick(
    rules: &Program,
    work: &mut Submission,
    scores: &Scores,
    base: (usize, Decimal),
    cands: &mut [Candidate],
) -> Option<(usize, Scores)> {
    for full in [false, true] {
        if full {
            for c in cands.iter_mut() {
                c.dead = false;
                c.bound = None;
            }
        }
        loop {
            // Never-scored candidates first, then the best stale rank.
            let best = cands
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.dead)
                .max_by(|(_, a), (_, b)| match (&a.bound, &b.bound) {
                    (None, None) => b.order.cmp(&a.order),
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (Some(x), Some(y)) => x.cmp(y),
                })
                .map(|(i, _)| i);
            let Some((i, cand)) = best.and_then(|i| Some((i, cands.get(i)?))) else {
                break;
            };
            match score_change(rules, work, scores, base, cand) {
                None => {
                    if let Some(c) = cands.get_mut(i) {
                        c.dead = true;
                    }
                }
                Some((rank, e)) => {
                    let beaten = cands.iter().enumerate().any(|(j, c)| {
                        j != i && !c.dead && c.bound.as_ref().is_none_or(|b| *b > rank)
                    });
                    if !beaten {
                        return Some((i, e));
                    }
                    if let Some(c) = cands.get_mut(i) {
                        c.bound = Some(rank);
                    }
                }
            }
        }
    }
    None
}

/// A set of changes that makes the submission pass: at each step the change that closes the most
/// of the gap (fewest failing subjects, then fewest points short; on a tie the smaller gain, then
/// data before judgements, then file order), verified by re-evaluating the whole submission.
pub fn plan(rules: &Program, sub: &Submission, ev: &Evaluation, next: &[NextPoint]) -> Plan {
    plan_from(rules, sub, ev, rules.plan().score(sub), next)
}

/// [`plan`], given the compiled plan's scores of `sub`.
fn plan_from(
    rules: &Program,
    sub: &Submission,
    ev: &Evaluation,
    mut scores: Scores,
    next: &[NextPoint],
) -> Plan {
    let mut work = sub.clone();
    let mut order = 0usize;
    let mut wrap = |change: Change| {
        order += 1;
        Candidate {
            change,
            order,
            bound: None,
            dead: false,
        }
    };
    let mut cands: Vec<Candidate> = candidates(rules, ev, next)
        .into_iter()
        .map(&mut wrap)
        .collect();
    let mut changes: Vec<Change> = Vec::new();
    // The searches again after each change share one budget: a plan costs at most about twice
    // what the next points cost, however many steps it takes.
    let mut budget = search::Budget::new(search::MAX_WORK);
    // Each step reads the scores (the chosen change's rescoring), not a whole evaluation: the
    // plan's summary is evaluated once at the end.
    for _ in 0..MAX_PLAN_STEPS {
        if scores.passed {
            break;
        }
        let base = deficit_of_scores(rules, &scores);
        let Some((i, after)) = pick(rules, &mut work, &scores, base, &mut cands) else {
            break;
        };
        let c = cands.remove(i).change;
        c.apply(&mut work);
        scores = after;
        let no = c.indicator;
        let is_data = matches!(c.kind, ChangeKind::Data { .. });
        let changed_key = match &c.kind {
            ChangeKind::Data { key, .. } => Some(key.clone()),
            ChangeKind::Judgement { .. } => None,
        };
        match changes.iter_mut().find(|x| x.same_target(&c)) {
            Some(prev) => {
                prev.gain += c.gain;
                prev.kind = c.kind;
                prev.text = c.text;
            }
            None => changes.push(c),
        }
        if let (true, Some(key)) = (is_data, changed_key) {
            // Every indicator that reads the changed input may now need a different change (or
            // may earn more from a further one): search those again from here.
            let affected: Vec<u32> = rules
                .indicators()
                .filter(|(_, i)| {
                    i.no.value == no || deps::compiled_reads(rules, i).contains(&key.as_str())
                })
                .map(|(_, i)| i.no.value)
                .collect();
            cands.retain(|x| {
                !(affected.contains(&x.change.indicator)
                    && matches!(x.change.kind, ChangeKind::Data { .. }))
            });
            for no in affected {
                let Some(r) = eval::scored_indicator(rules, &work, &scores, no) else {
                    continue;
                };
                if let Some(n) = next_point_within(rules, &work, &scores, &r, &mut budget) {
                    for s in &n.suggestions {
                        cands.push(wrap(data_change(r.no, s)));
                    }
                }
            }
        }
    }
    let cur = if changes.is_empty() {
        ev.clone()
    } else {
        eval::evaluate_scores(rules, &work)
    };
    let still_failing = cur
        .conditions
        .iter()
        .filter(|c| !c.held)
        .map(|c| {
            if c.failing.is_empty() {
                format!("{}（{}）", c.text(), c.detail())
            } else {
                format!("{}：{}", c.text(), c.failing.join("、"))
            }
        })
        .collect();
    Plan {
        changes,
        passes: cur.passed,
        total_after: cur.total,
        still_failing,
        missing_data: cur
            .indicators
            .iter()
            .filter(|r| r.status == Status::Missing)
            .map(|r| r.no)
            .collect(),
    }
}

/// One judged item in the evidence checklist.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceItem {
    /// `"12.1"`, or `"10"` for a whole judged indicator.
    pub key: String,
    /// The indicator's number.
    pub indicator: u32,
    /// The indicator's name.
    pub indicator_name: String,
    /// The category.
    pub category: String,
    /// The item's text.
    pub text: String,
    /// 责任单位.
    pub owners: Vec<String>,
    /// The most it can earn.
    #[serde(serialize_with = "dec")]
    pub points: Decimal,
    /// What it earned.
    #[serde(serialize_with = "dec")]
    pub score: Decimal,
    /// Met, not met, not submitted.
    pub state: ItemState,
    /// Evidence named in the judgement.
    pub evidence: Vec<String>,
    /// The judgement's note.
    pub note: Option<String>,
    /// Claimed met, but no evidence named.
    pub met_without_evidence: bool,
}

/// The evidence checklist: every judged item and whole judged indicator, in file order.
pub fn evidence(ev: &Evaluation) -> Vec<EvidenceItem> {
    ev.indicators
        .iter()
        .flat_map(|r| {
            r.items
                .iter()
                .filter(|it| it.judged)
                .map(move |it| EvidenceItem {
                    key: it.key.clone(),
                    indicator: r.no,
                    indicator_name: r.name.clone(),
                    category: r.category.clone(),
                    text: it.text.clone(),
                    owners: it.owners.clone(),
                    points: it.points,
                    score: it.score,
                    state: it.state,
                    evidence: it.evidence.clone(),
                    note: it.note.clone(),
                    met_without_evidence: it.state == ItemState::Met && it.evidence.is_empty(),
                })
        })
        .collect()
}
