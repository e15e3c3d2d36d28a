//! The processes an end-to-end test needs: the SCIM sandbox serving dist/, and chromedriver
//! driving a headless Chromium with a fresh profile. Both are killed when dropped.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::{Client, ClientBuilder};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";
const STARTUP: Duration = Duration::from_secs(20);

/// The workspace root (the panel's package): the harness sits in `e2e-harness/` below it.
pub fn workspace_root() -> PathBuf {
    let harness = Path::new(env!("CARGO_MANIFEST_DIR"));
    harness.parent().unwrap_or(harness).to_path_buf()
}

pub fn dist_dir() -> PathBuf {
    workspace_root().join("dist")
}

pub fn sandbox_bin() -> PathBuf {
    match std::env::var_os("SCIM_SANDBOX_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => workspace_root().join("target/debug/scim-sandbox"),
    }
}

/// Fails (never skips) when something the tests need is missing: a silently skipped e2e suite
/// would look green while testing nothing.
pub fn preflight() -> Result<()> {
    let mut missing = Vec::new();
    let index = dist_dir().join("index.html");
    if !index.is_file() {
        missing.push(format!("{} (built by scripts/build)", index.display()));
    }
    for tool in [CHROMEDRIVER, CHROMIUM] {
        if !Path::new(tool).is_file() {
            missing.push(format!("{tool} (installed by scripts/setup)"));
        }
    }
    let bin = sandbox_bin();
    if !bin.is_file() {
        missing.push(format!(
            "{} (cargo build -p scim-sandbox, or set SCIM_SANDBOX_BIN)",
            bin.display()
        ));
    }
    if !missing.is_empty() {
        bail!(
            "end-to-end tests cannot run; missing:\n  {}\nRun scripts/test, which installs and builds all of these.",
            missing.join("\n  ")
        );
    }
    Ok(())
}

/// A key nobody can guess, so a test never passes thanks to a default demo key.
pub fn random_key() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let a = RandomState::new().hash_one((SystemTime::now(), std::process::id(), n));
    let b = RandomState::new().hash_one((n, a));
    format!("e2e-{a:016x}{b:016x}")
}

/// Output of a child process, kept for the failure report.
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<String>>);

impl Log {
    fn push(&self, prefix: &str, line: &str) {
        if let Ok(mut s) = self.0.lock() {
            s.push_str(prefix);
            s.push_str(line);
            s.push('\n');
        }
    }

    pub fn tail(&self, lines: usize) -> String {
        let s = self.0.lock().map(|s| s.clone()).unwrap_or_default();
        let all: Vec<&str> = s.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Drains a pipe into the log so the child never blocks on a full pipe.
    fn drain<R: AsyncRead + Unpin + Send + 'static>(
        &self,
        mut lines: Lines<BufReader<R>>,
        prefix: &'static str,
    ) {
        let log = self.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                log.push(prefix, &line);
            }
        });
    }
}

pub struct Sandbox {
    _child: Child,
    /// e.g. `http://127.0.0.1:41234`
    pub origin: String,
    pub key: String,
    pub log: Log,
}

impl Sandbox {
    pub async fn start(key: &str) -> Result<Self> {
        Self::start_with(key, &[]).await
    }

    /// Like [`Sandbox::start`], with extra command-line flags (e.g. `--mode rfc7644`).
    pub async fn start_with(key: &str, extra_args: &[String]) -> Result<Self> {
        let bin = sandbox_bin();
        let mut command = Command::new(&bin);
        command.args(extra_args);
        // A test may serve a configured copy of dist/ instead (`--serve` in `extra_args`).
        if !extra_args.iter().any(|a| a == "--serve") {
            command.arg("--serve").arg(dist_dir());
        }
        let mut child = command
            .arg("--addr")
            .arg("127.0.0.1:0")
            .arg("--key")
            .arg(key)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let log = Log::default();
        let stderr = child.stderr.take().context("sandbox stderr not piped")?;
        log.drain(BufReader::new(stderr).lines(), "sandbox! ");
        let stdout = child.stdout.take().context("sandbox stdout not piped")?;
        let mut lines = BufReader::new(stdout).lines();

        let (origin, printed_key) = tokio::time::timeout(STARTUP, read_banner(&mut lines, &log))
            .await
            .map_err(|_| {
                anyhow!(
                    "scim-sandbox printed no 'listening on' and 'API key:' lines within {STARTUP:?}; its output:\n{}",
                    log.tail(40)
                )
            })??;
        if printed_key != key {
            bail!(
                "scim-sandbox reports API key {printed_key:?}, but was started with --key {key:?}"
            );
        }
        log.drain(lines, "sandbox: ");
        Ok(Self {
            _child: child,
            origin,
            key: key.to_owned(),
            log,
        })
    }

    pub fn panel_url(&self) -> String {
        format!("{}/", self.origin)
    }

    pub fn api_base(&self) -> String {
        format!("{}/api/scim/v2", self.origin)
    }
}

async fn read_banner(
    lines: &mut Lines<BufReader<ChildStdout>>,
    log: &Log,
) -> Result<(String, String)> {
    let mut origin = None;
    let mut key = None;
    while origin.is_none() || key.is_none() {
        let Some(line) = lines.next_line().await? else {
            bail!(
                "scim-sandbox exited before it was ready; its output:\n{}",
                log.tail(40)
            );
        };
        log.push("sandbox: ", &line);
        if let Some(rest) = line.split("listening on ").nth(1) {
            origin = Some(rest.trim().trim_end_matches('/').to_owned());
        } else if let Some(rest) = line.trim().strip_prefix("API key:") {
            key = Some(rest.trim().to_owned());
        }
    }
    Ok((origin.unwrap_or_default(), key.unwrap_or_default()))
}

/// chromedriver on a free loopback port, with the browser profile it will use.
pub struct Driver {
    _child: Child,
    url: String,
    profile: tempfile::TempDir,
    pub log: Log,
}

impl Driver {
    pub async fn start() -> Result<Self> {
        // The port is free when probed; chromedriver takes it a moment later.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .context("finding a free port for chromedriver")?
            .port();
        let mut child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting chromedriver")?;
        let log = Log::default();
        if let Some(out) = child.stdout.take() {
            log.drain(BufReader::new(out).lines(), "chromedriver: ");
        }
        if let Some(err) = child.stderr.take() {
            log.drain(BufReader::new(err).lines(), "chromedriver! ");
        }
        let deadline = Instant::now() + STARTUP;
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if Instant::now() > deadline {
                bail!(
                    "chromedriver did not listen on port {port}; its output:\n{}",
                    log.tail(40)
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::Builder::new()
            .prefix("omni-scim-e2e-profile-")
            .tempdir()
            .context("creating a browser profile directory")?;
        Ok(Self {
            _child: child,
            url: format!("http://127.0.0.1:{port}"),
            profile,
            log,
        })
    }

    /// Like [`Driver::connect`], with extra Chromium flags.
    pub async fn connect_with(&self, extra_args: &[String]) -> Result<Client> {
        let user_data_dir = format!("--user-data-dir={}", self.profile.path().display());
        let mut caps = json!({
            "browserName": "chrome",
            // Every console message, readable through chromedriver's log endpoint.
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    // Loopback only: never route the sandbox through an environment proxy.
                    "--no-proxy-server",
                    "--window-size=1280,900",
                    user_data_dir,
                ],
            },
        });
        if let Some(args) = caps["goog:chromeOptions"]["args"].as_array_mut() {
            args.extend(extra_args.iter().map(|a| json!(a)));
        }
        let serde_json::Value::Object(caps) = caps else {
            bail!("capabilities must be a JSON object");
        };
        ClientBuilder::rustls()
            .context("building the WebDriver client")?
            .capabilities(caps)
            .connect(&self.url)
            .await
            .map_err(|e| {
                anyhow!(
                    "starting a Chromium session through chromedriver failed: {e}\nchromedriver output:\n{}",
                    self.log.tail(40)
                )
            })
    }
}

/// A copy of `dist/` as a deployer would edit it: its `<meta name="omni-scim-panel-config">`
/// carrying `config`, and/or its CSP's `connect-src` allowing `connect_src` besides `'self'`.
/// `None` when neither is asked for (the sandbox then serves `dist/` itself).
pub fn configured_dist(
    config: Option<&str>,
    connect_src: Option<&str>,
) -> Result<Option<tempfile::TempDir>> {
    if config.is_none() && connect_src.is_none() {
        return Ok(None);
    }
    let dir = tempfile::tempdir().context("temporary folder for a configured dist/")?;
    for entry in std::fs::read_dir(dist_dir()).context("reading dist/")? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name()))?;
        }
    }
    let index = dir.path().join("index.html");
    let mut html = std::fs::read_to_string(&index).context("reading dist/index.html")?;
    if let Some(content) = config {
        html = replace_meta(
            &html,
            "omni-scim-panel-config",
            &format!("<meta name=\"omni-scim-panel-config\" content=\"{content}\">"),
        )?;
    }
    if let Some(sources) = connect_src {
        let policy = meta_policy(&html)?;
        let edited: Vec<String> = policy
            .split(';')
            .map(|d| match d.trim().strip_prefix("connect-src") {
                Some(_) => format!("connect-src 'self' {sources}"),
                None => d.trim().to_owned(),
            })
            .collect();
        html = replace_meta(
            &html,
            "Content-Security-Policy",
            &format!(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
                edited.join("; ")
            ),
        )?;
    }
    std::fs::write(&index, html)?;
    Ok(Some(dir))
}

/// The byte range of the first `<meta ...>` tag in `html` that mentions `marker`. Found by
/// content, not by attribute order: the release minifier reorders attributes and drops quotes.
fn find_meta(html: &str, marker: &str) -> Result<std::ops::Range<usize>> {
    let start = html
        .match_indices("<meta")
        .map(|(i, _)| i)
        .find(|&i| {
            html[i..]
                .split('>')
                .next()
                .is_some_and(|tag| tag.contains(marker))
        })
        .with_context(|| format!("dist/index.html has no meta tag mentioning {marker}"))?;
    let end = start + html[start..].find('>').context("unterminated meta tag")? + 1;
    Ok(start..end)
}

fn replace_meta(html: &str, marker: &str, tag: &str) -> Result<String> {
    let range = find_meta(html, marker)?;
    Ok(format!(
        "{}{tag}{}",
        &html[..range.start],
        &html[range.end..]
    ))
}

/// The policy in `dist/index.html`'s `<meta http-equiv="Content-Security-Policy">` (written by
/// scripts/csp.py with a double-quoted content attribute).
pub fn meta_policy(html: &str) -> Result<String> {
    let tag = &html[find_meta(html, "Content-Security-Policy")?];
    let content = tag
        .split("content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .with_context(|| format!("the CSP meta tag has no double-quoted content: {tag}"))?;
    Ok(content.to_owned())
}
