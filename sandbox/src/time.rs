//! Timestamps: milliseconds since the Unix epoch, rendered as RFC 3339 UTC with milliseconds
//! (`2024-12-04T00:20:47.346Z`), the shape Omni's `meta` fields use. Hand-written because it is
//! twenty lines and the store only ever needs UTC.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// Current wall-clock time in milliseconds.
pub fn now_ms() -> Millis {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        // A clock before 1970 is broken; the store's monotonic clock still moves forward.
        Err(_) => 0,
    }
}

/// Formats `ms` as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn rfc3339_ms(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        sod / 3600,
        (sod % 3600) / 60,
        sod % 60
    )
}

/// Days since the epoch → (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Milliseconds for a UTC calendar date and time; used to give seeded data fixed timestamps.
pub fn ms_from_civil(y: i64, m: u32, d: u32, hh: u32, mm: u32, ss: u32, ms: u32) -> Millis {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from(if m > 2 { m - 3 } else { m + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    ((days * 86_400 + i64::from(hh) * 3600 + i64::from(mm) * 60 + i64::from(ss)) * 1000)
        + i64::from(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_epoch() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn formats_known_instant() {
        // 1733271647346 ms is 2024-12-04T00:20:47.346Z (checked with `date -u -d @1733271647.346`).
        assert_eq!(rfc3339_ms(1_733_271_647_346), "2024-12-04T00:20:47.346Z");
    }

    #[test]
    fn leap_day_and_year_end() {
        assert_eq!(
            rfc3339_ms(ms_from_civil(2024, 2, 29, 23, 59, 59, 999)),
            "2024-02-29T23:59:59.999Z"
        );
        assert_eq!(
            rfc3339_ms(ms_from_civil(2023, 12, 31, 0, 0, 0, 7)),
            "2023-12-31T00:00:00.007Z"
        );
    }

    #[test]
    fn round_trips_across_many_days() {
        let start = ms_from_civil(1999, 1, 1, 12, 0, 0, 0);
        for day in 0..20_000 {
            let ms = start + day * 86_400_000 + 123;
            let s = rfc3339_ms(ms);
            let y: i64 = s[0..4].parse().unwrap();
            let m: u32 = s[5..7].parse().unwrap();
            let d: u32 = s[8..10].parse().unwrap();
            assert_eq!(ms_from_civil(y, m, d, 12, 0, 0, 123), ms, "{s}");
        }
    }

    #[test]
    fn now_is_after_2024() {
        assert!(now_ms() > ms_from_civil(2024, 1, 1, 0, 0, 0, 0));
    }
}
