//! One save, decided and carried out in plain Rust: the browser layer only moves its requests.
//!
//! - [`plan`]: what a save of one group will send and what the review shows, decided once
//!   ([`plan::plan`]); for many groups, one plan per changed group ([`plan::plan_all`]).
//! - [`run`]: one group's save as a state machine ([`run::SaveRun`]): it says which request to
//!   send next ([`run::Step`]), is told the answer ([`run::Reply`]), and ends in one
//!   [`run::SaveOutcome`].
//! - [`rename`]: a rename's check for another group with the new name, before the save runs.
//! - [`batch`]: several plans run one after another through the same [`run::SaveRun`].
//! - [`after`]: what follows an outcome: the rebased draft, the activity entry, the wait after a
//!   429, "apply my changes on top" after a conflict.
//!
//! A driver is a short loop:
//!
//! ```text
//! let (mut run, mut step) = SaveRun::start(plan);
//! let outcome = loop {
//!     step = match step {
//!         Step::Read { group_id } => run.on_reply(Reply::Read(client.check_group(&group_id).await)),
//!         Step::Write { group_id, request } => run.on_reply(Reply::Write(client.save(&request, &group_id).await)),
//!         Step::Done(outcome) => break outcome,
//!     };
//! };
//! ```

pub mod after;
pub mod batch;
pub mod plan;
pub mod rename;
pub mod run;

pub use after::{activity_entry, apply_mine_on_top, rebase, RefusedSaves};
pub use batch::{BatchStep, SaveBatch};
pub use plan::{plan, plan_all, SavePlan, SaveSettings};
pub use run::{Reply, SaveAnswer, SaveOutcome, SaveRun, Step};

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod fixtures;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
