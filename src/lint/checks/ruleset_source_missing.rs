//! 规则集没有写依据的原文
//!
//! ## 检查什么
//!
//! `ruleset` 头里没有 `source "…"`，或写的是空文字。
//!
//! ## 为什么
//!
//! 规则文件是某份文件（评估办法、指标体系表）的编码。写明出处，核对规则的人才知道该对照哪份原文，
//! 报告也能注明计分依据。
//!
//! ## 示例
//!
//! ```zb
//! ruleset demo "示例" {
//!   version "2024"
//!   effective 2024-01-01
//!   pass total >= 1
//! }
//!
//! category "促进发展" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     rule "专家评估。"
//!     score judged
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! ruleset demo "示例" {
//!   version "2024"
//!   effective 2024-01-01
//!   source "××区创建工作方案附件1"
//!   pass total >= 1
//! }
//!
//! category "促进发展" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     rule "专家评估。"
//!     score judged
//!   }
//! }
//! ```

use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    let h = &cx.rules.header;
    if h.source.as_ref().is_some_and(|s| !s.value.trim().is_empty()) {
        return;
    }
    let d = out
        .at(h.id.span, format!("规则集 {} 没有写依据的原文", h.id.value))
        .label("缺少 source")
        .help("在 ruleset 头里写 source \"……工作方案（征求意见稿）附件1\"");
    out.push(d);
}
