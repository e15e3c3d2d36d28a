//! "Find person": Find user's combobox and search (same matching, same directory); choosing
//! someone opens their page.

use crate::browser::router;
use crate::components::find_user::search_combobox;
use crate::core::directory::DirectoryUser;
use crate::core::route::Route;
use crate::state::use_app_state;
use crate::state::user_search::UserSearch;
use leptos::prelude::*;

#[component]
pub fn FindPerson() -> impl IntoView {
    let on_pick = Callback::new(move |u: DirectoryUser| router::navigate(&Route::Person(u.id)));
    let search = UserSearch::for_people(use_app_state(), on_pick);
    search_combobox(
        search,
        "Find person",
        "Type a name or an email, then choose a match with the arrow keys and Enter, or click it, to see their groups.",
    )
}
