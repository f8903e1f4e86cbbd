//! Files at and past the cap on environments (`toggles::MAX_ENVIRONMENTS`):
//! every command reads such a file once, whatever the number of
//! environments, and a file past the cap is refused at once.

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{command_of, folder_with, read};

/// A file of `environments` environments and `toggles` toggles, each
/// toggle with values in `per_toggle` environments (`env.eN.enabled`; a
/// rollout or an allow list in some), a release for every 10 toggles.
fn large_file(environments: usize, toggles: usize, per_toggle: usize) -> String {
    let names: Vec<String> = (0..environments).map(|e| format!("\"e{e}\"")).collect();
    let mut text = format!("environments = [{}]\n\n", names.join(", "));
    for r in 0..toggles.div_ceil(10) {
        writeln!(
            text,
            "[releases.r{r}]\nenabled = false\nenv.e0.enabled = true\n"
        )
        .unwrap();
    }
    let step = environments / per_toggle.clamp(1, environments);
    for t in 0..toggles {
        writeln!(text, "[toggles.t{t}]\nrelease = \"r{}\"", t / 10).unwrap();
        if t.is_multiple_of(2) {
            writeln!(text, "enabled = {}", t.is_multiple_of(4)).unwrap();
        }
        for i in 0..per_toggle.min(environments) {
            let e = (t + i * step) % environments;
            match (t + e) % 25 {
                0 => writeln!(text, "env.e{e}.allow = [\"ada\", \"bob\"]"),
                n if n % 10 == 1 => writeln!(text, "env.e{e}.rollout = {}.5", e % 100),
                _ => writeln!(text, "env.e{e}.enabled = {}", (t + e).is_multiple_of(3)),
            }
            .unwrap();
        }
        text.push('\n');
    }
    text
}

/// Each command family, on the file at `dir`: reading, checking, exporting,
/// and edits in an environment (each of which validates the new text in
/// every environment). With the exit code each must give.
const COMMANDS: &[(&[&str], i32)] = &[
    (&["list"], 0),
    (&["list", "--envs"], 0),
    (&["list", "--env", "e255"], 0),
    (&["show", "t500"], 0),
    (&["show", "t500", "--env", "e128", "--key", "ada"], 0),
    (&["check", "--src", "."], 0),
    (&["export", "--format", "flagd"], 0),
    (&["on", "t500", "--env", "e128"], 0),
    (&["rollout", "t500", "12.5", "--env", "e200"], 0),
    (&["allow", "t500", "zoe", "--env", "e7"], 0),
    (&["off", "t502"], 0),
    (&["release", "on", "r3", "--env", "e255"], 0),
];

/// Runs `binary` with `args` in `dir`, its output into files (a pipe
/// would fill), killed past `limit`: the exit code (`None`: killed),
/// stdout and stderr together, and how long it took.
fn run(
    binary: &OsStr,
    dir: &Path,
    args: &[&str],
    limit: Duration,
) -> (Option<i32>, String, Duration) {
    let out = tempfile::tempdir().expect("a temporary folder");
    let (stdout, stderr) = (out.path().join("stdout"), out.path().join("stderr"));
    let started = Instant::now();
    let mut child = command_of(binary, dir, args)
        .stdout(File::create(&stdout).expect("stdout file"))
        .stderr(File::create(&stderr).expect("stderr file"))
        .spawn()
        .expect("the binary runs");
    let code = loop {
        if let Some(status) = child.try_wait().expect("the binary's status") {
            break status.code();
        }
        if started.elapsed() >= limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = started.elapsed();
    let output = read(&stdout) + &read(&stderr);
    (code, output, took)
}

#[test]
fn a_file_past_the_environment_cap_is_refused_at_once_naming_the_cap() {
    let text = large_file(toggles::MAX_ENVIRONMENTS + 1, 200, 16);
    let (dir, path) = folder_with(&text);
    let binary = OsStr::new(env!("CARGO_BIN_EXE_toggles"));
    for (args, _) in COMMANDS {
        // A guard against a hang, not a timing target: the refusal comes
        // from the first read of the file.
        let (code, output, _) = run(binary, dir.path(), args, Duration::from_secs(120));
        assert_eq!(code, Some(1), "toggles {args:?}: {output}");
        assert!(
            // At the 257th name, on the first line.
            output.contains("toggles.toml:1:")
                && output.contains("declares 257 environments, more than the 256")
                && output.contains("`e256` is the first past the cap")
                && output.contains("toggles::MAX_ENVIRONMENTS"),
            "toggles {args:?}: {output}"
        );
        assert_eq!(read(&path), text, "toggles {args:?} must not write");
    }
}

/// The timing proof of the cap, for `--release` only (BENCHMARKS.md, "The
/// CLI on large files"): every command on a file at the cap, 256
/// environments × 1 000 toggles with values in 16 environments each, takes
/// under a second. Also measured, not held to it: the densest such file,
/// a value in every environment of every toggle (6 MB). `TOGGLES_BENCH_BIN`
/// measures another build of the binary (an older one) on the same files,
/// each command stopped after 60 s.
///
/// ```sh
/// cargo test --release --all-features --test cli -- --ignored --nocapture large::
/// ```
#[test]
#[ignore = "a timing target: run in --release (see BENCHMARKS.md)"]
fn every_command_at_the_cap_takes_under_a_second() {
    let other = std::env::var_os("TOGGLES_BENCH_BIN");
    let binary: OsString = other
        .clone()
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_toggles").into());
    let mut slow = Vec::new();
    for (per_toggle, held) in [(16, true), (toggles::MAX_ENVIRONMENTS, false)] {
        let text = large_file(toggles::MAX_ENVIRONMENTS, 1_000, per_toggle);
        println!(
            "{}: 256 environments × 1 000 toggles, values in {per_toggle} environments each \
             ({} lines, {} KiB)",
            binary.to_string_lossy(),
            text.lines().count(),
            text.len() >> 10
        );
        for (args, code) in COMMANDS {
            // Each command on a fresh copy: the same work for every build.
            let (dir, _) = folder_with(&text);
            let (exit, output, took) = run(&binary, dir.path(), args, Duration::from_secs(60));
            match exit {
                Some(exit) if other.is_none() => {
                    assert_eq!(exit, *code, "toggles {args:?}: {output}");
                }
                _ => {}
            }
            let note = match exit {
                None => " (stopped)".to_owned(),
                Some(exit) if exit != *code => format!(" (exit {exit})"),
                Some(_) => String::new(),
            };
            println!(
                "{:>9.3} s  toggles {}{note}",
                took.as_secs_f64(),
                args.join(" ")
            );
            if held && took >= Duration::from_secs(1) {
                slow.push((args, took));
            }
        }
    }
    if other.is_none() {
        assert!(slow.is_empty(), "a second or more: {slow:?}");
    }
}
