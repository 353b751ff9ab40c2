//! The TypeScript types of the API, generated from the Rust DTOs into
//! `ui/src/lib/backend/generated/api.ts`. Locally this test rewrites the file; under `CI=true` it
//! fails when the checked-in file differs (regenerate with `cargo test -p dossier-api --test api ts`).

use std::path::Path;

use dossier_api::browse::*;
use dossier_api::search::*;
use dossier_api::{ApiError, ErrorCode};
use ts_rs::{Config, TS};

macro_rules! decls {
    ($cfg:expr; $($t:ty),* $(,)?) => {{
        let mut out = Vec::new();
        $(out.push(format!("export {}", <$t as TS>::decl($cfg)));)*
        out
    }};
}

fn generate() -> String {
    let cfg = Config::new();
    let decls = decls!(&cfg;
        ErrorCode, ApiError,
        ProfileSummary, ChatStats, EmployeeRow, DepartmentNode, Directory,
        Side, Person, Partner, Partners, CustomerRow, GroupRow,
        ConversationKind, ConversationInfo, PageAnchor, PageAt, ConversationPage,
        HitView, MediaView, Revocation, OriginalMessage, MessageView,
        TagView, Follower, DeletionKind, DeletionEvent, CustomerStatus, CustomerDetails, EmployeeDetails,
        SearchSort, TextSpan, SnippetView, SearchHit, FacetCount, SearchFacets, SearchPage,
        dossier_api::sync::SyncProgress, dossier_api::sync::SyncSummary,
        dossier_api::connect::ConnectRequest, dossier_api::connect::SyncState, dossier_api::connect::SyncStatus,
        dossier_api::profiles::KeySource, dossier_api::profiles::ProfileEntry, dossier_api::profiles::SessionInfo,
    );
    let mut out = String::from(
        "// Generated from the Rust DTOs of crates/api by `cargo test -p dossier-api --test api ts`.\n\
         // Do not edit: CI fails when this file is stale. 64-bit integers cross as strings.\n\n",
    );
    for d in decls {
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn typescript_types_are_current() {
    let ts = generate();
    // No 64-bit integer may cross as a JSON number unchecked (ts-rs writes `bigint` for them).
    assert!(
        !ts.contains("bigint"),
        "a 64-bit integer without a deliberate type:\n{ts}"
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/backend/generated/api.ts");
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current == ts {
        return;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is stale: run `cargo test -p dossier-api --test api ts` and commit the result",
            path.display()
        );
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, ts).unwrap();
}
