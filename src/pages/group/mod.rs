//! One group: "Open a group" (the loader, in the sidebar) and its editor (`#/groups/{id}`),
//! with the editor's named parts.

pub mod add_by_id;
pub mod edit;
pub mod loader;
pub mod restore_banner;
pub mod save_bar;
pub mod saved_summary;
