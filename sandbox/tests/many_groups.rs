//! `--many-groups N`: Project groups and people in many of them, over the API; without the
//! flag the demo data is unchanged.

mod common;

use common::{config, TestApp};
use scim_sandbox::seed::SeedConfig;
use scim_sandbox::Config;
use serde_json::Value;

fn with_many(n: usize) -> TestApp {
    let base = config();
    TestApp::new(Config {
        seed: SeedConfig {
            many_groups: n,
            ..base.seed.clone()
        },
        ..base
    })
}

/// Names of the groups `user` (an email) is in, read from the whole group list.
async fn groups_of(t: &TestApp, email: &str) -> Vec<String> {
    let filter = format!("userName eq \"{email}\"");
    let q = serde_urlencoded::to_string([("filter", filter)]).unwrap();
    let users = t.get(&format!("/users?{q}")).await.json();
    assert_eq!(users["totalResults"], 1, "{email}: {users}");
    let id = users["Resources"][0]["id"].as_str().unwrap().to_string();
    let list = t.get("/groups?count=1000").await.json();
    list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| common::member_values(g).contains(&id))
        .map(|g: &Value| g["displayName"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn people_in_many_groups() {
    let t = with_many(30);
    let list = t.get("/groups?count=1000").await.json();
    assert_eq!(list["totalResults"], 38);
    assert_eq!(list["Resources"][8]["displayName"], "Project 01");

    let ravi = groups_of(&t, "ravi.shankar@blobsrus.co").await;
    assert_eq!(ravi.len(), 31, "{ravi:?}");
    assert!(ravi.contains(&"Everyone".to_string()));
    let jane = groups_of(&t, "jane.offboard@blobsrus.co").await;
    assert_eq!(jane.len(), 12, "{jane:?}");
    for g in ["Everyone", "Sales", "Support", "Project 01", "Project 09"] {
        assert!(jane.contains(&g.to_string()), "{g} not in {jane:?}");
    }
    let olu = groups_of(&t, "olu.newcomer@blobsrus.co").await;
    assert_eq!(olu, ["Everyone"]);

    let users = t.get("/users?count=1").await.json();
    assert_eq!(users["totalResults"], 43);
    let ravi_user = t
        .get("/users?filter=userName%20eq%20%22ravi.shankar%40blobsrus.co%22")
        .await
        .json();
    assert_eq!(ravi_user["Resources"][0]["displayName"], "Ravi Shankar");
}

#[tokio::test]
async fn nobody_of_them_by_default() {
    let t = TestApp::default();
    let list = t.get("/groups?count=1000").await.json();
    assert_eq!(list["totalResults"], 8);
    let q = "/users?filter=userName%20eq%20%22ravi.shankar%40blobsrus.co%22";
    assert_eq!(t.get(q).await.json()["totalResults"], 0);
}
