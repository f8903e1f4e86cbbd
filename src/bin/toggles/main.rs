//! `toggles`: the command-line tool around `toggles.toml`.
//!
//! Module map (one idea each):
//!
//! - `main.rs`: the command line (clap), dispatch and exit codes.
//! - `fail.rs`: the error type: a message, what to do about it, an exit code.
//! - `file.rs`: which file (`--file`, `$TOGGLES_FILE`, `./toggles.toml`) and
//!   reading it through the library.
//! - `output.rs`: colour, aligned tables, "did you mean".
//! - `list.rs`: `toggles list`; `show.rs`: `toggles show`.
//! - `write.rs`: replacing the file safely: lock, re-read, validate, atomic
//!   rename over the real file (symlinks resolved).
//! - `edit.rs`: the edit commands (`on`, `off`, `follow`, `release on|off`,
//!   `add`, `assign`) as changes to a `toml_edit` document, and the helpers
//!   every edit shares (finding a table, setting and removing a key).
//! - `rollout.rs`: the edit commands for keys (`rollout`, `allow`,
//!   `disallow`, on a toggle or a release), and how a table's state for keys
//!   is summed up (`10% of keys + 2 allowed`).
//! - `scan.rs`: finding toggle names in Rust sources (a small byte lexer).
//! - `check.rs`: `toggles check`, the CI gate.
//! - `export.rs`: `toggles export --format flagd`, flagd flag definitions.
//! - `diff.rs`: `toggles diff [REV]`, what a change turns on in each
//!   environment: the old version through `git`, compared view by view.
//! - `environments.rs`: `--env` and `TOGGLES_ENV`, the file in every
//!   environment, where a key is written (`KeyLines`) and what decides a
//!   toggle in one environment (`decide`): shared by `list --envs`, `show`,
//!   `check` and the edits.

mod check;
mod diff;
mod edit;
mod environments;
mod export;
mod fail;
mod file;
mod list;
mod output;
mod rollout;
mod scan;
mod show;
mod write;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::fail::Fail;
use crate::output::ColorChoice;

/// Exit code: everything is fine.
pub const EXIT_OK: u8 = 0;
/// Exit code: an error (a bad file, an unknown name, a failed check).
pub const EXIT_ERROR: u8 = 1;
/// Exit code: the command line itself is wrong (clap uses it too).
pub const EXIT_USAGE: u8 = 2;

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
    /// Every toggle with its state and where it comes from; every release with "N of M enabled"
    List {
        /// Only this release and its toggles
        #[arg(long, short, value_name = "RELEASE")]
        release: Option<String>,
        /// Machine-readable output
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        env: environments::ReadEnv,
        /// Every environment side by side: one column per environment (after the base values)
        #[arg(long, conflicts_with = "env")]
        envs: bool,
    },
    /// One toggle, and why it is on or off (for one key with --key)
    Show {
        /// The toggle
        #[arg(value_parser = name)]
        name: String,
        /// What a check with this key (a user id, a tenant…) gets, and why
        #[arg(long, short, value_name = "KEY")]
        key: Option<String>,
        /// Machine-readable output
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        env: environments::ReadEnv,
    },
    /// Switch toggles on for every key (sets their own `enabled = true`, removes their own `rollout`)
    On(Switch),
    /// Switch toggles off for every key (sets their own `enabled = false`, removes their own `rollout`)
    Off(Switch),
    /// Roll a toggle out to a share of keys (sets its own `rollout`, removes its own `enabled`)
    Rollout {
        /// The toggle
        #[arg(value_parser = name)]
        name: String,
        /// The percent of keys that get it: 0 to 100, at most two decimals (12.5)
        #[arg(value_parser = rollout::percent, allow_negative_numbers = true)]
        percent: toggles::Rollout,
        #[command(flatten)]
        force: Force,
        #[command(flatten)]
        env: environments::EditEnv,
    },
    /// Let keys always get a toggle (adds them to its own `allow` list)
    Allow {
        /// The toggle
        #[arg(value_parser = name)]
        name: String,
        /// The keys (user ids, tenants…)
        #[arg(required = true, value_parser = rollout::key)]
        keys: Vec<String>,
        #[command(flatten)]
        force: Force,
        #[command(flatten)]
        env: environments::EditEnv,
    },
    /// Take keys out of a toggle's own `allow` list (the last one removes the list)
    Disallow {
        /// The toggle
        #[arg(value_parser = name)]
        name: String,
        /// The keys
        #[arg(required = true, value_parser = rollout::key)]
        keys: Vec<String>,
        #[command(flatten)]
        force: Force,
        #[command(flatten)]
        env: environments::EditEnv,
    },
    /// Drop toggles' own `enabled`, `rollout` and `allow`, so that their release (or the default, off) decides
    Follow {
        /// The toggles
        #[arg(required = true, value_parser = name)]
        names: Vec<String>,
        #[command(flatten)]
        force: Force,
        #[command(flatten)]
        env: environments::EditEnv,
    },
    /// Switch a release on or off, or roll it out (its toggles follow unless they have their own state)
    #[command(subcommand)]
    Release(ReleaseCommand),
    /// Add a new toggle (off, or following its release)
    Add {
        /// The new toggle's name
        #[arg(value_parser = name)]
        name: String,
        /// The release it belongs to
        #[arg(long, short, value_parser = name, value_name = "RELEASE")]
        release: Option<String>,
        /// What it is for
        #[arg(long, short)]
        description: Option<String>,
        /// Start it on (`enabled = true`) instead of off or following its release
        #[arg(long)]
        on: bool,
        /// Create the release too if the file lacks it
        #[arg(long)]
        create: bool,
        #[command(flatten)]
        force: Force,
    },
    /// Make a toggle belong to a release
    Assign {
        /// The toggle
        #[arg(value_parser = name)]
        name: String,
        /// The release it joins
        #[arg(value_parser = name)]
        release: String,
        /// Create the toggle and/or the release if the file lacks them
        #[arg(long)]
        create: bool,
        #[command(flatten)]
        force: Force,
    },
    /// The CI gate: the file is valid, every toggle used in the sources is defined;
    /// warns about stale and old toggles and fully-on releases
    Check(check::CheckArgs),
    /// Write every toggle as a flagd flag definition (JSON), for services in other languages
    Export(export::ExportArgs),
    /// What the working file changes since REV, in each environment (the old version through git)
    Diff(diff::DiffArgs),
}

#[derive(Subcommand)]
enum ReleaseCommand {
    /// Switch a release on for every key (sets its `enabled = true`, removes its `rollout`)
    On(ReleaseSwitch),
    /// Switch a release off for every key (sets its `enabled = false`, removes its `rollout`)
    Off(ReleaseSwitch),
    /// Roll a release out to a share of keys (sets its `rollout`, removes its `enabled`)
    Rollout {
        /// The release
        #[arg(value_parser = name)]
        release: String,
        /// The percent of keys that get it: 0 to 100, at most two decimals (12.5)
        #[arg(value_parser = rollout::percent, allow_negative_numbers = true)]
        percent: toggles::Rollout,
        #[command(flatten)]
        force: Force,
        #[command(flatten)]
        env: environments::EditEnv,
    },
    /// Let keys always get a release (adds them to its `allow` list)
    Allow {
        /// The release
        #[arg(value_parser = name)]
        release: String,
        /// The keys (user ids, tenants…)
        #[arg(required = true, value_parser = rollout::key)]
        keys: Vec<String>,
        #[command(flatten)]
        force: Force,
        #[command(flatten)]
        env: environments::EditEnv,
    },
    /// Take keys out of a release's `allow` list (the last one removes the list)
    Disallow {
        /// The release
        #[arg(value_parser = name)]
        release: String,
        /// The keys
        #[arg(required = true, value_parser = rollout::key)]
        keys: Vec<String>,
        #[command(flatten)]
        force: Force,
        #[command(flatten)]
        env: environments::EditEnv,
    },
}

#[derive(Args)]
struct ReleaseSwitch {
    /// The release
    #[arg(value_parser = name)]
    release: String,
    /// Create the release if the file lacks it
    #[arg(long)]
    create: bool,
    #[command(flatten)]
    force: Force,
    #[command(flatten)]
    env: environments::EditEnv,
}

#[derive(Args)]
struct Switch {
    /// The toggles
    #[arg(required = true, value_parser = name)]
    names: Vec<String>,
    /// Create the toggles the file lacks
    #[arg(long)]
    create: bool,
    #[command(flatten)]
    force: Force,
    #[command(flatten)]
    env: environments::EditEnv,
}

/// `--force`, taken by every edit command.
#[derive(Args)]
struct Force {
    /// Replace the file even if it is read-only (its mode has no write bit for
    /// its owner); it keeps its mode, and its owner where allowed
    #[arg(long)]
    force: bool,
}

/// Accepts a valid toggle or release name (clap turns a refusal into exit 2).
fn name(value: &str) -> Result<String, String> {
    if toggles::is_valid_name(value) {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "{value:?} is not a valid name: use 1 to {} ASCII letters, digits, `_` or `-`",
            toggles::MAX_NAME_LEN
        ))
    }
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
    const TOGGLE: [&str; 7] = [
        "on", "off", "rollout", "allow", "disallow", "follow", "show",
    ];
    const RELEASE: [&str; 5] = ["on", "off", "rollout", "allow", "disallow"];
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
    let colors = output::Colors::for_stdout(choice);
    let path = match file::resolve(cli.global.file) {
        Ok(path) => path,
        Err(fail) => {
            fail.print(choice);
            return ExitCode::from(fail.code);
        }
    };
    let result = match cli.command {
        Command::List {
            release,
            json,
            envs: true,
            ..
        } => list::matrix(&path, release.as_deref(), json, colors),
        Command::List {
            release, json, env, ..
        } => list::run(&path, release.as_deref(), &env.choice(), json, colors),
        Command::Show {
            name,
            key,
            json,
            env,
        } => show::run(&path, &name, key.as_deref(), &env.choice(), json, colors),
        Command::On(switch) => edit::switch(
            &path,
            &switch.names,
            true,
            switch.create,
            switch.force.force,
            &switch.env.choice(),
        ),
        Command::Off(switch) => edit::switch(
            &path,
            &switch.names,
            false,
            switch.create,
            switch.force.force,
            &switch.env.choice(),
        ),
        Command::Rollout {
            name,
            percent,
            force,
            env,
        } => rollout::set_rollout(
            &path,
            rollout::Target::Toggle(&name),
            percent,
            force.force,
            &env.choice(),
        ),
        Command::Allow {
            name,
            keys,
            force,
            env,
        } => rollout::allow(
            &path,
            rollout::Target::Toggle(&name),
            &keys,
            force.force,
            &env.choice(),
        ),
        Command::Disallow {
            name,
            keys,
            force,
            env,
        } => rollout::disallow(
            &path,
            rollout::Target::Toggle(&name),
            &keys,
            force.force,
            &env.choice(),
        ),
        Command::Follow { names, force, env } => {
            edit::follow(&path, &names, force.force, &env.choice())
        }
        Command::Release(command) => release(&path, command),
        Command::Add {
            name,
            release,
            description,
            on,
            create,
            force,
        } => edit::add(
            &path,
            edit::NewToggle {
                name: &name,
                release: release.as_deref(),
                description: description.as_deref(),
                on,
            },
            create,
            force.force,
        ),
        Command::Assign {
            name,
            release,
            create,
            force,
        } => edit::assign(&path, &name, &release, create, force.force),
        Command::Check(args) => check::run(&path, &args, colors),
        Command::Export(args) => export::run(&path, &args),
        Command::Diff(args) => diff::run(&path, &args, colors),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(fail) => {
            fail.print(choice);
            ExitCode::from(fail.code)
        }
    }
}

/// `toggles release …`.
fn release(path: &std::path::Path, command: ReleaseCommand) -> Outcome {
    use rollout::Target;
    match command {
        ReleaseCommand::On(s) => edit::switch_release(
            path,
            &s.release,
            true,
            s.create,
            s.force.force,
            &s.env.choice(),
        ),
        ReleaseCommand::Off(s) => edit::switch_release(
            path,
            &s.release,
            false,
            s.create,
            s.force.force,
            &s.env.choice(),
        ),
        ReleaseCommand::Rollout {
            release,
            percent,
            force,
            env,
        } => rollout::set_rollout(
            path,
            Target::Release(&release),
            percent,
            force.force,
            &env.choice(),
        ),
        ReleaseCommand::Allow {
            release,
            keys,
            force,
            env,
        } => rollout::allow(
            path,
            Target::Release(&release),
            &keys,
            force.force,
            &env.choice(),
        ),
        ReleaseCommand::Disallow {
            release,
            keys,
            force,
            env,
        } => rollout::disallow(
            path,
            Target::Release(&release),
            &keys,
            force.force,
            &env.choice(),
        ),
    }
}

/// What a command returns: an exit code, or a failure to print.
pub type Outcome = Result<u8, Fail>;
