//! Performance marks (User Timing) at the moments `scripts/bench` measures: the panel ready,
//! a group load sent and shown, a save's steps, the review diff, a person's groups shown.
//! docs/performance.md lists them.
//! A mark is a few bytes in the page's timeline; nothing is sent anywhere.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::JsCast;

pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Marks `name` once the DOM changes made so far are on screen: in a task queued from the next
/// animation frame, so after that frame's style, layout and paint (Leptos applies a signal's
/// changes in microtasks, before the frame).
pub fn mark_after_paint(name: &str) {
    let Some(w) = web_sys::window() else { return };
    let Some(p) = w.performance() else { return };
    // Bound functions instead of Rust closures: no closure glue in the bundle, nothing to free.
    let callback = || -> Option<Function> {
        let mark = Reflect::get(&p, &"mark".into())
            .ok()?
            .dyn_into::<Function>()
            .ok()?;
        // The `{}` options come before the argument setTimeout passes on (the frame's time),
        // which `mark` would otherwise take for its options and reject.
        let mark: Function = mark
            .bind2(&p, &name.into(), &Object::new())
            .unchecked_into();
        let later = Reflect::get(&w, &"setTimeout".into())
            .ok()?
            .dyn_into::<Function>()
            .ok()?;
        Some(later.bind2(&w, &mark, &0.into()).unchecked_into())
    };
    if let Some(f) = callback() {
        let _ = w.request_animation_frame(&f);
    }
}

/// Runs `f` between the marks `start` and `end`.
pub fn between<T>(start: &str, end: &str, f: impl FnOnce() -> T) -> T {
    mark(start);
    let out = f();
    mark(end);
    out
}
