//! Stress, crash and soak: processes racing, writers killed mid-append, and
//! storms of file events. The quick variants run in `cargo test`; the long
//! ones are `#[ignore]`d, for a manual run:
//!
//! ```text
//! cargo test --release --test it -- --ignored stress:: --nocapture
//! ```

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use toggles::{Snapshot, Store};

use crate::support::{Fixture, assert_child_succeeds, child, count, wait_for};

/// Several processes append hundreds of names, some shared, while another
/// process keeps saving the user's edits by rename, without any lock.
fn appenders_race_a_renaming_editor(appenders: usize, names: usize, saves: usize) {
    let user = "# the user's part\n[toggles.user_edit]\ndescription = \"v0\"\n";
    let fixture = Fixture::new(Some(user));
    let done = fixture.dir.path().join("editor.done");
    let editor = child("stress::child_edits_by_rename")
        .stdout(Stdio::null())
        .env("CHILD_FILE", &fixture.path)
        .env("CHILD_SAVES", saves.to_string())
        .env("CHILD_DONE", &done)
        .spawn()
        .unwrap();
    let workers: Vec<_> = (0..appenders)
        .map(|p| {
            let names: Vec<String> = (0..names)
                .map(|i| {
                    if i % 2 == 0 {
                        format!("shared_{i}")
                    } else {
                        format!("proc_{p}_{i}")
                    }
                })
                .collect();
            child("stress::child_appends_until_present")
                .stdout(Stdio::null())
                .env("CHILD_FILE", &fixture.path)
                .env("CHILD_NAMES", names.join(","))
                .env("CHILD_DONE", &done)
                .spawn()
                .unwrap()
        })
        .collect();
    for mut process in workers.into_iter().chain([editor]) {
        assert!(process.wait().unwrap().success());
    }
    let text = fs::read_to_string(&fixture.path).unwrap();
    let snapshot = Snapshot::parse(&fixture.path, text.as_bytes()).expect("the file parses");
    assert!(
        text.contains(&format!("description = \"v{saves}\"")),
        "the user's last edit is intact"
    );
    for i in 0..names {
        if i % 2 == 0 {
            assert_eq!(count(&text, &format!("[toggles.shared_{i}]\n")), 1);
        } else {
            for p in 0..appenders {
                assert_eq!(count(&text, &format!("[toggles.proc_{p}_{i}]\n")), 1);
            }
        }
    }
    let expected = 1 + names.div_ceil(2) + appenders * (names / 2);
    assert_eq!(snapshot.toggles().len(), expected);
}

#[test]
fn appenders_race_a_renaming_editor_quick() {
    appenders_race_a_renaming_editor(3, 100, 60);
}

#[test]
#[ignore = "long: run by hand"]
fn appenders_race_a_renaming_editor_long() {
    appenders_race_a_renaming_editor(6, 600, 1000);
}

/// Child: saves `CHILD_SAVES` user edits by rename (read, change, write a
/// temporary file, rename over), then marks `CHILD_DONE`.
#[test]
#[ignore = "a child process of other tests"]
fn child_edits_by_rename() {
    let path = std::env::var("CHILD_FILE").unwrap();
    let saves: usize = std::env::var("CHILD_SAVES").unwrap().parse().unwrap();
    let tmp = Path::new(&path).with_file_name(".toggles.toml.editor");
    for v in 1..=saves {
        let text = fs::read_to_string(&path).unwrap();
        let edited = text.replace(
            &format!("description = \"v{}\"", v - 1),
            &format!("description = \"v{v}\""),
        );
        assert_ne!(text, edited, "the previous edit is in the file");
        fs::write(&tmp, edited).unwrap();
        fs::rename(&tmp, &path).unwrap();
    }
    fs::write(std::env::var("CHILD_DONE").unwrap(), "").unwrap();
}

/// Child: checks `CHILD_NAMES`, and once the editor is done, waits until
/// the file holds every one of them (the store appends them again if a save
/// swallowed them).
#[test]
#[ignore = "a child process of other tests"]
fn child_appends_until_present() {
    let path = std::env::var("CHILD_FILE").unwrap();
    let names: Vec<String> = std::env::var("CHILD_NAMES")
        .unwrap()
        .split(',')
        .map(String::from)
        .collect();
    let store = Store::open(&path).unwrap();
    for name in &names {
        assert!(!store.is_enabled(name));
    }
    let done = std::env::var("CHILD_DONE").unwrap();
    wait_for("the editor is done", || Path::new(&done).exists());
    wait_for("every name is in the file", || {
        let text = fs::read(&path).unwrap();
        Snapshot::parse(&path, &text).is_ok_and(|s| names.iter().all(|n| s.contains(n)))
    });
    store.flush();
}

#[test]
fn a_writer_killed_mid_append_never_leaves_a_broken_file() {
    let fixture = Fixture::new(Some("# mine\n[toggles.kept]\nenabled = true\n"));
    for round in 0..12u64 {
        // A running application, the next writer after the kill.
        let next_writer = Store::builder(&fixture.path).watch(false).open().unwrap();
        let mut process = child("stress::child_appends_forever")
            .stdout(Stdio::null())
            .env("CHILD_FILE", &fixture.path)
            .env("CHILD_PREFIX", format!("r{round}"))
            .spawn()
            .unwrap();
        // Kill it at a different moment each round, mid-stream of appends.
        std::thread::sleep(Duration::from_millis(5 + round * 7));
        process.kill().unwrap();
        process.wait().unwrap();
        let text = fs::read(&fixture.path).unwrap();
        if Snapshot::parse(&fixture.path, &text).is_err() {
            // A torn append: the next writer must complete it.
            assert!(!next_writer.is_enabled(&format!("repair_{round}")));
            next_writer.flush();
        }
        let text = fs::read(&fixture.path).unwrap();
        let snapshot = Snapshot::parse(&fixture.path, &text).expect("the file parses after a kill");
        assert!(text.starts_with(b"# mine\n[toggles.kept]\nenabled = true\n"));
        assert!(snapshot.is_enabled("kept"));
    }
}

/// Child: appends new names as fast as it can until killed.
#[test]
#[ignore = "a child process of other tests"]
fn child_appends_forever() {
    let path = std::env::var("CHILD_FILE").unwrap();
    let prefix = std::env::var("CHILD_PREFIX").unwrap();
    let store = Store::builder(&path).watch(false).open().unwrap();
    for i in 0.. {
        assert!(!store.is_enabled(&format!("{prefix}_{i}")));
        if i % 50 == 0 {
            store.flush();
        }
    }
}

/// Soak: many file events in the watched folder — saves in every style and
/// unrelated files — while threads keep checking. No check stalls, no growth
/// in threads, memory or open files, and the final save is seen.
fn soak(events: usize) {
    fn proc_status(field: &str) -> usize {
        let status = fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with(field)).unwrap();
        line[field.len()..]
            .trim()
            .trim_end_matches(" kB")
            .parse()
            .unwrap()
    }
    let open_files = || fs::read_dir("/proc/self/fd").unwrap().count();
    let version = |v: usize| {
        format!(
            "[toggles.soak]\nenabled = {}\n[toggles.version_{v}]\n",
            v.is_multiple_of(2)
        )
    };
    let fixture = Fixture::new(Some(&version(0)));
    let dir = fixture.dir.path();
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (threads_before, files_before) = (proc_status("Threads:"), open_files());
    let mut rss_after_warmup = 0;
    let slowest = std::thread::scope(|s| {
        let checkers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut slowest = Duration::ZERO;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let start = Instant::now();
                        for _ in 0..1000 {
                            std::hint::black_box(store.is_enabled("soak"));
                        }
                        slowest = slowest.max(start.elapsed());
                    }
                    slowest
                })
            })
            .collect();
        let mut made = 0;
        let mut v = 0;
        while made < events {
            v += 1;
            let text = version(v);
            match v % 4 {
                0 => fs::write(&fixture.path, text).unwrap(), // in place: ~3 events
                1 => {
                    let tmp = dir.join(".toggles.toml.tmp");
                    fs::write(&tmp, text).unwrap();
                    fs::rename(&tmp, &fixture.path).unwrap(); // ~4 events
                }
                2 => {
                    let other = dir.join(format!("unrelated_{}.txt", v % 7));
                    fs::write(&other, "x").unwrap();
                    fs::remove_file(&other).unwrap(); // ~4 unrelated events
                }
                _ => {
                    fs::remove_file(&fixture.path).unwrap();
                    fs::write(&fixture.path, text).unwrap(); // ~4 events
                }
            }
            made += 4;
            if v == 1000 {
                rss_after_warmup = proc_status("VmRSS:");
            }
        }
        let last = version(v + 1);
        fs::write(&fixture.path, &last).unwrap();
        let last_name = format!("version_{}", v + 1);
        wait_for("the final save is seen", || {
            store.snapshot().contains(&last_name)
        });
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        checkers
            .into_iter()
            .map(|c| c.join().unwrap())
            .max()
            .unwrap()
    });
    let rss_end = proc_status("VmRSS:");
    println!(
        "soak: {events} events; slowest 1000 checks {slowest:?}; threads {threads_before}→{}; \
         open files {files_before}→{}; RSS {rss_after_warmup} kB after warm-up → {rss_end} kB",
        proc_status("Threads:"),
        open_files()
    );
    assert!(
        slowest < Duration::from_secs(1),
        "a check stalled: {slowest:?}"
    );
    wait_for("no thread is left over", || {
        proc_status("Threads:") <= threads_before
    });
    assert!(open_files() <= files_before, "no file is left open");
    if rss_after_warmup > 0 {
        assert!(
            rss_end < rss_after_warmup + 16 * 1024,
            "memory grew: {rss_after_warmup} → {rss_end} kB"
        );
    }
}

#[test]
fn soak_quick() {
    // In a child process: thread, file and memory counts are per process.
    assert_child_succeeds(child("stress::child_soak").env("SOAK_EVENTS", "2000"));
}

/// The soak, alone in its process: `SOAK_EVENTS` events (default 100 000).
#[test]
#[ignore = "long: run by hand (SOAK_EVENTS=100000)"]
fn child_soak() {
    let events = std::env::var("SOAK_EVENTS").map_or(100_000, |v| v.parse().unwrap());
    soak(events);
}
