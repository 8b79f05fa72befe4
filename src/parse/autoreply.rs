//! RFC 3834 auto-replies and vacation messages.
use super::{mime::Mail, Decoded};
pub fn decode(_mail: &Mail<'_>) -> Option<Decoded> { None }
