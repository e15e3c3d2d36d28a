//! "Groups" (`#/groups`).

pub mod list;
