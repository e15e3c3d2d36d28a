//! "Groups" (`#/groups`): the server's groups a page at a time, filtered locally as one types,
//! or one exact name asked of the server. Each name links to its editor (`#/groups/{id}`).

use super::field::TextField;
use super::focus::focus_soon;
use super::notice::{Notice, NoticeArea};
use crate::app::AppState;
use crate::browser::http::ScreenReads;
use crate::core::directory::fold;
use crate::core::model::Group;
use crate::core::route::Route;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Groups asked for per page.
pub const PAGE_SIZE: u64 = 25;

/// Where the next page starts, or `None` at the end. RFC 7644 §3.4.2.4: a server may return
/// fewer than `count`, so advance by what came back; without a total, a full page means there
/// may be more. An empty page always ends the list.
pub fn next_page_start(start: u64, received: usize, count: u64, total: Option<u64>) -> Option<u64> {
    if received == 0 {
        return None;
    }
    let next = start.max(1) + received as u64;
    match total {
        Some(total) => (next <= total).then_some(next),
        None => (received as u64 >= count).then_some(next),
    }
}

/// "Groups 26–50 of 73" for a page starting at `start` (1-based) with `received` items.
pub fn page_range_text(start: u64, received: usize, total: Option<u64>) -> String {
    let start = start.max(1);
    let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
    match received {
        0 if start == 1 => "No groups".to_string(),
        0 => match total {
            Some(t) => format!("No groups from number {start} on ({t} in all)"),
            None => format!("No groups from number {start} on"),
        },
        1 => format!("Group {start}{of}"),
        n => format!("Groups {start}–{}{of}", start + n as u64 - 1),
    }
}

/// The groups whose name contains `query`, ignoring case (and accents), in the order given.
pub fn filter_groups(groups: &[Group], query: &str) -> Vec<Group> {
    let query = fold(query.trim());
    groups
        .iter()
        .filter(|g| fold(&g.display_name).contains(&query))
        .cloned()
        .collect()
}

/// Adds a page to the groups seen so far: a group seen before is updated where it stands.
fn remember(seen: &mut Vec<Group>, items: &[Group]) {
    for item in items {
        match seen.iter_mut().find(|g| g.id == item.id) {
            Some(old) => *old = item.clone(),
            None => seen.push(item.clone()),
        }
    }
}

/// The page of the paged list on screen, and the starts of the pages before it (for Previous,
/// since short pages make `start - count` wrong).
#[derive(Clone)]
struct PageState {
    start: u64,
    items: Vec<Group>,
    total: Option<u64>,
    back: Vec<u64>,
}

#[derive(Clone, PartialEq)]
enum Mode {
    Paged,
    /// The server's answer for one exact name; `found` is `None` until it comes.
    Exact {
        name: String,
        found: Option<Vec<Group>>,
    },
}

#[component]
pub fn GroupsPage(state: AppState) -> impl IntoView {
    let session = state.session;
    let page = RwSignal::new(None::<PageState>);
    let seen = RwSignal::new(Vec::<Group>::new());
    let mode = RwSignal::new(Mode::Paged);
    let filter = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<Notice>);
    let loading = RwSignal::new(false);
    // Bumped by every request and every cancel: an answer carrying an older number is dropped.
    let seq = StoredValue::new(0u64);
    // Leaving the screen cancels its reads (and any wait for the rate limit).
    let reads = ScreenReads::new();
    // Next (`true`) or Previous pressed: the page's buttons are drawn anew with it, so the
    // focus goes back to one of them (the other when that one is now disabled).
    let refocus = StoredValue::new(None::<bool>);

    let begin = move |progress: String| -> u64 {
        seq.update_value(|n| *n += 1);
        loading.set(true);
        notice.set(Some(Notice::Progress(progress)));
        seq.get_value()
    };
    let cancel = move || {
        seq.update_value(|n| *n += 1);
        loading.set(false);
        notice.set(None);
    };
    // Stops whatever was under way, then says why nothing can be asked.
    let client_or_cancel = move || {
        session
            .client()
            .map_err(|why| {
                cancel();
                notice.set(Some(Notice::Error(why.into())));
            })
            .ok()
            .map(|c| c.cancelled_with(reads))
    };
    // `try_`: the answer may arrive after this screen was left, when its state is gone.
    let is_current = move |n: u64| seq.try_get_value() == Some(n);

    let load_page = move |start: u64, back: Vec<u64>| {
        let Some(client) = client_or_cancel() else {
            return;
        };
        let n = begin(if start <= 1 {
            "Loading groups…".to_string()
        } else {
            format!("Loading groups from number {start}…")
        });
        spawn_local(async move {
            let result = client.groups_page(start, PAGE_SIZE, None).await;
            if !is_current(n) {
                return;
            }
            loading.set(false);
            match result {
                Ok(p) => {
                    seen.update(|s| remember(s, &p.items));
                    notice.set(None);
                    if let Some(next) = refocus.get_value() {
                        refocus.set_value(None);
                        let has_next =
                            next_page_start(start, p.items.len(), PAGE_SIZE, p.total).is_some();
                        let has_prev = !back.is_empty() || start > 1;
                        focus_soon(if next && has_next || !has_prev {
                            "groups-next"
                        } else {
                            "groups-prev"
                        });
                    }
                    page.set(Some(PageState {
                        start,
                        items: p.items,
                        total: p.total,
                        back,
                    }));
                }
                Err(err) => notice.set(Some(Notice::Error(err.to_string()))),
            }
        });
    };

    // A new connection (or none) starts the list afresh.
    Effect::new(move |_| {
        let connected = session.connected.with(Option::is_some);
        page.set(None);
        seen.set(Vec::new());
        mode.set(Mode::Paged);
        if connected {
            load_page(1, Vec::new());
        } else {
            cancel();
        }
    });

    let find_exact = move || {
        let name = filter.get_untracked().trim().to_string();
        if name.is_empty() {
            notice.set(Some(Notice::Error(
                "Type a group's name first, then press Find exact name.".into(),
            )));
            return;
        }
        let Some(client) = client_or_cancel() else {
            return;
        };
        let n = begin(format!("Asking the server for the group named “{name}”…"));
        mode.set(Mode::Exact {
            name: name.clone(),
            found: None,
        });
        spawn_local(async move {
            let result = client.groups_page(1, PAGE_SIZE, Some(&name)).await;
            if !is_current(n) {
                return;
            }
            loading.set(false);
            match result {
                Ok(p) => {
                    // displayName is not case-exact (RFC 7643 §4.2); anything else the server
                    // sent means it ignored the filter, and is not an answer to the question.
                    let wanted = fold(&name);
                    let found: Vec<Group> = p
                        .items
                        .into_iter()
                        .filter(|g| fold(&g.display_name) == wanted)
                        .collect();
                    seen.update(|s| remember(s, &found));
                    notice.set(None);
                    mode.set(Mode::Exact {
                        name,
                        found: Some(found),
                    });
                }
                Err(err) => notice.set(Some(Notice::Error(err.to_string()))),
            }
        });
    };

    let on_filter = move |v: String| {
        filter.set(v);
        // Typing filters locally: leave an exact search, and drop its answer if still on the way.
        if matches!(mode.get_untracked(), Mode::Exact { .. }) {
            cancel();
            mode.set(Mode::Paged);
        }
    };
    let show_all = move |_| {
        cancel();
        mode.set(Mode::Paged);
        filter.set(String::new());
        // The button goes with the exact search; the focus goes back to the filter.
        focus_soon("groups-filter");
        if page.with_untracked(Option::is_none) {
            load_page(1, Vec::new());
        }
    };
    let go_next = move |_| {
        let Some(p) = page.get_untracked() else {
            return;
        };
        if let Some(next) = next_page_start(p.start, p.items.len(), PAGE_SIZE, p.total) {
            let mut back = p.back;
            back.push(p.start);
            refocus.set_value(Some(true));
            load_page(next, back);
        }
    };
    let go_prev = move |_| {
        let Some(p) = page.get_untracked() else {
            return;
        };
        let mut back = p.back;
        refocus.set_value(Some(false));
        match back.pop() {
            Some(prev) => load_page(prev, back),
            None if p.start > 1 => load_page(p.start.saturating_sub(PAGE_SIZE).max(1), back),
            None => {}
        }
    };

    let is_exact = move || mode.with(|m| matches!(m, Mode::Exact { .. }));
    let query = move || filter.with(|f| f.trim().to_string());
    let rows = Memo::new(move |_| match mode.get() {
        Mode::Exact { found, .. } => found.unwrap_or_default(),
        Mode::Paged => {
            let q = query();
            if q.is_empty() {
                page.with(|p| p.as_ref().map(|p| p.items.clone()).unwrap_or_default())
            } else {
                seen.with(|s| filter_groups(s, &q))
            }
        }
    });
    let empty_text = move || -> Option<String> {
        if !rows.with(Vec::is_empty) {
            return None;
        }
        match mode.get() {
            Mode::Exact {
                name,
                found: Some(_),
            } => Some(format!(
                "The server has no group named exactly “{name}”. Press Show all groups to go back to the list."
            )),
            Mode::Exact { found: None, .. } => None,
            Mode::Paged => {
                let q = query();
                if !q.is_empty() {
                    Some(format!(
                        "No loaded group matches “{q}”. Press Find exact name to ask the server."
                    ))
                } else {
                    page.with(|p| {
                        p.as_ref().map(|p| {
                            if p.start <= 1 {
                                "There are no groups on this server yet.".to_string()
                            } else {
                                "No groups on this page.".to_string()
                            }
                        })
                    })
                }
            }
        }
    };
    let filter_text = move || -> Option<String> {
        if is_exact() {
            return None;
        }
        let q = query();
        let shown = rows.with(Vec::len);
        (!q.is_empty() && shown > 0).then(|| {
            let of = seen.with(Vec::len);
            let groups = if of == 1 { "group" } else { "groups" };
            let verb = if shown == 1 { "matches" } else { "match" };
            format!("{shown} of {of} loaded {groups} {verb} “{q}”.")
        })
    };
    let exact_text = move || match mode.get() {
        Mode::Exact {
            name,
            found: Some(found),
        } if !found.is_empty() => Some(format!("Server answer for the exact name “{name}”.")),
        _ => None,
    };
    let paging = move || {
        if is_exact() {
            return None;
        }
        let p = page.get()?;
        let received = p.items.len();
        let range = page_range_text(p.start, received, p.total);
        let has_next = next_page_start(p.start, received, PAGE_SIZE, p.total).is_some();
        let has_prev = !p.back.is_empty() || p.start > 1;
        Some(view! {
            <nav class="paging" aria-label="Group pages">
                <button type="button" id="groups-prev" disabled=!has_prev on:click=go_prev>
                    "Previous"
                </button>
                <p class="page-range">{range}</p>
                <button type="button" id="groups-next" disabled=!has_next on:click=go_next>
                    "Next"
                </button>
            </nav>
        })
    };

    let row_view = |g: Group| {
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
    };

    view! {
        <section
            class="card groups-page"
            aria-labelledby="groups-heading"
            aria-busy=move || if loading.get() { "true" } else { "false" }
        >
            <h2 id="groups-heading">"Groups"</h2>
            // Closures rather than <Show>: each Show costs kilobytes of bundle.
            {move || {
                if !session.connected.with(Option::is_some) {
                    return view! {
                        <p class="empty">
                            "Connect to a SCIM server first (Connection, above); its groups are listed here once you are connected."
                        </p>
                    }
                        .into_any();
                }
                view! {
                <form
                    class="groups-filter"
                    role="search"
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        find_exact();
                    }
                >
                    <TextField
                        id="groups-filter"
                        label="Filter by name"
                        value=filter
                        on_input=on_filter
                        hint=Signal::derive(|| {
                            "Typing filters the groups loaded so far. Find exact name asks the server for one name."
                                .to_string()
                        })
                    />
                    <div class="actions">
                        <button type="submit">"Find exact name"</button>
                        {move || is_exact().then(|| view! {
                            <button type="button" on:click=show_all>
                                "Show all groups"
                            </button>
                        })}
                    </div>
                </form>
                <NoticeArea notice=notice />
                // The first page failed: nothing else on screen would ask again.
                {move || {
                    let failed = notice.with(|n| matches!(n, Some(Notice::Error(_))));
                    (failed && page.with(Option::is_none) && !is_exact()).then(|| view! {
                        <div class="actions">
                            <button type="button" on:click=move |_| load_page(1, Vec::new())>
                                "Load groups again"
                            </button>
                        </div>
                    })
                }}
                {move || filter_text().map(|t| view! { <p class="filter-info">{t}</p> })}
                {move || exact_text().map(|t| view! { <p class="filter-info">{t}</p> })}
                {move || empty_text().map(|t| view! { <p class="empty">{t}</p> })}
                {move || rows.with(|r| !r.is_empty()).then(|| view! {
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
                })}
                {paging}
                }
                    .into_any()
            }}
        </section>
    }
}
