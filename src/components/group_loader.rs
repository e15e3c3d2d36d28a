//! "Group": the Group ID field and Load group. What is loaded is what is edited.

use super::field::TextField;
use super::notice::{Notice, NoticeArea};
use crate::app::Session;
use crate::core::draft::GroupDraft;
use crate::core::validation::{group_id_issues, has_errors, Issue};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn GroupLoader(session: Session, draft: RwSignal<Option<GroupDraft>>) -> impl IntoView {
    let id_input = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<Notice>);
    let busy = RwSignal::new(false);
    let tried = RwSignal::new(false);
    // Loading over unsaved changes needs a second press, so edits are never dropped silently.
    let discard_armed = RwSignal::new(false);

    let id_issues = Signal::derive(move || {
        let id = id_input.get();
        if id.is_empty() && !tried.get() {
            Vec::<Issue>::new()
        } else {
            group_id_issues(id.trim())
        }
    });
    Effect::new(move |_| {
        id_input.track();
        discard_armed.set(false);
    });

    let load = move || {
        if busy.get_untracked() {
            return;
        }
        tried.set(true);
        let id = id_input.get_untracked().trim().to_string();
        if has_errors(&group_id_issues(&id)) {
            notice.set(Some(Notice::Error(
                "Could not load the group: fix the group ID first.".into(),
            )));
            return;
        }
        let client = match session.client() {
            Ok(c) => c,
            Err(why) => {
                notice.set(Some(Notice::Error(why.into())));
                return;
            }
        };
        let dirty = draft.with_untracked(|d| {
            d.as_ref()
                .filter(|d| d.is_dirty())
                .map(|d| d.loaded.display_name.clone())
        });
        if let Some(name) = dirty {
            if !discard_armed.get_untracked() {
                discard_armed.set(true);
                notice.set(Some(Notice::Error(format!(
                    "“{name}” has unsaved changes. Press Load group again to discard them and load {id}."
                ))));
                return;
            }
        }
        discard_armed.set(false);
        busy.set(true);
        notice.set(Some(Notice::Progress(format!("Loading group {id}…"))));
        spawn_local(async move {
            let result = client.get_group(&id).await;
            busy.set(false);
            match result {
                Ok(group) => {
                    let loaded = GroupDraft::from_group(group);
                    notice.set(Some(Notice::Success(format!(
                        "Loaded “{}” with {} members.",
                        loaded.display_name,
                        loaded.members.len()
                    ))));
                    draft.set(Some(loaded));
                }
                Err(err) => notice.set(Some(Notice::Error(err.to_string()))),
            }
        });
    };

    view! {
        <section class="card" aria-labelledby="load-heading">
            <h2 id="load-heading">"Group"</h2>
            <form
                class="load"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    load();
                }
            >
                <TextField
                    id="group-id"
                    label="Group ID"
                    value=id_input
                    on_input=move |v| id_input.set(v)
                    placeholder="mEhXj6ZI"
                    issues=id_issues
                />
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || busy.get()>
                        "Load group"
                    </button>
                </div>
            </form>
            <NoticeArea notice=notice />
        </section>
    }
}
