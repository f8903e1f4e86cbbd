//! A table's plan (its `schedule`) as the CLI compares and checks it: how
//! two versions' steps differ (`diff`: a step added, removed, moved or
//! restated), and the share of keys a state gives (`check`: a step that
//! lowers it). The steps and every rule about them (their order, which is
//! in force) are the library's ([`toggles::Schedule`], [`toggles::Step`]);
//! this only compares what it gives.

use toggles::{Rollout, Schedule, Step, Timestamp};

/// What a step (or a table before its first step) sets, as written:
/// `enabled = true` or `rollout = 50`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepState {
    Enabled(bool),
    Rollout(Rollout),
}

impl StepState {
    /// What `step` sets.
    pub fn of(step: &Step) -> StepState {
        match step.rollout() {
            Some(rollout) => StepState::Rollout(rollout),
            None => StepState::Enabled(step.is_enabled()),
        }
    }

    /// A table's state slot from its answers: its `rollout`, else its
    /// `enabled`.
    pub fn of_table(enabled: bool, rollout: Option<Rollout>) -> StepState {
        rollout.map_or(StepState::Enabled(enabled), StepState::Rollout)
    }

    /// `rollout 50%`, `enabled = true`: a step in a sentence.
    pub fn text(self) -> String {
        match self {
            StepState::Enabled(on) => format!("enabled = {on}"),
            StepState::Rollout(rollout) => format!("rollout {rollout}"),
        }
    }

    /// `rollout = 50`, `enabled = true`: as the field is written in the file.
    pub fn assignment(self) -> String {
        match self {
            StepState::Enabled(on) => format!("enabled = {on}"),
            StepState::Rollout(rollout) => format!("rollout = {}", rollout.digits()),
        }
    }

    /// `ON`, `OFF`, `50%`: the share of keys it gives, in a few characters.
    pub fn short(self) -> String {
        match self {
            StepState::Enabled(on) => crate::words::on_off(on).to_owned(),
            StepState::Rollout(rollout) => rollout.to_string(),
        }
    }

    /// The share of keys it gives (outside `allow`), in basis points: ON
    /// 10 000, OFF 0, a rollout its share.
    pub fn level(self) -> u16 {
        match self {
            StepState::Enabled(true) => 10_000,
            StepState::Enabled(false) => 0,
            StepState::Rollout(rollout) => rollout.basis_points(),
        }
    }
}

/// How one step differs between two versions of a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepChange {
    /// Only the new version has it.
    Added(Step),
    /// Only the old version has it.
    Removed(Step),
    /// The same state, at another instant.
    Moved { old: Step, new: Step },
    /// The same instant, another state.
    Restated { old: Step, new: Step },
}

impl StepChange {
    /// The instant it is sorted by: the new step's, else the removed one's.
    pub fn at(&self) -> Timestamp {
        match self {
            StepChange::Added(step) | StepChange::Removed(step) => step.at(),
            StepChange::Moved { new, .. } | StepChange::Restated { new, .. } => new.at(),
        }
    }

    /// The step in the new version, if it has one.
    pub fn new_step(&self) -> Option<&Step> {
        match self {
            StepChange::Added(step) => Some(step),
            StepChange::Removed(_) => None,
            StepChange::Moved { new, .. } | StepChange::Restated { new, .. } => Some(new),
        }
    }

    /// The step in the old version, if it had one.
    pub fn old_step(&self) -> Option<&Step> {
        match self {
            StepChange::Removed(step) => Some(step),
            StepChange::Added(_) => None,
            StepChange::Moved { old, .. } | StepChange::Restated { old, .. } => Some(old),
        }
    }

    /// `added`, `removed`, `moved`, `changed`.
    pub fn word(&self) -> &'static str {
        match self {
            StepChange::Added(_) => "added",
            StepChange::Removed(_) => "removed",
            StepChange::Moved { .. } => "moved",
            StepChange::Restated { .. } => "changed",
        }
    }

    /// `step added: rollout 50% at 2026-12-09T09:00:00Z`, `step moved:
    /// rollout 50% from … to …`, `step at … changed: rollout 10% → rollout 25%`.
    pub fn text(&self) -> String {
        match self {
            StepChange::Added(step) => {
                format!(
                    "step added: {} at {}",
                    StepState::of(step).text(),
                    step.at()
                )
            }
            StepChange::Removed(step) => {
                format!(
                    "step removed: {} at {}",
                    StepState::of(step).text(),
                    step.at()
                )
            }
            StepChange::Moved { old, new } => format!(
                "step moved: {} from {} to {}",
                StepState::of(new).text(),
                old.at(),
                new.at()
            ),
            StepChange::Restated { old, new } => format!(
                "step at {} changed: {} → {}",
                new.at(),
                StepState::of(old).text(),
                StepState::of(new).text()
            ),
        }
    }
}

/// How the steps of `new` differ from those of `old` (either may be no
/// plan), sorted by instant. A step with the same instant and state in
/// both is unchanged; of the others, one at the same instant in both is
/// restated; then the old and new steps left with the same state are
/// paired in time order as moved (a plan whose steps all shift by a day
/// reads as each step moved); the rest are removed or added.
pub fn compare(old: Option<&Schedule>, new: Option<&Schedule>) -> Vec<StepChange> {
    let steps = |s: Option<&Schedule>| -> Vec<Step> {
        s.map(|s| s.steps().copied().collect()).unwrap_or_default()
    };
    let (old, new) = (steps(old), steps(new));
    let same = |a: &Step, b: &Step| a.at() == b.at() && StepState::of(a) == StepState::of(b);
    let mut old_left: Vec<Step> = old
        .iter()
        .filter(|o| !new.iter().any(|n| same(o, n)))
        .copied()
        .collect();
    let mut new_left: Vec<Step> = new
        .iter()
        .filter(|n| !old.iter().any(|o| same(o, n)))
        .copied()
        .collect();
    let mut changes = Vec::new();
    old_left.retain(|o| match new_left.iter().position(|n| n.at() == o.at()) {
        Some(i) => {
            changes.push(StepChange::Restated {
                old: *o,
                new: new_left.remove(i),
            });
            false
        }
        None => true,
    });
    old_left.retain(|o| {
        let state = StepState::of(o);
        match new_left.iter().position(|n| StepState::of(n) == state) {
            Some(i) => {
                changes.push(StepChange::Moved {
                    old: *o,
                    new: new_left.remove(i),
                });
                false
            }
            None => true,
        }
    });
    changes.extend(old_left.into_iter().map(StepChange::Removed));
    changes.extend(new_left.into_iter().map(StepChange::Added));
    changes.sort_by_key(StepChange::at);
    changes
}

/// The steps of `schedule` that give fewer keys than the state before them
/// (`start`: the table's state before its first step), each with that
/// state: allowed, but the keys between the two shares lose the toggle.
pub fn lowering(start: StepState, schedule: &Schedule) -> Vec<(StepState, Step)> {
    let mut before = start;
    let mut found = Vec::new();
    for step in schedule.steps() {
        let state = StepState::of(step);
        if state.level() < before.level() {
            found.push((before, *step));
        }
        before = state;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use toggles::Snapshot;

    fn plan(steps: &[&str]) -> Snapshot {
        let text = format!(
            "[toggles.a]\nrollout = 1\nschedule = [\n{}]\n",
            steps
                .iter()
                .map(|s| format!("  {{ at = {s} }},\n"))
                .collect::<String>()
        );
        Snapshot::parse("t.toml", text.as_bytes()).unwrap()
    }

    fn words(old: &Snapshot, new: &Snapshot) -> Vec<String> {
        compare(
            old.get("a").unwrap().schedule(),
            new.get("a").unwrap().schedule(),
        )
        .iter()
        .map(StepChange::text)
        .collect()
    }

    #[test]
    fn steps_are_unchanged_restated_moved_removed_or_added() {
        let old = plan(&[
            "2026-12-07T09:00:00Z, rollout = 10",
            "2026-12-09T09:00:00Z, rollout = 50",
            "2026-12-11T09:00:00Z, enabled = true",
        ]);
        let new = plan(&[
            "2026-12-07T09:00:00Z, rollout = 10",
            "2026-12-09T09:00:00Z, rollout = 25",
            "2026-12-10T09:00:00Z, rollout = 60",
            "2026-12-12T09:00:00Z, enabled = true",
        ]);
        assert_eq!(
            words(&old, &new),
            [
                "step at 2026-12-09T09:00:00Z changed: rollout 50% → rollout 25%",
                "step added: rollout 60% at 2026-12-10T09:00:00Z",
                "step moved: enabled = true from 2026-12-11T09:00:00Z to 2026-12-12T09:00:00Z",
            ]
        );
        assert_eq!(
            words(&new, &old),
            [
                "step at 2026-12-09T09:00:00Z changed: rollout 25% → rollout 50%",
                "step removed: rollout 60% at 2026-12-10T09:00:00Z",
                "step moved: enabled = true from 2026-12-12T09:00:00Z to 2026-12-11T09:00:00Z",
            ]
        );
        assert!(words(&old, &old).is_empty());
    }

    #[test]
    fn a_lower_share_than_the_state_before_is_found() {
        let snapshot = plan(&[
            "2026-12-07T09:00:00Z, rollout = 50",
            "2026-12-08T09:00:00Z, rollout = 10",
            "2026-12-09T09:00:00Z, enabled = true",
            "2026-12-10T09:00:00Z, enabled = false",
        ]);
        let schedule = snapshot.get("a").unwrap().schedule().unwrap();
        let start = StepState::Rollout("60".parse().unwrap());
        let found: Vec<(String, String)> = lowering(start, schedule)
            .iter()
            .map(|(before, step)| (before.short(), StepState::of(step).short()))
            .collect();
        assert_eq!(
            found,
            [
                ("60%".to_owned(), "50%".to_owned()),
                ("50%".to_owned(), "10%".to_owned()),
                ("ON".to_owned(), "OFF".to_owned()),
            ]
        );
    }
}
