//! Finds every known phrase in a diagnostic text in one pass.
//!
//! All phrase tables (reason sets, sender codes, provider rules, local delivery agents) are
//! registered in one [`Catalog`]: the first bytes of each phrase (its key) go into a single
//! Aho-Corasick DFA, built lazily once per process (about 2 ms); the rest of the phrase and
//! its further fragments are checked only where a key occurs. The result is a [`Hits`] bitset
//! keyed by phrase-list id.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};
use memchr::memmem::Finder;

use super::phrases::{SETS, Set};
use super::{codes, local, providers};

/// Separates the ordered fragments of one phrase.
pub(super) const FRAGMENT_SEPARATOR: char = '…';

/// Capacity of [`Hits`] in ids; the catalog refuses to grow past it.
const CAPACITY_WORDS: usize = 16;

/// Bytes of each phrase's first fragment that go into the automaton; the rest of the fragment
/// is compared where the key matches. Short keys keep the automaton small (fast to build and
/// cache-friendly to run) at the price of a few more comparisons.
const KEY_LEN: usize = 8;

/// Which phrase lists matched a text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Hits {
    bits: [u64; CAPACITY_WORDS],
}

impl Hits {
    pub(super) fn has(&self, set: Set) -> bool {
        self.has_id(set.id())
    }

    pub(super) fn has_id(&self, id: u16) -> bool {
        let id = usize::from(id);
        self.bits[id / 64] & (1 << (id % 64)) != 0
    }

    fn insert(&mut self, id: u16) {
        let id = usize::from(id);
        self.bits[id / 64] |= 1 << (id % 64);
    }
}

/// Where each table's ids start. Sets use the ids `0..Set::COUNT`.
#[derive(Debug, Default)]
pub(super) struct Offsets {
    /// One id per entry of [`codes::PHRASE_CODES`].
    pub(super) codes: u16,
    /// Per provider, the id of its marker list, followed by one id per rule.
    pub(super) providers: Vec<u16>,
    /// Per local delivery agent, the id of its marker list, followed by one id per rule.
    pub(super) agents: Vec<u16>,
}

/// The compiled phrase catalog.
pub(super) struct Catalog {
    automaton: DFA,
    /// For each automaton pattern (a distinct key): the phrases starting with it.
    tails: Vec<Vec<Tail>>,
    pub(super) offsets: Offsets,
}

/// What must follow a key for a phrase to match, and the id the phrase reports.
struct Tail {
    /// The rest of the first fragment, right after the key.
    head_rest: &'static [u8],
    /// The other fragments, each somewhere after the previous one.
    rest: Vec<Finder<'static>>,
    id: u16,
}

impl Tail {
    fn matches(&self, text: &[u8], key_end: usize) -> bool {
        let after_key = &text[key_end..];
        after_key.starts_with(self.head_rest)
            && follows_in_order(text, key_end + self.head_rest.len(), &self.rest)
    }
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::build);

/// The catalog, built on first use.
pub(super) fn catalog() -> &'static Catalog {
    &CATALOG
}

/// Scans a lower-cased text once and returns every matched phrase list.
pub(super) fn scan(text: &[u8]) -> Hits {
    catalog().scan(text)
}

impl Catalog {
    /// Compiles every table; called once through [`catalog`] (and by a timing test).
    pub(super) fn build() -> Catalog {
        let mut builder = Builder::default();
        for (set, phrases) in SETS {
            builder.add_all(set.id(), phrases);
        }
        builder.next_id = Set::COUNT as u16;
        let codes = builder.next_id;
        for entry in codes::PHRASE_CODES {
            builder.add_next(&[entry.phrase]);
        }
        let providers = providers::PROVIDERS
            .iter()
            .map(|provider| {
                let first = builder.next_id;
                builder.add_next(provider.markers);
                for rule in provider.rules {
                    builder.add_next(&[rule.phrase]);
                }
                first
            })
            .collect();
        let agents = local::AGENTS
            .iter()
            .map(|agent| {
                let first = builder.next_id;
                builder.add_next(agent.markers);
                for (_, phrases) in agent.rules {
                    builder.add_next(phrases);
                }
                first
            })
            .collect();
        builder.finish(Offsets { codes, providers, agents })
    }

    /// Steps the DFA over the text; at each match state, verifies the phrases of every key
    /// that ends there.
    fn scan(&self, text: &[u8]) -> Hits {
        let mut hits = Hits::default();
        let dfa = &self.automaton;
        let Ok(mut state) = dfa.start_state(Anchored::No) else {
            return hits;
        };
        for (at, byte) in text.iter().enumerate() {
            state = dfa.next_state(Anchored::No, state, *byte);
            if !(dfa.is_special(state) && dfa.is_match(state)) {
                continue;
            }
            for index in 0..dfa.match_len(state) {
                let key = dfa.match_pattern(state, index).as_usize();
                for tail in &self.tails[key] {
                    if !hits.has_id(tail.id) && tail.matches(text, at + 1) {
                        hits.insert(tail.id);
                    }
                }
            }
        }
        hits
    }
}

/// True when every fragment occurs after the previous one, starting at `from`.
fn follows_in_order(text: &[u8], from: usize, fragments: &[Finder<'_>]) -> bool {
    let mut at = from;
    for fragment in fragments {
        match text.get(at..).and_then(|rest| fragment.find(rest)) {
            Some(offset) => at += offset + fragment.needle().len(),
            None => return false,
        }
    }
    true
}

/// Collects phrases, deduplicating first fragments.
#[derive(Default)]
struct Builder {
    heads: Vec<&'static [u8]>,
    head_index: HashMap<&'static [u8], usize>,
    tails: Vec<Vec<Tail>>,
    next_id: u16,
}

impl Builder {
    /// Registers a list of phrases under a fresh id.
    fn add_next(&mut self, phrases: &[&'static str]) {
        let id = self.next_id;
        self.next_id += 1;
        self.add_all(id, phrases);
    }

    fn add_all(&mut self, id: u16, phrases: &[&'static str]) {
        assert!(usize::from(id) < CAPACITY_WORDS * 64, "phrase catalog outgrew Hits");
        for phrase in phrases {
            self.add(id, phrase);
        }
    }

    fn add(&mut self, id: u16, phrase: &'static str) {
        let mut fragments = phrase.split(FRAGMENT_SEPARATOR).filter(|f| !f.is_empty());
        let Some(head) = fragments.next() else { return };
        let (key, head_rest) = head.as_bytes().split_at(head.len().min(KEY_LEN));
        let index = *self.head_index.entry(key).or_insert_with(|| {
            self.heads.push(key);
            self.tails.push(Vec::new());
            self.heads.len() - 1
        });
        let rest = fragments.map(|f| Finder::new(f.as_bytes())).collect();
        self.tails[index].push(Tail { head_rest, rest, id });
    }

    fn finish(self, offsets: Offsets) -> Catalog {
        let automaton = DFA::builder()
            .match_kind(MatchKind::Standard)
            .build(&self.heads)
            .expect("phrase automaton builds");
        Catalog { automaton, tails: self.tails, offsets }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_must_follow_in_order() {
        let rows: &[(&str, &[&str], bool)] = &[
            ("mailbox is full", &["full"], true),
            ("full mailbox is", &["full"], false),
            ("a b c", &[" b", " c"], true),
            ("a c b", &[" b", " c"], false),
            ("short", &["longer than the text"], false),
        ];
        for (text, rest, expected) in rows {
            let from = text.find(' ').unwrap_or(0);
            let finders: Vec<Finder<'_>> = rest.iter().map(|f| Finder::new(f.as_bytes())).collect();
            assert_eq!(follows_in_order(text.as_bytes(), from, &finders), *expected, "{text}");
        }
    }

    #[test]
    fn scan_reports_sets_and_ordered_phrases() {
        let hits = scan(b"550 5.2.2 mailbox is full");
        assert!(hits.has(Set::MailboxFull));
        assert!(!hits.has(Set::UserUnknown));
        let hits = scan(b"full mailbox");
        assert!(hits.has(Set::MailboxFull), "the literal phrase 'full mailbox'");
        let hits = scan(b"");
        assert_eq!(hits, Hits::default());
    }
}
