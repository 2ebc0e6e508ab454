//! One diagnostic model for every stage.
//!
//! The parser, the resolver, the submission loader and the evaluator all report problems as
//! [`Diagnostic`]s: a stable code, a severity, a message, the file and byte span it points at,
//! extra labels and a help text. What went wrong is separate from where: a diagnostic names its
//! file, and [`render`] looks the text up in a [`SourceMap`] only when it is shown. Messages are
//! Chinese because the people who read them keep the rule files and fill in the submissions.

use crate::text::printable;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A byte range in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The span shifted right by `by` bytes.
    pub fn offset(self, by: usize) -> Span {
        Span {
            start: self.start + by,
            end: self.end + by,
        }
    }

    /// The smallest span that covers both.
    pub fn join(self, o: Span) -> Span {
        Span {
            start: self.start.min(o.start),
            end: self.end.max(o.end),
        }
    }
}

/// How bad a finding is. A result passes when it has no errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails anything.
    Info,
    /// Probably a mistake; fails only under `--deny warnings`.
    Warning,
    /// The input cannot be used as it is.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A finding about a rule file or a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// A stable code, listed in [`crate::codes`].
    pub code: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file it is about (a path or a name such as `<内置规则>`).
    pub file: Option<Arc<str>>,
    /// The place in that file.
    pub span: Option<Span>,
    /// The text under the main caret.
    pub label: Option<String>,
    /// Further places worth showing.
    pub related: Vec<(Span, String)>,
    /// What to do about it.
    pub help: Option<String>,
    /// The spreadsheet cell it is about (`AH3`), for files that have cells instead of lines.
    /// The message starts with it (see [`Diagnostic::in_cell`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Diagnostic {
    /// An error with a code and a message.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            file: None,
            span: None,
            label: None,
            related: Vec::new(),
            help: None,
            cell: None,
        }
    }

    /// A warning with a code and a message.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Points the diagnostic at a place in a file.
    pub fn at(mut self, file: &Arc<str>, span: Span) -> Diagnostic {
        self.file = Some(file.clone());
        self.span = Some(span);
        self
    }

    /// Names the file without a place in it.
    pub fn in_file(mut self, file: &Arc<str>) -> Diagnostic {
        self.file = Some(file.clone());
        self
    }

    /// Names the spreadsheet cell it is about, in front of the message: `AH3：…`.
    pub fn in_cell(mut self, cell: String) -> Diagnostic {
        self.message = format!("{cell}：{}", self.message);
        self.cell = Some(cell);
        self
    }

    /// Sets the text under the caret.
    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Adds a help text.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a further labelled place in the same file.
    pub fn related(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.related.push((span, text.into()));
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// True when any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// The texts of the files that diagnostics point into, by name.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: BTreeMap<Arc<str>, SourceFile>,
}

/// A file's text and, once a diagnostic in it is drawn, where its lines start.
#[derive(Debug, Clone)]
struct SourceFile {
    text: Arc<str>,
    lines: std::sync::OnceLock<Vec<usize>>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file.
    pub fn add(&mut self, name: &Arc<str>, text: &Arc<str>) {
        self.files.insert(
            name.clone(),
            SourceFile {
                text: text.clone(),
                lines: std::sync::OnceLock::new(),
            },
        );
    }

    /// The text of a file.
    pub fn get(&self, name: &str) -> Option<&Arc<str>> {
        self.files.get(name).map(|f| &f.text)
    }

    /// The byte offsets where the lines of a file start, as miette counts lines ([`line_starts`]),
    /// found once per file.
    fn line_starts(&self, name: &str) -> Option<&[usize]> {
        let f = self.files.get(name)?;
        Some(f.lines.get_or_init(|| line_starts(&f.text)))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, name: &str, offset: usize) -> Option<(usize, usize)> {
        let text = self.get(name)?;
        Some(line_col(text, offset))
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = text.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// A span moved inside `text`, onto character boundaries, its end not before its start: what
/// miette can draw.
fn inside(text: &str, s: Span) -> Span {
    let start = floor_char_boundary(text, s.start.min(text.len()));
    let end = floor_char_boundary(text, s.end.min(text.len())).max(start);
    Span { start, end }
}

/// The length in bytes of the line holding byte `at` (a character boundary inside `text`).
fn line_len(text: &str, at: usize) -> usize {
    let before = text.get(..at).unwrap_or("");
    let after = text.get(at..).unwrap_or("");
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let end = after.find('\n').map_or(text.len(), |i| at + i);
    end.saturating_sub(start)
}

/// Whole lines either side of the places in the text given to miette (it shows one).
const WINDOW_LINES: usize = 2;

/// Where the lines of `text` start: 0, and after each line feed, carriage return, or both
/// together (a line break as miette counts it).
fn line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut starts = vec![0];
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}

/// The whole lines of a file (`starts` from [`line_starts`], `len` its length) from
/// [`WINDOW_LINES`] lines before the line holding byte `from` to [`WINDOW_LINES`] lines after
/// the line holding byte `to`, with the break that ends the last one; and the number of lines
/// before it.
fn lines_around(
    starts: &[usize],
    len: usize,
    from: usize,
    to: usize,
) -> (std::ops::Range<usize>, usize) {
    // The line holding a byte: the last that starts at or before it.
    let line_of = |at: usize| starts.partition_point(|&s| s <= at).saturating_sub(1);
    let first = line_of(from).saturating_sub(WINDOW_LINES);
    let after = line_of(to) + WINDOW_LINES + 1;
    let start = starts.get(first).copied().unwrap_or(0);
    let end = starts.get(after).copied().unwrap_or(len).max(to).min(len);
    (start..end, first)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How [`render`] draws.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Use colour.
    pub color: bool,
    /// Wrap at this width.
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
        }
    }
}

/// A named source whose reported column counts characters, not bytes, so the `file:line:col`
/// header agrees with what an editor shows on a line of Chinese text.
#[derive(Debug, Clone)]
struct CharColumns {
    name: String,
    text: String,
    /// Lines of the file before `text` (non-zero when `text` is an excerpt of one long line).
    line_base: usize,
    /// Characters of the line before `text` begins, less the "…" that opens an excerpt.
    col_base: usize,
    /// Added to the line count miette reads, which counts from the start of its text: it decides
    /// whether two places are drawn in one snippet, so a window of lines counts as the whole
    /// file did.
    count_base: usize,
}

/// The longest line (in bytes) shown whole; a longer one is shown as an excerpt around the
/// place. miette cannot draw a caret past column 65,535 (Rust's format width is 16 bits), and a
/// line of a one-line JSON file is of no use to a reader anyway.
const MAX_SHOWN_LINE: usize = 400;
/// Characters shown either side of the place in an excerpt of a long line.
const EXCERPT_CONTEXT: usize = 60;

/// An excerpt of a long line.
struct Excerpt {
    /// What is shown: the window of the line, with "…" where it is cut.
    shown: String,
    /// The byte range of the file the window covers.
    window: std::ops::Range<usize>,
    /// Bytes of `shown` before the window (the opening "…").
    lead: usize,
    line_base: usize,
    col_base: usize,
}

impl Excerpt {
    /// A span of the file moved into the excerpt, if it lies inside the window.
    fn moved(&self, span: Span) -> Option<Span> {
        let inside = |i: usize| self.window.start <= i && i <= self.window.end;
        (inside(span.start) && inside(span.end)).then(|| {
            Span::new(
                span.start - self.window.start + self.lead,
                span.end - self.window.start + self.lead,
            )
        })
    }
}

/// An excerpt of the line holding `span` around it, when that line is too long to show whole.
fn excerpt(text: &str, span: Span) -> Option<Excerpt> {
    let start = span.start;
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text
        .get(start..)?
        .find('\n')
        .map_or(text.len(), |i| start + i);
    if line_end - line_start <= MAX_SHOWN_LINE {
        return None;
    }
    let line = text.get(line_start..line_end)?;
    let at = start - line_start;
    // The window, on character boundaries: EXCERPT_CONTEXT characters either side of the span.
    let from = line
        .get(..at)?
        .char_indices()
        .rev()
        .nth(EXCERPT_CONTEXT.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let span_end = span.end.clamp(start, line_end) - line_start;
    let to = line
        .get(span_end..)?
        .char_indices()
        .nth(EXCERPT_CONTEXT)
        .map_or(line.len(), |(i, _)| span_end + i);
    let body = line.get(from..to)?;
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < line.len() { "…" } else { "" };
    Some(Excerpt {
        shown: format!("{lead}{body}{tail}"),
        window: line_start + from..line_start + to,
        lead: lead.len(),
        line_base: text.get(..line_start)?.matches('\n').count(),
        col_base: line.get(..from)?.chars().count() - lead.chars().count(),
    })
}

impl miette::SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let c = self.text.read_span(span, before, after)?;
        // miette asks for zero context lines when it writes the header's position.
        let column = if before == 0 && after == 0 {
            line_col(&self.text, span.offset()).1 - 1 + self.col_base
        } else {
            c.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            *c.span(),
            c.line() + self.line_base,
            column,
            c.line_count() + self.count_base,
        )))
    }
}

#[derive(Debug)]
struct Shown {
    diag: Diagnostic,
    source: Option<CharColumns>,
    span: Option<Span>,
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.diag.file, &self.source) {
            (Some(file), None) => write!(f, "{}：{}", file, self.diag.message),
            _ => f.write_str(&self.diag.message),
        }
    }
}

impl std::error::Error for Shown {}

impl miette::Diagnostic for Shown {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diag.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            self.diag.label.clone(),
            (span.start, span.end.saturating_sub(span.start)),
        )];
        for (s, text) in &self.diag.related {
            labels.push(LabeledSpan::new_with_span(
                Some(text.clone()),
                (s.start, s.end.saturating_sub(s.start)),
            ));
        }
        Some(Box::new(labels.into_iter()))
    }
}

/// Renders a diagnostic the way rustc does: file, line, caret, label, help.
pub fn render(diag: &Diagnostic, sources: &SourceMap, opts: RenderOptions) -> String {
    render_in(diag, sources, opts, true)
}

/// [`render`], giving miette the lines around the places (`windowed`) or the whole file, as
/// before the window (the tests compare the two).
fn render_in(
    diag: &Diagnostic,
    sources: &SourceMap,
    opts: RenderOptions,
    windowed: bool,
) -> String {
    let text = diag.file.as_ref().and_then(|f| sources.get(f));
    // Spans must lie on character boundaries inside the text for miette to draw them.
    let span = match (text, diag.span) {
        (Some(text), Some(s)) => Some(inside(text, s)),
        _ => None,
    };
    let mut diag = diag.clone();
    if let Some(text) = text {
        for (s, _) in &mut diag.related {
            *s = inside(text, *s);
        }
    }
    let (source, span) = match (diag.file.clone(), text, span) {
        (Some(file), Some(text), Some(span)) => match excerpt(text, span) {
            Some(ex) => {
                // Other places are drawn where they fall inside the excerpt, else named by
                // line and column.
                place_related(&mut diag, text, |s| ex.moved(s));
                (
                    Some(CharColumns {
                        name: file.to_string(),
                        text: ex.shown.clone(),
                        line_base: ex.line_base,
                        col_base: ex.col_base,
                        count_base: 0,
                    }),
                    ex.moved(Span::new(span.start, span.end.min(ex.window.end))),
                )
            }
            None => {
                // The place's line is shown whole; another place on a line too long to show
                // (miette cannot draw past column 65,535) is named by line and column instead.
                place_related(&mut diag, text, |s| {
                    (line_len(text, s.start) <= MAX_SHOWN_LINE).then_some(s)
                });
                // miette is given only the lines around the places, so that drawing one
                // diagnostic costs what it shows, not the size of the file (20,000 unknown
                // keys in a 600 KB submission took 53 s to draw, each read from the start).
                let from = diag
                    .related
                    .iter()
                    .map(|(s, _)| s.start)
                    .fold(span.start, usize::min);
                let to = diag
                    .related
                    .iter()
                    .map(|(s, _)| s.end)
                    .fold(span.end, usize::max);
                let starts = diag.file.as_deref().and_then(|f| sources.line_starts(f));
                let (window, lines_before) = match starts {
                    Some(starts) if windowed => lines_around(starts, text.len(), from, to),
                    _ => (0..text.len(), 0),
                };
                let shift = |s: Span| Span::new(s.start - window.start, s.end - window.start);
                for (s, _) in &mut diag.related {
                    *s = shift(*s);
                }
                (
                    Some(CharColumns {
                        name: file.to_string(),
                        text: text.get(window.clone()).unwrap_or_default().to_string(),
                        line_base: lines_before,
                        col_base: 0,
                        count_base: lines_before,
                    }),
                    Some(shift(span)),
                )
            }
        },
        _ => (None, None),
    };
    // The submitters' text (names, values, keys, the file's own lines) reaches the terminal
    // with no control character of theirs; the file's text keeps its length, so places stay
    // where they were.
    let clean = |s: &mut String| {
        if let Cow::Owned(c) = printable(s) {
            *s = c;
        }
    };
    clean(&mut diag.message);
    diag.help.as_mut().map(clean);
    diag.label.as_mut().map(clean);
    diag.related.iter_mut().for_each(|(_, l)| clean(l));
    let source = source.map(|mut c| {
        clean(&mut c.name);
        if c.text.chars().any(is_hidden_control) {
            c.text = same_length_printable(&c.text);
        }
        c
    });
    let shown = Shown { diag, source, span };
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(opts.width);
    let mut out = String::new();
    if handler.render_report(&mut out, &shown).is_err() {
        out = format!(
            "{}[{}]: {}",
            shown.diag.severity, shown.diag.code, shown.diag.message
        );
    }
    out
}

/// A file's text with each control character (other than line feed, tab and carriage return,
/// which line numbering needs) replaced by as many `?` as it has bytes, so every place in it
/// keeps its offset.
fn same_length_printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_hidden_control(c) {
                "?".repeat(c.len_utf8())
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A control character that must not reach a terminal from a file's text.
fn is_hidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\t' | '\r')
}

/// Renders many diagnostics, separated by blank lines.
pub fn render_all(diags: &[Diagnostic], sources: &SourceMap, opts: RenderOptions) -> String {
    diags
        .iter()
        .map(|d| render(d, sources, opts))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Names longer than this many characters are neither given a suggestion nor suggested: no one
/// mistypes a name that long, and comparing two names costs the product of their lengths (a
/// table header cell of 70,000 characters took a second against the built-in rules' names).
pub const MAX_SUGGEST_CHARS: usize = 100;

/// Whether `s` has more than [`MAX_SUGGEST_CHARS`] characters (reading no further).
fn too_long_to_suggest(s: &str) -> bool {
    s.chars().nth(MAX_SUGGEST_CHARS).is_some()
}

/// The nearest of `candidates` to `name`, if it is near enough to be a likely typo: the one with
/// the highest Jaro-Winkler score among those that score at least 0.8 or are within a few edits
/// (the Damerau-Levenshtein distance, at most a third of the name's characters and at least 2).
pub fn suggest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    if too_long_to_suggest(name) {
        return None;
    }
    let name_chars = name.chars().count();
    let limit = (name_chars / 3).max(2);
    let mut name_sorted: Vec<char> = name.chars().collect();
    name_sorted.sort_unstable();
    let mut sorted = Vec::new();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if too_long_to_suggest(c) {
            continue;
        }
        // Both measures cost the product of the two lengths; a bound that costs their sum rules
        // most names out first (a table header of unknown columns compares each with every name
        // in the rules).
        if !may_be_suggested(
            name,
            &name_sorted,
            c,
            &mut sorted,
            limit,
            best.map(|(s, _)| s),
        ) {
            continue;
        }
        let score = strsim::jaro_winkler(name, c);
        // Ties go to the alphabetically first name, so the suggestion never depends on the order
        // candidates come in (they often come from hash maps).
        let better = best.is_none_or(|(s, b)| score > s || (score == s && c < b));
        if !better {
            continue;
        }
        // The edit distance is at least the difference in length: a name whose length differs
        // by more than the limit cannot be close, and one that scores high enough needs no
        // distance, so neither computes it.
        let close = score >= 0.8
            || (name_chars.abs_diff(c.chars().count()) <= limit
                && strsim::damerau_levenshtein(name, c) <= limit);
        if close {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Whether `c` can be suggested for `name` (whose characters, sorted, are `name_sorted`), by
/// bounds that cost the names' lengths: false only when its Jaro-Winkler score is surely below
/// both 0.8 and `best` (the score to beat; none yet: 0.8 alone) and its Damerau-Levenshtein
/// distance surely above `limit`, or its score surely below `best`. `sorted` is scratch space.
///
/// The bounds: Jaro pairs equal characters one to one, so its matches are at most the
/// characters the two names share (`shared`, counted with repeats), its score at most
/// (shared/|a| + shared/|b| + 1)/3, and the Winkler bonus grows with the score and the common
/// prefix (at most 4 characters). An edit changes by at most one the number of characters a
/// name shares with the other or their longer length, and a transposition neither, so the
/// distance is at least the longer length minus `shared`. A margin covers rounding.
fn may_be_suggested(
    name: &str,
    name_sorted: &[char],
    c: &str,
    sorted: &mut Vec<char>,
    limit: usize,
    best: Option<f64>,
) -> bool {
    const MARGIN: f64 = 1e-9;
    sorted.clear();
    sorted.extend(c.chars());
    let (a_len, b_len) = (name_sorted.len(), sorted.len());
    if a_len == 0 || b_len == 0 {
        return true;
    }
    sorted.sort_unstable();
    let (mut i, mut j, mut shared) = (0, 0, 0_usize);
    while let (Some(x), Some(y)) = (name_sorted.get(i), sorted.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let prefix = name
        .chars()
        .zip(c.chars())
        .take(4)
        .take_while(|(x, y)| x == y)
        .count();
    let m = shared as f64;
    let jaro = (m / a_len as f64 + m / b_len as f64 + 1.0) / 3.0;
    let score = jaro + 0.1 * prefix as f64 * (1.0 - jaro) + MARGIN;
    if best.is_some_and(|s| score < s) {
        return false;
    }
    score >= 0.8 || a_len.max(b_len) - shared <= limit
}

/// Keeps the related places `drawn` can place (moved where it says), and names the others by
/// line and column in the help, as miette cannot draw them.
fn place_related(diag: &mut Diagnostic, text: &str, drawn: impl Fn(Span) -> Option<Span>) {
    let mut notes = Vec::new();
    for (s, label) in std::mem::take(&mut diag.related) {
        match drawn(s) {
            Some(m) => diag.related.push((m, label)),
            None => {
                let (line, col) = line_col(text, s.start);
                notes.push(format!("第{line}行第{col}列：{label}"));
            }
        }
    }
    if !notes.is_empty() {
        let notes = notes.join("；");
        diag.help = Some(match diag.help.take() {
            Some(h) => format!("{h}\n（{notes}）"),
            None => notes,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "占比 x\n指标 y";
        assert_eq!(line_col(text, text.find('y').unwrap()), (2, 4));
        assert_eq!(line_col(text, text.find('x').unwrap()), (1, 4));
    }

    /// miette cannot draw past column 65,535 (it panicked there); a long line is shown as an
    /// excerpt around the place, with the true line and column in the header.
    #[test]
    fn a_place_past_column_65535_is_shown_in_an_excerpt() {
        let text = format!(
            "第一行\n{}指标 坏 尾巴{}",
            "甲".repeat(70_000),
            " ".repeat(200)
        );
        let name: Arc<str> = Arc::from("宽.zb");
        let mut sources = SourceMap::new();
        sources.add(&name, &Arc::from(text.as_str()));
        let at = text.find('坏').unwrap();
        let d = Diagnostic::error(crate::codes::SYNTAX, "坏了")
            .at(&name, Span::new(at, at + '坏'.len_utf8()))
            .label("这里")
            .related(Span::new(0, 3), "第一行在这里");
        let out = render(&d, &sources, RenderOptions::default());
        assert!(out.contains("宽.zb:2:70004"), "{out}");
        assert!(out.contains("…"), "{out}");
        assert!(out.contains("这里"), "{out}");
        assert!(out.contains("第1行第1列：第一行在这里"), "{out}");
        assert!(out.lines().all(|l| l.chars().count() < 400), "{out}");
    }

    /// Found by the `render` fuzz target: the place on a short line, another place (a related
    /// span) past column 65,535 of a long line. The long line was drawn whole and miette
    /// panicked; the other place is now named by line and column.
    #[test]
    fn a_related_place_past_column_65535_is_named_not_drawn() {
        let text = format!("{}甲 乙\n短行 坏\n", "x".repeat(70_000));
        let name: Arc<str> = Arc::from("宽.json");
        let mut sources = SourceMap::new();
        sources.add(&name, &Arc::from(text.as_str()));
        let at = text.find('坏').unwrap();
        let far = text.find('甲').unwrap();
        let d = Diagnostic::error(crate::codes::SYNTAX, "坏了")
            .at(&name, Span::new(at, at + '坏'.len_utf8()))
            .label("这里")
            .related(Span::new(far, far + '甲'.len_utf8()), "先写在这里");
        let out = render(&d, &sources, RenderOptions::default());
        assert!(out.contains("宽.json:2:4"), "{out}");
        assert!(out.contains("第1行第70001列：先写在这里"), "{out}");
    }

    /// Spans no constructor makes (end before start, past the text, inside a character) are
    /// drawn as the nearest span inside the text.
    #[test]
    fn reversed_and_outside_spans_are_drawn_inside_the_text() {
        let text = "甲乙丙\n丁";
        let name: Arc<str> = Arc::from("a.zb");
        let mut sources = SourceMap::new();
        sources.add(&name, &Arc::from(text));
        let d = Diagnostic::error(crate::codes::SYNTAX, "坏了")
            .at(&name, Span { start: 4, end: 1 })
            .related(Span { start: 8, end: 2 }, "反")
            .related(
                Span {
                    start: usize::MAX - 1,
                    end: usize::MAX,
                },
                "外",
            );
        let out = render(&d, &sources, RenderOptions::default());
        assert!(out.contains("a.zb:1:2"), "{out}");
        assert!(out.contains("反"), "{out}");
    }

    /// Drawing a diagnostic gives miette only the lines around its places (a 600 KB
    /// submission with 20,000 unknown keys took 53 s to report, each drawn from the file's
    /// start); what is drawn is what the whole file gave, for places anywhere (first and last
    /// line, an empty last line, line feeds, carriage returns, both, Chinese text, places
    /// near each other and far apart).
    #[test]
    fn a_window_of_lines_draws_what_the_whole_file_did() {
        let mut text = String::new();
        for i in 0..60 {
            let end = match i % 7 {
                3 => "\r\n",
                5 => "\r",
                _ => "\n",
            };
            text.push_str(&format!("第{i}行 line {i} 内容{end}"));
        }
        text.push_str("末行");
        let name: Arc<str> = Arc::from("w.toml");
        let mut sources = SourceMap::new();
        sources.add(&name, &Arc::from(text.as_str()));
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices(['\n', '\r']).map(|(i, _)| i + 1))
            .chain([text.len()])
            .collect();
        let mut drawn = 0;
        for (k, &a) in starts.iter().enumerate() {
            for other in [None, Some(1), Some(3), Some(40)] {
                let mut d = Diagnostic::error(crate::codes::SYNTAX, "测试")
                    .at(&name, Span::new(a, a + 3))
                    .label("这里");
                if let Some(b) = other.and_then(|o| starts.get(k + o)) {
                    d = d.related(Span::new(*b, *b + 2), "那里");
                    d = d.related(Span::new(a + 1, *b), "之间");
                }
                for opts in [
                    RenderOptions::default(),
                    RenderOptions {
                        color: true,
                        width: 40,
                    },
                ] {
                    let whole = render_in(&d, &sources, opts, false);
                    assert_eq!(render_in(&d, &sources, opts, true), whole, "at {a}");
                    drawn += 1;
                }
            }
        }
        assert!(drawn > 400);
        // The window is whole lines around the places.
        let t = "a\nb\nc\nd\ne\nf\ng";
        assert_eq!(lines_around(&line_starts(t), t.len(), 6, 6), (2..12, 1));
        assert_eq!(lines_around(&line_starts("a\nb"), 3, 0, 0), (0..3, 0));
        assert_eq!(line_starts("a\r\nb\rc\n"), vec![0, 3, 5, 7]);
    }

    /// A place near the end of a large file is drawn from its own lines with the file's line
    /// number (the cost of drawing many of them is the `diag/render-1000-in-600KB` benchmark).
    #[test]
    fn places_near_the_end_of_a_large_file_keep_their_line_numbers() {
        let line = "key_000 = 1\n";
        let text = line.repeat(50_000);
        let name: Arc<str> = Arc::from("w.toml");
        let mut sources = SourceMap::new();
        sources.add(&name, &Arc::from(text.as_str()));
        let diags: Vec<Diagnostic> = (0..1_000)
            .map(|i| {
                let at = text.len() - (i + 1) * line.len();
                Diagnostic::error(crate::codes::SYNTAX, "未知的键")
                    .at(&name, Span::new(at, at + 7))
                    .label("这里")
            })
            .collect();
        let out = render_all(&diags, &sources, RenderOptions::default());
        assert!(out.contains("w.toml:50000:1"), "{out:.300}");
        assert!(out.contains("w.toml:49001:1"), "{out:.300}");
        assert!(!out.contains("w.toml:49000:"), "{out:.300}");
    }

    #[test]
    fn suggests_near_names_only() {
        let names = ["online_operators", "market_entities", "online_retail"];
        assert_eq!(suggest("online_operator", names), Some("online_operators"));
        assert_eq!(suggest("market_entites", names), Some("market_entities"));
        assert_eq!(suggest("zzz", names), None);
        // A name past the length limit is no typo, however it starts (and one is never offered).
        let long = format!("market_entities{}", "s".repeat(MAX_SUGGEST_CHARS));
        assert_eq!(suggest(&long, names), None);
        assert_eq!(suggest("market_entities", [long.as_str()]), None);
    }

    /// The comparison `suggest` skips (the edit distance of names whose lengths differ by more
    /// than the limit, or of a name already near by its score) never changes its answer: it
    /// answers as comparing every pair in full does.
    #[test]
    fn suggest_answers_as_the_full_comparison() {
        fn full<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
            let mut best: Option<(f64, &str)> = None;
            for &c in candidates {
                let score = strsim::jaro_winkler(name, c);
                let close =
                    strsim::damerau_levenshtein(name, c) <= (name.chars().count() / 3).max(2);
                let better = best.is_none_or(|(s, b)| score > s || (score == s && c < b));
                if (score >= 0.8 || close) && better {
                    best = Some((score, c));
                }
            }
            best.map(|(_, c)| c)
        }
        let candidates = [
            "online_operators",
            "market_entities",
            "online_retail",
            "region",
            "year",
            "ruleset",
            "12.1",
            "12.2",
            "a",
            "ab",
            "abc",
            "abcdef",
            "网络零售额",
            "市场主体",
            "市场主体数量",
            "new_large_operator_sales",
            "x1",
            "xy",
            "",
        ];
        let mut names: Vec<String> = Vec::new();
        for c in candidates {
            let chars: Vec<char> = c.chars().collect();
            names.push(c.to_string());
            for i in 0..chars.len() {
                let mut dropped = chars.clone();
                dropped.remove(i);
                names.push(dropped.iter().collect());
                let mut doubled = chars.clone();
                doubled.insert(i, chars[i]);
                names.push(doubled.iter().collect());
                if i + 1 < chars.len() {
                    let mut swapped = chars.clone();
                    swapped.swap(i, i + 1);
                    names.push(swapped.iter().collect());
                }
            }
            names.push(format!("{c}_total"));
            names.push(format!("x{c}x"));
        }
        names.extend(["zzz", "q", "", "市场", "online", "operators_online"].map(String::from));
        for name in &names {
            assert_eq!(
                suggest(name, candidates),
                full(name, &candidates),
                "for {name:?}"
            );
        }
        // Made-up names and lists of them, from the candidates' characters and a few others
        // (a fixed sequence of numbers: xorshift).
        let alphabet: Vec<char> = candidates
            .concat()
            .chars()
            .chain("xyz_.额量".chars())
            .collect();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let made = |next: &mut dyn FnMut(usize) -> usize| -> String {
            let len = next(30);
            (0..len).map(|_| alphabet[next(alphabet.len())]).collect()
        };
        for _ in 0..300 {
            let list: Vec<String> = (0..8)
                .map(|k| {
                    if k % 2 == 0 {
                        made(&mut next)
                    } else {
                        candidates[next(candidates.len())].to_string()
                    }
                })
                .collect();
            let list: Vec<&str> = list.iter().map(String::as_str).collect();
            for _ in 0..10 {
                let name = if next(2) == 0 {
                    made(&mut next)
                } else {
                    // A near miss of one of the list.
                    let mut chars: Vec<char> = list[next(list.len())].chars().collect();
                    if !chars.is_empty() {
                        let at = next(chars.len());
                        chars[at] = alphabet[next(alphabet.len())];
                    }
                    chars.into_iter().collect()
                };
                assert_eq!(
                    suggest(&name, list.iter().copied()),
                    full(&name, &list),
                    "for {name:?} among {list:?}"
                );
            }
        }
    }
}
