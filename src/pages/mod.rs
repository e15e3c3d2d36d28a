//! Screens: one per route, plus the connection (card and top bar line). Each is a short function composed of
//! named sub-views; it reads the app's state from context and uses widgets (`components`).

pub mod activity;
pub mod connect;
pub mod group;
pub mod groups;
pub mod people;
