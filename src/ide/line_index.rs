//! Byte offsets ⇄ editor positions (line, UTF-16 column), as the Language Server Protocol counts
//! them. Every conversion clamps: a position past the end of a line or of the text, or inside a
//! character, lands on the nearest character boundary before it, never out of bounds.

use crate::diag::Span;

/// A place in a text as an editor counts it: zero-based line and UTF-16 code unit column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    /// Zero-based line.
    pub line: u32,
    /// Zero-based column in UTF-16 code units.
    pub character: u32,
}

impl Position {
    /// A position.
    pub fn new(line: u32, character: u32) -> Position {
        Position { line, character }
    }
}

/// A stretch of text between two positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    /// Where it starts.
    pub start: Position,
    /// Where it ends (exclusive).
    pub end: Position,
}

/// The start of every line of a text, for converting offsets and positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes a text.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The position of a byte offset (clamped to the text).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_boundary(text, offset.min(text.len()));
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let col: usize = text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum());
        Position::new(to_u32(line), to_u32(col))
    }

    /// The range of a span.
    pub fn range(&self, text: &str, span: Span) -> Range {
        Range {
            start: self.position(text, span.start),
            end: self.position(text, span.end.max(span.start)),
        }
    }

    /// The byte offset of a position. A line past the end gives the end of the text; a column
    /// past the end of its line gives the end of the line; a column inside a character (between
    /// the two halves of a surrogate pair) gives the start of that character.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let line = usize::try_from(pos.line).unwrap_or(usize::MAX);
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let end = self
            .starts
            .get(line.saturating_add(1))
            .map_or(text.len(), |&n| n.saturating_sub(1));
        let want = usize::try_from(pos.character).unwrap_or(usize::MAX);
        let mut units = 0usize;
        let line_text = text.get(start..end).unwrap_or("");
        for (i, c) in line_text.char_indices() {
            let next = units + c.len_utf16();
            if next > want {
                return start + i;
            }
            units = next;
        }
        // Past the end of the line: its end, before a `\r` of a CRLF ending.
        let mut e = end;
        if line_text.ends_with('\r') {
            e = e.saturating_sub(1);
        }
        e.min(text.len())
    }

    /// The span of a range, with its ends in order.
    pub fn span(&self, text: &str, range: Range) -> Span {
        let a = self.offset(text, range.start);
        let b = self.offset(text, range.end);
        Span::new(a.min(b), a.max(b))
    }
}

/// Applies one editor change (a range replaced by new text, or the whole text when `range` is
/// `None`) and returns the new text. Invalid positions are clamped, never refused.
pub fn apply_change(text: &str, range: Option<Range>, new_text: &str) -> String {
    let Some(range) = range else {
        return new_text.to_string();
    };
    let index = LineIndex::new(text);
    let span = index.span(text, range);
    let mut out = String::with_capacity(text.len() + new_text.len());
    out.push_str(text.get(..span.start).unwrap_or(""));
    out.push_str(new_text);
    out.push_str(text.get(span.end..).unwrap_or(""));
    out
}

/// The nearest character boundary at or before `offset`.
pub fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while o > 0 && !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_on_chinese_text() {
        let text = "ab\n指标😀x\r\nlast";
        let ix = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(ix.position(text, x), Position::new(1, 4));
        assert_eq!(ix.offset(text, Position::new(1, 4)), x);
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(
            ix.offset(text, Position::new(1, 3)),
            text.find('😀').unwrap()
        );
        // Past the line's end: before the \r.
        assert_eq!(ix.offset(text, Position::new(1, 99)), x + 1);
        assert_eq!(ix.offset(text, Position::new(99, 0)), text.len());
        assert_eq!(ix.position(text, 10_000), Position::new(2, 4));
    }

    #[test]
    fn changes_apply_and_clamp() {
        let r = Range {
            start: Position::new(0, 1),
            end: Position::new(0, 2),
        };
        assert_eq!(apply_change("指标体系", Some(r), "X"), "指X体系");
        let bad = Range {
            start: Position::new(5, 9),
            end: Position::new(0, 0),
        };
        assert_eq!(apply_change("ab", Some(bad), "Z"), "Z");
    }
}
