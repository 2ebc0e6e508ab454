//! Walking syntax trees: every sub-expression of an expression, every expression of a score
//! form.

use crate::syntax::ast::{Expr, ExprKind, ScoreForm};

/// Calls `f` on `e` and on every expression inside it, parents first.
pub fn each<'a>(e: &'a Expr, f: &mut impl FnMut(&'a Expr)) {
    e.each(f);
}

/// Calls `f` on every top-level expression of a score form (tier subjects, year ranges,
/// conditions, score expressions), recursing into `max` and `sum`.
pub fn form_exprs<'a>(form: &'a ScoreForm, f: &mut impl FnMut(&'a Expr)) {
    form.each_expr(&mut |e, _| f(e));
}

/// Calls `f` on `form` and every form nested in it.
pub fn each_form<'a>(form: &'a ScoreForm, f: &mut impl FnMut(&'a ScoreForm)) {
    form.each_form(f);
}

/// Whether any sub-item of the form (or of a nested form) is decided by a judgement, and
/// whether any part is computed from data.
pub fn judged_and_computed(form: &ScoreForm) -> (bool, bool) {
    let mut judged = false;
    each_form(form, &mut |f| judged |= f.judgements() > 0);
    // Every expression of a form (a subject, a condition, a formula) is computed from data.
    let mut computed = false;
    form.each_expr(&mut |_, _| computed = true);
    (judged, computed)
}

/// Every top-level expression of a rule set: data checks, definitions, function bodies,
/// indicator definitions and score forms, in that order.
pub fn roots(rules: &crate::model::RuleSet) -> Vec<&Expr> {
    let mut out: Vec<&Expr> = rules.checks.iter().map(|c| &c.cond).collect();
    let mut lets: Vec<_> = rules.lets.values().collect();
    lets.sort_by_key(|l| l.span.start);
    out.extend(lets.into_iter().map(|l| &l.value));
    let mut fns: Vec<_> = rules.fns.values().collect();
    fns.sort_by_key(|f| f.span.start);
    out.extend(fns.into_iter().map(|f| &f.body));
    for (_, ind) in rules.indicators() {
        out.extend(ind.lets.iter().map(|l| &l.value));
        if let Some(form) = &ind.score {
            form_exprs(form, &mut |e| out.push(e));
        }
    }
    out
}

/// Every embedded script of a rule set, with the expression that holds it.
pub fn scripts(rules: &crate::model::RuleSet) -> Vec<(&Expr, &crate::syntax::ast::Script)> {
    let mut out = Vec::new();
    for root in roots(rules) {
        each(root, &mut |e| {
            if let ExprKind::Script(s) = &e.kind {
                out.push((e, s));
            }
        });
    }
    out
}
