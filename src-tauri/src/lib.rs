//! The Dossier desktop shell: one window showing the UI from `ui/dist`, and the commands it may
//! call. Operations belong in `crates/api` (DESIGN.md); this crate only registers them.

mod commands;
mod error;

pub use commands::AppInfo;
pub use error::ShellError;

/// Start the app and block until the last window closes.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::connect_server,
            commands::open_demo,
        ])
        // The config lives at the repository root (see build.rs for why and how).
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Tauri event loop failed to start");
}
