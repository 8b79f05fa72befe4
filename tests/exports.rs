//! Exports: every format's bytes against its documented layout, formula-injection safety,
//! stable order, and the `--since-last` watermark (moved only once the file is in place).

use listhygiene::domain::Verdict;
use listhygiene::export::{write, ExportRow, Format};
use listhygiene::score::Category;

use crate::sandbox::{last_json, stderr, Sandbox};

fn row(address: &str, rule: &str, category: Category, verdict: Verdict) -> ExportRow {
    ExportRow {
        address: address.to_owned(),
        verdict,
        rule: Some(rule.to_owned()),
        category: Some(category),
        reason: None,
        explanation: format!("{rule} explanation"),
        decided_at: 1_796_083_200,  // 2026-12-01T00:00:00Z
        evidence_at: Some(1_795_426_230), // 2026-11-23T09:30:30Z
        decision_id: 1,
        reply_code: None,
        status: None,
        diagnostic: None,
        evidence: r#"{"events":[12]}"#.to_owned(),
    }
}

fn rows() -> Vec<ExportRow> {
    let mut hard = row("a.rossi@gmail.com", "hard-bounce", Category::Bounce, Verdict::Suppress);
    hard.reason = Some("userunknown".into());
    hard.reply_code = Some("550".into());
    hard.status = Some("5.1.1".into());
    hard.diagnostic = Some("550 5.1.1 <a.rossi@gmail.com>: user unknown, \"no such\"".into());
    let mut complaint = row("b@example.org", "complaint", Category::Complaint, Verdict::Suppress);
    complaint.reason = Some("feedback".into());
    complaint.evidence_at = None;
    let mut soft = row("c@example.net", "soft-bounce-repeated", Category::Bounce, Verdict::Suppress);
    soft.status = Some("4.2.2".into());
    let unsub = row("d@example.net", "unsubscribe", Category::Unsubscribe, Verdict::Suppress);
    let mut flagged = row("=cmd@example.com", "role-account", Category::Role, Verdict::Flag);
    flagged.explanation = "-2+3 looks like a formula".into();
    flagged.evidence = "{}".into();
    vec![hard, complaint, soft, unsub, flagged]
}

fn render(format: Format) -> String {
    let mut out = Vec::new();
    write(format, &rows(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn every_format_byte_for_byte() {
    let expected: &[(Format, &str)] = &[
        (Format::Plain, "a.rossi@gmail.com\nb@example.org\nc@example.net\nd@example.net\n=cmd@example.com\n"),
        (
            Format::Csv,
            "address,verdict,rule,reason,decided_at,explanation\n\
             a.rossi@gmail.com,suppress,hard-bounce,userunknown,2026-12-01T00:00:00Z,hard-bounce explanation\n\
             b@example.org,suppress,complaint,feedback,2026-12-01T00:00:00Z,complaint explanation\n\
             c@example.net,suppress,soft-bounce-repeated,bounce,2026-12-01T00:00:00Z,soft-bounce-repeated explanation\n\
             d@example.net,suppress,unsubscribe,unsubscribe,2026-12-01T00:00:00Z,unsubscribe explanation\n\
             '=cmd@example.com,flag,role-account,role,2026-12-01T00:00:00Z,'-2+3 looks like a formula\n",
        ),
        (
            Format::Json,
            "{\"address\":\"a.rossi@gmail.com\",\"verdict\":\"suppress\",\"rule\":\"hard-bounce\",\"category\":\"bounce\",\"reason\":\"userunknown\",\"decided_at\":\"2026-12-01T00:00:00Z\",\"evidence_at\":\"2026-11-23T09:30:30Z\",\"explanation\":\"hard-bounce explanation\",\"evidence\":{\"events\":[12]}}\n\
             {\"address\":\"b@example.org\",\"verdict\":\"suppress\",\"rule\":\"complaint\",\"category\":\"complaint\",\"reason\":\"feedback\",\"decided_at\":\"2026-12-01T00:00:00Z\",\"evidence_at\":null,\"explanation\":\"complaint explanation\",\"evidence\":{\"events\":[12]}}\n\
             {\"address\":\"c@example.net\",\"verdict\":\"suppress\",\"rule\":\"soft-bounce-repeated\",\"category\":\"bounce\",\"reason\":null,\"decided_at\":\"2026-12-01T00:00:00Z\",\"evidence_at\":\"2026-11-23T09:30:30Z\",\"explanation\":\"soft-bounce-repeated explanation\",\"evidence\":{\"events\":[12]}}\n\
             {\"address\":\"d@example.net\",\"verdict\":\"suppress\",\"rule\":\"unsubscribe\",\"category\":\"unsubscribe\",\"reason\":null,\"decided_at\":\"2026-12-01T00:00:00Z\",\"evidence_at\":\"2026-11-23T09:30:30Z\",\"explanation\":\"unsubscribe explanation\",\"evidence\":{\"events\":[12]}}\n\
             {\"address\":\"=cmd@example.com\",\"verdict\":\"flag\",\"rule\":\"role-account\",\"category\":\"role\",\"reason\":null,\"decided_at\":\"2026-12-01T00:00:00Z\",\"evidence_at\":\"2026-11-23T09:30:30Z\",\"explanation\":\"-2+3 looks like a formula\",\"evidence\":{}}\n",
        ),
        (Format::SesCsv, "a.rossi@gmail.com,BOUNCE\nb@example.org,COMPLAINT\nc@example.net,BOUNCE\nd@example.net,BOUNCE\n'=cmd@example.com,BOUNCE\n"),
        (
            Format::SesJson,
            "{\"emailAddress\":\"a.rossi@gmail.com\",\"reason\":\"BOUNCE\"}\n{\"emailAddress\":\"b@example.org\",\"reason\":\"COMPLAINT\"}\n\
             {\"emailAddress\":\"c@example.net\",\"reason\":\"BOUNCE\"}\n{\"emailAddress\":\"d@example.net\",\"reason\":\"BOUNCE\"}\n\
             {\"emailAddress\":\"=cmd@example.com\",\"reason\":\"BOUNCE\"}\n",
        ),
        (
            Format::MailgunBounces,
            "address,code,error,created_at\n\
             a.rossi@gmail.com,550,\"550 5.1.1 <a.rossi@gmail.com>: user unknown, \"\"no such\"\"\",\"Mon, 23 Nov 2026 09:30:30 +0000\"\n\
             c@example.net,450,soft-bounce-repeated explanation,\"Mon, 23 Nov 2026 09:30:30 +0000\"\n",
        ),
        (Format::MailgunComplaints, "address,created_at\nb@example.org,\"Tue, 01 Dec 2026 00:00:00 +0000\"\n"),
        (
            Format::MailgunUnsubscribes,
            "address,tags,created_at\nd@example.net,*,\"Mon, 23 Nov 2026 09:30:30 +0000\"\n'=cmd@example.com,*,\"Mon, 23 Nov 2026 09:30:30 +0000\"\n",
        ),
        (
            Format::SendgridUnsubscribes,
            "{\"recipient_emails\":[\"a.rossi@gmail.com\",\"b@example.org\",\"c@example.net\",\"d@example.net\",\"=cmd@example.com\"]}\n",
        ),
        (
            Format::Postmark,
            "{\"Suppressions\":[{\"EmailAddress\":\"a.rossi@gmail.com\"},{\"EmailAddress\":\"b@example.org\"},{\"EmailAddress\":\"c@example.net\"},\
             {\"EmailAddress\":\"d@example.net\"},{\"EmailAddress\":\"=cmd@example.com\"}]}\n",
        ),
        (Format::Listmonk, "email,name\na.rossi@gmail.com,a.rossi\nb@example.org,b\nc@example.net,c\nd@example.net,d\n'=cmd@example.com,'=cmd\n"),
        (
            Format::Md5,
            "e2e05749c27f8545fac0641cb8d11782\n8fa1cd9d6e0f63a59a412b4afc6f66b0\n01ca9a8a4347efd1e1c92f8708468aad\n\
             d05778b3f928bc71b1fcd48a0ecd2350\na51ba99b036b6e3bb504ade742a54769\n",
        ),
    ];
    let mut failures = Vec::new();
    for (format, want) in expected {
        let got = render(*format);
        if got != *want {
            failures.push(format!("{format}:\n--- expected\n{want}--- got\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// SHA-256 of the normalised address (value computed independently with Python's hashlib).
#[test]
fn hashed_lists_hash_the_normalised_address() {
    let mut out = Vec::new();
    write(Format::Sha256, &[row("a@example.com", "complaint", Category::Complaint, Verdict::Suppress)], &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "08168cd80dfd534ab0f10af10f1303fe00af2d43ab5c1432360d137f8197e17a\n");
}

#[test]
fn formats_without_rows_are_still_valid_documents() {
    for (format, want) in [
        (Format::Csv, "address,verdict,rule,reason,decided_at,explanation\n"),
        (Format::SesCsv, ""),
        (Format::SendgridUnsubscribes, "{\"recipient_emails\":[]}\n"),
        (Format::Postmark, "{\"Suppressions\":[]}\n"),
        (Format::MailgunComplaints, "address,created_at\n"),
    ] {
        let mut out = Vec::new();
        write(format, &[], &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), want, "{format}");
    }
}

fn scored_sandbox() -> Sandbox {
    let s = Sandbox::new();
    let sup = s.file("ses.csv", "b@x.example,BOUNCE\na@x.example,COMPLAINT\n");
    s.ok(&["import", "suppressions", "--from", "ses", &sup]);
    let subs = s.file("subs.csv", "email\npostmaster@x.example\n");
    s.ok(&["import", "subscribers", &subs]);
    s.ok(&["score"]);
    s
}

#[test]
fn exports_are_ordered_and_flags_are_opt_in() {
    let s = scored_sandbox();
    assert_eq!(s.ok(&["export", "--format", "plain"]), "a@x.example\nb@x.example\n");
    assert_eq!(s.ok(&["export", "--format", "plain", "--include", "flags"]), "a@x.example\nb@x.example\npostmaster@x.example\n");
    assert_eq!(s.ok(&["export", "--format", "ses-csv", "-o", "-"]), "a@x.example,COMPLAINT\nb@x.example,BOUNCE\n");
    let out = s.ok(&["export", "--format", "ses-csv", "-o", "out/ses.csv"]);
    assert!(out.contains("2 addresses as ses-csv"), "{out}");
    assert_eq!(s.read("out/ses.csv"), "a@x.example,COMPLAINT\nb@x.example,BOUNCE\n");
}

#[test]
fn since_last_exports_only_what_is_new_and_moves_the_watermark_after_writing() {
    let s = scored_sandbox();
    let export = |path: &str| s.run(&["export", "--format", "plain", "-o", path, "--since-last", "esp"]);
    assert_eq!(export("one.txt").status.code(), Some(0));
    assert_eq!(s.read("one.txt"), "a@x.example\nb@x.example\n");
    assert_eq!(export("two.txt").status.code(), Some(0));
    assert_eq!(s.read("two.txt"), "", "nothing new since the first export");
    // A write that fails leaves the watermark where it was.
    let more = s.file("more.csv", "c@x.example,BOUNCE\n");
    s.ok(&["import", "suppressions", "--from", "ses", &more]);
    s.ok(&["score"]);
    s.file("blocker", "a file where a directory should be");
    let failed = export("blocker/three.txt");
    assert_eq!(failed.status.code(), Some(2), "{}", stderr(&failed));
    assert_eq!(export("four.txt").status.code(), Some(0));
    assert_eq!(s.read("four.txt"), "c@x.example\n", "the failed export did not move the watermark");
    // Another name has its own watermark; a plain export ignores them.
    assert_eq!(s.ok(&["export", "--format", "plain", "--since-last", "other"]), "a@x.example\nb@x.example\nc@x.example\n");
    assert_eq!(s.count("select count(*) from export_watermarks"), 2);
    let leftovers: Vec<_> = std::fs::read_dir(s.dir.path()).unwrap().filter_map(Result::ok).filter(|e| e.file_name().to_string_lossy().starts_with(".listhygiene")).collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
}

#[test]
fn sender_only_addresses_are_never_exported() {
    let s = Sandbox::new();
    let blocked = s.file("blocked.eml", &std::fs::read_to_string(crate::sandbox::repo().join("samples/dsn/outlook-550-sc001-network-block.eml")).unwrap());
    let hard = s.file("hard.eml", &std::fs::read_to_string(crate::sandbox::repo().join("samples/dsn/gmail-550-5.1.1-nosuchuser.eml")).unwrap());
    let o = s.run(&["ingest", &blocked, &hard]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    s.ok(&["score"]);
    let all = s.ok(&["export", "--format", "plain", "--include", "flags"]);
    assert_eq!(all, "a.rossi.1990@gmail.com\n", "the SC-001 block's recipient is not exported");
    let e = last_json(&s.run(&["explain", "e.horvat@outlook.com", "--json"]));
    assert_eq!(e["evaluation"]["verdict"], "keep");
    assert!(e["evaluation"]["explanation"].as_str().unwrap_or("").contains("sender-side"), "{e}");
}
