//! `/users` handlers (read-only: the panel only looks users up).

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::errors::ApiError;
use crate::filter::Op;
use crate::scim::{json_response, list_params, omni_eq, rfc_matcher, user_out, USER_ATTRS};
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
    let cfg = state.config();
    let p = list_params(q.as_deref(), cfg.max_results())?;
    let store = state.store();
    let mut matching: Vec<_> = match &p.filter {
        None => store.users().iter().collect(),
        Some(f) if cfg.rfc() => {
            let m = rfc_matcher(f, USER_ATTRS, "users")?;
            store.users().iter().filter(|u| m(u)).collect()
        }
        // Emails compare case-insensitively.
        Some(f) => store
            .user_by_name(omni_eq(f, "userName", "users")?)
            .into_iter()
            .collect(),
    };
    // `--case-exact-user-names`: `userName eq` then compares with case.
    let exact_name = p
        .filter
        .as_ref()
        .and_then(|f| f.single())
        .filter(|t| cfg.case_exact_user_names && t.op == Op::Eq && t.is_attr("userName"));
    if let Some(t) = exact_name {
        matching.retain(|u| u.user_name == t.value);
    }
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
