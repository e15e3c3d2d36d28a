//! Over real TCP: the built binary's startup lines and flags, and dropped connections.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use scim_sandbox::faults::FaultConfig;
use scim_sandbox::{router, server, AppState, Config};

const BIN: &str = env!("CARGO_BIN_EXE_scim-sandbox");

/// Kills the child when the test ends, pass or fail.
struct Sandbox {
    child: Child,
    port: u16,
    lines: Vec<String>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary and reads its startup lines (up to the API key, or the Panel line).
fn start(args: &[&str], expect_panel: bool) -> Sandbox {
    let mut child = Command::new(BIN)
        .args(["--addr", "127.0.0.1:0", "--users", "20"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn scim-sandbox");
    let stdout = child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout);
    let mut lines = Vec::new();
    let want = if expect_panel { 4 } else { 3 };
    while lines.len() < want {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("sandbox exited early; stdout {lines:?}, stderr {err}");
        }
        lines.push(line.trim_end().to_string());
    }
    let port = lines[0]
        .strip_prefix("scim-sandbox listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line {:?}", lines[0]))
        .parse()
        .expect("port");
    Sandbox { child, port, lines }
}

/// One HTTP/1.1 request over a raw socket; returns everything the server sent.
fn raw(port: u16, request: &str) -> Vec<u8> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    // A reset is as good as a close here: both mean "no answer".
    let _ = s.read_to_end(&mut out);
    out
}

fn get(port: u16, path: &str, auth: Option<&str>) -> String {
    let auth = auth
        .map(|k| format!("Authorization: Bearer {k}\r\n"))
        .unwrap_or_default();
    let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n");
    String::from_utf8_lossy(&raw(port, &req)).into_owned()
}

fn put(port: u16, path: &str, body: &str) -> String {
    let req = format!(
        "PUT {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    String::from_utf8_lossy(&raw(port, &req)).into_owned()
}

#[test]
fn prints_the_real_port_and_the_key() {
    let sb = start(&["--key", "k-123"], false);
    assert_ne!(sb.port, 0);
    let base = format!("http://127.0.0.1:{}", sb.port);
    assert_eq!(sb.lines[0], format!("scim-sandbox listening on {base}"));
    assert_eq!(sb.lines[1], format!("SCIM base URL: {base}/api/scim/v2"));
    assert_eq!(sb.lines[2], "API key: k-123");
    let res = get(sb.port, "/api/scim/v2/groups?count=1", Some("k-123"));
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    assert!(res.contains("\"totalResults\":8"), "{res}");
    let res = get(sb.port, "/api/scim/v2/groups", Some("wrong"));
    assert!(res.starts_with("HTTP/1.1 401"), "{res}");
}

#[test]
fn close_connection_sends_no_status_line() {
    let sb = start(&[], false);
    let cfg = r#"{"close_connection":true,"fail_path":"/groups"}"#;
    let res = put(sb.port, "/__sandbox/faults", cfg);
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    let res = get(sb.port, "/api/scim/v2/groups", Some("sandbox-demo-key"));
    assert!(res.is_empty(), "expected no bytes at all, got {res:?}");
    // Requests the fault does not match still work, and the drop is logged.
    let res = get(
        sb.port,
        "/api/scim/v2/users?count=1",
        Some("sandbox-demo-key"),
    );
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    let log = get(sb.port, "/__sandbox/requests", None);
    assert!(log.contains(r#""dropped":true"#), "{log}");
}

#[test]
fn close_connection_flag_works_from_the_command_line() {
    let sb = start(&["--close-connection", "--fail-every", "2"], false);
    let first = get(
        sb.port,
        "/api/scim/v2/groups?count=1",
        Some("sandbox-demo-key"),
    );
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    let second = get(
        sb.port,
        "/api/scim/v2/groups?count=1",
        Some("sandbox-demo-key"),
    );
    assert!(second.is_empty(), "{second:?}");
}

#[test]
fn fail_flags_from_the_command_line() {
    let sb = start(
        &[
            "--fail-status",
            "429",
            "--retry-after",
            "3",
            "--fail-method",
            "GET",
            "--fault-body",
            "html",
        ],
        false,
    );
    let res = get(sb.port, "/api/scim/v2/groups", Some("sandbox-demo-key"));
    assert!(res.starts_with("HTTP/1.1 429"), "{res}");
    assert!(
        res.to_ascii_lowercase().contains("retry-after: 3\r\n"),
        "{res}"
    );
    assert!(res.contains("<html>"), "{res}");
}

#[test]
fn serve_prints_the_panel_line() {
    let dir = std::env::temp_dir().join(format!("scim-sandbox-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><p>hi").unwrap();
    let sb = start(&["--serve", dir.to_str().unwrap()], true);
    assert_eq!(sb.lines[3], format!("Panel: http://127.0.0.1:{}/", sb.port));
    let res = get(sb.port, "/", None);
    assert!(
        res.starts_with("HTTP/1.1 200") && res.contains("<p>hi"),
        "{res}"
    );
    drop(sb);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn refuses_non_loopback_without_allow_remote() {
    let out = Command::new(BIN)
        .args(["--addr", "0.0.0.0:0"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "must not claim to listen");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--allow-remote"), "{err}");
}

#[test]
fn bad_flags_are_refused() {
    for args in [
        &["--fail-status", "42"][..],
        &["--fail-every", "0"],
        &["--fault-body", "xml"],
        &["--serve", "/definitely/not/here"],
    ] {
        let out = Command::new(BIN)
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} accepted");
    }
}

#[test]
fn help_documents_every_flag() {
    let out = Command::new(BIN).arg("--help").output().expect("run");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--addr",
        "--allow-remote",
        "--key",
        "--personal-token",
        "--users",
        "--group-size",
        "--seed",
        "--serve",
        "--cors-origin",
        "--max-count",
        "--max-body-bytes",
        "--latency-ms",
        "--fail-status",
        "--fail-every",
        "--fail-path",
        "--fail-method",
        "--retry-after",
        "--fault-body",
        "--close-connection",
        "--after-write",
        "--mode",
        "rfc7644",
        "--patch-no-content",
        "--embed-users",
        "--model-roles",
        "/__sandbox/faults",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}:\n{help}");
    }
}

/// The library's `serve` on a free loopback port with `faults`, and a connection to it.
async fn serve_in_process(
    faults: FaultConfig,
) -> (
    AppState,
    tokio::net::TcpStream,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let state = AppState::new(Config {
        faults,
        ..Config::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let task = tokio::spawn(server::serve(listener, router(state.clone())));
    let s = tokio::net::TcpStream::connect(addr).await.unwrap();
    (state, s, task)
}

/// Writes `PUT /api/scim/v2/groups/{id}` with the `headers` lines and `body` on `s`.
async fn put_raw(s: &mut tokio::net::TcpStream, id: &str, headers: &str, body: &str) {
    use tokio::io::AsyncWriteExt;

    s.write_all(
        format!(
            "PUT /api/scim/v2/groups/{id} HTTP/1.1\r\nHost: x\r\n{headers}Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
}

/// The server closes `s` without sending another byte.
async fn assert_dropped(s: &mut tokio::net::TcpStream) {
    use tokio::io::AsyncReadExt;

    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "connection was left open");
    assert!(rest.is_empty(), "got {:?}", String::from_utf8_lossy(&rest));
}

/// The same check in-process, with the library's `serve`, and over keep-alive: the dropped
/// request must not leave a half-open connection that later answers.
#[tokio::test]
async fn in_process_drop_on_a_kept_alive_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let (_, mut s, task) = serve_in_process(FaultConfig {
        close_connection: true,
        fail_method: Some("PUT".into()),
        ..FaultConfig::default()
    })
    .await;
    let auth = "Authorization: Bearer sandbox-demo-key\r\n";
    s.write_all(
        format!("GET /api/scim/v2/groups?count=0 HTTP/1.1\r\nHost: x\r\n{auth}\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = s.read(&mut buf).await.unwrap();
    assert!(
        buf[..n].starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
    put_raw(&mut s, "abc", auth, r#"{"displayName":"x","members":[]}"#).await;
    assert_dropped(&mut s).await;
    task.abort();
}

/// `after_write` with `close_connection`: the PUT is applied, then its connection is dropped
/// without a byte of answer, as when a network loses the answer to a save that went through.
#[tokio::test]
async fn after_write_drop_applies_the_put_and_sends_nothing() {
    let (state, mut s, task) = serve_in_process(FaultConfig {
        close_connection: true,
        fail_method: Some("PUT".into()),
        after_write: true,
        ..FaultConfig::default()
    })
    .await;
    let id = state.store().groups()[0].id().to_owned();
    let headers = "Authorization: Bearer sandbox-demo-key\r\nContent-Type: application/json\r\n";
    let body = r#"{"displayName":"Saved, answer lost","members":[]}"#;
    put_raw(&mut s, &id, headers, body).await;
    assert_dropped(&mut s).await;
    let held = state
        .store()
        .group(&id)
        .map(|g| g.display_name().to_owned());
    assert_eq!(held.as_deref(), Some("Saved, answer lost"));
    task.abort();
}

/// `--embed-users` and `--model-roles` reach the seed from the command line.
#[test]
fn embed_users_and_model_roles_from_the_command_line() {
    let key = Some("sandbox-demo-key");
    let body = |res: String| -> serde_json::Value {
        let (head, body) = res.split_once("\r\n\r\n").expect("a whole answer");
        assert!(head.starts_with("HTTP/1.1 200"), "{res}");
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {res}"))
    };
    let sb = start(&["--embed-users", "5", "--model-roles"], false);
    let embed = body(get(sb.port, "/api/scim/v2/embed/Users", key));
    assert_eq!(embed["totalResults"], 5);
    let q = "filter=displayName%20eq%20%22Finance%22";
    let finance = body(get(sb.port, &format!("/api/scim/v2/groups?{q}"), key));
    let id = finance["Resources"][0]["id"].as_str().expect("Finance");
    let roles = body(get(
        sb.port,
        &format!("/api/v1/user-groups/{id}/model-roles"),
        key,
    ));
    assert_eq!(
        roles["results"].as_array().map(Vec::len),
        Some(2),
        "{roles}"
    );
    let plain = start(&[], false);
    let embed = body(get(plain.port, "/api/scim/v2/embed/Users", key));
    assert_eq!(embed["totalResults"], 0);
}
