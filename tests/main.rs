//! The one integration test binary, one module per area: store tests against real SQLite files,
//! CLI tests that run the built `listhygiene` binary in temporary directories, parser golden and
//! sample-manifest tests, and the architecture guard.

mod architecture;
mod cli;
mod golden;
mod report;
mod samples;
mod store;
mod util;
