//! What the admin typed into "SCIM base URL", turned into a base every endpoint hangs off.

use std::fmt;

/// A validated SCIM base URL, without a trailing slash: `https://x.omniapp.co/api/scim/v2`,
/// `http://127.0.0.1:8787/api/scim/v2` or a same-origin path such as `/api/scim/v2`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScimBase(String);

/// Why a base URL was refused; `Display` is the message shown beside the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseUrlError {
    Empty,
    /// `http://` to a host other than loopback would send the key in clear text.
    InsecureHttp,
    UnsupportedScheme,
    /// `user:pass@host` would leak credentials into logs and is never what an admin means.
    Credentials,
    /// A query or fragment would be glued in front of every endpoint path.
    QueryOrFragment,
    MissingHost,
    InvalidHost,
    Whitespace,
    Backslash,
    NotUnderstood,
}

impl fmt::Display for BaseUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::Empty => "Enter an Omni instance name, an https:// URL or a path such as /api/scim/v2.",
            Self::InsecureHttp => {
                "Plain http:// is allowed only for this computer (localhost, 127.0.0.1, [::1]); use https://."
            }
            Self::UnsupportedScheme => "Only https:// URLs (or http:// to localhost) are supported.",
            Self::Credentials => "Remove the user name or password from the URL; the API key goes in its own field.",
            Self::QueryOrFragment => "Remove the ? or # part; the base URL is only scheme, host and path.",
            Self::MissingHost => "The URL has no host name.",
            Self::InvalidHost => "The host name contains characters a host name cannot have.",
            Self::Whitespace => "The URL cannot contain spaces.",
            Self::Backslash => "The URL cannot contain a backslash (\\); use / between path parts.",
            Self::NotUnderstood => {
                "Not understood: enter an instance name like blobsrus, a URL like https://blobsrus.omniapp.co/api/scim/v2, or a path like /api/scim/v2."
            }
        };
        f.write_str(text)
    }
}

impl ScimBase {
    /// The Omni path every instance serves SCIM under.
    pub const OMNI_PATH: &'static str = "/api/scim/v2";

    /// Interprets what the admin typed. Surrounding whitespace is forgiven; inner whitespace is not.
    pub fn parse(input: &str) -> Result<Self, BaseUrlError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(BaseUrlError::Empty);
        }
        if input.chars().any(char::is_whitespace) {
            return Err(BaseUrlError::Whitespace);
        }
        if input.contains('?') || input.contains('#') {
            return Err(BaseUrlError::QueryOrFragment);
        }
        // Browsers read "\" as "/", so "/\evil.example" would be "//evil.example": another host.
        if input.contains('\\') {
            return Err(BaseUrlError::Backslash);
        }
        if let Some(path) = input.strip_prefix('/') {
            // "//host" is a scheme-relative URL, which would silently pick the page's scheme;
            // "/" alone would make every endpoint "//groups…", the same thing.
            if path.starts_with('/') || path.is_empty() {
                return Err(BaseUrlError::NotUnderstood);
            }
            return Ok(Self(trim_trailing_slashes(input).to_string()));
        }
        if let Some((scheme, rest)) = input.split_once("://") {
            return Self::parse_absolute(scheme, rest);
        }
        if is_instance_name(input) {
            let name = input.to_ascii_lowercase();
            return Ok(Self(format!(
                "https://{name}.omniapp.co{}",
                Self::OMNI_PATH
            )));
        }
        Err(BaseUrlError::NotUnderstood)
    }

    fn parse_absolute(scheme: &str, rest: &str) -> Result<Self, BaseUrlError> {
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(BaseUrlError::UnsupportedScheme);
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(BaseUrlError::Credentials);
        }
        if authority.is_empty() {
            return Err(BaseUrlError::MissingHost);
        }
        let host = host_of(authority).ok_or(BaseUrlError::InvalidHost)?;
        if scheme == "http" && !is_loopback(&host) {
            return Err(BaseUrlError::InsecureHttp);
        }
        let authority = authority.to_ascii_lowercase();
        let path = trim_trailing_slashes(path);
        Ok(Self(format!("{scheme}://{authority}{path}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when requests go to the page's own origin (a path), so no CORS is involved.
    pub fn is_same_origin_path(&self) -> bool {
        self.0.starts_with('/')
    }

    /// What the top bar calls the server ("Connected to blobsrus"): an Omni instance's name,
    /// else `host[:port]`. A same-origin path is the page's own server, named from
    /// `page_origin` (`http://127.0.0.1:8787`).
    pub fn short_name(&self, page_origin: &str) -> String {
        let url = if self.is_same_origin_path() {
            page_origin
        } else {
            &self.0
        };
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        let authority = rest.split('/').next().unwrap_or_default();
        match authority.strip_suffix(".omniapp.co") {
            Some(instance) if is_instance_name(instance) => instance.to_string(),
            _ if authority.is_empty() => self.0.clone(),
            _ => authority.to_string(),
        }
    }
}

impl fmt::Display for ScimBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Endpoints are glued on as `{base}/groups`, so the base never ends in a slash (a bare "/"
/// is refused before this).
fn trim_trailing_slashes(s: &str) -> &str {
    s.trim_end_matches('/')
}

/// An Omni instance name is one DNS label: letters, digits and inner hyphens.
fn is_instance_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Host part of `host[:port]` or `[v6][:port]`, lowercased; `None` when malformed.
fn host_of(authority: &str) -> Option<String> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let end = rest.find(']')?;
        let host = &rest[..end];
        if host.is_empty()
            || !host
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return None;
        }
        (format!("[{host}]"), &rest[end + 1..])
    } else {
        match authority.rsplit_once(':') {
            Some((h, _)) => (h.to_string(), &authority[h.len()..]),
            None => (authority.to_string(), ""),
        }
    };
    if !port.is_empty() {
        let digits = port.strip_prefix(':')?;
        if digits.is_empty() || digits.len() > 5 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    if !host.starts_with('[') {
        let ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            && !host.starts_with('.')
            && !host.contains("..");
        if !ok {
            return None;
        }
    }
    Some(host.to_ascii_lowercase())
}

fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host.ends_with(".localhost") || host == "[::1]" {
        return true;
    }
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts[0] == "127"
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.parse::<u8>().is_ok())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn ok(input: &str) -> String {
        match ScimBase::parse(input) {
            Ok(base) => base.to_string(),
            Err(e) => panic!("{input:?} refused: {e}"),
        }
    }

    #[test]
    fn instance_name_expands_to_omni_url() {
        assert_eq!(ok("blobsrus"), "https://blobsrus.omniapp.co/api/scim/v2");
        assert_eq!(
            ok("  BlobsRUs \n"),
            "https://blobsrus.omniapp.co/api/scim/v2"
        );
        assert_eq!(
            ok("blobs-r-us"),
            "https://blobs-r-us.omniapp.co/api/scim/v2"
        );
    }

    #[test]
    fn full_urls_keep_their_path_without_trailing_slash() {
        assert_eq!(
            ok("https://blobsrus.omniapp.co/api/scim/v2/"),
            "https://blobsrus.omniapp.co/api/scim/v2"
        );
        assert_eq!(ok("HTTPS://Example.COM/scim"), "https://example.com/scim");
        assert_eq!(ok("https://example.com"), "https://example.com");
        assert_eq!(ok("https://example.com/"), "https://example.com");
        assert_eq!(
            ok("https://example.com:8443/v2"),
            "https://example.com:8443/v2"
        );
    }

    #[test]
    fn same_origin_paths_are_accepted() {
        assert_eq!(ok("/api/scim/v2"), "/api/scim/v2");
        assert_eq!(ok("/api/scim/v2//"), "/api/scim/v2");
        assert!(ScimBase::parse("/api/scim/v2").is_ok_and(|b| b.is_same_origin_path()));
        // Each of these would send the key to another host: "//x" and "/\x" are
        // scheme-relative, and "/" would make every endpoint "//groups…".
        assert_eq!(
            ScimBase::parse("//evil.example/api"),
            Err(BaseUrlError::NotUnderstood)
        );
        assert_eq!(ScimBase::parse("/"), Err(BaseUrlError::NotUnderstood));
        assert_eq!(ScimBase::parse("///"), Err(BaseUrlError::NotUnderstood));
        assert_eq!(
            ScimBase::parse("/\\evil.example/api"),
            Err(BaseUrlError::Backslash)
        );
        assert_eq!(
            ScimBase::parse("https://example.com/a\\b"),
            Err(BaseUrlError::Backslash)
        );
    }

    #[test]
    fn short_names_for_the_top_bar() {
        let name = |input: &str, origin: &str| match ScimBase::parse(input) {
            Ok(base) => base.short_name(origin),
            Err(e) => panic!("{input:?} refused: {e}"),
        };
        let page = "https://admin.example.com";
        assert_eq!(name("blobsrus", page), "blobsrus");
        assert_eq!(
            name("https://Blobs-R-Us.omniapp.co/api/scim/v2", page),
            "blobs-r-us"
        );
        assert_eq!(
            name("https://example.com:8443/v2", page),
            "example.com:8443"
        );
        assert_eq!(name("https://scim.example.com", page), "scim.example.com");
        // Not an instance: a deeper name under omniapp.co is shown whole.
        assert_eq!(
            name("https://a.b.omniapp.co/api/scim/v2", page),
            "a.b.omniapp.co"
        );
        assert_eq!(name("http://[::1]:8080/scim", page), "[::1]:8080");
        // A same-origin path is the page's own server.
        assert_eq!(
            name("/api/scim/v2", "http://127.0.0.1:8787"),
            "127.0.0.1:8787"
        );
        assert_eq!(
            name("/api/scim/v2", "https://blobsrus.omniapp.co"),
            "blobsrus"
        );
        // No origin known (tests, odd pages): the path itself.
        assert_eq!(name("/api/scim/v2", ""), "/api/scim/v2");
    }

    #[test]
    fn http_only_for_loopback() {
        assert_eq!(
            ok("http://127.0.0.1:8787/api/scim/v2"),
            "http://127.0.0.1:8787/api/scim/v2"
        );
        assert_eq!(
            ok("http://localhost:3000/scim"),
            "http://localhost:3000/scim"
        );
        assert_eq!(ok("http://[::1]:8080/scim"), "http://[::1]:8080/scim");
        assert_eq!(ok("http://127.1.2.3/scim"), "http://127.1.2.3/scim");
        for bad in [
            "http://blobsrus.omniapp.co/api/scim/v2",
            "http://10.0.0.1/scim",
            "http://127.0.0.1.evil.com/scim",
            "http://localhost.evil.com/",
        ] {
            assert_eq!(
                ScimBase::parse(bad),
                Err(BaseUrlError::InsecureHttp),
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_what_would_leak_or_mislead() {
        assert_eq!(ScimBase::parse(""), Err(BaseUrlError::Empty));
        assert_eq!(ScimBase::parse("   "), Err(BaseUrlError::Empty));
        assert_eq!(
            ScimBase::parse("https://user:pw@example.com/scim"),
            Err(BaseUrlError::Credentials)
        );
        assert_eq!(
            ScimBase::parse("https://example.com/scim?x=1"),
            Err(BaseUrlError::QueryOrFragment)
        );
        assert_eq!(
            ScimBase::parse("ftp://example.com"),
            Err(BaseUrlError::UnsupportedScheme)
        );
        assert_eq!(
            ScimBase::parse("javascript://x"),
            Err(BaseUrlError::UnsupportedScheme)
        );
        assert_eq!(
            ScimBase::parse("https:///scim"),
            Err(BaseUrlError::MissingHost)
        );
        assert_eq!(
            ScimBase::parse("https://exa mple.com"),
            Err(BaseUrlError::Whitespace)
        );
        assert_eq!(
            ScimBase::parse("https://ex_ample.com"),
            Err(BaseUrlError::InvalidHost)
        );
        assert_eq!(
            ScimBase::parse("https://example.com:99999999"),
            Err(BaseUrlError::InvalidHost)
        );
        assert_eq!(
            ScimBase::parse("blobs.rus"),
            Err(BaseUrlError::NotUnderstood)
        );
        assert_eq!(ScimBase::parse("-blobs"), Err(BaseUrlError::NotUnderstood));
    }
}
