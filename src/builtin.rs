//! The rule sets built into the binary, so `zhibiao eval x.toml` works from any folder.
//!
//! They are the files under `rules/` at build time; `--rules` reads files from disk instead.

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

/// Every built-in rule file.
pub const FILES: &[BuiltinFile] = &[BuiltinFile {
    set: "sd-nmsz",
    path: "rules/sd-nmsz/2023.zb",
    text: include_str!("../rules/sd-nmsz/2023.zb"),
}];

/// The default rule set's file.
pub fn default_file() -> &'static BuiltinFile {
    &FILES[0]
}
