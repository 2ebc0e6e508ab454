//! Rule files from the command line: what `--rules` and `--as-of` pick, where `extends` finds a
//! version on disk, and the `zhibiao rules` listing.
//!
//! `--rules` takes a rule file, a folder (its `.zb` files and those of its sub-folders, together
//! with the built-in versions of the same set), or a built-in id (`sd-nmsz`, `sd-nmsz@2023`).
//! Without a version, the newest (latest `effective`) is taken, or with `--as-of` the one in
//! force that day. A version that `extends` another is looked for beside it, in the sibling
//! folder named for the set (`../<set>/`), and among the built-in versions.

use crate::files::{RULE_FILE, read_text};
use crate::{EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE, print_diags};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zhibiao::diag::{self, Diagnostic, SourceMap};
use zhibiao::eval::Program;
use zhibiao::versions::{self, Day, Entry, RuleRef, RuleText};
use zhibiao::{builtin, codes};

/// The `.zb` files in a folder and in its immediate sub-folders, sorted.
pub fn rule_files_in(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let name: Arc<str> = Arc::from(dir.display().to_string());
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::error(codes::MISSING, format!("无法读取目录：{e}"))
            .in_file(&name)
            .help("检查目录路径是否正确")
    })?;
    let mut files = Vec::new();
    for p in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if p.is_dir() {
            if let Ok(inner) = std::fs::read_dir(&p) {
                files.extend(
                    inner
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.is_file() && is_rule_file(p)),
                );
            }
        } else if is_rule_file(&p) {
            files.push(p);
        }
    }
    files.sort();
    Ok(files)
}

fn is_rule_file(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "zb")
}

/// Rule files read from disk, with what their headers say, cached by folder.
#[derive(Default)]
pub struct Disk {
    folders: HashMap<PathBuf, Vec<(Entry, RuleText)>>,
    /// Texts to take instead of the files' own, by path: the editor's unsaved texts of the rule
    /// files open in it (`zhibiao lsp`).
    pub unsaved: HashMap<PathBuf, Arc<str>>,
    /// Files on disk found for an `extends` or `accepts` that share a built-in version's set and
    /// version but not its content (`ZB712` warnings), each once.
    pub shadowed: Vec<Diagnostic>,
}

impl Disk {
    /// The versions in a folder (its files only), read once.
    fn folder(&mut self, dir: &Path) -> &[(Entry, RuleText)] {
        let unsaved = &self.unsaved;
        self.folders.entry(dir.to_path_buf()).or_insert_with(|| {
            let Ok(list) = std::fs::read_dir(dir) else {
                return Vec::new();
            };
            let mut paths: Vec<PathBuf> = list
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && is_rule_file(p))
                .collect();
            paths.sort();
            paths
                .into_iter()
                .filter_map(|p| {
                    let (name, text) = match unsaved.get(&p) {
                        Some(t) => (Arc::from(p.display().to_string()), t.clone()),
                        None => read_text(&p, codes::MISSING, RULE_FILE).ok()?,
                    };
                    let e = versions::entry(&name, &text)?;
                    Some((e, RuleText { name, text }))
                })
                .collect()
        })
    }

    /// Finds a version asked for by `extends` or `accepts`: beside the asking file, in the
    /// sibling folder named for the set, then among the built-in versions.
    pub fn find(&mut self, r: &RuleRef) -> Option<RuleText> {
        let from = Path::new(&**r.from);
        if from.is_file() {
            let dir = match from.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let mut dirs = vec![dir.clone()];
            if let Some(parent) = dir.parent() {
                let base = if parent.as_os_str().is_empty() {
                    Path::new("..")
                } else {
                    parent
                };
                let sibling = base.join(r.set);
                if sibling != dir {
                    dirs.push(sibling);
                }
            }
            for d in dirs {
                let found = self
                    .folder(&d)
                    .iter()
                    .find(|(e, _)| e.set == r.set && e.version == r.version)
                    .cloned();
                if let Some((_, t)) = found {
                    self.note_shadowing(r, &t);
                    return Some(t);
                }
            }
        }
        zhibiao::builtin::find_builtin(r)
    }

    /// Notes a file on disk taken instead of the built-in version with the same set and version
    /// when their contents differ: the revision builds on the edited copy, which its author should
    /// know.
    fn note_shadowing(&mut self, r: &RuleRef, t: &RuleText) {
        let Some(b) = builtin::find(r.set, r.version) else {
            return;
        };
        if b.text == &*t.text
            || self
                .shadowed
                .iter()
                .any(|d| d.file.as_ref() == Some(&t.name))
        {
            return;
        }
        self.shadowed.push(
            Diagnostic::warning(
                codes::BUILTIN_SHADOWED,
                format!(
                    "{} 基于的 {}@{} 用的是本地文件 {}，它与内置的同一版本（{}）内容不同",
                    r.from,
                    r.set,
                    r.version,
                    t.name,
                    builtin::display_name(b)
                ),
            )
            .in_file(&t.name)
            .help(
                "如果本地文件是有意修改的，可以忽略；如果要基于官方版本，请删除或改名这个本地文件，或把它的 version 改成新的版本号",
            ),
        );
    }
}

/// Loads a rule file with the versions it builds on. Warnings are printed; errors are returned.
///
/// Rules that `lint` finds errors in are refused too, with those errors: a rule file that cannot
/// score every indicator as written must not decide anyone's verdict. (Warnings do not stop it;
/// an `allow` in the file acknowledges a finding here as it does for `lint`.)
pub fn load(text: RuleText, sources: &mut SourceMap) -> Result<Program, Vec<Diagnostic>> {
    let mut disk = Disk::default();
    let (rules, diags) = versions::load(&text.name, &text.text, &mut |r| disk.find(r));
    sources.add(&text.name, &text.text);
    if let Some(r) = &rules {
        r.add_sources(sources);
    }
    print_diags(&disk.shadowed, sources);
    if diag::has_errors(&diags) {
        return Err(diags);
    }
    let report =
        zhibiao::lint::lint_with(&text.name, &text.text, &mut |r| disk.find(r), Vec::new());
    let lint_errors: Vec<Diagnostic> = report
        .open(diag::Severity::Error)
        .map(|f| f.diag.clone())
        .collect();
    if !lint_errors.is_empty() {
        errln!(
            "规则文件 {} 有 {} 处 lint 错误，不能用于评估：按这样的规则，有的指标无法计分或会算错。请先运行 zhibiao lint {} 修正。",
            text.name,
            lint_errors.len(),
            text.name
        );
        return Err(lint_errors);
    }
    print_diags(&diags, sources);
    rules.map(Program::new).ok_or(diags)
}

/// Reads `--as-of`.
pub fn parse_as_of(s: &str) -> Result<Day, Diagnostic> {
    Day::parse(s).ok_or_else(|| {
        Diagnostic::error(codes::LITERAL, format!("--as-of 的日期“{s}”无效"))
            .help("写成 年-月-日，如 --as-of 2025-07-01")
    })
}

/// Picks the rule file `--rules` (or the submission's `ruleset`) and `--as-of` ask for.
/// `spec_from_cli` says whether `spec` came from the command line. Only the command line may
/// name a file or folder (files are chosen by whoever runs the command); a submission names
/// built-in rule sets only. A version named by the submission gives way to `--as-of`; one named
/// on the command line conflicts with it.
pub fn choose(
    spec: Option<&str>,
    as_of: Option<Day>,
    spec_from_cli: bool,
) -> Result<RuleText, Diagnostic> {
    let builtin_text = |f: &builtin::BuiltinFile| RuleText {
        name: Arc::from(builtin::display_name(f)),
        text: Arc::from(f.text),
    };
    let Some(spec) = spec else {
        return pick_builtin(builtin::DEFAULT_SET, as_of).map(builtin_text);
    };
    let path = Path::new(spec);
    if spec_from_cli && path.is_file() {
        if as_of.is_some() {
            return Err(Diagnostic::error(
                codes::MISSING,
                "--as-of 按日期选版本，不能与一个具体的规则文件同时使用",
            )
            .help("去掉 --as-of，或把 --rules 改为规则目录或规则集编号（如 sd-nmsz）"));
        }
        let (name, text) = read_text(path, codes::MISSING, RULE_FILE)?;
        return Ok(RuleText { name, text });
    }
    if spec_from_cli && path.is_dir() {
        return choose_in_folder(path, as_of);
    }
    let (set, version) = match spec.split_once('@') {
        Some((s, v)) => (s, Some(v)),
        None => (spec, None),
    };
    if !builtin::catalog().iter().any(|e| e.set == set) {
        let looks_like_path = spec.contains('/') || spec.contains('\\') || spec.ends_with(".zb");
        let sets = versions::sets(builtin::catalog()).join("、");
        return Err(if !spec_from_cli {
            Diagnostic::error(
                codes::MISSING,
                format!("找不到规则“{spec}”：申报文件中的 ruleset 只能写内置规则编号"),
            )
            .help(format!(
                "内置规则集有：{sets}；规则文件或目录请在命令行用 --rules 指定"
            ))
        } else if looks_like_path {
            Diagnostic::error(codes::MISSING, format!("找不到规则文件或目录“{spec}”"))
                .help("检查路径是否正确")
        } else {
            Diagnostic::error(
                codes::MISSING,
                format!("找不到规则“{spec}”：既不是文件或目录，也不是内置规则集"),
            )
            .help(format!("内置规则集有：{sets}；用 zhibiao rules 列出各版本"))
        });
    }
    match (version, as_of) {
        (Some(_), Some(_)) if spec_from_cli => Err(Diagnostic::error(
            codes::MISSING,
            format!("--rules {spec} 已指定版本，不能再用 --as-of 按日期选版本"),
        )
        .help(format!(
            "只写其中一个：--rules {spec}，或 --rules {set} --as-of 年-月-日"
        ))),
        (Some(v), None) => builtin::find(set, v).map(builtin_text).ok_or_else(|| {
            Diagnostic::error(codes::MISSING, format!("内置规则集 {set} 没有 {v} 版")).help(
                format!("{set} 的版本有：{}", version_list(builtin::catalog(), set)),
            )
        }),
        // A version named by the submission gives way to the command line's --as-of.
        (_, as_of) => pick_builtin(set, as_of).map(builtin_text),
    }
}

fn pick_builtin(
    set: &str,
    as_of: Option<Day>,
) -> Result<&'static builtin::BuiltinFile, Diagnostic> {
    let found = match as_of {
        Some(day) => builtin::in_force(set, day),
        None => builtin::newest(set),
    };
    found.ok_or_else(|| no_version(builtin::catalog(), set, as_of))
}

fn no_version(entries: &[Entry], set: &str, as_of: Option<Day>) -> Diagnostic {
    let msg = match as_of {
        Some(day) => format!("{day} 没有生效的 {set} 版本"),
        None => format!("没有 {set} 的规则文件"),
    };
    Diagnostic::error(codes::MISSING, msg)
        .help(format!("{set} 的版本有：{}", version_list(entries, set)))
}

/// `2023（2023-11-01 起）、2025（2025-07-01 起）`.
fn version_list(entries: &[Entry], set: &str) -> String {
    let list: Vec<String> = entries
        .iter()
        .filter(|e| e.set == set)
        .map(|e| match (&e.effective, &e.until) {
            (Some(f), Some(u)) => format!("{}（{f} 至 {u}）", e.version),
            (Some(f), None) => format!("{}（{f} 起）", e.version),
            _ => format!("{}（未写生效日期）", e.version),
        })
        .collect();
    if list.is_empty() {
        "（无）".into()
    } else {
        list.join("、")
    }
}

/// The versions a folder offers: its own and its sub-folders' files, and the built-in versions
/// of the same sets that it does not replace.
fn folder_catalog(dir: &Path) -> Result<(Vec<Entry>, HashMap<String, RuleText>), Diagnostic> {
    let mut texts = HashMap::new();
    let mut files = Vec::new();
    for p in rule_files_in(dir)? {
        let (name, text) = read_text(&p, codes::MISSING, RULE_FILE)?;
        files.push(RuleText { name, text });
    }
    let mut entries = versions::catalog(&files);
    for f in &files {
        texts.insert(f.name.to_string(), f.clone());
    }
    let own_sets: Vec<String> = versions::sets(&entries)
        .into_iter()
        .map(String::from)
        .collect();
    for f in builtin::FILES {
        let name = builtin::display_name(f);
        let Some(e) = versions::entry(&Arc::from(name.as_str()), f.text) else {
            continue;
        };
        if own_sets.contains(&e.set) && versions::find_entry(&entries, &e.set, &e.version).is_none()
        {
            texts.insert(
                name.clone(),
                RuleText {
                    name: Arc::from(name),
                    text: Arc::from(f.text),
                },
            );
            entries.push(e);
        }
    }
    Ok((entries, texts))
}

fn choose_in_folder(dir: &Path, as_of: Option<Day>) -> Result<RuleText, Diagnostic> {
    let (entries, texts) = folder_catalog(dir)?;
    let shown: Arc<str> = Arc::from(dir.display().to_string());
    let sets = versions::sets(&entries);
    let set =
        match sets.as_slice() {
            [] => {
                return Err(Diagnostic::error(codes::MISSING, "目录里没有规则文件（.zb）")
                .in_file(&shown)
                .help("--rules 后面写规则文件、含 .zb 文件的目录，或内置规则编号（如 sd-nmsz）"));
            }
            [one] => *one,
            many if many.contains(&builtin::DEFAULT_SET) => builtin::DEFAULT_SET,
            many => {
                return Err(Diagnostic::error(
                    codes::MISSING,
                    format!("目录里有多个规则集：{}", many.join("、")),
                )
                .in_file(&shown)
                .help("把 --rules 指向其中一个规则集的目录"));
            }
        };
    let found = match as_of {
        Some(day) => versions::in_force(&entries, set, day),
        None => versions::newest(&entries, set),
    };
    let e = found.ok_or_else(|| no_version(&entries, set, as_of).in_file(&shown))?;
    texts
        .get(&*e.name)
        .cloned()
        .ok_or_else(|| Diagnostic::error(codes::MISSING, "规则文件无法读取").in_file(&e.name))
}

/// Date and layout findings (`ZB701`–`ZB705`, `ZB709`, `ZB710`) for the given rule files, read
/// together with the built-in versions they do not replace. Only findings about the given files
/// are returned.
#[allow(dead_code)] // for `lint`, once it learns about versions (see the versions merge)
pub fn date_findings(files: &[(Arc<str>, Arc<str>)]) -> Vec<Diagnostic> {
    let mut texts: Vec<RuleText> = files
        .iter()
        .map(|(name, text)| RuleText {
            name: name.clone(),
            text: text.clone(),
        })
        .collect();
    let given = versions::catalog(&texts);
    for f in builtin::texts() {
        let already = texts.iter().any(|t| t.name == f.name);
        let shadowed = versions::entry(&f.name, &f.text)
            .is_some_and(|e| versions::find_entry(&given, &e.set, &e.version).is_some());
        if !already && !shadowed {
            texts.push(f);
        }
    }
    versions::check_dates(&versions::catalog(&texts))
        .into_iter()
        .filter(|d| {
            d.file
                .as_ref()
                .is_some_and(|f| files.iter().any(|(n, _)| n == f))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// zhibiao rules

#[derive(Serialize)]
struct JsonListing {
    sets: Vec<JsonSet>,
    problems: Vec<JsonProblem>,
}

#[derive(Serialize)]
struct JsonSet {
    id: String,
    title: String,
    versions: Vec<JsonVersion>,
}

#[derive(Serialize)]
struct JsonVersion {
    version: String,
    effective: Option<String>,
    until: Option<String>,
    extends: Option<String>,
    accepts: Option<String>,
    /// Digest of the resolved rules: what reports carry.
    digest: Option<String>,
    /// Digest of this file alone.
    file_digest: String,
    file: String,
    builtin: bool,
    indicators: Option<usize>,
    errors: usize,
}

#[derive(Serialize)]
struct JsonProblem {
    code: &'static str,
    severity: zhibiao::diag::Severity,
    message: String,
    file: Option<String>,
    line: Option<usize>,
    help: Option<String>,
}

/// `zhibiao rules [PATH…]`: the built-in versions and those in the given files and folders, with
/// dates, digests and date findings. Exit 1 when a finding is an error.
pub fn run_rules(paths: &[PathBuf], json: bool) -> u8 {
    let mut sources = SourceMap::new();
    let mut files: Vec<(RuleText, bool)> = Vec::new();
    let mut problems: Vec<Diagnostic> = Vec::new();
    for p in paths {
        let list = if p.is_dir() {
            match rule_files_in(p) {
                Ok(l) => l,
                Err(d) => {
                    problems.push(d);
                    continue;
                }
            }
        } else {
            vec![p.clone()]
        };
        for f in list {
            match read_text(&f, codes::MISSING, RULE_FILE) {
                Ok((name, text)) => files.push((RuleText { name, text }, false)),
                Err(d) => problems.push(d),
            }
        }
    }
    if !problems.is_empty() {
        print_diags(&problems, &sources);
        return EXIT_UNUSABLE;
    }
    let on_disk: Vec<Entry> =
        versions::catalog(&files.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>());
    for f in builtin::texts() {
        let shadowed = versions::entry(&f.name, &f.text)
            .is_some_and(|e| versions::find_entry(&on_disk, &e.set, &e.version).is_some());
        if !shadowed {
            files.push((f, true));
        }
    }
    for (t, _) in &files {
        sources.add(&t.name, &t.text);
    }
    let texts: Vec<RuleText> = files.iter().map(|(t, _)| t.clone()).collect();
    let entries = versions::catalog(&texts);
    problems.extend(versions::check_dates(&entries));

    let mut disk = Disk::default();
    let mut listing = JsonListing {
        sets: Vec::new(),
        problems: Vec::new(),
    };
    for set in versions::sets(&entries) {
        let mut js = JsonSet {
            id: set.to_string(),
            title: String::new(),
            versions: Vec::new(),
        };
        for e in entries.iter().filter(|e| e.set == set) {
            let Some((t, is_builtin)) = files.iter().find(|(t, _)| t.name == e.name) else {
                continue;
            };
            let (rules, diags) = versions::load(&t.name, &t.text, &mut |r| disk.find(r));
            if let Some(r) = &rules {
                r.add_sources(&mut sources);
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            problems.extend(diags.into_iter().filter(Diagnostic::is_error));
            js.title = e.title.clone();
            js.versions.push(JsonVersion {
                version: e.version.clone(),
                effective: e.effective.clone(),
                until: e.until.clone(),
                extends: e.extends.clone(),
                accepts: e.accepts.clone(),
                digest: rules.as_ref().map(|r| r.digest.clone()),
                file_digest: e.digest.clone(),
                file: e.name.to_string(),
                builtin: *is_builtin,
                indicators: rules.as_ref().map(|r| r.indicators().count()),
                errors,
            });
        }
        listing.sets.push(js);
    }
    let failed = diag::has_errors(&problems);
    if json {
        listing.problems = problems
            .iter()
            .map(|p| {
                let line = match (&p.file, p.span) {
                    (Some(f), Some(s)) => sources.line_col(f, s.start).map(|(l, _)| l),
                    _ => None,
                };
                JsonProblem {
                    code: p.code,
                    severity: p.severity,
                    message: p.message.clone(),
                    file: p.file.as_ref().map(|f| f.to_string()),
                    line,
                    help: p.help.clone(),
                }
            })
            .collect();
        match serde_json::to_string_pretty(&listing) {
            Ok(s) => outln!("{s}"),
            Err(e) => {
                errln!("无法生成 JSON：{e}");
                return crate::EXIT_INTERNAL;
            }
        }
    } else {
        out!("{}", listing_text(&listing));
        print_diags(&problems, &sources);
    }
    if failed { EXIT_FINDINGS } else { EXIT_OK }
}

fn listing_text(l: &JsonListing) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    for s in &l.sets {
        let _ = writeln!(o, "规则集 {}：{}", s.id, s.title);
        for v in &s.versions {
            let dates = match (&v.effective, &v.until) {
                (Some(f), Some(u)) => format!("{f} 至 {u}"),
                (Some(f), None) => format!("{f} 起"),
                _ => "未写生效日期".into(),
            };
            let mut notes = Vec::new();
            if let Some(x) = &v.extends {
                notes.push(format!("基于 {x}"));
            }
            if let Some(x) = &v.accepts {
                notes.push(format!("接受 {x} 的申报"));
            }
            if let Some(n) = v.indicators {
                notes.push(format!("{n} 个指标"));
            }
            if v.errors > 0 {
                notes.push(format!("{} 个错误", v.errors));
            }
            let _ = writeln!(o, "  {} 版　{dates}　{}", v.version, notes.join("，"));
            let _ = writeln!(o, "    文件：{}", v.file);
            match &v.digest {
                Some(d) if *d != v.file_digest => {
                    let _ = writeln!(o, "    摘要：{d}（合成后的规则；本文件 {}）", v.file_digest);
                }
                Some(d) => {
                    let _ = writeln!(o, "    摘要：{d}");
                }
                None => {
                    let _ = writeln!(o, "    摘要：（规则无法使用）本文件 {}", v.file_digest);
                }
            }
        }
    }
    o
}
