//! What decides a toggle's (or a release's) key-less state in one
//! environment, and the key and line that decide it (`release checkout-v2:
//! env.staging.enabled (toggles.toml:6)`): shared by `list --envs`, `show`,
//! `check` and the edits.

use std::path::Path;

use toggles::{Field, Release, Rollout, Schedule, Snapshot, Source, Step, ToggleInfo, Written};

use crate::file;
use crate::words::on_off;

/// What decides a toggle's (or a release's) key-less state in one
/// environment, and where.
#[derive(Clone, Debug)]
pub struct Decision {
    /// `None`: the base values.
    pub environment: Option<String>,
    pub enabled: bool,
    pub rollout: Option<Rollout>,
    pub allowed: usize,
    pub source: Source,
    /// The release whose table decides, if one does.
    pub release: Option<String>,
    /// The key that decides, as written: `env.production.enabled`,
    /// `rollout`, `allow`; `None` when no key does (off by default, or a
    /// release without `enabled`).
    pub field: Option<String>,
    /// Its line, else the deciding table's first line.
    pub line: usize,
    /// The deciding table's schedule in this view, if it has one: how many
    /// steps, whether it is `env.E.schedule`, the step in force (`None`:
    /// before the first) and the next one.
    pub schedule: Option<Plan>,
}

/// A table's schedule as one view has it, at the instant the view was
/// resolved at.
#[derive(Clone, Debug)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub in_environment: bool,
    pub step: Option<Step>,
    pub next: Option<Step>,
}

impl Plan {
    /// The plan of a table with `schedule`, whose step in force is `step`
    /// and next `next` (`None` without a schedule).
    pub fn new(
        schedule: Option<&Schedule>,
        step: Option<&Step>,
        next: Option<&Step>,
    ) -> Option<Plan> {
        let schedule = schedule?;
        Some(Plan {
            steps: schedule.steps().copied().collect(),
            in_environment: schedule.is_in_environment(),
            step: step.copied(),
            next: next.copied(),
        })
    }
}

impl Decision {
    /// The key-less state in a few characters: `ON`, `OFF`, `10%`, and
    /// ` +2` when an `allow` list holds keys that a check without a key
    /// does not get (so not after `ON`).
    pub fn cell(&self) -> String {
        cell(self.enabled, self.rollout, self.allowed)
    }

    /// `env.production.enabled (toggles.toml:9)`, `release checkout-v2:
    /// env.staging.enabled (toggles.toml:6)`, `default: no `enabled` and no
    /// release (toggles.toml:12)`.
    pub fn place(&self, path: &Path) -> String {
        let at = file::at(path, self.line);
        let field = |none: &str| {
            self.field
                .as_deref()
                .map_or_else(|| none.to_owned(), str::to_owned)
        };
        match (self.source, &self.release) {
            (Source::Release, Some(release)) => {
                format!("release {release}: {} ({at})", field("no `enabled`, off"))
            }
            (Source::Default, _) => format!("default: no `enabled` and no release ({at})"),
            _ => format!("{} ({at})", field("its table")),
        }
    }

    /// How far the toggle is on, for comparing environments: the share of
    /// keys in basis points (ON 10000, OFF 0, a rollout its share; an
    /// `allow` list is not counted).
    pub fn level(&self) -> u16 {
        match self.rollout {
            Some(rollout) => rollout.basis_points(),
            None if self.enabled => 10_000,
            None => 0,
        }
    }
}

/// See [`Decision::cell`].
pub fn cell(enabled: bool, rollout: Option<Rollout>, allowed: usize) -> String {
    let state = match rollout {
        Some(rollout) => rollout.to_string(),
        None => on_off(enabled).to_owned(),
    };
    if allowed > 0 && !(enabled && rollout.is_none()) {
        format!("{state} +{allowed}")
    } else {
        state
    }
}

/// What decides `toggle` (as `snapshot`, read in `environment`, has it).
pub fn decide(toggle: &ToggleInfo, snapshot: &Snapshot, environment: Option<&str>) -> Decision {
    let release = match toggle.source() {
        Source::Release => toggle.release().and_then(|r| snapshot.release(r)),
        _ => None,
    };
    let (field, line) = match (toggle.source(), release) {
        (Source::Release, Some(release)) => deciding_key(snapshot, "releases", release.name())
            .map_or((None, release.line()), |(f, l)| (Some(f), l)),
        (Source::Own, _) => deciding_key(snapshot, "toggles", toggle.name())
            .map_or((None, toggle.line()), |(f, l)| (Some(f), l)),
        _ => (None, toggle.line()),
    };
    Decision {
        environment: environment.map(str::to_owned),
        enabled: toggle.is_enabled(),
        rollout: toggle.rollout(),
        allowed: toggle.allow().len(),
        source: toggle.source(),
        release: release.map(|r| r.name().to_owned()),
        field,
        line,
        schedule: Plan::new(toggle.schedule(), toggle.step(), toggle.next_step()),
    }
}

/// What decides `release` (read in `environment`).
pub fn decide_release(release: &Release, environment: Option<&str>) -> Decision {
    let (field, line) = [Field::Rollout, Field::Enabled, Field::Allow]
        .into_iter()
        .find_map(|field| release.written(field))
        .map_or((None, release.line()), |w| (Some(w.to_string()), w.line()));
    Decision {
        environment: environment.map(str::to_owned),
        enabled: release.is_enabled(),
        rollout: release.rollout(),
        allowed: release.allow().len(),
        source: Source::Own,
        release: None,
        field,
        line,
        schedule: Plan::new(release.schedule(), release.step(), release.next_step()),
    }
}

/// The key of a table that decides a check without a key: its (effective)
/// `rollout`, else `enabled`, else `allow` (alone, it means off).
fn deciding_key(snapshot: &Snapshot, section: &str, name: &str) -> Option<(String, usize)> {
    [Field::Rollout, Field::Enabled, Field::Allow]
        .into_iter()
        .find_map(|field| written(snapshot, section, name, field))
}

/// Where the `field` that gives `SECTION.NAME` (`toggles` or `releases`)
/// its value in `snapshot`'s view is written, as written
/// (`env.production.enabled`, `rollout`), and its line: the library's
/// answer ([`Snapshot::written`], [`Release::written`]), from the rule its
/// states come from.
pub fn written(
    snapshot: &Snapshot,
    section: &str,
    name: &str,
    field: Field,
) -> Option<(String, usize)> {
    written_at(snapshot, section, name, field).map(|w| (w.to_string(), w.line()))
}

/// Whether `SECTION.NAME`'s deciding `field` in `snapshot`'s view is its
/// own `env.E.FIELD` (E: the view's environment), not a base value.
pub fn in_environment(snapshot: &Snapshot, section: &str, name: &str, field: Field) -> bool {
    written_at(snapshot, section, name, field).is_some_and(|w| w.environment().is_some())
}

fn written_at<'s>(
    snapshot: &'s Snapshot,
    section: &str,
    name: &str,
    field: Field,
) -> Option<Written<'s>> {
    match section {
        "releases" => snapshot.release(name)?.written(field),
        _ => snapshot.written(name, field),
    }
}
