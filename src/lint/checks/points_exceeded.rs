//! 计分方式能给出的分数超过指标分值
//!
//! ## 检查什么
//!
//! 按计分方式（各子项分值之和、最高一档、逐年分值乘年数、`any` 的分值、计分表达式的上限，
//! 再经 `cap` 封顶）算出的最高得分，超过了指标声明的分值。
//!
//! ## 为什么
//!
//! 评估时得分会按指标分值封顶，结果不会超过分值；但两者不一致说明规则文字、子项分值或指标分值至少有一处抄错了，
//! 报告里“合计 4 分，按 3 分计”也会让地区困惑。原文本身如此的，用 `cap` 写明上限，或用 allow 确认并说明。
//!
//! ## 示例
//!
//! ```zb
//! category "规范监管" points 3 {
//!   indicator 12 "发挥信用监管的基础作用" points 3 {
//!     rule "1.……；（1分） 2.……；（1分） 3.……。（2分）"
//!     score items {
//!       item 1 "第一项" points 1 judged
//!       item 2 "第二项" points 1 judged
//!       item 3 "第三项" points 2 judged
//!     }
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! category "规范监管" points 3 {
//!   indicator 12 "发挥信用监管的基础作用" points 3 {
//!     rule "1.……；（1分） 2.……；（1分） 3.……。（1分）"
//!     score items {
//!       item 1 "第一项" points 1 judged
//!       item 2 "第二项" points 1 judged
//!       item 3 "第三项" points 1 judged
//!     }
//!   }
//! }
//! ```

use crate::lint::analysis::points::{Max, explain};
use crate::lint::{Context, Sink};
use crate::number::plain;

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for ((_, ind), m) in cx.rules.indicators().zip(cx.indicator_max()) {
        let Some(form) = &ind.score else { continue };
        let exceeds = match m.capped {
            Max::Finite(d) => d > m.declared,
            Max::Unbounded => true,
            Max::Unknown => false,
        };
        if !exceeds || m.form == Max::Unknown {
            continue;
        }
        let how = explain(ind, form, m.form);
        let cap = ind
            .cap
            .as_ref()
            .map(|c| format!("，封顶 {} 分", plain(c.value)))
            .unwrap_or_default();
        let most = match m.capped {
            Max::Finite(d) => format!("最多可得 {} 分", plain(d)),
            _ => "没有上限".into(),
        };
        let d = out
            .at(
                form.span(),
                format!(
                    "指标 {} 的计分方式{most}（{how}{cap}），超过本指标分值 {} 分",
                    ind.no.value,
                    plain(m.declared)
                ),
            )
            .label(most)
            .related(ind.points.span, "指标分值")
            .help("核对子项、分档的分值与指标分值；原文本身如此的，用 cap 写明上限，或用 allow ZB301 \"理由\" 确认");
        out.push(d);
    }
}
