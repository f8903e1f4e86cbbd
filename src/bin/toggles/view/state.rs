//! A table's state in words: `10% of keys + 2 allowed`, `ON → OFF
//! (follows release r)`, what in a toggle's own table decides.

use toggles::{Release, Rollout, Schedule, Source, Step, ToggleInfo};

use crate::words::on_off;

/// How a table's state reads for keys: `ON`, `OFF`, `10% of keys`, with
/// ` + 2 allowed` when it has an `allow` list.
pub fn summary(enabled: bool, rollout: Option<Rollout>, allowed: usize) -> String {
    let base = match rollout {
        Some(rollout) => format!("{rollout} of keys"),
        None => on_off(enabled).to_owned(),
    };
    if allowed == 0 {
        base
    } else {
        format!("{base} + {allowed} allowed")
    }
}

/// [`summary`] of a toggle's deciding table.
pub fn toggle_summary(toggle: &ToggleInfo) -> String {
    summary(toggle.is_enabled(), toggle.rollout(), toggle.allow().len())
}

/// [`summary`] of a release.
pub fn release_summary(release: &Release) -> String {
    summary(
        release.is_enabled(),
        release.rollout(),
        release.allow().len(),
    )
}

/// The ROLLOUT column of `toggles list`: `10% + 2 allowed`, `2 allowed`,
/// `12.5%`, or `-`.
pub fn column(rollout: Option<Rollout>, allowed: usize) -> String {
    match (rollout, allowed) {
        (None, 0) => "-".to_owned(),
        (Some(rollout), 0) => rollout.to_string(),
        (None, n) => format!("{n} allowed"),
        (Some(rollout), n) => format!("{rollout} + {n} allowed"),
    }
}

/// The state a schedule's step sets, in a few characters: `50%`, `ON`,
/// `OFF`.
pub fn step_state(step: &Step) -> String {
    match step.rollout() {
        Some(rollout) => rollout.to_string(),
        None => on_off(step.is_enabled()).to_owned(),
    }
}

/// The NEXT STEP column of `toggles list`: `50% at 2026-12-09T09:00:00Z`,
/// `done` after a schedule's last step, `-` without a schedule.
pub fn next_column(schedule: Option<&Schedule>, next: Option<&Step>) -> String {
    match (schedule, next) {
        (_, Some(next)) => format!("{} at {}", step_state(next), next.at()),
        (Some(_), None) => "done".to_owned(),
        (None, None) => "-".to_owned(),
    }
}

/// `ON → OFF (follows release r)`, or `ON (now its own …)` if only the
/// source changed; a rollout reads `10% of keys`, an allow list `+ 2 allowed`.
/// `over`: the release a toggle's own state is set over.
pub fn transition(before: &ToggleInfo, after: &ToggleInfo, over: Option<&Release>) -> String {
    let why = match after.source() {
        Source::Own => "set on the toggle itself".to_owned(),
        _ => follows(after),
    };
    let why = match over {
        Some(release) if after.source() == Source::Own => {
            format!(
                "{why}, over release {} ({})",
                release.name(),
                release_summary(release)
            )
        }
        _ => why,
    };
    let (was, now) = (toggle_summary(before), toggle_summary(after));
    if was == now {
        format!("{now} ({why})")
    } else {
        format!("{was} → {now} ({why})")
    }
}

/// `follows release r`, or `off by default` for a toggle without a release.
pub fn follows(toggle: &ToggleInfo) -> String {
    match toggle.release() {
        Some(release) => format!("follows release {release}"),
        None => "off by default: no `enabled` and no release".to_owned(),
    }
}

/// What in a toggle's own table decides: `` `enabled = false` ``,
/// `` `rollout = 10` ``, or `` `allow` list ``.
pub fn own_fields(toggle: &ToggleInfo) -> String {
    match toggle.rollout() {
        Some(rollout) => format!("`rollout = {}`", rollout.digits()),
        None if toggle.allow().len() > 0 && !toggle.is_enabled() => {
            // `enabled = false` or no `enabled`: the same state.
            "`allow` list (off for every other key)".to_owned()
        }
        None => format!("`enabled = {}`", toggle.is_enabled()),
    }
}
