//! Benchmarks of the engine against a hand-written native scorer (criterion).
//!
//! Rows (see docs/performance.md):
//! - `eval/engine`: score one validated submission against the official index, rules loaded;
//! - `eval/engine-scores`: the same without explanations (`eval::evaluate_scores`, what batches
//!   use);
//! - `eval/plan`: the compiled scorer alone (`Program::plan().score`): every score, status,
//!   category and the verdict, no texts at all;
//! - `eval/native`: the same with the hand-written Rust scorer in `common/native.rs`;
//! - `eval/rhai`: the same with `fixtures/sd-nmsz-rhai.zb`, where every data-driven indicator
//!   scores through an embedded Rhai script;
//! - `assess/toml`: the whole in-process job for one TOML submission (read, validate, check,
//!   score);
//! - `rules/load` and `rules/lint`: parse and check, and parse, check and lint, the official
//!   index;
//! - `batch/100k`: rank 100,000 generated districts on every core (rayon): each one's data
//!   checks, scores (compiled scorer) and ranking row, then the ranking. The districts are
//!   5,000 distinct ones made by `zhibiao::generate` (seeded), each scored 20 times; only the
//!   5,000 are held, and each evaluation leaves only its ranking row behind.
//!
//! - `report/pass` and `report/generated-20`: the whole text report of one district (evaluation
//!   with explanations, gap analysis, plan to pass), for the example and for 20 generated ones.
//!
//! Run with `cargo bench -p zhibiao-bench --bench engine`.

// The bench only times the native scorer; `tests/native_agrees.rs` reads its fields.
#[allow(dead_code)]
#[path = "common/native.rs"]
mod native;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use std::hint::black_box;
use std::sync::Arc;
use zhibiao::assess::{Input, Request, assess};
use zhibiao::eval;
use zhibiao::eval::Program;
use zhibiao::model::RuleSet;
use zhibiao::submission::{self, Format, Submission};

const PASS: &str = include_str!("../examples/pass.toml");
const REFERENCE: &str = include_str!("../examples/province-2024.toml");
const RHAI_RULES: &str = include_str!("fixtures/sd-nmsz-rhai.zb");

fn rules_from(name: &str, text: &str) -> Program {
    let (rules, diags) = zhibiao::builtin::load(&Arc::from(name), text);
    assert!(!zhibiao::diag::has_errors(&diags), "{name}: {diags:?}");
    Program::new(rules.expect("rules"))
}

fn official_text() -> &'static str {
    zhibiao::builtin::default_file().text
}

fn submission(rules: &RuleSet) -> Submission {
    let (sub, diags) = submission::load(rules, &Arc::from("pass.toml"), PASS, Format::Toml);
    assert!(!zhibiao::diag::has_errors(&diags));
    let mut sub = sub.expect("usable");
    let rname: Arc<str> = Arc::from("province-2024.toml");
    let (reference, _) = submission::load_reference(rules, &rname, REFERENCE, Format::Toml);
    let merged = submission::merge_reference(rules, &mut sub, &reference.expect("reference"));
    assert!(!zhibiao::diag::has_errors(&merged));
    sub
}

fn benches(c: &mut Criterion) {
    let official = rules_from("2023.zb", official_text());
    let rhai = rules_from("sd-nmsz-rhai.zb", RHAI_RULES);
    let sub = submission(&official);
    let rhai_sub = submission(&rhai);
    let name: Arc<str> = Arc::from("pass.toml");
    let rname: Arc<str> = Arc::from("province-2024.toml");

    let mut g = c.benchmark_group("eval");
    g.bench_function("engine", |b| {
        b.iter(|| eval::evaluate(black_box(&official), black_box(&sub)))
    });
    g.bench_function("engine-scores", |b| {
        b.iter(|| eval::evaluate_scores(black_box(&official), black_box(&sub)))
    });
    g.bench_function("plan", |b| {
        b.iter(|| official.plan().score(black_box(&sub)))
    });
    g.bench_function("native", |b| b.iter(|| native::score(black_box(&sub))));
    g.bench_function("rhai", |b| {
        b.iter(|| eval::evaluate(black_box(&rhai), black_box(&rhai_sub)))
    });
    g.bench_function("rhai-scores", |b| {
        b.iter(|| eval::evaluate_scores(black_box(&rhai), black_box(&rhai_sub)))
    });
    g.bench_function("rhai-plan", |b| {
        b.iter(|| rhai.plan().score(black_box(&rhai_sub)))
    });
    g.finish();

    c.bench_function("assess/toml", |b| {
        b.iter(|| {
            assess(
                black_box(&official),
                Request {
                    submission: Input {
                        name: &name,
                        text: black_box(PASS),
                        format: Format::Toml,
                    },
                    reference: Some(Input {
                        name: &rname,
                        text: REFERENCE,
                        format: Format::Toml,
                    }),
                    strict: false,
                },
            )
        })
    });

    let file: Arc<str> = Arc::from("2023.zb");
    let mut g = c.benchmark_group("rules");
    g.bench_function("load", |b| {
        b.iter(|| zhibiao::builtin::load(&file, black_box(official_text())))
    });
    g.bench_function("lint", |b| {
        b.iter(|| zhibiao::lint::lint(&file, black_box(official_text())))
    });
    // What `zhibiao lsp` does after each keystroke: apply the change, analyse the file again and
    // list its diagnostics (target: under 50 ms on the 715-line official file).
    let ide_name: Arc<str> = Arc::from("rules/sd-nmsz/2023.zb");
    let keystroke = zhibiao::ide::Range {
        start: zhibiao::ide::Position::new(0, 2),
        end: zhibiao::ide::Position::new(0, 2),
    };
    g.bench_function("ide-diagnostics-after-change", |b| {
        b.iter(|| {
            let text = zhibiao::ide::apply_change(official_text(), Some(keystroke), "新");
            zhibiao::ide::Analysis::standalone(&ide_name, black_box(&text)).problems()
        })
    });
    g.finish();
}

/// Distinct generated districts in `batch/100k`.
const DISTINCT: usize = 5_000;
/// Evaluations in `batch/100k`.
const BATCH: usize = 100_000;

fn batch(c: &mut Criterion) {
    let official = rules_from("2023.zb", official_text());
    let base = submission(&official);
    let subs: Vec<Submission> = (0..DISTINCT as u64)
        .map(|i| zhibiao::generate::submission(&official, &base, 20261201, i))
        .collect();
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("100k", |b| {
        b.iter(|| {
            let rows: Vec<zhibiao::batch::RankRow> = (0..BATCH)
                .into_par_iter()
                .filter_map(|i| {
                    let sub = subs.get(i % DISTINCT)?;
                    let plan = official.plan();
                    // As `zhibiao eval` does: a failed check is described by `check_data`.
                    let scores = plan.check_and_score(sub).unwrap_or_else(|_| {
                        let _ = eval::check_data(&official, sub);
                        plan.score(sub)
                    });
                    Some(zhibiao::batch::row_of_scores(
                        &official,
                        "generated",
                        sub,
                        &scores,
                    ))
                })
                .collect();
            zhibiao::batch::ranking(&official, rows, Vec::new(), zhibiao::batch::Order::Total)
        })
    });
    g.finish();
}

/// A whole text report for one district: its evaluation with explanations, then the report
/// with the gap analysis (next points, the plan to pass), what `--out-dir` writes for each.
fn report(c: &mut Criterion) {
    let official = rules_from("2023.zb", official_text());
    let base = submission(&official);
    let generated: Vec<Submission> = (0..20u64)
        .map(|i| zhibiao::generate::submission(&official, &base, 20261201, i))
        .collect();
    let one = |sub: &Submission| {
        let ev = eval::evaluate(&official, sub);
        let sources = zhibiao::diag::SourceMap::new();
        let ctx = zhibiao::report::Context {
            rules: &official,
            sub,
            problems: &[],
            sources: &sources,
        };
        zhibiao::report::to_text(&ctx, &ev)
    };
    let mut g = c.benchmark_group("report");
    g.sample_size(20);
    g.bench_function("pass", |b| b.iter(|| one(black_box(&base))));
    g.throughput(Throughput::Elements(generated.len() as u64));
    g.bench_function("generated-20", |b| {
        b.iter(|| {
            generated
                .iter()
                .map(|s| one(black_box(s)).len())
                .sum::<usize>()
        })
    });
    g.finish();
}

/// Drawing 1,000 diagnostics near the end of a 600 KB file (a submission with thousands of
/// unknown keys): each is drawn from the lines around it, found through the file's line index
/// (drawn from the file's start, this took about a minute in a debug build).
fn diagnostics(c: &mut Criterion) {
    use zhibiao::diag::{Diagnostic, RenderOptions, SourceMap, Span, render_all};
    let line = "key_000 = 1\n";
    let text = line.repeat(50_000);
    let name: Arc<str> = Arc::from("w.toml");
    let mut sources = SourceMap::new();
    sources.add(&name, &Arc::from(text.as_str()));
    let diags: Vec<Diagnostic> = (0..1_000)
        .map(|i| {
            let at = text.len() - (i + 1) * line.len();
            Diagnostic::error(zhibiao::codes::SYNTAX, "未知的键")
                .at(&name, Span::new(at, at + 7))
                .label("这里")
        })
        .collect();
    let mut g = c.benchmark_group("diag");
    g.sample_size(10);
    g.bench_function("render-1000-in-600KB", |b| {
        b.iter(|| render_all(black_box(&diags), &sources, RenderOptions::default()).len())
    });
    g.finish();
}

criterion_group!(engine, benches, batch, report, diagnostics);
criterion_main!(engine);
