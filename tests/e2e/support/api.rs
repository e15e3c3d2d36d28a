//! Direct HTTP access to the sandbox's SCIM API, to set tests up and to check what the panel
//! really wrote, independently of what the panel shows.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::Value;

#[derive(Clone, Debug)]
pub struct Member {
    pub value: String,
    pub display: Option<String>,
}

impl Member {
    /// What the panel names this member by: its display, else its ID.
    pub fn label(&self) -> &str {
        self.display.as_deref().unwrap_or(&self.value)
    }
}

#[derive(Clone, Debug)]
pub struct Group {
    pub id: String,
    pub display_name: String,
    pub members: Vec<Member>,
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub user_name: String,
    pub display_name: Option<String>,
}

#[derive(Clone)]
pub struct Api {
    base: String,
    key: String,
}

impl Api {
    pub fn new(base: String, key: String) -> Self {
        Self { base, key }
    }

    async fn get(&self, path_and_query: &str) -> Result<Value> {
        let url = format!("{}{}", self.base, path_and_query);
        let auth = format!("Bearer {}", self.key);
        // ureq blocks; keep it off the async workers.
        tokio::task::spawn_blocking(move || -> Result<Value> {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .proxy(None)
                .timeout_global(Some(Duration::from_secs(10)))
                .http_status_as_error(false)
                .build()
                .into();
            let mut resp = agent
                .get(&url)
                .header("Authorization", &auth)
                .header("Accept", "application/scim+json, application/json")
                .call()
                .with_context(|| format!("GET {url}"))?;
            let status = resp.status();
            let body = resp
                .body_mut()
                .read_to_string()
                .with_context(|| format!("reading the body of GET {url}"))?;
            if !status.is_success() {
                bail!("GET {url} answered {status}: {body}");
            }
            serde_json::from_str(&body)
                .with_context(|| format!("GET {url} answered non-JSON: {body}"))
        })
        .await
        .context("the HTTP worker thread failed")?
    }

    pub async fn group_id_by_name(&self, name: &str) -> Result<String> {
        let filter = format!("displayName eq \"{name}\"");
        let list = self
            .get(&format!("/groups?filter={}", percent_encode(&filter)))
            .await?;
        let found: Vec<&str> = resources(&list)
            .iter()
            .filter(|g| g["displayName"] == name)
            .filter_map(|g| g["id"].as_str())
            .collect();
        match found.as_slice() {
            [id] => Ok((*id).to_owned()),
            _ => bail!("expected exactly one group named {name:?} in the sandbox, found {list}"),
        }
    }

    pub async fn group(&self, id: &str) -> Result<Group> {
        let g = self.get(&format!("/groups/{}", percent_encode(id))).await?;
        parse_group(&g).with_context(|| format!("unexpected group JSON: {g}"))
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let list = self.get("/users?startIndex=1&count=100").await?;
        Ok(resources(&list)
            .iter()
            .filter_map(|u| {
                Some(User {
                    id: u["id"].as_str()?.to_owned(),
                    user_name: u["userName"].as_str().unwrap_or_default().to_owned(),
                    display_name: u["displayName"].as_str().map(str::to_owned),
                })
            })
            .collect())
    }
}

fn resources(list: &Value) -> &[Value] {
    list["Resources"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn parse_group(g: &Value) -> Option<Group> {
    let members = match g.get("members") {
        None | Some(Value::Null) => Vec::new(),
        Some(m) => m
            .as_array()?
            .iter()
            .map(|m| {
                Some(Member {
                    value: m["value"].as_str()?.to_owned(),
                    display: m["display"].as_str().map(str::to_owned),
                })
            })
            .collect::<Option<Vec<_>>>()?,
    };
    Some(Group {
        id: g["id"].as_str()?.to_owned(),
        display_name: g["displayName"].as_str()?.to_owned(),
        members,
    })
}

/// RFC 3986 unreserved characters pass; everything else is %-encoded.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
