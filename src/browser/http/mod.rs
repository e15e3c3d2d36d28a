//! SCIM calls over `fetch` (gloo-net). Every answer is handed to the core for meaning; this
//! module holds the typed calls, and its parts do the rest, one concern each:
//!
//! - [`transport`]: one request: headers, time limit, size limit, the error value.
//! - [`budget`]: the waits before a request (request budget, 429 retries of reads), told to
//!   whoever listens.
//! - [`cancel`]: a screen's reads, cancelled when it goes.
//! - [`diagnosis`]: why a request got no answer (offline, security policy, CORS).

mod budget;
mod cancel;
mod deadline;
mod diagnosis;
mod transport;

pub use budget::{cancel_waits, on_wait_text};
pub use cancel::ScreenReads;

use crate::core::base_url::ScimBase;
use crate::core::connect_check::{self, CheckAnswer};
use crate::core::directory::{parse_users_page, DirectoryUser};
use crate::core::endpoints;
use crate::core::error::{ApiError, Operation};
use crate::core::grants::{parse_model_roles, Grant};
use crate::core::group_list::{self, GroupRow};
use crate::core::memberships::{parse_groups_with_members, GroupMembers};
use crate::core::model::{self, Group};
use crate::core::save::SaveAnswer;
use crate::core::save_request::{SaveMethod, SaveRequest};
use crate::core::secret::ApiKey;
use crate::core::server_features::ServerFeatures;
use gloo_net::http::Method;
use transport::{Answer, Outgoing, Sender};
use web_sys::AbortSignal;

/// A client for one base URL and key. Built per action, so a forgotten key is never reused.
pub struct ScimClient {
    base: ScimBase,
    key: ApiKey,
    /// Aborts this client's requests and waits: the screen that started them is gone.
    stop: Option<AbortSignal>,
}

/// One page of a list: its items and the server's total, if it gave one.
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: Option<u64>,
}

impl ScimClient {
    pub fn new(base: ScimBase, key: ApiKey) -> Self {
        Self {
            base,
            key,
            stop: None,
        }
    }

    /// The same client, its requests cancelled when `reads`' screen goes.
    pub fn cancelled_with(mut self, reads: ScreenReads) -> Self {
        self.stop = reads.signal();
        self
    }

    /// Checks base URL and key with the cheapest authenticated call, whose answer must be
    /// SCIM: a host that serves a web page for any path answers 200 too.
    pub async fn check_connection(&self) -> Result<(), ApiError> {
        let op = Operation::Connect;
        let url = endpoints::connection_check(&self.base);
        let answer = self.get(op, &url).await?;
        connect_check::scim_list_answer(&CheckAnswer {
            status: answer.status,
            content_type: answer.content_type.as_deref(),
            redirected: answer.redirected,
            body: &answer.body,
        })
        .map_err(|e| self.unusable(op, answer.status, e.0))
    }

    /// What the server supports. Omni has no ServiceProviderConfig: any failure means "nothing
    /// optional", which is the safe reading.
    pub async fn server_features(&self) -> ServerFeatures {
        let url = endpoints::service_provider_config(&self.base);
        match self.get(Operation::Connect, &url).await {
            Ok(answer) => ServerFeatures::parse(&answer.body),
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
        let Answer {
            status, body, etag, ..
        } = self.get(op, &url).await?;
        model::parse_group(&body, id)
            .map(|g| g.with_etag(etag))
            .map_err(|e| self.unusable(op, status, e.0))
    }

    /// Sends a reviewed save exactly as reviewed, once: a save is never repeated behind the
    /// admin's back. A 204 without a body (allowed for PATCH by RFC 7644 §3.5.2) comes back as
    /// [`SaveAnswer::NoContent`] with the new `ETag`, if sent.
    pub async fn save(&self, request: &SaveRequest, id: &str) -> Result<SaveAnswer, ApiError> {
        let op = Operation::SaveGroup;
        let method = match request.method {
            SaveMethod::Put => Method::PUT,
            SaveMethod::Patch => Method::PATCH,
        };
        let Answer {
            status,
            body: text,
            etag,
            ..
        } = self
            .send(&Outgoing {
                op,
                method,
                url: &request.url,
                if_match: request.if_match.as_deref(),
                json: Some(&request.body),
            })
            .await?;
        if status == 204 || (request.method == SaveMethod::Patch && text.trim().is_empty()) {
            return Ok(SaveAnswer::NoContent { etag });
        }
        model::parse_group(&text, id)
            .map(|g| SaveAnswer::Group(g.with_etag(etag)))
            .map_err(|e| self.unusable(op, status, e.0))
    }

    /// A page of the Groups list as rows. `with_members`: each group's members are counted as
    /// the answer is parsed, and never kept; without, the rows' counts are to be read.
    /// `named`: only groups with that name (the exact `displayName eq` filter), the check before
    /// a rename, part of the save (one call serves both: each async fn costs bundle bytes).
    pub async fn group_rows(
        &self,
        start_index: u64,
        count: u64,
        with_members: bool,
        named: Option<&str>,
    ) -> Result<Page<GroupRow>, ApiError> {
        let op = if named.is_some() {
            Operation::CheckName
        } else {
            Operation::ListGroups
        };
        let url = if with_members {
            endpoints::groups_with_members(&self.base, start_index, count)
        } else {
            endpoints::groups_page(&self.base, start_index, count, named)
        };
        let Answer { status, body, .. } = self.get(op, &url).await?;
        let (items, total) =
            group_list::parse_group_rows(&body).map_err(|e| self.unusable(op, status, e.0))?;
        Ok(Page { items, total })
    }

    /// A page of groups with their member IDs, for the index of who is in which group.
    pub async fn groups_with_member_ids(
        &self,
        start_index: u64,
        count: u64,
    ) -> Result<Page<GroupMembers>, ApiError> {
        let op = Operation::ListGroups;
        let url = endpoints::groups_with_members(&self.base, start_index, count);
        let Answer { status, body, .. } = self.get(op, &url).await?;
        let (items, total) =
            parse_groups_with_members(&body).map_err(|e| self.unusable(op, status, e.0))?;
        Ok(Page { items, total })
    }

    /// One group's member count, for a list whose answers came without members.
    pub async fn member_count(&self, id: &str) -> Result<usize, ApiError> {
        let op = Operation::LoadGroup;
        let url = endpoints::group(&self.base, id);
        let Answer { status, body, .. } = self.get(op, &url).await?;
        group_list::parse_member_count(&body, id).map_err(|e| self.unusable(op, status, e.0))
    }

    pub async fn users_page(
        &self,
        start_index: u64,
        count: u64,
        filter: Option<&str>,
    ) -> Result<Page<DirectoryUser>, ApiError> {
        let url = endpoints::users_page(&self.base, start_index, count, filter);
        self.user_list(&url).await
    }

    /// A page of Omni's embed users (the same shape as users).
    pub async fn embed_users_page(
        &self,
        start_index: u64,
        count: u64,
    ) -> Result<Page<DirectoryUser>, ApiError> {
        let url = endpoints::embed_users_page(&self.base, start_index, count);
        self.user_list(&url).await
    }

    /// A page of users (or embed users) at `url`.
    async fn user_list(&self, url: &str) -> Result<Page<DirectoryUser>, ApiError> {
        let op = Operation::ListUsers;
        let Answer { status, body, .. } = self.get(op, url).await?;
        let (items, total) = parse_users_page(&body).map_err(|e| self.unusable(op, status, e))?;
        Ok(Page { items, total })
    }

    /// What group `id` grants (Omni's model roles), or `None` where the server is not Omni.
    pub async fn model_roles(&self, id: &str) -> Option<Result<Vec<Grant>, ApiError>> {
        let op = Operation::LoadGroup;
        let url = endpoints::model_roles(&self.base, id)?;
        let answer = match self.get(op, &url).await {
            Ok(a) => a,
            Err(e) => return Some(Err(e)),
        };
        let Answer { status, body, .. } = answer;
        Some(parse_model_roles(&body).map_err(|e| self.unusable(op, status, e)))
    }

    /// A 2xx answer that could not be used; `what` may quote the answer, so the key is taken
    /// out of it.
    fn unusable(&self, op: Operation, status: u16, what: String) -> ApiError {
        ApiError::bad_response(op, status, what).without_secret(self.key.expose())
    }

    async fn get(&self, op: Operation, url: &str) -> Result<Answer, ApiError> {
        self.send(&Outgoing {
            op,
            method: Method::GET,
            url,
            if_match: None,
            json: None,
        })
        .await
    }

    async fn send(&self, out: &Outgoing<'_>) -> Result<Answer, ApiError> {
        Sender {
            base: &self.base,
            key: &self.key,
            stop: self.stop.as_ref(),
        }
        .send(out)
        .await
    }
}
