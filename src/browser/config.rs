//! The deployment's settings, read once from `index.html`'s
//! `<meta name="omni-scim-panel-config">` (see [`crate::core::config`]).

use crate::core::config::PanelConfig;
use std::sync::OnceLock;

static CONFIG: OnceLock<PanelConfig> = OnceLock::new();

/// The settings for this page; defaults when the tag is missing.
pub fn current() -> PanelConfig {
    *CONFIG.get_or_init(|| {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| {
                d.query_selector("meta[name=omni-scim-panel-config]")
                    .ok()
                    .flatten()
            })
            .and_then(|m| m.get_attribute("content"))
            .map(|c| PanelConfig::parse(&c))
            .unwrap_or_default()
    })
}
