//! Where things are kept in the browser.
//!
//! The API key goes only to this tab's `sessionStorage`, so it is gone when the tab closes and
//! is never shared with other tabs. The base URL is not secret and is remembered in
//! `localStorage` for the admin's convenience. Storage can be unavailable (private modes,
//! disabled storage): then nothing is kept and the caller is told.

use crate::core::secret::ApiKey;
use crate::core::stored_draft;
use web_sys::Storage;

const KEY_ITEM: &str = "omni-scim-panel.api-key";
const BASE_URL_ITEM: &str = "omni-scim-panel.base-url";

fn session() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The key stored for this tab, if any.
pub fn load_key() -> Option<ApiKey> {
    session()?
        .get_item(KEY_ITEM)
        .ok()
        .flatten()
        .and_then(|k| ApiKey::new(&k))
}

/// Stores the key for this tab; false when session storage is unavailable.
pub fn store_key(key: &ApiKey) -> bool {
    session().is_some_and(|s| s.set_item(KEY_ITEM, key.expose()).is_ok())
}

pub fn forget_key() {
    if let Some(s) = session() {
        let _ = s.remove_item(KEY_ITEM);
    }
}

pub fn load_base_url() -> Option<String> {
    local()?.get_item(BASE_URL_ITEM).ok().flatten()
}

pub fn store_base_url(base: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(BASE_URL_ITEM, base);
    }
}

/// A group's unsaved draft, as JSON, from this tab's session storage.
pub fn load_draft(server: &str, group_id: &str) -> Option<String> {
    session()?
        .get_item(&stored_draft::storage_name(server, group_id))
        .ok()
        .flatten()
}

/// False when the tab would not keep it (storage off, or over its quota for a huge group).
pub fn store_draft(server: &str, group_id: &str, json: &str) -> bool {
    session().is_some_and(|s| {
        s.set_item(&stored_draft::storage_name(server, group_id), json)
            .is_ok()
    })
}

pub fn forget_draft(server: &str, group_id: &str) {
    if let Some(s) = session() {
        let _ = s.remove_item(&stored_draft::storage_name(server, group_id));
    }
}

/// A change across groups being applied on `server` (the change and each group's result, as
/// JSON; never the key), so a reload can resume or discard the rest.
pub fn load_cross_run(server: &str) -> Option<String> {
    session()?.get_item(&cross_run_item(server)).ok().flatten()
}

/// False when the tab would not keep it.
pub fn store_cross_run(server: &str, json: &str) -> bool {
    session().is_some_and(|s| s.set_item(&cross_run_item(server), json).is_ok())
}

pub fn forget_cross_run(server: &str) {
    if let Some(s) = session() {
        let _ = s.remove_item(&cross_run_item(server));
    }
}

fn cross_run_item(server: &str) -> String {
    format!("omni-scim-panel.cross-run@{server}")
}

/// This server's Activity (JSON of [`crate::core::undo::ActivityLog`]: saves and the groups as
/// they were before them; never the key), so it survives a reload of the tab.
pub fn load_activity(server: &str) -> Option<String> {
    session()?.get_item(&activity_item(server)).ok().flatten()
}

/// False when the tab would not keep it (storage off, or over its quota).
pub fn store_activity(server: &str, json: &str) -> bool {
    session().is_some_and(|s| s.set_item(&activity_item(server), json).is_ok())
}

fn activity_item(server: &str) -> String {
    format!("omni-scim-panel.activity@{server}")
}
