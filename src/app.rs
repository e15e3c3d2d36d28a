//! The panel's root: creates the app's state and provides it, listens to the window (route,
//! leaving the page, Escape), names the tab, lands on Groups after a Connect, and lays out the
//! page: the top bar, then the connect card while not connected, then the screen the route
//! names at full width.

use crate::browser::focus::focus_when_shown;
use crate::browser::{focus, router, storage};
use crate::components::cross_run::CrossRunPanel;
use crate::components::notice::{NoticeArea, WaitStatus};
use crate::core::base_url::ScimBase;
use crate::core::route::Route;
use crate::core::validation::isolate;
use crate::pages::activity::ActivityPage;
use crate::pages::connect::{connection_bar, ConnectPanel};
use crate::pages::group::edit::GroupEditor;
use crate::pages::groups::list::GroupsPage;
use crate::pages::people::PeoplePage;
use crate::state::connection::ConnectForm;
use crate::state::load::load_group;
use crate::state::notice::Notice;
use crate::state::session::Session;
use crate::state::{provide_app_state, AppState};
use leptos::prelude::*;

/// The product's name, in the header and the tab's title.
const PRODUCT: &str = "Omni group membership";

#[component]
pub fn App() -> impl IntoView {
    // A key kept in this tab from before a reload restores the connection without a request.
    let restored = storage::load_key()
        .and(storage::load_base_url())
        .and_then(|b| ScimBase::parse(&b).ok());
    let state = AppState::new(Session::new(restored));
    provide_app_state(state);
    let form = ConnectForm::new(state.session);
    listen_to_the_window(state);
    land_after_connect(state);
    name_the_tab(state);
    // A memo: the screen is rebuilt only when this flips, so a key refused in the middle of a
    // review leaves the review (and its Back) where it was.
    let screen_shown = Memo::new(move |_| {
        state.session.connected.with(Option::is_some)
            || state.route.with(|r| {
                state
                    .draft
                    .with(|d| r.shown_while_disconnected(d.as_ref().map(|d| d.id())))
            })
    });

    view! {
        {top_bar(state, form, screen_shown)}
        <main>
            <ConnectPanel form=form />
            // Rate-limit and request-budget waits, said once for the whole app.
            <WaitStatus text=state.wait_text />
            // Loading a group, and why it could not be (a 404 at the top, where the eye is).
            <div class="load-notice">
                <NoticeArea notice=state.load_notice />
            </div>
            {move || screen_shown.get().then(|| view! {
                // A change across groups runs on whatever screen the admin goes to, and a
                // reload in its middle is offered back on any screen.
                <CrossRunPanel />
                {move || match state.route.get() {
                    Route::Groups => view! { <GroupsPage /> }.into_any(),
                    Route::Group(id) => view! { <GroupEditor route_id=id /> }.into_any(),
                    Route::Activity => view! { <ActivityPage /> }.into_any(),
                    Route::People => view! { <PeoplePage user_id=None /> }.into_any(),
                    Route::Person(id) => view! { <PeoplePage user_id=Some(id) /> }.into_any(),
                }}
            })}
        </main>
    }
}

/// The route follows the hash, and opens the group it names; unsaved edits are kept when the
/// page goes, and closing the tab with unsaved changes asks first; Escape closes panels.
fn listen_to_the_window(state: AppState) {
    let _hash = window_event_listener(leptos::ev::hashchange, move |_| {
        // A hash the panel set itself comes back here later: the same route is no change.
        let now = router::current();
        if state.route.with_untracked(|r| *r != now) {
            state.route.set(now);
        }
    });
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
    focus::escape_closes_panels();
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
fn land_after_connect(state: AppState) {
    Effect::new(move |was: Option<bool>| {
        let now = state.session.connected.with(Option::is_some);
        // Activity kept in the tab for this server (a restored connection too).
        if now {
            state.load_activity();
        }
        if was == Some(false) && now {
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

/// The tab's title names the screen (and the group or step), so tabs and history are told
/// apart and screen readers announce where a route change went.
fn name_the_tab(state: AppState) {
    Effect::new(move |_| {
        let screen = match state.route.get() {
            Route::Activity => "Activity".to_string(),
            _ if state.session.connected.with(Option::is_none) => "Connect".to_string(),
            Route::Groups => "Groups".to_string(),
            Route::People => "People".to_string(),
            Route::Person(_) => "Person".to_string(),
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
        document().set_title(&format!("{screen} — {PRODUCT}"));
    });
}

/// The product's name, the main navigation, the connection and the group being edited.
fn top_bar(state: AppState, form: ConnectForm, screen_shown: Memo<bool>) -> impl IntoView {
    // Groups stays marked while a group is open: the editor is reached from it; People
    // while a person is.
    let current = move |link: &'static str| {
        move || {
            let on = state.route.with(|r| match r {
                Route::Activity => link == "activity",
                Route::Groups | Route::Group(_) => link == "groups",
                Route::People | Route::Person(_) => link == "people",
            });
            on.then_some("page")
        }
    };
    view! {
        <header class="topbar">
            <h1>{PRODUCT}</h1>
            {move || screen_shown.get().then(|| view! {
                <nav aria-label="Main">
                    <a href="#/groups" aria-current=current("groups")>"Groups"</a>
                    <a href="#/people" aria-current=current("people")>"People"</a>
                    <a href="#/activity" aria-current=current("activity")>"Activity"</a>
                </nav>
            })}
            {connection_bar(form)}
            {editing_line(state)}
        </header>
    }
}

/// "Editing “Sales” (9zYiqPkw)" while connected: elements isolate the name and the ID (no
/// invisible bidi characters), so an ID copied from here is clean.
fn editing_line(state: AppState) -> impl IntoView {
    move || {
        state.session.connected.get()?;
        state.draft.with(|d| {
            d.as_ref().map(|d| {
                let (name, id) = (d.loaded.display_name.clone(), d.id().to_string());
                view! {
                    <p class="editing">
                        "Editing “"<bdi>{name}</bdi>"” ("<bdi class="mono">{id}</bdi>")"
                    </p>
                }
            })
        })
    }
}
