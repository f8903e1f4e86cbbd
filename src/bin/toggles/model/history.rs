//! How long toggles have answered as they do now, from the versions of
//! the file git holds ([`Repo::history`]), for `toggles check`'s
//! "ready to remove".
//!
//! A toggle is settled at `value` in a version when, in every view (the
//! base values and each environment the current file declares; in a
//! version that does not declare it, its base values), no key can change
//! its answer and that answer is `value` ([`toggles::ToggleInfo::is_constant`]).
//! Each version is read once and resolved once per view, at the last
//! second of its life (the second before the next version's commit): a
//! step taken during its life counts from the step's instant, a step
//! after it never applied. Walking from the current file to older
//! versions, a toggle's "since" is the commit of the oldest version of an
//! unbroken run of settled ones (or the instant of the step that settled
//! it, where that came later than its version's commit).

use std::collections::HashMap;
use std::path::Path;

use toggles::{Snapshot, Timestamp};

use crate::model::git::{Repo, Version};
use crate::model::views::Views;

/// How many commits of the file are read, at most: the history a check
/// looks back over.
pub const MAX_VERSIONS: usize = 200;

/// Since when a toggle has answered as now.
pub struct Since {
    pub at: Timestamp,
    /// The commit of the version it began with; `None` for the file as
    /// it is, not committed yet.
    pub commit: Option<String>,
}

/// The instant since which each of `settled` (a toggle's name and the
/// answer it gives in every view of `current`) has given that answer,
/// from the file's git history; `None` where the file has none (not in a
/// git repository, or in no commit; or git could not read it). `current`
/// is the file as `bytes` holds it, resolved at `at`.
pub fn settled_since(
    path: &Path,
    bytes: &[u8],
    current: &Views,
    at: Timestamp,
    settled: &[(&str, bool)],
) -> Option<HashMap<String, Since>> {
    if settled.is_empty() {
        return Some(HashMap::new());
    }
    let repo = Repo::find(path).ok()??;
    let history = repo.history(MAX_VERSIONS).ok()?;
    let newest = history.first()?;
    // The current file: the newest commit's version, or an edit not
    // committed yet, which counts from now.
    let (from, commit, older) = if newest.bytes.as_deref() == Some(bytes) {
        (newest.time.min(at), Some(&newest.commit), &history[1..])
    } else {
        (at, None, &history[..])
    };
    let mut since = HashMap::new();
    let mut walking: Vec<(&str, bool)> = Vec::new();
    for &(name, value) in settled {
        let stepped = latest_step(current, name, at);
        let start = stepped.map_or(from, |step| step.max(from));
        since.insert(
            name.to_owned(),
            Since {
                at: start,
                commit: commit.cloned(),
            },
        );
        // Settled by a step after the version's commit: not before it.
        if start <= from {
            walking.push((name, value));
        }
    }
    let mut end = from;
    for version in older {
        if walking.is_empty() {
            break;
        }
        // The last second of the version's life.
        let last =
            Timestamp::from_unix_seconds(end.unix_seconds().saturating_sub(1)).max(version.time);
        let Some(views) = parse(path, version, last) else {
            break;
        };
        walking.retain(|&(name, value)| {
            let settled = current.columns().all(|(environment, _)| {
                view(&views, environment)
                    .get(name)
                    .is_some_and(|toggle| toggle.is_constant() == Some(value))
            });
            if !settled {
                return false;
            }
            let step = latest_step(&views, name, last);
            let start = step.map_or(version.time, |step| step.max(version.time));
            if let Some(since) = since.get_mut(name)
                && start <= since.at
            {
                *since = Since {
                    at: start,
                    commit: Some(version.commit.clone()),
                };
            }
            start <= version.time
        });
        end = version.time;
    }
    Some(since)
}

/// The version's views, each as it was at `last`; `None` for a commit
/// without the file, or with a version that does not load.
fn parse(path: &Path, version: &Version, last: Timestamp) -> Option<Views> {
    Some(Views::parse(path, version.bytes.as_deref()?).ok()?.at(last))
}

/// The view `environment` of `views`: its base values where it does not
/// declare it.
fn view<'a>(views: &'a Views, environment: Option<&str>) -> &'a Snapshot {
    views.get(environment).unwrap_or(&views.base)
}

/// The instant of the latest step of `name`'s deciding schedule in force
/// at `at`, in any view of `views` (resolved at `at`).
pub fn latest_step(views: &Views, name: &str, at: Timestamp) -> Option<Timestamp> {
    views
        .columns()
        .filter_map(|(_, snapshot)| snapshot.get(name)?.step())
        .map(|step| step.at())
        .filter(|step| *step <= at)
        .max()
}
