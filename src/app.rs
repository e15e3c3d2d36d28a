//! The panel's root: shared state and the page layout.

use crate::browser::{http::ScimClient, storage};
use crate::components::{
    connect::ConnectPanel, group_editor::GroupEditor, group_loader::GroupLoader,
};
use crate::core::{base_url::ScimBase, draft::GroupDraft};
use leptos::prelude::*;

/// Which server the panel talks to. The key itself is not held here: it is read from session
/// storage for each action, so "Forget key" takes effect at once everywhere.
#[derive(Clone, Copy)]
pub struct Session {
    pub connected: RwSignal<Option<ScimBase>>,
}

/// What an action needs before it may send anything.
pub const NOT_CONNECTED: &str =
    "Not connected: enter the SCIM base URL and the API key, then press Connect.";

impl Session {
    /// A client for the connected base URL and the stored key, or why there is none.
    pub fn client(&self) -> Result<ScimClient, &'static str> {
        let base = self.connected.get_untracked().ok_or(NOT_CONNECTED)?;
        let key = storage::load_key().ok_or(NOT_CONNECTED)?;
        Ok(ScimClient::new(base, key))
    }
}

#[component]
pub fn App() -> impl IntoView {
    // A key kept in this tab from before a reload restores the connection without a request.
    let restored = storage::load_key()
        .and(storage::load_base_url())
        .and_then(|b| ScimBase::parse(&b).ok());
    let session = Session {
        connected: RwSignal::new(restored),
    };
    let draft: RwSignal<Option<GroupDraft>> = RwSignal::new(None);

    let connection_label = move || match session.connected.get() {
        Some(base) => format!("Connected to {base}"),
        None => "Not connected".to_string(),
    };
    let editing_label = move || {
        draft.with(|d| {
            d.as_ref()
                .map(|d| format!("Editing “{}” ({})", d.loaded.display_name, d.id()))
        })
    };

    view! {
        <header class="topbar">
            <h1>"omni-scim-panel"</h1>
            <p class="connection" class:on=move || session.connected.get().is_some()>
                {connection_label}
            </p>
            {move || editing_label().map(|t| view! { <p class="editing">{t}</p> })}
        </header>
        <main>
            <ConnectPanel session=session />
            <GroupLoader session=session draft=draft />
            <GroupEditor session=session draft=draft />
        </main>
    }
}
