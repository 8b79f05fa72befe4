//! UID sets for IMAP commands, and cutting a folder's new messages into batches. Pure.

use std::fmt::Write;

/// `1:3,7,9:12` for the UIDs given (in any order, duplicates allowed). Empty for none.
pub fn format(uids: &[u32]) -> String {
    let mut sorted = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            let _ = write!(out, "{start}");
        } else {
            let _ = write!(out, "{start}:{end}");
        }
        i += 1;
    }
    out
}

/// One message as listed before fetching: its UID and size in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    pub uid: u32,
    pub size: u64,
}

/// Cuts `listed` (ascending UIDs) into batches of at most `max_count` messages and, unless a
/// single message is larger, `max_bytes` bytes.
pub fn batches(listed: &[Listed], max_count: usize, max_bytes: u64) -> Vec<Vec<u32>> {
    let mut out = Vec::new();
    let mut current: Vec<u32> = Vec::new();
    let mut bytes = 0u64;
    for item in listed {
        if !current.is_empty() && (current.len() >= max_count.max(1) || bytes.saturating_add(item.size) > max_bytes) {
            out.push(std::mem::take(&mut current));
            bytes = 0;
        }
        current.push(item.uid);
        bytes = bytes.saturating_add(item.size);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_compacted() {
        assert_eq!(format(&[]), "");
        assert_eq!(format(&[5]), "5");
        assert_eq!(format(&[3, 1, 2, 7, 9, 10, 11, 2]), "1:3,7,9:11");
        assert_eq!(format(&[u32::MAX - 1, u32::MAX]), "4294967294:4294967295");
    }

    #[test]
    fn batches_by_count_and_bytes() {
        let listed: Vec<Listed> = (1..=7).map(|uid| Listed { uid, size: 10 }).collect();
        assert_eq!(batches(&listed, 3, 1000), vec![vec![1, 2, 3], vec![4, 5, 6], vec![7]]);
        assert_eq!(batches(&listed, 100, 25), vec![vec![1, 2], vec![3, 4], vec![5, 6], vec![7]]);
        let big = [Listed { uid: 1, size: 5 }, Listed { uid: 2, size: 500 }, Listed { uid: 3, size: 5 }];
        assert_eq!(batches(&big, 100, 100), vec![vec![1], vec![2], vec![3]]);
        assert!(batches(&[], 10, 10).is_empty());
    }
}
