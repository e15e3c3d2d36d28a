//! Several groups saved one after another, each through its own [`SaveRun`]: "remove this
//! person from five groups" is five plans in one batch. One request is out at a time. A
//! conflict or a failure in one group does not stop the others; a 429 pauses the whole batch
//! (the limit is the key's, not the group's) until the admin resumes it after the wait.

use super::after::RefusedSaves;
use super::plan::SavePlan;
use super::run::{Reply, SaveOutcome, SaveRun, Step};
use std::collections::VecDeque;

/// What the driver of a batch does next.
// Made once per request of a batch, like `Step`, which it carries.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchStep {
    /// Plan `index`'s next request: `step` is [`Step::Read`] or [`Step::Write`]; answer it with
    /// [`SaveBatch::on_reply`].
    Send { index: usize, step: Step },
    /// Plan `index` was refused for load (429): nothing is sent until the admin calls
    /// [`SaveBatch::resume`], which is offered after `wait_seconds`.
    Paused { index: usize, wait_seconds: u64 },
    /// Every plan has its outcome, in plan order.
    Done(Vec<SaveOutcome>),
}

/// A queue of plans saved one at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveBatch {
    plans: Vec<SavePlan>,
    /// Each plan's latest outcome; `None` until it has one.
    outcomes: Vec<Option<SaveOutcome>>,
    todo: VecDeque<usize>,
    running: Option<(usize, SaveRun)>,
    paused: Option<(usize, u64)>,
    refused: RefusedSaves,
}

impl SaveBatch {
    /// Starts saving `plans` (from [`super::plan::plan_all`]: one per group) in their order.
    pub fn start(plans: Vec<SavePlan>) -> (Self, BatchStep) {
        let mut batch = Self {
            outcomes: vec![None; plans.len()],
            todo: (0..plans.len()).collect(),
            plans,
            running: None,
            paused: None,
            refused: RefusedSaves::default(),
        };
        let step = batch.advance();
        (batch, step)
    }

    pub fn plans(&self) -> &[SavePlan] {
        &self.plans
    }

    /// Each plan's outcome so far (`None`: not saved yet), for progress.
    pub fn outcomes(&self) -> &[Option<SaveOutcome>] {
        &self.outcomes
    }

    /// Takes the answer to the last [`BatchStep::Send`]; `jitter` (0..1) spreads the wait
    /// should it be a 429. Without a request out, nothing changes and the batch says where
    /// it stands.
    pub fn on_reply(&mut self, reply: Reply, jitter: f64) -> BatchStep {
        let Some((index, mut run)) = self.running.take() else {
            return self.standing();
        };
        match run.on_reply(reply) {
            Step::Done(outcome) => {
                let wait = self.refused.after(&outcome, jitter);
                self.outcomes[index] = Some(outcome);
                match wait {
                    Some(wait_seconds) => {
                        self.paused = Some((index, wait_seconds));
                        BatchStep::Paused {
                            index,
                            wait_seconds,
                        }
                    }
                    None => self.advance(),
                }
            }
            step => {
                self.running = Some((index, run));
                BatchStep::Send { index, step }
            }
        }
    }

    /// The admin's retry after a pause: the refused plan again, then the rest. `None` when the
    /// batch is not paused.
    pub fn resume(&mut self) -> Option<BatchStep> {
        let (index, _) = self.paused.take()?;
        self.todo.push_front(index);
        Some(self.advance())
    }

    /// The admin's retry once the batch is done: the plans that failed for a reason that may
    /// pass ([`crate::core::error::ApiError::is_transient`]: no answer, a server error, a 429)
    /// run again. Each checks the group first (or sends `If-Match`), so a write whose answer
    /// was lost is not applied twice. `None` while the batch is busy or when no plan may pass
    /// on a retry.
    pub fn retry_failed(&mut self) -> Option<BatchStep> {
        if self.running.is_some() || self.paused.is_some() || !self.todo.is_empty() {
            return None;
        }
        self.todo = self
            .outcomes
            .iter()
            .enumerate()
            .filter(
                |(_, o)| matches!(o, Some(SaveOutcome::Failed { error }) if error.is_transient()),
            )
            .map(|(i, _)| i)
            .collect();
        (!self.todo.is_empty()).then(|| self.advance())
    }

    /// Starts the next plan in the queue, or says the batch is done.
    fn advance(&mut self) -> BatchStep {
        let Some(index) = self.todo.pop_front() else {
            return self.standing();
        };
        // A run's first step is always a request (the check read, or the write).
        let (run, step) = SaveRun::start(self.plans[index].clone());
        self.running = Some((index, run));
        BatchStep::Send { index, step }
    }

    /// Where a batch with no request out stands: paused, or done.
    fn standing(&self) -> BatchStep {
        match self.paused {
            Some((index, wait_seconds)) => BatchStep::Paused {
                index,
                wait_seconds,
            },
            None => BatchStep::Done(self.outcomes.iter().flatten().cloned().collect()),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::error::{ApiError, Operation};
    use crate::core::model::Group;
    use crate::core::save::fixtures::*;
    use crate::core::save::plan::plan_all;
    use crate::core::save::run::SaveAnswer;

    /// Five groups of users 1–3 (ids g0…g4, Omni); the admin removes user 1 from each.
    fn five_plans() -> (Vec<Group>, Vec<SavePlan>) {
        let groups: Vec<Group> = (0..5)
            .map(|i| group_with_id(&format!("g{i}"), &format!("Team {i}"), &[1, 2, 3], 1, false))
            .collect();
        let drafts = groups.iter().map(|g| edited(g, &g.display_name, &[2, 3]));
        let plans = plan_all(&base(), drafts.collect(), &Default::default());
        (groups, plans)
    }

    /// Answers reads with the group as loaded, writes with the draft saved, except where
    /// `special` answers for a plan's read or write. Runs until the batch pauses or is done;
    /// returns each request as (plan index, is write).
    fn drive(
        batch: &mut SaveBatch,
        mut step: BatchStep,
        groups: &[Group],
        special: impl Fn(usize, bool) -> Option<Reply>,
    ) -> (Vec<(usize, bool)>, BatchStep) {
        let mut sent = Vec::new();
        while let BatchStep::Send { index, step: s } = &step {
            let index = *index;
            let is_write = matches!(s, Step::Write { .. });
            sent.push((index, is_write));
            let reply = special(index, is_write).unwrap_or_else(|| {
                if is_write {
                    let d = &batch.plans()[index].draft;
                    let mut saved = d.loaded.clone();
                    saved.members = Some(d.members.clone());
                    Reply::Write(Ok(SaveAnswer::Group(saved)))
                } else {
                    Reply::Read(Ok(groups[index].clone()))
                }
            });
            step = batch.on_reply(reply, 0.5);
        }
        (sent, step)
    }

    fn kinds(outcomes: &[SaveOutcome]) -> Vec<&'static str> {
        outcomes
            .iter()
            .map(|o| match o {
                SaveOutcome::Saved { .. } => "saved",
                SaveOutcome::Conflict { .. } => "conflict",
                SaveOutcome::Failed { .. } => "failed",
            })
            .collect()
    }

    #[test]
    fn five_groups_run_in_order_and_a_conflict_or_failure_does_not_stop_the_others() {
        let (groups, plans) = five_plans();
        let (mut batch, step) = SaveBatch::start(plans);
        let (sent, end) = drive(&mut batch, step, &groups, |i, write| match (i, write) {
            // Someone renamed g1; g3's write failed.
            (1, false) => Some(Reply::Read(Ok(group_with_id(
                "g1",
                "Other",
                &[1, 2, 3],
                2,
                false,
            )))),
            (3, true) => Some(Reply::Write(Err(answered(Operation::SaveGroup, 500)))),
            _ => None,
        });
        let expected = vec![
            (0, false),
            (0, true),
            (1, false),
            (2, false),
            (2, true),
            (3, false),
            (3, true),
            (4, false),
            (4, true),
        ];
        assert_eq!(sent, expected);
        let BatchStep::Done(outcomes) = end else {
            panic!("expected done, got {end:?}");
        };
        assert_eq!(
            kinds(&outcomes),
            vec!["saved", "conflict", "saved", "failed", "saved"]
        );
        assert!(batch.outcomes().iter().all(Option::is_some));
    }

    #[test]
    fn a_429_pauses_the_batch_until_the_admin_resumes_it() {
        let (groups, plans) = five_plans();
        let (mut batch, step) = SaveBatch::start(plans);
        let refused = rate_limited(Operation::SaveGroup, Some(30));
        let (sent, paused) = drive(&mut batch, step, &groups, |i, write| {
            (i == 1 && write).then(|| Reply::Write(Err(refused.clone())))
        });
        assert_eq!(sent, vec![(0, false), (0, true), (1, false), (1, true)]);
        assert_eq!(
            paused,
            BatchStep::Paused {
                index: 1,
                wait_seconds: 30
            }
        );
        // Nothing is sent while paused, whatever arrives.
        let stray = Reply::Read(Ok(groups[2].clone()));
        assert_eq!(batch.on_reply(stray, 0.5), paused);
        assert_eq!(batch.retry_failed(), None, "busy: paused");
        // The admin resumes: group 1 again from its check, then the rest.
        let Some(step) = batch.resume() else {
            panic!("a paused batch resumes");
        };
        assert_eq!(batch.resume(), None, "resumed once");
        let (sent, end) = drive(&mut batch, step, &groups, |_, _| None);
        assert_eq!(sent[..2], [(1, false), (1, true)]);
        assert_eq!(sent.len(), 8);
        let BatchStep::Done(outcomes) = end else {
            panic!("expected done, got {end:?}");
        };
        assert_eq!(kinds(&outcomes), vec!["saved"; 5]);
    }

    #[test]
    fn retry_failed_runs_again_only_the_groups_whose_failure_may_pass() {
        let (groups, plans) = five_plans();
        let (mut batch, step) = SaveBatch::start(plans);
        let (_, end) = drive(&mut batch, step, &groups, |i, write| match (i, write) {
            // Lost answer: may have gone through, worth a retry.
            (0, true) => Some(Reply::Write(Err(ApiError::timeout(
                Operation::SaveGroup,
                30,
            )))),
            // 409: the name is taken; the same save would fail the same way.
            (2, true) => Some(Reply::Write(Err(answered(Operation::SaveGroup, 409)))),
            _ => None,
        });
        assert!(
            matches!(end, BatchStep::Done(ref o) if kinds(o) == ["failed", "saved", "failed", "saved", "saved"])
        );
        let Some(step) = batch.retry_failed() else {
            panic!("a timed-out save may be retried");
        };
        // Group 0 was written after all: the retry's check finds my change and writes nothing.
        let held = group_with_id("g0", "Team 0", &[2, 3], 2, false);
        let (sent, end) = drive(&mut batch, step, &groups, |i, write| {
            (i == 0 && !write).then(|| Reply::Read(Ok(held.clone())))
        });
        assert_eq!(sent, vec![(0, false)]);
        let BatchStep::Done(outcomes) = end else {
            panic!("expected done, got {end:?}");
        };
        assert_eq!(
            kinds(&outcomes),
            vec!["saved", "saved", "failed", "saved", "saved"]
        );
        assert_eq!(batch.retry_failed(), None, "a 409 is not retried");
    }

    #[test]
    fn an_empty_batch_is_done_at_once() {
        let (batch, step) = SaveBatch::start(Vec::new());
        assert_eq!(step, BatchStep::Done(Vec::new()));
        assert!(batch.outcomes().is_empty());
    }
}
