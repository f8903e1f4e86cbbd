//! Hostile files: huge, deep, binary, odd encodings, not a file at all. Each
//! loads or gives a clear error; none panics or hangs.

use std::fs;
use std::os::unix::fs::symlink;
use std::time::{Duration, Instant};

use toggles::{Error, Snapshot, Store};

use crate::support::{
    Fixture, assert_child_succeeds_within, capture_logs, child, logged, mkfifo, wait_for,
    wait_within,
};

/// How long a child that must not hang may take, at most.
const NO_HANG: Duration = Duration::from_secs(30);

fn open(fixture: &Fixture) -> Result<Store, Error> {
    Store::builder(&fixture.path)
        .watch(false)
        .append_unknown(false)
        .open()
}

#[test]
fn a_hundred_thousand_toggles_load() {
    let mut text = String::with_capacity(7 << 20);
    for i in 0..100_000 {
        text.push_str(&format!(
            "[toggles.toggle_{i:06}]\nenabled = {}\ncreated = 2026-11-24\n\n",
            i % 3 == 0
        ));
    }
    let fixture = Fixture::new(Some(&text));
    let store = open(&fixture).unwrap();
    assert_eq!(store.snapshot().toggles().len(), 100_000);
    assert!(store.is_enabled("toggle_099999"));
    assert!(!store.is_enabled("toggle_099998"));
}

#[test]
fn ten_megabytes_of_descriptions_load() {
    let long = "x".repeat(1 << 20);
    let text: String = (0..10)
        .map(|i| format!("[toggles.t{i}]\ndescription = \"{long}\"\n"))
        .collect();
    assert!(text.len() > 10 << 20);
    let fixture = Fixture::new(Some(&text));
    assert_eq!(open(&fixture).unwrap().snapshot().toggles().len(), 10);
}

#[test]
fn a_huge_undeclared_environment_name_is_refused_without_hanging() {
    // "Did you mean" compares the undeclared name with every declared one:
    // with a megabyte-long name and a thousand environments, an edit
    // distance for each took minutes (now at most 256 are declared).
    let declared: Vec<String> = (0..toggles::MAX_ENVIRONMENTS)
        .map(|i| format!("env_{i:04}"))
        .collect();
    let text = format!(
        "environments = {declared:?}\n\n[toggles.a]\nenv.\"{}\".enabled = true\n",
        "e".repeat(1 << 20)
    );
    let (sent, parsed) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sent.send(Snapshot::parse("toggles.toml", text.as_bytes()).map(|_| ()));
    });
    let error = parsed
        .recv_timeout(NO_HANG)
        .expect("the parse returns")
        .unwrap_err();
    assert_eq!(error.location(), Some((4, 5)));
    assert!(
        error
            .to_string()
            .contains("which `environments` does not declare")
    );
}

#[test]
fn a_hundred_thousand_environments_are_refused_at_once() {
    // Each declared name was checked against every other one, and each
    // `env.E` key against every declared name: quadratic in a file's size.
    // Now a file declares at most `MAX_ENVIRONMENTS`: the 257th name is
    // refused before anything else is looked at.
    let declared: Vec<String> = (0..100_000).map(|i| format!("e{i:06}")).collect();
    let mut text = format!("environments = {declared:?}\n\n[toggles.a]\nenabled = false\n");
    for name in &declared {
        text.push_str(&format!("env.{name}.enabled = true\n"));
    }
    let (sent, parsed) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let in_last = Snapshot::parse_in("toggles.toml", text.as_bytes(), Some("e099999"));
        let _ = sent.send(in_last.map(|s| s.is_enabled("a")));
    });
    let error = parsed
        .recv_timeout(NO_HANG)
        .expect("the parse returns")
        .unwrap_err();
    assert_eq!(error.location().map(|(line, _)| line), Some(1));
    assert!(
        error
            .to_string()
            .contains("declares 100000 environments, more than the 256 a file may declare"),
        "{error}"
    );
}

#[test]
fn a_file_at_the_environment_cap_loads_in_every_environment_without_hanging() {
    // Every environment of a toggle set, on a list of a hundred thousand
    // keys each: each view is the base values with one overlay.
    let declared: Vec<String> = (0..toggles::MAX_ENVIRONMENTS)
        .map(|i| format!("e{i:03}"))
        .collect();
    let keys: Vec<String> = (0..100_000).map(|i| format!("k{i}")).collect();
    let mut text =
        format!("environments = {declared:?}\n\n[toggles.a]\nenabled = false\nallow = {keys:?}\n");
    for name in &declared {
        text.push_str(&format!("env.{name}.enabled = true\n"));
    }
    let (sent, parsed) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let all = Snapshot::parse_all("toggles.toml", text.as_bytes());
        let _ = sent.send(all.map(|(base, views)| {
            let on: Vec<bool> = views.iter().map(|view| view.is_enabled("a")).collect();
            (base.is_enabled_for("a", "k99999"), on)
        }));
    });
    let (base, on) = parsed
        .recv_timeout(NO_HANG)
        .expect("the parse returns")
        .unwrap();
    assert!(base);
    assert_eq!(on, vec![true; toggles::MAX_ENVIRONMENTS]);
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it_all() {
    let fixture = Fixture::new(None);
    let file = fs::File::create(&fixture.path).unwrap();
    file.set_len(1 << 40).unwrap(); // a sparse terabyte
    let error = open(&fixture).unwrap_err();
    assert!(error.to_string().contains("larger than 64 MiB"), "{error}");
}

#[test]
fn deeply_nested_junk_is_an_error_not_a_stack_overflow() {
    for junk in [
        format!("x = {}{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!("x = {}1{}", "{a=".repeat(100_000), "}".repeat(100_000)),
        format!("toggles.{} = 1", vec!["a"; 100_000].join(".")),
        format!("[{}]", vec!["t"; 100_000].join(".")),
        "[".repeat(1 << 20),
    ] {
        let error = Snapshot::parse("toggles.toml", junk.as_bytes()).unwrap_err();
        assert!(error.location().is_some(), "{error}");
    }
}

#[test]
fn a_folder_where_the_file_should_be_is_a_clear_error() {
    let fixture = Fixture::new(None);
    fs::create_dir(&fixture.path).unwrap();
    let error = open(&fixture).unwrap_err();
    assert!(error.to_string().contains("folder"), "{error}");
}

#[test]
fn a_dangling_symlink_is_a_missing_file() {
    let fixture = Fixture::new(None);
    symlink(fixture.dir.path().join("nowhere.toml"), &fixture.path).unwrap();
    let error = open(&fixture).unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error}");
    let store = Store::builder(&fixture.path)
        .watch(false)
        .append_unknown(false)
        .create_if_missing(true)
        .open()
        .unwrap();
    assert_eq!(store.snapshot().toggles().len(), 0);
}

#[test]
fn a_symlink_loop_is_a_clear_error() {
    let fixture = Fixture::new(None);
    symlink(&fixture.path, &fixture.path).unwrap();
    let error = open(&fixture).unwrap_err();
    assert!(matches!(error, Error::Io { .. }), "{error}");
}

#[test]
fn a_bom_and_crlf_line_endings_load() {
    let fixture = Fixture::new(Some(
        "\u{feff}# saved on Windows\r\n[toggles.a]\r\nenabled = true\r\n",
    ));
    let store = open(&fixture).unwrap();
    assert!(store.is_enabled("a"));
    assert_eq!(store.snapshot().get("a").unwrap().line(), 2);
}

#[test]
fn invalid_utf8_and_binary_are_errors_with_a_location() {
    for bytes in [
        &b"[toggles.a]\nenabled = true\n\xc3\x28\n"[..],
        b"\x00\x01\x02\x03",
        b"\xff\xfe[\x00t\x00]\x00", // UTF-16
        b"\x7fELF\x02\x01\x01\x00",
    ] {
        let error = Snapshot::parse("toggles.toml", bytes).unwrap_err();
        assert!(error.location().is_some(), "{error}");
    }
}

#[test]
fn a_fifo_in_the_files_place_is_refused_at_open_without_blocking() {
    // Opening a FIFO for reading waits for a writer: forever, here.
    assert_child_succeeds_within(&mut child("hostile::child_opens_a_fifo"), NO_HANG);
}

/// Run by the test above in a process of its own, which it kills if it hangs.
#[test]
#[ignore = "a child process of other tests"]
fn child_opens_a_fifo() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    let fixture = Fixture::new(None);
    mkfifo(&fixture.path);
    for watch in [false, true] {
        let error = Store::builder(&fixture.path)
            .watch(watch)
            .open()
            .unwrap_err();
        assert!(
            matches!(error, Error::NotAFile { what: "a FIFO", .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("not a regular file"), "{error}");
    }
}

#[test]
fn a_socket_or_a_device_in_the_files_place_is_a_clear_error() {
    let fixture = Fixture::new(None);
    let _listener = std::os::unix::net::UnixListener::bind(&fixture.path).unwrap();
    let error = open(&fixture).unwrap_err();
    assert!(
        matches!(
            error,
            Error::NotAFile {
                what: "a socket",
                ..
            }
        ),
        "{error:?}"
    );
    // `/dev/null` read as an empty file; appends vanished into it.
    let error = Store::builder("/dev/null").watch(false).open().unwrap_err();
    assert!(
        matches!(
            error,
            Error::NotAFile {
                what: "a device",
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn a_fifo_renamed_over_a_watched_file_keeps_the_last_good_version() {
    assert_child_succeeds_within(
        &mut child("hostile::child_watches_a_fifo_renamed_over"),
        NO_HANG,
    );
}

/// Run by the test above in a process of its own, which it kills if it hangs.
#[test]
#[ignore = "a child process of other tests"]
fn child_watches_a_fifo_renamed_over() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    capture_logs();
    let fixture = Fixture::new(Some("[toggles.a]\nenabled = true\n"));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    let fifo = fixture.dir.path().join("fifo");
    mkfifo(&fifo);
    fs::rename(&fifo, &fixture.path).unwrap();
    wait_for("the FIFO is reported", || {
        store
            .last_error()
            .is_some_and(|e| matches!(*e, Error::NotAFile { what: "a FIFO", .. }))
    });
    assert!(store.is_enabled("a"), "the last good version stays");
    assert!(!logged("a FIFO, not a regular file").is_empty());

    let saved = fixture.dir.path().join("saved");
    fs::write(
        &saved,
        "[toggles.a]\nenabled = false\n[toggles.b]\nenabled = true\n",
    )
    .unwrap();
    fs::rename(&saved, &fixture.path).unwrap();
    wait_for("the next regular save is loaded", || {
        store.snapshot().is_enabled("b")
    });
    assert!(!store.is_enabled("a"));
    assert!(store.last_error().is_none());

    let started = Instant::now();
    drop(store);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "dropping the store took {:?}",
        started.elapsed()
    );
}

#[test]
fn an_append_with_a_fifo_in_the_files_place_does_not_hang() {
    assert_child_succeeds_within(&mut child("hostile::child_appends_to_a_fifo"), NO_HANG);
}

/// Run by the test above in a process of its own, which it kills if it hangs.
#[test]
#[ignore = "a child process of other tests"]
fn child_appends_to_a_fifo() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    capture_logs();
    let fixture = Fixture::new(Some("[toggles.a]\nenabled = true\n"));
    let store = Store::builder(&fixture.path).watch(false).open().unwrap();
    let fifo = fixture.dir.path().join("fifo");
    mkfifo(&fifo);
    fs::rename(&fifo, &fixture.path).unwrap();
    assert!(!store.is_enabled("unknown_name"));
    store.flush();
    assert!(store.is_enabled("a"));
    let refused = logged("cannot open the file for appending: it is a FIFO");
    assert_eq!(refused.len(), 1, "{refused:?}");
    drop(store);
}

#[test]
fn hostile_names_cannot_pin_memory_or_flood_the_log() {
    assert_child_succeeds_within(&mut child("hostile::child_checks_hostile_names"), NO_HANG);
}

/// The resident memory of this process, in KiB.
fn rss_kib() -> usize {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line["VmRSS:".len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .unwrap()
}

/// Run by the test above in a process of its own (memory is per process):
/// a service passing request data to `Store::is_enabled`.
#[test]
#[ignore = "a child process of other tests"]
fn child_checks_hostile_names() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    capture_logs();
    let fixture = Fixture::new(Some("[toggles.a]\nenabled = true\n"));
    let store = Store::builder(&fixture.path)
        .watch(false)
        .append_unknown(false)
        .open()
        .unwrap();
    // One buffer per kind, changed in place: the names themselves take no
    // memory that lasts.
    let mut invalid = vec![b' '; 32 << 10];
    let mut valid = vec![b'v'; 255];
    let check = |buffer: &mut Vec<u8>, i: usize| {
        buffer[..8].copy_from_slice(format!("{i:08}").as_bytes());
        assert!(!store.is_enabled(std::str::from_utf8(buffer).unwrap()));
    };
    check(&mut invalid, 0);
    check(&mut valid, 0);
    let before = rss_kib();
    let started = Instant::now();
    for i in 1..12_000 {
        check(&mut invalid, i);
    }
    for i in 1..12_000 {
        check(&mut valid, i);
    }
    // Checked again: no new line, no new memory.
    for i in 0..12_000 {
        check(&mut invalid, i);
    }
    let grown = rss_kib().saturating_sub(before);
    // 1 MiB of valid names, 80 KB of fingerprints, and the tables over them
    // (twice during a merge): a few MiB. It was 316 MiB.
    assert!(grown < 8 << 10, "the store holds {grown} KiB more");
    // One line about invalid names per 10 s (a slow debug build may take
    // more than 10 s here), each at most a few hundred bytes. It was 313 MiB.
    let periods = started.elapsed().as_secs() as usize / 10 + 1;
    let invalid_lines = logged("invalid toggle name");
    assert!(
        invalid_lines.len() <= periods,
        "rate-limited: {invalid_lines:#?}"
    );
    let lines = logged("");
    let text: usize = lines.iter().map(String::len).sum();
    eprintln!(
        "{grown} KiB more memory, {text} bytes in {} log lines",
        lines.len()
    );
    assert!(
        text < (periods + 1) * 512,
        "{text} bytes of log: {lines:#?}"
    );
    assert!(
        invalid_lines[0].contains("… (32768 bytes)"),
        "{}",
        invalid_lines[0]
    );
    assert_eq!(logged("unknown toggle names").len(), 1, "full, once");
    assert!(store.is_enabled("a"));
}

#[test]
fn a_folder_in_the_files_place_on_a_running_store_is_reported_then_cleared() {
    let fixture = Fixture::new(Some("[toggles.a]\nenabled = true\n"));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    let is_a_folder = || {
        store.last_error().is_some_and(|e| {
            matches!(
                *e,
                Error::NotAFile {
                    what: "a folder",
                    ..
                }
            )
        })
    };
    let elsewhere = fixture.dir.path().join("a folder");
    // Made in the file's place, and renamed into it.
    for renamed in [false, true] {
        fs::remove_file(&fixture.path).unwrap();
        if renamed {
            fs::create_dir(&elsewhere).unwrap();
            fs::rename(&elsewhere, &fixture.path).unwrap();
        } else {
            fs::create_dir(&fixture.path).unwrap();
        }
        // Within 1 s: a folder made in place used to be taken for a file
        // being written, and waited on for the 2 s a writer is given to
        // close it (meanwhile `last_error` said nothing).
        wait_within(
            "the folder is reported",
            Duration::from_secs(1),
            is_a_folder,
        );
        assert!(store.is_enabled("a"), "the last good version stays");
        fs::remove_dir(&fixture.path).unwrap();
        fs::write(&fixture.path, "[toggles.a]\nenabled = false\n").unwrap();
        wait_for("the file that came back is loaded", || {
            !store.is_enabled("a")
        });
        assert!(store.last_error().is_none(), "{:?}", store.last_error());
        fs::write(&fixture.path, "[toggles.a]\nenabled = true\n").unwrap();
        wait_for("and the next save", || store.is_enabled("a"));
    }
}

/// `toggles::read_file` reads as a store does: a regular file whole; a
/// folder, a sparse terabyte, a missing file refused with their errors; a
/// FIFO refused without blocking (in a child that is killed if it hangs).
#[test]
fn read_file_reads_regular_files_only_and_at_most_64_mib() {
    let fixture = Fixture::new(Some("[toggles.a]\nenabled = true\n"));
    let contents = toggles::read_file(&fixture.path).unwrap();
    assert_eq!(contents.bytes(), b"[toggles.a]\nenabled = true\n");
    assert!(contents.pending_append().is_none());
    // Through a symlink, as the store follows one.
    let link = fixture.dir.path().join("link.toml");
    symlink(&fixture.path, &link).unwrap();
    assert_eq!(toggles::read_file(&link).unwrap(), contents);

    let error = toggles::read_file(fixture.dir.path()).unwrap_err();
    assert!(
        matches!(
            error,
            Error::NotAFile {
                what: "a folder",
                ..
            }
        ),
        "{error:?}"
    );
    let missing = fixture.dir.path().join("missing.toml");
    let error = toggles::read_file(&missing).unwrap_err();
    assert!(
        matches!(&error, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound),
        "{error:?}"
    );
    let huge = fixture.dir.path().join("huge.toml");
    fs::File::create(&huge).unwrap().set_len(1 << 40).unwrap(); // sparse
    let started = Instant::now();
    let error = toggles::read_file(&huge).unwrap_err();
    assert!(
        matches!(error, Error::TooLarge { limit, .. } if limit == 64 << 20),
        "{error:?}"
    );
    assert!(error.to_string().contains("larger than 64 MiB"), "{error}");
    assert!(started.elapsed() < NO_HANG, "it read the whole sparse file");

    assert_child_succeeds_within(&mut child("hostile::child_reads_a_fifo"), NO_HANG);
}

/// Run by the test above in a process of its own, which it kills if it hangs.
#[test]
#[ignore = "a child process of other tests"]
fn child_reads_a_fifo() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    let fixture = Fixture::new(None);
    mkfifo(&fixture.path);
    let error = toggles::read_file(&fixture.path).unwrap_err();
    assert!(
        matches!(error, Error::NotAFile { what: "a FIFO", .. }),
        "{error:?}"
    );
}
