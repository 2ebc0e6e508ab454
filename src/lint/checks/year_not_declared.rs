//! 读取了输入项没有声明的年份
//!
//! ## 检查什么
//!
//! 按年填报的输入项用 `years Y-2..Y` 声明需要哪几年的数据。本检查找出规则读取了声明范围以外年份的地方，
//! 例如 `online_retail[y - 1]` 在 `y` 取 `Y-2` 时读的是 `Y-3` 年。
//!
//! ## 为什么
//!
//! 填报模板和说明只要求声明的年份。规则读取没有要求填报的年份，每个地区都会得到“缺少数据”，
//! 这个指标只能得 0 分。
//!
//! ## 示例
//!
//! ```zb
//! input online_retail "网上零售额" money 万元 yearly years Y-1..Y
//!   help "按年填写Y-1、Y年"
//! input province_growth "全省网上零售额同比增速" percent yearly years Y-1..Y
//!   help "按年填写Y-1、Y年"
//! fn growth(series, y) "同比增速" = series[y] / series[y - 1] - 1
//!
//! category "促进发展" points 2 {
//!   indicator 1 "网上零售额同比增速" points 2 {
//!     rule "近2年，增速超过全省增速。超过1年得1分。"
//!     score each year y in Y-1..Y award 1 when growth(online_retail, y) > province_growth[y]
//!   }
//! }
//! ```
//!
//! ## 应改为
//!
//! ```zb
//! input online_retail "网上零售额" money 万元 yearly years Y-2..Y
//!   help "按年填写Y-2至Y年"
//! input province_growth "全省网上零售额同比增速" percent yearly years Y-1..Y
//!   help "按年填写Y-1、Y年"
//! fn growth(series, y) "同比增速" = series[y] / series[y - 1] - 1
//!
//! category "促进发展" points 2 {
//!   indicator 1 "网上零售额同比增速" points 2 {
//!     rule "近2年，增速超过全省增速。超过1年得1分。"
//!     score each year y in Y-1..Y award 1 when growth(online_retail, y) > province_growth[y]
//!   }
//! }
//! ```

use crate::lint::analysis::points::static_year;
use crate::lint::{Context, Sink};
use crate::syntax::ast::InputDecl;
use std::collections::{BTreeMap, BTreeSet};

/// The declared years of a yearly input as offsets from Y, when written as `Y-a..Y-b`.
pub(super) fn declared(decl: &InputDecl) -> Option<BTreeSet<i64>> {
    let r = decl.years.as_ref()?;
    match (static_year(&r.from), static_year(&r.to)) {
        (Some((true, a)), Some((true, b))) if b >= a && b.checked_sub(a).is_some_and(|n| n <= 50) => Some((a..=b).collect()),
        _ => None,
    }
}

/// `Y`, `Y-1`, `Y+1`.
pub(super) fn show(offset: i64) -> String {
    match offset {
        0 => "Y".into(),
        o if o < 0 => format!("Y{o}"),
        o => format!("Y+{o}"),
    }
}

/// A set of offsets as ranges: `Y-2..Y`, `Y-3`.
pub(super) fn show_set(set: &BTreeSet<i64>) -> String {
    let mut parts = Vec::new();
    let mut it = set.iter().copied().peekable();
    while let Some(start) = it.next() {
        let mut end = start;
        while it.peek() == Some(&(end + 1)) {
            end += 1;
            it.next();
        }
        parts.push(if start == end {
            show(start)
        } else {
            format!("{}..{}", show(start), show(end))
        });
    }
    parts.join("、")
}

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    let mut by_place: BTreeMap<(usize, usize, String), BTreeSet<i64>> = BTreeMap::new();
    for r in &cx.kinds().reads {
        if let Some(o) = &r.offsets {
            by_place
                .entry((r.span.start, r.span.end, r.key.clone()))
                .or_default()
                .extend(o);
        }
    }
    for ((start, end, key), read) in by_place {
        let Some(decl) = cx.rules.input(&key) else {
            continue;
        };
        let Some(want) = declared(decl) else { continue };
        let outside: BTreeSet<i64> = read.difference(&want).copied().collect();
        if outside.is_empty() {
            continue;
        }
        let d = out
            .at(
                crate::diag::Span::new(start, end),
                format!(
                    "这里读取“{}”{} 年的数据，但输入项只声明了 {} 年",
                    decl.label.value,
                    show_set(&outside),
                    show_set(&want)
                ),
            )
            .label("超出声明的年份")
            .related(decl.years.as_ref().map_or(decl.span, |y| y.span), "声明的年份")
            .help("把输入项的 years 扩大到包含这些年份，否则填报模板不会要求填写，本指标会因缺少数据得 0 分");
        out.push(d);
    }
}
