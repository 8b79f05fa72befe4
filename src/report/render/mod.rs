//! Renderers of the report and audit models, each writing to any `io::Write`: plain text for
//! terminals and cron mail, JSON (serde of the model), CSV of the audit's flagged rows, and one
//! self-contained HTML page with inline CSS and SVG charts (no scripts, no fonts, nothing
//! fetched from the network).

pub mod csv;
pub mod html;
pub mod svg;
pub mod text;

use std::io::{self, Write};

use serde::Serialize;

/// Writes `model` as one JSON object on one line.
pub fn json<W: Write, T: Serialize>(out: &mut W, model: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, model).map_err(io::Error::other)?;
    writeln!(out)
}

/// `&`, `<`, `>`, `"` and `'` escaped for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(super::escape("<a href=\"x\">'&'</a>\u{0}"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\u{FFFD}");
    }
}
