//! Markdown: headings, paragraphs and pipe tables, every text escaped.

use super::doc::{Block, Doc};

/// Escapes text for Markdown: characters with a meaning are backslash-escaped, and a line break
/// inside a table cell becomes `<br>`.
pub fn escape(s: &str, in_table: bool) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '{' | '}' => {
                o.push('\\');
                o.push(c);
            }
            '&' => o.push_str("&amp;"),
            '\n' if in_table => o.push_str("<br>"),
            '\r' => {}
            _ => o.push(c),
        }
    }
    o
}

/// The blocks as Markdown (no title line).
pub fn blocks(list: &[Block]) -> String {
    let mut o = String::new();
    for b in list {
        match b {
            Block::Heading(level, t) => {
                o.push_str(&"#".repeat(usize::from(*level) + 1));
                o.push(' ');
                o.push_str(&escape(t, false));
                o.push_str("\n\n");
            }
            Block::Para(t) => {
                o.push_str(&escape(t, false));
                o.push_str("\n\n");
            }
            Block::Labeled(l, t) => {
                o.push_str(&format!(
                    "**{}：**{}\n\n",
                    escape(l, false),
                    escape(t, false)
                ));
            }
            Block::Table(t) => {
                let row = |cells: &[String]| {
                    let parts: Vec<String> = cells.iter().map(|c| escape(c, true)).collect();
                    format!("| {} |\n", parts.join(" | "))
                };
                o.push_str(&row(&t.header));
                o.push_str(&format!("|{}\n", "---|".repeat(t.header.len())));
                for r in &t.rows {
                    o.push_str(&row(r));
                }
                o.push('\n');
            }
        }
    }
    o
}

/// The document as Markdown.
pub fn to_markdown(d: &Doc) -> String {
    format!("# {}\n\n{}", escape(&d.title, false), blocks(&d.blocks))
}
