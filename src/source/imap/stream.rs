//! The connection under the `imap` crate: TCP with connect, read and write timeouts, TLS by
//! rustls (implicit, or after STARTTLS, which this module negotiates itself), verified against
//! the built-in public roots or the account's `ca_file`. There is no way to turn verification
//! off; plain text is only for loopback hosts (checked when the configuration is read).
//!
//! While IDLE waits, [`ImapStream`] wakes every [`IDLE_TICK`] to look at the stop flag, so
//! SIGINT/SIGTERM end the wait within a second without giving up the keep-alive period.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use imap::extensions::idle::SetReadTimeout;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use super::error::{ImapError, Stage};
use crate::config::{ImapAccount, TlsMode, is_loopback};

/// How often a waiting IDLE looks at the stop flag.
pub const IDLE_TICK: Duration = Duration::from_millis(500);

enum Transport {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Transport {
    fn tcp(&self) -> &TcpStream {
        match self {
            Transport::Plain(s) => s,
            Transport::Tls(s) => s.get_ref(),
        }
    }
}

/// A TCP or TLS stream that `imap::Client` runs over.
pub struct ImapStream {
    transport: Transport,
    /// Read timeout outside IDLE.
    read_timeout: Duration,
    /// Set while IDLE waits: how long the wait may last.
    idle_limit: Option<Duration>,
    /// Raised by SIGINT/SIGTERM; ends an IDLE wait early.
    stop: Option<Arc<AtomicBool>>,
}

impl std::fmt::Debug for ImapStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.transport {
            Transport::Plain(_) => "plain",
            Transport::Tls(_) => "tls",
        };
        f.debug_struct("ImapStream").field("transport", &kind).finish_non_exhaustive()
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

impl Read for ImapStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(limit) = self.idle_limit else {
            return match &mut self.transport {
                Transport::Plain(s) => s.read(buf),
                Transport::Tls(s) => s.read(buf),
            };
        };
        let start = Instant::now();
        loop {
            let result = match &mut self.transport {
                Transport::Plain(s) => s.read(buf),
                Transport::Tls(s) => s.read(buf),
            };
            match result {
                Err(e) if is_timeout(&e) => {
                    let stopping = self.stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed));
                    if stopping || start.elapsed() >= limit {
                        return Err(io::Error::new(io::ErrorKind::TimedOut, "idle wait ended"));
                    }
                }
                other => return other,
            }
        }
    }
}

impl Write for ImapStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.transport {
            Transport::Plain(s) => s.write(buf),
            Transport::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.transport {
            Transport::Plain(s) => s.flush(),
            Transport::Tls(s) => s.flush(),
        }
    }
}

/// The `imap` crate calls this around IDLE only: `Some` starts an interruptible wait of that
/// length, `None` goes back to the ordinary read timeout.
impl SetReadTimeout for ImapStream {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> imap::Result<()> {
        self.idle_limit = timeout;
        let socket = match timeout {
            Some(_) => IDLE_TICK,
            None => self.read_timeout,
        };
        self.transport.tcp().set_read_timeout(Some(socket)).map_err(imap::Error::Io)
    }
}

/// Connects to the account's server, sets up TLS as configured and reads the greeting. The
/// returned client is ready for login.
pub fn connect(account: &ImapAccount, stop: Option<Arc<AtomicBool>>) -> Result<imap::Client<ImapStream>, ImapError> {
    let fail = |stage: Stage, detail: String| ImapError::new(&account.name, stage, detail);
    let host = account.host.trim();
    let port = account.port();
    let timeout = Duration::from_secs(account.timeout_secs);
    if account.tls == TlsMode::None && !is_loopback(host) {
        return Err(fail(Stage::Tls, format!("plain text is only allowed to a loopback host, not {host}")));
    }
    let tls = match account.tls {
        TlsMode::None => None,
        TlsMode::Implicit | TlsMode::Starttls => Some(
            tls_config(account.ca_file.as_deref()).map_err(|e| fail(Stage::Tls, e))?,
        ),
    };
    let tcp = tcp_connect(host, port, timeout).map_err(|e| fail(Stage::Connect, format!("{host}:{port}: {e}")))?;

    let (transport, greeting_read) = match (account.tls, tls) {
        (TlsMode::None, _) => (Transport::Plain(tcp), false),
        (TlsMode::Implicit, Some(config)) => (handshake(config, host, tcp).map_err(|e| fail(Stage::Tls, e))?, false),
        (TlsMode::Starttls, Some(config)) => {
            let mut tcp = tcp;
            starttls(&mut tcp).map_err(|(stage, e)| fail(stage, e))?;
            (handshake(config, host, tcp).map_err(|e| fail(Stage::Tls, e))?, true)
        }
        (_, None) => return Err(fail(Stage::Tls, "no TLS configuration".to_owned())),
    };
    let stream = ImapStream { transport, read_timeout: timeout, idle_limit: None, stop };
    let mut client = imap::Client::new(stream);
    if !greeting_read {
        let greeting = client.read_greeting().map_err(|e| ImapError::from_imap(&account.name, stage_of(&e), "", &e))?;
        check_greeting(&greeting).map_err(|e| fail(Stage::Connect, e))?;
    }
    Ok(client)
}

/// TLS errors surface as I/O errors wrapping a rustls error; tell them apart for the message.
fn stage_of(error: &imap::Error) -> Stage {
    match error {
        imap::Error::Io(e) if e.get_ref().is_some_and(|inner| inner.is::<rustls::Error>()) => Stage::Tls,
        _ => Stage::Connect,
    }
}

fn check_greeting(line: &[u8]) -> Result<(), String> {
    if line.starts_with(b"* OK") {
        Ok(())
    } else if line.starts_with(b"* PREAUTH") {
        Err("the server greeted with PREAUTH (already logged in), which is not supported".to_owned())
    } else {
        Err(format!("unexpected greeting: {}", String::from_utf8_lossy(line).trim_end()))
    }
}

fn tcp_connect(host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let mut last = None;
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => {
                stream.set_read_timeout(Some(timeout))?;
                stream.set_write_timeout(Some(timeout))?;
                stream.set_nodelay(true)?;
                return Ok(stream);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::new(io::ErrorKind::NotFound, "host name has no address")))
}

/// The rustls client configuration: the `ca_file` certificates if given (instead of the public
/// roots: a private server's CA is all it should be trusted with), else the webpki roots.
pub fn tls_config(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| format!("ca_file {}: {e}", path.display()))?;
            let mut count = 0;
            for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
                let cert = cert.map_err(|e| format!("ca_file {}: {e}", path.display()))?;
                roots.add(cert).map_err(|e| format!("ca_file {}: {e}", path.display()))?;
                count += 1;
            }
            if count == 0 {
                return Err(format!("ca_file {} holds no PEM certificate", path.display()));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Runs the TLS handshake to the end now, so a certificate problem is reported as such.
fn handshake(config: Arc<ClientConfig>, host: &str, mut tcp: TcpStream) -> Result<Transport, String> {
    let name = host.trim_start_matches('[').trim_end_matches(']');
    let server_name = ServerName::try_from(name.to_owned()).map_err(|e| format!("{name}: {e}"))?;
    let mut conn = ClientConnection::new(config, server_name).map_err(|e| e.to_string())?;
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp).map_err(|e| tls_error_text(&e))?;
    }
    Ok(Transport::Tls(Box::new(StreamOwned::new(conn, tcp))))
}

fn tls_error_text(e: &io::Error) -> String {
    if is_timeout(e) {
        return "timed out during the TLS handshake".to_owned();
    }
    match e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        Some(rustls::Error::InvalidCertificate(cert)) => {
            format!("the server's certificate does not verify: {cert:?} (a private server needs ca_file)")
        }
        Some(other) => other.to_string(),
        None => e.to_string(),
    }
}

/// Reads one line (up to LF) byte by byte, so nothing after it is consumed: after STARTTLS the
/// next bytes belong to TLS.
fn read_line_exact(tcp: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut line = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    loop {
        match tcp.read(&mut byte)? {
            0 => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the server closed the connection")),
            _ => {
                line.push(byte[0]);
                if byte[0] == b'\n' {
                    return Ok(line);
                }
                if line.len() > 64 * 1024 {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
                }
            }
        }
    }
}

/// Plain greeting, then `STARTTLS` and its tagged OK, on the bare socket.
fn starttls(tcp: &mut TcpStream) -> Result<(), (Stage, String)> {
    let io = |e: io::Error| {
        (Stage::Connect, if is_timeout(&e) { "timed out waiting for the server".to_owned() } else { e.to_string() })
    };
    let greeting = read_line_exact(tcp).map_err(io)?;
    check_greeting(&greeting).map_err(|e| (Stage::Connect, e))?;
    tcp.write_all(b"s0 STARTTLS\r\n").map_err(io)?;
    loop {
        let line = read_line_exact(tcp).map_err(io)?;
        if line.starts_with(b"* ") {
            continue;
        }
        if line.starts_with(b"s0 OK") {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_owned();
        return Err((Stage::Tls, format!("the server refused STARTTLS: {text}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greeting_kinds() {
        assert!(check_greeting(b"* OK [CAPABILITY IMAP4rev1] ready\r\n").is_ok());
        assert!(check_greeting(b"* PREAUTH hi\r\n").unwrap_err().contains("PREAUTH"));
        assert!(check_greeting(b"* BYE too busy\r\n").unwrap_err().contains("too busy"));
    }

    #[test]
    fn ca_file_must_hold_a_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let err = tls_config(Some(&path)).unwrap_err();
        assert!(err.contains("holds no PEM certificate"), "{err}");
        assert!(tls_config(Some(&dir.path().join("missing.pem"))).is_err());
        assert!(tls_config(None).is_ok());
    }

    #[test]
    fn starttls_refused_is_reported() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            s.write_all(b"* OK hello\r\n").unwrap();
            let mut buf = [0u8; 64];
            let _ = s.read(&mut buf).unwrap();
            s.write_all(b"s0 BAD unknown command\r\n").unwrap();
        });
        let mut tcp = TcpStream::connect(addr).unwrap();
        let (stage, text) = starttls(&mut tcp).unwrap_err();
        assert_eq!(stage, Stage::Tls);
        assert!(text.contains("refused STARTTLS"), "{text}");
        server.join().unwrap();
    }
}
