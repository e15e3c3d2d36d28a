//! Finding elements the way a user (or a screen reader) does: by role and accessible name, as
//! Chromium itself computes them, through WebDriver's "Get Computed Role" and "Get Computed
//! Label" endpoints. A test that passes here proves the controls are labelled, not just present.

use anyhow::{Context, Result};
use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, Locator};
use http::Method;
use serde_json::Value;
use url::{ParseError, Url};

#[derive(Debug, Clone, Copy)]
enum Computed {
    Role,
    Label,
}

/// `GET /session/{sid}/element/{eid}/computedrole` or `.../computedlabel` (W3C WebDriver).
#[derive(Debug)]
struct GetComputed {
    element: String,
    what: Computed,
}

impl WebDriverCompatibleCommand for GetComputed {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, ParseError> {
        let what = match self.what {
            Computed::Role => "computedrole",
            Computed::Label => "computedlabel",
        };
        // Without a session there is no element to ask about; an invalid URL fails the command.
        let sid = session_id.ok_or(ParseError::EmptyHost)?;
        base_url.join(&format!("session/{sid}/element/{}/{what}", self.element))
    }

    fn method_and_body(&self, _request_url: &Url) -> (Method, Option<String>) {
        (Method::GET, None)
    }
}

async fn computed(client: &Client, el: &Element, what: Computed) -> Result<String> {
    let v = client
        .issue_cmd(GetComputed {
            element: el.element_id().to_string(),
            what,
        })
        .await
        .with_context(|| format!("WebDriver {what:?} of an element"))?;
    Ok(match v {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

pub async fn role(client: &Client, el: &Element) -> Result<String> {
    computed(client, el, Computed::Role).await
}

/// The accessible name, whitespace collapsed.
pub async fn name(client: &Client, el: &Element) -> Result<String> {
    Ok(normalize(&computed(client, el, Computed::Label).await?))
}

/// Whitespace collapsed, and the isolate marks the panel puts around names quoted in sentences
/// (U+2066–U+2069) left out: they are invisible and not read out.
pub fn normalize(s: &str) -> String {
    let shown: String = s
        .chars()
        .filter(|c| !('\u{2066}'..='\u{2069}').contains(c))
        .collect();
    shown.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One element with what the accessibility tree says of it.
#[derive(Clone, Debug)]
pub struct Node {
    pub el: Element,
    pub role: String,
    pub name: String,
}

/// All displayed elements matching `css` (a coarse pre-filter; roles decide) with their
/// computed role and name. Elements that vanish mid-query are skipped.
pub async fn nodes(client: &Client, css: &str) -> Result<Vec<Node>> {
    let mut out = Vec::new();
    for el in client.find_all(Locator::Css(css)).await? {
        if !el.is_displayed().await.unwrap_or(false) {
            continue;
        }
        let (Ok(role), Ok(name)) = (role(client, &el).await, name(client, &el).await) else {
            continue;
        };
        out.push(Node { el, role, name });
    }
    Ok(out)
}

/// Like [`nodes`], but within `parent`.
pub async fn nodes_within(
    client: &Client,
    parent: &Element,
    locator: Locator<'_>,
) -> Result<Vec<Node>> {
    let mut out = Vec::new();
    for el in parent.find_all(locator).await? {
        let (Ok(role), Ok(name)) = (role(client, &el).await, name(client, &el).await) else {
            continue;
        };
        out.push(Node { el, role, name });
    }
    Ok(out)
}

pub fn describe(nodes: &[Node]) -> String {
    if nodes.is_empty() {
        return "none".to_owned();
    }
    nodes
        .iter()
        .map(|n| {
            format!(
                "[{} {:?}]",
                if n.role.is_empty() {
                    "(no role)"
                } else {
                    &n.role
                },
                n.name
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
