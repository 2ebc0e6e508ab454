//! The VS Code extension's TextMate grammar (editors/vscode/syntaxes), tested on every shipped
//! rule file with the engine VS Code uses (vscode-textmate + vscode-oniguruma, from npm), by the
//! node script editors/vscode/test/grammar.test.js.
//!
//! Needs node and the extension's npm packages (`npm ci` in editors/vscode). Without them the
//! test says so and passes (README's `cargo test` needs nothing outside the repository), unless
//! `ZHIBIAO_REQUIRE_NODE` is set, as `.ci/run` sets it after installing them.

use std::path::Path;
use std::process::Command;

fn skip_or_fail(how: &str) {
    let how = format!(
        "{how}：跳过 TextMate 语法的测试。\n要运行它，请安装 node 与 npm，再在 editors/vscode 下运行 npm ci\n\
         （.ci/run 会自动安装并要求运行）"
    );
    assert!(
        std::env::var_os("ZHIBIAO_REQUIRE_NODE").is_none(),
        "ZHIBIAO_REQUIRE_NODE 已设置，但{how}"
    );
    eprintln!("{how}");
}

#[test]
fn the_textmate_grammar_scopes_every_shipped_rule_file() {
    let root = crate::common::root();
    let ext = Path::new(root).join("editors/vscode");
    if Command::new("node").arg("--version").output().is_err() {
        return skip_or_fail("未找到 node");
    }
    if !ext.join("node_modules/vscode-textmate").is_dir() {
        return skip_or_fail("editors/vscode 下没有安装 npm 包");
    }
    let out = Command::new("node")
        .arg(ext.join("test/grammar.test.js"))
        .arg(root)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.starts_with("ok: 2 rule files"), "{stdout}");
}
