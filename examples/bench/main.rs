//! The benchmark behind `scripts/bench` (docs/performance.md): the built `dist/` in headless
//! Chromium against the release sandbox on 127.0.0.1, through the end-to-end harness
//! (e2e-harness/). It reads the panel's own performance marks (src/browser/perf.rs), so a
//! number is what the page measured, not WebDriver round trips, and prints one table with each
//! number beside its target.
//!
//! `cargo run --release --example bench -- [--sizes 1000,10000,50000] [--loads 10] [--reps 3]
//! [--profile DIR] [--update-doc docs/performance.md] [--strict] [--only PARTS]`; needs dist/ and
//! SCIM_SANDBOX_BIN (or target/debug/scim-sandbox), as the e2e tests do. `--strict` fails (exit
//! 1, after the table) when any number is over its target, for a nightly run. `--only` runs some
//! parts, e.g. `--only person,cross` (parts: size, bytes, wire, cold2, cold, click, groups, etag,
//! person, cross); with `--update-doc` a partial run writes its own table below the full one.
//!
//! Issue 15's parts are in modules: `bytes.rs` (size: dist/ with gzip -9 and Brotli; bytes:
//! what a first visit fetches before panel-ready; wire: through deploy/'s nginx and Caddy) and
//! `cold.rs` (cold2: first visits in a fresh browser each against a bare page; click: the
//! first click on Load group after one).

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("bench: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(native::main()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench failed: {e:?}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod bytes;
#[cfg(not(target_arch = "wasm32"))]
mod cold;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use crate::{bytes, cold};
    use std::fmt::Write as _;
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use anyhow::{bail, ensure, Context, Result};
    use fantoccini::Locator;
    use serde_json::{json, Value};

    use e2e_harness::api::LoggedRequest;
    use e2e_harness::cdp::cdp;
    use e2e_harness::procs;
    use e2e_harness::{run_with, Options, Panel};

    /// What a step may take before the bench gives up on it (a 50,000-member load on a busy
    /// 2-core machine included).
    pub(crate) const STEP: Duration = Duration::from_secs(120);
    /// Chromium reports exact heap figures only with this flag (else rounded and delayed).
    const PRECISE_MEMORY: &str = "--enable-precise-memory-info";
    /// Runs before the page's scripts. Keeps the wasm instance's exports (its linear memory)
    /// where the bench can read them (Trunk's loader announces the instance in
    /// `TrunkApplicationStarted`), and records Chromium's long animation frames (over 50 ms:
    /// start, duration, when rendering and when style and layout began), to tell script time
    /// from rendering time.
    const CAPTURE: &str = "addEventListener('TrunkApplicationStarted', \
        e => { window.__benchWasm = e.detail && e.detail.wasm; }); \
        window.__benchFrames = []; \
        try { new PerformanceObserver(l => { for (const e of l.getEntries()) \
          window.__benchFrames.push([e.startTime, e.duration, e.renderStart, e.styleAndLayoutStart]); }) \
          .observe({ type: 'long-animation-frame', buffered: true }); } catch (e) {}";
    /// The member filter's label (issue 5's windowed table adds it, with its own marks).
    const FILTER_LABEL: &str = "Filter members";
    /// Typed into the member filter one key at a time, then erased: narrowing, then widening
    /// back to every member.
    const FILTER_KEYS: &str = "mar";
    /// The parts `--only` can pick, in the order the table shows them.
    const PARTS: &[&str] = &[
        "size", "bytes", "wire", "cold2", "cold", "click", "groups", "etag", "person", "cross",
    ];
    /// The person of `--member-groups` (sandbox/README.md), in 50 of its 500 groups.
    const BENCH_PERSON: &str = "bench.person@blobsrus.co";
    /// The person of `--many-groups` (sandbox/README.md), in N+1 groups.
    const RAVI: &str = "ravi.shankar@blobsrus.co";
    /// The button that opens the review of a change across a person's groups (issue 13).
    const REMOVE_FROM_ALL: &str = "Remove from all groups";

    struct Args {
        sizes: Vec<usize>,
        loads: usize,
        reps: usize,
        profile: Option<PathBuf>,
        update_doc: Option<PathBuf>,
        strict: bool,
        /// `--only`: the parts to run; all when empty.
        only: Vec<String>,
    }

    impl Args {
        fn wants(&self, part: &str) -> bool {
            self.only.is_empty() || self.only.iter().any(|p| p == part)
        }
    }

    fn args() -> Result<Args> {
        let mut a = Args {
            sizes: vec![1_000, 10_000, 50_000],
            loads: 10,
            reps: 3,
            profile: None,
            update_doc: None,
            strict: false,
            only: Vec::new(),
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--sizes" => {
                    a.sizes = value()?
                        .split(',')
                        .map(|s| s.trim().replace('_', "").parse())
                        .collect::<Result<_, _>>()
                        .context("--sizes takes numbers separated by commas")?
                }
                "--loads" => a.loads = value()?.parse().context("--loads takes a number")?,
                "--reps" => a.reps = value()?.parse().context("--reps takes a number")?,
                "--profile" => a.profile = Some(PathBuf::from(value()?)),
                "--update-doc" => a.update_doc = Some(PathBuf::from(value()?)),
                "--strict" => a.strict = true,
                "--only" => {
                    a.only = value()?.split(',').map(|s| s.trim().to_owned()).collect();
                    if let Some(bad) = a.only.iter().find(|p| !PARTS.contains(&p.as_str())) {
                        bail!("--only: unknown part {bad:?} (parts: {})", PARTS.join(", "));
                    }
                }
                other => {
                    bail!("unknown argument {other:?} (see the top of examples/bench/main.rs)")
                }
            }
        }
        ensure!(
            a.loads > 0 && a.reps > 0,
            "--loads and --reps must be at least 1"
        );
        Ok(a)
    }

    /// One row of the table.
    pub(crate) struct Row {
        what: String,
        result: String,
        target: String,
        /// `Some(true)`: within target; `None`: no target (information).
        ok: Option<bool>,
    }

    pub(crate) fn row(what: impl Into<String>, result: impl Into<String>) -> Row {
        Row {
            what: what.into(),
            result: result.into(),
            target: String::new(),
            ok: None,
        }
    }

    pub(crate) fn judged(
        what: impl Into<String>,
        result: impl Into<String>,
        target: &str,
        ok: bool,
    ) -> Row {
        Row {
            what: what.into(),
            result: result.into(),
            target: target.to_owned(),
            ok: Some(ok),
        }
    }

    pub(crate) fn median(v: &[f64]) -> f64 {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        match s.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => s[n / 2],
            n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
        }
    }

    pub(crate) fn spread(v: &[f64]) -> String {
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!("{} ({}–{}, n={})", ms(median(v)), ms(min), ms(max), v.len())
    }

    pub(crate) fn ms(v: f64) -> String {
        if v >= 100.0 {
            format!("{v:.0} ms")
        } else {
            format!("{v:.1} ms")
        }
    }

    fn mb(bytes: f64) -> String {
        format!("{:.1} MB", bytes / 1e6)
    }

    pub(crate) fn thousands(n: usize) -> String {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    pub async fn main() -> Result<()> {
        let args = args()?;
        procs::preflight()?;
        let mut rows = Vec::new();
        if args.wants("size") {
            rows.extend(bytes::dist_rows()?);
        }
        if args.wants("bytes") {
            eprintln!("bench: bytes fetched before panel ready on a first visit…");
            rows.extend(bytes::first_screen().await?);
        }
        if args.wants("wire") {
            rows.extend(bytes::wire().await?);
        }
        if args.wants("cold2") {
            rows.extend(cold::versus_bare(args.loads).await?);
        }
        if args.wants("cold") {
            rows.extend(cold_start(args.loads).await?);
        }
        if args.wants("click") {
            rows.extend(cold::first_click(args.reps).await?);
        }
        if args.wants("groups") {
            for &n in &args.sizes {
                eprintln!("bench: a group of {} members…", thousands(n));
                rows.extend(group_of(n, args.reps, args.profile.as_deref()).await?);
            }
        }
        if args.wants("etag") {
            rows.extend(etag_save().await?);
        }
        if args.wants("person") {
            eprintln!("bench: a person's groups at 500 groups × 200 members…");
            rows.extend(person_groups(args.reps).await?);
        }
        if args.wants("cross") {
            eprintln!("bench: the review of a change across 50 groups…");
            rows.extend(cross_review(args.reps).await?);
        }
        let table = render(&rows, &machine(&args)?);
        println!("{table}");
        if let Some(doc) = &args.update_doc {
            update_doc(doc, &table, &args.only)?;
            eprintln!("bench: wrote the table into {}", doc.display());
        }
        let over: Vec<&str> = rows
            .iter()
            .filter(|r| r.ok == Some(false))
            .map(|r| r.what.as_str())
            .collect();
        ensure!(
            !args.strict || over.is_empty(),
            "--strict: over target: {}",
            over.join("; ")
        );
        Ok(())
    }

    /// Runs `body` with one browser on a fresh sandbox started with `sandbox_args`, and returns
    /// the rows it produced.
    async fn session<F, Fut>(name: &'static str, sandbox_args: &[&str], body: F) -> Result<Vec<Row>>
    where
        F: FnOnce(Panel, Arc<Mutex<Vec<Row>>>) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<()>> + Send + 'static,
    {
        let rows = Arc::new(Mutex::new(Vec::new()));
        let out = rows.clone();
        let options = Options::default()
            .args(sandbox_args)
            .browser_args(&[PRECISE_MEMORY])
            .timeout(Duration::from_secs(1800));
        run_with(name, options, move |mut panels| body(panels.remove(0), out)).await?;
        let rows = std::mem::take(&mut *rows.lock().map_err(|_| anyhow::anyhow!("poisoned"))?);
        Ok(rows)
    }

    fn push(rows: &Arc<Mutex<Vec<Row>>>, r: Row) {
        if let Ok(mut v) = rows.lock() {
            v.push(r);
        }
    }

    /// Navigation start → `panel-ready`, over `loads` loads in one browser with the HTTP cache
    /// off, then as many with it on: return visits either way, since the browser keeps its
    /// compiled code and connections (a first visit is `cold2`, [`cold::versus_bare`]).
    async fn cold_start(loads: usize) -> Result<Vec<Row>> {
        session("bench-cold-start", &[], move |p, rows| async move {
            cdp(&p.client, "Network.enable", json!({})).await?;
            for cached in [false, true] {
                cdp(&p.client, "Network.setCacheDisabled", json!({ "cacheDisabled": !cached }))
                    .await?;
                let mut ready = Vec::new();
                let mut wasm_at = Vec::new();
                for _ in 0..loads {
                    p.open().await?;
                    let marks = p.wait_marks("panel-ready", 0, STEP).await?;
                    ready.push(marks[0]);
                    let fetched = p
                        .js("const e = performance.getEntriesByType('resource').find(e => e.name.endsWith('.wasm')); return e ? e.responseEnd : null;")
                        .await?;
                    if let Some(t) = fetched.as_f64() {
                        wasm_at.push(t);
                    }
                }
                if cached {
                    push(&rows, row("return visit (browser reused, HTTP cache on): navigation → panel ready", spread(&ready)));
                    push(&rows, row("frame floor: a mark → next paint, no work (in every after-paint time)", spread(&frame_floor(&p).await?)));
                } else {
                    let m = median(&ready);
                    push(
                        &rows,
                        judged(
                            "return visit (browser reused, HTTP cache off): navigation → panel ready",
                            spread(&ready),
                            "median ≤100 ms",
                            m <= 100.0,
                        ),
                    );
                    push(
                        &rows,
                        row(
                            "  of which: navigation → wasm downloaded",
                            format!("median {}", ms(median(&wasm_at))),
                        ),
                    );
                }
            }
            Ok(())
        })
        .await
    }

    /// What the after-paint marks (`perf::mark_after_paint`) add when there is nothing to do:
    /// the wait for the next frame, its paint and the task after it; 20 times, at random
    /// moments within a frame.
    async fn frame_floor(p: &Panel) -> Result<Vec<f64>> {
        let v = p
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; const out = [];
                 const one = () => { const t0 = performance.now();
                   requestAnimationFrame(() => setTimeout(() => { out.push(performance.now() - t0);
                     if (out.length < 20) setTimeout(one, Math.random() * 20); else done(out); }, 0)); };
                 one();",
                Vec::new(),
            )
            .await
            .context("measuring the frame floor")?;
        Ok(v.as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default())
    }

    /// JS heap in use after a forced garbage collection, and the wasm linear memory's size.
    async fn memory(p: &Panel) -> Result<(f64, Option<f64>)> {
        cdp(&p.client, "HeapProfiler.collectGarbage", json!({})).await?;
        let v = p
            .js("return [performance.memory ? performance.memory.usedJSHeapSize : null, \
                 window.__benchWasm && window.__benchWasm.memory ? window.__benchWasm.memory.buffer.byteLength : null];")
            .await?;
        let heap = v[0]
            .as_f64()
            .context("performance.memory is not available")?;
        Ok((heap, v[1].as_f64()))
    }

    /// The main thread's time in long animation frames that began between `from` and `to`
    /// (page times, ms), as (all, rendering: from the frame's render start, i.e. animation
    /// frame callbacks, style and layout, to its end); `None` when the browser reports none.
    async fn long_frames(p: &Panel, from: f64, to: f64) -> Result<Option<(f64, f64)>> {
        let v = p.js("return window.__benchFrames || null;").await?;
        let Some(frames) = v.as_array() else {
            return Ok(None);
        };
        let (mut busy, mut render) = (0.0, 0.0);
        let mut any = false;
        for f in frames {
            let at = |i: usize| f[i].as_f64().unwrap_or(0.0);
            let (start, duration, render_start) = (at(0), at(1), at(2));
            if start + duration < from || start > to {
                continue;
            }
            any = true;
            busy += duration;
            if render_start > 0.0 {
                render += start + duration - render_start;
            }
        }
        Ok(any.then_some((busy, render)))
    }

    fn frames_row(what: String, frames: Option<(f64, f64)>) -> Row {
        row(
            what,
            match frames {
                Some((busy, render)) => format!(
                    "{} in long frames: tasks (wasm, JS, DOM calls) {}, rendering {}",
                    ms(busy),
                    ms(busy - render),
                    ms(render)
                ),
                None => "no long frames (none over 50 ms)".into(),
            },
        )
    }

    /// Requests the sandbox logged since the last [`e2e_harness::Control::clear_requests`].
    async fn requests(p: &Panel) -> Result<Vec<LoggedRequest>> {
        p.control.requests().await
    }

    /// How many requests repeat one sent before them in `log` (same method, path and query).
    fn repeated(log: &[LoggedRequest]) -> usize {
        let mut seen = Vec::new();
        let mut n = 0;
        for r in log {
            let k = (r.method.clone(), r.path.clone(), r.query.clone());
            if seen.contains(&k) {
                n += 1;
            } else {
                seen.push(k);
            }
        }
        n
    }

    fn describe(log: &[LoggedRequest]) -> String {
        log.iter()
            .map(|r| r.method.clone())
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// Starts a CPU profile (sampled every 200 µs) when `dir` is given.
    async fn profile_start(p: &Panel, dir: Option<&Path>) -> Result<()> {
        if dir.is_some() {
            cdp(&p.client, "Profiler.enable", json!({})).await?;
            cdp(
                &p.client,
                "Profiler.setSamplingInterval",
                json!({ "interval": 200 }),
            )
            .await?;
            cdp(&p.client, "Profiler.start", json!({})).await?;
        }
        Ok(())
    }

    /// Stops the profile, writes it as `DIR/NAME.cpuprofile` (Chromium DevTools opens it) and
    /// prints where the time went.
    async fn profile_stop(p: &Panel, dir: Option<&Path>, name: &str) -> Result<()> {
        let Some(dir) = dir else { return Ok(()) };
        let v = cdp(&p.client, "Profiler.stop", json!({})).await?;
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("{name}.cpuprofile"));
        std::fs::write(&path, v["profile"].to_string())?;
        eprintln!(
            "bench: profile {}\n{}",
            path.display(),
            profile_summary(&v["profile"])
        );
        Ok(())
    }

    /// Self time by function (top 15), from a DevTools CPU profile.
    fn profile_summary(profile: &Value) -> String {
        let empty = Vec::new();
        let nodes = profile["nodes"].as_array().unwrap_or(&empty);
        let samples = profile["samples"].as_array().unwrap_or(&empty);
        let deltas = profile["timeDeltas"].as_array().unwrap_or(&empty);
        let mut by_id = std::collections::HashMap::new();
        for n in nodes {
            let f = &n["callFrame"];
            let url = f["url"].as_str().unwrap_or_default();
            let file = url.rsplit('/').next().unwrap_or_default();
            let label = format!(
                "{} {}",
                f["functionName"].as_str().unwrap_or_default(),
                file
            );
            by_id.insert(n["id"].as_u64().unwrap_or(0), label.trim().to_owned());
        }
        let mut self_us: std::collections::HashMap<String, f64> = Default::default();
        let mut total = 0.0;
        // A sample's time is the delta to the next one.
        for (i, s) in samples.iter().enumerate() {
            let dt = deltas.get(i + 1).and_then(Value::as_f64).unwrap_or(0.0);
            let label = by_id
                .get(&s.as_u64().unwrap_or(0))
                .cloned()
                .unwrap_or_default();
            let label = if label.is_empty() {
                "(anonymous)".into()
            } else {
                label
            };
            *self_us.entry(label).or_default() += dt;
            total += dt;
        }
        let mut v: Vec<_> = self_us.into_iter().collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut out = format!(
            "  {:.0} ms sampled; self time by function:\n",
            total / 1000.0
        );
        for (label, us) in v.iter().take(15) {
            let _ = writeln!(out, "  {:>8.1} ms  {label}", us / 1000.0);
        }
        out
    }

    /// Load, filter, review diff, memory and save for a group of `n` members.
    async fn group_of(n: usize, reps: usize, profile: Option<&Path>) -> Result<Vec<Row>> {
        let size = n.to_string();
        let profile = profile.map(Path::to_path_buf);
        let args = ["--group-size", size.as_str()];
        let label = thousands(n);
        session("bench-group", &args, move |p, rows| async move {
            let profile = profile.as_deref();
            cdp(
                &p.client,
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": CAPTURE }),
            )
            .await?;
            p.connect().await?;
            let id = p.api.group_id_by_name("Scale test").await?;

            // Each load on a freshly opened page (the key kept in the tab): a first load into
            // the editor, as an admin opening the group meets it.
            let mut loads = Vec::new();
            let mut network = Vec::new();
            let mut load_log = Vec::new();
            let mut load_frames = None;
            for rep in 0..reps {
                p.open().await?;
                p.fill("Group ID", &id).await?;
                p.control.clear_requests().await?;
                if rep + 1 == reps {
                    profile_start(&p, profile).await?;
                }
                p.click("Load group").await?;
                let shown = p.wait_marks("group-load-shown", 0, STEP).await?;
                if rep + 1 == reps {
                    profile_stop(&p, profile, &format!("load-{n}")).await?;
                }
                let sent = p.marks("group-load-sent").await?;
                let (Some(s), Some(e)) = (sent.last(), shown.last()) else {
                    bail!("no group-load-sent mark");
                };
                loads.push(e - s);
                load_frames = long_frames(&p, *s, *e).await?;
                let fetch = p
                    .js("const e = performance.getEntriesByType('resource').filter(e => e.initiatorType === 'fetch' && e.name.includes('/groups/')).pop(); return e ? e.responseEnd - e.startTime : null;")
                    .await?;
                if let Some(t) = fetch.as_f64() {
                    network.push(t);
                }
                load_log = requests(&p).await?;
            }
            let (target, ok) = match n {
                10_000 => ("≤200 ms", Some(median(&loads) <= 200.0)),
                50_000 => ("≤1,000 ms", Some(median(&loads) <= 1000.0)),
                _ => ("", None),
            };
            let what = format!("{label} members: load (request sent → table shown, editable)");
            push(
                &rows,
                match ok {
                    Some(ok) => judged(what, spread(&loads), &format!("median {target}"), ok),
                    None => row(what, spread(&loads)),
                },
            );
            push(
                &rows,
                row(
                    format!("{label} members:   of which the GET (sent → answer received)"),
                    format!("median {}", ms(median(&network))),
                ),
            );
            push(
                &rows,
                frames_row(format!("{label} members:   main thread (last load)"), load_frames),
            );

            let (heap, wasm) = memory(&p).await?;
            let total = heap + wasm.unwrap_or(0.0);
            let result = match wasm {
                Some(w) => format!("{} (JS heap {} + wasm {})", mb(total), mb(heap), mb(w)),
                None => format!("JS heap {}, wasm memory not readable", mb(heap)),
            };
            let what = format!("{label} members: memory after load");
            push(
                &rows,
                if n == 50_000 {
                    judged(what, result, "≤60 MB", wasm.is_some() && total <= 60e6)
                } else {
                    row(what, result)
                },
            );

            p.control.clear_requests().await?;
            filter_keystrokes(&p, n, &label, &rows).await?;

            // Review: one member removed, then Save; the diff is timed between its marks.
            let remove = p
                .client
                .find(Locator::XPath("(//table//button[starts-with(@aria-label, 'Remove ')])[1]"))
                .await
                .context("the members table has no Remove button")?;
            p.reveal(&remove).await?;
            remove.click().await?;
            p.status_where("“Removed …”", |s| s.contains("Removed")).await?;
            let before = p.marks("review-diff-end").await?.len();
            p.click("Save").await?;
            let ends = p.wait_marks("review-diff-end", before, STEP).await?;
            let starts = p.marks("review-diff-start").await?;
            let (Some(s), Some(e)) = (starts.last(), ends.last()) else {
                bail!("no review-diff-start mark");
            };
            let diff = e - s;
            let what = format!("{label} members: review diff ({label} vs {} members)", thousands(n - 1));
            push(
                &rows,
                if n == 50_000 {
                    judged(what, ms(diff), "≤20 ms", diff <= 20.0)
                } else {
                    row(what, ms(diff))
                },
            );
            let screen_log = requests(&p).await?;

            // Save: requests and the panel's own time around them.
            p.control.clear_requests().await?;
            p.button("Confirm save").await?;
            profile_start(&p, profile).await?;
            p.click("Confirm save").await?;
            let shown = p.wait_marks("save-shown", 0, STEP).await?;
            profile_stop(&p, profile, &format!("save-{n}")).await?;
            let save_log = requests(&p).await?;
            let (own, net, whole) = save_times(&p, shown[0]).await?;
            push(
                &rows,
                row(
                    format!("{label} members: save, panel's own time (click → sent, answer → shown)"),
                    format!("{} (network {}, click → shown {})", ms(own), ms(net), ms(whole)),
                ),
            );
            let click = p.marks("save-click").await?.last().copied().unwrap_or(0.0);
            push(
                &rows,
                frames_row(
                    format!("{label} members:   main thread (save)"),
                    long_frames(&p, click, shown[0]).await?,
                ),
            );
            push(
                &rows,
                judged(
                    format!("{label} members: requests per save (Omni mode)"),
                    format!("{} ({})", save_log.len(), describe(&save_log)),
                    "≤2",
                    save_log.len() <= 2,
                ),
            );
            let repeats = repeated(&load_log) + repeated(&screen_log) + repeated(&save_log);
            push(
                &rows,
                judged(
                    format!("{label} members: requests repeated within a screen"),
                    format!(
                        "{repeats} (load: {}, filter + review: {}, save: {})",
                        describe_or_none(&load_log),
                        describe_or_none(&screen_log),
                        describe_or_none(&save_log)
                    ),
                    "0",
                    repeats == 0,
                ),
            );
            Ok(())
        })
        .await
    }

    fn describe_or_none(log: &[LoggedRequest]) -> String {
        if log.is_empty() {
            "none".into()
        } else {
            describe(log)
        }
    }

    /// From the save marks after the last `save-click`: the panel's own time (click → first
    /// request sent, between one answer and the next request, last answer → shown), the
    /// network time (each request sent → answered) and click → shown.
    async fn save_times(p: &Panel, shown: f64) -> Result<(f64, f64, f64)> {
        let click = *p
            .marks("save-click")
            .await?
            .last()
            .context("no save-click mark")?;
        let after = |v: Vec<f64>| v.into_iter().filter(|t| *t >= click).collect::<Vec<_>>();
        let sent = after(p.marks("save-sent").await?);
        let answered = after(p.marks("save-answered").await?);
        ensure!(
            !sent.is_empty() && sent.len() == answered.len(),
            "save marks do not pair up: sent {sent:?}, answered {answered:?}"
        );
        let mut own = sent[0] - click;
        let mut net = 0.0;
        for i in 0..sent.len() {
            net += answered[i] - sent[i];
            if i > 0 {
                own += sent[i] - answered[i - 1];
            }
        }
        own += shown - answered[answered.len() - 1];
        Ok((own, net, shown - click))
    }

    /// Keystrokes in the member filter, input → table updated, from the filter's own marks
    /// (`member-filter-input`, `member-filter-shown`); "n/a" until the panel has the filter.
    async fn filter_keystrokes(
        p: &Panel,
        n: usize,
        label: &str,
        rows: &Arc<Mutex<Vec<Row>>>,
    ) -> Result<()> {
        let what = format!("{label} members: member filter, one keystroke (input → table updated)");
        let target = if n == 50_000 { "max ≤16 ms" } else { "" };
        let na = |why: &str| Row {
            what: what.clone(),
            result: format!("n/a ({why})"),
            target: target.to_owned(),
            ok: None,
        };
        let has_field = p
            .js(&format!(
                "return Array.from(document.querySelectorAll('label')).some(l => l.textContent.trim() === {FILTER_LABEL:?});"
            ))
            .await?;
        if has_field.as_bool() != Some(true) {
            push(rows, na("no member filter yet"));
            return Ok(());
        }
        let field = p.textbox(FILTER_LABEL).await?;
        p.reveal(&field).await?;
        field.click().await?;
        let backspace = char::from(fantoccini::key::Key::Backspace).to_string();
        let keys: Vec<String> = FILTER_KEYS
            .chars()
            .map(String::from)
            .chain(FILTER_KEYS.chars().map(|_| backspace.clone()))
            .collect();
        let mut times = Vec::new();
        for k in &keys {
            let seen = p.marks("member-filter-shown").await?.len();
            field.send_keys(k).await?;
            let Ok(shown) = p
                .wait_marks("member-filter-shown", seen, Duration::from_secs(30))
                .await
            else {
                push(rows, na("the filter sets no member-filter-shown mark"));
                return Ok(());
            };
            let inputs = p.marks("member-filter-input").await?;
            let (Some(e), Some(s)) = (shown.last(), inputs.last()) else {
                push(rows, na("the filter sets no member-filter-input mark"));
                return Ok(());
            };
            times.push(e - s);
        }
        let max = times.iter().copied().fold(0.0, f64::max);
        let result = format!("{}, max {}", spread(&times), ms(max));
        push(
            rows,
            if n == 50_000 {
                judged(what, result, target, max <= 16.0)
            } else {
                row(what, result)
            },
        );
        Ok(())
    }

    /// A save on an RFC 7644 server with ETags: one request, carrying If-Match.
    async fn etag_save() -> Result<Vec<Row>> {
        session(
            "bench-etag-save",
            &["--mode", "rfc7644", "--group-size", "1000"],
            |p, rows| async move {
                p.connect().await?;
                let id = p.api.group_id_by_name("Scale test").await?;
                p.fill("Group ID", &id).await?;
                p.click("Load group").await?;
                p.wait_marks("group-load-shown", 0, STEP).await?;
                let remove = p
                    .client
                    .find(Locator::XPath(
                        "(//table//button[starts-with(@aria-label, 'Remove ')])[1]",
                    ))
                    .await
                    .context("the members table has no Remove button")?;
                // Not under the sticky save bar.
                p.reveal(&remove).await?;
                remove.click().await?;
                p.click("Save").await?;
                p.control.clear_requests().await?;
                p.click("Confirm save").await?;
                p.wait_marks("save-shown", 0, STEP).await?;
                let log = requests(&p).await?;
                let if_match = log.iter().all(|r| r.if_match.is_some());
                push(
                    &rows,
                    judged(
                        "requests per save (RFC 7644 server with ETags)",
                        format!(
                            "{} ({}{})",
                            log.len(),
                            describe(&log),
                            if if_match {
                                ", with If-Match"
                            } else {
                                ", without If-Match"
                            }
                        ),
                        "1, with If-Match",
                        log.len() == 1 && if_match,
                    ),
                );
                Ok(())
            },
        )
        .await
    }

    /// The id of the user whose userName is `email` (the sandbox's `userName eq` filter).
    async fn user_id(p: &Panel, email: &str) -> Result<String> {
        let filter = format!("userName eq \"{email}\"");
        let path = format!(
            "/users?filter={}",
            e2e_harness::api::percent_encode(&filter)
        );
        let (status, body) = p.api.send("GET", &path, None).await?;
        ensure!(status == 200, "GET {path} answered {status}: {body}");
        let v: Value = serde_json::from_str(&body).context("the users list is not JSON")?;
        v["Resources"][0]["id"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("the sandbox has no user {email}: {body}"))
    }

    /// Leaves the panel for about:blank: what the page was reading stops (the sandbox's log
    /// then holds only what comes next, once cleared), and the next open is a new page (from
    /// the same address a change of hash alone would not load it again).
    async fn leave(p: &Panel) -> Result<()> {
        // A page with unsaved changes asks before it goes; leave, as the admin would.
        let blank =
            tokio::time::timeout(Duration::from_secs(10), p.client.goto("about:blank")).await;
        if !matches!(blank, Ok(Ok(()))) {
            let _ = p.client.accept_alert().await;
        }
        Ok(())
    }

    /// Opens the panel afresh (after [`leave`]) at the person `id`'s page: a new page, so
    /// People's index is read again (once per page and connection; the key is kept in the
    /// tab), and straight there, so the Groups screen reads nothing meanwhile.
    async fn open_person(p: &Panel, id: &str) -> Result<()> {
        let url = format!("{}#/people/{id}", p.url.trim_end_matches('#'));
        p.client
            .goto(&url)
            .await
            .with_context(|| format!("opening {url}"))?;
        Ok(())
    }

    /// Whether `r` is a page of People's index (`GET /groups?startIndex=…&count=…`, members
    /// included; not the connection check, which leaves members out).
    fn is_index_page(r: &LoggedRequest) -> bool {
        let query = r.query.as_deref().unwrap_or_default();
        r.method == "GET"
            && r.path.to_lowercase().ends_with("/groups")
            && query.contains("startIndex")
            && !query.contains("excludedAttributes")
    }

    /// A person's page at 500 groups × 200 members (`--member-groups 500`, Bench Person in 50 of
    /// them): the index's last page added (`people-index-complete`) → the groups table painted
    /// (`person-groups-shown`), each on a fresh page; and the read itself: its list requests
    /// (the sandbox's log) and its wall time (the first list request's Resource Timing start →
    /// `people-index-complete`).
    async fn person_groups(reps: usize) -> Result<Vec<Row>> {
        let args = ["--member-groups", "500", "--member-group-size", "200"];
        session("bench-person-groups", &args, move |p, rows| async move {
            p.connect().await?;
            let id = user_id(&p, BENCH_PERSON).await?;
            let (mut shown_after, mut walls, mut lists) = (Vec::new(), Vec::new(), Vec::new());
            let mut arrived = Vec::new();
            for _ in 0..reps {
                leave(&p).await?;
                p.control.clear_requests().await?;
                open_person(&p, &id).await?;
                let shown = p.wait_marks("person-groups-shown", 0, STEP).await?;
                let complete = p.marks("people-index-complete").await?;
                let Some(&done) = complete.last() else {
                    bail!("the groups table was shown without a people-index-complete mark");
                };
                let Some(&at) = shown.iter().find(|t| **t >= done) else {
                    bail!("no person-groups-shown mark after people-index-complete");
                };
                shown_after.push(at - done);
                // The table is Bench Person's 50 groups, not a partial or empty one.
                let n = p.rows("Groups of Bench Person").await?.len();
                ensure!(n == 50, "the person's groups table has {n} rows, not 50");
                // The index's pages in Resource Timing: the first one's start, the last one's
                // last byte.
                let ends = p
                    .js("const e = performance.getEntriesByType('resource').filter(e => e.initiatorType === 'fetch' && new URL(e.name).pathname.toLowerCase().endsWith('/groups') && e.name.includes('startIndex') && !e.name.includes('excludedAttributes')); return e.length ? [e[0].startTime, e[e.length - 1].responseEnd] : null;")
                    .await?;
                if let (Some(first), Some(last)) = (ends[0].as_f64(), ends[1].as_f64()) {
                    walls.push(done - first);
                    arrived.push(at - last);
                }
                let log = requests(&p).await?;
                lists.push(log.iter().filter(|r| is_index_page(r)).count());
            }
            let m = median(&shown_after);
            push(
                &rows,
                judged(
                    "A person's groups at 500 groups × 200 members: last page → table shown",
                    spread(&shown_after),
                    "median ≤1 s",
                    m <= 1000.0,
                ),
            );
            let lists: Vec<String> = lists.iter().map(ToString::to_string).collect();
            push(
                &rows,
                row(
                    "  the read: list requests, first sent → index complete",
                    format!("{} requests; {}", lists.join(", "), spread(&walls)),
                ),
            );
            push(
                &rows,
                row(
                    "  the last page's answer received → table shown (parse, index, render)",
                    spread(&arrived),
                ),
            );
            Ok(())
        })
        .await
    }

    /// The review of removing Ravi Shankar from all his 50 groups (`--many-groups 49`):
    /// `cross-review-start` → `cross-review-end`, each on a fresh page. A "not measured" row
    /// while the panel has no such button or marks.
    async fn cross_review(reps: usize) -> Result<Vec<Row>> {
        session(
            "bench-cross-review",
            &["--many-groups", "49"],
            move |p, rows| async move {
                const WHAT: &str = "Review of a 50-group change: diff built";
                let not_measured = |why: String| Row {
                    what: WHAT.into(),
                    result: format!("not measured: {why}"),
                    target: "median ≤20 ms".into(),
                    ok: None,
                };
                p.connect().await?;
                let id = user_id(&p, RAVI).await?;
                let mut times = Vec::new();
                for _ in 0..reps {
                    leave(&p).await?;
                    open_person(&p, &id).await?;
                    p.wait_marks("person-groups-shown", 0, STEP).await?;
                    if !p.is_shown("button", "button", REMOVE_FROM_ALL).await? {
                        push(
                            &rows,
                            not_measured(format!(
                                "the person's page has no “{REMOVE_FROM_ALL}” button"
                            )),
                        );
                        return Ok(());
                    }
                    p.click(REMOVE_FROM_ALL).await?;
                    let Ok(ends) = p
                        .wait_marks("cross-review-end", 0, Duration::from_secs(30))
                        .await
                    else {
                        push(
                            &rows,
                            not_measured(format!(
                                "“{REMOVE_FROM_ALL}” sets no cross-review-end mark"
                            )),
                        );
                        return Ok(());
                    };
                    let starts = p.marks("cross-review-start").await?;
                    let (Some(s), Some(e)) = (starts.last(), ends.last()) else {
                        push(&rows, not_measured("no cross-review-start mark".into()));
                        return Ok(());
                    };
                    times.push(e - s);
                }
                let m = median(&times);
                push(
                    &rows,
                    judged(WHAT, spread(&times), "median ≤20 ms", m <= 20.0),
                );
                Ok(())
            },
        )
        .await
    }

    /// CPU, cores, memory, OS and browser.
    fn machine(args: &Args) -> Result<String> {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let model = cpuinfo
            .lines()
            .find_map(|l| {
                l.strip_prefix("model name")
                    .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
            })
            .unwrap_or_else(|| "unknown CPU".into());
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let mem_kb: f64 = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|r| r.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0.0);
        let os = std::fs::read_to_string("/etc/os-release")
            .unwrap_or_default()
            .lines()
            .find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_owned())
            })
            .unwrap_or_default();
        let version = |bin: &str| {
            std::process::Command::new(bin)
                .arg("--version")
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
                .unwrap_or_else(|e| format!("{bin}: {e}"))
        };
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let load: Vec<&str> = load.split_whitespace().take(3).collect();
        Ok(format!(
            "Machine: {model}, {cores} cores available, {:.1} GiB RAM, {os}; load average at the end {}\n\
             Browser: {}, headless (--headless=new), {PRECISE_MEMORY}; {}\n\
             Network: loopback (sandbox on 127.0.0.1, release build, serving dist/ uncompressed{})\n{}",
            mem_kb / 1024.0 / 1024.0,
            load.join(" "),
            version(procs::CHROMIUM),
            version(procs::CHROMEDRIVER),
            if args.wants("wire") {
                "; the wire rows through Debian's nginx and Caddy running deploy/'s configs, over http"
            } else {
                ""
            },
            bytes::compression_note(),
        ))
    }

    fn render(rows: &[Row], machine: &str) -> String {
        let w0 = rows
            .iter()
            .map(|r| r.what.chars().count())
            .max()
            .unwrap_or(0);
        let w1 = rows
            .iter()
            .map(|r| r.result.chars().count())
            .max()
            .unwrap_or(0);
        let w2 = rows
            .iter()
            .map(|r| r.target.chars().count())
            .max()
            .unwrap_or(0)
            .max(6);
        let pad =
            |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}  {}  {}  verdict",
            pad("measurement", w0),
            pad("result", w1),
            pad("target", w2)
        );
        let _ = writeln!(out, "{}", "-".repeat(w0 + w1 + w2 + 13));
        for r in rows {
            let verdict = match r.ok {
                Some(true) => "ok",
                Some(false) => "over",
                None => "",
            };
            let line = format!(
                "{}  {}  {}  {verdict}",
                pad(&r.what, w0),
                pad(&r.result, w1),
                pad(&r.target, w2)
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
        let _ = write!(out, "\n{machine}");
        out
    }

    /// Replaces what lies between the bench markers in `doc` with `table` (as a code block).
    /// A partial run (`--only`) writes between markers of its own, `<!-- bench:only=PARTS:start
    /// -->` … `:end -->`, added after the full table when missing, with the commit it measured;
    /// a full run replaces the full table and removes the partial ones (it holds their rows).
    fn update_doc(doc: &Path, table: &str, only: &[String]) -> Result<()> {
        let text =
            std::fs::read_to_string(doc).with_context(|| format!("reading {}", doc.display()))?;
        let new = if only.is_empty() {
            let mut text = replace_block(
                &text,
                "<!-- bench:start -->",
                "<!-- bench:end -->",
                table,
                None,
            )?;
            while let Some(a) = text.find("<!-- bench:only=") {
                let end = text[a..]
                    .find(":end -->")
                    .map(|e| a + e + ":end -->".len())
                    .context("a bench:only block has no end marker")?;
                let end = end + text[end..].len() - text[end..].trim_start_matches('\n').len();
                text.replace_range(a..end, "");
            }
            text
        } else {
            let mut parts: Vec<&str> = only.iter().map(String::as_str).collect();
            parts.sort_unstable();
            parts.dedup();
            let key = parts.join(",");
            let start = format!("<!-- bench:only={key}:start -->");
            let end = format!("<!-- bench:only={key}:end -->");
            let text = if text.contains(&start) {
                text
            } else {
                const FULL_END: &str = "<!-- bench:end -->";
                let at = text
                    .find(FULL_END)
                    .with_context(|| format!("{} has no {FULL_END} marker", doc.display()))?
                    + FULL_END.len();
                format!("{}\n\n{start}\n{end}{}", &text[..at], &text[at..])
            };
            let note = format!(
                "Partial run: `scripts/bench --only {}` at commit {}.\n\n",
                only.join(","),
                commit()
            );
            replace_block(&text, &start, &end, table, Some(&note))?
        };
        std::fs::write(doc, new).with_context(|| format!("writing {}", doc.display()))
    }

    /// `text` with what lies between `start` and `end` replaced by `note` and `table` as a code
    /// block.
    fn replace_block(
        text: &str,
        start: &str,
        end: &str,
        table: &str,
        note: Option<&str>,
    ) -> Result<String> {
        let (Some(a), Some(b)) = (text.find(start), text.find(end)) else {
            bail!("no {start} … {end} block");
        };
        ensure!(a < b, "{start} comes after {end}");
        Ok(format!(
            "{}{start}\n{}```\n{table}\n```\n{}",
            &text[..a],
            note.unwrap_or_default(),
            &text[b..]
        ))
    }

    /// The commit measured (short hash, "+ changes" when the tree differs from it).
    fn commit() -> String {
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .args(args)
                .current_dir(procs::workspace_root())
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        };
        let hash = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
        match git(&["status", "--porcelain", "--untracked-files=no"]) {
            Some(s) if !s.is_empty() => format!("{hash} (with uncommitted changes)"),
            _ => hash,
        }
    }
}
