//! 指标没有写变量性质
//!
//! ## 检查什么
//!
//! 三级指标没有 `nature`（变量性质：定量、定性、定量+定性 或 定性+定量）。
//!
//! ## 为什么
//!
//! 变量性质说明这项靠数据还是靠专家判断，与计分方式相互印证（见 ZB616）；报告也会列出。
//!
//! ## 示例
//!
//! ```zb
//! category "促进发展" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     rule "专家评估。"
//!     method "资料审查、专家评估"
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
        if ind.nature.is_some() {
            continue;
        }
        let d = out
            .at(ind.head_span, format!("指标 {} 没有写变量性质（nature）", ind.no.value))
            .label("缺少 nature")
            .help("照原表的“变量性质”一栏写 nature 定量（或 定性、定量+定性、定性+定量）");
        out.push(d);
    }
}
