//! `--serve DIR`: the panel's files at `/`, index.html for client-side routes.

mod common;

use std::path::PathBuf;

use axum::http::{Method, StatusCode};
use common::{config, TestApp, BASE, KEY};
use scim_sandbox::Config;

/// A fresh directory with a fake built panel.
fn dist(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scim-sandbox-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>panel</title>",
    )
    .unwrap();
    std::fs::write(dir.join("app-1234.js"), "console.log('panel')").unwrap();
    dir
}

fn app(tag: &str) -> (TestApp, PathBuf) {
    let dir = dist(tag);
    let t = TestApp::new(Config {
        serve_dir: Some(dir.clone()),
        ..config()
    });
    (t, dir)
}

#[tokio::test]
async fn index_at_root_with_no_cache() {
    let (t, dir) = app("root");
    let a = t.send_from(None, Method::GET, "/", &[], None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.text.contains("<title>panel</title>"));
    assert!(a.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(a.header("cache-control"), Some("no-cache"));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn assets_and_client_routes() {
    let (t, dir) = app("assets");
    let a = t
        .send_from(None, Method::GET, "/app-1234.js", &[], None)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.text, "console.log('panel')");
    assert!(a.header("content-type").unwrap().contains("javascript"));
    assert!(a.header("cache-control").is_none());

    let a = t
        .send_from(None, Method::GET, "/groups/abc", &[], None)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.text.contains("<title>panel</title>"));
    assert_eq!(a.header("cache-control"), Some("no-cache"));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn api_paths_never_fall_back_to_the_panel() {
    let (t, dir) = app("api");
    let auth = format!("Bearer {KEY}");
    let a = t
        .send_from(
            None,
            Method::GET,
            &format!("{BASE}/groups"),
            &[("authorization", &auth)],
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.header("content-type"), Some("application/json"));
    let a = t
        .send_from(
            None,
            Method::GET,
            &format!("{BASE}/nope"),
            &[("authorization", &auth)],
            None,
        )
        .await;
    a.error(404);
    let a = t
        .send_from(None, Method::GET, "/api/other", &[], None)
        .await;
    a.error(404);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn without_serve_root_is_a_hint() {
    let t = TestApp::default();
    let a = t.send_from(None, Method::GET, "/", &[], None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.text.contains("/api/scim/v2"));
    t.send_from(None, Method::GET, "/index.html", &[], None)
        .await
        .error(404);
}
