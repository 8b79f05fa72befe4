//! The real binary on real SQLite files: idempotent ingest, kill -9 recovery, corrupt and
//! locked databases, all-or-nothing CSV import, token forgery, reparse and the Sisimai corpus.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

const BIN: &str = env!("CARGO_BIN_EXE_listhygiene");
const SECRET: &str = "test-secret-0123456789abcdef";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
struct IngestSummary {
    messages: u64,
    new: u64,
    duplicates: u64,
    unparsed: u64,
    events: u64,
    unresolved: u64,
}

#[derive(Debug, Deserialize)]
struct ImportSummary {
    rows: u64,
    new: u64,
    resolved: u64,
}

#[derive(Debug, Deserialize)]
struct Explained {
    address: String,
    events: Vec<ExplainedEvent>,
}

#[derive(Debug, Deserialize)]
struct ExplainedEvent {
    class: String,
    resolved_by: String,
    digest: String,
}

#[derive(Debug, Deserialize)]
struct Unresolved {
    unresolved: u64,
}

#[derive(Debug, PartialEq, Eq, Deserialize)]
struct Reparsed {
    messages: u64,
    reparsed: u64,
    events: u64,
    unresolved: u64,
}

/// A temporary directory with a database and a config file in it.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env { dir: tempfile::tempdir().expect("tempdir") }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn config(&self, text: &str) -> PathBuf {
        let path = self.path("config.toml");
        std::fs::write(&path, text).expect("write config");
        path
    }

    fn command(&self, db: &str, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.current_dir(self.dir.path())
            .env_remove("LISTHYGIENE_CONFIG")
            .env_remove("LISTHYGIENE_TOKEN_SECRET")
            .env_remove("LISTHYGIENE_LOG")
            .env("LISTHYGIENE_DB", self.path(db))
            .args(args);
        c
    }

    fn run(&self, db: &str, args: &[&str]) -> Output {
        self.command(db, args).output().expect("run listhygiene")
    }

    fn generate(&self, name: &str, count: u64, extra: &[&str]) -> PathBuf {
        let out = self.path(name);
        let count = count.to_string();
        let mut args = vec!["dev", "generate", "--count", &count, "--out", out.to_str().unwrap_or("")];
        args.extend_from_slice(extra);
        let o = self.run("unused.db", &args);
        assert!(o.status.success(), "generate: {}", String::from_utf8_lossy(&o.stderr));
        out
    }
}

fn last_json<T: serde::de::DeserializeOwned>(o: &Output) -> T {
    let stdout = String::from_utf8_lossy(&o.stdout);
    let line = stdout.lines().last().unwrap_or_else(|| panic!("no output; stderr: {}", String::from_utf8_lossy(&o.stderr)));
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}\nstderr: {}", String::from_utf8_lossy(&o.stderr)))
}

fn ingest(env: &Env, db: &str, inputs: &[&Path]) -> (IngestSummary, Output) {
    let mut args = vec!["ingest", "--json"];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap_or("")));
    let o = env.run(db, &args);
    (last_json(&o), o)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn double_ingest_adds_nothing() {
    let env = Env::new();
    let mbox = env.generate("a.mbox", 300, &[]);
    let maildir = env.generate("md", 300, &["--format", "maildir"]); // same seed: the same messages
    let (first, o) = ingest(&env, "t.db", &[&mbox]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!((first.messages, first.new, first.duplicates, first.unparsed), (300, 300, 0, 0));
    assert!(first.events > 250, "{first:?}");
    let (second, o) = ingest(&env, "t.db", &[&mbox, &maildir]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(second, IngestSummary { messages: 600, new: 0, duplicates: 600, unparsed: 0, events: 0, unresolved: 0 });
}

#[test]
fn kill_9_mid_ingest_then_rerun_equals_a_clean_run() {
    let env = Env::new();
    let total = 8000;
    let mbox = env.generate("big.mbox", total, &[]);
    let mut child = env
        .command("killed.db", &["ingest", "--json", "--batch-size", "200", mbox.to_str().unwrap_or("")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn ingest");
    let rt = crate::fixtures::runtime();
    let started = Instant::now();
    let committed = loop {
        let n = rt.block_on(count_messages(&env.path("killed.db")));
        if n > 0 || started.elapsed() > Duration::from_secs(60) {
            break n;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    child.kill().expect("kill -9"); // SIGKILL on Unix
    let _ = child.wait();
    assert!(committed > 0 && committed < total, "killed after {committed} of {total} messages were committed");
    let (rerun, o) = ingest(&env, "killed.db", &[&mbox]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (clean, _) = ingest(&env, "clean.db", &[&mbox]);
    assert_eq!(clean.new, total);
    assert_eq!(rerun.new + rerun.duplicates, total);
    assert!(rerun.duplicates >= committed, "{rerun:?} after {committed} committed");
    let killed = rt.block_on(table_counts(&env.path("killed.db")));
    let fresh = rt.block_on(table_counts(&env.path("clean.db")));
    assert_eq!(killed, fresh, "messages, distinct digests, events, unresolved");
    assert_eq!(killed.0, i64::try_from(total).unwrap_or(0));
    assert_eq!(killed.0, killed.1, "every message exactly once");
}

async fn count_messages(db: &Path) -> u64 {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(db).read_only(true);
    let Ok(mut conn) = sqlx::SqliteConnection::connect_with(&options).await else { return 0 };
    let n: i64 = sqlx::query_scalar("select count(*) from messages").fetch_one(&mut conn).await.unwrap_or(0);
    u64::try_from(n).unwrap_or(0)
}

async fn table_counts(db: &Path) -> (i64, i64, i64, i64) {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(db);
    let mut conn = sqlx::SqliteConnection::connect_with(&options).await.expect("open db");
    sqlx::query_as(
        "select (select count(*) from messages), (select count(distinct digest) from messages), \
         (select count(*) from events), (select count(*) from unresolved_complaints)",
    )
    .fetch_one(&mut conn)
    .await
    .expect("counts")
}

#[test]
fn corrupt_database_is_a_clear_error() {
    let env = Env::new();
    std::fs::write(env.path("bad.db"), b"this is not sqlite at all, just garbage bytes\n".repeat(200)).expect("write");
    let mbox = env.generate("a.mbox", 3, &[]);
    let o = env.run("bad.db", &["ingest", mbox.to_str().unwrap_or("")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("bad.db") && err.contains("is not a listhygiene database"), "{err}");
}

#[test]
fn locked_database_fails_after_the_busy_timeout() {
    use sqlx::{Connection, Executor};
    let env = Env::new();
    let mbox = env.generate("a.mbox", 5, &[]);
    let (first, _) = ingest(&env, "locked.db", &[&mbox]);
    assert_eq!(first.new, 5);
    let other = env.generate("b.mbox", 5, &["--seed", "2"]);
    let config = env.config("[database]\nbusy_timeout_ms = 300\n");
    let rt = crate::fixtures::runtime();
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(env.path("locked.db"));
    let mut holder = rt.block_on(sqlx::SqliteConnection::connect_with(&options)).expect("open");
    rt.block_on(holder.execute("begin exclusive")).expect("lock");
    let started = Instant::now();
    let o = env.run("locked.db", &["--config", config.to_str().unwrap_or(""), "ingest", other.to_str().unwrap_or("")]);
    let waited = started.elapsed();
    rt.block_on(holder.execute("rollback")).expect("unlock");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("locked.db") && err.contains("is locked by another process"), "{err}");
    assert!(waited >= Duration::from_millis(300) && waited < Duration::from_secs(20), "{waited:?}");
    let (after, _) = ingest(&env, "locked.db", &[&other]);
    assert_eq!(after.new, 5, "nothing of the failed run was half-applied");
}

#[test]
fn a_bad_csv_row_is_reported_with_its_line_and_nothing_is_applied() {
    let env = Env::new();
    let csv = env.path("sends.csv");
    std::fs::write(
        &csv,
        "Message-ID,Email,Campaign,Sent At\n<a@x>,a@example.com,c1,2026-10-01\n<b@x>,b@example.com,c1,1790812800\n\
         <c@x>,not-an-address,c1,2026-10-01\n<d@x>,d@example.com,c1,someday\n<e@x>,e@example.com,c1,\n",
    )
    .expect("write csv");
    let o = env.run("t.db", &["import", "sends", csv.to_str().unwrap_or("")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("sends.csv:4: recipient"), "{err}");
    assert!(err.contains("sends.csv:5: sent_at"), "{err}");
    assert!(err.contains("nothing imported"), "{err}");
    let o = env.run("t.db", &["explain", "a@example.com", "--json"]);
    let v: serde_json::Value = last_json(&o);
    assert_eq!(v["sends"]["sends"], 0, "nothing of the bad file was applied");
    // The fixed file goes in whole.
    let fixed = std::fs::read_to_string(&csv).expect("read").replace("not-an-address", "c@example.com").replace("someday", "");
    std::fs::write(&csv, fixed).expect("write");
    let o = env.run("t.db", &["import", "sends", "--json", csv.to_str().unwrap_or("")]);
    let s: ImportSummary = last_json(&o);
    assert_eq!((s.rows, s.new, s.resolved), (5, 5, 0));
}

/// A 2026 JMRP: no recipient, only the original headers with a recipient-token header.
fn jmrp(original_id: &str, token: &str) -> String {
    format!(
        "From: staff@hotmail.com\nTo: fbl@news.example.com\nSubject: complaint\nDate: Thu, 01 Oct 2026 10:00:00 +0000\n\
         Message-ID: <jmrp-{token_len}-{id}@hotmail.com>\nMIME-Version: 1.0\n\
         Content-Type: multipart/report; report-type=feedback-report; boundary=\"b\"\n\n\
         --b\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: JMRP/1.0\nVersion: 1\n\n\
         --b\nContent-Type: text/rfc822-headers\n\n\
         Message-ID: {original_id}\nFrom: news@news.example.com\nTo: <xxxxxx@hotmail.com>\nSubject: News\n\
         X-Listhygiene-Rid: {token}\n\n--b--\n",
        id = original_id.trim_matches(['<', '>']),
        token_len = token.len(),
    )
}

fn mint(env: &Env, secret: &str, address: &str) -> String {
    let o = env.command("t.db", &["token", "mint", address, "--campaign", "c7"]).env("LISTHYGIENE_TOKEN_SECRET", secret).output().expect("mint");
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

#[test]
fn a_forged_token_resolves_nobody_and_a_valid_one_resolves() {
    let env = Env::new();
    let config = env.config("[resolve]\norder = [\"header_token\"]\n");
    let config = config.to_str().unwrap_or("");
    let forged = mint(&env, "an-attacker-guessed-this-secret", "victim@example.com");
    let genuine = mint(&env, SECRET, "complainer@example.com");
    let (head, mac) = genuine.rsplit_once('.').unwrap_or_default();
    let tampered = format!("{}.{mac}", head.replace(head.split('.').nth(1).unwrap_or(""), forged.split('.').nth(1).unwrap_or("")));
    std::fs::write(env.path("forged.eml"), jmrp("<o1@news.example.com>", &forged)).expect("write");
    std::fs::write(env.path("tampered.eml"), jmrp("<o2@news.example.com>", &tampered)).expect("write");
    std::fs::write(env.path("genuine.eml"), jmrp("<o3@news.example.com>", &genuine)).expect("write");
    let run = |file: &str| {
        let o = env.command("t.db", &["--config", config, "ingest", "--json", file]).env("LISTHYGIENE_TOKEN_SECRET", SECRET).output().expect("ingest");
        last_json::<IngestSummary>(&o)
    };
    for file in ["forged.eml", "tampered.eml"] {
        let s = run(file);
        assert_eq!((s.new, s.events, s.unresolved), (1, 0, 1), "{file}: {s:?}");
    }
    let o = env.run("t.db", &["explain", "victim@example.com", "--json"]);
    let e: Explained = last_json(&o);
    assert!(e.events.is_empty(), "a forged token suppressed {}", e.address);
    let s = run("genuine.eml");
    assert_eq!((s.new, s.events, s.unresolved), (1, 1, 0));
    let e: Explained = last_json(&env.run("t.db", &["explain", "Complainer@Example.com", "--json"]));
    assert_eq!(e.events.len(), 1);
    assert_eq!((e.events[0].class.as_str(), e.events[0].resolved_by.as_str()), ("complaint", "header_token"));
    assert_eq!(e.events[0].digest.len(), 64);
    let u: Unresolved = last_json(&env.run("t.db", &["unresolved", "--json"]));
    assert_eq!(u.unresolved, 2);
    let o = env.run("t.db", &["token", "mint", "a@example.com"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("LISTHYGIENE_TOKEN_SECRET"), "{}", stderr(&o));
}

#[test]
fn a_send_log_import_resolves_earlier_complaints_and_reparse_is_idempotent() {
    let env = Env::new();
    let sends = env.path("sends.csv");
    let mbox = env.generate("a.mbox", 400, &["--sends", sends.to_str().unwrap_or("")]);
    let config = env.config("[resolve]\norder = [\"header_token\", \"send_log\"]\n");
    let config = config.to_str().unwrap_or("");
    let o = env.run("t.db", &["--config", config, "ingest", "--json", mbox.to_str().unwrap_or("")]);
    let s: IngestSummary = last_json(&o);
    assert!(s.unresolved > 10, "{s:?}");
    let u: Unresolved = last_json(&env.run("t.db", &["unresolved", "--json"]));
    assert_eq!(u.unresolved, s.unresolved);
    let o = env.run("t.db", &["--config", config, "import", "sends", "--json", sends.to_str().unwrap_or("")]);
    let i: ImportSummary = last_json(&o);
    assert_eq!((i.rows, i.new, i.resolved), (400, 400, s.unresolved));
    let u: Unresolved = last_json(&env.run("t.db", &["unresolved", "--json"]));
    assert_eq!(u.unresolved, 0);
    let first: Reparsed = last_json(&env.run("t.db", &["--config", config, "reparse", "--json"]));
    let second: Reparsed = last_json(&env.run("t.db", &["--config", config, "reparse", "--json"]));
    assert_eq!(first, second);
    assert_eq!((first.messages, first.reparsed, first.unresolved), (400, 400, 0));
    assert_eq!(first.events, s.events + s.unresolved);
}

#[test]
fn sisimai_corpus_twice_adds_nothing_the_second_time() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/sisimai");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is not here", corpus.display());
        return;
    }
    let env = Env::new();
    let (first, _) = ingest(&env, "s.db", &[&corpus]);
    assert!(first.new > 500, "{first:?}");
    let (second, _) = ingest(&env, "s.db", &[&corpus]);
    assert_eq!((second.new, second.duplicates, second.events), (0, first.messages, 0));
}
