//! allow 没有确认任何问题
//!
//! ## 检查什么
//!
//! 一条 `allow 代码 "理由"` 所在的范围里（input、indicator、category 块，或整个文件）没有这个代码的问题。
//!
//! ## 为什么
//!
//! 问题修好以后，原来的确认就成了过时的说明，会误导读文件的人；它也可能写错了位置（写在了别的指标里），
//! 真正想确认的问题仍然会报出来。
//!
//! ## 示例
//!
//! ```zb
//! category "促进发展" points 2 {
//!   allow ZB303 "原表声明分值与所含指标合计不一致"
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
//! category "促进发展" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     rule "专家评估。"
//!     score judged
//!   }
//! }
//! ```

use crate::lint::{Context, Sink, check};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for a in &cx.allows {
        let code = &a.allow.code.value;
        let known = check(code).is_some_and(|c| !c.about_allows());
        if a.used || !known {
            continue;
        }
        let place = if a.scope.is_some() {
            "所在的块里"
        } else {
            "整个文件里"
        };
        let d = out
            .at(a.allow.span, format!("allow {code} 没有确认任何问题：{place}没有 {code}"))
            .label("多余的确认")
            .help("问题已经修正的，删除这一行；想确认的问题在别处的，把这一行移到那个块里");
        out.push(d);
    }
}
