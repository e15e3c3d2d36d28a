//! SCIM calls over `fetch` (gloo-net). Every answer is handed to the core for meaning: this
//! module sends requests, reads status, headers and body, and does the waiting the core
//! decides on: the request budget, retries of rate-limited reads, timeouts and cancellation.

use crate::browser::{config, perf};
use crate::core::base_url::ScimBase;
use crate::core::directory::{parse_users_page, DirectoryUser};
use crate::core::endpoints;
use crate::core::error::{
    no_answer_kind, origin_of, ApiError, ErrorKind, Operation, MAX_ANSWER_BYTES,
};
use crate::core::model::{self, Group};
use crate::core::rate_budget::RateBudget;
use crate::core::retry::{self, ceil_seconds, Next, Waiting};
use crate::core::save_request::{SaveMethod, SaveRequest};
use crate::core::secret::ApiKey;
use crate::core::server_features::ServerFeatures;
use gloo_net::http::{Method, Request, RequestBuilder};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, AbortSignal};

/// A client for one base URL and key. Built per action, so a forgotten key is never reused.
pub struct ScimClient {
    base: ScimBase,
    key: ApiKey,
    /// Aborts this client's requests and waits: the screen that started them is gone.
    stop: Option<AbortSignal>,
}

pub use crate::core::save::SaveAnswer;

/// One page of a list: its items and the server's total, if it gave one.
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: Option<u64>,
}

impl ScimClient {
    pub fn new(base: ScimBase, key: ApiKey) -> Self {
        Self {
            base,
            key,
            stop: None,
        }
    }

    /// The same client, its requests cancelled when `reads`' screen goes.
    pub fn cancelled_with(mut self, reads: ScreenReads) -> Self {
        self.stop = reads.signal();
        self
    }

    pub fn base(&self) -> &ScimBase {
        &self.base
    }

    /// Checks base URL and key with the cheapest authenticated call.
    pub async fn check_connection(&self) -> Result<(), ApiError> {
        let url = endpoints::connection_check(&self.base);
        self.send(Operation::Connect, Method::GET, &url, None, None)
            .await
            .map(|_| ())
    }

    /// What the server supports. Omni has no ServiceProviderConfig: any failure means "nothing
    /// optional", which is the safe reading.
    pub async fn server_features(&self) -> ServerFeatures {
        let url = endpoints::service_provider_config(&self.base);
        match self
            .send(Operation::Connect, Method::GET, &url, None, None)
            .await
        {
            Ok((_, body, _)) => ServerFeatures::parse(&body),
            Err(_) => ServerFeatures::default(),
        }
    }

    pub async fn get_group(&self, id: &str) -> Result<Group, ApiError> {
        self.read_group(Operation::LoadGroup, id).await
    }

    /// The group as it is now, read just before a save to look for concurrent changes.
    pub async fn check_group(&self, id: &str) -> Result<Group, ApiError> {
        self.read_group(Operation::CheckGroup, id).await
    }

    async fn read_group(&self, op: Operation, id: &str) -> Result<Group, ApiError> {
        let url = endpoints::group(&self.base, id);
        let (status, body, etag) = self.send(op, Method::GET, &url, None, None).await?;
        model::parse_group(&body, id)
            .map(|g| g.with_etag(etag))
            .map_err(|e| self.unusable(op, status, e.0))
    }

    /// Sends a reviewed save exactly as reviewed, once: a save is never repeated behind the
    /// admin's back. A 204 without a body (allowed for PATCH by RFC 7644 §3.5.2) comes back as
    /// [`SaveAnswer::NoContent`] with the new `ETag`, if sent.
    pub async fn save(&self, request: &SaveRequest, id: &str) -> Result<SaveAnswer, ApiError> {
        let op = Operation::SaveGroup;
        let method = match request.method {
            SaveMethod::Put => Method::PUT,
            SaveMethod::Patch => Method::PATCH,
        };
        let (status, text, etag) = self
            .send(
                op,
                method,
                &request.url,
                request.if_match.as_deref(),
                Some(&request.body),
            )
            .await?;
        if status == 204 || (request.method == SaveMethod::Patch && text.trim().is_empty()) {
            return Ok(SaveAnswer::NoContent { etag });
        }
        model::parse_group(&text, id)
            .map(|g| SaveAnswer::Group(g.with_etag(etag)))
            .map_err(|e| self.unusable(op, status, e.0))
    }

    pub async fn groups_page(
        &self,
        start_index: u64,
        count: u64,
        exact_name: Option<&str>,
    ) -> Result<Page<Group>, ApiError> {
        let op = Operation::ListGroups;
        let url = endpoints::groups_page(&self.base, start_index, count, exact_name);
        let (status, body, _) = self.send(op, Method::GET, &url, None, None).await?;
        let list = model::parse_list::<Group>(&body).map_err(|e| self.unusable(op, status, e.0))?;
        Ok(Page {
            items: list.resources,
            total: list.total_results,
        })
    }

    pub async fn users_page(
        &self,
        start_index: u64,
        count: u64,
        filter: Option<&str>,
    ) -> Result<Page<DirectoryUser>, ApiError> {
        let op = Operation::ListUsers;
        let url = endpoints::users_page(&self.base, start_index, count, filter);
        let (status, body, _) = self.send(op, Method::GET, &url, None, None).await?;
        let (items, total) = parse_users_page(&body).map_err(|e| self.unusable(op, status, e))?;
        Ok(Page { items, total })
    }

    /// A 2xx answer that could not be used; `what` may quote the answer, so the key is taken
    /// out of it.
    fn unusable(&self, op: Operation, status: u16, what: String) -> ApiError {
        ApiError::bad_response(op, status, what).without_secret(self.key.expose())
    }

    /// Sends one request within the request budget and returns status, body and ETag of a 2xx
    /// answer; anything else becomes an [`ApiError`]. Reads refused with 429 are sent again
    /// after the server's `Retry-After` or a backoff, within [`retry::READS`]; a save is sent
    /// once, and its 429 goes to the admin with the wait.
    async fn send(
        &self,
        op: Operation,
        method: Method,
        url: &str,
        if_match: Option<&str>,
        json: Option<&str>,
    ) -> Result<(u16, String, Option<String>), ApiError> {
        let retried = !matches!(op, Operation::SaveGroup | Operation::CheckGroup);
        let mut attempt = 1;
        loop {
            self.within_budget(op).await?;
            let result = self
                .send_once(op, method.clone(), url, if_match, json)
                .await;
            let server_wait = match &result {
                Err(ApiError {
                    kind: ErrorKind::RateLimited { wait_seconds },
                    ..
                }) if retried => wait_seconds.map(|s| s * 1000),
                _ => return result,
            };
            let wait = match retry::READS.next(attempt, server_wait, js_sys::Math::random()) {
                Next::Wait(ms) => ms,
                Next::Stop => return result,
            };
            attempt += 1;
            let of = retry::READS.max_attempts;
            self.pause(op, wait, Waiting::RateLimited { attempt, of })
                .await?;
        }
    }

    /// Waits, when needed, until the request budget has room.
    async fn within_budget(&self, op: Operation) -> Result<(), ApiError> {
        let limit = config::current().requests_per_minute;
        loop {
            let taken = BUDGET.with(|b| {
                b.borrow_mut()
                    .get_or_insert_with(|| RateBudget::per_minute(limit))
                    .try_take(now_ms())
            });
            match taken {
                Ok(()) => return Ok(()),
                Err(wait) => {
                    self.pause(op, wait, Waiting::Budget { per_minute: limit })
                        .await?
                }
            }
        }
    }

    /// Waits `ms`, saying why app-wide with the seconds left and a button to stop waiting.
    /// Stopped by that button or by the screen going: a retryable "cancelled" error.
    async fn pause(&self, op: Operation, ms: u64, why: Waiting) -> Result<(), ApiError> {
        let cancel = WAITS.with(|w| {
            w.borrow_mut()
                .get_or_insert_with(|| AbortController::new().ok())
                .as_ref()
                .map(AbortController::signal)
        });
        let stops: Vec<&AbortSignal> = cancel.iter().chain(self.stop.iter()).collect();
        let until = now_ms() + ms;
        WAITING.with(|n| n.set(n.get() + 1));
        let outcome = loop {
            if stops.iter().any(|s| s.aborted()) {
                break Err(ApiError::without_answer(op, ErrorKind::Cancelled));
            }
            let left = until.saturating_sub(now_ms());
            if left == 0 {
                break Ok(());
            }
            show_wait(why.text(ceil_seconds(left)));
            // To the next whole second, so the countdown ticks on time.
            sleep((left - 1) % 1000 + 1, &stops).await;
        };
        WAITING.with(|n| n.set(n.get().saturating_sub(1)));
        if WAITING.with(Cell::get) == 0 {
            show_wait(String::new());
        }
        outcome
    }

    /// One request, cancelled after the configured timeout or when the screen goes.
    async fn send_once(
        &self,
        op: Operation,
        method: Method,
        url: &str,
        if_match: Option<&str>,
        json: Option<&str>,
    ) -> Result<(u16, String, Option<String>), ApiError> {
        watch_policy_violations();
        let seconds = config::current().request_timeout_seconds;
        let deadline = Deadline::start(seconds, self.stop.as_ref());
        let mut request = RequestBuilder::new(url)
            .method(method)
            .header("Authorization", &self.key.bearer())
            .header("Accept", "application/scim+json, application/json")
            .abort_signal(deadline.as_ref().map(Deadline::signal).as_ref());
        if let Some(version) = if_match {
            request = request.header("If-Match", version);
        }
        // A save's requests, for scripts/bench: what lies between sent and answered is network.
        let save_step = matches!(op, Operation::SaveGroup | Operation::CheckGroup);
        if save_step {
            perf::mark("save-sent");
        }
        let sent = match json {
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
            return Ok((status, body, headers.get("etag")));
        }
        if status == 401 {
            // A refused key (revoked, expired) is useless and is not kept; drafts stay.
            key_refused();
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

    /// Whether the request was stopped: the screen went (cancelled) or time ran out.
    fn interrupted(
        &self,
        op: Operation,
        deadline: &Option<Deadline>,
        seconds: u32,
    ) -> Result<(), ApiError> {
        if self.stop.as_ref().is_some_and(AbortSignal::aborted) {
            Err(ApiError::without_answer(op, ErrorKind::Cancelled))
        } else if deadline.as_ref().is_some_and(Deadline::expired) {
            Err(ApiError::timeout(op, seconds))
        } else {
            Ok(())
        }
    }

    /// Why a request got no answer the page may read, as far as the browser tells: offline;
    /// same-origin (no CORS involved); the page's own security policy; else a `no-cors` probe
    /// without the key tells a server that answers (so the browser blocked it: CORS) from one
    /// that cannot be reached.
    async fn no_answer(&self, op: Operation) -> ApiError {
        let online = web_sys::window()
            .map(|w| w.navigator().on_line())
            .unwrap_or(true);
        let same_origin = self.base.is_same_origin_path();
        let origin = origin_of(self.base.as_str());
        let reachable = online && !same_origin && self.probe().await;
        if online && !same_origin {
            // Chromium reports the violation in a task after the fetch has failed.
            sleep(100, &[]).await;
        }
        let policy_blocked = BLOCKED.with(|b| b.borrow().iter().any(|u| u.starts_with(origin)));
        ApiError::without_answer(
            op,
            no_answer_kind(online, same_origin, policy_blocked, reachable, origin),
        )
    }

    /// True when the server answers a plain `no-cors` GET of the base URL (an opaque answer).
    async fn probe(&self) -> bool {
        let seconds = config::current().request_timeout_seconds;
        let deadline = Deadline::start(seconds, self.stop.as_ref());
        Request::get(self.base.as_str())
            .mode(web_sys::RequestMode::NoCors)
            .abort_signal(deadline.as_ref().map(Deadline::signal).as_ref())
            .send()
            .await
            .is_ok()
    }
}

thread_local! {
    /// The request budget, shared by every client of this tab.
    static BUDGET: RefCell<Option<RateBudget>> = const { RefCell::new(None) };
    /// "Cancel waiting" aborts this; the next wait makes a new one.
    static WAITS: RefCell<Option<Option<AbortController>>> = const { RefCell::new(None) };
    /// Waits under way, so the status clears only when the last one ends.
    static WAITING: Cell<u32> = const { Cell::new(0) };
    /// Where waits are told (the app-wide status line), once the layout has registered it.
    static WAIT_STATUS: Cell<Option<RwSignal<String>>> = const { Cell::new(None) };
    /// The connection, set to none when the server refuses the key.
    static CONNECTION: Cell<Option<RwSignal<Option<ScimBase>>>> = const { Cell::new(None) };
    /// Origins the page's Content-Security-Policy reported blocking.
    static BLOCKED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static WATCHING: Cell<bool> = const { Cell::new(false) };
    /// The reads of each screen on display, by [`ScreenReads`] id, in creation order.
    static SCREENS: RefCell<Vec<(u64, AbortController)>> = const { RefCell::new(Vec::new()) };
}

/// Makes `status` the app-wide line that tells what requests are waiting for (empty: none).
pub fn show_waits_in(status: RwSignal<String>) {
    WAIT_STATUS.with(|s| s.set(Some(status)));
}

/// Makes a 401 from any request disconnect `connected` (the key is forgotten as well).
pub fn disconnect_on_refusal(connected: RwSignal<Option<ScimBase>>) {
    CONNECTION.with(|c| c.set(Some(connected)));
}

fn key_refused() {
    crate::browser::storage::forget_key();
    if let Some(connected) = CONNECTION.with(Cell::get) {
        connected.set(None);
    }
}

/// Stops every wait under way (rate limit, budget); their requests fail as "cancelled".
pub fn cancel_waits() {
    if let Some(Some(c)) = WAITS.with(|w| w.borrow_mut().take()) {
        c.abort();
    }
}

fn show_wait(text: String) {
    if let Some(status) = WAIT_STATUS.with(Cell::get) {
        // The layout may be gone (tests mount parts of it): then there is no one to tell.
        let _ = status.try_set(text);
    }
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Notes the origins the page's Content-Security-Policy blocks, so a refused connection can be
/// told apart from CORS (both look the same to `fetch`). Installed once, before the first
/// request.
fn watch_policy_violations() {
    if WATCHING.with(|w| w.replace(true)) {
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let on_violation = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(|ev: JsValue| {
        let uri = js_sys::Reflect::get(&ev, &JsValue::from_str("blockedURI"))
            .ok()
            .and_then(|u| u.as_string())
            .unwrap_or_default();
        let origin = origin_of(&uri).to_string();
        BLOCKED.with(|b| {
            let mut b = b.borrow_mut();
            if !origin.is_empty() && !b.contains(&origin) && b.len() < 16 {
                b.push(origin);
            }
        });
    });
    let _ = document.add_event_listener_with_callback(
        "securitypolicyviolation",
        on_violation.as_ref().unchecked_ref(),
    );
    // Lives as long as the page.
    on_violation.forget();
}

/// Resolves after `ms`, or as soon as one of `stops` aborts.
async fn sleep(ms: u64, stops: &[&AbortSignal]) {
    let mut resolver = None;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let timer = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                ms.min(i32::MAX as u64) as i32,
            )
            .ok()
        });
        if timer.is_none() {
            let _ = resolve.call0(&JsValue::NULL);
        }
        for s in stops {
            let _ = s.add_event_listener_with_callback("abort", &resolve);
        }
        resolver = Some(resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    // A long wait ticks every second: leave no listener behind on the signals.
    if let Some(resolve) = resolver {
        for s in stops {
            let _ = s.remove_event_listener_with_callback("abort", &resolve);
        }
    }
}

/// Waits `ms` (for countdowns on screen).
pub async fn sleep_ms(ms: u64) {
    sleep(ms, &[]).await
}

/// The reads a screen starts, cancelled when the screen goes (a route change): made in a
/// component, it aborts in that component's cleanup, so a late answer never lands.
#[derive(Clone, Copy)]
pub struct ScreenReads(u64);

impl ScreenReads {
    pub fn new() -> Self {
        let id = SCREENS.with(|s| {
            let mut s = s.borrow_mut();
            let id = s.last().map_or(1, |(id, _)| id + 1);
            if let Ok(c) = AbortController::new() {
                s.push((id, c));
            }
            id
        });
        on_cleanup(move || {
            SCREENS.with(|s| {
                s.borrow_mut().retain(|(i, c)| {
                    if *i == id {
                        c.abort();
                    }
                    *i != id
                })
            })
        });
        Self(id)
    }

    fn signal(&self) -> Option<AbortSignal> {
        SCREENS.with(|s| {
            s.borrow()
                .iter()
                .find(|(i, _)| *i == self.0)
                .map(|(_, c)| c.signal())
        })
    }
}

impl Default for ScreenReads {
    fn default() -> Self {
        Self::new()
    }
}

/// An AbortController aborted by a timer or by `parent` (the screen going), whichever is first.
/// Dropping it clears the timer and the link to `parent`.
struct Deadline {
    controller: AbortController,
    timer: i32,
    parent: Option<(AbortSignal, js_sys::Function)>,
}

impl Deadline {
    fn start(seconds: u32, parent: Option<&AbortSignal>) -> Option<Self> {
        let controller = AbortController::new().ok()?;
        // `controller.abort` bound to it: a timer and an event listener without a Rust closure.
        let abort = js_sys::Reflect::get(&controller, &JsValue::from_str("abort"))
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()?
            .bind0(&controller);
        let timer = web_sys::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                &abort,
                seconds.saturating_mul(1000).min(i32::MAX as u32) as i32,
            )
            .ok()?;
        let parent = parent.map(|p| {
            if p.aborted() {
                controller.abort();
            }
            let _ = p.add_event_listener_with_callback("abort", &abort);
            (p.clone(), abort)
        });
        Some(Self {
            controller,
            timer,
            parent,
        })
    }

    fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    fn expired(&self) -> bool {
        self.controller.signal().aborted()
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            w.clear_timeout_with_handle(self.timer);
        }
        if let Some((p, abort)) = &self.parent {
            let _ = p.remove_event_listener_with_callback("abort", abort);
        }
    }
}
