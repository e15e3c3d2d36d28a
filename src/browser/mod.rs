//! The thin layer over browser APIs: HTTP with gloo-net, web storage, timers. Nothing here
//! writes a UI signal: what the state layer needs to hear is handed to it (a returned error, a
//! callback it registered).

pub mod config;
pub mod focus;
pub mod http;
pub mod idle;
pub mod page;
pub mod perf;
pub mod router;
pub mod storage;
pub mod time;
