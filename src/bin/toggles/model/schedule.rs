//! A table's `schedule` in an edit: adding a step (`--at` on `on`, `off`,
//! `rollout` and their release forms), taking steps out (`unschedule`),
//! and the report lines about them.
//!
//! The rules it keeps are the file's (`enabled`, `rollout` and `schedule`
//! are one state slot; `env.E.schedule` replaces the base slot in E, with
//! `env.E.enabled`/`env.E.rollout` as its start, absent = off). Where each
//! step is and which is in force is the library's answer
//! (`ToggleInfo::schedule`, `Release::schedule`, `Schedule::steps`, in the
//! order of the array as written), never read back from the text.
//!
//! Adding a step changes nothing before it:
//!
//! - A toggle that follows its release is refused: a schedule of its own
//!   would make its own table decide, off before its first step.
//! - The first step of `env.E.schedule`, where E has no `enabled` or
//!   `rollout` of its own, would start E from "off" instead of the base
//!   state it had: the base value is copied into `env.E` as the start
//!   (nothing is copied for an off state: absent is off already). Where the
//!   base slot has a schedule itself, E's start would be a plan, not a
//!   value: refused, with what to do (write E's steps by hand, or copy the
//!   base plan into `env.E` first).

use toggles::{Rollout, Schedule, Snapshot, Source, Step, Timestamp};
use toml_edit::{DocumentMut, Value};

use crate::document::edit::{entry, layout_error, rollout_value, set_in};
use crate::document::schedule::{Place, holds, new_schedule, own_steps, put_step, step};
use crate::fail::Fail;
use crate::model::decision::cell;
use crate::model::edit::Edited;
use crate::model::report::{Line, Subject};
use crate::words::env_flag;

/// The state a step sets: `enabled` or `rollout`.
#[derive(Clone, Copy, Debug)]
pub enum StepState {
    Enabled(bool),
    Rollout(Rollout),
}

impl StepState {
    fn key(self) -> &'static str {
        match self {
            StepState::Enabled(_) => "enabled",
            StepState::Rollout(_) => "rollout",
        }
    }

    fn value(self) -> Value {
        match self {
            StepState::Enabled(on) => Value::from(on),
            StepState::Rollout(rollout) => rollout_value(rollout),
        }
    }
}

/// `toggles` or `releases`.
fn section(subject: Subject<'_>) -> &'static str {
    if subject.release {
        "releases"
    } else {
        "toggles"
    }
}

/// `toggle new_search`, `release checkout-v2`, with ` in E`.
fn what(subject: Subject<'_>) -> String {
    let kind = if subject.release { "release" } else { "toggle" };
    match subject.env {
        Some(environment) => format!("{kind} `{}` in {environment}", subject.name),
        None => format!("{kind} `{}`", subject.name),
    }
}

/// The schedule of the table's state slot in `view`, base or `env.E`,
/// whichever applies there; for a toggle, its own (never its release's).
pub fn slot_schedule<'s>(view: &'s Snapshot, subject: Subject<'_>) -> Option<&'s Schedule> {
    if subject.release {
        view.release(subject.name)?.schedule()
    } else {
        view.get(subject.name)
            .filter(|toggle| toggle.source() == Source::Own)?
            .schedule()
    }
}

/// The schedule written in the values an edit of `subject` changes:
/// `env.E.schedule` with `--env E`, else the base `schedule`.
pub fn own_schedule<'s>(view: &'s Snapshot, subject: Subject<'_>) -> Option<&'s Schedule> {
    slot_schedule(view, subject).filter(|s| s.is_in_environment() == subject.env.is_some())
}

/// `2026-12-07T09:00:00Z, 2026-12-09T09:00:00Z`: a schedule's instants.
pub fn instants(schedule: &Schedule) -> String {
    schedule
        .steps()
        .map(|step| step.at().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds the step `{ at = AT, KEY = … }` to the table's `schedule` in the
/// values edited (`env.E` with `--env E`), in time order; a step at the
/// same instant is replaced. Returns the start value copied into `env.E`,
/// as written (`rollout = 1`), if one was (see the module docs).
pub fn add_step(
    before: &Snapshot,
    doc: &mut DocumentMut,
    subject: Subject<'_>,
    at: Timestamp,
    state: StepState,
) -> Result<Option<String>, Fail> {
    let env = subject.env;
    let name = subject.name;
    if !subject.release
        && let Some(toggle) = before.get(name)
        && toggle.source() == Source::Release
    {
        let release = toggle.release().unwrap_or_default();
        let e = env_flag(env);
        return Err(Fail::error(format!(
            "{} follows release {release} ({}): a `schedule` of its own would make its own \
             table decide, OFF before its first step",
            what(subject),
            cell(toggle.is_enabled(), toggle.rollout(), toggle.allow().len())
        ))
        .help(format!(
            "schedule the whole release (`toggles release on|off {release} --at TIME{e}`, \
             `toggles release rollout {release} PERCENT --at TIME{e}`), or give `{name}` its own \
             state first (`toggles on|off {name}{e}`, `toggles rollout {name} PERCENT{e}`)"
        )));
    }
    let instants: Option<Vec<Timestamp>> =
        own_schedule(before, subject).map(|s| s.steps().map(Step::at).collect());
    let base = slot_schedule(before, subject).map(|s| s.steps().len());
    let table = entry(doc, section(subject), name)?;
    let written = step(at, state.key(), state.value());
    if let Some(instants) = instants {
        if own_steps(table, env).map(|array| array.len()) != Some(instants.len()) {
            return Err(layout_error(&format!(
                "{}.{name}.schedule",
                section(subject)
            )));
        }
        let index = instants.partition_point(|instant| *instant < at);
        let place = if instants.get(index) == Some(&at) {
            Place::Instead(index)
        } else {
            Place::Before(index)
        };
        put_step(table, env, place, written);
        return Ok(None);
    }
    let mut start = None;
    if let Some(environment) = env
        && !holds(table, env, "enabled")
        && !holds(table, env, "rollout")
    {
        if let Some(steps) = base {
            return Err(Fail::error(format!(
                "{} has no state of its own there: the base `schedule` ({steps} steps) applies; \
                 a step in `env.{environment}.schedule` would replace that whole plan in \
                 {environment}, starting from `env.{environment}`'s own value",
                what(subject)
            ))
            .help(format!(
                "write {environment}'s plan by hand (its start `env.{environment}.enabled` or \
                 `env.{environment}.rollout`, and every step in `env.{environment}.schedule`), \
                 or copy the base plan into `env.{environment}` first and then add the step \
                 with --at; without --env the step goes into the base schedule"
            )));
        }
        // E's state is the base slot's, a plain value: it becomes the start
        // of E's schedule (absent, the start would be off).
        let (enabled, rollout) = if subject.release {
            let release = before.release(name).expect("checked");
            (release.is_enabled(), release.rollout())
        } else {
            let toggle = before.get(name).expect("checked");
            match toggle.source() {
                Source::Own => (toggle.is_enabled(), toggle.rollout()),
                _ => (false, None),
            }
        };
        if let Some(rollout) = rollout {
            set_in(table, env, "rollout", rollout_value(rollout));
            start = Some(format!("rollout = {}", rollout.digits()));
        } else if enabled {
            set_in(table, env, "enabled", Value::from(true));
            start = Some("enabled = true".to_owned());
        }
    }
    new_schedule(table, env, written);
    Ok(start)
}

/// The step of the table's schedule in the values edited at `at`.
fn step_at<'s>(view: &'s Snapshot, subject: Subject<'_>, at: Timestamp) -> Option<&'s Step> {
    own_schedule(view, subject)?
        .steps()
        .find(|step| step.at() == at)
}

/// The report's lines after a step added at `at`: the step (and the one at
/// the same instant it replaced), the start value copied into `env.E`,
/// then the next step.
pub fn added_lines<'a>(
    edited: &'a Edited,
    subject: Subject<'a>,
    at: Timestamp,
    start: Option<String>,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    if let Some(step) = step_at(edited.after(), subject, at) {
        let replaced = step_at(&edited.before, subject, at).copied();
        lines.push(Line::StepAdded { step, replaced });
    }
    if let (Some(environment), Some(written)) = (subject.env, start) {
        lines.push(Line::StartCopied {
            environment,
            written,
        });
    }
    lines.extend(next_line(edited.after(), subject));
    lines
}

/// After an edit of the state now: the schedule it removed with the rest
/// of the state slot (the table's own in the values edited, or, with
/// `--env E`, the base one that applied in E).
pub fn replaced_lines<'a>(edited: &'a Edited, subject: Subject<'a>) -> Vec<Line<'a>> {
    let before = slot_schedule(&edited.before, subject);
    let after = slot_schedule(edited.after(), subject);
    let mut lines = Vec::new();
    if let Some(own) = own_schedule(&edited.before, subject)
        && own_schedule(edited.after(), subject).is_none()
    {
        lines.push(Line::ScheduleRemoved {
            steps: own.steps().len(),
            environment: subject.env,
        });
    } else if let (Some(environment), Some(base), None) = (subject.env, before, after)
        && !base.is_in_environment()
    {
        lines.push(Line::BaseScheduleReplaced {
            environment,
            steps: base.steps().len(),
        });
    }
    lines.extend(next_line(edited.after(), subject));
    lines
}

/// Where the table has a schedule in `view` (its deciding table's: for a
/// toggle that follows its release, the release's): its next step.
pub fn next_line<'a>(view: &'a Snapshot, subject: Subject<'_>) -> Option<Line<'a>> {
    let (schedule, next, in_force) = if subject.release {
        let release = view.release(subject.name)?;
        (release.schedule()?, release.next_step(), release.step())
    } else {
        let toggle = view.get(subject.name)?;
        (toggle.schedule()?, toggle.next_step(), toggle.step())
    };
    Some(Line::NextStep {
        next,
        in_force,
        steps: schedule.steps().len(),
    })
}

/// Whether `at` is now or past: such a step takes effect at once.
pub fn is_past(at: Timestamp) -> bool {
    at <= Timestamp::now()
}
