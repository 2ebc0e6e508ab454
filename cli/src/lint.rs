//! `zhibiao lint [PATHS…]`: checks rule files and prints the findings, rustc-style or as JSON.

use crate::args::{Deny, LintArgs, LintFormat};
use crate::files::{default_paths, read_text, rule_files};
use crate::{EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE};
use serde::Serialize;
use std::io::IsTerminal;
use std::sync::Arc;
use zhibiao::diag::{self, Diagnostic, RenderOptions, Severity, SourceMap};
use zhibiao::lint::{self, Finding, Report};

/// One finding in `--format json`.
#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: Severity,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    message: &'a str,
    label: Option<&'a str>,
    help: Option<&'a str>,
    acknowledged: Option<JsonAck<'a>>,
}

#[derive(Serialize)]
struct JsonAck<'a> {
    reason: &'a str,
    file: &'a str,
    line: usize,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    findings: Vec<JsonFinding<'a>>,
    files: usize,
    errors: usize,
    warnings: usize,
    acknowledged: usize,
    passed: bool,
}

/// Runs `zhibiao lint`.
pub fn run(args: LintArgs) -> u8 {
    if args.docs {
        out!("{}", lint::docs_markdown());
        return EXIT_OK;
    }
    if let Some(code) = &args.explain {
        return match lint::check(code) {
            Some(c) => {
                outln!("{} {}（默认级别 {}）\n", c.code, c.name(), c.severity);
                out!("{}", c.doc());
                EXIT_OK
            }
            None => {
                errln!("没有代码为 {code} 的检查项。运行 zhibiao lint --docs 查看全部检查项。");
                EXIT_UNUSABLE
            }
        };
    }
    let deny_warnings = args.deny == Some(Deny::Warnings);
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut files: Vec<(Arc<str>, Arc<str>)> = Vec::new();
    match default_paths(args.paths) {
        Some(paths) => {
            for p in paths {
                match rule_files(&p) {
                    Ok(list) if list.is_empty() => problems.push(
                        Diagnostic::error(zhibiao::codes::MISSING, "目录里没有规则文件（.zb）")
                            .in_file(&Arc::from(p.display().to_string())),
                    ),
                    Ok(list) => {
                        for f in list {
                            match read_text(&f, zhibiao::codes::MISSING, crate::files::RULE_FILE) {
                                Ok(x) => files.push(x),
                                Err(d) => problems.push(d),
                            }
                        }
                    }
                    Err(d) => problems.push(d),
                }
            }
        }
        None => {
            for f in zhibiao::builtin::FILES {
                files.push((Arc::from(format!("{}（内置）", f.path)), Arc::from(f.text)));
            }
        }
    }
    // Date and layout findings (ZB7xx) across the linted files and the built-in versions;
    // each file's own are acknowledged by its `allow` lines like the checks' findings.
    let mut dates = crate::rules::date_findings(&files);
    let mut disk = crate::rules::Disk::default();
    let mut sources = SourceMap::new();
    let mut reports = Vec::new();
    for (name, text) in &files {
        sources.add(name, text);
        let (mine, rest): (Vec<Diagnostic>, Vec<Diagnostic>) = dates
            .into_iter()
            .partition(|d| d.file.as_ref() == Some(name));
        dates = rest;
        let mut report = lint::lint_with(name, text, &mut |r| disk.find(r), mine);
        report
            .findings
            .extend(
                std::mem::take(&mut disk.shadowed)
                    .into_iter()
                    .map(|diag| lint::Finding {
                        diag,
                        acknowledged: None,
                    }),
            );
        if let Some(rs) = &report.rules {
            rs.add_sources(&mut sources);
        }
        reports.push(report);
    }
    let opts = RenderOptions {
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        width: 100,
    };
    match args.format {
        LintFormat::Text => print_text(&reports, &problems, &sources, opts, deny_warnings),
        LintFormat::Json => {
            if !print_json(&reports, &problems, &sources, deny_warnings) {
                return crate::EXIT_INTERNAL;
            }
        }
    }
    if !problems.is_empty() {
        EXIT_UNUSABLE
    } else if reports.iter().any(|r| r.fails(deny_warnings)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn counts(r: &Report) -> (usize, usize, usize) {
    let open = |s: Severity| {
        r.findings
            .iter()
            .filter(|f| f.acknowledged.is_none() && f.diag.severity == s)
            .count()
    };
    let acked = r
        .findings
        .iter()
        .filter(|f| f.acknowledged.is_some())
        .count();
    (open(Severity::Error), open(Severity::Warning), acked)
}

fn print_text(
    reports: &[Report],
    problems: &[Diagnostic],
    sources: &SourceMap,
    opts: RenderOptions,
    deny_warnings: bool,
) {
    if !problems.is_empty() {
        diagln!("{}", diag::render_all(problems, sources, opts));
    }
    let (mut errors, mut warnings, mut acked) = (0, 0, 0);
    for r in reports {
        for f in r.findings.iter().filter(|f| f.acknowledged.is_none()) {
            outln!("{}", diag::render(&f.diag, sources, opts));
        }
        let acks: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| f.acknowledged.is_some())
            .collect();
        if !acks.is_empty() {
            outln!("{}：已确认的问题（allow）", r.file);
            for f in acks {
                let at = f
                    .diag
                    .file
                    .as_ref()
                    .zip(f.diag.span)
                    .and_then(|(file, s)| {
                        let (l, c) = sources.line_col(file, s.start)?;
                        Some(if file == &r.file {
                            format!("{l}:{c} ")
                        } else {
                            format!("{file}:{l}:{c} ")
                        })
                    })
                    .unwrap_or_default();
                outln!("  {at}{} {}", f.diag.code, f.diag.message);
                if let Some(a) = &f.acknowledged {
                    let line = sources
                        .line_col(&a.file, a.span.start)
                        .map_or(String::new(), |(l, _)| format!("（第 {l} 行）"));
                    outln!("    理由{line}：{}", a.reason);
                }
            }
            outln!();
        }
        let (e, w, a) = counts(r);
        errors += e;
        warnings += w;
        acked += a;
        let what = match &r.rules {
            Some(rs) => format!(
                "{} {} 版，{} 个指标",
                rs.id(),
                rs.version(),
                rs.indicators().count()
            ),
            None => "无法读取规则".to_string(),
        };
        let skipped = if r.checks_skipped {
            "（有语法错误，其余检查未进行：先修正语法错误）"
        } else {
            ""
        };
        outln!(
            "{}：{what}；{e} 个错误，{w} 个警告，{a} 个已确认{skipped}",
            r.file
        );
    }
    let verdict = if reports.iter().any(|r| r.fails(deny_warnings)) || !problems.is_empty() {
        "未通过"
    } else {
        "通过"
    };
    let deny = if deny_warnings {
        "（警告按问题计）"
    } else {
        ""
    };
    outln!(
        "检查了 {} 个文件：{errors} 个错误，{warnings} 个警告，{acked} 个已确认。{verdict}{deny}",
        reports.len()
    );
}

fn print_json(
    reports: &[Report],
    problems: &[Diagnostic],
    sources: &SourceMap,
    deny_warnings: bool,
) -> bool {
    let mut findings = Vec::new();
    let pos = |file: Option<&Arc<str>>, at: Option<usize>| {
        file.zip(at).and_then(|(f, a)| sources.line_col(f, a))
    };
    let place = |d: &Diagnostic| {
        let start = pos(d.file.as_ref(), d.span.map(|s| s.start));
        let end = pos(d.file.as_ref(), d.span.map(|s| s.end));
        (start, end)
    };
    for d in problems {
        let (start, end) = place(d);
        findings.push(json_finding(d, start, end, None));
    }
    for r in reports {
        for f in &r.findings {
            let ack = f.acknowledged.as_ref().map(|a| JsonAck {
                reason: &a.reason,
                file: &a.file,
                line: sources
                    .line_col(&a.file, a.span.start)
                    .map_or(0, |(l, _)| l),
            });
            let (start, end) = place(&f.diag);
            findings.push(json_finding(&f.diag, start, end, ack));
        }
    }
    let (mut errors, mut warnings, mut acked) = (0, 0, 0);
    for r in reports {
        let (e, w, a) = counts(r);
        errors += e;
        warnings += w;
        acked += a;
    }
    let out = JsonOut {
        findings,
        files: reports.len(),
        errors: errors + problems.len(),
        warnings,
        acknowledged: acked,
        passed: problems.is_empty() && !reports.iter().any(|r| r.fails(deny_warnings)),
    };
    match serde_json::to_string_pretty(&out) {
        Ok(s) => {
            outln!("{s}");
            true
        }
        Err(e) => {
            errln!("无法生成 JSON：{e}");
            false
        }
    }
}

fn json_finding<'a>(
    d: &'a Diagnostic,
    start: Option<(usize, usize)>,
    end: Option<(usize, usize)>,
    acknowledged: Option<JsonAck<'a>>,
) -> JsonFinding<'a> {
    JsonFinding {
        code: d.code,
        severity: d.severity,
        file: d.file.as_deref(),
        line: start.map(|p| p.0),
        column: start.map(|p| p.1),
        end_line: end.map(|p| p.0),
        end_column: end.map(|p| p.1),
        message: &d.message,
        label: d.label.as_deref(),
        help: d.help.as_deref(),
        acknowledged,
    }
}
