//! The report as Markdown, for wikis, issue trackers and documents.

use super::Context;
use super::view::build;
use crate::eval::Evaluation;
use minijinja::{Environment, value::Serde};

const TEMPLATE: &str = include_str!("../../templates/report.md");

/// Makes text safe inside a Markdown table cell: pipes escaped, line breaks as `<br>`.
fn cell(s: String) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

/// The Markdown report, or why it could not be rendered (a bug in the template).
pub fn to_markdown(ctx: &Context, eval: &Evaluation) -> Result<String, String> {
    let (view, _) = build(ctx, eval);
    let mut env = Environment::new();
    env.add_filter("cell", cell);
    env.add_template("report.md", TEMPLATE)
        .map_err(|e| format!("Markdown 模板有误：{e}"))?;
    let tmpl = env
        .get_template("report.md")
        .map_err(|e| format!("Markdown 模板有误：{e}"))?;
    tmpl.render(Serde(&view))
        .map_err(|e| format!("Markdown 报告生成失败：{e}"))
}
