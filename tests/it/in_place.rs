//! Saves written in place, slowly: a version is published only when the
//! writer is done with it, so nothing flips during a save, and the library
//! never appends into a save in progress.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use toggles::{Changes, Snapshot, Store};

use crate::support::{Fixture, count, wait_for};

/// A file of `n` toggles, all on, the last one `z_last`; `revision` is
/// written into a description so each version differs.
fn many_on(n: usize, revision: u32) -> String {
    let mut text = format!("# revision {revision}\n");
    for i in 0..n {
        text.push_str(&format!(
            "\n[toggles.t{i:05}]\nenabled = true\ndescription = \"toggle number {i} of the file\"\n"
        ));
    }
    text.push_str("\n[toggles.z_last]\nenabled = true\n");
    text
}

/// Every change any reload published, in order.
fn record_changes(store: &Store) -> (Arc<Mutex<Vec<String>>>, toggles::Subscription) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let subscription = store.subscribe(move |changes: &Changes| {
        sink.lock().unwrap().push(changes.to_string());
    });
    (seen, subscription)
}

/// Writes `text` in place (truncate, then write) in chunks of about `chunk`
/// bytes with `pause` between them, as a slow disk or a network file system
/// does. Each chunk ends after a whole table: the worst case, where every
/// cut parses.
fn write_slowly(path: &std::path::Path, text: &str, chunk: usize, pause: Duration) {
    let mut file = OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .unwrap();
    let mut rest = text;
    let mut first = true;
    while !rest.is_empty() {
        let end = match rest[chunk.min(rest.len())..].find("\n[") {
            Some(i) => chunk.min(rest.len()) + i + 1,
            None => rest.len(),
        };
        if !first {
            // The writer's own pace: the scenario under test, not a wait.
            std::thread::sleep(pause);
        }
        first = false;
        file.write_all(&rest.as_bytes()[..end]).unwrap();
        rest = &rest[end..];
    }
    file.sync_all().unwrap();
    drop(file);
}

#[test]
fn a_slow_in_place_save_never_publishes_a_cut_version() {
    // 4 KiB chunks 30 ms apart: every cut after a whole table parses.
    let fixture = Fixture::new(Some(&many_on(400, 0)));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    let (published, _subscription) = record_changes(&store);
    let next = many_on(400, 1).replace(
        "[toggles.z_last]\nenabled = true",
        "[toggles.z_last]\nenabled = true\n\n[toggles.arrived]\nenabled = true",
    );
    assert!(next.len() > 5 * 4096, "the save spans several chunks");
    write_slowly(&fixture.path, &next, 4096, Duration::from_millis(30));
    wait_for("the complete save is published", || {
        !published.lock().unwrap().is_empty()
    });
    assert!(store.is_enabled("arrived") && store.is_enabled("z_last"));
    let published = published.lock().unwrap().clone();
    assert_eq!(
        published,
        ["1 added"],
        "exactly one version was published: the complete one"
    );
}

#[test]
fn a_two_chunk_save_with_a_pause_flips_nothing_during_the_pause() {
    let before = "[toggles.a]\nenabled = true\n\n[toggles.b]\nenabled = true\n";
    let after =
        "[toggles.a]\nenabled = true\n\n[toggles.b]\nenabled = true\ndescription = \"saved\"\n";
    let fixture = Fixture::new(Some(before));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    let (published, _subscription) = record_changes(&store);
    // The first chunk ends after `a`'s table: it parses, and lacks `b`.
    let cut = after.find("\n[toggles.b]").unwrap() + 1;
    let mut file = OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&fixture.path)
        .unwrap();
    file.write_all(&after.as_bytes()[..cut]).unwrap();
    // The pause: longer than any settle. `b` must stay on throughout.
    let pause_ends = std::time::Instant::now() + Duration::from_millis(200);
    while std::time::Instant::now() < pause_ends {
        assert!(store.is_enabled("b"), "b flipped off mid-save");
        std::thread::sleep(Duration::from_millis(1));
    }
    file.write_all(&after.as_bytes()[cut..]).unwrap();
    drop(file);
    wait_for("the complete save is visible", || {
        store
            .snapshot()
            .get("b")
            .is_some_and(|b| b.description() == Some("saved"))
    });
    assert!(
        published.lock().unwrap().is_empty(),
        "no reload changed a state: {:?}",
        published.lock().unwrap()
    );
}

#[test]
fn no_append_lands_in_a_save_in_progress() {
    // The library appended `new_feature` earlier; the user now saves the
    // file in place with `new_feature` switched on, and pauses after the
    // first chunk, which lacks it. The store must not append it again into
    // the middle of that save.
    let user = "# mine\n[toggles.kept]\nenabled = true\n";
    let fixture = Fixture::new(Some(user));
    let store = Store::open(&fixture.path).unwrap();
    assert!(!store.is_enabled("new_feature"));
    store.flush();
    let appended = fixture.read();
    assert_eq!(count(&appended, "[toggles.new_feature]"), 1);
    let saved = appended.replace(
        "[toggles.new_feature]\nenabled = false",
        "[toggles.new_feature]\nenabled = true",
    );
    let cut = saved.find("\n[toggles.new_feature]").unwrap() + 1;
    let mut file = OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&fixture.path)
        .unwrap();
    file.write_all(&saved.as_bytes()[..cut]).unwrap();
    std::thread::sleep(Duration::from_millis(200)); // the user's pause
    file.write_all(&saved.as_bytes()[cut..]).unwrap();
    drop(file);
    wait_for("the user's save is visible", || {
        store.is_enabled("new_feature")
    });
    store.flush();
    let text = fixture.read();
    assert_eq!(text, saved, "the user's bytes, and only those");
    Snapshot::parse(&fixture.path, text.as_bytes()).expect("the file parses");
}

#[test]
fn a_file_kept_open_by_its_writer_is_published_once_it_stops_changing() {
    // A writer that never closes: no close will say it is done, so the
    // store falls back to reading after a quiet time, and publishes only
    // content that stayed the same.
    let fixture = Fixture::new(Some("[toggles.a]\nenabled = false\n"));
    let store = Store::builder(&fixture.path)
        .append_unknown(false)
        .open()
        .unwrap();
    let mut file: File = OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&fixture.path)
        .unwrap();
    file.write_all(b"[toggles.a]\nenabled = true\n").unwrap();
    wait_for("the content is published though the file is open", || {
        store.is_enabled("a")
    });
    drop(file);
    assert!(fs::read_to_string(&fixture.path).unwrap().contains("true"));
}

#[test]
fn an_append_holds_back_while_the_file_was_just_modified() {
    // An editor saving in place may write in several steps; a file modified
    // less than 40 ms ago (by someone else) is left alone for that long.
    // Here the editor rewrites the same bytes, so the version in use is
    // still the one on disk and only the hold-back can delay the append.
    let user = "# mine\n[toggles.kept]\nenabled = true\n";
    let fixture = Fixture::new(Some(user));
    let store = Store::builder(&fixture.path).watch(false).open().unwrap();
    fs::write(&fixture.path, user).unwrap();
    let user_saved = fs::metadata(&fixture.path).unwrap().modified().unwrap();
    assert!(!store.is_enabled("held_back"));
    assert!(store.flush_timeout(Duration::from_secs(10)));
    let text = fixture.read();
    assert_eq!(count(&text, "[toggles.held_back]"), 1, "{text}");
    let appended = fs::metadata(&fixture.path).unwrap().modified().unwrap();
    let waited = appended.duration_since(user_saved).unwrap();
    // Modification times come from a coarse clock (a tick of a few ms), the
    // hold-back's own clock is fine-grained: allow one tick.
    assert!(
        waited >= Duration::from_millis(30),
        "appended {waited:?} after the editor's write"
    );
}
