//! The browser's console as Chromium logged it: page `console.*` calls, uncaught errors and
//! failed resource loads. Enabled by `goog:loggingPrefs` in the capabilities (procs.rs) and read
//! through chromedriver's log endpoint.

use anyhow::{Context, Result};
use fantoccini::wd::WebDriverCompatibleCommand;
use http::Method;
use serde_json::Value;
use url::{ParseError, Url};

use super::Panel;

/// `POST /session/{sid}/se/log {"type":"browser"}`: chromedriver's log endpoint for W3C
/// sessions (the legacy `/log` answers "unknown command" there).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, ParseError> {
        let sid = session_id.ok_or(ParseError::EmptyHost)?;
        base_url.join(&format!("session/{sid}/se/log"))
    }

    fn method_and_body(&self, _request_url: &Url) -> (Method, Option<String>) {
        (Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// One console entry: level (`SEVERE`, `WARNING`, `INFO`…), source (`console-api`,
/// `network`, `javascript`…) and the message as Chromium wrote it.
#[derive(Clone, Debug)]
pub struct ConsoleEntry {
    pub level: String,
    pub source: String,
    pub message: String,
}

impl std::fmt::Display for ConsoleEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{} {}] {}", self.level, self.source, self.message)
    }
}

impl Panel {
    /// The console entries logged since the previous call (chromedriver hands each entry out
    /// once), oldest first.
    pub async fn console_messages(&self) -> Result<Vec<ConsoleEntry>> {
        let v = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .context("reading the browser's console log through chromedriver")?;
        let entries = v
            .as_array()
            .with_context(|| format!("the browser log is not a list: {v}"))?;
        let text = |e: &Value, field: &str| e[field].as_str().unwrap_or_default().to_owned();
        Ok(entries
            .iter()
            .map(|e| ConsoleEntry {
                level: text(e, "level"),
                source: text(e, "source"),
                message: text(e, "message"),
            })
            .collect())
    }
}
