//! cap 高于指标分值，不起作用
//!
//! ## 检查什么
//!
//! 指标的 `cap N` 大于指标声明的分值。
//!
//! ## 为什么
//!
//! 评估时得分本来就不超过指标分值，比分值还高的上限永远不会起作用。它多半是抄错了数
//! （如“最高得2分”写成了 `cap 3`），或者指标分值抄错了。
//!
//! ## 示例
//!
//! ```zb
//! input regulation_outputs "形成的规范性文件或标准" count 项
//!   help "单位项"
//!
//! category "探索创新" points 2 {
//!   indicator 35 "创新工作形成制度化、标准化成果" points 2 {
//!     rule "有1项得1分，最高得2分。"
//!     score regulation_outputs * 1
//!     cap 3
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! input regulation_outputs "形成的规范性文件或标准" count 项
//!   help "单位项"
//!
//! category "探索创新" points 2 {
//!   indicator 35 "创新工作形成制度化、标准化成果" points 2 {
//!     rule "有1项得1分，最高得2分。"
//!     score regulation_outputs * 1
//!     cap 2
//!   }
//! }
//! ```

use crate::lint::{Context, Sink};
use crate::number::plain;

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for (_, ind) in cx.rules.indicators() {
        let Some(cap) = &ind.cap else { continue };
        if cap.value <= ind.points.value {
            continue;
        }
        let d = out
            .at(
                cap.span,
                format!(
                    "指标 {} 的 cap {} 高于指标分值 {} 分，不起作用",
                    ind.no.value,
                    plain(cap.value),
                    plain(ind.points.value)
                ),
            )
            .label("高于分值")
            .related(ind.points.span, "指标分值")
            .help(format!(
                "把 cap 改成不超过 {} 的数，或核对指标分值",
                plain(ind.points.value)
            ));
        out.push(d);
    }
}
