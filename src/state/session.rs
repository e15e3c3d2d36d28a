//! Which server the panel talks to, and what it learnt from it.

use super::notice::Notice;
use crate::browser::{http::ScimClient, storage};
use crate::core::base_url::ScimBase;
use crate::core::directory::Directory;
use crate::core::error::{ApiError, ErrorKind};
use crate::core::server_features::ServerFeatures;
use leptos::prelude::*;
use std::sync::Arc;

/// What an action needs before it may send anything.
pub const NOT_CONNECTED: &str =
    "Not connected: enter the SCIM base URL and the API key, then press Connect.";

/// The connection. The key itself is not held here: it is read from session storage for each
/// action, so "Forget key" takes effect at once everywhere.
#[derive(Clone, Copy)]
pub struct Session {
    pub connected: RwSignal<Option<ScimBase>>,
    /// Read once per connection from /ServiceProviderConfig; all off for Omni.
    pub features: RwSignal<ServerFeatures>,
    /// The user directory, listed once per connection on first need.
    pub directory: RwSignal<Option<Arc<Directory>>>,
    /// Omni's embed users, listed once per connection when a group is opened (empty where the
    /// server has no such list).
    pub embed: RwSignal<Option<Arc<Directory>>>,
    /// The embed users are being listed (one listing at a time).
    embed_listing: StoredValue<bool>,
    /// Set when a request's 401 disconnected the session, so the key field can say why.
    pub key_refused: RwSignal<bool>,
    /// The server the panel's data came from: the last connection, kept across a disconnect
    /// (a failed Connect in between does not make the next server the same one).
    last_server: StoredValue<Option<ScimBase>>,
    /// Told `(from, to)` before the session moves to another server than its data came from.
    on_other_server: StoredValue<Option<OtherServerHook>>,
}

type OtherServerHook = Arc<dyn Fn(&ScimBase, &ScimBase) + Send + Sync>;

impl Session {
    pub fn new(connected: Option<ScimBase>) -> Self {
        Self {
            last_server: StoredValue::new(connected.clone()),
            on_other_server: StoredValue::new(None),
            connected: RwSignal::new(connected),
            features: RwSignal::new(ServerFeatures::default()),
            directory: RwSignal::new(None),
            embed: RwSignal::new(None),
            embed_listing: StoredValue::new(false),
            key_refused: RwSignal::new(false),
        }
    }

    /// A client for the connected base URL and the stored key, or why there is none.
    pub fn client(&self) -> Result<ScimClient, &'static str> {
        let base = self.connected.get_untracked().ok_or(NOT_CONNECTED)?;
        let key = storage::load_key().ok_or(NOT_CONNECTED)?;
        Ok(ScimClient::new(base, key))
    }

    /// The client, or `None` after saying in `notice` why there is none.
    pub fn client_or_notify(&self, notice: RwSignal<Option<Notice>>) -> Option<ScimClient> {
        match self.client() {
            Ok(client) => Some(client),
            Err(why) => {
                notice.set(Some(Notice::Error(why.into())));
                None
            }
        }
    }

    /// Passes a request's error on, after reacting to a refused key: a key the server refuses
    /// (401: revoked, expired) is useless and is not kept, so it is forgotten and the session
    /// disconnects. Drafts stay. Every request of a connected session passes its error here
    /// (`.map_err(|e| session.heard(e))`).
    pub fn heard(&self, error: ApiError) -> ApiError {
        if error.kind == ErrorKind::BadKey {
            storage::forget_key();
            self.key_refused.set(true);
            self.connected.set(None);
        }
        error
    }

    /// What must happen, before the switch, when a Connect reaches another server than the
    /// one the panel's data came from (the root closes the open group).
    pub fn on_other_server(&self, hook: impl Fn(&ScimBase, &ScimBase) + Send + Sync + 'static) {
        self.on_other_server.set_value(Some(Arc::new(hook)));
    }

    /// The draft of group `id` kept in this tab for the server the panel's data came from.
    pub fn load_draft(&self, id: &str) -> Option<String> {
        self.last_server
            .with_value(|s| storage::load_draft(s.as_ref()?.as_str(), id))
    }

    /// Keeps a draft for the server its group was read from; false when the tab would not.
    pub fn store_draft(&self, id: &str, json: &str) -> bool {
        self.last_server.with_value(|s| {
            s.as_ref()
                .is_some_and(|s| storage::store_draft(s.as_str(), id, json))
        })
    }

    pub fn forget_draft(&self, id: &str) {
        self.last_server.with_value(|s| {
            if let Some(s) = s {
                storage::forget_draft(s.as_str(), id);
            }
        });
    }

    /// Starts listing the embed users unless they are listed or being listed; true when the
    /// caller is to list them (and then calls [`Self::embed_listed`]).
    pub fn start_embed_listing(&self) -> bool {
        if self.embed.with_untracked(Option::is_some) || self.embed_listing.get_value() {
            return false;
        }
        self.embed_listing.set_value(true);
        true
    }

    /// The embed users' listing ended: `dir` when it completed.
    pub fn embed_listed(&self, dir: Option<Arc<Directory>>) {
        self.embed_listing.set_value(false);
        if dir.is_some() {
            self.embed.set(dir);
        }
    }

    /// Activity kept in this tab for the server the panel's data came from.
    pub fn load_activity(&self) -> Option<String> {
        self.last_server
            .with_value(|s| storage::load_activity(s.as_ref()?.as_str()))
    }

    /// Keeps Activity for that server; false when the tab would not.
    pub fn store_activity(&self, json: &str) -> bool {
        self.last_server.with_value(|s| {
            s.as_ref()
                .is_some_and(|s| storage::store_activity(s.as_str(), json))
        })
    }

    /// Forgets everything learnt from the previous connection.
    pub fn reset(&self, connected: Option<ScimBase>) {
        if let Some(to) = &connected {
            let from = self.last_server.get_value().filter(|from| from != to);
            if let (Some(from), Some(hook)) = (from, self.on_other_server.get_value()) {
                // Before `connected` changes, so nothing reacting to it sees the old data.
                hook(&from, to);
            }
            self.last_server.set_value(Some(to.clone()));
        }
        self.connected.set(connected);
        self.features.set(ServerFeatures::default());
        self.directory.set(None);
        self.embed.set(None);
    }
}
