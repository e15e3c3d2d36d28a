//! "Group ID" and "Load group": opening a group by its ID, first on the Groups screen (and in
//! the editor's not-found state, holding the ID that was not found).

use crate::browser::focus::focus_soon;
use crate::components::field::TextField;
use crate::core::validation::{group_id_issues, Issue};
use crate::state::load::open_by_id;
use crate::state::use_app_state;
use leptos::prelude::*;

#[component]
pub fn GroupIdForm(
    /// What the field holds at first (the ID that was not found).
    #[prop(optional)]
    initial: String,
) -> impl IntoView {
    let state = use_app_state();
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
        tried.set(true);
        if !open_by_id(state, &id_input.get_untracked()) {
            focus_soon("group-id");
        }
    };
    view! {
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
                placeholder="e.g. 9zYiqPkw"
                issues=id_issues
            />
            // aria-disabled while loading, not disabled: that would drop the focus of a
            // keyboard user who pressed it (a load ignores presses meanwhile).
            <button type="submit" aria-disabled=move || if state.loading.get() { "true" } else { "false" }>
                "Load group"
            </button>
        </form>
    }
}

/// The form with an empty field, for the Groups screen (one call in its view).
pub fn group_id_form() -> impl IntoView {
    view! { <GroupIdForm /> }
}
