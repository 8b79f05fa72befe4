//! Passwords and OAuth2 tokens: read from an environment variable, a file or a command, held in
//! a type whose `Debug` prints `***`, and never put into an error or a log line.

use std::fmt;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::error::{ImapError, Stage};
use crate::config::{AuthMethod, ImapAccount};

/// A password or token. Only [`Secret::expose`] gives the text, at the moment it is sent.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: String) -> Secret {
        Secret(text)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How the account logs in, with its secret read.
#[derive(Debug, Clone)]
pub enum Credentials {
    Login { username: String, password: Secret },
    XOAuth2 { username: String, token: Secret },
}

/// Reads the password (or runs the token command) for `account`. Called once per connection,
/// so a token command can hand out a fresh token on every reconnect.
pub fn credentials(account: &ImapAccount) -> Result<Credentials, ImapError> {
    let fail = |detail: String| ImapError::new(&account.name, Stage::Secret, detail);
    let timeout = Duration::from_secs(account.timeout_secs);
    match account.auth {
        AuthMethod::Xoauth2 => {
            let command = account.token_command.as_deref().ok_or_else(|| fail("no token_command".to_owned()))?;
            let token = run_secret_command(command, timeout).map_err(|e| fail(format!("token_command {e}")))?;
            Ok(Credentials::XOAuth2 { username: account.username.clone(), token })
        }
        AuthMethod::Login => {
            let password = if let Some(var) = &account.password_env {
                match std::env::var(var) {
                    Ok(value) if !value.is_empty() => Secret(value),
                    Ok(_) => return Err(fail(format!("password_env: environment variable {var} is empty"))),
                    Err(_) => return Err(fail(format!("password_env: environment variable {var} is not set"))),
                }
            } else if let Some(path) = &account.password_file {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| fail(format!("password_file {}: {e}", path.display())))?;
                let text = text.trim_end_matches(['\r', '\n']);
                if text.is_empty() {
                    return Err(fail(format!("password_file {} is empty", path.display())));
                }
                Secret(text.to_owned())
            } else if let Some(command) = &account.password_command {
                run_secret_command(command, timeout).map_err(|e| fail(format!("password_command {e}")))?
            } else {
                return Err(fail("no password_env, password_file or password_command".to_owned()));
            };
            Ok(Credentials::Login { username: account.username.clone(), password })
        }
    }
}

/// Runs `sh -c command`; its standard output, trimmed, is the secret. Standard error goes to
/// ours (it is the command's own diagnostics); on failure only the exit status is reported,
/// never what the command printed.
fn run_secret_command(command: &str, timeout: Duration) -> Result<Secret, String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("could not be started: {e}"))?;
    let mut stdout = child.stdout.take().ok_or("could not be started: no stdout")?;
    // Read on a thread so a command that never ends can be killed after the timeout.
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("did not finish within {} s and was killed", timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("could not be waited for: {e}")),
        }
    };
    let out = reader
        .join()
        .map_err(|_| "output could not be read".to_owned())?
        .map_err(|e| format!("output could not be read: {e}"))?;
    if !status.success() {
        return Err(match status.code() {
            Some(code) => format!("failed with exit status {code}"),
            None => "was killed by a signal".to_owned(),
        });
    }
    let text = String::from_utf8(out).map_err(|_| "printed something that is not UTF-8".to_owned())?;
    let text = text.trim();
    if text.is_empty() {
        return Err("printed nothing".to_owned());
    }
    Ok(Secret(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn account(extra: &str) -> ImapAccount {
        let config = Config::from_toml(&format!(
            "[[imap]]\nname = \"jmrp\"\nhost = \"imap.example.com\"\nusername = \"fbl\"\n{extra}"
        ))
        .unwrap();
        config.imap.into_iter().next().unwrap()
    }

    #[test]
    fn debug_hides_the_secret() {
        let c = Credentials::Login { username: "fbl".to_owned(), password: Secret("hunter2".to_owned()) };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }

    #[test]
    fn command_output_is_trimmed() {
        let Credentials::Login { password, .. } =
            credentials(&account("password_command = \"printf '  s3cret \\\\n'\"")).unwrap()
        else {
            panic!("login expected")
        };
        assert_eq!(password.expose(), "s3cret");
    }

    #[test]
    fn failing_command_reports_status_not_output() {
        let err = credentials(&account("password_command = \"echo leaked-secret; exit 3\"")).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("account jmrp: cannot read the secret: password_command"), "{text}");
        assert!(text.contains("exit status 3"), "{text}");
        assert!(!text.contains("leaked-secret"), "{text}");
    }

    #[test]
    fn token_command_for_xoauth2() {
        let creds = credentials(&account("auth = \"xoauth2\"\ntoken_command = \"echo ya29.token\"")).unwrap();
        match creds {
            Credentials::XOAuth2 { username, token } => {
                assert_eq!(username, "fbl");
                assert_eq!(token.expose(), "ya29.token");
            }
            other => panic!("{other:?}"),
        }
        let err = credentials(&account("auth = \"xoauth2\"\ntoken_command = \"true\"")).unwrap_err();
        assert!(err.to_string().contains("token_command printed nothing"), "{err}");
    }

    #[test]
    fn password_file_and_missing_env() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw");
        std::fs::write(&path, "from-file\n").unwrap();
        let creds = credentials(&account(&format!("password_file = {:?}", path.to_str().unwrap()))).unwrap();
        let Credentials::Login { password, .. } = creds else { panic!("login expected") };
        assert_eq!(password.expose(), "from-file");

        let err = credentials(&account("password_env = \"LISTHYGIENE_TEST_SURELY_UNSET_VAR\"")).unwrap_err();
        assert!(err.to_string().contains("LISTHYGIENE_TEST_SURELY_UNSET_VAR is not set"), "{err}");
        assert!(err.is_permanent());
    }
}
