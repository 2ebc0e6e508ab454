//! `zhibiao template`: a fill-in template generated from the rule set.

use crate::args::{TemplateArgs, TemplateFormat};
use crate::eval::load_rules;
use crate::files::read_bytes;
use crate::files::{current_year, write_output};
use crate::{EXIT_INTERNAL, EXIT_OK, EXIT_UNUSABLE, print_diags};
use std::sync::Arc;
use zhibiao::diag::{self, SourceMap};
use zhibiao::submission::{self, Format};
use zhibiao::template;

pub fn run(args: TemplateArgs) -> u8 {
    let mut sources = SourceMap::new();
    let rules = match load_rules(args.rules.as_deref(), None, true, &mut sources) {
        Ok(r) => r,
        Err(diags) => {
            print_diags(&diags, &sources);
            errln!("规则无法使用，无法生成模板。");
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
        errln!("评估年度 {year} 无效：应为 1900 到 2200 之间的年份，如 --year 2024");
        return EXIT_UNUSABLE;
    }
    let prefill = match (&args.from, format) {
        (None, _) => None,
        (Some(_), f) if f != TemplateFormat::Xlsx => {
            errln!("--from 只用于 xlsx 模板：请加 --format xlsx");
            return EXIT_UNUSABLE;
        }
        (Some(path), _) => {
            let name: Arc<str> = Arc::from(path.display().to_string());
            let bytes = match read_bytes(path, zhibiao::codes::SUB_SYNTAX, crate::files::WORKBOOK) {
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
                    errln!("{name}：无法判断申报文件格式，扩展名应为 .toml、.json 或 .xlsx");
                    return EXIT_UNUSABLE;
                }
            };
            print_diags(&diags, &sources);
            match sub {
                Some(s) if !diag::has_errors(&diags) => Some(s),
                _ => {
                    errln!("--from 的申报文件有错误，无法用来预填模板。");
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
            let csv = zhibiao::template::table::to_csv(&rules, year, &[]);
            (csv.into_bytes(), false)
        }
        TemplateFormat::Xlsx => match template::xlsx::to_xlsx(&rules, year, prefill.as_ref()) {
            Ok(b) => (b, true),
            Err(e) => {
                errln!("{e}");
                return EXIT_INTERNAL;
            }
        },
    };
    if let Err(e) = write_output(
        args.output.as_deref(),
        &bytes,
        binary.then_some("申报模板.xlsx"),
    ) {
        errln!("{e}");
        return EXIT_UNUSABLE;
    }
    if let Some(p) = &args.output {
        errln!(
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
