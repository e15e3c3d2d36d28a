//! Command line for scim-sandbox: parse flags, bind, print where it listens, serve.

use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;

use axum::http::HeaderValue;
use clap::Parser;
use scim_sandbox::faults::{FaultBody, FaultConfig};
use scim_sandbox::seed::{SeedConfig, DEFAULT_SEED};
use scim_sandbox::{router, server, AppState, Config, Mode, API_BASE, DEFAULT_MAX_BODY_BYTES};

/// In-memory server that answers like Omni's SCIM 2.0 API, with demo data and fault injection,
/// for developing and testing omni-scim-panel without an Omni account.
///
/// Control endpoints (loopback only, no key): GET/PUT/DELETE /__sandbox/faults,
/// GET/DELETE /__sandbox/requests, POST /__sandbox/reset, DELETE /__sandbox/rate-limit.
#[derive(Debug, Parser)]
#[command(name = "scim-sandbox", version)]
struct Cli {
    /// Address to listen on; port 0 picks a free port (the real one is printed).
    #[arg(long, default_value = "127.0.0.1:8787")]
    addr: String,

    /// Allow listening on a non-loopback address (the sandbox holds a demo key and
    /// unauthenticated control endpoints; refused without this flag).
    #[arg(long)]
    allow_remote: bool,

    /// Which kind of SCIM server to imitate (sandbox/README.md has the details).
    #[arg(long, value_enum, default_value_t = Mode::Omni, value_name = "MODE")]
    mode: Mode,

    /// PATCH answers 204 No Content without a body (RFC 7644 §3.5.2 allows it) instead of
    /// 200 with the group; in rfc7644 mode the ETag header still carries the new version.
    #[arg(long)]
    patch_no_content: bool,

    /// List answers (`GET /groups`) leave `members` out of every group, as a server whose
    /// lists never carry members; `GET /groups/{id}` keeps them.
    #[arg(long)]
    lists_without_members: bool,

    /// `userName eq "…"` compares with case (a server whose filter is case-sensitive), so
    /// `Grace@Example.com` does not find `grace@example.com`.
    #[arg(long)]
    case_exact_user_names: bool,

    /// Organization API key the API accepts as `Authorization: Bearer KEY`.
    #[arg(long, default_value = scim_sandbox::DEFAULT_KEY)]
    key: String,

    /// Another organization API key the API accepts (repeatable); each key has its own
    /// --rate-limit window.
    #[arg(long, value_name = "KEY")]
    also_key: Vec<String>,

    /// A personal access token that is recognised but refused with 403, as Omni refuses
    /// personal tokens on SCIM endpoints.
    #[arg(long, value_name = "TOKEN")]
    personal_token: Option<String>,

    /// Number of seeded users.
    #[arg(long, default_value_t = 300)]
    users: usize,

    /// Also seed a group "Scale test" with this many members (more users are created if
    /// needed); 0 = no such group.
    #[arg(long, default_value_t = 0, value_name = "N")]
    group_size: usize,

    /// Also seed N small groups "Team 001", "Team 002", … (0–5 members each), after the
    /// others, to exercise paging through many groups.
    #[arg(long, default_value_t = 0, value_name = "N")]
    extra_groups: usize,

    /// Also seed N groups "Project 01", "Project 02", … and people in many groups: Ravi
    /// Shankar (in every Project group and Everyone: N+1 groups), Jane Offboard (Everyone,
    /// Sales, Support and Project 01–09: 12 groups when N >= 9) and Olu Newcomer (Everyone
    /// only). The groups seeded without it keep their ids and members, but Everyone also
    /// holds these three.
    #[arg(long, default_value_t = 0, value_name = "N")]
    many_groups: usize,

    /// Also seed N groups "Unit 001", "Unit 002", … of --member-group-size members each
    /// (distinct users drawn from the seeded ones), after all the others, and Bench Person
    /// (bench.person@blobsrus.co) in every 10th of them: Unit 001, 011, 021, … (50 groups of
    /// 500). The other users and groups keep their ids and members.
    #[arg(long, default_value_t = 0, value_name = "N")]
    member_groups: usize,

    /// Members of each --member-groups group (at most the seeded users plus Bench Person).
    #[arg(long, default_value_t = 200, value_name = "M")]
    member_group_size: usize,

    /// Also seed N embed users (Omni's embed SSO users): listed only by /embed/Users, never by
    /// /Users. They are dealt in turn to the embed entities Acme Retail, Northwind Traders,
    /// Globex Analytics and Initech Partners; each entity with users gets a group
    /// "Embed: <entity>" (after all the others), and every third embed user is also in Sales
    /// (every sixth in Support too). The other users and groups keep their ids.
    #[arg(long, default_value_t = 0, value_name = "N")]
    embed_users: usize,

    /// Some demo groups grant model and connection roles (Engineering, Blob SEs, Sales,
    /// Finance, Support), answered by GET /api/v1/user-groups/{id}/model-roles; without it
    /// every group grants none.
    #[arg(long)]
    model_roles: bool,

    /// Seed of the demo-data generator (same seed and flags, same data).
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,

    /// Serve the static files of DIR (the built panel) at `/`, same origin as the API;
    /// unknown non-API paths get DIR/index.html.
    #[arg(long, value_name = "DIR")]
    serve: Option<PathBuf>,

    /// Answer CORS, including preflights, for this one origin (e.g. http://127.0.0.1:8080).
    /// Without it no CORS headers are sent.
    #[arg(long, value_name = "ORIGIN")]
    cors_origin: Option<String>,

    /// Cap on `count` in list calls, to test clients that must page (default: no cap in omni
    /// mode, 1000 in rfc7644 mode, where it is also ServiceProviderConfig's filter.maxResults).
    #[arg(long, value_name = "N")]
    max_count: Option<usize>,

    /// Largest request body accepted; larger ones get 413.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY_BYTES, value_name = "BYTES")]
    max_body_bytes: usize,

    /// Allow at most N API requests per key in any 60 seconds (a sliding window), as Omni
    /// does (60 a minute by default there); above it `429 Too Many Requests` with Omni's error
    /// body and no Retry-After. Only requests with a valid key count; refused ones do not.
    /// Off by default.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    rate_limit: Option<u32>,

    /// Send `Retry-After: SECONDS` (until a request would pass) on the rate limit's 429s
    /// (Omni documents no such header).
    #[arg(long)]
    rate_limit_retry_after: bool,

    /// The rate limit's window in milliseconds, for tests that cannot wait a minute.
    #[arg(long, default_value_t = 60_000, value_name = "MS", hide = true,
          value_parser = clap::value_parser!(u64).range(1..))]
    rate_window_ms: u64,

    /// Delay every API response by this many milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    latency_ms: u64,

    /// Force this status (e.g. 429, 500, 502, 503) on matching API requests.
    #[arg(long, value_name = "CODE", value_parser = clap::value_parser!(u16).range(200..=599))]
    fail_status: Option<u16>,

    /// Force only every Nth matching API request (1 = all).
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    fail_every: u64,

    /// Force only API requests whose path contains SUBSTRING.
    #[arg(long, value_name = "SUBSTRING")]
    fail_path: Option<String>,

    /// Force only API requests with this method (e.g. PUT).
    #[arg(long, value_name = "METHOD")]
    fail_method: Option<String>,

    /// Send `Retry-After: VALUE` (seconds or an HTTP date, as given) on forced 429/503.
    #[arg(long, value_name = "VALUE")]
    retry_after: Option<String>,

    /// Body of forced answers. Any value but json forces answers even without
    /// --fail-status (then with status 200).
    #[arg(long, value_enum, default_value_t = FaultBody::Json, value_name = "KIND")]
    fault_body: FaultBody,

    /// Drop the TCP connection of forced requests without any answer (a network error).
    /// Applies to all matching requests even without --fail-status.
    #[arg(long)]
    close_connection: bool,

    /// Run the API first (a write is applied), then delay (--latency-ms) or replace (a forced
    /// answer) its answer, for matching requests only: a save that went through and whose
    /// answer was lost.
    #[arg(long)]
    after_write: bool,
}

fn resolve(addr: &str) -> Result<SocketAddr, String> {
    addr.to_socket_addrs()
        .map_err(|e| format!("invalid --addr {addr:?}: {e}"))?
        .next()
        .ok_or_else(|| format!("--addr {addr:?} resolves to no address"))
}

fn config(cli: Cli) -> Result<(Config, SocketAddr, bool), String> {
    let addr = resolve(&cli.addr)?;
    let cors_origin = match cli.cors_origin {
        Some(o) => Some(
            HeaderValue::from_str(o.trim_end_matches('/'))
                .map_err(|_| format!("invalid --cors-origin {o:?}"))?,
        ),
        None => None,
    };
    let faults = FaultConfig {
        latency_ms: cli.latency_ms,
        fail_status: cli.fail_status,
        fail_every: cli.fail_every,
        fail_path: cli.fail_path,
        fail_method: cli.fail_method,
        retry_after: cli.retry_after,
        body: cli.fault_body,
        close_connection: cli.close_connection,
        after_write: cli.after_write,
    };
    faults.validate()?;
    if let Some(dir) = &cli.serve {
        if !dir.join("index.html").is_file() {
            return Err(format!("--serve {}: no index.html there", dir.display()));
        }
    }
    let config = Config {
        api_key: cli.key,
        also_keys: cli.also_key,
        personal_token: cli.personal_token,
        seed: SeedConfig {
            users: cli.users,
            group_size: cli.group_size,
            seed: cli.seed,
            extra_groups: cli.extra_groups,
            many_groups: cli.many_groups,
            member_groups: cli.member_groups,
            member_group_size: cli.member_group_size,
            embed_users: cli.embed_users,
            model_roles: cli.model_roles,
        },
        serve_dir: cli.serve,
        cors_origin,
        faults,
        max_count: cli.max_count,
        max_body_bytes: cli.max_body_bytes,
        mode: cli.mode,
        patch_no_content: cli.patch_no_content,
        lists_without_members: cli.lists_without_members,
        rate_limit: cli.rate_limit,
        rate_window: std::time::Duration::from_millis(cli.rate_window_ms),
        rate_limit_retry_after: cli.rate_limit_retry_after,
        case_exact_user_names: cli.case_exact_user_names,
    };
    Ok((config, addr, cli.allow_remote))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (config, addr, allow_remote) = match config(Cli::parse()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("scim-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let listener = match server::bind(addr, allow_remote).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("scim-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let local = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("scim-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let serving = config.serve_dir.is_some();
    let key = config.api_key.clone();
    let app = router(AppState::new(config));

    // Tests parse these lines: keep their wording.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "scim-sandbox listening on http://{local}");
    let _ = writeln!(out, "SCIM base URL: http://{local}{API_BASE}");
    let _ = writeln!(out, "API key: {key}");
    if serving {
        let _ = writeln!(out, "Panel: http://{local}/");
    }
    let _ = out.flush();
    drop(out);

    tokio::select! {
        r = server::serve(listener, app) => {
            if let Err(e) = r {
                eprintln!("scim-sandbox: {e}");
                return ExitCode::FAILURE;
            }
        }
        _ = tokio::signal::ctrl_c() => {}
    }
    ExitCode::SUCCESS
}
