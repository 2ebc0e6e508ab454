//! The command line's files: finding rule files, reading texts and data files, writing output.
//! The library never touches files; this module and the commands do.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zhibiao::assess::{Input, Outcome, assess_loaded};
use zhibiao::codes;
use zhibiao::diag::{Diagnostic, SourceMap};
use zhibiao::eval::Program;
use zhibiao::model::RuleSet;
use zhibiao::submission::{self, Format, Submission};

/// The `.zb` files under a path (the path itself when it is a file), sorted, searching folders
/// recursively.
pub fn rule_files(path: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let name: Arc<str> = Arc::from(path.display().to_string());
    if !path.exists() {
        return Err(Diagnostic::error(codes::MISSING, "找不到这个文件或目录")
            .in_file(&name)
            .help("检查路径是否写对"));
    }
    if !path.is_dir() {
        // A file, or anything else that is not a folder: it is read within its limit.
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| {
            Diagnostic::error(codes::MISSING, format!("无法读取目录：{e}"))
                .in_file(&Arc::from(dir.display().to_string()))
        })?;
        for entry in entries.flatten() {
            let p = entry.path();
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "zb") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The paths a command works on: those given, or the `rules` folder of the current directory.
/// `None` when nothing was given and there is no `rules` folder.
pub fn default_paths(paths: Vec<PathBuf>) -> Option<Vec<PathBuf>> {
    if !paths.is_empty() {
        return Some(paths);
    }
    let rules = PathBuf::from("rules");
    rules.is_dir().then(|| vec![rules])
}

/// Writes `bytes` to `path`, or to standard output when there is none. Binary output (an XLSX
/// or DOCX file, `binary` naming an example such as `评估报告.xlsx`) is refused on a terminal
/// ([`binary_on_terminal`]). The error is the message to show.
pub fn write_output(path: Option<&Path>, bytes: &[u8], binary: Option<&str>) -> Result<(), String> {
    match path {
        Some(p) => std::fs::write(p, bytes).map_err(|e| cannot_write(p, &e)),
        None => {
            if let Some(example) = binary {
                binary_on_terminal(example, None)?;
            }
            if crate::term::write_stdout(bytes) {
                Ok(())
            } else {
                Err(crate::OUTPUT_LOST.to_string())
            }
        }
    }
}

/// Refuses binary output (an XLSX or DOCX file; `example` names one to suggest, such as
/// `评估报告.xlsx`) bound for a terminal, where it would show as garbage: the one check of it,
/// which each command makes before any work is done and [`write_output`] again. Written with
/// `-o`, or redirected to a file or a pipe, it goes ahead.
pub fn binary_on_terminal(example: &str, path: Option<&Path>) -> Result<(), String> {
    if path.is_some() || !std::io::stdout().is_terminal() {
        return Ok(());
    }
    let format = Path::new(example)
        .extension()
        .map(|x| x.to_string_lossy().to_uppercase())
        .unwrap_or_default();
    Err(format!(
        "{format} 是二进制文件，不能输出到屏幕：请用 -o 指定输出文件，如 -o {example}（也可以重定向到文件，如 > {example}）"
    ))
}

/// Why a file could not be written, and what to check.
fn cannot_write(p: &Path, e: &std::io::Error) -> String {
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => "所在目录不存在".to_string(),
        _ => io_reason(e),
    };
    format!(
        "无法写入文件 {}：{why}。请检查目录是否存在、是否有写入权限",
        p.display()
    )
}

/// The same as [`write_output`] for text made as it is written (a big ranking): `write` is
/// given the file, or standard output, and what it writes is never held whole in memory.
pub fn write_output_with(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), String> {
    use std::io::Write;
    match path {
        Some(p) => {
            let written = std::fs::File::create(p).and_then(|f| {
                let mut w = std::io::BufWriter::new(f);
                write(&mut w)?;
                w.flush()
            });
            written.map_err(|e| cannot_write(p, &e))
        }
        None if crate::term::write_stdout_with(write) => Ok(()),
        None => Err(crate::OUTPUT_LOST.to_string()),
    }
}

/// The calendar year now (UTC), from the system clock.
pub fn current_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // Howard Hinnant's civil_from_days, year part.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    i32::try_from(year).unwrap_or(2000)
}

/// How much of a file the command line reads, and the code of the error beyond it. The limits are
/// the library's own (docs/limits.md); reading stops one byte past them, so a huge file, or a
/// link to an endless device, is refused without being read whole.
#[derive(Clone, Copy)]
pub struct Limit {
    /// The most bytes accepted.
    pub bytes: usize,
    /// The diagnostic code for a file beyond it.
    pub code: &'static str,
}

/// A rule file or a test file.
pub const RULE_FILE: Limit = Limit {
    bytes: zhibiao::syntax::MAX_FILE_BYTES,
    code: codes::LIMIT,
};
/// A TOML or JSON submission or reference file, or a saved JSON report.
pub const DATA_FILE: Limit = Limit {
    bytes: submission::MAX_SUBMISSION_BYTES,
    code: codes::SUB_LIMIT,
};
/// A workbook (a filled-in template or a table).
pub const WORKBOOK: Limit = Limit {
    bytes: submission::xlsx::MAX_XLSX_BYTES,
    code: codes::SUB_LIMIT,
};
/// A CSV table read whole.
pub const TABLE: Limit = Limit {
    bytes: submission::table::MAX_TABLE_BYTES,
    code: codes::SUB_LIMIT,
};

/// Reads at most `limit.bytes` of a file, or says why not (`code` for a file that cannot be read).
pub fn read_bytes(path: &Path, code: &'static str, limit: Limit) -> Result<Vec<u8>, Diagnostic> {
    let name: Arc<str> = Arc::from(path.display().to_string());
    let cannot = |e: &std::io::Error| {
        Diagnostic::error(code, format!("无法读取文件：{}", io_reason(e)))
            .in_file(&name)
            .help("检查文件路径是否正确、文件是否存在")
    };
    let file = std::fs::File::open(path).map_err(|e| cannot(&e))?;
    let mut bytes = Vec::new();
    let most = u64::try_from(limit.bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    file.take(most)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot(&e))?;
    if bytes.len() > limit.bytes {
        return Err(Diagnostic::error(
            limit.code,
            format!("文件超过 {} 的大小上限", size_text(limit.bytes)),
        )
        .in_file(&name)
        .help("检查是否选错了文件，或文件里的内容是否重复粘贴了多次"));
    }
    Ok(bytes)
}

/// Reads a text file as UTF-8, within `limit`, or says why not.
pub fn read_text(
    path: &Path,
    code: &'static str,
    limit: Limit,
) -> Result<(Arc<str>, Arc<str>), Diagnostic> {
    let name: Arc<str> = Arc::from(path.display().to_string());
    let bytes = read_bytes(path, code, limit)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            code,
            format!(
                "文件不是 UTF-8 编码（第 {} 字节处）",
                e.utf8_error().valid_up_to()
            ),
        )
        .in_file(&name)
        .help("用文本编辑器把文件另存为 UTF-8 编码")
    })?;
    Ok((name, Arc::from(text)))
}

/// A size in bytes, as people say it (`4 MiB`).
fn size_text(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} 字节")
    }
}

/// Why a file could not be read or written, in Chinese.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有权限".to_string(),
        std::io::ErrorKind::IsADirectory => "这是一个目录，不是文件".to_string(),
        std::io::ErrorKind::StorageFull => "磁盘已满".to_string(),
        std::io::ErrorKind::InvalidData => "文件内容无法读取".to_string(),
        _ => format!("系统错误（{e}）"),
    }
}

/// A reference file (`--reference`): TOML or JSON, read and named.
#[derive(Clone)]
pub struct TextFile {
    /// The name shown in messages (the path as given).
    pub name: Arc<str>,
    /// The text.
    pub text: Arc<str>,
    /// TOML or JSON, from the extension.
    pub format: Format,
}

impl TextFile {
    /// The file as the library takes it.
    pub fn input(&self) -> Input<'_> {
        Input {
            name: &self.name,
            text: &self.text,
            format: self.format,
        }
    }
}

/// One district's submission read from disk, in any format `eval` reads for one district.
pub enum DataFile {
    /// TOML or JSON.
    Text(TextFile),
    /// A filled-in XLSX template.
    Workbook {
        /// The name shown in messages (the path as given).
        name: Arc<str>,
        /// The workbook's bytes.
        bytes: Vec<u8>,
    },
}

impl DataFile {
    /// The name shown in messages.
    pub fn name(&self) -> &Arc<str> {
        match self {
            DataFile::Text(t) => &t.name,
            DataFile::Workbook { name, .. } => name,
        }
    }

    /// The rule set the submission asks for (`ruleset = "sd-nmsz@2023"`), if any.
    pub fn requested_ruleset(&self) -> Option<String> {
        match self {
            DataFile::Text(t) => submission::requested_ruleset(&t.text, t.format),
            DataFile::Workbook { bytes, .. } => submission::xlsx::requested_ruleset(bytes),
        }
    }

    /// Reads the submission against a rule set: the values and every problem found.
    pub fn load(&self, rules: &RuleSet) -> (Option<Submission>, Vec<Diagnostic>) {
        match self {
            DataFile::Text(t) => submission::load(rules, &t.name, &t.text, t.format),
            DataFile::Workbook { name, bytes } => submission::load_xlsx(rules, name, bytes),
        }
    }
}

/// The extension of a path, in lower case.
fn extension(path: &Path) -> String {
    path.extension()
        .map(|x| x.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Reads one district's submission: `.toml`, `.json` or a filled-in `.xlsx` template.
pub fn read_submission(path: &Path) -> Result<DataFile, Diagnostic> {
    let name: Arc<str> = Arc::from(path.display().to_string());
    if extension(path) == "xlsx" {
        let bytes = read_bytes(path, codes::SUB_SYNTAX, WORKBOOK)?;
        if !submission::xlsx::is_template(&bytes) {
            return Err(Diagnostic::error(
                codes::SUB_SHEET,
                "这个工作簿不是填好的申报模板（没有“数据”工作表）",
            )
            .in_file(&name)
            .help(
                "单个地区请填写 zhibiao template 生成的模板；每行一个地区的表格请用 zhibiao eval 批量评估",
            ));
        }
        return Ok(DataFile::Workbook { name, bytes });
    }
    read_text_data(path, "申报", ".toml、.json 或 .xlsx（填好的申报模板）").map(DataFile::Text)
}

/// Reads a reference file: `.toml` or `.json`.
pub fn read_reference(path: &Path) -> Result<TextFile, Diagnostic> {
    read_text_data(path, "参照", ".toml 或 .json")
}

/// Reads a TOML or JSON data file (`what` is `申报` or `参照`; `formats` the extensions it may have).
fn read_text_data(path: &Path, what: &str, formats: &str) -> Result<TextFile, Diagnostic> {
    let shown: Arc<str> = Arc::from(path.display().to_string());
    let Some(format) = Format::from_path(&shown) else {
        return Err(
            Diagnostic::error(codes::SUB_SYNTAX, format!("无法判断{what}文件格式"))
                .in_file(&shown)
                .help(format!("{what}文件的扩展名应为 {formats}")),
        );
    };
    let (name, text) = read_text(path, codes::SUB_SYNTAX, DATA_FILE)?;
    Ok(TextFile { name, text, format })
}

/// Assesses a submission (with the province reference data, if any) against a rule set, adding
/// the files' texts to `sources` for messages. The reference file is chosen for the
/// submission's evaluation year ([`References::for_year`]); two candidates for it make the
/// submission unusable with a question, never a guess.
pub fn assess_files(
    rules: &Program,
    sub: &DataFile,
    references: Option<&References>,
    strict: bool,
    sources: &mut SourceMap,
) -> Outcome {
    if let DataFile::Text(t) = sub {
        sources.add(&t.name, &t.text);
    }
    let loaded = sub.load(rules);
    let reference = match (references, &loaded.0) {
        (Some(r), Some(s)) => match r.for_year(s.year) {
            Ok(found) => found,
            Err(d) => return Outcome::Unusable(vec![d]),
        },
        _ => None,
    };
    if let Some(r) = reference {
        sources.add(&r.name, &r.text);
    }
    let mut outcome = assess_loaded(rules, loaded, reference.map(TextFile::input), strict);
    if let (Outcome::Scored { submission, .. }, Some(r)) = (&mut outcome, references)
        && submission.reference_file.is_some()
    {
        submission.reference_origin = r.origin();
    }
    outcome
}

// ---------------------------------------------------------------------------------------------
// Province reference data: `--reference`, or the files beside the rules

/// The names a rule folder's reference data may have (before `.toml` or `.json`): the stem
/// alone for a file that serves every evaluation year, the stem, `-` and a year
/// (`参照数据-2024.toml`) for one year.
pub const REFERENCE_STEMS: &[&str] = &["参照数据", "reference"];

/// The evaluation year a file name says it is reference data for: `Some(None)` for every year
/// (`参照数据.toml`), `Some(Some(2024))` for `参照数据-2024.toml`, `None` for any other name.
fn reference_name(file_name: &str) -> Option<Option<i32>> {
    let (stem, ext) = file_name.rsplit_once('.')?;
    if !matches!(ext.to_ascii_lowercase().as_str(), "toml" | "json") {
        return None;
    }
    let stem_is = |s: &str| REFERENCE_STEMS.iter().any(|r| r.eq_ignore_ascii_case(s));
    if stem_is(stem) {
        return Some(None);
    }
    let (base, year) = stem.rsplit_once('-')?;
    let is_year = year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit());
    (stem_is(base) && is_year).then(|| year.parse().ok())
}

/// The province reference data a command uses: the file `--reference` names, or the files a
/// rule folder holds beside its rules.
pub struct References {
    /// The rule folder they were found in; `None` for `--reference`.
    pub folder: Option<PathBuf>,
    /// Each file, read, with the evaluation year its name is for (`None`: every year).
    pub files: Vec<(Option<i32>, TextFile)>,
}

impl References {
    /// One file, named by whoever runs the command.
    pub fn given(file: TextFile) -> References {
        References {
            folder: None,
            files: vec![(None, file)],
        }
    }

    /// Where the files came from, for the report.
    pub fn origin(&self) -> submission::ReferenceOrigin {
        match self.folder {
            Some(_) => submission::ReferenceOrigin::RuleFolder,
            None => submission::ReferenceOrigin::Named,
        }
    }

    /// `--reference` when given; otherwise the reference data in the rule folder that `--rules`
    /// names (the folder itself, or the folder of a rule file); `None` when there is neither (a
    /// built-in id names no folder). Every candidate file is read now: a batch reads each once.
    pub fn find(reference: Option<&Path>, rules: Option<&str>) -> Result<Option<Self>, Diagnostic> {
        if let Some(p) = reference {
            return Ok(Some(References::given(read_reference(p)?)));
        }
        let Some(folder) = rules.and_then(rule_folder) else {
            return Ok(None);
        };
        let mut files = Vec::new();
        for (year, path) in reference_candidates(&folder) {
            files.push((year, read_reference(&path)?));
        }
        Ok((!files.is_empty()).then_some(References {
            folder: Some(folder),
            files,
        }))
    }

    /// The file for a submission of evaluation year `year`: `--reference` whatever the year (a
    /// file for another year is then an error when merged); in a rule folder, the file for that
    /// year or for every year. Two such files are a question to the user, never a guess.
    pub fn for_year(&self, year: i32) -> Result<Option<&TextFile>, Diagnostic> {
        pick_for_year(self.folder.as_deref(), &self.files, |t| &t.name, year)
    }

    /// The files (paths) a rule folder offers, for messages.
    pub fn names(&self) -> Vec<&str> {
        self.files.iter().map(|(_, t)| &*t.name).collect()
    }
}

/// The rule folder `--rules` names: a folder, or the folder of a rule file (`.` for a file in
/// the current one). `None` for a built-in id.
pub fn rule_folder(spec: &str) -> Option<PathBuf> {
    let path = Path::new(spec);
    if path.is_dir() {
        return Some(path.to_path_buf());
    }
    if !path.is_file() {
        return None;
    }
    Some(match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    })
}

/// The reference files directly in a rule folder, by name ([`REFERENCE_STEMS`]), sorted.
pub fn reference_candidates(folder: &Path) -> Vec<(Option<i32>, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut out: Vec<(Option<i32>, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter_map(|p| {
            let year = reference_name(p.file_name()?.to_str()?)?;
            Some((year, p))
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// Of a rule folder's reference files (each with the year its name is for), the one for
/// evaluation year `year`; outside a folder (`--reference`), the one file given. Two candidates
/// for the year are an error that asks which one.
pub fn pick_for_year<'a, T>(
    folder: Option<&Path>,
    files: &'a [(Option<i32>, T)],
    name: impl Fn(&T) -> &str,
    year: i32,
) -> Result<Option<&'a T>, Diagnostic> {
    let Some(folder) = folder else {
        return Ok(files.first().map(|(_, t)| t));
    };
    let fits: Vec<&'a (Option<i32>, T)> = files
        .iter()
        .filter(|(y, _)| y.is_none_or(|y| y == year))
        .collect();
    match fits.as_slice() {
        [] => Ok(None),
        [(_, one)] => Ok(Some(one)),
        many => {
            let names: Vec<&str> = many.iter().map(|(_, t)| name(t)).collect();
            let shown: Arc<str> = Arc::from(folder.display().to_string());
            Err(Diagnostic::error(
                codes::SUB_REFERENCE_AMBIGUOUS,
                format!(
                    "规则目录中有 {} 个可用于 {year} 年度评估的全省参照数据文件：{}。{year} 年度应该用哪一个？",
                    names.len(),
                    names.join("、")
                ),
            )
            .in_file(&shown)
            .help(format!(
                "用 --reference 指定要用的文件；或者在规则目录中只保留一个：只用于 {year} 年度的命名为 参照数据-{year}.toml，各年通用的命名为 参照数据.toml"
            )))
        }
    }
}

/// The files a command reads (submissions, the files in a folder of submissions, the reference,
/// the rule files), by their canonical paths, so that no output can overwrite one of them.
pub struct Inputs(Vec<PathBuf>);

impl Inputs {
    /// The inputs of `eval`: its submissions (folders by the files directly in them), its
    /// reference, its rules (a path to a file or a folder; a built-in id names no file) and the
    /// reference files beside them.
    pub fn of(submissions: &[PathBuf], reference: Option<&Path>, rules: Option<&str>) -> Inputs {
        let mut paths: Vec<PathBuf> = Vec::new();
        for p in submissions {
            match std::fs::read_dir(p) {
                Ok(entries) => paths.extend(entries.flatten().map(|e| e.path())),
                Err(_) => paths.push(p.clone()),
            }
        }
        paths.extend(reference.map(Path::to_path_buf));
        if let Some(r) = rules.map(Path::new).filter(|r| r.exists()) {
            paths.extend(rule_files(r).unwrap_or_default());
        }
        // The reference data beside the rules.
        if let Some(folder) = rules.and_then(rule_folder) {
            paths.extend(reference_candidates(&folder).into_iter().map(|(_, p)| p));
        }
        Inputs(
            paths
                .iter()
                .filter_map(|p| std::fs::canonicalize(p).ok())
                .collect(),
        )
    }

    /// An input directly in folder `dir` whose name ends in `.ext`, if any.
    pub fn in_folder(&self, dir: &Path, ext: &str) -> Option<&Path> {
        let dir = std::fs::canonicalize(dir).ok()?;
        self.0
            .iter()
            .find(|p| {
                p.parent() == Some(dir.as_path())
                    && p.extension().and_then(|e| e.to_str()) == Some(ext)
            })
            .map(PathBuf::as_path)
    }

    /// Refuses `out` when writing it would overwrite an input (compared by canonical path, so
    /// `./a.toml`, `dir/../a.toml` and a link to it are the same file). The error is the message.
    pub fn refuse(&self, out: &Path) -> Result<(), String> {
        // A file that does not exist yet is no input.
        let Ok(canonical) = std::fs::canonicalize(out) else {
            return Ok(());
        };
        if self.0.contains(&canonical) {
            return Err(format!(
                "不能写入 {}：它是本次读取的输入文件，写入会覆盖它。请用 -o 或 --out-dir 指定另一个文件名或目录",
                out.display()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::reference_name;

    #[test]
    fn reference_file_names() {
        assert_eq!(reference_name("参照数据.toml"), Some(None));
        assert_eq!(reference_name("reference.JSON"), Some(None));
        assert_eq!(reference_name("Reference.toml"), Some(None));
        assert_eq!(reference_name("参照数据-2024.toml"), Some(Some(2024)));
        assert_eq!(reference_name("reference-2025.json"), Some(Some(2025)));
        for other in [
            "参照数据2024.toml",
            "参照数据-24.toml",
            "参照数据-2024.xlsx",
            "全省参照数据.toml",
            "province-2024.toml",
            "reference-二〇二四.toml",
            "参照数据",
            "2024.zb",
        ] {
            assert_eq!(reference_name(other), None, "{other}");
        }
    }
}
