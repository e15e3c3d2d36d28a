//! Fault injection for API requests: latency, forced statuses (every Nth request, per path or
//! method), odd bodies, and dropped connections — the failures a browser client meets between
//! itself and Omni (rate limits, gateways, proxies, networks). Normally a forced answer stands
//! in for the API; with `after_write` the API runs first (a write is applied) and then its answer
//! is lost, cut, garbled or late, as when a network drops the answer to a save that went through.

use std::time::Duration;

use axum::extract::{OriginalUri, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::errors::ApiError;
use crate::AppState;

/// What a forced answer's body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FaultBody {
    /// Omni's error JSON: `{"detail": "...", "status": N}`.
    #[default]
    Json,
    /// Cut-off JSON: `{"detail": ` (Content-Type application/json).
    Malformed,
    /// A gateway-style HTML error page (Content-Type text/html).
    Html,
    /// No body at all.
    Empty,
    /// The first half of a valid group JSON body (Content-Type application/json).
    Truncated,
    /// A whole, valid group whose id is not the one asked for (a confused cache or proxy).
    #[serde(rename = "other-group")]
    #[value(name = "other-group")]
    OtherGroup,
    /// A JSON body of 33 MiB, past what a client should read into memory.
    Oversized,
}

/// Size of the `oversized` body: just over the 32 MiB a careful client reads.
pub const OVERSIZED_BYTES: usize = 33 * 1024 * 1024;

/// The fault configuration, as the CLI flags set it and `/__sandbox/faults` shows and takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Delay before every API response, faulted or not.
    pub latency_ms: u64,
    /// Status of forced answers. `None` with a non-json `body` forces 200.
    pub fail_status: Option<u16>,
    /// Force every Nth matching request (1 = all).
    pub fail_every: u64,
    /// Only requests whose path contains this substring match.
    pub fail_path: Option<String>,
    /// Only requests with this method match (case-insensitive).
    pub fail_method: Option<String>,
    /// `Retry-After` value sent as given on forced 429 and 503 answers.
    pub retry_after: Option<String>,
    pub body: FaultBody,
    /// Drop the TCP connection instead of answering.
    pub close_connection: bool,
    /// Run the API first (the write is applied), then break its answer: `latency_ms` delays it
    /// and a forced answer (`fail_status`, `body`, `close_connection`) replaces it. Only
    /// matching requests are touched (others are neither delayed nor forced).
    pub after_write: bool,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            latency_ms: 0,
            fail_status: None,
            fail_every: 1,
            fail_path: None,
            fail_method: None,
            retry_after: None,
            body: FaultBody::Json,
            close_connection: false,
            after_write: false,
        }
    }
}

/// Ten minutes: longer only makes a hung test.
pub const MAX_LATENCY_MS: u64 = 600_000;

impl FaultConfig {
    /// Refuses settings that could not be sent on the wire or make no sense.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(s) = self.fail_status {
            // 1xx cannot be a final answer.
            if !(200..=599).contains(&s) {
                return Err(format!("fail_status must be 200..=599, got {s}"));
            }
        }
        if self.fail_every == 0 {
            return Err("fail_every must be at least 1".into());
        }
        if self.latency_ms > MAX_LATENCY_MS {
            return Err(format!("latency_ms must be at most {MAX_LATENCY_MS}"));
        }
        if let Some(m) = &self.fail_method {
            if Method::from_bytes(m.as_bytes()).is_err() || m.is_empty() {
                return Err(format!("fail_method is not an HTTP method: {m:?}"));
            }
        }
        if self.after_write && !self.replaces_answer() && self.latency_ms == 0 {
            return Err(
                "after_write needs a forced answer (fail_status, body, close_connection) or latency_ms"
                    .into(),
            );
        }
        if let Some(r) = &self.retry_after {
            if HeaderValue::from_str(r).is_err() {
                return Err(format!("retry_after is not a valid header value: {r:?}"));
            }
        }
        Ok(())
    }

    /// Whether a matching request gets a forced answer instead of (or, `after_write`, in place
    /// of) the API's.
    pub fn replaces_answer(&self) -> bool {
        self.fail_status.is_some() || self.close_connection || self.body != FaultBody::Json
    }

    /// Whether any request is to be touched at all: forced, or delayed after the write.
    pub fn forces_anything(&self) -> bool {
        self.replaces_answer() || (self.after_write && self.latency_ms > 0)
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        let path_ok = self.fail_path.as_deref().is_none_or(|p| path.contains(p));
        let method_ok = self
            .fail_method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()));
        path_ok && method_ok
    }
}

/// The configuration plus the counter for "every Nth".
#[derive(Debug, Clone)]
pub struct FaultState {
    config: FaultConfig,
    /// Matching requests seen since the configuration was last set.
    matched: u64,
}

impl FaultState {
    pub fn new(config: FaultConfig) -> Self {
        FaultState { config, matched: 0 }
    }

    pub fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// Replaces the configuration and restarts the count.
    pub fn set(&mut self, config: FaultConfig) {
        *self = FaultState::new(config);
    }

    /// Counts the request and says whether it is to be forced.
    pub fn decide(&mut self, method: &Method, path: &str) -> bool {
        if !self.config.forces_anything() || !self.config.matches(method, path) {
            return false;
        }
        self.matched += 1;
        self.matched.is_multiple_of(self.config.fail_every)
    }
}

/// Marks a response whose connection the server loop must drop without writing it.
#[derive(Debug, Clone, Copy)]
pub struct CloseConnection;

/// Marks a response made by the fault injector (for the request log).
#[derive(Debug, Clone, Copy)]
pub struct Faulted;

/// A group body to cut in half for `truncated`.
const SAMPLE_GROUP: &str = r#"{"displayName":"Engineering","id":"Qx7RtB2k","meta":{"created":"2024-12-02T15:30:00.000Z","lastModified":"2024-12-03T10:00:00.000Z","resourceType":"Group"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"members":[{"display":"zoe.muller@blobsrus.co","value":"3b0c2a52-8d5e-4f7a-9c11-2f4d6e8a1b90"}]}"#;

/// The answer for a forced request.
pub fn forced_response(cfg: &FaultConfig) -> Response {
    let status = cfg
        .fail_status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let reason = status.canonical_reason().unwrap_or("Error");
    let injected = ApiError::new(status, format!("{reason} (injected by scim-sandbox)"));
    let (content_type, body): (Option<&str>, String) = match cfg.body {
        FaultBody::Json => (Some("application/json"), injected.body_json()),
        FaultBody::Malformed => (Some("application/json"), r#"{"detail": "#.to_string()),
        FaultBody::Html => (
            Some("text/html; charset=utf-8"),
            format!(
                "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n\
                 <center><h1>{code} {reason}</h1></center>\r\n<hr><center>gateway</center>\r\n\
                 </body>\r\n</html>\r\n",
                code = status.as_u16()
            ),
        ),
        FaultBody::Empty => (None, String::new()),
        FaultBody::Truncated => {
            let mut cut = SAMPLE_GROUP.len() / 2;
            while !SAMPLE_GROUP.is_char_boundary(cut) {
                cut -= 1;
            }
            (Some("application/json"), SAMPLE_GROUP[..cut].to_string())
        }
        FaultBody::OtherGroup => (Some("application/json"), SAMPLE_GROUP.to_string()),
        FaultBody::Oversized => {
            let wrapper = r#"{"padding":""}"#;
            let mut body = String::with_capacity(OVERSIZED_BYTES);
            body.push_str(r#"{"padding":""#);
            body.extend(std::iter::repeat_n('x', OVERSIZED_BYTES - wrapper.len()));
            body.push_str(r#""}"#);
            (Some("application/json"), body)
        }
    };
    let mut res = (status, body).into_response();
    let headers = res.headers_mut();
    match content_type {
        Some(ct) => {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        None => {
            headers.remove(header::CONTENT_TYPE);
        }
    }
    if matches!(status.as_u16(), 429 | 503) {
        if let Some(v) = cfg
            .retry_after
            .as_deref()
            .and_then(|r| HeaderValue::from_str(r).ok())
        {
            headers.insert(header::RETRY_AFTER, v);
        }
    }
    res.extensions_mut().insert(Faulted);
    if cfg.body == FaultBody::Json {
        // Lets rfc7644 mode re-render it in that mode's error shape.
        res.extensions_mut().insert(injected);
    }
    if cfg.close_connection {
        res.extensions_mut().insert(CloseConnection);
    }
    res
}

/// The full request path, also inside the nested API router (which sees it without prefix).
pub fn full_path(req: &Request) -> String {
    req.extensions()
        .get::<OriginalUri>()
        .map(|u| u.0.path().to_string())
        .unwrap_or_else(|| req.uri().path().to_string())
}

async fn pause(delay: Duration) {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
}

/// Middleware on the API routes.
pub async fn inject(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = full_path(&req);
    let (cfg, forced) = {
        let mut f = state.faults();
        let forced = f.decide(req.method(), &path);
        (f.config().clone(), forced)
    };
    let delay = Duration::from_millis(cfg.latency_ms);
    if cfg.after_write {
        if !forced {
            return next.run(req).await;
        }
        // The API runs (a write is applied); then its answer is late, lost or broken.
        let applied = next.run(req).await;
        pause(delay).await;
        return if cfg.replaces_answer() {
            forced_response(&cfg)
        } else {
            applied
        };
    }
    pause(delay).await;
    if forced {
        // The handler is not run: a forced answer never changes data.
        forced_response(&cfg)
    } else {
        next.run(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(f: impl FnOnce(&mut FaultConfig)) -> FaultConfig {
        let mut c = FaultConfig::default();
        f(&mut c);
        c
    }

    #[test]
    fn default_forces_nothing() {
        let mut s = FaultState::new(FaultConfig::default());
        assert!((0..10).all(|_| !s.decide(&Method::GET, "/api/scim/v2/groups")));
    }

    #[test]
    fn every_nth_matching_request() {
        let mut s = FaultState::new(cfg(|c| {
            c.fail_status = Some(429);
            c.fail_every = 3;
            c.fail_path = Some("/groups/".into());
            c.fail_method = Some("put".into());
        }));
        let mut hits = Vec::new();
        for i in 1..=9 {
            // Non-matching requests in between do not count.
            assert!(!s.decide(&Method::GET, "/api/scim/v2/groups/abc"));
            assert!(!s.decide(&Method::PUT, "/api/scim/v2/users/abc"));
            if s.decide(&Method::PUT, "/api/scim/v2/groups/abc") {
                hits.push(i);
            }
        }
        assert_eq!(hits, [3, 6, 9]);
        // Setting the config again restarts the count.
        s.set(s.config().clone());
        assert!(!s.decide(&Method::PUT, "/api/scim/v2/groups/abc"));
    }

    #[test]
    fn validation() {
        assert!(FaultConfig::default().validate().is_ok());
        assert!(cfg(|c| c.fail_status = Some(99)).validate().is_err());
        assert!(cfg(|c| c.fail_status = Some(150)).validate().is_err());
        assert!(cfg(|c| c.fail_status = Some(600)).validate().is_err());
        assert!(cfg(|c| c.fail_every = 0).validate().is_err());
        assert!(cfg(|c| c.retry_after = Some("a\nb".into()))
            .validate()
            .is_err());
        assert!(cfg(|c| c.fail_method = Some("PU T".into()))
            .validate()
            .is_err());
        assert!(cfg(|c| c.latency_ms = MAX_LATENCY_MS + 1)
            .validate()
            .is_err());
    }

    #[test]
    fn json_round_trip_uses_documented_names() {
        let v = serde_json::to_value(FaultConfig::default()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"latency_ms":0,"fail_status":null,"fail_every":1,
                "fail_path":null,"fail_method":null,"retry_after":null,"body":"json",
                "close_connection":false,"after_write":false})
        );
        let partial: FaultConfig = serde_json::from_str(r#"{"fail_status":503}"#).unwrap();
        assert_eq!(partial.fail_every, 1);
        assert!(serde_json::from_str::<FaultConfig>(r#"{"fail_statsu":503}"#).is_err());
    }

    #[test]
    fn retry_after_only_on_429_and_503() {
        let with = |status| {
            forced_response(&cfg(|c| {
                c.fail_status = Some(status);
                c.retry_after = Some("2".into());
            }))
        };
        assert_eq!(with(429).headers()[header::RETRY_AFTER], "2");
        assert_eq!(with(503).headers()[header::RETRY_AFTER], "2");
        assert!(with(500).headers().get(header::RETRY_AFTER).is_none());
    }

    async fn body_of(res: Response) -> String {
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("a forced body is in memory");
        String::from_utf8(bytes.to_vec()).expect("forced bodies are UTF-8")
    }

    #[tokio::test]
    async fn other_group_is_a_whole_group_and_oversized_is_json_of_the_stated_size() {
        let requested = "requested-id";
        let res = forced_response(&cfg(|c| c.body = FaultBody::OtherGroup));
        assert_eq!(res.status(), StatusCode::OK);
        let group: serde_json::Value =
            serde_json::from_str(&body_of(res).await).expect("other-group is JSON");
        let id = group["id"].as_str().expect("other-group has an id");
        assert_ne!(id, requested);
        assert!(!id.is_empty());
        assert!(group["displayName"].is_string(), "{group}");
        assert!(group["members"].is_array(), "{group}");

        let res = forced_response(&cfg(|c| c.body = FaultBody::Oversized));
        assert_eq!(res.status(), StatusCode::OK);
        let body = body_of(res).await;
        assert_eq!(body.len(), OVERSIZED_BYTES);
        assert!(serde_json::from_str::<serde_json::Value>(&body).is_ok());

        let parsed: FaultConfig =
            serde_json::from_str(r#"{"body":"other-group"}"#).expect("other-group parses");
        assert_eq!(parsed.body, FaultBody::OtherGroup);
    }

    #[tokio::test]
    async fn truncated_body_is_not_json_but_starts_like_a_group() {
        let res = forced_response(&cfg(|c| c.body = FaultBody::Truncated));
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.extensions().get::<CloseConnection>().is_none());
        let body = body_of(res).await;
        assert!(
            serde_json::from_str::<serde_json::Value>(&body).is_err(),
            "{body}"
        );
        assert!(
            body.starts_with(r#"{"displayName":"Engineering","id":"#),
            "{body}"
        );
        assert!(SAMPLE_GROUP.starts_with(&body) && body.len() < SAMPLE_GROUP.len());
    }

    #[test]
    fn after_write_needs_an_answer_to_break_or_a_delay() {
        let after = |f: fn(&mut FaultConfig)| {
            cfg(|c| {
                c.after_write = true;
                f(c);
            })
        };
        assert!(after(|_| {}).validate().is_err());
        assert!(!after(|_| {}).forces_anything());
        assert!(after(|c| c.close_connection = true).validate().is_ok());
        assert!(after(|c| c.body = FaultBody::Truncated).validate().is_ok());
        // A delay alone is something to do after the write (not without it: then every
        // answer is delayed and none is forced).
        let late = after(|c| c.latency_ms = 500);
        assert!(late.validate().is_ok() && late.forces_anything() && !late.replaces_answer());
        assert!(!cfg(|c| c.latency_ms = 500).forces_anything());
        // Only matching requests count.
        let mut s = FaultState::new(after(|c| {
            c.latency_ms = 500;
            c.fail_method = Some("PUT".into());
        }));
        assert!(!s.decide(&Method::GET, "/api/scim/v2/groups/abc"));
        assert!(s.decide(&Method::PUT, "/api/scim/v2/groups/abc"));
    }
}
