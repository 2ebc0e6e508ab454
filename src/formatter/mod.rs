//! `zhibiao fmt`: one canonical layout for rule files.
//!
//! The layout is the one `rules/sd-nmsz/2023.zb` is written in: two-space indentation, one
//! declaration or field per line, a blank line between indicators and before each category,
//! `help` and `else` on a continuation line, an item's `when` on the line below it, tier tables one
//! tier per line (a table nested in `max`/`sum` stays on one line when it fits in 100 columns),
//! expressions with single spaces around operators (tight in year ranges: `Y-2..Y`) and only the
//! parentheses the precedence needs. Declarations keep the order they were written in, and at
//! most one blank line that the author left between two of them is kept.
//!
//! The parser drops comments, so [`comments::scan`] finds them in the text and the printer puts
//! each back by position: a comment on its own line goes before the declaration, field, tier or
//! item that follows it; a comment after code on the same line stays at the end of that line.
//!
//! [`format`] refuses a file with syntax errors, and checks its own work before returning it: the
//! output must parse to the same tree, spans aside ([`same::same_tree`]), and keep every comment.

pub mod comments;
pub mod same;

use crate::diag::Diagnostic;
use crate::syntax::ast::*;
use comments::Comment;
use std::sync::Arc;
use unicode_width::UnicodeWidthStr;

/// The width a nested tier table must fit in to stay on one line.
pub const WIDTH: usize = 100;

/// Why a file was not formatted.
#[derive(Debug, Clone, PartialEq)]
pub enum FormatError {
    /// The file has syntax errors (or other problems the parser reports); nothing is changed.
    Syntax(Vec<Diagnostic>),
    /// The formatted text would not say the same thing: a bug in the formatter.
    Unsound(String),
}

/// Formats a rule file.
pub fn format(file: &Arc<str>, text: &str) -> Result<String, FormatError> {
    let (ast, diags) = crate::syntax::parse(file, text);
    if !diags.is_empty() {
        return Err(FormatError::Syntax(diags));
    }
    let comments = comments::scan(text);
    let mut p = Printer {
        src: text,
        comments: comments.clone(),
        next: 0,
        out: String::new(),
        indent: 0,
        fresh: true,
    };
    p.file(&ast);
    let out = p.out;
    let (again, diags) = crate::syntax::parse(file, &out);
    if !diags.is_empty() {
        return Err(FormatError::Unsound(format!(
            "格式化结果无法解析：{}",
            diags.first().map_or("", |d| d.message.as_str())
        )));
    }
    if !same::same_tree(&ast, &again) {
        return Err(FormatError::Unsound("格式化结果与原文的语法树不同".into()));
    }
    let before: Vec<&str> = comments.iter().map(|c| c.text.trim()).collect();
    let after_comments = comments::scan(&out);
    let after: Vec<&str> = after_comments.iter().map(|c| c.text.trim()).collect();
    if before != after {
        return Err(FormatError::Unsound("格式化结果丢失或打乱了注释".into()));
    }
    Ok(out)
}

struct Printer<'a> {
    src: &'a str,
    comments: Vec<Comment>,
    /// The first comment not yet printed.
    next: usize,
    out: String,
    indent: usize,
    /// Nothing printed yet in the current block: no blank line goes here.
    fresh: bool,
}

/// A top-level declaration, for sorting by position.
enum Top<'a> {
    Header(&'a Header),
    Input(&'a InputDecl),
    Fn(&'a FnDecl),
    Let(&'a LetDecl),
    Check(&'a CheckDecl),
    Category(&'a Category),
    Allow(&'a Allow),
    Remove(&'a Removal),
}

/// A member of a category or group.
enum Member<'a> {
    Group(&'a Group),
    Indicator(&'a Indicator),
    Allow(&'a Allow),
}

impl Printer<'_> {
    fn pad(&self) -> String {
        "  ".repeat(self.indent)
    }

    /// Whether the author left a blank line right before `pos`, which begins its line.
    fn had_blank(&self, pos: usize) -> bool {
        let Some(before) = self.src.get(..pos) else {
            return false;
        };
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        if !before
            .get(line_start..)
            .is_some_and(|l| l.trim().is_empty())
            || line_start == 0
        {
            return false;
        }
        // `line_start - 1` is the newline before this line.
        let prev = before.get(..line_start - 1).unwrap_or_default();
        let prev_start = prev.rfind('\n').map_or(0, |i| i + 1);
        line_start > 1 && prev.get(prev_start..).is_some_and(|l| l.trim().is_empty())
    }

    /// Prints the comments before `pos` and the blank line before the thing at `pos`.
    fn before(&mut self, pos: usize, force_blank: bool) {
        let mut first = true;
        while let Some(c) = self
            .comments
            .get(self.next)
            .filter(|c| c.start < pos)
            .cloned()
        {
            let blank = self.had_blank(c.start) || (first && force_blank);
            if blank && !self.fresh {
                self.out.push('\n');
            }
            let pad = self.pad();
            self.out.push_str(&pad);
            self.out.push_str(&c.text);
            self.out.push('\n');
            self.next += 1;
            self.fresh = false;
            first = false;
        }
        let blank = self.had_blank(pos) || (first && force_blank);
        if blank && !self.fresh {
            self.out.push('\n');
        }
        self.fresh = false;
    }

    /// Where the code before `end` ends: a node's span can take in the comments after it.
    fn code_end(&self, mut end: usize) -> usize {
        loop {
            let trimmed = self.src.get(..end).map_or(0, |s| s.trim_end().len());
            match self
                .comments
                .iter()
                .find(|c| c.end == trimmed && c.start < trimmed)
            {
                Some(c) => end = c.start,
                None => return trimmed,
            }
        }
    }

    /// Prints a line; a comment after `end` on the same source line goes at its end.
    fn line(&mut self, text: &str, end: usize) {
        let end = self.code_end(end);
        let pad = self.pad();
        self.out.push_str(&pad);
        self.out.push_str(text);
        if let Some(c) = self.comments.get(self.next) {
            let same_line = self
                .src
                .get(end..c.start)
                .is_some_and(|between| !between.contains('\n'));
            if !c.own_line && c.start >= end && same_line {
                self.out.push(' ');
                self.out.push_str(&c.text);
                self.next += 1;
            }
        }
        self.out.push('\n');
        self.fresh = false;
    }

    /// The position just after the first `{` at or after `from`, outside comments.
    fn brace_after(&self, from: usize) -> usize {
        let mut i = from;
        while let Some(c) = self.src.get(i..).and_then(|r| r.chars().next()) {
            if let Some(cm) = self.comments.iter().find(|cm| cm.start == i) {
                i = cm.end;
                continue;
            }
            if c == '{' {
                return i + 1;
            }
            i += c.len_utf8();
        }
        from
    }

    /// Prints `opener {`, the body one level in, the comments left before `close`, and `}`.
    fn block(
        &mut self,
        opener: &str,
        brace_end: usize,
        close: usize,
        body: impl FnOnce(&mut Self),
    ) {
        self.line(&format!("{opener} {{"), brace_end);
        self.indent += 1;
        self.fresh = true;
        body(self);
        self.flush(close);
        self.indent -= 1;
        self.line("}", close + 1);
    }

    /// Prints the comments before `pos` that nothing else claimed.
    fn flush(&mut self, pos: usize) {
        while let Some(c) = self
            .comments
            .get(self.next)
            .filter(|c| c.start < pos)
            .cloned()
        {
            if self.had_blank(c.start) && !self.fresh {
                self.out.push('\n');
            }
            let pad = self.pad();
            self.out.push_str(&pad);
            self.out.push_str(&c.text);
            self.out.push('\n');
            self.next += 1;
            self.fresh = false;
        }
    }

    /// A continuation line one level in, after the comments before it.
    fn continuation(&mut self, start: usize, text: &str, end: usize) {
        self.indent += 1;
        self.before(start, false);
        self.line(text, end);
        self.indent -= 1;
    }

    fn file(&mut self, f: &File) {
        let mut tops: Vec<(usize, Top)> = Vec::new();
        if let Some(h) = &f.header {
            tops.push((h.span.start, Top::Header(h)));
        }
        tops.extend(f.inputs.iter().map(|x| (x.span.start, Top::Input(x))));
        tops.extend(f.fns.iter().map(|x| (x.span.start, Top::Fn(x))));
        tops.extend(f.lets.iter().map(|x| (x.span.start, Top::Let(x))));
        tops.extend(f.checks.iter().map(|x| (x.span.start, Top::Check(x))));
        tops.extend(
            f.categories
                .iter()
                .map(|x| (x.span.start, Top::Category(x))),
        );
        tops.extend(f.allows.iter().map(|x| (x.span.start, Top::Allow(x))));
        tops.extend(f.removals.iter().map(|x| (x.span.start, Top::Remove(x))));
        tops.sort_by_key(|(s, _)| *s);
        self.fresh = true;
        for (i, (start, top)) in tops.iter().enumerate() {
            let force = i > 0 && matches!(top, Top::Category(_));
            self.before(*start, force);
            match top {
                Top::Header(h) => self.header(h),
                Top::Input(x) => self.input(x),
                Top::Fn(x) => {
                    let params: Vec<&str> = x.params.iter().map(|p| p.value.as_str()).collect();
                    let label = x
                        .label
                        .as_ref()
                        .map(|l| format!(" {}", quote(&l.value)))
                        .unwrap_or_default();
                    let text = format!(
                        "fn {}({}){label} = {}",
                        x.name.value,
                        params.join(", "),
                        expr(&x.body)
                    );
                    self.line(&text, x.span.end);
                }
                Top::Let(x) => self.line(&let_text(x), x.span.end),
                Top::Check(x) => {
                    self.line(&format!("check {}", expr(&x.cond)), x.cond.span.end);
                    let sev = match x.severity.value {
                        crate::diag::Severity::Warning => "warning",
                        _ => "error",
                    };
                    self.continuation(
                        x.severity.span.start,
                        &format!("else {sev} {}", quote(&x.message.value)),
                        x.span.end,
                    );
                }
                Top::Category(c) => self.category(c),
                Top::Allow(a) => self.line(&allow_text(a), a.span.end),
                Top::Remove(r) => self.line(&remove_text(r), r.span.end),
            }
        }
        self.flush(usize::MAX);
    }

    fn header(&mut self, h: &Header) {
        let opener = format!("ruleset {} {}", h.id.value, quote(&h.title.value));
        let brace = self.brace_after(h.title.span.end);
        let mut fields: Vec<(usize, usize, String)> = Vec::new();
        if let Some(v) = &h.version {
            fields.push((
                v.span.start,
                v.span.end,
                format!("version {}", quote(&v.value)),
            ));
        }
        if let Some(v) = &h.effective {
            fields.push((v.span.start, v.span.end, format!("effective {}", v.value)));
        }
        if let Some(v) = &h.until {
            fields.push((v.span.start, v.span.end, format!("until {}", v.value)));
        }
        if let Some(v) = &h.extends {
            fields.push((
                v.span.start,
                v.span.end,
                format!("extends {}", quote(&v.value)),
            ));
        }
        if let Some(v) = &h.accepts {
            fields.push((
                v.span.start,
                v.span.end,
                format!("accepts {}", quote(&v.value)),
            ));
        }
        if let Some(v) = &h.source {
            fields.push((
                v.span.start,
                v.span.end,
                format!("source {}", quote(&v.value)),
            ));
        }
        if let Some(v) = &h.points {
            fields.push((v.span.start, v.span.end, format!("points {}", v.value)));
        }
        if let Some(v) = &h.category_rate {
            fields.push((
                v.span.start,
                v.span.end,
                format!("category_rate {}", basis(v.value)),
            ));
        }
        if let Some(v) = &h.category_cap {
            fields.push((
                v.span.start,
                v.span.end,
                format!("category_cap {}", basis(v.value)),
            ));
        }
        if let (Some(first), Some(last)) = (h.pass.first(), h.pass.last()) {
            let conds: Vec<String> = h.pass.iter().map(pass_text).collect();
            fields.push((
                first.span.start,
                last.span.end,
                format!("pass {}", conds.join(" and ")),
            ));
        }
        for a in &h.allows {
            fields.push((a.span.start, a.span.end, allow_text(a)));
        }
        fields.sort_by_key(|f| f.0);
        self.block(&opener, brace, h.span.end.saturating_sub(1), |p| {
            for (start, end, text) in fields {
                p.before(start, false);
                p.line(&text, end);
            }
        });
    }

    fn input(&mut self, x: &InputDecl) {
        let mut text = format!("input {} {} ", x.name.value, quote(&x.label.value));
        if x.list {
            text.push_str("list ");
        }
        text.push_str(match x.kind.value {
            ScalarKind::Count => "count",
            ScalarKind::Money => "money",
            ScalarKind::Percent => "percent",
            ScalarKind::Decimal => "decimal",
            ScalarKind::Bool => "bool",
        });
        let mut end = x.kind.span.end;
        if let Some(u) = &x.unit {
            text.push(' ');
            text.push_str(&u.value);
            end = end.max(u.span.end);
        }
        if x.yearly {
            text.push_str(" yearly");
        }
        if x.optional {
            text.push_str(" optional");
        }
        if let Some(l) = &x.min {
            text.push_str(&format!(" min {}", l.text));
            end = end.max(l.span.end);
        }
        if let Some(l) = &x.max {
            text.push_str(&format!(" max {}", l.text));
            end = end.max(l.span.end);
        }
        if let Some(r) = &x.years {
            text.push_str(&format!(" years {}", range(r)));
            end = end.max(r.span.end);
        }
        self.line(&text, end);
        let mut rest: Vec<(usize, usize, String)> = Vec::new();
        if let Some(h) = &x.help {
            rest.push((
                h.span.start,
                h.span.end,
                format!("help {}", quote(&h.value)),
            ));
        }
        for a in &x.allows {
            rest.push((a.span.start, a.span.end, allow_text(a)));
        }
        rest.sort_by_key(|r| r.0);
        for (start, end, text) in rest {
            self.continuation(start, &text, end);
        }
    }

    fn category(&mut self, c: &Category) {
        let opener = format!(
            "category {} points {}",
            quote(&c.name.value),
            c.points.value
        );
        let brace = self.brace_after(c.points.span.end);
        let inside = |s: usize, e: usize, g: &Group| g.span.start <= s && e <= g.span.end;
        let mut members: Vec<(usize, Member)> = Vec::new();
        for g in &c.groups {
            members.push((g.span.start, Member::Group(g)));
        }
        for i in &c.indicators {
            if !c.groups.iter().any(|g| inside(i.span.start, i.span.end, g)) {
                members.push((i.span.start, Member::Indicator(i)));
            }
        }
        for a in &c.allows {
            if !c.groups.iter().any(|g| inside(a.span.start, a.span.end, g)) {
                members.push((a.span.start, Member::Allow(a)));
            }
        }
        members.sort_by_key(|m| m.0);
        self.block(&opener, brace, c.span.end.saturating_sub(1), |p| {
            p.members(c, &members);
        });
    }

    fn members(&mut self, c: &Category, members: &[(usize, Member)]) {
        let mut prev_block = false;
        for (start, m) in members {
            let is_block = matches!(m, Member::Group(_) | Member::Indicator(_));
            self.before(*start, is_block && prev_block);
            prev_block = is_block;
            match m {
                Member::Indicator(i) => self.indicator(i),
                Member::Allow(a) => self.line(&allow_text(a), a.span.end),
                Member::Group(g) => {
                    let points = g
                        .points
                        .as_ref()
                        .map(|p| format!(" points {}", p.value))
                        .unwrap_or_default();
                    let opener = format!("group {}{points}", quote(&g.name.value));
                    let from = g.points.as_ref().map_or(g.name.span.end, |p| p.span.end);
                    let brace = self.brace_after(from);
                    let mut inner: Vec<(usize, Member)> = Vec::new();
                    for i in &c.indicators {
                        if g.span.start <= i.span.start && i.span.end <= g.span.end {
                            inner.push((i.span.start, Member::Indicator(i)));
                        }
                    }
                    for a in &c.allows {
                        if g.span.start <= a.span.start && a.span.end <= g.span.end {
                            inner.push((a.span.start, Member::Allow(a)));
                        }
                    }
                    inner.sort_by_key(|m| m.0);
                    self.block(&opener, brace, g.span.end.saturating_sub(1), |p| {
                        p.members(c, &inner);
                    });
                }
            }
        }
    }

    fn indicator(&mut self, i: &Indicator) {
        let opener = format!(
            "indicator {} {} points {}",
            i.no.value,
            quote(&i.name.value),
            i.points.value
        );
        let brace = self.brace_after(i.points.span.end);
        enum Field<'f> {
            Line(String, usize),
            Score(&'f ScoreForm),
        }
        let mut fields: Vec<(usize, Field)> = Vec::new();
        if let Some(n) = &i.nature {
            let text = format!("nature {}", n.value.as_str());
            fields.push((n.span.start, Field::Line(text, n.span.end)));
        }
        if let Some(r) = &i.rule {
            fields.push((
                r.span.start,
                Field::Line(format!("rule {}", quote(&r.value)), r.span.end),
            ));
        }
        if let Some(m) = &i.method {
            let text = format!("method {}", quote(&m.value));
            fields.push((m.span.start, Field::Line(text, m.span.end)));
        }
        for (word, list) in [("sources", &i.sources), ("owners", &i.owners)] {
            if let (Some(first), Some(last)) = (list.first(), list.last()) {
                let text = format!("{word} {}", quoted_list(list));
                fields.push((first.span.start, Field::Line(text, last.span.end)));
            }
        }
        for l in &i.lets {
            fields.push((l.span.start, Field::Line(let_text(l), l.span.end)));
        }
        if let Some(f) = &i.score {
            fields.push((f.span().start, Field::Score(f)));
        }
        if let Some(c) = &i.cap {
            fields.push((
                c.span.start,
                Field::Line(format!("cap {}", c.value), c.span.end),
            ));
        }
        for a in &i.allows {
            fields.push((a.span.start, Field::Line(allow_text(a), a.span.end)));
        }
        fields.sort_by_key(|f| f.0);
        self.block(&opener, brace, i.span.end.saturating_sub(1), |p| {
            for (start, field) in fields {
                p.before(start, false);
                match field {
                    Field::Line(text, end) => p.line(&text, end),
                    Field::Score(f) => p.form("score ", f, false),
                }
            }
        });
    }

    fn form(&mut self, prefix: &str, f: &ScoreForm, nested: bool) {
        match f {
            ScoreForm::Tiers {
                subject,
                overlap,
                tiers,
                span,
            } => {
                let policy = overlap
                    .as_ref()
                    .map(|o| match o.value {
                        Overlap::Higher => " overlap higher",
                        Overlap::Lower => " overlap lower",
                    })
                    .unwrap_or("");
                let opener = format!("{prefix}tiers {}{policy}", expr(subject));
                if nested {
                    let rows: Vec<String> = tiers.iter().map(tier_text).collect();
                    let one = format!("{opener} {{ {} }}", rows.join("  "));
                    if self.pad().len() + one.width() <= WIDTH && !self.has_comments_in(span) {
                        self.line(&one, span.end);
                        return;
                    }
                }
                let from = overlap.as_ref().map_or(subject.span.end, |o| o.span.end);
                let brace = self.brace_after(from);
                self.block(&opener, brace, span.end.saturating_sub(1), |p| {
                    for t in tiers {
                        p.before(t.span.start, false);
                        p.line(&tier_text(t), t.span.end);
                    }
                });
            }
            ScoreForm::EachYear {
                var,
                range: r,
                award,
                cond,
                span,
            } => {
                let text = format!(
                    "{prefix}each year {} in {} award {} when {}",
                    var.value,
                    range(r),
                    award.value,
                    expr(cond)
                );
                self.line(&text, span.end);
            }
            ScoreForm::Items { items, span } => {
                let brace = self.brace_after(span.start);
                self.block(
                    &format!("{prefix}items"),
                    brace,
                    span.end.saturating_sub(1),
                    |p| {
                        p.items(items);
                    },
                );
            }
            ScoreForm::Any { award, items, span } => {
                let brace = self.brace_after(award.span.end);
                let opener = format!("{prefix}any award {}", award.value);
                self.block(&opener, brace, span.end.saturating_sub(1), |p| {
                    p.items(items)
                });
            }
            ScoreForm::Judged { span } => self.line(&format!("{prefix}judged"), span.end),
            ScoreForm::Max { forms, span } | ScoreForm::Sum { forms, span } => {
                let word = if matches!(f, ScoreForm::Max { .. }) {
                    "max"
                } else {
                    "sum"
                };
                let brace = self.brace_after(span.start);
                self.block(
                    &format!("{prefix}{word}"),
                    brace,
                    span.end.saturating_sub(1),
                    |p| {
                        for inner in forms {
                            p.before(inner.span().start, false);
                            p.form("", inner, true);
                        }
                    },
                );
            }
            ScoreForm::Expr(e) => self.line(&format!("{prefix}{}", expr(e)), e.span.end),
        }
    }

    fn has_comments_in(&self, span: &crate::diag::Span) -> bool {
        self.comments
            .iter()
            .any(|c| span.start <= c.start && c.start < span.end)
    }

    fn items(&mut self, items: &[SubItem]) {
        for it in items {
            self.before(it.span.start, false);
            let mut text = format!("item {} {}", it.no.value, quote(&it.text.value));
            let mut end = it.text.span.end;
            if let Some(p) = &it.points {
                text.push_str(&format!(" points {}", p.value));
                end = p.span.end;
            }
            match &it.how {
                How::Judged(span) => {
                    text.push_str(" judged");
                    self.line(&text, span.end.max(end));
                }
                How::When(e) => {
                    self.line(&text, end);
                    self.continuation(e.span.start, &format!("when {}", expr(e)), e.span.end);
                }
            }
            if let (Some(first), Some(last)) = (it.owners.first(), it.owners.last()) {
                let text = format!("owners {}", quoted_list(&it.owners));
                self.continuation(first.span.start, &text, last.span.end);
            }
        }
    }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn quoted_list(list: &[Spanned<String>]) -> String {
    list.iter()
        .map(|s| quote(&s.value))
        .collect::<Vec<_>>()
        .join(", ")
}

fn allow_text(a: &Allow) -> String {
    format!("allow {} {}", a.code.value, quote(&a.reason.value))
}

fn remove_text(r: &Removal) -> String {
    let what = match &r.target {
        RemoveTarget::Indicator(n) => format!("indicator {}", n.value),
        RemoveTarget::Input(x) => format!("input {}", x.value),
        RemoveTarget::Fn(x) => format!("fn {}", x.value),
        RemoveTarget::Let(x) => format!("let {}", x.value),
        RemoveTarget::Check(x) => format!("check {}", quote(&x.value)),
        RemoveTarget::Category(x) => format!("category {}", quote(&x.value)),
    };
    format!("remove {what}")
}

fn let_text(l: &LetDecl) -> String {
    let label = l
        .label
        .as_ref()
        .map(|x| format!(" {}", quote(&x.value)))
        .unwrap_or_default();
    format!("let {}{label} = {}", l.name.value, expr(&l.value))
}

fn basis(b: Basis) -> &'static str {
    match b {
        Basis::Declared => "declared",
        Basis::Indicators => "indicators",
        Basis::None => "none",
    }
}

fn cmp(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
    }
}

fn pass_text(c: &PassCond) -> String {
    let metric = |m: Metric| match m {
        Metric::Rate => "rate",
        Metric::Score => "score",
    };
    let subject = match &c.subject {
        PassSubject::Total => "total".to_string(),
        PassSubject::Every(m) => format!("every category {}", metric(*m)),
        PassSubject::Category(name, m) => format!("category {} {}", quote(&name.value), metric(*m)),
    };
    format!("{subject} {} {}", cmp(c.op), c.value.text)
}

fn tier_text(t: &Tier) -> String {
    let lb = if t.lo_inclusive { "[" } else { "(" };
    let rb = if t.hi_inclusive { "]" } else { ")" };
    let lo = t.lo.as_ref().map_or("..", |l| l.text.as_str());
    let hi = t.hi.as_ref().map_or("..", |l| l.text.as_str());
    format!("{lb}{lo}, {hi}{rb} => {}", t.points.value)
}

/// A year range, tight around `+`/`-` where its ends are simple: `Y-2..Y`.
fn range(r: &YearRange) -> String {
    format!("{}..{}", year_end(&r.from), year_end(&r.to))
}

fn year_end(e: &Expr) -> String {
    let simple = |x: &Expr| {
        matches!(
            x.kind,
            ExprKind::Year | ExprKind::Name(_) | ExprKind::Lit(_)
        )
    };
    match &e.kind {
        ExprKind::Arith(op @ (ArithOp::Add | ArithOp::Sub), a, b) if simple(a) && simple(b) => {
            let sym = if *op == ArithOp::Add { "+" } else { "-" };
            format!("{}{sym}{}", expr(a), expr(b))
        }
        _ => wrap(e, 6),
    }
}

/// How tightly an expression binds: a child looser than its place needs is parenthesised.
fn prec(e: &Expr) -> u8 {
    match &e.kind {
        // `all y in …: body` takes everything after it as its body.
        ExprKind::Quant { .. } => 0,
        ExprKind::Or(..) => 1,
        ExprKind::And(..) => 2,
        ExprKind::Not(_) => 3,
        ExprKind::Cmp(..) => 4,
        ExprKind::Coalesce(..) => 5,
        ExprKind::Arith(ArithOp::Add | ArithOp::Sub, ..) => 6,
        ExprKind::Arith(..) => 7,
        ExprKind::Neg(_) => 8,
        ExprKind::Index(..) => 9,
        _ => 10,
    }
}

fn wrap(e: &Expr, min: u8) -> String {
    let s = expr(e);
    if prec(e) < min { format!("({s})") } else { s }
}

/// An expression in canonical form.
fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Lit(l) => l.text.clone(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Year => "Y".into(),
        ExprKind::Name(n) => n.clone(),
        ExprKind::Call(name, args) => {
            let args: Vec<String> = args.iter().map(expr).collect();
            format!("{}({})", name.value, args.join(", "))
        }
        ExprKind::Index(a, b) => format!("{}[{}]", wrap(a, 9), expr(b)),
        ExprKind::Neg(a) => format!("-{}", wrap(a, 8)),
        ExprKind::Not(a) => format!("not {}", wrap(a, 3)),
        ExprKind::Arith(op, a, b) => {
            let (sym, p) = match op {
                ArithOp::Add => ("+", 6),
                ArithOp::Sub => ("-", 6),
                ArithOp::Mul => ("*", 7),
                ArithOp::Div => ("/", 7),
            };
            format!("{} {sym} {}", wrap(a, p), wrap(b, p + 1))
        }
        ExprKind::Cmp(op, a, b) => format!("{} {} {}", wrap(a, 5), cmp(*op), wrap(b, 5)),
        ExprKind::And(a, b) => format!("{} and {}", wrap(a, 2), wrap(b, 3)),
        ExprKind::Or(a, b) => format!("{} or {}", wrap(a, 1), wrap(b, 2)),
        ExprKind::Coalesce(a, b) => format!("{} ?? {}", wrap(a, 6), wrap(b, 5)),
        ExprKind::Quant {
            all,
            var,
            range: r,
            body,
        } => format!(
            "{} {} in {}: {}",
            if *all { "all" } else { "any" },
            var.value,
            range(r),
            expr(body)
        ),
        ExprKind::CountWhere { var, list, cond } => {
            format!(
                "count({} in {} where {})",
                var.value,
                expr(list),
                expr(cond)
            )
        }
        ExprKind::Script(s) => format!("```{}```", s.code),
    }
}
