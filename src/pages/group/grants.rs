//! "Access this group grants" in the editor: the roles Omni gives the group's members, read
//! once when the group opens (state/load.rs). Not shown for other servers; a failed read is
//! one quiet line.

use crate::core::grants::Grants;
use crate::state::AppState;
use leptos::prelude::*;

pub fn grants_view(state: AppState) -> impl IntoView {
    move || {
        match state.grants.get() {
        Grants::NotAsked => ().into_any(),
        Grants::Unavailable(line) => view! { <p class="hint grants-unavailable">{line}</p> }.into_any(),
        Grants::Reading => section(view! { <p class="hint">"Reading…"</p> }.into_any()),
        Grants::Read(list) if list.is_empty() => section(
            view! { <p>"No model or connection roles: membership gives no data access through this group."</p> }
                .into_any(),
        ),
        Grants::Read(list) => {
            let items = list
                .iter()
                .map(|g| view! { <li><bdi>{g.text()}</bdi></li> })
                .collect_view();
            section(view! { <ul class="grants-list">{items}</ul> }.into_any())
        }
    }
    }
}

fn section(body: AnyView) -> AnyView {
    view! {
        <section class="grants" aria-labelledby="grants-heading">
            <h3 id="grants-heading">"Access this group grants"</h3>
            {body}
        </section>
    }
    .into_any()
}
