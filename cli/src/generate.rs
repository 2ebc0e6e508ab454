//! `zhibiao generate` (hidden): made-up submissions for demonstrations and benchmarks.

use crate::args::{GenFormat, GenerateArgs};
use crate::eval::load_rules;
use crate::{EXIT_INTERNAL, EXIT_OK, EXIT_UNUSABLE, print_diags};
use std::sync::Arc;
use zhibiao::diag::{self, SourceMap};
use zhibiao::submission::{self, Format, Submission};
use zhibiao::{generate, template};

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
    let subs: Vec<Submission> = (0..args.count)
        .map(|i| generate::submission(&rules, &base, args.seed, i))
        .collect();
    let result = match args.format {
        GenFormat::Csv => std::fs::write(
            &args.output,
            submission::table::to_csv(&rules, base.year, &subs),
        )
        .map_err(|e| e.to_string()),
        GenFormat::Toml | GenFormat::Xlsx => std::fs::create_dir_all(&args.output)
            .map_err(|e| e.to_string())
            .and_then(|()| {
                subs.iter().enumerate().try_for_each(|(i, s)| {
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
