//! 用错了数据类型：该用数值处用了条件，该用条件处用了数值
//!
//! ## 检查什么
//!
//! 一个值用在它不能用的地方：`when` 后面写了数值而不是条件，分档对象是“是/否”，
//! 按年数据没有写 `[年份]` 就参与计算，对不是按年的数据写了 `[年份]`，`count` 用在不是列表的数据上。
//!
//! ## 为什么
//!
//! 这样的规则在评估时必然出错，这个指标对每个地区都只能按 0 分计，并报告“无法计分”。
//!
//! ## 示例
//!
//! ```zb
//! input online_retail "网上零售额" money 万元 yearly years Y-1..Y
//!   help "按年填写"
//!
//! category "促进发展" points 2 {
//!   indicator 1 "网上零售额" points 2 {
//!     rule "网上零售额超过1亿元得2分。"
//!     score items {
//!       item 1 "网上零售额超过1亿元" points 2
//!         when online_retail > 1亿元
//!     }
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! input online_retail "网上零售额" money 万元 yearly years Y-1..Y
//!   help "按年填写"
//!
//! category "促进发展" points 2 {
//!   indicator 1 "网上零售额" points 2 {
//!     rule "网上零售额超过1亿元得2分。"
//!     score items {
//!       item 1 "网上零售额超过1亿元" points 2
//!         when online_retail[Y] > 1亿元
//!     }
//!   }
//! }
//! ```

use crate::lint::analysis::kinds::Issue;
use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for issue in &cx.kinds().issues {
        let Issue::Type {
            span,
            message,
            help,
        } = issue
        else {
            continue;
        };
        let d = out.at(*span, message.clone()).label("这里").help(help.clone());
        out.push(d);
    }
}
