//! `--rate-limit N`: N requests per key in any window pass, the next gets Omni's 429; the
//! window slides; each key has its own; requests without a valid key neither count nor get
//! 429; off by default. Windows here are short (`Config::rate_window`, `--rate-window-ms`)
//! so no test waits a minute.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{config, rfc_config, Answer, TestApp, BASE, KEY};
use scim_sandbox::Config;

const BIN: &str = env!("CARGO_BIN_EXE_scim-sandbox");
const OTHER_KEY: &str = "second-org-key";

fn limited(n: u32, window: Duration, f: impl FnOnce(&mut Config)) -> TestApp {
    let mut c = Config {
        rate_limit: Some(n),
        rate_window: window,
        also_keys: vec![OTHER_KEY.into()],
        ..config()
    };
    f(&mut c);
    TestApp::new(c)
}

async fn get_with(t: &TestApp, key: &str) -> Answer {
    let auth = format!("Bearer {key}");
    t.send_from(
        None,
        Method::GET,
        &format!("{BASE}/groups?count=1"),
        &[("authorization", &auth)],
        None,
    )
    .await
}

/// Statuses of the API requests in the sandbox's log, oldest first.
async fn logged_statuses(t: &TestApp) -> Vec<u64> {
    let log = t.control(Method::GET, "/__sandbox/requests", None).await;
    log.json()["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn n_requests_pass_and_the_next_gets_omnis_429() {
    let t = limited(3, Duration::from_secs(60), |_| {});
    for i in 0..3 {
        let a = t.get("/groups?count=1").await;
        assert_eq!(a.status, StatusCode::OK, "request {}: {}", i + 1, a.text);
    }
    // Any method and path counts, and is refused alike: a write too, which changes nothing.
    let before = t.state.store().groups().len();
    let post = t
        .api(
            Method::POST,
            "/groups",
            Some(serde_json::json!({"displayName": "Over the limit"})),
        )
        .await;
    let detail = post.error(429);
    assert_eq!(detail, "Rate limit exceeded: 3 requests per minute");
    assert_eq!(t.state.store().groups().len(), before);
    // Omni documents no Retry-After nor X-RateLimit-* header.
    for h in post.headers.keys() {
        let h = h.as_str();
        assert!(
            h != "retry-after" && !h.starts_with("x-ratelimit"),
            "unexpected header {h}"
        );
    }
    let again = t.get("/users").await;
    again.error(429);
    assert_eq!(logged_statuses(&t).await, [200, 200, 200, 429, 429]);
}

#[tokio::test]
async fn retry_after_flag_says_when_a_request_would_pass() {
    let t = limited(2, Duration::from_secs(60), |c| {
        c.rate_limit_retry_after = true
    });
    t.get("/groups").await;
    t.get("/groups").await;
    let refused = t.get("/groups").await;
    refused.error(429);
    let secs: u64 = refused
        .header("retry-after")
        .expect("Retry-After with --rate-limit-retry-after")
        .parse()
        .expect("Retry-After in whole seconds");
    assert!((59..=60).contains(&secs), "Retry-After: {secs}");
}

#[tokio::test]
async fn after_the_window_requests_pass_again() {
    let window = Duration::from_millis(400);
    let t = limited(2, window, |c| c.rate_limit_retry_after = true);
    assert_eq!(t.get("/groups").await.status, StatusCode::OK);
    assert_eq!(t.get("/groups").await.status, StatusCode::OK);
    let refused = t.get("/groups").await;
    refused.error(429);
    // A short window still says at least one second: 0 would invite a retry storm.
    assert_eq!(refused.header("retry-after"), Some("1"));
    tokio::time::sleep(window + Duration::from_millis(50)).await;
    assert_eq!(t.get("/groups").await.status, StatusCode::OK);
    assert_eq!(t.get("/groups").await.status, StatusCode::OK);
    t.get("/groups").await.error(429);
}

#[tokio::test]
async fn each_key_has_its_own_budget() {
    let t = limited(2, Duration::from_secs(60), |_| {});
    for _ in 0..2 {
        assert_eq!(get_with(&t, KEY).await.status, StatusCode::OK);
    }
    get_with(&t, KEY).await.error(429);
    // The other organization key is untouched by the first one's requests.
    for _ in 0..2 {
        assert_eq!(get_with(&t, OTHER_KEY).await.status, StatusCode::OK);
    }
    get_with(&t, OTHER_KEY).await.error(429);
    get_with(&t, KEY).await.error(429);
}

#[tokio::test]
async fn requests_without_a_valid_key_do_not_count() {
    let t = limited(2, Duration::from_secs(60), |c| {
        c.personal_token = Some("personal".into())
    });
    for _ in 0..5 {
        // Always the auth answer, never 429: there is no key to count them against.
        get_with(&t, "wrong-key").await.error(401);
        get_with(&t, "personal").await.error(403);
        let none = t
            .send_from(None, Method::GET, &format!("{BASE}/groups"), &[], None)
            .await;
        none.error(401);
    }
    for _ in 0..2 {
        assert_eq!(get_with(&t, KEY).await.status, StatusCode::OK);
    }
    get_with(&t, KEY).await.error(429);
}

#[tokio::test]
async fn refused_requests_do_not_count_and_reset_control_clears_the_windows() {
    let t = limited(1, Duration::from_secs(60), |_| {});
    assert_eq!(t.get("/groups").await.status, StatusCode::OK);
    for _ in 0..3 {
        t.get("/groups").await.error(429);
    }
    // Control endpoints are no API requests: never limited.
    let reset = t.control(Method::POST, "/__sandbox/reset", None).await;
    assert_eq!(reset.status, StatusCode::OK);
    // Resetting the data leaves the windows as they are; the control endpoint clears them.
    t.get("/groups").await.error(429);
    let cleared = t
        .control(Method::DELETE, "/__sandbox/rate-limit", None)
        .await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT, "{}", cleared.text);
    assert_eq!(t.get("/groups").await.status, StatusCode::OK);
    t.get("/groups").await.error(429);
}

#[tokio::test]
async fn rfc7644_mode_answers_its_own_error_shape() {
    let t = TestApp::new(Config {
        rate_limit: Some(1),
        ..rfc_config()
    });
    assert_eq!(t.get("/groups").await.status, StatusCode::OK);
    let v = t.get("/groups").await.rfc_error(429);
    assert_eq!(v["detail"], "Rate limit exceeded: 1 requests per minute");
}

#[tokio::test]
async fn off_by_default() {
    let t = TestApp::default();
    for _ in 0..150 {
        assert_eq!(t.get("/groups?count=1").await.status, StatusCode::OK);
    }
}

/// The binary's flags, over a real socket, with the hidden test window.
#[test]
fn the_binary_limits_with_its_flags() {
    let mut child = Command::new(BIN)
        .args(["--addr", "127.0.0.1:0", "--users", "20", "--key", "k"])
        .args(["--rate-limit", "2", "--rate-window-ms", "300"])
        .arg("--rate-limit-retry-after")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn scim-sandbox");
    let mut first = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let port: u16 = first
        .trim_end()
        .strip_prefix("scim-sandbox listening on http://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
    let get = || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let req = format!(
            "GET {BASE}/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nConnection: close\r\n\r\n"
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    };
    let answers: Vec<String> = (0..3).map(|_| get()).collect();
    std::thread::sleep(Duration::from_millis(350));
    let later = get();
    let _ = child.kill();
    let _ = child.wait();
    assert!(answers[0].starts_with("HTTP/1.1 200"), "{}", answers[0]);
    assert!(answers[1].starts_with("HTTP/1.1 200"), "{}", answers[1]);
    let refused = answers[2].to_ascii_lowercase();
    assert!(refused.starts_with("http/1.1 429"), "{refused}");
    assert!(refused.contains("\r\nretry-after: 1\r\n"), "{refused}");
    assert!(
        refused.contains(r#"{"detail":"rate limit exceeded: 2 requests per minute","status":429}"#),
        "{refused}"
    );
    assert!(later.starts_with("HTTP/1.1 200"), "{later}");
}

#[test]
fn help_documents_the_flags_but_not_the_test_window() {
    let out = Command::new(BIN).arg("--help").output().expect("run");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--rate-limit",
        "--rate-limit-retry-after",
        "--also-key",
        "--many-groups",
        "/__sandbox/rate-limit",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}:\n{help}");
    }
    assert!(!help.contains("--rate-window-ms"), "{help}");
    for bad in [&["--rate-limit", "0"][..], &["--rate-window-ms", "0"]] {
        let out = Command::new(BIN)
            .args(["--addr", "127.0.0.1:0"])
            .args(bad)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{bad:?} accepted");
    }
}
