//! The client process SIGKILLed at random points of a large sync, many times, against a real
//! server: every restart opens the profile and resumes; the end state equals the server's slice
//! (same msgids and content hashes, no duplicates) and the index agrees with the rows.
//!
//! The client is this test binary run again as a child (`child_client`), so it is a separate
//! process with nothing shared but the profile directory and the server's URL.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dossier_model::Scope;
use dossier_sync::{Client, Error, SyncOptions};
use dossier_vault::Queries;
use rand::{Rng, SeedableRng};

use crate::common::*;

const PROFILE_ENV: &str = "DOSSIER_SYNC_KILL_PROFILE";
const URL_ENV: &str = "DOSSIER_SYNC_KILL_URL";

/// Size of the archive (override with `DOSSIER_SYNC_KILL_MESSAGES`).
fn messages() -> u64 {
    std::env::var("DOSSIER_SYNC_KILL_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30_000)
}

/// The client: opens the profile, resumes the stored session (signs in again if it is dead),
/// and syncs to the end.
#[test]
#[ignore = "run as a child process by killed_client_resumes_exactly"]
fn child_client() {
    let (Ok(dir), Ok(url)) = (std::env::var(PROFILE_ENV), std::env::var(URL_ENV)) else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let vault = open_vault(Path::new(&dir));
    let client = Client::new(&url, client_options(), rt.handle().clone()).unwrap();
    let options = SyncOptions {
        batch_limit: 1_000,
        index_commit_messages: 4_000,
        // Rounds of several responses, so kills land inside them too.
        round_messages: 3_000,
        ..SyncOptions::default()
    };
    if dossier_sync::session::restore(&vault, &client).unwrap() {
        match run_sync(&vault, &client, &options) {
            Ok(_) => return,
            // A refresh the previous run did not live to store: sign in again.
            Err(Error::Unauthorized(_)) => {}
            Err(e) => panic!("sync: {e}"),
        }
    }
    rt.block_on(client.login("rev", PASSWORD)).unwrap();
    run_sync(&vault, &client, &options).unwrap();
}

fn spawn_child(dir: &Path, url: &str) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "kill::child_client",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(PROFILE_ENV, dir)
        .env(URL_ENV, url)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

#[test]
fn killed_client_resumes_exactly() {
    let started_setup = Instant::now();
    let server = server(messages(), Scope::All);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    drop(new_vault(&dir));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(
        std::env::var("DOSSIER_SYNC_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(8),
    );

    // Kill at random points of a growing window (an uninterrupted run's length is not known in
    // advance), `KILLS` times; then let the last run finish.
    const KILLS: usize = 8;
    let mut kills = 0;
    let mut last_cursor = 0;
    let mut window_ms = 300u64;
    let setup = started_setup.elapsed();
    let started = Instant::now();
    loop {
        let mut child = spawn_child(&dir, &server.url);
        let deadline =
            (kills < KILLS).then(|| Instant::now() + Duration::from_millis(rng.random_range(30..window_ms)));
        let finished = loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "client failed: {status}");
                break true;
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                break false;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        // The profile opens after every kill and never goes back.
        let vault = open_vault(&dir);
        let cursor = vault.db().read(|r| r.cursor()).unwrap();
        assert!(
            cursor >= last_cursor,
            "cursor went back: {last_cursor} → {cursor}"
        );
        last_cursor = cursor;
        drop(vault);
        if finished {
            break;
        }
        kills += 1;
        window_ms += 300;
        assert!(started.elapsed() < Duration::from_secs(600), "kill test ran away");
    }
    let vault = open_vault(&dir);
    let held = held(&vault);
    assert!(
        held.messages.len() as u64 >= messages() * 9 / 10,
        "{} messages",
        held.messages.len()
    );
    assert_converged(&server, &vault, "rev");
    eprintln!(
        "kill test: {} messages, {kills} kills, setup {:.1} s, runs {:.1} s",
        held.messages.len(),
        setup.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}
