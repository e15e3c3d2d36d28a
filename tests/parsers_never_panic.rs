//! Property tests: everything that reads text from a server, the browser or the admin takes any
//! input without panicking (a panic aborts the whole panel in release builds), and keeps its
//! promises on the way: the key never shows in an error, what parses once parses again the same.
//!
//! Inputs are arbitrary strings, and JSON documents built from the field names the parsers look
//! for (`id`, `displayName`, `members`, `Resources`, `detail`, …) holding values of any type,
//! so the wrong-type paths are exercised, not just syntax errors. Where a property is about
//! what a parser accepts, its inputs are built from real values (groups, drafts the panel
//! keeps, the directory's emails, bases an admin types), so the branch it is named for runs
//! in every case or in a share the generator fixes.
//!
//! The fuzz target's checks (`fuzz/checks/response_parser.rs`) run here too, over the fuzz
//! seeds and artifacts and over generated answers.
#![cfg(not(target_arch = "wasm32"))]

use omni_scim_panel::core::activity::{self, ActivityEntry, Outcome};
use omni_scim_panel::core::base_url::ScimBase;
use omni_scim_panel::core::bulk;
use omni_scim_panel::core::config::PanelConfig;
use omni_scim_panel::core::connect_check::{scim_list_answer, CheckAnswer};
use omni_scim_panel::core::directory::{self, Directory, DirectoryUser};
use omni_scim_panel::core::endpoints;
use omni_scim_panel::core::error::{no_answer_kind, origin_of, ApiError, Operation};
use omni_scim_panel::core::model::{self, Group, Member};
use omni_scim_panel::core::route::Route;
use omni_scim_panel::core::save_request::pretty_json;
use omni_scim_panel::core::secret::ApiKey;
use omni_scim_panel::core::server_features::ServerFeatures;
use omni_scim_panel::core::stored_draft::{describe_age, StoredDraft};
use omni_scim_panel::core::validation::{
    char_count, display_name_issues, group_id_issues, has_errors, member_id_issues,
    DISPLAY_NAME_MAX_CHARS,
};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};
use url::Url;

/// Field names the parsers read, in the casings servers use.
const FIELDS: &[&str] = &[
    "id",
    "displayName",
    "members",
    "value",
    "display",
    "Resources",
    "totalResults",
    "startIndex",
    "itemsPerPage",
    "meta",
    "version",
    "lastModified",
    "created",
    "resourceType",
    "detail",
    "status",
    "scimType",
    "message",
    "error",
    "schemas",
    "userName",
    "name",
    "formatted",
    "givenName",
    "familyName",
    "emails",
    "primary",
    "etag",
    "patch",
    "filter",
    "supported",
    "saved_at_ms",
    "loaded",
    "loaded_members",
    "renamed",
    "added",
    "removed",
];

/// Strings that have broken parsers before: empty, whitespace, markup, escapes, bidi controls,
/// astral characters, numbers as text, huge numbers.
const AWKWARD: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "\n\t",
    "<html>",
    "<img src=x onerror=alert(1)>",
    "\u{202E}evil",
    "\u{2069}",
    "😀",
    "é",
    "\\",
    "\"",
    "%",
    "%zz",
    "..",
    "/",
    "42",
    "-1",
    "18446744073709551616",
    "1e309",
    "null",
    "true",
    "W/\"3\"",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => ".{0,16}",
        1 => select(AWKWARD).prop_map(str::to_owned),
    ]
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(FIELDS).prop_map(str::to_owned),
        1 => "[a-zA-Z_]{0,10}",
    ]
}

/// Any JSON value, objects keyed mostly by the names the parsers look for.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((field_name(), inner), 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A document shaped like a SCIM answer (an object with the known fields, some of the wrong
/// type), or any JSON value.
fn json_document() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => prop::collection::vec((field_name(), json_value()), 0..10)
            .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        1 => json_value(),
    ]
}

/// What a server may send: JSON documents, the same cut off anywhere, or any text at all.
fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => json_document().prop_map(|v| v.to_string()),
        1 => (json_document(), any::<prop::sample::Index>()).prop_map(|(v, cut)| {
            let s = v.to_string();
            let chars: Vec<char> = s.chars().collect();
            chars[..cut.index(chars.len() + 1)].iter().collect()
        }),
        1 => ".{0,64}",
        // JSON-like text reaches the data-error paths (field names looked up by position).
        1 => r#"[{}\[\]":,a1 \n\\é]{0,80}"#,
        1 => prop::collection::vec(any::<u8>(), 0..64)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

fn operation() -> impl Strategy<Value = Operation> {
    select(Operation::ALL.to_vec())
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => select(vec![200u16, 204, 400, 401, 403, 404, 409, 412, 413, 422, 429, 500, 502, 503, 504]),
        1 => any::<u16>(),
    ]
}

/// Keys as organizations get them: letters, digits, `_` and `-`.
fn realistic_key() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{8,48}"
}

fn group() -> impl Strategy<Value = Group> {
    (
        text(),
        text(),
        prop::option::of(prop::collection::vec(
            (text(), prop::option::of(text()))
                .prop_map(|(value, display)| Member { value, display }),
            0..5,
        )),
    )
        .prop_map(|(id, display_name, members)| Group {
            id,
            display_name,
            members,
            meta: Default::default(),
        })
}

/// User IDs from a small pool, so drafts and groups share and repeat them.
fn user_id() -> impl Strategy<Value = String> {
    (0u8..12).prop_map(|i| format!("u{i}"))
}

fn member_of(id: String) -> Member {
    Member {
        display: Some(format!("{id}@example.org")),
        value: id,
    }
}

/// A group as a server has it: members from the pool (a server may list one twice), with or
/// without version stamps.
fn realistic_group() -> impl Strategy<Value = Group> {
    (
        select(vec!["g1", "Qw7rT2pL"]),
        select(vec!["Team", "Data Wranglers"]),
        prop::option::of(prop::collection::vec(user_id(), 0..10)),
        prop::option::of("t[0-2]"),
        prop::option::of("W/\"[0-2]\""),
    )
        .prop_map(|(id, name, members, last_modified, version)| Group {
            id: id.into(),
            display_name: name.into(),
            members: members.map(|ids| ids.into_iter().map(member_of).collect()),
            meta: model::Meta {
                last_modified,
                version,
            },
        })
}

/// What the panel keeps: a group edited by removing, adding and renaming, and the group.
fn kept_draft() -> impl Strategy<Value = (Group, StoredDraft)> {
    (
        realistic_group(),
        prop::collection::vec(user_id(), 0..4),
        prop::collection::vec(user_id(), 0..4),
        prop::option::of(text()),
        any::<u64>(),
    )
        .prop_map(|(g, removes, adds, rename, at)| {
            let mut d = omni_scim_panel::core::draft::GroupDraft::from_group(g.clone());
            for id in removes {
                d.remove_member(&id);
            }
            for id in adds {
                let _ = d.add_member(&id, "");
            }
            if let Some(name) = rename {
                d.display_name = name;
            }
            (g, StoredDraft::from_draft(&d, at))
        })
}

/// Members a damaged or tampered draft may list: the pool's IDs, the same padded with
/// whitespace, IDs the editor refuses, and any text.
fn hostile_member() -> impl Strategy<Value = Member> {
    (
        prop_oneof![
            3 => user_id(),
            1 => user_id().prop_map(|id| format!(" {id}\n")),
            1 => select(vec!["", " ", "\t", "a b", "\u{202E}u1"]).prop_map(str::to_owned),
            1 => text(),
        ],
        prop::option::of(text()),
    )
        .prop_map(|(value, display)| Member { value, display })
}

/// Bases an admin types: instance names, https URLs with ports and paths, http to loopback,
/// same-origin paths.
fn valid_base() -> impl Strategy<Value = String> {
    let path = "(/[a-zA-Z0-9%._~-]{1,8}){0,3}/{0,2}";
    prop_oneof![
        "[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?",
        (
            "(https|HTTPS)://[a-zA-Z0-9]{1,8}(\\.[a-z0-9-]{1,8}){0,2}(:[0-9]{1,5})?",
            path
        )
            .prop_map(|(a, p)| format!("{a}{p}")),
        (
            select(vec![
                "localhost",
                "127.0.0.1",
                "[::1]",
                "api.localhost",
                "127.1.2.3"
            ]),
            "(:[0-9]{1,5})?",
            path
        )
            .prop_map(|(h, port, p)| format!("http://{h}{port}{p}")),
        "/[a-zA-Z0-9._~-]{1,8}(/[a-zA-Z0-9._~-]{1,8}){0,3}/?",
    ]
}

/// The member of the group in the bulk tests.
const BULK_MEMBERS: [&str; 1] = ["u0"];

fn bulk_directory_users() -> Vec<DirectoryUser> {
    ["ada", "grace", "alan", "barbara"]
        .iter()
        .enumerate()
        .map(|(i, name)| DirectoryUser {
            id: format!("u{i}"),
            user_name: format!("{name}@blobsrus.co"),
            display_name: format!("User {i}"),
            email: format!("{name}@blobsrus.co"),
        })
        .collect()
}

fn bulk_directory() -> Directory {
    Directory::new(bulk_directory_users())
}

/// Which bucket a pasted entry belongs in, as the generator made it.
#[derive(Clone, Copy, Debug)]
enum BulkKind {
    Known(usize),
    Unknown,
    Malformed,
}

/// User `i`'s email in random case.
fn known_email(i: usize) -> impl Strategy<Value = String> {
    let email = bulk_directory_users()[i].email.clone();
    prop::collection::vec(any::<bool>(), email.len()).prop_map(move |upper| {
        email
            .chars()
            .zip(upper)
            .map(|(c, up)| if up { c.to_ascii_uppercase() } else { c })
            .collect()
    })
}

/// One pasted entry and the bucket it belongs in; none holds a separator or a quote.
fn bulk_part() -> impl Strategy<Value = (BulkKind, String)> {
    prop_oneof![
        4 => (0usize..4).prop_flat_map(|i| known_email(i).prop_map(move |e| (BulkKind::Known(i), e))),
        2 => "[a-z]{1,6}@[a-z]{1,6}\\.co".prop_map(|e| (BulkKind::Unknown, e)),
        2 => prop_oneof!["[a-z]{1,8}", "[a-z]{1,5}@", "@[a-z]{1,5}\\.co", "[a-z]{1,4}@[a-z]{1,4}", "[a-z]{1,4}@\\.co"]
            .prop_map(|e| (BulkKind::Malformed, e)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A group a server would send is read when it is the one asked for, and refused naming
    /// both IDs when it is another.
    #[test]
    fn group_parser_answers_the_requested_group_or_says_why(g in group(), other in text(), same in any::<bool>()) {
        let body = serde_json::to_string(&g).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let requested = if same { g.id.clone() } else { other };
        match model::parse_group(&body, &requested) {
            Ok(read) => {
                prop_assert_eq!(&requested, &g.id);
                prop_assert_eq!(read, g);
            }
            Err(e) => {
                prop_assert_ne!(&requested, &g.id);
                prop_assert!(e.0.contains(&format!("group “{}”", g.id)), "{}", e.0);
                prop_assert!(e.0.contains(&format!("group “{requested}” was asked for")), "{}", e.0);
            }
        }
    }

    /// The fuzz target's promises hold for the answers generated here, under any call and status.
    #[test]
    fn any_answer_keeps_the_fuzz_targets_promises(head in any::<u8>(), body in body()) {
        let mut data = vec![head];
        data.extend_from_slice(body.as_bytes());
        fuzz_check::check(&data);
    }

    /// A list of groups a server would send reads back as those groups.
    #[test]
    fn group_lists_read_back(groups in prop::collection::vec(group(), 0..4), total in prop::option::of(any::<u32>())) {
        let body = json!({ "totalResults": total, "Resources": groups }).to_string();
        let list = model::parse_list::<Group>(&body).map_err(|e| TestCaseError::fail(e.0))?;
        prop_assert_eq!(list.resources, groups);
        prop_assert_eq!(list.total_results, total.map(u64::from));
    }

    /// A page of users keeps each user with an id, in order, with their email; a user without
    /// one cannot be added and is left out.
    #[test]
    fn user_pages_keep_the_users_that_have_an_id(users in prop::collection::vec(
        (prop_oneof![Just(String::new()), "u[0-9]{1,3}", text()], "[a-z]{1,8}@x\\.co", any::<bool>()),
        0..6,
    )) {
        let resources: Vec<Value> = users
            .iter()
            .map(|(id, email, primary)| json!({ "id": id, "userName": email, "emails": [{ "value": email, "primary": primary }] }))
            .collect();
        let body = json!({ "totalResults": users.len(), "Resources": resources }).to_string();
        let (read, total) = directory::parse_users_page(&body).map_err(TestCaseError::fail)?;
        let expected: Vec<(&str, &str)> = users.iter().filter(|(id, _, _)| !id.is_empty()).map(|(id, email, _)| (id.as_str(), email.as_str())).collect();
        let got: Vec<(&str, &str)> = read.iter().map(|u| (u.id.as_str(), u.email.as_str())).collect();
        prop_assert_eq!(got, expected);
        prop_assert_eq!(total, Some(users.len() as u64));
    }

    #[test]
    fn list_parsers_never_panic(body in body()) {
        match model::parse_list::<Group>(&body) {
            Ok(_) => {}
            Err(e) => prop_assert!(!e.to_string().trim().is_empty()),
        }
        let _ = model::parse_list::<Member>(&body);
        match directory::parse_users_page(&body) {
            Ok((users, _)) => prop_assert!(users.iter().all(|u| !u.id.is_empty())),
            Err(e) => prop_assert!(!e.trim().is_empty()),
        }
        let _ = ServerFeatures::parse(&body);
    }

    #[test]
    fn error_classifier_never_panics(
        op in operation(),
        status in status(),
        body in body(),
        retry_after in prop::option::of(prop_oneof![text(), "[0-9]{1,25}", Just("Wed, 21 Oct 2015 07:28:00 GMT".to_owned())]),
        now in any::<u64>(),
        secret in ".{0,12}",
    ) {
        let e = ApiError::from_response(op, status, &body, retry_after.as_deref(), now, &secret);
        let shown = e.to_string();
        prop_assert!(shown.starts_with(&e.summary()));
        let _ = (format!("{e:?}"), e.is_transient());
        // Whatever the server sent, the message stays readable: no control characters, and a
        // megabyte of gateway HTML does not become a megabyte of alert.
        prop_assert!(!shown.chars().any(char::is_control), "{shown:?}");
        prop_assert!(shown.chars().count() < 1000, "{} chars", shown.chars().count());
    }

    #[test]
    fn other_errors_display_without_panicking(
        op in operation(),
        status in any::<u16>(),
        what in ".{0,400}",
        flags in any::<[bool; 4]>(),
        origin in text(),
        seconds in any::<u32>(),
        bytes in any::<u64>(),
    ) {
        let [online, same_origin, policy_blocked, reachable] = flags;
        let kind = no_answer_kind(online, same_origin, policy_blocked, reachable, &origin);
        let _ = origin_of(&what);
        for e in [
            ApiError::bad_response(op, status, what.clone()),
            ApiError::without_answer(op, kind),
            ApiError::timeout(op, seconds),
            ApiError::answer_too_large(op, status, bytes),
        ] {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    /// A server (or a proxy) that echoes the key anywhere in its error answer never gets it on
    /// screen: not in the message, not in the Debug form, not through `Retry-After`.
    #[test]
    fn the_key_never_appears_in_an_error(
        op in operation(),
        status in status(),
        key in realistic_key(),
        before in text(),
        after in text(),
        field in select(vec!["detail", "message", "error", "scimType"]),
        nested in any::<bool>(),
        padding in 0usize..400,
    ) {
        let echoed = format!("{before}{}{key}{after}", " ".repeat(padding));
        let value = if nested { json!({ "message": echoed }) } else { json!(echoed) };
        let body = json!({ field: value, "status": status.to_string() }).to_string();
        let e = ApiError::from_response(op, status, &body, Some(&echoed), 1_700_000_000_000, &key);
        let shown = format!("{e} {e:?}");
        prop_assert!(!shown.contains(&key), "{shown}");
    }

    /// A 2xx answer the panel cannot use is described, quoting what was wrong with it (a
    /// wrong-typed value, another group's id); the key the server echoed there never shows.
    #[test]
    fn the_key_never_appears_in_a_bad_answer(
        key in realistic_key(),
        field in select(vec!["id", "displayName", "members", "value", "totalResults", "Resources", "meta", "userName", "emails"]),
        shape in 0usize..4,
        nested in any::<bool>(),
    ) {
        let echoed = match shape {
            0 => json!(key),
            1 => json!(format!("Bearer {key}")),
            2 => json!([key]),
            _ => json!({ "k": key }),
        };
        let inner = json!({ field: echoed });
        let doc = if nested { json!({ "Resources": [inner], "totalResults": 1, "members": [inner] }) } else { inner };
        let body = doc.to_string();
        let mut failures = Vec::new();
        if let Err(e) = model::parse_group(&body, "a") { failures.push(e.0); }
        if let Err(e) = model::parse_list::<Group>(&body) { failures.push(e.0); }
        if let Err(e) = directory::parse_users_page(&body) { failures.push(e); }
        // The group parser always refuses these (no group "a" among them), so each case checks.
        prop_assert!(!failures.is_empty());
        for what in failures {
            let e = ApiError::bad_response(Operation::LoadGroup, 200, what).without_secret(&key);
            let shown = format!("{e} {e:?}");
            prop_assert!(!shown.contains(&key), "{}", shown);
        }
    }

    /// The same for any trimmed secret of 4 characters or more (shorter ones are not searched
    /// for), in any text the server sends, including text that only becomes the key once tidied.
    #[test]
    fn no_secret_survives_redaction(
        op in operation(),
        status in status(),
        secret in prop_oneof!["[a-z0-9 \\]\\[]{4,12}", ".{4,12}"],
        parts in prop::collection::vec(text(), 0..4),
        glue in select(vec!["", " ", "\n", "  ", "\t"]),
    ) {
        // Keys come trimmed (ApiKey::new), so a secret never starts or ends with a space.
        prop_assume!(secret.trim() == secret);
        // A secret inside the marker itself cannot be told from it (and is no real key).
        prop_assume!(!"[redacted]".contains(&secret));
        let mut echoed = parts.join(&secret);
        echoed.push_str(glue);
        echoed.push_str(&secret.replace(' ', glue));
        let body = json!({ "detail": echoed, "scimType": echoed }).to_string();
        let e = ApiError::from_response(op, status, &body, Some(&echoed), 1_700_000_000_000, &secret);
        let shown = format!("{e} {e:?}");
        prop_assert!(!shown.contains(&secret), "{shown:?}");
    }

    /// A kept draft with any of its fields damaged or replaced by a tampered tab still reads
    /// back as written, and restores safely onto the group as the server has it now.
    #[test]
    fn damaged_drafts_read_back_and_restore_safely(
        (stored, now) in kept_draft().prop_flat_map(|(g, stored)| (Just(stored), prop_oneof![Just(g), realistic_group()])),
        renamed in prop::option::of(prop::option::of(text())),
        added in prop::option::of(prop::collection::vec(hostile_member(), 0..6)),
        removed in prop::option::of(prop::collection::vec(hostile_member(), 0..6)),
        stamp in prop::option::of(any::<u64>()),
        loaded in prop::option::of(realistic_group()),
    ) {
        let mut stored = stored;
        if let Some(r) = renamed { stored.renamed = r; }
        if let Some(mut a) = added { stored.added.append(&mut a); }
        if let Some(r) = removed { stored.removed = r; }
        if let Some(s) = stamp { stored.loaded_members = s; }
        if let Some(l) = loaded { stored.loaded = l; }
        prop_assert_eq!(StoredDraft::parse(&stored.to_json()), Some(stored.clone()));
        fuzz_check::restores_safely(stored, &now);
    }

    /// Broken text where a draft was is dropped (`None`), never half read; text that is still
    /// a draft (a missing rename, a field from a later version) is read and restores safely.
    #[test]
    fn broken_draft_text_is_dropped(
        (g, stored) in kept_draft(),
        damage in 0usize..4,
        field in select(vec!["saved_at_ms", "loaded", "loaded_members", "renamed", "added", "removed"]),
        wrong in select(vec![json!("1"), json!(1), json!(-1), json!([1]), json!({"id": 1}), json!(true)]),
        cut in any::<prop::sample::Index>(),
    ) {
        let json = stored.to_json();
        let mut doc: Map<String, Value> = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let (text, readable) = match damage {
            0 => {
                let chars: Vec<char> = json.chars().collect();
                (chars[..cut.index(chars.len())].iter().collect(), false)
            }
            1 => {
                doc.remove(field);
                (Value::Object(doc).to_string(), field == "renamed")
            }
            2 => {
                // Numbers stay numbers where one is expected, so the type is always wrong.
                let wrong = match (field, &wrong) {
                    ("saved_at_ms" | "loaded_members", Value::Number(_)) => json!("1"),
                    ("renamed", Value::String(_)) => json!(1),
                    _ => wrong,
                };
                doc.insert(field.to_owned(), wrong);
                (Value::Object(doc).to_string(), false)
            }
            _ => {
                doc.insert("from_a_later_version".into(), json!({ "x": 1 }));
                (Value::Object(doc).to_string(), true)
            }
        };
        let parsed = StoredDraft::parse(&text);
        prop_assert_eq!(parsed.is_some(), readable, "{}", text);
        if let Some(d) = parsed {
            fuzz_check::restores_safely(d, &g);
        }
    }

    #[test]
    fn stored_drafts_of_any_group_read_back(g in group(), name in text(), at in any::<u64>()) {
        let mut draft = omni_scim_panel::core::draft::GroupDraft::from_group(g.clone());
        draft.display_name = name;
        let stored = StoredDraft::from_draft(&draft, at);
        prop_assert_eq!(StoredDraft::parse(&stored.to_json()), Some(stored.clone()));
        // The kept change restored onto the group it was made on gives the same draft back.
        let restored = stored.restore_onto(&g);
        prop_assert!(restored.same_base);
        prop_assert_eq!(restored.draft.display_name, draft.display_name);
        prop_assert!(omni_scim_panel::core::diff::same_members(&restored.draft.members, &draft.members));
        let _ = describe_age(at, at.wrapping_mul(3));
    }

    #[test]
    fn bulk_entries_are_trimmed_and_never_empty(text in prop_oneof![
        ".{0,200}",
        prop::collection::vec(prop_oneof![text(), bulk_part().prop_map(|(_, s)| s), Just(",".to_owned()), Just("\n".to_owned()), Just("\"".to_owned()), Just("email,name\n".to_owned())], 0..20)
            .prop_map(|parts| parts.concat()),
    ]) {
        let entries = bulk::entries(&text);
        for e in &entries {
            prop_assert!(!e.is_empty());
            prop_assert_eq!(e.trim(), e.as_str());
        }
        // Whatever the text, each entry is sorted once: one bucket for each first mention.
        let dir = bulk_directory();
        let p = bulk::preview(&text, &dir, BULK_MEMBERS.iter().copied());
        let sorted = p.resolved.len() + p.already_members.len() + p.unknown.len() + p.malformed.len() + p.duplicates.len();
        prop_assert!(sorted <= entries.len(), "{:?} from {:?}", p, entries);
        prop_assert!(p.resolved.iter().all(|u| !BULK_MEMBERS.contains(&u.id.as_str())));
        let _ = dir.search(&text, 5);
        let _ = (directory::fold(&text), directory::email_key(&text), directory::looks_like_email(&text));
    }

    /// Pasted emails of the directory's users (in any case, the member u0's among them),
    /// unknown addresses and things that are not addresses, as a list or as a CSV column: each
    /// lands in the one bucket the generator knows it belongs in, in the order pasted.
    #[test]
    fn bulk_preview_puts_each_entry_in_its_one_bucket(
        first in known_email(0),
        parts in prop::collection::vec(bulk_part(), 0..16),
        separators in prop::collection::vec(select(vec![", ", "\n", ";", " ", "\t", ",\r\n"]), 17),
        csv in any::<bool>(),
    ) {
        let mut parts = parts;
        parts.insert(0, (BulkKind::Known(0), first));
        let text = if csv {
            let rows: Vec<String> = parts.iter().map(|(_, e)| format!("\"Someone, maybe\",{e}")).collect();
            format!("Name,Email\r\n{}\r\n", rows.join("\r\n"))
        } else {
            let mut text = String::new();
            for ((_, e), sep) in parts.iter().zip(&separators) {
                text.push_str(e);
                text.push_str(sep);
            }
            text
        };
        // The oracle: the first mention of an address (any case) counts, later ones are listed
        // once as duplicates.
        let mut expected = bulk::BulkPreview::default();
        let mut seen = std::collections::HashSet::new();
        let users = bulk_directory_users();
        for (kind, entry) in &parts {
            let key = entry.to_ascii_lowercase();
            if !seen.insert(key.clone()) {
                if !expected.duplicates.iter().any(|d| d.to_ascii_lowercase() == key) {
                    expected.duplicates.push(entry.clone());
                }
                continue;
            }
            match kind {
                BulkKind::Known(i) if BULK_MEMBERS.contains(&users[*i].id.as_str()) => expected.already_members.push(users[*i].clone()),
                BulkKind::Known(i) => expected.resolved.push(users[*i].clone()),
                BulkKind::Unknown => expected.unknown.push(entry.clone()),
                BulkKind::Malformed => expected.malformed.push(entry.clone()),
            }
        }
        let p = bulk::preview(&text, &bulk_directory(), BULK_MEMBERS.iter().copied());
        prop_assert!(p.already_members.iter().any(|u| u.id == "u0"), "{:?}", p);
        prop_assert_eq!(p, expected, "{:?}", text);
    }

    /// Whatever is typed as the base URL, every call goes to the host it names (the page's own
    /// for a path), resolved as a browser resolves it: the key goes nowhere else.
    #[test]
    fn base_urls_keep_every_call_on_their_host(input in prop_oneof![
        4 => valid_base().prop_map(|b| (b, true)),
        1 => ".{0,40}".prop_map(|b| (b, false)),
        1 => ("(https?|ftp|HTTPS)", "://", "[a-zA-Z0-9.:@\\[\\]\\\\-]{0,20}", "(/[a-zA-Z0-9%._~\\\\ -]{0,8}){0,3}/?")
            .prop_map(|(a, b, c, d)| (format!("{a}{b}{c}{d}"), false)),
        1 => "[/\\\\]{0,3}[a-zA-Z0-9/._\\\\-]{0,20}".prop_map(|b| (b, false)),
    ], id in ".{1,12}") {
        let (input, valid) = input;
        let base = match ScimBase::parse(&input) {
            Ok(base) => base,
            Err(e) => {
                prop_assert!(!valid, "{:?} refused: {}", input, e);
                // Refusals are judged in base_url.rs; here a case is one that parses.
                return Err(TestCaseError::reject("refused"));
            }
        };
        let s = base.as_str();
        prop_assert!(!s.chars().any(char::is_whitespace) && !s.contains(['?', '#', '\\']), "{}", s);
        prop_assert!(!s.ends_with('/'), "{}", s);
        prop_assert_eq!(ScimBase::parse(s), Ok(base.clone()));
        let page = Url::parse("https://panel.example/app/index.html").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let host = if base.is_same_origin_path() {
            Some("panel.example".to_owned())
        } else {
            Url::parse(s).ok().and_then(|u| u.host_str().map(str::to_owned))
        };
        let Some(host) = host else {
            // Not a URL a browser accepts ("https://a.0"): then no call to it can be sent.
            prop_assert!(Url::parse(&endpoints::connection_check(&base)).is_err(), "{}", s);
            return Ok(());
        };
        let host = Some(host);
        let calls = [
            endpoints::connection_check(&base),
            endpoints::group(&base, &id),
            endpoints::groups_page(&base, 1, 100, Some(&id)),
            endpoints::users_page(&base, 1, 100, Some(&id)),
            endpoints::service_provider_config(&base),
        ];
        for call in &calls {
            let resolved = page.join(call).map_err(|e| TestCaseError::fail(format!("{call}: {e}")))?;
            prop_assert_eq!(resolved.host_str().map(str::to_owned), host.clone(), "{} from base {}", call, s);
        }
        // A valid group id stays one path segment after the base's own path.
        if !has_errors(&group_id_issues(&id)) {
            let resolved = page.join(&calls[1]).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let base_path = page.join(&format!("{s}/")).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let tail = resolved.path().strip_prefix(base_path.path()).and_then(|t| t.strip_prefix("groups/"));
            prop_assert!(tail.is_some_and(|t| !t.is_empty() && !t.contains('/')), "{} for id {:?}", resolved, id);
            prop_assert!(resolved.query().is_none() && resolved.fragment().is_none(), "{}", resolved);
        }
    }

    /// Settings stay in range whatever the content; given as pairs, each setting is the last
    /// in-range value given for it, else its default.
    #[test]
    fn deployment_settings_stay_in_range(content in prop_oneof![
        1 => ".{0,80}".prop_map(|c| (c, None)),
        3 => prop::collection::vec(
            (select(vec!["idle-timeout-seconds", "request-timeout-seconds", "requests-per-minute", "other"]),
             prop_oneof![
                any::<i64>().prop_map(|n| n.to_string()),
                (0u32..=700).prop_map(|n| format!(" {n} ")),
                (0u32..=90_000).prop_map(|n| n.to_string()),
                select(vec!["lots", "", "-1", "1e3", "4294967296"]).prop_map(str::to_owned),
             ]),
            0..6,
        ).prop_map(|pairs| (pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";"), Some(pairs))),
    ]) {
        let (content, pairs) = content;
        let c = PanelConfig::parse(&content);
        prop_assert!((1..=86_400).contains(&c.idle_timeout_seconds));
        prop_assert!((1..=600).contains(&c.request_timeout_seconds));
        prop_assert!((1..=10_000).contains(&c.requests_per_minute));
        if let Some(pairs) = pairs {
            let last = |name: &str, max: u32, default: u32| {
                pairs.iter().rev()
                    .filter(|(k, _)| *k == name)
                    .find_map(|(_, v)| v.trim().parse::<u32>().ok().filter(|n| (1..=max).contains(n)))
                    .unwrap_or(default)
            };
            let d = PanelConfig::default();
            prop_assert_eq!(c, PanelConfig {
                idle_timeout_seconds: last("idle-timeout-seconds", 86_400, d.idle_timeout_seconds),
                request_timeout_seconds: last("request-timeout-seconds", 600, d.request_timeout_seconds),
                requests_per_minute: last("requests-per-minute", 10_000, d.requests_per_minute),
                activity_entries: last("activity-entries", 1000, d.activity_entries),
            }, "{}", content);
        }
    }

    /// The server's own words are shown from whichever field a server puts them in, as a
    /// string or inside an object, tidied to one line.
    #[test]
    fn error_answers_show_the_servers_words(
        op in operation(),
        status in status(),
        field in select(vec!["detail", "message", "error"]),
        nested in any::<bool>(),
        words in prop::collection::vec("[A-Za-z0-9.é]{1,8}", 1..6),
        glue in select(vec![" ", "\n", "  ", "\t"]),
    ) {
        let said = words.join(glue);
        let value = if nested { json!({ "message": said }) } else { json!(said) };
        let body = json!({ field: value, "status": status.to_string() }).to_string();
        let e = ApiError::from_response(op, status, &body, None, 0, "omni_sk_secret");
        let shown = words.join(" ");
        prop_assert_eq!(e.detail.as_deref(), Some(shown.as_str()));
        prop_assert!(e.to_string().ends_with(&format!("Server said: “{shown}”")), "{}", e);
    }

    #[test]
    fn routes_print_back_to_themselves(hash in prop_oneof![
        ".{0,30}",
        ("#?/?", select(vec!["groups", "activity", "groups/", "x"]), "(/[^/]{0,6}){0,3}")
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ]) {
        let route = Route::parse(&hash);
        prop_assert_eq!(Route::parse(&route.to_hash()), route);
    }

    #[test]
    fn validators_judge_any_text(s in prop_oneof![".{0,80}", text()], existing in prop::collection::vec(text(), 0..4)) {
        if display_name_issues(&s).is_empty() {
            prop_assert!(!s.trim().is_empty() && s.trim() == s);
            prop_assert!(char_count(&s) <= DISPLAY_NAME_MAX_CHARS);
            let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            prop_assert!(!s.chars().any(|c| c.is_control() || bidi(c)), "{:?}", s);
        }
        if !has_errors(&group_id_issues(&s)) {
            prop_assert!(!s.is_empty() && !s.chars().any(char::is_whitespace));
            // A valid id stays one path segment.
            let route = Route::Group(s.clone());
            prop_assert_eq!(Route::parse(&route.to_hash()), route);
        }
        let issues = member_id_issues(&s, existing.iter().map(String::as_str));
        if !has_errors(&issues) {
            prop_assert!(!s.is_empty() && !existing.contains(&s));
        }
        prop_assert_eq!(char_count(&s), s.chars().count());
    }

    #[test]
    fn keys_are_never_printed(raw in prop_oneof![9 => ".{0,40}", 1 => "[ \t\n]{0,3}"]) {
        let Some(k) = ApiKey::new(&raw) else {
            // Only nothing, or only whitespace, is no key.
            prop_assert!(raw.trim().is_empty(), "{:?}", raw);
            return Ok(());
        };
        prop_assert_eq!(k.expose(), raw.trim());
        let shown = format!("{k:?} {k}");
        prop_assume!(!"ApiKey(redacted) [redacted]".contains(k.expose()));
        prop_assert!(!shown.contains(k.expose()), "{shown}");
        prop_assert_eq!(k.bearer(), format!("Bearer {}", k.expose()));
    }

    /// The review's request text: any JSON the panel sends reads back the same once indented,
    /// and anything else is indented without a panic.
    #[test]
    fn pretty_json_keeps_the_document(v in json_value(), junk in ".{0,60}") {
        // Compared after both are read back: serde_json reads some floats a last digit off.
        let compact = v.to_string();
        let pretty = pretty_json(&compact);
        prop_assert_eq!(serde_json::from_str::<Value>(&pretty).ok(), serde_json::from_str::<Value>(&compact).ok());
        let _ = pretty_json(&junk);
    }

    /// Connect's check: random JSON passes only as an object with a list's marks
    /// (`totalResults` or `Resources`); anything else, and anything but a 2xx, fails.
    #[test]
    fn random_json_connects_only_as_a_list(doc in json_value(), status in 100u16..600) {
        let body = doc.to_string();
        let answer = CheckAnswer { status, content_type: Some("application/json"), redirected: false, body: &body };
        let passed = scim_list_answer(&answer).is_ok();
        let marked = doc.as_object().is_some_and(|o| {
            matches!(o.get("totalResults"), Some(Value::Number(n)) if n.is_u64())
                || matches!(o.get("Resources"), Some(Value::Array(_)))
        });
        prop_assert!(!passed || ((200..300).contains(&status) && marked), "{} passed", body);
    }

    #[test]
    fn the_activity_download_is_json(entries in prop::collection::vec(
        (text(), text(), prop::option::of((text(), text())), prop::option::of(text())),
        0..4,
    )) {
        let entries: Vec<ActivityEntry> = entries
            .into_iter()
            .map(|(group_id, group_name, renamed, detail)| failed_entry(group_id, group_name, renamed, detail))
            .collect();
        let json = activity::to_json(&entries);
        let v: Value = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
        prop_assert_eq!(v["activity"].as_array().map(Vec::len), Some(entries.len()));
    }

    /// Activity kept in the tab reads back as it was, whatever the names, details and members
    /// hold (tabs, line breaks, backslashes, the "+"/"-" marks).
    #[test]
    fn the_kept_activity_reads_back(entries in prop::collection::vec(
        (text(), text(), prop::option::of((text(), text())), prop::option::of(text()),
         prop::option::of((text(), prop::collection::vec((text(), prop::option::of(text())), 0..4)))),
        0..4,
    ), dropped in 0usize..1000) {
        use omni_scim_panel::core::activity::GroupState;
        use omni_scim_panel::core::model::Member;
        use omni_scim_panel::core::undo::ActivityLog;
        let entries: Vec<ActivityEntry> = entries
            .into_iter()
            .map(|(group_id, group_name, renamed, detail, before)| ActivityEntry {
                outcome: Outcome::Saved,
                no_before: detail.clone(),
                before: before.map(|(display_name, ms)| GroupState {
                    display_name,
                    members: ms.into_iter().map(|(value, display)| Member { value, display }).collect(),
                }),
                ..failed_entry(group_id, group_name, renamed, detail)
            })
            .collect();
        let log = ActivityLog { entries, dropped };
        prop_assert_eq!(ActivityLog::from_text(&log.to_text()), log);
    }

    /// Any file given to "Restore from file" is read or refused, never a panic.
    #[test]
    fn restore_files_never_panic(text in ".{0,300}", json in any::<bool>()) {
        let text = if json { format!("{{{text}") } else { format!("User ID,Display\r\n{text}") };
        let _ = omni_scim_panel::core::undo::read_file(&text, "g1", "Sales");
    }
}

/// A failed PUT's Activity entry, for the properties above.
fn failed_entry(
    group_id: String,
    group_name: String,
    renamed: Option<(String, String)>,
    detail: Option<String>,
) -> ActivityEntry {
    ActivityEntry {
        at: "2025-01-01T00:00:00.000Z".into(),
        group_id,
        group_name,
        renamed,
        added: 1,
        removed: 0,
        method: "PUT".into(),
        outcome: Outcome::Failed,
        detail,
        before: None,
        no_before: None,
    }
}

/// The cases that once got past redaction, kept as plain examples.
#[test]
fn redaction_survives_tidying_and_its_own_marker() {
    for (secret, echoed) in [
        // Tidying turns the line break into the key's own space.
        ("0 0!", "\n0\n0!"),
        ("sk live 1234", "key: sk  live\t1234"),
        // The marker's own end followed by the rest spells the key again.
        ("d]zz", "d]zzzz"),
        ("]key", "[redacted]keykey"),
    ] {
        let body = json!({ "detail": echoed, "scimType": echoed }).to_string();
        let e = ApiError::from_response(Operation::SaveGroup, 400, &body, None, 0, secret);
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(secret), "{secret:?} shown in {shown}");
    }
}

/// The fuzz target's body: `cargo test` runs it over the fuzz corpus (below), so a seed that
/// stops reaching its branch, or a finding that comes back, fails here.
#[path = "../fuzz/checks/response_parser.rs"]
mod fuzz_check;

use fuzz_check::Branch;

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/response_parser");
const ARTIFACTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fuzz/artifacts/response_parser"
);

/// What each seed is for: the branch it must reach. A new seed is listed here, or this fails.
const SEED_BRANCHES: &[(&str, Branch)] = &[
    ("draft.json", Branch::Draft),
    ("error_412.json", Branch::Changed),
    ("error_412.json", Branch::ErrorDetail),
    // Its last line is the Retry-After, so its body is not JSON and no detail is read.
    ("error_429.json", Branch::RetryAfter),
    ("group.json", Branch::Group),
    ("groups_list.json", Branch::GroupList),
    ("html.html", Branch::WebPage),
    ("spc.json", Branch::ServerFeatures),
    ("users_page.json", Branch::UsersPage),
];

fn corpus(dir: &str) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|e| {
            let path = e.expect("a corpus entry").path();
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("a readable corpus file"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn fuzz_seeds_reach_their_branch_and_artifacts_hold() {
    let seeds = corpus(SEEDS);
    assert!(seeds.len() >= 8, "{} seeds in {SEEDS}", seeds.len());
    for (name, data) in &seeds {
        let reached = fuzz_check::check(data);
        let wanted: Vec<Branch> = SEED_BRANCHES
            .iter()
            .filter(|(seed, _)| seed == name)
            .map(|(_, b)| *b)
            .collect();
        assert!(
            !wanted.is_empty(),
            "seed {name} is not listed in SEED_BRANCHES"
        );
        for b in wanted {
            assert!(
                reached.contains(&b),
                "seed {name} no longer reaches {b:?}: {reached:?}"
            );
        }
    }
    for (seed, _) in SEED_BRANCHES {
        assert!(
            seeds.iter().any(|(name, _)| name == seed),
            "seed {seed} is missing"
        );
    }
    // Findings the fuzzer saved (`fuzz/artifacts/`, not committed) hold once fixed.
    for (_, data) in corpus(ARTIFACTS) {
        fuzz_check::check(&data);
    }
}

/// The draft seed is what the panel writes today (regenerate it from the message on failure).
#[test]
fn the_draft_seed_is_a_draft_as_the_panel_writes_it() {
    let loaded = Group {
        id: fuzz_check::GROUP_ID.into(),
        display_name: "Data Wranglers".into(),
        members: Some(
            ["u1", "u2", "u3"]
                .map(|id| Member {
                    value: id.into(),
                    display: Some(format!("{id}@example.org")),
                })
                .to_vec(),
        ),
        meta: model::Meta {
            last_modified: Some("2025-03-02T11:30:15.120Z".into()),
            version: Some("W/\"3\"".into()),
        },
    };
    let mut draft = omni_scim_panel::core::draft::GroupDraft::from_group(loaded);
    draft.display_name = "Data Wranglers EU".into();
    assert!(draft.remove_member("u2"));
    assert!(draft.add_member("u4", "u4@example.org").is_ok());
    let json = StoredDraft::from_draft(&draft, 1_700_000_000_000).to_json();
    let seed = std::fs::read(format!("{SEEDS}/draft.json")).expect("the draft seed");
    let body = seed
        .split_first()
        .map(|(_, body)| String::from_utf8_lossy(body));
    assert_eq!(
        body.as_deref(),
        Some(json.as_str()),
        "the seed is a 0 byte, then the draft"
    );
    // The dictionary spells every field a draft has, so mutations can reach them.
    let dict = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/response_parser.dict"
    ))
    .expect("the fuzz dictionary");
    let fields = serde_json::from_str::<Map<String, Value>>(&json).expect("a draft is an object");
    for field in fields.keys() {
        assert!(
            dict.lines().any(|l| l == format!("\"\\\"{field}\\\"\"")),
            "{field} is not in the dictionary"
        );
    }
}
