//! The rule author's commands — `lint`, `test` and `fmt` — as parts of the `zhibiao` binary.
//! Everything here reads files and prints; the work itself is done by the library.

pub mod fmt;
pub mod lint;
pub mod test;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use zhibiao::codes;
use zhibiao::diag::Diagnostic;

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
