//! The project's two commands, portable across Debian, Windows and macOS:
//!
//! - `cargo xtask demo`: build what exists and start the app on a demo archive;
//! - `cargo xtask test`: the whole test suite (what CI runs through `.ci/run`).
//!
//! On Debian/Ubuntu missing system packages are installed with apt-get when running as root;
//! otherwise the exact install line is printed and the command stops. npm packages come from
//! the lockfile. Std only, so this builds in seconds before anything else.

use std::env;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T = ()> = std::result::Result<T, Failure>;

/// Why a task stopped: a sentence for the developer, printed as `xtask: …`.
#[derive(Debug)]
struct Failure(String);

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure(s)
    }
}

impl From<&str> for Failure {
    fn from(s: &str) -> Self {
        Failure(s.to_owned())
    }
}

/// Debian packages the build needs (Tauri's WebKitGTK shell, OpenSSL headers for the vault later).
const BUILD_PACKAGES: &[&str] = &[
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libxdo-dev",
    "libssl-dev",
    "librsvg2-dev",
];
/// Debian packages the tests need on top: a virtual display, WebKitWebDriver, CJK and emoji fonts
/// for the real window (customers' names carry emoji; the screenshots should show them), Chromium for the browser e2e, and a private Secret Service (gnome-keyring on a
/// session bus) for the vault's OS-keyring tests.
const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "webkit2gtk-driver",
    "chromium",
    "fonts-noto-cjk",
    "fonts-noto-color-emoji",
    "xauth",
    "dbus",
    "gnome-keyring",
];

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(),
        _ => {
            eprintln!("usage: cargo xtask demo [--messages N] | cargo xtask test");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

fn step(what: &str) {
    eprintln!("\n==> {what}");
}

/// Runs a command in the repository root, failing with its description when it fails.
fn run(program: &str, args: &[&str]) -> Result {
    run_in(&root(), program, args)
}

fn run_in(dir: &Path, program: &str, args: &[&str]) -> Result {
    let status = command(program)
        .args(args)
        .current_dir(dir)
        .status()
        .map_err(|e| format!("could not start `{program}`: {e}"))?;
    succeeded(program, args, status)
}

/// `npm` is `npm.cmd` on Windows.
fn command(program: &str) -> Command {
    if cfg!(windows) && program == "npm" {
        Command::new("npm.cmd")
    } else {
        Command::new(program)
    }
}

fn cargo() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn ci() -> bool {
    env::var_os("CI").is_some_and(|v| !v.is_empty() && v != OsStr::new("false"))
}

/// Installs missing Debian packages (as root) or prints the line that would.
fn ensure_packages(packages: &[&str]) -> Result {
    if !cfg!(target_os = "linux") || !Path::new("/usr/bin/dpkg-query").exists() {
        return Ok(()); // Windows and macOS ship their webview; see README for prerequisites.
    }
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| {
            let out = Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", p])
                .output();
            !out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let line = format!("apt-get install -y --no-install-recommends {}", missing.join(" "));
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    if !is_root {
        return Err(format!(
            "missing system packages; install them with:\n    sudo apt-get update && sudo {line}"
        )
        .into());
    }
    step(&format!("installing system packages: {}", missing.join(" ")));
    run("apt-get", &["update", "-qq"])?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend(&missing);
    let status = Command::new("apt-get")
        .args(&args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .map_err(|e| format!("could not start apt-get: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed").into())
    }
}

/// Installs the UI's npm packages from the lockfile (skipped locally when already current).
fn ensure_npm() -> Result {
    let ui = root().join("ui");
    let stamp = ui.join("node_modules/.package-lock.json");
    let lock = ui.join("package-lock.json");
    let current = match (
        stamp.metadata().and_then(|m| m.modified()),
        lock.metadata().and_then(|m| m.modified()),
    ) {
        (Ok(installed), Ok(locked)) => installed >= locked,
        _ => false,
    };
    if ci() || !current {
        step("npm ci (ui/, from the lockfile)");
        run_in(&ui, "npm", &["ci", "--no-audit", "--no-fund"])?;
    }
    Ok(())
}

fn build_ui() -> Result {
    ensure_npm()?;
    step("building the UI into ui/dist");
    run_in(&root().join("ui"), "npm", &["run", "build"])
}

fn test() -> Result {
    let mut packages = BUILD_PACKAGES.to_vec();
    packages.extend(TEST_PACKAGES);
    ensure_packages(&packages)?;
    // The shell embeds ui/dist at compile time, so the UI is built before any Rust compiles.
    build_ui()?;
    let ui = root().join("ui");
    step("UI: type check (svelte-check, tsc)");
    run_in(&ui, "npm", &["run", "check"])?;
    step("UI: component tests (Vitest)");
    run_in(&ui, "npm", &["test"])?;
    step("cargo fmt --check");
    run(&cargo(), &["fmt", "--all", "--check"])?;
    step("cargo clippy -D warnings");
    run(
        &cargo(),
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    step("Rust tests");
    let cargo = cargo();
    let tests = [cargo.as_str(), "test", "--workspace", "--locked"];
    if cfg!(target_os = "linux") && Path::new("/usr/bin/dbus-run-session").exists() {
        // The vault's keyring tests need a Secret Service: a private, unlocked gnome-keyring on a
        // throwaway session bus, keeping its files in a fresh directory, so no real keyring is
        // touched and no earlier run's keyring asks for its password. They must run, not skip, here.
        let keyrings = target_dir().join("test-keyring");
        let _ = std::fs::remove_dir_all(&keyrings);
        std::fs::create_dir_all(&keyrings).map_err(|e| format!("{}: {e}", keyrings.display()))?;
        const UNDER_KEYRING: &str = "echo -n dossier-ci | gnome-keyring-daemon --components=secrets \
                                     --daemonize --unlock >/dev/null && exec \"$@\"";
        let mut args = vec!["--", "sh", "-c", UNDER_KEYRING, "sh"];
        args.extend(tests);
        let status = Command::new("dbus-run-session")
            .args(&args)
            .current_dir(root())
            .env("DOSSIER_REQUIRE_KEYRING", "1")
            .env("XDG_DATA_HOME", &keyrings)
            .status()
            .map_err(|e| format!("could not start dbus-run-session: {e}"))?;
        if !status.success() {
            return Err(format!("Rust tests failed ({status})").into());
        }
    } else {
        run(tests[0], &tests[1..])?;
    }
    end_to_end()?;
    eprintln!("\nall checks passed");
    Ok(())
}

/// The e2e walks (issue 9): the UI in Debian's Chromium against `dossier-bridge --demo`, then the
/// real app window through WebKitWebDriver on a private Xvfb display (ui/e2e/*.mjs start both).
/// Linux only: that is where CI runs and where WebKitWebDriver exists (tauri-driver has no macOS).
fn end_to_end() -> Result {
    if !cfg!(target_os = "linux") {
        eprintln!("\nend-to-end tests run on Linux only (Chromium and WebKitWebDriver); not run here");
        return Ok(());
    }
    step("end-to-end: building dossier-app and dossier-bridge (debug)");
    run(
        &cargo(),
        &["build", "--locked", "-p", "dossier-app", "-p", "dossier-bridge"],
    )?;
    let debug = target_dir().join("debug");
    for (what, script) in [
        ("UI in Chromium over the HTTP bridge", "e2e/browser.mjs"),
        ("the app window through WebKitWebDriver", "e2e/app.mjs"),
    ] {
        step(&format!("end-to-end: {what}"));
        let status = Command::new("node")
            .arg(script)
            .current_dir(root().join("ui"))
            .env("DOSSIER_APP", debug.join("dossier-app"))
            .env("DOSSIER_BRIDGE", debug.join("dossier-bridge"))
            .env("E2E_OUT", target_dir().join("e2e"))
            .status()
            .map_err(|e| format!("could not start node: {e}"))?;
        succeeded("node", &[script], status)?;
    }
    Ok(())
}

fn demo(args: &[String]) -> Result {
    let messages = match args {
        [] => "20000".to_owned(),
        [flag, n] if flag == "--messages" && n.parse::<u64>().is_ok_and(|n| n > 0) => n.clone(),
        _ => return Err("usage: cargo xtask demo [--messages N]".into()),
    };
    ensure_packages(BUILD_PACKAGES)?;
    build_ui()?;
    step("building the desktop app");
    run(&cargo(), &["build", "--locked", "-p", "dossier-app"])?;
    let app = target_dir()
        .join("debug")
        .join(format!("dossier-app{}", env::consts::EXE_SUFFIX));
    eprintln!(
        "\nThe app generates a demo archive of {messages} messages (once; kept in the app's data \
         directory), serves it from an embedded archive server on 127.0.0.1, and syncs it into a \
         fresh encrypted profile as the demo reviewer."
    );
    open_app(&app, &["--demo", "--demo-messages", &messages])
}

/// A finished command as a task result.
fn succeeded(program: &str, args: &[&str], status: std::process::ExitStatus) -> Result {
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")).into())
    }
}

fn open_app(app: &Path, args: &[&str]) -> Result {
    if cfg!(target_os = "linux")
        && env::var_os("DISPLAY").is_none()
        && env::var_os("WAYLAND_DISPLAY").is_none()
    {
        return Err("no display: run this from a desktop session (or under `xvfb-run`)".into());
    }
    step("starting the app");
    run(app.to_str().ok_or("target path is not UTF-8")?, args)
}
