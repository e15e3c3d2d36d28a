//! The accept loop. axum::serve always answers; to let a faulted request end in a dropped
//! connection (what a client sees as a network error), each connection is served by hyper
//! directly, and a response marked `CloseConnection` is turned into a service error, on which
//! hyper closes the connection without writing anything.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::faults::CloseConnection;

#[derive(Debug)]
struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

/// Serves `app` on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, app: Router) -> std::io::Result<()> {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                // E.g. out of file descriptors: wait a little instead of spinning.
                eprintln!("scim-sandbox: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |mut req: Request<Incoming>| {
                // Lets the control endpoints check that the caller is on loopback.
                req.extensions_mut().insert(ConnectInfo(peer));
                let app = app.clone();
                async move {
                    let res = match app.oneshot(req).await {
                        Ok(res) => res,
                        Err(never) => match never {},
                    };
                    if res.extensions().get::<CloseConnection>().is_some() {
                        return Err(DropConnection);
                    }
                    Ok::<_, DropConnection>(res)
                }
            });
            // Errors here are per-connection (client went away, dropped on purpose).
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

/// Binds `addr`; with `allow_remote == false` refuses anything but loopback addresses, since
/// the sandbox hands out its API key and control endpoints to whoever can reach it.
pub async fn bind(addr: SocketAddr, allow_remote: bool) -> Result<TcpListener, String> {
    if !addr.ip().to_canonical().is_loopback() && !allow_remote {
        return Err(format!(
            "refusing to listen on non-loopback address {addr}: the sandbox has a demo API key \
             and unauthenticated control endpoints. Pass --allow-remote if you really mean it."
        ));
    }
    TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))
}
