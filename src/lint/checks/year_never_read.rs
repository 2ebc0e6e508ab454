//! 输入项声明的年份有的从来不读
//!
//! ## 检查什么
//!
//! 按年填报的输入项用 `years` 声明需要哪几年的数据，但规则实际只读取其中一部分年份。
//! 读取年份无法事先确定（如脚本读取整个序列）时不报告。
//!
//! ## 为什么
//!
//! 声明的年份决定填报模板要求各地区填写哪几年。多声明的年份让填报人收集、核对一项不计分的数据。
//!
//! ## 示例
//!
//! ```zb
//! input province_growth "全省网上零售额同比增速" percent yearly years Y-2..Y
//!   help "按年填写"
//! input online_growth "网上零售额同比增速" percent yearly years Y-1..Y
//!   help "按年填写Y-1、Y年"
//!
//! category "促进发展" points 2 {
//!   indicator 1 "网上零售额同比增速" points 2 {
//!     rule "近2年，增速超过全省增速。超过1年得1分。"
//!     score each year y in Y-1..Y award 1 when online_growth[y] > province_growth[y]
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! input province_growth "全省网上零售额同比增速" percent yearly years Y-1..Y
//!   help "按年填写Y-1、Y年"
//! input online_growth "网上零售额同比增速" percent yearly years Y-1..Y
//!   help "按年填写Y-1、Y年"
//!
//! category "促进发展" points 2 {
//!   indicator 1 "网上零售额同比增速" points 2 {
//!     rule "近2年，增速超过全省增速。超过1年得1分。"
//!     score each year y in Y-1..Y award 1 when online_growth[y] > province_growth[y]
//!   }
//! }
//! ```

use super::year_not_declared::{declared, show_set};
use crate::lint::analysis::walk::scripts;
use crate::lint::{Context, Sink};
use std::collections::{BTreeSet, HashSet};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    // Inputs a script reads: which years is not known.
    let in_scripts: HashSet<String> = scripts(cx.rules)
        .into_iter()
        .flat_map(|(_, s)| cx.rules.scripts.inputs_read(s))
        .collect();
    for decl in &cx.rules.inputs {
        let key = &decl.name.value;
        let Some(want) = declared(decl) else { continue };
        if in_scripts.contains(key) {
            continue;
        }
        let reads: Vec<_> = cx.kinds().reads.iter().filter(|r| &r.key == key).collect();
        if reads.is_empty() || reads.iter().any(|r| r.offsets.is_none()) {
            continue;
        }
        let read: BTreeSet<i64> = reads
            .iter()
            .filter_map(|r| r.offsets.as_ref())
            .flatten()
            .copied()
            .collect();
        let unread: BTreeSet<i64> = want.difference(&read).copied().collect();
        if unread.is_empty() {
            continue;
        }
        let span = decl.years.as_ref().map_or(decl.name.span, |y| y.span);
        let used = read.intersection(&want).copied().collect::<BTreeSet<i64>>();
        let d = out
            .at(
                span,
                format!(
                    "输入项“{}”声明需要 {} 年的数据，但规则只读取 {} 年，{} 年的数据用不到",
                    decl.label.value,
                    show_set(&want),
                    if used.is_empty() {
                        "声明以外的".to_string()
                    } else {
                        show_set(&used)
                    },
                    show_set(&unread)
                ),
            )
            .label("有的年份用不到")
            .help("把 years 改成规则实际读取的年份，免得填报人多填");
        out.push(d);
    }
}
