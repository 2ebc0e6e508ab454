//! 写了 overlap，但各档并不重叠
//!
//! ## 检查什么
//!
//! 分档表写了 `overlap higher` 或 `overlap lower`，但没有任何值同时落在两档里。
//!
//! ## 为什么
//!
//! 写 `overlap` 的人以为两档共用一个端点（“区间均含本数”），实际的区间却是半开的。
//! 要么 `overlap` 是多余的，要么区间的开闭写错了，端点上的值被分到了与原文不同的一档。
//!
//! ## 示例
//!
//! ```zb
//! input share "网络交易经营者占比" percent
//!   help "填百分数"
//!
//! category "促进发展" points 2 {
//!   indicator 3 "网络交易经营者数量占市场主体比重" points 2 {
//!     rule "占比8%-15%得1分，15%以上得2分。（比值区间均含本数）"
//!     score tiers share overlap higher {
//!       [8%, 15%) => 1
//!       [15%, ..) => 2
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
//!     rule "占比8%-15%得1分，15%以上得2分。（比值区间均含本数）"
//!     score tiers share overlap higher {
//!       [8%, 15%] => 1
//!       [15%, ..) => 2
//!     }
//!   }
//! }
//! ```

use crate::lint::analysis::tiers::tables;
use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for t in tables(cx.rules) {
        if t.overlap.is_none() {
            continue;
        }
        let overlaps = t.intervals.iter().enumerate().any(|(j, b)| {
            t.intervals.iter().take(j).any(|a| {
                let x = a.intersect(b);
                !x.is_empty() && t.reachable(&x)
            })
        });
        if overlaps {
            continue;
        }
        let d = out
            .at(
                t.span,
                format!(
                    "指标 {} 的分档写了 overlap，但没有任何值同时落在两档里",
                    t.indicator.no.value
                ),
            )
            .label("overlap 不起作用")
            .help("原文“区间均含本数”的，把共用端点两边都写成闭区间，如 [8%, 15%] 和 [15%, ..)；否则删除 overlap");
        out.push(d);
    }
}
