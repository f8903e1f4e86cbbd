//! An edit's report ([`EditReport`]) as text: per table, its state before
//! and after and what else changed or stays, its state in each
//! environment, then `wrote FILE`.

use std::fmt::Write as _;
use std::path::Path;

use crate::fail::{EXIT_OK, Outcome};
use crate::file;
use crate::model::report::{
    EditReport, KeyAnswer, Line, Members, Subject, TargetReport, Transition,
};
use crate::view::state::{
    follows, own_fields, release_summary, summary, toggle_summary, transition,
};
use crate::words::{env_flag, keys, keys_stay, label, on_off, some_keys, who};

/// Prints the report of an edit of the file at `path`.
pub fn print(path: &Path, report: &EditReport<'_>) -> Outcome {
    print!("{}", render(path, report));
    Ok(EXIT_OK)
}

/// The report as the edit commands print it, every line ended.
pub fn render(path: &Path, report: &EditReport<'_>) -> String {
    let mut out = String::new();
    for target in &report.targets {
        render_target(&mut out, path, target);
    }
    if report.written {
        let _ = writeln!(out, "wrote {}", path.display());
    } else {
        let _ = writeln!(out, "nothing to change in {}", path.display());
    }
    out
}

fn render_target(out: &mut String, path: &Path, target: &TargetReport<'_>) {
    let subject = target.subject;
    for line in &target.lines {
        render_line(out, path, subject, line);
    }
    if !target.environments.is_empty() {
        let cells: Vec<String> = target
            .environments
            .iter()
            .map(|(environment, decision)| format!("{} {}", label(*environment), decision.cell()))
            .collect();
        let _ = writeln!(out, "  environments  {}", cells.join(" · "));
    }
}

/// `new_search in staging`, `release checkout-v2`: how a line starts.
fn who_of(subject: Subject<'_>) -> String {
    if subject.release {
        who(&format!("release {}", subject.name), subject.env)
    } else {
        who(subject.name, subject.env)
    }
}

fn transition_text(t: &Transition<'_>) -> String {
    transition(t.before, t.after, t.over)
}

fn render_line(out: &mut String, path: &Path, subject: Subject<'_>, line: &Line<'_>) {
    let who = who_of(subject);
    let (name, env) = (subject.name, subject.env);
    let _ = match line {
        Line::Added { enabled, line } => writeln!(
            out,
            "{who}: added, {} ({})",
            on_off(*enabled),
            file::at(path, *line)
        ),
        Line::AddedRelease { after } => writeln!(out, "{who}: added, {}", release_summary(after)),
        Line::Already { after } => writeln!(out, "{who}: already {}", toggle_summary(after)),
        Line::AlreadyRelease { after } => {
            writeln!(out, "{who}: already {}", release_summary(after))
        }
        Line::Changed(t) => writeln!(out, "{who}: {}", transition_text(t)),
        Line::ReleaseChanged { before, after } => {
            let (b, a) = (release_summary(before), release_summary(after));
            if b == a {
                writeln!(out, "{who}: {a}")
            } else {
                writeln!(out, "{who}: {b} → {a}")
            }
        }
        Line::DroppedEnvironment {
            transition,
            environment,
        } => writeln!(
            out,
            "{who}: {} — dropped its `env.{environment}` values: its base values apply",
            transition_text(transition)
        ),
        Line::AlreadyWithoutEnvironment { environment, after } => writeln!(
            out,
            "{who}: already without `env.{environment}` values: its base values apply ({})",
            toggle_summary(after)
        ),
        Line::AlreadyFollows { after } => writeln!(
            out,
            "{who}: already without its own `enabled` ({})",
            follows(after)
        ),
        Line::Follows { after } => writeln!(out, "  {}", follows(after)),
        Line::AddedToRelease { release, enabled } => writeln!(
            out,
            "{who}: added to release {release}, {}",
            on_off(*enabled)
        ),
        Line::AlreadyInRelease { release } => {
            writeln!(out, "{who}: already in release {release}")
        }
        Line::NowInRelease {
            release,
            was,
            transition,
        } => {
            let from = was.map_or(String::new(), |r| format!(" (was in {r})"));
            writeln!(
                out,
                "{who}: now in release {release}{from}, {}",
                transition_text(transition)
            )
        }
        Line::KeysStayOn { keys } => {
            let command = if subject.release {
                "release disallow"
            } else {
                "disallow"
            };
            writeln!(
                out,
                "  {} on through its `allow` list: {} (`toggles {command} {name} KEY…{}` takes keys out)",
                keys_stay(keys.len()),
                some_keys(keys.iter().copied()),
                env_flag(env)
            )
        }
        Line::DroppedRollout(rollout) => {
            writeln!(out, "  dropped its own `rollout = {}`", rollout.digits())
        }
        Line::DroppedAllow(list) => writeln!(
            out,
            "  dropped its own `allow` list ({}): {}",
            keys(list.len()),
            list.join(", ")
        ),
        Line::BaseStillWins { after } => writeln!(
            out,
            "  its base {} still wins over its release: `toggles follow {name}` (without --env) lets the release decide",
            own_fields(after)
        ),
        Line::KeepsEnvironment(environment) => writeln!(
            out,
            "  keeps its `env.{environment}` values (`toggles follow {name} --env {environment}` drops them)"
        ),
        Line::Members(members) => {
            render_members(out, members, env);
            Ok(())
        }
        Line::NoKeyGetsOff => writeln!(
            out,
            "  a check without a key gets OFF: a rollout is on without a key only at 100%"
        ),
        Line::CopiedBaseList { environment, keys } => writeln!(
            out,
            "  `env.{environment}.allow` replaces the base list, so it starts as a copy of it: {}",
            some_keys(keys.iter().map(String::as_str))
        ),
        Line::Key { key, answer } => match answer {
            KeyAnswer::Allowed => writeln!(out, "  {key}: allowed"),
            KeyAnswer::AlreadyAllowed => writeln!(out, "  {key}: already allowed"),
            KeyAnswer::NoLongerAllowed => writeln!(out, "  {key}: no longer allowed"),
            KeyAnswer::NoOwnList => {
                writeln!(out, "  {key}: not allowed (no `allow` list of its own)")
            }
            KeyAnswer::NotInTheListEither => {
                writeln!(out, "  {key}: was not in the `allow` list either")
            }
            KeyAnswer::NotIn(list) => writeln!(
                out,
                "  {key}: not in the `allow` list (it holds {})",
                some_keys(list.iter().map(String::as_str))
            ),
        },
        Line::OnForEveryKey => writeln!(
            out,
            "  it is ON for every key: the list matters once it is off or rolled out to a share of keys"
        ),
        Line::NoKeysLeft {
            kept_empty_in: Some(environment),
        } => writeln!(
            out,
            "  no keys left in {environment}: `env.{environment}.allow = []` keeps the base list out"
        ),
        Line::NoKeysLeft {
            kept_empty_in: None,
        } => writeln!(out, "  no keys left: the `allow` line is removed"),
        Line::NoOwnStateLeft { after } => writeln!(
            out,
            "  {name} has no state of its own left: {}",
            follows(after)
        ),
        Line::OwnWinsOverRelease { after } => writeln!(
            out,
            "  its own {} wins over the release: `toggles follow {name}` lets the release decide",
            own_fields(after)
        ),
        Line::StepAdded { step, replaced } => {
            let at = file::at(path, step.line());
            match replaced {
                Some(old) if step_state(old) == step_state(step) => writeln!(
                    out,
                    "  step at {} already sets {} ({at})",
                    step.at(),
                    step_state(step)
                ),
                Some(old) => writeln!(
                    out,
                    "  step at {} replaced: {} → {} ({at})",
                    step.at(),
                    step_state(old),
                    step_state(step)
                ),
                None => writeln!(
                    out,
                    "  step added: from {} on, {} ({at})",
                    step.at(),
                    step_state(step)
                ),
            }
        }
        Line::StartCopied {
            environment,
            written,
        } => writeln!(
            out,
            "  `env.{environment}.{written}` written as the schedule's start: \
             `env.{environment}.schedule` replaces the base state in {environment}, \
             which stays as it was until the first step"
        ),
        Line::ScheduleRemoved { steps, environment } => {
            let key = environment.map_or("schedule".to_owned(), |e| format!("env.{e}.schedule"));
            writeln!(
                out,
                "  {key} of {} removed: the state is one value, set now \
                 (add `--at TIME` to add a step instead)",
                steps_word(*steps)
            )
        }
        Line::BaseScheduleReplaced { environment, steps } => writeln!(
            out,
            "  the base schedule ({}) no longer applies in {environment}: \
             its own value replaces the base state there",
            steps_word(*steps)
        ),
        Line::Unscheduled { steps, environment } => {
            let key = environment.map_or("schedule".to_owned(), |e| format!("env.{e}.schedule"));
            writeln!(out, "  {key} of {} removed", steps_word(*steps))
        }
        Line::StepRemoved(step) => writeln!(
            out,
            "  step removed: from {} on, {}",
            step.at(),
            step_state(step)
        ),
        Line::NextStep {
            next,
            in_force,
            steps,
        } => match (next, in_force) {
            (Some(next), _) => writeln!(
                out,
                "  next step: from {} on, {} ({}); {} in all",
                next.at(),
                step_state(next),
                file::at(path, next.line()),
                steps_word(*steps)
            ),
            (None, Some(last)) => writeln!(
                out,
                "  no step to come: the last ({}, {}) is in force",
                last.at(),
                step_state(last)
            ),
            (None, None) => Ok(()),
        },
    };
}

/// What a step sets, in words: `ON`, `OFF`, `50% of keys`.
fn step_state(step: &toggles::Step) -> String {
    summary(step.is_enabled(), step.rollout(), 0)
}

/// `1 step`, `3 steps`.
fn steps_word(n: usize) -> String {
    if n == 1 {
        "1 step".to_owned()
    } else {
        format!("{n} steps")
    }
}

/// Warns (on stderr) that a step's instant is not in the future: it takes
/// effect at once.
pub fn warn_past(at: toggles::Timestamp) {
    eprintln!("warning: the step at {at} is in the past: it takes effect at once");
}

/// How many of a release's toggles are on, and each toggle whose own state
/// wins over the release's.
fn render_members(out: &mut String, members: &Members<'_>, env: Option<&str>) {
    let (count_on, total) = (members.count_on, members.total);
    let _ = match members.rollout {
        None => writeln!(out, "  {count_on} of {total} toggles enabled"),
        Some((rollout, following)) => writeln!(
            out,
            "  {following} of {total} toggles follow its rollout of {rollout}; \
             {count_on} of {total} enabled for a check without a key"
        ),
    };
    for toggle in &members.own {
        let name = toggle.name();
        let _ = writeln!(
            out,
            "  {name} stays {}: its own {} wins (`toggles follow {name}{}` lets the release decide)",
            toggle_summary(toggle),
            own_fields(toggle),
            env_flag(env)
        );
    }
}
