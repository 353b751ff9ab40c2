//! Callback events, given as JSON objects with the callback's XML field names
//! (`{"Event":"change_external_contact","ChangeType":"del_follow_user","UserID":…}`).

use dossier_model::{Event, EventKind, RoomId, UserId};
use serde::Deserialize;

use crate::ParseError;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireEvent {
    create_time: Option<i64>,
    event: Option<String>,
    change_type: Option<String>,
    #[serde(rename = "UserID")]
    user_id: Option<String>,
    #[serde(rename = "ExternalUserID")]
    external_user_id: Option<String>,
    source: Option<String>,
    fail_reason: Option<String>,
    chat_id: Option<String>,
}

/// Parses one callback event.
pub fn parse_event(json: &str) -> Result<Event, ParseError> {
    let w: WireEvent =
        serde_json::from_str(json.trim_start_matches('\u{feff}')).map_err(|e| ParseError::json("", &e))?;
    let time = w.create_time.ok_or_else(|| ParseError::missing("CreateTime"))?;
    let event = w.event.ok_or_else(|| ParseError::missing("Event"))?;
    let change_type = w.change_type.ok_or_else(|| ParseError::missing("ChangeType"))?;
    let user = |v: Option<String>, name: &str| v.map(UserId).ok_or_else(|| ParseError::missing(name));
    let kind = match (event.as_str(), change_type.as_str()) {
        ("change_external_contact", "del_external_contact") => EventKind::EmployeeDeletedCustomer {
            userid: user(w.user_id, "UserID")?,
            external_userid: user(w.external_user_id, "ExternalUserID")?,
            source: w.source,
        },
        ("change_external_contact", "del_follow_user") => EventKind::CustomerDeletedEmployee {
            userid: user(w.user_id, "UserID")?,
            external_userid: user(w.external_user_id, "ExternalUserID")?,
        },
        ("change_external_contact", "transfer_fail") => EventKind::TransferFailed {
            userid: user(w.user_id, "UserID")?,
            external_userid: user(w.external_user_id, "ExternalUserID")?,
            fail_reason: w.fail_reason.ok_or_else(|| ParseError::missing("FailReason"))?,
        },
        ("change_external_chat", "dismiss") => EventKind::GroupDismissed {
            chat_id: w
                .chat_id
                .map(RoomId)
                .ok_or_else(|| ParseError::missing("ChatId"))?,
        },
        _ => EventKind::Other { event, change_type },
    };
    Ok(Event { time, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletion_by_employee() {
        let e = parse_event(
            r#"{"ToUserName":"ww1","FromUserName":"sys","CreateTime":1700000000,"MsgType":"event","Event":"change_external_contact","ChangeType":"del_external_contact","UserID":"zhangsan","ExternalUserID":"wmAAA","Source":"DEL_EXTERNAL_CONTACT_BY_TRANSFER"}"#,
        )
        .unwrap();
        assert_eq!(e.time, 1700000000);
        assert_eq!(
            e.kind,
            EventKind::EmployeeDeletedCustomer {
                userid: "zhangsan".into(),
                external_userid: "wmAAA".into(),
                source: Some("DEL_EXTERNAL_CONTACT_BY_TRANSFER".into()),
            }
        );
    }

    #[test]
    fn deletion_by_customer_transfer_fail_and_dismiss() {
        let e = parse_event(r#"{"CreateTime":1,"Event":"change_external_contact","ChangeType":"del_follow_user","UserID":"u","ExternalUserID":"wm1"}"#).unwrap();
        assert!(matches!(e.kind, EventKind::CustomerDeletedEmployee { .. }));
        let e = parse_event(r#"{"CreateTime":1,"Event":"change_external_contact","ChangeType":"transfer_fail","UserID":"u","ExternalUserID":"wm1","FailReason":"customer_refused"}"#).unwrap();
        assert_eq!(
            e.kind,
            EventKind::TransferFailed {
                userid: "u".into(),
                external_userid: "wm1".into(),
                fail_reason: "customer_refused".into()
            }
        );
        let e = parse_event(
            r#"{"CreateTime":2,"Event":"change_external_chat","ChangeType":"dismiss","ChatId":"wrX"}"#,
        )
        .unwrap();
        assert_eq!(
            e.kind,
            EventKind::GroupDismissed {
                chat_id: "wrX".into()
            }
        );
    }

    #[test]
    fn other_events_are_kept_by_name_and_bad_ones_name_the_field() {
        let e = parse_event(r#"{"CreateTime":3,"Event":"change_external_contact","ChangeType":"add_external_contact","UserID":"u","ExternalUserID":"wm1"}"#).unwrap();
        assert_eq!(
            e.kind,
            EventKind::Other {
                event: "change_external_contact".into(),
                change_type: "add_external_contact".into()
            }
        );
        let err = parse_event(r#"{"CreateTime":3,"Event":"change_external_contact","ChangeType":"del_follow_user","UserID":"u"}"#).unwrap_err();
        assert_eq!(err.field, "ExternalUserID");
        let err = parse_event(r#"{"Event":"change_external_chat","ChangeType":"dismiss","ChatId":"wr"}"#)
            .unwrap_err();
        assert_eq!(err.field, "CreateTime");
    }
}
