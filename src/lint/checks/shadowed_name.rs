//! 局部名称与输入项、定义或函数同名
//!
//! ## 检查什么
//!
//! 指标里的 `let`、函数参数、`each year`/`all`/`any` 的年份变量或 `count` 的列表变量，
//! 与已声明的输入项、顶层定义或函数同名。
//!
//! ## 为什么
//!
//! 在它的范围里，这个名字指局部的值，而不是同名的输入项。读规则的人很容易以为用的是输入项，
//! 写规则的人也可能本来就想用输入项。
//!
//! ## 示例
//!
//! ```zb
//! input market_entities "市场主体数量" count 户
//!   help "评估年末数量"
//!
//! category "促进发展" points 2 {
//!   indicator 1 "市场主体数量" points 2 {
//!     rule "市场主体数量超过1万户得2分。"
//!     let market_entities "市场主体数量" = market_entities
//!     score items {
//!       item 1 "超过1万户" points 2
//!         when market_entities > 10000户
//!     }
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! input market_entities "市场主体数量" count 户
//!   help "评估年末数量"
//!
//! category "促进发展" points 2 {
//!   indicator 1 "市场主体数量" points 2 {
//!     rule "市场主体数量超过1万户得2分。"
//!     score items {
//!       item 1 "超过1万户" points 2
//!         when market_entities > 10000户
//!     }
//!   }
//! }
//! ```

use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for s in &cx.uses().shadows {
        let d = out
            .at(
                s.span,
                format!("{}“{}”与{}同名，在它的范围里会遮住{}", s.binder, s.name, s.hides, s.hides),
            )
            .label("同名")
            .help("换一个名字，免得读者以为这里用的是同名的输入项或定义");
        out.push(d);
    }
}
