//! `diff` on two versions of a small index that differ in nearly every way a version can:
//! header, inputs, checks, categories, indicators added, removed, renumbered and renamed, rule
//! texts, owners, tiers, per-year awards and items. Formatting-only edits must not count.

use std::sync::Arc;
use zhibiao::diff::{self, Kind};
use zhibiao::eval::Program;

fn load(name: &str) -> Program {
    let path = format!(
        "{}/tests/fixtures/versions/demo/{name}",
        crate::common::root()
    );
    let text = std::fs::read_to_string(&path).expect("fixture");
    let (rules, diags) = zhibiao::builtin::load(&Arc::from(format!("demo/{name}")), &text);
    assert!(!zhibiao::diag::has_errors(&diags), "{name}: {diags:?}");
    Program::new(rules.expect("rules"))
}

#[test]
fn every_kind_of_change_is_named() {
    let (old, new) = (load("1.zb"), load("2.zb"));
    let d = diff::diff(&old, &new);
    // The function was only reformatted and `10%` became `10.0%`: neither is a change.
    assert!(d.definitions.is_empty(), "{:?}", d.definitions);
    let kinds: Vec<(Option<u32>, Option<u32>, Kind)> = d
        .categories
        .iter()
        .flat_map(|c| c.indicators.iter().map(|i| (i.old_no, i.new_no, i.kind)))
        .collect();
    assert_eq!(
        kinds,
        [
            (Some(1), Some(1), Kind::Changed),
            (Some(2), Some(2), Kind::Changed),
            (Some(3), None, Kind::Removed),
            (Some(4), Some(3), Kind::Changed),
            (Some(5), Some(5), Kind::Changed),
            (None, Some(6), Kind::Added),
        ]
    );
    let text = diff::to_text(&d)
        .replace(&old.digest, "sha256:旧")
        .replace(&new.digest, "sha256:新");
    insta::assert_snapshot!(text);
}

#[test]
fn a_rule_set_compared_with_itself_has_no_changes() {
    let old = load("1.zb");
    let d = diff::diff(&old, &old);
    assert_eq!(d.count(), 0);
    assert!(diff::to_text(&d).contains("没有差别"));
}
