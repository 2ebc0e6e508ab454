//! 版本没有生效日期，无法按日期选用
//!
//! ## 检查什么
//!
//! 一个版本的 `ruleset` 头里没有 `effective`（与 ZB602 同一原因，这里从版本选用的角度报告）。
//! 这一项跨文件检查：`zhibiao lint` 把被检查的文件与同一规则集的其他版本（包括内置版本）放在一起比较，
//! `zhibiao rules` 也报告它。
//!
//! ## 为什么
//!
//! `--as-of` 按日期选用版本时跳过没有生效日期的版本；不写日期的版本只能按版本号选用。
//!
//! ## 示例
//!
//! `ruleset demo "示例" { version "2" pass total >= 1 }`
//!
//! ## 应改为
//!
//! `ruleset demo "示例" { version "2" effective 2025-01-01 pass total >= 1 }`

use crate::lint::{Context, Sink};

/// Nothing to do per file: the finding compares versions across files, so `zhibiao lint`
/// takes it from `versions::check_dates` and passes it to `lint::lint_with`.
pub(crate) fn run(_: &Context, _: &mut Sink) {}
