//! `--fail-on`: the rules that turn `report` and `audit` into circuit breakers for cron.
//!
//! report: `METRIC[:SCOPE]OP VALUE`, e.g. `complaint-rate>0.3%`, `complaint-rate:gmail>=0.1%`,
//! `hard-bounce-rate>2%`, `sender-incidents>0`, `unresolved-complaints>10`. METRIC is one of
//! `complaint-rate`, `hard-bounce-rate` (VALUE ends in `%`), `sender-incidents`,
//! `unresolved-complaints` (VALUE is a count); OP is `>` or `>=`; SCOPE is a provider
//! (`microsoft`, `gmail`, `yahoo`, `apple`, `other`) or `total`; without one, rates are checked
//! for the total and every provider with at least `[report] min_sends` sends.
//!
//! audit: a rule id (`scanner-ip` …), `flagged-source` (a source stands out) or `any`.
//! Pure: parses text and reads models.

use serde::Serialize;

use super::audit::{AuditModel, Rule};
use super::deliverability::ReportModel;
use super::percent;

/// A `--fail-on` value that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--fail-on {rule:?}: {why}")]
pub struct FailOnError {
    pub rule: String,
    pub why: String,
}

/// How one rule came out.
#[derive(Debug, Clone, Serialize)]
pub struct FailOnResult {
    pub rule: String,
    pub crossed: bool,
    /// What was measured, in words.
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    ComplaintRate,
    HardBounceRate,
    SenderIncidents,
    UnresolvedComplaints,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Gt,
    Ge,
}

impl Op {
    fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::Gt => value > threshold,
            Op::Ge => value >= threshold,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// A parsed `report --fail-on` rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRule {
    text: String,
    metric: Metric,
    scope: Option<&'static str>,
    op: Op,
    /// A fraction for rates (0.003), a count otherwise.
    value: f64,
}

const SCOPES: &[(&str, &str)] = &[
    ("total", "total"),
    ("microsoft", "microsoft"),
    ("outlook", "microsoft"),
    ("hotmail", "microsoft"),
    ("gmail", "gmail"),
    ("yahoo", "yahoo"),
    ("aol", "yahoo"),
    ("apple", "apple"),
    ("other", "other"),
];

impl ReportRule {
    pub fn parse(text: &str) -> Result<ReportRule, FailOnError> {
        let err = |why: &str| FailOnError { rule: text.to_owned(), why: why.to_owned() };
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        let (lhs, op, rhs) = if let Some((l, r)) = compact.split_once(">=") {
            (l, Op::Ge, r)
        } else if let Some((l, r)) = compact.split_once('>') {
            (l, Op::Gt, r)
        } else {
            return Err(err("expected METRIC>VALUE, e.g. complaint-rate>0.3%"));
        };
        let (name, scope) = match lhs.split_once(':') {
            Some((n, s)) => (n, Some(s)),
            None => (lhs, None),
        };
        let metric = match name {
            "complaint-rate" => Metric::ComplaintRate,
            "hard-bounce-rate" => Metric::HardBounceRate,
            "sender-incidents" => Metric::SenderIncidents,
            "unresolved-complaints" => Metric::UnresolvedComplaints,
            _ => return Err(err("the metric is one of complaint-rate, hard-bounce-rate, sender-incidents, unresolved-complaints")),
        };
        let scope = match scope {
            None => None,
            Some(s) => Some(
                SCOPES
                    .iter()
                    .find(|(name, _)| *name == s)
                    .map(|(_, p)| *p)
                    .ok_or_else(|| err("the scope is one of total, microsoft, gmail, yahoo, apple, other"))?,
            ),
        };
        if metric == Metric::UnresolvedComplaints && scope.is_some_and(|s| s != "total") {
            return Err(err("unresolved complaints have no provider"));
        }
        let value = match metric {
            Metric::ComplaintRate | Metric::HardBounceRate => {
                let number = rhs.strip_suffix('%').ok_or_else(|| err("a rate needs a percentage, e.g. 0.3%"))?;
                let p: f64 = number.parse().map_err(|_| err("the percentage is not a number"))?;
                if !(0.0..=100.0).contains(&p) {
                    return Err(err("the percentage must be between 0 and 100"));
                }
                p / 100.0
            }
            Metric::SenderIncidents | Metric::UnresolvedComplaints => {
                let n: u64 = rhs.parse().map_err(|_| err("a count needs a whole number, e.g. sender-incidents>0"))?;
                n as f64
            }
        };
        Ok(ReportRule { text: text.trim().to_owned(), metric, scope, op, value })
    }

    /// Checks the rule against a report.
    pub fn evaluate(&self, m: &ReportModel) -> FailOnResult {
        let in_scope = |p: &str| self.scope.is_none_or(|s| s == p);
        let (crossed, detail) = match self.metric {
            Metric::ComplaintRate | Metric::HardBounceRate => {
                let hard = self.metric == Metric::HardBounceRate;
                let mut candidates: Vec<(String, f64, u64)> = Vec::new();
                if self.scope.is_none_or(|s| s == "total")
                    && let Some(r) = if hard { m.totals.hard_bounce_rate } else { m.totals.complaint_rate }
                {
                    candidates.push(("all providers".to_owned(), r, m.totals.sends));
                }
                for p in m.providers.iter().filter(|p| self.scope != Some("total") && in_scope(p.provider)) {
                    if let Some(r) = if hard { p.hard_bounce_rate } else { p.complaint_rate } {
                        candidates.push((p.label.to_owned(), r, p.sends));
                    }
                }
                let judged: Vec<&(String, f64, u64)> = candidates.iter().filter(|c| c.2 >= m.thresholds.min_sends).collect();
                let over: Vec<String> = judged
                    .iter()
                    .filter(|c| self.op.holds(c.1, self.value))
                    .map(|c| format!("{} {} ({} sends)", c.0, percent(Some(c.1)), c.2))
                    .collect();
                let limit = format!("{}{}", self.op.symbol(), percent(Some(self.value)));
                if !over.is_empty() {
                    (true, format!("{limit}: {}", over.join(", ")))
                } else if let Some(worst) = judged.iter().max_by(|a, b| a.1.total_cmp(&b.1)) {
                    (false, format!("highest {} {} (not {limit})", worst.0, percent(Some(worst.1))))
                } else {
                    (false, format!("no provider has {} sends or more in the window", m.thresholds.min_sends))
                }
            }
            Metric::SenderIncidents => {
                let incidents: Vec<String> = m
                    .incidents
                    .iter()
                    .filter(|i| self.scope.is_none_or(|s| s == "total") || in_scope(i.provider))
                    .map(|i| format!("{} {} {}", i.provider_label, i.code, i.sending_ip.as_deref().unwrap_or("?")))
                    .collect();
                let n = incidents.len() as f64;
                (self.op.holds(n, self.value), format!("{} incident(s){}", incidents.len(), if incidents.is_empty() { String::new() } else { format!(": {}", incidents.join(", ")) }))
            }
            Metric::UnresolvedComplaints => {
                let n = m.unresolved.total;
                (self.op.holds(n as f64, self.value), format!("{n} unresolved complaint(s)"))
            }
        };
        FailOnResult { rule: self.text.clone(), crossed, detail }
    }
}

/// A parsed `audit --fail-on` rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditRule {
    Rule(Rule),
    FlaggedSource,
    Any,
}

impl AuditRule {
    pub fn parse(text: &str) -> Result<AuditRule, FailOnError> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "any" => Ok(AuditRule::Any),
            "flagged-source" => Ok(AuditRule::FlaggedSource),
            id => Rule::from_id(id).map(AuditRule::Rule).ok_or_else(|| FailOnError {
                rule: text.to_owned(),
                why: format!("not a rule id; use one of {}, flagged-source, any", Rule::ids().join(", ")),
            }),
        }
    }

    fn text(self) -> String {
        match self {
            AuditRule::Rule(r) => r.id().to_owned(),
            AuditRule::FlaggedSource => "flagged-source".to_owned(),
            AuditRule::Any => "any".to_owned(),
        }
    }

    pub fn evaluate(self, m: &AuditModel) -> FailOnResult {
        let (crossed, detail) = match self {
            AuditRule::Rule(r) => {
                let n = m.totals.by_rule.iter().find(|c| c.rule == r.id()).map_or(0, |c| c.count);
                (n > 0, format!("{n} subscriber(s) flagged {}", r.id()))
            }
            AuditRule::FlaggedSource => {
                let names: Vec<String> = m.sources.iter().filter(|s| s.stands_out).map(|s| s.name()).collect();
                (!names.is_empty(), format!("{} source(s) stand out{}", names.len(), if names.is_empty() { String::new() } else { format!(": {}", names.join(", ")) }))
            }
            AuditRule::Any => (m.totals.flagged > 0, format!("{} subscriber(s) flagged", m.totals.flagged)),
        };
        FailOnResult { rule: self.text(), crossed, detail }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        let r = ReportRule::parse("complaint-rate>0.3%").unwrap();
        assert_eq!((r.metric, r.scope, r.op), (Metric::ComplaintRate, None, Op::Gt));
        assert!((r.value - 0.003).abs() < 1e-12);
        let r = ReportRule::parse(" complaint-rate:Hotmail >= 0.1% ").unwrap();
        assert_eq!((r.scope, r.op), (Some("microsoft"), Op::Ge));
        assert_eq!(ReportRule::parse("sender-incidents>0").unwrap().value, 0.0);
        assert_eq!(ReportRule::parse("hard-bounce-rate>2%").unwrap().metric, Metric::HardBounceRate);
        for bad in ["complaint-rate>0.3", "complaint-rate<1%", "bounce>1%", "sender-incidents>x", "complaint-rate:mars>1%", "complaint-rate>500%", "unresolved-complaints:gmail>1", ""] {
            assert!(ReportRule::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(AuditRule::parse("scanner-ip").unwrap(), AuditRule::Rule(Rule::ScannerIp));
        assert_eq!(AuditRule::parse("any").unwrap(), AuditRule::Any);
        assert!(AuditRule::parse("nope").is_err());
    }
}
