//! Sorting engagement rows that do not fit in memory: rows are collected in chunks, each chunk
//! sorted and spilled to an anonymous temporary file, and the files merged back in order. The
//! order is the `engagement` table's natural key (address, type, time, campaign), so the rows
//! reach SQLite front to back: the table ends up clustered by address and its index is written
//! once. A full chunk is sorted and written on a background thread while the next one fills, so
//! memory is bounded by two chunks whatever the size of the import.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::thread::JoinHandle;

use super::engagement::{EngagementRecord, EngagementType};

/// Rows kept in memory before a chunk is spilled (about 100 MiB of rows; two chunks may be in
/// memory at once).
pub const CHUNK_ROWS: usize = 400_000;

/// The order of the `engagement_natural` index: address, type, time, campaign (`''` for none).
pub fn natural_order(a: &EngagementRecord, b: &EngagementRecord) -> Ordering {
    a.address
        .as_bytes()
        .cmp(b.address.as_bytes())
        .then_with(|| a.kind.as_str().cmp(b.kind.as_str()))
        .then_with(|| a.occurred_at.cmp(&b.occurred_at))
        .then_with(|| a.campaign.as_deref().unwrap_or("").cmp(b.campaign.as_deref().unwrap_or("")))
}

/// Rows being collected.
pub struct ExternalSort {
    chunk: Vec<EngagementRecord>,
    chunk_rows: usize,
    spilled: Vec<File>,
    /// The previous chunk, being sorted and written to a temporary file.
    spilling: Option<JoinHandle<io::Result<File>>>,
}

impl ExternalSort {
    pub fn new(chunk_rows: usize) -> ExternalSort {
        ExternalSort { chunk: Vec::new(), chunk_rows: chunk_rows.max(1), spilled: Vec::new(), spilling: None }
    }

    /// Adds a row; spills the chunk to a temporary file when it is full.
    pub fn push(&mut self, record: EngagementRecord) -> io::Result<()> {
        self.chunk.push(record);
        if self.chunk.len() >= self.chunk_rows {
            self.spill()?;
        }
        Ok(())
    }

    /// Hands the full chunk to a background thread (after the previous one is written).
    fn spill(&mut self) -> io::Result<()> {
        self.wait_for_spill()?;
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(self.chunk_rows));
        self.spilling = Some(std::thread::Builder::new().name("sort-spill".into()).spawn(move || write_sorted(chunk))?);
        Ok(())
    }

    /// Waits for the chunk being spilled, if any, and keeps its file.
    fn wait_for_spill(&mut self) -> io::Result<()> {
        if let Some(spilling) = self.spilling.take() {
            let file = spilling.join().map_err(|_| io::Error::other("the thread sorting a chunk failed"))??;
            self.spilled.push(file);
        }
        Ok(())
    }

    /// Every row pushed, in natural order.
    pub fn finish(mut self) -> io::Result<Sorted> {
        self.chunk.sort_unstable_by(natural_order);
        self.wait_for_spill()?;
        let memory = std::mem::take(&mut self.chunk).into_iter();
        let mut heap = BinaryHeap::new();
        let mut readers = Vec::new();
        for (i, file) in self.spilled.into_iter().enumerate() {
            let mut reader = BufReader::with_capacity(1 << 18, file);
            if let Some(record) = decode(&mut reader)? {
                heap.push(Head { record, source: i });
            }
            readers.push(reader);
        }
        Ok(Sorted { memory: memory.peekable(), readers, heap })
    }
}

/// The smallest unread row of one spilled chunk (the heap is a min-heap on natural order).
struct Head {
    record: EngagementRecord,
    source: usize,
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Head {}
impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Head {
    fn cmp(&self, other: &Self) -> Ordering {
        natural_order(&other.record, &self.record).then_with(|| other.source.cmp(&self.source))
    }
}

/// Rows in natural order: the in-memory chunk merged with the spilled ones.
pub struct Sorted {
    memory: std::iter::Peekable<std::vec::IntoIter<EngagementRecord>>,
    readers: Vec<BufReader<File>>,
    heap: BinaryHeap<Head>,
}

impl Iterator for Sorted {
    type Item = io::Result<EngagementRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        let from_memory = match (self.memory.peek(), self.heap.peek()) {
            (None, None) => return None,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(m), Some(h)) => natural_order(m, &h.record) != Ordering::Greater,
        };
        if from_memory {
            return self.memory.next().map(Ok);
        }
        let Head { record, source } = self.heap.pop()?;
        match self.readers.get_mut(source).map(decode) {
            Some(Ok(Some(next))) => self.heap.push(Head { record: next, source }),
            Some(Err(e)) => return Some(Err(e)),
            _ => {}
        }
        Some(Ok(record))
    }
}

/// Sorts `chunk` and writes it to an anonymous temporary file, rewound for reading.
fn write_sorted(mut chunk: Vec<EngagementRecord>) -> io::Result<File> {
    chunk.sort_unstable_by(natural_order);
    let mut file = tempfile::tempfile()?;
    {
        let mut out = BufWriter::with_capacity(1 << 20, &mut file);
        for record in &chunk {
            encode(record, &mut out)?;
        }
        out.flush()?;
    }
    file.rewind()?;
    Ok(file)
}

const NONE: u32 = u32::MAX;

fn encode(r: &EngagementRecord, out: &mut impl Write) -> io::Result<()> {
    put(out, Some(&r.address))?;
    out.write_all(&[kind_code(r.kind)])?;
    out.write_all(&r.occurred_at.to_le_bytes())?;
    put(out, r.campaign.as_deref())?;
    put(out, r.ip.as_deref())?;
    put(out, r.user_agent.as_deref())
}

fn put(out: &mut impl Write, s: Option<&str>) -> io::Result<()> {
    match s {
        Some(s) => {
            let len = u32::try_from(s.len()).map_err(|_| io::Error::other("cell longer than 4 GiB"))?;
            out.write_all(&len.to_le_bytes())?;
            out.write_all(s.as_bytes())
        }
        None => out.write_all(&NONE.to_le_bytes()),
    }
}

/// The next row of a spilled chunk; `None` at its end.
fn decode(input: &mut BufReader<File>) -> io::Result<Option<EngagementRecord>> {
    let Some(address) = get(input, true)? else { return Ok(None) };
    let mut kind = [0u8; 1];
    input.read_exact(&mut kind)?;
    let mut at = [0u8; 8];
    input.read_exact(&mut at)?;
    Ok(Some(EngagementRecord {
        valid: true, // not needed once sorted: validity was counted when the row was read
        address,
        kind: kind_of(kind[0])?,
        occurred_at: i64::from_le_bytes(at),
        campaign: get(input, false)?,
        ip: get(input, false)?,
        user_agent: get(input, false)?,
    }))
}

/// A string field; with `at_start`, a clean end of file gives `None`.
fn get(input: &mut BufReader<File>, at_start: bool) -> io::Result<Option<String>> {
    let mut len = [0u8; 4];
    if at_start {
        match input.read(&mut len[..1])? {
            0 => return Ok(None),
            _ => input.read_exact(&mut len[1..])?,
        }
    } else {
        input.read_exact(&mut len)?;
    }
    let len = u32::from_le_bytes(len);
    if len == NONE {
        return Ok(None);
    }
    let mut bytes = vec![0u8; len as usize];
    input.read_exact(&mut bytes)?;
    String::from_utf8(bytes).map(Some).map_err(io::Error::other)
}

fn kind_code(kind: EngagementType) -> u8 {
    match kind {
        EngagementType::Send => 0,
        EngagementType::Open => 1,
        EngagementType::Click => 2,
        EngagementType::Reply => 3,
        EngagementType::Unsubscribe => 4,
    }
}

fn kind_of(code: u8) -> io::Result<EngagementType> {
    Ok(match code {
        0 => EngagementType::Send,
        1 => EngagementType::Open,
        2 => EngagementType::Click,
        3 => EngagementType::Reply,
        4 => EngagementType::Unsubscribe,
        _ => return Err(io::Error::other("damaged spill file")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(address: &str, kind: EngagementType, at: i64, campaign: Option<&str>) -> EngagementRecord {
        EngagementRecord { address: address.into(), valid: true, kind, occurred_at: at, campaign: campaign.map(Into::into), ip: None, user_agent: Some("ua".into()) }
    }

    #[test]
    fn spilled_and_memory_rows_merge_in_natural_order() {
        let mut rows = Vec::new();
        for i in 0..1000u32 {
            let address = format!("u{}@x.example", (i * 7919) % 97);
            let kind = [EngagementType::Send, EngagementType::Open, EngagementType::Click][(i % 3) as usize];
            rows.push(record(&address, kind, i64::from(i % 13), if i % 5 == 0 { None } else { Some("c") }));
        }
        let mut sort = ExternalSort::new(64);
        for r in rows.clone() {
            sort.push(r).unwrap();
        }
        let sorted: Vec<EngagementRecord> = sort.finish().unwrap().map(Result::unwrap).collect();
        rows.sort_by(natural_order);
        assert_eq!(sorted.len(), 1000);
        assert!(sorted.windows(2).all(|w| natural_order(&w[0], &w[1]) != Ordering::Greater));
        let key = |r: &EngagementRecord| (r.address.clone(), r.kind, r.occurred_at, r.campaign.clone());
        assert_eq!(sorted.iter().map(key).collect::<Vec<_>>(), rows.iter().map(key).collect::<Vec<_>>());
        assert_eq!(sorted[0].user_agent.as_deref(), Some("ua"));
    }
}
