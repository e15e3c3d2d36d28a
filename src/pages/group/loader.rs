//! What the editor shows before its group is in it: the group is being read, or reading it
//! failed (no group with that ID, the server did not answer…): the ID in "Group ID" to fix or
//! load again, and the way back to Groups (the alert above the screen says why).

use crate::pages::groups::loader::GroupIdForm;
use crate::state::AppState;
use leptos::prelude::*;

pub fn group_not_shown(state: AppState, route_id: String) -> impl IntoView {
    move || {
        let missing = state
            .load_failed
            .with(|m| m.as_deref() == Some(route_id.as_str()));
        if missing {
            view! {
                <div class="not-found">
                    <GroupIdForm initial=route_id.clone() />
                    <p><a href="#/groups">"Back to Groups"</a></p>
                </div>
            }
            .into_any()
        } else if state.loading.get() {
            view! { <p class="empty">"Loading the group…"</p> }.into_any()
        } else {
            view! { <p class="empty">"Pick a group from the Groups list, or open one by its ID there."</p> }
                .into_any()
        }
    }
}
