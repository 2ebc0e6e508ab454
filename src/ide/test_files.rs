//! Where a rule file's input names are written in the test files beside it (the TOML cases
//! `zhibiao test` runs, see [`crate::suite`]), so that renaming an input renames them too.
//!
//! An input's name is written in a test file as a key of a `data` table — of a case
//! (`[case.data]`, `data.x = …`), or of an inline submission (`[submission.data]`,
//! `[case.submission.data]`) — and as an entry of a case's `remove` list. Keys may be bare
//! (`online_operators`), quoted (`"online_operators"`) or literal (`'online_operators'`); a
//! rename keeps the way each is written. Nothing else in the file is touched.

use super::Edit;
use crate::diag::Span;
use toml_edit::{Document, Item, TableLike, Value};

/// The places (with their quotes, if any) where `name` is written as an input in a test file.
/// Nothing when the file is not valid TOML.
pub fn input_uses(text: &str, name: &str) -> Vec<Span> {
    let Ok(doc) = Document::parse(text) else {
        return Vec::new();
    };
    let root = doc.as_table();
    let mut out = Vec::new();
    if let Some(sub) = root.get("submission").and_then(Item::as_table_like) {
        data_keys(sub, name, &mut out);
    }
    if let Some(cases) = root.get("case").and_then(Item::as_array_of_tables) {
        for case in cases.iter() {
            data_keys(case, name, &mut out);
            if let Some(sub) = case.get("submission").and_then(Item::as_table_like) {
                data_keys(sub, name, &mut out);
            }
            if let Some(list) = case.get("remove").and_then(Item::as_array) {
                for v in list.iter() {
                    if let Value::String(s) = v
                        && s.value() == name
                        && let Some(r) = v.span()
                    {
                        out.push(Span::new(r.start, r.end));
                    }
                }
            }
        }
    }
    out.sort_by_key(|s| (s.start, s.end));
    out.dedup();
    out
}

/// The key `name` of the `data` table inside `t`, where it is written.
fn data_keys(t: &dyn TableLike, name: &str, out: &mut Vec<Span>) {
    let Some(data) = t.get("data").and_then(Item::as_table_like) else {
        return;
    };
    if let Some((key, _)) = data.get_key_value(name)
        && let Some(r) = key.span()
    {
        out.push(Span::new(r.start, r.end));
    }
}

/// The edits that rename input `old` to `new` in a test file, each keeping its quotes.
/// `new` must be a valid name (see [`super::is_name`]), so it needs no escaping.
pub fn rename_input(text: &str, old: &str, new: &str) -> Vec<Edit> {
    input_uses(text, old)
        .into_iter()
        .map(|span| {
            let written = text.get(span.start..span.end).unwrap_or("");
            let text = match written.chars().next() {
                Some(q @ ('"' | '\'')) => format!("{q}{new}{q}"),
                _ => new.to_string(),
            };
            Edit { span, text }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut out = text.to_string();
        let mut edits = edits.to_vec();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for e in edits {
            out.replace_range(e.span.start..e.span.end, &e.text);
        }
        out
    }

    #[test]
    fn every_way_of_writing_the_key_is_renamed_and_nothing_else() {
        let text = "# online_operators 在注释里不改\n\
            [submission.data]\n\
            online_operators = 1\n\
            [[case]]\n\
            name = \"online_operators 在名称里不改\"\n\
            [case.data]\n\
            market_entities = 10000\n\
            \"online_operators\" = 799\n\
            [case.expect.indicators]\n\
            3 = 0\n\
            [[case]]\n\
            name = \"乙\"\n\
            data.'online_operators' = 5\n\
            remove = [\"online_operators\", \"market_entities\"]\n\
            [case.submission.data.online_operators]\n\
            2024 = 3\n\
            [case.judgements]\n\
            online_operators = \"达到\"\n";
        let edits = rename_input(text, "online_operators", "online_sellers");
        assert_eq!(edits.len(), 5, "{edits:?}");
        let expected = text
            .replace("\nonline_operators = 1", "\nonline_sellers = 1")
            .replace("\"online_operators\" = 799", "\"online_sellers\" = 799")
            .replace("data.'online_operators'", "data.'online_sellers'")
            .replace("[\"online_operators\",", "[\"online_sellers\",")
            .replace("data.online_operators]", "data.online_sellers]");
        assert_eq!(apply(text, &edits), expected);
    }

    #[test]
    fn a_file_that_is_not_toml_is_left_alone() {
        assert!(rename_input("[[case]\nonline_operators = ", "online_operators", "x").is_empty());
    }
}
