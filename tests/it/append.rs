//! Unknown names are appended to the file: exactly once, never rewriting a
//! byte of the user's, from threads and from processes.

use std::process::Stdio;
use std::sync::Barrier;

use toggles::{Date, Store};

use crate::support::{Fixture, assert_child_succeeds, capture_logs, child, count, logged, shown};

const USER_FILE: &str = "# my toggles\r\n\n[toggles.kept]   # odd   spacing stays\nenabled=true\n";

fn table(name: &str) -> String {
    format!(
        "\n[toggles.{name}]\nenabled = false\ncreated = {}\n",
        Date::today()
    )
}

#[test]
fn an_unknown_name_is_off_and_appended_exactly() {
    let fixture = Fixture::new(Some("[toggles.kept]\nenabled = true\n"));
    let store = Store::builder(&fixture.path).watch(false).open().unwrap();
    assert!(!store.is_enabled("brand_new"));
    store.flush();
    let expected = format!("[toggles.kept]\nenabled = true\n{}", table("brand_new"));
    assert_eq!(fixture.read(), expected);
    // The store reloaded after its own append: the toggle is now known, off.
    let snapshot = store.snapshot();
    assert!(snapshot.contains("brand_new"));
    assert!(!snapshot.is_enabled("brand_new"));
    assert!(store.is_enabled("kept"));
    // Checking again does not append again.
    assert!(!store.is_enabled("brand_new"));
    store.flush();
    assert_eq!(fixture.read(), expected);
}

/// The file after a check of the unknown `name` against a file holding
/// `text` (or no file), once the append is done.
fn after_checking(text: Option<&str>, name: &str) -> String {
    let fixture = Fixture::new(text);
    let store = Store::builder(&fixture.path)
        .watch(false)
        .create_if_missing(true)
        .open()
        .unwrap();
    assert!(!store.is_enabled(name));
    store.flush();
    fixture.read()
}

#[test]
fn a_missing_file_is_created_by_the_first_append() {
    assert_eq!(after_checking(None, "first"), table("first").trim_start());
}

#[test]
fn a_file_without_a_final_newline_gets_one_first() {
    let text = "[toggles.kept]\nenabled = true # no newline";
    assert_eq!(
        after_checking(Some(text), "next"),
        format!("{text}\n{}", table("next"))
    );
}

#[test]
fn crlf_files_get_crlf_lines() {
    let text = "[toggles.kept]\r\nenabled = true\r\n";
    let expected = format!("{text}{}", table("next").replace('\n', "\r\n"));
    assert_eq!(after_checking(Some(text), "next"), expected);
}

#[test]
fn invalid_names_are_off_logged_once_and_never_written() {
    capture_logs();
    let fixture = Fixture::new(Some(USER_FILE));
    let store = Store::builder(&fixture.path).watch(false).open().unwrap();
    // First: after one line, other invalid names are counted, not logged,
    // for a while (a rate limit; see `hostile::hostile_names_...`).
    let bad = [
        "x]\n[toggles.evil",
        "bad name",
        "a.b",
        "",
        "é",
        &"a".repeat(256),
    ];
    for name in bad {
        for _ in 0..3 {
            assert!(!store.is_enabled(name));
        }
    }
    assert!(!store.is_enabled("good_one"));
    store.flush();
    assert_eq!(
        fixture.read(),
        format!("{USER_FILE}{}", table("good_one").replace('\n', "\r\n"))
    );
    assert_eq!(
        logged("invalid toggle name \"x]\\n[toggles.evil\"").len(),
        1
    );
}

#[test]
fn appending_can_be_turned_off() {
    let fixture = Fixture::new(Some(USER_FILE));
    let store = Store::builder(&fixture.path)
        .watch(false)
        .append_unknown(false)
        .open()
        .unwrap();
    assert!(!store.is_enabled("not_written"));
    store.flush();
    assert_eq!(fixture.read(), USER_FILE);
}

#[test]
fn the_environment_turns_appending_off_for_production() {
    let fixture = Fixture::new(Some(USER_FILE));
    assert_child_succeeds(
        child("append::child_checks_names")
            .env("TOGGLES_APPEND", "off")
            .env("CHILD_FILE", &fixture.path)
            .env("CHILD_NAMES", "a,b,c"),
    );
    assert_eq!(fixture.read(), USER_FILE);
}

#[test]
fn a_write_failure_is_logged_once_and_checks_go_on() {
    capture_logs();
    let fixture = Fixture::new(None);
    // A link into a folder that does not exist: reads find nothing, and
    // creating the file fails, even for root.
    std::os::unix::fs::symlink(fixture.dir.path().join("gone/toggles.toml"), &fixture.path)
        .unwrap();
    let store = Store::builder(&fixture.path)
        .watch(false)
        .create_if_missing(true)
        .open()
        .unwrap();
    for name in ["one", "two", "three"] {
        assert!(!store.is_enabled(name));
        store.flush();
    }
    let needle = format!(
        "{}: cannot write the append record",
        shown(&fixture.dir.path().join("gone/.toggles.toml.append"))
    );
    assert_eq!(logged(&needle).len(), 1, "{:?}", logged("cannot"));
}

#[test]
fn an_append_leaves_nothing_beside_the_file() {
    let fixture = Fixture::new(Some(USER_FILE));
    let store = Store::open(&fixture.path).unwrap();
    for name in ["one", "two"] {
        assert!(!store.is_enabled(name));
        store.flush();
    }
    let text = fixture.read();
    assert_eq!(count(&text, "[toggles.one]"), 1, "{text}");
    assert_eq!(count(&text, "[toggles.two]"), 1, "{text}");
    let entries: Vec<_> = std::fs::read_dir(fixture.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["toggles.toml"], "the append record is removed");
}

#[test]
fn an_append_record_that_cannot_be_written_is_logged_once_and_checks_go_on() {
    capture_logs();
    let fixture = Fixture::new(Some(USER_FILE));
    // A folder where the record goes: neither root nor anyone can write it
    // (a read-only folder would not stop root).
    let record = fixture.dir.path().join(".toggles.toml.append");
    std::fs::create_dir(&record).unwrap();
    std::fs::write(record.join("x"), "").unwrap();
    let store = Store::builder(&fixture.path).watch(false).open().unwrap();
    assert!(store.is_enabled("kept"));
    for name in ["one", "two", "three"] {
        assert!(!store.is_enabled(name));
        store.flush();
    }
    assert!(store.is_enabled("kept"));
    assert_eq!(fixture.read(), USER_FILE, "nothing was written");
    let needle = format!("{}: cannot read the append record", shown(&record));
    let appends = logged(&needle)
        .into_iter()
        .filter(|l| l.contains("not appended"))
        .count();
    assert_eq!(appends, 1, "{:?}", logged(&needle));
}

#[test]
fn a_file_that_does_not_parse_is_not_appended_to_until_it_does() {
    let fixture = Fixture::new(Some("[toggles.kept]\nenabled = true\n"));
    let store = Store::builder(&fixture.path).watch(false).open().unwrap();
    // The user is mid-save: the file is broken for a moment.
    std::fs::write(&fixture.path, "[toggles.kept\n").unwrap();
    assert!(!store.is_enabled("waits"));
    store.flush();
    assert_eq!(fixture.read(), "[toggles.kept\n");
    // The good version arrives; the next reload lets the name through.
    std::fs::write(&fixture.path, "[toggles.kept]\nenabled = false\n").unwrap();
    store.reload().unwrap();
    assert!(!store.is_enabled("another"));
    store.flush();
    let text = fixture.read();
    assert!(
        text.starts_with("[toggles.kept]\nenabled = false\n"),
        "{text}"
    );
    assert_eq!(count(&text, "[toggles.waits]"), 1, "{text}");
    assert_eq!(count(&text, "[toggles.another]"), 1, "{text}");
}

#[test]
fn many_threads_append_each_name_exactly_once() {
    let fixture = Fixture::new(Some(USER_FILE));
    let store = Store::builder(&fixture.path).watch(false).open().unwrap();
    let threads = 8;
    let barrier = Barrier::new(threads);
    std::thread::scope(|s| {
        for t in 0..threads {
            let (store, barrier) = (&store, &barrier);
            s.spawn(move || {
                barrier.wait();
                for i in 0..40 {
                    assert!(!store.is_enabled(&format!("shared_{i}")));
                    assert!(!store.is_enabled(&format!("own_{t}_{i}")));
                }
            });
        }
    });
    store.flush();
    let text = fixture.read();
    assert!(text.starts_with(USER_FILE));
    for i in 0..40 {
        assert_eq!(count(&text, &format!("[toggles.shared_{i}]\r\n")), 1);
        for t in 0..threads {
            assert_eq!(count(&text, &format!("[toggles.own_{t}_{i}]\r\n")), 1);
        }
    }
    assert_eq!(store.snapshot().toggles().len(), 1 + 40 + 40 * threads);
}

#[test]
fn many_processes_append_each_name_exactly_once() {
    let fixture = Fixture::new(Some(USER_FILE));
    let children: Vec<_> = (0..4)
        .map(|p| {
            let names: Vec<String> = (0..30)
                .map(|i| format!("shared_{i}"))
                .chain((0..10).map(|i| format!("proc_{p}_{i}")))
                .collect();
            child("append::child_checks_names")
                .env("CHILD_FILE", &fixture.path)
                .env("CHILD_NAMES", names.join(","))
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let text = fixture.read();
    assert!(text.starts_with(USER_FILE), "the user's bytes are a prefix");
    for i in 0..30 {
        assert_eq!(
            count(&text, &format!("[toggles.shared_{i}]\r\n")),
            1,
            "{text}"
        );
    }
    for p in 0..4 {
        for i in 0..10 {
            assert_eq!(
                count(&text, &format!("[toggles.proc_{p}_{i}]\r\n")),
                1,
                "{text}"
            );
        }
    }
    let store = Store::builder(&fixture.path).watch(false).open().unwrap();
    assert_eq!(store.snapshot().toggles().len(), 1 + 30 + 40);
}

/// Run by the tests above as a child process: checks the names in
/// `CHILD_NAMES` against the store at `CHILD_FILE`, then flushes.
#[test]
#[ignore = "a child process of other tests"]
fn child_checks_names() {
    if !crate::support::is_child() {
        return; // see `support::is_child`
    }
    let path = std::env::var("CHILD_FILE").expect("CHILD_FILE");
    let names = std::env::var("CHILD_NAMES").expect("CHILD_NAMES");
    let store = Store::builder(&path).watch(false).open().unwrap();
    for name in names.split(',') {
        assert!(!store.is_enabled(name));
    }
    store.flush();
}

#[test]
fn no_append_lands_in_a_file_an_editor_has_just_truncated() {
    let fixture = Fixture::new(Some(USER_FILE));
    let store = Store::builder(&fixture.path).watch(false).open().unwrap();
    // An in-place save, caught between its truncate and its write.
    let editor = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&fixture.path)
        .unwrap();
    assert!(!store.is_enabled("queued_mid_save"));
    store.flush();
    assert_eq!(
        fixture.read(),
        "",
        "nothing was appended to the emptied file"
    );
    // The editor finishes; the next good version lets the name through.
    std::io::Write::write_all(&mut &editor, USER_FILE.as_bytes()).unwrap();
    drop(editor);
    store.reload().unwrap();
    assert!(!store.is_enabled("another"));
    store.flush();
    let text = fixture.read();
    assert!(text.starts_with(USER_FILE), "{text:?}");
    assert_eq!(count(&text, "[toggles.queued_mid_save]"), 1, "{text:?}");
}

#[test]
fn an_append_that_would_break_the_file_is_refused() {
    // Valid, but laid out so that no `[toggles.NAME]` table may follow: the
    // toggles are an inline table. Appending would make the file invalid.
    let text = "toggles = { kept = { enabled = true } }\n";
    let fixture = Fixture::new(Some(text));
    let store = Store::builder(&fixture.path).watch(false).open().unwrap();
    assert!(store.is_enabled("kept"));
    assert!(!store.is_enabled("would_break_it"));
    assert!(store.flush_timeout(std::time::Duration::from_secs(10)));
    assert_eq!(fixture.read(), text, "not a byte was written");
    assert!(store.is_enabled("kept"), "the version in use stays");
    assert!(store.last_error().is_none(), "the file itself is fine");
}

#[test]
fn a_missing_file_is_created_with_the_new_tables_also_through_a_link() {
    // Never an empty file: the first append creates it holding its tables.
    let fixture = Fixture::new(None);
    let store = Store::builder(&fixture.path)
        .watch(false)
        .create_if_missing(true)
        .open()
        .unwrap();
    assert!(!store.is_enabled("first_ever"));
    assert!(store.flush_timeout(std::time::Duration::from_secs(10)));
    assert_eq!(fixture.read(), table("first_ever").trim_start());
    // A link to a file that does not exist yet is created through.
    let target_dir = tempfile::tempdir().unwrap();
    let target = target_dir.path().join("real.toml");
    let link = fixture.dir.path().join("linked.toml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let store = Store::builder(&link)
        .watch(false)
        .create_if_missing(true)
        .open()
        .unwrap();
    assert!(!store.is_enabled("through_the_link"));
    assert!(store.flush_timeout(std::time::Duration::from_secs(10)));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        table("through_the_link").trim_start()
    );
}
