//! `zhibiao doc`: documents published from the rules — the index with its scoring methods, the
//! task lists per responsible unit, and a revision's changes — as DOCX, HTML, Markdown or XLSX.

use crate::args::{DocArgs, DocFormat};
use crate::eval::load_rules;
use crate::files::write_output;
use crate::{EXIT_INTERNAL, EXIT_OK, EXIT_UNUSABLE, print_diags};
use std::collections::HashSet;
use std::path::Path;
use zhibiao::diag::{SourceMap, suggest};
use zhibiao::publish::{self, Format};

fn format_of(args: &DocArgs) -> Format {
    let by_ext = args.output.as_ref().and_then(|p| {
        let ext = p.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "docx" => Some(DocFormat::Docx),
            "html" | "htm" => Some(DocFormat::Html),
            "md" | "markdown" => Some(DocFormat::Markdown),
            "xlsx" => Some(DocFormat::Xlsx),
            _ => None,
        }
    });
    match args.format.or(by_ext).unwrap_or(DocFormat::Markdown) {
        DocFormat::Docx => Format::Docx,
        DocFormat::Html => Format::Html,
        DocFormat::Markdown => Format::Markdown,
        DocFormat::Xlsx => Format::Xlsx,
    }
}

/// For a binary format (DOCX, XLSX), a file name to suggest when it is refused on a terminal.
fn binary_example(format: Format) -> Option<String> {
    format
        .is_binary()
        .then(|| format!("指标体系.{}", format.extension()))
}

/// Runs `doc`.
pub fn run(args: DocArgs) -> u8 {
    let format = format_of(&args);
    if let Some(example) = binary_example(format)
        && args.out_dir.is_none()
        && let Err(e) = crate::files::binary_on_terminal(&example, args.output.as_deref())
    {
        errln!("{e}");
        return EXIT_UNUSABLE;
    }
    let mut sources = SourceMap::new();
    if let Some(pair) = &args.changes {
        let [old, new] = pair.as_slice() else {
            errln!("--changes 需要两个版本：原版本和新版本，如 --changes sd-nmsz@2023 修订稿.zb");
            return EXIT_UNUSABLE;
        };
        let (a, b) = match (
            load_rules(Some(old), None, true, &mut sources),
            load_rules(Some(new), None, true, &mut sources),
        ) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => {
                let mut diags = a.err().unwrap_or_default();
                diags.extend(b.err().unwrap_or_default());
                print_diags(&diags, &sources);
                errln!("规则无法使用，无法生成修订说明。");
                return EXIT_UNUSABLE;
            }
        };
        let doc = publish::changes_document(&zhibiao::diff::diff(&a, &b));
        return emit(&doc, format, args.output.as_deref());
    }
    let rules = match load_rules(
        args.rules.as_deref(),
        args.as_of.as_deref(),
        true,
        &mut sources,
    ) {
        Ok(r) => r,
        Err(diags) => {
            print_diags(&diags, &sources);
            errln!("规则无法使用，无法生成文件。");
            return EXIT_UNUSABLE;
        }
    };
    let tasks = args.tasks || args.owner.is_some() || args.out_dir.is_some();
    if !tasks {
        return emit(
            &publish::index_document(&rules),
            format,
            args.output.as_deref(),
        );
    }
    let owners = publish::tasks::owners(&rules);
    if let Some(o) = &args.owner
        && !owners.iter().any(|x| x == o)
    {
        let hint = match suggest(o, owners.iter().map(String::as_str)) {
            Some(s) => format!("是否想写“{s}”？"),
            None => format!("规则里的责任单位有：{}", owners.join("、")),
        };
        errln!("规则里没有责任单位“{o}”。{hint}");
        return EXIT_UNUSABLE;
    }
    if let Some(dir) = &args.out_dir {
        let chosen: Vec<&String> = match &args.owner {
            Some(o) => owners.iter().filter(|x| *x == o).collect(),
            None => owners.iter().collect(),
        };
        if let Err(e) = std::fs::create_dir_all(dir) {
            errln!(
                "无法创建目录 {}：{}",
                dir.display(),
                crate::files::io_reason(&e)
            );
            return EXIT_UNUSABLE;
        }
        let mut used = HashSet::new();
        for o in &chosen {
            let doc = publish::tasks_document(&rules, Some(o));
            let file = dir.join(crate::batch::report_name(o, format.extension(), &mut used));
            let code = emit(&doc, format, Some(&file));
            if code != EXIT_OK {
                return code;
            }
        }
        errln!(
            "已把 {} 个责任单位的任务清单写入 {}",
            chosen.len(),
            dir.display()
        );
        // Without --owner, what no owner answers for gets a file of its own.
        if args.owner.is_none()
            && let Some(doc) = publish::unowned_document(&rules)
        {
            let file = dir.join(crate::batch::report_name(
                publish::doc::UNOWNED,
                format.extension(),
                &mut used,
            ));
            let code = emit(&doc, format, Some(&file));
            if code != EXIT_OK {
                return code;
            }
            errln!(
                "规则里有的指标或数据没有写责任单位，已单独写入 {}",
                file.display()
            );
        }
        return EXIT_OK;
    }
    let doc = publish::tasks_document(&rules, args.owner.as_deref());
    emit(&doc, format, args.output.as_deref())
}

fn emit(doc: &publish::doc::Doc, format: Format, output: Option<&Path>) -> u8 {
    let bytes = match publish::render(doc, format) {
        Ok(b) => b,
        Err(e) => {
            errln!("{e}");
            return EXIT_INTERNAL;
        }
    };
    let example = binary_example(format);
    if let Err(e) = write_output(output, &bytes, example.as_deref()) {
        errln!("{e}");
        return EXIT_UNUSABLE;
    }
    EXIT_OK
}
