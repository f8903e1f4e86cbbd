//! The `--json` shapes shared by several commands: a toggle, a release, a
//! decision in one environment.

use serde::Serialize;
use toggles::{Date, Release, Rollout, ToggleInfo};

use crate::model::decision::Decision;
use crate::words::age_days;

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
    line: usize,
    /// The deciding table's rollout in percent (`12.5`), or null: the
    /// toggle's own, or its release's when `source` is `release`.
    rollout: Option<serde_json::Number>,
    /// The deciding table's `allow` list, sorted.
    allow: Vec<String>,
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
    pub fn new(toggle: &ToggleInfo, today: Date) -> ToggleJson {
        ToggleJson {
            name: toggle.name().to_owned(),
            enabled: toggle.is_enabled(),
            source: toggle.source().to_string(),
            release: toggle.release().map(str::to_owned),
            description: toggle.description().map(str::to_owned),
            created: toggle.created().map(|d| d.to_string()),
            age_days: age_days(toggle.created(), today),
            line: toggle.line(),
            rollout: percent_json(toggle.rollout()),
            allow: toggle.allow().map(str::to_owned).collect(),
        }
    }
}

/// One release in `--json` output.
#[derive(Serialize)]
pub struct ReleaseJson {
    name: String,
    enabled: bool,
    description: Option<String>,
    line: usize,
    /// How many member toggles are on, and of how many.
    on: usize,
    total: usize,
    toggles: Vec<String>,
    /// The release's rollout in percent (`12.5`), or null.
    rollout: Option<serde_json::Number>,
    /// The release's `allow` list, sorted.
    allow: Vec<String>,
}

impl ReleaseJson {
    pub fn new(release: &Release) -> ReleaseJson {
        let (on, total) = release.counts();
        ReleaseJson {
            name: release.name().to_owned(),
            enabled: release.is_enabled(),
            description: release.description().map(str::to_owned),
            line: release.line(),
            on,
            total,
            toggles: release.toggles().map(|(name, _)| name.to_owned()).collect(),
            rollout: percent_json(release.rollout()),
            allow: release.allow().map(str::to_owned).collect(),
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
}

impl DecisionJson {
    pub fn new(decision: &Decision) -> DecisionJson {
        DecisionJson {
            environment: decision.environment.clone(),
            enabled: decision.enabled,
            rollout: percent_json(decision.rollout),
            allowed: decision.allowed,
            source: decision.source.to_string(),
            release: decision.release.clone(),
            field: decision.field.clone(),
            line: decision.line,
        }
    }
}
