//! Membership change between two states of a group: what a save would do, what someone else
//! did meanwhile, and re-basing the admin's change onto the server's current state.

use super::model::{Group, Member};
use std::collections::HashSet;

/// What changes from `before` to `after`. Members are compared by user ID (`value`) only;
/// `display` is informational.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MembershipDiff {
    /// `(old, new)` when the display name changes.
    pub renamed: Option<(String, String)>,
    pub added: Vec<Member>,
    pub removed: Vec<Member>,
    pub unchanged: usize,
}

impl MembershipDiff {
    /// O(n + m) with hash sets, so 50,000 against 50,000 members stays fast.
    pub fn between(
        before_name: &str,
        before: &[Member],
        after_name: &str,
        after: &[Member],
    ) -> Self {
        let before_ids: HashSet<&str> = before.iter().map(|m| m.value.as_str()).collect();
        let after_ids: HashSet<&str> = after.iter().map(|m| m.value.as_str()).collect();
        let mut seen = HashSet::with_capacity(after.len());
        let added = after
            .iter()
            .filter(|m| !before_ids.contains(m.value.as_str()) && seen.insert(m.value.as_str()))
            .cloned()
            .collect();
        let mut seen = HashSet::with_capacity(before.len());
        let removed = before
            .iter()
            .filter(|m| !after_ids.contains(m.value.as_str()) && seen.insert(m.value.as_str()))
            .cloned()
            .collect();
        let unchanged = before_ids.intersection(&after_ids).count();
        let renamed =
            (before_name != after_name).then(|| (before_name.to_string(), after_name.to_string()));
        Self {
            renamed,
            added,
            removed,
            unchanged,
        }
    }

    /// The change from a group as loaded to another state of it.
    pub fn from_group(loaded: &Group, name: &str, members: &[Member]) -> Self {
        Self::between(
            &loaded.display_name,
            loaded.members.as_deref().unwrap_or_default(),
            name,
            members,
        )
    }

    pub fn is_empty(&self) -> bool {
        self.renamed.is_none() && self.added.is_empty() && self.removed.is_empty()
    }

    /// Applies this change on top of `current` (the server's state now): its rename, its adds
    /// (unless already there) and its removes (where still there). Everything else the server
    /// has now is kept, so someone else's concurrent change survives.
    pub fn apply_to(&self, current: &Group) -> (String, Vec<Member>) {
        let name = match &self.renamed {
            Some((_, new)) => new.clone(),
            None => current.display_name.clone(),
        };
        let removed: HashSet<&str> = self.removed.iter().map(|m| m.value.as_str()).collect();
        let mut members: Vec<Member> = current
            .members
            .as_deref()
            .unwrap_or_default()
            .iter()
            .filter(|m| !removed.contains(m.value.as_str()))
            .cloned()
            .collect();
        let present: HashSet<&str> = members.iter().map(|m| m.value.as_str()).collect();
        let new: Vec<Member> = self
            .added
            .iter()
            .filter(|m| !present.contains(m.value.as_str()))
            .cloned()
            .collect();
        members.extend(new);
        (name, members)
    }
}

/// True when the server's group is still the one that was loaded: same name, same member set,
/// same `meta.lastModified` (when both carry one) and same `meta.version` (when both carry one).
pub fn unchanged_since_load(loaded: &Group, current: &Group) -> bool {
    let same_stamp = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    fn ids(g: &Group) -> HashSet<&str> {
        g.members
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|m| m.value.as_str())
            .collect()
    }
    loaded.display_name == current.display_name
        && same_stamp(&loaded.meta.last_modified, &current.meta.last_modified)
        && same_stamp(&loaded.meta.version, &current.meta.version)
        && ids(loaded) == ids(current)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::model::Meta;
    use proptest::prelude::*;

    fn m(id: &str) -> Member {
        Member {
            value: id.into(),
            display: Some(format!("{id}@example.org")),
        }
    }

    fn group(name: &str, ids: &[&str], modified: &str) -> Group {
        Group {
            id: "g1".into(),
            display_name: name.into(),
            members: Some(ids.iter().map(|i| m(i)).collect()),
            meta: Meta {
                last_modified: Some(modified.into()),
                ..Meta::default()
            },
        }
    }

    #[test]
    fn diff_counts_adds_removes_and_rename() {
        let d = MembershipDiff::between(
            "A",
            &[m("1"), m("2"), m("3")],
            "B",
            &[m("2"), m("3"), m("4")],
        );
        assert_eq!(d.renamed, Some(("A".into(), "B".into())));
        assert_eq!(d.added, vec![m("4")]);
        assert_eq!(d.removed, vec![m("1")]);
        assert_eq!(d.unchanged, 2);
        assert!(!d.is_empty());
        assert!(MembershipDiff::between("A", &[m("1")], "A", &[m("1")]).is_empty());
    }

    #[test]
    fn display_changes_are_not_membership_changes() {
        let renamed_display = Member {
            value: "1".into(),
            display: Some("other".into()),
        };
        assert!(MembershipDiff::between("A", &[m("1")], "A", &[renamed_display]).is_empty());
    }

    #[test]
    fn rebase_keeps_their_change_and_mine() {
        let loaded = group("Team", &["1", "2", "3"], "t1");
        // I removed 1 and added 4, and renamed.
        let mine = MembershipDiff::from_group(&loaded, "Team A", &[m("2"), m("3"), m("4")]);
        // Meanwhile they removed 3, added 5.
        let current = group("Team", &["1", "2", "5"], "t2");
        assert!(!unchanged_since_load(&loaded, &current));
        let (name, members) = mine.apply_to(&current);
        let ids: Vec<&str> = members.iter().map(|m| m.value.as_str()).collect();
        assert_eq!(name, "Team A");
        assert_eq!(ids, vec!["2", "5", "4"]);
        // Their change, seen from what I loaded:
        let theirs = MembershipDiff::from_group(
            &loaded,
            &current.display_name,
            current.members.as_deref().unwrap_or_default(),
        );
        assert_eq!(theirs.added, vec![m("5")]);
        assert_eq!(theirs.removed, vec![m("3")]);
    }

    #[test]
    fn unchanged_detection() {
        let a = group("T", &["1", "2"], "t1");
        assert!(unchanged_since_load(&a, &group("T", &["2", "1"], "t1")));
        assert!(
            !unchanged_since_load(&a, &group("T", &["1", "2"], "t2")),
            "touched"
        );
        assert!(
            !unchanged_since_load(&a, &group("T2", &["1", "2"], "t1")),
            "renamed"
        );
        assert!(
            !unchanged_since_load(&a, &group("T", &["1"], "t1")),
            "member removed"
        );
    }

    proptest! {
        #[test]
        fn applying_a_diff_to_its_own_base_gives_the_target(
            before in proptest::collection::hash_set(0u16..60, 0..40),
            after in proptest::collection::hash_set(0u16..60, 0..40),
        ) {
            let to_members = |s: &std::collections::HashSet<u16>| -> Vec<Member> {
                let mut v: Vec<u16> = s.iter().copied().collect();
                v.sort_unstable();
                v.iter().map(|i| m(&i.to_string())).collect()
            };
            let (b, a) = (to_members(&before), to_members(&after));
            let loaded = Group { id: "g".into(), display_name: "N".into(), members: Some(b.clone()), meta: Meta::default() };
            let d = MembershipDiff::from_group(&loaded, "N", &a);
            prop_assert_eq!(d.added.len() + d.unchanged, a.len());
            prop_assert_eq!(d.removed.len() + d.unchanged, b.len());
            let (_, result) = d.apply_to(&loaded);
            let got: std::collections::HashSet<String> = result.into_iter().map(|m| m.value).collect();
            let want: std::collections::HashSet<String> = a.into_iter().map(|m| m.value).collect();
            prop_assert_eq!(got, want);
        }
    }
}
