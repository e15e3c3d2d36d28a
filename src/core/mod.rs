//! The SCIM/domain core: plain Rust, no browser types, tested natively.
//!
//! Everything the panel decides (what a base URL means, which URL a call goes to, whether a
//! form may be saved, what a failed answer means to a person) lives here, so the browser side
//! only moves bytes and renders.

pub mod activity;
pub mod base_url;
pub mod bulk;
pub mod choice;
pub mod config;
pub mod connect_check;
pub mod copy_members;
pub mod cross_change;
pub mod cross_run;
pub mod cross_stored;
pub mod csv_export;
pub mod diff;
pub mod directory;
pub mod draft;
pub mod endpoints;
pub mod error;
pub mod grants;
pub mod group_list;
pub mod idle;
pub mod memberships;
pub mod model;
pub mod paging;
pub mod pending;
pub mod rate_budget;
pub mod retry;
pub mod route;
pub mod save;
pub mod save_request;
pub mod secret;
pub mod server_features;
pub mod stored_draft;
pub mod undo;
pub mod validation;
pub mod window;
