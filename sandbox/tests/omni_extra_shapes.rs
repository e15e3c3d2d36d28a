//! Omni beyond the PUT page (issue 14): embed users (`/embed/Users`), renames onto a taken name,
//! what a group grants (`/api/v1/user-groups/{id}/model-roles`) and the user attributes.
//!
//! Each new answer is checked twice: against the OpenAPI descriptions in
//! `/work/shared/reference/` by a small schema walker (skipped with a note when the files are
//! not there, e.g. on a clean clone), and against the project's own expectations of the key
//! fields, which always run.

mod common;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{config, rfc_config, Answer, TestApp, BASE, KEY};
use scim_sandbox::faults::FaultConfig;
use scim_sandbox::seed::{SeedConfig, EVENTS_MODEL, REVENUE_MODEL, WAREHOUSE_CONNECTION};
use scim_sandbox::Config;
use serde_json::{json, Value};

/// Where the reference descriptions live; `OMNI_REFERENCE_DIR` overrides it (e.g. to try the
/// run without them).
const REFERENCE: &str = "/work/shared/reference";
const EMBED: usize = 10;
const PERSONAL: &str = "omni_pat_personal";
const ORIGIN: &str = "http://127.0.0.1:8080";

fn omni_config() -> Config {
    let mut c = config();
    c.seed = SeedConfig {
        users: 40,
        embed_users: EMBED,
        model_roles: true,
        ..SeedConfig::default()
    };
    c.personal_token = Some(PERSONAL.into());
    c
}

fn app() -> TestApp {
    TestApp::new(omni_config())
}

/// A GET on a full path (for `/api/v1`), with `token` as the bearer.
async fn get_as(t: &TestApp, path: &str, token: Option<&str>) -> Answer {
    let auth = token.map(|k| format!("Bearer {k}"));
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
    t.send_from(None, Method::GET, path, &headers, None).await
}

async fn v1(t: &TestApp, path: &str) -> Answer {
    get_as(t, &format!("/api/v1{path}"), Some(KEY)).await
}

fn filter_query(f: &str) -> String {
    serde_urlencoded::to_string([("filter", f)]).unwrap()
}

// ---- the schema walker ---------------------------------------------------------------------

/// An OpenAPI description from the reference folder, or `None` (with a note) when absent.
fn reference(file: &str) -> Option<Value> {
    let dir = std::env::var("OMNI_REFERENCE_DIR").unwrap_or_else(|_| REFERENCE.to_string());
    let path = format!("{dir}/{file}");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("reference file is JSON")),
        Err(_) => {
            println!("note: {path} not found; schema check skipped (hand-written checks run)");
            None
        }
    }
}

/// The 200 response schema of `GET path` in `doc`.
fn response_schema<'a>(doc: &'a Value, path: &str) -> &'a Value {
    let s = &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(s.is_object(), "no GET 200 schema for {path}");
    s
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let pointer = r.strip_prefix('#').expect("only refs within the file");
            let target = doc
                .pointer(pointer)
                .unwrap_or_else(|| panic!("bad $ref {r}"));
            resolve(doc, target)
        }
        None => schema,
    }
}

fn type_ok(ty: &str, v: &Value) -> bool {
    match ty {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        other => panic!("schema type {other:?} not handled"),
    }
}

/// Collects every way `v` breaks `schema` (required properties, types, enums, array items,
/// `anyOf`), with JSON-pointer-like locations.
fn check(doc: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(options) = schema["anyOf"].as_array() {
        let fits = options.iter().any(|o| {
            let mut e = Vec::new();
            check(doc, o, v, at, &mut e);
            e.is_empty()
        });
        if !fits {
            errors.push(format!("{at}: matches none of anyOf: {v}"));
        }
        return;
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|t| type_ok(t, v)) {
        errors.push(format!("{at}: expected {types:?}, got {v}"));
        return;
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(v) {
            errors.push(format!("{at}: {v} not in enum {allowed:?}"));
        }
    }
    if let (Some(obj), Some(props)) = (v.as_object(), schema["properties"].as_object()) {
        for r in schema["required"].as_array().into_iter().flatten() {
            let name = r.as_str().unwrap_or_default();
            if !obj.contains_key(name) {
                errors.push(format!("{at}: required property {name:?} missing"));
            }
        }
        for (name, sub) in props {
            if let Some(x) = obj.get(name) {
                check(doc, sub, x, &format!("{at}/{name}"), errors);
            }
        }
    }
    if let (Some(items), Some(list)) = (schema.get("items"), v.as_array()) {
        for (i, x) in list.iter().enumerate() {
            check(doc, items, x, &format!("{at}/{i}"), errors);
        }
    }
}

/// Checks `v` against the 200 schema of `GET path` in the reference `file`, if present.
fn assert_fits(file: &str, path: &str, v: &Value) {
    let Some(doc) = reference(file) else { return };
    let mut errors = Vec::new();
    check(&doc, response_schema(&doc, path), v, "", &mut errors);
    assert!(errors.is_empty(), "{path}: {errors:#?}\nin {v}");
}

#[test]
fn the_walker_catches_what_it_should() {
    let doc = json!({"components": {"schemas": {
        "Item": {"type": "object", "properties": {"n": {"type": "number"},
                  "k": {"type": "string", "enum": ["A"]}}, "required": ["n"]},
        "List": {"type": "object", "properties": {"items": {"type": "array",
                  "items": {"$ref": "#/components/schemas/Item"}},
                  "d": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                  "t": {"type": ["string", "null"]}}, "required": ["items"]}
    }}});
    let schema = json!({"$ref": "#/components/schemas/List"});
    let errs = |v: Value| {
        let mut e = Vec::new();
        check(&doc, &schema, &v, "", &mut e);
        e
    };
    assert!(errs(json!({"items": [{"n": 1, "k": "A"}], "d": null, "t": "x"})).is_empty());
    assert_eq!(errs(json!({})).len(), 1);
    assert_eq!(errs(json!({"items": [{"n": "1"}]})).len(), 1);
    assert_eq!(errs(json!({"items": [{"n": 1, "k": "B"}]})).len(), 1);
    assert_eq!(errs(json!({"items": [{}]})).len(), 1);
    assert_eq!(errs(json!({"items": [], "d": 3})).len(), 1);
    assert_eq!(errs(json!({"items": [], "t": 3})).len(), 1);
}

// ---- shapes ----------------------------------------------------------------------------------

const SCIM: &str = "omni-scim-openapi.json";
const EXTRA: &str = "omni-groups-extra-openapi.json";

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

/// The project's own expectations of an embed user.
fn assert_embed_user(u: &Value) {
    assert_eq!(
        keys(u),
        ["active", "displayName", "id", "schemas", "userName"],
        "{u}"
    );
    assert_eq!(u["active"], true);
    assert!(u["displayName"].as_str().is_some_and(|d| !d.is_empty()));
    let id = u["id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    assert_eq!(
        u["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:User"])
    );
    let name = u["userName"].as_str().unwrap();
    assert!(
        name.starts_with("embed-user-") && name.contains("@blobsrus.embed-"),
        "{name}"
    );
}

#[tokio::test]
async fn embed_users_have_the_described_shape() {
    let t = app();
    let a = t.get("/embed/Users").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.header("content-type"), Some("application/json"));
    let list = a.json();
    assert_fits(SCIM, "/api/scim/v2/embed/Users", &list);
    assert_eq!(
        keys(&list),
        [
            "Resources",
            "itemsPerPage",
            "schemas",
            "startIndex",
            "totalResults"
        ]
    );
    assert_eq!(
        list["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );
    assert_eq!(list["totalResults"], EMBED);
    assert_eq!(list["itemsPerPage"], EMBED);
    assert_eq!(list["startIndex"], 1);
    let users = list["Resources"].as_array().unwrap();
    users.iter().for_each(assert_embed_user);

    let id = users[4]["id"].as_str().unwrap();
    let one = t.get(&format!("/embed/Users/{id}")).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text);
    let one = one.json();
    assert_fits(SCIM, "/api/scim/v2/embed/Users/{id}", &one);
    assert_embed_user(&one);
    assert_eq!(one, users[4]);
}

#[tokio::test]
async fn model_roles_and_user_attributes_have_the_described_shape() {
    let t = app();
    let finance = t.group_id("Finance").await;
    let a = v1(&t, &format!("/user-groups/{finance}/model-roles")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.header("content-type"), Some("application/json"));
    let v = a.json();
    assert_fits(EXTRA, "/api/v1/user-groups/{id}/model-roles", &v);
    assert_eq!(keys(&v), ["results", "userGroupId"]);
    assert_eq!(v["userGroupId"], finance.as_str());
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{v}");
    for r in results {
        assert_eq!(
            keys(r),
            [
                "baseRole",
                "connectionId",
                "from",
                "modelId",
                "priority",
                "roleName"
            ]
        );
        assert!(uuid::Uuid::parse_str(r["connectionId"].as_str().unwrap()).is_ok());
        assert!(uuid::Uuid::parse_str(r["modelId"].as_str().unwrap()).is_ok());
        assert!(r["priority"].is_number());
        assert_eq!(
            r["from"],
            json!({"depth": 0, "miniUuid": finance, "name": "Finance", "type": "GROUP"})
        );
    }
    assert_eq!(results[0]["roleName"], "Finance analyst");
    assert_eq!(results[0]["baseRole"], "QUERIER");

    let a = v1(&t, "/user-attributes").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let v = a.json();
    assert_fits(EXTRA, "/api/v1/user-attributes", &v);
    let records = v["records"].as_array().unwrap();
    let groups = records
        .iter()
        .find(|r| r["name"] == "omni_user_groups")
        .expect("omni_user_groups is listed");
    assert_eq!(groups["system"], true);
    assert_eq!(groups["multiple_values"], true);
    assert_eq!(groups["id"], "");
    for r in records {
        assert_eq!(
            keys(r),
            [
                "default_value",
                "description",
                "id",
                "label",
                "multiple_values",
                "name",
                "system",
                "type"
            ]
        );
        assert!(r["type"] == "String" || r["type"] == "Number", "{r}");
    }
}

#[tokio::test]
async fn without_model_roles_every_group_grants_nothing() {
    let mut c = omni_config();
    c.seed.model_roles = false;
    let t = TestApp::new(c);
    let id = t.group_id("Finance").await;
    let v = v1(&t, &format!("/user-groups/{id}/model-roles"))
        .await
        .json();
    assert_eq!(v, json!({"results": [], "userGroupId": id}));
    assert_fits(EXTRA, "/api/v1/user-groups/{id}/model-roles", &v);
}

#[tokio::test]
async fn model_roles_filter_by_connection_and_model() {
    let t = app();
    let eng = t.group_id("Engineering").await;
    let path = format!("/user-groups/{eng}/model-roles");
    let all = v1(&t, &path).await.json();
    assert_eq!(all["results"].as_array().unwrap().len(), 2);
    let by_conn = v1(&t, &format!("{path}?connectionId={WAREHOUSE_CONNECTION}"))
        .await
        .json();
    assert_eq!(by_conn["results"].as_array().unwrap().len(), 1);
    assert_eq!(by_conn["results"][0]["baseRole"], "EDITOR");
    let by_model = v1(&t, &format!("{path}?modelId={EVENTS_MODEL}"))
        .await
        .json();
    assert_eq!(by_model["results"][0]["baseRole"], "QUERIER");
    let none = v1(&t, &format!("{path}?modelId={REVENUE_MODEL}"))
        .await
        .json();
    assert_eq!(none["results"], json!([]));
}

// ---- embed users: paging, filters, where they are and are not --------------------------------

#[tokio::test]
async fn embed_users_page_like_other_lists() {
    let t = app();
    let all = t.get("/embed/Users").await.json();
    let ids: Vec<&Value> = all["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| &u["id"])
        .collect();
    let page = t.get("/embed/Users?startIndex=4&count=3").await.json();
    assert_eq!(
        (
            &page["totalResults"],
            &page["startIndex"],
            &page["itemsPerPage"]
        ),
        (&json!(EMBED), &json!(4), &json!(3))
    );
    let got: Vec<&Value> = page["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| &u["id"])
        .collect();
    assert_eq!(got, ids[3..6]);
    let past = t.get("/embed/Users?startIndex=11").await.json();
    assert_eq!(past["Resources"], json!([]));
    assert_eq!(past["totalResults"], EMBED);
    t.get("/embed/Users?count=many").await.error(400);
}

#[tokio::test]
async fn embed_users_filter_on_user_name_and_external_id() {
    let t = app();
    let all = t.get("/embed/Users").await.json();
    let third = all["Resources"][2].clone();
    let name = third["userName"].as_str().unwrap();

    let q = filter_query(&format!("userName eq \"{}\"", name.to_uppercase()));
    let hit = t.get(&format!("/embed/Users?{q}")).await.json();
    assert_eq!(hit["totalResults"], 1);
    assert_eq!(hit["Resources"][0], third);

    // Third embed user: the first of Globex Analytics (users are dealt in turn).
    let q = filter_query("embedExternalId eq \"globex-0001\"");
    let hit = t.get(&format!("/embed/Users?{q}")).await.json();
    assert_eq!(hit["Resources"], json!([third]));
    let q = filter_query("embedExternalId eq \"GLOBEX-0001\"");
    assert_eq!(
        t.get(&format!("/embed/Users?{q}")).await.json()["totalResults"],
        0
    );

    let q = filter_query("userName co \"EMBED-ACME-RETAIL\"");
    let acme = t.get(&format!("/embed/Users?{q}")).await.json();
    assert_eq!(acme["totalResults"], 3, "{acme}");

    for bad in [
        "displayName eq \"x\"",
        "userName sw \"embed\"",
        "embedExternalId co \"globex\"",
        "userName eq \"a\" or userName eq \"b\"",
    ] {
        let a = t.get(&format!("/embed/Users?{}", filter_query(bad))).await;
        a.error(400);
        assert_eq!(a.json()["scimType"], "invalidFilter", "{bad}");
    }
    let a = t
        .get(&format!("/embed/Users?{}", filter_query("userName eq")))
        .await;
    a.error(400);
}

#[tokio::test]
async fn embed_users_are_not_users() {
    let t = app();
    let embed = t.get("/embed/Users?count=1").await.json()["Resources"][0].clone();
    let (id, name) = (
        embed["id"].as_str().unwrap(),
        embed["userName"].as_str().unwrap(),
    );
    let users = t.get("/Users?count=1000").await.json();
    assert_eq!(users["totalResults"], 40);
    assert!(!users.to_string().contains(id));
    let q = filter_query(&format!("userName eq \"{name}\""));
    assert_eq!(
        t.get(&format!("/Users?{q}")).await.json()["totalResults"],
        0
    );
    assert_eq!(
        t.get(&format!("/users/{id}")).await.error(404),
        "User not found"
    );
    // And ordinary users are not embed users.
    let user = users["Resources"][0]["id"].as_str().unwrap().to_string();
    t.get(&format!("/embed/Users/{user}")).await.error(404);
    t.get("/embed/Users/00000000-0000-4000-8000-000000000000")
        .await
        .error(404);
}

#[tokio::test]
async fn embed_users_are_members_and_writes_keep_them() {
    let t = app();
    let sales = t.group_named("Sales").await;
    let id = sales["id"].as_str().unwrap();
    let first = t.get("/embed/Users?count=1").await.json()["Resources"][0].clone();
    let member = sales["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["value"] == first["id"])
        .expect("the first embed user is in Sales")
        .clone();
    assert_eq!(member["display"], first["userName"]);
    let acme = t.group_named("Embed: Acme Retail").await;
    assert_eq!(acme["members"].as_array().unwrap().len(), 3);

    // A PUT naming the embed user keeps it; a PATCH adding one is accepted.
    let a = t
        .api(
            Method::PUT,
            &format!("/groups/{id}"),
            Some(json!({"displayName": "Sales", "members": [member.clone()]})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["members"], json!([member]));
    let second =
        t.get("/embed/Users?startIndex=2&count=1").await.json()["Resources"][0]["id"].clone();
    let a = t
        .api(
            Method::PATCH,
            &format!("/groups/{id}"),
            Some(json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "add", "path": "members", "value": [{"value": second}]}]
            })),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["members"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn no_embed_users_without_the_flag() {
    let t = TestApp::default();
    let v = t.get("/embed/Users").await.json();
    assert_eq!(v["totalResults"], 0);
    assert_eq!(v["Resources"], json!([]));
    assert_fits(SCIM, "/api/scim/v2/embed/Users", &v);
}

// ---- names are keys ----------------------------------------------------------------------------

async fn rename_attempts(t: &TestApp) -> Vec<Answer> {
    let g = t.group_named("Engineering").await;
    let id = g["id"].as_str().unwrap();
    let members = g["members"].clone();
    let mut out = Vec::new();
    for taken in ["SALES", "  finance ", "blob ses"] {
        out.push(
            t.api(
                Method::PUT,
                &format!("/groups/{id}"),
                Some(json!({"displayName": taken, "members": members})),
            )
            .await,
        );
        out.push(
            t.api(
                Method::PATCH,
                &format!("/groups/{id}"),
                Some(json!({
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [
                        {"op": "remove", "path": "members"},
                        {"op": "replace", "path": "displayName", "value": taken}
                    ]
                })),
            )
            .await,
        );
    }
    // Nothing changed.
    assert_eq!(t.group_named("Engineering").await, g);
    out
}

#[tokio::test]
async fn renaming_onto_a_taken_name_is_409_and_changes_nothing() {
    let t = app();
    for a in rename_attempts(&t).await {
        assert_eq!(a.error(409), "Group with this name already exists");
        assert_eq!(a.json()["scimType"], "uniqueness");
    }
    // Its own name in another case is not taken.
    let id = t.group_id("Engineering").await;
    let a = t
        .api(
            Method::PATCH,
            &format!("/groups/{id}"),
            Some(json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "replace", "path": "displayName", "value": "ENGINEERING"}]
            })),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    // POST with a taken name answers the same.
    let a = t
        .api(
            Method::POST,
            "/groups",
            Some(json!({"displayName": " sales", "members": []})),
        )
        .await;
    assert_eq!(a.error(409), "Group with this name already exists");
}

#[tokio::test]
async fn renaming_onto_a_taken_name_is_uniqueness_in_rfc7644_mode() {
    let t = TestApp::new(rfc_config());
    for a in rename_attempts(&t).await {
        let e = a.rfc_error(409);
        assert_eq!(e["scimType"], "uniqueness");
    }
}

// ---- access: keys, rfc7644 mode, rate limit, faults, CORS --------------------------------------

#[tokio::test]
async fn model_roles_refuse_like_the_scim_api() {
    let t = app();
    let id = t.group_id("Finance").await;
    let path = format!("/api/v1/user-groups/{id}/model-roles");
    let a = get_as(&t, &path, Some(PERSONAL)).await;
    a.error(403);
    let a = get_as(&t, &path, None).await;
    a.error(401);
    assert_eq!(a.header("www-authenticate"), Some("Bearer"));
    get_as(&t, &path, Some("wrong")).await.error(401);
    let a = v1(&t, "/user-groups/NoSuchGr/model-roles").await;
    assert_eq!(a.error(404), "User group not found");
    get_as(&t, "/api/v1/user-attributes", Some(PERSONAL))
        .await
        .error(403);
    // Nothing else under /api/v1, and no writes.
    v1(&t, "/user-groups").await.error(404);
    v1(&t, "/users").await.error(404);
    let auth = format!("Bearer {KEY}");
    let a = t
        .send_from(
            None,
            Method::PUT,
            &path,
            &[("authorization", &auth)],
            Some("{}".into()),
        )
        .await;
    a.error(405);
    // A deleted group is unknown.
    t.api(Method::DELETE, &format!("/groups/{id}"), None).await;
    v1(&t, &format!("/user-groups/{id}/model-roles"))
        .await
        .error(404);
}

#[tokio::test]
async fn rfc7644_mode_has_neither_embed_users_nor_api_v1() {
    let mut c = rfc_config();
    c.seed = omni_config().seed;
    let t = TestApp::new(c);
    t.get("/embed/Users").await.rfc_error(404);
    t.get("/embed/Users/00000000-0000-4000-8000-000000000000")
        .await
        .rfc_error(404);
    let id = t.group_id("Finance").await;
    v1(&t, &format!("/user-groups/{id}/model-roles"))
        .await
        .error(404);
    v1(&t, "/user-attributes").await.error(404);
}

#[tokio::test]
async fn the_rate_limit_counts_the_new_endpoints() {
    let mut c = omni_config();
    c.rate_limit = Some(4);
    c.rate_window = Duration::from_secs(60);
    let t = TestApp::new(c);
    let id = {
        // The group lookup is one of the four.
        let list = t.get("/groups?count=10").await.json();
        list["Resources"][5]["id"].as_str().unwrap().to_string()
    };
    let path = format!("/user-groups/{id}/model-roles");
    assert_eq!(t.get("/embed/Users").await.status, StatusCode::OK);
    assert_eq!(v1(&t, &path).await.status, StatusCode::OK);
    assert_eq!(v1(&t, "/user-attributes").await.status, StatusCode::OK);
    v1(&t, &path).await.error(429);
    t.get("/embed/Users").await.error(429);
    t.get("/groups").await.error(429);
}

#[tokio::test]
async fn faults_and_the_request_log_cover_api_v1() {
    let mut c = omni_config();
    c.faults = FaultConfig {
        fail_status: Some(503),
        fail_path: Some("model-roles".into()),
        ..FaultConfig::default()
    };
    let t = TestApp::new(c);
    let id = t.group_id("Sales").await;
    v1(&t, &format!("/user-groups/{id}/model-roles"))
        .await
        .error(503);
    assert_eq!(v1(&t, "/user-attributes").await.status, StatusCode::OK);
    assert_eq!(t.get("/embed/Users").await.status, StatusCode::OK);
    let log = t
        .control(Method::GET, "/__sandbox/requests", None)
        .await
        .json();
    let seen: Vec<(String, u64)> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen[1..],
        [
            (format!("/api/v1/user-groups/{id}/model-roles"), 503),
            ("/api/v1/user-attributes".to_string(), 200),
            (format!("{BASE}/embed/Users"), 200),
        ]
    );
}

#[tokio::test]
async fn cors_answers_for_api_v1_too() {
    let mut c = omni_config();
    c.cors_origin = Some(ORIGIN.parse().unwrap());
    let t = TestApp::new(c);
    let id = t.group_id("Sales").await;
    let path = format!("/api/v1/user-groups/{id}/model-roles");
    let pre = t
        .send_from(
            None,
            Method::OPTIONS,
            &path,
            &[
                ("origin", ORIGIN),
                ("access-control-request-method", "GET"),
                ("access-control-request-headers", "authorization"),
            ],
            None,
        )
        .await;
    assert!(pre.status.is_success(), "{}", pre.status);
    assert_eq!(pre.header("access-control-allow-origin"), Some(ORIGIN));
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
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.header("access-control-allow-origin"), Some(ORIGIN));
}
