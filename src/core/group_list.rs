//! The Groups screen's list: every group the server has (up to a cap), with its member count,
//! searched by name locally in any case and without accents, a page of rows at a time.
//!
//! The list is read with members (Omni has no member count field), 100 groups a request; the
//! member arrays are counted while parsing and never kept. When the server cannot send lists
//! that large, or sends them without members, the list is read without members and the counts
//! of the rows on screen are read one group at a time ([`Listing::counts_to_read`]).

use super::directory::fold;
use super::error::ErrorKind;
use super::model::{parse_list, BodyError};
use super::paging::{next_start_index, page_range_text};
use super::stored_draft::StoredDraft;
use super::window::group_digits;
use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// Groups asked for per list request (Omni's default `count`).
pub const LIST_COUNT: u64 = 100;
/// The most groups read into the list; past it the list says it stops there.
pub const MAX_GROUPS: usize = 2000;
/// The most list requests for one listing (2,000 groups at 100 a request).
pub const MAX_LIST_REQUESTS: usize = 20;
/// Rows on a page of the list, and so the most count reads at a time in the fallback.
pub const ROWS_PER_PAGE: usize = 25;
/// Rows shown for a search; typing more narrows it.
pub const MAX_MATCHES_SHOWN: usize = 100;

/// A group's member count as the list knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberCount {
    Counted(usize),
    /// The list came without members: to be read on its own once shown.
    NotRead,
    Reading,
    /// Its read failed.
    Unavailable,
}

/// One row of the list: what is shown and searched, not the group (members are never kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    pub id: String,
    pub name: String,
    /// The name folded for search (lower case, no accents), made once per group.
    key: String,
    pub members: MemberCount,
}

impl GroupRow {
    pub fn new(id: String, name: String, members: MemberCount) -> Self {
        let key = fold(name.trim());
        Self {
            id,
            name,
            key,
            members,
        }
    }

    /// True when the name contains `folded`, a query already folded with [`fold_query`].
    pub fn matches(&self, folded: &str) -> bool {
        self.key.contains(folded)
    }

    /// The name as shown: a nameless group still gets a link text.
    pub fn label(&self) -> &str {
        if self.name.trim().is_empty() {
            "(no name)"
        } else {
            &self.name
        }
    }
}

/// A query as rows are compared with it: trimmed, lower case, without accents.
pub fn fold_query(query: &str) -> String {
    fold(query.trim())
}

/// A group as a list row is read from JSON: its members only counted.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RowWire {
    id: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    members: Option<Counted>,
}

/// The length of a JSON array, its items skipped unread (a 50,000-member group costs no
/// allocation per member). `null` counts as absent.
struct Counted(usize);

impl<'de> Deserialize<'de> for Counted {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Count;
        impl<'de> Visitor<'de> for Count {
            type Value = Counted;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of members")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Counted, A::Error> {
                let mut n = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Counted(n))
            }
        }
        d.deserialize_seq(Count)
    }
}

impl From<RowWire> for GroupRow {
    fn from(w: RowWire) -> Self {
        let members = match w.members {
            Some(Counted(n)) => MemberCount::Counted(n),
            None => MemberCount::NotRead,
        };
        GroupRow::new(w.id, w.display_name, members)
    }
}

/// One list answer as rows, with the server's total. A group without `members` (asked
/// without them, or a server that drops them from lists) is [`MemberCount::NotRead`].
pub fn parse_group_rows(body: &str) -> Result<(Vec<GroupRow>, Option<u64>), BodyError> {
    let list = parse_list::<RowWire>(body)?;
    Ok((
        list.resources.into_iter().map(GroupRow::from).collect(),
        list.total_results,
    ))
}

/// The member count in one group's answer (`GET /groups/{id}`), its members counted unkept.
pub fn parse_member_count(body: &str, id: &str) -> Result<usize, BodyError> {
    let wire: RowWire = serde_json::from_str(body).map_err(|_| {
        BodyError("the group the server sent could not be read as a SCIM group".into())
    })?;
    if wire.id != id {
        return Err(BodyError(format!(
            "the server answered with group “{}” although group “{id}” was asked for",
            wire.id
        )));
    }
    // A group answered without `members` has none (RFC 7643 leaves empty lists out).
    Ok(wire.members.map_or(0, |c| c.0))
}

/// True when a failed read of the list with members should be tried again without them: the
/// answer was too large, too slow or broke the server; not when the key or address is wrong.
pub fn read_again_without_members(kind: &ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::ServerError
            | ErrorKind::Timeout { .. }
            | ErrorKind::TooLarge
            | ErrorKind::BadResponse
            | ErrorKind::Unreachable { .. }
    )
}

/// Why the counts are read group by group after a failed read of the list with members.
pub fn without_members_note(kind: &ErrorKind, status: Option<u16>) -> String {
    let why = match kind {
        ErrorKind::ServerError => match status {
            Some(s) => format!("the server failed to send the list with members ({s})"),
            None => "the server failed to send the list with members".to_string(),
        },
        ErrorKind::Timeout { .. } => "the list with members took too long".to_string(),
        ErrorKind::Unreachable { .. } => {
            "the connection broke while the list with members came".to_string()
        }
        _ => "the list with members was too large to read".to_string(),
    };
    format!("Member counts are read group by group for the groups shown: {why}.")
}

/// Why the member column went: no count of the rows shown could be read.
pub fn counts_failed_note(status: Option<u16>) -> String {
    match status {
        Some(s) => format!(
            "Member counts could not be read: the server answered {s} when asked for each group's members."
        ),
        None => "Member counts could not be read: no answer came when asked for each group's members."
            .to_string(),
    }
}

/// How far the reading of the list got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListEnd {
    Reading,
    Complete,
    /// Stopped at [`MAX_GROUPS`] groups or [`MAX_LIST_REQUESTS`] requests.
    Capped,
}

/// The whole list as read so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub rows: Vec<GroupRow>,
    /// The server's `totalResults`, last given.
    pub total: Option<u64>,
    pub requests: usize,
    pub end: ListEnd,
    /// True when the list is read with members (counts come with it).
    pub with_members: bool,
}

impl Listing {
    pub fn new(with_members: bool) -> Self {
        Self {
            rows: Vec::new(),
            total: None,
            requests: 0,
            end: ListEnd::Reading,
            with_members,
        }
    }

    /// Adds the page that started at `start`; returns where the next one starts, or `None`
    /// when the list is complete or capped. A group seen before (the list shifted while it was
    /// read) is updated where it stands.
    pub fn add_page(&mut self, start: u64, rows: Vec<GroupRow>, total: Option<u64>) -> Option<u64> {
        let received = rows.len();
        self.requests += 1;
        if total.is_some() {
            self.total = total;
        }
        for row in rows {
            match self.rows.iter_mut().find(|r| r.id == row.id) {
                Some(old) => *old = row,
                None => self.rows.push(row),
            }
        }
        let next = next_start_index(start, received, total, None);
        self.end = match next {
            None => ListEnd::Complete,
            Some(_) if self.rows.len() >= MAX_GROUPS || self.requests >= MAX_LIST_REQUESTS => {
                self.rows.truncate(MAX_GROUPS);
                ListEnd::Capped
            }
            Some(_) => return next,
        };
        None
    }

    /// The rows shown for `query` on page `page` (0-based, when no query): a page of the list,
    /// or every match (up to [`MAX_MATCHES_SHOWN`]) without a pager.
    pub fn shown(&self, query: &str, page: usize) -> Shown {
        let folded = fold_query(query);
        if folded.is_empty() {
            let pages = self.rows.len().div_ceil(ROWS_PER_PAGE).max(1);
            let page = page.min(pages - 1);
            let start = page * ROWS_PER_PAGE;
            let end = (start + ROWS_PER_PAGE).min(self.rows.len());
            return Shown {
                rows: (start..end).collect(),
                matches: None,
                pager: (pages > 1).then_some(Pager {
                    page,
                    pages,
                    first: start,
                    len: end - start,
                    of: self.rows.len(),
                }),
            };
        }
        let hits: Vec<usize> = (0..self.rows.len())
            .filter(|&i| self.rows[i].matches(&folded))
            .collect();
        let matches = hits.len();
        Shown {
            rows: hits.into_iter().take(MAX_MATCHES_SHOWN).collect(),
            matches: Some(matches),
            pager: None,
        }
    }

    /// The one group matching `query`, for Enter in the search.
    pub fn only_match(&self, query: &str) -> Option<&GroupRow> {
        let folded = fold_query(query);
        if folded.is_empty() {
            return None;
        }
        let mut hits = self.rows.iter().filter(|r| r.matches(&folded));
        match (hits.next(), hits.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }

    /// The ids of `shown` rows whose count must be read on its own (at most a page's worth).
    pub fn counts_to_read(&self, shown: &[usize]) -> Vec<String> {
        shown
            .iter()
            .filter_map(|&i| self.rows.get(i))
            .filter(|r| r.members == MemberCount::NotRead)
            .take(ROWS_PER_PAGE)
            .map(|r| r.id.clone())
            .collect()
    }

    pub fn set_count(&mut self, id: &str, count: MemberCount) {
        if let Some(row) = self.rows.iter_mut().find(|r| r.id == id) {
            row.members = count;
        }
    }

    /// True when the rows `shown` are done being counted and none got a count: the column
    /// then goes, with a sentence saying why, rather than a column of blanks.
    pub fn counts_unavailable(&self, shown: &[usize]) -> bool {
        let mut rows = shown.iter().filter_map(|&i| self.rows.get(i)).peekable();
        rows.peek().is_some() && rows.all(|r| r.members == MemberCount::Unavailable)
    }

    /// What the list says about its extent: "8 groups." or that it stopped at the cap.
    pub fn summary(&self) -> Option<String> {
        let n = self.rows.len();
        match self.end {
            ListEnd::Reading => None,
            ListEnd::Complete => Some(match n {
                0 => "There are no groups on this server yet.".to_string(),
                1 => "1 group.".to_string(),
                n => format!("{} groups.", group_digits(n)),
            }),
            ListEnd::Capped => {
                let of = self
                    .total
                    .filter(|&t| t > n as u64)
                    .map(|t| format!(" of {}", group_digits(t as usize)))
                    .unwrap_or_default();
                Some(format!(
                    "Showing the first {}{of} groups: the panel reads at most {} groups ({} requests). Open any other group by its ID.",
                    group_digits(n),
                    group_digits(MAX_GROUPS),
                    MAX_LIST_REQUESTS
                ))
            }
        }
    }
}

/// The rows on screen: indices into [`Listing::rows`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    pub rows: Vec<usize>,
    /// With a query: how many groups match (possibly more than shown).
    pub matches: Option<usize>,
    /// Only without a query, and only with more than one page.
    pub pager: Option<Pager>,
}

impl Shown {
    /// "3 groups match “ops”." (or that none does), with a query.
    pub fn match_text(&self, query: &str) -> Option<String> {
        let n = self.matches?;
        let q = query.trim();
        Some(match n {
            0 => format!("No group matches “{q}”."),
            1 => format!("1 group matches “{q}”. Press Enter to open it."),
            n if n > self.rows.len() => format!(
                "{} groups match “{q}”; the first {} are shown. Type more of the name to narrow them.",
                group_digits(n),
                self.rows.len()
            ),
            n => format!("{} groups match “{q}”.", group_digits(n)),
        })
    }
}

/// Where the page of the list is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pager {
    /// 0-based.
    pub page: usize,
    pub pages: usize,
    /// Index of the first row on the page.
    pub first: usize,
    pub len: usize,
    pub of: usize,
}

impl Pager {
    pub fn has_prev(&self) -> bool {
        self.page > 0
    }

    pub fn has_next(&self) -> bool {
        self.page + 1 < self.pages
    }

    /// "Groups 26–50 of 73".
    pub fn text(&self) -> String {
        page_range_text(self.first as u64 + 1, self.len, Some(self.of as u64))
    }
}

/// True when group `id` has unsaved edits: the one open in the editor is changed, or a draft
/// kept in the tab (`stored`, its JSON) holds a change.
pub fn has_unsaved_draft(id: &str, open_dirty: Option<&str>, stored: Option<&str>) -> bool {
    open_dirty == Some(id)
        || stored
            .and_then(StoredDraft::parse)
            .is_some_and(|d| d.loaded.id == id && d.has_changes())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::model::{Group, Member, Meta};
    use crate::core::stored_draft::StoredDraft;
    use proptest::prelude::*;
    use serde_json::json;

    fn row(id: &str, name: &str) -> GroupRow {
        GroupRow::new(id.into(), name.into(), MemberCount::Counted(0))
    }

    fn listing(names: &[&str]) -> Listing {
        let mut l = Listing::new(true);
        let rows = names
            .iter()
            .enumerate()
            .map(|(i, n)| row(&i.to_string(), n))
            .collect();
        l.add_page(1, rows, Some(names.len() as u64));
        l
    }

    fn names(l: &Listing, s: &Shown) -> Vec<String> {
        s.rows.iter().map(|&i| l.rows[i].name.clone()).collect()
    }

    #[test]
    fn rows_count_members_without_keeping_them() {
        let body = json!({
            "totalResults": 3,
            "Resources": [
                {"id": "a", "displayName": "Sales", "members": [{"value": "u1", "display": "x"}, {"value": "u2"}]},
                {"id": "b", "displayName": "Empty", "members": []},
                {"id": "c", "displayName": "Dropped"},
            ]
        })
        .to_string();
        let (rows, total) = parse_group_rows(&body).unwrap_or_else(|e| panic!("not a list: {e:?}"));
        assert_eq!(total, Some(3));
        let counts: Vec<MemberCount> = rows.iter().map(|r| r.members).collect();
        assert_eq!(
            counts,
            [
                MemberCount::Counted(2),
                MemberCount::Counted(0),
                MemberCount::NotRead
            ]
        );
        assert!(parse_group_rows(r#"{"detail":"no"}"#).is_err());
        assert!(parse_group_rows("<html>").is_err());
        assert!(parse_group_rows(r#"{"Resources":[{"id":"a","members":3}]}"#).is_err());
    }

    #[test]
    fn one_groups_count() {
        let body = json!({"id": "a", "displayName": "A", "members": [{"value": "1"}, {"value": "2"}, {"value": "3"}]}).to_string();
        assert_eq!(parse_member_count(&body, "a"), Ok(3));
        assert_eq!(
            parse_member_count(r#"{"id":"a","displayName":"A"}"#, "a"),
            Ok(0)
        );
        assert!(parse_member_count(&body, "b").is_err());
        assert!(parse_member_count("nope", "a").is_err());
    }

    #[test]
    fn reads_again_without_members_only_for_size_and_server_trouble() {
        assert!(read_again_without_members(&ErrorKind::ServerError));
        assert!(read_again_without_members(&ErrorKind::Timeout {
            seconds: 30
        }));
        assert!(read_again_without_members(&ErrorKind::BadResponse));
        assert!(!read_again_without_members(&ErrorKind::BadKey));
        assert!(!read_again_without_members(&ErrorKind::Cancelled));
        assert!(!read_again_without_members(&ErrorKind::RateLimited {
            wait_seconds: None
        }));
    }

    #[test]
    fn the_fallback_says_why_briefly() {
        assert_eq!(
            without_members_note(&ErrorKind::ServerError, Some(502)),
            "Member counts are read group by group for the groups shown: the server failed to send the list with members (502)."
        );
        assert!(without_members_note(&ErrorKind::BadResponse, Some(200))
            .ends_with("too large to read."));
    }

    #[test]
    fn eight_groups_are_one_request() {
        let l = listing(&["A", "B", "C", "D", "E", "F", "G", "H"]);
        assert_eq!(l.requests, 1);
        assert_eq!(l.end, ListEnd::Complete);
        assert_eq!(l.summary().as_deref(), Some("8 groups."));
    }

    #[test]
    fn reading_stops_at_the_cap() {
        let mut l = Listing::new(true);
        let mut start = 1;
        let mut asked = 0;
        loop {
            asked += 1;
            let rows = (0..100)
                .map(|i| row(&format!("{}", start + i), "Team"))
                .collect();
            match l.add_page(start, rows, Some(5000)) {
                Some(next) => start = next,
                None => break,
            }
        }
        assert_eq!(asked, MAX_LIST_REQUESTS);
        assert_eq!(l.rows.len(), MAX_GROUPS);
        assert_eq!(l.end, ListEnd::Capped);
        assert!(l
            .summary()
            .is_some_and(|s| s.starts_with("Showing the first 2,000 of 5,000 groups")));
    }

    #[test]
    fn short_pages_and_shifts_do_not_lose_or_double_groups() {
        let mut l = Listing::new(true);
        assert_eq!(
            l.add_page(1, vec![row("a", "A"), row("b", "B")], Some(3)),
            Some(3)
        );
        assert_eq!(
            l.add_page(3, vec![row("b", "B2"), row("c", "C")], Some(3)),
            None
        );
        assert_eq!(
            l.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["A", "B2", "C"]
        );
        assert_eq!(l.end, ListEnd::Complete);
    }

    #[test]
    fn pages_of_25_without_a_query() {
        let all: Vec<String> = (1..=60).map(|i| format!("Team {i:02}")).collect();
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let l = listing(&refs);
        let first = l.shown("", 0);
        assert_eq!(first.rows.len(), 25);
        let pager = first.pager.unwrap_or_else(|| panic!("no pager"));
        assert_eq!(pager.text(), "Groups 1–25 of 60");
        assert!(!pager.has_prev() && pager.has_next());
        let last = l.shown("  ", 9);
        let pager = last.pager.unwrap_or_else(|| panic!("no pager"));
        assert_eq!(pager.text(), "Groups 51–60 of 60");
        assert!(pager.has_prev() && !pager.has_next());
        assert!(listing(&["A", "B"]).shown("", 0).pager.is_none());
    }

    #[test]
    fn a_search_shows_every_match_and_no_pager() {
        let all: Vec<String> = (1..=60).map(|i| format!("Team {i:02}")).collect();
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let l = listing(&refs);
        let s = l.shown("team", 1);
        assert_eq!(s.rows.len(), 60);
        assert!(s.pager.is_none());
        assert_eq!(
            s.match_text("team").as_deref(),
            Some("60 groups match “team”.")
        );
        let none = l.shown("zzz", 0);
        assert_eq!(
            none.match_text("zzz").as_deref(),
            Some("No group matches “zzz”.")
        );
    }

    #[test]
    fn search_ignores_case_and_accents() {
        let l = listing(&["Sales", "José's team", "Data Ops", "DEVOPS", "Öps"]);
        assert_eq!(names(&l, &l.shown("sales", 0)), ["Sales"]);
        assert_eq!(names(&l, &l.shown("jose", 0)), ["José's team"]);
        assert_eq!(names(&l, &l.shown("JOSÉ", 0)), ["José's team"]);
        assert_eq!(
            names(&l, &l.shown(" ops ", 0)),
            ["Data Ops", "DEVOPS", "Öps"]
        );
    }

    #[test]
    fn enter_opens_only_a_single_match() {
        let l = listing(&["Sales", "Sales EMEA", "Support"]);
        assert_eq!(
            l.only_match("supp").map(|r| r.name.as_str()),
            Some("Support")
        );
        assert!(l.only_match("sales").is_none());
        assert!(l.only_match("").is_none());
        assert!(l.only_match("nobody").is_none());
    }

    #[test]
    fn counts_are_read_only_for_shown_rows_not_counted() {
        let mut l = Listing::new(false);
        let rows = (0..30)
            .map(|i| GroupRow::new(format!("g{i}"), format!("G{i}"), MemberCount::NotRead))
            .collect();
        l.add_page(1, rows, Some(30));
        l.set_count("g1", MemberCount::Counted(4));
        let shown = l.shown("", 0);
        let ids = l.counts_to_read(&shown.rows);
        assert_eq!(ids.len(), 24);
        assert!(!ids.contains(&"g1".to_string()) && !ids.contains(&"g25".to_string()));
        assert!(!l.counts_unavailable(&shown.rows));
        for i in 0..25 {
            l.set_count(&format!("g{i}"), MemberCount::Unavailable);
        }
        assert!(l.counts_unavailable(&shown.rows));
        assert!(!l.counts_unavailable(&[]));
    }

    #[test]
    fn unsaved_mark_from_the_editor_or_a_kept_draft() {
        let loaded = Group {
            id: "g1".into(),
            display_name: "Sales".into(),
            members: Some(vec![]),
            meta: Meta::default(),
        };
        let mut draft = crate::core::draft::GroupDraft::from_group(loaded);
        let unchanged = StoredDraft::from_draft(&draft, 1).to_json();
        draft.add_members(vec![Member {
            value: "u1".into(),
            display: None,
        }]);
        let changed = StoredDraft::from_draft(&draft, 1).to_json();
        assert!(has_unsaved_draft("g1", Some("g1"), None));
        assert!(!has_unsaved_draft("g2", Some("g1"), None));
        assert!(has_unsaved_draft("g1", None, Some(&changed)));
        assert!(!has_unsaved_draft("g1", None, Some(&unchanged)));
        assert!(!has_unsaved_draft("g2", None, Some(&changed)));
        assert!(!has_unsaved_draft("g1", None, Some("{broken")));
    }

    /// Upper-cases ASCII and puts accents on vowels, as a name may be written.
    fn dress(s: &str, upper: bool, accents: bool) -> String {
        s.chars()
            .map(|c| {
                let c = if upper { c.to_ascii_uppercase() } else { c };
                match (accents, c) {
                    (true, 'a') => 'á',
                    (true, 'e') => 'é',
                    (true, 'o') => 'ö',
                    (true, 'A') => 'Å',
                    (true, 'E') => 'È',
                    (true, 'U') => 'Ü',
                    _ => c,
                }
            })
            .collect()
    }

    proptest! {
        /// Any piece of a name, typed in either case with or without its accents, finds it.
        #[test]
        fn any_part_in_any_case_finds_the_name(
            name in "[a-zA-Z ]{1,20}",
            from in 0usize..20,
            len in 1usize..20,
            upper in any::<bool>(),
            accents_in_name in any::<bool>(),
            accents_in_query in any::<bool>(),
        ) {
            let from = from.min(name.len() - 1);
            let part = &name[from..(from + len).min(name.len())];
            prop_assume!(!part.trim().is_empty());
            let l = listing(&[&dress(&name, false, accents_in_name)]);
            let query = dress(part, upper, accents_in_query);
            prop_assert_eq!(l.shown(&query, 0).rows.len(), 1, "{:?} in {:?}", query, l.rows[0].name);
        }

        /// Folding is idempotent and never makes an ASCII query match a name lacking its letters.
        #[test]
        fn folding_is_stable(s in "\\PC{0,30}") {
            let once = fold_query(&s);
            prop_assert_eq!(fold_query(&once), once.clone());
            let l = listing(&["Sales"]);
            if !once.is_empty() && !"sales".contains(once.as_str()) {
                prop_assert!(l.shown(&s, 0).rows.is_empty());
            }
        }
    }
}
