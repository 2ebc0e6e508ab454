//! 数据校验提示里的 {名称} 无法显示数值
//!
//! ## 检查什么
//!
//! 数据校验的提示信息可以用 `{名称}` 嵌入一个输入项或顶层定义的数值。本检查找出写了 `{名称}`、
//! 但这个名称没有声明、或是按年填报的数据（没有单一的数值）的地方。
//!
//! ## 为什么
//!
//! 这样的 `{名称}` 会原样出现在给填报人的提示里，看起来像程序出错。
//!
//! ## 示例
//!
//! ```zb
//! input online_operators "网络交易经营者数量" count 户
//!   help "评估年末数量"
//! input market_entities "市场主体数量" count 户
//!   help "评估年末数量"
//!
//! check online_operators <= market_entities
//!   else error "网络交易经营者数量 {online_operator} 不能超过市场主体数量"
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
//! check online_operators <= market_entities
//!   else error "网络交易经营者数量 {online_operators} 不能超过市场主体数量 {market_entities}"
//! ```

use crate::diag::suggest;
use crate::lint::analysis::uses::placeholders;
use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for c in &cx.rules.checks {
        for name in placeholders(&c.message.value) {
            let problem = match cx.rules.input(&name) {
                Some(d) if d.yearly => Some(format!("“{name}”是按年填报的数据，没有单一的数值可以显示")),
                Some(_) => None,
                None if cx.rules.lets.contains_key(&name) => None,
                None => Some(format!("提示信息里的 {{{name}}} 不是已声明的输入项或定义，会原样显示")),
            };
            let Some(problem) = problem else { continue };
            let known = cx
                .rules
                .inputs
                .iter()
                .map(|i| i.name.value.as_str())
                .chain(cx.rules.lets.keys().map(String::as_str));
            let help = match suggest(&name, known) {
                Some(s) if s != name => format!("是否想写 {{{s}}}？"),
                _ => "{ } 里写输入项或顶层 let 定义的名称；不需要嵌入数值的，去掉大括号".into(),
            };
            let d = out.at(c.message.span, problem).label("这条提示").help(help);
            out.push(d);
        }
    }
}
