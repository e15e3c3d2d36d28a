//! Omni's error body: `{"detail": "...", "status": <number>}`, plus `scimType` where a SCIM
//! client can use it. Content-Type is `application/json`, as Omni sends.
//!
//! In rfc7644 mode `rfc_shape` re-renders every API error as RFC 7644 §3.12 says
//! (`schemas`, `status` as a string) and labels JSON `application/scim+json`. Doing it in one
//! middleware, rather than in each handler, also catches the key check, fallbacks and injected
//! faults.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;

pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub const SCIM_JSON: &str = "application/scim+json";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
    pub scim_type: Option<&'static str>,
}

#[derive(Serialize)]
struct Body<'a> {
    detail: &'a str,
    status: u16,
    #[serde(rename = "scimType", skip_serializing_if = "Option::is_none")]
    scim_type: Option<&'a str>,
}

/// RFC 7644 §3.12.
#[derive(Serialize)]
struct RfcBody<'a> {
    schemas: [&'static str; 1],
    status: String,
    #[serde(rename = "scimType", skip_serializing_if = "Option::is_none")]
    scim_type: Option<&'a str>,
    detail: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            detail: detail.into(),
            scim_type: None,
        }
    }

    pub fn with_scim_type(mut self, scim_type: &'static str) -> Self {
        self.scim_type = Some(scim_type);
        self
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail).with_scim_type("invalidValue")
    }

    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail).with_scim_type("invalidSyntax")
    }

    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail).with_scim_type("invalidFilter")
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized: Missing or invalid API key",
        )
    }

    pub fn forbidden_personal_token() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "Forbidden: Personal access tokens are not supported for SCIM endpoints",
        )
    }

    /// The JSON text of the body (also used by the fault injector).
    pub fn body_json(&self) -> String {
        let body = Body {
            detail: &self.detail,
            status: self.status.as_u16(),
            scim_type: self.scim_type,
        };
        serde_json::to_string(&body).unwrap_or_else(|_| String::from("{}"))
    }

    /// The RFC 7644 §3.12 body.
    pub fn rfc_body_json(&self) -> String {
        let body = RfcBody {
            schemas: [ERROR_SCHEMA],
            status: self.status.as_u16().to_string(),
            scim_type: self.scim_type,
            detail: &self.detail,
        };
        serde_json::to_string(&body).unwrap_or_else(|_| String::from("{}"))
    }

    /// Omni's body, tagged so that `rfc_shape` can re-render it.
    pub fn response_with_body(&self, body: String) -> Response {
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        res.extensions_mut().insert(self.clone());
        res
    }
}

/// Middleware on the API routes in rfc7644 mode (see the module comment).
pub async fn rfc_shape(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if let Some(e) = res.extensions_mut().remove::<ApiError>() {
        *res.body_mut() = axum::body::Body::from(e.rfc_body_json());
        // The length of the old body no longer holds.
        res.headers_mut().remove(header::CONTENT_LENGTH);
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == "application/json");
    if is_json {
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
    }
    res
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(d) => ApiError::not_found(d),
            StoreError::Invalid { detail, scim_type } => {
                ApiError::new(StatusCode::BAD_REQUEST, detail).with_scim_type(scim_type)
            }
            StoreError::Conflict(d) => {
                ApiError::new(StatusCode::CONFLICT, d).with_scim_type("uniqueness")
            }
            // RFC 7644 defines no scimType for 412.
            StoreError::PreconditionFailed(d) => ApiError::new(StatusCode::PRECONDITION_FAILED, d),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.body_json();
        self.response_with_body(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_a_number_and_scim_type_is_optional() {
        let v: serde_json::Value =
            serde_json::from_str(&ApiError::unauthorized().body_json()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"detail":"Unauthorized: Missing or invalid API key","status":401})
        );
        let v: serde_json::Value =
            serde_json::from_str(&ApiError::invalid_filter("bad").body_json()).unwrap();
        assert_eq!(v["status"], 400);
        assert_eq!(v["scimType"], "invalidFilter");
    }

    #[test]
    fn rfc_body_has_schemas_and_a_string_status() {
        let v: serde_json::Value =
            serde_json::from_str(&ApiError::invalid_filter("bad").rfc_body_json()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"schemas":[ERROR_SCHEMA],"status":"400",
                "scimType":"invalidFilter","detail":"bad"})
        );
        let v: serde_json::Value =
            serde_json::from_str(&ApiError::not_found("Group not found").rfc_body_json()).unwrap();
        assert!(v.get("scimType").is_none());
        assert_eq!(v["status"], "404");
    }

    #[test]
    fn store_errors_map_to_statuses() {
        let e: ApiError = StoreError::Conflict("Group with this name already exists".into()).into();
        assert_eq!(e.status, StatusCode::CONFLICT);
        assert_eq!(e.scim_type, Some("uniqueness"));
        let e: ApiError = StoreError::NotFound("Group not found".into()).into();
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        let e: ApiError = StoreError::PreconditionFailed("stale".into()).into();
        assert_eq!(e.status, StatusCode::PRECONDITION_FAILED);
    }
}
