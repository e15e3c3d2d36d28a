//! Undo: Activity kept in the tab (bounded), a saved entry's group as it was before, snapshot
//! files ("Download snapshot") and reading them or an "Export members" CSV back ("Restore from
//! file").
//!
//! Bounds: session storage holds about 5 MB per origin, shared with unsaved drafts (a
//! 50,000-member draft alone is megabytes). So Activity keeps at most
//! [`PanelConfig::activity_entries`](super::config::PanelConfig) entries (the oldest are dropped
//! and counted, and the page says so), and the earlier states of the newest entries only, up
//! to [`BEFORE_BUDGET`] bytes in all; an older entry's state is dropped and the entry says why
//! it cannot be restored.

use super::activity::{ActivityEntry, GroupState, Outcome};
use super::bulk::parse_csv;
use super::cross_stored::{fields, line};
use super::csv_export::HEADER;
use super::draft::GroupDraft;
use super::model::{parse_json, Group, Member};
use serde::{Deserialize, Serialize};

/// Bytes (about) of earlier group states Activity keeps in the tab: room for a few saves of
/// a 5,000-member group, or one of 20,000, beside a large draft.
pub const BEFORE_BUDGET: usize = 1_000_000;

/// What an entry says when its earlier state was dropped to keep the tab's storage small.
pub const BEFORE_DROPPED: &str = "No Restore: the group as it was before was not kept (the tab keeps the earlier state of recent saves only, up to 1 MB).";

/// This server's Activity as kept in the tab: the entries, oldest first, and how many older
/// ones were dropped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivityLog {
    pub entries: Vec<ActivityEntry>,
    pub dropped: usize,
}

/// The stored text's first line. Tab-separated lines rather than serde: a derived reader for
/// the entries cost the bundle several KB gzipped (as for `cross_stored`).
const VERSION: &str = "activity 1";

/// `None` as "-", `Some(text)` as "+text".
fn opt(o: &Option<String>) -> String {
    o.as_ref().map_or_else(|| "-".into(), |t| format!("+{t}"))
}

fn unopt(f: &str) -> Option<Option<String>> {
    match f.split_at_checked(1)? {
        ("-", "") => Some(None),
        ("+", t) => Some(Some(t.to_string())),
        _ => None,
    }
}

fn outcome_code(o: Outcome) -> &'static str {
    match o {
        Outcome::Saved => "saved",
        Outcome::Failed => "failed",
        Outcome::Conflict => "conflict",
    }
}

/// An entry's line (`E`…), then its earlier state's members (`M`…) when kept.
fn entry_lines(out: &mut String, e: &ActivityEntry) {
    let (old, new) = e.renamed.clone().unzip();
    let before_name = e.before.as_ref().map(|b| b.display_name.clone());
    line(
        out,
        &[
            "E",
            &e.at,
            &e.group_id,
            &e.group_name,
            &opt(&old),
            &opt(&new),
            &e.added.to_string(),
            &e.removed.to_string(),
            &e.method,
            outcome_code(e.outcome),
            &opt(&e.detail),
            &opt(&e.no_before),
            &opt(&before_name),
        ],
    );
    for m in e.before.iter().flat_map(|b| &b.members) {
        line(out, &["M", &m.value, &opt(&m.display)]);
    }
}

fn entry_of(f: &[String]) -> Option<ActivityEntry> {
    let [_, at, id, name, old, new, added, removed, method, outcome, detail, no_before, before] = f
    else {
        return None;
    };
    let outcome = match outcome.as_str() {
        "saved" => Outcome::Saved,
        "failed" => Outcome::Failed,
        "conflict" => Outcome::Conflict,
        _ => return None,
    };
    Some(ActivityEntry {
        at: at.clone(),
        group_id: id.clone(),
        group_name: name.clone(),
        renamed: unopt(old)?.zip(unopt(new)?),
        added: added.parse().ok()?,
        removed: removed.parse().ok()?,
        method: method.clone(),
        outcome,
        detail: unopt(detail)?,
        no_before: unopt(no_before)?,
        before: unopt(before)?.map(|display_name| GroupState {
            display_name,
            members: Vec::new(),
        }),
    })
}

/// Rough bytes of a group state as JSON: enough to budget, without writing it out.
fn size(s: &GroupState) -> usize {
    s.display_name.len()
        + s.members
            .iter()
            .map(|m| m.value.len() + m.display.as_ref().map_or(0, String::len) + 32)
            .sum::<usize>()
}

impl ActivityLog {
    /// Adds `entry`, then keeps at most `max_entries` and `budget` bytes of earlier states.
    pub fn push(&mut self, entry: ActivityEntry, max_entries: usize, budget: usize) {
        self.entries.push(entry);
        let extra = self.entries.len().saturating_sub(max_entries.max(1));
        self.entries.drain(..extra);
        self.dropped += extra;
        let mut used = 0;
        for e in self.entries.iter_mut().rev() {
            let Some(before) = &e.before else { continue };
            used += size(before);
            if used > budget {
                e.before = None;
                e.no_before = Some(BEFORE_DROPPED.into());
            }
        }
    }

    /// Drops every earlier state (when the tab would not keep the log with them).
    pub fn without_befores(&self) -> Self {
        let mut lean = self.clone();
        for e in &mut lean.entries {
            if e.before.take().is_some() {
                e.no_before = Some(BEFORE_DROPPED.into());
            }
        }
        lean
    }

    /// The text kept in session storage (never the key: nothing here has it).
    pub fn to_text(&self) -> String {
        let mut out = format!("{VERSION}\n{}\n", self.dropped);
        for e in &self.entries {
            entry_lines(&mut out, e);
        }
        out
    }

    /// The log kept in the tab; an unreadable one (another version) is an empty log.
    pub fn from_text(text: &str) -> Self {
        Self::read(text).unwrap_or_default()
    }

    fn read(text: &str) -> Option<Self> {
        let mut lines = text.lines();
        if lines.next()? != VERSION {
            return None;
        }
        let mut log = Self {
            entries: Vec::new(),
            dropped: lines.next()?.parse().ok()?,
        };
        for l in lines {
            let f = fields(l);
            match f.first().map(String::as_str) {
                Some("E") => log.entries.push(entry_of(&f)?),
                Some("M") => {
                    let [_, value, display] = f.as_slice() else {
                        return None;
                    };
                    log.entries
                        .last_mut()?
                        .before
                        .as_mut()?
                        .members
                        .push(Member {
                            value: value.clone(),
                            display: unopt(display)?,
                        });
                }
                _ => return None,
            }
        }
        Some(log)
    }

    /// "Older entries were dropped: …" when some were.
    pub fn dropped_note(&self) -> Option<String> {
        (self.dropped > 0).then(|| {
            format!(
                "Older entries were dropped: {} entr{}, to keep this tab's storage small (it keeps the newest {}).",
                self.dropped,
                if self.dropped == 1 { "y" } else { "ies" },
                self.entries.len()
            )
        })
    }
}

/// The accessible name and text of an entry's Restore: "Restore Sales as before 09:14:03",
/// `when` being the entry's local time.
pub fn restore_label(entry: &ActivityEntry, when: &str) -> String {
    let time = when.rsplit(", ").next().unwrap_or(when);
    format!("Restore {} as before {time}", entry.group_name.trim())
}

/// The draft that brings `state` back onto the group as the server has it now (`current`): the
/// review then shows the real change, even when the group changed since.
pub fn restore_draft(current: Group, state: &GroupState) -> GroupDraft {
    GroupDraft {
        loaded: current,
        display_name: state.display_name.clone(),
        members: state.members.clone(),
    }
}

/// The snapshot file's `format` value.
pub const SNAPSHOT_FORMAT: &str = "omni-scim-panel group snapshot";

/// "Download snapshot": a group's name and members at one moment, as JSON:
/// `{"format":"omni-scim-panel group snapshot","version":1,"takenAt":"<ISO 8601>","id":…,
/// "displayName":…,"members":[{"value":…,"display":…}]}` (the group's fields as SCIM names
/// them, so it is read back with the group reader).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub format: String,
    pub version: u32,
    pub taken_at: String,
    pub id: String,
    pub display_name: String,
    pub members: Vec<Member>,
}

/// A snapshot's format and version, read before its group.
#[derive(Deserialize)]
struct Head {
    format: String,
    version: u32,
}

impl Snapshot {
    pub fn of(group: &Group, taken_at: String) -> Self {
        Self {
            format: SNAPSHOT_FORMAT.into(),
            version: 1,
            taken_at,
            id: group.id.clone(),
            display_name: group.display_name.clone(),
            members: group.members.clone().unwrap_or_default(),
        }
    }

    pub fn to_json(&self) -> String {
        super::save_request::pretty_json(&serde_json::to_string(self).unwrap_or_default())
    }
}

/// What a file brings into the draft: a snapshot's name and members, or a CSV's members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FromFile {
    /// `None` for a CSV, which names no group: the draft's name stays.
    pub display_name: Option<String>,
    pub members: Vec<Member>,
}

const WRONG_FILE: &str = "This file is neither a group snapshot (JSON from “Download snapshot”) nor a CSV from “Export members”. Nothing was changed.";

/// Reads a snapshot or an "Export members" CSV for the group `group` (id, name); an error says
/// why not, and nothing is to change.
pub fn read_file(text: &str, group_id: &str, group_name: &str) -> Result<FromFile, String> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('{') {
        let head: Head = parse_json(text, "snapshot")
            .ok()
            .filter(|h: &Head| h.format == SNAPSHOT_FORMAT)
            .ok_or_else(|| WRONG_FILE.to_string())?;
        if head.version != 1 {
            return Err(format!(
                "This snapshot has version {}, which this panel does not read. Nothing was changed.",
                head.version
            ));
        }
        let snap: Group = parse_json(text, "snapshot").map_err(|_| WRONG_FILE.to_string())?;
        if snap.id != group_id {
            return Err(format!(
                "This snapshot is of another group, “{}” (ID {}), not of “{}” (ID {group_id}). Nothing was changed: open that group to restore it.",
                snap.display_name, snap.id, group_name
            ));
        }
        return Ok(FromFile {
            display_name: Some(snap.display_name),
            members: dedup(snap.members.unwrap_or_default()),
        });
    }
    let rows = parse_csv(text);
    let mut rows = rows.into_iter();
    let header_ok = rows
        .next()
        .is_some_and(|h| h.len() >= 2 && h[0] == HEADER[0] && h[1] == HEADER[1]);
    if !header_ok {
        return Err(WRONG_FILE.into());
    }
    let mut members = Vec::new();
    for (i, row) in rows.enumerate() {
        let id = row.first().map(|c| unprefix(c).trim().to_string());
        let Some(id) = id.filter(|id| !id.is_empty()) else {
            if row.iter().all(|c| c.is_empty()) {
                continue;
            }
            return Err(format!(
                "Row {} of the CSV has no user ID. Nothing was changed.",
                i + 2
            ));
        };
        let display = row.get(1).map(|d| unprefix(d).to_string());
        members.push(Member {
            value: id,
            display: display.filter(|d| !d.is_empty()),
        });
    }
    Ok(FromFile {
        display_name: None,
        members: dedup(members),
    })
}

/// One member per user ID, the first kept.
fn dedup(members: Vec<Member>) -> Vec<Member> {
    let mut seen = std::collections::HashSet::new();
    members
        .into_iter()
        .filter(|m| seen.insert(m.value.clone()))
        .collect()
}

/// A cell as it was before "Export members" put `'` before a formula character.
fn unprefix(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::csv_export::members_csv;
    use crate::core::model::Meta;

    fn m(id: &str, display: &str) -> Member {
        Member {
            value: id.into(),
            display: (!display.is_empty()).then(|| display.into()),
        }
    }

    fn entry(name: &str, members: usize) -> ActivityEntry {
        ActivityEntry {
            at: "2026-12-05T12:03:05.000Z".into(),
            group_id: "g1".into(),
            group_name: name.into(),
            renamed: None,
            added: 1,
            removed: 0,
            method: "PUT".into(),
            outcome: Outcome::Saved,
            detail: None,
            before: Some(GroupState {
                display_name: name.into(),
                members: (0..members).map(|i| m(&format!("u{i}"), "")).collect(),
            }),
            no_before: None,
        }
    }

    fn group(id: &str, name: &str, members: Vec<Member>) -> Group {
        Group {
            id: id.into(),
            display_name: name.into(),
            members: Some(members),
            meta: Meta::default(),
        }
    }

    #[test]
    fn the_log_keeps_the_newest_entries_and_counts_the_dropped() {
        let mut log = ActivityLog::default();
        assert_eq!(log.dropped_note(), None);
        for i in 0..5 {
            log.push(entry(&format!("G{i}"), 1), 3, BEFORE_BUDGET);
        }
        let names: Vec<&str> = log.entries.iter().map(|e| e.group_name.as_str()).collect();
        assert_eq!(names, ["G2", "G3", "G4"]);
        assert_eq!(log.dropped, 2);
        assert_eq!(
            log.dropped_note().as_deref(),
            Some("Older entries were dropped: 2 entries, to keep this tab's storage small (it keeps the newest 3).")
        );
    }

    #[test]
    fn only_the_newest_earlier_states_within_the_budget_are_kept() {
        let mut log = ActivityLog::default();
        // Each about 50 * 34 bytes: two fit in 4,000, the third does not.
        for i in 0..3 {
            log.push(entry(&format!("G{i}"), 50), 100, 4_000);
        }
        let kept: Vec<bool> = log.entries.iter().map(|e| e.before.is_some()).collect();
        assert_eq!(kept, [false, true, true]);
        assert_eq!(log.entries[0].no_before.as_deref(), Some(BEFORE_DROPPED));
        let lean = log.without_befores();
        assert!(lean.entries.iter().all(|e| e.before.is_none()));
        assert_eq!(lean.entries.len(), 3);
    }

    #[test]
    fn the_log_survives_its_json_and_bad_json_is_an_empty_log() {
        let mut log = ActivityLog::default();
        log.push(entry("Sales", 2), 10, BEFORE_BUDGET);
        log.dropped = 4;
        let mut odd = entry("Tab\tand\nline \\ +-", 0);
        odd.renamed = Some(("-".into(), "+".into()));
        odd.outcome = Outcome::Failed;
        odd.detail = Some(String::new());
        odd.before = None;
        odd.no_before = Some("why".into());
        log.push(odd, 10, BEFORE_BUDGET);
        log.dropped = 4;
        assert_eq!(ActivityLog::from_text(&log.to_text()), log);
        assert_eq!(ActivityLog::from_text("nonsense"), ActivityLog::default());
        let cut = log.to_text().replace("\nE\t", "\nX\t");
        assert_eq!(ActivityLog::from_text(&cut), ActivityLog::default());
    }

    #[test]
    fn restore_labels_name_the_group_and_the_time() {
        assert_eq!(
            restore_label(&entry(" Sales ", 0), "5 Dec 2026, 12:03:05"),
            "Restore Sales as before 12:03:05"
        );
    }

    #[test]
    fn a_restore_draft_is_based_on_the_group_as_it_is_now() {
        let now = group("g1", "Sales", vec![m("a", ""), m("c", "")]);
        let was = GroupState {
            display_name: "Old sales".into(),
            members: vec![m("a", ""), m("b", "")],
        };
        let d = restore_draft(now.clone(), &was);
        assert_eq!(d.loaded, now);
        let diff = d.diff();
        assert_eq!(diff.renamed, Some(("Sales".into(), "Old sales".into())));
        assert_eq!(diff.added, vec![m("b", "")]);
        assert_eq!(diff.removed, vec![m("c", "")]);
    }

    #[test]
    fn a_snapshot_reads_back_for_its_own_group_only() {
        let g = group("g1", "Sales", vec![m("a", "a@x"), m("b", "")]);
        let json = Snapshot::of(&g, "2026-12-05T12:00:00Z".into()).to_json();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(v["version"], 1);
        assert_eq!(v["id"], "g1");
        assert_eq!(
            read_file(&json, "g1", "Sales"),
            Ok(FromFile {
                display_name: Some("Sales".into()),
                members: vec![m("a", "a@x"), m("b", "")],
            })
        );
        let other = read_file(&json, "g2", "Marketing").unwrap_err();
        assert!(other.contains("another group, “Sales” (ID g1)"), "{other}");
        let future = json.replace("\"version\": 1", "\"version\": 2");
        assert!(read_file(&future, "g1", "Sales")
            .unwrap_err()
            .contains("version 2"));
    }

    #[test]
    fn an_exported_csv_reads_back_with_quotes_and_formula_prefixes_undone() {
        let members = vec![
            m("u1", "Doe, Jane"),
            m("=2+3", "say \"hi\""),
            m("u3", "two\nlines"),
            m("u4", ""),
        ];
        let csv = format!("\u{feff}{}", members_csv(&members, None));
        assert_eq!(
            read_file(&csv, "g1", "Sales"),
            Ok(FromFile {
                display_name: None,
                members
            })
        );
        // Written by hand with LF line ends, a duplicate and a blank line.
        let lf = "User ID,Display\nu1,A\n\nu1,B\n";
        assert_eq!(
            read_file(lf, "g1", "Sales").map(|f| f.members),
            Ok(vec![m("u1", "A")])
        );
        assert!(read_file("User ID,Display\n,x\n", "g1", "S")
            .unwrap_err()
            .contains("Row 2"));
    }

    #[test]
    fn other_files_are_refused() {
        for wrong in ["", "name,email\na,b", "{\"a\":1}", "{broken", "\u{0}\u{1}"] {
            assert_eq!(
                read_file(wrong, "g1", "S"),
                Err(WRONG_FILE.into()),
                "{wrong:?}"
            );
        }
    }
}
