//! Order-preserving parallel map: items are handed to worker threads and their results come
//! back to the caller's thread in input order. Bounded channels keep memory proportional to the
//! number of items in flight, not to the input.

use std::collections::BTreeMap;
use std::sync::{mpsc, Mutex};

/// Runs `work` on `threads` threads over `items` and calls `sink` with the results in input
/// order. Stops at the first error `sink` returns.
pub fn in_order<I, T, R, E>(
    items: I,
    threads: usize,
    work: impl Fn(T) -> R + Sync,
    sink: &mut impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    I: Iterator<Item = T> + Send,
    T: Send,
    R: Send,
{
    let in_flight = threads * 16;
    let (work_tx, work_rx) = mpsc::sync_channel::<(u64, T)>(in_flight);
    let (done_tx, done_rx) = mpsc::sync_channel::<(u64, R)>(in_flight);
    // The receiver sits in an Option so that an early stop can drop it: the reader's next
    // send then fails and it stops reading input.
    let work_rx = Mutex::new(Some(work_rx));
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for (seq, item) in (0u64..).zip(items) {
                if work_tx.send((seq, item)).is_err() {
                    break; // the caller stopped
                }
            }
        });
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let (work_rx, work) = (&work_rx, &work);
            scope.spawn(move || {
                loop {
                    let next = match work_rx.lock() {
                        Ok(guard) => guard.as_ref().map(mpsc::Receiver::recv),
                        Err(_) => None,
                    };
                    let Some(Ok((seq, item))) = next else { break };
                    if done_tx.send((seq, work(item))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        for (seq, result) in done_rx.iter() {
            pending.insert(seq, result);
            while let Some(result) = pending.remove(&next) {
                next += 1;
                if let Err(e) = sink(result) {
                    // Closed channels stop the workers, and the dropped receiver the reader.
                    drop(done_rx);
                    if let Ok(mut guard) = work_rx.lock() {
                        guard.take();
                    }
                    return Err(e);
                }
            }
        }
        // Every worker has gone (a panicking worker leaves early): unblock the reader, so
        // the scope ends and re-raises the panic instead of waiting for ever.
        if let Ok(mut guard) = work_rx.lock() {
            guard.take();
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_input_order() {
        let mut seen = Vec::new();
        let result: Result<(), ()> = in_order(0..1000u32, 4, |i| i * 2, &mut |r| {
            seen.push(r);
            Ok(())
        });
        assert!(result.is_ok());
        assert_eq!(seen, (0..1000u32).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn a_panicking_worker_ends_the_run_instead_of_hanging() {
        let outcome = std::panic::catch_unwind(|| {
            let _: Result<(), ()> = in_order(0..10_000u32, 2, |i| assert!(i < 5), &mut |()| Ok(()));
        });
        assert!(outcome.is_err());
    }

    #[test]
    fn stops_at_the_first_sink_error() {
        let mut count = 0;
        let result = in_order(0..100_000u32, 2, |i| i, &mut |r| {
            count += 1;
            if r == 10 { Err("stop") } else { Ok(()) }
        });
        assert_eq!(result, Err("stop"));
        assert_eq!(count, 11);
    }
}
