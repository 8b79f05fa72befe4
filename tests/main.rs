//! The one integration test binary: store tests against real SQLite files, CLI tests that
//! run the built `listhygiene` binary in temporary directories, and IMAP tests against a real
//! Dovecot on loopback (tests/support/dovecot.sh).

mod imap;
mod imap_poll;
mod store;
mod util;
