//! Unsaved edits kept in the tab's session storage, so a reload or a crashed tab loses nothing.
//! A stored draft holds the group as loaded and the admin's edits; never the key.

use super::draft::GroupDraft;
use super::model::{Group, Member};
use serde::{Deserialize, Serialize};

/// Storage item name for a group's draft.
pub fn storage_name(group_id: &str) -> String {
    format!("omni-scim-panel.draft.{group_id}")
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredDraft {
    /// Milliseconds since the Unix epoch when it was last written.
    pub saved_at_ms: u64,
    pub loaded: Group,
    pub display_name: String,
    pub members: Vec<Member>,
}

impl StoredDraft {
    pub fn from_draft(draft: &GroupDraft, now_ms: u64) -> Self {
        Self {
            saved_at_ms: now_ms,
            loaded: draft.loaded.clone(),
            display_name: draft.display_name.clone(),
            members: draft.members.clone(),
        }
    }

    pub fn into_draft(self) -> GroupDraft {
        GroupDraft {
            loaded: self.loaded,
            display_name: self.display_name,
            members: self.members,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `None` for anything unreadable: a damaged draft is dropped, not a crash.
    pub fn parse(json: &str) -> Option<Self> {
        serde_json::from_str(json).ok()
    }
}

/// "just now", "5 minutes ago", "2 hours ago", "3 days ago".
pub fn describe_age(saved_at_ms: u64, now_ms: u64) -> String {
    let secs = now_ms.saturating_sub(saved_at_ms) / 1000;
    let (n, unit) = match secs {
        0..=59 => return "just now".to_string(),
        60..=3599 => (secs / 60, "minute"),
        3600..=86_399 => (secs / 3600, "hour"),
        _ => (secs / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::model::Meta;

    #[test]
    fn round_trip_keeps_everything_but_nothing_secret() {
        let mut d = GroupDraft::from_group(Group {
            id: "g1".into(),
            display_name: "Team".into(),
            members: Some(vec![Member {
                value: "1".into(),
                display: None,
            }]),
            meta: Meta {
                last_modified: Some("t1".into()),
                ..Meta::default()
            },
        });
        d.display_name = "Team 2".into();
        d.members.push(Member {
            value: "2".into(),
            display: Some("b@x.co".into()),
        });
        let json = StoredDraft::from_draft(&d, 1000).to_json();
        assert!(!json.to_lowercase().contains("key") && !json.contains("Bearer"));
        let back = StoredDraft::parse(&json).map(StoredDraft::into_draft);
        assert_eq!(back, Some(d));
        assert_eq!(StoredDraft::parse("{broken"), None);
        assert_eq!(storage_name("g1"), "omni-scim-panel.draft.g1");
    }

    #[test]
    fn ages() {
        assert_eq!(describe_age(0, 30_000), "just now");
        assert_eq!(describe_age(0, 60_000), "1 minute ago");
        assert_eq!(describe_age(0, 5 * 60_000), "5 minutes ago");
        assert_eq!(describe_age(0, 2 * 3_600_000), "2 hours ago");
        assert_eq!(describe_age(0, 3 * 86_400_000), "3 days ago");
        assert_eq!(describe_age(10, 0), "just now");
    }
}
