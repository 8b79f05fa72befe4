//! The one integration test binary: modules per area.

mod architecture;
mod cli;
mod fixtures;
mod golden;
mod report;
mod robustness;
mod samples;
mod store;
mod util;
