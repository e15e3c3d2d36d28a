//! Save, Discard (undoable) and why Save is disabled, with a way to the Bulk add text that
//! holds it. Sticky, so Save and its outcome stay in view beside a long member list.

use crate::components::notice::NoticeArea;
use crate::state::editor::EditorState;
use leptos::prelude::*;

pub fn save_bar(editor: EditorState) -> impl IntoView {
    let state = editor.app;
    view! {
        <div class="save-bar">
            <div class="actions">
                <button
                    type="button"
                    id="save"
                    class="primary"
                    on:click=move |_| editor.open_review()
                    // aria-disabled, not disabled: Save gets the focus back after a save, a
                    // discard or a reload, which leave nothing to save. The reason is beside it.
                    aria-disabled=move || if editor.save_blocker().is_some() { "true" } else { "false" }
                    aria-describedby="save-why"
                >
                    "Save"
                </button>
                {move || state.dirty.get().then(|| view! {
                    <button type="button" class="danger" on:click=move |_| editor.discard()>"Discard changes"</button>
                    <span class="dirty">
                        {move || if state.draft_kept.get() {
                            "Unsaved changes."
                        } else {
                            "Unsaved changes, too large to keep in this tab: save before reloading."
                        }}
                    </span>
                })}
                {move || editor.can_undo_discard().then(|| view! {
                    <button type="button" id="undo-discard" on:click=move |_| editor.undo_discard()>"Undo discard"</button>
                })}
                <span class="hint" id="save-why">{move || editor.save_blocker().unwrap_or_default()}</span>
                {move || (editor.bulk_pending() > 0).then(|| view! {
                    <button type="button" class="small" on:click=move |_| editor.go_to_bulk()>"Go to Bulk add"</button>
                })}
            </div>
            <NoticeArea notice=editor.notice />
        </div>
    }
}
