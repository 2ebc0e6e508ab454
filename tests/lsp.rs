//! `zhibiao lsp`: a whole editor session against the real process over standard input and
//! output, on the official rule file, with every answer's content and place checked (columns in
//! UTF-16 code units, as the protocol counts them, on Chinese text).

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// A minimal LSP client over the server's pipes. Every wait has a time limit, so a server that
/// stops answering fails the test instead of hanging it.
pub struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next: i64,
    /// Notifications received while waiting for responses.
    pub notes: Vec<Value>,
}

const WAIT: Duration = Duration::from_secs(60);

impl Client {
    pub fn start() -> Client {
        Client::start_with(json!({}))
    }

    /// Starts the server with initialization options (the editor's settings).
    pub fn start_with(options: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        len = n.parse::<usize>().ok();
                    }
                }
                let mut buf = vec![0; len.unwrap()];
                if r.read_exact(&mut buf).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&buf).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut c = Client {
            child,
            stdin,
            rx,
            next: 0,
            notes: Vec::new(),
        };
        let init = c.request(
            "initialize",
            json!({"capabilities": {}, "initializationOptions": options}),
        );
        assert_eq!(init["capabilities"]["hoverProvider"], json!(true), "{init}");
        c.notify("initialized", json!({}));
        c
    }

    pub fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self
                .rx
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("no answer to {method}"));
            if m["id"] == json!(id) {
                return m;
            }
            self.notes.push(m);
        }
    }

    /// Sends a request that must succeed and returns its result.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.call(method, params);
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    /// The diagnostics published for a URI after the last change (waits for them).
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        // A round trip orders the notification before the response.
        self.request("workspace/symbol", json!({"query": "\u{0}"}));
        let found = self
            .notes
            .iter()
            .rev()
            .find(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)
            .unwrap_or_else(|| panic!("no diagnostics published for {uri}"));
        let d = found["params"]["diagnostics"].as_array().unwrap().clone();
        self.notes.clear();
        d
    }

    pub fn finish(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let status = wait(&mut self.child);
        assert!(status.success(), "{status}");
    }
}

fn wait(child: &mut Child) -> std::process::ExitStatus {
    for _ in 0..600 {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    panic!("the server did not exit");
}

/// The LSP position of byte offset `off` in `text`, counted independently of the server.
pub fn pos(text: &str, off: usize) -> Value {
    let before = &text[..off];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": text[start..off].encode_utf16().count()})
}

/// The byte offset of an LSP position.
pub fn offset(text: &str, p: &Value) -> usize {
    let line = p["line"].as_u64().unwrap() as usize;
    let ch = p["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= ch || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn range_text<'a>(text: &'a str, r: &Value) -> &'a str {
    &text[offset(text, &r["start"])..offset(text, &r["end"])]
}

/// Applies text edits (non-overlapping) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, t) in spans {
        out.replace_range(a..b, t);
    }
    out
}

fn official() -> (String, String) {
    let path = format!("{}/rules/sd-nmsz/2023.zb", crate::common::root());
    let text = std::fs::read_to_string(&path).unwrap();
    (format!("file://{path}"), text)
}

fn change(c: &mut Client, uri: &str, version: i64, text: &str, a: usize, b: usize, new: &str) {
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": pos(text, a), "end": pos(text, b)}, "text": new}]
        }),
    );
}

#[test]
fn a_whole_editing_session_on_the_official_file() {
    let (uri, original) = official();
    let mut c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "zhibiao", "version": 1, "text": original}}),
    );
    // The official file is clean: every finding it has is acknowledged by an `allow`.
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());
    let td = json!({"uri": uri});

    // An edit that introduces an error: the overlapping tiers of indicator 3 lose their policy.
    let cut =
        original.find("score tiers share overlap higher").unwrap() + "score tiers share".len();
    let policy = " overlap higher";
    change(&mut c, &uri, 2, &original, cut, cut + policy.len(), "");
    let mut text = original.clone();
    text.replace_range(cut..cut + policy.len(), "");
    let diags = c.diagnostics(&uri);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], "ZB401");
    assert_eq!(d["severity"], 1);
    assert!(
        d["message"].as_str().unwrap().contains("overlap higher"),
        "{d}"
    );
    let second_tier = text[cut..].find("[15%, ..)").unwrap() + cut;
    assert_eq!(d["range"]["start"], pos(&text, second_tier));
    assert_eq!(range_text(&text, &d["range"]), "[15%, ..)");
    let related = &d["relatedInformation"][0];
    assert_eq!(
        range_text(&text, &related["location"]["range"]),
        "[8%, 15%]"
    );

    // The code action that fixes it, applied as the editor would.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": td, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.iter().any(|t| t.starts_with("加上 allow ZB401")),
        "{titles:?}"
    );
    let higher = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["isPreferred"] == json!(true))
        .unwrap();
    assert_eq!(higher["title"], "加上 overlap higher（重叠处取较高档）");
    let edits = higher["edit"]["changes"][&uri].as_array().unwrap().clone();
    let fixed = apply(&text, &edits);
    assert_eq!(fixed, original);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": edits.iter().map(|e| json!({"range": e["range"], "text": e["newText"]})).collect::<Vec<_>>()}),
    );
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());
    let text = original.clone();

    // A gap between two tiers (15% is in neither), closed by its code action.
    let from = "share overlap higher {\n      [8%, 15%] => 1\n      [15%, ..) => 2";
    let to = "share {\n      [8%, 15%) => 1\n      (15%, ..) => 2";
    let at = text.find(from).unwrap();
    change(&mut c, &uri, 4, &text, at, at + from.len(), to);
    let gapped = text.replacen(from, to, 1);
    let diags = c.diagnostics(&uri);
    let gap = diags.iter().find(|d| d["code"] == "ZB403").unwrap();
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": td, "range": gap["range"], "context": {"diagnostics": [gap]}}),
    );
    let close = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["isPreferred"] == json!(true))
        .unwrap();
    assert_eq!(close["title"], "补上分档缺口：把 (15%, ..) 改为 [15%, ..)");
    let edits = close["edit"]["changes"][&uri].as_array().unwrap().clone();
    assert_eq!(edits.len(), 1);
    let upper = gapped.find("(15%, ..)").unwrap();
    assert_eq!(edits[0]["range"]["start"], pos(&gapped, upper));
    assert_eq!(range_text(&gapped, &edits[0]["range"]), "(15%");
    let closed = apply(&gapped, &edits);
    assert_eq!(
        closed,
        text.replacen(
            from,
            "share {\n      [8%, 15%) => 1\n      [15%, ..) => 2",
            1
        )
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 5}, "contentChanges": edits.iter().map(|e| json!({"range": e["range"], "text": e["newText"]})).collect::<Vec<_>>()}),
    );
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());
    // Back to the official text.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 6}, "contentChanges": [{"text": text}]}),
    );
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());

    // Hover on an input used after Chinese text: the range is in UTF-16 columns.
    let line_start = text
        .find("let share \"网络交易经营者占比\" = online_operators")
        .unwrap();
    let word = text[line_start..].find("online_operators").unwrap() + line_start;
    let p = pos(&text, word + 3);
    let prefix = &text[text[..word].rfind('\n').unwrap() + 1..word];
    assert_ne!(
        prefix.len(),
        prefix.encode_utf16().count(),
        "the line must have Chinese text before the name"
    );
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": td, "position": p}),
    );
    assert_eq!(h["range"]["start"], pos(&text, word));
    assert_eq!(
        h["range"]["end"],
        pos(&text, word + "online_operators".len())
    );
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.starts_with("**网络交易经营者数量**（`online_operators`）"),
        "{md}"
    );
    assert!(md.contains("读取它的指标：3、9"), "{md}");

    // Hover on an indicator, an `allow` code and a number with a magnitude.
    let ind = text.find("indicator 3 ").unwrap() + "indicator ".len();
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": td, "position": pos(&text, ind)}),
    );
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.starts_with("**指标 3 网络交易经营者数量占市场主体比重**（2 分）"),
        "{md}"
    );
    assert!(md.contains("责任单位：市场监管局"), "{md}");
    assert!(md.contains("| [8%, 15%] | 1 |"), "{md}");
    let code = text.find("allow ZB616").unwrap() + "allow ".len();
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": td, "position": pos(&text, code + 2)}),
    );
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**ZB616** `nature-mismatch`"),
        "{h}"
    );
    let lit = text.find("s > 3亿元").unwrap() + "s > ".len();
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": td, "position": pos(&text, lit + 1)}),
    );
    assert_eq!(range_text(&text, &h["range"]), "3亿元");
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("300,000,000 元"),
        "{h}"
    );

    // Completion: lint codes after `allow`, input names with their labels elsewhere.
    let after_allow = text.find("allow ZB616").unwrap() + "allow ".len();
    let items = c.request(
        "textDocument/completion",
        json!({"textDocument": td, "position": pos(&text, after_allow)}),
    );
    let zb401 = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "ZB401")
        .unwrap();
    assert_eq!(
        zb401["detail"],
        zhibiao::lint::check("ZB401").unwrap().title()
    );
    let items = c.request(
        "textDocument/completion",
        json!({"textDocument": td, "position": pos(&text, word)}),
    );
    let input = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "online_retail")
        .unwrap();
    assert_eq!(input["detail"], "网上零售额（money 万元 yearly）");

    // Go to definition: from `score tiers share` to the `let share` of the same indicator.
    let use_ = text.find("score tiers share").unwrap() + "score tiers ".len();
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": td, "position": pos(&text, use_ + 1)}),
    );
    let decl = line_start + "let ".len();
    assert_eq!(def["range"]["start"], pos(&text, decl));
    assert_eq!(def["range"]["end"], pos(&text, decl + "share".len()));

    // References and rename of an input: its declaration and every use.
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": td, "position": p, "context": {"includeDeclaration": true}}),
    );
    let refs = refs.as_array().unwrap();
    let expected = text.matches("online_operators").count();
    assert_eq!(refs.len(), expected);
    for r in refs {
        assert_eq!(range_text(&text, &r["range"]), "online_operators");
    }
    let bad = c.call(
        "textDocument/rename",
        json!({"textDocument": td, "position": p, "newName": "网络"}),
    );
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("不是合法的名称"),
        "{bad}"
    );
    let edit = c.request(
        "textDocument/rename",
        json!({"textDocument": td, "position": p, "newName": "online_sellers"}),
    );
    let edits = edit["changes"][&uri].as_array().unwrap();
    assert_eq!(edits.len(), expected);
    let renamed = apply(&text, edits);
    assert_eq!(renamed, text.replace("online_operators", "online_sellers"));
    // The rename reaches the test cases beside the rule file: each data key, nothing else.
    let tests_dir = format!("{}/rules/sd-nmsz/tests", crate::common::root());
    let mut with_key = Vec::new();
    for e in std::fs::read_dir(&tests_dir).unwrap() {
        let path = e.unwrap().path();
        let t = std::fs::read_to_string(&path).unwrap();
        let test_uri = format!("file://{}", path.display());
        if t.contains("\nonline_operators = ") {
            with_key.push(test_uri.clone());
            let edits = edit["changes"][&test_uri].as_array().unwrap();
            assert_eq!(edits.len(), t.matches("\nonline_operators = ").count());
            for e in edits {
                assert_eq!(range_text(&t, &e["range"]), "online_operators");
            }
            assert_eq!(
                apply(&t, edits),
                t.replace("\nonline_operators = ", "\nonline_sellers = ")
            );
        }
    }
    assert!(!with_key.is_empty());
    let mut changed: Vec<String> = edit["changes"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| **k != uri)
        .cloned()
        .collect();
    changed.sort();
    with_key.sort();
    assert_eq!(changed, with_key);

    // Document symbols: categories, their indicators, with Chinese names' UTF-16 ranges.
    let syms = c.request("textDocument/documentSymbol", json!({"textDocument": td}));
    let cat = syms
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "促进发展")
        .unwrap();
    assert_eq!(range_text(&text, &cat["selectionRange"]), "\"促进发展\"");
    let third = &cat["children"][2];
    assert_eq!(third["name"], "3 网络交易经营者数量占市场主体比重");
    assert_eq!(third["detail"], "2 分");
    assert_eq!(
        range_text(&text, &third["selectionRange"]),
        "\"网络交易经营者数量占市场主体比重\""
    );
    let ws = c.request("workspace/symbol", json!({"query": "快递业务"}));
    let names: Vec<&str> = ws
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["5 快递业务同比增速"]);

    // Formatting is exactly `zhibiao fmt`: an untidy line comes back as the formatted file.
    let fmt = c.request(
        "textDocument/formatting",
        json!({"textDocument": td, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(fmt, Value::Null, "the official file is formatted already");
    let messy_at = text.find("    nature 定量").unwrap();
    change(&mut c, &uri, 7, &text, messy_at, messy_at, "        ");
    let mut messy = text.clone();
    messy.insert_str(messy_at, "        ");
    let fmt = c.request(
        "textDocument/formatting",
        json!({"textDocument": td, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let formatted = apply(&messy, fmt.as_array().unwrap());
    let expected = zhibiao::formatter::format(&std::sync::Arc::from("x.zb"), &messy).unwrap();
    assert_eq!(formatted, expected);
    assert_eq!(formatted, text);

    // Live scores: the sample districts (tests/examples.toml) beside each indicator header, and
    // a code lens with how the indicator's test cases come out; both follow the edits.
    change(&mut c, &uri, 8, &messy, messy_at, messy_at + 8, "");
    let whole = json!({"start": {"line": 0, "character": 0}, "end": pos(&text, text.len())});
    let hints = c.request(
        "textDocument/inlayHint",
        json!({"textDocument": td, "range": whole}),
    );
    let head1 = text.find("indicator 1 ").unwrap();
    let brace1 = text[head1..].find('\n').unwrap() + head1;
    let h1 = hints
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["position"] == pos(&text, brace1))
        .unwrap();
    assert_eq!(h1["label"], "示例甲区 2/2；示例乙区 2/2");
    assert_eq!(
        hints.as_array().unwrap().len(),
        text.matches("\n  indicator ").count()
    );
    let cases_for = |no: u32| {
        let dir = format!("{}/rules/sd-nmsz/tests", crate::common::root());
        let mut n = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().unwrap() == "config.toml" {
                continue;
            }
            let t = std::fs::read_to_string(&p).unwrap();
            let (suite, _) = zhibiao::suite::parse(&std::sync::Arc::from("t.toml"), &t);
            for case in suite.unwrap().cases {
                n += case
                    .expect
                    .map_or(0, |e| e.indicators.iter().filter(|(i, _)| *i == no).count());
            }
        }
        n
    };
    let lenses = c.request("textDocument/codeLens", json!({"textDocument": td}));
    let lens_of = |lenses: &Value, at: usize| {
        lenses
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["range"]["start"] == pos(&text, at))
            .unwrap()["command"]
            .clone()
    };
    let n4 = cases_for(4);
    assert!(n4 > 2);
    let head4 = text.find("indicator 4 ").unwrap();
    let lens4 = lens_of(&lenses, head4);
    assert_eq!(lens4["title"], format!("▶ 测试用例 {n4}/{n4} 通过"));
    assert_eq!(lens4["command"], "zhibiao.runTests");
    // One point a year instead of two: the samples score less and the cases say so.
    let award = text
        .find("award 1 when online_growth(y) > province")
        .unwrap()
        + "award ".len();
    change(&mut c, &uri, 9, &text, award, award + 1, "0.5");
    let mut halved = text.clone();
    halved.replace_range(award..award + 1, "0.5");
    let hints = c.request(
        "textDocument/inlayHint",
        json!({"textDocument": td, "range": whole}),
    );
    let h1 = hints
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["position"] == pos(&halved, brace1))
        .unwrap();
    assert_eq!(h1["label"], "示例甲区 1/2；示例乙区 1/2");
    let lenses = c.request("textDocument/codeLens", json!({"textDocument": td}));
    let n1 = cases_for(1);
    let title = lenses
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["range"]["start"] == pos(&halved, head1))
        .unwrap()["command"]["title"]
        .clone();
    let title = title.as_str().unwrap();
    assert!(title.starts_with("▶ 测试用例 "), "{title}");
    assert!(
        title.contains(&format!("/{n1} 通过，未通过：示例甲区：")),
        "{title}"
    );
    assert!(!title.starts_with(&format!("▶ 测试用例 {n1}/")), "{title}");
    change(&mut c, &uri, 10, &halved, award, award + 3, "1");

    // Positions no text has: answered, not refused, and the server goes on.
    let far = json!({"line": 1_000_000, "character": 4_000_000_000u32});
    let h = c.call(
        "textDocument/hover",
        json!({"textDocument": td, "position": far}),
    );
    assert!(h.get("error").is_none(), "{h}");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 11}, "contentChanges": [{"range": {"start": far, "end": {"line": 0, "character": 1}}, "text": "}"}]}),
    );
    let diags = c.diagnostics(&uri);
    assert!(diags.iter().any(|d| d["code"] == "E001"), "{diags:?}");

    c.finish();
}

/// A rule folder in a fresh temporary directory: the official 2023 version, the 2025 revision
/// that `extends` it (tests/fixtures/versions), and test files. Removed when dropped.
struct Folder {
    root: std::path::PathBuf,
}

impl Folder {
    fn new(files: &[(&str, &str)]) -> Folder {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let root = std::env::temp_dir().join(format!("zhibiao-lsp-{}-{stamp}", std::process::id()));
        for (name, text) in files {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        Folder { root }
    }

    fn uri(&self, name: &str) -> String {
        format!("file://{}", self.root.join(name).display())
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.root.join(name)).unwrap()
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[test]
fn a_rule_folder_session_symbols_renames_and_an_unsaved_base() {
    let base = OFFICIAL;
    let revision_path = format!(
        "{}/tests/fixtures/versions/sd-nmsz/2025.zb",
        crate::common::root()
    );
    let revision = std::fs::read_to_string(revision_path).unwrap();
    // A test file of the 2023 version whose keys are written three ways, one after Chinese text
    // on its line; and one that names the revision, which keeps its keys.
    let cases = "# 改名只改输入项的键\n\
        [[case]]\n\
        name = \"甲\"\n\
        data = { \"备注说明\" = 1, \"online_operators\" = 1500 }\n\
        [[case]]\n\
        name = \"乙：online_operators 不改\"\n\
        remove = [\"市场主体\", 'online_operators']\n\
        [case.data]\n\
        online_operators = 799\n";
    let other =
        "rules = \"../2025.zb\"\n[[case]]\nname = \"丙\"\n[case.data]\nonline_operators = 1\n";
    let dir = Folder::new(&[
        ("sd-nmsz/2023.zb", base),
        ("sd-nmsz/2025.zb", &revision),
        ("sd-nmsz/tests/cases.toml", cases),
        ("sd-nmsz/tests/revision.toml", other),
    ]);
    let (base_uri, rev_uri) = (dir.uri("sd-nmsz/2023.zb"), dir.uri("sd-nmsz/2025.zb"));
    let mut c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": rev_uri, "languageId": "zhibiao", "version": 1, "text": revision}}),
    );
    let clean = c.diagnostics(&rev_uri);
    assert!(
        !clean.iter().any(|d| d["code"] == "E101"),
        "the revision builds on the base on disk: {clean:?}"
    );

    // Workspace symbols: the base is not open, yet its indicators are found (by number: 9, not
    // 19, 29 or 39; by name), with ranges in UTF-16 columns of each file.
    for q in ["9", "存续时间"] {
        let found = c.request("workspace/symbol", json!({"query": q}));
        let found = found.as_array().unwrap();
        let mut where_: Vec<&str> = found
            .iter()
            .map(|s| s["location"]["uri"].as_str().unwrap())
            .collect();
        where_.sort();
        assert_eq!(
            where_,
            [base_uri.as_str(), rev_uri.as_str()],
            "{q}: {found:?}"
        );
        for s in found {
            assert_eq!(s["name"], "9 存续时间2年以上的网络交易经营者占比");
            assert_eq!(s["containerName"], "促进发展");
            let text = if s["location"]["uri"] == base_uri.as_str() {
                base
            } else {
                &revision
            };
            assert_eq!(
                range_text(text, &s["location"]["range"]),
                "\"存续时间2年以上的网络交易经营者占比\""
            );
        }
    }
    let cats = c.request("workspace/symbol", json!({"query": "综合保障"}));
    assert_eq!(cats.as_array().unwrap().len(), 1, "{cats}");
    assert_eq!(cats[0]["location"]["uri"], base_uri.as_str());

    // Rename an input of the base: the rule file, and the test file of this version, each key
    // as it is written; the revision's test file is left alone.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": base_uri, "languageId": "zhibiao", "version": 1, "text": base}}),
    );
    let at = base.find("input online_operators").unwrap() + "input ".len();
    let edit = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": base_uri}, "position": pos(base, at), "newName": "online_sellers"}),
    );
    let changes = edit["changes"].as_object().unwrap();
    let mut files: Vec<&String> = changes.keys().collect();
    files.sort();
    let cases_uri = dir.uri("sd-nmsz/tests/cases.toml");
    assert_eq!(files, [&base_uri, &cases_uri]);
    let case_edits = changes[&cases_uri].as_array().unwrap();
    assert_eq!(case_edits.len(), 3);
    let quoted = cases.find("\"online_operators\" = 1500").unwrap();
    assert!(
        case_edits
            .iter()
            .any(|e| e["range"]["start"] == pos(cases, quoted)),
        "{case_edits:?}"
    );
    assert_eq!(
        apply(cases, case_edits),
        cases
            .replace("\"online_operators\" = 1500", "\"online_sellers\" = 1500")
            .replace("'online_operators'", "'online_sellers'")
            .replace("\nonline_operators = 799", "\nonline_sellers = 799")
    );
    assert_eq!(dir.read("sd-nmsz/tests/revision.toml"), other);

    // The rename applied in the editor, not saved: the revision, which still reads
    // `online_operators`, is analysed again on the base as it is in the editor.
    let base_edits = changes[&base_uri].as_array().unwrap().clone();
    let renamed = apply(base, &base_edits);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": base_uri, "version": 2},
               "contentChanges": [{"text": renamed}]}),
    );
    let diags = c.diagnostics(&rev_uri);
    let unknown = diags
        .iter()
        .find(|d| d["code"] == "E101")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(range_text(&revision, &unknown["range"]), "online_operators");
    assert_eq!(dir.read("sd-nmsz/2023.zb"), base, "nothing was saved");
    // Undone in the editor: the revision is as clean as before.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": base_uri, "version": 3},
               "contentChanges": [{"text": base}]}),
    );
    assert_eq!(c.diagnostics(&rev_uri), clean);
    // Closed with the rename unsaved: the revision builds on the file on disk again.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": base_uri, "version": 4},
               "contentChanges": [{"text": renamed}]}),
    );
    assert!(c.diagnostics(&rev_uri).iter().any(|d| d["code"] == "E101"));
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": base_uri}}),
    );
    assert_eq!(c.diagnostics(&rev_uri), clean);

    // Both open, each placing findings in the base: the base shows the findings of both, not
    // only those of the last to be analysed. Without their overlap policy, indicators 3 and 9
    // of the base overlap; the revision replaces indicator 9, so it finds only indicator 3.
    let unsure = base
        .replace("score tiers share overlap higher", "score tiers share")
        .replace(
            "score tiers survival_share overlap higher",
            "score tiers survival_share",
        );
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": base_uri, "languageId": "zhibiao", "version": 5, "text": unsure}}),
    );
    let in_base = c.diagnostics(&base_uri);
    let overlaps: Vec<&str> = in_base
        .iter()
        .filter(|d| d["code"] == "ZB401")
        .map(|d| range_text(&unsure, &d["range"]))
        .collect();
    assert_eq!(overlaps, ["[15%, ..)", "[50%, ..)"], "{in_base:?}");
    c.finish();
}

#[test]
fn a_document_that_accepts_another_version_is_checked_again_when_that_version_changes() {
    let targets = include_str!("../rules/lingang-targets/2025.zb");
    let dir = Folder::new(&[
        ("sd-nmsz/2023.zb", OFFICIAL),
        ("lingang-targets/2025.zb", targets),
    ]);
    let (base_uri, acc_uri) = (
        dir.uri("sd-nmsz/2023.zb"),
        dir.uri("lingang-targets/2025.zb"),
    );
    let mut c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": acc_uri, "languageId": "zhibiao", "version": 1, "text": targets}}),
    );
    let clean = c.diagnostics(&acc_uri);
    assert!(
        !clean.iter().any(|d| d["code"] == "ZB711"),
        "the accepted version on disk agrees: {clean:?}"
    );
    // The accepted version, open and edited (not saved): an input both declare gets another
    // unit, and the document that accepts it says so at once.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": base_uri, "languageId": "zhibiao", "version": 1, "text": OFFICIAL}}),
    );
    let from = "input market_entities \"市场主体数量\" count 户";
    let at = OFFICIAL.find(from).unwrap() + from.len() - "户".len();
    change(&mut c, &base_uri, 2, OFFICIAL, at, at + "户".len(), "家");
    let diags = c.diagnostics(&acc_uri);
    let mismatch = diags
        .iter()
        .find(|d| d["code"] == "ZB711")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert!(
        range_text(targets, &mismatch["range"]).starts_with("input market_entities"),
        "{mismatch}"
    );
    // Closed unsaved: the document is checked again against the file on disk.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": base_uri}}),
    );
    assert_eq!(c.diagnostics(&acc_uri), clean);
    c.finish();
}

#[test]
fn the_sample_setting_may_name_a_file_outside_tests_relative_to_the_rule_folder() {
    let root = crate::common::root();
    let sample = format!(
        "submission = \"{root}/examples/pass.toml\"\nreference = \"{root}/examples/province-2024.toml\"\n\
         [[case]]\nname = \"甲\"\n[case.expect.indicators]\n1 = 2\n"
    );
    let dir = Folder::new(&[("sd-nmsz/2023.zb", OFFICIAL), ("样例.toml", &sample)]);
    let uri = dir.uri("sd-nmsz/2023.zb");
    let mut c = Client::start_with(json!({"sample": "../样例.toml"}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "zhibiao", "version": 1, "text": OFFICIAL}}),
    );
    let whole = json!({"start": {"line": 0, "character": 0}, "end": pos(OFFICIAL, OFFICIAL.len())});
    let hints = c.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": whole}),
    );
    let head1 = OFFICIAL.find("indicator 1 ").unwrap();
    let eol1 = OFFICIAL[head1..].find('\n').unwrap() + head1;
    let h1 = hints
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["position"] == pos(OFFICIAL, eol1))
        .unwrap_or_else(|| panic!("{hints}"));
    assert_eq!(h1["label"], "示例甲区 2/2");
    // The sample is not one of the folder's test files: its expectations are no test cases.
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(lenses, json!([]));
    c.finish();
}

// ---------------------------------------------------------------------------------------------
// Random edit sequences: the library-side analysis and the process never panic, always answer.

use proptest::prelude::*;
use std::sync::Arc;
use zhibiao::ide::{self, Analysis, Position, Range};

const OFFICIAL: &str = include_str!("../rules/sd-nmsz/2023.zb");

/// Pieces an editor might insert: half-typed keywords, unbalanced braces and quotes, Chinese and
/// astral characters (two UTF-16 units), a script block, tiers with a gap, CRLF endings, and a
/// large paste.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("\"".to_string()),
        Just("indicator 99 \"新指标\" points 2 {\n  score tiers online_retail {\n".to_string()),
        Just("script { let x = 1; while true { x += 1; } x }".to_string()),
        Just("allow ZB4".to_string()),
        Just("指标😀\r\n".to_string()),
        Just("3亿元 15% [8%, ..) => ".to_string()),
        Just("[1%, 2%) => 1\n      (3%, ..) => 2\n".to_string()),
        Just("input online_retail \"重复\" money 万元\n".to_string()),
        "[a-z_ \\n{}()\\[\\]\"%0-9]{0,20}",
        Just("category \"x\" points 1 {\n".repeat(400)),
    ]
}

/// An edit: a range given by possibly invalid positions (past line ends, past the last line,
/// inside a surrogate pair, reversed) and a replacement.
fn edit() -> impl Strategy<Value = (u32, u32, u32, u32, String)> {
    (0..800u32, 0..120u32, 0..4u32, 0..40u32, piece())
}

fn apply_edit(
    text: &str,
    (line, ch, dl, dc, new): &(u32, u32, u32, u32, String),
) -> (Range, String) {
    let range = Range {
        start: Position::new(*line, *ch),
        end: Position::new(line + dl, ch.saturating_add(*dc).saturating_sub(5)),
    };
    (range, ide::apply_change(text, Some(range), new))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn any_edit_sequence_leaves_the_analysis_answering(edits in proptest::collection::vec(edit(), 1..5)) {
        let name: Arc<str> = Arc::from("rules/sd-nmsz/2023.zb");
        let mut text = OFFICIAL.to_string();
        for e in &edits {
            let (range, next) = apply_edit(&text, e);
            text = next;
            let a = Analysis::standalone(&name, &text);
            let _ = a.problems();
            for p in [range.start, range.end, Position::new(e.0, e.1 + 1), Position::new(u32::MAX, u32::MAX)] {
                let off = a.offset(p);
                prop_assert!(off <= text.len() && text.is_char_boundary(off));
                let _ = a.hover(off);
                let _ = a.complete(off);
                let _ = a.definition(off);
                let _ = a.references(off, true);
                let _ = a.rename(off, "renamed_name");
                let _ = a.fixes(zhibiao::diag::Span::new(off, off));
                let r = a.range(zhibiao::diag::Span::new(off, text.len()));
                prop_assert!(r.start <= r.end);
            }
            let _ = a.symbols();
            let _ = a.format();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, .. ProptestConfig::default() })]

    #[test]
    fn any_edit_sequence_leaves_the_server_answering(edits in proptest::collection::vec(edit(), 1..4)) {
        let (uri, text) = official();
        let mut c = Client::start();
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "zhibiao", "version": 1, "text": text}}),
        );
        for (v, e) in edits.iter().enumerate() {
            let (range, _) = apply_edit("", e);
            let lsp = |p: Position| json!({"line": p.line, "character": p.character});
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": v + 2},
                       "contentChanges": [{"range": {"start": lsp(range.start), "end": lsp(range.end)}, "text": e.4}]}),
            );
            let h = c.call("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": lsp(range.start)}));
            prop_assert!(h.get("error").is_none(), "{}", h);
            let s = c.call("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
            prop_assert!(s.get("error").is_none(), "{}", s);
        }
        c.finish();
    }
}
