//! What follows a save's outcome: the draft rebased on what was saved, the activity entry,
//! the wait after the server refused a save for load (429), and "apply my changes on top"
//! after a conflict. ("Reload" is the group as it is now: [`GroupDraft::from_group`].)

use super::plan::SavePlan;
use super::run::SaveOutcome;
use crate::core::activity::{ActivityEntry, Outcome};
use crate::core::diff::MembershipDiff;
use crate::core::draft::GroupDraft;
use crate::core::error::ErrorKind;
use crate::core::model::Group;
use crate::core::retry::{self, ceil_seconds};

/// The draft after `saved` came back for the draft `sent`: the saved group, unless the admin
/// edited on while the save was in flight (`current` differs from `sent`); those edits are
/// kept, now based on what was saved.
pub fn rebase(current: &GroupDraft, sent: &GroupDraft, saved: &Group) -> GroupDraft {
    if current == sent {
        GroupDraft::from_group(saved.clone())
    } else {
        GroupDraft {
            loaded: saved.clone(),
            ..current.clone()
        }
    }
}

/// The activity log's line for an attempt at `plan` that ended in `outcome`, at `at` (ISO 8601,
/// from the caller's clock). A failure's message is kept as its detail.
pub fn activity_entry(plan: &SavePlan, outcome: &SaveOutcome, at: String) -> ActivityEntry {
    let (outcome, detail) = match outcome {
        SaveOutcome::Saved { .. } => (Outcome::Saved, None),
        SaveOutcome::Conflict { .. } => (Outcome::Conflict, None),
        SaveOutcome::Failed { error } => (Outcome::Failed, Some(error.to_string())),
    };
    ActivityEntry {
        at,
        group_id: plan.group_id().to_string(),
        group_name: plan.draft.display_name.clone(),
        renamed: plan.diff.renamed.clone(),
        added: plan.diff.added.len(),
        removed: plan.diff.removed.len(),
        method: plan.request.method.as_str(),
        outcome,
        detail,
    }
}

/// "Apply my changes on top" after a conflict: the admin's change (`mine`) applied to the group
/// as the server has it now, as a draft based on it, so their change is kept too.
pub fn apply_mine_on_top(current: &Group, mine: &MembershipDiff) -> GroupDraft {
    let (display_name, members) = mine.apply_to(current);
    GroupDraft {
        loaded: current.clone(),
        display_name,
        members,
    }
}

/// Saves refused with 429 in a row, which sets the wait before the admin may retry. A save is
/// never sent again by itself: the wait only holds the Retry button back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RefusedSaves(u32);

impl RefusedSaves {
    /// Counts `outcome` in. After a 429: the seconds to wait, which are the server's
    /// `Retry-After` when it sent one, else a backoff growing with each refused save in a row,
    /// `jitter` (0..1, e.g. `Math.random()`) spreading it; at least 1 s. Any other failure
    /// leaves the count; a save that got through, or a conflict, ends the run of refusals.
    pub fn after(&mut self, outcome: &SaveOutcome, jitter: f64) -> Option<u64> {
        let SaveOutcome::Failed { error } = outcome else {
            self.0 = 0;
            return None;
        };
        let ErrorKind::RateLimited { wait_seconds } = error.kind else {
            return None;
        };
        self.0 = self.0.saturating_add(1);
        // From the second backoff step (2–4 s): a save costs two requests.
        let backoff = || ceil_seconds(retry::READS.backoff_ms(self.0.saturating_add(1), jitter));
        Some(wait_seconds.unwrap_or_else(backoff).max(1))
    }

    /// Refused saves in a row so far.
    pub fn count(self) -> u32 {
        self.0
    }
}
