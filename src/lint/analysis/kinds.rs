//! What each expression measures — a percent, an amount of money, a count of something, a bare
//! number, a condition — inferred without any submission, and the mistakes that shows.
//!
//! A small abstract interpreter walks every data check, `let`, condition and score form once,
//! calling user functions with the kinds of their arguments. Along the way it records:
//! - mixed kinds (`a percent compared with money`, `a count added to a rate`);
//! - mixed units (`户` compared with `人`);
//! - values of the wrong type (a number where a condition is needed, a series without a year);
//! - bare numbers compared with a percent or an amount (`8` for `8%`, `30000` for `3亿元`);
//! - which years of each yearly input are read, relative to the evaluation year `Y`.
//!
//! Every finding is recorded once per place in the file, however often a function is called.

use crate::diag::Span;
use crate::model::RuleSet;
use crate::number::QuantityUnit;
use crate::syntax::ast::{
    ArithOp, CmpOp, Expr, ExprKind, InputDecl, Literal, Role, ScalarKind, ScoreForm, YearRange,
};
use std::collections::{BTreeSet, HashMap, HashSet};

/// What a number measures.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Quantity {
    /// A bare number (a score, a factor, a count of list entries).
    Plain,
    /// A percent.
    Percent,
    /// An amount of money (held in 元).
    Money,
    /// A count or measure with a unit word: `户`, `人`, `学时`.
    Unit(String),
}

impl Quantity {
    /// The Chinese name, for messages: `百分比`, `金额`, `以“户”计的数量`.
    pub fn name(&self) -> String {
        match self {
            Quantity::Plain => "不带单位的数".into(),
            Quantity::Percent => "百分比".into(),
            Quantity::Money => "金额".into(),
            Quantity::Unit(u) => format!("以“{u}”计的数量"),
        }
    }

    /// A value of this quantity as people write it: `100%`, `3000元`, `50学时`.
    pub fn show(&self, v: rust_decimal::Decimal) -> String {
        use crate::number::plain;
        match self {
            Quantity::Plain => plain(v),
            Quantity::Percent => match v.checked_mul(rust_decimal::Decimal::ONE_HUNDRED) {
                Some(p) => format!("{}%", plain(p)),
                None => plain(v),
            },
            Quantity::Money => format!("{}元", plain(v)),
            Quantity::Unit(u) => format!("{}{u}", plain(v)),
        }
    }

    /// The kind of a literal.
    pub fn of_literal(l: &Literal) -> Quantity {
        match &l.unit {
            QuantityUnit::None => Quantity::Plain,
            QuantityUnit::Percent => Quantity::Percent,
            QuantityUnit::Money => Quantity::Money,
            QuantityUnit::Other(u) => Quantity::Unit(u.clone()),
        }
    }

    /// The kind of an input's values.
    pub fn of_input(decl: &InputDecl) -> Option<Quantity> {
        let unit = decl.unit.as_ref().map(|u| u.value.clone());
        Some(match (decl.kind.value, unit) {
            (ScalarKind::Bool, _) => return None,
            (ScalarKind::Percent, _) => Quantity::Percent,
            (ScalarKind::Money, _) => Quantity::Money,
            (_, Some(u)) => Quantity::Unit(u),
            (_, None) => Quantity::Plain,
        })
    }
}

/// An abstract value: what an expression yields, without its number.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A number of some quantity.
    Num(Quantity),
    /// A year; the offsets from `Y` it can take, where known.
    Year(Option<BTreeSet<i64>>),
    /// A condition.
    Bool,
    /// A yearly series: the input it reads, and the kind of its values.
    Series(Option<String>, Quantity),
    /// A list and the kind of its entries.
    List(Quantity),
    /// Not known (a script, or after an error already reported).
    Unknown,
}

impl Kind {
    fn word(&self) -> &'static str {
        match self {
            Kind::Num(_) | Kind::Year(_) => "数值",
            Kind::Bool => "“是/否”条件",
            Kind::Series(..) => "按年数据",
            Kind::List(_) => "列表",
            Kind::Unknown => "未知值",
        }
    }
}

/// A mistake found by the inference.
#[derive(Debug, Clone, PartialEq)]
pub enum Issue {
    /// Two quantities of different kinds combined or compared.
    Mismatch {
        /// The whole expression.
        span: Span,
        /// What is done with them: `比较`, `相加`, `相减`, `分档`, `取值`.
        action: &'static str,
        /// The left quantity and where it is.
        left: (Quantity, Span),
        /// The right quantity and where it is.
        right: (Quantity, Span),
    },
    /// Two quantities of the same kind with different unit words.
    Unit {
        /// The whole expression.
        span: Span,
        /// What is done with them.
        action: &'static str,
        /// The left unit and where it is.
        left: (String, Span),
        /// The right unit and where it is.
        right: (String, Span),
    },
    /// A value of the wrong type for its place.
    Type {
        /// Where.
        span: Span,
        /// What is wrong.
        message: String,
        /// What to do.
        help: String,
    },
    /// A bare number compared with a percent or money.
    Bare {
        /// The literal.
        span: Span,
        /// The literal as written.
        text: String,
        /// What it is compared with.
        other: Quantity,
        /// How far off it is likely to be.
        kind: BareKind,
        /// What the number means there (`相当于 800%`).
        meaning: String,
        /// The suggested way to write it.
        suggestion: String,
    },
}

/// What a bare number compared with a percent or money most likely is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BareKind {
    /// A number from -1 to 1 against a percent: a fraction (`0.08` is 8%), right but unclear.
    Fraction,
    /// A number beyond ±1 against a percent: almost surely a percent without `%` (`8` meant as
    /// 8%, read as 800%), so the comparison is wrong.
    PercentWithoutSign,
    /// A number against money, read in 元.
    Money,
}

impl Issue {
    /// Where the issue is.
    pub fn span(&self) -> Span {
        match self {
            Issue::Mismatch { span, .. }
            | Issue::Unit { span, .. }
            | Issue::Type { span, .. }
            | Issue::Bare { span, .. } => *span,
        }
    }
}

/// A read of a yearly input at some years.
#[derive(Debug, Clone, PartialEq)]
pub struct YearRead {
    /// The input key.
    pub key: String,
    /// Offsets from `Y`; `None` when the year is not known statically.
    pub offsets: Option<BTreeSet<i64>>,
    /// Where the read is written.
    pub span: Span,
}

/// The results of the inference over a whole rule set.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Every issue, once per place, in file order.
    pub issues: Vec<Issue>,
    /// Every read of a yearly input.
    pub reads: Vec<YearRead>,
    /// The kind of each tier table's subject, by the span of the `tiers` form.
    pub subjects: HashMap<Span, Kind>,
}

/// Runs the inference over a rule set.
pub fn analyse(rules: &RuleSet) -> Analysis {
    let mut cx = Infer {
        rules,
        out: Analysis::default(),
        seen: HashSet::new(),
        globals: HashMap::new(),
        depth: 0,
    };
    for c in &rules.checks {
        let k = cx.expr(&c.cond, &[]);
        cx.want_bool(&k, c.cond.span, "数据校验的条件");
    }
    let mut lets: Vec<&String> = rules.lets.keys().collect();
    lets.sort();
    for name in lets {
        cx.global(name);
    }
    for (_, ind) in rules.indicators() {
        let mut scope: Vec<(String, Kind)> = Vec::new();
        for l in &ind.lets {
            let k = cx.expr(&l.value, &scope);
            scope.push((l.name.value.clone(), k));
        }
        if let Some(form) = &ind.score {
            cx.form(form, &scope);
        }
    }
    cx.out
        .issues
        .sort_by_key(|i| (i.span().start, i.span().end));
    cx.out
}

struct Infer<'r> {
    rules: &'r RuleSet,
    out: Analysis,
    seen: HashSet<(Span, u8)>,
    globals: HashMap<String, Kind>,
    depth: usize,
}

type Scope<'a> = [(String, Kind)];

impl Infer<'_> {
    fn issue(&mut self, issue: Issue) {
        let tag = match issue {
            Issue::Mismatch { .. } => 0,
            Issue::Unit { .. } => 1,
            Issue::Type { .. } => 2,
            Issue::Bare { .. } => 3,
        };
        if self.seen.insert((issue.span(), tag)) {
            self.out.issues.push(issue);
        }
    }

    fn type_issue(&mut self, span: Span, message: String, help: &str) {
        self.issue(Issue::Type {
            span,
            message,
            help: help.to_string(),
        });
    }

    fn want_bool(&mut self, k: &Kind, span: Span, what: &str) {
        if !matches!(k, Kind::Bool | Kind::Unknown) {
            self.type_issue(
                span,
                format!("{what}应得出“是/否”，这里得出{}", k.word()),
                "写成比较，如 rate >= 95%；多个条件用 and、or 连接",
            );
        }
    }

    /// The quantity of a numeric value, or `None` (after reporting) for anything else.
    fn want_num(&mut self, k: &Kind, span: Span, what: &str) -> Option<Quantity> {
        match k {
            Kind::Num(q) => Some(q.clone()),
            Kind::Year(_) => Some(Quantity::Plain),
            Kind::Unknown => None,
            Kind::Series(..) => {
                self.type_issue(
                    span,
                    format!("{what}需要数值，这里是按年数据（没有指明年份）"),
                    "用 [年份] 取某一年的值，如 online_retail[Y]",
                );
                None
            }
            other => {
                self.type_issue(
                    span,
                    format!("{what}需要数值，这里是{}", other.word()),
                    "检查这里用到的名称和运算",
                );
                None
            }
        }
    }

    fn global(&mut self, name: &str) -> Kind {
        if let Some(k) = self.globals.get(name) {
            return k.clone();
        }
        let Some(l) = self.rules.lets.get(name) else {
            return Kind::Unknown;
        };
        // Guard against definitions that use themselves (already an error of the resolver).
        self.globals.insert(name.to_string(), Kind::Unknown);
        let k = self.expr(&l.value, &[]);
        self.globals.insert(name.to_string(), k.clone());
        k
    }

    fn name(&mut self, n: &str, scope: &Scope) -> Kind {
        if let Some((_, k)) = scope.iter().rev().find(|(name, _)| name == n) {
            return k.clone();
        }
        if self.rules.lets.contains_key(n) {
            return self.global(n);
        }
        let Some(decl) = self.rules.input(n) else {
            return Kind::Unknown;
        };
        let q = Quantity::of_input(decl);
        match (q, decl.yearly, decl.list) {
            (None, false, false) => Kind::Bool,
            (None, _, _) => Kind::Unknown,
            (Some(q), true, _) => Kind::Series(Some(n.to_string()), q),
            (Some(q), false, true) => Kind::List(q),
            (Some(q), false, false) => Kind::Num(q),
        }
    }

    fn years(&mut self, r: &YearRange, scope: &Scope) -> Option<BTreeSet<i64>> {
        let from = self.expr(&r.from, scope);
        let to = self.expr(&r.to, scope);
        self.years_of(from, to, r)
    }

    /// The years of range `r` whose ends are of kinds `from` and `to`; a problem for an end
    /// that is not a year.
    fn years_of(&mut self, from: Kind, to: Kind, r: &YearRange) -> Option<BTreeSet<i64>> {
        match (from, to) {
            (Kind::Year(Some(a)), Kind::Year(Some(b))) if a.len() == 1 && b.len() == 1 => {
                let (a, b) = (*a.first()?, *b.first()?);
                (b >= a && b.checked_sub(a).is_some_and(|n| n <= 50)).then(|| (a..=b).collect())
            }
            (a, b) => {
                for (k, e) in [(a, &r.from), (b, &r.to)] {
                    if !matches!(
                        k,
                        Kind::Year(_) | Kind::Num(Quantity::Plain) | Kind::Unknown
                    ) {
                        self.type_issue(
                            e.span,
                            format!("年份范围的端点需要年份，这里是{}", k.word()),
                            "年份写成相对评估年度 Y 的形式，如 Y-1..Y",
                        );
                    }
                }
                None
            }
        }
    }

    /// Checks each expression of a form by its role: tier subjects are numbers of the table's
    /// quantity, year-range ends are years, conditions are yes/no, a formula is a number.
    fn form(&mut self, form: &ScoreForm, scope: &Scope) {
        // The kinds of the year-range ends, read once, for the conditions judged for each year.
        let mut ends: HashMap<*const Expr, Kind> = HashMap::new();
        form.each_expr(&mut |e, role| match role {
            Role::TierSubject { tiers, form: span } => {
                let k = self.expr(e, scope);
                self.out.subjects.insert(span, k.clone());
                let Some(q) = self.want_num(&k, e.span, "分档对象") else {
                    return;
                };
                // One finding per table: the same slip (a missing `%`) repeats at every bound.
                let before = self.out.issues.len();
                'tiers: for t in tiers {
                    for b in [&t.lo, &t.hi].into_iter().flatten() {
                        self.compare_literal(&q, e.span, b, "分档");
                        if self.out.issues.len() > before {
                            break 'tiers;
                        }
                    }
                }
            }
            Role::YearEnd => {
                let k = self.expr(e, scope);
                ends.insert(std::ptr::from_ref(e), k);
            }
            Role::Condition {
                each_year: Some((var, range)),
            } => {
                let mut end = |x: &Expr| match ends.remove(&std::ptr::from_ref(x)) {
                    Some(k) => k,
                    None => self.expr(x, scope),
                };
                let (from, to) = (end(&range.from), end(&range.to));
                let years = self.years_of(from, to, range);
                let mut inner = scope.to_vec();
                inner.push((var.value.clone(), Kind::Year(years)));
                let k = self.expr(e, &inner);
                self.want_bool(&k, e.span, "逐年计分的条件");
            }
            Role::Condition { each_year: None } => {
                let k = self.expr(e, scope);
                self.want_bool(&k, e.span, "子项的条件");
            }
            Role::Points => {
                let k = self.expr(e, scope);
                if k == Kind::Bool {
                    self.type_issue(
                        e.span,
                        "计分表达式得出的是“是/否”，不是分数".into(),
                        "要按条件给分，写成 items { item 1 \"…\" points N when 条件 }",
                    );
                } else {
                    self.want_num(&k, e.span, "计分表达式");
                }
            }
        });
    }

    /// Checks a literal bound against the kind of what it bounds.
    fn compare_literal(&mut self, q: &Quantity, q_span: Span, lit: &Literal, action: &'static str) {
        let lq = Quantity::of_literal(lit);
        self.compatible(
            q,
            q_span,
            &lq,
            lit.span,
            Some(lit),
            lit.span.join(q_span),
            action,
        );
    }

    /// Records a mismatch between two quantities, if there is one. `lit` is the right-hand
    /// literal when the right side is one.
    #[allow(clippy::too_many_arguments)]
    fn compatible(
        &mut self,
        a: &Quantity,
        a_span: Span,
        b: &Quantity,
        b_span: Span,
        lit: Option<&Literal>,
        span: Span,
        action: &'static str,
    ) {
        match (a, b) {
            (x, y) if x == y => {}
            (Quantity::Plain, _) | (_, Quantity::Plain) => {
                // A bare number goes with any quantity, except a literal such as `8` or `30000`
                // against a percent or an amount, which is almost always a missing `%` or unit.
                let other = if a == &Quantity::Plain { b } else { a };
                let Some(l) = lit.filter(|l| l.unit == QuantityUnit::None && !l.value.is_zero())
                else {
                    return;
                };
                let (kind, meaning, suggestion) = match other {
                    Quantity::Percent => {
                        // The percent the number stands for: 0.08 is 8%, 8 is 800%.
                        let pct = crate::number::plain(
                            l.value
                                .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
                                .unwrap_or(l.value),
                        );
                        if l.value.abs() <= rust_decimal::Decimal::ONE {
                            (
                                BareKind::Fraction,
                                format!("{} 在这里相当于 {pct}%", l.text),
                                format!("百分比写成带 % 的形式更清楚：写成 {pct}%"),
                            )
                        } else {
                            (
                                BareKind::PercentWithoutSign,
                                format!("{} 在这里相当于 {pct}%，多半是漏写了 %", l.text),
                                format!(
                                    "若指 {}%，写成 {}%；若确指 {pct}%，写成 {pct}%",
                                    l.text, l.text
                                ),
                            )
                        }
                    }
                    Quantity::Money => (
                        BareKind::Money,
                        format!("{} 在这里按“元”计", l.text),
                        format!("写明金额单位，如 {}元 或 {}万元", l.text, l.text),
                    ),
                    _ => return,
                };
                self.issue(Issue::Bare {
                    span: l.span,
                    text: l.text.clone(),
                    other: other.clone(),
                    kind,
                    meaning,
                    suggestion,
                });
            }
            (Quantity::Unit(u), Quantity::Unit(v)) => self.issue(Issue::Unit {
                span,
                action,
                left: (u.clone(), a_span),
                right: (v.clone(), b_span),
            }),
            _ => self.issue(Issue::Mismatch {
                span,
                action,
                left: (a.clone(), a_span),
                right: (b.clone(), b_span),
            }),
        }
    }

    fn expr(&mut self, e: &Expr, scope: &Scope) -> Kind {
        match &e.kind {
            ExprKind::Lit(l) => Kind::Num(Quantity::of_literal(l)),
            ExprKind::Bool(_) => Kind::Bool,
            ExprKind::Year => Kind::Year(Some(BTreeSet::from([0]))),
            ExprKind::Name(n) => self.name(n, scope),
            ExprKind::Script(_) => Kind::Unknown,
            ExprKind::Index(base, idx) => {
                let b = self.expr(base, scope);
                let i = self.expr(idx, scope);
                let offsets = match i {
                    Kind::Year(y) => y,
                    Kind::Num(Quantity::Plain) | Kind::Unknown => None,
                    other => {
                        self.type_issue(
                            idx.span,
                            format!("[ ] 里需要年份，这里是{}", other.word()),
                            "写成 series[Y]、series[y - 1] 这样的年份",
                        );
                        None
                    }
                };
                match b {
                    Kind::Series(key, q) => {
                        if let Some(key) = key {
                            self.out.reads.push(YearRead {
                                key,
                                offsets,
                                span: e.span,
                            });
                        }
                        Kind::Num(q)
                    }
                    Kind::Unknown => Kind::Unknown,
                    other => {
                        self.type_issue(
                            base.span,
                            format!(
                                "只有按年填报的数据才能用 [年份] 取值，这里是{}",
                                other.word()
                            ),
                            "在 input 声明里加 yearly，或去掉 [ ]",
                        );
                        Kind::Unknown
                    }
                }
            }
            ExprKind::Neg(a) => {
                let k = self.expr(a, scope);
                match self.want_num(&k, a.span, "负号后面") {
                    Some(q) => Kind::Num(q),
                    None => Kind::Unknown,
                }
            }
            ExprKind::Not(a) => {
                let k = self.expr(a, scope);
                self.want_bool(&k, a.span, "not 后面的条件");
                Kind::Bool
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let word = if matches!(e.kind, ExprKind::And(..)) {
                    "and"
                } else {
                    "or"
                };
                for x in [a, b] {
                    let k = self.expr(x, scope);
                    self.want_bool(&k, x.span, &format!("{word} 两边的条件"));
                }
                Kind::Bool
            }
            ExprKind::Arith(op, a, b) => self.arith(*op, a, b, e.span, scope),
            ExprKind::Cmp(op, a, b) => {
                let (x, y) = (self.expr(a, scope), self.expr(b, scope));
                match (&x, &y) {
                    (Kind::Bool, Kind::Bool) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {}
                    (Kind::Unknown, _) | (_, Kind::Unknown) => {}
                    _ => {
                        let qa = self.want_num(&x, a.span, "比较");
                        let qb = self.want_num(&y, b.span, "比较");
                        if let (Some(qa), Some(qb)) = (qa, qb) {
                            let (lit_a, lit_b) = (literal(a), literal(b));
                            if lit_a.is_some() && lit_b.is_none() {
                                self.compatible(&qb, b.span, &qa, a.span, lit_a, e.span, "比较");
                            } else {
                                self.compatible(&qa, a.span, &qb, b.span, lit_b, e.span, "比较");
                            }
                        }
                    }
                }
                Kind::Bool
            }
            ExprKind::Coalesce(a, b) => {
                let (x, y) = (self.expr(a, scope), self.expr(b, scope));
                match (&x, &y) {
                    (Kind::Num(qa), Kind::Num(qb)) => {
                        self.compatible(qa, a.span, qb, b.span, None, e.span, "取值（??）");
                        x
                    }
                    (Kind::Unknown, _) => y,
                    _ => x,
                }
            }
            ExprKind::Call(name, args) => self.call(&name.value, args, e.span, scope),
            ExprKind::Quant {
                var, range, body, ..
            } => {
                let years = self.years(range, scope);
                let mut inner = scope.to_vec();
                inner.push((var.value.clone(), Kind::Year(years)));
                let k = self.expr(body, &inner);
                self.want_bool(&k, body.span, "all/any 的条件");
                Kind::Bool
            }
            ExprKind::CountWhere { var, list, cond } => {
                let l = self.expr(list, scope);
                let elem = match l {
                    Kind::List(q) => Kind::Num(q),
                    Kind::Unknown => Kind::Unknown,
                    other => {
                        self.type_issue(
                            list.span,
                            format!("count 需要列表，这里是{}", other.word()),
                            "count(x in 列表 where 条件) 里的列表要用 input … list 声明",
                        );
                        Kind::Unknown
                    }
                };
                let mut inner = scope.to_vec();
                inner.push((var.value.clone(), elem));
                let k = self.expr(cond, &inner);
                self.want_bool(&k, cond.span, "count 的条件");
                Kind::Num(Quantity::Plain)
            }
        }
    }

    fn arith(&mut self, op: ArithOp, a: &Expr, b: &Expr, span: Span, scope: &Scope) -> Kind {
        let (x, y) = (self.expr(a, scope), self.expr(b, scope));
        // A year plus or minus a whole number stays a year: Y - 1, y - 1.
        if let (Kind::Year(set), ArithOp::Add | ArithOp::Sub) = (&x, op)
            && let Some(n) = literal(b).and_then(whole)
        {
            let n = if op == ArithOp::Sub { -n } else { n };
            return Kind::Year(
                set.as_ref()
                    .map(|s| s.iter().filter_map(|v| v.checked_add(n)).collect()),
            );
        }
        if matches!((&x, &y), (Kind::Unknown, _) | (_, Kind::Unknown)) {
            return Kind::Unknown;
        }
        let what = match op {
            ArithOp::Add => "相加",
            ArithOp::Sub => "相减",
            ArithOp::Mul => "相乘",
            ArithOp::Div => "相除",
        };
        let (Some(qa), Some(qb)) = (
            self.want_num(&x, a.span, what),
            self.want_num(&y, b.span, what),
        ) else {
            return Kind::Unknown;
        };
        use Quantity::*;
        Kind::Num(match op {
            ArithOp::Add | ArithOp::Sub => {
                self.compatible(&qa, a.span, &qb, b.span, None, span, what);
                if qa == Plain { qb } else { qa }
            }
            ArithOp::Mul => match (qa, qb) {
                (Plain | Percent, q) | (q, Plain | Percent) => q,
                _ => Plain,
            },
            ArithOp::Div => match (qa, qb) {
                (q, Plain) => q,
                (Percent, Percent) => Plain,
                (x, y) if x == y => Percent,
                (q, Percent) => q,
                _ => Plain,
            },
        })
    }

    fn call(&mut self, name: &str, args: &[Expr], span: Span, scope: &Scope) -> Kind {
        let kinds: Vec<Kind> = args.iter().map(|a| self.expr(a, scope)).collect();
        if let Some(f) = self.rules.fns.get(name) {
            if self.depth > 16 || f.params.len() != kinds.len() {
                return Kind::Unknown;
            }
            let binds: Vec<(String, Kind)> = f
                .params
                .iter()
                .map(|p| p.value.clone())
                .zip(kinds)
                .collect();
            self.depth += 1;
            let body = f.body.clone();
            let k = self.expr(&body, &binds);
            self.depth -= 1;
            return k;
        }
        match name {
            "min" | "max" => {
                let mut first: Option<(Quantity, Span)> = None;
                for (k, a) in kinds.iter().zip(args) {
                    let Some(q) = self.want_num(k, a.span, name) else {
                        continue;
                    };
                    match &first {
                        None => first = Some((q, a.span)),
                        Some((q0, s0)) => {
                            let (q0, s0) = (q0.clone(), *s0);
                            self.compatible(&q0, s0, &q, a.span, literal(a), span, "取较大/较小值");
                        }
                    }
                }
                first.map_or(Kind::Unknown, |(q, _)| Kind::Num(q))
            }
            "abs" => match kinds.first() {
                Some(k) => match self.want_num(k, span, "abs") {
                    Some(q) => Kind::Num(q),
                    None => Kind::Unknown,
                },
                None => Kind::Unknown,
            },
            "sum" | "len" => match kinds.first() {
                Some(Kind::List(q)) => Kind::Num(if name == "sum" {
                    q.clone()
                } else {
                    Quantity::Plain
                }),
                Some(Kind::Unknown) | None => Kind::Unknown,
                Some(other) => {
                    self.type_issue(
                        span,
                        format!("{name} 需要列表，这里是{}", other.word()),
                        "sum、len 只能用于用 input … list 声明的列表",
                    );
                    Kind::Unknown
                }
            },
            _ => Kind::Unknown,
        }
    }
}

fn literal(e: &Expr) -> Option<&Literal> {
    match &e.kind {
        ExprKind::Lit(l) => Some(l),
        _ => None,
    }
}

fn whole(l: &Literal) -> Option<i64> {
    if l.unit != QuantityUnit::None || !l.value.fract().is_zero() {
        return None;
    }
    i64::try_from(l.value.mantissa() / 10i128.checked_pow(l.value.scale())?).ok()
}
