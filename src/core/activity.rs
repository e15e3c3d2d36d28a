//! This session's saves and save attempts, for the activity list and its JSON download.

use super::save_request::pretty_json;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityEntry {
    /// ISO 8601 time of the attempt.
    pub at: String,
    pub group_id: String,
    pub group_name: String,
    /// `(old, new)` when the attempt renamed the group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed: Option<(String, String)>,
    pub added: usize,
    pub removed: usize,
    pub method: &'static str,
    pub outcome: Outcome,
    /// What the server or the panel said, for failures. Never contains the key (error texts
    /// are redacted where they are made).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Saved,
    Failed,
    /// Stopped because the group changed on the server since it was loaded.
    Conflict,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Self::Saved => "Saved",
            Self::Failed => "Failed",
            Self::Conflict => "Stopped: changed on the server",
        }
    }
}

/// The log as a JSON document for download.
pub fn to_json(entries: &[ActivityEntry]) -> String {
    #[derive(Serialize)]
    struct Export<'a> {
        activity: &'a [ActivityEntry],
    }
    serde_json::to_string(&Export { activity: entries })
        .map(|json| pretty_json(&json))
        .unwrap_or_else(|_| String::from("{\"activity\":[]}"))
}

/// "14:02:11" (UTC) from an ISO 8601 time as `Date.toISOString` writes it (the whole of it
/// otherwise): a session's log needs the time of day; the column says which clock.
pub fn time_of_day(iso: &str) -> String {
    match iso.get(11..19) {
        Some(t) if iso.ends_with('Z') && iso.as_bytes().get(10) == Some(&b'T') => t.to_string(),
        _ => iso.to_string(),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn time_of_day_reads_iso_times() {
        assert_eq!(time_of_day("2026-11-27T10:00:05.123Z"), "10:00:05");
        assert_eq!(time_of_day("2026-11-27"), "2026-11-27");
        assert_eq!(
            time_of_day("2026-11-27 10:00:05+01:00"),
            "2026-11-27 10:00:05+01:00"
        );
        assert_eq!(time_of_day("ééééééééééé"), "ééééééééééé");
    }

    #[test]
    fn json_export() {
        let e = ActivityEntry {
            at: "2026-11-27T10:00:00.000Z".into(),
            group_id: "g1".into(),
            group_name: "Team".into(),
            renamed: Some(("Old".into(), "Team".into())),
            added: 2,
            removed: 1,
            method: "PUT",
            outcome: Outcome::Failed,
            detail: Some("Server said no".into()),
        };
        let v: serde_json::Value = serde_json::from_str(&to_json(&[e])).unwrap_or_default();
        assert_eq!(v["activity"][0]["groupId"], "g1");
        assert_eq!(v["activity"][0]["outcome"], "failed");
        assert_eq!(v["activity"][0]["renamed"][1], "Team");
        assert_eq!(v["activity"][0]["added"], 2);
    }
}
