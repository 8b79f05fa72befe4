//! A streaming mbox reader (mboxo/mboxrd): splits at `From ` lines that follow a blank line
//! or start the file, and undoes `>From ` quoting. One message in memory at a time.

use std::io::{self, BufRead};

/// True when `bytes` begins like an mbox file.
pub fn starts_like_mbox(bytes: &[u8]) -> bool {
    bytes.starts_with(b"From ")
}

/// Looks at the start of a buffered reader without consuming it.
pub fn peek_is_mbox<R: BufRead>(reader: &mut R) -> io::Result<bool> {
    let head = reader.fill_buf()?;
    Ok(starts_like_mbox(head))
}

/// Yields `(offset of the From line, message bytes)` for every message.
pub struct MboxReader<R> {
    reader: R,
    offset: u64,
    /// The `From ` line that starts the next message, already read, and its offset.
    pending: Option<u64>,
    done: bool,
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(reader: R) -> Self {
        MboxReader { reader, offset: 0, pending: None, done: false }
    }

    fn read_line(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
        line.clear();
        let n = self.reader.read_until(b'\n', line)?;
        self.offset += n as u64;
        Ok(n)
    }

    fn next_message(&mut self) -> io::Result<Option<(u64, Vec<u8>)>> {
        let mut line = Vec::with_capacity(256);
        let start = match self.pending.take() {
            Some(start) => start,
            None => loop {
                // Skip anything before the first From line (normally nothing).
                let at = self.offset;
                if self.read_line(&mut line)? == 0 {
                    return Ok(None);
                }
                if line.starts_with(b"From ") {
                    break at;
                }
            },
        };
        let mut message = Vec::with_capacity(8 * 1024);
        let mut previous_blank = false;
        loop {
            let at = self.offset;
            if self.read_line(&mut line)? == 0 {
                break;
            }
            if previous_blank && line.starts_with(b"From ") {
                self.pending = Some(at);
                break;
            }
            previous_blank = line == b"\n" || line == b"\r\n";
            message.extend_from_slice(unquote_from(&line));
        }
        strip_separator_blank(&mut message);
        Ok(Some((start, message)))
    }
}

/// mboxrd: a line `>From `, `>>From ` … loses one `>`.
fn unquote_from(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    if quotes > 0 && line[quotes..].starts_with(b"From ") { &line[1..] } else { line }
}

/// The blank line before the next `From ` belongs to the mbox, not to the message.
fn strip_separator_blank(message: &mut Vec<u8>) {
    if message.ends_with(b"\r\n\r\n") {
        message.truncate(message.len() - 2);
    } else if message.ends_with(b"\n\n") {
        message.truncate(message.len() - 1);
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = io::Result<(u64, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_message() {
            Ok(Some(m)) => Some(Ok(m)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &str) -> Vec<(u64, String)> {
        MboxReader::new(input.as_bytes())
            .map(|m| m.map(|(o, b)| (o, String::from_utf8(b).unwrap())).unwrap())
            .collect()
    }

    #[test]
    fn splits_at_from_lines_after_blank_lines() {
        let mbox = "From a@example.com Mon Jan  1 00:00:00 2026\nSubject: one\n\nbody\nFrom here is not a separator\n\nFrom b@example.com Mon Jan  1 00:00:01 2026\nSubject: two\n\n>From quoted\n";
        let got = split(mbox);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, 0);
        assert_eq!(got[0].1, "Subject: one\n\nbody\nFrom here is not a separator\n");
        assert_eq!(got[1].1, "Subject: two\n\nFrom quoted\n");
        assert_eq!(got[1].0 as usize, mbox.find("From b@").unwrap());
    }

    #[test]
    fn crlf_mbox() {
        let got = split("From x\r\nA: 1\r\n\r\nb\r\n\r\nFrom y\r\nA: 2\r\n\r\nc\r\n");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1, "A: 1\r\n\r\nb\r\n");
    }

    #[test]
    fn empty_input_has_no_messages() {
        assert!(split("").is_empty());
    }
}
