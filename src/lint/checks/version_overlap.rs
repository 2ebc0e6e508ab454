//! 同一规则集的两个版本生效期重叠
//!
//! ## 检查什么
//!
//! 同一规则集的两个版本同一天生效，或前一版的 `until` 不早于后一版的 `effective`。
//! 这一项跨文件检查：`zhibiao lint` 把被检查的文件与同一规则集的其他版本（包括内置版本）放在一起比较，
//! `zhibiao rules` 也报告它。
//!
//! ## 为什么
//!
//! 重叠期内同一天有两个版本有效，按日期选用的结果取决于文件的先后，评估结果无法复核。
//!
//! ## 示例
//!
//! 2023 版写 `until 2025-12-31`，2025 版写 `effective 2025-07-01`。
//!
//! ## 应改为
//!
//! 把 2023 版的 `until` 改为 `2025-06-30`，或删除它，让 2025 版生效时自然接替。

use crate::lint::{Context, Sink};

/// Nothing to do per file: the finding compares versions across files, so `zhibiao lint`
/// takes it from `versions::check_dates` and passes it to `lint::lint_with`.
pub(crate) fn run(_: &Context, _: &mut Sink) {}
