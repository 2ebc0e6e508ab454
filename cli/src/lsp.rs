//! `zhibiao lsp`: the Language Server Protocol over standard input and output, for editors.
//!
//! Built on `lsp-server` and `lsp-types`, the synchronous crates rust-analyzer uses: one thread
//! reads messages, this loop answers them in order, no async runtime. Every answer comes from
//! `zhibiao::ide` (pure functions over a file's text); this module only keeps the open documents,
//! finds the versions a revision `extends` or `accepts` on disk (as every other command does, with
//! [`crate::rules::Disk`]) and converts between the library's values and the protocol's. A
//! request whose handler fails in any way is answered with an error; the server keeps serving.

use crate::EXIT_OK;
use crate::EXIT_UNUSABLE;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lt;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use serde_json::json;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use zhibiao::diag::{Severity, Span};
use zhibiao::ide::{self, Analysis, ItemKind};

/// One open document.
struct Doc {
    text: String,
    analysis: Analysis,
    /// The live scores and test results, computed on first ask after each change.
    live: Option<Live>,
    /// The diagnostics this document's analysis last placed in each file: its own, and those
    /// in the files of the versions it builds on. What is published for a file is the union of
    /// what every open document places in it.
    own: HashMap<lt::Url, Vec<lt::Diagnostic>>,
}

#[derive(Default)]
struct Server {
    docs: HashMap<lt::Url, Doc>,
    /// The test file whose cases are the sample districts of the inlay hints (the setting
    /// `sample`); by default each rule folder's `tests/examples.toml`.
    sample: Option<PathBuf>,
}

/// What the sample districts score and how each indicator's test cases come out.
#[derive(Default, Clone)]
struct Live {
    /// Per indicator number: "示例甲区 2/2" for each sample district.
    hints: HashMap<u32, Vec<String>>,
    /// Per indicator number: (cases passed, cases run, names of the failing ones).
    tests: HashMap<u32, (usize, usize, Vec<String>)>,
}

/// Runs the server until the editor says `exit`.
pub fn run() -> u8 {
    let (conn, io) = Connection::stdio();
    let caps = capabilities();
    let Ok(caps) = serde_json::to_value(caps) else {
        return EXIT_UNUSABLE;
    };
    let params = match conn.initialize(caps) {
        Ok(p) => p,
        Err(e) => {
            errln!("语言服务器未能与编辑器建立连接：{e}");
            return EXIT_UNUSABLE;
        }
    };
    let mut server = Server {
        sample: params["initializationOptions"]["sample"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(PathBuf::from),
        ..Server::default()
    };
    let code = server.serve(&conn);
    drop(conn);
    let _ = io.join();
    code
}

fn capabilities() -> lt::ServerCapabilities {
    lt::ServerCapabilities {
        text_document_sync: Some(lt::TextDocumentSyncCapability::Kind(
            lt::TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(lt::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lt::CompletionOptions {
            trigger_characters: Some(vec![" ".to_string()]),
            ..Default::default()
        }),
        definition_provider: Some(lt::OneOf::Left(true)),
        references_provider: Some(lt::OneOf::Left(true)),
        rename_provider: Some(lt::OneOf::Right(lt::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(lt::OneOf::Left(true)),
        workspace_symbol_provider: Some(lt::OneOf::Left(true)),
        document_formatting_provider: Some(lt::OneOf::Left(true)),
        code_action_provider: Some(lt::CodeActionProviderCapability::Simple(true)),
        inlay_hint_provider: Some(lt::OneOf::Left(true)),
        code_lens_provider: Some(lt::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        ..Default::default()
    }
}

impl Server {
    fn serve(&mut self, conn: &Connection) -> u8 {
        for msg in &conn.receiver {
            match msg {
                Message::Request(req) => {
                    match conn.handle_shutdown(&req) {
                        Ok(true) => return EXIT_OK,
                        Ok(false) => {}
                        Err(_) => return EXIT_OK,
                    }
                    let id = req.id.clone();
                    let resp = match std::panic::catch_unwind(AssertUnwindSafe(|| {
                        self.request(req)
                    })) {
                        Ok(Ok(v)) => Response::new_ok(id, v),
                        Ok(Err(msg)) => Response::new_err(id, ErrorCode::InvalidParams as i32, msg),
                        Err(_) => Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            "语言服务器处理这个请求时出错；请把规则文件和操作步骤报告给维护人员"
                                .to_string(),
                        ),
                    };
                    if conn.sender.send(Message::Response(resp)).is_err() {
                        return EXIT_OK;
                    }
                }
                Message::Notification(n) => {
                    let out = std::panic::catch_unwind(AssertUnwindSafe(|| self.notification(n)))
                        .unwrap_or_default();
                    for n in out {
                        if conn.sender.send(Message::Notification(n)).is_err() {
                            return EXIT_OK;
                        }
                    }
                }
                Message::Response(_) => {}
            }
        }
        EXIT_OK
    }

    /// Handles a notification; returns the diagnostics to publish.
    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        use lt::notification as ln;
        match n.method.as_str() {
            ln::DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lt::DidOpenTextDocumentParams>(n.params)
                else {
                    return Vec::new();
                };
                let uri = p.text_document.uri;
                self.set_text(&uri, p.text_document.text);
                let mut out = self.publish(&uri);
                out.extend(self.refresh_revisions(&uri));
                out
            }
            ln::DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lt::DidChangeTextDocumentParams>(n.params)
                else {
                    return Vec::new();
                };
                let uri = p.text_document.uri;
                let mut text = self
                    .docs
                    .get(&uri)
                    .map(|d| d.text.clone())
                    .unwrap_or_default();
                for c in p.content_changes {
                    text = ide::apply_change(&text, c.range.map(range_in), &c.text);
                }
                self.set_text(&uri, text);
                let mut out = self.publish(&uri);
                out.extend(self.refresh_revisions(&uri));
                out
            }
            ln::DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lt::DidCloseTextDocumentParams>(n.params)
                else {
                    return Vec::new();
                };
                let uri = p.text_document.uri;
                let mut out = Vec::new();
                if let Some(d) = self.docs.remove(&uri) {
                    let mut files: Vec<lt::Url> = d.own.into_keys().collect();
                    files.sort();
                    for u in files {
                        // What other open documents place in it stays.
                        let left = if u == uri {
                            Vec::new()
                        } else {
                            self.merged(&u)
                        };
                        out.push(diagnostics_note(u, left));
                    }
                }
                out.extend(self.refresh_revisions(&uri));
                out
            }
            _ => Vec::new(),
        }
    }

    /// Analyses the other open documents again that build on other versions (`extends`,
    /// `accepts`) after `changed` was edited, opened or closed: a base version open in the
    /// editor counts with its unsaved text. Only those whose rule set was built from `changed`,
    /// or could not be built (the change may supply the missing base). Returns their diagnostics.
    fn refresh_revisions(&mut self, changed: &lt::Url) -> Vec<Notification> {
        let changed_name = file_name(changed);
        let mut uris: Vec<lt::Url> = self
            .docs
            .iter()
            .filter(|(u, d)| {
                let a = &d.analysis;
                let header = a.file.header.as_ref();
                let extends = header.is_some_and(|h| h.extends.is_some());
                let accepts = header.is_some_and(|h| h.accepts.is_some());
                // Built from `changed` (as a base or as the version it accepts), or could not
                // be built, or accepts a version that could not be found: `changed` may be it.
                let uses = a.report.rules.as_ref().is_none_or(|rs| {
                    rs.built_from(&changed_name) || (accepts && rs.accepted.is_none())
                });
                *u != changed && (extends || accepts) && uses
            })
            .map(|(u, _)| u.clone())
            .collect();
        uris.sort();
        let mut out = Vec::new();
        for u in uris {
            let Some(text) = self.docs.get(&u).map(|d| d.text.clone()) else {
                continue;
            };
            self.set_text(&u, text);
            out.extend(self.publish(&u));
        }
        out
    }

    fn set_text(&mut self, uri: &lt::Url, text: String) {
        let name = file_name(uri);
        let mut disk = crate::rules::Disk::default();
        // A base version open in the editor is read as it is there, saved or not.
        for (u, d) in &self.docs {
            if u != uri
                && let Ok(path) = u.to_file_path()
            {
                disk.unsaved.insert(path, d.analysis.text.clone());
            }
        }
        let analysis = Analysis::new(&name, &text, &mut |r| disk.find(r), Vec::new());
        let own = self.docs.remove(uri).map(|d| d.own).unwrap_or_default();
        self.docs.insert(
            uri.clone(),
            Doc {
                text,
                analysis,
                live: None,
                own,
            },
        );
    }

    /// The diagnostics of a document, grouped by the file they point into.
    fn publish(&mut self, uri: &lt::Url) -> Vec<Notification> {
        let Some(doc) = self.docs.get_mut(uri) else {
            return Vec::new();
        };
        let a = &doc.analysis;
        let mut by_file: HashMap<lt::Url, Vec<lt::Diagnostic>> = HashMap::new();
        by_file.insert(uri.clone(), Vec::new());
        let mut other_texts: HashMap<Arc<str>, Option<Arc<str>>> = HashMap::new();
        for p in a.problems() {
            let own = p.file.as_ref().is_none_or(|f| *f == a.name);
            let (target, text): (lt::Url, Option<Arc<str>>) = if own {
                (uri.clone(), Some(a.text.clone()))
            } else {
                let f = p.file.clone().unwrap_or_else(|| a.name.clone());
                let text = other_texts
                    .entry(f.clone())
                    .or_insert_with(|| a.report.rules.as_ref().and_then(|rs| part_text(rs, &f)))
                    .clone();
                match lt::Url::from_file_path(&*f) {
                    Ok(u) if std::path::Path::new(&*f).is_file() => (u, text),
                    // A built-in base has no file to open: shown at the top of this document.
                    _ => (uri.clone(), None),
                }
            };
            let range = match (p.span, &text) {
                (Some(s), Some(t)) => {
                    let ix = ide::LineIndex::new(t);
                    range_out(ix.range(t, s))
                }
                _ => lt::Range::default(),
            };
            let related = match (&text, p.related.is_empty()) {
                (Some(t), false) => {
                    let ix = ide::LineIndex::new(t);
                    Some(
                        p.related
                            .iter()
                            .map(|(s, m)| lt::DiagnosticRelatedInformation {
                                location: lt::Location {
                                    uri: target.clone(),
                                    range: range_out(ix.range(t, *s)),
                                },
                                message: m.clone(),
                            })
                            .collect(),
                    )
                }
                _ => None,
            };
            let mut message = p.message;
            if text.is_none()
                && let Some(f) = &p.file
            {
                message = format!("{f}：{message}");
            }
            by_file.entry(target).or_default().push(lt::Diagnostic {
                range,
                severity: Some(match p.severity {
                    Severity::Error => lt::DiagnosticSeverity::ERROR,
                    Severity::Warning => lt::DiagnosticSeverity::WARNING,
                    _ => lt::DiagnosticSeverity::INFORMATION,
                }),
                code: Some(lt::NumberOrString::String(p.code.to_string())),
                source: Some("zhibiao".to_string()),
                message,
                related_information: related,
                ..Default::default()
            });
        }
        let mut files: Vec<lt::Url> = by_file.keys().chain(doc.own.keys()).cloned().collect();
        files.sort();
        files.dedup();
        doc.own = by_file;
        files
            .into_iter()
            .map(|u| {
                let d = self.merged(&u);
                diagnostics_note(u, d)
            })
            .collect()
    }

    /// What is published for a file: what its own document places in it, then what the other
    /// open documents (revisions of it) place in it, each once.
    fn merged(&self, file: &lt::Url) -> Vec<lt::Diagnostic> {
        let mut others: Vec<(&lt::Url, &Doc)> =
            self.docs.iter().filter(|(u, _)| *u != file).collect();
        others.sort_by_key(|(u, _)| *u);
        let mut out: Vec<lt::Diagnostic> = Vec::new();
        for d in self
            .docs
            .get(file)
            .into_iter()
            .chain(others.into_iter().map(|(_, d)| d))
        {
            for x in d.own.get(file).into_iter().flatten() {
                if !out.contains(x) {
                    out.push(x.clone());
                }
            }
        }
        out
    }

    fn doc(&self, uri: &lt::Url) -> Result<&Doc, String> {
        self.docs
            .get(uri)
            .ok_or_else(|| format!("文件没有在编辑器中打开：{uri}"))
    }

    fn request(&mut self, req: Request) -> Result<serde_json::Value, String> {
        use lt::request as lr;
        let bad = |e: serde_json::Error| format!("请求参数不对：{e}");
        let ok = |v: serde_json::Result<serde_json::Value>| v.map_err(|e| e.to_string());
        match req.method.as_str() {
            lr::HoverRequest::METHOD => {
                let p: lt::HoverParams = serde_json::from_value(req.params).map_err(bad)?;
                let d = self.doc(&p.text_document_position_params.text_document.uri)?;
                let a = &d.analysis;
                let off = a.offset(pos_in(p.text_document_position_params.position));
                let h = a.hover(off).map(|h| lt::Hover {
                    contents: lt::HoverContents::Markup(lt::MarkupContent {
                        kind: lt::MarkupKind::Markdown,
                        value: h.markdown,
                    }),
                    range: Some(range_out(a.range(h.span))),
                });
                ok(serde_json::to_value(h))
            }
            lr::Completion::METHOD => {
                let p: lt::CompletionParams = serde_json::from_value(req.params).map_err(bad)?;
                let d = self.doc(&p.text_document_position.text_document.uri)?;
                let a = &d.analysis;
                // Completion runs on the text as typed, which may be newer than a failed parse.
                let off = a.offset(pos_in(p.text_document_position.position));
                let items: Vec<lt::CompletionItem> = a
                    .complete(off)
                    .into_iter()
                    .map(|c| lt::CompletionItem {
                        label: c.label,
                        detail: Some(c.detail),
                        kind: Some(completion_kind(c.kind)),
                        ..Default::default()
                    })
                    .collect();
                ok(serde_json::to_value(lt::CompletionResponse::Array(items)))
            }
            lr::GotoDefinition::METHOD => {
                let p: lt::GotoDefinitionParams =
                    serde_json::from_value(req.params).map_err(bad)?;
                let uri = p.text_document_position_params.text_document.uri;
                let a = &self.doc(&uri)?.analysis;
                let off = a.offset(pos_in(p.text_document_position_params.position));
                let r = a.definition(off).map(|s| {
                    lt::GotoDefinitionResponse::Scalar(lt::Location {
                        uri: uri.clone(),
                        range: range_out(a.range(s)),
                    })
                });
                ok(serde_json::to_value(r))
            }
            lr::References::METHOD => {
                let p: lt::ReferenceParams = serde_json::from_value(req.params).map_err(bad)?;
                let uri = p.text_document_position.text_document.uri;
                let a = &self.doc(&uri)?.analysis;
                let off = a.offset(pos_in(p.text_document_position.position));
                let r: Vec<lt::Location> = a
                    .references(off, p.context.include_declaration)
                    .into_iter()
                    .map(|s| lt::Location {
                        uri: uri.clone(),
                        range: range_out(a.range(s)),
                    })
                    .collect();
                ok(serde_json::to_value(r))
            }
            lr::PrepareRenameRequest::METHOD => {
                let p: lt::TextDocumentPositionParams =
                    serde_json::from_value(req.params).map_err(bad)?;
                let a = &self.doc(&p.text_document.uri)?.analysis;
                let off = a.offset(pos_in(p.position));
                let r = a
                    .rename_target(off)
                    .map(|s| lt::PrepareRenameResponse::Range(range_out(a.range(s))));
                ok(serde_json::to_value(r))
            }
            lr::Rename::METHOD => {
                let p: lt::RenameParams = serde_json::from_value(req.params).map_err(bad)?;
                let uri = p.text_document_position.text_document.uri;
                let a = &self.doc(&uri)?.analysis;
                let off = a.offset(pos_in(p.text_document_position.position));
                let edits = a.rename(off, &p.new_name).map_err(|e| e.to_string())?;
                let mut edit = workspace_edit(&uri, a, edits);
                if let (Some(old), Some(changes)) = (a.renamed_input(off), edit.changes.as_mut()) {
                    changes.extend(test_file_renames(&a.name, old, &p.new_name));
                }
                ok(serde_json::to_value(edit))
            }
            lr::DocumentSymbolRequest::METHOD => {
                let p: lt::DocumentSymbolParams =
                    serde_json::from_value(req.params).map_err(bad)?;
                let a = &self.doc(&p.text_document.uri)?.analysis;
                let syms: Vec<lt::DocumentSymbol> =
                    a.symbols().into_iter().map(|s| doc_symbol(a, s)).collect();
                ok(serde_json::to_value(lt::DocumentSymbolResponse::Nested(
                    syms,
                )))
            }
            lr::WorkspaceSymbolRequest::METHOD => {
                let p: lt::WorkspaceSymbolParams =
                    serde_json::from_value(req.params).map_err(bad)?;
                ok(serde_json::to_value(self.workspace_symbols(p.query.trim())))
            }
            lr::Formatting::METHOD => {
                let p: lt::DocumentFormattingParams =
                    serde_json::from_value(req.params).map_err(bad)?;
                let a = &self.doc(&p.text_document.uri)?.analysis;
                let r = a.format().map(|text| {
                    vec![lt::TextEdit {
                        range: range_out(a.range(Span::new(0, a.text.len()))),
                        new_text: text,
                    }]
                });
                ok(serde_json::to_value(r))
            }
            lr::CodeActionRequest::METHOD => {
                let p: lt::CodeActionParams = serde_json::from_value(req.params).map_err(bad)?;
                let uri = p.text_document.uri;
                let a = &self.doc(&uri)?.analysis;
                let at = a.index.span(&a.text, range_in(p.range));
                let actions: Vec<lt::CodeActionOrCommand> = a
                    .fixes(at)
                    .into_iter()
                    .map(|f| {
                        lt::CodeActionOrCommand::CodeAction(lt::CodeAction {
                            title: f.title,
                            kind: Some(lt::CodeActionKind::QUICKFIX),
                            is_preferred: Some(f.preferred),
                            edit: Some(workspace_edit(&uri, a, f.edits)),
                            ..Default::default()
                        })
                    })
                    .collect();
                ok(serde_json::to_value(actions))
            }
            lr::InlayHintRequest::METHOD => {
                let p: lt::InlayHintParams = serde_json::from_value(req.params).map_err(bad)?;
                let live = self.live(&p.text_document.uri)?;
                let a = &self.doc(&p.text_document.uri)?.analysis;
                let hints: Vec<lt::InlayHint> = a
                    .indicator_heads()
                    .into_iter()
                    .filter_map(|(no, head)| {
                        let labels = live.hints.get(&no)?;
                        // At the end of the header's line, after its `{`.
                        let line = a.range(head).start.line;
                        let eol = a.offset(ide::Position::new(line, u32::MAX));
                        Some(lt::InlayHint {
                            position: range_out(a.range(Span::new(eol, eol))).end,
                            label: lt::InlayHintLabel::String(labels.join("；")),
                            kind: None,
                            text_edits: None,
                            tooltip: Some(lt::InlayHintTooltip::String(
                                "示例地区按当前规则的得分/满分（随编辑更新）".to_string(),
                            )),
                            padding_left: Some(true),
                            padding_right: None,
                            data: None,
                        })
                    })
                    .collect();
                ok(serde_json::to_value(hints))
            }
            lr::CodeLensRequest::METHOD => {
                let p: lt::CodeLensParams = serde_json::from_value(req.params).map_err(bad)?;
                let uri = p.text_document.uri;
                let live = self.live(&uri)?;
                let a = &self.doc(&uri)?.analysis;
                let folder = std::path::Path::new(&*a.name)
                    .parent()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default();
                let lenses: Vec<lt::CodeLens> = a
                    .indicator_heads()
                    .into_iter()
                    .filter_map(|(no, head)| {
                        let (passed, run, failed) = live.tests.get(&no)?;
                        let title = if failed.is_empty() {
                            format!("▶ 测试用例 {passed}/{run} 通过")
                        } else {
                            let first = failed.first().map_or("", String::as_str);
                            let more = if failed.len() > 1 {
                                format!(" 等 {} 个", failed.len())
                            } else {
                                String::new()
                            };
                            format!("▶ 测试用例 {passed}/{run} 通过，未通过：{first}{more}")
                        };
                        Some(lt::CodeLens {
                            range: range_out(a.range(head)),
                            command: Some(lt::Command {
                                title,
                                command: "zhibiao.runTests".to_string(),
                                arguments: Some(vec![json!(folder), json!(no)]),
                            }),
                            data: None,
                        })
                    })
                    .collect();
                ok(serde_json::to_value(lenses))
            }
            _ => Err(format!("语言服务器不支持这个请求：{}", req.method)),
        }
    }
}

impl Server {
    /// The categories and indicators whose number or name matches a query, in every rule file
    /// of the folders the open documents are in: an open document as it is in the editor, the
    /// others as they are on disk. A query of digits is an indicator number (`9` finds
    /// indicator 9, not 19); any other query is looked for in the names.
    fn workspace_symbols(&self, q: &str) -> Vec<lt::SymbolInformation> {
        let mut files: Vec<(lt::Url, Arc<str>, Vec<ide::Symbol>)> = Vec::new();
        let mut uris: Vec<&lt::Url> = self.docs.keys().collect();
        uris.sort();
        let mut folders = std::collections::BTreeSet::new();
        for uri in uris {
            let a = &self.docs[uri].analysis;
            files.push((uri.clone(), a.text.clone(), a.symbols()));
            if let Ok(path) = uri.to_file_path()
                && let Some(dir) = path.parent()
            {
                folders.insert(dir.to_path_buf());
            }
        }
        for dir in folders {
            let Ok(paths) = crate::rules::rule_files_in(&dir) else {
                continue;
            };
            for path in paths {
                let Ok(uri) = lt::Url::from_file_path(&path) else {
                    continue;
                };
                if self.docs.contains_key(&uri) || files.iter().any(|(u, _, _)| *u == uri) {
                    continue;
                }
                let Ok((name, text)) = crate::files::read_text(
                    &path,
                    zhibiao::codes::MISSING,
                    crate::files::RULE_FILE,
                ) else {
                    continue;
                };
                let (file, _) = zhibiao::syntax::parse(&name, &text);
                files.push((uri, text, ide::outline(&file)));
            }
        }
        let number: Option<u32> = (!q.is_empty() && q.bytes().all(|b| b.is_ascii_digit()))
            .then(|| q.parse().ok())
            .flatten();
        let mut out = Vec::new();
        for (uri, text, symbols) in files {
            let ix = ide::LineIndex::new(&text);
            for cat in symbols.iter().filter(|s| s.kind == ItemKind::Category) {
                for s in std::iter::once(cat).chain(cat.children.iter()) {
                    let hit = match (number, s.no) {
                        (Some(n), Some(no)) => n == no,
                        (Some(_), None) => false,
                        (None, _) => q.is_empty() || s.name.contains(q),
                    };
                    if !hit {
                        continue;
                    }
                    #[allow(deprecated)]
                    out.push(lt::SymbolInformation {
                        name: s.name.clone(),
                        kind: symbol_kind(s.kind),
                        tags: None,
                        deprecated: None,
                        location: lt::Location {
                            uri: uri.clone(),
                            range: range_out(ix.range(&text, s.selection)),
                        },
                        container_name: (s.kind == ItemKind::Indicator).then(|| cat.name.clone()),
                    });
                }
            }
        }
        out
    }

    /// The live scores of a document, computed once per change.
    fn live(&mut self, uri: &lt::Url) -> Result<Live, String> {
        let sample = self.sample.clone();
        let doc = self
            .docs
            .get_mut(uri)
            .ok_or_else(|| format!("文件没有在编辑器中打开：{uri}"))?;
        if let Some(l) = &doc.live {
            return Ok(l.clone());
        }
        let l = live(&doc.analysis, sample.as_deref());
        doc.live = Some(l.clone());
        Ok(l)
    }
}

/// Scores the sample districts and runs the test cases beside a rule file, on the rules as
/// they are now. Nothing when the rules have errors (their scores would mean nothing).
fn live(a: &Analysis, sample: Option<&std::path::Path>) -> Live {
    let mut out = Live::default();
    let Some(rules) = a.report.rules.as_ref() else {
        return out;
    };
    if a.report.fails(false) {
        return out;
    }
    let program = zhibiao::eval::Program::new(rules.clone());
    let rules = &program;
    let Some(dir) = std::path::Path::new(&*a.name).parent() else {
        return out;
    };
    let tests = dir.join("tests");
    // The setting, relative to the rule folder unless absolute; it may lie outside `tests/`.
    let sample = sample.map_or_else(|| tests.join("examples.toml"), |s| dir.join(s));
    let sample = std::fs::canonicalize(&sample).unwrap_or(sample);
    let same = |f: &std::path::Path| std::fs::canonicalize(f).is_ok_and(|f| f == sample);
    // Each file with whether it is one of the folder's test files (whose cases the lenses count).
    let mut files: Vec<(PathBuf, bool)> = crate::test::test_files(&tests)
        .into_iter()
        .map(|f| (f, true))
        .collect();
    if sample.is_file() && !files.iter().any(|(f, _)| same(f)) {
        files.push((sample.clone(), false));
    }
    let mut sources = zhibiao::diag::SourceMap::new();
    for (file, counted) in files {
        let Ok((name, text)) =
            crate::files::read_text(&file, zhibiao::codes::MISSING, crate::files::DATA_FILE)
        else {
            continue;
        };
        let (Some(suite), _) = zhibiao::suite::parse(&name, &text) else {
            continue;
        };
        let is_sample = same(&file);
        let here = file.parent().unwrap_or(&tests);
        for case in &suite.cases {
            let wanted = match &case.expect {
                Some(e) if counted => &e.indicators[..],
                _ => &[][..],
            };
            if wanted.is_empty() && !is_sample {
                continue;
            }
            let Ok(inputs) = crate::test::case_inputs(&suite, case, here, &mut sources) else {
                continue;
            };
            let req = zhibiao::assess::Request {
                submission: zhibiao::assess::Input {
                    name: &inputs.name,
                    text: &inputs.text,
                    format: inputs.format,
                },
                reference: inputs
                    .reference
                    .as_ref()
                    .map(|(n, t, f)| zhibiao::assess::Input {
                        name: n,
                        text: t,
                        format: *f,
                    }),
                strict: false,
            };
            let zhibiao::assess::Outcome::Scored {
                submission,
                evaluation,
                ..
            } = zhibiao::assess::assess(rules, req)
            else {
                for (no, _) in wanted {
                    let t = out.tests.entry(*no).or_default();
                    t.1 += 1;
                    t.2.push(case.name.clone());
                }
                continue;
            };
            if is_sample {
                let who = submission
                    .region
                    .clone()
                    .unwrap_or_else(|| case.name.clone());
                for i in &evaluation.indicators {
                    out.hints.entry(i.no).or_default().push(format!(
                        "{who} {}/{}",
                        zhibiao::number::plain(i.score),
                        zhibiao::number::plain(i.points)
                    ));
                }
            }
            for (no, expected) in wanted {
                let got = evaluation
                    .indicators
                    .iter()
                    .find(|i| i.no == *no)
                    .map(|i| i.score);
                let t = out.tests.entry(*no).or_default();
                t.1 += 1;
                if got == Some(*expected) {
                    t.0 += 1;
                } else {
                    t.2.push(case.name.clone());
                }
            }
        }
    }
    out
}

/// The edits that rename input `old` to `new` in the test files under `tests/` beside a rule
/// file, by file. A test file that names another rule file (`rules = "../2022.zb"`) is left
/// alone: that version still has the old name.
fn test_file_renames(rule_file: &str, old: &str, new: &str) -> Vec<(lt::Url, Vec<lt::TextEdit>)> {
    let rule_file = std::path::Path::new(rule_file);
    let Some(dir) = rule_file.parent() else {
        return Vec::new();
    };
    let this = std::fs::canonicalize(rule_file).ok();
    let mut out = Vec::new();
    for file in crate::test::test_files(&dir.join("tests")) {
        let Ok((name, text)) =
            crate::files::read_text(&file, zhibiao::codes::MISSING, crate::files::DATA_FILE)
        else {
            continue;
        };
        if let (Some(suite), _) = zhibiao::suite::parse(&name, &text)
            && let Some(r) = &suite.rules
        {
            let named = file.parent().unwrap_or(dir).join(r);
            let named = std::fs::canonicalize(&named).ok();
            let ours = match &named {
                Some(n) if n.is_dir() => this.as_ref().and_then(|t| t.parent()) == Some(n),
                n => *n == this,
            };
            if !ours {
                continue;
            }
        }
        let edits = ide::test_files::rename_input(&text, old, new);
        let Ok(uri) = lt::Url::from_file_path(&file) else {
            continue;
        };
        if edits.is_empty() {
            continue;
        }
        let ix = ide::LineIndex::new(&text);
        out.push((
            uri,
            edits
                .into_iter()
                .map(|e| lt::TextEdit {
                    range: range_out(ix.range(&text, e.span)),
                    new_text: e.text,
                })
                .collect(),
        ));
    }
    out
}

/// The text of one file of a rule set built from several (a revision and its bases).
fn part_text(rs: &zhibiao::model::RuleSet, name: &Arc<str>) -> Option<Arc<str>> {
    rs.parts
        .iter()
        .find(|p| p.name == *name)
        .map(|p| Arc::from(&*p.text))
}

fn diagnostics_note(uri: lt::Url, diagnostics: Vec<lt::Diagnostic>) -> Notification {
    Notification::new(
        lt::notification::PublishDiagnostics::METHOD.to_string(),
        lt::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        },
    )
}

fn workspace_edit(uri: &lt::Url, a: &Analysis, edits: Vec<ide::Edit>) -> lt::WorkspaceEdit {
    let edits = edits
        .into_iter()
        .map(|e| lt::TextEdit {
            range: range_out(a.range(e.span)),
            new_text: e.text,
        })
        .collect();
    lt::WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..Default::default()
    }
}

fn doc_symbol(a: &Analysis, s: ide::Symbol) -> lt::DocumentSymbol {
    #[allow(deprecated)]
    lt::DocumentSymbol {
        name: s.name,
        detail: (!s.detail.is_empty()).then_some(s.detail),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: range_out(a.range(s.span)),
        selection_range: range_out(a.range(s.selection)),
        children: (!s.children.is_empty())
            .then(|| s.children.into_iter().map(|c| doc_symbol(a, c)).collect()),
    }
}

fn symbol_kind(k: ItemKind) -> lt::SymbolKind {
    match k {
        ItemKind::Header => lt::SymbolKind::MODULE,
        ItemKind::Input => lt::SymbolKind::FIELD,
        ItemKind::Function => lt::SymbolKind::FUNCTION,
        ItemKind::Let => lt::SymbolKind::VARIABLE,
        ItemKind::Category => lt::SymbolKind::NAMESPACE,
        ItemKind::Indicator => lt::SymbolKind::CLASS,
        ItemKind::Item => lt::SymbolKind::ENUM_MEMBER,
        _ => lt::SymbolKind::KEY,
    }
}

fn completion_kind(k: ItemKind) -> lt::CompletionItemKind {
    match k {
        ItemKind::Keyword => lt::CompletionItemKind::KEYWORD,
        ItemKind::Input => lt::CompletionItemKind::FIELD,
        ItemKind::Function => lt::CompletionItemKind::FUNCTION,
        ItemKind::Let => lt::CompletionItemKind::VARIABLE,
        ItemKind::Unit => lt::CompletionItemKind::UNIT,
        ItemKind::Code => lt::CompletionItemKind::CONSTANT,
        ItemKind::Owner => lt::CompletionItemKind::VALUE,
        _ => lt::CompletionItemKind::TEXT,
    }
}

/// The file name the library is given for a document: its path for a `file:` URI.
fn file_name(uri: &lt::Url) -> Arc<str> {
    match uri.to_file_path() {
        Ok(p) => Arc::from(p.display().to_string()),
        Err(()) => Arc::from(uri.as_str()),
    }
}

fn pos_in(p: lt::Position) -> ide::Position {
    ide::Position::new(p.line, p.character)
}

fn range_in(r: lt::Range) -> ide::Range {
    ide::Range {
        start: pos_in(r.start),
        end: pos_in(r.end),
    }
}

fn range_out(r: ide::Range) -> lt::Range {
    lt::Range {
        start: lt::Position::new(r.start.line, r.start.character),
        end: lt::Position::new(r.end.line, r.end.character),
    }
}
