//! What the last save did, said at the top of the editor as a polite status: "Saved “Sales”:
//! 57 members. Added 0 · Removed 1. Last modified 5 Dec 2026, 09:14:03." with a link to the
//! Activity log. The region stays in the page (empty before a save) so the change is announced.

use crate::browser::time::local_date_time;
use crate::core::activity::{last_saved, saved_status};
use crate::state::editor::EditorState;
use leptos::prelude::*;

pub fn saved_summary(editor: EditorState) -> impl IntoView {
    let activity = editor.app.activity;
    let text = move || {
        editor.saved.with(|g| {
            g.as_ref().map(|g| {
                let (added, removed) = activity
                    .with(|a| last_saved(&a.entries, &g.id).map(|e| (e.added, e.removed)))
                    .unwrap_or_default();
                let when = g.meta.last_modified.as_deref().map(local_date_time);
                saved_status(
                    &g.display_name,
                    g.members.as_ref().map_or(0, Vec::len),
                    added,
                    removed,
                    when.as_deref(),
                )
            })
        })
    };
    view! {
        <div class="saved-status" class:shown=move || editor.saved.with(Option::is_some)>
            // Focused after a save when in view (never scrolled to): state/editor.rs.
            <p id="saved-status" class="notice success" role="status" tabindex="-1">
                {text}
            </p>
            {move || editor.saved.with(Option::is_some).then(|| view! {
                <a href="#/activity">"View in Activity"</a>
            })}
        </div>
    }
}
