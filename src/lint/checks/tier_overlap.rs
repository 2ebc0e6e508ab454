//! 两档重叠，却没有写明取哪一档
//!
//! ## 检查什么
//!
//! 分档表里有一个值（或一段值）同时落在两档里，而 `tiers` 后面没有写 `overlap higher`（取较高档）
//! 或 `overlap lower`（取较低档）。分析按区间端点的精确数值进行，并指出是哪个值：
//! “15% 同时落在 [8%, 15%] 和 [15%, +∞)”。
//!
//! ## 为什么
//!
//! 原文常写“8%-15%得1分，15%以上得2分（比值区间均含本数）”，15% 同时属于两档。
//! 规则没有写明取哪一档时，恰好落在这个值上的地区无法计分，本指标按 0 分计并报告错误。
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
//!     score tiers share {
//!       [8%, 15%] => 1
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
//!     // 比值区间均含本数：15% 同时属于两档，取较高档。
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
        if t.overlap.is_some() {
            continue;
        }
        for (j, b) in t.intervals.iter().enumerate() {
            for (i, a) in t.intervals.iter().enumerate().take(j) {
                let x = a.intersect(b);
                if x.is_empty() || !t.reachable(&x) {
                    continue;
                }
                let (Some(ta), Some(tb)) = (t.tiers.get(i), t.tiers.get(j)) else {
                    continue;
                };
                let what = match x.point() {
                    Some(p) => format!("{} 同时落在", p.text),
                    None => format!("{} 里的值同时落在", x.show()),
                };
                let d = out
                    .at(
                        tb.interval_span,
                        format!(
                            "{what} {} 和 {} 两档，规则没有写明取哪一档",
                            a.show(),
                            b.show()
                        ),
                    )
                    .label("与另一档重叠")
                    .related(ta.interval_span, "另一档")
                    .help("在 tiers 后写 overlap higher（取较高档）或 overlap lower（取较低档）；原文并无重叠的，改区间的开闭，如 [8%, 15%)");
                out.push(d);
            }
        }
    }
}
