//! Direct HTTP access to the sandbox's SCIM API, to set tests up and to check what the panel
//! really wrote, independently of what the panel shows.

use std::collections::BTreeMap;
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

    /// Sends `method` to `path` (below the API base) with the key, as another client of the
    /// server would: `(status, body)`, any status being an answer.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, String)> {
        let url = format!("{}{path}", self.base);
        let auth = format!("Bearer {}", self.key);
        http(method, &url, Some(&auth), body.map(|b| b.to_string())).await
    }

    async fn get(&self, path_and_query: &str) -> Result<Value> {
        let (status, body) = self.send("GET", path_and_query, None).await?;
        let url = format!("{}{path_and_query}", self.base);
        if !(200..300).contains(&status) {
            bail!("GET {url} answered {status}: {body}");
        }
        serde_json::from_str(&body).with_context(|| format!("GET {url} answered non-JSON: {body}"))
    }

    /// The group as the server sends it, `meta` included.
    pub async fn group_json(&self, id: &str) -> Result<Value> {
        self.get(&format!("/groups/{}", percent_encode(id))).await
    }

    /// Every group, in the server's order, listed a page of 100 at a time.
    pub async fn all_groups(&self) -> Result<Vec<Group>> {
        let mut out = Vec::new();
        let mut start = 1;
        loop {
            let list = self
                .get(&format!("/groups?startIndex={start}&count=100"))
                .await?;
            let page = resources(&list);
            for g in page {
                out.push(parse_group(g).with_context(|| format!("unexpected group JSON: {g}"))?);
            }
            let total = list["totalResults"].as_u64().unwrap_or(0) as usize;
            if page.is_empty() || out.len() >= total {
                return Ok(out);
            }
            start += page.len();
        }
    }

    /// Every user, listed a page of 100 at a time.
    pub async fn all_users(&self) -> Result<Vec<User>> {
        let mut out = Vec::new();
        let mut start = 1;
        loop {
            let list = self
                .get(&format!("/users?startIndex={start}&count=100"))
                .await?;
            let page = resources(&list);
            out.extend(page.iter().filter_map(parse_user));
            let total = list["totalResults"].as_u64().unwrap_or(0) as usize;
            if page.is_empty() || out.len() >= total {
                return Ok(out);
            }
            start += page.len();
        }
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

    /// Creates a group without members (`POST /groups`) and returns its id: for names no seed
    /// has, such as hostile ones.
    pub async fn create_group(&self, display_name: &str) -> Result<String> {
        let body = serde_json::json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": display_name,
            "members": [],
        });
        let (status, text) = self.send("POST", "/groups", Some(body)).await?;
        let url = format!("{}/groups", self.base);
        if !(200..300).contains(&status) {
            bail!("POST {url} answered {status}: {text}");
        }
        let created: Value = serde_json::from_str(&text)
            .with_context(|| format!("POST {url} answered non-JSON: {text}"))?;
        created["id"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("POST {url} answered without an id: {text}"))
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let list = self.get("/users?startIndex=1&count=100").await?;
        Ok(resources(&list).iter().filter_map(parse_user).collect())
    }
}

fn parse_user(u: &Value) -> Option<User> {
    Some(User {
        id: u["id"].as_str()?.to_owned(),
        user_name: u["userName"].as_str().unwrap_or_default().to_owned(),
        display_name: u["displayName"].as_str().map(str::to_owned),
    })
}

/// One API request as the sandbox logged it (`GET /__sandbox/requests`).
#[derive(Clone, Debug)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub if_match: Option<String>,
    pub status: u16,
}

impl std::fmt::Display for LoggedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(q) = &self.query {
            write!(f, "?{q}")?;
        }
        if let Some(m) = &self.if_match {
            write!(f, " [If-Match: {m}]")?;
        }
        write!(f, " → {}", self.status)
    }
}

/// Describes a request log for a failure message.
pub fn requests_text(log: &[LoggedRequest]) -> String {
    if log.is_empty() {
        return "(no requests)".to_owned();
    }
    log.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The sandbox's control endpoints (loopback, no key): its request log, faults and reset.
#[derive(Clone)]
pub struct Control {
    origin: String,
}

impl Control {
    pub fn new(origin: String) -> Self {
        Self { origin }
    }

    async fn call(&self, method: &str, path: &str, body: Option<String>) -> Result<String> {
        let url = format!("{}{path}", self.origin);
        let (status, text) = http(method, &url, None, body).await?;
        if !(200..300).contains(&status) {
            bail!("{method} {url} answered {status}: {text}");
        }
        Ok(text)
    }

    /// The API requests logged so far, oldest first.
    pub async fn requests(&self) -> Result<Vec<LoggedRequest>> {
        let text = self.call("GET", "/__sandbox/requests", None).await?;
        let v: Value = serde_json::from_str(&text)
            .with_context(|| format!("the request log is not JSON: {text}"))?;
        let list = v["requests"]
            .as_array()
            .with_context(|| format!("no requests array in {v}"))?;
        Ok(list
            .iter()
            .map(|r| LoggedRequest {
                method: r["method"].as_str().unwrap_or_default().to_owned(),
                path: r["path"].as_str().unwrap_or_default().to_owned(),
                query: r["query"].as_str().map(str::to_owned),
                if_match: r["if_match"].as_str().map(str::to_owned),
                status: r["status"].as_u64().unwrap_or(0) as u16,
            })
            .collect())
    }

    pub async fn clear_requests(&self) -> Result<()> {
        self.call("DELETE", "/__sandbox/requests", None)
            .await
            .map(drop)
    }

    /// Replaces the fault config (`PUT /__sandbox/faults`), e.g. `{"latency_ms": 300}`.
    /// Sets a group's name past the sandbox's name rules, as if set elsewhere.
    pub async fn set_group_name(&self, id: &str, name: &str) -> Result<()> {
        let path = format!("/__sandbox/group-name/{id}");
        self.call("PUT", &path, Some(Value::String(name.into()).to_string()))
            .await
            .map(drop)
    }

    pub async fn set_faults(&self, config: Value) -> Result<()> {
        self.call("PUT", "/__sandbox/faults", Some(config.to_string()))
            .await
            .map(drop)
    }

    pub async fn clear_faults(&self) -> Result<()> {
        self.call("DELETE", "/__sandbox/faults", None)
            .await
            .map(drop)
    }
}

/// An HTTP answer: its status, its headers (names lower-cased, repeated ones joined with ", ")
/// and its body (lossy UTF-8: assets such as the wasm are not text; only text is looked at).
pub struct Answer {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

/// An HTTP answer with its body as the bytes that came over the connection (no content
/// decoding: a gzip or Brotli body stays compressed), for counting what a server sends.
pub struct RawAnswer {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

/// One plain HTTP request (no browser, no proxy) on a worker thread, with `headers`; any status
/// is an answer.
pub async fn request(
    method: &str,
    url: &str,
    headers: &[(&str, String)],
    body: Option<String>,
) -> Result<Answer> {
    let raw = request_raw(method, url, headers, body).await?;
    Ok(Answer {
        status: raw.status,
        headers: raw.headers,
        body: String::from_utf8_lossy(&raw.body).into_owned(),
    })
}

/// Like [`request`], with the body's bytes as received (the bench's bytes on the wire).
pub async fn request_raw(
    method: &str,
    url: &str,
    headers: &[(&str, String)],
    body: Option<String>,
) -> Result<RawAnswer> {
    let (method, url) = (method.to_owned(), url.to_owned());
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), v.clone()))
        .collect();
    // ureq blocks; keep it off the async workers.
    tokio::task::spawn_blocking(move || -> Result<RawAnswer> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .proxy(None)
            // Long enough for a PUT the size of a 50,000-member group through a proxy.
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .build()
            .into();
        let what = format!("{method} {url}");
        let mut req = http::Request::builder().method(method.as_str()).uri(&url);
        for (name, value) in &headers {
            req = req.header(name, value);
        }
        let mut resp = match body {
            Some(b) => agent.run(req.body(b).with_context(|| format!("building {what}"))?),
            None => agent.run(req.body(()).with_context(|| format!("building {what}"))?),
        }
        .with_context(|| what.clone())?;
        let mut headers = BTreeMap::new();
        for (name, value) in resp.headers() {
            let value = value.to_str().unwrap_or("(not text)").to_owned();
            headers
                .entry(name.as_str().to_lowercase())
                .and_modify(|v: &mut String| {
                    v.push_str(", ");
                    v.push_str(&value);
                })
                .or_insert(value);
        }
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .with_context(|| format!("reading the body of {what}"))?;
        Ok(RawAnswer {
            status: resp.status().as_u16(),
            headers,
            body: bytes,
        })
    })
    .await
    .context("the HTTP worker thread failed")?
}

/// A request to the sandbox's API or control endpoints: `(status, body)`.
async fn http(
    method: &str,
    url: &str,
    auth: Option<&str>,
    body: Option<String>,
) -> Result<(u16, String)> {
    let mut headers = vec![(
        "Accept",
        "application/scim+json, application/json".to_owned(),
    )];
    if let Some(a) = auth {
        headers.push(("Authorization", a.to_owned()));
    }
    if body.is_some() {
        headers.push(("Content-Type", "application/json".to_owned()));
    }
    let answer = request(method, url, &headers, body).await?;
    Ok((answer.status, answer.body))
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

/// A query string as a server reads it: `+` is a space and `%XX` a byte (invalid escapes are
/// kept as they are).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
