//! The TypeScript types of the API, generated from the Rust DTOs into
//! `ui/src/lib/backend/generated/api.ts`. Locally this test rewrites the file; under `CI=true` it
//! fails when the checked-in file differs (regenerate with `cargo test -p dossier-api --test api ts`).

use std::path::Path;

use dossier_api::browse::*;
use dossier_api::review;
use dossier_api::search::*;
use dossier_api::{ApiError, ErrorCode};
use dossier_model as model;
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
        review::ReviewState, review::VerdictView, review::AnnotationTargetKind, review::AnnotationTargetView,
        review::AnnotationView, review::AnnotationFilter, review::AnnotationInput, review::ConflictView, review::Keep,
        review::ViolationTab, review::ViolationSort, review::ViolationQuery, review::ViolationRow, review::ViolationPage,
        review::RuleSource, review::RuleView, review::LexiconView, review::RuleSetView, review::LexiconSample,
        review::LexiconPreview, review::RescanProgress, review::RescanSummary,
    );
    // The message content, as `MessageView.content` carries it: the model's types, whose 64-bit
    // fields are declared `string` on the model (`ts` feature); the rest are times and small
    // numbers, so ts-rs's large-integer type is `number` here.
    let model_cfg = Config::new().with_large_int("number");
    let model = decls!(&model_cfg;
        model::MsgId, model::UserId, model::RoomId,
        model::Content, model::Text, model::Image, model::Revoke, model::Agree, model::Disagree,
        model::Voice, model::Video, model::Card, model::Location, model::Emotion, model::File,
        model::Link, model::Weapp, model::ChatRecord, model::ChatRecordItem, model::Todo, model::Vote,
        model::Collect, model::CollectDetail, model::RedPacket, model::Meeting, model::Doc,
        model::Markdown, model::News, model::NewsItem, model::Calendar, model::Mixed, model::MixedItem,
        model::MeetingVoiceCall, model::DemoFile, model::ShareScreen, model::VoipDocShare,
        model::SphFeed, model::VoipText, model::QyDiskFile, model::Unknown, serde_json::Value,
    );
    let decls: Vec<String> = decls.into_iter().chain(model).collect();
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
    // Every type a declaration refers to is declared here too.
    for name in referenced(&ts) {
        assert!(
            ts.contains(&format!("export type {name} ")),
            "{name} is used but not declared"
        );
    }
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

/// Capitalised identifiers used in type positions (after `:`, `|`, `&`, `<`, `=`), minus TS's own.
fn referenced(ts: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for line in ts
        .lines()
        .filter(|l| !l.trim_start().starts_with('*') && !l.trim_start().starts_with("/"))
    {
        let mut prev = ' ';
        let mut word = String::new();
        let mut after_type_pos = false;
        for c in line.chars().chain([' ']) {
            if c.is_alphanumeric() || c == '_' {
                if word.is_empty() {
                    after_type_pos = matches!(prev, ':' | '|' | '&' | '<' | '=' | '(' | ',');
                }
                word.push(c);
            } else {
                if after_type_pos
                    && word.starts_with(|c: char| c.is_ascii_uppercase())
                    && !matches!(word.as_str(), "Array" | "Record" | "Partial")
                {
                    out.insert(word.clone());
                }
                word.clear();
                if !c.is_whitespace() {
                    prev = c;
                }
            }
        }
    }
    out
}
