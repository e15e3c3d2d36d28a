//! The group as the last save left it, under the editor.

use crate::core::model::Group;
use leptos::prelude::*;

pub fn saved_summary(saved: RwSignal<Option<Group>>) -> impl IntoView {
    move || {
        saved.get().map(|g| {
            view! {
                <dl class="saved">
                    <dt>"Name"</dt>
                    <dd>{g.display_name.clone()}</dd>
                    <dt>"ID"</dt>
                    <dd class="mono">{g.id.clone()}</dd>
                    <dt>"Members"</dt>
                    <dd>{g.members.as_ref().map_or(0, Vec::len)}</dd>
                    <dt>"Last modified"</dt>
                    <dd>{g.meta.last_modified.clone().unwrap_or_else(|| "not given".into())}</dd>
                </dl>
            }
        })
    }
}
