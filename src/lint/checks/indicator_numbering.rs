//! 指标编号不连续或顺序颠倒
//!
//! ## 检查什么
//!
//! 三级指标的编号应与原表一致：从 1 起连续编号，并按编号顺序写在文件里。本检查报告缺少的编号
//! （如从 2 跳到 4）和写在较大编号之后的较小编号。重复的编号是错误 E003。
//!
//! ## 为什么
//!
//! 编号是各地区、评审专家和报告引用指标的方式。缺号往往是漏抄了一个指标，顺序颠倒则让人对照原表时找错行。
//!
//! ## 示例
//!
//! ```zb
//! category "促进发展" points 4 {
//!   indicator 1 "示例指标一" points 2 {
//!     rule "专家评估。"
//!     score judged
//!   }
//!
//!   indicator 3 "示例指标三" points 2 {
//!     rule "专家评估。"
//!     score judged
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! category "促进发展" points 4 {
//!   indicator 1 "示例指标一" points 2 {
//!     rule "专家评估。"
//!     score judged
//!   }
//!
//!   indicator 2 "示例指标二" points 2 {
//!     rule "专家评估。"
//!     score judged
//!   }
//! }
//! ```

use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    let inds: Vec<_> = cx.rules.indicators().map(|(_, i)| i).collect();
    let mut prev: Option<u32> = None;
    for ind in &inds {
        let no = ind.no.value;
        if let Some(p) = prev {
            if no < p {
                let d = out
                    .at(ind.no.span, format!("指标 {no} 写在指标 {p} 之后"))
                    .label("顺序颠倒")
                    .help("按原表的编号顺序排列指标");
                out.push(d);
            } else if no > p + 1 {
                let missing: Vec<String> = (p + 1..no).map(|n| n.to_string()).collect();
                let d = out
                    .at(
                        ind.no.span,
                        format!("指标编号从 {p} 跳到了 {no}，缺少 {}", missing.join("、")),
                    )
                    .label("前面缺号")
                    .help("核对原表是否漏抄了指标，或编号写错");
                out.push(d);
            }
        } else if no > 1 {
            let missing: Vec<String> = (1..no).map(|n| n.to_string()).collect();
            let d = out
                .at(ind.no.span, format!("第一个指标的编号是 {no}，缺少 {}", missing.join("、")))
                .label("前面缺号")
                .help("指标从 1 起编号；只收录部分指标的文件，用 allow ZB103 \"理由\" 说明");
            out.push(d);
        }
        prev = Some(prev.map_or(no, |p| p.max(no)));
    }
}
