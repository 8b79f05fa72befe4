//! The double-opt-in audit: which subscribers' opt-in evidence would not stand up, and which
//! sources bring them. Rules (stable ids, docs/report.md): `missing-signup`,
//! `missing-confirmation`, `confirm-before-signup`, `confirm-too-fast`, `scanner-ip`,
//! `signup-burst`, `mailbox-variant`, `role-account`, `disposable-domain`. Rows are pushed one by
//! one (the store streams a million of them) into an [`AuditBuilder`]; `finish` applies the rules
//! that compare rows (bursts, variants) and returns the model. Pure: no I/O, no clock.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use serde::Serialize;

use super::failon::FailOnResult;
use super::lists::AddressLists;
use super::net::{self, NetworkList};
use super::{ratio, rfc3339};
use crate::config::AuditConfig;
use crate::domain::EmailAddress;

macro_rules! rules {
    ($($variant:ident => $id:literal, $what:literal;)+) => {
        /// An audit rule. The ids are stable: `--fail-on`, `[audit] disable` and the JSON use them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $($variant,)+ }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)+];

            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)+ }
            }

            /// What the rule flags, in one sentence.
            pub fn description(self) -> &'static str {
                match self { $(Rule::$variant => $what,)+ }
            }
        }
    };
}

rules! {
    MissingSignup => "missing-signup", "no signup time or signup IP on record";
    MissingConfirmation => "missing-confirmation", "subscribed without a confirmation time or confirmation IP";
    ConfirmBeforeSignup => "confirm-before-signup", "confirmed before signing up";
    ConfirmTooFast => "confirm-too-fast", "confirmed seconds after the confirmation mail was sent: a link scanner, not a person";
    ScannerIp => "scanner-ip", "confirmed from a link-scanner or data-centre network";
    SignupBurst => "signup-burst", "one of a burst of signups from one IP or /24 (subscription bombing)";
    MailboxVariant => "mailbox-variant", "+tag or Gmail-dot variant of another address on the same list";
    RoleAccount => "role-account", "role address (info@, sales@ …), not a person";
    DisposableDomain => "disposable-domain", "throwaway mailbox domain";
}

impl Rule {
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }

    pub fn ids() -> Vec<&'static str> {
        Rule::ALL.iter().map(|r| r.id()).collect()
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// One subscriber as the store reads it.
#[derive(Debug, Clone, Default)]
pub struct SubscriberRow {
    pub address: String,
    pub list: String,
    pub source: Option<String>,
    pub status: String,
    pub signup_at: Option<i64>,
    pub signup_ip: Option<String>,
    pub confirm_at: Option<i64>,
    pub confirm_ip: Option<String>,
    /// When the confirmation mail went out: the last send to the address between signup and
    /// confirmation (send log or engagement sends), if any.
    pub confirmation_sent_at: Option<i64>,
    /// The address has a complaint event.
    pub complained: bool,
    /// The address has a hard-bounce event.
    pub hard_bounced: bool,
}

/// The audit's knobs, resolved from `[audit]`.
#[derive(Debug, Clone)]
pub struct AuditSettings {
    pub confirm_min_seconds: i64,
    pub burst_signups: usize,
    pub burst_seconds: i64,
    pub scanners: NetworkList,
    pub datacenters: NetworkList,
    pub lists: AddressLists,
    pub disabled: Vec<Rule>,
    /// Fractions.
    pub source_complaint_limit: f64,
    pub source_hard_bounce_limit: f64,
    pub source_flagged_share: f64,
    pub source_min_subscribers: u64,
}

impl AuditSettings {
    pub fn from_config(c: &AuditConfig) -> AuditSettings {
        let mut scanners = NetworkList::default();
        scanners.add(&c.scanner_networks, "scanner");
        let mut datacenters = NetworkList::default();
        datacenters.add(&c.datacenter_networks, "data-centre");
        AuditSettings {
            confirm_min_seconds: i64::try_from(c.confirm_min_seconds).unwrap_or(i64::MAX),
            burst_signups: usize::try_from(c.burst_signups).unwrap_or(usize::MAX).max(2),
            burst_seconds: i64::from(c.burst_minutes) * 60,
            scanners,
            datacenters,
            lists: AddressLists::new(&c.role_accounts, &c.disposable_domains),
            disabled: c.disable.iter().filter_map(|id| Rule::from_id(id)).collect(),
            source_complaint_limit: c.source_complaint_percent / 100.0,
            source_hard_bounce_limit: c.source_hard_bounce_percent / 100.0,
            source_flagged_share: c.source_flagged_percent / 100.0,
            source_min_subscribers: c.source_min_subscribers,
        }
    }
}

/// The audit. Field names are stable (docs/report.md).
#[derive(Debug, Clone, Serialize)]
pub struct AuditModel {
    pub generated_at: String,
    pub settings: SettingsOut,
    /// When a source stands out (fractions; sources smaller than `min_subscribers` never do).
    pub source_limits: SourceLimits,
    pub totals: AuditTotals,
    /// Per list and source, those that stand out first.
    pub sources: Vec<SourceRow>,
    /// Every flagged subscriber, most rules first.
    pub rows: Vec<FlaggedRow>,
    pub fail_on: Vec<FailOnResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SettingsOut {
    pub confirm_min_seconds: i64,
    pub burst_signups: usize,
    pub burst_minutes: i64,
    pub scanner_networks: usize,
    pub datacenter_networks: usize,
    pub disabled: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceLimits {
    pub complaint_rate: f64,
    pub hard_bounce_rate: f64,
    pub flagged_share: f64,
    pub min_subscribers: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditTotals {
    pub subscribers: u64,
    pub confirmed: u64,
    pub flagged: u64,
    pub by_rule: Vec<RuleCount>,
    pub sources: usize,
    pub sources_standing_out: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    pub rule: &'static str,
    pub description: &'static str,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceRow {
    pub list: String,
    /// Empty when the subscribers carry no source.
    pub source: String,
    pub subscribers: u64,
    pub confirmed: u64,
    pub flagged: u64,
    pub flagged_share: Option<f64>,
    /// Rule id → flagged subscribers of this source.
    pub by_rule: BTreeMap<&'static str, u64>,
    /// Confirmed subscribers who complained / hard-bounced, and their share of the confirmed.
    pub confirmed_complaints: u64,
    pub complaint_rate: Option<f64>,
    pub confirmed_hard_bounces: u64,
    pub hard_bounce_rate: Option<f64>,
    pub stands_out: bool,
    pub why: Vec<String>,
}

impl SourceRow {
    /// `list / source` for display.
    pub fn name(&self) -> String {
        let source = if self.source.is_empty() { "(no source)" } else { &self.source };
        if self.list.is_empty() { source.to_owned() } else { format!("{} / {source}", self.list) }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FlaggedRow {
    pub address: String,
    pub list: String,
    pub source: String,
    pub status: String,
    pub signup_at: Option<String>,
    pub signup_ip: Option<String>,
    pub confirm_at: Option<String>,
    pub confirm_ip: Option<String>,
    pub rules: Vec<&'static str>,
    pub details: Vec<String>,
}

struct Sub {
    address: Box<str>,
    group: u32,
    status: Box<str>,
    signup_at: Option<i64>,
    signup_ip: Option<IpAddr>,
    confirm_at: Option<i64>,
    confirm_ip: Option<IpAddr>,
    confirmation_sent_at: Option<i64>,
    flags: u16,
}

/// Collects subscribers one by one, then applies the rules.
pub struct AuditBuilder {
    settings: AuditSettings,
    groups: Vec<(String, String)>,
    group_index: HashMap<(String, String), u32>,
    group_stats: Vec<GroupStats>,
    subs: Vec<Sub>,
}

#[derive(Default, Clone)]
struct GroupStats {
    subscribers: u64,
    confirmed: u64,
    complained: u64,
    hard: u64,
}

impl AuditBuilder {
    pub fn new(settings: AuditSettings) -> AuditBuilder {
        AuditBuilder { settings, groups: Vec::new(), group_index: HashMap::new(), group_stats: Vec::new(), subs: Vec::new() }
    }

    fn enabled(&self, rule: Rule) -> bool {
        !self.settings.disabled.contains(&rule)
    }

    /// Adds one subscriber and applies the rules that need only this row.
    pub fn push(&mut self, row: SubscriberRow) {
        let key = (row.list, row.source.unwrap_or_default());
        let group = match self.group_index.get(&key) {
            Some(&g) => g,
            None => {
                let g = u32::try_from(self.groups.len()).unwrap_or(u32::MAX);
                self.groups.push(key.clone());
                self.group_index.insert(key, g);
                self.group_stats.push(GroupStats::default());
                g
            }
        };
        let signup_ip = row.signup_ip.as_deref().and_then(net::parse_ip);
        let confirm_ip = row.confirm_ip.as_deref().and_then(net::parse_ip);
        let mut flags = 0u16;
        let mut flag = |rule: Rule, on: bool| {
            if on {
                flags |= rule.bit();
            }
        };
        flag(Rule::MissingSignup, row.signup_at.is_none() || signup_ip.is_none());
        let pending = row.status.eq_ignore_ascii_case("pending");
        flag(Rule::MissingConfirmation, !pending && (row.confirm_at.is_none() || confirm_ip.is_none()));
        if let (Some(s), Some(c)) = (row.signup_at, row.confirm_at) {
            flag(Rule::ConfirmBeforeSignup, c < s);
        }
        if let Some(c) = row.confirm_at {
            let base = row.confirmation_sent_at.filter(|t| *t <= c).or(row.signup_at.filter(|t| *t <= c));
            flag(Rule::ConfirmTooFast, base.is_some_and(|b| c - b <= self.settings.confirm_min_seconds));
        }
        if let Some(ip) = confirm_ip {
            flag(Rule::ScannerIp, self.settings.scanners.find(ip).or_else(|| self.settings.datacenters.find(ip)).is_some());
        }
        let (local, domain) = row.address.rsplit_once('@').unwrap_or((row.address.as_str(), ""));
        flag(Rule::RoleAccount, self.settings.lists.role(local).is_some());
        flag(Rule::DisposableDomain, self.settings.lists.disposable(domain).is_some());

        let stats = &mut self.group_stats[group as usize];
        stats.subscribers += 1;
        if row.confirm_at.is_some() {
            stats.confirmed += 1;
            stats.complained += u64::from(row.complained);
            stats.hard += u64::from(row.hard_bounced);
        }
        self.subs.push(Sub {
            address: row.address.into_boxed_str(),
            group,
            status: row.status.into_boxed_str(),
            signup_at: row.signup_at,
            signup_ip,
            confirm_at: row.confirm_at,
            confirm_ip,
            confirmation_sent_at: row.confirmation_sent_at,
            flags,
        });
    }

    /// Applies the rules across rows and builds the model. `now` is the generation time.
    pub fn finish(mut self, now: i64) -> AuditModel {
        let bursts = if self.enabled(Rule::SignupBurst) { self.bursts() } else { HashMap::new() };
        for &i in bursts.keys() {
            self.subs[i as usize].flags |= Rule::SignupBurst.bit();
        }
        let variants = if self.enabled(Rule::MailboxVariant) { self.variants() } else { HashMap::new() };
        for &i in variants.keys() {
            self.subs[i as usize].flags |= Rule::MailboxVariant.bit();
        }
        let mask = self.settings.disabled.iter().fold(u16::MAX, |m, r| m & !r.bit());
        let mut rule_counts = vec![0u64; Rule::ALL.len()];
        let mut group_rules = vec![vec![0u64; Rule::ALL.len()]; self.groups.len()];
        let mut group_flagged = vec![0u64; self.groups.len()];
        let mut rows = Vec::new();
        for (i, sub) in self.subs.iter_mut().enumerate() {
            sub.flags &= mask;
            if sub.flags == 0 {
                continue;
            }
            group_flagged[sub.group as usize] += 1;
            for (k, rule) in Rule::ALL.iter().enumerate() {
                if sub.flags & rule.bit() != 0 {
                    rule_counts[k] += 1;
                    group_rules[sub.group as usize][k] += 1;
                }
            }
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            rows.push(flagged_row(sub, &self.groups[sub.group as usize], &self.settings, bursts.get(&index), variants.get(&index)));
        }
        rows.sort_by(|a, b| b.rules.len().cmp(&a.rules.len()).then_with(|| a.address.cmp(&b.address)).then_with(|| a.list.cmp(&b.list)));

        let s = &self.settings;
        let mut sources: Vec<SourceRow> = self
            .groups
            .iter()
            .enumerate()
            .map(|(g, (list, source))| {
                let st = &self.group_stats[g];
                let complaint_rate = ratio(st.complained, st.confirmed);
                let hard_bounce_rate = ratio(st.hard, st.confirmed);
                let flagged_share = ratio(group_flagged[g], st.subscribers);
                let mut why = Vec::new();
                if st.subscribers >= s.source_min_subscribers {
                    let pct = |r: f64| super::percent(Some(r));
                    if let Some(r) = complaint_rate.filter(|r| *r >= s.source_complaint_limit && st.complained > 0) {
                        why.push(format!("complaint rate of confirmed subscribers {} (limit {})", pct(r), pct(s.source_complaint_limit)));
                    }
                    if let Some(r) = hard_bounce_rate.filter(|r| *r >= s.source_hard_bounce_limit && st.hard > 0) {
                        why.push(format!("hard-bounce rate of confirmed subscribers {} (limit {})", pct(r), pct(s.source_hard_bounce_limit)));
                    }
                    if let Some(r) = flagged_share.filter(|r| *r >= s.source_flagged_share && group_flagged[g] > 0) {
                        why.push(format!("{} of its subscribers flagged (limit {})", pct(r), pct(s.source_flagged_share)));
                    }
                }
                SourceRow {
                    list: list.clone(),
                    source: source.clone(),
                    subscribers: st.subscribers,
                    confirmed: st.confirmed,
                    flagged: group_flagged[g],
                    flagged_share,
                    by_rule: Rule::ALL
                        .iter()
                        .zip(&group_rules[g])
                        .filter(|(_, n)| **n > 0)
                        .map(|(r, n)| (r.id(), *n))
                        .collect(),
                    confirmed_complaints: st.complained,
                    complaint_rate,
                    confirmed_hard_bounces: st.hard,
                    hard_bounce_rate,
                    stands_out: !why.is_empty(),
                    why,
                }
            })
            .collect();
        sources.sort_by(|a, b| {
            b.stands_out
                .cmp(&a.stands_out)
                .then(b.flagged_share.unwrap_or(0.0).total_cmp(&a.flagged_share.unwrap_or(0.0)))
                .then(b.subscribers.cmp(&a.subscribers))
                .then_with(|| a.name().cmp(&b.name()))
        });
        let totals = AuditTotals {
            subscribers: self.subs.len() as u64,
            confirmed: self.group_stats.iter().map(|g| g.confirmed).sum(),
            flagged: rows.len() as u64,
            by_rule: Rule::ALL
                .iter()
                .zip(&rule_counts)
                .filter(|(r, _)| !s.disabled.contains(r))
                .map(|(r, n)| RuleCount { rule: r.id(), description: r.description(), count: *n })
                .collect(),
            sources: sources.len(),
            sources_standing_out: sources.iter().filter(|s| s.stands_out).count(),
        };
        AuditModel {
            generated_at: rfc3339(now),
            settings: SettingsOut {
                confirm_min_seconds: s.confirm_min_seconds,
                burst_signups: s.burst_signups,
                burst_minutes: s.burst_seconds / 60,
                scanner_networks: s.scanners.len(),
                datacenter_networks: s.datacenters.len(),
                disabled: s.disabled.iter().map(|r| r.id()).collect(),
            },
            source_limits: SourceLimits {
                complaint_rate: s.source_complaint_limit,
                hard_bounce_rate: s.source_hard_bounce_limit,
                flagged_share: s.source_flagged_share,
                min_subscribers: s.source_min_subscribers,
            },
            totals,
            sources,
            rows,
            fail_on: Vec::new(),
        }
    }

    /// Rows in a burst: (count in the largest window, where from), by row index.
    fn bursts(&self) -> HashMap<u32, (usize, String)> {
        let by_ip: Vec<(IpAddr, i64, u32)> = self
            .subs
            .iter()
            .enumerate()
            .filter_map(|(i, sub)| Some((sub.signup_ip?, sub.signup_at?, u32::try_from(i).unwrap_or(u32::MAX))))
            .collect();
        let mut by_net: Vec<(IpAddr, i64, u32)> =
            by_ip.iter().map(|&(ip, at, i)| (net::neighbourhood(ip).network(), at, i)).collect();
        let mut by_ip = by_ip;
        let mut out: HashMap<u32, (usize, String)> = HashMap::new();
        let (k, window) = (self.settings.burst_signups, self.settings.burst_seconds);
        // Neighbourhoods first, so a single IP's own (more precise) burst overwrites them.
        mark_bursts_per_key(&mut by_net, k, window, |net_ip, row, n| {
            let e = out.entry(row).or_insert((0, String::new()));
            if n > e.0 {
                *e = (n, net::neighbourhood(net_ip).to_string());
            }
        });
        mark_bursts_per_key(&mut by_ip, k, window, |ip, row, n| {
            out.insert(row, (n, ip.to_string()));
        });
        out
    }

    /// Rows whose canonical mailbox another address on the same list shares: (canonical, how
    /// many addresses), by row index.
    fn variants(&self) -> HashMap<u32, (String, usize)> {
        // Variants are found per list, whatever the source: one mailbox table per list. Each
        // canonical mailbox gets a number; rows keep the number, mailboxes count their rows.
        let list_of = self.list_numbers();
        let lists = list_of.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
        let mut rows_per_list = vec![0usize; lists];
        for sub in &self.subs {
            rows_per_list[list_of[sub.group as usize] as usize] += 1;
        }
        let mut mailboxes: Vec<HashMap<String, u32>> = rows_per_list.into_iter().map(HashMap::with_capacity).collect();
        let mut sizes: Vec<u32> = Vec::new();
        let mut mailbox_of: Vec<Option<u32>> = Vec::with_capacity(self.subs.len());
        for sub in &self.subs {
            let Ok(address) = EmailAddress::parse(&sub.address) else {
                mailbox_of.push(None);
                continue;
            };
            let next = u32::try_from(sizes.len()).unwrap_or(u32::MAX);
            let id = *mailboxes[list_of[sub.group as usize] as usize].entry(address.canonical_mailbox()).or_insert(next);
            if id == next {
                sizes.push(0);
            }
            sizes[id as usize] += 1;
            mailbox_of.push(Some(id));
        }
        let shared = |id: u32| sizes[id as usize] > 1;
        let names: HashMap<u32, String> =
            mailboxes.into_iter().flatten().filter(|(_, id)| shared(*id)).map(|(canonical, id)| (id, canonical)).collect();
        mailbox_of
            .iter()
            .enumerate()
            .filter_map(|(i, id)| {
                let id = id.filter(|id| shared(*id))?;
                let canonical = names.get(&id).cloned().unwrap_or_default();
                Some((u32::try_from(i).unwrap_or(u32::MAX), (canonical, sizes[id as usize] as usize)))
            })
            .collect()
    }

    /// A number per distinct list, by group index.
    fn list_numbers(&self) -> Vec<u32> {
        let mut lists: HashMap<&str, u32> = HashMap::new();
        self.groups
            .iter()
            .map(|(list, _)| {
                let next = u32::try_from(lists.len()).unwrap_or(u32::MAX);
                *lists.entry(list.as_str()).or_insert(next)
            })
            .collect()
    }
}

/// Sorts `signups` (key, time, row) by key and calls `mark(key, row, n)` for every row in a
/// burst among its key's signups (see [`mark_bursts`]). Keys with fewer than `k` signups are
/// skipped at once: most IPs and neighbourhoods sign up once.
fn mark_bursts_per_key(signups: &mut [(IpAddr, i64, u32)], k: usize, window: i64, mut mark: impl FnMut(IpAddr, u32, usize)) {
    signups.sort_unstable();
    for same_key in signups.chunk_by(|a, b| a.0 == b.0) {
        if same_key.len() < k {
            continue;
        }
        let key = same_key[0].0;
        let mut times: Vec<(i64, u32)> = same_key.iter().map(|&(_, at, row)| (at, row)).collect();
        mark_bursts(&mut times, k, window, |row, n| mark(key, row, n));
    }
}

/// Sorts `times` and calls `mark(row, n)` for every row inside a window of `window` seconds
/// holding at least `k` signups (`n` = the largest such window's size).
fn mark_bursts(times: &mut [(i64, u32)], k: usize, window: i64, mut mark: impl FnMut(u32, usize)) {
    if times.len() < k {
        return;
    }
    times.sort_unstable();
    let mut best = vec![0usize; times.len()];
    let mut start = 0;
    for end in 0..times.len() {
        while times[end].0 - times[start].0 > window {
            start += 1;
        }
        let n = end - start + 1;
        if n >= k {
            for b in &mut best[start..=end] {
                *b = (*b).max(n);
            }
        }
    }
    for (i, n) in best.into_iter().enumerate() {
        if n > 0 {
            mark(times[i].1, n);
        }
    }
}

fn flagged_row(
    sub: &Sub,
    group: &(String, String),
    s: &AuditSettings,
    burst: Option<&(usize, String)>,
    variant: Option<&(String, usize)>,
) -> FlaggedRow {
    let mut rules = Vec::new();
    let mut details = Vec::new();
    for &rule in Rule::ALL {
        if sub.flags & rule.bit() == 0 {
            continue;
        }
        rules.push(rule.id());
        let detail = match rule {
            Rule::MissingSignup => match (sub.signup_at, sub.signup_ip) {
                (None, None) => "no signup time or IP".to_owned(),
                (None, Some(_)) => "no signup time".to_owned(),
                _ => "no signup IP".to_owned(),
            },
            Rule::MissingConfirmation => match (sub.confirm_at, sub.confirm_ip) {
                (None, None) => format!("status {} but no confirmation time or IP", sub.status),
                (None, Some(_)) => "no confirmation time".to_owned(),
                _ => "no confirmation IP".to_owned(),
            },
            Rule::ConfirmBeforeSignup => format!(
                "confirmed {} before signing up",
                seconds(sub.signup_at.unwrap_or(0) - sub.confirm_at.unwrap_or(0))
            ),
            Rule::ConfirmTooFast => {
                let c = sub.confirm_at.unwrap_or(0);
                match sub.confirmation_sent_at.filter(|t| *t <= c) {
                    Some(sent) => format!("confirmed {} after the confirmation mail was sent", seconds(c - sent)),
                    None => format!("confirmed {} after signing up (send time unknown)", seconds(c - sub.signup_at.unwrap_or(c))),
                }
            }
            Rule::ScannerIp => {
                let ip = sub.confirm_ip;
                match ip.and_then(|ip| s.scanners.find(ip).or_else(|| s.datacenters.find(ip))) {
                    Some((cidr, list)) => format!("confirmation IP {} is in {list} network {cidr}", ip.map(|i| i.to_string()).unwrap_or_default()),
                    None => "confirmation IP in a scanner network".to_owned(),
                }
            }
            Rule::SignupBurst => match burst {
                Some((n, from)) => format!("one of {n} signups from {from} within {} min", s.burst_seconds / 60),
                None => "part of a signup burst".to_owned(),
            },
            Rule::MailboxVariant => match variant {
                Some((canonical, n)) => format!("one of {n} addresses of mailbox {canonical}"),
                None => "variant of another address".to_owned(),
            },
            Rule::RoleAccount => {
                let local = sub.address.rsplit_once('@').map_or(&*sub.address, |(l, _)| l);
                format!("role account {}@", s.lists.role(local).unwrap_or(local))
            }
            Rule::DisposableDomain => {
                let domain = sub.address.rsplit_once('@').map_or("", |(_, d)| d);
                format!("disposable domain {}", s.lists.disposable(domain).unwrap_or(domain))
            }
        };
        details.push(detail);
    }
    FlaggedRow {
        address: sub.address.to_string(),
        list: group.0.clone(),
        source: group.1.clone(),
        status: sub.status.to_string(),
        signup_at: sub.signup_at.map(rfc3339),
        signup_ip: sub.signup_ip.map(|i| i.to_string()),
        confirm_at: sub.confirm_at.map(rfc3339),
        confirm_ip: sub.confirm_ip.map(|i| i.to_string()),
        rules,
        details,
    }
}

fn seconds(s: i64) -> String {
    let s = s.abs();
    match s {
        0..120 => format!("{s} s"),
        120..7200 => format!("{} min", s / 60),
        7200..172_800 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> AuditSettings {
        let config = AuditConfig { scanner_networks: vec!["192.0.2.0/24".into()], ..AuditConfig::default() };
        AuditSettings::from_config(&config)
    }

    fn row(address: &str, source: &str, signup: i64, ip: &str, confirm: Option<(i64, &str)>) -> SubscriberRow {
        SubscriberRow {
            address: address.into(),
            list: "news".into(),
            source: Some(source.into()),
            status: "subscribed".into(),
            signup_at: Some(signup),
            signup_ip: Some(ip.into()),
            confirm_at: confirm.map(|c| c.0),
            confirm_ip: confirm.map(|c| c.1.into()),
            ..SubscriberRow::default()
        }
    }

    fn rules_of<'a>(m: &'a AuditModel, address: &str) -> Vec<&'a str> {
        m.rows.iter().find(|r| r.address == address).map(|r| r.rules.clone()).unwrap_or_default()
    }

    #[test]
    fn each_rule_flags_what_it_should_and_nothing_else() {
        let t = 1_790_000_000;
        let mut b = AuditBuilder::new(settings());
        b.push(row("good@example.org", "form", t, "198.51.1.1", Some((t + 600, "198.51.1.1"))));
        b.push(SubscriberRow { signup_ip: None, ..row("noip@example.org", "form", t, "x", Some((t + 600, "198.51.2.1"))) });
        b.push(row("unconfirmed@example.org", "import", t, "198.51.3.1", None));
        b.push(SubscriberRow { status: "pending".into(), ..row("pending@example.org", "form", t, "198.51.4.1", None) });
        b.push(row("early@example.org", "form", t, "198.51.5.1", Some((t - 3600, "198.51.5.1"))));
        b.push(SubscriberRow { confirmation_sent_at: Some(t + 100), ..row("scanned@example.org", "form", t, "198.51.6.1", Some((t + 103, "192.0.2.44"))) });
        b.push(row("info@example.org", "form", t + 5000, "198.51.7.1", Some((t + 9000, "198.51.7.1"))));
        b.push(row("x@mailinator.com", "form", t + 5000, "198.51.8.1", Some((t + 9000, "198.51.8.1"))));
        b.push(row("j.doe@gmail.com", "form", t + 20_000, "198.51.9.1", Some((t + 29_000, "198.51.9.1"))));
        b.push(row("jdoe+news@gmail.com", "contest", t + 30_000, "198.51.10.1", Some((t + 39_000, "198.51.10.1"))));
        for n in 0..6 {
            b.push(row(&format!("victim{n}@example.net"), "contest", t + 50_000 + n * 30, &format!("203.0.113.{}", n + 1), Some((t + 90_000, "198.51.100.20"))));
        }
        let m = b.finish(t);
        assert!(rules_of(&m, "good@example.org").is_empty());
        assert_eq!(rules_of(&m, "noip@example.org"), ["missing-signup"]);
        assert_eq!(rules_of(&m, "unconfirmed@example.org"), ["missing-confirmation"]);
        assert!(rules_of(&m, "pending@example.org").is_empty());
        assert_eq!(rules_of(&m, "early@example.org"), ["confirm-before-signup"]);
        assert_eq!(rules_of(&m, "scanned@example.org"), ["confirm-too-fast", "scanner-ip"]);
        assert_eq!(rules_of(&m, "info@example.org"), ["role-account"]);
        assert_eq!(rules_of(&m, "x@mailinator.com"), ["disposable-domain"]);
        assert_eq!(rules_of(&m, "j.doe@gmail.com"), ["mailbox-variant"]);
        assert_eq!(rules_of(&m, "jdoe+news@gmail.com"), ["mailbox-variant"]);
        assert_eq!(rules_of(&m, "victim0@example.net"), ["signup-burst"]);
        let victim = m.rows.iter().find(|r| r.address == "victim3@example.net").unwrap();
        assert_eq!(victim.details, ["one of 6 signups from 203.0.113.0/24 within 10 min"]);
        let scanned = m.rows.iter().find(|r| r.address == "scanned@example.org").unwrap();
        assert_eq!(scanned.details[0], "confirmed 3 s after the confirmation mail was sent");
        assert!(scanned.details[1].contains("192.0.2.0/24"), "{:?}", scanned.details);
        assert_eq!(m.totals.subscribers, 16);
        assert_eq!(m.totals.flagged, 15 - 1);
        let burst = m.totals.by_rule.iter().find(|r| r.rule == "signup-burst").unwrap();
        assert_eq!(burst.count, 6);
    }

    #[test]
    fn bursts_need_k_signups_within_the_window() {
        let t = 1_790_000_000;
        let mut b = AuditBuilder::new(settings());
        // Four from one IP within minutes (below 5), five spread over hours.
        for n in 0..4 {
            b.push(row(&format!("a{n}@example.net"), "form", t + n * 60, "198.51.100.50", None));
        }
        for n in 0..5 {
            b.push(row(&format!("b{n}@example.net"), "form", t + n * 3600, "203.0.113.60", None));
        }
        let m = b.finish(t);
        assert!(m.rows.iter().all(|r| !r.rules.contains(&"signup-burst")), "{:?}", m.rows);
    }

    #[test]
    fn a_bad_source_stands_out_and_disabled_rules_are_off() {
        let t = 1_790_000_000;
        let config = AuditConfig { disable: vec!["role-account".into()], ..AuditConfig::default() };
        let mut b = AuditBuilder::new(AuditSettings::from_config(&config));
        for n in 0..40 {
            let mut r = row(&format!("p{n}@example.net"), "partner-list", t + n * 7200, &format!("198.51.{n}.1"), Some((t + n * 7200 + 900, "198.51.100.1")));
            r.complained = n < 3;
            b.push(r);
            b.push(row(&format!("f{n}@example.org"), "website", t + n * 7200, &format!("203.0.{n}.1"), Some((t + n * 7200 + 900, "203.0.113.1"))));
        }
        b.push(row("info@example.com", "website", t, "198.51.100.1", Some((t + 900, "198.51.100.1"))));
        let m = b.finish(t);
        assert_eq!(m.sources[0].source, "partner-list");
        assert!(m.sources[0].stands_out);
        assert!(m.sources[0].why[0].contains("complaint rate"), "{:?}", m.sources[0].why);
        assert!(!m.sources[1].stands_out);
        assert!(m.totals.by_rule.iter().all(|r| r.rule != "role-account"));
        assert_eq!(m.totals.flagged, 0);
    }
}
