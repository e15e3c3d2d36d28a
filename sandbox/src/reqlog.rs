//! A log of API requests so tests can count what the panel sent (e.g. requests per save,
//! retries after a 429). It records whether an Authorization header was present, never its value,
//! and the If-Match value, so tests can check what version the panel claimed to have.

use std::collections::VecDeque;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use crate::faults::{full_path, CloseConnection, Faulted};
use crate::AppState;

/// Older entries are dropped beyond this many; `count` keeps counting.
pub const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Entry {
    /// 1-based number since the log was last cleared.
    pub seq: u64,
    pub method: String,
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Whether the request carried an Authorization header.
    pub authorization: bool,
    /// The `If-Match` header as sent (several joined with ", "), recorded in both modes.
    pub if_match: Option<String>,
    /// Status answered; `null` while in flight or when the connection was dropped.
    pub status: Option<u16>,
    /// Answered by the fault injector rather than the API.
    pub faulted: bool,
    /// The connection was dropped without an answer.
    pub dropped: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct RequestLog {
    /// Requests received since the log was last cleared.
    pub count: u64,
    pub requests: VecDeque<Entry>,
}

impl RequestLog {
    fn start(&mut self, mut e: Entry) -> u64 {
        self.count += 1;
        e.seq = self.count;
        if self.requests.len() == MAX_ENTRIES {
            self.requests.pop_front();
        }
        self.requests.push_back(e);
        self.count
    }

    fn finish(&mut self, seq: u64, status: Option<u16>, faulted: bool, dropped: bool) {
        // Search from the back: the entry is recent. Gone if the log was cleared meanwhile.
        if let Some(e) = self.requests.iter_mut().rev().find(|e| e.seq == seq) {
            e.status = status;
            e.faulted = faulted;
            e.dropped = dropped;
        }
    }

    pub fn clear(&mut self) {
        *self = RequestLog::default();
    }
}

fn if_match(headers: &HeaderMap) -> Option<String> {
    let values: Vec<String> = headers
        .get_all(header::IF_MATCH)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let entry = Entry {
        seq: 0,
        method: req.method().to_string(),
        path: full_path(&req),
        query: req.uri().query().map(str::to_string),
        authorization: req.headers().contains_key(header::AUTHORIZATION),
        if_match: if_match(req.headers()),
        status: None,
        faulted: false,
        dropped: false,
    };
    let seq = state.requests().start(entry);
    let res = next.run(req).await;
    let dropped = res.extensions().get::<CloseConnection>().is_some();
    let faulted = res.extensions().get::<Faulted>().is_some();
    let status = (!dropped).then(|| res.status().as_u16());
    state.requests().finish(seq, status, faulted, dropped);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            seq: 0,
            method: "GET".into(),
            path: "/x".into(),
            query: None,
            authorization: true,
            if_match: None,
            status: None,
            faulted: false,
            dropped: false,
        }
    }

    #[test]
    fn keeps_counting_past_the_cap() {
        let mut log = RequestLog::default();
        for _ in 0..MAX_ENTRIES + 5 {
            let seq = log.start(entry());
            log.finish(seq, Some(200), false, false);
        }
        assert_eq!(log.count, (MAX_ENTRIES + 5) as u64);
        assert_eq!(log.requests.len(), MAX_ENTRIES);
        assert_eq!(log.requests.front().map(|e| e.seq), Some(6));
        assert!(log.requests.iter().all(|e| e.status == Some(200)));
        log.clear();
        assert_eq!(log.count, 0);
        assert!(log.requests.is_empty());
    }
}
