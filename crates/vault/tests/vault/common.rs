//! Helpers shared by the tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dossier_model::{Action, Content, Message, MsgId, RoomId, Text, UserId};
use dossier_vault::{CreateOptions, KdfParams, KeySource, Passphrase, Profile, Vault};

/// Argon2id cost low enough for tests (production default is 64 MiB × 3).
pub fn fast() -> CreateOptions {
    CreateOptions { kdf: fast_kdf() }
}

pub fn fast_kdf() -> KdfParams {
    KdfParams {
        m_kib: 256,
        t: 1,
        p: 1,
    }
}

pub fn pass(s: &str) -> KeySource {
    KeySource::Passphrase(Passphrase::new(s).unwrap())
}

/// A new passphrase profile in a fresh temp dir.
pub fn new_vault() -> (tempfile::TempDir, Vault) {
    let tmp = tempfile::tempdir().unwrap();
    let vault = Profile::create(&tmp.path().join("p"), pass("correct horse"), &fast()).unwrap();
    (tmp, vault)
}

pub fn text_message(i: u64, from: &str, to: &str, room: Option<&str>, time: i64, text: &str) -> Message {
    Message {
        msgid: MsgId(format!("msg{i:08}")),
        seq: Some(i),
        action: Action::Send,
        from: UserId(from.into()),
        tolist: vec![UserId(to.into())],
        roomid: room.map(|r| RoomId(r.into())),
        msgtime: time,
        content: Content::Text(Text { content: text.into() }),
    }
}

/// Every file under `dir` with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for path in walk(dir) {
        out.insert(path.clone(), std::fs::read(&path).unwrap());
    }
    out
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() => out.push(p),
                _ => {}
            }
        }
    }
    out.sort();
    out
}

/// Flips one bit of a file at `offset`.
pub fn flip(path: &Path, offset: usize) {
    let mut b = std::fs::read(path).unwrap();
    b[offset] ^= 0x01;
    std::fs::write(path, b).unwrap();
}
