//! "Groups" (`#/groups`): opening a group by ID, and the list.

pub mod list;
pub mod loader;
