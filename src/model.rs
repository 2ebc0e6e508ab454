//! Stage 2: syntax trees to a resolved, checked rule set.
//!
//! Resolution makes sure every name means something (inputs, `let`s, `fn`s, parameters, loop
//! variables and built-ins), that numbers are unique, that every indicator has a way to score,
//! that functions and `let`s do not call themselves, and compiles each embedded script once. It
//! also derives the judgement keys (`"12.1"`, `"10"`) that a submission may carry. Everything it
//! finds is a diagnostic; a rule set with errors is still returned so `lint` can go on.

use crate::codes;
use crate::diag::{Diagnostic, Span, suggest};
use crate::script::{ScriptEngine, ScriptError};
use crate::syntax::ast::{self, Basis, ExprKind, How, ScalarKind, ScoreForm};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// A line of the rule files: which file (when the rules come from several) and which line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleLine {
    /// The file's name, when the rules were built from several files (`extends`).
    pub file: Option<String>,
    /// The 1-based line.
    pub line: usize,
}

/// Built-in functions and their arity (min, max).
pub const BUILTINS: &[(&str, usize, usize)] = &[
    ("min", 2, 16),
    ("max", 2, 16),
    ("sum", 1, 1),
    ("abs", 1, 1),
    ("len", 1, 1),
];

/// A resolved rule set: what `eval`, `lint` and the report work from.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// The file the rules were read from.
    pub file: Arc<str>,
    /// The header.
    pub header: ast::Header,
    /// Declared inputs, in file order.
    pub inputs: Vec<ast::InputDecl>,
    /// Input index by key.
    pub input_index: HashMap<String, usize>,
    /// User functions by name.
    pub fns: HashMap<String, ast::FnDecl>,
    /// Top-level `let`s by name.
    pub lets: HashMap<String, ast::LetDecl>,
    /// Data checks.
    pub checks: Vec<ast::CheckDecl>,
    /// Categories.
    pub categories: Vec<ast::Category>,
    /// Judgement keys a submission may use, and what they stand for.
    pub judgements: BTreeMap<String, JudgementSlot>,
    /// Keys of sub-items computed from data (a judgement for one is an error).
    pub computed_items: BTreeMap<String, String>,
    /// Compiled scripts by the byte offset of their code.
    pub scripts: Arc<ScriptEngine>,
    /// `sha256:` digest of the rules. For a rule set read from one file it is the digest of
    /// that file's text; for one built from several (`extends`, `accepts`) it covers every one
    /// of them (see [`crate::versions`]).
    pub digest: String,
    /// The rule text every span indexes: the file's text, or for a rule set built from several
    /// files their texts joined in [`RuleSet::parts`] order, one newline apart.
    pub text: Arc<str>,
    /// The files the rules were built from, the base first and the file named by `file` last.
    /// Map a span to its file and place with [`RuleSet::place`].
    pub parts: Vec<RulePart>,
    /// The rule set named by `accepts`, whose other keys a submission may carry.
    pub accepted: Option<Accepted>,
}

/// One file a rule set was built from.
#[derive(Debug, Clone, PartialEq)]
pub struct RulePart {
    /// The file name (a path, or a built-in name).
    pub name: Arc<str>,
    /// Its text.
    pub text: Arc<str>,
    /// Where its text starts in [`RuleSet::text`].
    pub offset: usize,
    /// The rule set id it declares.
    pub id: String,
    /// The version it declares.
    pub version: String,
    /// `sha256:` digest of its text.
    pub digest: String,
    /// Its top-level `allow` lines, spans in [`RuleSet::text`]: the rule set keeps no other
    /// record of them, and the linter needs them without parsing the file again.
    pub allows: Vec<ast::Allow>,
}

/// `accepts "set@version"`: submissions written for another rule set are read by this one.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    /// The accepted rule set's id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Its resolved digest.
    pub digest: String,
    /// The files it was built from (its own [`RuleSet::parts`], then the files of what it
    /// accepts in turn): a change to any of them can change what this rule set reports.
    pub files: Vec<Arc<str>>,
    /// Its data keys that this rule set does not declare: ignored when a submission has them.
    pub data_keys: std::collections::BTreeSet<String>,
    /// Its judgement keys that this rule set does not have: ignored likewise.
    pub judgement_keys: std::collections::BTreeSet<String>,
}

/// What a judgement key stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgementSlot {
    /// The indicator number.
    pub indicator: u32,
    /// The sub-item number, or `None` for a whole indicator.
    pub item: Option<u32>,
    /// The text the judgement is about.
    pub text: String,
    /// The most points a judgement may award.
    pub max: Decimal,
}

impl RuleSet {
    /// The input declaration for a key.
    pub fn input(&self, key: &str) -> Option<&ast::InputDecl> {
        self.input_index.get(key).and_then(|i| self.inputs.get(*i))
    }

    /// Every indicator with its category, in file order.
    pub fn indicators(&self) -> impl Iterator<Item = (&ast::Category, &ast::Indicator)> {
        self.categories
            .iter()
            .flat_map(|c| c.indicators.iter().map(move |i| (c, i)))
    }

    /// Whether the file named `file` went into this rule set: one of its [`RuleSet::parts`], or
    /// a file of the rule set it `accepts` (whose declarations it is checked against).
    pub fn built_from(&self, file: &str) -> bool {
        self.parts.iter().any(|p| &*p.name == file)
            || self
                .accepted
                .as_ref()
                .is_some_and(|a| a.files.iter().any(|f| &**f == file))
    }

    /// The rule set id.
    pub fn id(&self) -> &str {
        &self.header.id.value
    }

    /// The version, or an empty string.
    pub fn version(&self) -> &str {
        self.header
            .version
            .as_ref()
            .map_or("", |v| v.value.as_str())
    }

    /// The file a span of this rule set was written in, and the span within that file.
    pub fn place(&self, span: Span) -> (Arc<str>, Span) {
        match part_at(&self.parts, span.start) {
            Some(p) => (
                p.name.clone(),
                Span::new(span.start - p.offset, span.end.saturating_sub(p.offset)),
            ),
            None => (self.file.clone(), span),
        }
    }

    /// A diagnostic pointed at a span of this rule set (`.at(&rules.file, span)`), pointed
    /// instead at the file and place the span was written in. Places in other files than the
    /// main one are named in the help text.
    pub fn localize(&self, d: Diagnostic) -> Diagnostic {
        localize(&self.parts, &self.file, d)
    }

    /// The line an offset is on, and its file when the rules were built from several.
    pub fn rule_line(&self, offset: usize) -> RuleLine {
        match part_at(&self.parts, offset) {
            Some(p) if self.parts.len() > 1 => RuleLine {
                file: Some(p.name.to_string()),
                line: crate::diag::line_col(&p.text, offset - p.offset).0,
            },
            _ => RuleLine {
                file: None,
                line: crate::diag::line_col(&self.text, offset).0,
            },
        }
    }

    /// Adds the text of every file the rules were built from, so diagnostics can be shown.
    pub fn add_sources(&self, sources: &mut crate::diag::SourceMap) {
        for p in &self.parts {
            sources.add(&p.name, &p.text);
        }
    }

    /// Whether a data key this rule set does not declare belongs to the rule set it `accepts`
    /// (and is then ignored rather than an error).
    pub fn accepts_data_key(&self, key: &str) -> bool {
        self.accepted
            .as_ref()
            .is_some_and(|a| a.data_keys.contains(key))
    }

    /// Whether a judgement key this rule set does not have belongs to the rule set it `accepts`.
    pub fn accepts_judgement_key(&self, key: &str) -> bool {
        self.accepted
            .as_ref()
            .is_some_and(|a| a.judgement_keys.contains(key))
    }

    /// How category rates are taken.
    pub fn rate_basis(&self) -> Basis {
        self.header
            .category_rate
            .as_ref()
            .map_or(Basis::Declared, |b| b.value)
    }

    /// How category scores are capped.
    pub fn cap_basis(&self) -> Basis {
        self.header
            .category_cap
            .as_ref()
            .map_or(Basis::None, |b| b.value)
    }
}

/// The part whose text contains byte `at` of the joined text.
fn part_at(parts: &[RulePart], at: usize) -> Option<&RulePart> {
    parts
        .iter()
        .rev()
        .find(|p| p.offset <= at && at <= p.offset + p.text.len())
}

/// Points a diagnostic about `joined` (spans in the joined text of `parts`) at the file and
/// place each span was written in. Diagnostics about other files are returned unchanged.
pub fn localize(parts: &[RulePart], joined: &Arc<str>, mut d: Diagnostic) -> Diagnostic {
    if parts.len() < 2 || d.file.as_ref() != Some(joined) {
        return d;
    }
    let Some(span) = d.span else {
        return d;
    };
    let Some(home) = part_at(parts, span.start) else {
        return d;
    };
    d.file = Some(home.name.clone());
    d.span = Some(Span::new(
        span.start - home.offset,
        span.end.saturating_sub(home.offset),
    ));
    let mut elsewhere = Vec::new();
    let related = std::mem::take(&mut d.related);
    for (s, text) in related {
        match part_at(parts, s.start) {
            Some(p) if p.name == home.name => d.related.push((
                Span::new(s.start - p.offset, s.end.saturating_sub(p.offset)),
                text,
            )),
            Some(p) => {
                let (line, _) = crate::diag::line_col(&p.text, s.start - p.offset);
                elsewhere.push(format!("{}（{}:{line}）", text, p.name));
            }
            None => {}
        }
    }
    if !elsewhere.is_empty() {
        let note = format!("另见：{}", elsewhere.join("；"));
        d.help = Some(match d.help.take() {
            Some(h) => format!("{h}。{note}"),
            None => note,
        });
    }
    d
}

/// The `sha256:` digest of a text.
pub fn digest(text: &str) -> String {
    let hash = Sha256::digest(text.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The most indicators one rule set may have.
pub const MAX_INDICATORS: usize = 1_000;
/// The most inputs one rule set may declare.
pub const MAX_INPUTS: usize = 2_000;

/// Resolves a parsed file.
pub fn resolve(
    file: &Arc<str>,
    text: &str,
    ast: ast::File,
    diags: &mut Vec<Diagnostic>,
) -> Option<RuleSet> {
    let mut r = Resolver {
        file: file.clone(),
        diags,
    };
    let Some(header) = ast.header.clone() else {
        r.err(
            Diagnostic::error(codes::MISSING, "规则文件缺少 ruleset 头")
                .in_file(file)
                .help("在文件开头写 ruleset 编号 \"名称\" { version \"…\" effective 年-月-日 pass … }"),
        );
        return None;
    };
    r.header(&header, &ast.categories);
    let indicators: usize = ast.categories.iter().map(|c| c.indicators.len()).sum();
    if indicators > MAX_INDICATORS || ast.inputs.len() > MAX_INPUTS {
        r.err(
            Diagnostic::error(
                codes::LIMIT,
                format!(
                    "规则文件有 {indicators} 个指标、{} 个输入项，超过上限（最多 {MAX_INDICATORS} 个指标、{MAX_INPUTS} 个输入项）",
                    ast.inputs.len()
                ),
            )
            .in_file(file)
            .help("检查文件是否被重复粘贴；确实需要时，把指标体系拆成几个规则集"),
        );
        return None;
    }

    let mut input_index = HashMap::new();
    for (i, inp) in ast.inputs.iter().enumerate() {
        if let Some(prev) = input_index.insert(inp.name.value.clone(), i) {
            if let Some(first) = ast.inputs.get(prev) {
                r.dup(&inp.name, first.name.span, "输入项");
            }
            input_index.insert(inp.name.value.clone(), prev);
        }
        r.input(inp);
    }
    let mut fns = HashMap::new();
    for f in &ast.fns {
        if input_index.contains_key(&f.name.value) || BUILTINS.iter().any(|b| b.0 == f.name.value) {
            r.err(
                Diagnostic::error(
                    codes::DUPLICATE,
                    format!("函数名“{}”与输入项或内置函数重名", f.name.value),
                )
                .at(file, f.name.span)
                .help("换一个名字"),
            );
        }
        if let Some(prev) = fns.insert(f.name.value.clone(), f.clone()) {
            r.dup(&f.name, prev.name.span, "函数");
        }
    }
    let mut lets = HashMap::new();
    for l in &ast.lets {
        if input_index.contains_key(&l.name.value) || fns.contains_key(&l.name.value) {
            r.err(
                Diagnostic::error(
                    codes::DUPLICATE,
                    format!("“{}”已被输入项或函数使用", l.name.value),
                )
                .at(file, l.name.span)
                .help("换一个名字"),
            );
        }
        if let Some(prev) = lets.insert(l.name.value.clone(), l.clone()) {
            r.dup(&l.name, prev.name.span, "定义");
        }
    }

    let engine = ScriptEngine::new(ast.inputs.iter().map(|i| i.name.value.clone()).collect());
    let ctx = Ctx {
        inputs: &input_index,
        fns: &fns,
        lets: &lets,
        engine: &engine,
    };
    for f in &ast.fns {
        let scope: Vec<&str> = f.params.iter().map(|p| p.value.as_str()).collect();
        r.expr(&f.body, &ctx, &scope);
    }
    for l in &ast.lets {
        r.expr(&l.value, &ctx, &[]);
    }
    for c in &ast.checks {
        r.expr(&c.cond, &ctx, &[]);
    }
    r.cycles(&fns, &lets);

    let mut judgements = BTreeMap::new();
    let mut computed_items = BTreeMap::new();
    let mut numbers: HashMap<u32, Span> = HashMap::new();
    for cat in &ast.categories {
        for ind in &cat.indicators {
            if let Some(prev) = numbers.insert(ind.no.value, ind.no.span) {
                r.err(
                    Diagnostic::error(codes::DUPLICATE, format!("指标编号 {} 重复", ind.no.value))
                        .at(file, ind.no.span)
                        .related(prev, "第一次出现在这里")
                        .help("每个指标的编号必须唯一"),
                );
            }
            r.indicator(ind, &ctx, &mut judgements, &mut computed_items);
        }
    }

    // One digest and one copy of the text, shared by the rule set and its only part.
    let shared: Arc<str> = Arc::from(text);
    let text_digest = digest(text);
    let part = RulePart {
        name: file.clone(),
        text: shared.clone(),
        offset: 0,
        id: header.id.value.clone(),
        version: header
            .version
            .as_ref()
            .map(|v| v.value.clone())
            .unwrap_or_default(),
        digest: text_digest.clone(),
        allows: ast.allows.clone(),
    };
    Some(RuleSet {
        file: file.clone(),
        header,
        inputs: ast.inputs,
        input_index,
        fns,
        lets,
        checks: ast.checks,
        categories: ast.categories,
        judgements,
        computed_items,
        scripts: Arc::new(engine),
        digest: text_digest,
        text: shared,
        parts: vec![part],
        accepted: None,
    })
}

struct Ctx<'a> {
    inputs: &'a HashMap<String, usize>,
    fns: &'a HashMap<String, ast::FnDecl>,
    lets: &'a HashMap<String, ast::LetDecl>,
    engine: &'a ScriptEngine,
}

struct Resolver<'d> {
    file: Arc<str>,
    diags: &'d mut Vec<Diagnostic>,
}

impl Resolver<'_> {
    fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn dup(&mut self, name: &ast::Spanned<String>, prev: Span, what: &str) {
        self.err(
            Diagnostic::error(codes::DUPLICATE, format!("{what}“{}”重复定义", name.value))
                .at(&self.file, name.span)
                .related(prev, "第一次定义在这里")
                .help("删除其中一个，或换一个名字"),
        );
    }

    fn header(&mut self, h: &ast::Header, cats: &[ast::Category]) {
        if let Some(b) = &h.category_rate
            && b.value == Basis::None
        {
            self.err(
                    Diagnostic::error(codes::MISUSE, "category_rate 只能是 declared 或 indicators")
                        .at(&self.file, b.span)
                        .help("declared：得分率 = 得分 / 一级指标声明分值；indicators：得分率 = 得分 / 所含指标分值之和"),
                );
        }
        if h.pass.is_empty() {
            self.err(
                Diagnostic::error(codes::MISSING, "ruleset 头缺少合格规则 pass")
                    .at(&self.file, h.id.span)
                    .help("例如：pass total >= 85 and every category rate >= 75%"),
            );
        }
        for c in &h.pass {
            if let ast::PassSubject::Category(name, _) = &c.subject
                && !cats.iter().any(|k| k.name.value == name.value)
            {
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_CATEGORY,
                    format!("合格规则中的一级指标“{}”不存在", name.value),
                )
                .at(&self.file, name.span);
                if let Some(s) = suggest(&name.value, cats.iter().map(|k| k.name.value.as_str())) {
                    d = d.help(format!("是否想写“{s}”？"));
                }
                self.err(d);
            }
        }
    }

    fn input(&mut self, inp: &ast::InputDecl) {
        if inp.kind.value == ScalarKind::Bool && (inp.yearly || inp.list) {
            self.err(
                Diagnostic::error(codes::MISUSE, "是/否类型的输入项不能按年填报或填成列表")
                    .at(&self.file, inp.kind.span)
                    .help("改用 count 或 decimal，或拆成几个是/否输入项"),
            );
        }
        if inp.kind.value == ScalarKind::Bool && inp.unit.is_some() {
            self.err(
                Diagnostic::error(codes::MISUSE, "是/否类型的输入项不能带单位")
                    .at(&self.file, inp.kind.span)
                    .help("删除单位"),
            );
        }
        if inp.kind.value == ScalarKind::Percent
            && let Some(u) = &inp.unit
        {
            self.err(
                Diagnostic::error(codes::MISUSE, "百分比不能带单位")
                    .at(&self.file, u.span)
                    .help("删除单位，百分比写成 96.5% 或 0.965"),
            );
        }
    }

    fn check_name(&mut self, name: &str, span: Span, ctx: &Ctx, scope: &[&str]) {
        if scope.contains(&name) || ctx.inputs.contains_key(name) || ctx.lets.contains_key(name) {
            return;
        }
        if ctx.fns.contains_key(name) {
            self.err(
                Diagnostic::error(codes::BAD_CALL, format!("“{name}”是函数，需要带参数调用"))
                    .at(&self.file, span)
                    .help(format!("写成 {name}(…)")),
            );
            return;
        }
        let mut d = Diagnostic::error(codes::UNKNOWN_NAME, format!("未声明的名称“{name}”"))
            .at(&self.file, span)
            .label("这个名称没有声明");
        let candidates = scope
            .iter()
            .copied()
            .chain(ctx.inputs.keys().map(String::as_str))
            .chain(ctx.lets.keys().map(String::as_str));
        d = match suggest(name, candidates) {
            Some(s) => d.help(format!("是否想写“{s}”？")),
            None => d.help("在文件里用 input 声明这个输入项，或用 let 定义它"),
        };
        self.err(d);
    }

    fn expr(&mut self, e: &ast::Expr, ctx: &Ctx, scope: &[&str]) {
        match &e.kind {
            ExprKind::Lit(_) | ExprKind::Bool(_) | ExprKind::Year => {}
            ExprKind::Name(n) => self.check_name(n, e.span, ctx, scope),
            ExprKind::Call(name, args) => {
                for a in args {
                    self.expr(a, ctx, scope);
                }
                let arity = if let Some(f) = ctx.fns.get(&name.value) {
                    Some((f.params.len(), f.params.len()))
                } else if let Some(b) = BUILTINS.iter().find(|b| b.0 == name.value) {
                    Some((b.1, b.2))
                } else {
                    let mut d = Diagnostic::error(
                        codes::UNKNOWN_NAME,
                        format!("未定义的函数“{}”", name.value),
                    )
                    .at(&self.file, name.span);
                    let cands = ctx
                        .fns
                        .keys()
                        .map(String::as_str)
                        .chain(BUILTINS.iter().map(|b| b.0));
                    d = match suggest(&name.value, cands) {
                        Some(s) => d.help(format!("是否想写“{s}”？")),
                        None => d.help("用 fn 定义这个函数；内置函数有 min、max、sum、abs、len"),
                    };
                    self.err(d);
                    None
                };
                if let Some((lo, hi)) = arity
                    && (args.len() < lo || args.len() > hi)
                {
                    let want = if lo == hi {
                        lo.to_string()
                    } else {
                        format!("{lo} 到 {hi}")
                    };
                    self.err(
                        Diagnostic::error(
                            codes::BAD_CALL,
                            format!(
                                "函数“{}”需要 {want} 个参数，这里给了 {} 个",
                                name.value,
                                args.len()
                            ),
                        )
                        .at(&self.file, e.span)
                        .help("对照函数定义检查参数"),
                    );
                }
            }
            ExprKind::Index(a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::Cmp(_, a, b)
            | ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Coalesce(a, b) => {
                self.expr(a, ctx, scope);
                self.expr(b, ctx, scope);
            }
            ExprKind::Neg(a) | ExprKind::Not(a) => self.expr(a, ctx, scope),
            ExprKind::Quant {
                var, range, body, ..
            } => {
                self.expr(&range.from, ctx, scope);
                self.expr(&range.to, ctx, scope);
                let mut inner: Vec<&str> = scope.to_vec();
                inner.push(&var.value);
                self.expr(body, ctx, &inner);
            }
            ExprKind::CountWhere { var, list, cond } => {
                self.expr(list, ctx, scope);
                let mut inner: Vec<&str> = scope.to_vec();
                inner.push(&var.value);
                self.expr(cond, ctx, &inner);
            }
            ExprKind::Script(s) => {
                if let Err(e) = ctx.engine.compile(s, scope) {
                    self.script_error(s, &e);
                }
            }
        }
    }

    fn script_error(&mut self, s: &ast::Script, e: &ScriptError) {
        let at = s.code_offset + e.offset.min(s.code.len());
        self.err(
            Diagnostic::error(codes::SCRIPT, format!("脚本无法编译：{}", e.message))
                .at(&self.file, Span::new(at, at + 1))
                .label("这里")
                .help("脚本用 Rhai 语言书写；只能读取已声明的输入项"),
        );
    }

    fn indicator(
        &mut self,
        ind: &ast::Indicator,
        ctx: &Ctx,
        judgements: &mut BTreeMap<String, JudgementSlot>,
        computed: &mut BTreeMap<String, String>,
    ) {
        let mut scope: Vec<&str> = Vec::new();
        let mut local: HashMap<&str, Span> = HashMap::new();
        for l in &ind.lets {
            self.expr(&l.value, ctx, &scope);
            if let Some(prev) = local.insert(&l.name.value, l.name.span) {
                self.dup(&l.name, prev, "定义");
            }
            scope.push(&l.name.value);
        }
        let Some(form) = &ind.score else {
            self.err(
                Diagnostic::error(
                    codes::MISSING,
                    format!("指标 {} 没有计分方式", ind.no.value),
                )
                .at(&self.file, ind.head_span)
                .help("加一行 score …，如 score judged 或 score tiers …"),
            );
            return;
        };
        self.form(ind, form, ctx, &scope, judgements, computed, true);
    }

    #[allow(clippy::too_many_arguments)]
    fn form(
        &mut self,
        ind: &ast::Indicator,
        form: &ScoreForm,
        ctx: &Ctx,
        scope: &[&str],
        judgements: &mut BTreeMap<String, JudgementSlot>,
        computed: &mut BTreeMap<String, String>,
        top: bool,
    ) {
        // Names: every expression of the form, in the scope it is written in (nested forms
        // are checked below, each on its own).
        if form.nested().is_empty() {
            form.each_expr(&mut |e, role| match role.bound() {
                Some(var) => {
                    let mut inner = scope.to_vec();
                    inner.push(&var.value);
                    self.expr(e, ctx, &inner);
                }
                None => self.expr(e, ctx, scope),
            });
        }
        // What only some forms have: a tier table, sub-items, a judgement of the whole
        // indicator, nested forms.
        if let ScoreForm::Tiers { tiers, .. } = form
            && tiers.is_empty()
        {
            self.err(
                Diagnostic::error(codes::MISSING, "分档表是空的")
                    .at(&self.file, form.span())
                    .help("至少写一档，如 [8%, 15%] => 1"),
            );
        }
        let mut seen: HashMap<u32, Span> = HashMap::new();
        for it in form.items() {
            if let Some(prev) = seen.insert(it.no.value, it.no.span) {
                self.err(
                    Diagnostic::error(codes::DUPLICATE, format!("子项编号 {} 重复", it.no.value))
                        .at(&self.file, it.no.span)
                        .related(prev, "第一次出现在这里")
                        .help("子项按 1、2、3 依次编号"),
                );
            }
            let points = match (&it.points, form.item_award()) {
                (Some(p), _) => p.value,
                (None, Some(award)) => award.value,
                (None, None) => {
                    self.err(
                        Diagnostic::error(
                            codes::MISUSE,
                            format!("子项 {}.{} 没有写分值", ind.no.value, it.no.value),
                        )
                        .at(&self.file, it.span)
                        .help("在子项文字后写 points N"),
                    );
                    Decimal::ZERO
                }
            };
            let key = format!("{}.{}", ind.no.value, it.no.value);
            match &it.how {
                How::Judged(_) => {
                    judgements.insert(
                        key,
                        JudgementSlot {
                            indicator: ind.no.value,
                            item: Some(it.no.value),
                            text: it.text.value.clone(),
                            max: points,
                        },
                    );
                }
                How::When(_) => {
                    computed.insert(key, it.text.value.clone());
                }
            }
        }
        if let ScoreForm::Judged { span } = form {
            if !top {
                self.err(Diagnostic::error(codes::MISUSE, "judged 只能用于整个指标").at(&self.file, *span).help("要让专家评审某一部分，写成子项：items { item 1 \"…\" points 1 judged }"));
            }
            judgements.insert(
                ind.no.value.to_string(),
                JudgementSlot {
                    indicator: ind.no.value,
                    item: None,
                    text: ind.name.value.clone(),
                    max: ind.points.value,
                },
            );
        }
        for f in form.nested() {
            self.form(ind, f, ctx, scope, judgements, computed, false);
        }
    }

    /// Reports functions and `let`s that depend on themselves.
    fn cycles(&mut self, fns: &HashMap<String, ast::FnDecl>, lets: &HashMap<String, ast::LetDecl>) {
        let mut deps: BTreeMap<&str, (Span, Vec<String>)> = BTreeMap::new();
        for (n, f) in fns {
            let mut out = Vec::new();
            refs(&f.body, &mut out);
            deps.insert(n, (f.name.span, out));
        }
        for (n, l) in lets {
            let mut out = Vec::new();
            refs(&l.value, &mut out);
            deps.insert(n, (l.name.span, out));
        }
        let mut reported = HashSet::new();
        for (start, (span, _)) in &deps {
            // Depth-first search from `start` looking for a path back to it.
            let mut stack = vec![(*start, 0usize)];
            let mut path: Vec<&str> = vec![start];
            let mut visited: HashSet<&str> = HashSet::new();
            while let Some((node, i)) = stack.pop() {
                let Some((_, out)) = deps.get(node) else {
                    continue;
                };
                if let Some(next) = out.get(i) {
                    stack.push((node, i + 1));
                    if next == start {
                        if reported.insert(*start) {
                            let mut chain = path.clone();
                            chain.push(start);
                            self.err(
                                Diagnostic::error(
                                    codes::MISUSE,
                                    format!("“{start}”的定义引用了它自己：{}", chain.join(" → ")),
                                )
                                .at(&self.file, *span)
                                .help("定义不能直接或间接地用到自己"),
                            );
                        }
                    } else if deps.contains_key(next.as_str()) && visited.insert(next.as_str()) {
                        path.push(next.as_str());
                        stack.push((next.as_str(), 0));
                    }
                } else {
                    path.pop();
                }
            }
        }
    }
}

/// Names and function calls an expression refers to.
fn refs(e: &ast::Expr, out: &mut Vec<String>) {
    e.each(&mut |x| match &x.kind {
        ExprKind::Name(n) => out.push(n.clone()),
        ExprKind::Call(n, _) => out.push(n.value.clone()),
        _ => {}
    });
}
