//! Shared helpers: temporary files, waiting for conditions, captured logs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A temporary folder with a `toggles.toml` path in it.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Fixture {
    /// A folder with `toggles.toml` holding `text` (or no file if `None`).
    pub fn new(text: Option<&str>) -> Fixture {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("toggles.toml");
        if let Some(text) = text {
            std::fs::write(&path, text).expect("write toggles.toml");
        }
        Fixture { dir, path }
    }

    pub fn read(&self) -> String {
        std::fs::read_to_string(&self.path).expect("read toggles.toml")
    }
}

/// Polls `condition` until it holds, failing the test after 10 s.
pub fn wait_for(what: &str, condition: impl FnMut() -> bool) {
    wait_within(what, Duration::from_secs(10), condition);
}

/// Polls `condition` until it holds, failing the test after `limit`: for a
/// promise of the library that has a bound (the last save visible within
/// 1 s), not for waits that only need to end.
pub fn wait_within(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !condition() {
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?} waiting for: {what}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Saves `text` as an editor that renames a temporary file over `path` does.
pub fn rename_save(path: &Path, text: &str) {
    let tmp = path.with_file_name(".toggles.toml.tmp");
    std::fs::write(&tmp, text).expect("write the temporary file");
    std::fs::rename(&tmp, path).expect("rename it over the file");
}

/// Counts `needle` in `haystack`.
pub fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        let line = format!("{} {}", record.level(), record.args());
        self.0.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}

static CAPTURE: OnceLock<&'static Capture> = OnceLock::new();

/// Every log line so far (of the whole test binary) that mentions `needle`.
pub fn logged(needle: &str) -> Vec<String> {
    let capture = CAPTURE.get_or_init(|| {
        let capture: &'static Capture = Box::leak(Box::new(Capture(Mutex::new(Vec::new()))));
        log::set_logger(capture).expect("only this module sets the logger");
        log::set_max_level(log::LevelFilter::Trace);
        capture
    });
    capture
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains(needle))
        .cloned()
        .collect()
}

/// Starts capturing logs (call before the code under test logs).
pub fn capture_logs() {
    let _ = logged("");
}

/// The path's text, for matching log lines.
pub fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// This test binary, set up to run the one `#[ignore]`d test `test` (a
/// function path such as `append::child_checks_names`) as a child process.
pub fn child(test: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command.args(["--ignored", "--exact", test, "--test-threads=1"]);
    command.env(CHILD_ENV, "1");
    // What the test gives it, on a clean environment (see
    // `common/clean_env.rs`, which leaves children's variables alone).
    for variable in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] {
        command.env_remove(variable);
    }
    command
}

/// Set in the environment of every process [`child`] starts.
const CHILD_ENV: &str = "TOGGLES_TEST_CHILD";

/// Whether this process was started by [`child`]. A `child_*` test returns
/// at once otherwise: `cargo test -- --ignored` runs it too, inside the
/// parent binary, where it has none of its variables and would disturb the
/// other tests (the global store, the process's memory and threads).
pub fn is_child() -> bool {
    std::env::var_os(CHILD_ENV).is_some()
}

/// Runs a child to the end and fails with its output unless it succeeded.
pub fn assert_child_succeeds(command: &mut Command) {
    let output = command.output().expect("start the child process");
    assert!(
        output.status.success(),
        "the child failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs a child to the end, like [`assert_child_succeeds`], but kills it and
/// fails if it has not finished within `limit`: for code that could hang,
/// so that a hang fails the test instead of stalling the run.
pub fn assert_child_succeeds_within(command: &mut Command, limit: Duration) {
    // Files, not pipes: a chatty child never blocks on a full pipe.
    let stdout = tempfile::tempfile().expect("a temporary file");
    let stderr = tempfile::tempfile().expect("a temporary file");
    let mut process = command
        .stdout(stdout.try_clone().expect("a second handle"))
        .stderr(stderr.try_clone().expect("a second handle"))
        .spawn()
        .expect("start the child process");
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = process.try_wait().expect("the child's status") {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = process.kill();
            let _ = process.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let output = |mut file: std::fs::File| {
        use std::io::{Read, Seek};
        let mut text = String::new();
        file.rewind().expect("rewind the output");
        let _ = file.read_to_string(&mut text);
        text
    };
    let (stdout, stderr) = (output(stdout), output(stderr));
    match status {
        Some(status) => assert!(status.success(), "the child failed:\n{stdout}{stderr}"),
        None => panic!("the child hung: killed after {limit:?}\n{stdout}{stderr}"),
    }
}

/// Makes a FIFO (a named pipe) at `path`.
pub fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// The CPU time this process has used so far, all threads (user and
/// system), from `getrusage`.
pub fn cpu_time() -> Duration {
    // SAFETY: `getrusage` only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let status = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    assert_eq!(status, 0, "getrusage: {}", std::io::Error::last_os_error());
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// Fails unless this process uses less than 1 % of a core over `window`:
/// for a child process whose threads all have nothing to do (a thread
/// that spins uses 100 %). A measurement over a window, not a wait.
pub fn assert_idle(what: &str, window: Duration) {
    let before = cpu_time();
    std::thread::sleep(window);
    let used = cpu_time().saturating_sub(before);
    assert!(
        used < window / 100,
        "{what}: used {used:?} of CPU in {window:?} (1 % is {:?})",
        window / 100
    );
}
