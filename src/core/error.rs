//! What a failed call means to a person: status codes and error bodies become [`ApiError`].

use crate::core::retry::{ceil_seconds, retry_after_ms};
use crate::core::validation::isolate;
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
    /// The look for another group with the new name, before a rename is sent.
    CheckName,
}

impl Operation {
    /// Every operation, for tests and fuzzing that go through them all.
    pub const ALL: [Operation; 7] = [
        Self::Connect,
        Self::LoadGroup,
        Self::SaveGroup,
        Self::CheckGroup,
        Self::ListGroups,
        Self::ListUsers,
        Self::CheckName,
    ];

    /// Calls on a collection: a 404 there means no SCIM API at the base URL.
    fn is_collection(self) -> bool {
        matches!(
            self,
            Self::Connect | Self::ListGroups | Self::ListUsers | Self::CheckName
        )
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
    /// The check before a rename found another group with the new name (compared without
    /// case): its name and ID. Nothing was sent.
    NameHeld { name: String, id: String },
    /// 400 and 422: the server refused the input.
    InvalidInput,
    /// 412: the group changed since it was loaded (RFC 7644 ETag).
    Changed,
    /// 413: the body was too large for the server.
    TooLarge,
    /// 429: over the rate limit; `wait_seconds` is the server's `Retry-After`, when it sent a
    /// usable one.
    RateLimited { wait_seconds: Option<u64> },
    /// 500, 502, 503, 504 and other 5xx.
    ServerError,
    /// Any other status.
    Unexpected,
    /// No answer at all: the connection failed or was closed. `same_origin`: the request went to
    /// the page's own origin (a proxy path), so the browser blocked nothing.
    Unreachable { same_origin: bool },
    /// The server answered, but the browser would not let the page read it: the server does not
    /// allow this page's origin (CORS).
    BlockedByBrowser { origin: String },
    /// The page's own Content-Security-Policy (`connect-src`) does not allow this origin.
    BlockedByPolicy { origin: String },
    /// The browser says it is offline.
    Offline,
    /// No answer within the time limit; the request was cancelled.
    Timeout { seconds: u32 },
    /// Stopped before an answer came: the admin cancelled a wait, or left the screen.
    Cancelled,
    /// A 2xx answer that could not be used; `detail` says what was wrong with it.
    BadResponse,
}

/// Where the deployment guide is, relative to the panel (the build copies docs/deploy.md there).
pub const DEPLOY_GUIDE_HREF: &str = "deploy.md";
/// The words in a message that link to the deployment guide.
pub const DEPLOY_GUIDE_TEXT: &str = "deployment guide";

/// Answers larger than this are not read: nothing the panel asks for comes near it (a group of
/// 50,000 members is about 5 MB), and a runaway body would freeze the tab.
pub const MAX_ANSWER_BYTES: u64 = 32 * 1024 * 1024;

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
    let out = text.replace(secret, "[redacted]");
    // The marker beside what follows can spell the secret again ("d]x…"): then show none of it.
    if out.contains(secret) {
        "[redacted]".to_string()
    } else {
        out
    }
}

/// Server text as shown: redacted, tidied, and redacted again, since tidying can make the
/// secret out of text that was not it (a line break where the key has a space).
fn shown(text: &str, secret: &str) -> String {
    redact(&tidy(&redact(text, secret)), secret)
}

impl ApiError {
    /// Classifies a non-2xx answer. `retry_after` is the header as sent, read relative to
    /// `now_ms` (Unix ms); `secret` is redacted from anything the server said.
    pub fn from_response(
        operation: Operation,
        status: u16,
        body: &str,
        retry_after: Option<&str>,
        now_ms: u64,
        secret: &str,
    ) -> Self {
        let parsed: ErrorBody = serde_json::from_str(body).unwrap_or_default();
        let detail = parsed
            .detail
            .0
            .or(parsed.message.0)
            .or(parsed.error.0)
            .map(|d| shown(&d, secret));
        let scim_type = parsed.scim_type.0.map(|s| shown(&s, secret));
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
                wait_seconds: retry_after
                    .and_then(|r| retry_after_ms(r, now_ms))
                    .map(ceil_seconds),
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

    /// A failure without an HTTP answer (network, timeout, cancel).
    pub fn without_answer(operation: Operation, kind: ErrorKind) -> Self {
        Self {
            kind,
            operation,
            status: None,
            detail: None,
            scim_type: None,
        }
    }

    /// A request cancelled after `seconds` without an answer.
    pub fn timeout(operation: Operation, seconds: u32) -> Self {
        Self::without_answer(operation, ErrorKind::Timeout { seconds })
    }

    /// A 2xx answer whose body could not be used; `what` says what was wrong with it.
    pub fn bad_response(operation: Operation, status: u16, what: String) -> Self {
        Self {
            kind: ErrorKind::BadResponse,
            operation,
            status: Some(status),
            detail: Some(tidy(&what)),
            scim_type: None,
        }
    }

    /// The same error with `secret` out of whatever the server's answer put in it. A bad
    /// answer's description may quote the answer (a wrong-typed value, another group's id).
    pub fn without_secret(mut self, secret: &str) -> Self {
        self.detail = self.detail.map(|d| shown(&d, secret));
        self.scim_type = self.scim_type.map(|s| shown(&s, secret));
        self
    }

    /// An answer larger than [`MAX_ANSWER_BYTES`], left unread.
    pub fn answer_too_large(operation: Operation, status: u16, bytes: u64) -> Self {
        Self::bad_response(
            operation,
            status,
            format!(
                "the server's answer is too large to read ({} MB; the panel reads at most {} MB)",
                bytes.div_ceil(1 << 20),
                MAX_ANSWER_BYTES >> 20
            ),
        )
    }

    /// The sentence shown to the admin, without the server's detail.
    pub fn summary(&self) -> String {
        // A save sent but not answered, or answered unreadably, may have been applied.
        let unsure = self.operation == Operation::SaveGroup
            && matches!(
                self.kind,
                ErrorKind::BadResponse | ErrorKind::Timeout { .. } | ErrorKind::Unreachable { .. }
            );
        let doing = match self.operation {
            Operation::Connect => "Could not connect",
            Operation::LoadGroup => "Could not load the group",
            Operation::SaveGroup if matches!(self.kind, ErrorKind::BadResponse) => {
                "The save may have gone through, but the server's answer could not be used"
            }
            Operation::SaveGroup if unsure => "The group may not have been saved",
            Operation::SaveGroup => "The group was not saved",
            Operation::CheckGroup => {
                "The group was not saved (the check for changes by others failed)"
            }
            Operation::ListGroups => "Could not list groups",
            Operation::ListUsers => "Could not look up users",
            Operation::CheckName if matches!(self.kind, ErrorKind::NameHeld { .. }) => {
                "The group was not renamed"
            }
            Operation::CheckName => {
                "The group was not saved (the check for another group with the new name failed)"
            }
        };
        let why = match &self.kind {
            // At Connect the refused key is still in its field, where this is shown.
            ErrorKind::BadKey if self.operation == Operation::Connect => "the API key was refused (401). Use an organization API key, not a personal access token.".to_string(),
            ErrorKind::BadKey => "the API key was refused (401), so the panel forgot it. Enter a current organization API key and press Connect; personal access tokens do not work with SCIM. Unsaved changes are kept.".to_string(),
            ErrorKind::Forbidden => "this API key is not allowed to use SCIM (403). Use an organization API key, not a personal access token.".to_string(),
            ErrorKind::NoScimHere => "there is no SCIM API at this base URL (404). Check the instance name or URL.".to_string(),
            ErrorKind::GroupNotFound => match self.operation {
                Operation::SaveGroup | Operation::CheckGroup => "the group was not found (404); it may have been deleted since it was loaded.".to_string(),
                _ => "group not found (404). Check the group ID.".to_string(),
            },
            ErrorKind::NameTaken => "another group already has this name (409). Choose a different display name.".to_string(),
            ErrorKind::NameHeld { name, id } => format!("another group already has this name: “{}” (ID {}). Nothing was sent.", isolate(name), isolate(id)),
            ErrorKind::InvalidInput => "the server refused the input as invalid (400).".to_string(),
            ErrorKind::Changed => "the group changed on the server since it was loaded (412). Load it again.".to_string(),
            ErrorKind::TooLarge => "the request was too large for the server (413).".to_string(),
            ErrorKind::RateLimited { wait_seconds: Some(s) } => format!("too many requests (429); the server asks to wait {}. Try again after that.", describe_seconds(*s)),
            ErrorKind::RateLimited { wait_seconds: None } => "too many requests (429): the server limits requests per key (Omni: 60 a minute). Wait a moment, then try again.".to_string(),
            ErrorKind::ServerError => format!(
                "the server had a problem ({}). Try again in a moment.",
                self.status.unwrap_or(500)
            ),
            ErrorKind::Unexpected => format!("the server answered with unexpected status {}.", self.status.unwrap_or(0)),
            ErrorKind::Unreachable { same_origin: true } => "the server (or the proxy in front of it) did not answer: the connection failed or was closed. Check that it is running, then try again.".to_string(),
            ErrorKind::Unreachable { same_origin: false } => "the server could not be reached: no connection to it could be made. Check the base URL and the network, then try again.".to_string(),
            ErrorKind::BlockedByBrowser { origin } => format!("the browser blocked the answer because the server at {origin} does not allow calls from this page's origin (CORS). Serve the panel and a proxy of /api/scim/v2/ from one origin, then use the base URL /api/scim/v2; see the {DEPLOY_GUIDE_TEXT}."),
            ErrorKind::BlockedByPolicy { origin } => format!("this deployment's security policy (Content-Security-Policy) does not allow connecting to {origin}. Use a same-origin proxy and the base URL /api/scim/v2, or allow that origin in the policy; see the {DEPLOY_GUIDE_TEXT}."),
            ErrorKind::Offline => "this browser is offline. Reconnect to the network, then try again.".to_string(),
            ErrorKind::Timeout { seconds } => format!("the server did not answer within {seconds} seconds, so the request was cancelled. Try again; if it keeps happening, check the server."),
            ErrorKind::Cancelled => "cancelled before an answer came. Nothing was lost; try again when ready.".to_string(),
            ErrorKind::BadResponse => match &self.detail {
                Some(what) => format!("{what}."),
                None => "the server's answer could not be used.".to_string(),
            },
        };
        let after = if unsure {
            " Retry save checks the group first, so the change is not applied twice."
        } else {
            ""
        };
        format!("{doing}: {why}{after}")
    }

    /// True when trying the same thing again later may work.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::RateLimited { .. }
                | ErrorKind::ServerError
                | ErrorKind::Unreachable { .. }
                | ErrorKind::Offline
                | ErrorKind::Timeout { .. }
                | ErrorKind::Cancelled
        )
    }
}

/// What a request without a readable answer means, from what a browser lets a page know:
/// whether it is `online`, whether the request was `same_origin` (then neither CORS nor the
/// page's policy can be the cause), whether the page's security policy reported blocking
/// `origin`, and whether a no-cors probe of the server got any answer (`reachable`).
pub fn no_answer_kind(
    online: bool,
    same_origin: bool,
    policy_blocked: bool,
    reachable: bool,
    origin: &str,
) -> ErrorKind {
    if !online {
        ErrorKind::Offline
    } else if same_origin {
        ErrorKind::Unreachable { same_origin: true }
    } else if policy_blocked {
        ErrorKind::BlockedByPolicy {
            origin: origin.to_string(),
        }
    } else if reachable {
        ErrorKind::BlockedByBrowser {
            origin: origin.to_string(),
        }
    } else {
        ErrorKind::Unreachable { same_origin: false }
    }
}

/// `scheme://host[:port]` of an absolute URL, as the browser names origins; a path is returned
/// as it is.
pub fn origin_of(url: &str) -> &str {
    let Some(i) = url.find("://") else {
        return url;
    };
    match url[i + 3..].find('/') {
        Some(j) => &url[..i + 3 + j],
        None => url,
    }
}

/// "1 second", "12 seconds", "2 minutes", "1 minute 5 seconds", "2 hours" (whole hours only).
pub fn describe_seconds(seconds: u64) -> String {
    fn unit(n: u64, one: &str) -> String {
        format!("{n} {one}{}", if n == 1 { "" } else { "s" })
    }
    if seconds >= 3600 && seconds.is_multiple_of(3600) {
        return unit(seconds / 3600, "hour");
    }
    match (seconds / 60, seconds % 60) {
        (0, s) => unit(s, "second"),
        (m, 0) => unit(m, "minute"),
        (m, s) => format!("{} {}", unit(m, "minute"), unit(s, "second")),
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())?;
        // A bad answer's detail is the panel's own description, already in the summary.
        if let (Some(detail), false) = (&self.detail, matches!(self.kind, ErrorKind::BadResponse)) {
            write!(f, " Server said: “{detail}”")?;
        }
        Ok(())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn classify(op: Operation, status: u16, body: &str) -> ApiError {
        ApiError::from_response(op, status, body, None, 0, "sk-secret-key-123")
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
        let e = ApiError::from_response(Operation::SaveGroup, 429, "", Some("12"), 0, "k3y-abcdef");
        assert_eq!(
            e.kind,
            ErrorKind::RateLimited {
                wait_seconds: Some(12)
            }
        );
        assert!(e.summary().contains("asks to wait 12 seconds"));
        assert!(e.is_transient());
        // An HTTP date is read relative to now: 90 s ahead.
        let e = ApiError::from_response(
            Operation::ListUsers,
            429,
            "",
            Some("Thu, 01 Jan 1970 00:01:30 GMT"),
            0,
            "k3y-abcdef",
        );
        assert!(e.summary().contains("wait 1 minute 30 seconds"), "{e}");
        // Junk is as good as no header.
        let e = ApiError::from_response(Operation::SaveGroup, 429, "", Some("soon"), 0, "k3y");
        assert_eq!(e.kind, ErrorKind::RateLimited { wait_seconds: None });
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
        // Tidying a line break into a space, or the marker's end beside the rest, would
        // otherwise spell a key again.
        let e = ApiError::from_response(
            Operation::Connect,
            400,
            r#"{"detail":"ab\ncd"}"#,
            None,
            0,
            "ab cd",
        );
        assert!(!e.to_string().contains("ab cd"), "{e}");
        assert_eq!(redact("d]zzzz", "d]zz"), "[redacted]");
        // A bad 2xx answer quoting the key, as a wrong-typed value does.
        let e = ApiError::bad_response(
            Operation::LoadGroup,
            200,
            "the group has the wrong type for “id” (string \"sk-secret-key-123\", expected a string)".into(),
        )
        .without_secret("sk-secret-key-123");
        assert!(!format!("{e} {e:?}").contains("sk-secret-key-123"), "{e}");
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
    fn failures_without_an_answer_are_told_apart() {
        let origin = "https://blobsrus.omniapp.co";
        let kind = |online, same, policy, reachable| {
            ApiError::without_answer(
                Operation::Connect,
                no_answer_kind(online, same, policy, reachable, origin),
            )
        };
        assert_eq!(kind(false, false, true, true).kind, ErrorKind::Offline);
        let same = kind(true, true, false, false).summary();
        assert!(same.contains("the proxy in front of it") && !same.contains("CORS"));
        let cors = kind(true, false, false, true);
        assert!(cors
            .summary()
            .contains("does not allow calls from this page's origin (CORS)"));
        assert!(cors.summary().contains(origin) && cors.summary().contains(DEPLOY_GUIDE_TEXT));
        let policy = kind(true, false, true, false).summary();
        assert!(
            policy.contains("security policy") && policy.contains(origin),
            "{policy}"
        );
        let gone = kind(true, false, false, false).summary();
        assert!(gone.contains("could not be reached") && !gone.contains("CORS"));
        let off = ApiError::without_answer(Operation::SaveGroup, ErrorKind::Offline);
        assert!(off
            .summary()
            .starts_with("The group was not saved: this browser is offline"));
        let t = ApiError::timeout(Operation::LoadGroup, 30);
        assert!(t.summary().contains("within 30 seconds") && t.is_transient());
        let c = ApiError::without_answer(Operation::ListGroups, ErrorKind::Cancelled);
        assert!(
            c.to_string()
                .starts_with("Could not list groups: cancelled")
                && c.is_transient()
        );
    }

    #[test]
    fn a_bad_answer_says_what_was_wrong_once() {
        let e = ApiError::bad_response(
            Operation::LoadGroup,
            200,
            "the group the server sent has no “id”".into(),
        );
        assert_eq!(
            e.to_string(),
            "Could not load the group: the group the server sent has no “id”."
        );
    }

    #[test]
    fn origins_and_large_answers() {
        assert_eq!(
            origin_of("https://x.omniapp.co/api/scim/v2"),
            "https://x.omniapp.co"
        );
        assert_eq!(origin_of("http://127.0.0.1:9/"), "http://127.0.0.1:9");
        assert_eq!(origin_of("https://x.co"), "https://x.co");
        assert_eq!(origin_of("/api/scim/v2"), "/api/scim/v2");
        let e = ApiError::answer_too_large(Operation::ListUsers, 200, MAX_ANSWER_BYTES + 1);
        assert_eq!(
            e.to_string(),
            "Could not look up users: the server's answer is too large to read (33 MB; the panel reads at most 32 MB)."
        );
    }

    #[test]
    fn a_save_without_a_usable_answer_may_have_been_applied() {
        let bad = ApiError::bad_response(
            Operation::SaveGroup,
            200,
            "the group the server sent was cut off before its end (incomplete JSON)".into(),
        );
        assert_eq!(
            bad.to_string(),
            "The save may have gone through, but the server's answer could not be used: the group the server sent was cut off before its end (incomplete JSON). Retry save checks the group first, so the change is not applied twice."
        );
        let t = ApiError::timeout(Operation::SaveGroup, 30).to_string();
        assert!(
            t.starts_with(
                "The group may not have been saved: the server did not answer within 30 seconds"
            ),
            "{t}"
        );
        assert!(t.ends_with("so the change is not applied twice."));
        // The read before a save changed nothing.
        let c = ApiError::timeout(Operation::CheckGroup, 30).to_string();
        assert!(c.starts_with("The group was not saved (the check") && !c.contains("twice"));
    }

    #[test]
    fn waits_in_words() {
        assert_eq!(describe_seconds(1), "1 second");
        assert_eq!(describe_seconds(12), "12 seconds");
        assert_eq!(describe_seconds(120), "2 minutes");
        assert_eq!(describe_seconds(61), "1 minute 1 second");
        assert_eq!(describe_seconds(7200), "2 hours");
        assert_eq!(describe_seconds(5400), "90 minutes");
    }
}
