//! 规则集没有写版本
//!
//! ## 检查什么
//!
//! `ruleset` 头里没有 `version "…"`。
//!
//! ## 为什么
//!
//! 评估报告要写明按哪一版规则计分；同一指标体系修订后，各地区和评审专家靠版本号区分新旧规则，
//! `--rules sd-nmsz@2023` 这样的写法也要用到它。
//!
//! ## 示例
//!
//! ```zb
//! ruleset demo "示例" {
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
    if h.version.as_ref().is_some_and(|v| !v.value.trim().is_empty()) {
        return;
    }
    let d = out
        .at(h.id.span, format!("规则集 {} 没有写版本", h.id.value))
        .label("缺少 version")
        .help("在 ruleset 头里写 version \"2023\"（与原文的年份或版次一致）");
    out.push(d);
}
