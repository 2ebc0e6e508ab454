//! 脚本调用了不允许使用的函数
//!
//! ## 检查什么
//!
//! 嵌入的 Rhai 脚本调用了脚本环境里没有的函数：时钟和等待（`sleep`、`timestamp`）、
//! 退出（`exit`）、调试（`back_trace`）、读写文件或网络，或者写错了名字的函数。
//! 脚本里自己定义的函数（`fn 名称(…) { … }`）和计算用的函数（`abs`、`round`、`len`、
//! `filter`、`contains` 等）不受影响。
//!
//! ## 为什么
//!
//! 计分脚本只能根据申报数据计算。等待、计时和读写外部资源会让评估卡住，或让同一份申报在不同时间
//! 得到不同的分数；这些函数在脚本环境里都不存在，调用时这个指标就会“无法计分”。在检查阶段就指出来，
//! 不必等到评估时才发现。
//!
//! ## 示例
//!
//! ````zb
//! input online_operators "网络交易经营者数量" count 户
//!   help "评估年末数量"
//!
//! category "促进发展" points 2 {
//!   indicator 3 "网络交易经营者数量" points 2 {
//!     rule "超过1000户得2分。"
//!     score ```
//!       sleep(1);
//!       if online_operators > 1000 { 2 } else { 0 }
//!     ```
//!   }
//! }
//! ````
//!
//! ## 应改为
//!
//! ````zb
//! input online_operators "网络交易经营者数量" count 户
//!   help "评估年末数量"
//!
//! category "促进发展" points 2 {
//!   indicator 3 "网络交易经营者数量" points 2 {
//!     rule "超过1000户得2分。"
//!     score ```
//!       if online_operators > 1000 { 2 } else { 0 }
//!     ```
//!   }
//! }
//! ````

use crate::diag::Span;
use crate::lint::analysis::walk::scripts;
use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for (_, s) in scripts(cx.rules) {
        for call in cx.rules.scripts.unknown_calls(s) {
            let start = s.code_offset + call.offset;
            let span = Span {
                start,
                end: start + call.len,
            };
            let d = out
                .at(
                    span,
                    format!("脚本调用了不允许使用的函数“{}”", call.name),
                )
                .label("脚本环境里没有这个函数")
                .help(
                    "脚本只能用计算函数（如 abs、round、len、filter、contains）和脚本里自己定义的函数；\
                     不能等待、计时、退出或读写文件。检查函数名是否写对",
                );
            out.push(d);
        }
    }
}
