//! The evaluator's two kinds of run agree: the lean one that rankings use (`eval::plan::Plan::score`,
//! behind `eval::evaluate_scores`) and the recording one that reports use (`eval::evaluate`, which
//! records the reasons) say the same of everything apart from the reasons:
//! every indicator's score, partial score, status, missing data (in order), error message and
//! sub-items, every category, pass condition and data check, the total and the verdict.
//!
//! Checked on every rule file in the repository that resolves without errors (the built-in
//! rule sets, the lint and version fixtures, the all-Rhai benchmark index, the bad-input rule
//! files), each on generated submissions and on variants with data taken out (missing-data
//! paths) and with values set to zero (division by zero); and on small rule files written to
//! reach the corners: failing scripts, type errors, overlapping tiers without a policy,
//! functions, quantifiers, lists.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use zhibiao::eval::Program;
use zhibiao::eval::{self, Evaluation};
use zhibiao::model::RuleSet;
use zhibiao::submission::{self, Format, InputValue, Submission};

/// An evaluation as JSON without its reasons (the lean run records none).
fn stripped(ev: &Evaluation) -> serde_json::Value {
    let mut v = serde_json::to_value(ev).expect("serializes");
    if let Some(inds) = v.get_mut("indicators").and_then(|i| i.as_array_mut()) {
        for ind in inds {
            if let Some(o) = ind.as_object_mut() {
                o.remove("reasons");
                if let Some(items) = o.get_mut("items").and_then(|i| i.as_array_mut()) {
                    for it in items {
                        if let Some(it) = it.as_object_mut() {
                            it.remove("why");
                        }
                    }
                }
            }
        }
    }
    v
}

fn agree(rules: &Program, sub: &Submission, what: &str) -> Evaluation {
    let full = eval::evaluate(rules, sub);
    let lean = eval::evaluate_scores(rules, sub);
    let (a, b) = (stripped(&full), stripped(&lean));
    if a != b {
        let a = serde_json::to_string_pretty(&a).unwrap_or_default();
        let b = serde_json::to_string_pretty(&b).unwrap_or_default();
        let diff = similar::TextDiff::from_lines(&a, &b)
            .unified_diff()
            .header("recorded", "lean")
            .to_string();
        panic!("{what}: the lean run disagrees with the recording run\n{diff}");
    }
    // The compact result says the same as the evaluation built from it, down to the ranking
    // row a batch writes.
    let scores = rules.plan().score(sub);
    assert_eq!(
        zhibiao::batch::row_of_scores(rules, "x", sub, &scores),
        zhibiao::batch::row("x", sub, &lean),
        "{what}: ranking row"
    );
    assert_eq!(scores.total, full.total, "{what}: total");
    assert_eq!(scores.passed, full.passed, "{what}: verdict");
    assert_eq!(
        rules.plan().checks_hold(sub),
        eval::worded_checks(rules, sub).is_empty(),
        "{what}: checks"
    );
    full
}

fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rule_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "zb") {
            out.push(p);
        }
    }
}

/// Variants of a submission that reach other paths: some data taken out, some judgements not
/// submitted, some numbers zero.
fn variants(sub: &Submission, rng: &mut fastrand::Rng) -> Vec<Submission> {
    let mut gaps = sub.clone();
    gaps.values.retain(|_, _| rng.f64() > 0.25);
    gaps.judgements.retain(|_, _| rng.f64() > 0.25);
    for v in gaps.values.values_mut() {
        if let InputValue::Series(s) = v {
            s.retain(|_, _| rng.f64() > 0.2);
        }
    }
    let mut zeros = sub.clone();
    for v in zeros.values.values_mut() {
        if rng.f64() < 0.3 {
            match v {
                InputValue::Num(d) => *d = rust_decimal::Decimal::ZERO,
                InputValue::Series(s) => {
                    for x in s.values_mut() {
                        *x = rust_decimal::Decimal::ZERO;
                    }
                }
                InputValue::List(items) => items.clear(),
                InputValue::Bool(b) => *b = !*b,
            }
        }
    }
    vec![gaps, zeros]
}

/// The what-if entry points of the compiled plan say what a full scoring says: one indicator
/// scored alone, and a submission scored again from another's scores with only the indicators
/// that read what differs between them (so [`zhibiao::eval::plan::Plan::reads`] misses nothing
/// an indicator reads).
fn what_if_agrees(rules: &Program, from: &Submission, to: &Submission, what: &str) {
    let plan = rules.plan();
    let full = plan.score(to);
    for (i, r) in full.indicators.iter().enumerate() {
        let alone = plan.score_indicator(i, to).expect("indicator");
        assert_eq!(
            (alone.score, alone.partial, alone.status, &alone.missing),
            (r.score, r.partial, r.status, &r.missing),
            "{what}: indicator {i} scored alone"
        );
    }
    let differs = |key: &str| from.values.get(key) != to.values.get(key);
    let changed: Vec<u32> = rules
        .inputs
        .iter()
        .filter(|d| differs(&d.name.value))
        .filter_map(|d| plan.input_slot(&d.name.value))
        .collect();
    let judged_differ: Vec<u32> = rules
        .indicators()
        .map(|(_, ind)| ind.no.value)
        .filter(|no| {
            let own =
                |k: &&String| k.as_str() == no.to_string() || k.starts_with(&format!("{no}."));
            from.judgements
                .keys()
                .filter(own)
                .ne(to.judgements.keys().filter(own))
                || from
                    .judgements
                    .iter()
                    .filter(|(k, _)| own(k))
                    .any(|(k, j)| to.judgements.get(k) != Some(j))
        })
        .collect();
    let dirty: Vec<bool> = rules
        .indicators()
        .enumerate()
        .map(|(i, (_, ind))| {
            judged_differ.contains(&ind.no.value)
                || plan.reads(i).iter().any(|k| changed.contains(k))
        })
        .collect();
    let again = plan.rescore(&plan.score(from), to, |i| dirty[i]);
    assert_eq!(
        again, full,
        "{what}: scored again from another submission's scores"
    );
    // A year of a yearly input that scoring an indicator does not read can take any value
    // without moving that indicator (the next-point search skips it).
    for (i, r) in full.indicators.iter().enumerate() {
        let Some(read) = plan.years_read(i, to) else {
            continue;
        };
        for d in &rules.inputs {
            let Some(InputValue::Series(series)) = to.values.get(&d.name.value) else {
                continue;
            };
            let Some(input) = plan.input_slot(&d.name.value) else {
                continue;
            };
            for (y, v) in series {
                if read.binary_search(&(input, *y)).is_ok() {
                    continue;
                }
                let mut moved = to.clone();
                if let Some(InputValue::Series(s)) = moved.values.get_mut(&d.name.value) {
                    s.insert(
                        *y,
                        *v * rust_decimal::Decimal::from(3) + rust_decimal::Decimal::ONE,
                    );
                }
                let again = plan.score_indicator(i, &moved).expect("indicator");
                assert_eq!(
                    (again.score, again.status),
                    (r.score, r.status),
                    "{what}: indicator {i} moved with {}[{y}], a year it does not read",
                    d.name.value
                );
            }
        }
    }
}

/// The compiled program's inputs read by each indicator, in the order its rule first mentions
/// them, are those the syntax-tree walk finds, in the same order.
fn reads_agree(rules: &Program, what: &str) {
    for (i, (_, ind)) in rules.indicators().enumerate() {
        let compiled: Vec<&str> = rules.plan().inputs_read(i).collect();
        assert_eq!(
            compiled,
            zhibiao::gap::deps::inputs_read(rules, ind),
            "{what}: the inputs indicator {} reads",
            ind.no.value
        );
    }
}

fn check_rules(rules: &Program, bases: &[Submission], count: u64, what: &str) -> usize {
    reads_agree(rules, what);
    let mut rng = fastrand::Rng::with_seed(20261201);
    let mut n = 0;
    for (b, base) in bases.iter().enumerate() {
        agree(rules, base, &format!("{what} base {b}"));
        for i in 0..count {
            let sub = zhibiao::generate::submission(rules, base, 20261201, i);
            agree(rules, &sub, &format!("{what} base {b} #{i}"));
            what_if_agrees(rules, base, &sub, &format!("{what} base {b} #{i}"));
            for (k, v) in variants(&sub, &mut rng).iter().enumerate() {
                agree(rules, v, &format!("{what} base {b} #{i} variant {k}"));
            }
            n += 3;
        }
    }
    n
}

fn example(rules: &RuleSet, name: &str) -> Submission {
    let path = format!("{}/examples/{name}", crate::common::root());
    let text = std::fs::read_to_string(path).expect("example");
    let (sub, _) = submission::load(rules, &Arc::from(name), &text, Format::Toml);
    let mut sub = sub.expect("usable");
    let reference = include_str!("../examples/province-2024.toml");
    let (r, _) = submission::load_reference(
        rules,
        &Arc::from("province-2024.toml"),
        reference,
        Format::Toml,
    );
    if let Some(r) = r {
        let _ = submission::merge_reference(rules, &mut sub, &r);
    }
    sub
}

#[test]
fn lean_and_recording_runs_agree_on_the_official_index() {
    let f = zhibiao::builtin::default_file();
    let (rules, _) = zhibiao::builtin::load(&Arc::from(f.path), f.text);
    let rules = Program::new(rules.expect("rules"));
    let bases: Vec<Submission> = ["pass.toml", "category-fail.toml", "draft.toml"]
        .iter()
        .map(|n| example(&rules, n))
        .collect();
    let n = check_rules(&rules, &bases, 300, "sd-nmsz");
    assert_eq!(n, 3 * 3 * 300);
}

#[test]
fn lean_and_recording_runs_agree_on_every_rule_file() {
    let root = Path::new(crate::common::root());
    let mut files = Vec::new();
    for dir in ["rules", "tests", "benches"] {
        rule_files(&root.join(dir), &mut files);
    }
    let mut checked = 0;
    let mut skipped = Vec::new();
    for p in &files {
        let Ok(text) = std::fs::read_to_string(p) else {
            skipped.push(p.clone());
            continue;
        };
        let name: Arc<str> = Arc::from(p.display().to_string());
        let (rules, diags) = zhibiao::builtin::load(&name, &text);
        let Some(rules) = rules.filter(|_| !zhibiao::diag::has_errors(&diags)) else {
            skipped.push(p.clone());
            continue;
        };
        let rules = Program::new(rules);
        let base = Submission {
            year: 2024,
            ..Submission::default()
        };
        check_rules(&rules, &[base], 30, &p.display().to_string());
        checked += 1;
    }
    // Most files resolve; the rest are rule files with deliberate errors.
    assert!(checked >= 40, "checked {checked}, skipped {skipped:?}");
}

const CORNERS: &str = r#"
ruleset corners "边角" {
  version "1"
  effective 2024-01-01
  points 30
  pass total >= 10 and category "甲" rate >= 50% and every category score >= 1
}
input a "甲数" count 个
input b "乙数" count 个
input s "序列" money 万元 yearly years Y-2..Y
input l "列表" list money 万元
input f "开关" bool
input o "可选" count 个 optional

fn ratio(x, y) "比" = x / y
fn deep(x) "嵌套" = ratio(x, b) + 0
let total_ab "合计" = a + b
let first "首年" = s[Y-2]

category "甲" points 20 {
  indicator 1 "除法" points 2 {
    score tiers ratio(a, b) { [0, 1) => 1  [1, ..) => 2 }
  }
  indicator 2 "重叠未定" points 2 {
    score tiers a { [0, 10] => 1  [10, ..) => 2 }
  }
  indicator 3 "脚本" points 2 {
    score ```if a > 5 { 2 } else if a > 2 { 1 } else { a / (a - a) }```
  }
  indicator 4 "脚本布尔" points 2 {
    let half "一半" = a / 2
    score items {
      item 1 "脚本条件" points 1 when ```half > 1 && f```
      item 2 "判断" points 1 judged
    }
  }
  indicator 5 "类型" points 2 {
    score items {
      item 1 "布尔比较" points 1 when f == (a > b)
      item 2 "缺少" points 1 when o > 0 or a > 1
    }
  }
  indicator 6 "量词" points 3 {
    score each year y in Y-1..Y award 1 when all z in y-1..y: s[z] > first
    cap 2
  }
  indicator 7 "列表" points 3 {
    let big "大额" = count(x in l where x > 100万元)
    score sum {
      tiers big { [1, ..) => 1 }
      min(len(l), 1) + abs(-1) * 0
      tiers sum(l) { [1000万元, ..) => 1 }
    }
  }
  indicator 8 "最高" points 2 {
    score max {
      deep(a) * 1
      total_ab / 10
      max(a, b, 3) - 3
    }
  }
}
category "乙" points 10 {
  indicator 9 "任一" points 3 {
    score any award 3 {
      item 1 "数据" when s[Y] ?? 0 > 10万元
      item 2 "评审" judged
    }
  }
  indicator 10 "整体评审" points 3 {
    score judged
  }
  indicator 11 "负分" points 2 {
    score a - b
  }
  indicator 12 "年份" points 2 {
    score tiers s[Y] / s[Y - 1] - 1 { [0%, 10%) => 1  [10%, ..) => 2 }
  }
}
"#;

#[test]
fn plan_agrees_on_the_corners() {
    let (rules, diags) = zhibiao::builtin::load(&Arc::from("corners.zb"), CORNERS);
    assert!(!zhibiao::diag::has_errors(&diags), "{diags:#?}");
    let rules = Program::new(rules.expect("rules"));
    let base = Submission {
        year: 2024,
        ..Submission::default()
    };
    check_rules(&rules, &[base], 400, "corners");

    // Hand-made submissions reaching each error path.
    let toml = |data: &str| {
        let text = format!(
            "year = 2024\n[data]\n{data}\n[judgements]\n\"4.2\" = true\n\"10\" = {{ score = 2 }}\n"
        );
        let (sub, diags) = submission::load(&rules, &Arc::from("x.toml"), &text, Format::Toml);
        assert!(!zhibiao::diag::has_errors(&diags), "{text}\n{diags:#?}");
        sub.expect("usable")
    };
    let cases = [
        // b = 0: division by zero in 1 and 8; a = 10 on the shared bound of 2; a = 1 makes the
        // script divide by zero.
        "a = 10\nb = 0\nf = true\ns = { 2022 = 1, 2023 = 2, 2024 = 3 }\nl = [1, 200]",
        "a = 1\nb = 3\nf = false\ns = { 2022 = 5, 2023 = 2 }\nl = []",
        "a = 7\nb = 7\nf = true\ns = { 2023 = 0, 2024 = 3 }\nl = [2000, 1]\no = 0",
        "a = 0\nb = 1",
    ];
    let mut errors = 0;
    for (i, data) in cases.iter().enumerate() {
        let ev = agree(&rules, &toml(data), &format!("case {i}"));
        errors += ev
            .indicators
            .iter()
            .filter(|r| r.status == eval::Status::Error)
            .count();
    }
    // The cases do reach the error paths, where a typed rule problem is recorded.
    assert!(errors >= 4, "errors: {errors}");
}
