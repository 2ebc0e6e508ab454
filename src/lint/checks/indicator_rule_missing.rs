//! 指标没有照录原文的评分规则
//!
//! ## 检查什么
//!
//! 三级指标没有 `rule "…"`（原表“指标说明”一栏的文字），或写的是空文字。
//!
//! ## 为什么
//!
//! 计分方式是对原文的解读，报告和评审都要把原文与解读对照着看；没有原文，就无法核对规则写得对不对。
//!
//! ## 示例
//!
//! ```zb
//! category "促进发展" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     nature 定性
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
        if ind.rule.as_ref().is_some_and(|r| !r.value.trim().is_empty()) {
            continue;
        }
        let d = out
            .at(ind.head_span, format!("指标 {} 没有写原文的评分规则（rule）", ind.no.value))
            .label("缺少 rule")
            .help("把原表“指标说明”一栏的文字逐字写进 rule \"…\"，标点也照录");
        out.push(d);
    }
}
