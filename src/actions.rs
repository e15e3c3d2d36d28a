//! Multi-step actions that several screens start: loading a group, listing the directory.
//! They orchestrate the HTTP client and the core; rules live in the core.

use crate::app::AppState;
use crate::browser::http::{SaveAnswer, ScimClient, ScreenReads};
use crate::browser::perf;
use crate::browser::storage;
use crate::components::notice::Notice;
use crate::core::diff::unchanged_since_load;
use crate::core::directory::Directory;
use crate::core::draft::GroupDraft;
use crate::core::error::{ApiError, ErrorKind};
use crate::core::model::{Group, Meta};
use crate::core::save_request::SaveRequest;
use crate::core::server_features::next_start_index;
use crate::core::stored_draft::StoredDraft;
use crate::core::validation::isolate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// Loads group `id` into the editor, offering back any unsaved draft this tab kept for it.
pub fn load_group(state: AppState, id: String) {
    let Some(client) = state.session.client_or_notify(state.load_notice) else {
        return;
    };
    state.load_seq.update(|n| *n += 1);
    let seq = state.load_seq.get_untracked();
    state.loading.set(true);
    state
        .load_notice
        .set(Some(Notice::Progress(format!("Loading group {id}…"))));
    spawn_local(async move {
        perf::mark("group-load-sent");
        let result = client.get_group(&id).await;
        if state.load_seq.get_untracked() != seq {
            return;
        }
        state.loading.set(false);
        match result {
            Ok(group) => {
                // An edit still waiting to be written belongs to the draft about to be replaced.
                state.keep_draft_now();
                let loaded = GroupDraft::from_group(group);
                let stored = storage::load_draft(&id)
                    .and_then(|json| StoredDraft::parse(&json))
                    .filter(StoredDraft::has_changes);
                state.load_notice.set(Some(Notice::Success(format!(
                    "Loaded “{}” with {} members.",
                    isolate(&loaded.display_name),
                    loaded.members.len()
                ))));
                state.restorable.set(stored);
                state.draft.set(Some(loaded));
                perf::mark_after_paint("group-load-shown");
            }
            Err(err) => state.load_notice.set(Some(Notice::Error(err.to_string()))),
        }
    });
}

/// Users per directory page: Omni's default page size.
pub const DIRECTORY_PAGE: u64 = 100;

/// The directory for this connection, listing it (paged) on first use; the listing stops when
/// `reads`' screen goes. `progress` hears `(users so far, total if known)` after each page.
pub async fn directory(
    state: AppState,
    refresh: bool,
    reads: ScreenReads,
    progress: impl Fn(usize, Option<u64>),
) -> Result<Arc<Directory>, String> {
    if !refresh {
        if let Some(dir) = state.session.directory.get_untracked() {
            return Ok(dir);
        }
    }
    let client = state
        .session
        .client()
        .map_err(|why| why.to_string())?
        .cancelled_with(reads);
    let mut users = Vec::new();
    let mut start = 1;
    loop {
        let page = client
            .users_page(start, DIRECTORY_PAGE, None)
            .await
            .map_err(|e| e.to_string())?;
        let received = page.items.len();
        users.extend(page.items);
        progress(users.len(), page.total);
        match next_start_index(start, received, page.total) {
            Some(next) => start = next,
            None => break,
        }
    }
    let dir = Arc::new(Directory::new(users));
    state.session.directory.set(Some(dir.clone()));
    Ok(dir)
}

/// How a confirmed save ended.
pub enum SaveOutcome {
    /// The group as the server now has it.
    Saved(Group),
    /// Someone changed the group since it was loaded; nothing was written.
    Conflict {
        current: Group,
    },
    Failed(ApiError),
}

/// Sends a reviewed save. Without ETags (Omni), first reads the group and stops if it changed
/// since it was loaded: 2 requests. With ETags, one request carrying If-Match; a 412 is then a
/// conflict, and the group is read once to show what changed.
pub async fn save(client: &ScimClient, draft: &GroupDraft, request: &SaveRequest) -> SaveOutcome {
    let id = draft.id();
    let mut checked = None;
    // The server may already hold this change: an earlier attempt whose answer was lost or
    // unreadable. That is a success, not someone else's conflicting change.
    let outcome_for = |current: Group| {
        if current.holds(&draft.display_name, &draft.members) {
            SaveOutcome::Saved(current)
        } else {
            SaveOutcome::Conflict { current }
        }
    };
    if request.if_match.is_none() {
        match client.check_group(id).await {
            Ok(current) if !unchanged_since_load(&draft.loaded, &current) => {
                return outcome_for(current)
            }
            Ok(current) => checked = Some(current),
            Err(err) => return SaveOutcome::Failed(err),
        }
    }
    match client.save(request, id).await {
        Ok(SaveAnswer::Group(group)) => SaveOutcome::Saved(group),
        Ok(SaveAnswer::NoContent { etag }) => {
            // 204 without a body: the result is the change applied to the state it was based on;
            // its new version is the ETag, so the next save can still use If-Match.
            let base = checked.unwrap_or_else(|| draft.loaded.clone());
            let (display_name, members) = draft.diff().apply_to(&base);
            SaveOutcome::Saved(Group {
                id: base.id,
                display_name,
                members: Some(members),
                meta: Meta {
                    last_modified: None,
                    version: etag,
                },
            })
        }
        Err(err) if err.kind == ErrorKind::Changed => match client.check_group(id).await {
            Ok(current) => outcome_for(current),
            Err(_) => SaveOutcome::Failed(err),
        },
        Err(err) => SaveOutcome::Failed(err),
    }
}
