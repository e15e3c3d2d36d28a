//! The loaded group's editor: display name, members, add member, Save (PUT).

use super::field::TextField;
use super::members_table::MembersTable;
use super::notice::{Notice, NoticeArea};
use crate::app::Session;
use crate::core::draft::GroupDraft;
use crate::core::model::Group;
use crate::core::validation::{char_count, has_errors, Issue, DISPLAY_NAME_MAX_CHARS};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn GroupEditor(session: Session, draft: RwSignal<Option<GroupDraft>>) -> impl IntoView {
    let notice = RwSignal::new(None::<Notice>);
    let saving = RwSignal::new(false);
    let saved = RwSignal::new(None::<Group>);
    // Emptying a group takes a second press of Save.
    let empty_armed = RwSignal::new(false);
    let new_id = RwSignal::new(String::new());
    let new_display = RwSignal::new(String::new());
    let add_tried = RwSignal::new(false);

    let loaded = move || draft.with(Option::is_some);
    let name = Signal::derive(move || {
        draft.with(|d| {
            d.as_ref()
                .map(|d| d.display_name.clone())
                .unwrap_or_default()
        })
    });
    let name_issues = Signal::derive(move || {
        draft.with(|d| d.as_ref().map(GroupDraft::name_issues).unwrap_or_default())
    });
    let name_hint =
        Signal::derive(move || format!("{}/{DISPLAY_NAME_MAX_CHARS}", char_count(&name.get())));
    let new_id_issues = Signal::derive(move || {
        let id = new_id.get();
        if id.is_empty() && !add_tried.get() {
            return Vec::<Issue>::new();
        }
        draft.with(|d| {
            d.as_ref()
                .map(|d| d.new_member_issues(&id))
                .unwrap_or_default()
        })
    });
    // Why Save is disabled, said next to it: a disabled button alone explains nothing.
    let save_blocker = move || -> Option<&'static str> {
        if saving.get() {
            Some("Saving…")
        } else if session.connected.get().is_none() {
            Some("Connect to save.")
        } else if !draft.with(|d| d.as_ref().is_some_and(GroupDraft::can_save)) {
            Some("Fix the display name to save.")
        } else if !new_id.get().trim().is_empty() {
            // Saving now would leave out the user typed above, without a word.
            Some("Press “Add member” or clear the Member user ID field first.")
        } else {
            None
        }
    };
    let can_save = move || save_blocker().is_none();
    let dirty = move || draft.with(|d| d.as_ref().is_some_and(GroupDraft::is_dirty));

    Effect::new(move |_| {
        draft.track();
        empty_armed.set(false);
    });

    let on_removed = Callback::new(move |label: String| {
        notice.set(Some(Notice::Progress(format!(
            "Removed {label}. Not saved yet."
        ))));
    });

    let add_member = move || {
        add_tried.set(true);
        let id = new_id.get_untracked();
        let display = new_display.get_untracked();
        let mut outcome = Err(Vec::new());
        draft.update(|d| {
            if let Some(d) = d {
                outcome = d.add_member(&id, &display);
            }
        });
        match outcome {
            Ok(_) => {
                let shown = if display.trim().is_empty() {
                    id.trim().to_string()
                } else {
                    display.trim().to_string()
                };
                new_id.set(String::new());
                new_display.set(String::new());
                add_tried.set(false);
                notice.set(Some(Notice::Progress(format!(
                    "Added {shown}. Not saved yet."
                ))));
            }
            Err(issues) => {
                // The inline messages say why; what was typed stays in the fields.
                let first = issues
                    .first()
                    .map(|i| i.message.clone())
                    .unwrap_or_default();
                notice.set(Some(Notice::Error(format!("Member not added: {first}"))));
            }
        }
    };

    let save = move |_| {
        if saving.get_untracked() {
            return;
        }
        let Some(sent) = draft.get_untracked() else {
            notice.set(Some(Notice::Error("Load a group before saving.".into())));
            return;
        };
        if has_errors(&sent.name_issues()) {
            notice.set(Some(Notice::Error(
                "Not saved: fix the display name first.".into(),
            )));
            return;
        }
        if let Some(why) = untrack(save_blocker) {
            notice.set(Some(Notice::Error(format!("Not saved: {why}"))));
            return;
        }
        let had = sent.loaded.members.as_ref().map_or(0, Vec::len);
        if sent.members.is_empty() && had > 0 && !empty_armed.get_untracked() {
            empty_armed.set(true);
            notice.set(Some(Notice::Error(format!(
                "This save would remove all {had} members from “{}”. Press Save again to confirm, or add members back.",
                sent.loaded.display_name
            ))));
            return;
        }
        let client = match session.client() {
            Ok(c) => c,
            Err(why) => {
                notice.set(Some(Notice::Error(why.into())));
                return;
            }
        };
        saving.set(true);
        saved.set(None);
        notice.set(Some(Notice::Progress(format!(
            "Saving “{}”…",
            sent.display_name
        ))));
        spawn_local(async move {
            let result = client.replace_group(sent.id(), &sent.replace_body()).await;
            saving.set(false);
            match result {
                Ok(group) => {
                    notice.set(Some(Notice::Success(format!(
                        "Saved “{}”: {} members.",
                        group.display_name,
                        group.members.as_ref().map_or(0, Vec::len)
                    ))));
                    draft.update(|current| {
                        if let Some(current) = current {
                            if *current == sent {
                                *current = GroupDraft::from_group(group.clone());
                            } else {
                                // Edited while saving: keep those edits on top of the saved state.
                                current.loaded = group.clone();
                            }
                        }
                    });
                    saved.set(Some(group));
                }
                Err(err) => notice.set(Some(Notice::Error(err.to_string()))),
            }
        });
    };

    view! {
        <section class="card editor" aria-labelledby="editor-heading">
            <h2 id="editor-heading">"Edit group"</h2>
            <Show
                when=loaded
                fallback=|| view! { <p class="empty">"Load a group by its ID to edit its name and members."</p> }
            >
                <TextField
                    id="display-name"
                    label="Display name"
                    value=name
                    on_input=move |v: String| draft.update(|d| {
                        if let Some(d) = d {
                            d.display_name = v;
                        }
                    })
                    hint=name_hint
                    issues=name_issues
                />
                <MembersTable draft=draft on_removed=on_removed />
                <form
                    class="add-member"
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        add_member();
                    }
                >
                    <fieldset>
                        <legend>"Add a member"</legend>
                        <TextField
                            id="member-id"
                            label="Member user ID"
                            value=new_id
                            on_input=move |v| new_id.set(v)
                            placeholder="9e8719d9-276a-4964-9395-a493189a247c"
                            issues=new_id_issues
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
                // Sticky, so Save and its outcome stay in view beside a long member list.
                <div class="save-bar">
                    <div class="actions">
                        <button
                            type="button"
                            class="primary"
                            on:click=save
                            disabled=move || !can_save()
                            aria-describedby="save-why"
                        >
                            "Save"
                        </button>
                        <span class="dirty">{move || if dirty() { "Unsaved changes." } else { "" }}</span>
                        <span class="hint" id="save-why">{move || save_blocker().unwrap_or_default()}</span>
                    </div>
                    <NoticeArea notice=notice />
                </div>
            </Show>
            {move || {
                saved
                    .get()
                    .map(|g| {
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
            }}
        </section>
    }
}
