//! What `poll` does on an IMAP session: log in, open a folder, list what is new since a UID,
//! fetch a batch with `BODY.PEEK[]` (never setting `\Seen`), and apply the after-actions.
//! Generic over the stream, so tests can script the server's bytes.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use imap::{Client, Session};

use super::error::{ImapError, Stage, describe};
use super::secret::Credentials;
use super::uidset::{self, Listed};
use crate::config::After;

/// The server features that change what `poll` sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerCaps {
    pub idle: bool,
    /// RFC 6851 `MOVE`.
    pub move_: bool,
    /// RFC 4315 `UIDPLUS`, for `UID EXPUNGE` of exactly the messages processed.
    pub uidplus: bool,
}

/// The XOAUTH2 SASL exchange (Gmail, Microsoft 365): the first response carries the bearer
/// token; an error challenge (base64 JSON) is answered with an empty line, as the protocol
/// asks, so the server ends the exchange with NO.
struct XOAuth2<'a> {
    user: &'a str,
    token: &'a str,
}

impl imap::Authenticator for XOAuth2<'_> {
    type Response = String;

    fn process(&self, challenge: &[u8]) -> String {
        if challenge.is_empty() {
            format!("user={}\x01auth=Bearer {}\x01\x01", self.user, self.token)
        } else {
            String::new()
        }
    }
}

/// Logs in and reads the capabilities that matter.
pub fn login<T: Read + Write>(
    client: Client<T>,
    credentials: &Credentials,
    account: &str,
) -> Result<(Session<T>, ServerCaps), ImapError> {
    let result = match credentials {
        Credentials::Login { username, password } => client.login(username, password.expose()),
        Credentials::XOAuth2 { username, token } => {
            client.authenticate("XOAUTH2", &XOAuth2 { user: username, token: token.expose() })
        }
    };
    let mut session = result.map_err(|(e, _)| match e {
        imap::Error::Validate(_) => ImapError::new(account, Stage::Login, login_detail(&e)),
        e => ImapError::from_imap(account, Stage::Login, "", &e),
    })?;
    let caps = session.capabilities().map_err(|e| ImapError::from_imap(account, Stage::Login, "CAPABILITY", &e))?;
    let caps = ServerCaps { idle: caps.has_str("IDLE"), move_: caps.has_str("MOVE"), uidplus: caps.has_str("UIDPLUS") };
    Ok((session, caps))
}

fn login_detail(error: &imap::Error) -> String {
    match error {
        // The crate refuses a password with CR/LF before sending it; say so without the text.
        imap::Error::Validate(_) => "the user name or password contains a line break".to_owned(),
        other => describe(other),
    }
}

/// A selected folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    pub folder: String,
    pub uid_validity: u32,
    pub exists: u32,
    /// The UID the next message will get, when the server says.
    pub uid_next: Option<u32>,
}

pub fn select<T: Read + Write>(session: &mut Session<T>, account: &str, folder: &str) -> Result<Selected, ImapError> {
    let mailbox =
        session.select(folder).map_err(|e| ImapError::from_imap(account, Stage::Select, "", &e).in_folder(folder))?;
    let uid_validity = mailbox.uid_validity.ok_or_else(|| {
        ImapError::new(account, Stage::Select, "the server sent no UIDVALIDITY, so UIDs cannot be trusted")
            .in_folder(folder)
    })?;
    Ok(Selected { folder: folder.to_owned(), uid_validity, exists: mailbox.exists, uid_next: mailbox.uid_next })
}

/// The messages with a UID above `after_uid` (and not above `upto`, when given), ascending,
/// with their sizes.
pub fn list_new<T: Read + Write>(
    session: &mut Session<T>,
    account: &str,
    selected: &Selected,
    after_uid: u32,
    upto: Option<u32>,
) -> Result<Vec<Listed>, ImapError> {
    if selected.exists == 0 || after_uid == u32::MAX || upto.is_some_and(|u| u <= after_uid) {
        return Ok(Vec::new());
    }
    let end = upto.map_or_else(|| "*".to_owned(), |u| u.to_string());
    let fetches = session
        .uid_fetch(format!("{}:{end}", after_uid + 1), "(UID RFC822.SIZE)")
        .map_err(|e| ImapError::from_imap(account, Stage::Fetch, "", &e).in_folder(&selected.folder))?;
    // `N:*` also names the last message when N is above the highest UID: keep only new ones.
    let mut listed: Vec<Listed> = fetches
        .iter()
        .filter_map(|f| f.uid.map(|uid| Listed { uid, size: u64::from(f.size.unwrap_or(0)) }))
        .filter(|l| l.uid > after_uid && upto.is_none_or(|u| l.uid <= u))
        .collect();
    listed.sort_unstable_by_key(|l| l.uid);
    listed.dedup_by_key(|l| l.uid);
    Ok(listed)
}

/// One fetched message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub uid: u32,
    /// The server's INTERNALDATE (when the message arrived), unix seconds.
    pub internal_date: Option<i64>,
    pub bytes: Vec<u8>,
}

/// What a batch fetch gave: the messages, and the UIDs the server could not deliver (with why).
/// UIDs that simply are not there any more (expunged meanwhile) are in neither.
#[derive(Debug, Default)]
pub struct FetchedBatch {
    pub messages: Vec<Fetched>,
    pub failed: Vec<(u32, String)>,
}

/// Fetches the messages `uids` with `BODY.PEEK[]`. When the server refuses the whole command
/// (Dovecot answers NO when one message cannot be read), fetches one by one so a single bad
/// message does not stop the others. Connection-level errors are returned.
pub fn fetch<T: Read + Write>(
    session: &mut Session<T>,
    account: &str,
    folder: &str,
    uids: &[u32],
) -> Result<FetchedBatch, ImapError> {
    let mut out = FetchedBatch::default();
    if uids.is_empty() {
        return Ok(out);
    }
    match fetch_set(session, uids, &mut out.messages) {
        Ok(()) => {}
        Err(imap::Error::No(_)) if uids.len() > 1 => {
            out.messages.clear();
            for &uid in uids {
                match fetch_set(session, &[uid], &mut out.messages) {
                    Ok(()) => {}
                    Err(imap::Error::No(no)) => out.failed.push((uid, describe(&imap::Error::No(no)))),
                    Err(e) => return Err(ImapError::from_imap(account, Stage::Fetch, "", &e).in_folder(folder)),
                }
            }
        }
        Err(imap::Error::No(no)) => out.failed.push((uids[0], describe(&imap::Error::No(no)))),
        Err(e) => return Err(ImapError::from_imap(account, Stage::Fetch, "", &e).in_folder(folder)),
    }
    out.messages.sort_unstable_by_key(|m| m.uid);
    out.messages.dedup_by_key(|m| m.uid);
    Ok(out)
}

fn fetch_set<T: Read + Write>(session: &mut Session<T>, uids: &[u32], into: &mut Vec<Fetched>) -> imap::Result<()> {
    let wanted: std::collections::HashSet<u32> = uids.iter().copied().collect();
    let fetches = session.uid_fetch(uidset::format(uids), "(UID INTERNALDATE BODY.PEEK[])")?;
    for f in fetches.iter() {
        // Unsolicited FETCH responses (flag changes by another client) carry no body.
        if let (Some(uid), Some(body)) = (f.uid, f.body())
            && wanted.contains(&uid)
        {
            into.push(Fetched { uid, internal_date: f.internal_date().map(|d| d.timestamp()), bytes: body.to_vec() });
        }
    }
    Ok(())
}

/// What to do on the server with the messages of one committed batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actions {
    pub seen: Vec<u32>,
    /// Target folder → UIDs.
    pub moves: BTreeMap<String, Vec<u32>>,
    pub delete: Vec<u32>,
}

impl Actions {
    /// Plans the actions for messages given as (UID, is it a report). Reports get `after`;
    /// other messages go to `other_to` when set and are otherwise left exactly as they were.
    pub fn plan(after: &After, other_to: Option<&str>, messages: impl IntoIterator<Item = (u32, bool)>) -> Actions {
        let mut actions = Actions::default();
        for (uid, is_report) in messages {
            if is_report {
                match after {
                    After::Seen => actions.seen.push(uid),
                    After::Move(folder) => actions.moves.entry(folder.clone()).or_default().push(uid),
                    After::Delete => actions.delete.push(uid),
                    After::Leave => {}
                }
            } else if let Some(folder) = other_to {
                actions.moves.entry(folder.to_owned()).or_default().push(uid);
            }
        }
        actions
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty() && self.delete.is_empty() && self.moves.values().all(Vec::is_empty)
    }

    /// Folders that must exist for these actions.
    pub fn targets(&self) -> impl Iterator<Item = &str> {
        self.moves.iter().filter(|(_, uids)| !uids.is_empty()).map(|(f, _)| f.as_str())
    }
}

/// Makes sure `folder` exists (for `move:` and `other_to`), creating it if needed.
pub fn ensure_folder<T: Read + Write>(session: &mut Session<T>, account: &str, folder: &str) -> Result<(), ImapError> {
    if session.status(folder, "(UIDVALIDITY)").is_ok() {
        return Ok(());
    }
    match session.create(folder) {
        Ok(()) => Ok(()),
        // Someone else created it meanwhile: fine if it is there now.
        Err(e) if session.status(folder, "(UIDVALIDITY)").is_ok() => {
            tracing::debug!(account, folder, "CREATE said {} but the folder exists", describe(&e));
            Ok(())
        }
        Err(e) => Err(ImapError::from_imap(account, Stage::After, &format!("cannot create folder {folder}"), &e)),
    }
}

/// Applies `actions` in the selected folder. Moves use `UID MOVE` where the server has MOVE,
/// else `UID COPY` + `\Deleted` + `UID EXPUNGE` (UIDPLUS); without UIDPLUS the copies are left
/// flagged `\Deleted` rather than expunging anything this run did not process. Every step is
/// idempotent, so re-applying after a crash is safe.
pub fn apply<T: Read + Write>(
    session: &mut Session<T>,
    caps: ServerCaps,
    account: &str,
    folder: &str,
    actions: &Actions,
) -> Result<(), ImapError> {
    let err = |what: &str, e: imap::Error| ImapError::from_imap(account, Stage::After, what, &e).in_folder(folder);
    if !actions.seen.is_empty() {
        session.uid_store(uidset::format(&actions.seen), "+FLAGS.SILENT (\\Seen)").map_err(|e| err("marking seen", e))?;
    }
    for (target, uids) in &actions.moves {
        if uids.is_empty() {
            continue;
        }
        let set = uidset::format(uids);
        if caps.move_ {
            session.uid_mv(&set, target).map_err(|e| err(&format!("moving to {target}"), e))?;
        } else {
            // Unlike uid_mv, the crate's uid_copy does not quote the mailbox name.
            session.uid_copy(&set, quote(target)).map_err(|e| err(&format!("copying to {target}"), e))?;
            remove(session, caps, &set).map_err(|e| err("removing the moved originals", e))?;
        }
    }
    if !actions.delete.is_empty() {
        remove(session, caps, &uidset::format(&actions.delete)).map_err(|e| err("deleting", e))?;
    }
    Ok(())
}

/// An IMAP quoted string. Folder names with CR, LF or NUL are refused by the configuration.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

fn remove<T: Read + Write>(session: &mut Session<T>, caps: ServerCaps, set: &str) -> imap::Result<()> {
    session.uid_store(set, "+FLAGS.SILENT (\\Deleted)")?;
    if caps.uidplus {
        session.uid_expunge(set)?;
    } else {
        tracing::warn!("the server has no UIDPLUS: messages are flagged \\Deleted but not expunged");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::imap::mock::MockStream;
    use crate::source::imap::secret::Secret;

    fn session(server: &str) -> Session<MockStream> {
        let creds = Credentials::Login { username: "u".into(), password: Secret::new("p".into()) };
        // login + capability, then the scripted responses for the test
        let script = format!("a1 OK logged in\r\n* CAPABILITY IMAP4rev1 IDLE MOVE UIDPLUS\r\na2 OK done\r\n{server}");
        let client = Client::new(MockStream::new(script.as_bytes()));
        let (session, caps) = login(client, &creds, "t").unwrap();
        assert_eq!(caps, ServerCaps { idle: true, move_: true, uidplus: true });
        session
    }

    #[test]
    fn xoauth2_sends_the_bearer_token() {
        let server = "+ \r\na1 OK authenticated\r\n* CAPABILITY IMAP4rev1\r\na2 OK done\r\n";
        let stream = MockStream::new(server.as_bytes());
        let written = stream.written();
        let creds = Credentials::XOAuth2 { username: "fbl@example.com".into(), token: Secret::new("ya29.tok".into()) };
        let (_, caps) = login(Client::new(stream), &creds, "o365").unwrap();
        assert_eq!(caps, ServerCaps::default());
        let sent = String::from_utf8(written.lock().unwrap().clone()).unwrap();
        use base64::Engine;
        let expected = base64::engine::general_purpose::STANDARD.encode("user=fbl@example.com\x01auth=Bearer ya29.tok\x01\x01");
        assert_eq!(sent, format!("a1 AUTHENTICATE XOAUTH2\r\n{expected}\r\na2 CAPABILITY\r\n"));
    }

    #[test]
    fn xoauth2_error_challenge_is_answered_empty() {
        let server = "+ \r\n+ eyJzdGF0dXMiOiI0MDEifQ==\r\na1 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n";
        let stream = MockStream::new(server.as_bytes());
        let written = stream.written();
        let creds = Credentials::XOAuth2 { username: "u".into(), token: Secret::new("expired-token".into()) };
        let err = login(Client::new(stream), &creds, "o365").unwrap_err();
        assert_eq!(err.to_string(), "account o365: login failed: [AUTHENTICATIONFAILED] Invalid credentials");
        let sent = String::from_utf8(written.lock().unwrap().clone()).unwrap();
        assert!(sent.ends_with("\r\n\r\n"), "{sent:?}");
    }

    #[test]
    fn wrong_password_names_the_account_not_the_password() {
        let stream = MockStream::new(b"a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
        let creds = Credentials::Login { username: "fbl".into(), password: Secret::new("hunter2".into()) };
        let err = login(Client::new(stream), &creds, "jmrp").unwrap_err();
        assert_eq!(err.to_string(), "account jmrp: login failed: [AUTHENTICATIONFAILED] Authentication failed.");
        assert!(err.is_permanent());
    }

    #[test]
    fn password_with_a_line_break_is_refused_without_showing_it() {
        let stream = MockStream::new(b"");
        let written = stream.written();
        let creds = Credentials::Login { username: "fbl".into(), password: Secret::new("hunt\r\ner2".into()) };
        let err = login(Client::new(stream), &creds, "jmrp").unwrap_err();
        assert_eq!(err.to_string(), "account jmrp: login failed: the user name or password contains a line break");
        assert!(written.lock().unwrap().is_empty(), "nothing may be sent");
    }

    #[test]
    fn list_new_drops_the_star_echo() {
        // `UID FETCH 8:*` when the highest UID is 7 still answers with UID 7.
        let mut s = session("* 3 FETCH (UID 7 RFC822.SIZE 120)\r\na3 OK done\r\n");
        let selected = Selected { folder: "INBOX".into(), uid_validity: 1, exists: 3, uid_next: Some(8) };
        assert!(list_new(&mut s, "t", &selected, 7, None).unwrap().is_empty());
    }

    #[test]
    fn fetch_falls_back_to_one_by_one() {
        let server = concat!(
            "* 1 FETCH (UID 4 BODY[] {5}\r\nhello)\r\n",
            "a3 NO Some messages could not be FETCHed\r\n",
            "* 1 FETCH (UID 4 INTERNALDATE \"17-Nov-2026 10:00:00 +0000\" BODY[] {5}\r\nhello)\r\na4 OK done\r\n",
            "a5 NO Mail is corrupted\r\n",
            "* 3 FETCH (FLAGS (\\Seen))\r\n* 3 FETCH (UID 6 BODY[] {3}\r\nbye)\r\na6 OK done\r\n",
        );
        let mut s = session(server);
        let got = fetch(&mut s, "t", "INBOX", &[4, 5, 6]).unwrap();
        assert_eq!(
            got.messages,
            vec![
                Fetched { uid: 4, internal_date: Some(1794909600), bytes: b"hello".to_vec() },
                Fetched { uid: 6, internal_date: None, bytes: b"bye".to_vec() }
            ]
        );
        assert_eq!(got.failed, vec![(5, "Mail is corrupted".to_owned())]);
    }

    #[test]
    fn plan_reports_and_others() {
        let msgs = [(1, true), (2, false), (3, true)];
        assert_eq!(Actions::plan(&After::Seen, None, msgs), Actions { seen: vec![1, 3], ..Actions::default() });
        assert!(Actions::plan(&After::Leave, None, msgs).is_empty());
        let moved = Actions::plan(&After::Move("Done".into()), Some("Other"), msgs);
        assert_eq!(moved.moves.get("Done"), Some(&vec![1, 3]));
        assert_eq!(moved.moves.get("Other"), Some(&vec![2]));
        assert_eq!(moved.targets().collect::<Vec<_>>(), ["Done", "Other"]);
        assert_eq!(Actions::plan(&After::Delete, None, msgs).delete, vec![1, 3]);
    }

    #[test]
    fn move_without_move_capability_copies_and_expunges_only_those() {
        let creds = Credentials::Login { username: "u".into(), password: Secret::new("p".into()) };
        let script = b"a1 OK\r\n* CAPABILITY IMAP4rev1 UIDPLUS\r\na2 OK\r\na3 OK\r\na4 OK\r\na5 OK\r\n";
        let stream = MockStream::new(script);
        let written = stream.written();
        let (mut s, caps) = login(Client::new(stream), &creds, "t").unwrap();
        let actions = Actions::plan(&After::Move("Done".into()), None, [(3, true), (4, true)]);
        apply(&mut s, caps, "t", "INBOX", &actions).unwrap();
        let sent = String::from_utf8(written.lock().unwrap().clone()).unwrap();
        assert!(
            sent.ends_with("a3 UID COPY 3:4 \"Done\"\r\na4 UID STORE 3:4 +FLAGS.SILENT (\\Deleted)\r\na5 UID EXPUNGE 3:4\r\n"),
            "{sent}"
        );
    }
}
