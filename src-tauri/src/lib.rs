//! The Dossier desktop shell: one window showing the UI from `ui/dist`, and the commands it may
//! call. Operations belong in `crates/api` (DESIGN.md); this crate only registers them.

mod browse;
mod commands;
mod connect;
mod external;
mod media;
mod review;
mod state;

pub use commands::AppInfo;

/// Start the app and block until the last window closes.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    tauri::Builder::default()
        .setup(|app| {
            use tauri::Manager;
            // `DOSSIER_PROFILES_DIR` lets tests and demos keep profiles away from the user's.
            let root = match std::env::var_os("DOSSIER_PROFILES_DIR") {
                Some(dir) => dir.into(),
                None => app.path().app_data_dir()?.join("profiles"),
            };
            app.manage(state::AppState::new(root));
            let launch = connect::Launch::from_args(std::env::args(), app.path().app_data_dir()?)?;
            app.manage(launch);
            app.manage(dossier_api::connect::Connection::default());
            Ok(())
        })
        .register_asynchronous_uri_scheme_protocol(media::SCHEME, media::handle)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            connect::connect_server,
            connect::open_demo,
            connect::sync_now,
            connect::sync_status,
            connect::list_profiles,
            connect::current_session,
            external::save_media_copy,
            external::open_external,
            browse::open_profile,
            browse::close_profile,
            browse::profile_summary,
            browse::directory,
            browse::partners,
            browse::customers,
            browse::groups,
            browse::conversation,
            browse::conversation_page,
            browse::customer_details,
            browse::employee_details,
            browse::search,
            browse::media_url,
            review::violations,
            review::annotations,
            review::save_annotation,
            review::delete_annotation,
            review::annotation_conflicts,
            review::resolve_conflict,
            review::rule_set,
            review::preview_lexicon,
            review::save_lexicon,
            review::delete_lexicon,
            review::recent_searches,
            review::mark_read,
        ])
        // The config lives at the repository root (see build.rs for why and how).
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Tauri app could not be built")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                use tauri::Manager;
                // Let a media download in flight finish (or stop) before the runtime goes away.
                let link = app.state::<dossier_api::connect::Connection>();
                if !link.stop_background(std::time::Duration::from_secs(3)) {
                    tracing::warn!("background media download still running at exit");
                }
            }
        });
}
