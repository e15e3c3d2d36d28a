//! The hash router: `location.hash` is the source of truth for which screen shows.
//! (leptos_router 0.8 routes by path only; hash routes work on any static host.)

use crate::core::route::Route;

pub fn current() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::parse(&hash)
}

/// Moves to `route`; the `hashchange` listener then updates the app.
pub fn navigate(route: &Route) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&route.to_hash());
    }
}
