//! User endpoints through the router.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn list_users_pages_and_shapes() {
    let t = TestApp::default();
    let v = t.get("/users?startIndex=2&count=3").await.json();
    assert_eq!(v["totalResults"], 40);
    assert_eq!(v["startIndex"], 2);
    assert_eq!(v["itemsPerPage"], 3);
    let u = &v["Resources"][0];
    assert_eq!(
        u["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:User"])
    );
    assert_eq!(u["meta"]["resourceType"], "User");
    assert_eq!(u["active"], true);
    let id = u["id"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 4);
    assert_eq!(
        u["emails"],
        json!([{"primary": true, "value": u["userName"]}])
    );
    assert!(u["name"]["givenName"].is_string() && u["name"]["familyName"].is_string());
    // Everyone contains every user.
    assert!(u["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["display"] == "Everyone"));
    // Default page is 100, so all 40 come back.
    assert_eq!(t.get("/users").await.json()["itemsPerPage"], 40);
}

#[tokio::test]
async fn seeded_names_include_non_latin() {
    let t = TestApp::default();
    let v = t.get("/users?count=40").await.json();
    let names: Vec<&str> = v["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["displayName"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Zoë Müller"), "{names:?}");
    assert!(names.contains(&"李 雷"), "{names:?}");
}

#[tokio::test]
async fn filter_by_user_name_ignores_case() {
    let t = TestApp::default();
    let v = t
        .get("/users?filter=userName%20eq%20%22ZOE.Muller%40BlobsRUs.co%22")
        .await
        .json();
    assert_eq!(v["totalResults"], 1, "{v}");
    assert_eq!(v["Resources"][0]["userName"], "zoe.muller@blobsrus.co");
    let none = t
        .get("/users?filter=userName+eq+%22nobody%40blobsrus.co%22")
        .await
        .json();
    assert_eq!(none["totalResults"], 0);
    assert_eq!(none["Resources"], json!([]));
    let a = t.get("/users?filter=emails%20co%20%22x%22").await;
    a.error(400);
    assert_eq!(a.json()["scimType"], "invalidFilter");
}

#[tokio::test]
async fn get_user_by_id() {
    let t = TestApp::default();
    let ids = t.user_ids(1).await;
    let a = t.get(&format!("/users/{}", ids[0])).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["id"], ids[0].as_str());
    assert_eq!(
        t.get("/users/0f8fad5b-d9cb-469f-a165-70867728950e")
            .await
            .error(404),
        "User not found"
    );
}
