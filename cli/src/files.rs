//! The command line's files: finding rule files, reading texts and data files, writing output.
//! The library never touches files; this module and the commands do.

use crate::read;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zhibiao::assess::{Input, Outcome, Request, assess};
use zhibiao::codes;
use zhibiao::diag::{Diagnostic, SourceMap};
use zhibiao::model::RuleSet;
use zhibiao::submission::Format;

/// The `.zb` files under a path (the path itself when it is a file), sorted, searching folders
/// recursively.
pub fn rule_files(path: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let name: Arc<str> = Arc::from(path.display().to_string());
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !path.is_dir() {
        return Err(Diagnostic::error(codes::MISSING, "找不到这个文件或目录")
            .in_file(&name)
            .help("检查路径是否写对"));
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

/// Reads a text file as UTF-8.
pub fn read_text(path: &Path) -> Result<(Arc<str>, Arc<str>), Diagnostic> {
    let name: Arc<str> = Arc::from(path.display().to_string());
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(codes::MISSING, format!("无法读取文件：{e}"))
            .in_file(&name)
            .help("检查文件路径是否正确、文件是否存在")
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            codes::MISSING,
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

/// Writes `bytes` to `path`, or to standard output when there is none. Binary output (XLSX)
/// is refused on a terminal, where it would show as garbage.
pub fn write_output(path: Option<&Path>, bytes: &[u8], binary: bool) -> Result<(), String> {
    match path {
        Some(p) => std::fs::write(p, bytes).map_err(|e| format!("无法写入 {}：{e}", p.display())),
        None if binary && std::io::stdout().is_terminal() => {
            Err("XLSX 是二进制文件，不能输出到屏幕；请用 -o 指定输出文件，如 -o 模板.xlsx".into())
        }
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|()| out.flush()) {
                // The reader went away (`| head -1`): it has all it wanted.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| format!("无法输出：{e}。请用 -o 把结果写入文件")),
            }
        }
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

/// A submission or reference file read from disk.
#[derive(Clone)]
pub struct DataFile {
    /// The name shown in messages (the path as given).
    pub name: Arc<str>,
    /// The text.
    pub text: Arc<str>,
    /// TOML or JSON, from the extension.
    pub format: Format,
}

/// Reads a submission or reference file (`what` is `申报` or `参照`).
pub fn read_data(path: &Path, what: &str) -> Result<DataFile, Diagnostic> {
    let shown: Arc<str> = Arc::from(path.display().to_string());
    let Some(format) = Format::from_path(&shown) else {
        return Err(
            Diagnostic::error(codes::SUB_SYNTAX, format!("无法判断{what}文件格式"))
                .in_file(&shown)
                .help(format!("{what}文件的扩展名应为 .toml 或 .json")),
        );
    };
    let (name, text) = read(path, codes::SUB_SYNTAX)?;
    Ok(DataFile { name, text, format })
}

/// Assesses a submission (with an optional reference file) against a rule set, adding the
/// files' texts to `sources` for messages.
pub fn assess_files(
    rules: &RuleSet,
    sub: &DataFile,
    reference: Option<&DataFile>,
    sources: &mut SourceMap,
) -> Outcome {
    sources.add(&sub.name, &sub.text);
    if let Some(r) = reference {
        sources.add(&r.name, &r.text);
    }
    assess(
        rules,
        Request {
            submission: Input {
                name: &sub.name,
                text: &sub.text,
                format: sub.format,
            },
            reference: reference.map(|r| Input {
                name: &r.name,
                text: &r.text,
                format: r.format,
            }),
            strict: false,
        },
    )
}
