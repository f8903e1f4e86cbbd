//! The edit commands: `on`, `off`, `follow`, `release`, `add`, `assign`.
//!
//! Each test states the whole expected file: every byte the edit should not
//! touch is compared too.

use std::fs;
use std::path::Path;

use crate::common::{edited, expect, folder_with, read, run_ok, today};

/// Comments everywhere, odd spacing, indentation, dotted keys, an inline
/// table, a literal string, blank lines and a trailing comment.
const MESSY: &str = r#"# Toggles of the shop.   
#   keep this comment, and the spaces above

[releases.checkout-v2]  # the big one
description = "New checkout flow"
enabled = false   # flip when ready

[toggles]
dotted.enabled = false
inline = { release = "checkout-v2" }

  # indented comment
[toggles.new_cart]
    description = 'Cart drawer'   
    release="checkout-v2"
    created = 2026-11-24


[toggles.dark_mode]
# why it is on
enabled = true
created = 2020-01-01 # old

# trailing comment
"#;

#[test]
fn on_and_off_change_only_the_values() {
    let (dir, path) = folder_with(MESSY);
    let out = run_ok(dir.path(), &["on", "dark_mode", "dotted", "inline"]);
    assert!(
        out.stdout.contains("dark_mode: already ON\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("dotted: OFF → ON (set on the toggle itself)\n"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read(&path),
        edited(
            MESSY,
            &[
                ("dotted.enabled = false", "dotted.enabled = true"),
                (
                    r#"inline = { release = "checkout-v2" }"#,
                    r#"inline = { release = "checkout-v2", enabled = true }"#
                ),
            ]
        )
    );

    run_ok(dir.path(), &["off", "dark_mode"]);
    run_ok(dir.path(), &["on", "new_cart"]);
    assert_eq!(
        read(&path),
        edited(
            MESSY,
            &[
                ("dotted.enabled = false", "dotted.enabled = true"),
                (
                    r#"inline = { release = "checkout-v2" }"#,
                    r#"inline = { release = "checkout-v2", enabled = true }"#
                ),
                (
                    "# why it is on\nenabled = true",
                    "# why it is on\nenabled = false"
                ),
                // A new key goes last in its table, indented like its neighbours.
                (
                    "    created = 2026-11-24\n",
                    "    created = 2026-11-24\n    enabled = true\n"
                ),
            ]
        )
    );
}

#[test]
fn release_on_keeps_the_trailing_comment_and_reports_members() {
    let (dir, path) = folder_with(MESSY);
    run_ok(dir.path(), &["off", "new_cart"]);
    let out = run_ok(dir.path(), &["release", "on", "checkout-v2"]);
    assert!(
        out.stdout.contains("release checkout-v2: OFF → ON\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("  1 of 2 toggles enabled\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("  new_cart stays OFF: its own `enabled = false` wins"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read(&path),
        edited(
            MESSY,
            &[
                (
                    "enabled = false   # flip when ready",
                    "enabled = true   # flip when ready"
                ),
                (
                    "    created = 2026-11-24\n",
                    "    created = 2026-11-24\n    enabled = false\n"
                ),
            ]
        )
    );
    let out = run_ok(dir.path(), &["release", "on", "checkout-v2"]);
    assert!(
        out.stdout.contains("already ON") && out.stdout.contains("nothing to change"),
        "{}",
        out.stdout
    );
}

#[test]
fn follow_drops_the_own_state_but_keeps_the_comment_above_it() {
    let (dir, path) = folder_with(MESSY);
    let out = run_ok(dir.path(), &["follow", "dark_mode"]);
    assert!(
        out.stdout.contains("dark_mode: ON → OFF (off by default"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read(&path),
        edited(
            MESSY,
            &[("# why it is on\nenabled = true\n", "# why it is on\n")]
        )
    );

    run_ok(dir.path(), &["on", "new_cart"]);
    let out = run_ok(dir.path(), &["follow", "new_cart"]);
    assert!(
        out.stdout
            .contains("new_cart: ON → OFF (follows release checkout-v2)"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read(&path),
        edited(
            MESSY,
            &[("# why it is on\nenabled = true\n", "# why it is on\n")]
        )
    );
}

#[test]
fn add_appends_a_table_after_the_other_toggles() {
    let (dir, path) = folder_with(MESSY);
    let out = run_ok(
        dir.path(),
        &[
            "add",
            "brand_new",
            "--release",
            "checkout-v2",
            "-d",
            r#"Say "hi" \ there"#,
        ],
    );
    assert!(
        out.stdout
            .contains("brand_new: added, OFF (toggles.toml:24)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("  follows release checkout-v2"),
        "{}",
        out.stdout
    );
    let table = format!(
        "\n[toggles.brand_new]\ndescription = 'Say \"hi\" \\ there'\nrelease = \"checkout-v2\"\ncreated = {}\n",
        today()
    );
    let expected = edited(
        MESSY,
        &[(
            "created = 2020-01-01 # old\n",
            &format!("created = 2020-01-01 # old\n{table}"),
        )],
    );
    assert_eq!(read(&path), expected);
    let snapshot = toggles::Snapshot::parse("t", read(&path).as_bytes()).unwrap();
    assert_eq!(
        snapshot.get("brand_new").unwrap().description(),
        Some(r#"Say "hi" \ there"#)
    );

    // Without a release it is written off; with --on, on.
    run_ok(dir.path(), &["add", "plain"]);
    run_ok(dir.path(), &["add", "lit", "--on"]);
    let text = read(&path);
    assert!(
        text.contains(&format!(
            "[toggles.plain]\nenabled = false\ncreated = {}\n",
            today()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "[toggles.lit]\nenabled = true\ncreated = {}\n",
            today()
        )),
        "{text}"
    );

    // Adding an existing name is refused, and so is an unknown release.
    let before = read(&path);
    let out = expect(dir.path(), &["add", "dark_mode"], 1);
    assert!(
        out.stderr
            .contains("toggle `dark_mode` already exists (toggles.toml:19)"),
        "{}",
        out.stderr
    );
    let out = expect(dir.path(), &["add", "x", "--release", "nope"], 1);
    assert!(
        out.stderr.contains("no release `nope`") && out.stderr.contains("--create"),
        "{}",
        out.stderr
    );
    assert_eq!(read(&path), before);
}

#[test]
fn assign_sets_the_release_and_create_makes_what_is_missing() {
    let (dir, path) = folder_with(MESSY);
    let out = run_ok(dir.path(), &["assign", "dark_mode", "checkout-v2"]);
    assert!(
        out.stdout
            .contains("dark_mode: now in release checkout-v2, ON (set on the toggle itself"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("`toggles follow dark_mode` lets the release decide"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read(&path),
        edited(
            MESSY,
            &[(
                "created = 2020-01-01 # old\n",
                "created = 2020-01-01 # old\nrelease = \"checkout-v2\"\n"
            )]
        )
    );

    let before = read(&path);
    let out = expect(dir.path(), &["assign", "dark_mode", "beta"], 1);
    assert!(out.stderr.contains("no release `beta`"), "{}", out.stderr);
    assert_eq!(read(&path), before, "a refused edit writes nothing");

    run_ok(dir.path(), &["assign", "dark_mode", "beta", "--create"]);
    let text = read(&path);
    // The new release goes after the last release, before the toggles.
    assert!(
        text.contains(
            "enabled = false   # flip when ready\n\n[releases.beta]\nenabled = false\n\n[toggles]\n"
        ),
        "{text}"
    );
    assert!(text.contains("release = \"beta\"\n"), "{text}");
}

#[test]
fn unknown_names_are_refused_unless_created() {
    let (dir, path) = folder_with(MESSY);
    for args in [
        &["on", "dark_mode", "nope"][..],
        &["off", "nope"],
        &["follow", "nope"],
        &["release", "on", "nope"],
    ] {
        let out = expect(dir.path(), args, 1);
        assert!(out.stderr.contains("`nope`"), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("help:"), "{args:?}: {}", out.stderr);
        assert_eq!(read(&path), MESSY, "{args:?} must not write");
    }
    let out = expect(dir.path(), &["off", "dark_mod"], 1);
    assert!(
        out.stderr.contains("did you mean `dark_mode`?"),
        "{}",
        out.stderr
    );

    run_ok(dir.path(), &["on", "nope", "--create"]);
    run_ok(dir.path(), &["release", "off", "later", "--create"]);
    let snapshot = toggles::Snapshot::parse("t", read(&path).as_bytes()).unwrap();
    assert!(snapshot.get("nope").unwrap().is_enabled());
    assert_eq!(snapshot.get("nope").unwrap().created(), Some(today()));
    assert!(!snapshot.release("later").unwrap().is_enabled());
    // Invalid names never get as far as the file: a usage error.
    assert_eq!(expect(dir.path(), &["on", "a.b", "--create"], 2).code, 2);
}

#[test]
fn an_invalid_file_is_never_edited() {
    let text = "[toggles.a]\nenabled = yes\n";
    let (dir, path) = folder_with(text);
    let out = expect(dir.path(), &["on", "a"], 1);
    assert!(out.stderr.contains("toggles.toml:2:11"), "{}", out.stderr);
    assert!(out.stderr.contains("fix the file first"), "{}", out.stderr);
    assert_eq!(read(&path), text);
}

#[test]
fn crlf_and_a_byte_order_mark_are_kept() {
    let text = "\u{feff}# windows\r\n[toggles.a]\r\nenabled = false # c\r\ncreated = 2026-01-01\r\n\r\n[toggles.b]\r\n";
    let (dir, path) = folder_with(text);
    run_ok(dir.path(), &["on", "a"]);
    assert_eq!(
        read(&path),
        text.replace("enabled = false # c", "enabled = true # c")
    );
    run_ok(dir.path(), &["on", "b"]);
    assert_eq!(
        read(&path),
        text.replace("enabled = false # c", "enabled = true # c") + "enabled = true\r\n"
    );
}

/// A file of both line ends (pasted from two editors): an edit rewrites
/// only the lines it changes, each untouched line keeps its own end, a
/// changed one the end it had, and an added one the end of the line above.
#[test]
fn a_file_of_crlf_and_lf_lines_keeps_each_lines_end() {
    let text = "# windows\r\n[toggles.a]\nenabled = false\r\ncreated = 2026-01-01\n\r\n\
                [toggles.b]\r\ndescription = \"b\"\n\n[toggles.c]\nenabled = true\r\n";
    let (dir, path) = folder_with(text);
    run_ok(dir.path(), &["on", "a"]);
    let on = text.replace("enabled = false\r\n", "enabled = true\r\n");
    assert_eq!(read(&path), on);
    run_ok(dir.path(), &["on", "b"]);
    let on = on.replace(
        "description = \"b\"\n",
        "description = \"b\"\nenabled = true\n",
    );
    assert_eq!(read(&path), on);
    run_ok(dir.path(), &["off", "c"]);
    assert_eq!(
        read(&path),
        on.replace(
            "[toggles.c]\nenabled = true\r\n",
            "[toggles.c]\nenabled = false\r\n"
        )
    );
}

#[test]
fn add_starts_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    run_ok(
        dir.path(),
        &["add", "first", "--description", "The first one"],
    );
    let text = read(&dir.path().join("toggles.toml"));
    let snapshot = toggles::Snapshot::parse("t", text.as_bytes()).unwrap();
    assert_eq!(
        snapshot.get("first").unwrap().description(),
        Some("The first one")
    );
    // Other edits do not create a file.
    let other = tempfile::tempdir().unwrap();
    let out = expect(other.path(), &["on", "x", "--file", "none.toml"], 1);
    assert!(
        out.stderr.contains("no toggles file at none.toml"),
        "{}",
        out.stderr
    );
    assert!(!other.path().join("none.toml").exists());
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_is_edited_through_the_link_and_stays_a_link() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared");
    let app = dir.path().join("app");
    fs::create_dir_all(&shared).unwrap();
    fs::create_dir_all(&app).unwrap();
    let target = shared.join("real-toggles.toml");
    fs::write(&target, MESSY).unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
    let link = app.join("toggles.toml");
    std::os::unix::fs::symlink("../shared/real-toggles.toml", &link).unwrap();

    run_ok(&app, &["off", "dark_mode"]);

    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    assert_eq!(
        fs::read_link(&link).unwrap(),
        Path::new("../shared/real-toggles.toml")
    );
    let expected = edited(
        MESSY,
        &[(
            "# why it is on\nenabled = true",
            "# why it is on\nenabled = false",
        )],
    );
    assert_eq!(read(&target), expected);
    assert_eq!(
        fs::metadata(&target).unwrap().permissions().mode() & 0o777,
        0o640,
        "permissions kept"
    );
    // No temporary file is left behind, beside the link or the target.
    for folder in [&shared, &app] {
        let names: Vec<_> = fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}

/// The CLI re-reads the file under the library's lock: an append made by
/// the library (or anyone holding the lock) while the CLI waits is kept.
#[cfg(target_os = "linux")]
#[test]
fn the_edit_waits_for_the_lock_and_keeps_what_was_written_meanwhile() {
    use std::io::Write;
    let (dir, path) = folder_with("[toggles.a]\nenabled = false\n");
    let real = fs::canonicalize(&path).unwrap();
    let lock = toggles::lock::FileLock::acquire(&real).unwrap();
    let mut child = crate::common::command(dir.path(), &["on", "a"])
        .spawn()
        .unwrap();

    // Wait until the CLI has opened the folder to lock it (its file
    // descriptors show it): from then on it is blocked on our lock.
    let folder = real.parent().unwrap().to_path_buf();
    let fds = format!("/proc/{}/fd", child.id());
    loop {
        let holds_folder = fs::read_dir(&fds)
            .map(|entries| {
                entries
                    .flatten()
                    .any(|e| fs::read_link(e.path()).is_ok_and(|p| p == folder))
            })
            .unwrap_or(false);
        if holds_folder {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the CLI finished without waiting for the lock"
        );
        std::thread::yield_now();
    }
    fs::OpenOptions::new()
        .append(true)
        .open(&real)
        .unwrap()
        .write_all(b"\n[toggles.appended]\nenabled = false\n")
        .unwrap();
    drop(lock);

    assert!(child.wait().unwrap().success());
    assert_eq!(
        read(&path),
        "[toggles.a]\nenabled = true\n\n[toggles.appended]\nenabled = false\n"
    );
}

/// A running application sees the edit through hot reload.
#[test]
fn a_running_store_picks_the_edit_up() {
    let (dir, path) = folder_with("[toggles.a]\nenabled = false\n");
    let store = toggles::Store::builder(&path)
        .append_unknown(false)
        .open()
        .unwrap();
    let (sender, changes) = std::sync::mpsc::channel();
    let _subscription = store.subscribe(move |change| {
        let _ = sender.send(change.to_string());
    });
    assert!(!store.is_enabled("a"));
    run_ok(dir.path(), &["on", "a"]);
    let change = changes
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("a reload");
    assert_eq!(change, "a off→on");
    assert!(store.is_enabled("a"));
}

/// A help line suggests only what the command accepts: wherever it says
/// `--create`, the same command line with `--create` is not a usage error.
#[test]
fn unknown_names_suggest_only_what_the_command_accepts() {
    let (dir, path) = folder_with(MESSY);
    let out = expect(dir.path(), &["follow", "dark_mod"], 1);
    assert!(
        out.stderr.contains("did you mean `dark_mode`?"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("--create"), "{}", out.stderr);
    let out = expect(dir.path(), &["follow", "nothing_like_it"], 1);
    assert!(out.stderr.contains("help:"), "{}", out.stderr);
    assert!(!out.stderr.contains("--create"), "{}", out.stderr);

    for args in [
        &["on", "dark_mod"][..],
        &["off", "nothing_like_it"],
        &["follow", "dark_mod"],
        &["release", "on", "checkout_v2"],
        &["assign", "dark_mod", "checkout-v2"],
        &["assign", "dark_mode", "checkout"],
        &["add", "x", "--release", "checkout_v2"],
    ] {
        let out = expect(dir.path(), args, 1);
        if out.stderr.contains("--create") {
            let check = tempfile::tempdir().unwrap();
            fs::write(check.path().join("toggles.toml"), MESSY).unwrap();
            let mut with_create = args.to_vec();
            with_create.push("--create");
            let again = crate::common::run(check.path(), &with_create);
            assert_ne!(
                again.code, 2,
                "{args:?} suggests --create, which it does not accept:\n{}\n{}",
                out.stderr, again.stderr
            );
        }
    }
    assert_eq!(read(&path), MESSY);
}

/// Every command that takes a release name suggests a close one, before
/// any hint to create the typo.
#[test]
fn release_names_get_a_did_you_mean_before_any_create_hint() {
    let (dir, path) = folder_with(MESSY);
    for args in [
        &["release", "on", "checkout_v2"][..],
        &["release", "off", "checkout"],
        &["assign", "dark_mode", "checkout"],
        &["assign", "dark_mode", "checkout_v2"],
        &["add", "x", "--release", "checkout-v3"],
        &["list", "--release", "checkout"],
    ] {
        let out = expect(dir.path(), args, 1);
        let Some(mean) = out.stderr.find("did you mean `checkout-v2`?") else {
            panic!("{args:?}: no did you mean:\n{}", out.stderr);
        };
        if let Some(create) = out.stderr.find("--create") {
            assert!(mean < create, "{args:?}:\n{}", out.stderr);
        }
    }
    assert_eq!(read(&path), MESSY, "a refused edit writes nothing");
}

/// A file whose mode has no write bit for its owner is refused by every
/// edit that would replace it, unless `--force`; forced, it keeps its mode
/// and owner. Decided by the mode bits, so it holds for root too.
#[cfg(unix)]
#[test]
fn a_read_only_file_is_replaced_only_with_force() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let (dir, path) = folder_with(MESSY);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let before = fs::metadata(&path).unwrap();
    let edits: [&[&str]; 7] = [
        &["on", "dotted"],
        &["off", "dark_mode"],
        &["follow", "dark_mode"],
        &["release", "on", "checkout-v2"],
        &["add", "brand_new"],
        &["assign", "dark_mode", "checkout-v2"],
        &["on", "new_one", "--create"],
    ];
    for args in edits {
        let out = expect(dir.path(), args, 1);
        assert!(
            out.stderr.contains("toggles.toml is read-only") && out.stderr.contains("--force"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        let now = fs::metadata(&path).unwrap();
        assert_eq!(read(&path), MESSY, "{args:?} must not write");
        assert_eq!(
            now.ino(),
            before.ino(),
            "{args:?} must not replace the file"
        );
        assert_eq!(now.mode(), before.mode());
    }
    // Nothing to write, nothing refused.
    let out = run_ok(dir.path(), &["on", "dark_mode"]);
    assert!(out.stdout.contains("nothing to change"), "{}", out.stdout);

    // Every edit command takes --force; the file keeps its mode and owner.
    for args in edits {
        let mut forced = args.to_vec();
        forced.push("--force");
        run_ok(dir.path(), &forced);
        let now = fs::metadata(&path).unwrap();
        assert_eq!(now.mode() & 0o7777, 0o444, "{forced:?} keeps the mode");
        assert_eq!((now.uid(), now.gid()), (before.uid(), before.gid()));
    }
    let snapshot = toggles::Snapshot::parse("t", read(&path).as_bytes()).unwrap();
    assert!(snapshot.get("brand_new").is_some() && snapshot.get("new_one").is_some());
    assert_eq!(
        snapshot.get("dark_mode").unwrap().release(),
        Some("checkout-v2")
    );

    // A file its owner may write is edited without --force.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    run_ok(dir.path(), &["off", "dotted"]);
}

/// A name before its command (`toggles release checkout-v2 on`) is a usage
/// error that says the order that works, and changes nothing.
#[test]
fn a_name_before_its_command_gets_the_order_that_works() {
    let (dir, path) = folder_with("[releases.checkout-v2]\n[toggles.dark_mode]\n");
    let before = read(&path);
    for (args, tip) in [
        (
            &["release", "checkout-v2", "on"][..],
            "tip: the command comes before the name: `toggles release on checkout-v2`",
        ),
        (
            &["dark_mode", "rollout", "10"][..],
            "tip: the command comes before the name: `toggles rollout dark_mode 10`",
        ),
    ] {
        let run = expect(dir.path(), args, 2);
        assert!(run.stderr.contains(tip), "{args:?}: {}", run.stderr);
    }
    let run = expect(dir.path(), &["frobnicate"], 2);
    assert!(!run.stderr.contains("tip: the command"), "{}", run.stderr);
    assert_eq!(read(&path), before);
}

/// Switching between `enabled` and `rollout` writes the new key where the
/// old one was (with its comments), not at the end of the table: in a
/// table, in an environment's dotted keys, and in an inline table.
#[test]
fn enabled_and_rollout_replace_each_other_in_place() {
    let before = "environments = [\"production\"]\n\
                  [toggles.a]\n# the switch\nenabled = true # on for now\ndescription = \"x\"\n\
                  [toggles.b]\n  rollout = 5\n  created = 2026-01-01\n\
                  [toggles.c]\nenv.production.enabled = false\nenv.production.allow = [\"z\"]\n\
                  [toggles.d]\nenv = { production = { rollout = 5, allow = [\"x\"] } }\n\
                  [releases.r]\nenabled = true\ndescription = \"r\"\n";
    let (dir, path) = folder_with(before);
    run_ok(dir.path(), &["rollout", "a", "10"]);
    run_ok(dir.path(), &["on", "b"]);
    run_ok(dir.path(), &["rollout", "c", "20", "--env", "production"]);
    run_ok(dir.path(), &["on", "d", "--env", "production"]);
    run_ok(dir.path(), &["release", "rollout", "r", "50"]);
    assert_eq!(
        read(&path),
        edited(
            before,
            &[
                ("enabled = true # on for now", "rollout = 10"),
                ("  rollout = 5\n", "  enabled = true\n"),
                (
                    "env.production.enabled = false",
                    "env.production.rollout = 20"
                ),
                (
                    "{ rollout = 5, allow = [\"x\"] }",
                    "{ enabled = true, allow = [\"x\"] }"
                ),
                ("[releases.r]\nenabled = true", "[releases.r]\nrollout = 50"),
            ]
        )
    );
}

/// The append record the library leaves beside `path` before appending
/// `bytes` to `user` (the format of `src/append.rs`: four header lines, a
/// checksum line, the bytes; FNV-1a 64).
pub(crate) fn append_record(path: &Path, user: &[u8], bytes: &[u8]) {
    let fnv = |parts: &[&[u8]]| {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in parts.iter().flat_map(|p| p.iter()) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        hash
    };
    let header = format!(
        "toggles append record, version 1\noffset {}\nlength {}\nbefore {:016x}\n",
        user.len(),
        bytes.len(),
        fnv(&[user])
    );
    let sum = fnv(&[header.as_bytes(), bytes]);
    let mut record = header.into_bytes();
    record.extend_from_slice(format!("checksum {sum:016x}\n").as_bytes());
    record.extend_from_slice(bytes);
    let name = path.file_name().unwrap().to_string_lossy();
    fs::write(path.with_file_name(format!(".{name}.append")), record).unwrap();
}

#[test]
fn an_append_cut_short_is_completed_before_an_edit_and_read_completed() {
    let user = b"[toggles.kept]\nenabled = false\n";
    let appended = format!(
        "\n[toggles.asked]\nenabled = false\ncreated = {}\n",
        today()
    );
    // Killed after `[toggles.as`: the file does not parse.
    let torn = [&user[..], &appended.as_bytes()[..12]].concat();
    let (dir, path) = folder_with(std::str::from_utf8(&torn).unwrap());
    append_record(&path, user, appended.as_bytes());
    let complete = [&user[..], appended.as_bytes()].concat();

    // A reading command reads the file as the completed append gives it.
    let out = run_ok(dir.path(), &["list"]);
    assert!(out.stdout.contains("asked"), "{}", out.stdout);

    let (dir, path) = folder_with(std::str::from_utf8(&torn).unwrap());
    append_record(&path, user, appended.as_bytes());
    let out = run_ok(dir.path(), &["on", "kept"]);
    assert!(out.stdout.contains("kept: OFF → ON"), "{}", out.stdout);
    let expected =
        String::from_utf8(complete)
            .unwrap()
            .replacen("enabled = false", "enabled = true", 1);
    assert_eq!(read(&path), expected);
}

/// Read commands never write: on a file whose append a crash cut short,
/// `list`, `show`, `check` and `export` read it as completing the append
/// gives it (in memory), leave the file's bytes and the record as they are,
/// and say in one line that the append is pending and what completes it;
/// an edit then completes it on disk.
#[test]
fn read_commands_read_a_cut_append_as_completed_and_write_nothing() {
    let user = b"[toggles.kept]\nenabled = false\n";
    let appended = format!(
        "\n[toggles.asked]\nenabled = false\ncreated = {}\n",
        today()
    );
    // Killed after `[toggles.as`: the file does not parse as it is.
    let torn = [&user[..], &appended.as_bytes()[..12]].concat();
    let (dir, path) = folder_with(std::str::from_utf8(&torn).unwrap());
    append_record(&path, user, appended.as_bytes());
    let record = dir.path().join(".toggles.toml.append");
    let recorded = fs::read(&record).unwrap();
    fs::create_dir(dir.path().join("src")).unwrap();
    fs::write(
        dir.path().join("src/main.rs"),
        "fn main() { toggle!(\"kept\"); toggle!(\"asked\"); }\n",
    )
    .unwrap();
    for (args, shows) in [
        (&["list"][..], "asked"),
        (&["show", "asked"], "asked"),
        (&["check"], "2 toggles"),
        (&["export"], "\"asked\""),
    ] {
        let out = run_ok(dir.path(), args);
        assert!(out.stdout.contains(shows), "{args:?}: {}", out.stdout);
        let notes: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.contains("interrupted"))
            .collect();
        assert_eq!(notes.len(), 1, "{args:?}: {}", out.stderr);
        assert!(
            notes[0].starts_with("note: ") && notes[0].contains("any edit command completes it"),
            "{args:?}: {}",
            notes[0]
        );
        assert_eq!(fs::read(&path).unwrap(), torn, "{args:?} wrote the file");
        assert_eq!(
            fs::read(&record).unwrap(),
            recorded,
            "{args:?} wrote the record"
        );
    }
    // An edit completes it for real, then edits.
    let out = run_ok(dir.path(), &["on", "kept"]);
    assert!(out.stdout.contains("kept: OFF → ON"), "{}", out.stdout);
    let complete = [&user[..], appended.as_bytes()].concat();
    assert_eq!(
        read(&path),
        String::from_utf8(complete)
            .unwrap()
            .replacen("enabled = false", "enabled = true", 1)
    );
    assert!(!record.exists(), "the completed append's record is removed");
    let out = run_ok(dir.path(), &["list"]);
    assert!(!out.stderr.contains("interrupted"), "{}", out.stderr);
}

/// With `TOGGLES_APPEND=off` the library may not complete a cut append, so
/// an edit refuses, saying so, and writes nothing.
#[test]
fn an_edit_refuses_a_cut_append_the_library_may_not_complete() {
    let user = b"[toggles.kept]\nenabled = false\n";
    let appended = "\n[toggles.asked]\nenabled = false\n";
    let torn = [&user[..], &appended.as_bytes()[..12]].concat();
    let (dir, path) = folder_with(std::str::from_utf8(&torn).unwrap());
    append_record(&path, user, appended.as_bytes());
    let output = crate::common::command(dir.path(), &["on", "kept"])
        .env("TOGGLES_APPEND", "off")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("was interrupted"), "{stderr}");
    assert!(stderr.contains("TOGGLES_APPEND=off"), "{stderr}");
    assert_eq!(fs::read(&path).unwrap(), torn);
}
