//! A person's groups. Omni has no reverse lookup (user → groups), so the groups are read with
//! their members, a page at a time, into a compact index: each group once (ID, name, member
//! count) and, per user ID, the indices of the groups they are in. 500 groups × 200 members is
//! 100,000 small integers and one string per distinct user, not 100,000 strings.

use super::group_list::{LIST_COUNT, MAX_GROUPS, MAX_LIST_REQUESTS};
use super::model::{parse_list, BodyError, Group};
use super::paging::next_start_index;
use std::collections::HashMap;

/// A group as the index knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupInfo {
    pub id: String,
    pub name: String,
    pub members: usize,
}

impl GroupInfo {
    /// The name as shown: a nameless group still gets a link text.
    pub fn label(&self) -> &str {
        if self.name.trim().is_empty() {
            "(no name)"
        } else {
            &self.name
        }
    }
}

/// One group of a list answer: its ID, name and member IDs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupMembers {
    pub id: String,
    pub name: String,
    pub member_ids: Vec<String>,
}

/// One page of `GET /groups` with members, as member IDs.
pub fn parse_groups_with_members(
    body: &str,
) -> Result<(Vec<GroupMembers>, Option<u64>), BodyError> {
    // The panel's own group type: its parser is in the bundle already (Connect reads a list of
    // them); a page's member names are dropped as soon as the page is indexed.
    let list = parse_list::<Group>(body)?;
    let groups = list
        .resources
        .into_iter()
        .map(|g| GroupMembers {
            // RFC 7643 leaves an empty multi-valued attribute out: no members at all.
            member_ids: g
                .members
                .unwrap_or_default()
                .into_iter()
                .map(|m| m.value)
                .filter(|v| !v.is_empty())
                .collect(),
            id: g.id,
            name: g.display_name,
        })
        .collect();
    Ok((groups, list.total_results))
}

/// Every group read (up to [`MAX_GROUPS`]) and who is in which.
#[derive(Clone, Debug, Default)]
pub struct Memberships {
    groups: Vec<GroupInfo>,
    by_group_id: HashMap<String, usize>,
    /// User ID → index into `lists` (the map's type is the directory's: no more code).
    by_user: HashMap<String, usize>,
    /// Per user, the indices into `groups` of their groups, ascending, no repeats.
    lists: Vec<Vec<u32>>,
    pages_read: usize,
    total: Option<u64>,
    complete: bool,
    capped: bool,
}

impl Memberships {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the page that started at `start`; returns where the next one starts, or `None`
    /// when every group is read (or the cap is reached). A group seen before (the list shifted
    /// while it was read) is replaced where it stands.
    pub fn add_page(
        &mut self,
        start: u64,
        groups: Vec<GroupMembers>,
        total: Option<u64>,
    ) -> Option<u64> {
        let received = groups.len();
        self.pages_read += 1;
        if total.is_some() {
            self.total = total;
        }
        for g in groups {
            if self.groups.len() >= MAX_GROUPS && !self.by_group_id.contains_key(&g.id) {
                self.capped = true;
                break;
            }
            self.set_group(&g.id, &g.name, &g.member_ids);
        }
        let next = next_start_index(start, received, total, None);
        match next {
            None => self.complete = true,
            Some(_) if self.capped || self.pages_read >= MAX_LIST_REQUESTS => {
                self.capped = true;
                self.complete = true;
            }
            Some(_) => return next,
        }
        None
    }

    /// Sets group `id`'s name and members (a page read, or a save of the panel's own): the
    /// index then says exactly these users are in it.
    pub fn set_group(&mut self, id: &str, name: &str, member_ids: &[String]) {
        let index = match self.by_group_id.get(id) {
            Some(&i) => {
                // Out of every user's list first; the new members go back in below.
                for list in &mut self.lists {
                    if let Ok(at) = list.binary_search(&(i as u32)) {
                        list.remove(at);
                    }
                }
                i
            }
            None => {
                let i = self.groups.len();
                self.groups.push(GroupInfo {
                    id: id.to_string(),
                    name: String::new(),
                    members: 0,
                });
                self.by_group_id.insert(id.to_string(), i);
                i
            }
        };
        let mut distinct = 0;
        for user in member_ids {
            let at = match self.by_user.get(user.as_str()) {
                Some(&at) => at,
                None => {
                    self.lists.push(Vec::new());
                    self.by_user.insert(user.clone(), self.lists.len() - 1);
                    self.lists.len() - 1
                }
            };
            if let Some(list) = self.lists.get_mut(at) {
                // Pages come in order, so a new group goes at the end: no shifting.
                if let Err(pos) = list.binary_search(&(index as u32)) {
                    list.insert(pos, index as u32);
                    distinct += 1;
                }
            }
        }
        if let Some(g) = self.groups.get_mut(index) {
            g.name = name.to_string();
            g.members = distinct;
        }
    }

    /// Whether this group is in the index (a save of a group past the cap is not added).
    pub fn knows_group(&self, id: &str) -> bool {
        self.by_group_id.contains_key(id)
    }

    /// The groups `user_id` is in, by name (any case), then ID.
    pub fn groups_of(&self, user_id: &str) -> Vec<&GroupInfo> {
        let mut out: Vec<(String, &GroupInfo)> = self
            .by_user
            .get(user_id)
            .and_then(|&at| self.lists.get(at))
            .map(|l| {
                l.iter()
                    .filter_map(|&i| self.groups.get(i as usize))
                    .map(|g| (super::directory::fold(g.label()), g))
                    .collect()
            })
            .unwrap_or_default();
        out.sort_unstable_by(|a, b| (&a.0, &a.1.id).cmp(&(&b.0, &b.1.id)));
        out.into_iter().map(|(_, g)| g).collect()
    }

    /// The groups `user_id` is not in whose name (or ID) holds every word of `query`, any
    /// case and accent, by name: "Add to groups"' choices. At most `limit`.
    pub fn groups_to_add(&self, user_id: &str, query: &str, limit: usize) -> Vec<&GroupInfo> {
        let words: Vec<String> = super::directory::fold(query)
            .split_whitespace()
            .map(String::from)
            .collect();
        let theirs = self.by_user.get(user_id).and_then(|&at| self.lists.get(at));
        let mut out: Vec<(String, &GroupInfo)> = self
            .groups
            .iter()
            .enumerate()
            .filter(|(i, _)| theirs.is_none_or(|l| l.binary_search(&(*i as u32)).is_err()))
            .map(|(_, g)| (super::directory::fold(g.label()), g))
            .filter(|(name, g)| {
                words.iter().all(|w| {
                    name.contains(w.as_str()) || super::directory::fold(&g.id).contains(w.as_str())
                })
            })
            .collect();
        out.sort_unstable_by(|a, b| (&a.0, &a.1.id).cmp(&(&b.0, &b.1.id)));
        out.into_iter().take(limit).map(|(_, g)| g).collect()
    }

    /// Group `id` as the index knows it.
    pub fn group(&self, id: &str) -> Option<&GroupInfo> {
        self.by_group_id.get(id).and_then(|&i| self.groups.get(i))
    }

    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// Stopped at [`MAX_GROUPS`] groups or [`MAX_LIST_REQUESTS`] requests.
    pub fn is_capped(&self) -> bool {
        self.capped
    }

    /// "Reading groups: 3 of 12 pages".
    pub fn progress_text(&self) -> String {
        progress_text(self.progress())
    }

    /// `(pages read, pages in all)` for a `<progress>`, once the total is known.
    pub fn progress(&self) -> (usize, Option<usize>) {
        (self.pages_read, self.pages_total())
    }

    fn pages_total(&self) -> Option<usize> {
        let t = self.total? as usize;
        let pages = t.min(MAX_GROUPS).div_ceil(LIST_COUNT as usize).max(1);
        Some(pages.max(self.pages_read))
    }

    /// What the table's caption adds when the index is not every group.
    pub fn capped_note(&self) -> Option<String> {
        self.capped.then(|| {
            format!(
                "Only the first {} groups were read: groups past them are not listed here.",
                self.groups.len()
            )
        })
    }
}

/// "Reading groups: 3 of 12 pages" (the total once the server said it).
pub fn progress_text((read, total): (usize, Option<usize>)) -> String {
    match total {
        Some(total) => format!("Reading groups: {read} of {total} pages"),
        None if read == 0 => "Reading groups…".to_string(),
        None => format!("Reading groups: {read} pages"),
    }
}

/// The name a person is called by on their page: the display name, else the email, else the
/// user name, else the ID.
pub fn person_name(user: &super::directory::DirectoryUser) -> &str {
    [&user.display_name, &user.email, &user.user_name, &user.id]
        .into_iter()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
        .unwrap_or("")
}

/// The groups table's name: "Groups of Grace Hopper".
pub fn groups_caption(user: &super::directory::DirectoryUser) -> String {
    format!("Groups of {}", person_name(user))
}

/// "In 3 groups." / "Not in any group." / "In 1 group."
pub fn groups_said(n: usize) -> String {
    match n {
        0 => "Not in any group.".to_string(),
        1 => "In 1 group.".to_string(),
        n => format!("In {n} groups."),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn g(id: &str, name: &str, members: &[&str]) -> GroupMembers {
        GroupMembers {
            id: id.into(),
            name: name.into(),
            member_ids: members.iter().map(|m| m.to_string()).collect(),
        }
    }

    fn ids(m: &Memberships, user: &str) -> Vec<String> {
        m.groups_of(user).iter().map(|g| g.id.clone()).collect()
    }

    #[test]
    fn parses_member_ids_and_groups_without_members() {
        let body = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults":3,"Resources":[
            {"id":"g1","displayName":"Sales","members":[{"value":"u1"},{"value":"u2","display":"B"},{"value":""}]},
            {"id":"g2","displayName":"Empty"},
            {"id":"g3","displayName":"Null","members":null}]}"#;
        let (groups, total) = parse_groups_with_members(body).unwrap();
        assert_eq!(total, Some(3));
        assert_eq!(groups[0].member_ids, vec!["u1", "u2"]);
        assert!(groups[1].member_ids.is_empty());
        assert!(groups[2].member_ids.is_empty());
        assert!(parse_groups_with_members("<html>").is_err());
    }

    #[test]
    fn a_person_s_groups_by_name() {
        let mut m = Memberships::new();
        let next = m.add_page(
            1,
            vec![g("g1", "sales", &["u1", "u2"]), g("g2", "Admins", &["u1"])],
            Some(3),
        );
        assert_eq!(next, Some(3));
        assert!(!m.is_complete());
        assert_eq!(m.progress_text(), "Reading groups: 1 of 1 pages");
        assert_eq!(
            m.add_page(3, vec![g("g3", "Ölbar", &["u2", "u2"])], Some(3)),
            None
        );
        assert!(m.is_complete() && !m.is_capped());
        assert_eq!(ids(&m, "u1"), vec!["g2", "g1"]);
        assert_eq!(ids(&m, "u2"), vec!["g3", "g1"]);
        assert!(ids(&m, "nobody").is_empty());
        // A repeated member counts once.
        assert_eq!(m.groups_of("u2")[0].members, 1);
        assert_eq!(groups_said(0), "Not in any group.");
        assert_eq!(groups_said(2), "In 2 groups.");
    }

    #[test]
    fn groups_to_add_leave_out_the_persons_and_match_any_case_and_accent() {
        let mut m = Memberships::new();
        m.add_page(
            1,
            vec![
                g("g1", "Sales EMEA", &["u1"]),
                g("g2", "sales US", &[]),
                g("g3", "Ölbar", &["u2"]),
                g("g4", "Admins", &[]),
            ],
            Some(4),
        );
        let names = |v: Vec<&GroupInfo>| v.iter().map(|g| g.id.clone()).collect::<Vec<_>>();
        assert_eq!(names(m.groups_to_add("u1", "SALES", 10)), vec!["g2"]);
        assert_eq!(names(m.groups_to_add("u1", "olb", 10)), vec!["g3"]);
        assert_eq!(names(m.groups_to_add("u2", "", 10)), vec!["g4", "g1", "g2"]);
        assert_eq!(names(m.groups_to_add("u2", "", 2)), vec!["g4", "g1"]);
        assert_eq!(names(m.groups_to_add("nobody", "g3", 10)), vec!["g3"]);
    }

    #[test]
    fn a_person_is_called_by_name_else_email() {
        let mut u = crate::core::directory::DirectoryUser {
            id: "u1".into(),
            user_name: "gh".into(),
            display_name: "Grace Hopper".into(),
            email: "grace@example.com".into(),
        };
        assert_eq!(groups_caption(&u), "Groups of Grace Hopper");
        u.display_name = " ".into();
        assert_eq!(groups_caption(&u), "Groups of grace@example.com");
        u.email.clear();
        assert_eq!(person_name(&u), "gh");
        u.user_name.clear();
        assert_eq!(person_name(&u), "u1");
    }

    #[test]
    fn a_save_updates_the_index() {
        let mut m = Memberships::new();
        m.add_page(
            1,
            vec![g("g1", "A", &["u1", "u2"]), g("g2", "B", &["u1"])],
            Some(2),
        );
        m.set_group("g1", "A renamed", &["u2".into(), "u3".into()]);
        assert_eq!(ids(&m, "u1"), vec!["g2"]);
        assert_eq!(ids(&m, "u3"), vec!["g1"]);
        assert_eq!(m.groups_of("u2")[0].name, "A renamed");
        assert_eq!(m.groups_of("u2")[0].members, 2);
        assert_eq!(m.group_count(), 2);
    }

    #[test]
    fn progress_counts_pages_of_a_hundred() {
        let mut m = Memberships::new();
        let page: Vec<_> = (0..100).map(|i| g(&format!("g{i}"), "x", &[])).collect();
        assert_eq!(m.add_page(1, page, Some(1200)), Some(101));
        assert_eq!(m.progress_text(), "Reading groups: 1 of 12 pages");
        assert_eq!(m.progress(), (1, Some(12)));
        assert_eq!(progress_text((0, None)), "Reading groups…");
        assert_eq!(progress_text((2, None)), "Reading groups: 2 pages");
    }

    #[test]
    fn stops_at_the_cap() {
        let mut m = Memberships::new();
        let mut start = 1;
        loop {
            let page: Vec<_> = (0..100)
                .map(|i| g(&format!("g{}", start + i), "x", &["u"]))
                .collect();
            match m.add_page(start, page, Some(5000)) {
                Some(s) => start = s,
                None => break,
            }
        }
        assert!(m.is_capped());
        assert_eq!(m.group_count(), MAX_GROUPS);
        assert!(m.capped_note().is_some());
    }

    #[test]
    fn five_hundred_groups_of_two_hundred() {
        let mut m = Memberships::new();
        let users: Vec<String> = (0..2000).map(|u| format!("user-{u}")).collect();
        for page in 0..5u64 {
            let groups = (0..100)
                .map(|i| {
                    let n = page as usize * 100 + i;
                    GroupMembers {
                        id: format!("g{n}"),
                        name: format!("Group {n}"),
                        member_ids: (0..200)
                            .map(|k| users[(n * 7 + k) % 2000].clone())
                            .collect(),
                    }
                })
                .collect();
            m.add_page(page * 100 + 1, groups, Some(500));
        }
        assert!(m.is_complete());
        let total: usize = users.iter().map(|u| m.groups_of(u).len()).sum();
        assert_eq!(total, 500 * 200);
    }

    proptest! {
        /// The index answers what the groups say, after pages and saves in any order.
        #[test]
        fn index_matches_the_groups(
            groups in proptest::collection::vec(proptest::collection::btree_set(0u8..8, 0..6), 1..8),
            saves in proptest::collection::vec((0usize..8, proptest::collection::btree_set(0u8..8, 0..6)), 0..5),
        ) {
            let mut truth: Vec<BTreeSet<u8>> = groups.clone();
            let mut m = Memberships::new();
            let page: Vec<_> = groups.iter().enumerate().map(|(i, s)| GroupMembers {
                id: format!("g{i}"),
                name: format!("n{i}"),
                member_ids: s.iter().map(|u| format!("u{u}")).collect(),
            }).collect();
            m.add_page(1, page, Some(groups.len() as u64));
            for (gi, set) in saves {
                let gi = gi % truth.len();
                truth[gi] = set.clone();
                let members: Vec<String> = set.iter().map(|u| format!("u{u}")).collect();
                m.set_group(&format!("g{gi}"), &format!("n{gi}"), &members);
            }
            for u in 0u8..8 {
                let mut want: Vec<String> = truth.iter().enumerate()
                    .filter(|(_, s)| s.contains(&u)).map(|(i, _)| format!("g{i}")).collect();
                want.sort();
                let mut got = ids(&m, &format!("u{u}"));
                got.sort();
                prop_assert_eq!(got, want);
            }
        }
    }
}
