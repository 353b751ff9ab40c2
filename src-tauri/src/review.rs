//! The review commands (issue 10): violations, annotations, rules and lexicons, recent searches,
//! read marks. Each one a `crates/api` function, nothing more.
//!
//! | command | arguments | result |
//! |---|---|---|
//! | `violations` | `{query: ViolationQuery}` | `ViolationPage` |
//! | `annotations` | `{filter: AnnotationFilter}` | `AnnotationView[]` |
//! | `save_annotation` | `{input: AnnotationInput}` | `AnnotationView` (`forbidden` for auditors) |
//! | `delete_annotation` | `{id: string}` | `null` |
//! | `annotation_conflicts` | — | `ConflictView[]` |
//! | `resolve_conflict` | `{id: number, keep: Keep}` | `null` |
//! | `rule_set` | — | `RuleSetView` |
//! | `preview_lexicon` | `{words: string[]}` | `LexiconPreview` |
//! | `save_lexicon` | `{name: string, words: string[], severity: "low" \| "medium" \| "high", onProgress: Channel<RescanProgress>}` | `RescanSummary` |
//! | `delete_lexicon` | `{name: string}` | `RescanSummary` |
//! | `recent_searches` | — | `string[]` |
//! | `mark_read` | `{conversation: string, anchor: PageAnchor}` | `null` |

use dossier_api::ApiError;
use dossier_api::browse::{self, PageAnchor};
use dossier_api::review::{self, annotations, lexicons, violations};
use dossier_model::Severity;
use tauri::State;
use tauri::ipc::Channel;

use crate::state::AppState;

type Result<T> = std::result::Result<T, ApiError>;

#[tauri::command]
pub async fn violations(
    state: State<'_, AppState>,
    query: review::ViolationQuery,
) -> Result<review::ViolationPage> {
    violations::violations(&state.session()?, query).await
}

#[tauri::command]
pub async fn annotations(
    state: State<'_, AppState>,
    filter: review::AnnotationFilter,
) -> Result<Vec<review::AnnotationView>> {
    annotations::annotations(&state.session()?, filter).await
}

#[tauri::command]
pub async fn save_annotation(
    state: State<'_, AppState>,
    input: review::AnnotationInput,
) -> Result<review::AnnotationView> {
    annotations::save_annotation(&state.session()?, input).await
}

#[tauri::command]
pub async fn delete_annotation(state: State<'_, AppState>, id: String) -> Result<()> {
    annotations::delete_annotation(&state.session()?, id).await
}

#[tauri::command]
pub async fn annotation_conflicts(state: State<'_, AppState>) -> Result<Vec<review::ConflictView>> {
    annotations::annotation_conflicts(&state.session()?).await
}

#[tauri::command]
pub async fn resolve_conflict(state: State<'_, AppState>, id: i64, keep: review::Keep) -> Result<()> {
    annotations::resolve_conflict(&state.session()?, id, keep).await
}

#[tauri::command]
pub async fn rule_set(state: State<'_, AppState>) -> Result<review::RuleSetView> {
    lexicons::rule_set(&state.session()?).await
}

#[tauri::command]
pub async fn preview_lexicon(
    state: State<'_, AppState>,
    words: Vec<String>,
) -> Result<review::LexiconPreview> {
    lexicons::preview_lexicon(&state.session()?, words).await
}

#[tauri::command]
pub async fn save_lexicon(
    state: State<'_, AppState>,
    name: String,
    words: Vec<String>,
    severity: Severity,
    on_progress: Channel<review::RescanProgress>,
) -> Result<review::RescanSummary> {
    lexicons::save_lexicon(&state.session()?, name, words, severity, move |p| {
        // A closed window no longer listens; the re-scan goes on.
        let _ = on_progress.send(p);
    })
    .await
}

#[tauri::command]
pub async fn delete_lexicon(state: State<'_, AppState>, name: String) -> Result<review::RescanSummary> {
    lexicons::delete_lexicon(&state.session()?, name).await
}

#[tauri::command]
pub async fn recent_searches(state: State<'_, AppState>) -> Result<Vec<String>> {
    dossier_api::search::recent_searches(&state.session()?).await
}

#[tauri::command]
pub async fn mark_read(state: State<'_, AppState>, conversation: String, anchor: PageAnchor) -> Result<()> {
    browse::mark_read(&state.session()?, conversation, anchor).await
}
