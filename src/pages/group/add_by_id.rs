//! "Add a member by user ID": a user ID and an optional display name.

use crate::components::field::TextField;
use crate::state::editor::EditorState;
use leptos::prelude::*;

pub fn add_by_id(editor: EditorState) -> impl IntoView {
    let (new_id, new_display) = (editor.new_id, editor.new_display);
    view! {
        <form
            class="add-member"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                editor.add_member();
            }
        >
            <fieldset>
                <legend>"Add a member by user ID"</legend>
                <TextField
                    id="member-id"
                    label="Member user ID"
                    value=new_id
                    on_input=move |v| new_id.set(v)
                    placeholder="9e8719d9-276a-4964-9395-a493189a247c"
                    issues=Signal::derive(move || editor.new_id_issues())
                />
                <TextField
                    id="member-display"
                    label="Member display name"
                    value=new_display
                    on_input=move |v| new_display.set(v)
                    placeholder="Optional, e.g. blob.ross@blobsrus.co"
                />
                <div class="actions">
                    <button type="submit">"Add member"</button>
                </div>
            </fieldset>
        </form>
    }
}
