//! The URLs the panel calls, built from a [`ScimBase`]. Only this module glues paths together.

use super::base_url::ScimBase;

/// `GET {base}/groups?count=1&excludedAttributes=members`: the cheapest authenticated call,
/// used to check a key on Connect.
pub fn connection_check(base: &ScimBase) -> String {
    format!("{base}/groups?count=1&excludedAttributes=members")
}

/// `{base}/groups/{id}` with the id percent-encoded as one path segment.
pub fn group(base: &ScimBase, id: &str) -> String {
    format!("{base}/groups/{}", encode_path_segment(id))
}

/// `GET {base}/groups?startIndex=…&count=…[&filter=displayName eq "…"]&excludedAttributes=members`.
pub fn groups_page(
    base: &ScimBase,
    start_index: u64,
    count: u64,
    exact_name: Option<&str>,
) -> String {
    let filter = exact_name
        .map(|n| {
            format!(
                "&filter={}",
                encode_query_value(&format!("displayName eq {}", filter_string(n)))
            )
        })
        .unwrap_or_default();
    format!(
        "{base}/groups?startIndex={start_index}&count={count}{filter}&excludedAttributes=members"
    )
}

/// `GET {base}/groups?startIndex=…&count=…`, members included: Omni's groups carry no member
/// count, so the Groups list counts the members of each group as it reads them.
pub fn groups_with_members(base: &ScimBase, start_index: u64, count: u64) -> String {
    format!("{base}/groups?startIndex={start_index}&count={count}")
}

/// Omni's `GET /api/v1/user-groups/{id}/model-roles` (what a group grants), on the origin of
/// a base URL ending in `/api/scim/v2` (Omni's); `None` for any other server, which is never
/// asked.
pub fn model_roles(base: &ScimBase, id: &str) -> Option<String> {
    let root = base.as_str().strip_suffix("/api/scim/v2")?;
    Some(format!(
        "{root}/api/v1/user-groups/{}/model-roles",
        encode_path_segment(id)
    ))
}

/// `GET {base}/embed/Users?startIndex=…&count=…`: Omni's embed users, whom `/users` never
/// lists (a group may hold them).
pub fn embed_users_page(base: &ScimBase, start_index: u64, count: u64) -> String {
    format!("{base}/embed/Users?startIndex={start_index}&count={count}")
}

/// `GET {base}/users?startIndex=…&count=…[&filter=…]`.
pub fn users_page(base: &ScimBase, start_index: u64, count: u64, filter: Option<&str>) -> String {
    let filter = filter
        .map(|f| format!("&filter={}", encode_query_value(f)))
        .unwrap_or_default();
    format!("{base}/users?startIndex={start_index}&count={count}{filter}")
}

/// `userName eq "…"`: the one user filter Omni documents.
pub fn user_name_filter(email: &str) -> String {
    format!("userName eq {}", filter_string(email.trim()))
}

/// RFC 7644 §5: where a server says what it supports (ETags, PATCH, filtering).
pub fn service_provider_config(base: &ScimBase) -> String {
    format!("{base}/ServiceProviderConfig")
}

/// A SCIM filter string literal (RFC 7644 §3.4.2.2 uses JSON string syntax), for list filters
/// and PATCH paths alike.
pub fn filter_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("\"{value}\""))
}

/// Percent-encodes a query value (same unreserved set as path segments).
pub fn encode_query_value(value: &str) -> String {
    encode_path_segment(value)
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so an id can never add a
/// path segment, a query or a fragment.
pub fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            // '.' is unreserved too, but browsers resolve "." and ".." (even as %2E) as dot
            // segments, so it is always encoded here and ids of only dots are refused upstream.
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn base(s: &str) -> ScimBase {
        match ScimBase::parse(s) {
            Ok(b) => b,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn model_roles_only_for_omni_base_urls() {
        assert_eq!(
            model_roles(&base("blobsrus"), "Qw7/rT").as_deref(),
            Some("https://blobsrus.omniapp.co/api/v1/user-groups/Qw7%2FrT/model-roles")
        );
        assert_eq!(
            model_roles(&base("/api/scim/v2"), "abc").as_deref(),
            Some("/api/v1/user-groups/abc/model-roles")
        );
        assert_eq!(
            model_roles(&base("https://idp.example.com/scim/v2"), "abc"),
            None
        );
    }

    #[test]
    fn builds_omni_urls() {
        let b = base("blobsrus");
        assert_eq!(
            group(&b, "mEhXj6ZI"),
            "https://blobsrus.omniapp.co/api/scim/v2/groups/mEhXj6ZI"
        );
        assert_eq!(
            connection_check(&b),
            "https://blobsrus.omniapp.co/api/scim/v2/groups?count=1&excludedAttributes=members"
        );
        assert_eq!(
            group(&base("/api/scim/v2/"), "abc"),
            "/api/scim/v2/groups/abc"
        );
    }

    #[test]
    fn list_urls() {
        let b = base("/api/scim/v2");
        assert_eq!(
            groups_page(&b, 1, 25, None),
            "/api/scim/v2/groups?startIndex=1&count=25&excludedAttributes=members"
        );
        assert_eq!(
            groups_page(&b, 26, 25, Some("Blob \"SEs\"")),
            "/api/scim/v2/groups?startIndex=26&count=25&filter=displayName%20eq%20%22Blob%20%5C%22SEs%5C%22%22&excludedAttributes=members"
        );
        assert_eq!(
            groups_with_members(&b, 101, 100),
            "/api/scim/v2/groups?startIndex=101&count=100"
        );
        assert_eq!(
            users_page(&b, 101, 100, Some(&user_name_filter(" ada@x.co "))),
            "/api/scim/v2/users?startIndex=101&count=100&filter=userName%20eq%20%22ada%40x%2Eco%22"
        );
        assert_eq!(
            service_provider_config(&b),
            "/api/scim/v2/ServiceProviderConfig"
        );
    }

    #[test]
    fn filter_strings_are_json_string_literals() {
        assert_eq!(filter_string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(filter_string("ada@x.co"), r#""ada@x.co""#);
    }

    #[test]
    fn ids_cannot_escape_their_segment() {
        let b = base("/api/scim/v2");
        assert_eq!(group(&b, "a/../b"), "/api/scim/v2/groups/a%2F%2E%2E%2Fb");
        assert_eq!(group(&b, "x?y#z"), "/api/scim/v2/groups/x%3Fy%23z");
        assert_eq!(group(&b, "é 1"), "/api/scim/v2/groups/%C3%A9%201");
        assert_eq!(group(&b, "a%2F"), "/api/scim/v2/groups/a%252F");
    }

    proptest::proptest! {
        #[test]
        fn encoded_segment_is_url_safe(s in ".*") {
            let enc = encode_path_segment(&s);
            proptest::prop_assert!(enc.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_~%".contains(&b)));
        }
    }
}
