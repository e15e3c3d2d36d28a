//! SCIM calls over `fetch` (gloo-net). Every answer is handed to the core for meaning: this
//! module only sends requests and reads status, headers and body.

use crate::core::base_url::ScimBase;
use crate::core::endpoints;
use crate::core::error::{ApiError, Operation};
use crate::core::model::{self, Group, GroupReplace};
use crate::core::secret::ApiKey;
use gloo_net::http::{Request, RequestBuilder, Response};

/// A client for one base URL and key. Built per action, so a forgotten key is never reused.
pub struct ScimClient {
    base: ScimBase,
    key: ApiKey,
}

impl ScimClient {
    pub fn new(base: ScimBase, key: ApiKey) -> Self {
        Self { base, key }
    }

    /// Checks base URL and key with the cheapest authenticated call.
    pub async fn check_connection(&self) -> Result<(), ApiError> {
        let url = endpoints::connection_check(&self.base);
        self.send(Operation::Connect, Request::get(&url), None)
            .await
            .map(|_| ())
    }

    pub async fn get_group(&self, id: &str) -> Result<Group, ApiError> {
        let url = endpoints::group(&self.base, id);
        let (status, body) = self
            .send(Operation::LoadGroup, Request::get(&url), None)
            .await?;
        model::parse_group(&body, id)
            .map_err(|e| ApiError::bad_response(Operation::LoadGroup, status, e.to_string()))
    }

    /// PUT: replaces the group's name and whole membership with `body`.
    pub async fn replace_group(&self, id: &str, body: &GroupReplace) -> Result<Group, ApiError> {
        let url = endpoints::group(&self.base, id);
        let (status, text) = self
            .send(
                Operation::SaveGroup,
                Request::put(&url),
                Some(body.to_json()),
            )
            .await?;
        model::parse_group(&text, id)
            .map_err(|e| ApiError::bad_response(Operation::SaveGroup, status, e.to_string()))
    }

    /// Sends one request and returns the status and body of a 2xx answer; anything else
    /// becomes an [`ApiError`] with the key redacted from whatever the server said.
    async fn send(
        &self,
        op: Operation,
        request: RequestBuilder,
        json: Option<String>,
    ) -> Result<(u16, String), ApiError> {
        let request = request
            .header("Authorization", &self.key.bearer())
            .header("Accept", "application/scim+json, application/json");
        let sent = match json {
            Some(body) => match request
                .header("Content-Type", "application/json")
                .body(body)
            {
                Ok(req) => req.send().await,
                Err(_) => return Err(self.network_error(op)),
            },
            None => request.send().await,
        };
        let response = sent.map_err(|_| self.network_error(op))?;
        let status = response.status();
        let body = read_text(&response).await;
        if (200..300).contains(&status) {
            return Ok((status, body));
        }
        let retry_after = response.headers().get("retry-after");
        Err(ApiError::from_response(
            op,
            status,
            &body,
            retry_after.as_deref(),
            self.key.expose(),
        ))
    }

    fn network_error(&self, op: Operation) -> ApiError {
        let online = web_sys::window()
            .map(|w| w.navigator().on_line())
            .unwrap_or(true);
        ApiError::network(op, online, self.base.is_same_origin_path())
    }
}

/// The body as text; a body that breaks off midway reads as empty, which the core reports.
async fn read_text(response: &Response) -> String {
    response.text().await.unwrap_or_default()
}
