//! Batches of rows written in SQLite's binary JSON (JSONB, <https://sqlite.org/jsonb.html>), for
//! `jsonb_each(?1)`: the writer thread reads each cell at a known offset instead of parsing JSON
//! text first, which was two thirds of its time in the big imports (docs/benchmarks.md).
//!
//! The format, as far as it is used here: every element is a header and a payload. The low four
//! bits of the header's first byte give the type; its high four bits give the payload size when
//! it is at most 11, or say that the size follows in 1, 2, 4 or 8 big-endian bytes (12 to 15).
//! Strings go as TEXTRAW (any UTF-8, no escapes; SQLite escapes them if it ever renders JSON
//! text), integers and reals as their decimal text, a row as an ARRAY of its cells and the batch
//! as an ARRAY of rows. Headers are always the shortest that fits.

const NULL: u8 = 0;
const INT: u8 = 3;
const FLOAT: u8 = 5;
const TEXTRAW: u8 = 10;
const ARRAY: u8 = 11;

/// A batch of rows being written: cells go into the current row until [`JsonbRows::end_row`].
#[derive(Debug, Default)]
pub(crate) struct JsonbRows {
    /// The rows so far, each with its header.
    rows: Vec<u8>,
    /// The cells of the row being written.
    row: Vec<u8>,
}

/// A value that can be a cell.
pub(crate) trait Cell {
    fn write_to(&self, out: &mut Vec<u8>);
}

impl JsonbRows {
    /// Appends one cell to the current row.
    pub(crate) fn cell(&mut self, value: impl Cell) -> &mut Self {
        value.write_to(&mut self.row);
        self
    }

    /// Closes the current row.
    pub(crate) fn end_row(&mut self) {
        write_element(&mut self.rows, ARRAY, &self.row);
        self.row.clear();
    }

    /// Whether no row has been closed yet (a closed row is at least its header byte).
    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The batch as one JSONB array (a row left open is dropped).
    pub(crate) fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.rows.len() + 9);
        write_element(&mut out, ARRAY, &self.rows);
        out
    }
}

impl Cell for &str {
    fn write_to(&self, out: &mut Vec<u8>) {
        write_element(out, TEXTRAW, self.as_bytes());
    }
}

impl Cell for &String {
    fn write_to(&self, out: &mut Vec<u8>) {
        self.as_str().write_to(out);
    }
}

impl Cell for i64 {
    fn write_to(&self, out: &mut Vec<u8>) {
        let mut digits = [0; NUMBER_ROOM];
        write_element(out, INT, format_into(&mut digits, format_args!("{self}")));
    }
}

/// A real; one that is not finite goes as null (JSON has no such number).
impl Cell for f64 {
    fn write_to(&self, out: &mut Vec<u8>) {
        if !self.is_finite() {
            return write_element(out, NULL, &[]);
        }
        let mut digits = [0; NUMBER_ROOM];
        // `{:?}` keeps a fraction or an exponent ("3.0", "1e300"), so SQLite reads a real.
        write_element(out, FLOAT, format_into(&mut digits, format_args!("{self:?}")));
    }
}

impl<T: Cell> Cell for Option<T> {
    fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            Some(value) => value.write_to(out),
            None => write_element(out, NULL, &[]),
        }
    }
}

/// Room for any `i64` or `f64` in decimal (the longest `{:?}` of an `f64` is 24 bytes).
const NUMBER_ROOM: usize = 32;

/// Formats a number into a stack buffer (no allocation per cell) and returns the bytes written.
fn format_into<'b>(buffer: &'b mut [u8; NUMBER_ROOM], args: std::fmt::Arguments) -> &'b [u8] {
    use std::io::Write;
    let mut cursor = std::io::Cursor::new(&mut buffer[..]);
    // A number always fits, so the write cannot fail.
    let _ = cursor.write_fmt(args);
    let written = usize::try_from(cursor.position()).unwrap_or(0);
    &buffer[..written]
}

/// Writes one element: the shortest header for `payload`'s size, then the payload.
fn write_element(out: &mut Vec<u8>, kind: u8, payload: &[u8]) {
    let size = payload.len();
    match size {
        0..=11 => out.push(kind | (size as u8) << 4),
        12..=0xff => out.extend_from_slice(&[kind | 12 << 4, size as u8]),
        0x100..=0xffff => {
            out.push(kind | 13 << 4);
            out.extend_from_slice(&(size as u16).to_be_bytes());
        }
        _ => match u32::try_from(size) {
            Ok(size) => {
                out.push(kind | 14 << 4);
                out.extend_from_slice(&size.to_be_bytes());
            }
            Err(_) => {
                out.push(kind | 15 << 4);
                out.extend_from_slice(&(size as u64).to_be_bytes());
            }
        },
    }
    out.extend_from_slice(payload);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What SQLite makes of a batch: `json()` of it, and whether it is well-formed JSONB.
    async fn sqlite_reads(blob: Vec<u8>) -> (String, bool) {
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        sqlx::query_as("select json(?1), json_valid(?1, 8)").bind(blob).fetch_one(&pool).await.unwrap()
    }

    #[tokio::test]
    async fn sqlite_reads_the_rows_as_the_json_they_stand_for() {
        let mut rows = JsonbRows::default();
        rows.cell("a@example.com").cell(Some(1_764_547_200_i64)).cell(None::<&str>).cell(2.5_f64).cell(3.0_f64).end_row();
        rows.cell("quote \" back\\slash\nnewline é").cell(-42_i64).cell(f64::NAN).cell(Some("x")).end_row();
        assert!(!rows.is_empty());
        let (json, valid) = sqlite_reads(rows.finish()).await;
        assert!(valid, "SQLite finds the blob malformed: {json}");
        assert_eq!(json, r#"[["a@example.com",1764547200,null,2.5,3.0],["quote \" back\\slash\nnewline é",-42,null,"x"]]"#);
    }

    #[tokio::test]
    async fn every_header_size_reads_back() {
        let mut rows = JsonbRows::default();
        for length in [0, 11, 12, 255, 256, 65_535, 65_536] {
            rows.cell("x".repeat(length).as_str()).end_row();
        }
        let (json, valid) = sqlite_reads(rows.finish()).await;
        assert!(valid);
        let parsed: Vec<Vec<String>> = serde_json::from_str(&json).unwrap();
        let lengths: Vec<usize> = parsed.iter().map(|row| row[0].len()).collect();
        assert_eq!(lengths, [0, 11, 12, 255, 256, 65_535, 65_536]);
    }

    #[tokio::test]
    async fn cells_come_out_of_jsonb_each_with_their_sql_types() {
        let mut rows = JsonbRows::default();
        rows.cell("text").cell(7_i64).cell(0.25_f64).cell(None::<i64>).end_row();
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        let types: (String, String, String, String) = sqlx::query_as(
            "select typeof(j.value ->> 0), typeof(j.value ->> 1), typeof(j.value ->> 2), typeof(j.value ->> 3) from jsonb_each(?1) as j",
        )
        .bind(rows.finish())
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(types, ("text".into(), "integer".into(), "real".into(), "null".into()));
    }

    #[test]
    fn an_empty_batch_is_an_empty_array() {
        assert_eq!(JsonbRows::default().finish(), [ARRAY]);
    }
}
