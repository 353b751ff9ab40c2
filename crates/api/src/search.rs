//! Global search (issue 7): the query language of `dossier_search`, paged, with highlights,
//! snippets and facets. The CLI's `dossier search` and the app's search page call this.

use dossier_search::{Query, SearchRequest, SortOrder};
use dossier_vault::{Queries, conv_key};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::browse::Person;
use crate::{ApiError, Result, Session};

/// Most hits one page returns.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// Result order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    /// Newest first.
    #[default]
    Newest,
    /// Best match first.
    Relevance,
}

/// A span of text in characters (Unicode scalar values), end exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TextSpan {
    /// First character.
    pub start: u32,
    /// One past the last character.
    pub end: u32,
}

/// A window of the message text around its first match.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SnippetView {
    /// The window's text.
    pub text: String,
    /// Highlights in `text`.
    pub spans: Vec<TextSpan>,
    /// Text was cut before the window (show an ellipsis).
    pub cut_start: bool,
    /// Text was cut after it.
    pub cut_end: bool,
}

impl From<&dossier_search::Snippet> for SnippetView {
    fn from(s: &dossier_search::Snippet) -> Self {
        SnippetView {
            text: s.text.clone(),
            spans: s.spans.iter().map(TextSpan::from).collect(),
            cut_start: s.cut_start,
            cut_end: s.cut_end,
        }
    }
}

impl From<&dossier_search::Span> for TextSpan {
    fn from(s: &dossier_search::Span) -> Self {
        TextSpan {
            start: s.start as u32,
            end: s.end as u32,
        }
    }
}

impl SnippetView {
    /// A window of `text` around its first span (`spans` in characters of `text`).
    pub(crate) fn around(text: &str, spans: &[(usize, usize)]) -> SnippetView {
        let spans: Vec<dossier_search::Span> = spans
            .iter()
            .map(|&(start, end)| dossier_search::Span { start, end })
            .collect();
        SnippetView::from(&dossier_search::snippet(text, &spans, SNIPPET_CHARS))
    }
}

/// Characters of context a snippet shows.
const SNIPPET_CHARS: usize = 80;

/// One search hit.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct SearchHit {
    /// The msgid.
    pub msgid: String,
    /// Row id (a `PageAnchor` with `msgtime`).
    #[ts(type = "number")]
    pub id: i64,
    /// The conversation key (open with `conversation_page` at `{at: "around", msgid}`).
    pub conversation: String,
    /// Time, ms.
    #[ts(type = "number")]
    pub msgtime: i64,
    /// The sender (id and side; the name is the id: look names up in the directory).
    pub sender: Person,
    /// The msgtype.
    pub msgtype: String,
    /// Highlights in the whole message text.
    pub spans: Vec<TextSpan>,
    /// The context window.
    pub snippet: SnippetView,
    /// Relevance score (relevance order only).
    pub score: Option<f32>,
}

/// A facet value and its count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct FacetCount {
    /// The value (a userid, a msgtype).
    pub value: String,
    /// Hits with it.
    pub count: u32,
}

/// Hit counts over every hit of the query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SearchFacets {
    /// Per employee taking part.
    pub employee: Vec<FacetCount>,
    /// Per msgtype.
    pub msgtype: Vec<FacetCount>,
    /// Per customer taking part.
    pub customer: Vec<FacetCount>,
    /// Per group (room id).
    pub group: Vec<FacetCount>,
    /// Per month of `msgtime` in Asia/Shanghai (`YYYY-MM`), oldest first.
    pub month: Vec<FacetCount>,
}

/// One page of results.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct SearchPage {
    /// Hits of the whole query; every one is reachable by paging.
    pub total: u32,
    /// The page (0-based) and its size as asked.
    pub page: u32,
    /// Page size.
    pub page_size: u32,
    /// This page's hits.
    pub hits: Vec<SearchHit>,
    /// Facet counts (computed with the first page only; `null` on later pages).
    pub facets: Option<SearchFacets>,
}

/// Runs a query and returns one page (`page` is 0-based). Facets come with page 0.
/// A malformed query is a `bad_input` error whose message points at the problem.
#[tracing::instrument(skip(session, query), err, fields(query_chars = query.chars().count()))]
pub async fn search(
    session: &Session,
    query: String,
    sort: SearchSort,
    page: u32,
    page_size: u32,
) -> Result<SearchPage> {
    let page_size = page_size.clamp(1, MAX_PAGE_SIZE);
    session
        .blocking(move |s| {
            let parsed = Query::parse(&query).map_err(|e| ApiError::bad_input(e.to_string()))?;
            if page == 0 {
                remember(s, &query)?;
            }
            let req = SearchRequest {
                order: match sort {
                    SearchSort::Newest => SortOrder::Newest,
                    SearchSort::Relevance => SortOrder::Relevance,
                },
                offset: page as usize * page_size as usize,
                limit: page_size as usize,
                facets: page == 0,
                ..SearchRequest::default()
            };
            let res = s.index().search(s.vault(), &parsed, &req)?;
            let counts = |c: &dossier_search::Counts| {
                c.iter()
                    .map(|(value, count)| FacetCount {
                        value: value.clone(),
                        count: *count as u32,
                    })
                    .collect()
            };
            Ok(SearchPage {
                total: res.total as u32,
                page,
                page_size,
                hits: res
                    .hits
                    .iter()
                    .map(|h| {
                        let m = &h.message.message;
                        SearchHit {
                            msgid: m.msgid.0.clone(),
                            id: h.message.id,
                            conversation: conv_key(&m.conversation()),
                            msgtime: m.msgtime,
                            sender: Person {
                                id: m.from.0.clone(),
                                name: m.from.0.clone(),
                                side: crate::browse::side_of(&m.from),
                            },
                            msgtype: m.msgtype().to_owned(),
                            spans: h.spans.iter().map(TextSpan::from).collect(),
                            snippet: SnippetView::from(&h.snippet),
                            score: h.score,
                        }
                    })
                    .collect(),
                facets: res.facets.as_ref().map(|f| SearchFacets {
                    employee: counts(&f.employee),
                    msgtype: counts(&f.msgtype),
                    customer: counts(&f.customer),
                    group: counts(&f.group),
                    month: counts(&f.month),
                }),
            })
        })
        .await
}

/// Settings key of the recent searches (queries are content: they stay in the vault).
const RECENT_KEY: &str = "search.recent";
/// Recent searches kept.
const RECENT: usize = 20;

/// Audits a search and puts it first among the recent ones (one transaction).
fn remember(s: &Session, query: &str) -> Result<()> {
    let action = dossier_model::AuditAction::Search {
        query: query.to_owned(),
    };
    crate::review::audit::record_with(s.vault(), action, |tx| {
        let mut recent: Vec<String> = match dossier_vault::Queries::setting(tx, RECENT_KEY)? {
            Some(v) => serde_json::from_str(&v)?,
            None => Vec::new(),
        };
        recent.retain(|q| q != query);
        recent.insert(0, query.to_owned());
        recent.truncate(RECENT);
        tx.set_setting(RECENT_KEY, &serde_json::to_string(&recent)?)
    })
}

/// The latest searches, newest first.
#[tracing::instrument(skip(session), err)]
pub async fn recent_searches(session: &Session) -> Result<Vec<String>> {
    session
        .blocking(|s| {
            let value = s.vault().db().read(|r| r.setting(RECENT_KEY))?;
            Ok(match value {
                Some(v) => {
                    serde_json::from_str(&v).map_err(|e| ApiError::internal(format!("{RECENT_KEY}: {e}")))?
                }
                None => Vec::new(),
            })
        })
        .await
}
