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

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub last_modified: Option<String>,
    /// RFC 7644 §3.14 version (ETag); Omni sends none.
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub resource_type: Option<String>,
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
            "The server answered with group “{}” instead of the requested “{requested_id}”; nothing was changed in the form.",
            group.id
        )));
    }
    Ok(group)
}

/// Parses a list answer of any resource type.
pub fn parse_list<T: for<'de> Deserialize<'de>>(body: &str) -> Result<ListResponse<T>, BodyError> {
    parse_json(body, "list")
}

fn parse_json<T: for<'de> Deserialize<'de>>(body: &str, what: &str) -> Result<T, BodyError> {
    if body.trim().is_empty() {
        return Err(BodyError(format!(
            "The server sent an empty answer where a {what} was expected."
        )));
    }
    if looks_like_html(body) {
        return Err(BodyError(format!(
            "The server sent a web page (HTML) instead of a SCIM {what}; a proxy or the wrong URL may be in between."
        )));
    }
    serde_json::from_str(body).map_err(|e| {
        let why = if e.is_eof() {
            "the answer was cut off"
        } else if e.is_syntax() {
            "the answer is not valid JSON"
        } else {
            "the answer is JSON of an unexpected shape"
        };
        BodyError(format!(
            "Could not read the {what} the server sent: {why} ({e})."
        ))
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
        assert!(parse_group(OMNI_GROUP, "other").is_err_and(|e| e.0.contains("instead of")));
    }

    #[test]
    fn bad_bodies_are_named() {
        assert!(parse_group("", "a").is_err_and(|e| e.0.contains("empty")));
        assert!(
            parse_group("<html><body>502</body></html>", "a").is_err_and(|e| e.0.contains("HTML"))
        );
        assert!(
            parse_group(r#"{"id":"a","displayName":"#, "a").is_err_and(|e| e.0.contains("cut off"))
        );
        assert!(parse_group(r#"{"id":1,"displayName":"A"}"#, "a")
            .is_err_and(|e| e.0.contains("unexpected shape")));
        assert!(parse_group("nonsense", "a").is_err_and(|e| e.0.contains("not valid JSON")));
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

    proptest::proptest! {
        #[test]
        fn parser_never_panics(s in ".*", id in "[a-zA-Z0-9]{0,8}") {
            let _ = parse_group(&s, &id);
            let _ = parse_list::<Group>(&s);
        }
    }
}
