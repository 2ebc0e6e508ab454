//! 两个版本之间有空档
//!
//! ## 检查什么
//!
//! 前一版的 `until` 之后、后一版的 `effective` 之前有若干天没有任何版本有效。
//! 这一项跨文件检查：`zhibiao lint` 把被检查的文件与同一规则集的其他版本（包括内置版本）放在一起比较，
//! `zhibiao rules` 也报告它。
//!
//! ## 为什么
//!
//! 空档内的评估（`--as-of`）找不到适用的规则；若原文确实如此，用 allow 确认并写明原因。
//!
//! ## 示例
//!
//! 2023 版写 `until 2024-12-31`，2025 版写 `effective 2025-07-01`。
//!
//! ## 应改为
//!
//! 把 2023 版的 `until` 改为 `2025-06-30`，或删除它。

use crate::lint::{Context, Sink};

/// Nothing to do per file: the finding compares versions across files, so `zhibiao lint`
/// takes it from `versions::check_dates` and passes it to `lint::lint_with`.
pub(crate) fn run(_: &Context, _: &mut Sink) {}
