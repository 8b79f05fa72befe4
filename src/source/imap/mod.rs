//! IMAP mailboxes as a message source, for `poll`: connecting (rustls, verified), logging in
//! (LOGIN or XOAUTH2), listing and fetching new messages by UID in batches with `BODY.PEEK[]`,
//! applying the after-actions, IDLE, the per-account lock and reconnect backoff.
//!
//! Blocking, like the `imap` crate: a connection lives on its own thread ([`worker`]) and the
//! caller talks to it through commands, so fetching the next batch overlaps storing the last.
//! Nothing here touches the database; `cli::poll` joins this edge to the store.

pub mod backoff;
pub mod error;
pub mod lock;
pub mod secret;
pub mod session;
pub mod stream;
pub mod uidset;
pub mod worker;

#[cfg(test)]
mod mock;

pub use error::{ImapError, Stage};
pub use session::{Actions, Fetched, FetchedBatch, Selected, ServerCaps};
pub use uidset::Listed;
pub use worker::{Connection, IdleOutcome};

/// Fetched batches are also cut at this many bytes (a single larger message is its own batch).
pub const MAX_BATCH_BYTES: u64 = 64 * 1024 * 1024;
