//! Applying a [`CrossChange`], one group at a time, as a state machine free of browser types:
//! it names the next request ([`CrossStep`]), is told the answer ([`Reply`]), and keeps each
//! group's [`GroupResult`].
//!
//! Each group is read just before its write and the person's delta is applied to what the read
//! shows, so a member someone else added or removed meanwhile is kept; where the delta already
//! holds, nothing is written ("already done"). Where the server offers ETags the write carries
//! `If-Match` from that read, and a 412 reads and writes once more. A 429 waits and reads
//! again; a delta applied to a fresh read is safe to repeat, so nothing is lost or doubled.
//! "Stop" lets the group in flight finish. What is kept in the tab ([`StoredRun`]) is enough to
//! resume after a reload: unfinished groups are simply read again.

use super::base_url::ScimBase;
pub use super::cross_change::GroupResult;
use super::cross_change::{CrossChange, Direction};
use super::cross_stored::StoredRun;
use super::diff::MembershipDiff;
use super::draft::GroupDraft;
use super::error::{ApiError, ErrorKind};
use super::model::{Group, Member, Meta};
use super::retry;
use super::save::{plan, Reply, SaveAnswer, SaveOutcome, SavePlan, SaveSettings};
use super::save_request::{SaveMethod, SaveRequest};

/// What the driver does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrossStep {
    /// Read group `group_id` as it is now; answer with [`Reply::Read`].
    Read { index: usize, group_id: String },
    /// Send `request` once; answer with [`Reply::Write`].
    Write {
        index: usize,
        group_id: String,
        request: SaveRequest,
    },
    /// The server refused for load (429), or a read got no answer: wait `seconds`, then call
    /// [`CrossRun::after_wait`], which reads the group again.
    Wait { index: usize, seconds: u64 },
    /// Every group has a result (or the rest were stopped).
    Done,
}

/// A write that ended with the last reply, for Activity and People's index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub plan: SavePlan,
    pub outcome: SaveOutcome,
}

/// Where the run is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Idle,
    Reading {
        index: usize,
    },
    /// `blind`: a PATCH of this person alone with `If-Match` from People's index, no read.
    Writing {
        index: usize,
        plan: Box<SavePlan>,
        blind: bool,
    },
    Waiting {
        index: usize,
    },
}

/// Writes a group at most this many times (a 412 from a concurrent change costs one more).
const MAX_WRITES: u8 = 2;
/// 429s in a row for one group before it is failed rather than waited on again.
const MAX_WAITS: u32 = 5;

/// A change across groups being applied.
#[derive(Clone, Debug)]
pub struct CrossRun {
    change: CrossChange,
    results: Vec<GroupResult>,
    base: ScimBase,
    settings: SaveSettings,
    state: State,
    stop: bool,
    writes: u8,
    waits: u32,
    /// A group read that already held the change: People's index is told what it holds.
    seen: Option<Group>,
}

impl CrossRun {
    /// A run of `change` (or a stored one's rest): groups already finished keep their result.
    pub fn new(stored: StoredRun, base: ScimBase, settings: SaveSettings) -> Self {
        let mut results = stored.results;
        results.resize(stored.change.groups.len(), GroupResult::Pending);
        Self {
            change: stored.change,
            results,
            base,
            settings,
            state: State::Idle,
            stop: false,
            writes: 0,
            waits: 0,
            seen: None,
        }
    }

    pub fn change(&self) -> &CrossChange {
        &self.change
    }

    pub fn results(&self) -> &[GroupResult] {
        &self.results
    }

    /// What to keep in the tab now.
    pub fn stored(&self) -> StoredRun {
        StoredRun {
            change: self.change.clone(),
            results: self.results.clone(),
        }
    }

    /// `(finished, all)`: "3 of 5 groups".
    pub fn progress(&self) -> (usize, usize) {
        let done = self.results.iter().filter(|r| r.is_finished()).count();
        (done, self.results.len())
    }

    /// The group in flight, if any.
    pub fn current(&self) -> Option<usize> {
        match self.state {
            State::Idle => None,
            State::Reading { index } | State::Writing { index, .. } | State::Waiting { index } => {
                Some(index)
            }
        }
    }

    pub fn is_running(&self) -> bool {
        self.state != State::Idle
    }

    /// The group last read that already held the change (nothing written), once.
    pub fn take_seen(&mut self) -> Option<Group> {
        self.seen.take()
    }

    pub fn stop_requested(&self) -> bool {
        self.stop
    }

    /// Starts (or continues) with the next group without a result.
    pub fn start(&mut self) -> CrossStep {
        if self.is_running() {
            return CrossStep::Done;
        }
        self.stop = false;
        self.next()
    }

    /// The key went: nothing more is sent. The group in flight and the rest keep no result,
    /// so the run kept in the tab resumes them (each read first).
    pub fn halt(&mut self) {
        self.state = State::Idle;
    }

    /// "Stop": the group in flight finishes, the rest are marked stopped. A run waiting after a
    /// 429 has nothing in flight, so it stops at [`Self::after_wait`].
    pub fn stop(&mut self) {
        self.stop = true;
    }

    /// "Retry failed": the groups that failed, and those stopped, get no result again; then
    /// [`Self::start`]. Returns how many.
    pub fn retry_failed(&mut self) -> usize {
        if self.is_running() {
            return 0;
        }
        let mut n = 0;
        for r in self.results.iter_mut().filter(|r| r.to_retry()) {
            *r = GroupResult::Pending;
            n += 1;
        }
        n
    }

    /// Whether "Retry failed" has something to take again (the run is over).
    pub fn can_retry(&self) -> bool {
        !self.is_running() && self.results.iter().any(GroupResult::to_retry)
    }

    /// After a [`CrossStep::Wait`]: the group is read again (its delta re-applied to what is
    /// there then), unless Stop was pressed meanwhile.
    pub fn after_wait(&mut self) -> CrossStep {
        let State::Waiting { index } = self.state else {
            return CrossStep::Done;
        };
        if self.stop {
            self.results[index] = GroupResult::Stopped;
            self.state = State::Idle;
            return self.next();
        }
        self.read(index)
    }

    /// Takes the answer to the last step; returns the write it ended, if any, and what next.
    pub fn on_reply(&mut self, reply: Reply, jitter: f64) -> (Option<Written>, CrossStep) {
        let state = std::mem::replace(&mut self.state, State::Idle);
        match (state, reply) {
            (State::Reading { index }, Reply::Read(Ok(current))) => {
                (None, self.on_read(index, current))
            }
            (State::Reading { index }, Reply::Read(Err(e))) => {
                (None, self.on_error(index, e, jitter))
            }
            (State::Writing { index, plan, blind }, Reply::Write(answer)) => {
                self.on_written(index, *plan, blind, answer, jitter)
            }
            // A reply to no step: nothing is sent on its account.
            (state, _) => {
                self.state = state;
                (None, CrossStep::Done)
            }
        }
    }

    fn on_read(&mut self, index: usize, current: Group) -> CrossStep {
        let delta = &self.change.groups[index];
        let members = current.members.clone().unwrap_or_default();
        let Some(target) = apply_delta(&members, delta.direction, &self.change.member()) else {
            self.results[index] = GroupResult::AlreadyDone {
                members: members.len(),
            };
            self.seen = Some(current);
            return self.next();
        };
        let draft = GroupDraft {
            display_name: current.display_name.clone(),
            members: target,
            loaded: current,
        };
        let mut plan = plan(&self.base, draft, &self.settings);
        // Just read: no second check before the write (If-Match, where offered, guards it).
        plan.check_first = false;
        self.writes += 1;
        let step = CrossStep::Write {
            index,
            group_id: plan.group_id().to_string(),
            request: plan.request.clone(),
        };
        self.state = State::Writing {
            index,
            plan: Box::new(plan),
            blind: false,
        };
        step
    }

    /// Where the server honours `If-Match` on a PATCH and the index has the group's version:
    /// the PATCH naming only this person, without a read (one request). A 412 (someone changed
    /// the group since the index read it) or a 400 (the PATCH's target is gone) reads it.
    fn blind_write(&mut self, index: usize) -> CrossStep {
        let d = &self.change.groups[index];
        let person = self.change.member();
        let (added, removed) = match d.direction {
            Direction::Add => (vec![person], Vec::new()),
            Direction::Remove => (Vec::new(), vec![person]),
        };
        let diff = MembershipDiff {
            renamed: None,
            added,
            removed,
            unchanged: 0,
        };
        let loaded = Group {
            id: d.group_id.clone(),
            display_name: d.group_name.clone(),
            members: None,
            meta: Meta {
                last_modified: None,
                version: d.version.clone(),
            },
        };
        let draft = GroupDraft {
            display_name: d.group_name.clone(),
            members: Vec::new(),
            loaded,
        };
        let request = SaveRequest::new(
            &self.base,
            &draft,
            &diff,
            SaveMethod::Patch,
            d.version.clone(),
        );
        self.writes += 1;
        let step = CrossStep::Write {
            index,
            group_id: d.group_id.clone(),
            request: request.clone(),
        };
        let plan = SavePlan {
            draft,
            diff,
            request,
            typed_name: None,
            check_first: false,
            max_requests: 1,
        };
        self.state = State::Writing {
            index,
            plan: Box::new(plan),
            blind: true,
        };
        step
    }

    fn on_written(
        &mut self,
        index: usize,
        plan: SavePlan,
        blind: bool,
        answer: Result<SaveAnswer, ApiError>,
        jitter: f64,
    ) -> (Option<Written>, CrossStep) {
        let outcome = match answer {
            Ok(SaveAnswer::Group(group)) => SaveOutcome::Saved { group },
            Ok(SaveAnswer::NoContent { etag }) => SaveOutcome::Saved {
                group: as_written(&plan, etag, blind),
            },
            // The PATCH's target is not there (the person left meanwhile): read and decide.
            Err(e) if blind && e.kind == ErrorKind::InvalidInput => {
                return (None, self.read(index));
            }
            // Someone changed the group between the read and the write: read it again and
            // apply the delta to that (once).
            Err(e) if e.kind == ErrorKind::Changed && self.writes < MAX_WRITES => {
                return (None, self.read(index));
            }
            // Not applied: wait, then read again.
            Err(e) if matches!(e.kind, ErrorKind::RateLimited { .. }) && self.waits < MAX_WAITS => {
                return (None, self.wait(index, &e, jitter));
            }
            Err(error) => SaveOutcome::Failed { error },
        };
        self.results[index] = match &outcome {
            SaveOutcome::Saved { group } => GroupResult::Saved {
                members: match &group.members {
                    Some(m) => m.len(),
                    None => self.change.groups[index].members_after(),
                },
            },
            SaveOutcome::Failed { error } => failed(error),
            SaveOutcome::Conflict { .. } => GroupResult::Failed {
                why: "the group changed on the server".into(),
                retry: true,
            },
        };
        let written = Written { plan, outcome };
        (Some(written), self.next())
    }

    fn on_error(&mut self, index: usize, e: ApiError, jitter: f64) -> CrossStep {
        // A read changes nothing: one that got no answer, or a 429 or 5xx, is tried again
        // after a wait (as many times as a 429 is waited on).
        let again = e.is_transient() && e.kind != ErrorKind::Cancelled;
        if again && self.waits < MAX_WAITS {
            return self.wait(index, &e, jitter);
        }
        self.results[index] = failed(&e);
        self.next()
    }

    fn wait(&mut self, index: usize, e: &ApiError, jitter: f64) -> CrossStep {
        self.waits += 1;
        let seconds = match e.kind {
            ErrorKind::RateLimited {
                wait_seconds: Some(s),
            } => s.max(1),
            _ => retry::ceil_seconds(retry::READS.backoff_ms(self.waits + 1, jitter)),
        };
        self.state = State::Waiting { index };
        CrossStep::Wait { index, seconds }
    }

    fn read(&mut self, index: usize) -> CrossStep {
        self.state = State::Reading { index };
        CrossStep::Read {
            index,
            group_id: self.change.groups[index].group_id.clone(),
        }
    }

    /// The next group without a result; after Stop, the rest are marked stopped.
    fn next(&mut self) -> CrossStep {
        self.state = State::Idle;
        self.writes = 0;
        self.waits = 0;
        let pending = self.results.iter().position(|r| !r.is_finished());
        match pending {
            Some(_) if self.stop => {
                for r in self.results.iter_mut().filter(|r| !r.is_finished()) {
                    *r = GroupResult::Stopped;
                }
                CrossStep::Done
            }
            Some(index) if self.change.groups[index].one_request(&self.settings.features) => {
                self.blind_write(index)
            }
            Some(index) => self.read(index),
            None => CrossStep::Done,
        }
    }
}

/// The members after the delta, or `None` when it already holds.
pub fn apply_delta(
    members: &[Member],
    direction: Direction,
    person: &Member,
) -> Option<Vec<Member>> {
    let present = members.iter().any(|m| m.value == person.value);
    match direction {
        Direction::Add if present => None,
        Direction::Add => {
            let mut after = members.to_vec();
            after.push(person.clone());
            Some(after)
        }
        Direction::Remove if present => Some(
            members
                .iter()
                .filter(|m| m.value != person.value)
                .cloned()
                .collect(),
        ),
        Direction::Remove => None,
    }
}

/// The group a write without a body left: the members sent (unknown after a PATCH of one
/// person without a read), the new version from `ETag`.
fn as_written(plan: &SavePlan, etag: Option<String>, blind: bool) -> Group {
    Group {
        id: plan.group_id().to_string(),
        display_name: plan.draft.display_name.clone(),
        members: (!blind).then(|| plan.draft.members.clone()),
        meta: Meta {
            last_modified: None,
            version: etag,
        },
    }
}

fn failed(e: &ApiError) -> GroupResult {
    GroupResult::Failed {
        why: e.summary(),
        retry: e.is_transient() || e.kind == ErrorKind::Changed,
    }
}

/// "Saved 3 · already done 1 · failed 1 · stopped 2": the end of a run in words.
pub fn summary(results: &[GroupResult]) -> String {
    let count = |f: fn(&GroupResult) -> bool| results.iter().filter(|r| f(r)).count();
    let parts = [
        ("saved", count(|r| matches!(r, GroupResult::Saved { .. }))),
        (
            "already done",
            count(|r| matches!(r, GroupResult::AlreadyDone { .. })),
        ),
        ("failed", count(|r| matches!(r, GroupResult::Failed { .. }))),
        ("stopped", count(|r| matches!(r, GroupResult::Stopped))),
        ("not yet", count(|r| matches!(r, GroupResult::Pending))),
    ];
    let said: Vec<String> = parts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(w, n)| format!("{w} {n}"))
        .collect();
    let mut s = said.join(" · ");
    // The words are ASCII: no Unicode case table for the capital.
    if let Some(first) = s.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    s
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::cross_change::Person;
    use crate::core::error::Operation;
    use crate::core::memberships::GroupInfo;
    use crate::core::save::fixtures::*;
    use crate::core::save_request::SaveMethod;
    use crate::core::server_features::ServerFeatures;

    const JANE: usize = 7;

    fn person() -> Person {
        Person {
            id: member(JANE).value,
            name: "Jane".into(),
            user_name: "jane@example.com".into(),
        }
    }

    fn info(id: &str) -> GroupInfo {
        GroupInfo {
            id: id.into(),
            name: format!("Group {id}"),
            members: 3,
            version: None,
        }
    }

    /// `id` as an index read it from a server with versions.
    fn versioned(id: &str, version: u32) -> GroupInfo {
        GroupInfo {
            version: Some(format!("W/\"{version}\"")),
            ..info(id)
        }
    }

    fn run(change: CrossChange, etag: bool) -> CrossRun {
        let features = if etag { rfc7644() } else { omni() };
        let settings = SaveSettings {
            prefer_patch: false,
            features,
        };
        let stored = StoredRun {
            change,
            results: vec![],
        };
        CrossRun::new(stored, base(), settings)
    }

    fn ids(body: &str) -> Vec<usize> {
        (0..20)
            .filter(|&i| body.contains(&member(i).value))
            .collect()
    }

    #[test]
    fn removal_is_applied_to_the_group_as_read_just_before_so_a_concurrent_add_stays() {
        let change = CrossChange::remove_from(person(), &[info("a"), info("b")], true);
        let mut r = run(change, false);
        let step = r.start();
        assert_eq!(
            step,
            CrossStep::Read {
                index: 0,
                group_id: "a".into()
            }
        );
        // Someone added user 9 to "a" after People's index was read.
        let now = group_with_id("a", "A", &[1, JANE, 9], 2, false);
        let (w, step) = r.on_reply(Reply::Read(Ok(now)), 0.5);
        assert!(w.is_none());
        let CrossStep::Write { request, .. } = step else {
            panic!("expected a write, got {step:?}")
        };
        assert_eq!(request.method, SaveMethod::Put);
        assert_eq!(ids(&request.body), vec![1, 9]);
        let saved = group_with_id("a", "A", &[1, 9], 3, false);
        let (w, step) = r.on_reply(Reply::Write(Ok(SaveAnswer::Group(saved))), 0.5);
        assert!(matches!(
            w.map(|w| w.outcome),
            Some(SaveOutcome::Saved { .. })
        ));
        assert_eq!(r.results()[0], GroupResult::Saved { members: 2 });
        assert_eq!(
            step,
            CrossStep::Read {
                index: 1,
                group_id: "b".into()
            }
        );
        // "b" no longer holds Jane: already done, nothing written.
        let b = group_with_id("b", "B", &[1, 2], 2, false);
        let (w, step) = r.on_reply(Reply::Read(Ok(b)), 0.5);
        assert!(w.is_none());
        assert_eq!(step, CrossStep::Done);
        assert_eq!(r.results()[1], GroupResult::AlreadyDone { members: 2 });
        let seen = r.take_seen().map(|g| g.id);
        assert_eq!(seen.as_deref(), Some("b"), "the index learns what b holds");
        assert_eq!(r.take_seen(), None);
        assert_eq!(summary(r.results()), "Saved 1 · already done 1");
    }

    #[test]
    fn with_etags_the_write_carries_if_match_and_a_412_reads_and_writes_once_more() {
        let change = CrossChange::add_to(person(), &[info("a")], &[]);
        let mut r = run(change, true);
        r.start();
        let (_, step) = r.on_reply(Reply::Read(Ok(group_with_id("a", "A", &[1], 4, true))), 0.5);
        let CrossStep::Write { request, .. } = step else {
            panic!("{step:?}")
        };
        assert_eq!(request.if_match.as_deref(), Some("W/\"4\""));
        let refused = answered(Operation::SaveGroup, 412);
        let (w, step) = r.on_reply(Reply::Write(Err(refused.clone())), 0.5);
        assert!(w.is_none());
        assert!(matches!(step, CrossStep::Read { index: 0, .. }));
        let (_, step) = r.on_reply(
            Reply::Read(Ok(group_with_id("a", "A", &[1, 2], 5, true))),
            0.5,
        );
        let CrossStep::Write { request, .. } = step else {
            panic!("{step:?}")
        };
        assert_eq!(request.if_match.as_deref(), Some("W/\"5\""));
        assert_eq!(ids(&request.body), vec![1, 2, JANE]);
        // A second 412 fails the group instead of looping.
        let (w, step) = r.on_reply(Reply::Write(Err(refused)), 0.5);
        assert!(w.is_some());
        assert_eq!(step, CrossStep::Done);
        assert!(matches!(
            &r.results()[0],
            GroupResult::Failed { retry: true, .. }
        ));
    }

    #[test]
    fn a_429_waits_and_reads_again_and_stop_then_ends_it() {
        let change = CrossChange::add_to(person(), &[info("a"), info("b")], &[]);
        let mut r = run(change.clone(), false);
        r.start();
        let limited = rate_limited(Operation::CheckGroup, Some(20));
        let (_, step) = r.on_reply(Reply::Read(Err(limited)), 0.5);
        assert_eq!(
            step,
            CrossStep::Wait {
                index: 0,
                seconds: 20
            }
        );
        assert!(matches!(r.after_wait(), CrossStep::Read { index: 0, .. }));
        // A 429 on the write: not applied, so the wait is followed by a fresh read.
        let (_, step) = r.on_reply(
            Reply::Read(Ok(group_with_id("a", "A", &[1], 1, false))),
            0.5,
        );
        assert!(matches!(step, CrossStep::Write { .. }));
        let (w, step) = r.on_reply(
            Reply::Write(Err(rate_limited(Operation::SaveGroup, None))),
            0.5,
        );
        assert!(w.is_none());
        let CrossStep::Wait { seconds, .. } = step else {
            panic!("{step:?}")
        };
        assert!(seconds >= 1);
        r.stop();
        assert_eq!(r.after_wait(), CrossStep::Done);
        assert_eq!(r.results(), &[GroupResult::Stopped, GroupResult::Stopped]);
        // Retry failed takes the stopped ones again.
        assert!(r.can_retry());
        assert_eq!(r.retry_failed(), 2);
        assert!(!r.can_retry());
        assert!(matches!(r.start(), CrossStep::Read { index: 0, .. }));
    }

    #[test]
    fn a_read_without_an_answer_is_tried_again_a_few_times_then_failed() {
        let mut r = run(CrossChange::add_to(person(), &[info("a")], &[]), false);
        r.start();
        let down = answered(Operation::CheckGroup, 502);
        for _ in 0..MAX_WAITS {
            let (_, step) = r.on_reply(Reply::Read(Err(down.clone())), 0.5);
            assert!(matches!(step, CrossStep::Wait { index: 0, .. }), "{step:?}");
            assert!(matches!(r.after_wait(), CrossStep::Read { index: 0, .. }));
        }
        let (_, step) = r.on_reply(Reply::Read(Err(down)), 0.5);
        assert_eq!(step, CrossStep::Done);
        assert!(matches!(
            &r.results()[0],
            GroupResult::Failed { retry: true, .. }
        ));
        // A refused input is not tried again.
        let mut r = run(CrossChange::add_to(person(), &[info("a")], &[]), false);
        r.start();
        let (_, step) = r.on_reply(Reply::Read(Err(answered(Operation::CheckGroup, 404))), 0.5);
        assert_eq!(step, CrossStep::Done);
    }

    #[test]
    fn with_if_match_and_patch_a_group_costs_one_request_and_a_412_reads_it() {
        let groups = [versioned("a", 4), versioned("b", 7), versioned("c", 1)];
        let mut r = run(CrossChange::remove_from(person(), &groups, true), true);
        // "a": the PATCH of Jane alone, If-Match from the index, no read.
        let step = r.start();
        let CrossStep::Write { request, .. } = step else {
            panic!("{step:?}")
        };
        assert_eq!(request.method, SaveMethod::Patch);
        assert_eq!(request.if_match.as_deref(), Some("W/\"4\""));
        assert_eq!(ids(&request.body), vec![JANE]);
        assert!(request.body.contains("remove"));
        // 204: the members are not known; the result counts from the index.
        let (w, step) = r.on_reply(
            Reply::Write(Ok(SaveAnswer::NoContent {
                etag: Some("W/\"5\"".into()),
            })),
            0.5,
        );
        let w = w.unwrap_or_else(|| panic!("no write reported"));
        let SaveOutcome::Saved { group } = &w.outcome else {
            panic!("{:?}", w.outcome)
        };
        assert_eq!(
            (group.members.as_ref(), group.meta.version.as_deref()),
            (None, Some("W/\"5\""))
        );
        assert_eq!(w.plan.diff.removed.len(), 1);
        assert_eq!(r.results()[0], GroupResult::Saved { members: 2 });
        // "b": changed since the index read it: 412, read, the delta on what is there.
        let CrossStep::Write { .. } = step else {
            panic!("{step:?}")
        };
        let (_, step) = r.on_reply(Reply::Write(Err(answered(Operation::SaveGroup, 412))), 0.5);
        assert!(matches!(step, CrossStep::Read { index: 1, .. }), "{step:?}");
        let now = group_with_id("b", "B", &[1, JANE, 9], 8, true);
        let (_, step) = r.on_reply(Reply::Read(Ok(now)), 0.5);
        let CrossStep::Write { request, .. } = step else {
            panic!("{step:?}")
        };
        assert_eq!(request.if_match.as_deref(), Some("W/\"8\""));
        let saved = group_with_id("b", "B", &[1, 9], 9, true);
        let (_, step) = r.on_reply(Reply::Write(Ok(SaveAnswer::Group(saved))), 0.5);
        assert_eq!(r.results()[1], GroupResult::Saved { members: 2 });
        // "c": Jane already left (the PATCH's target is gone: 400): read, already done.
        assert!(
            matches!(step, CrossStep::Write { index: 2, .. }),
            "{step:?}"
        );
        let (w, step) = r.on_reply(Reply::Write(Err(answered(Operation::SaveGroup, 400))), 0.5);
        assert!(w.is_none());
        assert!(matches!(step, CrossStep::Read { index: 2, .. }), "{step:?}");
        let c = group_with_id("c", "C", &[1], 2, true);
        let (_, step) = r.on_reply(Reply::Read(Ok(c)), 0.5);
        assert_eq!(step, CrossStep::Done);
        assert_eq!(r.results()[2], GroupResult::AlreadyDone { members: 1 });
        // Without PATCH, or without the index's version, the group is read first.
        let no_patch = SaveSettings {
            prefer_patch: false,
            features: ServerFeatures {
                no_patch: true,
                ..rfc7644()
            },
        };
        let stored = StoredRun {
            change: CrossChange::add_to(person(), &[versioned("a", 1)], &[]),
            results: vec![],
        };
        let mut r = CrossRun::new(stored, base(), no_patch);
        assert!(matches!(r.start(), CrossStep::Read { .. }));
        let mut r = run(CrossChange::add_to(person(), &[info("a")], &[]), true);
        assert!(matches!(r.start(), CrossStep::Read { .. }));
    }

    #[test]
    fn halted_the_group_in_flight_and_the_rest_are_left_to_resume() {
        let groups: Vec<GroupInfo> = ["a", "b"].iter().map(|i| info(i)).collect();
        let mut r = run(CrossChange::add_to(person(), &groups, &[]), false);
        r.start();
        r.halt();
        assert!(!r.is_running());
        assert_eq!(r.stored().left(), 2);
        // A reply arriving after it sends nothing.
        let (w, step) = r.on_reply(
            Reply::Read(Ok(group_with_id("a", "A", &[1], 1, false))),
            0.5,
        );
        assert!(w.is_none());
        assert_eq!(step, CrossStep::Done);
        assert!(matches!(r.start(), CrossStep::Read { index: 0, .. }));
    }

    #[test]
    fn stop_lets_the_group_in_flight_finish_and_marks_the_rest() {
        let groups: Vec<GroupInfo> = ["a", "b", "c"].iter().map(|i| info(i)).collect();
        let mut r = run(CrossChange::add_to(person(), &groups, &[]), false);
        r.start();
        let (_, step) = r.on_reply(
            Reply::Read(Ok(group_with_id("a", "A", &[1], 1, false))),
            0.5,
        );
        assert!(matches!(step, CrossStep::Write { .. }));
        r.stop();
        let saved = group_with_id("a", "A", &[1, JANE], 2, false);
        let (w, step) = r.on_reply(Reply::Write(Ok(SaveAnswer::Group(saved))), 0.5);
        assert!(w.is_some());
        assert_eq!(step, CrossStep::Done);
        assert_eq!(r.progress(), (3, 3));
        assert_eq!(summary(r.results()), "Saved 1 · stopped 2");
    }

    #[test]
    fn a_failure_is_kept_and_the_run_goes_on_and_a_stored_run_resumes_the_rest() {
        let groups: Vec<GroupInfo> = ["a", "b"].iter().map(|i| info(i)).collect();
        let mut r = run(CrossChange::remove_from(person(), &groups, false), false);
        r.start();
        let gone = answered(Operation::CheckGroup, 404);
        let (_, step) = r.on_reply(Reply::Read(Err(gone)), 0.5);
        assert!(matches!(step, CrossStep::Read { index: 1, .. }));
        assert!(
            matches!(&r.results()[0], GroupResult::Failed { retry: false, why } if why.contains("404"))
        );
        // The tab closes here: the stored run resumes with "b" (and "a" after Retry failed).
        let stored = r.stored();
        assert_eq!(stored.left(), 1);
        let back = StoredRun::from_text(&stored.to_text()).unwrap_or_else(|| panic!("{stored:?}"));
        let mut again = CrossRun::new(back, base(), SaveSettings::default());
        assert!(matches!(again.start(), CrossStep::Read { index: 1, .. }));
    }

    #[test]
    fn patch_sends_only_the_persons_operation() {
        let change = CrossChange::remove_from(person(), &[info("a")], false);
        let settings = SaveSettings {
            prefer_patch: true,
            features: omni(),
        };
        let stored = StoredRun {
            change,
            results: vec![],
        };
        let mut r = CrossRun::new(stored, base(), settings);
        r.start();
        let (_, step) = r.on_reply(
            Reply::Read(Ok(group_with_id("a", "A", &[1, JANE], 1, false))),
            0.5,
        );
        let CrossStep::Write { request, .. } = step else {
            panic!("{step:?}")
        };
        assert_eq!(request.method, SaveMethod::Patch);
        assert_eq!(ids(&request.body), vec![JANE]);
    }

    #[test]
    fn apply_delta_only_when_it_does_not_hold() {
        let p = member(JANE);
        assert_eq!(apply_delta(&members(&[1, JANE]), Direction::Add, &p), None);
        assert_eq!(apply_delta(&members(&[1]), Direction::Remove, &p), None);
        assert_eq!(
            apply_delta(&members(&[1]), Direction::Add, &p),
            Some(members(&[1, JANE]))
        );
        assert_eq!(
            apply_delta(&members(&[JANE, 1, JANE]), Direction::Remove, &p),
            Some(members(&[1]))
        );
    }
}
