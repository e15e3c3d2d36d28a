//! Keyboard focus for the panels that open in place (review, conflict, bulk add): focus moves
//! into a panel when it opens and back to the control that opened it when it closes, and Escape
//! closes it.

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
