//! Watches for interaction and calls back once the admin has been idle too long (the rule is
//! [`crate::core::idle`]). Listening is cheap: passive capture listeners that only note the time.

use crate::browser::time::now_ms;
use crate::core::idle;
use leptos::prelude::{on_cleanup, set_interval_with_handle, IntervalHandle};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::{closure::Closure, JsCast};

/// What counts as the admin being there. `visibilitychange` only checks (coming back to the
/// tab is when a throttled background timer may not have fired yet); it is not activity.
const ACTIVITY: [&str; 6] = [
    "pointerdown",
    "keydown",
    "wheel",
    "scroll",
    "touchstart",
    "input",
];
const CHECK_ONLY: &str = "visibilitychange";

struct Watch {
    generation: u32,
    listener: Closure<dyn Fn(web_sys::Event)>,
    interval: Option<IntervalHandle>,
}

thread_local! {
    // One watch per page: a remount replaces it, and its owner's cleanup removes it.
    static WATCH: RefCell<Option<Watch>> = const { RefCell::new(None) };
    static GENERATION: Cell<u32> = const { Cell::new(0) };
}

/// Calls `forget` when `limit_seconds` pass without interaction while `holds_key()` is true.
/// Also checks at each interaction before noting it, so a tab whose timers were throttled or a
/// laptop that slept still forgets the key before anything else happens.
pub fn watch(
    limit_seconds: u32,
    holds_key: impl Fn() -> bool + 'static,
    forget: impl Fn() + 'static,
) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let generation = GENERATION.with(|g| {
        g.set(g.get().wrapping_add(1));
        g.get()
    });
    stop(None);
    let last = Rc::new(Cell::new(now_ms()));
    let check = Rc::new({
        let last = last.clone();
        move || {
            if idle::is_idle(last.get(), now_ms(), limit_seconds) && holds_key() {
                forget();
            }
        }
    });
    let listener = Closure::<dyn Fn(web_sys::Event)>::new({
        let check = check.clone();
        move |ev: web_sys::Event| {
            check();
            if ev.type_() != CHECK_ONLY {
                last.set(now_ms());
            }
        }
    });
    let options = web_sys::AddEventListenerOptions::new();
    options.set_capture(true);
    options.set_passive(true);
    for name in ACTIVITY.iter().chain([&CHECK_ONLY]) {
        let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
            name,
            listener.as_ref().unchecked_ref(),
            &options,
        );
    }
    let period = Duration::from_millis(idle::check_period_ms(limit_seconds).into());
    let interval = set_interval_with_handle(move || check(), period).ok();
    WATCH.with(|w| {
        *w.borrow_mut() = Some(Watch {
            generation,
            listener,
            interval,
        })
    });
    on_cleanup(move || stop(Some(generation)));
}

/// Removes the watch (only generation `only`, when given: a late cleanup of a replaced watch
/// must not remove its successor).
fn stop(only: Option<u32>) {
    let Some(w) = WATCH.with(|w| {
        let mut w = w.borrow_mut();
        match (&*w, only) {
            (Some(current), Some(g)) if current.generation != g => None,
            _ => w.take(),
        }
    }) else {
        return;
    };
    if let Some(i) = w.interval {
        i.clear();
    }
    if let Some(window) = web_sys::window() {
        for name in ACTIVITY.iter().chain([&CHECK_ONLY]) {
            let _ = window.remove_event_listener_with_callback_and_bool(
                name,
                w.listener.as_ref().unchecked_ref(),
                true,
            );
        }
    }
}
