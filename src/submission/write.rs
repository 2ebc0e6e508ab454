//! A submission written back as TOML text, the format people edit.
//!
//! Values go back into each input's declared unit (money in 万元 when the input says 万元,
//! percents as `"96.5%"`), written from their exact decimals, so reading the text again gives
//! the same submission.

use super::{InputValue, Submission};
use crate::model::RuleSet;
use crate::number::{money_unit_factor, plain};
use crate::syntax::ast::ScalarKind;
use rust_decimal::Decimal;
use std::fmt::Write as _;

fn string(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !k.bytes().all(|b| b.is_ascii_digit())
    {
        k.to_string()
    } else {
        string(k)
    }
}

/// One value in the input's own unit.
fn scalar(kind: ScalarKind, factor: Decimal, v: Decimal) -> String {
    match kind {
        ScalarKind::Percent => match v.checked_mul(Decimal::ONE_HUNDRED) {
            Some(p) => format!("\"{}%\"", plain(p)),
            None => plain(v),
        },
        ScalarKind::Money => plain(v.checked_div(factor).unwrap_or(v)),
        _ => plain(v),
    }
}

/// The submission as TOML. Keys the rules do not declare are written as they are.
pub fn to_toml(rules: &RuleSet, sub: &Submission) -> String {
    let mut out = String::new();
    if let Some(r) = &sub.region {
        let _ = writeln!(out, "region = {}", string(r));
    }
    let _ = writeln!(out, "year = {}", sub.year);
    if let Some(r) = &sub.ruleset {
        let _ = writeln!(out, "ruleset = {}", string(r));
    }
    out.push_str("\n[data]\n");
    for (k, v) in &sub.values {
        let decl = rules.input(k);
        let kind = decl.map_or(ScalarKind::Decimal, |d| d.kind.value);
        let factor = decl
            .and_then(|d| d.unit.as_ref())
            .and_then(|u| money_unit_factor(&u.value))
            .unwrap_or(Decimal::ONE);
        let text = match v {
            InputValue::Num(x) => scalar(kind, factor, *x),
            InputValue::Bool(b) => b.to_string(),
            InputValue::Series(s) => {
                let parts: Vec<String> = s
                    .iter()
                    .map(|(y, x)| format!("{y} = {}", scalar(kind, factor, *x)))
                    .collect();
                format!("{{ {} }}", parts.join(", "))
            }
            InputValue::List(l) => {
                let parts: Vec<String> = l.iter().map(|x| scalar(kind, factor, *x)).collect();
                format!("[{}]", parts.join(", "))
            }
        };
        let _ = writeln!(out, "{} = {text}", key(k));
    }
    out.push_str("\n[judgements]\n");
    let mut keys: Vec<&String> = sub.judgements.keys().collect();
    keys.sort_by_key(|k| {
        let mut parts = k.split('.').map(|p| p.parse::<u32>().unwrap_or(u32::MAX));
        (parts.next(), parts.next())
    });
    for k in keys {
        let Some(j) = sub.judgements.get(k) else {
            continue;
        };
        let simple = j.score.is_none() && j.evidence.is_empty() && j.note.is_none();
        let text = match (simple, j.met) {
            (true, Some(m)) => m.to_string(),
            _ => {
                let mut fields = Vec::new();
                if let Some(m) = j.met {
                    fields.push(format!("met = {m}"));
                }
                if let Some(s) = j.score {
                    fields.push(format!("score = {}", plain(s)));
                }
                if !j.evidence.is_empty() {
                    let ev: Vec<String> = j.evidence.iter().map(|e| string(e)).collect();
                    fields.push(format!("evidence = [{}]", ev.join(", ")));
                }
                if let Some(n) = &j.note {
                    fields.push(format!("note = {}", string(n)));
                }
                format!("{{ {} }}", fields.join(", "))
            }
        };
        let _ = writeln!(out, "{} = {text}", string(k));
    }
    out
}
