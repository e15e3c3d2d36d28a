//! The idle timeout: after a stretch without interaction the tab forgets the API key (a
//! full-admin secret left in an unattended browser). The browser side only records when the
//! admin last did something and asks these functions what that means.

use super::error::describe_seconds;

/// True once `limit_seconds` have passed since the last interaction. A clock that went
/// backwards counts as no time passed.
pub fn is_idle(last_activity_ms: u64, now_ms: u64, limit_seconds: u32) -> bool {
    now_ms.saturating_sub(last_activity_ms) >= u64::from(limit_seconds) * 1000
}

/// How often to look: a tenth of the limit, between 1 and 15 seconds, so the key goes at most
/// 10% (and never more than 15 s) late, at a negligible cost.
pub fn check_period_ms(limit_seconds: u32) -> u32 {
    (limit_seconds.saturating_mul(100)).clamp(1000, 15_000)
}

/// What the Connection panel says once the key has been forgotten for inactivity.
pub fn forgotten_notice(limit_seconds: u32) -> String {
    format!(
        "The API key was forgotten after {} without activity. Unsaved changes are kept: enter the key again and press Connect to continue.",
        describe_seconds(limit_seconds.into())
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn idle_exactly_at_the_limit() {
        let limit = 30 * 60;
        let start = 1_700_000_000_000;
        assert!(!is_idle(start, start, limit));
        assert!(!is_idle(start, start + 1_799_999, limit));
        assert!(is_idle(start, start + 1_800_000, limit));
        assert!(is_idle(start, start + 86_400_000, limit));
        // A clock set back (or a timestamp from the future) never forgets the key early.
        assert!(!is_idle(start + 5_000, start, 1));
    }

    #[test]
    fn checks_often_enough_but_not_too_often() {
        assert_eq!(check_period_ms(1), 1000);
        assert_eq!(check_period_ms(3), 1000);
        assert_eq!(check_period_ms(60), 6000);
        assert_eq!(check_period_ms(1800), 15_000);
        assert_eq!(check_period_ms(u32::MAX), 15_000);
    }

    #[test]
    fn the_limit_reads_as_a_person_says_it() {
        assert!(forgotten_notice(3).contains("after 3 seconds without"));
        assert!(forgotten_notice(90).contains("after 1 minute 30 seconds without"));
        assert!(forgotten_notice(86_400).contains("after 24 hours without"));
    }

    #[test]
    fn the_notice_says_what_happened_and_what_to_do() {
        let n = forgotten_notice(1800);
        assert!(
            n.contains("forgotten after 30 minutes without activity"),
            "{n}"
        );
        assert!(n.contains("Unsaved changes are kept"), "{n}");
        assert!(n.contains("enter the key again"), "{n}");
    }

    proptest! {
        #[test]
        fn never_idle_before_the_limit(last in 0u64..u64::MAX / 2, limit in 1u32..=86_400, gap in 0u64..100_000_000) {
            let now = last + gap;
            prop_assert_eq!(is_idle(last, now, limit), gap >= u64::from(limit) * 1000);
            let p = check_period_ms(limit);
            prop_assert!((1000..=15_000).contains(&p));
        }
    }
}
