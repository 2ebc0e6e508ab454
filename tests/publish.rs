//! `zhibiao doc`: the index document, the task lists and a revision's changes, published from
//! the rules. The DOCX is read back by an independent reader (zip + roxmltree) and converted to
//! PDF by headless LibreOffice where it is installed.

use crate::common::{outcome, root, rules};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::io::Read;
use zhibiao::eval::Evaluation;
use zhibiao::eval::Program;
use zhibiao::model::RuleSet;
use zhibiao::publish::{self, Format, index::Scoring};
use zhibiao::syntax::ast::{ArithOp, CmpOp, ExprKind, How, Overlap, ScalarKind, ScoreForm};

fn builtin() -> Program {
    let f = zhibiao::builtin::find("sd-nmsz", "2023").expect("built-in sd-nmsz@2023");
    rules(f.text)
}

fn file(rel: &str) -> String {
    std::fs::read_to_string(format!("{}/{rel}", root())).expect("example file")
}

/// `word/document.xml` of a DOCX.
fn document_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("DOCX is a zip");
    let mut s = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut s)
        .expect("UTF-8 XML");
    s
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The text of an element: every `w:t` below it, joined.
fn text_of(n: roxmltree::Node) -> String {
    n.descendants()
        .filter(|d| d.has_tag_name((W, "t")))
        .filter_map(|d| d.text())
        .collect()
}

#[test]
fn the_docx_index_has_all_42_indicators_with_exact_rule_text_and_points_in_real_tables() {
    let r = builtin();
    let bytes = publish::render(&publish::index_document(&r), Format::Docx).expect("docx");
    let xml = document_xml(&bytes);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed document.xml");
    let tables: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "tbl")))
        .collect();
    assert!(tables.len() > 10, "{} tables", tables.len());
    for t in &tables {
        let rows: Vec<_> = t.children().filter(|n| n.has_tag_name((W, "tr"))).collect();
        let repeats = |tr: &roxmltree::Node| {
            tr.children()
                .filter(|n| n.has_tag_name((W, "trPr")))
                .any(|p| p.children().any(|c| c.has_tag_name((W, "tblHeader"))))
        };
        assert!(
            repeats(&rows[0]),
            "first row of every table repeats on each page"
        );
        assert!(
            rows[1..].iter().all(|r| !repeats(r)),
            "only the header row repeats"
        );
    }
    // The overview table (任务分工表): a header and one row per indicator.
    let overview = tables[0];
    let rows: Vec<Vec<String>> = overview
        .children()
        .filter(|n| n.has_tag_name((W, "tr")))
        .map(|tr| {
            tr.children()
                .filter(|n| n.has_tag_name((W, "tc")))
                .map(text_of)
                .collect()
        })
        .collect();
    assert_eq!(rows[0][0], "序号");
    assert_eq!(rows.len(), 43);
    let indicators: Vec<_> = r.indicators().collect();
    assert_eq!(indicators.len(), 42);
    for ((_, ind), row) in indicators.iter().zip(&rows[1..]) {
        assert_eq!(row[0], ind.no.value.to_string());
        assert_eq!(
            row[3],
            format!("{}（{} 分）", ind.name.value, ind.points.value.normalize())
        );
        assert_eq!(&row[4], &ind.rule.as_ref().expect("rule text").value);
    }
    // A4 and a page number field in the footer.
    assert!(xml.contains("w:w=\"11906\"") && xml.contains("w:h=\"16838\""));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("zip");
    let footers: Vec<String> = (0..zip.len())
        .filter_map(|i| {
            let mut f = zip.by_index(i).ok()?;
            if !f.name().ok()?.starts_with("word/footer") {
                return None;
            }
            let mut s = String::new();
            f.read_to_string(&mut s).ok()?;
            Some(s)
        })
        .collect();
    assert!(
        footers.iter().any(|f| f.contains("PAGE")),
        "page number field"
    );
    assert!(xml.contains("w:eastAsia=\"宋体\"") && xml.contains("w:eastAsia=\"黑体\""));
}

/// `n / d` in lowest terms for a decimal.
fn fraction(v: Decimal) -> (i128, i128) {
    let mut n = v.mantissa();
    let mut d = 10i128.pow(v.scale());
    let (mut a, mut b) = (n.abs(), d);
    while b != 0 {
        (a, b) = (b, a % b);
    }
    n /= a;
    d /= a;
    (n, d)
}

fn set_data(toml: &str, key: &str, value: i128) -> String {
    let mut doc: toml_edit::DocumentMut = toml.parse().expect("toml");
    doc["data"][key] = toml_edit::value(i64::try_from(value).expect("fits"));
    doc.to_string()
}

fn scored(r: &Program, toml: &str) -> Evaluation {
    let reference = file("examples/province-2024.toml");
    match outcome(r, toml, Some(&reference), false) {
        zhibiao::assess::Outcome::Scored { evaluation, .. } => *evaluation,
        zhibiao::assess::Outcome::Unusable(d) => panic!("unusable: {d:?}"),
    }
}

/// The points a tier table awards a value, as the document's rows and overlap rule say: `cmp`
/// compares the value with a bound.
fn tier_award(
    rows: &[publish::index::TierRow],
    overlap: Option<Overlap>,
    cmp: impl Fn(&publish::index::Bound) -> Ordering,
) -> Decimal {
    let inside: Vec<Decimal> = rows
        .iter()
        .filter(|row| {
            row.lo.as_ref().is_none_or(|b| match cmp(b) {
                Ordering::Greater => true,
                Ordering::Equal => b.inclusive,
                Ordering::Less => false,
            }) && row.hi.as_ref().is_none_or(|b| match cmp(b) {
                Ordering::Less => true,
                Ordering::Equal => b.inclusive,
                Ordering::Greater => false,
            })
        })
        .map(|row| row.points)
        .collect();
    match overlap {
        Some(Overlap::Lower) => inside.iter().min(),
        _ => inside.iter().max(),
    }
    .copied()
    .unwrap_or_default()
}

/// The document's model of one indicator.
fn doc_of(idx: &publish::index::IndexDoc, no: u32) -> &publish::index::IndicatorDoc {
    idx.categories
        .iter()
        .flat_map(|c| &c.indicators)
        .find(|i| i.no == no)
        .expect("indicator in the document")
}

/// Every tier bound the document states, checked against the scorer exactly on the bound,
/// just below and just above: the document says which tier (or tiers) a value lies in, and the
/// scorer must award what the document's rows and overlap rule say. Returns the cases checked
/// and the indicators they cover.
fn bounds_agree(r: &Program, base: &str) -> (usize, BTreeSet<u32>) {
    let idx = publish::index::index(r);
    let mut checked = 0;
    let mut covered = BTreeSet::new();
    for (_, ind) in r.indicators() {
        let Some(ScoreForm::Tiers { subject, .. }) = &ind.score else {
            continue;
        };
        // The subject is a ratio of two inputs, through the indicator's own definition.
        let ExprKind::Name(n) = &subject.kind else {
            continue;
        };
        let Some(l) = ind.lets.iter().find(|l| l.name.value == *n) else {
            continue;
        };
        let ExprKind::Arith(ArithOp::Div, a, b) = &l.value.kind else {
            continue;
        };
        let (ExprKind::Name(num), ExprKind::Name(den)) = (&a.kind, &b.kind) else {
            continue;
        };
        let doc = doc_of(&idx, ind.no.value);
        let Some(Scoring::Tiers { rows, overlap, .. }) = &doc.scoring else {
            panic!("indicator {} is documented as tiers", doc.no)
        };
        let base_num = data_int(base, num);
        for bound in rows.iter().flat_map(|r| [&r.lo, &r.hi]).flatten() {
            let (bn, bd) = fraction(bound.value);
            let m = (base_num + bn - 1) / bn;
            let (x, y) = (bn * m, bd * m);
            for (label, den_value) in [("恰好等于", y), ("低于", y + 1), ("高于", y - 1)] {
                // What the document says: x / den ? b  ⇔  x ? b · den (den > 0).
                let expected = tier_award(rows, *overlap, |b| {
                    Decimal::from_i128_with_scale(x, 0)
                        .cmp(&(b.value * Decimal::from_i128_with_scale(den_value, 0)))
                });
                let toml = set_data(&set_data(base, num, x), den, den_value);
                let ev = scored(r, &toml);
                assert_eq!(
                    crate::common::score_of(&ev, ind.no.value),
                    expected.normalize().to_string(),
                    "指标 {}：{label} {}（{num} = {x}，{den} = {den_value}）；文件写的是 {:?}",
                    ind.no.value,
                    bound.text,
                    rows.iter().map(|r| &r.statement).collect::<Vec<_>>()
                );
                checked += 1;
                covered.insert(ind.no.value);
            }
        }
        // The statements spell out each bound's inclusion as the typed bound has it.
        for row in rows {
            for b in [&row.lo, &row.hi].into_iter().flatten() {
                let word = if b.inclusive {
                    "（含）"
                } else {
                    "（不含）"
                };
                assert!(
                    row.statement.contains(&format!("{}{word}", b.text))
                        || row.statement.starts_with("恰好等于"),
                    "{}",
                    row.statement
                );
            }
        }
    }
    (checked, covered)
}

/// The whole-number value of `data.key` in a TOML submission.
fn data_int(toml: &str, key: &str) -> i128 {
    let doc: toml_edit::DocumentMut = toml.parse().expect("toml");
    i128::from(doc["data"][key].as_integer().expect("a whole number"))
}

#[test]
fn tier_bound_statements_agree_with_the_scorer_at_and_beside_each_bound() {
    let r = builtin();
    let (checked, covered) = bounds_agree(&r, &file("examples/pass.toml"));
    // Indicators 3, 7, 8 and 9: two bounds each (shared bounds counted per row), three sides.
    assert!(checked >= 4 * 3 * 3, "{checked} cases");
    assert_eq!(covered, BTreeSet::from([3, 7, 8, 9]));
}

#[test]
fn exclusive_and_open_bounds_are_stated_as_the_scorer_applies_them() {
    let text = zhibiao::builtin::find("sd-nmsz", "2023")
        .expect("built-in")
        .text
        .replace(
            "score tiers share overlap higher {\n      [8%, 15%] => 1\n      [15%, ..) => 2\n    }",
            "score tiers share {\n      (8%, 15%) => 1\n      [15%, 20%] => 1.5\n      (20%, ..) => 2\n    }",
        );
    assert_ne!(
        text,
        zhibiao::builtin::find("sd-nmsz", "2023")
            .expect("built-in")
            .text
    );
    let r = rules(&text);
    let idx = publish::index::index(&r);
    let three = &idx.categories[0].indicators[2];
    let Some(Scoring::Tiers { rows, .. }) = &three.scoring else {
        panic!("tiers")
    };
    let statements: Vec<&str> = rows.iter().map(|r| r.statement.as_str()).collect();
    assert_eq!(
        statements,
        [
            "8%（不含）至 15%（不含）得 1 分",
            "15%（含）至 20%（含）得 1.5 分",
            "20%（不含）以上得 2 分"
        ]
    );
    assert!(bounds_agree(&r, &file("examples/pass.toml")).0 >= 4 * 3);
}

/// Every owner the rules name (indicators and sub-items).
fn named_owners(r: &RuleSet) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for (_, ind) in r.indicators() {
        named.extend(ind.owners.iter().map(|o| o.value.clone()));
        let mut forms = ind.score.iter().collect::<Vec<_>>();
        while let Some(f) = forms.pop() {
            match f {
                ScoreForm::Items { items, .. } | ScoreForm::Any { items, .. } => {
                    for it in items {
                        named.extend(it.owners.iter().map(|o| o.value.clone()));
                    }
                }
                ScoreForm::Max { forms: fs, .. } | ScoreForm::Sum { forms: fs, .. } => {
                    forms.extend(fs)
                }
                _ => {}
            }
        }
    }
    named
}

/// The first column of the document's tables whose caption ends with `suffix`.
fn keys_in_tables(doc: &publish::doc::Doc, suffix: &str) -> BTreeSet<String> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            publish::doc::Block::Table(t) if t.caption.ends_with(suffix) => Some(t),
            _ => None,
        })
        .flat_map(|t| t.rows.iter().map(|r| r[0].clone()))
        .collect()
}

/// Every owner named in the rules has a task list, and every input and every judged item is
/// under at least one owner — or, where the rules name no owner for it, in the chapter of what
/// no owner answers for — in the model and in the document (its data and evidence tables).
fn task_lists_cover(
    r: &RuleSet,
) -> (
    Vec<publish::tasks::OwnerTasks>,
    Option<publish::tasks::Unowned>,
) {
    let tasks = publish::tasks::tasks(r);
    let unowned = publish::tasks::unowned(r);
    let listed: BTreeSet<String> = tasks.iter().map(|t| t.owner.clone()).collect();
    assert_eq!(listed, named_owners(r), "{}", r.id());
    let inputs: BTreeSet<String> = r.inputs.iter().map(|i| i.name.value.clone()).collect();
    let judged: BTreeSet<String> = r.judgements.keys().cloned().collect();
    let supplied: BTreeSet<String> = tasks
        .iter()
        .flat_map(|t| &t.inputs)
        .chain(unowned.iter().flat_map(|u| &u.inputs))
        .map(|i| i.key.clone())
        .collect();
    assert_eq!(supplied, inputs, "{}: inputs without a list", r.id());
    let prepared: BTreeSet<String> = tasks
        .iter()
        .flat_map(|t| &t.judged)
        .chain(unowned.iter().flat_map(|u| &u.judged))
        .map(|j| j.key.clone())
        .collect();
    assert_eq!(prepared, judged, "{}: judged items without a list", r.id());
    // What no owner answers for is exactly what no named owner has.
    if let Some(u) = &unowned {
        for i in &u.inputs {
            assert!(
                tasks
                    .iter()
                    .all(|t| t.inputs.iter().all(|x| x.key != i.key)),
                "{}",
                i.key
            );
        }
    }
    // The document for all owners shows the same.
    let doc = publish::tasks_document(r, None);
    assert_eq!(keys_in_tables(&doc, "-数据"), inputs, "{}", r.id());
    assert_eq!(keys_in_tables(&doc, "-佐证"), judged, "{}", r.id());
    (tasks, unowned)
}

#[test]
fn every_owner_gets_a_task_list_and_every_input_and_judged_item_has_an_owner() {
    for f in zhibiao::builtin::texts() {
        task_lists_cover(&rules(&f.text));
    }
    let r = builtin();
    let (tasks, unowned) = task_lists_cover(&r);
    assert!(unowned.is_none(), "{unowned:?}");
    assert!(tasks.iter().any(|t| t.owner == "市场监管局"));
    let judged: BTreeSet<&str> = tasks
        .iter()
        .flat_map(|t| &t.judged)
        .map(|j| j.key.as_str())
        .collect();
    // Judged items inside `any` and whole judged indicators too; items decided by data are not.
    assert!(judged.contains("29.1") && judged.contains("10") && !judged.contains("11.1"));
    for (_, ind) in r.indicators() {
        if let Some(ScoreForm::Items { items, .. }) = &ind.score {
            for it in items {
                if matches!(it.how, How::When(_)) {
                    assert!(!judged.contains(format!("{}.{}", ind.no.value, it.no.value).as_str()));
                }
            }
        }
    }
    // Points at stake for 经济发展局: indicators 1, 2 and 6, 2 points each.
    let econ = tasks
        .iter()
        .find(|t| t.owner == "经济发展局")
        .expect("经济发展局");
    assert_eq!(
        econ.indicators.iter().map(|i| i.no).collect::<Vec<_>>(),
        [1, 2, 6]
    );
    assert_eq!(econ.points, Decimal::from(6));
}

#[test]
fn what_the_rules_name_no_owner_for_is_listed_apart_and_item_owners_get_their_items() {
    let original = zhibiao::builtin::find("sd-nmsz", "2023")
        .expect("built-in")
        .text;
    let edits = [
        // An input only a data check reads.
        (
            "input training_hours_min",
            "input checked_only \"仅供数据校验的数\" count 个\ninput training_hours_min",
        ),
        (
            "check online_operators <= market_entities",
            "check checked_only >= 0\n  else error \"不能为负\"\ncheck online_operators <= market_entities",
        ),
        // Indicator 16 (judged as a whole) and indicator 3 (data only it reads) without owners.
        (
            "    owners \"市场监管局\"\n    // 解读：整项由专家评估，在0至3分之间打分（可给小数，如1.5）。\n    score judged",
            "    // 解读：整项由专家评估，在0至3分之间打分（可给小数，如1.5）。\n    score judged",
        ),
        ("    owners \"市场监管局\"\n    let share", "    let share"),
        // A judged sub-item with an owner of its own.
        (
            "采取差异化监管措施\" points 1 judged",
            "采取差异化监管措施\" points 1 judged owners \"信用办\"",
        ),
    ];
    let mut text = original.to_string();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text = text.replacen(from, to, 1);
    }
    let r = rules(&text);
    let (tasks, unowned) = task_lists_cover(&r);
    let u = unowned.expect("something without an owner");
    assert_eq!(
        u.indicators.iter().map(|i| i.no).collect::<Vec<_>>(),
        [3, 16]
    );
    assert_eq!(
        u.inputs.iter().map(|i| i.key.as_str()).collect::<Vec<_>>(),
        ["market_entities", "checked_only"]
    );
    assert_eq!(
        u.judged.iter().map(|j| j.key.as_str()).collect::<Vec<_>>(),
        ["16"]
    );
    // 12.3 is prepared by its own owner, not by the indicator's.
    let holders: Vec<&str> = tasks
        .iter()
        .filter(|t| t.judged.iter().any(|j| j.key == "12.3"))
        .map(|t| t.owner.as_str())
        .collect();
    assert_eq!(holders, ["信用办"]);
    // The document ends with them, and the summary counts them.
    let doc = publish::tasks_document(&r, None);
    assert!(matches!(
        doc.blocks.iter().rev().find(|b| matches!(b, publish::doc::Block::Heading(..))),
        Some(publish::doc::Block::Heading(_, h)) if h == publish::doc::UNOWNED
    ));
    let one = publish::tasks_document(&r, Some("信用办"));
    assert!(keys_in_tables(&one, "-数据").is_empty());
    assert_eq!(
        keys_in_tables(&one, "-佐证"),
        BTreeSet::from(["12.3".to_string()])
    );
    let apart = publish::unowned_document(&r).expect("a document of its own");
    assert_eq!(
        keys_in_tables(&apart, "-佐证"),
        BTreeSet::from(["16".to_string()])
    );
    assert!(publish::unowned_document(&builtin()).is_none());
}

#[test]
fn markdown_of_a_tier_indicator_and_an_items_indicator() {
    let r = builtin();
    let idx = publish::index::index(&r);
    let md = |no: u32| {
        let ind = idx
            .categories
            .iter()
            .flat_map(|c| &c.indicators)
            .find(|i| i.no == no)
            .expect("indicator");
        publish::markdown::blocks(&publish::doc::indicator_blocks(ind))
    };
    insta::assert_snapshot!("indicator_3", md(3));
    insta::assert_snapshot!("indicator_11", md(11));
    insta::assert_snapshot!("indicator_4", md(4));
    insta::assert_snapshot!("indicator_35", md(35));
}

/// The scoring statements read as a policy officer writes: quotation marks are never nested
/// (what is quoted says what it is without quoting again), and a count times points is said
/// per unit, never as “a thing × 1”.
#[test]
fn scoring_statements_quote_once_and_count_per_unit() {
    for (set, version) in [("sd-nmsz", "2023"), ("lingang-targets", "2025")] {
        let f = zhibiao::builtin::find(set, version).expect("built-in");
        let r = rules(f.text);
        let idx = publish::index::index(&r);
        for ind in idx.categories.iter().flat_map(|c| &c.indicators) {
            for line in publish::index::scoring_lines(ind) {
                let mut depth = 0i32;
                for c in line.chars() {
                    match c {
                        '“' => depth += 1,
                        '”' => depth -= 1,
                        _ => {}
                    }
                    assert!(
                        (0..=1).contains(&depth),
                        "{set}@{version} 指标 {}：{line}",
                        ind.no
                    );
                }
            }
            // A count input with a unit, times points: said per unit.
            let Some(ast_ind) = r
                .indicators()
                .map(|(_, i)| i)
                .find(|i| i.no.value == ind.no)
            else {
                continue;
            };
            let Some(ScoreForm::Expr(e)) = &ast_ind.score else {
                continue;
            };
            let ExprKind::Arith(ArithOp::Mul, a, b) = &e.kind else {
                continue;
            };
            let subject = match (&a.kind, &b.kind) {
                (ExprKind::Name(n), ExprKind::Lit(_)) | (ExprKind::Lit(_), ExprKind::Name(n)) => n,
                _ => continue,
            };
            let Some(input) = r
                .input(subject)
                .filter(|i| i.kind.value == ScalarKind::Count)
            else {
                continue;
            };
            let Some(unit) = &input.unit else { continue };
            let lines = publish::index::scoring_lines(ind).join("\n");
            assert!(
                lines.contains(&format!("每{}得", unit.value)) && !lines.contains('×'),
                "{set}@{version} 指标 {}：{lines}",
                ind.no
            );
        }
    }
}

#[test]
fn html_and_markdown_escape_what_the_rules_say() {
    let doc = publish::doc::Doc {
        title: "<b>标题</b>".into(),
        blocks: vec![publish::doc::Block::Para("a < b & c | *d*".into())],
    };
    let html = String::from_utf8(publish::render(&doc, Format::Html).expect("html")).expect("utf8");
    assert!(html.contains("&lt;b&gt;标题&lt;/b&gt;") && html.contains("a &lt; b &amp; c"));
    let md = String::from_utf8(publish::render(&doc, Format::Markdown).expect("md")).expect("utf8");
    assert!(md.contains(r"a \< b &amp; c \| \*d\*"), "{md}");
}

#[test]
fn xlsx_has_one_sheet_per_table() {
    use calamine::Reader;
    let r = builtin();
    let bytes = publish::render(&publish::tasks_document(&r, None), Format::Xlsx).expect("xlsx");
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("workbook");
    let names = wb.sheet_names();
    assert_eq!(names[0], "汇总");
    assert!(names.iter().any(|n| n == "市场监管局-数据"), "{names:?}");
    let range = wb.worksheet_range("汇总").expect("sheet");
    assert_eq!(range.height(), publish::tasks::owners(&r).len() + 1);
}

#[test]
fn changes_document_lists_what_diff_finds() {
    let old = builtin();
    let text = zhibiao::builtin::find("sd-nmsz", "2023")
        .expect("built-in")
        .text
        .replace("[8%, 15%] => 1", "[10%, 15%] => 1");
    let new = rules(&text);
    let d = zhibiao::diff::diff(&old, &new);
    let md = String::from_utf8(
        publish::render(&publish::changes_document(&d), Format::Markdown).expect("md"),
    )
    .expect("utf8");
    assert!(md.contains("共 1 处改动"), "{md}");
    assert!(
        md.contains("指标 3. 网络交易经营者数量占市场主体比重"),
        "{md}"
    );
    // The tiers, old and new, read as the index states them, not in rule syntax.
    let statements = |r: &RuleSet| -> Vec<String> {
        let idx = publish::index::index(r);
        match &doc_of(&idx, 3).scoring {
            Some(Scoring::Tiers { rows, .. }) => rows.iter().map(|t| t.statement.clone()).collect(),
            other => panic!("indicator 3 has tiers: {other:?}"),
        }
    };
    let (was, now) = (statements(&old), statements(&new));
    assert_ne!(was, now);
    for s in was.iter().chain(&now) {
        assert!(md.contains(s.as_str()), "“{s}” not in\n{md}");
    }
    assert!(!md.contains("=>"), "{md}");
}

/// `soffice` on the PATH, or `None` (the test is then skipped with a message, unless
/// `ZHIBIAO_REQUIRE_LIBREOFFICE` is set, as `.ci/run` sets it).
fn soffice() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .map(|d| d.join("soffice"))
        .find(|p| p.is_file());
    if found.is_none() {
        let how = "未找到 LibreOffice（soffice）：跳过 DOCX 转 PDF 的测试。\n\
                   要运行它，请安装：apt-get update && apt-get install -y libreoffice-writer-nogui\n\
                   （.ci/run 会自动安装并要求运行）";
        assert!(
            std::env::var_os("ZHIBIAO_REQUIRE_LIBREOFFICE").is_none(),
            "ZHIBIAO_REQUIRE_LIBREOFFICE 已设置，但{how}"
        );
        eprintln!("{how}");
    }
    found
}

#[test]
fn libreoffice_converts_the_docx_index_and_task_lists_to_pdf() {
    let Some(soffice) = soffice() else { return };
    let dir = std::env::temp_dir().join(format!("zhibiao-doc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let r = builtin();
    for (name, doc) in [
        ("index", publish::index_document(&r)),
        ("tasks", publish::tasks_document(&r, None)),
    ] {
        let docx = dir.join(format!("{name}.docx"));
        std::fs::write(&docx, publish::render(&doc, Format::Docx).expect("docx")).expect("write");
        let out = std::process::Command::new(&soffice)
            .arg(format!(
                "-env:UserInstallation=file://{}/profile",
                dir.display()
            ))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&dir)
            .arg(&docx)
            .output()
            .expect("soffice runs");
        let pdf = dir.join(format!("{name}.pdf"));
        let bytes = std::fs::read(&pdf).unwrap_or_default();
        assert!(
            bytes.starts_with(b"%PDF") && bytes.len() > 10_000,
            "LibreOffice did not convert {name}.docx: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// The rest of the scoring statements: the document's typed statement gives the bounds, the
// awards and the comparison; the rule's syntax is used only to find which data to change.

/// A submission built from `examples/pass.toml` and the province reference file, changed a
/// value at a time. Values are given as the scorer holds them: a percent as a fraction, money
/// in 元.
#[derive(Clone)]
struct Case {
    sub: toml_edit::DocumentMut,
    reference: toml_edit::DocumentMut,
}

impl Case {
    fn base() -> Case {
        Case {
            sub: file("examples/pass.toml").parse().expect("toml"),
            reference: file("examples/province-2024.toml").parse().expect("toml"),
        }
    }

    fn year(&self) -> i32 {
        i32::try_from(self.sub["year"].as_integer().expect("year")).expect("year")
    }

    /// The file that holds `key` (the reference file for the province's values).
    fn holder(&mut self, key: &str) -> &mut toml_edit::DocumentMut {
        if self.reference["data"].get(key).is_some() {
            &mut self.reference
        } else {
            &mut self.sub
        }
    }

    fn item(r: &RuleSet, key: &str, v: Decimal) -> toml_edit::Item {
        let decl = r.input(key).expect("declared input");
        let v = match (decl.kind.value, &decl.unit) {
            (ScalarKind::Percent, _) => {
                return toml_edit::value(format!("{}%", (v * Decimal::ONE_HUNDRED).normalize()));
            }
            (ScalarKind::Money, Some(u)) => {
                v / zhibiao::number::money_unit_factor(&u.value).expect("money unit")
            }
            _ => v,
        }
        .normalize();
        if v.fract().is_zero() {
            toml_edit::value(i64::try_from(v.mantissa()).expect("fits"))
        } else {
            toml_edit::value(v.to_string().parse::<f64>().expect("a number"))
        }
    }

    /// Sets one value (one year's, for a yearly input).
    fn set(&mut self, r: &RuleSet, key: &str, year: Option<i32>, v: Decimal) {
        let item = Case::item(r, key, v);
        let data = &mut self.holder(key)["data"];
        match year {
            None => data[key] = item,
            Some(y) => {
                if !data.get(key).is_some_and(|t| t.is_inline_table()) {
                    data[key] = toml_edit::value(toml_edit::InlineTable::new());
                }
                data[key][y.to_string().as_str()] = item;
            }
        }
    }

    fn set_list(&mut self, r: &RuleSet, key: &str, values: &[Decimal]) {
        let mut a = toml_edit::Array::new();
        for v in values {
            a.push(Case::item(r, key, *v).into_value().expect("a value item"));
        }
        self.sub["data"][key] = toml_edit::value(a);
    }

    /// A value as the scorer holds it.
    fn get(&self, r: &RuleSet, key: &str) -> Decimal {
        let data = if self.reference["data"].get(key).is_some() {
            &self.reference["data"]
        } else {
            &self.sub["data"]
        };
        let item = &data[key];
        let decl = r.input(key).expect("declared input");
        let v: Decimal = if let Some(i) = item.as_integer() {
            Decimal::from(i)
        } else if let Some(f) = item.as_float() {
            f.to_string().parse().expect("a decimal")
        } else if let Some(s) = item.as_str() {
            let p: Decimal = s.trim_end_matches('%').parse().expect("a percent");
            return p / Decimal::ONE_HUNDRED;
        } else {
            panic!("{key}: not a single value")
        };
        match (decl.kind.value, &decl.unit) {
            (ScalarKind::Money, Some(u)) => {
                v * zhibiao::number::money_unit_factor(&u.value).expect("money unit")
            }
            _ => v,
        }
    }

    fn judge(&mut self, key: &str, met: bool) {
        self.sub["judgements"][key] = toml_edit::value(met);
    }

    fn score(&self, r: &Program) -> Evaluation {
        let sub = self.sub.to_string();
        match outcome(r, &sub, Some(&self.reference.to_string()), false) {
            zhibiao::assess::Outcome::Scored { evaluation, .. } => *evaluation,
            zhibiao::assess::Outcome::Unusable(d) => panic!("unusable: {d:?}\n{sub}"),
        }
    }
}

/// The smallest step of a value of an input's kind.
fn step(r: &RuleSet, key: &str) -> Decimal {
    let decl = r.input(key).expect("declared input");
    match (decl.kind.value, &decl.unit) {
        (ScalarKind::Count, _) => Decimal::ONE,
        (ScalarKind::Percent, _) => Decimal::new(1, 4),
        (ScalarKind::Money, Some(u)) => {
            zhibiao::number::money_unit_factor(&u.value).expect("money unit") * Decimal::new(1, 2)
        }
        _ => Decimal::new(1, 2),
    }
}

/// Whether the input's declaration admits the value (so a submission with it is usable).
fn admits(r: &RuleSet, key: &str, v: Decimal) -> bool {
    let decl = r.input(key).expect("declared input");
    let whole = decl.kind.value != ScalarKind::Count || v.fract().is_zero();
    let min = decl.min.as_ref().map_or(Decimal::ZERO, |m| m.value);
    whole && v >= min && decl.max.as_ref().is_none_or(|m| v <= m.value)
}

/// The values at and beside `at` for an input: `at` and one step either side (for a whole
/// number that is not whole: the whole numbers around it).
fn around(r: &RuleSet, key: &str, at: Decimal) -> Vec<Decimal> {
    let s = step(r, key);
    let mut vs = if s == Decimal::ONE && !at.fract().is_zero() {
        vec![at.floor() - s, at.floor(), at.ceil(), at.ceil() + s]
    } else {
        vec![at - s, at, at + s]
    };
    vs.retain(|v| admits(r, key, *v));
    vs
}

/// The comparisons of a condition in the rule, in the order the document lists them.
fn conjuncts(
    e: &zhibiao::syntax::ast::Expr,
) -> Vec<(
    CmpOp,
    &zhibiao::syntax::ast::Expr,
    &zhibiao::syntax::ast::Expr,
)> {
    match &e.kind {
        ExprKind::And(a, b) => {
            let mut v = conjuncts(a);
            v.extend(conjuncts(b));
            v
        }
        ExprKind::Cmp(op, a, b) => vec![(*op, &**a, &**b)],
        other => panic!("not a comparison: {other:?}"),
    }
}

/// The input a comparison's side reads as a plain name.
fn input_name<'a>(r: &RuleSet, e: &'a zhibiao::syntax::ast::Expr) -> &'a str {
    match &e.kind {
        ExprKind::Name(n) if r.input(n).is_some() => n,
        other => panic!("the test does not yet change data for {other:?}: extend it"),
    }
}

/// The value of a comparison's right side over the case's data: a number, an input, or an
/// input times a number.
fn right_value(r: &RuleSet, case: &Case, e: &zhibiao::syntax::ast::Expr) -> Decimal {
    match &e.kind {
        ExprKind::Lit(l) => l.value,
        ExprKind::Name(_) => case.get(r, input_name(r, e)),
        ExprKind::Arith(ArithOp::Mul, a, b) => right_value(r, case, a) * right_value(r, case, b),
        other => panic!("the test does not yet evaluate {other:?}: extend it"),
    }
}

/// A value that meets `op` against `r` (for the comparisons not under test).
fn meeting(op: CmpOp, r: Decimal, s: Decimal) -> Decimal {
    match op {
        CmpOp::Gt | CmpOp::Ne => r + s,
        CmpOp::Lt => r - s,
        CmpOp::Ge | CmpOp::Le | CmpOp::Eq => r,
    }
}

/// Sub-items decided by data: each comparison of the condition at and beside its right side,
/// the others met; the item is awarded its points exactly when the document's comparisons all
/// hold.
fn data_items_agree(r: &Program) -> (usize, BTreeSet<u32>) {
    let idx = publish::index::index(r);
    let (mut checked, mut covered) = (0, BTreeSet::new());
    for (_, ind) in r.indicators() {
        let doc = doc_of(&idx, ind.no.value);
        let Some(Scoring::Items(items)) = &doc.scoring else {
            continue;
        };
        let Some(ScoreForm::Items {
            items: ast_items, ..
        }) = &ind.score
        else {
            panic!("indicator {} is documented as items", doc.no)
        };
        for (item, ast_item) in items.iter().zip(ast_items) {
            let How::When(cond) = &ast_item.how else {
                assert!(item.all_of.is_empty() && item.condition.is_none());
                continue;
            };
            assert!(!item.all_of.is_empty(), "{}: condition not typed", item.key);
            let sides = conjuncts(cond);
            assert_eq!(sides.len(), item.all_of.len(), "{}", item.key);
            let points = item.points.expect("an item with points");
            for k in 0..sides.len() {
                let mut base = Case::base();
                // Every other comparison met, as the document states it.
                let mut rights = Vec::new();
                for (j, (c, (_, left, right))) in item.all_of.iter().zip(&sides).enumerate() {
                    let key = input_name(r, left);
                    let rv = c.value.unwrap_or_else(|| right_value(r, &base, right));
                    rights.push(rv);
                    if j != k {
                        base.set(r, key, None, meeting(c.op, rv, step(r, key)));
                    }
                }
                let c = &item.all_of[k];
                let key = input_name(r, sides[k].1);
                let values = around(r, key, rights[k]);
                assert!(
                    values.len() >= 2,
                    "{}: no values around {}",
                    item.key,
                    rights[k]
                );
                for v in values {
                    let mut case = base.clone();
                    case.set(r, key, None, v);
                    let expected = if c.op.holds(v.cmp(&rights[k])) {
                        points
                    } else {
                        Decimal::ZERO
                    };
                    let ev = case.score(r);
                    let got = ev
                        .indicators
                        .iter()
                        .flat_map(|i| &i.items)
                        .find(|i| i.key == item.key)
                        .expect("item result")
                        .score;
                    assert_eq!(
                        got.normalize(),
                        expected.normalize(),
                        "子项 {}：{key} = {v}；文件写的是“{} {} {}”",
                        item.key,
                        c.left,
                        c.op.symbol(),
                        c.right
                    );
                    checked += 1;
                }
            }
            covered.insert(ind.no.value);
        }
    }
    (checked, covered)
}

/// Sets one side of a per-year comparison to `v` for one year: `input[y]`, a function whose
/// value is `input[y] ?? …` (a published value first), or `a[y] / b[y]`.
fn set_side(
    r: &RuleSet,
    case: &mut Case,
    e: &zhibiao::syntax::ast::Expr,
    var: &str,
    year: i32,
    v: Decimal,
) {
    match &e.kind {
        ExprKind::Index(base, idx) if matches!(&idx.kind, ExprKind::Name(n) if n == var) => {
            case.set(r, input_name(r, base), Some(year), v)
        }
        ExprKind::Call(f, args) if args.len() == 1 => {
            let decl = r.fns.get(&f.value).expect("a function of the rules");
            let param = &decl.params[0].value;
            match &decl.body.kind {
                ExprKind::Coalesce(first, _) => set_side(r, case, first, param, year, v),
                ExprKind::Arith(ArithOp::Div, a, b) => {
                    let whole = Decimal::from(10_000_000_000i64);
                    set_side(r, case, a, param, year, v * whole);
                    set_side(r, case, b, param, year, whole);
                }
                other => panic!("the test does not yet change data for {other:?}: extend it"),
            }
        }
        other => panic!("the test does not yet change data for {other:?}: extend it"),
    }
}

/// Per-year comparisons: every combination of below, at and above for the years the document
/// names; the scorer awards the document's points for each year the comparison holds.
fn each_year_agrees(r: &Program) -> (usize, BTreeSet<u32>) {
    let idx = publish::index::index(r);
    let (mut checked, mut covered) = (0, BTreeSet::new());
    for (_, ind) in r.indicators() {
        let doc = doc_of(&idx, ind.no.value);
        let Some(Scoring::EachYear {
            offsets,
            award,
            all_of,
            ..
        }) = &doc.scoring
        else {
            continue;
        };
        let Some(ScoreForm::EachYear { var, cond, .. }) = &ind.score else {
            panic!("indicator {} is documented as each year", doc.no)
        };
        let (from, to) = offsets.expect("years relative to Y");
        let [c] = all_of.as_slice() else {
            panic!("indicator {}: one comparison expected: {all_of:?}", doc.no)
        };
        let [(_, left, right)] = conjuncts(cond)[..] else {
            panic!("one comparison")
        };
        let base = Case::base();
        let y0 = base.year();
        let years: Vec<i32> = (from..=to)
            .map(|o| y0 + i32::try_from(o).expect("offset"))
            .collect();
        let at = Decimal::new(10, 2);
        let s = Decimal::new(1, 4);
        let sides = [at - s, at, at + s];
        for combo in 0..sides
            .len()
            .pow(u32::try_from(years.len()).expect("few years"))
        {
            let mut case = base.clone();
            let mut expected = Decimal::ZERO;
            let mut rest = combo;
            for &y in &years {
                let v = sides[rest % sides.len()];
                rest /= sides.len();
                set_side(r, &mut case, right, &var.value, y, at);
                set_side(r, &mut case, left, &var.value, y, v);
                if c.op.holds(v.cmp(&at)) {
                    expected += award;
                }
            }
            let ev = case.score(r);
            let res = ev
                .indicators
                .iter()
                .find(|i| i.no == ind.no.value)
                .expect("indicator");
            assert_eq!(
                res.years.iter().map(|y| y.year).collect::<Vec<_>>(),
                years,
                "指标 {}：文件写的年份是 {}",
                doc.no,
                doc.scoring
                    .as_ref()
                    .map(|s| s.lines().join(""))
                    .unwrap_or_default()
            );
            assert_eq!(
                res.score.normalize(),
                expected.normalize(),
                "指标 {}：第 {combo} 种组合；文件写的是“{} {} {}”",
                doc.no,
                c.left,
                c.op.symbol(),
                c.right
            );
            checked += 1;
        }
        covered.insert(ind.no.value);
    }
    (checked, covered)
}

/// What the document says a scoring form awards for a list of values (the form counts the
/// entries meeting a comparison).
fn ladder_award(s: &Scoring, list: &[Decimal]) -> Decimal {
    let count = |c: &publish::index::Comparison| {
        let at = c.value.expect("a number to compare with");
        Decimal::from(list.iter().filter(|v| c.op.holds((*v).cmp(&at))).count())
    };
    match s {
        Scoring::Tiers {
            counts: Some(c),
            rows,
            overlap,
            ..
        } => {
            let n = count(c);
            tier_award(rows, *overlap, |b| n.cmp(&b.value))
        }
        Scoring::Formula {
            each: Some(e),
            counts: Some(c),
            ..
        } => count(c) * e,
        Scoring::Best(fs) => fs
            .iter()
            .map(|f| ladder_award(f, list))
            .max()
            .unwrap_or_default(),
        Scoring::Sum(fs) => fs.iter().map(|f| ladder_award(f, list)).sum(),
        other => panic!("the test does not yet read {other:?}: extend it"),
    }
}

/// Every number of entries at and beside the document's bounds on a count, and around the cap.
fn counts_to_try(s: &Scoring, cap: Option<Decimal>, out: &mut BTreeSet<Decimal>) {
    let mut near = |b: Decimal| {
        for n in [
            b.floor() - Decimal::ONE,
            b.floor(),
            b.ceil(),
            b.ceil() + Decimal::ONE,
        ] {
            if n >= Decimal::ZERO {
                out.insert(n);
            }
        }
    };
    match s {
        Scoring::Tiers { rows, .. } => {
            for b in rows.iter().flat_map(|r| [&r.lo, &r.hi]).flatten() {
                near(b.value);
            }
        }
        Scoring::Formula { each: Some(e), .. } if !e.is_zero() => {
            near(Decimal::ONE);
            if let Some(c) = cap {
                near(c / e);
            }
        }
        Scoring::Best(fs) | Scoring::Sum(fs) => {
            for f in fs {
                counts_to_try(f, cap, out);
            }
        }
        _ => {}
    }
}

/// The thresholds the document's counting comparisons name.
fn thresholds(s: &Scoring, out: &mut Vec<Decimal>) {
    match s {
        Scoring::Tiers {
            counts: Some(c), ..
        }
        | Scoring::Formula {
            counts: Some(c), ..
        } => out.push(c.value.expect("a number to compare with")),
        Scoring::Best(fs) | Scoring::Sum(fs) => fs.iter().for_each(|f| thresholds(f, out)),
        _ => {}
    }
}

fn counts_anything(s: &Scoring) -> bool {
    match s {
        Scoring::Tiers { counts, .. } | Scoring::Formula { counts, .. } => counts.is_some(),
        Scoring::Best(fs) | Scoring::Sum(fs) => fs.iter().any(counts_anything),
        _ => false,
    }
}

/// Ladders over a list (indicator 4): lists of entries at and beside each threshold the
/// document names, as many as each count bound and the cap call for, and mixed lists; the
/// scorer awards what the document's best-of, tiers, per-entry formula and cap say.
fn ladders_agree(r: &Program) -> (usize, BTreeSet<u32>) {
    let idx = publish::index::index(r);
    let (mut checked, mut covered) = (0, BTreeSet::new());
    for (_, ind) in r.indicators() {
        let doc = doc_of(&idx, ind.no.value);
        let Some(scoring) = doc.scoring.as_ref().filter(|s| counts_anything(s)) else {
            continue;
        };
        let lists: Vec<&str> = zhibiao::gap::deps::inputs_read(r, ind)
            .into_iter()
            .filter_map(|k| r.inputs.iter().find(|i| i.name.value == k && i.list))
            .map(|i| i.name.value.as_str())
            .collect();
        let [list] = lists[..] else {
            panic!("indicator {}: one list expected, found {lists:?}", doc.no)
        };
        let mut ts = Vec::new();
        thresholds(scoring, &mut ts);
        let s = step(r, list);
        let values: Vec<Decimal> = ts.iter().flat_map(|t| [*t - s, *t, *t + s]).collect();
        let mut ns = BTreeSet::from([Decimal::ZERO]);
        counts_to_try(scoring, doc.cap, &mut ns);
        let mut cases: Vec<Vec<Decimal>> = Vec::new();
        for v in &values {
            for n in &ns {
                cases.push(vec![*v; usize::try_from(n.mantissa()).expect("a count")]);
            }
            for w in &values {
                cases.push(vec![*v, *w]);
            }
        }
        let base = Case::base();
        for entries in cases {
            let mut case = base.clone();
            case.set_list(r, list, &entries);
            let mut expected = ladder_award(scoring, &entries);
            if let Some(c) = doc.cap {
                expected = expected.min(c);
            }
            let ev = case.score(r);
            assert_eq!(
                crate::common::score_of(&ev, ind.no.value),
                expected.normalize().to_string(),
                "指标 {}：{list} = {entries:?}；文件写的是 {:?}",
                doc.no,
                publish::index::scoring_lines(doc)
            );
            checked += 1;
        }
        covered.insert(ind.no.value);
    }
    (checked, covered)
}

/// `input × points` capped: the number at and beside the one that reaches the cap.
fn per_unit_caps_agree(r: &Program) -> (usize, BTreeSet<u32>) {
    let idx = publish::index::index(r);
    let (mut checked, mut covered) = (0, BTreeSet::new());
    for (_, ind) in r.indicators() {
        let doc = doc_of(&idx, ind.no.value);
        let Some(Scoring::Formula {
            each: Some(each),
            counts: None,
            ..
        }) = &doc.scoring
        else {
            continue;
        };
        let Some(ScoreForm::Expr(e)) = &ind.score else {
            panic!("indicator {} is documented as a formula", doc.no)
        };
        let ExprKind::Arith(ArithOp::Mul, a, b) = &e.kind else {
            panic!("indicator {}: a product", doc.no)
        };
        let key = match (&a.kind, &b.kind) {
            (_, ExprKind::Lit(_)) => input_name(r, a),
            _ => input_name(r, b),
        };
        let mut ns = BTreeSet::from([Decimal::ZERO]);
        counts_to_try(doc.scoring.as_ref().expect("scoring"), doc.cap, &mut ns);
        for n in ns.into_iter().filter(|n| admits(r, key, *n)) {
            let mut case = Case::base();
            case.set(r, key, None, n);
            let mut expected = n * each;
            if let Some(c) = doc.cap {
                expected = expected.min(c);
            }
            assert_eq!(
                crate::common::score_of(&case.score(r), ind.no.value),
                expected.normalize().to_string(),
                "指标 {}：{key} = {n}；文件写的是 {:?}",
                doc.no,
                publish::index::scoring_lines(doc)
            );
            checked += 1;
        }
        covered.insert(ind.no.value);
    }
    (checked, covered)
}

/// Any-of: every combination of the judged items met or not; the award once, whatever the
/// number met.
fn any_of_agrees(r: &Program) -> (usize, BTreeSet<u32>) {
    let idx = publish::index::index(r);
    let (mut checked, mut covered) = (0, BTreeSet::new());
    for (_, ind) in r.indicators() {
        let doc = doc_of(&idx, ind.no.value);
        let Some(Scoring::Any { award, items }) = &doc.scoring else {
            continue;
        };
        assert!(
            items.iter().all(|i| i.judged),
            "the test does not yet change data for an any-of item decided by data: extend it"
        );
        for combo in 0..(1u32 << items.len()) {
            let mut case = Case::base();
            for (i, it) in items.iter().enumerate() {
                case.judge(&it.key, combo & (1 << i) != 0);
            }
            let expected = if combo == 0 { Decimal::ZERO } else { *award };
            assert_eq!(
                crate::common::score_of(&case.score(r), ind.no.value),
                expected.normalize().to_string(),
                "指标 {}：组合 {combo:b}；文件写的是 {:?}",
                doc.no,
                publish::index::scoring_lines(doc)
            );
            checked += 1;
        }
        covered.insert(ind.no.value);
    }
    (checked, covered)
}

/// The category cap: in a category whose indicators add up to more than its declared points,
/// judged items are turned down one by one from the example's score, through the cap; the
/// scorer caps the category as the document's basis says.
fn category_cap_agrees(r: &Program) -> usize {
    let idx = publish::index::index(r);
    let mut checked = 0;
    for cat in idx
        .categories
        .iter()
        .filter(|c| c.indicator_points > c.points)
    {
        let cap = match idx.category_cap {
            zhibiao::syntax::ast::Basis::Declared => Some(cat.points),
            zhibiao::syntax::ast::Basis::Indicators => Some(cat.indicator_points),
            zhibiao::syntax::ast::Basis::None => None,
        };
        let judged: Vec<&str> = cat
            .indicators
            .iter()
            .filter_map(|i| match &i.scoring {
                Some(Scoring::Items(items)) => Some(items),
                _ => None,
            })
            .flatten()
            .filter(|i| i.judged)
            .map(|i| i.key.as_str())
            .collect();
        let mut case = Case::base();
        let mut raws = BTreeSet::new();
        for off in std::iter::once(None).chain(judged.iter().map(Some)) {
            if let Some(key) = off {
                case.judge(key, false);
            }
            let ev = case.score(r);
            let res = ev
                .categories
                .iter()
                .find(|c| c.name == cat.name)
                .expect("category");
            let expected = cap.map_or(res.raw, |c| res.raw.min(c));
            assert_eq!(
                res.score.normalize(),
                expected.normalize(),
                "{}：各指标合计 {}；文件写的是 {:?}",
                cat.name,
                res.raw,
                idx.basis
            );
            raws.insert(res.raw);
            checked += 1;
            if cap.is_some_and(|c| res.raw < c - Decimal::ONE) {
                break;
            }
        }
        if let Some(c) = cap {
            for at in [c - Decimal::ONE, c, c + Decimal::ONE] {
                assert!(raws.contains(&at), "{}: {raws:?}", cat.name);
            }
        }
    }
    checked
}

/// Whether a data value (or, for any-of, a verdict on items) decides what the document states.
fn decided_by_data(s: &Scoring) -> bool {
    match s {
        Scoring::Tiers { .. } | Scoring::EachYear { .. } | Scoring::Formula { .. } => true,
        Scoring::Any { .. } => true,
        Scoring::Items(items) => items.iter().any(|i| i.condition.is_some()),
        Scoring::Judged { .. } => false,
        Scoring::Best(fs) | Scoring::Sum(fs) => fs.iter().any(decided_by_data),
    }
}

#[test]
fn every_scoring_statement_decided_by_data_agrees_with_the_scorer_at_and_beside_its_bounds() {
    let r = builtin();
    let mut covered = BTreeSet::new();
    let mut report = Vec::new();
    for (name, (n, c)) in [
        (
            "分档（比值）",
            bounds_agree(&r, &file("examples/pass.toml")),
        ),
        ("按清单计数的分档、公式和封顶", ladders_agree(&r)),
        ("逐年比较", each_year_agrees(&r)),
        ("按数据判定的子项", data_items_agree(&r)),
        ("按项数计分并封顶", per_unit_caps_agree(&r)),
        ("符合一项即可", any_of_agrees(&r)),
    ] {
        assert!(n > 0, "{name}: nothing checked");
        report.push(format!("{name}: {n} 种情形，指标 {c:?}"));
        covered.extend(c);
    }
    let idx = publish::index::index(&r);
    let stated: BTreeSet<u32> = idx
        .categories
        .iter()
        .flat_map(|c| &c.indicators)
        .filter(|i| i.scoring.as_ref().is_some_and(decided_by_data))
        .map(|i| i.no)
        .collect();
    assert_eq!(covered, stated, "{report:#?}");
    // The category cap (优化服务: 22 points of indicators, 20 declared).
    assert!(category_cap_agrees(&r) >= 3);
    // The indicators the brief names: the ladder, per-year comparisons, any-of and a cap.
    for no in [4, 1, 2, 5, 6, 29, 35, 11, 39] {
        assert!(covered.contains(&no), "indicator {no}");
    }
}

#[test]
fn evidence_names_what_is_judged_where_it_comes_from_how_it_is_scored_and_its_own_notes() {
    // A `// 解读` note written directly above one sub-item belongs to that item only.
    let note = "以省级媒体刊发的报道原文为准";
    let original = zhibiao::builtin::find("sd-nmsz", "2023")
        .expect("built-in")
        .text;
    let text = original.replace(
        "      item 1 \"创新工作被省级媒体宣传报道\"",
        &format!("      // 解读：{note}。\n      item 1 \"创新工作被省级媒体宣传报道\""),
    );
    assert_ne!(text, original);
    let r = rules(&text);
    let tasks = publish::tasks::tasks(&r);
    let mut seen = 0;
    for t in &tasks {
        for j in &t.judged {
            let (_, ind) = r
                .indicators()
                .find(|(_, i)| i.no.value == j.indicator)
                .expect("indicator");
            let e = &j.evidence;
            // What is to be shown: the item's own text, or the indicator's official rule text.
            let what = match &ind.score {
                Some(ScoreForm::Judged { .. }) => &ind.rule.as_ref().expect("rule text").value,
                _ => &j.text,
            };
            assert!(e.starts_with(&format!("证明“{what}”的材料")), "{e}");
            for s in &ind.sources {
                assert!(e.contains(&s.value), "{e}");
            }
            let method = &ind.method.as_ref().expect("method").value;
            assert!(e.contains(&format!("评估方式：{method}")), "{e}");
            let how = match &ind.score {
                Some(ScoreForm::Judged { .. }) => {
                    format!("由专家在 0 至 {} 分之间评分", ind.points.value.normalize())
                }
                Some(ScoreForm::Any { award, .. }) => {
                    format!(
                        "任一项经专家认定达到即得 {} 分，多项达到不累加",
                        award.value.normalize()
                    )
                }
                _ => format!("经专家认定达到得 {} 分", j.max.normalize()),
            };
            assert!(e.contains(&how), "{e}");
            assert_eq!(e.contains(note), j.key == "34.1", "{}: {e}", j.key);
            seen += 1;
        }
    }
    assert!(seen >= r.judgements.len(), "{seen}");
    // A whole judged indicator carries its own notes; items without notes above them none.
    let all: Vec<_> = tasks.iter().flat_map(|t| &t.judged).collect();
    let whole = all.iter().find(|j| j.key == "33").expect("33");
    assert!(whole.evidence.contains("解读："), "{}", whole.evidence);
    let plain_item = all.iter().find(|j| j.key == "12.1").expect("12.1");
    assert!(
        !plain_item.evidence.contains("解读："),
        "{}",
        plain_item.evidence
    );
}
