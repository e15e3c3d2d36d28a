//! `/embed/Users` (Omni mode only): users created by Omni's embed SSO flow. They can be group
//! members, but `/Users` never lists them; only these endpoints do.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Serialize;

use crate::errors::ApiError;
use crate::filter::Op;
use crate::scim::{json_response, list_params, USER_SCHEMA};
use crate::store::EmbedUser;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    let mut r = Router::new();
    for base in ["/embed/Users", "/embed/users"] {
        r = r
            .route(base, get(list))
            .route(&format!("{base}/{{id}}"), get(get_one));
    }
    r
}

/// An embed user as the OpenAPI description's `ScimUserResponse` has it: exactly its five
/// required fields.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbedUserOut {
    pub active: bool,
    pub display_name: String,
    pub id: String,
    pub schemas: [&'static str; 1],
    pub user_name: String,
}

pub fn embed_user_out(u: &EmbedUser) -> EmbedUserOut {
    EmbedUserOut {
        active: u.active,
        display_name: u.display_name.clone(),
        id: u.id.clone(),
        schemas: [USER_SCHEMA],
        user_name: u.user_name.clone(),
    }
}

/// What a filter on embed users may say: one term, `userName eq|co "…"` (case-insensitive, as
/// emails are) or `embedExternalId eq "…"` (case-exact: the embedding app's own id).
fn matcher(f: &crate::filter::Filter) -> Result<impl Fn(&EmbedUser) -> bool + '_, ApiError> {
    const ONLY: &str = "(supported: userName eq, userName co, embedExternalId eq)";
    let t = f.single().ok_or_else(|| {
        ApiError::invalid_filter(format!(
            "Combining filters with and/or is not supported {ONLY}"
        ))
    })?;
    let user_name = t.is_attr("userName");
    if !user_name && !t.is_attr("embedExternalId") {
        return Err(ApiError::invalid_filter(format!(
            "Filtering embed users on {:?} is not supported {ONLY}",
            t.attr
        )));
    }
    let op_ok = t.op == Op::Eq || (user_name && t.op == Op::Co);
    if !op_ok {
        return Err(ApiError::invalid_filter(format!(
            "Operator '{}' is not supported on {} {ONLY}",
            t.op.name(),
            t.attr
        )));
    }
    Ok(move |u: &EmbedUser| {
        if user_name {
            t.matches(&u.user_name, false)
        } else {
            t.matches(&u.external_id, true)
        }
    })
}

async fn list(State(state): State<AppState>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let cfg = state.config();
    let p = list_params(q.as_deref(), cfg.max_results())?;
    let store = state.store();
    let matching: Vec<&EmbedUser> = match &p.filter {
        None => store.embed_users().iter().collect(),
        Some(f) => {
            let m = matcher(f)?;
            store.embed_users().iter().filter(|u| m(u)).collect()
        }
    };
    let out = p.page(matching, embed_user_out);
    Ok(json_response(StatusCode::OK, &out))
}

async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let store = state.store();
    let u = store
        .embed_user(&id)
        .ok_or_else(|| ApiError::not_found("Embed user not found"))?;
    Ok(json_response(StatusCode::OK, &embed_user_out(u)))
}
