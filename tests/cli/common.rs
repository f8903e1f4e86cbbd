//! Running the built binary in a temporary folder.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The binary, run in `dir`, with a clean environment as far as the CLI is
/// concerned (no `TOGGLES_FILE`, `TOGGLES_ENV`, `NO_COLOR`, `CLICOLOR` or
/// `CLICOLOR_FORCE`).
pub fn command(dir: &Path, args: &[&str]) -> Command {
    command_of(env!("CARGO_BIN_EXE_toggles").as_ref(), dir, args)
}

/// [`command`] with another build of the binary (to measure two builds
/// side by side).
pub fn command_of(binary: &OsStr, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(binary);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("TOGGLES_FILE")
        .env_remove("TOGGLES_ENV")
        .env_remove("TOGGLES_APPEND")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("TOGGLES_SCAN_TIMING")
        // The commands count ages and expiry from the local date: in UTC,
        // it is the date the tests compute (`today`), whatever the host's
        // zone. (`clock.rs` tests the local date itself.)
        .env("TZ", "UTC")
        .stdin(Stdio::null());
    command
}

/// Runs, but kills the binary and fails if it has not exited within
/// `limit`: for inputs that could make it hang.
pub fn run_within(dir: &Path, args: &[&str], limit: Duration) -> Run {
    let mut child = command(dir, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("the binary's status").is_none() {
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("toggles {args:?} hung: killed after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let output = child.wait_with_output().expect("the binary's output");
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

pub fn run(dir: &Path, args: &[&str]) -> Run {
    let output = command(dir, args).output().expect("the binary runs");
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// Runs and asserts the exit code, showing the output if it differs.
pub fn run_ok(dir: &Path, args: &[&str]) -> Run {
    expect(dir, args, 0)
}

pub fn expect(dir: &Path, args: &[&str], code: i32) -> Run {
    let run = run(dir, args);
    assert_eq!(
        run.code, code,
        "toggles {args:?}\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    run
}

/// A temporary folder with `toggles.toml` holding `text`.
pub fn folder_with(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("toggles.toml");
    std::fs::write(&path, text).expect("write toggles.toml");
    (dir, path)
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read the file")
}

/// `text` with each `from` replaced by `to`, each found exactly once (so an
/// expected file is the fixture with named edits, nothing else).
pub fn edited(text: &str, edits: &[(&str, &str)]) -> String {
    let mut text = text.to_owned();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "{from:?} must be unique");
        text = text.replacen(from, to, 1);
    }
    text
}

/// Today in the form the CLI writes, and `days` days before it.
pub fn today() -> toggles::Date {
    toggles::Date::today()
}

/// `cache/NAME-HASH`, where HASH is of `inputs` (the pinned versions and
/// the interpreter's): installed by `install` into a staging folder that is
/// renamed into place when complete, so an interrupted install is never
/// taken for a finished one, and reused on later runs. `what` names the
/// test in the line that says an install is under way. (The flagd
/// cross-check's evaluators and the schema's validators.)
pub fn cached_install(
    cache: &Path,
    name: &str,
    what: &str,
    inputs: &[&[u8]],
    install: impl FnOnce(&Path),
) -> PathBuf {
    // FNV-1a, 64 bits: enough to tell pinned versions apart.
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for input in inputs {
        for &byte in input.iter().chain(b"\xff") {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    let done = cache.join(format!("{name}-{hash:016x}"));
    if done.join(".complete").is_file() {
        return done;
    }
    let staging = cache.join(format!(".{name}-{hash:016x}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).unwrap();
    // A failed install (the test panics) leaves no staging folder behind.
    struct RemoveOnPanic<'a>(&'a Path);
    impl Drop for RemoveOnPanic<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                let _ = std::fs::remove_dir_all(self.0);
            }
        }
    }
    let _cleanup = RemoveOnPanic(&staging);
    eprintln!("{what}: installing into {}", done.display());
    install(&staging);
    std::fs::write(staging.join(".complete"), b"").unwrap();
    if std::fs::rename(&staging, &done).is_err() {
        // Another run finished first (keep its install), or an incomplete
        // one is in the way.
        if done.join(".complete").is_file() {
            let _ = std::fs::remove_dir_all(&staging);
        } else {
            let _ = std::fs::remove_dir_all(&done);
            std::fs::rename(&staging, &done).unwrap();
        }
    }
    done
}
