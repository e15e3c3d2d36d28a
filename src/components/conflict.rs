//! Shown when the group changed on the server since it was loaded: their change beside the
//! admin's, and the two ways on.

use super::diff_summary::DiffSummary;
use crate::state::editor::ConflictData;
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn Conflict(
    data: ConflictData,
    on_apply_mine: Callback<()>,
    on_reload: Callback<()>,
    /// Back to the editor, changes kept, nothing chosen yet (also Escape).
    on_close: Callback<()>,
) -> impl IntoView {
    let heading = NodeRef::<html::H3>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    view! {
        <section
            class="conflict"
            aria-labelledby="conflict-heading"
            data-escape="conflict-back"
        >
            <h3 id="conflict-heading" tabindex="-1" node_ref=heading>
                "The group changed on the server since you loaded it"
            </h3>
            <p role="alert">
                "Nothing was saved. Saving now would overwrite someone else's change. Compare, then choose."
            </p>
            <div class="columns">
                <div>
                    <h4>"Changed on the server"</h4>
                    <DiffSummary diff=data.theirs />
                </div>
                <div>
                    <h4>"Your changes"</h4>
                    <DiffSummary diff=data.mine />
                </div>
            </div>
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| on_apply_mine.run(())>
                    "Apply my changes on top"
                </button>
                // Destructive: it drops the admin's changes.
                <button type="button" class="danger" on:click=move |_| on_reload.run(())>
                    "Reload"
                </button>
                <button type="button" id="conflict-back" on:click=move |_| on_close.run(())>
                    "Back to editing"
                </button>
            </div>
            <p class="hint">
                "“Apply my changes on top” keeps their change and adds yours, then shows the review again. “Reload” drops your changes and shows the group as it is now. “Back to editing” (or Escape) keeps them, unsaved."
            </p>
        </section>
    }
}
