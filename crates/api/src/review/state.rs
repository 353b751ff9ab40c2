//! Review states, derived from the annotations in force: the server's copies overlaid by the
//! reviewer's own edits that have not synced yet.

use dossier_vault::Queries;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How far a hit (or a conversation) has been reviewed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Nobody has annotated it.
    #[default]
    Unreviewed,
    /// Annotated without a final verdict (a comment, or escalated).
    InReview,
    /// A final verdict: confirmed violation, false positive or cleared.
    Done,
}

impl ReviewState {
    /// From the SQL rank [`MESSAGE_STATE`] computes (0, 1, 2).
    pub(crate) fn from_rank(rank: i64) -> ReviewState {
        match rank {
            0 => ReviewState::Unreviewed,
            1 => ReviewState::InReview,
            _ => ReviewState::Done,
        }
    }

    /// The SQL rank of the state.
    pub(crate) fn rank(self) -> i64 {
        self as i64
    }
}

/// The annotations in force, one row each (`id, msgid, conv, verdict, json, pending, author,
/// updated_at`): a local edit replaces the server copy of the same id (`pending` = 1); tombstones
/// are left out. `msgid` is null for conversation annotations, `conv` null for message ones.
pub(crate) const EFFECTIVE_ANNOTATIONS: &str = "
    SELECT a.id, a.msgid, a.conv, json_extract(a.json, '$.verdict') AS verdict, a.json, 0 AS pending, a.author,
           a.updated_at
      FROM annotations a
     WHERE a.deleted = 0 AND NOT EXISTS (SELECT 1 FROM local_annotations l WHERE l.id = a.id)
    UNION ALL
    SELECT l.id, l.msgid, l.conv, json_extract(l.json, '$.verdict'), l.json, 1, json_extract(l.json, '$.author'),
           l.updated_at
      FROM local_annotations l
     WHERE json_extract(l.json, '$.deleted') = 0";

/// Rank of one annotation's verdict: 2 for a final one, 1 otherwise.
const RANK: &str =
    "CASE WHEN verdict IN ('confirmed_violation', 'false_positive', 'cleared') THEN 2 ELSE 1 END";

/// CTEs `eff` (the annotations in force) and `st` (`msgid, rank` per annotated message: the
/// highest rank of its annotations), to start a `WITH` clause.
pub(crate) fn review_ctes() -> String {
    format!(
        "eff AS ({EFFECTIVE_ANNOTATIONS}),
         st AS (SELECT msgid, MAX({RANK}) AS rank FROM eff WHERE msgid IS NOT NULL GROUP BY msgid)"
    )
}

/// The review state of one message's hits.
pub(crate) fn message_state(r: &impl Queries, msgid: &str) -> dossier_vault::Result<ReviewState> {
    let sql = format!("SELECT COALESCE(MAX({RANK}), 0) FROM ({EFFECTIVE_ANNOTATIONS}) WHERE msgid = ?1");
    let rank: i64 = r
        .sql()
        .prepare_cached(&sql)?
        .query_row([msgid], |row| row.get(0))?;
    Ok(ReviewState::from_rank(rank))
}

/// The review state of a conversation: done with a final verdict on the conversation, or when
/// every message with a hit is done; in review when anything in it is annotated.
pub(crate) fn conversation_state(r: &impl Queries, conv: &str) -> dossier_vault::Result<ReviewState> {
    let sql = format!(
        "WITH {} SELECT
           (SELECT COALESCE(MAX({RANK}), 0) FROM eff WHERE conv = ?1),
           (SELECT COUNT(*) FROM (SELECT DISTINCT h.msgid FROM hits h JOIN messages m ON m.msgid = h.msgid WHERE m.conv = ?1)),
           (SELECT COUNT(*) FROM (SELECT DISTINCT h.msgid FROM hits h JOIN messages m ON m.msgid = h.msgid
                                   JOIN st ON st.msgid = h.msgid WHERE m.conv = ?1 AND st.rank = 2)),
           EXISTS (SELECT 1 FROM st JOIN messages m ON m.msgid = st.msgid WHERE m.conv = ?1)",
        review_ctes()
    );
    let (own, hit_messages, done_messages, any): (i64, i64, i64, bool) =
        r.sql().prepare_cached(&sql)?.query_row([conv], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?;
    Ok(
        if own == 2 || (hit_messages > 0 && done_messages == hit_messages) {
            ReviewState::Done
        } else if own == 1 || any {
            ReviewState::InReview
        } else {
            ReviewState::Unreviewed
        },
    )
}

/// Annotations in force on a conversation and on its messages.
pub(crate) fn annotation_count(r: &impl Queries, conv: &str) -> dossier_vault::Result<u32> {
    let sql = format!(
        "SELECT COUNT(*) FROM ({EFFECTIVE_ANNOTATIONS})
          WHERE conv = ?1 OR msgid IN (SELECT msgid FROM messages WHERE conv = ?1)"
    );
    Ok(r.sql()
        .prepare_cached(&sql)?
        .query_row([conv], |row| row.get(0))?)
}
