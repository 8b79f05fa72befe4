//! RFC 3464 delivery-status notifications.
use super::{mime::Mail, Decoded};
pub fn decode(_mail: &Mail<'_>) -> Option<Decoded> { None }
