//! Nothing a user's code or another process does stops the store's worker:
//! a panicking subscriber, another process holding the file's lock, the
//! watched folder deleted and re-created. Nor does it spin: every retry
//! backs off, and an idle store with a broken file uses no CPU. No
//! argument kills it (`Duration::MAX` is "never"), a worker that dies all
//! the same says so, and `flush` never waits on the worker from the
//! worker.

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use toggles::Store;

use crate::support::{
    Fixture, assert_child_succeeds_within, assert_idle, capture_logs, child, count, logged,
    rename_save, shown, wait_for,
};

fn version(on: bool) -> String {
    format!("[toggles.a]\nenabled = {on}\n")
}

#[test]
fn a_panicking_subscriber_is_logged_once_and_reloads_go_on() {
    capture_logs();
    let fixture = Fixture::new(Some(&version(false)));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    let _subscription = store.subscribe(|_| panic!("a bug in the application's callback"));
    for on in [true, false, true] {
        rename_save(&fixture.path, &version(on));
        wait_for("the save is visible after the panic", || {
            store.is_enabled("a") == on
        });
    }
    assert!(!store.is_enabled("queued_after_the_panics"));
    assert!(
        store.flush_timeout(Duration::from_secs(10)),
        "flush returns"
    );
    let needle = format!("{}: subscriber #", shown(&fixture.path));
    let lines = logged(&needle);
    assert_eq!(lines.len(), 1, "logged once: {lines:?}");
    assert!(lines[0].contains("a bug in the application's callback"));
    assert!(
        lines[0].contains("worker::"),
        "names the callback: {}",
        lines[0]
    );
}

#[test]
fn another_process_holding_the_lock_delays_appends_but_not_reloads() {
    let fixture = Fixture::new(Some(&version(false)));
    let release = fixture.dir.path().join("release.lock");
    let held = fixture.dir.path().join("held.lock");
    let mut holder = child("worker::child_holds_the_lock")
        .stdout(Stdio::null())
        .env("CHILD_FILE", &fixture.path)
        .env("CHILD_HELD", &held)
        .env("CHILD_RELEASE", &release)
        .spawn()
        .unwrap();
    wait_for("the child holds the lock", || held.exists());
    let store = Store::open(&fixture.path).unwrap();
    assert!(!store.is_enabled("waits_for_the_lock"));
    assert!(
        !store.flush_timeout(Duration::from_millis(200)),
        "the append waits for the lock, and flush does not wait forever"
    );
    rename_save(&fixture.path, &version(true));
    wait_for("the save is visible while the lock is held", || {
        store.is_enabled("a")
    });
    assert!(
        holder.try_wait().unwrap().is_none(),
        "the child still holds it"
    );
    fs::write(&release, "").unwrap();
    assert!(holder.wait().unwrap().success());
    assert!(store.flush_timeout(Duration::from_secs(10)));
    let text = fs::read_to_string(&fixture.path).unwrap();
    assert_eq!(count(&text, "[toggles.waits_for_the_lock]"), 1, "{text}");
}

/// Child: takes the file's lock, says so in `CHILD_HELD`, and holds it
/// until `CHILD_RELEASE` exists.
#[test]
#[ignore = "a child process of other tests"]
fn child_holds_the_lock() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    let (Ok(path), Ok(held), Ok(release)) = (
        std::env::var("CHILD_FILE"),
        std::env::var("CHILD_HELD"),
        std::env::var("CHILD_RELEASE"),
    ) else {
        return; // not launched as a child
    };
    let real = fs::canonicalize(&path).unwrap();
    let _lock = toggles::lock::FileLock::acquire(&real).unwrap();
    fs::write(held, "").unwrap();
    wait_for("the parent releases the lock", || {
        Path::new(&release).exists()
    });
}

#[test]
fn the_watch_survives_its_folder_being_deleted_and_re_created() {
    capture_logs();
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("config");
    fs::create_dir(&dir).unwrap();
    let path = dir.join("toggles.toml");
    fs::write(&path, version(false)).unwrap();
    // No safety poll to speak of: only events (or the lost-watch poll) count.
    let store = Store::builder(&path)
        .append_unknown(false)
        .safety_poll_interval(Duration::from_secs(3600))
        .open()
        .unwrap();
    fs::remove_dir_all(&dir).unwrap();
    wait_for("the loss of the file is reported", || {
        store.last_error().is_some()
    });
    assert!(!store.is_enabled("a"), "the last good version stays");
    fs::create_dir(&dir).unwrap();
    fs::write(&path, version(true)).unwrap();
    wait_for("the re-created file is loaded", || store.is_enabled("a"));
    let gone = format!("{}: the folder was removed", shown(&path));
    let back = format!("{}: the folder is back", shown(&path));
    wait_for("the new watch is logged", || !logged(&back).is_empty());
    assert!(logged(&gone)[0].starts_with("WARN"), "{:?}", logged(&gone));
    assert!(logged(&back)[0].starts_with("WARN"), "{:?}", logged(&back));
    // Watched again: saves arrive by events, not by the hour-long poll.
    for on in [false, true] {
        rename_save(&path, &version(on));
        wait_for("a save after re-creation is seen", || {
            store.is_enabled("a") == on
        });
    }
}

#[test]
fn dropping_a_store_whose_file_changed_unseen_returns() {
    // The file changes behind a store that does not watch it, a new name
    // is queued, and the store is dropped at once: the append cannot go to
    // a version the store never published (the file lacks the name, unless
    // a subscriber heard that version published first), and the drop must
    // not wait for one either.
    let fixture = Fixture::new(Some(&version(false)));
    let (done, finished) = std::sync::mpsc::channel();
    let path = fixture.path.clone();
    let rounds = std::thread::spawn(move || {
        for round in 0..20 {
            let store = Store::builder(&path).watch(false).open().unwrap();
            let name = format!("queued_{round}");
            // Each round flips `a`, so that a publish of the unseen version
            // as it is (without the name) is a change a subscriber hears.
            let published = Arc::new(AtomicBool::new(false));
            let (heard, appended) = (Arc::clone(&published), name.clone());
            let _subscription = store.subscribe(move |changes| {
                if !changes.snapshot().contains(&appended) {
                    // SeqCst: a test flag, read after the worker was joined.
                    heard.store(true, Ordering::SeqCst);
                }
            });
            let unseen = format!("{}# round {round}\n", version(round % 2 == 0));
            fs::write(&path, &unseen).unwrap();
            assert!(!store.is_enabled(&name));
            drop(store);
            // The drop joined the worker: whatever it wrote is there now.
            let after = fs::read(&path).unwrap();
            if after.windows(name.len()).any(|w| w == name.as_bytes()) {
                assert!(
                    published.load(Ordering::SeqCst),
                    "round {round}: {name} was appended to a version the store never \
                     published:\n{}",
                    String::from_utf8_lossy(&after)
                );
            } else {
                assert_eq!(
                    after,
                    unseen.as_bytes(),
                    "round {round}: not a byte written"
                );
            }
        }
        done.send(()).unwrap();
    });
    match finished.recv_timeout(Duration::from_secs(20)) {
        Ok(()) => {}
        // The thread failed: its panic is the test's.
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(rounds.join().unwrap_err())
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("a drop did not return"),
    }
}

/// A file a store reading `production` loads, then the same file saved with
/// `production` renamed `prod`: valid in its base values (so an append
/// would go through), not in that store's environment.
const IN_PRODUCTION: &str = "environments = [\"staging\", \"production\"]\n\n\
    [toggles.a]\nenabled = true\n";
const PRODUCTION_RENAMED: &str = "environments = [\"staging\", \"prod\"]\n\n\
    [toggles.a]\nenabled = true\n";

#[test]
fn a_store_whose_file_is_invalid_in_its_environment_does_not_spin() {
    // The worker used to re-read and re-parse the file some 1 800 times a
    // second: the append found the file was not the version in use, asked
    // for a reload, the reload could not publish it, and the append tried
    // again at once. Measured in a child: the CPU time is the process's.
    let fixture = Fixture::new(Some(IN_PRODUCTION));
    assert_child_succeeds_within(
        child("worker::child_idles_with_a_file_invalid_in_its_environment")
            .env("CHILD_FILE", &fixture.path),
        Duration::from_secs(60),
    );
    let text = fixture.read();
    assert_eq!(count(&text, "[toggles.checked_while_broken]"), 1, "{text}");
}

/// Child: a store reading `production`, its file saved without
/// `production`, a new name checked; the process must idle, and the name
/// is appended once the file is fixed.
#[test]
#[ignore = "a child process of other tests"]
fn child_idles_with_a_file_invalid_in_its_environment() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    let path = std::env::var("CHILD_FILE").unwrap();
    let path = Path::new(&path);
    let store = Store::builder(path)
        .environment("production")
        .open()
        .unwrap();
    rename_save(path, PRODUCTION_RENAMED);
    wait_for("the save is refused", || store.last_error().is_some());
    assert!(!store.is_enabled("checked_while_broken"));
    assert_idle(
        "a store whose file is invalid in its environment, a new name queued",
        Duration::from_secs(3),
    );
    rename_save(path, IN_PRODUCTION);
    wait_for("the name is appended once the file is fixed", || {
        fs::read_to_string(path)
            .unwrap()
            .contains("[toggles.checked_while_broken]")
    });
    assert!(store.last_error().is_none());
}

#[test]
fn a_store_whose_file_cannot_take_an_append_does_not_spin() {
    // Valid, but no table may follow an inline `toggles`: each append is
    // refused. Opening the file to append closes it "after writing" for
    // the watcher, whose reload finds the version in use again, which let
    // the append try again at once: a loop at 100 % of a core.
    let text = "toggles = { kept = { enabled = true } }\n";
    let fixture = Fixture::new(Some(text));
    assert_child_succeeds_within(
        child("worker::child_idles_with_a_file_it_cannot_append_to")
            .env("CHILD_FILE", &fixture.path),
        Duration::from_secs(60),
    );
    assert_eq!(fixture.read(), text, "not a byte was written");
}

/// Child: a watched store whose file refuses appends, a new name checked;
/// the process must idle.
#[test]
#[ignore = "a child process of other tests"]
fn child_idles_with_a_file_it_cannot_append_to() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    let store = Store::open(std::env::var("CHILD_FILE").unwrap()).unwrap();
    assert!(!store.is_enabled("cannot_be_appended"));
    assert!(store.flush_timeout(Duration::from_secs(10)));
    assert_idle(
        "a store whose file cannot take an append, a new name queued",
        Duration::from_secs(3),
    );
    assert!(store.is_enabled("kept") && store.last_error().is_none());
}

#[test]
fn duration_max_means_never_and_kills_nothing() {
    // `safety_poll_interval(Duration::MAX)` panicked the worker at start
    // (`Instant + Duration` overflow): no reload, no append, and every
    // flush waited its 5 s. `flush_timeout(Duration::MAX)` panicked in the
    // caller.
    let fixture = Fixture::new(Some(&version(false)));
    let store = Store::builder(&fixture.path)
        .safety_poll_interval(Duration::MAX)
        .open()
        .unwrap();
    rename_save(&fixture.path, &version(true));
    wait_for("a save is reloaded", || store.is_enabled("a"));
    assert!(!store.is_enabled("appended_without_polls"));
    assert!(
        store.flush_timeout(Duration::MAX),
        "flush_timeout(MAX) waits for the append, and returns"
    );
    assert!(
        store.flush_timeout(Duration::MAX),
        "nothing queued: at once"
    );
    let text = fixture.read();
    assert_eq!(
        count(&text, "[toggles.appended_without_polls]"),
        1,
        "{text}"
    );
    rename_save(
        &fixture.path,
        &text.replace("enabled = true", "enabled = false"),
    );
    wait_for("a second save is reloaded", || !store.is_enabled("a"));
    assert!(store.last_error().is_none());
}

#[test]
fn duration_max_as_the_fallback_poll_never_polls_and_kills_nothing() {
    // The folder does not exist yet, so it cannot be watched: the store
    // falls back to `poll_interval`, here "never".
    let fixture = Fixture::new(None);
    let path = fixture.dir.path().join("later").join("toggles.toml");
    let store = Store::builder(&path)
        .poll_interval(Duration::MAX)
        .create_if_missing(true)
        .open()
        .unwrap();
    fs::create_dir(path.parent().unwrap()).unwrap();
    fs::write(&path, version(true)).unwrap();
    assert!(store.reload().unwrap(), "a reload by hand still works");
    assert!(!store.is_enabled("appended_by_a_store_that_never_polls"));
    assert!(
        store.flush_timeout(Duration::from_secs(10)),
        "the worker appends"
    );
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(
        count(&text, "[toggles.appended_by_a_store_that_never_polls]"),
        1,
        "{text}"
    );
    assert!(store.last_error().is_none());
}

#[test]
fn a_worker_that_dies_says_so_and_flush_does_not_wait_for_it() {
    // A logger that panics is the application's code running on the
    // worker, and nothing else in the worker catches it.
    let fixture = Fixture::new(Some(&version(false)));
    assert_child_succeeds_within(
        child("worker::child_whose_logger_panics_on_the_worker").env("CHILD_FILE", &fixture.path),
        Duration::from_secs(30),
    );
}

/// A logger that panics on the reload's log line, and keeps every other.
struct PanicsOnReload(std::sync::Mutex<Vec<String>>);

impl log::Log for PanicsOnReload {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        let line = format!("{} {}", record.level(), record.args());
        if line.contains(" reloaded: ") {
            panic!("the application's logger panics");
        }
        self.0.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}

/// Child: the worker dies (its logger panics); the store must say so, and
/// flushes must return at once (the parent kills a child that hangs).
#[test]
#[ignore = "a child process of other tests"]
fn child_whose_logger_panics_on_the_worker() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    let logger: &'static PanicsOnReload =
        Box::leak(Box::new(PanicsOnReload(std::sync::Mutex::new(Vec::new()))));
    log::set_logger(logger).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let path = std::env::var("CHILD_FILE").unwrap();
    let store = Store::open(&path).unwrap();
    rename_save(Path::new(&path), &version(true));
    wait_for("the store says its worker stopped", || {
        store
            .last_error()
            .is_some_and(|e| matches!(*e, toggles::Error::WorkerStopped { .. }))
    });
    let error = store.last_error().unwrap().to_string();
    assert!(
        error.contains("the application's logger panics") && error.contains("help:"),
        "says why and what to do: {error}"
    );
    assert!(!store.is_enabled("queued_after_the_worker_died"));
    let started = std::time::Instant::now();
    assert!(
        !store.flush_timeout(Duration::from_secs(3600)),
        "nothing can be appended any more"
    );
    store.flush();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "flush returned at once, not after its timeout: {:?}",
        started.elapsed()
    );
    // The error is set first, then logged (outside any lock).
    let stopped_lines = || -> Vec<String> {
        let lines = logger.0.lock().unwrap();
        let stopped = lines.iter().filter(|l| l.contains("worker stopped"));
        stopped.cloned().collect()
    };
    wait_for("the stop is logged", || !stopped_lines().is_empty());
    let lines: Vec<String> = logger.0.lock().unwrap().clone();
    let stopped = stopped_lines();
    assert_eq!(stopped.len(), 1, "logged once: {lines:?}");
    assert!(stopped[0].starts_with("ERROR"), "{stopped:?}");
    assert!(store.reload().is_ok(), "a reload by hand still reads");
    assert!(
        store.last_error().is_some(),
        "and the store still says it no longer reloads by itself"
    );
    drop(store);
}

#[test]
fn flush_in_a_subscriber_returns_at_once_and_stalls_no_reload() {
    // A subscriber runs on the worker, which `flush` waited for: it always
    // took its whole timeout, and reloads waited meanwhile.
    let fixture = Fixture::new(Some(&version(false)));
    let store = Store::open(&fixture.path).unwrap();
    let flushes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let heard = std::sync::Arc::clone(&flushes);
    let inner = store.clone();
    let subscription = store.subscribe(move |_| {
        let started = std::time::Instant::now();
        let nothing_queued = inner.flush_timeout(Duration::from_secs(3600));
        // With a name queued: it is appended after the subscriber returns.
        assert!(!inner.is_enabled("checked_in_a_subscriber"));
        let queued = inner.flush_timeout(Duration::from_secs(3600));
        inner.flush();
        heard
            .lock()
            .unwrap()
            .push((nothing_queued, queued, started.elapsed()));
    });
    // Each save is seen within `wait_for`'s 10 s: a subscriber stalled in
    // `flush` (for an hour) would hold every reload after it.
    for on in [true, false] {
        rename_save(&fixture.path, &version(on));
        wait_for("the save is reloaded", || store.is_enabled("a") == on);
    }
    // A version is in use (swapped in) before its subscribers hear of it.
    wait_for("the subscriber heard the second save", || {
        flushes.lock().unwrap().len() >= 2
    });
    drop(subscription);
    assert!(store.flush_timeout(Duration::from_secs(10)));
    let text = fixture.read();
    assert_eq!(
        count(&text, "[toggles.checked_in_a_subscriber]"),
        1,
        "{text}"
    );
    let flushes = flushes.lock().unwrap();
    assert!(flushes.len() >= 2, "{flushes:?}");
    assert!(flushes[0].0, "nothing queued: done");
    assert!(
        !flushes[0].1,
        "a name queued: appended after the subscriber"
    );
    for (_, _, took) in flushes.iter() {
        assert!(*took < Duration::from_secs(5), "returned at once: {took:?}");
    }
}
