//! What several targets share: the built-in rules, scoring a loaded submission, and rendering
//! everything the library renders for it (reports, explanations, gap analysis, ranking rows,
//! diagnostics). Each target uses a part of it.
#![allow(dead_code)]

use std::sync::{Arc, OnceLock};
use zhibiao::assess::{self, Outcome};
use zhibiao::batch::{self, FailedRow, Order};
use zhibiao::diag::{self, Diagnostic, RenderOptions, SourceMap, Span};
use zhibiao::eval::Evaluation;
use zhibiao::eval::Program;
use zhibiao::submission::Submission;
use zhibiao::syntax::ast::Basis;

/// A number made from the input's bytes (FNV-1a): the same input always gives the same number,
/// and inputs that differ anywhere give unrelated ones.
pub fn hash(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Which of `n` things (`0..n`) an input does: a target that would do every thing for every
/// input (every report format, every explanation, every ranking format) does one, picked by the
/// input's bytes, so one input stays fast and a run still reaches every thing.
pub fn pick(data: &[u8], n: usize) -> usize {
    (hash(data) % n.max(1) as u64) as usize
}

/// Every built-in rule file, loaded once (they must load: a failure is a bug).
pub fn builtin_rules() -> &'static [(&'static str, Program)] {
    static RULES: OnceLock<Vec<(&'static str, Program)>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut files: Vec<&'static zhibiao::builtin::BuiltinFile> = Vec::new();
        for e in zhibiao::builtin::catalog() {
            if let Some(f) = zhibiao::builtin::find(&e.set, &e.version) {
                files.push(f);
            }
        }
        let default = zhibiao::builtin::default_file();
        if !files.iter().any(|f| f.path == default.path) {
            files.insert(0, default);
        }
        files
            .into_iter()
            .map(
                |f| match zhibiao::builtin::load(&Arc::from(f.path), f.text) {
                    (Some(rules), _) => (f.path, Program::new(rules)),
                    (None, diags) => panic!("the built-in rules {} do not load: {diags:?}", f.path),
                },
            )
            .collect()
    })
}

/// The default built-in rules (the official index).
pub fn default_rules() -> &'static Program {
    let default = zhibiao::builtin::default_file().path;
    let all = builtin_rules();
    match all.iter().find(|(p, _)| *p == default).or(all.first()) {
        Some((_, r)) => r,
        None => panic!("no built-in rules"),
    }
}

/// The built-in rules a submission asks for (`sd-nmsz@2023`, `sd-nmsz`), as the command line
/// picks them; the default when it names none or one that is not built in.
pub fn rules_for(requested: Option<&str>) -> &'static Program {
    let Some(spec) = requested else {
        return default_rules();
    };
    let (set, version) = match spec.split_once('@') {
        Some((s, v)) => (s, Some(v)),
        None => (spec, None),
    };
    let file = match version {
        Some(v) => zhibiao::builtin::find(set, v),
        None => zhibiao::builtin::newest(set),
    };
    file.and_then(|f| builtin_rules().iter().find(|(p, _)| *p == f.path))
        .map_or_else(default_rules, |(_, r)| r)
}

/// A score never exceeds its points; the total never exceeds what the categories can reach
/// (each its indicators' points, capped at its declared points when the rules say
/// `category_cap declared`), nor the maximum when they cannot reach more than it.
///
/// A rule set whose categories can reach more than its declared total (lint ZB304, a warning:
/// “高于总分，报告里会出现超过满分的总分”) does score above its maximum, as designed; the
/// fuzzer found such a file (the built-in rules with a category copied) on 2026-12-06.
pub fn check_scores(rules: &Program, evaluation: &Evaluation) {
    for ind in &evaluation.indicators {
        assert!(
            ind.score <= ind.points,
            "indicator {} scores {} above its {} points",
            ind.no,
            ind.score,
            ind.points
        );
    }
    let reach_of = |c: &zhibiao::eval::CategoryResult| match rules.cap_basis() {
        Basis::Declared => c.points.min(c.indicator_points),
        Basis::Indicators | Basis::None => c.indicator_points,
    };
    let mut reaches = evaluation.categories.iter().map(reach_of);
    let Some(first) = reaches.next() else {
        return;
    };
    let reach = reaches.fold(first, |a, r| a.saturating_add(r));
    assert!(
        evaluation.total <= reach,
        "total {} above the {} its categories can reach",
        evaluation.total,
        reach
    );
    assert!(
        evaluation.total <= evaluation.max || reach > evaluation.max,
        "total {} above the maximum {}",
        evaluation.total,
        evaluation.max
    );
}

/// The ways [`render_diags`] draws diagnostics: without colour at 100 columns, in colour at 40.
const DIAG_WAYS: [(bool, usize); 2] = [(false, 100), (true, 40)];

/// Renders diagnostics the way the command line does, in colour and without, at two widths.
pub fn render_diags(diags: &[Diagnostic], sources: &SourceMap) {
    for way in 0..DIAG_WAYS.len() {
        render_diags_one(diags, sources, way);
    }
}

/// Renders diagnostics the way the command line does, one of [`render_diags`]'s two ways
/// (`way` taken modulo 2): without colour at 100 columns, or in colour at 40.
pub fn render_diags_one(diags: &[Diagnostic], sources: &SourceMap, way: usize) {
    let (color, width) = DIAG_WAYS[way % DIAG_WAYS.len()];
    let out = diag::render_all(diags, sources, RenderOptions { color, width });
    assert!(
        diags.is_empty() || !out.is_empty(),
        "a diagnostic rendered as nothing"
    );
}

/// Renders a made-up diagnostic with spans taken from `seed` over `text`: any span at all, in
/// and out of the text, reversed, inside a multi-byte character, at the end. `over` picks the
/// text it is drawn over (taken modulo 3): the text itself, or the text placed after a line of
/// 70,000 characters, ASCII (1) or Chinese (2), so places lie beyond column 65,535; `way` picks
/// how it is drawn ([`render_diags_one`]).
pub fn render_spans(text: &str, seed: &[u8], over: usize, way: usize) {
    let spans: Vec<Span> = seed
        .chunks(4)
        .take(4)
        .map(|c| {
            let a = c.first().copied().unwrap_or(0) as usize;
            let b = c.get(1).copied().unwrap_or(0) as usize;
            let k = c.get(2).copied().unwrap_or(0);
            let len = text.len();
            // Offsets near the start, near the end, in the middle and beyond the text.
            let at = |x: usize| match k % 4 {
                0 => x,
                1 => len.saturating_sub(x),
                2 => len / 2 + x,
                _ => len + x,
            };
            if k & 0x80 != 0 {
                // Reversed, as no constructor makes it.
                Span {
                    start: at(b),
                    end: at(a),
                }
            } else if k & 0x40 != 0 {
                Span {
                    start: usize::MAX - a,
                    end: usize::MAX,
                }
            } else {
                Span::new(at(a), at(a) + b)
            }
        })
        .collect();
    let Some((&first, rest)) = spans.split_first() else {
        return;
    };
    let prefix = ["", "x", "中"][over % 3];
    let (name, shown): (Arc<str>, Arc<str>) = if prefix.is_empty() {
        (Arc::from("fuzz.zb"), Arc::from(text))
    } else {
        (
            Arc::from(format!("long-{prefix}.json")),
            Arc::from(format!("{}{text}", prefix.repeat(70_000))),
        )
    };
    let by = shown.len() - text.len();
    let shift = |s: Span| Span {
        start: s.start.saturating_add(by),
        end: s.end.saturating_add(by),
    };
    let mut d = Diagnostic::error(zhibiao::codes::SYNTAX, "测试信息：这里有错")
        .at(&name, shift(first))
        .label("这里")
        .help("按提示修改");
    for (i, s) in rest.iter().enumerate() {
        d = d.related(shift(*s), format!("相关位置 {i}"));
    }
    let mut sources = SourceMap::new();
    sources.add(&name, &shown);
    render_diags_one(&[d], &sources, way);
}

/// Everything the library renders for one scored district: the report in every format, the
/// explanation of every indicator, the gap analysis and plan, and its ranking row.
pub fn render_all(
    rules: &Program,
    sub: &Submission,
    evaluation: &Evaluation,
    warnings: &[Diagnostic],
    sources: &SourceMap,
) {
    check_scores(rules, evaluation);
    let ctx = zhibiao::report::Context {
        rules,
        sub,
        problems: warnings,
        sources,
    };
    let _ = zhibiao::report::to_text(&ctx, evaluation);
    let json = zhibiao::report::to_json(&ctx, evaluation);
    let _ = serde_json::to_string_pretty(&json);
    let _ = zhibiao::report::markdown::to_markdown(&ctx, evaluation);
    let _ = zhibiao::report::html::to_html(&ctx, evaluation);
    let _ = zhibiao::report::xlsx::to_xlsx(&ctx, evaluation);
    let _ = zhibiao::report::missing_reference_lines(rules, sub, evaluation);
    let _ = zhibiao::report::rule_fault_lines(evaluation);
    let _ = evaluation.lost_by_owner();

    let mut explained = Vec::new();
    let mut next = Vec::new();
    for ind in &evaluation.indicators {
        explained.extend(zhibiao::explain::explain(rules, sub, evaluation, ind.no));
        next.extend(zhibiao::gap::next_point(rules, sub, ind));
    }
    let _ = zhibiao::explain::to_text(&explained);
    let _ = serde_json::to_string(&explained);
    let gaps = zhibiao::gap::analyse(rules, sub, evaluation);
    let _ = serde_json::to_string(&gaps);
    let _ = zhibiao::gap::plan(rules, sub, evaluation, &next);
    let _ = zhibiao::gap::evidence(evaluation);

    let row = batch::row("fuzz", sub, evaluation);
    rank_and_render(rules, vec![row], Vec::new());
    render_diags(warnings, sources);
}

/// How many things [`render_one`] can do.
pub const RENDER_THINGS: usize = 11;

/// One of the things [`render_all`] does for a scored district (`which` in
/// `0..RENDER_THINGS`): the report as text, JSON, Markdown, HTML or XLSX; the report's short
/// lists (missing references, rule faults, points lost by owner, evidence); the explanation or
/// the next point of one indicator (`at` picks which); the gap analysis; the plan (with the
/// next point of every indicator); the ranking row ranked and rendered in one order and format
/// (`at` picks which). Whatever `which` is, the scores are checked and the warnings rendered
/// (one of [`render_diags`]'s two ways, by `at / 256`).
pub fn render_one(
    rules: &Program,
    sub: &Submission,
    evaluation: &Evaluation,
    warnings: &[Diagnostic],
    sources: &SourceMap,
    which: usize,
    at: usize,
) {
    check_scores(rules, evaluation);
    render_diags_one(warnings, sources, at / 256);
    let ctx = zhibiao::report::Context {
        rules,
        sub,
        problems: warnings,
        sources,
    };
    let indicator = || {
        let n = evaluation.indicators.len();
        (n > 0).then(|| &evaluation.indicators[at % n])
    };
    match which % RENDER_THINGS {
        0 => drop(zhibiao::report::to_text(&ctx, evaluation)),
        1 => {
            let json = zhibiao::report::to_json(&ctx, evaluation);
            let _ = serde_json::to_string_pretty(&json);
        }
        2 => drop(zhibiao::report::markdown::to_markdown(&ctx, evaluation)),
        3 => drop(zhibiao::report::html::to_html(&ctx, evaluation)),
        4 => drop(zhibiao::report::xlsx::to_xlsx(&ctx, evaluation)),
        5 => {
            let _ = zhibiao::report::missing_reference_lines(rules, sub, evaluation);
            let _ = zhibiao::report::rule_fault_lines(evaluation);
            let _ = evaluation.lost_by_owner();
            let _ = zhibiao::gap::evidence(evaluation);
        }
        6 => {
            if let Some(ind) = indicator() {
                let explained: Vec<_> = zhibiao::explain::explain(rules, sub, evaluation, ind.no)
                    .into_iter()
                    .collect();
                let _ = zhibiao::explain::to_text(&explained);
                let _ = serde_json::to_string(&explained);
            }
        }
        7 => {
            if let Some(ind) = indicator() {
                let next = zhibiao::gap::next_point(rules, sub, ind);
                let _ = serde_json::to_string(&next);
            }
        }
        8 => {
            let gaps = zhibiao::gap::analyse(rules, sub, evaluation);
            let _ = serde_json::to_string(&gaps);
        }
        9 => {
            let next: Vec<_> = evaluation
                .indicators
                .iter()
                .filter_map(|ind| zhibiao::gap::next_point(rules, sub, ind))
                .collect();
            let _ = zhibiao::gap::plan(rules, sub, evaluation, &next);
        }
        _ => {
            let row = batch::row("fuzz", sub, evaluation);
            rank_and_render_one(rules, vec![row], Vec::new(), at);
        }
    }
}

/// How many ways [`rank_and_render_one`] can rank and render: two orders, four formats.
pub const RANKING_WAYS: usize = 8;

/// Ranks rows in one order and renders the ranking in one format, as [`rank_and_render`] does
/// for every order and format: `way % 2` picks the order, `way / 2 % 4` the format (text, CSV,
/// JSON with the duplicate regions and each row's brief, XLSX). Ranks must be in order.
pub fn rank_and_render_one(
    rules: &Program,
    rows: Vec<batch::RankRow>,
    failed: Vec<FailedRow>,
    way: usize,
) {
    let order = if way % 2 == 0 {
        Order::Total
    } else {
        Order::PassingFirst
    };
    let ranking = batch::ranking(rules, rows, failed, order);
    let mut prev = 0;
    for r in &ranking.rows {
        assert!(r.rank >= 1 && r.rank >= prev, "ranks out of order");
        prev = r.rank;
    }
    match way / 2 % 4 {
        0 => drop(ranking.to_text()),
        1 => drop(ranking.to_csv()),
        2 => {
            let _ = serde_json::to_string(&ranking.to_json());
            let _ = ranking.duplicate_regions();
            for row in &ranking.rows {
                let _ = batch::percent(row.categories.first().and_then(|c| c.rate));
                let _ = row.shortfall();
                let _ = row.brief();
            }
        }
        _ => drop(ranking.to_xlsx()),
    }
}

/// Ranks rows (both orders) and renders the ranking in every format.
pub fn rank_and_render(rules: &Program, rows: Vec<batch::RankRow>, failed: Vec<FailedRow>) {
    for order in [Order::Total, Order::PassingFirst] {
        let ranking = batch::ranking(rules, rows.clone(), failed.clone(), order);
        let mut prev = 0;
        for r in &ranking.rows {
            assert!(r.rank >= 1 && r.rank >= prev, "ranks out of order");
            prev = r.rank;
        }
        let _ = ranking.to_text();
        let _ = ranking.to_csv();
        let _ = serde_json::to_string(&ranking.to_json());
        let _ = ranking.duplicate_regions();
        if order == Order::Total {
            let _ = ranking.to_xlsx();
        }
        for row in &ranking.rows {
            let _ = batch::percent(row.categories.first().and_then(|c| c.rate));
            let _ = row.shortfall();
            let _ = row.brief();
        }
    }
}

/// Assesses a loaded submission as `eval` does and renders everything, or renders why it
/// cannot be used.
pub fn assess_and_render(
    rules: &Program,
    loaded: (Option<Submission>, Vec<Diagnostic>),
    sources: &SourceMap,
) {
    match assess::assess_loaded(rules, loaded, None, false) {
        Outcome::Scored {
            submission,
            evaluation,
            warnings,
        } => render_all(rules, &submission, &evaluation, &warnings, sources),
        Outcome::Unusable(diags) => render_diags(&diags, sources),
    }
}
