//! The server-link commands: connect, the demo, sync, and the profile picker. Each one a
//! `dossier_api` function (`connect::Connection`, `profiles`), nothing more.
//!
//! | command | arguments | result |
//! |---|---|---|
//! | `connect_server` | `{request: ConnectRequest, onProgress: Channel<SyncProgress>}` | `SessionInfo` |
//! | `open_demo` | `{user: "reviewer" \| "auditor" \| null, onProgress: Channel<SyncProgress>}` | `SessionInfo` (null: the reviewer) |
//! | `sync_now` | `{onProgress: Channel<SyncProgress>}` | `SyncSummary` |
//! | `sync_status` | — | `SyncStatus` |
//! | `list_profiles` | — | `ProfileEntry[]` |
//! | `current_session` | — | `SessionInfo \| null` (started with `--demo`: opens the demo first) |

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use dossier_api::connect::{ConnectRequest, Connection, SyncStatus};
use dossier_api::demo::{DemoSpec, REVIEWER};
use dossier_api::profiles::{self, ProfileEntry, SessionInfo};
use dossier_api::sync::{SyncProgress, SyncSummary};
use dossier_api::{ApiError, Session};
use tauri::State;
use tauri::ipc::Channel;

use crate::state::AppState;

type Result<T> = std::result::Result<T, ApiError>;

/// A command line the app does not understand.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LaunchError {
    /// `--demo-messages` without a positive number.
    #[error("--demo-messages needs a positive number")]
    DemoMessages,
    /// Anything else.
    #[error("unknown argument {0:?} (known: --demo, --demo-messages N)")]
    Unknown(String),
}

/// How the app was started: `--demo [--demo-messages N]` opens the demo without the first-run screen.
pub struct Launch {
    demo: Option<DemoSpec>,
    /// Where the demo keeps its server data and profile.
    demo_root: PathBuf,
    /// The launch demo is opened once, by the first `current_session`.
    started: AtomicBool,
}

impl Launch {
    /// Reads the command line. `DOSSIER_DEMO_DIR` moves the demo's files (tests, `cargo xtask demo`).
    pub fn from_args(
        args: impl Iterator<Item = String>,
        data_dir: PathBuf,
    ) -> std::result::Result<Launch, LaunchError> {
        let mut demo = None;
        let mut args = args.skip(1);
        while let Some(a) = args.next() {
            match a.as_str() {
                "--demo" => demo = Some(demo.unwrap_or_else(DemoSpec::default)),
                "--demo-messages" => {
                    let n = args
                        .next()
                        .and_then(|n| n.parse().ok())
                        .filter(|&n: &u64| n > 0)
                        .ok_or(LaunchError::DemoMessages)?;
                    demo = Some(DemoSpec {
                        messages: n,
                        ..demo.unwrap_or_default()
                    });
                }
                other => {
                    return Err(LaunchError::Unknown(other.to_owned()));
                }
            }
        }
        let demo_root =
            std::env::var_os("DOSSIER_DEMO_DIR").map_or_else(|| data_dir.join("demo"), PathBuf::from);
        Ok(Launch {
            demo,
            demo_root,
            started: AtomicBool::new(false),
        })
    }
}

fn forward(channel: Channel<SyncProgress>) -> impl Fn(&SyncProgress) + Send + Sync + 'static {
    move |p: &SyncProgress| {
        // A closed window no longer listens; the sync goes on.
        let _ = channel.send(p.clone());
    }
}

async fn opened(state: &AppState, session: Session) -> Result<SessionInfo> {
    let info = profiles::session_info(&session).await?;
    state.set_session(Some(session));
    Ok(info)
}

async fn start_demo(
    state: &AppState,
    link: &Connection,
    launch: &Launch,
    (spec, user): (&DemoSpec, &str),
    progress: impl Fn(&SyncProgress) + Send + Sync + 'static,
) -> Result<SessionInfo> {
    // The open profile closes first: the demo replaces it.
    state.set_session(None);
    let session = link.open_demo(&launch.demo_root, spec, user, progress).await?;
    opened(state, session).await
}

#[tauri::command]
pub async fn connect_server(
    state: State<'_, AppState>,
    link: State<'_, Connection>,
    request: ConnectRequest,
    on_progress: Channel<SyncProgress>,
) -> Result<SessionInfo> {
    let session = link
        .connect(&state.profiles_root, request, forward(on_progress))
        .await?;
    opened(&state, session).await
}

#[tauri::command]
pub async fn open_demo(
    state: State<'_, AppState>,
    link: State<'_, Connection>,
    launch: State<'_, Launch>,
    user: Option<String>,
    on_progress: Channel<SyncProgress>,
) -> Result<SessionInfo> {
    let spec = launch.demo.clone().unwrap_or_default();
    let user = user.as_deref().unwrap_or(REVIEWER);
    start_demo(&state, &link, &launch, (&spec, user), forward(on_progress)).await
}

#[tauri::command]
pub async fn sync_now(
    state: State<'_, AppState>,
    link: State<'_, Connection>,
    on_progress: Channel<SyncProgress>,
) -> Result<SyncSummary> {
    let session = state.session()?;
    link.sync_now(&session, forward(on_progress)).await
}

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>, link: State<'_, Connection>) -> Result<SyncStatus> {
    link.status(state.session().ok().as_ref()).await
}

#[tauri::command]
pub async fn list_profiles(state: State<'_, AppState>) -> Result<Vec<ProfileEntry>> {
    profiles::list_profiles(&state.profiles_root).await
}

#[tauri::command]
pub async fn current_session(
    state: State<'_, AppState>,
    link: State<'_, Connection>,
    launch: State<'_, Launch>,
) -> Result<Option<SessionInfo>> {
    if let Some(spec) = &launch.demo
        && !launch.started.swap(true, Ordering::SeqCst)
    {
        return start_demo(&state, &link, &launch, (spec, REVIEWER), |_| {})
            .await
            .map(Some);
    }
    match state.session() {
        Ok(session) => profiles::session_info(&session).await.map(Some),
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> std::result::Result<Option<DemoSpec>, LaunchError> {
        let args = std::iter::once("dossier-app")
            .chain(args.iter().copied())
            .map(String::from);
        Launch::from_args(args, PathBuf::from("/data")).map(|l| l.demo)
    }

    #[test]
    fn the_command_line_names_the_demo_and_its_size() {
        assert_eq!(parse(&[]), Ok(None));
        assert_eq!(parse(&["--demo"]), Ok(Some(DemoSpec::default())));
        let big = parse(&["--demo", "--demo-messages", "50000"]).unwrap().unwrap();
        assert_eq!(big.messages, 50_000);
        assert_eq!(parse(&["--demo-messages", "0"]), Err(LaunchError::DemoMessages));
        assert_eq!(
            parse(&["--delete-everything"]),
            Err(LaunchError::Unknown("--delete-everything".into()))
        );
    }
}
