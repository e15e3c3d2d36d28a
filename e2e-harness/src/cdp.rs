//! Chromium's DevTools protocol through chromedriver's passthrough
//! (`POST /session/{id}/goog/cdp/execute`): scripts registered before any page script, forced
//! garbage collection, heap figures, profiles.

use anyhow::{Context, Result};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use http::Method;
use serde_json::{json, Value};
use url::{ParseError, Url};

#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, ParseError> {
        let sid = session_id.ok_or(ParseError::EmptyHost)?;
        base_url.join(&format!("session/{sid}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _request_url: &Url) -> (Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (Method::POST, Some(body.to_string()))
    }
}

/// Runs one DevTools command, e.g. `cdp(c, "HeapProfiler.collectGarbage", json!({}))`, and
/// returns its result.
pub async fn cdp(client: &Client, cmd: &str, params: Value) -> Result<Value> {
    client
        .issue_cmd(Cdp {
            cmd: cmd.to_owned(),
            params,
        })
        .await
        .with_context(|| format!("DevTools command {cmd} (through chromedriver)"))
}
