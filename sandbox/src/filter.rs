//! A small subset of RFC 7644 §3.4.2.2 filters: `attr OP "value"` with OP one of `eq`, `sw`,
//! `co`, joined by `and` / `or` (no parentheses, no `not`, no `[...]` value paths). Anything else
//! is rejected so the caller can answer 400 `invalidFilter` instead of silently matching
//! everything.
//!
//! Without parentheses `and` binding tighter than `or` makes every filter an OR of ANDs, so the
//! parsed form is just that: a list of alternatives, each a list of terms.

/// Comparison operators understood (all others are refused at parse time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Sw,
    Co,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Sw => "sw",
            Op::Co => "co",
        }
    }
}

/// One `attr OP "value"` comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Attribute path as written (compare case-insensitively: SCIM attribute names are).
    pub attr: String,
    pub op: Op,
    /// The unescaped string value.
    pub value: String,
}

impl Term {
    /// The attribute without a schema URN prefix (`urn:...:User:userName` → `userName`).
    pub fn bare_attr(&self) -> &str {
        self.attr.rsplit(':').next().unwrap_or(&self.attr)
    }

    /// True when the (bare) attribute is `name`, ignoring ASCII case.
    pub fn is_attr(&self, name: &str) -> bool {
        self.bare_attr().eq_ignore_ascii_case(name)
    }

    /// Compares `actual` with the value; `case_exact` as the attribute's schema says (RFC 7643:
    /// `id` is case-exact, names and emails are not).
    pub fn matches(&self, actual: &str, case_exact: bool) -> bool {
        let (a, v) = if case_exact {
            (actual.to_string(), self.value.clone())
        } else {
            (actual.to_lowercase(), self.value.to_lowercase())
        };
        match self.op {
            Op::Eq => a == v,
            Op::Sw => a.starts_with(&v),
            Op::Co => a.contains(&v),
        }
    }
}

/// `any_of[i]` are alternatives (`or`); each is a conjunction (`and`) of terms. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub any_of: Vec<Vec<Term>>,
}

impl Filter {
    pub fn terms(&self) -> impl Iterator<Item = &Term> {
        self.any_of.iter().flatten()
    }

    /// The one term, if the filter is a single comparison.
    pub fn single(&self) -> Option<&Term> {
        match self.any_of.as_slice() {
            [only] => match only.as_slice() {
                [t] => Some(t),
                _ => None,
            },
            _ => None,
        }
    }

    /// Evaluates with `test` deciding each term.
    pub fn eval(&self, mut test: impl FnMut(&Term) -> bool) -> bool {
        self.any_of.iter().any(|all| all.iter().all(&mut test))
    }
}

/// Parses `text` (already URL-decoded).
pub fn parse(text: &str) -> Result<Filter, String> {
    let mut p = Parser { s: text, i: 0 };
    let mut any_of = vec![Vec::new()];
    p.skip_ws();
    loop {
        let term = p.term()?;
        // `any_of` starts non-empty and only grows.
        if let Some(all) = any_of.last_mut() {
            all.push(term);
        }
        let spaced = p.skip_ws();
        if p.at_end() {
            break;
        }
        if !spaced {
            return Err(format!("expected a space at position {}", p.i + 1));
        }
        let at = p.i;
        let word = p.word();
        if word.eq_ignore_ascii_case("and") {
        } else if word.eq_ignore_ascii_case("or") {
            any_of.push(Vec::new());
        } else {
            return Err(format!(
                "expected 'and' or 'or' at position {}, found '{}'",
                at + 1,
                &p.s[at..]
            ));
        }
        if !p.skip_ws() {
            return Err(format!("expected a space after '{word}'"));
        }
    }
    Ok(Filter { any_of })
}

/// The single `attr eq "value"` form Omni documents (also PATCH paths `members[value eq "…"]`).
pub fn parse_eq(text: &str) -> Result<Term, String> {
    let f = parse(text)?;
    let t = f
        .single()
        .ok_or("only a single comparison is supported ('and'/'or' are not)")?;
    if t.op != Op::Eq {
        return Err(format!(
            "unsupported operator '{}' (only 'eq' is supported)",
            t.op.name()
        ));
    }
    Ok(t.clone())
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    fn at_end(&self) -> bool {
        self.i == self.s.len()
    }

    /// Skips spaces; reports whether any were skipped.
    fn skip_ws(&mut self) -> bool {
        let start = self.i;
        while self.rest().starts_with([' ', '\t']) {
            self.i += 1;
        }
        self.i > start
    }

    /// `attrPath SP compareOp SP compValue`.
    fn term(&mut self) -> Result<Term, String> {
        if self.rest().starts_with(['(', ')']) {
            return Err("parentheses are not supported".into());
        }
        let attr = self.attr_path()?;
        if self.rest().starts_with('[') {
            return Err("value paths ('[...]') are not supported".into());
        }
        if !self.skip_ws() {
            return Err("expected a space after the attribute name".into());
        }
        let op = self.word();
        let op = match op.to_ascii_lowercase().as_str() {
            "eq" => Op::Eq,
            "sw" => Op::Sw,
            "co" => Op::Co,
            "" => return Err("expected an operator".into()),
            _ => {
                return Err(format!(
                    "unsupported operator '{op}' (supported: eq, sw, co)"
                ))
            }
        };
        if !self.skip_ws() {
            return Err("expected a space after the operator".into());
        }
        let value = self.quoted()?;
        Ok(Term {
            attr: attr.to_string(),
            op,
            value,
        })
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

    /// A JSON string literal (RFC 7644 §3.4.2.2 says values are JSON), so `\"` is a quote.
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

    fn ok(s: &str) -> Filter {
        parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
    }

    fn t(attr: &str, op: Op, value: &str) -> Term {
        Term {
            attr: attr.into(),
            op,
            value: value.into(),
        }
    }

    #[test]
    fn parses_each_operator() {
        for (text, op) in [
            (r#"userName eq "a@b.co""#, Op::Eq),
            (r#"userName sw "a@""#, Op::Sw),
            (r#"userName co "@b.""#, Op::Co),
            (r#"userName EQ "a""#, Op::Eq),
            (r#"userName Sw "a""#, Op::Sw),
            (r#"userName cO "a""#, Op::Co),
        ] {
            let f = ok(text);
            assert_eq!(f.single().map(|t| t.op), Some(op), "{text}");
        }
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let f = ok(r#"a eq "1" and b sw "2" or c co "3" AND d eq "4" Or e eq "5""#);
        assert_eq!(
            f.any_of,
            [
                vec![t("a", Op::Eq, "1"), t("b", Op::Sw, "2")],
                vec![t("c", Op::Co, "3"), t("d", Op::Eq, "4")],
                vec![t("e", Op::Eq, "5")],
            ]
        );
        assert_eq!(f.terms().count(), 5);
        assert!(f.single().is_none());
        // Evaluation: true when any conjunction is wholly true.
        let truth = |names: &[&str]| {
            let names = names.to_vec();
            f.eval(move |t| names.contains(&t.attr.as_str()))
        };
        assert!(truth(&["a", "b"]));
        assert!(truth(&["e"]));
        assert!(!truth(&["a", "c"]));
        assert!(!truth(&[]));
    }

    #[test]
    fn spaces_are_tolerated() {
        let f = ok("  userName   eq   \"x\"   or\tdisplayName co \"y\"  ");
        assert_eq!(f.any_of.len(), 2);
    }

    #[test]
    fn quoted_values_are_json_strings() {
        let v = |s: &str| ok(s).single().map(|t| t.value.clone()).unwrap_or_default();
        assert_eq!(
            v(r#"displayName eq "say \"hi\" \\ \u00e9""#),
            "say \"hi\" \\ é"
        );
        // An escaped quote does not end the value, nor do 'and'/'or' inside it.
        assert_eq!(v(r#"displayName co "a \" or b eq \"""#), "a \" or b eq \"");
        assert_eq!(v(r#"displayName eq "李 雷 🚀""#), "李 雷 🚀");
        assert_eq!(v(r#"displayName eq """#), "");
        let f = ok(r#"displayName eq "x\"" and userName eq "y""#);
        assert_eq!(f.any_of[0][0].value, "x\"");
        assert_eq!(f.any_of[0][1].value, "y");
    }

    #[test]
    fn matching_is_case_insensitive_unless_case_exact() {
        let m = |op, v: &str, actual: &str, exact| t("x", op, v).matches(actual, exact);
        assert!(m(Op::Eq, "ZOE@B.CO", "zoe@b.co", false));
        assert!(!m(Op::Eq, "ZOE@B.CO", "zoe@b.co", true));
        assert!(m(Op::Sw, "zoë", "Zoë Müller", false));
        assert!(!m(Op::Sw, "Müller", "Zoë Müller", false));
        assert!(m(Op::Co, "MÜLL", "Zoë Müller", false));
        assert!(!m(Op::Co, "MÜLL", "Zoë Müller", true));
        assert!(m(Op::Co, "", "anything", false));
        assert!(!m(Op::Eq, "zoe", "zoe.muller", false));
    }

    #[test]
    fn attribute_names() {
        let f = ok(r#"urn:ietf:params:scim:schemas:core:2.0:User:name.givenName sw "z""#);
        let term = f.single().cloned().unwrap_or_else(|| t("", Op::Eq, ""));
        assert_eq!(term.bare_attr(), "name.givenName");
        assert!(term.is_attr("NAME.GIVENNAME"));
        assert!(ok(r#"emails.value co "x""#)
            .terms()
            .all(|t| t.is_attr("emails.value")));
    }

    #[test]
    fn parse_eq_is_the_omni_subset() {
        let term = parse_eq(r#"  userName   EQ   "a@b.co"  "#).unwrap();
        assert!(term.is_attr("USERNAME"));
        assert_eq!(term.value, "a@b.co");
        for bad in [
            r#"displayName co "x""#,
            r#"displayName sw "x""#,
            r#"displayName eq "x" and id eq "y""#,
            r#"displayName eq "x" or id eq "y""#,
        ] {
            assert!(parse_eq(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(parse_eq(r#"a co "x""#).unwrap_err().contains("only 'eq'"));
    }

    #[test]
    fn rejects_what_it_cannot_handle() {
        for bad in [
            "",
            "   ",
            "displayName",
            "displayName eq",
            "displayName eq Blob",
            r#"displayName eq "unterminated"#,
            r#"displayName eq "x\""#,
            r#"displayName ew "x""#,
            r#"displayName ne "x""#,
            "displayName pr",
            r#"displayName gt "x""#,
            r#"not (displayName eq "x")"#,
            r#"(displayName eq "x")"#,
            r#"emails[value co "x"]"#,
            r#"displayName eq "x" trailing"#,
            r#"displayName eq "x" and"#,
            r#"displayName eq "x" or "#,
            r#"displayName eq "x" and or id eq "y""#,
            r#"displayName eq "x"and id eq "y""#,
            r#"displayName eq "x" andid eq "y""#,
            r#"displayName eq "x" xor id eq "y""#,
            r#"displayNameeq "x""#,
            r#"displayName eq"x""#,
            r#""x" eq displayName"#,
            r#"9abc eq "x""#,
            r#"displayName eq "bad \q escape""#,
            r#"displayName eq 'single'"#,
            "displayName eq true",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(parse(r#"a ew "x""#)
            .unwrap_err()
            .contains("unsupported operator 'ew'"));
        assert!(parse(r#"(a eq "x")"#).unwrap_err().contains("parentheses"));
    }
}
