//! One walk over every span (and every literal's source text) of a syntax tree.
//!
//! Two jobs need it. A rule set built from several files (`extends`) keeps all of their trees
//! in one offset space, so each file's spans are shifted by where its text starts (see
//! [`shift`]). And `diff` compares two trees for what they mean, not where they were written or
//! how a number was spelt (`15%` and `15.0%`), so it compares [`normalized`] copies.
//!
//! Every node type implements [`Walk`]; a type that gains a span must visit it here. The test
//! `shift_matches_parsing_at_an_offset` checks this against the parser itself.

use super::ast::*;
use crate::diag::Span;

/// What a walk does at each span and literal.
pub trait Visit {
    /// Called for every span in the tree (a script's code offset arrives as an empty span).
    fn span(&mut self, span: &mut Span);
    /// Called for the source text of every number literal (`15%`, `3亿`).
    fn literal_text(&mut self, _text: &mut String) {}
}

/// A syntax-tree node whose spans can be visited.
pub trait Walk {
    /// Visits every span below this node, in no particular order.
    fn walk<V: Visit>(&mut self, v: &mut V);
}

/// Moves every span of `node` right by `by` bytes.
pub fn shift<T: Walk>(node: &mut T, by: usize) {
    struct Shift(usize);
    impl Visit for Shift {
        fn span(&mut self, span: &mut Span) {
            *span = span.offset(self.0);
        }
    }
    if by > 0 {
        node.walk(&mut Shift(by));
    }
}

/// A copy of `node` with every span zeroed and every literal's source text dropped, so that two
/// nodes compare equal exactly when they mean the same (`15%` equals `15.0%`; comments and
/// layout do not count).
pub fn normalized<T: Walk + Clone>(node: &T) -> T {
    struct Zero;
    impl Visit for Zero {
        fn span(&mut self, span: &mut Span) {
            *span = Span::default();
        }
        fn literal_text(&mut self, text: &mut String) {
            text.clear();
        }
    }
    let mut copy = node.clone();
    copy.walk(&mut Zero);
    copy
}

impl<T: Walk> Walk for Vec<T> {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        for x in self {
            x.walk(v);
        }
    }
}

impl<T: Walk> Walk for Option<T> {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        if let Some(x) = self {
            x.walk(v);
        }
    }
}

impl<T: Walk> Walk for Box<T> {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        (**self).walk(v);
    }
}

impl Walk for Span {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        v.span(self);
    }
}

/// `Spanned` values hold plain data (text, numbers, enums): only the span moves.
impl<T> Walk for Spanned<T> {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        v.span(&mut self.span);
    }
}

impl Walk for File {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let File {
            header,
            inputs,
            fns,
            lets,
            checks,
            categories,
            allows,
            removals,
        } = self;
        header.walk(v);
        inputs.walk(v);
        fns.walk(v);
        lets.walk(v);
        checks.walk(v);
        categories.walk(v);
        allows.walk(v);
        removals.walk(v);
    }
}

impl Walk for Removal {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        v.span(&mut self.span);
        match &mut self.target {
            RemoveTarget::Indicator(n) => n.walk(v),
            RemoveTarget::Input(s)
            | RemoveTarget::Fn(s)
            | RemoveTarget::Let(s)
            | RemoveTarget::Check(s)
            | RemoveTarget::Category(s) => s.walk(v),
        }
    }
}

impl Walk for Allow {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let Allow { code, reason, span } = self;
        code.walk(v);
        reason.walk(v);
        v.span(span);
    }
}

impl Walk for Header {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let Header {
            id,
            title,
            version,
            effective,
            until,
            extends,
            accepts,
            source,
            points,
            category_rate,
            category_cap,
            pass,
            allows,
            span,
        } = self;
        id.walk(v);
        title.walk(v);
        version.walk(v);
        effective.walk(v);
        until.walk(v);
        extends.walk(v);
        accepts.walk(v);
        source.walk(v);
        points.walk(v);
        category_rate.walk(v);
        category_cap.walk(v);
        pass.walk(v);
        allows.walk(v);
        v.span(span);
    }
}

impl Walk for PassCond {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let PassCond {
            subject,
            op: _,
            value,
            span,
        } = self;
        if let PassSubject::Category(name, _) = subject {
            name.walk(v);
        }
        value.walk(v);
        v.span(span);
    }
}

impl Walk for Literal {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        v.literal_text(&mut self.text);
        v.span(&mut self.span);
    }
}

impl Walk for InputDecl {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let InputDecl {
            name,
            label,
            kind,
            list: _,
            unit,
            yearly: _,
            optional: _,
            help,
            min,
            max,
            years,
            allows,
            span,
        } = self;
        name.walk(v);
        label.walk(v);
        kind.walk(v);
        unit.walk(v);
        help.walk(v);
        min.walk(v);
        max.walk(v);
        years.walk(v);
        allows.walk(v);
        v.span(span);
    }
}

impl Walk for YearRange {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        self.from.walk(v);
        self.to.walk(v);
        v.span(&mut self.span);
    }
}

impl Walk for FnDecl {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let FnDecl {
            name,
            params,
            label,
            body,
            span,
        } = self;
        name.walk(v);
        params.walk(v);
        label.walk(v);
        body.walk(v);
        v.span(span);
    }
}

impl Walk for LetDecl {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let LetDecl {
            name,
            label,
            value,
            span,
        } = self;
        name.walk(v);
        label.walk(v);
        value.walk(v);
        v.span(span);
    }
}

impl Walk for CheckDecl {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let CheckDecl {
            cond,
            severity,
            message,
            span,
        } = self;
        cond.walk(v);
        severity.walk(v);
        message.walk(v);
        v.span(span);
    }
}

impl Walk for Category {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let Category {
            name,
            points,
            groups,
            indicators,
            allows,
            span,
        } = self;
        name.walk(v);
        points.walk(v);
        groups.walk(v);
        indicators.walk(v);
        allows.walk(v);
        v.span(span);
    }
}

impl Walk for Group {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let Group { name, points, span } = self;
        name.walk(v);
        points.walk(v);
        v.span(span);
    }
}

impl Walk for Indicator {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let Indicator {
            no,
            name,
            points,
            group: _,
            nature,
            rule,
            method,
            sources,
            owners,
            lets,
            score,
            cap,
            allows,
            head_span,
            span,
        } = self;
        no.walk(v);
        name.walk(v);
        points.walk(v);
        nature.walk(v);
        rule.walk(v);
        method.walk(v);
        sources.walk(v);
        owners.walk(v);
        lets.walk(v);
        score.walk(v);
        cap.walk(v);
        allows.walk(v);
        v.span(head_span);
        v.span(span);
    }
}

impl Walk for ScoreForm {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        match self {
            ScoreForm::Tiers {
                subject,
                overlap,
                tiers,
                span,
            } => {
                subject.walk(v);
                overlap.walk(v);
                tiers.walk(v);
                v.span(span);
            }
            ScoreForm::EachYear {
                var,
                range,
                award,
                cond,
                span,
            } => {
                var.walk(v);
                range.walk(v);
                award.walk(v);
                cond.walk(v);
                v.span(span);
            }
            ScoreForm::Items { items, span } => {
                items.walk(v);
                v.span(span);
            }
            ScoreForm::Any { award, items, span } => {
                award.walk(v);
                items.walk(v);
                v.span(span);
            }
            ScoreForm::Judged { span } => v.span(span),
            ScoreForm::Max { forms, span } | ScoreForm::Sum { forms, span } => {
                forms.walk(v);
                v.span(span);
            }
            ScoreForm::Expr(e) => e.walk(v),
        }
    }
}

impl Walk for Tier {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let Tier {
            lo,
            lo_inclusive: _,
            hi,
            hi_inclusive: _,
            points,
            interval_span,
            span,
        } = self;
        lo.walk(v);
        hi.walk(v);
        points.walk(v);
        v.span(interval_span);
        v.span(span);
    }
}

impl Walk for SubItem {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let SubItem {
            no,
            text,
            points,
            how,
            owners,
            span,
        } = self;
        no.walk(v);
        text.walk(v);
        points.walk(v);
        match how {
            How::Judged(s) => v.span(s),
            How::When(e) => e.walk(v),
        }
        owners.walk(v);
        v.span(span);
    }
}

impl Walk for Expr {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        v.span(&mut self.span);
        match &mut self.kind {
            ExprKind::Lit(l) => l.walk(v),
            ExprKind::Bool(_) | ExprKind::Year | ExprKind::Name(_) => {}
            ExprKind::Call(name, args) => {
                name.walk(v);
                args.walk(v);
            }
            ExprKind::Index(a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::Cmp(_, a, b)
            | ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Coalesce(a, b) => {
                a.walk(v);
                b.walk(v);
            }
            ExprKind::Neg(a) | ExprKind::Not(a) => a.walk(v),
            ExprKind::Quant {
                all: _,
                var,
                range,
                body,
            } => {
                var.walk(v);
                range.walk(v);
                body.walk(v);
            }
            ExprKind::CountWhere { var, list, cond } => {
                var.walk(v);
                list.walk(v);
                cond.walk(v);
            }
            ExprKind::Script(s) => s.walk(v),
        }
    }
}

impl Walk for Script {
    fn walk<V: Visit>(&mut self, v: &mut V) {
        let mut at = Span::new(self.code_offset, self.code_offset);
        v.span(&mut at);
        self.code_offset = at.start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    const OFFICIAL: &str = include_str!("../../rules/sd-nmsz/2023.zb");

    /// Parsing a text behind `k` spaces puts every span `k` bytes later, so shifting the tree of
    /// the plain text by `k` must give the same tree: if a node type forgot a span, it differs.
    #[test]
    fn shift_matches_parsing_at_an_offset() {
        let extra = r#"
remove indicator 12
remove input foo
remove fn bar
remove let baz
remove check "消息"
remove category "某类"
fn f(x) "带脚本" = ```x * 2```
category "某类" points 2 {
  group "分组" points 2 {
    indicator 99 "示例" points 2 {
      score sum { judged  any award 1 { item 1 "一" judged owners "甲" }  1 + 2 }
    }
  }
}
"#;
        for text in [OFFICIAL, extra] {
            let name: Arc<str> = Arc::from("t.zb");
            let (plain, _) = crate::syntax::parse(&name, text);
            let k = 37;
            let padded = format!("{}{text}", " ".repeat(k));
            let (at_offset, _) = crate::syntax::parse(&name, &padded);
            let mut shifted = plain.clone();
            shift(&mut shifted, k);
            assert_eq!(shifted, at_offset);
            assert_ne!(plain, at_offset, "the walk must reach the spans");
        }
    }

    #[test]
    fn normalized_trees_ignore_layout_and_spelling() {
        let name: Arc<str> = Arc::from("t.zb");
        let (a, _) = crate::syntax::parse(&name, "let x = 15% + 1");
        let (b, _) = crate::syntax::parse(&name, "// 注释\nlet   x =\n 15.0% + 1");
        let (c, _) = crate::syntax::parse(&name, "let x = 16% + 1");
        assert_ne!(a, b);
        assert_eq!(normalized(&a), normalized(&b));
        assert_ne!(normalized(&a), normalized(&c));
    }
}
