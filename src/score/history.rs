//! What scoring knows about one address: its subscriptions, recipient events, engagement
//! summary, send-log summary and imported suppressions. Plain values, filled by the store.

use serde::{Deserialize, Serialize};

use crate::domain::Class;

/// Everything the rules look at for one address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// The address as stored (normalised, or kept as imported when it is not valid).
    pub address: String,
    pub subscriptions: Vec<Subscription>,
    /// Recipient events, oldest first (`info` events are left out).
    pub events: Vec<EventFact>,
    pub engagement: Engagement,
    pub send_log: SendLog,
    pub suppressions: Vec<ImportedSuppression>,
}

/// One `subscribers` row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: i64,
    pub list: String,
    pub status: String,
    pub signup_at: Option<i64>,
    pub confirm_at: Option<i64>,
}

/// One `events` row, as much as the rules need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFact {
    pub id: i64,
    pub class: Class,
    /// Sisimai reason (`userunknown`, `mailboxfull`, `feedback` …).
    pub reason: String,
    pub occurred_at: i64,
    pub status: Option<String>,
    pub feedback_type: Option<String>,
    /// Receiving provider family of the address (microsoft, gmail, yahoo, apple, other).
    pub provider: String,
}

/// The `engagement` rows of an address, summarised. Opens and clicks from a machine (Apple MPP
/// proxy, or within the policy's window after a send) are counted apart and are not engagement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Engagement {
    pub sends: u32,
    pub first_send_at: Option<i64>,
    pub last_send_at: Option<i64>,
    pub last_reply_at: Option<i64>,
    pub human_opens: u32,
    pub last_human_open_at: Option<i64>,
    pub human_clicks: u32,
    pub last_human_click_at: Option<i64>,
    pub machine_opens: u32,
    pub machine_clicks: u32,
    pub unsubscribes: u32,
    pub first_unsubscribe_at: Option<i64>,
    /// `engagement.id` of the first unsubscribe row.
    pub first_unsubscribe_id: Option<i64>,
}

/// The opens and clicks of an address that only their timing can show to be a machine's (the
/// store has already counted the ones whose User-Agent or IP gives them away), and the times of
/// the sends they are measured against, from the engagement log and the send log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timing {
    pub opens: Vec<i64>,
    pub clicks: Vec<i64>,
    pub sends: Vec<i64>,
}

impl Timing {
    /// Counts the opens and clicks into `engagement`: one that came at most `window_secs` after a
    /// send (0 = never) is a machine's, the others are a person's.
    pub fn count_into(mut self, engagement: &mut Engagement, window_secs: i64) {
        self.sends.sort_unstable();
        let e = engagement;
        tally(&self.opens, &self.sends, window_secs, &mut e.machine_opens, &mut e.human_opens, &mut e.last_human_open_at);
        tally(&self.clicks, &self.sends, window_secs, &mut e.machine_clicks, &mut e.human_clicks, &mut e.last_human_click_at);
    }
}

/// Counts each of `times` as a machine's (it follows one of `sends` within the window) or as a
/// person's, keeping the latest person's time.
fn tally(times: &[i64], sends: &[i64], window_secs: i64, machine: &mut u32, human: &mut u32, last_human: &mut Option<i64>) {
    for &at in times {
        if follows_a_send(at, sends, window_secs) {
            *machine += 1;
        } else {
            *human += 1;
            *last_human = (*last_human).max(Some(at));
        }
    }
}

/// Whether one of `sends` (sorted) lies in `[at - window_secs, at]`.
fn follows_a_send(at: i64, sends: &[i64], window_secs: i64) -> bool {
    if window_secs <= 0 {
        return false;
    }
    let first_in_window = sends.partition_point(|&s| s < at.saturating_sub(window_secs));
    sends.get(first_in_window).is_some_and(|&s| s <= at)
}

impl Engagement {
    /// The latest click, reply or human open.
    pub fn last_engaged_at(&self) -> Option<i64> {
        [self.last_human_click_at, self.last_reply_at, self.last_human_open_at].into_iter().flatten().max()
    }
}

/// The `sends` rows (send log) of an address, summarised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendLog {
    pub sends: u32,
    pub first_sent_at: Option<i64>,
    pub last_sent_at: Option<i64>,
}

/// One imported ESP suppression row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedSuppression {
    pub id: i64,
    pub source_format: String,
    pub reason: Option<String>,
    pub suppressed_at: Option<i64>,
}

impl History {
    /// Sends known for the address: the engagement log's and the send log's are usually the
    /// same mail seen twice, so the larger count is taken, not the sum.
    pub fn sends(&self) -> u32 {
        self.engagement.sends.max(self.send_log.sends)
    }

    pub fn first_send_at(&self) -> Option<i64> {
        [self.engagement.first_send_at, self.send_log.first_sent_at].into_iter().flatten().min()
    }

    pub fn last_send_at(&self) -> Option<i64> {
        [self.engagement.last_send_at, self.send_log.last_sent_at].into_iter().flatten().max()
    }

    /// When the address joined: the earliest signup, else confirmation, else first send.
    pub fn joined_at(&self) -> Option<i64> {
        let signup = self.subscriptions.iter().filter_map(|s| s.signup_at.or(s.confirm_at)).min();
        signup.or_else(|| self.first_send_at())
    }

    pub fn events_of(&self, class: Class) -> impl Iterator<Item = &EventFact> {
        self.events.iter().filter(move |e| e.class == class)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_and_clicks_within_the_window_after_a_send_are_a_machines() {
        let timing = Timing { opens: vec![1_000, 1_060, 1_061, 500], clicks: vec![1_030, 5_000], sends: vec![4_990, 1_000] };
        let mut e = Engagement { machine_opens: 2, ..Engagement::default() };
        timing.count_into(&mut e, 60);
        // 1_000 (same second) and 1_060 (the window's last second) follow the send at 1_000;
        // 1_061 is a second too late, and 500 came before any send.
        assert_eq!((e.machine_opens, e.human_opens, e.last_human_open_at), (4, 2, Some(1_061)));
        assert_eq!((e.machine_clicks, e.human_clicks, e.last_human_click_at), (2, 0, None));
    }

    #[test]
    fn a_window_of_zero_makes_every_open_and_click_a_persons() {
        let timing = Timing { opens: vec![1_000], clicks: vec![1_000, 900], sends: vec![1_000] };
        let mut e = Engagement::default();
        timing.count_into(&mut e, 0);
        assert_eq!((e.machine_opens, e.human_opens, e.last_human_open_at), (0, 1, Some(1_000)));
        assert_eq!((e.machine_clicks, e.human_clicks, e.last_human_click_at), (0, 2, Some(1_000)));
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        let timing = Timing { opens: vec![i64::MIN, i64::MAX], clicks: vec![], sends: vec![i64::MIN] };
        let mut e = Engagement::default();
        timing.count_into(&mut e, 60);
        assert_eq!((e.machine_opens, e.human_opens), (1, 1));
    }
}
