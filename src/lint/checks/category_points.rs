//! 一级（或二级）指标的声明分值与所含指标分值之和不一致
//!
//! ## 检查什么
//!
//! `category "名称" points N` 声明的分值，与其中各三级指标分值之和不相等；`group` 声明了分值的，同样核对。
//!
//! ## 为什么
//!
//! 一级指标得分率（得分 ÷ 分值）是合格判断的依据。声明分值与所含指标合计不一致时，
//! 得分率按哪个算、超出的分数是否计入，都会改变结果。原表本身不一致的，要在文件里写明读法
//! （`category_rate`、`category_cap`），并用 allow 确认。
//!
//! ## 示例
//!
//! ```zb
//! category "优化服务" points 4 {
//!   indicator 20 "示例指标一" points 3 {
//!     rule "专家评估。"
//!     score judged
//!   }
//!
//!   indicator 21 "示例指标二" points 2 {
//!     rule "专家评估。"
//!     score judged
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! category "优化服务" points 5 {
//!   indicator 20 "示例指标一" points 3 {
//!     rule "专家评估。"
//!     score judged
//!   }
//!
//!   indicator 21 "示例指标二" points 2 {
//!     rule "专家评估。"
//!     score judged
//!   }
//! }
//! ```

use crate::lint::analysis::points::checked_sum;
use crate::lint::{Context, Sink};
use crate::number::plain;
use rust_decimal::Decimal;

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for c in &cx.rules.categories {
        let parts: Vec<Decimal> = c.indicators.iter().map(|i| i.points.value).collect();
        let Some(sum) = checked_sum(parts.iter().copied()) else {
            continue;
        };
        if sum != c.points.value {
            let shown: Vec<String> = parts.iter().map(|p| plain(*p)).collect();
            let d = out
                .at(
                    c.name.span.join(c.points.span),
                    format!(
                        "一级指标“{}”声明 {} 分，所含三级指标分值合计 {} 分（{}）",
                        c.name.value,
                        plain(c.points.value),
                        plain(sum),
                        shown.join("+")
                    ),
                )
                .label(format!("合计 {} 分", plain(sum)))
                .help("核对原表；原表本身不一致的，在文件头用 category_rate、category_cap 写明读法，并在 category 块里写 allow ZB303 \"理由\"");
            out.push(d);
        }
        for g in &c.groups {
            let Some(gp) = &g.points else { continue };
            let members: Vec<Decimal> = c
                .indicators
                .iter()
                .filter(|i| g.span.start <= i.span.start && i.span.end <= g.span.end)
                .map(|i| i.points.value)
                .collect();
            let Some(sum) = checked_sum(members.iter().copied()) else {
                continue;
            };
            if sum != gp.value {
                let shown: Vec<String> = members.iter().map(|p| plain(*p)).collect();
                let d = out
                    .at(
                        g.name.span.join(gp.span),
                        format!(
                            "二级指标“{}”声明 {} 分，所含三级指标分值合计 {} 分（{}）",
                            g.name.value,
                            plain(gp.value),
                            plain(sum),
                            shown.join("+")
                        ),
                    )
                    .label(format!("合计 {} 分", plain(sum)))
                    .help("核对原表；原表本身不一致的，用 allow ZB303 \"理由\" 确认");
                out.push(d);
            }
        }
    }
}
