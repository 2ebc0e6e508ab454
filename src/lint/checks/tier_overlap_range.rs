//! 两档大段重叠
//!
//! ## 检查什么
//!
//! 分档表写明了 `overlap higher` 或 `overlap lower`，但两档重叠的不只是一个共用的端点，而是一段值。
//!
//! ## 为什么
//!
//! `overlap` 是为“区间均含本数”这类共用端点准备的。两档大段重叠，几乎总是端点抄错了
//! （如把 `[8%, 15%]` 写成 `[8%, 20%]`）；按取较高（较低）档计分，其中一档的一部分永远用不上，规则读起来却像是对的。
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
//!       [8%, 20%] => 1
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
use crate::syntax::ast::Overlap;

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for t in tables(cx.rules) {
        let Some(policy) = t.overlap else { continue };
        for (j, b) in t.intervals.iter().enumerate() {
            for (i, a) in t.intervals.iter().enumerate().take(j) {
                let x = a.intersect(b);
                if x.is_empty() || x.point().is_some() || !t.reachable(&x) {
                    continue;
                }
                let (Some(ta), Some(tb)) = (t.tiers.get(i), t.tiers.get(j)) else {
                    continue;
                };
                let word = if policy == Overlap::Higher {
                    "较高"
                } else {
                    "较低"
                };
                let d = out
                    .at(
                        tb.interval_span,
                        format!(
                            "{} 里的值同时落在 {} 和 {} 两档（按{word}档计）：重叠的不只是一个端点",
                            x.show(),
                            a.show(),
                            b.show()
                        ),
                    )
                    .label("大段重叠")
                    .related(ta.interval_span, "另一档")
                    .help("核对两档的端点；overlap 只应处理两档共用的端点（“区间均含本数”）");
                out.push(d);
            }
        }
    }
}
