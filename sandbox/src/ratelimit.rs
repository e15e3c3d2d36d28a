//! `--rate-limit N`: at most N API requests per key in any window (60 s), as Omni documents
//! ("60 requests per minute per key", then `429 Too Many Requests`).
//!
//! Choices where Omni documents nothing (sandbox/README.md says the same):
//! - a sliding window: a request is let through when fewer than N were let through in the last
//!   60 s (Omni says only "per minute"; a sliding window never allows a burst of 2N across a
//!   minute boundary, so a client paced for it is paced for any fixed window too);
//! - only requests with a valid key count (the limit is per key; a request without one has no
//!   key to count against and gets its 401/403); refused (429) requests do not count, so a
//!   client that waits gets through; forced fault answers never reach the limiter;
//! - the 429 carries Omni's error body and, as Omni documents, no `Retry-After` or
//!   `X-RateLimit-*` header; `--rate-limit-retry-after` adds `Retry-After` (whole seconds until
//!   a request would pass) to exercise a client's other path.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::errors::ApiError;
use crate::AppState;

/// The window Omni's limit is stated in.
pub const WINDOW: Duration = Duration::from_secs(60);

/// Which accepted key a request carries (0 = `--key`, then each `--also-key`), put on the
/// request by the key check so the limiter never handles the key itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub usize);

/// Sliding-window counters, one per key.
#[derive(Debug, Default)]
pub struct RateLimiter {
    /// When each request let through within the window was, oldest first.
    passed: HashMap<KeyId, VecDeque<Instant>>,
}

impl RateLimiter {
    /// Lets a request of `key` through at `now` when fewer than `limit` passed in the `window`
    /// before it (and counts it); else says how long until one would pass.
    pub fn check(
        &mut self,
        key: KeyId,
        limit: u32,
        window: Duration,
        now: Instant,
    ) -> Result<(), Duration> {
        let times = self.passed.entry(key).or_default();
        while times
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= window)
        {
            times.pop_front();
        }
        if times.len() < limit as usize {
            times.push_back(now);
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        Err((oldest + window).saturating_duration_since(now))
    }

    /// Forgets every request (`DELETE /__sandbox/rate-limit`).
    pub fn clear(&mut self) {
        self.passed.clear();
    }
}

/// Whole seconds for `Retry-After`, rounded up and at least 1 (0 would invite a retry storm).
pub fn retry_after_seconds(wait: Duration) -> u64 {
    wait.as_millis().div_ceil(1000).max(1) as u64
}

/// Middleware inside the key check: counts and limits requests with a valid key.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cfg = state.config();
    let (Some(limit), Some(&key)) = (cfg.rate_limit, req.extensions().get::<KeyId>()) else {
        return next.run(req).await;
    };
    let verdict = state
        .rate_limiter()
        .check(key, limit, cfg.rate_window, Instant::now());
    match verdict {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let mut res = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Rate limit exceeded: {limit} requests per minute"),
            )
            .into_response();
            if cfg.rate_limit_retry_after {
                res.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(retry_after_seconds(wait)),
                );
            }
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: KeyId = KeyId(0);
    const B: KeyId = KeyId(1);

    #[test]
    fn n_pass_then_refused_until_the_oldest_leaves_the_window() {
        let mut r = RateLimiter::default();
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        assert_eq!(r.check(A, 3, WINDOW, at(0)), Ok(()));
        assert_eq!(r.check(A, 3, WINDOW, at(10_000)), Ok(()));
        assert_eq!(r.check(A, 3, WINDOW, at(20_000)), Ok(()));
        assert_eq!(
            r.check(A, 3, WINDOW, at(30_000)),
            Err(Duration::from_secs(30))
        );
        // Refused requests do not count: the wait does not grow.
        assert_eq!(
            r.check(A, 3, WINDOW, at(59_999)),
            Err(Duration::from_millis(1))
        );
        assert_eq!(r.check(A, 3, WINDOW, at(60_000)), Ok(()));
        assert_eq!(
            r.check(A, 3, WINDOW, at(60_001)),
            Err(Duration::from_millis(9_999))
        );
    }

    #[test]
    fn each_key_has_its_own_window() {
        let mut r = RateLimiter::default();
        let now = Instant::now();
        assert_eq!(r.check(A, 1, WINDOW, now), Ok(()));
        assert!(r.check(A, 1, WINDOW, now).is_err());
        assert_eq!(r.check(B, 1, WINDOW, now), Ok(()));
        r.clear();
        assert_eq!(r.check(A, 1, WINDOW, now), Ok(()));
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(30_000)), 30);
        assert_eq!(retry_after_seconds(Duration::from_millis(30_001)), 31);
    }
}
