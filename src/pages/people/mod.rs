//! People: "Find person" (`#/people`), and a person's page with their groups
//! (`#/people/{userId}`). Changes across groups for a person are built on these screens
//! elsewhere; this is what is read and shown.

pub mod find;
pub mod person;

use find::FindPerson;
use leptos::prelude::*;
use person::PersonView;

/// The People screen: Find person, and the person the route names under it.
#[component]
pub fn PeoplePage(
    /// The user ID the route names, if any.
    user_id: Option<String>,
) -> impl IntoView {
    view! {
        <section class="card people" aria-labelledby="people-heading">
            <h2 id="people-heading">"People"</h2>
            <FindPerson />
        </section>
        {user_id.map(|id| view! { <PersonView user_id=id /> })}
    }
}
