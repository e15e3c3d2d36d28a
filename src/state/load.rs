//! Multi-step reads that screens start: loading a group into the editor, listing the user
//! directory. They drive the HTTP client and the core; rules live in the core.

use super::notice::Notice;
use super::session::Session;
use super::AppState;
use crate::browser::focus::focus_soon;
use crate::browser::http::{ScimClient, ScreenReads};
use crate::browser::{perf, router};
use crate::core::directory::Directory;
use crate::core::draft::GroupDraft;
use crate::core::error::ErrorKind;
use crate::core::grants::{unavailable_line, Grants};
use crate::core::model::Group;
use crate::core::paging::next_start_index;
use crate::core::route::Route;
use crate::core::stored_draft::StoredDraft;
use crate::core::undo::restore_draft;
use crate::core::validation::{group_id_issues, has_errors, isolate};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// What the group just loaded grants (Omni only: one request, after the group is shown). A
/// failure is one quiet line; it never disconnects nor blocks the editor.
async fn read_grants(state: AppState, client: &ScimClient, id: &str, seq: u64) {
    state.grants.set(Grants::Reading);
    let grants = match client.model_roles(id).await {
        None => Grants::NotAsked,
        Some(Ok(g)) => Grants::Read(g),
        Some(Err(e)) => Grants::Unavailable(unavailable_line(e.status)),
    };
    if state.load_seq.try_get_untracked() == Some(seq) {
        state.grants.set(grants);
    }
}

/// Embed users listed at most this many pages (of [`DIRECTORY_PAGE`]) per connection.
const EMBED_MAX_PAGES: usize = 10;

/// Omni's embed users, once per connection, when a group is opened: members the users list
/// never returns are then shown as embed users. A server without the list (404) has none;
/// another failure leaves them unlisted, to try at the next open.
async fn list_embed_users(session: Session, client: &ScimClient) {
    if !session.start_embed_listing() {
        return;
    }
    let server = session.connected.get_untracked();
    let mut users = Vec::new();
    let mut start = 1;
    let mut listed = true;
    for _ in 0..EMBED_MAX_PAGES {
        match client.embed_users_page(start, DIRECTORY_PAGE).await {
            Ok(page) => {
                let received = page.items.len();
                users.extend(page.items);
                match next_start_index(start, received, page.total, None) {
                    Some(next) => start = next,
                    None => break,
                }
            }
            Err(e) if e.status == Some(404) => break,
            Err(_) => {
                listed = false;
                break;
            }
        }
    }
    // Another server meanwhile: these are not its embed users.
    let same = session.connected.try_get_untracked().flatten() == server;
    let dir = (listed && same).then(|| Arc::new(Directory::new(users)));
    session.embed_listed(dir);
}

/// Loads group `id` into the editor, offering back any unsaved draft this tab kept for it.
pub fn load_group(state: AppState, id: String) {
    let Some(client) = state.session.client_or_notify(state.load_notice) else {
        return;
    };
    state.load_seq.update(|n| *n += 1);
    let seq = state.load_seq.get_untracked();
    state.loading.set(true);
    // A retry of the same ID keeps its form (and the focus on its button) while it loads.
    if state
        .load_failed
        .with_untracked(|f| f.as_deref() != Some(id.as_str()))
    {
        state.load_failed.set(None);
    }
    state
        .load_notice
        .set(Some(Notice::Progress(format!("Loading group {id}…"))));
    spawn_local(async move {
        perf::mark("group-load-sent");
        let result = client
            .get_group(&id)
            .await
            .map_err(|e| state.session.heard(e));
        if state.load_seq.get_untracked() != seq {
            return;
        }
        state.loading.set(false);
        match result {
            Ok(group) => {
                // An edit still waiting to be written belongs to the draft about to be replaced.
                state.keep_draft_now();
                let mut loaded = format!(
                    "Loaded “{}” with {} members.",
                    isolate(&group.display_name),
                    group.members.as_ref().map_or(0, Vec::len)
                );
                let (draft, restoring) = draft_after_load(state, group);
                if restoring {
                    loaded.push_str(" The draft is set to the group as it was before that save: review the change.");
                }
                let stored = state
                    .session
                    .load_draft(&id)
                    .and_then(|json| StoredDraft::parse(&json))
                    .filter(StoredDraft::has_changes);
                state.load_notice.set(Some(Notice::Success(loaded)));
                state.restorable.set(stored);
                state.load_failed.set(None);
                state.draft.set(Some(draft));
                // Keyboard and screen reader users start at the editor, not at the page's top.
                focus_soon("editor-heading");
                perf::mark_after_paint("group-load-shown");
                read_grants(state, &client, &id, seq).await;
                list_embed_users(state.session, &client).await;
            }
            Err(err) if err.kind == ErrorKind::GroupNotFound => {
                state.restoring.set(None);
                state.load_notice.set(Some(Notice::Error(format!(
                    "No group with ID “{}”: not found (404). Check the ID, or pick the group from the Groups list.",
                    isolate(&id)
                ))));
                state.load_failed.set(Some(id));
            }
            Err(err) => {
                state.restoring.set(None);
                state.load_notice.set(Some(Notice::Error(err.to_string())));
                state.load_failed.set(Some(id));
            }
        }
    });
}

/// The draft for `group` just read: the state being restored onto it when a Restore of this
/// group waits (and then the editor opens the review), else the group as it is; true when
/// restoring.
fn draft_after_load(state: AppState, group: Group) -> (GroupDraft, bool) {
    let waiting = state.restoring.get_untracked();
    state.restoring.set(None);
    match waiting {
        Some((id, before)) if id == group.id => {
            state.restore_review.set(true);
            (restore_draft(group, &before), true)
        }
        _ => (GroupDraft::from_group(group), false),
    }
}

/// "Load group" with `typed` in "Group ID": through the route (`#/groups/{id}`), so reloads
/// and bookmarks return to the group; for the group already open (or already asked for), a
/// fresh read (unsaved edits stay in the tab's storage and are offered back). False when the ID
/// itself is wrong (its field says why).
pub fn open_by_id(state: AppState, typed: &str) -> bool {
    let id = typed.trim().to_string();
    if has_errors(&group_id_issues(&id)) {
        return false;
    }
    if state.loading.get_untracked() {
        return true;
    }
    let route = Route::Group(id.clone());
    let open = state
        .draft
        .with_untracked(|d| d.as_ref().is_some_and(|d| d.id() == id));
    if state.route.get_untracked() != route {
        router::navigate(&route);
        if !open {
            // The route change loads it.
            return true;
        }
    }
    load_group(state, id);
    true
}

/// Progress of listing the directory: `(users so far, total if the server said)`; `None` when
/// no listing is under way.
pub type ListingState = Option<(usize, Option<u64>)>;

/// Users per directory page: Omni's default page size.
pub const DIRECTORY_PAGE: u64 = 100;

/// The directory for this connection, listing it (paged) on first use; the listing stops when
/// `reads`' screen goes. `progress` hears `(users so far, total if known)` after each page.
pub async fn directory(
    session: Session,
    refresh: bool,
    reads: ScreenReads,
    progress: impl Fn(usize, Option<u64>),
) -> Result<Arc<Directory>, String> {
    // One copy of the listing in the wasm, whatever closure each caller hands in.
    list_directory(session, refresh, reads, &progress).await
}

async fn list_directory(
    session: Session,
    refresh: bool,
    reads: ScreenReads,
    progress: &dyn Fn(usize, Option<u64>),
) -> Result<Arc<Directory>, String> {
    if !refresh {
        if let Some(dir) = session.directory.get_untracked() {
            return Ok(dir);
        }
    }
    let client = session
        .client()
        .map_err(|why| why.to_string())?
        .cancelled_with(reads);
    let mut users = Vec::new();
    let mut start = 1;
    loop {
        let page = client
            .users_page(start, DIRECTORY_PAGE, None)
            .await
            .map_err(|e| session.heard(e).to_string())?;
        let received = page.items.len();
        users.extend(page.items);
        progress(users.len(), page.total);
        // The whole directory: a server capping its pages below the count asked goes on.
        match next_start_index(start, received, page.total, None) {
            Some(next) => start = next,
            None => break,
        }
    }
    let dir = Arc::new(Directory::new(users));
    session.directory.set(Some(dir.clone()));
    Ok(dir)
}
