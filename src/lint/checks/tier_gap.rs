//! 两档之间有空缺
//!
//! ## 检查什么
//!
//! 在最低一档和最高一档之间，有的值不落在任何一档里，例如 `[8%, 15%)` 与 `(15%, ..)` 之间的 15%，
//! 或 `[3%, 5%)` 与 `[6%, ..)` 之间的 [5%, 6%)。低于最低一档、高于最高一档的值按 0 分计，那是原文的本意，不在此列；
//! 分档对象只取整数时，不含整数的空缺也不报告。
//!
//! ## 为什么
//!
//! 落在空缺里的地区得 0 分，比低一档的地区还少。原文的“8%-15%”“15%以上”本应首尾相接，
//! 空缺几乎总是区间开闭或端点写错了。
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
//!     score tiers share {
//!       [8%, 15%) => 1
//!       (15%, ..) => 2
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
//!     score tiers share {
//!       [8%, 15%) => 1
//!       [15%, ..) => 2
//!     }
//!   }
//! }
//! ```

use crate::lint::analysis::tiers::{gaps, tables};
use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for t in tables(cx.rules) {
        for gap in gaps(&t.intervals) {
            if !t.reachable(&gap) {
                continue;
            }
            let what = match gap.point() {
                Some(p) => format!("{} 不在任何一档", p.text),
                None => format!("{} 里的值不在任何一档", gap.show()),
            };
            let d = out
                .at(
                    t.span,
                    format!(
                        "指标 {} 的分档有空缺：{what}，得 0 分",
                        t.indicator.no.value
                    ),
                )
                .label("分档有空缺")
                .help("让相邻两档首尾相接，如 [8%, 15%) 与 [15%, ..)；原文确有空缺的，用 allow ZB403 \"理由\" 确认");
            out.push(d);
        }
    }
}
