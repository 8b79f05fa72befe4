//! Large synthetic list data for the scoring benchmark, deterministic by seed: a Mailchimp-style
//! subscriber export, an engagement log ordered the way ESPs export it (campaign by campaign,
//! not by address), and a campaign list for `clean`. Subscribers behave in the proportions a
//! real list shows — engaged readers, Apple MPP readers whose opens are all machine opens, link
//! scanners, lapsed readers, silent ones, role accounts and a few unusable addresses — so every
//! scoring rule has work to do. Pure apart from the writers it is handed.

use std::io::{self, Write};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct DatasetSpec {
    pub subscribers: u64,
    /// Engagement rows in total (spread evenly over the subscribers).
    pub engagement: u64,
    pub seed: u64,
    /// The "now" the timeline ends at (unix seconds).
    pub now: i64,
}

/// How a subscriber behaves (and so which rule, if any, should catch it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Opens and clicks like a person: kept.
    Engaged,
    /// Every open comes from Apple's proxy: never-engaged.
    Mpp,
    /// A security scanner opens and clicks seconds after each send: never-engaged.
    Scanner,
    /// Engaged a year ago, silent since: inactive.
    Lapsed,
    /// Never anything: never-engaged.
    Silent,
    /// `info@`, `postmaster@` …: role-account.
    Role,
    /// Not an address: invalid-address.
    Invalid,
}

const DAY: i64 = 86_400;
const FIRST: &[&str] = &["anna", "ben", "chen", "dana", "emil", "fatima", "greta", "hugo", "ines", "jonas", "kenji", "lena", "marco", "nora", "omar", "pia"];
const LAST: &[&str] = &["berg", "costa", "dupont", "ekström", "fischer", "garcia", "hansen", "ito", "jansen", "kowalski", "lopez", "meyer", "novak", "olsen", "rossi", "smith"];
const DOMAINS: &[&str] = &["gmail.com", "gmail.com", "gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com", "example.org", "example.net", "mail.example.de", "web.example", "gmx.example"];
const ROLES: &[&str] = &["info", "sales", "postmaster", "noreply", "support", "admin"];
const HUMAN_UA: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Thunderbird/128.3.1",
];

/// SplitMix64 of `x`: a well-mixed hash for deterministic choices.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<'a>(items: &[&'a str], h: u64) -> &'a str {
    items[usize::try_from(h % items.len() as u64).unwrap_or(0)]
}

impl DatasetSpec {
    fn hash(&self, i: u64) -> u64 {
        mix(i ^ self.seed.rotate_left(32))
    }

    /// Subscriber `i`'s behaviour: 60 % engaged, 10 % MPP, 5 % scanner, 10 % lapsed, 12 %
    /// silent, 2.5 % role accounts, 0.5 % unusable.
    pub fn behaviour(&self, i: u64) -> Behaviour {
        match (self.hash(i) >> 40) % 1000 {
            0..600 => Behaviour::Engaged,
            600..700 => Behaviour::Mpp,
            700..750 => Behaviour::Scanner,
            750..850 => Behaviour::Lapsed,
            850..970 => Behaviour::Silent,
            970..995 => Behaviour::Role,
            _ => Behaviour::Invalid,
        }
    }

    /// Subscriber `i`'s address (unique per `i`).
    pub fn address(&self, i: u64) -> String {
        let h = self.hash(i);
        match self.behaviour(i) {
            Behaviour::Role => format!("{}@company{i}.example", pick(ROLES, h)),
            Behaviour::Invalid => format!("{}.{}{i}(at){}", pick(FIRST, h), pick(LAST, h >> 8), pick(DOMAINS, h >> 16)),
            _ => format!("{}.{}{i}@{}", pick(FIRST, h), pick(LAST, h >> 8), pick(DOMAINS, h >> 16)),
        }
    }

    /// Rows of engagement for subscriber `i`.
    fn rows_of(&self, i: u64) -> u64 {
        let n = self.subscribers.max(1);
        self.engagement / n + u64::from(i < self.engagement % n)
    }

    /// Campaign rounds: 60 % of the average rows per subscriber, at least one.
    fn rounds(&self) -> u64 {
        (self.engagement / self.subscribers.max(1) * 6 / 10).max(1)
    }

    /// When round `j` was sent: spread over the 300 days that end 30 days before now.
    fn sent_at(&self, j: u64, i: u64) -> i64 {
        let rounds = i64::try_from(self.rounds()).unwrap_or(1);
        let j = i64::try_from(j).unwrap_or(0);
        let start = self.now - 330 * DAY;
        start + j * (300 * DAY / rounds.max(1)) + 9 * 3600 + i64::try_from(i % 7200).unwrap_or(0)
    }

    fn signup_at(&self, i: u64) -> i64 {
        self.now - 360 * DAY - i64::try_from(self.hash(i) % (365 * DAY as u64)).unwrap_or(0)
    }
}

/// Writes the subscriber export (Mailchimp audience columns).
pub fn write_subscribers<W: Write>(spec: &DatasetSpec, out: W) -> io::Result<u64> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(out);
    w.write_record(["Email Address", "First Name", "Last Name", "MEMBER_RATING", "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP", "LAST_CHANGED", "TAGS"])?;
    for i in 0..spec.subscribers {
        let h = spec.hash(i);
        let signup = spec.signup_at(i);
        let confirm = signup + 60 + i64::try_from(h % 3600).unwrap_or(0);
        let ip = format!("198.51.{}.{}", (h >> 24) % 256, (h >> 32) % 254 + 1);
        let rating = match spec.behaviour(i) {
            Behaviour::Engaged => "4",
            _ => "2",
        };
        w.write_record([
            spec.address(i).as_str(),
            pick(FIRST, h),
            pick(LAST, h >> 8),
            rating,
            &time(signup),
            &ip,
            &time(confirm),
            &ip,
            &time(confirm),
            "newsletter",
        ])?;
    }
    w.flush()?;
    Ok(spec.subscribers)
}

/// Writes the engagement log, campaign after campaign, into `parts` CSV files (each with a
/// header) of about equal size; returns the rows written.
pub fn write_engagement<W: Write>(spec: &DatasetSpec, mut parts: Vec<W>) -> io::Result<u64> {
    let total = spec.engagement.max(1);
    let per_part = total.div_ceil(parts.len().max(1) as u64);
    let mut writers: Vec<csv::Writer<W>> = parts.drain(..).map(|p| csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(p)).collect();
    for w in &mut writers {
        w.write_record(["email", "event", "timestamp", "campaign", "ip", "user_agent"])?;
    }
    let mut written = 0u64;
    let mut emit = |row: [&str; 6]| -> io::Result<()> {
        let part = usize::try_from(written / per_part).unwrap_or(0).min(writers.len().saturating_sub(1));
        if let Some(w) = writers.get_mut(part) {
            w.write_record(row)?;
        }
        written += 1;
        Ok(())
    };
    let rounds = spec.rounds();
    for j in 0..rounds {
        let campaign = format!("news-{j:03}");
        for i in 0..spec.subscribers {
            let address = spec.address(i);
            let sent = spec.sent_at(j, i);
            emit([&address, "sent", &time(sent), &campaign, "", ""])?;
            let followups = spec.rows_of(i).saturating_sub(rounds);
            for k in (0..followups).filter(|k| k % rounds == j) {
                let (kind, at, ip, agent) = followup(spec, i, k, sent);
                emit([&address, kind, &time(at), &campaign, &ip, agent])?;
            }
        }
    }
    for w in &mut writers {
        w.flush()?;
    }
    Ok(written)
}

/// The `k`-th row after subscriber `i`'s send at `sent`: what its behaviour makes of the mail.
fn followup(spec: &DatasetSpec, i: u64, k: u64, sent: i64) -> (&'static str, i64, String, &'static str) {
    let h = spec.hash(i ^ (k << 40));
    let k64 = i64::try_from(k).unwrap_or(0);
    let human_ip = format!("203.0.{}.{}", (h >> 8) % 100, (h >> 16) % 250 + 1);
    match spec.behaviour(i) {
        Behaviour::Engaged => {
            let at = sent + 3600 + i64::try_from(h % 20_000).unwrap_or(0) + k64;
            (if k % 3 == 2 { "click" } else { "open" }, at, human_ip, pick(HUMAN_UA, h))
        }
        Behaviour::Mpp => ("open", sent + 30 + k64 + i64::try_from(h % 600).unwrap_or(0), format!("17.{}.{}.{}", (h >> 8) % 256, (h >> 16) % 256, (h >> 24) % 254 + 1), "Mozilla/5.0"),
        Behaviour::Scanner => (if k.is_multiple_of(2) { "open" } else { "click" }, sent + 2 + k64 % 30, format!("192.0.2.{}", h % 250 + 1), "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"),
        // Lapsed readers engaged with the first campaign only (ten months ago).
        Behaviour::Lapsed => ("click", spec.sent_at(0, i) + 7200 + k64 * 60, human_ip, pick(HUMAN_UA, h)),
        // Everyone else gets a transactional send instead of a reaction.
        _ => ("sent", sent + 600 + k64, String::new(), ""),
    }
}

/// Writes a campaign list for `clean`: `rows` rows of `id,first_name,email,segment` whose
/// addresses are the subscribers', shuffled, some upper-cased.
pub fn write_campaign_list<W: Write>(spec: &DatasetSpec, rows: u64, out: W) -> io::Result<u64> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(out);
    w.write_record(["id", "first_name", "email", "segment"])?;
    let n = spec.subscribers.max(1);
    // A multiplier coprime with n walks every subscriber once, in a scrambled order.
    let step = (1..).map(|k: u64| 1_000_003 + 2 * k).find(|s| gcd(*s, n) == 1).unwrap_or(1);
    for r in 0..rows {
        let i = (r.wrapping_mul(step)) % n;
        let mut address = spec.address(i);
        if r % 17 == 0 {
            address = address.to_uppercase();
        }
        let h = spec.hash(i);
        w.write_record([&format!("{}", 100_000 + r), pick(FIRST, h), &address, pick(&["a", "b", "c"], h >> 4)])?;
    }
    w.flush()?;
    Ok(rows)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn time(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0).map_or_else(|| at.to_string(), |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> DatasetSpec {
        DatasetSpec { subscribers: 1000, engagement: 10_000, seed: 1, now: 1_796_083_200 }
    }

    #[test]
    fn counts_are_exact_and_output_is_deterministic() {
        let s = spec();
        let mut a = Vec::new();
        let mut b = Vec::new();
        assert_eq!(write_engagement(&s, vec![&mut a]).unwrap(), 10_000);
        write_engagement(&s, vec![&mut b]).unwrap();
        assert_eq!(a, b);
        assert_eq!(String::from_utf8(a).unwrap().lines().count(), 10_001);
        let mut parts = (Vec::new(), Vec::new());
        write_engagement(&s, vec![&mut parts.0, &mut parts.1]).unwrap();
        assert_eq!(String::from_utf8(parts.0).unwrap().lines().count() + String::from_utf8(parts.1).unwrap().lines().count(), 10_002);
    }

    #[test]
    fn behaviours_and_addresses() {
        let s = spec();
        let addresses: std::collections::HashSet<String> = (0..s.subscribers).map(|i| s.address(i)).collect();
        assert_eq!(addresses.len(), 1000, "unique addresses");
        let engaged = (0..s.subscribers).filter(|i| s.behaviour(*i) == Behaviour::Engaged).count();
        assert!((500..700).contains(&engaged), "{engaged}");
        let mut list = Vec::new();
        write_campaign_list(&s, 1000, &mut list).unwrap();
        let text = String::from_utf8(list).unwrap();
        let listed: std::collections::HashSet<String> = text.lines().skip(1).map(|l| l.split(',').nth(2).unwrap_or("").to_lowercase()).collect();
        assert_eq!(listed.len(), 1000, "every subscriber once");
    }
}
