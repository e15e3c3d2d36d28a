//! Leptos components. Each renders state held elsewhere and calls core methods on events.

pub mod activity;
pub mod bulk_add;
pub mod conflict;
pub mod connect;
pub mod field;
pub mod find_user;
pub mod focus;
pub mod group_editor;
pub mod group_loader;
pub mod groups_list;
pub mod members_table;
pub mod notice;
pub mod progress;
pub mod review;
