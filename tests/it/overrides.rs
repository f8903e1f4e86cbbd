//! Scoped overrides: per thread, nested, restored on drop and on panic, and
//! the process-wide form, serialized.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use toggles::{Store, Toggle, toggle, toggle_as, toggle_as_global, with_toggles};

use crate::global::global_file;
use crate::support::{Fixture, assert_child_succeeds, child};

#[test]
fn an_override_holds_for_its_scope_on_this_thread_only() {
    global_file();
    assert!(toggle!("g_on"));
    {
        let _off = toggle_as("g_on", false);
        assert!(!toggle!("g_on"));
        let other = std::thread::spawn(|| toggle!("g_on")).join().unwrap();
        assert!(other, "another thread never sees this thread's override");
    }
    assert!(toggle!("g_on"), "restored on drop");
}

#[test]
fn overrides_nest_and_restore_the_outer_value() {
    global_file();
    let _on = toggle_as("g_off", true);
    assert!(toggle!("g_off"));
    {
        let _off = toggle_as("g_off", false);
        assert!(!toggle!("g_off"));
        {
            let _on_again = toggle_as("g_off", true);
            assert!(toggle!("g_off"));
        }
        assert!(!toggle!("g_off"));
    }
    assert!(toggle!("g_off"));
}

#[test]
fn guards_dropped_out_of_order_remove_their_own_override() {
    global_file();
    let outer = toggle_as("g_off", true);
    let inner = toggle_as("g_off", false);
    drop(outer);
    assert!(!toggle!("g_off"), "the inner override still holds");
    drop(inner);
    assert!(!toggle!("g_off"), "back to the file");
}

#[test]
fn a_panic_unwinding_through_a_guard_restores() {
    global_file();
    let result = std::panic::catch_unwind(|| {
        let _on = toggle_as("g_off", true);
        assert!(toggle!("g_off"));
        panic!("the test failed");
    });
    assert!(result.is_err());
    assert!(!toggle!("g_off"));
}

#[test]
fn call_sites_cached_before_the_override_never_return_a_stale_value() {
    global_file();
    static ON: Toggle = Toggle::new("g_on");
    let site = || toggle!("g_on");
    for _ in 0..3 {
        assert!(site() && ON.is_enabled(), "cached: on");
        {
            let _off = toggle_as("g_on", false);
            assert!(
                !site() && !ON.is_enabled(),
                "the override wins over the cache"
            );
        }
        assert!(
            site() && ON.is_enabled(),
            "the cache was not poisoned by the override"
        );
    }
}

#[test]
fn every_kind_of_check_sees_the_override() {
    let fixture = Fixture::new(Some("[toggles.o_any]\nenabled = true\n"));
    let store = Store::builder(&fixture.path).watch(false).open().unwrap();
    let snapshot = store.snapshot();
    let _off = toggle_as("o_any", false);
    assert!(!store.is_enabled("o_any"));
    assert!(!snapshot.is_enabled("o_any"));
    assert!(
        snapshot.get("o_any").unwrap().is_enabled(),
        "the file's own state is still there"
    );
}

#[test]
fn with_toggles_overrides_several_for_a_closure() {
    global_file();
    let seen = with_toggles(&[("g_on", false), ("g_off", true)], || {
        (toggle!("g_on"), toggle!("g_off"))
    });
    assert_eq!(seen, (false, true));
    assert_eq!((toggle!("g_on"), toggle!("g_off")), (true, false));
    let result = std::panic::catch_unwind(|| with_toggles(&[("g_on", false)], || panic!("inside")));
    assert!(result.is_err());
    assert!(toggle!("g_on"), "restored after a panic in the closure");
}

#[test]
#[should_panic(expected = "invalid toggle name \"bad name\"")]
fn an_invalid_name_is_a_loud_failure() {
    let _guard = toggle_as("bad name", true);
}

/// Test overrides never open a file and never append: an application's
/// tests that override a name must not write `[toggles.NAME]` into the
/// committed `toggles.toml` (nor create one in the folder they run in).
#[test]
fn overrides_never_open_the_toggles_file_nor_append_to_it() {
    for file in [None, Some("[toggles.kept]\nenabled = true\n")] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("toggles.toml");
        if let Some(text) = file {
            std::fs::write(&path, text).unwrap();
        }
        let mut command = child("overrides::child_overrides_names_the_file_lacks");
        command
            .current_dir(dir.path())
            .env_remove(toggles::FILE_ENV)
            .env_remove("TOGGLES_ENV")
            .env_remove("TOGGLES_APPEND");
        assert_child_succeeds(&mut command);
        match file {
            None => assert!(!path.exists(), "no file is created"),
            Some(text) => assert_eq!(std::fs::read_to_string(&path).unwrap(), text),
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), usize::from(file.is_some()), "{names:?}");
    }
}

#[test]
#[ignore = "a child process of other tests"]
fn child_overrides_names_the_file_lacks() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    {
        let _on = toggle_as("o_only_in_tests", true);
        let _global = toggle_as_global("o_only_in_tests_global", true);
        with_toggles(&[("o_only_in_tests_too", false)], || {
            assert!(toggle!("o_only_in_tests"));
            assert!(toggle!("o_only_in_tests_global"));
            assert!(!toggle!("o_only_in_tests_too"));
        });
    }
    // A name queued by then would be appended as this test's thread exits
    // (it flushes the store it queued to): the parent sees none.
}

#[test]
fn parallel_threads_never_see_each_others_overrides() {
    global_file();
    let fixture = Fixture::new(Some("[toggles.o_par]\nenabled = true\n"));
    let store = Store::builder(&fixture.path).watch(false).open().unwrap();
    let threads = 8;
    let barrier = Barrier::new(threads);
    std::thread::scope(|s| {
        for t in 0..threads {
            let (store, barrier) = (&store, &barrier);
            s.spawn(move || {
                let overriding = t % 2 == 0;
                let _guards =
                    overriding.then(|| (toggle_as("g_on", false), toggle_as("o_par", false)));
                barrier.wait();
                for _ in 0..100_000 {
                    assert_eq!(
                        toggle!("g_on"),
                        !overriding,
                        "thread {t} saw another thread's value"
                    );
                    assert_eq!(
                        store.is_enabled("o_par"),
                        !overriding,
                        "thread {t} saw another thread's value"
                    );
                }
            });
        }
    });
}

#[test]
fn a_process_wide_override_reaches_worker_threads() {
    global_file();
    let _on = toggle_as_global("o_pool", true);
    let seen: Vec<bool> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4).map(|_| s.spawn(|| toggle!("o_pool"))).collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert_eq!(seen, [true; 4]);
    // A thread-scoped override still wins on its own thread.
    let _off = toggle_as("o_pool", false);
    assert!(!toggle!("o_pool"));
}

#[test]
fn process_wide_overrides_serialize_so_tests_never_overlap() {
    global_file();
    let inside = Arc::new(AtomicUsize::new(0));
    std::thread::scope(|s| {
        for t in 0..4 {
            let inside = Arc::clone(&inside);
            s.spawn(move || {
                for round in 0..20 {
                    let value = (t + round) % 2 == 0;
                    let _outer = toggle_as_global("o_serial", value);
                    let _nested = toggle_as_global("o_serial_other", !value); // the holder may nest
                    assert_eq!(
                        inside.fetch_add(1, Ordering::SeqCst),
                        0,
                        "two holders at once"
                    );
                    let seen =
                        std::thread::scope(|s| s.spawn(|| toggle!("o_serial")).join().unwrap());
                    assert_eq!(seen, value);
                    inside.fetch_sub(1, Ordering::SeqCst);
                }
                // The last override of each thread differs from the file.
                let _last = toggle_as_global("o_serial", false);
            });
        }
    });
    assert!(
        toggle!("o_serial"),
        "all released: the file's value (on), not a leaked override (off)"
    );
}
