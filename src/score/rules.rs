//! The rules, one small function each. A rule returns a decision when it applies to the
//! history, `None` otherwise.

use std::collections::BTreeSet;

use super::category::{self, Category, Imported};
use super::{day, Decision, Evidence, History, Policy, RuleId};
use crate::domain::{Class, EmailAddress, Verdict};

const DAY: i64 = 86_400;

/// Runs one rule.
pub(super) fn apply(rule: RuleId, h: &History, p: &Policy, now: i64) -> Option<Decision> {
    match rule {
        RuleId::Complaint => complaint(h),
        RuleId::Unsubscribe => unsubscribe(h),
        RuleId::HardBounce => hard_bounce(h),
        RuleId::ImportedSuppression => imported_suppression(h),
        RuleId::SoftBounceRepeated => soft_bounce_repeated(h, p),
        RuleId::InvalidAddress => invalid_address(h),
        RuleId::RoleAccount => role_account(h, p),
        RuleId::NeverEngaged => never_engaged(h, p, now),
        RuleId::Inactive => inactive(h, p, now),
    }
}

fn decision(verdict: Verdict, rule: RuleId, category: Category, evidence: Evidence, evidence_at: Option<i64>, reason: Option<String>, explanation: String) -> Option<Decision> {
    Some(Decision { verdict, rule: Some(rule), category: Some(category), evidence, evidence_at, reason, explanation })
}

/// `3 complaints, the first` / `a complaint`: how many, for explanations.
fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 { one.to_owned() } else { format!("{n} {many}, the first") }
}

fn complaint(h: &History) -> Option<Decision> {
    let events: Vec<_> = h.events_of(Class::Complaint).collect();
    let first = events.first()?;
    let kind = first.feedback_type.as_deref().unwrap_or("abuse");
    let mailbox = if first.provider == "other" { String::new() } else { format!(", {} mailbox", first.provider) };
    let explanation = format!("{} ({kind}{mailbox}) on {}", counted(events.len(), "complaint", "complaints"), day(first.occurred_at));
    let evidence = Evidence { events: events.iter().map(|e| e.id).collect(), ..Evidence::default() };
    decision(Verdict::Suppress, RuleId::Complaint, Category::Complaint, evidence, Some(first.occurred_at), Some(first.reason.clone()), explanation)
}

fn unsubscribe(h: &History) -> Option<Decision> {
    let events: Vec<_> = h.events_of(Class::Unsubscribe).collect();
    let lists: Vec<_> = h.subscriptions.iter().filter(|s| s.status == "unsubscribed").collect();
    let engagement = h.engagement.first_unsubscribe_at;
    let mut said = Vec::new();
    if let Some(e) = events.first() {
        said.push(format!("opt-out report ({}) on {}", e.feedback_type.as_deref().unwrap_or("unsubscribe"), day(e.occurred_at)));
    }
    if let Some(at) = engagement {
        said.push(format!("unsubscribe in the engagement log on {}", day(at)));
    }
    if !lists.is_empty() {
        let names: Vec<&str> = lists.iter().map(|s| if s.list.is_empty() { "(no list)" } else { s.list.as_str() }).collect();
        said.push(format!("status unsubscribed in list {}", names.join(", ")));
    }
    if said.is_empty() {
        return None;
    }
    let evidence = Evidence {
        events: events.iter().map(|e| e.id).collect(),
        subscribers: lists.iter().map(|s| s.id).collect(),
        engagement: h.engagement.first_unsubscribe_id.into_iter().collect(),
        ..Evidence::default()
    };
    let at = events.first().map(|e| e.occurred_at).into_iter().chain(engagement).min();
    decision(Verdict::Suppress, RuleId::Unsubscribe, Category::Unsubscribe, evidence, at, None, format!("unsubscribed: {}", said.join("; ")))
}

fn hard_bounce(h: &History) -> Option<Decision> {
    let events: Vec<_> = h.events_of(Class::Hard).collect();
    let first = events.first()?;
    let code = first.status.as_deref().map(|s| format!(" {s}")).unwrap_or_default();
    let explanation = format!("{} ({}{code}) on {}", counted(events.len(), "hard bounce", "hard bounces"), first.reason, day(first.occurred_at));
    let evidence = Evidence { events: events.iter().map(|e| e.id).collect(), ..Evidence::default() };
    decision(Verdict::Suppress, RuleId::HardBounce, Category::Bounce, evidence, Some(first.occurred_at), Some(first.reason.clone()), explanation)
}

fn imported_suppression(h: &History) -> Option<Decision> {
    let rows: Vec<_> = h
        .suppressions
        .iter()
        .filter_map(|s| match category::imported(&s.source_format, s.reason.as_deref()) {
            Imported::Suppression(c) => Some((s, c)),
            Imported::SenderBlock(_) => None,
        })
        .collect();
    let statuses: Vec<_> = h.subscriptions.iter().filter(|s| matches!(s.status.as_str(), "cleaned" | "blocklisted")).collect();
    let mut said: Vec<String> = rows
        .iter()
        .map(|(s, c)| {
            let when = s.suppressed_at.map(|at| format!(", {}", day(at))).unwrap_or_default();
            format!("{} ({}{when}; {c})", s.source_format, s.reason.as_deref().unwrap_or("no reason"))
        })
        .collect();
    said.extend(statuses.iter().map(|s| format!("list {} status {}", if s.list.is_empty() { "(none)" } else { &s.list }, s.status)));
    if said.is_empty() {
        return None;
    }
    let category = strongest(rows.iter().map(|(_, c)| *c).chain(statuses.iter().map(|s| status_category(&s.status))));
    let evidence = Evidence {
        suppressions: rows.iter().map(|(s, _)| s.id).collect(),
        subscribers: statuses.iter().map(|s| s.id).collect(),
        ..Evidence::default()
    };
    let at = rows.iter().filter_map(|(s, _)| s.suppressed_at).min();
    let reason = rows.first().and_then(|(s, _)| s.reason.clone()).or_else(|| statuses.first().map(|s| s.status.clone()));
    decision(Verdict::Suppress, RuleId::ImportedSuppression, category, evidence, at, reason, format!("imported suppression: {}", said.join("; ")))
}

fn status_category(status: &str) -> Category {
    if status == "cleaned" { Category::Bounce } else { Category::Manual }
}

/// The category an export should file a multi-source suppression under: a complaint outranks
/// a bounce, which outranks an unsubscribe and a manual suppression.
fn strongest(categories: impl Iterator<Item = Category>) -> Category {
    let rank = |c: &Category| match c {
        Category::Complaint => 0,
        Category::Bounce => 1,
        Category::Unsubscribe => 2,
        _ => 3,
    };
    categories.min_by_key(rank).unwrap_or(Category::Manual)
}

/// Soft bounces after the last sign of life (delivery, auto-reply, click, reply), one per UTC
/// day; enough of them over enough days suppress.
fn soft_bounce_repeated(h: &History, p: &Policy) -> Option<Decision> {
    let alive = alive_at(h);
    let mut days = BTreeSet::new();
    let counted: Vec<_> = h
        .events_of(Class::Soft)
        .filter(|e| alive.is_none_or(|a| e.occurred_at > a))
        .filter(|e| days.insert(e.occurred_at.div_euclid(DAY)))
        .collect();
    let (first, last) = (counted.first()?, counted.last()?);
    let span_days = (last.occurred_at.div_euclid(DAY) - first.occurred_at.div_euclid(DAY)) as u64;
    if counted.len() < p.soft_bounce_count as usize || span_days < u64::from(p.soft_bounce_span_days) {
        return None;
    }
    let reasons: BTreeSet<&str> = counted.iter().map(|e| e.reason.as_str()).collect();
    let explanation = format!(
        "{} soft bounces on different days from {} to {} ({span_days} days; {}), no delivery, auto-reply or click since",
        counted.len(),
        day(first.occurred_at),
        day(last.occurred_at),
        reasons.into_iter().collect::<Vec<_>>().join(", ")
    );
    let evidence = Evidence { events: counted.iter().map(|e| e.id).collect(), ..Evidence::default() };
    decision(Verdict::Suppress, RuleId::SoftBounceRepeated, Category::Bounce, evidence, Some(last.occurred_at), Some(last.reason.clone()), explanation)
}

/// The last positive sign from the mailbox: a delivery report, an auto-reply, a click or reply.
fn alive_at(h: &History) -> Option<i64> {
    let events = h.events.iter().filter(|e| matches!(e.class, Class::Delivered | Class::AutoReply)).map(|e| e.occurred_at);
    events.chain(h.engagement.last_human_click_at).chain(h.engagement.last_reply_at).max()
}

fn invalid_address(h: &History) -> Option<Decision> {
    let problem = match EmailAddress::parse(&h.address) {
        Err(e) => e.to_string(),
        Ok(a) if a.as_str() != h.address => format!("{:?} is stored in a form that is not normalised ({})", h.address, a.as_str()),
        Ok(_) => return None,
    };
    let evidence = Evidence { subscribers: h.subscriptions.iter().map(|s| s.id).collect(), ..Evidence::default() };
    decision(Verdict::Flag, RuleId::InvalidAddress, Category::Invalid, evidence, None, None, format!("not a valid address: {problem}"))
}

fn role_account(h: &History, p: &Policy) -> Option<Decision> {
    let local = h.address.rsplit_once('@').map(|(l, _)| l)?;
    if !p.is_role(local) {
        return None;
    }
    let evidence = Evidence { subscribers: h.subscriptions.iter().map(|s| s.id).collect(), ..Evidence::default() };
    let explanation = format!("role account ({local}@): it reaches a team or a machine, not one subscriber");
    decision(Verdict::Flag, RuleId::RoleAccount, Category::Role, evidence, None, None, explanation)
}

fn never_engaged(h: &History, p: &Policy, now: i64) -> Option<Decision> {
    let e = &h.engagement;
    if e.last_engaged_at().is_some() {
        return None;
    }
    let joined = h.joined_at()?;
    let sends = h.sends();
    if now - joined < i64::from(p.never_engaged_days) * DAY || sends < p.never_engaged_min_sends {
        return None;
    }
    let explanation = format!("no click, reply or human open in {sends} sends since {}{}", day(joined), machine_note(h));
    let evidence = Evidence { subscribers: h.subscriptions.iter().map(|s| s.id).collect(), ..Evidence::default() };
    decision(Verdict::Flag, RuleId::NeverEngaged, Category::Sunset, evidence, Some(joined), None, explanation)
}

fn inactive(h: &History, p: &Policy, now: i64) -> Option<Decision> {
    let (since, what) = match h.engagement.last_engaged_at() {
        Some(at) => (at, "last engagement"),
        None => (h.joined_at()?, "joined, never engaged"),
    };
    let mailed_since = h.last_send_at().is_some_and(|s| s > since);
    if now - since < i64::from(p.inactive_days) * DAY || !mailed_since {
        return None;
    }
    let explanation = format!("no click, reply or human open since {} ({what}); mailed since{}", day(since), machine_note(h));
    let evidence = Evidence { subscribers: h.subscriptions.iter().map(|s| s.id).collect(), ..Evidence::default() };
    decision(Verdict::Flag, RuleId::Inactive, Category::Sunset, evidence, Some(since), None, explanation)
}

/// `; 4 machine opens not counted` when opens or clicks were discounted.
fn machine_note(h: &History) -> String {
    let n = h.engagement.machine_opens + h.engagement.machine_clicks;
    if n == 0 { String::new() } else { format!("; {n} machine opens/clicks (Apple MPP or within seconds of a send) not counted") }
}

/// The explanation of a keep: what spoke for the address, and what was deliberately ignored.
pub(super) fn why_kept(h: &History, p: &Policy) -> String {
    let mut notes = Vec::new();
    let sender: Vec<_> = h.events_of(Class::Sender).collect();
    if !sender.is_empty() {
        let reasons: BTreeSet<&str> = sender.iter().map(|e| e.reason.as_str()).collect();
        notes.push(format!(
            "{} sender-side refusals ({}) not counted: the receiver refused the sender, not the address",
            sender.len(),
            reasons.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    let blocks = h.suppressions.iter().filter(|s| matches!(category::imported(&s.source_format, s.reason.as_deref()), Imported::SenderBlock(_))).count();
    if blocks > 0 {
        notes.push(format!("{blocks} imported sender blocks not counted"));
    }
    let soft = h.events_of(Class::Soft).count();
    if soft > 0 {
        notes.push(format!("{soft} soft bounces, below {} on different days over {} days or followed by a sign of life", p.soft_bounce_count, p.soft_bounce_span_days));
    }
    if let Some(at) = h.engagement.last_engaged_at() {
        notes.push(format!("last engaged {}", day(at)));
    }
    if notes.is_empty() { "nothing against this address".to_owned() } else { notes.join("; ") }
}
