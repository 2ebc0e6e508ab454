//! 截止日期早于生效日期
//!
//! ## 检查什么
//!
//! `ruleset` 头里的 `until` 早于 `effective`。
//! 这一项跨文件检查：`zhibiao lint` 把被检查的文件与同一规则集的其他版本（包括内置版本）放在一起比较，
//! `zhibiao rules` 也报告它。
//!
//! ## 为什么
//!
//! 这样的版本没有一天有效，按日期（`--as-of`）永远选不到它；多半是年份写错。
//!
//! ## 示例
//!
//! `effective 2025-07-01` 和 `until 2024-12-31` 写在同一个头里。
//!
//! ## 应改为
//!
//! `until` 写最后一天仍然有效的日期，不早于 `effective`，如 `until 2026-12-31`。

use crate::lint::{Context, Sink};

/// Nothing to do per file: the finding compares versions across files, so `zhibiao lint`
/// takes it from `versions::check_dates` and passes it to `lint::lint_with`.
pub(crate) fn run(_: &Context, _: &mut Sink) {}
