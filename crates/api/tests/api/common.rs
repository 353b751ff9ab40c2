//! One demo profile per test binary, opened as a `Session`.

use std::sync::OnceLock;

use dossier_api::Session;

const PASS: &str = "api test";

/// The shared session (a demo archive of 4,000 lines from 10 employees, hits planted).
pub fn session() -> Session {
    static SESSION: OnceLock<Session> = OnceLock::new();
    SESSION
        .get_or_init(|| {
            // Leaked on purpose: the profile lives as long as the test binary.
            let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
            let path = dir.path().join("profile");
            let (vault, _) = dossier_api::fixture::demo_profile(&path, PASS, 10, 4_000).unwrap();
            Session::from_vault(vault).unwrap()
        })
        .clone()
}

/// Rows of a read-only SQL query over the session's database (for brute-force expectations).
pub fn rows<T>(
    sql: &str,
    f: impl Fn(&dossier_vault::rusqlite::Row<'_>) -> dossier_vault::rusqlite::Result<T>,
) -> Vec<T> {
    use dossier_vault::Queries;
    session()
        .vault()
        .db()
        .read(|r| {
            let mut stmt = r.sql().prepare(sql)?;
            let out = stmt.query_map([], |row| f(row))?.collect::<Result<Vec<_>, _>>()?;
            Ok(out)
        })
        .unwrap()
}

/// Signs `user` in to the demo server at `url` (the demo password) and syncs a new
/// passphrase-protected profile under `profiles`.
pub async fn connected(
    url: &str,
    user: &str,
    profiles: &std::path::Path,
) -> (dossier_api::connect::Connection, Session) {
    let link = dossier_api::connect::Connection::default();
    let request = dossier_api::connect::ConnectRequest {
        server_url: url.to_owned(),
        user: user.to_owned(),
        password: dossier_demo_server::DEMO_PASSWORD.into(),
        passphrase: Some("correct horse battery".into()),
    };
    let session = link.connect(profiles, request, |_| {}).await.unwrap();
    (link, session)
}
