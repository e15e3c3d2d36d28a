//! Bearer key checks and CORS.

mod common;

use axum::http::{Method, StatusCode};
use common::{config, TestApp, BASE, KEY};
use scim_sandbox::Config;
use serde_json::json;

const UNAUTHORIZED: &str = "Unauthorized: Missing or invalid API key";

#[tokio::test]
async fn missing_or_wrong_key_is_401_with_omni_body() {
    let t = TestApp::default();
    let uri = format!("{BASE}/groups");
    for headers in [
        vec![],
        vec![("authorization", "Bearer wrong")],
        vec![("authorization", "Bearer test-ke")],
        vec![("authorization", "Basic dGVzdC1rZXk=")],
        vec![("authorization", KEY)],
    ] {
        let a = t.send_from(None, Method::GET, &uri, &headers, None).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert_eq!(a.json(), json!({"detail": UNAUTHORIZED, "status": 401}));
        assert_eq!(a.header("content-type"), Some("application/json"));
    }
    // Writes need the key too, and are not applied without it.
    let a = t
        .send_from(None, Method::DELETE, &format!("{BASE}/groups/x"), &[], None)
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    // Also for unknown API paths (no information leaks before auth).
    let a = t
        .send_from(None, Method::GET, &format!("{BASE}/nope"), &[], None)
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn right_key_any_scheme_case() {
    let t = TestApp::default();
    let uri = format!("{BASE}/groups");
    let lower = format!("bearer {KEY}");
    let a = t
        .send_from(None, Method::GET, &uri, &[("authorization", &lower)], None)
        .await;
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn personal_token_is_403() {
    let t = TestApp::new(Config {
        personal_token: Some("omni_pat_123".into()),
        ..config()
    });
    let a = t
        .send_from(
            None,
            Method::GET,
            &format!("{BASE}/groups"),
            &[("authorization", "Bearer omni_pat_123")],
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(
        a.json(),
        json!({"detail": "Forbidden: Personal access tokens are not supported for SCIM endpoints", "status": 403})
    );
    // Without the flag the same token is just a wrong key.
    let t = TestApp::default();
    let a = t
        .send_from(
            None,
            Method::GET,
            &format!("{BASE}/groups"),
            &[("authorization", "Bearer omni_pat_123")],
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
}

const ORIGIN: &str = "http://127.0.0.1:8080";

fn cors_app() -> TestApp {
    TestApp::new(Config {
        cors_origin: Some(ORIGIN.parse().unwrap()),
        ..config()
    })
}

#[tokio::test]
async fn no_cors_headers_without_the_flag() {
    let t = TestApp::default();
    let auth = format!("Bearer {KEY}");
    let a = t
        .send_from(
            None,
            Method::GET,
            &format!("{BASE}/groups"),
            &[("authorization", &auth), ("origin", ORIGIN)],
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.headers
            .keys()
            .all(|k| !k.as_str().starts_with("access-control-")),
        "{:?}",
        a.headers
    );
    // A preflight is not answered as one: it meets the key check.
    let a = t
        .send_from(
            None,
            Method::OPTIONS,
            &format!("{BASE}/groups"),
            &[("origin", ORIGIN), ("access-control-request-method", "PUT")],
            None,
        )
        .await;
    assert!(a.header("access-control-allow-origin").is_none());
    assert_ne!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn preflight_for_the_configured_origin() {
    let t = cors_app();
    let a = t
        .send_from(
            None,
            Method::OPTIONS,
            &format!("{BASE}/groups/abc"),
            &[
                ("origin", ORIGIN),
                ("access-control-request-method", "PUT"),
                (
                    "access-control-request-headers",
                    "authorization,content-type,if-match",
                ),
            ],
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.header("access-control-allow-origin"), Some(ORIGIN));
    let methods = a
        .header("access-control-allow-methods")
        .unwrap()
        .to_ascii_uppercase();
    for m in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
        assert!(methods.contains(m), "{methods}");
    }
    let headers = a
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    for h in ["authorization", "content-type", "if-match"] {
        assert!(headers.contains(h), "{headers}");
    }
}

#[tokio::test]
async fn actual_requests_expose_retry_after_and_etag_and_errors_carry_cors() {
    let t = cors_app();
    let auth = format!("Bearer {KEY}");
    let a = t
        .send_from(
            None,
            Method::GET,
            &format!("{BASE}/groups"),
            &[("authorization", &auth), ("origin", ORIGIN)],
            None,
        )
        .await;
    assert_eq!(a.header("access-control-allow-origin"), Some(ORIGIN));
    let exposed = a
        .header("access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        exposed.contains("retry-after") && exposed.contains("etag"),
        "{exposed}"
    );
    // A 401 must be readable cross-origin too, or the panel cannot tell "bad key" apart.
    let a = t
        .send_from(
            None,
            Method::GET,
            &format!("{BASE}/groups"),
            &[("origin", ORIGIN)],
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.header("access-control-allow-origin"), Some(ORIGIN));
}

#[tokio::test]
async fn other_origins_get_no_allow_origin() {
    let t = cors_app();
    let auth = format!("Bearer {KEY}");
    let a = t
        .send_from(
            None,
            Method::GET,
            &format!("{BASE}/groups"),
            &[("authorization", &auth), ("origin", "http://evil.example")],
            None,
        )
        .await;
    assert!(a.header("access-control-allow-origin").is_none());
    let a = t
        .send_from(
            None,
            Method::OPTIONS,
            &format!("{BASE}/groups"),
            &[
                ("origin", "http://evil.example"),
                ("access-control-request-method", "PUT"),
            ],
            None,
        )
        .await;
    assert!(a.header("access-control-allow-origin").is_none());
}
