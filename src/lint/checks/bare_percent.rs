//! 百分比与大于 1 的不带 % 的数比较
//!
//! ## 检查什么
//!
//! 比较或分档时，一边是百分比，另一边是绝对值大于 1、不带 `%` 的数：`rate > 95`、
//! `[8, 15] => 1`。
//!
//! ## 为什么
//!
//! 百分比按小数计算，`8` 相当于 800%，`95` 相当于 9500%。比率很少超过 100%，这样的条件几乎不会按
//! 原意成立，每个地区在这里都得 0 分（或都得分），而规则读起来却像是对的，所以这是错误，不是提醒。
//! 原意多半是漏写了 `%`；若确实要比较几倍的比率，写成 `800%`。
//!
//! ## 示例
//!
//! ```zb
//! input share "网络交易经营者占比" percent
//!   help "填百分数"
//!
//! category "促进发展" points 2 {
//!   indicator 3 "网络交易经营者数量占市场主体比重" points 2 {
//!     rule "占比8%-15%得1分，15%以上得2分。"
//!     score tiers share overlap higher {
//!       [8, 15] => 1
//!       [15, ..) => 2
//!     }
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! input share "网络交易经营者占比" percent
//!   help "填百分数"
//!
//! category "促进发展" points 2 {
//!   indicator 3 "网络交易经营者数量占市场主体比重" points 2 {
//!     rule "占比8%-15%得1分，15%以上得2分。"
//!     score tiers share overlap higher {
//!       [8%, 15%] => 1
//!       [15%, ..) => 2
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
            kind: BareKind::PercentWithoutSign,
            meaning,
            suggestion,
        } = issue
        else {
            continue;
        };
        let d = out
            .at(
                *span,
                format!("“{text}”没有 %，却与{}比较：{meaning}", other.name()),
            )
            .label("漏写了 %？")
            .help(suggestion.clone());
        out.push(d);
    }
}
