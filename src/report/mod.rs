//! The `audit` and `report` commands' pure core: models built from store rows (no I/O, no
//! clock: `now` comes from `cli/`), the knowledge table of sender-side refusal codes, the
//! `--fail-on` rules, and the renderers (text, JSON, CSV, self-contained HTML with inline SVG)
//! that write to any `io::Write`.

pub mod audit;
pub mod codes;
pub mod deliverability;
pub mod failon;
pub mod lists;
pub mod net;
pub mod render;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// A `--since` or `--until` value that is neither a duration nor a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is neither a duration (30d, 12h, 2w) nor a date (2026-11-01 or RFC 3339)")]
pub struct TimeArgError(pub String);

/// The start of a window: `30d`, `12h`, `2w`, `90m` before `now`, or an absolute date
/// (`2026-11-01`, midnight UTC) or RFC 3339 time.
pub fn parse_since(text: &str, now: i64) -> Result<i64, TimeArgError> {
    let t = text.trim();
    let err = || TimeArgError(text.to_owned());
    if let Some(unit) = t.chars().last().filter(char::is_ascii_alphabetic) {
        let number = &t[..t.len() - unit.len_utf8()];
        if let Ok(n) = number.trim().parse::<u32>() {
            let seconds = match unit.to_ascii_lowercase() {
                'w' => 7 * DAY,
                'd' => DAY,
                'h' => 3600,
                'm' => 60,
                _ => return Err(err()),
            };
            return Ok(now - i64::from(n) * seconds);
        }
    }
    parse_date(t).ok_or_else(err)
}

/// The end of a window: a date means the end of that day (UTC); an RFC 3339 time is exact.
pub fn parse_until(text: &str) -> Result<i64, TimeArgError> {
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|d| d.and_utc().timestamp() + DAY).ok_or_else(|| TimeArgError(text.to_owned()));
    }
    parse_date(t).ok_or_else(|| TimeArgError(text.to_owned()))
}

fn parse_date(t: &str) -> Option<i64> {
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|d| d.and_utc().timestamp());
    }
    DateTime::parse_from_rfc3339(t).ok().map(|d| d.timestamp())
}

/// `YYYY-MM-DD` of a unix time (UTC).
pub fn day_string(at: i64) -> String {
    DateTime::<Utc>::from_timestamp(at, 0).map_or_else(|| at.to_string(), |d| d.format("%Y-%m-%d").to_string())
}

/// `YYYY-MM-DD HH:MM` of a unix time (UTC).
pub fn time_string(at: i64) -> String {
    DateTime::<Utc>::from_timestamp(at, 0).map_or_else(|| at.to_string(), |d| d.format("%Y-%m-%d %H:%M").to_string())
}

/// RFC 3339 of a unix time (UTC), as the JSON forms carry times.
pub fn rfc3339(at: i64) -> String {
    DateTime::<Utc>::from_timestamp(at, 0).map_or_else(|| at.to_string(), |d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// `part / whole`, `None` when `whole` is 0.
pub fn ratio(part: u64, whole: u64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A fraction as a percentage with enough digits for thresholds like 0.1 %: `0.12 %`.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        None => "–".to_owned(),
        Some(r) => {
            let p = r * 100.0;
            if p == 0.0 {
                "0 %".to_owned()
            } else if p < 10.0 {
                format!("{p:.2} %")
            } else {
                format!("{p:.1} %")
            }
        }
    }
}

/// Where a rate stands against a target and a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateStatus {
    /// Below the target.
    Ok,
    /// At or above the target, below the limit.
    OverTarget,
    /// At or above the limit.
    OverLimit,
    /// Nothing to divide by (no sends or no subscribers).
    NoData,
}

impl RateStatus {
    pub fn of(rate: Option<f64>, target: f64, limit: f64) -> RateStatus {
        match rate {
            None => RateStatus::NoData,
            Some(r) if r >= limit => RateStatus::OverLimit,
            Some(r) if r >= target => RateStatus::OverTarget,
            Some(_) => RateStatus::Ok,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RateStatus::Ok => "ok",
            RateStatus::OverTarget => "over target",
            RateStatus::OverLimit => "OVER LIMIT",
            RateStatus::NoData => "no sends",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_and_until() {
        let now = 1_795_000_000;
        assert_eq!(parse_since("30d", now), Ok(now - 30 * DAY));
        assert_eq!(parse_since("12h", now), Ok(now - 12 * 3600));
        assert_eq!(parse_since("2w", now), Ok(now - 14 * DAY));
        assert_eq!(parse_since("2026-11-01", now), Ok(1_793_491_200));
        assert_eq!(parse_since("2026-11-01T12:00:00Z", now), Ok(1_793_491_200 + 12 * 3600));
        assert_eq!(parse_until("2026-11-01"), Ok(1_793_491_200 + DAY));
        for bad in ["", "soon", "30x", "-3d", "d", "2026-13-01"] {
            assert!(parse_since(bad, now).is_err(), "{bad}");
        }
    }

    #[test]
    fn percentages_and_status() {
        assert_eq!(percent(ratio(1, 1000)), "0.10 %");
        assert_eq!(percent(ratio(0, 10)), "0 %");
        assert_eq!(percent(ratio(1, 0)), "–");
        assert_eq!(percent(ratio(1, 4)), "25.0 %");
        assert_eq!(RateStatus::of(Some(0.003), 0.001, 0.003), RateStatus::OverLimit);
        assert_eq!(RateStatus::of(Some(0.002), 0.001, 0.003), RateStatus::OverTarget);
        assert_eq!(RateStatus::of(Some(0.0005), 0.001, 0.003), RateStatus::Ok);
        assert_eq!(RateStatus::of(None, 0.001, 0.003), RateStatus::NoData);
    }
}
