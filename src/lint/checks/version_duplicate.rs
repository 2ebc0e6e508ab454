//! 同一规则集的同一版本出现在两个文件里
//!
//! ## 检查什么
//!
//! 两个规则文件声明了相同的规则集编号和 `version`。
//! 这一项跨文件检查：`zhibiao lint` 把被检查的文件与同一规则集的其他版本（包括内置版本）放在一起比较，
//! `zhibiao rules` 也报告它。
//!
//! ## 为什么
//!
//! 按版本号选用规则（`--rules sd-nmsz@2025`、`extends "2025"`）时无法确定用哪一个文件；多半是复制文件后忘了改 `version`。
//!
//! ## 示例
//!
//! rules/sd-nmsz/2023.zb 和 rules/sd-nmsz/2025.zb 里都写着 `version "2023"`。
//!
//! ## 应改为
//!
//! 把复制出来的文件的 `version` 改为 `"2025"`，或删除多余的文件。

use crate::lint::{Context, Sink};

/// Nothing to do per file: the finding compares versions across files, so `zhibiao lint`
/// takes it from `versions::check_dates` and passes it to `lint::lint_with`.
pub(crate) fn run(_: &Context, _: &mut Sink) {}
