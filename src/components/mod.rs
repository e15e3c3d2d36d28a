//! Widgets: views used by the screens (`pages`), each rendering state it is given and
//! calling state methods or callbacks on events. No widget imports a screen or the root.

pub mod bulk_add;
pub mod conflict;
pub mod copy_members;
pub mod cross_review;
pub mod cross_run;
pub mod diff_summary;
pub mod export_members;
pub mod field;
pub mod find_user;
pub mod members_table;
pub mod notice;
pub mod progress;
pub mod review;
pub mod snapshot;
