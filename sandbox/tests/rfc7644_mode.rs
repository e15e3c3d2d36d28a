//! `--mode rfc7644` against the default omni mode: ServiceProviderConfig, group versions and
//! ETags, If-Match, richer filters, the RFC error shape; and `--patch-no-content`.

mod common;

use axum::http::{Method, StatusCode};
use common::{config, member_values, members, rfc_config, Answer, TestApp, BASE, KEY};
use scim_sandbox::Config;
use serde_json::{json, Value};

fn rfc() -> TestApp {
    TestApp::new(rfc_config())
}

fn q(filter: &str) -> String {
    serde_urlencoded::to_string([("filter", filter)]).unwrap()
}

/// `W/"N"` → N.
fn version_number(v: &str) -> u64 {
    v.strip_prefix("W/\"")
        .and_then(|r| r.strip_suffix('"'))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a weak numeric ETag: {v:?}"))
}

/// The group's `meta.version`, checking that the answer's ETag header equals it.
fn version(a: &Answer) -> String {
    let v = a.json()["meta"]["version"]
        .as_str()
        .unwrap_or_else(|| panic!("no meta.version: {}", a.text))
        .to_string();
    version_number(&v);
    assert_eq!(a.header("etag"), Some(v.as_str()), "ETag = meta.version");
    v
}

fn put_body(name: &str, ids: &[String]) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
           "displayName": name, "members": members(ids)})
}

fn patch_add(id: &str) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
           "Operations": [{"op": "add", "path": "members", "value": [{"value": id}]}]})
}

#[tokio::test]
async fn service_provider_config_only_in_rfc_mode() {
    let t = TestApp::default();
    for path in ["/ServiceProviderConfig", "/serviceproviderconfig"] {
        let a = t.get(path).await;
        assert_eq!(a.error(404), "Not found");
        assert_eq!(a.json(), json!({"detail": "Not found", "status": 404}));
    }

    let t = rfc();
    let a = t.get("/ServiceProviderConfig").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.header("content-type"), Some("application/scim+json"));
    let v = a.json();
    assert_eq!(
        v["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"])
    );
    assert_eq!(v["etag"], json!({"supported": true}));
    assert_eq!(v["patch"], json!({"supported": true}));
    assert_eq!(v["filter"], json!({"supported": true, "maxResults": 1000}));
    assert_eq!(v["bulk"]["supported"], false);
    assert!(v["bulk"]["maxOperations"].is_u64() && v["bulk"]["maxPayloadSize"].is_u64());
    assert_eq!(v["sort"]["supported"], false);
    assert_eq!(v["changePassword"]["supported"], false);
    let schemes = v["authenticationSchemes"].as_array().unwrap();
    assert_eq!(schemes.len(), 1);
    assert_eq!(schemes[0]["type"], "oauthbearertoken");
    assert!(schemes[0]["name"].is_string() && schemes[0]["description"].is_string());
    assert_eq!(v["meta"]["resourceType"], "ServiceProviderConfig");
    assert_eq!(
        v["meta"]["location"],
        format!("{BASE}/ServiceProviderConfig")
    );
    assert_eq!(t.get("/serviceproviderconfig").await.json(), v);

    // Behind the key like the rest.
    let a = t
        .send_from(
            None,
            Method::GET,
            &format!("{BASE}/ServiceProviderConfig"),
            &[],
            None,
        )
        .await;
    a.rfc_error(401);

    // maxResults follows --max-count, and list calls keep to it.
    let t = TestApp::new(Config {
        max_count: Some(7),
        ..rfc_config()
    });
    let v = t.get("/ServiceProviderConfig").await.json();
    assert_eq!(v["filter"]["maxResults"], 7);
    assert_eq!(t.get("/users?count=100").await.json()["itemsPerPage"], 7);
}

#[tokio::test]
async fn versions_change_on_every_write_and_etag_equals_meta_version() {
    let t = rfc();
    let ids = t.user_ids(3).await;
    let g = t.group_named("Sales").await;
    let id = g["id"].as_str().unwrap().to_string();
    // Lists carry versions too (no ETag there: a list is not one group).
    let listed = g["meta"]["version"].as_str().unwrap().to_string();

    let a = t.get(&format!("/groups/{id}")).await;
    let v0 = version(&a);
    assert_eq!(v0, listed);
    let a = t
        .get(&format!("/groups/{id}?excludedAttributes=members"))
        .await;
    assert_eq!(version(&a), v0);

    let a = t
        .api(
            Method::PUT,
            &format!("/groups/{id}"),
            Some(put_body("Sales", &ids[..1])),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let v1 = version(&a);
    assert_ne!(v1, v0);
    assert_eq!(version(&t.get(&format!("/groups/{id}")).await), v1);

    let a = t
        .api(
            Method::PATCH,
            &format!("/groups/{id}"),
            Some(patch_add(&ids[1])),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let v2 = version(&a);
    assert!(version_number(&v2) > version_number(&v1));
    assert_eq!(member_values(&a.json()), ids[..2]);

    // A refused write keeps the version.
    let a = t
        .api(
            Method::PUT,
            &format!("/groups/{id}"),
            Some(json!({"displayName": "", "members": []})),
        )
        .await;
    a.rfc_error(400);
    assert_eq!(version(&t.get(&format!("/groups/{id}")).await), v2);

    // POST answers 201 with the new group's version.
    let a = t
        .api(
            Method::POST,
            "/groups",
            Some(json!({"displayName": "Fresh", "members": []})),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let fresh = version(&a);
    assert!(version_number(&fresh) > version_number(&v2));

    // Versions are store-wide: no two groups share one.
    let list = t.get("/groups").await.json();
    let mut all: Vec<&str> = list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["meta"]["version"].as_str().unwrap())
        .collect();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n);
}

#[tokio::test]
async fn stale_if_match_is_412_and_changes_nothing() {
    let t = rfc();
    let ids = t.user_ids(3).await;
    let g = t.group_named("Finance").await;
    let id = g["id"].as_str().unwrap().to_string();
    let path = format!("/groups/{id}");
    let v0 = version(&t.get(&path).await);

    // Someone else saves first.
    let a = t
        .api_with(
            Method::PUT,
            &path,
            &[("if-match", &v0)],
            Some(put_body("Finance", &ids[..2])),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let before = t.get(&path).await;
    let v1 = version(&before);

    // Now the stale version is refused for PUT, PATCH and DELETE.
    let stale_put = t
        .api_with(
            Method::PUT,
            &path,
            &[("if-match", &v0)],
            Some(put_body("Renamed", &[])),
        )
        .await;
    let e = stale_put.rfc_error(412);
    assert!(e.get("scimType").is_none(), "{e}");
    assert!(stale_put.header("etag").is_none());
    t.api_with(
        Method::PATCH,
        &path,
        &[("if-match", &v0)],
        Some(patch_add(&ids[2])),
    )
    .await
    .rfc_error(412);
    t.api_with(Method::DELETE, &path, &[("if-match", &v0)], None)
        .await
        .rfc_error(412);
    // The number alone, or the strong form, is not the version either.
    let strong = v1.trim_start_matches("W/").to_string();
    let bare = strong.trim_matches('"').to_string();
    for wrong in [
        strong.as_str(),
        bare.as_str(),
        "W/\"999999\"",
        "",
        "garbage",
    ] {
        t.api_with(
            Method::PUT,
            &path,
            &[("if-match", wrong)],
            Some(put_body("Renamed", &[])),
        )
        .await
        .rfc_error(412);
    }

    let after = t.get(&path).await;
    assert_eq!(after.json(), before.json(), "nothing changed");
    assert_eq!(version(&after), v1);
    // Still listed under its old name.
    assert_eq!(t.group_named("Finance").await["id"], id.as_str());

    // Other errors come first (RFC 7232 §3.1: a precondition decides only a success).
    t.api_with(Method::PUT, "/groups/nope", &[("if-match", &v0)], None)
        .await
        .rfc_error(400);
    t.api_with(
        Method::PUT,
        "/groups/nope",
        &[("if-match", &v0)],
        Some(put_body("X", &[])),
    )
    .await
    .rfc_error(404);
}

#[tokio::test]
async fn current_if_match_and_star_succeed() {
    let t = rfc();
    let ids = t.user_ids(3).await;
    let id = t.group_named("Support").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/groups/{id}");
    let mut v = version(&t.get(&path).await);

    let a = t
        .api_with(
            Method::PUT,
            &path,
            &[("if-match", &v)],
            Some(put_body("Support", &ids[..1])),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    v = version(&a);

    let a = t
        .api_with(
            Method::PATCH,
            &path,
            &[("if-match", &v)],
            Some(patch_add(&ids[1])),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    v = version(&a);

    // A list naming the current version among others matches too.
    let list = format!("W/\"1\", {v}");
    let a = t
        .api_with(
            Method::PATCH,
            &path,
            &[("if-match", &list)],
            Some(patch_add(&ids[2])),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);

    for star in ["*", " * "] {
        let a = t
            .api_with(
                Method::PUT,
                &path,
                &[("if-match", star)],
                Some(put_body("Support", &ids[..2])),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    }
    // Without If-Match the write is unconditional (RFC 7644 makes it optional).
    let a = t
        .api(Method::PUT, &path, Some(put_body("Support", &[])))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    v = version(&a);

    let a = t
        .api_with(Method::DELETE, &path, &[("if-match", &v)], None)
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    t.get(&path).await.rfc_error(404);
}

#[tokio::test]
async fn errors_use_the_rfc_shape_in_rfc_mode() {
    let t = rfc();
    let e = t.get("/groups/nope").await.rfc_error(404);
    assert_eq!(e["detail"], "Group not found");
    assert!(e.get("scimType").is_none());
    t.get("/users/nope").await.rfc_error(404);
    t.get("/nope").await.rfc_error(404);

    // Without the key, still with WWW-Authenticate.
    let a = t
        .send_from(None, Method::GET, &format!("{BASE}/groups"), &[], None)
        .await;
    a.rfc_error(401);
    assert_eq!(a.header("www-authenticate"), Some("Bearer"));

    let e = t
        .get(&format!("/users?{}", q(r#"title eq "x""#)))
        .await
        .rfc_error(400);
    assert_eq!(e["scimType"], "invalidFilter");
    let e = t
        .get(&format!("/users?{}", q(r#"userName ew "x""#)))
        .await
        .rfc_error(400);
    assert_eq!(e["scimType"], "invalidFilter");

    let e = t
        .api(
            Method::POST,
            "/groups",
            Some(json!({"displayName": "sales", "members": []})),
        )
        .await
        .rfc_error(409);
    assert_eq!(e["scimType"], "uniqueness");

    let a = t
        .send_from(
            None,
            Method::POST,
            &format!("{BASE}/groups"),
            &[("authorization", &format!("Bearer {KEY}"))],
            Some("{not json".into()),
        )
        .await;
    assert_eq!(a.rfc_error(400)["scimType"], "invalidSyntax");

    let a = t.api(Method::POST, "/users", Some(json!({}))).await;
    a.rfc_error(405);

    // Injected JSON faults speak the mode's shape too; a non-JSON one stays as it is.
    t.control(
        Method::PUT,
        "/__sandbox/faults",
        Some(json!({"fail_status": 429, "retry_after": "3"})),
    )
    .await;
    let a = t.get("/groups").await;
    a.rfc_error(429);
    assert_eq!(a.header("retry-after"), Some("3"));
    t.control(
        Method::PUT,
        "/__sandbox/faults",
        Some(json!({"fail_status": 502, "body": "html"})),
    )
    .await;
    let a = t.get("/groups").await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY);
    assert!(a.header("content-type").unwrap().starts_with("text/html"));
}

#[tokio::test]
async fn omni_mode_has_no_versions_and_ignores_if_match() {
    let t = TestApp::default();
    let ids = t.user_ids(2).await;
    let id = t.group_named("Sales").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/groups/{id}");
    let a = t.get(&path).await;
    assert_eq!(a.header("content-type"), Some("application/json"));
    assert!(a.header("etag").is_none());
    assert!(a.json()["meta"].get("version").is_none(), "{}", a.text);
    let list = t.get("/groups").await.json();
    assert!(list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["meta"].get("version").is_none()));

    for (method, body) in [
        (Method::PUT, put_body("Sales", &ids[..1])),
        (Method::PATCH, patch_add(&ids[1])),
    ] {
        let a = t
            .api_with(
                method.clone(),
                &path,
                &[("if-match", "W/\"stale\"")],
                Some(body),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{method}: {}", a.text);
        assert!(a.header("etag").is_none());
        assert!(a.json()["meta"].get("version").is_none());
    }
    assert_eq!(member_values(&t.get(&path).await.json()), ids);
    let a = t
        .api_with(Method::DELETE, &path, &[("if-match", "W/\"stale\"")], None)
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn request_log_records_if_match_but_not_the_key() {
    for cfg in [config(), rfc_config()] {
        let t = TestApp::new(cfg);
        let id = t.group_named("Sales").await["id"]
            .as_str()
            .unwrap()
            .to_string();
        t.control(Method::DELETE, "/__sandbox/requests", None).await;
        t.api_with(
            Method::PATCH,
            &format!("/groups/{id}"),
            &[("if-match", "W/\"42\"")],
            Some(patch_add("nobody")),
        )
        .await;
        t.get("/groups").await;
        let a = t.control(Method::GET, "/__sandbox/requests", None).await;
        assert!(!a.text.contains(KEY));
        let log = a.json();
        assert_eq!(log["count"], 2);
        assert_eq!(log["requests"][0]["method"], "PATCH");
        assert_eq!(log["requests"][0]["if_match"], "W/\"42\"");
        assert_eq!(log["requests"][1]["if_match"], Value::Null);
    }
}

#[tokio::test]
async fn user_search_with_sw_co_and_or_in_rfc_mode() {
    let t = rfc();
    let all = t.get("/users?count=1000").await.json();
    let users = all["Resources"].as_array().unwrap().clone();
    let names = |a: &Answer| -> Vec<String> {
        let v = a.json();
        assert_eq!(a.status, StatusCode::OK, "{v}");
        assert_eq!(
            v["totalResults"].as_u64(),
            Some(v["Resources"].as_array().unwrap().len() as u64)
        );
        v["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["userName"].as_str().unwrap().to_string())
            .collect()
    };
    // What a case-insensitive search should find, worked out from the full list.
    let expect = |pick: &dyn Fn(&Value) -> bool| -> Vec<String> {
        users
            .iter()
            .filter(|u| pick(u))
            .map(|u| u["userName"].as_str().unwrap().to_string())
            .collect()
    };
    let s = |u: &Value, k: &str| u[k].as_str().unwrap().to_lowercase();
    let n = |u: &Value, k: &str| u["name"][k].as_str().unwrap().to_lowercase();
    let search = |f: &str| {
        let f = f.to_string();
        let t = &t;
        async move { t.get(&format!("/users?{}", q(&f))).await }
    };

    let got = names(&search(r#"userName sw "AVA.""#).await);
    assert_eq!(got, ["ava.singh@blobsrus.co", "ava.obrien@blobsrus.co"]);
    assert_eq!(got, expect(&|u| s(u, "userName").starts_with("ava.")));

    let got = names(&search(r#"displayName co "DUBOIS""#).await);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got, expect(&|u| s(u, "displayName").contains("dubois")));

    let got = names(&search(r#"name.familyName eq "mendes""#).await);
    assert_eq!(got, expect(&|u| n(u, "familyName") == "mendes"));
    assert_eq!(got.len(), 3);

    // Non-ASCII folds too.
    let got = names(&search(r#"name.givenName sw "ZOË""#).await);
    assert_eq!(got, ["zoe.muller@blobsrus.co"]);
    let got = names(&search(r#"displayName co "o'""#).await);
    assert_eq!(got, expect(&|u| s(u, "displayName").contains("o'")));
    assert_eq!(got.len(), 2);

    let got = names(&search(r#"emails.value co "@BLOBSRUS.CO""#).await);
    assert_eq!(got.len(), users.len());
    let got = names(&search(r#"emails co "okonkwo""#).await);
    assert_eq!(got, ["ada.okonkwo@blobsrus.co"]);

    let got = names(&search(r#"name.givenName eq "mateo" and name.familyName eq "dubois""#).await);
    assert_eq!(got, ["mateo.dubois@blobsrus.co"]);
    let got = names(&search(r#"userName sw "zoe." OR name.familyName eq "kim""#).await);
    assert_eq!(
        got,
        expect(&|u| s(u, "userName").starts_with("zoe.") || n(u, "familyName") == "kim")
    );
    assert_eq!(got, ["zoe.muller@blobsrus.co", "zainab.kim@blobsrus.co"]);
    // `and` binds tighter than `or`.
    let got = names(
        &search(r#"userName sw "ava" and name.familyName eq "singh" or userName sw "zoe""#).await,
    );
    assert_eq!(got, ["zoe.muller@blobsrus.co", "ava.singh@blobsrus.co"]);

    // id is case-exact.
    let id = users[3]["id"].as_str().unwrap();
    let got = names(&search(&format!(r#"id eq "{id}""#)).await);
    assert_eq!(got.len(), 1);
    let got = names(&search(&format!(r#"id eq "{}""#, id.to_uppercase())).await);
    assert!(got.is_empty());

    // userName eq still works, ignoring case, and paging applies to filtered results.
    let got = names(&search(r#"userName eq "ZOE.MULLER@blobsrus.co""#).await);
    assert_eq!(got, ["zoe.muller@blobsrus.co"]);
    let a = t
        .get(&format!(
            "/users?{}&startIndex=2&count=1",
            q(r#"displayName co "dubois""#)
        ))
        .await
        .json();
    assert_eq!(a["totalResults"], 3);
    assert_eq!(a["itemsPerPage"], 1);

    for bad in [
        r#"title eq "x""#,
        r#"userName ew "x""#,
        r#"userName pr"#,
        r#"(userName eq "x")"#,
        r#"userName eq "x" and"#,
        r#"emails[value co "x"]"#,
    ] {
        let e = search(bad).await.rfc_error(400);
        assert_eq!(e["scimType"], "invalidFilter", "{bad}");
    }
}

#[tokio::test]
async fn group_search_in_rfc_mode() {
    let t = rfc();
    let names = |v: Value| -> Vec<String> {
        v["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["displayName"].as_str().unwrap().to_string())
            .collect()
    };
    let find = |f: &str| {
        let path = format!("/groups?{}", q(f));
        let t = &t;
        async move { t.get(&path).await }
    };
    assert_eq!(
        names(find(r#"displayName sw "s""#).await.json()),
        ["Sales", "Support"]
    );
    assert_eq!(
        names(find(r#"displayName co "ENG""#).await.json()),
        ["Engineering"]
    );
    assert_eq!(
        names(find(r#"displayName eq "blob ses""#).await.json()),
        ["Blob SEs"]
    );
    assert_eq!(
        names(
            find(r#"displayName eq "sales" or displayName co "&""#)
                .await
                .json()
        ),
        ["Sales", "Product & Design"]
    );
    // Escaped quotes in the value.
    let a = t
        .api(
            Method::POST,
            "/groups",
            Some(json!({"displayName": "Say \"hi\"", "members": []})),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(
        names(find(r#"displayName co "\"HI\"""#).await.json()),
        ["Say \"hi\""]
    );
    let e = find(r#"id eq "x""#).await.rfc_error(400);
    assert_eq!(e["scimType"], "invalidFilter");
}

#[tokio::test]
async fn omni_mode_refuses_sw_co_and_or() {
    let t = TestApp::default();
    for (path, filter) in [
        ("/users", r#"userName sw "zoe""#),
        ("/users", r#"userName co "zoe""#),
        ("/users", r#"name.familyName eq "Mendes""#),
        ("/users", r#"userName eq "a" or userName eq "b""#),
        ("/groups", r#"displayName sw "S""#),
        ("/groups", r#"displayName co "S""#),
        (
            "/groups",
            r#"displayName eq "Sales" and displayName eq "Sales""#,
        ),
    ] {
        let a = t.get(&format!("{path}?{}", q(filter))).await;
        a.error(400);
        assert_eq!(a.json()["scimType"], "invalidFilter", "{path} {filter}");
    }
    // What Omni documents still works: userName ignoring case, displayName exactly.
    let v = t
        .get(&format!(
            "/users?{}",
            q(r#"userName eq "ZOE.muller@blobsrus.co""#)
        ))
        .await
        .json();
    assert_eq!(v["totalResults"], 1);
    let v = t
        .get(&format!("/groups?{}", q(r#"displayName eq "sales""#)))
        .await
        .json();
    assert_eq!(v["totalResults"], 0);
}

#[tokio::test]
async fn patch_no_content_answers_204_in_both_modes() {
    for cfg in [config(), rfc_config()] {
        let rfc = cfg.mode == scim_sandbox::Mode::Rfc7644;
        let t = TestApp::new(Config {
            patch_no_content: true,
            ..cfg
        });
        let ids = t.user_ids(1).await;
        let id = t.group_named("New hires").await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let path = format!("/groups/{id}");
        let a = t.api(Method::PATCH, &path, Some(patch_add(&ids[0]))).await;
        assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.text);
        assert!(a.text.is_empty());
        assert!(a.header("content-type").is_none());
        let now = t.get(&path).await;
        assert_eq!(member_values(&now.json()), ids);
        if rfc {
            // The only way to learn the new version without another GET.
            assert_eq!(a.header("etag").map(str::to_string), Some(version(&now)));
        } else {
            assert!(a.header("etag").is_none());
        }
        // Errors still have bodies; PUT still answers with the group.
        let bad = t.api(Method::PATCH, &path, Some(patch_add("nobody"))).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.json()["detail"].is_string());
        let a = t
            .api(Method::PUT, &path, Some(put_body("New hires", &[])))
            .await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.json()["id"], id.as_str());
    }
}

#[tokio::test]
async fn cors_exposes_etag_and_allows_if_match_in_rfc_mode() {
    const ORIGIN: &str = "http://127.0.0.1:8080";
    let t = TestApp::new(Config {
        cors_origin: Some(ORIGIN.parse().unwrap()),
        ..rfc_config()
    });
    let id = t.group_named("Sales").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let user = t.user_ids(1).await.remove(0);
    let path = format!("{BASE}/groups/{id}");
    let pre = t
        .send_from(
            None,
            Method::OPTIONS,
            &path,
            &[
                ("origin", ORIGIN),
                ("access-control-request-method", "PATCH"),
                (
                    "access-control-request-headers",
                    "authorization,content-type,if-match",
                ),
            ],
            None,
        )
        .await;
    assert_eq!(pre.status, StatusCode::OK);
    let allowed = pre
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("if-match"), "{allowed}");

    let auth = format!("Bearer {KEY}");
    let a = t
        .send_from(
            None,
            Method::GET,
            &path,
            &[("authorization", &auth), ("origin", ORIGIN)],
            None,
        )
        .await;
    assert!(a.header("etag").is_some());
    let exposed = a
        .header("access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("etag"), "{exposed}");
    // A 412 is readable cross-origin too.
    let a = t
        .send_from(
            None,
            Method::PATCH,
            &path,
            &[
                ("authorization", &auth),
                ("origin", ORIGIN),
                ("if-match", "W/\"0\""),
            ],
            Some(patch_add(&user).to_string()),
        )
        .await;
    a.rfc_error(412);
    assert_eq!(a.header("access-control-allow-origin"), Some(ORIGIN));
}
