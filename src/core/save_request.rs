//! The exact request a save sends, built once and used for both the review screen and the
//! wire, so what the admin confirms is what goes out.

use super::base_url::ScimBase;
use super::diff::MembershipDiff;
use super::draft::GroupDraft;
use super::endpoints;
use serde_json::{json, Value};

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
            SaveMethod::Patch => patch_body(diff).to_string(),
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
        serde_json::from_str::<Value>(&self.body)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| self.body.clone())
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

/// RFC 7644 PatchOp for a change: `replace displayName`, one `add` of all new members, one
/// `remove` per removed member (Omni's documented form).
pub fn patch_body(diff: &MembershipDiff) -> Value {
    let mut ops = Vec::new();
    if let Some((_, new)) = &diff.renamed {
        ops.push(json!({"op": "replace", "path": "displayName", "value": new}));
    }
    if !diff.added.is_empty() {
        let members: Vec<Value> = diff
            .added
            .iter()
            .map(|m| json!({"value": m.value, "display": m.display.clone().unwrap_or_else(|| m.value.clone())}))
            .collect();
        ops.push(json!({"op": "add", "path": "members", "value": members}));
    }
    for m in &diff.removed {
        ops.push(json!({"op": "remove", "path": format!("members[value eq {}]", filter_string(&m.value))}));
    }
    json!({"schemas": [PATCH_OP_SCHEMA], "Operations": ops})
}

/// A SCIM filter string literal (RFC 7644 §3.4.2.2 uses JSON string syntax).
pub fn filter_string(value: &str) -> String {
    Value::String(value.to_string()).to_string()
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
        let body = patch_body(&diff);
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
        assert_eq!(filter_string("a\"b\\c"), r#""a\"b\\c""#);
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
