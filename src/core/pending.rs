//! The member list as the pending change: every member loaded (kept, or removed and shown
//! struck through until saved) and every member added, with the count before and after and a
//! short mark of the change. Indices only, so a 50,000-member list costs one hash table.

use super::diff::{id_set, IdMap};
use super::directory::Directory;
use super::draft::{member_label, GroupDraft};
use super::model::Member;
use super::window::group_digits;

/// What saving would do to a row's member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Kept,
    Added,
    Removed,
}

/// One row: its kind and where its member is (the loaded members for kept and removed rows,
/// the draft's for added ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingRow {
    pub kind: RowKind,
    index: usize,
}

/// The rows in the order an admin expects them: the loaded members where they were (the
/// removed ones in place), then the added ones in the order they were added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PendingList {
    pub rows: Vec<PendingRow>,
    /// Members loaded, and members after saving.
    pub before: usize,
    pub after: usize,
    pub added: usize,
    pub removed: usize,
}

impl PendingList {
    pub fn new(draft: &GroupDraft) -> Self {
        let base = draft.loaded.members.as_deref().unwrap_or_default();
        // Marks: 0 in the draft, not seen yet; 1 kept; 2 removed; 3 added (each ID once).
        let mut ids: IdMap = id_set(&draft.members);
        let mut out = Self::default();
        for (index, m) in base.iter().enumerate() {
            let kind = match ids.get_mut(m.value.as_str()) {
                Some(mark) if *mark == 0 => {
                    *mark = 1;
                    RowKind::Kept
                }
                Some(_) => continue,
                None => {
                    ids.insert(m.value.as_str(), 2);
                    RowKind::Removed
                }
            };
            out.rows.push(PendingRow { kind, index });
        }
        for (index, m) in draft.members.iter().enumerate() {
            if let Some(mark) = ids.get_mut(m.value.as_str()) {
                if *mark == 0 {
                    *mark = 3;
                    out.rows.push(PendingRow {
                        kind: RowKind::Added,
                        index,
                    });
                }
            }
        }
        let count = |k| out.rows.iter().filter(|r| r.kind == k).count();
        let (added, removed) = (count(RowKind::Added), count(RowKind::Removed));
        out.added = added;
        out.removed = removed;
        out.after = out.rows.len() - out.removed;
        out.before = out.after + out.removed - out.added;
        out
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row `i`'s member and kind.
    pub fn row<'a>(&self, i: usize, draft: &'a GroupDraft) -> Option<(&'a Member, RowKind)> {
        let row = self.rows.get(i)?;
        let members = match row.kind {
            RowKind::Added => &draft.members[..],
            _ => draft.loaded.members.as_deref().unwrap_or_default(),
        };
        members.get(row.index).map(|m| (m, row.kind))
    }

    pub fn is_changed(&self) -> bool {
        self.added + self.removed > 0
    }

    /// "Members (27)", or "Members (27 → 28)" while the membership has a pending change.
    pub fn heading(&self) -> String {
        if self.is_changed() {
            format!(
                "Members ({} → {})",
                group_digits(self.before),
                group_digits(self.after)
            )
        } else {
            format!("Members ({})", group_digits(self.before))
        }
    }

    /// "+1 −2": the pending change in short ("" when there is none).
    pub fn mark(&self) -> String {
        change_mark(self.added, self.removed)
    }
}

/// "+1 −2", "+3", "−1" or "" (a real minus sign, as the review writes it).
pub fn change_mark(added: usize, removed: usize) -> String {
    let mut parts = Vec::new();
    if added > 0 {
        parts.push(format!("+{}", group_digits(added)));
    }
    if removed > 0 {
        parts.push(format!("−{}", group_digits(removed)));
    }
    parts.join(" ")
}

/// What "Discard changes" says it dropped: "Changes discarded (renamed, −1)."
pub fn discarded_text(renamed: bool, added: usize, removed: usize) -> String {
    let mark = change_mark(added, removed);
    let parts: Vec<&str> = [renamed.then_some("renamed"), Some(mark.as_str())]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        "Changes discarded.".into()
    } else {
        format!("Changes discarded ({}).", parts.join(", "))
    }
}

/// How a row names its member. `label` is what its buttons are named after ("Remove <display
/// or ID>", a contract); `name` and `email` are what the row shows: the directory's name and
/// email when the panel knows the person, else the label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowLabel {
    pub label: String,
    pub name: String,
    pub email: String,
}

/// A member Omni's embed list has (the users list never returns them).
pub const EMBED_USER: &str = "Embed user";
/// A member neither the users list nor the embed list has.
pub const UNKNOWN_USER: &str = "Unknown user";

/// What kind of member `id` is beyond a user of the directory: [`EMBED_USER`], or
/// [`UNKNOWN_USER`] once both lists are read and neither has them; `None` for a user of the
/// directory, or while it cannot be told.
pub fn member_kind(
    id: &str,
    directory: Option<&Directory>,
    embed: Option<&Directory>,
) -> Option<&'static str> {
    if directory.is_some_and(|d| d.by_id(id).is_some()) {
        return None;
    }
    if embed.is_some_and(|e| e.by_id(id).is_some()) {
        return Some(EMBED_USER);
    }
    (directory.is_some() && embed.is_some()).then_some(UNKNOWN_USER)
}

/// Whether `diff` removes one of Omni's embed users (whose next embed login may add them back).
pub fn removes_embed_user(diff: &super::diff::MembershipDiff, embed: Option<&Directory>) -> bool {
    embed.is_some_and(|e| diff.removed.iter().any(|m| e.by_id(&m.value).is_some()))
}

/// How a row names `member`: from the directory, else from the embed list (with "Embed user"
/// where the email goes), else its display or ID ("Unknown user" once that is known).
pub fn row_label(
    member: &Member,
    directory: Option<&Directory>,
    embed: Option<&Directory>,
) -> RowLabel {
    let label = member_label(member).to_string();
    let kind = member_kind(&member.value, directory, embed);
    if let Some(kind) = kind {
        let found = embed.and_then(|e| e.by_id(&member.value));
        let name = found
            .map(|u| {
                [&u.display_name, &u.user_name]
                    .into_iter()
                    .find(|s| !s.trim().is_empty())
                    .cloned()
                    .unwrap_or_else(|| label.clone())
            })
            .unwrap_or_else(|| label.clone());
        return RowLabel {
            label,
            name,
            email: kind.to_string(),
        };
    }
    match directory.and_then(|d| d.by_id(&member.value)) {
        Some(u) if !u.display_name.trim().is_empty() => RowLabel {
            label,
            name: u.display_name.clone(),
            email: if u.email == u.display_name {
                String::new()
            } else {
                u.email.clone()
            },
        },
        _ => RowLabel {
            name: label.clone(),
            label,
            email: String::new(),
        },
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::directory::DirectoryUser;
    use crate::core::model::{Group, Meta};

    fn m(id: &str, display: Option<&str>) -> Member {
        Member {
            value: id.into(),
            display: display.map(String::from),
        }
    }

    fn draft(members: Vec<Member>) -> GroupDraft {
        GroupDraft::from_group(Group {
            id: "g".into(),
            display_name: "Blob SEs".into(),
            members: Some(members),
            meta: Meta::default(),
        })
    }

    fn kinds(list: &PendingList, d: &GroupDraft) -> Vec<(String, RowKind)> {
        (0..list.len())
            .filter_map(|i| list.row(i, d))
            .map(|(m, k)| (m.value.clone(), k))
            .collect()
    }

    #[test]
    fn unchanged_lists_show_the_count_alone() {
        let d = draft((0..27).map(|i| m(&format!("u{i}"), None)).collect());
        let list = PendingList::new(&d);
        assert_eq!(list.heading(), "Members (27)");
        assert_eq!(list.mark(), "");
        assert!(!list.is_changed());
        assert!(list.rows.iter().all(|r| r.kind == RowKind::Kept));
    }

    #[test]
    fn removed_rows_stay_in_place_and_added_ones_come_last() {
        let mut d = draft(vec![m("a", None), m("b", None), m("c", None)]);
        assert!(d.remove_member("b"));
        let _ = d.add_member("x", "");
        let _ = d.add_member("y", "");
        assert!(d.remove_member("c"));
        let list = PendingList::new(&d);
        use RowKind::*;
        let want = [
            ("a", Kept),
            ("b", Removed),
            ("c", Removed),
            ("x", Added),
            ("y", Added),
        ];
        assert_eq!(
            kinds(&list, &d),
            want.map(|(id, k)| (id.to_string(), k)).to_vec()
        );
        assert_eq!((list.before, list.after), (3, 3));
        assert_eq!(list.heading(), "Members (3 → 3)");
        assert_eq!(list.mark(), "+2 −2");
        // Undone, the row is kept again where it was.
        assert!(d.undo_remove("b"));
        let list = PendingList::new(&d);
        assert_eq!(list.row(1, &d).map(|(_, k)| k), Some(Kept));
        assert_eq!(list.heading(), "Members (3 → 4)");
    }

    #[test]
    fn repeated_ids_make_one_row() {
        let mut d = draft(vec![m("a", None), m("a", Some("again")), m("b", None)]);
        d.members.push(m("x", None));
        d.members.push(m("x", None));
        d.members.retain(|m| m.value != "b");
        let list = PendingList::new(&d);
        assert_eq!(list.len(), 3);
        assert_eq!(
            (list.before, list.after, list.added, list.removed),
            (2, 2, 1, 1)
        );
    }

    #[test]
    fn marks_and_discard_messages() {
        assert_eq!(change_mark(0, 0), "");
        assert_eq!(change_mark(1, 0), "+1");
        assert_eq!(change_mark(0, 2), "−2");
        assert_eq!(change_mark(1200, 2), "+1,200 −2");
        assert_eq!(
            discarded_text(true, 0, 1),
            "Changes discarded (renamed, −1)."
        );
        assert_eq!(discarded_text(false, 2, 1), "Changes discarded (+2 −1).");
        assert_eq!(discarded_text(true, 0, 0), "Changes discarded (renamed).");
        assert_eq!(discarded_text(false, 0, 0), "Changes discarded.");
        let big = PendingList {
            before: 50_000,
            after: 50_001,
            added: 1,
            ..Default::default()
        };
        assert_eq!(big.heading(), "Members (50,000 → 50,001)");
    }

    #[test]
    fn labels_name_people_the_panel_knows() {
        let dir = Directory::new(vec![DirectoryUser {
            id: "u1".into(),
            user_name: "ada@blobsrus.co".into(),
            display_name: "Ada Lovelace".into(),
            email: "ada@blobsrus.co".into(),
        }]);
        let known = row_label(&m("u1", Some("ada@blobsrus.co")), Some(&dir), None);
        assert_eq!(
            (
                known.label.as_str(),
                known.name.as_str(),
                known.email.as_str()
            ),
            ("ada@blobsrus.co", "Ada Lovelace", "ada@blobsrus.co")
        );
        // Not known: the member's display, else its ID; the label stays the contract's.
        let shown = row_label(&m("u2", Some("grace@x.co")), Some(&dir), None);
        assert_eq!(
            (shown.name.as_str(), shown.email.as_str()),
            ("grace@x.co", "")
        );
        let bare = row_label(&m("u3", Some("  ")), None, None);
        assert_eq!((bare.label.as_str(), bare.name.as_str()), ("u3", "u3"));
        let no_dir = row_label(&m("u1", Some("ada@blobsrus.co")), None, None);
        assert_eq!(no_dir.name, "ada@blobsrus.co");
    }

    #[test]
    fn embed_and_unknown_members_are_named_for_what_they_are() {
        let user = |id: &str, user_name: &str, name: &str| DirectoryUser {
            id: id.into(),
            user_name: user_name.into(),
            display_name: name.into(),
            email: String::new(),
        };
        let dir = Directory::new(vec![user("u1", "ada@x.co", "Ada")]);
        let embed = Directory::new(vec![user("e1", "embed-user-1@blobs.embed-omni", "")]);
        let e = m("e1", Some("embed-user-1@blobs.embed-omni"));
        // The embed list alone tells an embed user; the directory is not needed.
        assert_eq!(member_kind("e1", None, Some(&embed)), Some(EMBED_USER));
        let row = row_label(&e, None, Some(&embed));
        assert_eq!(
            (row.name.as_str(), row.email.as_str(), row.label.as_str()),
            (
                "embed-user-1@blobs.embed-omni",
                EMBED_USER,
                "embed-user-1@blobs.embed-omni"
            )
        );
        // Unknown only once both lists are read.
        assert_eq!(member_kind("x9", None, Some(&embed)), None);
        assert_eq!(member_kind("x9", Some(&dir), None), None);
        assert_eq!(
            member_kind("x9", Some(&dir), Some(&embed)),
            Some(UNKNOWN_USER)
        );
        assert_eq!(
            row_label(&m("x9", None), Some(&dir), Some(&embed)).email,
            UNKNOWN_USER
        );
        // A user of the directory is just that.
        assert_eq!(member_kind("u1", Some(&dir), Some(&embed)), None);
        let diff =
            crate::core::diff::MembershipDiff::between("G", &[e.clone(), m("u1", None)], "G", &[]);
        assert!(removes_embed_user(&diff, Some(&embed)));
        assert!(!removes_embed_user(&diff, None));
        let diff = crate::core::diff::MembershipDiff::between("G", &[m("u1", None)], "G", &[e]);
        assert!(!removes_embed_user(&diff, Some(&embed)));
    }
}
