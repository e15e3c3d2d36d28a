//! The exact request a save sends, built once and used for both the review screen and the
//! wire, so what the admin confirms is what goes out.

use super::base_url::ScimBase;
use super::diff::MembershipDiff;
use super::draft::GroupDraft;
use super::endpoints;
/// Lives with the URLs (list filters use it too); named here as well for callers that still
/// import it from this module.
pub use super::endpoints::filter_string;
use super::model::MemberRef;
use serde::Serialize;

pub const PATCH_OP_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveMethod {
    /// Replace name and whole membership (Omni's documented way).
    Put,
    /// Send only the change (RFC 7644 §3.5.2).
    Patch,
}

impl SaveMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Put => "PUT",
            Self::Patch => "PATCH",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveRequest {
    pub method: SaveMethod,
    pub url: String,
    pub body: String,
    /// `meta.version` to send as `If-Match` where the server supports ETags.
    pub if_match: Option<String>,
}

impl SaveRequest {
    pub fn new(
        base: &ScimBase,
        draft: &GroupDraft,
        diff: &MembershipDiff,
        method: SaveMethod,
        if_match: Option<String>,
    ) -> Self {
        let body = match method {
            SaveMethod::Put => draft.replace_body().to_json(),
            SaveMethod::Patch => patch_body(diff),
        };
        Self {
            method,
            url: endpoints::group(base, draft.id()),
            body,
            if_match,
        }
    }

    /// The body indented for reading on the review screen.
    pub fn pretty_body(&self) -> String {
        pretty_json(&self.body)
    }

    /// A curl command that repeats this request. The key is never in it: the header reads
    /// `$OMNI_API_KEY` from the shell. `origin` resolves a same-origin path base.
    pub fn curl(&self, origin: &str) -> String {
        let url = if self.url.starts_with('/') {
            format!("{}{}", origin.trim_end_matches('/'), self.url)
        } else {
            self.url.clone()
        };
        let mut cmd = format!(
            "curl --request {} \\\n  --url {} \\\n  --header \"Authorization: Bearer $OMNI_API_KEY\" \\\n  --header 'Content-Type: application/json'",
            self.method.as_str(),
            shell_quote(&url)
        );
        if let Some(version) = &self.if_match {
            cmd.push_str(&format!(
                " \\\n  --header {}",
                shell_quote(&format!("If-Match: {version}"))
            ));
        }
        cmd.push_str(&format!(" \\\n  --data {}", shell_quote(&self.body)));
        cmd
    }
}

/// Single-quotes for POSIX shells: nothing inside is expanded.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[derive(Serialize)]
struct PatchRequest<'a> {
    schemas: [&'static str; 1],
    #[serde(rename = "Operations")]
    operations: Vec<PatchOp<'a>>,
}

#[derive(Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
enum PatchOp<'a> {
    Replace {
        path: &'static str,
        value: &'a str,
    },
    Add {
        path: &'static str,
        value: Vec<MemberRef>,
    },
    Remove {
        path: String,
    },
}

/// RFC 7644 PatchOp for a change: `replace displayName`, one `add` of all new members, one
/// `remove` per removed member (Omni's documented form).
pub fn patch_body(diff: &MembershipDiff) -> String {
    let mut operations = Vec::new();
    if let Some((_, new)) = &diff.renamed {
        operations.push(PatchOp::Replace {
            path: "displayName",
            value: new,
        });
    }
    if !diff.added.is_empty() {
        let value = diff
            .added
            .iter()
            .map(|m| MemberRef {
                value: m.value.clone(),
                display: m.display.clone().unwrap_or_else(|| m.value.clone()),
            })
            .collect();
        operations.push(PatchOp::Add {
            path: "members",
            value,
        });
    }
    for m in &diff.removed {
        operations.push(PatchOp::Remove {
            path: format!("members[value eq {}]", filter_string(&m.value)),
        });
    }
    serde_json::to_string(&PatchRequest {
        schemas: [PATCH_OP_SCHEMA],
        operations,
    })
    .unwrap_or_default()
}

/// Indents compact JSON for reading, two spaces a level; text inside strings is left alone.
/// Hand-written so the bundle needs no generic JSON value type.
pub fn pretty_json(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}') | Some(']')) {
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            '}' | ']' => {
                if !matches!(out.chars().last(), Some('{') | Some('[')) {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether the admin must type the group's name to confirm: emptying a group, or removing more
/// than 10 members, or a quarter or more of them.
pub fn needs_typed_name(diff: &MembershipDiff, loaded_count: usize, new_count: usize) -> bool {
    let removed = diff.removed.len();
    (new_count == 0 && loaded_count > 0)
        || removed > 10
        || (removed > 0 && removed * 4 >= loaded_count)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::model::{Group, Member, Meta};
    use serde_json::json;

    fn m(id: &str) -> Member {
        Member {
            value: id.into(),
            display: Some(format!("{id}@x.org")),
        }
    }

    fn draft(ids: &[&str], new_ids: &[&str], new_name: &str) -> GroupDraft {
        let mut d = GroupDraft::from_group(Group {
            id: "a/b".into(),
            display_name: "Team".into(),
            members: Some(ids.iter().map(|i| m(i)).collect()),
            meta: Meta::default(),
        });
        d.display_name = new_name.into();
        d.members = new_ids.iter().map(|i| m(i)).collect();
        d
    }

    fn base() -> ScimBase {
        ScimBase::parse("/api/scim/v2").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn patch_ops_follow_omni_docs() {
        let d = draft(&["1", "2"], &["2", "3"], "Team B");
        let diff = d.diff();
        let body: serde_json::Value = serde_json::from_str(&patch_body(&diff)).unwrap_or_default();
        assert_eq!(
            body,
            json!({
                "schemas": [PATCH_OP_SCHEMA],
                "Operations": [
                    {"op": "replace", "path": "displayName", "value": "Team B"},
                    {"op": "add", "path": "members", "value": [{"value": "3", "display": "3@x.org"}]},
                    {"op": "remove", "path": "members[value eq \"1\"]"}
                ]
            })
        );
    }

    #[test]
    fn put_request_and_curl_without_key() {
        let d = draft(&["1"], &["1", "2"], "Team's");
        let req = SaveRequest::new(
            &base(),
            &d,
            &d.diff(),
            SaveMethod::Put,
            Some("W/\"3\"".into()),
        );
        assert_eq!(req.url, "/api/scim/v2/groups/a%2Fb");
        let curl = req.curl("https://panel.example.org/");
        assert!(curl.contains("--url 'https://panel.example.org/api/scim/v2/groups/a%2Fb'"));
        assert!(curl.contains("\"Authorization: Bearer $OMNI_API_KEY\""));
        assert!(curl.contains("If-Match: W/\"3\""));
        assert!(curl.contains(r"Team'\''s"), "{curl}");
        assert!(req
            .pretty_body()
            .contains("\n  \"displayName\": \"Team's\""));
    }

    #[test]
    fn pretty_json_indents_and_keeps_strings() {
        let compact = r#"{"a":[1,{"b":"x,{y}:\"z\""}],"c":{},"d":[]}"#;
        let pretty = pretty_json(compact);
        assert_eq!(
            pretty,
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x,{y}:\\\"z\\\"\"\n    }\n  ],\n  \"c\": {},\n  \"d\": []\n}"
        );
        let back: serde_json::Value = serde_json::from_str(&pretty).unwrap_or_default();
        let orig: serde_json::Value = serde_json::from_str(compact).unwrap_or_default();
        assert_eq!(back, orig);
    }

    proptest::proptest! {
        #[test]
        fn pretty_json_round_trips(names in proptest::collection::vec(".*", 0..5)) {
            let v = serde_json::json!({"names": names, "nested": {"n": names.len()}});
            let back: serde_json::Value = serde_json::from_str(&pretty_json(&v.to_string())).unwrap_or_default();
            proptest::prop_assert_eq!(back, v);
        }
    }

    #[test]
    fn typed_name_rules() {
        let check = |before: &[&str], after: &[&str]| {
            let d = draft(before, after, "Team");
            needs_typed_name(&d.diff(), before.len(), after.len())
        };
        let many: Vec<String> = (0..40).map(|i| i.to_string()).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(!check(&many, &many[1..]), "1 of 40");
        assert!(!check(&many, &many[9..]), "9 of 40");
        assert!(check(&many, &many[10..]), "10 of 40 is a quarter");
        assert!(check(&many, &many[11..]), "11 removed");
        assert!(check(&["1", "2", "3"], &["1", "2"]), "a third");
        assert!(check(&["1"], &[]), "emptying");
        assert!(!check(&[], &[]), "already empty");
        assert!(!check(&["1"], &["1", "2"]), "adding only");
    }
}
