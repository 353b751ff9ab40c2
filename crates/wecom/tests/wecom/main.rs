//! The WeCom parser against the public fixtures (kept verbatim in tests/fixtures with SOURCES.md)
//! and against malformed input.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dossier_model::{Action, Content, EventKind, GroupKind, Message};
use dossier_wecom::{ArchiveLine, LineReader, api, events, parse_line, parse_message, to_wecom_json};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap()
}

fn lines(name: &str) -> Vec<String> {
    fixture(name).lines().map(str::to_owned).collect()
}

/// Decodes the JSON strings that chat-record and mixed items carry, so two layouts compare by
/// content rather than by key order and escaping.
fn canonical(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(obj) => {
                let is_item = obj.contains_key("type") && obj.get("content").is_some_and(Value::is_string);
                if is_item {
                    let s = obj["content"].as_str().unwrap().to_owned();
                    obj.insert("content".into(), serde_json::from_str(&s).unwrap());
                }
                obj.values_mut().for_each(walk);
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

const MESSAGE_FILES: [&str; 2] = ["decrypted_messages.skit.jsonl", "decrypted_messages.wxjava.jsonl"];

#[test]
fn every_fixture_message_parses_into_its_own_variant() {
    let mut seen = BTreeMap::new();
    for file in MESSAGE_FILES {
        for (i, line) in lines(file).iter().enumerate() {
            let m = parse_message(line).unwrap_or_else(|e| panic!("{file}:{}: {e}", i + 1));
            let raw: Value = serde_json::from_str(line).unwrap();
            let wire_type = raw.get("msgtype").and_then(Value::as_str).unwrap_or("switch");
            assert_eq!(m.msgtype(), wire_type, "{file}:{}", i + 1);
            assert!(
                !matches!(m.content, Content::Unknown(_)),
                "{file}:{} fell through to Unknown",
                i + 1
            );
            *seen.entry(m.msgtype().to_owned()).or_insert(0) += 1;
        }
    }
    // Every msgtype the model knows occurs in the public samples.
    for t in Content::KNOWN_TYPES {
        assert!(seen.contains_key(t), "no fixture of {t}");
    }
}

#[test]
fn round_trip_loses_no_field() {
    for file in MESSAGE_FILES {
        for (i, line) in lines(file).iter().enumerate() {
            let m = parse_message(line).unwrap();
            let original = canonical(serde_json::from_str(line).unwrap());
            let written = canonical(to_wecom_json(&m));
            assert_eq!(written, original, "{file}:{}", i + 1);
            // And the written form parses back to the same model.
            assert_eq!(
                parse_message(&to_wecom_json(&m).to_string()).unwrap(),
                m,
                "{file}:{}",
                i + 1
            );
        }
    }
}

#[test]
fn model_serialisation_round_trips() {
    for file in MESSAGE_FILES {
        for line in lines(file) {
            let m = parse_message(&line).unwrap();
            let stored = serde_json::to_string(&m).unwrap();
            let back: Message = serde_json::from_str(&stored).unwrap();
            assert_eq!(back, m);
        }
    }
}

#[test]
fn numbers_beyond_i64_are_exact() {
    let wx = lines("decrypted_messages.wxjava.jsonl");
    let Content::Meeting(meeting) = parse_message(&wx[27]).unwrap().content else {
        panic!("not a meeting")
    };
    assert_eq!(meeting.meetingid, 11101571002822706744);
    let Content::VoipDocShare(share) = parse_message(&wx[28]).unwrap().content else {
        panic!()
    };
    assert_eq!(share.filesize, Some(11101571002822706744));
    assert_eq!(share.voipid, "gr2751c98b19300571f8afb3b74514bd32");
    let Content::Collect(collect) = parse_message(&wx[29]).unwrap().content else {
        panic!()
    };
    assert_eq!(collect.details[0].id, 11101571002822706744);
    assert_eq!(collect.details[3].kind, "Time");
    assert!(
        to_wecom_json(&parse_message(&wx[27]).unwrap())
            .to_string()
            .contains("11101571002822706744")
    );
}

#[test]
fn envelope_fields_and_special_records() {
    let skit = lines("decrypted_messages.skit.jsonl");
    let text = parse_message(&skit[0]).unwrap();
    assert_eq!(text.msgid.as_str(), "CAQQluDa4QUY0On2rYSAgAMgzPrShAE=");
    assert_eq!(text.action, Action::Send);
    assert_eq!(text.from.as_str(), "XuJinSheng");
    assert_eq!(text.tolist, vec!["icefog".into()]);
    assert_eq!(text.msgtime, 1547087894783);
    assert_eq!(text.group(), None);
    assert_eq!(text.content.text(), "test");

    let revoke = parse_message(&skit[2]).unwrap();
    assert_eq!(revoke.action, Action::Recall);
    let Content::Revoke(r) = &revoke.content else {
        panic!()
    };
    assert_eq!(r.pre_msgid.as_str(), "14822339130656386894_1603875600");

    let switch = parse_message(&skit[18]).unwrap();
    assert_eq!(
        (switch.action.clone(), switch.content.clone()),
        (Action::Switch, Content::Switch)
    );
    assert_eq!(
        (switch.from.as_str(), switch.msgtime),
        ("XuJinSheng", 1554119421840)
    );

    // meeting_voice_call omits roomid: kept as absent, not as a single chat.
    let call = parse_message(&skit[23]).unwrap();
    assert_eq!(call.roomid, None);
    let Content::MeetingVoiceCall(c) = &call.content else {
        panic!()
    };
    assert_eq!(c.voiceid, "grb8a4c48a3c094a70982c518d55e40557");
    assert_eq!(
        c.demofiledata.as_ref().unwrap()[0].filename,
        "65eb1cdd3e7a3c1740ecd74220b6c627.docx"
    );

    let ext = parse_message(&skit[25]).unwrap();
    assert_eq!(ext.msgtype(), "external_redpacket");
    assert_eq!(ext.group().unwrap().as_str(), "wrJ7ijBwAAG1vly_DzVI72Ghc-PtA5Dw");
    assert!(ext.from.is_external());
}

#[test]
fn nested_chatrecord_and_mixed_items_become_messages() {
    let wx = lines("decrypted_messages.wxjava.jsonl");
    let Content::Chatrecord(rec) = parse_message(&wx[13]).unwrap().content else {
        panic!()
    };
    assert_eq!(rec.title, "群聊");
    assert_eq!(rec.item.len(), 2);
    assert_eq!(rec.item[1].kind, "ChatRecordText");
    assert_eq!(rec.item[1].msgtime, 1603875620);
    assert_eq!(
        rec.item[1].content,
        Content::Text(dossier_model::Text {
            content: "test2".into()
        })
    );

    let Content::Mixed(mixed) = parse_message(&wx[22]).unwrap().content else {
        panic!()
    };
    assert_eq!(mixed.item[0].content.text(), "你好[微笑]\n");
    let Content::Image(img) = &mixed.item[1].content else {
        panic!("second item is an image")
    };
    assert_eq!(img.filesize, Some(13177));
    assert!(img.sdkfileid.starts_with("CtYBMzA2OTAy"));
}

#[test]
fn vote_in_both_forms() {
    let nested = &lines("decrypted_messages.skit.jsonl")[14];
    let Content::Vote(v) = parse_message(nested).unwrap().content else {
        panic!()
    };
    assert!(v.nested);
    assert_eq!(
        (v.votetitle.as_str(), v.voteitem.clone(), v.votetype),
        ("投票主题", vec!["投票选项".into()], 101)
    );

    let top = r#"{"msgid":"v1","action":"send","from":"ken","tolist":["icef"],"roomid":"wr1","msgtime":1603875657905,"msgtype":"vote","votetitle":"午饭吃什么","voteitem":["面","饭"],"votetype":102,"voteid":"2"}"#;
    let m = parse_message(top).unwrap();
    let Content::Vote(v) = &m.content else { panic!() };
    assert!(!v.nested);
    assert_eq!(v.voteitem, vec!["面".to_owned(), "饭".to_owned()]);
    assert_eq!(
        canonical(to_wecom_json(&m)),
        serde_json::from_str::<Value>(top).unwrap()
    );
}

#[test]
fn control_characters_in_text_are_preserved() {
    let line = "{\"msgid\":\"c1\",\"action\":\"send\",\"from\":\"a\",\"tolist\":[\"wmB\"],\"roomid\":\"\",\"msgtime\":1,\"msgtype\":\"text\",\"text\":{\"content\":\"保本\u{1}保息\u{7}\ttab\"}}";
    let m = parse_message(line).unwrap();
    assert_eq!(m.content.text(), "保本\u{1}保息\u{7}\ttab");
    // Written back, the characters are escaped and still there.
    let again = parse_message(&to_wecom_json(&m).to_string()).unwrap();
    assert_eq!(again.content.text(), "保本\u{1}保息\u{7}\ttab");
}

#[test]
fn outer_seq_and_chatdata_responses() {
    let with_seq = r#"{"seq":18446744073709551615,"msgid":"s1","action":"send","from":"a","tolist":["b"],"roomid":"","msgtime":5,"msgtype":"text","text":{"content":"hi"}}"#;
    let m = parse_message(with_seq).unwrap();
    assert_eq!(m.seq, Some(u64::MAX));
    assert_eq!(
        canonical(to_wecom_json(&m)),
        serde_json::from_str::<Value>(with_seq).unwrap()
    );

    let outer = lines("getchatdata_response.jsonl");
    for line in &outer[..2] {
        let ArchiveLine::ChatData(entries) = parse_line(line).unwrap() else {
            panic!("not chatdata")
        };
        assert_eq!(entries.len(), 1);
        assert_eq!((entries[0].seq, entries[0].publickey_ver), (196, 3));
        assert_eq!(entries[0].msgid.as_str(), "CAQQ2fbb4QUY0On2rYSAgAMgip/yzgs=");
    }
    // The generic placeholder record has no msgtype and an unknown action: kept raw, not dropped.
    let m = parse_message(&outer[2]).unwrap();
    assert_eq!(m.action, Action::Other("ACTION".into()));
    let Content::Unknown(u) = &m.content else { panic!() };
    assert_eq!(u.raw, serde_json::from_str::<Value>(&outer[2]).unwrap());
    assert_eq!(to_wecom_json(&m), u.raw);

    let err = parse_line(r#"{"errcode":10001,"errmsg":"network error","chatdata":[]}"#).unwrap_err();
    assert_eq!(err.field, "errcode");
    assert!(err.reason.contains("10001"));
}

#[test]
fn unknown_msgtypes_are_kept_raw() {
    let line = r#"{"msgid":"u1","action":"send","from":"a","tolist":["b"],"roomid":"","msgtime":7,"msgtype":"hologram","hologram":{"depth":3}}"#;
    let m = parse_message(line).unwrap();
    assert_eq!(m.msgtype(), "hologram");
    assert_eq!(m.msgtime, 7);
    assert_eq!(to_wecom_json(&m), serde_json::from_str::<Value>(line).unwrap());
    // Unknown chat-record items too.
    let line = r#"{"msgid":"u2","action":"send","from":"a","tolist":["b"],"roomid":"","msgtime":7,"msgtype":"chatrecord","chatrecord":{"title":"t","item":[{"type":"ChatRecordHologram","msgtime":1,"content":"{\"depth\":3}","from_chatroom":true}]}}"#;
    let Content::Chatrecord(rec) = parse_message(line).unwrap().content else {
        panic!()
    };
    let Content::Unknown(u) = &rec.item[0].content else {
        panic!()
    };
    assert_eq!(u.name, "ChatRecordHologram");
    assert_eq!(u.raw["depth"], 3);
}

#[test]
fn bad_input_names_the_field() {
    let cases = [
        (
            r#"{"msgid":"b1","action":"send","from":"a","tolist":["b"],"msgtime":"soon","msgtype":"text","text":{"content":"x"}}"#,
            "msgtime",
        ),
        (
            r#"{"msgid":"b2","action":"send","from":"a","tolist":["b"],"msgtime":1,"msgtype":"text"}"#,
            "text",
        ),
        (
            r#"{"msgid":"b3","action":"send","from":"a","tolist":["b"],"msgtime":1,"msgtype":"image","image":{"md5sum":"x"}}"#,
            "image",
        ),
        (
            r#"{"action":"send","from":"a","tolist":["b"],"msgtime":1,"msgtype":"text","text":{"content":"x"}}"#,
            "msgid",
        ),
        (
            r#"{"msgid":"b5","action":"send","from":"a","tolist":"b","msgtime":1,"msgtype":"text","text":{"content":"x"}}"#,
            "tolist",
        ),
        (
            r#"{"msgid":"b6","action":"send","tolist":["b"],"msgtime":1,"msgtype":"text","text":{"content":"x"}}"#,
            "from",
        ),
        (r#"{"msgid":"b7","action":"switch","user":"u"}"#, "time"),
        (
            r#"{"msgid":"b8","action":"send","from":"a","tolist":["b"],"msgtime":1,"msgtype":"mixed","mixed":{"item":[{"type":"text","content":"{\"content\":"}]}}"#,
            "mixed.item[0].content",
        ),
        (
            r#"{"msgid":"b9","action":"send","from":"a","tolist":["b"],"msgtime":1,"msgtype":"meeting","meeting":{"meetingid":-1}}"#,
            "meeting",
        ),
    ];
    for (line, field) in cases {
        let err = parse_message(line).unwrap_err();
        assert_eq!(err.field, field, "{line}: {err}");
        assert!(!err.reason.is_empty());
    }
    let err = parse_message(r#"{"msgid":"b2","action":"send""#).unwrap_err();
    assert_eq!(err.field, "");
    assert!(err.reason.contains("EOF"), "{err}");
    let err = parse_message(r#"{"msgid":"b3","action":"send","from":"a","tolist":["b"],"msgtime":1,"msgtype":"image","image":{"md5sum":"x"}}"#).unwrap_err();
    assert!(err.to_string().contains("sdkfileid"), "{err}");
}

#[test]
fn reader_reports_bad_lines_by_number_and_goes_on() {
    let mut input = Vec::new();
    input.extend_from_slice(lines("decrypted_messages.skit.jsonl")[0].as_bytes());
    input.extend_from_slice(b"\r\n\n{not json}\n");
    input.extend_from_slice(b"{\"msgid\":\"x\",\"action\":\"send\",\"from\":\"a\",\"tolist\":[],\"msgtime\":1,\"msgtype\":\"text\",\"text\":{\"content\":\"\xff\"}}\n");
    input.extend_from_slice(lines("decrypted_messages.skit.jsonl")[1].as_bytes());
    let mut reader = LineReader::new(&input[..]);
    let mut seen = Vec::new();
    while let Some((n, text, result)) = reader.next_line().unwrap() {
        seen.push((
            n,
            !text.is_empty(),
            result
                .map(|_| ())
                .map_err(|e| (e.line, e.error.field, e.error.reason)),
        ));
    }
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[0], (1, true, Ok(())));
    let (n, _, Err((line, _, _))) = &seen[1] else {
        panic!("{:?}", seen[1])
    };
    assert_eq!((*n, *line), (3, 3));
    let (n, _, Err((_, _, reason))) = &seen[2] else {
        panic!()
    };
    assert_eq!(*n, 4);
    assert!(reason.contains("UTF-8"), "{reason}");
    assert_eq!(seen[3], (5, true, Ok(())));
}

#[test]
fn side_api_responses_and_requests() {
    let c = api::parse_external_contact(&fixture("api/gowecom__externalcontact_get.response.json")).unwrap();
    assert_eq!(
        (c.external_userid.as_str(), c.name.as_str(), c.kind),
        ("woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA", "李四", 2)
    );
    assert_eq!(c.corp_full_name.as_deref(), Some("腾讯科技有限公司"));
    assert_eq!(c.follow_users[0].userid.as_str(), "rocky");
    assert_eq!(c.follow_users[0].createtime, 1525779812);
    assert_eq!(
        c.follow_users[0].tags[0].tag_id.as_deref(),
        Some("etAJ2GCAAAXtWyujaWJHDDGi0mACHAAA")
    );
    assert!(c.follow_users.len() >= 2);

    let g = api::parse_group(&fixture(
        "api/gowecom__externalcontact_groupchat_get.response.json",
    ))
    .unwrap();
    assert_eq!(
        (g.kind, g.name.as_str(), g.owner.as_str()),
        (GroupKind::Customer, "销售客服群", "ZhuShengBen")
    );
    assert_eq!(g.members.len(), 2);
    assert!(!g.members[0].external && g.members[1].external);
    assert_eq!(g.members[0].invitor.as_ref().unwrap().as_str(), "jack");
    assert_eq!(g.admins.len(), 2);

    let internal = fixture("api/gowecom__msgaudit_groupchat_get.response.json");
    assert_eq!(api::parse_group(&internal).unwrap_err().field, "roomid");
    let g = api::parse_internal_group(&internal, Some("wrNplhCgAAIVZohLe57zKnvIV7xBKrig")).unwrap();
    assert_eq!(
        (g.kind, g.name.as_str(), g.create_time),
        (GroupKind::Internal, "蓦然回首", 1592361604)
    );
    assert_eq!(g.members[1].userid.as_str(), "xujinsheng");

    let single =
        api::parse_agree_status(&fixture("api/gowecom__msgaudit_check_single_agree.response.json")).unwrap();
    assert_eq!(
        single.iter().map(|a| a.agreed).collect::<Vec<_>>(),
        [true, false, true]
    );
    assert_eq!(single[0].userid.as_ref().unwrap().as_str(), "XuJinSheng");
    let room =
        api::parse_agree_status(&fixture("api/gowecom__msgaudit_check_room_agree.response.json")).unwrap();
    assert_eq!(room.len(), 3);
    assert!(room[0].userid.is_none());

    let permit = api::parse_permit_users(&fixture(
        "api/gowecom__msgaudit_get_permit_user_list.response.json",
    ))
    .unwrap();
    assert_eq!(permit.len(), 3);
    let robot = api::parse_robot_info(&fixture("api/skit__msgaudit_get_robot_info.response.json")).unwrap();
    assert_eq!(
        (robot.name.as_str(), robot.creator_userid.as_str()),
        ("机器人A", "zhangsan")
    );

    use api::request::*;
    let r: CheckSingleAgree =
        parse(&fixture("api/gowecom__msgaudit_check_single_agree.request.json")).unwrap();
    assert_eq!(r.info.len(), 3);
    assert_eq!(
        r.info[0].external_userid.as_str(),
        "wmeDKaCQAAGd9oGiQWxVsAKwV2HxNAAA"
    );
    let r: Room = parse(&fixture("api/gowecom__msgaudit_check_room_agree.request.json")).unwrap();
    assert_eq!(r.roomid.as_str(), "wrjc7bDwAASxc8tZvBErFE02BtPWyAAA");
    let r: Room = parse(&fixture("api/gowecom__msgaudit_groupchat_get.request.json")).unwrap();
    assert_eq!(r.roomid.as_str(), "wrNplhCgAAIVZohLe57zKnvIV7xBKrig");
    let r: CustomerGroup = parse(&fixture(
        "api/gowecom__externalcontact_groupchat_get.request.json",
    ))
    .unwrap();
    assert_eq!(r.need_name, 1);
    let r: PermitUserList = parse(&fixture(
        "api/gowecom__msgaudit_get_permit_user_list.request.json",
    ))
    .unwrap();
    assert_eq!(r.kind, Some(1));

    let err =
        api::parse_external_contact(r#"{"errcode":84061,"errmsg":"not external contact"}"#).unwrap_err();
    assert!(err.to_string().contains("84061"));
}

#[test]
fn every_fixture_file_is_covered() {
    // A new fixture file must get a parser and a test; this catches one dropped in silently.
    let mut names: Vec<String> = std::fs::read_dir(fixtures().join("api"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let source = include_str!("main.rs");
    for name in names {
        assert!(
            source.contains(&format!("api/{name}")),
            "fixture api/{name} is not parsed by any test"
        );
    }
}

#[test]
fn org_and_events() {
    let org = api::parse_org(r#"{"department":[{"id":1,"name":"总部","parentid":0,"order":1},{"id":2,"name":"财富管理部","parentid":1,"order":2}],"userlist":[{"userid":"zhangsan","name":"张三","department":[2],"main_department":2,"position":"理财经理","status":1},{"userid":"lisi","name":"李四","department":[2],"status":5}]}"#).unwrap();
    assert_eq!(org.departments[1].parentid, 1);
    assert_eq!(org.employees[0].main_department, Some(2));
    assert!(org.employees[1].status.is_gone());
    let e = events::parse_event(
        r#"{"CreateTime":9,"Event":"change_external_chat","ChangeType":"dismiss","ChatId":"wrQ"}"#,
    )
    .unwrap();
    assert_eq!(
        e.kind,
        EventKind::GroupDismissed {
            chat_id: "wrQ".into()
        }
    );
}
