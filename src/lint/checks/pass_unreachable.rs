//! 合格线高于能得到的最高分
//!
//! ## 检查什么
//!
//! 合格规则 `pass` 的某个条件，在每个指标都拿满分时也不成立：总分门槛高于能得到的最高总分，
//! 或一级指标得分率（得分）门槛高于它能达到的最高得分率（得分）。
//!
//! ## 为什么
//!
//! 这样的规则下任何地区都不可能合格，多半是门槛抄错（85 写成 185，75% 写成 7.5）或分值漏抄。
//!
//! ## 示例
//!
//! ```zb
//! ruleset demo "示例" {
//!   version "1"
//!   effective 2024-01-01
//!   source "示例"
//!   points 2
//!   pass total >= 85
//! }
//!
//! category "促进发展" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     rule "专家评估。"
//!     score judged
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! ruleset demo "示例" {
//!   version "1"
//!   effective 2024-01-01
//!   source "示例"
//!   points 2
//!   pass total >= 1.7
//! }
//!
//! category "促进发展" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     rule "专家评估。"
//!     score judged
//!   }
//! }
//! ```

use crate::lint::analysis::points::Max;
use crate::lint::{Context, Sink};
use crate::number::{Num, plain};
use crate::syntax::ast::{Basis, CmpOp, Metric, PassSubject};
use rust_decimal::Decimal;
use std::cmp::Ordering;

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    let cats = cx.category_max();
    for cond in &cx.rules.header.pass {
        if !matches!(cond.op, CmpOp::Ge | CmpOp::Gt) {
            continue;
        }
        let threshold = Num::from(cond.value.value);
        let fails = |best: &Num| match best.try_cmp(&threshold) {
            Ok(Ordering::Less) => true,
            Ok(Ordering::Equal) => cond.op == CmpOp::Gt,
            _ => false,
        };
        let rate_of = |c: &crate::lint::analysis::points::CategoryMax, most: Decimal| {
            let basis = match cx.rules.rate_basis() {
                Basis::Indicators => c.indicator_points,
                _ => c.declared,
            };
            Num::ratio(most, basis).ok()
        };
        let show = |n: &Num, metric: Metric| match metric {
            Metric::Rate => crate::words::number(n, &crate::eval::Dim::Percent),
            Metric::Score => format!("{} 分", plain(n.to_decimal())),
        };
        let mut bad: Vec<String> = Vec::new();
        match &cond.subject {
            PassSubject::Total => {
                let total = cats.iter().try_fold(Decimal::ZERO, |acc, c| match c.reach {
                    Max::Finite(d) => acc.checked_add(d),
                    _ => None,
                });
                if let Some(t) = total
                    && fails(&Num::from(t)) {
                        bad.push(format!("总分最多 {} 分", plain(t)));
                    }
            }
            PassSubject::Every(metric) | PassSubject::Category(_, metric) => {
                let only = match &cond.subject {
                    PassSubject::Category(name, _) => Some(name.value.as_str()),
                    _ => None,
                };
                for c in cats.iter().filter(|c| only.is_none_or(|n| n == c.name)) {
                    let Max::Finite(most) = c.reach else { continue };
                    let best = match metric {
                        Metric::Rate => rate_of(c, most),
                        Metric::Score => Some(Num::from(most)),
                    };
                    if let Some(b) = best.filter(|b| fails(b)) {
                        bad.push(format!("“{}”最多 {}", c.name, show(&b, *metric)));
                    }
                }
            }
        }
        if bad.is_empty() {
            continue;
        }
        let d = out
            .at(
                cond.span,
                format!(
                    "合格条件在每个指标都拿满分时也不成立：{}，门槛是 {}",
                    bad.join("；"),
                    cond.value.text
                ),
            )
            .label("达不到")
            .help("核对合格门槛和各指标分值是否抄错");
        out.push(d);
    }
}
