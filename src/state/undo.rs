//! Restore: an Activity entry's group as it was before, brought back as a draft on the group
//! as the server has it now, and reviewed like any other change (nothing is sent before
//! "Confirm save"). Rules (the bound, the draft, the labels, the files) are in `core::undo`.

use super::load::open_by_id;
use super::notice::Notice;
use super::AppState;
use crate::core::activity::GroupState;
use leptos::prelude::*;

/// An entry's "Restore": reads group `id` again, then sets the draft to `before` and opens the
/// review. Unsaved changes to that group are not replaced: the admin saves or discards them
/// first.
pub fn restore(state: AppState, id: String, before: GroupState, notice: RwSignal<Option<Notice>>) {
    let unsaved_here = state.dirty.get_untracked()
        && state
            .draft
            .with_untracked(|d| d.as_ref().is_some_and(|d| d.id() == id));
    if unsaved_here {
        notice.set(Some(Notice::Error(
            "This group has unsaved changes: save or discard them before restoring.".into(),
        )));
        return;
    }
    if state.session.client_or_notify(notice).is_none() {
        return;
    }
    state.restoring.set(Some((id.clone(), before)));
    state.restore_review.set(false);
    open_by_id(state, &id);
}
