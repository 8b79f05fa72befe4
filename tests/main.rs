//! The one integration test binary: modules per area (imap and imap_poll run against a real
//! Dovecot on loopback, started by tests/support/dovecot.sh).

mod architecture;
mod cli;
mod fixtures;
mod golden;
mod imap;
mod imap_poll;
mod robustness;
mod samples;
mod store;
mod util;
