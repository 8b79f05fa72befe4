//! One logged-in IMAP connection on its own thread. The caller sends commands and gets a
//! [`Ticket`] for each reply; commands run in the order sent. Sending the next `fetch` before
//! storing the batch in hand is what overlaps the network with the database.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use imap::Session;
use imap::extensions::idle::WaitOutcome;

use super::error::{ImapError, Stage};
use super::session::{self, Actions, FetchedBatch, Selected, ServerCaps};
use super::stream::{self, ImapStream};
use super::uidset::Listed;
use super::secret;
use crate::config::ImapAccount;

/// How an IDLE wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleOutcome {
    /// The server reported a change (new mail, expunge, flags).
    Changed,
    /// The wait lasted its full length.
    TimedOut,
    /// The stop flag was raised (SIGINT/SIGTERM).
    Stopped,
}

type Reply<T> = Sender<Result<T, ImapError>>;

enum Command {
    Select { folder: String, reply: Reply<Selected> },
    List { selected: Selected, after_uid: u32, upto: Option<u32>, reply: Reply<Vec<Listed>> },
    Fetch { folder: String, uids: Vec<u32>, reply: Reply<FetchedBatch> },
    EnsureFolder { folder: String, reply: Reply<()> },
    Apply { folder: String, actions: Actions, reply: Reply<()> },
    Idle { limit: Duration, reply: Reply<IdleOutcome> },
    Noop { reply: Reply<()> },
}

/// The reply to one command, to be waited for when it is needed.
#[must_use = "a command's result must be checked"]
pub struct Ticket<T> {
    rx: Receiver<Result<T, ImapError>>,
    account: String,
}

impl<T> Ticket<T> {
    /// The reply if it has come, else the ticket back.
    pub fn try_wait(self) -> Result<Result<T, ImapError>, Ticket<T>> {
        match self.rx.try_recv() {
            Ok(result) => Ok(result),
            Err(mpsc::TryRecvError::Empty) => Err(self),
            Err(mpsc::TryRecvError::Disconnected) => Ok(Err(ImapError::new(
                &self.account,
                Stage::Fetch,
                "the connection thread ended unexpectedly",
            )
            .broken())),
        }
    }

    pub fn wait(self) -> Result<T, ImapError> {
        self.rx.recv().unwrap_or_else(|_| {
            Err(ImapError::new(&self.account, Stage::Fetch, "the connection thread ended unexpectedly"))
        })
    }
}

/// A logged-in connection running on its own thread. Dropping it logs out (unless the
/// connection already failed) and joins the thread.
pub struct Connection {
    account: String,
    caps: ServerCaps,
    commands: Option<Sender<Command>>,
    thread: Option<JoinHandle<()>>,
}

impl Connection {
    /// Reads the secret, connects, logs in and starts the connection's thread. `stop` ends
    /// IDLE waits early.
    pub fn open(account: &ImapAccount, stop: Arc<AtomicBool>) -> Result<Connection, ImapError> {
        let credentials = secret::credentials(account)?;
        let client = stream::connect(account, Some(Arc::clone(&stop)))?;
        let (session, caps) = session::login(client, &credentials, &account.name)?;
        drop(credentials);
        let (tx, rx) = mpsc::channel();
        let name = account.name.clone();
        let thread = std::thread::Builder::new()
            .name(format!("imap-{}", account.name))
            .spawn(move || serve(session, caps, &name, &stop, rx))
            .map_err(|e| ImapError::new(&account.name, Stage::Connect, format!("cannot start a thread: {e}")))?;
        Ok(Connection { account: account.name.clone(), caps, commands: Some(tx), thread: Some(thread) })
    }

    pub fn caps(&self) -> ServerCaps {
        self.caps
    }

    fn send<T>(&self, make: impl FnOnce(Reply<T>) -> Command) -> Ticket<T> {
        let (tx, rx) = mpsc::channel();
        if let Some(commands) = &self.commands {
            // If the thread is gone the reply sender is dropped and `wait` reports it.
            let _ = commands.send(make(tx));
        }
        Ticket { rx, account: self.account.clone() }
    }

    pub fn select(&self, folder: &str) -> Ticket<Selected> {
        self.send(|reply| Command::Select { folder: folder.to_owned(), reply })
    }

    /// The messages above `after_uid` in the selected folder.
    pub fn list(&self, selected: &Selected, after_uid: u32) -> Ticket<Vec<Listed>> {
        self.send(|reply| Command::List { selected: selected.clone(), after_uid, upto: None, reply })
    }

    /// The messages with UIDs in `after_uid+1 ..= upto` in the selected folder.
    pub fn list_range(&self, selected: &Selected, after_uid: u32, upto: u32) -> Ticket<Vec<Listed>> {
        self.send(|reply| Command::List { selected: selected.clone(), after_uid, upto: Some(upto), reply })
    }

    pub fn fetch(&self, folder: &str, uids: Vec<u32>) -> Ticket<FetchedBatch> {
        self.send(|reply| Command::Fetch { folder: folder.to_owned(), uids, reply })
    }

    pub fn ensure_folder(&self, folder: &str) -> Ticket<()> {
        self.send(|reply| Command::EnsureFolder { folder: folder.to_owned(), reply })
    }

    /// Applies actions in the selected folder (`folder` names it in errors).
    pub fn apply(&self, folder: &str, actions: Actions) -> Ticket<()> {
        self.send(|reply| Command::Apply { folder: folder.to_owned(), actions, reply })
    }

    /// IDLE in the selected folder for at most `limit` (the keep-alive period).
    pub fn idle(&self, limit: Duration) -> Ticket<IdleOutcome> {
        self.send(|reply| Command::Idle { limit, reply })
    }

    /// A NOOP: lets the server report new mail when there is no IDLE.
    pub fn noop(&self) -> Ticket<()> {
        self.send(|reply| Command::Noop { reply })
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        drop(self.commands.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    mut session: Session<ImapStream>,
    caps: ServerCaps,
    account: &str,
    stop: &AtomicBool,
    rx: Receiver<Command>,
) {
    // After a connection-level error every later command would fail the same way (or wait for
    // a timeout): answer them at once, and do not try to log out.
    let mut broken: Option<String> = None;
    for command in rx {
        if let Some(why) = &broken {
            fail_fast(command, account, why);
            continue;
        }
        let failed = match command {
            Command::Select { folder, reply } => send(reply, session::select(&mut session, account, &folder)),
            Command::List { selected, after_uid, upto, reply } => {
                send(reply, session::list_new(&mut session, account, &selected, after_uid, upto))
            }
            Command::Fetch { folder, uids, reply } => send(reply, session::fetch(&mut session, account, &folder, &uids)),
            Command::EnsureFolder { folder, reply } => send(reply, session::ensure_folder(&mut session, account, &folder)),
            Command::Apply { folder, actions, reply } => {
                send(reply, session::apply(&mut session, caps, account, &folder, &actions))
            }
            Command::Idle { limit, reply } => send(reply, idle(&mut session, account, stop, limit)),
            Command::Noop { reply } => send(
                reply,
                session.noop().map_err(|e| ImapError::from_imap(account, Stage::Idle, "NOOP", &e)),
            ),
        };
        if failed.is_some() {
            broken = failed;
        }
    }
    if broken.is_none() {
        let _ = session.logout();
    }
}

/// Sends the reply; returns whether it was an error that broke the connection.
fn send<T>(reply: Reply<T>, result: Result<T, ImapError>) -> Option<String> {
    let broken = match &result {
        Err(e) if e.connection_broken => Some(e.detail.clone()),
        _ => None,
    };
    let _ = reply.send(result);
    broken
}

fn fail_fast(command: Command, account: &str, why: &str) {
    let e = || {
        ImapError::new(account, Stage::Fetch, format!("connection unusable after an earlier error: {why}")).broken()
    };
    match command {
        Command::Select { reply, .. } => drop(reply.send(Err(e()))),
        Command::List { reply, .. } => drop(reply.send(Err(e()))),
        Command::Fetch { reply, .. } => drop(reply.send(Err(e()))),
        Command::EnsureFolder { reply, .. } | Command::Apply { reply, .. } | Command::Noop { reply } => {
            drop(reply.send(Err(e())))
        }
        Command::Idle { reply, .. } => drop(reply.send(Err(e()))),
    }
}

fn idle(session: &mut Session<ImapStream>, account: &str, stop: &AtomicBool, limit: Duration) -> Result<IdleOutcome, ImapError> {
    if stop.load(Ordering::Relaxed) {
        return Ok(IdleOutcome::Stopped);
    }
    // The imap crate panics (unreachable!) if a server answers IDLE with a tagged OK; a server
    // must not be able to crash us, so that case becomes an error too.
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let mut handle = session.idle();
        handle.timeout(limit).keepalive(false);
        handle.wait_while(imap::extensions::idle::stop_on_any)
    }));
    match outcome {
        Ok(Ok(WaitOutcome::MailboxChanged)) => Ok(IdleOutcome::Changed),
        Ok(Ok(WaitOutcome::TimedOut)) if stop.load(Ordering::Relaxed) => Ok(IdleOutcome::Stopped),
        Ok(Ok(WaitOutcome::TimedOut)) => Ok(IdleOutcome::TimedOut),
        Ok(Err(e)) => Err(ImapError::from_imap(account, Stage::Idle, "", &e)),
        Err(_) => Err(ImapError::new(account, Stage::Idle, "the server answered IDLE with a tagged response").broken()),
    }
}
