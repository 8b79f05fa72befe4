//! What the database commands share: the runtime, opening the store with the configured options,
//! the recipient-token secret, the resolver built from `[resolve]`, and standard output whose
//! write errors say they are standard output's.

use std::time::Duration;

use anyhow::{anyhow, Context};

use super::RunContext;
use crate::config::ResolveConfig;
use crate::resolve::{self, Resolver};
use crate::store::{Store, StoreOptions};
use crate::token::TokenKey;

/// The single-threaded runtime each command runs its database work on.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the async runtime")
}

/// Opens (creating and migrating) the database named by `--db` / config.
pub async fn open_store(ctx: &RunContext) -> anyhow::Result<Store> {
    let options = StoreOptions {
        busy_timeout: Duration::from_millis(ctx.config.database.busy_timeout_ms),
        ..StoreOptions::default()
    };
    Ok(Store::open(&ctx.db_path, &options).await?)
}

/// The current time in unix seconds: commands read the clock here, nowhere else.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The recipient-token secret from `token_secret_file`, else from the `token_secret_env`
/// variable; `None` when neither is set. Errors never include the secret.
pub fn token_key(config: &ResolveConfig) -> anyhow::Result<Option<TokenKey>> {
    if let Some(path) = &config.token_secret_file {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read token secret file {}", path.display()))?;
        return TokenKey::new(&bytes).map(Some).map_err(|e| anyhow!("token secret file {}: {e}", path.display()));
    }
    match std::env::var_os(&config.token_secret_env) {
        Some(value) if !value.is_empty() => TokenKey::new(value.as_encoded_bytes())
            .map(Some)
            .map_err(|e| anyhow!("token secret in ${}: {e}", config.token_secret_env)),
        _ => Ok(None),
    }
}

/// The resolver `[resolve]` describes.
pub fn resolver(config: &ResolveConfig) -> anyhow::Result<Resolver> {
    let order = resolve::parse_order(&config.order).context("config [resolve] order")?;
    Ok(Resolver { order, key: token_key(config)? })
}

/// Writes `value` as one JSON line (an I/O error stays an `io::Error`, so a closed pipe is
/// recognised as such).
pub fn json_line<T: serde::Serialize>(out: &mut dyn std::io::Write, value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string(value)?;
    writeln!(out, "{text}")?;
    Ok(())
}

/// Standard output, locked. A failed write (a full disk, a closed pipe) says that it was writing
/// to standard output, where a bare "No space left on device" would leave the user guessing;
/// the error keeps its kind, so a closed pipe is still recognised as one.
pub fn stdout() -> Stdout {
    Stdout(std::io::stdout().lock())
}

/// See [`stdout`].
pub struct Stdout(std::io::StdoutLock<'static>);

impl std::io::Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf).map_err(writing_stdout)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush().map_err(writing_stdout)
    }
}

fn writing_stdout(e: std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("writing to standard output: {e}"))
}
