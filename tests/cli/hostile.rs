//! Something other than a regular file in the toggles file's place: a clear
//! error at once, never a hang.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::common::{Run, run_within};

/// Far more than any command takes; a command that blocks is killed then.
const NO_HANG: Duration = Duration::from_secs(20);

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn assert_refused(run: &Run, what: &str) {
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains(&format!("it is {what}, not a regular file")),
        "{run:?}"
    );
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[test]
fn a_fifo_is_refused_by_reading_and_editing_commands() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("toggles.toml"));
    // Reading a FIFO waits for a writer; editing reads it first.
    for args in [&["list"][..], &["show", "x"], &["on", "x"], &["add", "x"]] {
        let run = run_within(dir.path(), args, NO_HANG);
        assert_refused(&run, "a FIFO");
    }
    let fifo = std::fs::symlink_metadata(dir.path().join("toggles.toml")).unwrap();
    assert!(!fifo.is_file(), "the FIFO is left alone");
}

#[test]
fn a_fifo_behind_a_symlink_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("real.toml"));
    std::os::unix::fs::symlink("real.toml", dir.path().join("toggles.toml")).unwrap();
    for args in [&["list"][..], &["off", "x"]] {
        assert_refused(&run_within(dir.path(), args, NO_HANG), "a FIFO");
    }
}

#[test]
fn a_socket_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let _listener =
        std::os::unix::net::UnixListener::bind(dir.path().join("toggles.toml")).unwrap();
    for args in [&["list"][..], &["on", "x"]] {
        assert_refused(&run_within(dir.path(), args, NO_HANG), "a socket");
    }
}
