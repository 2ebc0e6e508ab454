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
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"```") {
            i = match src[i + 3..].find("```") {
                Some(j) => i + 3 + j + 3,
                None => b.len(),
            };
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else if b[i..].starts_with(b"//") || b[i..].starts_with(b"/*") {
            let start = i;
            let end = if b[i + 1] == b'/' {
                src[i..].find('\n').map_or(b.len(), |j| i + j)
            } else {
                src[i + 2..].find("*/").map_or(b.len(), |j| i + 2 + j + 2)
            };
            let line_start = src[..start].rfind('\n').map_or(0, |j| j + 1);
            let own_line = src[line_start..start]
                .chars()
                .all(|c| c.is_whitespace() || c == '\u{feff}');
            let text = src[start..end].trim_end_matches('\r').to_string();
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
