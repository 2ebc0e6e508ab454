// The VS Code client of `zhibiao lsp`: starts the language server for .zb files and runs a rule
// folder's test cases from the code lens above each indicator.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const config = vscode.workspace.getConfiguration("zhibiao");
  const command = config.get("path") || "zhibiao";
  return { run: { command, args: ["lsp"] }, debug: { command, args: ["lsp"] } };
}

function clientOptions() {
  const config = vscode.workspace.getConfiguration("zhibiao");
  return {
    documentSelector: [{ scheme: "file", language: "zhibiao" }, { scheme: "untitled", language: "zhibiao" }],
    initializationOptions: { sample: config.get("sample") || "" },
  };
}

async function start() {
  client = new LanguageClient("zhibiao", "zhibiao 规则文件", serverOptions(), clientOptions());
  try {
    await client.start();
  } catch (e) {
    vscode.window.showErrorMessage(
      "无法启动 zhibiao 语言服务器：请确认已安装 zhibiao，或在设置 zhibiao.path 中填写它的路径。（" + e + "）"
    );
  }
}

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("zhibiao.runTests", (folder, indicator) => {
      const config = vscode.workspace.getConfiguration("zhibiao");
      const command = config.get("path") || "zhibiao";
      const terminal = vscode.window.createTerminal("zhibiao 测试");
      terminal.show();
      const dir = folder || ".";
      terminal.sendText(`${JSON.stringify(command)} test ${JSON.stringify(dir)}`);
      if (indicator !== undefined) {
        vscode.window.setStatusBarMessage(`正在运行测试用例（指标 ${indicator} 所在的规则目录）`, 3000);
      }
    }),
    vscode.commands.registerCommand("zhibiao.restart", async () => {
      if (client) {
        await client.stop();
      }
      await start();
    })
  );
  return start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
