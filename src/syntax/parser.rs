//! From rule-file text to the syntax tree.
//!
//! Parsing never fails as a whole: the grammar swallows a broken declaration into a `bad_top` or
//! `bad_member` node and carries on, and this module reparses each such chunk on its own to say
//! exactly what was expected where. So one run reports every syntax error in a file.

use super::ast::*;
use crate::codes;
use crate::diag::{Diagnostic, Severity, Span, suggest};
use crate::number::{QuantityError, parse_quantity};
use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use rust_decimal::Decimal;
use std::sync::Arc;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/zhibiao.pest"]
struct ZbParser;

/// The largest rule file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// The deepest nesting of brackets accepted.
pub const MAX_NESTING: usize = 48;
/// The most operands in one chain such as `a + b + c` (the tree it builds is as deep as the chain).
pub const MAX_CHAIN: usize = 256;
/// Stack for the parser thread: pest descends about a dozen rules per bracket level.
const PARSE_STACK: usize = 64 * 1024 * 1024;

/// The least stack the calling thread must have left to parse there, in an optimised build.
const INLINE_MIN: usize = 2 * 1024 * 1024;
/// Parsing on the calling thread stops, to be redone on a thread of its own, when less than this
/// is left (pest stops by itself at 64 KiB).
const STACK_MARGIN: usize = 256 * 1024;

/// Parses a rule file. Returns what could be built and every diagnostic found.
pub fn parse(file: &Arc<str>, text: &str) -> (File, Vec<Diagnostic>) {
    // A thread with a 64 MiB stack costs a few hundred microseconds to set up and tear down,
    // most of what parsing a small file takes. An optimised build first parses on the calling
    // thread if it has room, watching the stack (pest stops at its own limit, the tree builder
    // at STACK_MARGIN); a text nested too deep for it is parsed again on the thread below, so
    // the outcome never depends on the caller's stack. Debug builds take many times the stack
    // per level and always use the thread.
    if !cfg!(debug_assertions)
        && stacker::remaining_stack().is_some_and(|left| left >= INLINE_MIN)
        && let Some(done) = parse_here(file, text, true)
    {
        return done;
    }
    // pest's recursive descent needs stack in proportion to the nesting of the text, and a
    // caller's thread may have little (2 MiB for a test thread). Parse on a thread of our own.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("zhibiao-parse".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(scope, || parse_here(file, text, false))
            .map(|h| h.join())
    })
    .unwrap_or_else(|_| Ok(parse_here(file, text, false)))
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    .unwrap_or_default()
}

/// Held while a parse runs with pest's error detail on. The switch is process-wide and read when a
/// parse starts: a detailed parse must not have it turned off under it by another thread. Parses
/// without detail never touch it (one that starts while it is on is only slower, not different).
static ERROR_DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Parses with pest's error detail (the tokens tried at the furthest position), which the
/// messages of [`Builder::syntax_error`] are built from. Detail makes pest several times slower,
/// so only the parses whose errors are reported use it: a chunk the recovery rules swallowed,
/// and a whole file that failed without it.
fn parse_detailed(
    rule: Rule,
    text: &str,
) -> Result<pest::iterators::Pairs<'_, Rule>, pest::error::Error<Rule>> {
    let _held = ERROR_DETAIL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    pest::set_error_detail(true);
    let result = ZbParser::parse(rule, text);
    pest::set_error_detail(false);
    result
}

/// The header of a rule file, as [`parse`] finds it (`parse(file, text).0.header`), without
/// parsing the rest of a file that begins with its header: the catalogue of versions reads only
/// headers, of every built-in file, on every start. Diagnostics are not collected.
pub fn parse_header(file: &Arc<str>, text: &str) -> Option<Header> {
    if text.len() > MAX_FILE_BYTES || too_deep(text).is_some() {
        // `parse` refuses such a file before looking for a header.
        return None;
    }
    // `file` begins exactly so (`top` tries `ruleset` first), so where this matches, the whole
    // parse's first `ruleset` is this one. A header is shallow: no thread of its own is needed.
    let Ok(mut pairs) = ZbParser::parse(Rule::header_first, text) else {
        return parse(file, text).0.header;
    };
    let ruleset = pairs
        .next()?
        .into_inner()
        .find(|p| p.as_rule() == Rule::ruleset)?;
    let mut p = Builder {
        file: file.clone(),
        text,
        diags: Vec::new(),
        guarded: false,
        out_of_stack: false,
    };
    Some(p.header(ruleset))
}

/// Parses on the current thread. `guarded`: give up (`None`) when the stack runs short instead
/// of reporting it, so that the caller can parse again with more; otherwise always `Some`.
fn parse_here(file: &Arc<str>, text: &str, guarded: bool) -> Option<(File, Vec<Diagnostic>)> {
    let mut p = Builder {
        file: file.clone(),
        text,
        diags: Vec::new(),
        guarded,
        out_of_stack: false,
    };
    if text.len() > MAX_FILE_BYTES {
        p.diags.push(
            Diagnostic::error(
                codes::LIMIT,
                format!(
                    "规则文件过大（{} 字节，上限 {} 字节）",
                    text.len(),
                    MAX_FILE_BYTES
                ),
            )
            .in_file(file)
            .help("把规则拆成多个文件，或检查是否误选了其他文件"),
        );
        return Some((File::default(), p.diags));
    }
    if let Some(at) = too_deep(text) {
        p.diags.push(
            Diagnostic::error(codes::LIMIT, format!("括号嵌套超过 {MAX_NESTING} 层"))
                .at(file, Span::new(at, at + 1))
                .label("这里嵌套过深")
                .help("把表达式拆成几个 let 定义"),
        );
        return Some((File::default(), p.diags));
    }
    let mut out = File::default();
    // The grammar's recovery rules make a whole-file failure rare; only then is detail needed.
    let parsed = ZbParser::parse(Rule::file, text).or_else(|_| parse_detailed(Rule::file, text));
    match parsed {
        Ok(mut pairs) => {
            if let Some(file_pair) = pairs.next() {
                for pair in file_pair.into_inner() {
                    p.top(pair, &mut out);
                }
            }
        }
        Err(e) => {
            p.note_limit(&e);
            let d = p.syntax_error(e, 0);
            p.diags.push(d);
        }
    }
    if p.out_of_stack {
        return None;
    }
    Some((out, p.diags))
}

/// The bytes of a rule file that are code, with their offsets: not inside texts, scripts or
/// comments, read as the grammar reads them (`"…"` with `\` escapes, ```` ```…``` ````, `//` to
/// the end of the line, `/*` to the next `*/`). The quotes and fences themselves are not yielded.
struct Code<'t> {
    bytes: &'t [u8],
    i: usize,
    /// Where the text or script still open at the end began, once the end is reached.
    open: Option<(usize, Unclosed)>,
}

/// What was left open at the end of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unclosed {
    Text,
    Script,
    Comment,
}

impl<'t> Code<'t> {
    fn new(text: &'t str) -> Self {
        Code {
            bytes: text.as_bytes(),
            i: 0,
            open: None,
        }
    }

    /// Skips from `from` past the first `close` after `skip` bytes; at the end of the file
    /// without one, notes what is left open.
    fn skip_to(&mut self, from: usize, skip: usize, close: &[u8], what: Unclosed) {
        let rest = self.bytes.get(from + skip..).unwrap_or_default();
        match rest.windows(close.len()).position(|w| w == close) {
            Some(p) => self.i = from + skip + p + close.len(),
            None => {
                self.i = self.bytes.len();
                self.open = Some((from, what));
            }
        }
    }
}

impl Iterator for Code<'_> {
    type Item = (usize, u8);

    fn next(&mut self) -> Option<(usize, u8)> {
        loop {
            let i = self.i;
            let b = *self.bytes.get(i)?;
            let rest = self.bytes.get(i..).unwrap_or_default();
            if b == b'"' {
                // A text: up to the next quote not escaped.
                let mut j = i + 1;
                loop {
                    match self.bytes.get(j) {
                        None => {
                            self.i = j;
                            self.open = Some((i, Unclosed::Text));
                            break;
                        }
                        Some(b'\\') => j += 2,
                        Some(b'"') => {
                            self.i = j + 1;
                            break;
                        }
                        Some(_) => j += 1,
                    }
                }
            } else if rest.starts_with(b"```") {
                self.skip_to(i, 3, b"```", Unclosed::Script);
            } else if rest.starts_with(b"//") {
                let line = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
                self.i = i + line;
            } else if rest.starts_with(b"/*") {
                self.skip_to(i, 2, b"*/", Unclosed::Comment);
            } else {
                self.i = i + 1;
                return Some((i, b));
            }
        }
    }
}

/// The offset where bracket nesting first exceeds [`MAX_NESTING`], outside strings, scripts and
/// comments (as the grammar reads them).
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in Code::new(text) {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// What a file that ends too early left open: a text, script or comment, else the innermost
/// `{` without its `}`.
fn left_open(text: &str) -> Option<(usize, Option<Unclosed>)> {
    let mut code = Code::new(text);
    let mut braces = Vec::new();
    for (i, b) in code.by_ref() {
        match b {
            b'{' => braces.push(i),
            b'}' => {
                braces.pop();
            }
            _ => {}
        }
    }
    match code.open {
        Some((at, what)) => Some((at, Some(what))),
        None => braces.last().map(|at| (*at, None)),
    }
}

struct Builder<'t> {
    file: Arc<str>,
    text: &'t str,
    diags: Vec<Diagnostic>,
    /// Watching the stack (see [`parse`]).
    guarded: bool,
    /// Watching, the stack ran short: the tree is incomplete and is thrown away.
    out_of_stack: bool,
}

fn span_of(pair: &Pair<Rule>) -> Span {
    let s = pair.as_span();
    // A non-atomic rule's span can take in the whitespace it skipped at its end.
    let trimmed = s.as_str().trim_end().len();
    Span::new(s.start(), s.start() + trimmed)
}

// The grammar's keyword table, read from grammar/zhibiao.pest by build.rs: `KEYWORD_RULES`
// (each `kw_x` rule and its word) and `LEADING` (each rule that begins with keywords, and them).
include!(concat!(env!("OUT_DIR"), "/keywords.rs"));

/// Every keyword of the language, for "did you mean" on a misspelt keyword.
fn keywords() -> impl Iterator<Item = &'static str> {
    KEYWORD_RULES.iter().map(|(_, word)| *word)
}

/// What a rule of the grammar stands for, in an "expected …" message: the keywords it begins
/// with, from the grammar's table, or a description for rules that are not keywords.
fn describe(rule: Rule) -> Option<&'static str> {
    described(rule).or_else(|| {
        LEADING
            .iter()
            .chain(KEYWORD_RULES)
            .find(|(r, _)| *r == rule)
            .map(|(_, words)| *words)
    })
}

fn described(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::rm_indicator => "indicator 编号",
        Rule::rm_input => "input 键名",
        Rule::rm_fn => "fn 名称",
        Rule::rm_let => "let 名称",
        Rule::rm_check => "check \"提示文字\"",
        Rule::rm_category => "category \"名称\"",
        Rule::ruleset_id => "规则集编号（如 sd-nmsz）",
        Rule::string => "带引号的文字（\"…\"）",
        Rule::date => "日期（如 2023-11-01）",
        Rule::number => "数字",
        Rule::literal => "数值（如 15%、3亿、2）",
        Rule::basis => "declared、indicators 或 none",
        Rule::pass_category => "category \"名称\"",
        Rule::metric => "rate 或 score",
        Rule::kind => "数据类型（count、money、percent、decimal、bool 或 list）",
        Rule::kind_name => "数据类型（count、money、percent、decimal、bool）",
        Rule::unit => "单位（如 万元、户）",
        Rule::ident => "名称",
        Rule::fn_name => "函数名",
        Rule::params => "参数名",
        Rule::label => "说明文字（\"…\"）",
        Rule::severity => "error 或 warning",
        Rule::lint_code => "检查代码（如 ZB301）",
        Rule::indicator_no => "指标编号",
        Rule::nature => "变量性质（定量、定性、定量+定性 或 定性+定量）",
        Rule::sf_expr => "表达式",
        Rule::overlap_policy => "higher 或 lower",
        Rule::tier => "分档（如 [8%, 15%] => 1）",
        Rule::interval => "区间（如 [8%, 15%]）",
        Rule::lbracket => "“[”或“(”",
        Rule::rbracket => "“]”或“)”",
        Rule::bound => "区间端点（数值或 ..）",
        Rule::item_no => "子项编号",
        Rule::year_range => "年份范围（如 Y-1..Y）",
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::cmp_expr
        | Rule::coalesce
        | Rule::add_expr
        | Rule::mul_expr
        | Rule::unary
        | Rule::postfix => "表达式",
        Rule::cmp_op => "比较符（>、>=、<、<=、==、!=）",
        Rule::add_op | Rule::mul_op => "运算符",
        Rule::index => "“[年份]”",
        Rule::quantifier => "all/any",
        Rule::count_where => "count(…)",
        Rule::call => "函数调用",
        Rule::boolean => "true 或 false",
        Rule::script => "脚本（```…```）",
        Rule::EOI => "文件结尾",
        _ => return None,
    })
}

/// The literal tokens a rule stands for, so that an "expected …" message that names the rule
/// does not list them again.
fn covers(rule: Rule) -> &'static [&'static str] {
    match rule {
        Rule::lbracket => &["[", "("],
        Rule::rbracket => &["]", ")"],
        Rule::cmp_op => &[">=", "<=", "!=", "==", ">", "<", "≥", "≤"],
        Rule::add_op => &["+", "-"],
        Rule::mul_op => &["*", "/", "×", "÷"],
        Rule::neg_op => &["-"],
        Rule::index => &["["],
        Rule::interval | Rule::tier => &["[", "("],
        Rule::bound => &["..", "-"],
        Rule::string | Rule::label => &["\""],
        Rule::script => &["```"],
        _ => &[],
    }
}

/// The first full-width punctuation of `text` outside texts, scripts and comments.
fn full_width_in(text: &str) -> Option<(usize, char)> {
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        match c {
            '"' => {
                while let Some((_, c)) = it.next() {
                    match c {
                        '\\' => {
                            it.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '`' if text.get(i..).is_some_and(|r| r.starts_with("```")) => {
                let end = text
                    .get(i + 3..)
                    .and_then(|r| r.find("```"))
                    .map_or(text.len(), |e| i + 3 + e + 3);
                while it.next_if(|(j, _)| *j < end).is_some() {}
            }
            '/' if it.peek().is_some_and(|(_, n)| *n == '/') => {
                while it.next_if(|(_, c)| *c != '\n').is_some() {}
            }
            '/' if it.peek().is_some_and(|(_, n)| *n == '*') => {
                let end = text
                    .get(i + 2..)
                    .and_then(|r| r.find("*/"))
                    .map_or(text.len(), |e| i + 2 + e + 2);
                while it.next_if(|(j, _)| *j < end).is_some() {}
            }
            c if half_width(c).is_some() => return Some((i, c)),
            _ => {}
        }
    }
    None
}

/// A literal token of the grammar that means nothing to a reader on its own.
enum Internal {
    /// Part of something always described otherwise (the `_` of a name, a comment opener, the
    /// byte-order mark).
    Hidden,
}

fn internal_token(token: &str) -> Option<Internal> {
    match token {
        // Quotes and fences are tried by the recovery rules everywhere; where a text or script
        // is really expected, its rule is named, and an unclosed one is found by `Code`.
        "\"" | "```" | "_" | "//" | "/*" | "\u{feff}" => Some(Internal::Hidden),
        _ => None,
    }
}

/// Full-width punctuation typed with a Chinese input method, and what the language writes
/// instead (`None`: the language has no such sign).
fn half_width(c: char) -> Option<Option<&'static str>> {
    Some(match c {
        '，' => Some(","),
        '（' => Some("("),
        '）' => Some(")"),
        '：' => Some(":"),
        '【' | '［' => Some("["),
        '】' | '］' => Some("]"),
        '％' => Some("%"),
        '＝' => Some("="),
        '＞' => Some(">"),
        '＜' => Some("<"),
        '＋' => Some("+"),
        '－' => Some("-"),
        '｛' => Some("{"),
        '｝' => Some("}"),
        '“' | '”' | '＂' => Some("\""),
        '；' | '。' | '、' => None,
        _ => return None,
    })
}

impl Builder<'_> {
    /// pest's only custom errors are its limits (calls, stack); when watching, one means the
    /// stack ran short.
    fn note_limit(&mut self, e: &pest::error::Error<Rule>) {
        if self.guarded && matches!(e.variant, ErrorVariant::CustomError { .. }) {
            self.out_of_stack = true;
        }
    }

    /// When watching, whether the stack is too short to build one more level of the tree.
    fn stack_short(&mut self) -> bool {
        if self.guarded && stacker::remaining_stack().is_none_or(|left| left < STACK_MARGIN) {
            self.out_of_stack = true;
        }
        self.out_of_stack
    }

    fn syntax_error(&self, e: pest::error::Error<Rule>, offset: usize) -> Diagnostic {
        let at = match e.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
        // pest reports the rules it tried; the attempts also know the literal tokens (`,`, `]`),
        // and sometimes got further than the reported position.
        let mut tokens: Vec<String> = Vec::new();
        let mut rule_pos_is_best = true;
        let mut at = at;
        if let Some(att) = e.parse_attempts()
            && att.max_position >= at
        {
            rule_pos_is_best = att.max_position == at;
            at = att.max_position;
            for t in att.expected_tokens() {
                // Literal tokens only. pest does not export its token type, so they are told
                // apart by how it prints them: ranges as `a..z`, built-in rules as BUILTIN_RULE.
                let token = t.to_string();
                let literal = !token.trim().is_empty()
                    && token != "BUILTIN_RULE"
                    && !(token.chars().count() > 2 && token.contains(".."));
                if literal && !tokens.contains(&token) {
                    tokens.push(token);
                }
            }
        }
        let pos = at + offset;
        let found = self.found_at(pos);
        if let Some(d) = self.bad_literal_at(pos) {
            return d;
        }
        if let Some(d) = self.joined_keyword_at(pos) {
            return d;
        }
        if let Some(d) = self.full_width_at(pos, &found) {
            return d;
        }
        if found.is_empty()
            && let Some(d) = self.ended_early()
        {
            return d;
        }
        let positives: Vec<Rule> = match &e.variant {
            ErrorVariant::ParsingError { positives, .. } if rule_pos_is_best => positives.clone(),
            _ => Vec::new(),
        };
        let mut expected: Vec<String> = positives
            .iter()
            .filter_map(|r| describe(*r))
            .map(str::to_string)
            .collect();
        // Literal tokens add to the rule names only where they say something new: punctuation
        // such as `,` or `]` that no rule named already stands for. Tokens that only the grammar
        // knows (a quote or script fence, the `_` of a name, comment openers) are named by what
        // they begin, or not at all.
        let punctuation_only = !expected.is_empty();
        let covered: Vec<&str> = positives.iter().flat_map(|r| covers(*r)).copied().collect();
        for token in &tokens {
            let shown = match internal_token(token) {
                Some(Internal::Hidden) => None,
                None if covered.contains(&token.as_str()) => None,
                None if punctuation_only && token.chars().any(char::is_alphanumeric) => None,
                None => Some(format!("“{token}”")),
            };
            expected.extend(shown);
        }
        let mut seen = std::collections::BTreeSet::new();
        expected.retain(|x| seen.insert(x.clone()));
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        let found_text = if found.is_empty() {
            "文件结尾".to_string()
        } else {
            format!("“{found}”")
        };
        let message = if expected.is_empty() {
            format!("语法错误：这里不应出现{found_text}")
        } else {
            format!(
                "语法错误：此处应为 {}，却是{found_text}",
                expected.join("、")
            )
        };
        let end = pos + found.len().max(1);
        let mut d = Diagnostic::error(codes::SYNTAX, message)
            .at(
                &self.file,
                Span::new(pos, end.min(self.text.len()).max(pos)),
            )
            .label("这里");
        if let Some(hint) = self.hint_for(&found, &expected) {
            d = d.help(hint);
        } else {
            d = d.help("对照语言参考（docs/language.md）检查这一行的写法");
        }
        d
    }

    /// A number literal at `pos` that is malformed in a way people often get wrong (`15%%`,
    /// `3亿亿`), as a precise diagnostic.
    fn bad_literal_at(&self, pos: usize) -> Option<Diagnostic> {
        let in_literal = |c: char| {
            c.is_ascii_digit() || c == '.' || c == '%' || (!c.is_ascii() && c.is_alphabetic())
        };
        // The error may point inside the literal (at the second `%`): start from its beginning.
        let before = self.text.get(..pos)?;
        let back: usize = before
            .chars()
            .rev()
            .take_while(|c| in_literal(*c))
            .map(char::len_utf8)
            .sum();
        let pos = pos - back;
        let rest = self.text.get(pos..)?;
        if !rest.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let len: usize = rest
            .chars()
            .take_while(|c| in_literal(*c))
            .map(char::len_utf8)
            .sum();
        let lit = rest.get(..len)?;
        match parse_quantity(lit) {
            Err(QuantityError::Repeated(r)) => Some(
                Diagnostic::error(codes::LITERAL, format!("数值“{lit}”写法有误：“{r}”重复"))
                    .at(&self.file, Span::new(pos, pos + len))
                    .label("这个数值")
                    .help("数值写法如 15%、3亿、5千万元、50学时；百分号和数量单位各写一次"),
            ),
            _ => None,
        }
    }

    /// A file that ends while a `{`, a text, a script or a comment is still open: said at the
    /// place that was left open, with where the file ends.
    fn ended_early(&self) -> Option<Diagnostic> {
        let (at, what) = left_open(self.text)?;
        let (line, _) = crate::diag::line_col(self.text, at);
        // The last line with something on it.
        let (end_line, _) = crate::diag::line_col(self.text, self.text.trim_end().len());
        let (message, label, help) = match what {
            None => (
                format!("语法错误：第{line}行的“{{”没有对应的“}}”，文件在第{end_line}行就结束了"),
                "这个“{”没有闭合",
                "在这一块的末尾补上“}”；若已经写了，检查前面是否多写了一个“{”",
            ),
            Some(Unclosed::Text) => (
                format!(
                    "语法错误：第{line}行的文字缺少结尾的英文双引号“\"”，文件在第{end_line}行就结束了"
                ),
                "文字从这里开始",
                "在文字末尾补上英文双引号 \"；中文引号“”只能写在文字里面",
            ),
            Some(Unclosed::Script) => (
                format!("语法错误：第{line}行的脚本缺少结尾的“```”，文件在第{end_line}行就结束了"),
                "脚本从这里开始",
                "在脚本末尾补上 ```",
            ),
            Some(Unclosed::Comment) => (
                format!("语法错误：第{line}行的注释缺少结尾的“*/”，文件在第{end_line}行就结束了"),
                "注释从这里开始",
                "在注释末尾补上 */",
            ),
        };
        let len = match what {
            Some(Unclosed::Script) => 3,
            Some(Unclosed::Comment) => 2,
            _ => 1,
        };
        Some(
            Diagnostic::error(codes::SYNTAX, message)
                .at(&self.file, Span::new(at, at + len))
                .label(label)
                .help(help),
        )
    }

    /// The parse tree lacks a part that the grammar guarantees: the grammar and this builder
    /// disagree. Reported as an internal error (the file is then unusable, never scored) with a
    /// request to report it, instead of an invented value deciding a score.
    fn invariant_broken(&mut self, span: Span) {
        self.diags.push(
            Diagnostic::error(
                codes::INTERNAL,
                "zhibiao 内部错误：语法树缺少语法规定必有的部分，这段规则无法使用",
            )
            .at(&self.file, span)
            .label("这一段")
            .help(
                "这是 zhibiao 的缺陷，不是规则文件的错误。请把规则文件和这段文字，\
                 连同版本号（zhibiao --version）一并报告给维护人员",
            ),
        );
    }

    /// A stand-in for an expression the tree lacks, after reporting it (never scored).
    fn broken_expr(&mut self, span: Span) -> Expr {
        self.invariant_broken(span);
        Expr {
            kind: ExprKind::Bool(false),
            span,
        }
    }

    /// A stand-in for a year range the tree lacks, after reporting it (never scored).
    fn broken_range(&mut self, span: Span) -> YearRange {
        self.invariant_broken(span);
        YearRange {
            from: year_expr(span),
            to: year_expr(span),
            span,
        }
    }

    /// A stand-in for a name or text the tree lacks, after reporting it (never scored).
    fn broken_text(&mut self, span: Span) -> Spanned<String> {
        self.invariant_broken(span);
        Spanned::new(String::new(), span)
    }

    /// A stand-in for a number the tree lacks, after reporting it (never scored).
    fn broken_number(&mut self, span: Span) -> Spanned<Decimal> {
        self.invariant_broken(span);
        Spanned::new(Decimal::ZERO, span)
    }

    /// Full-width punctuation where the language expects its ASCII sign (`，` for `,`).
    fn full_width_at(&self, pos: usize, found: &str) -> Option<Diagnostic> {
        let mut chars = found.chars();
        let c = chars.next()?;
        if chars.next().is_some() {
            return None;
        }
        let ascii = half_width(c)?;
        let (message, help) = match ascii {
            Some(a) => (
                format!("语法错误：这是中文全角符号“{c}”，请改成英文半角“{a}”"),
                if a == "\"" {
                    "文字要用英文双引号 \"…\" 括起来；中文引号可以写在文字里面".to_string()
                } else {
                    format!("规则文件里的标点一律用英文半角；“{c}”只能写在引号里的文字中")
                },
            ),
            None => (
                format!("语法错误：这是中文全角符号“{c}”，规则文件里不用这个符号"),
                format!("删去“{c}”；它只能写在引号里的文字中"),
            ),
        };
        Some(
            Diagnostic::error(codes::SYNTAX, message)
                .at(&self.file, Span::new(pos, pos + c.len_utf8()))
                .label("这里")
                .help(help),
        )
    }

    /// A keyword run into the name or number after it (`inputa`, `indicator1`): the parse stops
    /// where the keyword ends, inside one word. Keywords must stand apart from what follows.
    fn joined_keyword_at(&self, pos: usize) -> Option<Diagnostic> {
        let is_name_char = |c: char| pest::unicode::XID_CONTINUE(c);
        let before = self.text.get(..pos)?;
        let after = self.text.get(pos..)?;
        if !after.chars().next().is_some_and(is_name_char) {
            return None;
        }
        let back: usize = before
            .chars()
            .rev()
            .take_while(|c| is_name_char(*c))
            .map(char::len_utf8)
            .sum();
        let start = pos - back;
        let keyword = before.get(start..)?;
        if !keywords().any(|k| k == keyword) {
            return None;
        }
        let rest: String = after.chars().take_while(|c| is_name_char(*c)).collect();
        let end = pos + rest.len();
        let joined = self.text.get(start..end)?;
        Some(
            Diagnostic::error(
                codes::SYNTAX,
                format!("语法错误：关键字“{keyword}”和后面的“{rest}”连在了一起（“{joined}”）"),
            )
            .at(&self.file, Span::new(start, end))
            .label("这里")
            .help(format!("关键字后面要空一格：是否想写 `{keyword} {rest}`？")),
        )
    }

    /// The token at a position: a word, or a single character.
    fn found_at(&self, pos: usize) -> String {
        let rest = self.text.get(pos..).unwrap_or("");
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !word.is_empty() {
            return word;
        }
        rest.chars()
            .next()
            .map(|c| c.to_string())
            .unwrap_or_default()
    }

    fn hint_for(&self, found: &str, expected: &[&str]) -> Option<String> {
        if found.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
            && !found.is_empty()
            && let Some(k) = suggest(found, keywords())
            && k != found
        {
            return Some(format!("是否想写 `{k}`？"));
        }
        if found == "%" {
            return Some("百分号只能写一个，如 15%".into());
        }
        if found == "“" || found == "”" {
            return Some("文字要用英文双引号 \"…\" 括起来；中文引号可以写在文字里面".into());
        }
        if expected.contains(&"带引号的文字（\"…\"）") {
            return Some("用英文双引号把文字括起来，如 \"市场监管局\"".into());
        }
        None
    }

    fn reparse(&mut self, chunk: Pair<Rule>, rule: Rule) {
        let offset = chunk.as_span().start();
        let text = chunk.as_str();
        // A declaration cut short by full-width punctuation (`max(a，1)` ends `let b = max`)
        // leaves the rest as this chunk: the punctuation is what to report.
        if let Some((i, c)) = full_width_in(text)
            && let Some(d) = self.full_width_at(offset + i, &c.to_string())
        {
            self.diags.push(d);
            return;
        }
        match parse_detailed(rule, text) {
            Err(e) => {
                self.note_limit(&e);
                let d = self.syntax_error(e, offset);
                self.diags.push(d);
            }
            Ok(_) => {
                // The strict parse consumed a prefix but the chunk has more: point at the rest.
                let d = Diagnostic::error(codes::SYNTAX, "语法错误：无法识别这一段")
                    .at(&self.file, span_of(&chunk))
                    .help("对照语言参考（docs/language.md）检查这一段的写法");
                self.diags.push(d);
            }
        }
    }

    fn top(&mut self, pair: Pair<Rule>, out: &mut File) {
        match pair.as_rule() {
            Rule::ruleset => {
                let h = self.header(pair);
                if let Some(prev) = &out.header {
                    self.diags.push(
                        Diagnostic::error(codes::DUPLICATE, "一个文件只能有一个 ruleset 头")
                            .at(&self.file, h.id.span)
                            .related(prev.id.span, "第一个在这里")
                            .help("删除多余的 ruleset 块"),
                    );
                } else {
                    out.header = Some(h);
                }
            }
            Rule::input_decl => out.inputs.push(self.input(pair)),
            Rule::fn_decl => out.fns.push(self.fn_decl(pair)),
            Rule::let_decl => out.lets.push(self.let_decl(pair)),
            Rule::check_decl => out.checks.push(self.check(pair)),
            Rule::category => out.categories.push(self.category(pair)),
            Rule::allow => out.allows.push(self.allow(pair)),
            Rule::remove => {
                if let Some(r) = self.removal(pair) {
                    out.removals.push(r);
                }
            }
            Rule::bad_top => self.reparse(pair, Rule::top_strict),
            _ => {}
        }
    }

    fn removal(&mut self, pair: Pair<Rule>) -> Option<Removal> {
        let span = span_of(&pair);
        let target = pair.into_inner().next()?;
        let rule = target.as_rule();
        let arg = target.into_inner().next()?;
        let name = |p: &Pair<Rule>| Spanned::new(p.as_str().to_string(), span_of(p));
        let target = match rule {
            Rule::rm_indicator => RemoveTarget::Indicator(self.indicator_no(arg)),
            Rule::rm_input => RemoveTarget::Input(name(&arg)),
            Rule::rm_fn => RemoveTarget::Fn(name(&arg)),
            Rule::rm_let => RemoveTarget::Let(name(&arg)),
            Rule::rm_check => RemoveTarget::Check(self.string(arg)),
            Rule::rm_category => RemoveTarget::Category(self.string(arg)),
            _ => return None,
        };
        Some(Removal { target, span })
    }

    fn string(&mut self, pair: Pair<Rule>) -> Spanned<String> {
        let span = span_of(&pair);
        let raw = pair.as_str();
        // The grammar's `string` begins and ends with a quote.
        let inner = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or(raw);
        if !inner.contains('\\') {
            return Spanned::new(inner.to_string(), span);
        }
        let mut s = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some(other) => s.push(other),
                    None => {}
                }
            } else {
                s.push(c);
            }
        }
        Spanned::new(s, span)
    }

    fn number(&mut self, pair: Pair<Rule>) -> Spanned<Decimal> {
        let span = span_of(&pair);
        let value = pair.as_str().parse::<Decimal>().unwrap_or_else(|_| {
            self.diags.push(
                Diagnostic::error(
                    codes::LITERAL,
                    format!("数字“{}”超出可精确表示的范围", pair.as_str()),
                )
                .at(&self.file, span)
                .help("数字最多 28 位有效数字"),
            );
            Decimal::ZERO
        });
        Spanned::new(value, span)
    }

    fn literal(&mut self, pair: Pair<Rule>) -> Literal {
        let span = span_of(&pair);
        let text = pair.as_str().to_string();
        match parse_quantity(&text) {
            Ok(q) => Literal {
                value: q.value,
                unit: q.unit,
                text,
                span,
            },
            Err(e) => {
                let msg = match e {
                    QuantityError::TooLarge => format!("数值“{text}”超出可精确表示的范围"),
                    QuantityError::Repeated(r) => format!("数值“{text}”写法有误：“{r}”重复"),
                    QuantityError::NotANumber => format!("无法识别的数值“{text}”"),
                    QuantityError::TooPrecise => {
                        format!("数值“{text}”超过 28 位有效数字，无法精确表示")
                    }
                    QuantityError::Comma(r) => r.question(),
                };
                self.diags.push(
                    Diagnostic::error(codes::LITERAL, msg)
                        .at(&self.file, span)
                        .help("数值写法如 15%、3亿、5千万元、50学时"),
                );
                Literal {
                    value: Decimal::ZERO,
                    unit: crate::number::QuantityUnit::None,
                    text,
                    span,
                }
            }
        }
    }

    fn date(&mut self, pair: Pair<Rule>) -> Spanned<String> {
        let span = span_of(&pair);
        let s = pair.as_str().to_string();
        let ok = {
            let parts: Vec<u32> = s.split('-').filter_map(|p| p.parse().ok()).collect();
            matches!(parts.as_slice(), [y, m, d] if *y >= 1900 && (1..=12).contains(m) && (1..=days_in(*y, *m)).contains(d))
        };
        if !ok {
            self.diags.push(
                Diagnostic::error(codes::LITERAL, format!("日期“{s}”不存在"))
                    .at(&self.file, span)
                    .help("日期写成 年-月-日，如 2023-11-01"),
            );
        }
        Spanned::new(s, span)
    }

    fn allow(&mut self, pair: Pair<Rule>) -> Allow {
        let span = span_of(&pair);
        let mut it = pair.into_inner();
        let code = it
            .next()
            .map(|p| Spanned::new(p.as_str().to_string(), span_of(&p)));
        let reason = it.next().map(|p| self.string(p));
        Allow {
            code: code.unwrap_or_else(|| self.broken_text(span)),
            reason: reason.unwrap_or_else(|| self.broken_text(span)),
            span,
        }
    }

    fn header(&mut self, pair: Pair<Rule>) -> Header {
        let span = span_of(&pair);
        let mut it = pair.into_inner();
        let id = it
            .next()
            .map(|p| Spanned::new(p.as_str().to_string(), span_of(&p)))
            .unwrap_or_else(|| self.broken_text(span));
        let title = it
            .next()
            .map(|p| self.string(p))
            .unwrap_or_else(|| self.broken_text(span));
        let mut h = Header {
            id,
            title,
            version: None,
            effective: None,
            until: None,
            extends: None,
            accepts: None,
            source: None,
            points: None,
            category_rate: None,
            category_cap: None,
            pass: Vec::new(),
            allows: Vec::new(),
            span,
        };
        for field in it {
            let fspan = span_of(&field);
            let rule = field.as_rule();
            let mut inner = field.into_inner();
            match rule {
                Rule::h_version => {
                    let v = inner.next().map(|p| self.string(p));
                    h.version = self.once(h.version.is_some(), "version", fspan, v);
                }
                Rule::h_effective => {
                    let v = inner.next().map(|p| self.date(p));
                    h.effective = self.once(h.effective.is_some(), "effective", fspan, v);
                }
                Rule::h_until => {
                    let v = inner.next().map(|p| self.date(p));
                    h.until = self.once(h.until.is_some(), "until", fspan, v);
                }
                Rule::h_source => {
                    let v = inner.next().map(|p| self.string(p));
                    h.source = self.once(h.source.is_some(), "source", fspan, v);
                }
                Rule::h_extends => {
                    let v = inner.next().map(|p| self.string(p));
                    h.extends = self.once(h.extends.is_some(), "extends", fspan, v);
                }
                Rule::h_accepts => {
                    let v = inner.next().map(|p| self.string(p));
                    h.accepts = self.once(h.accepts.is_some(), "accepts", fspan, v);
                }
                Rule::h_points => {
                    let v = inner.next().map(|p| self.number(p));
                    h.points = self.once(h.points.is_some(), "points", fspan, v);
                }
                Rule::h_rate => {
                    let v = inner.next().map(|p| basis(&p));
                    h.category_rate =
                        self.once(h.category_rate.is_some(), "category_rate", fspan, v);
                }
                Rule::h_cap => {
                    let v = inner.next().map(|p| basis(&p));
                    h.category_cap = self.once(h.category_cap.is_some(), "category_cap", fspan, v);
                }
                Rule::h_pass => {
                    if !h.pass.is_empty() {
                        self.diags.push(
                            Diagnostic::error(codes::DUPLICATE, "pass 只能写一次")
                                .at(&self.file, fspan)
                                .help("把所有条件用 and 连在一条 pass 里"),
                        );
                    }
                    for c in inner {
                        if let Some(pc) = self.pass_cond(c) {
                            h.pass.push(pc);
                        }
                    }
                }
                Rule::allow => {
                    let a = self.allow_from_inner(fspan, inner);
                    h.allows.push(a);
                }
                _ => {}
            }
        }
        h
    }

    fn allow_from_inner(&mut self, span: Span, mut inner: pest::iterators::Pairs<Rule>) -> Allow {
        let code = inner
            .next()
            .map(|p| Spanned::new(p.as_str().to_string(), span_of(&p)));
        let reason = inner.next().map(|p| self.string(p));
        Allow {
            code: code.unwrap_or_else(|| self.broken_text(span)),
            reason: reason.unwrap_or_else(|| self.broken_text(span)),
            span,
        }
    }

    fn once<T>(&mut self, already: bool, what: &str, span: Span, value: Option<T>) -> Option<T> {
        if already {
            self.diags.push(
                Diagnostic::error(codes::DUPLICATE, format!("{what} 写了两次"))
                    .at(&self.file, span)
                    .help("只保留一处"),
            );
        }
        value
    }

    fn pass_cond(&mut self, pair: Pair<Rule>) -> Option<PassCond> {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let mut it = pair.into_inner();
        let subject = match rule {
            Rule::pass_total => PassSubject::Total,
            Rule::pass_every => PassSubject::Every(metric(&it.next()?)),
            Rule::pass_category => {
                let name = self.string(it.next()?);
                PassSubject::Category(name, metric(&it.next()?))
            }
            _ => return None,
        };
        let op = cmp_op(it.next()?.as_str());
        let value = self.literal(it.next()?);
        Some(PassCond {
            subject,
            op,
            value,
            span,
        })
    }

    fn input(&mut self, pair: Pair<Rule>) -> InputDecl {
        let span = span_of(&pair);
        let mut it = pair.into_inner();
        let name = it
            .next()
            .map(|p| Spanned::new(p.as_str().to_string(), span_of(&p)))
            .unwrap_or_else(|| self.broken_text(span));
        let label = it
            .next()
            .map(|p| self.string(p))
            .unwrap_or_else(|| self.broken_text(span));
        let mut decl = InputDecl {
            name,
            label,
            kind: Spanned::new(ScalarKind::Decimal, span),
            list: false,
            unit: None,
            yearly: false,
            optional: false,
            help: None,
            min: None,
            max: None,
            years: None,
            allows: Vec::new(),
            span,
        };
        for p in it {
            let pspan = span_of(&p);
            match p.as_rule() {
                Rule::kind => {
                    let mut scalar = None;
                    for k in p.into_inner() {
                        match k.as_rule() {
                            Rule::list_kind => {
                                decl.list = true;
                                scalar = k.into_inner().next();
                            }
                            Rule::scalar_kind => scalar = Some(k),
                            _ => {}
                        }
                    }
                    if let Some(sk) = scalar {
                        for part in sk.into_inner() {
                            match part.as_rule() {
                                Rule::kind_name => {
                                    let kind = match part.as_str().trim() {
                                        "count" => ScalarKind::Count,
                                        "money" => ScalarKind::Money,
                                        "percent" => ScalarKind::Percent,
                                        "bool" => ScalarKind::Bool,
                                        _ => ScalarKind::Decimal,
                                    };
                                    decl.kind = Spanned::new(kind, span_of(&part));
                                }
                                Rule::unit => {
                                    decl.unit = Some(Spanned::new(
                                        part.as_str().to_string(),
                                        span_of(&part),
                                    ))
                                }
                                _ => {}
                            }
                        }
                    }
                }
                Rule::a_yearly => decl.yearly = true,
                Rule::a_optional => decl.optional = true,
                Rule::a_help => decl.help = p.into_inner().next().map(|s| self.string(s)),
                Rule::a_min => decl.min = p.into_inner().next().map(|l| self.literal(l)),
                Rule::a_max => decl.max = p.into_inner().next().map(|l| self.literal(l)),
                Rule::a_years => decl.years = p.into_inner().next().map(|r| self.year_range(r)),
                Rule::allow => {
                    let a = self.allow_from_inner(pspan, p.into_inner());
                    decl.allows.push(a);
                }
                _ => {}
            }
        }
        if decl.kind.value == ScalarKind::Money {
            match &decl.unit {
                Some(u) if crate::number::money_unit_factor(&u.value).is_none() => self.diags.push(
                    Diagnostic::error(codes::LITERAL, format!("金额单位“{}”无法识别", u.value))
                        .at(&self.file, u.span)
                        .help("金额单位写成 元、万元、千万元 或 亿元"),
                ),
                None => self.diags.push(
                    Diagnostic::error(codes::LITERAL, "金额必须写明单位")
                        .at(&self.file, decl.kind.span)
                        .help("在 money 后写单位，如 money 万元"),
                ),
                _ => {}
            }
        }
        decl
    }

    fn fn_decl(&mut self, pair: Pair<Rule>) -> FnDecl {
        let span = span_of(&pair);
        let mut name = None;
        let mut params = Vec::new();
        let mut label = None;
        let mut body = None;
        for (i, p) in pair.into_inner().enumerate() {
            match p.as_rule() {
                Rule::ident if i == 0 => {
                    name = Some(Spanned::new(p.as_str().to_string(), span_of(&p)));
                }
                Rule::params => {
                    params = p
                        .into_inner()
                        .map(|x| Spanned::new(x.as_str().to_string(), span_of(&x)))
                        .collect()
                }
                Rule::label => label = p.into_inner().next().map(|s| self.string(s)),
                Rule::expr => body = Some(self.expr(p)),
                _ => {}
            }
        }
        FnDecl {
            name: name.unwrap_or_else(|| self.broken_text(span)),
            params,
            label,
            body: body.unwrap_or_else(|| self.broken_expr(span)),
            span,
        }
    }

    fn let_decl(&mut self, pair: Pair<Rule>) -> LetDecl {
        let span = span_of(&pair);
        let mut name = None;
        let mut label = None;
        let mut value = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(Spanned::new(p.as_str().to_string(), span_of(&p))),
                Rule::label => label = p.into_inner().next().map(|s| self.string(s)),
                Rule::expr => value = Some(self.expr(p)),
                _ => {}
            }
        }
        LetDecl {
            name: name.unwrap_or_else(|| self.broken_text(span)),
            label,
            value: value.unwrap_or_else(|| self.broken_expr(span)),
            span,
        }
    }

    fn check(&mut self, pair: Pair<Rule>) -> CheckDecl {
        let span = span_of(&pair);
        let mut cond = None;
        let mut severity = Spanned::new(Severity::Error, span);
        let mut message = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::expr => cond = Some(self.expr(p)),
                Rule::severity => {
                    let s = if p.as_str().trim() == "warning" {
                        Severity::Warning
                    } else {
                        Severity::Error
                    };
                    severity = Spanned::new(s, span_of(&p));
                }
                Rule::string => message = Some(self.string(p)),
                _ => {}
            }
        }
        CheckDecl {
            cond: cond.unwrap_or_else(|| self.broken_expr(span)),
            severity,
            message: message.unwrap_or_else(|| self.broken_text(span)),
            span,
        }
    }

    fn category(&mut self, pair: Pair<Rule>) -> Category {
        let span = span_of(&pair);
        let mut it = pair.into_inner();
        let name = it
            .next()
            .map(|p| self.string(p))
            .unwrap_or_else(|| self.broken_text(span));
        let points = it
            .next()
            .and_then(|p| p.into_inner().next())
            .map(|p| self.number(p))
            .unwrap_or_else(|| self.broken_number(span));
        let mut cat = Category {
            name,
            points,
            groups: Vec::new(),
            indicators: Vec::new(),
            allows: Vec::new(),
            span,
        };
        for m in it {
            self.member(m, &mut cat, None);
        }
        cat
    }

    fn member(&mut self, m: Pair<Rule>, cat: &mut Category, group: Option<&str>) {
        let mspan = span_of(&m);
        match m.as_rule() {
            Rule::indicator => {
                let ind = self.indicator(m, group);
                cat.indicators.push(ind);
            }
            Rule::group => {
                let mut it = m.into_inner();
                let name = it
                    .next()
                    .map(|p| self.string(p))
                    .unwrap_or_else(|| self.broken_text(mspan));
                let mut points = None;
                let gname = name.value.clone();
                let mut rest = Vec::new();
                for p in it {
                    if p.as_rule() == Rule::points {
                        points = p.into_inner().next().map(|n| self.number(n));
                    } else {
                        rest.push(p);
                    }
                }
                cat.groups.push(Group {
                    name,
                    points,
                    span: mspan,
                });
                for p in rest {
                    self.member(p, cat, Some(&gname));
                }
            }
            Rule::allow => {
                let a = self.allow_from_inner(mspan, m.into_inner());
                cat.allows.push(a);
            }
            Rule::bad_member => self.reparse(m, Rule::member_strict),
            _ => {}
        }
    }

    fn indicator_no(&mut self, p: Pair<Rule>) -> Spanned<u32> {
        let v = p.as_str().parse::<u32>().unwrap_or_else(|_| {
            self.diags.push(
                Diagnostic::error(codes::LITERAL, "指标编号过大")
                    .at(&self.file, span_of(&p))
                    .help("指标编号是 1 到 9999 的整数"),
            );
            0
        });
        Spanned::new(v, span_of(&p))
    }

    fn indicator(&mut self, pair: Pair<Rule>, group: Option<&str>) -> Indicator {
        let span = span_of(&pair);
        let mut it = pair.into_inner();
        let no_pair = it.next();
        let no = match no_pair {
            Some(p) => self.indicator_no(p),
            None => Spanned::new(0, span),
        };
        let name = it
            .next()
            .map(|p| self.string(p))
            .unwrap_or_else(|| self.broken_text(span));
        let points_pair = it.next();
        let head_end = points_pair
            .as_ref()
            .map_or(name.span.end, |p| p.as_span().end());
        let points = points_pair
            .and_then(|p| p.into_inner().next())
            .map(|p| self.number(p))
            .unwrap_or_else(|| self.broken_number(span));
        let mut ind = Indicator {
            no,
            name,
            points,
            group: group.map(str::to_string),
            nature: None,
            rule: None,
            method: None,
            sources: Vec::new(),
            owners: Vec::new(),
            lets: Vec::new(),
            score: None,
            cap: None,
            allows: Vec::new(),
            head_span: Span::new(span.start, head_end),
            span,
        };
        for f in it {
            let fspan = span_of(&f);
            match f.as_rule() {
                Rule::f_nature => {
                    let v = f.into_inner().next().map(|n| {
                        let nat = match n.as_str() {
                            "定量" => Nature::Quantitative,
                            "定性" => Nature::Qualitative,
                            "定量+定性" => Nature::QuantQual,
                            _ => Nature::QualQuant,
                        };
                        Spanned::new(nat, span_of(&n))
                    });
                    ind.nature = self.once(ind.nature.is_some(), "nature", fspan, v);
                }
                Rule::f_rule => {
                    let v = f.into_inner().next().map(|s| self.string(s));
                    ind.rule = self.once(ind.rule.is_some(), "rule", fspan, v);
                }
                Rule::f_method => {
                    let v = f.into_inner().next().map(|s| self.string(s));
                    ind.method = self.once(ind.method.is_some(), "method", fspan, v);
                }
                Rule::f_sources => {
                    if !ind.sources.is_empty() {
                        self.once(true, "sources", fspan, Some(()));
                    }
                    ind.sources = f.into_inner().map(|s| self.string(s)).collect();
                }
                Rule::f_owners => {
                    if !ind.owners.is_empty() {
                        self.once(true, "owners", fspan, Some(()));
                    }
                    ind.owners = f.into_inner().map(|s| self.string(s)).collect();
                }
                Rule::let_decl => {
                    let l = self.let_decl(f);
                    ind.lets.push(l);
                }
                Rule::score_clause => {
                    let form = f.into_inner().next().map(|p| self.score_form(p));
                    if ind.score.is_some() {
                        self.diags.push(
                            Diagnostic::error(codes::DUPLICATE, "一个指标只能有一个 score")
                                .at(&self.file, fspan)
                                .help("要组合多种计分方式，用 score max { … } 或 score sum { … }"),
                        );
                    } else {
                        ind.score = form;
                    }
                }
                Rule::cap_clause => {
                    let v = f.into_inner().next().map(|n| self.number(n));
                    ind.cap = self.once(ind.cap.is_some(), "cap", fspan, v);
                }
                Rule::allow => {
                    let a = self.allow_from_inner(fspan, f.into_inner());
                    ind.allows.push(a);
                }
                _ => {}
            }
        }
        ind
    }

    fn score_form(&mut self, pair: Pair<Rule>) -> ScoreForm {
        let span = span_of(&pair);
        if self.stack_short() {
            return ScoreForm::Judged { span };
        }
        let rule = pair.as_rule();
        let mut it = pair.into_inner();
        match rule {
            Rule::sf_tiers => {
                let mut subject = None;
                let mut overlap = None;
                let mut tiers = Vec::new();
                for p in it {
                    match p.as_rule() {
                        Rule::expr => subject = Some(self.expr(p)),
                        Rule::overlap => {
                            overlap = p.into_inner().next().map(|o| {
                                let v = if o.as_str().trim() == "higher" {
                                    Overlap::Higher
                                } else {
                                    Overlap::Lower
                                };
                                Spanned::new(v, span_of(&o))
                            })
                        }
                        Rule::tier => tiers.push(self.tier(p)),
                        _ => {}
                    }
                }
                ScoreForm::Tiers {
                    subject: subject.unwrap_or_else(|| self.broken_expr(span)),
                    overlap,
                    tiers,
                    span,
                }
            }
            Rule::sf_each_year => {
                let var = it
                    .next()
                    .map(|p| Spanned::new(p.as_str().to_string(), span_of(&p)))
                    .unwrap_or_else(|| self.broken_text(span));
                let range = it.next().map(|p| self.year_range(p));
                let award = it
                    .next()
                    .map(|p| self.number(p))
                    .unwrap_or_else(|| self.broken_number(span));
                let cond = it
                    .next()
                    .map(|p| self.expr(p))
                    .unwrap_or_else(|| self.broken_expr(span));
                let range = range.unwrap_or_else(|| self.broken_range(span));
                ScoreForm::EachYear {
                    var,
                    range,
                    award,
                    cond,
                    span,
                }
            }
            Rule::sf_items => ScoreForm::Items {
                items: it.map(|p| self.item(p)).collect(),
                span,
            },
            Rule::sf_any => {
                let award = it
                    .next()
                    .map(|p| self.number(p))
                    .unwrap_or_else(|| self.broken_number(span));
                ScoreForm::Any {
                    award,
                    items: it.map(|p| self.item(p)).collect(),
                    span,
                }
            }
            Rule::sf_judged => ScoreForm::Judged { span },
            Rule::sf_max => ScoreForm::Max {
                forms: it.map(|p| self.score_form(p)).collect(),
                span,
            },
            Rule::sf_sum => ScoreForm::Sum {
                forms: it.map(|p| self.score_form(p)).collect(),
                span,
            },
            _ => {
                let e = it
                    .next()
                    .map(|p| self.expr(p))
                    .unwrap_or_else(|| self.broken_expr(span));
                ScoreForm::Expr(e)
            }
        }
    }

    fn tier(&mut self, pair: Pair<Rule>) -> Tier {
        let span = span_of(&pair);
        let mut it = pair.into_inner();
        let interval = it.next();
        let points = it
            .next()
            .map(|p| self.number(p))
            .unwrap_or_else(|| self.broken_number(span));
        let mut t = Tier {
            lo: None,
            lo_inclusive: true,
            hi: None,
            hi_inclusive: true,
            points,
            interval_span: span,
            span,
        };
        if let Some(iv) = interval {
            t.interval_span = span_of(&iv);
            let parts: Vec<Pair<Rule>> = iv.into_inner().collect();
            if let [lb, lo, hi, rb] = parts.as_slice() {
                t.lo_inclusive = lb.as_str() == "[";
                t.hi_inclusive = rb.as_str() == "]";
                t.lo = self.bound(lo.clone());
                t.hi = self.bound(hi.clone());
            }
        }
        t
    }

    fn bound(&mut self, pair: Pair<Rule>) -> Option<Literal> {
        let mut neg = false;
        let mut lit = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::neg_op => neg = true,
                Rule::literal => lit = Some(self.literal(p)),
                _ => {}
            }
        }
        lit.map(|mut l| {
            if neg {
                l.value = -l.value;
                l.text = format!("-{}", l.text);
            }
            l
        })
    }

    fn item(&mut self, pair: Pair<Rule>) -> SubItem {
        let span = span_of(&pair);
        let mut no = Spanned::new(0, span);
        let mut text = None;
        let mut points = None;
        let mut how = How::Judged(span);
        let mut owners = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::item_no => no = Spanned::new(p.as_str().parse().unwrap_or(0), span_of(&p)),
                Rule::string => text = Some(self.string(p)),
                Rule::points => points = p.into_inner().next().map(|n| self.number(n)),
                Rule::judged => how = How::Judged(span_of(&p)),
                Rule::when_clause => {
                    if let Some(e) = p.into_inner().next() {
                        how = How::When(self.expr(e));
                    }
                }
                Rule::f_owners => owners = p.into_inner().map(|s| self.string(s)).collect(),
                _ => {}
            }
        }
        SubItem {
            no,
            text: text.unwrap_or_else(|| self.broken_text(span)),
            points,
            how,
            owners,
            span,
        }
    }

    fn year_range(&mut self, pair: Pair<Rule>) -> YearRange {
        let span = span_of(&pair);
        let mut it = pair.into_inner();
        let from = it
            .next()
            .map(|p| self.expr(p))
            .unwrap_or_else(|| self.broken_expr(span));
        let to = it
            .next()
            .map(|p| self.expr(p))
            .unwrap_or_else(|| self.broken_expr(span));
        YearRange { from, to, span }
    }

    /// Builds an expression from any expression-level pair.
    fn expr(&mut self, pair: Pair<Rule>) -> Expr {
        let span = span_of(&pair);
        if self.stack_short() {
            return Expr {
                kind: ExprKind::Bool(false),
                span,
            };
        }
        let rule = pair.as_rule();
        let chained = matches!(
            rule,
            Rule::or_expr
                | Rule::and_expr
                | Rule::not_expr
                | Rule::coalesce
                | Rule::add_expr
                | Rule::mul_expr
                | Rule::unary
                | Rule::postfix
        );
        if chained && pair.clone().into_inner().count() > 2 * MAX_CHAIN {
            self.diags.push(
                Diagnostic::error(
                    codes::LIMIT,
                    format!("表达式过长（一串运算超过 {MAX_CHAIN} 项）"),
                )
                .at(&self.file, Span::new(span.start, span.start + 1))
                .help("把表达式拆成几个 let 定义"),
            );
            return Expr {
                kind: ExprKind::Bool(false),
                span,
            };
        }
        match rule {
            Rule::expr | Rule::sf_expr => match pair.into_inner().next() {
                Some(p) => self.expr(p),
                None => self.broken_expr(span),
            },
            Rule::or_expr | Rule::and_expr => {
                let mut it = pair.into_inner();
                let mut acc = match it.next() {
                    Some(p) => self.expr(p),
                    None => return self.broken_expr(span),
                };
                while let (Some(_op), Some(rhs)) = (it.next(), it.next()) {
                    let r = self.expr(rhs);
                    let s = acc.span.join(r.span);
                    let kind = if rule == Rule::or_expr {
                        ExprKind::Or(Box::new(acc), Box::new(r))
                    } else {
                        ExprKind::And(Box::new(acc), Box::new(r))
                    };
                    acc = Expr { kind, span: s };
                }
                acc
            }
            Rule::not_expr => {
                let parts: Vec<Pair<Rule>> = pair.into_inner().collect();
                let (ops, rest) = parts.split_at(parts.len().saturating_sub(1));
                let mut e = match rest.first() {
                    Some(p) => self.expr(p.clone()),
                    None => return self.broken_expr(span),
                };
                for op in ops.iter().rev() {
                    e = Expr {
                        span: span_of(op).join(e.span),
                        kind: ExprKind::Not(Box::new(e)),
                    };
                }
                e
            }
            Rule::cmp_expr => {
                let mut it = pair.into_inner();
                let lhs = match it.next() {
                    Some(p) => self.expr(p),
                    None => return self.broken_expr(span),
                };
                match (it.next(), it.next()) {
                    (Some(op), Some(rhs)) => {
                        let r = self.expr(rhs);
                        Expr {
                            kind: ExprKind::Cmp(cmp_op(op.as_str()), Box::new(lhs), Box::new(r)),
                            span,
                        }
                    }
                    _ => lhs,
                }
            }
            Rule::coalesce => {
                let mut parts: Vec<Expr> = pair.into_inner().map(|p| self.expr(p)).collect();
                // `a ?? b ?? c` is `a ?? (b ?? c)`.
                let mut acc = match parts.pop() {
                    Some(e) => e,
                    None => return self.broken_expr(span),
                };
                while let Some(l) = parts.pop() {
                    let s = l.span.join(acc.span);
                    acc = Expr {
                        kind: ExprKind::Coalesce(Box::new(l), Box::new(acc)),
                        span: s,
                    };
                }
                acc
            }
            Rule::add_expr | Rule::mul_expr => {
                let mut it = pair.into_inner();
                let mut acc = match it.next() {
                    Some(p) => self.expr(p),
                    None => return self.broken_expr(span),
                };
                while let (Some(op), Some(rhs)) = (it.next(), it.next()) {
                    let r = self.expr(rhs);
                    let s = acc.span.join(r.span);
                    let op = match op.as_str() {
                        "+" => ArithOp::Add,
                        "-" => ArithOp::Sub,
                        "*" | "×" => ArithOp::Mul,
                        _ => ArithOp::Div,
                    };
                    acc = Expr {
                        kind: ExprKind::Arith(op, Box::new(acc), Box::new(r)),
                        span: s,
                    };
                }
                acc
            }
            Rule::unary => {
                let parts: Vec<Pair<Rule>> = pair.into_inner().collect();
                let (ops, rest) = parts.split_at(parts.len().saturating_sub(1));
                let mut e = match rest.first() {
                    Some(p) => self.expr(p.clone()),
                    None => return self.broken_expr(span),
                };
                for op in ops.iter().rev() {
                    e = Expr {
                        span: span_of(op).join(e.span),
                        kind: ExprKind::Neg(Box::new(e)),
                    };
                }
                e
            }
            Rule::postfix => {
                let mut it = pair.into_inner();
                let mut acc = match it.next() {
                    Some(p) => self.expr(p),
                    None => return self.broken_expr(span),
                };
                for idx in it {
                    let ispan = span_of(&idx);
                    let i = match idx.into_inner().next() {
                        Some(p) => self.expr(p),
                        None => continue,
                    };
                    acc = Expr {
                        span: acc.span.join(ispan),
                        kind: ExprKind::Index(Box::new(acc), Box::new(i)),
                    };
                }
                acc
            }
            Rule::literal => Expr {
                kind: ExprKind::Lit(self.literal(pair)),
                span,
            },
            Rule::boolean => Expr {
                kind: ExprKind::Bool(pair.as_str().trim() == "true"),
                span,
            },
            Rule::year_var => Expr {
                kind: ExprKind::Year,
                span,
            },
            Rule::ident => Expr {
                kind: ExprKind::Name(pair.as_str().to_string()),
                span,
            },
            Rule::call => {
                let mut it = pair.into_inner();
                let name = it
                    .next()
                    .map(|p| Spanned::new(p.as_str().to_string(), span_of(&p)))
                    .unwrap_or_else(|| self.broken_text(span));
                let args = it.map(|p| self.expr(p)).collect();
                Expr {
                    kind: ExprKind::Call(name, args),
                    span,
                }
            }
            Rule::quantifier => {
                let mut it = pair.into_inner();
                let all = it.next().is_some_and(|k| k.as_str().trim() == "all");
                let var = it
                    .next()
                    .map(|p| Spanned::new(p.as_str().to_string(), span_of(&p)))
                    .unwrap_or_else(|| self.broken_text(span));
                let range = it
                    .next()
                    .map(|p| self.year_range(p))
                    .unwrap_or_else(|| self.broken_range(span));
                let body = it
                    .next()
                    .map(|p| self.expr(p))
                    .unwrap_or_else(|| self.broken_expr(span));
                Expr {
                    kind: ExprKind::Quant {
                        all,
                        var,
                        range: Box::new(range),
                        body: Box::new(body),
                    },
                    span,
                }
            }
            Rule::count_where => {
                let mut it = pair.into_inner();
                let var = it
                    .next()
                    .map(|p| Spanned::new(p.as_str().to_string(), span_of(&p)))
                    .unwrap_or_else(|| self.broken_text(span));
                let list = it
                    .next()
                    .map(|p| self.expr(p))
                    .unwrap_or_else(|| self.broken_expr(span));
                let cond = it
                    .next()
                    .map(|p| self.expr(p))
                    .unwrap_or_else(|| self.broken_expr(span));
                Expr {
                    kind: ExprKind::CountWhere {
                        var,
                        list: Box::new(list),
                        cond: Box::new(cond),
                    },
                    span,
                }
            }
            Rule::script => {
                let raw = pair.as_str();
                // The grammar's `script` begins and ends with a fence.
                let code = raw
                    .strip_prefix("```")
                    .and_then(|r| r.strip_suffix("```"))
                    .unwrap_or(raw)
                    .to_string();
                Expr {
                    kind: ExprKind::Script(Script {
                        code,
                        code_offset: span.start + 3,
                    }),
                    span,
                }
            }
            _ => self.broken_expr(span),
        }
    }
}

fn year_expr(span: Span) -> Expr {
    Expr {
        kind: ExprKind::Year,
        span,
    }
}

fn basis(p: &Pair<Rule>) -> Spanned<Basis> {
    let b = match p.as_str().trim() {
        "declared" => Basis::Declared,
        "indicators" => Basis::Indicators,
        _ => Basis::None,
    };
    Spanned::new(b, span_of(p))
}

fn metric(p: &Pair<Rule>) -> Metric {
    if p.as_str().trim() == "rate" {
        Metric::Rate
    } else {
        Metric::Score
    }
}

fn cmp_op(s: &str) -> CmpOp {
    match s {
        ">" => CmpOp::Gt,
        ">=" | "≥" => CmpOp::Ge,
        "<" => CmpOp::Lt,
        "<=" | "≤" => CmpOp::Le,
        "==" => CmpOp::Eq,
        _ => CmpOp::Ne,
    }
}

fn days_in(y: u32, m: u32) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the parse tree lacks a part the grammar guarantees (the builder and the grammar have
    /// drifted apart), the builder reports an internal error instead of inventing a value such as
    /// `false` that would silently decide a score. Simulated by handing builders a pair of
    /// another shape.
    #[test]
    fn a_tree_without_a_guaranteed_part_is_an_internal_error() {
        let text = "allow ZB301 \"理由\"";
        let pair = || {
            ZbParser::parse(Rule::allow, text)
                .expect("parses")
                .next()
                .expect("a pair")
        };
        let builder = || Builder {
            file: Arc::from("t.zb"),
            text,
            diags: Vec::new(),
            guarded: false,
            out_of_stack: false,
        };
        let internal = |b: &Builder| b.diags.iter().filter(|d| d.code == codes::INTERNAL).count();
        let mut b = builder();
        b.let_decl(pair());
        assert_eq!(internal(&b), 2, "name and value: {:?}", b.diags);
        let mut b = builder();
        b.fn_decl(pair());
        assert_eq!(internal(&b), 2, "name and body: {:?}", b.diags);
        let mut b = builder();
        b.check(pair());
        assert_eq!(
            internal(&b),
            1,
            "condition (the text is there): {:?}",
            b.diags
        );
        let mut b = builder();
        b.expr(pair());
        assert_eq!(internal(&b), 1, "{:?}", b.diags);
        assert!(b.diags.iter().all(|d| d.severity == Severity::Error));
    }

    /// The grammar writes every word of the language once, in its keyword table: a word written
    /// anywhere else (a literal such as `"input"`) would escape the table that messages and
    /// "did you mean" are built from, and would not be word-bounded.
    #[test]
    fn the_grammar_writes_words_only_in_its_keyword_table() {
        let grammar = include_str!("../../grammar/zhibiao.pest");
        for line in grammar.lines() {
            let code = line.split("//").next().unwrap_or("");
            if code.trim_start().starts_with("kw_") {
                continue;
            }
            // Each literal of letters must be the `"x"` of a `&kw_x ~ "x"`.
            let mut rest = code;
            while let Some(open) = rest.find('"') {
                let after = &rest[open + 1..];
                let Some(close) = after.find('"') else { break };
                let lit = &after[..close];
                if !lit.is_empty()
                    && lit.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
                    && lit != "_"
                {
                    let before = rest[..open].trim_end();
                    assert!(
                        before.ends_with(&format!("&kw_{lit} ~")),
                        "grammar: the word \"{lit}\" is written outside the keyword table: {line}"
                    );
                }
                rest = &after[close + 1..];
            }
        }
    }

    /// The words in the hand-written descriptions are keywords of the grammar's table.
    #[test]
    fn descriptions_name_only_keywords_of_the_grammar() {
        let table: Vec<&str> = keywords().collect();
        assert!(table.contains(&"input") && table.contains(&"indicator"));
        let rules = [
            Rule::basis,
            Rule::metric,
            Rule::kind,
            Rule::kind_name,
            Rule::severity,
            Rule::overlap_policy,
            Rule::boolean,
            Rule::quantifier,
            Rule::count_where,
            Rule::bound,
            Rule::pass_category,
            Rule::rm_indicator,
            Rule::rm_input,
            Rule::rm_fn,
            Rule::rm_let,
            Rule::rm_check,
            Rule::rm_category,
            Rule::year_range,
        ];
        for rule in rules {
            let text = described(rule).unwrap();
            for word in text
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() > 1)
            {
                assert!(
                    table.contains(&word),
                    "{rule:?}: “{word}” is not a keyword: {text}"
                );
            }
        }
        // Every keyword rule and every rule led by keywords is described from the table.
        assert_eq!(describe(Rule::input_decl), Some("input"));
        assert_eq!(describe(Rule::sf_each_year), Some("each year"));
        assert_eq!(describe(Rule::or_op), Some("or"));
        assert_eq!(describe(Rule::kw_award), Some("award"));
    }

    /// A file nested as deep as the limits allow: 48 brackets (braces of the category, the
    /// indicator and the tiers among them), quantifiers inside, a chain of 256 operands inside.
    fn deepest(quantifiers: usize) -> String {
        let mut e = String::from("1");
        for _ in 0..MAX_CHAIN - 1 {
            e.push_str(" + x");
        }
        for _ in 0..quantifiers {
            e = format!("all y in Y-1..Y: {e} > 1");
        }
        for i in 0..MAX_NESTING - 4 {
            e = match i % 3 {
                0 => format!("({e})"),
                1 => format!("max({e}, 1)"),
                _ => format!("a[{e}]"),
            };
        }
        format!(
            "ruleset t \"t\" {{ version \"1\" pass total >= 1 }}\ninput x \"x\" count\n\
             category \"c\" points 1 {{\n indicator 1 \"i\" points 1 {{\n  \
             score tiers {e} {{ [0, ..) => 1 }}\n }}\n}}\n"
        )
    }

    /// Parsing while watching the stack either gives up or gives what the parser thread gives,
    /// however little stack there is.
    #[test]
    fn watched_parse_gives_up_or_agrees() {
        let name: Arc<str> = Arc::from("deep.zb");
        for quantifiers in [0, 40] {
            let text = deepest(quantifiers);
            assert!(too_deep(&text).is_none());
            let (tree, diags) = parse(&name, &text);
            let expected = format!("{diags:?} {:?}", tree.categories.len());
            std::mem::forget(tree); // dropping the deep tree takes more stack than a test has
            for kib in [256, 1024, 4096, 16384] {
                let (name, text) = (name.clone(), text.clone());
                let got = std::thread::Builder::new()
                    .stack_size(kib * 1024)
                    .spawn(move || {
                        parse_here(&name, &text, true).map(|(tree, diags)| {
                            let out = format!("{diags:?} {:?}", tree.categories.len());
                            std::mem::forget(tree);
                            out
                        })
                    })
                    .expect("thread")
                    .join()
                    .expect("no panic");
                if let Some(got) = got {
                    assert_eq!(got, expected, "{quantifiers} quantifiers, {kib} KiB");
                }
            }
        }
    }
}
