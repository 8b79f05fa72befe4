//! Messages for the IMAP tests and the IMAP benchmark: a Postfix-style DSN (bounce), an ARF
//! complaint and an ordinary mail (not a report), each unique by its number `n`. CRLF line
//! endings, as on an IMAP server.

/// A hard bounce (RFC 3464) for `user{n}@example.net`.
pub fn bounce(n: usize) -> Vec<u8> {
    let text = format!(
        "Return-Path: <>\n\
Received: by mx.sender.example (Postfix) id 4Xq{n:08}; Tue, 17 Nov 2026 10:00:00 +0000 (UTC)\n\
Date: Tue, 17 Nov 2026 10:00:00 +0000 (UTC)\n\
From: MAILER-DAEMON@mx.sender.example (Mail Delivery System)\n\
Subject: Undelivered Mail Returned to Sender\n\
To: bounces@sender.example\n\
Auto-Submitted: auto-replied\n\
MIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B{n}\"\n\
Message-Id: <dsn.{n}@mx.sender.example>\n\
\n\
This is a MIME-encapsulated message.\n\
\n\
--B{n}\n\
Content-Description: Notification\n\
Content-Type: text/plain; charset=us-ascii\n\
\n\
This is the mail system at host mx.sender.example.\n\
\n\
I'm sorry to have to inform you that your message could not\n\
be delivered to one or more recipients. It's attached below.\n\
\n\
<user{n}@example.net>: host mx.example.net[192.0.2.25] said: 550 5.1.1\n\
    <user{n}@example.net>: Recipient address rejected: User unknown (in reply to\n\
    RCPT TO command)\n\
\n\
--B{n}\n\
Content-Description: Delivery report\n\
Content-Type: message/delivery-status\n\
\n\
Reporting-MTA: dns; mx.sender.example\n\
X-Postfix-Queue-ID: 4Xq{n:08}\n\
Arrival-Date: Tue, 17 Nov 2026 09:59:58 +0000 (UTC)\n\
\n\
Final-Recipient: rfc822; user{n}@example.net\n\
Original-Recipient: rfc822;user{n}@example.net\n\
Action: failed\n\
Status: 5.1.1\n\
Remote-MTA: dns; mx.example.net\n\
Diagnostic-Code: smtp; 550 5.1.1 <user{n}@example.net>: Recipient address rejected:\n\
    User unknown\n\
\n\
--B{n}\n\
Content-Description: Undelivered Message Headers\n\
Content-Type: text/rfc822-headers\n\
\n\
Return-Path: <bounces+user{n}=example.net@sender.example>\n\
From: News <news@sender.example>\n\
To: user{n}@example.net\n\
Subject: November newsletter\n\
Message-Id: <campaign-42.{n}@sender.example>\n\
Date: Tue, 17 Nov 2026 09:59:50 +0000\n\
List-Id: <news.sender.example>\n\
\n\
--B{n}--\n"
    );
    crlf(&text)
}

/// An ARF abuse complaint about `reader{n}@example.org`.
pub fn complaint(n: usize) -> Vec<u8> {
    let text = format!(
        "From: staff@hotmail.example\n\
Date: Tue, 17 Nov 2026 11:00:00 +0000\n\
Subject: complaint about message from 192.0.2.1\n\
To: fbl@sender.example\n\
Message-ID: <arf.{n}@hotmail.example>\n\
MIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=feedback-report; boundary=\"A{n}\"\n\
\n\
--A{n}\n\
Content-Type: text/plain; charset=\"US-ASCII\"\n\
\n\
This is an email abuse report for an email message received from IP\n\
192.0.2.1 on Tue, 17 Nov 2026 10:55:00 +0000.\n\
\n\
--A{n}\n\
Content-Type: message/feedback-report\n\
\n\
Feedback-Type: abuse\n\
User-Agent: SomeGenerator/1.0\n\
Version: 1\n\
Original-Mail-From: <bounces@sender.example>\n\
Original-Rcpt-To: <reader{n}@example.org>\n\
Arrival-Date: Tue, 17 Nov 2026 10:55:00 +0000\n\
Source-IP: 192.0.2.1\n\
Reported-Domain: sender.example\n\
\n\
--A{n}\n\
Content-Type: message/rfc822\n\
\n\
From: News <news@sender.example>\n\
To: reader{n}@example.org\n\
Subject: November newsletter\n\
Message-ID: <campaign-42.r{n}@sender.example>\n\
Date: Tue, 17 Nov 2026 10:54:00 +0000\n\
\n\
Hello reader {n}, here is the news.\n\
\n\
--A{n}--\n"
    );
    crlf(&text)
}

/// An ordinary message: not a report, so `poll` must leave it alone.
pub fn ordinary(n: usize) -> Vec<u8> {
    let text = format!(
        "From: Alice <alice@example.com>\n\
To: fbl@sender.example\n\
Subject: lunch on Friday? ({n})\n\
Date: Tue, 17 Nov 2026 12:00:00 +0000\n\
Message-ID: <chat.{n}@example.com>\n\
\n\
Are you free for lunch on Friday? Number {n}.\n"
    );
    crlf(&text)
}

/// Bytes that are not a mail message at all.
pub fn malformed(n: usize) -> Vec<u8> {
    let mut bytes = format!("\u{0}\u{1}garbage {n}\r\n: no header here\r\n--\r\n").into_bytes();
    bytes.extend((0..200u16).map(|i| (i % 251) as u8));
    bytes.extend_from_slice(b"\r\n");
    bytes
}

/// A bounce padded with a base64 attachment to about `size` bytes.
pub fn huge_bounce(n: usize, size: usize) -> Vec<u8> {
    let head = String::from_utf8(bounce(n)).unwrap_or_default();
    let head = head.trim_end_matches("--B".to_owned().as_str());
    let cut = head.rfind(&format!("--B{n}--")).unwrap_or(head.len());
    let mut out = head[..cut].to_owned();
    out.push_str(&format!(
        "--B{n}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    ));
    let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
    while out.len() < size {
        out.push_str(line);
    }
    out.push_str(&format!("--B{n}--\r\n"));
    out.into_bytes()
}

fn crlf(text: &str) -> Vec<u8> {
    text.replace('\n', "\r\n").into_bytes()
}
