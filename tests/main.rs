//! The one integration test binary: architecture and golden-file checks, sample tests, CLI
//! tests that run the built binary in temporary directories, store tests against real SQLite
//! files, and IMAP tests against a real Dovecot on loopback (tests/support/dovecot.sh).

mod architecture;
mod cli;
mod golden;
mod imap;
mod imap_poll;
mod samples;
mod store;
mod util;
