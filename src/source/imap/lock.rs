//! One poller per account: an advisory lock on `<db>.poll-<account>.lock`, held for as long as
//! the account is being polled (for `--watch`, as long as it runs). The operating system drops
//! the lock when the process ends, however it ends, so a crash never leaves a stale lock.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A held lock; dropping it releases it.
#[derive(Debug)]
pub struct PollLock {
    _file: File,
    path: PathBuf,
}

impl PollLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The lock file for `account` next to the database `db`.
pub fn lock_path(db: &Path, account: &str) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "listhygiene.db".into());
    name.push(format!(".poll-{account}.lock"));
    db.with_file_name(name)
}

/// Takes the lock without waiting. `Ok(None)`: another process holds it.
pub fn try_lock(db: &Path, account: &str) -> std::io::Result<Option<PollLock>> {
    let path = lock_path(db, account);
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = OpenOptions::new().create(true).truncate(false).read(true).write(true).open(&path)?;
    match file.try_lock() {
        Ok(()) => {
            // For whoever looks: which process holds it.
            let _ = file.set_len(0);
            let _ = writeln!(file, "{}", std::process::id());
            Ok(Some(PollLock { _file: file, path }))
        }
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_on_the_same_account_is_refused_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        assert_eq!(lock_path(&db, "jmrp"), dir.path().join("x.db.poll-jmrp.lock"));
        let first = try_lock(&db, "jmrp").unwrap().expect("first lock");
        assert!(try_lock(&db, "jmrp").unwrap().is_none());
        let other = try_lock(&db, "yahoo").unwrap();
        assert!(other.is_some(), "another account is independent");
        drop(first);
        assert!(try_lock(&db, "jmrp").unwrap().is_some());
    }
}
