//! The IMAP edge against a real Dovecot on loopback (tests/support/dovecot.sh): TLS modes,
//! login errors, listing and fetching, after-actions, IDLE. `poll` end to end is in
//! `imap_poll`.

#[path = "imap/dovecot.rs"]
pub mod dovecot;
#[path = "imap/messages.rs"]
pub mod messages;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use listhygiene::config::{Config, ImapAccount};
use listhygiene::source::imap::{Actions, Connection, IdleOutcome, Stage};

use dovecot::Dovecot;

/// An `[[imap]]` account for `user` on the test server; `extra` is more TOML.
pub fn account(d: &Dovecot, user: &str, tls: &str, extra: &str) -> ImapAccount {
    let port = if tls == "implicit" { d.tls_port } else { d.port };
    let toml = format!(
        "[[imap]]\nname = \"test\"\nhost = \"localhost\"\nport = {port}\ntls = \"{tls}\"\nusername = \"{user}\"\n\
         password_command = \"echo {}\"\nca_file = {:?}\ntimeout_secs = 10\n{extra}",
        d.password,
        d.ca_file.to_str().unwrap(),
    );
    Config::from_toml(&toml).unwrap().imap.remove(0)
}

fn no_stop() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(false))
}

#[test]
fn starttls_and_implicit_tls_with_the_test_ca() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("tls");
    d.append(&user, "INBOX", &[messages::bounce(1), messages::ordinary(2)]);
    for tls in ["starttls", "implicit", "none"] {
        let conn = Connection::open(&account(d, &user, tls, ""), no_stop()).unwrap_or_else(|e| panic!("{tls}: {e}"));
        assert!(conn.caps().idle && conn.caps().move_ && conn.caps().uidplus, "{tls}: {:?}", conn.caps());
        let selected = conn.select("INBOX").wait().unwrap();
        let listed = conn.list(&selected, 0).wait().unwrap();
        assert_eq!(listed.iter().map(|l| l.uid).collect::<Vec<_>>(), [1, 2], "{tls}");
        let batch = conn.fetch("INBOX", vec![1, 2]).wait().unwrap();
        assert_eq!(batch.messages[0].bytes, messages::bounce(1), "{tls}: exact bytes");
        assert_eq!(batch.messages[1].bytes, messages::ordinary(2), "{tls}");
    }
    // BODY.PEEK[] marked nothing \Seen.
    assert_eq!(d.flags(&user, "INBOX"), [(1, false), (2, false)]);
}

#[test]
fn a_certificate_not_trusted_is_refused() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("untrusted");
    // No ca_file: the public roots do not know the test certificate.
    let mut acct = account(d, &user, "implicit", "");
    acct.ca_file = None;
    let err = Connection::open(&acct, no_stop()).err().expect("must not connect");
    assert_eq!(err.stage, Stage::Tls, "{err}");
    assert!(err.to_string().starts_with("account test: TLS failed: "), "{err}");
    acct.tls = listhygiene::config::TlsMode::Starttls;
    acct.port = Some(d.port);
    let err = Connection::open(&acct, no_stop()).err().expect("must not connect");
    assert_eq!(err.stage, Stage::Tls, "{err}");
}

#[test]
fn wrong_password_names_the_account_and_hides_the_password() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("wrongpw");
    let mut acct = account(d, &user, "starttls", "");
    acct.name = "jmrp".to_owned();
    acct.password_command = Some("echo not-the-password-xyz".to_owned());
    let err = Connection::open(&acct, no_stop()).err().expect("login must fail");
    let text = err.to_string();
    assert!(text.starts_with("account jmrp: login failed: "), "{text}");
    assert!(text.contains("AUTHENTICATIONFAILED") || text.contains("Authentication failed"), "{text}");
    assert!(!text.contains("not-the-password-xyz"), "{text}");
    assert!(!format!("{err:?}").contains("not-the-password-xyz"));
}

#[test]
fn after_actions_seen_move_delete_and_other_folder() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("after");
    let all: Vec<Vec<u8>> = (1..=6).map(messages::bounce).collect();
    d.append(&user, "INBOX", &all);
    let conn = Connection::open(&account(d, &user, "starttls", ""), no_stop()).unwrap();
    conn.select("INBOX").wait().unwrap();
    conn.ensure_folder("Done/FBL").wait().unwrap();
    conn.ensure_folder("Done/FBL").wait().unwrap(); // a second time is fine
    let mut actions = Actions::plan(&listhygiene::config::After::Seen, None, [(1, true), (2, false)]);
    actions.moves.insert("Done/FBL".to_owned(), vec![3, 4]);
    actions.delete = vec![5];
    conn.apply("INBOX", actions.clone()).wait().unwrap();
    // Idempotent: applying again after a crash changes nothing more.
    conn.apply("INBOX", actions).wait().unwrap();
    drop(conn);
    assert_eq!(d.flags(&user, "INBOX"), [(1, true), (2, false), (6, false)]);
    assert_eq!(d.count(&user, "Done/FBL"), 2);
}

#[test]
fn idle_wakes_on_new_mail_and_on_stop() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("idle");
    d.append(&user, "INBOX", &[messages::bounce(1)]);
    let stop = no_stop();
    let conn = Connection::open(&account(d, &user, "implicit", ""), Arc::clone(&stop)).unwrap();
    conn.select("INBOX").wait().unwrap();
    let ticket = conn.idle(Duration::from_secs(60));
    std::thread::sleep(Duration::from_millis(300));
    d.append(&user, "INBOX", &[messages::bounce(2)]);
    let start = Instant::now();
    assert_eq!(ticket.wait().unwrap(), IdleOutcome::Changed);
    assert!(start.elapsed() < Duration::from_secs(10));

    // Keep-alive period elapsed with nothing new.
    assert_eq!(conn.idle(Duration::from_secs(1)).wait().unwrap(), IdleOutcome::TimedOut);

    // The stop flag ends a long wait within about a second.
    let ticket = conn.idle(Duration::from_secs(600));
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(ticket.wait().unwrap(), IdleOutcome::Stopped);
    assert!(start.elapsed() < Duration::from_secs(3), "{:?}", start.elapsed());
    // The connection is still usable after IDLE ends.
    let selected = conn.select("INBOX").wait().unwrap();
    assert_eq!(conn.list(&selected, 0).wait().unwrap().len(), 2);
}

#[test]
fn list_new_starts_after_the_checkpoint() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("list");
    d.append(&user, "INBOX", &(1..=5).map(messages::complaint).collect::<Vec<_>>());
    let conn = Connection::open(&account(d, &user, "starttls", ""), no_stop()).unwrap();
    let selected = conn.select("INBOX").wait().unwrap();
    assert_eq!(conn.list_range(&selected, 1, 4).wait().unwrap().iter().map(|l| l.uid).collect::<Vec<_>>(), [2, 3, 4]);
    assert_eq!(conn.list(&selected, 3).wait().unwrap().iter().map(|l| l.uid).collect::<Vec<_>>(), [4, 5]);
    // Above the highest UID: `6:*` still names message 5 on the wire; nothing may come back.
    assert!(conn.list(&selected, 5).wait().unwrap().is_empty());
    assert!(conn.list(&selected, 500).wait().unwrap().is_empty());
}
