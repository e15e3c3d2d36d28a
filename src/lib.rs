//! omni-scim-panel: edit SCIM group membership from the browser.
//!
//! Layers, each importing only those before it: `core` (plain Rust, tested natively) ←
//! `browser` (HTTP, storage, timers) ← `state` (signals and actions, provided through context)
//! ← `components` (widgets) ← `pages` (screens) ← `app` (the root). Everything above `core` is
//! compiled only for wasm32 and stays thin over it.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod state;
