//! What the page itself offers: its origin, the clipboard, a file download.

use wasm_bindgen::JsCast;

/// The page's origin (`https://panel.example`), to make same-origin URLs absolute.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

pub fn copy_to_clipboard(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Offers `json` as a file download named `file_name`, through a temporary object URL.
pub fn download_json(json: &str, file_name: &str) -> Option<()> {
    download(json, file_name, "application/json")
}

/// Offers `text` as a file download of type `mime` named `file_name`, through a temporary
/// object URL.
pub fn download(text: &str, file_name: &str, mime: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let doc = web_sys::window()?.document()?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(file_name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Some(())
}
