//! The pure core stays pure: parse/, score/ and domain.rs do no I/O and never read the clock.

use crate::util::{files_with_suffix, root};

const FORBIDDEN: &[&str] = &[
    "std::fs", "std::net", "std::process", "std::env", "tokio", "sqlx", "imap::", "Utc::now",
    "Local::now", "SystemTime", "Instant::now", "std::io::stdin", "std::io::stdout", "File::",
];

#[test]
fn pure_modules_do_no_io() {
    let src = root().join("src");
    let mut files = files_with_suffix(&src.join("parse"), ".rs");
    let score = src.join("score");
    if score.is_dir() {
        files.extend(files_with_suffix(&score, ".rs"));
    }
    files.push(src.join("domain.rs"));
    assert!(files.len() > 5, "the pure modules were not found");
    let mut offences = Vec::new();
    // Unit tests (a `tests.rs` module, or what follows `#[cfg(test)]`) may use the clock.
    for file in files.iter().filter(|f| !f.ends_with("tests.rs")) {
        let text = std::fs::read_to_string(file).unwrap();
        let production = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in production.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in FORBIDDEN {
                if code.contains(word) {
                    offences.push(format!("{}:{}: {word}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(offences.is_empty(), "I/O or clock in the pure core:\n{}", offences.join("\n"));
}
