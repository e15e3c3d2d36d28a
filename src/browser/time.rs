//! The clock (times shown in the admin's time zone), and timers as futures: a wait that a request's cancellation can cut short, and plain waits for
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

/// An ISO 8601 time (the server's `lastModified`, the activity log's) in the admin's own time
/// zone, "5 Dec 2026, 09:14:03"; what the browser cannot read is shown as it came.
pub fn local_date_time(iso: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(iso));
    if date.get_time().is_nan() {
        return iso.to_string();
    }
    crate::core::activity::LocalTime {
        year: date.get_full_year() as i32,
        month: date.get_month() + 1,
        day: date.get_date(),
        hour: date.get_hours(),
        minute: date.get_minutes(),
        second: date.get_seconds(),
    }
    .to_string()
}
