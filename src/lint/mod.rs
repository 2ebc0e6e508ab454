//! `zhibiao lint`: the checks every rule file must pass or acknowledge.
//!
//! The catalogue works the way ruff's does. Each check lives in one file under `checks/`, with
//! a `//!` comment in fixed sections (检查什么 / 为什么 / 示例 / 应改为) that is also its user
//! documentation: `docs/lint.md` is generated from those comments ([`docs_markdown`]), and a test
//! fails when the two drift. [`CHECKS`] lists every check once, with its stable code and default
//! severity; a new check is one new file plus one line in the `registry!` table below.
//!
//! [`lint`] parses and resolves a file (their errors, `E…` codes, are findings too), runs every
//! check over the resolved rule set, then matches findings against the file's `allow CODE
//! "reason"` lines. An `allow` covers the findings with its code inside the block it is written
//! in (an input, an indicator, a category) or, at the top level and in the header, the whole
//! file. An acknowledged finding stays in the report, marked with its reason; an `allow` that
//! acknowledges nothing is itself a finding (ZB002).
//!
//! Shared analyses that several checks read (kind inference, ranges, point maxima, uses) live in
//! [`analysis`] and are computed once per file, on first use.

pub mod analysis;

use crate::codes;
use crate::diag::{Diagnostic, Severity, Span};
use crate::model::RuleSet;
use crate::syntax::ast;
use crate::versions;
use analysis::{kinds, points, uses};
use serde::Serialize;
use std::cell::OnceCell;
use std::sync::Arc;

/// One check of the catalogue.
#[derive(Debug)]
pub struct Check {
    /// The stable code, e.g. `ZB401`.
    pub code: &'static str,
    /// The module name, e.g. `tier_overlap`; [`Check::name`] gives `tier-overlap`.
    module: &'static str,
    /// The default severity.
    pub severity: Severity,
    run: fn(&Context, &mut Sink),
    /// The check's source file, whose `//!` comment is its documentation.
    source: &'static str,
}

impl Check {
    /// The check's name in kebab case, e.g. `tier-overlap`.
    pub fn name(&self) -> String {
        self.module.replace('_', "-")
    }

    /// The documentation: the `//!` comment of the check's file, without the markers.
    pub fn doc(&self) -> String {
        let mut out = Vec::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                if out.is_empty() {
                    continue;
                }
                break;
            };
            out.push(rest.strip_prefix(' ').unwrap_or(rest));
        }
        let mut s = out.join("\n");
        s.push('\n');
        s
    }

    /// The one-line title: the first line of the documentation.
    pub fn title(&self) -> String {
        self.doc().lines().next().unwrap_or("").trim().to_string()
    }

    /// Checks run after acknowledgements are matched (the ZB0xx checks about `allow` itself).
    pub(crate) fn about_allows(&self) -> bool {
        self.code.starts_with("ZB0")
    }
}

/// Declares the catalogue: the check modules under `checks/` and the [`CHECKS`] table, from one
/// line per check: `CODE module Severity;`.
macro_rules! registry {
    ($($code:ident $module:ident $severity:ident;)*) => {
        mod checks {
            $(pub(super) mod $module;)*
        }

        /// Every check, in code order. One line per check in `registry!`.
        pub static CHECKS: &[Check] = &[
            $(Check {
                code: stringify!($code),
                module: stringify!($module),
                severity: Severity::$severity,
                run: checks::$module::run,
                source: include_str!(concat!("checks/", stringify!($module), ".rs")),
            },)*
        ];
    };
}

registry! {
    ZB001 allow_unknown_code Error;
    ZB002 allow_unused Warning;
    ZB003 allow_without_reason Warning;
    ZB101 unused_input Warning;
    ZB102 unused_definition Warning;
    ZB103 indicator_numbering Warning;
    ZB104 item_numbering Warning;
    ZB105 shadowed_name Warning;
    ZB106 year_not_declared Warning;
    ZB107 year_never_read Warning;
    ZB108 message_placeholder Warning;
    ZB109 work_over_budget Error;
    ZB201 kind_mismatch Error;
    ZB202 unit_mismatch Warning;
    ZB203 wrong_type Error;
    ZB204 bare_number Warning;
    ZB205 bare_percent Error;
    ZB301 points_exceeded Warning;
    ZB302 points_unreachable Warning;
    ZB303 category_points Warning;
    ZB304 total_points Warning;
    ZB305 pass_unreachable Error;
    ZB306 cap_above_points Warning;
    ZB401 tier_overlap Error;
    ZB402 tier_overlap_range Warning;
    ZB403 tier_gap Warning;
    ZB404 tier_unreachable Warning;
    ZB405 tier_points_fall Warning;
    ZB406 overlap_policy_unused Warning;
    ZB501 script_constant Warning;
    ZB502 script_optional_input Warning;
    ZB503 script_unknown_function Error;
    ZB601 ruleset_version_missing Warning;
    ZB602 ruleset_effective_missing Warning;
    ZB603 ruleset_source_missing Warning;
    ZB611 indicator_owner_missing Warning;
    ZB612 indicator_rule_missing Warning;
    ZB613 indicator_source_missing Warning;
    ZB614 indicator_method_missing Warning;
    ZB615 indicator_nature_missing Warning;
    ZB616 nature_mismatch Warning;
    ZB621 input_help_missing Warning;
}

/// The check with a code.
pub fn check(code: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// What a check sees: the resolved rule set and the analyses, computed on first use.
pub struct Context<'a> {
    /// The rule set.
    pub rules: &'a RuleSet,
    /// Every `allow` of the file and whether it acknowledged something (filled in before the
    /// checks about `allow` run).
    pub allows: Vec<AllowUse>,
    kinds: OnceCell<kinds::Analysis>,
    uses: OnceCell<uses::Uses>,
    points: OnceCell<(Vec<points::IndicatorMax>, Vec<points::CategoryMax>)>,
}

impl<'a> Context<'a> {
    /// A context for a rule set.
    pub fn new(rules: &'a RuleSet) -> Context<'a> {
        Context {
            rules,
            allows: Vec::new(),
            kinds: OnceCell::new(),
            uses: OnceCell::new(),
            points: OnceCell::new(),
        }
    }

    /// The kind inference over the whole file.
    pub fn kinds(&self) -> &kinds::Analysis {
        self.kinds.get_or_init(|| kinds::analyse(self.rules))
    }

    /// What the scoring reaches.
    pub fn uses(&self) -> &uses::Uses {
        self.uses.get_or_init(|| uses::analyse(self.rules))
    }

    /// The most each indicator can earn, in file order.
    pub fn indicator_max(&self) -> &[points::IndicatorMax] {
        &self.points().0
    }

    /// The most each category can earn, in file order.
    pub fn category_max(&self) -> &[points::CategoryMax] {
        &self.points().1
    }

    fn points(&self) -> &(Vec<points::IndicatorMax>, Vec<points::CategoryMax>) {
        self.points.get_or_init(|| {
            let inds = points::indicators(self.rules);
            let cats = points::categories(self.rules, &inds);
            (inds, cats)
        })
    }

    /// The text of a span of the rule file.
    pub fn text(&self, span: Span) -> &str {
        self.rules.text.get(span.start..span.end).unwrap_or("")
    }
}

/// Where a check reports its findings; stamps each with the check's code and severity.
pub struct Sink<'a> {
    check: &'static Check,
    file: Arc<str>,
    out: &'a mut Vec<Diagnostic>,
}

impl Sink<'_> {
    /// A finding of this check at a place in the file.
    pub fn at(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(self.check.code, message).at(&self.file, span);
        Diagnostic {
            severity: self.check.severity,
            ..d
        }
    }

    /// A finding of this check about the whole file.
    pub fn file(&self, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(self.check.code, message).in_file(&self.file);
        Diagnostic {
            severity: self.check.severity,
            ..d
        }
    }

    /// Reports a finding.
    pub fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }
}

/// An `allow` of the file, with the block it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct AllowUse {
    /// The `allow` as written.
    pub allow: ast::Allow,
    /// The block it covers; `None` for the whole file.
    pub scope: Option<Span>,
    /// Whether it acknowledged at least one finding.
    pub used: bool,
}

/// A finding acknowledged in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ack {
    /// The reason given in the `allow`.
    pub reason: String,
    /// The file the `allow` is in.
    pub file: Arc<str>,
    /// Where the `allow` is in that file.
    pub span: Span,
}

/// One finding of `lint`, acknowledged or not.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The diagnostic.
    pub diag: Diagnostic,
    /// The `allow` that acknowledged it, if one did.
    pub acknowledged: Option<Ack>,
}

/// Everything `lint` found in one file.
#[derive(Debug, Clone)]
pub struct Report {
    /// The file.
    pub file: Arc<str>,
    /// The rule set, when the file could be resolved.
    pub rules: Option<RuleSet>,
    /// Every finding in file order (findings without a place first).
    pub findings: Vec<Finding>,
    /// The checks did not run because the file has syntax errors.
    pub checks_skipped: bool,
}

impl Report {
    /// Findings not acknowledged, of at least a severity.
    pub fn open(&self, at_least: Severity) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |f| f.acknowledged.is_none() && f.diag.severity >= at_least)
    }

    /// Whether the file fails lint: an open error, or an open warning under `--deny warnings`.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        let at_least = if deny_warnings {
            Severity::Warning
        } else {
            Severity::Error
        };
        self.open(at_least).next().is_some()
    }
}

/// Lints one rule file. A file that `extends` or `accepts` another version is linted as the
/// rule set it resolves to, with the versions it builds on taken from the built-in rules (the
/// CLI uses [`lint_with`] to find them on disk too).
pub fn lint(file: &Arc<str>, text: &str) -> Report {
    lint_with(file, text, &mut crate::builtin::find_builtin, Vec::new())
}

/// Lints one rule file as the rule set it resolves to: `find` supplies each version the file
/// `extends` or `accepts` (see [`versions::load`]). `extra` are findings about the file made
/// elsewhere (the `ZB7…` date findings of [`versions::check_dates`], pointing into this file's
/// own text); they are acknowledged by the file's `allow` lines like the checks' own.
///
/// Findings point into the file they are about: for a revision, a finding in an inherited
/// indicator points into the base file. A top-level or header `allow` covers the file it is
/// written in; findings about `allow` lines themselves (ZB0xx) are reported only for the linted
/// file, since a base is linted on its own.
pub fn lint_with(
    file: &Arc<str>,
    text: &str,
    find: &mut dyn FnMut(&versions::RuleRef) -> Option<versions::RuleText>,
    extra: Vec<Diagnostic>,
) -> Report {
    let (rules, diags) = versions::load(file, text, find);
    let syntax_broken = diags
        .iter()
        .any(|d| [codes::SYNTAX, codes::LITERAL, codes::LIMIT].contains(&d.code));
    let mut findings: Vec<Finding> = diags
        .into_iter()
        .map(|diag| Finding {
            diag,
            acknowledged: None,
        })
        .collect();
    let Some(rs) = rules.as_ref().filter(|_| !syntax_broken) else {
        findings.extend(extra.into_iter().map(|diag| Finding {
            diag,
            acknowledged: None,
        }));
        sort(&mut findings);
        return Report {
            file: file.clone(),
            rules,
            findings,
            checks_skipped: syntax_broken,
        };
    };
    // The linted file's own text within the rule set's text: the last part (or all of it).
    let own = rs.parts.last().map_or(Span::new(0, rs.text.len()), |p| {
        Span::new(p.offset, p.offset + p.text.len())
    });
    let mut cx = Context::new(rs);
    cx.allows = collect_allows(rs, own);
    let mut found: Vec<Diagnostic> = extra
        .into_iter()
        .map(|d| match (d.span, d.file.as_ref() == Some(file)) {
            (Some(s), true) => Diagnostic {
                span: Some(s.offset(own.start)),
                ..d
            },
            _ => d,
        })
        .collect();
    for check in CHECKS.iter().filter(|c| !c.about_allows()) {
        let mut sink = Sink {
            check,
            file: file.clone(),
            out: &mut found,
        };
        (check.run)(&cx, &mut sink);
    }
    let mut local = Vec::new();
    for diag in found {
        let acknowledged = acknowledge(&mut cx.allows, file, &diag);
        local.push(Finding { diag, acknowledged });
    }
    let mut about_allows = Vec::new();
    for check in CHECKS.iter().filter(|c| c.about_allows()) {
        let mut sink = Sink {
            check,
            file: file.clone(),
            out: &mut about_allows,
        };
        (check.run)(&cx, &mut sink);
    }
    let in_own = |d: &Diagnostic| {
        d.span
            .is_none_or(|s| own.start <= s.start && s.start <= own.end)
    };
    local.extend(
        about_allows
            .into_iter()
            .filter(|d| in_own(d))
            .map(|diag| Finding {
                diag,
                acknowledged: None,
            }),
    );
    sort(&mut local);
    findings.extend(local.into_iter().map(|f| Finding {
        diag: rs.localize(f.diag),
        acknowledged: f.acknowledged.map(|a| {
            let (file, span) = rs.place(a.span);
            Ack { file, span, ..a }
        }),
    }));
    Report {
        file: file.clone(),
        rules,
        findings,
        checks_skipped: false,
    }
}

fn sort(findings: &mut [Finding]) {
    findings.sort_by_key(|f| {
        let s = f.diag.span.unwrap_or_default();
        (f.diag.span.is_some(), s.start, s.end, f.diag.code)
    });
}

/// Every `allow` of the rule set with the block it covers. Top-level and header `allow`s cover
/// the file they are written in: all of the rule set for the linted file (`own`, where its text
/// is), their own text for a base. Top-level `allow`s are kept with each part of the rule set
/// (`RulePart::allows`), already shifted to where the part's text starts.
fn collect_allows(rs: &RuleSet, own: Span) -> Vec<AllowUse> {
    let file_scope = |at: Span| {
        if own.start <= at.start && at.start <= own.end {
            return None;
        }
        rs.parts
            .iter()
            .map(|p| Span::new(p.offset, p.offset + p.text.len()))
            .find(|s| s.start <= at.start && at.start <= s.end)
    };
    let mut out = Vec::new();
    let mut add = |allows: &[ast::Allow], scope: Option<Option<Span>>| {
        for a in allows {
            out.push(AllowUse {
                allow: a.clone(),
                scope: scope.unwrap_or_else(|| file_scope(a.span)),
                used: false,
            });
        }
    };
    if rs.parts.is_empty() {
        let (tree, _) = crate::syntax::parse(&rs.file, &rs.text);
        add(&tree.allows, None);
    }
    for p in &rs.parts {
        add(&p.allows, None);
    }
    add(&rs.header.allows, None);
    for i in &rs.inputs {
        add(&i.allows, Some(Some(i.span)));
    }
    for c in &rs.categories {
        add(&c.allows, Some(Some(c.span)));
        for ind in &c.indicators {
            add(&ind.allows, Some(Some(ind.span)));
        }
    }
    out
}

/// Finds the innermost `allow` that covers a finding and marks it used.
fn acknowledge(allows: &mut [AllowUse], file: &Arc<str>, d: &Diagnostic) -> Option<Ack> {
    let covers = |a: &AllowUse| {
        a.allow.code.value.eq_ignore_ascii_case(d.code)
            && match (a.scope, d.span) {
                (None, _) => true,
                (Some(s), Some(f)) => s.start <= f.start && f.end <= s.end,
                (Some(_), None) => false,
            }
    };
    let width = |a: &AllowUse| a.scope.map_or(usize::MAX, |s| s.end - s.start);
    let best = allows
        .iter_mut()
        .filter(|a| covers(a))
        .min_by_key(|a| width(a))?;
    best.used = true;
    Some(Ack {
        reason: best.allow.reason.value.clone(),
        file: file.clone(),
        span: best.allow.span,
    })
}

/// The version and date findings that compare a file with the other versions of its set
/// ([`versions::check_dates`]). They are not in [`CHECKS`] because no single file shows them:
/// `zhibiao lint` takes them from `check_dates` over all the files it lints (and the built-in
/// versions) and hands each file its own through [`lint_with`]. Like the checks' findings, they
/// can be acknowledged with `allow`.
pub static DATE_CODES: &[(&str, Severity)] = &[
    (codes::VERSION_DUPLICATE, Severity::Error),
    (codes::VERSION_DATES, Severity::Error),
    (codes::VERSION_OVERLAP, Severity::Error),
    (codes::VERSION_GAP, Severity::Warning),
    (codes::VERSION_NO_DATE, Severity::Warning),
    (codes::EXTENDS_ORDER, Severity::Warning),
    (codes::VERSION_LAYOUT, Severity::Warning),
    (codes::BUILTIN_SHADOWED, Severity::Warning),
];

/// Whether `code` is one of the [`DATE_CODES`].
pub fn is_date_code(code: &str) -> bool {
    DATE_CODES.iter().any(|(c, _)| c.eq_ignore_ascii_case(code))
}

/// Codes that are errors of reading a rule file rather than checks: `E…`, and the `ZB7…` codes
/// of building a rule set from its versions (`extends`, `accepts`).
fn is_error_code(code: &str) -> bool {
    code.starts_with('E') || (code.starts_with("ZB7") && !is_date_code(code))
}

/// The catalogue as a Markdown page: `docs/lint.md`.
pub fn docs_markdown() -> String {
    let mut s = String::new();
    s.push_str("# `zhibiao lint` 检查项一览\n\n");
    s.push_str(
        "<!-- 本页由 `zhibiao lint --docs > docs/lint.md` 根据 src/lint/checks/ 下各检查项文件开头的文档注释生成，请勿手工修改；改文档注释后重新生成。测试 `lint_docs_are_current` 会在两者不一致时失败。 -->\n\n",
    );
    s.push_str(
        "`zhibiao lint` 检查规则文件。每个检查项有固定的代码、默认级别（error 错误 / warning 警告）、提示信息、位置和修改建议。\n\
         错误使退出码为 1；警告只在 `--deny warnings` 时使退出码为 1。\n\n\
         规则文件如实照录的原文本身有问题时，可以在原处用 `allow 代码 \"理由\"` 确认该问题：\
         写在 input、indicator、category 块内只覆盖该块，写在文件顶层或 ruleset 头里覆盖整个文件。\
         被确认的问题仍会列出（标明“已确认”和理由），不会悄悄消失；没有确认任何问题的 allow 本身也是问题（ZB002）。\n\n",
    );
    s.push_str("## 总览\n\n| 代码 | 名称 | 级别 | 说明 |\n|---|---|---|---|\n");
    for (code, what) in codes::ALL.iter().filter(|(c, _)| is_error_code(c)) {
        s.push_str(&format!(
            "| {code} | — | error | {what}（解析、名称和版本合成检查，不能用 allow 确认） |\n"
        ));
    }
    for c in CHECKS {
        s.push_str(&format!(
            "| [{}](#{}) | {} | {} | {} |\n",
            c.code,
            c.code.to_lowercase(),
            c.name(),
            c.severity,
            c.title()
        ));
    }
    let groups = [
        ("ZB0", "ZB0xx 确认（allow）本身"),
        ("ZB1", "ZB1xx 名称与用法"),
        ("ZB2", "ZB2xx 数据类型与单位"),
        ("ZB3", "ZB3xx 分值核算"),
        ("ZB4", "ZB4xx 分档"),
        ("ZB5", "ZB5xx 脚本"),
        ("ZB6", "ZB6xx 元数据"),
        ("ZB7", "ZB7xx 版本与日期"),
        ("ZB8", "ZB8xx 其他"),
        ("ZB9", "ZB9xx 其他"),
    ];
    for (prefix, heading) in groups {
        let members: Vec<&Check> = CHECKS
            .iter()
            .filter(|c| c.code.starts_with(prefix))
            .collect();
        if members.is_empty() {
            continue;
        }
        s.push_str(&format!("\n## {heading}\n"));
        for c in members {
            let doc = c.doc();
            let mut lines = doc.lines();
            let title = lines.next().unwrap_or("").trim();
            s.push_str(&format!(
                "\n### {}\n\n`{}` · 默认级别 {} · {title}\n",
                c.code,
                c.name(),
                c.severity
            ));
            for line in lines {
                // The doc's `##` sections become `####` under the check's `###` heading.
                if let Some(rest) = line.strip_prefix("## ") {
                    s.push_str(&format!("#### {rest}\n"));
                } else {
                    s.push_str(line);
                    s.push('\n');
                }
            }
        }
    }
    s.push_str("\n## ZB7xx 版本与日期\n\n这些问题要把一个文件与同一规则集的其他版本（包括内置版本）放在一起才看得出，所以没有单个文件的示例：\
         `zhibiao lint` 把被检查的文件和内置版本一起对照后报告，`zhibiao rules` 也列出它们。\
         可以像其他检查项一样用 `allow 代码 \"理由\"` 确认（写在文件顶层或 ruleset 头里）。详见 docs/versions.md。\n\n| 代码 | 级别 | 说明 |\n|---|---|---|\n");
    for (code, severity) in DATE_CODES {
        let what = codes::ALL
            .iter()
            .find(|(c, _)| c == code)
            .map_or("", |(_, w)| *w);
        s.push_str(&format!("| {code} | {severity} | {what} |\n"));
    }
    s.push_str("\n## 错误代码（E…，ZB706–ZB708、ZB711）\n\n解析、名称检查和版本合成（`extends`、`accepts`，见 docs/versions.md）发现的错误。规则文件有这些错误时无法使用（`zhibiao eval` 拒绝评估），也不能用 allow 确认。\n\n| 代码 | 说明 |\n|---|---|\n");
    for (code, what) in codes::ALL.iter().filter(|(c, _)| is_error_code(c)) {
        s.push_str(&format!("| {code} | {what} |\n"));
    }
    s
}
