//! `--lists-without-members`: list answers leave `members` out of every group (as a server
//! whose lists never carry them), while a single group's read keeps them.

mod common;

use common::{config, TestApp};
use scim_sandbox::Config;

#[tokio::test]
async fn lists_drop_members_and_single_reads_keep_them() {
    let t = TestApp::new(Config {
        lists_without_members: true,
        ..config()
    });
    let list = t.get("/groups?startIndex=1&count=100").await.json();
    let groups = list["Resources"].as_array().expect("Resources");
    assert!(!groups.is_empty());
    for g in groups {
        assert!(g.get("members").is_none(), "members in a list: {g}");
    }
    let sales = t.group_named("Sales").await;
    let id = sales["id"].as_str().expect("an id");
    let one = t.get(&format!("/groups/{id}")).await.json();
    assert!(
        one["members"].as_array().is_some_and(|m| !m.is_empty()),
        "a single read lost its members: {one}"
    );
}

#[tokio::test]
async fn without_the_flag_lists_carry_members() {
    let t = TestApp::new(config());
    let list = t.get("/groups?startIndex=1&count=100").await.json();
    let groups = list["Resources"].as_array().expect("Resources");
    assert!(groups.iter().any(|g| g["members"].is_array()));
}
