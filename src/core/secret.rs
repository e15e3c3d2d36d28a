//! The API key as a type that cannot be printed by accident.

use std::fmt;

/// An organization API key. `Debug` and `Display` never show it; only [`ApiKey::bearer`] and
/// [`ApiKey::expose`] hand it out, for the Authorization header and session storage.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// `None` for an empty or whitespace-only key. Surrounding whitespace from pasting is dropped.
    pub fn new(raw: &str) -> Option<Self> {
        let key = raw.trim();
        (!key.is_empty()).then(|| Self(key.to_string()))
    }

    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(redacted)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let k = ApiKey::new("  omni_live_abc123 \n");
        assert_eq!(k.as_ref().map(ApiKey::expose), Some("omni_live_abc123"));
        let shown = format!(
            "{k:?} {}",
            k.clone().map(|k| k.to_string()).unwrap_or_default()
        );
        assert!(!shown.contains("abc123"), "{shown}");
        assert_eq!(
            k.map(|k| k.bearer()),
            Some("Bearer omni_live_abc123".into())
        );
        assert!(ApiKey::new(" \t").is_none());
    }
}
