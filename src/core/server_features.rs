//! What the server supports, from `/ServiceProviderConfig` (RFC 7643 §5). Omni has no such
//! endpoint: then nothing optional is assumed.

use serde::Deserialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerFeatures {
    /// `If-Match` with `meta.version` is honoured (412 when stale).
    pub etag: bool,
    /// The server says it does not support PATCH; "Save with PATCH" is then not offered.
    /// Omni publishes no configuration and accepts PATCH.
    pub no_patch: bool,
    /// Filters beyond `eq` (`sw`, `co`) may be tried for user search.
    pub filter: bool,
}

#[derive(Deserialize)]
struct Supported {
    #[serde(default)]
    supported: bool,
}

#[derive(Deserialize)]
struct Config {
    #[serde(default)]
    etag: Option<Supported>,
    #[serde(default)]
    patch: Option<Supported>,
    #[serde(default)]
    filter: Option<Supported>,
}

impl ServerFeatures {
    /// Reads a ServiceProviderConfig body; anything unreadable means "nothing optional".
    pub fn parse(body: &str) -> Self {
        let Ok(c) = serde_json::from_str::<Config>(body) else {
            return Self::default();
        };
        let on = |s: Option<Supported>| s.is_some_and(|s| s.supported);
        Self {
            etag: on(c.etag),
            no_patch: c.patch.is_some_and(|s| !s.supported),
            filter: on(c.filter),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn reads_rfc_config() {
        let f = ServerFeatures::parse(
            r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],"etag":{"supported":true},"patch":{"supported":true},"filter":{"supported":true,"maxResults":200},"bulk":{"supported":false}}"#,
        );
        assert_eq!(
            f,
            ServerFeatures {
                etag: true,
                no_patch: false,
                filter: true
            }
        );
        let no_patch = ServerFeatures::parse(r#"{"patch":{"supported":false}}"#);
        assert!(no_patch.no_patch && !no_patch.etag);
        assert!(!ServerFeatures::parse(r#"{"etag":{"supported":true}}"#).no_patch);
        assert_eq!(ServerFeatures::parse("<html>"), ServerFeatures::default());
        assert_eq!(
            ServerFeatures::parse(r#"{"etag":{"supported":"yes"}}"#),
            ServerFeatures::default()
        );
    }
}
