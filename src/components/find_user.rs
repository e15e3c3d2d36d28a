//! "Find user": type a name or an email; matches appear with name and email; Enter or a click
//! adds one. An exact email is looked up with `userName eq` (one request); other text searches
//! the directory, listed once per connection, locally; servers that filter (`co`) are asked.

use super::field::TextField;
use super::notice::NoticeArea;
use super::progress::{ListingProgress, ListingState};
use crate::browser::focus::focus_soon;
use crate::browser::http::ScreenReads;
use crate::core::directory::{looks_like_email, DirectoryUser};
use crate::core::endpoints::filter_string;
use crate::core::endpoints::user_name_filter;
use crate::state::notice::Notice;
use crate::state::session::Session;
use crate::state::{load, use_app_state};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Matches shown at once; more words narrow it down.
const RESULT_LIMIT: usize = 8;

/// Searches the directory (listing it first when needed, with progress) for `q`.
async fn search_directory(
    session: Session,
    q: &str,
    refresh: bool,
    reads: ScreenReads,
    progress: RwSignal<ListingState>,
) -> Result<Vec<DirectoryUser>, String> {
    let listed = load::directory(session, refresh, reads, move |n, total| {
        progress.set(Some((n, total)));
    })
    .await;
    progress.set(None);
    listed.map(|d| d.search(q, RESULT_LIMIT).into_iter().cloned().collect())
}

#[component]
pub fn FindUser(
    /// Adds the chosen user to the draft.
    on_add: Callback<DirectoryUser>,
) -> impl IntoView {
    let state = use_app_state();
    let session = state.session;
    let query = RwSignal::new(String::new());
    let results = RwSignal::new(Vec::<DirectoryUser>::new());
    let notice = RwSignal::new(None::<Notice>);
    let progress = RwSignal::new(ListingState::None);
    let seq = StoredValue::new(0u64);
    // One directory listing at a time: searches typed meanwhile wait for it (`deferred`), and
    // the listing answers the newest of them when it ends, instead of each keystroke listing
    // the whole directory again.
    let listing = StoredValue::new(false);
    // `Some(add_first)` of the newest search that waits for the listing.
    let deferred = StoredValue::new(None::<bool>);
    let reads = ScreenReads::new();
    let is_member = move |id: &str| {
        state.draft.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.members.iter().any(|m| m.value == id))
        })
    };

    let add = move |user: DirectoryUser| {
        if is_member(&user.id) {
            notice.set(Some(Notice::Error(format!(
                "{} is already a member.",
                user.display_name
            ))));
            return;
        }
        let name = user.display_name.clone();
        on_add.run(user);
        query.set(String::new());
        results.set(Vec::new());
        // An Add button in the results goes with them: the focus goes back to the field.
        focus_soon("find-user");
        notice.set(Some(Notice::Progress(format!(
            "Added {name}. Not saved yet."
        ))));
    };

    // Runs a search for `q`; only the newest search may show its results.
    let search = move |q: String, refresh: bool, mut add_first: bool| {
        seq.update_value(|n| *n += 1);
        let mut mine = seq.get_value();
        let mut q = q.trim().to_string();
        if q.is_empty() {
            results.set(Vec::new());
            notice.set(None);
            return;
        }
        let filterable = state.session.features.get_untracked().filter;
        let have_directory = state.session.directory.with_untracked(Option::is_some);
        spawn_local(async move {
            let found: Result<Vec<DirectoryUser>, String> = if have_directory && !refresh {
                search_directory(session, &q, false, reads, progress).await
            } else if looks_like_email(&q) || filterable {
                notice.set(Some(Notice::Progress("Searching…".into())));
                let filter = if looks_like_email(&q) {
                    user_name_filter(&q)
                } else {
                    let v = filter_string(&q);
                    format!("displayName co {v} or userName co {v}")
                };
                let asked = match session.client() {
                    Ok(client) => session
                        .heard(
                            client
                                .cancelled_with(reads)
                                .users_page(1, RESULT_LIMIT as u64, Some(&filter))
                                .await,
                        )
                        .map(|p| p.items)
                        .map_err(|e| e.to_string()),
                    Err(why) => Err(why.to_string()),
                };
                match asked {
                    // Servers match `co` without folding accents ("jose" misses "José"): when
                    // they find nobody, the directory, searched accent-insensitively, decides.
                    Ok(users) if users.is_empty() && !looks_like_email(&q) => {
                        search_directory(session, &q, false, reads, progress).await
                    }
                    other => other,
                }
            } else if listing.get_value() && !refresh {
                deferred.set_value(Some(add_first));
                return;
            } else {
                notice.set(Some(Notice::Progress("Listing users…".into())));
                listing.set_value(true);
                let listed = search_directory(session, &q, refresh, reads, progress).await;
                // `try_`: the screen may have gone meanwhile (`Some` means it is still here).
                if listing.try_update_value(|l| *l = false).is_some()
                    && seq.try_get_value() != Some(mine)
                {
                    // Newer text arrived while listing: answer it (or tell it why not) here.
                    let Some(waiting_add_first) = deferred.get_value() else {
                        return;
                    };
                    deferred.set_value(None);
                    add_first = waiting_add_first;
                    mine = seq.get_value();
                    q = query.get_untracked().trim().to_string();
                    if q.is_empty() {
                        return;
                    }
                    match listed {
                        Ok(_) => search_directory(session, &q, false, reads, progress).await,
                        Err(e) => Err(e),
                    }
                } else {
                    listed
                }
            };
            // `try_`: the screen may have gone meanwhile.
            if seq.try_get_value() != Some(mine) {
                return;
            }
            match found {
                Ok(users) => {
                    if add_first {
                        if let Some(user) = users.iter().find(|u| !is_member(&u.id)).cloned() {
                            add(user);
                            return;
                        }
                    }
                    notice.set(Some(Notice::Progress(if users.is_empty() {
                        format!("No user matches “{q}”. Check the spelling, or press Refresh user list for users added since.")
                    } else if users.len() == 1 {
                        "1 matching user.".to_string()
                    } else {
                        format!("{} matching users.", users.len())
                    })));
                    results.set(users);
                }
                Err(message) => {
                    results.set(Vec::new());
                    notice.set(Some(Notice::Error(message)));
                }
            }
        });
    };

    view! {
        <div class="find-user">
            <form
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    let first = results.with_untracked(|r| r.iter().find(|u| !is_member(&u.id)).cloned());
                    match first {
                        Some(user) => add(user),
                        None => search(query.get_untracked(), false, true),
                    }
                }
            >
                <TextField
                    id="find-user"
                    label="Find user"
                    value=query
                    on_input=move |v: String| {
                        query.set(v.clone());
                        // An email is looked up when complete (Enter), not at every keystroke.
                        if !looks_like_email(&v) || state.session.directory.with_untracked(Option::is_some) {
                            search(v, false, false);
                        }
                    }
                    placeholder="Name or email"
                    hint=Signal::derive(|| "Type a name or an email; press Enter to add the first match.".to_string())
                />
                <div class="actions">
                    <button type="submit">"Find"</button>
                    <button type="button" on:click=move |_| search(query.get_untracked(), true, false)>
                        "Refresh user list"
                    </button>
                </div>
            </form>
            <ListingProgress progress=progress />
            <ul class="results" aria-label="Matching users">
                {move || {
                    results
                        .get()
                        .into_iter()
                        .map(|u| {
                            let member = is_member(&u.id);
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
                                            <button type="button" aria-label=name on:click=move |_| add(u.clone())>
                                                "Add"
                                            </button>
                                            " "{label}
                                        }
                                            .into_any()
                                    }}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <NoticeArea notice=notice />
        </div>
    }
}
