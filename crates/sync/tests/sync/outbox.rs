//! The outbox against the real server: offline annotation writes and audit records upload in
//! order; a conflicting or refused write comes back to the user with both versions.

use dossier_model::{Annotation, AnnotationTarget, AuditAction, AuditRecord, MsgId, Scope};
use dossier_sync::outbox::{self, AnnotationEdit};
use dossier_vault::{Queries, Vault};

use crate::common::*;

fn local(id: &str, msgid: &str, author: &str, comment: &str, version: u64) -> Annotation {
    Annotation {
        id: id.into(),
        target: AnnotationTarget::Message {
            msgid: MsgId(msgid.into()),
            span: None,
        },
        author: author.into(),
        comment: comment.into(),
        tags: vec!["复核".into()],
        verdict: None,
        version,
        updated_at: dossier_vault::now_ms(),
        deleted: false,
    }
}

fn update(vault: &Vault, id: &str, msgid: &str, author: &str, comment: &str, base: u64) {
    vault
        .db()
        .write(|tx| {
            outbox::queue_annotation(
                tx,
                &AnnotationEdit::Update {
                    id: id.into(),
                    version: base,
                    comment: comment.into(),
                    tags: vec!["复核".into()],
                    verdict: None,
                },
                &local(id, msgid, author, comment, base),
            )
            .map_err(|e| dossier_vault::UserError::Invalid(e.to_string()).into())
        })
        .unwrap();
}

#[test]
fn offline_writes_upload_in_order_and_conflicts_keep_both_versions() {
    let server = server(300, Scope::All);
    let tmp = tempfile::tempdir().unwrap();
    let rev_vault = new_vault(&tmp.path().join("rev"));
    let rev = client(&server.rt, &server.url, "rev");
    run_sync(&rev_vault, &rev, &small_batches()).unwrap();
    let admin_vault = new_vault(&tmp.path().join("admin"));
    let admin = client(&server.rt, &server.url, "admin");
    run_sync(&admin_vault, &admin, &small_batches()).unwrap();
    let msgid: String = rev_vault
        .db()
        .read(|r| {
            Ok(r.sql()
                .query_row("SELECT msgid FROM messages ORDER BY id LIMIT 1", [], |x| x.get(0))?)
        })
        .unwrap();

    // Offline: create, then edit again on top of the unsent create; audit records.
    rev_vault
        .db()
        .write(|tx| {
            let a = local("a1", &msgid, "rev", "第一稿", 0);
            outbox::queue_annotation(
                tx,
                &AnnotationEdit::Create {
                    id: a.id.clone(),
                    target: a.target.clone(),
                    comment: a.comment.clone(),
                    tags: a.tags.clone(),
                    verdict: None,
                },
                &a,
            )
            .unwrap();
            for q in ["保本", "微信"] {
                outbox::queue_audit(
                    tx,
                    &AuditRecord {
                        at: dossier_vault::now_ms(),
                        actor: "rev".into(),
                        action: AuditAction::Search { query: q.into() },
                    },
                )
                .unwrap();
            }
            Ok(())
        })
        .unwrap();
    update(&rev_vault, "a1", &msgid, "rev", "第二稿", 0);
    assert_eq!(rev_vault.db().read(|r| r.local_annotations()).unwrap().len(), 1);

    let report = outbox::push_outbox(&rev_vault, &rev).unwrap();
    assert_eq!(
        (report.accepted, report.conflicts, report.audit),
        (2, 0, 2),
        "{report:?}"
    );
    let on_server = server.archive.store().annotation("a1").unwrap().unwrap();
    assert_eq!((on_server.version, on_server.comment.as_str()), (2, "第二稿"));
    rev_vault
        .db()
        .read(|r| {
            assert!(r.outbox(10)?.is_empty());
            assert!(r.audit_queue(10)?.is_empty());
            assert!(r.local_annotations()?.is_empty());
            let stored = r.annotations_for_message(&MsgId(msgid.clone()))?;
            assert_eq!(stored.len(), 1);
            assert_eq!(stored[0].version, 2);
            Ok(())
        })
        .unwrap();

    // Both edit version 2 offline; the admin's reaches the server first.
    run_sync(&admin_vault, &admin, &small_batches()).unwrap();
    update(&admin_vault, "a1", &msgid, "rev", "管理员的意见", 2);
    update(&rev_vault, "a1", &msgid, "rev", "复核员的意见", 2);
    assert_eq!(outbox::push_outbox(&admin_vault, &admin).unwrap().accepted, 1);
    let report = outbox::push_outbox(&rev_vault, &rev).unwrap();
    assert_eq!((report.accepted, report.conflicts), (0, 1), "{report:?}");
    let conflicts = outbox::conflicts(&rev_vault).unwrap();
    assert_eq!(conflicts.len(), 1);
    let c = &conflicts[0];
    assert_eq!(c.status, 409);
    match &c.local {
        AnnotationEdit::Update { comment, version, .. } => {
            assert_eq!((comment.as_str(), *version), ("复核员的意见", 2));
        }
        other => panic!("{other:?}"),
    }
    let theirs = c.server.as_ref().expect("the server's version");
    assert_eq!((theirs.version, theirs.comment.as_str()), (3, "管理员的意见"));
    // The server's version is what the vault shows now; the local one lives in the conflict.
    let shown = rev_vault
        .db()
        .read(|r| r.annotations_for_message(&MsgId(msgid.clone())))
        .unwrap();
    assert_eq!(shown[0].comment, "管理员的意见");
    assert!(rev_vault.db().read(|r| r.outbox(10)).unwrap().is_empty());

    // A target outside the grant: refused, kept, and the queue goes on.
    rev_vault
        .db()
        .write(|tx| {
            let a = local("a2", "no-such-message", "rev", "看不到", 0);
            outbox::queue_annotation(
                tx,
                &AnnotationEdit::Create {
                    id: a.id.clone(),
                    target: a.target.clone(),
                    comment: a.comment.clone(),
                    tags: vec![],
                    verdict: None,
                },
                &a,
            )
            .unwrap();
            Ok(())
        })
        .unwrap();
    update(&rev_vault, "a1", &msgid, "rev", "看过冲突后的意见", 3);
    let report = outbox::push_outbox(&rev_vault, &rev).unwrap();
    assert_eq!((report.accepted, report.conflicts), (1, 1), "{report:?}");
    let conflicts = outbox::conflicts(&rev_vault).unwrap();
    assert_eq!(conflicts.len(), 2);
    assert_eq!((conflicts[1].status, conflicts[1].server.is_none()), (404, true));
    assert_eq!(
        server.archive.store().annotation("a1").unwrap().unwrap().comment,
        "看过冲突后的意见"
    );
    outbox::dismiss_conflict(&rev_vault, conflicts[0].id).unwrap();
    assert_eq!(outbox::conflicts(&rev_vault).unwrap().len(), 1);
}
