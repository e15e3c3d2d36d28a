//! The one SCIM filter form Omni documents: `attribute eq "value"` (RFC 7644 §3.4.2.2).
//! Anything else (other operators, `and`/`or`, unquoted values, trailing text) is rejected so the
//! caller can answer 400 `invalidFilter` instead of silently matching everything.

/// A parsed `attr eq "value"` filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EqFilter {
    /// Attribute path as written (compare case-insensitively: SCIM attribute names are).
    pub attr: String,
    /// The unescaped string value.
    pub value: String,
}

impl EqFilter {
    /// True when the filter names `name`, ignoring ASCII case.
    pub fn is_attr(&self, name: &str) -> bool {
        self.attr.eq_ignore_ascii_case(name)
    }
}

/// Parses `text` (already URL-decoded).
pub fn parse_eq(text: &str) -> Result<EqFilter, String> {
    let mut p = Parser { s: text, i: 0 };
    p.skip_ws();
    let attr = p.attr_path()?;
    if !p.skip_ws() {
        return Err("expected a space after the attribute name".into());
    }
    let op = p.word();
    if op.is_empty() {
        return Err("expected an operator".into());
    }
    if !op.eq_ignore_ascii_case("eq") {
        return Err(format!(
            "unsupported operator '{op}' (only 'eq' is supported)"
        ));
    }
    if !p.skip_ws() {
        return Err("expected a space after the operator".into());
    }
    let value = p.quoted()?;
    p.skip_ws();
    if p.i != p.s.len() {
        return Err(format!(
            "unexpected text after the value: '{}'",
            &p.s[p.i..]
        ));
    }
    Ok(EqFilter {
        attr: attr.to_string(),
        value,
    })
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    /// Skips spaces; reports whether any were skipped.
    fn skip_ws(&mut self) -> bool {
        let start = self.i;
        while self.rest().starts_with([' ', '\t']) {
            self.i += 1;
        }
        self.i > start
    }

    /// `ATTRNAME *("." ATTRNAME)` with ATTRNAME = ALPHA *(ALPHA / DIGIT / "_" / "-"), plus an
    /// optional schema URN prefix ending in ':' (RFC 7644 allows fully qualified names).
    fn attr_path(&mut self) -> Result<&'a str, String> {
        let start = self.i;
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
            .unwrap_or(rest.len());
        let path = &rest[..len];
        // The last ':'-separated part must look like a name.
        let name = path.rsplit(':').next().unwrap_or("");
        let ok = name
            .split('.')
            .all(|part| part.chars().next().is_some_and(|c| c.is_ascii_alphabetic()));
        if path.is_empty() || !ok {
            return Err(format!(
                "expected an attribute name at position {}",
                start + 1
            ));
        }
        self.i += len;
        Ok(path)
    }

    fn word(&mut self) -> &'a str {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        self.i += len;
        &rest[..len]
    }

    /// A JSON string literal (RFC 7644 §3.4.2.2 says values are JSON).
    fn quoted(&mut self) -> Result<String, String> {
        let rest = self.rest();
        if !rest.starts_with('"') {
            return Err("expected a double-quoted value".into());
        }
        let mut escaped = false;
        for (k, c) in rest.char_indices().skip(1) {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                let lit = &rest[..=k];
                let value: String = serde_json::from_str(lit)
                    .map_err(|e| format!("invalid escape in quoted value: {e}"))?;
                self.i += k + 1;
                return Ok(value);
            }
        }
        Err("unterminated quoted value".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> EqFilter {
        parse_eq(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
    }

    #[test]
    fn parses_simple_eq() {
        assert_eq!(
            ok(r#"displayName eq "Blob SEs""#),
            EqFilter {
                attr: "displayName".into(),
                value: "Blob SEs".into()
            }
        );
    }

    #[test]
    fn operator_is_case_insensitive_and_spaces_are_tolerated() {
        let f = ok(r#"  userName   EQ   "a@b.co"  "#);
        assert!(f.is_attr("USERNAME"));
        assert_eq!(f.value, "a@b.co");
    }

    #[test]
    fn unescapes_json_string() {
        assert_eq!(
            ok(r#"displayName eq "say \"hi\" \\ \u00e9""#).value,
            "say \"hi\" \\ é"
        );
        assert_eq!(ok(r#"displayName eq "李 雷 🚀""#).value, "李 雷 🚀");
        assert_eq!(ok(r#"displayName eq """#).value, "");
    }

    #[test]
    fn accepts_urn_qualified_attribute() {
        let f = ok(r#"urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "x""#);
        assert!(f.attr.ends_with(":displayName"));
    }

    #[test]
    fn rejects_what_it_cannot_handle() {
        for bad in [
            "",
            "displayName",
            "displayName eq",
            r#"displayName eq Blob"#,
            r#"displayName eq "unterminated"#,
            r#"displayName co "x""#,
            r#"displayName eq "x" and id eq "y""#,
            r#"displayName eq "x" trailing"#,
            r#"displayNameeq "x""#,
            r#"displayName eq"x""#,
            r#""x" eq displayName"#,
            r#"9abc eq "x""#,
            r#"displayName eq "bad \q escape""#,
        ] {
            assert!(parse_eq(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
