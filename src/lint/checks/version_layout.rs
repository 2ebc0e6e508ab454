//! 文件名或目录名与声明的版本、规则集编号不一致
//!
//! ## 检查什么
//!
//! 规则文件不在 `<规则集编号>/<版本>.zb` 的位置：文件名与 `version` 不同，或所在目录名与 `ruleset` 编号不同。
//! 这一项跨文件检查：`zhibiao lint` 把被检查的文件与同一规则集的其他版本（包括内置版本）放在一起比较，
//! `zhibiao rules` 也报告它。
//!
//! ## 为什么
//!
//! `extends` 和 `--rules` 按这个约定在磁盘上找版本；名不副实的文件容易被当成另一个版本修改或引用。
//!
//! ## 示例
//!
//! rules/sd-nmsz/2024.zb 里写的是 `version "2025"`。
//!
//! ## 应改为
//!
//! 把文件改名为 rules/sd-nmsz/2025.zb，或改 `version`。

use crate::lint::{Context, Sink};

/// Nothing to do per file: the finding compares versions across files, so `zhibiao lint`
/// takes it from `versions::check_dates` and passes it to `lint::lint_with`.
pub(crate) fn run(_: &Context, _: &mut Sink) {}
