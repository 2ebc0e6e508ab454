//! 输入项没有填报说明
//!
//! ## 检查什么
//!
//! `input` 声明没有 `help "…"`，或写的是空文字。
//!
//! ## 为什么
//!
//! 填报说明会出现在填报模板和提示里：填哪一年、什么口径、从哪里取数、用什么单位。
//! 没有说明，各地区各填各的口径，分数就不可比。
//!
//! ## 示例
//!
//! ```zb
//! input market_entities "市场主体数量" count 户
//! input online_operators "网络交易经营者数量" count 户
//!   help "评估年末本地区网络交易经营者数量，单位户"
//!
//! check online_operators <= market_entities
//!   else error "网络交易经营者数量不能超过市场主体数量"
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! input market_entities "市场主体数量" count 户
//!   help "评估年末本地区市场主体数量，来源：省网络交易监管平台，单位户"
//! input online_operators "网络交易经营者数量" count 户
//!   help "评估年末本地区网络交易经营者数量，单位户"
//!
//! check online_operators <= market_entities
//!   else error "网络交易经营者数量不能超过市场主体数量"
//! ```

use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for input in &cx.rules.inputs {
        if input.help.as_ref().is_some_and(|h| !h.value.trim().is_empty()) {
            continue;
        }
        let d = out
            .at(
                input.name.span,
                format!("输入项“{}”（{}）没有填报说明", input.name.value, input.label.value),
            )
            .label("缺少 help")
            .help("在下一行写 help \"……\"：填哪几年、什么口径、来源和单位");
        out.push(d);
    }
}
