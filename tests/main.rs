//! The one integration test binary: modules per area.

mod architecture;
mod cleaning;
mod cli;
mod exports;
mod fixtures;
mod golden;
mod imports;
mod report;
mod robustness;
mod samples;
mod sandbox;
mod scoring;
mod store;
mod syncing;
mod util;
