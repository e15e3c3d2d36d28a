//! `--member-groups N --member-group-size M`: big groups after the others and Bench Person in
//! every tenth, over the API (the benchmark of a person's page reads them).

mod common;

use common::{config, TestApp};
use scim_sandbox::seed::SeedConfig;
use scim_sandbox::Config;

fn with_member_groups(n: usize, size: usize) -> TestApp {
    let base = config();
    TestApp::new(Config {
        seed: SeedConfig {
            member_groups: n,
            member_group_size: size,
            ..base.seed.clone()
        },
        ..base
    })
}

#[tokio::test]
async fn big_groups_with_bench_person_in_every_tenth() {
    let t = with_member_groups(30, 25);
    let list = t.get("/groups?count=1000").await.json();
    assert_eq!(list["totalResults"], 38);
    let groups = list["Resources"].as_array().unwrap();
    assert_eq!(groups[7]["displayName"], "New hires");
    assert_eq!(groups[8]["displayName"], "Unit 001");
    assert_eq!(groups[37]["displayName"], "Unit 030");

    let q = "/users?filter=userName%20eq%20%22bench.person%40blobsrus.co%22";
    let users = t.get(q).await.json();
    assert_eq!(users["totalResults"], 1, "{users}");
    assert_eq!(users["Resources"][0]["displayName"], "Bench Person");
    let person = users["Resources"][0]["id"].as_str().unwrap().to_string();

    let mut theirs = Vec::new();
    for g in &groups[8..] {
        let members = common::member_values(g);
        assert_eq!(members.len(), 25, "{}", g["displayName"]);
        if members.contains(&person) {
            theirs.push(g["displayName"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(theirs, ["Unit 001", "Unit 011", "Unit 021"]);
    // 40 seeded users and Bench Person.
    assert_eq!(t.get("/users?count=1").await.json()["totalResults"], 41);
}

#[tokio::test]
async fn nothing_of_it_by_default() {
    let t = TestApp::default();
    let list = t.get("/groups?count=1000").await.json();
    assert_eq!(list["totalResults"], 8);
    let q = "/users?filter=userName%20eq%20%22bench.person%40blobsrus.co%22";
    assert_eq!(t.get(q).await.json()["totalResults"], 0);
}
