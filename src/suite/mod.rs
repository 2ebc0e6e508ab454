//! `zhibiao test`: test cases that live beside a rule set, written by staff in TOML.
//!
//! A test file (for example `rules/sd-nmsz/tests/indicator-03.toml`) holds one or more cases.
//! Each case names a submission — a file, an inline `[submission]` table, or the file's default
//! submission with some `data` and `judgements` changed — and the results it must get: any subset
//! of indicator scores, category scores, the total and the verdict (合格 / 不合格).
//!
//! ```toml
//! submission = "../../../examples/pass.toml"        # paths are relative to the test file
//! reference = "../../../examples/province-2024.toml"
//!
//! [[case]]
//! name = "占比恰为15%：两档共用的端点，取较高档"
//! [case.data]
//! market_entities = 10000
//! online_operators = 1500
//! [case.expect.indicators]
//! 3 = 2
//! ```
//!
//! This module is pure: it reads test files from text, builds each case's submission text,
//! compares results with expectations, and rewrites expectations (`--update`). The command line
//! reads and writes the files. [`coverage`] records which side of every tier bound and every
//! comparison the cases reach.

pub mod coverage;

use crate::assess::{Input, Outcome, Request, assess};
use crate::codes;
use crate::diag::{Diagnostic, Span, suggest};
use crate::eval::Program;
use crate::eval::{Evaluation, Status};
use crate::number::plain;
use crate::submission::Format;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::Arc;
use toml_edit::{DocumentMut, Item, Table, Value};

/// Where a case's submission comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmissionRef {
    /// A file, relative to the test file.
    Path(String),
    /// An inline `[submission]` table (of the file, or of the case).
    Inline,
}

/// What a case expects. Every part is optional; only what is written is checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expect {
    /// The total score.
    pub total: Option<Decimal>,
    /// Whether the district passes (合格).
    pub passed: Option<bool>,
    /// Indicator scores by number.
    pub indicators: Vec<(u32, Decimal)>,
    /// Category scores by name.
    pub categories: Vec<(String, Decimal)>,
}

/// One case of a test file.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Its position in the file's `[[case]]` list.
    pub index: usize,
    /// Its name.
    pub name: String,
    /// Its own submission, if it does not use the file's.
    pub submission: Option<SubmissionRef>,
    /// Its own reference file, if it does not use the file's.
    pub reference: Option<String>,
    /// Whether it changes the submission (`year`, `data`, `judgements`, `remove`).
    pub changes: bool,
    /// What it expects; `None` when it has no `expect` table yet.
    pub expect: Option<Expect>,
    /// Where its name is written.
    pub span: Span,
}

/// A test file.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The file name.
    pub file: Arc<str>,
    /// The rule file, relative to the test file, if it names one.
    pub rules: Option<String>,
    /// The default submission of its cases.
    pub submission: Option<SubmissionRef>,
    /// The default reference file of its cases.
    pub reference: Option<String>,
    /// The cases in file order.
    pub cases: Vec<Case>,
    doc: DocumentMut,
}

const TOP_KEYS: &[&str] = &["description", "rules", "submission", "reference", "case"];
const CASE_KEYS: &[&str] = &[
    "name",
    "submission",
    "reference",
    "year",
    "data",
    "judgements",
    "remove",
    "expect",
];
const EXPECT_KEYS: &[&str] = &["total", "verdict", "indicators", "categories"];

struct Reader<'t> {
    file: Arc<str>,
    text: &'t str,
    diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn err(&mut self, span: Option<std::ops::Range<usize>>, message: String, help: &str) {
        let d = Diagnostic::error(codes::TEST_FILE, message).help(help);
        self.diags.push(match span {
            Some(r) => d.at(&self.file, Span::new(r.start, r.end)),
            None => d.in_file(&self.file),
        });
    }

    fn unknown_keys(&mut self, t: &toml_edit::Table, known: &[&str], place: &str) {
        for (k, _) in t.iter() {
            if known.contains(&k) {
                continue;
            }
            let span = t.key(k).and_then(|key| key.span());
            let help = match suggest(k, known.iter().copied()) {
                Some(s) => format!("是否想写 {s}？"),
                None => format!("{place}可以写：{}", known.join("、")),
            };
            self.err(span, format!("{place}里有不认识的项“{k}”"), &help);
        }
    }

    fn number(&mut self, item: &Item, what: &str) -> Option<Decimal> {
        let v = item.as_value();
        let raw = match v {
            Some(Value::Integer(_) | Value::Float(_)) => v
                .and_then(|v| v.span())
                .and_then(|r| self.text.get(r))
                .map(|s| s.trim().replace('_', "")),
            _ => None,
        };
        match raw.as_deref().map(Decimal::from_str) {
            Some(Ok(d)) => Some(d),
            _ => {
                self.err(
                    item.span(),
                    format!("{what}应写成数字"),
                    "写成 2、1.5 这样的数字（不加引号）",
                );
                None
            }
        }
    }

    fn expect(&mut self, t: &toml_edit::Table) -> Expect {
        self.unknown_keys(t, EXPECT_KEYS, "expect");
        let mut e = Expect::default();
        if let Some(item) = t.get("total") {
            e.total = self.number(item, "总分");
        }
        if let Some(item) = t.get("verdict") {
            e.passed = match item.as_str() {
                Some("合格") => Some(true),
                Some("不合格") => Some(false),
                _ => {
                    self.err(
                        item.span(),
                        "verdict 应为 \"合格\" 或 \"不合格\"".into(),
                        "写成 verdict = \"合格\"",
                    );
                    None
                }
            };
        }
        if let Some(item) = t.get("indicators") {
            match item.as_table_like() {
                Some(inds) => {
                    for (k, v) in inds.iter() {
                        let Ok(no) = k.parse::<u32>() else {
                            let span = inds.get_key_value(k).and_then(|(key, _)| key.span());
                            self.err(
                                span,
                                format!("指标编号“{k}”不是数字"),
                                "写成 3 = 2（指标 3 得 2 分）",
                            );
                            continue;
                        };
                        if let Some(d) = self.number(v, &format!("指标 {no} 的分数")) {
                            e.indicators.push((no, d));
                        }
                    }
                }
                None => self.err(
                    item.span(),
                    "indicators 应为表".into(),
                    "写成 [case.expect.indicators]，下面每行一个 指标编号 = 分数",
                ),
            }
        }
        if let Some(item) = t.get("categories") {
            match item.as_table_like() {
                Some(cats) => {
                    for (k, v) in cats.iter() {
                        if let Some(d) = self.number(v, &format!("一级指标“{k}”的分数"))
                        {
                            e.categories.push((k.to_string(), d));
                        }
                    }
                }
                None => self.err(
                    item.span(),
                    "categories 应为表".into(),
                    "写成 [case.expect.categories]，下面每行一个 \"名称\" = 分数",
                ),
            }
        }
        e
    }

    fn submission(&mut self, item: &Item) -> Option<SubmissionRef> {
        if let Some(s) = item.as_str() {
            return Some(SubmissionRef::Path(s.to_string()));
        }
        if item.is_table_like() {
            return Some(SubmissionRef::Inline);
        }
        self.err(
            item.span(),
            "submission 应为申报文件的路径或一个表".into(),
            "写成 submission = \"../../../examples/pass.toml\"，或写 [case.submission] 表",
        );
        None
    }
}

/// Reads a test file. Returns the suite (when the file is TOML) and every problem found.
pub fn parse(file: &Arc<str>, text: &str) -> (Option<Suite>, Vec<Diagnostic>) {
    let mut r = Reader {
        file: file.clone(),
        text,
        diags: Vec::new(),
    };
    let parsed = match toml_edit::Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            r.err(
                e.span(),
                format!("测试文件不是有效的 TOML：{}", e.message().trim()),
                "对照 docs/authoring.md 检查这一行的写法",
            );
            return (None, r.diags);
        }
    };
    let Ok(doc) = DocumentMut::from_str(text) else {
        return (None, r.diags);
    };
    let root = parsed.as_table();
    r.unknown_keys(root, TOP_KEYS, "测试文件");
    let rules = match root.get("rules") {
        Some(item) => match item.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                r.err(
                    item.span(),
                    "rules 应为规则文件的路径".into(),
                    "写成 rules = \"../2023.zb\"",
                );
                None
            }
        },
        None => None,
    };
    let submission = root.get("submission").and_then(|i| r.submission(i));
    let reference = root
        .get("reference")
        .and_then(|i| i.as_str())
        .map(str::to_string);
    let mut cases = Vec::new();
    match root.get("case") {
        Some(Item::ArrayOfTables(list)) => {
            for (index, t) in list.iter().enumerate() {
                r.unknown_keys(t, CASE_KEYS, "case");
                let name = match t.get("name").and_then(|n| n.as_str()) {
                    Some(n) => n.to_string(),
                    None => {
                        r.err(
                            t.span(),
                            format!("第 {} 个 case 没有写 name", index + 1),
                            "写成 name = \"占比恰为15%\"，说明这个用例测什么",
                        );
                        format!("第 {} 个用例", index + 1)
                    }
                };
                let span = t
                    .get("name")
                    .and_then(|n| n.span())
                    .or_else(|| t.span())
                    .map_or(Span::default(), |s| Span::new(s.start, s.end));
                let case_submission = t.get("submission").and_then(|i| r.submission(i));
                let changes = ["year", "data", "judgements", "remove"]
                    .iter()
                    .any(|k| t.contains_key(k));
                for k in ["data", "judgements"] {
                    if let Some(item) = t.get(k)
                        && !item.is_table_like()
                    {
                        r.err(
                            item.span(),
                            format!("{k} 应为表"),
                            "写成 [case.data]，下面每行一个 键 = 值",
                        );
                    }
                }
                if changes && case_submission.is_none() && submission.is_none() {
                    r.err(
                        t.span(),
                        format!("用例“{name}”修改了申报数据，但没有可修改的申报文件"),
                        "在文件开头写 submission = \"申报文件路径\"，或在用例里写 [case.submission]",
                    );
                }
                let expect = t.get("expect").and_then(|e| match e.as_table() {
                    Some(et) => Some(r.expect(et)),
                    None => {
                        r.err(e.span(), "expect 应为表".into(), "写成 [case.expect]");
                        None
                    }
                });
                cases.push(Case {
                    index,
                    name,
                    submission: case_submission,
                    reference: t
                        .get("reference")
                        .and_then(|i| i.as_str())
                        .map(str::to_string),
                    changes,
                    expect,
                    span,
                });
            }
        }
        Some(other) => r.err(
            other.span(),
            "case 应写成 [[case]] 表".into(),
            "每个用例以一行 [[case]] 开头",
        ),
        None => r.err(
            None,
            "测试文件里没有用例".into(),
            "用 [[case]] 写至少一个用例：name、要改的数据和 expect",
        ),
    }
    (
        Some(Suite {
            file: file.clone(),
            rules,
            submission,
            reference,
            cases,
            doc,
        }),
        r.diags,
    )
}

impl Suite {
    /// The submission a case starts from: its own, or the file's.
    pub fn base_of<'s>(&'s self, case: &'s Case) -> Option<&'s SubmissionRef> {
        case.submission.as_ref().or(self.submission.as_ref())
    }

    /// The reference file of a case: its own, or the file's.
    pub fn reference_of<'s>(&'s self, case: &'s Case) -> Option<&'s str> {
        case.reference.as_deref().or(self.reference.as_deref())
    }

    fn case_table(&self, case: &Case) -> Option<&Table> {
        self.doc
            .get("case")
            .and_then(Item::as_array_of_tables)
            .and_then(|a| a.get(case.index))
    }

    /// The text of an inline submission table: the case's, or the file's.
    pub fn inline_submission(&self, case: &Case) -> Option<String> {
        let item = match &case.submission {
            Some(SubmissionRef::Inline) => self.case_table(case)?.get("submission")?,
            _ => self.doc.get("submission")?,
        };
        let t = item.as_table_like()?;
        let mut doc = DocumentMut::new();
        for (k, v) in t.iter() {
            doc.insert(k, v.clone());
        }
        Some(doc.to_string())
    }

    /// The submission text of a case: its base (`base_text` in `base_format`) with the case's
    /// `year`, `data`, `judgements` and `remove` applied. `base_name` names the base in messages.
    pub fn case_submission(
        &self,
        case: &Case,
        base_name: &Arc<str>,
        base_text: &str,
        base_format: Format,
    ) -> Result<String, Diagnostic> {
        if !case.changes {
            return Ok(base_text.to_string());
        }
        if base_format != Format::Toml {
            return Err(Diagnostic::error(
                codes::TEST_FILE,
                format!("用例“{}”要修改申报数据，但基础申报文件是 JSON", case.name),
            )
            .at(&self.file, case.span)
            .help("基础申报文件用 TOML，或在用例里写完整的 [case.submission]"));
        }
        let mut doc = DocumentMut::from_str(base_text).map_err(|e| {
            let d = Diagnostic::error(
                codes::SUB_SYNTAX,
                format!("申报文件不是有效的 TOML：{}", e.message().trim()),
            );
            match e.span() {
                Some(r) => d.at(base_name, Span::new(r.start, r.end)),
                None => d.in_file(base_name),
            }
        })?;
        let Some(t) = self.case_table(case) else {
            return Ok(base_text.to_string());
        };
        if let Some(y) = t.get("year") {
            doc.insert("year", y.clone());
        }
        for section in ["data", "judgements"] {
            let Some(changes) = t.get(section).and_then(Item::as_table_like) else {
                continue;
            };
            if !doc.contains_key(section) {
                doc.insert(section, Item::Table(Table::new()));
            }
            if let Some(target) = doc.get_mut(section).and_then(Item::as_table_like_mut) {
                for (k, v) in changes.iter() {
                    target.insert(k, v.clone());
                }
            }
        }
        if let Some(list) = t.get("remove").and_then(Item::as_array) {
            for key in list.iter().filter_map(|v| v.as_str()) {
                for section in ["data", "judgements"] {
                    if let Some(target) = doc.get_mut(section).and_then(Item::as_table_like_mut) {
                        target.remove(key);
                    }
                }
            }
        }
        Ok(doc.to_string())
    }
}

/// One expectation a case did not meet.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// What: `指标 3 网络交易经营者数量占市场主体比重`, `一级指标“促进发展”`, `总分`, `结论`.
    pub what: String,
    /// The expected value as shown.
    pub expected: String,
    /// The actual value as shown.
    pub actual: String,
    /// The explanation lines of the actual result.
    pub explanation: Vec<String>,
}

/// How a case came out.
#[derive(Debug, Clone)]
pub enum CaseOutcome {
    /// Every expectation met.
    Passed(Box<Evaluation>),
    /// Some expectations not met (or no `expect` table yet).
    Failed(Box<Evaluation>, Vec<Mismatch>),
    /// The submission could not be scored.
    Unusable(Vec<Diagnostic>),
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case's position in its file.
    pub index: usize,
    /// Its name.
    pub name: String,
    /// How it came out.
    pub outcome: CaseOutcome,
}

/// A file's submission (or reference) text with its name and format.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a> {
    /// The name shown in messages.
    pub name: &'a Arc<str>,
    /// The text.
    pub text: &'a str,
    /// TOML or JSON.
    pub format: Format,
}

/// Scores a case's submission and compares the results with its expectations. `probe` records
/// boundary coverage.
pub fn run_case(
    rules: &Program,
    case: &Case,
    submission: Text,
    reference: Option<Text>,
    probe: Option<&mut coverage::Coverage>,
) -> CaseResult {
    let req = Request {
        submission: Input {
            name: submission.name,
            text: submission.text,
            format: submission.format,
        },
        reference: reference.map(|r| Input {
            name: r.name,
            text: r.text,
            format: r.format,
        }),
        strict: false,
    };
    let outcome = match assess(rules, req) {
        Outcome::Unusable(d) => CaseOutcome::Unusable(d),
        Outcome::Scored {
            submission,
            evaluation,
            ..
        } => {
            if let Some(p) = probe {
                crate::eval::evaluate_probed(rules, &submission, Some(p));
            }
            let mismatches = compare(case, &evaluation);
            if mismatches.is_empty() && case.expect.is_some() {
                CaseOutcome::Passed(evaluation)
            } else {
                CaseOutcome::Failed(evaluation, mismatches)
            }
        }
    };
    CaseResult {
        index: case.index,
        name: case.name.clone(),
        outcome,
    }
}

fn points(d: Decimal) -> String {
    format!("{} 分", plain(d))
}

fn verdict(passed: bool) -> &'static str {
    if passed { "合格" } else { "不合格" }
}

/// The expectations of a case that the evaluation does not meet.
pub fn compare(case: &Case, ev: &Evaluation) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let Some(e) = &case.expect else {
        out.push(Mismatch {
            what: "期望结果".into(),
            expected: "（未写）".into(),
            actual: format!("总分 {}，{}", points(ev.total), verdict(ev.passed)),
            explanation: vec![
                "用例没有 [case.expect]：运行 zhibiao test --update 写入当前结果".into(),
            ],
        });
        return out;
    };
    for (no, want) in &e.indicators {
        match ev.indicators.iter().find(|i| i.no == *no) {
            Some(i) if i.score == *want => {}
            Some(i) => {
                let status = match i.status {
                    Status::Scored => String::new(),
                    Status::Missing => "（缺少数据）".into(),
                    Status::Error => "（无法计分）".into(),
                };
                out.push(Mismatch {
                    what: format!("指标 {} {}", i.no, i.name),
                    expected: points(*want),
                    actual: format!("{}{status}", points(i.score)),
                    explanation: i.explanation(),
                });
            }
            None => out.push(Mismatch {
                what: format!("指标 {no}"),
                expected: points(*want),
                actual: "（规则里没有这个指标）".into(),
                explanation: Vec::new(),
            }),
        }
    }
    for (name, want) in &e.categories {
        match ev.categories.iter().find(|c| &c.name == name) {
            Some(c) if c.score == *want => {}
            Some(c) => {
                let mut lines = vec![format!(
                    "所含指标合计 {}，声明分值 {}",
                    points(c.raw),
                    points(c.points)
                )];
                for i in ev.indicators.iter().filter(|i| &i.category == name) {
                    lines.push(format!("指标 {} {}", i.no, points(i.score)));
                }
                out.push(Mismatch {
                    what: format!("一级指标“{name}”"),
                    expected: points(*want),
                    actual: points(c.score),
                    explanation: vec![lines.join("；")],
                });
            }
            None => {
                let near = suggest(name, ev.categories.iter().map(|c| c.name.as_str()));
                out.push(Mismatch {
                    what: format!("一级指标“{name}”"),
                    expected: points(*want),
                    actual: "（规则里没有这个一级指标）".into(),
                    explanation: near
                        .map(|n| vec![format!("是否想写“{n}”？")])
                        .unwrap_or_default(),
                });
            }
        }
    }
    if let Some(want) = e.total
        && ev.total != want
    {
        let parts: Vec<String> = ev
            .categories
            .iter()
            .map(|c| format!("{} {}", c.name, plain(c.score)))
            .collect();
        out.push(Mismatch {
            what: "总分".into(),
            expected: points(want),
            actual: points(ev.total),
            explanation: vec![parts.join(" + ")],
        });
    }
    if let Some(want) = e.passed
        && ev.passed != want
    {
        out.push(Mismatch {
            what: "结论".into(),
            expected: verdict(want).into(),
            actual: verdict(ev.passed).into(),
            explanation: ev
                .conditions
                .iter()
                .map(|c| {
                    format!(
                        "{}：{}（{}）",
                        c.text(),
                        if c.held { "满足" } else { "不满足" },
                        c.detail()
                    )
                })
                .collect(),
        });
    }
    out
}

/// The points a case's name states, when it states one number of points (`…含本数，得1分`):
/// what a person wrote down as the expected result.
pub fn points_in_name(name: &str) -> Option<Decimal> {
    let mut found: Vec<Decimal> = Vec::new();
    let mut rest = name;
    while let Some(at) = rest.find('得') {
        let after = rest.get(at + '得'.len_utf8()..).unwrap_or("");
        let digits: String = after
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if !digits.is_empty()
            && after
                .get(digits.len()..)
                .is_some_and(|t| t.starts_with('分'))
            && let Ok(d) = digits.parse::<Decimal>()
            && !found.contains(&d)
        {
            found.push(d);
        }
        rest = after;
    }
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// A warning when a case's name states points (`得1分`) that its one expected indicator score
/// does not have in this evaluation: after `--update`, either the rules or the name is wrong.
pub fn name_disagrees(case: &Case, ev: &Evaluation) -> Option<String> {
    let stated = points_in_name(&case.name)?;
    let expect = case.expect.as_ref()?;
    let [(no, _)] = expect.indicators.as_slice() else {
        return None;
    };
    let got = ev.indicators.iter().find(|i| i.no == *no)?.score;
    (got != stated).then(|| {
        format!(
            "用例“{}”的名称写着得 {} 分，更新后的期望是指标 {no} 得 {} 分：请核对是规则改错了，还是用例名称已经过时",
            case.name,
            plain(stated),
            plain(got)
        )
    })
}

/// An expectation rewritten by `--update`.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The case.
    pub case: String,
    /// What changed: `指标 3`, `总分`.
    pub what: String,
    /// The old value, if there was one.
    pub from: Option<String>,
    /// The new value.
    pub to: String,
}

fn num_value(d: Decimal) -> Value {
    let s = plain(d);
    if d.fract().is_zero()
        && let Ok(i) = s.parse::<i64>()
    {
        return Value::from(i);
    }
    Value::from_str(&s).unwrap_or_else(|_| Value::from(s))
}

/// Sets a value in place, keeping the comments and spacing around it.
fn set(t: &mut dyn toml_edit::TableLike, key: &str, v: Value) -> Option<String> {
    match t.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            let mut bare = old.clone();
            bare.decor_mut().clear();
            let before = bare.to_string().trim().to_string();
            let decor = old.decor().clone();
            *old = v;
            *old.decor_mut() = decor;
            Some(before)
        }
        None => {
            t.insert(key, Item::Value(v));
            None
        }
    }
}

/// Rewrites the expectations of a test file with the results of its cases: the values a case
/// already expects are set to what it got, and a case without `expect` gets the total, the
/// verdict and every category and indicator score. Returns the new text and what changed.
pub fn update(
    text: &str,
    results: &[(&Case, &Evaluation)],
) -> Result<(String, Vec<Change>), String> {
    let mut doc = DocumentMut::from_str(text).map_err(|e| e.to_string())?;
    let mut changes = Vec::new();
    let Some(list) = doc.get_mut("case").and_then(Item::as_array_of_tables_mut) else {
        return Ok((text.to_string(), changes));
    };
    for (case, ev) in results {
        let Some(t) = list.get_mut(case.index) else {
            continue;
        };
        let mut note = |what: String, from: Option<String>, to: String| {
            if from.as_deref() != Some(to.as_str()) {
                changes.push(Change {
                    case: case.name.clone(),
                    what,
                    from,
                    to,
                });
            }
        };
        let show = |v: &Value| v.to_string().trim().trim_matches('"').to_string();
        match &case.expect {
            None => {
                let mut e = Table::new();
                e.insert("total", Item::Value(num_value(ev.total)));
                e.insert("verdict", Item::Value(Value::from(verdict(ev.passed))));
                let mut cats = Table::new();
                for c in &ev.categories {
                    cats.insert(&c.name, Item::Value(num_value(c.score)));
                }
                let mut inds = Table::new();
                for i in &ev.indicators {
                    inds.insert(&i.no.to_string(), Item::Value(num_value(i.score)));
                }
                e.insert("categories", Item::Table(cats));
                e.insert("indicators", Item::Table(inds));
                t.insert("expect", Item::Table(e));
                note(
                    "全部期望结果".into(),
                    None,
                    format!("总分 {}，{}", plain(ev.total), verdict(ev.passed)),
                );
            }
            Some(exp) => {
                let Some(e) = t.get_mut("expect").and_then(Item::as_table_like_mut) else {
                    continue;
                };
                if exp.total.is_some() {
                    let v = num_value(ev.total);
                    let to = show(&v);
                    let from = set(e, "total", v);
                    note("总分".into(), from, to);
                }
                if exp.passed.is_some() {
                    let v = Value::from(verdict(ev.passed));
                    let to = show(&v);
                    let from = set(e, "verdict", v).map(|s| s.trim_matches('"').to_string());
                    note("结论".into(), from, to);
                }
                if let Some(inds) = e.get_mut("indicators").and_then(Item::as_table_like_mut) {
                    for (no, _) in &exp.indicators {
                        let Some(i) = ev.indicators.iter().find(|i| i.no == *no) else {
                            continue;
                        };
                        let v = num_value(i.score);
                        let to = show(&v);
                        let from = set(inds, &no.to_string(), v);
                        note(format!("指标 {no}"), from, to);
                    }
                }
                if let Some(cats) = e.get_mut("categories").and_then(Item::as_table_like_mut) {
                    for (name, _) in &exp.categories {
                        let Some(c) = ev.categories.iter().find(|c| &c.name == name) else {
                            continue;
                        };
                        let v = num_value(c.score);
                        let to = show(&v);
                        let from = set(cats, name, v);
                        note(format!("一级指标“{name}”"), from, to);
                    }
                }
            }
        }
    }
    Ok((doc.to_string(), changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_stated_in_a_case_name() {
        let d = |s: &str| s.parse::<Decimal>().ok();
        assert_eq!(points_in_name("占比恰为8%，含本数，得1分"), d("1"));
        assert_eq!(points_in_name("两年都低于全省，得0分"), d("0"));
        assert_eq!(points_in_name("得1.5分"), d("1.5"));
        // No number, two different numbers, or a number not followed by 分: nothing stated.
        assert_eq!(points_in_name("不得分"), None);
        assert_eq!(points_in_name("2023年得1分，2024年得2分"), None);
        assert_eq!(points_in_name("只得17.3的1分"), None);
        assert_eq!(points_in_name("得1分，合计得1分"), d("1"));
    }

    const BASE: &str = "region = \"甲\"\nyear = 2024\n\n[data]\nshare = \"10%\" # 原值\nstaff = 3\n\n[judgements]\n\"1.1\" = true\n";

    fn suite(text: &str) -> Suite {
        let (s, d) = parse(&Arc::from("t.toml"), text);
        assert!(d.is_empty(), "{d:?}");
        s.expect("suite")
    }

    #[test]
    fn a_case_changes_only_what_it_names() {
        let s = suite(
            "submission = \"base.toml\"\n[[case]]\nname = \"改\"\nyear = 2025\nremove = [\"1.1\"]\n[case.data]\nstaff = 4\nnew = { 2024 = 1 }\n",
        );
        let case = &s.cases[0];
        let out = s
            .case_submission(case, &Arc::from("base.toml"), BASE, Format::Toml)
            .expect("merged");
        let doc = DocumentMut::from_str(&out).expect("toml");
        assert_eq!(doc["year"].as_integer(), Some(2025));
        assert_eq!(doc["data"]["staff"].as_integer(), Some(4));
        assert_eq!(doc["data"]["share"].as_str(), Some("10%"));
        assert!(doc["data"]["new"].is_inline_table());
        assert!(doc["judgements"].get("1.1").is_none());
        assert!(out.contains("# 原值"));
    }

    #[test]
    fn unknown_keys_get_a_suggestion_and_bad_values_a_message() {
        let (_, d) = parse(
            &Arc::from("t.toml"),
            "[[case]]\nname = \"x\"\n[case.expext]\ntotal = 1\n[[case]]\nname = \"y\"\n[case.expect]\ntotal = \"九十\"\nverdict = \"通过\"\n",
        );
        let msgs: Vec<String> = d
            .iter()
            .map(|x| format!("{} {}", x.message, x.help.clone().unwrap_or_default()))
            .collect();
        assert_eq!(msgs.len(), 3, "{msgs:#?}");
        assert!(msgs[0].contains("expext") && msgs[0].contains("是否想写 expect"));
        assert!(msgs[1].contains("总分应写成数字"));
        assert!(msgs[2].contains("verdict 应为"));
        assert!(
            d.iter()
                .all(|x| x.code == codes::TEST_FILE && x.span.is_some())
        );
    }

    #[test]
    fn exact_decimals_survive_the_test_file() {
        let s = suite(
            "[[case]]\nname = \"x\"\n[case.expect.indicators]\n4 = 1.5\n10 = 0.30000000000000000001\n",
        );
        let e = s.cases[0].expect.as_ref().expect("expect");
        assert_eq!(e.indicators[1].1.to_string(), "0.30000000000000000001");
    }
}
