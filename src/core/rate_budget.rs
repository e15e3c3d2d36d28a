//! The client-side request budget: at most N requests in any 62 seconds (a sliding window:
//! Omni's minute plus a margin), so listing a large directory or paging through groups stays
//! under Omni's documented limit instead of running into 429s.

use std::collections::VecDeque;

/// The window Omni's limit is stated in.
pub const OMNI_WINDOW_MS: u64 = 60_000;

/// The budget's window: Omni's plus a margin. The server counts a request when it arrives, the
/// budget when it is sent; an oldest request that took longer to arrive than the one sent 60 s
/// later (a new connection, network jitter) made the server count N+1 in its minute and answer
/// 429 (e2e `rate_limit::more_than_a_minutes_requests_wait_instead_of_429`, on loopback even).
pub const WINDOW_MS: u64 = OMNI_WINDOW_MS + 2_000;

#[derive(Clone, Debug)]
pub struct RateBudget {
    limit: usize,
    /// When each request of the current window was sent, oldest first.
    sent: VecDeque<u64>,
}

impl RateBudget {
    /// `limit` requests a minute (at least 1; see `PanelConfig::requests_per_minute`).
    pub fn per_minute(limit: u32) -> Self {
        Self {
            limit: limit.max(1) as usize,
            sent: VecDeque::new(),
        }
    }

    /// Takes a slot at `now_ms` when one is free; else says how many milliseconds until the
    /// oldest request leaves the window. A clock that went backwards counts as no time passed.
    pub fn try_take(&mut self, now_ms: u64) -> Result<(), u64> {
        let now = now_ms.max(self.sent.back().copied().unwrap_or(0));
        while self
            .sent
            .front()
            .is_some_and(|&t| now.saturating_sub(t) >= WINDOW_MS)
        {
            self.sent.pop_front();
        }
        if self.sent.len() < self.limit {
            self.sent.push_back(now);
            return Ok(());
        }
        let oldest = self.sent.front().copied().unwrap_or(now);
        Err((oldest + WINDOW_MS).saturating_sub(now).max(1))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_limit_holds_then_frees_as_the_window_slides() {
        let mut b = RateBudget::per_minute(3);
        assert_eq!(b.try_take(0), Ok(()));
        assert_eq!(b.try_take(10_000), Ok(()));
        assert_eq!(b.try_take(20_000), Ok(()));
        assert_eq!(b.try_take(30_000), Err(32_000));
        assert_eq!(b.try_take(61_999), Err(1));
        assert_eq!(b.try_take(62_000), Ok(()));
        assert_eq!(b.try_take(62_001), Err(9_999));
    }

    #[test]
    fn a_clock_going_back_does_not_free_slots() {
        let mut b = RateBudget::per_minute(1);
        assert_eq!(b.try_take(100_000), Ok(()));
        assert_eq!(b.try_take(5), Err(WINDOW_MS));
    }

    #[test]
    fn keeps_a_margin_past_omnis_minute() {
        // A request sent 60 s after the oldest may reach the server less than 60 s after the
        // oldest reached it: the budget waits 2 s more than Omni's minute.
        let mut b = RateBudget::per_minute(1);
        assert_eq!(b.try_take(0), Ok(()));
        assert_eq!(b.try_take(OMNI_WINDOW_MS), Err(2_000));
        assert_eq!(b.try_take(OMNI_WINDOW_MS + 2_000), Ok(()));
    }

    proptest! {
        /// Whatever the request times, no 62-second window (so no minute) holds more than the limit, and
        /// a refused request is told a wait that then lets it through.
        #[test]
        fn never_more_than_the_limit_in_any_window(limit in 1u32..8, steps in proptest::collection::vec(0u64..20_000, 1..80)) {
            let mut b = RateBudget::per_minute(limit);
            let mut now = 0u64;
            let mut taken = Vec::new();
            for step in steps {
                now += step;
                match b.try_take(now) {
                    Ok(()) => taken.push(now),
                    Err(wait) => {
                        prop_assert!((1..=WINDOW_MS).contains(&wait));
                        prop_assert_eq!(b.clone().try_take(now + wait), Ok(()));
                    }
                }
            }
            for (i, &t) in taken.iter().enumerate() {
                let in_window = taken[i..].iter().take_while(|&&u| u < t + WINDOW_MS).count();
                prop_assert!(in_window <= limit as usize);
            }
        }
    }
}
