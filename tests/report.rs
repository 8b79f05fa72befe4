//! `audit` and `report` on the sample set in samples/report/ (the November 2026 Hotmail block,
//! Outlook throttling, complaints over the Yahoo limit, a giveaway form hit by bots and link
//! scanners, a purchased list): JSON checked field by field, `--fail-on` exit statuses, CSV, and
//! the HTML pages rendered in headless Chromium (screenshot not blank, page text checked).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::util::root;

const BIN: &str = env!("CARGO_BIN_EXE_listhygiene");
const SINCE: &str = "2026-11-01";
const UNTIL: &str = "2026-11-30";

/// A database with the sample set loaded, in a temporary directory.
struct Sample {
    dir: tempfile::TempDir,
}

impl Sample {
    fn load() -> Sample {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Sample { dir };
        let samples = root().join("samples/report");
        let o = s.run(&["ingest", "--json", path(&samples.join("feedback.mbox"))]);
        assert!(o.status.success(), "ingest: {}", stderr(&o));
        let o = s.run(&["import", "sends", "--json", path(&samples.join("sends.csv"))]);
        assert!(o.status.success(), "import sends: {}", stderr(&o));
        let o = s.run(&["import", "subscribers", "--json", path(&samples.join("subscribers.csv"))]);
        assert!(o.status.success(), "import subscribers: {}", stderr(&o));
        s
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("sample.db")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .current_dir(self.dir.path())
            .env_remove("LISTHYGIENE_CONFIG")
            .env_remove("LISTHYGIENE_LOG")
            .env_remove("LISTHYGIENE_TOKEN_SECRET")
            .env("LISTHYGIENE_DB", self.db())
            .arg("--config")
            .arg(root().join("samples/report/listhygiene.toml"))
            .args(args)
            .output()
            .expect("run listhygiene")
    }

    fn json(&self, args: &[&str]) -> Value {
        let o = self.run(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn provider<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["providers"].as_array().expect("providers").iter().find(|p| p["provider"] == name).expect(name)
}

#[test]
fn report_shows_the_hotmail_block_and_rates_against_target_and_limit() {
    let s = Sample::load();
    let r = s.json(&["report", "--since", SINCE, "--until", UNTIL, "--format", "json"]);
    assert_eq!(r["window"]["last_day"], UNTIL);
    assert_eq!(r["thresholds"]["complaint_target"], 0.001);
    assert_eq!(r["thresholds"]["complaint_limit"], 0.003);
    // Four campaigns of 800 sends; the October confirmation mails are outside the window.
    assert_eq!(r["totals"]["sends"], 3200);
    assert_eq!(r["totals"]["complaints"], 6);
    assert_eq!(r["totals"]["unresolved_complaints"], 2);
    let ms = provider(&r, "microsoft");
    assert_eq!((ms["complaints"].as_u64(), ms["status"].as_str()), (Some(2), Some("over_target")));
    assert_eq!(provider(&r, "yahoo")["status"], "over_limit");
    assert_eq!(provider(&r, "gmail")["status"], "ok");
    let incidents = r["incidents"].as_array().expect("incidents");
    let block = &incidents[0];
    assert_eq!(block["code"], "SC-001");
    assert_eq!(block["provider"], "microsoft");
    assert_eq!(block["sending_ip"], "203.0.113.28");
    assert_eq!(block["refusals"], 60);
    assert_eq!(block["kind"], "block");
    assert_eq!(block["headline"], "Outlook.com is blocking part of your sending network: 203.0.113.28");
    let actions = block["actions"].to_string();
    assert!(actions.contains("sender support form") && actions.contains("SNDS") && actions.contains("JMRP"), "{actions}");
    let first = r["findings"][0]["text"].as_str().unwrap_or("");
    assert!(
        first.starts_with("Outlook.com is blocking part of your sending network: 203.0.113.28")
            && first.contains("Request delisting via the Outlook.com sender support form, check SNDS, enrol in JMRP"),
        "{first}"
    );
    let codes: Vec<&str> = incidents.iter().filter_map(|i| i["code"].as_str()).collect();
    assert!(codes.contains(&"RP-001") && codes.contains(&"TSS04"), "{codes:?}");
    let causes: Vec<&str> = r["unresolved"]["causes"].as_array().expect("causes").iter().filter_map(|c| c["cause"].as_str()).collect();
    assert_eq!(causes.len(), 2, "{causes:?}");
    assert!(causes.contains(&"no-identifier") && causes.contains(&"not-in-send-log"), "{causes:?}");
    let campaigns: Vec<&str> = r["campaigns"].as_array().expect("campaigns").iter().filter_map(|c| c["campaign"].as_str()).collect();
    assert_eq!(campaigns.len(), 4, "{campaigns:?}");
    assert_eq!(r["daily"].as_array().map(Vec::len), Some(30));
    let hard: u64 = r["bounces"].as_array().expect("bounces").iter().filter(|b| b["class"] == "hard").filter_map(|b| b["count"].as_u64()).sum();
    assert_eq!(hard, r["totals"]["hard_bounces"].as_u64().unwrap_or(0));

    let text = s.run(&["report", "--since", SINCE, "--until", UNTIL]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.starts_with("Deliverability report 2026-11-01 – 2026-11-30 (30 days)"), "{text}");
    assert!(text.contains("Outlook.com is blocking part of your sending network: 203.0.113.28"));

    // An empty window is a report too, not an error.
    let empty = s.json(&["report", "--since", "2020-01-01", "--until", "2020-01-31", "--format", "json"]);
    assert_eq!(empty["findings"][0]["severity"], "ok");
}

#[test]
fn fail_on_is_a_circuit_breaker() {
    let s = Sample::load();
    let window = ["report", "--since", SINCE, "--until", UNTIL, "-o", "report.txt"];
    let run = |extra: &[&str]| {
        let mut args = window.to_vec();
        args.extend_from_slice(extra);
        s.run(&args)
    };
    let o = run(&["--fail-on", "complaint-rate>0.3%"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--fail-on complaint-rate>0.3% crossed: >0.30 %: Yahoo / AOL 0.68 % (440 sends)"), "{}", stderr(&o));
    assert_eq!(run(&["--fail-on", "complaint-rate>1%"]).status.code(), Some(0));
    assert_eq!(run(&["--fail-on", "complaint-rate:gmail>=0.1%"]).status.code(), Some(0));
    assert_eq!(run(&["--fail-on", "complaint-rate:microsoft>=0.1%"]).status.code(), Some(1));
    assert_eq!(run(&["--fail-on", "hard-bounce-rate>2%"]).status.code(), Some(0));
    let o = run(&["--fail-on", "hard-bounce-rate>2%", "--fail-on", "sender-incidents>0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("sender-incidents>0 crossed") && !stderr(&o).contains("hard-bounce-rate>2% crossed"), "{}", stderr(&o));
    assert_eq!(run(&["--fail-on", "unresolved-complaints>2"]).status.code(), Some(0));
    let bad = run(&["--fail-on", "complaint-rate>0.3"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("a rate needs a percentage"), "{}", stderr(&bad));
    assert!(std::fs::read_to_string(s.dir.path().join("report.txt")).expect("-o file").contains("--fail-on"));

    assert_eq!(s.run(&["audit", "--fail-on", "scanner-ip", "-o", "a.txt"]).status.code(), Some(1));
    assert_eq!(s.run(&["audit", "--fail-on", "confirm-before-signup", "-o", "a.txt"]).status.code(), Some(0));
    assert_eq!(s.run(&["audit", "--fail-on", "flagged-source", "-o", "a.txt"]).status.code(), Some(1));
    assert_eq!(s.run(&["audit", "--fail-on", "no-such-rule"]).status.code(), Some(2));
}

#[test]
fn audit_flags_the_giveaway_and_the_purchased_list() {
    let s = Sample::load();
    let a = s.json(&["audit", "--format", "json"]);
    assert_eq!(a["totals"]["subscribers"], 840);
    let count = |rule: &str| {
        a["totals"]["by_rule"].as_array().expect("by_rule").iter().find(|r| r["rule"] == rule).and_then(|r| r["count"].as_u64())
    };
    assert_eq!(count("signup-burst"), Some(60));
    assert_eq!(count("scanner-ip"), Some(100));
    assert_eq!(count("confirm-too-fast"), Some(100));
    assert_eq!(count("missing-signup"), Some(90));
    assert_eq!(count("missing-confirmation"), Some(90));
    assert_eq!(count("disposable-domain"), Some(10));
    assert_eq!(count("role-account"), Some(4));
    assert_eq!(count("confirm-before-signup"), Some(0));
    assert!(count("mailbox-variant").unwrap_or(0) >= 15);
    let out: Vec<&str> = a["sources"].as_array().expect("sources").iter().filter(|s| s["stands_out"] == true).filter_map(|s| s["source"].as_str()).collect();
    assert_eq!(out, ["partner-import", "giveaway-2026"]);
    let giveaway = &a["sources"][1];
    assert!(giveaway["complaint_rate"].as_f64().unwrap_or(0.0) > 0.003);
    assert_eq!(a["rows"].as_array().map(Vec::len), a["totals"]["flagged"].as_u64().and_then(|n| usize::try_from(n).ok()));

    let csv = s.run(&["audit", "--format", "csv"]);
    let csv = String::from_utf8_lossy(&csv.stdout);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("address,list,source,status,signup_at,signup_ip,confirm_at,confirm_ip,rules,details"));
    assert_eq!(lines.count() as u64, a["totals"]["flagged"].as_u64().unwrap_or(0));
}

/// Headless Chromium, or `None` when the tests are told to skip it.
fn chromium() -> Option<PathBuf> {
    if std::env::var_os("LISTHYGIENE_SKIP_BROWSER_TESTS").is_some_and(|v| v == "1") {
        eprintln!("LISTHYGIENE_SKIP_BROWSER_TESTS=1: not rendering the HTML in Chromium");
        return None;
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    panic!(
        "the HTML tests need headless Chromium (Debian: apt-get install -y chromium); \
         set LISTHYGIENE_SKIP_BROWSER_TESTS=1 to skip them explicitly"
    );
}

fn browser(chromium: &Path, profile: &Path, extra: &[&str], page: &Path) -> Output {
    let mut c = Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(format!("file://{}", page.display()));
    c.output().expect("run chromium")
}

/// Renders `page` at phone width: the PNG must be a real picture (colours and detail, not a
/// blank page) and the DOM text is returned.
fn render(chromium: &Path, dir: &Path, page: &Path, png_path: &Path, height: u32) -> String {
    let profile = dir.join("chromium-profile");
    let shot = browser(chromium, &profile, &[&format!("--screenshot={}", png_path.display()), &format!("--window-size=412,{height}")], page);
    assert!(png_path.is_file(), "no screenshot from chromium: {}", stderr(&shot));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).expect("png")));
    let mut reader = decoder.read_info().expect("png header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("png size")];
    let info = reader.next_frame(&mut pixels).expect("png frame");
    assert_eq!(info.width, 412);
    let channels = info.color_type.samples();
    let lum: Vec<f64> = pixels[..info.buffer_size()]
        .chunks(channels)
        .map(|p| f64::from(p[0]) * 0.3 + f64::from(p[1 % channels]) * 0.59 + f64::from(p[2 % channels]) * 0.11)
        .collect();
    let mean = lum.iter().sum::<f64>() / lum.len() as f64;
    let variance = lum.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / lum.len() as f64;
    assert!(variance > 200.0, "the screenshot looks blank (luminance variance {variance:.1})");
    // Red (limit) and amber/green bars: the charts drew in colour.
    let coloured = pixels[..info.buffer_size()]
        .chunks(channels)
        .filter(|p| channels >= 3 && (i32::from(p[0]) - i32::from(p[2])).abs() > 80)
        .count();
    assert!(coloured > 500, "hardly any coloured pixels ({coloured}): did the charts draw?");

    let dom = browser(chromium, &profile, &["--dump-dom"], page);
    assert!(dom.status.success(), "chromium --dump-dom: {}", stderr(&dom));
    String::from_utf8_lossy(&dom.stdout).into_owned()
}

/// The page loads nothing from anywhere and runs no script.
fn assert_self_contained(html: &str) {
    for needle in ["<script", "src=", "href=", "url(", "@import", "<link", "<iframe", "<img"] {
        assert!(!html.contains(needle), "the page contains {needle:?}");
    }
    assert!(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
}

#[test]
fn html_pages_render_in_chromium_and_show_what_matters() {
    let s = Sample::load();
    let dir = s.dir.path();
    let o = s.run(&["report", "--since", SINCE, "--until", UNTIL, "--format", "html", "-o", "report.html", "--fail-on", "complaint-rate>0.3%"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = s.run(&["audit", "--format", "html", "-o", "audit.html", "--limit", "25"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report_html = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
    let audit_html = std::fs::read_to_string(dir.join("audit.html")).expect("audit.html");
    assert_self_contained(&report_html);
    assert_self_contained(&audit_html);
    assert!(report_html.matches("<svg").count() >= 4 && audit_html.matches("<svg").count() >= 3);

    let Some(chromium) = chromium() else { return };
    let report_png = dir.join("report.png");
    let dom = render(&chromium, dir, &dir.join("report.html"), &report_png, 2400);
    for needle in [
        "Outlook.com is blocking part of your sending network: 203.0.113.28",
        "Complaint rate per provider",
        "target 0.10 %",
        "limit 0.30 %",
        "Outlook.com / Hotmail (908 sends)",
        "0.22 % · over target",
        "Yahoo / AOL (440 sends)",
        "0.68 % · OVER LIMIT",
        "SNDS",
        "JMRP",
        "CROSSED",
    ] {
        assert!(dom.contains(needle), "the rendered report lacks {needle:?}");
    }
    let audit_png = dir.join("audit.png");
    let dom = render(&chromium, dir, &dir.join("audit.html"), &audit_png, 2400);
    for needle in ["Flagged source: news / partner-import", "Flagged source: news / giveaway-2026", "signup-burst", "scanner-ip", "Flagged subscribers (201)"] {
        assert!(dom.contains(needle), "the rendered audit lacks {needle:?}");
    }
    // UPDATE_SCREENSHOTS=1 refreshes the README's pictures from this very run.
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some_and(|v| v == "1") {
        let img = root().join("docs/img");
        std::fs::create_dir_all(&img).expect("docs/img");
        std::fs::copy(&report_png, img.join("report.png")).expect("copy report.png");
        std::fs::copy(&audit_png, img.join("audit.png")).expect("copy audit.png");
    }
}

#[test]
fn the_send_count_query_names_providers_as_rust_does() {
    let rt = crate::fixtures::runtime();
    rt.block_on(async {
        let store = listhygiene::store::Store::open_in_memory().await.expect("store");
        for domain in [
            "hotmail.com", "hotmail.co.uk", "outlook.fr", "live.com", "msn.com", "gmail.com", "googlemail.com",
            "yahoo.co.jp", "ymail.com", "aol.com", "att.net", "verizon.net", "icloud.com", "me.com", "mac.com",
            "me.example.org", "live.example.com", "example.jp", "localhost", "mail.example", "outlook.com.br",
            "outlook..com", "gmail.", "yahoo.travel", "aim.com", "windowslive.com", "corp.example",
        ] {
            let sql: String = sqlx::query_scalar(listhygiene::store::report::PROVIDER_OF_DOMAIN_SQL)
                .bind(domain)
                .fetch_one(store.pool())
                .await
                .expect("query");
            assert_eq!(sql, listhygiene::provider::provider_of_domain(domain).as_str(), "{domain}");
        }
    });
}
