//! The thin layer over browser APIs: HTTP with gloo-net, and web storage.

pub mod config;
pub mod http;
pub mod idle;
pub mod perf;
pub mod router;
pub mod storage;
