//! Comparing syntax trees with their spans aside: the formatter's soundness check.
//!
//! Formatting moves every byte, so spans always differ; what must not differ is everything else.
//! [`erase_spans`] sets every span (and every script's code offset) to zero, after which two
//! trees are equal exactly when they say the same thing.

use crate::diag::Span;
use crate::syntax::ast::*;

/// Whether two files say the same thing, spans aside.
pub fn same_tree(a: &File, b: &File) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    erase_spans(&mut a);
    erase_spans(&mut b);
    a == b
}

/// Sets every span in the tree to the empty span at 0.
pub fn erase_spans(f: &mut File) {
    if let Some(h) = &mut f.header {
        header(h);
    }
    f.inputs.iter_mut().for_each(input);
    for d in &mut f.fns {
        s(&mut d.name);
        d.params.iter_mut().for_each(s);
        if let Some(l) = &mut d.label {
            s(l);
        }
        expr(&mut d.body);
        d.span = Span::default();
    }
    f.lets.iter_mut().for_each(let_decl);
    for c in &mut f.checks {
        expr(&mut c.cond);
        s(&mut c.severity);
        s(&mut c.message);
        c.span = Span::default();
    }
    f.categories.iter_mut().for_each(category);
    f.allows.iter_mut().for_each(allow);
    for r in &mut f.removals {
        match &mut r.target {
            RemoveTarget::Indicator(n) => s(n),
            RemoveTarget::Input(x)
            | RemoveTarget::Fn(x)
            | RemoveTarget::Let(x)
            | RemoveTarget::Check(x)
            | RemoveTarget::Category(x) => s(x),
        }
        r.span = Span::default();
    }
}

fn s<T>(x: &mut Spanned<T>) {
    x.span = Span::default();
}

fn allow(a: &mut Allow) {
    s(&mut a.code);
    s(&mut a.reason);
    a.span = Span::default();
}

fn literal(l: &mut Literal) {
    l.span = Span::default();
}

fn header(h: &mut Header) {
    s(&mut h.id);
    s(&mut h.title);
    for x in [
        &mut h.version,
        &mut h.effective,
        &mut h.until,
        &mut h.extends,
        &mut h.accepts,
        &mut h.source,
    ]
    .into_iter()
    .flatten()
    {
        s(x);
    }
    if let Some(p) = &mut h.points {
        s(p);
    }
    if let Some(b) = &mut h.category_rate {
        s(b);
    }
    if let Some(b) = &mut h.category_cap {
        s(b);
    }
    for c in &mut h.pass {
        if let PassSubject::Category(name, _) = &mut c.subject {
            s(name);
        }
        literal(&mut c.value);
        c.span = Span::default();
    }
    h.allows.iter_mut().for_each(allow);
    h.span = Span::default();
}

fn input(i: &mut InputDecl) {
    s(&mut i.name);
    s(&mut i.label);
    s(&mut i.kind);
    if let Some(u) = &mut i.unit {
        s(u);
    }
    if let Some(h) = &mut i.help {
        s(h);
    }
    for l in [&mut i.min, &mut i.max].into_iter().flatten() {
        literal(l);
    }
    if let Some(r) = &mut i.years {
        range(r);
    }
    i.allows.iter_mut().for_each(allow);
    i.span = Span::default();
}

fn let_decl(l: &mut LetDecl) {
    s(&mut l.name);
    if let Some(x) = &mut l.label {
        s(x);
    }
    expr(&mut l.value);
    l.span = Span::default();
}

fn category(c: &mut Category) {
    s(&mut c.name);
    s(&mut c.points);
    for g in &mut c.groups {
        s(&mut g.name);
        if let Some(p) = &mut g.points {
            s(p);
        }
        g.span = Span::default();
    }
    c.indicators.iter_mut().for_each(indicator);
    c.allows.iter_mut().for_each(allow);
    c.span = Span::default();
}

fn indicator(i: &mut Indicator) {
    s(&mut i.no);
    s(&mut i.name);
    s(&mut i.points);
    if let Some(n) = &mut i.nature {
        s(n);
    }
    for x in [&mut i.rule, &mut i.method].into_iter().flatten() {
        s(x);
    }
    i.sources.iter_mut().for_each(s);
    i.owners.iter_mut().for_each(s);
    i.lets.iter_mut().for_each(let_decl);
    if let Some(f) = &mut i.score {
        form(f);
    }
    if let Some(c) = &mut i.cap {
        s(c);
    }
    i.allows.iter_mut().for_each(allow);
    i.head_span = Span::default();
    i.span = Span::default();
}

fn form(f: &mut ScoreForm) {
    match f {
        ScoreForm::Tiers {
            subject,
            overlap,
            tiers,
            span,
        } => {
            expr(subject);
            if let Some(o) = overlap {
                s(o);
            }
            for t in tiers {
                for l in [&mut t.lo, &mut t.hi].into_iter().flatten() {
                    literal(l);
                }
                s(&mut t.points);
                t.interval_span = Span::default();
                t.span = Span::default();
            }
            *span = Span::default();
        }
        ScoreForm::EachYear {
            var,
            range: r,
            award,
            cond,
            span,
        } => {
            s(var);
            range(r);
            s(award);
            expr(cond);
            *span = Span::default();
        }
        ScoreForm::Items { items, span } => {
            items.iter_mut().for_each(item);
            *span = Span::default();
        }
        ScoreForm::Any { award, items, span } => {
            s(award);
            items.iter_mut().for_each(item);
            *span = Span::default();
        }
        ScoreForm::Judged { span } => *span = Span::default(),
        ScoreForm::Max { forms, span } | ScoreForm::Sum { forms, span } => {
            forms.iter_mut().for_each(form);
            *span = Span::default();
        }
        ScoreForm::Expr(e) => expr(e),
    }
}

fn item(it: &mut SubItem) {
    s(&mut it.no);
    s(&mut it.text);
    if let Some(p) = &mut it.points {
        s(p);
    }
    match &mut it.how {
        How::Judged(sp) => *sp = Span::default(),
        How::When(e) => expr(e),
    }
    it.owners.iter_mut().for_each(s);
    it.span = Span::default();
}

fn range(r: &mut YearRange) {
    expr(&mut r.from);
    expr(&mut r.to);
    r.span = Span::default();
}

fn expr(e: &mut Expr) {
    e.span = Span::default();
    match &mut e.kind {
        ExprKind::Lit(l) => literal(l),
        ExprKind::Bool(_) | ExprKind::Year | ExprKind::Name(_) => {}
        ExprKind::Call(name, args) => {
            s(name);
            args.iter_mut().for_each(expr);
        }
        ExprKind::Index(a, b)
        | ExprKind::Arith(_, a, b)
        | ExprKind::Cmp(_, a, b)
        | ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Coalesce(a, b) => {
            expr(a);
            expr(b);
        }
        ExprKind::Neg(a) | ExprKind::Not(a) => expr(a),
        ExprKind::Quant {
            var,
            range: r,
            body,
            ..
        } => {
            s(var);
            range(r);
            expr(body);
        }
        ExprKind::CountWhere { var, list, cond } => {
            s(var);
            expr(list);
            expr(cond);
        }
        ExprKind::Script(sc) => sc.code_offset = 0,
    }
}
