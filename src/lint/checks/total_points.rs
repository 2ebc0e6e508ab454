//! 总分与各一级指标分值不一致，或按计分方式达不到、超过声明的总分
//!
//! ## 检查什么
//!
//! 文件头 `points N` 声明的总分：
//! - 与各一级指标声明分值之和不相等；或
//! - 与按计分方式实际能得到的最高总分不相等（各指标最高得分之和，再按 `category_cap` 封顶）。
//!
//! ## 为什么
//!
//! 合格线（如总分 ≥ 85）是相对声明的总分定的。实际最高分低于总分，合格就比原文规定的更难；
//! 高于总分，报告里会出现超过满分的总分。
//!
//! ## 示例
//!
//! ```zb
//! ruleset demo "示例" {
//!   version "1"
//!   effective 2024-01-01
//!   source "示例"
//!   points 100
//!   pass total >= 60
//! }
//!
//! category "促进发展" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     rule "专家评估。"
//!     score judged
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! ruleset demo "示例" {
//!   version "1"
//!   effective 2024-01-01
//!   source "示例"
//!   points 2
//!   pass total >= 1
//! }
//!
//! category "促进发展" points 2 {
//!   indicator 1 "示例指标" points 2 {
//!     rule "专家评估。"
//!     score judged
//!   }
//! }
//! ```

use crate::lint::analysis::points::{Max, checked_sum};
use crate::lint::{Context, Sink};
use crate::number::plain;
use rust_decimal::Decimal;

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    let Some(total) = &cx.rules.header.points else {
        return;
    };
    let Some(declared) = checked_sum(cx.rules.categories.iter().map(|c| c.points.value)) else {
        return;
    };
    if declared != total.value {
        let shown: Vec<String> = cx
            .rules
            .categories
            .iter()
            .map(|c| plain(c.points.value))
            .collect();
        let d = out
            .at(
                total.span,
                format!(
                    "总分声明 {} 分，各一级指标声明分值合计 {} 分（{}）",
                    plain(total.value),
                    plain(declared),
                    shown.join("+")
                ),
            )
            .label(format!("合计 {} 分", plain(declared)))
            .help("核对原表的总分和各一级指标分值");
        out.push(d);
        return;
    }
    let reach = cx
        .category_max()
        .iter()
        .map(|c| c.reach)
        .try_fold(Decimal::ZERO, |acc, m| match m {
            Max::Finite(d) => acc.checked_add(d).ok_or(()),
            _ => Err(()),
        });
    let Ok(reach) = reach else { return };
    if reach == total.value {
        return;
    }
    let parts: Vec<String> = cx
        .category_max()
        .iter()
        .map(|c| format!("{} {}", c.name, c.reach.finite().map_or("?".into(), plain)))
        .collect();
    let (msg, help) = if reach < total.value {
        (
            format!(
                "按计分方式，总分最多只能得 {} 分（{}），达不到声明的 {} 分",
                plain(reach),
                parts.join("，"),
                plain(total.value)
            ),
            "找出得不到满分的指标（见 ZB302）并核对原文",
        )
    } else {
        (
            format!(
                "按计分方式，总分最多可得 {} 分（{}），超过声明的 {} 分",
                plain(reach),
                parts.join("，"),
                plain(total.value)
            ),
            "一级指标所含分值超过声明分值的，在文件头写 category_cap declared 按声明分值封顶，或核对原表",
        )
    };
    let d = out
        .at(total.span, msg)
        .label(format!("最多 {} 分", plain(reach)))
        .help(help);
    out.push(d);
}
