//! A person's page: who they are (name, email or user name, user ID with Copy ID) and the
//! groups they are in, from People's index (read once per connection, with progress and
//! "Refresh"). An ID no user has says so, with the way back to People.

use super::tools::tools_view;
use crate::browser::focus::focus_when_shown;
use crate::components::notice::NoticeArea;
use crate::core::directory::DirectoryUser;
use crate::core::memberships::{
    groups_caption, groups_said, person_name, progress_text, GroupInfo,
};
use crate::core::route::Route;
use crate::state::people::{PersonLookup, PersonPage};
use crate::state::person_tools::PersonTools;
use crate::state::use_app_state;
use leptos::prelude::*;

#[component]
pub fn PersonView(user_id: String) -> impl IntoView {
    let page = PersonPage::new(use_app_state(), user_id);
    view! {
        <section class="card person" aria-labelledby="person-heading">
            {move || match page.lookup.get() {
                PersonLookup::Listing(n) => listing_view(n).into_any(),
                PersonLookup::Found(u) => found_view(page, &u).into_any(),
                PersonLookup::Unknown(id) => unknown_view(id).into_any(),
                PersonLookup::Failed(why) => failed_view(why).into_any(),
            }}
            // The groups are read while the person is looked up: the progress shows at once.
            {reading_view(page)}
            {move || page.user().map(|u| groups_view(page, u))}
        </section>
    }
}

fn listing_view(n: Option<(usize, Option<u64>)>) -> impl IntoView {
    let text = match n {
        Some((n, Some(t))) => format!("Listing users: {n} of {t}"),
        Some((n, None)) => format!("Listing users: {n}"),
        None => "Listing users…".to_string(),
    };
    view! {
        <h2 id="person-heading" tabindex="-1">"Person"</h2>
        <p role="status">{text}</p>
    }
}

fn unknown_view(id: String) -> impl IntoView {
    focus_when_shown("person-heading");
    view! {
        <h2 id="person-heading" tabindex="-1">"Person not found"</h2>
        <p>"No user has the ID " <bdi class="mono">{id}</bdi> ". They may have been deleted, or the link is wrong."</p>
        <p><a href=Route::People.to_hash()>"Back to People"</a></p>
    }
}

fn failed_view(why: String) -> impl IntoView {
    view! {
        <h2 id="person-heading" tabindex="-1">"Person"</h2>
        <p class="notice error" role="alert">{why}</p>
        <p><a href=Route::People.to_hash()>"Back to People"</a></p>
    }
}

fn found_view(page: PersonPage, u: &DirectoryUser) -> impl IntoView {
    focus_when_shown("person-heading");
    header_view(page, u)
}

/// Name, email or user name, and the user ID with Copy ID.
fn header_view(page: PersonPage, u: &DirectoryUser) -> impl IntoView {
    let name = person_name(u).to_string();
    let email = (!u.email.is_empty() && u.email != name).then(|| u.email.clone());
    let user_name = (!u.user_name.is_empty() && u.user_name != name && u.user_name != u.email)
        .then(|| u.user_name.clone());
    let id = u.id.clone();
    view! {
        <h2 id="person-heading" tabindex="-1"><bdi>{name.clone()}</bdi></h2>
        <dl class="person-facts">
            {email.map(|e| view! { <dt>"Email"</dt> <dd><bdi>{e}</bdi></dd> })}
            {user_name.map(|n| view! { <dt>"User name"</dt> <dd><bdi>{n}</bdi></dd> })}
            <dt>"User ID"</dt>
            <dd>
                <bdi class="mono">{id}</bdi> " "
                <button type="button" aria-label=format!("Copy ID of {name}") on:click=move |_| page.copy_id()>"Copy ID"</button>
                " "
                <span role="status">{move || page.copied.get().then_some("Copied the user ID.")}</span>
            </dd>
        </dl>
    }
}

/// The groups table with a Remove per row, Refresh, and the tools that change them.
fn groups_view(page: PersonPage, u: DirectoryUser) -> impl IntoView {
    let people = page.app.people;
    let tools = PersonTools::new(page.app);
    let caption = groups_caption(&u);
    let (id, for_count) = (u.id.clone(), u.id.clone());
    let has_groups =
        Signal::derive(move || people.groups_of(&for_count).is_some_and(|g| !g.is_empty()));
    let for_rows = u.clone();
    view! {
        <div class="person-groups">
            <NoticeArea notice=people.notice />
            {move || people.groups_of(&id).map(|groups| table_view(tools, &for_rows, caption.clone(), groups))}
            {tools_view(tools, u, has_groups)}
        </div>
    }
}

/// "Reading groups: 3 of 12 pages", said politely, with a `<progress>`.
fn reading_view(page: PersonPage) -> impl IntoView {
    let people = page.app.people;
    view! {
        <div role="status" class="reading">
            {move || people.progress.get().filter(|_| page.lookup.with(PersonLookup::is_pending_or_found)).map(|p| {
                let text = progress_text(p);
                let (read, total) = p;
                view! {
                    <label class="progress">
                        {text}
                        <progress max=total.map(|t| t.max(1).to_string()) value=read.to_string()></progress>
                    </label>
                }
            })}
        </div>
    }
}

fn table_view(
    tools: PersonTools,
    user: &DirectoryUser,
    caption: String,
    groups: Vec<GroupInfo>,
) -> impl IntoView {
    crate::browser::perf::mark_after_paint("person-groups-shown");
    let said = groups_said(groups.len());
    let table = (!groups.is_empty()).then(|| {
        view! {
            <div class="person-groups-wrap">
                <table class="person-groups-table">
                    <caption>{caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Group"</th>
                            <th scope="col" class="count">"Members"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {groups.into_iter().map(|g| row_view(tools, user.clone(), g)).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    });
    view! {
        <p class="groups-said">{said}</p>
        {table}
    }
}

fn row_view(tools: PersonTools, user: DirectoryUser, g: GroupInfo) -> impl IntoView {
    let href = Route::Group(g.id.clone()).to_hash();
    let remove = format!("Remove from {}", g.label());
    let busy = move || tools_busy();
    let (label, count) = (g.label().to_string(), g.members.to_string());
    view! {
        <tr>
            <td><a href=href><bdi>{label}</bdi></a></td>
            <td class="count">{count}</td>
            <td class="row-action">
                <button type="button" class="small" aria-label=remove disabled=busy
                    on:click=move |_| tools.review_remove(&user, g.clone())>"Remove"</button>
            </td>
        </tr>
    }
}

fn tools_busy() -> bool {
    crate::state::use_app_state().cross.is_running()
}
