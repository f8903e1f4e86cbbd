//! Files at and past the cap on environments (`toggles::MAX_ENVIRONMENTS`):
//! every command reads such a file once, whatever the number of
//! environments, and a file past the cap is refused at once.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{command_of, folder_with, read, run_within};

/// A file of `environments` environments and `toggles` toggles, each
/// toggle with a value in every environment (`env.eN.enabled`, a rollout
/// in every tenth, an allow list in every 25th), a release for every 10
/// toggles: the most a file at the cap can ask of a command that shows
/// every environment.
fn large_file(environments: usize, toggles: usize) -> String {
    let names: Vec<String> = (0..environments).map(|e| format!("\"e{e}\"")).collect();
    let mut text = format!("environments = [{}]\n\n", names.join(", "));
    for r in 0..toggles.div_ceil(10) {
        writeln!(
            text,
            "[releases.r{r}]\nenabled = false\nenv.e0.enabled = true\n"
        )
        .unwrap();
    }
    for t in 0..toggles {
        writeln!(text, "[toggles.t{t}]\nrelease = \"r{}\"", t / 10).unwrap();
        if t % 2 == 0 {
            writeln!(text, "enabled = {}", t % 4 == 0).unwrap();
        }
        for e in 0..environments {
            match (t + e) % 25 {
                0 => writeln!(text, "env.e{e}.allow = [\"ada\", \"bob\"]"),
                n if n % 10 == 1 => writeln!(text, "env.e{e}.rollout = {}.5", e % 100),
                _ => writeln!(text, "env.e{e}.enabled = {}", (t + e) % 3 == 0),
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
    // Nothing in the sources checks the toggles: each is a finding.
    (&["check"], 1),
    (&["export", "--format", "flagd"], 0),
    (&["on", "t500", "--env", "e128"], 0),
    (&["rollout", "t500", "12.5", "--env", "e200"], 0),
    (&["allow", "t501", "zoe", "--env", "e7"], 0),
    (&["off", "t502"], 0),
    (&["release", "on", "r3", "--env", "e255"], 0),
];

#[test]
fn a_file_past_the_environment_cap_is_refused_at_once_naming_the_cap() {
    let text = large_file(toggles::MAX_ENVIRONMENTS + 1, 200);
    let (dir, path) = folder_with(&text);
    let binary: OsString = env!("CARGO_BIN_EXE_toggles").into();
    for (args, _) in COMMANDS {
        // A guard against a hang, not a timing target: the refusal comes
        // from the first read of the file.
        let out = run(&binary, dir.path(), args, Some(Duration::from_secs(120)));
        assert_eq!(out.0, 1, "toggles {args:?}: {}", out.1);
        assert!(
            out.1.contains(
                "toggles.toml:1:" // the 257th name, on the first line
            ) && out
                .1
                .contains("declares 257 environments, more than the 256")
                && out.1.contains("`e256` is the first past the cap")
                && out.1.contains("toggles::MAX_ENVIRONMENTS"),
            "toggles {args:?}: {}",
            out.1
        );
        assert_eq!(read(&path), text, "toggles {args:?} must not write");
    }
}

/// Runs `binary` with `args` in `dir`: exit code, stdout and stderr
/// together, and how long it took. The default build is killed past
/// `limit` (its output must then fit in a pipe: errors only).
fn run(
    binary: &OsString,
    dir: &Path,
    args: &[&str],
    limit: Option<Duration>,
) -> (i32, String, Duration) {
    let started = Instant::now();
    let out = match limit {
        Some(limit) => run_within(dir, args, limit),
        None => {
            let output = command_of(binary, dir, args)
                .output()
                .expect("the binary runs");
            crate::common::Run {
                code: output.status.code().expect("exited"),
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            }
        }
    };
    (
        out.code,
        format!("{}{}", out.stdout, out.stderr),
        started.elapsed(),
    )
}

/// The timing proof of the cap, for `--release` only (BENCHMARKS.md, "The
/// CLI on large files"): every command on a file at the cap (256
/// environments × 1 000 toggles, a value in every environment of every
/// toggle) takes under a second. `TOGGLES_BENCH_BIN` measures another build
/// of the binary (an older one) on the same file, without the assertion.
///
/// ```sh
/// cargo test --release --all-features --test cli -- --ignored --nocapture large::
/// ```
#[test]
#[ignore = "a timing target: run in --release (see BENCHMARKS.md)"]
fn every_command_at_the_cap_takes_under_a_second() {
    let other = std::env::var_os("TOGGLES_BENCH_BIN");
    let binary = other
        .clone()
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_toggles").into());
    let text = large_file(toggles::MAX_ENVIRONMENTS, 1_000);
    println!(
        "{} ({} lines, {} KiB)",
        binary.to_string_lossy(),
        text.lines().count(),
        text.len() >> 10
    );
    let mut slow = Vec::new();
    for (args, code) in COMMANDS {
        // Each edit on a fresh copy: the same work for every build.
        let (dir, _) = folder_with(&text);
        let (exit, output, took) = run(&binary, dir.path(), args, None);
        assert_eq!(exit, *code, "toggles {args:?}: {output}");
        println!("{:>9.3} s  toggles {}", took.as_secs_f64(), args.join(" "));
        if took >= Duration::from_secs(1) {
            slow.push((args, took));
        }
    }
    if other.is_none() {
        assert!(slow.is_empty(), "a second or more: {slow:?}");
    }
}
