//! The organisation and its outside world: departments, employees, customers, groups, and the
//! callback events that change them.

use serde::{Deserialize, Serialize};

use crate::{RoomId, UserId};

/// A department of the corp (department/list item).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Department {
    /// Department id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Parent department id; 0 for the root.
    pub parentid: u64,
    /// Sort order among siblings.
    pub order: u64,
}

/// An employee (user/list item).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Employee {
    /// The userid that appears in messages.
    pub userid: UserId,
    /// Display name.
    pub name: String,
    /// Departments the employee belongs to.
    pub department: Vec<u64>,
    /// Main department, when set.
    pub main_department: Option<u64>,
    /// Job title.
    pub position: String,
    /// Active, disabled, departed …
    pub status: EmployeeStatus,
}

/// Account status of an employee (user/list `status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmployeeStatus {
    /// 1: activated.
    Active,
    /// 2: disabled.
    Disabled,
    /// 4: not activated.
    Inactive,
    /// 5: left the corp.
    Departed,
    /// Any other code, kept.
    Other(i64),
}

impl EmployeeStatus {
    /// From the user/list status code.
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => Self::Active,
            2 => Self::Disabled,
            4 => Self::Inactive,
            5 => Self::Departed,
            other => Self::Other(other),
        }
    }

    /// The user/list status code.
    pub fn code(self) -> i64 {
        match self {
            Self::Active => 1,
            Self::Disabled => 2,
            Self::Inactive => 4,
            Self::Departed => 5,
            Self::Other(c) => c,
        }
    }

    /// Whether the employee can no longer act (disabled or departed): opened read-only in the UI.
    pub fn is_gone(self) -> bool {
        matches!(self, Self::Disabled | Self::Departed)
    }
}

/// A customer or other outside contact (externalcontact/get).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExternalContact {
    /// `wm…` or `wo…`.
    pub external_userid: UserId,
    /// Name.
    pub name: String,
    /// 1 WeChat user, 2 WeCom user.
    pub kind: u32,
    /// Corp short name (WeCom users).
    pub corp_name: Option<String>,
    /// Corp full name.
    pub corp_full_name: Option<String>,
    /// Job title.
    pub position: Option<String>,
    /// 0 unknown, 1 male, 2 female.
    pub gender: u32,
    /// WeChat unionid, when known.
    pub unionid: Option<String>,
    /// The employees who have this contact, with how and when.
    pub follow_users: Vec<FollowUser>,
}

/// An employee's relation to an external contact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUser {
    /// The employee.
    pub userid: UserId,
    /// The employee's remark name for the contact.
    pub remark: String,
    /// Description.
    pub description: String,
    /// When the contact was added, seconds.
    pub createtime: i64,
    /// Tags the employee gave.
    pub tags: Vec<Tag>,
    /// Who performed the add (the employee, or the contact for self-adds).
    pub oper_userid: Option<String>,
    /// How the contact was added (add_way code: 1 QR code, 2 phone number, 3 shared card …).
    pub add_way: Option<i64>,
    /// Channel state parameter.
    pub state: Option<String>,
}

/// A customer tag.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    /// Tag group.
    pub group_name: String,
    /// Tag name.
    pub tag_name: String,
    /// Tag id (corp tags only).
    pub tag_id: Option<String>,
    /// 1 corp tag, 2 personal, 3 rule-based.
    pub kind: u32,
}

/// A group chat, internal or with customers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The room id.
    pub roomid: RoomId,
    /// Internal (msgaudit groupchat/get) or customer group (externalcontact groupchat/get).
    pub kind: GroupKind,
    /// Name.
    pub name: String,
    /// Creator / owner.
    pub owner: UserId,
    /// Creation time, seconds.
    pub create_time: i64,
    /// Announcement.
    pub notice: String,
    /// Members.
    pub members: Vec<GroupMember>,
    /// Admins (customer groups).
    pub admins: Vec<UserId>,
    /// Set when the group was dissolved (time of the dismiss event, seconds).
    pub dismissed_at: Option<i64>,
}

/// The two kinds of group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// Employees only.
    Internal,
    /// With customers.
    Customer,
}

/// A member of a group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupMember {
    /// The member's id.
    pub userid: UserId,
    /// Whether the member is an employee (type 1) or external (type 2).
    pub external: bool,
    /// When the member joined, seconds.
    pub join_time: i64,
    /// How they joined (1 invited, 2 link, 3 QR code).
    pub join_scene: Option<i64>,
    /// Who invited them.
    pub invitor: Option<UserId>,
    /// Nickname in the group.
    pub group_nickname: Option<String>,
    /// Name.
    pub name: Option<String>,
}

/// A callback event that changes contacts or groups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// When the event happened, seconds (`CreateTime`).
    pub time: i64,
    /// What happened.
    pub kind: EventKind,
}

/// What a callback event reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum EventKind {
    /// The employee deleted the customer (`del_external_contact`).
    EmployeeDeletedCustomer {
        /// The employee.
        userid: UserId,
        /// The customer.
        external_userid: UserId,
        /// Why, when given (`DEL_EXTERNAL_CONTACT_BY_TRANSFER` …).
        source: Option<String>,
    },
    /// The customer deleted the employee (`del_follow_user`).
    CustomerDeletedEmployee {
        /// The employee.
        userid: UserId,
        /// The customer.
        external_userid: UserId,
    },
    /// A hand-over of a customer failed (`transfer_fail`).
    TransferFailed {
        /// The employee who was to take over.
        userid: UserId,
        /// The customer.
        external_userid: UserId,
        /// `customer_refused` or `customer_limit_exceed`.
        fail_reason: String,
    },
    /// A customer group was dissolved (`change_external_chat` / `dismiss`).
    GroupDismissed {
        /// The group.
        chat_id: RoomId,
    },
    /// Any other callback (adds, edits, consent …), kept by name; the raw event stays in the archive.
    Other {
        /// `Event`.
        event: String,
        /// `ChangeType`.
        change_type: String,
    },
}

/// Consent to archiving (check_single_agree / check_room_agree items).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgreeStatus {
    /// The employee (single chats only).
    pub userid: Option<UserId>,
    /// The external contact.
    pub external_userid: UserId,
    /// Whether they agreed.
    pub agreed: bool,
    /// When the status last changed, seconds.
    pub status_change_time: i64,
}
