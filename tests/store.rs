//! Store tests on real SQLite files: idempotent batches, resolution at ingest, checkpoints.

use listhygiene::resolve::Resolver;
use listhygiene::source::Locator;
use listhygiene::store::ImapCheckpoint;

use crate::fixtures::{bounce, open, prepared, runtime};

#[test]
fn double_ingest_adds_nothing() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let store = open(&rt, &dir);
    let batch = vec![
        prepared("Subject: a\n\n1\n", bounce("a@example.com")),
        prepared("Subject: b\n\n2\n", bounce("b@example.com")),
        prepared("Subject: a\r\n\r\n1\r\n", bounce("a@example.com")), // same message, CRLF
    ];
    let first = rt.block_on(store.ingest(&batch, &Resolver::default())).unwrap();
    assert_eq!((first.counts.messages, first.counts.new, first.counts.duplicates, first.counts.events), (3, 2, 1, 2));
    let second = rt.block_on(store.ingest(&batch, &Resolver::default())).unwrap();
    assert_eq!((second.counts.new, second.counts.duplicates, second.counts.events), (0, 3, 0));
    let (messages, events): (i64, i64) = rt
        .block_on(sqlx::query_as("select (select count(*) from messages), (select count(*) from events)").fetch_one(store.pool()))
        .unwrap();
    assert_eq!((messages, events), (2, 2));
}

#[test]
fn imap_uid_is_a_key_and_checkpoint_commits_with_the_batch() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let store = open(&rt, &dir);
    let mut item = prepared("Subject: x\n\n1\n", bounce("x@example.com"));
    item.locator = Locator::Imap { account: "fbl".into(), folder: "INBOX".into(), uid_validity: 7, uid: 42 };
    let checkpoint =
        ImapCheckpoint { account: "fbl".into(), folder: "INBOX".into(), uid_validity: 7, last_uid: 42, updated_at: 1 };
    let out = rt.block_on(store.ingest_with_checkpoint(&[item.clone()], &Resolver::default(), Some(&checkpoint))).unwrap();
    assert_eq!(out.counts.new, 1);
    assert_eq!(rt.block_on(store.imap_checkpoint("fbl", "INBOX")).unwrap(), Some(checkpoint));
    // Same UID, different bytes (cannot happen under one UIDVALIDITY, but the key holds).
    let mut again = prepared("Subject: y\n\n2\n", bounce("y@example.com"));
    again.locator = item.locator.clone();
    let out = rt.block_on(store.ingest(&[again], &Resolver::default())).unwrap();
    assert_eq!((out.counts.new, out.counts.duplicates), (0, 1));
}

#[test]
fn header_only_complaint_is_kept_unresolved_then_resolved_by_verp() {
    use listhygiene::parse::Identifiers;
    use listhygiene::resolve::Method;

    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let store = open(&rt, &dir);
    let ids = Identifiers { verp: Some("Neko@Example.JP".into()), ..Identifiers::default() };
    let complaint = crate::fixtures::header_only_complaint("<orig-1@news.example.com>", ids);
    let only_send_log = Resolver { order: vec![Method::SendLog], key: None };
    let out = rt.block_on(store.ingest(&[prepared("Subject: c\n\n1\n", complaint.clone())], &only_send_log)).unwrap();
    assert_eq!((out.counts.new, out.counts.events, out.counts.unresolved), (1, 0, 1));
    let open_ones = rt.block_on(store.unresolved(false)).unwrap();
    assert_eq!(open_ones.len(), 1);
    assert_eq!(open_ones[0].original_message_id.as_deref(), Some("<orig-1@news.example.com>"));
    assert!(open_ones[0].note.as_deref().unwrap_or("").contains("not in the send log"));
    // Retrying with VERP allowed resolves it, once.
    let with_verp = Resolver { order: vec![Method::SendLog, Method::Verp], key: None };
    assert_eq!(rt.block_on(store.retry_unresolved(&with_verp, 1_790_000_100)).unwrap(), 1);
    assert_eq!(rt.block_on(store.retry_unresolved(&with_verp, 1_790_000_200)).unwrap(), 0);
    let events = rt.block_on(store.events_of("neko@example.jp")).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].class.as_str(), events[0].resolved_by.as_str(), events[0].provider.as_str()), ("complaint", "verp", "other"));
}
