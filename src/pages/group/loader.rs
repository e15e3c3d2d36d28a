//! "Open a group": the Group ID field and Load group. Loading goes through the route
//! (`#/groups/{id}`), so reloads and bookmarks return to the same group.

use crate::browser::router;
use crate::components::field::TextField;
use crate::components::notice::NoticeArea;
use crate::core::route::Route;
use crate::core::validation::{group_id_issues, has_errors, Issue};
use crate::state::load::load_group;
use crate::state::notice::Notice;
use crate::state::session::NOT_CONNECTED;
use crate::state::use_app_state;
use leptos::prelude::*;

#[component]
pub fn GroupLoader() -> impl IntoView {
    let state = use_app_state();
    let initial = match state.route.get_untracked() {
        Route::Group(id) => id,
        _ => String::new(),
    };
    let id_input = RwSignal::new(initial);
    let tried = RwSignal::new(false);
    let id_issues = Signal::derive(move || {
        let id = id_input.get();
        if id.is_empty() && !tried.get() {
            Vec::<Issue>::new()
        } else {
            group_id_issues(id.trim())
        }
    });

    let load = move || {
        if state.loading.get_untracked() {
            return;
        }
        tried.set(true);
        let id = id_input.get_untracked().trim().to_string();
        if has_errors(&group_id_issues(&id)) {
            state.load_notice.set(Some(Notice::Error(
                "Could not load the group: fix the group ID first.".into(),
            )));
            return;
        }
        if state.session.connected.get_untracked().is_none() {
            state
                .load_notice
                .set(Some(Notice::Error(NOT_CONNECTED.into())));
            return;
        }
        let route = Route::Group(id.clone());
        if state.route.get_untracked() == route {
            // Same screen: the button means "load it again". Unsaved edits stay in the tab's
            // storage and are offered back.
            load_group(state, id);
        } else {
            router::navigate(&route);
        }
    };

    view! {
        <section class="card" aria-labelledby="load-heading">
            <h2 id="load-heading">"Open a group"</h2>
            <form
                class="load"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    load();
                }
            >
                <TextField
                    id="group-id"
                    label="Group ID"
                    value=id_input
                    on_input=move |v| id_input.set(v)
                    placeholder="mEhXj6ZI"
                    issues=id_issues
                />
                <div class="actions">
                    // aria-disabled while loading, not disabled: that would drop the focus of a
                    // keyboard user who pressed it (`load` ignores presses meanwhile).
                    <button type="submit" class="primary" aria-disabled=move || if state.loading.get() { "true" } else { "false" }>
                        "Load group"
                    </button>
                </div>
            </form>
            <NoticeArea notice=state.load_notice />
        </section>
    }
}
