//! The app's state: plain signals and the actions that change them, under the screens and
//! above the browser layer. [`AppState`] is provided once by the root and read by screens and
//! widgets through [`use_app_state`]; nothing here imports a widget, a screen or the root.
//!
//! - [`session`]: the connection, the server's features, the user directory.
//! - [`notice`]: what an action tells the admin, as data.
//! - [`connection`]: the Connection panel: Connect, Forget key, an idle tab forgetting it.
//! - [`load`]: loading a group, listing the directory.
//! - [`save`]: driving a reviewed save.
//! - [`editor`]: the group editor's own state and its operations.
//! - [`groups`]: the Groups screen's list and what its controls do.
//! - [`cross`], [`person_tools`]: changes across groups for a person, built, reviewed, applied.
//! - [`user_search`]: "Find user": the matches and the searches behind them.

pub mod connection;
pub mod copy_members;
pub mod cross;
pub mod editor;
pub mod groups;
pub mod load;
pub mod notice;
pub mod people;
pub mod person_tools;
pub mod save;
pub mod session;
pub mod undo;
pub mod user_search;

use crate::browser::{config, http, router, time};
use crate::core::activity::{ActivityEntry, GroupState};
use crate::core::draft::GroupDraft;
use crate::core::grants::Grants;
use crate::core::route::Route;
use crate::core::stored_draft::StoredDraft;
use crate::core::undo::{ActivityLog, BEFORE_BUDGET};
use leptos::prelude::*;
use leptos::task::spawn_local;
use notice::Notice;
use session::Session;

/// Everything the screens share; all fields are signals, so it is `Copy` and lives in context.
#[derive(Clone, Copy)]
pub struct AppState {
    pub session: Session,
    pub route: RwSignal<Route>,
    pub draft: RwSignal<Option<GroupDraft>>,
    /// Whether the draft differs from what was loaded: one diff per change, shared by the
    /// editor, the draft store and the close-tab guard.
    pub dirty: Memo<bool>,
    /// A stored draft for the loaded group, offered back until restored or discarded.
    pub restorable: RwSignal<Option<StoredDraft>>,
    pub load_notice: RwSignal<Option<Notice>>,
    /// What the screen a route change goes to says first, once the previous screen's notice
    /// is cleared (a notice set before the change would be cleared with it).
    pub notice_after_route: StoredValue<Option<Notice>>,
    /// The ID of the group whose load failed (not found, timed out…), for the editor's state
    /// offering the ID again; cleared by the next load.
    pub load_failed: RwSignal<Option<String>>,
    pub loading: RwSignal<bool>,
    /// This server's saves and attempts, kept in the tab (bounded) so a reload keeps them.
    pub activity: RwSignal<ActivityLog>,
    /// A Restore under way: the group (ID) and the state to bring back once it is read.
    pub restoring: RwSignal<Option<(String, GroupState)>>,
    /// Set when a restored draft is ready for the editor to open its review.
    pub restore_review: RwSignal<bool>,
    /// "Save with PATCH": send only the change instead of the whole membership.
    pub use_patch: RwSignal<bool>,
    /// False when the last unsaved edit could not be kept in the tab (it would not survive a
    /// reload); the editor says so.
    pub draft_kept: RwSignal<bool>,
    /// Bumped by every load, so an older answer arriving late is ignored.
    pub load_seq: RwSignal<u64>,
    /// The editor's step beyond editing ("Review changes"; empty while editing), for the title.
    pub editor_step: RwSignal<&'static str>,
    /// What requests are waiting for (the rate limit, the request budget), with the seconds
    /// left; empty when nothing waits. Said once for the whole app.
    pub wait_text: RwSignal<String>,
    /// Who is in which group (People), read once per connection, kept up to date by saves.
    pub people: people::PeopleIndex,
    /// Changes across groups for a person: their review and their run.
    pub cross: cross::CrossChanges,
    /// What the open group grants (Omni's model roles), read once per group opened.
    pub grants: RwSignal<Grants>,
    /// Changes to the draft so far: a write waits until no newer one has come.
    draft_edits: StoredValue<u64>,
}

/// How long the draft store waits for edits to pause (ms): a 50,000-member draft is megabytes
/// of JSON, too much to write at every keystroke.
const DRAFT_WRITE_DELAY_MS: u64 = 1000;

/// Makes `state` the app's state for everything rendered below (the root calls it).
pub fn provide_app_state(state: AppState) {
    provide_context(state);
}

/// The app's state, as provided by the root.
pub fn use_app_state() -> AppState {
    expect_context::<AppState>()
}

impl AppState {
    pub fn new(session: Session) -> Self {
        let draft = RwSignal::new(None::<GroupDraft>);
        let wait_text = RwSignal::new(String::new());
        // The HTTP layer's waits are told here; `try_`: the state may be gone (tests mount
        // parts of the app), and then there is no one to tell.
        http::on_wait_text(move |text| {
            let _ = wait_text.try_set(text);
        });
        Self {
            session,
            route: RwSignal::new(router::current()),
            draft,
            dirty: Memo::new(move |_| draft.with(|d| d.as_ref().is_some_and(GroupDraft::is_dirty))),
            restorable: RwSignal::new(None),
            load_notice: RwSignal::new(None),
            notice_after_route: StoredValue::new(None),
            load_failed: RwSignal::new(None),
            loading: RwSignal::new(false),
            activity: RwSignal::new(ActivityLog::default()),
            restoring: RwSignal::new(None),
            restore_review: RwSignal::new(false),
            use_patch: RwSignal::new(false),
            draft_kept: RwSignal::new(true),
            load_seq: RwSignal::new(0),
            editor_step: RwSignal::new(""),
            wait_text,
            people: people::PeopleIndex::new(session),
            cross: cross::CrossChanges::new(session),
            grants: RwSignal::new(Grants::NotAsked),
            draft_edits: StoredValue::new(0),
        }
    }

    /// Adds a save or attempt to Activity and keeps the log in the tab; when the tab would not
    /// keep it with the groups as they were before, it keeps it without them. `try_`: the
    /// state may be gone (a change across groups outliving a test's mount).
    pub fn record(&self, entry: ActivityEntry) {
        let max = config::current().activity_entries as usize;
        let _ = self
            .activity
            .try_update(|log| log.push(entry, max, BEFORE_BUDGET));
        let session = self.session;
        let _ = self.activity.try_update(|log| {
            if !session.store_activity(&log.to_text()) {
                *log = log.without_befores();
                let _ = session.store_activity(&log.to_text());
            }
        });
    }

    /// Once connected (the root calls it), Activity is what this tab kept for that server.
    pub fn load_activity(&self) {
        let log = self.session.load_activity();
        self.activity
            .set(log.map(|j| ActivityLog::from_text(&j)).unwrap_or_default());
    }

    /// Keeps the unsaved draft in session storage now, or forgets the stored one once there is
    /// nothing unsaved (unless it is still being offered back). Edits call it once they pause;
    /// a load calls it before another group replaces the draft, and so does leaving the page.
    pub fn keep_draft_now(&self) {
        let state = *self;
        state.draft.with_untracked(|d| {
            let Some(d) = d else { return };
            if state.dirty.get_untracked() {
                let kept = state.session.store_draft(
                    d.id(),
                    &StoredDraft::from_draft(d, time::now_ms()).to_json(),
                );
                if state.draft_kept.get_untracked() != kept {
                    state.draft_kept.set(kept);
                }
            } else if state.restorable.with_untracked(Option::is_none) {
                state.session.forget_draft(d.id());
            }
        });
    }

    /// Unsaved edits go to session storage once edits pause (the root also keeps them at once
    /// when the page goes, and a load before another group replaces them).
    pub fn keep_draft_when_edits_pause(&self) {
        let state = *self;
        Effect::new(move |_| {
            // Tracks every change (`with`, not `track`: one generic copy fewer in the bundle).
            let _ = state.dirty.get();
            state.draft.with(|_| ());
            state.draft_edits.update_value(|n| *n += 1);
            let edit = state.draft_edits.get_value();
            spawn_local(async move {
                time::sleep_ms(DRAFT_WRITE_DELAY_MS).await;
                // Unless a later edit is waiting its turn, or the page has gone.
                if state.draft_edits.try_get_value() == Some(edit) {
                    state.keep_draft_now();
                }
            });
        });
    }
}
