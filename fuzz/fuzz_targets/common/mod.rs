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
            .map(|f| match zhibiao::builtin::load(&Arc::from(f.path), f.text) {
                (Some(rules), _) => (f.path, Program::new(rules)),
                (None, diags) => panic!("the built-in rules {} do not load: {diags:?}", f.path),
            })
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

/// A score never exceeds its points, and the totals add up to no more than the maximum.
pub fn check_scores(evaluation: &Evaluation) {
    for ind in &evaluation.indicators {
        assert!(
            ind.score <= ind.points,
            "indicator {} scores {} above its {} points",
            ind.no,
            ind.score,
            ind.points
        );
    }
    assert!(
        evaluation.total <= evaluation.max,
        "total {} above the maximum {}",
        evaluation.total,
        evaluation.max
    );
}

/// Renders diagnostics the way the command line does, in colour and without, at two widths.
pub fn render_diags(diags: &[Diagnostic], sources: &SourceMap) {
    for (color, width) in [(false, 100), (true, 40)] {
        let out = diag::render_all(diags, sources, RenderOptions { color, width });
        assert!(
            diags.is_empty() || !out.is_empty(),
            "a diagnostic rendered as nothing"
        );
    }
}

/// Renders a made-up diagnostic with spans taken from `seed` over `text`: any span at all, in
/// and out of the text, reversed, inside a multi-byte character, at the end. Also over the
/// text placed after a line of 70,000 characters (ASCII, then Chinese), so places lie beyond
/// column 65,535.
pub fn render_spans(text: &str, seed: &[u8]) {
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
    for prefix in ["", "x", "中"] {
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
        render_diags(&[d], &sources);
    }
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
    check_scores(evaluation);
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
