//! `zhibiao template`: a fill-in template generated from the rule set.

use crate::files::{current_year, write_output};
use crate::{EXIT_INTERNAL, EXIT_OK, EXIT_UNUSABLE, load_rules, print_diags, read_bytes};
use clap::ValueEnum;
use std::path::PathBuf;
use std::sync::Arc;
use zhibiao::diag::{self, SourceMap};
use zhibiao::submission::{self, Format};
use zhibiao::template;

#[derive(clap::Args)]
pub struct TemplateArgs {
    /// 规则：规则文件、规则目录或内置规则编号（如 sd-nmsz@2023）。不写则用内置规则。
    #[arg(long)]
    rules: Option<String>,
    /// 模板格式；不写时按 -o 文件的扩展名判断，否则为 toml。
    #[arg(long, value_enum)]
    format: Option<TemplateFormat>,
    /// 写入这个文件（不写则输出到屏幕；xlsx 必须写）。
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// 评估年度，决定按年填写的数据要填哪几年；不写则为上一年。
    #[arg(long)]
    year: Option<i32>,
    /// 用一份已有的申报文件（.toml、.json 或 .xlsx）预先填好模板（仅 xlsx 格式）。
    #[arg(long, value_name = "SUBMISSION")]
    from: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateFormat {
    /// TOML：说明写在注释里，删掉行首的“# ”填写。
    Toml,
    /// JSON：所有键都在，值为 null。
    Json,
    /// XLSX：数据、评审、说明三张工作表，供 Excel/WPS 填写。
    Xlsx,
    /// CSV：多个地区一张表（每行一个地区）的表头。
    Csv,
    /// JSON Schema：JSON 申报文件的说明（标题、单位、年份、用途、责任单位）。
    Schema,
}

pub fn run(args: TemplateArgs) -> u8 {
    let mut sources = SourceMap::new();
    let rules = match load_rules(args.rules.as_deref(), None, true, &mut sources) {
        Ok(r) => r,
        Err(diags) => {
            print_diags(&diags, &sources);
            eprintln!("规则无法使用，无法生成模板。");
            return EXIT_UNUSABLE;
        }
    };
    let by_ext = args.output.as_ref().and_then(|p| {
        let ext = p.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "toml" => Some(TemplateFormat::Toml),
            "json" => Some(TemplateFormat::Json),
            "xlsx" => Some(TemplateFormat::Xlsx),
            "csv" => Some(TemplateFormat::Csv),
            _ => None,
        }
    });
    let format = args.format.or(by_ext).unwrap_or(TemplateFormat::Toml);
    let year = args.year.unwrap_or_else(|| current_year() - 1);
    if !(1900..=2200).contains(&year) {
        eprintln!("评估年度 {year} 无效：应为 1900 到 2200 之间的年份，如 --year 2024");
        return EXIT_UNUSABLE;
    }
    let prefill = match (&args.from, format) {
        (None, _) => None,
        (Some(_), f) if f != TemplateFormat::Xlsx => {
            eprintln!("--from 只用于 xlsx 模板：请加 --format xlsx");
            return EXIT_UNUSABLE;
        }
        (Some(path), _) => {
            let name: Arc<str> = Arc::from(path.display().to_string());
            let bytes = match read_bytes(path, zhibiao::codes::SUB_SYNTAX) {
                Ok(b) => b,
                Err(d) => {
                    print_diags(&[d], &sources);
                    return EXIT_UNUSABLE;
                }
            };
            let xlsx = path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("xlsx"));
            let (sub, diags) = match Format::from_path(&name) {
                _ if xlsx => submission::load_xlsx(&rules, &name, &bytes),
                Some(f) => {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    sources.add(&name, &Arc::from(text.as_str()));
                    submission::load(&rules, &name, &text, f)
                }
                None => {
                    eprintln!("{name}：无法判断申报文件格式，扩展名应为 .toml、.json 或 .xlsx");
                    return EXIT_UNUSABLE;
                }
            };
            print_diags(&diags, &sources);
            match sub {
                Some(s) if !diag::has_errors(&diags) => Some(s),
                _ => {
                    eprintln!("--from 的申报文件有错误，无法用来预填模板。");
                    return EXIT_UNUSABLE;
                }
            }
        }
    };
    let (bytes, binary) = match format {
        TemplateFormat::Toml => (template::to_toml(&rules, year).into_bytes(), false),
        TemplateFormat::Json => (pretty(&template::to_json(&rules, year)), false),
        TemplateFormat::Schema => (pretty(&template::to_schema(&rules, year)), false),
        TemplateFormat::Csv => {
            let csv = submission::table::to_csv(&rules, year, &[]);
            (csv.into_bytes(), false)
        }
        TemplateFormat::Xlsx => match template::xlsx::to_xlsx(&rules, year, prefill.as_ref()) {
            Ok(b) => (b, true),
            Err(e) => {
                eprintln!("{e}");
                return EXIT_INTERNAL;
            }
        },
    };
    if let Err(e) = write_output(args.output.as_deref(), &bytes, binary) {
        eprintln!("{e}");
        return EXIT_UNUSABLE;
    }
    if let Some(p) = &args.output {
        eprintln!(
            "已生成 {year} 年度申报模板：{}（{} {}）",
            p.display(),
            rules.id(),
            rules.version()
        );
    }
    EXIT_OK
}

fn pretty(v: &serde_json::Value) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s.into_bytes()
}
