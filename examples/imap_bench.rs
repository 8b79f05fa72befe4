//! The IMAP benchmark (docs/benchmarks.md): loads N messages (default 10,000) into a throwaway
//! Dovecot, times a bare `UID FETCH 1:* (BODY.PEEK[])` with the imap crate over the same TLS
//! stack, then `listhygiene poll`, then a second `poll` with nothing new.
//!
//!     cargo build --release && cargo run --release --example imap_bench -- target/release/listhygiene [N]
//!
//! Needs the test Dovecot (tests/support/dovecot.sh installs it as root via apt).

#[path = "../tests/imap/dovecot.rs"]
#[allow(dead_code)]
mod dovecot;
#[path = "../tests/imap/messages.rs"]
#[allow(dead_code)]
mod messages;

use std::process::Command;
use std::time::Instant;

use listhygiene::config::Config;

fn main() {
    let mut args = std::env::args().skip(1);
    let binary = args.next().expect("usage: imap_bench PATH/TO/listhygiene [COUNT]");
    let count: usize = args.next().map(|n| n.parse().expect("COUNT")).unwrap_or(10_000);
    let d = dovecot::Dovecot::private().expect("LISTHYGIENE_SKIP_IMAP_TESTS is set");
    let work = tempfile::tempdir().expect("tempdir");
    let user = "bench";

    // 45 % bounces, 45 % complaints, 10 % ordinary mail.
    let start = Instant::now();
    let all: Vec<Vec<u8>> = (0..count)
        .map(|i| match i % 20 {
            0 | 1 => messages::ordinary(i),
            x if x % 2 == 0 => messages::bounce(i),
            _ => messages::complaint(i),
        })
        .collect();
    let total_bytes: usize = all.iter().map(Vec::len).sum();
    // The same messages as files, to time `ingest` of them: what the store alone costs.
    let files = work.path().join("files");
    std::fs::create_dir(&files).unwrap();
    for (i, m) in all.iter().enumerate() {
        std::fs::write(files.join(format!("{i:06}.eml")), m).unwrap();
    }
    d.write_inbox(user, all);
    eprintln!("wrote {count} messages ({total_bytes} bytes) in {:.2?}", start.elapsed());

    let toml = format!(
        "[[imap]]\nname = \"bench\"\nhost = \"localhost\"\nport = {}\ntls = \"implicit\"\nusername = \"{user}\"\n\
         password_env = \"BENCH_IMAP_PASSWORD\"\nca_file = {:?}\nafter = \"seen\"\n{}",
        d.tls_port,
        d.ca_file.to_str().unwrap(),
        std::env::var("BENCH_EXTRA").unwrap_or_default()
    );
    let config_path = work.path().join("listhygiene.toml");
    std::fs::write(&config_path, &toml).unwrap();
    let account = Config::from_toml(&toml).unwrap().imap.remove(0);

    // Let Dovecot index the new Maildir files first, so neither measurement pays for that.
    let start = Instant::now();
    let mut s = d.session(user);
    let mailbox = s.select("INBOX").unwrap();
    assert_eq!(mailbox.exists as usize, count);
    s.logout().ok();
    eprintln!("first SELECT (Dovecot indexing) {:.2?}", start.elapsed());

    // Bare fetch: same TLS stream, one UID FETCH 1:* (BODY.PEEK[]).
    let machine_before = machine_busy_seconds();
    let cpu_before = own_cpu_seconds();
    let start = Instant::now();
    let client = listhygiene::source::imap::stream::connect(&account, None).unwrap();
    let mut session = client.login(user, &d.password).map_err(|e| e.0).unwrap();
    session.select("INBOX").unwrap();
    let fetches = session.uid_fetch("1:*", "(UID BODY.PEEK[])").unwrap();
    let fetched: usize = fetches.iter().filter_map(|f| f.body()).map(<[u8]>::len).sum();
    let n = fetches.len();
    drop(fetches);
    session.logout().ok();
    let bare = start.elapsed().as_secs_f64();
    let bare_cpu = own_cpu_seconds() - cpu_before;
    let bare_machine = machine_busy_seconds() - machine_before;
    assert_eq!(n, count);
    assert_eq!(fetched, total_bytes);

    println!("messages: {count} ({:.1} MB)", total_bytes as f64 / 1e6);
    println!(
        "bare UID FETCH 1:* BODY.PEEK[]: {bare:.2} s ({:.0} msg/s, {bare_cpu:.2} s CPU in the client, {bare_machine:.2} s with Dovecot's)",
        count as f64 / bare
    );
    if binary == "-" {
        return;
    }
    let db = work.path().join("bench.db");
    let poll = |label: &str| -> (f64, f64, String) {
        let machine_before = machine_busy_seconds();
        let start = Instant::now();
        let out = timed(&binary)
            .arg("--db")
            .arg(&db)
            .arg("--config")
            .arg(&config_path)
            .args(["poll", "--json"])
            .env("BENCH_IMAP_PASSWORD", &d.password)
            .env("LISTHYGIENE_LOG", std::env::var("BENCH_LOG").unwrap_or_default())
            .output()
            .expect("run listhygiene");
        let secs = start.elapsed().as_secs_f64();
        let machine = machine_busy_seconds() - machine_before;
        if let Some(line) = String::from_utf8_lossy(&out.stderr).lines().rev().find(|l| l.starts_with("rusage:")) {
            eprintln!("{label}: {line}");
        }
        if std::env::var_os("BENCH_LOG").is_some() {
            eprintln!("--- {label} stderr:\n{}", String::from_utf8_lossy(&out.stderr));
        }
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "{label}: {}\n{stdout}", String::from_utf8_lossy(&out.stderr));
        (secs, machine, stdout.lines().last().unwrap_or("").to_owned())
    };
    let start = Instant::now();
    let out = timed(&binary)
        .arg("-q")
        .arg("--db")
        .arg(work.path().join("ingest.db"))
        .args(["ingest", "--json"])
        .arg(&files)
        .output()
        .expect("run listhygiene ingest");
    let ingest = start.elapsed().as_secs_f64();
    // Exit 1 is expected: ingest counts the ordinary (unparsed) messages as failures.
    assert!(matches!(out.status.code(), Some(0 | 1)), "ingest: {}", String::from_utf8_lossy(&out.stderr));
    if let Some(line) = String::from_utf8_lossy(&out.stderr).lines().rev().find(|l| l.starts_with("rusage:")) {
        eprintln!("ingest: {line}");
    }
    let (first, first_machine, summary1) = poll("first poll");
    let (second, _, summary2) = poll("second poll");
    let seen = d.flags(user, "INBOX").iter().filter(|(_, seen)| *seen).count();

    println!("poll: {first:.2} s ({:.0} msg/s, {:.2}x the bare fetch)", count as f64 / first, first / bare);
    // Every core busy the whole time is the fastest `poll` could be with the work it did.
    let cores = std::thread::available_parallelism().map_or(1, usize::from) as f64;
    println!(
        "poll: machine CPU busy {first_machine:.2} s (listhygiene and Dovecot), so at best {:.2} s on {cores} cores ({:.2}x the bare fetch)",
        first_machine / cores,
        first_machine / cores / bare
    );
    println!("second poll (nothing new): {second:.2} s");
    println!("ingest of the same messages from files (store alone): {ingest:.2} s ({:.0} msg/s)", count as f64 / ingest);
    println!("reports marked \\Seen: {seen}");
    println!("first poll summary: {summary1}");
    println!("second poll summary: {summary2}");
}

/// The command, under GNU time when BENCH_TIME is set (CPU seconds on stderr, `rusage:` line).
fn timed(binary: &str) -> Command {
    if std::env::var_os("BENCH_TIME").is_some() {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "rusage: %e s wall, %U s user, %S s system, %P CPU, %M KB max RSS", binary]);
        c
    } else {
        Command::new(binary)
    }
}

/// CPU seconds the whole machine has spent busy (not idle, not waiting for I/O) since boot,
/// from /proc/stat (100 ticks/s): on a quiet machine, this process, listhygiene and Dovecot.
fn machine_busy_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<f64> = stat.lines().next().unwrap_or("").split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal: all but idle and iowait are busy.
    let busy: f64 = [0, 1, 2, 5, 6, 7].iter().filter_map(|&i| ticks.get(i)).sum();
    busy / 100.0
}

/// User + system CPU seconds of this process so far (from /proc/self/stat, 100 ticks/s).
fn own_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
