//! "Export members": a group's members as an RFC 4180 CSV (CRLF line ends, fields quoted when
//! they hold a comma, quote, CR or LF, quotes doubled), with every cell that a spreadsheet
//! would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a CR) prefixed with `'`.

use super::directory::Directory;
use super::model::Member;

/// The header row, in the order of [`member_row`].
pub const HEADER: [&str; 4] = ["User ID", "Display", "User name or email", "Name"];

/// The characters that make a spreadsheet read a cell as a formula when they start it.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as a spreadsheet may show it: a leading formula character gets a `'` before it,
/// so the cell stays text and never runs (OWASP "CSV injection").
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(FORMULA_START) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// One field as RFC 4180 writes it: quoted (quotes doubled) only when it must be.
pub fn quote(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// A member's cells: ID, display as the group has it, and from the directory (when it knows
/// the user) the user name or email and the name.
pub fn member_row(m: &Member, directory: Option<&Directory>) -> [String; 4] {
    let user = directory.and_then(|d| d.by_id(&m.value));
    let login = user
        .map(|u| {
            if u.email.is_empty() {
                u.user_name.clone()
            } else {
                u.email.clone()
            }
        })
        .unwrap_or_default();
    [
        m.value.clone(),
        m.display.clone().unwrap_or_default(),
        login,
        user.map(|u| u.display_name.clone()).unwrap_or_default(),
    ]
}

/// The whole file: the header and one row per member, each line ended by CRLF.
pub fn members_csv(members: &[Member], directory: Option<&Directory>) -> String {
    let mut out = String::with_capacity(64 * (members.len() + 1));
    let header = HEADER.map(String::from);
    for row in std::iter::once(header).chain(members.iter().map(|m| member_row(m, directory))) {
        let line: Vec<String> = row.iter().map(|c| quote(&neutralise(c))).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Characters kept in a file name beyond ASCII letters and digits: other scripts' letters, but
/// no C1 control, invisible format character, bidi control (which could reverse "exe.csv")
/// or line separator. Ranges, not Unicode tables: the tables would weigh kilobytes of wasm.
fn keeps(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '-' | '_' | '.')
        || (!c.is_ascii()
            && !matches!(c, '\u{80}'..='\u{A0}' | '\u{AD}' | '\u{2000}'..='\u{206F}'
                | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFF0}'..='\u{FFFF}'))
}

/// `<group name>-members.csv`, the name reduced to letters, digits, `-`, `_` and `.` (others
/// become `_`, spaces `-`), so no path, control or reserved character reaches the file system.
pub fn file_name(group_name: &str) -> String {
    file_name_ending(group_name, "-members.csv")
}

/// `<group name><ending>`, the name cleaned as for [`file_name`] ("Download snapshot" too).
pub fn file_name_ending(group_name: &str, ending: &str) -> String {
    let cleaned: String = group_name
        .trim()
        .chars()
        .map(|c| match c {
            c if keeps(c) => c,
            ' ' => '-',
            _ => '_',
        })
        .take(80)
        .collect();
    let cleaned = cleaned.trim_matches(['.', '-', '_']);
    let stem = if cleaned.is_empty() { "group" } else { cleaned };
    format!("{stem}{ending}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::directory::DirectoryUser;

    fn member(id: &str, display: Option<&str>) -> Member {
        Member {
            value: id.to_string(),
            display: display.map(String::from),
        }
    }

    #[test]
    fn quotes_only_what_must_be_quoted() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
        assert_eq!(quote("cr\r"), "\"cr\r\"");
        assert_eq!(quote(""), "");
    }

    #[test]
    fn formula_cells_are_prefixed() {
        for hostile in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(neutralise(hostile), format!("'{hostile}"));
        }
        assert_eq!(neutralise("Ada = 1"), "Ada = 1");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn a_file_with_the_directory_and_without() {
        let dir = Directory::new(vec![DirectoryUser {
            id: "u1".into(),
            user_name: "ada".into(),
            display_name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
        }]);
        let members = [
            member("u1", Some("Ada")),
            member("u2", Some("=HYPERLINK(\"http://evil\",\"x\")")),
            member("u3", None),
        ];
        let csv = members_csv(&members, Some(&dir));
        assert_eq!(
            csv,
            "User ID,Display,User name or email,Name\r\n\
             u1,Ada,ada@example.com,Ada Lovelace\r\n\
             u2,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",,\r\n\
             u3,,,\r\n"
        );
        assert_eq!(
            members_csv(&members[..1], None),
            "User ID,Display,User name or email,Name\r\nu1,Ada,,\r\n"
        );
    }

    #[test]
    fn the_user_name_stands_in_for_a_missing_email() {
        let dir = Directory::new(vec![DirectoryUser {
            id: "u1".into(),
            user_name: "ada".into(),
            display_name: String::new(),
            email: String::new(),
        }]);
        assert_eq!(
            member_row(&member("u1", None), Some(&dir)),
            ["u1".to_string(), String::new(), "ada".into(), String::new()]
        );
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_name("Engineering"), "Engineering-members.csv");
        assert_eq!(file_name("Sales EMEA"), "Sales-EMEA-members.csv");
        assert_eq!(file_name("../etc/passwd"), "etc_passwd-members.csv");
        assert_eq!(file_name("<img src=x>"), "img-src_x-members.csv");
        assert_eq!(file_name("  "), "group-members.csv");
        assert_eq!(file_name("Équipe"), "Équipe-members.csv");
        assert_eq!(
            file_name("Admins \u{202E}vsc.exe"),
            "Admins-_vsc.exe-members.csv"
        );
        assert_eq!(file_name("a\u{200B}b\u{85}c"), "a_b_c-members.csv");
        assert!(file_name(&"a".repeat(500)).len() < 100);
    }

    /// Property tests (proptest runs natively only).
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// A small RFC 4180 reader: rows of fields; every line must end with CRLF.
        fn parse(csv: &str) -> Vec<Vec<String>> {
            let mut rows = Vec::new();
            let mut row = Vec::new();
            let mut field = String::new();
            let mut chars = csv.chars().peekable();
            let mut quoted = false;
            let mut at_start = true;
            while let Some(c) = chars.next() {
                if quoted {
                    if c == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            field.push('"');
                        } else {
                            quoted = false;
                        }
                    } else {
                        field.push(c);
                    }
                    continue;
                }
                match c {
                    '"' if at_start => {
                        quoted = true;
                        at_start = false;
                    }
                    ',' => {
                        row.push(std::mem::take(&mut field));
                        at_start = true;
                    }
                    '\r' => {
                        assert_eq!(chars.next(), Some('\n'), "a bare CR outside quotes");
                        row.push(std::mem::take(&mut field));
                        rows.push(std::mem::take(&mut row));
                        at_start = true;
                    }
                    '\n' => panic!("a bare LF outside quotes"),
                    '"' => panic!("a quote inside an unquoted field"),
                    c => {
                        field.push(c);
                        at_start = false;
                    }
                }
            }
            assert!(!quoted, "an unclosed quote");
            assert!(
                row.is_empty() && field.is_empty(),
                "the last line has no CRLF"
            );
            rows
        }

        proptest! {
            #[test]
            fn the_file_reads_back_and_runs_nothing(
                rows in prop::collection::vec(
                    ("\\PC{0,12}|[=+@\\-\t\r\n\",]{1,3}\\PC{0,4}", prop::option::of("[\\PC\r\n\t\",=+@-]{0,16}")),
                    0..12,
                )
            ) {
                let members: Vec<Member> = rows
                    .iter()
                    .map(|(id, display)| member(id, display.as_deref()))
                    .collect();
                let csv = members_csv(&members, None);
                let parsed = parse(&csv);
                prop_assert_eq!(parsed.len(), members.len() + 1);
                prop_assert_eq!(&parsed[0], &HEADER.map(String::from).to_vec());
                for (m, row) in members.iter().zip(&parsed[1..]) {
                    prop_assert_eq!(row.len(), 4);
                    let display = m.display.clone().unwrap_or_default();
                    for (cell, original) in [(&row[0], &m.value), (&row[1], &display)] {
                        // What was read is the original, or the original behind one guard quote.
                        let back = match cell.strip_prefix('\'') {
                            Some(rest) if original.starts_with(FORMULA_START) => rest,
                            _ => cell.as_str(),
                        };
                        prop_assert_eq!(back, original.as_str());
                    }
                    for cell in row {
                        prop_assert!(!cell.starts_with(FORMULA_START), "a formula cell: {:?}", cell);
                    }
                }
            }

            #[test]
            fn file_names_hold_no_path(name in "\\PC{0,40}") {
                let f = file_name(&name);
                prop_assert!(f.ends_with("-members.csv"));
                let path_or_bidi = ['/', '\\', ':', '\0', '\u{202E}', '\u{2066}'];
                prop_assert!(!f.contains(path_or_bidi) && !f.starts_with('.'), "unsafe: {:?}", f);
                prop_assert!(!f.chars().any(char::is_control));
            }
        }
    }
}
