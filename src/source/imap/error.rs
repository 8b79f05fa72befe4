//! The one error type of the IMAP edge. Every error names the account (and the folder when
//! there is one) and what was being done; none carries a password or a token.

use std::fmt;

/// What was being done when an IMAP operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the password or token.
    Secret,
    /// TCP connect, or the server's greeting.
    Connect,
    /// TLS setup or handshake (including certificate verification).
    Tls,
    Login,
    Select,
    Fetch,
    /// Applying `after` or `other_to` on the server.
    After,
    Idle,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Secret => "cannot read the secret",
            Stage::Connect => "cannot connect",
            Stage::Tls => "TLS failed",
            Stage::Login => "login failed",
            Stage::Select => "cannot open folder",
            Stage::Fetch => "fetch failed",
            Stage::After => "cannot apply the after-action",
            Stage::Idle => "IDLE failed",
        })
    }
}

/// An IMAP failure: `account jmrp: login failed: [AUTHENTICATIONFAILED] Authentication failed.`
#[derive(Debug, thiserror::Error)]
pub struct ImapError {
    pub account: String,
    pub folder: Option<String>,
    pub stage: Stage,
    pub detail: String,
    /// The connection cannot be used any more (I/O error, timeout, BYE, garbled response), as
    /// opposed to a NO or BAD to one command.
    pub connection_broken: bool,
}

impl fmt::Display for ImapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "account {}", self.account)?;
        if let Some(folder) = &self.folder {
            write!(f, ", folder {folder}")?;
        }
        write!(f, ": {}: {}", self.stage, self.detail)
    }
}

impl ImapError {
    pub fn new(account: &str, stage: Stage, detail: impl Into<String>) -> ImapError {
        ImapError { account: account.to_owned(), folder: None, stage, detail: detail.into(), connection_broken: false }
    }

    /// From an `imap` crate error, with `what` (may be empty) saying what was being done.
    pub fn from_imap(account: &str, stage: Stage, what: &str, error: &imap::Error) -> ImapError {
        let detail = if what.is_empty() { describe(error) } else { format!("{what}: {}", describe(error)) };
        let broken = !matches!(error, imap::Error::No(_) | imap::Error::Bad(_) | imap::Error::Validate(_));
        ImapError { connection_broken: broken, ..ImapError::new(account, stage, detail) }
    }

    /// Marks the connection as unusable.
    pub fn broken(mut self) -> ImapError {
        self.connection_broken = true;
        self
    }

    pub fn in_folder(mut self, folder: &str) -> ImapError {
        self.folder = Some(folder.to_owned());
        self
    }

    /// True when retrying cannot help without a change by the user (a secret that cannot be
    /// read, a certificate that does not verify, a rejected login).
    pub fn is_permanent(&self) -> bool {
        matches!(self.stage, Stage::Secret | Stage::Tls | Stage::Login)
    }
}

/// Describes an `imap` crate error in words, without the request that caused it.
pub(crate) fn describe(error: &imap::Error) -> String {
    match error {
        imap::Error::Io(e) if matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) => {
            "timed out waiting for the server".to_owned()
        }
        imap::Error::Io(e) => e.to_string(),
        imap::Error::No(no) => with_code(&no.information, no.code.as_ref()),
        imap::Error::Bad(bad) => format!("server said BAD: {}", with_code(&bad.information, bad.code.as_ref())),
        imap::Error::Bye(bye) => format!("server closed the connection: {}", bye.information),
        imap::Error::ConnectionLost => "connection lost".to_owned(),
        imap::Error::Parse(e) => format!("cannot parse the server's response: {}", short(&e.to_string())),
        imap::Error::Validate(e) => e.to_string(),
        imap::Error::Unexpected(_) => "unexpected response from the server".to_owned(),
        other => short(&other.to_string()),
    }
}

fn with_code(information: &str, code: Option<&imap_proto::ResponseCode<'_>>) -> String {
    use imap_proto::ResponseCode as C;
    let code = match code {
        Some(C::Alert) => "[ALERT] ",
        Some(C::TryCreate) => "[TRYCREATE] ",
        Some(C::ReadOnly) => "[READ-ONLY] ",
        _ => "",
    };
    format!("{code}{}", short(information))
}

/// Server text can be long (a parse error quotes the whole response): keep the first line, cut.
fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.len() > 300 {
        let mut end = 300;
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &line[..end])
    } else {
        line.to_owned()
    }
}
