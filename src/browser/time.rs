//! The clock, and timers as futures: a wait that a request's cancellation can cut short, and plain waits for
//! countdowns, focus after rendering and the draft store's pause.

use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

/// Resolves after `ms`, or as soon as one of `stops` aborts.
pub async fn sleep(ms: u64, stops: &[&AbortSignal]) {
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

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// The current time as ISO 8601 (UTC).
pub fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}
