//! This session's saves and save attempts, for the activity list and its JSON download.

use super::model::Member;
use super::save_request::pretty_json;
use super::validation::isolate;
use serde::Serialize;
use std::fmt;

/// A group's name and members at one moment: what a save replaced, what Restore brings back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupState {
    pub display_name: String,
    pub members: Vec<Member>,
}

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
    pub method: String,
    pub outcome: Outcome,
    /// What the server or the panel said, for failures. Never contains the key (error texts
    /// are redacted where they are made).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The group as it was before the save (read before the write), for Restore; `None` when
    /// it is unknown or was not kept, and then `no_before` says why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<GroupState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_before: Option<String>,
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

impl ActivityEntry {
    /// "Added 1 · Removed 0", after the rename when there was one: words an admin reads, not
    /// the HTTP method (the JSON download keeps that).
    pub fn change_summary(&self) -> String {
        let counts = added_removed(self.added, self.removed);
        match &self.renamed {
            Some((old, new)) => {
                format!("Renamed “{}” → “{}” · {counts}", isolate(old), isolate(new))
            }
            None => counts,
        }
    }
}

/// The latest save of group `id` that went through, from this session's log.
pub fn last_saved<'a>(entries: &'a [ActivityEntry], id: &str) -> Option<&'a ActivityEntry> {
    entries
        .iter()
        .rev()
        .find(|e| e.group_id == id && e.outcome == Outcome::Saved)
}

/// "Added 2 · Removed 1".
pub fn added_removed(added: usize, removed: usize) -> String {
    format!("Added {added} · Removed {removed}")
}

/// The status at the top of the editor after a save: "Saved “Sales”: 57 members. Added 0 ·
/// Removed 1. Last modified 5 Dec 2026, 09:14:03." (`when` in local time, or nothing when the
/// server did not say).
pub fn saved_status(
    name: &str,
    members: usize,
    added: usize,
    removed: usize,
    when: Option<&str>,
) -> String {
    let mut text = format!(
        "Saved “{}”: {members} members. {}.",
        isolate(name),
        added_removed(added, removed)
    );
    if let Some(when) = when {
        text.push_str(&format!(" Last modified {when}."));
    }
    text
}

/// A moment in the admin's own time zone, as the browser reads it from an ISO 8601 time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl fmt::Display for LocalTime {
    /// "5 Dec 2026, 09:14:03": the month as a word, so no reader takes 5/12 for 12 May.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let month = self
            .month
            .checked_sub(1)
            .and_then(|m| MONTHS.get(m as usize))
            .copied()
            .unwrap_or("?");
        write!(
            f,
            "{} {month} {}, {:02}:{:02}:{:02}",
            self.day, self.year, self.hour, self.minute, self.second
        )
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn entry(added: usize, removed: usize, renamed: Option<(&str, &str)>) -> ActivityEntry {
        ActivityEntry {
            at: "2026-11-27T10:00:00.000Z".into(),
            group_id: "g1".into(),
            group_name: "Team".into(),
            renamed: renamed.map(|(a, b)| (a.into(), b.into())),
            added,
            removed,
            method: "PUT".into(),
            outcome: Outcome::Saved,
            detail: None,
            before: None,
            no_before: None,
        }
    }

    /// What a reader sees: bidi isolates are invisible.
    fn shown(s: &str) -> String {
        s.chars()
            .filter(|c| !('\u{2066}'..='\u{2069}').contains(c))
            .collect()
    }

    #[test]
    fn local_times_read_day_month_year_and_the_clock() {
        let t = LocalTime {
            year: 2026,
            month: 12,
            day: 5,
            hour: 9,
            minute: 4,
            second: 3,
        };
        assert_eq!(t.to_string(), "5 Dec 2026, 09:04:03");
        let jan = LocalTime {
            month: 1,
            day: 31,
            hour: 23,
            ..t
        };
        assert_eq!(jan.to_string(), "31 Jan 2026, 23:04:03");
        // A month out of range (never from a real Date) is not a panic.
        assert_eq!(
            LocalTime { month: 0, ..t }.to_string(),
            "5 ? 2026, 09:04:03"
        );
        assert_eq!(
            LocalTime { month: 13, ..t }.to_string(),
            "5 ? 2026, 09:04:03"
        );
    }

    #[test]
    fn changes_are_said_in_words() {
        assert_eq!(entry(1, 0, None).change_summary(), "Added 1 · Removed 0");
        assert_eq!(
            shown(&entry(0, 2, Some(("Old", "New"))).change_summary()),
            "Renamed “Old” → “New” · Added 0 · Removed 2"
        );
    }

    #[test]
    fn the_last_saved_entry_of_a_group() {
        let mut failed = entry(5, 5, None);
        failed.outcome = Outcome::Failed;
        let mut other = entry(7, 0, None);
        other.group_id = "g2".into();
        let log = [entry(1, 0, None), failed, other];
        assert_eq!(last_saved(&log, "g1").map(|e| e.added), Some(1));
        assert_eq!(last_saved(&log, "g2").map(|e| e.added), Some(7));
        assert!(last_saved(&log, "g3").is_none());
    }

    #[test]
    fn the_saved_status_says_the_counts_and_when() {
        assert_eq!(
            shown(&saved_status(
                "Sales",
                57,
                0,
                1,
                Some("5 Dec 2026, 09:04:03")
            )),
            "Saved “Sales”: 57 members. Added 0 · Removed 1. Last modified 5 Dec 2026, 09:04:03."
        );
        assert_eq!(
            shown(&saved_status("Sales", 1, 1, 0, None)),
            "Saved “Sales”: 1 members. Added 1 · Removed 0."
        );
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
            method: "PUT".into(),
            outcome: Outcome::Failed,
            detail: Some("Server said no".into()),
            before: None,
            no_before: None,
        };
        let v: serde_json::Value = serde_json::from_str(&to_json(&[e])).unwrap_or_default();
        assert_eq!(v["activity"][0]["groupId"], "g1");
        assert_eq!(v["activity"][0]["outcome"], "failed");
        assert_eq!(v["activity"][0]["renamed"][1], "Team");
        assert_eq!(v["activity"][0]["added"], 2);
    }
}
