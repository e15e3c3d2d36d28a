//! Keyboard focus for the panels that open in place (review, conflict, bulk add, the reopened
//! connection): focus moves into a panel when it opens and back to the control that opened it
//! when it closes, and Escape closes it; a save's status takes the focus without moving the
//! page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

fn html_element(id: &str) -> Option<web_sys::HtmlElement> {
    document().get_element_by_id(id)?.dyn_into().ok()
}

/// Focuses the element with `id` once the changes made now are in the page: Leptos renders in
/// microtasks, and a zero timer runs after them (the Save button a closing review puts back, the
/// text area of a panel just opened).
pub fn focus_soon(id: &'static str) {
    spawn_local(async move {
        crate::browser::time::sleep_ms(0).await;
        if let Some(el) = html_element(id) {
            let _ = el.focus();
        }
    });
}

/// Focuses the element with `id` once it is shown, waiting up to a second for it: the screen
/// a route change brings (the hash change comes as an event of its own, after the timers that
/// [`focus_soon`] uses).
pub fn focus_when_shown(id: &'static str) {
    spawn_local(async move {
        for _ in 0..20 {
            crate::browser::time::sleep_ms(50).await;
            if let Some(el) = html_element(id) {
                let _ = el.focus();
                return;
            }
        }
    });
}

/// Scrolls the element with `id` into view, as little as needed, once it is in the page: the
/// option the arrow keys made active in a list under the focused field (the page's scroll
/// padding keeps it clear of the save bar). Through `Reflect`: the typed call needs two more
/// web-sys features.
pub fn reveal_soon(id: String) {
    spawn_local(async move {
        crate::browser::time::sleep_ms(0).await;
        let Some(el) = document().get_element_by_id(&id) else {
            return;
        };
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"block".into(), &"nearest".into());
        if let Ok(f) = js_sys::Reflect::get(&el, &"scrollIntoView".into()) {
            let _ = f.unchecked_into::<js_sys::Function>().call1(&el, &options);
        }
    });
}

/// Focuses the element with `id` once it is in the page, without scrolling: when it is not
/// fully in view, `fallback` (a control that always is, such as the sticky Save) gets the focus
/// instead, also without scrolling. For what a save says at the top of the editor: the page
/// stays where the admin was reading. Through `Reflect`: the typed calls need more web-sys
/// features.
pub fn focus_in_place(id: &'static str, fallback: &'static str) {
    spawn_local(async move {
        crate::browser::time::sleep_ms(0).await;
        let target = html_element(id)
            .filter(in_view)
            .or_else(|| html_element(fallback));
        if let Some(el) = target {
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"preventScroll".into(), &true.into());
            if let Ok(f) = js_sys::Reflect::get(&el, &"focus".into()) {
                let _ = f.unchecked_into::<js_sys::Function>().call1(&el, &options);
            }
        }
    });
}

/// Whether all of `el` is inside the window's height.
fn in_view(el: &web_sys::HtmlElement) -> bool {
    let number =
        |v: Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>| v.ok().and_then(|v| v.as_f64());
    let rect = js_sys::Reflect::get(el, &"getBoundingClientRect".into())
        .ok()
        .and_then(|f| f.unchecked_into::<js_sys::Function>().call0(el).ok());
    let height = web_sys::window().and_then(|w| number(w.inner_height()));
    match (rect, height) {
        (Some(r), Some(h)) => {
            let top = number(js_sys::Reflect::get(&r, &"top".into()));
            let bottom = number(js_sys::Reflect::get(&r, &"bottom".into()));
            matches!((top, bottom), (Some(t), Some(b)) if t >= 0.0 && b <= h)
        }
        _ => false,
    }
}

/// Escape with the focus inside an element marked `data-escape="ID"` presses the button with
/// that ID (the panel's Back or Cancel, which also returns the focus), as a dialog's Escape
/// does. One listener for the page instead of one per panel. Not while an input method is
/// composing text: there Escape cancels the composition.
pub fn escape_closes_panels() {
    let _ = window_event_listener(leptos::ev::keydown, |ev| {
        if ev.key() != "Escape" || ev.is_composing() {
            return;
        }
        let panel = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("[data-escape]").ok().flatten());
        if let Some(button) = panel
            .and_then(|p| p.get_attribute("data-escape"))
            .and_then(|id| html_element(&id))
        {
            button.click();
        }
    });
}

/// Focuses the element with `id` once the changes made now are in the page, but only when the
/// focus was lost (on the page's body, as when the focused button was removed): a run's Stop
/// gone at its end. Never takes the focus from where the admin is working.
pub fn focus_if_lost(id: &'static str) {
    spawn_local(async move {
        crate::browser::time::sleep_ms(0).await;
        let lost = document()
            .active_element()
            .is_none_or(|a| a.tag_name().eq_ignore_ascii_case("body"));
        if let Some(el) = html_element(id).filter(|_| lost) {
            let _ = el.focus();
        }
    });
}
