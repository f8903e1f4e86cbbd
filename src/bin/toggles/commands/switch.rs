//! The edit commands: `on`, `off`, `follow`, `release on|off`, `add` and
//! `assign`, as changes to a `toml_edit` document (`keys.rs` has the
//! commands for keys).
//!
//! `enabled`, `rollout` and `schedule` are one state slot: `on`/`off`
//! without `--at` set the state now and remove the table's `schedule` (in
//! `env.E` with `--env E`), and the report says how many steps went;
//! `follow` drops it with the rest. With `--at TIME`, `on`/`off` and
//! `release on|off` add a step to the schedule instead and leave the state
//! now as it is (`model::schedule` has the rules, and what `--env` copies).
//!
//! Each command checks its names against the validated file first (an
//! unknown name is refused unless `--create` is given), changes only the
//! values it must, and leaves the writing to [`edit::edit_file`]. A changed
//! value keeps its trailing comment; a new key copies the indentation of its
//! table; new tables go after the last table of their kind.

use std::path::Path;

use toggles::{Date, Field, Snapshot, Source, Timestamp};
use toml_edit::{DocumentMut, Item, Table, Value};

use crate::args::{self, EditEnv, Force, StepAt};
use crate::document::edit::{
    NewToggle, drop_same_as_base, insert_table, insert_toggle, release_table, remove_in, set,
    set_replacing, toggle_table,
};
use crate::fail::{Fail, Outcome};
use crate::file;
use crate::model::choice::Choice;
use crate::model::decision::in_environment;
use crate::model::edit::{self, Edited};
use crate::model::names::{refuse_unknown_toggle, unknown_release};
use crate::model::report::{
    EditReport, Line, Members, Subject, TargetReport, Transition, state_lines,
};
use crate::model::schedule::{
    StepState, add_step, added_lines, is_past, own_schedule, replaced_lines, slot_schedule,
};
use crate::view::edits;
use crate::words::dedup;

// `toggles on|off`.
#[derive(clap::Args)]
pub struct Switch {
    /// The toggles
    #[arg(required = true, value_parser = args::name)]
    pub names: Vec<String>,
    /// Create the toggles the file lacks (not with --at)
    #[arg(long, conflicts_with = "at")]
    pub create: bool,
    #[command(flatten)]
    pub at: StepAt,
    #[command(flatten)]
    pub force: Force,
    #[command(flatten)]
    pub env: EditEnv,
}
// `toggles follow`.
#[derive(clap::Args)]
pub struct Follow {
    /// The toggles
    #[arg(required = true, value_parser = args::name)]
    pub names: Vec<String>,
    #[command(flatten)]
    pub force: Force,
    #[command(flatten)]
    pub env: EditEnv,
}
// `toggles release on|off`.
#[derive(clap::Args)]
pub struct ReleaseSwitch {
    /// The release
    #[arg(value_parser = args::name)]
    pub release: String,
    /// Create the release if the file lacks it (not with --at)
    #[arg(long, conflicts_with = "at")]
    pub create: bool,
    #[command(flatten)]
    pub at: StepAt,
    #[command(flatten)]
    pub force: Force,
    #[command(flatten)]
    pub env: EditEnv,
}
// `toggles add`.
#[derive(clap::Args)]
pub struct Add {
    /// The new toggle's name
    #[arg(value_parser = args::name)]
    pub name: String,
    /// The release it belongs to
    #[arg(long, short, value_parser = args::name, value_name = "RELEASE")]
    pub release: Option<String>,
    /// What it is for
    #[arg(long, short)]
    pub description: Option<String>,
    /// Start it on (`enabled = true`) instead of off or following its release
    #[arg(long)]
    pub on: bool,
    /// Create the release too if the file lacks it
    #[arg(long)]
    pub create: bool,
    #[command(flatten)]
    pub force: Force,
}
// `toggles assign`.
#[derive(clap::Args)]
pub struct Assign {
    /// The toggle
    #[arg(value_parser = args::name)]
    pub name: String,
    /// The release it joins
    #[arg(value_parser = args::name)]
    pub release: String,
    /// Create the toggle and/or the release if the file lacks them
    #[arg(long)]
    pub create: bool,
    #[command(flatten)]
    pub force: Force,
}

pub fn switch_toggles(path: &Path, args: Switch, on: bool) -> Outcome {
    let choice = args.env.choice();
    if let Some(at) = args.at.at {
        return schedule_toggles(path, &args.names, on, at, args.force.force, &choice);
    }
    switch(
        path,
        &args.names,
        on,
        args.create,
        args.force.force,
        &choice,
    )
}

pub fn follow(path: &Path, args: Follow) -> Outcome {
    let choice = args.env.choice();
    follow_names(path, &args.names, args.force.force, &choice)
}

pub fn release(path: &Path, args: ReleaseSwitch, on: bool) -> Outcome {
    let choice = args.env.choice();
    if let Some(at) = args.at.at {
        let subject = Subject {
            release: true,
            name: &args.release,
            env: choice.name(),
        };
        let state = StepState::Enabled(on);
        return schedule_release(path, subject, state, at, args.force.force, &choice);
    }
    switch_release(
        path,
        &args.release,
        on,
        args.create,
        args.force.force,
        &choice,
    )
}

pub fn add(path: &Path, args: Add) -> Outcome {
    let new = NewToggle {
        name: &args.name,
        release: args.release.as_deref(),
        description: args.description.as_deref(),
        on: args.on,
    };
    add_toggle(path, new, args.create, args.force.force)
}

pub fn assign(path: &Path, args: Assign) -> Outcome {
    assign_release(
        path,
        &args.name,
        &args.release,
        args.create,
        args.force.force,
    )
}

/// `toggles on|off NAME…`: sets each toggle's own `enabled` and removes its
/// own `rollout` (the two never stand together: on and off mean every
/// key). Its `allow` list stays.
///
/// With `--env E` the same in the table's `env.E` values (the base ones
/// stay); a value equal to the base one is dropped instead, so the base
/// applies. A toggle created in E is off in the base values.
fn switch(
    path: &Path,
    names: &[String],
    on: bool,
    create: bool,
    force: bool,
    choice: &Choice,
) -> Outcome {
    let env = choice.name();
    let edited = edit::edit_file_in(path, choice, create, force, |before, doc| {
        for name in names {
            if !before.contains(name) && create {
                insert_toggle(
                    doc,
                    NewToggle {
                        name,
                        release: None,
                        description: None,
                        on: on && env.is_none(),
                    },
                    Date::today(),
                )?;
                if env.is_none() {
                    continue;
                }
            } else if !before.contains(name) {
                return Err(refuse_unknown_toggle(before, name, true));
            }
            let table = toggle_table(doc, name)?;
            set_replacing(table, env, "enabled", Value::from(on), "rollout");
            // The state slot is one value: a schedule goes with the rest.
            remove_in(table, env, "schedule");
            drop_same_as_base(table, env, &["enabled"]);
        }
        Ok(())
    })?;
    edits::print(path, &switch_report(names, on, env, &edited))
}

/// `toggles on|off NAME… --at TIME`: adds the step `{ at = TIME, enabled =
/// true|false }` to each toggle's `schedule` (`env.E.schedule` with `--env
/// E`), in time order; the state now stays (`model::schedule`).
fn schedule_toggles(
    path: &Path,
    names: &[String],
    on: bool,
    at: Timestamp,
    force: bool,
    choice: &Choice,
) -> Outcome {
    let env = choice.name();
    let mut starts = Vec::new();
    let edited = edit::edit_file_in(path, choice, false, force, |before, doc| {
        for name in dedup(names) {
            if !before.contains(name) {
                return Err(refuse_unknown_toggle(before, name, false));
            }
            let subject = Subject {
                release: false,
                name,
                env,
            };
            starts.push(add_step(before, doc, subject, at, StepState::Enabled(on))?);
        }
        Ok(())
    })?;
    if is_past(at) {
        edits::warn_past(at);
    }
    let targets = dedup(names)
        .zip(starts)
        .map(|(name, start)| {
            let subject = Subject {
                release: false,
                name,
                env,
            };
            let mut lines = state_lines(subject, &edited);
            // The step's lines go right after the state (before a release's toggles).
            lines.splice(1..1, added_lines(&edited, subject, at, start));
            TargetReport::new(subject, lines, &edited)
        })
        .collect();
    let report = EditReport {
        targets,
        written: edited.written,
    };
    edits::print(path, &report)
}

/// `toggles release on|off RELEASE --at TIME`: adds the step to the
/// release's `schedule` (`env.E.schedule` with `--env E`).
fn schedule_release(
    path: &Path,
    subject: Subject<'_>,
    state: StepState,
    at: Timestamp,
    force: bool,
    choice: &Choice,
) -> Outcome {
    let mut start = None;
    let edited = edit::edit_file_in(path, choice, false, force, |before, doc| {
        if before.release(subject.name).is_none() {
            return Err(unknown_release(before, subject.name, None));
        }
        start = add_step(before, doc, subject, at, state)?;
        Ok(())
    })?;
    if is_past(at) {
        edits::warn_past(at);
    }
    let mut lines = state_lines(subject, &edited);
    // The step's lines go right after the state (before a release's toggles).
    lines.splice(1..1, added_lines(&edited, subject, at, start));
    let report = EditReport {
        targets: vec![TargetReport::new(subject, lines, &edited)],
        written: edited.written,
    };
    edits::print(path, &report)
}

/// What `on`/`off` did to each toggle.
fn switch_report<'a>(
    names: &'a [String],
    on: bool,
    env: Option<&'a str>,
    edited: &'a Edited,
) -> EditReport<'a> {
    let targets = dedup(names)
        .map(|name| {
            let after = edited.after().get(name).expect("the edit defines it");
            let subject = Subject {
                release: false,
                name,
                env,
            };
            let scheduled = slot_schedule(&edited.before, subject).is_some();
            let mut lines = vec![match edited.before.get(name) {
                None => Line::Added {
                    enabled: after.is_enabled(),
                    line: after.line(),
                },
                Some(before)
                    if before.source() == Source::Own
                        && before.is_enabled() == on
                        && before.rollout().is_none()
                        && !scheduled =>
                {
                    Line::Already { after }
                }
                Some(before) => Line::Changed(Transition::new(before, after, edited)),
            }];
            if edited.before.contains(name) {
                lines.extend(replaced_lines(edited, subject));
            }
            if !on && after.allow().len() > 0 {
                lines.push(Line::KeysStayOn {
                    keys: after.allow().collect(),
                });
            }
            TargetReport::new(subject, lines, edited)
        })
        .collect();
    EditReport {
        targets,
        written: edited.written,
    }
}

/// `toggles follow NAME…`: drops each toggle's own `enabled`, `rollout`,
/// `schedule` and `allow` (any of them would keep its own table deciding).
/// Its environments' values stay.
///
/// With `--env E`: drops the toggle's `env.E` values instead, so that its
/// base values apply in E (an environment cannot unset a base value).
fn follow_names(path: &Path, names: &[String], force: bool, choice: &Choice) -> Outcome {
    let env = choice.name();
    let edited = edit::edit_file_in(path, choice, false, force, |before, doc| {
        for name in names {
            if !before.contains(name) {
                return Err(refuse_unknown_toggle(before, name, false));
            }
            let table = toggle_table(doc, name)?;
            for key in ["enabled", "rollout", "schedule", "allow"] {
                remove_in(table, env, key);
            }
        }
        Ok(())
    })?;
    // Whether the toggle has its own `env.E` values, in a snapshot of E.
    let has_env = |view: &Snapshot, name: &str| {
        let subject = Subject {
            release: false,
            name,
            env: view.environment(),
        };
        [Field::Enabled, Field::Rollout, Field::Allow]
            .into_iter()
            .any(|field| in_environment(view, "toggles", name, field))
            || view.environment().is_some() && own_schedule(view, subject).is_some()
    };
    let targets = dedup(names)
        .map(|name| {
            let (before, after) = (
                edited.before.get(name).expect("checked"),
                edited.after().get(name).expect("kept"),
            );
            let mut lines = Vec::new();
            match env {
                Some(environment) if has_env(&edited.before, name) => {
                    lines.push(Line::DroppedEnvironment {
                        transition: Transition::new(before, after, &edited),
                        environment,
                    });
                }
                Some(environment) => {
                    lines.push(Line::AlreadyWithoutEnvironment { environment, after })
                }
                None if before.source() != Source::Own => {
                    lines.push(Line::AlreadyFollows { after })
                }
                None => {
                    lines.push(Line::Changed(Transition::new(before, after, &edited)));
                    // A rollout set by a step in force is the schedule's.
                    if let Some(rollout) = before.rollout().filter(|_| before.step().is_none()) {
                        lines.push(Line::DroppedRollout(rollout));
                    }
                    if before.allow().len() > 0 {
                        lines.push(Line::DroppedAllow(before.allow().collect()));
                    }
                }
            }
            let subject = Subject {
                release: false,
                name,
                env,
            };
            lines.extend(replaced_lines(&edited, subject));
            if env.is_some() && after.source() == Source::Own && after.release().is_some() {
                lines.push(Line::BaseStillWins { after });
            }
            if env.is_none() {
                lines.extend(
                    edited
                        .views
                        .environments
                        .iter()
                        .filter(|(_, view)| has_env(view, name))
                        .map(|(e, _)| e.as_str())
                        .map(Line::KeepsEnvironment),
                );
            }
            TargetReport::new(subject, lines, &edited)
        })
        .collect();
    let report = EditReport {
        targets,
        written: edited.written,
    };
    edits::print(path, &report)
}

/// `toggles release on|off RELEASE`: sets the release's `enabled` and
/// removes its `rollout`; its `allow` list stays. With `--env E`, in its
/// `env.E` values (a release created in E is off in the base values).
fn switch_release(
    path: &Path,
    release: &str,
    on: bool,
    create: bool,
    force: bool,
    choice: &Choice,
) -> Outcome {
    let env = choice.name();
    let edited = edit::edit_file_in(path, choice, create, force, |before, doc| {
        if before.release(release).is_none() {
            if !create {
                return Err(unknown_release(
                    before,
                    release,
                    Some(format!("pass --create to add release `{release}`")),
                ));
            }
            let mut table = Table::new();
            table.insert("enabled", Item::Value(Value::from(on && env.is_none())));
            insert_table(doc, "releases", release, table)?;
            if env.is_none() {
                return Ok(());
            }
        }
        let table = release_table(doc, release)?;
        set_replacing(table, env, "enabled", Value::from(on), "rollout");
        remove_in(table, env, "schedule");
        drop_same_as_base(table, env, &["enabled"]);
        Ok(())
    })?;
    let subject = Subject {
        release: true,
        name: release,
        env,
    };
    let scheduled = slot_schedule(&edited.before, subject).is_some();
    let after = edited
        .after()
        .release(release)
        .expect("the edit defines it");
    let mut lines = vec![match edited.before.release(release) {
        None => Line::AddedRelease { after },
        Some(before) if before.is_enabled() == on && before.rollout().is_none() && !scheduled => {
            Line::AlreadyRelease { after }
        }
        Some(before) => Line::ReleaseChanged { before, after },
    }];
    if edited.before.release(release).is_some() {
        lines.extend(replaced_lines(&edited, subject));
    }
    lines.push(Line::Members(Members::of(edited.after(), after)));
    if !on && after.allow().len() > 0 {
        lines.push(Line::KeysStayOn {
            keys: after.allow().collect(),
        });
    }
    let report = EditReport {
        targets: vec![TargetReport::new(subject, lines, &edited)],
        written: edited.written,
    };
    edits::print(path, &report)
}

/// `toggles add NAME`: a new toggle table.
fn add_toggle(path: &Path, new: NewToggle<'_>, create: bool, force: bool) -> Outcome {
    let name = new.name;
    let edited = edit::edit_file(path, true, force, |before, doc| {
        if let Some(existing) = before.get(name) {
            return Err(Fail::error(format!(
                "toggle `{name}` already exists ({})",
                file::at(path, existing.line())
            ))
            .help(format!("switch it with `toggles on|off {name}`, or move it with `toggles assign {name} RELEASE`")));
        }
        if let Some(release) = new.release {
            ensure_release(before, doc, release, create)?;
        }
        insert_toggle(doc, new, Date::today())
    })?;
    let after = edited.after().get(name).expect("the edit defines it");
    let mut lines = vec![Line::Added {
        enabled: after.is_enabled(),
        line: after.line(),
    }];
    if after.source() == Source::Release {
        lines.push(Line::Follows { after });
    }
    let subject = Subject {
        release: false,
        name,
        env: None,
    };
    let report = EditReport {
        targets: vec![TargetReport::plain(subject, lines)],
        written: edited.written,
    };
    edits::print(path, &report)
}

/// `toggles assign NAME RELEASE`: sets the toggle's `release`.
fn assign_release(path: &Path, name: &str, release: &str, create: bool, force: bool) -> Outcome {
    let edited = edit::edit_file(path, create, force, |before, doc| {
        ensure_release(before, doc, release, create)?;
        if before.contains(name) {
            set(toggle_table(doc, name)?, "release", Value::from(release));
            Ok(())
        } else if create {
            let new = NewToggle {
                name,
                release: Some(release),
                description: None,
                on: false,
            };
            insert_toggle(doc, new, Date::today())
        } else {
            Err(refuse_unknown_toggle(before, name, true))
        }
    })?;
    let after = edited.after().get(name).expect("the edit defines it");
    let mut lines = vec![match edited.before.get(name) {
        None => Line::AddedToRelease {
            release,
            enabled: after.is_enabled(),
        },
        Some(before) if before.release() == Some(release) => Line::AlreadyInRelease { release },
        Some(before) => Line::NowInRelease {
            release,
            was: before.release(),
            transition: Transition::new(before, after, &edited),
        },
    }];
    if after.source() == Source::Own {
        lines.push(Line::OwnWinsOverRelease { after });
    }
    let subject = Subject {
        release: false,
        name,
        env: None,
    };
    let report = EditReport {
        targets: vec![TargetReport::plain(subject, lines)],
        written: edited.written,
    };
    edits::print(path, &report)
}

/// Creates `release` (off) if missing and `create` allows it.
fn ensure_release(
    before: &Snapshot,
    doc: &mut DocumentMut,
    release: &str,
    create: bool,
) -> Result<(), Fail> {
    if before.release(release).is_some() {
        return Ok(());
    }
    if !create {
        return Err(unknown_release(
            before,
            release,
            Some(format!("pass --create to add release `{release}` (off)")),
        ));
    }
    let mut table = Table::new();
    table.insert("enabled", Item::Value(Value::from(false)));
    insert_table(doc, "releases", release, table)
}
