//! Configuration: built-in defaults, then the TOML file (`--config` / `LISTHYGIENE_CONFIG`),
//! then `LISTHYGIENE_*` environment variables, then flags. Resolved once, in `cli`, and passed
//! down as values. Secrets are never stored here, only where to read them from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::parse::ParseOptions;

/// Why the configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file named by `--config` could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    /// The file is not valid TOML or has unknown or mistyped keys.
    #[error("config file {path}: {message}")]
    Syntax { path: PathBuf, message: String },
    /// A value is well-formed TOML but not acceptable.
    #[error("config: {0}")]
    Invalid(String),
}

/// The whole configuration file. Every section is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub database: DatabaseConfig,
    pub parse: ParseConfig,
    pub imap: Vec<ImapAccount>,
    pub resolve: ResolveConfig,
    pub policy: crate::score::Policy,
    pub export: Vec<ExportTarget>,
    pub sources: Vec<SourceConfig>,
    pub audit: AuditConfig,
    pub report: ReportConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    pub path: PathBuf,
    /// Keep the raw message (compressed) so `reparse` and `explain` can use it.
    pub keep_raw: bool,
    /// How long to wait for another process's lock on the database, in milliseconds.
    pub busy_timeout_ms: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig { path: PathBuf::from("listhygiene.db"), keep_raw: true, busy_timeout_ms: 5000 }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ParseConfig {
    /// Bytes read from one message at most.
    pub max_message_bytes: usize,
}

impl Default for ParseConfig {
    fn default() -> Self {
        ParseConfig { max_message_bytes: crate::parse::DEFAULT_MAX_BYTES }
    }
}

/// How to connect to one IMAP mailbox, and what to do with what is read there. Holds no
/// secret: only where to read the password or token from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapAccount {
    /// Names the account in logs, errors, `--account`, checkpoints and the lock file.
    pub name: String,
    pub host: String,
    /// Defaults to 993 for `tls = "implicit"`, 143 otherwise.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: TlsMode,
    pub username: String,
    #[serde(default)]
    pub password_env: Option<String>,
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// Run with `sh -c`; its standard output, trimmed, is the password.
    #[serde(default)]
    pub password_command: Option<String>,
    #[serde(default)]
    pub auth: AuthMethod,
    /// Command printing an OAuth2 access token, for `auth = "xoauth2"`.
    #[serde(default)]
    pub token_command: Option<String>,
    #[serde(default = "default_folders")]
    pub folders: Vec<String>,
    /// What to do with a report once it is safely stored: `seen`, `move:FOLDER`, `delete`, `leave`.
    #[serde(default)]
    pub after: After,
    /// Folder for messages that are not reports; unset leaves them untouched and unseen.
    #[serde(default)]
    pub other_to: Option<String>,
    /// Messages fetched (and committed) together.
    #[serde(default = "default_batch_size")]
    pub batch_size: usize,
    /// PEM file with the certificate(s) to trust instead of the built-in public roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Seconds to wait for the server before giving up on a read or a connect.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// `poll --watch`: seconds between polls when the server has no IDLE (or for the folders
    /// after the first, which IDLE cannot watch).
    #[serde(default = "default_watch_interval")]
    pub watch_interval_secs: u64,
    /// `poll --watch`: IDLE is ended and re-issued after this many seconds (at most 29 minutes,
    /// RFC 2177), which also keeps NAT and firewalls from dropping the connection.
    #[serde(default = "default_idle_keepalive")]
    pub idle_keepalive_secs: u64,
}

fn default_folders() -> Vec<String> {
    vec!["INBOX".to_owned()]
}
fn default_batch_size() -> usize {
    500
}
fn default_timeout() -> u64 {
    60
}
fn default_watch_interval() -> u64 {
    60
}
fn default_idle_keepalive() -> u64 {
    25 * 60
}

/// The largest batch accepted: a UID FETCH of this many messages is one response in memory.
pub const MAX_IMAP_BATCH: usize = 5000;

impl ImapAccount {
    /// The port to connect to, with the usual default for the TLS mode.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            TlsMode::Implicit => 993,
            TlsMode::Starttls | TlsMode::None => 143,
        })
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let bad = |what: String| Err(ConfigError::Invalid(format!("[[imap]] account {:?}: {what}", self.name)));
        if self.name.is_empty()
            || !self.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return bad("name must be letters, digits, '-', '_' or '.' (it names a lock file)".to_owned());
        }
        if self.host.trim().is_empty() {
            return bad("host is empty".to_owned());
        }
        if self.tls == TlsMode::None && !is_loopback(&self.host) {
            return bad(format!(
                "tls = \"none\" is only allowed for a loopback host (localhost, 127.0.0.1, ::1), not {:?}; \
                 use tls = \"implicit\" or \"starttls\"",
                self.host
            ));
        }
        let sources = [self.password_env.is_some(), self.password_file.is_some(), self.password_command.is_some()]
            .into_iter()
            .filter(|&x| x)
            .count();
        match self.auth {
            AuthMethod::Login if sources != 1 => {
                return bad("set exactly one of password_env, password_file, password_command".to_owned());
            }
            AuthMethod::Xoauth2 if self.token_command.is_none() => {
                return bad("auth = \"xoauth2\" needs token_command".to_owned());
            }
            AuthMethod::Xoauth2 if sources != 0 => {
                return bad("auth = \"xoauth2\" takes token_command, not a password".to_owned());
            }
            AuthMethod::Login if self.token_command.is_some() => {
                return bad("token_command is only used with auth = \"xoauth2\"".to_owned());
            }
            _ => {}
        }
        if self.folders.is_empty() {
            return bad("folders is empty".to_owned());
        }
        let mut seen = BTreeMap::new();
        for folder in &self.folders {
            if folder.is_empty() {
                return bad("a folder name is empty".to_owned());
            }
            if seen.insert(folder.as_str(), ()).is_some() {
                return bad(format!("folder {folder:?} is listed twice"));
            }
        }
        let targets = self.other_to.iter().chain(match &self.after {
            After::Move(target) => Some(target),
            _ => None,
        });
        if let Some(name) = self.folders.iter().chain(targets).find(|n| n.chars().any(char::is_control)) {
            return bad(format!("folder name {name:?} contains a control character"));
        }
        // Moving into a folder that is also read would fetch the moved message again, forever.
        if let After::Move(target) = &self.after
            && self.folders.contains(target)
        {
            return bad(format!("after = \"move:{target}\" moves into a folder that is also read"));
        }
        if let Some(target) = &self.other_to {
            if target.is_empty() {
                return bad("other_to is empty".to_owned());
            }
            if self.folders.contains(target) {
                return bad(format!("other_to = {target:?} is also a folder that is read"));
            }
        }
        if self.batch_size == 0 || self.batch_size > MAX_IMAP_BATCH {
            return bad(format!("batch_size must be between 1 and {MAX_IMAP_BATCH}"));
        }
        if self.timeout_secs == 0 {
            return bad("timeout_secs must be at least 1".to_owned());
        }
        if self.watch_interval_secs == 0 {
            return bad("watch_interval_secs must be at least 1".to_owned());
        }
        if self.idle_keepalive_secs == 0 || self.idle_keepalive_secs > 29 * 60 {
            return bad("idle_keepalive_secs must be between 1 and 1740 (29 minutes)".to_owned());
        }
        Ok(())
    }
}

/// True for `localhost` and loopback addresses: the only hosts `tls = "none"` may talk to.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    #[default]
    Implicit,
    Starttls,
    /// Plain text; accepted only for loopback hosts.
    None,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    #[default]
    Login,
    Xoauth2,
}

/// What `poll` does on the server with a report once the database has committed it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum After {
    /// Set `\Seen`.
    #[default]
    Seen,
    /// Move to this folder (created if missing).
    Move(String),
    /// Delete (expunging only the messages processed).
    Delete,
    /// Touch nothing; the checkpoint alone keeps it from being read again.
    Leave,
}

impl TryFrom<String> for After {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        match value.as_str() {
            "seen" => Ok(After::Seen),
            "delete" => Ok(After::Delete),
            "leave" => Ok(After::Leave),
            other => match other.strip_prefix("move:") {
                Some(folder) if !folder.trim().is_empty() => Ok(After::Move(folder.to_owned())),
                _ => Err(format!(
                    "after = {other:?}: expected \"seen\", \"move:FOLDER\", \"delete\" or \"leave\""
                )),
            },
        }
    }
}

impl std::fmt::Display for After {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            After::Seen => f.write_str("seen"),
            After::Move(folder) => write!(f, "move:{folder}"),
            After::Delete => f.write_str("delete"),
            After::Leave => f.write_str("leave"),
        }
    }
}

/// How complaints without an address are resolved (DESIGN.md "Recipient resolution").
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResolveConfig {
    pub token_header: String,
    /// Environment variable holding the HMAC secret for recipient tokens.
    pub token_secret_env: String,
    /// Alternatively a file holding the secret.
    pub token_secret_file: Option<PathBuf>,
    pub verp: Option<String>,
    pub unsubscribe_token: Option<String>,
    /// The resolution methods to try, in order.
    pub order: Vec<String>,
}

impl Default for ResolveConfig {
    fn default() -> Self {
        ResolveConfig {
            token_header: "X-Listhygiene-Rid".to_owned(),
            token_secret_env: "LISTHYGIENE_TOKEN_SECRET".to_owned(),
            token_secret_file: None,
            verp: None,
            unsubscribe_token: None,
            order: ["header_token", "send_log", "unsubscribe_token", "cfbl_feedback_id", "verp"]
                .map(str::to_owned)
                .to_vec(),
        }
    }
}

/// One `[[export]]` table: a file `sync` writes after scoring.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportTarget {
    /// Names the export's watermark (with `since_last`) and its line in the summary.
    pub name: String,
    pub format: crate::export::Format,
    /// Where to write (relative paths are relative to the working directory).
    pub path: PathBuf,
    /// Write only what changed since this export last ran (per-name watermark).
    #[serde(default)]
    pub since_last: bool,
    /// `["flags"]` adds flagged addresses to the suppressed ones.
    #[serde(default)]
    pub include: Vec<Include>,
}

/// What an export includes besides suppressed addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Include {
    /// Addresses flagged by a rule (never engaged, inactive, role account, invalid).
    Flags,
}

/// One `[[sources]]` table: local input `sync` reads before scoring.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// What the path holds.
    #[serde(default)]
    pub kind: SourceKind,
    /// A file, directory, Maildir or mbox (messages) or a CSV/JSON file (the other kinds);
    /// relative paths are relative to the working directory.
    pub path: PathBuf,
    /// `--list` of `import subscribers`.
    #[serde(default)]
    pub list: Option<String>,
    /// `--status` of `import subscribers`.
    #[serde(default)]
    pub status: Option<String>,
    /// `--from` of `import suppressions` (required for kind = "suppressions").
    #[serde(default)]
    pub from: Option<crate::import::suppressions::SourceFormat>,
    /// `--reason` of `import suppressions`.
    #[serde(default)]
    pub reason: Option<String>,
    /// `--map COLUMN=FIELD` values.
    #[serde(default)]
    pub map: Vec<String>,
}

/// The kinds of local input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A send log (`import sends`).
    Sends,
    Subscribers,
    Engagement,
    Suppressions,
    /// Reports and bounces (`ingest`).
    #[default]
    Messages,
}

/// `[audit]`: what the double-opt-in audit flags (see docs/report.md for each rule id).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// `confirm-too-fast`: a confirmation this many seconds or less after the confirmation mail
    /// was sent (after signup when the send is unknown) is a link scanner, not a person.
    pub confirm_min_seconds: u64,
    /// `signup-burst`: this many signups or more from one IP (or one /24, /64 for IPv6) …
    pub burst_signups: u32,
    /// … within this many minutes.
    pub burst_minutes: u32,
    /// `scanner-ip`: CIDR ranges of link scanners (Safe Links, Proofpoint, Mimecast, Barracuda …).
    /// Empty by default: the vendors publish no stable list; add the ranges you see.
    pub scanner_networks: Vec<String>,
    /// `scanner-ip`: CIDR ranges of data centres and clouds no subscriber confirms from.
    pub datacenter_networks: Vec<String>,
    /// `role-account`: local parts added to the built-in list (`info`, `sales`, `postmaster` …).
    pub role_accounts: Vec<String>,
    /// `disposable-domain`: domains added to the built-in list (`mailinator.com` …).
    pub disposable_domains: Vec<String>,
    /// Rule ids not to apply.
    pub disable: Vec<String>,
    /// A source stands out when its confirmed subscribers' complaint rate is at least this (%).
    pub source_complaint_percent: f64,
    /// … or their hard-bounce rate is at least this (%).
    pub source_hard_bounce_percent: f64,
    /// … or at least this share of its subscribers is flagged (%).
    pub source_flagged_percent: f64,
    /// Rates of sources with fewer subscribers than this are shown but never stand out.
    pub source_min_subscribers: u64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            confirm_min_seconds: 10,
            burst_signups: 5,
            burst_minutes: 10,
            scanner_networks: Vec::new(),
            datacenter_networks: Vec::new(),
            role_accounts: Vec::new(),
            disposable_domains: Vec::new(),
            disable: Vec::new(),
            source_complaint_percent: 0.3,
            source_hard_bounce_percent: 2.0,
            source_flagged_percent: 25.0,
            source_min_subscribers: 20,
        }
    }
}

/// `[report]`: the deliverability report's thresholds.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportConfig {
    /// The window when `--since` is not given, e.g. `30d`.
    pub since: String,
    /// Complaint rate to stay below (%): Gmail's 0.1 %.
    pub complaint_target_percent: f64,
    /// Complaint rate never to reach (%): Gmail's and Yahoo's 0.3 %.
    pub complaint_limit_percent: f64,
    /// Hard-bounce rate shown as the limit on the bounce figures (%).
    pub hard_bounce_limit_percent: f64,
    /// Providers and campaigns with fewer sends than this show their rate but never trip
    /// `--fail-on` rate rules (one complaint in ten sends is noise, not a signal).
    pub min_sends: u64,
    /// Campaigns listed at most (the worst first).
    pub max_campaigns: usize,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            since: "30d".to_owned(),
            complaint_target_percent: 0.1,
            complaint_limit_percent: 0.3,
            hard_bounce_limit_percent: 2.0,
            min_sends: 100,
            max_campaigns: 20,
        }
    }
}

impl Config {
    /// Reads `path` (TOML). A missing file is an error: the user named it.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        Config::from_toml(&text).map_err(|e| match e {
            ConfigError::Syntax { message, .. } => ConfigError::Syntax { path: path.to_owned(), message },
            other => other,
        })
    }

    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text)
            .map_err(|e| ConfigError::Syntax { path: PathBuf::new(), message: e.to_string() })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if let Some(pattern) = &self.resolve.unsubscribe_token {
            let re = regex::Regex::new(pattern)
                .map_err(|e| ConfigError::Invalid(format!("resolve.unsubscribe_token: {e}")))?;
            if !re.capture_names().any(|n| n == Some("token")) {
                return Err(ConfigError::Invalid(
                    "resolve.unsubscribe_token needs a named group (?P<token>…)".to_owned(),
                ));
            }
        }
        if let Some(verp) = &self.resolve.verp
            && !(verp.contains("{local}") && verp.contains("{domain}"))
        {
            return Err(ConfigError::Invalid(format!(
                "resolve.verp {verp:?} must contain {{local}} and {{domain}}"
            )));
        }
        self.policy.validate().map_err(ConfigError::Invalid)?;
        let mut exports = BTreeMap::new();
        for export in &self.export {
            if exports.insert(export.name.as_str(), ()).is_some() {
                return Err(ConfigError::Invalid(format!("two [[export]] tables are named {:?}", export.name)));
            }
        }
        for source in &self.sources {
            if source.kind == SourceKind::Suppressions && source.from.is_none() {
                return Err(ConfigError::Invalid(format!("[[sources]] {}: kind = \"suppressions\" needs from = \"ses\" (or another format)", source.path.display())));
            }
        }
        self.validate_audit()?;
        self.validate_report()?;
        let mut names = BTreeMap::new();
        for account in &self.imap {
            if names.insert(account.name.as_str(), ()).is_some() {
                return Err(ConfigError::Invalid(format!("two [[imap]] accounts are named {:?}", account.name)));
            }
            account.validate()?;
        }
        Ok(())
    }

    fn validate_audit(&self) -> Result<(), ConfigError> {
        let a = &self.audit;
        for (key, list) in [("scanner_networks", &a.scanner_networks), ("datacenter_networks", &a.datacenter_networks)] {
            for cidr in list {
                crate::report::net::Cidr::parse(cidr)
                    .map_err(|e| ConfigError::Invalid(format!("audit.{key}: {e}")))?;
            }
        }
        for id in &a.disable {
            if crate::report::audit::Rule::from_id(id).is_none() {
                return Err(ConfigError::Invalid(format!(
                    "audit.disable: unknown rule {id:?} (rules: {})",
                    crate::report::audit::Rule::ids().join(", ")
                )));
            }
        }
        if a.burst_signups < 2 || a.burst_minutes == 0 {
            return Err(ConfigError::Invalid("audit.burst_signups must be at least 2 and audit.burst_minutes at least 1".to_owned()));
        }
        for (key, v) in [
            ("source_complaint_percent", a.source_complaint_percent),
            ("source_hard_bounce_percent", a.source_hard_bounce_percent),
            ("source_flagged_percent", a.source_flagged_percent),
        ] {
            check_percent(&format!("audit.{key}"), v)?;
        }
        Ok(())
    }

    fn validate_report(&self) -> Result<(), ConfigError> {
        let r = &self.report;
        crate::report::parse_since(&r.since, 0)
            .map_err(|e| ConfigError::Invalid(format!("report.since: {e}")))?;
        for (key, v) in [
            ("complaint_target_percent", r.complaint_target_percent),
            ("complaint_limit_percent", r.complaint_limit_percent),
            ("hard_bounce_limit_percent", r.hard_bounce_limit_percent),
        ] {
            check_percent(&format!("report.{key}"), v)?;
        }
        if r.complaint_target_percent > r.complaint_limit_percent {
            return Err(ConfigError::Invalid(
                "report.complaint_target_percent must not be above report.complaint_limit_percent".to_owned(),
            ));
        }
        Ok(())
    }

    /// The parser's knobs from this configuration.
    pub fn parse_options(&self) -> ParseOptions {
        ParseOptions {
            max_bytes: self.parse.max_message_bytes,
            token_header: self.resolve.token_header.clone(),
            verp: self.resolve.verp.as_deref().and_then(crate::parse::identifiers::Verp::new),
            unsubscribe_token: self
                .resolve
                .unsubscribe_token
                .as_deref()
                .and_then(|p| regex::Regex::new(p).ok()),
        }
    }
}

fn check_percent(key: &str, v: f64) -> Result<(), ConfigError> {
    if v.is_finite() && (0.0..=100.0).contains(&v) {
        Ok(())
    } else {
        Err(ConfigError::Invalid(format!("{key} = {v} is not a percentage between 0 and 100")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let c = Config::from_toml("").unwrap();
        assert_eq!(c.database.path, PathBuf::from("listhygiene.db"));
        assert!(c.database.keep_raw);
        assert_eq!(c.resolve.token_header, "X-Listhygiene-Rid");
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = Config::from_toml("[database]\npaht = \"x\"").unwrap_err();
        assert!(err.to_string().contains("paht"), "{err}");
    }

    #[test]
    fn unsubscribe_pattern_needs_token_group() {
        let err = Config::from_toml("[resolve]\nunsubscribe_token = 'https://x/u/(.*)'").unwrap_err();
        assert!(err.to_string().contains("token"), "{err}");
    }

    #[test]
    fn policy_exports_and_sources_are_typed() {
        let c = Config::from_toml(
            "[policy]\nsoft_bounce_count = 4\ndisabled = [\"inactive\"]\n\
             [[export]]\nname = \"ses\"\nformat = \"ses-csv\"\npath = \"exports/ses.csv\"\nsince_last = true\n\
             [[sources]]\npath = \"samples/maildir\"\n\
             [[sources]]\nkind = \"suppressions\"\nfrom = \"mailchimp-cleaned\"\npath = \"cleaned.csv\"",
        )
        .unwrap();
        assert_eq!(c.policy.soft_bounce_count, 4);
        assert_eq!(c.policy.disabled, vec![crate::score::RuleId::Inactive]);
        assert_eq!(c.export[0].format, crate::export::Format::SesCsv);
        assert!(c.export[0].since_last);
        assert_eq!(c.sources[0].kind, SourceKind::Messages);
        assert_eq!(c.sources[1].from, Some(crate::import::suppressions::SourceFormat::MailchimpCleaned));
        for bad in [
            "[policy]\nsoft_bounce_cnt = 3",
            "[[export]]\nname = \"x\"\nformat = \"nope\"\npath = \"x\"",
            "[[export]]\nname = \"x\"\nformat = \"csv\"\npath = \"x\"\nsince = true",
            "[[sources]]\npath = \"x\"\nkind = \"suppressions\"",
            "[[sources]]\npaht = \"x\"",
            "[[export]]\nname = \"x\"\nformat = \"csv\"\npath = \"a\"\n[[export]]\nname = \"x\"\nformat = \"csv\"\npath = \"b\"",
        ] {
            assert!(Config::from_toml(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn audit_and_report_tables_are_typed_and_checked() {
        let c = Config::from_toml(
            "[audit]\nscanner_networks = [\"192.0.2.0/24\", \"2001:db8::/32\"]\nconfirm_min_seconds = 5\n\
             [report]\nsince = \"14d\"\ncomplaint_limit_percent = 0.3",
        )
        .unwrap();
        assert_eq!(c.audit.scanner_networks.len(), 2);
        assert_eq!(c.audit.confirm_min_seconds, 5);
        assert_eq!(c.report.since, "14d");
        for bad in [
            "[audit]\nscanner_networks = [\"192.0.2.0/33\"]",
            "[audit]\ndisable = [\"no-such-rule\"]",
            "[audit]\nburst_signups = 1",
            "[report]\nsince = \"soon\"",
            "[report]\ncomplaint_target_percent = 0.5\ncomplaint_limit_percent = 0.3",
            "[report]\ncomplaint_limit_percent = 300.0",
            "[report]\nunknown = 1",
        ] {
            assert!(Config::from_toml(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn imap_account_defaults() {
        let c = Config::from_toml(
            "[[imap]]\nname = \"jmrp\"\nhost = \"imap.example.com\"\nusername = \"fbl\"\npassword_env = \"P\"",
        )
        .unwrap();
        let a = &c.imap[0];
        assert_eq!(a.tls, TlsMode::Implicit);
        assert_eq!(a.folders, vec!["INBOX"]);
        assert_eq!(a.after, After::Seen);
        assert_eq!(a.port(), 993);
        assert_eq!(a.batch_size, 500);
    }

    fn account(extra: &str) -> Result<Config, ConfigError> {
        Config::from_toml(&format!(
            "[[imap]]\nname = \"jmrp\"\nhost = \"imap.example.com\"\nusername = \"fbl\"\n{extra}"
        ))
    }

    #[test]
    fn after_values() {
        let c = account("password_env = \"P\"\nafter = \"move:Done/FBL\"").unwrap();
        assert_eq!(c.imap[0].after, After::Move("Done/FBL".to_owned()));
        for (text, want) in [("seen", After::Seen), ("delete", After::Delete), ("leave", After::Leave)] {
            let c = account(&format!("password_env = \"P\"\nafter = \"{text}\"")).unwrap();
            assert_eq!(c.imap[0].after, want);
            assert_eq!(c.imap[0].after.to_string(), text);
        }
        for bad in ["move:", "trash", "Seen"] {
            let err = account(&format!("password_env = \"P\"\nafter = \"{bad}\"")).unwrap_err();
            assert!(err.to_string().contains("move:FOLDER"), "{err}");
        }
    }

    #[test]
    fn plain_text_only_for_loopback() {
        let err = account("password_env = \"P\"\ntls = \"none\"").unwrap_err().to_string();
        assert!(err.contains("jmrp") && err.contains("loopback"), "{err}");
        for host in ["localhost", "127.0.0.1", "::1", "[::1]", "127.1.2.3"] {
            let c = Config::from_toml(&format!(
                "[[imap]]\nname = \"t\"\nhost = \"{host}\"\nusername = \"u\"\npassword_env = \"P\"\ntls = \"none\""
            ));
            assert!(c.is_ok(), "{host}: {:?}", c.err());
        }
        assert!(!is_loopback("10.0.0.1"));
        assert!(!is_loopback("localhost.example.com"));
    }

    #[test]
    fn exactly_one_password_source() {
        let none = account("").unwrap_err().to_string();
        assert!(none.contains("exactly one of password_env"), "{none}");
        let two = account("password_env = \"P\"\npassword_command = \"pass x\"").unwrap_err().to_string();
        assert!(two.contains("exactly one"), "{two}");
        let oauth = account("auth = \"xoauth2\"").unwrap_err().to_string();
        assert!(oauth.contains("token_command"), "{oauth}");
        assert!(account("auth = \"xoauth2\"\ntoken_command = \"get-token\"").is_ok());
    }

    #[test]
    fn moving_into_a_read_folder_is_refused() {
        let err = account("password_env = \"P\"\nfolders = [\"INBOX\", \"Done\"]\nafter = \"move:Done\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("also read"), "{err}");
        let err = account("password_env = \"P\"\nother_to = \"INBOX\"").unwrap_err().to_string();
        assert!(err.contains("other_to"), "{err}");
    }

    #[test]
    fn limits_and_names() {
        assert!(account("password_env = \"P\"\nbatch_size = 0").is_err());
        assert!(account("password_env = \"P\"\nidle_keepalive_secs = 1800").is_err());
        let err = Config::from_toml("[[imap]]\nname = \"a/b\"\nhost = \"h\"\nusername = \"u\"\npassword_env = \"P\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("lock file"), "{err}");
    }
}
