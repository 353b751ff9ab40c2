//! Routes: `POST /api/<command>` (bearer token), `GET /media/<sdkfileid>` (token in the query),
//! and the UI files from `ui/dist` for any other `GET`.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use dossier_api::{ApiError, ErrorCode};
use serde::Deserialize;

use crate::commands;
use crate::state::Bridge;

/// The desktop app's CSP (tauri.conf.json) with `connect-src 'self'` in place of IPC, so the
/// browser holds the UI to the same rules as the webview.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
     font-src 'self'; connect-src 'self'; object-src 'none'; frame-src 'none'; base-uri 'none'; \
     form-action 'none'";

#[derive(Clone)]
struct Ctx {
    bridge: Bridge,
    token: Arc<str>,
    dist: Arc<Path>,
}

pub fn router(bridge: Bridge, token: String, dist: PathBuf) -> Router {
    let ctx = Ctx {
        bridge,
        token: token.into(),
        dist: dist.into(),
    };
    let guarded = Router::new()
        .route("/api/{command}", post(command))
        .route("/media/{id}", get(media))
        .route_layer(middleware::from_fn_with_state(ctx.clone(), authorise));
    Router::new()
        .merge(guarded)
        .fallback(get(ui_file))
        .with_state(ctx)
}

/// The URL `media_url` answers: this bridge's media route with the token.
pub fn media_url(sdkfileid: &str, token: &str) -> String {
    format!("/media/{}?token={token}", encode(sdkfileid))
}

/// Equal length and every byte equal, without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn authorise(State(ctx): State<Ctx>, request: Request, next: Next) -> Response {
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let query = request.uri().query().and_then(|q| {
        q.split('&')
            .find_map(|p| p.strip_prefix("token="))
            .filter(|_| request.uri().path().starts_with("/media/"))
    });
    match bearer.or(query) {
        Some(t) if same(t.as_bytes(), ctx.token.as_bytes()) => next.run(request).await,
        _ => error(
            StatusCode::UNAUTHORIZED,
            ApiError::new(ErrorCode::Forbidden, "the bridge token is missing or wrong"),
        ),
    }
}

fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::BadInput => StatusCode::BAD_REQUEST,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Busy | ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::WrongPassphrase
        | ErrorCode::LeaseExpired
        | ErrorCode::SignInRequired
        | ErrorCode::Forbidden
        | ErrorCode::AccountDisabled => StatusCode::FORBIDDEN,
        ErrorCode::Offline => StatusCode::BAD_GATEWAY,
        ErrorCode::Integrity | ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn error(status: StatusCode, e: ApiError) -> Response {
    (status, axum::Json(e)).into_response()
}

async fn command(State(ctx): State<Ctx>, UrlPath(name): UrlPath<String>, body: Bytes) -> Response {
    let args = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    ApiError::bad_input(format!("the body is not JSON: {e}")),
                );
            }
        }
    };
    match commands::dispatch(&ctx.bridge, &ctx.token, &name, args).await {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => error(status_of(e.code), e),
    }
}

#[derive(Deserialize)]
struct MediaQuery {
    thumb: Option<String>,
}

async fn media(
    State(ctx): State<Ctx>,
    UrlPath(id): UrlPath<String>,
    Query(q): Query<MediaQuery>,
) -> Response {
    let session = match ctx.bridge.session() {
        Ok(s) => s,
        Err(e) => return error(status_of(e.code), e),
    };
    let thumbnail = q.thumb.as_deref() == Some("1");
    // From the cache, else fetched from the linked server now, as the shell's media protocol does.
    match ctx.bridge.link().media(&session, id, thumbnail).await {
        Ok(mut m) => {
            let mut headers = HeaderMap::new();
            if let Ok(v) = HeaderValue::from_str(&m.mime) {
                headers.insert(header::CONTENT_TYPE, v);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
            (headers, std::mem::take(&mut *m.bytes)).into_response()
        }
        Err(e) => error(status_of(e.code), e),
    }
}

/// A file of the built UI; `/` and unknown paths without an extension get `index.html`.
async fn ui_file(State(ctx): State<Ctx>, uri: axum::http::Uri) -> Response {
    let rel = uri.path().trim_start_matches('/');
    let rel = Path::new(rel);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let path = if rel.as_os_str().is_empty() || rel.extension().is_none() {
        ctx.dist.join("index.html")
    } else {
        ctx.dist.join(rel)
    };
    let Ok(bytes) = tokio::fs::read(&path).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response()
}

/// Percent-encodes everything but unreserved characters.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
