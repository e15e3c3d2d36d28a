//! Unsaved edits kept in the tab's session storage, so a reload or a crashed tab loses nothing.
//! A stored draft holds the group as loaded (without its members) and the admin's change;
//! never the key.

use super::diff::{same_version, IdHasher, MembershipDiff};
use super::draft::GroupDraft;
use super::model::{Group, Member};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// Storage item name for a group's draft on the server (base URL) it was read from: a group of
/// the same ID on another server is another group, and never gets this draft offered.
pub fn storage_name(server: &str, group_id: &str) -> String {
    format!("omni-scim-panel.draft.{group_id}@{server}")
}

/// A draft kept as its change, not as two copies of the membership: a 50,000-member group's
/// lists are megabytes of JSON, more than a tab's session storage holds, while the change an
/// admin makes is a handful of members.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredDraft {
    /// Milliseconds since the Unix epoch when it was last written.
    pub saved_at_ms: u64,
    /// The group as loaded, without its members: id, name and `meta`.
    pub loaded: Group,
    /// Which members it had then: an order-independent hash of their IDs and their count.
    pub loaded_members: u64,
    /// The new display name, when it was changed.
    pub renamed: Option<String>,
    pub added: Vec<Member>,
    pub removed: Vec<Member>,
}

/// An order-independent hash of a membership's user IDs and their count (one number: a pair
/// cost the bundle its own JSON reader).
fn members_stamp(group: &Group) -> u64 {
    let members = group.members.as_deref().unwrap_or_default();
    members.iter().fold(members.len() as u64, |sum, m| {
        let mut h = IdHasher::default();
        h.write(m.value.as_bytes());
        sum.wrapping_add(h.finish())
    })
}

/// A draft restored onto the group as the server has it now.
pub struct Restored {
    pub draft: GroupDraft,
    /// False when the group changed on the server after the draft was kept: the change was
    /// applied on top of the server's current state, keeping what someone else did meanwhile.
    pub same_base: bool,
}

impl StoredDraft {
    pub fn from_draft(draft: &GroupDraft, now_ms: u64) -> Self {
        let diff = draft.diff();
        Self {
            saved_at_ms: now_ms,
            loaded: Group {
                id: draft.loaded.id.clone(),
                display_name: draft.loaded.display_name.clone(),
                members: None,
                meta: draft.loaded.meta.clone(),
            },
            loaded_members: members_stamp(&draft.loaded),
            renamed: diff.renamed.map(|(_, new)| new),
            added: diff.added,
            removed: diff.removed,
        }
    }

    /// True when it holds any change worth offering back.
    pub fn has_changes(&self) -> bool {
        self.renamed.is_some() || !self.added.is_empty() || !self.removed.is_empty()
    }

    /// This change applied to `current`, the group as just loaded. A save then checks against
    /// `current`, so nothing the server has now is overwritten unseen.
    pub fn restore_onto(self, current: &Group) -> Restored {
        let same_base =
            members_stamp(current) == self.loaded_members && same_version(&self.loaded, current);
        let change = MembershipDiff {
            renamed: self.renamed.map(|new| (String::new(), new)),
            added: Vec::new(),
            removed: self.removed,
            unchanged: 0,
        };
        let (display_name, members) = change.apply_to(current);
        let mut draft = GroupDraft {
            loaded: current.clone(),
            display_name,
            members,
        };
        // Added as by hand: a damaged or tampered draft cannot bring in a user twice or an ID
        // the editor refuses.
        draft.add_members(self.added);
        Restored { draft, same_base }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `None` for anything unreadable: a damaged draft is dropped, not a crash.
    pub fn parse(json: &str) -> Option<Self> {
        serde_json::from_str(json).ok()
    }
}

/// "just now", "5 minutes ago", "2 hours ago", "3 days ago".
pub fn describe_age(saved_at_ms: u64, now_ms: u64) -> String {
    let secs = now_ms.saturating_sub(saved_at_ms) / 1000;
    let (n, unit) = match secs {
        0..=59 => return "just now".to_string(),
        60..=3599 => (secs / 60, "minute"),
        3600..=86_399 => (secs / 3600, "hour"),
        _ => (secs / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::model::Meta;
    use proptest::prelude::*;

    fn member(id: &str) -> Member {
        Member {
            value: id.into(),
            display: Some(format!("{id}@example.org")),
        }
    }

    fn group(name: &str, ids: &[&str], modified: &str) -> Group {
        Group {
            id: "g1".into(),
            display_name: name.into(),
            members: Some(ids.iter().map(|i| member(i)).collect()),
            meta: Meta {
                last_modified: Some(modified.into()),
                ..Meta::default()
            },
        }
    }

    fn ids(restored: &Restored) -> Vec<&str> {
        restored
            .draft
            .members
            .iter()
            .map(|m| m.value.as_str())
            .collect()
    }

    #[test]
    fn round_trip_restores_the_same_draft_and_nothing_secret() {
        let loaded = group("Team", &["1", "2", "3"], "t1");
        let mut d = GroupDraft::from_group(loaded.clone());
        d.display_name = "Team 2".into();
        assert!(d.remove_member("2"));
        d.members.push(member("4"));
        let json = StoredDraft::from_draft(&d, 1000).to_json();
        assert!(!json.to_lowercase().contains("key") && !json.contains("Bearer"));
        let back = StoredDraft::parse(&json).map(|s| s.restore_onto(&loaded));
        let back = back.map(|r| (r.same_base, r.draft));
        assert_eq!(back, Some((true, d)));
        assert_eq!(StoredDraft::parse("{broken"), None);
        assert_eq!(
            storage_name("https://a.omniapp.co/api/scim/v2", "g1"),
            "omni-scim-panel.draft.g1@https://a.omniapp.co/api/scim/v2"
        );
        assert_ne!(
            storage_name("https://a", "g1"),
            storage_name("https://b", "g1")
        );
    }

    #[test]
    fn a_large_group_keeps_only_its_change() {
        let ids: Vec<String> = (0..50_000).map(|i| format!("user-{i:05}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let loaded = group("Everyone", &refs, "t1");
        let mut d = GroupDraft::from_group(loaded.clone());
        assert!(d.remove_member("user-04322"));
        let stored = StoredDraft::from_draft(&d, 0);
        assert!(stored.has_changes());
        let json = stored.to_json();
        assert!(json.len() < 400, "{} bytes: {json}", json.len());
        let restored = stored.restore_onto(&loaded);
        assert!(restored.same_base);
        assert_eq!(restored.draft, d);
        let unchanged = StoredDraft::from_draft(&GroupDraft::from_group(loaded), 0);
        assert!(!unchanged.has_changes());
    }

    #[test]
    fn a_group_changed_since_gets_the_change_on_top_of_its_state_now() {
        let loaded = group("Team", &["1", "2", "3"], "t1");
        let mut d = GroupDraft::from_group(loaded.clone());
        assert!(d.remove_member("1"));
        d.members.push(member("4"));
        let stored = StoredDraft::from_draft(&d, 0);
        // Meanwhile someone removed 3 and added 5; same name, same count.
        for now in [
            group("Team", &["1", "2", "5"], "t2"),
            group("Team", &["1", "2", "5"], "t1"),
            group("Team B", &["1", "2", "3"], "t1"),
        ] {
            let restored = stored.clone().restore_onto(&now);
            assert!(!restored.same_base, "{now:?}");
            assert_eq!(restored.draft.loaded, now);
        }
        let restored = stored.restore_onto(&group("Team", &["1", "2", "5"], "t2"));
        assert_eq!(ids(&restored), ["2", "5", "4"]);
        assert_eq!(restored.draft.display_name, "Team");
    }

    #[test]
    fn a_tampered_draft_adds_only_what_adding_by_hand_accepts() {
        let loaded = group("Team", &["1", "2"], "t1");
        let mut stored = StoredDraft::from_draft(&GroupDraft::from_group(loaded.clone()), 0);
        stored.added = ["4", " 4\n", "2", "", "a b", "5"].map(member).to_vec();
        assert_eq!(ids(&stored.restore_onto(&loaded)), ["1", "2", "4", "5"]);
    }

    proptest! {
        /// Whatever the edits, the kept change restored onto the same group is the same draft.
        #[test]
        fn restoring_onto_the_same_group_gives_the_same_draft(
            n in 0usize..40,
            removes in proptest::collection::vec(0usize..40, 0..10),
            adds in proptest::collection::vec(40usize..80, 0..10),
            rename in proptest::option::of("[a-z ]{0,8}"),
        ) {
            let ids: Vec<String> = (0..n).map(|i| i.to_string()).collect();
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let loaded = group("Team", &refs, "t1");
            let mut d = GroupDraft::from_group(loaded.clone());
            for r in removes {
                d.remove_member(&r.to_string());
            }
            for a in adds {
                let _ = d.add_member(&a.to_string(), "");
            }
            if let Some(name) = rename {
                d.display_name = name;
            }
            let json = StoredDraft::from_draft(&d, 0).to_json();
            let stored = StoredDraft::parse(&json);
            prop_assert!(stored.is_some());
            if let Some(stored) = stored {
                prop_assert_eq!(stored.has_changes(), d.is_dirty());
                let restored = stored.restore_onto(&loaded);
                prop_assert!(restored.same_base);
                prop_assert_eq!(restored.draft, d);
            }
        }
    }

    #[test]
    fn ages() {
        assert_eq!(describe_age(0, 30_000), "just now");
        assert_eq!(describe_age(0, 60_000), "1 minute ago");
        assert_eq!(describe_age(0, 5 * 60_000), "5 minutes ago");
        assert_eq!(describe_age(0, 2 * 3_600_000), "2 hours ago");
        assert_eq!(describe_age(0, 3 * 86_400_000), "3 days ago");
        assert_eq!(describe_age(10, 0), "just now");
    }
}
