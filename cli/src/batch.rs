//! `zhibiao eval` over many submissions (several files, a folder, a table with one district per
//! row), and over one filled-in XLSX template.
//!
//! Every submission is scored against the same rule set (`--rules`, or the built-in one) and
//! the same reference file. Submissions are read and scored in parallel (rayon); a progress
//! bar shows on a terminal and stays hidden when standard error is not one, or under `CI`. A
//! submission that cannot be used is reported (its messages on standard error, a line in the
//! ranking) and the others go on; the exit code is then [`crate::EXIT_SOME_FAILED`].

use crate::args::{EvalArgs, OutFormat, ReportFormat};
use crate::eval::{load_references, load_rules};
use crate::files::{self, References, read_bytes};
use crate::{EXIT_INTERNAL, EXIT_OK, EXIT_SOME_FAILED, EXIT_UNUSABLE, print_diags, render_opts};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use zhibiao::assess::{
    Input, Outcome, Reference, assess_loaded, assess_loaded_scores, score_loaded,
};
use zhibiao::batch::{self, FailedRow, RankRow};
use zhibiao::diag::{self, Diagnostic, SourceMap};
use zhibiao::eval::Evaluation;
use zhibiao::eval::Program;
use zhibiao::model::RuleSet;
use zhibiao::submission::table::{
    RawRow, RowParser, TableRow, each_streamed_csv_row, read_csv, read_xlsx_table, row_label,
    stream_csv,
};
use zhibiao::submission::{self, Format, ReferenceOrigin, Submission, load_cells};
use zhibiao::{codes, report};

/// One submission to score.
enum Job {
    /// A TOML or JSON file, read when scored.
    Text { path: PathBuf, format: Format },
    /// A filled-in XLSX template, already read.
    Xlsx { name: Arc<str>, bytes: Vec<u8> },
    /// One row of a table.
    Row {
        file: Arc<str>,
        digest: String,
        row: Box<TableRow>,
    },
    /// Could not even be read.
    Failed {
        name: String,
        problems: Vec<Diagnostic>,
    },
}

impl Job {
    fn name(&self) -> String {
        match self {
            Job::Text { path, .. } => path.display().to_string(),
            Job::Xlsx { name, .. } => name.to_string(),
            Job::Row { file, row, .. } => format!("{file} {}", row_label(row.row)),
            Job::Failed { name, .. } => name.clone(),
        }
    }
}

/// What scoring one job gave.
enum Done {
    Scored {
        name: String,
        sub: Box<Submission>,
        evaluation: Box<Evaluation>,
        warnings: Vec<Diagnostic>,
        sources: SourceMap,
    },
    /// Scored, kept as its ranking row only (no reports asked for: saves memory in big batches).
    Ranked(RankRow),
    Failed {
        name: String,
        problems: Vec<Diagnostic>,
        sources: SourceMap,
    },
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') || n.starts_with("~$"))
}

fn ext(p: &Path) -> String {
    p.extension()
        .and_then(|x| x.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}

/// The submissions the command line names: files as they are, folders by their `.toml`,
/// `.json`, `.xlsx` and `.csv` files (sorted, not descending into subfolders).
fn expand(paths: &[PathBuf]) -> Vec<Result<PathBuf, Job>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            match std::fs::read_dir(p) {
                Ok(entries) => {
                    let mut files: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.is_file() && !is_hidden(f))
                        .filter(|f| matches!(ext(f).as_str(), "toml" | "json" | "xlsx" | "csv"))
                        .collect();
                    files.sort();
                    if files.is_empty() {
                        out.push(Err(Job::Failed {
                            name: p.display().to_string(),
                            problems: vec![
                                Diagnostic::error(codes::SUB_SYNTAX, "目录里没有申报文件")
                                    .in_file(&Arc::from(p.display().to_string()))
                                    .help("申报文件的扩展名应为 .toml、.json、.xlsx 或 .csv"),
                            ],
                        }));
                    }
                    out.extend(files.into_iter().map(Ok));
                }
                Err(e) => out.push(Err(Job::Failed {
                    name: p.display().to_string(),
                    problems: vec![
                        Diagnostic::error(codes::SUB_SYNTAX, format!("无法读取目录：{e}"))
                            .in_file(&Arc::from(p.display().to_string())),
                    ],
                })),
            }
        } else {
            out.push(Ok(p.clone()));
        }
    }
    out
}

/// Turns one file into jobs: a table gives one job per row.
/// A table with a header and no district rows.
fn header_only(name: &Arc<str>) -> Diagnostic {
    Diagnostic::error(codes::SUB_SHEET, "表格只有表头，没有地区数据")
        .in_file(name)
        .help("表头下面每个地区填一行")
}

/// The jobs of a CSV table, as [`jobs_of`] makes them, given to `each` [`REPORT_CHUNK`] at a
/// time: the table is streamed once to check it whole (a table refused as a whole gives no
/// rows) and to take its digest, then again a chunk of rows at a time, so only one chunk is
/// held however long the table is. A table that reads differently the second time (changed
/// while it was being scored) ends as a failed job. Stops when `each` says so (`false`), and
/// says whether it was stopped.
fn csv_jobs_chunked(rules: &RuleSet, path: &Path, each: &mut dyn FnMut(Vec<Job>) -> bool) -> bool {
    let name: Arc<str> = Arc::from(path.display().to_string());
    let failed = |problems| Job::Failed {
        name: name.to_string(),
        problems,
    };
    let open = || -> Result<_, Vec<Diagnostic>> {
        let file = std::fs::File::open(path).map_err(|e| {
            vec![
                Diagnostic::error(
                    codes::SUB_SYNTAX,
                    format!("无法读取文件：{}", files::io_reason(&e)),
                )
                .in_file(&name)
                .help("检查文件路径是否正确、文件是否存在"),
            ]
        })?;
        Ok(submission::xlsx::Digesting::new(std::io::BufReader::new(
            file,
        )))
    };
    let mut rows = 0usize;
    let checked = open().and_then(|(input, digest)| {
        each_streamed_csv_row(rules, &name, Box::new(input), |_| rows += 1)?;
        Ok(digest.finish())
    });
    let digest = match checked {
        Ok(d) => d,
        Err(problems) => return each(vec![failed(problems)]),
    };
    if rows == 0 {
        return each(vec![failed(vec![header_only(&name)])]);
    }
    let (input, again) = match open() {
        Ok(x) => x,
        Err(problems) => return each(vec![failed(problems)]),
    };
    let mut pending: Vec<Job> = Vec::with_capacity(REPORT_CHUNK);
    let mut go = true;
    let read = each_streamed_csv_row(rules, &name, Box::new(input), |row| {
        if !go {
            return;
        }
        pending.push(Job::Row {
            file: name.clone(),
            digest: digest.clone(),
            row: Box::new(row),
        });
        if pending.len() >= REPORT_CHUNK {
            go = each(std::mem::take(&mut pending));
        }
    });
    if go && !pending.is_empty() {
        go = each(pending);
    }
    if go && (read.is_err() || again.finish() != digest) {
        return each(vec![failed(vec![
            Diagnostic::error(
                codes::SUB_SYNTAX,
                "表格在评估过程中被改动：第二次读到的内容与第一次不同",
            )
            .in_file(&name)
            .help("评估期间不要修改或替换这个文件；改好后重新运行，已写出的报告以重新运行的为准"),
        ])]);
    }
    go
}

fn jobs_of(rules: &RuleSet, path: &Path) -> Vec<Job> {
    let name: Arc<str> = Arc::from(path.display().to_string());
    let failed = |problems| {
        vec![Job::Failed {
            name: name.to_string(),
            problems,
        }]
    };
    let kind = ext(path);
    if kind == "toml" || kind == "json" {
        let format = if kind == "toml" {
            Format::Toml
        } else {
            Format::Json
        };
        return vec![Job::Text {
            path: path.to_path_buf(),
            format,
        }];
    }
    if kind != "xlsx" && kind != "csv" {
        return failed(vec![
            Diagnostic::error(codes::SUB_SYNTAX, "无法判断申报文件格式")
                .in_file(&name)
                .help("申报文件的扩展名应为 .toml、.json 或 .xlsx；多个地区的表格用 .csv 或 .xlsx"),
        ]);
    }
    let limit = if kind == "csv" {
        files::TABLE
    } else {
        files::WORKBOOK
    };
    let bytes = match read_bytes(path, codes::SUB_SYNTAX, limit) {
        Ok(b) => b,
        Err(d) => return failed(vec![d]),
    };
    if kind == "xlsx" && submission::xlsx::is_template(&bytes) {
        return vec![Job::Xlsx { name, bytes }];
    }
    let rows = if kind == "csv" {
        read_csv(rules, &name, &bytes)
    } else {
        read_xlsx_table(rules, &name, &bytes)
    };
    let digest = submission::xlsx::digest_bytes(&bytes);
    match rows {
        Ok(rows) if rows.is_empty() => failed(vec![header_only(&name)]),
        Ok(rows) => rows
            .into_iter()
            .map(|row| Job::Row {
                file: name.clone(),
                digest: digest.clone(),
                row: Box::new(row),
            })
            .collect(),
        Err(problems) => failed(problems),
    }
}

/// A submission that asks for another rule set than the batch uses.
fn ruleset_mismatch(rules: &RuleSet, sub: &Submission) -> Option<Diagnostic> {
    let asked = sub.ruleset.as_deref()?.trim();
    let (id, version) = asked
        .split_once('@')
        .map_or((asked, None), |(i, v)| (i, Some(v)));
    if id == rules.id() && version.is_none_or(|v| v == rules.version()) {
        return None;
    }
    Some(
        Diagnostic::error(
            codes::SUB_SYNTAX,
            format!(
                "申报要求规则 {asked}，本次批量评估使用 {}@{}",
                rules.id(),
                rules.version()
            ),
        )
        .in_file(&sub.file)
        .help(format!(
            "用 zhibiao eval --rules {asked} 单独评估它，或改正申报中的 ruleset（规则版本）"
        )),
    )
}

/// A submission as a loader gives it: the submission if usable, and the problems found.
type Loaded = (Option<Submission>, Vec<Diagnostic>);

/// Reads one job's submission, with the texts its messages point into.
fn load_job(rules: &RuleSet, job: Job) -> Result<(Loaded, SourceMap), Done> {
    let name = job.name();
    let mut sources = SourceMap::new();
    let loaded = match job {
        Job::Failed { problems, .. } => {
            return Err(Done::Failed {
                name,
                problems,
                sources,
            });
        }
        Job::Text { path, format } => {
            let file: Arc<str> = Arc::from(path.display().to_string());
            match read_bytes(&path, codes::SUB_SYNTAX, files::DATA_FILE).and_then(|b| {
                String::from_utf8(b).map_err(|e| {
                    Diagnostic::error(
                        codes::SUB_SYNTAX,
                        format!(
                            "文件不是 UTF-8 编码（第 {} 字节处）",
                            e.utf8_error().valid_up_to()
                        ),
                    )
                    .in_file(&file)
                    .help("用文本编辑器把文件另存为 UTF-8 编码")
                })
            }) {
                Ok(text) => {
                    sources.add(&file, &Arc::from(text.as_str()));
                    submission::load(rules, &file, &text, format)
                }
                Err(d) => (None, vec![d]),
            }
        }
        Job::Xlsx { name: file, bytes } => submission::load_xlsx(rules, &file, &bytes),
        Job::Row { file, digest, row } => {
            let (sub, mut diags) = load_cells(rules, &file, &row.doc, digest, Vec::new());
            // A message that names a cell (`AH3：…`) already says the row.
            for d in diags.iter_mut().filter(|d| d.cell.is_none()) {
                d.message = format!("{}：{}", row_label(row.row), d.message);
            }
            (sub, diags)
        }
    };
    let mismatch = loaded.0.as_ref().and_then(|s| ruleset_mismatch(rules, s));
    if let Some(d) = mismatch {
        return Err(Done::Failed {
            name,
            problems: vec![d],
            sources,
        });
    }
    Ok((loaded, sources))
}

/// Scores one job; without `explain` the evaluation carries scores only.
fn score(rules: &Program, job: Job, refs: &Refs, strict: bool, explain: bool) -> Done {
    let name = job.name();
    let (loaded, mut sources) = match load_job(rules, job) {
        Ok(x) => x,
        Err(done) => return done,
    };
    let reference = match refs.for_loaded(&loaded) {
        Ok(r) => r.and_then(|r| r.input),
        Err(d) => {
            return Done::Failed {
                name,
                problems: vec![d],
                sources,
            };
        }
    };
    if let Some(r) = reference {
        sources.add(r.name, &Arc::from(r.text));
    }
    let outcome = if explain {
        assess_loaded(rules, loaded, reference, strict)
    } else {
        assess_loaded_scores(rules, loaded, reference, strict)
    };
    match outcome {
        Outcome::Scored {
            mut submission,
            evaluation,
            warnings,
        } => {
            if submission.reference_file.is_some() {
                submission.reference_origin = refs.origin;
            }
            Done::Scored {
                name,
                sub: submission,
                evaluation,
                warnings,
                sources,
            }
        }
        Outcome::Unusable(problems) => Done::Failed {
            name,
            problems,
            sources,
        },
    }
}

/// Scores one job for a ranking only, with the compiled scorer: the same row [`score`] and
/// [`batch::row`] give, without building an evaluation.
fn rank(rules: &Program, job: Job, refs: &Refs) -> Done {
    let name = job.name();
    match load_job(rules, job) {
        Ok((loaded, sources)) => rank_loaded(rules, name, loaded, sources, refs),
        Err(done) => done,
    }
}

fn rank_loaded(
    rules: &Program,
    name: String,
    loaded: Loaded,
    sources: SourceMap,
    refs: &Refs,
) -> Done {
    let reference = match refs.for_loaded(&loaded) {
        Ok(r) => r,
        Err(d) => {
            return Done::Failed {
                name,
                problems: vec![d],
                sources,
            };
        }
    };
    let how = reference.and_then(|r| match &r.loaded {
        Some(sub) => Some(Reference::Loaded(sub)),
        None => r.input.map(Reference::Text),
    });
    match score_loaded(rules, loaded, how) {
        Ok((sub, scores)) => Done::Ranked(batch::row_of_scores(rules, &name, &sub, &scores)),
        Err(problems) => {
            let mut sources = sources;
            if let Some((name, text)) = reference.and_then(|r| r.text.as_ref()) {
                sources.add(name, text);
            }
            Done::Failed {
                name,
                problems,
                sources,
            }
        }
    }
}

/// The reference file for a ranking: its text, and its data read once when reading it raised
/// no problem (otherwise each submission reads it, so each reports the problem as `eval`
/// does).
struct Ref<'a> {
    input: Option<Input<'a>>,
    loaded: Option<Submission>,
    /// Its name and text, for messages that point into it.
    text: Option<(Arc<str>, Arc<str>)>,
}

/// The reference data of a batch: `--reference`, or the files of the rule folder, each read
/// once, each with the evaluation year its name is for. Each submission takes the one for its
/// year ([`files::pick_for_year`]).
struct Refs<'a> {
    folder: Option<&'a Path>,
    files: Vec<(Option<i32>, Ref<'a>)>,
    origin: ReferenceOrigin,
    /// The evaluation years of scored submissions that had no reference file.
    years_without: Mutex<BTreeSet<i32>>,
}

impl<'a> Refs<'a> {
    fn new(rules: &RuleSet, references: Option<&'a References>) -> Refs<'a> {
        let Some(r) = references else {
            return Refs {
                folder: None,
                files: Vec::new(),
                origin: ReferenceOrigin::Named,
                years_without: Mutex::new(BTreeSet::new()),
            };
        };
        let files = r
            .files
            .iter()
            .map(|(year, t)| {
                let input = t.input();
                let loaded = match submission::load_reference(rules, &t.name, &t.text, t.format) {
                    (Some(sub), diags) if diags.is_empty() => Some(sub),
                    _ => None,
                };
                let text = Some((t.name.clone(), t.text.clone()));
                (
                    *year,
                    Ref {
                        input: Some(input),
                        loaded,
                        text,
                    },
                )
            })
            .collect();
        Refs {
            folder: r.folder.as_deref(),
            files,
            origin: r.origin(),
            years_without: Mutex::new(BTreeSet::new()),
        }
    }

    /// The reference file for a loaded submission's year (none for one that did not load);
    /// an error asking which one when the rule folder has two for that year.
    fn for_loaded(&self, loaded: &Loaded) -> Result<Option<&Ref<'a>>, Diagnostic> {
        let Some(sub) = &loaded.0 else {
            return Ok(None);
        };
        let found = files::pick_for_year(self.folder, &self.files, ref_name, sub.year)?;
        if found.is_none()
            && let Ok(mut years) = self.years_without.lock()
        {
            years.insert(sub.year);
        }
        Ok(found)
    }
}

fn ref_name<'r>(r: &'r Ref<'_>) -> &'r str {
    r.text.as_ref().map_or("", |(name, _)| &**name)
}

/// How many rows of a streamed table are scored at once: enough to keep both cores busy,
/// few enough that memory does not grow with the table.
const CHUNK: usize = 4096;

/// Scores one record of a table for a ranking; `None` for an empty row.
fn rank_raw(
    rules: &Program,
    name: &Arc<str>,
    parser: &RowParser,
    raw: &RawRow,
    reference: &Refs,
) -> Option<Done> {
    let label = row_label(u32::try_from(raw.r + 1).unwrap_or(u32::MAX));
    // A clean row is read straight into a submission; any other goes through the full
    // reading, which says what is wrong with it.
    if let Some(sub) = parser.quick(raw, "") {
        return Some(rank_loaded(
            rules,
            format!("{name} {label}"),
            (Some(sub), Vec::new()),
            SourceMap::new(),
            reference,
        ));
    }
    match parser.parse(raw) {
        Ok(Some(row)) => Some(rank(
            rules,
            Job::Row {
                file: name.clone(),
                // The file's digest is for reports; a ranking does not show it.
                digest: String::new(),
                row: Box::new(row),
            },
            reference,
        )),
        Ok(None) => None,
        Err(problems) => Some(Done::Failed {
            name: format!("{name} {label}"),
            problems,
            sources: SourceMap::new(),
        }),
    }
}

/// What a ranking keeps of its districts: the rows, and the others (those that could not be
/// evaluated) in input order. Rows are kept apart from the first, never as [`Done`]s to be
/// moved later: a million-row table's ranking holds each row once.
#[derive(Default)]
struct Kept {
    rows: Vec<RankRow>,
    others: Vec<Done>,
}

impl Kept {
    fn push(&mut self, d: Done) {
        match d {
            Done::Ranked(r) => self.rows.push(r),
            other => self.others.push(other),
        }
    }

    fn extend(&mut self, done: impl IntoIterator<Item = Done>) {
        for d in done {
            self.push(d);
        }
    }
}

/// Ranks the rows of a CSV table as they are read, a chunk at a time, into `kept`.
fn rank_csv(rules: &Program, path: &Path, reference: &Refs, bar: &ProgressBar, kept: &mut Kept) {
    let name: Arc<str> = Arc::from(path.display().to_string());
    let failed = |problems| Done::Failed {
        name: name.to_string(),
        problems,
        sources: SourceMap::new(),
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return kept.push(failed(vec![
                Diagnostic::error(codes::SUB_SYNTAX, format!("无法读取文件：{e}"))
                    .in_file(&name)
                    .help("检查文件是否存在、是否有读取权限"),
            ]));
        }
    };
    let mut rows = match stream_csv(rules, &name, Box::new(std::io::BufReader::new(file))) {
        Ok(rows) => rows,
        Err(problems) => return kept.push(failed(problems)),
    };
    let mut any = false;
    let (records, parser) = rows.split();
    let (mut chunk, mut stop) = records.chunk(CHUNK);
    loop {
        if chunk.is_empty() && stop.is_none() {
            break;
        }
        bar.inc_length(chunk.len() as u64);
        let current = std::mem::take(&mut chunk);
        let reading = stop.is_none();
        // The next chunk is read while this one is scored on the other threads.
        let (next, scored) = rayon::join(
            || {
                if reading {
                    records.chunk(CHUNK)
                } else {
                    (Vec::new(), None)
                }
            },
            || {
                current
                    .into_par_iter()
                    .filter_map(|raw| {
                        let d = rank_raw(rules, &name, parser, &raw, reference);
                        bar.inc(1);
                        d
                    })
                    .collect::<Vec<Done>>()
            },
        );
        any |= !scored.is_empty();
        kept.extend(scored);
        if let Some(problems) = stop.take() {
            return kept.push(failed(problems));
        }
        (chunk, stop) = next;
    }
    if !any {
        kept.push(failed(vec![header_only(&name)]));
    }
}

/// A progress bar whose length grows as jobs are found (a streamed table's rows are counted as
/// they are read); shown only for more than one submission on a terminal.
fn progress(many: bool) -> ProgressBar {
    let shown = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() && many;
    let target = if shown {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(0), target);
    if let Ok(style) =
        ProgressStyle::with_template("评估中 [{bar:30}] {pos}/{len}（{per_sec}，还需约 {eta}）")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// What a district's report file is named after: its region, or its file's name.
fn report_base(name: &str, sub: &Submission) -> String {
    sub.region
        .clone()
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| {
            Path::new(name)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(name)
                .to_string()
        })
}

/// The most bytes of a district's name kept in its report's file name (255, the limit of common
/// file systems, less room for `-12345.json`).
const MAX_NAME_BYTES: usize = 240;

/// A file name for a district's report: its region (or source), with characters file systems
/// refuse replaced, unique within the batch.
pub(crate) fn report_name(base: &str, ext: &str, used: &mut HashSet<String>) -> String {
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim().trim_matches('.');
    // File systems take names of at most 255 bytes: a long name is cut at a character boundary,
    // leaving room for a number that keeps it unique and the extension.
    let mut end = clean.len().min(MAX_NAME_BYTES);
    while !clean.is_char_boundary(end) {
        end -= 1;
    }
    let clean = clean.get(..end).unwrap_or_default().trim_end().to_string();
    let clean = if clean.is_empty() {
        "地区".to_string()
    } else {
        clean
    };
    let mut name = format!("{clean}.{ext}");
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{clean}-{n}.{ext}");
        n += 1;
    }
    name
}

pub fn run(args: EvalArgs) -> u8 {
    let mut sources = SourceMap::new();
    let paths = expand(&args.submissions);
    let (spec, allow_paths) = (args.rules.as_deref(), true);
    let rules = match load_rules(spec, args.as_of.as_deref(), allow_paths, &mut sources) {
        Ok(r) => r,
        Err(diags) => {
            print_diags(&diags, &sources);
            errln!("规则无法使用，无法评估。");
            return EXIT_UNUSABLE;
        }
    };
    let references =
        match load_references(args.reference.as_deref(), args.rules.as_deref(), &sources) {
            Ok(r) => r,
            Err(code) => return code,
        };
    let refs = Refs::new(&rules, references.as_ref());
    if let Some(r) = references.as_ref().filter(|r| r.folder.is_some()) {
        match r.names().as_slice() {
            [one] => errln!("全省参照数据：使用规则目录中的 {one}（未指定 --reference）"),
            many => errln!(
                "全省参照数据：规则目录中有 {}，按各份申报的评估年度选用（未指定 --reference）",
                many.join("、")
            ),
        }
    }
    if args.format == OutFormat::Xlsx
        && let Err(e) = files::binary_on_terminal("排名.xlsx", args.output.as_deref())
    {
        errln!("{e}");
        return EXIT_UNUSABLE;
    }
    let many = paths.len() > 1
        || paths
            .iter()
            .any(|p| matches!(p, Ok(x) if matches!(ext(x).as_str(), "csv" | "xlsx")));
    let bar = progress(many);
    let (mut rows, done): (Vec<RankRow>, Vec<Done>) = if args.out_dir.is_none() && !args.strict {
        // A ranking only: tables streamed, scores from the compiled scorer, the reference read
        // once.
        let reference = &refs;
        let mut done = Kept::default();
        let mut pending: Vec<Job> = Vec::new();
        let flush = |pending: &mut Vec<Job>, done: &mut Kept| {
            bar.inc_length(pending.len() as u64);
            let scored: Vec<Done> = std::mem::take(pending)
                .into_par_iter()
                .map(|job| {
                    let d = rank(&rules, job, reference);
                    bar.inc(1);
                    d
                })
                .collect();
            done.extend(scored);
        };
        for p in paths {
            match p {
                Ok(path) if ext(&path) == "csv" => {
                    flush(&mut pending, &mut done);
                    rank_csv(&rules, &path, reference, &bar, &mut done);
                }
                Ok(path) => pending.extend(jobs_of(&rules, &path)),
                Err(job) => pending.push(job),
            }
            if pending.len() >= CHUNK {
                flush(&mut pending, &mut done);
            }
        }
        flush(&mut pending, &mut done);
        (done.rows, done.others)
    } else {
        let mut reports = match &args.out_dir {
            Some(dir) => match Reports::open(
                dir,
                args.report_format,
                files::Inputs::of(
                    &args.submissions,
                    args.reference.as_deref(),
                    args.rules.as_deref(),
                ),
            ) {
                Ok(r) => Some(r),
                Err(e) => {
                    bar.finish_and_clear();
                    errln!("{e}");
                    return EXIT_UNUSABLE;
                }
            },
            None => None,
        };
        // In chunks, each scored and its reports written before the next is read (a CSV table
        // is streamed: checked whole first, then its rows parsed a chunk at a time): memory
        // stays flat however many districts a batch has, and reports are made in parallel.
        // Ranking rows are kept apart as they come, never as `Done`s moved later.
        let mut done = Kept::default();
        let mut unwritten: Option<String> = None;
        let mut run = |chunk: Vec<Job>| -> bool {
            bar.inc_length(chunk.len() as u64);
            let scored: Vec<(Done, Option<(String, String)>)> = chunk
                .into_par_iter()
                .map(|job| {
                    let explain = reports.is_some();
                    let d = score(&rules, job, &refs, args.strict, explain);
                    let out = match (d, &reports) {
                        (
                            Done::Scored {
                                name,
                                sub,
                                evaluation,
                                warnings,
                                sources,
                            },
                            report_to,
                        ) => {
                            let body = report_to.as_ref().map(|r| {
                                let ctx = report::Context {
                                    rules: &rules,
                                    sub: &sub,
                                    problems: &warnings,
                                    sources: &sources,
                                };
                                (report_base(&name, &sub), r.render(&ctx, &evaluation))
                            });
                            (Done::Ranked(batch::row(&name, &sub, &evaluation)), body)
                        }
                        (d, _) => (d, None),
                    };
                    bar.inc(1);
                    out
                })
                .collect();
            for (d, body) in scored {
                if let (Some(r), Some((base, body))) = (reports.as_mut(), body)
                    && let Err(e) = r.write(&base, &body)
                {
                    unwritten = Some(e);
                    return false;
                }
                done.push(d);
            }
            true
        };
        for p in paths {
            let go = match p {
                Ok(path) if ext(&path) == "csv" => csv_jobs_chunked(&rules, &path, &mut run),
                Ok(path) => {
                    let mut jobs = jobs_of(&rules, &path).into_iter();
                    let mut go = true;
                    while go {
                        let chunk: Vec<Job> = jobs.by_ref().take(REPORT_CHUNK).collect();
                        if chunk.is_empty() {
                            break;
                        }
                        go = run(chunk);
                    }
                    go
                }
                Err(job) => run(vec![job]),
            };
            if !go {
                break;
            }
        }
        if let Some(e) = unwritten {
            bar.finish_and_clear();
            errln!("{e}");
            return EXIT_UNUSABLE;
        }
        if let Some(r) = &reports {
            bar.finish_and_clear();
            errln!("已把 {} 份评估报告写入 {}", r.written, r.dir.display());
        }
        (done.rows, done.others)
    };
    bar.finish_and_clear();

    // Messages of the submissions that could not be used, in input order.
    let opts = render_opts();
    for d in &done {
        if let Done::Failed {
            name,
            problems,
            sources,
        } = d
        {
            let errors = problems.iter().filter(|p| p.is_error()).count();
            errln!("── {name}：无法评估（{errors} 处错误）");
            diagln!("{}", diag::render_all(problems, sources, opts));
        }
    }
    // Ranking rows are moved out, not copied (a big batch holds little else).
    rows.reserve(done.len());
    let mut failed: Vec<FailedRow> = Vec::new();
    for d in done {
        match d {
            Done::Ranked(r) => rows.push(r),
            Done::Scored {
                name,
                sub,
                evaluation,
                ..
            } => rows.push(batch::row(&name, &sub, &evaluation)),
            Done::Failed { name, problems, .. } => failed.push(FailedRow {
                source: name,
                problems,
            }),
        }
    }
    let scored = rows.len();
    let order = if args.passing_first {
        batch::Order::PassingFirst
    } else {
        batch::Order::Total
    };
    let ranking = batch::ranking(&rules, rows, failed, order);
    // Said once the districts are scored: without them there is nothing it could cost.
    let years_without: Vec<String> = refs
        .years_without
        .lock()
        .map(|y| y.iter().map(i32::to_string).collect())
        .unwrap_or_default();
    if !years_without.is_empty() && !ranking.rows.is_empty() {
        let province: Vec<&str> = rules
            .inputs
            .iter()
            .filter(|d| submission::is_province_key(&d.name.value))
            .map(|d| d.label.value.as_str())
            .collect();
        if !province.is_empty() {
            let what = match refs.folder {
                Some(folder) => format!(
                    "规则目录 {} 中没有 {} 年度的全省参照数据",
                    folder.display(),
                    years_without.join("、")
                ),
                None => "没有提供全省参照数据（--reference）".to_string(),
            };
            errln!(
                "⚠ {what}：规则读取 {} 项全省数据（{}）。各地区的申报文件里没有这些数据的，相关指标会按缺少数据计 0 分。请用 --reference 指定全省参照数据文件，或由省级部门把它以 参照数据.toml（只用于一个年度的：参照数据-年度.toml）为名放在规则目录中。",
                province.len(),
                province.join("、")
            );
        }
    }
    // The text ranking says it itself; other formats are for programs, so people hear it here.
    if args.format != OutFormat::Text {
        for (region, sources) in ranking.duplicate_regions() {
            errln!(
                "⚠ “{region}”出现在 {} 份申报中（{}）：请确认是否重复提交，或地区名称写错。",
                sources.len(),
                sources.join("、")
            );
        }
    }
    let (bytes, binary) = match args.format {
        OutFormat::Text => (ranking.to_text().into_bytes(), false),
        // Written as they are made: a big ranking is not held a second time as text.
        OutFormat::Csv | OutFormat::Json => (Vec::new(), false),
        OutFormat::Xlsx => match ranking.to_xlsx() {
            Ok(b) => (b, true),
            Err(e) => {
                errln!("{e}");
                return EXIT_INTERNAL;
            }
        },
        OutFormat::Markdown | OutFormat::Html => {
            errln!(
                "排名表的格式可以是 text、csv、json 或 xlsx；markdown 和 html 用于单个地区的报告（批量时可配合 --out-dir）。"
            );
            return EXIT_UNUSABLE;
        }
    };
    let written = match args.format {
        OutFormat::Csv => {
            crate::files::write_output_with(args.output.as_deref(), |w| ranking.write_csv(w))
        }
        OutFormat::Json => {
            crate::files::write_output_with(args.output.as_deref(), |w| ranking.write_json(w))
        }
        _ => crate::files::write_output(
            args.output.as_deref(),
            &bytes,
            binary.then_some("排名.xlsx"),
        ),
    };
    if let Err(e) = written {
        errln!("{e}");
        return EXIT_UNUSABLE;
    }
    let undetermined = ranking
        .rows
        .iter()
        .filter(|r| r.verdict == zhibiao::eval::Verdict::Undetermined)
        .count();
    match (scored, ranking.failed.len()) {
        (_, 0) if undetermined > 0 => {
            errln!(
                "{undetermined} 份申报无法判定是否合格：规则无法为其中的指标计分（退出码 {EXIT_SOME_FAILED}）。请先运行 zhibiao lint 修正规则。"
            );
            EXIT_SOME_FAILED
        }
        (_, 0) => EXIT_OK,
        (0, n) => {
            errln!("全部 {n} 份申报都无法评估。");
            EXIT_UNUSABLE
        }
        (ok, n) => {
            errln!("{ok} 份已评估，{n} 份无法评估（退出码 {EXIT_SOME_FAILED}）。");
            EXIT_SOME_FAILED
        }
    }
}

/// How many districts are scored, reported and written before the next are read.
const REPORT_CHUNK: usize = 64;

/// The folder of per-district reports (`--out-dir`), written as districts are scored.
struct Reports {
    dir: PathBuf,
    format: ReportFormat,
    inputs: files::Inputs,
    used: HashSet<String>,
    written: usize,
}

impl Reports {
    /// Creates the folder. Refuses a folder that holds an input with the reports' extension: a
    /// report named after its district could overwrite it, and reports are written as districts
    /// are scored, so the names are not all known before the first is written.
    fn open(dir: &Path, format: ReportFormat, inputs: files::Inputs) -> Result<Reports, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("无法创建目录 {}：{e}", dir.display()))?;
        let ext = Reports::ext(format);
        if let Some(clash) = inputs.in_folder(dir, ext) {
            return Err(format!(
                "不能把报告写入 {}：其中的 {} 是本次读取的输入文件，以地区命名的 .{ext} 报告可能覆盖它。请用 --out-dir 指定另一个目录",
                dir.display(),
                clash.display()
            ));
        }
        Ok(Reports {
            dir: dir.to_path_buf(),
            format,
            inputs,
            used: HashSet::new(),
            written: 0,
        })
    }

    fn ext(format: ReportFormat) -> &'static str {
        match format {
            ReportFormat::Text => "txt",
            ReportFormat::Json => "json",
        }
    }

    /// A district's report, as `eval` writes it.
    fn render(&self, ctx: &report::Context, evaluation: &Evaluation) -> String {
        match self.format {
            ReportFormat::Text => report::to_text(ctx, evaluation),
            ReportFormat::Json => {
                serde_json::to_string_pretty(&report::to_json(ctx, evaluation)).unwrap_or_default()
                    + "\n"
            }
        }
    }

    /// Writes a district's report under a name made from `base`, unique in the batch.
    fn write(&mut self, base: &str, body: &str) -> Result<(), String> {
        let name = report_name(base, Reports::ext(self.format), &mut self.used);
        let file = self.dir.join(name);
        self.inputs.refuse(&file)?;
        std::fs::write(&file, body).map_err(|e| format!("无法写入 {}：{e}", file.display()))?;
        self.written += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rules with one count input and one indicator that scores it, for the table tests.
    fn one_input_rules() -> RuleSet {
        let text = "ruleset t \"t\" { version \"1\" points 1 pass total >= 1 }\n\
                    input market_entities \"市场主体数量\" count\n\
                    category \"甲\" points 1 { indicator 1 \"一\" points 1 { score market_entities } }\n";
        let (rules, _) = zhibiao::builtin::load(&Arc::from("t.zb"), text);
        rules.expect("rules")
    }

    /// A folder of this test run's own, named after `what`.
    fn scratch(what: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("zhibiao-{what}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    /// A CSV table for reports is given a chunk at a time (so memory holds one chunk, not the
    /// table's rows), every row once and in order; a table with no rows is one failure; and
    /// reading stops when the chunk's caller says so.
    #[test]
    fn a_csv_table_for_reports_is_given_a_chunk_at_a_time() {
        let rules = one_input_rules();
        let dir = scratch("chunks");
        let table = dir.join("t.csv");
        let mut text = String::from("region,year,market_entities\n");
        for i in 0..150 {
            text.push_str(&format!("区{i},2024,{i}\n"));
        }
        std::fs::write(&table, &text).expect("write table");
        let mut sizes = Vec::new();
        let mut rows = Vec::new();
        let whole = csv_jobs_chunked(&rules, &table, &mut |chunk| {
            sizes.push(chunk.len());
            rows.extend(chunk.iter().map(|j| match j {
                Job::Row { row, .. } => row.row,
                _ => u32::MAX,
            }));
            true
        });
        assert!(whole);
        assert_eq!(
            sizes,
            vec![REPORT_CHUNK, REPORT_CHUNK, 150 - 2 * REPORT_CHUNK]
        );
        // Rows as the sheet numbers them: the header is row 1.
        assert_eq!(rows, (2..=151).collect::<Vec<u32>>());
        // Stopped after the first chunk.
        let mut chunks = 0;
        assert!(!csv_jobs_chunked(&rules, &table, &mut |_| {
            chunks += 1;
            false
        }));
        assert_eq!(chunks, 1);
        // A header and no rows.
        std::fs::write(&table, "region,year,market_entities\n").expect("write table");
        let mut failed = Vec::new();
        csv_jobs_chunked(&rules, &table, &mut |chunk| {
            failed.extend(chunk.into_iter().map(|j| matches!(j, Job::Failed { .. })));
            true
        });
        assert_eq!(failed, vec![true]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The table is streamed twice, never held; rows given from a second reading that differs
    /// from the first (the file was changed while it was being scored) end with a failure that
    /// says so, and a table read the same twice gives each row's job the digest of its bytes.
    #[test]
    fn a_table_changed_between_its_two_readings_ends_as_a_failure() {
        let rules = one_input_rules();
        let dir = scratch("changed");
        let table = dir.join("t.csv");
        let mut text = String::from("region,year,market_entities\n");
        // Far more than a read buffer, so that the second reading is still going on when the
        // file changes.
        for i in 0..5_000 {
            text.push_str(&format!("区{i},2024,{i}\n"));
        }
        std::fs::write(&table, &text).expect("write table");
        let mut digests = std::collections::BTreeSet::new();
        assert!(csv_jobs_chunked(&rules, &table, &mut |chunk| {
            for j in &chunk {
                if let Job::Row { digest, .. } = j {
                    digests.insert(digest.clone());
                }
            }
            true
        }));
        let want = submission::xlsx::digest_bytes(text.as_bytes());
        assert_eq!(digests.into_iter().collect::<Vec<_>>(), vec![want]);

        let mut first = true;
        let mut failures = Vec::new();
        csv_jobs_chunked(&rules, &table, &mut |chunk| {
            if first {
                first = false;
                // Rewritten in place: the open file reads on into the new content.
                std::fs::write(&table, text.replace("2024", "2023")).expect("rewrite table");
            }
            for j in chunk {
                if let Job::Failed { problems, .. } = j {
                    failures.extend(problems.into_iter().map(|p| p.message));
                }
            }
            true
        });
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(failures[0].contains("被改动"), "{failures:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
