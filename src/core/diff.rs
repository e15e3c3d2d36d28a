//! Membership change between two states of a group: what a save would do, what someone else
//! did meanwhile, and re-basing the admin's change onto the server's current state.

use super::model::{Group, Member};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast hash for user IDs (the rustc "Fx" scheme, eight bytes a step): at 50,000 members
/// std's SipHash made a diff several times slower. IDs come from the organization's own SCIM
/// server, so resistance to crafted collisions is not needed here.
#[derive(Clone, Copy, Default)]
pub struct IdHasher(u64);

const FX_SEED: u64 = 0xf135_7aea_2e62_a9c5;

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(FX_SEED);
        }
        for &b in words.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(FX_SEED);
        }
        self.0 = h;
    }

    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(FX_SEED);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub type IdHash = BuildHasherDefault<IdHasher>;
/// User IDs, each with a mark. The one hash table type of the panel's member lists: each
/// further key or value type would add its own copy of the table code to the bundle.
pub type IdMap<'a> = HashMap<&'a str, u8, IdHash>;

/// The user IDs of `members` (all marked 0).
pub fn id_set(members: &[Member]) -> IdMap<'_> {
    let mut set = IdMap::with_capacity_and_hasher(members.len(), IdHash::default());
    set.extend(members.iter().map(|m| (m.value.as_str(), 0)));
    set
}

/// What changes from `before` to `after`. Members are compared by user ID (`value`) only;
/// `display` is informational.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MembershipDiff {
    /// `(old, new)` when the display name changes.
    pub renamed: Option<(String, String)>,
    /// In `after`'s order, each user once.
    pub added: Vec<Member>,
    /// In `before`'s order, each user once.
    pub removed: Vec<Member>,
    /// Users in both.
    pub unchanged: usize,
}

impl MembershipDiff {
    /// O(n + m): one hash table over `before`, looked up once per member of `after`, so
    /// 50,000 against 50,000 members takes milliseconds.
    pub fn between(
        before_name: &str,
        before: &[Member],
        after_name: &str,
        after: &[Member],
    ) -> Self {
        const BEFORE: u8 = 0;
        const BOTH: u8 = 1;
        const ADDED: u8 = 2;
        const LISTED: u8 = 3;
        let mut ids = id_set(before);
        let distinct_before = ids.len();
        let mut added = Vec::new();
        let mut unchanged = 0;
        for m in after {
            match ids.get_mut(m.value.as_str()) {
                Some(mark) if *mark == BEFORE => {
                    *mark = BOTH;
                    unchanged += 1;
                }
                Some(_) => {}
                None => {
                    ids.insert(&m.value, ADDED);
                    added.push(m.clone());
                }
            }
        }
        let mut removed = Vec::new();
        if unchanged < distinct_before {
            // In `before`'s order, each once.
            for m in before {
                if let Some(mark) = ids.get_mut(m.value.as_str()).filter(|k| **k == BEFORE) {
                    *mark = LISTED;
                    removed.push(m.clone());
                }
            }
        }
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
        let removed = id_set(&self.removed);
        let mut members: Vec<Member> = current
            .members
            .as_deref()
            .unwrap_or_default()
            .iter()
            .filter(|m| !removed.contains_key(m.value.as_str()))
            .cloned()
            .collect();
        let present = id_set(&members);
        let new: Vec<Member> = self
            .added
            .iter()
            .filter(|m| !present.contains_key(m.value.as_str()))
            .cloned()
            .collect();
        members.extend(new);
        (name, members)
    }
}

/// True when both lists hold the same users (order, repeats and `display` aside), with one
/// hash set and no copies: the "any unsaved change?" check runs after every edit.
pub fn same_members(a: &[Member], b: &[Member]) -> bool {
    // Unchanged lists, the usual case, match in order without hashing.
    if a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.value == y.value) {
        return true;
    }
    // Each of `a`'s IDs is marked once `b` has it too.
    let mut ids = id_set(a);
    let mut both = 0;
    for m in b {
        match ids.get_mut(m.value.as_str()) {
            Some(mark) if *mark == 0 => {
                *mark = 1;
                both += 1;
            }
            Some(_) => {}
            None => return false,
        }
    }
    both == ids.len()
}

/// True when the server's group is still the one that was loaded: same name, same member set,
/// same `meta.lastModified` (when both carry one) and same `meta.version` (when both carry one).
pub fn unchanged_since_load(loaded: &Group, current: &Group) -> bool {
    same_version(loaded, current)
        && same_members(
            loaded.members.as_deref().unwrap_or_default(),
            current.members.as_deref().unwrap_or_default(),
        )
}

/// [`unchanged_since_load`] but for the members: same name, `lastModified` and `version`.
pub fn same_version(loaded: &Group, current: &Group) -> bool {
    let same_stamp = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    loaded.display_name == current.display_name
        && same_stamp(&loaded.meta.last_modified, &current.meta.last_modified)
        && same_stamp(&loaded.meta.version, &current.meta.version)
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

    /// The obvious quadratic diff, to check the hashed one against.
    fn simple_diff(before: &[Member], after: &[Member]) -> (Vec<Member>, Vec<Member>, usize) {
        let has = |list: &[Member], id: &str| list.iter().any(|m| m.value == id);
        let mut added: Vec<Member> = Vec::new();
        for m in after {
            if !has(before, &m.value) && !has(&added, &m.value) {
                added.push(m.clone());
            }
        }
        let mut removed: Vec<Member> = Vec::new();
        let mut unchanged: Vec<&str> = Vec::new();
        for m in before {
            if !has(after, &m.value) {
                if !has(&removed, &m.value) {
                    removed.push(m.clone());
                }
            } else if !unchanged.contains(&m.value.as_str()) {
                unchanged.push(&m.value);
            }
        }
        (added, removed, unchanged.len())
    }

    fn members_of(ids: &[u8]) -> Vec<Member> {
        ids.iter().map(|i| m(&format!("user-{i}"))).collect()
    }

    #[test]
    fn fifty_thousand_against_fifty_thousand() {
        let before: Vec<Member> = (0..50_000).map(|i| m(&format!("{i:08x}-uuid"))).collect();
        let mut after = before.clone();
        after.remove(20_000);
        after.push(m("newcomer"));
        let d = MembershipDiff::between("N", &before, "N", &after);
        assert_eq!(d.added, vec![m("newcomer")]);
        assert_eq!(d.removed, vec![before[20_000].clone()]);
        assert_eq!(d.unchanged, 49_999);
        assert!(same_members(
            &before,
            &before.iter().rev().cloned().collect::<Vec<_>>()
        ));
        assert!(!same_members(&before, &after));
    }

    #[test]
    fn hasher_tells_ids_apart() {
        use std::hash::BuildHasher;
        let h = |s: &str| IdHash::default().hash_one(s);
        assert_ne!(h("a"), h("b"));
        assert_ne!(h("0123456789abcdef"), h("0123456789abcdeg"));
    }

    proptest! {
        #[test]
        fn hashed_diff_equals_the_simple_one(
            before in proptest::collection::vec(0u8..24, 0..40),
            after in proptest::collection::vec(0u8..24, 0..40),
        ) {
            // Small ids, so lists repeat users and overlap a lot.
            let (b, a) = (members_of(&before), members_of(&after));
            let d = MembershipDiff::between("N", &b, "N", &a);
            let (added, removed, unchanged) = simple_diff(&b, &a);
            prop_assert_eq!(&d.added, &added);
            prop_assert_eq!(&d.removed, &removed);
            prop_assert_eq!(d.unchanged, unchanged);
            prop_assert_eq!(same_members(&b, &a), added.is_empty() && removed.is_empty());
        }

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
