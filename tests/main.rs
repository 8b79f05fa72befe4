//! The one integration test binary: modules per area.

mod architecture;
mod golden;
mod robustness;
mod samples;
mod util;
