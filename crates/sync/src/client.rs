//! The HTTP client of the archive server: sign-in, token refresh, sign-out, and requests that
//! refresh an expired access token by themselves and retry what a retry can fix.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;
use reqwest::{RequestBuilder, Response, StatusCode};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Retries of transient failures (5xx, timeouts, dropped connections, truncated bodies):
/// exponential backoff with full jitter, `attempts` in a row without progress at most.
#[derive(Clone, Debug)]
pub struct Retry {
    /// Failed attempts in a row before giving up.
    pub attempts: u32,
    /// Delay after the first failure (the upper bound of its jitter).
    pub base: Duration,
    /// Longest delay.
    pub max: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 8,
            base: Duration::from_millis(500),
            max: Duration::from_secs(30),
        }
    }
}

impl Retry {
    /// The delay before attempt `failures + 1`: uniform in `[d/2, d]` with
    /// `d = min(max, base · 2^(failures−1))`, so clients that failed together spread out.
    pub fn delay(&self, failures: u32) -> Duration {
        let exp = failures.saturating_sub(1).min(20);
        let d = self.base.saturating_mul(1 << exp).min(self.max);
        let half = d / 2;
        let jitter = rand::rng().random_range(0..=half.as_micros().max(1) as u64);
        half + Duration::from_micros(jitter)
    }
}

/// Client settings with typed defaults.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Connecting to the server.
    pub connect_timeout: Duration,
    /// Longest silence while waiting for response bytes (a stalled server or proxy).
    pub read_timeout: Duration,
    /// Retries of transient failures.
    pub retry: Retry,
    /// Allow plain HTTP to a host that is not loopback (behind a TLS-terminating proxy only).
    pub allow_insecure_http: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            retry: Retry::default(),
            allow_insecure_http: false,
        }
    }
}

/// The tokens of a session. Kept in the vault's encrypted database between runs
/// ([`crate::session`]); never logged.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    /// Access token (`Authorization: Bearer …`).
    pub access_token: String,
    /// Its expiry, ms since the epoch.
    pub access_expires_at: i64,
    /// Refresh token (single use).
    pub refresh_token: String,
    /// Its expiry, ms since the epoch.
    pub refresh_expires_at: i64,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_expires_at", &self.access_expires_at)
            .field("refresh_expires_at", &self.refresh_expires_at)
            .finish_non_exhaustive()
    }
}

/// The signed-in account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Account name.
    pub name: String,
    /// Role (`admin`, `reviewer`, `auditor`).
    pub role: String,
}

#[derive(Deserialize)]
struct SessionAnswer {
    #[serde(flatten)]
    tokens: Tokens,
    user: Account,
}

#[derive(Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
}

/// Why one attempt failed: worth retrying or not.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Retry after a delay (5xx, timeout, dropped connection, truncated body).
    Transient(String),
    /// Stop.
    Fatal(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Fatal(e)
    }
}

/// Classifies a transport error: everything on the wire is worth a retry, a request we could not
/// even build is not.
pub(crate) fn transport(e: reqwest::Error) -> Failure {
    if e.is_builder() {
        return Failure::Fatal(Error::Internal(format!("request: {e}")));
    }
    Failure::Transient(describe(&e.without_url()))
}

/// An error with its chain of causes (reqwest's own text is terse: "error decoding response body").
pub(crate) fn describe(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

/// The failure an error status stands for. 401 is handled by the caller (refresh) first.
pub(crate) async fn status_failure(resp: Response) -> Failure {
    let status = resp.status();
    let body = resp.bytes().await.unwrap_or_default();
    let (code, message) = match serde_json::from_slice::<ErrorBody>(&body) {
        Ok(b) => (b.code, b.message),
        Err(_) => (
            String::new(),
            String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
        ),
    };
    if status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT {
        return Failure::Transient(format!("{status} {code}: {message}"));
    }
    Failure::Fatal(match status {
        StatusCode::UNAUTHORIZED => Error::Unauthorized(message),
        StatusCode::FORBIDDEN if code == "account_disabled" => Error::AccountDisabled,
        StatusCode::FORBIDDEN => Error::Forbidden(message),
        StatusCode::TOO_MANY_REQUESTS => Error::Throttled(message),
        _ => Error::Server {
            status: status.as_u16(),
            code,
            message,
        },
    })
}

struct State {
    tokens: Option<Tokens>,
    account: Option<Account>,
    /// Bumped whenever the tokens change (so sync knows when to persist them).
    generation: u64,
}

struct Inner {
    base: String,
    server: String,
    http: reqwest::Client,
    options: ClientOptions,
    runtime: tokio::runtime::Handle,
    state: Mutex<State>,
    refreshing: tokio::sync::Mutex<()>,
}

/// A client of one archive server. Cheap to clone (shared state); async methods run on the
/// runtime given at creation, which [`crate::sync()`] also uses for its network task.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("server", &self.inner.server)
            .finish()
    }
}

const REFRESH_MARGIN_MS: i64 = 30_000;

fn check_url(url: &str, allow_insecure: bool) -> Result<String> {
    let url = url.trim_end_matches('/');
    let rest = if let Some(r) = url.strip_prefix("https://") {
        r
    } else if let Some(r) = url.strip_prefix("http://") {
        let host = r.split('/').next().unwrap_or("");
        let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
        let loopback = matches!(host, "localhost" | "[::1]") || host.starts_with("127.");
        if !loopback && !allow_insecure {
            return Err(Error::Url(format!(
                "{url}: plain HTTP is only for a server on this machine; use https://"
            )));
        }
        r
    } else {
        return Err(Error::Url(format!("{url}: expected http:// or https://")));
    };
    if rest.is_empty() {
        return Err(Error::Url(format!("{url}: no host")));
    }
    Ok(url.to_owned())
}

impl Client {
    /// A client of the server at `url` (`https://host:port`, or `http://127.0.0.1:port`).
    pub fn new(url: &str, options: ClientOptions, runtime: tokio::runtime::Handle) -> Result<Client> {
        let server = check_url(url, options.allow_insecure_http)?;
        // reqwest is built without a default crypto provider; ring is what the server uses too.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .read_timeout(options.read_timeout)
            .build()
            .map_err(|e| Error::Internal(format!("http client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                base: format!("{server}/api/v1"),
                server,
                http,
                options,
                runtime,
                state: Mutex::new(State {
                    tokens: None,
                    account: None,
                    generation: 0,
                }),
                refreshing: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// The server URL (without `/api/v1`).
    pub fn server(&self) -> &str {
        &self.inner.server
    }

    /// The settings.
    pub fn options(&self) -> &ClientOptions {
        &self.inner.options
    }

    pub(crate) fn runtime(&self) -> &tokio::runtime::Handle {
        &self.inner.runtime
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.inner.base)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The signed-in account, if any.
    pub fn account(&self) -> Option<Account> {
        self.state().account.clone()
    }

    /// The current tokens and their generation (bumped on every change).
    pub fn tokens(&self) -> Option<(Tokens, u64)> {
        let s = self.state();
        s.tokens.clone().map(|t| (t, s.generation))
    }

    /// Resumes a session from stored tokens (no request is made; a dead session shows on the
    /// first call as [`Error::Unauthorized`]).
    pub fn resume(&self, tokens: Tokens, account: Account) {
        let mut s = self.state();
        s.tokens = Some(tokens);
        s.account = Some(account);
        s.generation += 1;
    }

    fn set_session(&self, answer: SessionAnswer) -> Account {
        self.resume(answer.tokens, answer.user.clone());
        answer.user
    }

    /// Posts `body` to a session endpoint (`/login`, `/refresh`), retrying transient failures.
    async fn post_session(&self, path: &str, body: &serde_json::Value) -> Result<SessionAnswer> {
        self.retrying(|| async {
            let resp = self
                .inner
                .http
                .post(self.url(path))
                .json(body)
                .send()
                .await
                .map_err(transport)?;
            if !resp.status().is_success() {
                return Err(status_failure(resp).await);
            }
            resp.json::<SessionAnswer>().await.map_err(transport)
        })
        .await
    }

    /// Signs in. Bad credentials (or a disabled account: the server does not tell them apart) are
    /// [`Error::Unauthorized`]; transient failures are retried.
    pub async fn login(&self, name: &str, password: &str) -> Result<Account> {
        let body = serde_json::json!({ "name": name, "password": password });
        let answer = self.post_session("/login", &body).await?;
        Ok(self.set_session(answer))
    }

    /// Exchanges the refresh token for new tokens. `seen` is the generation the caller's failed
    /// request used: when another task refreshed meanwhile, nothing more is done.
    async fn refresh_from(&self, seen: u64) -> Result<()> {
        let _one = self.inner.refreshing.lock().await;
        let refresh_token = {
            let s = self.state();
            if s.generation != seen {
                return Ok(());
            }
            match &s.tokens {
                Some(t) => t.refresh_token.clone(),
                None => return Err(Error::NotSignedIn),
            }
        };
        let body = serde_json::json!({ "refresh_token": refresh_token });
        let answer = self.post_session("/refresh", &body).await?;
        self.set_session(answer);
        Ok(())
    }

    /// Refreshes the tokens now.
    pub async fn refresh(&self) -> Result<()> {
        let seen = self.state().generation;
        self.refresh_from(seen).await
    }

    /// Signs out: the server ends the session; the tokens are forgotten either way.
    pub async fn logout(&self) -> Result<()> {
        let result = self
            .retrying(|| async {
                let resp = self.authed(|h| h.post(self.url("/logout"))).await?;
                if !resp.status().is_success() {
                    return Err(status_failure(resp).await);
                }
                Ok(())
            })
            .await;
        let mut s = self.state();
        s.tokens = None;
        s.account = None;
        s.generation += 1;
        result
    }

    /// Sends a request with the access token: refreshes first when it is about to expire, and
    /// once more (then resends) when the server answers 401. Other statuses are the caller's.
    pub(crate) async fn authed(
        &self,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Response, Failure> {
        for attempt in 0..2 {
            let (token, generation, expires) = {
                let s = self.state();
                let t = s.tokens.as_ref().ok_or(Error::NotSignedIn)?;
                (t.access_token.clone(), s.generation, t.access_expires_at)
            };
            if attempt == 0 && expires - REFRESH_MARGIN_MS <= dossier_vault::now_ms() {
                self.refresh_from(generation).await?;
                continue;
            }
            let resp = build(&self.inner.http)
                .bearer_auth(&token)
                .send()
                .await
                .map_err(transport)?;
            if resp.status() == StatusCode::UNAUTHORIZED && attempt == 0 {
                self.refresh_from(generation).await?;
                continue;
            }
            return Ok(resp);
        }
        // The second pass only runs after a refresh; a 401 then is final.
        Err(Failure::Fatal(Error::Unauthorized(
            "the server refused a freshly refreshed session".into(),
        )))
    }

    /// Runs `op` until it succeeds, fails fatally, or fails [`Retry::attempts`] times in a row.
    pub(crate) async fn retrying<T, F, Fut>(&self, mut op: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, Failure>>,
    {
        let retry = &self.inner.options.retry;
        let mut failures = 0u32;
        loop {
            match op().await {
                Ok(v) => return Ok(v),
                Err(Failure::Fatal(e)) => return Err(e),
                Err(Failure::Transient(why)) => {
                    failures += 1;
                    if failures >= retry.attempts {
                        return Err(Error::Unavailable {
                            attempts: failures,
                            last: why,
                        });
                    }
                    tracing::warn!(failures, reason = %why, "request failed; retrying");
                    tokio::time::sleep(retry.delay(failures)).await;
                }
            }
        }
    }

    /// `GET /api/v1/me`: the account, its grant and the feed head.
    pub async fn me(&self) -> Result<serde_json::Value> {
        self.retrying(|| async {
            let resp = self.authed(|h| h.get(self.url("/me"))).await?;
            if !resp.status().is_success() {
                return Err(status_failure(resp).await);
            }
            resp.json().await.map_err(transport)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stay_bounded() {
        let r = Retry {
            attempts: 10,
            base: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        for _ in 0..50 {
            let d1 = r.delay(1);
            assert!(
                d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100),
                "{d1:?}"
            );
            let d3 = r.delay(3);
            assert!(
                d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400),
                "{d3:?}"
            );
            let d9 = r.delay(9);
            assert!(
                d9 >= Duration::from_millis(500) && d9 <= Duration::from_secs(1),
                "{d9:?}"
            );
        }
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(check_url("http://127.0.0.1:8080/", false).is_ok());
        assert!(check_url("http://localhost:1", false).is_ok());
        assert!(check_url("https://archive.example.com", false).is_ok());
        assert!(check_url("http://archive.example.com", false).is_err());
        assert!(check_url("http://archive.example.com", true).is_ok());
        assert!(check_url("ftp://x", true).is_err());
    }
}
