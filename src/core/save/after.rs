//! What follows a save's outcome: the draft rebased on what was saved, the activity entry,
//! the wait after the server refused a save for load (429), and "apply my changes on top"
//! after a conflict. ("Reload" is the group as it is now: [`GroupDraft::from_group`].)

use super::plan::SavePlan;
use super::run::SaveOutcome;
use crate::core::activity::{ActivityEntry, GroupState, Outcome};
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
/// from the caller's clock). A failure's message is kept as its detail. A save that went
/// through keeps the group as it was before, for Restore: the plan's loaded group, which the
/// save checked was still the server's (the read before the write, or `If-Match`), unless it
/// was read without its members (a one-person PATCH across groups): then it is unknown.
pub fn activity_entry(plan: &SavePlan, outcome: &SaveOutcome, at: String) -> ActivityEntry {
    let (outcome, detail) = match outcome {
        SaveOutcome::Saved { .. } => (Outcome::Saved, None),
        SaveOutcome::Conflict { .. } => (Outcome::Conflict, None),
        SaveOutcome::Failed { error } => (Outcome::Failed, Some(error.to_string())),
    };
    let loaded = &plan.draft.loaded;
    let before = match (&loaded.members, outcome) {
        (Some(members), Outcome::Saved) => Some(GroupState {
            display_name: loaded.display_name.clone(),
            members: members.clone(),
        }),
        _ => None,
    };
    let no_before = (before.is_none() && outcome == Outcome::Saved).then(|| BEFORE_UNKNOWN.into());
    ActivityEntry {
        at,
        group_id: plan.group_id().to_string(),
        group_name: plan.draft.display_name.clone(),
        renamed: plan.diff.renamed.clone(),
        added: plan.diff.added.len(),
        removed: plan.diff.removed.len(),
        method: plan.request.method.as_str().into(),
        outcome,
        detail,
        before,
        no_before,
    }
}

/// Why a save has no Restore when its group was changed without reading its members.
pub const BEFORE_UNKNOWN: &str =
    "No Restore: this change was sent for one person without reading the group's members, so the group as it was before is unknown.";

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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::error::{ApiError, Operation};
    use crate::core::save::fixtures::*;
    use crate::core::save::plan::plan;

    #[test]
    fn rebase_takes_the_saved_group_when_nothing_changed_in_flight() {
        let loaded = group("Team", &[1, 2], 1, false);
        let sent = edited(&loaded, "Team", &[1, 2, 3]);
        let saved = group("Team", &[1, 2, 3], 2, false);
        let next = rebase(&sent, &sent, &saved);
        assert_eq!(next, GroupDraft::from_group(saved));
        assert!(!next.is_dirty());
    }

    #[test]
    fn rebase_keeps_edits_made_while_the_save_was_in_flight() {
        let loaded = group("Team", &[1, 2], 1, false);
        let sent = edited(&loaded, "Team", &[1, 2, 3]);
        let mut current = sent.clone();
        current.members.push(member(4));
        let saved = group("Team", &[1, 2, 3], 2, false);
        let next = rebase(&current, &sent, &saved);
        assert_eq!(next.loaded, saved);
        assert_eq!(next.members, members(&[1, 2, 3, 4]));
        // Still unsaved: only user 4 is left to save.
        assert_eq!(next.diff().added, members(&[4]));
        assert!(next.diff().removed.is_empty());
    }

    #[test]
    fn activity_entries_name_the_attempt_and_keep_a_failures_message() {
        let loaded = group("Team", &[1, 2], 1, false);
        let p = plan(
            &base(),
            edited(&loaded, "Team B", &[2, 3, 4]),
            &Default::default(),
        );
        let at = "2026-11-27T10:00:00.000Z".to_string();
        let saved = activity_entry(
            &p,
            &SaveOutcome::Saved {
                group: loaded.clone(),
            },
            at.clone(),
        );
        assert_eq!(
            saved,
            ActivityEntry {
                at: at.clone(),
                group_id: GROUP_ID.into(),
                group_name: "Team B".into(),
                renamed: Some(("Team".into(), "Team B".into())),
                added: 2,
                removed: 1,
                method: "PUT".into(),
                outcome: Outcome::Saved,
                detail: None,
                before: Some(GroupState {
                    display_name: "Team".into(),
                    members: members(&[1, 2]),
                }),
                no_before: None,
            }
        );
        let error = answered(Operation::SaveGroup, 409);
        let failed = activity_entry(
            &p,
            &SaveOutcome::Failed {
                error: error.clone(),
            },
            at.clone(),
        );
        assert_eq!(failed.outcome, Outcome::Failed);
        assert_eq!((failed.before, failed.no_before), (None, None));
        assert_eq!(failed.detail, Some(error.to_string()));
        assert!(error
            .to_string()
            .contains("another group already has this name"));
        let conflict = activity_entry(
            &p,
            &SaveOutcome::Conflict {
                current: loaded,
                theirs: Default::default(),
                mine: p.diff.clone(),
            },
            at,
        );
        assert_eq!(
            (conflict.outcome, conflict.detail),
            (Outcome::Conflict, None)
        );
    }

    #[test]
    fn a_save_read_without_members_has_no_before_and_says_why() {
        let mut loaded = group("Team", &[1, 2], 1, false);
        loaded.members = None;
        let p = plan(&base(), edited(&loaded, "Team", &[3]), &Default::default());
        let saved = SaveOutcome::Saved {
            group: group("Team", &[1, 2, 3], 2, false),
        };
        let e = activity_entry(&p, &saved, "2026-11-27T10:00:00.000Z".into());
        assert_eq!(e.before, None);
        assert_eq!(e.no_before.as_deref(), Some(BEFORE_UNKNOWN));
    }

    #[test]
    fn apply_mine_on_top_keeps_their_change_and_bases_the_draft_on_it() {
        let loaded = group("Team", &[1, 2, 3], 1, false);
        // I removed 1 and added 4; they removed 3 and added 5.
        let mine = edited(&loaded, "Team", &[2, 3, 4]).diff();
        let current = group("Team", &[1, 2, 5], 2, false);
        let draft = apply_mine_on_top(&current, &mine);
        assert_eq!(draft.loaded, current);
        assert_eq!(draft.members, members(&[2, 5, 4]));
        assert_eq!(draft.diff().added, members(&[4]));
        assert_eq!(draft.diff().removed, members(&[1]));
    }

    fn refused(retry_after: Option<u64>) -> SaveOutcome {
        SaveOutcome::Failed {
            error: rate_limited(Operation::SaveGroup, retry_after),
        }
    }

    #[test]
    fn the_wait_after_a_429_is_the_servers_at_least_one_second() {
        let mut refusals = RefusedSaves::default();
        assert_eq!(refusals.after(&refused(Some(12)), 0.5), Some(12));
        assert_eq!(refusals.after(&refused(Some(0)), 0.5), Some(1));
        assert_eq!(refusals.count(), 2);
    }

    #[test]
    fn without_retry_after_the_wait_grows_with_each_refused_save_in_a_row() {
        for jitter in [0.0, 0.5, 1.0] {
            let mut refusals = RefusedSaves::default();
            let waits: Vec<u64> = (0..6)
                .filter_map(|_| refusals.after(&refused(None), jitter))
                .collect();
            // From the second backoff step, 2–4 s, doubling to the 60 s cap.
            let (low, high) = ([2, 4, 8, 16, 30, 30], [4, 8, 16, 32, 60, 60]);
            for (i, w) in waits.iter().enumerate() {
                assert!((low[i]..=high[i]).contains(w), "{jitter}: {waits:?}");
            }
            assert!(waits.windows(2).all(|w| w[0] <= w[1]), "{waits:?}");
            assert_eq!(waits.len(), 6);
        }
    }

    #[test]
    fn only_a_save_that_got_through_or_a_conflict_ends_the_run_of_refusals() {
        let mut refusals = RefusedSaves::default();
        let _ = refusals.after(&refused(None), 0.0);
        let other = SaveOutcome::Failed {
            error: ApiError::timeout(Operation::SaveGroup, 30),
        };
        assert_eq!(refusals.after(&other, 0.0), None);
        assert_eq!(refusals.count(), 1, "a timeout leaves the count");
        assert_eq!(refusals.after(&refused(None), 0.0), Some(4));
        let saved = SaveOutcome::Saved {
            group: group("Team", &[1], 1, false),
        };
        assert_eq!(refusals.after(&saved, 0.0), None);
        assert_eq!(refusals.count(), 0);
        assert_eq!(refusals.after(&refused(None), 0.0), Some(2));
    }
}
