// Pictures for docs/editor.md, drawn from what the real `zhibiao lsp` answers.
//
// VS Code cannot run without a display, so these are not VS Code screenshots: this script starts
// the language server, opens the official rule file with one edit (indicator 3's tiers leave a gap
// at 15%), asks for diagnostics, code actions, inlay hints, code lenses and a hover, and draws the
// answers over the file's lines in an editor-like page, which headless Chromium turns into PNGs.
// Every text in the pictures (messages, titles, hints, hover) is the server's answer, placed at the
// server's (line, UTF-16 column) ranges.
//
//   node editors/vscode/test/screenshot.js [zhibiao binary] [output folder]
//
// defaults: target/debug/zhibiao and docs/images (run from the repository root).
"use strict";

const { spawn, execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..", "..", "..");
const bin = path.resolve(process.argv[2] || path.join(root, "target", "debug", "zhibiao"));
const outDir = path.resolve(process.argv[3] || path.join(root, "docs", "images"));
const file = path.join(root, "rules", "sd-nmsz", "2023.zb");
const uri = "file://" + file;

const original = fs.readFileSync(file, "utf8");
const from = "share overlap higher {\n      [8%, 15%] => 1\n      [15%, ..) => 2";
const to = "share {\n      [8%, 15%) => 1\n      (15%, ..) => 2";
if (!original.includes(from)) throw new Error("the official file changed: update the edit");
const text = original.replace(from, to);
const lines = text.split("\n");

// --- A minimal LSP client ------------------------------------------------------------------
const server = spawn(bin, ["lsp"], { stdio: ["pipe", "pipe", "inherit"] });
let buf = Buffer.alloc(0);
let nextId = 0;
const waiting = new Map();
const notes = [];
server.stdout.on("data", (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    const end = buf.indexOf("\r\n\r\n");
    if (end < 0) return;
    const len = Number(/Content-Length: (\d+)/i.exec(buf.slice(0, end).toString())[1]);
    if (buf.length < end + 4 + len) return;
    const msg = JSON.parse(buf.slice(end + 4, end + 4 + len).toString("utf8"));
    buf = buf.slice(end + 4 + len);
    if (msg.id !== undefined && waiting.has(msg.id)) {
      waiting.get(msg.id)(msg);
      waiting.delete(msg.id);
    } else {
      notes.push(msg);
    }
  }
});
function send(msg) {
  const body = JSON.stringify(Object.assign({ jsonrpc: "2.0" }, msg));
  server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
function request(method, params) {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    waiting.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
    send({ id, method, params });
  });
}
const notify = (method, params) => send({ method, params });

// The LSP position of a JS string index (JS strings count UTF-16 units, as the protocol does).
function pos(index) {
  const before = text.slice(0, index);
  const line = before.split("\n").length - 1;
  return { line, character: index - (before.lastIndexOf("\n") + 1) };
}

// --- Drawing -------------------------------------------------------------------------------
const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// Markdown as the hover shows it: bold, inline code, tables, paragraphs.
function markdown(md) {
  const inline = (s) =>
    esc(s)
      .replace(/\*\*(.+?)\*\*/g, "<b>$1</b>")
      .replace(/`([^`]+)`/g, "<code>$1</code>");
  const out = [];
  let table = null;
  for (const line of md.split("\n")) {
    if (line.startsWith("|")) {
      const cells = line.split("|").slice(1, -1).map((c) => c.trim());
      if (cells.every((c) => /^-+$/.test(c))) continue;
      if (!table) table = [];
      table.push(cells);
      continue;
    }
    if (table) {
      out.push("<table>" + table.map((r, i) => "<tr>" + r.map((c) => (i ? "<td>" : "<th>") + inline(c)).join("") + "</tr>").join("") + "</table>");
      table = null;
    }
    if (line.startsWith("- ")) out.push("<div class=li>• " + inline(line.slice(2)) + "</div>");
    else if (line.trim()) out.push("<p>" + inline(line) + "</p>");
  }
  if (table) out.push("<table>" + table.map((r) => "<tr>" + r.map((c) => "<td>" + inline(c)).join("") + "</tr>").join("") + "</table>");
  return out.join("");
}

// One editor view of lines [first, last] with the server's answers drawn on it.
function page({ first, last, diagnostics, hints, lenses, popup }) {
  const rows = [];
  for (let l = first; l <= last; l++) {
    for (const lens of lenses.filter((x) => x.range.start.line === l)) {
      const indent = lines[l].length - lines[l].trimStart().length;
      rows.push(`<div class="row lens"><span class=no></span><span class=code>${" ".repeat(indent)}${esc(lens.command.title)}</span></div>`);
    }
    // Marks on this line: warnings underlined (wavy), in the server's UTF-16 columns.
    const line = lines[l];
    const marks = new Array(line.length + 1).fill(null);
    for (const d of diagnostics) {
      if (d.range.start.line > l || d.range.end.line < l) continue;
      const a = d.range.start.line === l ? d.range.start.character : 0;
      const b = d.range.end.line === l ? d.range.end.character : line.length;
      for (let i = a; i < b; i++) marks[i] = d.severity === 1 ? "err" : d.severity ? "warn" : "hov";
    }
    let html = "";
    for (let i = 0; i < line.length; ) {
      let j = i;
      while (j < line.length && marks[j] === marks[i]) j++;
      const part = esc(line.slice(i, j));
      html += marks[i] ? `<span class=${marks[i]}>${part}</span>` : part;
      i = j;
    }
    for (const h of hints.filter((x) => x.position.line === l)) html += ` <span class=hint>${esc(h.label)}</span>`;
    rows.push(`<div class=row><span class=no>${l + 1}</span><span class=code>${html}</span></div>`);
    if (popup && popup.after === l) rows.push(`<div class=popup style="margin-left:${popup.indent}ch">${popup.html}</div>`);
  }
  return `<!doctype html><meta charset=utf-8><style>
body{margin:0;background:#1f1f1f;font:14px/1.6 "Noto Sans Mono CJK SC","Noto Sans CJK SC",monospace;color:#ccc}
.bar{background:#181818;color:#999;padding:6px 14px;font-family:"Noto Sans CJK SC",sans-serif;font-size:13px;border-bottom:1px solid #2b2b2b}
.bar b{color:#ddd;font-weight:normal;background:#1f1f1f;padding:6px 12px;border-top:1px solid #0078d4}
.ed{padding:8px 0}.row{white-space:pre;display:flex}.no{width:4em;text-align:right;color:#6e7681;padding-right:1.5em;flex:none}
.lens .code{color:#999;font-size:12px}
.warn{text-decoration:underline wavy #cca700;text-underline-offset:3px}.err{text-decoration:underline wavy #f14c4c;text-underline-offset:3px}
.hov{background:#264f78}.hint{background:#2f2f2f;color:#9d9d9d;border-radius:3px;padding:0 4px;font-size:13px}
.popup{white-space:normal;margin:4px 0 6px 5.5em;background:#252526;border:1px solid #454545;color:#ccc;padding:8px 12px;max-width:820px;font-family:"Noto Sans CJK SC",sans-serif;font-size:13px;box-shadow:0 4px 12px #000a}
.popup p{margin:4px 0}.popup code{background:#333;padding:0 3px}.popup table{border-collapse:collapse;margin:6px 0}.popup td,.popup th{border:1px solid #555;padding:1px 10px}
.popup .title{color:#cca700}.popup .code{color:#999}.popup .act{padding:2px 6px}.popup .act.pref{background:#04395e}.popup .act::before{content:"› ";color:#cca700}
</style><div class=bar><b>2023.zb</b>　rules › sd-nmsz　（由 zhibiao lsp 的实际回答绘制）</div><div class=ed>${rows.join("")}</div>`;
}

function shoot(html, name, height) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-shot-"));
  const htmlFile = path.join(tmp, "page.html");
  fs.writeFileSync(htmlFile, html);
  const out = path.join(outDir, name);
  execFileSync(process.env.CHROMIUM || "chromium", [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    `--user-data-dir=${path.join(tmp, "profile")}`,
    `--window-size=1100,${height}`, `--screenshot=${out}`, "file://" + htmlFile,
  ], { stdio: "ignore", timeout: 120000 });
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log("wrote " + out);
}

// --- The session ---------------------------------------------------------------------------
(async () => {
  await request("initialize", { capabilities: {}, processId: null, rootUri: null });
  notify("initialized", {});
  notify("textDocument/didOpen", { textDocument: { uri, languageId: "zhibiao", version: 1, text } });
  const td = { uri };
  // A round trip: the diagnostics of the open are published before this answer.
  await request("workspace/symbol", { query: "\u0000" });
  const published = notes.filter((n) => n.method === "textDocument/publishDiagnostics" && n.params.uri === uri).pop();
  const diagnostics = published.params.diagnostics;
  const gap = diagnostics.find((d) => d.code === "ZB403");
  if (!gap) throw new Error("no ZB403 finding: " + JSON.stringify(diagnostics));
  const actions = await request("textDocument/codeAction", { textDocument: td, range: gap.range, context: { diagnostics: [gap] } });
  const whole = { start: { line: 0, character: 0 }, end: pos(text.length) };
  const hints = await request("textDocument/inlayHint", { textDocument: td, range: whole });
  const lenses = await request("textDocument/codeLens", { textDocument: td });
  const word = text.indexOf("online_operators", text.indexOf("let share "));
  const hover = await request("textDocument/hover", { textDocument: td, position: pos(word + 3) });
  await request("shutdown", null);
  notify("exit", null);

  const head = text.indexOf("  indicator 3 ");
  const first = pos(head).line - 1;
  const last = pos(text.indexOf("\n  }\n", head) + 4).line;
  const upper = pos(text.indexOf("(15%, ..)", head)).line;
  fs.mkdirSync(outDir, { recursive: true });

  // 1. The finding, its message and the quick fixes offered for it.
  const shown = diagnostics.filter((d) => d.range.start.line >= first && d.range.end.line <= last);
  const messages = shown
    .map((d) => `<p class=title>${esc(String(d.code))}　${esc(d.message.split("\n")[0])}</p><p class=code>${esc(d.message.split("\n").slice(1).join(" "))}</p>`)
    .join("");
  const fixes = actions
    .map((a) => `<div class="act${a.isPreferred ? " pref" : ""}">${esc(a.title)}</div>`)
    .join("");
  const quick = { after: upper, indent: 6, html: messages + "<hr style='border-color:#454545'>" + "<p>快速修复：</p>" + fixes };
  shoot(page({ first, last, diagnostics, hints, lenses, popup: quick }), "editor-gap.png", 760);

  // 2. A hover on an input: its label, kind, help and the indicators that read it.
  const hoverLine = pos(word).line;
  const tip = { after: hoverLine, indent: pos(word).character, html: markdown(hover.contents.value) };
  // The hovered word is marked where the server says the hover applies.
  const hovered = [{ range: hover.range }];
  shoot(page({ first, last, diagnostics: hovered, hints, lenses, popup: tip }), "editor-hover.png", 640);
})().catch((e) => {
  console.error(e);
  server.kill();
  process.exit(1);
});
