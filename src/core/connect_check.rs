//! Connect's rules: whether the server answered its check with SCIM, which field a failed
//! check concerns, and whether the key stays stored after one.
//!
//! A host that serves a web page for every path (a wrong base path, a sign-in redirect) answers
//! 200 too, so a 2xx alone proves nothing: only a SCIM ListResponse does.

use super::error::{ApiError, ErrorKind};
use super::model::{
    looks_like_html, no_list_fields, parse_list, web_page_instead, BodyError, Group,
};

/// What the browser saw of the answer to the connection check.
#[derive(Clone, Copy, Debug)]
pub struct CheckAnswer<'a> {
    pub status: u16,
    /// The `Content-Type` header as sent.
    pub content_type: Option<&'a str>,
    /// `fetch` followed a redirect to get this answer.
    pub redirected: bool,
    pub body: &'a str,
}

fn not_a_list() -> BodyError {
    BodyError(
        "the server's answer is JSON, but not a SCIM list; check the base URL (Omni's ends in /api/scim/v2)"
            .into(),
    )
}

/// `Ok` when the answer is a SCIM list of groups, as the Groups list reads it: a 2xx JSON
/// object with `totalResults` (RFC 7644 §3.4.2 requires it; Omni sends it) or `Resources`, of
/// their types, not labelled or shaped as HTML. `schemas` is not required: the Groups list
/// does not need it, and a check stricter than the list would refuse servers that work. The
/// same parse as the Groups list's, so the check costs the bundle no second parser.
pub fn scim_list_answer(answer: &CheckAnswer) -> Result<(), BodyError> {
    let body = answer.body;
    // Only a 2xx reaches here from the client; anything else is no list either.
    if !(200..300).contains(&answer.status) {
        return Err(not_a_list());
    }
    if is_html_type(answer.content_type) || looks_like_html(body) {
        return Err(if answer.redirected {
            BodyError("the request was redirected to a web page (HTML), such as a sign-in page, instead of a SCIM list; check the base URL".into())
        } else {
            web_page_instead("list")
        });
    }
    // A derived struct also reads a JSON array; a list is an object.
    let is_object = body.trim_start().starts_with('{');
    match parse_list::<Group>(body) {
        Ok(_) if is_object => Ok(()),
        Ok(_) => Err(not_a_list()),
        Err(e) if e == no_list_fields() => Err(not_a_list()),
        Err(e) => Err(e),
    }
}

/// `text/html` or XHTML, whatever the parameters and case.
fn is_html_type(content_type: Option<&str>) -> bool {
    let Some(media) = content_type.and_then(|c| c.split(';').next()) else {
        return false;
    };
    let media = media.trim();
    media.eq_ignore_ascii_case("text/html") || media.eq_ignore_ascii_case("application/xhtml+xml")
}

/// The Connect field a failed check's message belongs under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectField {
    BaseUrl,
    ApiKey,
}

impl ConnectField {
    /// A refused key concerns the key; an answer that is not SCIM (or a 404 on the collection)
    /// the base URL; anything else (network, server trouble, rate limit) neither.
    pub fn of(error: &ApiError) -> Option<Self> {
        match error.kind {
            ErrorKind::BadKey | ErrorKind::Forbidden => Some(Self::ApiKey),
            ErrorKind::NoScimHere | ErrorKind::BadResponse => Some(Self::BaseUrl),
            _ => None,
        }
    }
}

/// Whether the stored key stays after a failed Connect. A key typed for this Connect was never
/// accepted by a SCIM server, so it is not kept (it stays in its field for another try); a key
/// stored by an earlier Connect stays unless the server refused it.
pub fn keeps_stored_key(error: &ApiError, typed_now: bool) -> bool {
    !typed_now && !matches!(error.kind, ErrorKind::BadKey | ErrorKind::Forbidden)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::error::Operation;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    const LIST_RESPONSE_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

    fn answer<'a>(
        content_type: Option<&'a str>,
        redirected: bool,
        body: &'a str,
    ) -> CheckAnswer<'a> {
        CheckAnswer {
            status: 200,
            content_type,
            redirected,
            body,
        }
    }

    fn why(a: CheckAnswer) -> String {
        match scim_list_answer(&a) {
            Ok(()) => panic!("{a:?} passed as SCIM"),
            Err(e) => e.0,
        }
    }

    /// Omni's answer to the check (`GET /groups?count=1&excludedAttributes=members`), as in
    /// docs.omni.co and the sandbox's omni mode.
    const OMNI_LIST: &str = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":8,"startIndex":1,"itemsPerPage":1,"Resources":[{"displayName":"Everyone","id":"mEhXj6ZI","meta":{"created":"2024-12-04T00:08:03.250Z","lastModified":"2024-12-04T00:20:47.346Z","resourceType":"Group"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}]}"#;

    #[test]
    fn omni_and_rfc_lists_pass() {
        for ct in [
            Some("application/json"),
            Some("application/scim+json; charset=utf-8"),
            None,
        ] {
            assert_eq!(scim_list_answer(&answer(ct, false, OMNI_LIST)), Ok(()));
        }
        // RFC 7644 §3.4.2: no groups yet, so no Resources.
        let empty = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0}"#;
        assert_eq!(scim_list_answer(&answer(None, false, empty)), Ok(()));
        // A server that leaves `schemas` out, as the Groups list accepts.
        for body in [r#"{"totalResults":1}"#, r#"{"Resources":[]}"#] {
            assert_eq!(scim_list_answer(&answer(None, false, body)), Ok(()));
        }
        // http → https and the like: a redirect that ends at SCIM is fine.
        assert_eq!(scim_list_answer(&answer(None, true, OMNI_LIST)), Ok(()));
    }

    #[test]
    fn a_web_page_fails_and_says_so() {
        let page = "<!DOCTYPE html><html><head><title>omni-scim-panel</title></head></html>";
        assert!(why(answer(Some("text/html"), false, page))
            .contains("web page (HTML) instead of a SCIM list"));
        // Labelled HTML, whatever the body looks like.
        assert!(
            why(answer(Some("Text/HTML; charset=utf-8"), false, OMNI_LIST))
                .contains("web page (HTML)")
        );
        // After a redirect: a sign-in page, most likely.
        let signin = why(answer(Some("text/html"), true, page));
        assert!(
            signin.contains("redirected to a web page (HTML), such as a sign-in page"),
            "{signin}"
        );
    }

    #[test]
    fn other_answers_fail_with_their_reason() {
        let cases = [
            ("", "empty answer where a list was expected"),
            ("{\"schemas\":[", "cut off before its end"),
            ("nope", "not valid JSON"),
            (
                r#"{"detail":"ok","status":200}"#,
                "JSON, but not a SCIM list",
            ),
            (
                r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"200"}"#,
                "JSON, but not a SCIM list",
            ),
            (
                r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g","displayName":"G"}"#,
                "JSON, but not a SCIM list",
            ),
            (r#"[null, 1, []]"#, "JSON, but not a SCIM list"),
            ("42", "JSON, but not a SCIM list"),
            (r#"{"totalResults":"3"}"#, "wrong type for “totalResults”"),
            (r#"{"Resources":{}}"#, "wrong type for “Resources”"),
        ];
        for (body, expected) in cases {
            let got = why(answer(Some("application/json"), false, body));
            assert!(got.contains(expected), "{body}: {got}");
        }
        let status = CheckAnswer {
            status: 302,
            ..answer(None, false, OMNI_LIST)
        };
        assert!(why(status).contains("not a SCIM list"));
    }

    fn error(kind: ErrorKind) -> ApiError {
        ApiError::without_answer(Operation::Connect, kind)
    }

    #[test]
    fn each_failure_names_its_field() {
        for (kind, field) in [
            (ErrorKind::BadKey, ConnectField::ApiKey),
            (ErrorKind::Forbidden, ConnectField::ApiKey),
            (ErrorKind::NoScimHere, ConnectField::BaseUrl),
            (ErrorKind::BadResponse, ConnectField::BaseUrl),
        ] {
            assert_eq!(ConnectField::of(&error(kind)), Some(field));
        }
        for kind in [
            ErrorKind::ServerError,
            ErrorKind::Offline,
            ErrorKind::RateLimited { wait_seconds: None },
            ErrorKind::Timeout { seconds: 3 },
            ErrorKind::Unreachable { same_origin: false },
            ErrorKind::BlockedByBrowser {
                origin: "https://x".into(),
            },
        ] {
            assert_eq!(ConnectField::of(&error(kind)), None);
        }
    }

    #[test]
    fn a_key_no_scim_server_accepted_is_not_kept() {
        for kind in [
            ErrorKind::BadKey,
            ErrorKind::BadResponse,
            ErrorKind::Offline,
        ] {
            assert!(!keeps_stored_key(&error(kind), true));
        }
        assert!(!keeps_stored_key(&error(ErrorKind::BadKey), false));
        assert!(!keeps_stored_key(&error(ErrorKind::Forbidden), false));
        assert!(keeps_stored_key(&error(ErrorKind::BadResponse), false));
        assert!(keeps_stored_key(&error(ErrorKind::Offline), false));
    }

    fn json_type() -> impl Strategy<Value = Option<&'static str>> {
        prop::sample::select(vec![
            None,
            Some("application/scim+json"),
            Some("application/json; charset=utf-8"),
            Some("text/plain"),
        ])
    }

    proptest! {
        /// A ListResponse passes, whatever it lists, whatever else it carries, and whether or
        /// not `fetch` followed a redirect to it.
        #[test]
        fn a_list_response_always_passes(
            total in any::<u32>(),
            resources in prop::collection::vec(("[a-zA-Z0-9]{1,8}", ".{0,10}", ".{0,10}"), 0..3),
            extra in prop::collection::btree_map("x[a-z]{1,8}", prop_oneof![".{0,10}".prop_map(Value::from), any::<i64>().prop_map(Value::from)], 0..3),
            with_schema in any::<bool>(),
            ct in json_type(),
            redirected in any::<bool>(),
            status in 200u16..300,
        ) {
            let resources: Vec<Value> = resources
                .into_iter()
                .map(|(id, name, meta)| json!({"id": id, "displayName": name, "x": meta}))
                .collect();
            let mut doc = json!({"totalResults": total, "Resources": resources});
            if with_schema {
                doc["schemas"] = json!([LIST_RESPONSE_SCHEMA]);
            }
            for (k, v) in extra {
                doc.as_object_mut().map(|o| o.entry(k).or_insert(v));
            }
            let body = doc.to_string();
            let a = CheckAnswer { status, content_type: ct, redirected, body: &body };
            prop_assert_eq!(scim_list_answer(&a), Ok(()));
        }

        /// HTML never passes: labelled so, or looking like it, redirected or not, any status.
        #[test]
        fn html_never_passes(
            text in ".{0,40}",
            lead in "[ \t\r\n]{0,3}",
            labelled in any::<bool>(),
            redirected in any::<bool>(),
            status in 100u16..600,
        ) {
            let body = if labelled { format!("{lead}{text}") } else { format!("{lead}<{text}") };
            let ct = if labelled { Some("text/html; charset=utf-8") } else { None };
            let a = CheckAnswer { status, content_type: ct, redirected, body: &body };
            prop_assert!(scim_list_answer(&a).is_err());
        }
    }
}
