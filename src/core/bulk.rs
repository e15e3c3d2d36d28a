//! Bulk add: pasted emails or a CSV, sorted into what can be added and what cannot, before
//! anything changes.

use super::directory::{email_key, fold, looks_like_email, Directory, DirectoryUser};
use std::collections::HashSet;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BulkPreview {
    /// Found in the directory and not yet members: what "Apply" adds.
    pub resolved: Vec<DirectoryUser>,
    /// Found, but already in the group.
    pub already_members: Vec<DirectoryUser>,
    /// Well-formed emails no user has.
    pub unknown: Vec<String>,
    /// Entries given more than once (each listed once; only the first counts).
    pub duplicates: Vec<String>,
    /// Entries that are not email addresses.
    pub malformed: Vec<String>,
}

/// Sorts the entries in `text` (see [`entries`]) against the directory and current members.
pub fn preview<'a>(
    text: &str,
    directory: &Directory,
    member_ids: impl Iterator<Item = &'a str>,
) -> BulkPreview {
    let members: HashSet<&str> = member_ids.collect();
    let mut seen = HashSet::new();
    let mut out = BulkPreview::default();
    for entry in entries(text) {
        let folded = email_key(&entry);
        if !seen.insert(folded.clone()) {
            if !out.duplicates.iter().any(|d| email_key(d) == folded) {
                out.duplicates.push(entry);
            }
            continue;
        }
        if !looks_like_email(&entry) {
            out.malformed.push(entry);
            continue;
        }
        match directory.by_email(&entry) {
            Some(user) if members.contains(user.id.as_str()) => {
                out.already_members.push(user.clone())
            }
            Some(user) => {
                // Two emails of one user resolve once.
                if !out.resolved.iter().any(|u| u.id == user.id) {
                    out.resolved.push(user.clone());
                }
            }
            None => out.unknown.push(entry),
        }
    }
    out
}

/// The entries of pasted text: a CSV with a header naming an email column (its values), or
/// else anything separated by line breaks, commas, semicolons or spaces. `Name <a@b.co>` gives
/// `a@b.co`; surrounding quotes are dropped.
pub fn entries(text: &str) -> Vec<String> {
    let text = text.trim_start_matches('\u{feff}');
    if let Some(column) = csv_email_column(text) {
        return column;
    }
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let (Some(open), Some(close)) = (line.find('<'), line.rfind('>')) {
            if open < close {
                for part in line.split('<').skip(1) {
                    if let Some((inside, _)) = part.split_once('>') {
                        push_entry(&mut out, inside);
                    }
                }
                continue;
            }
        }
        for part in line.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
            push_entry(&mut out, part);
        }
    }
    out
}

fn push_entry(out: &mut Vec<String>, raw: &str) {
    let cleaned = raw.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    let cleaned = cleaned.strip_prefix("mailto:").unwrap_or(cleaned);
    if !cleaned.is_empty() {
        out.push(cleaned.to_string());
    }
}

/// When the first line is a CSV header with a column named like "email" (or "userName"),
/// that column's values.
fn csv_email_column(text: &str) -> Option<Vec<String>> {
    let rows = parse_csv(text);
    let header = rows.first()?;
    if header.len() < 2 {
        return None;
    }
    let col = header.iter().position(|h| {
        let h = fold(h.trim());
        matches!(
            h.as_str(),
            "email"
                | "e-mail"
                | "email address"
                | "mail"
                | "username"
                | "user name"
                | "primary email"
        )
    })?;
    Some(
        rows.iter()
            .skip(1)
            .filter_map(|r| r.get(col))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect(),
    )
}

/// RFC 4180 CSV: comma-separated, fields may be quoted, `""` inside quotes is a quote; rows
/// of empty fields are left out. ("Restore from file" reads exported members with it too.)
pub(crate) fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                if row.iter().any(|f| !f.is_empty()) {
                    rows.push(std::mem::take(&mut row));
                } else {
                    row.clear();
                }
            }
            (c, _) => field.push(c),
        }
    }
    row.push(field);
    if row.iter().any(|f| !f.is_empty()) {
        rows.push(row);
    }
    rows
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn user(id: &str, email: &str) -> DirectoryUser {
        DirectoryUser {
            id: id.into(),
            user_name: email.into(),
            display_name: email.into(),
            email: email.into(),
        }
    }

    fn dir() -> Directory {
        Directory::new(vec![
            user("1", "ada@x.co"),
            user("2", "grace@x.co"),
            user("3", "alan@x.co"),
        ])
    }

    #[test]
    fn separators_of_every_kind() {
        assert_eq!(
            entries("ada@x.co, grace@x.co;alan@x.co\n\n  bob@x.co\tcy@x.co"),
            vec!["ada@x.co", "grace@x.co", "alan@x.co", "bob@x.co", "cy@x.co"]
        );
        assert_eq!(
            entries("Ada Lovelace <ada@x.co>\n\"grace@x.co\""),
            vec!["ada@x.co", "grace@x.co"]
        );
        assert_eq!(entries("mailto:ada@x.co"), vec!["ada@x.co"]);
    }

    #[test]
    fn csv_with_an_email_column() {
        let csv = "\u{feff}Name,Email,Team\r\n\"Lovelace, Ada\",ada@x.co,R&D\r\nGrace,\"grace@x.co\",Ops\r\n,,\r\n";
        assert_eq!(entries(csv), vec!["ada@x.co", "grace@x.co"]);
        // A header without an email column is not treated as CSV.
        assert_eq!(entries("a,b\nada@x.co,c"), vec!["a", "b", "ada@x.co", "c"]);
    }

    #[test]
    fn preview_sorts_everything() {
        let p = preview(
            "ada@x.co\nGRACE@x.co\nada@x.co\nghost@x.co\nnot-an-email\nalan@x.co",
            &dir(),
            ["3"].into_iter(),
        );
        let ids: Vec<&str> = p.resolved.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids, vec!["1", "2"]);
        assert_eq!(p.already_members.len(), 1);
        assert_eq!(p.unknown, vec!["ghost@x.co"]);
        assert_eq!(p.duplicates, vec!["ada@x.co"]);
        assert_eq!(p.malformed, vec!["not-an-email"]);
    }
}
