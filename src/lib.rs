//! listhygiene: keeps mailing lists clean. Parses bounces and complaint reports, stores them in
//! SQLite, scores addresses and exports suppression lists.
#![deny(unsafe_code)]

pub mod domain;
pub mod export;
pub mod parse;
pub mod cli;
pub mod config;
pub mod source;
pub mod dataset;
pub mod generate;
pub mod import;
pub mod provider;
pub mod report;
pub mod resolve;
pub mod score;
pub mod store;
pub mod token;
