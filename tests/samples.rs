//! The hand-declared expectations in tests/samples.toml (written from the messages, not from
//! parser output) hold for every sample: kind, recipients with reason and class, identifiers.

use std::collections::BTreeMap;

use listhygiene::parse::{classify, ParseOptions, Parsed};
use serde::Deserialize;

use crate::util::root;

#[derive(Debug, Deserialize)]
struct Manifest {
    sample: Vec<Sample>,
}

#[derive(Debug, Deserialize)]
struct Sample {
    file: String,
    kind: String,
    #[serde(default)]
    feedback_type: Option<String>,
    #[serde(default)]
    recipients: Vec<ExpectedRecipient>,
    #[serde(default)]
    original_message_id: Option<String>,
    #[serde(default)]
    identifiers: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
struct ExpectedRecipient {
    address: String,
    reason: String,
    class: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    reply_code: Option<String>,
    #[serde(default)]
    resolved_by: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    original_address: Option<String>,
}

fn json_str<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).unwrap().as_str().unwrap_or_default().to_owned()
}

fn differ(problems: &mut Vec<String>, what: &str, expected: Option<&str>, actual: Option<&str>) {
    if expected != actual {
        problems.push(format!("{what}: expected {expected:?}, got {actual:?}"));
    }
}

fn check(sample: &Sample, parsed: &Parsed) -> Vec<String> {
    let mut problems = Vec::new();
    let p = &mut problems;
    let expect = |p: &mut Vec<String>, what: &str, expected: Option<&str>, actual: Option<&str>| differ(p, what, expected, actual);
    expect(p, "kind", Some(&sample.kind), Some(parsed.kind.as_str()));
    if sample.feedback_type.is_some() {
        expect(p, "feedback_type", sample.feedback_type.as_deref(), parsed.feedback_type.as_deref());
    }
    let got: Vec<&str> = parsed.recipients.iter().map(|r| r.address.as_str()).collect();
    let wanted: Vec<&str> = sample.recipients.iter().map(|r| r.address.as_str()).collect();
    let mut got_sorted = got.clone();
    got_sorted.sort();
    let mut wanted_sorted = wanted.clone();
    wanted_sorted.sort();
    if got_sorted != wanted_sorted {
        p.push(format!("recipients: expected {wanted:?}, got {got:?}"));
    }
    for e in &sample.recipients {
        let Some(r) = parsed.recipients.iter().find(|r| r.address == e.address) else { continue };
        let who = &e.address;
        let field = |p: &mut Vec<String>, name: &str, expected: Option<&str>, actual: Option<&str>| {
            differ(p, &format!("{who} {name}"), expected, actual)
        };
        field(p, "reason", Some(&e.reason), Some(r.reason.as_str()));
        field(p, "class", Some(&e.class), Some(r.class.as_str()));
        field(p, "status", e.status.as_deref(), r.status.as_deref());
        field(p, "reply_code", e.reply_code.as_deref(), r.reply_code.as_deref());
        if e.resolved_by.is_some() {
            field(p, "resolved_by", e.resolved_by.as_deref(), Some(&json_str(&r.resolved_by)));
        }
        if e.action.is_some() {
            field(p, "action", e.action.as_deref(), r.action.as_deref());
        }
        if e.original_address.is_some() {
            field(p, "original_address", e.original_address.as_deref(), r.original_address.as_deref());
        }
    }
    if sample.original_message_id.is_some() {
        expect(p, "original.message_id", sample.original_message_id.as_deref(), parsed.original.message_id.as_deref());
    }
    if let Some(ids) = &sample.identifiers {
        let actual = &parsed.identifiers;
        for (key, value) in [
            ("header_token", &actual.header_token),
            ("verp", &actual.verp),
            ("unsubscribe_token", &actual.unsubscribe_token),
            ("cfbl_feedback_id", &actual.cfbl_feedback_id),
        ] {
            expect(p, &format!("identifiers.{key}"), ids.get(key).map(String::as_str), value.as_deref());
        }
    }
    problems
}

#[test]
fn samples_meet_their_declared_expectations() {
    let text = std::fs::read_to_string(root().join("tests/samples.toml")).unwrap();
    let manifest: Manifest = toml::from_str(&text).unwrap();
    assert!(manifest.sample.len() >= 40, "samples.toml lists only {}", manifest.sample.len());
    let options = ParseOptions::default();
    let mut failures = Vec::new();
    for sample in &manifest.sample {
        let raw = std::fs::read(root().join("samples").join(&sample.file))
            .unwrap_or_else(|e| panic!("{}: {e}", sample.file));
        let parsed = classify(&raw, &options);
        let problems = check(sample, &parsed);
        if !problems.is_empty() {
            failures.push(format!("{}:\n    {}", sample.file, problems.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} samples differ:\n{}", failures.len(), manifest.sample.len(), failures.join("\n"));
}

#[test]
fn every_sample_message_is_declared() {
    let text = std::fs::read_to_string(root().join("tests/samples.toml")).unwrap();
    let manifest: Manifest = toml::from_str(&text).unwrap();
    let declared: Vec<String> = manifest.sample.iter().map(|s| s.file.clone()).collect();
    let samples = root().join("samples");
    for path in crate::util::files_with_suffix(&samples, ".eml") {
        let relative = path.strip_prefix(&samples).unwrap().to_string_lossy().into_owned();
        assert!(declared.contains(&relative), "{relative} is not in tests/samples.toml");
    }
}
