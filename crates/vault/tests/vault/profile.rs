//! Profiles and passphrase mode: create, unlock, lock, wrong key, change, delete.

use dossier_vault::{Error, KeySource, Passphrase, Profile, Queries, UserError};

use crate::common::{fast, fast_kdf, new_vault, pass, snapshot, text_message};

#[test]
fn create_write_lock_unlock_read() {
    let (tmp, vault) = new_vault();
    let m = text_message(
        1,
        "zhangsan",
        "wmCust1",
        None,
        1_700_000_000_000,
        "您好，请问保险的事",
    );
    vault
        .db()
        .write(|tx| {
            tx.put_message(&m, Some(r#"{"msgid":"msg00000001"}"#), 5)?;
            tx.set_cursor(5)
        })
        .unwrap();
    let profile = vault.lock();
    let vault = profile.unlock(pass("correct horse")).unwrap();
    let (cursor, stored) = vault
        .db()
        .read(|r| Ok((r.cursor()?, r.message("msg00000001")?)))
        .unwrap();
    assert_eq!(cursor, 5);
    assert_eq!(stored.unwrap().message, m);
    let raw = vault.db().read(|r| r.raw_message("msg00000001")).unwrap();
    assert_eq!(raw.as_deref(), Some(r#"{"msgid":"msg00000001"}"#));
    drop(tmp);
}

#[test]
fn wrong_passphrase_is_refused_and_changes_nothing() {
    let (tmp, vault) = new_vault();
    vault.db().write(|tx| tx.set_cursor(9)).unwrap();
    vault.db().checkpoint().unwrap();
    let profile = vault.lock();
    let before = snapshot(tmp.path());
    let err = profile.unlock(pass("wrong horse")).unwrap_err();
    assert!(matches!(err, Error::User(UserError::WrongPassphrase)), "{err}");
    assert!(err.is_user_error());
    let err = profile.unlock(KeySource::OsKeyring).unwrap_err();
    assert!(
        matches!(err, Error::User(UserError::WrongUnlockMethod { .. })),
        "{err}"
    );
    assert_eq!(
        snapshot(tmp.path()),
        before,
        "a failed unlock must not touch any file"
    );
    let vault = profile.unlock(pass("correct horse")).unwrap();
    assert_eq!(vault.db().read(|r| r.cursor()).unwrap(), 9);
}

#[test]
fn passphrase_from_reader_and_env() {
    let p = Passphrase::from_reader(&b"s3cret passphrase\r\nignored"[..]).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let vault = Profile::create(&dir, KeySource::Passphrase(p), &fast()).unwrap();
    let profile = vault.lock();
    profile.unlock(pass("s3cret passphrase")).unwrap().lock();

    // The caller names the variable; PATH is set in every test environment.
    let path = std::env::var("PATH").unwrap();
    let dir2 = tmp.path().join("q");
    Profile::create(
        &dir2,
        KeySource::Passphrase(Passphrase::from_env("PATH").unwrap()),
        &fast(),
    )
    .unwrap();
    Profile::open(&dir2).unwrap().unlock(pass(&path)).unwrap();

    let err = Passphrase::from_env("DOSSIER_TEST_SURELY_UNSET_VARIABLE").unwrap_err();
    assert!(matches!(err, Error::User(UserError::PassphraseEnvMissing(_))));
    assert!(matches!(
        Passphrase::from_reader(&b"\n"[..]).unwrap_err(),
        Error::User(UserError::EmptyPassphrase)
    ));
}

#[test]
fn change_passphrase() {
    let (_tmp, vault) = new_vault();
    vault.db().write(|tx| tx.set_setting("k", "v")).unwrap();
    vault
        .change_key_protection(pass("new battery staple"), fast_kdf())
        .unwrap();
    let profile = vault.lock();
    assert!(matches!(
        profile.unlock(pass("correct horse")).unwrap_err(),
        Error::User(UserError::WrongPassphrase)
    ));
    let vault = profile.unlock(pass("new battery staple")).unwrap();
    assert_eq!(vault.db().read(|r| r.setting("k")).unwrap().as_deref(), Some("v"));
}

#[test]
fn one_process_at_a_time_and_no_overwrite() {
    let (tmp, vault) = new_vault();
    let profile = dossier_vault::Profile::open(vault.dir()).unwrap();
    let err = profile.unlock(pass("correct horse")).unwrap_err();
    assert!(matches!(err, Error::User(UserError::ProfileBusy(_))), "{err}");
    let err = Profile::create(vault.dir(), pass("x"), &fast()).unwrap_err();
    assert!(matches!(err, Error::User(UserError::ProfileExists(_))), "{err}");
    std::fs::write(tmp.path().join("other.txt"), "x").unwrap();
    let err = Profile::create(tmp.path(), pass("x"), &fast()).unwrap_err();
    assert!(
        matches!(err, Error::User(UserError::DirectoryNotEmpty(_))),
        "{err}"
    );
    let err = Profile::open(&tmp.path().join("nothing")).unwrap_err();
    assert!(matches!(err, Error::User(UserError::NoProfile(_))), "{err}");
}

#[test]
fn delete_removes_every_file_without_the_key() {
    let (tmp, vault) = new_vault();
    let dir = vault.dir().to_owned();
    vault.store_media("sdk-1", b"hello media").unwrap();
    let profile = vault.lock();
    profile.delete().unwrap();
    assert!(!dir.exists());
    assert!(tmp.path().exists());
}
