//! The offer to restore the unsaved changes this tab kept for the group.

use crate::browser::time;
use crate::core::stored_draft::describe_age;
use crate::state::editor::EditorState;
use leptos::prelude::*;

pub fn restore_banner(editor: EditorState) -> impl IntoView {
    move || {
        let stored = editor.app.restorable.get()?;
        let age = describe_age(stored.saved_at_ms, time::now_ms());
        Some(view! {
            <div class="banner" role="region" aria-label="Unsaved changes">
                <p>{format!("This tab kept unsaved changes to this group from {age}.")}</p>
                <div class="actions">
                    <button type="button" class="primary" on:click=move |_| editor.restore(stored.clone())>
                        "Restore changes"
                    </button>
                    <button type="button" class="danger" on:click=move |_| editor.discard_stored()>
                        "Discard changes"
                    </button>
                </div>
            </div>
        })
    }
}
