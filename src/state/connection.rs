//! The Connection panel's state: the base URL and key typed, whether a key is kept, and what
//! Connect and Forget key do (the key lives only in this tab's session storage).

use super::notice::Notice;
use super::session::Session;
use crate::browser::{config, http::ScimClient, idle, storage};
use crate::core::base_url::ScimBase;
use crate::core::error::ErrorKind;
use crate::core::idle::forgotten_notice;
use crate::core::secret::ApiKey;
use crate::core::validation::{Issue, Severity};
use leptos::prelude::*;
use leptos::task::spawn_local;

const CONNECTED: &str = "Connected to ";

fn error(message: String) -> Vec<Issue> {
    vec![Issue {
        severity: Severity::Error,
        message,
    }]
}

/// Signals only, so it is `Copy` and handed to each part of the panel.
#[derive(Clone, Copy)]
pub struct ConnectForm {
    session: Session,
    pub base_input: RwSignal<String>,
    pub key_input: RwSignal<String>,
    pub key_stored: RwSignal<bool>,
    pub notice: RwSignal<Option<Notice>>,
    pub busy: RwSignal<bool>,
    /// Base URL problems show once the admin has typed something or tried to connect.
    tried: RwSignal<bool>,
    pub key_issues: RwSignal<Vec<Issue>>,
}

impl ConnectForm {
    /// Made by the panel: it also tells when a refused key disconnected the session, and
    /// forgets the key of an unattended tab.
    pub fn new(session: Session) -> Self {
        let form = Self {
            session,
            base_input: RwSignal::new(storage::load_base_url().unwrap_or_default()),
            key_input: RwSignal::new(String::new()),
            key_stored: RwSignal::new(storage::load_key().is_some()),
            notice: RwSignal::new(None),
            busy: RwSignal::new(false),
            tried: RwSignal::new(false),
            key_issues: RwSignal::new(Vec::new()),
        };
        form.say_when_refused();
        form.forget_when_idle();
        form
    }

    pub fn base_issues(&self) -> Vec<Issue> {
        let text = self.base_input.get();
        if text.trim().is_empty() && !self.tried.get() {
            return Vec::new();
        }
        match ScimBase::parse(&text) {
            Ok(_) => Vec::new(),
            Err(e) => error(e.to_string()),
        }
    }

    pub fn base_hint(&self) -> String {
        match ScimBase::parse(&self.base_input.get()) {
            Ok(base) if base.is_same_origin_path() => {
                format!("Requests go to this page's own server: {base}")
            }
            Ok(base) => format!("Requests go to {base}"),
            Err(_) => {
                "An Omni instance name (blobsrus), an https:// URL, or a path such as /api/scim/v2."
                    .to_string()
            }
        }
    }

    pub fn key_hint(&self) -> String {
        if self.key_stored.get() {
            "A key is stored for this browser tab only; leave this empty to use it.".to_string()
        } else {
            "An Omni organization API key. Kept only in this tab's session storage.".to_string()
        }
    }

    /// A request refused with 401 forgets the key and disconnects (see [`Session::heard`]):
    /// the panel stops saying it is connected.
    fn say_when_refused(&self) {
        let form = *self;
        Effect::new(move |_| {
            if form.session.connected.get().is_none() {
                form.key_stored.set(storage::load_key().is_some());
                if form.notice.with_untracked(
                    |n| matches!(n, Some(Notice::Success(t)) if t.starts_with(CONNECTED)),
                ) {
                    form.notice.set(Some(Notice::Progress(
                        "Not connected: the server refused the key (401). Enter a current organization API key and press Connect.".into(),
                    )));
                }
            }
        });
    }

    /// An unattended tab forgets the key (deployment setting, default 30 minutes).
    fn forget_when_idle(&self) {
        let form = *self;
        let limit = config::current().idle_timeout_seconds;
        idle::watch(
            limit,
            move || {
                storage::load_key().is_some() || !form.key_input.with_untracked(String::is_empty)
            },
            move || form.forget_key(Notice::Error(forgotten_notice(limit))),
        );
    }

    pub fn connect(&self) {
        if self.busy.get_untracked() {
            return;
        }
        self.tried.set(true);
        let base = match ScimBase::parse(&self.base_input.get_untracked()) {
            Ok(base) => base,
            Err(e) => {
                self.notice
                    .set(Some(Notice::Error(format!("Could not connect: {e}"))));
                return;
            }
        };
        let typed = ApiKey::new(&self.key_input.get_untracked());
        let Some(key) = typed.clone().or_else(storage::load_key) else {
            self.key_issues.set(error("Enter the API key.".into()));
            self.notice.set(Some(Notice::Error(
                "Could not connect: enter the API key.".into(),
            )));
            return;
        };
        self.key_issues.set(Vec::new());
        if !storage::store_key(&key) {
            self.notice.set(Some(Notice::Error(
                "Could not connect: this browser does not allow session storage, so the panel cannot keep the key for this tab.".into(),
            )));
            return;
        }
        self.key_stored.set(true);
        storage::store_base_url(base.as_str());
        self.busy.set(true);
        self.notice
            .set(Some(Notice::Progress(format!("Connecting to {base}…"))));
        let form = *self;
        spawn_local(async move {
            let client = ScimClient::new(base.clone(), key);
            let result = client.check_connection().await;
            match result {
                Ok(()) => {
                    // Once per connection: what the server supports (ETags, PATCH, filters).
                    let features = client.server_features().await;
                    form.busy.set(false);
                    form.session.reset(Some(base.clone()));
                    form.session.features.set(features);
                    // The key now lives in session storage only; keep it out of the page.
                    form.key_input.set(String::new());
                    form.notice
                        .set(Some(Notice::Success(format!("{CONNECTED}{base}."))));
                }
                Err(err) => {
                    form.busy.set(false);
                    form.session.reset(None);
                    if matches!(err.kind, ErrorKind::BadKey | ErrorKind::Forbidden) {
                        // A refused key is not kept; what was typed stays in the field.
                        storage::forget_key();
                        form.key_stored.set(false);
                    }
                    form.notice.set(Some(Notice::Error(err.to_string())));
                }
            }
        });
    }

    /// Forgets the key everywhere it may be (storage, the field) and disconnects. The draft is
    /// left alone: after connecting again it is still there and can be saved.
    fn forget_key(&self, said: Notice) {
        storage::forget_key();
        self.key_stored.set(false);
        self.key_input.set(String::new());
        self.session.reset(None);
        self.notice.set(Some(said));
    }

    /// "Forget key".
    pub fn forget(&self) {
        self.forget_key(Notice::Success(
            "Key forgotten. Nothing else was changed; connect again to continue.".into(),
        ));
    }
}
