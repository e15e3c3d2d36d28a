//! What a failed call means to a person: status codes and error bodies become [`ApiError`].

use serde::Deserialize;
use std::fmt;

/// What the panel was doing; the same status means different things for different calls
/// (a 404 on Connect is a wrong base URL, on Load a missing group).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Connect,
    LoadGroup,
    SaveGroup,
    /// The read just before a save that looks for someone else's change.
    CheckGroup,
    ListGroups,
    ListUsers,
}

impl Operation {
    /// Calls on a collection: a 404 there means no SCIM API at the base URL.
    fn is_collection(self) -> bool {
        matches!(self, Self::Connect | Self::ListGroups | Self::ListUsers)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// 401: key missing, wrong, revoked, or a personal token.
    BadKey,
    /// 403: authenticated, but this key may not do this (Omni: personal tokens on SCIM).
    Forbidden,
    /// 404 on Connect: nothing SCIM at that base URL.
    NoScimHere,
    /// 404 on a group.
    GroupNotFound,
    /// 409: the display name is used by another group.
    NameTaken,
    /// 400 and 422: the server refused the input.
    InvalidInput,
    /// 412: the group changed since it was loaded (RFC 7644 ETag).
    Changed,
    /// 413: the body was too large for the server.
    TooLarge,
    /// 429: over the rate limit; `retry_after` as the server sent it (seconds or HTTP date).
    RateLimited { retry_after: Option<String> },
    /// 500, 502, 503, 504 and other 5xx.
    ServerError,
    /// Any other status.
    Unexpected,
    /// No answer the page may read: unreachable, refused, or blocked by the browser (CORS).
    Network { same_origin: bool },
    /// The browser says it is offline.
    Offline,
    /// No answer within the time limit; the request was cancelled.
    Timeout { seconds: u32 },
    /// A 2xx answer that could not be used (HTML, truncated JSON, wrong shape).
    BadResponse,
}

/// A failed call: kind, the HTTP status if there was one, and what the server said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub operation: Operation,
    pub status: Option<u16>,
    /// The server's own explanation, trimmed and shortened, never containing the key.
    pub detail: Option<String>,
    pub scim_type: Option<String>,
}

/// Longest server text shown; a gateway can send megabytes.
const MAX_DETAIL_CHARS: usize = 300;

/// The fields error bodies carry in the shapes seen in practice: Omni's `{"detail","status"}`,
/// RFC 7644 §3.12 (`status` as a string, `scimType`), and generic `message`/`error` bodies.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    #[serde(default)]
    detail: LooseText,
    #[serde(default)]
    message: LooseText,
    #[serde(default)]
    error: LooseText,
    #[serde(default)]
    scim_type: LooseText,
}

/// Text wherever a server put it: a string, or `message`/`detail` inside an object (a common
/// gateway shape). Numbers, lists and the like read as no text instead of failing the parse.
#[derive(Debug, Default)]
struct LooseText(Option<String>);

impl<'de> Deserialize<'de> for LooseText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LooseText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E>(self, v: &str) -> Result<LooseText, E> {
                let v = v.trim();
                Ok(LooseText((!v.is_empty()).then(|| v.to_string())))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LooseText, A::Error> {
                let mut found = None;
                while let Some(key) = map.next_key::<String>()? {
                    if found.is_none() && (key == "message" || key == "detail") {
                        found = map.next_value::<LooseText>()?.0;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(LooseText(found))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LooseText, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LooseText(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<LooseText, E> {
                Ok(LooseText(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<LooseText, E> {
                Ok(LooseText(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<LooseText, E> {
                Ok(LooseText(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<LooseText, E> {
                Ok(LooseText(None))
            }
            fn visit_unit<E>(self) -> Result<LooseText, E> {
                Ok(LooseText(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// Removes control characters and shortens `text` for display.
fn tidy(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    if clean.chars().count() > MAX_DETAIL_CHARS {
        let cut: String = clean.chars().take(MAX_DETAIL_CHARS).collect();
        format!("{cut}…")
    } else {
        clean
    }
}

/// Replaces every occurrence of `secret` in `text`, so a server echoing the key cannot put it
/// on screen. Secrets shorter than 4 characters are not searched for (they would mangle text).
pub fn redact(text: &str, secret: &str) -> String {
    if secret.len() < 4 {
        return text.to_string();
    }
    text.replace(secret, "[redacted]")
}

impl ApiError {
    /// Classifies a non-2xx answer. `secret` is redacted from anything the server said.
    pub fn from_response(
        operation: Operation,
        status: u16,
        body: &str,
        retry_after: Option<&str>,
        secret: &str,
    ) -> Self {
        let parsed: ErrorBody = serde_json::from_str(body).unwrap_or_default();
        let detail = parsed
            .detail
            .0
            .or(parsed.message.0)
            .or(parsed.error.0)
            .map(|d| tidy(&redact(&d, secret)));
        let scim_type = parsed.scim_type.0.map(|s| tidy(&redact(&s, secret)));
        let kind = match status {
            401 => ErrorKind::BadKey,
            403 => ErrorKind::Forbidden,
            404 if operation.is_collection() => ErrorKind::NoScimHere,
            404 => ErrorKind::GroupNotFound,
            409 => ErrorKind::NameTaken,
            400 | 422 => ErrorKind::InvalidInput,
            412 => ErrorKind::Changed,
            413 => ErrorKind::TooLarge,
            429 => ErrorKind::RateLimited {
                retry_after: retry_after
                    .map(|r| tidy(&redact(r, secret)))
                    .filter(|r| !r.is_empty()),
            },
            500..=599 => ErrorKind::ServerError,
            _ => ErrorKind::Unexpected,
        };
        Self {
            kind,
            operation,
            status: Some(status),
            detail,
            scim_type,
        }
    }

    /// A request that got no readable answer. Browsers hide why (CORS, DNS, refused), so only
    /// what is knowable is passed: whether the browser says it is offline, and whether the
    /// request was same-origin (then CORS cannot be the cause).
    pub fn network(operation: Operation, online: bool, same_origin: bool) -> Self {
        Self {
            kind: if online {
                ErrorKind::Network { same_origin }
            } else {
                ErrorKind::Offline
            },
            operation,
            status: None,
            detail: None,
            scim_type: None,
        }
    }

    /// A request cancelled after `seconds` without an answer.
    pub fn timeout(operation: Operation, seconds: u32) -> Self {
        Self {
            kind: ErrorKind::Timeout { seconds },
            operation,
            status: None,
            detail: None,
            scim_type: None,
        }
    }

    /// A 2xx answer whose body could not be used.
    pub fn bad_response(operation: Operation, status: u16, what: String) -> Self {
        Self {
            kind: ErrorKind::BadResponse,
            operation,
            status: Some(status),
            detail: Some(tidy(&what)),
            scim_type: None,
        }
    }

    /// The sentence shown to the admin, without the server's detail.
    pub fn summary(&self) -> String {
        let doing = match self.operation {
            Operation::Connect => "Could not connect",
            Operation::LoadGroup => "Could not load the group",
            Operation::SaveGroup => "The group was not saved",
            Operation::CheckGroup => {
                "The group was not saved (the check for changes by others failed)"
            }
            Operation::ListGroups => "Could not list groups",
            Operation::ListUsers => "Could not look up users",
        };
        let why = match &self.kind {
            ErrorKind::BadKey => "the API key was refused (401). Check that it is a current organization API key; personal access tokens do not work with SCIM.".to_string(),
            ErrorKind::Forbidden => "this API key is not allowed to use SCIM (403). Use an organization API key, not a personal access token.".to_string(),
            ErrorKind::NoScimHere => "there is no SCIM API at this base URL (404). Check the instance name or URL.".to_string(),
            ErrorKind::GroupNotFound => match self.operation {
                Operation::SaveGroup | Operation::CheckGroup => "the group was not found (404); it may have been deleted since it was loaded.".to_string(),
                _ => "group not found (404). Check the group ID.".to_string(),
            },
            ErrorKind::NameTaken => "another group already has this name (409). Choose a different display name.".to_string(),
            ErrorKind::InvalidInput => "the server refused the input as invalid (400).".to_string(),
            ErrorKind::Changed => "the group changed on the server since it was loaded (412). Load it again.".to_string(),
            ErrorKind::TooLarge => "the request was too large for the server (413).".to_string(),
            ErrorKind::RateLimited { retry_after } => match retry_after {
                Some(after) if after.chars().all(|c| c.is_ascii_digit()) => format!("too many requests (429). Wait {after} seconds, then try again."),
                Some(after) => format!("too many requests (429). Try again after {after}."),
                None => "too many requests (429): Omni allows 60 a minute per key. Wait a minute, then try again.".to_string(),
            },
            ErrorKind::ServerError => format!(
                "the server had a problem ({}). Try again in a moment.",
                self.status.unwrap_or(500)
            ),
            ErrorKind::Unexpected => format!("the server answered with unexpected status {}.", self.status.unwrap_or(0)),
            ErrorKind::Network { same_origin: true } => "the server did not answer. Check that it is running and reachable.".to_string(),
            ErrorKind::Network { same_origin: false } => "no answer the browser would let the panel read. The server may be unreachable, or the browser blocked the request because the server does not allow this page's origin (CORS). Serve the panel behind a same-origin proxy, or use the proxy path (for example /api/scim/v2) as the base URL.".to_string(),
            ErrorKind::Offline => "this browser is offline. Reconnect to the network, then try again.".to_string(),
            ErrorKind::Timeout { seconds } => format!("the server did not answer within {seconds} seconds, so the request was cancelled. Try again; if it keeps happening, check the server."),
            ErrorKind::BadResponse => "the server's answer could not be used.".to_string(),
        };
        format!("{doing}: {why}")
    }

    /// True when trying the same thing again later may work.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::RateLimited { .. }
                | ErrorKind::ServerError
                | ErrorKind::Network { .. }
                | ErrorKind::Offline
                | ErrorKind::Timeout { .. }
        )
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())?;
        if let Some(detail) = &self.detail {
            write!(f, " Server said: “{detail}”")?;
        }
        Ok(())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn classify(op: Operation, status: u16, body: &str) -> ApiError {
        ApiError::from_response(op, status, body, None, "sk-secret-key-123")
    }

    #[test]
    fn omni_error_body() {
        let e = classify(
            Operation::Connect,
            401,
            r#"{"detail":"Unauthorized: Missing or invalid API key","status":401}"#,
        );
        assert_eq!(e.kind, ErrorKind::BadKey);
        assert_eq!(
            e.detail.as_deref(),
            Some("Unauthorized: Missing or invalid API key")
        );
        assert!(e.to_string().contains("API key was refused"));
    }

    #[test]
    fn rfc7644_error_body() {
        let e = classify(
            Operation::SaveGroup,
            409,
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"displayName is taken"}"#,
        );
        assert_eq!(e.kind, ErrorKind::NameTaken);
        assert_eq!(e.scim_type.as_deref(), Some("uniqueness"));
        assert_eq!(e.detail.as_deref(), Some("displayName is taken"));
    }

    #[test]
    fn html_and_empty_bodies_still_classify() {
        let e = classify(
            Operation::LoadGroup,
            502,
            "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        );
        assert_eq!(
            (e.kind.clone(), e.detail.clone()),
            (ErrorKind::ServerError, None)
        );
        assert!(e.summary().contains("(502)"));
        let e = classify(Operation::LoadGroup, 404, "");
        assert_eq!(e.kind, ErrorKind::GroupNotFound);
        assert!(e.summary().contains("not found"));
        let e = classify(Operation::Connect, 404, "");
        assert_eq!(e.kind, ErrorKind::NoScimHere);
    }

    #[test]
    fn other_shapes() {
        assert_eq!(
            classify(Operation::SaveGroup, 400, r#"{"message":"bad members"}"#)
                .detail
                .as_deref(),
            Some("bad members")
        );
        assert_eq!(
            classify(
                Operation::SaveGroup,
                400,
                r#"{"error":{"message":"nested"}}"#
            )
            .detail
            .as_deref(),
            Some("nested")
        );
        assert_eq!(
            classify(Operation::SaveGroup, 400, r#"{"detail":42}"#).detail,
            None
        );
        assert_eq!(
            classify(Operation::SaveGroup, 418, "[]").kind,
            ErrorKind::Unexpected
        );
    }

    #[test]
    fn rate_limit_reads_retry_after() {
        let e = ApiError::from_response(Operation::SaveGroup, 429, "", Some("12"), "k3y-abcdef");
        assert_eq!(
            e.kind,
            ErrorKind::RateLimited {
                retry_after: Some("12".into())
            }
        );
        assert!(e.summary().contains("Wait 12 seconds"));
        assert!(e.is_transient());
        let e = classify(Operation::SaveGroup, 429, "");
        assert!(e.summary().contains("60 a minute"));
    }

    #[test]
    fn the_key_never_reaches_the_message() {
        let e = classify(
            Operation::Connect,
            401,
            r#"{"detail":"token sk-secret-key-123 is invalid"}"#,
        );
        assert!(!e.to_string().contains("sk-secret-key-123"));
        assert!(e.to_string().contains("[redacted]"));
    }

    #[test]
    fn detail_is_tidied_and_bounded() {
        let long = format!(r#"{{"detail":"a\u0007b\n{}"}}"#, "x".repeat(1000));
        let e = classify(Operation::Connect, 400, &long);
        let d = e.detail.unwrap_or_default();
        assert!(d.starts_with("a b "));
        assert!(d.chars().count() <= MAX_DETAIL_CHARS + 1);
    }

    #[test]
    fn network_failures() {
        let e = ApiError::network(Operation::Connect, true, false);
        assert!(e.summary().contains("CORS"));
        let e = ApiError::network(Operation::Connect, true, true);
        assert!(!e.summary().contains("CORS"));
        let e = ApiError::network(Operation::SaveGroup, false, false);
        assert_eq!(e.kind, ErrorKind::Offline);
        let t = ApiError::timeout(Operation::LoadGroup, 30);
        assert!(t.summary().contains("within 30 seconds") && t.is_transient());
        assert!(e.summary().starts_with("The group was not saved"));
    }

    proptest::proptest! {
        #[test]
        fn classification_never_panics(status in 0u16..1000, body in ".*", ra in proptest::option::of(".*")) {
            let e = ApiError::from_response(Operation::SaveGroup, status, &body, ra.as_deref(), "secret-key");
            let _ = e.to_string();
        }
    }
}
