//! "Download snapshot" and "Restore from file": the group's name and members as a JSON file,
//! and such a file (or an "Export members" CSV) read back into the draft for review. A wrong
//! file is said at the control and changes nothing.

use super::bulk_add::event_target_input;
use crate::state::editor::EditorState;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

#[component]
pub fn Snapshot(editor: EditorState) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let read = move |ev: leptos::ev::Event| {
        let Some(input) = event_target_input(&ev) else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // The same file chosen again (after a fix elsewhere) is read again.
        input.set_value("");
        spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string());
            let result = match text {
                Some(text) => editor.restore_from_file(&text),
                None => Err(String::from(
                    "Could not read that file as text. Nothing was changed.",
                )),
            };
            let _ = error.try_set(result.err());
        });
    };
    view! {
        <div class="snapshot">
            <button type="button" id="download-snapshot" aria-describedby="snapshot-note" on:click=move |_| editor.download_snapshot()>
                "Download snapshot"
            </button>
            <p class="hint" id="snapshot-note">"The name and members as saved on the server, as JSON."</p>
            <div class="field">
                <label for="restore-file">"Restore from file"</label>
                <input
                    id="restore-file"
                    type="file"
                    accept=".json,.csv,application/json,text/csv"
                    aria-describedby="restore-file-hint restore-file-error"
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    on:change=read
                />
                <p class="hint" id="restore-file-hint">"A snapshot of this group, or a CSV from “Export members”: it becomes the draft, reviewed before anything is saved."</p>
                <p class="hint error" id="restore-file-error" role="alert">{move || error.get()}</p>
            </div>
        </div>
    }
}
