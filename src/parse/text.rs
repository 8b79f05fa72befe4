//! Non-standard bounces decoded from their body text.
use super::{mime::Mail, Decoded};
pub fn decode(_mail: &Mail<'_>) -> Option<Decoded> { None }
