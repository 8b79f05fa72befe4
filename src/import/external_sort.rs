//! Sorting import rows that do not fit in memory: rows are collected in chunks, each chunk
//! sorted and spilled to an anonymous temporary file, and the files merged back in order. The
//! order is the target table's unique key (for engagement: address, type, time, campaign; for
//! subscribers: address, list), so the rows reach SQLite front to back: the table ends up
//! clustered by address and its unique index is written once. Rows with the same key come out
//! as one, folded in file order ([`SortedRow::absorb`]). A full chunk is sorted and written on a
//! background thread while the next one fills, so memory is bounded by two chunks whatever the
//! size of the import.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::thread::JoinHandle;

use super::engagement::{EngagementRecord, EngagementType};
use super::subscribers::SubscriberRecord;

/// A row the external sort can order, spill to disk and read back.
pub trait SortedRow: Sized + Send + 'static {
    /// Rows kept in memory before a chunk is spilled (two chunks may be in memory at once).
    const CHUNK_ROWS: usize;
    /// The order of the table's unique key: rows that compare equal are one row of the table.
    fn order(&self, other: &Self) -> Ordering;
    /// Folds a later row of the file with the same key into this one.
    fn absorb(&mut self, later: Self);
    /// Writes the row to a spill file.
    fn encode(&self, out: &mut impl Write) -> io::Result<()>;
    /// The next row of a spill file; `None` at its clean end.
    fn decode(input: &mut impl Read) -> io::Result<Option<Self>>;
}

/// The order of the `engagement_natural` index: address, type, time, campaign (`''` for none).
pub fn natural_order(a: &EngagementRecord, b: &EngagementRecord) -> Ordering {
    a.address
        .as_bytes()
        .cmp(b.address.as_bytes())
        .then_with(|| a.kind.as_str().cmp(b.kind.as_str()))
        .then_with(|| a.occurred_at.cmp(&b.occurred_at))
        .then_with(|| a.campaign.as_deref().unwrap_or("").cmp(b.campaign.as_deref().unwrap_or("")))
}

/// A chunk written to its temporary file, and the chunk's vector, emptied for the next one.
type Spilled<R> = (File, Vec<R>);

/// Rows being collected.
pub struct ExternalSort<R: SortedRow> {
    chunk: Vec<R>,
    spilled: Vec<File>,
    /// The previous chunk, being sorted and written to a temporary file.
    spilling: Option<JoinHandle<io::Result<Spilled<R>>>>,
    /// An emptied chunk vector to fill next: reusing it spares allocating (and the kernel
    /// zeroing) a chunk's worth of fresh memory per chunk.
    spare: Option<Vec<R>>,
}

impl<R: SortedRow> Default for ExternalSort<R> {
    fn default() -> Self {
        ExternalSort { chunk: Vec::new(), spilled: Vec::new(), spilling: None, spare: None }
    }
}

impl<R: SortedRow> ExternalSort<R> {
    /// Adds a row; spills the chunk to a temporary file when it is full.
    pub fn push(&mut self, record: R) -> io::Result<()> {
        self.push_chunked(record, R::CHUNK_ROWS)
    }

    fn push_chunked(&mut self, record: R, chunk_rows: usize) -> io::Result<()> {
        if self.chunk.capacity() == 0 {
            // Room for the whole chunk at once, not grown by doubling (pages are only touched
            // as rows arrive, so a small import stays small).
            self.chunk.reserve_exact(chunk_rows.max(1));
        }
        self.chunk.push(record);
        if self.chunk.len() >= chunk_rows.max(1) {
            self.spill()?;
        }
        Ok(())
    }

    /// Hands the full chunk to a background thread (after the previous one is written).
    fn spill(&mut self) -> io::Result<()> {
        self.wait_for_spill()?;
        let chunk = std::mem::replace(&mut self.chunk, self.spare.take().unwrap_or_default());
        self.spilling = Some(std::thread::Builder::new().name("sort-spill".into()).spawn(move || write_sorted(chunk))?);
        Ok(())
    }

    /// Waits for the chunk being spilled, if any, and keeps its file and its emptied vector.
    fn wait_for_spill(&mut self) -> io::Result<()> {
        if let Some(spilling) = self.spilling.take() {
            let (file, emptied) = spilling.join().map_err(|_| io::Error::other("the thread sorting a chunk failed"))??;
            self.spilled.push(file);
            self.spare = Some(emptied);
        }
        Ok(())
    }

    /// Every row pushed, in key order, one per key.
    pub fn finish(mut self) -> io::Result<Sorted<R>> {
        let chunk = std::mem::take(&mut self.chunk);
        let order = sorted_positions(&chunk);
        let mut rows: Vec<Option<R>> = chunk.into_iter().map(Some).collect();
        let memory: Vec<R> = order.into_iter().filter_map(|i| rows[i].take()).collect();
        self.wait_for_spill()?;
        let memory = memory.into_iter();
        let mut heap = BinaryHeap::new();
        let mut readers = Vec::new();
        for (i, file) in self.spilled.into_iter().enumerate() {
            let mut reader = BufReader::with_capacity(1 << 18, file);
            if let Some(record) = R::decode(&mut reader)? {
                heap.push(Head { record, source: i });
            }
            readers.push(reader);
        }
        Ok(Sorted { memory: memory.peekable(), readers, heap, held: None })
    }
}

/// The smallest unread row of one spilled chunk (the heap is a min-heap on key order, earlier
/// chunks first among equal keys).
struct Head<R> {
    record: R,
    source: usize,
}

impl<R: SortedRow> PartialEq for Head<R> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<R: SortedRow> Eq for Head<R> {}
impl<R: SortedRow> PartialOrd for Head<R> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<R: SortedRow> Ord for Head<R> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.record.order(&self.record).then_with(|| other.source.cmp(&self.source))
    }
}

/// Rows in key order: the in-memory chunk (the file's last rows) merged with the spilled ones,
/// rows of one key folded in file order.
pub struct Sorted<R> {
    memory: std::iter::Peekable<std::vec::IntoIter<R>>,
    readers: Vec<BufReader<File>>,
    heap: BinaryHeap<Head<R>>,
    /// A row read ahead to see whether the next one has the same key.
    held: Option<R>,
}

impl<R: SortedRow> Sorted<R> {
    /// The next row in key order, not yet folded; among equal keys the spilled chunks (earlier
    /// in the file, in order) come before the in-memory one.
    fn next_unfolded(&mut self) -> io::Result<Option<R>> {
        let from_memory = match (self.memory.peek(), self.heap.peek()) {
            (None, None) => return Ok(None),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(m), Some(h)) => m.order(&h.record) == Ordering::Less,
        };
        if from_memory {
            return Ok(self.memory.next());
        }
        let Some(Head { record, source }) = self.heap.pop() else { return Ok(None) };
        if let Some(reader) = self.readers.get_mut(source)
            && let Some(next) = R::decode(reader)?
        {
            self.heap.push(Head { record: next, source });
        }
        Ok(Some(record))
    }
}

impl<R: SortedRow> Iterator for Sorted<R> {
    type Item = io::Result<R>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut row = match self.held.take() {
            Some(row) => row,
            None => match self.next_unfolded() {
                Ok(row) => row?,
                Err(e) => return Some(Err(e)),
            },
        };
        loop {
            match self.next_unfolded() {
                Ok(Some(next)) if row.order(&next) == Ordering::Equal => row.absorb(next),
                Ok(next) => {
                    self.held = next;
                    return Some(Ok(row));
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// The positions of `rows` in key order, stably (equal keys keep their file order). Sorting
/// positions instead of rows saves moving rows of a few hundred bytes around at every step.
fn sorted_positions<R: SortedRow>(rows: &[R]) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..rows.len()).collect();
    positions.sort_by(|&a, &b| rows[a].order(&rows[b]));
    positions
}

/// Sorts `chunk` and writes it to an anonymous temporary file, rewound for reading; hands back
/// the file and the vector, emptied.
fn write_sorted<R: SortedRow>(mut chunk: Vec<R>) -> io::Result<Spilled<R>> {
    let mut file = tempfile::tempfile()?;
    {
        let mut out = BufWriter::with_capacity(1 << 20, &mut file);
        for i in sorted_positions(&chunk) {
            chunk[i].encode(&mut out)?;
        }
        out.flush()?;
    }
    file.rewind()?;
    chunk.clear();
    Ok((file, chunk))
}

impl SortedRow for EngagementRecord {
    /// About 100 MiB of rows.
    const CHUNK_ROWS: usize = 400_000;

    fn order(&self, other: &Self) -> Ordering {
        natural_order(self, other)
    }

    /// The first row of a key is the one kept, as `on conflict do nothing` keeps the row already
    /// in the table.
    fn absorb(&mut self, _later: Self) {}

    fn encode(&self, out: &mut impl Write) -> io::Result<()> {
        put(out, Some(&self.address))?;
        out.write_all(&[kind_code(self.kind)])?;
        out.write_all(&self.occurred_at.to_le_bytes())?;
        put(out, self.campaign.as_deref())?;
        put(out, self.ip.as_deref())?;
        put(out, self.user_agent.as_deref())
    }

    fn decode(input: &mut impl Read) -> io::Result<Option<Self>> {
        let Some(address) = get(input, true)? else { return Ok(None) };
        Ok(Some(EngagementRecord {
            valid: true, // not needed once sorted: validity was counted when the row was read
            address,
            kind: kind_of(get_u8(input)?)?,
            occurred_at: get_i64(input)?,
            campaign: get(input, false)?,
            ip: get(input, false)?,
            user_agent: get(input, false)?,
        }))
    }
}

impl SortedRow for SubscriberRecord {
    /// Subscriber rows are wider than engagement rows (a JSON object of extra columns each).
    const CHUNK_ROWS: usize = 200_000;

    /// The `subscribers` table's unique key: address, list.
    fn order(&self, other: &Self) -> Ordering {
        self.address.as_bytes().cmp(other.address.as_bytes()).then_with(|| self.list.as_bytes().cmp(other.list.as_bytes()))
    }

    fn absorb(&mut self, later: Self) {
        SubscriberRecord::absorb(self, later);
    }

    fn encode(&self, out: &mut impl Write) -> io::Result<()> {
        put(out, Some(&self.address))?;
        out.write_all(&[u8::from(self.valid)])?;
        put(out, Some(&self.list))?;
        put(out, self.source.as_deref())?;
        put(out, Some(&self.status))?;
        put_optional_i64(out, self.signup_at)?;
        put(out, self.signup_ip.as_deref())?;
        put_optional_i64(out, self.confirm_at)?;
        put(out, self.confirm_ip.as_deref())?;
        put_optional_i64(out, self.rating.map(f64::to_bits).map(|bits| bits as i64))?;
        put(out, self.tags.as_deref())?;
        put_optional_i64(out, self.last_changed_at)?;
        put(out, self.extra.as_deref())
    }

    fn decode(input: &mut impl Read) -> io::Result<Option<Self>> {
        let Some(address) = get(input, true)? else { return Ok(None) };
        Ok(Some(SubscriberRecord {
            address,
            valid: get_u8(input)? != 0,
            list: required(get(input, false)?)?,
            source: get(input, false)?,
            status: required(get(input, false)?)?,
            signup_at: get_optional_i64(input)?,
            signup_ip: get(input, false)?,
            confirm_at: get_optional_i64(input)?,
            confirm_ip: get(input, false)?,
            rating: get_optional_i64(input)?.map(|bits| f64::from_bits(bits as u64)),
            tags: get(input, false)?,
            last_changed_at: get_optional_i64(input)?,
            extra: get(input, false)?,
        }))
    }
}

const NONE: u32 = u32::MAX;

fn put(out: &mut impl Write, s: Option<&str>) -> io::Result<()> {
    match s {
        Some(s) => {
            let len = u32::try_from(s.len()).ok().filter(|&n| n != NONE).ok_or_else(|| io::Error::other("cell longer than 4 GiB"))?;
            out.write_all(&len.to_le_bytes())?;
            out.write_all(s.as_bytes())
        }
        None => out.write_all(&NONE.to_le_bytes()),
    }
}

fn put_optional_i64(out: &mut impl Write, value: Option<i64>) -> io::Result<()> {
    match value {
        Some(v) => {
            out.write_all(&[1])?;
            out.write_all(&v.to_le_bytes())
        }
        None => out.write_all(&[0]),
    }
}

/// A string field; with `at_start`, a clean end of file gives `None`.
fn get(input: &mut impl Read, at_start: bool) -> io::Result<Option<String>> {
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

fn required(value: Option<String>) -> io::Result<String> {
    value.ok_or_else(|| io::Error::other("damaged spill file"))
}

fn get_u8(input: &mut impl Read) -> io::Result<u8> {
    let mut byte = [0u8; 1];
    input.read_exact(&mut byte)?;
    Ok(byte[0])
}

fn get_i64(input: &mut impl Read) -> io::Result<i64> {
    let mut bytes = [0u8; 8];
    input.read_exact(&mut bytes)?;
    Ok(i64::from_le_bytes(bytes))
}

fn get_optional_i64(input: &mut impl Read) -> io::Result<Option<i64>> {
    match get_u8(input)? {
        0 => Ok(None),
        1 => get_i64(input).map(Some),
        _ => Err(io::Error::other("damaged spill file")),
    }
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

    fn record(address: &str, kind: EngagementType, at: i64, campaign: Option<&str>, ip: &str) -> EngagementRecord {
        EngagementRecord { address: address.into(), valid: true, kind, occurred_at: at, campaign: campaign.map(Into::into), ip: Some(ip.into()), user_agent: Some("ua".into()) }
    }

    fn sorted<R: SortedRow + Clone>(rows: &[R], chunk_rows: usize) -> Vec<R> {
        let mut sort = ExternalSort::default();
        for r in rows.iter().cloned() {
            sort.push_chunked(r, chunk_rows).unwrap();
        }
        sort.finish().unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn spilled_and_memory_rows_merge_in_natural_order_one_per_key() {
        let mut rows = Vec::new();
        for i in 0..1000u32 {
            let address = format!("u{}@x.example", (i * 7919) % 97);
            let kind = [EngagementType::Send, EngagementType::Open, EngagementType::Click][(i % 3) as usize];
            // Keys repeat (97 addresses × 3 types × 13 times × 2 campaigns); `ip` tells copies apart.
            rows.push(record(&address, kind, i64::from(i % 13), if i % 5 == 0 { None } else { Some("c") }, &i.to_string()));
        }
        let out = sorted(&rows, 64);
        assert!(out.windows(2).all(|w| natural_order(&w[0], &w[1]) == Ordering::Less), "ascending, no key twice");
        let mut expected: Vec<EngagementRecord> = Vec::new();
        for row in &rows {
            if !expected.iter().any(|e| natural_order(e, row) == Ordering::Equal) {
                expected.push(row.clone()); // the first row of each key, in file order
            }
        }
        expected.sort_by(natural_order);
        assert_eq!(out, expected);
        assert_eq!(out[0].user_agent.as_deref(), Some("ua"));
    }

    fn subscriber(address: &str, list: &str, status: &str) -> SubscriberRecord {
        SubscriberRecord {
            address: address.into(),
            valid: true,
            list: list.into(),
            source: None,
            status: status.into(),
            signup_at: None,
            signup_ip: None,
            confirm_at: None,
            confirm_ip: None,
            rating: None,
            tags: None,
            last_changed_at: None,
            extra: None,
        }
    }

    #[test]
    fn subscriber_rows_fold_in_file_order_across_chunks_and_round_trip() {
        let mut first = subscriber("b@x.example", "news", "subscribed");
        first.signup_at = Some(-5);
        first.rating = Some(2.5);
        first.extra = Some(r#"{"First Name":"Ä"}"#.into());
        let mut second = subscriber("b@x.example", "news", "unsubscribed");
        second.tags = Some("vip".into());
        second.rating = Some(f64::NAN);
        let mut rows = vec![subscriber("c@x.example", "news", "subscribed"), first, subscriber("a@x.example", "news", "pending")];
        rows.push(subscriber("b@x.example", "other", "subscribed"));
        rows.push(second);
        rows[0].valid = false;
        for chunk_rows in [1, 2, 100] {
            let out = sorted(&rows, chunk_rows);
            let keys: Vec<(&str, &str, &str)> = out.iter().map(|r| (r.address.as_str(), r.list.as_str(), r.status.as_str())).collect();
            assert_eq!(keys, [("a@x.example", "news", "pending"), ("b@x.example", "news", "unsubscribed"), ("b@x.example", "other", "subscribed"), ("c@x.example", "news", "subscribed")]);
            let b = &out[1];
            assert_eq!((b.signup_at, b.rating, b.tags.as_deref(), b.extra.as_deref()), (Some(-5), Some(2.5), Some("vip"), Some(r#"{"First Name":"Ä"}"#)));
            assert_eq!(out.iter().map(|r| r.valid).collect::<Vec<_>>(), [true, true, true, false]);
        }
    }
}
