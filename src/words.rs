//! The words of an evaluation: the one place where what scoring found ([`crate::eval::reason`])
//! becomes Chinese — the explanation lines of a report, an item's reasons, a condition with its
//! values. Nothing here decides anything; everything here is made from typed values, so code that
//! decides reads those values and a wording changes here alone.

use crate::eval::budget::{MAX_WORK, MAX_YEARS, OverBudget, SCRIPT_WORK};
use crate::eval::fault::{Fault, RuleLine, ValKind};
use crate::eval::reason::{
    Formula, FunctionBody, Interval, ItemWhy, JudgedAs, Needed, Operand, Reason, Relation, Said,
    ShortLabel, Shown, YearReason,
};
use crate::eval::{
    Adjusted, CheckFailure, CheckWhy, ConditionResult, Dim, EvalError, IndicatorResult, ItemResult,
    ItemState, Limit, Measured, MetricValue, MissingRef, Piece, Val,
};
use crate::model::RuleSet;
use crate::number::{Num, display, plain};
use rust_decimal::Decimal;
use serde::Serialize;
use std::cmp::Ordering;

impl IndicatorResult {
    /// The reasons in Chinese, one line per step, as reports show them (empty where scoring
    /// did not explain).
    pub fn explanation(&self) -> Vec<String> {
        reasons(&self.reasons)
    }
}

impl IndicatorResult {
    /// The rule problem, for status error: `除数为零：… 为 0（规则文件第 7 行）`.
    pub fn error_message(&self) -> Option<String> {
        self.error.as_ref().map(eval_error)
    }
}

impl CheckFailure {
    /// What failed: the rule file's message (with its values), or that the check could not be
    /// computed.
    pub fn message(&self) -> String {
        match &self.why {
            CheckWhy::Failed { message, .. } | CheckWhy::NotACondition { message } => message
                .iter()
                .map(|p| match p {
                    Piece::Text { text } => text.clone(),
                    Piece::Value { value } => shown(value),
                })
                .collect(),
            CheckWhy::Uncomputable { at, error } => {
                format!(
                    "{}的数据校验无法计算：{}",
                    rule_line(at),
                    fault(&error.fault)
                )
            }
        }
    }

    /// The numbers, or what to do.
    pub fn detail(&self) -> String {
        match &self.why {
            CheckWhy::Failed {
                year: Some(y),
                condition,
                ..
            } => format!("{y}年：{}", said(condition)),
            CheckWhy::Failed { condition, .. } => said(condition),
            CheckWhy::NotACondition { .. } => "校验条件没有得出“是/否”".to_string(),
            CheckWhy::Uncomputable { .. } => "这是规则文件的问题，请联系规则维护人员".to_string(),
        }
    }
}

impl ItemResult {
    /// Why, with the numbers, in Chinese (empty where scoring did not explain).
    pub fn detail(&self) -> String {
        self.why
            .as_ref()
            .map(|w| item_why(w, self.state))
            .unwrap_or_default()
    }
}

impl ItemState {
    /// The Chinese word for the state.
    pub fn word(self) -> &'static str {
        item_state(self)
    }
}

impl Adjusted {
    /// The explanation's line for it.
    pub fn words(&self) -> String {
        limited(self.limit, &self.sum)
    }
}

/// A missing input by its label: `网上零售额（2022年）`.
pub fn missing_label(rules: &RuleSet, m: &MissingRef) -> String {
    needed(&crate::eval::needed(rules, m))
}

/// A tier's interval as the rule file writes it: `[8%, 15%]`, `[15%, +∞)`.
pub fn tier_interval(t: &crate::syntax::ast::Tier) -> String {
    interval(&crate::eval::interval_of(t))
}

/// Shows a number in its dimension: `12.5%`, `92,000万元`, `1,500户`.
pub fn number(n: &Num, dim: &Dim) -> String {
    match dim {
        Dim::Percent => format!("{}%", display(n, 2, Decimal::ONE_HUNDRED, false)),
        Dim::Money { factor, unit } => {
            let in_unit = n
                .clone()
                .div(Num::from(*factor))
                .unwrap_or_else(|_| n.clone());
            format!("{}{unit}", display(&in_unit, 4, Decimal::ONE, true))
        }
        Dim::Unit(u) => format!("{}{u}", display(n, 4, Decimal::ONE, true)),
        Dim::Plain => display(n, 4, Decimal::ONE, true),
    }
}

impl Val {
    /// The value shown for people.
    pub fn show(&self) -> String {
        match self {
            Val::Num(n, d) => number(n, d),
            Val::Bool(true) => "是".into(),
            Val::Bool(false) => "否".into(),
            Val::Series(_) => "（按年数据）".into(),
            Val::List(items, d) => {
                let shown: Vec<String> = items.iter().take(8).map(|n| number(n, d)).collect();
                let more = if items.len() > 8 {
                    format!(" 等共 {} 项", items.len())
                } else {
                    String::new()
                };
                format!("[{}]{more}", shown.join("、"))
            }
            Val::Missing(_) => "未填报".into(),
        }
    }
}

/// Points as reports show them: up to four decimal places, `约` where rounded.
pub fn points(n: &Num) -> String {
    display(n, 4, Decimal::ONE, false)
}

/// A sub-item's state: `符合`, `不符合`, `未提交`, `缺少数据`.
pub fn item_state(s: ItemState) -> &'static str {
    match s {
        ItemState::Met => "符合",
        ItemState::NotMet => "不符合",
        ItemState::NotSubmitted => "未提交",
        ItemState::Missing => "缺少数据",
    }
}

/// A missing piece of data: `网上零售额（2022年）`.
pub fn needed(n: &Needed) -> String {
    match n.year {
        Some(y) => format!("{}（{y}年）", n.label),
        None => n.label.clone(),
    }
}

fn needed_list(ns: &[Needed]) -> String {
    ns.iter().map(needed).collect::<Vec<_>>().join("、")
}

/// A tier's interval as written: `[8%, 15%]`, `[15%, +∞)`.
pub fn interval(i: &Interval) -> String {
    let lo = i.lo.as_deref().unwrap_or("-∞");
    let hi = i.hi.as_deref().unwrap_or("+∞");
    format!(
        "{}{lo}, {hi}{}",
        if i.lo_inclusive && i.lo.is_some() {
            "["
        } else {
            "("
        },
        if i.hi_inclusive && i.hi.is_some() {
            "]"
        } else {
            ")"
        }
    )
}

/// What an operand came to: its value, or why it has none.
pub fn shown(s: &Shown) -> String {
    match s {
        Shown::Value { value } => value.show(),
        Shown::Failed { fault: f } => format!("（无法计算：{}）", fault(f)),
    }
}

/// A condition with its values: `网络交易经营者数量 1,500户 ≤ 市场主体数量 12,000户`.
pub fn said(s: &Said) -> String {
    match s {
        Said::Compare {
            left,
            relation,
            right,
        } => {
            let symbol = match relation {
                Relation::Stated { op } => op.symbol(),
                Relation::Actual { ord } => match ord {
                    Ordering::Less => "<",
                    Ordering::Equal => "=",
                    Ordering::Greater => ">",
                },
                Relation::Unknown => "?",
            };
            format!("{} {symbol} {}", operand(left), operand(right))
        }
        Said::And { left, right } => format!("{}，且 {}", said(left), said(right)),
        Said::Or { left, right } => format!("{}，或 {}", said(left), said(right)),
        Said::Not { value } => format!("并非 {}", operand(value)),
        Said::Value { value } => operand(value),
    }
}

/// A value with its label or its formula: `市场主体数量 12,000户`.
pub fn operand(o: &Operand) -> String {
    match o {
        Operand::Literal { text } => text.clone(),
        Operand::Year { value } => format!("{}年", shown(value)),
        Operand::Name { label, value, .. } => match label {
            Some(label) => format!("{label} {}", shown(value)),
            None => shown(value),
        },
        Operand::Yearly {
            label, year, value, ..
        } => {
            format!("{label}{} {}", year_suffix(*year), shown(value))
        }
        Operand::AtYear { base, year, value } => {
            format!("{}{} {}", operand(base), year_suffix(*year), shown(value))
        }
        Operand::Builtin { name, args, value } => {
            let parts: Vec<String> = args.iter().map(formula).collect();
            match name.as_str() {
                "abs" => format!("｜{}｜ = {}", parts.join("，"), shown(value)),
                _ => format!("{name}（{}） = {}", parts.join("，"), shown(value)),
            }
        }
        Operand::Function {
            label,
            year,
            body,
            value,
            ..
        } => {
            let year = year
                .map(|y| format!("（{}年）", plain(y)))
                .unwrap_or_default();
            match body {
                FunctionBody::Formula { formula } => {
                    format!("{label}{year} = {}", operand(formula))
                }
                FunctionBody::Chosen { choice } => format!("{label}{year} {}", operand(choice)),
                FunctionBody::Plain => format!("{label}{year} {}", shown(value)),
            }
        }
        Operand::Arith { formula: f, value } => format!("{} = {}", formula(f), shown(value)),
        Operand::Coalesce {
            given,
            fallback,
            value,
        } => match fallback {
            Some(b) => format!(
                "{}（{}未填报，按公式计算：{}）",
                shown(value),
                short_label(given),
                operand(b)
            ),
            None => format!("{}（取{}）", shown(value), short_label(given)),
        },
        Operand::CountWhere { list, value } => {
            format!("{}中符合条件的 {} 项", short_label(list), shown(value))
        }
        Operand::Other { value } => shown(value),
    }
}

fn year_suffix(year: Option<i32>) -> String {
    year.map(|y| format!("（{y}年）")).unwrap_or_default()
}

/// A formula with its values and no intermediate results:
/// `网上零售额（2024年） 92,000万元 ÷ 网上零售额（2023年） 74,500万元 - 1`.
pub fn formula(f: &Formula) -> String {
    match f {
        Formula::Op {
            op,
            left,
            right,
            left_grouped,
            right_grouped,
        } => {
            let side = |f: &Formula, grouped: bool| {
                if grouped {
                    format!("（{}）", formula(f))
                } else {
                    formula(f)
                }
            };
            format!(
                "{} {} {}",
                side(left, *left_grouped),
                op.symbol(),
                side(right, *right_grouped)
            )
        }
        Formula::Operand { operand: o } => operand(o),
    }
}

/// A value named briefly: `网上零售额（2023年）`, `该值`.
pub fn short_label(l: &ShortLabel) -> String {
    match l {
        ShortLabel::Name { label } => label.clone(),
        ShortLabel::AtYear { base, year } => format!("{}{}", short_label(base), year_suffix(*year)),
        ShortLabel::It => "该值".into(),
    }
}

/// What a judgement says, without its evidence and note: `评审认定符合`.
pub fn judged_as(j: &JudgedAs) -> String {
    match j {
        JudgedAs::NotSubmitted => "未提交评审结论，按不符合计".to_string(),
        JudgedAs::Scored { score, of } => {
            format!("专家评分 {} 分（满分 {} 分）", plain(*score), plain(*of))
        }
        JudgedAs::Met => "评审认定符合".to_string(),
        JudgedAs::NotMet => "评审认定不符合".to_string(),
    }
}

/// Why an item came out as it did, with the numbers: its condition with values, or the
/// judgement with its evidence and note.
pub fn item_why(why: &ItemWhy, state: ItemState) -> String {
    match why {
        ItemWhy::Condition { condition } => said(condition),
        ItemWhy::Judgement {
            verdict,
            evidence,
            note,
        } => {
            let mut out = judged_as(verdict);
            if *verdict != JudgedAs::NotSubmitted {
                if !evidence.is_empty() {
                    out.push_str(&format!("；证据：{}", evidence.join("、")));
                } else if state == ItemState::Met {
                    out.push_str("；未列出证据材料");
                }
                if let Some(n) = note {
                    out.push_str(&format!("；备注：{n}"));
                }
            }
            out
        }
    }
}

/// A limit that changed a sum: `合计 5 分，最高不超过 4 分，按 4 分计`.
pub fn limited(limit: Limit, sum: &Num) -> String {
    match limit {
        Limit::Cap(cap) => format!(
            "合计 {} 分，最高不超过 {} 分，按 {} 分计",
            points(sum),
            plain(cap),
            plain(cap)
        ),
        Limit::Points(p) => format!(
            "合计 {} 分，超过本指标分值 {} 分，按 {} 分计",
            points(sum),
            plain(p),
            plain(p)
        ),
        Limit::Zero => format!("得分 {} 为负，按 0 分计", points(sum)),
    }
}

/// One step of an indicator's scoring as the report's explanation line.
pub fn reason(r: &Reason) -> String {
    match r {
        Reason::TierSubjectMissing { subject } => {
            format!("{}：缺少数据，无法分档", operand(subject))
        }
        Reason::NoTier { subject, tiers } => {
            let shown: Vec<String> = tiers.iter().map(interval).collect();
            format!(
                "{}，未落入任何分档（{}），得 0 分",
                operand(subject),
                shown.join("、")
            )
        }
        Reason::Tier {
            subject,
            tier,
            points,
        } => format!(
            "{}，位于 {}，得 {} 分",
            operand(subject),
            interval(tier),
            plain(*points)
        ),
        Reason::Overlap {
            subject,
            tiers,
            higher,
            points,
        } => {
            let shown: Vec<String> = tiers.iter().map(interval).collect();
            format!(
                "{}，同时位于 {}，按{}档计，得 {} 分",
                operand(subject),
                shown.join(" 和 "),
                if *higher { "较高" } else { "较低" },
                plain(*points)
            )
        }
        Reason::Year { year, outcome } => match outcome {
            YearReason::Met { condition, award } => {
                format!(
                    "{year}年：{}，符合，得 {} 分",
                    said(condition),
                    plain(*award)
                )
            }
            YearReason::NotMet { condition } => {
                format!("{year}年：{}，不符合，不得分", said(condition))
            }
            YearReason::Missing { needed } => {
                format!("{year}年：缺少 {}，无法判断", needed_list(needed))
            }
        },
        Reason::Item {
            no,
            text,
            points,
            state,
            why,
        } => {
            let worth = points
                .map(|p| format!("（{}分）", plain(p)))
                .unwrap_or_default();
            format!(
                "{no}. {text}{worth}：{}——{}",
                item_state(*state),
                item_why(why, *state)
            )
        }
        Reason::AnyMet { first, award } => {
            format!("符合第 {first} 项，符合一项即可得 {} 分", plain(*award))
        }
        Reason::AnyNone => "各项均不符合，得 0 分".to_string(),
        Reason::Judged { state, why, score } => format!(
            "专家评审：{}——{}，得 {} 分",
            item_state(*state),
            item_why(why, *state),
            plain(*score)
        ),
        Reason::Part { step } => format!("· {}", reason(step)),
        Reason::Best { parts, best } => {
            let shown: Vec<String> = parts.iter().map(points).collect();
            format!("各项得分 {}，取最高 {} 分", shown.join("、"), points(best))
        }
        Reason::Total { parts, total } => {
            let shown: Vec<String> = parts.iter().map(points).collect();
            format!("各项得分 {} 合计 {} 分", shown.join(" + "), points(total))
        }
        Reason::Formula { formula: f, score } => format!("{} = {} 分", formula(f), points(score)),
        Reason::Value { value, score } => format!("{}，得 {} 分", operand(value), points(score)),
        Reason::ValueMissing { value } => format!("{}：缺少数据", operand(value)),
        Reason::Limited { limit, sum } => limited(*limit, sum),
        Reason::MissingData { needed, partial } => format!(
            "缺少数据：{}。本指标按 0 分计（已有数据部分可得 {} 分，补齐后重新评估）",
            needed_list(needed),
            plain(*partial)
        ),
        Reason::Failed { error } => format!("无法计分：{}，本指标按 0 分计", eval_error(error)),
    }
}

/// The explanation lines of an indicator, one per step.
pub fn reasons(rs: &[Reason]) -> Vec<String> {
    rs.iter().map(reason).collect()
}

/// A value's kind: `数值`, `是/否`, `按年数据`, `列表`, `缺失值`.
pub fn val_kind(k: ValKind) -> &'static str {
    match k {
        ValKind::Number => "数值",
        ValKind::Bool => "是/否",
        ValKind::Series => "按年数据",
        ValKind::List => "列表",
        ValKind::Missing => "缺失值",
    }
}

/// A line of the rule files: `规则文件第 7 行`, or for rules built from several files
/// `规则文件 rules/x/2025.zb 第 7 行`.
pub fn rule_line(at: &RuleLine) -> String {
    match &at.file {
        Some(file) => format!("规则文件 {file} 第 {} 行", at.line),
        None => format!("规则文件第 {} 行", at.line),
    }
}

/// A rule problem found while evaluating, without the line it is on (unless it names its own).
pub fn fault(f: &Fault) -> String {
    let k = |k: &ValKind| val_kind(*k);
    match f {
        Fault::Undeclared { name } => format!("未声明的名称“{name}”"),
        Fault::NotANumber { found } => format!("这里需要数值，得到的是{}", k(found)),
        Fault::YearOutOfRange => "年份超出范围".to_string(),
        Fault::YearNotInteger => "年份必须是整数".to_string(),
        Fault::NotAYear => "这里需要年份".to_string(),
        Fault::BadYearRange { from, to } => {
            format!("年份范围 {from}..{to} 无效（起始年不能晚于结束年，最多 50 年）")
        }
        Fault::NotACondition { found } => {
            format!("这里需要“是/否”的条件，得到的是{}", k(found))
        }
        Fault::NotYearly { found } => {
            format!("只有按年填报的数据才能用 [年份] 取值，这里是{}", k(found))
        }
        Fault::DivisionByZero { divisor } => format!("除数为零：{} 为 0", operand(divisor)),
        Fault::Arithmetic { error } => error.to_string(),
        Fault::Incomparable { left, right } => format!("无法比较{}和{}", k(left), k(right)),
        Fault::CountNeedsList { found } => format!("count 需要列表，这里是{}", k(found)),
        Fault::TooDeep => format!("函数调用超过 {} 层", crate::eval::MAX_DEPTH),
        Fault::Arity { name, params } => format!("函数“{name}”需要 {params} 个参数"),
        Fault::BuiltinNeedsNumber { name, found } => {
            format!("{name} 需要数值，得到的是{}", k(found))
        }
        Fault::BuiltinNeedsArgument { name } => format!("{name} 至少需要一个参数"),
        Fault::BuiltinBadArguments { name } => format!("函数“{name}”的参数不对"),
        Fault::ScriptReturned { at, type_name } => format!(
            "脚本（{}）返回了{type_name}，应返回数值或是/否",
            rule_line(at)
        ),
        Fault::Script { at, message } => format!("脚本出错（{}）：{message}", rule_line(at)),
        Fault::NoScoringForm => "没有计分方式".to_string(),
        Fault::OverBudget { estimate } => estimate.message(),
        Fault::TierNeedsNumber { found } => format!("分档需要数值，这里是{}", k(found)),
        Fault::Overlap { subject, tiers } => {
            let shown: Vec<String> = tiers.iter().map(interval).collect();
            format!(
                "{} 同时落在 {}，规则没有写明取哪一档（overlap higher 或 overlap lower）",
                operand(subject),
                shown.join(" 和 ")
            )
        }
        Fault::ScoreNotANumber { found } => {
            format!("计分表达式应得出分数，这里得出{}", k(found))
        }
    }
}

/// A rule problem with the line of the rule file it is on: `除数为零：… 为 0（规则文件第 7 行）`.
pub fn eval_error(e: &EvalError) -> String {
    match &e.line {
        Some(at) if !e.fault.placed() => format!("{}（{}）", fault(&e.fault), rule_line(at)),
        _ => fault(&e.fault),
    }
}

/// The words of an indicator over the work budget (`zhibiao lint` ZB109 and the scoring error).
impl OverBudget {
    /// What to tell the user, in Chinese.
    pub fn message(&self) -> String {
        format!(
            "这个指标的计算量过大：按最坏情况（{}）估计需要{}，超过上限 {} 步，未予计算。{}",
            Self::assumptions(),
            self.estimate(),
            Self::limit(),
            Self::advice()
        )
    }

    /// The estimate in words: `约 N 步`, or `无法估量` when it has no bound.
    pub fn estimate(&self) -> String {
        if self.work == u64::MAX {
            "无法估量".to_string()
        } else {
            format!("约 {} 步", grouped(self.work))
        }
    }

    /// The limit, [`MAX_WORK`], as written for people (`1,000,000`).
    pub fn limit() -> String {
        grouped(MAX_WORK)
    }

    /// What the estimate assumes, in words.
    pub fn assumptions() -> String {
        format!(
            "列表 {} 项、年份范围 {} 年、每个脚本 {} 步",
            grouped(crate::submission::MAX_LIST_LEN as u64),
            MAX_YEARS,
            grouped(SCRIPT_WORK)
        )
    }

    /// How to bring an indicator under the bound, in words.
    pub fn advice() -> &'static str {
        "多层嵌套的 count、all/any 和层层调用的函数会成倍增加计算量，请减少嵌套或把中间结果写成 let"
    }
}

fn grouped(n: u64) -> String {
    crate::number::grouped(Decimal::from(n))
}

/// `Shown` in JSON: the value for programs next to the value as reports word it (see
/// [`Shown`]).
impl Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        match self {
            Shown::Value { value } => {
                m.serialize_entry("kind", "value")?;
                match value {
                    Val::Num(n, _) => {
                        m.serialize_entry(
                            "value",
                            &crate::eval::reason::exact_or_rounded(n).to_string(),
                        )?;
                        if n.exact_decimal().is_none() {
                            m.serialize_entry("exact", &false)?;
                        }
                    }
                    Val::Bool(b) => m.serialize_entry("value", b)?,
                    Val::Series(key) => m.serialize_entry("series", &**key)?,
                    Val::List(items, _) => {
                        let items: Vec<String> = items
                            .iter()
                            .map(|n| crate::eval::reason::exact_or_rounded(n).to_string())
                            .collect();
                        m.serialize_entry("value", &items)?;
                    }
                    Val::Missing(needed) => m.serialize_entry("missing", needed)?,
                }
                m.serialize_entry("shown", &value.show())?;
            }
            Shown::Failed { fault } => {
                m.serialize_entry("kind", "failed")?;
                m.serialize_entry("fault", fault)?;
            }
        }
        m.end()
    }
}

/// A pass condition as reports word it: `总分 >= 85`, `每个一级指标得分率 >= 75%`.
pub fn condition(cond: &crate::syntax::ast::PassCond) -> String {
    use crate::syntax::ast::{Metric, PassSubject};
    let what = |m: &Metric| {
        if *m == Metric::Rate {
            "得分率"
        } else {
            "得分"
        }
    };
    let (op, v) = (cond.op.symbol(), &cond.value.text);
    match &cond.subject {
        PassSubject::Total => format!("总分 {op} {v}"),
        PassSubject::Every(m) => format!("每个一级指标{} {op} {v}", what(m)),
        PassSubject::Category(name, m) => {
            format!("一级指标“{}”{} {op} {v}", name.value, what(m))
        }
    }
}

impl ConditionResult {
    /// The condition as people read it: `总分 >= 85`.
    pub fn text(&self) -> String {
        condition(&self.condition)
    }

    /// The numbers it was decided on: `总分 86`, `电商发展 80.00%，…`.
    pub fn detail(&self) -> String {
        match &self.measured {
            Measured::Total(total) => format!("总分 {}", plain(*total)),
            Measured::NoSuchCategory => "没有这个一级指标".into(),
            Measured::Categories(cats) => cats
                .iter()
                .map(|c| {
                    let shown = match &c.value {
                        MetricValue::Rate(r) => {
                            r.as_ref().map_or("—".into(), crate::number::percent_fixed)
                        }
                        MetricValue::Score(s) => format!("{}分", plain(*s)),
                    };
                    format!("{} {shown}", c.name)
                })
                .collect::<Vec<_>>()
                .join("，"),
        }
    }
}

/// A pass condition's JSON: its words and whether it holds.
impl Serialize for ConditionResult {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ConditionResult", 4)?;
        st.serialize_field("text", &self.text())?;
        st.serialize_field("held", &self.held)?;
        st.serialize_field("detail", &self.detail())?;
        st.serialize_field("failing", &self.failing)?;
        st.end()
    }
}
