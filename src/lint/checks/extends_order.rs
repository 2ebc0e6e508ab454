//! 修订版早于它所基于的版本生效
//!
//! ## 检查什么
//!
//! 写了 `extends` 的修订版，`effective` 早于它所基于的版本的 `effective`。
//! 这一项跨文件检查：`zhibiao lint` 把被检查的文件与同一规则集的其他版本（包括内置版本）放在一起比较，
//! `zhibiao rules` 也报告它。
//!
//! ## 为什么
//!
//! 修订通常在原版本之后生效；日期写反时，按日期选用会在原版本生效之前就选中修订版。
//!
//! ## 示例
//!
//! 2025 版写 `extends "2023"` 和 `effective 2023-01-01`，而 2023 版自 2023-11-01 起生效。
//!
//! ## 应改为
//!
//! 核对两个文件的 `effective`，如把 2025 版改为 `effective 2025-07-01`。

use crate::lint::{Context, Sink};

/// Nothing to do per file: the finding compares versions across files, so `zhibiao lint`
/// takes it from `versions::check_dates` and passes it to `lint::lint_with`.
pub(crate) fn run(_: &Context, _: &mut Sink) {}
