//! Nothing a user's code or another process does stops the store's worker:
//! a panicking subscriber, another process holding the file's lock, the
//! watched folder deleted and re-created.

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use toggles::Store;

use crate::support::{Fixture, capture_logs, child, count, logged, rename_save, shown, wait_for};

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
