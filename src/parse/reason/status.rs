//! Enhanced status codes (RFC 3463) as numbers, and what each registered code means.

use crate::domain::Reason;

/// An enhanced status code `class.subject.detail`, such as 5.1.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Status {
    pub(super) class: u8,
    pub(super) subject: u16,
    pub(super) detail: u16,
}

impl Status {
    /// Parses `5.1.1`; anything else (including the pseudo codes `x.0.9xx` that some bounce
    /// parsers invent) gives `None`.
    pub(super) fn parse(text: &str) -> Option<Status> {
        let mut parts = text.trim().split('.');
        let class = parts.next().filter(|c| matches!(*c, "2" | "4" | "5"))?.parse().ok()?;
        let subject = number(parts.next()?)?;
        let detail = number(parts.next()?)?;
        if parts.next().is_some() || (subject == 0 && detail >= 900) {
            return None;
        }
        Some(Status { class, subject, detail })
    }

    pub(super) const fn new(class: u8, subject: u16, detail: u16) -> Status {
        Status { class, subject, detail }
    }

    /// True for `class.subject.detail` exactly.
    pub(super) fn is(self, class: u8, subject: u16, detail: u16) -> bool {
        self == Status::new(class, subject, detail)
    }

    /// The reason the code itself names, when the code is registered and specific enough.
    pub(super) fn reason(self) -> Option<Reason> {
        CODE_REASONS
            .iter()
            .find(|(code, _)| *code == (self.class, self.subject, self.detail))
            .map(|(_, reason)| *reason)
    }
}

/// One to three ASCII digits.
fn number(text: &str) -> Option<u16> {
    let ok = (1..=3).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| text.parse().ok()).flatten()
}

/// Registered codes and the reason they stand for. Codes missing here (x.0.0, 4.7.0 …) say
/// too little on their own.
const CODE_REASONS: &[((u8, u16, u16), Reason)] = {
    use Reason::*;
    &[
        ((2, 1, 5), Delivered),
        ((4, 1, 6), HasMoved),
        ((4, 1, 7), Rejected),
        ((4, 1, 8), Rejected),
        ((4, 1, 9), SystemError),
        ((4, 2, 1), Blocked),
        ((4, 2, 2), MailboxFull),
        ((4, 2, 3), ExceedLimit),
        ((4, 2, 4), Filtered),
        ((4, 3, 1), SystemFull),
        ((4, 3, 2), NotAccept),
        ((4, 3, 3), SystemError),
        ((4, 3, 5), SystemError),
        ((4, 4, 1), Expired),
        ((4, 4, 2), NetworkError),
        ((4, 4, 3), SystemError),
        ((4, 4, 4), NetworkError),
        ((4, 4, 5), SystemFull),
        ((4, 4, 6), NetworkError),
        ((4, 4, 7), Expired),
        ((4, 4, 8), NetworkError),
        ((4, 5, 3), SystemError),
        ((4, 5, 5), SystemError),
        ((4, 6, 0), ContentError),
        ((4, 6, 2), ContentError),
        ((4, 6, 5), ContentError),
        ((4, 7, 1), Blocked),
        ((4, 7, 2), Blocked),
        ((4, 7, 5), SecurityError),
        ((4, 7, 6), SecurityError),
        ((4, 7, 7), SecurityError),
        ((4, 7, 12), SecurityError),
        ((4, 7, 15), SecurityError),
        ((4, 7, 16), MesgTooBig),
        ((4, 7, 24), AuthFailure),
        ((4, 7, 25), RequirePtr),
        ((4, 7, 26), AuthFailure),
        ((5, 1, 0), UserUnknown),
        ((5, 1, 1), UserUnknown),
        ((5, 1, 2), HostUnknown),
        ((5, 1, 3), UserUnknown),
        ((5, 1, 4), Filtered),
        ((5, 1, 6), HasMoved),
        ((5, 1, 7), Rejected),
        ((5, 1, 8), Rejected),
        ((5, 1, 9), SystemError),
        ((5, 1, 10), NotAccept),
        ((5, 2, 0), Filtered),
        ((5, 2, 1), Filtered),
        ((5, 2, 2), MailboxFull),
        ((5, 2, 3), ExceedLimit),
        ((5, 2, 4), Filtered),
        ((5, 3, 0), SystemError),
        ((5, 3, 1), SystemFull),
        ((5, 3, 2), NotAccept),
        ((5, 3, 3), SystemError),
        ((5, 3, 4), MesgTooBig),
        ((5, 3, 5), SystemError),
        ((5, 4, 0), NetworkError),
        ((5, 4, 3), SystemError),
        ((5, 4, 4), HostUnknown),
        ((5, 5, 2), SyntaxError),
        ((5, 5, 3), TooManyConn),
        ((5, 5, 4), SystemError),
        ((5, 5, 5), SystemError),
        ((5, 5, 6), SyntaxError),
        ((5, 6, 0), ContentError),
        ((5, 6, 1), ContentError),
        ((5, 6, 2), ContentError),
        ((5, 6, 3), ContentError),
        ((5, 6, 5), ContentError),
        ((5, 6, 6), ContentError),
        ((5, 6, 7), ContentError),
        ((5, 6, 8), ContentError),
        ((5, 6, 9), ContentError),
        ((5, 7, 0), SecurityError),
        ((5, 7, 1), SecurityError),
        ((5, 7, 2), SecurityError),
        ((5, 7, 3), SecurityError),
        ((5, 7, 4), SecurityError),
        ((5, 7, 5), SecurityError),
        ((5, 7, 6), SecurityError),
        ((5, 7, 7), SecurityError),
        ((5, 7, 8), SecurityError),
        ((5, 7, 9), SecurityError),
        ((5, 7, 10), SecurityError),
        ((5, 7, 11), SecurityError),
        ((5, 7, 13), Suspend),
        ((5, 7, 14), SecurityError),
        ((5, 7, 15), SecurityError),
        ((5, 7, 16), MesgTooBig),
        ((5, 7, 17), HasMoved),
        ((5, 7, 18), HasMoved),
        ((5, 7, 19), SecurityError),
        ((5, 7, 20), AuthFailure),
        ((5, 7, 21), AuthFailure),
        ((5, 7, 22), AuthFailure),
        ((5, 7, 23), AuthFailure),
        ((5, 7, 24), AuthFailure),
        ((5, 7, 25), RequirePtr),
        ((5, 7, 26), AuthFailure),
        ((5, 7, 27), NotAccept),
        ((5, 7, 28), SpamDetected),
        ((5, 7, 29), AuthFailure),
        ((5, 7, 30), FailedStartTls),
    ]
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_codes_and_refuses_the_rest() {
        type Row = (&'static str, Option<(u8, u16, u16)>);
        let rows: &[Row] = &[
            ("5.1.1", Some((5, 1, 1))),
            (" 4.7.650 ", Some((4, 7, 650))),
            ("2.0.0", Some((2, 0, 0))),
            ("5.0.911", None),
            ("4.0.947", None),
            ("5.0.899", Some((5, 0, 899))),
            ("3.1.1", None),
            ("5.1", None),
            ("5.1.1.1", None),
            ("5.1.1000", None),
            ("5.x.1", None),
            ("", None),
            ("５.1.1", None),
        ];
        for (text, expected) in rows {
            let parsed = Status::parse(text).map(|s| (s.class, s.subject, s.detail));
            assert_eq!(parsed, *expected, "{text:?}");
        }
    }

    #[test]
    fn codes_name_reasons() {
        let rows: &[(&str, Option<Reason>)] = &[
            ("5.1.1", Some(Reason::UserUnknown)),
            ("4.2.2", Some(Reason::MailboxFull)),
            ("5.7.26", Some(Reason::AuthFailure)),
            ("5.7.25", Some(Reason::RequirePtr)),
            ("5.0.0", None),
            ("4.7.0", None),
        ];
        for (text, expected) in rows {
            let status = Status::parse(text).expect("valid");
            assert_eq!(status.reason(), *expected, "{text}");
        }
    }
}
