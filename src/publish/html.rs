//! A self-contained, printable HTML page (A4, styles inline, no scripts), every text escaped.

use super::doc::{Block, Doc};

/// Text made literal in HTML ([`crate::text::html`]), line breaks as `<br>`.
pub fn escape(s: &str) -> String {
    crate::text::html(s).replace('\n', "<br>")
}

const STYLE: &str = "@page{size:A4;margin:20mm 18mm}\
body{font-family:'SimSun','宋体','Songti SC','Noto Serif CJK SC',serif;font-size:10.5pt;line-height:1.6;margin:0 auto;max-width:180mm;color:#000}\
h1,h2,h3,h4{font-family:'SimHei','黑体','Heiti SC','Noto Sans CJK SC',sans-serif;page-break-after:avoid}\
h1{font-size:18pt;text-align:center}h2{font-size:14pt}h3{font-size:12pt}h4{font-size:11pt}\
table{border-collapse:collapse;width:100%;margin:6pt 0;font-size:9pt}\
th,td{border:1px solid #000;padding:3pt 4pt;vertical-align:top;text-align:left}\
th{background:#eee;font-family:'SimHei','黑体','Noto Sans CJK SC',sans-serif}\
thead{display:table-header-group}tr{page-break-inside:avoid}\
.lead{font-weight:bold}";

/// The document as HTML.
pub fn to_html(d: &Doc) -> String {
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    o.push_str(&escape(&d.title));
    o.push_str("</title>\n<style>");
    o.push_str(STYLE);
    o.push_str("</style>\n</head>\n<body>\n<h1>");
    o.push_str(&escape(&d.title));
    o.push_str("</h1>\n");
    for b in &d.blocks {
        match b {
            Block::Heading(level, t) => {
                let h = level.saturating_add(1).min(4);
                o.push_str(&format!("<h{h}>{}</h{h}>\n", escape(t)));
            }
            Block::Para(t) => o.push_str(&format!("<p>{}</p>\n", escape(t))),
            Block::Labeled(l, t) => o.push_str(&format!(
                "<p><span class=\"lead\">{}：</span>{}</p>\n",
                escape(l),
                escape(t)
            )),
            Block::Table(t) => {
                let total: u32 = t.widths.iter().sum::<u32>().max(1);
                o.push_str("<table>\n<colgroup>");
                for w in &t.widths {
                    o.push_str(&format!("<col style=\"width:{}%\">", w * 100 / total));
                }
                o.push_str("</colgroup>\n<thead><tr>");
                for h in &t.header {
                    o.push_str(&format!("<th>{}</th>", escape(h)));
                }
                o.push_str("</tr></thead>\n<tbody>\n");
                for r in &t.rows {
                    o.push_str("<tr>");
                    for c in r {
                        o.push_str(&format!("<td>{}</td>", escape(c)));
                    }
                    o.push_str("</tr>\n");
                }
                o.push_str("</tbody>\n</table>\n");
            }
        }
    }
    o.push_str("</body>\n</html>\n");
    o
}
