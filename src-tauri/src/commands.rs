//! The commands the window calls. All async: a synchronous command runs on the main thread and
//! freezes the window (FIELD-NOTES).

use serde::{Deserialize, Serialize};

use crate::error::ShellError;

/// Version and platform of the running app, shown in the footer.
#[derive(Debug, Clone, Serialize)]
pub struct AppInfo {
    /// The application version (`tauri.conf.json` has none, so this is the crate version).
    pub version: String,
    /// `std::env::consts::OS`: `linux`, `windows`, `macos`.
    pub os: &'static str,
    /// `std::env::consts::ARCH`: `x86_64`, `aarch64`.
    pub arch: &'static str,
    /// Version of the system webview, when it can be read.
    pub webview: Option<String>,
}

#[tauri::command]
pub async fn app_info(app: tauri::AppHandle) -> AppInfo {
    AppInfo {
        version: app.package_info().version.to_string(),
        os: std::env::consts::OS,
        arch: std::env::consts::ARCH,
        webview: tauri::webview_version().ok(),
    }
}

/// Where and as whom to sign in.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectRequest {
    server_url: String,
    user: String,
    #[expect(dead_code, reason = "read by the sync client once it exists; never logged")]
    password: String,
}

// Hand-written so the password can never reach a log through `{:?}`.
impl std::fmt::Debug for ConnectRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectRequest")
            .field("server_url", &self.server_url)
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[tauri::command]
pub async fn connect_server(request: ConnectRequest) -> Result<(), ShellError> {
    tracing::info!(server = %request.server_url, user = %request.user, "connect requested");
    Err(ShellError::NotAvailable {
        what: "connecting to an archive server",
        why: "the archive server and sync client are not built yet",
    })
}

#[tauri::command]
pub async fn open_demo() -> Result<(), ShellError> {
    Err(ShellError::NotAvailable {
        what: "the demo archive",
        why: "the demo generator is not wired into the app yet",
    })
}
