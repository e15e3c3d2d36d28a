//! Why a request got no answer the page may read, as far as the browser tells: offline,
//! the page's own Content-Security-Policy, CORS, or a server that cannot be reached.

use super::deadline::Deadline;
use crate::browser::{config, time};
use crate::core::base_url::ScimBase;
use crate::core::error::{no_answer_kind, origin_of, ApiError, Operation};
use gloo_net::http::Request;
use std::cell::{Cell, RefCell};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

thread_local! {
    /// Origins the page's Content-Security-Policy reported blocking.
    static BLOCKED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static WATCHING: Cell<bool> = const { Cell::new(false) };
}

/// Why a request to `base` got no answer: offline; same-origin (no CORS involved); the page's
/// own security policy; else a `no-cors` probe without the key tells a server that answers (so
/// the browser blocked it: CORS) from one that cannot be reached.
pub(super) async fn no_answer(
    op: Operation,
    base: &ScimBase,
    stop: Option<&AbortSignal>,
) -> ApiError {
    let online = web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true);
    let same_origin = base.is_same_origin_path();
    let origin = origin_of(base.as_str());
    let reachable = online && !same_origin && probe(base, stop).await;
    if online && !same_origin {
        // Chromium reports the violation in a task after the fetch has failed.
        time::sleep(100, &[]).await;
    }
    let policy_blocked = BLOCKED.with(|b| b.borrow().iter().any(|u| u.starts_with(origin)));
    ApiError::without_answer(
        op,
        no_answer_kind(online, same_origin, policy_blocked, reachable, origin),
    )
}

/// True when the server answers a plain `no-cors` GET of the base URL (an opaque answer).
async fn probe(base: &ScimBase, stop: Option<&AbortSignal>) -> bool {
    let seconds = config::current().request_timeout_seconds;
    let deadline = Deadline::start(seconds, stop);
    Request::get(base.as_str())
        .mode(web_sys::RequestMode::NoCors)
        .abort_signal(deadline.as_ref().map(Deadline::signal).as_ref())
        .send()
        .await
        .is_ok()
}

/// Notes the origins the page's Content-Security-Policy blocks, so a refused connection can be
/// told apart from CORS (both look the same to `fetch`). Installed once, before the first
/// request.
pub(super) fn watch_policy_violations() {
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
