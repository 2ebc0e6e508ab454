//! Any bytes as a CSV table of districts (the batch reader), for the built-in rules. One of two
//! things per input, picked by the input's bytes (`common::pick`): the table is read whole and
//! its first districts are scored both ways a batch scores (the full evaluation and the
//! compiled scorer, which must agree), then ranked in one order and rendered in one format,
//! with the diagnostics drawn one of two ways; or it is streamed as the command line streams
//! it, and the quick reading of each of its first districts must give the full reading's values.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use zhibiao::assess::{Outcome, assess_loaded_scores, score_loaded};
use zhibiao::batch::{self, FailedRow};
use zhibiao::diag::SourceMap;
use zhibiao::eval::Program;
use zhibiao::submission::load_cells;
use zhibiao::submission::table::{read_csv, row_label, stream_csv};

/// Rows scored per input: enough to reach ties and ranking, few enough to stay fast.
const ROWS_SCORED: usize = 4;

fuzz_target!(|data: &[u8]| {
    let rules = common::default_rules();
    let name: Arc<str> = Arc::from("fuzz.csv");
    if common::pick(data, 2) == 1 {
        streamed(rules, &name, data);
        return;
    }
    let sources = SourceMap::new();
    // How the ranking and the diagnostics are drawn (`common::rank_and_render_one`,
    // `common::render_diags_one`).
    let way = (common::hash(data) / 2) as usize;
    let mut ranked = Vec::new();
    let mut failed = Vec::new();
    match read_csv(rules, &name, data) {
        Ok(rows) => {
            for row in rows.iter().take(ROWS_SCORED) {
                let loaded = load_cells(rules, &name, &row.doc, String::new(), Vec::new());
                let full = assess_loaded_scores(rules, loaded.clone(), None, false);
                match (score_loaded(rules, loaded, None), full) {
                    (
                        Ok((sub, scores)),
                        Outcome::Scored {
                            submission,
                            evaluation,
                            ..
                        },
                    ) => {
                        common::check_scores(rules, &evaluation);
                        let fast = batch::row_of_scores(rules, "fuzz", &sub, &scores);
                        let slow = batch::row("fuzz", &submission, &evaluation);
                        assert_eq!(fast.total, slow.total, "the two scorers disagree");
                        assert_eq!(fast.verdict, slow.verdict, "the two scorers disagree");
                        ranked.push(fast);
                    }
                    (Err(problems), Outcome::Unusable(_)) => {
                        common::render_diags_one(&problems, &sources, way / 8);
                        failed.push(FailedRow {
                            source: row_label(row.row),
                            problems,
                        });
                    }
                    (Ok(_), Outcome::Unusable(d)) => {
                        panic!("ranked by one scorer, refused by the other: {d:?}")
                    }
                    (Err(d), Outcome::Scored { .. }) => {
                        panic!("refused by the ranking scorer, scored by the other: {d:?}")
                    }
                }
            }
        }
        Err(diags) => common::render_diags_one(&diags, &sources, way / 8),
    }
    common::rank_and_render_one(rules, ranked, failed, way);
});

/// Streamed, as the command line reads a CSV batch: the quick path where it applies, the full
/// reading otherwise; the two must give the same values.
fn streamed(rules: &'static Program, name: &Arc<str>, data: &[u8]) {
    if let Ok(mut table) = stream_csv(rules, name, Box::new(std::io::Cursor::new(data.to_vec()))) {
        let mut n = 0;
        while let Some(raw) = table.next_raw() {
            n += 1;
            if n > ROWS_SCORED {
                break;
            }
            let Ok(raw) = raw else { break };
            let parser = table.parser();
            let quick = parser.quick(&raw, "");
            if let Ok(Some(row)) = parser.parse(&raw) {
                let loaded = load_cells(rules, name, &row.doc, String::new(), Vec::new());
                if let (Some(q), Ok((sub, _))) = (quick, score_loaded(rules, loaded, None)) {
                    assert_eq!(
                        (&q.region, q.year, &q.values, &q.judgements),
                        (&sub.region, sub.year, &sub.values, &sub.judgements),
                        "the quick reading differs from the full one"
                    );
                }
            }
        }
    }
}
