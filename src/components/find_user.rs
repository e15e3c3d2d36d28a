//! "Find user": type a name or an email; matches appear with name and email; Enter or a click
//! adds one. How it searches is [`UserSearch`]'s business.

use super::field::TextField;
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
    view! {
        <div class="find-user">
            <form
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    search.submit();
                }
            >
                <TextField
                    id="find-user"
                    label="Find user"
                    value=search.query
                    on_input=move |v: String| search.typed(v)
                    placeholder="Name or email"
                    hint=Signal::derive(|| "Type a name or an email; press Enter to add the first match.".to_string())
                />
                <div class="actions">
                    <button type="submit">"Find"</button>
                    <button type="button" on:click=move |_| search.refresh()>
                        "Refresh user list"
                    </button>
                </div>
            </form>
            <ListingProgress progress=search.progress />
            <ul class="results" aria-label="Matching users">
                {move || search.results.get().into_iter().map(move |u| result_item(search, u)).collect_view()}
            </ul>
            <NoticeArea notice=search.notice />
        </div>
    }
}

/// A match: its name and email, with Add, or "already a member".
fn result_item(search: UserSearch, u: DirectoryUser) -> impl IntoView {
    let member = search.is_member(&u.id);
    let label = if u.email.is_empty() || u.email == u.display_name {
        u.display_name.clone()
    } else {
        format!("{} ({})", u.display_name, u.email)
    };
    let name = format!("Add {label}");
    view! {
        <li>
            {if member {
                view! { <span>{label}" — already a member"</span> }.into_any()
            } else {
                view! {
                    <button type="button" aria-label=name on:click=move |_| search.add(u.clone())>
                        "Add"
                    </button>
                    " "{label}
                }
                    .into_any()
            }}
        </li>
    }
}
