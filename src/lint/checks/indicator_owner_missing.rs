//! 指标没有写责任单位
//!
//! ## 检查什么
//!
//! 三级指标没有 `owners "…"`（责任单位），或写的是空文字。
//!
//! ## 为什么
//!
//! 报告按责任单位列出失分，督促整改；没有责任单位的指标失了分，报告里找不到该由谁负责。
//!
//! ## 示例
//!
//! ```zb
//! category "促进发展" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     nature 定性
//!     rule "专家评估。"
//!     method "资料审查、专家评估"
//!     sources "创建对象提供"
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
        if ind.owners.iter().any(|o| !o.value.trim().is_empty()) {
            continue;
        }
        let d = out
            .at(ind.head_span, format!("指标 {} 没有写责任单位（owners）", ind.no.value))
            .label("缺少 owners")
            .help("照原表的“责任单位”一栏写 owners \"市场监管局\"；多个单位用逗号分开");
        out.push(d);
    }
}
