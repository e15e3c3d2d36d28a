//! Fault injection and the /__sandbox control endpoints, through the router.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use common::{config, members, TestApp};
use scim_sandbox::faults::{FaultBody, FaultConfig};
use scim_sandbox::Config;
use serde_json::{json, Value};

fn with_faults(f: FaultConfig) -> TestApp {
    TestApp::new(Config {
        faults: f,
        ..config()
    })
}

#[tokio::test]
async fn forced_429_with_retry_after_and_json_body() {
    let t = with_faults(FaultConfig {
        fail_status: Some(429),
        retry_after: Some("2".into()),
        ..FaultConfig::default()
    });
    let a = t.get("/groups").await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(a.header("retry-after"), Some("2"));
    assert_eq!(a.header("content-type"), Some("application/json"));
    assert_eq!(a.json()["status"], 429);
    assert!(a.json()["detail"].is_string());
}

#[tokio::test]
async fn retry_after_http_date_is_sent_as_given() {
    let date = "Wed, 21 Oct 2026 07:28:00 GMT";
    let t = with_faults(FaultConfig {
        fail_status: Some(503),
        retry_after: Some(date.into()),
        ..FaultConfig::default()
    });
    assert_eq!(t.get("/groups").await.header("retry-after"), Some(date));
}

#[tokio::test]
async fn every_nth_request_only() {
    let t = with_faults(FaultConfig {
        fail_status: Some(500),
        fail_every: 3,
        ..FaultConfig::default()
    });
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(t.get("/groups?count=1").await.status.as_u16());
    }
    assert_eq!(statuses, [200, 200, 500, 200, 200, 500, 200]);
}

#[tokio::test]
async fn path_and_method_filters() {
    let t = with_faults(FaultConfig {
        fail_status: Some(502),
        fail_path: Some("/groups/".into()),
        fail_method: Some("put".into()),
        ..FaultConfig::default()
    });
    let g = t.group_named("Sales").await;
    let id = g["id"].as_str().unwrap();
    assert_eq!(t.get(&format!("/groups/{id}")).await.status, StatusCode::OK);
    let body = json!({"displayName": "Renamed", "members": []});
    let a = t
        .api(Method::PUT, &format!("/groups/{id}"), Some(body))
        .await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY);
    // A forced answer never reaches the store.
    assert_eq!(t.get(&format!("/groups/{id}")).await.json(), g);
}

#[tokio::test]
async fn html_malformed_empty_truncated_bodies() {
    let t = with_faults(FaultConfig {
        fail_status: Some(502),
        body: FaultBody::Html,
        ..FaultConfig::default()
    });
    let a = t.get("/groups").await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY);
    assert!(a.header("content-type").unwrap().starts_with("text/html"));
    assert!(
        a.text.contains("<html>") && a.text.contains("502 Bad Gateway"),
        "{}",
        a.text
    );

    let t = with_faults(FaultConfig {
        fail_status: Some(500),
        body: FaultBody::Malformed,
        ..FaultConfig::default()
    });
    let a = t.get("/groups").await;
    assert_eq!(a.text, r#"{"detail": "#);
    assert!(serde_json::from_str::<Value>(&a.text).is_err());

    let t = with_faults(FaultConfig {
        fail_status: Some(503),
        body: FaultBody::Empty,
        ..FaultConfig::default()
    });
    let a = t.get("/groups").await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(a.text.is_empty());
    assert!(a.header("content-type").is_none());

    // truncated without a status: a 200 whose JSON is cut off.
    let t = with_faults(FaultConfig {
        body: FaultBody::Truncated,
        ..FaultConfig::default()
    });
    let a = t.get("/groups").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.text.starts_with(r#"{"displayName":"#), "{}", a.text);
    assert!(serde_json::from_str::<Value>(&a.text).is_err());
}

#[tokio::test]
async fn faults_apply_before_the_key_check() {
    // A rate limiter or gateway answers whatever the key: the panel must not read a 429 as
    // "bad key".
    let t = with_faults(FaultConfig {
        fail_status: Some(429),
        ..FaultConfig::default()
    });
    let a = t
        .send_from(None, Method::GET, "/api/scim/v2/groups", &[], None)
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn latency_delays_answers() {
    let t = with_faults(FaultConfig {
        latency_ms: 150,
        ..FaultConfig::default()
    });
    let start = Instant::now();
    assert_eq!(t.get("/groups?count=1").await.status, StatusCode::OK);
    assert!(
        start.elapsed() >= Duration::from_millis(150),
        "{:?}",
        start.elapsed()
    );
    // The control endpoints are not delayed.
    let start = Instant::now();
    t.control(Method::GET, "/__sandbox/faults", None).await;
    assert!(start.elapsed() < Duration::from_millis(150));
}

#[tokio::test]
async fn control_faults_get_put_delete() {
    let t = TestApp::default();
    let a = t.control(Method::GET, "/__sandbox/faults", None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        a.json(),
        json!({"latency_ms":0,"fail_status":null,"fail_every":1,"fail_path":null,
            "fail_method":null,"retry_after":null,"body":"json","close_connection":false,
            "after_write":false})
    );
    let cfg = json!({"latency_ms":0,"fail_status":429,"fail_every":2,"fail_path":"/groups",
        "fail_method":null,"retry_after":"1","body":"json","close_connection":false,
        "after_write":false});
    let a = t
        .control(Method::PUT, "/__sandbox/faults", Some(cfg.clone()))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        t.control(Method::GET, "/__sandbox/faults", None)
            .await
            .json(),
        cfg
    );
    assert_eq!(t.get("/groups").await.status, StatusCode::OK);
    let second = t.get("/groups").await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(second.header("retry-after"), Some("1"));
    // Users do not match the path filter.
    assert_eq!(t.get("/users").await.status, StatusCode::OK);
    assert_eq!(t.get("/users").await.status, StatusCode::OK);

    // Partial bodies fill in defaults; unknown fields and bad values are refused.
    let a = t
        .control(
            Method::PUT,
            "/__sandbox/faults",
            Some(json!({"fail_status": 503})),
        )
        .await;
    assert_eq!(a.json()["fail_every"], 1);
    let a = t
        .control(
            Method::PUT,
            "/__sandbox/faults",
            Some(json!({"fail_stauts": 503})),
        )
        .await;
    a.error(400);
    let a = t
        .control(
            Method::PUT,
            "/__sandbox/faults",
            Some(json!({"fail_status": 42})),
        )
        .await;
    a.error(400);
    let a = t
        .control(
            Method::PUT,
            "/__sandbox/faults",
            Some(json!({"body": "xml"})),
        )
        .await;
    a.error(400);
    // The refused PUTs left the previous config in force.
    assert_eq!(
        t.get("/users").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );

    let a = t.control(Method::DELETE, "/__sandbox/faults", None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["fail_status"], Value::Null);
    assert_eq!(t.get("/users").await.status, StatusCode::OK);
}

#[tokio::test]
async fn request_log_counts_api_requests_without_secrets() {
    let t = TestApp::default();
    let id = t.group_id("Sales").await;
    let a = t.control(Method::DELETE, "/__sandbox/requests", None).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);

    let ids = t.user_ids(2).await;
    let body = json!({"displayName": "Sales", "members": members(&ids)});
    t.api(Method::PUT, &format!("/groups/{id}"), Some(body))
        .await;
    t.send_from(None, Method::GET, "/api/scim/v2/groups?count=1", &[], None)
        .await;
    // Control calls are not logged.
    let log = t.control(Method::GET, "/__sandbox/requests", None).await;
    let v = log.json();
    assert_eq!(v["count"], 3, "{v}");
    let r = v["requests"].as_array().unwrap();
    assert_eq!(r[0]["method"], "GET");
    assert_eq!(r[0]["path"], "/api/scim/v2/users");
    assert_eq!(r[0]["query"], "count=2");
    assert_eq!(r[1]["method"], "PUT");
    assert_eq!(r[1]["path"], format!("/api/scim/v2/groups/{id}"));
    assert_eq!(r[1]["status"], 200);
    assert_eq!(r[1]["authorization"], true);
    assert_eq!(r[2]["authorization"], false);
    assert_eq!(r[2]["status"], 401);
    assert!(
        !log.text.contains(common::KEY),
        "the key must never be logged"
    );

    // Faulted requests are logged as such.
    t.control(
        Method::PUT,
        "/__sandbox/faults",
        Some(json!({"fail_status": 429})),
    )
    .await;
    t.get("/groups").await;
    let v = t
        .control(Method::GET, "/__sandbox/requests", None)
        .await
        .json();
    assert_eq!(v["count"], 4);
    assert_eq!(v["requests"][3]["status"], 429);
    assert_eq!(v["requests"][3]["faulted"], true);
}

#[tokio::test]
async fn reset_restores_the_seed() {
    let t = TestApp::default();
    let before = t.get("/groups").await.json();
    let id = before["Resources"][1]["id"].as_str().unwrap().to_string();
    t.api(Method::DELETE, &format!("/groups/{id}"), None).await;
    t.api(
        Method::POST,
        "/groups",
        Some(json!({"displayName": "Temp"})),
    )
    .await;
    assert_ne!(t.get("/groups").await.json(), before);
    let a = t.control(Method::POST, "/__sandbox/reset", None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json(), json!({"users": 40, "groups": 8}));
    assert_eq!(t.get("/groups").await.json(), before);
}

#[tokio::test]
async fn control_endpoints_are_loopback_only() {
    let t = TestApp::default();
    let remote: SocketAddr = "192.0.2.10:4000".parse().unwrap();
    for (method, path) in [
        (Method::GET, "/__sandbox/faults"),
        (Method::DELETE, "/__sandbox/faults"),
        (Method::GET, "/__sandbox/requests"),
        (Method::POST, "/__sandbox/reset"),
    ] {
        let a = t
            .send_from(Some(remote), method.clone(), path, &[], None)
            .await;
        a.error(403);
        // No peer known at all: refused as well.
        let a = t.send_from(None, method, path, &[], None).await;
        a.error(403);
    }
    let v6: SocketAddr = "[::1]:4000".parse().unwrap();
    let a = t
        .send_from(Some(v6), Method::GET, "/__sandbox/faults", &[], None)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let mapped: SocketAddr = "[::ffff:127.0.0.1]:4000".parse().unwrap();
    let a = t
        .send_from(Some(mapped), Method::GET, "/__sandbox/faults", &[], None)
        .await;
    assert_eq!(a.status, StatusCode::OK);
}

/// Sets `faults` through the control endpoint, PUTs `name` and two members into group `id`, and
/// returns the PUT's answer and the group as the server then holds it (faults cleared).
async fn put_under(t: &TestApp, id: &str, faults: Value, name: &str) -> (common::Answer, Value) {
    let ids = t.user_ids(2).await;
    let a = t
        .control(Method::PUT, "/__sandbox/faults", Some(faults))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let body = json!({"displayName": name, "members": members(&ids)});
    let answer = t
        .api(Method::PUT, &format!("/groups/{id}"), Some(body))
        .await;
    t.control(Method::DELETE, "/__sandbox/faults", None).await;
    let held = t.get(&format!("/groups/{id}")).await.json();
    (answer, held)
}

#[tokio::test]
async fn after_write_applies_the_save_then_breaks_its_answer() {
    let t = TestApp::default();
    let id = t.group_id("Sales").await;
    let ids = t.user_ids(2).await;
    for (kind, fault) in [
        ("truncated", json!({"body": "truncated"})),
        ("html", json!({"body": "html"})),
        ("empty", json!({"body": "empty"})),
        ("other-group", json!({"body": "other-group"})),
        ("502", json!({"fail_status": 502})),
    ] {
        let mut faults = json!({"after_write": true, "fail_method": "PUT"});
        faults
            .as_object_mut()
            .unwrap()
            .extend(fault.as_object().unwrap().clone());
        let name = format!("Sales {kind}");
        t.control(Method::DELETE, "/__sandbox/requests", None).await;
        let (answer, held) = put_under(&t, &id, faults, &name).await;

        // The write is applied ...
        assert_eq!(held["displayName"], name.as_str(), "{kind}: {held}");
        let mut held_ids = common::member_values(&held);
        held_ids.sort();
        let mut sent = ids.clone();
        sent.sort();
        assert_eq!(held_ids, sent, "{kind}: {held}");
        // ... and its answer is not the group saved.
        let saved_group =
            serde_json::from_str::<Value>(&answer.text).is_ok_and(|v| v["id"] == id.as_str());
        assert!(
            !saved_group,
            "{kind}: the answer is the saved group: {}",
            answer.text
        );
        match kind {
            "truncated" => {
                assert_eq!(answer.status, StatusCode::OK);
                assert!(
                    answer.text.starts_with(r#"{"displayName":"#),
                    "{}",
                    answer.text
                );
                assert!(serde_json::from_str::<Value>(&answer.text).is_err());
            }
            "html" => assert_eq!(
                answer.header("content-type"),
                Some("text/html; charset=utf-8")
            ),
            "empty" => assert!(answer.text.is_empty()),
            "other-group" => assert_ne!(answer.json()["id"], id.as_str()),
            _ => assert_eq!(answer.status, StatusCode::BAD_GATEWAY),
        }
        // The log shows one PUT, answered by the fault injector.
        let log = t
            .control(Method::GET, "/__sandbox/requests", None)
            .await
            .json();
        let puts: Vec<&Value> = log["requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["method"] == "PUT")
            .collect();
        assert_eq!(puts.len(), 1, "{kind}: {log}");
        assert_eq!(puts[0]["faulted"], true, "{kind}: {log}");
    }
}

#[tokio::test]
async fn without_after_write_the_same_fault_writes_nothing() {
    let t = TestApp::default();
    let sales = t.group_named("Sales").await;
    let id = sales["id"].as_str().unwrap().to_string();
    let fault = json!({"fail_method": "PUT", "body": "truncated"});
    let (_, held) = put_under(&t, &id, fault, "Sales never saved").await;
    assert_eq!(held["displayName"], "Sales", "{held}");
    assert_eq!(common::member_values(&held), common::member_values(&sales));
}

#[tokio::test]
async fn after_write_latency_answers_late_with_the_write_already_applied() {
    let t = TestApp::default();
    let id = t.group_id("Sales").await;
    let faults = json!({"after_write": true, "fail_method": "PUT", "latency_ms": 600});
    let a = t
        .control(Method::PUT, "/__sandbox/faults", Some(faults))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);

    // Requests that do not match are not delayed.
    let started = Instant::now();
    assert_eq!(t.get("/groups?count=1").await.status, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_millis(500));

    let started = Instant::now();
    let body = json!({"displayName": "Sales late", "members": []});
    let path = format!("/groups/{id}");
    let put = t.api(Method::PUT, &path, Some(body));
    let peek = async {
        // While the answer waits, the server already holds the write.
        tokio::time::sleep(Duration::from_millis(300)).await;
        t.get(&path).await.json()
    };
    let (answer, during) = tokio::join!(put, peek);
    assert_eq!(during["displayName"], "Sales late", "{during}");
    assert!(started.elapsed() >= Duration::from_millis(600));
    // The answer itself is the real one, only late.
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["displayName"], "Sales late");
}

#[tokio::test]
async fn after_write_needs_something_to_break() {
    let t = TestApp::default();
    let a = t
        .control(
            Method::PUT,
            "/__sandbox/faults",
            Some(json!({"after_write": true, "fail_method": "PUT"})),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
    assert!(a.text.contains("after_write"), "{}", a.text);
}
