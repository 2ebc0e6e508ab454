//! Every place a name is declared or used in one rule file's syntax tree, with what it refers to.
//! Navigation (definition, references, rename) and hover read this table.

use crate::diag::Span;
use crate::syntax::ast::{self, Expr, ExprKind, ScoreForm};

/// What a name refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// An input, by key.
    Input(String),
    /// A top-level function.
    Fn(String),
    /// A top-level `let`.
    Let(String),
    /// A `let` inside an indicator (by indicator number).
    LocalLet(u32, String),
    /// A bound variable (a parameter, a quantifier or loop variable), by where it is bound.
    Bound(usize),
    /// An indicator, by number.
    Indicator(u32),
}

/// One occurrence of a name.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    /// Where the name is written.
    pub span: Span,
    /// What it refers to.
    pub target: Target,
    /// Whether this is the declaration.
    pub decl: bool,
}

/// The whole table for a file.
pub fn occurrences(file: &ast::File, text: &str) -> Vec<Occurrence> {
    let mut c = Collector {
        file,
        text,
        out: Vec::new(),
    };
    c.run();
    c.out.sort_by_key(|o| (o.span.start, o.span.end));
    c.out
}

/// The name-declaring kinds visible at the top level of a file.
struct Collector<'a> {
    file: &'a ast::File,
    text: &'a str,
    out: Vec<Occurrence>,
}

type Env = Vec<(String, Target)>;

impl Collector<'_> {
    fn run(&mut self) {
        let f = self.file;
        for i in &f.inputs {
            self.decl(i.name.span, Target::Input(i.name.value.clone()));
            if let Some(y) = &i.years {
                self.range(y, &mut Vec::new(), None);
            }
        }
        for d in &f.fns {
            self.decl(d.name.span, Target::Fn(d.name.value.clone()));
            let mut env: Env = d
                .params
                .iter()
                .map(|p| (p.value.clone(), Target::Bound(p.span.start)))
                .collect();
            for p in &d.params {
                self.decl(p.span, Target::Bound(p.span.start));
            }
            self.expr(&d.body, &mut env, None);
        }
        for l in &f.lets {
            self.decl(l.name.span, Target::Let(l.name.value.clone()));
            self.expr(&l.value, &mut Vec::new(), None);
        }
        for c in &f.checks {
            self.expr(&c.cond, &mut Vec::new(), None);
        }
        for cat in &f.categories {
            for ind in &cat.indicators {
                let no = ind.no.value;
                self.decl(ind.no.span, Target::Indicator(no));
                for l in &ind.lets {
                    self.decl(l.name.span, Target::LocalLet(no, l.name.value.clone()));
                    self.expr(&l.value, &mut Vec::new(), Some(ind));
                }
                if let Some(s) = &ind.score {
                    self.form(s, &mut Vec::new(), ind);
                }
            }
        }
        for r in &f.removals {
            if let ast::RemoveTarget::Indicator(n) = &r.target {
                self.use_(n.span, Target::Indicator(n.value));
            }
        }
    }

    fn decl(&mut self, span: Span, target: Target) {
        self.out.push(Occurrence {
            span,
            target,
            decl: true,
        });
    }

    fn use_(&mut self, span: Span, target: Target) {
        self.out.push(Occurrence {
            span,
            target,
            decl: false,
        });
    }

    /// What a name means at a place: bound variables, the indicator's lets, then the file's lets,
    /// functions and inputs.
    fn lookup(&self, name: &str, env: &Env, ind: Option<&ast::Indicator>) -> Option<Target> {
        if let Some((_, t)) = env.iter().rev().find(|(n, _)| n == name) {
            return Some(t.clone());
        }
        if let Some(i) = ind
            && i.lets.iter().any(|l| l.name.value == name)
        {
            return Some(Target::LocalLet(i.no.value, name.to_string()));
        }
        let f = self.file;
        if f.lets.iter().any(|l| l.name.value == name) {
            return Some(Target::Let(name.to_string()));
        }
        if f.fns.iter().any(|d| d.name.value == name) {
            return Some(Target::Fn(name.to_string()));
        }
        if f.inputs.iter().any(|i| i.name.value == name) {
            return Some(Target::Input(name.to_string()));
        }
        None
    }

    fn form(&mut self, s: &ScoreForm, env: &mut Env, ind: &ast::Indicator) {
        s.each_expr(&mut |e, role| match role.bound() {
            Some(var) => {
                self.decl(var.span, Target::Bound(var.span.start));
                env.push((var.value.clone(), Target::Bound(var.span.start)));
                self.expr(e, env, Some(ind));
                env.pop();
            }
            None => self.expr(e, env, Some(ind)),
        });
    }

    fn range(&mut self, r: &ast::YearRange, env: &mut Env, ind: Option<&ast::Indicator>) {
        self.expr(&r.from, env, ind);
        self.expr(&r.to, env, ind);
    }

    fn expr(&mut self, e: &Expr, env: &mut Env, ind: Option<&ast::Indicator>) {
        match &e.kind {
            ExprKind::Name(n) => {
                if let Some(t) = self.lookup(n, env, ind) {
                    self.use_(e.span, t);
                }
            }
            ExprKind::Call(name, args) => {
                if let Some(t @ Target::Fn(_)) = self.lookup(&name.value, &Vec::new(), None) {
                    self.use_(name.span, t);
                }
                for a in args {
                    self.expr(a, env, ind);
                }
            }
            ExprKind::Lit(_) | ExprKind::Bool(_) | ExprKind::Year => {}
            ExprKind::Index(a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::Cmp(_, a, b)
            | ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Coalesce(a, b) => {
                self.expr(a, env, ind);
                self.expr(b, env, ind);
            }
            ExprKind::Neg(a) | ExprKind::Not(a) => self.expr(a, env, ind),
            ExprKind::Quant {
                var, range, body, ..
            } => {
                self.range(range, env, ind);
                self.decl(var.span, Target::Bound(var.span.start));
                env.push((var.value.clone(), Target::Bound(var.span.start)));
                self.expr(body, env, ind);
                env.pop();
            }
            ExprKind::CountWhere { var, list, cond } => {
                self.expr(list, env, ind);
                self.decl(var.span, Target::Bound(var.span.start));
                env.push((var.value.clone(), Target::Bound(var.span.start)));
                self.expr(cond, env, ind);
                env.pop();
            }
            ExprKind::Script(s) => self.script(s, env, ind),
        }
    }

    /// Names of the file used inside a Rhai script block: identifiers outside strings and
    /// comments that name an input, a `let` or a function.
    fn script(&mut self, s: &ast::Script, env: &Env, ind: Option<&ast::Indicator>) {
        let code = self.text.get(s.code_offset..).map_or("", |rest| {
            rest.get(..s.code.len().min(rest.len())).unwrap_or("")
        });
        // Offsets into the file hold only when the code is the file's text as written.
        if code != s.code {
            return;
        }
        for (at, word) in script_words(code) {
            if let Some(t) = self.lookup(word, env, ind) {
                let start = s.code_offset + at;
                self.use_(Span::new(start, start + word.len()), t);
            }
        }
    }
}

/// The identifiers of a Rhai script, outside strings and comments, with their byte offsets.
pub fn script_words(code: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut it = code.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        match c {
            '"' | '`' | '\'' => {
                let mut escaped = false;
                for (_, d) in it.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == c {
                        break;
                    }
                }
            }
            '/' if it.peek().is_some_and(|&(_, d)| d == '/') => {
                for (_, d) in it.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if it.peek().is_some_and(|&(_, d)| d == '*') => {
                let mut prev = ' ';
                for (_, d) in it.by_ref() {
                    if prev == '*' && d == '/' {
                        break;
                    }
                    prev = d;
                }
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = it.peek() {
                    if d.is_ascii_alphanumeric() || d == '_' {
                        end = j + d.len_utf8();
                        it.next();
                    } else {
                        break;
                    }
                }
                // A field or method after a dot is not a name of the file.
                let after_dot = code.get(..i).is_some_and(|b| b.trim_end().ends_with('.'));
                if !after_dot && let Some(w) = code.get(i..end) {
                    out.push((i, w));
                }
            }
            c if c.is_ascii_digit() => {
                while it
                    .peek()
                    .is_some_and(|&(_, d)| d.is_ascii_alphanumeric() || d == '_' || d == '.')
                {
                    it.next();
                }
            }
            _ => {}
        }
    }
    out
}
