//! The report as Markdown, for wikis, issue trackers and documents.

use super::Context;
use super::view::build;
use crate::eval::Evaluation;
use minijinja::{Environment, value::Serde};

const TEMPLATE: &str = include_str!("../../templates/report.md");

/// Kept for the template's `|cell` marks: every value is already escaped by the formatter below
/// (pipes too), so a value is the same inside a table cell as outside one.
fn cell(s: String) -> String {
    s
}

/// Writes every value the template shows as literal Markdown ([`crate::text::markdown`]): a
/// district name `# 结论：合格` or `<script>` stays text. Values marked `|safe` (the program's
/// own keys, shown in code spans) are written as they are.
fn escape(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    let Some(text) = value.as_str().filter(|_| !value.is_safe()) else {
        return minijinja::escape_formatter(out, state, value);
    };
    out.write_str(&crate::text::markdown(text))
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
}

/// The Markdown report, or why it could not be rendered (a bug in the template).
pub fn to_markdown(ctx: &Context, eval: &Evaluation) -> Result<String, String> {
    let (view, _) = build(ctx, eval);
    let mut env = Environment::new();
    env.add_filter("cell", cell);
    env.set_formatter(escape);
    env.add_template("report.md", TEMPLATE)
        .map_err(|e| format!("Markdown 模板有误：{e}"))?;
    let tmpl = env
        .get_template("report.md")
        .map_err(|e| format!("Markdown 模板有误：{e}"))?;
    tmpl.render(Serde(&view))
        .map_err(|e| format!("Markdown 报告生成失败：{e}"))
}
