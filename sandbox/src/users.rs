//! `/users` handlers (read-only: the panel only looks users up).

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::errors::ApiError;
use crate::scim::{bare_attr, json_response, list_params, user_out};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    let mut r = Router::new();
    for base in ["/users", "/Users"] {
        r = r
            .route(base, get(list))
            .route(&format!("{base}/{{id}}"), get(get_one));
    }
    r
}

async fn list(State(state): State<AppState>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let p = list_params(q.as_deref(), state.config().max_count)?;
    let store = state.store();
    let matching: Vec<_> = match &p.filter {
        // Emails compare case-insensitively.
        Some(f) if bare_attr(f).eq_ignore_ascii_case("userName") => {
            store.user_by_name(&f.value).into_iter().collect()
        }
        Some(f) => {
            return Err(ApiError::invalid_filter(format!(
                "Filtering users on {:?} is not supported (only userName eq)",
                f.attr
            )))
        }
        None => store.users().iter().collect(),
    };
    let out = p.page(matching, |u| user_out(&store, u));
    Ok(json_response(StatusCode::OK, &out))
}

async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let store = state.store();
    let u = store
        .user(&id)
        .ok_or_else(|| ApiError::not_found("User not found"))?;
    Ok(json_response(StatusCode::OK, &user_out(&store, u)))
}
