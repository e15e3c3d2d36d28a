//! End-to-end harness: each test gets its own sandbox (random key) and its own Chromium, and
//! talks to the panel through [`Panel`], which finds controls by role and accessible name and
//! waits with bounded polling. Used by the e2e tests (tests/e2e) and the bench
//! (examples/bench/).

pub mod a11y;
pub mod api;
pub mod axe;
pub mod cdp;
pub mod console;
pub mod csp;
pub mod nginx;
pub mod perf;
pub mod procs;
pub mod ui;

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;

use a11y::{describe, nodes, nodes_within, Node};
pub use api::{requests_text, Api, Control, Group, Member};
use procs::{Driver, Sandbox};

/// How long any one expectation may take to come true.
pub const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);
/// A whole test, browser start-up included (unless [`Options::timeout`] says otherwise).
const TEST_TIMEOUT: Duration = Duration::from_secs(180);
/// The review of a rename holds "Confirm save" until this checkbox is ticked (issue 14).
pub const RENAME_UNDERSTOOD: &str = "I understand that renaming can change who sees which data";

/// One browser at a time: on 2 cores, parallel Chromiums make each other time out. All e2e
/// tests share one process (tests/e2e), so this lock spans every module.
static BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The same one-at-a-time turn, for a test that starts servers without a browser (through
/// [`procs::Sandbox`] and [`nginx::Front`]), so it never runs beside a browser test whose
/// timings it could upset. Held until dropped; never call [`run`] while holding it.
pub async fn exclusive() -> tokio::sync::MutexGuard<'static, ()> {
    BROWSER.lock().await
}

/// The number right after `label` in `text` ("Members added: 12" → 12).
pub fn number_after(text: &str, label: &str) -> Option<usize> {
    let rest = &text[text.find(label)? + label.len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Counts a change summary states: (added, removed, unchanged if shown).
pub fn counts(text: &str) -> (Option<usize>, Option<usize>, Option<usize>) {
    (
        number_after(text, "Members added:"),
        number_after(text, "Members removed:"),
        number_after(text, "Members unchanged:"),
    )
}

/// Polls `attempt` until it yields `Ok`, for at most [`WAIT`]. `Err(state)` means "not yet" and
/// describes what was seen, for the timeout message.
pub async fn eventually<T, F, Fut>(what: &str, mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = std::result::Result<T, String>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        match attempt().await {
            Ok(v) => return Ok(v),
            Err(state) if Instant::now() >= deadline => {
                bail!("timed out after {WAIT:?} waiting for {what}; last seen: {state}")
            }
            Err(_) => tokio::time::sleep(POLL).await,
        }
    }
}

/// `Ok(rows)` when `ok` accepts them; else what was seen (the first 12 rows), for the timeout
/// message of the row waits.
fn judge_rows(
    rows: Vec<String>,
    ok: &impl Fn(&[String]) -> bool,
) -> std::result::Result<Vec<String>, String> {
    if ok(&rows) {
        Ok(rows)
    } else if rows.len() > 12 {
        Err(format!("{} rows, first: {:?}", rows.len(), &rows[..12]))
    } else {
        Err(format!("rows: {rows:?}"))
    }
}

const BUTTONS: &str = "button, [role=button], input[type=button], input[type=submit]";
const TEXTBOXES: &str = "input:not([type=button]):not([type=submit]):not([type=checkbox]):not([type=radio]):not([type=hidden]), textarea, [role=textbox]";
const LIVE: &str = "[role=alert], [role=status], output";
const TABLES: &str = "table, [role=table], [role=grid]";

#[derive(Clone)]
pub struct Panel {
    pub client: Client,
    pub url: String,
    pub key: String,
    pub api: Api,
    /// The sandbox's request log, faults and reset.
    pub control: Control,
    /// Screenshot names start with this: the test's name, plus "-b" for a second browser.
    shots: String,
}

impl Panel {
    /// A panel in a browser the caller started (`client`, e.g. a fresh profile per load, as
    /// the bench's first visits need) on `sandbox`'s API, the page at `url` not opened yet;
    /// screenshots are named after `shots`.
    pub fn on(client: Client, sandbox: &Sandbox, url: &str, shots: &str) -> Self {
        Self {
            client,
            url: url.to_owned(),
            key: sandbox.key.clone(),
            api: Api::new(sandbox.api_base(), sandbox.key.clone()),
            control: Control::new(sandbox.origin.clone()),
            shots: shots.to_owned(),
        }
    }

    /// Presses each of `keys` where the keyboard focus is, down then up, as a user would
    /// (WebDriver key actions: sending keys to an element refuses a focused `div`).
    pub async fn press_keys(&self, keys: &[char]) -> Result<()> {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".to_owned());
        for &k in keys {
            actions = actions
                .then(KeyAction::Down { value: k })
                .then(KeyAction::Up { value: k });
        }
        self.client
            .perform_actions(actions)
            .await
            .context("pressing keys")
    }

    /// Presses `key` where the keyboard focus is.
    pub async fn press(&self, key: Key) -> Result<()> {
        self.press_keys(&[char::from(key)]).await
    }

    /// Reloads the page. The panel asks before leaving unsaved changes (beforeunload); a
    /// reload through WebDriver may meet that prompt, which is accepted, as the admin would.
    pub async fn reload(&self) -> Result<()> {
        let refresh = tokio::time::timeout(WAIT, self.client.refresh()).await;
        if !matches!(refresh, Ok(Ok(()))) {
            // A "Leave site?" prompt holds the navigation.
            let _ = self.client.accept_alert().await;
        }
        // The app has rendered again.
        eventually("the panel to render after the reload", || async {
            if self.client.accept_alert().await.is_ok() {
                return Err("accepted a prompt".to_owned());
            }
            self.rendered().await
        })
        .await
    }

    /// Whether the app has rendered: the connect card's Connect, or (a key kept in the tab)
    /// the top bar's Change connection.
    async fn rendered(&self) -> Result<(), String> {
        for name in ["Connect", "Change connection"] {
            if self.quick_button(name).await.is_some() {
                return Ok(());
            }
        }
        Err("neither Connect nor Change connection is shown".to_owned())
    }

    pub async fn open(&self) -> Result<()> {
        // Leaving a page loses what its CSP listener recorded: judge it first.
        if csp::violations(&self.client).await?.is_some() {
            csp::check(&self.client).await?;
        }
        self.client
            .goto(&self.url)
            .await
            .with_context(|| format!("opening {}", self.url))?;
        // The wasm app has rendered once its first control is there.
        eventually("the panel to render", || self.rendered()).await
    }

    pub async fn button(&self, name: &str) -> Result<Element> {
        let c = &self.client;
        eventually(&format!("a button named {name:?}"), || async move {
            // Fast path for pages with hundreds of buttons: the few whose label or text reads
            // `name`, still confirmed by Chromium's computed role and name. Else all of them.
            if let Some(el) = self.quick_button(name).await {
                return Ok(el);
            }
            let found = nodes(c, BUTTONS).await.map_err(|e| e.to_string())?;
            found
                .iter()
                .find(|n| n.role == "button" && n.name == name)
                .map(|n| n.el.clone())
                .ok_or_else(|| format!("buttons: {}", describe(&found)))
        })
        .await
    }

    /// A text field by its label (also the text box of a combobox). Password inputs have no
    /// ARIA role, so they match by label.
    pub async fn textbox(&self, label: &str) -> Result<Element> {
        let c = &self.client;
        eventually(&format!("a text field labelled {label:?}"), || async move {
            let found = nodes(c, TEXTBOXES).await.map_err(|e| e.to_string())?;
            for n in found.iter().filter(|n| n.name == label) {
                let is_password =
                    n.el.attr("type").await.ok().flatten().as_deref() == Some("password");
                if matches!(n.role.as_str(), "textbox" | "searchbox" | "combobox") || is_password {
                    return Ok(n.el.clone());
                }
            }
            Err(format!("text fields: {}", describe(&found)))
        })
        .await
    }

    pub async fn value(&self, label: &str) -> Result<String> {
        let el = self.textbox(label).await?;
        Ok(el.prop("value").await?.unwrap_or_default())
    }

    /// Replaces a field's content by typing, as a user would (select all, delete, type), so the
    /// app sees real input events.
    pub async fn fill(&self, label: &str, text: &str) -> Result<()> {
        let el = self.textbox(label).await?;
        // Scrolled to the middle first, as a user would: WebDriver alone scrolls it to the
        // bottom edge, where a sticky bar may cover it.
        self.reveal(&el).await?;
        el.click()
            .await
            .with_context(|| format!("focusing {label:?}"))?;
        let select_all = format!("{}a{}", char::from(Key::Control), char::from(Key::Null));
        el.send_keys(&select_all).await?;
        el.send_keys(&char::from(Key::Backspace).to_string())
            .await?;
        if !text.is_empty() {
            el.send_keys(text).await?;
        }
        let el = &el;
        eventually(
            &format!("{label:?} to hold what was typed"),
            || async move {
                let v = el
                    .prop("value")
                    .await
                    .map_err(|e| e.to_string())?
                    .unwrap_or_default();
                if v == text {
                    Ok(())
                } else {
                    Err(format!("value {v:?}"))
                }
            },
        )
        .await
    }

    pub async fn click(&self, name: &str) -> Result<()> {
        let b = self.button(name).await?;
        // The review is on screen once its button is.
        if name == "Confirm save" {
            self.understand_rename().await?;
        }
        self.reveal(&b).await?;
        b.click()
            .await
            .with_context(|| format!("clicking {name:?}"))
    }

    /// Ticks the review's [`RENAME_UNDERSTOOD`] where it is shown (a rename's review): tests
    /// that rename only to have a change to save confirm the warning as the admin would, and
    /// [`Panel::click`] does it before "Confirm save". tests/e2e/names.rs checks the checkbox
    /// itself (Confirm save disabled until ticked).
    pub async fn understand_rename(&self) -> Result<()> {
        if self
            .is_shown("checkbox", "input[type=checkbox]", RENAME_UNDERSTOOD)
            .await?
        {
            self.set_checkbox(RENAME_UNDERSTOOD, true).await?;
        }
        Ok(())
    }

    pub async fn is_enabled(&self, button: &str) -> Result<bool> {
        let b = self.button(button).await?;
        let aria_disabled = b.attr("aria-disabled").await?.as_deref() == Some("true");
        Ok(b.is_enabled().await? && !aria_disabled)
    }

    async fn live_regions(&self, role: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for n in nodes(&self.client, LIVE).await? {
            if n.role == role {
                // textContent: a status may be visually hidden yet announced.
                let text = n.el.prop("textContent").await?.unwrap_or_default();
                let text = a11y::normalize(&text);
                if !text.is_empty() {
                    out.push(text);
                }
            }
        }
        Ok(out)
    }

    /// The non-empty alert texts on screen now.
    pub async fn alerts(&self) -> Result<Vec<String>> {
        self.live_regions("alert").await
    }

    /// Waits for an alert whose text contains `needle` (case-insensitive).
    pub async fn alert_containing(&self, needle: &str) -> Result<String> {
        let lower = needle.to_lowercase();
        let lower = lower.as_str();
        eventually(&format!("an alert mentioning {needle:?}"), || async move {
            let alerts = self.alerts().await.map_err(|e| e.to_string())?;
            if let Some(t) = alerts.iter().find(|t| t.to_lowercase().contains(lower)) {
                return Ok(t.clone());
            }
            let statuses = self.live_regions("status").await.unwrap_or_default();
            Err(format!("alerts: {alerts:?}, statuses: {statuses:?}"))
        })
        .await
    }

    /// Waits until the field labelled `label` reports an error mentioning `needle`
    /// (case-insensitive): either `aria-invalid="true"` with the message in its accessible
    /// description (`aria-describedby`), the pattern for per-field errors, or a role="alert".
    pub async fn field_error(&self, label: &str, needle: &str) -> Result<String> {
        let lower = needle.to_lowercase();
        let lower = lower.as_str();
        eventually(
            &format!("an error on {label:?} mentioning {needle:?}"),
            || async move {
                let field = self.textbox(label).await.map_err(|e| e.to_string())?;
                let invalid = field
                    .attr("aria-invalid")
                    .await
                    .map_err(|e| e.to_string())?;
                let mut seen = Vec::new();
                if invalid.as_deref() == Some("true") {
                    let ids = field
                        .attr("aria-describedby")
                        .await
                        .map_err(|e| e.to_string())?;
                    for id in ids.unwrap_or_default().split_whitespace() {
                        let xpath = format!("//*[@id='{id}']");
                        let Ok(el) = self.client.find(Locator::XPath(&xpath)).await else {
                            continue;
                        };
                        let text = el
                            .prop("textContent")
                            .await
                            .ok()
                            .flatten()
                            .unwrap_or_default();
                        seen.push(a11y::normalize(&text));
                    }
                }
                seen.extend(self.alerts().await.unwrap_or_default());
                seen.iter()
                    .find(|t| t.to_lowercase().contains(lower))
                    .cloned()
                    .ok_or_else(|| {
                        format!("aria-invalid={invalid:?}, description/alerts: {seen:?}")
                    })
            },
        )
        .await
    }

    /// Waits for a status message satisfying `ok`.
    pub async fn status_where(&self, what: &str, ok: impl Fn(&str) -> bool) -> Result<String> {
        let ok = &ok;
        eventually(&format!("a status saying {what}"), || async move {
            let statuses = self
                .live_regions("status")
                .await
                .map_err(|e| e.to_string())?;
            if let Some(s) = statuses.iter().find(|t| ok(t)) {
                return Ok(s.clone());
            }
            let alerts = self.alerts().await.unwrap_or_default();
            Err(format!("statuses: {statuses:?}, alerts: {alerts:?}"))
        })
        .await
    }

    pub async fn table(&self, name: &str) -> Result<Element> {
        let c = &self.client;
        eventually(&format!("a table named {name:?}"), || async move {
            let found = nodes(c, TABLES).await.map_err(|e| e.to_string())?;
            found
                .iter()
                .find(|n| matches!(n.role.as_str(), "table" | "grid") && n.name == name)
                .map(|n| n.el.clone())
                .ok_or_else(|| format!("tables: {}", describe(&found)))
        })
        .await
    }

    /// The data rows (header rows excluded) of the table named `name`, as their text.
    pub async fn rows(&self, name: &str) -> Result<Vec<String>> {
        let table = self.table(name).await?;
        if let Some(rows) = self.windowed_rows(&table).await? {
            return Ok(rows);
        }
        let rows = nodes_within(
            &self.client,
            &table,
            Locator::XPath(".//tr[not(ancestor::thead)] | .//*[@role='row']"),
        )
        .await?;
        let mut out = Vec::new();
        for Node { el, role, .. } in rows {
            if role != "row" || is_header_row(&el).await? {
                continue;
            }
            // The member ID a row holds but shows on demand (see `ui::ROW_TEXT`).
            let id = el.attr("data-id").await?.map(|id| format!(" {id}"));
            out.push(a11y::normalize(
                &(el.text().await? + &id.unwrap_or_default()),
            ));
        }
        Ok(out)
    }

    /// Waits until the table's rows satisfy `ok`.
    pub async fn rows_where(
        &self,
        table: &str,
        what: &str,
        ok: impl Fn(&[String]) -> bool,
    ) -> Result<Vec<String>> {
        let ok = &ok;
        eventually(&format!("the {table:?} rows to {what}"), || async move {
            judge_rows(self.rows(table).await.map_err(|e| e.to_string())?, ok)
        })
        .await
    }

    /// Types the same-origin base URL and `key`, and presses Connect.
    pub async fn connect_with(&self, key: &str) -> Result<()> {
        // Connected already: the fields are behind the top bar's "Change connection".
        if !self.is_shown("textbox", "input", "SCIM base URL").await? {
            self.click("Change connection").await?;
        }
        self.fill("SCIM base URL", "/api/scim/v2").await?;
        self.fill("API key", key).await?;
        self.click("Connect").await
    }

    /// Connects with the sandbox's key and waits for "Connected".
    pub async fn connect(&self) -> Result<()> {
        self.connect_with(&self.key.clone()).await?;
        self.status_where("Connected", is_connected).await?;
        Ok(())
    }

    /// Runs a script in the page and returns its JSON result.
    pub async fn js(&self, script: &str) -> Result<Value> {
        self.client
            .execute(script, Vec::new())
            .await
            .with_context(|| format!("running in the page: {script}"))
    }

    pub async fn body_text(&self) -> Result<String> {
        let v = self
            .js("return document.body ? document.body.innerText : '';")
            .await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// Scrolls `el` to the middle of the viewport, so a screenshot shows it.
    pub async fn reveal(&self, el: &Element) -> Result<()> {
        let arg = serde_json::to_value(el).context("serializing an element reference")?;
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
            .await
            .context("scrolling an element into view")?;
        Ok(())
    }

    /// Screenshot with the message (alert or status) containing `needle` in view.
    pub async fn screenshot_showing(&self, step: &str, needle: &str) -> Result<PathBuf> {
        for n in nodes(&self.client, LIVE).await? {
            let text = n.el.prop("textContent").await?.unwrap_or_default();
            if text.to_lowercase().contains(&needle.to_lowercase()) {
                self.reveal(&n.el).await?;
                break;
            }
        }
        self.screenshot(step).await
    }

    /// Saves a PNG of the viewport as target/screenshots/<test>-<step>.png, and fails if the
    /// page has reported a Content Security Policy violation.
    pub async fn screenshot(&self, step: &str) -> Result<PathBuf> {
        let path = self.save_screenshot(step).await?;
        csp::check(&self.client).await?;
        Ok(path)
    }

    /// Saves a PNG of the viewport as target/screenshots/<test>-<step>.png.
    async fn save_screenshot(&self, step: &str) -> Result<PathBuf> {
        let dir = procs::workspace_root().join("target/screenshots");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(format!("{}-{step}.png", self.shots));
        let png = self
            .client
            .screenshot()
            .await
            .context("taking a screenshot")?;
        std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }
}

/// A stale FAILED screenshot from an earlier run would mislead. Files are matched by the prefix
/// `<test>-`, so no test name may be another's followed by a dash (all e2e tests share one
/// process: one test would delete the screenshots another just took).
fn remove_old_screenshots(test: &str) {
    let dir = procs::workspace_root().join("target/screenshots");
    let prefix = format!("{test}-");
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// "Connected", but not "Not connected" or "Disconnected".
pub fn is_connected(status: &str) -> bool {
    let lower = status.to_lowercase();
    status.contains("Connected")
        && !lower.contains("not connected")
        && !lower.contains("disconnected")
}

async fn is_header_row(row: &Element) -> Result<bool> {
    let cells = row.find_all(Locator::XPath("./*")).await?;
    if cells.is_empty() {
        return Ok(false);
    }
    for c in &cells {
        let tag = c.tag_name().await?.to_lowercase();
        let scope = c.attr("scope").await?;
        let role = c.attr("role").await?;
        let header = (tag == "th" && scope.as_deref() != Some("row"))
            || role.as_deref() == Some("columnheader");
        if !header {
            return Ok(false);
        }
    }
    Ok(true)
}

/// What a test needs besides the defaults.
#[derive(Clone, Debug)]
pub struct Options {
    /// Extra scim-sandbox flags, e.g. `["--mode", "rfc7644"]`.
    pub sandbox_args: Vec<String>,
    /// Separate browsers (own profile, own session storage) on the one sandbox: two admins.
    pub browsers: usize,
    pub timeout: Duration,
    /// The content of `<meta name="omni-scim-panel-config">` for this test, e.g.
    /// `"idle-timeout-seconds=5"`: the sandbox then serves a copy of `dist/` so edited, as a
    /// deployer would edit it.
    pub config: Option<String>,
    /// The origins the served copy of `dist/` may connect to besides its own (its meta CSP's
    /// `connect-src`), e.g. `"http://127.0.0.1:*"` for a test that calls a second sandbox.
    pub connect_src: Option<String>,
    /// Extra Chromium flags, e.g. `["--enable-precise-memory-info"]`.
    pub browser_args: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            sandbox_args: Vec::new(),
            browsers: 1,
            timeout: TEST_TIMEOUT,
            config: None,
            connect_src: None,
            browser_args: Vec::new(),
        }
    }
}

impl Options {
    pub fn args(mut self, args: &[&str]) -> Self {
        self.sandbox_args
            .extend(args.iter().map(|a| (*a).to_owned()));
        self
    }

    /// Extra Chromium flags (the bench's exact heap figures).
    pub fn browser_args(mut self, args: &[&str]) -> Self {
        self.browser_args
            .extend(args.iter().map(|a| (*a).to_owned()));
        self
    }

    pub fn browsers(mut self, n: usize) -> Self {
        self.browsers = n.max(1);
        self
    }

    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    pub fn config(mut self, content: &str) -> Self {
        self.config = Some(content.to_owned());
        self
    }

    /// Serves a copy of `dist/` whose CSP allows connecting to `sources` (space separated, e.g.
    /// `"http://127.0.0.1:*"`) besides the panel's own origin, instead of Omni's hosts.
    pub fn connect_src(mut self, sources: &str) -> Self {
        self.connect_src = Some(sources.to_owned());
        self
    }
}

/// Runs one end-to-end test: starts a sandbox with a random key and a fresh Chromium, opens the
/// panel, runs `body`, and always shuts the browser down. On failure it saves a screenshot and
/// adds the processes' recent output to the error.
pub async fn run<F, Fut>(test: &'static str, body: F) -> Result<()>
where
    F: FnOnce(Panel) -> Fut,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    run_with(test, Options::default(), move |mut panels| {
        body(panels.remove(0))
    })
    .await
}

/// Like [`run`], with sandbox flags and any number of browsers: `body` gets one [`Panel`] per
/// browser, each with the panel already open.
pub async fn run_with<F, Fut>(test: &'static str, options: Options, body: F) -> Result<()>
where
    F: FnOnce(Vec<Panel>) -> Fut,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    procs::preflight()?;
    let _one_browser = BROWSER.lock().await;
    remove_old_screenshots(test);
    let started = Instant::now();

    let key = procs::random_key();
    // Held until the test ends: the sandbox serves from it.
    let configured =
        procs::configured_dist(options.config.as_deref(), options.connect_src.as_deref())?;
    let mut sandbox_args = options.sandbox_args.clone();
    if let Some(dir) = &configured {
        sandbox_args.extend(["--serve".to_owned(), dir.path().display().to_string()]);
    }
    let sandbox = Sandbox::start_with(&key, &sandbox_args).await?;
    let mut drivers = Vec::new();
    let mut panels = Vec::new();
    let mut setup = Ok(());
    for i in 0..options.browsers {
        let driver = match Driver::start().await {
            Ok(d) => d,
            Err(e) => {
                setup = Err(e);
                break;
            }
        };
        let client = match driver.connect_with(&options.browser_args).await {
            Ok(c) => c,
            Err(e) => {
                setup = Err(e);
                break;
            }
        };
        // Before the panel's first page, so every document reports its CSP violations.
        if let Err(e) = csp::install(&client).await {
            let _ = client.close().await;
            setup = Err(e);
            break;
        }
        drivers.push(driver);
        panels.push(Panel {
            client,
            url: sandbox.panel_url(),
            key: sandbox.key.clone(),
            api: Api::new(sandbox.api_base(), sandbox.key.clone()),
            control: Control::new(sandbox.origin.clone()),
            shots: if i == 0 {
                test.to_owned()
            } else {
                format!("{test}-{}", (b'a' + i as u8) as char)
            },
        });
    }

    let mut panic = None;
    let result = match setup {
        Err(e) => Err(e),
        Ok(()) => {
            let outcome = {
                let openers = panels.clone();
                let test_body = body(panels.clone());
                // Spawned, so a panicking assertion is caught and the browser still gets closed.
                let task = tokio::spawn(async move {
                    for p in &openers {
                        p.open().await?;
                    }
                    test_body.await?;
                    for p in &openers {
                        csp::check(&p.client).await?;
                    }
                    Ok(())
                });
                tokio::time::timeout(options.timeout, task).await
            };
            match outcome {
                Err(_) => Err(anyhow!("test did not finish within {:?}", options.timeout)),
                Ok(Err(join)) if join.is_panic() => {
                    panic = Some(join.into_panic());
                    Err(anyhow!("test panicked"))
                }
                Ok(Err(join)) => Err(anyhow!("test task failed: {join}")),
                Ok(Ok(r)) => r,
            }
        }
    };

    let result = match result {
        Ok(()) => {
            eprintln!("{test}: passed in {:.1?}", started.elapsed());
            Ok(())
        }
        Err(e) => {
            let mut report = String::new();
            for p in &panels {
                let shot = match p.save_screenshot("FAILED").await {
                    Ok(path) => path.display().to_string(),
                    Err(se) => format!("(no screenshot: {se})"),
                };
                let text = p.body_text().await.unwrap_or_default();
                let violations = match csp::violations(&p.client).await {
                    Ok(Some(v)) if !v.is_empty() => {
                        format!("\n--- CSP violations ---\n{}", v.join("\n"))
                    }
                    _ => String::new(),
                };
                report.push_str(&format!(
                    "\n--- browser {} ---\nScreenshot: {shot}{violations}\n--- page text ---\n{text}",
                    p.shots
                ));
            }
            let requests = match panels.first() {
                Some(p) => match p.control.requests().await {
                    Ok(log) => {
                        let tail = &log[log.len().saturating_sub(12)..];
                        requests_text(tail)
                    }
                    Err(e) => format!("(no request log: {e})"),
                },
                None => String::new(),
            };
            let drivers_log = drivers
                .iter()
                .map(|d| d.log.tail(15))
                .collect::<Vec<_>>()
                .join("\n");
            Err(e.context(format!(
                "{test} failed after {:.1?}.{report}\n--- last API requests ---\n{requests}\n--- sandbox ---\n{}\n--- chromedriver ---\n{drivers_log}",
                started.elapsed(),
                sandbox.log.tail(30),
            )))
        }
    };
    // Quit Chromium through the driver; killing chromedriver alone can orphan the browser.
    for p in &panels {
        let _ = p.client.clone().close().await;
    }
    drop(drivers);
    drop(sandbox);
    if let Some(p) = panic {
        std::panic::resume_unwind(p);
    }
    result
}

pub fn members_text(members: &[Member]) -> String {
    members
        .iter()
        .map(|m| format!("{} ({})", m.label(), m.value))
        .collect::<Vec<_>>()
        .join(", ")
}
