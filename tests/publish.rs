//! `zhibiao doc`: the index document, the task lists and a revision's changes, published from
//! the rules. The DOCX is read back by an independent reader (zip + roxmltree) and converted to
//! PDF by headless LibreOffice where it is installed.

use crate::common::{outcome, root, rules};
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::io::Read;
use zhibiao::eval::Evaluation;
use zhibiao::model::RuleSet;
use zhibiao::publish::{self, Format, index::Scoring};
use zhibiao::syntax::ast::{ArithOp, ExprKind, How, Overlap, ScoreForm};

fn builtin() -> RuleSet {
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

fn scored(r: &RuleSet, toml: &str) -> Evaluation {
    let reference = file("examples/province-2024.toml");
    match outcome(r, toml, Some(&reference), false) {
        zhibiao::assess::Outcome::Scored { evaluation, .. } => *evaluation,
        zhibiao::assess::Outcome::Unusable(d) => panic!("unusable: {d:?}"),
    }
}

/// Every tier bound the document states, checked against the scorer exactly on the bound,
/// just below and just above: the document says which tier (or tiers) a value lies in, and the
/// scorer must award what the document's rows and overlap rule say.
fn bounds_agree(r: &RuleSet, base: &str) -> usize {
    let idx = publish::index::index(r);
    let mut checked = 0;
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
        let doc = idx
            .categories
            .iter()
            .flat_map(|c| &c.indicators)
            .find(|i| i.no == ind.no.value)
            .expect("indicator in the document");
        let Some(Scoring::Tiers { rows, overlap, .. }) = &doc.scoring else {
            panic!("indicator {} is documented as tiers", doc.no)
        };
        let base_num = data_int(base, num);
        for bound in rows.iter().flat_map(|r| [&r.lo, &r.hi]).flatten() {
            let (bn, bd) = fraction(bound.value);
            let m = (base_num + bn - 1) / bn;
            let (x, y) = (bn * m, bd * m);
            for (label, den_value) in [("恰好等于", y), ("低于", y + 1), ("高于", y - 1)] {
                // What the document says: the rows the value x / den_value lies in.
                let v_cmp = |b: &publish::index::Bound| {
                    // x / den ? b  ⇔  x ? b · den (den > 0)
                    Decimal::from_i128_with_scale(x, 0)
                        .cmp(&(b.value * Decimal::from_i128_with_scale(den_value, 0)))
                };
                let inside: Vec<Decimal> = rows
                    .iter()
                    .filter(|row| {
                        row.lo.as_ref().is_none_or(|b| match v_cmp(b) {
                            std::cmp::Ordering::Greater => true,
                            std::cmp::Ordering::Equal => b.inclusive,
                            std::cmp::Ordering::Less => false,
                        }) && row.hi.as_ref().is_none_or(|b| match v_cmp(b) {
                            std::cmp::Ordering::Less => true,
                            std::cmp::Ordering::Equal => b.inclusive,
                            std::cmp::Ordering::Greater => false,
                        })
                    })
                    .map(|row| row.points)
                    .collect();
                let expected = match overlap {
                    Some(Overlap::Lower) => inside.iter().min(),
                    _ => inside.iter().max(),
                }
                .copied()
                .unwrap_or_default();
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
    checked
}

/// The whole-number value of `data.key` in a TOML submission.
fn data_int(toml: &str, key: &str) -> i128 {
    let doc: toml_edit::DocumentMut = toml.parse().expect("toml");
    i128::from(doc["data"][key].as_integer().expect("a whole number"))
}

#[test]
fn tier_bound_statements_agree_with_the_scorer_at_and_beside_each_bound() {
    let r = builtin();
    let checked = bounds_agree(&r, &file("examples/pass.toml"));
    // Indicators 3, 7, 8 and 9: two bounds each (shared bounds counted per row), three sides.
    assert!(checked >= 4 * 3 * 3, "{checked} cases");
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
    assert!(bounds_agree(&r, &file("examples/pass.toml")) >= 4 * 3);
}

#[test]
fn every_owner_gets_a_task_list_and_every_input_and_judged_item_has_an_owner() {
    let r = builtin();
    let tasks = publish::tasks::tasks(&r);
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
    let listed: BTreeSet<String> = tasks.iter().map(|t| t.owner.clone()).collect();
    assert_eq!(listed, named);
    assert!(listed.contains("市场监管局"));
    let supplied: BTreeSet<&str> = tasks
        .iter()
        .flat_map(|t| &t.inputs)
        .map(|i| i.key.as_str())
        .collect();
    for i in &r.inputs {
        assert!(
            supplied.contains(i.name.value.as_str()),
            "input {} has no owner",
            i.name.value
        );
    }
    let judged: BTreeSet<&str> = tasks
        .iter()
        .flat_map(|t| &t.judged)
        .map(|j| j.key.as_str())
        .collect();
    for key in r.judgements.keys() {
        assert!(
            judged.contains(key.as_str()),
            "judged item {key} has no owner"
        );
    }
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
