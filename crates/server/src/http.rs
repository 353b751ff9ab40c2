//! The HTTP API under `/api/v1` (documented in `docs/api.md`) and the listener.
//!
//! Every call is audited server-side (method, path, status, user, remote address) before its
//! response leaves. Errors are `{code, message}` with a 4xx for the caller's mistakes; request
//! bodies are size-limited; nothing the client sends can make a handler panic.

use std::io::SeekFrom;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use dossier_model::{Annotation, AnnotationTarget, AuditRecord, Role, Verdict};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::error::Error;
use crate::scope::View;
use crate::store::{AnnotationWrite, ApiAudit, SessionRecord, UserRecord};
use crate::{Archive, Tokens, feed, now_ms};

/// An error on the wire: status and `{code, message}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::BadRequest(m) => ApiError::new(StatusCode::BAD_REQUEST, "bad_request", m),
            Error::Unauthorized(m) => ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", m),
            Error::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m),
            e @ Error::AccountDisabled => {
                ApiError::new(StatusCode::FORBIDDEN, "account_disabled", e.to_string())
            }
            Error::NotFound => ApiError::new(StatusCode::NOT_FOUND, "not_found", "not found"),
            Error::AlreadyExists(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            Error::Throttled(s) => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                format!("too many failed logins; try again in {s} s"),
            ),
            other => {
                tracing::error!(error = %other, "internal error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({"code": self.code, "message": self.message})),
        )
            .into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

#[derive(Clone)]
struct AppState {
    archive: Arc<Archive>,
}

/// Runs blocking storage work on the blocking pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, Error> + Send + 'static) -> ApiResult<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(_) => Err(Error::Internal("worker failed".into()).into()),
    }
}

/// The slot the audit middleware leaves for the handler to name the user.
#[derive(Clone, Default)]
struct AuditUser(Arc<Mutex<Option<i64>>>);

impl AuditUser {
    fn set(&self, id: i64) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some(id);
        }
    }
}

/// A signed-in caller.
struct Caller {
    user: UserRecord,
    session: SessionRecord,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned())
            .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "missing bearer token"))?;
        let archive = state.archive.clone();
        let (user, session) = blocking(move || archive.authenticate(&token)).await?;
        if let Some(slot) = parts.extensions.get::<AuditUser>() {
            slot.set(user.id);
        }
        Ok(Caller { user, session })
    }
}

impl Caller {
    fn require(&self, roles: &[Role]) -> ApiResult<()> {
        if roles.contains(&self.user.role) {
            Ok(())
        } else {
            Err(
                Error::Forbidden(format!("the {:?} role may not do this", self.user.role).to_lowercase())
                    .into(),
            )
        }
    }
}

fn parse_json<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> ApiResult<T> {
    let body = body.map_err(|r| {
        let status = r.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "too_large"
        } else {
            "bad_request"
        };
        ApiError::new(status, code, r.body_text())
    })?;
    serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("request body: {e}"),
        )
    })
}

fn remote_of(headers: &Parts) -> String {
    headers
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}

async fn audit(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let slot = AuditUser::default();
    req.extensions_mut().insert(slot.clone());
    let method = req.method().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let remote = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    let response = next.run(req).await;
    let user_id = slot.0.lock().ok().and_then(|g| *g);
    let record = ApiAudit {
        at: now_ms(),
        user_id,
        method,
        path: path.chars().take(512).collect(),
        status: response.status().as_u16(),
        remote,
    };
    let archive = state.archive.clone();
    let written = tokio::task::spawn_blocking(move || archive.store().append_api_audit(&[record])).await;
    match written {
        Ok(Ok(())) => response,
        _ => {
            tracing::error!("could not write the API audit record");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "audit unavailable").into_response()
        }
    }
}

/// The API router over an archive.
pub fn router(archive: Arc<Archive>) -> Router {
    let max_body = archive.config().max_body_bytes;
    let state = AppState { archive };
    Router::new()
        .route("/api/v1/login", post(login))
        .route("/api/v1/refresh", post(refresh))
        .route("/api/v1/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/feed", get(feed_handler))
        .route("/api/v1/media/{id}", get(media))
        .route("/api/v1/annotations", post(create_annotation))
        .route(
            "/api/v1/annotations/{id}",
            get(get_annotation)
                .put(update_annotation)
                .delete(delete_annotation),
        )
        .route("/api/v1/audit", post(upload_audit))
        .route("/api/v1/rules", get(get_rules).put(put_rules))
        .route("/api/v1/lexicons", get(get_lexicons))
        .route("/api/v1/lexicons/{name}", put(put_lexicon).delete(delete_lexicon))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .layer(middleware::from_fn_with_state(state.clone(), audit))
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

fn tokens_json(user: &UserRecord, t: &Tokens) -> serde_json::Value {
    json!({
        "access_token": t.access_token,
        "access_expires_at": t.access_expires_at,
        "refresh_token": t.refresh_token,
        "refresh_expires_at": t.refresh_expires_at,
        "user": {"name": user.name, "role": user.role},
    })
}

#[derive(Deserialize)]
struct LoginBody {
    name: String,
    password: String,
}

async fn login(
    State(s): State<AppState>,
    parts: Parts,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let b: LoginBody = parse_json(body)?;
    let remote = remote_of(&parts);
    let slot = parts.extensions.get::<AuditUser>().cloned();
    let archive = s.archive.clone();
    let (user, tokens) = blocking(move || archive.login(&b.name, &b.password, &remote)).await?;
    if let Some(slot) = slot {
        slot.set(user.id);
    }
    Ok(Json(tokens_json(&user, &tokens)).into_response())
}

#[derive(Deserialize)]
struct RefreshBody {
    refresh_token: String,
}

async fn refresh(
    State(s): State<AppState>,
    parts: Parts,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let b: RefreshBody = parse_json(body)?;
    let archive = s.archive.clone();
    let (user, tokens) = blocking(move || archive.refresh(&b.refresh_token)).await?;
    if let Some(slot) = parts.extensions.get::<AuditUser>() {
        slot.set(user.id);
    }
    Ok(Json(tokens_json(&user, &tokens)).into_response())
}

async fn logout(State(s): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    let archive = s.archive.clone();
    let id = caller.session.id;
    blocking(move || archive.logout(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(s): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let archive = s.archive.clone();
    let uid = caller.user.id;
    let (g, head) = blocking(move || Ok((archive.current_grant(uid)?, archive.store().head()?))).await?;
    Ok(Json(json!({
        "name": caller.user.name,
        "role": caller.user.role,
        "grant": g.grant,
        "all": g.resolved.all,
        "employees": g.resolved.employees,
        "departments": g.resolved.departments,
        "lease_expires_at": now_ms().saturating_add((g.grant.lease_secs as i64).saturating_mul(1000)),
        "head": head,
    }))
    .into_response())
}

fn query_params(q: Option<&str>) -> Vec<(&str, &str)> {
    q.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect()
}

fn int_param(params: &[(&str, &str)], name: &str) -> ApiResult<Option<i64>> {
    match params.iter().rev().find(|(k, _)| *k == name) {
        None => Ok(None),
        Some((_, v)) => v.parse::<i64>().map(Some).map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("`{name}` must be an integer"),
            )
        }),
    }
}

fn accepts_zstd(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|enc| {
            let mut parts = enc.split(';');
            let name = parts.next().unwrap_or("").trim();
            let q_zero = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            name.eq_ignore_ascii_case("zstd") && !q_zero
        })
}

async fn feed_handler(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let params = query_params(q.as_deref());
    let after = int_param(&params, "after")?.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "`after` must not be negative",
        ));
    }
    let default_limit = s.archive.config().feed_default_limit as i64;
    let limit = int_param(&params, "limit")?.unwrap_or(default_limit);
    if limit < 1 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "`limit` must be at least 1",
        ));
    }
    let zstd = accepts_zstd(&headers);
    let archive = s.archive.clone();
    let user = caller.user;
    let (body, batch) = blocking(move || {
        let batch = feed::read(&archive, &user, after, limit as usize)?;
        let body = if zstd {
            zstd::bulk::compress(&batch.body, 1).map_err(|e| Error::Internal(format!("zstd: {e}")))?
        } else {
            batch.body.clone()
        };
        Ok((body, (batch.cursor, batch.more, batch.records)))
    })
    .await?;
    let mut resp = Response::new(Body::from(body));
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if zstd {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("zstd"));
    }
    h.insert("x-dossier-cursor", HeaderValue::from(batch.0));
    h.insert(
        "x-dossier-more",
        HeaderValue::from_static(if batch.1 { "true" } else { "false" }),
    );
    h.insert("x-dossier-records", HeaderValue::from(batch.2 as u64));
    Ok(resp)
}

async fn current_view(archive: &Arc<Archive>, user_id: i64) -> ApiResult<View> {
    let archive = archive.clone();
    blocking(move || Ok(archive.current_grant(user_id)?.view())).await
}

/// Parses a single `bytes=` range against a file of `size` bytes: `Ok(None)` for no (or an
/// ignorable) header, `Err(())` for an unsatisfiable range.
#[allow(clippy::result_unit_err)]
pub fn parse_range(header: Option<&str>, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(h) = header else { return Ok(None) };
    let Some(spec) = h.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None); // multiple ranges: answer with the whole file, which RFC 9110 allows
    }
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n: u64 = b.parse().map_err(|_| ())?;
        if n == 0 {
            return Err(());
        }
        (size.saturating_sub(n), size.saturating_sub(1))
    } else {
        let start: u64 = a.parse().map_err(|_| ())?;
        let end = if b.is_empty() {
            size.saturating_sub(1)
        } else {
            b.parse::<u64>().map_err(|_| ())?.min(size.saturating_sub(1))
        };
        (start, end)
    };
    if size == 0 || start >= size || end < start {
        return Err(());
    }
    Ok(Some((start, end)))
}

async fn media(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if id.len() != 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "media id: 64 lowercase hex digits",
        ));
    }
    let view = current_view(&s.archive, caller.user.id).await?;
    let archive = s.archive.clone();
    let mid = id.clone();
    let subjects = blocking(move || archive.store().media_subjects(&mid)).await?;
    if !subjects
        .iter()
        .filter_map(|d| d.subject())
        .any(|sub| view.allows(&sub))
    {
        return Err(Error::NotFound.into());
    }
    let path: PathBuf = s.archive.media_dir().join(&id);
    let mut file = tokio::fs::File::open(&path)
        .await
        .map_err(|_| ApiError::from(Error::NotFound))?;
    let size = file
        .metadata()
        .await
        .map_err(|e| ApiError::from(Error::io(&path, e)))?
        .len();
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let range = match parse_range(range, size) {
        Ok(r) => r,
        Err(()) => {
            let mut resp = ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "range_not_satisfiable",
                "range not satisfiable",
            )
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                resp.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(resp);
        }
    };
    let (status, start, len) = match range {
        Some((a, b)) => (StatusCode::PARTIAL_CONTENT, a, b - a + 1),
        None => (StatusCode::OK, 0, size),
    };
    file.seek(SeekFrom::Start(start))
        .await
        .map_err(|e| ApiError::from(Error::io(&path, e)))?;
    let stream = tokio_util::io::ReaderStream::new(file.take(len));
    let mut resp = Response::new(Body::from_stream(stream));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(v) = HeaderValue::from_str(&format!("bytes {}-{}/{size}", start, start + len - 1))
    {
        h.insert(header::CONTENT_RANGE, v);
    }
    Ok(resp)
}

#[derive(Deserialize)]
struct NewAnnotationBody {
    id: String,
    target: AnnotationTarget,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    tags: Vec<String>,
    verdict: Option<Verdict>,
}

#[derive(Deserialize)]
struct UpdateAnnotationBody {
    version: u64,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    tags: Vec<String>,
    verdict: Option<Verdict>,
}

fn check_annotation_fields(id: &str, comment: &str, tags: &[String]) -> ApiResult<()> {
    let bad = |m: &str| Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", m));
    if id.is_empty() || id.len() > 128 || id.chars().any(char::is_control) {
        return bad("annotation id: 1 to 128 characters, no control characters");
    }
    if comment.len() > 64 * 1024 {
        return bad("comment: at most 64 KiB");
    }
    if tags.len() > 64 || tags.iter().any(|t| t.len() > 256) {
        return bad("tags: at most 64, each at most 256 bytes");
    }
    Ok(())
}

fn conflict(current: &Annotation) -> Response {
    (
        StatusCode::CONFLICT,
        Json(json!({
            "code": "conflict",
            "message": format!("annotation {} is at version {}; merge and retry", current.id, current.version),
            "current": current,
        })),
    )
        .into_response()
}

/// Loads an annotation the caller may see (else not found).
async fn visible_annotation(s: &AppState, caller: &Caller, id: String) -> ApiResult<Annotation> {
    let view = current_view(&s.archive, caller.user.id).await?;
    let archive = s.archive.clone();
    let (ann, subject) = blocking(move || {
        let Some(a) = archive.store().annotation(&id)? else {
            return Err(Error::NotFound);
        };
        let subject = archive.store().target_subject(&a.target)?;
        Ok((a, subject))
    })
    .await?;
    let ok = subject
        .as_ref()
        .and_then(|d| d.subject())
        .is_some_and(|sub| view.allows(&sub));
    if !ok {
        return Err(Error::NotFound.into());
    }
    Ok(ann)
}

async fn create_annotation(
    State(s): State<AppState>,
    caller: Caller,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    caller.require(&[Role::Admin, Role::Reviewer])?;
    let b: NewAnnotationBody = parse_json(body)?;
    check_annotation_fields(&b.id, &b.comment, &b.tags)?;
    let view = current_view(&s.archive, caller.user.id).await?;
    let archive = s.archive.clone();
    let target = b.target.clone();
    let subject = blocking(move || archive.store().target_subject(&target)).await?;
    if !subject
        .as_ref()
        .and_then(|d| d.subject())
        .is_some_and(|sub| view.allows(&sub))
    {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "annotation target not found",
        ));
    }
    let ann = Annotation {
        id: b.id,
        target: b.target,
        author: caller.user.name.clone(),
        comment: b.comment,
        tags: b.tags,
        verdict: b.verdict,
        version: 0,
        updated_at: now_ms(),
        deleted: false,
    };
    let archive = s.archive.clone();
    match blocking(move || archive.store().write_annotation(&ann, None)).await? {
        AnnotationWrite::Saved(a) => Ok((StatusCode::CREATED, Json(a)).into_response()),
        AnnotationWrite::Conflict(cur) => Ok(conflict(&cur)),
        AnnotationWrite::Missing => Err(Error::NotFound.into()),
    }
}

async fn get_annotation(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let a = visible_annotation(&s, &caller, id).await?;
    Ok(Json(a).into_response())
}

async fn write_existing(s: &AppState, mut next: Annotation, version: u64) -> ApiResult<Response> {
    next.updated_at = now_ms();
    let archive = s.archive.clone();
    match blocking(move || archive.store().write_annotation(&next, Some(version))).await? {
        AnnotationWrite::Saved(a) => Ok(Json(a).into_response()),
        AnnotationWrite::Conflict(cur) => Ok(conflict(&cur)),
        AnnotationWrite::Missing => Err(Error::NotFound.into()),
    }
}

fn may_edit(caller: &Caller, a: &Annotation) -> ApiResult<()> {
    caller.require(&[Role::Admin, Role::Reviewer])?;
    if caller.user.role != Role::Admin && a.author != caller.user.name {
        return Err(Error::Forbidden("only the author or an admin may change an annotation".into()).into());
    }
    Ok(())
}

async fn update_annotation(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let b: UpdateAnnotationBody = parse_json(body)?;
    check_annotation_fields(&id, &b.comment, &b.tags)?;
    let cur = visible_annotation(&s, &caller, id).await?;
    may_edit(&caller, &cur)?;
    let next = Annotation {
        comment: b.comment,
        tags: b.tags,
        verdict: b.verdict,
        deleted: false,
        ..cur
    };
    write_existing(&s, next, b.version).await
}

async fn delete_annotation(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let params = query_params(q.as_deref());
    let version = int_param(&params, "version")?
        .filter(|v| *v >= 0)
        .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "`version` is required"))?;
    let cur = visible_annotation(&s, &caller, id).await?;
    may_edit(&caller, &cur)?;
    let next = Annotation { deleted: true, ..cur };
    write_existing(&s, next, version as u64).await
}

#[derive(Deserialize)]
struct AuditBody {
    records: Vec<AuditRecord>,
}

async fn upload_audit(
    State(s): State<AppState>,
    caller: Caller,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let b: AuditBody = parse_json(body)?;
    if b.records.len() > 10_000 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "at most 10000 records per upload",
        ));
    }
    // The actor is who signed in, whatever the client wrote.
    let name = caller.user.name.clone();
    let records: Vec<AuditRecord> = b
        .records
        .into_iter()
        .map(|r| AuditRecord {
            actor: name.clone(),
            ..r
        })
        .collect();
    let n = records.len();
    let archive = s.archive.clone();
    blocking(move || archive.store().append_client_audit(&name, &records)).await?;
    Ok(Json(json!({"accepted": n})).into_response())
}

async fn get_rules(State(s): State<AppState>, _caller: Caller) -> ApiResult<Response> {
    let archive = s.archive.clone();
    let rules = blocking(move || archive.store().rules()).await?;
    let body = format!("{{\"rules\":{}}}", rules.as_deref().unwrap_or("null"));
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn put_rules(
    State(s): State<AppState>,
    caller: Caller,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    caller.require(&[Role::Admin])?;
    let file: dossier_rules::RulesFile = parse_json(body)?;
    if let Err(e) = dossier_rules::Scanner::from_file(file.clone()) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("rules: {e}"),
        ));
    }
    let json = serde_json::to_string(&file).map_err(Error::from)?;
    let archive = s.archive.clone();
    let changed = blocking(move || archive.store().set_rules(&json)).await?;
    Ok(Json(json!({"changed": changed})).into_response())
}

async fn get_lexicons(State(s): State<AppState>, _caller: Caller) -> ApiResult<Response> {
    let archive = s.archive.clone();
    let lex = blocking(move || archive.store().lexicons()).await?;
    let list: Vec<_> = lex
        .into_iter()
        .map(|(name, words)| json!({"name": name, "words": words}))
        .collect();
    Ok(Json(json!({"lexicons": list})).into_response())
}

#[derive(Deserialize)]
struct LexiconBody {
    words: Vec<String>,
}

fn check_lexicon_name(name: &str) -> ApiResult<()> {
    if name.is_empty() || name.len() > 128 || name.chars().any(char::is_control) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "lexicon name: 1 to 128 characters",
        ));
    }
    Ok(())
}

async fn put_lexicon(
    State(s): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    caller.require(&[Role::Admin])?;
    check_lexicon_name(&name)?;
    let b: LexiconBody = parse_json(body)?;
    let archive = s.archive.clone();
    let n = b.words.len();
    blocking(move || archive.store().set_lexicon(&name, Some(&b.words))).await?;
    Ok(Json(json!({"words": n})).into_response())
}

async fn delete_lexicon(
    State(s): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require(&[Role::Admin])?;
    check_lexicon_name(&name)?;
    let archive = s.archive.clone();
    blocking(move || archive.store().set_lexicon(&name, None)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How to listen.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Address to bind (port 0 picks a free one).
    pub listen: SocketAddr,
    /// PEM certificate chain and private key for TLS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Allow plain HTTP on a non-loopback address (behind a TLS-terminating proxy).
    pub allow_insecure_http: bool,
}

/// A running server.
#[derive(Debug)]
pub struct Running {
    /// The bound address.
    pub addr: SocketAddr,
    /// Whether it speaks TLS.
    pub tls: bool,
    handle: axum_server::Handle<SocketAddr>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Asks the server to stop (connections in flight get 5 s); [`Running::shutdown`] also waits.
    pub fn stop(&self) {
        self.handle
            .graceful_shutdown(Some(std::time::Duration::from_secs(5)));
    }

    /// Stops accepting and waits for the server to end.
    pub async fn shutdown(self) {
        self.handle
            .graceful_shutdown(Some(std::time::Duration::from_secs(5)));
        let _ = self.task.await;
    }

    /// Waits until the server ends (it runs until shut down or a fatal error).
    pub async fn wait(self) -> std::io::Result<()> {
        match self.task.await {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        }
    }
}

fn tls_config(cert: &std::path::Path, key: &std::path::Path) -> Result<rustls::ServerConfig, Error> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| Error::bad(format!("{}: {e}", cert.display())))?;
    if certs.is_empty() {
        return Err(Error::bad(format!("{}: no certificate", cert.display())));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| Error::bad(format!("{}: {e}", key.display())))?;
    let mut cfg =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Internal(format!("tls: {e}")))?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|e| Error::bad(format!("tls certificate/key: {e}")))?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(cfg)
}

/// Binds and starts serving `archive`. Plain HTTP is refused on a non-loopback address unless
/// `allow_insecure_http`.
pub async fn serve(archive: Arc<Archive>, options: ServeOptions) -> Result<Running, Error> {
    if options.tls.is_none() && !options.listen.ip().is_loopback() && !options.allow_insecure_http {
        return Err(Error::bad(format!(
            "refusing plain HTTP on {}: give --tls-cert and --tls-key, or --allow-insecure-http behind a TLS proxy",
            options.listen
        )));
    }
    let listener =
        TcpListener::bind(options.listen).map_err(|e| Error::bad(format!("bind {}: {e}", options.listen)))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::Internal(format!("listener: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Internal(format!("listener: {e}")))?;
    let app = router(archive).into_make_service_with_connect_info::<SocketAddr>();
    let handle = axum_server::Handle::new();
    let tls = options.tls.is_some();
    let task = match &options.tls {
        Some((cert, key)) => {
            let cfg = axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(tls_config(cert, key)?));
            let server = axum_server::from_tcp_rustls(listener, cfg)
                .map_err(|e| Error::Internal(format!("listener: {e}")))?
                .handle(handle.clone());
            tokio::spawn(server.serve(app))
        }
        None => {
            let server = axum_server::from_tcp(listener)
                .map_err(|e| Error::Internal(format!("listener: {e}")))?
                .handle(handle.clone());
            tokio::spawn(server.serve(app))
        }
    };
    Ok(Running {
        addr,
        tls,
        handle,
        task,
    })
}
