//! `/groups` handlers and the translation of request JSON into store calls.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::etag::{etag, IfMatch};
use crate::scim::{
    excludes_members, group_out, json_response, list_params, omni_eq, read_json, rfc_matcher,
    GROUP_ATTRS, PATCH_SCHEMA,
};
use crate::store::{Group, PatchOp, Store};
use crate::{AppState, API_BASE};

type Result<T, E = ApiError> = std::result::Result<T, E>;

pub fn routes() -> Router<AppState> {
    let mut r = Router::new();
    // Omni's docs write /groups, its OpenAPI and CLI /Groups: answer both.
    for base in ["/groups", "/Groups"] {
        r = r.route(base, get(list).post(create)).route(
            &format!("{base}/{{id}}"),
            get(get_one).put(replace).patch(patch).delete(delete),
        );
    }
    r
}

async fn list(State(state): State<AppState>, RawQuery(q): RawQuery) -> Result<Response> {
    let cfg = state.config();
    let p = list_params(q.as_deref(), cfg.max_results())?;
    let store = state.store();
    let groups = store.groups().iter();
    let matching: Vec<_> = match &p.filter {
        None => groups.collect(),
        Some(f) if cfg.rfc() => {
            let m = rfc_matcher(f, GROUP_ATTRS, "groups")?;
            groups.filter(|g| m(g)).collect()
        }
        // Omni mode keeps the name comparison exact (the documented behaviour here).
        Some(f) => {
            let name = omni_eq(f, "displayName", "groups")?;
            groups.filter(|g| g.display_name() == name).collect()
        }
    };
    let out = p.page(matching, |g| {
        group_out(
            &store,
            g,
            !p.exclude_members && !cfg.lists_without_members,
            cfg.rfc(),
        )
    });
    Ok(json_response(StatusCode::OK, &out))
}

/// One group's answer; in rfc7644 mode with `meta.version` and an `ETag` header equal to it.
fn group_response(
    state: &AppState,
    store: &Store,
    g: &Group,
    status: StatusCode,
    with_members: bool,
) -> Response {
    let rfc = state.config().rfc();
    let mut res = json_response(status, &group_out(store, g, with_members, rfc));
    if rfc {
        set_etag(&mut res, g);
    }
    res
}

fn set_etag(res: &mut Response, g: &Group) {
    if let Ok(v) = HeaderValue::from_str(&etag(g.version())) {
        res.headers_mut().insert(header::ETAG, v);
    }
}

/// The request's `If-Match`; Omni mode ignores it, as Omni has no versions.
fn precondition(state: &AppState, headers: &HeaderMap) -> Option<IfMatch> {
    if state.config().rfc() {
        IfMatch::from_headers(headers)
    } else {
        None
    }
}

async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let without_members = excludes_members(q.as_deref())?;
    let store = state.store();
    let g = store
        .group(&id)
        .ok_or_else(|| ApiError::not_found("Group not found"))?;
    Ok(group_response(
        &state,
        &store,
        g,
        StatusCode::OK,
        !without_members,
    ))
}

async fn create(State(state): State<AppState>, body: Body) -> Result<Response> {
    let v = read_json(body, state.config().max_body_bytes).await?;
    let obj = as_object(&v)?;
    let name = display_name(obj)?;
    let members = match obj.get("members") {
        None | Some(Value::Null) => Vec::new(),
        // On create Omni's schema needs only `value`.
        Some(m) => member_ids(m, false)?,
    };
    let mut store = state.store();
    let id = store.create_group(name, &members)?.id().to_string();
    let g = stored(&store, &id)?;
    let mut res = group_response(&state, &store, g, StatusCode::CREATED, true);
    if let Ok(loc) = HeaderValue::from_str(&format!("{API_BASE}/groups/{id}")) {
        res.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(res)
}

/// The JSON body of a write to group `id`; an unknown group is 404 before the body is judged.
async fn body_for_existing(state: &AppState, id: &str, body: Body) -> Result<Value> {
    let v = read_json(body, state.config().max_body_bytes).await?;
    if state.store().group(id).is_none() {
        return Err(ApiError::not_found("Group not found"));
    }
    Ok(v)
}

async fn replace(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let v = body_for_existing(&state, &id, body).await?;
    let obj = as_object(&v)?;
    let name = display_name(obj)?;
    let members = match obj.get("members") {
        Some(m) => member_ids(m, true)?,
        None => {
            return Err(ApiError::bad_request(
                "members is required (PUT replaces the whole membership)",
            ))
        }
    };
    let cond = precondition(&state, &headers);
    let mut store = state.store();
    store.replace_group_if(&id, name, &members, cond.as_ref())?;
    let g = stored(&store, &id)?;
    Ok(group_response(&state, &store, g, StatusCode::OK, true))
}

async fn patch(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let v = body_for_existing(&state, &id, body).await?;
    let ops = patch_ops(&v)?;
    let cond = precondition(&state, &headers);
    let mut store = state.store();
    store.patch_group_if(&id, &ops, cond.as_ref())?;
    let g = stored(&store, &id)?;
    if state.config().patch_no_content {
        let mut res = StatusCode::NO_CONTENT.into_response();
        // Without a body the ETag is the only way to learn the new version.
        if state.config().rfc() {
            set_etag(&mut res, g);
        }
        return Ok(res);
    }
    Ok(group_response(&state, &store, g, StatusCode::OK, true))
}

async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let cond = precondition(&state, &headers);
    state.store().delete_group_if(&id, cond.as_ref())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The group just written (the write returned a `&mut` borrow, so it is looked up again).
fn stored<'a>(store: &'a crate::store::Store, id: &str) -> Result<&'a crate::store::Group> {
    store
        .group(id)
        .ok_or_else(|| ApiError::not_found("Group not found"))
}

// ---- request bodies ------------------------------------------------------------------------

fn as_object(v: &Value) -> Result<&Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| ApiError::invalid_syntax("Request body must be a JSON object"))
}

/// Looks a key up ignoring ASCII case (SCIM attribute names are case-insensitive).
fn get_ci<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// `displayName` must be present and a string; length and blankness are store rules.
fn display_name(obj: &Map<String, Value>) -> Result<&str> {
    match get_ci(obj, "displayName") {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ApiError::bad_request("displayName must be a string")),
        None => Err(ApiError::bad_request("displayName is required")),
    }
}

/// `[{"value": "<user id>", "display": "..."}]` → user ids. `display` is informational (not
/// stored) but, when `require_display`, must be there as a string, as Omni's PUT schema says.
pub fn member_ids(v: &Value, require_display: bool) -> Result<Vec<String>> {
    let list = v
        .as_array()
        .ok_or_else(|| ApiError::bad_request("members must be an array"))?;
    let mut ids = Vec::with_capacity(list.len());
    for (i, m) in list.iter().enumerate() {
        let m = m
            .as_object()
            .ok_or_else(|| ApiError::bad_request(format!("members[{i}] must be an object")))?;
        let value = match get_ci(m, "value") {
            Some(Value::String(s)) => s,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "members[{i}].value must be a string, got {other}"
                )))
            }
            None => {
                return Err(ApiError::bad_request(format!(
                    "members[{i}].value is required"
                )))
            }
        };
        match get_ci(m, "display") {
            Some(Value::String(_)) => {}
            Some(_) => {
                return Err(ApiError::bad_request(format!(
                    "members[{i}].display must be a string"
                )))
            }
            None if require_display => {
                return Err(ApiError::bad_request(format!(
                    "members[{i}].display is required"
                )))
            }
            None => {}
        }
        ids.push(value.clone());
    }
    Ok(ids)
}

fn patch_error(n: usize, detail: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("Invalid patch operations: operation {n}: {detail}"))
}

/// Parses a PatchOp body into store operations (shape only; the store checks users and names).
pub fn patch_ops(v: &Value) -> Result<Vec<PatchOp>> {
    let obj = v.as_object().ok_or_else(|| {
        ApiError::invalid_syntax("Invalid patch operations: body must be an object")
    })?;
    let has_schema = get_ci(obj, "schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|x| x.as_str() == Some(PATCH_SCHEMA)));
    if !has_schema {
        return Err(ApiError::bad_request(format!(
            "Invalid patch operations: schemas must contain {PATCH_SCHEMA}"
        )));
    }
    let list = match get_ci(obj, "Operations") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        _ => {
            return Err(ApiError::bad_request(
                "Invalid patch operations: Operations must be a non-empty array",
            ))
        }
    };
    let mut ops = Vec::new();
    for (i, op) in list.iter().enumerate() {
        parse_op(i + 1, op, &mut ops)?;
    }
    Ok(ops)
}

fn parse_op(n: usize, op: &Value, out: &mut Vec<PatchOp>) -> Result<()> {
    let op = op
        .as_object()
        .ok_or_else(|| patch_error(n, "must be an object"))?;
    let kind = get_ci(op, "op")
        .and_then(Value::as_str)
        .ok_or_else(|| patch_error(n, "op must be a string"))?
        .to_ascii_lowercase();
    let path = match get_ci(op, "path") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) => Some(p.trim()),
        Some(_) => return Err(patch_error(n, "path must be a string")),
    };
    let value = get_ci(op, "value").filter(|v| !v.is_null());
    let members = |v: Option<&Value>| -> Result<Vec<String>> {
        let v = v.ok_or_else(|| patch_error(n, "value is required"))?;
        member_ids(v, false).map_err(|e| patch_error(n, e.detail))
    };
    let is = |p: Option<&str>, name: &str| p.is_some_and(|p| p.eq_ignore_ascii_case(name));

    match (kind.as_str(), path) {
        ("add", p) if is(p, "members") => out.push(PatchOp::AddMembers(members(value)?)),
        ("remove", p) if is(p, "members") => match value {
            // Some clients (Azure AD) name the members to remove in `value`.
            Some(v) => out.push(PatchOp::RemoveMembers(members(Some(v))?)),
            None => out.push(PatchOp::RemoveAllMembers),
        },
        ("remove", Some(p)) => out.push(PatchOp::RemoveMembers(vec![member_filter(n, p)?])),
        ("replace", p) if is(p, "members") => out.push(PatchOp::ReplaceMembers(members(value)?)),
        ("replace", p) if is(p, "displayName") => match value {
            Some(Value::String(s)) => out.push(PatchOp::ReplaceDisplayName(s.clone())),
            _ => return Err(patch_error(n, "displayName value must be a string")),
        },
        // No path: the value is an object of attributes (Omni's OpenAPI shows this for
        // replace with {"displayName": ...}).
        ("add" | "replace", None) => {
            let obj = value
                .and_then(Value::as_object)
                .ok_or_else(|| patch_error(n, "without a path, value must be an object"))?;
            for (k, v) in obj {
                if k.eq_ignore_ascii_case("displayName") {
                    match v {
                        Value::String(s) => out.push(PatchOp::ReplaceDisplayName(s.clone())),
                        _ => return Err(patch_error(n, "displayName value must be a string")),
                    }
                } else if k.eq_ignore_ascii_case("members") {
                    let ids = members(Some(v))?;
                    out.push(if kind == "add" {
                        PatchOp::AddMembers(ids)
                    } else {
                        PatchOp::ReplaceMembers(ids)
                    });
                } else if k.eq_ignore_ascii_case("id") {
                    // Read-only; clients echo it back. Ignored.
                } else {
                    return Err(patch_error(n, format!("unsupported attribute {k:?}")));
                }
            }
        }
        ("add" | "replace", Some(p)) => {
            return Err(patch_error(n, format!("unsupported path {p:?}")))
        }
        ("remove", None) => return Err(patch_error(n, "remove needs a path")),
        (other, _) => return Err(patch_error(n, format!("unsupported op {other:?}"))),
    }
    Ok(())
}

/// `members[value eq "<id>"]` → the id.
fn member_filter(n: usize, path: &str) -> Result<String> {
    let bad = || patch_error(n, format!("unsupported path {path:?}"));
    let head = path.get(..8).ok_or_else(bad)?;
    if !head.eq_ignore_ascii_case("members[") || !path.ends_with(']') {
        return Err(bad());
    }
    let inner = &path[8..path.len() - 1];
    let f = crate::filter::parse_eq(inner).map_err(|e| patch_error(n, format!("{path:?}: {e}")))?;
    if !f.is_attr("value") {
        return Err(bad());
    }
    Ok(f.value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(ops: Value) -> Value {
        json!({"schemas": [PATCH_SCHEMA], "Operations": ops})
    }

    #[test]
    fn parses_documented_ops() {
        let ops = patch_ops(&body(json!([
            {"op": "add", "path": "members", "value": [{"value": "u1", "display": "a@b.co"}]},
            {"op": "Remove", "path": "members[value eq \"u2\"]"},
            {"op": "REPLACE", "path": "displayName", "value": "New"},
            {"op": "replace", "value": {"id": "x", "displayName": "Newer"}},
            {"op": "remove", "path": "members", "value": [{"value": "u3"}]},
            {"op": "remove", "path": "members"},
            {"op": "replace", "path": "members", "value": []},
        ])))
        .unwrap();
        assert_eq!(
            ops,
            [
                PatchOp::AddMembers(vec!["u1".into()]),
                PatchOp::RemoveMembers(vec!["u2".into()]),
                PatchOp::ReplaceDisplayName("New".into()),
                PatchOp::ReplaceDisplayName("Newer".into()),
                PatchOp::RemoveMembers(vec!["u3".into()]),
                PatchOp::RemoveAllMembers,
                PatchOp::ReplaceMembers(vec![]),
            ]
        );
    }

    #[test]
    fn rejects_bad_ops_with_the_documented_detail() {
        for (ops, why) in [
            (json!([]), "empty"),
            (json!([{"op": "move", "path": "members"}]), "unknown op"),
            (
                json!([{"op": "add", "path": "members"}]),
                "add without value",
            ),
            (
                json!([{"op": "add", "path": "members", "value": [{"display": "x"}]}]),
                "no value",
            ),
            (
                json!([{"op": "add", "path": "members", "value": {"value": "u"}}]),
                "not array",
            ),
            (
                json!([{"op": "remove", "path": "members[display eq \"x\"]"}]),
                "wrong attr",
            ),
            (
                json!([{"op": "remove", "path": "members[value eq u1]"}]),
                "unquoted",
            ),
            (json!([{"op": "remove", "path": "emails"}]), "other path"),
            (json!([{"op": "remove"}]), "no path"),
            (
                json!([{"op": "replace", "path": "displayName", "value": 5}]),
                "number name",
            ),
            (
                json!([{"op": "replace", "value": {"owner": "x"}}]),
                "unknown attr",
            ),
            (json!(["add"]), "not an object"),
        ] {
            let e = patch_ops(&body(ops)).expect_err(why);
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{why}");
            assert!(
                e.detail.starts_with("Invalid patch operations"),
                "{why}: {}",
                e.detail
            );
        }
        let e = patch_ops(&json!({"Operations": [{"op": "remove", "path": "members"}]}))
            .expect_err("schemas missing");
        assert!(e.detail.contains("schemas"));
    }

    #[test]
    fn put_members_need_string_value_and_display() {
        assert_eq!(
            member_ids(
                &json!([{"value": "a", "display": "x"}, {"value": "b", "display": ""}]),
                true
            )
            .unwrap(),
            ["a", "b"]
        );
        assert!(member_ids(&json!([{"value": "a"}]), true).is_err());
        assert!(member_ids(&json!([{"value": "a"}]), false).is_ok());
        assert!(member_ids(&json!([{"value": 7, "display": "x"}]), true).is_err());
        assert!(member_ids(&json!([{"value": "a", "display": null}]), true).is_err());
        assert!(member_ids(&json!({"value": "a"}), true).is_err());
        assert!(member_ids(&json!(["a"]), true).is_err());
    }
}
