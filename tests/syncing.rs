//! `sync` on the shipped samples (twice: the second run adds nothing), its lock, its failure
//! exit status, and the Sisimai-corpus property: no address whose only evidence is a sender-side
//! refusal is exported; every hard-bounce and complaint address is.

use std::collections::BTreeSet;
use std::process::Stdio;

use crate::sandbox::{last_json, repo, stderr, Sandbox};

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A sandbox holding a copy of samples/, where `--config samples/listhygiene.toml` works.
fn with_samples() -> Sandbox {
    let s = Sandbox::new();
    copy_dir(&repo().join("samples"), &s.path("samples"));
    s
}

fn sync(s: &Sandbox) -> serde_json::Value {
    let mut c = s.command(&["--config", "samples/listhygiene.toml", "sync", "--json"]);
    c.env_remove("LISTHYGIENE_DB");
    let o = c.output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    last_json(&o)
}

#[test]
fn sync_on_the_samples_twice() {
    let s = with_samples();
    let first = sync(&s);
    assert_eq!(first["status"], "ok", "{first}");
    assert_eq!(first["messages"]["new"].as_u64(), Some(26));
    let score = &first["score"];
    for (rule, n) in [("hard-bounce", 6), ("complaint", 4), ("unsubscribe", 2), ("imported-suppression", 2), ("never-engaged", 7), ("inactive", 3), ("role-account", 4), ("invalid-address", 2)] {
        assert_eq!(score["by_rule"][rule].as_u64(), Some(n), "{rule}: {score}");
    }
    let ses = s.read("exports/ses-suppressions.csv");
    for present in ["lukas.meyer@outlook.com,COMPLAINT", "lena.fischer@yahoo.com,COMPLAINT", "a.rossi.1990@gmail.com,BOUNCE", "gone@defunct-isp.example,BOUNCE"] {
        assert!(ses.contains(present), "{present} missing from\n{ses}");
    }
    for absent in ["e.horvat@outlook.com", "n.schulz@hotmail.de", "d.kaplan@yahoo.com", "marco.bianchi77@gmail.com", "r.wagner@example.org"] {
        assert!(!ses.contains(absent), "{absent} (sender-side refusal only) was exported");
    }
    let delta = s.read("exports/ses-new.jsonl");
    assert_eq!(delta.lines().count(), 14);
    let second = sync(&s);
    assert_eq!(second["messages"]["new"].as_u64(), Some(0));
    assert!(second["imports"].as_array().unwrap().iter().all(|i| i["new"].as_u64() == Some(0)), "{second}");
    assert_eq!(second["score"]["changes"].as_u64(), Some(0));
    assert_eq!(s.read("exports/ses-suppressions.csv"), ses, "the same export again");
    assert_eq!(s.read("exports/ses-new.jsonl"), "", "nothing new since the last sync");
    let line = String::from_utf8(s.command(&["--config", "samples/listhygiene.toml", "sync"]).env_remove("LISTHYGIENE_DB").output().unwrap().stdout).unwrap();
    assert_eq!(line.lines().count(), 1, "one summary line: {line}");
    assert!(line.starts_with("sync ok: "), "{line}");
}

#[test]
fn a_failing_source_fails_the_sync_but_the_rest_runs() {
    let s = Sandbox::new();
    s.file("bad.csv", "email,type,time\na@x.example,teleported,2026-01-01\n");
    s.file("s.csv", "a@x.example,COMPLAINT\n");
    let config = s.file(
        "c.toml",
        "[[sources]]\nkind = \"engagement\"\npath = \"bad.csv\"\n[[sources]]\nkind = \"suppressions\"\nfrom = \"ses\"\npath = \"s.csv\"\n\
         [[sources]]\npath = \"missing-maildir\"\n[[imap]]\nname = \"fbl\"\nhost = \"127.0.0.1\"\nport = 1\ntimeout_secs = 5\nusername = \"u\"\npassword_env = \"LH_TEST_UNSET\"\n\
         [[export]]\nname = \"x\"\nformat = \"plain\"\npath = \"out/x.txt\"\n",
    );
    let o = s.run(&["--config", &config, "sync", "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let j = last_json(&o);
    assert_eq!(j["status"], "failed");
    let failures: Vec<String> = j["failures"].as_array().unwrap().iter().map(|f| f.as_str().unwrap_or("").to_owned()).collect();
    assert_eq!(failures.len(), 3, "{failures:?}");
    assert!(failures.iter().any(|f| f.contains("bad.csv") && f.contains("1 bad rows")), "{failures:?}");
    assert!(failures.iter().any(|f| f.contains("missing-maildir")), "{failures:?}");
    assert!(failures.iter().any(|f| f.contains("[[imap]] fbl")), "{failures:?}");
    assert_eq!(s.read("out/x.txt"), "a@x.example\n", "scoring and exports still ran");
}

#[test]
fn a_second_sync_steps_aside_while_one_runs() {
    let s = Sandbox::new();
    // Hold the lock the way a running sync does.
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(s.path("test.db.sync.lock")).unwrap();
    lock.try_lock().unwrap();
    let o = s.command(&["sync", "--json"]).stdin(Stdio::null()).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(last_json(&o)["status"], "skipped");
    assert!(!s.path("test.db").exists(), "a sync that stepped aside does not touch the database");
    drop(lock);
    let o = s.run(&["sync", "--json"]);
    assert_eq!(last_json(&o)["status"], "ok");
}

#[test]
fn sisimai_corpus_sender_refusals_are_never_exported() {
    let corpus = repo().join("../shared/corpus/sisimai");
    if !corpus.is_dir() {
        eprintln!("note: {} is absent; the Sisimai-corpus property was not checked", corpus.display());
        return;
    }
    let s = Sandbox::new();
    let o = s.run(&["ingest", "--json", corpus.to_str().unwrap_or("")]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    s.ok(&["score"]);
    let exported: BTreeSet<String> = s.ok(&["export", "--format", "plain"]).lines().map(str::to_owned).collect();
    let addresses = |sql: &str| -> BTreeSet<String> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let store = listhygiene::store::Store::open(&s.path("test.db"), &Default::default()).await.unwrap();
            let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_all(store.pool()).await.unwrap();
            store.close().await;
            rows.into_iter().collect()
        })
    };
    let must = addresses("select distinct lower(address) from events where class in ('hard', 'complaint')");
    let sender_only = addresses(
        "select distinct lower(address) from events group by lower(address) having sum(class = 'sender') > 0 and sum(class <> 'sender') = 0",
    );
    assert!(!must.is_empty() && !sender_only.is_empty(), "the corpus gave {} hard/complaint and {} sender-only addresses", must.len(), sender_only.len());
    let missing: Vec<_> = must.difference(&exported).collect();
    assert!(missing.is_empty(), "hard-bounce or complaint addresses not exported: {missing:?}");
    let wrongly: Vec<_> = sender_only.intersection(&exported).collect();
    assert!(wrongly.is_empty(), "sender-side-only addresses exported: {wrongly:?}");
    eprintln!("sisimai: {} hard/complaint addresses exported, {} sender-only addresses not", must.len(), sender_only.len());
}
