//! The side-API JSON an archive server reads: department/list and user/list, externalcontact/get,
//! msgaudit groupchat/get and externalcontact groupchat/get, check_single_agree /
//! check_room_agree, get_permit_user_list, get_robot_info — and the request bodies it sends.

use dossier_model::{
    AgreeStatus, Department, Employee, EmployeeStatus, ExternalContact, FollowUser, Group, GroupKind,
    GroupMember, RoomId, Tag, UserId,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ParseError;

/// Parses an API response body, failing with the API's own error when `errcode` is not 0.
fn response<T: DeserializeOwned>(json: &str) -> Result<T, ParseError> {
    #[derive(Deserialize)]
    struct Status {
        #[serde(default)]
        errcode: i64,
        #[serde(default)]
        errmsg: String,
    }
    let json = json.trim_start_matches('\u{feff}');
    let status: Status = serde_json::from_str(json).map_err(|e| ParseError::json("", &e))?;
    if status.errcode != 0 {
        return Err(ParseError::new(
            "errcode",
            format!("WeCom error {}: {}", status.errcode, status.errmsg),
        ));
    }
    serde_json::from_str(json).map_err(|e| ParseError::json("", &e))
}

/// Departments and employees.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Org {
    /// Departments.
    pub departments: Vec<Department>,
    /// Employees.
    pub employees: Vec<Employee>,
}

#[derive(Deserialize)]
struct WireOrg {
    #[serde(default)]
    department: Vec<WireDepartment>,
    #[serde(default)]
    userlist: Vec<WireUser>,
}

#[derive(Deserialize)]
struct WireDepartment {
    id: u64,
    #[serde(default)]
    name: String,
    #[serde(default)]
    parentid: u64,
    #[serde(default)]
    order: u64,
}

#[derive(Deserialize)]
struct WireUser {
    userid: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    department: Vec<u64>,
    main_department: Option<u64>,
    #[serde(default)]
    position: String,
    #[serde(default = "active")]
    status: i64,
}

fn active() -> i64 {
    1
}

/// Reads a department/list response, a user/list response, or one object holding both
/// (`{"department": […], "userlist": […]}`, the archive directory's `users.json`).
pub fn parse_org(json: &str) -> Result<Org, ParseError> {
    let wire: WireOrg = response(json)?;
    Ok(Org {
        departments: wire
            .department
            .into_iter()
            .map(|d| Department {
                id: d.id,
                name: d.name,
                parentid: d.parentid,
                order: d.order,
            })
            .collect(),
        employees: wire
            .userlist
            .into_iter()
            .map(|u| Employee {
                userid: UserId(u.userid),
                name: u.name,
                department: u.department,
                main_department: u.main_department,
                position: u.position,
                status: EmployeeStatus::from_code(u.status),
            })
            .collect(),
    })
}

#[derive(Deserialize)]
struct WireExternalContactResponse {
    external_contact: WireExternalContact,
    #[serde(default)]
    follow_user: Vec<WireFollowUser>,
}

#[derive(Deserialize)]
struct WireExternalContact {
    external_userid: String,
    #[serde(default)]
    name: String,
    #[serde(rename = "type", default)]
    kind: u32,
    corp_name: Option<String>,
    corp_full_name: Option<String>,
    position: Option<String>,
    #[serde(default)]
    gender: u32,
    unionid: Option<String>,
}

#[derive(Deserialize)]
struct WireFollowUser {
    userid: String,
    #[serde(default)]
    remark: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    createtime: i64,
    #[serde(default)]
    tags: Vec<WireTag>,
    oper_userid: Option<String>,
    add_way: Option<i64>,
    state: Option<String>,
}

#[derive(Deserialize)]
struct WireTag {
    #[serde(default)]
    group_name: String,
    #[serde(default)]
    tag_name: String,
    tag_id: Option<String>,
    #[serde(rename = "type", default)]
    kind: u32,
}

/// Reads an externalcontact/get response: the contact and the employees who follow it.
pub fn parse_external_contact(json: &str) -> Result<ExternalContact, ParseError> {
    let wire: WireExternalContactResponse = response(json)?;
    let c = wire.external_contact;
    Ok(ExternalContact {
        external_userid: UserId(c.external_userid),
        name: c.name,
        kind: c.kind,
        corp_name: c.corp_name,
        corp_full_name: c.corp_full_name,
        position: c.position,
        gender: c.gender,
        unionid: c.unionid,
        follow_users: wire
            .follow_user
            .into_iter()
            .map(|f| FollowUser {
                userid: UserId(f.userid),
                remark: f.remark,
                description: f.description,
                createtime: f.createtime,
                tags: f
                    .tags
                    .into_iter()
                    .map(|t| Tag {
                        group_name: t.group_name,
                        tag_name: t.tag_name,
                        tag_id: t.tag_id,
                        kind: t.kind,
                    })
                    .collect(),
                oper_userid: f.oper_userid,
                add_way: f.add_way,
                state: f.state,
            })
            .collect(),
    })
}

#[derive(Deserialize)]
struct WireInternalGroup {
    roomid: Option<String>,
    #[serde(default)]
    roomname: String,
    #[serde(default)]
    creator: String,
    #[serde(default)]
    room_create_time: i64,
    #[serde(default)]
    notice: String,
    #[serde(default)]
    members: Vec<WireInternalMember>,
}

#[derive(Deserialize)]
struct WireInternalMember {
    memberid: String,
    #[serde(default)]
    jointime: i64,
}

/// Reads a msgaudit groupchat/get response (an internal group). The response does not repeat the
/// room id: it is taken from a `roomid` field when the stored object has one, else from `roomid`.
pub fn parse_internal_group(json: &str, roomid: Option<&str>) -> Result<Group, ParseError> {
    let wire: WireInternalGroup = response(json)?;
    let roomid = wire
        .roomid
        .or(roomid.map(str::to_owned))
        .ok_or_else(|| ParseError::missing("roomid"))?;
    Ok(Group {
        roomid: RoomId(roomid),
        kind: GroupKind::Internal,
        name: wire.roomname,
        owner: UserId(wire.creator),
        create_time: wire.room_create_time,
        notice: wire.notice,
        members: wire
            .members
            .into_iter()
            .map(|m| {
                let userid = UserId(m.memberid);
                GroupMember {
                    external: userid.is_external(),
                    userid,
                    join_time: m.jointime,
                    join_scene: None,
                    invitor: None,
                    group_nickname: None,
                    name: None,
                }
            })
            .collect(),
        admins: Vec::new(),
        dismissed_at: None,
    })
}

#[derive(Deserialize)]
struct WireCustomerGroupResponse {
    group_chat: WireCustomerGroup,
}

#[derive(Deserialize)]
struct WireCustomerGroup {
    chat_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    create_time: i64,
    #[serde(default)]
    notice: String,
    #[serde(default)]
    member_list: Vec<WireCustomerMember>,
    #[serde(default)]
    admin_list: Vec<WireUserRef>,
}

#[derive(Deserialize)]
struct WireCustomerMember {
    userid: String,
    #[serde(rename = "type", default)]
    kind: u32,
    #[serde(default)]
    join_time: i64,
    join_scene: Option<i64>,
    invitor: Option<WireUserRef>,
    group_nickname: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct WireUserRef {
    userid: String,
}

/// Reads an externalcontact groupchat/get response (a customer group).
pub fn parse_customer_group(json: &str) -> Result<Group, ParseError> {
    let g = response::<WireCustomerGroupResponse>(json)?.group_chat;
    Ok(Group {
        roomid: RoomId(g.chat_id),
        kind: GroupKind::Customer,
        name: g.name,
        owner: UserId(g.owner),
        create_time: g.create_time,
        notice: g.notice,
        members: g
            .member_list
            .into_iter()
            .map(|m| GroupMember {
                userid: UserId(m.userid),
                external: m.kind == 2,
                join_time: m.join_time,
                join_scene: m.join_scene,
                invitor: m.invitor.map(|i| UserId(i.userid)),
                group_nickname: m.group_nickname,
                name: m.name,
            })
            .collect(),
        admins: g.admin_list.into_iter().map(|a| UserId(a.userid)).collect(),
        dismissed_at: None,
    })
}

/// Reads either group form: customer groups carry `group_chat`, internal ones `roomname`.
pub fn parse_group(json: &str) -> Result<Group, ParseError> {
    let value: serde_json::Value =
        serde_json::from_str(json.trim_start_matches('\u{feff}')).map_err(|e| ParseError::json("", &e))?;
    if value.get("group_chat").is_some() {
        parse_customer_group(json)
    } else {
        parse_internal_group(json, None)
    }
}

#[derive(Deserialize)]
struct WireAgreeResponse {
    #[serde(default)]
    agreeinfo: Vec<WireAgree>,
}

#[derive(Deserialize)]
struct WireAgree {
    #[serde(default)]
    status_change_time: i64,
    userid: Option<String>,
    // The official field name is misspelt.
    exteranalopenid: String,
    agree_status: String,
}

/// Reads a check_single_agree or check_room_agree response.
pub fn parse_agree_status(json: &str) -> Result<Vec<AgreeStatus>, ParseError> {
    response::<WireAgreeResponse>(json)?
        .agreeinfo
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let agreed = match a.agree_status.as_str() {
                "Agree" => true,
                "Disagree" => false,
                other => {
                    return Err(ParseError::new(
                        format!("agreeinfo[{i}].agree_status"),
                        format!("expected Agree or Disagree, got {other:?}"),
                    ));
                }
            };
            Ok(AgreeStatus {
                userid: a.userid.map(UserId),
                external_userid: UserId(a.exteranalopenid),
                agreed,
                status_change_time: a.status_change_time,
            })
        })
        .collect()
}

/// Reads a get_permit_user_list response: the employees whose chats are archived.
pub fn parse_permit_users(json: &str) -> Result<Vec<UserId>, ParseError> {
    #[derive(Deserialize)]
    struct Wire {
        #[serde(default)]
        ids: Vec<UserId>,
    }
    Ok(response::<Wire>(json)?.ids)
}

/// A robot (`wb…`) as get_robot_info describes it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Robot {
    /// The robot's id.
    pub robot_id: UserId,
    /// Its name.
    pub name: String,
    /// The employee who created it.
    pub creator_userid: UserId,
}

/// Reads a get_robot_info response.
pub fn parse_robot_info(json: &str) -> Result<Robot, ParseError> {
    #[derive(Deserialize)]
    struct Wire {
        data: Robot,
    }
    Ok(response::<Wire>(json)?.data)
}

/// Request bodies the server sends to WeCom's archive APIs (serialisable and, for tests and
/// replay, parseable).
pub mod request {
    use super::*;

    /// get_permit_user_list: 1 office, 2 service, 3 enterprise edition; none for all.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub struct PermitUserList {
        /// Edition filter.
        #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
        pub kind: Option<u32>,
    }

    /// check_single_agree.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CheckSingleAgree {
        /// Employee / customer pairs.
        pub info: Vec<SingleAgreePair>,
    }

    /// One pair of check_single_agree.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SingleAgreePair {
        /// The employee.
        pub userid: UserId,
        /// The customer (official misspelling kept on the wire).
        #[serde(rename = "exteranalopenid")]
        pub external_userid: UserId,
    }

    /// check_room_agree and msgaudit groupchat/get.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Room {
        /// The group.
        pub roomid: RoomId,
    }

    /// externalcontact groupchat/get.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CustomerGroup {
        /// The group.
        pub chat_id: RoomId,
        /// 1 to return member names.
        #[serde(default)]
        pub need_name: u32,
    }

    /// Parses a request body of type `T`.
    pub fn parse<T: DeserializeOwned>(json: &str) -> Result<T, ParseError> {
        serde_json::from_str(json.trim_start_matches('\u{feff}')).map_err(|e| ParseError::json("", &e))
    }
}
