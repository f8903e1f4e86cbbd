//! `toggles`: the command-line tool around `toggles.toml`.
//!
//! Laid out in layers, each importing only from those below it
//! (ARCHITECTURE.md, "Layers of the command", enforced by
//! `tests/it/layers.rs`):
//!
//! - `commands/`: one module per command family, each with its clap `Args`
//!   and a `run`; no command imports another.
//! - `view/`: tables, a table's state in words, the `--json` shapes, an
//!   edit's report as text.
//! - `model/`: the chosen environment, the file in every environment, what
//!   decides a toggle, unknown names, an edit from lock to rename, what an
//!   edit did (its report), the old version of the file from git.
//! - `document/`: the text through `toml_edit`: where keys are written, the
//!   edits, `allow` arrays, replacing the file safely.
//! - `words`, `color`, `fail`, `args`, `file`, `scan` at the bottom.
//!
//! This file parses the command line and dispatches.

mod args;
mod clock;
mod color;
mod commands;
mod document;
mod fail;
mod file;
mod model;
mod scan;
mod view;
mod words;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::color::{ColorChoice, Colors};
use crate::commands::{check, diff, export, keys, list, schedule, schema, show, switch};
use crate::fail::Outcome;

#[derive(Parser)]
#[command(
    name = "toggles",
    version,
    about = "List, explain, switch and check the feature toggles of toggles.toml",
    after_help = "Exit codes: 0 ok, 1 error (or a failed `check`), 2 usage, \
                  3 `diff --fail-on` found a change.\n\
                  Edits keep every comment and the layout of the file, and a running \
                  application picks them up through hot reload."
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Global {
    /// The toggles file [default: $TOGGLES_FILE, else ./toggles.toml; TOGGLES_FILE set but empty is an error]
    // Not clap's `env`: it reports an empty variable as a missing `--file` value.
    #[arg(long, short = 'f', global = true, value_name = "PATH")]
    file: Option<PathBuf>,

    /// When to colour the output: on a terminal without NO_COLOR (auto), always, never
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
}

#[derive(Subcommand)]
enum Command {
    /// Every toggle with its state and where it comes from; every release with "N of M enabled";
    /// the next step of each schedule (states now, or at --at TIME); owners, kinds and expiry
    /// (filters: --owner, --kind, --expired)
    List(list::Args),
    /// One toggle, and why it is on or off (for one key with --key); its schedule's steps
    /// and the next one (now, or at --at TIME)
    Show(show::Args),
    /// Switch toggles on for every key (sets their own `enabled = true`, removes their own `rollout`
    /// and `schedule`); with --at, adds that as a step of their `schedule`
    On(switch::Switch),
    /// Switch toggles off for every key (sets their own `enabled = false`, removes their own `rollout`
    /// and `schedule`); with --at, adds that as a step of their `schedule`
    Off(switch::Switch),
    /// Roll a toggle out to a share of keys (sets its own `rollout`, removes its own `enabled` and
    /// `schedule`); with --at, adds that as a step of its `schedule`
    Rollout(keys::Rollout),
    /// Let keys always get a toggle (adds them to its own `allow` list)
    Allow(keys::Allow),
    /// Take keys out of a toggle's own `allow` list (the last one removes the list)
    Disallow(keys::Disallow),
    /// Take a step (--at) or every step (--all) out of a toggle's `schedule`
    Unschedule(schedule::Unschedule),
    /// Drop toggles' own `enabled`, `rollout`, `schedule` and `allow`, so that their release (or the default, off) decides
    Follow(switch::Follow),
    /// Switch a release on or off, or roll it out (its toggles follow unless they have their own state)
    #[command(subcommand)]
    Release(ReleaseCommand),
    /// Add a new toggle (off, or following its release)
    Add(switch::Add),
    /// Make a toggle belong to a release
    Assign(switch::Assign),
    /// The CI gate: the file is valid, every toggle used in the sources is defined;
    /// warns about stale and old toggles, fully-on releases and finished or lowering plans
    Check(check::Args),
    /// Write every toggle as a flagd flag definition (JSON), for services in other languages
    Export(export::Args),
    /// What the working file changes since REV, in each environment (the old version through git)
    Diff(diff::Args),
    /// Print a JSON Schema of toggles.toml, for editors (draft-07, as taplo reads it);
    /// this repository ships it as toggles.schema.json
    Schema(schema::Args),
}

#[derive(Subcommand)]
enum ReleaseCommand {
    /// Switch a release on for every key (sets its `enabled = true`, removes its `rollout` and
    /// `schedule`); with --at, adds that as a step of its `schedule`
    On(switch::ReleaseSwitch),
    /// Switch a release off for every key (sets its `enabled = false`, removes its `rollout` and
    /// `schedule`); with --at, adds that as a step of its `schedule`
    Off(switch::ReleaseSwitch),
    /// Roll a release out to a share of keys (sets its `rollout`, removes its `enabled` and
    /// `schedule`); with --at, adds that as a step of its `schedule`
    Rollout(keys::ReleaseRollout),
    /// Let keys always get a release (adds them to its `allow` list)
    Allow(keys::ReleaseAllow),
    /// Take keys out of a release's `allow` list (the last one removes the list)
    Disallow(keys::ReleaseDisallow),
    /// Take a step (--at) or every step (--all) out of a release's `schedule`
    Unschedule(schedule::ReleaseUnschedule),
}

/// Lets a closed pipe end the process as it ends other Unix tools: `toggles
/// list | head` stops quietly when `head` has read enough. Rust ignores
/// SIGPIPE by default, so every `println!` after the reader left would
/// panic with "failed printing to stdout: Broken pipe".
#[cfg(unix)]
fn default_sigpipe() {
    // SAFETY: restoring a signal's default disposition at the start of
    // `main`, before any other thread exists; no handler runs Rust code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn default_sigpipe() {}

/// Parses the command line; a name given before its command
/// (`toggles release checkout-v2 on`) gets a tip with the order that works.
fn parse() -> Cli {
    Cli::try_parse().unwrap_or_else(|mut err| {
        if err.kind() == clap::error::ErrorKind::InvalidSubcommand {
            let args: Vec<String> = std::env::args().skip(1).collect();
            if let Some(tip) = order_tip(&args) {
                use clap::error::{ContextKind, ContextValue};
                err.insert(
                    ContextKind::Suggested,
                    ContextValue::StyledStrs(vec![tip.into()]),
                );
            }
        }
        err.exit()
    })
}

/// `the order is `toggles release on checkout-v2`` for a command line that
/// put a name before its command (`release NAME on`, `NAME on`).
fn order_tip(args: &[String]) -> Option<String> {
    const TOGGLE: [&str; 8] = [
        "on",
        "off",
        "rollout",
        "allow",
        "disallow",
        "unschedule",
        "follow",
        "show",
    ];
    const RELEASE: [&str; 6] = ["on", "off", "rollout", "allow", "disallow", "unschedule"];
    let words: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let (prefix, commands, rest) = match words.as_slice() {
        ["release", rest @ ..] => ("release ", &RELEASE[..], rest),
        rest => ("", &TOGGLE[..], rest),
    };
    match rest {
        [name, command, more @ ..]
            if commands.contains(command) && toggles::is_valid_name(name) =>
        {
            let more: String = more.iter().map(|m| format!(" {m}")).collect();
            Some(format!(
                "the command comes before the name: `toggles {prefix}{command} {name}{more}`"
            ))
        }
        _ => None,
    }
}

fn main() -> ExitCode {
    default_sigpipe();
    let cli = parse();
    let choice = cli.global.color;
    let colors = Colors::for_stdout(choice);
    let result = match cli.command {
        // The schema is the same for every file: it reads none.
        Command::Schema(args) => schema::run(&args),
        command => file::resolve(cli.global.file).and_then(|path| run(&path, command, colors)),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(fail) => {
            fail.print(choice);
            ExitCode::from(fail.code)
        }
    }
}

/// Each command's `run`, on the file at `path`.
fn run(path: &Path, command: Command, colors: Colors) -> Outcome {
    match command {
        Command::List(args) => list::run(path, &args, colors),
        Command::Show(args) => show::run(path, &args, colors),
        Command::On(args) => switch::switch_toggles(path, args, true),
        Command::Off(args) => switch::switch_toggles(path, args, false),
        Command::Rollout(args) => keys::rollout(path, args),
        Command::Allow(args) => keys::allow(path, args),
        Command::Disallow(args) => keys::disallow(path, args),
        Command::Unschedule(args) => schedule::unschedule(path, args),
        Command::Follow(args) => switch::follow(path, args),
        Command::Release(ReleaseCommand::On(args)) => switch::release(path, args, true),
        Command::Release(ReleaseCommand::Off(args)) => switch::release(path, args, false),
        Command::Release(ReleaseCommand::Rollout(args)) => keys::release_rollout(path, args),
        Command::Release(ReleaseCommand::Allow(args)) => keys::release_allow(path, args),
        Command::Release(ReleaseCommand::Disallow(args)) => keys::release_disallow(path, args),
        Command::Release(ReleaseCommand::Unschedule(args)) => {
            schedule::release_unschedule(path, args)
        }
        Command::Add(args) => switch::add(path, args),
        Command::Assign(args) => switch::assign(path, args),
        Command::Check(args) => check::run(path, &args, colors),
        Command::Export(args) => export::run(path, &args),
        Command::Diff(args) => diff::run(path, &args, colors),
        Command::Schema(args) => schema::run(&args),
    }
}
