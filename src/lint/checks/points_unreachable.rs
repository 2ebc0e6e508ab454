//! 指标永远得不到满分
//!
//! ## 检查什么
//!
//! 按计分方式算出的最高得分（各子项分值之和、最高一档、逐年分值乘年数、`any` 的分值，再经 `cap` 封顶）
//! 低于指标声明的分值。
//!
//! ## 为什么
//!
//! 满分是指标分值，但没有任何地区能拿到，一级指标的得分率和合格判断都会因此偏低。
//! 通常是漏抄了一个子项、一档，或某个分值抄错了。
//!
//! ## 示例
//!
//! ```zb
//! category "规范监管" points 3 {
//!   indicator 17 "严厉查处涉网违法案件" points 3 {
//!     rule "1.……；（1分） 2.……；（1分） 3.……。（1分）"
//!     score items {
//!       item 1 "第一项" points 1 judged
//!       item 2 "第二项" points 1 judged
//!     }
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! category "规范监管" points 3 {
//!   indicator 17 "严厉查处涉网违法案件" points 3 {
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
        let Max::Finite(most) = m.reach else { continue };
        if most >= m.declared {
            continue;
        }
        let how = if ind.cap.as_ref().is_some_and(|c| Max::Finite(c.value) == m.capped && m.capped != m.form) {
            format!("cap {} 封顶", plain(most))
        } else {
            explain(ind, form, m.form)
        };
        let d = out
            .at(
                form.span(),
                format!(
                    "指标 {} 最多只能得 {} 分（{how}），达不到本指标分值 {} 分",
                    ind.no.value,
                    plain(most),
                    plain(m.declared)
                ),
            )
            .label(format!("最多 {} 分", plain(most)))
            .related(ind.points.span, "指标分值")
            .help("核对原文是否漏抄了子项或分档、分值是否抄错；原文本身如此的，用 allow ZB302 \"理由\" 确认");
        out.push(d);
    }
}
