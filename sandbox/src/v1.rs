//! The two read-only endpoints of Omni's REST API (`/api/v1`, Omni mode only) that tell what a
//! group's name and membership mean outside SCIM: the model and connection roles a group grants,
//! and the user attributes (among them `omni_user_groups`, the names of a user's groups).
//! Same key check, rate limit, faults, request log and CORS as the SCIM API.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use serde_json::{json, Value};

use crate::errors::ApiError;
use crate::scim::{json_response, query_pairs};
use crate::store::RoleGrant;
use crate::AppState;

/// Where Omni's REST API lives: the SCIM base's origin, `/api/v1`.
pub const API_V1: &str = "/api/v1";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/user-groups/{id}/model-roles", get(model_roles))
        .route("/user-attributes", get(user_attributes))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleOrigin {
    pub depth: u32,
    pub mini_uuid: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleOut {
    pub base_role: &'static str,
    pub connection_id: &'static str,
    pub from: RoleOrigin,
    pub model_id: &'static str,
    pub priority: u32,
    pub role_name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelRolesOut {
    pub results: Vec<RoleOut>,
    pub user_group_id: String,
}

/// `GET /api/v1/user-groups/{id}/model-roles[?connectionId=…][&modelId=…]`.
async fn model_roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let (mut connection, mut model) = (None, None);
    for (k, v) in query_pairs(q.as_deref())? {
        match k.as_str() {
            "connectionId" => connection = Some(v),
            "modelId" => model = Some(v),
            _ => {}
        }
    }
    let store = state.store();
    let g = store
        .group(&id)
        .ok_or_else(|| ApiError::not_found("User group not found"))?;
    let keep = |r: &&RoleGrant| {
        connection.as_deref().is_none_or(|c| c == r.connection_id)
            && model.as_deref().is_none_or(|m| m == r.model_id)
    };
    let results = store
        .model_roles(g.id())
        .iter()
        .filter(keep)
        .map(|r| RoleOut {
            base_role: r.base_role,
            connection_id: r.connection_id,
            // Direct assignments only: the sandbox has no nested groups.
            from: RoleOrigin {
                depth: 0,
                mini_uuid: g.id().to_string(),
                name: g.display_name().to_string(),
                kind: "GROUP",
            },
            model_id: r.model_id,
            priority: r.priority,
            role_name: r.role_name,
        })
        .collect();
    let out = ModelRolesOut {
        results,
        user_group_id: g.id().to_string(),
    };
    Ok(json_response(StatusCode::OK, &out))
}

/// The fixed attribute definitions: Omni's system attributes (read-only, empty `id`) and one
/// custom attribute.
pub fn user_attribute_records() -> Value {
    let system = |name: &str, label: &str, about: &str, multiple: bool| {
        json!({
            "default_value": null,
            "description": about,
            "id": "",
            "label": label,
            "multiple_values": multiple,
            "name": name,
            "system": true,
            "type": "String",
        })
    };
    json!({
        "records": [
            system("omni_user_id", "User ID", "The user's Omni id", false),
            system("omni_user_email", "User email", "The user's email address", false),
            system("omni_user_name", "User name", "The user's name", false),
            system(
                "omni_user_groups",
                "User groups",
                "Names of the groups the user is in; renaming a group changes it",
                true
            ),
            {
                "default_value": "us-east",
                "description": "Sales region, used in row-level access filters",
                "id": "7d2e4b91-0c6a-4f38-9e15-b8a3c6d2f047",
                "label": "Region",
                "multiple_values": false,
                "name": "region",
                "system": false,
                "type": "String",
            },
        ]
    })
}

async fn user_attributes() -> Response {
    json_response(StatusCode::OK, &user_attribute_records())
}
