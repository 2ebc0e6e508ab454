//! The XLSX template: generated from the rules, filled in the way Excel stores what people type,
//! read back with the same checks and messages as TOML; every bad-cell case snapshotted.

use crate::common;

use calamine::{Data, Reader, Xlsx};
use common::xlsx_edit::{Put, edit, merge, text};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Arc;
use zhibiao::assess::{Input, Outcome, assess_loaded};
use zhibiao::diag::{RenderOptions, SourceMap, render_all};
use zhibiao::eval::Evaluation;
use zhibiao::eval::Program;
use zhibiao::model::RuleSet;
use zhibiao::number::money_unit_factor;
use zhibiao::submission::{self, Format, InputValue, Submission};
use zhibiao::syntax::ast::ScalarKind;
use zhibiao::template;

const PASS: &str = include_str!("../examples/pass.toml");
const REFERENCE: &str = include_str!("../examples/province-2024.toml");

fn official() -> Program {
    let f = zhibiao::builtin::default_file();
    let (rules, diags) = zhibiao::builtin::load(&Arc::from(f.path), f.text);
    assert!(!zhibiao::diag::has_errors(&diags));
    Program::new(rules.expect("rules"))
}

fn reference_input(name: &Arc<str>) -> Input<'_> {
    Input {
        name,
        text: REFERENCE,
        format: Format::Toml,
    }
}

/// The TOML example scored, and its submission.
fn pass_toml(rules: &Program) -> (Submission, Evaluation) {
    match common::outcome(rules, PASS, Some(REFERENCE), false) {
        Outcome::Scored {
            submission,
            evaluation,
            ..
        } => (*submission, *evaluation),
        Outcome::Unusable(d) => panic!("{d:?}"),
    }
}

/// An XLSX submission scored (with the province reference), or its rendered problems.
fn score_xlsx(rules: &Program, bytes: &[u8]) -> Result<(Submission, Evaluation, String), String> {
    let name: Arc<str> = Arc::from("填报.xlsx");
    let rname: Arc<str> = Arc::from("province-2024.toml");
    let loaded = submission::load_xlsx(rules, &name, bytes);
    let mut sources = SourceMap::new();
    sources.add(&rname, &Arc::from(REFERENCE));
    match assess_loaded(rules, loaded, Some(reference_input(&rname)), false) {
        Outcome::Scored {
            submission,
            evaluation,
            warnings,
        } => Ok((
            *submission,
            *evaluation,
            render_all(&warnings, &sources, RenderOptions::default()),
        )),
        Outcome::Unusable(d) => Err(render_all(&d, &sources, RenderOptions::default())),
    }
}

/// Where things are in a template: rows of keys (1-based, in order), value and year columns.
struct Layout {
    data_rows: HashMap<String, Vec<u32>>,
    value_col: String,
    year_cols: HashMap<i32, String>,
    judgement_rows: HashMap<String, u32>,
    judgement_cols: HashMap<String, String>,
}

fn col_letter(c: u32) -> String {
    zhibiao::submission::cells::column_name(c)
}

/// Finds the layout by reading the template with calamine, as any reader would.
fn layout(bytes: &[u8]) -> Layout {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
    assert_eq!(wb.sheet_names(), ["数据", "评审", "说明"]);
    let scan = |range: &calamine::Range<Data>| {
        let (mut header, mut rows) = (HashMap::new(), HashMap::<String, Vec<u32>>::new());
        let mut key_col = None;
        for (r, row) in range.rows().enumerate() {
            let r = u32::try_from(r).unwrap() + range.start().unwrap().0;
            if key_col.is_none() {
                if let Some(c) = row.iter().position(|d| d == &Data::String("键".into())) {
                    key_col = Some(c);
                    for (c, d) in row.iter().enumerate() {
                        header.insert(d.to_string(), col_letter(u32::try_from(c).unwrap()));
                    }
                }
                continue;
            }
            if let Some(k) = key_col.and_then(|c| row.get(c)).map(|d| d.to_string())
                && !k.is_empty()
            {
                rows.entry(k).or_default().push(r + 1);
            }
        }
        (header, rows)
    };
    let data = wb.worksheet_range("数据").expect("data");
    let (header, data_rows) = scan(&data);
    let judge = wb.worksheet_range("评审").expect("judgements");
    let (judgement_cols, jrows) = scan(&judge);
    Layout {
        value_col: header["数值"].clone(),
        year_cols: [2022, 2023, 2024]
            .into_iter()
            .map(|y| (y, header[&format!("{y}年")].clone()))
            .collect(),
        data_rows,
        judgement_rows: jrows.into_iter().map(|(k, v)| (k, v[0])).collect(),
        judgement_cols,
    }
}

fn f(d: Decimal) -> f64 {
    d.to_string().parse().expect("f64")
}

/// Fills a blank template with a submission's values, the way Excel stores typed input:
/// percents as fractions in percent-formatted cells, money in the input's unit, one number
/// stored as text, 是/否 as text, evidence on separate lines.
fn fill(rules: &RuleSet, blank: &[u8], sub: &Submission) -> Vec<u8> {
    let l = layout(blank);
    let mut data: Vec<(String, Put)> =
        vec![("B2".into(), text(sub.region.as_deref().unwrap_or("")))];
    // The province benchmarks come from the reference file, not the district's template.
    for (key, v) in sub
        .values
        .iter()
        .filter(|(k, _)| !submission::is_province_key(k))
    {
        let decl = rules.input(key).expect("declared");
        let factor = decl
            .unit
            .as_ref()
            .and_then(|u| money_unit_factor(&u.value))
            .filter(|_| decl.kind.value == ScalarKind::Money)
            .unwrap_or(Decimal::ONE);
        let put = |x: Decimal| {
            let x = x / factor;
            if key == "market_entities" {
                text(&x.to_string()) // a number stored as text
            } else {
                Put::Num(f(x))
            }
        };
        let rows = &l.data_rows[key];
        match v {
            InputValue::Num(x) => data.push((format!("{}{}", l.value_col, rows[0]), put(*x))),
            InputValue::Series(s) => {
                for (y, x) in s {
                    data.push((format!("{}{}", l.year_cols[y], rows[0]), put(*x)));
                }
            }
            InputValue::List(items) => {
                for (i, x) in items.iter().enumerate() {
                    data.push((format!("{}{}", l.value_col, rows[i]), put(*x)));
                }
            }
            InputValue::Bool(b) => data.push((
                format!("{}{}", l.value_col, rows[0]),
                text(if *b { "是" } else { "否" }),
            )),
        }
    }
    let mut judged: Vec<(String, Put)> = Vec::new();
    let c = &l.judgement_cols;
    for (key, j) in &sub.judgements {
        let r = l.judgement_rows[key];
        if let Some(m) = j.met {
            judged.push((
                format!("{}{r}", c["是否达到"]),
                text(if m { "是" } else { "否" }),
            ));
        }
        if let Some(s) = j.score {
            judged.push((format!("{}{r}", c["评分"]), Put::Num(f(s))));
        }
        if !j.evidence.is_empty() {
            judged.push((
                format!("{}{r}", c["证明材料"]),
                text(&j.evidence.join("\n")),
            ));
        }
        if let Some(n) = &j.note {
            judged.push((format!("{}{r}", c["备注"]), text(n)));
        }
    }
    let bytes = edit(blank, 1, &data);
    edit(&bytes, 2, &judged)
}

fn blank(rules: &RuleSet) -> Vec<u8> {
    template::xlsx::to_xlsx(rules, 2024, None).expect("template")
}

#[test]
fn a_template_filled_in_cell_by_cell_scores_like_the_toml_example() {
    let rules = official();
    let (sub, from_toml) = pass_toml(&rules);
    let filled = fill(&rules, &blank(&rules), &sub);
    let (read, from_xlsx, warnings) = score_xlsx(&rules, &filled).expect("usable");
    assert_eq!(warnings, "");
    assert_eq!(read.values, sub.values);
    assert_eq!(read.judgements, sub.judgements);
    assert_eq!(read.region, sub.region);
    assert_eq!(from_xlsx, from_toml);
    assert!(from_xlsx.passed);
}

#[test]
fn a_template_prefilled_from_a_submission_scores_the_same() {
    let rules = official();
    let (sub, from_toml) = pass_toml(&rules);
    let bytes = template::xlsx::to_xlsx(&rules, 2024, Some(&sub)).expect("template");
    let (_, from_xlsx, _) = score_xlsx(&rules, &bytes).expect("usable");
    assert_eq!(from_xlsx, from_toml);
}

#[test]
fn the_blank_template_is_a_submission_with_nothing_filled_in() {
    let rules = official();
    let (read, ev, warnings) = score_xlsx(&rules, &blank(&rules)).expect("usable");
    assert_eq!(warnings, "");
    assert_eq!(read.year, 2024);
    assert_eq!(read.ruleset.as_deref(), Some("sd-nmsz@2023"));
    // Only the province benchmarks, from the reference file.
    assert!(read.values.keys().all(|k| k.starts_with("province_")));
    assert!(read.judgements.is_empty());
    assert_eq!(ev.total, Decimal::ZERO);
    assert_eq!(ev.not_submitted().len(), rules.judgements.len());
}

#[test]
fn the_template_has_validation_formats_and_frozen_headers() {
    let rules = official();
    let bytes = blank(&rules);
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).expect("zip");
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zin.by_name("xl/worksheets/sheet1.xml").expect("sheet1"),
        &mut sheet,
    )
    .expect("xml");
    let l = layout(&bytes);
    let row = l.data_rows["market_entities"][0];
    // A frozen header, whole numbers ≥ 0 for a count, a percent range for a rate.
    assert!(sheet.contains("state=\"frozen\""), "frozen panes");
    let validation = sheet
        .split("<dataValidation ")
        .find(|v| v.contains(&format!("sqref=\"{}{row}\"", l.value_col)))
        .expect("a validation on the market_entities cell");
    assert!(
        validation.starts_with("type=\"whole\" operator=\"greaterThanOrEqual\"")
            && validation.contains("promptTitle=\"市场主体数量\""),
        "whole-number validation: {validation}"
    );
    let rate_row = l.data_rows["identity_claim_rate"][0];
    let rate = sheet
        .split("<dataValidation ")
        .find(|v| v.contains(&format!("sqref=\"{}{rate_row}\"", l.value_col)))
        .expect("a validation on the rate cell");
    assert!(
        rate.starts_with("type=\"decimal\"") && rate.contains("<formula2>1</formula2>"),
        "a rate of at most 100%: {rate}"
    );
    let mut styles = String::new();
    std::io::Read::read_to_string(
        &mut zin.by_name("xl/styles.xml").expect("styles"),
        &mut styles,
    )
    .expect("xml");
    assert!(styles.contains("0.0#%"), "percent format");
    let mut judge = String::new();
    std::io::Read::read_to_string(
        &mut zin.by_name("xl/worksheets/sheet2.xml").expect("sheet2"),
        &mut judge,
    )
    .expect("xml");
    assert!(
        judge.contains("type=\"list\"") && judge.contains("\"是,否\""),
        "是/否 drop-down"
    );
}

#[test]
fn generated_templates_are_byte_identical() {
    let rules = official();
    assert_eq!(blank(&rules), blank(&rules));
}

#[test]
fn the_toml_and_json_templates_are_submissions_with_nothing_filled_in() {
    let rules = official();
    let toml = template::to_toml(&rules, 2024);
    let (sub, diags) = submission::load(&rules, &Arc::from("t.toml"), &toml, Format::Toml);
    assert!(diags.is_empty(), "{diags:?}");
    let sub = sub.expect("usable");
    assert!(sub.values.is_empty() && sub.judgements.is_empty());
    assert_eq!(sub.ruleset.as_deref(), Some("sd-nmsz@2023"));
    let json = serde_json::to_string_pretty(&template::to_json(&rules, 2024)).expect("json");
    let (sub, diags) = submission::load(&rules, &Arc::from("t.json"), &json, Format::Json);
    assert!(diags.is_empty(), "{diags:?}");
    // Yearly inputs are there with every year null: an empty series, all of it missing.
    let sub = sub.expect("usable");
    assert!(
        sub.values
            .values()
            .all(|v| matches!(v, InputValue::Series(s) if s.is_empty())),
        "{:?}",
        sub.values
    );
    // Every input a district fills in and every judgement is in both; the province benchmarks,
    // which the province supplies in its reference file, are in neither, and the TOML says so.
    for i in &rules.inputs {
        let province = submission::is_province_key(&i.name.value);
        assert_eq!(
            toml.contains(&format!("# {} = ", i.name.value)),
            !province,
            "{}",
            i.name.value
        );
        assert_eq!(json.contains(&format!("\"{}\"", i.name.value)), !province);
    }
    assert!(toml.contains("--reference 全省参照数据.toml"), "{toml}");
    for k in rules.judgements.keys() {
        assert!(toml.contains(&format!("# \"{k}\" = ")), "{k}");
    }
}

/// Fills the TOML template by uncommenting each line and writing the example's value.
#[test]
fn the_toml_template_filled_in_scores_like_the_example() {
    let rules = official();
    let example = toml_edit::Document::parse(PASS).expect("toml");
    let value_of = |section: &str, key: &str| -> Option<String> {
        let v = example.get(section)?.get(key)?.as_value()?;
        let span = v.span()?;
        Some(PASS[span].to_string())
    };
    let mut section = "";
    let mut filled = String::new();
    for line in template::to_toml(&rules, 2024).lines() {
        if line == "[data]" || line == "[judgements]" {
            section = &line[1..line.len() - 1];
        }
        let key = line
            .strip_prefix("# ")
            .and_then(|l| l.split_once(" = "))
            .map(|(k, _)| k.trim_matches('"'));
        match key.and_then(|k| value_of(section, k).map(|v| (k, v))) {
            Some((k, v)) if line.starts_with("# \"") => {
                filled.push_str(&format!("\"{k}\" = {v}\n"))
            }
            Some((k, v)) => filled.push_str(&format!("{k} = {v}\n")),
            None if line == "# region = " => filled.push_str("region = \"示例甲区\"\n"),
            None => {
                filled.push_str(line);
                filled.push('\n');
            }
        }
    }
    let Outcome::Scored { evaluation, .. } =
        common::outcome(&rules, &filled, Some(REFERENCE), false)
    else {
        panic!("the filled template should be usable:\n{filled}");
    };
    let (_, from_example) = pass_toml(&rules);
    assert_eq!(*evaluation, from_example);
}

#[test]
fn the_schema_describes_every_input() {
    let rules = official();
    let schema = template::to_schema(&rules, 2024);
    let data = &schema["properties"]["data"]["properties"];
    assert_eq!(data["online_retail"]["title"], "网上零售额");
    let desc = data["online_retail"]["description"].as_str().unwrap_or("");
    assert!(
        desc.contains("2022、2023、2024") && desc.contains("用于指标 1"),
        "{desc}"
    );
    assert_eq!(
        schema["properties"]["judgements"]["properties"]
            .as_object()
            .map(|m| m.len()),
        Some(rules.judgements.len())
    );
}

// ---------------------------------------------------------------------------------------------
// Bad cells: each case edits a filled-in copy, and the messages name the cell.

struct Case {
    name: &'static str,
    data: Vec<(String, Put)>,
    judgements: Vec<(String, Put)>,
    merge: Option<&'static str>,
}

fn case(name: &'static str) -> Case {
    Case {
        name,
        data: Vec::new(),
        judgements: Vec::new(),
        merge: None,
    }
}

#[test]
fn every_bad_cell_is_named_by_sheet_and_cell() {
    let rules = official();
    let (sub, _) = pass_toml(&rules);
    let good = fill(&rules, &blank(&rules), &sub);
    let l = layout(&good);
    let v = |key: &str| format!("{}{}", l.value_col, l.data_rows[key][0]);
    let y = |key: &str, year: i32| format!("{}{}", l.year_cols[&year], l.data_rows[key][0]);
    let key_cell = |key: &str, i: usize| format!("B{}", l.data_rows[key][i]);
    let label_cell = |key: &str| format!("A{}", l.data_rows[key][0]);
    let j = |key: &str, col: &str| format!("{}{}", l.judgement_cols[col], l.judgement_rows[key]);
    let mut cases = vec![
        Case {
            data: vec![(v("market_entities"), Put::Num(1500.5))],
            ..case("计数不是整数")
        },
        Case {
            data: vec![(v("online_operators"), text("很多"))],
            ..case("计数填了文字")
        },
        Case {
            data: vec![(y("online_retail", 2024), Put::Num(-5.0))],
            ..case("金额为负数")
        },
        Case {
            data: vec![(v("identity_claim_rate"), Put::Num(1.05))],
            ..case("百分比格子里超过 100%")
        },
        Case {
            data: vec![(v("assigned_case_timely_rate"), Put::Num(95.0))],
            ..case("百分比格子里填了 95，显示为 9500%")
        },
        Case {
            data: vec![(v("ecommerce_tax"), text("25,83"))],
            ..case("金额里的逗号不是千位分隔")
        },
        Case {
            data: vec![(v("platform_users"), text("1.00000000000000000000000000001"))],
            ..case("超过 28 位有效数字")
        },
        Case {
            data: vec![(v("tip_verification_rate"), Put::PlainNum(97.2))],
            ..case("失去百分比格式的 97.2 有歧义")
        },
        Case {
            data: vec![(v("case_win_rate"), text("96"))],
            ..case("百分比以文字存了 96")
        },
        Case {
            data: vec![(v("ecommerce_tax"), Put::Error("#DIV/0!".into()))],
            ..case("公式错误")
        },
        Case {
            data: vec![(y("market_entities", 2024), Put::Num(12000.0))],
            ..case("不按年的项填在年份列")
        },
        Case {
            data: vec![(v("online_retail"), Put::Num(92000.0))],
            ..case("按年的项填在数值列")
        },
        Case {
            data: vec![
                (key_cell("platform_users", 0), Put::Empty),
                (label_cell("platform_users"), Put::Empty),
            ],
            ..case("有数值但键和填写项都是空的")
        },
        Case {
            data: vec![(key_cell("regulatory_staff", 0), text("platform_users"))],
            ..case("同一项填了两行")
        },
        Case {
            data: vec![(key_cell("total_tax", 0), text("total_taxes"))],
            ..case("键打错了")
        },
        Case {
            data: vec![("B3".into(), text("二〇二四"))],
            ..case("评估年度不是数字")
        },
        Case {
            judgements: vec![(j("12.1", "是否达到"), text("也许"))],
            ..case("是否达到填了别的字")
        },
        Case {
            judgements: vec![(j("10", "评分"), Put::Num(5.0))],
            ..case("评分超过满分")
        },
        Case {
            judgements: vec![
                (j("15.2", "是否达到"), Put::Empty),
                (j("15.2", "证明材料"), text("材料.pdf")),
            ],
            ..case("有证明材料但没有是否达到")
        },
        Case {
            judgements: vec![(format!("B{}", l.judgement_rows["11.3"]), text("11.1"))],
            ..case("按数据计算的子项填了评审")
        },
        Case {
            judgements: vec![(
                format!("B{}", l.judgement_rows["12.2"]),
                text("market_entities"),
            )],
            ..case("数据项写在评审表")
        },
        Case {
            data: vec![
                (y("express_volume", 2023), Put::Empty),
                (y("express_volume", 2024), Put::Empty),
            ],
            merge: Some("merge"),
            ..case("合并了年份格子（警告，按缺少数据计分）")
        },
    ];
    let mut out = String::new();
    for c in cases.drain(..) {
        let mut bytes = edit(&good, 1, &c.data);
        bytes = edit(&bytes, 2, &c.judgements);
        if c.merge.is_some() {
            let r = l.data_rows["express_volume"][0];
            bytes = merge(
                &bytes,
                1,
                &format!("{}{r}:{}{r}", l.year_cols[&2022], l.year_cols[&2024]),
            );
        }
        let shown = match score_xlsx(&rules, &bytes) {
            Ok((_, ev, warnings)) => {
                assert!(!warnings.is_empty(), "{}: expected a warning", c.name);
                let missing: Vec<String> = ev
                    .missing()
                    .iter()
                    .map(|m| format!("{}（{:?}）", m.key, m.year))
                    .collect();
                format!("{warnings}\n（已计分；缺少数据：{}）", missing.join("、"))
            }
            Err(problems) => problems,
        };
        out.push_str(&format!("━━ {} ━━\n{shown}\n", c.name));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn not_a_template_says_so() {
    let rules = official();
    let name: Arc<str> = Arc::from("其他.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1").expect("name");
    ws.write_string(0, 0, "hello").expect("write");
    let bytes = wb.save_to_buffer().expect("save");
    let (sub, diags) = submission::load_xlsx(&rules, &name, &bytes);
    assert!(sub.is_none());
    let (sub2, diags2) = submission::load_xlsx(&rules, &name, b"not a zip file");
    assert!(sub2.is_none());
    let sources = SourceMap::new();
    let mut all = diags;
    all.extend(diags2);
    insta::assert_snapshot!(render_all(&all, &sources, RenderOptions::default()));
}

#[test]
fn a_template_for_a_revised_rule_set_follows_the_rules() {
    // A new input and a renamed label appear in the template with no code change.
    let f = zhibiao::builtin::default_file();
    let revised = f
        .text
        .replace("input market_entities \"市场主体数量\"", "input market_entities \"市场主体总数\"")
        .replace(
            "input online_operators ",
            "input new_thing \"新增的一项\" count 个\n  help \"修订版新增\"\ninput online_operators ",
        );
    let (rules, diags) = zhibiao::builtin::load(&Arc::from("revised.zb"), &revised);
    assert!(!zhibiao::diag::has_errors(&diags));
    let rules = Program::new(rules.expect("rules"));
    let bytes = template::xlsx::to_xlsx(&rules, 2024, None).expect("template");
    let l = layout(&bytes);
    assert!(l.data_rows.contains_key("new_thing"));
    let toml = template::to_toml(&rules, 2024);
    assert!(toml.contains("# 市场主体总数：计数（整数），单位户"));
    assert!(toml.contains("# 新增的一项：计数（整数），单位个\n#   修订版新增\n#   规则中没有指标用到这一项\n# new_thing = "));
}

/// A district table (one district per row) with a stray value at `XFD1048576`: refused with
/// the cell named, without reading the empty cells between.
#[test]
fn a_table_with_a_far_away_cell_is_refused_naming_it() {
    let rules = official();
    let far = std::fs::read(format!(
        "{}/tests/bad_inputs/xlsx/far_cell_xfd1048576.xlsx",
        crate::common::root()
    ))
    .expect("catalogue file");
    let Err(problems) =
        zhibiao::submission::table::read_xlsx_table(&rules, &Arc::from("t.xlsx"), &far)
    else {
        panic!("refused")
    };
    let d = &problems[0];
    assert_eq!(d.code, zhibiao::codes::SUB_LIMIT);
    assert!(d.message.contains("XFD1048576"), "{}", d.message);
}

/// Sets the unpacked size a zip archive declares for `part`, in its central directory and in
/// its local header.
fn declare_size(bytes: &mut [u8], part: &str, size: u32) {
    let name = part.as_bytes();
    let mut found = 0;
    for i in 0..bytes.len().saturating_sub(46) {
        let (sig, at, name_len_at, name_at) = match &bytes[i..i + 4] {
            b"PK\x01\x02" => ("central", 24, 28, 46),
            b"PK\x03\x04" => ("local", 22, 26, 30),
            _ => continue,
        };
        let len = u16::from_le_bytes([bytes[i + name_len_at], bytes[i + name_len_at + 1]]) as usize;
        if bytes.get(i + name_at..i + name_at + len) == Some(name) {
            bytes[i + at..i + at + 4].copy_from_slice(&size.to_le_bytes());
            found += 1;
            let _ = sig;
        }
    }
    assert_eq!(
        found, 2,
        "{part} in the central directory and a local header"
    );
}

/// Issue 16.8: a small workbook whose part unpacks to gigabytes is refused by its declared size
/// before anything is unpacked, naming the part and the limit. The declared sizes can be
/// trusted because the zip reader refuses a part that unpacks to more than it declares.
#[test]
fn a_workbook_that_unpacks_beyond_its_limits_is_refused_before_reading() {
    let rules = official();
    let name: Arc<str> = Arc::from("bomb.xlsx");
    let part = "xl/worksheets/sheet1.xml";
    let mut huge = blank(&rules);
    declare_size(&mut huge, part, 3_000_000_000);
    let (sub, problems) = submission::load_xlsx(&rules, &name, &huge);
    assert!(sub.is_none());
    assert_eq!(problems[0].code, zhibiao::codes::SUB_LIMIT, "{problems:?}");
    assert!(
        problems[0].message.contains(part),
        "{}",
        problems[0].message
    );
    assert!(
        problems[0]
            .message
            .contains(&submission::xlsx::MAX_XLSX_PART_BYTES.to_string()),
        "{}",
        problems[0].message
    );
    assert!(!submission::xlsx::is_template(&huge));

    let mut lying = blank(&rules);
    declare_size(&mut lying, part, 10);
    let (sub, problems) = submission::load_xlsx(&rules, &name, &lying);
    assert!(sub.is_none());
    assert!(!problems.is_empty());

    // The blank template itself is read.
    let (sub, _) = submission::load_xlsx(&rules, &name, &blank(&rules));
    assert!(sub.is_some());
}

/// A sheet whose range reference has more column letters or row digits than any sheet can (as a
/// fuzzer wrote it) is refused with a message naming the sheet: the workbook reader would
/// overflow on it (a panic in a build with overflow checks, a wrong number without).
#[test]
fn a_range_reference_beyond_any_sheet_is_refused_not_read() {
    let rules = official();
    let bytes = blank(&rules);
    for range in [
        "AAAAAAAAAAAAAAAAAAAAAAA1:B2",
        "A1:B99999999999999",
        "A1:ZZZZZZZZZZZZZZZZZZZZZZZZZZ9",
    ] {
        let bad = merge(&bytes, 1, range);
        let err = score_xlsx(&rules, &bad).expect_err(range);
        // The message as drawn may wrap: read it without the wrapping.
        let flat: String = err
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '│')
            .collect();
        assert!(
            flat.contains("无效的单元格范围") && flat.contains(range),
            "{range}: {err}"
        );
    }
    // A reference within the sheet's bounds is read as before.
    let fine = score_xlsx(&rules, &merge(&bytes, 1, "AA100:AB101"));
    assert!(fine.is_ok(), "{:?}", fine.err());
}

/// Found by fuzzing: the workbook reader also overflowed on a range whose end is before its
/// start, on a reference written right after another attribute's closing quote or in single
/// quotes, and on a bad reference in a sheet when another part of the workbook is damaged (the
/// check used to stop at the first part it could not open).
#[test]
fn a_reversed_range_a_loose_attribute_or_a_damaged_part_cannot_slip_a_bad_reference_through() {
    let rules = official();
    let bytes = blank(&rules);
    let refused = |bad: &[u8], what: &str, words: &str| {
        let err = score_xlsx(&rules, bad).expect_err(what);
        let flat: String = err
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '│')
            .collect();
        assert!(
            flat.contains("无效的单元格范围") && flat.contains(words),
            "{what}: {err}"
        );
    };
    refused(
        &merge(&bytes, 1, "K1:I18"),
        "reversed columns",
        "范围的终点在起点之前",
    );
    refused(
        &merge(&bytes, 1, "A9:B2"),
        "reversed rows",
        "范围的终点在起点之前",
    );
    // `<mergeCell ref="A1:B2"/><mergeCell x="1"ref='ZZZZZZZZZZ1:B2'/>`: no space before the name,
    // single quotes.
    refused(
        &merge(&bytes, 1, "A1:B2\"/><mergeCell x=\"1\"ref='ZZZZZZZZZZ1:B2'"),
        "attribute after a quote",
        "ZZZZZZZZZZ1:B2",
    );
    // The first part's local header damaged: the sheets are still checked.
    let mut damaged = merge(&bytes, 1, "AAAAAAAAAAAAAAAAAAAAAAA1:B2");
    let at = damaged
        .windows(4)
        .position(|w| w == b"PK\x03\x04")
        .expect("a local header");
    damaged[at + 2] = b'X';
    refused(&damaged, "a damaged part", "AAAAAAAAAAAAAAAAAAAAAAA1:B2");
    // Ranges in order are read as before.
    let fine = score_xlsx(&rules, &merge(&bytes, 1, "I1:K18"));
    assert!(fine.is_ok(), "{:?}", fine.err());
}

/// A district table in a workbook with values in columns that have no header (under an empty
/// header cell, and past the header's last column): each is kept on its row as a cell to refuse,
/// never dropped.
#[test]
fn a_workbook_table_keeps_values_under_no_header_to_refuse_them() {
    let rules = official();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["region", "year", "", "market_entities"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("write");
    }
    ws.write_string(1, 0, "甲区").expect("write");
    ws.write_number(1, 1, 2024).expect("write");
    ws.write_string(1, 2, "备注").expect("write");
    ws.write_number(1, 3, 1200).expect("write");
    ws.write_number(1, 5, 7).expect("write");
    let bytes = wb.save_to_buffer().expect("save");
    let rows = zhibiao::submission::table::read_xlsx_table(&rules, &Arc::from("t.xlsx"), &bytes)
        .expect("a table");
    let unheaded: Vec<&str> = rows[0].doc.unheaded.iter().map(|c| c.at.as_str()).collect();
    assert_eq!(unheaded.len(), 2, "{unheaded:?}");
    assert!(
        unheaded[0].ends_with("C2") && unheaded[1].ends_with("F2"),
        "{unheaded:?}"
    );
    let (_, problems) = zhibiao::submission::load_cells(
        &rules,
        &Arc::from("t.xlsx"),
        &rows[0].doc,
        String::new(),
        Vec::new(),
    );
    let refused: Vec<&str> = problems
        .iter()
        .filter(|d| d.code == zhibiao::codes::SUB_SHEET)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(refused.len(), 2, "{problems:?}");
    assert!(
        refused[0].contains("没有表头") && refused[0].contains("备注"),
        "{refused:?}"
    );
}
