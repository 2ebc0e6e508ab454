//! 规则集没有写生效日期
//!
//! ## 检查什么
//!
//! `ruleset` 头里没有 `effective 年-月-日`。
//!
//! ## 为什么
//!
//! 生效日期决定一份申报按哪一版规则计分（`--rules` 指向目录时取生效日期最新的版本），
//! 也让读报告的人知道规则从何时起适用。
//!
//! ## 示例
//!
//! ```zb
//! ruleset demo "示例" {
//!   version "2024"
//!   source "示例"
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
//!   source "示例"
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
    if h.effective.is_some() {
        return;
    }
    let d = out
        .at(h.id.span, format!("规则集 {} 没有写生效日期", h.id.value))
        .label("缺少 effective")
        .help("在 ruleset 头里写 effective 2023-11-01（原文规定的施行日期）");
    out.push(d);
}
