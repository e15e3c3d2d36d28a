//! Leptos components. Each renders state held elsewhere and calls core methods on events.

pub mod connect;
pub mod field;
pub mod group_editor;
pub mod group_loader;
pub mod members_table;
pub mod notice;
