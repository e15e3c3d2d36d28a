//! scim-sandbox: an in-memory server that answers like Omni's SCIM 2.0 API (as documented), so
//! omni-scim-panel can be developed and tested without an Omni account.
//!
//! `router` builds the whole app (API, fault injection, control endpoints, optional static panel
//! and CORS); `server::serve` runs it on a listener with an accept loop that can drop a
//! connection without answering.

pub mod auth;
pub mod control;
pub mod embed;
pub mod errors;
pub mod etag;
pub mod faults;
pub mod filter;
pub mod groups;
pub mod ratelimit;
pub mod reqlog;
pub mod rng;
pub mod scim;
pub mod seed;
pub mod server;
pub mod static_files;
pub mod store;
pub mod time;
pub mod users;
pub mod v1;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::errors::ApiError;
use crate::faults::{FaultConfig, FaultState};
use crate::ratelimit::RateLimiter;
use crate::reqlog::RequestLog;
use crate::scim::service_provider_config;
use crate::seed::SeedConfig;
use crate::store::Store;

/// Where the SCIM API lives, as on Omni.
pub const API_BASE: &str = "/api/scim/v2";
pub const DEFAULT_KEY: &str = "sandbox-demo-key";
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// `filter.maxResults` in rfc7644 mode when `--max-count` is not given. The mode caps `count`
/// at it, so that what ServiceProviderConfig says is true.
pub const DEFAULT_RFC_MAX_RESULTS: usize = 1000;

/// Which kind of SCIM server to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Mode {
    /// Omni as documented: no /ServiceProviderConfig (404), no meta.version or ETag, If-Match
    /// ignored, filters only `userName eq "…"` (users) and `displayName eq "…"` (groups),
    /// errors {"detail":"…","status":400}.
    #[default]
    Omni,
    /// GET /ServiceProviderConfig; groups carry meta.version W/"N" and an equal ETag header;
    /// If-Match on PUT/PATCH/DELETE (412 unless `*` or the current version); filters
    /// `ATTR eq|sw|co "…"` joined by and/or (users: userName, displayName, emails.value,
    /// name.givenName, name.familyName, id; groups: displayName), case-insensitive except id;
    /// errors {"schemas":[…Error],"status":"400","scimType":…,"detail":"…"}; Content-Type
    /// application/scim+json; `count` capped at --max-count, else 1000.
    #[value(name = "rfc7644")]
    Rfc7644,
}

/// Everything the server needs to know; built from the command line by `main.rs`.
#[derive(Debug, Clone)]
pub struct Config {
    /// The organization API key that `Authorization: Bearer` must carry.
    pub api_key: String,
    /// More organization keys accepted as well, each with its own rate-limit window.
    pub also_keys: Vec<String>,
    /// A token answered with 403 (Omni refuses personal access tokens on SCIM endpoints).
    pub personal_token: Option<String>,
    pub seed: SeedConfig,
    /// Serve the built panel from this directory at `/`.
    pub serve_dir: Option<PathBuf>,
    /// Answer CORS for this one origin; `None` sends no CORS headers at all.
    pub cors_origin: Option<HeaderValue>,
    /// Fault injection in force at start (changeable at run time via `/__sandbox/faults`).
    pub faults: FaultConfig,
    /// Cap on `count` in list calls (a SCIM server may return fewer than asked); `None` = none.
    pub max_count: Option<usize>,
    /// Largest request body accepted (413 above it).
    pub max_body_bytes: usize,
    pub mode: Mode,
    /// PATCH answers 204 with no body instead of 200 with the group (RFC 7644 §3.5.2 allows
    /// either; a client must handle both).
    pub patch_no_content: bool,
    /// List answers leave every group's `members` out, as if `excludedAttributes=members` had
    /// been asked (a server whose lists never carry members); single-group reads keep them.
    pub lists_without_members: bool,
    /// At most this many API requests per key in any `rate_window` (Omni: 60 a minute), then
    /// 429; `None` = no limit. See `ratelimit`.
    pub rate_limit: Option<u32>,
    /// The rate limit's sliding window: 60 s, shorter only in tests.
    pub rate_window: Duration,
    /// Send `Retry-After` on the rate limit's 429 (Omni documents none).
    pub rate_limit_retry_after: bool,
    /// `userName eq "…"` compares with case, as some servers do (RFC 7643 says userName is
    /// not case-exact, but not every server follows it).
    pub case_exact_user_names: bool,
}

impl Config {
    pub fn rfc(&self) -> bool {
        self.mode == Mode::Rfc7644
    }

    /// The cap on `count` in list calls.
    pub fn max_results(&self) -> Option<usize> {
        match self.mode {
            Mode::Omni => self.max_count,
            Mode::Rfc7644 => Some(self.max_count.unwrap_or(DEFAULT_RFC_MAX_RESULTS)),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            api_key: DEFAULT_KEY.to_string(),
            also_keys: Vec::new(),
            personal_token: None,
            seed: SeedConfig::default(),
            serve_dir: None,
            cors_origin: None,
            faults: FaultConfig::default(),
            max_count: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            mode: Mode::Omni,
            patch_no_content: false,
            lists_without_members: false,
            rate_limit: None,
            rate_window: ratelimit::WINDOW,
            rate_limit_retry_after: false,
            case_exact_user_names: false,
        }
    }
}

/// Shared server state; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

struct Shared {
    config: Config,
    store: Mutex<Store>,
    faults: Mutex<FaultState>,
    requests: Mutex<RequestLog>,
    rate_limiter: Mutex<RateLimiter>,
}

/// A poisoned lock only means another request panicked mid-update; the data is still the best
/// we have, and a test server should keep answering.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    /// Seeds the store from `config.seed`.
    pub fn new(config: Config) -> Self {
        let store = seed::build(&config.seed);
        Self::with_store(config, store)
    }

    /// Uses a ready-made store (tests).
    pub fn with_store(config: Config, store: Store) -> Self {
        let faults = FaultState::new(config.faults.clone());
        AppState(Arc::new(Shared {
            config,
            store: Mutex::new(store),
            faults: Mutex::new(faults),
            requests: Mutex::new(RequestLog::default()),
            rate_limiter: Mutex::new(RateLimiter::default()),
        }))
    }

    pub fn config(&self) -> &Config {
        &self.0.config
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.0.store)
    }

    pub fn faults(&self) -> MutexGuard<'_, FaultState> {
        lock(&self.0.faults)
    }

    pub fn requests(&self) -> MutexGuard<'_, RequestLog> {
        lock(&self.0.requests)
    }

    pub fn rate_limiter(&self) -> MutexGuard<'_, RateLimiter> {
        lock(&self.0.rate_limiter)
    }

    /// Restores the seeded data (faults and the request log are left alone).
    pub fn reset(&self) {
        let fresh = seed::build(&self.0.config.seed);
        *self.store() = fresh;
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let mut api = Router::new().merge(groups::routes()).merge(users::routes());
    if !state.config().rfc() {
        // Omni's own endpoint; a generic SCIM server has none (the catch-all 404 answers).
        api = api.merge(embed::routes());
    }
    if state.config().rfc() {
        // Omni has none (its catch-all 404 answers there); RFC 7644 §4 spells it
        // `ServiceProviderConfig`, and some clients ask in lower case.
        for path in ["/ServiceProviderConfig", "/serviceproviderconfig"] {
            api = api.route(path, get(spc));
        }
    }
    let mut api = guarded(api, &state);
    if state.config().rfc() {
        api = api.layer(axum::middleware::from_fn(errors::rfc_shape));
    }

    let mut app = Router::new().nest(API_BASE, api);
    if !state.config().rfc() {
        // Omni's REST API beside SCIM; a generic SCIM server has none (404 below).
        app = app.nest(v1::API_V1, guarded(v1::routes(), &state));
    }
    let mut app = app
        // Other /api paths must not fall through to the panel's index.html.
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { ApiError::not_found("Not found") }),
        )
        .merge(control::routes(state.clone()));

    app = match &state.config().serve_dir {
        Some(dir) => app.fallback_service(static_files::service(dir)),
        None => app
            .route("/", get(info))
            .fallback(|| async { ApiError::not_found("Not found") }),
    };
    let mut app = app.with_state(state.clone());
    if let Some(origin) = &state.config().cors_origin {
        app = app.layer(cors(origin.clone()));
    }
    app
}

/// Wraps API routes in what every API request goes through: a key-checked 404 for unknown
/// paths, then (outermost last) the request log, faults (which may answer instead of the API,
/// even without a key, as a gateway would), the key check and the rate limit (per key, so only
/// requests with a valid one count).
fn guarded(api: Router<AppState>, state: &AppState) -> Router<AppState> {
    api
        // A catch-all route rather than only a fallback: inside `nest` it outranks the
        // `/api/{*rest}` route below, so unknown API paths still pass the key check.
        .route(
            "/{*rest}",
            axum::routing::any(|| async { ApiError::not_found("Not found") }),
        )
        .fallback(|| async { ApiError::not_found("Not found") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
        })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ratelimit::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_key,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            reqlog::record,
        ))
}

/// CORS for exactly one origin. The layer answers preflights itself, before the key check,
/// since browsers send no Authorization header on a preflight.
fn cors(origin: HeaderValue) -> CorsLayer {
    CorsLayer::new()
        // Echo the origin only when it is the configured one, so other origins get no
        // Access-Control-Allow-Origin header at all.
        .allow_origin(AllowOrigin::predicate(move |o: &HeaderValue, _| {
            o == origin
        }))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
        ])
        .expose_headers([header::RETRY_AFTER, header::ETAG])
        .max_age(Duration::from_secs(600))
}

async fn spc(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    let cfg = state.config();
    let max = cfg.max_results().unwrap_or(DEFAULT_RFC_MAX_RESULTS);
    scim::json_response(
        StatusCode::OK,
        &service_provider_config(max, cfg.max_body_bytes),
    )
}

async fn info() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "scim-sandbox is running.\nSCIM base URL: {API_BASE}\n\
             Start it with --serve DIR to serve the panel here.\n"
        ),
    )
        .into_response()
}
