//! The commands the window calls. All async: a synchronous command runs on the main thread and
//! freezes the window (FIELD-NOTES).

use serde::Serialize;

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
