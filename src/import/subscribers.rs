//! The subscriber CSV: generic lists, Mailchimp audience exports (`Email Address`, `OPTIN_TIME`,
//! `OPTIN_IP`, `CONFIRM_TIME`, `CONFIRM_IP`, `MEMBER_RATING`, `LAST_CHANGED`, `TAGS`, and the
//! `UNSUB_TIME` / `CLEAN_TIME` of the unsubscribed and cleaned files) and listmonk exports
//! (`email`, `name`, `attributes`, `status`, `created_at`, `updated_at`). Turns rows into
//! [`SubscriberRecord`]s or row errors; columns no field takes are kept as a JSON object.

use std::net::IpAddr;

use serde::Serialize;

use super::{FieldSpec, Mapping, parse_time};
use crate::domain::CheckedAddress;

/// The fields of a subscriber row and the headers they are recognised by.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "email",
        synonyms: &["email_address", "e_mail", "mail", "subscriber_email", "subscriber", "recipient", "address"],
        required: true,
    },
    FieldSpec { name: "list", synonyms: &["list_name", "list_id", "audience", "audience_name", "audience_id", "newsletter"], required: false },
    FieldSpec { name: "source", synonyms: &["signup_source", "subscription_source", "origin", "form", "optin_source"], required: false },
    FieldSpec { name: "status", synonyms: &["member_status", "subscription_status", "subscriber_status", "state"], required: false },
    FieldSpec {
        name: "signup_at",
        synonyms: &["optin_time", "signup_time", "signup_date", "subscribed_at", "subscribed", "timestamp_signup", "created_at", "created", "date_added", "joined"],
        required: false,
    },
    FieldSpec { name: "signup_ip", synonyms: &["optin_ip", "ip_signup", "signup_ip_address", "ip", "ip_address"], required: false },
    FieldSpec {
        name: "confirm_at",
        synonyms: &["confirm_time", "confirmed_at", "confirmation_time", "confirmed", "timestamp_opt", "optin_confirmed_at", "doi_at"],
        required: false,
    },
    FieldSpec { name: "confirm_ip", synonyms: &["confirm_ip", "confirmed_ip", "ip_opt", "confirmation_ip"], required: false },
    FieldSpec { name: "rating", synonyms: &["member_rating", "score", "stars"], required: false },
    FieldSpec { name: "tags", synonyms: &["labels", "tag"], required: false },
    FieldSpec { name: "last_changed_at", synonyms: &["last_changed", "updated_at", "updated", "modified", "modified_at", "last_modified"], required: false },
    FieldSpec { name: "unsubscribed_at", synonyms: &["unsub_time", "unsubscribe_time", "optout_time", "opted_out_at"], required: false },
    FieldSpec { name: "cleaned_at", synonyms: &["clean_time", "cleaned_time", "bounced_at"], required: false },
];

const ADDRESS: usize = 0;
const LIST: usize = 1;
const SOURCE: usize = 2;
const STATUS: usize = 3;
const SIGNUP_AT: usize = 4;
const SIGNUP_IP: usize = 5;
const CONFIRM_AT: usize = 6;
const CONFIRM_IP: usize = 7;
const RATING: usize = 8;
const TAGS: usize = 9;
const LAST_CHANGED: usize = 10;
const UNSUBSCRIBED_AT: usize = 11;
const CLEANED_AT: usize = 12;

/// What a whole file's rows default to (`--list`, `--status`).
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    pub list: Option<String>,
    pub status: Option<String>,
}

/// One valid subscriber row, normalised. Field names are the column names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubscriberRecord {
    pub address: String,
    /// False for an address kept although it is not valid (scoring flags it).
    #[serde(skip)]
    pub valid: bool,
    pub list: String,
    pub source: Option<String>,
    pub status: String,
    pub signup_at: Option<i64>,
    pub signup_ip: Option<String>,
    pub confirm_at: Option<i64>,
    pub confirm_ip: Option<String>,
    pub rating: Option<f64>,
    pub tags: Option<String>,
    pub last_changed_at: Option<i64>,
    /// JSON object of the columns no field took (non-empty cells only).
    pub extra: Option<String>,
}

impl SubscriberRecord {
    /// Folds a later row of the same address and list into this one, as the import merges a row
    /// into the table: the later status wins, and each empty cell keeps the earlier value (a
    /// rating that is not a finite number counts as empty).
    pub fn absorb(&mut self, later: SubscriberRecord) {
        fn newer<T>(earlier: &mut Option<T>, later: Option<T>) {
            if later.is_some() {
                *earlier = later;
            }
        }
        self.valid = later.valid;
        self.status = later.status;
        newer(&mut self.source, later.source);
        newer(&mut self.signup_at, later.signup_at);
        newer(&mut self.signup_ip, later.signup_ip);
        newer(&mut self.confirm_at, later.confirm_at);
        newer(&mut self.confirm_ip, later.confirm_ip);
        newer(&mut self.rating, later.rating.filter(|v| v.is_finite()));
        newer(&mut self.tags, later.tags);
        newer(&mut self.last_changed_at, later.last_changed_at);
        newer(&mut self.extra, later.extra);
    }
}

/// Reads one row; `Err` says what is wrong with it (without file and line).
pub fn record(mapping: &Mapping, headers: &[String], row: &csv::StringRecord, defaults: &Defaults) -> Result<SubscriberRecord, String> {
    let raw = mapping.get(row, ADDRESS).ok_or("empty address")?;
    let address = CheckedAddress::check(raw).ok_or("empty address")?;
    let time = |f: usize, name: &str| mapping.get(row, f).map(parse_time).transpose().map_err(|e| format!("{name}: {e}"));
    let ip = |f: usize, name: &str| mapping.get(row, f).map(|v| checked_ip(v).map_err(|e| format!("{name}: {e}"))).transpose();
    let unsubscribed_at = time(UNSUBSCRIBED_AT, "unsubscribed_at")?;
    let cleaned_at = time(CLEANED_AT, "cleaned_at")?;
    let status = match mapping.get(row, STATUS) {
        Some(s) => normalise_status(s),
        None if cleaned_at.is_some() => "cleaned".to_owned(),
        None if unsubscribed_at.is_some() => "unsubscribed".to_owned(),
        None => defaults.status.as_deref().map_or_else(|| "subscribed".to_owned(), normalise_status),
    };
    let rating = mapping.get(row, RATING).map(|v| v.parse::<f64>().map_err(|_| format!("rating: {v:?} is not a number"))).transpose()?;
    Ok(SubscriberRecord {
        valid: address.is_valid(),
        address: address.into_string(),
        list: mapping.get(row, LIST).map(str::to_owned).or_else(|| defaults.list.clone()).unwrap_or_default(),
        source: mapping.get(row, SOURCE).map(str::to_owned),
        status,
        signup_at: time(SIGNUP_AT, "signup_at")?,
        signup_ip: ip(SIGNUP_IP, "signup_ip")?,
        confirm_at: time(CONFIRM_AT, "confirm_at")?,
        confirm_ip: ip(CONFIRM_IP, "confirm_ip")?,
        rating,
        tags: mapping.get(row, TAGS).map(str::to_owned),
        last_changed_at: time(LAST_CHANGED, "last_changed_at")?.or(unsubscribed_at).or(cleaned_at),
        extra: extra_columns(mapping, headers, row),
    })
}

/// The status vocabulary scoring acts on: `subscribed`, `pending`, `unsubscribed`, `cleaned`,
/// `blocklisted`; other values are kept lower-cased.
pub fn normalise_status(value: &str) -> String {
    let v = value.trim().to_ascii_lowercase();
    match v.as_str() {
        "subscribed" | "active" | "enabled" | "confirmed" | "opted_in" | "optin" | "opt-in" => "subscribed",
        "pending" | "unconfirmed" => "pending",
        "unsubscribed" | "unsubscribe" | "opted_out" | "optout" | "opt-out" => "unsubscribed",
        "cleaned" | "bounced" | "hard_bounce" | "hardbounce" => "cleaned",
        "blocklisted" | "blacklisted" | "blocklist" | "suppressed" => "blocklisted",
        _ => return v,
    }
    .to_owned()
}

/// The address in its canonical text. An IPv4 address the parser accepts is already canonical
/// (four decimal octets, no leading zeros), so it is kept as written instead of formatted again,
/// which was a tenth of the time spent reading a subscriber row.
fn checked_ip(value: &str) -> Result<String, String> {
    match value.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => Ok(value.to_owned()),
        Ok(ip) => Ok(ip.to_string()),
        Err(_) => Err(format!("{value:?} is not an IP address")),
    }
}

fn extra_columns(mapping: &Mapping, headers: &[String], row: &csv::StringRecord) -> Option<String> {
    let mut object = serde_json::Map::new();
    for (i, header) in headers.iter().enumerate() {
        let cell = row.get(i).map(str::trim).unwrap_or_default();
        if cell.is_empty() || (mapping.columns.contains(&Some(i)) && !is_kept_anyway(mapping, i)) {
            continue;
        }
        object.insert(header.trim_start_matches('\u{feff}').to_owned(), serde_json::Value::String(cell.to_owned()));
    }
    (!object.is_empty()).then(|| serde_json::Value::Object(object).to_string())
}

/// `UNSUB_TIME` and `CLEAN_TIME` only set the status; their values are kept as imported too.
fn is_kept_anyway(mapping: &Mapping, column: usize) -> bool {
    [UNSUBSCRIBED_AT, CLEANED_AT].iter().any(|&f| mapping.columns[f] == Some(column))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::map_headers;

    fn headers(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn mailchimp_audience_export() {
        let h = headers(&["Email Address", "First Name", "MEMBER_RATING", "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP", "LAST_CHANGED", "TAGS"]);
        let m = map_headers(&h, FIELDS, &[]).unwrap();
        let row = csv::StringRecord::from(vec![
            "Neko@Example.JP", "Neko", "2", "2026-01-02 10:00:00", "192.0.2.7", "2026-01-02 10:05:00", "192.0.2.8", "2026-02-01 00:00:00", "\"vip\",\"cats\"",
        ]);
        let r = record(&m, &h, &row, &Defaults { list: Some("news".into()), status: None }).unwrap();
        assert_eq!(r.address, "neko@example.jp");
        assert!(r.valid);
        assert_eq!(r.list, "news");
        assert_eq!(r.status, "subscribed");
        assert_eq!(r.signup_at, Some(1_767_348_000));
        assert_eq!(r.confirm_at, Some(1_767_348_300));
        assert_eq!(r.signup_ip.as_deref(), Some("192.0.2.7"));
        assert_eq!(r.rating, Some(2.0));
        assert_eq!(r.extra.as_deref(), Some(r#"{"First Name":"Neko"}"#));
    }

    #[test]
    fn unsubscribed_and_cleaned_files_set_the_status() {
        let h = headers(&["Email Address", "UNSUB_TIME"]);
        let m = map_headers(&h, FIELDS, &[]).unwrap();
        let r = record(&m, &h, &csv::StringRecord::from(vec!["a@example.com", "2026-03-01"]), &Defaults::default()).unwrap();
        assert_eq!(r.status, "unsubscribed");
        assert_eq!(r.extra.as_deref(), Some(r#"{"UNSUB_TIME":"2026-03-01"}"#));
        let h = headers(&["Email Address", "CLEAN_TIME"]);
        let m = map_headers(&h, FIELDS, &[]).unwrap();
        let r = record(&m, &h, &csv::StringRecord::from(vec!["a@example.com", "2026-03-01"]), &Defaults::default()).unwrap();
        assert_eq!(r.status, "cleaned");
    }

    #[test]
    fn listmonk_export() {
        let h = headers(&["uuid", "email", "name", "attributes", "status", "created_at", "updated_at"]);
        let m = map_headers(&h, FIELDS, &[]).unwrap();
        let row = csv::StringRecord::from(vec!["6c2f…", "x@example.org", "X", "{\"city\":\"Oslo\"}", "blocklisted", "2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z"]);
        let r = record(&m, &h, &row, &Defaults::default()).unwrap();
        assert_eq!(r.status, "blocklisted");
        assert_eq!(r.signup_at, Some(1_767_225_600));
        assert_eq!(r.last_changed_at, Some(1_767_571_200));
    }

    #[test]
    fn invalid_addresses_are_kept_bad_cells_are_errors() {
        let h = headers(&["email", "optin_ip", "member_rating"]);
        let m = map_headers(&h, FIELDS, &[]).unwrap();
        let r = record(&m, &h, &csv::StringRecord::from(vec!["Not An Address", "", ""]), &Defaults::default()).unwrap();
        assert!(!r.valid);
        assert_eq!(r.address, "not an address");
        let e = record(&m, &h, &csv::StringRecord::from(vec!["a@example.com", "999.1.1.1", ""]), &Defaults::default()).unwrap_err();
        assert!(e.starts_with("signup_ip"), "{e}");
        let e = record(&m, &h, &csv::StringRecord::from(vec!["a@example.com", "", "five"]), &Defaults::default()).unwrap_err();
        assert!(e.starts_with("rating"), "{e}");
        assert_eq!(record(&m, &h, &csv::StringRecord::from(vec!["  ", "", ""]), &Defaults::default()).unwrap_err(), "empty address");
    }

    #[test]
    fn addresses_come_out_in_canonical_text_and_octal_looking_ones_are_refused() {
        assert_eq!(checked_ip("192.0.2.7").unwrap(), "192.0.2.7");
        assert_eq!(checked_ip("0.0.0.0").unwrap(), "0.0.0.0");
        assert_eq!(checked_ip("2001:DB8:0:0::1").unwrap(), "2001:db8::1");
        assert_eq!(checked_ip("::ffff:192.0.2.1").unwrap(), "::ffff:192.0.2.1");
        for bad in ["192.0.2.07", "192.0.2", " 192.0.2.7", "192.0.2.7 ", "1.2.3.256", "+1.2.3.4"] {
            assert!(checked_ip(bad).is_err(), "{bad} accepted");
        }
    }
}
