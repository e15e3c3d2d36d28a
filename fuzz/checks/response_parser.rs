//! The `response_parser` fuzz target's body, shared with the native replay of its seeds and
//! artifacts (`tests/parsers_never_panic.rs`): the fuzzer and `cargo test` check the same
//! promises, and the replay can tell when a seed no longer reaches the branch it is for.
//!
//! Arbitrary bytes as a server's answer, through every parser that reads one: a group, a list
//! of groups, a page of users, ServiceProviderConfig, an error answer, and a stored draft
//! (restored onto the group it names). A panic or a broken promise (below) is a finding.

use omni_scim_panel::core::diff::id_set;
use omni_scim_panel::core::directory::parse_users_page;
use omni_scim_panel::core::error::{ApiError, ErrorKind, Operation};
use omni_scim_panel::core::model::{self, Group, Member};
use omni_scim_panel::core::server_features::ServerFeatures;
use omni_scim_panel::core::stored_draft::StoredDraft;
use omni_scim_panel::core::validation::{has_errors, member_id_issues};

/// A realistic organization key, so the redaction promise can be checked.
pub const KEY: &str = "omni_sk_FuzzKey0123456789";

/// The group id every answer is read as; the group seed carries it.
pub const GROUP_ID: &str = "Qw7rT2pL";

pub const STATUSES: [u16; 16] = [
    200, 201, 204, 400, 401, 403, 404, 409, 412, 413, 422, 429, 500, 502, 503, 504,
];

/// A parser that accepted the answer (or the part of one) it exists for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Branch {
    /// Read as the requested group.
    Group,
    /// Read as a list holding at least one group.
    GroupList,
    /// Read as a page holding at least one user.
    UsersPage,
    /// Read as a ServiceProviderConfig that turns on or off something optional.
    ServerFeatures,
    /// Refused as a web page (a gateway's HTML page), not read as JSON.
    WebPage,
    /// Read as a stored draft (and restored).
    Draft,
    /// An error answer whose own text (`detail`, `message`, `error`) was read.
    ErrorDetail,
    /// A 429 whose Retry-After (the body's last line) gave a wait.
    RetryAfter,
    /// A 412: the group changed since it was loaded.
    Changed,
}

/// Runs one input through every parser, asserting their promises; returns the branches it
/// reached.
pub fn check(data: &[u8]) -> Vec<Branch> {
    let mut reached = Vec::new();
    // The first byte picks the call and the status; the rest is the body, decoded as the
    // browser decodes a response's text (invalid UTF-8 becomes U+FFFD).
    let (head, rest) = data.split_first().map_or((0, data), |(h, r)| (*h, r));
    let body = String::from_utf8_lossy(rest);
    let op = Operation::ALL[usize::from(head) % Operation::ALL.len()];
    let status = STATUSES[usize::from(head >> 3) % STATUSES.len()];

    // A 2xx answer that cannot be used becomes an error quoting what was wrong; the key it
    // may have echoed is taken out, as the HTTP client does.
    let unusable = |what: String| {
        assert!(
            !what.trim().is_empty(),
            "an unusable answer without a reason"
        );
        let e = ApiError::bad_response(op, 200, what).without_secret(KEY);
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(KEY), "the key is shown: {shown}");
    };
    match model::parse_group(&body, GROUP_ID) {
        Ok(group) => {
            assert_eq!(group.id, GROUP_ID, "another group was accepted");
            reached.push(Branch::Group);
        }
        Err(e) => {
            if e.0.contains("web page (HTML)") {
                reached.push(Branch::WebPage);
            }
            unusable(e.0)
        }
    }
    match model::parse_list::<Group>(&body) {
        Ok(list) if !list.resources.is_empty() => reached.push(Branch::GroupList),
        Ok(_) => {}
        Err(e) => unusable(e.0),
    }
    match parse_users_page(&body) {
        Ok((users, _)) => {
            assert!(
                users.iter().all(|u| !u.id.is_empty()),
                "a user without an id"
            );
            if !users.is_empty() {
                reached.push(Branch::UsersPage);
            }
        }
        Err(e) => unusable(e),
    }
    if ServerFeatures::parse(&body) != ServerFeatures::default() {
        reached.push(Branch::ServerFeatures);
    }
    if let Some(draft) = StoredDraft::parse(&body) {
        assert_eq!(
            StoredDraft::parse(&draft.to_json()),
            Some(draft.clone()),
            "a draft did not read back"
        );
        let loaded = draft.loaded.clone();
        restores_safely(draft, &loaded);
        reached.push(Branch::Draft);
    }

    // The last line of the body doubles as a Retry-After header.
    let retry_after = body.lines().last();
    let e = ApiError::from_response(op, status, &body, retry_after, 1_700_000_000_000, KEY);
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(KEY), "the key is shown: {shown}");
    assert!(
        !e.to_string().chars().any(char::is_control),
        "control characters shown: {shown:?}"
    );
    if e.detail.is_some() {
        reached.push(Branch::ErrorDetail);
    }
    match e.kind {
        ErrorKind::RateLimited {
            wait_seconds: Some(_),
        } => reached.push(Branch::RetryAfter),
        ErrorKind::Changed => reached.push(Branch::Changed),
        _ => {}
    }
    reached
}

/// Whatever a stored draft says (damaged, hostile, or made for another state of the group),
/// restoring it onto `current`, the group as the server has it now, is safe: the save will be
/// checked against `current`; the name is the kept rename or the server's; every member the
/// server has stays unless the change removes it; nobody joins who is not in the change, or
/// twice, or with an ID adding by hand would refuse; and `same_base` is claimed only when `current` is the group the draft was made on, as far as
/// its name and version stamps tell.
pub fn restores_safely(stored: StoredDraft, current: &Group) {
    let (renamed, added, removed) = (
        stored.renamed.clone(),
        stored.added.clone(),
        stored.removed.clone(),
    );
    let stamps_match = stored.loaded.display_name == current.display_name
        && [
            (
                &stored.loaded.meta.last_modified,
                &current.meta.last_modified,
            ),
            (&stored.loaded.meta.version, &current.meta.version),
        ]
        .iter()
        .all(|(a, b)| a.is_none() || b.is_none() || a == b);
    let restored = stored.restore_onto(current);
    let draft = &restored.draft;
    assert_eq!(
        &draft.loaded, current,
        "the save would not check the group now"
    );
    assert_eq!(
        draft.display_name,
        renamed.unwrap_or_else(|| current.display_name.clone())
    );
    assert!(
        !restored.same_base || stamps_match,
        "same_base on another version"
    );
    // IDs are added trimmed, as when pasted.
    let added: Vec<Member> = added
        .into_iter()
        .map(|m| Member {
            value: m.value.trim().to_owned(),
            display: None,
        })
        .collect();
    let (added, removed) = (id_set(&added), id_set(&removed));
    let now = current.members.as_deref().unwrap_or_default();
    let now_ids = id_set(now);
    let mut kept = id_set(&draft.members);
    for m in now {
        assert!(
            kept.contains_key(m.value.as_str()) || removed.contains_key(m.value.as_str()),
            "member {:?} lost by a restore",
            m.value
        );
    }
    for m in &draft.members {
        assert!(
            now_ids.contains_key(m.value.as_str()) || added.contains_key(m.value.as_str()),
            "member {:?} joined from outside the change",
            m.value
        );
        assert!(
            added.contains_key(m.value.as_str()) || !removed.contains_key(m.value.as_str()),
            "member {:?} was to be removed",
            m.value
        );
        if !now_ids.contains_key(m.value.as_str()) {
            let joined = kept.get_mut(m.value.as_str()).expect("a kept member");
            assert_eq!(*joined, 0, "member {:?} joined twice", m.value);
            *joined = 1;
            let issues = member_id_issues(&m.value, std::iter::empty());
            assert!(
                !has_errors(&issues),
                "member {:?} joined: {issues:?}",
                m.value
            );
        }
    }
    // The draft's own derived values work on whatever came back.
    let _ = (draft.is_dirty(), draft.can_save(), draft.replace_body());
}
