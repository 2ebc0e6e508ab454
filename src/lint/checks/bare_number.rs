//! 金额与不带单位的数比较，或百分比与不带 % 的小数比较
//!
//! ## 检查什么
//!
//! 比较或分档时，一边是金额，另一边是不带单位的数：`sales > 30000`；或一边是百分比，另一边是
//! -1 到 1 之间不带 `%` 的小数：`rate > 0.95`、`[0.08, 0.15] => 1`。0 不在此列；百分比与大于 1 的
//! 数比较见 ZB205（错误）。
//!
//! ## 为什么
//!
//! 金额一律按“元”计算，与输入项声明的单位（如万元）无关，`30000` 是三万元而不是三亿元，这样的
//! 条件几乎永远成立（或永远不成立），而规则读起来却像是对的。百分比按小数计算，`0.95` 就是 95%，
//! 结果没有错，但读规则的人要换算一次才知道，写成 `95%` 一眼可见。
//!
//! ## 示例
//!
//! ```zb
//! input tip_verification_rate "线索举报按时核查率" percent max 100%
//!   help "填百分数"
//!
//! category "规范监管" points 1 {
//!   indicator 17 "严厉查处涉网违法案件" points 1 {
//!     rule "涉网违法案件线索举报按时核查率大于95%。（1分）"
//!     score items {
//!       item 1 "按时核查率大于95%" points 1
//!         when tip_verification_rate > 0.95
//!     }
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! input tip_verification_rate "线索举报按时核查率" percent max 100%
//!   help "填百分数"
//!
//! category "规范监管" points 1 {
//!   indicator 17 "严厉查处涉网违法案件" points 1 {
//!     rule "涉网违法案件线索举报按时核查率大于95%。（1分）"
//!     score items {
//!       item 1 "按时核查率大于95%" points 1
//!         when tip_verification_rate > 95%
//!     }
//!   }
//! }
//! ```

use crate::lint::analysis::kinds::{BareKind, Issue};
use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for issue in &cx.kinds().issues {
        let Issue::Bare {
            span,
            text,
            other,
            kind: BareKind::Fraction | BareKind::Money,
            meaning,
            suggestion,
        } = issue
        else {
            continue;
        };
        let d = out
            .at(
                *span,
                format!("“{text}”不带单位，却与{}比较：{meaning}", other.name()),
            )
            .label("不带单位")
            .help(suggestion.clone());
        out.push(d);
    }
}
