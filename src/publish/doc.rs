//! A document as a list of blocks (title, headings, paragraphs, tables) that every renderer lays
//! out the same way, and the builders that turn the index, the task lists and a revision's
//! changes into one.

use super::index::{self, IndexDoc, IndicatorDoc, Scoring};
use super::tasks::{InputTask, JudgedTask, OwnerIndicator, OwnerTasks, Unowned};
use crate::diff::{Change, Kind, RuleDiff};
use crate::number::plain;
use crate::syntax::ast::Tier;

/// A document: a title and blocks in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// The title (the first line, and the file's title property).
    pub title: String,
    /// The blocks.
    pub blocks: Vec<Block>,
}

/// One block of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading of level 1 (chapter) to 3.
    Heading(u8, String),
    /// A paragraph.
    Para(String),
    /// A paragraph with a bold lead: `指标说明：` followed by text.
    Labeled(String, String),
    /// A table.
    Table(Table),
}

/// A table with one header row (repeated on every page in DOCX).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What the table is (a worksheet's name in XLSX).
    pub caption: String,
    /// The header row.
    pub header: Vec<String>,
    /// Relative column widths, one per column.
    pub widths: Vec<u32>,
    /// The body rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

const CHINESE_NUMBERS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn chapter(i: usize) -> String {
    CHINESE_NUMBERS
        .get(i)
        .map_or_else(|| (i + 1).to_string(), |s| (*s).to_string())
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "—".into()
    } else {
        v.join("、")
    }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

/// The blocks of one indicator: heading, official text, method, scoring, notes.
pub fn indicator_blocks(ind: &IndicatorDoc) -> Vec<Block> {
    let mut b = vec![Block::Heading(
        3,
        format!("{}. {}（{} 分）", ind.no, ind.name, plain(ind.points)),
    )];
    if let Some(r) = &ind.rule {
        b.push(Block::Labeled("指标说明及打分标准".into(), r.clone()));
    }
    let mut facts = Vec::new();
    if let Some(n) = &ind.nature {
        facts.push(format!("变量性质：{n}"));
    }
    facts.push(format!("评估方式：{}", opt(&ind.method)));
    facts.push(format!("数据或资料来源：{}", list(&ind.sources)));
    facts.push(format!("责任单位：{}", list(&ind.owners)));
    b.push(Block::Para(facts.join("；")));
    b.push(Block::Labeled(
        "计分方法".into(),
        "（由规则文件生成，与计分程序一致）".into(),
    ));
    match &ind.scoring {
        Some(Scoring::Tiers {
            subject,
            overlap,
            rows,
            ..
        }) => {
            b.push(Block::Para(format!("按“{subject}”分档计分：")));
            b.push(Block::Table(Table {
                caption: format!("指标{}分档", ind.no),
                header: vec!["档次".into(), "取值范围".into(), "得分".into()],
                widths: vec![1, 5, 1],
                rows: rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        vec![
                            format!("第 {} 档", i + 1),
                            r.statement.clone(),
                            plain(r.points),
                        ]
                    })
                    .collect(),
            }));
            b.push(Block::Para(format!(
                "不在以上各档的得 0 分；{}。",
                index::overlap_text(*overlap)
            )));
            if let Some(c) = ind.cap {
                b.push(Block::Para(format!(
                    "本指标得分最高不超过 {} 分。",
                    plain(c)
                )));
            }
        }
        Some(Scoring::Items(items)) | Some(Scoring::Any { items, .. }) => {
            if let Some(Scoring::Any { award, .. }) = &ind.scoring {
                b.push(Block::Para(format!(
                    "以下任一子项达到即得 {} 分，多项达到不累加。",
                    plain(*award)
                )));
            } else {
                b.push(Block::Para("各子项分别判定，得分相加。".into()));
            }
            b.push(Block::Table(Table {
                caption: format!("指标{}子项", ind.no),
                header: vec![
                    "子项".into(),
                    "内容".into(),
                    "分值".into(),
                    "判定方式".into(),
                ],
                widths: vec![1, 5, 1, 4],
                rows: items
                    .iter()
                    .map(|it| {
                        vec![
                            it.key.clone(),
                            it.text.clone(),
                            it.points.map_or("—".into(), plain),
                            match &it.condition {
                                Some(c) => format!("按数据：满足“{c}”时得分"),
                                None => format!("专家认定（评审结论键“{}”）", it.key),
                            },
                        ]
                    })
                    .collect(),
            }));
            if let Some(c) = ind.cap {
                b.push(Block::Para(format!(
                    "本指标得分最高不超过 {} 分。",
                    plain(c)
                )));
            }
        }
        _ => {
            // Nesting is shown with ideographic spaces, which every format keeps as they are.
            for l in index::scoring_lines(ind) {
                let body = l.trim_start_matches(' ');
                let depth = (l.len() - body.len()) / 2;
                b.push(Block::Para(format!(
                    "{}{body}",
                    "\u{3000}".repeat(depth * 2)
                )));
            }
        }
    }
    for n in &ind.notes {
        b.push(Block::Labeled("解读".into(), n.clone()));
    }
    b
}

/// The index document.
pub fn index_doc(d: &IndexDoc) -> Doc {
    let title = if d.version.is_empty() {
        d.title.clone()
    } else {
        format!("{}（{} 版）", d.title, d.version)
    };
    let mut b = Vec::new();
    let mut facts = vec![format!(
        "规则集 {}{}",
        d.id,
        if d.version.is_empty() {
            String::new()
        } else {
            format!("@{}", d.version)
        }
    )];
    if let Some(e) = &d.effective {
        facts.push(format!("{e} 起施行"));
    }
    if let Some(u) = &d.until {
        facts.push(format!("施行至 {u}"));
    }
    if let Some(p) = d.points {
        facts.push(format!("总分 {} 分", plain(p)));
    }
    b.push(Block::Para(facts.join("；") + "。"));
    if let Some(s) = &d.source {
        b.push(Block::Labeled("依据".into(), s.clone()));
    }
    b.push(Block::Para(
        "本文件由规则文件自动生成：指标说明逐字照录规则文件，计分方法由规则本身推导，与计分程序一致。"
            .into(),
    ));
    b.push(Block::Heading(1, "合格标准".into()));
    if d.pass.is_empty() {
        b.push(Block::Para("规则未规定合格标准。".into()));
    } else {
        b.push(Block::Para(format!("{}。", d.pass.join("，且"))));
    }
    b.push(Block::Para(format!("{}。", d.basis.join("；"))));
    for n in &d.notes {
        b.push(Block::Labeled("解读".into(), n.clone()));
    }

    b.push(Block::Heading(1, "指标体系任务分工表".into()));
    let mut rows = Vec::new();
    for c in &d.categories {
        for i in &c.indicators {
            rows.push(vec![
                i.no.to_string(),
                format!("{}（{} 分）", c.name, plain(c.points)),
                opt(&i.nature),
                format!("{}（{} 分）", i.name, plain(i.points)),
                opt(&i.rule),
                format!("方式：{}。来源：{}。", opt(&i.method), list(&i.sources)),
                list(&i.owners),
            ]);
        }
    }
    b.push(Block::Table(Table {
        caption: "任务分工表".into(),
        header: vec![
            "序号".into(),
            "一级指标".into(),
            "变量性质".into(),
            "三级指标（分值）".into(),
            "指标说明及打分标准".into(),
            "评估方式及数据或资料来源".into(),
            "责任单位".into(),
        ],
        widths: vec![2, 3, 2, 5, 12, 5, 3],
        rows,
    }));

    b.push(Block::Heading(1, "各指标计分方法".into()));
    for (ci, c) in d.categories.iter().enumerate() {
        let sum = if c.indicator_points == c.points {
            String::new()
        } else {
            format!("；所含三级指标分值合计 {} 分", plain(c.indicator_points))
        };
        b.push(Block::Heading(
            2,
            format!("{}、{}（{} 分{sum}）", chapter(ci), c.name, plain(c.points)),
        ));
        for i in &c.indicators {
            b.extend(indicator_blocks(i));
        }
    }
    Doc { title, blocks: b }
}

fn owner_blocks(t: &OwnerTasks, level: u8) -> Vec<Block> {
    let mut b = vec![Block::Heading(level, t.owner.clone())];
    b.push(Block::Para(format!(
        "负责 {} 个指标，涉及分值 {} 分（与其他单位共同负责的指标按全部分值列出）；需提供 {} 项数据，需准备 {} 项评审佐证材料。",
        t.indicators.len(),
        plain(t.points),
        t.inputs.len(),
        t.judged.len()
    )));
    b.extend(task_tables(&t.owner, &t.indicators, &t.inputs, &t.judged));
    b
}

/// What no owner answers for, as a chapter of its own.
fn unowned_blocks(u: &Unowned, level: u8) -> Vec<Block> {
    let mut b = vec![Block::Heading(level, UNOWNED.into())];
    b.push(Block::Para(format!(
        "规则里没有写责任单位的指标 {} 个（及其中没有另写责任单位的子项），没有哪个责任单位提供的数据 {} 项\
         （只由这些指标或只由数据校验读取，或没有被读取），由专家认定而没有责任单位的评审项 {} 项。\
         请在规则文件中补写责任单位（owners），或另行安排。",
        u.indicators.len(),
        u.inputs.len(),
        u.judged.len()
    )));
    b.extend(task_tables(UNOWNED, &u.indicators, &u.inputs, &u.judged));
    b
}

/// The heading (and file name) of what no owner answers for.
pub const UNOWNED: &str = "未指定责任单位的事项";

/// The indicator, data and evidence tables of one task list.
fn task_tables(
    name: &str,
    indicators: &[OwnerIndicator],
    inputs: &[InputTask],
    judged: &[JudgedTask],
) -> Vec<Block> {
    let mut b = Vec::new();
    b.push(Block::Table(Table {
        caption: format!("{name}-指标"),
        header: vec![
            "序号".into(),
            "一级指标".into(),
            "三级指标".into(),
            "分值".into(),
            "负责范围".into(),
            "共同负责单位".into(),
        ],
        widths: vec![1, 2, 6, 1, 2, 3],
        rows: indicators
            .iter()
            .map(|i| {
                vec![
                    i.no.to_string(),
                    i.category.clone(),
                    i.name.clone(),
                    plain(i.at_stake),
                    if i.items.is_empty() {
                        "整个指标".into()
                    } else {
                        format!("子项 {}", i.items.join("、"))
                    },
                    list(&i.shared_with),
                ]
            })
            .collect(),
    }));
    if inputs.is_empty() {
        b.push(Block::Para("无需提供数据。".into()));
    } else {
        b.push(Block::Labeled(
            "需提供的数据".into(),
            "按申报模板的键名填写。".into(),
        ));
        b.push(Block::Table(Table {
            caption: format!("{name}-数据"),
            header: vec![
                "模板键名".into(),
                "数据项".into(),
                "单位".into(),
                "年份".into(),
                "填写说明及来源".into(),
                "用于指标".into(),
            ],
            widths: vec![3, 4, 2, 3, 6, 2],
            rows: inputs
                .iter()
                .map(|i| {
                    let mut label = i.label.clone();
                    if i.optional {
                        label.push_str("（可不填）");
                    }
                    vec![
                        i.key.clone(),
                        label,
                        i.unit.clone(),
                        format!("{}（{}）", i.years, i.shape),
                        opt(&i.help),
                        if i.indicators.is_empty() {
                            "—（没有指标读取）".into()
                        } else {
                            i.indicators
                                .iter()
                                .map(u32::to_string)
                                .collect::<Vec<_>>()
                                .join("、")
                        },
                    ]
                })
                .collect(),
        }));
    }
    if judged.is_empty() {
        b.push(Block::Para("无需准备评审佐证材料。".into()));
    } else {
        b.push(Block::Labeled(
            "需准备的评审佐证材料".into(),
            "申报时在评审结论中按键名填写是否达到及佐证材料名称。".into(),
        ));
        b.push(Block::Table(Table {
            caption: format!("{name}-佐证"),
            header: vec![
                "评审结论键".into(),
                "指标".into(),
                "最高分".into(),
                // What is judged opens the evidence words.
                "需要的佐证材料".into(),
            ],
            widths: vec![1, 3, 1, 9],
            rows: judged
                .iter()
                .map(|j| {
                    vec![
                        j.key.clone(),
                        format!("{}. {}", j.indicator, j.indicator_name),
                        plain(j.max),
                        j.evidence.clone(),
                    ]
                })
                .collect(),
        }));
    }
    b
}

/// The task lists of the given owners, one chapter each; `index` names the rule set.
pub fn tasks_doc(d: &IndexDoc, list: &[OwnerTasks], unowned: Option<&Unowned>) -> Doc {
    let title = match (list, unowned) {
        ([one], None) => format!("{}任务清单", one.owner),
        ([], Some(_)) => UNOWNED.into(),
        _ => "任务分工（各责任单位任务清单）".into(),
    };
    let mut b = vec![Block::Para(format!(
        "依据：{}（{} 版，规则集 {}）。本清单由规则文件自动生成。",
        d.title, d.version, d.id
    ))];
    if list.len() + usize::from(unowned.is_some()) > 1 {
        let mut rows: Vec<Vec<String>> = list
            .iter()
            .map(|t| {
                vec![
                    t.owner.clone(),
                    t.indicators.len().to_string(),
                    plain(t.points),
                    t.inputs.len().to_string(),
                    t.judged.len().to_string(),
                ]
            })
            .collect();
        if let Some(u) = unowned {
            rows.push(vec![
                UNOWNED.into(),
                u.indicators.len().to_string(),
                "—".into(),
                u.inputs.len().to_string(),
                u.judged.len().to_string(),
            ]);
        }
        b.push(Block::Table(Table {
            caption: "汇总".into(),
            header: vec![
                "责任单位".into(),
                "指标数".into(),
                "涉及分值".into(),
                "数据项".into(),
                "评审项".into(),
            ],
            widths: vec![5, 1, 1, 1, 1],
            rows,
        }));
    }
    for t in list {
        b.extend(owner_blocks(t, 1));
    }
    if let Some(u) = unowned {
        b.extend(unowned_blocks(u, 1));
    }
    Doc { title, blocks: b }
}

fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Added => "新增",
        Kind::Removed => "删除",
        Kind::Changed => "修改",
    }
}

/// Tiers in words, as the index states them, one a line.
fn tiers_in_words(tiers: &[Tier]) -> String {
    tiers
        .iter()
        .map(index::tier_statement)
        .collect::<Vec<_>>()
        .join("；\n")
}

fn change_row(place: &str, c: &Change) -> Vec<String> {
    // A tier table is worded as the index words it; other changes as `diff` shows them.
    let (old, new, detail) = match &c.tiers {
        Some(t) => (
            Some(tiers_in_words(&t.old)),
            Some(tiers_in_words(&t.new)),
            t.rows
                .iter()
                .map(|(i, a, b)| {
                    let n = i + 1;
                    match (a, b) {
                        (Some(a), Some(b)) => format!(
                            "第 {n} 档：{} → {}",
                            index::tier_statement(a),
                            index::tier_statement(b)
                        ),
                        (Some(a), None) => format!("删除第 {n} 档：{}", index::tier_statement(a)),
                        (None, Some(b)) => format!("新增第 {n} 档：{}", index::tier_statement(b)),
                        (None, None) => String::new(),
                    }
                })
                .filter(|l| !l.is_empty())
                .collect(),
        ),
        None => (c.old.clone(), c.new.clone(), c.detail.clone()),
    };
    let mut new = new.unwrap_or_else(|| "—".into());
    if !detail.is_empty() {
        new.push('\n');
        new.push_str(&detail.join("\n"));
    }
    vec![
        place.to_string(),
        kind_word(c.kind).into(),
        c.what.clone(),
        old.unwrap_or_else(|| "—".into()),
        new,
    ]
}

fn change_table(caption: &str, rows: Vec<Vec<String>>) -> Block {
    Block::Table(Table {
        caption: caption.into(),
        header: vec![
            "位置".into(),
            "改动".into(),
            "项目".into(),
            "原内容".into(),
            "新内容".into(),
        ],
        widths: vec![3, 2, 3, 6, 6],
        rows,
    })
}

/// A revision's changes.
pub fn changes_doc(d: &RuleDiff) -> Doc {
    let title = format!(
        "{} 修订说明：{} 版 → {} 版",
        d.new.id, d.old.version, d.new.version
    );
    let mut b = vec![
        Block::Labeled(
            "原版本".into(),
            format!(
                "{}@{}（{}，规则摘要 {}）",
                d.old.id, d.old.version, d.old.file, d.old.digest
            ),
        ),
        Block::Labeled(
            "新版本".into(),
            format!(
                "{}@{}（{}，规则摘要 {}）",
                d.new.id, d.new.version, d.new.file, d.new.digest
            ),
        ),
    ];
    let n = d.count();
    if n == 0 {
        b.push(Block::Para(
            "两个版本的规则在内容上没有差别（注释、排版和数字写法不计）。".into(),
        ));
        return Doc { title, blocks: b };
    }
    b.push(Block::Para(format!("共 {n} 处改动。")));
    for (name, list) in [
        ("总体", &d.header),
        ("输入项", &d.inputs),
        ("函数和定义", &d.definitions),
        ("数据校验", &d.checks),
    ] {
        if list.is_empty() {
            continue;
        }
        b.push(Block::Heading(1, name.into()));
        b.push(change_table(
            name,
            list.iter().map(|c| change_row(name, c)).collect(),
        ));
    }
    for c in &d.categories {
        let tag = match c.kind {
            Some(k) => format!("（{}的一级指标）", kind_word(k)),
            None => String::new(),
        };
        b.push(Block::Heading(1, format!("{}{tag}", c.name)));
        let mut rows: Vec<Vec<String>> = c
            .changes
            .iter()
            .map(|ch| change_row("一级指标", ch))
            .collect();
        for i in &c.indicators {
            let no = match (i.old_no, i.new_no) {
                (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
                (_, Some(b)) => b.to_string(),
                (Some(a), None) => a.to_string(),
                (None, None) => String::new(),
            };
            let place = format!("指标 {no}. {}", i.name);
            match i.kind {
                Kind::Added | Kind::Removed => {
                    let text = format!("{}（{} 分）", i.name, i.points);
                    let (old, new) = if i.kind == Kind::Added {
                        ("—".to_string(), text)
                    } else {
                        (text, "—".to_string())
                    };
                    rows.push(vec![
                        place,
                        kind_word(i.kind).into(),
                        "指标".into(),
                        old,
                        new,
                    ]);
                }
                Kind::Changed => {
                    for ch in &i.changes {
                        rows.push(change_row(&place, ch));
                    }
                }
            }
        }
        b.push(change_table(&c.name, rows));
    }
    Doc { title, blocks: b }
}
