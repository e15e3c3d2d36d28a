//! Omni's error body: `{"detail": "...", "status": <number>}`, plus `scimType` where a SCIM
//! client can use it. Content-Type is `application/json`, as Omni sends.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;

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
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, self.body_json()).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        res
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
    fn store_errors_map_to_statuses() {
        let e: ApiError = StoreError::Conflict("Group with this name already exists".into()).into();
        assert_eq!(e.status, StatusCode::CONFLICT);
        assert_eq!(e.scim_type, Some("uniqueness"));
        let e: ApiError = StoreError::NotFound("Group not found".into()).into();
        assert_eq!(e.status, StatusCode::NOT_FOUND);
    }
}
