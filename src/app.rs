//! The panel's root: creates the app's state and provides it, listens to the window (route,
//! Escape), names the tab, and lays out the page: the top bar, then the connect card while not
//! connected, then the screen the route names at full width, from the screens (app/screens.rs:
//! a chunk of its own in the split build, with what else only they need).

mod screens;

use crate::browser::{focus, router, storage};
use crate::components::notice::{NoticeArea, WaitStatus};
use crate::core::base_url::ScimBase;
use crate::core::route::Route;
use crate::core::validation::isolate;
use crate::pages::connect::{connection_bar, ConnectPanel};
use crate::state::connection::ConnectForm;
use crate::state::notice::Notice;
use crate::state::session::Session;
use crate::state::{provide_app_state, AppState};
use leptos::prelude::*;
use screens::Screens;
#[cfg(feature = "split")]
use std::time::Duration;

/// Said when the screens' chunk could not be fetched (a reload fetches it again).
const FAILED_TO_LOAD: &str =
    "Part of the panel could not be loaded. Check the network connection, then reload the page.";

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
    name_the_tab(state);
    let screens = load_screens(state, form);
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
            {move || screen_shown.get().then_some(move || screens.get().map(|s| (s.view)(state)))}
        </main>
    }
}

/// The route follows the hash; Escape closes panels.
fn listen_to_the_window(state: AppState) {
    let _hash = window_event_listener(leptos::ev::hashchange, move |_| {
        // A hash the panel set itself comes back here later: the same route is no change.
        let now = router::current();
        if state.route.with_untracked(|r| *r != now) {
            state.route.set(now);
        }
    });
    focus::escape_closes_panels();
}

/// The screens behind the connect card, started once they are had: at once in an unsplit
/// build; with the `split` feature, fetched right after the first screen is painted (so no
/// click waits for them), and told at the top when they cannot be fetched.
fn load_screens(state: AppState, form: ConnectForm) -> RwSignal<Option<Screens>> {
    let screens = RwSignal::new(None::<Screens>);
    let connected_at_start = state.session.connected.with_untracked(Option::is_some);
    let started = move |got: Result<Screens, screens::SplitError>| match got {
        Ok(s) => {
            (s.start)(state, connected_at_start);
            form.check_ready(Some(s.check));
            screens.set(Some(s));
        }
        Err(_) => {
            form.check_ready(None);
            state
                .load_notice
                .set(Some(Notice::Error(FAILED_TO_LOAD.to_string())));
        }
    };
    #[cfg(not(feature = "split"))]
    started(screens::screens());
    // After the frame that paints the first screen, and after the `panel-ready` mark set in
    // a task queued from that frame (main.rs asks for its frame after this one: hence the
    // second task), so the first screen never waits on the chunk's fetch.
    #[cfg(feature = "split")]
    request_animation_frame(move || {
        let fetch =
            move || leptos::task::spawn_local(async move { started(screens::screens().await) });
        set_timeout(move || set_timeout(fetch, Duration::ZERO), Duration::ZERO)
    });
    screens
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
