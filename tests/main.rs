//! The one integration test binary: modules per area. Store tests run against real SQLite files,
//! CLI tests run the built `listhygiene` binary in temporary directories.

mod architecture;
mod cli;
mod golden;
mod imports;
mod samples;
mod sandbox;
mod store;
mod util;
