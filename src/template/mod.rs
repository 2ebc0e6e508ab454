//! Fill-in templates generated from a rule set: TOML (with every explanation as a comment),
//! JSON (every key present, every value `null`), a JSON Schema that carries the explanations
//! JSON cannot, and an XLSX workbook ([`xlsx`]).
//!
//! Everything comes from the rule file's declarations: each input's label, kind, unit, years,
//! help and bounds; each judgement key's text and points; and, found by walking every
//! indicator's rules (through its `let`s, the functions and top-level `let`s it calls, and the
//! inputs its scripts read), which indicators use each input and who answers for them
//! (责任单位). A revised rule file gives a revised template with no change to the code.
//!
//! Every template parses as a submission with nothing filled in: the tests hold the generators
//! to that.

pub mod table;
pub mod xlsx;

use crate::model::{JudgementSlot, RuleSet};
use crate::number::plain;
use crate::syntax::ast::{
    ArithOp, Expr, ExprKind, How, InputDecl, ScalarKind, ScoreForm, YearRange,
};
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// What the template says about one input.
#[derive(Debug, Clone)]
pub struct InputInfo<'a> {
    /// The declaration.
    pub decl: &'a InputDecl,
    /// The years to fill in for the evaluation year, for a yearly input whose `years` the
    /// template can work out.
    pub years: Option<Vec<i32>>,
    /// The indicators that use it: number and name.
    pub indicators: Vec<(u32, String)>,
    /// Their responsible units (责任单位), each once.
    pub owners: Vec<String>,
}

/// What the template says about one judgement key.
#[derive(Debug, Clone)]
pub struct JudgementInfo<'a> {
    /// `12.1`, or `10` for a whole indicator.
    pub key: &'a str,
    /// What the key stands for.
    pub slot: &'a JudgementSlot,
    /// The indicator's name.
    pub indicator: String,
    /// The indicator's points.
    pub indicator_points: rust_decimal::Decimal,
    /// The category (一级指标).
    pub category: String,
    /// Responsible units.
    pub owners: Vec<String>,
}

/// Everything a template shows, in the order it shows it.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// The rules.
    pub rules: &'a RuleSet,
    /// The evaluation year Y.
    pub year: i32,
    /// Inputs a district fills in, in the rule file's order: every input but the province
    /// benchmarks, which the province supplies once in a reference file.
    pub inputs: Vec<InputInfo<'a>>,
    /// How many province benchmarks the rules read (left out of the district's template).
    pub province_inputs: usize,
    /// Judgement keys in indicator order.
    pub judgements: Vec<JudgementInfo<'a>>,
    /// The year columns a yearly input may use (the union of every input's years).
    pub year_columns: Vec<i32>,
}

impl Plan<'_> {
    /// `sd-nmsz@2023`.
    pub fn ruleset_ref(&self) -> String {
        match self.rules.version() {
            "" => self.rules.id().to_string(),
            v => format!("{}@{v}", self.rules.id()),
        }
    }

    /// The rule set as people name it: `《title》（sd-nmsz 2023 版）`.
    pub fn title(&self) -> String {
        let h = &self.rules.header;
        match self.rules.version() {
            "" => format!("《{}》（{}）", h.title.value, h.id.value),
            v => format!("《{}》（{} {v} 版）", h.title.value, h.id.value),
        }
    }
}

/// The TOML template's note on the province benchmarks it leaves out.
const PROVINCE_NOTE_TOML: &str = "#\n\
     # 全省数据（province_ 开头的项，如全省网上零售额同比增速）由省级部门统一提供，不在本模板中，\n\
     # 各地区不必填写。省级部门下发的规则目录里有全省参照数据（参照数据.toml）时，用 --rules 指定\n\
     # 该目录即可自动使用：\n\
     #   zhibiao eval 本文件 --rules 规则目录\n\
     # 否则用 --reference 指定全省参照数据文件：\n\
     #   zhibiao eval 本文件 --reference 全省参照数据.toml\n";

/// The workbook template's note on the province benchmarks it leaves out.
pub const PROVINCE_NOTE: &str = "全省数据（province_ 开头的项，如全省网上零售额同比增速）由省级部门统一提供，不在本模板中，各地区不必填写。省级部门下发的规则目录里有全省参照数据（参照数据.toml）时，用 --rules 指定该目录即可自动使用：zhibiao eval 本文件.xlsx --rules 规则目录；否则用 --reference 指定全省参照数据文件：zhibiao eval 本文件.xlsx --reference 全省参照数据.toml";

/// Works out what a template for evaluation year `year` shows.
pub fn plan(rules: &RuleSet, year: i32) -> Plan<'_> {
    let mut uses: Vec<(BTreeSet<u32>, Vec<String>)> = vec![Default::default(); rules.inputs.len()];
    let mut names_of: Vec<(u32, String)> = Vec::new();
    for (_, ind) in rules.indicators() {
        names_of.push((ind.no.value, ind.name.value.clone()));
        let mut owners: Vec<String> = ind.owners.iter().map(|o| o.value.clone()).collect();
        if let Some(form) = &ind.score {
            data_item_owners(form, &mut owners);
        }
        let names = crate::gap::deps::inputs_read(rules, ind);
        for n in &names {
            if let Some(i) = rules.input_index.get(n)
                && let Some((inds, os)) = uses.get_mut(*i)
            {
                inds.insert(ind.no.value);
                for o in &owners {
                    if !os.contains(o) {
                        os.push(o.clone());
                    }
                }
            }
        }
    }
    let inputs: Vec<InputInfo> = rules
        .inputs
        .iter()
        .zip(uses)
        .filter(|(decl, _)| !crate::submission::is_province_key(&decl.name.value))
        .map(|(decl, (inds, owners))| InputInfo {
            decl,
            years: decl
                .years
                .as_ref()
                .filter(|_| decl.yearly)
                .and_then(|r| years_of(r, year)),
            indicators: inds
                .into_iter()
                .map(|no| {
                    let name = names_of
                        .iter()
                        .find(|(n, _)| *n == no)
                        .map(|(_, s)| s.clone())
                        .unwrap_or_default();
                    (no, name)
                })
                .collect(),
            owners,
        })
        .collect();
    let mut year_columns: BTreeSet<i32> = inputs
        .iter()
        .filter_map(|i| i.years.as_ref())
        .flatten()
        .copied()
        .collect();
    if year_columns.is_empty() && inputs.iter().any(|i| i.decl.yearly) {
        year_columns.extend([year - 2, year - 1, year]);
    }
    let mut judgements: Vec<JudgementInfo> = Vec::new();
    for (key, slot) in &rules.judgements {
        let Some((cat, ind)) = rules
            .indicators()
            .find(|(_, i)| i.no.value == slot.indicator)
        else {
            continue;
        };
        let mut owners: Vec<String> = ind.owners.iter().map(|o| o.value.clone()).collect();
        if let (Some(no), Some(form)) = (slot.item, &ind.score) {
            item_owners(form, no, &mut owners);
        }
        judgements.push(JudgementInfo {
            key,
            slot,
            indicator: ind.name.value.clone(),
            indicator_points: ind.points.value,
            category: cat.name.value.clone(),
            owners,
        });
    }
    judgements.sort_by_key(|j| (j.slot.indicator, j.slot.item));
    Plan {
        province_inputs: rules
            .inputs
            .iter()
            .filter(|d| crate::submission::is_province_key(&d.name.value))
            .count(),
        rules,
        year,
        inputs,
        judgements,
        year_columns: year_columns.into_iter().collect(),
    }
}

/// Owners a sub-item names for itself, added to `owners`.
fn item_owners(form: &ScoreForm, no: u32, owners: &mut Vec<String>) {
    match form {
        ScoreForm::Items { items, .. } | ScoreForm::Any { items, .. } => {
            for it in items.iter().filter(|it| it.no.value == no) {
                for o in &it.owners {
                    if !owners.contains(&o.value) {
                        owners.push(o.value.clone());
                    }
                }
            }
        }
        ScoreForm::Max { forms, .. } | ScoreForm::Sum { forms, .. } => {
            forms.iter().for_each(|f| item_owners(f, no, owners))
        }
        _ => {}
    }
}

/// The years of a range whose ends are `Y` plus or minus whole numbers.
pub fn years_of(r: &YearRange, y: i32) -> Option<Vec<i32>> {
    let from = year_value(&r.from, y)?;
    let to = year_value(&r.to, y)?;
    (from <= to && to - from <= 50).then(|| (from..=to).collect())
}

fn year_value(e: &Expr, y: i32) -> Option<i32> {
    match &e.kind {
        ExprKind::Year => Some(y),
        ExprKind::Lit(l) if l.value.fract().is_zero() => l.value.to_i32(),
        ExprKind::Arith(ArithOp::Add, a, b) => year_value(a, y)?.checked_add(year_value(b, y)?),
        ExprKind::Arith(ArithOp::Sub, a, b) => year_value(a, y)?.checked_sub(year_value(b, y)?),
        ExprKind::Neg(a) => year_value(a, y).map(|v| -v),
        _ => None,
    }
}

/// Owners that sub-items decided by data name for themselves, added to `owners`.
fn data_item_owners(form: &ScoreForm, owners: &mut Vec<String>) {
    match form {
        ScoreForm::Items { items, .. } | ScoreForm::Any { items, .. } => {
            for o in items
                .iter()
                .filter(|it| matches!(it.how, How::When(_)))
                .flat_map(|it| &it.owners)
            {
                if !owners.contains(&o.value) {
                    owners.push(o.value.clone());
                }
            }
        }
        ScoreForm::Max { forms, .. } | ScoreForm::Sum { forms, .. } => {
            forms.iter().for_each(|f| data_item_owners(f, owners))
        }
        _ => {}
    }
}

/// The kind of an input in words: `金额，单位万元，按年填写 2022、2023、2024 年`.
pub fn kind_words(info: &InputInfo) -> String {
    let d = info.decl;
    let unit = d.unit.as_ref().map(|u| u.value.as_str());
    let mut s = match d.kind.value {
        ScalarKind::Count => "计数（整数）".to_string(),
        ScalarKind::Money => "金额".to_string(),
        ScalarKind::Percent => "百分比".to_string(),
        ScalarKind::Decimal => "数值".to_string(),
        ScalarKind::Bool => "是/否".to_string(),
    };
    if let Some(u) = unit {
        let _ = write!(s, "，单位{u}");
    }
    if d.list {
        s.push_str("，每项一个，可填多项");
    }
    if d.yearly {
        match &info.years {
            Some(ys) => {
                let ys: Vec<String> = ys.iter().map(i32::to_string).collect();
                let _ = write!(s, "，按年填写 {} 年", ys.join("、"));
            }
            None => s.push_str("，按年填写"),
        }
    }
    let bounds = match (&d.min, &d.max) {
        (Some(a), Some(b)) => format!("，{} 到 {}", a.text, b.text),
        (Some(a), None) => format!("，不低于 {}", a.text),
        (None, Some(b)) => format!("，不超过 {}", b.text),
        (None, None) => String::new(),
    };
    s.push_str(&bounds);
    if d.optional {
        s.push_str("（选填）");
    }
    s
}

/// `1（网上零售额同比增速）、6（…）`, or a note that no indicator uses the input.
pub fn indicator_words(info: &InputInfo) -> String {
    if info.indicators.is_empty() {
        return "规则中没有指标用到这一项".into();
    }
    let inds: Vec<String> = info
        .indicators
        .iter()
        .map(|(no, name)| format!("{no}（{name}）"))
        .collect();
    inds.join("、")
}

/// `用于指标 1（网上零售额同比增速）、6（…）；责任单位：经济发展局`.
pub fn uses_words(info: &InputInfo) -> String {
    if info.indicators.is_empty() {
        return "规则中没有指标用到这一项".into();
    }
    let inds: Vec<String> = info
        .indicators
        .iter()
        .map(|(no, name)| format!("{no}（{name}）"))
        .collect();
    let mut s = format!("用于指标 {}", inds.join("、"));
    if !info.owners.is_empty() {
        let _ = write!(s, "；责任单位：{}", info.owners.join("、"));
    }
    s
}

fn toml_comment(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "#{indent}{line}");
    }
}

fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.contains('.')
        && !key.bytes().all(|b| b.is_ascii_digit())
    {
        key.to_string()
    } else {
        format!("\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// The TOML template: every input and judgement as a commented-out line with its explanation
/// above it. As generated it is a submission with nothing filled in; removing the `# ` of a
/// line and writing the value fills that item in.
pub fn to_toml(rules: &RuleSet, year: i32) -> String {
    let p = plan(rules, year);
    let mut out = String::new();
    let _ = writeln!(out, "# {}申报模板，{year} 年度", p.title());
    let _ = writeln!(
        out,
        "# 由 zhibiao template 根据规则文件 {} 生成；规则修订后请重新生成模板。",
        rules.file
    );
    out.push_str(
        "#\n\
         # 怎么填：\n\
         #   - 每一项上方的注释说明它是什么、单位、要填哪几年、用于哪些指标、由哪个单位负责；\n\
         #   - 删掉行首的“# ”，在 = 后面填写数值；没有的数据保持原样（按“缺少数据”处理）；\n\
         #   - 百分比写成带引号的 \"96.5%\"（也可写小数 0.965）；金额按注明的单位填写，也可写 \"9.2亿\"；\n\
         #   - 评审结论填 true（达到）或 false（未达到），也可写成\n\
         #     { met = true, evidence = [\"材料一.pdf\"], note = \"说明\" }；\n\
         #   - 填好后运行 zhibiao eval 本文件，检查并计分。\n",
    );
    if p.province_inputs > 0 {
        out.push_str(PROVINCE_NOTE_TOML);
    }
    out.push('\n');
    out.push_str("# 地区名称，如 \"威海临港经济技术开发区\"\n# region = \n");
    let _ = writeln!(out, "year = {year}");
    let _ = writeln!(out, "ruleset = \"{}\"", p.ruleset_ref());
    out.push_str("\n[data]\n");
    for info in &p.inputs {
        let d = info.decl;
        out.push('\n');
        let _ = writeln!(out, "# {}：{}", d.label.value, kind_words(info));
        if let Some(h) = &d.help {
            toml_comment(&mut out, "   ", &h.value);
        }
        toml_comment(&mut out, "   ", &uses_words(info));
        let key = toml_key(&d.name.value);
        let blank = if d.yearly {
            let years: Vec<String> = info
                .years
                .clone()
                .unwrap_or_else(|| p.year_columns.clone())
                .iter()
                .map(|y| format!("{y} = "))
                .collect();
            format!("{{ {} }}", years.join(", "))
        } else if d.list {
            "[  ]    # 每项一个，如 [35000, 12000.5]；一项也没有就写 []".to_string()
        } else {
            match d.kind.value {
                ScalarKind::Percent => "    # 写成 \"96.5%\"".to_string(),
                ScalarKind::Bool => "    # true 或 false".to_string(),
                _ => String::new(),
            }
        };
        let _ = writeln!(out, "# {key} = {blank}");
    }
    out.push_str("\n[judgements]\n");
    let mut last = None;
    for j in &p.judgements {
        if last != Some(j.slot.indicator) {
            last = Some(j.slot.indicator);
            out.push('\n');
            let owners = if j.owners.is_empty() {
                String::new()
            } else {
                format!("；责任单位：{}", j.owners.join("、"))
            };
            let _ = writeln!(
                out,
                "# 指标 {} {}（{}，{} 分{owners}）",
                j.slot.indicator,
                j.indicator,
                j.category,
                plain(j.indicator_points)
            );
        }
        match j.slot.item {
            Some(no) => {
                let _ = writeln!(
                    out,
                    "#   {}.{no} {}（{} 分）",
                    j.slot.indicator,
                    j.slot.text,
                    plain(j.slot.max)
                );
                let _ = writeln!(out, "# \"{}\" =     # true 或 false", j.key);
            }
            None => {
                let _ = writeln!(
                    out,
                    "#   整项由专家评审：写 {{ score = 分数 }}（0 到 {} 分），或 true / false",
                    plain(j.slot.max)
                );
                let _ = writeln!(out, "# \"{}\" = ", j.key);
            }
        }
    }
    out
}

/// The JSON template: every key present with a `null` value (JSON has no comments; the
/// explanations are in [`to_schema`]). As generated it is a submission with nothing filled in.
pub fn to_json(rules: &RuleSet, year: i32) -> Value {
    let p = plan(rules, year);
    let mut data = Map::new();
    for info in &p.inputs {
        let d = info.decl;
        let v = if d.yearly {
            let years = info.years.clone().unwrap_or_else(|| p.year_columns.clone());
            Value::Object(years.iter().map(|y| (y.to_string(), Value::Null)).collect())
        } else {
            Value::Null
        };
        data.insert(d.name.value.clone(), v);
    }
    let judgements: Map<String, Value> = p
        .judgements
        .iter()
        .map(|j| (j.key.to_string(), Value::Null))
        .collect();
    json!({
        "region": null,
        "year": year,
        "ruleset": p.ruleset_ref(),
        "data": data,
        "judgements": judgements,
    })
}

/// A JSON Schema (draft 2020-12) of a submission to this rule set, with every label, help
/// text, unit, year, indicator and owner as titles and descriptions, for editors that show them.
pub fn to_schema(rules: &RuleSet, year: i32) -> Value {
    let p = plan(rules, year);
    let percent = json!({
        "oneOf": [
            { "type": "string", "pattern": "^-?[0-9][0-9,]*(\\.[0-9]+)?%$" },
            { "type": "number", "minimum": -1, "maximum": 1 }
        ]
    });
    let mut data = Map::new();
    for info in &p.inputs {
        let d = info.decl;
        let scalar = match d.kind.value {
            ScalarKind::Count => json!({ "oneOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string" }
            ]}),
            ScalarKind::Money => json!({ "oneOf": [
                { "type": "number", "minimum": 0 },
                { "type": "string" }
            ]}),
            ScalarKind::Percent => percent.clone(),
            ScalarKind::Decimal => json!({ "oneOf": [{ "type": "number" }, { "type": "string" }] }),
            ScalarKind::Bool => json!({ "type": "boolean" }),
        };
        let mut schema = if d.yearly {
            json!({
                "type": ["object", "null"],
                "propertyNames": { "pattern": "^[0-9]{4}$" },
                "additionalProperties": { "anyOf": [scalar, { "type": "null" }] }
            })
        } else if d.list {
            json!({ "type": ["array", "null"], "items": scalar })
        } else {
            json!({ "anyOf": [scalar, { "type": "null" }] })
        };
        let mut description = kind_words(info);
        if let Some(h) = &d.help {
            let _ = write!(description, "。{}", h.value);
        }
        let _ = write!(description, "。{}", uses_words(info));
        if let Value::Object(m) = &mut schema {
            m.insert("title".into(), Value::String(d.label.value.clone()));
            m.insert("description".into(), Value::String(description));
        }
        data.insert(d.name.value.clone(), schema);
    }
    let mut judgements = Map::new();
    for j in &p.judgements {
        let text = match j.slot.item {
            Some(_) => j.slot.text.clone(),
            None => format!(
                "{}（整项由专家评审，score 为 0 到 {} 分）",
                j.indicator,
                plain(j.slot.max)
            ),
        };
        let score = json!({ "type": "number", "minimum": 0, "maximum": j.slot.max.to_f64().unwrap_or(0.0) });
        judgements.insert(
            j.key.to_string(),
            json!({
                "title": format!("指标 {} {}", j.slot.indicator, j.indicator),
                "description": format!("{text}（{} 分；责任单位：{}）", plain(j.slot.max), j.owners.join("、")),
                "anyOf": [
                    { "type": "boolean" },
                    { "type": "null" },
                    {
                        "type": "object",
                        "properties": {
                            "met": { "type": "boolean", "description": "是否达到" },
                            "score": score,
                            "evidence": { "type": "array", "items": { "type": "string" }, "description": "证明材料" },
                            "note": { "type": "string", "description": "备注" }
                        },
                        "additionalProperties": false
                    }
                ]
            }),
        );
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{}申报文件（{year} 年度）", p.title()),
        "description": "由 zhibiao template --format schema 根据规则文件生成。未填写的项写 null 或省略。",
        "type": "object",
        "required": ["year"],
        "additionalProperties": false,
        "properties": {
            "region": { "type": ["string", "null"], "title": "地区" },
            "year": { "type": "integer", "minimum": 1900, "maximum": 2200, "title": "评估年度" },
            "ruleset": { "type": ["string", "null"], "title": "规则版本", "default": p.ruleset_ref() },
            "data": { "type": ["object", "null"], "additionalProperties": false, "properties": data },
            "judgements": { "type": ["object", "null"], "additionalProperties": false, "properties": judgements }
        }
    })
}
