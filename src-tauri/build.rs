//! Build script of the desktop shell.
//!
//! The product layout keeps `tauri.conf.json` at the repository root, not beside this crate's
//! `Cargo.toml` where tauri-build looks by default. `Attributes::config_path` is resolved against
//! this crate's directory (cargo runs build scripts there); the config's parent directory then
//! becomes the root for every relative path in it (`frontendDist`, bundle icons, the Windows
//! `.ico`). `generate_context!` in `src/lib.rs` names the same file. Capabilities stay in
//! `src-tauri/capabilities/`, which tauri-build reads relative to this crate.

const COMMANDS: &[&str] = &[
    "app_info",
    "connect_server",
    "open_demo",
    "sync_now",
    "sync_status",
    "list_profiles",
    "current_session",
    "save_media_copy",
    "open_external",
    "open_profile",
    "close_profile",
    "profile_summary",
    "directory",
    "partners",
    "customers",
    "groups",
    "conversation",
    "conversation_page",
    "customer_details",
    "employee_details",
    "search",
    "media_url",
    "violations",
    "annotations",
    "save_annotation",
    "delete_annotation",
    "annotation_conflicts",
    "resolve_conflict",
    "rule_set",
    "preview_lexicon",
    "save_lexicon",
    "delete_lexicon",
    "recent_searches",
    "mark_read",
];

fn main() {
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    // The UI is embedded at compile time; rebuild when a new `npm run build` lands.
    println!("cargo:rerun-if-changed=../ui/dist");
    // `generate_context!` would otherwise fail with a bare "frontendDist doesn't exist".
    assert!(
        std::path::Path::new("../ui/dist/index.html").exists(),
        "ui/dist/index.html is missing: build the UI first with \
         `npm --prefix ui ci && npm --prefix ui run build`"
    );

    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        // Listing the app's commands turns them into permissions (`allow-app-info`, …) that a
        // capability must grant; without this every window could call every command (tauri #9008).
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed (see the message above)");
}
