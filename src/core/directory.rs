//! The organization's users as the panel knows them: listed once per connection (paged), then
//! searched locally, case- and accent-insensitively, and used to resolve emails in bulk.

use serde::Deserialize;
use std::collections::HashMap;

/// A SCIM user, reduced to what finding and adding people needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryUser {
    pub id: String,
    pub user_name: String,
    pub display_name: String,
    /// Primary email (else the first, else `userName` when it looks like one).
    pub email: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScimUser {
    #[serde(default)]
    id: String,
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    name: Option<ScimName>,
    #[serde(default)]
    emails: Vec<ScimEmail>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScimName {
    #[serde(default)]
    formatted: Option<String>,
    #[serde(default)]
    given_name: Option<String>,
    #[serde(default)]
    family_name: Option<String>,
}

#[derive(Deserialize)]
struct ScimEmail {
    #[serde(default)]
    value: String,
    #[serde(default)]
    primary: bool,
}

impl From<ScimUser> for DirectoryUser {
    fn from(u: ScimUser) -> Self {
        let email = u
            .emails
            .iter()
            .find(|e| e.primary)
            .or_else(|| u.emails.first())
            .map(|e| e.value.clone())
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| {
                if u.user_name.contains('@') {
                    u.user_name.clone()
                } else {
                    String::new()
                }
            });
        let from_name = u.name.and_then(|n| {
            n.formatted.filter(|f| !f.trim().is_empty()).or_else(|| {
                let joined = [n.given_name, n.family_name]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                (!joined.trim().is_empty()).then_some(joined)
            })
        });
        let display_name = u
            .display_name
            .filter(|d| !d.trim().is_empty())
            .or(from_name)
            .unwrap_or_else(|| u.user_name.clone());
        Self {
            id: u.id,
            user_name: u.user_name,
            display_name,
            email,
        }
    }
}

/// One page of `GET /users`; a user without an id cannot be added and is skipped. The error
/// names what was wrong with the answer (see [`crate::core::model::parse_list`]).
pub fn parse_users_page(body: &str) -> Result<(Vec<DirectoryUser>, Option<u64>), String> {
    let page = crate::core::model::parse_list::<ScimUser>(body).map_err(|e| e.0)?;
    let users = page
        .resources
        .into_iter()
        .filter(|u| !u.id.is_empty())
        .map(DirectoryUser::from)
        .collect();
    Ok((users, page.total_results))
}

/// Lower-cases and strips accents from Latin letters, so "zoe muller" finds "Zoë Müller".
/// A small table rather than full Unicode normalisation keeps the bundle small; letters it
/// does not know are compared lower-cased as they are.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        // Combining marks (as in decomposed "e\u{301}") carry only the accent.
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        match base_letter(c) {
            Some(b) => out.push_str(b),
            None => out.push(lower(c)),
        }
    }
    out
}

/// Lower case for the scripts people's names are written in with case: Latin (ASCII and
/// Latin-1), Greek and Cyrillic. Done by ranges because `char::to_lowercase` brings a 12 KB table.
pub fn lower(c: char) -> char {
    let shifted = match c {
        'A'..='Z' | 'À'..='Ö' | 'Ø'..='Þ' | 'Α'..='Ω' | 'А'..='Я' => c as u32 + 32,
        'Ѐ'..='Џ' => c as u32 + 80,
        _ => return c,
    };
    char::from_u32(shifted).unwrap_or(c)
}

/// Email addresses compare without case in practice; accents are kept (they are different
/// addresses).
pub fn email_key(email: &str) -> String {
    email.trim().to_ascii_lowercase()
}

fn base_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'À'..='Å' | 'à'..='å' | 'Ā'..='ą' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'Ć'..='č' => "c",
        'Ď'..='đ' | 'Ð' | 'ð' => "d",
        'È'..='Ë' | 'è'..='ë' | 'Ē'..='ě' => "e",
        'Ĝ'..='ģ' => "g",
        'Ĥ'..='ħ' => "h",
        'Ì'..='Ï' | 'ì'..='ï' | 'Ĩ'..='ı' => "i",
        'Ĵ' | 'ĵ' => "j",
        'Ķ' | 'ķ' => "k",
        'Ĺ'..='ł' => "l",
        'Ñ' | 'ñ' | 'Ń'..='ŉ' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō'..='ő' => "o",
        'Œ' | 'œ' => "oe",
        'Ŕ'..='ř' => "r",
        'Ś'..='š' => "s",
        'ß' => "ss",
        'Ţ'..='ŧ' => "t",
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ'..='ų' => "u",
        'Ŵ' | 'ŵ' => "w",
        'Ý' | 'ý' | 'ÿ' | 'Ŷ' | 'ŷ' | 'Ÿ' => "y",
        'Ź'..='ž' => "z",
        'Þ' | 'þ' => "th",
        _ => return None,
    })
}

/// Users with a folded search text per user, and an index by lower-cased email and userName.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    users: Vec<DirectoryUser>,
    haystacks: Vec<String>,
    by_email: HashMap<String, usize>,
    by_id: HashMap<String, usize>,
}

impl Directory {
    pub fn new(users: Vec<DirectoryUser>) -> Self {
        let haystacks = users
            .iter()
            .map(|u| fold(&format!("{} {} {}", u.display_name, u.user_name, u.email)))
            .collect();
        let mut by_email = HashMap::with_capacity(users.len() * 2);
        let mut by_id = HashMap::with_capacity(users.len());
        for (i, u) in users.iter().enumerate() {
            by_id.entry(u.id.clone()).or_insert(i);
            for key in [&u.email, &u.user_name] {
                if !key.is_empty() {
                    by_email.entry(email_key(key)).or_insert(i);
                }
            }
        }
        Self {
            users,
            haystacks,
            by_email,
            by_id,
        }
    }

    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// The user whose email or userName is `email`, ignoring case.
    pub fn by_email(&self, email: &str) -> Option<&DirectoryUser> {
        self.by_email
            .get(&email_key(email))
            .and_then(|&i| self.users.get(i))
    }

    /// The user with this ID (the member list names members the panel knows).
    pub fn by_id(&self, id: &str) -> Option<&DirectoryUser> {
        self.by_id.get(id).and_then(|&i| self.users.get(i))
    }

    /// The folded name, userName and email of the user with this ID, as search compares
    /// them: the member filter matches known members by these too, without folding again.
    pub fn folded_by_id(&self, id: &str) -> Option<&str> {
        self.by_id
            .get(id)
            .and_then(|&i| self.haystacks.get(i))
            .map(String::as_str)
    }

    /// Users matching every word of `query`, best first (a word starting the name or email
    /// ranks above one inside it), at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&DirectoryUser> {
        let words: Vec<String> = fold(query).split_whitespace().map(String::from).collect();
        if words.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(u8, usize)> = self
            .haystacks
            .iter()
            .enumerate()
            .filter(|(_, h)| words.iter().all(|w| h.contains(w.as_str())))
            .map(|(i, h)| {
                let starts = words.iter().all(|w| {
                    h.starts_with(w.as_str())
                        || h.contains(&format!(" {w}"))
                        || h.contains(&format!(".{w}"))
                });
                (u8::from(!starts), i)
            })
            .collect();
        hits.sort_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| {
                self.users[a.1]
                    .display_name
                    .cmp(&self.users[b.1].display_name)
            })
        });
        hits.into_iter()
            .take(limit)
            .filter_map(|(_, i)| self.users.get(i))
            .collect()
    }
}

/// True for text that is a single email address (then an exact server lookup is cheapest).
pub fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && s.len() <= 254
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\",;".contains(c))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::{any, Just, Strategy};

    fn user(id: &str, name: &str, email: &str) -> DirectoryUser {
        DirectoryUser {
            id: id.into(),
            user_name: email.into(),
            display_name: name.into(),
            email: email.into(),
        }
    }

    fn dir() -> Directory {
        Directory::new(vec![
            user("1", "Zoë Müller", "zoe.muller@blobsrus.co"),
            user("2", "Ada Lovelace", "ada@blobsrus.co"),
            user("3", "李 雷", "li.lei@blobsrus.co"),
            user("4", "Adam Smith", "adam.smith@blobsrus.co"),
            user("5", "Łukasz Żółw", "lukasz@blobsrus.co"),
            user("6", "Madalena Ramos", "m.ramos@blobsrus.co"),
        ])
    }

    fn ids(v: Vec<&DirectoryUser>) -> Vec<&str> {
        v.into_iter().map(|u| u.id.as_str()).collect()
    }

    #[test]
    fn users_are_found_by_id() {
        let d = dir();
        assert_eq!(
            d.by_id("2").map(|u| u.display_name.as_str()),
            Some("Ada Lovelace")
        );
        assert_eq!(
            d.folded_by_id("1"),
            Some("zoe muller zoe.muller@blobsrus.co zoe.muller@blobsrus.co")
        );
        assert!(d.by_id("nobody").is_none() && d.folded_by_id("").is_none());
    }

    #[test]
    fn folds_accents_and_case() {
        assert_eq!(fold("Zoë MÜLLER"), "zoe muller");
        assert_eq!(fold("Łukasz Żółw"), "lukasz zolw");
        assert_eq!(fold("e\u{301}te\u{301}"), "ete");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("李 雷"), "李 雷");
        assert_eq!(fold("ΑΘΗΝΑ Ирина ЁЖ"), "αθηνα ирина ёж");
    }

    #[test]
    fn search_is_case_and_accent_insensitive() {
        let d = dir();
        assert_eq!(ids(d.search("zoe", 10)), vec!["1"]);
        assert_eq!(ids(d.search("MÜLLER", 10)), vec!["1"]);
        assert_eq!(ids(d.search("zolw", 10)), vec!["5"]);
        assert_eq!(ids(d.search("李", 10)), vec!["3"]);
        assert_eq!(ids(d.search("ada love", 10)), vec!["2"]);
        assert!(d.search("   ", 10).is_empty());
        assert!(d.search("nobody", 10).is_empty());
    }

    #[test]
    fn word_starts_rank_first() {
        let d = dir();
        // "ada" starts Ada and Adam, and sits inside Madalena.
        let hits = ids(d.search("ada", 10));
        assert_eq!(hits.len(), 3);
        assert_eq!(hits[2], "6");
        assert_eq!(d.search("ada", 1).len(), 1);
    }

    #[test]
    fn email_lookup_ignores_case() {
        let d = dir();
        assert_eq!(
            d.by_email("ADA@blobsrus.co ").map(|u| u.id.as_str()),
            Some("2")
        );
        assert!(d.by_email("ghost@blobsrus.co").is_none());
    }

    #[test]
    fn email_shape() {
        assert!(looks_like_email("ada@blobsrus.co"));
        for bad in [
            "ada",
            "ada@",
            "@x.co",
            "a@b",
            "a b@c.co",
            "a@b.co;c@d.co",
            "a@.co",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }

    #[test]
    fn users_page_from_omni_and_other_servers() {
        let body = r#"{"totalResults":3,"Resources":[
            {"id":"u1","userName":"ada@x.co","displayName":"Ada L","emails":[{"value":"ada@x.co","primary":true}]},
            {"id":"u2","userName":"bjensen","name":{"givenName":"Barbara","familyName":"Jensen"},"emails":[{"value":"bj@example.com"}]},
            {"userName":"no-id"}
        ]}"#;
        let (users, total) = parse_users_page(body).unwrap_or_default();
        assert_eq!(total, Some(3));
        assert_eq!(users.len(), 2);
        assert_eq!(users[1].display_name, "Barbara Jensen");
        assert_eq!(users[1].email, "bj@example.com");
        assert!(parse_users_page("<html>").is_err_and(|e| e.contains("web page (HTML)")));
        assert!(parse_users_page(r#"{"detail":"OK","status":200}"#)
            .is_err_and(|e| e.contains("list the server sent has neither")));
        assert!(
            parse_users_page(r#"{"totalResults":1,"Resources":[{"id":7}]}"#)
                .is_err_and(|e| e.contains("wrong type for “id”"))
        );
    }

    /// What a person types looking for someone: a piece of a user's name or email, in any
    /// case, with accents added or dropped (`Zoë` as `ZOE`, `Ada` as `ádà`).
    fn typed_query() -> impl Strategy<Value = (usize, String)> {
        let accented = |c: char| match c {
            'a' => 'á',
            'e' => 'è',
            'i' => 'í',
            'o' => 'ô',
            'u' => 'ú',
            'c' => 'ç',
            'n' => 'ñ',
            'z' => 'ž',
            'l' => 'ł',
            's' => 'š',
            _ => c,
        };
        (
            0usize..6,
            any::<bool>(),
            any::<proptest::sample::Index>(),
            1usize..8,
        )
            .prop_flat_map(move |(i, name, start, len)| {
                let u = &dir().users[i];
                let field: Vec<char> = if name { &u.display_name } else { &u.email }
                    .chars()
                    .collect();
                let start = start.index(field.len());
                let piece: Vec<char> = field[start..(start + len).min(field.len())].to_vec();
                let n = piece.len();
                proptest::collection::vec(0u8..4, n).prop_map(move |changes| {
                    let typed: String = piece
                        .iter()
                        .zip(changes)
                        .map(|(&c, change)| match change {
                            0 => c.to_uppercase().next().unwrap_or(c),
                            1 => accented(c),
                            2 => fold(&c.to_string()).chars().next().unwrap_or(c),
                            _ => c,
                        })
                        .collect();
                    (i, typed)
                })
            })
    }

    proptest::proptest! {
        /// Every hit has every word of the query, folded; nobody who has them all is left out
        /// below the limit; hits where each word starts a word come first, then by name.
        #[test]
        fn search_finds_what_was_typed(
            (source, q) in proptest::prop_oneof![4 => typed_query(), 1 => (Just(usize::MAX), ".{0,12}")],
            limit in 0usize..8,
        ) {
            let d = dir();
            let words: Vec<String> = fold(&q).split_whitespace().map(String::from).collect();
            let haystack = |u: &DirectoryUser| fold(&format!("{} {} {}", u.display_name, u.user_name, u.email));
            let has_all = |u: &DirectoryUser| !words.is_empty() && words.iter().all(|w| haystack(u).contains(w.as_str()));
            // A word "starts" where the haystack does, or after a space or a dot.
            let at_starts = |u: &DirectoryUser| {
                let h = haystack(u);
                words.iter().all(|w| h.match_indices(w.as_str()).any(|(p, _)| p == 0 || h[..p].ends_with([' ', '.'])))
            };
            let hits = d.search(&q, limit);
            let matching = d.users.iter().filter(|u| has_all(u)).count();
            proptest::prop_assert_eq!(hits.len(), matching.min(limit), "{:?}", q);
            proptest::prop_assert!(hits.iter().all(|u| has_all(u)), "{:?}", q);
            // Word-start hits (rank 0) before inner ones (rank 1), then by name.
            let order = |u: &DirectoryUser| (u8::from(!at_starts(u)), u.display_name.clone());
            proptest::prop_assert!(hits.windows(2).all(|p| order(p[0]) <= order(p[1])), "{:?}: {:?}", q, hits);
            if source != usize::MAX && !words.is_empty() {
                let all = d.search(&q, usize::MAX);
                proptest::prop_assert!(all.iter().any(|u| u.id == d.users[source].id), "{:?} misses user {}", q, source);
            }
            let _ = parse_users_page(&q);
        }
    }
}
