//! The screens behind the connect card: Groups, a group's editor, People and Activity, the run
//! of a change across groups, and what they need from the window. With the `split` feature
//! (scripts/build) this is a separate WebAssembly chunk, loaded right after the first screen is
//! painted, so a first visit fetches and compiles only the connect card and the top bar first.

use crate::browser::focus::focus_when_shown;
use crate::browser::http::ScimClient;
use crate::browser::router;
use crate::components::cross_run::CrossRunPanel;
use crate::core::base_url::ScimBase;
use crate::core::error::ApiError;
use crate::core::route::Route;
use crate::core::secret::ApiKey;
use crate::core::server_features::ServerFeatures;
use crate::pages::activity::ActivityPage;
use crate::pages::group::edit::GroupEditor;
use crate::pages::groups::list::GroupsPage;
use crate::pages::people::PeoplePage;
use crate::state::connection::Check;
use crate::state::load::load_group;
use crate::state::notice::Notice;
use crate::state::AppState;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;

/// What the chunk gives the root: plain function pointers, so they cross the chunk's boundary
/// and live in a signal.
#[derive(Clone, Copy)]
pub struct Screens {
    /// Run once when the chunk has loaded: the listeners and effects the screens rely on. The
    /// flag says whether the tab was connected when the page started (a restored connection),
    /// so a Connect made before the chunk arrived still lands where the admin's work is.
    pub start: fn(AppState, bool),
    /// The screen the route names, with the run panel above it.
    pub view: fn(AppState) -> AnyView,
    /// Connect's request (the HTTP client and the SCIM parsing come with it).
    pub check: Check,
}

/// The chunk's one entry point (a split point with the `split` feature: then it is `async` and
/// fetches the chunk on its first call, and a failed fetch is an `Err`).
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(screens, wasm_split_path = ::leptos::wasm_split, fallible)
)]
#[allow(improper_ctypes_definitions)]
pub fn screens() -> Result<Screens, SplitError> {
    Ok(Screens { start, view, check })
}

/// Why the chunk could not be had (only with the `split` feature: a network error).
#[derive(Debug)]
pub struct SplitError;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for SplitError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        SplitError
    }
}

fn check(
    base: ScimBase,
    key: ApiKey,
) -> Pin<Box<dyn Future<Output = Result<ServerFeatures, ApiError>>>> {
    Box::pin(async move {
        let client = ScimClient::new(base, key);
        client.check_connection().await?;
        // Once per connection: what the server supports (ETags, PATCH, filters).
        Ok(client.server_features().await)
    })
}

fn start(state: AppState, connected_at_start: bool) {
    listen_to_the_window(state);
    land_after_connect(state, connected_at_start);
}

fn view(state: AppState) -> AnyView {
    view! {
        // A change across groups runs on whatever screen the admin goes to, and a reload in
        // its middle is offered back on any screen.
        <CrossRunPanel />
        {move || match state.route.get() {
            Route::Groups => view! { <GroupsPage /> }.into_any(),
            Route::Group(id) => view! { <GroupEditor route_id=id /> }.into_any(),
            Route::Activity => view! { <ActivityPage /> }.into_any(),
            Route::People => view! { <PeoplePage user_id=None /> }.into_any(),
            Route::Person(id) => view! { <PeoplePage user_id=Some(id) /> }.into_any(),
        }}
    }
    .into_any()
}

/// The route opens the group it names; unsaved edits are kept when the page goes, and closing
/// the tab with unsaved changes asks first.
fn listen_to_the_window(state: AppState) {
    // Open the group the route names, when it is not the one in the editor already. What the
    // previous screen's load said goes with it, once the screen or the server really changed.
    Effect::new(move |before: Option<(Route, Option<ScimBase>)>| {
        let route = state.route.get();
        let server = state.session.connected.get();
        let connected = server.is_some();
        let now = (route.clone(), server);
        if before.as_ref() != Some(&now) {
            let next = state
                .notice_after_route
                .try_update_value(Option::take)
                .flatten();
            state.load_notice.set(next);
            state.load_failed.set(None);
        }
        if let Route::Group(id) = route {
            let shown = state
                .draft
                .with_untracked(|d| d.as_ref().map(|d| d.id().to_string()));
            if shown.as_deref() != Some(id.as_str()) && connected {
                load_group(state, id);
            }
        }
        now
    });
    // Unsaved edits go to session storage once edits pause, and at once when the page goes
    // (below) or another group is loaded, so a reload loses nothing.
    state.keep_draft_when_edits_pause();
    // Mobile browsers and the back/forward cache may skip beforeunload; pagehide still comes.
    let _hide = window_event_listener(leptos::ev::pagehide, move |_| state.keep_draft_now());
    let _unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
        // Before the page goes (a reload too): the edit still waiting to be written.
        state.keep_draft_now();
        // A change across groups in the middle of its run asks too (a reload would offer to
        // resume it, but closing the tab leaves the rest undone).
        if state.dirty.get_untracked() || untrack(|| state.cross.is_running()) {
            ev.prevent_default();
            ev.set_return_value("There are unsaved changes.");
        }
    });
}

/// After a Connect (not a connection restored at start), the panel goes where the admin's
/// work is: the group the link names, else the group with unsaved changes, else Groups; the
/// focus goes there too (the card with the Connect button is gone). Any connection reads back
/// the Activity this tab kept for its server.
fn land_after_connect(state: AppState, connected_at_start: bool) {
    Effect::new(move |was: Option<bool>| {
        let was = was.unwrap_or(connected_at_start);
        let now = state.session.connected.with(Option::is_some);
        // Activity kept in the tab for this server (a restored connection too).
        if now {
            state.load_activity();
        }
        if !was && now {
            let (in_editor, unsaved) = state.draft.with_untracked(|d| {
                let id = d.as_ref().map(|d| d.id().to_string());
                let unsaved = id.clone().filter(|_| state.dirty.get_untracked());
                (id, unsaved)
            });
            let here = state.route.get_untracked();
            let next = here.clone().after_connect(unsaved.as_deref());
            if next != here {
                router::navigate(&next);
            }
            match next {
                Route::Group(id) if in_editor.as_deref() == Some(id.as_str()) => {
                    focus_when_shown("editor-heading")
                }
                // A group still to be read takes the focus once it is (state/load.rs).
                Route::Group(_) => {}
                _ => focus_when_shown("group-id"),
            }
        }
        now
    });
    state
        .session
        .on_other_server(move |from, to| close_foreign_group(state, from, to));
}

/// Connected to another server: the open group's members, version and changes belong to the
/// server it was read from, so it closes (a Save would otherwise send them to this one). Its
/// unsaved changes stay kept in this tab, offered back when that group is opened again.
fn close_foreign_group(state: AppState, from: &ScimBase, to: &ScimBase) {
    let open = state.draft.with_untracked(Option::is_some);
    if open {
        state.keep_draft_now();
        state.restorable.set(None);
        state.draft.set(None);
    }
    // The route too, at once: a link to a group of the old server is not opened on this one.
    if state.route.get_untracked() != Route::Groups {
        state.route.set(Route::Groups);
        router::navigate(&Route::Groups);
    }
    if open {
        // Said by the route's effect once it has cleared the previous screen's notice (the
        // server changes just after this hook, and that clears it).
        let said = format!(
            "Connected to {to}. The group open before was read from {from}, so it was closed; its unsaved changes are kept in this tab."
        );
        state
            .notice_after_route
            .set_value(Some(Notice::Progress(said)));
    }
}
