//! Finding the comments of a rule file: the parser drops them, the formatter must keep them.
//!
//! The scanner knows the three places where `//` and `/*` are not comments: inside a string
//! (`"…"`, with `\"` escapes), inside an embedded script (```` ``` … ``` ````, whose own comments
//! belong to the script) and inside another comment.

/// A comment as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just after it (a line comment ends before the line break).
    pub end: usize,
    /// The text, markers included, without a trailing `\r`.
    pub text: String,
    /// Nothing but whitespace precedes it on its line.
    pub own_line: bool,
}

/// Every comment of a rule file, in order.
pub fn scan(src: &str) -> Vec<Comment> {
    let b = src.as_bytes();
    // Bounds-checked views: a byte at `k` (None past the end) and the bytes from `k` on.
    let at = |k: usize| b.get(k).copied();
    let rest = |k: usize| b.get(k..).unwrap_or_default();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if rest(i).starts_with(b"```") {
            i = match src.get(i + 3..).and_then(|r| r.find("```")) {
                Some(j) => i + 3 + j + 3,
                None => b.len(),
            };
        } else if at(i) == Some(b'"') {
            i += 1;
            while i < b.len() && at(i) != Some(b'"') {
                if at(i) == Some(b'\\') {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else if rest(i).starts_with(b"//") || rest(i).starts_with(b"/*") {
            let start = i;
            let end = if at(i + 1) == Some(b'/') {
                src.get(i..)
                    .and_then(|r| r.find('\n'))
                    .map_or(b.len(), |j| i + j)
            } else {
                src.get(i + 2..)
                    .and_then(|r| r.find("*/"))
                    .map_or(b.len(), |j| i + 2 + j + 2)
            };
            let line_start = src
                .get(..start)
                .and_then(|r| r.rfind('\n'))
                .map_or(0, |j| j + 1);
            let own_line = src
                .get(line_start..start)
                .unwrap_or_default()
                .chars()
                .all(|c| c.is_whitespace() || c == '\u{feff}');
            let text = src
                .get(start..end)
                .unwrap_or_default()
                .trim_end_matches('\r')
                .to_string();
            out.push(Comment {
                start,
                end,
                text,
                own_line,
            });
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_scripts_hide_comment_markers() {
        let src = "rule \"a // b\" // real\nscore ```// script\n1``` /* block */\n";
        let found: Vec<String> = scan(src).into_iter().map(|c| c.text).collect();
        assert_eq!(found, vec!["// real", "/* block */"]);
    }

    #[test]
    fn own_line_comments_are_told_from_trailing_ones() {
        let src = "  // own\nx // trailing\n";
        let c = scan(src);
        assert!(c[0].own_line);
        assert!(!c[1].own_line);
    }
}
