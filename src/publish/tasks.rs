//! Task lists per responsible unit (任务分工): for each owner named in the rules, the indicators
//! and items it answers for, the points at stake, the data it must supply and the evidence each
//! judged item needs.
//!
//! Which inputs belong to which owner is decided from what each indicator reads
//! ([`crate::gap::deps::inputs_read`]): an indicator's owners supply every input it reads; a
//! sub-item with owners of its own adds the inputs its condition reads to those owners.

use super::index::{Words, notes_in};
use crate::gap::deps::inputs_read;
use crate::model::RuleSet;
use crate::number::plain;
use crate::syntax::ast::{self, How, ScalarKind, ScoreForm};
use rust_decimal::Decimal;

/// One responsible unit's task list.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnerTasks {
    /// The unit's name as the rules write it.
    pub owner: String,
    /// The indicators it answers for (whole, or through sub-items), in file order.
    pub indicators: Vec<OwnerIndicator>,
    /// Points at stake: the full points of each indicator it answers for, the item points of
    /// each indicator it answers for only through sub-items.
    pub points: Decimal,
    /// The data it must supply, in the order the rules declare the inputs.
    pub inputs: Vec<InputTask>,
    /// The judged items it must prepare evidence for, in file order.
    pub judged: Vec<JudgedTask>,
}

/// An indicator in a task list.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnerIndicator {
    /// The number.
    pub no: u32,
    /// The name.
    pub name: String,
    /// The category.
    pub category: String,
    /// Declared points.
    pub points: Decimal,
    /// Points at stake for this owner.
    pub at_stake: Decimal,
    /// The sub-item keys it answers for (empty: the whole indicator).
    pub items: Vec<String>,
    /// Other units named for the same indicator.
    pub shared_with: Vec<String>,
}

/// A data item to supply.
#[derive(Debug, Clone, PartialEq)]
pub struct InputTask {
    /// The template key.
    pub key: String,
    /// The label.
    pub label: String,
    /// The unit, in words (`万元`, `百分数`, `户`).
    pub unit: String,
    /// The years to fill in, in words (`Y-2 至 Y 年`), or `评估年度` for a single value.
    pub years: String,
    /// What is filled in: one value, one per year, or one per entry of a list.
    pub shape: String,
    /// May be left out.
    pub optional: bool,
    /// The rule file's help text (sources, how to fill in).
    pub help: Option<String>,
    /// The indicators that read it.
    pub indicators: Vec<u32>,
}

/// A judged item needing evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgedTask {
    /// The judgement key: `"12.1"`, or `"10"` for a whole judged indicator.
    pub key: String,
    /// The indicator.
    pub indicator: u32,
    /// The indicator's name.
    pub indicator_name: String,
    /// What is judged.
    pub text: String,
    /// The most points.
    pub max: Decimal,
    /// The evidence it needs, in words.
    pub evidence: String,
}

fn unit_words(i: &ast::InputDecl) -> String {
    match (i.kind.value, &i.unit) {
        (ScalarKind::Percent, _) => "百分数".into(),
        (ScalarKind::Bool, _) => "是/否".into(),
        (_, Some(u)) => u.value.clone(),
        (ScalarKind::Count, None) => "个".into(),
        (_, None) => "—".into(),
    }
}

fn input_task(rules: &RuleSet, i: &ast::InputDecl) -> InputTask {
    let w = Words {
        rules,
        lets: &[],
        year_var: None,
        elem_var: None,
    };
    let years = match &i.years {
        Some(r) => w.years(r),
        None if i.yearly => "按年填写".into(),
        None => "评估年度".into(),
    };
    let shape = if i.list {
        "每项一个值，可填多项"
    } else if i.yearly {
        "每年一个值"
    } else {
        "一个值"
    };
    InputTask {
        key: i.name.value.clone(),
        label: i.label.value.clone(),
        unit: unit_words(i),
        years,
        shape: shape.into(),
        optional: i.optional,
        help: i.help.as_ref().map(|h| h.value.clone()),
        indicators: Vec::new(),
    }
}

/// One sub-item of a form, with what the task list says of it.
struct FormItem<'a> {
    item: &'a ast::SubItem,
    /// Its points: its own, or the award of the `any` it belongs to.
    points: Option<Decimal>,
    /// Inside `any`: the award is earned once, whichever item is met.
    any_of: bool,
    /// The `// 解读` notes written directly above the item.
    notes: Vec<String>,
}

/// Every sub-item of a form, nested forms included, in file order.
fn items_of<'a>(text: &str, f: &'a ScoreForm) -> Vec<FormItem<'a>> {
    let listed = |items: &'a [ast::SubItem], span: crate::diag::Span, award: Option<Decimal>| {
        let mut from = span.start;
        items
            .iter()
            .map(|it| {
                let above = text.get(from..it.span.start).unwrap_or("");
                from = it.span.end;
                FormItem {
                    item: it,
                    points: award.or(it.points.as_ref().map(|p| p.value)),
                    any_of: award.is_some(),
                    notes: notes_in(above),
                }
            })
            .collect::<Vec<_>>()
    };
    match f {
        ScoreForm::Items { items, span } => listed(items, *span, None),
        ScoreForm::Any { items, award, span } => listed(items, *span, Some(award.value)),
        ScoreForm::Max { forms, .. } | ScoreForm::Sum { forms, .. } => {
            forms.iter().flat_map(|f| items_of(text, f)).collect()
        }
        _ => Vec::new(),
    }
}

fn has_judged_form(f: &ScoreForm) -> bool {
    match f {
        ScoreForm::Judged { .. } => true,
        ScoreForm::Max { forms, .. } | ScoreForm::Sum { forms, .. } => {
            forms.iter().any(has_judged_form)
        }
        _ => false,
    }
}

/// How experts score a judged task.
enum Judging {
    /// The whole indicator: any points from 0 to the most.
    Whole(Decimal),
    /// A sub-item: its points when met.
    Item(Decimal),
    /// A sub-item of `any`: the award once, whichever item is met.
    AnyOf(Decimal),
}

/// The evidence a judged task needs, from what the rules hold: what is to be shown (the item's
/// own text, or the indicator's official rule text), where the material comes from, how it is
/// assessed and scored, and the `// 解读` notes that belong to it.
fn evidence_words(ind: &ast::Indicator, what: &str, judging: Judging, notes: &[String]) -> String {
    let mut parts = vec![format!("证明“{what}”的材料")];
    if !ind.sources.is_empty() {
        let sources: Vec<&str> = ind.sources.iter().map(|s| s.value.as_str()).collect();
        parts.push(format!("材料来源：{}", sources.join("、")));
    }
    if let Some(m) = &ind.method {
        parts.push(format!("评估方式：{}", m.value));
    }
    parts.push(match judging {
        Judging::Whole(max) => format!("由专家在 0 至 {} 分之间评分", plain(max)),
        Judging::Item(p) => format!("经专家认定达到得 {} 分", plain(p)),
        Judging::AnyOf(a) => format!(
            "本指标各子项中任一项经专家认定达到即得 {} 分，多项达到不累加",
            plain(a)
        ),
    });
    for n in notes {
        parts.push(format!("解读：{}", n.trim_end_matches('。')));
    }
    format!("{}。", parts.join("；"))
}

/// The inputs a single sub-item's condition reads, through the shared input walk.
fn item_inputs(rules: &RuleSet, ind: &ast::Indicator, it: &ast::SubItem) -> Vec<String> {
    let mut one = ind.clone();
    one.score = Some(ScoreForm::Items {
        items: vec![it.clone()],
        span: it.span,
    });
    inputs_read(rules, &one)
}

#[derive(Default)]
struct Acc {
    indicators: Vec<OwnerIndicator>,
    inputs: Vec<String>,
    judged: Vec<JudgedTask>,
}

/// The task list of every owner named in the rules, in the order owners are first named.
pub fn tasks(rules: &RuleSet) -> Vec<OwnerTasks> {
    collect(rules).0
}

/// What no owner answers for, if anything: the indicators the rules name no owner for (and
/// their judged items and sub-items without owners of their own), and the inputs no owner
/// supplies (those only such indicators or only the data checks read, or none).
pub fn unowned(rules: &RuleSet) -> Option<Unowned> {
    collect(rules).1
}

/// What no owner answers for.
#[derive(Debug, Clone, PartialEq)]
pub struct Unowned {
    /// Indicators without owners (the whole indicator), or sub-items of them without owners.
    pub indicators: Vec<OwnerIndicator>,
    /// Inputs no owner supplies, in the order the rules declare them.
    pub inputs: Vec<InputTask>,
    /// Judged items no owner prepares evidence for, in file order.
    pub judged: Vec<JudgedTask>,
}

/// Who answers for something: a named owner, or no one (`None`).
type Who = Option<String>;

/// An input's row, with the indicators that read it.
fn input_row(
    rules: &RuleSet,
    readers: &std::collections::HashMap<String, Vec<u32>>,
    i: &ast::InputDecl,
) -> InputTask {
    let mut t = input_task(rules, i);
    t.indicators = readers.get(&i.name.value).cloned().unwrap_or_default();
    t
}

fn collect(rules: &RuleSet) -> (Vec<OwnerTasks>, Option<Unowned>) {
    let mut order: Vec<Who> = Vec::new();
    let mut acc: std::collections::HashMap<Who, Acc> = std::collections::HashMap::new();
    let slot = |order: &mut Vec<Who>, who: &Who| {
        if !order.contains(who) {
            order.push(who.clone());
        }
    };
    let names = |ws: &[Who]| -> Vec<String> { ws.iter().flatten().cloned().collect() };
    // Which indicators read each input (for the input rows).
    let mut readers: std::collections::HashMap<String, Vec<u32>> = Default::default();
    for (cat, ind) in rules.indicators() {
        let owners: Vec<Who> = if ind.owners.is_empty() {
            vec![None]
        } else {
            ind.owners.iter().map(|o| Some(o.value.clone())).collect()
        };
        let read = inputs_read(rules, ind);
        for k in &read {
            let r = readers.entry(k.clone()).or_default();
            if !r.contains(&ind.no.value) {
                r.push(ind.no.value);
            }
        }
        let text = rules.text.get(ind.span.start..ind.span.end).unwrap_or("");
        let items = ind
            .score
            .as_ref()
            .map(|f| items_of(&rules.text, f))
            .unwrap_or_default();
        for o in &owners {
            slot(&mut order, o);
            let a = acc.entry(o.clone()).or_default();
            a.indicators.push(OwnerIndicator {
                no: ind.no.value,
                name: ind.name.value.clone(),
                category: cat.name.value.clone(),
                points: ind.points.value,
                at_stake: ind.points.value,
                items: Vec::new(),
                shared_with: names(&owners)
                    .into_iter()
                    .filter(|x| Some(x) != o.as_ref())
                    .collect(),
            });
            for k in &read {
                if !a.inputs.contains(k) {
                    a.inputs.push(k.clone());
                }
            }
        }
        let whole_judged = ind.score.as_ref().is_some_and(has_judged_form);
        if whole_judged {
            for o in &owners {
                if let Some(a) = acc.get_mut(o) {
                    // What is judged is the official rule text, where the rules give it.
                    let what = ind.rule.as_ref().map_or(&ind.name.value, |r| &r.value);
                    a.judged.push(JudgedTask {
                        key: ind.no.value.to_string(),
                        indicator: ind.no.value,
                        indicator_name: ind.name.value.clone(),
                        text: what.clone(),
                        max: ind.points.value,
                        evidence: evidence_words(
                            ind,
                            what,
                            Judging::Whole(ind.points.value),
                            &notes_in(text),
                        ),
                    });
                }
            }
        }
        for FormItem {
            item: it,
            points: pts,
            any_of,
            notes,
        } in items
        {
            let key = format!("{}.{}", ind.no.value, it.no.value);
            let item_owners: Vec<Who> = if it.owners.is_empty() {
                owners.clone()
            } else {
                it.owners.iter().map(|o| Some(o.value.clone())).collect()
            };
            let own_inputs = if it.owners.is_empty() {
                Vec::new()
            } else {
                item_inputs(rules, ind, it)
            };
            for o in &item_owners {
                slot(&mut order, o);
                let a = acc.entry(o.clone()).or_default();
                if !owners.contains(o) {
                    // Answers for this indicator only through its own sub-items.
                    match a.indicators.iter_mut().find(|x| x.no == ind.no.value) {
                        Some(x) => {
                            x.items.push(key.clone());
                            x.at_stake += pts.unwrap_or_default();
                        }
                        None => a.indicators.push(OwnerIndicator {
                            no: ind.no.value,
                            name: ind.name.value.clone(),
                            category: cat.name.value.clone(),
                            points: ind.points.value,
                            at_stake: pts.unwrap_or_default(),
                            items: vec![key.clone()],
                            shared_with: names(&owners),
                        }),
                    }
                }
                for k in &own_inputs {
                    if !a.inputs.contains(k) {
                        a.inputs.push(k.clone());
                    }
                }
                if matches!(it.how, How::Judged(_)) {
                    a.judged.push(JudgedTask {
                        key: key.clone(),
                        indicator: ind.no.value,
                        indicator_name: ind.name.value.clone(),
                        text: it.text.value.clone(),
                        max: pts.unwrap_or_default(),
                        evidence: evidence_words(
                            ind,
                            &it.text.value,
                            if any_of {
                                Judging::AnyOf(pts.unwrap_or_default())
                            } else {
                                Judging::Item(pts.unwrap_or_default())
                            },
                            &notes,
                        ),
                    });
                }
            }
        }
    }
    let mut named = Vec::new();
    let mut none = None;
    for who in order {
        let Some(a) = acc.remove(&who) else { continue };
        match who {
            Some(owner) => named.push(OwnerTasks {
                points: a.indicators.iter().map(|i| i.at_stake).sum(),
                inputs: rules
                    .inputs
                    .iter()
                    .filter(|i| a.inputs.contains(&i.name.value))
                    .map(|i| input_row(rules, &readers, i))
                    .collect(),
                owner,
                indicators: a.indicators,
                judged: a.judged,
            }),
            None => none = Some((a.indicators, a.judged)),
        }
    }
    // Inputs no named owner supplies: those only unowned indicators or the data checks read.
    let supplied: std::collections::HashSet<&str> = named
        .iter()
        .flat_map(|t: &OwnerTasks| &t.inputs)
        .map(|i| i.key.as_str())
        .collect();
    let orphans: Vec<InputTask> = rules
        .inputs
        .iter()
        .filter(|i| !supplied.contains(i.name.value.as_str()))
        .map(|i| input_row(rules, &readers, i))
        .collect();
    let unowned = match none {
        None if orphans.is_empty() => None,
        none => {
            let (indicators, judged) = none.unwrap_or_default();
            Some(Unowned {
                indicators,
                inputs: orphans,
                judged,
            })
        }
    };
    (named, unowned)
}

/// The owners named in the rules (indicators and sub-items), in the order first named.
pub fn owners(rules: &RuleSet) -> Vec<String> {
    tasks(rules).into_iter().map(|t| t.owner).collect()
}
