//! The audit's flagged subscribers as CSV, one row each, in a fixed column order.

use std::io::{self, Write};

use crate::report::audit::AuditModel;

/// The header, in order.
pub const AUDIT_COLUMNS: [&str; 10] =
    ["address", "list", "source", "status", "signup_at", "signup_ip", "confirm_at", "confirm_ip", "rules", "details"];

/// Writes every flagged row; `rules` are space-separated ids, `details` joined by `; `.
pub fn audit<W: Write>(out: W, m: &AuditModel) -> io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(AUDIT_COLUMNS).map_err(io::Error::other)?;
    for r in &m.rows {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        w.write_record([
            r.address.clone(),
            r.list.clone(),
            r.source.clone(),
            r.status.clone(),
            opt(&r.signup_at),
            opt(&r.signup_ip),
            opt(&r.confirm_at),
            opt(&r.confirm_ip),
            r.rules.join(" "),
            r.details.join("; "),
        ])
        .map_err(io::Error::other)?;
    }
    w.flush()
}
