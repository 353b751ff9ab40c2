//! The review work of issue 10: violations to triage, annotations with verdicts, review states,
//! local lexicons and the audit trail of what a reviewer looked at.
//!
//! Review states are derived from annotations, not stored apart: a verdict on a message settles
//! its hits, so a second reviewer sees the first one's work as soon as the annotation syncs.

pub mod annotations;
pub mod audit;
pub mod lexicons;
pub(crate) mod state;
pub mod violations;

pub use annotations::{
    AnnotationFilter, AnnotationInput, AnnotationTargetKind, AnnotationTargetView, AnnotationView,
    ConflictView, Keep, VerdictView,
};
pub use lexicons::{
    LexiconPreview, LexiconSample, LexiconView, RescanProgress, RescanSummary, RuleSetView, RuleSource,
    RuleView,
};
pub use state::ReviewState;
pub use violations::{ViolationPage, ViolationQuery, ViolationRow, ViolationSort, ViolationTab};
