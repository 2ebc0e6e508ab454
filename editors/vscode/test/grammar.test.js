// Tokenizes every shipped rule file (and a few fixed samples) with the TextMate grammar, using
// the engine VS Code itself uses (vscode-textmate + vscode-oniguruma), and checks the scopes.
// Run: node test/grammar.test.js [repository root]. Exits non-zero on the first failed check.
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const root = path.resolve(process.argv[2] || path.join(__dirname, "..", "..", ".."));
const grammarPath = path.join(__dirname, "..", "syntaxes", "zhibiao.tmLanguage.json");

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "source.zhibiao"
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
        : null,
  });
  return registry.loadGrammar("source.zhibiao");
}

/** Every token of a text: { line, text, scopes }. Also returns whether the file ends at the root. */
function tokenize(grammar, text) {
  let stack = vsctm.INITIAL;
  const out = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      out.push({ line: i, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    stack = r.ruleStack;
  });
  return { tokens: out, atRoot: stack.depth === 1 };
}

let failures = 0;
function check(ok, what) {
  if (!ok) {
    failures++;
    console.error("FAIL: " + what);
  }
}

function has(tokens, text, scope, where) {
  const t = tokens.find((t) => t.text === text && t.scopes.some((s) => s.startsWith(scope)));
  check(t, `${where}: “${text}” should have scope ${scope}; got ${JSON.stringify(tokens.filter((x) => x.text === text).map((x) => x.scopes))}`);
}

function ruleFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...ruleFiles(p));
    else if (e.name.endsWith(".zb")) out.push(p);
  }
  return out.sort();
}

(async () => {
  const grammar = await loadGrammar();
  const files = ruleFiles(path.join(root, "rules"));
  check(files.length > 0, "no shipped rule files found under " + root);
  let lines = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, "utf8");
    const { tokens, atRoot } = tokenize(grammar, text);
    const rel = path.relative(root, f);
    lines += text.split("\n").length;
    check(atRoot, `${rel}: the grammar does not end at the top level (an unclosed string, comment or script)`);
    // Every comment line is a comment from its first character.
    text.split(/\r?\n/).forEach((l, i) => {
      const at = l.indexOf("//");
      if (at >= 0 && l.slice(0, at).trim() === "") {
        const first = tokens.find((t) => t.line === i && t.text.trim() !== "");
        check(first && first.scopes.some((s) => s.startsWith("comment.")), `${rel}:${i + 1}: comment line not scoped as a comment`);
      }
      // Every indicator header: keyword, number, string name.
      const m = /^\s*indicator (\d+) "/.exec(l);
      if (m) {
        const line = tokens.filter((t) => t.line === i);
        const kw = line.find((t) => t.text === "indicator");
        const no = line.find((t) => t.text === m[1]);
        check(kw && kw.scopes.includes("storage.type.zhibiao"), `${rel}:${i + 1}: “indicator” not a keyword`);
        check(no && no.scopes.includes("entity.name.tag.number.zhibiao"), `${rel}:${i + 1}: indicator number not scoped`);
        check(line.some((t) => t.scopes.includes("string.quoted.double.zhibiao")), `${rel}:${i + 1}: indicator name not a string`);
      }
    });
    // No Chinese text outside strings and comments except units, magnitudes and natures.
    for (const t of tokens) {
      if (/[\u4e00-\u9fff]/.test(t.text)) {
        const ok = t.scopes.some((s) =>
          /^(string\.|comment\.|keyword\.other\.unit|constant\.numeric\.magnitude|constant\.language\.nature|punctuation\.definition\.string)/.test(s)
        );
        check(ok, `${rel}:${t.line + 1}: Chinese text “${t.text}” outside strings and comments: ${t.scopes.join(" ")}`);
      }
    }
  }

  // Fixed samples: numbers with units, keywords, a Rhai script block, allow codes.
  const sample = [
    'input sales "销售额" money 万元 yearly years Y-2..Y',
    "  indicator 4 \"新增\" points 2 {",
    "    allow ZB616 \"理由\"",
    "    let big = count(s in sales where s > 3亿元)",
    "    score tiers share overlap higher {",
    "      [8%, 15%] => 1",
    "      [15%, ..) => 2",
    "    }",
    "    score ```",
    "      let x = \"}\"; // 注释",
    "      if x > 80 { 2 } else { 0 }",
    "    ```",
    "    cap 5千万元 /* 块注释",
    "       仍是注释 */",
  ].join("\n");
  const { tokens, atRoot } = tokenize(grammar, sample);
  check(atRoot, "sample: does not end at the top level");
  has(tokens, "3", "constant.numeric.zhibiao", "sample");
  has(tokens, "亿", "constant.numeric.magnitude.zhibiao", "sample");
  has(tokens, "元", "keyword.other.unit.zhibiao", "sample");
  has(tokens, "%", "keyword.other.unit.zhibiao", "sample");
  has(tokens, "千万", "constant.numeric.magnitude.zhibiao", "sample");
  has(tokens, "ZB616", "constant.other.lint-code.zhibiao", "sample");
  has(tokens, "overlap", "keyword.control.zhibiao", "sample");
  has(tokens, "money", "support.type.kind.zhibiao", "sample");
  has(tokens, "sales", "entity.name.variable.zhibiao", "sample");
  has(tokens, "万元", "keyword.other.unit.zhibiao", "sample input unit");
  has(tokens, "if", "keyword.control.rhai", "sample script");
  has(tokens, "}", "string.quoted.double.rhai", "sample script");
  has(tokens, "// 注释", "comment.line.double-slash.rhai", "sample script");
  has(tokens, "       仍是注释 ", "comment.block.zhibiao", "sample");
  check(
    tokens.filter((t) => t.line >= 9 && t.line <= 10).every((t) => t.scopes.includes("meta.embedded.block.rhai")),
    "sample: the script body is not inside the embedded Rhai block"
  );

  if (failures > 0) {
    console.error(`${failures} 项检查未通过`);
    process.exit(1);
  }
  console.log(`ok: ${files.length} rule files, ${lines} lines`);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
