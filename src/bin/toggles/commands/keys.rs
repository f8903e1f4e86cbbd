//! The edit commands for keys: `rollout`, `allow` and `disallow`, on a
//! toggle (`toggles rollout NAME 10`) or a release (`toggles release
//! rollout NAME 10`); and how a table's state for keys reads
//! (`10% of keys + 2 allowed`), shared by every command that prints one.
//!
//! The rules they keep (the file's, as `toggles::Snapshot::parse` enforces
//! them):
//!
//! - `rollout` and `enabled` never stand together in one table: setting a
//!   rollout removes `enabled`, and `on`/`off` (which mean every key)
//!   remove `rollout`. An `allow` list stays through both.
//! - `enabled`, `rollout` and `schedule` are one state slot: `rollout`
//!   without `--at` removes the table's `schedule` too (the report says so);
//!   with `--at TIME` it adds the step `{ at = TIME, rollout = PERCENT }` to
//!   the schedule instead, and the state now stays (`model::schedule`).
//! - A toggle's own table decides as soon as it has `enabled`, `rollout` or
//!   `allow`. So `allow` is refused on a toggle that follows its release:
//!   an `allow` list alone would make it off for every other key.
//! - Percents are read as the file reads them: 0 to 100, at most two
//!   decimals; written as an integer when whole (`rollout = 10`), else as a
//!   float (`rollout = 12.5`).

use std::path::Path;

use toggles::{Field, Snapshot, Source, Timestamp};
use toml_edit::{Array, Value};

use crate::args::{self, EditEnv, Force, StepAt};
use crate::document::array::{own_list, push, take_out};
use crate::document::edit::{
    base_value, drop_same_as_base, entry, layout_error, remove_in, rollout_value, set_in,
    set_replacing,
};
use crate::fail::{Fail, Outcome};
use crate::model::choice::Choice;
use crate::model::decision::in_environment;
use crate::model::edit::{self, Edited};
use crate::model::names::{refuse_unknown_toggle, unknown_release};
use crate::model::report::{EditReport, KeyAnswer, Line, Subject, TargetReport, state_lines};
use crate::model::schedule::{StepState, add_step, added_lines, is_past, replaced_lines};
use crate::view::edits;
use crate::view::state::toggle_summary;
use crate::words::{dedup, env_flag};

// `toggles rollout`.
#[derive(clap::Args)]
pub struct Rollout {
    /// The toggle
    #[arg(value_parser = args::name)]
    pub name: String,
    /// The percent of keys that get it: 0 to 100, at most two decimals (12.5)
    #[arg(allow_negative_numbers = true)]
    pub percent: toggles::Rollout,
    #[command(flatten)]
    pub at: StepAt,
    #[command(flatten)]
    pub force: Force,
    #[command(flatten)]
    pub env: EditEnv,
}
// `toggles allow`.
#[derive(clap::Args)]
pub struct Allow {
    /// The toggle
    #[arg(value_parser = args::name)]
    pub name: String,
    /// The keys (user ids, tenants…)
    #[arg(required = true, value_parser = args::key)]
    pub keys: Vec<String>,
    #[command(flatten)]
    pub force: Force,
    #[command(flatten)]
    pub env: EditEnv,
}
// `toggles disallow`.
#[derive(clap::Args)]
pub struct Disallow {
    /// The toggle
    #[arg(value_parser = args::name)]
    pub name: String,
    /// The keys
    #[arg(required = true, value_parser = args::key)]
    pub keys: Vec<String>,
    #[command(flatten)]
    pub force: Force,
    #[command(flatten)]
    pub env: EditEnv,
}
// `toggles release rollout`.
#[derive(clap::Args)]
pub struct ReleaseRollout {
    /// The release
    #[arg(value_parser = args::name)]
    pub release: String,
    /// The percent of keys that get it: 0 to 100, at most two decimals (12.5)
    #[arg(allow_negative_numbers = true)]
    pub percent: toggles::Rollout,
    #[command(flatten)]
    pub at: StepAt,
    #[command(flatten)]
    pub force: Force,
    #[command(flatten)]
    pub env: EditEnv,
}
// `toggles release allow`.
#[derive(clap::Args)]
pub struct ReleaseAllow {
    /// The release
    #[arg(value_parser = args::name)]
    pub release: String,
    /// The keys (user ids, tenants…)
    #[arg(required = true, value_parser = args::key)]
    pub keys: Vec<String>,
    #[command(flatten)]
    pub force: Force,
    #[command(flatten)]
    pub env: EditEnv,
}
// `toggles release disallow`.
#[derive(clap::Args)]
pub struct ReleaseDisallow {
    /// The release
    #[arg(value_parser = args::name)]
    pub release: String,
    /// The keys
    #[arg(required = true, value_parser = args::key)]
    pub keys: Vec<String>,
    #[command(flatten)]
    pub force: Force,
    #[command(flatten)]
    pub env: EditEnv,
}

pub fn rollout(path: &Path, args: Rollout) -> Outcome {
    let choice = args.env.choice();
    let target = Target::Toggle(&args.name);
    match args.at.at {
        Some(at) => schedule_rollout(path, target, args.percent, at, args.force.force, &choice),
        None => set_rollout(path, target, args.percent, args.force.force, &choice),
    }
}

pub fn allow(path: &Path, args: Allow) -> Outcome {
    let choice = args.env.choice();
    let target = Target::Toggle(&args.name);
    allow_keys(path, target, &args.keys, args.force.force, &choice)
}

pub fn disallow(path: &Path, args: Disallow) -> Outcome {
    let choice = args.env.choice();
    let target = Target::Toggle(&args.name);
    disallow_keys(path, target, &args.keys, args.force.force, &choice)
}

pub fn release_rollout(path: &Path, args: ReleaseRollout) -> Outcome {
    let choice = args.env.choice();
    let target = Target::Release(&args.release);
    match args.at.at {
        Some(at) => schedule_rollout(path, target, args.percent, at, args.force.force, &choice),
        None => set_rollout(path, target, args.percent, args.force.force, &choice),
    }
}

pub fn release_allow(path: &Path, args: ReleaseAllow) -> Outcome {
    let choice = args.env.choice();
    let target = Target::Release(&args.release);
    allow_keys(path, target, &args.keys, args.force.force, &choice)
}

pub fn release_disallow(path: &Path, args: ReleaseDisallow) -> Outcome {
    let choice = args.env.choice();
    let target = Target::Release(&args.release);
    disallow_keys(path, target, &args.keys, args.force.force, &choice)
}

/// The table an edit changes.
#[derive(Clone, Copy)]
enum Target<'a> {
    Toggle(&'a str),
    Release(&'a str),
}

impl<'a> Target<'a> {
    fn name(self) -> &'a str {
        match self {
            Target::Toggle(name) | Target::Release(name) => name,
        }
    }

    fn section(self) -> &'static str {
        match self {
            Target::Toggle(_) => "toggles",
            Target::Release(_) => "releases",
        }
    }

    /// The table, in the environment edited, as a report names it.
    fn subject(self, env: Option<&'a str>) -> Subject<'a> {
        Subject {
            release: matches!(self, Target::Release(_)),
            name: self.name(),
            env,
        }
    }

    /// Refuses a name the file lacks, with the usual hints.
    fn check(self, snapshot: &Snapshot) -> Result<(), Fail> {
        match self {
            Target::Toggle(name) if !snapshot.contains(name) => {
                Err(refuse_unknown_toggle(snapshot, name, false))
            }
            Target::Release(name) if snapshot.release(name).is_none() => {
                Err(unknown_release(snapshot, name, None))
            }
            _ => Ok(()),
        }
    }

    /// The table's own `allow` list in `snapshot` (a toggle's own only: a
    /// follower's list is its release's).
    fn own_allow(self, snapshot: &Snapshot) -> Vec<String> {
        let list: Vec<&str> = match self {
            Target::Toggle(name) => snapshot
                .get(name)
                .filter(|t| t.source() == Source::Own)
                .map(|t| t.allow().collect())
                .unwrap_or_default(),
            Target::Release(name) => snapshot
                .release(name)
                .map(|r| r.allow().collect())
                .unwrap_or_default(),
        };
        list.into_iter().map(str::to_owned).collect()
    }
}

/// `toggles rollout NAME PERCENT`, `toggles release rollout NAME PERCENT`:
/// sets the table's `rollout` and removes its `enabled`.
///
/// With `--env E`, in the table's `env.E` values (the same rollout as the
/// base one is dropped instead: the base applies).
fn set_rollout(
    path: &Path,
    target: Target<'_>,
    rollout: toggles::Rollout,
    force: bool,
    choice: &Choice,
) -> Outcome {
    let env = choice.name();
    let edited = edit::edit_file_in(path, choice, false, force, |before, doc| {
        target.check(before)?;
        let table = entry(doc, target.section(), target.name())?;
        set_replacing(table, env, "rollout", rollout_value(rollout), "enabled");
        // The state slot is one value: a schedule goes with the rest.
        remove_in(table, env, "schedule");
        drop_same_as_base(table, env, &["rollout"]);
        Ok(())
    })?;
    let mut lines = first_lines(target, &edited);
    lines.extend(replaced_lines(&edited, target.subject(env)));
    if !rollout.is_full() {
        lines.push(Line::NoKeyGetsOff);
    }
    finish(path, target, env, lines, &edited)
}

/// `toggles rollout NAME PERCENT --at TIME` (and the release form): adds
/// the step `{ at = TIME, rollout = PERCENT }` to the table's `schedule`
/// (`env.E.schedule` with `--env E`), in time order; the state now stays
/// (`model::schedule`).
fn schedule_rollout(
    path: &Path,
    target: Target<'_>,
    rollout: toggles::Rollout,
    at: Timestamp,
    force: bool,
    choice: &Choice,
) -> Outcome {
    let env = choice.name();
    let subject = target.subject(env);
    let mut start = None;
    let edited = edit::edit_file_in(path, choice, false, force, |before, doc| {
        target.check(before)?;
        start = add_step(before, doc, subject, at, StepState::Rollout(rollout))?;
        Ok(())
    })?;
    if is_past(at) {
        edits::warn_past(at);
    }
    let mut lines = first_lines(target, &edited);
    // The step's lines go right after the state (before a release's toggles).
    lines.splice(1..1, added_lines(&edited, subject, at, start));
    finish(path, target, env, lines, &edited)
}

/// `toggles allow NAME KEY…`, `toggles release allow NAME KEY…`: adds the
/// keys to the table's `allow` list, creating it.
///
/// With `--env E`, in the table's `env.E.allow`. An environment's list
/// replaces the base one, so a new one starts as a copy of the base list.
fn allow_keys(
    path: &Path,
    target: Target<'_>,
    keys: &[String],
    force: bool,
    choice: &Choice,
) -> Outcome {
    let env = choice.name();
    let edited = edit::edit_file_in(path, choice, false, force, |before, doc| {
        target.check(before)?;
        if let Target::Toggle(name) = target {
            refuse_follower(before, name, env)?;
        }
        let present = target.own_allow(before);
        let new: Vec<&str> = dedup(keys)
            .filter(|key| !present.iter().any(|p| p == key))
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        let table = entry(doc, target.section(), target.name())?;
        match own_list(table, env) {
            Some(array) => {
                for key in new {
                    push(array, key);
                }
            }
            None => {
                // Without a list of its own, an environment has the base
                // list (`present`); its own list will replace it.
                let mut list: Vec<&str> = present.iter().map(String::as_str).collect();
                list.extend(new);
                set_in(table, env, "allow", Value::Array(Array::from_iter(list)));
            }
        }
        drop_same_as_base(table, env, &["allow"]);
        Ok(())
    })?;
    let mut lines = first_lines(target, &edited);
    let before = target.own_allow(&edited.before);
    if let Some(environment) = env
        && edited.written
        && !before.is_empty()
        && !in_environment(
            &edited.before,
            target.section(),
            target.name(),
            Field::Allow,
        )
    {
        lines.push(Line::CopiedBaseList {
            environment,
            keys: before.clone(),
        });
    }
    for key in dedup(keys) {
        let answer = if before.iter().any(|k| k == key) {
            KeyAnswer::AlreadyAllowed
        } else {
            KeyAnswer::Allowed
        };
        lines.push(Line::Key { key, answer });
    }
    if on_for_every_key(target, edited.after()) {
        lines.push(Line::OnForEveryKey);
    }
    finish(path, target, env, lines, &edited)
}

/// `toggles disallow NAME KEY…`, `toggles release disallow NAME KEY…`:
/// removes the keys from the table's `allow` list; without keys left, the
/// list goes.
///
/// With `--env E`, in the table's `env.E.allow`: without one, a copy of the
/// base list without the keys; with no keys left, `env.E.allow = []` when
/// the base list has keys (removing it would bring them back).
fn disallow_keys(
    path: &Path,
    target: Target<'_>,
    keys: &[String],
    force: bool,
    choice: &Choice,
) -> Outcome {
    let env = choice.name();
    let edited = edit::edit_file_in(path, choice, false, force, |before, doc| {
        target.check(before)?;
        let present = target.own_allow(before);
        let gone: Vec<&str> = dedup(keys)
            .filter(|key| present.iter().any(|p| p == key))
            .collect();
        if gone.is_empty() {
            return Ok(());
        }
        let table = entry(doc, target.section(), target.name())?;
        let base_keys = base_value(table, "allow")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        if env.is_some() && own_list(table, env).is_none() {
            let rest: Vec<&str> = present
                .iter()
                .map(String::as_str)
                .filter(|key| !gone.contains(key))
                .collect();
            set_in(table, env, "allow", Value::Array(Array::from_iter(rest)));
        } else if gone.len() == present.len() && env.is_some() && base_keys {
            set_in(table, env, "allow", Value::Array(Array::new()));
        } else if gone.len() == present.len() {
            remove_in(table, env, "allow");
        } else {
            let array = own_list(table, env)
                .ok_or_else(|| layout_error(&format!("{}.allow", target.name())))?;
            for key in gone {
                let index = array.iter().position(|v| v.as_str() == Some(key));
                if let Some(index) = index {
                    take_out(array, index);
                }
            }
        }
        drop_same_as_base(table, env, &["allow"]);
        Ok(())
    })?;
    let mut lines = first_lines(target, &edited);
    let before = target.own_allow(&edited.before);
    let after = target.own_allow(edited.after());
    for key in dedup(keys) {
        let answer = if before.iter().any(|k| k == key) {
            KeyAnswer::NoLongerAllowed
        } else if before.is_empty() {
            KeyAnswer::NoOwnList
        } else if after.is_empty() {
            KeyAnswer::NotInTheListEither
        } else {
            KeyAnswer::NotIn(after.clone())
        };
        lines.push(Line::Key { key, answer });
    }
    if !before.is_empty() && after.is_empty() {
        let kept_empty_in = env.filter(|_| {
            in_environment(
                edited.after(),
                target.section(),
                target.name(),
                Field::Allow,
            )
        });
        lines.push(Line::NoKeysLeft { kept_empty_in });
    }
    if let Target::Toggle(name) = target
        && let (Some(b), Some(a)) = (edited.before.get(name), edited.after().get(name))
        && b.source() == Source::Own
        && a.source() != Source::Own
    {
        lines.push(Line::NoOwnStateLeft { after: a });
    }
    finish(path, target, env, lines, &edited)
}

/// Refuses an `allow` list on a toggle that follows its release: its own
/// table would decide from then on, off for every key not in the list.
fn refuse_follower(snapshot: &Snapshot, name: &str, env: Option<&str>) -> Result<(), Fail> {
    let Some(toggle) = snapshot.get(name) else {
        return Ok(());
    };
    match (toggle.source(), toggle.release()) {
        (Source::Release, Some(release)) => Err(Fail::error(format!(
            "toggle `{name}` follows release {release} ({}): an `allow` list of its own would \
             make its own table decide, OFF for every key not in the list",
            toggle_summary(toggle)
        ))
        .help(format!(
            "allow the keys on the whole release with `toggles release allow {release} KEY…{e}`, \
             or give `{name}` its own state first (`toggles on|off {name}{e}`, \
             `toggles rollout {name} PERCENT{e}`)",
            e = env_flag(env)
        ))),
        _ => Ok(()),
    }
}

/// Whether the table is on for every key, so that its `allow` list
/// changes nothing for now.
fn on_for_every_key(target: Target<'_>, after: &Snapshot) -> bool {
    let state = match target {
        Target::Toggle(name) => after.get(name).map(|t| (t.is_enabled(), t.rollout())),
        Target::Release(name) => after.release(name).map(|r| (r.is_enabled(), r.rollout())),
    };
    state.is_some_and(|(enabled, rollout)| enabled && rollout.is_none())
}

/// The first lines of an edit's report: the table's state before and
/// after, and for a release, its toggles.
fn first_lines<'a>(target: Target<'a>, edited: &'a Edited) -> Vec<Line<'a>> {
    state_lines(target.subject(None), edited)
}

/// The report of an edit of one table (with its state in every
/// environment), printed.
fn finish<'a>(
    path: &Path,
    target: Target<'a>,
    env: Option<&'a str>,
    lines: Vec<Line<'a>>,
    edited: &'a Edited,
) -> Outcome {
    let report = EditReport {
        targets: vec![TargetReport::new(target.subject(env), lines, edited)],
        written: edited.written,
    };
    edits::print(path, &report)
}
