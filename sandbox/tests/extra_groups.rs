//! `--extra-groups N`: N small groups "Team 001"… after the seeded ones, listed and paged like
//! any other, found by exact name, and brought back by reset.

mod common;

use axum::http::{Method, StatusCode};
use common::{config, TestApp};
use scim_sandbox::seed::SeedConfig;
use scim_sandbox::Config;

fn with_extra(n: usize) -> TestApp {
    let base = config();
    TestApp::new(Config {
        seed: SeedConfig {
            extra_groups: n,
            ..base.seed.clone()
        },
        ..base
    })
}

#[tokio::test]
async fn extra_groups_page_after_the_seeded_ones() {
    let t = with_extra(242);
    let first = t.get("/groups?startIndex=1&count=25").await.json();
    assert_eq!(first["totalResults"], 250);
    assert_eq!(first["itemsPerPage"], 25);
    assert_eq!(first["Resources"][0]["displayName"], "Everyone");
    assert_eq!(first["Resources"][8]["displayName"], "Team 001");

    let last = t.get("/groups?startIndex=226&count=25").await.json();
    assert_eq!(last["totalResults"], 250);
    let names: Vec<&str> = last["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 25);
    assert_eq!(names.first(), Some(&"Team 218"));
    assert_eq!(names.last(), Some(&"Team 242"));
    for g in last["Resources"].as_array().unwrap() {
        assert!(g["members"].as_array().map_or(0, Vec::len) <= 5, "{g}");
    }

    let found = t.group_named("Team 123").await;
    assert_eq!(found["displayName"], "Team 123");
}

#[tokio::test]
async fn reset_brings_the_extra_groups_back() {
    let t = with_extra(3);
    let g = t.group_named("Team 002").await;
    let id = g["id"].as_str().unwrap().to_string();
    let del = t.api(Method::DELETE, &format!("/groups/{id}"), None).await;
    assert_eq!(del.status, StatusCode::NO_CONTENT, "{}", del.text);
    assert_eq!(t.get("/groups").await.json()["totalResults"], 10);
    let reset = t.control(Method::POST, "/__sandbox/reset", None).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
    assert_eq!(reset.json()["groups"], 11);
    assert_eq!(t.group_named("Team 002").await["id"], id.as_str());
}

#[tokio::test]
async fn no_extra_groups_by_default() {
    let t = TestApp::default();
    assert_eq!(t.get("/groups").await.json()["totalResults"], 8);
}
