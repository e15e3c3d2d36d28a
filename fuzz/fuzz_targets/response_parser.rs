//! Arbitrary bytes as a server's answer, through every parser that reads one: a group, a list
//! of groups, a page of users, ServiceProviderConfig, an error answer, and (the same parsers'
//! serde paths) a stored draft. A panic or a broken promise (below) is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use omni_scim_panel::core::directory::parse_users_page;
use omni_scim_panel::core::error::{ApiError, Operation};
use omni_scim_panel::core::model::{self, Group};
use omni_scim_panel::core::server_features::ServerFeatures;
use omni_scim_panel::core::stored_draft::StoredDraft;

/// A realistic organization key, so the redaction promise can be checked.
const KEY: &str = "omni_sk_FuzzKey0123456789";


const STATUSES: [u16; 16] = [
    200, 201, 204, 400, 401, 403, 404, 409, 412, 413, 422, 429, 500, 502, 503, 504,
];

fuzz_target!(|data: &[u8]| {
    // The first byte picks the call and the status; the rest is the body, decoded as the
    // browser decodes a response's text (invalid UTF-8 becomes U+FFFD).
    let (head, rest) = data.split_first().map_or((0, data), |(h, r)| (*h, r));
    let body = String::from_utf8_lossy(rest);
    let op = Operation::ALL[usize::from(head) % Operation::ALL.len()];
    let status = STATUSES[usize::from(head >> 3) % STATUSES.len()];

    // A 2xx answer that cannot be used becomes an error quoting what was wrong; the key it
    // may have echoed is taken out, as the HTTP client does.
    let unusable = |what: String| {
        let e = ApiError::bad_response(op, 200, what).without_secret(KEY);
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(KEY), "the key is shown: {shown}");
    };
    match model::parse_group(&body, "Qw7rT2pL") {
        Ok(group) => assert_eq!(group.id, "Qw7rT2pL", "another group was accepted"),
        Err(e) => unusable(e.0),
    }
    if let Err(e) = model::parse_list::<Group>(&body) {
        unusable(e.0);
    }
    match parse_users_page(&body) {
        Ok((users, _)) => assert!(
            users.iter().all(|u| !u.id.is_empty()),
            "a user without an id"
        ),
        Err(e) => unusable(e),
    }
    let _ = ServerFeatures::parse(&body);
    if let Some(draft) = StoredDraft::parse(&body) {
        assert_eq!(
            StoredDraft::parse(&draft.to_json()),
            Some(draft),
            "a draft did not read back"
        );
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
});
