//! `toggles unschedule NAME --at TIME|--all` and `toggles release
//! unschedule RELEASE --at TIME|--all`: take a step, or the whole
//! `schedule`, out of a table's state slot (`env.E.schedule` with `--env
//! E`). Steps are added by `on`, `off`, `rollout` and their release forms
//! with `--at TIME`.
//!
//! The step is named by its instant (any offset: `2026-12-09T10:00+01:00`
//! is the step written `2026-12-09T09:00:00Z`); an instant without a step
//! is an error that lists the steps' instants. The last step taken out
//! takes the `schedule` key with it (an empty `schedule = []` is an error in
//! the file): the table's own `enabled`/`rollout` then decides, and a table
//! left with no state of its own follows its release (or is off). Comments
//! around the other steps stay.

use std::path::Path;

use toggles::{Snapshot, Source, Timestamp};

use crate::args::{self, EditEnv, Force};
use crate::document::edit::{entry, layout_error, remove_in};
use crate::document::schedule::remove_step;
use crate::fail::{Fail, Outcome};
use crate::model::choice::Choice;
use crate::model::edit;
use crate::model::names::{refuse_unknown_toggle, unknown_release};
use crate::model::report::{EditReport, Line, Subject, TargetReport, state_lines};
use crate::model::schedule::{instants, next_line, own_schedule, slot_schedule};
use crate::view::edits;
use crate::words::env_flag;

/// Which steps go: one (`--at`) or all (`--all`).
#[derive(clap::Args)]
#[group(required = true, multiple = false)]
pub struct Which {
    /// Take out the step at this instant (RFC 3339 with `Z` or an offset:
    /// `2026-12-09T09:00Z`)
    #[arg(long = "at", value_name = "TIME")]
    pub at: Option<Timestamp>,
    /// Take out the whole `schedule`
    #[arg(long)]
    pub all: bool,
}

// `toggles unschedule`.
#[derive(clap::Args)]
pub struct Unschedule {
    /// The toggle
    #[arg(value_parser = args::name)]
    pub name: String,
    #[command(flatten)]
    pub which: Which,
    #[command(flatten)]
    pub force: Force,
    #[command(flatten)]
    pub env: EditEnv,
}

// `toggles release unschedule`.
#[derive(clap::Args)]
pub struct ReleaseUnschedule {
    /// The release
    #[arg(value_parser = args::name)]
    pub release: String,
    #[command(flatten)]
    pub which: Which,
    #[command(flatten)]
    pub force: Force,
    #[command(flatten)]
    pub env: EditEnv,
}

pub fn unschedule(path: &Path, args: Unschedule) -> Outcome {
    let choice = args.env.choice();
    let subject = Subject {
        release: false,
        name: &args.name,
        env: choice.name(),
    };
    take_out(path, subject, args.which.at, args.force.force, &choice)
}

pub fn release_unschedule(path: &Path, args: ReleaseUnschedule) -> Outcome {
    let choice = args.env.choice();
    let subject = Subject {
        release: true,
        name: &args.release,
        env: choice.name(),
    };
    take_out(path, subject, args.which.at, args.force.force, &choice)
}

/// `toggle `new_search``, `release `checkout-v2``, with ` in E`.
fn what(subject: Subject<'_>) -> String {
    let kind = if subject.release { "release" } else { "toggle" };
    match subject.env {
        Some(environment) => format!("{kind} `{}` in {environment}", subject.name),
        None => format!("{kind} `{}`", subject.name),
    }
}

/// `toggles unschedule NAME`, `toggles release unschedule NAME`, as a
/// command to suggest.
fn command(subject: Subject<'_>) -> String {
    let release = if subject.release { "release " } else { "" };
    format!("toggles {release}unschedule {}", subject.name)
}

/// Refuses a name the file lacks.
fn check(snapshot: &Snapshot, subject: Subject<'_>) -> Result<(), Fail> {
    match subject.release {
        false if !snapshot.contains(subject.name) => {
            Err(refuse_unknown_toggle(snapshot, subject.name, false))
        }
        true if snapshot.release(subject.name).is_none() => {
            Err(unknown_release(snapshot, subject.name, None))
        }
        _ => Ok(()),
    }
}

/// The error for a table without a `schedule` in the values edited: what
/// it has instead, and where its steps are if it has some elsewhere.
fn no_schedule(snapshot: &Snapshot, subject: Subject<'_>) -> Fail {
    let key = subject
        .env
        .map_or("schedule".to_owned(), |e| format!("env.{e}.schedule"));
    let fail = Fail::error(format!("{} has no `{key}`", what(subject)));
    match (subject.env, slot_schedule(snapshot, subject)) {
        (Some(environment), Some(base)) => fail.help(format!(
            "its base `schedule` ({}) applies in {environment}: `{} --at TIME|--all` without \
             --env takes steps out of it",
            instants(base),
            command(subject)
        )),
        _ => {
            let toggle = (!subject.release)
                .then(|| snapshot.get(subject.name))
                .flatten();
            match toggle.filter(|t| t.source() == Source::Release && t.schedule().is_some()) {
                Some(toggle) => fail.help(format!(
                    "it follows release {release}, whose schedule decides: `toggles release \
                     unschedule {release} --at TIME|--all{}`",
                    env_flag(subject.env),
                    release = toggle.release().unwrap_or_default()
                )),
                None => fail.help(format!(
                    "add a step with `--at TIME` on `toggles on|off|rollout` (`toggles release \
                     on|off|rollout` for a release){}",
                    env_flag(subject.env)
                )),
            }
        }
    }
}

/// Takes the step at `at` (`None`: every step) out of the table's
/// `schedule` in the values edited.
fn take_out(
    path: &Path,
    subject: Subject<'_>,
    at: Option<Timestamp>,
    force: bool,
    choice: &Choice,
) -> Outcome {
    let env = subject.env;
    let section = if subject.release {
        "releases"
    } else {
        "toggles"
    };
    let edited = edit::edit_file_in(path, choice, false, force, |before, doc| {
        check(before, subject)?;
        let schedule = own_schedule(before, subject).ok_or_else(|| no_schedule(before, subject))?;
        let table = entry(doc, section, subject.name)?;
        match at {
            Some(at) => {
                let index = schedule
                    .steps()
                    .position(|step| step.at() == at)
                    .ok_or_else(|| {
                        Fail::error(format!(
                            "{} has no step at {at}: its steps are at {}",
                            what(subject),
                            instants(schedule)
                        ))
                        .help(format!(
                            "pass one of those instants to --at, or --all to take out the \
                             whole schedule (`{} --all{}`)",
                            command(subject),
                            env_flag(env)
                        ))
                    })?;
                if !remove_step(table, env, index) {
                    let key = env.map_or("schedule".to_owned(), |e| format!("env.{e}.schedule"));
                    return Err(layout_error(&format!("{section}.{}.{key}", subject.name)));
                }
            }
            None => remove_in(table, env, "schedule"),
        }
        Ok(())
    })?;
    let removed = own_schedule(&edited.before, subject).expect("checked");
    let mut lines = Vec::new();
    match at {
        Some(at) => {
            let step = removed.steps().find(|step| step.at() == at);
            lines.extend(step.map(|step| Line::StepRemoved(*step)));
        }
        None => lines.push(Line::Unscheduled {
            steps: removed.steps().len(),
            environment: env,
        }),
    }
    if !subject.release
        && let (Some(before), Some(after)) = (
            edited.before.get(subject.name),
            edited.after().get(subject.name),
        )
        && before.source() == Source::Own
        && after.source() != Source::Own
    {
        lines.push(Line::NoOwnStateLeft { after });
    }
    lines.extend(next_line(edited.after(), subject));
    // The state first, then the steps, then a release's toggles.
    let mut state = state_lines(subject, &edited);
    state.splice(1..1, lines);
    let report = EditReport {
        targets: vec![TargetReport::new(subject, state, &edited)],
        written: edited.written,
    };
    edits::print(path, &report)
}
