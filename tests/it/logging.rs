//! A logger may call back into the library: check a toggle, reload a store,
//! take the file's lock. The library never logs while it holds a lock of its
//! own (it collects the line and logs it after releasing), so none of these
//! can deadlock. A logger is process-wide (`log::set_logger` works once), so
//! each scenario runs in a child process of its own, killed if it hangs.

use std::cell::Cell;
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use toggles::lock::FileLock;
use toggles::{Store, toggle};

use crate::support::{
    Fixture, assert_child_succeeds_within, child, is_child, rename_save, wait_for,
};

/// How long a child may take, at most: with a deadlock it never ends.
const NO_HANG: Duration = Duration::from_secs(30);

/// A logger that records every line, then calls `callback` with it: what an
/// application's logger does when its verbosity is itself a toggle.
struct CallingBack {
    lines: Mutex<Vec<String>>,
    callbacks: AtomicUsize,
    callback: fn(&str),
}

thread_local! {
    /// Set while this thread runs the callback: the library logs from it
    /// too, and a real logger guards against calling back from there.
    static CALLING_BACK: Cell<bool> = const { Cell::new(false) };
}

impl log::Log for CallingBack {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }

    fn log(&self, record: &log::Record) {
        let line = format!("{} {}", record.level(), record.args());
        self.lines.lock().unwrap().push(line.clone());
        // During the thread's teardown (a flush at exit logs), no callback.
        let nested = CALLING_BACK.try_with(|c| c.replace(true)).unwrap_or(true);
        if !nested {
            (self.callback)(&line);
            // Relaxed: a counter read after the callbacks it counts, on
            // threads the test waits for through the library's own effects.
            self.callbacks.fetch_add(1, Ordering::Relaxed);
            CALLING_BACK.with(|c| c.set(false));
        }
    }

    fn flush(&self) {}
}

static LOGGER: OnceLock<&'static CallingBack> = OnceLock::new();

/// Makes a [`CallingBack`] logger calling `callback` this process's logger.
fn install(callback: fn(&str)) {
    let logger: &'static CallingBack = Box::leak(Box::new(CallingBack {
        lines: Mutex::new(Vec::new()),
        callbacks: AtomicUsize::new(0),
        callback,
    }));
    LOGGER.set(logger).ok().expect("one logger per process");
    log::set_logger(logger).expect("the child's only logger");
    log::set_max_level(log::LevelFilter::Trace);
}

/// The lines logged so far that contain `needle`.
fn logged(needle: &str) -> Vec<String> {
    let logger = LOGGER.get().expect("the logger is installed");
    let lines = logger.lines.lock().unwrap();
    lines
        .iter()
        .filter(|l| l.contains(needle))
        .cloned()
        .collect()
}

fn callbacks() -> usize {
    // Relaxed: see `CallingBack::log`.
    LOGGER
        .get()
        .map_or(0, |l| l.callbacks.load(Ordering::Relaxed))
}

fn version(on: bool) -> String {
    format!("[toggles.a]\nenabled = {on}\n")
}

/// The store the logger of a child calls back into.
static STORE: OnceLock<Store> = OnceLock::new();

#[test]
fn a_logger_that_checks_a_toggle_while_the_global_store_opens_does_not_deadlock() {
    // The three lines logged while the global store is being opened, under
    // the lock that makes every first check wait for the one opening.
    let dir = tempfile::tempdir().unwrap();
    let invalid = dir.path().join("invalid.toml");
    fs::write(&invalid, "[toggles.a]\nenabled = maybe\n").unwrap();
    let valid = dir.path().join("valid.toml");
    fs::write(&valid, version(true)).unwrap();
    let cases: [(&str, &[(&str, &std::ffi::OsStr)]); 3] = [
        (
            "every toggle is off until the file is fixed",
            &[("TOGGLES_FILE", invalid.as_os_str())],
        ),
        (
            "TOGGLES_FILE is set but empty",
            &[("TOGGLES_FILE", "".as_ref())],
        ),
        (
            "TOGGLES_ENV is set but empty",
            &[
                ("TOGGLES_FILE", valid.as_os_str()),
                ("TOGGLES_ENV", "".as_ref()),
            ],
        ),
    ];
    for (line, env) in cases {
        let mut command = child("logging::child_checks_a_toggle_from_the_logger");
        // `./toggles.toml` is opened in the temporary folder, never the crate's.
        command
            .current_dir(dir.path())
            .env_remove("TOGGLES_FILE")
            .env_remove("TOGGLES_ENV")
            .env_remove("TOGGLES_APPEND")
            .env("CHILD_LINE", line)
            .envs(env.iter().copied());
        assert_child_succeeds_within(&mut command, NO_HANG);
    }
}

/// Child: the logger checks `toggle!("verbose")` on every line; the first
/// check opens the global store, which logs `CHILD_LINE`.
#[test]
#[ignore = "a child process of other tests"]
fn child_checks_a_toggle_from_the_logger() {
    if !is_child() {
        return; // see `support::is_child`
    }
    let line = std::env::var("CHILD_LINE").unwrap();
    install(|_| {
        let _ = toggle!("verbose");
    });
    let _ = toggle!("first_check"); // returns: that is the test
    let lines = logged(&line);
    assert_eq!(lines.len(), 1, "{line:?} is logged once: {lines:?}");
    assert!(callbacks() >= 1, "the logger called back");
}

#[test]
fn a_logger_that_reloads_the_store_on_its_reload_lines_does_not_deadlock() {
    assert_child_succeeds_within(
        &mut child("logging::child_reloads_from_the_logger"),
        NO_HANG,
    );
}

/// Child: the logger reloads the store on each "reloaded" line and each
/// "keeping the last good version" line, logged by the worker as it
/// reloads; saves after each are still picked up.
#[test]
#[ignore = "a child process of other tests"]
fn child_reloads_from_the_logger() {
    if !is_child() {
        return; // see `support::is_child`
    }
    install(|line| {
        if (line.contains("reloaded:") || line.contains("keeping the last good version"))
            && let Some(store) = STORE.get()
        {
            let _ = store.reload();
        }
    });
    let fixture = Fixture::new(Some(&version(false)));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    STORE.set(store.clone()).ok().unwrap();
    for on in [true, false] {
        rename_save(&fixture.path, &version(on));
        wait_for("the save is picked up", || store.is_enabled("a") == on);
    }
    wait_for("the logger reloaded twice", || {
        logged("reloaded:").len() >= 2 && callbacks() >= 2
    });
    rename_save(&fixture.path, "[toggles.a]\nenabled = maybe\n");
    wait_for("the bad save is reported", || store.last_error().is_some());
    wait_for("and logged", || {
        !logged("keeping the last good version").is_empty()
    });
    rename_save(&fixture.path, &version(true));
    wait_for("the save after it is picked up", || store.is_enabled("a"));
    // On this thread too: a manual reload logs, and the logger reloads.
    rename_save(&fixture.path, &format!("{}# again\n", version(false)));
    let _ = store.reload();
    wait_for("the last save is picked up", || !store.is_enabled("a"));
}

#[test]
fn a_logger_that_reloads_and_checks_on_a_scheduled_step_does_not_deadlock() {
    assert_child_succeeds_within(
        &mut child("logging::child_reloads_on_a_scheduled_step"),
        NO_HANG,
    );
}

/// Child: on the worker's "scheduled" line, the logger reloads the store
/// and checks a toggle of it (the step is published under the store's
/// reload lock, the line logged after it); a second step still comes.
#[test]
#[ignore = "a child process of other tests"]
fn child_reloads_on_a_scheduled_step() {
    if !is_child() {
        return; // see `support::is_child`
    }
    install(|line| {
        if line.contains("scheduled (")
            && let Some(store) = STORE.get()
        {
            let _ = store.reload();
            let _ = store.is_enabled("a");
            let _ = store.snapshot().next_step();
        }
    });
    let first = toggles::Timestamp::now().unix_seconds() + 2;
    let at = |s: i64| toggles::Timestamp::from_unix_seconds(s);
    let text = format!(
        "[toggles.a]\nenabled = false\nschedule = [\n  {{ at = {}, enabled = true }},\n  \
         {{ at = {}, enabled = false }},\n]\n",
        at(first),
        at(first + 1)
    );
    let fixture = Fixture::new(Some(&text));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    STORE.set(store.clone()).ok().unwrap();
    wait_for("the first step", || store.is_enabled("a"));
    wait_for("the second step", || !store.is_enabled("a"));
    wait_for("the logger called back on both", || {
        logged("scheduled (").len() >= 2 && callbacks() >= 2
    });
}

#[test]
fn a_logger_that_checks_a_new_name_while_the_folder_is_gone_does_not_stop_the_watch() {
    assert_child_succeeds_within(
        &mut child("logging::child_checks_a_new_name_when_the_folder_goes"),
        NO_HANG,
    );
}

/// Child: the logger checks a name never seen before on the watcher's
/// "the folder was removed" line (a check that queues it, under the lock
/// the line was logged under); the watch goes on once the folder is back.
#[test]
#[ignore = "a child process of other tests"]
fn child_checks_a_new_name_when_the_folder_goes() {
    if !is_child() {
        return; // see `support::is_child`
    }
    static NEVER_SEEN: AtomicUsize = AtomicUsize::new(0);
    install(|line| {
        if line.contains("the folder was removed")
            && let Some(store) = STORE.get()
        {
            // Relaxed: only uniqueness matters.
            let n = NEVER_SEEN.fetch_add(1, Ordering::Relaxed);
            let _ = store.is_enabled(&format!("never_seen_{n}"));
        }
    });
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("config");
    fs::create_dir(&dir).unwrap();
    let path = dir.join("toggles.toml");
    fs::write(&path, version(false)).unwrap();
    // Appending on: the name is queued. No safety poll to speak of: only
    // events (or the lost-watch poll) count.
    let store = Store::builder(&path)
        .safety_poll_interval(Duration::from_secs(3600))
        .open()
        .unwrap();
    STORE.set(store.clone()).ok().unwrap();
    fs::remove_dir_all(&dir).unwrap();
    wait_for("the removal is logged", || {
        !logged("the folder was removed").is_empty()
    });
    wait_for("the loss of the file is reported", || {
        store.last_error().is_some()
    });
    fs::create_dir(&dir).unwrap();
    fs::write(&path, version(true)).unwrap();
    wait_for("the re-created file is loaded", || store.is_enabled("a"));
    wait_for("the new watch is logged", || {
        !logged("the folder is back").is_empty()
    });
    for on in [false, true] {
        rename_save(&path, &version(on));
        wait_for("a save after re-creation is seen", || {
            store.is_enabled("a") == on
        });
    }
    assert!(callbacks() >= 1, "the logger called back");
}

#[test]
fn a_logger_that_takes_the_files_lock_while_an_append_record_is_removed_does_not_hang() {
    assert_child_succeeds_within(
        &mut child("logging::child_takes_the_lock_from_the_logger"),
        NO_HANG,
    );
}

/// Child: a torn append record beside the file is removed at open, and by
/// an append, under the file's lock, and logged; the logger takes the lock
/// on that line (a writer of its own, say), which waits until no one else
/// holds it.
#[test]
#[ignore = "a child process of other tests"]
fn child_takes_the_lock_from_the_logger() {
    if !is_child() {
        return; // see `support::is_child`
    }
    static REAL: OnceLock<PathBuf> = OnceLock::new();
    install(|line| {
        if line.contains("removing a torn append record")
            && let Some(real) = REAL.get()
        {
            drop(FileLock::acquire(real).unwrap());
        }
    });
    let fixture = Fixture::new(Some(&version(true)));
    let record = fixture.dir.path().join(".toggles.toml.append");
    fs::write(&record, "torn: not a record").unwrap();
    REAL.set(fs::canonicalize(&fixture.path).unwrap()).unwrap();
    let store = Store::builder(&fixture.path).watch(false).open().unwrap();
    assert!(store.is_enabled("a"));
    assert!(!record.exists(), "the torn record is removed at open");
    assert_eq!(logged("removing a torn append record").len(), 1);
    // The worker's append finds one too.
    fs::write(&record, "torn: not a record").unwrap();
    assert!(!store.is_enabled("appended_past_a_torn_record"));
    assert!(
        store.flush_timeout(Duration::from_secs(10)),
        "the append is done"
    );
    assert!(!record.exists(), "the torn record is removed by the append");
    assert!(
        fixture
            .read()
            .contains("[toggles.appended_past_a_torn_record]")
    );
    assert_eq!(logged("removing a torn append record").len(), 2);
    assert!(callbacks() >= 2, "the logger called back");
}
