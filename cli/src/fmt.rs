//! `zhibiao fmt [--check] [PATHS…]`: rewrites rule files in the canonical layout, or with
//! `--check` shows what would change.

use crate::files::{default_paths, read_text, rule_files};
use crate::{EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_UNUSABLE};
use std::io::IsTerminal;
use std::path::PathBuf;
use zhibiao::diag::{self, RenderOptions, SourceMap};
use zhibiao::formatter::{FormatError, format};

/// The arguments of `zhibiao fmt`.
#[derive(clap::Args)]
pub struct Args {
    /// 规则文件或目录（目录里的 .zb 文件逐层查找）；不写则处理当前目录下的 rules/。
    paths: Vec<PathBuf>,
    /// 只检查、不改写：有文件格式不符时显示差异，退出码为 1。
    #[arg(long)]
    check: bool,
}

/// Runs `zhibiao fmt`.
pub fn run(args: Args) -> u8 {
    let Some(paths) = default_paths(args.paths) else {
        eprintln!(
            "当前目录下没有 rules/ 目录：请写出要格式化的规则文件或目录，如 zhibiao fmt my-rules/2023.zb"
        );
        return EXIT_UNUSABLE;
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let opts = RenderOptions { color, width: 100 };
    let mut sources = SourceMap::new();
    let (mut unusable, mut internal, mut differ, mut changed, mut total) = (0, 0, 0, 0, 0);
    for p in paths {
        let files = match rule_files(&p) {
            Ok(f) => f,
            Err(d) => {
                eprintln!("{}", diag::render(&d, &sources, opts));
                unusable += 1;
                continue;
            }
        };
        for f in files {
            total += 1;
            let (name, text) = match read_text(&f) {
                Ok(x) => x,
                Err(d) => {
                    eprintln!("{}", diag::render(&d, &sources, opts));
                    unusable += 1;
                    continue;
                }
            };
            sources.add(&name, &text);
            let formatted = match format(&name, &text) {
                Ok(s) => s,
                Err(FormatError::Syntax(diags)) => {
                    eprintln!("{}", diag::render_all(&diags, &sources, opts));
                    eprintln!(
                        "{name}：有语法错误，未格式化。先按提示修正，或运行 zhibiao lint {name}"
                    );
                    unusable += 1;
                    continue;
                }
                Err(FormatError::Unsound(why)) => {
                    eprintln!(
                        "{name}：{why}。文件未改动。这是 zhibiao 的缺陷，请把这个文件报告给维护人员。"
                    );
                    internal += 1;
                    continue;
                }
            };
            if formatted == *text {
                continue;
            }
            if args.check {
                differ += 1;
                let diff = similar::TextDiff::from_lines(&*text, &formatted);
                print!(
                    "{}",
                    diff.unified_diff()
                        .context_radius(2)
                        .header(&name, &format!("{name}（格式化后）"))
                );
            } else {
                match std::fs::write(&f, &formatted) {
                    Ok(()) => {
                        changed += 1;
                        eprintln!("已格式化 {name}");
                    }
                    Err(e) => {
                        eprintln!("{name}：无法写入：{e}");
                        unusable += 1;
                    }
                }
            }
        }
    }
    if args.check {
        if differ > 0 {
            eprintln!("{differ} 个文件格式不符（共 {total} 个）。运行 zhibiao fmt 改写。");
        } else if unusable == 0 && internal == 0 {
            eprintln!("{total} 个文件格式都已规范。");
        }
    } else if unusable == 0 && internal == 0 {
        eprintln!("共 {total} 个文件，改写了 {changed} 个。");
    }
    if internal > 0 {
        EXIT_INTERNAL
    } else if unusable > 0 {
        EXIT_UNUSABLE
    } else if differ > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
