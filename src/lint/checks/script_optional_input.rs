//! 脚本读取可以不填的输入项，却没有处理未填的情况
//!
//! ## 检查什么
//!
//! 嵌入的 Rhai 脚本读取了声明为 `optional`（可以不填）的输入项，但脚本里没有判断它是否填写
//! （没有出现 `()` 或 `type_of`）。
//!
//! ## 为什么
//!
//! 地区没有填写可选的输入项时，脚本里这个名字的值是 `()`（空值）。拿空值做比较或计算会出错，
//! 这个指标就会“无法计分”，而这个地区其实只是合法地没有填写。
//!
//! ## 示例
//!
//! ````zb
//! input published_growth "公布的同比增速" percent optional
//!   help "有公布值时填写"
//!
//! category "促进发展" points 2 {
//!   indicator 1 "网上零售额同比增速" points 2 {
//!     rule "增速超过10%得2分。"
//!     score ```
//!       if published_growth > 0.1 { 2 } else { 0 }
//!     ```
//!   }
//! }
//! ````
//!
//! ## 应改为
//!
//! ````zb
//! input published_growth "公布的同比增速" percent optional
//!   help "有公布值时填写"
//!
//! category "促进发展" points 2 {
//!   indicator 1 "网上零售额同比增速" points 2 {
//!     rule "增速超过10%得2分。"
//!     score ```
//!       if published_growth == () { 0 } else if published_growth > 0.1 { 2 } else { 0 }
//!     ```
//!   }
//! }
//! ````

use crate::lint::analysis::walk::scripts;
use crate::lint::{Context, Sink};

pub(crate) fn run(cx: &Context, out: &mut Sink) {
    for (e, s) in scripts(cx.rules) {
        if s.code.contains("()") || s.code.contains("type_of") {
            continue;
        }
        let optional: Vec<String> = cx
            .rules
            .scripts
            .inputs_read(s)
            .into_iter()
            .filter(|k| cx.rules.input(k).is_some_and(|d| d.optional))
            .collect();
        if optional.is_empty() {
            continue;
        }
        let d = out
            .at(
                e.span,
                format!(
                    "脚本读取可以不填的输入项 {}，但没有处理未填写的情况",
                    optional.join("、")
                ),
            )
            .label("未填写时会出错")
            .help(format!(
                "未填写时它的值是 ()，先判断再使用，如 if {} == () {{ … }}",
                optional.first().map_or("x", String::as_str)
            ));
        out.push(d);
    }
}
