//! SCIM calls over `fetch` (gloo-net). Every answer is handed to the core for meaning: this
//! module only sends requests and reads status, headers and body.

use crate::browser::config;
use crate::core::base_url::ScimBase;
use crate::core::directory::{parse_users_page, DirectoryUser};
use crate::core::endpoints;
use crate::core::error::{ApiError, Operation};
use crate::core::model::{self, Group};
use crate::core::save_request::{SaveMethod, SaveRequest};
use crate::core::secret::ApiKey;
use crate::core::server_features::ServerFeatures;
use gloo_net::http::{Request, RequestBuilder, Response};

/// A client for one base URL and key. Built per action, so a forgotten key is never reused.
pub struct ScimClient {
    base: ScimBase,
    key: ApiKey,
}

/// What a successful save answered.
pub enum SaveAnswer {
    /// The group as the server now has it.
    Group(Group),
    /// 204 without a body; `etag` is the new version where the server sent one.
    NoContent { etag: Option<String> },
}

/// One page of a list: its items and the server's total, if it gave one.
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: Option<u64>,
}

impl ScimClient {
    pub fn new(base: ScimBase, key: ApiKey) -> Self {
        Self { base, key }
    }

    pub fn base(&self) -> &ScimBase {
        &self.base
    }

    /// Checks base URL and key with the cheapest authenticated call.
    pub async fn check_connection(&self) -> Result<(), ApiError> {
        let url = endpoints::connection_check(&self.base);
        self.send(Operation::Connect, Request::get(&url), None)
            .await
            .map(|_| ())
    }

    /// What the server supports. Omni has no ServiceProviderConfig: any failure means "nothing
    /// optional", which is the safe reading.
    pub async fn server_features(&self) -> ServerFeatures {
        let url = endpoints::service_provider_config(&self.base);
        match self
            .send(Operation::Connect, Request::get(&url), None)
            .await
        {
            Ok((_, body, _)) => ServerFeatures::parse(&body),
            Err(_) => ServerFeatures::default(),
        }
    }

    pub async fn get_group(&self, id: &str) -> Result<Group, ApiError> {
        self.read_group(Operation::LoadGroup, id).await
    }

    /// The group as it is now, read just before a save to look for concurrent changes.
    pub async fn check_group(&self, id: &str) -> Result<Group, ApiError> {
        self.read_group(Operation::CheckGroup, id).await
    }

    async fn read_group(&self, op: Operation, id: &str) -> Result<Group, ApiError> {
        let url = endpoints::group(&self.base, id);
        let (status, body, _) = self.send(op, Request::get(&url), None).await?;
        model::parse_group(&body, id).map_err(|e| ApiError::bad_response(op, status, e.to_string()))
    }

    /// Sends a reviewed save exactly as reviewed. A 204 without a body (allowed for PATCH by
    /// RFC 7644 §3.5.2) comes back as [`SaveAnswer::NoContent`] with the new `ETag`, if sent.
    pub async fn save(&self, request: &SaveRequest, id: &str) -> Result<SaveAnswer, ApiError> {
        let op = Operation::SaveGroup;
        let mut builder = match request.method {
            SaveMethod::Put => Request::put(&request.url),
            SaveMethod::Patch => Request::patch(&request.url),
        };
        if let Some(version) = &request.if_match {
            builder = builder.header("If-Match", version);
        }
        let (status, text, etag) = self.send(op, builder, Some(request.body.clone())).await?;
        if status == 204 || (request.method == SaveMethod::Patch && text.trim().is_empty()) {
            return Ok(SaveAnswer::NoContent { etag });
        }
        model::parse_group(&text, id)
            .map(SaveAnswer::Group)
            .map_err(|e| ApiError::bad_response(op, status, e.to_string()))
    }

    pub async fn groups_page(
        &self,
        start_index: u64,
        count: u64,
        exact_name: Option<&str>,
    ) -> Result<Page<Group>, ApiError> {
        let op = Operation::ListGroups;
        let url = endpoints::groups_page(&self.base, start_index, count, exact_name);
        let (status, body, _) = self.send(op, Request::get(&url), None).await?;
        let list = model::parse_list::<Group>(&body)
            .map_err(|e| ApiError::bad_response(op, status, e.to_string()))?;
        Ok(Page {
            items: list.resources,
            total: list.total_results,
        })
    }

    pub async fn users_page(
        &self,
        start_index: u64,
        count: u64,
        filter: Option<&str>,
    ) -> Result<Page<DirectoryUser>, ApiError> {
        let op = Operation::ListUsers;
        let url = endpoints::users_page(&self.base, start_index, count, filter);
        let (status, body, _) = self.send(op, Request::get(&url), None).await?;
        let (items, total) =
            parse_users_page(&body).map_err(|e| ApiError::bad_response(op, status, e))?;
        Ok(Page { items, total })
    }

    /// Sends one request and returns the status and body of a 2xx answer; anything else
    /// becomes an [`ApiError`] with the key redacted from whatever the server said.
    async fn send(
        &self,
        op: Operation,
        request: RequestBuilder,
        json: Option<String>,
    ) -> Result<(u16, String, Option<String>), ApiError> {
        // Every request is cancelled after the configured timeout, so nothing waits forever.
        let seconds = config::current().request_timeout_seconds;
        let deadline = Deadline::start(seconds);
        let request = request
            .header("Authorization", &self.key.bearer())
            .header("Accept", "application/scim+json, application/json")
            .abort_signal(deadline.as_ref().map(Deadline::signal).as_ref());
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
        let timed_out = || deadline.as_ref().is_some_and(Deadline::expired);
        if timed_out() {
            return Err(ApiError::timeout(op, seconds));
        }
        let response = sent.map_err(|_| self.network_error(op))?;
        let status = response.status();
        let body = read_text(&response).await;
        if timed_out() {
            return Err(ApiError::timeout(op, seconds));
        }
        if (200..300).contains(&status) {
            return Ok((status, body, response.headers().get("etag")));
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

/// An AbortController armed with a timer; dropping it clears the timer.
struct Deadline {
    controller: web_sys::AbortController,
    timer: i32,
    _on_timeout: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl Deadline {
    fn start(seconds: u32) -> Option<Self> {
        use wasm_bindgen::JsCast;
        let controller = web_sys::AbortController::new().ok()?;
        let to_abort = controller.clone();
        let on_timeout =
            wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || to_abort.abort());
        let timer = web_sys::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                on_timeout.as_ref().unchecked_ref(),
                seconds.saturating_mul(1000).min(i32::MAX as u32) as i32,
            )
            .ok()?;
        Some(Self {
            controller,
            timer,
            _on_timeout: on_timeout,
        })
    }

    fn signal(&self) -> web_sys::AbortSignal {
        self.controller.signal()
    }

    fn expired(&self) -> bool {
        self.controller.signal().aborted()
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            w.clear_timeout_with_handle(self.timer);
        }
    }
}

/// The body as text; a body that breaks off midway reads as empty, which the core reports.
async fn read_text(response: &Response) -> String {
    response.text().await.unwrap_or_default()
}
