//! 定义或函数没有被用到
//!
//! ## 检查什么
//!
//! 一个 `let` 定义（文件顶层或指标内）或 `fn` 函数，没有任何指标、数据校验或其他被用到的定义读取它。
//!
//! ## 为什么
//!
//! 没人用的定义让读者以为它影响计分。它也常常说明计分那一行写错了名称，用的是另一个值。
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
//!     rule "占比8%以上得2分。"
//!     let share "占比" = online_operators / market_entities
//!     let ratio "占比" = online_operators / market_entities
//!     score tiers share {
//!       [8%, ..) => 2
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
//!     rule "占比8%以上得2分。"
//!     let share "占比" = online_operators / market_entities
//!     score tiers share {
//!       [8%, ..) => 2
//!     }
//!   }
//! }
//! ```

use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    let uses = cx.uses();
    let mut found = Vec::new();
    for (name, l) in &cx.rules.lets {
        if !uses.lets.contains(name) {
            found.push((l.name.span, format!("定义“{name}”没有被用到")));
        }
    }
    for (name, f) in &cx.rules.fns {
        if !uses.fns.contains(name) {
            found.push((f.name.span, format!("函数“{name}”没有被调用")));
        }
    }
    for (_, ind) in cx.rules.indicators() {
        for l in &ind.lets {
            if !uses.locals.contains(&l.name.span) {
                found.push((
                    l.name.span,
                    format!("指标 {} 中的定义“{}”没有被用到", ind.no.value, l.name.value),
                ));
            }
        }
    }
    found.sort_by_key(|(s, _)| s.start);
    for (span, msg) in found {
        let d = out
            .at(span, msg)
            .label("没有用到")
            .help("删除它；如果计分本该用它，检查计分那一行写的名称");
        out.push(d);
    }
}
