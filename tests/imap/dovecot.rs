//! A real Dovecot for the tests, started by `tests/support/dovecot.sh` (which installs it as
//! root via apt when missing). If it cannot be started the test FAILS, naming the reason,
//! unless `LISTHYGIENE_SKIP_IMAP_TESTS=1` is set, in which case IMAP tests return early.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

pub const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/dovecot.sh");

/// A running test Dovecot. Every user name logs in with [`Dovecot::password`]; each test takes
/// its own user, and so its own mailboxes.
#[derive(Debug)]
pub struct Dovecot {
    dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
    pub port: u16,
    pub tls_port: u16,
    pub ca_file: PathBuf,
    pub password: String,
    pub config: PathBuf,
    mail_root: PathBuf,
    mail_uid: u32,
    mail_gid: u32,
}

/// True when the IMAP tests were explicitly switched off.
pub fn skipped() -> bool {
    if std::env::var("LISTHYGIENE_SKIP_IMAP_TESTS").is_ok_and(|v| v == "1") {
        eprintln!("IMAP test skipped: LISTHYGIENE_SKIP_IMAP_TESTS=1");
        true
    } else {
        false
    }
}

static SHARED: OnceLock<Dovecot> = OnceLock::new();
static NEXT_USER: AtomicUsize = AtomicUsize::new(0);
static NEXT_FILE: AtomicUsize = AtomicUsize::new(0);

impl Dovecot {
    /// The instance shared by the tests of this binary (started on first use, stopped when the
    /// test binary exits). `None` only when IMAP tests are skipped.
    pub fn shared() -> Option<&'static Dovecot> {
        if skipped() {
            return None;
        }
        Some(SHARED.get_or_init(|| {
            // A static is never dropped: the script's watcher stops it and deletes its
            // directory when this test binary exits.
            let dir = tempfile::tempdir().expect("tempdir").keep();
            Dovecot::run_start(&dir, true)
        }))
    }

    /// A private instance, for tests that kill or restart the server.
    pub fn private() -> Option<Dovecot> {
        if skipped() {
            return None;
        }
        Some(Dovecot::start_in(tempfile::tempdir().expect("tempdir")))
    }

    fn start_in(temp: tempfile::TempDir) -> Dovecot {
        let dir = temp.path().to_owned();
        let mut d = Dovecot::run_start(&dir, false);
        d._temp = Some(temp);
        d
    }

    /// Starts (or restarts, same ports and mail) the instance in `dir`. It is stopped when
    /// this process exits at the latest (and `dir` deleted then if `cleanup`).
    fn run_start(dir: &Path, cleanup: bool) -> Dovecot {
        let mut command = Command::new("bash");
        command.arg(SCRIPT).arg("start").arg(dir).arg("--owner").arg(std::process::id().to_string());
        if cleanup {
            command.arg("--cleanup");
        }
        let out = command
            .output()
            .unwrap_or_else(|e| panic!("cannot run {SCRIPT}: {e}"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || !stdout.contains("READY=1") {
            panic!(
                "the test Dovecot could not be started (set LISTHYGIENE_SKIP_IMAP_TESTS=1 to skip the IMAP tests \
                 explicitly)\n--- {SCRIPT} stdout:\n{stdout}\n--- stderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let get = |key: &str| -> String {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{key}=")))
                .unwrap_or_else(|| panic!("{SCRIPT} did not print {key}: {stdout}"))
                .to_owned()
        };
        Dovecot {
            dir: dir.to_owned(),
            _temp: None,
            port: get("IMAP_PORT").parse().expect("port"),
            tls_port: get("IMAPS_PORT").parse().expect("port"),
            ca_file: PathBuf::from(get("CA_FILE")),
            password: get("PASSWORD"),
            config: PathBuf::from(get("CONFIG")),
            mail_root: PathBuf::from(get("MAIL_ROOT")),
            mail_uid: get("MAIL_UID").parse().expect("uid"),
            mail_gid: get("MAIL_GID").parse().expect("gid"),
        }
    }

    /// A user name no other test uses.
    pub fn new_user(&self, prefix: &str) -> String {
        format!("{prefix}{}-{}", NEXT_USER.fetch_add(1, Ordering::Relaxed), std::process::id())
    }

    /// SIGKILLs the server and all its processes.
    pub fn kill(&self) {
        let status = Command::new("bash").arg(SCRIPT).arg("kill").arg(&self.dir).status().expect("run script");
        assert!(status.success(), "dovecot.sh kill failed");
    }

    /// Starts it again after [`Dovecot::kill`]: same ports, same mail.
    pub fn restart(&self) {
        let again = Dovecot::run_start(&self.dir, false);
        assert_eq!((again.port, again.tls_port), (self.port, self.tls_port), "restart must reuse the ports");
    }

    /// A logged-in session over plain text (loopback), for setting up and checking mailboxes.
    pub fn session(&self, user: &str) -> imap::Session<TcpStream> {
        let tcp = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to test Dovecot");
        tcp.set_read_timeout(Some(Duration::from_secs(60))).ok();
        let mut client = imap::Client::new(tcp);
        client.read_greeting().expect("greeting");
        client.login(user, &self.password).map_err(|e| e.0).expect("login to test Dovecot")
    }

    /// Appends messages to `folder` (created if missing) by IMAP APPEND.
    pub fn append(&self, user: &str, folder: &str, messages: &[Vec<u8>]) {
        let mut s = self.session(user);
        if folder != "INBOX" {
            let _ = s.create(folder);
        }
        for m in messages {
            s.append(folder, m).finish().expect("APPEND");
        }
        s.logout().ok();
    }

    /// Writes messages straight into the user's INBOX Maildir (`new/`): much faster than
    /// APPEND for thousands of messages. Dovecot picks them up on the next SELECT.
    pub fn write_inbox(&self, user: &str, messages: impl IntoIterator<Item = Vec<u8>>) -> usize {
        let home = self.mail_root.join(user);
        let maildir = home.join("Maildir");
        for dir in [home.clone(), maildir.clone(), maildir.join("cur"), maildir.join("new"), maildir.join("tmp")] {
            if !dir.exists() {
                std::fs::create_dir(&dir).expect("mkdir");
                self.chown(&dir);
            }
        }
        let mut count = 0;
        let pid = std::process::id();
        let time = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        for (i, bytes) in messages.into_iter().enumerate() {
            let seq = NEXT_FILE.fetch_add(1, Ordering::Relaxed);
            let name = format!("{time}.M{seq}_{i}P{pid}.test,S={}", bytes.len());
            let tmp = maildir.join("tmp").join(&name);
            std::fs::write(&tmp, &bytes).expect("write message");
            self.chown(&tmp);
            std::fs::rename(&tmp, maildir.join("new").join(&name)).expect("rename into new/");
            count += 1;
        }
        count
    }

    fn chown(&self, path: &Path) {
        // Only root can (and must) hand the files to the mail user.
        if self.mail_uid != current_uid() {
            std::os::unix::fs::chown(path, Some(self.mail_uid), Some(self.mail_gid)).expect("chown");
        }
    }

    /// UIDs in `folder` and whether each is \Seen, sorted by UID.
    pub fn flags(&self, user: &str, folder: &str) -> Vec<(u32, bool)> {
        let mut s = self.session(user);
        let mailbox = s.select(folder).expect("select");
        let mut out = Vec::new();
        if mailbox.exists > 0 {
            for f in s.fetch("1:*", "(UID FLAGS)").expect("fetch flags").iter() {
                let seen = f.flags().contains(&imap::types::Flag::Seen);
                out.push((f.uid.expect("uid"), seen));
            }
        }
        s.logout().ok();
        out.sort_unstable();
        out
    }

    /// How many messages `folder` holds (0 if it does not exist).
    pub fn count(&self, user: &str, folder: &str) -> u32 {
        let mut s = self.session(user);
        let n = s.examine(folder).map(|m| m.exists).unwrap_or(0);
        s.logout().ok();
        n
    }

    /// Gives `folder` a new UIDVALIDITY, as after a server migration; returns it.
    pub fn reset_uidvalidity(&self, user: &str, folder: &str) -> u32 {
        let mut s = self.session(user);
        let old = s.examine(folder).expect("examine").uid_validity.expect("UIDVALIDITY");
        s.logout().ok();
        let new = old.wrapping_add(1000).max(1);
        let out = Command::new("doveadm")
            .arg("-c")
            .arg(&self.config)
            .args(["mailbox", "update", "-u", user, "--uid-validity", &new.to_string(), folder])
            .output()
            .expect("run doveadm");
        assert!(out.status.success(), "doveadm mailbox update: {}", String::from_utf8_lossy(&out.stderr));
        let mut s = self.session(user);
        let now = s.examine(folder).expect("examine").uid_validity;
        s.logout().ok();
        assert_eq!(now, Some(new), "UIDVALIDITY did not change");
        new
    }
}

/// A private instance is killed before its directory is deleted (a Dovecot whose directory is
/// gone could no longer be stopped by the script).
impl Drop for Dovecot {
    fn drop(&mut self) {
        if self._temp.is_some() {
            let _ = Command::new("bash").arg(SCRIPT).arg("kill").arg(&self.dir).status();
        }
    }
}

fn current_uid() -> u32 {
    // /proc/self is ours; its owner is our uid.
    std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m)).unwrap_or(0)
}
