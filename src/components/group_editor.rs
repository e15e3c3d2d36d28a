//! The group editor (`#/groups/{id}`): display name, members, find user, bulk add, add by ID,
//! then Save → review → confirm; a concurrent change on the server stops the save and shows
//! the conflict.

use super::bulk_add::BulkAdd;
use super::conflict::{Conflict, ConflictData};
use super::field::TextField;
use super::find_user::FindUser;
use super::focus::focus_soon;
use super::members_table::MembersTable;
use super::notice::{Notice, NoticeArea};
use super::review::{Review, ReviewData};
use crate::actions::{self, SaveOutcome};
use crate::app::AppState;
use crate::browser::{http, storage};
use crate::core::activity::{ActivityEntry, Outcome};
use crate::core::diff::MembershipDiff;
use crate::core::directory::DirectoryUser;
use crate::core::draft::GroupDraft;
use crate::core::error::ErrorKind;
use crate::core::model::{Group, Member};
use crate::core::retry::{self, ceil_seconds};
use crate::core::save_request::{needs_typed_name, SaveMethod, SaveRequest};
use crate::core::stored_draft::describe_age;
use crate::core::validation::{char_count, isolate, Issue, DISPLAY_NAME_MAX_CHARS};
use leptos::prelude::*;
use leptos::task::spawn_local;

fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

#[component]
pub fn GroupEditor(state: AppState, route_id: String) -> impl IntoView {
    let session = state.session;
    let draft = state.draft;
    let notice = RwSignal::new(None::<Notice>);
    let saving = RwSignal::new(false);
    let saved = RwSignal::new(None::<Group>);
    let review = RwSignal::new(None::<ReviewData>);
    let conflict = RwSignal::new(None::<ConflictData>);
    let new_id = RwSignal::new(String::new());
    let new_display = RwSignal::new(String::new());
    let add_tried = RwSignal::new(false);
    // After a failed save: the button reads "Retry save"; after a 429 it waits `retry_in`
    // seconds (counted down), never sending again by itself.
    let failed = RwSignal::new(false);
    let retry_in = RwSignal::new(0u64);
    let countdown = StoredValue::new(0u64);
    let rate_limited_saves = StoredValue::new(0u64);

    // Only the group the route names is shown, never a previous one while the next loads.
    let route_for_shown = route_id.clone();
    // A memo: the editor is rebuilt only when this flips, not at every keystroke.
    let shown =
        Memo::new(move |_| draft.with(|d| d.as_ref().is_some_and(|d| d.id() == route_for_shown)));
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
    let dirty = move || state.dirty.get();

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

    let add_to_draft = move |member: Member| -> Result<Vec<Issue>, Vec<Issue>> {
        let mut outcome = Err(Vec::new());
        draft.update(|d| {
            if let Some(d) = d {
                outcome = d.add_member(&member.value, member.display.as_deref().unwrap_or(""));
            }
        });
        outcome
    };

    let on_removed = Callback::new(move |label: String| {
        notice.set(Some(Notice::Progress(format!(
            "Removed {}. Not saved yet.",
            isolate(&label)
        ))));
    });
    // Members found by search or bulk add carry the user's email as `display`.
    let member_of = |u: &DirectoryUser| Member {
        value: u.id.clone(),
        display: Some(if u.email.is_empty() {
            u.display_name.clone()
        } else {
            u.email.clone()
        }),
    };
    let on_found = Callback::new(move |user: DirectoryUser| {
        let _ = add_to_draft(member_of(&user));
    });
    // One update for the whole list: each update re-checks the draft (unsaved? kept?).
    let on_bulk = Callback::new(move |users: Vec<DirectoryUser>| {
        draft.update(|d| {
            if let Some(d) = d {
                d.add_members(users.iter().map(member_of).collect());
            }
        });
    });

    let add_member = move || {
        add_tried.set(true);
        let id = new_id.get_untracked();
        let display = new_display.get_untracked();
        match add_to_draft(Member {
            value: id.clone(),
            display: Some(display.clone()),
        }) {
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
                    "Added {}. Not saved yet.",
                    isolate(&shown)
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

    // Save opens the review; nothing is sent until "Confirm save".
    let open_review = move || {
        if let Some(why) = untrack(save_blocker) {
            notice.set(Some(Notice::Error(format!("Not saved: {why}"))));
            return;
        }
        let (Some(d), Some(base)) = (draft.get_untracked(), session.connected.get_untracked())
        else {
            notice.set(Some(Notice::Error("Load a group before saving.".into())));
            return;
        };
        let diff =
            crate::browser::perf::between("review-diff-start", "review-diff-end", || d.diff());
        let method =
            if state.use_patch.get_untracked() && !session.features.get_untracked().no_patch {
                SaveMethod::Patch
            } else {
                SaveMethod::Put
            };
        let if_match = session
            .features
            .get_untracked()
            .etag
            .then(|| d.loaded.meta.version.clone())
            .flatten();
        let request = SaveRequest::new(&base, &d, &diff, method, if_match);
        let loaded_count = d.loaded.members.as_ref().map_or(0, Vec::len);
        let typed_name = needs_typed_name(&diff, loaded_count, d.members.len())
            .then(|| d.loaded.display_name.clone());
        notice.set(None);
        failed.set(false);
        review.set(Some(ReviewData {
            diff,
            request,
            typed_name,
            origin: page_origin(),
        }));
    };

    let record =
        move |d: &GroupDraft, method: SaveMethod, outcome: Outcome, detail: Option<String>| {
            let diff = d.diff();
            state.activity.update(|a| {
                a.push(ActivityEntry {
                    at: storage::now_iso(),
                    group_id: d.id().to_string(),
                    group_name: d.display_name.clone(),
                    renamed: diff.renamed.clone(),
                    added: diff.added.len(),
                    removed: diff.removed.len(),
                    method: method.as_str(),
                    outcome,
                    detail,
                })
            });
        };

    // Counts `seconds` down in `retry_in`; a newer countdown or the editor going ends it.
    let count_down = move |seconds: u64| {
        countdown.update_value(|n| *n += 1);
        let mine = countdown.get_value();
        spawn_local(async move {
            for left in (1..=seconds).rev() {
                if countdown.try_get_value() != Some(mine) || retry_in.try_set(left).is_some() {
                    return;
                }
                http::sleep_ms(1000).await;
            }
            if countdown.try_get_value() == Some(mine) {
                retry_in.try_set(0);
            }
        });
    };

    // One save at a time: `saving` is set before anything is sent, so a double click (or a
    // click during a wait) sends nothing more.
    let confirm = Callback::new(move |()| {
        if saving.get_untracked() || retry_in.get_untracked() > 0 {
            return;
        }
        let (Some(data), Some(sent)) = (review.get_untracked(), draft.get_untracked()) else {
            return;
        };
        let Some(client) = session.client_or_notify(notice) else {
            return;
        };
        saving.set(true);
        saved.set(None);
        notice.set(Some(Notice::Progress(format!(
            "Saving “{}”…",
            isolate(&sent.display_name)
        ))));
        spawn_local(async move {
            let outcome = actions::save(&client, &sent, &data.request).await;
            saving.set(false);
            if !matches!(&outcome, SaveOutcome::Failed(_)) {
                rate_limited_saves.set_value(0);
            }
            let method = data.request.method;
            match outcome {
                SaveOutcome::Saved(group) => {
                    record(&sent, method, Outcome::Saved, None);
                    review.set(None);
                    notice.set(Some(Notice::Success(format!(
                        "Saved “{}”: {} members.",
                        isolate(&group.display_name),
                        group.members.as_ref().map_or(0, Vec::len)
                    ))));
                    storage::forget_draft(sent.id());
                    state.restorable.set(None);
                    draft.update(|current| {
                        if let Some(current) = current {
                            if *current == sent {
                                *current = GroupDraft::from_group(group.clone());
                            } else {
                                current.loaded = group.clone();
                            }
                        }
                    });
                    saved.set(Some(group));
                    focus_soon("save");
                    crate::browser::perf::mark_after_paint("save-shown");
                }
                SaveOutcome::Conflict { current } => {
                    record(&sent, method, Outcome::Conflict, None);
                    review.set(None);
                    let theirs = MembershipDiff::from_group(
                        &sent.loaded,
                        &current.display_name,
                        current.members.as_deref().unwrap_or_default(),
                    );
                    notice.set(None);
                    conflict.set(Some(ConflictData {
                        current,
                        theirs,
                        mine: sent.diff(),
                    }));
                }
                SaveOutcome::Failed(err) => {
                    // The review stays open: the admin can retry or go back; nothing is lost.
                    record(&sent, method, Outcome::Failed, Some(err.to_string()));
                    notice.set(Some(Notice::Error(err.to_string())));
                    failed.set(true);
                    // Confirm save was disabled while saving, which took the focus from it.
                    focus_soon("review-heading");
                    if let ErrorKind::RateLimited { wait_seconds } = err.kind {
                        // The server's wait, else a backoff growing with each refused save.
                        rate_limited_saves.update_value(|n| *n += 1);
                        let backoff = || {
                            // From the second step (2–4 s): a save costs two requests.
                            let n = rate_limited_saves.get_value() as u32 + 1;
                            ceil_seconds(retry::READS.backoff_ms(n, js_sys::Math::random()))
                        };
                        count_down(wait_seconds.unwrap_or_else(backoff).max(1));
                    }
                }
            }
        });
    });
    // Closing the review or the conflict hands the focus back to Save, which opened it.
    let back = Callback::new(move |()| {
        review.set(None);
        notice.set(None);
        focus_soon("save");
    });
    let close_conflict = Callback::new(move |()| {
        conflict.set(None);
        notice.set(Some(Notice::Progress(
            "Nothing was saved; your changes are kept. Saving again stops at the same conflict."
                .into(),
        )));
        focus_soon("save");
    });
    let apply_mine = Callback::new(move |()| {
        let Some(c) = conflict.get_untracked() else {
            return;
        };
        let (display_name, members) = c.mine.apply_to(&c.current);
        draft.set(Some(GroupDraft {
            loaded: c.current,
            display_name,
            members,
        }));
        conflict.set(None);
        open_review();
    });
    let reload = Callback::new(move |()| {
        let Some(c) = conflict.get_untracked() else {
            return;
        };
        draft.set(Some(GroupDraft::from_group(c.current)));
        conflict.set(None);
        notice.set(Some(Notice::Progress(
            "Reloaded the group as it is now; your changes were dropped.".into(),
        )));
        focus_soon("save");
    });
    let discard = move |_| {
        draft.update(|d| {
            if let Some(d) = d {
                *d = GroupDraft::from_group(d.loaded.clone());
            }
        });
        notice.set(Some(Notice::Progress("Changes discarded.".into())));
        // Discard goes with the changes: the focus goes back to Save.
        focus_soon("save");
    };

    let restore_banner = move || {
        let stored = state.restorable.get()?;
        let age = describe_age(stored.saved_at_ms, storage::now_ms());
        let for_restore = stored.clone();
        Some(view! {
            <div class="banner" role="region" aria-label="Unsaved changes">
                <p>{format!("This tab kept unsaved changes to this group from {age}.")}</p>
                <div class="actions">
                    <button type="button" class="primary" on:click=move |_| {
                        let mut said = "Unsaved changes restored.";
                        draft.update(|d| {
                            if let Some(d) = d {
                                let restored = for_restore.clone().restore_onto(&d.loaded);
                                if !restored.same_base {
                                    said = "Unsaved changes restored onto the group as it is now (it changed on the server since). Check the review before saving.";
                                }
                                *d = restored.draft;
                            }
                        });
                        state.restorable.set(None);
                        notice.set(Some(Notice::Progress(said.into())));
                        // The banner goes: the focus goes to the top of the editor.
                        focus_soon("display-name");
                    }>"Restore changes"</button>
                    <button type="button" class="danger" on:click=move |_| {
                        if let Some(d) = draft.get_untracked() {
                            storage::forget_draft(d.id());
                        }
                        state.restorable.set(None);
                        focus_soon("display-name");
                    }>"Discard changes"</button>
                </div>
            </div>
        })
    };

    let editor = move || {
        view! {
            {restore_banner}
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
            <div class="member-tools">
                <FindUser state=state on_add=on_found />
                <BulkAdd state=state on_apply=on_bulk />
            </div>
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
                    <legend>"Add a member by user ID"</legend>
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
                        id="save"
                        class="primary"
                        on:click=move |_| open_review()
                        disabled=move || !can_save()
                        aria-describedby="save-why"
                    >
                        "Save"
                    </button>
                    {move || dirty().then(|| view! {
                        <button type="button" class="danger" on:click=discard>"Discard changes"</button>
                        <span class="dirty">
                            {move || if state.draft_kept.get() {
                                "Unsaved changes."
                            } else {
                                "Unsaved changes, too large to keep in this tab: save before reloading."
                            }}
                        </span>
                    })}
                    <span class="hint" id="save-why">{move || save_blocker().unwrap_or_default()}</span>
                </div>
                <NoticeArea notice=notice />
            </div>
        }
    };

    view! {
        <section class="card editor" aria-labelledby="editor-heading">
            <h2 id="editor-heading">"Edit group"</h2>
            {move || {
                // The page title (app.rs) names the step shown here.
                state.editor_step.set(if conflict.with(Option::is_some) {
                    "Group changed on the server"
                } else if review.with(Option::is_some) {
                    "Review changes"
                } else {
                    ""
                });
                if !shown.get() {
                    view! { <p class="empty">"Load a group by its ID, or pick one from the Groups list."</p> }.into_any()
                } else if let Some(c) = conflict.get() {
                    view! { <Conflict data=c on_apply_mine=apply_mine on_reload=reload on_close=close_conflict /> }.into_any()
                } else if let Some(r) = review.get() {
                    view! {
                        <Review
                            data=r
                            saving=saving
                            failed=failed
                            retry_in=retry_in
                            on_confirm=confirm
                            on_back=back
                        />
                        <NoticeArea notice=notice />
                    }
                        .into_any()
                } else {
                    editor().into_any()
                }
            }}
            {move || saved.get().map(|g| view! {
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
            })}
        </section>
    }
}
