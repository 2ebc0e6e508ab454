//! 指标没有写数据或资料来源
//!
//! ## 检查什么
//!
//! 三级指标没有 `sources "…"`（数据或资料来源），或写的是空文字。
//!
//! ## 为什么
//!
//! 填报人要知道数据到哪里取、评审专家要知道核对哪份材料；报告也要写明来源。
//!
//! ## 示例
//!
//! ```zb
//! category "促进发展" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     nature 定性
//!     rule "专家评估。"
//!     method "资料审查、专家评估"
//!     owners "市场监管局"
//!     score judged
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! category "促进发展" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     nature 定性
//!     rule "专家评估。"
//!     method "资料审查、专家评估"
//!     sources "创建对象提供"
//!     owners "市场监管局"
//!     score judged
//!   }
//! }
//! ```

use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for (_, ind) in cx.rules.indicators() {
        if ind.sources.iter().any(|s| !s.value.trim().is_empty()) {
            continue;
        }
        let d = out
            .at(ind.head_span, format!("指标 {} 没有写数据或资料来源（sources）", ind.no.value))
            .label("缺少 sources")
            .help("照原表的“数据或资料来源”一栏写 sources \"省统计局官网\", \"创建对象提供\"");
        out.push(d);
    }
}
