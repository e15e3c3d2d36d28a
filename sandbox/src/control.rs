//! `/__sandbox/*`: run-time control for tests (faults, request log, reset, rate-limit windows). Not behind the API
//! key — tests must reach it while the API is failing — so it answers loopback peers only.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use crate::errors::ApiError;
use crate::faults::FaultConfig;
use crate::scim::{json_response, read_body};
use crate::AppState;

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/__sandbox/faults",
            get(get_faults).put(put_faults).delete(delete_faults),
        )
        .route(
            "/__sandbox/requests",
            get(get_requests).delete(delete_requests),
        )
        .route("/__sandbox/reset", post(reset))
        .route(
            "/__sandbox/group-name/{id}",
            axum::routing::put(put_group_name),
        )
        .route(
            "/__sandbox/rate-limit",
            axum::routing::delete(delete_rate_limit),
        )
        .route_layer(axum::middleware::from_fn_with_state(state, loopback_only))
}

/// The accept loop in `server.rs` puts the peer address on every request. Without one (a caller
/// that did not go through it) the peer is unknown, so the request is refused.
async fn loopback_only(req: Request, next: Next) -> Response {
    let local = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(a)| a.ip().to_canonical().is_loopback());
    if local {
        next.run(req).await
    } else {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "The sandbox control endpoints answer loopback clients only",
        )
        .into_response()
    }
}

async fn get_faults(State(state): State<AppState>) -> Response {
    let cfg = state.faults().config().clone();
    json_response(StatusCode::OK, &cfg)
}

async fn put_faults(State(state): State<AppState>, body: Body) -> Response {
    let bytes = match read_body(body, state.config().max_body_bytes).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let cfg: FaultConfig = match serde_json::from_slice(&bytes) {
        Ok(c) => c,
        Err(e) => {
            return ApiError::invalid_syntax(format!("Invalid fault config: {e}")).into_response()
        }
    };
    if let Err(e) = cfg.validate() {
        return ApiError::bad_request(format!("Invalid fault config: {e}")).into_response();
    }
    state.faults().set(cfg.clone());
    json_response(StatusCode::OK, &cfg)
}

async fn delete_faults(State(state): State<AppState>) -> Response {
    let cfg = FaultConfig::default();
    state.faults().set(cfg.clone());
    json_response(StatusCode::OK, &cfg)
}

async fn get_requests(State(state): State<AppState>) -> Response {
    let log = state.requests();
    json_response(StatusCode::OK, &*log)
}

async fn delete_requests(State(state): State<AppState>) -> StatusCode {
    state.requests().clear();
    StatusCode::NO_CONTENT
}

async fn reset(State(state): State<AppState>) -> Response {
    state.reset();
    let store = state.store();
    json_response(
        StatusCode::OK,
        &json!({"users": store.users().len(), "groups": store.groups().len()}),
    )
}

/// Forgets the requests every key made, so the rate limit starts afresh (e.g. after a test's
/// own reads with the key).
async fn delete_rate_limit(State(state): State<AppState>) -> StatusCode {
    state.rate_limiter().clear();
    StatusCode::NO_CONTENT
}

/// `PUT /__sandbox/group-name/{id}` with a JSON string: the group's name set as given, past the
/// name rules (a leading space, over 64 characters), as if set elsewhere.
async fn put_group_name(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    body: Body,
) -> Response {
    let bytes = match read_body(body, state.config().max_body_bytes).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let Ok(name) = serde_json::from_slice::<String>(&bytes) else {
        return ApiError::invalid_syntax("The body must be a JSON string").into_response();
    };
    match state.store().set_name_as_is(&id, &name) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(_) => ApiError::not_found("Group not found").into_response(),
    }
}
