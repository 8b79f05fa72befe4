//! Store test fixtures: hand-built parser output, a runtime, temporary stores.

use listhygiene::domain::{Class, Kind, Reason};
use listhygiene::parse::{Identifiers, Original, Parsed, Recipient, ResolvedBy};
use listhygiene::source::Locator;
use listhygiene::store::{ingest, Prepared, RawBlob, Store, StoreOptions};

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

pub fn open(rt: &tokio::runtime::Runtime, dir: &tempfile::TempDir) -> Store {
    rt.block_on(Store::open(&dir.path().join("test.db"), &StoreOptions::default())).expect("open store")
}

/// A parsed hard bounce for `address`.
pub fn bounce(address: &str) -> Parsed {
    let mut p = Parsed::unreadable("");
    p.note = None;
    p.kind = Kind::Bounce;
    p.message_id = Some(format!("<bounce-{address}@mx.example.net>"));
    p.reporting_mta = Some("mx.example.net".into());
    p.recipients = vec![Recipient {
        address: address.to_owned(),
        original_address: None,
        action: Some("failed".into()),
        status: Some("5.1.1".into()),
        reply_code: Some("550".into()),
        reason: Reason::UserUnknown,
        class: Class::Hard,
        hard: true,
        remote_mta: Some("mx.example.jp".into()),
        diagnostic: Some(format!("550 5.1.1 <{address}>: User unknown")),
        resolved_by: ResolvedBy::Dsn,
    }];
    p
}

/// A header-only complaint (2026 JMRP) carrying only identifiers.
pub fn header_only_complaint(original_message_id: &str, ids: Identifiers) -> Parsed {
    let mut p = Parsed::unreadable("");
    p.note = None;
    p.kind = Kind::Complaint;
    p.feedback_type = Some("abuse".into());
    p.user_agent = Some("JMRP/1.0".into());
    p.message_id = Some(format!("<jmrp-{original_message_id}@hotmail.com>"));
    p.original = Original { message_id: Some(original_message_id.to_owned()), ..Original::default() };
    p.identifiers = ids;
    p
}

/// A prepared message whose raw bytes are `raw` and whose parse is `parsed`.
pub fn prepared(raw: &str, parsed: Parsed) -> Prepared {
    Prepared {
        digest: ingest::digest(raw.as_bytes()),
        file: "test.eml".into(),
        index: 0,
        locator: Locator::File,
        size: raw.len(),
        received_at: 1_790_000_000,
        parsed,
        raw: Some(RawBlob { encoding: "identity", bytes: raw.as_bytes().to_vec() }),
    }
}
