//! One group: its editor (`#/groups/{id}`) with the editor's named parts, and what it shows
//! before the group is in it (`loader`: loading, not found).

pub mod add_by_id;
pub mod edit;
pub mod grants;
pub mod loader;
pub mod restore_banner;
pub mod save_bar;
pub mod saved_summary;
