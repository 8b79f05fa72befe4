//! Reconnect delays for `poll --watch`: exponential from 1 s to 5 min, with jitter so many
//! pollers restarted together do not hammer the server in step.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Backoff {
    attempt: u32,
    min: Duration,
    max: Duration,
    seed: u64,
}

impl Backoff {
    pub fn new(seed: u64) -> Backoff {
        Backoff { attempt: 0, min: Duration::from_secs(1), max: Duration::from_secs(300), seed: seed | 1 }
    }

    /// The delay before the next attempt: min·2^n capped at max, then a random 50–100 % of it.
    pub fn next_delay(&mut self) -> Duration {
        let factor = 1u32.checked_shl(self.attempt.min(20)).unwrap_or(u32::MAX);
        let base = self.min.saturating_mul(factor).min(self.max);
        self.attempt = self.attempt.saturating_add(1);
        // xorshift64: good enough for jitter, no dependency.
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        let fraction = 0.5 + (self.seed % 1000) as f64 / 2000.0;
        base.mul_f64(fraction).max(Duration::from_millis(500))
    }

    /// After a success, start again from the shortest delay.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_to_the_cap_with_jitter_and_resets() {
        let mut b = Backoff::new(42);
        let delays: Vec<Duration> = (0..15).map(|_| b.next_delay()).collect();
        assert!(delays[0] >= Duration::from_millis(500) && delays[0] <= Duration::from_secs(1), "{delays:?}");
        assert!(delays[3] >= Duration::from_secs(4) && delays[3] <= Duration::from_secs(8), "{delays:?}");
        for d in &delays[10..] {
            assert!(*d >= Duration::from_secs(150) && *d <= Duration::from_secs(300), "{d:?}");
        }
        b.reset();
        assert!(b.next_delay() <= Duration::from_secs(1));
    }
}
