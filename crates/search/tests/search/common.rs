//! Helpers: vaults with cheap key derivation, messages, indexing batches.

use dossier_model::{Action, Content, Message, MsgId, RoomId, Text, UserId};
use dossier_search::{MessageDoc, SearchIndex};
use dossier_vault::{CreateOptions, KdfParams, KeySource, Passphrase, Profile, Put, Vault};

/// A new passphrase profile (Argon2id cost low enough for tests) in a fresh temp dir.
pub fn new_vault() -> (tempfile::TempDir, Vault) {
    let tmp = tempfile::tempdir().unwrap();
    let opts = CreateOptions {
        kdf: KdfParams {
            m_kib: 256,
            t: 1,
            p: 1,
        },
    };
    let key = KeySource::Passphrase(Passphrase::new("correct horse").unwrap());
    let vault = Profile::create(&tmp.path().join("p"), key, &opts).unwrap();
    (tmp, vault)
}

/// A text message from `from` to `to` (or in `room`) at `time` ms.
pub fn text_message(i: u64, from: &str, to: &[&str], room: Option<&str>, time: i64, text: &str) -> Message {
    Message {
        msgid: MsgId(format!("msg{i:08}")),
        seq: Some(i),
        action: Action::Send,
        from: UserId(from.into()),
        tolist: to.iter().map(|t| UserId((*t).into())).collect(),
        roomid: room.map(|r| RoomId(r.into())),
        msgtime: time,
        content: Content::Text(Text { content: text.into() }),
    }
}

/// Flags of a message in [`store`] batches: (has_violation, has_annotation).
pub type Flags = (bool, bool);

/// Stores `messages` in the vault and indexes the new rows, as sync does: one vault transaction
/// with the cursor, then an index commit with the same seq. Returns the row ids.
pub fn store(vault: &Vault, index: &SearchIndex, seq: i64, messages: &[(Message, Flags)]) -> Vec<i64> {
    let puts = vault
        .db()
        .write(|tx| {
            let mut puts = Vec::new();
            for (m, _) in messages {
                puts.push(tx.put_message(m, None, seq)?);
            }
            tx.set_cursor(seq)?;
            Ok(puts)
        })
        .unwrap();
    let mut w = index.writer().unwrap();
    for ((m, (v, a)), put) in messages.iter().zip(&puts) {
        if let Put::Inserted(id) = put {
            let text = m.content.text();
            w.add(&MessageDoc {
                id: *id,
                message: m,
                text: &text,
                has_violation: *v,
                has_annotation: *a,
            })
            .unwrap();
        }
    }
    w.commit(seq).unwrap();
    puts.iter().map(|p| p.id()).collect()
}

/// The demo generator's messages (text-bearing and not), parsed.
pub fn demo_messages(seed: u64, n: u64) -> Vec<Message> {
    let dir = tempfile::tempdir().unwrap();
    let summary = dossier_demo::generate(
        &dossier_demo::Options {
            seed,
            employees: 12,
            messages: n,
            ..Default::default()
        },
        dir.path(),
    )
    .unwrap();
    let mut out = Vec::new();
    for f in &summary.message_files {
        let text = std::fs::read_to_string(dir.path().join(f)).unwrap();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            if let Ok(m) = dossier_wecom::parse_message(line) {
                out.push(m);
            }
        }
    }
    out
}
