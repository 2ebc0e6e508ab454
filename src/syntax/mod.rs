//! Stage 1: rule-file text to a syntax tree with spans. The grammar lives in
//! `grammar/zhibiao.pest`; this module only builds the tree and reports syntax errors.

pub mod ast;
mod parser;
pub mod walk;

pub use parser::{MAX_CHAIN, MAX_FILE_BYTES, MAX_NESTING, parse, parse_header};
