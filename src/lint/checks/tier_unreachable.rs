//! 某一档永远不会被选中
//!
//! ## 检查什么
//!
//! 分档表里有一档，任何值都不会落到它上面：
//! - 区间是空的，如 `[15%, 8%]`、`(5%, 5%]`；
//! - 区间在分档对象可能的取值之外，如对不超过 100% 的比率写 `(100%, ..)`，对户数写 `[.., 0)`，
//!   或分档对象只取整数而区间里没有整数，如 `(1, 2)`；
//! - 区间里的值都也落在得分更高（`overlap higher`）或更低（`overlap lower`）的档里，这一档永远轮不到。
//!
//! ## 为什么
//!
//! 永远不会被选中的一档，说明端点或开闭抄错了，原文规定的这一档分数没有地区能拿到。
//!
//! ## 示例
//!
//! ```zb
//! input identity_claim_rate "认领处置率" percent max 100%
//!   help "填百分数，不超过100%"
//!
//! category "规范监管" points 2 {
//!   indicator 11 "认领处置率" points 2 {
//!     rule "处置率90%-100%得1分，100%以上得2分。"
//!     score tiers identity_claim_rate {
//!       [90%, 100%] => 1
//!       (100%, ..) => 2
//!     }
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! input identity_claim_rate "认领处置率" percent max 100%
//!   help "填百分数，不超过100%"
//!
//! category "规范监管" points 2 {
//!   indicator 11 "认领处置率" points 2 {
//!     rule "处置率90%-100%得1分，达到100%得2分。"
//!     score tiers identity_claim_rate {
//!       [90%, 100%) => 1
//!       [100%, 100%] => 2
//!     }
//!   }
//! }
//! ```

use crate::lint::analysis::tiers::{Interval, tables, uncovered};
use crate::lint::{Context, Sink};
use crate::lint::analysis::kinds::{Kind, Quantity};
use crate::syntax::ast::Overlap;

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for t in tables(cx.rules) {
        for (i, (tier, iv)) in t.tiers.iter().zip(&t.intervals).enumerate() {
            let why = if iv.is_empty() {
                format!("{} 是空区间，没有任何值落在这一档", iv.show())
            } else if !t.reachable(iv) {
                let r = &t.range;
                let q = match cx.kinds().subjects.get(&t.span) {
                    Some(Kind::Num(q)) => q.clone(),
                    _ => Quantity::Plain,
                };
                let what = if r.integer { "整数" } else { "值" };
                let can = match (r.lo, r.hi) {
                    (Some(lo), Some(hi)) => format!("{} 到 {} 之间的{what}", q.show(lo), q.show(hi)),
                    (Some(lo), None) => format!("不低于 {} 的{what}", q.show(lo)),
                    (None, Some(hi)) => format!("不超过 {} 的{what}", q.show(hi)),
                    (None, None) => what.to_string(),
                };
                format!(
                    "分档对象“{}”只能取{can}，落不到 {} 里",
                    t.subject_text(&cx.rules.text),
                    iv.show()
                )
            } else if let Some(policy) = t.overlap {
                let stronger: Vec<Interval> = t
                    .tiers
                    .iter()
                    .zip(&t.intervals)
                    .enumerate()
                    .filter(|(j, (other, _))| {
                        *j != i
                            && match policy {
                                Overlap::Higher => other.points.value > tier.points.value,
                                Overlap::Lower => other.points.value < tier.points.value,
                            }
                    })
                    .map(|(_, (_, x))| x.clone())
                    .collect();
                let left: Vec<Interval> = uncovered(iv, &stronger)
                    .into_iter()
                    .filter(|x| t.reachable(x))
                    .collect();
                if !left.is_empty() || stronger.is_empty() {
                    continue;
                }
                let word = if policy == Overlap::Higher {
                    "更高"
                } else {
                    "更低"
                };
                format!(
                    "{} 里的值都也落在得分{word}的档里，按 overlap 永远取不到这一档",
                    iv.show()
                )
            } else {
                continue;
            };
            let d = out
                .at(tier.interval_span, format!("指标 {} 的这一档永远不会被选中：{why}", t.indicator.no.value))
                .label("用不上的一档")
                .help("核对这一档的端点和开闭（[ ] 含端点，( ) 不含）");
            out.push(d);
        }
    }
}
