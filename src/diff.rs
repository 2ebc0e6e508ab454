//! A semantic diff of two rule sets, and the impact of the change on scored submissions.
//!
//! Two rule sets are compared for what they mean, not how they are written: expressions and
//! scoring forms are compared as syntax trees with spans, comments and the spelling of numbers
//! ignored (see [`crate::syntax::walk::normalized`]); where something changed, the old and new
//! source text are shown. Indicators are matched by number and name, then by name alone (a
//! renumbered indicator), then by number alone (a renamed one); the rest were added or removed.
//! Changes are grouped by category (一级指标), in Chinese.
//!
//! [`impact`] compares the evaluations of one submission under both rule sets: totals, verdicts,
//! pass conditions, categories, and each indicator whose score changed, with the explanation
//! lines of both sides.

use crate::eval::{Evaluation, IndicatorResult, Status};
use crate::model::RuleSet;
use crate::number::plain;
use crate::syntax::ast::{self, Basis, Metric, PassSubject, ScoreForm};
use crate::syntax::walk::{Walk, normalized};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

/// What happened to a thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Only in the new rules.
    Added,
    /// Only in the old rules.
    Removed,
    /// In both, different.
    Changed,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Added => "新增",
            Kind::Removed => "删除",
            Kind::Changed => "修改",
        }
    }
}

/// One change: a field of a thing, old and new, shown as text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: Kind,
    /// What changed, in Chinese: `合格规则`, `分值`, `输入项 online_retail（网上零售额）`.
    pub what: String,
    /// The old value as text (none for an addition).
    pub old: Option<String>,
    /// The new value as text (none for a removal).
    pub new: Option<String>,
    /// Further lines: a word-level diff of a text, the rows of a tier table.
    pub detail: Vec<String>,
    /// For a changed tier table (`分档`), the tiers themselves, for documents that word them
    /// their own way (the revision's changes, [`crate::publish`]); `old`, `new` and `detail`
    /// show them as the rule file writes them.
    #[serde(skip)]
    pub tiers: Option<TierChange>,
    /// A text whose word-level diff (`detail`) says it all: shown by the diff alone, however
    /// short (the official rule text).
    #[serde(skip)]
    pub diff_only: bool,
}

/// A changed tier table in typed form.
#[derive(Debug, Clone, PartialEq)]
pub struct TierChange {
    /// The old tiers, in file order.
    pub old: Vec<ast::Tier>,
    /// The new tiers, in file order.
    pub new: Vec<ast::Tier>,
    /// The rows that differ, by position (from 0): the old row and the new one, either missing
    /// where a row was removed or added.
    pub rows: Vec<(usize, Option<ast::Tier>, Option<ast::Tier>)>,
}

impl Change {
    fn changed(what: impl Into<String>, old: impl Into<String>, new: impl Into<String>) -> Change {
        Change {
            kind: Kind::Changed,
            what: what.into(),
            old: Some(old.into()),
            new: Some(new.into()),
            detail: Vec::new(),
            tiers: None,
            diff_only: false,
        }
    }

    fn added(what: impl Into<String>, new: impl Into<String>) -> Change {
        Change {
            kind: Kind::Added,
            what: what.into(),
            old: None,
            new: Some(new.into()),
            detail: Vec::new(),
            tiers: None,
            diff_only: false,
        }
    }

    fn removed(what: impl Into<String>, old: impl Into<String>) -> Change {
        Change {
            kind: Kind::Removed,
            what: what.into(),
            old: Some(old.into()),
            new: None,
            detail: Vec::new(),
            tiers: None,
            diff_only: false,
        }
    }
}

/// One indicator's changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorDiff {
    /// Added, removed or changed (a renumbered or moved indicator is changed).
    pub kind: Kind,
    /// Its number in the old rules.
    pub old_no: Option<u32>,
    /// Its number in the new rules.
    pub new_no: Option<u32>,
    /// Its name (the new one, if both).
    pub name: String,
    /// Its points (the new ones, if both).
    pub points: String,
    /// The field changes (for a changed indicator).
    pub changes: Vec<Change>,
}

/// One category's changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryDiff {
    /// The name.
    pub name: String,
    /// Added, removed or changed (`None`: only its indicators changed).
    pub kind: Option<Kind>,
    /// Changes of the category itself: points, groups.
    pub changes: Vec<Change>,
    /// Indicator changes, in the new rules' order (removed ones last).
    pub indicators: Vec<IndicatorDiff>,
}

/// Which rule set a side of the diff is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    /// Set id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Resolved digest.
    pub digest: String,
    /// The file.
    pub file: String,
}

/// Everything that differs between two rule sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleDiff {
    /// The old rules.
    pub old: Side,
    /// The new rules.
    pub new: Side,
    /// Header changes: title, version, dates, totals, the pass rule.
    pub header: Vec<Change>,
    /// Input changes.
    pub inputs: Vec<Change>,
    /// Changes of functions and top-level `let`s.
    pub definitions: Vec<Change>,
    /// Changes of data checks.
    pub checks: Vec<Change>,
    /// Changes by category.
    pub categories: Vec<CategoryDiff>,
}

impl RuleDiff {
    /// How many changes there are in all (each indicator added or removed counts once).
    pub fn count(&self) -> usize {
        let cats: usize = self
            .categories
            .iter()
            .map(|c| {
                let own = if matches!(c.kind, Some(Kind::Added | Kind::Removed)) {
                    1
                } else {
                    c.changes.len()
                };
                own + c
                    .indicators
                    .iter()
                    .map(|i| {
                        if i.kind == Kind::Changed {
                            i.changes.len()
                        } else {
                            1
                        }
                    })
                    .sum::<usize>()
            })
            .sum();
        self.header.len() + self.inputs.len() + self.definitions.len() + self.checks.len() + cats
    }
}

fn side(r: &RuleSet) -> Side {
    Side {
        id: r.id().to_string(),
        version: r.version().to_string(),
        digest: r.digest.clone(),
        file: r.file.to_string(),
    }
}

/// The source text at a span of a rule set, on one line.
fn src(r: &RuleSet, span: crate::diag::Span) -> String {
    let raw = r.text.get(span.start..span.end).unwrap_or("");
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn same<T: Walk + Clone + PartialEq>(a: &T, b: &T) -> bool {
    normalized(a) == normalized(b)
}

fn opt_text(s: &Option<ast::Spanned<String>>) -> String {
    s.as_ref().map_or("（无）".into(), |s| s.value.clone())
}

fn list_text(l: &[ast::Spanned<String>]) -> String {
    if l.is_empty() {
        "（无）".into()
    } else {
        l.iter()
            .map(|s| s.value.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

fn basis_text(b: Basis) -> &'static str {
    match b {
        Basis::Declared => "声明分值",
        Basis::Indicators => "所含指标分值之和",
        Basis::None => "不封顶",
    }
}

/// A pass condition as people read it: `每个一级指标得分率 ≥ 75%`.
pub fn pass_text(c: &ast::PassCond) -> String {
    let metric = |m: &Metric| {
        if *m == Metric::Rate {
            "得分率"
        } else {
            "得分"
        }
    };
    let subject = match &c.subject {
        PassSubject::Total => "总分".to_string(),
        PassSubject::Every(m) => format!("每个一级指标{}", metric(m)),
        PassSubject::Category(n, m) => format!("一级指标“{}”{}", n.value, metric(m)),
    };
    format!("{subject} {} {}", c.op.symbol(), c.value.text)
}

fn pass_rule_text(p: &[ast::PassCond]) -> String {
    if p.is_empty() {
        "（无）".into()
    } else {
        p.iter().map(pass_text).collect::<Vec<_>>().join(" 且 ")
    }
}

/// A tier as written: `[8%, 15%] => 1`.
fn tier_text(t: &ast::Tier) -> String {
    let lo = t.lo.as_ref().map_or("-∞".to_string(), |l| l.text.clone());
    let hi = t.hi.as_ref().map_or("+∞".to_string(), |l| l.text.clone());
    let open = if t.lo_inclusive && t.lo.is_some() {
        "["
    } else {
        "("
    };
    let close = if t.hi_inclusive && t.hi.is_some() {
        "]"
    } else {
        ")"
    };
    format!("{open}{lo}, {hi}{close} => {}", plain(t.points.value))
}

/// Compares two rule sets.
pub fn diff(old: &RuleSet, new: &RuleSet) -> RuleDiff {
    let mut d = RuleDiff {
        old: side(old),
        new: side(new),
        header: header(old, new),
        inputs: inputs(old, new),
        definitions: definitions(old, new),
        checks: checks(old, new),
        categories: Vec::new(),
    };
    d.categories = categories(old, new);
    d
}

fn header(o: &RuleSet, n: &RuleSet) -> Vec<Change> {
    let (a, b) = (&o.header, &n.header);
    let mut out = Vec::new();
    let mut text = |what: &str, x: String, y: String| {
        if x != y {
            out.push(Change::changed(what, x, y));
        }
    };
    text("规则集编号", a.id.value.clone(), b.id.value.clone());
    text("名称", a.title.value.clone(), b.title.value.clone());
    text("版本", opt_text(&a.version), opt_text(&b.version));
    text("生效日期", opt_text(&a.effective), opt_text(&b.effective));
    text("截止日期", opt_text(&a.until), opt_text(&b.until));
    text("所基于的版本", opt_text(&a.extends), opt_text(&b.extends));
    text("接受的申报", opt_text(&a.accepts), opt_text(&b.accepts));
    text("依据", opt_text(&a.source), opt_text(&b.source));
    let pts = |h: &ast::Header| {
        h.points
            .as_ref()
            .map_or("（无）".into(), |p| plain(p.value))
    };
    text("总分", pts(a), pts(b));
    text(
        "一级指标得分率的分母",
        basis_text(o.rate_basis()).into(),
        basis_text(n.rate_basis()).into(),
    );
    text(
        "一级指标得分封顶",
        basis_text(o.cap_basis()).into(),
        basis_text(n.cap_basis()).into(),
    );
    if !same(&a.pass, &b.pass) {
        out.push(Change::changed(
            "合格规则",
            pass_rule_text(&a.pass),
            pass_rule_text(&b.pass),
        ));
    }
    out
}

fn inputs(o: &RuleSet, n: &RuleSet) -> Vec<Change> {
    let mut out = Vec::new();
    let name = |i: &ast::InputDecl| format!("输入项 {}（{}）", i.name.value, i.label.value);
    for a in &o.inputs {
        match n.input(&a.name.value) {
            None => out.push(Change::removed(name(a), crate::versions::describe_input(a))),
            Some(b) if !same(a, b) => {
                let mut c = Change::changed(name(b), "", "");
                c.old = None;
                c.new = None;
                let mut field = |what: &str, x: String, y: String| {
                    if x != y {
                        c.detail.push(format!("{what}：{x} → {y}"));
                    }
                };
                field("名称", a.label.value.clone(), b.label.value.clone());
                field(
                    "类型",
                    crate::versions::describe_input(a),
                    crate::versions::describe_input(b),
                );
                let yn = |x: bool| if x { "可不填" } else { "必填" }.to_string();
                field("是否必填", yn(a.optional), yn(b.optional));
                let lit = |l: &Option<ast::Literal>| {
                    l.as_ref().map_or("（无）".into(), |l| l.text.clone())
                };
                field("最小值", lit(&a.min), lit(&b.min));
                field("最大值", lit(&a.max), lit(&b.max));
                let years = |r: &RuleSet, i: &ast::InputDecl| {
                    i.years.as_ref().map_or("（无）".into(), |y| src(r, y.span))
                };
                field("年份", years(o, a), years(n, b));
                let (ha, hb) = (opt_text(&a.help), opt_text(&b.help));
                if ha != hb {
                    c.detail.push(format!("填报说明：{}", word_diff(&ha, &hb)));
                }
                if !c.detail.is_empty() {
                    out.push(c);
                }
            }
            Some(_) => {}
        }
    }
    for b in &n.inputs {
        if o.input(&b.name.value).is_none() {
            out.push(Change::added(name(b), crate::versions::describe_input(b)));
        }
    }
    out
}

fn definitions(o: &RuleSet, n: &RuleSet) -> Vec<Change> {
    let mut out = Vec::new();
    let fn_text = |r: &RuleSet, f: &ast::FnDecl| src(r, f.span);
    let mut names: Vec<&String> = o.fns.keys().chain(n.fns.keys()).collect();
    names.sort();
    names.dedup();
    for k in names {
        let what = format!("函数 {k}");
        match (o.fns.get(k), n.fns.get(k)) {
            (Some(a), None) => out.push(Change::removed(what, fn_text(o, a))),
            (None, Some(b)) => out.push(Change::added(what, fn_text(n, b))),
            (Some(a), Some(b)) if !same(a, b) => {
                out.push(Change::changed(what, fn_text(o, a), fn_text(n, b)));
            }
            _ => {}
        }
    }
    let mut names: Vec<&String> = o.lets.keys().chain(n.lets.keys()).collect();
    names.sort();
    names.dedup();
    for k in names {
        let what = format!("定义 {k}");
        match (o.lets.get(k), n.lets.get(k)) {
            (Some(a), None) => out.push(Change::removed(what, src(o, a.span))),
            (None, Some(b)) => out.push(Change::added(what, src(n, b.span))),
            (Some(a), Some(b)) if !same(a, b) => {
                out.push(Change::changed(what, src(o, a.span), src(n, b.span)));
            }
            _ => {}
        }
    }
    out
}

fn checks(o: &RuleSet, n: &RuleSet) -> Vec<Change> {
    let mut out = Vec::new();
    let what = |c: &ast::CheckDecl| format!("数据校验“{}”", c.message.value);
    for a in &o.checks {
        match n.checks.iter().find(|b| b.message.value == a.message.value) {
            None => out.push(Change::removed(what(a), src(o, a.cond.span))),
            Some(b) if !same(a, b) => {
                out.push(Change::changed(
                    what(b),
                    format!("{}（{}）", src(o, a.cond.span), a.severity.value),
                    format!("{}（{}）", src(n, b.cond.span), b.severity.value),
                ));
            }
            Some(_) => {}
        }
    }
    for b in &n.checks {
        if !o.checks.iter().any(|a| a.message.value == b.message.value) {
            out.push(Change::added(what(b), src(n, b.cond.span)));
        }
    }
    out
}

/// Pairs of (old, new) indices into two lists of (number, name): by number and name, by name
/// (renumbered), by number (renamed); unpaired ones were removed or added.
fn pair_indicators(
    old: &[(u32, &str)],
    new: &[(u32, &str)],
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut pairs = Vec::new();
    let mut used_old = HashSet::new();
    let mut used_new = HashSet::new();
    type Matcher = fn(&(u32, &str), &(u32, &str)) -> bool;
    let passes: [Matcher; 3] = [
        |a, b| a.0 == b.0 && a.1 == b.1,
        |a, b| a.1 == b.1,
        |a, b| a.0 == b.0,
    ];
    for matches in passes {
        for (j, b) in new.iter().enumerate() {
            if used_new.contains(&j) {
                continue;
            }
            if let Some(i) = old
                .iter()
                .enumerate()
                .position(|(i, a)| !used_old.contains(&i) && matches(a, b))
            {
                used_old.insert(i);
                used_new.insert(j);
                pairs.push((Some(i), Some(j)));
            }
        }
    }
    for j in 0..new.len() {
        if !used_new.contains(&j) {
            pairs.push((None, Some(j)));
        }
    }
    for i in 0..old.len() {
        if !used_old.contains(&i) {
            pairs.push((Some(i), None));
        }
    }
    pairs
}

fn categories(o: &RuleSet, n: &RuleSet) -> Vec<CategoryDiff> {
    let old_inds: Vec<(&ast::Category, &ast::Indicator)> = o.indicators().collect();
    let new_inds: Vec<(&ast::Category, &ast::Indicator)> = n.indicators().collect();
    let keys = |l: &[(&ast::Category, &'_ ast::Indicator)]| -> Vec<(u32, String)> {
        l.iter()
            .map(|(_, i)| (i.no.value, i.name.value.clone()))
            .collect()
    };
    let (ok, nk) = (keys(&old_inds), keys(&new_inds));
    let ok_ref: Vec<(u32, &str)> = ok.iter().map(|(n, s)| (*n, s.as_str())).collect();
    let nk_ref: Vec<(u32, &str)> = nk.iter().map(|(n, s)| (*n, s.as_str())).collect();
    let pairs = pair_indicators(&ok_ref, &nk_ref);

    // Indicator diffs by the category they are shown under, keeping the new order.
    let mut by_cat: BTreeMap<String, Vec<(usize, IndicatorDiff)>> = BTreeMap::new();
    for (oi, ni) in pairs {
        match (
            oi.and_then(|i| old_inds.get(i)),
            ni.and_then(|j| new_inds.get(j)),
        ) {
            (Some((oc, a)), Some((nc, b))) => {
                let mut changes = indicator_changes(o, a, n, b);
                if oc.name.value != nc.name.value {
                    changes.insert(
                        0,
                        Change::changed("一级指标", oc.name.value.clone(), nc.name.value.clone()),
                    );
                }
                if a.no.value != b.no.value {
                    changes.insert(
                        0,
                        Change::changed("编号", a.no.value.to_string(), b.no.value.to_string()),
                    );
                }
                if !changes.is_empty() {
                    by_cat.entry(nc.name.value.clone()).or_default().push((
                        ni.unwrap_or(0),
                        IndicatorDiff {
                            kind: Kind::Changed,
                            old_no: Some(a.no.value),
                            new_no: Some(b.no.value),
                            name: b.name.value.clone(),
                            points: plain(b.points.value),
                            changes,
                        },
                    ));
                }
            }
            (None, Some((nc, b))) => by_cat.entry(nc.name.value.clone()).or_default().push((
                ni.unwrap_or(0),
                IndicatorDiff {
                    kind: Kind::Added,
                    old_no: None,
                    new_no: Some(b.no.value),
                    name: b.name.value.clone(),
                    points: plain(b.points.value),
                    changes: Vec::new(),
                },
            )),
            (Some((oc, a)), None) => by_cat.entry(oc.name.value.clone()).or_default().push((
                usize::MAX,
                IndicatorDiff {
                    kind: Kind::Removed,
                    old_no: Some(a.no.value),
                    new_no: None,
                    name: a.name.value.clone(),
                    points: plain(a.points.value),
                    changes: Vec::new(),
                },
            )),
            (None, None) => {}
        }
    }

    let mut out = Vec::new();
    let mut emit =
        |name: &str, kind: Option<Kind>, changes: Vec<Change>, out: &mut Vec<CategoryDiff>| {
            let mut inds = by_cat.remove(name).unwrap_or_default();
            inds.sort_by_key(|(pos, d)| (*pos, d.old_no));
            if kind.is_some() || !changes.is_empty() || !inds.is_empty() {
                out.push(CategoryDiff {
                    name: name.to_string(),
                    kind,
                    changes,
                    indicators: inds.into_iter().map(|(_, d)| d).collect(),
                });
            }
        };
    for c in &n.categories {
        match o.categories.iter().find(|k| k.name.value == c.name.value) {
            None => emit(
                &c.name.value,
                Some(Kind::Added),
                vec![Change::added("分值", plain(c.points.value))],
                &mut out,
            ),
            Some(k) => emit(&c.name.value, None, category_changes(k, c), &mut out),
        }
    }
    for k in &o.categories {
        if !n.categories.iter().any(|c| c.name.value == k.name.value) {
            emit(
                &k.name.value,
                Some(Kind::Removed),
                vec![Change::removed("分值", plain(k.points.value))],
                &mut out,
            );
        }
    }
    // Indicators whose category exists on neither side cannot happen; keep any leftovers.
    for (name, inds) in std::mem::take(&mut by_cat) {
        out.push(CategoryDiff {
            name,
            kind: None,
            changes: Vec::new(),
            indicators: inds.into_iter().map(|(_, d)| d).collect(),
        });
    }
    out
}

fn category_changes(a: &ast::Category, b: &ast::Category) -> Vec<Change> {
    let mut out = Vec::new();
    if a.points.value != b.points.value {
        out.push(Change::changed(
            "分值",
            plain(a.points.value),
            plain(b.points.value),
        ));
    }
    let pts = |g: &ast::Group| {
        g.points
            .as_ref()
            .map_or("（未写分值）".into(), |p| plain(p.value))
    };
    for g in &a.groups {
        match b.groups.iter().find(|h| h.name.value == g.name.value) {
            None => out.push(Change::removed(
                format!("二级指标“{}”", g.name.value),
                pts(g),
            )),
            Some(h) if pts(g) != pts(h) => out.push(Change::changed(
                format!("二级指标“{}”的分值", g.name.value),
                pts(g),
                pts(h),
            )),
            Some(_) => {}
        }
    }
    for h in &b.groups {
        if !a.groups.iter().any(|g| g.name.value == h.name.value) {
            out.push(Change::added(format!("二级指标“{}”", h.name.value), pts(h)));
        }
    }
    out
}

fn indicator_changes(
    o: &RuleSet,
    a: &ast::Indicator,
    n: &RuleSet,
    b: &ast::Indicator,
) -> Vec<Change> {
    let mut out = Vec::new();
    let text = |what: &str, x: String, y: String, out: &mut Vec<Change>| {
        if x != y {
            out.push(Change::changed(what, x, y));
        }
    };
    text("名称", a.name.value.clone(), b.name.value.clone(), &mut out);
    text(
        "分值",
        plain(a.points.value),
        plain(b.points.value),
        &mut out,
    );
    let group = |i: &ast::Indicator| i.group.clone().unwrap_or_else(|| "（无）".into());
    text("二级指标", group(a), group(b), &mut out);
    let nature = |i: &ast::Indicator| {
        i.nature
            .as_ref()
            .map_or("（无）", |x| x.value.as_str())
            .to_string()
    };
    text("变量性质", nature(a), nature(b), &mut out);
    let (ra, rb) = (opt_text(&a.rule), opt_text(&b.rule));
    if ra != rb {
        let mut c = Change::changed("指标说明", ra.clone(), rb.clone());
        c.detail.push(word_diff(&ra, &rb));
        c.diff_only = true;
        out.push(c);
    }
    text(
        "评估方式",
        opt_text(&a.method),
        opt_text(&b.method),
        &mut out,
    );
    text(
        "数据来源",
        list_text(&a.sources),
        list_text(&b.sources),
        &mut out,
    );
    let (oa, ob) = (list_text(&a.owners), list_text(&b.owners));
    if oa != ob {
        let mut c = Change::changed("责任单位", oa, ob);
        let names = |l: &[ast::Spanned<String>]| -> Vec<String> {
            l.iter().map(|s| s.value.clone()).collect()
        };
        let (la, lb) = (names(&a.owners), names(&b.owners));
        let gone: Vec<&String> = la.iter().filter(|x| !lb.contains(x)).collect();
        let came: Vec<&String> = lb.iter().filter(|x| !la.contains(x)).collect();
        if !came.is_empty() {
            c.detail.push(format!("增加：{}", join(&came)));
        }
        if !gone.is_empty() {
            c.detail.push(format!("去掉：{}", join(&gone)));
        }
        out.push(c);
    }
    let cap = |i: &ast::Indicator| i.cap.as_ref().map_or("（无）".into(), |c| plain(c.value));
    text("封顶", cap(a), cap(b), &mut out);

    // Local definitions, by name.
    for l in &a.lets {
        match b.lets.iter().find(|m| m.name.value == l.name.value) {
            None => out.push(Change::removed(
                format!("定义 {}", l.name.value),
                src(o, l.span),
            )),
            Some(m) if !same(l, m) => out.push(Change::changed(
                format!("定义 {}", l.name.value),
                src(o, l.span),
                src(n, m.span),
            )),
            Some(_) => {}
        }
    }
    for m in &b.lets {
        if !a.lets.iter().any(|l| l.name.value == m.name.value) {
            out.push(Change::added(
                format!("定义 {}", m.name.value),
                src(n, m.span),
            ));
        }
    }

    match (&a.score, &b.score) {
        (Some(x), Some(y)) if !same(x, y) => out.extend(form_changes(o, x, n, y)),
        (Some(x), None) => out.push(Change::removed("计分方式", src(o, x.span()))),
        (None, Some(y)) => out.push(Change::added("计分方式", src(n, y.span()))),
        _ => {}
    }
    out
}

fn join(l: &[&String]) -> String {
    l.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("、")
}

/// How a scoring form changed: tier by tier, item by item where the forms have the same shape,
/// else the whole form's old and new text.
fn form_changes(o: &RuleSet, x: &ScoreForm, n: &RuleSet, y: &ScoreForm) -> Vec<Change> {
    let mut out = Vec::new();
    match (x, y) {
        (
            ScoreForm::Tiers {
                subject: s1,
                overlap: v1,
                tiers: t1,
                ..
            },
            ScoreForm::Tiers {
                subject: s2,
                overlap: v2,
                tiers: t2,
                ..
            },
        ) => {
            if !same(s1, s2) {
                out.push(Change::changed(
                    "分档依据",
                    src(o, s1.span),
                    src(n, s2.span),
                ));
            }
            let ov = |v: &Option<ast::Spanned<ast::Overlap>>| match v.as_ref().map(|v| v.value) {
                Some(ast::Overlap::Higher) => "取较高档",
                Some(ast::Overlap::Lower) => "取较低档",
                None => "（未写）",
            };
            if ov(v1) != ov(v2) {
                out.push(Change::changed("同属两档时", ov(v1), ov(v2)));
            }
            if !same(t1, t2) {
                let mut c = Change::changed(
                    "分档",
                    t1.iter().map(tier_text).collect::<Vec<_>>().join("；"),
                    t2.iter().map(tier_text).collect::<Vec<_>>().join("；"),
                );
                let mut typed = TierChange {
                    old: t1.clone(),
                    new: t2.clone(),
                    rows: Vec::new(),
                };
                for i in 0..t1.len().max(t2.len()) {
                    let (a, b) = (t1.get(i), t2.get(i));
                    if !matches!((a, b), (Some(a), Some(b)) if same(a, b)) {
                        typed.rows.push((i, a.cloned(), b.cloned()));
                    }
                    match (a, b) {
                        (Some(a), Some(b)) if !same(a, b) => {
                            c.detail.push(format!(
                                "第{}档：{} → {}",
                                i + 1,
                                tier_text(a),
                                tier_text(b)
                            ));
                        }
                        (Some(a), None) => {
                            c.detail
                                .push(format!("第{}档：删除 {}", i + 1, tier_text(a)))
                        }
                        (None, Some(b)) => {
                            c.detail
                                .push(format!("第{}档：新增 {}", i + 1, tier_text(b)))
                        }
                        _ => {}
                    }
                }
                c.tiers = Some(typed);
                out.push(c);
            }
        }
        (ScoreForm::Items { items: i1, .. }, ScoreForm::Items { items: i2, .. }) => {
            out.extend(item_changes(o, i1, n, i2));
        }
        (
            ScoreForm::Any {
                award: a1,
                items: i1,
                ..
            },
            ScoreForm::Any {
                award: a2,
                items: i2,
                ..
            },
        ) => {
            if a1.value != a2.value {
                out.push(Change::changed(
                    "符合任一项所得分值",
                    plain(a1.value),
                    plain(a2.value),
                ));
            }
            out.extend(item_changes(o, i1, n, i2));
        }
        (
            ScoreForm::EachYear {
                range: r1,
                award: a1,
                cond: c1,
                ..
            },
            ScoreForm::EachYear {
                range: r2,
                award: a2,
                cond: c2,
                ..
            },
        ) => {
            if !same(r1, r2) {
                out.push(Change::changed("年份", src(o, r1.span), src(n, r2.span)));
            }
            if a1.value != a2.value {
                out.push(Change::changed(
                    "每年分值",
                    plain(a1.value),
                    plain(a2.value),
                ));
            }
            if !same(c1, c2) {
                out.push(Change::changed(
                    "每年的条件",
                    src(o, c1.span),
                    src(n, c2.span),
                ));
            }
        }
        _ => {}
    }
    if out.is_empty() {
        out.push(Change::changed(
            "计分方式",
            src(o, x.span()),
            src(n, y.span()),
        ));
    }
    out
}

fn item_changes(o: &RuleSet, i1: &[ast::SubItem], n: &RuleSet, i2: &[ast::SubItem]) -> Vec<Change> {
    let mut out = Vec::new();
    let how = |r: &RuleSet, it: &ast::SubItem| match &it.how {
        ast::How::Judged(_) => "专家评审（judged）".to_string(),
        ast::How::When(e) => format!("when {}", src(r, e.span)),
    };
    let pts = |it: &ast::SubItem| {
        it.points
            .as_ref()
            .map_or("（无）".into(), |p| plain(p.value))
    };
    for a in i1 {
        let what = format!("子项 {}", a.no.value);
        match i2.iter().find(|b| b.no.value == a.no.value) {
            None => out.push(Change::removed(
                what,
                format!("{}（{} 分）", a.text.value, pts(a)),
            )),
            Some(b) if !same(a, b) => {
                let mut c = Change::changed(what, "", "");
                c.old = None;
                c.new = None;
                if a.text.value != b.text.value {
                    c.detail
                        .push(format!("文字：{}", word_diff(&a.text.value, &b.text.value)));
                }
                if pts(a) != pts(b) {
                    c.detail.push(format!("分值：{} → {}", pts(a), pts(b)));
                }
                let (h1, h2) = (how(o, a), how(n, b));
                let same_how = match (&a.how, &b.how) {
                    (ast::How::When(x), ast::How::When(y)) => same(x, y),
                    (ast::How::Judged(_), ast::How::Judged(_)) => true,
                    _ => false,
                };
                if !same_how {
                    c.detail.push(format!("判定：{h1} → {h2}"));
                }
                let (oa, ob) = (list_text(&a.owners), list_text(&b.owners));
                if oa != ob {
                    c.detail.push(format!("责任单位：{oa} → {ob}"));
                }
                out.push(c);
            }
            Some(_) => {}
        }
    }
    for b in i2 {
        if !i1.iter().any(|a| a.no.value == b.no.value) {
            out.push(Change::added(
                format!("子项 {}", b.no.value),
                format!("{}（{} 分，{}）", b.text.value, pts(b), how(n, b)),
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Word-level diff of texts

/// Characters of unchanged text kept on each side of a change.
const CONTEXT: usize = 8;

/// Splits a text into tokens: runs of ASCII letters, digits, `.` and `%` (so `15%` or `2023` is
/// one token), and every other character on its own (Chinese has no spaces between words).
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        let word = c.is_ascii_alphanumeric() || c == '.' || c == '%';
        match (word, start) {
            (true, None) => start = Some(i),
            (true, Some(_)) => {}
            (false, Some(st)) => {
                out.extend(s.get(st..i));
                start = None;
                out.extend(s.get(i..i + c.len_utf8()));
            }
            (false, None) => out.extend(s.get(i..i + c.len_utf8())),
        }
    }
    if let Some(st) = start {
        out.extend(s.get(st..));
    }
    out
}

enum Seg {
    Same(String),
    Diff(String, String),
}

/// The changes between two texts, inline: `…占比〔30% → 40%〕-…`, `〔删：…〕`, `〔增：…〕`, with
/// up to [`CONTEXT`] characters of unchanged text around each change.
pub fn word_diff(old: &str, new: &str) -> String {
    use similar::{Algorithm, DiffOp, capture_diff_slices};
    let (a, b) = (tokens(old), tokens(new));
    let ops = capture_diff_slices(Algorithm::Myers, &a, &b);
    // The ranges come from the diff of these very slices; `get` keeps that an invariant, not a panic.
    let part = |t: &[&str], from: usize, len: usize| -> String {
        t.get(from..from + len)
            .map(|x| x.concat())
            .unwrap_or_default()
    };
    let mut segs: Vec<Seg> = Vec::new();
    for op in ops {
        let (o, n): (String, String) = match op {
            DiffOp::Equal { old_index, len, .. } => {
                segs.push(Seg::Same(part(&a, old_index, len)));
                continue;
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => (part(&a, old_index, old_len), String::new()),
            DiffOp::Insert {
                new_index, new_len, ..
            } => (String::new(), part(&b, new_index, new_len)),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (part(&a, old_index, old_len), part(&b, new_index, new_len)),
        };
        match segs.last_mut() {
            Some(Seg::Diff(x, y)) => {
                x.push_str(&o);
                y.push_str(&n);
            }
            _ => segs.push(Seg::Diff(o, n)),
        }
    }
    // A change, one or two unchanged characters, a change: read better as one change.
    let mut merged: Vec<Seg> = Vec::new();
    for s in segs {
        if let Seg::Diff(o, n) = &s
            && let [.., Seg::Diff(..), Seg::Same(mid)] = merged.as_slice()
            && mid.chars().count() <= 2
        {
            let mid = mid.clone();
            merged.pop();
            if let Some(Seg::Diff(x, y)) = merged.last_mut() {
                x.push_str(&mid);
                x.push_str(o);
                y.push_str(&mid);
                y.push_str(n);
                continue;
            }
        }
        merged.push(s);
    }
    if !merged.iter().any(|s| matches!(s, Seg::Diff(..))) {
        return new.to_string();
    }
    let last = merged.len().saturating_sub(1);
    let mut out = String::new();
    for (i, s) in merged.iter().enumerate() {
        match s {
            Seg::Same(t) => {
                let chars: Vec<char> = t.chars().collect();
                let keep_head = if i == 0 { 0 } else { CONTEXT };
                let keep_tail = if i == last { 0 } else { CONTEXT };
                if chars.len() <= keep_head + keep_tail + 1 {
                    out.push_str(t);
                } else {
                    out.extend(chars.iter().take(keep_head));
                    out.push('…');
                    out.extend(chars.iter().skip(chars.len() - keep_tail));
                }
            }
            Seg::Diff(o, n) if o.is_empty() => {
                let _ = write!(out, "〔增：{n}〕");
            }
            Seg::Diff(o, n) if n.is_empty() => {
                let _ = write!(out, "〔删：{o}〕");
            }
            Seg::Diff(o, n) => {
                let _ = write!(out, "〔{o} → {n}〕");
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Rendering the rule diff

/// The rule diff as Chinese text.
pub fn to_text(d: &RuleDiff) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "规则对比：{} {} 版 → {} {} 版",
        d.old.id, d.old.version, d.new.id, d.new.version
    );
    let _ = writeln!(o, "  旧：{}（规则摘要 {}）", d.old.file, d.old.digest);
    let _ = writeln!(o, "  新：{}（规则摘要 {}）", d.new.file, d.new.digest);
    let n = d.count();
    if n == 0 {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "两个版本的规则在内容上没有差别（注释、排版和数字写法不计）。"
        );
        return o;
    }
    let section = |o: &mut String, title: &str, list: &[Change]| {
        if list.is_empty() {
            return;
        }
        let _ = writeln!(o);
        let _ = writeln!(o, "【{title}】");
        for c in list {
            change_lines(o, c, "  ");
        }
    };
    section(&mut o, "总体", &d.header);
    section(&mut o, "输入项", &d.inputs);
    section(&mut o, "函数和定义", &d.definitions);
    section(&mut o, "数据校验", &d.checks);
    for c in &d.categories {
        let _ = writeln!(o);
        let tag = match c.kind {
            Some(Kind::Added) => "（新增的一级指标）",
            Some(Kind::Removed) => "（删除的一级指标）",
            _ => "",
        };
        let _ = writeln!(o, "【{}】{tag}", c.name);
        if c.kind.is_none() {
            for ch in &c.changes {
                change_lines(&mut o, ch, "  ");
            }
        } else {
            for ch in &c.changes {
                let v = ch
                    .new
                    .as_ref()
                    .or(ch.old.as_ref())
                    .cloned()
                    .unwrap_or_default();
                let _ = writeln!(o, "  分值 {v}");
            }
        }
        for i in &c.indicators {
            match i.kind {
                Kind::Added => {
                    let _ = writeln!(
                        o,
                        "  新增指标 {}. {}（{} 分）",
                        i.new_no.unwrap_or(0),
                        i.name,
                        i.points
                    );
                }
                Kind::Removed => {
                    let _ = writeln!(
                        o,
                        "  删除指标 {}. {}（{} 分）",
                        i.old_no.unwrap_or(0),
                        i.name,
                        i.points
                    );
                }
                Kind::Changed => {
                    let no = match (i.old_no, i.new_no) {
                        (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
                        (_, Some(b)) => b.to_string(),
                        (Some(a), None) => a.to_string(),
                        (None, None) => String::new(),
                    };
                    let _ = writeln!(o, "  指标 {no}. {}：", i.name);
                    for ch in &i.changes {
                        change_lines(&mut o, ch, "    ");
                    }
                }
            }
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "共 {n} 处改动。");
    o
}

fn change_lines(o: &mut String, c: &Change, indent: &str) {
    match (&c.old, &c.new) {
        // A text with a word-level diff below is shown by the diff alone.
        (Some(a), Some(b))
            if c.detail.is_empty()
                || (!c.diff_only && a.chars().count() + b.chars().count() < 60) =>
        {
            let _ = writeln!(o, "{indent}{}：{a} → {b}", c.what);
        }
        (Some(_), Some(_)) | (None, None) => {
            let _ = writeln!(o, "{indent}{}：", c.what);
        }
        (None, Some(b)) => {
            let _ = writeln!(o, "{indent}{}{}：{b}", c.kind.word(), c.what);
        }
        (Some(a), None) => {
            let _ = writeln!(o, "{indent}{}{}：{a}", c.kind.word(), c.what);
        }
    }
    for line in &c.detail {
        let _ = writeln!(o, "{indent}  {line}");
    }
}

// ---------------------------------------------------------------------------------------------
// Impact on submissions

/// One side of a submission's impact: scored, or why it could not be.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Outcome {
    /// Scored.
    Scored {
        /// Total.
        total: String,
        /// Most there is.
        max: String,
        /// Verdict.
        passed: bool,
    },
    /// The submission cannot be scored under these rules.
    Unusable {
        /// The problems, one line each.
        problems: Vec<String>,
    },
}

impl Outcome {
    fn text(&self) -> String {
        match self {
            Outcome::Scored { total, max, passed } => {
                format!("{} {total}/{max}", if *passed { "合格" } else { "不合格" })
            }
            Outcome::Unusable { .. } => "无法评估".into(),
        }
    }
}

/// A pass condition under both rule sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConditionChange {
    /// The old condition and whether it held.
    pub old: Option<(String, bool)>,
    /// The new one.
    pub new: Option<(String, bool)>,
    /// Categories failing the new condition.
    pub failing: Vec<String>,
}

/// A category under both rule sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryChange {
    /// The name.
    pub name: String,
    /// `16.5/20（82.5%，达标）` under the old rules.
    pub old: Option<String>,
    /// The same under the new rules.
    pub new: Option<String>,
}

/// An indicator whose result changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorChange {
    /// Number under the old rules.
    pub old_no: Option<u32>,
    /// Number under the new rules.
    pub new_no: Option<u32>,
    /// Name.
    pub name: String,
    /// `2 / 2 分` under the old rules.
    pub old: Option<String>,
    /// The same under the new rules.
    pub new: Option<String>,
    /// The old explanation lines.
    pub old_why: Vec<String>,
    /// The new explanation lines.
    pub new_why: Vec<String>,
}

/// One submission scored under both rule sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Impact {
    /// The submission file.
    pub file: String,
    /// Its region.
    pub region: Option<String>,
    /// Under the old rules.
    pub old: Outcome,
    /// Under the new rules.
    pub new: Outcome,
    /// Whether the verdict differs.
    pub verdict_changed: bool,
    /// Pass conditions that differ (text or result).
    pub conditions: Vec<ConditionChange>,
    /// Categories whose score, rate or result differs.
    pub categories: Vec<CategoryChange>,
    /// Indicators whose score or status differs.
    pub indicators: Vec<IndicatorChange>,
}

fn outcome(e: Option<&Evaluation>, problems: &[String]) -> Outcome {
    match e {
        Some(e) => Outcome::Scored {
            total: plain(e.total),
            max: plain(e.max),
            passed: e.passed,
        },
        None => Outcome::Unusable {
            problems: problems.to_vec(),
        },
    }
}

/// `16.5/20（82.50%，达标）`: rates as the text report shows them (two places, `约` when rounded).
fn category_text(c: &crate::eval::CategoryResult) -> String {
    let rate = c.rate.map_or("—".into(), |r| {
        let p = (r * rust_decimal::Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let approx = if c.rate_exact && p == r * rust_decimal::Decimal::ONE_HUNDRED {
            ""
        } else {
            "约"
        };
        format!("{approx}{p:.2}%")
    });
    let verdict = match c.passed {
        Some(true) => "，达标",
        Some(false) => "，未达标",
        None => "",
    };
    format!("{}/{}（{rate}{verdict}）", plain(c.score), plain(c.points))
}

fn indicator_text(i: &IndicatorResult) -> String {
    let status = match i.status {
        Status::Scored => "",
        Status::Missing => "（缺少数据）",
        Status::Error => "（规则出错）",
    };
    format!("{} / {} 分{status}", plain(i.score), plain(i.points))
}

/// What changes for one submission between two evaluations. `None` stands for a submission that
/// cannot be scored under that side's rules; `problems` then say why.
pub fn impact(
    file: &str,
    region: Option<&str>,
    old: Option<&Evaluation>,
    old_problems: &[String],
    new: Option<&Evaluation>,
    new_problems: &[String],
) -> Impact {
    let mut imp = Impact {
        file: file.to_string(),
        region: region.map(String::from),
        old: outcome(old, old_problems),
        new: outcome(new, new_problems),
        verdict_changed: false,
        conditions: Vec::new(),
        categories: Vec::new(),
        indicators: Vec::new(),
    };
    let (Some(a), Some(b)) = (old, new) else {
        // Scored under one side only: that alone changes the verdict.
        imp.verdict_changed = old.is_some() != new.is_some();
        return imp;
    };
    imp.verdict_changed = a.passed != b.passed;
    for i in 0..a.conditions.len().max(b.conditions.len()) {
        let (x, y) = (a.conditions.get(i), b.conditions.get(i));
        let differs = match (x, y) {
            (Some(x), Some(y)) => x.text() != y.text() || x.held != y.held,
            _ => true,
        };
        if differs {
            imp.conditions.push(ConditionChange {
                old: x.map(|c| (c.text(), c.held)),
                new: y.map(|c| (c.text(), c.held)),
                failing: y.map(|c| c.failing.clone()).unwrap_or_default(),
            });
        }
    }
    let mut names: Vec<&str> = b.categories.iter().map(|c| c.name.as_str()).collect();
    for c in &a.categories {
        if !names.contains(&c.name.as_str()) {
            names.push(&c.name);
        }
    }
    for name in names {
        let x = a
            .categories
            .iter()
            .find(|c| c.name == name)
            .map(category_text);
        let y = b
            .categories
            .iter()
            .find(|c| c.name == name)
            .map(category_text);
        if x != y {
            imp.categories.push(CategoryChange {
                name: name.to_string(),
                old: x,
                new: y,
            });
        }
    }
    let ka: Vec<(u32, &str)> = a
        .indicators
        .iter()
        .map(|i| (i.no, i.name.as_str()))
        .collect();
    let kb: Vec<(u32, &str)> = b
        .indicators
        .iter()
        .map(|i| (i.no, i.name.as_str()))
        .collect();
    let mut pairs = pair_indicators(&ka, &kb);
    pairs.sort_by_key(|(i, j)| (j.unwrap_or(usize::MAX), i.unwrap_or(usize::MAX)));
    for (i, j) in pairs {
        let (x, y) = (
            i.and_then(|i| a.indicators.get(i)),
            j.and_then(|j| b.indicators.get(j)),
        );
        let differs = match (x, y) {
            (Some(x), Some(y)) => {
                x.score != y.score || x.status != y.status || x.points != y.points
            }
            _ => true,
        };
        if differs {
            imp.indicators.push(IndicatorChange {
                old_no: x.map(|x| x.no),
                new_no: y.map(|y| y.no),
                name: y.or(x).map(|i| i.name.clone()).unwrap_or_default(),
                old: x.map(indicator_text),
                new: y.map(indicator_text),
                old_why: x.map(|x| x.explanation()).unwrap_or_default(),
                new_why: y.map(|y| y.explanation()).unwrap_or_default(),
            });
        }
    }
    imp
}

/// The impacts as Chinese text: a summary table, then each submission's changes.
pub fn impacts_to_text(list: &[Impact]) -> String {
    let mut o = String::new();
    if list.is_empty() {
        return o;
    }
    let _ = writeln!(o, "对申报文件的影响（{} 份）：", list.len());
    for imp in list {
        let who = imp.region.as_deref().unwrap_or("（未填写地区）");
        let mark = if imp.verdict_changed {
            "　← 结论改变"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "  {who}（{}）：{} → {}{mark}",
            imp.file,
            imp.old.text(),
            imp.new.text()
        );
    }
    for imp in list {
        let who = imp.region.as_deref().unwrap_or("（未填写地区）");
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "〔{who}〕{}：{} → {}",
            imp.file,
            imp.old.text(),
            imp.new.text()
        );
        for (side, out) in [("旧版本", &imp.old), ("新版本", &imp.new)] {
            if let Outcome::Unusable { problems } = out {
                let _ = writeln!(o, "  按{side}无法评估：");
                for p in problems {
                    let _ = writeln!(o, "    - {p}");
                }
            }
        }
        let unchanged =
            imp.conditions.is_empty() && imp.categories.is_empty() && imp.indicators.is_empty();
        if unchanged
            && matches!(
                (&imp.old, &imp.new),
                (Outcome::Scored { .. }, Outcome::Scored { .. })
            )
        {
            let _ = writeln!(o, "  各项得分都没有变化。");
            continue;
        }
        if !imp.conditions.is_empty() {
            let _ = writeln!(o, "  合格条件：");
            for c in &imp.conditions {
                let show = |x: &Option<(String, bool)>| match x {
                    Some((t, held)) => format!("{} {t}", if *held { "✓" } else { "✗" }),
                    None => "（无）".into(),
                };
                let failing = if c.failing.is_empty() {
                    String::new()
                } else {
                    format!("（未达到：{}）", c.failing.join("、"))
                };
                let _ = writeln!(o, "    {} → {}{failing}", show(&c.old), show(&c.new));
            }
        }
        if !imp.categories.is_empty() {
            let _ = writeln!(o, "  一级指标：");
            for c in &imp.categories {
                let _ = writeln!(
                    o,
                    "    {}：{} → {}",
                    c.name,
                    c.old.as_deref().unwrap_or("（无）"),
                    c.new.as_deref().unwrap_or("（无）")
                );
            }
        }
        if !imp.indicators.is_empty() {
            let _ = writeln!(o, "  指标：");
            for i in &imp.indicators {
                let no = match (i.old_no, i.new_no) {
                    (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
                    (_, Some(b)) => b.to_string(),
                    (Some(a), None) => a.to_string(),
                    (None, None) => String::new(),
                };
                let _ = writeln!(
                    o,
                    "    {no}. {}：{} → {}",
                    i.name,
                    i.old.as_deref().unwrap_or("（无此指标）"),
                    i.new.as_deref().unwrap_or("（无此指标）")
                );
                for l in &i.old_why {
                    let _ = writeln!(o, "       旧：{l}");
                }
                for l in &i.new_why {
                    let _ = writeln!(o, "       新：{l}");
                }
            }
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_keeps_numbers_whole_and_merges_near_changes() {
        assert_eq!(
            word_diff("占比30%-50%得1分", "占比40%-60%得1分"),
            "占比〔30%-50% → 40%-60%〕得1分"
        );
        assert_eq!(
            word_diff("建立投诉机制", "建立健全投诉机制"),
            "建立〔增：健全〕投诉机制"
        );
        assert_eq!(word_diff("甲乙丙", "甲丙"), "甲〔删：乙〕丙");
        assert_eq!(word_diff("相同", "相同"), "相同");
        let long = "一二三四五六七八九十一二三四五六七八九十";
        assert_eq!(
            word_diff(&format!("{long}甲{long}"), &format!("{long}乙{long}")),
            "…三四五六七八九十〔甲 → 乙〕一二三四五六七八…"
        );
    }

    #[test]
    fn tokens_split_chinese_by_character_and_numbers_whole() {
        assert_eq!(
            tokens("超过5千万的2家"),
            ["超", "过", "5", "千", "万", "的", "2", "家"]
        );
        assert_eq!(tokens("15.5%以上"), ["15.5%", "以", "上"]);
    }

    #[test]
    fn indicators_pair_by_number_and_name_then_name_then_number() {
        let old = [(1, "甲"), (2, "乙"), (3, "丙")];
        let new = [(1, "甲"), (2, "丙"), (3, "丁")];
        let mut pairs = pair_indicators(&old, &new);
        pairs.sort();
        // 甲 kept; 丙 renumbered 3 → 2; 乙 removed; 丁 added.
        assert_eq!(
            pairs,
            [
                (None, Some(2)),
                (Some(0), Some(0)),
                (Some(1), None),
                (Some(2), Some(1))
            ]
        );
    }
}
