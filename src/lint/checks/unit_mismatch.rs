//! 同类数据的单位不同
//!
//! ## 检查什么
//!
//! 比较、加减或分档的两边都是带单位的数量，但单位不同：`户` 与 `人`、`件` 与 `项`、`学时` 与 `天`。
//!
//! ## 为什么
//!
//! 单位不同通常说明比较的是两种东西（经营者户数与就业人数），或者单位写得不一致。
//! 前者是规则错误；后者会让报告里的数值单位前后不一。
//!
//! ## 示例
//!
//! ```zb
//! input platform_users "平台用户数" count 人
//!   help "单位人"
//! input regulatory_staff "在编监管人员数" count 名
//!   help "单位名"
//!
//! category "规范监管" points 1 {
//!   indicator 11 "强化智慧监管" points 1 {
//!     rule "平台用户数超过在编监管人员数50%。（1分）"
//!     score items {
//!       item 1 "平台用户数超过在编监管人员数50%" points 1
//!         when platform_users > regulatory_staff * 50%
//!     }
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! input platform_users "平台用户数" count 人
//!   help "单位人"
//! input regulatory_staff "在编监管人员数" count 人
//!   help "单位人"
//!
//! category "规范监管" points 1 {
//!   indicator 11 "强化智慧监管" points 1 {
//!     rule "平台用户数超过在编监管人员数50%。（1分）"
//!     score items {
//!       item 1 "平台用户数超过在编监管人员数50%" points 1
//!         when platform_users > regulatory_staff * 50%
//!     }
//!   }
//! }
//! ```

use crate::lint::analysis::kinds::Issue;
use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for issue in &cx.kinds().issues {
        let Issue::Unit {
            action,
            left,
            right,
            ..
        } = issue
        else {
            continue;
        };
        let d = out
            .at(
                left.1,
                format!("以“{}”计的数量与以“{}”计的数量{action}", left.0, right.0),
            )
            .label(format!("单位“{}”", left.0))
            .related(right.1, format!("单位“{}”", right.0))
            .help("确认两边是同一种东西；如果是，把输入项的单位写成一样");
        out.push(d);
    }
}
