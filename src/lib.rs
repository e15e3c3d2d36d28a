//! omni-scim-panel: edit SCIM group membership from the browser.
//!
//! `core` is plain Rust and tested natively; the browser side (`browser`, `components`, `app`)
//! is compiled only for wasm32 and stays thin over it.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod actions;
#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod components;
