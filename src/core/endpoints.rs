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
