//! `zhibiao fmt [--check] [PATHS…]`: rewrites rule files in the canonical layout, or with
//! `--check` shows what would change.

use crate::args::FmtArgs;
use crate::files::{default_paths, read_text, rule_files};
use crate::{EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_UNUSABLE};
use std::io::IsTerminal;
use zhibiao::diag::{self, RenderOptions, SourceMap};
use zhibiao::formatter::{FormatError, format};

/// Runs `zhibiao fmt`.
pub fn run(args: FmtArgs) -> u8 {
    let Some(paths) = default_paths(args.paths) else {
        errln!(
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
                diagln!("{}", diag::render(&d, &sources, opts));
                unusable += 1;
                continue;
            }
        };
        for f in files {
            total += 1;
            let (name, text) = match read_text(&f, zhibiao::codes::MISSING, crate::files::RULE_FILE)
            {
                Ok(x) => x,
                Err(d) => {
                    diagln!("{}", diag::render(&d, &sources, opts));
                    unusable += 1;
                    continue;
                }
            };
            sources.add(&name, &text);
            let formatted = match format(&name, &text) {
                Ok(s) => s,
                Err(FormatError::Syntax(diags)) => {
                    diagln!("{}", diag::render_all(&diags, &sources, opts));
                    errln!(
                        "{name}：有语法错误，未格式化。先按提示修正，或运行 zhibiao lint {name}"
                    );
                    unusable += 1;
                    continue;
                }
                Err(FormatError::Unsound(why)) => {
                    errln!(
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
                out!(
                    "{}",
                    diff.unified_diff()
                        .context_radius(2)
                        .header(&name, &format!("{name}（格式化后）"))
                );
            } else {
                match std::fs::write(&f, &formatted) {
                    Ok(()) => {
                        changed += 1;
                        errln!("已格式化 {name}");
                    }
                    Err(e) => {
                        errln!("{name}：无法写入：{e}");
                        unusable += 1;
                    }
                }
            }
        }
    }
    if args.check {
        if differ > 0 {
            errln!("{differ} 个文件格式不符（共 {total} 个）。运行 zhibiao fmt 改写。");
        } else if unusable == 0 && internal == 0 {
            errln!("{total} 个文件格式都已规范。");
        }
    } else if unusable == 0 && internal == 0 {
        errln!("共 {total} 个文件，改写了 {changed} 个。");
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
