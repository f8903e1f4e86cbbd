//! Hot reload: every way a file gets saved is picked up, atomically; a bad
//! save keeps the last good version; subscribers hear what changed.

use std::fs;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use toggles::{Changes, Store};

use crate::support::{
    Fixture, assert_child_succeeds, capture_logs, child, logged, rename_save, shown, wait_for,
};

fn version(on: bool) -> String {
    format!("[toggles.a]\nenabled = {on}\n\n[toggles.b]\nenabled = {on}\n")
}

fn watched(fixture: &Fixture) -> Store {
    Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap()
}

#[test]
fn an_in_place_write_is_picked_up() {
    let fixture = Fixture::new(Some(&version(false)));
    let store = watched(&fixture);
    for on in [true, false, true] {
        fs::write(&fixture.path, version(on)).unwrap(); // truncate + write, like `echo … >`
        wait_for("the in-place write is visible", || {
            store.is_enabled("a") == on
        });
    }
}

#[test]
fn a_rename_over_the_file_is_picked_up_every_time() {
    let fixture = Fixture::new(Some(&version(false)));
    let store = watched(&fixture);
    for on in [true, false, true, false] {
        rename_save(&fixture.path, &version(on));
        wait_for("the rename-save is visible", || store.is_enabled("a") == on);
    }
}

#[test]
fn a_vim_style_save_is_picked_up() {
    // vim (backupcopy=no): rename the file to a backup, write a new file, delete the backup.
    let fixture = Fixture::new(Some(&version(false)));
    let store = watched(&fixture);
    for on in [true, false] {
        let backup = fixture.path.with_file_name("toggles.toml~");
        fs::rename(&fixture.path, &backup).unwrap();
        fs::write(&fixture.path, version(on)).unwrap();
        fs::remove_file(&backup).unwrap();
        wait_for("the vim-style save is visible", || {
            store.is_enabled("a") == on
        });
    }
}

#[test]
fn delete_then_recreate_keeps_the_last_good_version_and_the_watch() {
    let fixture = Fixture::new(Some(&version(true)));
    let store = watched(&fixture);
    fs::remove_file(&fixture.path).unwrap();
    wait_for("the deletion is reported", || store.last_error().is_some());
    assert!(
        store.is_enabled("a"),
        "a deleted file keeps the last good version"
    );
    fs::write(&fixture.path, version(false)).unwrap();
    wait_for("the re-created file is visible", || !store.is_enabled("a"));
    assert!(store.last_error().is_none());
    // The watch still works for later saves.
    rename_save(&fixture.path, &version(true));
    wait_for("a later save is visible", || store.is_enabled("a"));
}

#[test]
fn a_kubernetes_configmap_update_is_picked_up() {
    // kubelet's layout: toggles.toml -> ..data/toggles.toml, ..data -> ..<timestamp>,
    // updated by renaming a new ..data_tmp link over ..data.
    let fixture = Fixture::new(None);
    let dir = fixture.dir.path();
    let publish = |stamp: &str, on: bool| {
        fs::create_dir(dir.join(stamp)).unwrap();
        fs::write(dir.join(stamp).join("toggles.toml"), version(on)).unwrap();
        symlink(stamp, dir.join("..data_tmp")).unwrap();
        fs::rename(dir.join("..data_tmp"), dir.join("..data")).unwrap();
    };
    publish("..2026_11_25_10_00_00.1", false);
    symlink("..data/toggles.toml", &fixture.path).unwrap();
    // A ConfigMap volume is read-only: appends are off there.
    let store = watched(&fixture);
    assert!(!store.is_enabled("a"));
    let mut previous = "..2026_11_25_10_00_00.1".to_string();
    for (i, on) in [true, false, true].into_iter().enumerate() {
        let stamp = format!("..2026_11_25_10_00_0{}.{i}", i + 1);
        publish(&stamp, on);
        fs::remove_dir_all(dir.join(&previous)).unwrap();
        previous = stamp;
        wait_for("the ConfigMap update is visible", || {
            store.is_enabled("a") == on && store.is_enabled("b") == on
        });
    }
}

#[test]
fn a_symlink_to_a_file_in_another_folder_sees_saves_to_the_target() {
    let target = Fixture::new(Some(&version(false)));
    let link = Fixture::new(None);
    symlink(&target.path, &link.path).unwrap();
    let store = watched(&link);
    rename_save(&target.path, &version(true));
    wait_for("a save to the link's target is visible", || {
        store.is_enabled("a")
    });
}

#[test]
fn two_saves_within_one_timestamp_tick_are_both_seen() {
    let fixture = Fixture::new(Some(&version(false)));
    let store = watched(&fixture);
    let mtime = fs::metadata(&fixture.path).unwrap().modified().unwrap();
    for on in [true, false, true] {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&fixture.path)
            .unwrap();
        file.write_all(version(on).as_bytes()).unwrap();
        file.set_modified(mtime).unwrap(); // the same timestamp every time
        drop(file);
        wait_for("a save with an unchanged timestamp is visible", || {
            store.is_enabled("a") == on
        });
    }
}

#[test]
fn a_touch_without_change_is_no_new_version() {
    let fixture = Fixture::new(Some(&version(true)));
    let store = watched(&fixture);
    let before = store.snapshot();
    fs::File::options()
        .write(true)
        .open(&fixture.path)
        .unwrap()
        .set_modified(std::time::SystemTime::now())
        .unwrap();
    assert!(
        !store.reload().unwrap(),
        "the same bytes are not a new version"
    );
    assert_eq!(store.snapshot().generation(), before.generation());
}

#[test]
fn bad_saves_keep_the_last_good_version_and_are_reported_once() {
    capture_logs();
    let fixture = Fixture::new(Some(&version(true)));
    let store = watched(&fixture);
    let bad_saves = [
        "[toggles.a]\nenabled = true\n[toggles.b\n", // syntax error
        "[toggles.a]\nenabeld = false\n",            // typo'd field
        "[toggles.a]\nrelease = \"nope\"\n",         // undefined release
        "[toggles.a]\nenabled = fal",                // half-written
        "",                                          // truncated mid-save
    ];
    for bad in bad_saves {
        rename_save(&fixture.path, bad);
        wait_for("the bad save is reported", || store.last_error().is_some());
        assert_eq!(
            store.last_error().unwrap().path(),
            Some(fixture.path.as_path())
        );
        assert!(
            store.is_enabled("a") && store.is_enabled("b"),
            "nothing is switched off by {bad:?}"
        );
        // Restore the good version in between: the error clears.
        rename_save(&fixture.path, &version(true));
        wait_for("the good version clears the error", || {
            store.last_error().is_none()
        });
    }
    // A bad save names the file, line and column, once per distinct content.
    rename_save(&fixture.path, "[toggles.a]\nenabeld = false\n");
    wait_for("the typo is reported", || store.last_error().is_some());
    let error = store.last_error().unwrap();
    assert_eq!(error.location(), Some((2, 1)));
    assert!(
        error.to_string().contains(":2:1: unknown field `enabeld`"),
        "{error}"
    );
    fs::write(&fixture.path, "[toggles.a]\nenabeld = false\n").unwrap(); // same bad bytes again
    store.reload().unwrap_err();
    // The same bad bytes saved in place by a writer so slow that the watcher
    // finds the file empty in between: the typo is still no news. (This
    // once logged it a third time, when a loaded CI machine made
    // `fs::write` just above that slow.)
    let mut file = fs::File::create(&fixture.path).unwrap(); // truncates
    wait_for("the emptied file is reported", || {
        store
            .last_error()
            .is_some_and(|e| matches!(*e, toggles::Error::Emptied { .. }))
    });
    file.write_all(b"[toggles.a]\nenabeld = false\n").unwrap();
    drop(file);
    wait_for("the typo is reported again", || {
        store
            .last_error()
            .is_some_and(|e| e.location() == Some((2, 1)))
    });
    store.reload().unwrap_err();
    let needle = format!("{}:2:1: unknown field `enabeld`", shown(&fixture.path));
    assert_eq!(
        logged(&needle).len(),
        2,
        "once per bad save, not per read: {:?}",
        logged(&needle)
    );
}

#[test]
fn an_empty_save_is_kept_out_and_logged_once() {
    capture_logs();
    let fixture = Fixture::new(Some(&version(true)));
    let store = watched(&fixture);
    fs::write(&fixture.path, "").unwrap();
    wait_for("the empty save is reported", || {
        store
            .last_error()
            .is_some_and(|e| matches!(*e, toggles::Error::Emptied { .. }))
    });
    assert!(store.is_enabled("a"), "nothing was switched off");
    // Logged by the watcher's own reaction, before any `reload`.
    let needle = format!("{}: the file is empty", shown(&fixture.path));
    wait_for("the watcher logs the empty save", || {
        logged(&needle).len() == 1
    });
    assert!(
        logged(&needle)[0].starts_with("WARN"),
        "{:?}",
        logged(&needle)
    );
    // Read again, it is the same bad content: not logged again.
    assert!(store.reload().is_err());
    assert_eq!(logged(&needle).len(), 1, "logged once");
}

#[test]
fn the_same_bad_save_after_a_good_one_is_reported_again() {
    // A (good) → B (bad) → A → B: the second B used to go unreported (no
    // log, no `last_error`, and `reload` made up an error without a line).
    capture_logs();
    let bad = "[toggles.a]\nenabeld = true\n";
    let fixture = Fixture::new(Some(&version(true)));
    let store = Store::builder(&fixture.path)
        .watch(false)
        .append_unknown(false)
        .open()
        .unwrap();
    for round in 1..=2 {
        fs::write(&fixture.path, bad).unwrap();
        let error = store.reload().unwrap_err();
        assert_eq!(error.location(), Some((2, 1)), "round {round}: {error}");
        let last = store.last_error().expect("the bad save is reported");
        assert_eq!(last.location(), Some((2, 1)), "round {round}");
        fs::write(&fixture.path, version(true)).unwrap();
        assert!(!store.reload().unwrap(), "the version in use again");
        assert!(store.last_error().is_none(), "round {round}");
    }
    let needle = format!("{}:2:1: unknown field `enabeld`", shown(&fixture.path));
    assert_eq!(logged(&needle).len(), 2, "each bad save is logged");
}

#[test]
fn the_same_bad_save_after_a_good_one_is_reported_again_by_the_watcher() {
    let bad = "[toggles.a]\nenabeld = true\n";
    let fixture = Fixture::new(Some(&version(true)));
    let store = watched(&fixture);
    for round in 1..=2 {
        rename_save(&fixture.path, bad);
        wait_for(&format!("bad save {round} is reported"), || {
            store
                .last_error()
                .is_some_and(|e| e.location() == Some((2, 1)))
        });
        rename_save(&fixture.path, &version(true));
        wait_for("the good version clears the error", || {
            store.last_error().is_none()
        });
    }
}

#[test]
fn a_snapshot_is_always_one_whole_version_during_a_storm_of_saves() {
    let names: Vec<String> = (0..20).map(|i| format!("t{i}")).collect();
    let text = |on: bool| {
        let mut text = format!("[releases.r]\nenabled = {on}\n");
        for (i, name) in names.iter().enumerate() {
            if i % 2 == 0 {
                text.push_str(&format!("[toggles.{name}]\nenabled = {on}\n"));
            } else {
                text.push_str(&format!("[toggles.{name}]\nrelease = \"r\"\n"));
            }
        }
        text
    };
    let fixture = Fixture::new(Some(&text(false)));
    let store = watched(&fixture);
    // Set when the test is over, or when any thread fails: then every
    // other thread stops too, and the scope's join makes the failure the
    // test's, instead of a reader waiting forever for a barrier or a
    // `done` that never comes.
    let done = AtomicBool::new(false);
    let versions_seen = Mutex::new([false; 2]);
    let started = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let _stop = StopOnDrop(&done);
                let mut first_round = true;
                while !done.load(Ordering::SeqCst) {
                    let snapshot = store.snapshot();
                    let first = snapshot.is_enabled("t0");
                    for name in &names {
                        assert_eq!(
                            snapshot.is_enabled(name),
                            first,
                            "a snapshot mixes two versions"
                        );
                    }
                    assert_eq!(
                        snapshot.release("r").unwrap().counts().0,
                        if first { 10 } else { 0 }
                    );
                    versions_seen.lock().unwrap()[usize::from(first)] = true;
                    if std::mem::take(&mut first_round) {
                        started.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
        let _stop = StopOnDrop(&done);
        // A reader that failed has set `done`: stop, and the scope's join
        // reports its panic.
        wait_for("both readers are reading", || {
            started.load(Ordering::SeqCst) == 2 || done.load(Ordering::SeqCst)
        });
        if done.load(Ordering::SeqCst) {
            return;
        }
        for i in 0..300 {
            rename_save(&fixture.path, &text(i % 2 == 1));
        }
        rename_save(&fixture.path, &text(true));
        wait_for("the last save is visible", || {
            store.is_enabled("t19") || done.load(Ordering::SeqCst)
        });
        wait_for("readers saw both versions", || {
            *versions_seen.lock().unwrap() == [true, true] || done.load(Ordering::SeqCst)
        });
    });
}

/// Sets its flag when dropped: on a thread's way out, panicking or not.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        // SeqCst: a test's flag, no ordering to reason about.
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn subscribers_hear_what_changed_and_the_log_says_it() {
    capture_logs();
    let fixture = Fixture::new(Some(
        "[releases.r]\nenabled = false\n[toggles.new_cart]\nrelease = \"r\"\n[toggles.dark_mode]\nenabled = true\n[toggles.old]\n",
    ));
    let store = watched(&fixture);
    let heard: Arc<Mutex<Vec<Changes>>> = Arc::default();
    let sink = Arc::clone(&heard);
    let subscription = store.subscribe(move |changes| sink.lock().unwrap().push(changes.clone()));
    rename_save(
        &fixture.path,
        "[releases.r]\nenabled = true\n[toggles.new_cart]\nrelease = \"r\"\n[toggles.dark_mode]\nenabled = false\n[toggles.fresh]\n",
    );
    wait_for("the subscriber hears the change", || {
        !heard.lock().unwrap().is_empty()
    });
    let changes = heard.lock().unwrap().remove(0);
    let flips: Vec<_> = changes
        .flipped()
        .iter()
        .map(|f| (&*f.name, f.old, f.new))
        .collect();
    assert_eq!(
        flips,
        [("dark_mode", true, false), ("new_cart", false, true)]
    );
    assert_eq!(changes.added(), [Box::from("fresh")]);
    assert_eq!(changes.removed(), [Box::from("old")]);
    assert_eq!(changes.releases()[0].name.as_ref(), "r");
    assert_eq!(
        (changes.releases()[0].old, changes.releases()[0].new),
        (Some(false), Some(true))
    );
    assert!(changes.snapshot().is_enabled("new_cart"));
    let line = "toggles.toml reloaded: dark_mode on→off, new_cart off→on, release r off→on, 1 added, 1 removed";
    wait_for("the reload is logged", || logged(line).len() == 1);

    // A comment-only edit is a new version but not a change: nobody is told.
    drop(subscription);
    let heard_versions: Arc<Mutex<Vec<u64>>> = Arc::default();
    let sink = Arc::clone(&heard_versions);
    let _subscription =
        store.subscribe(move |changes| sink.lock().unwrap().push(changes.snapshot().generation()));
    let before_comment = store.snapshot().generation();
    let with_comment = format!(
        "# a comment\n{}",
        fs::read_to_string(&fixture.path).unwrap()
    );
    rename_save(&fixture.path, &with_comment);
    wait_for("the comment-only version is published", || {
        store.snapshot().generation() > before_comment
    });
    let comment_version = store.snapshot().generation();
    rename_save(
        &fixture.path,
        &with_comment.replace("[toggles.fresh]", "[toggles.fresh]\nenabled = true"),
    );
    wait_for("the flip after the comment is heard", || {
        !heard_versions.lock().unwrap().is_empty()
    });
    let flip_version = store.snapshot().generation();
    assert!(flip_version > comment_version && store.is_enabled("fresh"));
    // Notifications come in order on the worker: had the comment-only
    // version been announced, it would be first.
    assert_eq!(*heard_versions.lock().unwrap(), [flip_version]);
}

#[test]
fn without_events_the_store_falls_back_to_polling() {
    capture_logs();
    // The folder does not exist yet, so it cannot be watched.
    let fixture = Fixture::new(None);
    let path = fixture.dir.path().join("later").join("toggles.toml");
    let store = Store::builder(&path)
        .append_unknown(false)
        .create_if_missing(true)
        .poll_interval(Duration::from_millis(20))
        .open()
        .unwrap();
    assert_eq!(
        logged(&format!("{}: cannot watch for changes", shown(&path))).len(),
        1
    );
    fs::create_dir(path.parent().unwrap()).unwrap();
    fs::write(&path, version(true)).unwrap();
    wait_for("polling finds the new file", || store.is_enabled("a"));
}

#[test]
fn appends_do_not_cause_a_reload_loop_or_a_glitch() {
    use notify::event::AccessKind;
    use notify::{EventKind, RecursiveMode, Watcher};

    let fixture = Fixture::new(Some(&version(true)));
    let store = Store::open(&fixture.path).unwrap();
    assert!(!store.is_enabled("appended"));
    store.flush();
    let after_append = store.snapshot();
    assert!(after_append.contains("appended") && after_append.is_enabled("a"));
    // Count every open of the file from now on: a store that reacted to its
    // own reads or appends would open it again and again.
    let opens = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&opens);
    let file = fixture.path.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && matches!(event.kind, EventKind::Access(AccessKind::Open(_)))
            && event.paths.contains(&file)
        {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    })
    .unwrap();
    watcher
        .watch(fixture.dir.path(), RecursiveMode::NonRecursive)
        .unwrap();
    // The watcher's event for our own append finds the same bytes: a later
    // save is the next version, with nothing in between.
    let saved = fs::read_to_string(&fixture.path)
        .unwrap()
        .replace("enabled = true", "enabled = false");
    rename_save(&fixture.path, &saved);
    wait_for("the next save is visible", || !store.is_enabled("a"));
    assert!(store.snapshot().contains("appended"));
    // Then a quiet half second, measured: a loop would open the file
    // hundreds of times in it; a settled store does not open it (the
    // rename-save itself costs a read or two).
    let settled = opens.load(Ordering::SeqCst);
    let quiet_until = std::time::Instant::now() + Duration::from_millis(500);
    while std::time::Instant::now() < quiet_until {
        std::thread::sleep(Duration::from_millis(10));
    }
    let during_quiet = opens.load(Ordering::SeqCst) - settled;
    // On a loaded machine the rename's second event can be read late, in
    // the quiet time: a read or two. The broken variant read 47 times
    // before the quiet time even began.
    assert!(settled <= 6, "the save was read {settled} times");
    assert!(
        during_quiet <= 2,
        "the store kept reading a settled file: {during_quiet} reads"
    );
}

#[test]
fn dropping_stores_stops_their_threads_and_watches() {
    assert_child_succeeds(&mut child("reload::child_opens_and_drops_stores"));
}

/// Run by the test above in a process of its own, where nothing else starts
/// threads: opens and drops watched stores in a loop.
#[test]
#[ignore = "a child process of other tests"]
fn child_opens_and_drops_stores() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    fn threads() -> usize {
        let status = fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap();
        line[8..].trim().parse().unwrap()
    }
    fn open_files() -> usize {
        fs::read_dir("/proc/self/fd").unwrap().count()
    }
    let fixture = Fixture::new(Some(&version(true)));
    let (threads_before, files_before) = (threads(), open_files());
    for i in 0..100 {
        let store = Store::open(&fixture.path).unwrap();
        assert!(store.is_enabled("a"));
        if i % 10 == 0 {
            assert!(
                !store.is_enabled(&format!("appended_{i}")),
                "with an append in flight"
            );
        }
        drop(store);
    }
    wait_for("the stores' threads are gone", || {
        threads() <= threads_before
    });
    wait_for("the stores' watches and files are closed", || {
        open_files() <= files_before
    });
    assert_eq!(
        fs::read_to_string(&fixture.path)
            .unwrap()
            .matches("[toggles.appended_")
            .count(),
        10,
        "drop flushes appends"
    );
}
