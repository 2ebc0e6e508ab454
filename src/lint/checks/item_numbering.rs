//! 子项编号不是 1、2、3 依次排列
//!
//! ## 检查什么
//!
//! 一个指标里 `items` 或 `any` 的子项应按原文编号 1、2、3 依次写出。本检查报告第一个编号不符的子项。
//! 重复的子项编号是错误 E003。
//!
//! ## 为什么
//!
//! 子项编号是评审结论的键（`"12.2" = true`）。编号跳号或颠倒，填报人会把结论填到错误的子项上，
//! 报告里的子项也对不上原文。
//!
//! ## 示例
//!
//! ```zb
//! category "规范监管" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     rule "1.……；（1分） 2.……。（1分）"
//!     score items {
//!       item 1 "第一项" points 1 judged
//!       item 3 "第二项" points 1 judged
//!     }
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! category "规范监管" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     rule "1.……；（1分） 2.……。（1分）"
//!     score items {
//!       item 1 "第一项" points 1 judged
//!       item 2 "第二项" points 1 judged
//!     }
//!   }
//! }
//! ```

use crate::lint::analysis::walk::each_form;
use crate::lint::{Context, Sink};
use crate::syntax::ast::ScoreForm;

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for (_, ind) in cx.rules.indicators() {
        let Some(form) = &ind.score else { continue };
        let mut found = Vec::new();
        each_form(form, &mut |f| {
            if let ScoreForm::Items { items, .. } | ScoreForm::Any { items, .. } = f {
                for (i, it) in items.iter().enumerate() {
                    let want = u32::try_from(i + 1).unwrap_or(u32::MAX);
                    if it.no.value != want {
                        found.push((it.no.span, want, it.no.value));
                        break;
                    }
                }
            }
        });
        for (span, want, got) in found {
            let d = out
                .at(
                    span,
                    format!("指标 {} 的第 {want} 个子项编号是 {got}，应为 {want}", ind.no.value),
                )
                .label("编号不符")
                .help("子项按原文的 1、2、3 依次编号；评审结论用“指标.子项”（如 \"12.2\"）对应子项");
            out.push(d);
        }
    }
}
