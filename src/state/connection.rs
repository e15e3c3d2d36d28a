//! The connection's state: the base URL and key typed, whether a key is kept, whether the
//! fields are open again ("Change connection"), and what Connect, Cancel and Forget key do (the
//! key lives only in this tab's session storage).

use super::notice::Notice;
use super::session::Session;
use crate::browser::{config, focus::focus_soon, idle, storage};
use crate::core::base_url::ScimBase;
use crate::core::connect_check::{keeps_stored_key, ConnectField};
use crate::core::error::ApiError;
use crate::core::idle::forgotten_notice;
use crate::core::secret::ApiKey;
use crate::core::server_features::ServerFeatures;
use crate::core::validation::{Issue, Severity};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use std::pin::Pin;

/// What Connect asks of the server: a SCIM answer at the base URL with the key, then what the
/// server supports. The screens' chunk gives it (src/app/screens.rs), so the first screen
/// carries no HTTP client; a Connect pressed before the chunk has arrived waits for it.
pub type Check =
    fn(ScimBase, ApiKey) -> Pin<Box<dyn Future<Output = Result<ServerFeatures, ApiError>>>>;

/// Said when the chunk with [`Check`] could not be fetched.
const NO_CHECK: &str = "Could not connect: part of the panel could not be loaded. Check the network connection, then reload the page.";

/// Whether [`Check`] is here yet.
#[derive(Clone, Copy)]
enum CheckState {
    Loading,
    Ready(Check),
    Failed,
}

/// Said at the key field when a later request's 401 disconnected the session.
const REFUSED_LATER: &str = "Not connected: the server refused the key (401). Enter a current organization API key and press Connect.";

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
    /// Why Connect failed at this base URL: shown under the field until the URL is changed.
    base_refused: RwSignal<Vec<Issue>>,
    pub key_issues: RwSignal<Vec<Issue>>,
    /// "Change connection" opened the fields again while connected.
    pub changing: RwSignal<bool>,
    check: StoredValue<CheckState>,
    /// A Connect pressed before [`Check`] arrived: run when it does.
    waiting: StoredValue<Option<(ScimBase, ApiKey, bool)>>,
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
            base_refused: RwSignal::new(Vec::new()),
            key_issues: RwSignal::new(Vec::new()),
            changing: RwSignal::new(false),
            check: StoredValue::new(CheckState::Loading),
            waiting: StoredValue::new(None),
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
            Ok(_) => self.base_refused.get(),
            Err(e) => error(e.to_string()),
        }
    }

    /// The base URL field's input: what Connect said about the previous URL no longer applies.
    pub fn type_base(&self, text: String) {
        self.base_input.set(text);
        self.base_refused.set(Vec::new());
    }

    /// The key field's input: what it said about the previous key no longer applies.
    pub fn type_key(&self, text: String) {
        self.key_input.set(text);
        self.key_issues.set(Vec::new());
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

    /// Whether the fields are shown: always while not connected, and after "Change
    /// connection".
    pub fn fields_shown(&self) -> bool {
        self.session.connected.with(Option::is_none) || self.changing.get()
    }

    /// The connected server's short name for the top bar ("blobsrus"), `None` while not
    /// connected.
    pub fn connected_name(&self, page_origin: &str) -> Option<String> {
        self.session
            .connected
            .with(|c| c.as_ref().map(|b| b.short_name(page_origin)))
    }

    /// "Forget key" in the card: only while not connected (the top bar has it then) and only
    /// when a key is kept (a Connect refused by a server error keeps it).
    pub fn forget_offered_in_card(&self) -> bool {
        self.session.connected.with(Option::is_none) && self.key_stored.get()
    }

    /// "Change connection": the fields again, the focus on the first.
    pub fn change(&self) {
        self.changing.set(true);
        focus_soon("base-url");
    }

    /// "Cancel" (or Escape) in the reopened fields: the connection stays as it was, and so does
    /// its base URL; what was typed is dropped.
    pub fn cancel_change(&self) {
        self.changing.set(false);
        if let Some(base) = self.session.connected.get_untracked() {
            self.base_input.set(base.to_string());
        }
        self.key_input.set(String::new());
        self.base_refused.set(Vec::new());
        self.key_issues.set(Vec::new());
        self.notice.set(None);
        focus_soon("change-connection");
    }

    /// A request refused with 401 forgets the key and disconnects (see [`Session::heard`]):
    /// the fields come back with the reason at the key field.
    fn say_when_refused(&self) {
        let form = *self;
        Effect::new(move |_| {
            if form.session.connected.get().is_none() {
                form.key_stored.set(storage::load_key().is_some());
            }
            if form.session.key_refused.get() {
                form.session.key_refused.set(false);
                form.changing.set(false);
                form.notice.set(None);
                form.key_issues.set(error(REFUSED_LATER.into()));
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
        self.base_refused.set(Vec::new());
        self.key_issues.set(Vec::new());
        // The field says why (once); the focus goes there.
        let base = match ScimBase::parse(&self.base_input.get_untracked()) {
            Ok(base) => base,
            Err(_) => return self.refused_at(ConnectField::BaseUrl, None),
        };
        let typed = ApiKey::new(&self.key_input.get_untracked());
        let typed_now = typed.is_some();
        let Some(key) = typed.or_else(storage::load_key) else {
            return self.refused_at(ConnectField::ApiKey, Some("Enter the API key.".into()));
        };
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
        self.ask(base, key, typed_now);
    }

    /// The screens' chunk arrived with `check` (`None`: it could not be fetched); a Connect
    /// waiting for it goes on.
    pub fn check_ready(&self, check: Option<Check>) {
        self.check
            .set_value(check.map_or(CheckState::Failed, CheckState::Ready));
        if let Some((base, key, typed_now)) = self.waiting.try_update_value(Option::take).flatten()
        {
            self.ask(base, key, typed_now);
        }
    }

    /// Connect's request, once [`Check`] is here.
    fn ask(&self, base: ScimBase, key: ApiKey, typed_now: bool) {
        match self.check.get_value() {
            CheckState::Ready(check) => self.run_check(check, base, key, typed_now),
            CheckState::Loading => self.waiting.set_value(Some((base, key, typed_now))),
            CheckState::Failed => {
                // A key never checked is not kept: a reload would take it for a connection.
                if typed_now {
                    storage::forget_key();
                    self.key_stored.set(false);
                }
                self.busy.set(false);
                self.notice.set(Some(Notice::Error(NO_CHECK.into())));
            }
        }
    }

    fn run_check(&self, check: Check, base: ScimBase, key: ApiKey, typed_now: bool) {
        let form = *self;
        spawn_local(async move {
            match check(base.clone(), key).await {
                Ok(features) => {
                    form.busy.set(false);
                    form.session.reset(Some(base.clone()));
                    form.session.features.set(features);
                    // The key now lives in session storage only; keep it out of the page.
                    form.key_input.set(String::new());
                    // The top bar says "Connected to …"; the fields go.
                    form.notice.set(None);
                    if form.changing.get_untracked() {
                        form.changing.set(false);
                        focus_soon("change-connection");
                    }
                }
                Err(err) => {
                    form.busy.set(false);
                    form.changing.set(false);
                    form.session.reset(None);
                    if !keeps_stored_key(&err, typed_now) {
                        // What was typed stays in the field, for another try.
                        storage::forget_key();
                        form.key_stored.set(false);
                    }
                    match ConnectField::of(&err) {
                        Some(field) => form.refused_at(field, Some(err.to_string())),
                        None => form.notice.set(Some(Notice::Error(err.to_string()))),
                    }
                }
            }
        });
    }

    /// A failed Connect told at the field it concerns (`why`, or the base URL's own parse
    /// error), with the focus moved there; the Connection notice says nothing more.
    fn refused_at(&self, field: ConnectField, why: Option<String>) {
        self.notice.set(None);
        match field {
            ConnectField::BaseUrl => {
                self.base_refused.set(why.map(error).unwrap_or_default());
                focus_soon("base-url");
            }
            ConnectField::ApiKey => {
                self.key_issues.set(why.map(error).unwrap_or_default());
                focus_soon("api-key");
            }
        }
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

    /// "Forget key". The button goes with the key: the focus goes to the key field, where a
    /// key is entered again.
    pub fn forget(&self) {
        self.changing.set(false);
        self.forget_key(Notice::Success(
            "Key forgotten. Nothing else was changed; connect again to continue.".into(),
        ));
        focus_soon("api-key");
    }
}
