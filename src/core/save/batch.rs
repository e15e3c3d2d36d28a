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
