//! 指标没有写评估方式
//!
//! ## 检查什么
//!
//! 三级指标没有 `method "…"`（评估方式，如“数据比对、资料审查”），或写的是空文字。
//!
//! ## 为什么
//!
//! 评估方式告诉评审专家这项怎么核：比对数据，还是审查资料、专家评估；报告也会列出。
//!
//! ## 示例
//!
//! ```zb
//! category "促进发展" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     nature 定性
//!     rule "专家评估。"
//!     sources "创建对象提供"
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
        if ind.method.as_ref().is_some_and(|m| !m.value.trim().is_empty()) {
            continue;
        }
        let d = out
            .at(ind.head_span, format!("指标 {} 没有写评估方式（method）", ind.no.value))
            .label("缺少 method")
            .help("照原表的“评估方式”一栏写 method \"数据比对、资料审查\"");
        out.push(d);
    }
}
