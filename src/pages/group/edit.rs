//! The group editor (`#/groups/{id}`): display name, members, find user, bulk add, add by ID,
//! then Save → review → confirm; a concurrent change on the server stops the save and shows
//! the conflict. What each control does is an [`EditorState`] method.

use super::add_by_id::add_by_id;
use super::grants::grants_view;
use super::loader::group_not_shown;
use super::restore_banner::restore_banner;
use super::save_bar::save_bar;
use super::saved_summary::saved_summary;
use crate::components::bulk_add::BulkAdd;
use crate::components::conflict::Conflict;
use crate::components::copy_members::CopyMembers;
use crate::components::export_members::ExportMembers;
use crate::components::field::TextField;
use crate::components::find_user::FindUser;
use crate::components::members_table::MembersTable;
use crate::components::notice::NoticeArea;
use crate::components::review::Review;
use crate::components::snapshot::Snapshot;
use crate::core::directory::DirectoryUser;
use crate::core::validation::{char_count, DISPLAY_NAME_MAX_CHARS};
use crate::state::editor::{ConflictData, EditorState, ReviewData};
use crate::state::use_app_state;
use leptos::prelude::*;

#[component]
pub fn GroupEditor(route_id: String) -> impl IntoView {
    let state = use_app_state();
    let editor = EditorState::new(state);
    let draft = state.draft;
    // Only the group the route names is shown, never a previous one while the next loads.
    // A memo: the editor is rebuilt only when this flips, not at every keystroke.
    let id = route_id.clone();
    let shown = Memo::new(move |_| draft.with(|d| d.as_ref().is_some_and(|d| d.id() == id)));

    view! {
        <section class="card editor" aria-labelledby="editor-heading">
            // Focused when a group opens (state/load.rs), so the keyboard starts here.
            <h2 id="editor-heading" tabindex="-1">"Edit group"</h2>
            {saved_summary(editor)}
            {move || {
                // The page title (app.rs) names the step shown here.
                state.editor_step.set(editor.step());
                // A Restore from Activity: once its draft is here, the review opens (here, not
                // in an effect of its own: each effect costs the bundle its own copy).
                if shown.get() && state.restore_review.get() {
                    state.restore_review.set(false);
                    editor.open_review();
                }
                if !shown.get() {
                    group_not_shown(state, route_id.clone()).into_any()
                } else if let Some(c) = editor.conflict.get() {
                    conflict_view(editor, c).into_any()
                } else if let Some(r) = editor.review.get() {
                    review_view(editor, r).into_any()
                } else {
                    editing_view(editor).into_any()
                }
            }}
        </section>
    }
}

fn conflict_view(editor: EditorState, data: ConflictData) -> impl IntoView {
    view! {
        <Conflict
            data=data
            on_apply_mine=Callback::new(move |()| editor.apply_mine())
            on_reload=Callback::new(move |()| editor.reload())
            on_close=Callback::new(move |()| editor.close_conflict())
        />
    }
}

fn review_view(editor: EditorState, data: ReviewData) -> impl IntoView {
    view! {
        <Review
            data=data
            saving=editor.saving
            failed=editor.failed
            retry_in=editor.retry_in
            on_confirm=Callback::new(move |()| editor.confirm())
            on_back=Callback::new(move |()| editor.back())
            on_patch=Callback::new(move |on| editor.replan_with_patch(on))
        />
        <NoticeArea notice=editor.notice />
    }
}

/// The group being edited: its name, its members, the ways to add some, and Save.
fn editing_view(editor: EditorState) -> impl IntoView {
    view! {
        {restore_banner(editor)}
        {display_name(editor)}
        <div class="member-tools">
            <FindUser on_add=Callback::new(move |user: DirectoryUser| editor.add_found(&user)) />
            <BulkAdd
                on_apply=Callback::new(move |users: Vec<DirectoryUser>| editor.add_bulk(&users))
                text=editor.bulk_text
                open=editor.bulk_open
            />
            <CopyMembers editor=editor />
            <ExportMembers editor=editor />
            <Snapshot editor=editor />
        </div>
        <MembersTable editor=editor />
        {grants_view(editor.app)}
        {add_by_id(editor)}
        {save_bar(editor)}
    }
}

fn display_name(editor: EditorState) -> impl IntoView {
    let draft = editor.app.draft;
    let name = Signal::derive(move || {
        draft.with(|d| {
            d.as_ref()
                .map(|d| d.display_name.clone())
                .unwrap_or_default()
        })
    });
    let issues = Signal::derive(move || editor.name_issues());
    let hint =
        Signal::derive(move || format!("{}/{DISPLAY_NAME_MAX_CHARS}", char_count(&name.get())));
    let over = Signal::derive(move || editor.name_too_long());
    view! {
        <TextField
            id="display-name"
            label="Display name"
            value=name
            on_input=move |v: String| editor.set_name(v)
            hint=hint
            hint_error=over
            issues=issues
        />
    }
}
