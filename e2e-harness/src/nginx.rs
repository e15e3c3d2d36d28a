//! Real front servers for the deployment tests: Debian's nginx running `deploy/nginx.conf` and
//! Caddy running `deploy/Caddyfile`, each rendered with only what a test machine must change
//! (listen address, dist/ path, the upstream: the sandbox instead of Omni; no TLS) and started
//! as this user on loopback, with their files in a temporary folder.

use std::net::TcpStream;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::procs::{dist_dir, workspace_root};

pub const NGINX: &str = "/usr/sbin/nginx";
pub const CADDY: &str = "/usr/bin/caddy";
/// nginx's Brotli module (Debian: libnginx-mod-http-brotli-static), for `brotli_static` in
/// `deploy/nginx.conf`. Debian's own main config loads it from /etc/nginx/modules-enabled with a
/// path relative to nginx's prefix, which the tests' `-p` changes: so the tests' main config
/// loads it by this full path.
pub const NGINX_BROTLI_STATIC: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";
/// Where the shipped configs expect dist/, and the Omni origin they forward to.
const DIST_IN_CONFIG: &str = "/srv/omni-scim-panel/dist";
const OMNI_IN_CONFIG: &str = "https://INSTANCE.omniapp.co";
const STARTUP: Duration = Duration::from_secs(20);

/// A free loopback port (free when probed; the server takes it a moment later).
fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .context("finding a free port")?
        .port())
}

fn read_config(name: &str) -> Result<String> {
    let path = workspace_root().join("deploy").join(name);
    std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
}

/// `text` with `from` replaced, which must occur `times` times: a config whose shape changed
/// fails here rather than being tested half-rendered.
fn substitute(text: &str, from: &str, to: &str, times: usize) -> Result<String> {
    let found = text.matches(from).count();
    if found != times {
        bail!("expected {from:?} {times} time(s) in the deploy config, found {found}");
    }
    Ok(text.replace(from, to))
}

/// `deploy/nginx.conf` for this machine: listening on 127.0.0.1:`port` without TLS (the
/// `listen` and `ssl_certificate*` lines), serving `dist`, forwarding to `upstream`.
pub fn render_nginx(port: u16, dist: &Path, upstream: &str) -> Result<String> {
    let text = read_config("nginx.conf")?;
    let text = substitute(&text, DIST_IN_CONFIG, &dist.display().to_string(), 2)?;
    // Twice: /api/scim/v2/ and the model-roles path.
    let text = substitute(&text, OMNI_IN_CONFIG, upstream, 2)?;
    let mut out = Vec::new();
    let mut listens = 0;
    let mut certs = 0;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("listen ") {
            if listens == 0 {
                out.push(format!("    listen 127.0.0.1:{port};"));
            }
            listens += 1;
        } else if t.starts_with("ssl_certificate") {
            certs += 1;
        } else {
            out.push(line.to_owned());
        }
    }
    if listens == 0 || certs == 0 {
        bail!("deploy/nginx.conf has no listen or ssl_certificate lines to replace");
    }
    Ok(out.join("\n"))
}

/// `deploy/Caddyfile` for this machine: site address `http://127.0.0.1:port` (plain http, so
/// no certificate is sought), serving `dist`, forwarding to `upstream`; no admin endpoint.
pub fn render_caddy(port: u16, dist: &Path, upstream: &str) -> Result<String> {
    let text = read_config("Caddyfile")?;
    let text = substitute(&text, DIST_IN_CONFIG, &dist.display().to_string(), 2)?;
    let text = substitute(&text, OMNI_IN_CONFIG, upstream, 1)?;
    let text = substitute(
        &text,
        "\npanel.example.com {",
        &format!("\nhttp://127.0.0.1:{port} {{"),
        1,
    )?;
    Ok(format!("{{\n\tadmin off\n}}\n\n{text}"))
}

/// A front server process, stopped when dropped.
pub struct Front {
    child: Child,
    /// Holds the config, logs, pid and temporary files.
    dir: tempfile::TempDir,
    /// e.g. `http://127.0.0.1:41234`
    pub origin: String,
    stop: Option<Vec<String>>,
}

impl Front {
    /// nginx with `deploy/nginx.conf` in a minimal main config (pid, logs and temporary
    /// files under a temporary folder), forwarding the API to `upstream`.
    pub fn nginx(upstream: &str) -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("omni-scim-nginx-")
            .tempdir()
            .context("temporary folder for nginx")?;
        let port = free_port()?;
        let site = render_nginx(port, &dist_dir(), upstream)?;
        let d = dir.path().display().to_string();
        // Workers started by root would run as nobody, who cannot write in a 0700 folder.
        let is_root = std::fs::metadata(dir.path())?.uid() == 0;
        let user = if is_root { "user root;\n" } else { "" };
        let modules = if site.contains("brotli_static") {
            if !Path::new(NGINX_BROTLI_STATIC).is_file() {
                bail!(
                    "deploy/nginx.conf uses brotli_static, but {NGINX_BROTLI_STATIC} is missing \
                     (scripts/setup installs libnginx-mod-http-brotli-static)"
                );
            }
            format!("load_module {NGINX_BROTLI_STATIC};\n")
        } else {
            String::new()
        };
        let conf = format!(
            "{modules}{user}pid {d}/nginx.pid;\nworker_processes 1;\nevents {{ worker_connections 64; }}\n\
             http {{\n\
             include /etc/nginx/mime.types;\n\
             default_type application/octet-stream;\n\
             access_log {d}/access.log;\n\
             client_body_temp_path {d}/client_body;\n\
             proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi;\n\
             uwsgi_temp_path {d}/uwsgi;\n\
             scgi_temp_path {d}/scgi;\n\
             {site}\n}}\n"
        );
        let conf_path = dir.path().join("nginx.conf");
        std::fs::write(&conf_path, conf)?;
        let base: Vec<String> = [
            "-p",
            &d,
            "-c",
            &conf_path.display().to_string(),
            "-e",
            &format!("{d}/error.log"),
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let mut args = base.clone();
        args.extend(["-g".to_owned(), "daemon off;".to_owned()]);
        let mut stop = base;
        stop.extend(["-s".to_owned(), "stop".to_owned()]);
        Self::start(NGINX, &args, &[], dir, port, Some(stop))
    }

    /// Caddy with `deploy/Caddyfile`, forwarding the API to `upstream`.
    pub fn caddy(upstream: &str) -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("omni-scim-caddy-")
            .tempdir()
            .context("temporary folder for caddy")?;
        let port = free_port()?;
        let conf_path = dir.path().join("Caddyfile");
        std::fs::write(&conf_path, render_caddy(port, &dist_dir(), upstream)?)?;
        let args: Vec<String> = ["run", "--adapter", "caddyfile", "--config"]
            .iter()
            .map(|s| (*s).to_owned())
            .chain([conf_path.display().to_string()])
            .collect();
        // Caddy keeps state under HOME / XDG folders: keep it in the temporary folder.
        let d = dir.path().display().to_string();
        let env = [
            ("HOME", d.clone()),
            ("XDG_DATA_HOME", d.clone()),
            ("XDG_CONFIG_HOME", d),
        ];
        Self::start(CADDY, &args, &env, dir, port, None)
    }

    fn start(
        program: &str,
        args: &[String],
        env: &[(&str, String)],
        dir: tempfile::TempDir,
        port: u16,
        stop: Option<Vec<String>>,
    ) -> Result<Self> {
        let out = std::fs::File::create(dir.path().join("output.log"))?;
        let child = Command::new(program)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("starting {program}"))?;
        let mut front = Self {
            child,
            dir,
            origin: format!("http://127.0.0.1:{port}"),
            stop,
        };
        let deadline = Instant::now() + STARTUP;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = front.child.try_wait() {
                bail!(
                    "{program} exited ({status}) before listening:\n{}",
                    front.logs()
                );
            }
            if Instant::now() > deadline {
                bail!("{program} did not listen on port {port}:\n{}", front.logs());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(front)
    }

    pub fn panel_url(&self) -> String {
        format!("{}/", self.origin)
    }

    fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }

    /// nginx's access log (empty for Caddy, which logs no access by default).
    pub fn access_log(&self) -> String {
        self.file("access.log")
    }

    /// Everything the server wrote: its output and (nginx) error log.
    pub fn logs(&self) -> String {
        format!("{}{}", self.file("output.log"), self.file("error.log"))
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        // nginx's master stops its workers on `-s stop`; killing the master alone would leave
        // them serving.
        if let Some(stop) = &self.stop {
            let _ = Command::new(NGINX)
                .args(stop)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        } else {
            let _ = self.child.kill();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
