//! 脚本不读取任何数据
//!
//! ## 检查什么
//!
//! 嵌入的 Rhai 脚本（```` ``` … ``` ````）没有读取任何输入项、定义、年份变量或 `Y`，
//! 结果与申报数据无关。
//!
//! ## 为什么
//!
//! 计分脚本给每个地区的结果都一样，多半是写错了输入项的名称、把试算用的常数留在了脚本里，
//! 或者这里根本不需要脚本，直接写数值即可。
//!
//! ## 示例
//!
//! ````zb
//! input online_operators "网络交易经营者数量" count 户
//!   help "评估年末数量"
//!
//! category "促进发展" points 2 {
//!   indicator 3 "网络交易经营者数量" points 2 {
//!     rule "超过1000户得2分。"
//!     score ```
//!       let n = 1200;
//!       if n > 1000 { 2 } else { 0 }
//!     ```
//!   }
//! }
//! ````
//!
//! ## 应改为
//!
//! ````zb
//! input online_operators "网络交易经营者数量" count 户
//!   help "评估年末数量"
//!
//! category "促进发展" points 2 {
//!   indicator 3 "网络交易经营者数量" points 2 {
//!     rule "超过1000户得2分。"
//!     score ```
//!       if online_operators > 1000 { 2 } else { 0 }
//!     ```
//!   }
//! }
//! ````

use crate::lint::analysis::uses::words;
use crate::lint::analysis::walk::{each, roots, scripts};
use crate::lint::{Context, Sink};
use crate::syntax::ast::ExprKind;
use std::collections::HashSet;

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    // Every name a script could read: inputs, definitions, local and loop names, `Y`.
    let mut names: HashSet<String> = cx.rules.inputs.iter().map(|i| i.name.value.clone()).collect();
    names.extend(cx.rules.lets.keys().cloned());
    names.insert("Y".into());
    for f in cx.rules.fns.values() {
        names.extend(f.params.iter().map(|p| p.value.clone()));
    }
    for (_, ind) in cx.rules.indicators() {
        names.extend(ind.lets.iter().map(|l| l.name.value.clone()));
        if let Some(form) = &ind.score {
            crate::lint::analysis::walk::each_form(form, &mut |f| {
                if let crate::syntax::ast::ScoreForm::EachYear { var, .. } = f {
                    names.insert(var.value.clone());
                }
            });
        }
    }
    for root in roots(cx.rules) {
        each(root, &mut |e| match &e.kind {
            ExprKind::Quant { var, .. } | ExprKind::CountWhere { var, .. } => {
                names.insert(var.value.clone());
            }
            _ => {}
        });
    }
    for (e, s) in scripts(cx.rules) {
        let w = words(&s.code);
        if names.iter().any(|n| w.contains(n.as_str())) {
            continue;
        }
        let d = out
            .at(e.span, "脚本没有读取任何输入项或定义，结果与申报数据无关")
            .label("结果是常数")
            .help("检查脚本里的名称是否写对；结果本来就是固定值的，直接写数值，不必用脚本");
        out.push(d);
    }
}
