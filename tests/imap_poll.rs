//! `listhygiene poll` end to end against a real Dovecot: what is stored, what happens on the
//! server, and that no message is lost or counted twice across faults (server killed mid-batch,
//! UIDVALIDITY reset, concurrent pollers, oversized and malformed messages).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::imap::dovecot::Dovecot;
use crate::imap::messages;

const BIN: &str = env!("CARGO_BIN_EXE_listhygiene");

/// The `--json` summary; every field is listed so an unexpected one fails the parse.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Summary {
    messages: u64,
    new: u64,
    duplicates: u64,
    unparsed: u64,
    events: u64,
    unresolved: u64,
    resolved: u64,
    errors: u64,
    seconds: f64,
    actions_failed: u64,
    reapplied: u64,
    accounts: Vec<AccountSummary>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountSummary {
    name: String,
    status: String,
    #[serde(default)]
    error: Option<String>,
    messages: u64,
    new: u64,
    duplicates: u64,
}

/// A temp dir with a config for one account on `d` and a database.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new(d: &Dovecot, user: &str, extra: &str) -> Setup {
        Setup::with_port(d, user, extra, "starttls", d.port)
    }

    fn with_port(d: &Dovecot, user: &str, extra: &str, tls: &str, port: u16) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "[[imap]]\nname = \"test\"\nhost = \"localhost\"\nport = {port}\ntls = \"{tls}\"\nusername = \"{user}\"\n\
             password_env = \"LH_TEST_IMAP_PASSWORD\"\nca_file = {:?}\ntimeout_secs = 10\n{extra}\n",
            d.ca_file.to_str().unwrap()
        );
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Setup { dir }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("lh.db")
    }

    fn command(&self, d: &Dovecot, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--db")
            .arg(self.db())
            .arg("--config")
            .arg(self.dir.path().join("config.toml"))
            .args(args)
            .env("LH_TEST_IMAP_PASSWORD", &d.password)
            .env_remove("LISTHYGIENE_LOG")
            .stdin(Stdio::null());
        c
    }

    fn poll(&self, d: &Dovecot) -> (Output, Option<Summary>) {
        let out = self.command(d, &["poll", "--json"]).output().expect("run listhygiene");
        let summary = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .and_then(|l| serde_json::from_str::<Summary>(l).ok());
        (out, summary)
    }

    /// A poll that must succeed; returns its summary.
    fn poll_ok(&self, d: &Dovecot) -> Summary {
        let (out, summary) = self.poll(d);
        assert!(
            out.status.success(),
            "poll failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        summary.expect("a JSON summary on the last line")
    }

    /// (stored messages of this account, distinct digests, distinct UIDs) in the database.
    fn stored(&self) -> (i64, i64, i64) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let store = listhygiene::store::Store::open(&self.db(), &Default::default()).await.unwrap();
            let row: (i64, i64, i64) = sqlx::query_as(
                "select count(*), count(distinct digest), count(distinct imap_uid_validity || ':' || imap_uid) \
                 from messages where imap_account = 'test'",
            )
            .fetch_one(store.pool())
            .await
            .unwrap();
            store.close().await;
            row
        })
    }

    /// Kinds stored, by message count.
    fn kinds(&self) -> Vec<(String, i64)> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let store = listhygiene::store::Store::open(&self.db(), &Default::default()).await.unwrap();
            let rows: Vec<(String, i64)> =
                sqlx::query_as("select kind, count(*) from messages group by kind order by kind")
                    .fetch_all(store.pool())
                    .await
                    .unwrap();
            store.close().await;
            rows
        })
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// 3 bounces, 2 complaints, 2 ordinary messages, in that order (UIDs 1..=7).
fn mixed() -> Vec<Vec<u8>> {
    vec![
        messages::bounce(1),
        messages::ordinary(2),
        messages::complaint(3),
        messages::bounce(4),
        messages::ordinary(5),
        messages::complaint(6),
        messages::bounce(7),
    ]
}

#[test]
fn poll_marks_reports_seen_leaves_other_mail_alone_and_second_poll_changes_nothing() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("seen");
    d.append(&user, "INBOX", &mixed());
    let s = Setup::new(d, &user, "after = \"seen\"\nbatch_size = 3");
    let first = s.poll_ok(d);
    assert_eq!((first.messages, first.new, first.duplicates, first.errors), (7, 7, 0, 0), "{first:?}");
    assert_eq!(first.unparsed, 2, "the two ordinary messages are stored as `other`");
    assert_eq!(first.accounts[0].status, "ok");
    assert_eq!(s.stored(), (7, 7, 7));
    let flags = [(1, true), (2, false), (3, true), (4, true), (5, false), (6, true), (7, true)];
    assert_eq!(d.flags(&user, "INBOX"), flags);

    let start = Instant::now();
    let second = s.poll_ok(d);
    let took = start.elapsed();
    assert_eq!((second.messages, second.new), (0, 0), "{second:?}");
    assert!(took < Duration::from_secs(1), "second poll took {took:?}");
    assert_eq!(d.flags(&user, "INBOX"), flags, "nothing changed on the server");
    assert_eq!(s.stored(), (7, 7, 7));

    // New mail after the checkpoint is picked up, and only that.
    d.append(&user, "INBOX", &[messages::complaint(8)]);
    let third = s.poll_ok(d);
    assert_eq!((third.messages, third.new), (1, 1), "{third:?}");
    assert_eq!(s.stored(), (8, 8, 8));
}

#[test]
fn move_reports_and_other_to_over_implicit_tls() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("move");
    d.append(&user, "INBOX", &mixed());
    let s = Setup::with_port(d, &user, "after = \"move:Processed/FBL\"\nother_to = \"Not reports\"", "implicit", d.tls_port);
    let summary = s.poll_ok(d);
    assert_eq!((summary.messages, summary.new), (7, 7));
    assert_eq!(d.count(&user, "INBOX"), 0);
    assert_eq!(d.count(&user, "Processed/FBL"), 5);
    assert_eq!(d.count(&user, "Not reports"), 2);
    // Moved, not marked: the copies are unseen as they were.
    assert!(d.flags(&user, "Processed/FBL").iter().all(|(_, seen)| !seen));
    let again = s.poll_ok(d);
    assert_eq!(again.messages, 0);
}

#[test]
fn a_missing_folder_is_an_error_but_the_other_folders_are_polled() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("missing");
    d.append(&user, "INBOX", &[messages::bounce(1)]);
    let s = Setup::new(d, &user, "folders = [\"No such folder\", \"INBOX\"]");
    let (out, summary) = s.poll(d);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("account test, folder No such folder: cannot open folder"), "{}", stderr(&out));
    let summary = summary.expect("summary");
    assert_eq!((summary.new, summary.errors), (1, 1), "{summary:?}");
}

#[test]
fn delete_removes_only_reports() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("delete");
    d.append(&user, "INBOX", &mixed());
    let s = Setup::new(d, &user, "after = \"delete\"");
    let summary = s.poll_ok(d);
    assert_eq!(summary.new, 7);
    assert_eq!(d.flags(&user, "INBOX"), [(2, false), (5, false)], "only the ordinary mail is left, unseen");
    assert_eq!(s.stored(), (7, 7, 7));
}

#[test]
fn leave_touches_nothing_and_the_checkpoint_prevents_rereading() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("leave");
    d.append(&user, "INBOX", &mixed());
    let s = Setup::new(d, &user, "after = \"leave\"");
    assert_eq!(s.poll_ok(d).new, 7);
    assert!(d.flags(&user, "INBOX").iter().all(|(_, seen)| !seen));
    let second = s.poll_ok(d);
    assert_eq!((second.messages, second.duplicates), (0, 0), "read nothing again: {second:?}");
}

#[test]
fn wrong_password_is_a_clear_error_naming_the_account_without_the_secret() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("badpw");
    let s = Setup::new(d, &user, "");
    let out = s.command(d, &["poll"]).env("LH_TEST_IMAP_PASSWORD", "wrong-secret-4711").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("account test: login failed:"), "{err}");
    assert!(!err.contains("wrong-secret-4711"), "{err}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("wrong-secret-4711"));
    assert!(!s.db().exists() || s.stored().0 == 0);

    // A password command that fails: its exit status, not its output.
    let s = Setup::new(d, &user, "");
    let config = std::fs::read_to_string(s.dir.path().join("config.toml")).unwrap().replace(
        "password_env = \"LH_TEST_IMAP_PASSWORD\"",
        "password_command = \"echo printed-secret-0815; exit 7\"",
    );
    std::fs::write(s.dir.path().join("config.toml"), config).unwrap();
    let out = s.command(d, &["poll"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("account test: cannot read the secret: password_command failed with exit status 7"), "{err}");
    assert!(!err.contains("printed-secret-0815"), "{err}");
}

#[test]
fn a_25_mb_message_and_a_malformed_one_do_not_stop_the_batch() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("big");
    let big = messages::huge_bounce(1, 25 * 1024 * 1024);
    assert!(big.len() >= 25 * 1024 * 1024);
    d.write_inbox(&user, [messages::bounce(0), big, messages::malformed(2), messages::complaint(3), messages::ordinary(4)]);
    let s = Setup::new(d, &user, "batch_size = 2");
    let summary = s.poll_ok(d);
    assert_eq!((summary.messages, summary.new, summary.errors), (5, 5, 0), "{summary:?}");
    assert_eq!(s.stored(), (5, 5, 5));
    let kinds = s.kinds();
    assert!(kinds.contains(&("bounce".to_owned(), 2)), "{kinds:?}");
    assert!(kinds.contains(&("other".to_owned(), 2)), "{kinds:?}");
    // The malformed and the ordinary message are not reports: left unseen.
    assert_eq!(d.flags(&user, "INBOX").iter().filter(|(_, seen)| !seen).count(), 2);
}

#[test]
fn uidvalidity_reset_rereads_the_folder_and_counts_duplicates_not_new() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("uidv");
    d.append(&user, "INBOX", &mixed());
    let s = Setup::new(d, &user, "after = \"leave\"");
    assert_eq!(s.poll_ok(d).new, 7);
    d.reset_uidvalidity(&user, "INBOX");
    d.append(&user, "INBOX", &[messages::bounce(100)]);
    let summary = s.poll_ok(d);
    assert_eq!((summary.messages, summary.new, summary.duplicates), (8, 1, 7), "{summary:?}");
    // 8 different messages, never one twice.
    let (rows, digests, _) = s.stored();
    assert_eq!((rows, digests), (8, 8));
    assert_eq!(s.poll_ok(d).messages, 0, "the new checkpoint holds");
}

#[test]
fn a_held_lock_makes_a_second_poll_step_aside_with_exit_0() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("lock");
    d.append(&user, "INBOX", &mixed());
    let s = Setup::new(d, &user, "");
    let held = listhygiene::source::imap::lock::try_lock(&s.db(), "test").unwrap().expect("lock");
    let (out, summary) = s.poll(d);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("another poll of account test is running"), "{}", stderr(&out));
    let summary = summary.unwrap();
    assert_eq!((summary.messages, summary.accounts[0].status.as_str()), (0, "locked"));
    drop(held);
    assert_eq!(s.poll_ok(d).new, 7);
}

#[test]
fn two_concurrent_pollers_store_each_message_once() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("concurrent");
    let all: Vec<Vec<u8>> = (0..600).map(|i| if i % 2 == 0 { messages::bounce(i) } else { messages::complaint(i) }).collect();
    d.write_inbox(&user, all);
    let s = Setup::new(d, &user, "batch_size = 50\nafter = \"leave\"");
    let children: Vec<_> = (0..2)
        .map(|_| s.command(d, &["poll", "--json"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap())
        .collect();
    let mut new = 0;
    let mut duplicates = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let line = String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or("").to_owned();
        let summary: Summary = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        new += summary.new;
        duplicates += summary.duplicates;
    }
    assert_eq!((new, duplicates), (600, 0));
    assert_eq!(s.stored(), (600, 600, 600));
}

/// Forwards one connection to `upstream`; after `budget` bytes from the server it calls
/// `on_cut` (which kills the server) and closes both sides: the server dies mid-response.
fn cutting_proxy(upstream: u16, budget: usize, on_cut: impl FnOnce() + Send + 'static) -> (u16, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let cut = Arc::new(AtomicBool::new(false));
    let cut_flag = Arc::clone(&cut);
    std::thread::spawn(move || {
        let Ok((client, _)) = listener.accept() else { return };
        let server = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
        let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            while let Ok(n) = c_read.read(&mut buf) {
                if n == 0 || s_write.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        });
        let (mut s_read, mut c_write) = (server, client);
        let sent = AtomicUsize::new(0);
        let mut buf = [0u8; 16384];
        while let Ok(n) = s_read.read(&mut buf) {
            if n == 0 {
                break;
            }
            let so_far = sent.fetch_add(n, Ordering::Relaxed);
            let allowed = budget.saturating_sub(so_far).min(n);
            if c_write.write_all(&buf[..allowed]).is_err() {
                break;
            }
            if allowed < n {
                on_cut();
                cut_flag.store(true, Ordering::Relaxed);
                let _ = c_write.shutdown(std::net::Shutdown::Both);
                let _ = s_read.shutdown(std::net::Shutdown::Both);
                break;
            }
        }
    });
    (port, cut)
}

#[test]
fn server_killed_mid_batch_then_the_next_poll_completes_every_message_exactly_once() {
    let Some(d) = Dovecot::private() else { return };
    let d = Arc::new(d);
    let user = d.new_user("killed");
    let count = 300;
    let all: Vec<Vec<u8>> = (0..count).map(|i| if i % 3 == 0 { messages::complaint(i) } else { messages::bounce(i) }).collect();
    let total: usize = all.iter().map(Vec::len).sum();
    d.write_inbox(&user, all);
    // Dovecot indexes the new files on first SELECT.
    assert_eq!(d.count(&user, "INBOX"), count as u32);

    // The server dies after about 40 % of the mailbox has been sent: inside some FETCH.
    let killer = Arc::clone(&d);
    let (proxy_port, cut) = cutting_proxy(d.port, total * 2 / 5, move || killer.kill());
    let s = Setup::with_port(&d, &user, "batch_size = 25\nafter = \"move:Done\"", "none", proxy_port);
    let (out, summary) = s.poll(&d);
    assert!(cut.load(Ordering::Relaxed), "the proxy never cut the connection");
    assert!(!out.status.success(), "the poll cannot have succeeded: {}", stderr(&out));
    assert!(stderr(&out).contains("account test"), "{}", stderr(&out));
    let first_new = summary.map_or(0, |s| s.new);
    let (stored_after_crash, _, _) = s.stored();
    assert!(stored_after_crash > 0 && stored_after_crash < count as i64, "partly stored: {stored_after_crash}");

    d.restart();
    let s2 = Setup::with_port(&d, &user, "batch_size = 25\nafter = \"move:Done\"", "starttls", d.port);
    std::fs::copy(s.db(), s2.db()).ok();
    for ext in ["-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{ext}", s.db().display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{ext}", s2.db().display())).unwrap();
        }
    }
    let second = s2.poll_ok(&d);
    assert_eq!(second.duplicates, 0, "{second:?}");
    assert_eq!(second.new as i64 + stored_after_crash, count as i64, "{second:?}");
    assert!(first_new as i64 <= stored_after_crash);
    assert_eq!(s2.stored(), (count as i64, count as i64, count as i64));
    // Every report ended up moved, including those stored just before the crash.
    assert_eq!(d.count(&user, "INBOX"), 0);
    assert_eq!(d.count(&user, "Done"), count as u32);
    assert_eq!(s2.poll_ok(&d).messages, 0);
}

#[test]
fn watch_picks_up_new_mail_and_stops_cleanly_on_sigterm() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("watch");
    d.append(&user, "INBOX", &[messages::bounce(1)]);
    let s = Setup::new(d, &user, "");
    let child = s.command(d, &["poll", "--watch", "--json"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    wait_for(|| s.db().exists() && s.stored().0 == 1, Duration::from_secs(20), "the first message");
    d.append(&user, "INBOX", &[messages::complaint(2)]);
    wait_for(|| s.stored().0 == 2, Duration::from_secs(10), "IDLE to report the new message");
    let start = Instant::now();
    Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?} to stop", start.elapsed());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let line = String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or("").to_owned();
    let summary: Summary = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!((summary.new, summary.accounts[0].status.as_str()), (2, "stopped"));
    assert_eq!(d.flags(&user, "INBOX"), [(1, true), (2, true)]);
}

#[test]
fn watch_reconnects_after_the_server_restarts() {
    let Some(d) = Dovecot::private() else { return };
    let user = d.new_user("reconnect");
    d.append(&user, "INBOX", &[messages::bounce(1)]);
    let s = Setup::new(&d, &user, "");
    let mut child = s.command(&d, &["poll", "--watch"]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    wait_for(|| s.db().exists() && s.stored().0 == 1, Duration::from_secs(20), "the first message");
    d.kill();
    std::thread::sleep(Duration::from_millis(500));
    d.restart();
    d.append(&user, "INBOX", &[messages::bounce(2)]);
    wait_for(|| s.stored().0 == 2, Duration::from_secs(30), "the poller to reconnect");
    Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).ok();
    assert!(status.success(), "{err}");
    assert!(err.contains("reconnecting") || err.contains("trying again"), "{err}");
}

fn wait_for(mut ok: impl FnMut() -> bool, limit: Duration, what: &str) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn sync_polls_the_imap_accounts_then_scores_and_exports() {
    let Some(d) = Dovecot::shared() else { return };
    let user = d.new_user("sync");
    d.append(&user, "INBOX", &mixed());
    let s = Setup::new(d, &user, "after = \"seen\"\n[[export]]\nname = \"plain\"\nformat = \"plain\"\npath = \"suppress.txt\"");
    let out = s.command(d, &["sync", "--json"]).current_dir(s.dir.path()).output().expect("run listhygiene");
    assert!(out.status.success(), "sync failed: {}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or("")).expect("JSON summary");
    assert_eq!(summary["status"], "ok", "{summary}");
    assert_eq!(summary["messages"]["new"], 7, "{summary}");
    let exported = std::fs::read_to_string(s.dir.path().join("suppress.txt")).expect("the export was written");
    let mut lines: Vec<&str> = exported.lines().collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        ["reader3@example.org", "reader6@example.org", "user1@example.net", "user4@example.net", "user7@example.net"],
        "hard bounces and complaints from the mailbox are suppressed"
    );
    assert_eq!(s.stored(), (7, 7, 7));
    let again = s.command(d, &["sync", "--json"]).current_dir(s.dir.path()).output().expect("run listhygiene");
    let again: serde_json::Value = serde_json::from_str(String::from_utf8_lossy(&again.stdout).lines().last().unwrap_or("")).unwrap();
    assert_eq!(again["messages"]["new"], 0, "the checkpoint holds across syncs: {again}");
}
