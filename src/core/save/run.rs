//! One group's save as a state machine, free of any browser type: it names the next request
//! ([`Step`]), is told its answer ([`Reply`]), and ends in one [`SaveOutcome`].
//!
//! Without `If-Match` (Omni) the group is read first, and the write is sent only if nobody
//! changed it since it was loaded: 2 requests (a rename's look for its new name comes before
//! the run: [`super::rename`]). With `If-Match`, the write alone; a 412 is a
//! conflict, and the group is read once to show what changed. A write is sent at most once: a
//! save is never repeated behind the admin's back.

use super::plan::SavePlan;
use crate::core::diff::{unchanged_since_load, MembershipDiff};
use crate::core::error::{ApiError, ErrorKind, Operation};
use crate::core::model::{Group, Meta};
use crate::core::save_request::SaveRequest;

/// What a successful write answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveAnswer {
    /// The group as the server now has it.
    Group(Group),
    /// 204 without a body; `etag` is the new version where the server sent one.
    NoContent { etag: Option<String> },
}

/// What the driver does next.
// A step is made and taken once per request: boxing `Write` would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Read the group as it is now (the check before a save, or after a 412), then answer
    /// with [`Reply::Read`].
    Read { group_id: String },
    /// Send `request` exactly as it is, once, then answer with [`Reply::Write`].
    Write {
        group_id: String,
        request: SaveRequest,
    },
    /// The save is over: nothing more is sent.
    Done(SaveOutcome),
}

/// The answer to the last [`Step`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Read(Result<Group, ApiError>),
    Write(Result<SaveAnswer, ApiError>),
}

/// How a save ended.
// One outcome per save: boxing `Conflict` would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    /// The group as the server now has it: the write's answer, or the group as read when it
    /// already held the change (an earlier attempt whose answer was lost).
    Saved { group: Group },
    /// Someone else changed the group since it was loaded; this save wrote nothing.
    Conflict {
        /// The group as the server has it now.
        current: Group,
        /// What they changed, from the loaded state to `current`.
        theirs: MembershipDiff,
        /// What the admin changed, from the loaded state.
        mine: MembershipDiff,
    },
    /// The save failed; the error says why, and whether it may have gone through.
    Failed { error: ApiError },
}

/// Where a run is: which answer it waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    /// The read before the write is out.
    Checking,
    /// The write is out; `checked` is the group as read just before it, if it was.
    Writing { checked: Option<Group> },
    /// The write was refused with 412 (`refused`); the read that shows what changed is out.
    Rereading { refused: ApiError },
    /// The outcome was given.
    Finished,
}

/// One group's save, from its plan to its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveRun {
    plan: SavePlan,
    state: State,
}

impl SaveRun {
    /// Starts saving `plan`: the first step is the check read, or the write with `If-Match`.
    pub fn start(plan: SavePlan) -> (Self, Step) {
        let check_first = plan.check_first;
        let mut run = Self {
            plan,
            state: State::Checking,
        };
        let step = if check_first {
            run.read()
        } else {
            run.write(None)
        };
        (run, step)
    }

    pub fn plan(&self) -> &SavePlan {
        &self.plan
    }

    /// The plan back, once the run is over: what follows the outcome (the activity entry, the
    /// rebase) needs it, and a 50,000-member plan is not worth a copy.
    pub fn into_plan(self) -> SavePlan {
        self.plan
    }

    /// Takes the answer to the last step and says what comes next. A reply that answers no
    /// step (one of the wrong kind, or after the end) is a driver's mistake: the run then ends
    /// as cancelled and sends nothing more.
    pub fn on_reply(&mut self, reply: Reply) -> Step {
        let state = std::mem::replace(&mut self.state, State::Finished);
        let outcome = match (state, reply) {
            (State::Checking, Reply::Read(Ok(current))) => {
                if unchanged_since_load(&self.plan.draft.loaded, &current) {
                    return self.write(Some(current));
                }
                self.judge(current)
            }
            (State::Writing { .. }, Reply::Write(Ok(SaveAnswer::Group(group)))) => {
                SaveOutcome::Saved { group }
            }
            (State::Writing { checked }, Reply::Write(Ok(SaveAnswer::NoContent { etag }))) => {
                SaveOutcome::Saved {
                    group: self.applied(checked, etag),
                }
            }
            // The 412 answers the If-Match; without one, the read just before was the check,
            // and a third request is not spent.
            (State::Writing { .. }, Reply::Write(Err(refused)))
                if refused.kind == ErrorKind::Changed && !self.plan.check_first =>
            {
                self.state = State::Rereading { refused };
                return self.read();
            }
            (State::Rereading { .. }, Reply::Read(Ok(current))) => self.judge(current),
            // What changed could not be read: the 412 is what the admin is told.
            (State::Rereading { refused }, Reply::Read(Err(_))) => {
                SaveOutcome::Failed { error: refused }
            }
            (State::Checking, Reply::Read(Err(error)))
            | (State::Writing { .. }, Reply::Write(Err(error))) => SaveOutcome::Failed { error },
            (state, _) => {
                let operation = if matches!(state, State::Writing { .. }) {
                    Operation::SaveGroup
                } else {
                    Operation::CheckGroup
                };
                SaveOutcome::Failed {
                    error: ApiError::without_answer(operation, ErrorKind::Cancelled),
                }
            }
        };
        Step::Done(outcome)
    }

    fn read(&self) -> Step {
        Step::Read {
            group_id: self.plan.group_id().to_string(),
        }
    }

    fn write(&mut self, checked: Option<Group>) -> Step {
        self.state = State::Writing { checked };
        Step::Write {
            group_id: self.plan.group_id().to_string(),
            request: self.plan.request.clone(),
        }
    }

    /// The group as read, once it is known to differ from what was loaded (or after a 412).
    fn judge(&self, current: Group) -> SaveOutcome {
        let draft = &self.plan.draft;
        // The server may already hold this change: an earlier attempt whose answer was lost or
        // unreadable. That is a success, not someone else's conflicting change.
        if current.holds(&draft.display_name, &draft.members) {
            return SaveOutcome::Saved { group: current };
        }
        SaveOutcome::Conflict {
            theirs: MembershipDiff::from_group(
                &draft.loaded,
                &current.display_name,
                current.members.as_deref().unwrap_or_default(),
            ),
            mine: self.plan.diff.clone(),
            current,
        }
    }

    /// A 204 without a body: the result is the change applied to the state it was based on
    /// (the group as checked, else as loaded); its new version is the ETag, so the next save
    /// can still use If-Match.
    fn applied(&self, checked: Option<Group>, etag: Option<String>) -> Group {
        let base = checked.as_ref().unwrap_or(&self.plan.draft.loaded);
        let (display_name, members) = self.plan.diff.apply_to(base);
        Group {
            id: base.id.clone(),
            display_name,
            members: Some(members),
            meta: Meta {
                last_modified: None,
                version: etag,
            },
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::error::Operation;
    use crate::core::save::fixtures::*;
    use crate::core::save::plan::{plan, SaveSettings};
    use crate::core::save_request::SaveMethod;

    /// Runs `plan` answering each request with the next of `replies`; returns the requests
    /// sent and the outcome. Fails the test if the run asks for more than was scripted.
    fn drive(plan: SavePlan, replies: Vec<Reply>) -> (Vec<Step>, SaveOutcome) {
        let (mut run, mut step) = SaveRun::start(plan);
        let mut sent = Vec::new();
        let mut replies = replies.into_iter();
        loop {
            if let Step::Done(outcome) = step {
                assert_eq!(replies.next(), None, "replies left over");
                return (sent, outcome);
            }
            sent.push(step.clone());
            let reply = replies
                .next()
                .unwrap_or_else(|| panic!("unscripted request {step:?}"));
            step = run.on_reply(reply);
        }
    }

    fn read(group_id: &str) -> Step {
        Step::Read {
            group_id: group_id.into(),
        }
    }

    fn write(plan: &SavePlan) -> Step {
        Step::Write {
            group_id: plan.group_id().into(),
            request: plan.request.clone(),
        }
    }

    /// Loaded with users 1–3; the admin removes 1 and adds 4.
    fn omni_plan(method_patch: bool) -> SavePlan {
        let loaded = group("Data Wranglers", &[1, 2, 3], 1, false);
        plan(
            &base(),
            edited(&loaded, "Data Wranglers", &[2, 3, 4]),
            &SaveSettings {
                prefer_patch: method_patch,
                features: omni(),
            },
        )
    }

    fn etag_plan() -> SavePlan {
        let loaded = group("Data Wranglers", &[1, 2, 3], 1, true);
        plan(
            &base(),
            edited(&loaded, "Data Wranglers", &[2, 3, 4]),
            &SaveSettings {
                prefer_patch: false,
                features: rfc7644(),
            },
        )
    }

    #[test]
    fn omni_reads_first_and_writes_when_nobody_changed_the_group() {
        let p = omni_plan(false);
        let loaded = p.draft.loaded.clone();
        let saved = group("Data Wranglers", &[2, 3, 4], 2, false);
        let (sent, outcome) = drive(
            p.clone(),
            vec![
                Reply::Read(Ok(loaded)),
                Reply::Write(Ok(SaveAnswer::Group(saved.clone()))),
            ],
        );
        assert_eq!(sent, vec![read(GROUP_ID), write(&p)]);
        assert_eq!(p.request.if_match, None);
        assert_eq!(outcome, SaveOutcome::Saved { group: saved });
    }

    #[test]
    fn omni_change_by_someone_else_is_a_conflict_with_both_diffs_and_no_write() {
        let p = omni_plan(false);
        // They added user 5 meanwhile.
        let current = group("Data Wranglers", &[1, 2, 3, 5], 2, false);
        let (sent, outcome) = drive(p.clone(), vec![Reply::Read(Ok(current.clone()))]);
        assert_eq!(sent, vec![read(GROUP_ID)]);
        let SaveOutcome::Conflict {
            current: c,
            theirs,
            mine,
        } = outcome
        else {
            panic!("expected a conflict, got {outcome:?}");
        };
        assert_eq!(c, current);
        assert_eq!(theirs.added, members(&[5]));
        assert!(theirs.removed.is_empty() && theirs.renamed.is_none());
        assert_eq!(mine, p.diff);
        assert_eq!(mine.added, members(&[4]));
        assert_eq!(mine.removed, members(&[1]));
    }

    #[test]
    fn omni_group_already_holding_my_change_is_saved_without_a_write() {
        let p = omni_plan(false);
        // An earlier attempt went through but its answer was lost: the server has it.
        let current = group("Data Wranglers", &[4, 3, 2], 2, false);
        let (sent, outcome) = drive(p, vec![Reply::Read(Ok(current.clone()))]);
        assert_eq!(sent, vec![read(GROUP_ID)]);
        assert_eq!(outcome, SaveOutcome::Saved { group: current });
    }

    #[test]
    fn a_failed_check_read_fails_the_save_without_a_write() {
        let p = omni_plan(false);
        let error = ApiError::timeout(Operation::CheckGroup, 30);
        let (sent, outcome) = drive(p, vec![Reply::Read(Err(error.clone()))]);
        assert_eq!(sent, vec![read(GROUP_ID)]);
        assert_eq!(outcome, SaveOutcome::Failed { error });
    }

    #[test]
    fn etag_write_carries_if_match_and_a_2xx_is_saved_in_one_request() {
        let p = etag_plan();
        assert_eq!(p.request.if_match.as_deref(), Some("W/\"1\""));
        assert!(!p.check_first);
        let saved = group("Data Wranglers", &[2, 3, 4], 2, true);
        let (sent, outcome) = drive(
            p.clone(),
            vec![Reply::Write(Ok(SaveAnswer::Group(saved.clone())))],
        );
        assert_eq!(sent, vec![write(&p)]);
        assert_eq!(outcome, SaveOutcome::Saved { group: saved });
    }

    #[test]
    fn etag_412_reads_once_and_is_saved_when_the_group_holds_my_change() {
        let p = etag_plan();
        let refused = answered(Operation::SaveGroup, 412);
        // My own earlier write, whose answer was lost, moved the version on.
        let current = group("Data Wranglers", &[2, 3, 4], 2, true);
        let (sent, outcome) = drive(
            p.clone(),
            vec![Reply::Write(Err(refused)), Reply::Read(Ok(current.clone()))],
        );
        assert_eq!(sent, vec![write(&p), read(GROUP_ID)]);
        assert_eq!(outcome, SaveOutcome::Saved { group: current });
    }

    #[test]
    fn etag_412_reads_once_and_is_a_conflict_when_the_group_differs() {
        let p = etag_plan();
        let refused = answered(Operation::SaveGroup, 412);
        let current = group("Wranglers", &[1, 2, 3], 2, true);
        let (sent, outcome) = drive(
            p.clone(),
            vec![Reply::Write(Err(refused)), Reply::Read(Ok(current.clone()))],
        );
        assert_eq!(sent, vec![write(&p), read(GROUP_ID)]);
        let SaveOutcome::Conflict { theirs, mine, .. } = outcome else {
            panic!("expected a conflict, got {outcome:?}");
        };
        assert_eq!(
            theirs.renamed,
            Some(("Data Wranglers".into(), "Wranglers".into()))
        );
        assert!(theirs.added.is_empty() && theirs.removed.is_empty());
        assert_eq!(mine, p.diff);
    }

    #[test]
    fn etag_412_then_a_failed_read_fails_with_the_412() {
        let p = etag_plan();
        let refused = answered(Operation::SaveGroup, 412);
        let (sent, outcome) = drive(
            p.clone(),
            vec![
                Reply::Write(Err(refused.clone())),
                Reply::Read(Err(answered(Operation::CheckGroup, 503))),
            ],
        );
        assert_eq!(sent, vec![write(&p), read(GROUP_ID)]);
        assert_eq!(outcome, SaveOutcome::Failed { error: refused });
    }

    #[test]
    fn a_412_to_a_write_without_if_match_costs_no_third_request() {
        let p = omni_plan(false);
        let refused = answered(Operation::SaveGroup, 412);
        let (sent, outcome) = drive(
            p.clone(),
            vec![
                Reply::Read(Ok(p.draft.loaded.clone())),
                Reply::Write(Err(refused.clone())),
            ],
        );
        assert_eq!(sent.len(), 2);
        assert!(sent.len() <= usize::from(p.max_requests));
        assert_eq!(outcome, SaveOutcome::Failed { error: refused });
    }

    #[test]
    fn no_content_is_the_diff_applied_to_the_checked_group_with_the_etag_as_version() {
        let p = omni_plan(true);
        assert_eq!(p.request.method, SaveMethod::Patch);
        // The check shows the same members in another order, and no lastModified: unchanged.
        let mut checked = group("Data Wranglers", &[3, 2, 1], 1, false);
        checked.meta.last_modified = None;
        let (_, outcome) = drive(
            p,
            vec![
                Reply::Read(Ok(checked)),
                Reply::Write(Ok(SaveAnswer::NoContent {
                    etag: Some("W/\"7\"".into()),
                })),
            ],
        );
        let SaveOutcome::Saved { group: saved } = outcome else {
            panic!("expected saved, got {outcome:?}");
        };
        assert_eq!(saved.id, GROUP_ID);
        assert_eq!(saved.display_name, "Data Wranglers");
        // The checked group's order, 1 removed, 4 added at the end.
        assert_eq!(saved.members, Some(members(&[3, 2, 4])));
        assert_eq!(saved.meta.version.as_deref(), Some("W/\"7\""));
        assert_eq!(saved.meta.last_modified, None);
    }

    #[test]
    fn no_content_with_if_match_is_the_diff_applied_to_the_loaded_group() {
        let p = etag_plan();
        let (sent, outcome) = drive(
            p.clone(),
            vec![Reply::Write(Ok(SaveAnswer::NoContent { etag: None }))],
        );
        assert_eq!(sent.len(), 1);
        let SaveOutcome::Saved { group: saved } = outcome else {
            panic!("expected saved, got {outcome:?}");
        };
        assert_eq!(saved.members, Some(members(&[2, 3, 4])));
        assert_eq!(saved.meta.version, None);
    }

    #[test]
    fn a_429_fails_the_save_with_the_servers_wait() {
        let p = etag_plan();
        let error = rate_limited(Operation::SaveGroup, Some(12));
        let (sent, outcome) = drive(p, vec![Reply::Write(Err(error.clone()))]);
        assert_eq!(sent.len(), 1);
        assert_eq!(
            error.kind,
            ErrorKind::RateLimited {
                wait_seconds: Some(12)
            }
        );
        assert_eq!(outcome, SaveOutcome::Failed { error });
    }

    #[test]
    fn replies_out_of_turn_end_the_run_without_another_request() {
        let p = omni_plan(false);
        let (mut run, _) = SaveRun::start(p.clone());
        let step = run.on_reply(Reply::Write(Ok(SaveAnswer::NoContent { etag: None })));
        assert_eq!(
            step,
            Step::Done(SaveOutcome::Failed {
                error: ApiError::without_answer(Operation::CheckGroup, ErrorKind::Cancelled)
            })
        );
        // After the end, nothing more is asked for either.
        let again = run.on_reply(Reply::Read(Ok(p.draft.loaded.clone())));
        assert!(matches!(again, Step::Done(SaveOutcome::Failed { .. })));
        // A read answering a write: the write's fate is unknown, so it is the save that failed.
        let (mut run, _) = SaveRun::start(etag_plan());
        let step = run.on_reply(Reply::Read(Ok(p.draft.loaded.clone())));
        assert!(matches!(
            step,
            Step::Done(SaveOutcome::Failed { error }) if error.operation == Operation::SaveGroup
        ));
    }
}
