//! "Groups" (`#/groups`): the server's groups a page at a time, filtered locally as one types,
//! or one exact name asked of the server. Each name links to its editor (`#/groups/{id}`).
//! What the controls do is a [`GroupsList`] method.

use crate::components::field::TextField;
use crate::components::notice::NoticeArea;
use crate::core::model::Group;
use crate::core::paging::page_range_text;
use crate::core::route::Route;
use crate::state::groups::GroupsList;
use crate::state::use_app_state;
use leptos::prelude::*;

#[component]
pub fn GroupsPage() -> impl IntoView {
    let list = GroupsList::new(use_app_state().session);
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
                            "Connect to a SCIM server first (Connection, above); its groups are listed here once you are connected."
                        </p>
                    }
                        .into_any();
                }
                view! {
                    {super::loader::group_id_form()}
                    {filter_form(list)}
                    <NoticeArea notice=list.notice />
                    {move || list.first_page_failed().then(|| view! {
                        <div class="actions">
                            <button type="button" on:click=move |_| list.load_page(1, Vec::new())>
                                "Load groups again"
                            </button>
                        </div>
                    })}
                    {move || list.filter_text().map(|t| view! { <p class="filter-info">{t}</p> })}
                    {move || list.exact_text().map(|t| view! { <p class="filter-info">{t}</p> })}
                    {move || list.empty_text().map(|t| view! { <p class="empty">{t}</p> })}
                    {groups_table(list)}
                    {paging(list)}
                }
                    .into_any()
            }}
        </section>
    }
}

/// "Filter by name", "Find exact name" and, after one, "Show all groups".
fn filter_form(list: GroupsList) -> impl IntoView {
    view! {
        <form
            class="groups-filter"
            role="search"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                list.find_exact();
            }
        >
            <TextField
                id="groups-filter"
                label="Filter by name"
                value=list.filter
                on_input=move |v| list.set_filter(v)
                hint=Signal::derive(|| {
                    "Typing filters the groups loaded so far. Find exact name asks the server for one name."
                        .to_string()
                })
            />
            <div class="actions">
                <button type="submit">"Find exact name"</button>
                {move || list.is_exact().then(|| view! {
                    <button type="button" on:click=move |_| list.show_all()>
                        "Show all groups"
                    </button>
                })}
            </div>
        </form>
    }
}

fn groups_table(list: GroupsList) -> impl IntoView {
    let rows = list.rows;
    move || {
        rows.with(|r| !r.is_empty()).then(|| {
            view! {
                <table class="groups">
                    <caption>"Groups"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"ID"</th>
                            <th scope="col">"Members"</th>
                        </tr>
                    </thead>
                    <tbody>{move || rows.get().into_iter().map(row_view).collect_view()}</tbody>
                </table>
            }
        })
    }
}

fn row_view(g: Group) -> impl IntoView {
    let href = Route::Group(g.id.clone()).to_hash();
    let name = if g.display_name.trim().is_empty() {
        "(no name)".to_string()
    } else {
        g.display_name
    };
    let members = match g.members {
        Some(m) => m.len().to_string().into_any(),
        None => view! {
            <span aria-hidden="true">"—"</span>
            <span class="visually-hidden">"not given"</span>
        }
        .into_any(),
    };
    view! {
        <tr>
            <td>
                <a href=href>{name}</a>
            </td>
            <td class="mono">{g.id}</td>
            <td class="count">{members}</td>
        </tr>
    }
}

/// Previous, which groups are shown, and Next (not for an exact-name answer).
fn paging(list: GroupsList) -> impl IntoView {
    move || {
        if list.is_exact() {
            return None;
        }
        let p = list.page.get()?;
        let range = page_range_text(p.start, p.items.len(), p.total);
        let (has_next, has_prev) = (p.next().is_some(), p.has_prev());
        Some(view! {
            <nav class="paging" aria-label="Group pages">
                <button type="button" id="groups-prev" disabled=!has_prev on:click=move |_| list.go_prev()>
                    "Previous"
                </button>
                <p class="page-range">{range}</p>
                <button type="button" id="groups-next" disabled=!has_next on:click=move |_| list.go_next()>
                    "Next"
                </button>
            </nav>
        })
    }
}
