//! A fault-injecting HTTP proxy between the real client and the real server: connections
//! dropped, 500s, stalls and cut bodies. Sync still converges to the server's slice.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use dossier_model::Scope;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::common::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    Pass,
    /// Close the connection without answering.
    Drop,
    /// Answer 500.
    Error500,
    /// Send part of the response, then go silent longer than the client's read timeout.
    Stall,
    /// Send part of the response, then close.
    Truncate,
}

const FAULTS: [Fault; 5] = [
    Fault::Pass,
    Fault::Drop,
    Fault::Error500,
    Fault::Stall,
    Fault::Truncate,
];

/// Counts of faults injected, by kind.
#[derive(Default)]
struct Counts([AtomicUsize; 5]);

impl Counts {
    fn add(&self, f: Fault) {
        self.0[FAULTS.iter().position(|x| *x == f).unwrap()].fetch_add(1, Ordering::Relaxed);
    }
    fn get(&self, f: Fault) -> usize {
        self.0[FAULTS.iter().position(|x| *x == f).unwrap()].load(Ordering::Relaxed)
    }
}

/// Reads one request (head and body) from the client.
async fn read_request(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap_or(0));
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    // One request per upstream connection: the server closes after answering.
    let first = buf.iter().position(|b| *b == b'\n').unwrap() + 1;
    buf.splice(first..first, b"connection: close\r\n".iter().copied());
    Some(buf)
}

async fn handle(mut client: TcpStream, upstream: std::net::SocketAddr, fault: Fault, cut: usize) {
    let Some(request) = read_request(&mut client).await else {
        return;
    };
    match fault {
        Fault::Drop => return,
        Fault::Error500 => {
            let body = br#"{"code":"internal","message":"injected"}"#;
            let resp = format!(
                "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = client.write_all(resp.as_bytes()).await;
            let _ = client.write_all(body).await;
            return;
        }
        _ => {}
    }
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    if server.write_all(&request).await.is_err() {
        return;
    }
    let mut sent = 0usize;
    let mut chunk = [0u8; 16384];
    loop {
        let n = match server.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let limit = match fault {
            Fault::Stall | Fault::Truncate => cut.saturating_sub(sent).min(n),
            _ => n,
        };
        if client.write_all(&chunk[..limit]).await.is_err() {
            return;
        }
        sent += limit;
        if limit < n {
            if fault == Fault::Stall {
                tokio::time::sleep(Duration::from_secs(3)).await;
            }
            return;
        }
    }
}

/// Starts the proxy; `percent` of the connections (chosen at random) get a fault.
async fn proxy(
    upstream: std::net::SocketAddr,
    seed: u64,
    percent: Arc<AtomicUsize>,
    counts: Arc<Counts>,
) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut faulty = 0usize;
        loop {
            let Ok((conn, _)) = listener.accept().await else {
                return;
            };
            let fault = if rng.random_range(0..100) < percent.load(Ordering::Relaxed) {
                // Every kind in turn, so each shows up in a short run.
                faulty += 1;
                FAULTS[1 + faulty % (FAULTS.len() - 1)]
            } else {
                Fault::Pass
            };
            // Cut somewhere in the headers or the body (feed responses here are a few KiB to
            // ~100 KiB compressed).
            let cut = rng.random_range(0..40_000);
            counts.add(fault);
            tokio::spawn(handle(conn, upstream, fault, cut));
        }
    });
    addr
}

#[test]
fn sync_through_a_faulty_proxy_converges() {
    let server = server(3_000, Scope::All);
    let counts = Arc::new(Counts::default());
    let upstream = server.running.as_ref().unwrap().addr;
    let percent = Arc::new(AtomicUsize::new(40));
    let addr = server.rt.block_on(proxy(upstream, 11, percent, counts.clone()));
    let url = format!("http://{addr}");
    let tmp = tempfile::tempdir().unwrap();
    let vault = new_vault(&tmp.path().join("p"));
    let client = client(&server.rt, &url, "rev");
    let options = dossier_sync::SyncOptions {
        batch_limit: 100,
        index_commit_messages: 1_000,
        ..dossier_sync::SyncOptions::default()
    };
    let report = run_sync(&vault, &client, &options).unwrap();
    let injected: Vec<(Fault, usize)> = FAULTS.iter().map(|f| (*f, counts.get(*f))).collect();
    assert!(report.retries > 0, "{report:?} {injected:?}");
    for f in [Fault::Drop, Fault::Error500, Fault::Stall, Fault::Truncate] {
        assert!(counts.get(f) > 0, "no {f:?} injected: {injected:?} {report:?}");
    }
    // The profile is bound to the proxy's URL; compare with the server's slice directly.
    assert_converged(&server, &vault, "rev");
}

#[test]
fn a_server_that_keeps_failing_is_unavailable_and_the_next_sync_recovers() {
    let server = server(500, Scope::All);
    let counts = Arc::new(Counts::default());
    let upstream = server.running.as_ref().unwrap().addr;
    let percent = Arc::new(AtomicUsize::new(0));
    let addr = server
        .rt
        .block_on(proxy(upstream, 3, percent.clone(), counts.clone()));
    let tmp = tempfile::tempdir().unwrap();
    let vault = new_vault(&tmp.path().join("p"));
    let c = dossier_sync::Client::new(
        &format!("http://{addr}"),
        dossier_sync::ClientOptions {
            retry: dossier_sync::Retry {
                attempts: 4,
                base: Duration::from_millis(5),
                max: Duration::from_millis(20),
            },
            ..client_options()
        },
        server.rt.handle().clone(),
    )
    .unwrap();
    server.rt.block_on(c.login("rev", PASSWORD)).unwrap();
    percent.store(100, Ordering::Relaxed);
    let err = run_sync(&vault, &c, &small_batches()).unwrap_err();
    assert!(
        matches!(err, dossier_sync::Error::Unavailable { attempts: 4, .. }),
        "{err}"
    );
    assert!(!err.is_permanent());
    assert_eq!(held(&vault).messages.len(), 0);
    percent.store(0, Ordering::Relaxed);
    run_sync(&vault, &c, &small_batches()).unwrap();
    assert_converged(&server, &vault, "rev");
}
