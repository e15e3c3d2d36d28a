//! Group endpoints through the router: listing, reading, PUT/PATCH/POST/DELETE and their errors.

mod common;

use axum::http::{Method, StatusCode};
use common::{member_values, members, TestApp, BASE};
use serde_json::{json, Value};

#[tokio::test]
async fn list_is_a_list_response_in_creation_order() {
    let t = TestApp::default();
    let a = t.get("/groups").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.header("content-type"), Some("application/json"));
    let v = a.json();
    assert_eq!(
        v["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );
    assert_eq!(v["totalResults"], 8);
    assert_eq!(v["startIndex"], 1);
    assert_eq!(v["itemsPerPage"], 8);
    let names: Vec<&str> = v["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Everyone",
            "Engineering",
            "Blob SEs",
            "Sales",
            "Support",
            "Finance",
            "Product & Design",
            "New hires"
        ]
    );
    let created: Vec<&str> = v["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["meta"]["created"].as_str().unwrap())
        .collect();
    let mut sorted = created.clone();
    sorted.sort();
    assert_eq!(created, sorted);
}

#[tokio::test]
async fn group_resource_shape() {
    let t = TestApp::default();
    let g = t.group_named("Everyone").await;
    assert_eq!(
        g["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:Group"])
    );
    assert_eq!(g["meta"]["resourceType"], "Group");
    let id = g["id"].as_str().unwrap();
    assert_eq!(id.len(), 8);
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    for key in ["created", "lastModified"] {
        let ts = g["meta"][key].as_str().unwrap();
        // 2024-12-04T00:20:47.346Z
        assert_eq!(ts.len(), 24, "{ts}");
        assert!(ts.ends_with('Z') && ts.as_bytes()[19] == b'.', "{ts}");
    }
    let m = g["members"].as_array().unwrap();
    assert_eq!(m.len(), 40);
    // display is the user's email from the store.
    let user = t
        .get(&format!("/users/{}", m[0]["value"].as_str().unwrap()))
        .await
        .json();
    assert_eq!(m[0]["display"], user["userName"]);
}

#[tokio::test]
async fn paging_with_start_index_and_count() {
    let t = TestApp::default();
    let all = t.get("/groups?excludedAttributes=members").await.json();
    let ids: Vec<Value> = all["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].clone())
        .collect();

    let p = t.get("/groups?startIndex=3&count=2").await.json();
    assert_eq!(
        (
            p["totalResults"].clone(),
            p["startIndex"].clone(),
            p["itemsPerPage"].clone()
        ),
        (json!(8), json!(3), json!(2))
    );
    assert_eq!(p["Resources"][0]["id"], ids[2]);
    assert_eq!(p["Resources"][1]["id"], ids[3]);

    let last = t.get("/groups?startIndex=8&count=5").await.json();
    assert_eq!(last["itemsPerPage"], 1);
    assert_eq!(last["Resources"][0]["id"], ids[7]);

    let past = t.get("/groups?startIndex=20").await.json();
    assert_eq!(past["totalResults"], 8);
    assert_eq!(past["Resources"], json!([]));

    let zero = t.get("/groups?startIndex=0&count=1").await.json();
    assert_eq!(zero["startIndex"], 1);
    assert_eq!(zero["Resources"][0]["id"], ids[0]);

    let neg = t.get("/groups?count=-1").await.json();
    assert_eq!(neg["itemsPerPage"], 0);
    assert_eq!(neg["totalResults"], 8);

    t.get("/groups?count=lots").await.error(400);
}

#[tokio::test]
async fn max_count_caps_pages() {
    let t = TestApp::new(scim_sandbox::Config {
        max_count: Some(3),
        ..common::config()
    });
    let p = t.get("/groups?count=100").await.json();
    assert_eq!(p["itemsPerPage"], 3);
    assert_eq!(p["totalResults"], 8);
}

#[tokio::test]
async fn filter_by_display_name_is_exact_and_url_decoded() {
    let t = TestApp::default();
    let v = t
        .get("/groups?filter=displayName%20eq%20%22Product%20%26%20Design%22")
        .await
        .json();
    assert_eq!(v["totalResults"], 1);
    assert_eq!(v["Resources"][0]["displayName"], "Product & Design");
    let v = t
        .get("/groups?filter=displayName+eq+%22sales%22")
        .await
        .json();
    assert_eq!(v["totalResults"], 0, "exact match only");
    let v = t
        .get("/groups?filter=DISPLAYNAME%20EQ%20%22Sales%22")
        .await
        .json();
    assert_eq!(
        v["totalResults"], 1,
        "attribute and operator are case-insensitive"
    );
}

#[tokio::test]
async fn unparseable_filter_is_invalid_filter() {
    let t = TestApp::default();
    for f in [
        "displayName%20eq%20Sales",
        "displayName%20co%20%22Sa%22",
        "displayName%20eq%20%22Sales%22%20or%20displayName%20eq%20%22Support%22",
        "owner%20eq%20%22x%22",
    ] {
        let a = t.get(&format!("/groups?filter={f}")).await;
        a.error(400);
        assert_eq!(a.json()["scimType"], "invalidFilter", "{f}");
    }
}

#[tokio::test]
async fn excluded_attributes_members_omits_the_key() {
    let t = TestApp::default();
    let v = t.get("/groups?excludedAttributes=members").await.json();
    for g in v["Resources"].as_array().unwrap() {
        assert!(g.get("members").is_none(), "{g}");
        assert!(g.get("displayName").is_some());
    }
    let id = v["Resources"][0]["id"].as_str().unwrap();
    let one = t
        .get(&format!("/groups/{id}?excludedAttributes=members"))
        .await
        .json();
    assert!(one.get("members").is_none());
    let one = t.get(&format!("/groups/{id}")).await.json();
    assert!(one["members"].is_array());
    // An empty group still has the key (empty array) when not excluded.
    let empty = t.group_named("New hires").await;
    assert_eq!(empty["members"], json!([]));
}

#[tokio::test]
async fn both_path_casings_answer() {
    let t = TestApp::default();
    let g = t.group_named("Sales").await;
    let id = g["id"].as_str().unwrap();
    for path in [format!("/groups/{id}"), format!("/Groups/{id}")] {
        let a = t.get(&path).await;
        assert_eq!(a.status, StatusCode::OK, "{path}");
        assert_eq!(a.json()["id"], id);
    }
    assert_eq!(t.get("/Groups").await.json()["totalResults"], 8);
    let users = t.get("/Users?count=1").await.json();
    let uid = users["Resources"][0]["id"].as_str().unwrap();
    assert_eq!(t.get(&format!("/Users/{uid}")).await.status, StatusCode::OK);
    // Both casings write to the same data.
    let put = t
        .api(
            Method::PUT,
            &format!("/Groups/{id}"),
            Some(json!({"displayName": "Sales", "members": []})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK);
    assert_eq!(
        t.get(&format!("/groups/{id}")).await.json()["members"],
        json!([])
    );
}

#[tokio::test]
async fn unknown_group_and_path_are_404() {
    let t = TestApp::default();
    assert_eq!(
        t.get("/groups/nope1234").await.error(404),
        "Group not found"
    );
    let a = t
        .api(
            Method::PUT,
            "/groups/nope1234",
            Some(json!({"displayName": "x", "members": []})),
        )
        .await;
    a.error(404);
    t.api(Method::DELETE, "/groups/nope1234", None)
        .await
        .error(404);
    let ops = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "remove", "path": "members"}]});
    t.api(Method::PATCH, "/groups/nope1234", Some(ops))
        .await
        .error(404);
    t.get("/nothing/here").await.error(404);
    let a = t.api(Method::POST, "/users", Some(json!({}))).await;
    a.error(405);
}

#[tokio::test]
async fn put_replaces_membership_and_uses_store_emails() {
    let t = TestApp::default();
    let g = t.group_named("Engineering").await;
    let id = g["id"].as_str().unwrap();
    let before = g["meta"]["lastModified"].as_str().unwrap().to_string();
    let ids = t.user_ids(5).await;
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "Engineering",
        "members": members(&[ids[3].clone(), ids[1].clone(), ids[3].clone()]),
    });
    let a = t
        .api(Method::PUT, &format!("/groups/{id}"), Some(body))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let v = a.json();
    assert_eq!(
        member_values(&v),
        [ids[3].clone(), ids[1].clone()],
        "replaced, duplicates collapsed"
    );
    for m in v["members"].as_array().unwrap() {
        assert!(
            m["display"].as_str().unwrap().ends_with("@blobsrus.co"),
            "{m}"
        );
    }
    assert!(v["meta"]["lastModified"].as_str().unwrap() > before.as_str());
    assert_eq!(v["meta"]["created"], g["meta"]["created"]);
    // The change is visible to later reads, including the users' groups.
    let again = t.get(&format!("/groups/{id}")).await.json();
    assert_eq!(member_values(&again), member_values(&v));
    let u = t.get(&format!("/users/{}", ids[3])).await.json();
    assert!(u["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["value"] == id));
}

#[tokio::test]
async fn last_modified_increases_on_every_write() {
    let t = TestApp::default();
    let g = t.group_named("New hires").await;
    let id = g["id"].as_str().unwrap();
    let mut last = g["meta"]["lastModified"].as_str().unwrap().to_string();
    let ids = t.user_ids(1).await;
    for i in 0..10 {
        let body = json!({"displayName": "New hires", "members": if i % 2 == 0 { members(&ids) } else { json!([]) }});
        let v = t
            .api(Method::PUT, &format!("/groups/{id}"), Some(body))
            .await
            .json();
        let now = v["meta"]["lastModified"].as_str().unwrap().to_string();
        // Same-length RFC 3339 UTC strings order like the instants.
        assert!(now > last, "{now} <= {last}");
        last = now;
    }
}

#[tokio::test]
async fn put_validation_errors() {
    let t = TestApp::default();
    let g = t.group_named("Support").await;
    let id = g["id"].as_str().unwrap().to_string();
    let ids = t.user_ids(2).await;
    let path = format!("/groups/{id}");
    let bogus = "0f8fad5b-d9cb-469f-a165-70867728950e";
    let cases = [
        (json!({"members": []}), "displayName is required"),
        (
            json!({"displayName": 5, "members": []}),
            "displayName must be a string",
        ),
        (
            json!({"displayName": "   ", "members": []}),
            "must not be empty",
        ),
        (
            json!({"displayName": "x".repeat(65), "members": []}),
            "64 characters",
        ),
        (json!({"displayName": "Support"}), "members is required"),
        (
            json!({"displayName": "Support", "members": {}}),
            "members must be an array",
        ),
        (
            json!({"displayName": "Support", "members": [{"value": ids[0]}]}),
            "display is required",
        ),
        (
            json!({"displayName": "Support", "members": [{"display": "a@b.co"}]}),
            "value is required",
        ),
        (
            json!({"displayName": "Support", "members": [{"value": 12, "display": "a"}]}),
            "must be a string",
        ),
        (
            json!({"displayName": "Support", "members": [{"value": bogus, "display": "a"}]}),
            bogus,
        ),
        (json!(["not", "an", "object"]), "JSON object"),
    ];
    for (body, want) in cases {
        let a = t.api(Method::PUT, &path, Some(body.clone())).await;
        let detail = a.error(400);
        assert!(detail.contains(want), "{body} → {detail}");
    }
    // Not JSON at all.
    let auth = format!("Bearer {}", common::KEY);
    let a = t
        .send_from(
            None,
            Method::PUT,
            &format!("{BASE}{path}"),
            &[("authorization", &auth)],
            Some("{\"displayName\":".into()),
        )
        .await;
    a.error(400);
    assert_eq!(a.json()["scimType"], "invalidSyntax");
    // Nothing above changed the group.
    assert_eq!(t.get(&path).await.json(), g);
}

#[tokio::test]
async fn names_up_to_64_characters_multibyte_included() {
    let t = TestApp::default();
    let id = t.group_named("Finance").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/groups/{id}");
    for (ok, bad) in [
        ("🚀".repeat(64), "🚀".repeat(65)),
        ("李".repeat(64), "李".repeat(65)),
    ] {
        let a = t
            .api(
                Method::PUT,
                &path,
                Some(json!({"displayName": ok, "members": []})),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.json()["displayName"], ok);
        t.api(
            Method::PUT,
            &path,
            Some(json!({"displayName": bad, "members": []})),
        )
        .await
        .error(400);
    }
}

#[tokio::test]
async fn put_with_another_groups_name_is_409() {
    let t = TestApp::default();
    let id = t.group_named("Finance").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let a = t
        .api(
            Method::PUT,
            &format!("/groups/{id}"),
            Some(json!({"displayName": "Sales", "members": []})),
        )
        .await;
    let detail = a.error(409);
    assert!(detail.contains("already exists"), "{detail}");
    assert_eq!(a.json()["scimType"], "uniqueness");
    // Its own name is fine.
    let a = t
        .api(
            Method::PUT,
            &format!("/groups/{id}"),
            Some(json!({"displayName": "Finance", "members": []})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn post_creates_and_refuses_duplicates() {
    let t = TestApp::default();
    let ids = t.user_ids(2).await;
    let a = t
        .api(
            Method::POST,
            "/groups",
            Some(json!({"displayName": "Zoë's team 🚀", "members": [{"value": ids[0]}]})),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let g = a.json();
    let id = g["id"].as_str().unwrap();
    assert_eq!(
        a.header("location"),
        Some(format!("{BASE}/groups/{id}").as_str())
    );
    assert_eq!(member_values(&g), [ids[0].clone()]);
    assert_eq!(g["meta"]["created"], g["meta"]["lastModified"]);
    // Listed last (newest).
    let list = t.get("/groups").await.json();
    assert_eq!(list["totalResults"], 9);
    assert_eq!(list["Resources"][8]["id"], id);

    let dup = t
        .api(
            Method::POST,
            "/groups",
            Some(json!({"displayName": "Zoë's team 🚀"})),
        )
        .await;
    assert_eq!(dup.error(409), "Group with this name already exists");
    t.api(Method::POST, "/groups", Some(json!({"members": []})))
        .await
        .error(400);
    t.api(
        Method::POST,
        "/groups",
        Some(json!({"displayName": "Ghosts", "members": [{"value": "nobody"}]})),
    )
    .await
    .error(400);
    assert_eq!(t.get("/groups").await.json()["totalResults"], 9);
}

#[tokio::test]
async fn delete_removes_the_group() {
    let t = TestApp::default();
    let id = t.group_named("Support").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let a = t.api(Method::DELETE, &format!("/groups/{id}"), None).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert!(a.text.is_empty());
    t.get(&format!("/groups/{id}")).await.error(404);
    t.api(Method::DELETE, &format!("/groups/{id}"), None)
        .await
        .error(404);
    assert_eq!(t.get("/groups").await.json()["totalResults"], 7);
}

fn patch(ops: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
}

#[tokio::test]
async fn patch_add_remove_rename() {
    let t = TestApp::default();
    let g = t.group_named("New hires").await;
    let id = g["id"].as_str().unwrap();
    let ids = t.user_ids(3).await;
    let a = t
        .api(
            Method::PATCH,
            &format!("/groups/{id}"),
            Some(patch(json!([
                {"op": "Add", "path": "members", "value": members(&ids)},
                {"op": "remove", "path": format!("members[value eq \"{}\"]", ids[1])},
                {"op": "replace", "path": "displayName", "value": "Fresh faces"},
            ]))),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let v = a.json();
    assert_eq!(member_values(&v), [ids[0].clone(), ids[2].clone()]);
    assert_eq!(v["displayName"], "Fresh faces");
    assert!(v["meta"]["lastModified"].as_str() > g["meta"]["lastModified"].as_str());
    assert!(v["members"][0]["display"].as_str().unwrap().contains('@'));
}

#[tokio::test]
async fn patch_is_atomic_over_http() {
    let t = TestApp::default();
    let g = t.group_named("Finance").await;
    let id = g["id"].as_str().unwrap();
    let ids = t.user_ids(3).await;
    let bad_sets = [
        json!([
            {"op": "add", "path": "members", "value": members(&ids)},
            {"op": "add", "path": "members", "value": [{"value": "not-a-user"}]},
        ]),
        json!([
            {"op": "replace", "path": "displayName", "value": "Renamed"},
            {"op": "frobnicate", "path": "members"},
        ]),
        json!([
            {"op": "remove", "path": "members"},
            {"op": "replace", "path": "displayName", "value": ""},
        ]),
    ];
    for ops in bad_sets {
        let a = t
            .api(
                Method::PATCH,
                &format!("/groups/{id}"),
                Some(patch(ops.clone())),
            )
            .await;
        let detail = a.error(400);
        assert!(
            detail.starts_with("Invalid patch operations"),
            "{ops} → {detail}"
        );
        assert_eq!(
            t.get(&format!("/groups/{id}")).await.json(),
            g,
            "{ops} changed the group"
        );
    }
    // Renaming onto another group's name is a uniqueness conflict, also without effect.
    let a = t
        .api(
            Method::PATCH,
            &format!("/groups/{id}"),
            Some(patch(json!([
                {"op": "remove", "path": "members"},
                {"op": "replace", "path": "displayName", "value": "Sales"},
            ]))),
        )
        .await;
    a.error(409);
    assert_eq!(t.get(&format!("/groups/{id}")).await.json(), g);
    // No PatchOp schema.
    let a = t
        .api(
            Method::PATCH,
            &format!("/groups/{id}"),
            Some(json!({"Operations": [{"op": "remove", "path": "members"}]})),
        )
        .await;
    a.error(400);
}
