//! 不同类的数据放在一起比较或加减
//!
//! ## 检查什么
//!
//! 比较、加减、`??`、`min`/`max` 或分档的两边是不同类的数据：百分比与金额、金额与户数、
//! 百分比与人数等。数据的类别来自输入项的声明（count、money、percent、decimal 及其单位）和数值的写法
//! （`15%`、`3亿元`、`50学时`），经过运算推断出来：两个金额相除是百分比，百分比乘人数仍是人数。
//!
//! ## 为什么
//!
//! 这样的比较在数值上总能算出一个结果，但没有意义，几乎总是用错了输入项或漏写了运算
//! （例如把“占比”写成了分子本身）。
//!
//! ## 示例
//!
//! ```zb
//! input online_operators "网络交易经营者数量" count 户
//!   help "评估年末数量"
//! input market_entities "市场主体数量" count 户
//!   help "评估年末数量"
//!
//! category "促进发展" points 2 {
//!   indicator 3 "网络交易经营者占比" points 2 {
//!     rule "占比15%以上得2分。"
//!     score items {
//!       item 1 "占比15%以上" points 2
//!         when online_operators >= 15%
//!     }
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! input online_operators "网络交易经营者数量" count 户
//!   help "评估年末数量"
//! input market_entities "市场主体数量" count 户
//!   help "评估年末数量"
//!
//! category "促进发展" points 2 {
//!   indicator 3 "网络交易经营者占比" points 2 {
//!     rule "占比15%以上得2分。"
//!     score items {
//!       item 1 "占比15%以上" points 2
//!         when online_operators / market_entities >= 15%
//!     }
//!   }
//! }
//! ```

use crate::lint::analysis::kinds::Issue;
use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for issue in &cx.kinds().issues {
        let Issue::Mismatch {
            action,
            left,
            right,
            ..
        } = issue
        else {
            continue;
        };
        let message = if *action == "分档" {
            format!(
                "分档对象是{}，区间端点“{}”却是{}",
                left.0.name(),
                cx.text(right.1),
                right.0.name()
            )
        } else {
            format!("{}与{}{action}：两边不是同一类数据", left.0.name(), right.0.name())
        };
        let d = out
            .at(left.1, message)
            .label(left.0.name())
            .related(right.1, right.0.name())
            .help("检查是否用错了输入项或漏写了运算：百分比只能与百分比比较，金额只能与金额比较，户数只能与户数比较");
        out.push(d);
    }
}
