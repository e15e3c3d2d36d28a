//! Cancelling a screen's reads when the screen goes.

use leptos::prelude::on_cleanup;
use std::cell::RefCell;
use web_sys::{AbortController, AbortSignal};

thread_local! {
    /// The reads of each screen on display, by [`ScreenReads`] id, in creation order.
    static SCREENS: RefCell<Vec<(u64, AbortController)>> = const { RefCell::new(Vec::new()) };
}

/// The reads a screen starts, cancelled when the screen goes (a route change): made in a
/// component, it aborts in that component's cleanup, so a late answer never lands.
#[derive(Clone, Copy)]
pub struct ScreenReads(u64);

impl ScreenReads {
    pub fn new() -> Self {
        let id = SCREENS.with(|s| {
            let mut s = s.borrow_mut();
            let id = s.last().map_or(1, |(id, _)| id + 1);
            if let Ok(c) = AbortController::new() {
                s.push((id, c));
            }
            id
        });
        on_cleanup(move || {
            SCREENS.with(|s| {
                s.borrow_mut().retain(|(i, c)| {
                    if *i == id {
                        c.abort();
                    }
                    *i != id
                })
            })
        });
        Self(id)
    }

    /// Aborted when the screen goes; `None` once it has gone.
    pub(super) fn signal(&self) -> Option<AbortSignal> {
        SCREENS.with(|s| {
            s.borrow()
                .iter()
                .find(|(i, _)| *i == self.0)
                .map(|(_, c)| c.signal())
        })
    }
}

impl Default for ScreenReads {
    fn default() -> Self {
        Self::new()
    }
}
