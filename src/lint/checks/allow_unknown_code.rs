//! allow 后面的代码不是可以确认的检查项
//!
//! ## 检查什么
//!
//! `allow` 后面写的代码不在检查项目录里（多半是拼错了），或者是不能确认的代码：
//! `E…` 开头的错误（规则文件有错误就无法使用，只能修改）和 ZB0xx（关于 allow 本身的检查）。
//!
//! ## 为什么
//!
//! 写错代码的 allow 什么也确认不了，本想确认的问题仍会报出来，而读文件的人却以为它已经被确认。
//!
//! ## 示例
//!
//! ```zb
//! category "促进发展" points 2 {
//!   allow ZB330 "原表如此"
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

use crate::codes;
use crate::diag::suggest;
use crate::lint::{CHECKS, Context, Sink, check, is_date_code};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for a in &cx.allows {
        let code = &a.allow.code.value;
        let span = a.allow.code.span;
        let d = match check(code) {
            Some(c) if c.about_allows() => out
                .at(
                    span,
                    format!("{} 是关于 allow 本身的检查，不能用 allow 确认", c.code),
                )
                .label("不能确认")
                .help("修正这条 allow：写对代码、写上理由，或删除它"),
            Some(_) => continue,
            None if is_date_code(code) => continue,
            None if codes::ALL.iter().any(|(c, _)| c.eq_ignore_ascii_case(code)) => out
                .at(span, format!("{code} 是错误，不能用 allow 确认"))
                .label("错误不能确认")
                .help("规则文件有错误时无法使用：按错误提示修改规则文件，并删除这条 allow"),
            None => {
                let near = suggest(code, CHECKS.iter().map(|c| c.code));
                out.at(span, format!("没有代码为 {code} 的检查项"))
                    .label("未知代码")
                    .help(match near {
                        Some(n) => format!("是否想写 {n}？检查项代码见 docs/lint.md"),
                        None => "检查项代码见 docs/lint.md，或运行 zhibiao lint --docs".into(),
                    })
            }
        };
        out.push(d);
    }
}
