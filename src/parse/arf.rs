//! Complaint reports: RFC 5965 ARF, legacy Microsoft JMRP, Amazon SES complaint mail, Apple opt-out.
use super::{mime::Mail, Decoded};
pub fn decode(_mail: &Mail<'_>) -> Option<Decoded> { None }
