//! SCIM resources as the panel reads and writes them.
//!
//! Reading is lenient (unknown fields ignored, optional fields optional) because SCIM servers
//! differ; what the panel relies on — a group's id and name, each member's `value` — is required.

use serde::{Deserialize, Serialize};

pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

/// One member of a group: `value` is the user's SCIM id, `display` is informational.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// What the panel uses of `meta` (the version stamps for lost-update checks); the rest
/// (`created`, `resourceType`, `location`) is skipped when read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    #[serde(default)]
    pub last_modified: Option<String>,
    /// RFC 7644 §3.14 version (ETag); Omni sends none.
    #[serde(default)]
    pub version: Option<String>,
}

/// A group as a server returns it (serialisable so an unsaved draft can keep it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: String,
    pub display_name: String,
    /// `None` when the server left members out (`excludedAttributes=members`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Member>>,
    #[serde(default)]
    pub meta: Meta,
}

impl Group {
    /// RFC 7644 §3.14 carries a version both in `meta.version` and in the `ETag` header; a
    /// server may send only the header. The body's wins when both are there.
    pub fn with_etag(mut self, etag: Option<String>) -> Self {
        if self.meta.version.is_none() {
            self.meta.version = etag.filter(|e| !e.trim().is_empty());
        }
        self
    }

    /// True when this group has `name` (as servers store it, trimmed) and exactly the members
    /// `members` by ID: what a save of that name and membership leaves on the server.
    pub fn holds(&self, name: &str, members: &[Member]) -> bool {
        use std::collections::HashSet;
        fn ids(ms: &[Member]) -> HashSet<&str> {
            ms.iter().map(|m| m.value.as_str()).collect()
        }
        self.display_name.trim() == name.trim()
            && ids(self.members.as_deref().unwrap_or_default()) == ids(members)
    }
}

/// RFC 7644 §3.4.2 list answer; only the count is needed to check a connection.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    #[serde(default)]
    pub total_results: Option<u64>,
    #[serde(default = "Vec::new", rename = "Resources")]
    pub resources: Vec<T>,
}

/// One member in a PUT body; Omni's PUT requires `display` even though it does not store it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberRef {
    pub value: String,
    pub display: String,
}

/// The body of `PUT /groups/{id}`: always the whole membership, since PUT replaces it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupReplace {
    pub schemas: [&'static str; 1],
    pub display_name: String,
    pub members: Vec<MemberRef>,
}

impl GroupReplace {
    pub fn new(display_name: String, members: Vec<MemberRef>) -> Self {
        Self {
            schemas: [GROUP_SCHEMA],
            display_name,
            members,
        }
    }

    pub fn to_json(&self) -> String {
        // Serialising plain strings into JSON cannot fail; fall back to an empty object rather
        // than panicking should that ever change.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

/// Why a 2xx body could not be used; `Display` names what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyError(pub String);

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a group answer and checks it is the group that was asked for.
pub fn parse_group(body: &str, requested_id: &str) -> Result<Group, BodyError> {
    let group: Group = parse_json(body, "group")?;
    if group.id != requested_id {
        return Err(BodyError(format!(
            "the server answered with group “{}” although group “{requested_id}” was asked for; nothing in the form was changed",
            group.id
        )));
    }
    Ok(group)
}

/// Parses a list answer of any resource type. RFC 7644 §3.4.2 requires `totalResults`; an answer with neither it nor `Resources` is not a
/// list (an error object sent with status 200, say) and is refused rather than read as empty.
pub fn parse_list<T: for<'de> Deserialize<'de>>(body: &str) -> Result<ListResponse<T>, BodyError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct RawList<T> {
        #[serde(default)]
        total_results: Option<u64>,
        #[serde(default = "Option::default", rename = "Resources")]
        resources: Option<Vec<T>>,
    }
    let raw: RawList<T> = parse_json(body, "list")?;
    if raw.total_results.is_none() && raw.resources.is_none() {
        return Err(no_list_fields());
    }
    Ok(ListResponse {
        total_results: raw.total_results,
        resources: raw.resources.unwrap_or_default(),
    })
}

/// JSON without a list's fields (an error object sent with status 200, say).
pub(crate) fn no_list_fields() -> BodyError {
    BodyError("the list the server sent has neither “totalResults” nor “Resources”".into())
}

/// Parses a 2xx body, naming what was wrong: empty, a web page, cut off, not JSON, a missing
/// field or a field of the wrong type.
pub(crate) fn parse_json<T: for<'de> Deserialize<'de>>(
    body: &str,
    what: &str,
) -> Result<T, BodyError> {
    if body.trim().is_empty() {
        return Err(BodyError(format!(
            "the server sent an empty answer where a {what} was expected"
        )));
    }
    if looks_like_html(body) {
        return Err(web_page_instead(what));
    }
    serde_json::from_str(body).map_err(|e| BodyError(describe_json_error(&e, body, what)))
}

/// A web page where a SCIM `what` was expected.
pub(crate) fn web_page_instead(what: &str) -> BodyError {
    BodyError(format!(
        "the server sent a web page (HTML) instead of a SCIM {what}; a proxy or gateway in between may have answered, or the base URL is wrong"
    ))
}

fn describe_json_error(e: &serde_json::Error, body: &str, what: &str) -> String {
    if e.is_eof() {
        return format!("the {what} the server sent was cut off before its end (incomplete JSON)");
    }
    if e.is_syntax() {
        return format!("the server's answer is not valid JSON, so not a SCIM {what}");
    }
    // Data errors read "missing field `x` at line 1 column 9" or "invalid type: integer `1`,
    // expected a string at line 1 column 7": keep the words, name the field.
    let message = e.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m);
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|f| f.strip_suffix('`'))
    {
        return format!("the {what} the server sent has no “{field}”");
    }
    match (
        message.strip_prefix("invalid type: "),
        key_before(body, e.line(), e.column()),
    ) {
        (Some(wrong), Some(key)) => {
            format!("the {what} the server sent has the wrong type for “{key}” ({wrong})")
        }
        _ => format!("the server's answer is JSON, but not a SCIM {what} ({message})"),
    }
}

/// The object key whose value ends at `line`:`column` (serde's error position), found by
/// looking back for `"key":`. Best effort; `None` when there is none.
fn key_before(body: &str, line: usize, column: usize) -> Option<String> {
    let line_start: usize = body
        .split('\n')
        .take(line.saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    let prefix = body.get(..line_start.saturating_add(column).min(body.len()))?;
    prefix.match_indices(':').rev().find_map(|(i, _)| {
        let quoted = prefix[..i].trim_end().strip_suffix('"')?;
        let key = &quoted[quoted.rfind('"')? + 1..];
        (!key.is_empty() && !key.contains('\\')).then(|| key.to_string())
    })
}

pub(crate) fn looks_like_html(body: &str) -> bool {
    let head: String = body
        .trim_start()
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype") || head.starts_with("<html") || head.starts_with('<')
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn the_etag_header_stands_in_for_a_missing_meta_version() {
        let g = |version: Option<&str>| Group {
            id: "g".into(),
            display_name: "G".into(),
            members: None,
            meta: Meta {
                last_modified: None,
                version: version.map(str::to_owned),
            },
        };
        let tag = || Some("W/\"2\"".to_owned());
        assert_eq!(g(None).with_etag(tag()).meta.version, tag());
        assert_eq!(g(Some("W/\"1\"")).with_etag(tag()), g(Some("W/\"1\"")));
        assert_eq!(g(None).with_etag(Some(" ".into())).meta.version, None);
        assert_eq!(g(None).with_etag(None), g(None));
    }

    const OMNI_GROUP: &str = r#"{
        "displayName": "Data Wranglers",
        "id": "Qw7rT2pL",
        "meta": {"created": "2025-03-01T10:00:00.000Z", "lastModified": "2025-03-02T11:30:15.120Z", "resourceType": "Group"},
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "members": [{"display": "ada.lovelace@example.org", "value": "3f2b8c1e-6a4d-4e9b-8f10-2c7d5e9a1b34"}]
    }"#;

    #[test]
    fn reads_an_omni_group() {
        let g = match parse_group(OMNI_GROUP, "Qw7rT2pL") {
            Ok(g) => g,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(g.display_name, "Data Wranglers");
        assert_eq!(
            g.meta.last_modified.as_deref(),
            Some("2025-03-02T11:30:15.120Z")
        );
        let members = g.members.unwrap_or_default();
        assert_eq!(members.len(), 1);
        assert_eq!(
            members[0].display.as_deref(),
            Some("ada.lovelace@example.org")
        );
    }

    #[test]
    fn members_left_out_are_none_not_empty() {
        let g = parse_group(r#"{"id":"a","displayName":"A"}"#, "a");
        assert_eq!(g.map(|g| g.members), Ok(None));
    }

    #[test]
    fn a_different_group_id_is_refused() {
        let e = parse_group(OMNI_GROUP, "other").map(|_| ()).unwrap_err();
        assert_eq!(
            e.0,
            "the server answered with group “Qw7rT2pL” although group “other” was asked for; nothing in the form was changed"
        );
    }

    fn group_error(body: &str) -> String {
        match parse_group(body, "a") {
            Ok(g) => panic!("{body} parsed as {g:?}"),
            Err(e) => e.0,
        }
    }

    #[test]
    fn bad_bodies_are_named() {
        assert_eq!(
            group_error(" "),
            "the server sent an empty answer where a group was expected"
        );
        assert!(
            group_error("<!DOCTYPE html><html><body>502</body></html>").contains("web page (HTML)")
        );
        assert_eq!(
            group_error(r#"{"id":"a","displayName":"#),
            "the group the server sent was cut off before its end (incomplete JSON)"
        );
        assert!(group_error("nonsense").contains("not valid JSON"));
        assert!(group_error(r#"{"id":"a",}"#).contains("not valid JSON"));
        // An error object sent with status 200.
        assert_eq!(
            group_error(r#"{"detail":"OK","status":200}"#),
            "the group the server sent has no “id”"
        );
        assert_eq!(
            group_error(r#"{"id":"a"}"#),
            "the group the server sent has no “displayName”"
        );
        assert_eq!(
            group_error(r#"{"id": 1, "displayName": "A"}"#),
            "the group the server sent has the wrong type for “id” (integer `1`, expected a string)"
        );
        assert!(group_error(
            "{\n  \"id\": \"a\",\n  \"displayName\": \"A:B\",\n  \"members\": \"x:y\"\n}"
        )
        .contains("wrong type for “members”"));
        assert!(
            group_error(r#"{"id":"a","displayName":"A","members":[{"value":5}]}"#)
                .contains("wrong type for “value”")
        );
        assert!(
            group_error(r#"{"id":"a","displayName":"A","members":{"k":1}}"#)
                .contains("wrong type for “members”")
        );
        assert!(group_error("[1,2]").contains("JSON, but not a SCIM group"));
    }

    #[test]
    fn a_list_needs_a_total_or_resources() {
        let e = parse_list::<Group>(r#"{"detail":"OK","status":200}"#);
        assert_eq!(
            e.map(|_| ()).map_err(|e| e.0),
            Err("the list the server sent has neither “totalResults” nor “Resources”".into())
        );
        let empty = parse_list::<Group>(r#"{"totalResults":0}"#);
        assert_eq!(empty.map(|l| l.resources.len()), Ok(0));
        let e = parse_list::<Group>(r#"{"totalResults":1,"Resources":[{"id":"a"}]}"#);
        assert!(e.is_err_and(|e| e.0.contains("no “displayName”")));
    }

    #[test]
    fn holds_compares_the_trimmed_name_and_member_ids() {
        let m = |id: &str, display: Option<&str>| Member {
            value: id.into(),
            display: display.map(Into::into),
        };
        let g = Group {
            id: "g".into(),
            display_name: "Sales".into(),
            members: Some(vec![m("a", Some("a@x.co")), m("b", None)]),
            meta: Meta::default(),
        };
        assert!(g.holds(" Sales ", &[m("b", Some("B")), m("a", None), m("a", None)]));
        assert!(!g.holds("sales", &[m("a", None), m("b", None)]));
        assert!(!g.holds("Sales", &[m("a", None)]));
        let none = Group { members: None, ..g };
        assert!(none.holds("Sales", &[]));
    }

    #[test]
    fn put_body_has_the_seed_shape() {
        let body = GroupReplace::new(
            "Data Wranglers".into(),
            vec![MemberRef {
                value: "3f2b8c1e-6a4d-4e9b-8f10-2c7d5e9a1b34".into(),
                display: "ada.lovelace@example.org".into(),
            }],
        );
        let sent: Value = serde_json::from_str(&body.to_json()).unwrap_or(Value::Null);
        assert_eq!(
            sent,
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "Data Wranglers",
                "members": [{"value": "3f2b8c1e-6a4d-4e9b-8f10-2c7d5e9a1b34", "display": "ada.lovelace@example.org"}]
            })
        );
        assert!(body.to_json().starts_with(
            r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"#
        ));
        let empty = GroupReplace::new("X".into(), vec![]).to_json();
        assert!(empty.ends_with(r#""members":[]}"#), "{empty}");
    }

    #[test]
    fn list_total() {
        let l: Result<ListResponse<Group>, _> = parse_list(
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":7,"startIndex":1,"itemsPerPage":1,"Resources":[{"id":"a","displayName":"A"}]}"#,
        );
        assert_eq!(
            l.map(|l| (l.total_results, l.resources.len())),
            Ok((Some(7), 1))
        );
    }
}
