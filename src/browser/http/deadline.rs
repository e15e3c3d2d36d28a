//! A request's time limit, which also ends when its screen goes.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, AbortSignal};

/// An AbortController aborted by a timer or by `parent` (the screen going), whichever is first.
/// Dropping it clears the timer and the link to `parent`.
pub(super) struct Deadline {
    controller: AbortController,
    timer: i32,
    parent: Option<(AbortSignal, js_sys::Function)>,
}

impl Deadline {
    pub(super) fn start(seconds: u32, parent: Option<&AbortSignal>) -> Option<Self> {
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

    pub(super) fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    pub(super) fn expired(&self) -> bool {
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
