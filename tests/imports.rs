//! `import subscribers|engagement|suppressions`: header detection, Mailchimp and listmonk
//! exports, every ESP's suppression format, invalid addresses kept, line-numbered bad rows and
//! all-or-nothing transactions, idempotent re-imports.

use crate::sandbox::{last_json, stderr, Sandbox};

#[test]
fn mailchimp_audience_export_keeps_every_field() {
    let s = Sandbox::new();
    let csv = s.file(
        "members.csv",
        "Email Address,First Name,Address,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LAST_CHANGED,LEID,TAGS\n\
         Neko@Example.JP,Neko,1 Cat Street,4,2026-01-02 10:00:00,192.0.2.7,2026-01-02 10:05:00,192.0.2.8,2026-02-01 00:00:00,99,\"vip,cats\"\n\
         not an address,Bad,,1,,,,,,100,\n",
    );
    let o = s.run(&["import", "subscribers", &csv, "--list", "news", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = last_json(&o);
    assert_eq!((j["rows"].as_u64(), j["new"].as_u64(), j["invalid"].as_u64()), (Some(2), Some(2), Some(1)));
    assert_eq!(
        s.count("select count(*) from subscribers where address = 'neko@example.jp' and list = 'news' and signup_at = 1767348000 \
                 and signup_ip = '192.0.2.7' and confirm_at = 1767348300 and confirm_ip = '192.0.2.8' and rating = 4 \
                 and tags = 'vip,cats' and last_changed_at = 1769904000 and status = 'subscribed' \
                 and extra ->> 'Address' = '1 Cat Street' and extra ->> 'LEID' = '99'"),
        1
    );
    assert_eq!(s.count("select count(*) from subscribers where address = 'not an address'"), 1, "invalid addresses are kept");
    // A second import updates rather than duplicates.
    let j = last_json(&s.run(&["import", "subscribers", &csv, "--list", "news", "--json"]));
    assert_eq!(j["new"].as_u64(), Some(0));
    assert_eq!(s.count("select count(*) from subscribers"), 2);
}

#[test]
fn listmonk_export_and_map_override() {
    let s = Sandbox::new();
    let csv = s.file(
        "listmonk.csv",
        "uuid,email,name,attributes,status,created_at,updated_at\n\
         a1,x@example.org,X,\"{\"\"city\"\":\"\"Oslo\"\"}\",blocklisted,2026-01-01T00:00:00Z,2026-01-05T00:00:00Z\n",
    );
    s.ok(&["import", "subscribers", &csv]);
    assert_eq!(s.count("select count(*) from subscribers where status = 'blocklisted' and signup_at = 1767225600 and extra ->> 'name' = 'X'"), 1);
    let csv = s.file("odd.csv", "Kontakt;Liste\ny@example.org;vip\n");
    let o = s.run(&["import", "subscribers", &csv]);
    assert_eq!(o.status.code(), Some(2), "no email column: cannot run");
    assert!(stderr(&o).contains("--map"), "{}", stderr(&o));
    s.ok(&["import", "subscribers", &csv, "--map", "Kontakt=email", "--map", "Liste=list"]);
    assert_eq!(s.count("select count(*) from subscribers where address = 'y@example.org' and list = 'vip'"), 1);
}

/// Thousands of rows, parsed on several threads: rows of one address still fold in file order,
/// and bad rows are reported in file order with their own line numbers.
#[test]
fn a_long_subscriber_file_folds_in_file_order_and_names_every_bad_line() {
    let s = Sandbox::new();
    let rows = |bad: bool| {
        let mut text = String::from("email,status,signup_ip\n");
        for i in 0..3500 {
            let (address, status) = match i {
                10 => ("twice@example.com", "subscribed"),
                3400 => ("twice@example.com", "unsubscribed"),
                _ => (&*format!("user{i}@example.com"), "subscribed"),
            };
            let ip = if bad && (i == 1500 || i == 2999) { "not-an-ip" } else { "192.0.2.1" };
            text.push_str(&format!("{address},{status},{ip}\n"));
        }
        text
    };
    let csv = s.file("bad.csv", &rows(true));
    let o = s.run(&["import", "subscribers", &csv]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let first = err.find("bad.csv:1502: signup_ip").unwrap_or_else(|| panic!("line 1502 missing in:\n{err}"));
    let second = err.find("bad.csv:3001: signup_ip").unwrap_or_else(|| panic!("line 3001 missing in:\n{err}"));
    assert!(first < second, "bad rows in file order:\n{err}");
    assert!(err.contains("2 bad rows of 3500; nothing imported"), "{err}");
    assert_eq!(s.count("select count(*) from subscribers"), 0);

    let csv = s.file("good.csv", &rows(false));
    let j = last_json(&s.run(&["import", "subscribers", &csv, "--json"]));
    assert_eq!((j["rows"].as_u64(), j["new"].as_u64()), (Some(3500), Some(3499)));
    assert_eq!(s.count("select count(*) from subscribers where address = 'twice@example.com' and status = 'unsubscribed'"), 1, "the later row wins");
}

#[test]
fn bad_rows_are_all_reported_and_nothing_is_imported() {
    let s = Sandbox::new();
    let csv = s.file(
        "eng.csv",
        "email,type,time,campaign\n\
         a@example.com,sent,2026-01-01T00:00:00Z,c1\n\
         ,open,2026-01-01T00:00:05Z,c1\n\
         a@example.com,teleported,2026-01-01T00:00:05Z,c1\n\
         a@example.com,click,someday,c1\n",
    );
    let o = s.run(&["import", "engagement", &csv]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for needle in ["eng.csv:3: empty email", "eng.csv:4: type \"teleported\"", "eng.csv:5: time:", "3 bad rows of 4; nothing imported"] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    assert_eq!(s.count("select count(*) from engagement"), 0, "all or nothing");
}

#[test]
fn engagement_is_idempotent_and_skips_non_engagement_events() {
    let s = Sandbox::new();
    let csv = s.file(
        "events.csv",
        "Recipient,Event,Timestamp,Campaign ID,IP,User-Agent\n\
         b@example.com,delivered,1790812800,c2,,\n\
         a@example.com,processed,1790812800,c2,,\n\
         a@example.com,Opened,1790812805,c2,17.58.1.1,Mozilla/5.0\n\
         a@example.com,click,1790816400,c2,198.51.100.4,Thunderbird\n\
         a@example.com,deferred,1790812800,c2,,\n",
    );
    let j = last_json(&s.run(&["import", "engagement", &csv, "--json"]));
    assert_eq!((j["imported"].as_u64(), j["new"].as_u64(), j["skipped"].as_u64()), (Some(3), Some(3), Some(2)));
    assert_eq!(j["skipped_by"]["deferred"].as_u64(), Some(1));
    let j = last_json(&s.run(&["import", "engagement", &csv, "--json"]));
    assert_eq!(j["new"].as_u64(), Some(0), "second import adds nothing");
    assert_eq!(s.count("select count(*) from engagement where type = 'open' and ip = '17.58.1.1' and user_agent = 'Mozilla/5.0'"), 1);
    // Stored in address order whatever the file's order.
    assert_eq!(s.count("select min(id) from engagement where address = 'a@example.com'"), 1);
}

/// Several files in one import: each file's header is read on its own, rows repeated across
/// files are one row (the later file's subscriber row wins), and a bad row in any file keeps
/// every file out, with each bad row named by its own file and line.
#[test]
fn several_files_are_one_import() {
    let s = Sandbox::new();
    let first = s.file("jan.csv", "email,type,time,campaign\na@example.com,sent,1790812800,c1\nb@example.com,sent,1790812800,c1\n");
    let second = s.file("feb.csv", "Campaign;Timestamp;Event;Recipient\nc1;1790812800;sent;a@example.com\nc2;1790899200;open;b@example.com\n");
    let bad = s.file("mar.csv", "email,type,time\nc@example.com,sent,1790985600\nc@example.com,teleported,1790985600\n");
    let o = s.run(&["import", "engagement", &first, &bad, &second]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("mar.csv:3: type \"teleported\""), "{err}");
    assert!(err.contains("jan.csv and 2 more files: 1 bad rows of 6; nothing imported"), "{err}");
    assert_eq!(s.count("select count(*) from engagement"), 0, "all or nothing across the files");

    let j = last_json(&s.run(&["import", "engagement", &first, &second, "--json"]));
    assert_eq!((j["rows"].as_u64(), j["imported"].as_u64(), j["new"].as_u64()), (Some(4), Some(4), Some(3)));
    assert_eq!(s.count("select count(*) from engagement where address = 'b@example.com' and type = 'open' and campaign = 'c2'"), 1);
    assert_eq!(s.count("select count(*) from engagement_sends"), 2);

    let old = s.file("old.csv", "email,status\nx@example.com,subscribed\ny@example.com,subscribed\n");
    let new = s.file("new.csv", "Email Address,Status\nX@example.com,unsubscribed\n");
    let o = s.run(&["import", "subscribers", &old, &new, "--list", "news"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("old.csv and 1 more files: 3 rows, 3 imported, 2 new"), "{o:?}");
    assert_eq!(s.count("select count(*) from subscribers where address = 'x@example.com' and status = 'unsubscribed'"), 1, "the later file wins");

    let o = s.run(&["import", "subscribers", "-", &new, "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("- (standard input) can be given only once"), "{}", stderr(&o));
}

/// A full disk under standard output: the import is committed, and the error says both that and
/// what failed (`/dev/full` refuses every write).
#[test]
fn a_summary_that_cannot_be_printed_says_the_import_is_done() {
    let s = Sandbox::new();
    let csv = s.file("subs.csv", "email\na@example.com\nb@example.com\n");
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full (Linux)");
    let o = s.command(&["import", "subscribers", &csv]).stdout(full).output().expect("run listhygiene");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("imported, but printing the summary failed: writing to standard output: No space left on device"), "{err}");
    assert_eq!(s.count("select count(*) from subscribers"), 2, "the import itself is committed");
}

#[test]
fn every_suppression_format() {
    let s = Sandbox::new();
    let cases: &[(&str, &str, &str)] = &[
        ("ses", "ses.csv", "ses1@x.example,BOUNCE\nses2@x.example,COMPLAINT\n"),
        ("ses", "ses.jsonl", "{\"emailAddress\":\"ses3@x.example\",\"reason\":\"BOUNCE\"}\n"),
        ("ses", "ses.json", r#"{"SuppressedDestinationSummaries":[{"EmailAddress":"ses4@x.example","Reason":"COMPLAINT","LastUpdateTime":"2026-10-01T00:00:00Z"}]}"#),
        ("sendgrid", "sg.json", r#"[{"created":1790812800,"email":"sg1@x.example","reason":"550 5.1.1 unknown","status":"5.1.1"}]"#),
        ("sendgrid", "sg.csv", "email,created\nsg2@x.example,2026-10-01\n"),
        ("mailgun", "mg-bounces.csv", "address,code,error,created_at\nmg1@x.example,550,No such user,\"Thu, 01 Oct 2026 00:00:00 +0000\"\n"),
        ("mailgun", "mg-complaints.csv", "address,created_at\nmg2@x.example,\n"),
        ("mailgun", "mg-unsubscribes.csv", "address,tags,created_at\nmg3@x.example,*,\n"),
        ("postmark", "pm.json", r#"{"Suppressions":[{"EmailAddress":"pm1@x.example","SuppressionReason":"HardBounce","Origin":"Recipient","CreatedAt":"2019-12-17T08:58:33-05:00"}]}"#),
        ("brevo", "brevo.json", r#"{"contacts":[{"email":"br1@x.example","senderEmail":"s@y.example","reason":{"code":"contactFlaggedAsSpam","message":"x"},"blockedAt":"2026-10-01T00:00:00Z"}],"count":1}"#),
        ("mailchimp-cleaned", "cleaned.csv", "Email Address,CLEAN_TIME,CLEAN_CAMPAIGN_TITLE\nmc1@x.example,2026-10-01 00:00:00,Oct\n"),
        ("mailchimp-unsubscribed", "unsub.csv", "Email Address,UNSUB_TIME,UNSUB_REASON\nmc2@x.example,2026-10-01 00:00:00,No longer interested\n"),
        ("listmonk", "lm.csv", "uuid,email,name,attributes,status\nu1,lm1@x.example,A,{},blocklisted\nu2,lm2@x.example,B,{},enabled\n"),
        ("plain", "plain.txt", "# suppressed\nPlain1@X.example\n\nplain 2 not valid\n"),
    ];
    for (format, name, text) in cases {
        let path = s.file(name, text);
        let o = s.run(&["import", "suppressions", "--from", format, &path, "--json"]);
        assert_eq!(o.status.code(), Some(0), "{format} {name}: {}", stderr(&o));
    }
    let expect: &[(&str, &str, &str)] = &[
        ("ses1@x.example", "ses", "BOUNCE"),
        ("ses2@x.example", "ses", "COMPLAINT"),
        ("ses3@x.example", "ses", "BOUNCE"),
        ("ses4@x.example", "ses", "COMPLAINT"),
        ("sg1@x.example", "sendgrid", "550 5.1.1 unknown"),
        ("sg2@x.example", "sendgrid", "manual"),
        ("mg1@x.example", "mailgun", "550 No such user"),
        ("mg2@x.example", "mailgun", "complaint"),
        ("mg3@x.example", "mailgun", "unsubscribe"),
        ("pm1@x.example", "postmark", "HardBounce"),
        ("br1@x.example", "brevo", "contactFlaggedAsSpam"),
        ("mc1@x.example", "mailchimp-cleaned", "cleaned"),
        ("mc2@x.example", "mailchimp-unsubscribed", "No longer interested"),
        ("lm1@x.example", "listmonk", "blocklisted"),
        ("plain1@x.example", "plain", "manual"),
        ("plain 2 not valid", "plain", "manual"),
    ];
    for (address, format, reason) in expect {
        let sql = format!("select count(*) from suppressions where address = '{address}' and source_format = '{format}' and reason = '{reason}'");
        assert_eq!(s.count(&sql), 1, "{sql}");
    }
    assert_eq!(s.count("select count(*) from suppressions"), expect.len() as i64, "lm2 (enabled) is not a suppression");
    assert_eq!(s.count("select suppressed_at from suppressions where address = 'mg1@x.example'"), 1_790_812_800);
    assert_eq!(s.count("select suppressed_at from suppressions where address = 'sg1@x.example'"), 1_790_812_800);
    // Merged: importing again adds nothing.
    let path = s.path("ses.csv");
    let j = last_json(&s.run(&["import", "suppressions", "--from", "ses", path.to_str().unwrap_or(""), "--json"]));
    assert_eq!(j["new"].as_u64(), Some(0));
}

#[test]
fn bad_json_items_are_numbered() {
    let s = Sandbox::new();
    let path = s.file("pm.json", r#"{"Suppressions":[{"EmailAddress":"ok@x.example"},{"EmailAddress":"","SuppressionReason":"HardBounce"}]}"#);
    let o = s.run(&["import", "suppressions", "--from", "postmark", &path]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("pm.json:item 2: empty email"), "{}", stderr(&o));
    assert_eq!(s.count("select count(*) from suppressions"), 0);
}
