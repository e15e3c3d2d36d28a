//! "Find user", a combobox (WAI-ARIA APG, editable, list autocomplete): type a name or an
//! email, and the matches are listed with name and email as options; the arrow keys make one
//! active, Enter or a click adds it. How it searches and whom Enter adds is [`UserSearch`]'s
//! business. People's "Find person" is the same combobox over the same search
//! ([`search_combobox`]).

use super::field::{Combobox, TextField};
use super::notice::NoticeArea;
use super::progress::ListingProgress;
use crate::core::directory::DirectoryUser;
use crate::state::use_app_state;
use crate::state::user_search::UserSearch;
use leptos::prelude::*;

#[component]
pub fn FindUser(
    /// Adds the chosen user to the draft.
    on_add: Callback<DirectoryUser>,
) -> impl IntoView {
    let search = UserSearch::new(use_app_state(), on_add);
    search_combobox(
        search,
        "Find user",
        "Type a name or an email, then choose a match with the arrow keys and Enter, or click it.",
    )
}

/// The field, its list of matches, the directory's listing progress, what the search said and
/// "Refresh user list", for `search` (Find user's or Find person's).
pub fn search_combobox(
    search: UserSearch,
    label: &'static str,
    hint: &'static str,
) -> impl IntoView {
    let active = Signal::derive(move || {
        search
            .active
            .get()
            .filter(|_| search.expanded())
            .map(|i| search.option_id(i))
    });
    let combobox = Combobox {
        list_id: search.list_id,
        expanded: Signal::derive(move || search.expanded()),
        active,
        on_key: Callback::new(move |ev: web_sys::KeyboardEvent| {
            // While an input method composes text, its keys are its own.
            if !ev.is_composing() && search.key(&ev.key()) {
                ev.prevent_default();
                ev.stop_propagation();
            }
        }),
    };
    view! {
        <div class="find-user">
            <TextField
                id=search.field_id
                label=label
                value=search.query
                on_input=move |v: String| search.typed(v)
                placeholder="Name or email"
                hint=Signal::derive(move || hint.to_string())
                combobox=combobox
            />
            <ul class="results" id=search.list_id role="listbox" aria-label="Matching users" hidden=move || !search.expanded()>
                {move || search.results.get().into_iter().enumerate().map(move |(i, u)| option(search, i, u)).collect_view()}
            </ul>
            <ListingProgress progress=search.progress />
            <NoticeArea notice=search.notice />
            <div class="actions">
                <button type="button" on:click=move |_| search.refresh()>
                    "Refresh user list"
                </button>
            </div>
        </div>
    }
}

/// A match: its name and email, or "already a member" (then it cannot be added).
fn option(search: UserSearch, index: usize, u: DirectoryUser) -> impl IntoView {
    let member = search.is_member(&u.id);
    let email = (!u.email.is_empty() && u.email != u.display_name).then(|| {
        view! {
            " "
            <span class="email">{u.email.clone()}</span>
        }
    });
    view! {
        <li
            role="option"
            id=search.option_id(index)
            aria-selected=move || if search.active.get() == Some(index) { "true" } else { "false" }
            aria-disabled=member.then_some("true")
            on:click=move |_| search.choose(index)
        >
            <span class="name">{u.display_name.clone()}</span>
            {email}
            {member.then_some(" — already a member")}
        </li>
    }
}
