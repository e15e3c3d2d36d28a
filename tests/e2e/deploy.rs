//! Deployment tests: the built panel behind real nginx (Debian's package, `deploy/nginx.conf`)
//! in headless Chromium, saving through nginx's same-origin proxy to the sandbox, with the
//! security headers the browser received checked; `deploy/Caddyfile` run by real Caddy and
//! checked over HTTP; the harness's Content Security Policy check shown to fail; and the build's
//! CSP hook (scripts/csp.py) on pages it must refuse.
//!
//! Needs, besides what every e2e module needs (tests/e2e/main.rs), /usr/sbin/nginx and
//! /usr/bin/caddy (scripts/setup).
use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, ensure, Context, Result};
use e2e_harness::api::{request, request_bytes, Answer};
use e2e_harness::nginx::{Front, CADDY, NGINX};
use e2e_harness::procs::{self, Sandbox};
use e2e_harness::{csp, eventually, exclusive, run, Options};
use serde_json::{json, Value};

const YEAR_IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The policy the built index.html carries, and the header policy every server must send: the
/// same plus frame-ancestors, which a meta tag cannot carry.
fn policies() -> Result<(String, String)> {
    let html = std::fs::read_to_string(procs::dist_dir().join("index.html"))
        .context("reading dist/index.html")?;
    let meta = procs::meta_policy(&html)?;
    let header = format!("{meta}; frame-ancestors 'none'");
    Ok((meta, header))
}

fn need(tool: &str) -> Result<()> {
    ensure!(
        Path::new(tool).is_file(),
        "{tool} is missing; scripts/setup installs it"
    );
    Ok(())
}

/// Headers every page and asset must carry, whichever server sends them.
fn check_security_headers(what: &str, h: &BTreeMap<String, String>, csp: &str) -> Result<()> {
    let get = |name: &str| h.get(name).map(String::as_str).unwrap_or("(missing)");
    ensure!(
        get("content-security-policy") == csp,
        "{what}: Content-Security-Policy is\n  {}\nexpected\n  {csp}",
        get("content-security-policy")
    );
    for (name, want) in [
        ("referrer-policy", "no-referrer"),
        ("x-content-type-options", "nosniff"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        ensure!(get(name) == want, "{what}: {name} is {:?}", get(name));
    }
    ensure!(
        get("permissions-policy").contains("camera=()"),
        "{what}: Permissions-Policy is {:?}",
        get("permissions-policy")
    );
    Ok(())
}

/// One plain HTTP request (no browser), with the key when given.
async fn http(method: &str, url: &str, key: Option<&str>, body: Option<String>) -> Result<Answer> {
    let mut headers = Vec::new();
    if let Some(k) = key {
        headers.push(("Authorization", format!("Bearer {k}")));
    }
    if body.is_some() {
        headers.push(("Content-Type", "application/scim+json".to_owned()));
    }
    request(method, url, &headers, body).await
}

/// What any front server must do, checked over plain HTTP: headers and caching of the page, a
/// hashed asset and the guide; build-time header files not served; the API proxied without
/// caching, including a PUT the size of a 50,000-member group.
async fn check_front_over_http(origin: &str, key: &str) -> Result<()> {
    let (_, header_csp) = policies()?;

    let page = http("GET", &format!("{origin}/"), None, None).await?;
    ensure!(page.status == 200, "GET / answered {}", page.status);
    check_security_headers("GET /", &page.headers, &header_csp)?;
    ensure!(
        page.headers.get("cache-control").map(String::as_str) == Some("no-cache"),
        "GET / Cache-Control: {:?}",
        page.headers.get("cache-control")
    );

    let wasm = std::fs::read_dir(procs::dist_dir())?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with("_bg.wasm"))
        .context("dist/ has no .wasm")?;
    let asset = http("GET", &format!("{origin}/{wasm}"), None, None).await?;
    ensure!(asset.status == 200, "GET /{wasm} answered {}", asset.status);
    check_security_headers(&wasm, &asset.headers, &header_csp)?;
    ensure!(
        asset.headers.get("cache-control").map(String::as_str) == Some(YEAR_IMMUTABLE),
        "{wasm} Cache-Control: {:?}",
        asset.headers.get("cache-control")
    );
    ensure!(
        asset.headers.get("content-type").map(String::as_str) == Some("application/wasm"),
        "{wasm} Content-Type: {:?}",
        asset.headers.get("content-type")
    );

    let guide = http("GET", &format!("{origin}/deploy.md"), None, None).await?;
    ensure!(
        guide.status == 200,
        "GET /deploy.md answered {}",
        guide.status
    );
    ensure!(
        guide.headers.get("content-type").map(String::as_str) == Some("text/plain; charset=utf-8"),
        "deploy.md Content-Type: {:?}",
        guide.headers.get("content-type")
    );
    ensure!(
        guide.body.starts_with("# Deploying omni-scim-panel"),
        "deploy.md starts: {:?}",
        guide.body.get(..60)
    );

    check_precompressed(origin, &header_csp).await?;

    for hidden in ["/_headers", "/.csp/nginx.conf", "/.csp/Caddyfile"] {
        let a = http("GET", &format!("{origin}{hidden}"), None, None).await?;
        ensure!(a.status == 404, "GET {hidden} answered {}", a.status);
    }

    let api = format!("{origin}/api/scim/v2");
    let refused = http("GET", &format!("{api}/groups"), None, None).await?;
    ensure!(
        refused.status == 401,
        "GET /groups without a key answered {} through the proxy",
        refused.status
    );
    let list = http("GET", &format!("{api}/groups?count=100"), Some(key), None).await?;
    ensure!(
        list.status == 200,
        "GET /groups answered {}: {}",
        list.status,
        list.body
    );
    ensure!(
        list.headers.get("cache-control").map(String::as_str) == Some("no-store"),
        "API Cache-Control: {:?}",
        list.headers.get("cache-control")
    );

    // 50,000 members (one user, repeated: the sandbox collapses duplicates) is ~4.5 MB, over
    // nginx's 1 MB default body limit.
    let list: Value = serde_json::from_str(&list.body)?;
    let new_hires = list["Resources"]
        .as_array()
        .and_then(|gs| gs.iter().find(|g| g["displayName"] == "New hires"))
        .and_then(|g| g["id"].as_str())
        .context("no New hires group")?
        .to_owned();
    check_model_roles_forwarded_alone(origin, key, &new_hires).await?;
    let users = http("GET", &format!("{api}/users?count=1"), Some(key), None).await?;
    let users: Value = serde_json::from_str(&users.body)?;
    let user = users["Resources"][0]["id"]
        .as_str()
        .context("no user")?
        .to_owned();
    let member = json!({ "value": user, "display": "someone.with.a.long.name@blobsrus.co" });
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "New hires",
        "members": vec![member; 50_000],
    })
    .to_string();
    ensure!(
        body.len() > 4_000_000,
        "PUT body is only {} bytes",
        body.len()
    );
    let size = body.len();
    let put = http(
        "PUT",
        &format!("{api}/groups/{new_hires}"),
        Some(key),
        Some(body),
    )
    .await?;
    ensure!(
        put.status == 200,
        "a {size}-byte PUT answered {} through the proxy: {}",
        put.status,
        put.body.get(..300).unwrap_or(&put.body)
    );
    Ok(())
}

/// The files of dist/ a browser loads first, as (URL path, file name, Cache-Control): the page
/// (as `/`, which browsers ask for), a hashed script, the wasm and the style sheet.
fn loaded_files() -> Result<Vec<(String, String, &'static str)>> {
    let mut names: Vec<String> = std::fs::read_dir(procs::dist_dir())?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut out = vec![("/".to_owned(), "index.html".to_owned(), "no-cache")];
    for suffix in [".js", "_bg.wasm", ".css"] {
        let name = names
            .iter()
            .find(|n| n.ends_with(suffix))
            .with_context(|| format!("dist/ has no *{suffix}"))?;
        out.push((format!("/{name}"), name.clone(), YEAR_IMMUTABLE));
    }
    Ok(out)
}

/// What Chromium loaded through nginx is the build's pre-compressed copies, byte for byte:
/// `encoded` is `[[path, encodedBodySize], …]` of the page's navigation and resources; the page
/// and a wasm module at least. Chromium asks for Brotli on loopback although it is plain http
/// (browsers have asked for it over HTTPS only; the HTTP checks cover the `.gz` copies too).
fn check_browser_got_precompressed(encoded: &Value) -> Result<()> {
    let mut checked = Vec::new();
    for e in encoded.as_array().into_iter().flatten() {
        let (Some(path), Some(got)) = (e[0].as_str(), e[1].as_u64()) else {
            bail!("unexpected resource entry: {e}");
        };
        let name = match path.strip_prefix('/') {
            Some("") => "index.html",
            Some(n) if !n.contains('/') && procs::dist_dir().join(format!("{n}.gz")).is_file() => n,
            _ => continue,
        };
        let (br, gz) = precompressed(name)?;
        ensure!(
            got == br.len() as u64,
            "Chromium received {got} bytes for {path}; dist/{name}.gz has {}, .br {}",
            gz.len(),
            br.len()
        );
        checked.push(name.to_owned());
    }
    ensure!(
        checked.iter().any(|n| n == "index.html") && checked.iter().any(|n| n.ends_with(".wasm")),
        "the page and a wasm module should have been loaded pre-compressed; checked {checked:?} \
         of {encoded}"
    );
    Ok(())
}

/// The pre-compressed copies scripts/build writes beside a dist/ file: `(.br, .gz)` bytes.
fn precompressed(name: &str) -> Result<(Vec<u8>, Vec<u8>)> {
    let read = |ext: &str| {
        let path = procs::dist_dir().join(format!("{name}.{ext}"));
        std::fs::read(&path).with_context(|| {
            format!(
                "reading {} (written by scripts/build's scripts/precompress)",
                path.display()
            )
        })
    };
    Ok((read("br")?, read("gz")?))
}

/// The server sends the build's pre-compressed files byte for byte: the `.br` file to a client
/// that takes Brotli, the `.gz` file to one that takes only gzip, the file itself to one that
/// takes neither; with `Vary: Accept-Encoding` and the file's own Content-Type, Cache-Control
/// and security headers. On-the-fly compression would send other bytes (nginx's default level
/// is ~18% bigger than gzip -9), and no Brotli at all from nginx.
async fn check_precompressed(origin: &str, header_csp: &str) -> Result<()> {
    let mut files = loaded_files()?;
    // The guide keeps its text/plain type when sent compressed.
    files.push(("/deploy.md".to_owned(), "deploy.md".to_owned(), "no-cache"));
    for (path, name, cache_control) in files {
        let plain = std::fs::read(procs::dist_dir().join(&name))?;
        let (br, gz) = precompressed(&name)?;
        let mut content_type = None;
        for (accept, encoding, want) in [
            (None, None, &plain),
            (Some("br, gzip"), Some("br"), &br),
            (Some("gzip"), Some("gzip"), &gz),
        ] {
            let what = format!("GET {path} with Accept-Encoding {accept:?}");
            let headers: Vec<(&str, String)> = accept
                .map(|a| ("Accept-Encoding", a.to_owned()))
                .into_iter()
                .collect();
            let a = request_bytes("GET", &format!("{origin}{path}"), &headers, None).await?;
            let h = |n: &str| a.headers.get(n).map(String::as_str);
            ensure!(a.status == 200, "{what} answered {}", a.status);
            ensure!(
                h("content-encoding") == encoding,
                "{what}: Content-Encoding {:?}, expected {encoding:?}",
                h("content-encoding")
            );
            ensure!(
                a.body == *want,
                "{what}: {} bytes sent, not dist/{name}{} ({} bytes)",
                a.body.len(),
                encoding.map_or("", |e| if e == "br" { ".br" } else { ".gz" }),
                want.len()
            );
            if encoding.is_some() {
                ensure!(
                    h("vary").is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
                    "{what}: Vary is {:?}",
                    h("vary")
                );
            }
            ensure!(
                h("cache-control") == Some(cache_control),
                "{what}: Cache-Control {:?}",
                h("cache-control")
            );
            check_security_headers(&what, &a.headers, header_csp)?;
            // Every encoding has the type of the file itself.
            let ct = h("content-type").unwrap_or("(missing)").to_owned();
            match &content_type {
                None => content_type = Some(ct),
                Some(first) => ensure!(
                    *first == ct,
                    "{what}: Content-Type {ct}, the file itself is sent as {first}"
                ),
            }
        }
    }
    Ok(())
}

/// Of Omni's REST API only `GET /api/v1/user-groups/<id>/model-roles` is forwarded (what a
/// group grants), with the SCIM location's rules; other /api/v1 paths, which the sandbox would
/// answer with the key, and other methods are not.
async fn check_model_roles_forwarded_alone(origin: &str, key: &str, group: &str) -> Result<()> {
    let roles = format!("{origin}/api/v1/user-groups/{group}/model-roles");
    let a = http("GET", &roles, Some(key), None).await?;
    ensure!(
        a.status == 200,
        "GET model-roles answered {}: {}",
        a.status,
        a.body
    );
    let v: Value = serde_json::from_str(&a.body)?;
    ensure!(
        v["userGroupId"] == group && v["results"].is_array(),
        "model-roles body: {v}"
    );
    ensure!(
        a.headers.get("cache-control").map(String::as_str) == Some("no-store"),
        "model-roles Cache-Control: {:?}",
        a.headers.get("cache-control")
    );
    let refused = http("GET", &roles, None, None).await?;
    ensure!(
        refused.status == 401,
        "model-roles without a key answered {} through the proxy",
        refused.status
    );
    let put = http("PUT", &roles, Some(key), Some("{}".into())).await?;
    ensure!(
        [403, 404, 405].contains(&put.status),
        "PUT model-roles answered {} (only GET is forwarded)",
        put.status
    );
    for other in [
        "/api/v1/user-attributes".to_owned(),
        format!("/api/v1/user-groups/{group}"),
        format!("/api/v1/user-groups/{group}/model-roles/x"),
        "/api/v1/users".to_owned(),
    ] {
        let a = http("GET", &format!("{origin}{other}"), Some(key), None).await?;
        ensure!(
            a.status == 404,
            "GET {other} answered {}: it must not be forwarded",
            a.status
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_serves_the_panel_with_strict_headers_and_proxies_a_save() -> Result<()> {
    need(NGINX)?;
    run("deploy-nginx", |p| async move {
        let sandbox_origin = p.url.trim_end_matches('/').to_owned();
        let nginx = Front::nginx(&sandbox_origin)?;
        let result = async {
            let mut p = p;
            p.url = nginx.panel_url();
            p.open().await?;
            // The same-origin base URL: nginx forwards it to the sandbox.
            p.connect().await?;
            let id = p.api.group_id_by_name("Engineering").await?;
            let before: e2e_harness::Group = p.api.group(&id).await?;
            p.open_group(&id, "Engineering", before.members.len())
                .await?;
            p.fill("Display name", "Engineering via nginx").await?;
            p.click("Save").await?;
            p.click("Confirm save").await?;
            p.status_where("Saved", |s| s.contains("Saved")).await?;
            p.screenshot_showing("saved", "Saved").await?;

            let after = p.api.group(&id).await?;
            ensure!(
                after.display_name == "Engineering via nginx",
                "the sandbox holds {:?}",
                after.display_name
            );
            let put_path = format!("/api/scim/v2/groups/{id}");
            let log = p.control.requests().await?;
            ensure!(
                log.iter()
                    .any(|r| r.method == "PUT" && r.path == put_path && r.status == 200),
                "the sandbox saw no PUT {put_path}: {}",
                e2e_harness::requests_text(&log)
            );
            let access = nginx.access_log();
            ensure!(
                access.contains("\"PUT /api/scim/v2/groups/"),
                "nginx's access log has no PUT:\n{access}"
            );
            ensure!(
                !access.contains(&p.key) && !nginx.logs().contains(&p.key),
                "nginx logged the API key"
            );

            // What the browser received: the page, its assets and the guide, fetched by the
            // page itself; and which origins it loaded anything from.
            let (meta, header_csp) = policies()?;
            let seen = p
                .client
                .execute_async(
                    r#"const done = arguments[arguments.length - 1];
                    const entries = performance.getEntriesByType('navigation')
                        .concat(performance.getEntriesByType('resource'));
                    const loaded = entries.map(e => e.name);
                    // Bytes as they came over the wire (the body before decoding).
                    const encoded = entries.map(e => [new URL(e.name).pathname, e.encodedBodySize]);
                    const get = async (url) => {
                        const r = await fetch(url, { cache: 'no-store' });
                        const headers = {};
                        r.headers.forEach((v, k) => { headers[k] = v; });
                        return { url, status: r.status, headers };
                    };
                    const href = (sel) => new URL(document.querySelector(sel).getAttribute('href'), location.href).href;
                    (async () => ({
                        origin: location.origin,
                        loaded,
                        encoded,
                        meta: document.querySelector('meta[http-equiv="Content-Security-Policy"]').content,
                        page: await get(location.href),
                        assets: [
                            await get(href('link[rel=modulepreload]')),
                            await get(href('link[rel=preload][as=fetch]')),
                            await get(href('link[rel=stylesheet]')),
                        ],
                        guide: await get(new URL('deploy.md', location.href).href),
                    }))().then(done, (e) => done({ error: String(e) }));"#,
                    Vec::new(),
                )
                .await
                .context("fetching the page and its assets in the page")?;
            if let Some(e) = seen.get("error") {
                bail!("fetching in the page failed: {e}");
            }
            let headers = |v: &Value| -> BTreeMap<String, String> {
                v["headers"]
                    .as_object()
                    .map(|o| {
                        o.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            ensure!(
                seen["meta"] == meta.as_str(),
                "the page's meta policy is {}, dist/index.html has {meta}",
                seen["meta"]
            );
            let page = headers(&seen["page"]);
            check_security_headers("the page", &page, &header_csp)?;
            ensure!(
                page.get("cache-control").map(String::as_str) == Some("no-cache"),
                "the page's Cache-Control: {:?}",
                page.get("cache-control")
            );
            for asset in seen["assets"].as_array().into_iter().flatten() {
                let h = headers(asset);
                let url = asset["url"].as_str().unwrap_or_default();
                check_security_headers(url, &h, &header_csp)?;
                ensure!(
                    h.get("cache-control").map(String::as_str) == Some(YEAR_IMMUTABLE),
                    "{url} Cache-Control: {:?}",
                    h.get("cache-control")
                );
            }
            ensure!(
                seen["guide"]["status"] == 200
                    && headers(&seen["guide"]).get("content-type").map(String::as_str)
                        == Some("text/plain; charset=utf-8"),
                "the guide (deploy.md, relative to the page): {}",
                seen["guide"]
            );
            let origin = seen["origin"].as_str().unwrap_or_default();
            let loaded: Vec<&str> = seen["loaded"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            ensure!(
                loaded.iter().any(|u| u.ends_with(".wasm")),
                "no wasm among the loaded resources: {loaded:?}"
            );
            check_browser_got_precompressed(&seen["encoded"])?;
            let foreign: Vec<_> = loaded
                .iter()
                .filter(|u| !u.starts_with(&format!("{origin}/")))
                .collect();
            ensure!(foreign.is_empty(), "requests to other origins: {foreign:?}");

            check_front_over_http(&nginx.origin, &p.key).await
        }
        .await;
        result.with_context(|| format!("nginx logs:\n{}", nginx.logs()))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caddy_serves_the_same_headers_and_proxies_the_api() -> Result<()> {
    need(CADDY)?;
    procs::preflight()?;
    let _turn = exclusive().await;
    let key = procs::random_key();
    let sandbox = Sandbox::start(&key).await?;
    let caddy = Front::caddy(&sandbox.origin)?;
    let checked = check_front_over_http(&caddy.origin, &key)
        .await
        .and_then(|()| {
            // Caddy warns about an unformatted Caddyfile: keep the shipped one `caddy fmt` clean.
            ensure!(
                !caddy.logs().contains("not formatted"),
                "Caddy says deploy/Caddyfile is not formatted (run caddy fmt)"
            );
            Ok(())
        });
    checked.with_context(|| {
        format!(
            "caddy output:\n{}\nsandbox:\n{}",
            caddy.logs(),
            sandbox.log.tail(20)
        )
    })
}

/// The harness's CSP check can fail: a blocked inline script, inline style, eval and a
/// connection to a host the policy does not allow are each reported, and fail the check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csp_blocks_inline_code_and_foreign_hosts_and_the_check_reports_it() -> Result<()> {
    run("csp-check", |p| async move {
        csp::check(&p.client).await?;
        p.js("const s = document.createElement('script');
              s.textContent = 'window.__injected = true;';
              document.head.appendChild(s);
              const d = document.createElement('div');
              d.setAttribute('style', 'color: red');
              document.body.appendChild(d);
              setTimeout('window.__evaluated = true', 0);
              fetch('https://example.com/').catch(() => {});
              return null;")
            .await?;
        let directives = [
            "script-src-elem",
            "style-src-attr",
            "script-src",
            "connect-src",
        ];
        let (client, directives) = (&p.client, &directives);
        let seen = eventually("the four violations to be reported", || async move {
            let v = csp::violations(client)
                .await
                .map_err(|e| e.to_string())?
                .unwrap_or_default();
            if directives
                .iter()
                .all(|d| v.iter().any(|l| l.starts_with(&format!("{d} "))))
            {
                Ok(v)
            } else {
                Err(format!("{v:?}"))
            }
        })
        .await?;
        let ran = p
            .js("return [window.__injected === true, window.__evaluated === true];")
            .await?;
        ensure!(ran == json!([false, false]), "blocked code ran: {ran}");
        let Err(failure) = csp::check(&p.client).await else {
            bail!("csp::check passed with violations recorded: {seen:?}");
        };
        ensure!(
            failure
                .to_string()
                .contains("Content Security Policy violation(s)"),
            "unexpected failure: {failure}"
        );
        // Recorded on purpose: the harness's end-of-test check would fail the test otherwise.
        csp::clear(&p.client).await
    })
    .await
}

/// `Options::connect_src` widens the served copy's `connect-src`, so a test can call a second,
/// cross-origin sandbox (which allows the panel's origin by CORS) without a CSP violation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_src_option_lets_the_panel_call_another_origin() -> Result<()> {
    let options = Options::default().connect_src("http://127.0.0.1:*");
    e2e_harness::run_with("csp-connect-src", options, |mut panels| async move {
        let p = panels.remove(0);
        let meta = p
            .js("return document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content;")
            .await?;
        ensure!(
            meta.as_str()
                .is_some_and(|m| m.contains("; connect-src 'self' http://127.0.0.1:*;")),
            "the served policy is {meta}"
        );
        let panel_origin = p.url.trim_end_matches('/').to_owned();
        let key = procs::random_key();
        let other =
            Sandbox::start_with(&key, &["--cors-origin".to_owned(), panel_origin]).await?;
        p.fill("SCIM base URL", &other.api_base()).await?;
        p.fill("API key", &key).await?;
        p.click("Connect").await?;
        p.status_where("Connected", e2e_harness::is_connected).await?;
        Ok(())
    })
    .await
}

/// Runs scripts/csp.py on a folder holding `html` as index.html: (success, stderr, the
/// rewritten index.html, the nginx header snippet).
fn run_csp_hook(html: &str, connect_src: Option<&str>) -> Result<(bool, String, String, String)> {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("index.html"), html)?;
    let mut cmd = std::process::Command::new("python3");
    cmd.arg(procs::workspace_root().join("scripts/csp.py"))
        .arg(dir.path())
        .env_remove("OMNI_SCIM_CONNECT_SRC");
    if let Some(c) = connect_src {
        cmd.env("OMNI_SCIM_CONNECT_SRC", c);
    }
    let out = cmd.output().context("running python3 scripts/csp.py")?;
    let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap_or_default();
    Ok((
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        read("index.html"),
        read(".csp/nginx.conf"),
    ))
}

/// The build hook writes one policy into the page and the header snippet, and fails the build,
/// saying why, on whatever the policy would break or cannot cover.
#[test]
fn csp_hook_writes_the_policy_and_fails_loudly() -> Result<()> {
    const PLACEHOLDER: &str =
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'\">";
    let page = |body: &str| format!("<!doctype html><meta charset=utf-8>{PLACEHOLDER}{body}");

    let (ok, err, html, nginx) = run_csp_hook(&page("<script type=module>go()</script>"), None)?;
    ensure!(ok, "the hook failed on a good page: {err}");
    let meta = procs::meta_policy(&html)?;
    ensure!(
        meta.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-")
            && meta.contains("connect-src 'self' https://*.omniapp.co;")
            && !meta.contains("unsafe-inline"),
        "policy: {meta}"
    );
    ensure!(
        nginx.contains(&format!("\"{meta}; frame-ancestors 'none'\"")),
        "the nginx snippet does not carry the page's policy:\n{nginx}"
    );
    let (ok, err, html, _) = run_csp_hook(&page("<script>go()</script>"), Some(""))?;
    ensure!(
        ok && procs::meta_policy(&html)?.contains("connect-src 'self';"),
        "an empty OMNI_SCIM_CONNECT_SRC should allow only 'self': {err}"
    );

    for (what, html, env, says) in [
        (
            "no loader",
            page("<script src=/a.js></script>"),
            None,
            "no inline <script>",
        ),
        (
            "no placeholder",
            "<!doctype html><script>go()</script>".to_owned(),
            None,
            "exactly one",
        ),
        (
            "a script before the policy",
            format!("<!doctype html><script>go()</script>{PLACEHOLDER}"),
            None,
            "before every script",
        ),
        (
            "an inline style",
            page("<p style=\"color:red\">x</p><script>go()</script>"),
            None,
            "inline style",
        ),
        (
            "a <style> element",
            page("<style>p{}</style><script>go()</script>"),
            None,
            "<style>",
        ),
        (
            "a source that is not an origin",
            page("<script>go()</script>"),
            Some("'unsafe-inline'"),
            "is not an origin",
        ),
    ] {
        let (ok, err, _, _) = run_csp_hook(&html, env)?;
        ensure!(
            !ok && err.contains(says),
            "with {what}, the hook {} and said: {err}",
            if ok { "succeeded" } else { "failed" }
        );
    }
    Ok(())
}
