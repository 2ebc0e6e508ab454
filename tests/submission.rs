//! Submission loading: every bad-input case of the submission contract, snapshotted as rendered
//! diagnostics, plus exact conversions.

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;
use zhibiao::diag::{self, Diagnostic, RenderOptions, SourceMap};
use zhibiao::eval::Program;
use zhibiao::model::RuleSet;
use zhibiao::submission::{self, Format, InputValue, Submission};

/// The rules every submission case is loaded against (shared with tests/bad_inputs.rs).
const RULES: &str = include_str!("bad_inputs/submission-rules.zb");

fn rules() -> RuleSet {
    let (rs, diags) = zhibiao::builtin::load(&Arc::from("rules.zb"), RULES);
    assert!(!diag::has_errors(&diags), "{diags:#?}");
    rs.expect("rules load")
}

/// Rendered diagnostics for the given files (all of them go into the source map).
fn render(diags: &[Diagnostic], files: &[(&str, &str)]) -> String {
    let mut sources = SourceMap::new();
    for (name, text) in files {
        sources.add(&Arc::from(*name), &Arc::from(*text));
    }
    diag::render_all(diags, &sources, RenderOptions::default())
}

fn load_as(name: &str, text: &str, format: Format) -> (Option<Submission>, String) {
    let (sub, diags) = submission::load(&rules(), &Arc::from(name), text, format);
    (sub, render(&diags, &[(name, text)]))
}

/// Loads a TOML submission named `a.toml`; returns it and the rendered diagnostics.
fn toml(text: &str) -> (Option<Submission>, String) {
    load_as("a.toml", text, Format::Toml)
}

fn json(text: &str) -> (Option<Submission>, String) {
    load_as("a.json", text, Format::Json)
}

/// A TOML submission with `year = 2024` and the given `[data]` lines.
fn data(lines: &str) -> (Option<Submission>, String) {
    toml(&format!(
        "region = \"测试区\"\nyear = 2024\n\n[data]\n{lines}\n"
    ))
}

/// A TOML submission with `year = 2024` and the given `[judgements]` lines.
fn judged(lines: &str) -> (Option<Submission>, String) {
    toml(&format!("year = 2024\n\n[judgements]\n{lines}\n"))
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn num(sub: &Submission, key: &str) -> Decimal {
    match sub.values.get(key) {
        Some(InputValue::Num(v)) => *v,
        other => panic!("{key}: {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Bad input: one case per line of the contract

#[test]
fn unknown_data_key_suggests_the_nearest() {
    let (sub, out) = data("market_entites = 12000");
    assert!(sub.is_some());
    insta::assert_snapshot!(out);
}

#[test]
fn unknown_top_level_key_suggests_the_nearest() {
    let (_, out) = toml("yaer = 2024\nyear = 2024\n");
    insta::assert_snapshot!(out);
}

#[test]
fn data_key_at_top_level_says_where_it_belongs() {
    let (_, out) = toml("year = 2024\nmarket_entities = 12000\n");
    insta::assert_snapshot!(out);
}

#[test]
fn judgement_key_in_data_says_where_it_belongs() {
    let (_, out) = data("\"11.3\" = true");
    insta::assert_snapshot!(out);
}

#[test]
fn ambiguous_percent() {
    let (_, out) = data("identity_claim_rate = 96.5");
    insta::assert_snapshot!(out);
}

#[test]
fn percent_above_100() {
    let (_, out) = data("identity_claim_rate = \"100.5%\"");
    insta::assert_snapshot!(out);
}

#[test]
fn fraction_count() {
    let (_, out) = data("market_entities = 1500.5");
    insta::assert_snapshot!(out);
}

#[test]
fn negative_money() {
    let (_, out) = data("online_retail = { 2023 = 74500, 2024 = -92000 }");
    insta::assert_snapshot!(out);
}

#[test]
fn wrong_kind() {
    let (_, out) =
        data("market_entities = \"很多\"\nhas_platform = \"是\"\ntraining_hours_min = [50]");
    insta::assert_snapshot!(out);
}

#[test]
fn wrong_unit() {
    let (_, out) = data("market_entities = \"1500人\"\nnew_large_operator_sales = [\"15%\"]");
    insta::assert_snapshot!(out);
}

#[test]
fn bad_year_key() {
    let (_, out) = data("online_retail = { 22 = 61000, 2023 = 74500 }");
    insta::assert_snapshot!(out);
}

#[test]
fn yearly_given_a_scalar() {
    let (_, out) = data("online_retail = 92000");
    insta::assert_snapshot!(out);
}

#[test]
fn list_given_a_scalar() {
    let (_, out) = data("new_large_operator_sales = 35000");
    insta::assert_snapshot!(out);
}

#[test]
fn judgement_for_a_computed_item() {
    let (_, out) = judged("\"11.1\" = true");
    insta::assert_snapshot!(out);
}

#[test]
fn unknown_judgement_key() {
    let (_, out) = judged("\"11.4\" = true");
    insta::assert_snapshot!(out);
}

#[test]
fn score_above_max() {
    let (_, out) = judged("\"10\" = { score = 2.5, note = \"专家组评估\" }");
    insta::assert_snapshot!(out);
}

#[test]
fn malformed_judgements() {
    let (_, out) =
        judged("\"11.3\" = { met = \"是\", evidense = [\"a.pdf\"] }\n\"10\" = { note = \"待定\" }");
    insta::assert_snapshot!(out);
}

#[test]
fn missing_year() {
    let (sub, out) = toml("region = \"测试区\"\n\n[data]\nmarket_entities = 12000\n");
    assert!(sub.is_none());
    insta::assert_snapshot!(out);
}

#[test]
fn bad_year() {
    let (sub, out) = toml("year = \"2024年\"\n");
    assert!(sub.is_none());
    insta::assert_snapshot!(out);
}

#[test]
fn toml_syntax_error() {
    let (sub, out) = toml("year = 2024\n[data]\nmarket_entities = 12 000\n");
    assert!(sub.is_none());
    insta::assert_snapshot!(out);
}

#[test]
fn json_errors_carry_lines() {
    let text = r#"{
  "region": "测试区",
  "year": 2024,
  "data": {
    "market_entities": 12000,
    "identity_claim_rate": 96.5,
    "online_retail": {"2023": 74500, "2024": 92000},
    "training_hours": 50
  },
  "judgements": {
    "11.1": true
  }
}"#;
    let (sub, out) = json(text);
    assert!(sub.is_some());
    insta::assert_snapshot!(out);
}

#[test]
fn json_syntax_error() {
    let (sub, out) = json("{\n  \"year\": 2024,\n  \"data\": {\"market_entities\": 12000,}\n}");
    assert!(sub.is_none());
    insta::assert_snapshot!(out);
}

#[test]
fn json_repeated_key() {
    let (_, out) = json(
        "{\"year\": 2024, \"data\": {\"market_entities\": 12000, \"market_entities\": 13000}}",
    );
    insta::assert_snapshot!(out);
}

#[test]
fn collects_every_problem() {
    let (sub, out) = data(
        "market_entities = -3\nidentity_claim_rate = 96.5\nonline_retail = 92000\ntraining_hours_min = \"50小时\"",
    );
    assert!(sub.is_some());
    insta::assert_snapshot!(out);
}

#[test]
fn too_large_file() {
    let text = format!(
        "year = 2024\n# {}\n",
        "x".repeat(submission::MAX_SUBMISSION_BYTES)
    );
    let (sub, out) = toml(&text);
    assert!(sub.is_none());
    insta::assert_snapshot!(out);
}

/// Issue 16.8: a streamed CSV table reads each row within a limit, so an endless field (a row
/// without a line break, a quote never closed, a link to `/dev/zero`) is refused naming the row
/// instead of filling memory. The inputs end just past the limit, so without it they would be
/// read whole and refused for something else, or not at all.
#[test]
fn an_endless_csv_field_is_refused_at_the_row_limit() {
    use std::io::Read;
    use zhibiao::submission::table::{MAX_CSV_RECORD_BYTES, stream_csv};
    use zhibiao::template::table::to_csv;
    let f = zhibiao::builtin::default_file();
    let (rules, _) = zhibiao::builtin::load(&Arc::from(f.path), f.text);
    let rules = Program::new(rules.expect("rules"));
    let name: Arc<str> = Arc::from("t.csv");
    let past = MAX_CSV_RECORD_BYTES + 1024 * 1024;
    let header = to_csv(&rules, 2024, &[]);
    let cases: Vec<(Box<dyn Read + Send>, usize)> = vec![
        // The header row never ends.
        (Box::new(std::io::repeat(0).take(past)), 1),
        // A quote never closed, over many lines.
        (
            Box::new(std::io::Cursor::new(b"\"".to_vec()).chain(std::io::repeat(b'\n').take(past))),
            1,
        ),
        // A district's row never ends.
        (
            Box::new(
                std::io::Cursor::new(header.clone().into_bytes())
                    .chain(std::io::repeat(b'7').take(past)),
            ),
            header.lines().count() + 1,
        ),
    ];
    for (input, row) in cases {
        let problems = match stream_csv(&rules, &name, input) {
            Err(problems) => problems,
            Ok(mut rows) => loop {
                match rows.next_raw() {
                    Some(Ok(_)) => continue,
                    Some(Err(problems)) => break problems,
                    None => panic!("row {row}: read without a problem"),
                }
            },
        };
        let d = &problems[0];
        assert_eq!(d.code, zhibiao::codes::SUB_LIMIT, "row {row}: {problems:?}");
        assert_eq!(
            d.message,
            format!("第 {row} 行超过 16 MiB 的上限（或缺少换行、引号没有成对）")
        );
    }
}

#[test]
fn too_long_list() {
    let items = vec!["1"; submission::MAX_LIST_LEN + 1].join(",");
    let (sub, out) = data(&format!("new_large_operator_sales = [{items}]"));
    assert!(sub.is_some_and(|s| s.values.is_empty()));
    assert!(out.contains("S011"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// Reference files

const REFERENCE: &str = "year = 2024\n\n[data]\nprovince_express_growth = { 2023 = \"12%\", 2024 = \"12.5%\" }\nprovince_consumer_satisfaction = 0.9\n";

fn reference(text: &str) -> (Option<Submission>, String) {
    let (sub, diags) = submission::load_reference(
        &rules(),
        &Arc::from("province-2024.toml"),
        text,
        Format::Toml,
    );
    (sub, render(&diags, &[("province-2024.toml", text)]))
}

#[test]
fn reference_with_non_province_key() {
    let (_, out) = reference(
        "[data]\nmarket_entities = 12000\nprovince_express_growht = { 2024 = \"12%\" }\n\n[judgements]\n\"10\" = true\n",
    );
    insta::assert_snapshot!(out);
}

#[test]
fn reference_year_is_optional() {
    let (sub, out) = reference("[data]\nprovince_consumer_satisfaction = 0.9\n");
    assert_eq!(out, "");
    assert_eq!(sub.map(|s| s.year), Some(0));
}

#[test]
fn conflicting_reference_values() {
    let (sub, out) = data(
        "province_express_growth = { 2023 = \"12%\", 2024 = \"13%\" }\nprovince_consumer_satisfaction = \"85%\"",
    );
    assert_eq!(out, "");
    let mut sub = sub.unwrap();
    let (refsub, out) = reference(REFERENCE);
    assert_eq!(out, "");
    let diags = submission::merge_reference(&rules(), &mut sub, &refsub.unwrap());
    insta::assert_snapshot!(render(&diags, &[]));
}

#[test]
fn reference_conflict_leads_with_the_label_and_shows_the_values_as_written() {
    let (sub, _) = data("province_consumer_satisfaction = \"85%\"");
    let mut sub = sub.unwrap();
    let (refsub, _) = reference(REFERENCE);
    let diags = submission::merge_reference(&rules(), &mut sub, &refsub.unwrap());
    assert_eq!(diags.len(), 1, "{diags:?}");
    let m = &diags[0].message;
    assert!(
        m.starts_with("全省消费者满意度（province_consumer_satisfaction）在 a.toml 中为 85%"),
        "{m}"
    );
    assert!(m.ends_with("中为 90%"), "{m}");
}

#[test]
fn reference_for_another_year() {
    let (sub, _) = data("");
    let mut sub = sub.unwrap();
    let (refsub, _) = reference(
        &REFERENCE
            .replace("2024", "2023")
            .replace("2023 = \"12%\", ", ""),
    );
    let diags = submission::merge_reference(&rules(), &mut sub, &refsub.unwrap());
    insta::assert_snapshot!(render(&diags, &[]));
}

#[test]
fn merge_fills_gaps_and_records_the_file() {
    let (sub, _) = data("province_express_growth = { 2024 = \"12.5%\" }");
    let mut sub = sub.unwrap();
    let (refsub, _) = reference(REFERENCE);
    let refsub = refsub.unwrap();
    let diags = submission::merge_reference(&rules(), &mut sub, &refsub);
    assert!(diags.is_empty(), "{diags:?}");
    let series: BTreeMap<i32, Decimal> = [(2023, d("0.12")), (2024, d("0.125"))].into();
    assert_eq!(
        sub.values.get("province_express_growth"),
        Some(&InputValue::Series(series))
    );
    assert_eq!(num(&sub, "province_consumer_satisfaction"), d("0.9"));
    assert_eq!(
        sub.from_reference
            .get("province_consumer_satisfaction")
            .map(|f| &**f),
        Some("province-2024.toml")
    );
    assert_eq!(
        sub.from_reference
            .get("province_express_growth")
            .map(|f| &**f),
        Some("province-2024.toml")
    );
    assert_eq!(
        sub.reference_digest.as_deref(),
        Some(refsub.digest.as_str())
    );
}

// ---------------------------------------------------------------------------------------------
// Good input

#[test]
fn money_strings_convert_exactly() {
    let (sub, out) = data(
        "online_retail = { 2022 = \"9.2亿\", 2023 = \"92000万元\", 2024 = 92000 }\nnew_large_operator_sales = [\"5千万\", \"3亿元\", 12000.5, \"35000\", \"1500元\"]",
    );
    assert_eq!(out, "");
    let sub = sub.unwrap();
    let series: BTreeMap<i32, Decimal> = [
        (2022, d("920000000")),
        (2023, d("920000000")),
        (2024, d("920000000")),
    ]
    .into();
    assert_eq!(
        sub.values.get("online_retail"),
        Some(&InputValue::Series(series))
    );
    // Stored normalised: no trailing zeros from the conversion (9.2 × 10^8 is not "920000000.0").
    if let Some(InputValue::Series(s)) = sub.values.get("online_retail") {
        assert_eq!(s[&2022].to_string(), "920000000");
    }
    let list = vec![
        d("50000000"),
        d("300000000"),
        d("120005000"),
        d("350000000"),
        d("1500"),
    ];
    assert_eq!(
        sub.values.get("new_large_operator_sales"),
        Some(&InputValue::List(list))
    );
}

#[test]
fn large_numbers_survive_exactly() {
    let exact = d("12345678901234567.123456789");
    let (sub, out) = data("training_hours_min = 12345678901234567.123456789");
    assert_eq!(out, "");
    assert_eq!(num(&sub.unwrap(), "training_hours_min"), exact);
    let (sub, out) =
        json("{\"year\": 2024, \"data\": {\"training_hours_min\": 12345678901234567.123456789}}");
    assert_eq!(out, "");
    assert_eq!(num(&sub.unwrap(), "training_hours_min"), exact);
}

#[test]
fn percents_and_counts() {
    let (sub, out) = data(
        "identity_claim_rate = \"96.5%\"\nonline_retail_growth = { 2023 = -0.05, 2024 = \"12.5%\" }\nmarket_entities = \"1,500户\"\ntraining_hours_min = \"50学时\"\nhas_platform = true",
    );
    assert_eq!(out, "");
    let sub = sub.unwrap();
    assert_eq!(num(&sub, "identity_claim_rate"), d("0.965"));
    assert_eq!(num(&sub, "market_entities"), d("1500"));
    assert_eq!(num(&sub, "training_hours_min"), d("50"));
    assert_eq!(
        sub.values.get("has_platform"),
        Some(&InputValue::Bool(true))
    );
    let series: BTreeMap<i32, Decimal> = [(2023, d("-0.05")), (2024, d("0.125"))].into();
    assert_eq!(
        sub.values.get("online_retail_growth"),
        Some(&InputValue::Series(series))
    );
    assert_eq!(sub.year, 2024);
    assert_eq!(sub.region.as_deref(), Some("测试区"));
}

#[test]
fn judgements_in_every_form() {
    let (sub, out) = judged(
        "\"11.3\" = { met = true, evidence = [\"接口文档.pdf\"], note = \"已对接\" }\n\"10\" = { score = 1.5 }",
    );
    assert_eq!(out, "");
    let sub = sub.unwrap();
    let j = &sub.judgements["11.3"];
    assert_eq!(
        (j.met, j.evidence.len(), j.note.as_deref()),
        (Some(true), 1, Some("已对接"))
    );
    assert_eq!(sub.judgements["10"].score, Some(d("1.5")));
    // An unquoted dotted key means the same judgement.
    let (sub, out) = judged("11.3 = false");
    assert_eq!(out, "");
    assert_eq!(sub.unwrap().judgements["11.3"].met, Some(false));
}

#[test]
fn json_with_bom_and_same_values_as_toml() {
    let (t, _) = data(
        "market_entities = 12000\nonline_retail = { 2023 = 74500 }\nidentity_claim_rate = 0.965",
    );
    let (j, out) = json(
        "\u{feff}{\"region\": \"测试区\", \"year\": 2024, \"data\": {\"market_entities\": 12000, \"online_retail\": {\"2023\": 74500}, \"identity_claim_rate\": \"96.5%\"}}",
    );
    assert_eq!(out, "");
    assert_eq!(t.unwrap().values, j.unwrap().values);
}

#[test]
fn format_from_path() {
    assert_eq!(Format::from_path("a/b/2024.TOML"), Some(Format::Toml));
    assert_eq!(Format::from_path("x.json"), Some(Format::Json));
    assert_eq!(Format::from_path("x.xlsx"), None);
    assert_eq!(Format::from_path("toml"), None);
}

#[test]
fn never_panics_on_odd_input() {
    // (text, a code the diagnostics must contain, or "" for none)
    let toml_cases = [
        ("", "S001"),
        ("year = 2024\n[data]\nmarket_entities = 1e400\n", "S001"),
        (
            "year = 2024\n[data]\nidentity_claim_rate = nan\ntraining_hours_min = -inf\n",
            "S003",
        ),
        (
            "year = 2024\n[data]\nonline_retail = { 2024 = { x = 1 } }\n",
            "S003",
        ),
        (
            "year = 2024\n[data]\nmarket_entities = 0x7fffffffffffffff\ntraining_hours_min = 1e27\n",
            "",
        ),
        (
            "year = 2024\n[data]\nidentity_claim_rate = \"%\"\nmarket_entities = \"3亿亿\"\n",
            "S003",
        ),
        ("year = 2024\n[[data]]\nmarket_entities = 1\n", "S001"),
        ("year = 1979-05-27\n", "S001"),
        ("year = 2024.5\n", "S001"),
        ("year = 99999999999999999999\n", "S001"),
        (
            "year = 2024\n[judgements]\n\"10\" = { score = \"x\", note = 1 }\n\"11\" = { 3 = true }\n",
            "S008",
        ),
        (
            "year = 2024\n[judgements]\n\"11.3\" = { met = true, evidence = [1] }\n",
            "S008",
        ),
    ];
    for (text, code) in toml_cases {
        let (_, out) = toml(text);
        assert!(out.contains(code), "{text}\n{out}");
        assert_eq!(code.is_empty(), out.is_empty(), "{text}\n{out}");
    }
    let json_cases = [
        ("", "S001"),
        ("[]", "S001"),
        ("null", "S001"),
        ("{\"year\": null}", "S001"),
        (
            "{\"year\": 2024, \"data\": {\"market_entities\": 1e400}}",
            "S003",
        ),
        (
            "{\"year\": 2024, \"data\": {\"market_entities\": 1.5e3}}",
            "",
        ),
        ("{\"year\": 2024, \"data\": []}", "S001"),
        ("{\"a\\u0062\": 1, \"year\": 2024}", "S002"),
        (
            "{\"year\": 2024, \"data\": {\"online_retail\": {\"2024\": null}, \"market_entities\": null}}",
            "",
        ),
    ];
    for (text, code) in json_cases {
        let (_, out) = json(text);
        assert!(out.contains(code), "{text}\n{out}");
        assert_eq!(code.is_empty(), out.is_empty(), "{text}\n{out}");
    }
    let (_, out) = json("{\"year\": null}");
    assert_eq!(out.matches("S001").count(), 1, "{out}");
}

// ---------------------------------------------------------------------------------------------
// Commas and long numbers: never a silent misread

/// The messages (without their rendering) of a TOML submission with the given `[data]` lines.
fn messages(lines: &str) -> Vec<String> {
    let text = format!("region = \"测试区\"\nyear = 2024\n\n[data]\n{lines}\n");
    let (_, diags) = submission::load(&rules(), &Arc::from("a.toml"), &text, Format::Toml);
    diags.into_iter().map(|d| d.message).collect()
}

#[test]
fn commas_that_group_no_thousands_are_asked_about() {
    let (sub, out) = data(
        "market_entities = \"1,5\"\n\
         online_retail = { 2022 = \"25,83\", 2023 = \"1,5亿\", 2024 = \"1.234,5\" }\n\
         identity_claim_rate = \"3,5%\"\n\
         training_hours_min = \"3，5\"\n\
         new_large_operator_sales = [\"6000,7000\"]",
    );
    // Every value with such a comma is left out, none read as a guess.
    let sub = sub.expect("the rest is read");
    for key in [
        "market_entities",
        "online_retail",
        "identity_claim_rate",
        "training_hours_min",
        "new_large_operator_sales",
    ] {
        assert!(!sub.values.contains_key(key), "{key}: {:?}", sub.values);
    }
    let said = messages(
        "market_entities = \"1,5\"\n\
         online_retail = { 2022 = \"25,83\", 2023 = \"1,5亿\", 2024 = \"1.234,5\" }\n\
         identity_claim_rate = \"3,5%\"\n\
         training_hours_min = \"3，5\"\n\
         new_large_operator_sales = [\"6000,7000\"]",
    );
    for asked in [
        "市场主体数量（market_entities）填的“1,5”是1.5还是15？",
        "网上零售额（online_retail）的 2022 年数值填的“25,83”是25.83还是2583？",
        "网上零售额（online_retail）的 2023 年数值填的“1,5”是1.5还是15？",
        "网上零售额（online_retail）的 2024 年数值填的“1.234,5”是1234.5还是1.2345？",
        "平台分发的主体身份信息认领处置率（identity_claim_rate）填的“3,5”是3.5还是35？",
        "每人每年培训学时（training_hours_min）填的“3,5”是3.5还是35？",
        "新增网络交易经营者的年度电子商务销售额（new_large_operator_sales）的第 1 项填的“6000,7000”是 2 项（6000、7000），还是一个数 60007000？",
    ] {
        assert!(said.iter().any(|m| m == asked), "{asked}:\n{said:#?}");
    }
    insta::assert_snapshot!(out);
}

#[test]
fn grouped_thousands_are_read() {
    let (sub, out) = data(
        "market_entities = \"1,234,567\"\n\
         online_retail = { 2022 = \"12,000.5\", 2023 = \"1,200亿\", 2024 = \"12，000\" }\n\
         training_hours_min = \"1,234.25学时\"",
    );
    assert_eq!(out, "");
    let sub = sub.expect("usable");
    assert_eq!(num(&sub, "market_entities"), d("1234567"));
    assert_eq!(num(&sub, "training_hours_min"), d("1234.25"));
    let series: BTreeMap<i32, Decimal> = [
        (2022, d("120005000")),
        (2023, d("120000000000")),
        (2024, d("120000000")),
    ]
    .into();
    assert_eq!(
        sub.values.get("online_retail"),
        Some(&InputValue::Series(series))
    );
}

#[test]
fn json_strings_with_commas_are_asked_about() {
    let (sub, out) = json(
        "{\"year\": 2024, \"data\": {\"market_entities\": \"25,83\", \"training_hours_min\": \"1,234.5\"}}",
    );
    let sub = sub.expect("the rest is read");
    assert!(!sub.values.contains_key("market_entities"));
    assert_eq!(num(&sub, "training_hours_min"), d("1234.5"));
    assert!(out.contains("“25,83”是25.83还是2583？"), "{out}");
}

#[test]
fn more_than_28_significant_digits_are_refused_not_rounded() {
    let long = "1.00000000000000000000000000001";
    let (sub, out) = data(&format!(
        "training_hours_min = \"{long}\"\nidentity_claim_rate = \"0.0000000000000000000000000015%\""
    ));
    let sub = sub.expect("the rest is read");
    assert!(sub.values.is_empty(), "nothing rounded: {:?}", sub.values);
    insta::assert_snapshot!(out);
    let (sub, out) = json(&format!(
        "{{\"year\": 2024, \"data\": {{\"training_hours_min\": \"{long}\"}}}}"
    ));
    assert!(
        sub.is_some_and(|s| s.values.is_empty()),
        "nothing rounded: {out}"
    );
    assert!(out.contains("28 位有效数字"), "{out}");
    // 28 significant digits are kept, exactly; trailing zeros of a fraction are not significant.
    let (sub, out) = data("training_hours_min = \"1234567890123456789012345678\"");
    assert_eq!(out, "");
    assert_eq!(
        num(&sub.expect("usable"), "training_hours_min"),
        d("1234567890123456789012345678")
    );
    let (sub, out) = data("training_hours_min = \"1.5000000000000000000000000000000000\"");
    assert_eq!(out, "");
    assert_eq!(num(&sub.expect("usable"), "training_hours_min"), d("1.5"));
}

/// A district table's list cell takes its entries separated by `；`, `、`, `;` or line breaks;
/// a comma there may separate entries or group thousands, so it is asked about.
#[test]
fn a_comma_in_a_table_list_cell_is_asked_about() {
    let rules = rules();
    let file: Arc<str> = Arc::from("t.csv");
    let table = "region,year,new_large_operator_sales\n\
                 甲区,2024,\"6000,7000\"\n\
                 乙区,2024,\"600,700\"\n\
                 丙区,2024,\"12,000；35,000\"\n\
                 丁区,2024,\"6000；7,0\"\n";
    let rows = submission::table::read_csv(&rules, &file, table.as_bytes()).expect("readable");
    let read: Vec<(Option<Submission>, String)> = rows
        .iter()
        .map(|r| {
            let (sub, diags) =
                submission::load_cells(&rules, &file, &r.doc, String::new(), Vec::new());
            let said: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
            (sub, said.join("\n"))
        })
        .collect();
    let [(a, a_out), (b, b_out), (c, c_out), (d_sub, d_out)] = read.as_slice() else {
        panic!("four rows");
    };
    let unread = |s: &Option<Submission>| {
        s.as_ref()
            .is_none_or(|s| !s.values.contains_key("new_large_operator_sales"))
    };
    assert!(unread(a));
    assert!(
        a_out.contains("的第 1 项填的“6000,7000”是 2 项（6000、7000），还是一个数 60007000？"),
        "{a_out}"
    );
    assert!(unread(b));
    assert!(b_out.contains("“600,700”是 2 项"), "{b_out}");
    assert_eq!(c_out, "");
    assert_eq!(
        c.as_ref()
            .and_then(|s| s.values.get("new_large_operator_sales")),
        Some(&InputValue::List(vec![d("120000000"), d("350000000")]))
    );
    assert!(unread(d_sub));
    assert!(d_out.contains("“7,0”是 2 项"), "{d_out}");
    insta::assert_snapshot!(format!("{a_out}{b_out}{d_out}"));
}
