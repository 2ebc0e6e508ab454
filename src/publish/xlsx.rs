//! An Excel workbook: one worksheet per table, named after it, with the header row frozen and
//! repeated on every printed page.

use super::RenderError;
use super::doc::{Block, Doc};
use rust_xlsxwriter::{DocProperties, Format, FormatAlign, FormatBorder, Workbook};

fn err(e: rust_xlsxwriter::XlsxError) -> RenderError {
    RenderError(e.to_string())
}

/// A worksheet name: at most 31 characters, none of `[]:*?/\`, unique in the workbook.
fn sheet_name(caption: &str, used: &mut Vec<String>) -> String {
    let clean: String = caption
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(28)
        .collect();
    let clean = if clean.trim().is_empty() {
        "表".to_string()
    } else {
        clean
    };
    let mut name = clean.clone();
    let mut n = 2;
    while used.iter().any(|u| u.to_lowercase() == name.to_lowercase()) {
        name = format!("{clean}{n}");
        n += 1;
    }
    used.push(name.clone());
    name
}

/// The document as an XLSX workbook.
pub fn to_xlsx(d: &Doc) -> Result<Vec<u8>, RenderError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(&d.title));
    let head = Format::new()
        .set_bold()
        .set_font_name("黑体")
        .set_background_color("E7E6E6")
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let cell = Format::new()
        .set_font_name("宋体")
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let mut used = Vec::new();
    let mut any = false;
    for b in &d.blocks {
        let Block::Table(t) = b else { continue };
        any = true;
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t.caption, &mut used))
            .map_err(err)?;
        ws.set_paper_size(9);
        ws.set_landscape();
        ws.set_repeat_rows(0, 0).map_err(err)?;
        ws.set_freeze_panes(1, 0).map_err(err)?;
        for (i, (h, w)) in t.header.iter().zip(&t.widths).enumerate() {
            let c = u16::try_from(i).map_err(|e| RenderError(e.to_string()))?;
            ws.write_string_with_format(0, c, h, &head).map_err(err)?;
            ws.set_column_width(c, f64::from((*w * 6).clamp(6, 80)))
                .map_err(err)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|e| RenderError(e.to_string()))?;
            for (i, v) in row.iter().enumerate() {
                let c = u16::try_from(i).map_err(|e| RenderError(e.to_string()))?;
                ws.write_string_with_format(r, c, v, &cell).map_err(err)?;
            }
        }
    }
    if !any {
        let ws = wb.add_worksheet();
        ws.set_name("说明").map_err(err)?;
        ws.write_string(0, 0, &d.title).map_err(err)?;
        let mut r = 1;
        for b in &d.blocks {
            let text = match b {
                Block::Heading(_, t) | Block::Para(t) => t.clone(),
                Block::Labeled(l, t) => format!("{l}：{t}"),
                Block::Table(_) => continue,
            };
            ws.write_string(r, 0, &text).map_err(err)?;
            r += 1;
        }
    }
    wb.save_to_buffer().map_err(err)
}
