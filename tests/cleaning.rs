//! `clean`: every column and the row order kept, the e-mail column found by header or content,
//! suppressed (and with --drop flagged, flagged) rows removed with their reason, counts per
//! reason.

use crate::sandbox::{last_json, stderr, Sandbox};

fn scored() -> Sandbox {
    let s = Sandbox::new();
    let sup = s.file("ses.csv", "bounced@x.example,BOUNCE\ncomplained@x.example,COMPLAINT\n");
    s.ok(&["import", "suppressions", "--from", "ses", &sup]);
    let subs = s.file("subs.csv", "email\nnoreply@x.example\nfine@x.example\n");
    s.ok(&["import", "subscribers", &subs]);
    s.ok(&["score"]);
    s
}

#[test]
fn keeps_columns_and_order_and_counts_per_reason() {
    let s = scored();
    let input = s.file(
        "campaign.csv",
        "Vorname;E-Mail-Adresse;Segment;Notiz\n\
         Anna;fine@x.example;A;\"quoted; with delimiter\"\n\
         Ben;BOUNCED@x.example;B;\n\
         Cleo;noreply@x.example;C;\n\
         Dora;complained@x.example;A;x\n\
         Emil;;B;no address\n\
         Finn;fine@x.example;C;duplicate kept\n",
    );
    let o = s.run(&["clean", &input, "-o", "clean.csv", "--removed", "removed.csv", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = last_json(&o);
    assert_eq!((j["rows"].as_u64(), j["kept"].as_u64(), j["removed"].as_u64(), j["unreadable"].as_u64()), (Some(6), Some(4), Some(2), Some(1)));
    assert_eq!(j["by_reason"]["imported-suppression"].as_u64(), Some(2));
    assert_eq!(j["found_by"], "header");
    assert_eq!(
        s.read("clean.csv"),
        "Vorname;E-Mail-Adresse;Segment;Notiz\nAnna;fine@x.example;A;\"quoted; with delimiter\"\nCleo;noreply@x.example;C;\nEmil;;B;no address\nFinn;fine@x.example;C;duplicate kept\n"
    );
    assert_eq!(
        s.read("removed.csv"),
        "Vorname;E-Mail-Adresse;Segment;Notiz;reason\nBen;BOUNCED@x.example;B;;imported-suppression\nDora;complained@x.example;A;x;imported-suppression\n"
    );
    let j = last_json(&s.run(&["clean", &input, "-o", "clean2.csv", "--drop", "flagged", "--json"]));
    assert_eq!((j["kept"].as_u64(), j["removed"].as_u64()), (Some(3), Some(3)));
    assert_eq!(j["by_reason"]["role-account"].as_u64(), Some(1));
    let text = String::from_utf8(s.run(&["clean", &input, "-o", "clean3.csv"]).stdout).unwrap_or_default();
    assert!(text.contains("6 rows, 4 kept, 2 removed (imported-suppression 2)"), "{text}");
}

#[test]
fn finds_the_email_column_by_content_and_refuses_to_overwrite_its_input() {
    let s = scored();
    let input = s.file("nohead.csv", "1,bounced@x.example,x\n2,fine@x.example,y\n");
    let j = last_json(&s.run(&["clean", &input, "-o", "out.csv", "--json"]));
    assert_eq!((j["email_column"].as_u64(), j["found_by"].as_str()), (Some(1), Some("content_no_header")));
    assert_eq!(s.read("out.csv"), "2,fine@x.example,y\n");
    let o = s.run(&["clean", &input, "-o", &input]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("overwrite the input"), "{}", stderr(&o));
    let nothing = s.file("numbers.csv", "a,b\n1,2\n");
    let o = s.run(&["clean", &nothing, "-o", "x.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no column holds e-mail addresses"), "{}", stderr(&o));
    assert!(!s.path("x.csv").exists(), "no output on failure");
}
