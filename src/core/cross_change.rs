//! A change across groups for one person: "Add to groups", "Remove" from one, "Remove from all
//! groups", "Copy groups from" another person. Each is a list of per-group deltas (this person
//! in, or out), never a whole membership: the delta is applied to each group as read just
//! before its write (see [`super::cross_run`]), so what someone else changed meanwhile stays.
//! Here: building the change from People's index, and what its review shows.

use super::directory::{fold, DirectoryUser};
use super::memberships::{person_name, GroupInfo};
use super::model::Member;
use super::server_features::ServerFeatures;

/// The person a change is about, as the review names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    /// Name (or email, or user name) as shown.
    pub name: String,
    /// What the admin types to confirm a large removal: the user name (else the shown name).
    pub user_name: String,
}

/// In or out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Add,
    Remove,
}

/// One group's part of the change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupDelta {
    pub group_id: String,
    pub group_name: String,
    /// Members as People's index last saw them (for the review's new count; the write uses the
    /// group as read just before it).
    pub members_before: usize,
    pub direction: Direction,
    /// The group's version as People's index read it: where the server honours `If-Match`
    /// and PATCH, the write goes without a read before it ([`Self::one_request`]).
    pub version: Option<String>,
}

impl GroupDelta {
    /// Whether this group's change is one request: a PATCH naming only this person, with
    /// `If-Match` from the index (a 412 then reads the group and writes again).
    pub fn one_request(&self, features: &ServerFeatures) -> bool {
        features.etag && !features.no_patch && self.version.is_some()
    }

    /// The member count the review expects after the change.
    pub fn members_after(&self) -> usize {
        match self.direction {
            Direction::Add => self.members_before + 1,
            Direction::Remove => self.members_before.saturating_sub(1),
        }
    }
}

/// What the admin asked for, for the review's heading and the activity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    AddToGroups,
    Remove,
    RemoveFromAll,
    /// Copy groups from the person named.
    CopyFrom(String),
}

/// A change across groups for one person, as reviewed and applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrossChange {
    pub person: Person,
    pub kind: ChangeKind,
    pub groups: Vec<GroupDelta>,
}

/// The person a change across groups is about: named as on their page; the user name (else
/// the email, else the name) is what a large removal asks to be typed.
pub fn change_person(user: &DirectoryUser) -> Person {
    let name = person_name(user).to_string();
    let user_name = [&user.user_name, &user.email]
        .into_iter()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
        .map_or_else(|| name.clone(), str::to_string);
    Person {
        id: user.id.clone(),
        name,
        user_name,
    }
}

/// How one group's delta ended, or that it has not yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupResult {
    Pending,
    /// Written; `members` is the group's count after it.
    Saved {
        members: usize,
    },
    /// The group already had (or lacked) the person: nothing written.
    AlreadyDone {
        members: usize,
    },
    /// Not started: the admin pressed Stop.
    Stopped,
    /// `why` for the admin; `retry` when trying again may help.
    Failed {
        why: String,
        retry: bool,
    },
}

impl GroupResult {
    /// The result column's words.
    pub fn label(&self) -> String {
        match self {
            Self::Pending => "Not yet".into(),
            Self::Saved { .. } => "Saved".into(),
            Self::AlreadyDone { .. } => "Already done".into(),
            Self::Stopped => "Stopped".into(),
            Self::Failed { why, .. } => format!("Failed: {why}"),
        }
    }

    pub fn is_finished(&self) -> bool {
        !matches!(self, Self::Pending)
    }

    /// Whether "Retry failed" takes this group again: it failed, or Stop left it undone.
    pub fn to_retry(&self) -> bool {
        matches!(self, Self::Failed { .. } | Self::Stopped)
    }
}

/// More removals than this need the person's user name typed (offboarding is deliberate).
pub const TYPED_NAME_OVER: usize = 3;

/// The most requests one group's delta costs: the read just before the write, and the write.
pub const REQUESTS_PER_GROUP: usize = 2;

/// Omni's budget: 60 requests a minute, counted by the panel over 62 s.
const BUDGET_PER_MINUTE: usize = 60;
const BUDGET_WINDOW_S: usize = 62;

impl CrossChange {
    /// Adds `person` to each of `groups` they are not in yet (`theirs`: the groups they are in).
    pub fn add_to(person: Person, groups: &[GroupInfo], theirs: &[GroupInfo]) -> Self {
        Self::build(
            person,
            ChangeKind::AddToGroups,
            Direction::Add,
            groups,
            theirs,
        )
    }

    /// Removes `person` from `groups` (one row's Remove, or all of theirs).
    pub fn remove_from(person: Person, groups: &[GroupInfo], all: bool) -> Self {
        let kind = if all {
            ChangeKind::RemoveFromAll
        } else {
            ChangeKind::Remove
        };
        Self::build(person, kind, Direction::Remove, groups, &[])
    }

    /// Adds `person` to every group `from` is in (`from_groups`) that they are not in yet.
    pub fn copy_from(
        person: Person,
        from: &str,
        from_groups: &[GroupInfo],
        theirs: &[GroupInfo],
    ) -> Self {
        let kind = ChangeKind::CopyFrom(from.to_string());
        Self::build(person, kind, Direction::Add, from_groups, theirs)
    }

    fn build(
        person: Person,
        kind: ChangeKind,
        direction: Direction,
        groups: &[GroupInfo],
        skip: &[GroupInfo],
    ) -> Self {
        let mut deltas: Vec<GroupDelta> = Vec::new();
        for g in groups {
            let listed = deltas.iter().any(|d| d.group_id == g.id);
            if listed || skip.iter().any(|s| s.id == g.id) {
                continue;
            }
            deltas.push(GroupDelta {
                group_id: g.id.clone(),
                group_name: g.label().to_string(),
                members_before: g.members,
                direction,
                version: g.version.clone(),
            });
        }
        Self {
            person,
            kind,
            groups: deltas,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The member this change adds or removes, as a write names them.
    pub fn member(&self) -> Member {
        Member {
            value: self.person.id.clone(),
            display: Some(self.person.user_name.clone()).filter(|d| !d.is_empty()),
        }
    }

    fn removals(&self) -> usize {
        let out = |d: &&GroupDelta| d.direction == Direction::Remove;
        self.groups.iter().filter(out).count()
    }

    /// The user name the admin must type before "Confirm changes": removing the person from
    /// more than [`TYPED_NAME_OVER`] groups.
    pub fn typed_name(&self) -> Option<&str> {
        (self.removals() > TYPED_NAME_OVER).then_some(self.person.user_name.as_str())
    }

    /// Whether `typed` confirms the change (trimmed; case does not matter, as in an email).
    pub fn confirmed_by(&self, typed: &str) -> bool {
        match self.typed_name() {
            None => true,
            Some(name) => fold(typed.trim()) == fold(name.trim()),
        }
    }

    /// Whether `typed` is on its way to the user name (empty, or a start of it): a name still
    /// being typed is not an error yet.
    pub fn typing_name(&self, typed: &str) -> bool {
        let typed = fold(typed.trim());
        self.typed_name()
            .is_none_or(|name| typed.is_empty() || fold(name.trim()).starts_with(&typed))
    }

    /// The review's heading: "Remove Jane Doe from all 12 groups".
    pub fn title(&self) -> String {
        let n = self.groups.len();
        let who = &self.person.name;
        let groups = plural(n, "group", "groups");
        match &self.kind {
            ChangeKind::AddToGroups => format!("Add {who} to {groups}"),
            ChangeKind::Remove => format!("Remove {who} from {groups}"),
            ChangeKind::RemoveFromAll => format!("Remove {who} from all {groups}"),
            ChangeKind::CopyFrom(from) => format!("Copy {from}'s groups to {who}: {groups}"),
        }
    }

    /// "5 groups, at most 10 requests, about 11 s": the cost at Omni's budget (60 a minute);
    /// one request a group where the server takes `If-Match` on a PATCH.
    pub fn cost(&self, features: &ServerFeatures) -> String {
        let groups = self.groups.len();
        let requests: usize = self
            .groups
            .iter()
            .map(|d| {
                if d.one_request(features) {
                    1
                } else {
                    REQUESTS_PER_GROUP
                }
            })
            .sum();
        format!(
            "{}, at most {}, about {}",
            plural(groups, "group", "groups"),
            plural(requests, "request", "requests"),
            duration_at_budget(requests)
        )
    }
}

/// The time `requests` take when paced at the budget (one about every second).
pub fn duration_at_budget(requests: usize) -> String {
    let seconds = (requests * BUDGET_WINDOW_S)
        .div_ceil(BUDGET_PER_MINUTE)
        .max(1);
    if seconds < 90 {
        format!("{seconds} s")
    } else {
        format!("{} min", seconds.div_ceil(60))
    }
}

/// "1 group", "3 groups".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The review's words for one group: "+1" or "−1".
pub fn sign(direction: Direction) -> &'static str {
    match direction {
        Direction::Add => "+1",
        Direction::Remove => "\u{2212}1",
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn g(id: &str, members: usize) -> GroupInfo {
        GroupInfo {
            id: id.to_string(),
            name: format!("Group {id}"),
            members,
            version: Some(format!("W/\"{members}\"")),
        }
    }

    fn jane() -> Person {
        Person {
            id: "u-jane".into(),
            name: "Jane Doe".into(),
            user_name: "jane@example.com".into(),
        }
    }

    #[test]
    fn the_person_of_a_change_types_their_user_name_else_email() {
        let mut u = DirectoryUser {
            id: "u1".into(),
            user_name: "jdoe".into(),
            display_name: "Jane Doe".into(),
            email: "jane@x.co".into(),
        };
        let p = change_person(&u);
        assert_eq!(
            (p.name.as_str(), p.user_name.as_str()),
            ("Jane Doe", "jdoe")
        );
        u.user_name.clear();
        assert_eq!(change_person(&u).user_name, "jane@x.co");
        u.email.clear();
        assert_eq!(change_person(&u).user_name, "Jane Doe");
    }

    #[test]
    fn add_to_skips_groups_the_person_is_in_and_repeats() {
        let all = [g("a", 3), g("b", 0), g("c", 9), g("a", 3)];
        let c = CrossChange::add_to(jane(), &all, &[g("c", 9)]);
        let ids: Vec<&str> = c.groups.iter().map(|d| d.group_id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(c.groups[1].members_after(), 1);
        assert_eq!(c.title(), "Add Jane Doe to 2 groups");
        assert_eq!(c.typed_name(), None);
        assert!(c.confirmed_by(""));
    }

    #[test]
    fn copy_from_adds_only_the_other_persons_groups_this_one_lacks() {
        let ravi = [g("a", 3), g("b", 4), g("c", 5)];
        let c = CrossChange::copy_from(jane(), "Ravi Shankar", &ravi, &[g("b", 4)]);
        let ids: Vec<&str> = c.groups.iter().map(|d| d.group_id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert!(c.groups.iter().all(|d| d.direction == Direction::Add));
        assert_eq!(
            c.title(),
            "Copy Ravi Shankar's groups to Jane Doe: 2 groups"
        );
    }

    #[test]
    fn removing_from_more_than_three_groups_needs_the_user_name_in_any_case() {
        let three = CrossChange::remove_from(jane(), &[g("a", 1), g("b", 2), g("c", 3)], true);
        assert_eq!(three.typed_name(), None);
        let four =
            CrossChange::remove_from(jane(), &[g("a", 1), g("b", 2), g("c", 3), g("d", 4)], true);
        assert_eq!(four.typed_name(), Some("jane@example.com"));
        assert!(!four.confirmed_by("jane"));
        assert!(!four.confirmed_by(""));
        assert!(four.confirmed_by(" Jane@Example.com "));
        assert!(four.typing_name("") && four.typing_name("JANE@ex"));
        assert!(!four.typing_name("jane@x"));
        assert_eq!(four.title(), "Remove Jane Doe from all 4 groups");
        assert_eq!(four.groups[0].members_after(), 0);
        // Adding to many groups never asks.
        let many: Vec<GroupInfo> = (0..10).map(|i| g(&i.to_string(), 1)).collect();
        assert_eq!(CrossChange::add_to(jane(), &many, &[]).typed_name(), None);
    }

    #[test]
    fn cost_counts_two_requests_a_group_at_the_budget() {
        let five: Vec<GroupInfo> = (0..5).map(|i| g(&i.to_string(), 1)).collect();
        let c = CrossChange::remove_from(jane(), &five, true);
        let omni = ServerFeatures::default();
        assert_eq!(c.cost(&omni), "5 groups, at most 10 requests, about 11 s");
        let one = CrossChange::remove_from(jane(), &five[..1], false);
        assert_eq!(one.cost(&omni), "1 group, at most 2 requests, about 3 s");
        // If-Match and PATCH: one request a group that has a version.
        let etags = ServerFeatures {
            etag: true,
            no_patch: false,
            filter: true,
        };
        assert_eq!(c.cost(&etags), "5 groups, at most 5 requests, about 6 s");
        let no_patch = ServerFeatures {
            no_patch: true,
            ..etags
        };
        assert_eq!(
            c.cost(&no_patch),
            "5 groups, at most 10 requests, about 11 s"
        );
        let mut unversioned = c.clone();
        unversioned.groups[0].version = None;
        assert_eq!(
            unversioned.cost(&etags),
            "5 groups, at most 6 requests, about 7 s"
        );
        assert_eq!(duration_at_budget(120), "3 min");
        assert_eq!(duration_at_budget(0), "1 s");
    }

    #[test]
    fn the_member_written_is_the_person_with_their_user_name() {
        let m = CrossChange::add_to(jane(), &[], &[]).member();
        assert_eq!(m.value, "u-jane");
        assert_eq!(m.display.as_deref(), Some("jane@example.com"));
    }
}
