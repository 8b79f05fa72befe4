//! The parser never panics: mutated samples (bit flips, cuts, splices, line-ending changes,
//! random insertions) and arbitrary bytes all come back as a value. `PROPTEST_CASES` raises
//! the number of cases for a longer fuzzing run.

use listhygiene::parse::{classify, ParseOptions};
use proptest::prelude::*;

use crate::util::{files_with_suffix, root};

fn samples() -> Vec<Vec<u8>> {
    let mut all: Vec<Vec<u8>> = files_with_suffix(&root().join("samples"), ".eml")
        .into_iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert!(!all.is_empty(), "no samples to mutate");
    all.sort();
    all
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, byte: u8 },
    Cut { at: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Splice { from: usize, len: usize, to: usize },
    DropLine { at: usize },
    Crlf,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
        any::<usize>().prop_map(|at| Mutation::Cut { at }),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 0..64)).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 0usize..512, any::<usize>()).prop_map(|(from, len, to)| Mutation::Splice { from, len, to }),
        any::<usize>().prop_map(|at| Mutation::DropLine { at }),
        Just(Mutation::Crlf),
    ]
}

fn apply(mut data: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let n = data.len().max(1);
    match m {
        Mutation::Flip { at, byte } => {
            if !data.is_empty() {
                let i = at % n;
                data[i] ^= byte;
            }
        }
        Mutation::Cut { at } => data.truncate(at % n),
        Mutation::Insert { at, bytes } => {
            let i = at % n;
            data.splice(i.min(data.len())..i.min(data.len()), bytes.iter().copied());
        }
        Mutation::Splice { from, len, to } => {
            let start = from % n;
            let end = (start + len).min(data.len());
            let chunk = data[start.min(data.len())..end].to_vec();
            let at = (to % n).min(data.len());
            data.splice(at..at, chunk);
        }
        Mutation::DropLine { at } => {
            let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
            let skip = at % lines.len().max(1);
            data = lines.iter().enumerate().filter(|(i, _)| *i != skip).flat_map(|(_, l)| l.iter().copied().chain([b'\n'])).collect();
        }
        Mutation::Crlf => data = crate::util::to_crlf(&data),
    }
    data
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_samples_never_panic(pick in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..6)) {
        let all = samples();
        let mut data = all[pick % all.len()].clone();
        for m in &mutations {
            data = apply(data, m);
        }
        let parsed = classify(&data, &ParseOptions::default());
        prop_assert!(serde_json::to_string(&parsed).is_ok());
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let parsed = classify(&data, &ParseOptions::default());
        prop_assert!(serde_json::to_string(&parsed).is_ok());
    }
}

#[test]
fn oversized_messages_are_cut_and_noted() {
    let sample = samples().into_iter().next().unwrap();
    let options = ParseOptions { max_bytes: 300, ..ParseOptions::default() };
    let parsed = classify(&sample, &options);
    let note = parsed.note.unwrap_or_default();
    assert!(note.contains("cut to its first 300 bytes"), "note was {note:?}");
}

#[test]
fn a_megabyte_body_parses_without_blowing_up() {
    let mut message = b"From: MAILER-DAEMON@example.net\nTo: a@example.com\nSubject: Undelivered Mail Returned to Sender\n\n".to_vec();
    for i in 0..40_000 {
        message.extend_from_slice(format!("<user{i}@example.org>: host mx.example.org said: 550 5.1.1 unknown\n").as_bytes());
    }
    let parsed = classify(&message, &ParseOptions::default());
    assert_eq!(parsed.kind.as_str(), "bounce");
    assert_eq!(parsed.recipients.len(), 40_000);
}
