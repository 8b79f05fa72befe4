//! The SQLite store: one place that opens the database (WAL, busy timeout, foreign keys,
//! create-if-missing, embedded migrations), batched idempotent ingest, the send log, and the
//! queries behind `explain`, `unresolved` and `reparse`. All SQL is static and checked at run
//! time; batches travel as JSON arrays through `json_each` (the big imports' in SQLite's binary
//! JSON, module `jsonb`), so a batch costs a handful of statements whatever its size.

pub mod decisions;
mod error;
pub mod event;
pub mod imap;
pub mod lists;
pub mod ingest;
mod jsonb;
pub mod pipeline;
pub mod query;
pub mod reparse;
pub mod report;
pub mod scoring;
pub mod sends;
mod sendindex;

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::ConnectOptions as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

pub use error::StoreError;
pub use event::EventRow;
pub use imap::ImapCheckpoint;
pub use ingest::{BatchOutcome, Digest, IngestCounts, ItemOutcome, Prepared, Preparer, PrepareOptions, RawBlob};

/// The migrations in `migrations/`, embedded at build time (see `build.rs`).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How to open the database.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// How long a statement waits for another process's lock before failing.
    pub busy_timeout: Duration,
    /// Connections in the pool (readers can run beside the one writer in WAL mode).
    pub max_connections: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions { busy_timeout: Duration::from_secs(5), max_connections: 4 }
    }
}

/// An open, migrated database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
    busy_timeout: Duration,
}

/// The page cache of a connection, in KiB when negative: 32 MiB keeps index inserts in memory.
macro_rules! cache_size_kib {
    () => {
        "-32768"
    };
}

/// A connection's usual settings, put back each time it returns to the pool: an ingest or an
/// import raises the page cache for its transaction (an import also the sorter's helper threads,
/// an ingest keeps its statement journals in memory), and a transaction dropped on an error must
/// not leave those on a pooled connection.
const USUAL_SETTINGS: &str = concat!("pragma cache_size = ", cache_size_kib!(), "; pragma threads = 0; pragma temp_store = default");

/// Statements slower than this are logged (at debug level, with their SQL).
const SLOW_STATEMENT: Duration = Duration::from_secs(1);

impl Store {
    /// Opens (creating if missing) and migrates the database at `path`.
    pub async fn open(path: &Path, options: &StoreOptions) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.exists()
        {
            std::fs::create_dir_all(parent)
                .map_err(|source| StoreError::CreateDir { path: parent.to_owned(), source })?;
        }
        let connect = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout)
            .pragma("cache_size", cache_size_kib!())
            .pragma("wal_autocheckpoint", "8192") // checkpoint every 32 MiB of WAL, not every 4
            // A bulk statement of an import runs for seconds by design: sqlx's warning with the
            // whole SQL would reach every cron mail. At debug level (-vv) it is still there.
            .log_slow_statements(log::LevelFilter::Debug, SLOW_STATEMENT)
            // 16 KiB pages for a new database (an existing one keeps its own): a bulk import of
            // millions of rows is about a fifth faster than with 4 KiB pages (docs/benchmarks.md).
            .page_size(16384);
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.busy_timeout + Duration::from_secs(30))
            .after_release(|conn, _| Box::pin(async move { sqlx::raw_sql(USUAL_SETTINGS).execute(conn).await.map(|_| true) }))
            .connect_with(connect)
            .await
            .map_err(|e| StoreError::from_sqlx(path, options.busy_timeout, e))?;
        let store = Store { pool, path: path.to_owned(), busy_timeout: options.busy_timeout };
        store.migrate().await?;
        Ok(store)
    }

    /// A private in-memory database, for tests.
    pub async fn open_in_memory() -> Result<Store, StoreError> {
        let path = PathBuf::from(":memory:");
        let connect = SqliteConnectOptions::new().in_memory(true).foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(connect)
            .await
            .map_err(|e| StoreError::from_sqlx(&path, Duration::ZERO, e))?;
        let store = Store { pool, path, busy_timeout: Duration::ZERO };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await.map_err(|e| StoreError::from_migrate(&self.path, self.busy_timeout, e))
    }

    /// The connection pool, for queries other modules add.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Turns a driver error into one that names this database.
    pub fn error(&self, e: sqlx::Error) -> StoreError {
        StoreError::from_sqlx(&self.path, self.busy_timeout, e)
    }

    /// Starts a write transaction that takes the write lock at once (`begin immediate`), so a
    /// busy database waits the busy timeout instead of failing half-way.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        self.pool.begin_with("begin immediate").await.map_err(|e| self.error(e))
    }

    /// Closes every connection and checkpoints the WAL.
    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// Upper-case hex of a digest, as SQLite's `hex()` prints it.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// Reads upper- or lower-case hex; `None` if it is not exactly 32 bytes of hex.
pub fn digest_from_hex(s: &str) -> Option<Digest> {
    let bytes = s.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::lists::ListKind;
    use super::*;

    /// The settings of the pool's only connection, as the next user gets it.
    async fn settings(store: &Store) -> (i64, i64, i64) {
        let cache = sqlx::query_scalar("pragma cache_size").fetch_one(store.pool()).await.unwrap();
        let threads = sqlx::query_scalar("pragma threads").fetch_one(store.pool()).await.unwrap();
        let temp_store = sqlx::query_scalar("pragma temp_store").fetch_one(store.pool()).await.unwrap();
        (cache, threads, temp_store)
    }

    #[tokio::test]
    async fn a_transaction_dropped_on_an_error_leaves_its_connection_as_usual() {
        let dir = tempfile::tempdir().unwrap();
        let options = StoreOptions { max_connections: 1, ..StoreOptions::default() };
        let store = Store::open(&dir.path().join("t.db"), &options).await.unwrap();
        let usual = settings(&store).await;
        assert_eq!(usual, (-32768, 0, 0));
        let mut ingest = store.begin_ingest().await.unwrap();
        let during: i64 = sqlx::query_scalar("pragma temp_store").fetch_one(&mut *ingest.tx).await.unwrap();
        assert_eq!(during, 2, "an ingest's statement journals in memory");
        drop(ingest);
        assert_eq!(settings(&store).await, usual, "after an ingest transaction's 256 MiB cache and in-memory journals");
        drop(store.begin_list_import(ListKind::Subscribers, 7).await.unwrap());
        assert_eq!(settings(&store).await, usual, "after an import's 256 MiB cache");
        let import = store.begin_list_import(ListKind::Engagement, 7).await.unwrap();
        import.finish().await.unwrap();
        assert_eq!(settings(&store).await, usual, "after the sort of a finished engagement import");
    }
}
