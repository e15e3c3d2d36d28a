//! First visits (issue 15): each load in a browser of its own (a fresh Chromium with an empty
//! profile: no HTTP cache, no compiled wasm, no connections), the panel against a bare page
//! that sets the same mark the same way, interleaved; and the first click on Load group after
//! such a visit, which would wait if the code it needs were still loading.

use anyhow::{bail, Context, Result};

use e2e_harness::procs::{self, Driver, Sandbox};
use e2e_harness::Panel;

use crate::bytes::{describe, fetched};
use crate::native::{judged, median, ms, row, spread, thousands, Row, STEP};

/// A fresh Chromium (its own chromedriver and empty profile) with a [`Panel`] on `sandbox`,
/// nothing opened yet. Close it with [`Fresh::close`]: killing chromedriver alone can leave
/// the browser running.
pub struct Fresh {
    pub panel: Panel,
    driver: Driver,
}

impl Fresh {
    pub async fn start(sandbox: &Sandbox, url: &str, name: &str) -> Result<Self> {
        let driver = Driver::start().await?;
        let client = driver.connect_with(&[]).await?;
        Ok(Self {
            panel: Panel::on(client, sandbox, url, name),
            driver,
        })
    }

    /// Opens the page and waits for `panel-ready`; its time since navigation start.
    pub async fn visit(&self) -> Result<f64> {
        let p = &self.panel;
        p.client
            .goto(&p.url)
            .await
            .with_context(|| format!("opening {}", p.url))?;
        Ok(p.wait_marks("panel-ready", 0, STEP).await?[0])
    }

    pub async fn close(self) {
        let _ = self.panel.client.clone().close().await;
        drop(self.driver);
    }
}

/// One first visit of `url`: `panel-ready` and the last byte of what was fetched before it.
async fn one_visit(sandbox: &Sandbox, url: &str) -> Result<(f64, f64)> {
    let fresh = Fresh::start(sandbox, url, "bench-first-visit").await?;
    let got = async {
        fresh.visit().await?;
        let (ready, list) = fetched(&fresh.panel).await?;
        let last = list
            .iter()
            .filter(|f| f.start <= ready)
            .map(|f| f.end)
            .fold(0.0, f64::max);
        Ok::<_, anyhow::Error>((ready, last))
    }
    .await;
    fresh.close().await;
    got
}

/// The bare page: nothing but a module script that puts one line on the page and sets the
/// mark as `perf::mark_after_paint` does (from the next animation frame, a task queued with
/// `setTimeout(…, 0)`, i.e. after that frame's paint).
const BARE_HTML: &str = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
    <title>bare</title>\n<script type=\"module\" src=\"/bare.js\"></script>\n</head>\n<body></body>\n</html>\n";
const BARE_JS: &str = "const p = document.createElement('p');\n\
    p.textContent = 'Bare page';\ndocument.body.append(p);\n\
    requestAnimationFrame(() => setTimeout(() => performance.mark('panel-ready'), 0));\n";

/// A copy of dist/ (every file, hidden ones too) with bare.html and bare.js beside it.
fn dist_with_bare() -> Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix("omni-scim-bench-bare-")
        .tempdir()
        .context("temporary folder for dist/ and the bare page")?;
    copy_tree(&procs::dist_dir(), dir.path())?;
    for (name, text) in [("bare.html", BARE_HTML), ("bare.js", BARE_JS)] {
        let path = dir.path().join(name);
        if path.exists() {
            bail!("dist/ has a {name} of its own; the bench's bare page would replace it");
        }
        std::fs::write(path, text)?;
    }
    Ok(dir)
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

/// The 90th percentile (nearest rank).
fn p90(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    if s.is_empty() {
        return f64::NAN;
    }
    let rank = (0.9 * s.len() as f64).ceil() as usize;
    s[rank.clamp(1, s.len()) - 1]
}

fn median_p90(v: &[f64]) -> String {
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!(
        "median {}, p90 {} ({}–{}, n={})",
        ms(median(v)),
        ms(p90(v)),
        ms(min),
        ms(max),
        v.len()
    )
}

/// `loads` first visits of the panel and of the bare page, interleaved (the order alternates),
/// each in a fresh browser, from the same server (the sandbox serving a copy of dist/ with the
/// bare page beside it).
pub async fn versus_bare(loads: usize) -> Result<Vec<Row>> {
    let dir = dist_with_bare()?;
    let serve = dir.path().display().to_string();
    let sandbox =
        Sandbox::start_with(&procs::random_key(), &["--serve".to_owned(), serve.clone()]).await?;
    let panel_url = sandbox.panel_url();
    let bare_url = format!("{}/bare.html", sandbox.origin);
    let (mut panel, mut bare, mut panel_fetched) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..loads {
        eprintln!("bench: first visits {}/{loads}…", i + 1);
        let order = if i % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for is_panel in order {
            if is_panel {
                let (ready, last) = one_visit(&sandbox, &panel_url).await?;
                panel.push(ready);
                panel_fetched.push(last);
            } else {
                bare.push(one_visit(&sandbox, &bare_url).await?.0);
            }
        }
    }
    let ratio = median(&panel) / median(&bare);
    Ok(vec![
        row(
            "first visit (fresh browser per load): navigation → panel ready",
            median_p90(&panel),
        ),
        row(
            "  of which: navigation → last file fetched before ready received",
            format!("median {}", ms(median(&panel_fetched))),
        ),
        row(
            "first visit: a bare page setting the same mark (interleaved)",
            median_p90(&bare),
        ),
        judged(
            "first visit: panel ÷ bare page (medians)",
            format!("{ratio:.2}×"),
            "≤1.5×",
            ratio <= 1.5,
        ),
    ])
}

/// The first click on Load group after a first visit, in `reps` fresh browsers: connected
/// through the UI, Group ID typed, then the click (the click event's own time stamp) →
/// `group-load-shown`, and click → `group-load-sent`; and what was fetched after panel-ready
/// (lazily loaded code), and whether any of it was still loading at the click.
pub async fn first_click(reps: usize) -> Result<Vec<Row>> {
    let sandbox = Sandbox::start_with(
        &procs::random_key(),
        &["--group-size".to_owned(), "1000".to_owned()],
    )
    .await?;
    let (mut shown, mut sent) = (Vec::new(), Vec::new());
    let mut later = String::new();
    let mut waiting = 0;
    for rep in 0..reps {
        eprintln!("bench: first click on Load group {}/{reps}…", rep + 1);
        let fresh = Fresh::start(&sandbox, &sandbox.panel_url(), "bench-first-click").await?;
        let got = click_once(&fresh.panel).await;
        fresh.close().await;
        let (s, g, after, pending) = got?;
        shown.push(s);
        sent.push(g);
        later = after;
        waiting += pending;
    }
    Ok(vec![
        row(
            "first click on Load group after a first visit: click → group shown (1,000 members)",
            spread(&shown),
        ),
        row("  of which: click → request sent", spread(&sent)),
        row(
            "  fetched after panel ready, before the group was shown (last load)",
            later,
        ),
        judged(
            "  files still loading at the click (all loads)",
            waiting.to_string(),
            "0",
            waiting == 0,
        ),
    ])
}

/// Returns (click → shown, click → sent, what was fetched after panel-ready, how many of those
/// were still loading at the click).
async fn click_once(p: &Panel) -> Result<(f64, f64, String, usize)> {
    p.client
        .goto(&p.url)
        .await
        .with_context(|| format!("opening {}", p.url))?;
    let ready = p.wait_marks("panel-ready", 0, STEP).await?[0];
    p.connect().await?;
    let id = p.api.group_id_by_name("Scale test").await?;
    p.fill("Group ID", &id).await?;
    p.js(
        "window.__benchClicks = []; addEventListener('click', e => { \
            const b = e.target.closest && e.target.closest('button'); \
            if (b) window.__benchClicks.push([b.textContent.trim(), e.timeStamp]); }, true); \
          return null;",
    )
    .await?;
    p.click("Load group").await?;
    let shown = p.wait_marks("group-load-shown", 0, STEP).await?;
    let clicks = p.js("return window.__benchClicks;").await?;
    let click = clicks
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|c| c[0].as_str() == Some("Load group"))
                .and_then(|c| c[1].as_f64())
        })
        .context("the click on Load group was not seen by the page")?;
    let sent = p
        .marks("group-load-sent")
        .await?
        .into_iter()
        .find(|t| *t >= click)
        .context("no group-load-sent mark after the click")?;
    let Some(&shown) = shown.iter().find(|t| **t >= click) else {
        bail!("no group-load-shown mark after the click");
    };
    let (_, list) = fetched(p).await?;
    // Code and styles fetched after the first screen was ready (not the API's answers).
    let after: Vec<_> = list
        .iter()
        .filter(|f| f.start > ready && f.start <= shown && (f.kind != "fetch" || is_code(f)))
        .collect();
    let pending = after.iter().filter(|f| f.end > click).count();
    let text = if after.is_empty() {
        "nothing".to_owned()
    } else {
        let bytes: f64 = after.iter().map(|f| f.encoded).sum();
        format!(
            "{} file{}, {} B: {}",
            after.len(),
            if after.len() == 1 { "" } else { "s" },
            thousands(bytes as usize),
            after
                .iter()
                .map(|f| describe(f))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Ok((shown - click, sent - click, text, pending))
}

/// A fetch of code (wasm or JS) rather than of the API.
fn is_code(f: &crate::bytes::Fetched) -> bool {
    [".wasm", ".js", ".mjs", ".css"]
        .iter()
        .any(|e| f.path.ends_with(e))
}
