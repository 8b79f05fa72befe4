//! The one integration test binary: store tests against real SQLite files, and CLI tests that
//! run the built `listhygiene` binary in temporary directories.

mod cli;
mod store;
mod util;
