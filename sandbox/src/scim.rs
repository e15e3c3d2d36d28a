//! SCIM wire shapes shared by the handlers: resource JSON, ListResponse, list query parameters,
//! and JSON request/response plumbing.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use crate::errors::ApiError;
use crate::etag::etag;
use crate::filter::{parse, Filter, Op, Term};
use crate::store::{Group, Store, User};
use crate::time::{rfc3339_ms, Millis};

pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

pub const DEFAULT_COUNT: usize = 100;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub created: String,
    pub last_modified: String,
    pub resource_type: &'static str,
    /// rfc7644 mode only: Omni has no versions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl Meta {
    fn new(created: Millis, last_modified: Millis, resource_type: &'static str) -> Self {
        Meta {
            created: rfc3339_ms(created),
            last_modified: rfc3339_ms(last_modified),
            resource_type,
            version: None,
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
/// `versioned` adds `meta.version` (rfc7644 mode).
pub fn group_out(store: &Store, g: &Group, with_members: bool, versioned: bool) -> GroupOut {
    let members = with_members.then(|| {
        g.members()
            .iter()
            .map(|id| Ref {
                display: store
                    .member_user_name(id)
                    .map(str::to_string)
                    .unwrap_or_default(),
                value: id.clone(),
            })
            .collect()
    });
    let mut meta = Meta::new(g.created(), g.last_modified(), "Group");
    if versioned {
        meta.version = Some(etag(g.version()));
    }
    GroupOut {
        display_name: g.display_name().to_string(),
        id: g.id().to_string(),
        meta,
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
    /// Parsed for syntax only; which attributes and operators a list accepts is the
    /// handler's business (it depends on the mode).
    pub filter: Option<Filter>,
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
            let f = parse(&v)
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

/// Omni mode: the filter must be the single `attr eq "value"` it documents; returns the value.
pub fn omni_eq<'a>(f: &'a Filter, attr: &str, what: &str) -> Result<&'a str, ApiError> {
    let only = format!("(only {attr} eq is supported)");
    let t = f.single().ok_or_else(|| {
        ApiError::invalid_filter(format!(
            "Combining filters with and/or is not supported {only}"
        ))
    })?;
    if !t.is_attr(attr) {
        return Err(ApiError::invalid_filter(format!(
            "Filtering {what} on {:?} is not supported {only}",
            t.attr
        )));
    }
    if t.op != Op::Eq {
        return Err(ApiError::invalid_filter(format!(
            "Operator '{}' is not supported {only}",
            t.op.name()
        )));
    }
    Ok(&t.value)
}

/// rfc7644 mode: how a filter attribute reads from a resource, and whether it is case-exact.
pub struct Attr<T: 'static> {
    pub name: &'static str,
    pub case_exact: bool,
    pub get: fn(&T) -> &str,
}

/// Filterable user attributes (RFC 7643 §4.1: only `id` is case-exact). `emails` alone means
/// `emails.value`, as for any multi-valued attribute's default sub-attribute.
pub const USER_ATTRS: &[Attr<User>] = &[
    Attr {
        name: "userName",
        case_exact: false,
        get: |u| &u.user_name,
    },
    Attr {
        name: "displayName",
        case_exact: false,
        get: |u| &u.display_name,
    },
    Attr {
        name: "emails.value",
        case_exact: false,
        get: |u| &u.user_name,
    },
    Attr {
        name: "emails",
        case_exact: false,
        get: |u| &u.user_name,
    },
    Attr {
        name: "name.givenName",
        case_exact: false,
        get: |u| &u.given_name,
    },
    Attr {
        name: "name.familyName",
        case_exact: false,
        get: |u| &u.family_name,
    },
    Attr {
        name: "id",
        case_exact: true,
        get: |u| &u.id,
    },
];

/// Filterable group attributes in rfc7644 mode.
pub const GROUP_ATTRS: &[Attr<Group>] = &[Attr {
    name: "displayName",
    case_exact: false,
    get: |g| g.display_name(),
}];

fn find_attr<'a, T>(attrs: &'a [Attr<T>], t: &Term) -> Option<&'a Attr<T>> {
    attrs.iter().find(|a| t.is_attr(a.name))
}

/// rfc7644 mode: checks that every term names one of `attrs`, then returns a predicate for the
/// whole filter.
pub fn rfc_matcher<'a, T>(
    f: &'a Filter,
    attrs: &'a [Attr<T>],
    what: &str,
) -> Result<impl Fn(&T) -> bool + 'a, ApiError> {
    if let Some(t) = f.terms().find(|t| find_attr(attrs, t).is_none()) {
        let names: Vec<_> = attrs.iter().map(|a| a.name).collect();
        return Err(ApiError::invalid_filter(format!(
            "Filtering {what} on {:?} is not supported (supported: {})",
            t.attr,
            names.join(", ")
        )));
    }
    Ok(move |item: &T| {
        f.eval(|t| find_attr(attrs, t).is_some_and(|a| t.matches((a.get)(item), a.case_exact)))
    })
}

/// The RFC 7643 §5 document for `GET /ServiceProviderConfig` (rfc7644 mode).
pub fn service_provider_config(max_results: usize, max_body_bytes: usize) -> Value {
    serde_json::json!({
        "schemas": [SPC_SCHEMA],
        "documentationUri": "https://www.rfc-editor.org/rfc/rfc7644",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": max_body_bytes},
        "filter": {"supported": true, "maxResults": max_results},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "The organization API key, sent as Authorization: Bearer KEY",
            "specUri": "https://www.rfc-editor.org/info/rfc6750",
            "primary": true
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{}/ServiceProviderConfig", crate::API_BASE)
        }
    })
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
        assert_eq!(p.filter.unwrap().any_of[0][0].value, "Blob SEs");
        assert!(p.exclude_members);
        // '+' is a space in query strings.
        let p = list_params(Some("filter=displayName+eq+%22A+%26+B%22"), None).unwrap();
        assert_eq!(p.filter.unwrap().any_of[0][0].value, "A & B");
        let e = list_params(Some("filter=displayName%20xx%20%22B%22"), None).unwrap_err();
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

    fn list_filter(q: &str) -> Filter {
        let raw = serde_urlencoded::to_string([("filter", q)]).unwrap();
        list_params(Some(&raw), None).unwrap().filter.unwrap()
    }

    #[test]
    fn omni_accepts_only_its_one_eq() {
        assert_eq!(
            omni_eq(&list_filter(r#"USERNAME eq "a""#), "userName", "users").unwrap(),
            "a"
        );
        for bad in [
            r#"userName sw "a""#,
            r#"userName co "a""#,
            r#"emails.value eq "a""#,
            r#"userName eq "a" or userName eq "b""#,
        ] {
            let e = omni_eq(&list_filter(bad), "userName", "users").unwrap_err();
            assert_eq!(e.scim_type, Some("invalidFilter"), "{bad}");
        }
    }

    #[test]
    fn rfc_matcher_checks_attributes_and_case() {
        let u = User {
            id: "3b0c2a52-8d5e-4f7a-9c11-2f4d6e8a1b90".into(),
            user_name: "zoe.muller@blobsrus.co".into(),
            display_name: "Zoë Müller".into(),
            given_name: "Zoë".into(),
            family_name: "Müller".into(),
            active: true,
            created: 0,
            last_modified: 0,
        };
        let hit = |q: &str| {
            let f = list_filter(q);
            let m = rfc_matcher(&f, USER_ATTRS, "users").unwrap();
            m(&u)
        };
        assert!(hit(r#"userName sw "ZOE.""#));
        assert!(hit(r#"emails.value co "@BLOBSRUS""#));
        assert!(hit(r#"emails co "blobsrus""#));
        assert!(hit(r#"name.givenName eq "zoë""#));
        assert!(hit(r#"name.familyName sw "mü""#));
        assert!(hit(r#"displayName co "ë m""#));
        assert!(hit(r#"id eq "3b0c2a52-8d5e-4f7a-9c11-2f4d6e8a1b90""#));
        assert!(!hit(r#"id eq "3B0C2A52-8D5E-4F7A-9C11-2F4D6E8A1B90""#));
        assert!(hit(r#"userName sw "x" or name.familyName co "ll""#));
        assert!(!hit(r#"userName sw "zoe" and name.familyName co "x""#));
        let f = list_filter(r#"userName sw "z" and title eq "x""#);
        let e = rfc_matcher(&f, USER_ATTRS, "users").err().unwrap();
        assert_eq!(e.scim_type, Some("invalidFilter"));
        assert!(e.detail.contains("title"), "{}", e.detail);
    }
}
