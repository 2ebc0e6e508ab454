//! 输入项没有被任何指标或数据校验用到
//!
//! ## 检查什么
//!
//! 一个 `input` 声明的输入项，没有任何指标、数据校验（或它们用到的定义、函数、脚本）读取它。
//!
//! ## 为什么
//!
//! 输入项决定填报模板和数据校验：没有用的输入项会让各地区白白填报、核对一项不计分的数据。
//! 它也常常说明某个指标写错了名称，读的是另一个输入项。
//!
//! ## 示例
//!
//! ```zb
//! input market_entities "市场主体数量" count 户
//!   help "评估年末本地区市场主体数量"
//! input online_operators "网络交易经营者数量" count 户
//!   help "评估年末本地区网络交易经营者数量"
//!
//! category "促进发展" points 2 {
//!   indicator 3 "网络交易经营者数量" points 2 {
//!     rule "有网络交易经营者得2分。"
//!     score items {
//!       item 1 "有网络交易经营者" points 2
//!         when online_operators > 0
//!     }
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! input online_operators "网络交易经营者数量" count 户
//!   help "评估年末本地区网络交易经营者数量"
//!
//! category "促进发展" points 2 {
//!   indicator 3 "网络交易经营者数量" points 2 {
//!     rule "有网络交易经营者得2分。"
//!     score items {
//!       item 1 "有网络交易经营者" points 2
//!         when online_operators > 0
//!     }
//!   }
//! }
//! ```

use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    let uses = cx.uses();
    for input in &cx.rules.inputs {
        if uses.inputs.contains(&input.name.value) {
            continue;
        }
        let d = out
            .at(
                input.name.span,
                format!(
                    "输入项“{}”（{}）没有被任何指标或数据校验用到",
                    input.name.value, input.label.value
                ),
            )
            .label("没有用到")
            .help("删除这个 input 声明；如果某个指标本该读取它，检查那个指标里写的名称");
        out.push(d);
    }
}
