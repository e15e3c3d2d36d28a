//! The panel's root: creates the app's state and provides it, listens to the window (route,
//! leaving the page, Escape), names the tab, and lays out the page with the screen the route
//! names.

use crate::browser::{focus, router, storage};
use crate::components::notice::WaitStatus;
use crate::core::base_url::ScimBase;
use crate::core::route::Route;
use crate::core::validation::isolate;
use crate::pages::activity::ActivityPage;
use crate::pages::connect::ConnectPanel;
use crate::pages::group::edit::GroupEditor;
use crate::pages::group::loader::GroupLoader;
use crate::pages::groups::list::GroupsPage;
use crate::state::load::load_group;
use crate::state::session::Session;
use crate::state::{provide_app_state, AppState};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    // A key kept in this tab from before a reload restores the connection without a request.
    let restored = storage::load_key()
        .and(storage::load_base_url())
        .and_then(|b| ScimBase::parse(&b).ok());
    let state = AppState::new(Session::new(restored));
    provide_app_state(state);
    listen_to_the_window(state);
    name_the_tab(state);

    view! {
        {top_bar(state)}
        <main>
            // Connection and "Open a group" beside the screen on wide displays, so the editor
            // starts at the top of the window.
            <div class="sidebar">
                <ConnectPanel />
                <GroupLoader />
            </div>
            <div class="content">
                // Rate-limit and request-budget waits, said once for the whole app.
                <WaitStatus text=state.wait_text />
                {move || match state.route.get() {
                    Route::Groups => view! { <GroupsPage /> }.into_any(),
                    Route::Group(id) => view! { <GroupEditor route_id=id /> }.into_any(),
                    Route::Activity => view! { <ActivityPage /> }.into_any(),
                }}
            </div>
        </main>
    }
}

/// The route follows the hash, and opens the group it names; unsaved edits are kept when the
/// page goes, and closing the tab with unsaved changes asks first; Escape closes panels.
fn listen_to_the_window(state: AppState) {
    let _hash = window_event_listener(leptos::ev::hashchange, move |_| {
        state.route.set(router::current());
    });
    // Open the group the route names, when it is not the one in the editor already.
    Effect::new(move |_| {
        if let Route::Group(id) = state.route.get() {
            let shown = state
                .draft
                .with_untracked(|d| d.as_ref().map(|d| d.id().to_string()));
            if shown.as_deref() != Some(id.as_str()) && state.session.connected.get().is_some() {
                load_group(state, id);
            }
        }
    });
    focus::escape_closes_panels();
    // Unsaved edits go to session storage once edits pause, and at once when the page goes
    // (below) or another group is loaded, so a reload loses nothing.
    state.keep_draft_when_edits_pause();
    // Mobile browsers and the back/forward cache may skip beforeunload; pagehide still comes.
    let _hide = window_event_listener(leptos::ev::pagehide, move |_| state.keep_draft_now());
    let _unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
        // Before the page goes (a reload too): the edit still waiting to be written.
        state.keep_draft_now();
        if state.dirty.get_untracked() {
            ev.prevent_default();
            ev.set_return_value("There are unsaved changes.");
        }
    });
}

/// The tab's title names the screen (and the group or step), so tabs and history are told
/// apart and screen readers announce where a route change went.
fn name_the_tab(state: AppState) {
    Effect::new(move |_| {
        let screen = match state.route.get() {
            Route::Activity => "Activity".to_string(),
            _ if state.session.connected.with(Option::is_none) => "Connect".to_string(),
            Route::Groups => "Groups".to_string(),
            Route::Group(id) => match state.editor_step.get() {
                "" => state.draft.with(|d| match d {
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
}

/// The app's name, the main navigation, the connection and the group being edited.
fn top_bar(state: AppState) -> impl IntoView {
    let session = state.session;
    let connection_label = move || match session.connected.get() {
        Some(base) => format!("Connected to {base}"),
        None => "Not connected".to_string(),
    };
    let editing_label = move || {
        state.draft.with(|d| {
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
    }
}
