//! The index document model: every category and indicator of a rule set with its official text,
//! and a plain Chinese statement of how it is scored, derived from the rule itself.

use crate::model::RuleSet;
use crate::number::plain;
use crate::syntax::ast::{
    self, Basis, CmpOp, ExprKind, How, Literal, Overlap, ScoreForm, Tier, YearRange,
};
use rust_decimal::Decimal;

/// The whole index, ready to be laid out.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexDoc {
    /// The rule set's title.
    pub title: String,
    /// The rule set id.
    pub id: String,
    /// The version.
    pub version: String,
    /// `effective` date, if any.
    pub effective: Option<String>,
    /// `until` date, if any.
    pub until: Option<String>,
    /// The source document.
    pub source: Option<String>,
    /// Declared total points.
    pub points: Option<Decimal>,
    /// The pass rule, one condition a line (all must hold).
    pub pass: Vec<String>,
    /// How category scores are capped and rates taken.
    pub basis: Vec<String>,
    /// What a category's score is capped at, in typed form (the first line of `basis`).
    pub category_cap: Basis,
    /// The header's `// 解读` notes.
    pub notes: Vec<String>,
    /// Categories in file order.
    pub categories: Vec<CategoryDoc>,
}

/// One category (一级指标).
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryDoc {
    /// The name.
    pub name: String,
    /// Declared points.
    pub points: Decimal,
    /// Sum of its indicators' points.
    pub indicator_points: Decimal,
    /// Its indicators in file order.
    pub indicators: Vec<IndicatorDoc>,
}

/// One indicator (三级指标).
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorDoc {
    /// The official number.
    pub no: u32,
    /// The name.
    pub name: String,
    /// Declared points.
    pub points: Decimal,
    /// The category it belongs to.
    pub category: String,
    /// The group (二级指标), if any.
    pub group: Option<String>,
    /// 变量性质.
    pub nature: Option<String>,
    /// The official rule text, verbatim.
    pub rule: Option<String>,
    /// 评估方式.
    pub method: Option<String>,
    /// 数据或资料来源.
    pub sources: Vec<String>,
    /// 责任单位.
    pub owners: Vec<String>,
    /// The rule file's `// 解读` notes for this indicator.
    pub notes: Vec<String>,
    /// How it is scored.
    pub scoring: Option<Scoring>,
    /// `cap N`.
    pub cap: Option<Decimal>,
}

/// How an indicator (or a part of it) is scored, in typed form.
#[derive(Debug, Clone, PartialEq)]
pub enum Scoring {
    /// A tier table over a subject.
    Tiers {
        /// What is placed in a tier, in words: `网络交易经营者占比 = 网络交易经营者数量 ÷ 市场主体数量`.
        subject: String,
        /// When the subject counts the entries of a list that meet a comparison (`count(s in
        /// sales where s > 3亿元)`), that comparison, its left side being “该项”.
        counts: Option<Comparison>,
        /// Which tier a value in two tiers gets.
        overlap: Option<Overlap>,
        /// The tiers in file order.
        rows: Vec<TierRow>,
    },
    /// Points for each year a condition holds.
    EachYear {
        /// The years, in words: `Y-1 至 Y 年`.
        years: String,
        /// The first and last year as offsets from the evaluation year Y (`Y-1` is -1), when the
        /// rule writes them so.
        offsets: Option<(i64, i64)>,
        /// Points per year.
        award: Decimal,
        /// The condition, in words.
        condition: String,
        /// The condition as the comparisons that must all hold (empty when it is not one).
        all_of: Vec<Comparison>,
    },
    /// Sub-items whose points are summed.
    Items(Vec<ItemDoc>),
    /// The award when any sub-item is met.
    Any {
        /// Points when any item is met.
        award: Decimal,
        /// The items.
        items: Vec<ItemDoc>,
    },
    /// Experts score the whole indicator.
    Judged {
        /// The judgement key.
        key: String,
        /// The most points.
        max: Decimal,
    },
    /// The best of several ways.
    Best(Vec<Scoring>),
    /// The sum of several ways.
    Sum(Vec<Scoring>),
    /// A formula that yields the points.
    Formula {
        /// The formula in words: `销售额超过5千万元的家数 × 0.5`.
        words: String,
        /// For `subject × points`: the points per unit of the subject.
        each: Option<Decimal>,
        /// When the subject counts the entries of a list that meet a comparison, that comparison.
        counts: Option<Comparison>,
        /// For `subject × points` where the subject is a count input with a unit: the subject
        /// and its unit, so that the statement reads `…，每项得 1 分`.
        per_unit: Option<PerUnit>,
    },
}

/// A count input as what is counted, and its unit (`项`, `户`).
#[derive(Debug, Clone, PartialEq)]
pub struct PerUnit {
    /// What is counted, in words: the input's label.
    pub subject: String,
    /// The unit it is counted in.
    pub unit: String,
}

/// One comparison a condition states, in typed form: `左边 op 右边`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The left side in words.
    pub left: String,
    /// The operator.
    pub op: CmpOp,
    /// The right side in words.
    pub right: String,
    /// The right side's exact value, when the rule writes a number there (`95%`, `3亿元`).
    pub value: Option<Decimal>,
}

/// One tier row with its bounds spelled out.
#[derive(Debug, Clone, PartialEq)]
pub struct TierRow {
    /// The lower bound, if any.
    pub lo: Option<Bound>,
    /// The upper bound, if any.
    pub hi: Option<Bound>,
    /// Points for a value in the tier.
    pub points: Decimal,
    /// The row in words: `8%（含）至 15%（含）得 1 分`.
    pub statement: String,
}

/// A tier bound.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// The exact value (a percent as a fraction, money in 元).
    pub value: Decimal,
    /// As written in the rule: `8%`, `3亿元`.
    pub text: String,
    /// Whether the bound belongs to the tier.
    pub inclusive: bool,
}

/// One sub-item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemDoc {
    /// `"12.1"`.
    pub key: String,
    /// Its number.
    pub no: u32,
    /// Its text.
    pub text: String,
    /// Its points (none inside `any`).
    pub points: Option<Decimal>,
    /// Decided by experts.
    pub judged: bool,
    /// The condition over the data, in words, for an item decided by data.
    pub condition: Option<String>,
    /// That condition as the comparisons that must all hold (empty when it is not one).
    pub all_of: Vec<Comparison>,
    /// Owners where they differ from the indicator's.
    pub owners: Vec<String>,
}

/// `8%（含）` or `8%（不含）`.
fn bound_text(l: &Literal, inclusive: bool) -> String {
    format!("{}（{}）", l.text, if inclusive { "含" } else { "不含" })
}

/// A tier row in words.
pub fn tier_statement(t: &Tier) -> String {
    let pts = plain(t.points.value);
    match (&t.lo, &t.hi) {
        (Some(l), Some(h)) if l.value == h.value && t.lo_inclusive && t.hi_inclusive => {
            format!("恰好等于 {} 得 {pts} 分", l.text)
        }
        (Some(l), Some(h)) => format!(
            "{}至 {}得 {pts} 分",
            bound_text(l, t.lo_inclusive),
            bound_text(h, t.hi_inclusive)
        ),
        (Some(l), None) => format!("{}以上得 {pts} 分", bound_text(l, t.lo_inclusive)),
        (None, Some(h)) => format!("{}以下得 {pts} 分", bound_text(h, t.hi_inclusive)),
        (None, None) => format!("任何值都得 {pts} 分"),
    }
}

/// The overlap policy in words.
pub fn overlap_text(o: Option<Overlap>) -> &'static str {
    match o {
        Some(Overlap::Higher) => "同时落在两档的值（如两档共用的边界值）按较高档计分",
        Some(Overlap::Lower) => "同时落在两档的值（如两档共用的边界值）按较低档计分",
        None => "各档互不重叠",
    }
}

/// Words for expressions, without values: labels instead of keys.
#[derive(Clone, Copy)]
pub(crate) struct Words<'a> {
    pub(crate) rules: &'a RuleSet,
    /// The indicator's own `let`s.
    pub(crate) lets: &'a [ast::LetDecl],
    /// A loop variable standing for “the year” (`y` of `each year y`), and how to call it.
    pub(crate) year_var: Option<&'a str>,
    /// The element variable of `count(s in list where …)`.
    pub(crate) elem_var: Option<&'a str>,
}

impl Words<'_> {
    fn label_of(&self, n: &str) -> String {
        if let Some(l) = self.lets.iter().find(|l| l.name.value == n) {
            return l.label.as_ref().map_or(n.to_string(), |s| s.value.clone());
        }
        if let Some(l) = self.rules.lets.get(n) {
            return l.label.as_ref().map_or(n.to_string(), |s| s.value.clone());
        }
        if let Some(i) = self.rules.input(n) {
            return i.label.value.clone();
        }
        n.to_string()
    }

    /// A year expression: `Y`, `Y-1`, `当年`, `上一年`.
    fn year(&self, e: &ast::Expr) -> String {
        match &e.kind {
            ExprKind::Year => "Y".into(),
            ExprKind::Name(n) if Some(n.as_str()) == self.year_var => "当年".into(),
            ExprKind::Arith(ast::ArithOp::Sub, a, b) => match (&a.kind, &b.kind) {
                (ExprKind::Name(n), ExprKind::Lit(l)) if Some(n.as_str()) == self.year_var => {
                    if l.value == Decimal::ONE {
                        "上一年".into()
                    } else {
                        format!("{}年前", l.text)
                    }
                }
                (ExprKind::Year, ExprKind::Lit(l)) => format!("Y-{}", l.text),
                _ => self.expr(e),
            },
            ExprKind::Arith(ast::ArithOp::Add, a, b) => match (&a.kind, &b.kind) {
                (ExprKind::Year, ExprKind::Lit(l)) => format!("Y+{}", l.text),
                _ => self.expr(e),
            },
            ExprKind::Lit(l) => l.text.clone(),
            _ => self.expr(e),
        }
    }

    /// `Y-1 至 Y 年`.
    pub(crate) fn years(&self, r: &YearRange) -> String {
        format!("{} 至 {} 年", self.year(&r.from), self.year(&r.to))
    }

    fn operand(&self, e: &ast::Expr, parent: ast::ArithOp, right: bool) -> String {
        match &e.kind {
            ExprKind::Arith(op, ..) => {
                let inner = self.expr(e);
                let loose = matches!(op, ast::ArithOp::Add | ast::ArithOp::Sub);
                let tight = matches!(parent, ast::ArithOp::Mul | ast::ArithOp::Div);
                if (loose && tight)
                    || (right && matches!(parent, ast::ArithOp::Sub | ast::ArithOp::Div))
                {
                    format!("（{inner}）")
                } else {
                    inner
                }
            }
            _ => self.expr(e),
        }
    }

    /// An expression in words.
    pub(crate) fn expr(&self, e: &ast::Expr) -> String {
        match &e.kind {
            ExprKind::Lit(l) => l.text.clone(),
            ExprKind::Bool(b) => if *b { "是" } else { "否" }.into(),
            ExprKind::Year => "评估年度".into(),
            ExprKind::Name(n) if Some(n.as_str()) == self.elem_var => "该项".into(),
            ExprKind::Name(n) if Some(n.as_str()) == self.year_var => "当年".into(),
            ExprKind::Name(n) => self.label_of(n),
            ExprKind::Call(name, args) => {
                let label = match self.rules.fns.get(&name.value) {
                    Some(f) => f
                        .label
                        .as_ref()
                        .map_or(name.value.clone(), |l| l.value.clone()),
                    None => match name.value.as_str() {
                        "min" => "较小值".into(),
                        "max" => "较大值".into(),
                        "sum" => "合计".into(),
                        "abs" => "绝对值".into(),
                        "len" => "项数".into(),
                        other => other.to_string(),
                    },
                };
                // A one-argument call on a year reads as `网上零售额同比增速（当年）`.
                match args.as_slice() {
                    [a] if self.is_year(a) => format!("{label}（{}）", self.year(a)),
                    _ => {
                        let parts: Vec<String> = args.iter().map(|a| self.expr(a)).collect();
                        format!("{label}（{}）", parts.join("，"))
                    }
                }
            }
            ExprKind::Index(base, idx) => {
                format!("{}（{}）", self.expr(base), self.year(idx))
            }
            ExprKind::Arith(op, a, b) => format!(
                "{} {} {}",
                self.operand(a, *op, false),
                op.symbol(),
                self.operand(b, *op, true)
            ),
            ExprKind::Cmp(op, a, b) => {
                format!("{} {} {}", self.expr(a), op.symbol(), self.expr(b))
            }
            ExprKind::And(a, b) => format!("{}，且 {}", self.expr(a), self.expr(b)),
            ExprKind::Or(a, b) => format!("{}，或 {}", self.expr(a), self.expr(b)),
            ExprKind::Coalesce(a, b) => {
                format!("{}（未填报时按 {} 计算）", self.expr(a), self.expr(b))
            }
            ExprKind::Neg(a) => format!("-{}", self.expr(a)),
            ExprKind::Not(a) => format!("并非“{}”", self.expr(a)),
            ExprKind::Quant {
                all,
                var,
                range,
                body,
            } => {
                let inner = Words {
                    year_var: Some(&var.value),
                    ..*self
                };
                format!(
                    "{}{}：{}",
                    self.years(range),
                    if *all {
                        "每年都满足"
                    } else {
                        "至少有一年满足"
                    },
                    inner.expr(body)
                )
            }
            ExprKind::CountWhere { var, list, cond } => {
                let inner = Words {
                    elem_var: Some(&var.value),
                    ..*self
                };
                // `…的年度电子商务销售额，每家一项，其中超过 3亿元 的项数`: the condition as a
                // qualifier of the entries, never a quotation inside the quoted subject.
                format!("{}，其中{}的项数", self.expr(list), inner.qualifier(cond))
            }
            ExprKind::Script(_) => "（由规则文件中的脚本计算）".into(),
        }
    }

    /// Whether `e` is the element variable of `count(s in list where …)`.
    fn is_elem(&self, e: &ast::Expr) -> bool {
        matches!(&e.kind, ExprKind::Name(n) if Some(n.as_str()) == self.elem_var)
    }

    /// A condition on the counted entry as a qualifier: `超过 3亿元`, `不低于 1亿元且低于 2亿元`.
    fn qualifier(&self, e: &ast::Expr) -> String {
        match &e.kind {
            ExprKind::Cmp(op, a, b) if self.is_elem(a) => {
                format!("{} {} ", cmp_words(*op), self.expr(b))
            }
            ExprKind::Cmp(op, a, b) if self.is_elem(b) => {
                format!("{} {} ", cmp_words(flipped(*op)), self.expr(a))
            }
            ExprKind::And(a, b) => {
                format!("{}且{}", self.qualifier(a), self.qualifier(b))
            }
            _ => format!("满足条件（{}）", self.expr(e)),
        }
    }

    fn is_year(&self, e: &ast::Expr) -> bool {
        match &e.kind {
            ExprKind::Year => true,
            ExprKind::Name(n) => Some(n.as_str()) == self.year_var,
            ExprKind::Arith(_, a, _) => self.is_year(a),
            _ => false,
        }
    }

    /// A condition as the comparisons that must all hold (`a > 1 and b <= c`), or nothing when
    /// it is anything else.
    pub(crate) fn comparisons(&self, e: &ast::Expr) -> Vec<Comparison> {
        let mut out = Vec::new();
        if self.conjuncts(e, &mut out) {
            out
        } else {
            Vec::new()
        }
    }

    fn conjuncts(&self, e: &ast::Expr, out: &mut Vec<Comparison>) -> bool {
        match &e.kind {
            ExprKind::And(a, b) => self.conjuncts(a, out) && self.conjuncts(b, out),
            ExprKind::Cmp(op, a, b) => {
                out.push(Comparison {
                    left: self.expr(a),
                    op: *op,
                    right: self.expr(b),
                    value: match &b.kind {
                        ExprKind::Lit(l) => Some(l.value),
                        _ => None,
                    },
                });
                true
            }
            _ => false,
        }
    }

    /// The definition of a name: the indicator's own `let`, then a top-level one.
    fn definition(&self, n: &str) -> Option<&ast::Expr> {
        self.lets
            .iter()
            .find(|l| l.name.value == n)
            .map(|l| &l.value)
            .or_else(|| self.rules.lets.get(n).map(|l| &l.value))
    }

    /// When `e` counts the entries of a list meeting one comparison (directly or through a
    /// `let`), that comparison with “该项” on the left.
    pub(crate) fn counted(&self, e: &ast::Expr) -> Option<Comparison> {
        match &e.kind {
            ExprKind::Name(n) => self.definition(n).and_then(|d| self.counted(d)),
            ExprKind::CountWhere { var, cond, .. } => {
                let inner = Words {
                    elem_var: Some(&var.value),
                    ..*self
                };
                match inner.comparisons(cond).as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// A year as an offset from the evaluation year: `Y-1` is -1.
    fn offset(e: &ast::Expr) -> Option<i64> {
        use rust_decimal::prelude::ToPrimitive;
        let whole = |l: &Literal| {
            if l.value.fract().is_zero() {
                l.value.to_i64()
            } else {
                None
            }
        };
        match &e.kind {
            ExprKind::Year => Some(0),
            ExprKind::Arith(op, a, b) => match (op, &a.kind, &b.kind) {
                (ast::ArithOp::Sub, ExprKind::Year, ExprKind::Lit(l)) => whole(l).map(|v| -v),
                (ast::ArithOp::Add, ExprKind::Year, ExprKind::Lit(l)) => whole(l),
                _ => None,
            },
            _ => None,
        }
    }

    /// The first and last year of a range as offsets from the evaluation year.
    pub(crate) fn offsets(r: &YearRange) -> Option<(i64, i64)> {
        Some((Self::offset(&r.from)?, Self::offset(&r.to)?))
    }

    /// A subject with its definition: `网络交易经营者占比 = 网络交易经营者数量 ÷ 市场主体数量`.
    pub(crate) fn subject(&self, e: &ast::Expr) -> String {
        if let ExprKind::Name(n) = &e.kind {
            let def = self
                .lets
                .iter()
                .find(|l| l.name.value == *n)
                .map(|l| &l.value)
                .or_else(|| self.rules.lets.get(n).map(|l| &l.value));
            if let Some(v) = def {
                return format!("{} = {}", self.label_of(n), self.expr(v));
            }
        }
        self.expr(e)
    }
}

/// A comparison with the thing compared left out, as a qualifier: `超过`, `不低于`.
fn cmp_words(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Gt => "超过",
        CmpOp::Ge => "不低于",
        CmpOp::Lt => "低于",
        CmpOp::Le => "不超过",
        CmpOp::Eq => "等于",
        CmpOp::Ne => "不等于",
    }
}

/// The operator with its sides swapped: `a < b` is `b > a`.
fn flipped(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Eq => CmpOp::Eq,
        CmpOp::Ne => CmpOp::Ne,
    }
}

fn form(w: &Words, ind: &ast::Indicator, f: &ScoreForm) -> Scoring {
    match f {
        ScoreForm::Tiers {
            subject,
            overlap,
            tiers,
            ..
        } => Scoring::Tiers {
            subject: w.subject(subject),
            counts: w.counted(subject),
            overlap: overlap.as_ref().map(|o| o.value),
            rows: tiers
                .iter()
                .map(|t| TierRow {
                    lo: t.lo.as_ref().map(|l| Bound {
                        value: l.value,
                        text: l.text.clone(),
                        inclusive: t.lo_inclusive,
                    }),
                    hi: t.hi.as_ref().map(|h| Bound {
                        value: h.value,
                        text: h.text.clone(),
                        inclusive: t.hi_inclusive,
                    }),
                    points: t.points.value,
                    statement: tier_statement(t),
                })
                .collect(),
        },
        ScoreForm::EachYear {
            var,
            range,
            award,
            cond,
            ..
        } => {
            let inner = Words {
                rules: w.rules,
                lets: w.lets,
                year_var: Some(&var.value),
                elem_var: None,
            };
            Scoring::EachYear {
                years: w.years(range),
                offsets: Words::offsets(range),
                award: award.value,
                condition: inner.expr(cond),
                all_of: inner.comparisons(cond),
            }
        }
        ScoreForm::Items { items, .. } => Scoring::Items(item_docs(w, ind, items)),
        ScoreForm::Any { award, items, .. } => Scoring::Any {
            award: award.value,
            items: item_docs(w, ind, items),
        },
        ScoreForm::Judged { .. } => Scoring::Judged {
            key: ind.no.value.to_string(),
            max: ind.points.value,
        },
        ScoreForm::Max { forms, .. } => {
            Scoring::Best(forms.iter().map(|x| form(w, ind, x)).collect())
        }
        ScoreForm::Sum { forms, .. } => {
            Scoring::Sum(forms.iter().map(|x| form(w, ind, x)).collect())
        }
        ScoreForm::Expr(e) => {
            // `subject × points` (either way round): points per unit of the subject.
            let per = match &e.kind {
                ExprKind::Arith(ast::ArithOp::Mul, a, b) => match (&a.kind, &b.kind) {
                    (_, ExprKind::Lit(l)) => Some((l.value, &**a)),
                    (ExprKind::Lit(l), _) => Some((l.value, &**b)),
                    _ => None,
                },
                _ => None,
            };
            // A count input with a unit (not a definition of the same name) is counted per unit.
            let per_unit = per.and_then(|(_, s)| match &s.kind {
                ExprKind::Name(n) if w.definition(n).is_none() => w
                    .rules
                    .input(n)
                    .filter(|i| i.kind.value == ast::ScalarKind::Count)
                    .and_then(|i| {
                        i.unit.as_ref().map(|u| PerUnit {
                            subject: w.expr(s),
                            unit: u.value.clone(),
                        })
                    }),
                _ => None,
            });
            Scoring::Formula {
                words: w.expr(e),
                each: per.map(|(v, _)| v),
                counts: per.and_then(|(_, s)| w.counted(s)),
                per_unit,
            }
        }
    }
}

fn item_docs(w: &Words, ind: &ast::Indicator, items: &[ast::SubItem]) -> Vec<ItemDoc> {
    items
        .iter()
        .map(|it| ItemDoc {
            key: format!("{}.{}", ind.no.value, it.no.value),
            no: it.no.value,
            text: it.text.value.clone(),
            points: it.points.as_ref().map(|p| p.value),
            judged: matches!(it.how, How::Judged(_)),
            condition: match &it.how {
                How::When(e) => Some(w.expr(e)),
                How::Judged(_) => None,
            },
            all_of: match &it.how {
                How::When(e) => w.comparisons(e),
                How::Judged(_) => Vec::new(),
            },
            owners: it.owners.iter().map(|o| o.value.clone()).collect(),
        })
        .collect()
}

/// The `// 解读` notes in a stretch of rule text: each starts at a comment line beginning with
/// `解读`, and goes on over the comment lines right after it.
pub(crate) fn notes_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        let t = line.trim();
        match t.strip_prefix("//") {
            Some(c) => {
                let c = c.trim();
                if let Some(rest) = c.strip_prefix("解读") {
                    let rest = rest.trim_start_matches(['：', ':']).trim();
                    out.push(rest.to_string());
                    open = true;
                } else if open && let Some(last) = out.last_mut() {
                    last.push_str(c);
                }
            }
            None => open = false,
        }
    }
    out
}

fn basis_lines(rules: &RuleSet) -> Vec<String> {
    let cap = match rules.cap_basis() {
        Basis::Declared => "一级指标得分以其声明分值封顶",
        Basis::Indicators => "一级指标得分以其所含三级指标分值之和封顶",
        Basis::None => "一级指标得分不封顶",
    };
    let rate = match rules.rate_basis() {
        Basis::Indicators => "一级指标得分率 = 一级指标得分 ÷ 所含三级指标分值之和",
        _ => "一级指标得分率 = 一级指标得分 ÷ 一级指标声明分值",
    };
    vec![cap.to_string(), rate.to_string()]
}

/// The index document of a rule set.
pub fn index(rules: &RuleSet) -> IndexDoc {
    let h = &rules.header;
    let header_text = rules.text.get(h.span.start..h.span.end).unwrap_or("");
    IndexDoc {
        title: h.title.value.clone(),
        id: rules.id().to_string(),
        version: rules.version().to_string(),
        effective: h.effective.as_ref().map(|s| s.value.clone()),
        until: h.until.as_ref().map(|s| s.value.clone()),
        source: h.source.as_ref().map(|s| s.value.clone()),
        points: h.points.as_ref().map(|p| p.value),
        pass: h.pass.iter().map(crate::diff::pass_text).collect(),
        basis: basis_lines(rules),
        category_cap: rules.cap_basis(),
        notes: notes_in(header_text),
        categories: rules
            .categories
            .iter()
            .map(|c| CategoryDoc {
                name: c.name.value.clone(),
                points: c.points.value,
                indicator_points: c.indicators.iter().map(|i| i.points.value).sum(),
                indicators: c
                    .indicators
                    .iter()
                    .map(|i| indicator(rules, &c.name.value, i))
                    .collect(),
            })
            .collect(),
    }
}

/// One indicator's document model.
pub fn indicator(rules: &RuleSet, category: &str, ind: &ast::Indicator) -> IndicatorDoc {
    let w = Words {
        rules,
        lets: &ind.lets,
        year_var: None,
        elem_var: None,
    };
    let text = rules.text.get(ind.span.start..ind.span.end).unwrap_or("");
    IndicatorDoc {
        no: ind.no.value,
        name: ind.name.value.clone(),
        points: ind.points.value,
        category: category.to_string(),
        group: ind.group.clone(),
        nature: ind.nature.as_ref().map(|n| n.value.as_str().to_string()),
        rule: ind.rule.as_ref().map(|s| s.value.clone()),
        method: ind.method.as_ref().map(|s| s.value.clone()),
        sources: ind.sources.iter().map(|s| s.value.clone()).collect(),
        owners: ind.owners.iter().map(|s| s.value.clone()).collect(),
        notes: notes_in(text),
        scoring: ind.score.as_ref().map(|f| form(&w, ind, f)),
        cap: ind.cap.as_ref().map(|c| c.value),
    }
}

impl Scoring {
    /// The scoring in plain Chinese, one line each; nested parts are indented by two spaces.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.write(&mut out, "");
        out
    }

    fn write(&self, out: &mut Vec<String>, ind: &str) {
        match self {
            Scoring::Tiers {
                subject,
                overlap,
                rows,
                ..
            } => {
                out.push(format!("{ind}按“{subject}”分档计分："));
                for r in rows {
                    out.push(format!("{ind}  {}；", r.statement));
                }
                out.push(format!(
                    "{ind}  不在以上各档的得 0 分；{}。",
                    overlap_text(*overlap)
                ));
            }
            Scoring::EachYear {
                years,
                award,
                condition,
                ..
            } => out.push(format!(
                "{ind}{years}逐年判断：当年满足“{condition}”的，该年得 {} 分（Y 为评估年度）。",
                plain(*award)
            )),
            Scoring::Items(items) => {
                out.push(format!("{ind}各子项分别判定，得分相加："));
                for it in items {
                    out.push(format!("{ind}  {}", item_line(it)));
                }
            }
            Scoring::Any { award, items } => {
                out.push(format!(
                    "{ind}以下任一子项达到即得 {} 分，多项达到不累加：",
                    plain(*award)
                ));
                for it in items {
                    out.push(format!("{ind}  {}", item_line(it)));
                }
            }
            Scoring::Judged { key, max } => out.push(format!(
                "{ind}由专家评估，在 0 至 {} 分之间评分（评审结论键“{key}”）。",
                plain(*max)
            )),
            Scoring::Best(forms) => {
                out.push(format!("{ind}以下几种算法分别计分，取其中最高的得分："));
                for f in forms {
                    f.write(out, &format!("{ind}  "));
                }
            }
            Scoring::Sum(forms) => {
                out.push(format!("{ind}以下各部分的得分相加："));
                for f in forms {
                    f.write(out, &format!("{ind}  "));
                }
            }
            Scoring::Formula {
                per_unit: Some(p),
                each: Some(e),
                ..
            } => out.push(format!(
                "{ind}{}，每{}得 {} 分。",
                p.subject,
                p.unit,
                plain(*e)
            )),
            Scoring::Formula { words, .. } => out.push(format!("{ind}得分 = {words}。")),
        }
    }
}

/// A sub-item in words: `11.1 …（1 分）：满足“…”时得分`.
pub fn item_line(it: &ItemDoc) -> String {
    let pts = it
        .points
        .map(|p| format!("（{} 分）", plain(p)))
        .unwrap_or_default();
    let how = match &it.condition {
        Some(c) => format!("满足“{c}”时得分"),
        None => format!("由专家认定（评审结论键“{}”）", it.key),
    };
    format!("{} {}{pts}：{how}", it.key, it.text)
}

/// The whole scoring statement of an indicator, cap included.
pub fn scoring_lines(ind: &IndicatorDoc) -> Vec<String> {
    let mut out = ind.scoring.as_ref().map(Scoring::lines).unwrap_or_default();
    if let Some(c) = ind.cap {
        out.push(format!("本指标得分最高不超过 {} 分。", plain(c)));
    }
    out
}
