//! The shell's command table (`src-tauri/src/{browse,connect,commands}.rs`), served over HTTP:
//! the same names, the same camelCase arguments, the same `dossier_api` function behind each.

use dossier_api::browse::{self, PageAt};
use dossier_api::connect::ConnectRequest;
use dossier_api::search::{self, SearchSort};
use dossier_api::{ApiError, ErrorCode, ProfileArgs, Session, export, profiles, review};
use dossier_vault::Passphrase;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::state::Bridge;

type Result<T> = std::result::Result<T, ApiError>;

/// The commands served: exactly the shell's (`src-tauri/src/lib.rs`, `generate_handler!`), which a
/// test checks, so the browser e2e cannot pass on a command the app lacks or miss a new one.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "connect_server",
    "open_demo",
    "sync_now",
    "sync_status",
    "list_profiles",
    "current_session",
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
    "save_media_copy",
    "open_external",
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

fn args<T: DeserializeOwned>(body: &Value) -> Result<T> {
    serde_json::from_value(body.clone()).map_err(|e| ApiError::bad_input(format!("arguments: {e}")))
}

fn json(value: impl serde::Serialize) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| ApiError::internal(format!("serialising the result: {e}")))
}

#[derive(Deserialize)]
struct OpenProfile {
    id: String,
    passphrase: Option<String>,
}

#[derive(Deserialize)]
struct Participant {
    participant: String,
}

#[derive(Deserialize)]
struct Conversation {
    conversation: String,
}

#[derive(Deserialize)]
struct Page {
    conversation: String,
    at: PageAt,
    limit: u32,
}

#[derive(Deserialize)]
struct Customer {
    customer: String,
}

#[derive(Deserialize)]
struct Employee {
    userid: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Search {
    query: String,
    sort: SearchSort,
    page: u32,
    page_size: u32,
}

#[derive(Deserialize)]
struct MediaUrl {
    request: MediaRequest,
}

#[derive(Deserialize)]
struct MediaRequest {
    sdkfileid: String,
}

#[derive(Deserialize)]
struct SaveCopy {
    request: SaveCopyRequest,
}

#[derive(Deserialize)]
struct SaveCopyRequest {
    sdkfileid: String,
    filename: String,
}

#[derive(Deserialize)]
struct Link {
    url: String,
}

#[derive(Deserialize)]
struct Connect {
    request: ConnectRequest,
}

#[derive(Deserialize)]
struct DemoUser {
    user: Option<String>,
}

#[derive(Deserialize)]
struct A<T> {
    query: T,
}

#[derive(Deserialize)]
struct F<T> {
    filter: T,
}

#[derive(Deserialize)]
struct I<T> {
    input: T,
}

#[derive(Deserialize)]
struct Id<T> {
    id: T,
}

#[derive(Deserialize)]
struct Resolve {
    id: i64,
    keep: review::Keep,
}

#[derive(Deserialize)]
struct Words {
    words: Vec<String>,
}

#[derive(Deserialize)]
struct Lexicon {
    name: String,
    words: Vec<String>,
    severity: dossier_model::Severity,
}

#[derive(Deserialize)]
struct Name {
    name: String,
}

#[derive(Deserialize)]
struct MarkRead {
    conversation: String,
    anchor: browse::PageAnchor,
}

/// Runs `command` with the JSON arguments `body`. `media_url` answers a URL of this bridge that
/// carries `token` (an `<img>` cannot send a header).
pub async fn dispatch(bridge: &Bridge, token: &str, command: &str, body: Value) -> Result<Value> {
    if !COMMANDS.contains(&command) {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no command {command:?} (the shell does not register it either)"),
        ));
    }
    let session = || bridge.session();
    match command {
        "app_info" => Ok(serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "os": std::env::consts::OS,
            "arch": std::env::consts::ARCH,
            "webview": null,
        })),
        "connect_server" => {
            let Connect { request } = args(&body)?;
            let s = bridge
                .link()
                .connect(bridge.profiles_root(), request, |_| {})
                .await?;
            json(bridge.opened(s).await?)
        }
        "open_demo" => {
            let DemoUser { user } = args(&body)?;
            json(
                bridge
                    .open_demo(user.as_deref().unwrap_or(dossier_api::demo::REVIEWER))
                    .await?,
            )
        }
        "sync_now" => json(bridge.link().sync_now(&session()?, |_| {}).await?),
        "sync_status" => json(bridge.link().status(session().ok().as_ref()).await?),
        "list_profiles" => json(profiles::list_profiles(bridge.profiles_root()).await?),
        "current_session" => match session() {
            Ok(s) => json(Some(profiles::session_info(&s).await?)),
            Err(_) => Ok(Value::Null),
        },
        "open_profile" => {
            let OpenProfile { id, passphrase } = args(&body)?;
            let dir = bridge.profile_dir(&id)?;
            bridge.set_session(None);
            let passphrase = passphrase.map(Passphrase::new).transpose()?;
            let s = Session::open(ProfileArgs { dir, passphrase }).await?;
            let summary = browse::profile_summary(&s).await?;
            bridge.set_session(Some(s));
            json(summary)
        }
        "close_profile" => {
            bridge.set_session(None);
            bridge.link().close();
            Ok(Value::Null)
        }
        "profile_summary" => json(browse::profile_summary(&session()?).await?),
        "directory" => json(browse::directory(&session()?).await?),
        "partners" => {
            let Participant { participant } = args(&body)?;
            json(browse::partners(&session()?, participant).await?)
        }
        "customers" => json(browse::customers(&session()?).await?),
        "groups" => json(browse::groups(&session()?).await?),
        "conversation" => {
            let Conversation { conversation } = args(&body)?;
            json(browse::conversation(&session()?, conversation).await?)
        }
        "conversation_page" => {
            let Page {
                conversation,
                at,
                limit,
            } = args(&body)?;
            json(browse::conversation_page(&session()?, conversation, at, limit).await?)
        }
        "customer_details" => {
            let Customer { customer } = args(&body)?;
            json(browse::customer_details(&session()?, customer).await?)
        }
        "employee_details" => {
            let Employee { userid } = args(&body)?;
            json(browse::employee_details(&session()?, userid).await?)
        }
        "search" => {
            let Search {
                query,
                sort,
                page,
                page_size,
            } = args(&body)?;
            json(search::search(&session()?, query, sort, page, page_size).await?)
        }
        "media_url" => {
            let MediaUrl { request } = args(&body)?;
            let available = bridge
                .link()
                .media_available(&session()?, request.sdkfileid.clone())
                .await?;
            json(available.then(|| crate::http::media_url(&request.sdkfileid, token)))
        }
        // Into the bridge's downloads directory (the shell: the user's Downloads), by the same rules.
        "save_media_copy" => {
            let SaveCopy { request } = args(&body)?;
            let dir = bridge.downloads();
            std::fs::create_dir_all(dir)
                .map_err(|e| ApiError::internal(format!("{}: {e}", dir.display())))?;
            let dest = export::unused_path(dir, &export::safe_file_name(&request.filename));
            export::save_media_copy(&session()?, request.sdkfileid, dest.clone()).await?;
            json(dest.display().to_string())
        }
        // Checked as the shell checks it, never opened: a test run must not start a browser.
        "open_external" => {
            let Link { url } = args(&body)?;
            export::checked_link(&url)?;
            Ok(Value::Null)
        }
        "violations" => {
            let A { query }: A<review::ViolationQuery> = args(&body)?;
            json(review::violations::violations(&session()?, query).await?)
        }
        "annotations" => {
            let F { filter }: F<review::AnnotationFilter> = args(&body)?;
            json(review::annotations::annotations(&session()?, filter).await?)
        }
        "save_annotation" => {
            let I { input }: I<review::AnnotationInput> = args(&body)?;
            json(review::annotations::save_annotation(&session()?, input).await?)
        }
        "delete_annotation" => {
            let Id { id }: Id<String> = args(&body)?;
            json(review::annotations::delete_annotation(&session()?, id).await?)
        }
        "annotation_conflicts" => json(review::annotations::annotation_conflicts(&session()?).await?),
        "resolve_conflict" => {
            let Resolve { id, keep } = args(&body)?;
            json(review::annotations::resolve_conflict(&session()?, id, keep).await?)
        }
        "rule_set" => json(review::lexicons::rule_set(&session()?).await?),
        "preview_lexicon" => {
            let Words { words } = args(&body)?;
            json(review::lexicons::preview_lexicon(&session()?, words).await?)
        }
        "save_lexicon" => {
            // The progress channel of the shell has no equal here; the summary is the answer.
            let Lexicon {
                name,
                words,
                severity,
            } = args(&body)?;
            json(review::lexicons::save_lexicon(&session()?, name, words, severity, |_| {}).await?)
        }
        "delete_lexicon" => {
            let Name { name } = args(&body)?;
            json(review::lexicons::delete_lexicon(&session()?, name).await?)
        }
        "recent_searches" => json(search::recent_searches(&session()?).await?),
        "mark_read" => {
            let MarkRead { conversation, anchor } = args(&body)?;
            json(browse::mark_read(&session()?, conversation, anchor).await?)
        }
        other => Err(ApiError::internal(format!(
            "the bridge lists {other:?} but does not serve it"
        ))),
    }
}
