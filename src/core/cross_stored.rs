//! A change across groups as kept in the tab ([`StoredRun`]): the change and each group's
//! result, so a reload can resume or discard the rest. A few lines of tab-separated text rather
//! than serde: derived (de)serialisers for these enums cost ~5 KB gzipped of the bundle, this
//! about one. Never holds the key (nothing here has it).

use super::cross_change::{ChangeKind, CrossChange, Direction, GroupDelta, GroupResult, Person};

/// What is kept: the change, and each group's result so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRun {
    pub change: CrossChange,
    pub results: Vec<GroupResult>,
}

const VERSION: &str = "cross-run 2";

impl StoredRun {
    /// Groups not finished when the tab went away (the one in flight included).
    pub fn left(&self) -> usize {
        self.results.iter().filter(|r| !r.is_finished()).count()
    }

    /// The text kept in session storage.
    pub fn to_text(&self) -> String {
        let c = &self.change;
        let (kind, from) = match &c.kind {
            ChangeKind::AddToGroups => ("add", ""),
            ChangeKind::Remove => ("remove", ""),
            ChangeKind::RemoveFromAll => ("remove-all", ""),
            ChangeKind::CopyFrom(from) => ("copy", from.as_str()),
        };
        let p = &c.person;
        let mut out = format!("{VERSION}\n");
        line(&mut out, &[&p.id, &p.name, &p.user_name, kind, from]);
        for (i, d) in c.groups.iter().enumerate() {
            let dir = match d.direction {
                Direction::Add => "+",
                Direction::Remove => "-",
            };
            let result = self.results.get(i).unwrap_or(&GroupResult::Pending);
            let (code, members, why) = match result {
                GroupResult::Pending => ("pending", 0, ""),
                GroupResult::Saved { members } => ("saved", *members, ""),
                GroupResult::AlreadyDone { members } => ("done", *members, ""),
                GroupResult::Stopped => ("stopped", 0, ""),
                GroupResult::Failed { why, retry: true } => ("failed", 0, why.as_str()),
                GroupResult::Failed { why, retry: false } => ("refused", 0, why.as_str()),
            };
            let before = d.members_before.to_string();
            let members = members.to_string();
            // No version and an empty one are the same: servers send none or a tag.
            let version = d.version.as_deref().unwrap_or("");
            line(
                &mut out,
                &[
                    &d.group_id,
                    &d.group_name,
                    &before,
                    dir,
                    code,
                    &members,
                    why,
                    version,
                ],
            );
        }
        out
    }

    /// Reads what [`Self::to_text`] wrote; `None` for anything else.
    pub fn from_text(text: &str) -> Option<Self> {
        let mut lines = text.lines();
        if lines.next()? != VERSION {
            return None;
        }
        let head = fields(lines.next()?);
        let [id, name, user_name, kind, from] = head.as_slice() else {
            return None;
        };
        let kind = match kind.as_str() {
            "add" => ChangeKind::AddToGroups,
            "remove" => ChangeKind::Remove,
            "remove-all" => ChangeKind::RemoveFromAll,
            "copy" => ChangeKind::CopyFrom(from.clone()),
            _ => return None,
        };
        let person = Person {
            id: id.clone(),
            name: name.clone(),
            user_name: user_name.clone(),
        };
        let mut groups = Vec::new();
        let mut results = Vec::new();
        for l in lines {
            let (delta, result) = group_line(&fields(l))?;
            groups.push(delta);
            results.push(result);
        }
        Some(Self {
            change: CrossChange {
                person,
                kind,
                groups,
            },
            results,
        })
    }
}

fn group_line(f: &[String]) -> Option<(GroupDelta, GroupResult)> {
    let [id, name, before, dir, code, members, why, version] = f else {
        return None;
    };
    let direction = match dir.as_str() {
        "+" => Direction::Add,
        "-" => Direction::Remove,
        _ => return None,
    };
    let members: usize = members.parse().ok()?;
    let why = why.clone();
    let result = match code.as_str() {
        "pending" => GroupResult::Pending,
        "saved" => GroupResult::Saved { members },
        "done" => GroupResult::AlreadyDone { members },
        "stopped" => GroupResult::Stopped,
        "failed" => GroupResult::Failed { why, retry: true },
        "refused" => GroupResult::Failed { why, retry: false },
        _ => return None,
    };
    let delta = GroupDelta {
        group_id: id.clone(),
        group_name: name.clone(),
        members_before: before.parse().ok()?,
        direction,
        version: Some(version.clone()).filter(|v| !v.is_empty()),
    };
    Some((delta, result))
}

/// Appends `fields`, tab-separated, escaped, and a newline.
pub(crate) fn line(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        for c in f.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
        }
    }
    out.push('\n');
}

/// One line's fields, unescaped.
pub(crate) fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        let Some(field) = out.last_mut() else { break };
        match c {
            '\t' => out.push(String::new()),
            '\\' => field.push(match chars.next() {
                Some('t') => '\t',
                Some('n') => '\n',
                Some('r') => '\r',
                Some(other) => other,
                None => '\\',
            }),
            c => field.push(c),
        }
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(name: &str, why: &str, from: &str) -> StoredRun {
        let delta = |id: &str, direction| GroupDelta {
            group_id: id.into(),
            group_name: name.into(),
            members_before: 12,
            direction,
            version: (direction == Direction::Add).then(|| format!("W/\"{name}\"")),
        };
        StoredRun {
            change: CrossChange {
                person: Person {
                    id: "u\t1".into(),
                    name: name.into(),
                    user_name: "jane@example.com".into(),
                },
                kind: ChangeKind::CopyFrom(from.into()),
                groups: vec![
                    delta("a", Direction::Add),
                    delta("b", Direction::Remove),
                    delta("c", Direction::Add),
                    delta("d", Direction::Add),
                    delta("e", Direction::Add),
                    delta("f", Direction::Add),
                ],
            },
            results: vec![
                GroupResult::Saved { members: 13 },
                GroupResult::AlreadyDone { members: 11 },
                GroupResult::Stopped,
                GroupResult::Failed {
                    why: why.into(),
                    retry: true,
                },
                GroupResult::Failed {
                    why: why.into(),
                    retry: false,
                },
                GroupResult::Pending,
            ],
        }
    }

    #[test]
    fn a_run_reads_back_as_it_was_written() {
        let r = run("Tab\there, line\nbreak, back\\slash", "503\r\n", "Ravi");
        let text = r.to_text();
        assert_eq!(text.lines().count(), 8, "{text}");
        assert_eq!(StoredRun::from_text(&text), Some(r.clone()));
        assert_eq!(r.left(), 1);
        for kind in [
            ChangeKind::AddToGroups,
            ChangeKind::Remove,
            ChangeKind::RemoveFromAll,
        ] {
            let mut other = r.clone();
            other.change.kind = kind;
            assert_eq!(StoredRun::from_text(&other.to_text()), Some(other));
        }
    }

    #[test]
    fn anything_else_reads_as_nothing() {
        let good = run("A", "", "B").to_text();
        for bad in [
            String::new(),
            "cross-run 1\n".to_string(),
            good.replace("\t+\t", "\t*\t"),
            good.replace("saved", "kept"),
            good.replace("\t12\t", "\ttwelve\t"),
            good.replacen("\tcopy\t", "\tmove\t", 1),
            format!("{good}one\ttoo few\n"),
        ] {
            assert_eq!(StoredRun::from_text(&bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn any_text_in_the_fields_survives(name in ".*", why in ".*", from in ".*") {
            let r = run(&name, &why, &from);
            prop_assert_eq!(StoredRun::from_text(&r.to_text()), Some(r));
        }
    }
}
