//! Tables of districts as the table template lays them out (one district per row): the
//! columns, and submissions written as a CSV table that [`crate::submission::table::read_csv`]
//! reads back.

use crate::model::RuleSet;
use crate::submission::{InputValue, Submission};
use rust_decimal::Decimal;

/// What a column of a table holds, for writing tables.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// `region`.
    Region,
    /// `year`.
    Year,
    /// An input that is not yearly.
    Input(String),
    /// One year of a yearly input.
    InputYear(String, i32),
    /// A judgement: 是/否, or the score of a whole indicator.
    Judgement(String),
}

/// The columns of a table for this rule set, in the order the table template shows them:
/// region, year, every input (a yearly one once per year), every judgement key. Each with its
/// header: `标签（key）` for inputs, the bare key for judgements.
pub fn columns(rules: &RuleSet, year: i32) -> Vec<(String, Column)> {
    let p = super::plan(rules, year);
    let mut out = vec![
        ("地区（region）".to_string(), Column::Region),
        ("评估年度（year）".to_string(), Column::Year),
    ];
    for info in &p.inputs {
        let key = &info.decl.name.value;
        let label = &info.decl.label.value;
        if info.decl.yearly {
            for y in info.years.clone().unwrap_or_else(|| p.year_columns.clone()) {
                out.push((
                    format!("{label}（{key}.{y}）"),
                    Column::InputYear(key.clone(), y),
                ));
            }
        } else {
            out.push((format!("{label}（{key}）"), Column::Input(key.clone())));
        }
    }
    for j in &p.judgements {
        out.push((j.key.to_string(), Column::Judgement(j.key.to_string())));
    }
    out
}

/// Submissions as a CSV table (UTF-8 with a byte order mark, so Excel shows the Chinese
/// right), one district per row, in the layout [`read_csv`] reads. Values are written in each
/// input's unit, percents as `96.5%`, list entries separated by `;`.
pub fn to_csv(rules: &RuleSet, year: i32, subs: &[Submission]) -> String {
    use crate::number::{money_unit_factor, plain};
    use crate::syntax::ast::ScalarKind;
    let cols = columns(rules, year);
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(cols.iter().map(|(h, _)| h.as_str()));
    let one = |key: &str, x: Decimal| -> String {
        let decl = rules.input(key);
        match decl.map(|d| d.kind.value) {
            Some(ScalarKind::Percent) => x
                .checked_mul(Decimal::ONE_HUNDRED)
                .map_or_else(|| plain(x), |p| format!("{}%", plain(p))),
            Some(ScalarKind::Money) => {
                let f = decl
                    .and_then(|d| d.unit.as_ref())
                    .and_then(|u| money_unit_factor(&u.value))
                    .unwrap_or(Decimal::ONE);
                plain(x.checked_div(f).unwrap_or(x))
            }
            _ => plain(x),
        }
    };
    for sub in subs {
        let rec: Vec<String> = cols
            .iter()
            .map(|(_, c)| match c {
                Column::Region => sub.region.clone().unwrap_or_default(),
                Column::Year => sub.year.to_string(),
                Column::Input(k) => match sub.values.get(k) {
                    Some(InputValue::Num(x)) => one(k, *x),
                    Some(InputValue::Bool(b)) => if *b { "是" } else { "否" }.into(),
                    Some(InputValue::List(l)) => {
                        l.iter().map(|x| one(k, *x)).collect::<Vec<_>>().join(";")
                    }
                    _ => String::new(),
                },
                Column::InputYear(k, y) => match sub.values.get(k) {
                    Some(InputValue::Series(s)) => s.get(y).map(|x| one(k, *x)).unwrap_or_default(),
                    _ => String::new(),
                },
                Column::Judgement(k) => match sub.judgements.get(k) {
                    Some(j) => match (j.score, j.met) {
                        (Some(s), _) => plain(s),
                        (None, Some(true)) => "是".into(),
                        (None, Some(false)) => "否".into(),
                        (None, None) => String::new(),
                    },
                    None => String::new(),
                },
            })
            .collect();
        let _ = w.write_record(&rec);
    }
    let body = w
        .into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    format!("\u{feff}{body}")
}
