//! Recursive directory walk in a stable (sorted) order. Maildir `tmp/` folders and hidden
//! files are skipped: `tmp/` holds deliveries in progress.

use std::collections::VecDeque;
use std::path::PathBuf;

use super::{read_file, RawMessage, SourceError};

/// Iterates every message under a directory, depth first, names sorted.
pub struct Walk {
    display_root: String,
    root: PathBuf,
    /// Files still to read, as paths relative to the root.
    pending: VecDeque<PathBuf>,
    /// Directories still to list, relative to the root.
    dirs: Vec<PathBuf>,
    current: Option<Box<dyn Iterator<Item = Result<RawMessage, SourceError>> + Send>>,
    index: usize,
}

impl Walk {
    pub fn new(display_root: String, root: PathBuf) -> Walk {
        Walk { display_root, root, pending: VecDeque::new(), dirs: vec![PathBuf::new()], current: None, index: 0 }
    }

    fn display(&self, relative: &std::path::Path) -> String {
        let root = self.display_root.trim_end_matches('/');
        format!("{root}/{}", relative.display())
    }

    /// Lists one directory: its files go to `pending`, its subdirectories on the stack.
    fn list(&mut self, relative: PathBuf) -> Result<(), SourceError> {
        let dir = self.root.join(&relative);
        let io = |source| SourceError::Io { path: self.display(&relative), source };
        let mut entries: Vec<_> = std::fs::read_dir(&dir).map_err(io)?.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        let mut subdirs = Vec::new();
        for entry in entries {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let child = relative.join(&name);
            match entry.file_type() {
                Ok(t) if t.is_dir() => {
                    if name != "tmp" || !is_maildir(&dir) {
                        subdirs.push(child);
                    }
                }
                Ok(_) => self.pending.push_back(child),
                Err(_) => continue,
            }
        }
        // Depth first, in name order: push in reverse so the first pops first.
        self.dirs.extend(subdirs.into_iter().rev());
        Ok(())
    }
}

fn is_maildir(dir: &std::path::Path) -> bool {
    dir.join("cur").is_dir() && dir.join("new").is_dir()
}

impl Iterator for Walk {
    type Item = Result<RawMessage, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(current) = self.current.as_mut() {
                if let Some(item) = current.next() {
                    return Some(item);
                }
                self.current = None;
            }
            if let Some(relative) = self.pending.pop_front() {
                let display = self.display(&relative);
                let index = self.index;
                self.index += 1;
                self.current = Some(read_file(display, &self.root.join(&relative), index));
                continue;
            }
            let relative = self.dirs.pop()?;
            if let Err(e) = self.list(relative) {
                return Some(Err(e));
            }
        }
    }
}
