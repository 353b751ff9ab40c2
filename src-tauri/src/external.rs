//! What leaves the app at the reviewer's request, after the UI's confirmation: a saved copy of a
//! media file (into the Downloads folder, never over an existing file) and a link opened in the
//! system browser (web and mail links only).
//!
//! | command | arguments | result |
//! |---|---|---|
//! | `save_media_copy` | `{request: {sdkfileid: string, filename: string}}` | `string` (the path written) |
//! | `open_external` | `{url: string}` | `null` |

use dossier_api::ApiError;
use dossier_api::export::{checked_link, safe_file_name, save_media_copy as save_copy, unused_path};
use serde::Deserialize;
use tauri::{Manager, State};

use crate::state::AppState;

type Result<T> = std::result::Result<T, ApiError>;

/// Which media to save, and the name the archive gives it.
#[derive(Debug, Deserialize)]
pub struct SaveCopyRequest {
    sdkfileid: String,
    filename: String,
}

#[tauri::command]
pub async fn save_media_copy(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: SaveCopyRequest,
) -> Result<String> {
    let session = state.session()?;
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().document_dir())
        .map_err(|e| ApiError::internal(format!("no Downloads folder: {e}")))?;
    std::fs::create_dir_all(&dir).map_err(|e| ApiError::internal(format!("{}: {e}", dir.display())))?;
    let dest = unused_path(&dir, &safe_file_name(&request.filename));
    save_copy(&session, request.sdkfileid, dest.clone()).await?;
    Ok(dest.display().to_string())
}

#[tauri::command]
pub async fn open_external(url: String) -> Result<()> {
    let url = checked_link(&url)?;
    open::that_detached(url).map_err(|e| ApiError::internal(format!("could not open the browser: {e}")))
}
