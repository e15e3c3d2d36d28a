//! "Find user" as a combobox: which match the arrow keys make active, and whom Enter adds.
//! Enter never chooses among several people for the admin: it adds the option they made
//! active, or the only match that can be added, else nobody, and says why.

use super::directory::DirectoryUser;

/// The active option after Down (`down`) or Up in a list of `len` matches. Wraps, as the
/// WAI-ARIA APG combobox examples do: Down from the last option goes to the first, Up from the
/// first to the last; with none active, Down goes to the first and Up to the last. Home and End
/// are left to the text (APG: in an editable combobox they move the caret).
pub fn moved(active: Option<usize>, len: usize, down: bool) -> Option<usize> {
    if len == 0 {
        return None;
    }
    Some(match (active.filter(|&i| i < len), down) {
        (None, true) => 0,
        (None, false) => len - 1,
        (Some(i), true) => (i + 1) % len,
        (Some(i), false) => (i + len - 1) % len,
    })
}

/// Why Enter added nobody.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoPick {
    /// Nobody matches the text.
    NoMatch,
    /// The active option, or the only match, is a member already (their name).
    AlreadyMember(String),
    /// Every match is a member already (how many).
    AllMembers(usize),
    /// More than one match could be added, or more matched than are listed (`more`): the
    /// admin chooses.
    Several { shown: usize, more: bool },
}

/// Whom Enter adds from `matches` (the options listed, in order; `more` when more users match
/// than are listed): the `active` option; with none active, the one match that is not a member
/// yet when it is the only one; else nobody, and why.
pub fn enter_pick(
    matches: &[DirectoryUser],
    is_member: impl Fn(&DirectoryUser) -> bool,
    active: Option<usize>,
    more: bool,
) -> Result<&DirectoryUser, NoPick> {
    if let Some(user) = active.and_then(|i| matches.get(i)) {
        return if is_member(user) {
            Err(NoPick::AlreadyMember(user.display_name.clone()))
        } else {
            Ok(user)
        };
    }
    let mut addable = matches.iter().filter(|u| !is_member(u));
    match (matches, addable.next(), addable.next(), more) {
        ([], ..) => Err(NoPick::NoMatch),
        (_, Some(only), None, false) => Ok(only),
        ([member], None, _, false) => Err(NoPick::AlreadyMember(member.display_name.clone())),
        (_, None, _, false) => Err(NoPick::AllMembers(matches.len())),
        _ => Err(NoPick::Several {
            shown: matches.len(),
            more,
        }),
    }
}

impl NoPick {
    /// What the status says when Enter added nobody for the text `q`.
    pub fn message(&self, q: &str) -> String {
        match self {
            Self::NoMatch => matches_said(0, false, q),
            Self::AlreadyMember(name) => format!("{name} is already a member."),
            Self::AllMembers(n) => format!("All {n} matches are already members."),
            Self::Several { shown, more: false } => {
                format!("{shown} matches: choose one with the arrow keys or click it.")
            }
            Self::Several { shown, more: true } => format!(
                "More than {shown} matches: type more of the name, or choose one with the arrow keys or click it."
            ),
        }
    }
}

/// What the status says of a search for `q` that listed `shown` matches (`more`: more
/// matched than are listed).
pub fn matches_said(shown: usize, more: bool, q: &str) -> String {
    match (shown, more) {
        (0, _) => format!(
            "No user matches “{q}”. Check the spelling, or press Refresh user list for users added since."
        ),
        (1, false) => "1 matching user.".to_string(),
        (n, false) => format!("{n} matching users."),
        (n, true) => format!("{n} matching users shown; type more to narrow them down."),
    }
}

/// Whether the directory, searched locally without case or accents, decides after a server's
/// filter found nobody for the text: always. Some servers' `eq` is case-sensitive (an email
/// typed `Grace@Example.com` misses `grace@example.com`) and none folds accents in `co`.
pub fn directory_decides(server_found: usize) -> bool {
    server_found == 0
}

/// The first `limit` of `found` (asked for one more than `limit`), and whether more matched.
pub fn up_to(mut found: Vec<DirectoryUser>, limit: usize) -> (Vec<DirectoryUser>, bool) {
    let more = found.len() > limit;
    found.truncate(limit);
    (found, more)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn user(i: usize) -> DirectoryUser {
        DirectoryUser {
            id: format!("u{i}"),
            user_name: format!("p{i}@x.co"),
            display_name: format!("Person {i}"),
            email: format!("p{i}@x.co"),
        }
    }

    fn users(n: usize) -> Vec<DirectoryUser> {
        (0..n).map(user).collect()
    }

    fn pick(
        matches: &[DirectoryUser],
        members: &[usize],
        active: Option<usize>,
        more: bool,
    ) -> Result<String, NoPick> {
        let is_member = |u: &DirectoryUser| members.iter().any(|&m| u.id == format!("u{m}"));
        enter_pick(matches, is_member, active, more).map(|u| u.id.clone())
    }

    #[test]
    fn several_matches_and_none_active_add_nobody() {
        let five = users(5);
        let why = pick(&five, &[], None, false);
        assert_eq!(
            why,
            Err(NoPick::Several {
                shown: 5,
                more: false
            })
        );
        assert_eq!(
            why.map_err(|w| w.message("mend")),
            Err("5 matches: choose one with the arrow keys or click it.".to_string())
        );
    }

    #[test]
    fn the_active_option_is_added() {
        let five = users(5);
        assert_eq!(pick(&five, &[], Some(1), false), Ok("u1".into()));
        assert_eq!(pick(&five, &[], Some(4), true), Ok("u4".into()));
        assert_eq!(
            pick(&five, &[1], Some(1), false),
            Err(NoPick::AlreadyMember("Person 1".into()))
        );
        // An index past the list (the list changed) chooses nobody by itself.
        assert_eq!(
            pick(&five, &[], Some(5), false),
            Err(NoPick::Several {
                shown: 5,
                more: false
            })
        );
    }

    #[test]
    fn the_only_match_that_can_be_added_is_added() {
        assert_eq!(pick(&users(1), &[], None, false), Ok("u0".into()));
        // Members cannot be added: the other one is the only choice.
        assert_eq!(pick(&users(3), &[0, 2], None, false), Ok("u1".into()));
        // Unless more matched than are listed: one of those may be meant.
        assert_eq!(
            pick(&users(3), &[0, 2], None, true),
            Err(NoPick::Several {
                shown: 3,
                more: true
            })
        );
    }

    #[test]
    fn nobody_to_add_says_why() {
        assert_eq!(pick(&[], &[], None, false), Err(NoPick::NoMatch));
        assert_eq!(
            pick(&users(1), &[0], None, false),
            Err(NoPick::AlreadyMember("Person 0".into()))
        );
        assert_eq!(
            pick(&users(2), &[0, 1], None, false),
            Err(NoPick::AllMembers(2))
        );
        assert!(NoPick::NoMatch
            .message("zed")
            .contains("No user matches “zed”"));
        assert_eq!(
            NoPick::AllMembers(2).message("x"),
            "All 2 matches are already members."
        );
        assert!(NoPick::Several {
            shown: 8,
            more: true
        }
        .message("a")
        .starts_with("More than 8 matches"));
    }

    #[test]
    fn arrows_wrap() {
        assert_eq!(moved(None, 0, true), None);
        assert_eq!(moved(Some(2), 0, false), None);
        assert_eq!(moved(None, 5, true), Some(0));
        assert_eq!(moved(None, 5, false), Some(4));
        assert_eq!(moved(Some(0), 5, true), Some(1));
        assert_eq!(moved(Some(4), 5, true), Some(0));
        assert_eq!(moved(Some(0), 5, false), Some(4));
        // The list shrank under the active option: start again.
        assert_eq!(moved(Some(7), 5, true), Some(0));
    }

    #[test]
    fn the_directory_decides_when_the_server_finds_nobody() {
        assert!(directory_decides(0));
        assert!(!directory_decides(1));
        // What the directory then finds: an email in another case, a name without accents.
        let dir = crate::core::directory::Directory::new(vec![DirectoryUser {
            id: "g".into(),
            user_name: "grace@example.com".into(),
            display_name: "Grâce Hopper".into(),
            email: "grace@example.com".into(),
        }]);
        assert_eq!(dir.search("Grace@Example.com", 9).len(), 1);
        assert_eq!(dir.search("GRACE hopper", 9).len(), 1);
    }

    #[test]
    fn counts_and_cuts() {
        assert_eq!(matches_said(1, false, "a"), "1 matching user.");
        assert_eq!(matches_said(5, false, "a"), "5 matching users.");
        assert!(matches_said(8, true, "a").starts_with("8 matching users shown"));
        let (shown, more) = up_to(users(9), 8);
        assert_eq!((shown.len(), more), (8, true));
        let (shown, more) = up_to(users(8), 8);
        assert_eq!((shown.len(), more), (8, false));
    }

    proptest! {
        /// Enter adds someone only when they were made active, or when they are the one match
        /// that can be added and no match is unlisted; never a member.
        #[test]
        fn enter_adds_only_a_chosen_or_only_candidate(
            n in 0usize..10,
            member_bits in any::<u16>(),
            active in proptest::option::of(0usize..12),
            more in any::<bool>(),
        ) {
            let matches = users(n);
            let members: Vec<usize> = (0..n).filter(|i| member_bits & (1 << i) != 0).collect();
            let addable: Vec<usize> = (0..n).filter(|i| !members.contains(i)).collect();
            let got = pick(&matches, &members, active, more);
            match active.filter(|&i| i < n) {
                Some(i) if members.contains(&i) => {
                    prop_assert_eq!(got, Err(NoPick::AlreadyMember(format!("Person {i}"))));
                }
                Some(i) => prop_assert_eq!(got, Ok(format!("u{i}"))),
                None if addable.len() == 1 && !more => {
                    prop_assert_eq!(got, Ok(format!("u{}", addable[0])));
                }
                None => prop_assert!(got.is_err(), "{got:?}"),
            }
        }

        /// Each arrow press lands on an option; Down then Up (or Up then Down) comes back.
        #[test]
        fn arrows_stay_in_the_list_and_undo_each_other(
            len in 1usize..12,
            start in 0usize..12,
            down in any::<bool>(),
        ) {
            let start = start % len;
            let there = moved(Some(start), len, down);
            prop_assert!(there.is_some_and(|i| i < len));
            prop_assert_eq!(moved(there, len, !down), Some(start));
        }
    }
}
