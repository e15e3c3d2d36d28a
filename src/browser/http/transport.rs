//! One request over `fetch` (gloo-net): headers, the time limit, the size limit of answers,
//! and the error value of anything but a 2xx answer. A 401 is returned like any other error;
//! what a refused key means is the session's business.

use super::deadline::Deadline;
use super::diagnosis;
use crate::browser::{config, perf};
use crate::core::base_url::ScimBase;
use crate::core::error::{ApiError, ErrorKind, Operation, MAX_ANSWER_BYTES};
use crate::core::secret::ApiKey;
use gloo_net::http::{Method, RequestBuilder};
use web_sys::AbortSignal;

/// A 2xx answer.
pub(super) struct Answer {
    pub status: u16,
    pub body: String,
    pub etag: Option<String>,
    /// `Content-Type`, and whether `fetch` followed a redirect to get the answer: what tells a
    /// web page (a sign-in page) from SCIM on Connect.
    pub content_type: Option<String>,
    pub redirected: bool,
}

/// One request to send.
pub(super) struct Outgoing<'a> {
    pub op: Operation,
    pub method: Method,
    pub url: &'a str,
    pub if_match: Option<&'a str>,
    pub json: Option<&'a str>,
}

/// Who sends, and what stops it: the key, the base URL (to tell why nothing came back) and the
/// screen's cancellation.
pub(super) struct Sender<'a> {
    pub base: &'a ScimBase,
    pub key: &'a ApiKey,
    pub stop: Option<&'a AbortSignal>,
}

impl Sender<'_> {
    /// One request, cancelled after the configured timeout or when the screen goes.
    pub(super) async fn send_once(&self, out: &Outgoing<'_>) -> Result<Answer, ApiError> {
        let op = out.op;
        diagnosis::watch_policy_violations();
        let seconds = config::current().request_timeout_seconds;
        let deadline = Deadline::start(seconds, self.stop);
        let mut request = RequestBuilder::new(out.url)
            .method(out.method.clone())
            .header("Authorization", &self.key.bearer())
            .header("Accept", "application/scim+json, application/json")
            .abort_signal(deadline.as_ref().map(Deadline::signal).as_ref());
        if let Some(version) = out.if_match {
            request = request.header("If-Match", version);
        }
        // A save's requests, for scripts/bench: what lies between sent and answered is network.
        let save_step = matches!(
            op,
            Operation::SaveGroup | Operation::CheckGroup | Operation::CheckName
        );
        if save_step {
            perf::mark("save-sent");
        }
        let sent = match out.json {
            Some(body) => match request
                .header("Content-Type", "application/json")
                .body(body.to_string())
            {
                Ok(req) => req.send().await,
                Err(_) => return Err(self.no_answer(op).await),
            },
            None => request.send().await,
        };
        self.interrupted(op, &deadline, seconds)?;
        let Ok(response) = sent else {
            return Err(self.no_answer(op).await);
        };
        let status = response.status();
        let headers = response.headers();
        let declared = headers
            .get("content-length")
            .and_then(|l| l.trim().parse::<u64>().ok());
        if let Some(bytes) = declared.filter(|&b| b > MAX_ANSWER_BYTES) {
            return Err(ApiError::answer_too_large(op, status, bytes));
        }
        // A body that breaks off midway reads as empty, which the core reports.
        let body = response.text().await.unwrap_or_default();
        if save_step {
            perf::mark("save-answered");
        }
        self.interrupted(op, &deadline, seconds)?;
        if body.len() as u64 > MAX_ANSWER_BYTES {
            return Err(ApiError::answer_too_large(op, status, body.len() as u64));
        }
        if (200..300).contains(&status) {
            return Ok(Answer {
                status,
                body,
                etag: headers.get("etag"),
                content_type: headers.get("content-type"),
                redirected: response.redirected(),
            });
        }
        Err(ApiError::from_response(
            op,
            status,
            &body,
            headers.get("retry-after").as_deref(),
            js_sys::Date::now() as u64,
            self.key.expose(),
        ))
    }

    async fn no_answer(&self, op: Operation) -> ApiError {
        diagnosis::no_answer(op, self.base, self.stop).await
    }

    /// Whether the request was stopped: the screen went (cancelled) or time ran out.
    fn interrupted(
        &self,
        op: Operation,
        deadline: &Option<Deadline>,
        seconds: u32,
    ) -> Result<(), ApiError> {
        if self.stop.is_some_and(AbortSignal::aborted) {
            Err(ApiError::without_answer(op, ErrorKind::Cancelled))
        } else if deadline.as_ref().is_some_and(Deadline::expired) {
            Err(ApiError::timeout(op, seconds))
        } else {
            Ok(())
        }
    }
}
