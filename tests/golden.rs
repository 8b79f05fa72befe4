//! Golden files: every sample message parses to exactly the JSON in tests/golden/, both with
//! LF and with CRLF line endings. `UPDATE_GOLDEN=1` rewrites the expected files; a mismatch
//! writes `NAME.actual.json` beside the expected file and fails naming it.

use listhygiene::parse::{classify, ParseOptions};

use crate::util::{files_with_suffix, root, to_crlf};

#[test]
fn samples_match_golden_files_lf_and_crlf() {
    let samples = root().join("samples");
    let golden = root().join("tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let options = ParseOptions::default();
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in files_with_suffix(&samples, ".eml") {
        let relative = path.strip_prefix(&samples).unwrap().with_extension("json");
        let expected_path = golden.join(&relative);
        let raw = std::fs::read(&path).unwrap();
        let lf = serde_json::to_string_pretty(&classify(&raw, &options)).unwrap() + "\n";
        let crlf = serde_json::to_string_pretty(&classify(&to_crlf(&raw), &options)).unwrap() + "\n";
        if update {
            std::fs::create_dir_all(expected_path.parent().unwrap()).unwrap();
            std::fs::write(&expected_path, &lf).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        for (ending, actual) in [("LF", &lf), ("CRLF", &crlf)] {
            if *actual != expected {
                let actual_path = expected_path.with_extension(format!("{}.actual.json", ending.to_lowercase()));
                std::fs::create_dir_all(actual_path.parent().unwrap()).unwrap();
                std::fs::write(&actual_path, actual).unwrap();
                failures.push(format!("{} ({ending}): see {}", relative.display(), actual_path.display()));
            }
        }
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} sample messages found under {}", samples.display());
    assert!(failures.is_empty(), "{} golden mismatches:\n{}", failures.len(), failures.join("\n"));
}
