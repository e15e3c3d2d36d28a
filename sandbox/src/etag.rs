//! Group versions as weak entity tags, and `If-Match` (RFC 7644 §3.14, RFC 7232 §3.1), used in
//! rfc7644 mode only.

use axum::http::{header, HeaderMap};

/// The entity tag of a group version: `W/"7"`. Weak, as RFC 7644's examples are: it stands for
/// the resource's state, not for the exact bytes of one rendering.
pub fn etag(version: u64) -> String {
    format!("W/\"{version}\"")
}

/// What an `If-Match` header asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: any current version.
    Any,
    /// One of these entity tags, compared exactly as written (a client must send back
    /// `meta.version` unchanged, `W/` included; RFC 7644 §3.14 shows it that way).
    Tags(Vec<String>),
}

impl IfMatch {
    /// All `If-Match` headers of a request taken together; `None` when there is none.
    pub fn from_headers(headers: &HeaderMap) -> Option<IfMatch> {
        let values: Vec<&str> = headers
            .get_all(header::IF_MATCH)
            .iter()
            // A value that is not text cannot name one of our tags: it matches nothing.
            .map(|v| v.to_str().unwrap_or(""))
            .collect();
        (!values.is_empty()).then(|| Self::parse(&values))
    }

    /// Parses header values: `*`, or a comma-separated list of `"x"` / `W/"x"`. Whatever does
    /// not parse is kept as a tag that matches nothing, so a garbled header gets 412 rather than
    /// being ignored.
    pub fn parse(values: &[&str]) -> IfMatch {
        let mut tags = Vec::new();
        for value in values {
            let mut rest = *value;
            loop {
                rest = rest.trim_start_matches(SEP);
                if rest.is_empty() {
                    break;
                }
                let (tag, after) = split_tag(rest);
                if tag == "*" {
                    return IfMatch::Any;
                }
                tags.push(tag.to_string());
                rest = after;
            }
        }
        IfMatch::Tags(tags)
    }

    pub fn matches(&self, version: u64) -> bool {
        match self {
            IfMatch::Any => true,
            IfMatch::Tags(tags) => {
                let current = etag(version);
                tags.contains(&current)
            }
        }
    }
}

const SEP: [char; 3] = [' ', '\t', ','];

/// Splits off the first list member: a `"…"` or `W/"…"` entity tag (which may hold commas but
/// not '"', RFC 7232 §2.3), else everything up to the next separator.
fn split_tag(s: &str) -> (&str, &str) {
    let open = if s.starts_with("W/\"") {
        Some(3)
    } else if s.starts_with('"') {
        Some(1)
    } else {
        None
    };
    let len = match open.and_then(|o| s[o..].find('"').map(|k| o + k + 1)) {
        Some(len) => len,
        None => s.find(SEP).unwrap_or(s.len()),
    };
    s.split_at(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn tags(v: &[&str]) -> Vec<String> {
        match IfMatch::parse(v) {
            IfMatch::Tags(t) => t,
            IfMatch::Any => vec!["*".into()],
        }
    }

    #[test]
    fn format_is_weak_and_quoted() {
        assert_eq!(etag(7), r#"W/"7""#);
    }

    #[test]
    fn parses_star_lists_and_garbage() {
        assert_eq!(IfMatch::parse(&["*"]), IfMatch::Any);
        assert_eq!(IfMatch::parse(&[" * "]), IfMatch::Any);
        assert_eq!(tags(&[r#"W/"7""#]), [r#"W/"7""#]);
        assert_eq!(
            tags(&[r#"W/"7", "8" ,W/"a,b""#, r#"W/"9""#]),
            [r#"W/"7""#, r#""8""#, r#"W/"a,b""#, r#"W/"9""#]
        );
        assert_eq!(tags(&["7"]), ["7"]);
        assert_eq!(tags(&[r#"W/"7"#]), [r#"W/"7"#]);
        assert_eq!(tags(&[""]), Vec::<String>::new());
        assert_eq!(tags(&["*x"]), ["*x"]);
        assert_eq!(tags(&[r#"W/"7"junk, "8""#]), [r#"W/"7""#, "junk", r#""8""#]);
    }

    #[test]
    fn matches_exactly() {
        let m = |v: &str, version| IfMatch::parse(&[v]).matches(version);
        assert!(m(r#"W/"7""#, 7));
        assert!(m(r#"W/"6", W/"7""#, 7));
        assert!(m("*", 7));
        assert!(!m(r#"W/"7""#, 8));
        assert!(!m(r#""7""#, 7), "the weak prefix is part of the tag");
        assert!(!m("7", 7));
        assert!(!m(r#"w/"7""#, 7));
        assert!(!m("", 7));
    }

    #[test]
    fn reads_every_header() {
        let mut h = HeaderMap::new();
        assert_eq!(IfMatch::from_headers(&h), None);
        h.append(header::IF_MATCH, HeaderValue::from_static(r#"W/"1""#));
        h.append(header::IF_MATCH, HeaderValue::from_static(r#"W/"2""#));
        let c = IfMatch::from_headers(&h).unwrap();
        assert!(c.matches(1) && c.matches(2) && !c.matches(3));
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_MATCH,
            HeaderValue::from_bytes(b"W/\"1\xff\"").unwrap(),
        );
        assert!(!IfMatch::from_headers(&h).unwrap().matches(1));
    }
}
