//! The one integration test binary: modules per area.

mod architecture;
mod cli;
mod fixtures;
mod golden;
mod imports;
mod report;
mod robustness;
mod samples;
mod sandbox;
mod store;
mod util;
