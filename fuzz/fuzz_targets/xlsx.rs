//! Any bytes as an XLSX file, for the built-in rules: the checks `eval` makes before choosing a
//! reader (is it a template, which rules it names), the template reader and the workbook →
//! submission → score path of `eval`, and the table reader with every district row it reads
//! scored as a batch scores it. Every reader must answer with diagnostics, never panic, and
//! never allocate for a sheet's declared size before its limits apply.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use zhibiao::assess::score_loaded;
use zhibiao::batch::{self, FailedRow};
use zhibiao::diag::SourceMap;
use zhibiao::submission::{self, load_cells};

/// Rows of a table scored per input: enough to reach ranking, few enough to stay fast.
const ROWS_SCORED: usize = 16;

fuzz_target!(|data: &[u8]| {
    let name: Arc<str> = Arc::from("fuzz.xlsx");
    let sources = SourceMap::new();
    // `eval` asks first whether the workbook is a template and which rules it names.
    let template = submission::xlsx::is_template(data);
    let rules = common::rules_for(submission::xlsx::requested_ruleset(data).as_deref());
    // The template reader, scored and rendered as `eval` does when it reads one.
    let loaded = submission::xlsx::load_xlsx(rules, &name, data);
    if template {
        common::assess_and_render(rules, loaded, &sources);
    } else {
        common::render_diags(&loaded.1, &sources);
    }
    // The table reader: one district per row, each scored for a ranking.
    match submission::table::read_xlsx_table(rules, &name, data) {
        Ok(rows) => {
            let mut ranked = Vec::new();
            let mut failed = Vec::new();
            for row in rows.iter().take(ROWS_SCORED) {
                let loaded = load_cells(rules, &name, &row.doc, String::new(), Vec::new());
                match score_loaded(rules, loaded, None) {
                    Ok((sub, scores)) => {
                        ranked.push(batch::row_of_scores(rules, "fuzz", &sub, &scores))
                    }
                    Err(problems) => {
                        common::render_diags(&problems, &sources);
                        failed.push(FailedRow {
                            source: submission::table::row_label(row.row),
                            problems,
                        });
                    }
                }
            }
            common::rank_and_render(rules, ranked, failed);
        }
        Err(diags) => common::render_diags(&diags, &sources),
    }
});
