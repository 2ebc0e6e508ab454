//! Filling in an XLSX file the way Excel stores what people type: by editing the cells of a
//! sheet's XML inside the zip, leaving everything else (styles, validations, merges) as it is.

use std::io::{Cursor, Read, Write};

/// What to put into a cell.
#[derive(Debug, Clone)]
pub enum Put {
    /// A number, as Excel stores it (`0.972` for 97.2% in a percent-formatted cell).
    Num(f64),
    /// Text (also numbers stored as text).
    Text(String),
    /// TRUE or FALSE.
    Bool(bool),
    /// A formula error such as `#DIV/0!`.
    Error(String),
    /// Nothing: the cell is emptied (keeping its format).
    Empty,
    /// A number with the default style (its percent format lost, as after pasting values).
    PlainNum(f64),
}

/// Text for a cell.
pub fn text(s: &str) -> Put {
    Put::Text(s.to_string())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Replaces cell `r` (such as `E7`) in a sheet's XML. The cell must exist (the template writes
/// every cell to be filled, with its format).
fn put(xml: &str, r: &str, what: &Put) -> String {
    let open = format!("<c r=\"{r}\"");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("cell {r} is not in the sheet"));
    let rest = &xml[start..];
    let tag_end = rest.find('>').expect("tag end");
    let end = if rest[..tag_end].ends_with('/') {
        start + tag_end + 1
    } else {
        start + rest.find("</c>").expect("cell end") + 4
    };
    let tag = &rest[..tag_end];
    let style = tag
        .split(" s=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|s| format!(" s=\"{s}\""))
        .unwrap_or_default();
    let cell = match what {
        Put::Num(x) => format!("<c r=\"{r}\"{style}><v>{x}</v></c>"),
        Put::PlainNum(x) => format!("<c r=\"{r}\"><v>{x}</v></c>"),
        Put::Text(t) => format!(
            "<c r=\"{r}\"{style} t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
            escape(t)
        ),
        Put::Bool(b) => format!("<c r=\"{r}\"{style} t=\"b\"><v>{}</v></c>", u8::from(*b)),
        Put::Error(e) => format!("<c r=\"{r}\"{style} t=\"e\"><v>{}</v></c>", escape(e)),
        Put::Empty => format!("<c r=\"{r}\"{style}/>"),
    };
    format!("{}{cell}{}", &xml[..start], &xml[end..])
}

/// The workbook with the given cells of sheet number `sheet` (1 for the first) changed.
pub fn edit(bytes: &[u8], sheet: usize, cells: &[(String, Put)]) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let target = format!("xl/worksheets/sheet{sheet}.xml");
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).expect("entry");
        let name = f.name().expect("name").to_string();
        if name == target {
            let mut xml = String::new();
            f.read_to_string(&mut xml).expect("xml");
            for (r, what) in cells {
                xml = put(&xml, r, what);
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .expect("start");
            out.write_all(xml.as_bytes()).expect("write");
        } else {
            out.raw_copy_file(f).expect("copy");
        }
    }
    out.finish().expect("finish").into_inner()
}

/// Adds a merged block (such as `F7:H7`) to a sheet.
pub fn merge(bytes: &[u8], sheet: usize, range: &str) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let target = format!("xl/worksheets/sheet{sheet}.xml");
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).expect("entry");
        let name = f.name().expect("name").to_string();
        if name == target {
            let mut xml = String::new();
            f.read_to_string(&mut xml).expect("xml");
            let cell = format!("<mergeCell ref=\"{range}\"/>");
            xml = match xml.find("</mergeCells>") {
                Some(at) => format!("{}{cell}{}", &xml[..at], &xml[at..]),
                None => xml.replace(
                    "</sheetData>",
                    &format!("</sheetData><mergeCells count=\"1\">{cell}</mergeCells>"),
                ),
            };
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .expect("start");
            out.write_all(xml.as_bytes()).expect("write");
        } else {
            out.raw_copy_file(f).expect("copy");
        }
    }
    out.finish().expect("finish").into_inner()
}
