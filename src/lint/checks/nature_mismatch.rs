//! 变量性质与计分方式不符
//!
//! ## 检查什么
//!
//! 指标的 `nature`（变量性质）与它的计分方式对不上：
//! - 标为“定量”，却有由专家认定（`judged`）的部分；
//! - 标为“定性”，却有按数据计算的部分（分档、逐年比较、带条件的子项、计分表达式）；
//! - 标为“定量+定性”或“定性+定量”，却只有其中一种。
//!
//! ## 为什么
//!
//! 变量性质是原表对这项指标怎么评的说明。对不上，要么是计分方式写错了
//! （本该由专家认定的子项被写成了数据条件，或反过来），要么是规则文件有意换了一种可核对的读法，
//! 后者要用 allow 说明理由，让评审专家知道。
//!
//! ## 示例
//!
//! ```zb
//! input case_win_rate "涉网违法案件胜诉率" percent max 100%
//!   help "填百分数"
//!
//! category "规范监管" points 1 {
//!   indicator 18 "依法依规依程序办理涉网违法案件" points 1 {
//!     nature 定性
//!     rule "涉网违法案件胜诉率超过95%。（1分）"
//!     score items {
//!       item 1 "胜诉率超过95%" points 1
//!         when case_win_rate > 95%
//!     }
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! input case_win_rate "涉网违法案件胜诉率" percent max 100%
//!   help "填百分数"
//!
//! category "规范监管" points 1 {
//!   indicator 18 "依法依规依程序办理涉网违法案件" points 1 {
//!     nature 定量
//!     rule "涉网违法案件胜诉率超过95%。（1分）"
//!     score items {
//!       item 1 "胜诉率超过95%" points 1
//!         when case_win_rate > 95%
//!     }
//!   }
//! }
//! ```

use crate::lint::analysis::walk::judged_and_computed;
use crate::lint::{Context, Sink};
use crate::syntax::ast::Nature;

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for (_, ind) in cx.rules.indicators() {
        let (Some(nature), Some(form)) = (&ind.nature, &ind.score) else {
            continue;
        };
        let (judged, computed) = judged_and_computed(form);
        let problem = match nature.value {
            Nature::Quantitative if judged => "却有由专家认定的部分",
            Nature::Qualitative if computed => "却有按数据计算的部分",
            Nature::QuantQual | Nature::QualQuant if !judged => {
                "却全部按数据计算，没有由专家认定的部分"
            }
            Nature::QuantQual | Nature::QualQuant if !computed => {
                "却全部由专家认定，没有按数据计算的部分"
            }
            _ => continue,
        };
        let d = out
            .at(
                nature.span,
                format!(
                    "指标 {} 标为“{}”，{problem}",
                    ind.no.value,
                    nature.value.as_str()
                ),
            )
            .label("变量性质")
            .help("核对计分方式是否写错；规则文件有意换了读法的，用 allow ZB616 \"理由\" 说明");
        out.push(d);
    }
}
