//! Browsing the cache: the profile, employees with their departments, chat partners, customers and
//! groups, conversation pages, and details panels (issue 9).
//!
//! Lists read the conversation summaries and the per-conversation hit counts the vault keeps
//! (schema v2), never the messages, so they cost the same at 1M messages as at 1k.

mod content;
mod conversation;
mod details;
mod media;
mod org;
mod partners;
mod people;

pub use content::{U64_FIELDS, wire_content};
pub use conversation::{
    ConversationInfo, ConversationKind, ConversationPage, HitView, MediaView, MessageView, OriginalMessage,
    PageAnchor, PageAt, Revocation, conversation, conversation_page, mark_read,
};
pub use details::{
    CustomerDetails, CustomerStatus, DeletionEvent, DeletionKind, EmployeeDetails, Follower, TagView,
    customer_details, employee_details,
};
pub use media::{MediaBytes, media, media_stored};
pub use org::{
    ChatStats, DepartmentNode, Directory, EmployeeRow, ProfileSummary, directory, profile_summary,
};
pub use partners::{CustomerRow, GroupRow, Partner, Partners, customers, groups, partners};
pub(crate) use people::People;
pub use people::{Person, Side, side_of};
