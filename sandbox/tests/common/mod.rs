//! Helpers for HTTP-level tests through the router (no socket).
#![allow(dead_code)] // each test file uses a different subset

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use scim_sandbox::seed::SeedConfig;
use scim_sandbox::{router, AppState, Config, Mode};
use serde_json::Value;
use tower::ServiceExt;

pub const KEY: &str = "test-key";
pub const BASE: &str = "/api/scim/v2";

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts Omni's error shape and returns `detail`.
    pub fn error(&self, status: u16) -> String {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(self.header("content-type"), Some("application/json"));
        let v = self.json();
        assert_eq!(v["status"], status, "status must be a number: {v}");
        v["detail"]
            .as_str()
            .expect("detail is a string")
            .to_string()
    }

    /// Asserts the RFC 7644 §3.12 error shape (rfc7644 mode) and returns the body.
    pub fn rfc_error(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(self.header("content-type"), Some("application/scim+json"));
        let v = self.json();
        assert_eq!(
            v["schemas"],
            serde_json::json!(["urn:ietf:params:scim:api:messages:2.0:Error"]),
            "{v}"
        );
        assert_eq!(
            v["status"],
            status.to_string(),
            "status must be a string: {v}"
        );
        assert!(v["detail"].is_string(), "{v}");
        v
    }
}

/// A small seeded config: 40 users, the test key.
pub fn config() -> Config {
    Config {
        api_key: KEY.into(),
        seed: SeedConfig {
            users: 40,
            ..SeedConfig::default()
        },
        ..Config::default()
    }
}

/// `config()` in rfc7644 mode.
pub fn rfc_config() -> Config {
    Config {
        mode: Mode::Rfc7644,
        ..config()
    }
}

pub struct TestApp {
    pub state: AppState,
    pub app: Router,
}

impl TestApp {
    pub fn new(config: Config) -> Self {
        let state = AppState::new(config);
        let app = router(state.clone());
        TestApp { state, app }
    }

    pub fn default() -> Self {
        Self::new(config())
    }

    /// Sends a request; `peer` is the client address the accept loop would record.
    pub async fn send_from(
        &self,
        peer: Option<SocketAddr>,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Answer {
        let mut b = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        if body.is_some() {
            b = b.header("content-type", "application/json");
        }
        let mut req = b
            .body(body.map(Body::from).unwrap_or_else(Body::empty))
            .unwrap();
        if let Some(p) = peer {
            req.extensions_mut().insert(ConnectInfo(p));
        }
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// An authorised API call (`path` relative to the SCIM base).
    pub async fn api(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let auth = format!("Bearer {KEY}");
        self.send_from(
            None,
            method,
            &format!("{BASE}{path}"),
            &[("authorization", &auth)],
            body.map(|b| b.to_string()),
        )
        .await
    }

    /// An authorised API call with extra headers (e.g. If-Match).
    pub async fn api_with(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Answer {
        let auth = format!("Bearer {KEY}");
        let mut all = vec![("authorization", auth.as_str())];
        all.extend_from_slice(headers);
        self.send_from(
            None,
            method,
            &format!("{BASE}{path}"),
            &all,
            body.map(|b| b.to_string()),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.api(Method::GET, path, None).await
    }

    /// A control-endpoint call from loopback.
    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let local: SocketAddr = "127.0.0.1:50000".parse().unwrap();
        self.send_from(Some(local), method, path, &[], body.map(|b| b.to_string()))
            .await
    }

    /// The seeded group called `name`.
    pub async fn group_named(&self, name: &str) -> Value {
        let filter = format!("displayName eq \"{name}\"");
        let q = serde_urlencoded::to_string([("filter", filter)]).unwrap();
        let list = self.get(&format!("/groups?{q}")).await.json();
        assert_eq!(list["totalResults"], 1, "{name}: {list}");
        list["Resources"][0].clone()
    }

    /// The id of the seeded group called `name`.
    pub async fn group_id(&self, name: &str) -> String {
        self.group_named(name).await["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Ids of the first `n` users.
    pub async fn user_ids(&self, n: usize) -> Vec<String> {
        let list = self.get(&format!("/users?count={n}")).await.json();
        list["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_str().unwrap().to_string())
            .collect()
    }
}

/// `[{"value": id, "display": "whatever"}]`.
pub fn members(ids: &[String]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| serde_json::json!({"value": id, "display": "sent-by-client"}))
            .collect(),
    )
}

pub fn member_values(group: &Value) -> Vec<String> {
    group["members"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| m["value"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}
