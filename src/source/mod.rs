//! Where messages come from: files, directories (walked recursively), Maildirs, mbox files,
//! standard input, and IMAP mailboxes. Readers stream: memory is bounded by the largest message.

pub mod imap;
pub mod mbox;
pub mod walk;

use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// One message as read, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMessage {
    /// The path as given on the command line (joined with the relative path inside a walked
    /// directory), or `-` for standard input.
    pub file: String,
    /// Position inside an mbox, or in a directory walk; 0 for a single-message file.
    pub index: usize,
    /// Where exactly the message sits, for provenance.
    pub locator: Locator,
    pub bytes: Vec<u8>,
}

/// The precise place of a message in its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    File,
    /// Byte offset of the `From ` line in an mbox.
    Mbox { offset: u64 },
    Stdin,
    Imap { account: String, folder: String, uid_validity: u32, uid: u32 },
}

impl Locator {
    /// The source kind stored with an ingested message.
    pub fn source_name(&self) -> &'static str {
        match self {
            Locator::File => "file",
            Locator::Mbox { .. } => "mbox",
            Locator::Stdin => "stdin",
            Locator::Imap { .. } => "imap",
        }
    }
}

impl fmt::Display for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Locator::File => f.write_str("file"),
            Locator::Mbox { offset } => write!(f, "mbox@{offset}"),
            Locator::Stdin => f.write_str("stdin"),
            Locator::Imap { account, folder, uid_validity, uid } => {
                write!(f, "imap:{account}/{folder};UIDVALIDITY={uid_validity};UID={uid}")
            }
        }
    }
}

/// A source that could not be read. The message (or file) is reported, the batch goes on.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: io::Error },
}

impl SourceError {
    pub fn path(&self) -> &str {
        match self {
            SourceError::Io { path, .. } => path,
        }
    }
}

/// Streams every message under the given inputs, in order. `-` is standard input.
pub fn read_inputs(inputs: &[String]) -> impl Iterator<Item = Result<RawMessage, SourceError>> + Send + '_ {
    inputs.iter().flat_map(|input| read_input(input))
}

fn read_input(input: &str) -> Box<dyn Iterator<Item = Result<RawMessage, SourceError>> + Send> {
    if input == "-" {
        return read_stdin();
    }
    let path = PathBuf::from(input);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Box::new(walk::Walk::new(input.to_owned(), path)),
        Ok(_) => read_file(input.to_owned(), &path, 0),
        Err(source) => Box::new(std::iter::once(Err(SourceError::Io { path: input.to_owned(), source }))),
    }
}

fn read_stdin() -> Box<dyn Iterator<Item = Result<RawMessage, SourceError>> + Send> {
    let mut bytes = Vec::new();
    if let Err(source) = io::stdin().lock().read_to_end(&mut bytes) {
        return Box::new(std::iter::once(Err(SourceError::Io { path: "-".to_owned(), source })));
    }
    if mbox::starts_like_mbox(&bytes) {
        let reader = mbox::MboxReader::new(io::Cursor::new(bytes));
        return Box::new(reader.enumerate().map(|(index, item)| {
            item.map(|(offset, bytes)| RawMessage {
                file: "-".to_owned(),
                index,
                locator: Locator::Mbox { offset },
                bytes,
            })
            .map_err(|source| SourceError::Io { path: "-".to_owned(), source })
        }));
    }
    Box::new(std::iter::once(Ok(RawMessage { file: "-".to_owned(), index: 0, locator: Locator::Stdin, bytes })))
}

/// Reads one regular file: an mbox gives each of its messages, anything else is one message.
/// `index` is the position given to a single-message file (its place in a directory walk).
pub(crate) fn read_file(
    display: String,
    path: &Path,
    index: usize,
) -> Box<dyn Iterator<Item = Result<RawMessage, SourceError>> + Send> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(source) => return Box::new(std::iter::once(Err(SourceError::Io { path: display, source }))),
    };
    let mut reader = io::BufReader::with_capacity(64 * 1024, file);
    match mbox::peek_is_mbox(&mut reader) {
        Ok(true) => {
            let name = display.clone();
            Box::new(mbox::MboxReader::new(reader).enumerate().map(move |(index, item)| {
                item.map(|(offset, bytes)| RawMessage {
                    file: name.clone(),
                    index,
                    locator: Locator::Mbox { offset },
                    bytes,
                })
                .map_err(|source| SourceError::Io { path: name.clone(), source })
            }))
        }
        Ok(false) => {
            let mut bytes = Vec::new();
            let item = match reader.read_to_end(&mut bytes) {
                Ok(_) => Ok(RawMessage { file: display, index, locator: Locator::File, bytes }),
                Err(source) => Err(SourceError::Io { path: display, source }),
            };
            Box::new(std::iter::once(item))
        }
        Err(source) => Box::new(std::iter::once(Err(SourceError::Io { path: display, source }))),
    }
}
