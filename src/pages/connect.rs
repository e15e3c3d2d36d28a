//! "Connection": base URL and API key, Connect and Forget key.

use crate::browser::{config, http::ScimClient, idle, storage};
use crate::components::field::TextField;
use crate::components::notice::NoticeArea;
use crate::core::base_url::ScimBase;
use crate::core::error::ErrorKind;
use crate::core::idle::forgotten_notice;
use crate::core::secret::ApiKey;
use crate::core::validation::{Issue, Severity};
use crate::state::notice::Notice;
use crate::state::use_app_state;
use leptos::prelude::*;
use leptos::task::spawn_local;

const CONNECTED: &str = "Connected to ";

fn error(message: String) -> Vec<Issue> {
    vec![Issue {
        severity: Severity::Error,
        message,
    }]
}

#[component]
pub fn ConnectPanel() -> impl IntoView {
    let state = use_app_state();
    let session = state.session;
    let base_input = RwSignal::new(storage::load_base_url().unwrap_or_default());
    let key_input = RwSignal::new(String::new());
    let key_stored = RwSignal::new(storage::load_key().is_some());
    let notice = RwSignal::new(None::<Notice>);
    let busy = RwSignal::new(false);
    // Base URL problems show once the admin has typed something or tried to connect.
    let tried = RwSignal::new(false);
    let key_issues = RwSignal::new(Vec::<Issue>::new());

    let base_issues = Signal::derive(move || {
        let text = base_input.get();
        if text.trim().is_empty() && !tried.get() {
            return Vec::new();
        }
        match ScimBase::parse(&text) {
            Ok(_) => Vec::new(),
            Err(e) => error(e.to_string()),
        }
    });
    let base_hint = Signal::derive(move || match ScimBase::parse(&base_input.get()) {
        Ok(base) if base.is_same_origin_path() => {
            format!("Requests go to this page's own server: {base}")
        }
        Ok(base) => format!("Requests go to {base}"),
        Err(_) => {
            "An Omni instance name (blobsrus), an https:// URL, or a path such as /api/scim/v2."
                .to_string()
        }
    });
    let no_patch = move || session.features.get().no_patch;
    // A request refused with 401 forgets the key and disconnects (state/session.rs): the panel
    // stops saying it is connected.
    Effect::new(move |_| {
        if session.connected.get().is_none() {
            key_stored.set(storage::load_key().is_some());
            if notice.with_untracked(
                |n| matches!(n, Some(Notice::Success(t)) if t.starts_with(CONNECTED)),
            ) {
                notice.set(Some(Notice::Progress(
                    "Not connected: the server refused the key (401). Enter a current organization API key and press Connect.".into(),
                )));
            }
        }
    });
    let key_hint = Signal::derive(move || {
        if key_stored.get() {
            "A key is stored for this browser tab only; leave this empty to use it.".to_string()
        } else {
            "An Omni organization API key. Kept only in this tab's session storage.".to_string()
        }
    });

    let connect = move || {
        if busy.get_untracked() {
            return;
        }
        tried.set(true);
        let base = match ScimBase::parse(&base_input.get_untracked()) {
            Ok(base) => base,
            Err(e) => {
                notice.set(Some(Notice::Error(format!("Could not connect: {e}"))));
                return;
            }
        };
        let typed = ApiKey::new(&key_input.get_untracked());
        let Some(key) = typed.clone().or_else(storage::load_key) else {
            key_issues.set(error("Enter the API key.".into()));
            notice.set(Some(Notice::Error(
                "Could not connect: enter the API key.".into(),
            )));
            return;
        };
        key_issues.set(Vec::new());
        if !storage::store_key(&key) {
            notice.set(Some(Notice::Error(
                "Could not connect: this browser does not allow session storage, so the panel cannot keep the key for this tab.".into(),
            )));
            return;
        }
        key_stored.set(true);
        storage::store_base_url(base.as_str());
        busy.set(true);
        notice.set(Some(Notice::Progress(format!("Connecting to {base}…"))));
        spawn_local(async move {
            let client = ScimClient::new(base.clone(), key);
            let result = client.check_connection().await;
            match result {
                Ok(()) => {
                    // Once per connection: what the server supports (ETags, PATCH, filters).
                    let features = client.server_features().await;
                    busy.set(false);
                    session.reset(Some(base.clone()));
                    session.features.set(features);
                    // The key now lives in session storage only; keep it out of the page.
                    key_input.set(String::new());
                    notice.set(Some(Notice::Success(format!("{CONNECTED}{base}."))));
                }
                Err(err) => {
                    busy.set(false);
                    session.reset(None);
                    if matches!(err.kind, ErrorKind::BadKey | ErrorKind::Forbidden) {
                        // A refused key is not kept; what was typed stays in the field.
                        storage::forget_key();
                        key_stored.set(false);
                    }
                    notice.set(Some(Notice::Error(err.to_string())));
                }
            }
        });
    };

    // Forgets the key everywhere it may be (storage, the field) and disconnects. The draft is
    // left alone: after connecting again it is still there and can be saved.
    let forget_key = move |said: Notice| {
        storage::forget_key();
        key_stored.set(false);
        key_input.set(String::new());
        session.reset(None);
        notice.set(Some(said));
    };
    let forget = move |_| {
        forget_key(Notice::Success(
            "Key forgotten. Nothing else was changed; connect again to continue.".into(),
        ))
    };
    // An unattended tab forgets the key (deployment setting, default 30 minutes).
    let limit = config::current().idle_timeout_seconds;
    idle::watch(
        limit,
        move || storage::load_key().is_some() || !key_input.with_untracked(String::is_empty),
        move || forget_key(Notice::Error(forgotten_notice(limit))),
    );

    view! {
        <section class="card" aria-labelledby="connect-heading">
            <h2 id="connect-heading">"Connection"</h2>
            <form
                class="connect"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    connect();
                }
            >
                <TextField
                    id="base-url"
                    label="SCIM base URL"
                    value=base_input
                    on_input=move |v| base_input.set(v)
                    autocomplete="url"
                    placeholder="blobsrus or https://blobsrus.omniapp.co/api/scim/v2"
                    hint=base_hint
                    issues=base_issues
                />
                <TextField
                    id="api-key"
                    label="API key"
                    value=key_input
                    on_input=move |v| key_input.set(v)
                    password=true
                    autocomplete="off"
                    hint=key_hint
                    issues=Signal::from(key_issues)
                />
                <div class="actions">
                    // aria-disabled while connecting, not disabled: that would drop the focus
                    // of a keyboard user who pressed it (`connect` ignores presses meanwhile).
                    <button type="submit" class="primary" aria-disabled=move || if busy.get() { "true" } else { "false" }>
                        "Connect"
                    </button>
                    <button
                        type="button"
                        class="danger"
                        on:click=forget
                        disabled=move || !key_stored.get() && key_input.get().is_empty()
                    >
                        "Forget key"
                    </button>
                </div>
            </form>
            <div class="field checkbox">
                <input
                    id="use-patch"
                    type="checkbox"
                    aria-describedby="use-patch-hint"
                    prop:checked=move || state.use_patch.get() && !no_patch()
                    disabled=no_patch
                    on:change=move |ev| state.use_patch.set(event_target_checked(&ev))
                />
                <label for="use-patch">"Save with PATCH"</label>
                <p class="hint" id="use-patch-hint">
                    {move || if no_patch() {
                        "This server does not support PATCH: saves use PUT."
                    } else {
                        "Send only the changes instead of the whole member list. Omni accepts both."
                    }}
                </p>
            </div>
            <NoticeArea notice=notice />
        </section>
    }
}
