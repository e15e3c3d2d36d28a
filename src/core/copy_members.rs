//! "Copy members from" another group: who of its members is new to the group being edited
//! (what "Add N members" adds to the draft), and how many are members already.

use super::group_list::{fold_query, GroupRow};
use super::model::Member;
use std::collections::HashSet;

/// How many groups the chooser lists for a search at most.
pub const CHOICES_SHOWN: usize = 20;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CopyPreview {
    /// Members of the other group not in the draft, each once, in the other group's order.
    pub new: Vec<Member>,
    /// Members of the other group the draft already has (added but unsaved ones too).
    pub already: usize,
}

/// Compares the other group's members with the draft's members as they are now.
pub fn preview(draft_members: &[Member], other: &[Member]) -> CopyPreview {
    let have: HashSet<&str> = draft_members.iter().map(|m| m.value.as_str()).collect();
    let mut seen = HashSet::new();
    let mut out = CopyPreview::default();
    for m in other {
        let id = m.value.trim();
        if id.is_empty() || !seen.insert(id) {
            continue;
        }
        if have.contains(id) {
            out.already += 1;
        } else {
            out.new.push(Member {
                value: id.to_string(),
                display: m.display.clone(),
            });
        }
    }
    out
}

/// The groups offered for a search: indexes into the rows, and how many matched in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Choices {
    pub rows: Vec<usize>,
    pub matches: usize,
}

/// The groups one may copy from for `query` (name, case- and accent-insensitive): never the
/// group being edited, at most [`CHOICES_SHOWN`].
pub fn choices(rows: &[GroupRow], query: &str, editing: &str) -> Choices {
    let folded = fold_query(query);
    let mut out = Choices::default();
    for (i, r) in rows.iter().enumerate() {
        if r.id != editing && r.matches(&folded) {
            out.matches += 1;
            if out.rows.len() < CHOICES_SHOWN {
                out.rows.push(i);
            }
        }
    }
    out
}

impl Choices {
    /// What the list cannot say itself: nothing matched, or only the first groups are shown.
    pub fn note(&self) -> Option<String> {
        match self.matches {
            0 => Some("No other group has that in its name.".to_string()),
            n if n > self.rows.len() => Some(format!(
                "The first {} of {n} groups: type more of the name to find the one you want.",
                self.rows.len()
            )),
            _ => None,
        }
    }
}

impl CopyPreview {
    /// "3 new members, 2 already in this group."
    pub fn summary(&self) -> String {
        let n = self.new.len();
        let new = if n == 1 {
            "1 new member".to_string()
        } else {
            format!("{n} new members")
        };
        let already = match self.already {
            1 => "1 already in this group".to_string(),
            a => format!("{a} already in this group"),
        };
        format!("{new}, {already}.")
    }

    /// Who is new, by display (else ID), the first `limit` named: "a, b and 7 more".
    pub fn names(&self, limit: usize) -> String {
        let shown: Vec<&str> = self
            .new
            .iter()
            .take(limit)
            .map(|m| match m.display.as_deref() {
                Some(d) if !d.trim().is_empty() => d,
                _ => m.value.as_str(),
            })
            .collect();
        let more = self.new.len().saturating_sub(limit);
        if more == 0 {
            shown.join(", ")
        } else {
            format!("{} and {more} more", shown.join(", "))
        }
    }

    /// The button's text: "Add 3 members".
    pub fn add_label(&self) -> String {
        match self.new.len() {
            1 => "Add 1 member".to_string(),
            n => format!("Add {n} members"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::group_list::MemberCount;

    fn m(id: &str) -> Member {
        Member {
            value: id.to_string(),
            display: Some(format!("User {id}")),
        }
    }

    #[test]
    fn only_people_not_yet_members_are_new() {
        let p = preview(
            &[m("a"), m("b")],
            &[m("b"), m("c"), m("c"), m(" "), m("d"), m("a")],
        );
        assert_eq!(p.new, vec![m("c"), m("d")]);
        assert_eq!(p.already, 2);
        assert_eq!(p.summary(), "2 new members, 2 already in this group.");
        assert_eq!(p.add_label(), "Add 2 members");
        assert_eq!(p.names(5), "User c, User d");
        assert_eq!(p.names(1), "User c and 1 more");
        let bare = preview(
            &[],
            &[Member {
                value: "x".into(),
                display: None,
            }],
        );
        assert_eq!(bare.names(5), "x");
    }

    #[test]
    fn an_empty_group_adds_nobody() {
        let p = preview(&[m("a")], &[]);
        assert!(p.new.is_empty());
        assert_eq!(p.summary(), "0 new members, 0 already in this group.");
        let one = preview(&[], &[m("a")]);
        assert_eq!(one.summary(), "1 new member, 0 already in this group.");
        assert_eq!(one.add_label(), "Add 1 member");
    }

    #[test]
    fn choices_leave_out_the_group_being_edited() {
        let rows = vec![
            GroupRow::new("1".into(), "Engineering".into(), MemberCount::Counted(3)),
            GroupRow::new("2".into(), "Équipe".into(), MemberCount::Counted(1)),
            GroupRow::new("3".into(), "Engineering EU".into(), MemberCount::NotRead),
        ];
        assert_eq!(choices(&rows, "engin", "1").rows, vec![2]);
        assert_eq!(choices(&rows, "equipe", "1").rows, vec![1]);
        assert_eq!(choices(&rows, "", "9").rows, vec![0, 1, 2]);
        assert_eq!(choices(&rows, "", "9").note(), None);
        assert_eq!(
            choices(&rows, "nobody", "9").note().as_deref(),
            Some("No other group has that in its name.")
        );
        let many: Vec<GroupRow> = (0..50)
            .map(|i| GroupRow::new(i.to_string(), format!("G{i}"), MemberCount::NotRead))
            .collect();
        let c = choices(&many, "g", "x");
        assert_eq!((c.rows.len(), c.matches), (CHOICES_SHOWN, 50));
        assert_eq!(
            c.note().as_deref(),
            Some("The first 20 of 50 groups: type more of the name to find the one you want.")
        );
    }
}
