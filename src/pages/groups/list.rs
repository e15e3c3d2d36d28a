//! "Groups" (`#/groups`): every group of the server (up to a cap) with its member count,
//! searched by name as one types, in any case and without accents; a page of 25 rows at a time
//! when nothing is searched. Each name links to its editor (`#/groups/{id}`); Enter in the
//! search opens the only match. What the controls do is a [`GroupsList`] method.

use crate::components::field::TextField;
use crate::components::notice::NoticeArea;
use crate::core::group_list::{GroupRow, MemberCount};
use crate::core::route::Route;
use crate::state::groups::GroupsList;
use crate::state::use_app_state;
use leptos::prelude::*;

#[component]
pub fn GroupsPage() -> impl IntoView {
    let list = GroupsList::new(use_app_state());
    let connected = list.session.connected;
    view! {
        <section
            class="card groups-page"
            aria-labelledby="groups-heading"
            aria-busy=move || if list.loading.get() { "true" } else { "false" }
        >
            <h2 id="groups-heading">"Groups"</h2>
            // Closures rather than <Show>: each Show costs kilobytes of bundle.
            {move || {
                if !connected.with(Option::is_some) {
                    return view! {
                        <p class="empty">
                            "Connect to a SCIM server first; its groups are listed here once you are connected."
                        </p>
                    }
                        .into_any();
                }
                view! {
                    {super::loader::group_id_form()}
                    {search_form(list)}
                    <NoticeArea notice=list.notice />
                    {load_again(list)}
                    {list_status(list)}
                    {groups_table(list)}
                    {pager(list)}
                }
                    .into_any()
            }}
        </section>
    }
}

/// "Search groups": filters as one types; Enter opens the only match.
fn search_form(list: GroupsList) -> impl IntoView {
    view! {
        <form
            class="groups-search"
            role="search"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                list.open_only_match();
            }
        >
            <TextField
                id="groups-search"
                label="Search groups"
                value=list.query
                on_input=move |v| list.set_query(v)
                hint=Signal::derive(|| {
                    "By name, in any case, accents or not. Enter opens the group when only one matches."
                        .to_string()
                })
            />
        </form>
    }
}

/// The list could not be read: nothing else on screen would ask again.
fn load_again(list: GroupsList) -> impl IntoView {
    move || {
        list.list_failed().then(|| {
            view! {
                <div class="actions">
                    <button type="button" on:click=move |_| list.load()>
                        "Load groups again"
                    </button>
                </div>
            }
        })
    }
}

/// How many groups there are or match, and how the counts are had: said politely as it
/// changes, so the results of a search are heard as one types.
fn list_status(list: GroupsList) -> impl IntoView {
    view! {
        <div class="list-status" role="status">
            {move || list.match_text().or_else(|| list.summary()).map(|t| view! { <p>{t}</p> })}
            {move || {
                if list.counts_gone() {
                    list.count_error.get().map(|t| view! { <p class="counts-note">{t}</p> })
                } else {
                    list.counts_note.get().map(|t| view! { <p class="counts-note">{t}</p> })
                }
            }}
        </div>
    }
}

fn groups_table(list: GroupsList) -> impl IntoView {
    move || {
        let rows = list.shown.with(|s| s.rows.clone());
        if rows.is_empty() {
            return None;
        }
        let counts = !list.counts_gone();
        Some(view! {
            <table class="groups" class:no-counts=!counts aria-labelledby="groups-heading">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"ID"</th>
                        {counts.then(|| view! { <th scope="col" class="count">"Members"</th> })}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .filter_map(|i| list.row(i).map(|r| row_view(list, i, r, counts)))
                        .collect_view()}
                </tbody>
            </table>
        })
    }
}

/// A row is drawn once; only its count changes as it is read (a redrawn row would lose the
/// focus of a keyboard user on its link).
fn row_view(list: GroupsList, index: usize, row: GroupRow, counts: bool) -> impl IntoView {
    let href = Route::Group(row.id.clone()).to_hash();
    let unsaved = list.unsaved(&row.id);
    view! {
        <tr>
            <td>
                <a href=href>{row.label().to_string()}</a>
                {unsaved.then(|| view! { " " <span class="unsaved-mark">"Unsaved"</span> })}
            </td>
            <td class="mono">{row.id.clone()}</td>
            {counts.then(|| view! { <td class="count">{move || count_view(list.count_at(index))}</td> })}
        </tr>
    }
}

fn count_view(count: MemberCount) -> AnyView {
    match count {
        MemberCount::Counted(n) => n.to_string().into_any(),
        MemberCount::NotRead | MemberCount::Reading => {
            view! { <span class="muted">"Counting…"</span> }.into_any()
        }
        MemberCount::Unavailable => view! { <span class="muted">"Unknown"</span> }.into_any(),
    }
}

/// Previous, which groups are shown, and Next: only without a search, and past one page.
fn pager(list: GroupsList) -> impl IntoView {
    move || {
        let p = list.shown.with(|s| s.pager)?;
        Some(view! {
            <nav class="paging" aria-label="Group pages">
                <button type="button" id="groups-prev" disabled=!p.has_prev() on:click=move |_| list.go_prev()>
                    "Previous"
                </button>
                <p class="page-range">{p.text()}</p>
                <button type="button" id="groups-next" disabled=!p.has_next() on:click=move |_| list.go_next()>
                    "Next"
                </button>
            </nav>
        })
    }
}
