//! The one integration test binary: modules per area (imap and imap_poll run against a real
//! Dovecot on loopback, started by tests/support/dovecot.sh).

mod architecture;
mod cleaning;
mod cli;
mod exports;
mod fixtures;
mod golden;
mod imap;
mod imap_poll;
mod imports;
mod report;
mod robustness;
mod samples;
mod sandbox;
mod scoring;
mod store;
mod syncing;
mod util;
