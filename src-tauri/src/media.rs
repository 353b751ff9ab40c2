//! The `media` protocol: decrypted media of the open profile by SDK file id, straight from the
//! vault into the webview (raw bytes, no JSON, no file path ever exposed). Anything not in the
//! open profile answers 404.

use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use dossier_api::connect::Connection;

use crate::state::AppState;

/// The scheme name.
pub const SCHEME: &str = "media";

/// The URL of a media file (Windows and Android serve custom schemes as `http://<scheme>.localhost`).
pub fn url(sdkfileid: &str) -> String {
    let id = encode(sdkfileid);
    if cfg!(any(windows, target_os = "android")) {
        format!("http://{SCHEME}.localhost/{id}")
    } else {
        format!("{SCHEME}://localhost/{id}")
    }
}

/// Serves one request on the async runtime.
pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let session = ctx.app_handle().state::<AppState>().session();
    let link = ctx.app_handle().state::<Connection>().inner().clone();
    let id = decode(request.uri().path().trim_start_matches('/'));
    let thumbnail = request
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "thumb=1"));
    tauri::async_runtime::spawn(async move {
        let response = match (session, id) {
            (Ok(session), Some(id)) => match link.media(&session, id, thumbnail).await {
                Ok(mut media) => Response::builder()
                    .status(StatusCode::OK)
                    .header(header::CONTENT_TYPE, media.mime.as_str())
                    .header(header::CACHE_CONTROL, "no-store")
                    .header("X-Content-Type-Options", "nosniff")
                    .body(std::mem::take(&mut *media.bytes)),
                Err(e) if e.code == dossier_api::ErrorCode::NotFound => status(StatusCode::NOT_FOUND),
                Err(_) => status(StatusCode::INTERNAL_SERVER_ERROR),
            },
            (Err(_), _) => status(StatusCode::NOT_FOUND),
            (_, None) => status(StatusCode::BAD_REQUEST),
        };
        responder.respond(response.unwrap_or_else(|_| Response::new(Vec::new())));
    });
}

fn status(code: StatusCode) -> Result<Response<Vec<u8>>, tauri::http::Error> {
    Response::builder().status(code).body(Vec::new())
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

fn decode(s: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(s.len());
    let mut it = s.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex = [it.next()?, it.next()?];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok().filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_the_url() {
        for id in ["CtYBMzA2OTAyMDEwMjA0M/+=", "a b/c?d#e%f", "中文"] {
            let url = url(id);
            let path = url.rsplit_once('/').unwrap().1;
            assert!(!path.contains(['/', '?', '#', ' ']));
            assert_eq!(decode(path).as_deref(), Some(id));
        }
        assert_eq!(decode("%zz"), None);
        assert_eq!(decode(""), None);
    }
}
