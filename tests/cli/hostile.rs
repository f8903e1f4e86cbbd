//! Something other than a regular file in the toggles file's place: a clear
//! error at once, never a hang.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::common::{Run, command, folder_with, run_within};

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

/// Every command, reading or editing, with and without `--create`.
const EVERY_COMMAND: [&[&str]; 18] = [
    &["list"],
    &["show", "x"],
    &["show", "x", "--key", "k"],
    &["rollout", "x", "10"],
    &["allow", "x", "k"],
    &["disallow", "x", "k"],
    &["release", "rollout", "r", "10"],
    &["release", "allow", "r", "k"],
    &["release", "disallow", "r", "k"],
    &["on", "x"],
    &["on", "x", "--create"],
    &["off", "x"],
    &["follow", "x"],
    &["release", "on", "r"],
    &["release", "on", "r", "--create"],
    &["add", "x"],
    &["assign", "x", "r", "--create"],
    &["check"],
];

/// The error and help lines of a run: stderr, or `check`'s finding.
fn error_and_help(run: &Run) -> String {
    assert_eq!(run.code, 1, "{run:?}");
    let text = if run.stderr.is_empty() {
        // `check` reports the file as a finding: `error[invalid-file]: PATH: …`,
        // the same words as the other commands' `error: PATH: …`.
        let finding = run.stdout.lines().take(2).collect::<Vec<_>>().join("\n");
        let (_, rest) = finding
            .split_once("error[invalid-file]: ")
            .unwrap_or_else(|| panic!("{run:?}"));
        format!("error: {rest}\n")
    } else {
        run.stderr.clone()
    };
    assert!(text.contains("\n  help: "), "no help line: {run:?}");
    text
}

#[test]
fn a_folder_gets_the_same_message_and_help_from_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("conf");
    std::fs::create_dir(&folder).unwrap();
    let mut seen = Vec::new();
    for args in EVERY_COMMAND {
        let mut args = args.to_vec();
        args.extend(["--file", "conf"]);
        let text = error_and_help(&run_within(dir.path(), &args, NO_HANG));
        assert!(
            text.contains("conf: cannot read the file: it is a folder, not a toggles file"),
            "{args:?}: {text}"
        );
        assert!(
            text.contains("e.g. `--file path/to/toggles.toml`"),
            "{args:?}: {text}"
        );
        seen.push(text);
    }
    seen.dedup();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert!(!folder.join("toggles.toml").exists());

    // A folder that holds a toggles file: the help names it.
    std::fs::write(folder.join("toggles.toml"), "[toggles.x]\n").unwrap();
    let text = error_and_help(&run_within(
        dir.path(),
        &["list", "--file", "conf"],
        NO_HANG,
    ));
    assert!(text.contains("`--file conf/toggles.toml`"), "{text}");
}

#[test]
fn a_dangling_symlink_gets_one_message_naming_the_link_and_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("toggles.toml");
    std::os::unix::fs::symlink("missing-target.toml", &link).unwrap();
    let mut seen = Vec::new();
    for args in EVERY_COMMAND {
        let text = error_and_help(&run_within(dir.path(), args, NO_HANG));
        assert!(
            text.contains("toggles.toml is a symlink to missing-target.toml, which does not exist"),
            "{args:?}: {text}"
        );
        seen.push(text);
    }
    seen.dedup();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(!dir.path().join("missing-target.toml").exists());
}

/// A reader that stops early (`toggles list | head -1`) ends the command
/// quietly, as with other Unix tools: no panic about a broken pipe.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::process::Stdio;
    let mut text = String::new();
    for i in 0..3_000 {
        text.push_str(&format!(
            "[toggles.t{i:05}]\ndescription = \"{}\"\n",
            "x".repeat(60)
        ));
    }
    let (dir, _path) = folder_with(&text);
    let mut child = command(dir.path(), &["list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // More than a pipe holds is written: closing the reader now makes a
    // write fail.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

/// The CLI reads the file as the library does, at most 64 MiB: a larger
/// (sparse) file is refused before it is read, by a read command and an
/// edit alike, with the limit.
#[test]
fn a_file_over_64_mib_is_refused_as_the_library_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("toggles.toml");
    std::fs::File::create(&path)
        .unwrap()
        .set_len((64 << 20) + 1)
        .unwrap();
    for args in [&["list"][..], &["on", "x"]] {
        let text = error_and_help(&run_within(dir.path(), args, NO_HANG));
        assert!(
            text.contains("toggles.toml: cannot read the file: it is larger than 64 MiB"),
            "{args:?}: {text}"
        );
    }
}
