//! The panel's root: shared state, the hash route, and the page layout.

use crate::browser::{http::ScimClient, router, storage};
use crate::components::{
    activity::ActivityPage, connect::ConnectPanel, group_editor::GroupEditor,
    group_loader::GroupLoader, groups_list::GroupsPage, notice::Notice,
};
use crate::core::activity::ActivityEntry;
use crate::core::directory::Directory;
use crate::core::route::Route;
use crate::core::server_features::ServerFeatures;
use crate::core::stored_draft::StoredDraft;
use crate::core::validation::isolate;
use crate::core::{base_url::ScimBase, draft::GroupDraft};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// Which server the panel talks to. The key itself is not held here: it is read from session
/// storage for each action, so "Forget key" takes effect at once everywhere.
#[derive(Clone, Copy)]
pub struct Session {
    pub connected: RwSignal<Option<ScimBase>>,
    /// Read once per connection from /ServiceProviderConfig; all off for Omni.
    pub features: RwSignal<ServerFeatures>,
    /// The user directory, listed once per connection on first need.
    pub directory: RwSignal<Option<Arc<Directory>>>,
}

/// What an action needs before it may send anything.
pub const NOT_CONNECTED: &str =
    "Not connected: enter the SCIM base URL and the API key, then press Connect.";

impl Session {
    pub fn new(connected: Option<ScimBase>) -> Self {
        Self {
            connected: RwSignal::new(connected),
            features: RwSignal::new(ServerFeatures::default()),
            directory: RwSignal::new(None),
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

    /// Forgets everything learnt from the previous connection.
    pub fn reset(&self, connected: Option<ScimBase>) {
        self.connected.set(connected);
        self.features.set(ServerFeatures::default());
        self.directory.set(None);
    }
}

/// Everything the screens share; all fields are signals, so it is `Copy` and lives in context.
#[derive(Clone, Copy)]
pub struct AppState {
    pub session: Session,
    pub route: RwSignal<Route>,
    pub draft: RwSignal<Option<GroupDraft>>,
    /// Whether the draft differs from what was loaded: one diff per change, shared by the
    /// editor, the draft store and the close-tab guard.
    pub dirty: Memo<bool>,
    /// A stored draft for the loaded group, offered back until restored or discarded.
    pub restorable: RwSignal<Option<StoredDraft>>,
    pub load_notice: RwSignal<Option<Notice>>,
    pub loading: RwSignal<bool>,
    pub activity: RwSignal<Vec<ActivityEntry>>,
    /// "Save with PATCH": send only the change instead of the whole membership.
    pub use_patch: RwSignal<bool>,
    /// False when the last unsaved edit could not be kept in the tab (it would not survive a
    /// reload); the editor says so.
    pub draft_kept: RwSignal<bool>,
    /// Bumped by every load, so an older answer arriving late is ignored.
    pub load_seq: RwSignal<u64>,
    /// The editor's step beyond editing ("Review changes"; empty while editing), for the title.
    pub editor_step: RwSignal<&'static str>,
    /// Changes to the draft so far: a write waits until no newer one has come.
    draft_edits: StoredValue<u64>,
}

/// How long the draft store waits for edits to pause (ms): a 50,000-member draft is megabytes
/// of JSON, too much to write at every keystroke.
const DRAFT_WRITE_DELAY_MS: u64 = 1000;

impl AppState {
    pub fn new(session: Session) -> Self {
        let draft = RwSignal::new(None::<GroupDraft>);
        Self {
            session,
            route: RwSignal::new(router::current()),
            draft,
            dirty: Memo::new(move |_| draft.with(|d| d.as_ref().is_some_and(GroupDraft::is_dirty))),
            restorable: RwSignal::new(None),
            load_notice: RwSignal::new(None),
            loading: RwSignal::new(false),
            activity: RwSignal::new(Vec::new()),
            use_patch: RwSignal::new(false),
            draft_kept: RwSignal::new(true),
            load_seq: RwSignal::new(0),
            editor_step: RwSignal::new(""),
            draft_edits: StoredValue::new(0),
        }
    }

    /// Keeps the unsaved draft in session storage now, or forgets the stored one once there is
    /// nothing unsaved (unless it is still being offered back). Edits call it once they pause;
    /// a load calls it before another group replaces the draft, and so does leaving the page.
    pub fn keep_draft_now(&self) {
        let state = *self;
        state.draft.with_untracked(|d| {
            let Some(d) = d else { return };
            if state.dirty.get_untracked() {
                let kept = storage::store_draft(
                    d.id(),
                    &StoredDraft::from_draft(d, storage::now_ms()).to_json(),
                );
                if state.draft_kept.get_untracked() != kept {
                    state.draft_kept.set(kept);
                }
            } else if state.restorable.with_untracked(Option::is_none) {
                storage::forget_draft(d.id());
            }
        });
    }
}

#[component]
pub fn App() -> impl IntoView {
    // A key kept in this tab from before a reload restores the connection without a request.
    let restored = storage::load_key()
        .and(storage::load_base_url())
        .and_then(|b| ScimBase::parse(&b).ok());
    let state = AppState::new(Session::new(restored));
    let session = state.session;
    crate::browser::http::disconnect_on_refusal(session.connected);
    let draft = state.draft;

    let _hash = window_event_listener(leptos::ev::hashchange, move |_| {
        state.route.set(router::current());
    });
    // Open the group the route names, when it is not the one in the editor already.
    Effect::new(move |_| {
        if let Route::Group(id) = state.route.get() {
            let shown = draft.with_untracked(|d| d.as_ref().map(|d| d.id().to_string()));
            if shown.as_deref() != Some(id.as_str()) && session.connected.get().is_some() {
                crate::actions::load_group(state, id);
            }
        }
    });
    crate::components::focus::escape_closes_panels();
    // The tab's title names the screen (and the group or step), so tabs and history are told
    // apart and screen readers announce where a route change went.
    Effect::new(move |_| {
        let screen = match state.route.get() {
            Route::Activity => "Activity".to_string(),
            _ if session.connected.with(Option::is_none) => "Connect".to_string(),
            Route::Groups => "Groups".to_string(),
            Route::Group(id) => match state.editor_step.get() {
                "" => draft.with(|d| match d {
                    // Isolated, so a right-to-left override in a name cannot turn the rest of
                    // the title around.
                    Some(d) if d.id() == id => format!("“{}”", isolate(&d.loaded.display_name)),
                    _ => format!("Group {id}"),
                }),
                step => step.to_string(),
            },
        };
        document().set_title(&format!("{screen} — omni-scim-panel"));
    });
    // Unsaved edits go to session storage once edits pause, and at once when the page goes
    // (below) or another group is loaded, so a reload loses nothing.
    Effect::new(move |_| {
        // Tracks every change (`with`, not `track`: one generic copy fewer in the bundle).
        let _ = state.dirty.get();
        draft.with(|_| ());
        state.draft_edits.update_value(|n| *n += 1);
        let edit = state.draft_edits.get_value();
        spawn_local(async move {
            crate::browser::http::sleep_ms(DRAFT_WRITE_DELAY_MS).await;
            // Unless a later edit is waiting its turn, or the page has gone.
            if state.draft_edits.try_get_value() == Some(edit) {
                state.keep_draft_now();
            }
        });
    });
    // Mobile browsers and the back/forward cache may skip beforeunload; pagehide still comes.
    let _hide = window_event_listener(leptos::ev::pagehide, move |_| state.keep_draft_now());
    // Closing the tab with unsaved changes asks first.
    let _unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
        // Before the page goes (a reload too): the edit still waiting to be written.
        state.keep_draft_now();
        if state.dirty.get_untracked() {
            ev.prevent_default();
            ev.set_return_value("There are unsaved changes.");
        }
    });

    let connection_label = move || match session.connected.get() {
        Some(base) => format!("Connected to {base}"),
        None => "Not connected".to_string(),
    };
    let editing_label = move || {
        draft.with(|d| {
            d.as_ref().map(|d| {
                format!(
                    "Editing “{}” ({})",
                    isolate(&d.loaded.display_name),
                    isolate(d.id())
                )
            })
        })
    };
    let current = move |r: Route| {
        move || {
            if state.route.get() == r {
                Some("page")
            } else {
                None
            }
        }
    };

    view! {
        <header class="topbar">
            <h1>"omni-scim-panel"</h1>
            <nav aria-label="Main">
                <a href="#/groups" aria-current=current(Route::Groups)>"Groups"</a>
                <a href="#/activity" aria-current=current(Route::Activity)>"Activity"</a>
            </nav>
            <p class="connection" class:on=move || session.connected.get().is_some()>
                {connection_label}
            </p>
            {move || editing_label().map(|t| view! { <p class="editing">{t}</p> })}
        </header>
        <main>
            // Connection and "Open a group" beside the screen on wide displays, so the editor
            // starts at the top of the window.
            <div class="sidebar">
                <ConnectPanel state=state />
                <GroupLoader state=state />
            </div>
            <div class="content">
                // Rate-limit and request-budget waits, said once for the whole app.
                <crate::components::notice::WaitStatus />
                {move || match state.route.get() {
                    Route::Groups => view! { <GroupsPage state=state /> }.into_any(),
                    Route::Group(id) => view! { <GroupEditor state=state route_id=id /> }.into_any(),
                    Route::Activity => view! { <ActivityPage state=state /> }.into_any(),
                }}
            </div>
        </main>
    }
}
