//! `zhibiao explain`: every step of one indicator's score, with the actual numbers and the rule
//! text each step comes from, for someone who has never seen the rule file.
//!
//! An explanation lists the indicator's official text, the data it reads (with values), each
//! definition with its formula and values, the scoring form step by step (every tier with its
//! bounds and whether they include the bound, every year of a per-year rule, every sub-item with
//! its condition or judgement, owners and evidence), caps and the result, and what would earn
//! the next point. Values and verdicts come from the evaluator itself, so the explanation and the
//! score never disagree.

use crate::diag::{Span, line_col};
use crate::eval::Program;
use crate::eval::plan::ScopedRun;
use crate::eval::{self, Dim, Evaluation, IndicatorResult, ItemState, Status, Val};
use crate::gap::{self, EvidenceItem, NextPoint};
use crate::model::RuleSet;
use crate::number::{Num, plain};
use crate::submission::{InputValue, Submission};
use crate::syntax::ast::{self, ExprKind, How, Overlap, ScalarKind, ScoreForm};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write as _;

/// One indicator explained.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// Official number, as a string.
    pub id: String,
    /// Name.
    pub name: String,
    /// Category (一级指标).
    pub category: String,
    /// Group (二级指标).
    pub group: Option<String>,
    /// Declared points.
    pub max: String,
    /// Score.
    pub score: String,
    /// Scored, missing or error.
    pub status: Status,
    /// 变量性质.
    pub nature: Option<String>,
    /// 责任单位.
    pub owners: Vec<String>,
    /// 评估方式.
    pub method: Option<String>,
    /// 数据来源.
    pub sources: Vec<String>,
    /// The official rule text, verbatim.
    pub rule: Option<String>,
    /// Where the indicator is in the rule file.
    pub place: SourceRef,
    /// The data it reads, with values.
    pub inputs: Vec<InputShown>,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// The result in one sentence.
    pub result: String,
    /// The evaluator's own explanation lines (as in the report).
    pub lines: Vec<String>,
    /// The same steps as typed values (as the JSON report's `reasons`).
    pub reasons: Vec<eval::Reason>,
    /// What would earn the next point, for an indicator short of its points that reads data.
    pub next: Option<NextPoint>,
    /// The judged items of this indicator with their evidence.
    pub evidence: Vec<EvidenceItem>,
}

/// A value the indicator reads.
#[derive(Debug, Clone, Serialize)]
pub struct InputShown {
    /// The key in the submission.
    pub key: String,
    /// Its label.
    pub label: String,
    /// Its kind, in Chinese: 计数, 金额…
    pub kind: String,
    /// The value as people read it, or 未填报.
    pub value: String,
    /// Whether the submission gives it.
    pub given: bool,
    /// The reference file it came from, if any.
    pub from_reference: Option<String>,
}

/// One step of an explanation.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// What happens, with the numbers.
    pub text: String,
    /// The rule-file text it comes from.
    pub source: Option<SourceRef>,
    /// Its parts.
    pub children: Vec<Step>,
    /// Whether `text` already quotes the source line, which is then not shown again.
    #[serde(skip)]
    pub quotes_source: bool,
}

/// A place in the rule file and the text written there.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    /// The rule file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The text on that line from the place on, trimmed.
    pub text: String,
}

impl Step {
    fn leaf(text: impl Into<String>) -> Step {
        Step {
            text: text.into(),
            source: None,
            children: Vec::new(),
            quotes_source: false,
        }
    }

    fn at(mut self, rules: &RuleSet, span: Span) -> Step {
        self.source = Some(source_ref(rules, span));
        self
    }

    /// Marks the step's text as saying all its source line holds, which is then not shown.
    fn states_source(mut self) -> Step {
        self.quotes_source = true;
        self
    }

    /// A step that quotes the rule text at `span`: `{what}（规则原文）：…`.
    fn quoting(rules: &RuleSet, what: &str, span: Span) -> Step {
        let source = source_ref(rules, span);
        Step {
            text: format!("{what}（规则原文）：{}", source.text),
            source: Some(source),
            children: Vec::new(),
            quotes_source: true,
        }
    }
}

fn source_ref(rules: &RuleSet, span: Span) -> SourceRef {
    // Rules built from several files (`extends`): the line is counted in the file the span is in.
    let (file, span) = rules.place(span);
    let text: &str = rules
        .parts
        .iter()
        .find(|p| p.name == file)
        .map_or(&rules.text, |p| &p.text);
    let start = span.start.min(text.len());
    let (line, _) = line_col(text, start);
    let end = text
        .get(start..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| start + i);
    let end = end.min(span.end.max(start + 1)).max(start);
    let mut shown: String = text
        .get(start..end)
        .unwrap_or("")
        .trim()
        .chars()
        .take(160)
        .collect();
    let rest = text.get(end..span.end.min(text.len())).unwrap_or("");
    if !rest.trim().is_empty() && !shown.is_empty() {
        shown.push_str(" …");
    }
    SourceRef {
        file: file.to_string(),
        line,
        text: shown,
    }
}

fn kind_word(d: &ast::InputDecl) -> String {
    let k = match d.kind.value {
        ScalarKind::Count => "计数",
        ScalarKind::Money => "金额",
        ScalarKind::Percent => "百分比",
        ScalarKind::Decimal => "数值",
        ScalarKind::Bool => "是/否",
    };
    let mut s = k.to_string();
    if let Some(u) = &d.unit {
        s.push_str(&format!("（{}）", u.value));
    }
    if d.list {
        s = format!("列表，每项为{s}");
    }
    if d.yearly {
        s.push_str("，按年填报");
    }
    if d.optional {
        s.push_str("，可选");
    }
    s
}

fn shown_input(rules: &RuleSet, sub: &Submission, key: &str) -> InputShown {
    let decl = rules.input(key);
    let dim = decl.map_or(Dim::Plain, Dim::of_input);
    let value = match sub.values.get(key) {
        None => "未填报".to_string(),
        Some(InputValue::Num(d)) => crate::words::number(&Num::from(*d), &dim),
        Some(InputValue::Bool(b)) => if *b { "是" } else { "否" }.to_string(),
        Some(InputValue::Series(s)) => s
            .iter()
            .map(|(y, v)| format!("{y}年 {}", crate::words::number(&Num::from(*v), &dim)))
            .collect::<Vec<_>>()
            .join("；"),
        Some(InputValue::List(items)) => {
            let shown: Vec<String> = items
                .iter()
                .map(|v| crate::words::number(&Num::from(*v), &dim))
                .collect();
            format!("共 {} 项：{}", items.len(), shown.join("、"))
        }
    };
    InputShown {
        key: key.to_string(),
        label: decl.map_or(key.to_string(), |d| d.label.value.clone()),
        kind: decl.map(kind_word).unwrap_or_default(),
        value,
        given: sub.values.contains_key(key),
        from_reference: sub.from_reference.get(key).map(|f| f.to_string()),
    }
}

/// Explains one indicator. `None` when the rule set has no indicator `no`.
pub fn explain(rules: &Program, sub: &Submission, ev: &Evaluation, no: u32) -> Option<Explanation> {
    let (_, ind) = rules.indicators().find(|(_, i)| i.no.value == no)?;
    let res = ev.indicators.iter().find(|r| r.no == no)?;
    let inputs = gap::deps::compiled_reads(rules, ind)
        .into_iter()
        .map(|k| shown_input(rules, sub, k))
        .collect();
    let mut env = ScopedRun::new(rules.plan(), sub);
    let mut steps = Vec::new();
    let mut lets_ok = true;
    for l in &ind.lets {
        let label = l
            .label
            .as_ref()
            .map_or(l.name.value.clone(), |x| x.value.clone());
        let step = let_step(&mut env, rules, &label, l);
        steps.push(step);
        if env.push_let(l).is_err() {
            lets_ok = false;
            break;
        }
    }
    if lets_ok && let Some(form) = &ind.score {
        steps.push(form_step(&mut env, rules, ind, res, form));
    }
    if let Some(cap) = &ind.cap {
        steps.push(cap_step(&mut env, rules, ind, res, cap));
    }
    // The declared points and zero bound every indicator; the cap has its own step above.
    steps.extend(
        res.adjustments
            .iter()
            .filter(|a| !matches!(a.limit, eval::Limit::Cap(_)))
            .map(|a| Step::leaf(a.words())),
    );
    let result = match res.status {
        Status::Scored => format!(
            "得分：{} 分（满分 {} 分）",
            plain(res.score),
            plain(res.points)
        ),
        Status::Missing => res
            .reasons
            .iter()
            .rfind(|r| matches!(r, eval::Reason::MissingData { .. }))
            .map_or_else(|| "缺少数据，按 0 分计".into(), crate::words::reason),
        Status::Error => format!(
            "无法计分：{}，本指标按 0 分计",
            res.error_message().unwrap_or_default()
        ),
    };
    let next = gap::next_point(rules, sub, res);
    let evidence = gap::evidence(ev)
        .into_iter()
        .filter(|e| e.indicator == no)
        .collect();
    Some(Explanation {
        id: no.to_string(),
        name: res.name.clone(),
        category: res.category.clone(),
        group: res.group.clone(),
        max: plain(res.points),
        score: plain(res.score),
        status: res.status,
        nature: res.nature.clone(),
        owners: res.owners.clone(),
        method: res.method.clone(),
        sources: res.sources.clone(),
        rule: res.rule.clone(),
        place: source_ref(rules, ind.head_span),
        inputs,
        steps,
        result,
        lines: res.explanation(),
        reasons: res.reasons.clone(),
        next,
        evidence,
    })
}

fn let_step(env: &mut ScopedRun, rules: &RuleSet, label: &str, l: &ast::LetDecl) -> Step {
    let mut step = match &l.value.kind {
        ExprKind::CountWhere { var, list, cond } => {
            let mut children = Vec::new();
            let items = env.eval(list);
            if let Ok(Val::List(items, d)) = items {
                for (i, item) in items.iter().enumerate() {
                    let (held, text) = env.with_bound(&var.value, item.clone(), &d, |env| {
                        (env.bool_of(cond), crate::words::said(&env.said(cond)))
                    });
                    let verdict = match held {
                        Ok(Ok(true)) => "符合，计入",
                        Ok(Ok(false)) => "不符合，不计入",
                        _ => "无法判断",
                    };
                    children.push(Step::leaf(format!("第 {} 项：{text}，{verdict}", i + 1)));
                }
            }
            let value = env
                .eval(&l.value)
                .map(|v| v.show())
                .unwrap_or_else(|e| format!("（无法计算：{}）", crate::words::fault(&e.fault)));
            Step {
                text: format!(
                    "{label}：逐项检查{}，计数为 {value}",
                    short_label(rules, list)
                ),
                source: None,
                children,
                quotes_source: false,
            }
        }
        _ => Step::leaf(format!(
            "{label}：{}",
            crate::words::operand(&env.operand(&l.value))
        )),
    };
    step = step.at(rules, l.span);
    step
}

fn short_label(rules: &RuleSet, e: &ast::Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => rules
            .input(n)
            .map_or(n.clone(), |d| format!("“{}”", d.label.value)),
        _ => "列表".into(),
    }
}

fn bound_words(t: &ast::Tier, subject: &str) -> String {
    let lo =
        t.lo.as_ref()
            .map(|l| format!("{} {} ", l.text, if t.lo_inclusive { "≤" } else { "<" }));
    let hi =
        t.hi.as_ref()
            .map(|h| format!(" {} {}", if t.hi_inclusive { "≤" } else { "<" }, h.text));
    if let (Some(l), Some(h), true, true) = (&t.lo, &t.hi, t.lo_inclusive, t.hi_inclusive)
        && l.value == h.value
    {
        return format!(
            "{}（{subject} = {}）",
            crate::words::tier_interval(t),
            l.text
        );
    }
    let incl = match (&t.lo, &t.hi) {
        (Some(l), Some(h)) => format!(
            "，{}{}、{}{}",
            if t.lo_inclusive { "含 " } else { "不含 " },
            l.text,
            if t.hi_inclusive { "含 " } else { "不含 " },
            h.text
        ),
        (Some(l), None) => format!(
            "，{}{}，无上限",
            if t.lo_inclusive { "含 " } else { "不含 " },
            l.text
        ),
        (None, Some(h)) => format!(
            "，无下限，{}{}",
            if t.hi_inclusive { "含 " } else { "不含 " },
            h.text
        ),
        (None, None) => "，任何值".into(),
    };
    format!(
        "{}（{}{subject}{}{incl}）",
        crate::words::tier_interval(t),
        lo.unwrap_or_default(),
        hi.unwrap_or_default()
    )
}

fn subject_label(env: &ScopedRun, e: &ast::Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => env.label_of(n).unwrap_or_else(|| n.clone()),
        _ => "值".into(),
    }
}

fn form_step(
    env: &mut ScopedRun,
    rules: &RuleSet,
    ind: &ast::Indicator,
    res: &IndicatorResult,
    form: &ScoreForm,
) -> Step {
    let lines = env
        .form_score(ind, form)
        .map(|x| crate::words::reasons(&x.1));
    let outcome = |children: &mut Vec<Step>| {
        if let Some(lines) = &lines {
            for l in lines {
                children.push(Step::leaf(format!("结果：{l}")));
            }
        }
    };
    match form {
        ScoreForm::Tiers {
            subject,
            overlap,
            tiers,
            span,
        } => {
            let label = subject_label(env, subject);
            let value = env.eval(subject).ok();
            let policy = match overlap.as_ref().map(|o| o.value) {
                Some(Overlap::Higher) => "；值同时落在两档时取较高档",
                Some(Overlap::Lower) => "；值同时落在两档时取较低档",
                None => "",
            };
            let mut children = Vec::new();
            for t in tiers {
                let hit = match &value {
                    Some(Val::Num(n, d)) => match ScopedRun::in_tier(n, t, *span) {
                        Ok(true) => format!("✓ {} 在此档", crate::words::number(n, d)),
                        Ok(false) => format!("{} 不在此档", crate::words::number(n, d)),
                        Err(_) => String::new(),
                    },
                    _ => String::new(),
                };
                children.push(
                    Step::leaf(format!(
                        "{} → {} 分：{hit}",
                        bound_words(t, &label),
                        plain(t.points.value)
                    ))
                    .at(rules, t.span),
                );
            }
            outcome(&mut children);
            Step {
                text: format!("按“{label}”分档计分（共 {} 档{policy}）", tiers.len()),
                source: None,
                children,
                quotes_source: false,
            }
            .at(rules, *span)
        }
        ScoreForm::EachYear {
            range,
            award,
            cond,
            span,
            ..
        } => {
            let years = env.years(range).unwrap_or_default();
            let window = match (years.first(), years.last()) {
                (Some(a), Some(b)) if a != b => format!("{a}年至{b}年"),
                (Some(a), _) => format!("{a}年"),
                _ => "（年份无效）".into(),
            };
            let mut children = vec![Step::quoting(rules, "条件", cond.span)];
            outcome(&mut children);
            Step {
                text: format!(
                    "逐年判断 {window}（共 {} 年），每年符合条件得 {} 分，各年相加",
                    years.len(),
                    plain(award.value)
                ),
                source: None,
                children,
                quotes_source: false,
            }
            .at(rules, *span)
        }
        ScoreForm::Items { items, span } | ScoreForm::Any { items, span, .. } => {
            let any = match form {
                ScoreForm::Any { award, .. } => Some(award.value),
                _ => None,
            };
            let mut children = Vec::new();
            for it in items {
                let key = format!("{}.{}", ind.no.value, it.no.value);
                let r = res.items.iter().find(|x| x.key == key);
                let points = it
                    .points
                    .as_ref()
                    .map(|p| p.value)
                    .or(any)
                    .unwrap_or(Decimal::ZERO);
                let mut parts = Vec::new();
                match &it.how {
                    How::When(e) => {
                        parts.push(Step::quoting(rules, "按数据判断，条件", e.span));
                        if let Some(r) = r {
                            parts.push(Step::leaf(format!("代入数据：{}", r.detail())));
                        }
                    }
                    How::Judged(sp) => {
                        parts.push(Step::leaf("由专家评审认定").at(rules, *sp));
                        if let Some(r) = r {
                            parts.push(Step::leaf(format!("评审结论：{}", verdict_of(r))));
                            if let Some(n) = &r.note {
                                parts.push(Step::leaf(format!("备注：{n}")));
                            }
                            parts.push(Step::leaf(if r.evidence.is_empty() {
                                if r.state == ItemState::Met {
                                    "证据：未列出（已认定符合，但没有列出证据材料）".to_string()
                                } else {
                                    "证据：未列出".to_string()
                                }
                            } else {
                                format!("证据：{}", r.evidence.join("、"))
                            }));
                        }
                    }
                }
                if let Some(r) = r {
                    if !r.owners.is_empty() {
                        parts.push(Step::leaf(format!("责任单位：{}", r.owners.join("、"))));
                    }
                    parts.push(Step::leaf(match any {
                        Some(_) => format!("结果：{}", r.state.word()),
                        None => format!("结果：{}，得 {} 分", r.state.word(), plain(r.score)),
                    }));
                }
                let worth = match any {
                    Some(_) => String::new(),
                    None => format!("（{} 分）", plain(points)),
                };
                children.push(
                    Step {
                        text: format!("{key} {}{worth}", it.text.value),
                        source: None,
                        children: parts,
                        quotes_source: false,
                    }
                    .at(rules, it.span),
                );
            }
            if let Some(lines) = &lines
                && let Some(last) = lines.last().filter(|_| any.is_some())
            {
                children.push(Step::leaf(format!("结果：{last}")));
            }
            let text = match any {
                Some(a) => format!(
                    "共 {} 个子项，符合任一项即得 {} 分（多项符合不累加）",
                    items.len(),
                    plain(a)
                ),
                None => format!("共 {} 个子项，各子项得分相加", items.len()),
            };
            Step {
                text,
                source: None,
                children,
                quotes_source: false,
            }
            .at(rules, *span)
        }
        ScoreForm::Judged { span } => {
            let mut children = Vec::new();
            if let Some(r) = res.items.first() {
                children.push(Step::leaf(format!("评审结论：{}", verdict_of(r))));
                if let Some(n) = &r.note {
                    children.push(Step::leaf(format!("备注：{n}")));
                }
                children.push(Step::leaf(if r.evidence.is_empty() {
                    "证据：未列出".to_string()
                } else {
                    format!("证据：{}", r.evidence.join("、"))
                }));
            }
            Step {
                text: format!(
                    "整项由专家评审，在 0 至 {} 分之间评分（提交 \"{}\" = {{ score = … }}）",
                    plain(ind.points.value),
                    ind.no.value
                ),
                source: None,
                children,
                quotes_source: false,
            }
            .at(rules, *span)
        }
        ScoreForm::Max { forms, span } | ScoreForm::Sum { forms, span } => {
            let is_max = matches!(form, ScoreForm::Max { .. });
            let mut children = Vec::new();
            for f in forms {
                children.push(form_step(env, rules, ind, res, f));
            }
            if let Some(last) = lines.as_ref().and_then(|l| l.last()) {
                children.push(Step::leaf(format!("结果：{last}")));
            }
            Step {
                text: if is_max {
                    format!("以下 {} 种计法分别计分，取最高", forms.len())
                } else {
                    format!("以下 {} 部分分别计分，相加", forms.len())
                },
                source: None,
                children,
                quotes_source: false,
            }
            .at(rules, *span)
        }
        ScoreForm::Expr(e) => {
            let mut children = Vec::new();
            if let ExprKind::Script(s) = &e.kind {
                for (i, line) in s.code.lines().filter(|l| !l.trim().is_empty()).enumerate() {
                    if i >= 40 {
                        children.push(Step::leaf("…"));
                        break;
                    }
                    children.push(Step::leaf(format!("脚本：{}", line.trim_end())));
                }
                let shown = env
                    .eval(e)
                    .map(|v| v.show())
                    .unwrap_or_else(|err| format!("（出错：{}）", crate::words::fault(&err.fault)));
                children.push(Step::leaf(format!("脚本返回 {shown}")));
            }
            outcome(&mut children);
            let text = match &e.kind {
                ExprKind::Script(_) => "由规则文件中的脚本计分".to_string(),
                _ => format!("按公式计分：{}", crate::words::operand(&env.operand(e))),
            };
            Step {
                text,
                source: None,
                children,
                quotes_source: false,
            }
            .at(rules, e.span)
        }
    }
}

/// A judgement's verdict without the evidence and note, which have lines of their own.
fn verdict_of(r: &crate::eval::ItemResult) -> String {
    match &r.why {
        Some(eval::ItemWhy::Judgement { verdict, .. }) => crate::words::judged_as(verdict),
        Some(why) => crate::words::item_why(why, r.state),
        None => r.detail(),
    }
}

fn cap_step(
    env: &mut ScopedRun,
    rules: &RuleSet,
    ind: &ast::Indicator,
    res: &IndicatorResult,
    cap: &ast::Spanned<Decimal>,
) -> Step {
    let applied = res
        .adjustments
        .iter()
        .find(|a| matches!(a.limit, eval::Limit::Cap(_)))
        .map(eval::Adjusted::words);
    let raw = ind
        .score
        .as_ref()
        .and_then(|f| env.form_score(ind, f))
        .map(|x| x.0);
    let text = match (applied, raw) {
        (Some(line), _) => format!("封顶：{line}"),
        (None, Some(raw)) => format!(
            "封顶：最高不超过 {} 分；合计 {} 分，未超过，不作调整",
            plain(cap.value),
            crate::number::display(&raw, 4, Decimal::ONE, false)
        ),
        (None, None) => format!("封顶：最高不超过 {} 分", plain(cap.value)),
    };
    // The text states all the rule text holds here (the cap's number).
    Step::leaf(text).at(rules, cap.span).states_source()
}

/// Explanations as Chinese text.
pub fn to_text(list: &[Explanation]) -> String {
    let mut o = String::new();
    for (i, e) in list.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(o);
            let _ = writeln!(o, "{}", "─".repeat(40));
            let _ = writeln!(o);
        }
        write_one(&mut o, e);
    }
    o
}

fn write_one(o: &mut String, e: &Explanation) {
    let group = e
        .group
        .as_ref()
        .map(|g| format!(" / {g}"))
        .unwrap_or_default();
    let nature = e
        .nature
        .as_ref()
        .map(|n| format!("，{n}"))
        .unwrap_or_default();
    let _ = writeln!(o, "指标 {}　{}", e.id, e.name);
    let _ = writeln!(
        o,
        "所属：{}{group}；分值 {} 分{nature}；得分 {} 分",
        e.category, e.max, e.score
    );
    if !e.owners.is_empty() {
        let _ = writeln!(o, "责任单位：{}", e.owners.join("、"));
    }
    if let Some(m) = &e.method {
        let _ = writeln!(o, "评估方式：{m}");
    }
    if !e.sources.is_empty() {
        let _ = writeln!(o, "数据来源：{}", e.sources.join("、"));
    }
    if let Some(r) = &e.rule {
        let _ = writeln!(o, "指标说明（原文）：{r}");
    }
    let _ = writeln!(o, "规则位置：{} 第 {} 行", e.place.file, e.place.line);
    if !e.inputs.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "用到的数据：");
        for i in &e.inputs {
            let from = i
                .from_reference
                .as_ref()
                .map(|f| format!("（来自参照文件 {f}）"))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  - {}〔{}，{}〕：{}{from}",
                i.label, i.key, i.kind, i.value
            );
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "计算步骤：");
    for (n, s) in e.steps.iter().enumerate() {
        write_step(o, s, 1, Some(n + 1), None);
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{}", e.result);
    if let Some(next) = &e.next {
        let _ = writeln!(o);
        let _ = writeln!(o, "再得分需要什么（每次只改变一项数据，已重新计分验证）：");
        for s in &next.suggestions {
            let _ = writeln!(o, "  - {}", s.text);
        }
        if let Some(none) = &next.none {
            let _ = writeln!(o, "  - {none}");
        }
        if let Some(left) = &next.unsearched {
            let _ = writeln!(o, "  - {left}");
        }
    }
}

/// Writes a step and its parts; a source line already shown by the parent is not repeated.
fn write_step(
    o: &mut String,
    s: &Step,
    depth: usize,
    number: Option<usize>,
    parent: Option<usize>,
) {
    let indent = "  ".repeat(depth);
    let head = number
        .map(|n| format!("{n}. "))
        .unwrap_or_else(|| "· ".into());
    let _ = writeln!(o, "{indent}{head}{}", s.text);
    let line = s.source.as_ref().map(|src| src.line);
    if let Some(src) = s.source.as_ref().filter(|src| Some(src.line) != parent)
        && !s.quotes_source
    {
        let _ = writeln!(o, "{indent}   〔规则第 {} 行：{}〕", src.line, src.text);
    }
    for c in &s.children {
        write_step(o, c, depth + 1, None, line.or(parent));
    }
}
