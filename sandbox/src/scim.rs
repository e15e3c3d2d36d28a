//! SCIM wire shapes shared by the handlers: resource JSON, ListResponse, list query parameters,
//! and JSON request/response plumbing.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use crate::errors::ApiError;
use crate::filter::{parse_eq, EqFilter};
use crate::store::{Group, Store, User};
use crate::time::{rfc3339_ms, Millis};

pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

pub const DEFAULT_COUNT: usize = 100;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub created: String,
    pub last_modified: String,
    pub resource_type: &'static str,
}

impl Meta {
    fn new(created: Millis, last_modified: Millis, resource_type: &'static str) -> Self {
        Meta {
            created: rfc3339_ms(created),
            last_modified: rfc3339_ms(last_modified),
            resource_type,
        }
    }
}

/// `{"display": ..., "value": ...}` as in group members and user groups.
#[derive(Serialize)]
pub struct Ref {
    pub display: String,
    pub value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupOut {
    pub display_name: String,
    pub id: String,
    pub meta: Meta,
    pub schemas: [&'static str; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Ref>>,
}

/// A group as Omni renders it; members' `display` is the user's userName from the store.
pub fn group_out(store: &Store, g: &Group, with_members: bool) -> GroupOut {
    let members = with_members.then(|| {
        g.members()
            .iter()
            .map(|id| Ref {
                display: store
                    .user(id)
                    .map(|u| u.user_name.clone())
                    .unwrap_or_default(),
                value: id.clone(),
            })
            .collect()
    });
    GroupOut {
        display_name: g.display_name().to_string(),
        id: g.id().to_string(),
        meta: Meta::new(g.created(), g.last_modified(), "Group"),
        schemas: [GROUP_SCHEMA],
        members,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Name {
    pub given_name: String,
    pub family_name: String,
}

#[derive(Serialize)]
pub struct Email {
    pub primary: bool,
    pub value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserOut {
    pub id: String,
    pub user_name: String,
    pub display_name: String,
    pub name: Name,
    pub active: bool,
    pub emails: Vec<Email>,
    pub groups: Vec<Ref>,
    pub meta: Meta,
    pub schemas: [&'static str; 1],
}

pub fn user_out(store: &Store, u: &User) -> UserOut {
    UserOut {
        id: u.id.clone(),
        user_name: u.user_name.clone(),
        display_name: u.display_name.clone(),
        name: Name {
            given_name: u.given_name.clone(),
            family_name: u.family_name.clone(),
        },
        active: u.active,
        emails: vec![Email {
            primary: true,
            value: u.user_name.clone(),
        }],
        groups: store
            .groups_of_user(&u.id)
            .into_iter()
            .map(|g| Ref {
                display: g.display_name().to_string(),
                value: g.id().to_string(),
            })
            .collect(),
        meta: Meta::new(u.created, u.last_modified, "User"),
        schemas: [USER_SCHEMA],
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOut<T> {
    pub schemas: [&'static str; 1],
    pub total_results: usize,
    pub start_index: usize,
    pub items_per_page: usize,
    #[serde(rename = "Resources")]
    pub resources: Vec<T>,
}

/// Query parameters of a list call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParams {
    /// 1-based; values below 1 become 1 (RFC 7644 §3.4.2.4).
    pub start_index: usize,
    /// Negative becomes 0; capped by the server's `max_count` if any.
    pub count: usize,
    pub filter: Option<EqFilter>,
    pub exclude_members: bool,
}

impl ListParams {
    /// Pages `items` and wraps them in a ListResponse.
    pub fn page<T, U>(&self, items: Vec<T>, render: impl FnMut(T) -> U) -> ListOut<U> {
        let total = items.len();
        let resources: Vec<U> = items
            .into_iter()
            .skip(self.start_index.saturating_sub(1))
            .take(self.count)
            .map(render)
            .collect();
        ListOut {
            schemas: [LIST_SCHEMA],
            total_results: total,
            start_index: self.start_index,
            items_per_page: resources.len(),
            resources,
        }
    }
}

/// A number as SCIM clients send it: an integer, or (per Omni's OpenAPI pattern) a decimal,
/// which is truncated.
fn parse_number(name: &str, v: &str) -> Result<i64, ApiError> {
    let v = v.trim();
    if let Ok(n) = v.parse::<i64>() {
        return Ok(n);
    }
    match v.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(f as i64),
        _ => Err(ApiError::bad_request(format!(
            "{name} must be a number, got {v:?}"
        ))),
    }
}

/// Decodes the query string (`+` and `%XX`, as browsers encode) into pairs.
pub fn query_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|e| ApiError::invalid_syntax(format!("Invalid query string: {e}")))
}

/// Parses list parameters; names are matched case-insensitively, the last occurrence wins.
pub fn list_params(raw: Option<&str>, max_count: Option<usize>) -> Result<ListParams, ApiError> {
    let mut p = ListParams {
        start_index: 1,
        count: DEFAULT_COUNT,
        filter: None,
        exclude_members: false,
    };
    for (k, v) in query_pairs(raw)? {
        if k.eq_ignore_ascii_case("startIndex") {
            p.start_index = usize::try_from(parse_number("startIndex", &v)?.max(1)).unwrap_or(1);
        } else if k.eq_ignore_ascii_case("count") {
            p.count = usize::try_from(parse_number("count", &v)?.max(0)).unwrap_or(0);
        } else if k.eq_ignore_ascii_case("filter") {
            let f = parse_eq(&v)
                .map_err(|e| ApiError::invalid_filter(format!("Invalid filter {v:?}: {e}")))?;
            p.filter = Some(f);
        } else if k.eq_ignore_ascii_case("excludedAttributes") {
            p.exclude_members = v
                .split(',')
                .any(|a| a.trim().eq_ignore_ascii_case("members"));
        }
    }
    if let Some(max) = max_count {
        p.count = p.count.min(max);
    }
    Ok(p)
}

/// Attribute name without a schema URN prefix (`urn:...:Group:displayName` → `displayName`).
pub fn bare_attr(f: &EqFilter) -> &str {
    f.attr.rsplit(':').next().unwrap_or(&f.attr)
}

/// `excludedAttributes=members` on a single-resource GET.
pub fn excludes_members(raw: Option<&str>) -> Result<bool, ApiError> {
    Ok(query_pairs(raw)?.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("excludedAttributes")
            && v.split(',')
                .any(|a| a.trim().eq_ignore_ascii_case("members"))
    }))
}

/// JSON with Omni's `Content-Type: application/json`.
pub fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            let mut res = (status, bytes).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            res
        }
        Err(e) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("Could not encode response: {e}"),
        )
        .into_response(),
    }
}

/// Reads a body of at most `limit` bytes (413 above it).
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Request body larger than {limit} bytes"),
        )
    })
}

/// Reads and parses a JSON body: 400 `invalidSyntax` when it is not JSON.
pub async fn read_json(body: Body, limit: usize) -> Result<Value, ApiError> {
    let bytes = read_body(body, limit).await?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::invalid_syntax(format!("Request body is not valid JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_params_defaults_and_clamping() {
        let p = list_params(None, None).unwrap();
        assert_eq!((p.start_index, p.count, p.exclude_members), (1, 100, false));
        let p = list_params(Some("startIndex=0&count=-5"), None).unwrap();
        assert_eq!((p.start_index, p.count), (1, 0));
        let p = list_params(Some("startIndex=-3&count=2.9"), None).unwrap();
        assert_eq!((p.start_index, p.count), (1, 2));
        let p = list_params(Some("STARTINDEX=7&Count=500"), Some(50)).unwrap();
        assert_eq!((p.start_index, p.count), (7, 50));
        assert!(list_params(Some("count=ten"), None).is_err());
    }

    #[test]
    fn list_params_decode_filter_and_exclusions() {
        let p = list_params(
            Some("filter=displayName%20eq%20%22Blob%20SEs%22&excludedAttributes=meta,members"),
            None,
        )
        .unwrap();
        assert_eq!(p.filter.unwrap().value, "Blob SEs");
        assert!(p.exclude_members);
        // '+' is a space in query strings.
        let p = list_params(Some("filter=displayName+eq+%22A+%26+B%22"), None).unwrap();
        assert_eq!(p.filter.unwrap().value, "A & B");
        let e = list_params(Some("filter=displayName%20sw%20%22B%22"), None).unwrap_err();
        assert_eq!(e.scim_type, Some("invalidFilter"));
    }

    #[test]
    fn paging_is_one_based() {
        let p = list_params(Some("startIndex=3&count=2"), None).unwrap();
        let out = p.page((1..=5).collect(), |x| x);
        assert_eq!(out.resources, [3, 4]);
        assert_eq!(
            (out.total_results, out.start_index, out.items_per_page),
            (5, 3, 2)
        );
        let p = list_params(Some("startIndex=9"), None).unwrap();
        let out = p.page((1..=5).collect(), |x| x);
        assert!(out.resources.is_empty());
        assert_eq!(out.total_results, 5);
    }
}
