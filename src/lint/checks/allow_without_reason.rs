//! allow 没有写理由
//!
//! ## 检查什么
//!
//! `allow` 后面的理由是空的：`allow ZB303 ""`。
//!
//! ## 为什么
//!
//! 确认一个问题，就是承认规则文件在这里与常理不符，并说明为什么可以接受。
//! 没有理由的确认，下一个改规则的人无从判断它是否还成立。
//!
//! ## 示例
//!
//! ```zb
//! category "优化服务" points 2 {
//!   allow ZB303 ""
//!   indicator 1 "示例指标" points 3 {
//!     rule "专家评估。"
//!     score judged
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! category "优化服务" points 2 {
//!   // 原表声明2分，所含指标合计3分；按声明分值封顶（category_cap declared）。
//!   allow ZB303 "原表声明分值与所含指标合计不一致，按声明分值封顶"
//!   indicator 1 "示例指标" points 3 {
//!     rule "专家评估。"
//!     score judged
//!   }
//! }
//! ```

use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for a in &cx.allows {
        if !a.allow.reason.value.trim().is_empty() {
            continue;
        }
        let d = out
            .at(a.allow.span, format!("allow {} 没有写理由", a.allow.code.value))
            .label("理由是空的")
            .help("在引号里写明为什么可以接受这个问题，例如“原表如此：声明20分，所含指标合计22分”");
        out.push(d);
    }
}
