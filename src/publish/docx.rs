//! Word (DOCX) through the `docx-rs` crate: A4, 宋体 body and 黑体 headings (named as East
//! Asian fonts), real tables whose header row repeats on every page, page numbers in the footer.
//!
//! `docx-rs` has no setting for a repeated header row (`w:tblHeader`), so the built document
//! part is passed once through `quick-xml` to add it to the first row of every table.

use super::RenderError;
use super::doc::{Block, Doc};
use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, PageMargin, PageNum, Paragraph, Run, RunFonts,
    Shading, Table, TableCell, TableLayoutType, TableRow, WidthType,
};
use quick_xml::events::{BytesEnd, BytesStart, Event};

/// A4 in twentieths of a point.
const A4: (u32, u32) = (11906, 16838);
/// 2 cm margins left and right, 2.5 cm top and bottom.
const MARGIN_SIDE: i32 = 1134;
const MARGIN_TOP: i32 = 1417;
/// The width tables take: the page less its margins.
const TEXT_WIDTH: usize = 9638;

const BODY_FONT: &str = "宋体";
const HEADING_FONT: &str = "黑体";

fn fonts(name: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(name)
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

/// Runs for a text, with a line break for each newline.
fn runs(p: Paragraph, text: &str, font: &str, size: usize, bold: bool) -> Paragraph {
    let mut p = p;
    for (i, line) in text.split('\n').enumerate() {
        let mut r = Run::new().fonts(fonts(font)).size(size);
        if bold {
            r = r.bold();
        }
        if i > 0 {
            r = r.add_break(docx_rs::BreakType::TextWrapping);
        }
        p = p.add_run(r.add_text(line));
    }
    p
}

fn heading(level: u8, text: &str) -> Paragraph {
    let size = match level {
        0 => 36,
        1 => 32,
        2 => 28,
        _ => 24,
    };
    let p = Paragraph::new()
        .outline_lvl(usize::from(level.saturating_sub(1)))
        .keep_next(true)
        .line_spacing(LineSpacing::new().before(240).after(120));
    let p = if level == 0 {
        p.align(AlignmentType::Center)
    } else {
        p
    };
    runs(p, text, HEADING_FONT, size, true)
}

fn para(text: &str) -> Paragraph {
    runs(
        Paragraph::new().line_spacing(LineSpacing::new().after(80)),
        text,
        BODY_FONT,
        21,
        false,
    )
}

fn table(t: &super::doc::Table) -> Table {
    let total: usize = t.widths.iter().map(|w| *w as usize).sum::<usize>().max(1);
    let grid: Vec<usize> = t
        .widths
        .iter()
        .map(|w| *w as usize * TEXT_WIDTH / total)
        .collect();
    let cell = |text: &str, w: usize, head: bool| {
        let p = runs(
            Paragraph::new(),
            text,
            if head { HEADING_FONT } else { BODY_FONT },
            18,
            head,
        );
        let c = TableCell::new().add_paragraph(p).width(w, WidthType::Dxa);
        if head {
            c.shading(Shading::new().fill("E7E6E6"))
        } else {
            c
        }
    };
    let mut rows = vec![
        TableRow::new(
            t.header
                .iter()
                .zip(&grid)
                .map(|(h, w)| cell(h, *w, true))
                .collect(),
        )
        .cant_split(),
    ];
    for r in &t.rows {
        rows.push(
            TableRow::new(
                r.iter()
                    .zip(&grid)
                    .map(|(v, w)| cell(v, *w, false))
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(rows)
        .set_grid(grid)
        .layout(TableLayoutType::Fixed)
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// The document as DOCX bytes.
pub fn to_docx(d: &Doc) -> Result<Vec<u8>, RenderError> {
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(Run::new().fonts(fonts(BODY_FONT)).size(18).add_text("第 "))
            .add_page_num(PageNum::new())
            .add_run(Run::new().fonts(fonts(BODY_FONT)).size(18).add_text(" 页")),
    );
    let mut docx = Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(PageMargin {
            top: MARGIN_TOP,
            left: MARGIN_SIDE,
            bottom: MARGIN_TOP,
            right: MARGIN_SIDE,
            header: 851,
            footer: 992,
            gutter: 0,
        })
        .default_fonts(fonts(BODY_FONT))
        .default_size(21)
        .footer(footer)
        .add_paragraph(heading(0, &d.title));
    for b in &d.blocks {
        docx = match b {
            Block::Heading(level, t) => docx.add_paragraph(heading(*level, t)),
            Block::Para(t) => docx.add_paragraph(para(t)),
            Block::Labeled(l, t) => {
                let p = runs(
                    Paragraph::new().line_spacing(LineSpacing::new().after(80)),
                    &format!("{l}："),
                    HEADING_FONT,
                    21,
                    true,
                );
                docx.add_paragraph(runs(p, t, BODY_FONT, 21, false))
            }
            Block::Table(t) => docx.add_table(table(t)).add_paragraph(Paragraph::new()),
        };
    }
    let mut xml = docx.build();
    xml.document = repeat_header_rows(&xml.document)?;
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| RenderError(e.to_string()))?;
    Ok(out.into_inner())
}

/// Marks the first row of every table as a header row repeated on each page (`w:tblHeader`).
pub fn repeat_header_rows(document: &[u8]) -> Result<Vec<u8>, RenderError> {
    let xml_err = |e: &dyn std::fmt::Display| RenderError(format!("DOCX 正文 XML：{e}"));
    let mut reader = quick_xml::Reader::from_reader(document);
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(document.len() + 1024));
    // Rows seen so far in each open table.
    let mut tables: Vec<usize> = Vec::new();
    // The header row was just opened and its properties are still to be written.
    let mut pending = false;
    loop {
        let ev = reader.read_event().map_err(|e| xml_err(&e))?;
        if pending {
            pending = false;
            match &ev {
                Event::Start(e) if e.name().as_ref() == b"w:trPr" => {
                    writer.write_event(ev).map_err(|e| xml_err(&e))?;
                    writer
                        .write_event(Event::Empty(BytesStart::new("w:tblHeader")))
                        .map_err(|e| xml_err(&e))?;
                    continue;
                }
                Event::Empty(e) if e.name().as_ref() == b"w:trPr" => {
                    write_tr_pr(&mut writer).map_err(|e| xml_err(&e))?;
                    continue;
                }
                _ => write_tr_pr(&mut writer).map_err(|e| xml_err(&e))?,
            }
        }
        match &ev {
            Event::Eof => break,
            Event::Start(e) if e.name().as_ref() == b"w:tbl" => tables.push(0),
            Event::End(e) if e.name().as_ref() == b"w:tbl" => {
                tables.pop();
            }
            Event::Start(e) if e.name().as_ref() == b"w:tr" => {
                if let Some(n) = tables.last_mut() {
                    *n += 1;
                    pending = *n == 1;
                }
            }
            _ => {}
        }
        writer.write_event(ev).map_err(|e| xml_err(&e))?;
    }
    Ok(writer.into_inner())
}

fn write_tr_pr(w: &mut quick_xml::Writer<Vec<u8>>) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new("w:trPr")))?;
    w.write_event(Event::Empty(BytesStart::new("w:tblHeader")))?;
    w.write_event(Event::End(BytesEnd::new("w:trPr")))?;
    Ok(())
}
