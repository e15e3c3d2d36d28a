//! Screens addressed by the URL fragment (`#/groups`, `#/groups/{id}`, `#/people`,
//! `#/people/{userId}`), which works on any
//! static host because the server never sees it. Nothing secret is ever put in a route.

use super::endpoints::encode_path_segment;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Groups,
    Group(String),
    Activity,
    /// "Find person".
    People,
    /// A person's groups, by user ID.
    Person(String),
}

impl Route {
    /// Reads `location.hash`; anything unknown is the groups list.
    pub fn parse(hash: &str) -> Self {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let mut parts = path.splitn(2, '/');
        match (parts.next(), parts.next()) {
            (Some("groups"), Some(id)) if !id.is_empty() => {
                let id = percent_decode(id.trim_end_matches('/'));
                if id.is_empty() {
                    Self::Groups
                } else {
                    Self::Group(id)
                }
            }
            (Some("activity"), _) => Self::Activity,
            (Some("people"), Some(id)) if !id.trim_end_matches('/').is_empty() => {
                Self::Person(percent_decode(id.trim_end_matches('/')))
            }
            (Some("people"), _) => Self::People,
            _ => Self::Groups,
        }
    }

    /// Where a Connect lands: the group the link names, else the group with unsaved changes,
    /// else the Groups list (Activity too: the admin came to work on groups). A link to People
    /// or a person is followed too.
    pub fn after_connect(self, unsaved_group: Option<&str>) -> Self {
        match (self, unsaved_group) {
            (Self::Group(id), _) => Self::Group(id),
            (Self::People, _) => Self::People,
            (Self::Person(id), _) => Self::Person(id),
            (_, Some(id)) => Self::Group(id.to_string()),
            _ => Self::Groups,
        }
    }

    /// Whether the screen stays in view while not connected (under the connect card): the log
    /// of this session's saves, and the group whose edits are in the editor; not the Groups
    /// list nor a group not yet read, which need a connection to show anything.
    pub fn shown_while_disconnected(&self, in_editor: Option<&str>) -> bool {
        match self {
            Self::Activity => true,
            Self::Group(id) => in_editor == Some(id.as_str()),
            Self::Groups | Self::People | Self::Person(_) => false,
        }
    }

    pub fn to_hash(&self) -> String {
        match self {
            Self::Groups => "#/groups".to_string(),
            Self::Group(id) => format!("#/groups/{}", encode_path_segment(id)),
            Self::Activity => "#/activity".to_string(),
            Self::People => "#/people".to_string(),
            Self::Person(id) => format!("#/people/{}", encode_path_segment(id)),
        }
    }

    /// Whether the screen belongs to People (the top bar marks the link).
    pub fn is_people(&self) -> bool {
        matches!(self, Self::People | Self::Person(_))
    }
}

/// Decodes `%XX` escapes; invalid escapes and invalid UTF-8 are kept as typed.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        assert_eq!(Route::parse(""), Route::Groups);
        assert_eq!(Route::parse("#/groups"), Route::Groups);
        assert_eq!(Route::parse("#/groups/"), Route::Groups);
        assert_eq!(
            Route::parse("#/groups/mEhXj6ZI"),
            Route::Group("mEhXj6ZI".into())
        );
        assert_eq!(Route::parse("#/activity"), Route::Activity);
        assert_eq!(Route::parse("#/nonsense"), Route::Groups);
        assert_eq!(Route::Group("a b/c".into()).to_hash(), "#/groups/a%20b%2Fc");
        assert_eq!(
            Route::parse("#/groups/a%20b%2Fc"),
            Route::Group("a b/c".into())
        );
        assert_eq!(
            Route::parse("#/groups/bad%zz"),
            Route::Group("bad%zz".into())
        );
        assert_eq!(Route::parse("#/groups/x%4"), Route::Group("x%4".into()));
    }

    #[test]
    fn connect_lands_on_the_link_the_draft_or_the_groups() {
        let g = |id: &str| Route::Group(id.into());
        assert_eq!(Route::Groups.after_connect(None), Route::Groups);
        assert_eq!(Route::Activity.after_connect(None), Route::Groups);
        assert_eq!(g("a").after_connect(None), g("a"));
        assert_eq!(g("a").after_connect(Some("b")), g("a"));
        assert_eq!(Route::Groups.after_connect(Some("b")), g("b"));
        assert_eq!(Route::Activity.after_connect(Some("b")), g("b"));
    }

    #[test]
    fn what_stays_in_view_while_disconnected() {
        assert!(Route::Activity.shown_while_disconnected(None));
        assert!(!Route::Groups.shown_while_disconnected(Some("a")));
        assert!(Route::Group("a".into()).shown_while_disconnected(Some("a")));
        assert!(!Route::Group("a".into()).shown_while_disconnected(Some("b")));
        assert!(!Route::Group("a".into()).shown_while_disconnected(None));
    }

    #[test]
    fn people_and_a_person() {
        let p = |id: &str| Route::Person(id.into());
        assert_eq!(Route::parse("#/people"), Route::People);
        assert_eq!(Route::parse("#/people/"), Route::People);
        assert_eq!(Route::parse("#/people/u-1"), p("u-1"));
        assert_eq!(Route::parse("#/people/u-1/"), p("u-1"));
        assert_eq!(Route::parse("#/people/a%40b%2Fc"), p("a@b/c"));
        assert_eq!(Route::People.to_hash(), "#/people");
        assert_eq!(p("a b").to_hash(), "#/people/a%20b");
        assert!(Route::People.is_people() && p("x").is_people());
        assert!(!Route::Groups.is_people() && !Route::Activity.is_people());
        assert_eq!(p("x").after_connect(Some("g")), p("x"));
        assert_eq!(Route::People.after_connect(None), Route::People);
        assert!(!p("x").shown_while_disconnected(None));
        assert!(!Route::People.shown_while_disconnected(None));
    }

    proptest::proptest! {
        #[test]
        fn round_trip(id in "[^/]{1,20}") {
            proptest::prop_assert_eq!(Route::parse(&Route::Person(id.clone()).to_hash()), Route::Person(id.clone()));
            proptest::prop_assert_eq!(Route::parse(&Route::Group(id.clone()).to_hash()), Route::Group(id));
        }
    }
}
