//! User-supplied text (district names, evidence, notes, file names, keys) made safe for the place
//! it is shown: a terminal or text file ([`printable`]), a spreadsheet opened from CSV
//! ([`csv_cell`]), a Markdown document ([`markdown`]).
//!
//! Each is applied where user text enters a rendering, never to the data itself, so JSON output
//! and the values scored keep every character as written.

use std::borrow::Cow;

/// What replaces a control character or an escape sequence: visible, so a reader sees that
/// something was there.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Whether `c` must not reach a terminal: C0 controls except line feed and tab, DEL, C1
/// controls.
fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// Text with every control character (C0 except `\n` and `\t`, DEL, C1) replaced by
/// [`REPLACEMENT`], and every escape sequence (`ESC [ … m`, `ESC ] … BEL`, `ESC x`) replaced by
/// one, so user text cannot move the cursor, clear lines or paint colours.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if !is_unsafe(c) {
            out.push(c);
            continue;
        }
        out.push(REPLACEMENT);
        if c != '\u{1b}' && c != '\u{9b}' && c != '\u{9d}' {
            continue;
        }
        // An escape sequence: its parameters go with it.
        let kind = match c {
            '\u{9b}' => '[',
            '\u{9d}' => ']',
            _ => match chars.next_if(|n| !n.is_control()) {
                Some(k) => k,
                None => continue,
            },
        };
        match kind {
            // CSI: parameter and intermediate bytes, then one final byte.
            '[' => {
                while chars
                    .next_if(|n| ('\u{20}'..='\u{3f}').contains(n))
                    .is_some()
                {}
                chars.next_if(|n| ('\u{40}'..='\u{7e}').contains(n));
            }
            // OSC (a window title, a hyperlink): up to BEL or ESC \.
            ']' => {
                while chars.next_if(|n| *n != '\u{7}' && *n != '\u{1b}').is_some() {}
                if chars.next_if_eq(&'\u{7}').is_none() && chars.next_if_eq(&'\u{1b}').is_some() {
                    chars.next_if_eq(&'\\');
                }
            }
            // A two-character sequence (`ESC c` resets the terminal): already consumed.
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// A text cell of a CSV file, made safe to open in a spreadsheet (OWASP, "CSV injection"): a
/// cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so it is
/// shown as text, never run as a formula. Only for cells holding text: numbers the program
/// writes (a negative score) are written as they are.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// Text made literal in HTML or SVG, in element content and in quoted attribute values: `&`,
/// `<`, `>`, `"` and `'` as entities.
pub fn html(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Text made literal inside a Markdown line: HTML (`<script>`) and entities as entities,
/// Markdown's structure characters (`#`, `*`, `_`, `[`, `|`, backquotes …) escaped with a
/// backslash, line breaks as `<br>` so no text starts a line of its own (a heading, a list, a
/// quote), and control characters as in [`printable`].
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in printable(s).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("<br>"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '!' | '~' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_replaces_controls_and_whole_escape_sequences() {
        assert_eq!(printable("城区\n\t甲"), "城区\n\t甲");
        assert!(matches!(printable("城区"), Cow::Borrowed(_)));
        assert_eq!(
            printable("甲\u{1b}[2K\r结论：合格"),
            "甲\u{FFFD}\u{FFFD}结论：合格"
        );
        assert_eq!(printable("甲\u{1b}[1;31m乙"), "甲\u{FFFD}乙");
        assert_eq!(printable("甲\u{1b}]0;标题\u{7}乙"), "甲\u{FFFD}乙");
        assert_eq!(printable("甲\u{1b}]8;;x\u{1b}\\乙"), "甲\u{FFFD}乙");
        assert_eq!(printable("甲\u{1b}c乙"), "甲\u{FFFD}乙");
        assert_eq!(
            printable("甲\u{9b}2J乙\u{7f}\u{85}\u{8}"),
            "甲\u{FFFD}乙\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert_eq!(printable("\u{1b}"), "\u{FFFD}");
    }

    #[test]
    fn csv_cells_that_start_a_formula_become_text() {
        for s in [
            "=HYPERLINK(\"x\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(csv_cell(s), format!("'{s}"));
        }
        assert_eq!(csv_cell("城区"), "城区");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn markdown_is_literal() {
        assert_eq!(markdown("# 结论：合格"), "\\# 结论：合格");
        assert_eq!(
            markdown("<script>x</script>"),
            "&lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(markdown("甲\n## 乙|丙"), "甲<br>\\#\\# 乙\\|丙");
        assert_eq!(markdown("[链接](x) **粗**"), "\\[链接\\](x) \\*\\*粗\\*\\*");
    }
}
