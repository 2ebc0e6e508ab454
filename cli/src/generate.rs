//! `zhibiao generate` (hidden): made-up submissions for demonstrations and benchmarks.

use crate::args::{GenFormat, GenerateArgs};
use crate::eval::load_rules;
use crate::{EXIT_INTERNAL, EXIT_OK, EXIT_UNUSABLE, print_diags};
use std::sync::Arc;
use zhibiao::diag::{self, SourceMap};
use zhibiao::submission::{self, Format, Submission};
use zhibiao::{generate, template};

/// The most districts one run generates (docs/limits.md).
pub const MAX_COUNT: u64 = 1_000_000;

/// Districts written to a CSV file per chunk.
const CSV_CHUNK: u64 = 10_000;

/// Writes `count` districts as one CSV table, `chunk` giving the table (byte order mark and
/// header included) of a range of them; the header is written once.
fn write_csv(
    path: &std::path::Path,
    count: u64,
    chunk: impl Fn(std::ops::Range<u64>) -> String,
) -> Result<(), String> {
    use std::io::Write;
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut w = std::io::BufWriter::new(file);
    let mut start = 0;
    loop {
        let end = count.min(start + CSV_CHUNK);
        let table = chunk(start..end);
        let body = if start == 0 {
            table.as_str()
        } else {
            // Every chunk's table opens with the byte order mark and the header line.
            table.split_once('\n').map_or("", |(_, rows)| rows)
        };
        w.write_all(body.as_bytes()).map_err(|e| e.to_string())?;
        start = end;
        if start >= count {
            break;
        }
    }
    w.flush().map_err(|e| e.to_string())
}

/// The base every made-up district varies.
const BASE: &str = include_str!("../../examples/pass.toml");

pub fn run(args: GenerateArgs) -> u8 {
    let mut sources = SourceMap::new();
    let rules = match load_rules(args.rules.as_deref(), None, true, &mut sources) {
        Ok(r) => r,
        Err(diags) => {
            print_diags(&diags, &sources);
            return EXIT_UNUSABLE;
        }
    };
    let (name, text): (Arc<str>, String) = match &args.base {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => (Arc::from(p.display().to_string()), t),
            Err(e) => {
                errln!("无法读取 {}：{e}", p.display());
                return EXIT_UNUSABLE;
            }
        },
        None => (Arc::from("examples/pass.toml"), BASE.to_string()),
    };
    let format = Format::from_path(&name).unwrap_or(Format::Toml);
    let (base, diags) = submission::load(&rules, &name, &text, format);
    let Some(base) = base.filter(|_| !diag::has_errors(&diags)) else {
        sources.add(&name, &Arc::from(text.as_str()));
        print_diags(&diags, &sources);
        return EXIT_UNUSABLE;
    };
    if args.count > MAX_COUNT {
        errln!(
            "--count 最多为 {MAX_COUNT}（要求生成 {} 个地区）：请分几次生成，或用更小的数量",
            args.count
        );
        return EXIT_UNUSABLE;
    }
    let one = |i: u64| generate::submission(&rules, &base, args.seed, i);
    let result = match args.format {
        // Written a chunk of districts at a time, so memory does not grow with the count.
        GenFormat::Csv => write_csv(&args.output, args.count, |range| {
            let subs: Vec<Submission> = range.map(one).collect();
            zhibiao::template::table::to_csv(&rules, base.year, &subs)
        }),
        GenFormat::Toml | GenFormat::Xlsx => std::fs::create_dir_all(&args.output)
            .map_err(|e| e.to_string())
            .and_then(|()| {
                (0..args.count).map(one).enumerate().try_for_each(|(i, s)| {
                    let s = &s;
                    let stem = format!("district-{:05}", i + 1);
                    if args.format == GenFormat::Toml {
                        let path = args.output.join(format!("{stem}.toml"));
                        std::fs::write(path, submission::write::to_toml(&rules, s))
                            .map_err(|e| e.to_string())
                    } else {
                        let bytes = template::xlsx::to_xlsx(&rules, s.year, Some(s))?;
                        std::fs::write(args.output.join(format!("{stem}.xlsx")), bytes)
                            .map_err(|e| e.to_string())
                    }
                })
            }),
    };
    match result {
        Ok(()) => {
            errln!(
                "已生成 {} 个虚构地区：{}",
                args.count,
                args.output.display()
            );
            EXIT_OK
        }
        Err(e) => {
            errln!("无法写入 {}：{e}", args.output.display());
            EXIT_INTERNAL
        }
    }
}
