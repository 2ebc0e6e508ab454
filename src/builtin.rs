//! The rule sets built into the binary, so `zhibiao eval x.toml` works from any folder.
//!
//! They are every file under `rules/<set>/` at build time: `build.rs` lists them, so a new rule
//! file is built in without a code change. `--rules` reads files from disk instead.

use crate::versions::{self, Entry, RuleRef, RuleText};
use std::sync::{Arc, OnceLock};

/// A built-in rule file: its path under `rules/` and its text.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinFile {
    /// The set id (the folder name).
    pub set: &'static str,
    /// The path, e.g. `rules/sd-nmsz/2023.zb`.
    pub path: &'static str,
    /// The text.
    pub text: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The set used when none is named: the official index.
pub const DEFAULT_SET: &str = "sd-nmsz";

/// The name a built-in file goes by in reports and messages: `rules/sd-nmsz/2023.zb（内置）`.
pub fn display_name(f: &BuiltinFile) -> String {
    format!("{}（内置）", f.path)
}

/// The built-in files as texts, named by [`display_name`].
pub fn texts() -> Vec<RuleText> {
    FILES
        .iter()
        .map(|f| RuleText {
            name: Arc::from(display_name(f)),
            text: Arc::from(f.text),
        })
        .collect()
}

/// What each built-in file's header says, sorted by set and date (read once).
pub fn catalog() -> &'static [Entry] {
    static CATALOG: OnceLock<Vec<Entry>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let files: Vec<RuleText> = FILES
            .iter()
            .map(|f| RuleText {
                name: Arc::from(f.path),
                text: Arc::from(f.text),
            })
            .collect();
        versions::catalog(&files)
    })
}

fn file_named(path: &str) -> Option<&'static BuiltinFile> {
    FILES.iter().find(|f| f.path == path)
}

/// The built-in file that declares `set` and `version`.
pub fn find(set: &str, version: &str) -> Option<&'static BuiltinFile> {
    versions::find_entry(catalog(), set, version).and_then(|e| file_named(&e.name))
}

/// The newest built-in version of a set (latest `effective` date).
pub fn newest(set: &str) -> Option<&'static BuiltinFile> {
    versions::newest(catalog(), set).and_then(|e| file_named(&e.name))
}

/// The built-in version of a set in force on a day.
pub fn in_force(set: &str, day: versions::Day) -> Option<&'static BuiltinFile> {
    versions::in_force(catalog(), set, day).and_then(|e| file_named(&e.name))
}

/// The default rule set's file: the newest version of [`DEFAULT_SET`].
pub fn default_file() -> &'static BuiltinFile {
    static NONE: BuiltinFile = BuiltinFile {
        set: "",
        path: "",
        text: "",
    };
    newest(DEFAULT_SET)
        .or_else(|| FILES.first())
        .unwrap_or(&NONE)
}

/// Looks up built-in versions: a `find` for [`versions::load`] that knows only the rule files
/// built into the binary.
pub fn find_builtin(r: &RuleRef) -> Option<RuleText> {
    find(r.set, r.version).map(|f| RuleText {
        name: Arc::from(display_name(f)),
        text: Arc::from(f.text),
    })
}

/// Parses and resolves one rule file. Returns the rule set (even with errors, if a header was
/// found) and every diagnostic. A file that `extends` or `accepts` another version finds it
/// among the built-in rule files; to look elsewhere too, use [`versions::load`].
pub fn load(
    file: &Arc<str>,
    text: &str,
) -> (Option<crate::model::RuleSet>, Vec<crate::diag::Diagnostic>) {
    versions::load(file, text, &mut find_builtin)
}
