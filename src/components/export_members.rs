//! "Export members": a CSV download of the group's members as saved on the server; the hint
//! under the button says which members the file holds.

use crate::browser::http::ScreenReads;
use crate::state::editor::EditorState;
use leptos::prelude::*;

#[component]
pub fn ExportMembers(editor: EditorState) -> impl IntoView {
    let reads = ScreenReads::new();
    let busy = RwSignal::new(false);
    view! {
        <div class="export-members">
            <button
                type="button"
                id="export-members"
                aria-describedby="export-note"
                // aria-disabled, not disabled: a disabled button drops the keyboard focus.
                aria-disabled=move || busy.get().to_string()
                on:click=move |_| editor.export_members(reads, busy)
            >
                "Export members"
            </button>
            <p class="hint" id="export-note">{move || editor.export_note()}</p>
        </div>
    }
}
