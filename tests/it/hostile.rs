//! Hostile files: huge, deep, binary, odd encodings, not a file at all. Each
//! loads or gives a clear error; none panics or hangs.

use std::fs;
use std::os::unix::fs::symlink;

use toggles::{Error, Snapshot, Store};

use crate::support::Fixture;

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
    let store = open(&fixture).unwrap();
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
