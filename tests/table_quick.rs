//! Big batches read a table's clean rows straight into submissions (`RowParser::quick`) and
//! leave the others to the full reading (`RowParser::parse` + `load_cells`), which says what
//! is wrong. Wherever the quick reading gives a submission, the full reading must give the same
//! one and no error: checked on generated tables, and on the same rows with cells changed to
//! every kind of thing people type (and mistype) into a cell.

use std::sync::Arc;
use zhibiao::eval::Program;
use zhibiao::model::RuleSet;
use zhibiao::submission::table::stream_csv;
use zhibiao::submission::{self, Format, Submission, load_cells};
use zhibiao::template::table::to_csv;

fn official() -> Program {
    let f = zhibiao::builtin::default_file();
    let (rules, _) = zhibiao::builtin::load(&Arc::from(f.path), f.text);
    Program::new(rules.expect("rules"))
}

fn base(rules: &RuleSet) -> Submission {
    let text = include_str!("../examples/pass.toml");
    let (sub, _) = submission::load(rules, &Arc::from("pass.toml"), text, Format::Toml);
    sub.expect("usable")
}

/// What people put in cells.
const ODD: &[&str] = &[
    "",
    " ",
    "0",
    "-0",
    "-5",
    "1.5",
    "0.5",
    "1",
    "2",
    "150%",
    "2%",
    "-3%",
    "100%",
    "100.5%",
    "abc",
    "是",
    "否",
    "√",
    "×",
    "yes",
    "3亿",
    "5千万元",
    "12,000",
    " 7 ",
    "１２",
    "１２％",
    "1e5",
    ".5",
    "5.",
    "1..2",
    "99999999999999999999999999999",
    "2024年",
    "1899",
    "2201",
    "32721.6;14582.4",
    "1;abc",
    "1；2、3",
    "-1;2",
    "0.1%",
    "50学时",
    "#N/A",
    "\"",
    "12.000",
    "1,5",
    "25,83",
    "1,5亿",
    "1.234,5",
    "1，5",
    "6000,7000",
    "600,700",
    "12,000;35,000",
    "12,000；3,5",
    "1,234,567",
    "95",
    "1.00000000000000000000000000001",
    "1.00000000000000000000000000001%",
];

fn compare(rules: &RuleSet, csv: &str, what: &str) -> (usize, usize) {
    let name: Arc<str> = Arc::from("t.csv");
    let mut rows = match stream_csv(rules, &name, Box::new(std::io::Cursor::new(csv.to_owned()))) {
        Ok(rows) => rows,
        Err(_) => return (0, 0),
    };
    let (mut quick, mut total) = (0, 0);
    while let Some(raw) = rows.next_raw() {
        let Ok(raw) = raw else { break };
        let parser = rows.parser();
        let fast = parser.quick(&raw, "sha256:x");
        let Ok(Some(row)) = parser.parse(&raw) else {
            assert!(
                fast.is_none(),
                "{what}: quick read a row the full reading skips"
            );
            continue;
        };
        total += 1;
        let (slow, diags) = load_cells(rules, &name, &row.doc, "sha256:x".into(), Vec::new());
        if let Some(fast) = fast {
            quick += 1;
            assert!(
                !zhibiao::diag::has_errors(&diags),
                "{what}, row {}: quick accepted a row the full reading refuses: {diags:#?}",
                row.row
            );
            assert_eq!(Some(fast), slow, "{what}, row {}", row.row);
        }
    }
    (quick, total)
}

#[test]
fn quick_reading_agrees_with_the_full_reading() {
    let rules = official();
    let b = base(&rules);
    let subs: Vec<Submission> = (0..300)
        .map(|i| zhibiao::generate::submission(&rules, &b, 7, i))
        .collect();
    let csv = to_csv(&rules, 2024, &subs);
    let (quick, total) = compare(&rules, &csv, "generated");
    assert_eq!(total, 300);
    // Generated rows are clean: nearly all of them take the quick way.
    assert!(quick >= 290, "quick {quick} of {total}");

    // Each generated row with one cell changed, for every column and many odd values.
    let mut lines = csv.lines();
    let header = lines.next().expect("header");
    let body: Vec<&str> = lines.collect();
    let mut rng = fastrand::Rng::with_seed(20261201);
    let mut mutated = String::from(header);
    mutated.push('\n');
    let columns = header.split(',').count();
    let mut n = 0;
    for line in body.iter().take(120) {
        for col in 0..columns {
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            let odd = ODD.get(rng.usize(..ODD.len())).copied().unwrap_or("");
            if let Some(c) = cells.get_mut(col) {
                *c = if odd.contains([',', '"']) {
                    format!("\"{}\"", odd.replace('"', "\"\""))
                } else {
                    odd.to_string()
                };
            }
            mutated.push_str(&cells.join(","));
            mutated.push('\n');
            n += 1;
        }
    }
    let (quick, total) = compare(&rules, &mutated, "mutated");
    assert!(total > n / 2, "rows read: {total} of {n}");
    // Both ways are exercised: many changed rows still read quickly, many do not.
    assert!(
        quick > total / 10 && quick < total,
        "quick {quick} of {total}"
    );
}
