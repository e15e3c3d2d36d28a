//! Content Security Policy violations, as the browser reports them. A listener for
//! `securitypolicyviolation` is registered in every document of the session before any page
//! script runs (Chromium's `Page.addScriptToEvaluateOnNewDocument`, through chromedriver's CDP
//! passthrough), and records each violation in a page global; [`check`] fails on any.

use anyhow::{bail, Context, Result};
use fantoccini::Client;
use serde_json::{json, Value};

use super::cdp::cdp;

/// Where the listener keeps what it saw.
const GLOBAL: &str = "__e2eCspViolations";

/// Runs first in every new document: a capturing listener on window, so no page code can stop
/// the event before it is recorded.
const LISTENER: &str = r#"(() => {
  if (window.__e2eCspViolations) return;
  const seen = [];
  Object.defineProperty(window, '__e2eCspViolations', { value: seen });
  window.addEventListener('securitypolicyviolation', (e) => {
    seen.push({
      directive: e.effectiveDirective || e.violatedDirective,
      blocked: e.blockedURI,
      source: e.sourceFile ? e.sourceFile + ':' + e.lineNumber : '',
      sample: e.sample,
      page: location.href,
    });
  }, true);
})();"#;

/// Registers the listener for every document this browser loads from now on.
pub async fn install(client: &Client) -> Result<()> {
    cdp(
        client,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": LISTENER }),
    )
    .await
    .context("registering the securitypolicyviolation listener (CDP through chromedriver)")?;
    Ok(())
}

/// The violations the current document recorded, each as one line; `None` when the document has
/// no listener (a page loaded before [`install`], such as the initial blank page).
pub async fn violations(client: &Client) -> Result<Option<Vec<String>>> {
    let script = format!(
        "const v = window.{GLOBAL}; return v === undefined ? null : v.map(x => \
         `${{x.directive}} blocked ${{x.blocked || '(inline)'}}` + \
         (x.source ? ` at ${{x.source}}` : '') + (x.sample ? ` (${{x.sample}})` : '') + ` on ${{x.page}}`);"
    );
    let v = client
        .execute(&script, Vec::new())
        .await
        .context("reading the recorded CSP violations")?;
    Ok(match v {
        Value::Null => None,
        Value::Array(items) => Some(
            items
                .iter()
                .map(|i| i.as_str().unwrap_or_default().to_owned())
                .collect(),
        ),
        other => bail!("unexpected CSP violation record: {other}"),
    })
}

/// Fails when the current document recorded a violation, or has no listener at all (then
/// nothing would be seen, and the check could not fail).
pub async fn check(client: &Client) -> Result<()> {
    match violations(client).await? {
        None => bail!("the page has no securitypolicyviolation listener: was csp::install called before it loaded?"),
        Some(v) if v.is_empty() => Ok(()),
        Some(v) => bail!(
            "the browser reported {} Content Security Policy violation(s):\n  {}",
            v.len(),
            v.join("\n  ")
        ),
    }
}

/// Forgets the violations recorded so far (for a test that causes some on purpose).
pub async fn clear(client: &Client) -> Result<()> {
    client
        .execute(&format!("window.{GLOBAL}.length = 0;"), Vec::new())
        .await
        .context("clearing the recorded CSP violations")?;
    Ok(())
}
