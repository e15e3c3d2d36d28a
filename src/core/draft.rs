//! The group being edited: what was loaded, and what the admin has changed. Views call these
//! methods and render the result; they hold no rules of their own.

use super::diff::{id_set, same_members, IdMap, MembershipDiff};
use super::model::{Group, GroupReplace, Member, MemberRef};
use super::validation::{
    char_count, has_errors, member_id_issues, saved_name_issues, Issue, DISPLAY_NAME_MAX_CHARS,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupDraft {
    /// The group as the server last returned it; saves go to `loaded.id`, never to whatever
    /// the "Group ID" field says now.
    pub loaded: Group,
    pub display_name: String,
    pub members: Vec<Member>,
}

impl GroupDraft {
    pub fn from_group(group: Group) -> Self {
        Self {
            display_name: group.display_name.clone(),
            members: group.members.clone().unwrap_or_default(),
            loaded: group,
        }
    }

    pub fn id(&self) -> &str {
        &self.loaded.id
    }

    /// The name's issues; only a name the admin changed can block a save (see
    /// [`saved_name_issues`]).
    pub fn name_issues(&self) -> Vec<Issue> {
        saved_name_issues(&self.display_name, &self.loaded.display_name)
    }

    /// True when a changed name is over the limit (the length hint's error colour); the name
    /// as loaded only warns.
    pub fn name_too_long(&self) -> bool {
        self.name_changed() && char_count(&self.display_name) > DISPLAY_NAME_MAX_CHARS
    }

    /// True when the save would rename the group.
    pub fn name_changed(&self) -> bool {
        self.display_name != self.loaded.display_name
    }

    /// Checks a member about to be added; see [`member_id_issues`].
    pub fn new_member_issues(&self, id: &str) -> Vec<Issue> {
        member_id_issues(id.trim(), self.members.iter().map(|m| m.value.as_str()))
    }

    /// Adds a member unless that would be an error; returns the issues either way so the view
    /// can show warnings for what was added.
    pub fn add_member(&mut self, id: &str, display: &str) -> Result<Vec<Issue>, Vec<Issue>> {
        let issues = self.new_member_issues(id);
        if has_errors(&issues) {
            return Err(issues);
        }
        self.members.push(new_member(id, display));
        Ok(issues)
    }

    /// Adds each of `new` that is a valid user ID and not a member yet (bulk add): one hash
    /// set for the whole list, so 5,000 users join 50,000 members in milliseconds. Returns how
    /// many were added.
    pub fn add_members(&mut self, new: Vec<Member>) -> usize {
        let keep: Vec<bool> = {
            let mut ids = id_set(&self.members);
            new.iter()
                .map(|m| {
                    let id = m.value.trim();
                    !has_errors(&member_id_issues(id, std::iter::empty()))
                        && ids.insert(id, 0).is_none()
                })
                .collect()
        };
        let before = self.members.len();
        self.members.extend(
            new.iter()
                .zip(keep)
                .filter(|(_, k)| *k)
                .map(|(m, _)| new_member(&m.value, m.display.as_deref().unwrap_or(""))),
        );
        self.members.len() - before
    }

    /// Removes the member with this user ID; false when there was none.
    pub fn remove_member(&mut self, value: &str) -> bool {
        let before = self.members.len();
        self.members.retain(|m| m.value != value);
        self.members.len() != before
    }

    /// Removes every member whose user ID is in `ids` (a multi-select's "Remove selected"), in
    /// one pass; returns how many went.
    pub fn remove_members(&mut self, ids: &[&str]) -> usize {
        let gone: IdMap = ids.iter().map(|id| (*id, 0)).collect();
        let before = self.members.len();
        self.members
            .retain(|m| !gone.contains_key(m.value.as_str()));
        before - self.members.len()
    }

    /// Puts back a member that was loaded and has been removed since (the member list's
    /// "Undo"), as it was loaded; false when it was not loaded or is still a member.
    pub fn undo_remove(&mut self, value: &str) -> bool {
        if self.members.iter().any(|m| m.value == value) {
            return false;
        }
        let Some(m) = self
            .loaded
            .members
            .as_deref()
            .unwrap_or_default()
            .iter()
            .find(|m| m.value == value)
        else {
            return false;
        };
        self.members.push(m.clone());
        true
    }

    /// What saving now would change, relative to what was loaded.
    pub fn diff(&self) -> MembershipDiff {
        MembershipDiff::from_group(&self.loaded, &self.display_name, &self.members)
    }

    pub fn can_save(&self) -> bool {
        !has_errors(&self.name_issues())
    }

    /// True when saving would change something (name or member set).
    /// Runs after every edit, so it builds no diff: at 50,000 members that costs the lists'
    /// copies; one set of IDs is enough.
    pub fn is_dirty(&self) -> bool {
        self.display_name != self.loaded.display_name
            || !same_members(
                self.loaded.members.as_deref().unwrap_or_default(),
                &self.members,
            )
    }

    /// The PUT body: the whole intended membership. Omni requires `display`; where the admin
    /// gave none, the user ID stands in (Omni does not store it).
    pub fn replace_body(&self) -> GroupReplace {
        GroupReplace::new(
            self.display_name.clone(),
            self.members
                .iter()
                .map(|m| MemberRef {
                    value: m.value.clone(),
                    display: m.display.clone().unwrap_or_else(|| m.value.clone()),
                })
                .collect(),
        )
    }
}

/// A member as the admin gave it: trimmed, and no `display` rather than a blank one (the PUT
/// body then uses the ID, as Omni requires one).
fn new_member(id: &str, display: &str) -> Member {
    let display = display.trim();
    Member {
        value: id.trim().to_string(),
        display: (!display.is_empty()).then(|| display.to_string()),
    }
}

/// What a member row shows and its remove button is named after: the display, else the ID.
pub fn member_label(member: &Member) -> &str {
    member
        .display
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or(&member.value)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::model::Meta;

    const ADA: &str = "3f2b8c1e-6a4d-4e9b-8f10-2c7d5e9a1b34";
    const GRACE: &str = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e";

    fn loaded() -> GroupDraft {
        GroupDraft::from_group(Group {
            id: "Qw7rT2pL".into(),
            display_name: "Data Wranglers".into(),
            members: Some(vec![Member {
                value: ADA.into(),
                display: Some("ada@example.org".into()),
            }]),
            meta: Meta::default(),
        })
    }

    #[test]
    fn loaded_draft_is_clean_and_saveable() {
        let d = loaded();
        assert!(!d.is_dirty());
        assert!(d.can_save());
        assert_eq!(d.id(), "Qw7rT2pL");
    }

    #[test]
    fn add_remove_and_body() {
        let mut d = loaded();
        assert!(d.add_member(&format!(" {GRACE}\n"), "  ").is_ok());
        assert!(d.add_member(GRACE, "").is_err(), "duplicate refused");
        assert!(d.is_dirty());
        assert!(d.remove_member(ADA));
        assert!(!d.remove_member(ADA));
        let body = d.replace_body();
        assert_eq!(
            body.members,
            vec![MemberRef {
                value: GRACE.into(),
                display: GRACE.into()
            }]
        );
        assert_eq!(body.display_name, "Data Wranglers");
    }

    #[test]
    fn bulk_add_skips_members_repeats_and_invalid_ids() {
        let mut d = loaded();
        let m = |id: &str, display: &str| Member {
            value: id.into(),
            display: Some(display.into()),
        };
        let added = d.add_members(vec![
            m(ADA, "already a member"),
            m(&format!(" {GRACE} "), " grace@example.org "),
            m(GRACE, "twice in the list"),
            m("has space", ""),
            m("", ""),
            m("opaque-7", ""),
        ]);
        assert_eq!(added, 2);
        assert_eq!(d.members[1], m(GRACE, "grace@example.org"));
        assert_eq!(
            d.members[2],
            Member {
                value: "opaque-7".into(),
                display: None
            }
        );
        // The same users one at a time end the same way.
        let mut one_by_one = loaded();
        let _ = one_by_one.add_member(GRACE, "grace@example.org");
        let _ = one_by_one.add_member("opaque-7", "");
        assert_eq!(d, one_by_one);
    }

    #[test]
    fn dirty_means_a_changed_name_or_member_set() {
        let mut d = loaded();
        d.members[0].display = Some("other display".into());
        assert!(!d.is_dirty(), "display is informational");
        let _ = d.add_member(GRACE, "");
        assert!(d.is_dirty());
        assert!(d.remove_member(GRACE));
        assert!(!d.is_dirty(), "back to what was loaded");
        d.display_name.push('!');
        assert!(d.is_dirty());
    }

    #[test]
    fn many_removed_at_once_and_undone_one_by_one() {
        let mut d = loaded();
        let _ = d.add_member(GRACE, "grace@example.org");
        let _ = d.add_member("opaque-7", "");
        assert_eq!(d.remove_members(&[ADA, "opaque-7", "nobody"]), 2);
        assert_eq!(d.members.len(), 1);
        assert!(d.is_dirty());
        // Only a loaded member comes back, once.
        assert!(!d.undo_remove("opaque-7"), "never loaded");
        assert!(!d.undo_remove(GRACE), "still a member");
        assert!(d.undo_remove(ADA));
        assert!(!d.undo_remove(ADA));
        assert!(d.remove_member(GRACE));
        assert!(!d.is_dirty(), "back to what was loaded");
        assert_eq!(d.remove_members(&[]), 0);
    }

    #[test]
    fn warnings_do_not_block_adding() {
        let mut d = loaded();
        let added = d.add_member("opaque-id-7", "Opaque");
        assert!(added.is_ok_and(|w| w.len() == 1));
        assert_eq!(member_label(&d.members[1]), "Opaque");
    }

    #[test]
    fn invalid_name_blocks_saving() {
        let mut d = loaded();
        d.display_name = "x".repeat(65);
        assert!(!d.can_save());
        d.display_name = "x".repeat(64);
        assert!(d.can_save());
    }

    #[test]
    fn a_name_set_elsewhere_never_blocks_a_membership_save() {
        for odd in [" Data Wranglers", &"W".repeat(70), "Data \u{202E}Wranglers"] {
            let mut d = loaded();
            d.loaded.display_name = odd.to_string();
            d.display_name = odd.to_string();
            assert!(d.can_save(), "{odd:?} unchanged");
            assert!(!d.name_issues().is_empty(), "its warning is shown");
            assert!(!d.name_too_long());
            assert!(d.add_member(GRACE, "").is_ok());
            assert!(!d.name_changed());
            // The PUT sends the name exactly as the server has it; PATCH sends none.
            assert_eq!(d.replace_body().display_name, odd);
            assert!(d.diff().renamed.is_none());
            d.display_name.push('!');
            assert!(!d.can_save(), "{odd:?} changed must pass the rules");
            assert!(d.name_changed());
        }
    }

    #[test]
    fn group_without_members_attribute_is_not_dirty() {
        let d = GroupDraft::from_group(Group {
            id: "e".into(),
            display_name: "Empty".into(),
            members: None,
            meta: Meta::default(),
        });
        assert!(!d.is_dirty());
    }
}
