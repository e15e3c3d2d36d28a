//! Changes across groups for a person: the review, then the run one group at a time through
//! [`CrossRun`], with Stop, Retry failed, the wait after a 429, and the run kept in the tab so
//! a reload offers to resume or discard the rest. Every write goes to Activity and People's
//! index; an open, unedited group is replaced by what was saved.

use super::session::Session;
use super::AppState;
use crate::browser::focus::focus_soon;
use crate::browser::http::ScimClient;
use crate::browser::{perf, storage, time};
use crate::core::cross_change::CrossChange;
use crate::core::cross_run::{CrossRun, CrossStep, Written};
use crate::core::cross_stored::StoredRun;
use crate::core::draft::GroupDraft;
use crate::core::model::Group;
use crate::core::save::{activity_entry, Reply, SaveOutcome, SaveSettings};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Signals only, so it is `Copy`; one for the app, in [`AppState`].
#[derive(Clone, Copy)]
pub struct CrossChanges {
    app_session: Session,
    /// The change under review ("Confirm changes" / "Back").
    pub review: RwSignal<Option<CrossChange>>,
    /// "Type the user name to confirm".
    pub typed: RwSignal<String>,
    /// The run being applied, or the last one (its results table) until closed.
    pub run: RwSignal<Option<CrossRun>>,
    /// Seconds left while the server's 429 is waited out.
    pub waiting: RwSignal<Option<u64>>,
    /// A run a reload interrupted, offered to resume or discard.
    pub interrupted: RwSignal<Option<StoredRun>>,
    /// Why the run could not start (not connected).
    pub problem: RwSignal<Option<String>>,
}

impl CrossChanges {
    pub fn new(session: Session) -> Self {
        let cross = Self {
            app_session: session,
            review: RwSignal::new(None),
            typed: RwSignal::new(String::new()),
            run: RwSignal::new(None),
            waiting: RwSignal::new(None),
            interrupted: RwSignal::new(None),
            problem: RwSignal::new(None),
        };
        // A run kept for this server is offered back once connected to it; another server
        // (or none) closes what was on screen for the old one.
        Effect::new(move |_| {
            let server = session.connected.get();
            cross.review.set(None);
            if cross
                .run
                .with_untracked(|r| r.as_ref().is_some_and(CrossRun::is_running))
            {
                return;
            }
            cross.run.set(None);
            cross.problem.set(None);
            let stored = server.and_then(|s| storage::load_cross_run(s.as_str()));
            let stored = stored.and_then(|text| StoredRun::from_text(&text));
            cross.interrupted.set(stored.filter(|s| s.left() > 0));
        });
        cross
    }

    /// Opens the review of `change` (built by the caller between the review marks).
    pub fn review(&self, change: CrossChange) {
        self.typed.set(String::new());
        self.problem.set(None);
        self.review.set(Some(change));
        perf::mark("cross-review-end");
    }

    /// Builds a change and opens its review; the time between the marks is the bench's.
    pub fn review_with(&self, build: impl FnOnce() -> Option<CrossChange>) {
        perf::mark("cross-review-start");
        if let Some(change) = build().filter(|c| !c.is_empty()) {
            self.review(change);
        }
    }

    pub fn back(&self) {
        self.review.set(None);
    }

    /// Whether "Confirm changes" may be pressed: the typed name matches where it is asked.
    pub fn can_confirm(&self) -> bool {
        let typed = self.typed.get();
        self.review
            .with(|c| c.as_ref().is_some_and(|c| c.confirmed_by(&typed)))
            && !self.is_running()
    }

    pub fn is_running(&self) -> bool {
        self.run
            .with(|r| r.as_ref().is_some_and(CrossRun::is_running))
    }

    /// "Confirm changes": the reviewed change starts, one group at a time.
    pub fn confirm(&self, app: AppState) {
        if !self.can_confirm() {
            return;
        }
        let Some(change) = self.review.get_untracked() else {
            return;
        };
        let stored = StoredRun {
            change,
            results: Vec::new(),
        };
        if self.begin(app, stored) {
            self.review.set(None);
            // Confirm changes goes with the review: the focus goes to the run it started.
            focus_soon("cross-run-heading");
        }
    }

    /// "Resume": the interrupted run's unfinished groups, each read again first.
    pub fn resume(&self, app: AppState) {
        if let Some(stored) = self.interrupted.get_untracked() {
            if self.begin(app, stored) {
                self.interrupted.set(None);
            }
        }
    }

    /// "Discard the rest": the interrupted run is forgotten; nothing more is written.
    pub fn discard_interrupted(&self) {
        self.interrupted.set(None);
        self.forget_stored();
    }

    /// "Stop": the group in flight finishes, the rest are not written.
    pub fn stop(&self) {
        self.run.update(|r| {
            if let Some(r) = r {
                r.stop();
            }
        });
    }

    /// "Retry failed": the failed and stopped groups again, each read first.
    pub fn retry_failed(&self, app: AppState) {
        // On a copy: the run on screen keeps its results should the retry not start.
        let stored = self.run.with_untracked(|r| {
            let mut again = r.clone()?;
            (again.retry_failed() > 0).then(|| again.stored())
        });
        if let Some(stored) = stored {
            self.begin(app, stored);
        }
    }

    /// Closes the results table.
    pub fn close(&self) {
        if !self.is_running() {
            self.run.set(None);
        }
    }

    fn begin(&self, app: AppState, stored: StoredRun) -> bool {
        if self.is_running() {
            return false;
        }
        let session = self.app_session;
        let base = match (session.client(), session.connected.get_untracked()) {
            (Ok(_), Some(b)) => b,
            (Err(why), _) => {
                self.problem.set(Some(why.to_string()));
                return false;
            }
            (_, None) => return false,
        };
        let settings = SaveSettings {
            prefer_patch: app.use_patch.get_untracked(),
            features: session.features.get_untracked(),
        };
        let mut run = CrossRun::new(stored, base, settings);
        let step = run.start();
        self.problem.set(None);
        self.run.set(Some(run));
        self.keep();
        let cross = *self;
        spawn_local(async move { cross.drive(app, step).await });
        true
    }

    /// Sends each step's request and hands the answer to the run, until it is done.
    async fn drive(self, app: AppState, mut step: CrossStep) {
        let session = self.app_session;
        loop {
            let reply = match step {
                CrossStep::Read { group_id, .. } => {
                    let Some(client) = self.client_or_halt() else {
                        return;
                    };
                    let read = client.check_group(&group_id).await;
                    Reply::Read(read.map_err(|e| session.heard(e)))
                }
                CrossStep::Write {
                    group_id, request, ..
                } => {
                    let Some(client) = self.client_or_halt() else {
                        return;
                    };
                    let written = client.save(&request, &group_id).await;
                    Reply::Write(written.map_err(|e| session.heard(e)))
                }
                CrossStep::Wait { seconds, .. } => {
                    self.wait_out(seconds).await;
                    let _ = self.waiting.try_set(None);
                    let Some(next) = self
                        .run
                        .try_update(|r| r.as_mut().map(CrossRun::after_wait))
                    else {
                        return;
                    };
                    step = next.unwrap_or(CrossStep::Done);
                    self.keep();
                    continue;
                }
                CrossStep::Done => {
                    self.keep();
                    return;
                }
            };
            let jitter = js_sys::Math::random();
            let answered = self.run.try_update(|r| {
                r.as_mut()
                    .map(|r| (r.on_reply(reply, jitter), r.take_seen()))
            });
            let Some(Some(((written, next), seen))) = answered else {
                return;
            };
            if let Some(w) = written {
                record(app, w);
            }
            // A group that already held the change: the index learns what it holds.
            if let Some(g) = seen {
                let ids: Vec<String> = g
                    .members
                    .iter()
                    .flatten()
                    .map(|m| m.value.clone())
                    .collect();
                app.people
                    .set_group(&g.id, &g.display_name, &ids, g.meta.version.as_deref());
            }
            self.keep();
            step = next;
        }
    }

    /// A client from the key kept now, for each request: after Forget key, an idle tab or a
    /// 401, nothing more is sent; the group in flight and the rest are left for Resume.
    fn client_or_halt(&self) -> Option<ScimClient> {
        match self.app_session.client() {
            Ok(c) => Some(c),
            Err(why) => {
                let _ = self.run.try_update(|r| r.as_mut().map(CrossRun::halt));
                let _ = self
                    .problem
                    .try_set(Some(format!("The change stopped. {why}")));
                None
            }
        }
    }

    /// Counts the 429's wait down, a second at a time; Stop ends it early.
    async fn wait_out(&self, seconds: u64) {
        for left in (1..=seconds).rev() {
            let stopping = self
                .run
                .try_with_untracked(|r| r.as_ref().is_some_and(CrossRun::stop_requested));
            if stopping != Some(false) || self.waiting.try_set(Some(left)).is_some() {
                return;
            }
            time::sleep_ms(1000).await;
        }
    }

    /// The run as it stands, in the tab's session storage (forgotten once nothing is left).
    fn keep(&self) {
        let Some(server) = self.app_session.connected.try_get_untracked().flatten() else {
            return;
        };
        let stored = self
            .run
            .try_with_untracked(|r| r.as_ref().map(CrossRun::stored))
            .flatten();
        match stored {
            Some(s) if s.left() > 0 => {
                storage::store_cross_run(server.as_str(), &s.to_text());
            }
            _ => storage::forget_cross_run(server.as_str()),
        }
    }

    fn forget_stored(&self) {
        if let Some(server) = self.app_session.connected.get_untracked() {
            storage::forget_cross_run(server.as_str());
        }
    }
}

/// A write's outcome in Activity; a saved group in People's index and, when it is the open
/// group with no unsaved edit, in the editor.
fn record(app: AppState, w: Written) {
    let entry = activity_entry(&w.plan, &w.outcome, time::now_iso());
    app.record(entry);
    let SaveOutcome::Saved { group } = w.outcome else {
        return;
    };
    if group.members.is_some() {
        app.people.saved(&group, &[]);
        refresh_open_group(app, group);
        return;
    }
    // A PATCH of the person alone, answered without the members: the index learns their
    // change (an open group is checked by its own save, as after anyone's change).
    let diff = &w.plan.diff;
    let (person, present) = match (diff.added.first(), diff.removed.first()) {
        (Some(m), _) => (m, true),
        (None, Some(m)) => (m, false),
        (None, None) => return,
    };
    let version = group.meta.version.as_deref();
    app.people
        .set_member(&group.id, &person.value, present, version);
}

fn refresh_open_group(app: AppState, group: Group) {
    let open_unedited = app
        .draft
        .with_untracked(|d| d.as_ref().is_some_and(|d| d.id() == group.id))
        && !app.dirty.get_untracked();
    if open_unedited {
        app.draft.set(Some(GroupDraft::from_group(group)));
    }
}
