//! axe-core (npm, pinned by scripts/setup into target/npm) run inside the real page: the rules
//! of WCAG 2.0/2.1/2.2 at levels A and AA, with any violation failing the test. Also the
//! viewport and media emulation (DevTools `Emulation.*`) the accessibility walk needs: colour
//! scheme, reduced motion, width.
//!
//! The script goes in through WebDriver "Execute Script", which Chromium runs outside the page's
//! Content Security Policy (script-src 'self' + a hash would refuse an inline or eval'd copy);
//! the CSP listener ([`super::csp`]) stays on, so a test would fail if the policy objected.

use std::sync::OnceLock;

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::Client;
use serde_json::{json, Value};

use super::cdp::cdp;
use super::procs;

/// The WCAG tags axe tags its rules with: 2.0, 2.1 and 2.2 at levels A and AA.
pub const TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// axe.min.js, read once per test binary. Missing is a failure, not a skip: without it the
/// accessibility tests would check nothing.
fn source() -> Result<&'static str> {
    static SOURCE: OnceLock<std::result::Result<String, String>> = OnceLock::new();
    SOURCE
        .get_or_init(|| {
            let path = procs::workspace_root().join("target/npm/node_modules/axe-core/axe.min.js");
            std::fs::read_to_string(&path).map_err(|e| {
                format!(
                    "cannot read {} ({e}): run scripts/setup, which installs the pinned axe-core from npm",
                    path.display()
                )
            })
        })
        .as_deref()
        .map_err(|e| anyhow!("{e}"))
}

/// Makes sure `window.axe` exists in the current document (once per document: the file is
/// 650 KB).
async fn inject(client: &Client) -> Result<()> {
    let present = client
        .execute("return typeof window.axe === 'object';", Vec::new())
        .await
        .context("checking for axe in the page")?;
    if present == Value::Bool(true) {
        return Ok(());
    }
    // The file ends by setting window.axe; the version read back proves it ran.
    let script = format!(
        "{}\n;return window.axe ? window.axe.version : null;",
        source()?
    );
    let version = client
        .execute(&script, Vec::new())
        .await
        .context("injecting axe.min.js into the page")?;
    if !version.is_string() {
        bail!("axe.min.js ran but window.axe is missing (got {version})");
    }
    Ok(())
}

/// Runs axe on the whole document and fails with every WCAG A/AA violation, one block each:
/// rule, impact, help, and each node's selector and what failed.
pub async fn check(client: &Client, what: &str) -> Result<()> {
    inject(client).await?;
    let script = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
  .then(r => done({ violations: r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({ target: n.target.map(String), summary: n.failureSummary || '' })),
  })) }))
  .catch(e => done({ error: String(e && e.stack || e) }));
"#;
    let out = client
        .execute_async(script, vec![json!(TAGS)])
        .await
        .with_context(|| format!("running axe on {what}"))?;
    if let Some(err) = out.get("error") {
        bail!("axe failed on {what}: {err}");
    }
    let violations = out["violations"]
        .as_array()
        .with_context(|| format!("unexpected axe result on {what}: {out}"))?;
    if violations.is_empty() {
        return Ok(());
    }
    let mut report = format!(
        "axe found {} WCAG A/AA violation(s) on {what}:",
        violations.len()
    );
    for v in violations {
        report.push_str(&format!(
            "\n- {} ({}): {}\n  {}",
            v["id"].as_str().unwrap_or("?"),
            v["impact"].as_str().unwrap_or("?"),
            v["help"].as_str().unwrap_or(""),
            v["helpUrl"].as_str().unwrap_or(""),
        ));
        for n in v["nodes"].as_array().into_iter().flatten() {
            let target: Vec<&str> = n["target"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let summary = n["summary"]
                .as_str()
                .unwrap_or("")
                .replace('\n', "\n      ");
            report.push_str(&format!("\n    at {}\n      {summary}", target.join(" ")));
        }
    }
    bail!("{report}")
}

/// Emulates `prefers-color-scheme` (`"light"` or `"dark"`) and, with `reduced_motion`,
/// `prefers-reduced-motion: reduce`.
pub async fn emulate_media(client: &Client, scheme: &str, reduced_motion: bool) -> Result<()> {
    let motion = if reduced_motion {
        "reduce"
    } else {
        "no-preference"
    };
    cdp(
        client,
        "Emulation.setEmulatedMedia",
        json!({ "features": [
            { "name": "prefers-color-scheme", "value": scheme },
            { "name": "prefers-reduced-motion", "value": motion },
        ] }),
    )
    .await?;
    Ok(())
}

/// Lays the page out `width` CSS pixels wide (desktop, scale 1), `height` tall.
pub async fn set_viewport(client: &Client, width: u32, height: u32) -> Result<()> {
    cdp(
        client,
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
    )
    .await?;
    Ok(())
}

/// Fails when the page scrolls sideways: its content is wider than the viewport. Names the
/// widest elements that stick out, to say what to fix.
pub async fn check_no_sideways_scroll(client: &Client, what: &str) -> Result<()> {
    let script = r#"
const w = window.innerWidth, sw = document.documentElement.scrollWidth;
if (sw <= w) return null;
const out = [];
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.right > w + 0.5 && r.width > 0) {
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
    out.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(r.right)})`);
  }
}
return { innerWidth: w, scrollWidth: sw, wide: out.slice(0, 12) };
"#;
    let v = client
        .execute(script, Vec::new())
        .await
        .context("measuring the page's width")?;
    if v.is_null() {
        return Ok(());
    }
    bail!(
        "{what} scrolls sideways: scrollWidth {} > innerWidth {}; elements past the right edge: {}",
        v["scrollWidth"],
        v["innerWidth"],
        v["wide"]
    )
}

/// What moves on the page now (at most 12, described): elements with a CSS transition or
/// animation longer than 10 ms, or smooth scrolling.
pub async fn moving(client: &Client) -> Result<Vec<String>> {
    let script = r#"
const moving = [];
const seconds = s => Math.max(...s.split(',').map(x => parseFloat(x) || 0));
for (const el of [document.documentElement, ...document.querySelectorAll('*')]) {
  const cs = getComputedStyle(el);
  const t = seconds(cs.transitionDuration), a = cs.animationName !== 'none' ? seconds(cs.animationDuration) : 0;
  if (t > 0.01 || a > 0.01 || cs.scrollBehavior === 'smooth') {
    moving.push(`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''}: transition ${cs.transitionDuration}, animation ${cs.animationName} ${cs.animationDuration}, scroll ${cs.scrollBehavior}`);
  }
}
return moving.slice(0, 12);
"#;
    let v = client
        .execute(script, Vec::new())
        .await
        .context("reading transitions and animations")?;
    let list = v
        .as_array()
        .with_context(|| format!("unexpected answer reading motion: {v}"))?;
    Ok(list
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_owned())
        .collect())
}

/// Ends the emulation [`emulate_media`] and [`set_viewport`] started.
pub async fn reset(client: &Client) -> Result<()> {
    cdp(client, "Emulation.clearDeviceMetricsOverride", json!({})).await?;
    cdp(
        client,
        "Emulation.setEmulatedMedia",
        json!({ "features": [] }),
    )
    .await?;
    Ok(())
}
