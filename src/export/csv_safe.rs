//! Spreadsheet formula injection: a CSV cell that starts with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is run as a formula by Excel, LibreOffice and Google Sheets. Such cells get
//! a leading `'`, which spreadsheets show as text (OWASP's recommendation).

use std::borrow::Cow;

/// `cell`, with a leading `'` when a spreadsheet would read it as a formula.
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised() {
        for cell in ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(cell), format!("'{cell}"));
        }
        assert_eq!(spreadsheet_safe("a@b.example"), "a@b.example");
        assert_eq!(spreadsheet_safe(""), "");
    }
}
