//! Validation as data: each check returns [`Issue`]s, which the view shows beside the field.
//! Errors block saving; warnings only inform.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub severity: Severity,
    pub message: String,
}

impl Issue {
    fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
        }
    }
    fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            message: message.into(),
        }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// True when any issue blocks saving.
pub fn has_errors(issues: &[Issue]) -> bool {
    issues.iter().any(Issue::is_error)
}

/// Omni: "Names must be 64 characters or less".
pub const DISPLAY_NAME_MAX_CHARS: usize = 64;

/// Characters as a person counts them for the limit: Unicode scalar values, not UTF-8 bytes.
pub fn char_count(s: &str) -> usize {
    s.chars().count()
}

/// Bidirectional overrides and isolates make a name display differently from what it is.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` as a bidi isolate (FSI … PDI), for quoting a name from the server or the admin inside
/// a sentence: direction controls in it (a right-to-left override, a stray "pop isolate") stay
/// inside and cannot reorder the words around it. Every character of `text` is kept.
pub fn isolate(text: &str) -> String {
    const FSI: char = '\u{2068}';
    const PDI: char = '\u{2069}';
    // A PDI the text never opened would close our isolate early: open one more per such PDI.
    // Isolates the text leaves open are closed before ours.
    let (mut open, mut stray) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '\u{2066}'..='\u{2068}' => open += 1,
            PDI if open == 0 => stray += 1,
            PDI => open -= 1,
            _ => {}
        }
    }
    let mut out = String::with_capacity(text.len() + 3 * (2 + stray + open));
    out.extend(std::iter::repeat_n(FSI, 1 + stray));
    out.push_str(text);
    out.extend(std::iter::repeat_n(PDI, 1 + open));
    out
}

pub fn display_name_issues(name: &str) -> Vec<Issue> {
    let mut issues = Vec::new();
    if name.trim().is_empty() {
        issues.push(Issue::error("Display name is required."));
        return issues;
    }
    let count = char_count(name);
    if count > DISPLAY_NAME_MAX_CHARS {
        issues.push(Issue::error(format!(
            "Display name is {count} characters; at most {DISPLAY_NAME_MAX_CHARS} are allowed."
        )));
    }
    if name.chars().any(char::is_control) {
        issues.push(Issue::error(
            "Display name contains a control character (such as a tab or line break).",
        ));
    }
    if name.chars().any(is_bidi_control) {
        issues.push(Issue::error(
            "Display name contains a text-direction control character, which would make it display differently from what it is.",
        ));
    }
    if name.trim() != name {
        issues.push(Issue::error(
            "Display name cannot start or end with a space.",
        ));
    }
    issues
}

/// The display name's issues against the name as loaded: only a name the admin changed must
/// pass the rules. A name the server already has (set elsewhere) is saved exactly as it is, so
/// its problems are warnings: in Omni a forced rename would itself change who sees which data.
pub fn saved_name_issues(name: &str, loaded: &str) -> Vec<Issue> {
    let mut issues = display_name_issues(name);
    if name == loaded && !issues.is_empty() {
        for i in &mut issues {
            i.severity = Severity::Warning;
        }
        issues.push(Issue::warning(
            "This name was set outside the panel. Saving keeps it exactly as it is; only a new name must follow these rules.",
        ));
    }
    issues
}

/// RFC 4122 textual form, any version: 8-4-4-4-12 hex digits.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Checks a user ID about to be added. `existing` are the IDs already in the group.
/// The caller trims surrounding whitespace first (pasting often brings a newline).
pub fn member_id_issues<'a>(id: &str, mut existing: impl Iterator<Item = &'a str>) -> Vec<Issue> {
    let mut issues = Vec::new();
    if id.is_empty() {
        issues.push(Issue::error("Member user ID is required."));
        return issues;
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        issues.push(Issue::error(
            "Member user ID cannot contain spaces or line breaks.",
        ));
        return issues;
    }
    if existing.any(|e| e == id) {
        issues.push(Issue::error("This user is already a member of the group."));
        return issues;
    }
    if !is_uuid(id) {
        // Omni's ids are UUIDs, but RFC 7643 §3.1 ids are opaque: warn, do not block.
        issues.push(Issue::warning(
            "This is not a UUID. Omni's user IDs are UUIDs; other SCIM servers may use other IDs.",
        ));
    }
    issues
}

/// Checks the "Group ID" field before loading.
pub fn group_id_issues(id: &str) -> Vec<Issue> {
    if id.is_empty() {
        return vec![Issue::error("Group ID is required.")];
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return vec![Issue::error(
            "Group ID cannot contain spaces or line breaks.",
        )];
    }
    if id.chars().all(|c| c == '.') {
        return vec![Issue::error("Group ID cannot be only dots.")];
    }
    if id.len() > 256 {
        return vec![Issue::error("Group ID is too long (over 256 bytes).")];
    }
    Vec::new()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn errors(issues: &[Issue]) -> usize {
        issues.iter().filter(|i| i.is_error()).count()
    }

    #[test]
    fn name_length_boundary_counts_characters_not_bytes() {
        for unit in ["a", "é", "漢", "😀", "e\u{301}"] {
            let name_at = |n: usize| {
                let mut s = unit.repeat(n / char_count(unit));
                while char_count(&s) < n {
                    s.push('x');
                }
                s
            };
            assert_eq!(errors(&display_name_issues(&name_at(63))), 0, "{unit} x63");
            assert_eq!(errors(&display_name_issues(&name_at(64))), 0, "{unit} x64");
            let over = display_name_issues(&name_at(65));
            assert_eq!(errors(&over), 1, "{unit} x65");
            assert!(over[0].message.contains("65 characters"));
        }
    }

    #[test]
    fn names_need_content_and_no_stray_characters() {
        assert!(display_name_issues("")
            .iter()
            .any(|i| i.message.contains("required")));
        assert!(display_name_issues(" \t ")
            .iter()
            .any(|i| i.message.contains("required")));
        assert!(display_name_issues(" Sales")
            .iter()
            .any(|i| i.message.contains("start or end")));
        assert!(display_name_issues("Sales ")
            .iter()
            .any(|i| i.message.contains("start or end")));
        assert!(display_name_issues("Sa\nles")
            .iter()
            .any(|i| i.message.contains("control")));
        assert!(display_name_issues("Sa\u{7}les")
            .iter()
            .any(|i| i.message.contains("control")));
        assert!(display_name_issues("abc\u{202E}gpj")
            .iter()
            .any(|i| i.message.contains("direction")));
        assert!(display_name_issues("Blob SEs").is_empty());
        assert!(display_name_issues("Équipe données 数据 👩‍💻").is_empty());
    }

    #[test]
    fn only_a_changed_name_is_held_to_the_rules() {
        for bad in [" Sales", &"x".repeat(70), "Sa\u{202E}les", ""] {
            let kept = saved_name_issues(bad, bad);
            assert!(!has_errors(&kept), "{bad:?} unchanged");
            assert!(kept.iter().any(|i| i.message.contains("exactly as it is")));
            assert!(kept.len() >= 2, "the name's own warning is shown: {kept:?}");
            assert!(
                has_errors(&saved_name_issues(bad, "Sales")),
                "{bad:?} as a new name"
            );
        }
        assert!(saved_name_issues("Sales", "Sales").is_empty());
        assert!(saved_name_issues("Sales B", " Sales").is_empty());
    }

    #[test]
    fn member_ids() {
        let uuid = "9e8719d9-276a-4964-9395-a493189a247c";
        assert!(member_id_issues(uuid, std::iter::empty()).is_empty());
        assert!(has_errors(&member_id_issues("", std::iter::empty())));
        assert!(has_errors(&member_id_issues("a b", std::iter::empty())));
        assert!(has_errors(&member_id_issues(uuid, [uuid].into_iter())));
        let opaque = member_id_issues("2819c223", std::iter::empty());
        assert_eq!(opaque.len(), 1);
        assert_eq!(opaque[0].severity, Severity::Warning);
    }

    #[test]
    fn uuid_shape() {
        assert!(is_uuid("9E8719D9-276A-4964-9395-A493189A247C"));
        assert!(!is_uuid("9e8719d9276a49649395a493189a247c"));
        assert!(!is_uuid("9e8719d9-276a-4964-9395-a493189a247"));
        assert!(!is_uuid("9e8719d9-276a-4964-9395-a493189a247g"));
    }

    #[test]
    fn group_ids() {
        assert!(group_id_issues("mEhXj6ZI").is_empty());
        assert!(has_errors(&group_id_issues("")));
        assert!(has_errors(&group_id_issues("..")));
        assert!(has_errors(&group_id_issues("a b")));
    }

    #[test]
    fn isolated_names_keep_their_text_and_their_controls_inside() {
        assert_eq!(isolate("Sales"), "\u{2068}Sales\u{2069}");
        assert_eq!(isolate(""), "\u{2068}\u{2069}");
        assert_eq!(
            isolate("a\u{2069}\u{202E}b"),
            "\u{2068}\u{2068}a\u{2069}\u{202E}b\u{2069}"
        );
        assert_eq!(isolate("\u{2067}x"), "\u{2068}\u{2067}x\u{2069}\u{2069}");
    }

    use proptest::strategy::Strategy as _;

    /// Every Bidi_Control code point (Unicode 16, PropList.txt), and whether a name may hold it.
    const BIDI_CONTROL: [(char, bool); 12] = [
        ('\u{061C}', false), // ARABIC LETTER MARK
        ('\u{200E}', false), // LEFT-TO-RIGHT MARK
        ('\u{200F}', false), // RIGHT-TO-LEFT MARK
        ('\u{202A}', true),  // LEFT-TO-RIGHT EMBEDDING
        ('\u{202B}', true),  // RIGHT-TO-LEFT EMBEDDING
        ('\u{202C}', true),  // POP DIRECTIONAL FORMATTING
        ('\u{202D}', true),  // LEFT-TO-RIGHT OVERRIDE
        ('\u{202E}', true),  // RIGHT-TO-LEFT OVERRIDE
        ('\u{2066}', true),  // LEFT-TO-RIGHT ISOLATE
        ('\u{2067}', true),  // RIGHT-TO-LEFT ISOLATE
        ('\u{2068}', true),  // FIRST STRONG ISOLATE
        ('\u{2069}', true),  // POP DIRECTIONAL ISOLATE
    ];

    proptest::proptest! {
        /// Read as UAX #9 matches isolates, the first FSI is closed by the last PDI and by no
        /// earlier one, so nothing in the name reaches the text after it.
        #[test]
        fn an_isolate_closes_only_at_its_end(s in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(vec!['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{202A}', '\u{202E}', '\u{202C}']),
                proptest::char::any(),
            ],
            0..24,
        ).prop_map(|c| c.into_iter().collect::<String>())) {
            let out = isolate(&s);
            proptest::prop_assert!(out.contains(&s));
            let mut depth = 0usize;
            let chars: Vec<char> = out.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                match c {
                    '\u{2066}'..='\u{2068}' => depth += 1,
                    '\u{2069}' if depth > 0 => depth -= 1,
                    _ => {}
                }
                proptest::prop_assert!(depth > 0 || i + 1 == chars.len(), "closed at {} of {:?}", i, out);
            }
            proptest::prop_assert_eq!(depth, 0);
        }

        /// The rules for a display name, with the direction controls named one by one from
        /// the Unicode Character Database (Bidi_Control=Yes): the nine explicit embeddings,
        /// overrides and isolates are refused; the three marks (ALM, LRM, RLM) only set the
        /// direction of the text beside them and are allowed, as names in Arabic or Hebrew use them.
        #[test]
        fn display_name_rules_hold_for_any_text(s in proptest::prop_oneof![
            ".*",
            proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(BIDI_CONTROL.iter().map(|(c, _)| *c).collect::<Vec<_>>()),
                    proptest::char::range('a', 'z'),
                    proptest::sample::select(vec![' ', '\t', 'é', '😀', 'ש']),
                ],
                0..70,
            ).prop_map(|c| c.into_iter().collect::<String>()),
        ]) {
            let refused_control = |c: char| BIDI_CONTROL.iter().any(|&(b, refused)| b == c && refused);
            let valid = !has_errors(&display_name_issues(&s));
            proptest::prop_assert_eq!(
                valid,
                !s.trim().is_empty()
                    && s.chars().count() <= 64
                    && s.trim() == s
                    && !s.chars().any(|c| c.is_control() || refused_control(c)),
                "{:?}", s
            );
        }
    }
}
