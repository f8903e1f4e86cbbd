//! Stress, crash and soak: processes racing, writers killed mid-append, and
//! storms of file events. The quick variants run in `cargo test`; the long
//! ones are `#[ignore]`d, and `.ci/run` runs them in a release build:
//!
//! ```text
//! cargo test --release --all-features --test it -- --ignored stress:: --nocapture
//! ```
//!
//! (`child_*` tests are the child processes of the others: run directly,
//! they return at once.)

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use toggles::{Snapshot, Store};

use crate::support::{Fixture, assert_child_succeeds, child, count, wait_for, wait_within};

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
    let (Ok(path), Ok(saves), Ok(done)) = (
        std::env::var("CHILD_FILE"),
        std::env::var("CHILD_SAVES"),
        std::env::var("CHILD_DONE"),
    ) else {
        return; // not run by a test
    };
    let saves: usize = saves.parse().unwrap();
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
    fs::write(done, "").unwrap();
}

/// Child: checks `CHILD_NAMES`, and once the editor is done, waits until
/// the file holds every one of them (the store appends them again if a save
/// swallowed them).
#[test]
#[ignore = "a child process of other tests"]
fn child_appends_until_present() {
    let (Ok(path), Ok(names), Ok(done)) = (
        std::env::var("CHILD_FILE"),
        std::env::var("CHILD_NAMES"),
        std::env::var("CHILD_DONE"),
    ) else {
        return; // not run by a test
    };
    let names: Vec<String> = names.split(',').map(String::from).collect();
    let store = Store::open(&path).unwrap();
    for name in &names {
        assert!(!store.is_enabled(name));
    }
    wait_for("the editor is done", || Path::new(&done).exists());
    wait_for("every name is in the file", || {
        let text = fs::read(&path).unwrap();
        Snapshot::parse(&path, &text).is_ok_and(|s| names.iter().all(|n| s.contains(n)))
    });
    store.flush();
}

/// The user's file in the crash tests: comments, odd spacing, no final
/// newline — bytes an append must leave exactly as they are.
const USER_FILE: &str =
    "# the user's part\n[toggles.kept]   # mine\nenabled=true\n# no final newline";

/// A child process, killed when dropped (a failing test leaves none behind).
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A folder with `toggles.toml` holding `text`, in memory where there is a
/// RAM disk: there, a `SIGKILL` cuts a large write between pages; on ext4
/// (recent Linux, large folios) a write of a few hundred KiB is almost
/// never cut, which would leave the crash tests little to test.
fn in_memory(text: &str) -> Fixture {
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm)
    } else {
        tempfile::tempdir()
    }
    .unwrap();
    let path = dir.path().join("toggles.toml");
    fs::write(&path, text).unwrap();
    Fixture { dir, path }
}

/// How many names a crash-test child checks in its batch `b`: the first
/// batch is one name, so that its worker thread is running and idle when
/// the bursts of `batch` names begin.
fn batch_len(b: usize, batch: usize) -> usize {
    if b == 0 { 1 } else { batch }
}

/// The name a crash-test child checks: round, batch, index; fixed width,
/// so that a name cut short can never pass for one that was asked for.
/// Long, so that an append of a batch is a long write (more pages, more
/// time to be killed in).
fn asked_name(round: usize, batch: usize, i: usize) -> String {
    format!("r{round:03}_b{batch:02}_{i:05}_{:-<100}", "")
}

/// Up to `max_rounds` times (or until `enough` rounds tore an append, or
/// some did and enough time has passed): a child process appends `batch`
/// names at a time (one burst of checks, then `flush`: one append of many
/// pages), and is killed with `SIGKILL` as soon as the file has grown by a
/// round-dependent amount, so the kill lands during an append, at a
/// different point each round. After each kill: (a) a fresh `Store::open` succeeds, read-only
/// or not; (b) then the file parses, holds each name asked for once, after
/// the user's bytes intact, with no record left; a next writer appends
/// too; (c) no name exists that was not asked for. Fails unless some kill
/// cut a write (left part of an append that the next open completed), so
/// that it cannot pass by never testing anything.
fn a_writer_killed_mid_append(max_rounds: usize, enough: Option<(usize, Duration)>, batch: usize) {
    let start = Instant::now();
    let (mut torn, mut torn_writes, mut rounds, mut unkilled) = (0, 0, 0, 0);
    for round in 0..max_rounds {
        // Whether the kill lands mid-write depends on the scheduler: stop
        // early once enough have.
        if let Some((torn_enough, time_enough)) = enough
            && (torn >= torn_enough || (torn > 0 && start.elapsed() > time_enough))
        {
            break;
        }
        rounds += 1;
        let fixture = in_memory(USER_FILE);
        let record = fixture.dir.path().join(".toggles.toml.append");
        let mut process = Killed(
            child("stress::child_appends_in_batches")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .env("CHILD_FILE", &fixture.path)
                .env("CHILD_ROUND", round.to_string())
                .env("CHILD_BATCH", batch.to_string())
                .spawn()
                .unwrap(),
        );
        // Spin on the file's size (no sleep: the kill must follow the
        // growth within microseconds), with a deadline: after the first
        // growth (the one-name batch), kill when it has grown by 30 % to
        // 80 % of a batch, depending on the round: mid-write, if this
        // process got the processor in time.
        let table = 40 + asked_name(round, 0, 0).len();
        let step = (table * batch * (3 + round % 6) / 10) as u64;
        let file = fs::File::open(&fixture.path).unwrap(); // `fstat` is quicker
        let deadline = Instant::now() + Duration::from_secs(20);
        let (mut began_at, mut polls) = (None, 0u32);
        // On a loaded machine this process may not get the processor until
        // the child has appended every batch and exited: that round killed
        // nothing (it is checked as a complete run, and counts as no cut).
        let mut finished = None;
        loop {
            let len = file.metadata().unwrap().len();
            match began_at {
                None if len > USER_FILE.len() as u64 => began_at = Some(len),
                Some(began) if len >= began + step => break,
                _ => {}
            }
            polls += 1;
            if polls.is_multiple_of(1024) {
                assert!(
                    Instant::now() < deadline,
                    "round {round}: the file never grew"
                );
                if let Some(status) = process.0.try_wait().unwrap() {
                    finished = Some(status);
                    break;
                }
            }
            std::hint::spin_loop();
        }
        if let Some(status) = finished {
            assert!(
                status.success(),
                "round {round}: the child failed: {status}"
            );
            let asked: usize = (0..100).map(|b| batch_len(b, batch)).sum();
            assert_eq!(file_names(&fixture.path, round, batch).len(), asked);
            assert!(
                !record.exists(),
                "round {round}: no record after a whole run"
            );
            unkilled += 1;
            continue;
        }
        process.0.kill().unwrap();
        process.0.wait().unwrap();

        let after_kill = fs::read(&fixture.path).unwrap();
        let cut = Snapshot::parse(&fixture.path, &after_kill).is_err();
        torn_writes += usize::from(cut);
        // (a), without writing: the file as it was before the cut append.
        let reader = Store::builder(&fixture.path)
            .watch(false)
            .append_unknown(false)
            .open()
            .unwrap_or_else(|e| panic!("round {round}: a read-only open failed: {e}"));
        assert_eq!(fs::read(&fixture.path).unwrap(), after_kill, "read-only");
        // (a) for the command-line tool too, on a copy of the torn state.
        #[cfg(feature = "cli")]
        let cli_copy = cut.then(|| cli_lists_a_torn_copy(&fixture, round));
        // (a), the next start of the application: it completes the append.
        let next = Store::builder(&fixture.path)
            .watch(false)
            .open()
            .unwrap_or_else(|e| panic!("round {round}: Store::open failed: {e}"));
        assert!(!record.exists(), "round {round}: the record is removed");
        // The kill cut a write if the open completed it (the file grew
        // from what the kill left) and the kill left some of its bytes (the
        // file does not end where an append, or the user's part, ends): a
        // kill before the write, or after it but before its record was
        // removed, does not count.
        let completed = fs::read(&fixture.path).unwrap();
        assert!(
            completed.starts_with(&after_kill),
            "round {round}: appended only"
        );
        torn += usize::from(completed.len() > after_kill.len() && !ends_an_append(&after_kill));
        let names = file_names(&fixture.path, round, batch);
        assert_eq!(next.snapshot().toggles().len(), names.len() + 1);
        // The CLI read the completed file, and wrote nothing: read
        // commands never write.
        #[cfg(feature = "cli")]
        if let Some((copy, listed)) = cli_copy {
            assert_eq!(
                fs::read(&copy.path).unwrap(),
                after_kill,
                "round {round}: `toggles list` left the torn file as it was"
            );
            // A set of the first words: thousands of names against thousands
            // of lines made this check quadratic (minutes per run).
            let shown: std::collections::HashSet<&str> = listed
                .lines()
                .filter_map(|line| line.split_whitespace().next())
                .collect();
            for name in &names {
                assert!(
                    shown.contains(name.as_str()),
                    "round {round}: `toggles list` shows {name}, as completing the append gives it"
                );
            }
        }
        // The read-only store read no name that the file does not hold now.
        assert!(reader.is_enabled("kept"));
        let asked: std::collections::HashSet<&str> = names.iter().map(String::as_str).collect();
        for toggle in reader.snapshot().toggles() {
            let name = toggle.name();
            assert!(name == "kept" || asked.contains(name), "{name}");
        }
        // (b) and (c) after the next writer, too.
        assert!(!next.is_enabled("next_writer"));
        next.flush();
        let text = fs::read_to_string(&fixture.path).unwrap();
        assert_eq!(count(&text, "[toggles.next_writer]"), 1);
        assert_eq!(file_names(&fixture.path, round, batch), names);
        assert!(!record.exists());
    }
    println!(
        "{torn} of {rounds} kills cut a write ({torn_writes} left a file that did not parse; \
         {unkilled} children finished before their kill)"
    );
    assert!(torn > 0, "no kill cut a write: the test tested nothing");
}

/// Whether `file` ends where the user's part or an appended table ends:
/// what a kill leaves when it lands before an append's write (or exactly
/// between two of its tables, which is not counted as a cut either).
fn ends_an_append(file: &[u8]) -> bool {
    if file == USER_FILE.as_bytes() {
        return true;
    }
    let Some(body) = file.strip_suffix(b"\n") else {
        return false;
    };
    let last_line = body.rsplit(|&b| b == b'\n').next().unwrap_or(body);
    last_line.starts_with(b"created = ")
}

/// Copies the torn file and its append record to another folder and runs
/// `toggles list` on the copy: it must succeed (the tool reads the file as
/// completing the interrupted append gives it, in memory) where it used to
/// refuse the file. The copy, and what the listing printed.
#[cfg(feature = "cli")]
fn cli_lists_a_torn_copy(torn: &Fixture, round: usize) -> (Fixture, String) {
    let copy = in_memory("");
    fs::copy(&torn.path, &copy.path).unwrap();
    let record = ".toggles.toml.append";
    if torn.dir.path().join(record).exists() {
        fs::copy(torn.dir.path().join(record), copy.dir.path().join(record)).unwrap();
    }
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_toggles"))
        .args(["list", "--file"])
        .arg(&copy.path)
        .env_remove("TOGGLES_APPEND")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "round {round}: `toggles list` on a torn file failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (copy, String::from_utf8(output.stdout).unwrap())
}

/// Checks (b) and (c) on the file after a kill in `round`, and returns the
/// names appended by the child: the user's bytes are intact, the file
/// parses, every name is one the child asked for and appears once, each
/// batch is complete but the last, whose names are its first ones in order.
fn file_names(path: &Path, round: usize, batch: usize) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    assert!(
        text.starts_with(USER_FILE),
        "round {round}: the user's bytes"
    );
    let snapshot = Snapshot::parse(path, text.as_bytes())
        .unwrap_or_else(|e| panic!("round {round}: the file does not parse: {e}"));
    let mut names: Vec<String> = snapshot
        .toggles()
        .map(|t| t.name().to_owned())
        .filter(|name| name != "kept" && name != "next_writer")
        .collect();
    names.sort();
    let mut expected = Vec::new();
    'batches: for b in 0.. {
        for i in 0..batch_len(b, batch) {
            if expected.len() == names.len() {
                break 'batches;
            }
            expected.push(asked_name(round, b, i));
        }
    }
    assert_eq!(
        names, expected,
        "round {round}: exactly the names asked for"
    );
    // Each once, as a header line (in one pass: `count` per name would be
    // quadratic).
    let mut headers: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("[toggles.")?.strip_suffix(']'))
        .filter(|&name| name != "next_writer")
        .collect();
    headers.sort_unstable();
    assert_eq!(headers, names, "round {round}: each name once");
    names
}

#[test]
fn a_writer_killed_mid_append_never_leaves_a_broken_file() {
    // Up to 150 rounds: on a loaded machine one kill in ten to thirty cuts
    // a write (the others land before or after it), and the test fails
    // unless one does; it stops after 6 s once one has.
    a_writer_killed_mid_append(150, Some((3, Duration::from_secs(6))), 2000);
}

#[test]
#[ignore = "long: run by hand"]
fn a_writer_killed_mid_append_never_leaves_a_broken_file_long() {
    a_writer_killed_mid_append(300, None, 6000);
}

/// Child: checks `CHILD_BATCH` new names at a time, then flushes (one
/// append of many pages per batch), for up to 100 batches or until killed.
#[test]
#[ignore = "a child process of other tests"]
fn child_appends_in_batches() {
    let (Ok(path), Ok(round), Ok(batch)) = (
        std::env::var("CHILD_FILE"),
        std::env::var("CHILD_ROUND"),
        std::env::var("CHILD_BATCH"),
    ) else {
        return; // not run by a test
    };
    let (round, batch) = (round.parse().unwrap(), batch.parse().unwrap());
    let store = Store::builder(&path).watch(false).open().unwrap();
    let real = fs::canonicalize(&path).unwrap();
    for b in 0..100 {
        // Holding the lock, so the worker (blocked in its first append, of
        // the first names) cannot take the rest before all are queued: then
        // it appends them in one write.
        let lock = toggles::lock::FileLock::acquire(&real).unwrap();
        for i in 0..batch_len(b, batch) {
            assert!(!store.is_enabled(&asked_name(round, b, i)));
        }
        drop(lock);
        store.flush();
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
            // After a quarter of the events, in every variant (the quick
            // one makes 2 000): what grows after that grows per event.
            if rss_after_warmup == 0 && made >= events / 4 {
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
    assert!(rss_after_warmup > 0, "the baseline was taken");
    assert!(
        rss_end < rss_after_warmup + 1024,
        "memory grew: {rss_after_warmup} → {rss_end} kB"
    );
}

#[test]
fn soak_quick() {
    // In a child process: thread, file and memory counts are per process.
    assert_child_succeeds(child("stress::child_soak").env("SOAK_EVENTS", "2000"));
}

#[test]
#[ignore = "long: run by hand or by .ci/run, with --release"]
fn soak_long() {
    assert_child_succeeds(child("stress::child_soak").env("SOAK_EVENTS", "100000"));
}

/// The soak, alone in its process: `SOAK_EVENTS` events (default 100 000).
#[test]
#[ignore = "a child process of other tests"]
fn child_soak() {
    if !crate::support::is_child() {
        return; // see `support::is_child`: its counts are per process
    }
    let events = std::env::var("SOAK_EVENTS").map_or(100_000, |v| v.parse().unwrap());
    soak(events);
}

/// A version of the file for the rapid in-place saves: `pair_a` and
/// `pair_b`, always equal, at its two ends; `save` in the middle, naming
/// the save; 2 000 comment lines between them (about 130 KB, so reading
/// it takes several `read` calls). Every version has the same length: its
/// size never tells two apart.
fn paired(save: usize) -> String {
    let state = if save % 2 == 1 { "true " } else { "false" };
    let padding = |text: &mut String, from: usize| {
        for i in from..from + 1000 {
            text.push_str(&format!(
                "# padding line {i:04}, to make a file that takes several read calls\n"
            ));
        }
    };
    let mut text = format!("[toggles.pair_a]\nenabled = {state}\n");
    padding(&mut text, 0);
    text.push_str(&format!(
        "[toggles.save]\ndescription = \"save {save:06}\"\n"
    ));
    padding(&mut text, 1000);
    text.push_str(&format!("[toggles.pair_b]\nenabled = {state}\n"));
    text
}

/// A child process saves the file in place (open with truncate, one
/// `write_all`, close) `saves` times as fast as it can, alternating
/// `pair_a` and `pair_b` on and off together. No published snapshot may
/// have them differ (the start of one save and the end of another), and
/// the last save is visible within 1 s of it.
fn rapid_in_place_saves(saves: usize) {
    use std::sync::{Arc, Mutex};
    let fixture = Fixture::new(Some(&paired(0)));
    assert!(fixture.read().len() > 120 << 10, "about 130 KB");
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    let published = Arc::new(Mutex::new((0, Vec::new())));
    let sink = Arc::clone(&published);
    let _subscription = store.subscribe(move |changes: &toggles::Changes| {
        let snapshot = changes.snapshot();
        let mut published = sink.lock().unwrap();
        published.0 += 1;
        let (a, b) = (snapshot.is_enabled("pair_a"), snapshot.is_enabled("pair_b"));
        if a != b {
            let save = snapshot
                .get("save")
                .and_then(|t| t.description().map(String::from));
            let toggles = snapshot.toggles().len();
            published.1.push(format!(
                "pair_a {a}, pair_b {b}, {save:?}, {toggles} toggles"
            ));
        }
    });
    let started = Instant::now();
    let status = child("stress::child_saves_in_place")
        .stdout(Stdio::null())
        .env("CHILD_FILE", &fixture.path)
        .env("CHILD_SAVES", saves.to_string())
        .status()
        .unwrap();
    assert!(status.success(), "the writer failed");
    let saved = Instant::now();
    let last = format!("save {saves:06}");
    wait_within("the last save is visible", Duration::from_secs(1), || {
        store.snapshot().get("save").and_then(|t| t.description()) == Some(last.as_str())
    });
    let (count, mixed) = published.lock().unwrap().clone();
    println!(
        "{saves} in-place saves in {:?}; {count} snapshots published; the last one visible {:?} after it",
        saved - started,
        saved.elapsed()
    );
    assert!(
        mixed.is_empty(),
        "{} of {count} published snapshots mixed two saves: {mixed:#?}",
        mixed.len()
    );
    assert!(count > 1, "the store published while the writer saved");
}

#[test]
fn rapid_in_place_saves_never_publish_a_mix_quick() {
    rapid_in_place_saves(1000);
}

#[test]
#[ignore = "long: run by hand or by .ci/run, with --release"]
fn rapid_in_place_saves_never_publish_a_mix_long() {
    rapid_in_place_saves(5000);
}

/// Child: saves `CHILD_FILE` in place `CHILD_SAVES` times (see
/// `rapid_in_place_saves`), as fast as it can.
#[test]
#[ignore = "a child process of other tests"]
fn child_saves_in_place() {
    use std::io::Write;
    let (Ok(path), Ok(saves)) = (std::env::var("CHILD_FILE"), std::env::var("CHILD_SAVES")) else {
        return; // not run by a test
    };
    let saves: usize = saves.parse().unwrap();
    // The two versions made once; each save writes its number into one.
    let templates = [paired(0), paired(1)];
    let at = templates[0].find("save 000000").unwrap() + "save ".len();
    for save in 1..=saves {
        let mut text = templates[save % 2].clone().into_bytes();
        text[at..at + 6].copy_from_slice(format!("{save:06}").as_bytes());
        let mut file = fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        file.write_all(&text).unwrap();
        drop(file);
    }
}
