//! The browsing, search and profile commands: each one a `crates/api` function, nothing more.
//!
//! Commands and their arguments as the UI invokes them (Tauri maps camelCase argument names to
//! these snake_case parameters); results and errors are the types in
//! `ui/src/lib/backend/generated/api.ts`, errors `ApiError {code, message}`:
//!
//! | command | arguments | result |
//! |---|---|---|
//! | `open_profile` | `{id: string, passphrase: string \| null}` | `ProfileSummary` |
//! | `close_profile` | — | `null` |
//! | `profile_summary` | — | `ProfileSummary` |
//! | `directory` | — | `Directory` |
//! | `partners` | `{participant: string}` (employee or customer id) | `Partners` |
//! | `customers` | — | `CustomerRow[]` |
//! | `groups` | — | `GroupRow[]` |
//! | `conversation` | `{conversation: string}` | `ConversationInfo` |
//! | `conversation_page` | `{conversation: string, at: PageAt, limit: number}` | `ConversationPage` |
//! | `customer_details` | `{customer: string}` | `CustomerDetails` |
//! | `employee_details` | `{userid: string}` | `EmployeeDetails` |
//! | `search` | `{query: string, sort: SearchSort, page: number, pageSize: number}` | `SearchPage` |
//! | `media_url` | `{request: {sdkfileid: string}}` | `string \| null` (null: not cached and no server to fetch it from) |
//!
//! Media bytes come from the `media` protocol (`crate::media`), by SDK file id of the open profile.

use dossier_api::browse::{self, PageAt};
use dossier_api::search::{self, SearchSort};
use dossier_api::{ApiError, ProfileArgs, Session};
use dossier_vault::Passphrase;
use serde::Deserialize;
use tauri::State;

use crate::state::AppState;

type Result<T> = std::result::Result<T, ApiError>;

/// Unlocks the profile `id` (its passphrase, or the OS credential store when `null`) and makes
/// it the open one; a profile already open is closed first.
#[tauri::command]
pub async fn open_profile(
    state: State<'_, AppState>,
    id: String,
    passphrase: Option<String>,
) -> Result<browse::ProfileSummary> {
    let dir = state.profile_dir(&id)?;
    state.set_session(None);
    let passphrase = passphrase
        .map(Passphrase::new)
        .transpose()
        .map_err(ApiError::from)?;
    let session = Session::open(ProfileArgs { dir, passphrase }).await?;
    let summary = browse::profile_summary(&session).await?;
    state.set_session(Some(session));
    Ok(summary)
}

/// Locks the open profile.
#[tauri::command]
pub async fn close_profile(
    state: State<'_, AppState>,
    link: State<'_, dossier_api::connect::Connection>,
) -> Result<()> {
    state.set_session(None);
    // The demo server, if any, stops with its profile.
    link.close();
    Ok(())
}

#[tauri::command]
pub async fn profile_summary(state: State<'_, AppState>) -> Result<browse::ProfileSummary> {
    browse::profile_summary(&state.session()?).await
}

#[tauri::command]
pub async fn directory(state: State<'_, AppState>) -> Result<browse::Directory> {
    browse::directory(&state.session()?).await
}

#[tauri::command]
pub async fn partners(state: State<'_, AppState>, participant: String) -> Result<browse::Partners> {
    browse::partners(&state.session()?, participant).await
}

#[tauri::command]
pub async fn customers(state: State<'_, AppState>) -> Result<Vec<browse::CustomerRow>> {
    browse::customers(&state.session()?).await
}

#[tauri::command]
pub async fn groups(state: State<'_, AppState>) -> Result<Vec<browse::GroupRow>> {
    browse::groups(&state.session()?).await
}

#[tauri::command]
pub async fn conversation(
    state: State<'_, AppState>,
    conversation: String,
) -> Result<browse::ConversationInfo> {
    browse::conversation(&state.session()?, conversation).await
}

#[tauri::command]
pub async fn conversation_page(
    state: State<'_, AppState>,
    conversation: String,
    at: PageAt,
    limit: u32,
) -> Result<browse::ConversationPage> {
    browse::conversation_page(&state.session()?, conversation, at, limit).await
}

#[tauri::command]
pub async fn customer_details(
    state: State<'_, AppState>,
    customer: String,
) -> Result<browse::CustomerDetails> {
    browse::customer_details(&state.session()?, customer).await
}

#[tauri::command]
pub async fn employee_details(state: State<'_, AppState>, userid: String) -> Result<browse::EmployeeDetails> {
    browse::employee_details(&state.session()?, userid).await
}

#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
    sort: SearchSort,
    page: u32,
    page_size: u32,
) -> Result<search::SearchPage> {
    search::search(&state.session()?, query, sort, page, page_size).await
}

/// Which media (other fields the UI sends are ignored).
#[derive(Debug, Deserialize)]
pub struct MediaRequest {
    sdkfileid: String,
}

/// The URL the webview loads a media file from, or `null` when the cache does not hold it.
/// Append `?thumb=1` for the thumbnail of an image.
#[tauri::command]
pub async fn media_url(
    state: State<'_, AppState>,
    link: State<'_, dossier_api::connect::Connection>,
    request: MediaRequest,
) -> Result<Option<String>> {
    let available = link
        .media_available(&state.session()?, request.sdkfileid.clone())
        .await?;
    Ok(available.then(|| crate::media::url(&request.sdkfileid)))
}
