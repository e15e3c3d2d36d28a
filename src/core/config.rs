//! Deployment settings: limits a deployer may change without rebuilding, read from the
//! `<meta name="omni-scim-panel-config">` tag of `index.html`.
//!
//! The content is `name=value` pairs separated by `;` or `,`, for example
//! `idle-timeout-seconds=1800; request-timeout-seconds=30; requests-per-minute=60`. Unknown
//! names and unusable values are ignored (the default stays), so a typo never stops the panel.

/// The panel's limits. [`Default`] is what an Omni organization needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PanelConfig {
    /// The key is forgotten after this long without interaction (default 30 minutes).
    pub idle_timeout_seconds: u32,
    /// Every request is cancelled after this long (default 30 s).
    pub request_timeout_seconds: u32,
    /// Client-side request budget, kept under Omni's documented 60 requests a minute.
    pub requests_per_minute: u32,
    /// Activity entries kept in the tab (default 100); older ones are dropped, with a note.
    pub activity_entries: u32,
}

impl Default for PanelConfig {
    fn default() -> Self {
        Self {
            idle_timeout_seconds: 30 * 60,
            request_timeout_seconds: 30,
            requests_per_minute: 60,
            activity_entries: 100,
        }
    }
}

/// Bounds that keep a setting meaningful: a zero budget or timeout would lock the panel.
const IDLE_RANGE: (u32, u32) = (1, 24 * 60 * 60);
const TIMEOUT_RANGE: (u32, u32) = (1, 10 * 60);
const BUDGET_RANGE: (u32, u32) = (1, 10_000);
const ACTIVITY_RANGE: (u32, u32) = (1, 1000);

impl PanelConfig {
    /// Reads the meta tag's content over the defaults.
    pub fn parse(content: &str) -> Self {
        let mut config = Self::default();
        for pair in content.split([';', ',']) {
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let slot = match name.trim() {
                "idle-timeout-seconds" => (&mut config.idle_timeout_seconds, IDLE_RANGE),
                "request-timeout-seconds" => (&mut config.request_timeout_seconds, TIMEOUT_RANGE),
                "requests-per-minute" => (&mut config.requests_per_minute, BUDGET_RANGE),
                "activity-entries" => (&mut config.activity_entries, ACTIVITY_RANGE),
                _ => continue,
            };
            if let Ok(v) = value.trim().parse::<u32>() {
                if (slot.1 .0..=slot.1 .1).contains(&v) {
                    *slot.0 = v;
                }
            }
        }
        config
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn empty_content_gives_the_defaults() {
        assert_eq!(PanelConfig::parse(""), PanelConfig::default());
        assert_eq!(PanelConfig::default().idle_timeout_seconds, 1800);
    }

    #[test]
    fn reads_each_setting_in_either_separator() {
        let c = PanelConfig::parse(
            " idle-timeout-seconds = 5 ; request-timeout-seconds=3, requests-per-minute=120",
        );
        assert_eq!(
            c,
            PanelConfig {
                idle_timeout_seconds: 5,
                request_timeout_seconds: 3,
                requests_per_minute: 120,
                activity_entries: 100
            }
        );
    }

    #[test]
    fn ignores_unknown_names_and_unusable_values() {
        let c = PanelConfig::parse(
            "colour=blue; idle-timeout-seconds=0; request-timeout-seconds=-3; requests-per-minute=lots",
        );
        assert_eq!(c, PanelConfig::default());
        assert_eq!(PanelConfig::parse("activity-entries=3").activity_entries, 3);
        assert_eq!(
            PanelConfig::parse("activity-entries=0").activity_entries,
            100
        );
        assert_eq!(
            PanelConfig::parse("request-timeout-seconds=999999").request_timeout_seconds,
            30
        );
    }
}
