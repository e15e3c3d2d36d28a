//! Bytes (issue 15): what a first visit fetches before `panel-ready`, with each file's `gzip -9`
//! and Brotli size computed from dist/; the whole app; and what the servers of `deploy/` (real
//! nginx and Caddy, as tests/e2e/deploy.rs runs them) put on the wire, in Chromium and over
//! plain HTTP. Nothing here knows the build's file names: files are what the browser fetched,
//! or what dist/ holds.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{ensure, Context, Result};

use e2e_harness::api::request_bytes;
use e2e_harness::nginx::Front;
use e2e_harness::procs::{self, Sandbox};
use e2e_harness::Panel;

use crate::cold::Fresh;
use crate::native::{judged, row, thousands, Row};

/// Targets of issue 15, in bytes (KB = 1,000 bytes).
pub const FIRST_GZ: usize = 100_000;
pub const FIRST_BR: usize = 80_000;
pub const APP_GZ: usize = 180_000;

/// A dist/ file's size raw, as `gzip -9` and as Brotli at quality 11.
#[derive(Clone, Copy, Default)]
pub struct Sizes {
    pub raw: usize,
    pub gz: usize,
    pub br: usize,
}

impl std::ops::AddAssign for Sizes {
    fn add_assign(&mut self, o: Self) {
        self.raw += o.raw;
        self.gz += o.gz;
        self.br += o.br;
    }
}

impl Sizes {
    pub fn text(&self) -> String {
        format!(
            "{} B raw, {} B gzip -9, {} B br",
            thousands(self.raw),
            thousands(self.gz),
            thousands(self.br)
        )
    }
}

/// Sizes computed once per file and run (Brotli 11 on the wasm takes a second or two).
static SIZES: Mutex<BTreeMap<PathBuf, Sizes>> = Mutex::new(BTreeMap::new());
/// Which program made the gzip figures: GNU gzip when installed (what scripts/build counts),
/// else the flate2 crate at its best level.
static GZIP_BY: Mutex<&str> = Mutex::new("");

pub fn sizes(path: &Path) -> Result<Sizes> {
    if let Some(s) = SIZES.lock().ok().and_then(|m| m.get(path).copied()) {
        return Ok(s);
    }
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let s = Sizes {
        raw: data.len(),
        gz: gzip9(path, &data)?,
        br: brotli11(&data)?,
    };
    if let Ok(mut m) = SIZES.lock() {
        m.insert(path.to_path_buf(), s);
    }
    Ok(s)
}

/// `gzip -9 -c FILE` (as scripts/build counts it), or flate2's best level without gzip.
fn gzip9(path: &Path, data: &[u8]) -> Result<usize> {
    if let Ok(out) = std::process::Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
    {
        if out.status.success() {
            set_gzip_by("GNU gzip -9");
            return Ok(out.stdout.len());
        }
    }
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data)?;
    set_gzip_by("flate2 (Compression::best, no gzip installed)");
    Ok(e.finish()?.len())
}

fn set_gzip_by(by: &'static str) {
    if let Ok(mut g) = GZIP_BY.lock() {
        *g = by;
    }
}

/// Brotli at quality 11 with a 16 MB window (the `brotli` tool's defaults).
fn brotli11(data: &[u8]) -> Result<usize> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: data.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).context("Brotli compression")?;
    Ok(out.len())
}

/// How the compressed figures were made, for the table's footer.
pub fn compression_note() -> String {
    let by = GZIP_BY.lock().map(|g| *g).unwrap_or("");
    let gz = if by.is_empty() { "GNU gzip -9" } else { by };
    format!("Compression: gzip figures by {gz}; Brotli quality 11, window 24, by the brotli crate; KB = 1,000 bytes")
}

/// The app: every html, js, wasm, css and svg file under dist/ (a browser may load any of
/// them), not the pre-compressed copies (.gz, .br), the guides (.md), the servers' header
/// files (dist/.csp/, dist/_headers) or anything hidden.
pub fn app_files() -> Result<Vec<PathBuf>> {
    let dist = procs::dist_dir();
    let mut all = Vec::new();
    collect(&dist, &mut all)?;
    let mut app: Vec<PathBuf> = all.into_iter().filter(|p| is_app(p)).collect();
    app.sort();
    Ok(app)
}

fn is_app(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    ["html", "js", "mjs", "wasm", "css", "svg"]
        .iter()
        .any(|ext| name.ends_with(&format!(".{ext}")))
}

/// Every file under `dir`, skipping hidden files and folders.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type()?.is_dir() {
            collect(&entry.path(), out)?;
        } else {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// `dist/…` for a file of dist/.
pub fn dist_name(p: &Path) -> String {
    let dist = procs::dist_dir();
    format!("dist/{}", p.strip_prefix(&dist).unwrap_or(p).display())
}

/// The URL path of a dist/ file (served at the site's root).
fn url_path(p: &Path) -> String {
    let dist = procs::dist_dir();
    let rel = p.strip_prefix(&dist).unwrap_or(p).display().to_string();
    if rel == "index.html" {
        "/".into()
    } else {
        format!("/{rel}")
    }
}

/// The dist/ file a same-origin URL path names (`/` and `…/` are index.html), if any.
fn file_of(path: &str) -> Option<PathBuf> {
    if path.contains("..") || !path.starts_with('/') {
        return None;
    }
    let rel = path.trim_start_matches('/');
    let rel = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_owned()
    };
    let p = procs::dist_dir().join(rel);
    p.is_file().then_some(p)
}

/// One entry of the page's Navigation and Resource Timing.
pub struct Fetched {
    /// The URL's path (same origin) or origin and path (other origins); never its query.
    pub path: String,
    pub kind: String,
    pub start: f64,
    pub end: f64,
    pub transfer: f64,
    pub encoded: f64,
    pub decoded: f64,
}

/// The navigation and every resource the page fetched, with `panel-ready`'s time.
pub async fn fetched(p: &Panel) -> Result<(f64, Vec<Fetched>)> {
    let v = p
        .js("const ready = performance.getEntriesByName('panel-ready', 'mark')[0]; \
             if (!ready) return null; \
             const path = n => { const u = new URL(n); return u.origin === location.origin ? u.pathname : u.origin + u.pathname; }; \
             const all = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')); \
             return [ready.startTime, all.map(e => [path(e.name), e.initiatorType || 'navigation', e.startTime, e.responseEnd, e.transferSize, e.encodedBodySize, e.decodedBodySize])];")
        .await?;
    let ready = v[0].as_f64().context("the page has no panel-ready mark")?;
    let list = v[1]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    let f = |i: usize| e[i].as_f64().unwrap_or(0.0);
                    Fetched {
                        path: e[0].as_str().unwrap_or_default().to_owned(),
                        kind: e[1].as_str().unwrap_or_default().to_owned(),
                        start: f(2),
                        end: f(3),
                        transfer: f(4),
                        encoded: f(5),
                        decoded: f(6),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Ok((ready, list))
}

/// What a fresh browser fetched from `url` before `panel-ready` (started by then).
async fn first_visit(sandbox: &Sandbox, url: &str, name: &str) -> Result<(Fresh, Vec<Fetched>)> {
    let fresh = Fresh::start(sandbox, url, name).await?;
    let got = async {
        fresh.visit().await?;
        let (ready, all) = fetched(&fresh.panel).await?;
        Ok::<_, anyhow::Error>(all.into_iter().filter(|f| f.start <= ready).collect())
    }
    .await;
    match got {
        Ok(list) => Ok((fresh, list)),
        Err(e) => {
            fresh.close().await;
            Err(e)
        }
    }
}

/// Bytes fetched before `panel-ready` on a first visit (a fresh browser), each file's sizes
/// from dist/, the totals against the targets; then the whole app.
pub async fn first_screen() -> Result<Vec<Row>> {
    let sandbox = Sandbox::start(&procs::random_key()).await?;
    let (fresh, list) = first_visit(&sandbox, &sandbox.panel_url(), "bench-bytes").await?;
    fresh.close().await;
    let mut rows = Vec::new();
    let mut total = Sizes::default();
    let mut seen = Vec::new();
    for f in &list {
        let Some(file) = file_of(&f.path) else {
            rows.push(row(
                format!(
                    "first visit, before panel ready: {} (not a dist/ file)",
                    f.path
                ),
                format!("{} B received", thousands(f.encoded as usize)),
            ));
            continue;
        };
        if seen.contains(&file) {
            continue;
        }
        seen.push(file.clone());
        let s = sizes(&file)?;
        total += s;
        rows.push(row(
            format!("first visit, before panel ready: {}", dist_name(&file)),
            s.text(),
        ));
    }
    rows.extend(total_rows(
        &format!(
            "first visit: bytes fetched before panel ready ({} files)",
            seen.len()
        ),
        "first visit: bytes fetched before panel ready",
        total,
        FIRST_GZ,
        Some(FIRST_BR),
    ));
    let mut app = Sizes::default();
    let files = app_files()?;
    for f in &files {
        app += sizes(f)?;
    }
    rows.extend(total_rows(
        &format!("the whole app ({} html/js/wasm/css/svg files)", files.len()),
        "the whole app",
        app,
        APP_GZ,
        None,
    ));
    Ok(rows)
}

/// A total's `gzip -9` row (judged against `gz_target`) and its Brotli row (judged when
/// `br_target` is given).
fn total_rows(
    label: &str,
    br_label: &str,
    total: Sizes,
    gz_target: usize,
    br_target: Option<usize>,
) -> Vec<Row> {
    let br = format!("{} B", thousands(total.br));
    vec![
        judged(
            format!("{label}, gzip -9"),
            format!("{} B ({} B raw)", thousands(total.gz), thousands(total.raw)),
            &format!("≤{} B", thousands(gz_target)),
            total.gz <= gz_target,
        ),
        match br_target {
            Some(t) => judged(
                format!("{br_label}, Brotli 11"),
                br,
                &format!("≤{} B", thousands(t)),
                total.br <= t,
            ),
            None => row(format!("{br_label}, Brotli 11"), br),
        },
    ]
}

/// The sizes of `paths` together.
fn gz_of(paths: &[PathBuf]) -> Result<Sizes> {
    let mut s = Sizes::default();
    for p in paths {
        s += sizes(p)?;
    }
    Ok(s)
}

/// Bytes on the wire through deploy/nginx.conf and deploy/Caddyfile: a first visit in Chromium
/// (Resource Timing's body and transfer sizes before `panel-ready`, and the Content-Encoding
/// each file came with), and every file of the app over plain HTTP with `Accept-Encoding: br,
/// gzip` and `gzip`.
pub async fn wire() -> Result<Vec<Row>> {
    let sandbox = Sandbox::start(&procs::random_key()).await?;
    let mut rows = Vec::new();
    for server in ["nginx", "Caddy"] {
        eprintln!("bench: bytes on the wire through {server}…");
        let front = match server {
            "nginx" => Front::nginx(&sandbox.origin)?,
            _ => Front::caddy(&sandbox.origin)?,
        };
        let config = match server {
            "nginx" => "deploy/nginx.conf",
            _ => "deploy/Caddyfile",
        };
        let label = format!("{server} ({config})");
        rows.extend(wire_browser(&sandbox, &front, &label).await?);
        rows.extend(wire_http(&front, &label).await?);
        drop(front);
    }
    Ok(rows)
}

async fn wire_browser(sandbox: &Sandbox, front: &Front, label: &str) -> Result<Vec<Row>> {
    let (fresh, list) = first_visit(sandbox, &front.panel_url(), "bench-wire").await?;
    let paths: Vec<String> = list.iter().map(|f| f.path.clone()).collect();
    // The encoding each came with, read from the browser's cache (no new download): a
    // same-origin fetch sees every response header.
    let encodings = fresh
        .panel
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             Promise.all(arguments[0].map(p => p.startsWith('/') \
               ? fetch(p, { cache: 'force-cache' }).then(r => r.headers.get('content-encoding') || 'none', e => 'unknown: ' + e) \
               : Promise.resolve('other origin'))).then(done);",
            vec![serde_json::to_value(&paths)?],
        )
        .await;
    fresh.close().await;
    let encodings: Vec<String> = encodings
        .context("reading the Content-Encoding of each file")?
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let mut rows = Vec::new();
    let (mut transfer, mut encoded) = (0.0, 0.0);
    let mut files = Vec::new();
    for (i, f) in list.iter().enumerate() {
        let enc = encodings.get(i).map(String::as_str).unwrap_or("?");
        let file = file_of(&f.path);
        let name = file
            .as_deref()
            .map(dist_name)
            .unwrap_or_else(|| f.path.clone());
        let compare = match &file {
            Some(p) => {
                let s = sizes(p)?;
                format!(" (gzip -9 {} B, br {} B)", thousands(s.gz), thousands(s.br))
            }
            None => String::new(),
        };
        rows.push(row(
            format!("{label}, first visit: {name}"),
            format!(
                "{}, {} B body, {} B transferred{compare}",
                enc,
                thousands(f.encoded as usize),
                thousands(f.transfer as usize)
            ),
        ));
        transfer += f.transfer;
        encoded += f.encoded;
        files.extend(file);
    }
    let gz = gz_of(&files)?.gz;
    rows.push(judged(
        format!(
            "{label}, first visit: before panel ready ({} files), in Chromium over http",
            list.len()
        ),
        format!(
            "{} B body, {} B transferred (headers included)",
            thousands(encoded as usize),
            thousands(transfer as usize)
        ),
        &format!("body ≤{} B (gzip -9)", thousands(gz)),
        encoded as usize <= gz,
    ));
    Ok(rows)
}

/// Every file of the app fetched from `front` without a browser, as each `Accept-Encoding`
/// gets it: the body's bytes as sent, and the encodings.
async fn wire_http(front: &Front, label: &str) -> Result<Vec<Row>> {
    let files = app_files()?;
    let app = gz_of(&files)?;
    let mut rows = Vec::new();
    for accept in ["br, gzip", "gzip"] {
        let mut total = 0;
        let mut by: BTreeMap<String, usize> = BTreeMap::new();
        for f in &files {
            let url = format!("{}{}", front.origin, url_path(f));
            let a =
                request_bytes("GET", &url, &[("Accept-Encoding", accept.to_owned())], None).await?;
            ensure!(a.status == 200, "GET {url} answered {}", a.status);
            total += a.body.len();
            let enc = a
                .headers
                .get("content-encoding")
                .cloned()
                .unwrap_or_else(|| "none".into());
            *by.entry(enc).or_default() += 1;
        }
        let encodings: Vec<String> = by.iter().map(|(e, n)| format!("{e} ×{n}")).collect();
        rows.push(judged(
            format!("{label}, the whole app over http, Accept-Encoding: {accept}"),
            format!("{} B ({})", thousands(total), encodings.join(", ")),
            &format!("≤{} B (gzip -9)", thousands(app.gz)),
            total <= app.gz,
        ));
    }
    Ok(rows)
}

/// The per-file rows of `--only size`: each file of dist/ raw, `gzip -9` and Brotli (the
/// pre-compressed copies counted in one row), then the app and all files.
pub fn dist_rows() -> Result<Vec<Row>> {
    let dist = procs::dist_dir();
    let mut files = Vec::new();
    collect_all(&dist, &mut files)?;
    files.sort();
    let mut rows = Vec::new();
    let (mut app, mut all) = (Sizes::default(), Sizes::default());
    let (mut pre_n, mut pre_raw) = (0, 0);
    for f in &files {
        let name = dist_name(f);
        if name.ends_with(".gz") || name.ends_with(".br") || name.ends_with(".zst") {
            pre_n += 1;
            pre_raw += std::fs::metadata(f)?.len() as usize;
            continue;
        }
        let s = sizes(f)?;
        all += s;
        let note = if is_app(f) {
            app += s;
            ""
        } else {
            " (not loaded by the panel)"
        };
        rows.push(row(format!("{name}{note}"), s.text()));
    }
    if pre_n > 0 {
        rows.push(row(
            "dist/ pre-compressed copies (.gz, .br, .zst)",
            format!("{pre_n} files, {} B", thousands(pre_raw)),
        ));
    }
    rows.push(judged(
        "dist/ the app (html, js, wasm, css, svg)",
        app.text(),
        &format!("≤{} B gzip -9", thousands(APP_GZ)),
        app.gz <= APP_GZ,
    ));
    rows.push(row(
        "dist/ all files (not the pre-compressed copies)",
        all.text(),
    ));
    Ok(rows)
}

/// Every file under `dir`, hidden ones included (dist/.csp/ is listed as not loaded).
fn collect_all(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            collect_all(&entry.path(), out)?;
        } else {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// A fetched file for a row: its path, how it was fetched, its size.
pub fn describe(f: &Fetched) -> String {
    format!(
        "{} ({}, {} B)",
        f.path,
        f.kind,
        thousands(f.decoded.max(f.encoded) as usize)
    )
}
