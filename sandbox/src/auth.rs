//! `Authorization: Bearer <key>` on every SCIM request, answered like Omni: 401 for a missing or
//! wrong key, 403 for a personal access token.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::errors::ApiError;
use crate::ratelimit::KeyId;
use crate::AppState;

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 7235).
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    (!token.is_empty()).then_some(token)
}

/// Compares without stopping at the first difference, so response timing does not reveal how
/// much of a guessed key was right (cheap to do, even on a sandbox).
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

/// Which accepted key `token` is (0 = `api_key`, then `also_keys`). Checks every key, for
/// the same reason `same` does.
fn key_id(cfg: &crate::Config, token: &str) -> Option<KeyId> {
    std::iter::once(&cfg.api_key)
        .chain(&cfg.also_keys)
        .enumerate()
        .fold(None, |found, (i, k)| {
            found.or(same(token, k).then_some(KeyId(i)))
        })
}

pub async fn require_key(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let cfg = state.config();
    let token = bearer_token(req.headers());
    match token.and_then(|t| key_id(cfg, t)) {
        Some(id) => {
            // For the rate limit, which counts per key.
            req.extensions_mut().insert(id);
            next.run(req).await
        }
        None => {
            let v1 = crate::faults::full_path(&req).starts_with(crate::v1::API_V1);
            refuse(cfg, token, v1)
        }
    }
}

/// `v1`: the request is for Omni's REST API, which says why in its own words.
fn refuse(cfg: &crate::Config, token: Option<&str>, v1: bool) -> Response {
    match token {
        Some(t) if cfg.personal_token.as_deref().is_some_and(|p| same(t, p)) => {
            if v1 {
                ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "Forbidden: this endpoint needs an organization API key with admin rights",
                )
                .into_response()
            } else {
                ApiError::forbidden_personal_token().into_response()
            }
        }
        _ => {
            let mut res = ApiError::unauthorized().into_response();
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn parses_bearer() {
        assert_eq!(bearer_token(&headers("Bearer abc")), Some("abc"));
        assert_eq!(bearer_token(&headers("bearer   abc ")), Some("abc"));
        assert_eq!(bearer_token(&headers("Basic abc")), None);
        assert_eq!(bearer_token(&headers("Bearer")), None);
        assert_eq!(bearer_token(&headers("Bearer  ")), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }

    #[test]
    fn compares_whole_strings() {
        assert!(same("sandbox-demo-key", "sandbox-demo-key"));
        assert!(!same("sandbox-demo-key", "sandbox-demo-ke"));
        assert!(!same("sandbox-demo-key", "sandbox-demo-keyy"));
        assert!(!same("", "x"));
        assert!(same("", ""));
    }
}
