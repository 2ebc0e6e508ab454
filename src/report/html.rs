//! The report as one self-contained HTML page: inline CSS, inline SVG charts, no script, no
//! font file and no link to fetch, so it opens offline and prints on A4 as it is.

use super::view::build;
use super::{Context, charts};
use crate::eval::Evaluation;
use minijinja::{Environment, value::Serde};
use serde::Serialize;

const TEMPLATE: &str = include_str!("../../templates/report.html");

#[derive(Serialize)]
struct Page {
    #[serde(flatten)]
    view: super::view::View,
    chart_categories: String,
    chart_owners: String,
    chart_total: String,
}

/// The HTML page, or why it could not be rendered (a bug in the template).
pub fn to_html(ctx: &Context, eval: &Evaluation) -> Result<String, String> {
    let (view, _) = build(ctx, eval);
    let page = Page {
        chart_categories: charts::categories(eval, &view.gaps),
        chart_owners: charts::owners(&view.gaps),
        chart_total: charts::total(eval, ctx.rules),
        view,
    };
    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)
        .map_err(|e| format!("HTML 模板有误：{e}"))?;
    let tmpl = env
        .get_template("report.html")
        .map_err(|e| format!("HTML 模板有误：{e}"))?;
    tmpl.render(Serde(&page))
        .map_err(|e| format!("HTML 报告生成失败：{e}"))
}
