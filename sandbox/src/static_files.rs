//! `--serve DIR`: the built panel at `/`, same origin as the API so the browser needs no CORS.
//! Unknown paths get index.html (client-side routes); HTML is sent with `Cache-Control:
//! no-cache` so a rebuilt panel is picked up on reload.

use std::convert::Infallible;
use std::path::Path;

use axum::body::Body;
use axum::http::{header, HeaderValue, Request};
use axum::response::{IntoResponse, Response};
use tower::util::BoxCloneSyncService;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

pub type StaticService = BoxCloneSyncService<Request<Body>, Response, Infallible>;

pub fn service(dir: &Path) -> StaticService {
    let serve = ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")));
    let svc = ServiceExt::<Request<Body>>::map_response(serve, |res| {
        let mut res = res.into_response();
        let is_html = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/html"));
        if is_html {
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
        res
    });
    BoxCloneSyncService::new(svc)
}
