//! Scoring: the rule table (pure, with an injected "now"), precedence and disabling, and the
//! store around it — machine opens told apart in SQL, change-only decisions, `--dry-run`,
//! `explain`.

use listhygiene::domain::{Class, Verdict};
use listhygiene::score::{evaluate, Engagement, EventFact, History, ImportedSuppression, Policy, RuleId, SendLog, Subscription};

use crate::sandbox::{last_json, stderr, stdout, Sandbox};

/// 2026-12-01T00:00:00Z, the sandbox's `--now`.
const NOW: i64 = 1_796_083_200;
const DAY: i64 = 86_400;

fn at(days_ago: i64) -> i64 {
    NOW - days_ago * DAY
}

struct H(History);

impl H {
    fn new(address: &str) -> H {
        H(History { address: address.to_owned(), ..History::default() })
    }

    fn event(mut self, class: Class, reason: &str, days_ago: i64) -> H {
        let id = self.0.events.len() as i64 + 1;
        self.0.events.push(EventFact {
            id,
            class,
            reason: reason.to_owned(),
            occurred_at: at(days_ago),
            status: None,
            feedback_type: None,
            provider: "other".to_owned(),
        });
        self.0.events.sort_by_key(|e| e.occurred_at);
        self
    }

    fn subscribed(mut self, days_ago: i64, status: &str) -> H {
        self.0.subscriptions.push(Subscription { id: 7, list: "news".into(), status: status.into(), signup_at: Some(at(days_ago)), confirm_at: None });
        self
    }

    fn sends(mut self, n: u32, first_days_ago: i64, last_days_ago: i64) -> H {
        self.0.engagement.sends = n;
        self.0.engagement.first_send_at = Some(at(first_days_ago));
        self.0.engagement.last_send_at = Some(at(last_days_ago));
        self
    }

    fn engagement(mut self, f: impl FnOnce(&mut Engagement)) -> H {
        f(&mut self.0.engagement);
        self
    }

    fn imported(mut self, format: &str, reason: &str) -> H {
        self.0.suppressions.push(ImportedSuppression { id: 3, source_format: format.into(), reason: Some(reason.into()), suppressed_at: Some(at(30)) });
        self
    }
}

fn decide(h: &H) -> (Verdict, Option<&'static str>) {
    let d = evaluate(&h.0, &Policy::default(), NOW);
    (d.verdict, d.rule.map(RuleId::as_str))
}

#[test]
fn rule_table() {
    use Class::*;
    use Verdict::*;
    let cases: Vec<(&str, H, (Verdict, Option<&str>))> = vec![
        ("complaint", H::new("a@x.example").event(Complaint, "feedback", 3), (Suppress, Some("complaint"))),
        ("opt-out report", H::new("a@x.example").event(Unsubscribe, "feedback", 3), (Suppress, Some("unsubscribe"))),
        ("unsubscribed status", H::new("a@x.example").subscribed(40, "unsubscribed"), (Suppress, Some("unsubscribe"))),
        ("unsubscribe in engagement", H::new("a@x.example").engagement(|e| e.first_unsubscribe_at = Some(at(2))), (Suppress, Some("unsubscribe"))),
        ("hard bounce", H::new("a@x.example").event(Hard, "userunknown", 1), (Suppress, Some("hard-bounce"))),
        ("sender refusals only", H::new("a@x.example").event(Sender, "blocked", 40).event(Sender, "badreputation", 20).event(Sender, "blocked", 1), (Keep, None)),
        ("info only", H::new("a@x.example").event(Info, "onhold", 1), (Keep, None)),
        ("3 soft bounces over 14 days", H::new("a@x.example").event(Soft, "mailboxfull", 30).event(Soft, "mailboxfull", 20).event(Soft, "mailboxfull", 16), (Suppress, Some("soft-bounce-repeated"))),
        ("3 soft bounces over 13 days", H::new("a@x.example").event(Soft, "mailboxfull", 30).event(Soft, "mailboxfull", 20).event(Soft, "mailboxfull", 17), (Keep, None)),
        ("2 soft bounces over 30 days", H::new("a@x.example").event(Soft, "mailboxfull", 40).event(Soft, "mailboxfull", 10), (Keep, None)),
        (
            "soft bounces counted once per day",
            H::new("a@x.example").event(Soft, "mailboxfull", 30).event(Soft, "mailboxfull", 30).event(Soft, "mailboxfull", 10),
            (Keep, None),
        ),
        (
            "a delivery resets the count",
            H::new("a@x.example").event(Soft, "mailboxfull", 40).event(Soft, "mailboxfull", 30).event(Delivered, "delivered", 25).event(Soft, "mailboxfull", 10),
            (Keep, None),
        ),
        (
            "a later auto-reply means the mailbox lives",
            H::new("a@x.example").event(Soft, "mailboxfull", 40).event(Soft, "mailboxfull", 30).event(Soft, "mailboxfull", 10).event(AutoReply, "vacation", 5),
            (Keep, None),
        ),
        (
            "a later click means the mailbox lives",
            H::new("a@x.example")
                .event(Soft, "mailboxfull", 40)
                .event(Soft, "mailboxfull", 30)
                .event(Soft, "mailboxfull", 10)
                .engagement(|e| {
                    e.human_clicks = 1;
                    e.last_human_click_at = Some(at(5));
                }),
            (Keep, None),
        ),
        ("imported SES complaint", H::new("a@x.example").imported("ses", "COMPLAINT"), (Suppress, Some("imported-suppression"))),
        ("imported Mailchimp cleaned", H::new("a@x.example").imported("mailchimp-cleaned", "cleaned"), (Suppress, Some("imported-suppression"))),
        ("cleaned status", H::new("a@x.example").subscribed(300, "cleaned"), (Suppress, Some("imported-suppression"))),
        ("imported SendGrid block is sender-side", H::new("a@x.example").imported("sendgrid", "550 5.7.1 Blocked by Spamhaus zen.spamhaus.org"), (Keep, None)),
        ("not an address", H::new("no-at-sign.example"), (Flag, Some("invalid-address"))),
        ("role account", H::new("postmaster@x.example"), (Flag, Some("role-account"))),
        ("never engaged", H::new("a@x.example").subscribed(100, "subscribed").sends(5, 95, 3), (Flag, Some("never-engaged"))),
        ("never engaged but only 4 sends", H::new("a@x.example").subscribed(100, "subscribed").sends(4, 95, 3), (Keep, None)),
        ("never engaged but joined 80 days ago", H::new("a@x.example").subscribed(80, "subscribed").sends(9, 79, 3), (Keep, None)),
        (
            "machine opens are not engagement",
            H::new("a@x.example").subscribed(100, "subscribed").sends(6, 95, 3).engagement(|e| e.machine_opens = 6),
            (Flag, Some("never-engaged")),
        ),
        (
            "a human open is engagement",
            H::new("a@x.example").subscribed(100, "subscribed").sends(6, 95, 3).engagement(|e| {
                e.human_opens = 1;
                e.last_human_open_at = Some(at(10));
            }),
            (Keep, None),
        ),
        (
            "inactive for 200 days, mailed since",
            H::new("a@x.example").subscribed(400, "subscribed").sends(12, 390, 3).engagement(|e| e.last_human_click_at = Some(at(200))),
            (Flag, Some("inactive")),
        ),
        (
            "inactive for 200 days, not mailed since",
            H::new("a@x.example").subscribed(400, "subscribed").sends(12, 390, 210).engagement(|e| e.last_human_click_at = Some(at(200))),
            (Keep, None),
        ),
        (
            "engaged 100 days ago",
            H::new("a@x.example").subscribed(400, "subscribed").sends(12, 390, 3).engagement(|e| e.last_reply_at = Some(at(100))),
            (Keep, None),
        ),
        ("complaint outranks role account", H::new("abuse@x.example").event(Complaint, "feedback", 3), (Suppress, Some("complaint"))),
        (
            "hard bounce outranks never engaged",
            H::new("a@x.example").subscribed(100, "subscribed").sends(6, 95, 3).event(Hard, "userunknown", 2),
            (Suppress, Some("hard-bounce")),
        ),
    ];
    let mut failures = Vec::new();
    for (name, h, expected) in &cases {
        let got = decide(h);
        if got != *expected {
            failures.push(format!("{name}: expected {expected:?}, got {got:?} ({})", evaluate(&h.0, &Policy::default(), NOW).explanation));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn send_log_sends_count_for_never_engaged() {
    let mut h = H::new("a@x.example").subscribed(100, "subscribed").0;
    h.send_log = SendLog { sends: 5, first_sent_at: Some(at(95)), last_sent_at: Some(at(3)) };
    assert_eq!(evaluate(&h, &Policy::default(), NOW).rule, Some(RuleId::NeverEngaged));
}

#[test]
fn decisions_carry_evidence_and_a_readable_explanation() {
    let h = H::new("a@x.example").event(Class::Soft, "mailboxfull", 30).event(Class::Soft, "systemfull", 30).event(Class::Soft, "mailboxfull", 20).event(Class::Soft, "mailboxfull", 16);
    let d = evaluate(&h.0, &Policy::default(), NOW);
    assert_eq!(d.evidence.events.len(), 3, "one event per day: {:?}", d.evidence);
    assert_eq!(d.evidence_at, Some(at(16)));
    assert!(d.explanation.starts_with("3 soft bounces on different days from 2026-11-01 to 2026-11-15 (14 days; "), "{}", d.explanation);
    let kept = evaluate(&H::new("a@x.example").event(Class::Sender, "blocked", 3).0, &Policy::default(), NOW);
    assert!(kept.explanation.contains("sender-side refusals (blocked) not counted"), "{}", kept.explanation);
    assert!(kept.evidence.is_empty());
}

#[test]
fn rules_can_be_disabled_and_thresholds_moved() {
    let h = H::new("postmaster@x.example").event(Class::Complaint, "feedback", 3);
    let policy = Policy { disabled: vec![RuleId::Complaint], ..Policy::default() };
    assert_eq!(evaluate(&h.0, &policy, NOW).rule, Some(RuleId::RoleAccount));
    let policy = Policy { disabled: vec![RuleId::Complaint, RuleId::RoleAccount], ..Policy::default() };
    assert_eq!(evaluate(&h.0, &policy, NOW).verdict, Verdict::Keep);
    let soft = H::new("a@x.example").event(Class::Soft, "mailboxfull", 10).event(Class::Soft, "mailboxfull", 5);
    let policy = Policy { soft_bounce_count: 2, soft_bounce_span_days: 5, ..Policy::default() };
    assert_eq!(evaluate(&soft.0, &policy, NOW).rule, Some(RuleId::SoftBounceRepeated));
}

/// Engagement rows where the only opens come from Apple's proxy or a scanner right after the
/// send must not count; a human open must.
#[test]
fn machine_opens_are_told_apart_in_the_database() {
    let s = Sandbox::new();
    let subscribers = s.file(
        "subs.csv",
        "email,signup_at\nmpp@x.example,2026-01-01\nscanner@x.example,2026-01-01\nhuman@x.example,2026-01-01\nua@x.example,2026-01-01\n\
         logged@x.example,2026-01-01\n",
    );
    s.ok(&["import", "subscribers", &subscribers]);
    let mut rows = String::from("email,type,time,campaign,ip,user_agent\n");
    let mut send_log = String::from("message_id,recipient,sent_at\n");
    for month in 1..=6 {
        let sent = format!("2026-0{month}-15T09:30:00Z");
        // logged@'s sends are only in the send log; a scanner clicks 3 s after each.
        send_log.push_str(&format!("<m{month}@sender.example>,logged@x.example,{sent}\n"));
        rows.push_str(&format!("logged@x.example,click,2026-0{month}-15T09:30:03Z,c{month},203.0.113.5,Scanner\n"));
        for who in ["mpp", "scanner", "human", "ua"] {
            rows.push_str(&format!("{who}@x.example,send,{sent},c{month},,\n"));
        }
        rows.push_str(&format!("mpp@x.example,open,2026-0{month}-15T11:00:00Z,c{month},17.58.3.9,Mozilla/5.0 (iPhone)\n"));
        rows.push_str(&format!("ua@x.example,open,2026-0{month}-15T12:00:00Z,c{month},198.51.100.9,Mozilla/5.0\n"));
        rows.push_str(&format!("scanner@x.example,click,2026-0{month}-15T09:30:05Z,c{month},203.0.113.5,Scanner\n"));
        rows.push_str(&format!("scanner@x.example,open,2026-0{month}-15T09:30:04Z,c{month},203.0.113.5,Scanner\n"));
    }
    rows.push_str("human@x.example,open,2026-06-15T18:00:00Z,c6,198.51.100.20,Thunderbird\n");
    let engagement = s.file("engagement.csv", &rows);
    s.ok(&["import", "engagement", &engagement]);
    let send_log = s.file("sends.csv", &send_log);
    s.ok(&["import", "sends", &send_log]);
    let j = last_json(&s.run(&["score", "--json"]));
    assert_eq!(j["by_rule"]["never-engaged"].as_u64(), Some(4), "{j}");
    let explain = |address: &str| last_json(&s.run(&["explain", address, "--json"]));
    for address in ["mpp@x.example", "scanner@x.example", "ua@x.example", "logged@x.example"] {
        let e = explain(address);
        assert_eq!(e["decision"]["rule_id"], "never-engaged", "{address}: {e}");
        assert!(e["decision"]["explanation"].as_str().unwrap_or("").contains("machine opens/clicks"), "{e}");
    }
    let e = explain("human@x.example");
    assert!(e["decision"].is_null(), "human@ engaged once and has no decision: {e}");
    assert_eq!(e["evaluation"]["verdict"], "keep");
}

#[test]
fn decisions_are_written_only_when_they_change_and_dry_run_shows_what_would() {
    let s = Sandbox::new();
    let sup = s.file("ses.csv", "a@x.example,BOUNCE\nb@x.example,COMPLAINT\n");
    s.ok(&["import", "suppressions", "--from", "ses", &sup]);
    let first = last_json(&s.run(&["score", "--json"]));
    assert_eq!((first["suppress"].as_u64(), first["changes"].as_u64()), (Some(2), Some(2)));
    let second = last_json(&s.run(&["score", "--json"]));
    assert_eq!(second["changes"].as_u64(), Some(0), "nothing changed: {second}");
    assert_eq!(s.count("select count(*) from decisions"), 2);
    let more = s.file("more.csv", "email\npostmaster@x.example\n");
    s.ok(&["import", "subscribers", &more]);
    let o = s.run(&["score", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("flag     postmaster@x.example  role-account  (new)"), "{out}");
    assert!(out.contains("dry run: 1 decisions would change"), "{out}");
    assert_eq!(s.count("select count(*) from decisions"), 2, "a dry run stores nothing");
    assert_eq!(s.count("select count(*) from score_runs"), 2);
    // Disabling the rule takes the address back to keep: a decision is written for that too.
    let config = s.file("c.toml", "[policy]\ndisabled = [\"imported-suppression\"]\n");
    let j = last_json(&s.run(&["--config", &config, "score", "--json"]));
    assert_eq!(j["changes"].as_u64(), Some(3), "a@, b@ back to keep; postmaster@ flagged: {j}");
    assert_eq!(s.count("select count(*) from current_decisions where verdict = 'keep'"), 2);
}
