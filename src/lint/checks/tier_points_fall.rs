//! 数值升高，得分反而下降
//!
//! ## 检查什么
//!
//! 按数值从低到高排列各档（低于最低一档、高于最高一档以及两档之间的空缺按 0 分计），
//! 得分先升后降或先降后升。一路上升（越高越好）或一路下降（越低越好，如投诉率）都不报告。
//!
//! ## 为什么
//!
//! 原文“8%-15%得1分，15%以上得2分”是越高越好；把两档的分值抄反了，就成了 15% 以上反而少得分。
//! 规则读起来没有错，只有对照每一档才看得出来。
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
//!       [8%, 15%) => 2
//!       [15%, ..) => 1
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

use crate::lint::analysis::tiers::{Interval, gaps, tables};
use crate::lint::{Context, Sink};
use crate::number::plain;
use rust_decimal::Decimal;

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for t in tables(cx.rules) {
        // The steps from low values to high: each tier, each gap (0 points), and 0 below the
        // lowest and above the highest tier where those are bounded.
        let mut steps: Vec<(Interval, Decimal, Option<usize>)> = Vec::new();
        for (i, iv) in t.intervals.iter().enumerate() {
            if !iv.is_empty() && t.reachable(iv) {
                let p = t.tiers.get(i).map_or(Decimal::ZERO, |x| x.points.value);
                steps.push((iv.clone(), p, Some(i)));
            }
        }
        for g in gaps(&t.intervals) {
            if t.reachable(&g) {
                steps.push((g, Decimal::ZERO, None));
            }
        }
        steps.sort_by(|a, b| a.0.cmp_lo(&b.0));
        let (Some(first), Some(last)) = (steps.first().cloned(), steps.last().cloned()) else {
            continue;
        };
        if let Some(lo) = &first.0.lo {
            let below = Interval {
                lo: None,
                hi: Some(crate::lint::analysis::tiers::End {
                    closed: !lo.closed,
                    ..lo.clone()
                }),
            };
            if t.reachable(&below) {
                steps.insert(0, (below, Decimal::ZERO, None));
            }
        }
        if let Some(hi) = &last.0.hi {
            let above = Interval {
                lo: Some(crate::lint::analysis::tiers::End {
                    closed: !hi.closed,
                    ..hi.clone()
                }),
                hi: None,
            };
            if t.reachable(&above) {
                steps.push((above, Decimal::ZERO, None));
            }
        }
        let pairs = || steps.iter().zip(steps.iter().skip(1));
        let rises = pairs().any(|(a, b)| b.1 > a.1);
        let falls = pairs().any(|(a, b)| b.1 < a.1);
        if !(rises && falls) {
            continue;
        }
        // Point at the first fall that comes after a rise (or the first rise after a fall).
        let mut seen_rise = false;
        let mut seen_fall = false;
        for (a, b) in pairs() {
            let turn = (b.1 < a.1 && seen_rise) || (b.1 > a.1 && seen_fall);
            seen_rise |= b.1 > a.1;
            seen_fall |= b.1 < a.1;
            if !turn {
                continue;
            }
            let span = b
                .2
                .or(a.2)
                .and_then(|i| t.tiers.get(i))
                .map_or(t.span, |x| x.interval_span);
            let dir = if b.1 < a.1 { "下降" } else { "回升" };
            let d = out
                .at(
                    span,
                    format!(
                        "指标 {} 的分档得分不是随数值单调变化：{} 得 {} 分，更高的 {} 得 {} 分（得分{dir}）",
                        t.indicator.no.value,
                        a.0.show(),
                        plain(a.1),
                        b.0.show(),
                        plain(b.1)
                    ),
                )
                .label(format!("得分{dir}"))
                .help("核对各档分值是否抄反；原文确实如此的，用 allow ZB405 \"理由\" 确认");
            out.push(d);
            break;
        }
    }
}
