//! The group editor's own state (the review, a conflict, a save under way or failed, the wait
//! after a 429, the add-by-ID fields) and everything the editor's views do to it: the views
//! only read these signals and call these methods.

use super::load;
use super::notice::Notice;
use super::save;
use super::AppState;
use crate::browser::focus::{focus_in_place, focus_soon};
use crate::browser::http::ScreenReads;
use crate::browser::{page, perf, time};
use crate::core::bulk::entries;
use crate::core::csv_export::{file_name, file_name_ending, members_csv};
use crate::core::diff::MembershipDiff;
use crate::core::directory::DirectoryUser;
use crate::core::draft::GroupDraft;
use crate::core::model::{Group, Member};
use crate::core::pending::discarded_text;
use crate::core::save::{
    activity_entry, apply_mine_on_top, plan, rebase, rename, RefusedSaves, SaveOutcome, SavePlan,
    SaveSettings,
};
use crate::core::stored_draft::StoredDraft;
use crate::core::undo::{read_file, Snapshot};
use crate::core::validation::{isolate, Issue, Severity};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashSet;

/// What "Review changes" shows, and what "Confirm save" sends: the plan, decided once.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewData {
    pub plan: SavePlan,
    /// The page's origin, to make the curl command absolute for same-origin bases.
    pub origin: String,
}

/// A save stopped because the group changed on the server since it was loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictData {
    /// The group as the server has it now.
    pub current: Group,
    /// What someone else changed, from the loaded state to the server's state now.
    pub theirs: MembershipDiff,
    /// What the admin changed, from the loaded state.
    pub mine: MembershipDiff,
}

/// The editor's state: signals only, so it is `Copy` and handed to each sub-view.
#[derive(Clone, Copy)]
pub struct EditorState {
    pub app: AppState,
    pub notice: RwSignal<Option<Notice>>,
    pub saving: RwSignal<bool>,
    /// The group as the last save left it, summed up under the editor.
    pub saved: RwSignal<Option<Group>>,
    pub review: RwSignal<Option<ReviewData>>,
    pub conflict: RwSignal<Option<ConflictData>>,
    /// "Add a member by user ID": the two fields, and whether Add was pressed since they were
    /// last cleared (problems with an empty ID show only then).
    pub new_id: RwSignal<String>,
    pub new_display: RwSignal<String>,
    add_tried: RwSignal<bool>,
    /// After a failed save: the button reads "Retry save"; after a 429 it waits `retry_in`
    /// seconds (counted down), never sending again by itself.
    pub failed: RwSignal<bool>,
    pub retry_in: RwSignal<u64>,
    countdown: StoredValue<u64>,
    /// Saves refused with 429 in a row, which sets the wait before Retry.
    refused: StoredValue<RefusedSaves>,
    /// The member list's ticked rows (user IDs), for "Remove selected".
    pub selected: RwSignal<HashSet<String>>,
    /// The draft as it was before "Discard changes", for "Undo discard".
    discarded: RwSignal<Option<GroupDraft>>,
    /// Bulk add's text and whether its panel is open: text never applied holds Save.
    pub bulk_text: RwSignal<String>,
    pub bulk_open: RwSignal<bool>,
    /// A new name another group has (found before the rename, or a 409) and what was said
    /// about it (`taken_said`): shown at the name field while the draft still has that name.
    /// Two signals of a type the app already has: a new signal type costs bundle bytes.
    taken: RwSignal<Option<String>>,
    taken_said: RwSignal<Option<String>>,
}

impl EditorState {
    pub fn new(app: AppState) -> Self {
        Self {
            app,
            notice: RwSignal::new(None),
            saving: RwSignal::new(false),
            saved: RwSignal::new(None),
            review: RwSignal::new(None),
            conflict: RwSignal::new(None),
            new_id: RwSignal::new(String::new()),
            new_display: RwSignal::new(String::new()),
            add_tried: RwSignal::new(false),
            failed: RwSignal::new(false),
            retry_in: RwSignal::new(0),
            countdown: StoredValue::new(0),
            refused: StoredValue::new(RefusedSaves::default()),
            selected: RwSignal::new(HashSet::new()),
            discarded: RwSignal::new(None),
            bulk_text: RwSignal::new(String::new()),
            bulk_open: RwSignal::new(false),
            taken: RwSignal::new(None),
            taken_said: RwSignal::new(None),
        }
    }

    fn say(&self, notice: Notice) {
        self.notice.set(Some(notice));
    }

    /// The step beyond editing, for the page title ("" while editing).
    pub fn step(&self) -> &'static str {
        if self.conflict.with(Option::is_some) {
            "Group changed on the server"
        } else if self.review.with(Option::is_some) {
            "Review changes"
        } else {
            ""
        }
    }

    /// Why Save is disabled, said next to it: a disabled button alone explains nothing. What
    /// the admin can act on comes before "No changes." (a typed member ID is a change to be).
    pub fn save_blocker(&self) -> Option<String> {
        self.edit_blocker()
            .or_else(|| (!self.app.dirty.get()).then(|| "No changes.".into()))
    }

    /// What stops a save other than there being nothing to save.
    fn edit_blocker(&self) -> Option<String> {
        let why = if self.saving.get() {
            "Saving…"
        } else if self.app.session.connected.get().is_none() {
            "Connect to save."
        } else if !self
            .app
            .draft
            .with(|d| d.as_ref().is_some_and(GroupDraft::can_save))
        {
            "Fix the display name to save."
        } else if self.name_is_taken() {
            "Another group has this display name: choose a different one."
        } else if !self.new_id.get().trim().is_empty() {
            // Saving now would leave out the user typed above, without a word.
            "Press “Add member” or clear the Member user ID field first."
        } else {
            // So would pasted emails never applied.
            return match self.bulk_pending() {
                0 => None,
                n => Some(format!(
                    "{n} email{} in Bulk add {} not applied yet: apply or clear them first.",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "is" } else { "are" }
                )),
            };
        };
        Some(why.into())
    }

    /// Entries in Bulk add's text that were never applied.
    pub fn bulk_pending(&self) -> usize {
        self.bulk_text.with(|t| entries(t).len())
    }

    /// "Go to Bulk add": opens its panel, with the focus in its text.
    pub fn go_to_bulk(&self) {
        self.bulk_open.set(true);
        focus_soon("bulk-text");
    }

    /// The display name's issues: the draft's own, and that another group has it, when a save
    /// found so and the name was not changed since.
    pub fn name_issues(&self) -> Vec<Issue> {
        let mut issues = self
            .app
            .draft
            .with(|d| d.as_ref().map(GroupDraft::name_issues).unwrap_or_default());
        if self.name_is_taken() {
            issues.push(Issue {
                severity: Severity::Error,
                message: self.taken_said.get().unwrap_or_default(),
            });
        }
        issues
    }

    /// True while the draft's name is one a save found another group has.
    fn name_is_taken(&self) -> bool {
        self.taken.with(|t| {
            t.as_ref().is_some_and(|n| {
                self.app
                    .draft
                    .with(|d| d.as_ref().is_some_and(|d| d.display_name == *n))
            })
        })
    }

    /// True when the name field's length hint is an error: a changed name over the limit.
    pub fn name_too_long(&self) -> bool {
        self.app
            .draft
            .with(|d| d.as_ref().is_some_and(GroupDraft::name_too_long))
    }

    /// The problems with the member ID typed so far (none before anything was typed or tried).
    pub fn new_id_issues(&self) -> Vec<Issue> {
        let id = self.new_id.get();
        if id.is_empty() && !self.add_tried.get() {
            return Vec::new();
        }
        self.app.draft.with(|d| {
            d.as_ref()
                .map(|d| d.new_member_issues(&id))
                .unwrap_or_default()
        })
    }

    pub fn set_name(&self, name: String) {
        self.app.draft.update(|d| {
            if let Some(d) = d {
                d.display_name = name;
            }
        });
    }

    fn add_to_draft(&self, member: Member) -> Result<Vec<Issue>, Vec<Issue>> {
        let mut outcome = Err(Vec::new());
        self.app.draft.update(|d| {
            if let Some(d) = d {
                outcome = d.add_member(&member.value, member.display.as_deref().unwrap_or(""));
            }
        });
        outcome
    }

    /// Adds the member typed in "Add a member by user ID"; what was typed stays in the fields
    /// when it cannot be added.
    pub fn add_member(&self) {
        self.add_tried.set(true);
        let id = self.new_id.get_untracked();
        let display = self.new_display.get_untracked();
        match self.add_to_draft(Member {
            value: id.clone(),
            display: Some(display.clone()),
        }) {
            Ok(_) => {
                let shown = if display.trim().is_empty() {
                    id.trim().to_string()
                } else {
                    display.trim().to_string()
                };
                self.new_id.set(String::new());
                self.new_display.set(String::new());
                self.add_tried.set(false);
                self.say(Notice::Progress(format!(
                    "Added {}. Not saved yet.",
                    isolate(&shown)
                )));
            }
            Err(issues) => {
                // The inline messages say why.
                let first = issues
                    .first()
                    .map(|i| i.message.clone())
                    .unwrap_or_default();
                self.say(Notice::Error(format!("Member not added: {first}")));
            }
        }
    }

    /// Adds a user found by search.
    pub fn add_found(&self, user: &DirectoryUser) {
        let _ = self.add_to_draft(member_of(user));
    }

    /// Adds the users of a bulk add, in one update: each update re-checks the draft (unsaved?
    /// kept?).
    pub fn add_bulk(&self, users: &[DirectoryUser]) {
        self.app.draft.update(|d| {
            if let Some(d) = d {
                d.add_members(users.iter().map(member_of).collect());
            }
        });
    }

    /// A member row's Remove (or Delete in the list): the row stays, struck through, until
    /// saved.
    pub fn remove(&self, id: &str, label: &str) {
        let mut removed = false;
        self.app.draft.update(|d| {
            if let Some(d) = d {
                removed = d.remove_member(id);
            }
        });
        if removed {
            self.deselect(&[id]);
            self.say(Notice::Progress(format!(
                "Removed {}. Not saved yet.",
                isolate(label)
            )));
        }
    }

    /// A removed row's "Undo": the member as loaded, back in the group.
    pub fn undo_remove(&self, id: &str, label: &str) {
        let mut back = false;
        self.app.draft.update(|d| {
            if let Some(d) = d {
                back = d.undo_remove(id);
            }
        });
        if back {
            self.say(Notice::Progress(format!(
                "{} is kept in the group.",
                isolate(label)
            )));
        }
    }

    fn deselect(&self, ids: &[&str]) {
        if self
            .selected
            .with_untracked(|s| ids.iter().any(|id| s.contains(*id)))
        {
            self.selected.update(|s| {
                for id in ids {
                    s.remove(*id);
                }
            });
        }
    }

    /// Ticks or unticks a row.
    pub fn toggle_selected(&self, id: &str) {
        self.selected.update(|s| {
            if !s.remove(id) {
                s.insert(id.to_string());
            }
        });
    }

    /// "Select all shown": ticks the rows shown (`ids`), or unticks them.
    pub fn select_shown(&self, ids: Vec<String>, on: bool) {
        self.selected.update(|s| {
            if on {
                s.extend(ids);
            } else {
                for id in &ids {
                    s.remove(id);
                }
            }
        });
    }

    /// "Remove selected (n)": the ticked members, in one change.
    pub fn remove_selected(&self) {
        let ids = self.selected.get_untracked();
        if ids.is_empty() {
            return;
        }
        let mut n = 0;
        self.app.draft.update(|d| {
            if let Some(d) = d {
                n = d.remove_members(&ids.iter().map(String::as_str).collect::<Vec<_>>());
            }
        });
        self.selected.set(HashSet::new());
        self.say(Notice::Progress(format!(
            "Removed {n} member{}. Not saved yet.",
            if n == 1 { "" } else { "s" }
        )));
    }

    /// "Copy ID of …": the bare user ID (no marks around it) to the clipboard, said politely.
    pub fn copy_id(&self, id: &str, label: &str) {
        page::copy_to_clipboard(id.trim());
        self.say(Notice::Progress(format!(
            "Copied the user ID of {}.",
            isolate(label)
        )));
    }

    /// Save opens the review; nothing is sent until "Confirm save".
    pub fn open_review(&self) {
        self.review_unless(untrack(|| self.save_blocker()));
    }

    /// Opens the review unless `blocker` says why not.
    fn review_unless(&self, blocker: Option<String>) {
        if let Some(why) = blocker {
            self.say(Notice::Error(format!("Not saved: {why}")));
            return;
        }
        let session = self.app.session;
        let (Some(d), Some(base)) = (
            self.app.draft.get_untracked(),
            session.connected.get_untracked(),
        ) else {
            self.say(Notice::Error("Load a group before saving.".into()));
            return;
        };
        let settings = SaveSettings {
            prefer_patch: self.app.use_patch.get_untracked(),
            features: session.features.get_untracked(),
        };
        let plan = perf::between("review-diff-start", "review-diff-end", || {
            plan(&base, d, &settings)
        });
        self.notice.set(None);
        self.failed.set(false);
        self.review.set(Some(ReviewData {
            plan,
            origin: page::origin(),
        }));
    }

    /// Counts `seconds` down in `retry_in`; a newer countdown or the editor going ends it.
    fn count_down(&self, seconds: u64) {
        let (countdown, retry_in) = (self.countdown, self.retry_in);
        countdown.update_value(|n| *n += 1);
        let mine = countdown.get_value();
        spawn_local(async move {
            for left in (1..=seconds).rev() {
                if countdown.try_get_value() != Some(mine) || retry_in.try_set(left).is_some() {
                    return;
                }
                time::sleep_ms(1000).await;
            }
            if countdown.try_get_value() == Some(mine) {
                retry_in.try_set(0);
            }
        });
    }

    /// "Confirm save": sends the reviewed save. One save at a time: `saving` is set before
    /// anything is sent, so a double click (or a click during a wait) sends nothing more.
    pub fn confirm(&self) {
        if self.saving.get_untracked() || self.retry_in.get_untracked() > 0 {
            return;
        }
        let Some(data) = self.review.get_untracked() else {
            return;
        };
        let session = self.app.session;
        let Some(client) = session.client_or_notify(self.notice) else {
            return;
        };
        self.saving.set(true);
        self.saved.set(None);
        self.say(Notice::Progress(format!(
            "Saving “{}”…",
            isolate(&data.plan.draft.display_name)
        )));
        let editor = *self;
        spawn_local(async move {
            let (outcome, plan) = save::save(session, &client, data.plan).await;
            editor.saving.set(false);
            let wait = editor
                .refused
                .try_update_value(|r| r.after(&outcome, js_sys::Math::random()))
                .flatten();
            let entry = activity_entry(&plan, &outcome, time::now_iso());
            editor.app.record(entry);
            match outcome {
                SaveOutcome::Saved { group } => editor.saved_as(&plan.draft, group),
                SaveOutcome::Conflict {
                    current,
                    theirs,
                    mine,
                } => editor.conflicted(ConflictData {
                    current,
                    theirs,
                    mine,
                }),
                SaveOutcome::Failed { error } => match rename::taken_text(&plan, &error) {
                    Some(said) => editor.name_taken(plan.draft.display_name, said),
                    None => {
                        editor.say(Notice::Error(error.to_string()));
                        editor.save_failed(wait);
                    }
                },
            }
        });
    }

    /// The save went through: the draft is rebased on what the server now has (edits made
    /// meanwhile are kept on top), and the editor says so.
    fn saved_as(&self, sent: &GroupDraft, group: Group) {
        self.review.set(None);
        // Said once, at the top of the editor (saved_summary.rs), not again in the save bar;
        // the group's "Loaded …" line is history now.
        self.notice.set(None);
        self.app.load_notice.set(None);
        self.app.session.forget_draft(sent.id());
        self.app.restorable.set(None);
        self.app.draft.update(|current| {
            if let Some(current) = current {
                *current = rebase(current, sent, &group);
            }
        });
        // People's index says the saved membership, so a person's page needs no re-read.
        let sent_ids: Vec<String> = sent.members.iter().map(|m| m.value.clone()).collect();
        self.app.people.saved(&group, &sent_ids);
        self.saved.set(Some(group));
        self.discarded.set(None);
        // The status takes the focus where it is in view; the page does not move.
        focus_in_place("saved-status", "save");
        perf::mark_after_paint("save-shown");
    }

    /// Another group has the new name: the review closes, the notice and the name field say
    /// which group, and the focus goes to the name to change it.
    fn name_taken(&self, name: String, said: String) {
        self.review.set(None);
        self.say(Notice::Error(said.clone()));
        self.taken.set(Some(name));
        self.taken_said.set(Some(said));
        focus_soon("display-name");
    }

    fn conflicted(&self, data: ConflictData) {
        self.review.set(None);
        self.notice.set(None);
        self.conflict.set(Some(data));
    }

    /// The review stays open: the admin can retry or go back; nothing is lost. After a 429,
    /// Retry waits `wait` seconds.
    fn save_failed(&self, wait: Option<u64>) {
        self.failed.set(true);
        // Confirm save was disabled while saving, which took the focus from it.
        focus_soon("review-heading");
        if let Some(seconds) = wait {
            self.count_down(seconds);
        }
    }

    /// "Save with PATCH" ticked or unticked in the review: the save is planned again with the
    /// other method; the focus stays on the checkbox.
    pub fn replan_with_patch(&self, on: bool) {
        self.app.use_patch.set(on);
        self.open_review();
        focus_soon("use-patch");
    }

    /// Closing the review hands the focus back to Save, which opened it.
    pub fn back(&self) {
        self.review.set(None);
        self.notice.set(None);
        focus_soon("save");
    }

    pub fn close_conflict(&self) {
        self.conflict.set(None);
        self.say(Notice::Progress(
            "Nothing was saved; your changes are kept. Saving again stops at the same conflict."
                .into(),
        ));
        focus_soon("save");
    }

    /// "Apply my changes on top": the admin's change on the group as it is now, reviewed again.
    pub fn apply_mine(&self) {
        let Some(c) = self.conflict.get_untracked() else {
            return;
        };
        self.app
            .draft
            .set(Some(apply_mine_on_top(&c.current, &c.mine)));
        self.conflict.set(None);
        // Even with nothing left to change (the server has it all now), the review says so.
        self.review_unless(untrack(|| self.edit_blocker()));
    }

    /// "Reload": the group as it is now; the admin's changes are dropped.
    pub fn reload(&self) {
        let Some(c) = self.conflict.get_untracked() else {
            return;
        };
        self.app.draft.set(Some(GroupDraft::from_group(c.current)));
        self.conflict.set(None);
        self.say(Notice::Progress(
            "Reloaded the group as it is now; your changes were dropped.".into(),
        ));
        focus_soon("save");
    }

    /// "Discard changes": at once, and undoable ("Undo discard") until the next edit.
    pub fn discard(&self) {
        let mut said = String::new();
        self.app.draft.update(|d| {
            if let Some(d) = d {
                let diff = d.diff();
                said = discarded_text(diff.renamed.is_some(), diff.added.len(), diff.removed.len());
                let before = std::mem::replace(d, GroupDraft::from_group(d.loaded.clone()));
                self.discarded.set(Some(before));
            }
        });
        self.selected.set(HashSet::new());
        self.say(Notice::Progress(said));
        // Discard goes with the changes: the focus goes to the way back.
        focus_soon("undo-discard");
    }

    /// Whether "Undo discard" is offered: after a discard, until something is edited again.
    pub fn can_undo_discard(&self) -> bool {
        !self.app.dirty.get()
            && self.discarded.with(|was| {
                self.app.draft.with(|d| match (was, d) {
                    (Some(was), Some(d)) => was.id() == d.id(),
                    _ => false,
                })
            })
    }

    /// "Undo discard": the discarded changes back, unless the group was saved or reloaded since.
    pub fn undo_discard(&self) {
        let Some(was) = self.discarded.get_untracked() else {
            return;
        };
        self.discarded.set(None);
        let mut back = false;
        self.app.draft.update(|d| {
            if let Some(d) = d {
                if d.loaded == was.loaded {
                    *d = was;
                    back = true;
                }
            }
        });
        self.say(Notice::Progress(
            if back {
                "Changes restored. Not saved yet."
            } else {
                "The group changed since the discard: nothing to restore."
            }
            .into(),
        ));
        focus_soon("save");
    }

    /// Puts the changes this tab kept back onto the loaded group.
    pub fn restore(&self, stored: StoredDraft) {
        let mut said = "Unsaved changes restored.";
        self.app.draft.update(|d| {
            if let Some(d) = d {
                let restored = stored.restore_onto(&d.loaded);
                if !restored.same_base {
                    said = "Unsaved changes restored onto the group as it is now (it changed on the server since). Check the review before saving.";
                }
                *d = restored.draft;
            }
        });
        self.app.restorable.set(None);
        self.say(Notice::Progress(said.into()));
        // The banner goes: the focus goes to the top of the editor.
        focus_soon("display-name");
    }

    /// Forgets the changes this tab kept, without restoring them.
    pub fn discard_stored(&self) {
        if let Some(d) = self.app.draft.get_untracked() {
            self.app.session.forget_draft(d.id());
        }
        self.app.restorable.set(None);
        focus_soon("display-name");
    }

    /// What "Export members" writes: the members as saved on the server, not the draft's
    /// unsaved changes (a file of members that are not real would mislead whoever reads it).
    pub fn export_note(&self) -> String {
        let saved = self.app.draft.with(|d| {
            d.as_ref()
                .map_or(0, |d| d.loaded.members.as_ref().map_or(0, Vec::len))
        });
        let unsaved = if self.app.dirty.get() {
            " Unsaved changes are not in the file."
        } else {
            ""
        };
        let members = if saved == 1 { "member" } else { "members" };
        format!("A CSV of the {saved} {members} as saved on the server.{unsaved}")
    }

    /// "Export members": lists the directory first (once per connection) for the user names
    /// and names, then downloads the saved members as CSV. Only this explicit download takes
    /// memberships out of the tab.
    pub fn export_members(&self, reads: ScreenReads, busy: RwSignal<bool>) {
        if busy.get_untracked() {
            return;
        }
        let Some((name, members)) = self.app.draft.with_untracked(|d| {
            d.as_ref().map(|d| {
                (
                    d.loaded.display_name.clone(),
                    d.loaded.members.clone().unwrap_or_default(),
                )
            })
        }) else {
            return;
        };
        busy.set(true);
        self.say(Notice::Progress("Listing users for the export…".into()));
        let editor = *self;
        spawn_local(async move {
            let dir = load::directory(editor.app.session, false, reads, |_, _| {}).await;
            // The editor may have gone meanwhile: then there is nothing to download.
            if busy.try_set(false).is_some() {
                return;
            }
            let (dir, note) = match dir {
                Ok(d) => (Some(d), String::new()),
                Err(why) => (None, format!(" User names and names are left out: {why}")),
            };
            let csv = members_csv(&members, dir.as_deref());
            let file = file_name(&name);
            let n = members.len();
            editor.say(
                match page::download(&csv, &file, "text/csv;charset=utf-8") {
                    Some(()) => Notice::Success(format!(
                        "Exported {n} member{} to {file}.{note}",
                        if n == 1 { "" } else { "s" }
                    )),
                    None => Notice::Error("The browser refused the download.".into()),
                },
            );
        });
    }

    /// "Download snapshot": the group's name and members as saved on the server, as JSON (the
    /// admin's own download; nothing else takes memberships out of the tab).
    pub fn download_snapshot(&self) {
        let Some(snap) = self
            .app
            .draft
            .with_untracked(|d| d.as_ref().map(|d| Snapshot::of(&d.loaded, time::now_iso())))
        else {
            return;
        };
        let file = file_name_ending(&snap.display_name, "-snapshot.json");
        self.say(match page::download_json(&snap.to_json(), &file) {
            Some(()) => Notice::Success(format!("Downloaded a snapshot to {file}.")),
            None => Notice::Error("The browser refused the download.".into()),
        });
    }

    /// "Restore from file": a snapshot of this group, or an "Export members" CSV, becomes the
    /// draft (a CSV keeps the name) and the review opens. A wrong file changes nothing: the
    /// error is for the control.
    pub fn restore_from_file(&self, text: &str) -> Result<(), String> {
        let (id, name) = self
            .app
            .draft
            .with_untracked(|d| {
                d.as_ref()
                    .map(|d| (d.id().to_string(), d.loaded.display_name.clone()))
            })
            .ok_or("Load a group first.")?;
        let from = read_file(text, &id, &name)?;
        self.app.draft.update(|d| {
            if let Some(d) = d {
                if let Some(name) = from.display_name {
                    d.display_name = name;
                }
                d.members = from.members;
            }
        });
        self.open_review();
        Ok(())
    }

    /// "Copy members from": adds the other group's new members to the draft, as pending
    /// additions reviewed and saved like any other; returns how many were added.
    pub fn add_copied(&self, members: Vec<Member>) -> usize {
        let mut added = 0;
        self.app.draft.update(|d| {
            if let Some(d) = d {
                added = d.add_members(members);
            }
        });
        added
    }
}

/// Members found by search or bulk add carry the user's email as `display`.
fn member_of(u: &DirectoryUser) -> Member {
    Member {
        value: u.id.clone(),
        display: Some(if u.email.is_empty() {
            u.display_name.clone()
        } else {
            u.email.clone()
        }),
    }
}
