//! End-to-end tests: the built panel (dist/) in headless Chromium, against a real scim-sandbox
//! process, driven as a user would: controls found by role and accessible name, through the
//! harness in `e2e-harness/`. One test binary for all of them, so the harness is compiled and
//! linked once; its `BROWSER` lock runs one browser at a time across every module.
//!
//! Needs dist/ (scripts/build), the sandbox binary (SCIM_SANDBOX_BIN or target/debug) and
//! /usr/bin/chromium + /usr/bin/chromedriver; scripts/test provides all of them. A missing one
//! fails the tests rather than skipping them. One module: `cargo test --test e2e -- faults::`.
#![cfg(not(target_arch = "wasm32"))]

mod a11y;
mod deploy;
mod faults;
mod groups_list;
mod happy;
mod key_hygiene;
mod keyboard;
mod large_group;
mod membership;
mod names;
mod offboarding;
mod omni_facts;
mod people;
mod rate_limit;
mod split;
mod undo;
