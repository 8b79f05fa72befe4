//! The one integration test binary: modules per area.

mod architecture;
mod golden;
mod samples;
mod util;
