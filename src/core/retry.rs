//! When to try a read again after "429 Too Many Requests": after the server's `Retry-After` when
//! it sent one, else after an exponential backoff with jitter; always within bounds, so a read
//! never waits minutes without the admin deciding to.

/// Parses a `Retry-After` value (RFC 9110 §10.2.3) into milliseconds to wait from `now_ms`
/// (Unix time in ms): either delta-seconds (`"120"`) or an HTTP date in IMF-fixdate form
/// (`"Sun, 06 Nov 1994 08:49:37 GMT"`). A date in the past means no wait; anything else is
/// `None`, so the caller falls back to its own backoff.
pub fn retry_after_ms(value: &str, now_ms: u64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.len() <= 10 && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(|s| s.saturating_mul(1000));
    }
    parse_http_date(value).map(|at| at.saturating_sub(now_ms))
}

/// An IMF-fixdate (`"Sun, 06 Nov 1994 08:49:37 GMT"`) as Unix time in milliseconds. The weekday
/// is not checked against the date (servers get it wrong; the date is what matters).
pub fn parse_http_date(s: &str) -> Option<u64> {
    let (_weekday, rest) = s.split_once(", ")?;
    let mut parts = rest.split(' ');
    let day: u64 = number(parts.next()?, 2)?;
    let month_name = parts.next()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == month_name)? as u64
        + 1;
    let year: u64 = number(parts.next()?, 4)?;
    let mut clock = parts.next()?.split(':');
    let (h, m, sec) = (
        number(clock.next()?, 2)?,
        number(clock.next()?, 2)?,
        number(clock.next()?, 2)?,
    );
    if parts.next()? != "GMT" || parts.next().is_some() || clock.next().is_some() {
        return None;
    }
    if year < 1970 || !(1..=days_in_month(year, month)).contains(&day) || h > 23 || m > 59 {
        return None;
    }
    // 60 allows a leap second.
    if sec > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some((days * 86_400 + h * 3600 + m * 60 + sec) * 1000)
}

/// Exactly `len` ASCII digits.
fn number(s: &str, len: usize) -> Option<u64> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn is_leap(year: u64) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a date from 1970 on (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// How often and how long a rate-limited read is tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The first backoff step; each further step doubles.
    pub base_ms: u64,
    /// The longest single wait. A server asking for longer is not waited for: the admin is
    /// told when to try again instead.
    pub max_wait_ms: u64,
}

/// Reads: 4 attempts, backoff 2 s, 4 s, 8 s (jittered), at most a minute per wait.
pub const READS: RetryPolicy = RetryPolicy {
    max_attempts: 4,
    base_ms: 2_000,
    max_wait_ms: 60_000,
};

/// What to do after a 429.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Wait this many milliseconds, then send again.
    Wait(u64),
    /// Stop and tell the admin.
    Stop,
}

impl RetryPolicy {
    /// The backoff after failed attempt `attempt` (1-based): `base · 2^(attempt−1)`, capped at
    /// `max_wait_ms`, of which the upper half is scaled by `jitter` (0..1, e.g. `Math.random()`):
    /// clients that were refused together spread out, and no wait is shorter than half a step.
    pub fn backoff_ms(&self, attempt: u32, jitter: f64) -> u64 {
        let step = self
            .base_ms
            .saturating_mul(1u64 << attempt.saturating_sub(1).min(32))
            .min(self.max_wait_ms);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let half = step / 2;
        half + ((step - half) as f64 * jitter) as u64
    }

    /// After attempt `attempt` (1-based) was refused with 429 and, when the server said,
    /// `server_wait_ms`: wait that long (or back off), unless attempts are used up or the
    /// server asks for more than `max_wait_ms`.
    pub fn next(&self, attempt: u32, server_wait_ms: Option<u64>, jitter: f64) -> Next {
        if attempt >= self.max_attempts {
            return Next::Stop;
        }
        match server_wait_ms {
            Some(wait) if wait > self.max_wait_ms => Next::Stop,
            Some(wait) => Next::Wait(wait),
            None => Next::Wait(self.backoff_ms(attempt, jitter)),
        }
    }
}

/// What a request is waiting for, told app-wide with the seconds left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waiting {
    /// The server refused with 429; attempt `attempt` of `of` comes next.
    RateLimited { attempt: u32, of: u32 },
    /// The client-side budget of `per_minute` requests is used up for now.
    Budget { per_minute: u32 },
}

impl Waiting {
    pub fn text(self, seconds: u64) -> String {
        match self {
            Self::RateLimited { attempt, of } => format!(
                "Rate limited by the server (429): trying again in {seconds} s (attempt {attempt} of {of})."
            ),
            Self::Budget { per_minute } => format!(
                "Staying under {per_minute} requests a minute: next request in {seconds} s."
            ),
        }
    }
}

/// Whole seconds, rounded up: a countdown never says 0 while there is still time to wait.
pub fn ceil_seconds(ms: u64) -> u64 {
    ms.div_ceil(1000)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 1994-11-06 08:49:37 UTC, the RFC's example.
    const RFC_EXAMPLE_MS: u64 = 784_111_777_000;

    #[test]
    fn delta_seconds() {
        assert_eq!(retry_after_ms("120", 5), Some(120_000));
        assert_eq!(retry_after_ms(" 0 ", 5), Some(0));
        assert_eq!(retry_after_ms("-1", 5), None);
        assert_eq!(retry_after_ms("1.5", 5), None);
        assert_eq!(retry_after_ms("", 5), None);
        assert_eq!(retry_after_ms("12345678901", 5), None);
    }

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(RFC_EXAMPLE_MS)
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2028 23:59:59 GMT"),
            Some(1_835_481_599_000)
        );
        // 12 s after "now": the wait is relative.
        assert_eq!(
            retry_after_ms("Sun, 06 Nov 1994 08:49:49 GMT", RFC_EXAMPLE_MS),
            Some(12_000)
        );
        // In the past: no wait.
        assert_eq!(
            retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", RFC_EXAMPLE_MS + 5000),
            Some(0)
        );
    }

    #[test]
    fn junk_is_none() {
        for junk in [
            "soon",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 2027 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1969 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
        ] {
            assert_eq!(retry_after_ms(junk, 0), None, "{junk}");
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_in_the_upper_half() {
        let p = READS;
        assert_eq!(p.backoff_ms(1, 0.0), 1_000);
        assert_eq!(p.backoff_ms(1, 1.0), 2_000);
        assert_eq!(p.backoff_ms(2, 0.5), 3_000);
        assert_eq!(p.backoff_ms(3, 1.0), 8_000);
        assert_eq!(p.backoff_ms(40, 1.0), 60_000);
        assert_eq!(p.backoff_ms(2, f64::NAN), 2_000);
    }

    #[test]
    fn waits_are_told_with_the_seconds_left() {
        assert_eq!(
            Waiting::RateLimited { attempt: 2, of: 4 }.text(12),
            "Rate limited by the server (429): trying again in 12 s (attempt 2 of 4)."
        );
        assert_eq!(
            Waiting::Budget { per_minute: 60 }.text(3),
            "Staying under 60 requests a minute: next request in 3 s."
        );
    }

    #[test]
    fn next_follows_the_server_within_bounds() {
        let p = READS;
        assert_eq!(p.next(1, Some(2_000), 0.3), Next::Wait(2_000));
        assert_eq!(p.next(1, None, 0.0), Next::Wait(1_000));
        assert_eq!(p.next(1, Some(61_000), 0.0), Next::Stop);
        assert_eq!(p.next(4, Some(1_000), 0.0), Next::Stop);
        assert_eq!(ceil_seconds(1), 1);
        assert_eq!(ceil_seconds(2_000), 2);
    }

    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];

    /// The oracle's calendar, written plainly: February has 29 days in years divisible by 4,
    /// except centuries not divisible by 400.
    fn naive_month_days(y: u64, mo: u64) -> u64 {
        let leap = match (y % 400, y % 100, y % 4) {
            (0, _, _) => true,
            (_, 0, _) => false,
            (_, _, r) => r == 0,
        };
        [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][(mo - 1) as usize]
    }

    /// Days from 1970-01-01 by adding up whole years and months.
    fn naive_days_since_1970(y: u64, mo: u64, d: u64) -> u64 {
        let years: u64 = (1970..y)
            .map(|y| (1..=12).map(|m| naive_month_days(y, m)).sum::<u64>())
            .sum();
        let months: u64 = (1..mo).map(|m| naive_month_days(y, m)).sum();
        years + months + d - 1
    }

    #[test]
    fn the_day_count_knows_the_examples() {
        assert_eq!(naive_days_since_1970(1970, 1, 1), 0);
        // 2028-02-29 23:59:59 is 1,835,481,599 s (checked with date(1)).
        assert_eq!(
            naive_days_since_1970(2028, 2, 29) * 86_400 + 86_399,
            1_835_481_599
        );
        assert_eq!(naive_month_days(1900, 2), 28);
        assert_eq!(naive_month_days(2000, 2), 29);
    }

    proptest! {
        /// A wait comes only from delta-seconds (the number given) or a date in IMF-fixdate's
        /// shape; up to ten digits always give one.
        #[test]
        fn retry_after_is_seconds_or_a_date(
            s in prop_oneof![
                ".{0,40}",
                "[0-9]{1,12}",
                " ?[0-9]{1,10}\t?",
                ("[A-Z][a-z]{2}, [0-3][0-9] ", proptest::sample::select(MONTHS.to_vec()), " (19[6-9][0-9]|2[0-9]{3}) [0-2][0-9]:[0-5][0-9]:[0-6][0-9] (GMT|UTC)")
                    .prop_map(|(a, m, b)| format!("{a}{m}{b}")),
            ],
            now in any::<u64>(),
        ) {
            let t = s.trim();
            let digits = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
            match retry_after_ms(&s, now) {
                Some(ms) if digits => prop_assert_eq!(Some(ms), t.parse::<u64>().ok().map(|n| n * 1000)),
                Some(_) => {
                    let b = t.as_bytes();
                    prop_assert!(t.len() == 29 && t.ends_with(" GMT") && b[3] == b',' && b[19] == b':' && b[22] == b':', "{:?}", s);
                }
                None => prop_assert!(!digits || t.len() > 10, "{:?}", s),
            }
        }

        /// Dates against a day-by-day count, on every day of every month, and the day after a
        /// month's last refused.
        #[test]
        fn dates_match_a_day_count(
            (y, mo, d) in (
                // Century and leap years are where calendars go wrong.
                prop_oneof![3 => 1970u64..3000, 1 => proptest::sample::select(vec![2000u64, 2100, 2400, 1972, 2024, 2028, 2900])],
                1u64..=12,
            )
                .prop_flat_map(|(y, mo)| {
                    let last = naive_month_days(y, mo);
                    // Every day of the month, with its last day and the day after it drawn often.
                    (Just(y), Just(mo), prop_oneof![2 => 1..=last, 1 => Just(last), 1 => Just(last + 1)])
                }),
            h in 0u64..24, mi in 0u64..60, s in 0u64..60,
        ) {
            let text = format!("Mon, {d:02} {} {y} {h:02}:{mi:02}:{s:02} GMT", MONTHS[(mo - 1) as usize]);
            let ms = parse_http_date(&text);
            if d > naive_month_days(y, mo) {
                prop_assert_eq!(ms, None, "{}", text);
            } else {
                let days = naive_days_since_1970(y, mo, d);
                prop_assert_eq!(ms, Some(((days * 24 + h) * 3600 + mi * 60 + s) * 1000), "{}", text);
            }
        }

        #[test]
        fn waits_stay_within_bounds(attempt in 0u32..100, server in proptest::option::of(any::<u64>()), jitter in any::<f64>()) {
            let p = READS;
            match p.next(attempt, server, jitter) {
                Next::Wait(ms) => {
                    prop_assert!(ms <= p.max_wait_ms);
                    prop_assert!(attempt < p.max_attempts);
                    if server.is_none() {
                        prop_assert!(ms >= p.base_ms / 2);
                    }
                }
                Next::Stop => prop_assert!(attempt >= p.max_attempts || server.is_some_and(|s| s > p.max_wait_ms)),
            }
        }
    }
}
