//! Store errors that say which database and what to do, never a bare driver message.

use std::path::PathBuf;
use std::time::Duration;

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The directory for the database file could not be created.
    #[error("cannot create directory {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    /// The file exists but is not an SQLite database (or is encrypted).
    #[error("{path} is not a listhygiene database (SQLite: {message}); point --db at another file or move this one away")]
    NotADatabase { path: PathBuf, message: String },
    /// SQLite found the file damaged.
    #[error("database {path} is corrupt (SQLite: {message}); restore it from a backup or start a new one")]
    Corrupt { path: PathBuf, message: String },
    /// Another process held the lock for longer than the busy timeout.
    #[error("database {path} is locked by another process (waited {waited_ms} ms); retry when it is done or raise [database] busy_timeout_ms")]
    Locked { path: PathBuf, waited_ms: u128 },
    /// The database was migrated by a newer listhygiene.
    #[error("database {path} was written by a newer listhygiene (migration {version} is unknown to this build); upgrade listhygiene")]
    TooNew { path: PathBuf, version: i64 },
    /// A migration could not be applied.
    #[error("cannot migrate database {path}: {message}")]
    Migrate { path: PathBuf, message: String },
    /// The file could not be opened or written (permissions, disk full, …).
    #[error("database {path}: {message}")]
    Other { path: PathBuf, message: String },
}

// SQLite primary result codes (the low byte of an extended code).
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;
const SQLITE_CORRUPT: i64 = 11;
const SQLITE_NOTADB: i64 = 26;

impl StoreError {
    pub(crate) fn from_sqlx(path: &std::path::Path, busy: Duration, e: sqlx::Error) -> StoreError {
        let path = path.to_owned();
        if let sqlx::Error::Database(db) = &e {
            let code = db.code().and_then(|c| c.parse::<i64>().ok()).map_or(-1, |c| c & 0xff);
            let message = db.message().to_owned();
            return match code {
                SQLITE_BUSY | SQLITE_LOCKED => StoreError::Locked { path, waited_ms: busy.as_millis() },
                SQLITE_NOTADB => StoreError::NotADatabase { path, message },
                SQLITE_CORRUPT => StoreError::Corrupt { path, message },
                _ => StoreError::Other { path, message },
            };
        }
        if let sqlx::Error::PoolTimedOut = e {
            return StoreError::Locked { path, waited_ms: busy.as_millis() };
        }
        StoreError::Other { path, message: e.to_string() }
    }

    pub(crate) fn from_migrate(path: &std::path::Path, busy: Duration, e: sqlx::migrate::MigrateError) -> StoreError {
        use sqlx::migrate::MigrateError;
        match e {
            MigrateError::Execute(inner) | MigrateError::ExecuteMigration(inner, _) => {
                match StoreError::from_sqlx(path, busy, inner) {
                    StoreError::Other { path, message } => StoreError::Migrate { path, message },
                    other => other,
                }
            }
            MigrateError::VersionMissing(version) => StoreError::TooNew { path: path.to_owned(), version },
            other => StoreError::Migrate { path: path.to_owned(), message: other.to_string() },
        }
    }

    /// True when waiting and retrying may help.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Locked { .. })
    }
}
