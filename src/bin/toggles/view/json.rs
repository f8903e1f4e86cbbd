//! The `--json` shapes shared by several commands: a toggle, a release, a
//! decision in one environment, a schedule.

use serde::Serialize;
use toggles::{Date, Release, Rollout, Step, ToggleInfo};

use crate::model::choice::When;
use crate::model::decision::{Decision, Plan};
use crate::words::{age_days, time_left};

/// One toggle in `--json` output (`list` and `show`).
#[derive(Serialize)]
pub struct ToggleJson {
    name: String,
    enabled: bool,
    /// `own`, `release` or `default`.
    source: String,
    release: Option<String>,
    description: Option<String>,
    created: Option<String>,
    age_days: Option<i64>,
    /// The `owner` field, or null.
    owner: Option<String>,
    /// The `kind` field: `release` (also where it is not written),
    /// `experiment`, `ops` or `permission`.
    kind: &'static str,
    /// The `expires` field, `YYYY-MM-DD`, or null.
    expires: Option<String>,
    /// Whether today (`--today`, else the local date) is after `expires`.
    expired: bool,
    line: usize,
    /// The deciding table's rollout in percent (`12.5`), or null: the
    /// toggle's own, or its release's when `source` is `release`.
    rollout: Option<serde_json::Number>,
    /// The deciding table's `allow` list, sorted.
    allow: Vec<String>,
    /// The deciding table's `schedule`, or null.
    schedule: Option<ScheduleJson>,
}

/// A table's `schedule` in `--json` output, at the instant read (`--at`,
/// else now).
#[derive(Serialize)]
pub struct ScheduleJson {
    /// Written as `env.E.schedule` (else the table's own `schedule`).
    in_environment: bool,
    steps: Vec<StepJson>,
    /// The step in force, or null before the first.
    step: Option<StepJson>,
    /// The next step, or null after the last.
    next: Option<StepJson>,
    /// Whole seconds from the instant read until `next`, or null.
    next_in_seconds: Option<i64>,
    /// The same in words: `in 2 days 3 h`, or null.
    next_in: Option<String>,
}

/// One step of a schedule in `--json` output: exactly one of `enabled` and
/// `rollout` is set.
#[derive(Serialize)]
pub struct StepJson {
    /// RFC 3339, UTC: `2026-12-09T09:00:00Z`.
    at: String,
    enabled: Option<bool>,
    /// In percent, as `rollout` elsewhere.
    rollout: Option<serde_json::Number>,
    line: usize,
}

impl StepJson {
    pub fn new(step: &Step) -> StepJson {
        StepJson {
            at: step.at().to_string(),
            enabled: step.enabled(),
            rollout: percent_json(step.rollout()),
            line: step.line(),
        }
    }
}

impl ScheduleJson {
    pub fn new(plan: &Plan, when: When) -> ScheduleJson {
        let seconds = plan.next.map(|next| when.seconds_until(next.at()));
        ScheduleJson {
            in_environment: plan.in_environment,
            steps: plan.steps.iter().map(StepJson::new).collect(),
            step: plan.step.as_ref().map(StepJson::new),
            next: plan.next.as_ref().map(StepJson::new),
            next_in_seconds: seconds,
            next_in: seconds.map(time_left),
        }
    }

    /// The schedule of a table with `schedule`, `step` and `next` (null
    /// without one).
    fn of(
        schedule: Option<&toggles::Schedule>,
        step: Option<&Step>,
        next: Option<&Step>,
        when: When,
    ) -> Option<ScheduleJson> {
        Plan::new(schedule, step, next).map(|plan| ScheduleJson::new(&plan, when))
    }
}

/// A rollout in `--json` output: its percent, an integer when whole (`10`),
/// else with its decimals (`12.5`), as the library gives them.
pub fn percent_json(rollout: Option<Rollout>) -> Option<serde_json::Number> {
    let rollout = rollout?;
    match rollout.whole_percent() {
        Some(whole) => Some(whole.into()),
        None => serde_json::Number::from_f64(rollout.percent()),
    }
}

impl ToggleJson {
    /// `toggle` as its view has it; `when`: the instant it was read at.
    pub fn new(toggle: &ToggleInfo, today: Date, when: When) -> ToggleJson {
        ToggleJson {
            name: toggle.name().to_owned(),
            enabled: toggle.is_enabled(),
            source: toggle.source().to_string(),
            release: toggle.release().map(str::to_owned),
            description: toggle.description().map(str::to_owned),
            created: toggle.created().map(|d| d.to_string()),
            age_days: age_days(toggle.created(), today),
            owner: toggle.owner().map(str::to_owned),
            kind: toggle.kind().as_str(),
            expires: toggle.expires().map(|d| d.to_string()),
            expired: toggle.is_expired_on(today),
            line: toggle.line(),
            rollout: percent_json(toggle.rollout()),
            allow: toggle.allow().map(str::to_owned).collect(),
            schedule: ScheduleJson::of(toggle.schedule(), toggle.step(), toggle.next_step(), when),
        }
    }
}

/// One release in `--json` output.
#[derive(Serialize)]
pub struct ReleaseJson {
    name: String,
    enabled: bool,
    description: Option<String>,
    /// The release's `owner` field, or null.
    owner: Option<String>,
    /// The release's `expires` field, `YYYY-MM-DD`, or null.
    expires: Option<String>,
    /// Whether today (`--today`, else the local date) is after `expires`.
    expired: bool,
    line: usize,
    /// How many member toggles are on, and of how many.
    on: usize,
    total: usize,
    toggles: Vec<String>,
    /// The release's rollout in percent (`12.5`), or null.
    rollout: Option<serde_json::Number>,
    /// The release's `allow` list, sorted.
    allow: Vec<String>,
    /// The release's `schedule`, or null.
    schedule: Option<ScheduleJson>,
}

impl ReleaseJson {
    /// `release` as its view has it; `today`: the date expiry counts
    /// from; `when`: the instant it was read at.
    pub fn new(release: &Release, today: Date, when: When) -> ReleaseJson {
        let (on, total) = release.counts();
        ReleaseJson {
            name: release.name().to_owned(),
            enabled: release.is_enabled(),
            description: release.description().map(str::to_owned),
            owner: release.owner().map(str::to_owned),
            expires: release.expires().map(|d| d.to_string()),
            expired: release.is_expired_on(today),
            line: release.line(),
            on,
            total,
            toggles: release.toggles().map(|(name, _)| name.to_owned()).collect(),
            rollout: percent_json(release.rollout()),
            allow: release.allow().map(str::to_owned).collect(),
            schedule: ScheduleJson::of(
                release.schedule(),
                release.step(),
                release.next_step(),
                when,
            ),
        }
    }
}

/// A [`Decision`] in `--json` output.
#[derive(Serialize)]
pub struct DecisionJson {
    /// `null` for the base values.
    environment: Option<String>,
    /// The state of a check without a key.
    enabled: bool,
    /// The deciding table's rollout in percent, or null.
    rollout: Option<serde_json::Number>,
    /// How many keys the deciding table's `allow` list holds.
    allowed: usize,
    /// `own`, `release` or `default`.
    source: String,
    release: Option<String>,
    /// The deciding key as written (`env.production.enabled`), or null.
    field: Option<String>,
    line: usize,
    /// The deciding table's schedule in this environment, or null.
    schedule: Option<ScheduleJson>,
}

impl DecisionJson {
    /// `decision`, taken from a view read at `when`.
    pub fn new(decision: &Decision, when: When) -> DecisionJson {
        DecisionJson {
            environment: decision.environment.clone(),
            enabled: decision.enabled,
            rollout: percent_json(decision.rollout),
            allowed: decision.allowed,
            source: decision.source.to_string(),
            release: decision.release.clone(),
            field: decision.field.clone(),
            line: decision.line,
            schedule: decision
                .schedule
                .as_ref()
                .map(|plan| ScheduleJson::new(plan, when)),
        }
    }
}
