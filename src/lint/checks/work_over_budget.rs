//! 指标的计算量可能超过上限
//!
//! ## 检查什么
//!
//! 按指标的写法估计最坏情况下的计算量（每个列表按 10,000 项；每个年份范围按写明的年数，
//! 两端不都是 `Y ± n` 也不都是数字时按 51 年；每个脚本按 10,000 步；每次调用函数都把函数体再算一遍），
//! 超过 1,000,000 步的指标。
//! 估计只看写法，不看数据：多层嵌套的 `count`、多层嵌套的 `all`/`any`、`count` 套在年份循环里、
//! 层层调用且每层调用两次以上的函数，都会使计算量成倍增长。
//!
//! ## 为什么
//!
//! 评估时这样的指标不予计算，判为“无法判定”（解释器和编译后的计分都是如此，与数据多少无关），
//! 否则一份较长的申报就可能让评估长时间算不完。在检查阶段就指出来，不必等到评估时才发现。
//!
//! ## 示例
//!
//! ```zb
//! input sales "新增限上企业销售额" list money 万元
//!   help "每家企业填一项"
//!
//! category "促进发展" points 2 {
//!   indicator 1 "新增限上企业" points 2 {
//!     rule "销售额不低于最大一家一半的企业达到3家，得2分。"
//!     score items {
//!       item 1 "达到3家" points 2
//!         when count(a in sales where count(b in sales where b > a * 2) == 0) >= 3
//!     }
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ````zb
//! input sales "新增限上企业销售额" list money 万元
//!   help "每家企业填一项"
//!
//! category "促进发展" points 2 {
//!   indicator 1 "新增限上企业" points 2 {
//!     rule "销售额不低于最大一家一半的企业达到3家，得2分。"
//!     score ```
//!       let top = sales.reduce(|m, s| if s > m { s } else { m }, 0);
//!       if sales.filter(|s| s * 2 >= top).len() >= 3 { 2 } else { 0 }
//!     ```
//!   }
//! }
//! ````

use crate::eval::budget::{OverBudget, check_indicator};
use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for (_, ind) in cx.rules.indicators() {
        let Err(over) = check_indicator(cx.rules, ind) else {
            continue;
        };
        let d = out
            .at(
                ind.head_span,
                format!(
                    "指标 {} 的计算量过大：按最坏情况估计需要{}，超过上限 {} 步",
                    ind.no.value,
                    over.estimate(),
                    OverBudget::limit()
                ),
            )
            .label("评估时不予计算，判为无法判定")
            .help(format!(
                "估计按最坏情况（{}）计算，与申报数据多少无关。{}，或改写成脚本",
                OverBudget::assumptions(),
                OverBudget::advice()
            ));
        out.push(d);
    }
}
