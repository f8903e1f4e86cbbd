//! What a reload changed: the difference between two snapshots.

use std::fmt;
use std::sync::Arc;

use crate::bucket::Rollout;
use crate::definitions::{Source, ToggleInfo};
use crate::snapshot::Snapshot;

/// A toggle whose answer changed for some keys in a reload while its
/// key-less state stayed the same: its rollout, its `allow` list, or what
/// its keys are bucketed by (its own name or its release's, or the file's
/// `bucketing`) changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retarget {
    /// The toggle's name.
    pub name: Box<str>,
    /// Its rollout (of the deciding table) before the reload.
    pub old: Option<Rollout>,
    /// Its rollout after the reload.
    pub new: Option<Rollout>,
}

/// Whether every key gets the same answer from `old` as from `new`, given
/// the same key-less state: the same rollout, bucketed by the same name
/// under the same scheme (only where a rollout hashes keys), and the same
/// `allow` list. Compared in place: a reload compares every toggle.
fn same_keyed_rule(old: &ToggleInfo, new: &ToggleInfo) -> bool {
    old.rollout() == new.rollout()
        && (old.rollout().is_none()
            || (bucketed_by(old) == bucketed_by(new) && old.bucketing() == new.bucketing()))
        && old.allow().eq(new.allow())
}

/// The name a toggle's keys are bucketed by: its release's when the
/// release decides, else its own.
fn bucketed_by(toggle: &ToggleInfo) -> Option<&str> {
    match toggle.source() {
        Source::Release => toggle.release(),
        _ => Some(toggle.name()),
    }
}

/// A toggle whose effective state flipped in a reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flip {
    /// The toggle's name.
    pub name: Box<str>,
    /// Its state before the reload.
    pub old: bool,
    /// Its state after the reload.
    pub new: bool,
}

/// A release that was added, removed, or switched in a reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseChange {
    /// The release's name.
    pub name: Box<str>,
    /// Its `enabled` before the reload; `None` if it was not defined.
    pub old: Option<bool>,
    /// Its `enabled` after the reload; `None` if it is no longer defined.
    pub new: Option<bool>,
}

/// What one reload changed, as delivered to [`Store::subscribe`](crate::Store::subscribe).
///
/// `Display` gives the summary the library logs, e.g.
/// `new_cart off→on, dark_mode on→off, 1 added`.
#[derive(Debug, Clone)]
pub struct Changes {
    pub(crate) flipped: Vec<Flip>,
    pub(crate) retargeted: Vec<Retarget>,
    pub(crate) added: Vec<Box<str>>,
    pub(crate) removed: Vec<Box<str>>,
    pub(crate) releases: Vec<ReleaseChange>,
    pub(crate) snapshot: Arc<Snapshot>,
}

impl Changes {
    pub(crate) fn between(old: &Snapshot, new: &Arc<Snapshot>) -> Changes {
        let mut changes = Changes {
            flipped: Vec::new(),
            retargeted: Vec::new(),
            added: Vec::new(),
            removed: Vec::new(),
            releases: Vec::new(),
            snapshot: Arc::clone(new),
        };
        for toggle in new.toggles() {
            match old.get(toggle.name()) {
                None => changes.added.push(toggle.name().into()),
                Some(was) if was.is_enabled() != toggle.is_enabled() => {
                    changes.flipped.push(Flip {
                        name: toggle.name().into(),
                        old: was.is_enabled(),
                        new: toggle.is_enabled(),
                    })
                }
                Some(was) if !same_keyed_rule(was, toggle) => changes.retargeted.push(Retarget {
                    name: toggle.name().into(),
                    old: was.rollout(),
                    new: toggle.rollout(),
                }),
                Some(_) => {}
            }
        }
        changes.removed = old
            .toggles()
            .filter(|t| !new.contains(t.name()))
            .map(|t| t.name().into())
            .collect();
        for release in new.releases() {
            let was = old.release(release.name()).map(|r| r.enabled());
            if was != Some(release.enabled()) {
                changes.releases.push(ReleaseChange {
                    name: release.name().into(),
                    old: was,
                    new: Some(release.enabled()),
                });
            }
        }
        for release in old.releases().filter(|r| new.release(r.name()).is_none()) {
            changes.releases.push(ReleaseChange {
                name: release.name().into(),
                old: Some(release.enabled()),
                new: None,
            });
        }
        changes
    }

    /// Whether nothing a check or a release report could see changed (for
    /// example, only comments or descriptions were edited).
    pub fn is_empty(&self) -> bool {
        self.flipped.is_empty()
            && self.retargeted.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.releases.is_empty()
    }

    /// Toggles whose effective state flipped, sorted by name.
    pub fn flipped(&self) -> &[Flip] {
        &self.flipped
    }

    /// Toggles whose answer changed for some keys only (a rollout, an
    /// `allow` list, the bucketing), their key-less state unchanged;
    /// sorted by name.
    pub fn retargeted(&self) -> &[Retarget] {
        &self.retargeted
    }

    /// Toggles the new version defines and the old did not, sorted by name.
    pub fn added(&self) -> &[Box<str>] {
        &self.added
    }

    /// Toggles the old version defined and the new does not, sorted by name.
    pub fn removed(&self) -> &[Box<str>] {
        &self.removed
    }

    /// Releases added, removed or switched.
    pub fn releases(&self) -> &[ReleaseChange] {
        &self.releases
    }

    /// The snapshot after the reload.
    pub fn snapshot(&self) -> &Arc<Snapshot> {
        &self.snapshot
    }
}

fn on_off(value: bool) -> &'static str {
    if value { "on" } else { "off" }
}

impl fmt::Display for Changes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self
            .flipped
            .iter()
            .map(|flip| format!("{} {}→{}", flip.name, on_off(flip.old), on_off(flip.new)))
            .collect();
        for change in &self.retargeted {
            let rollout =
                |r: Option<Rollout>| r.map_or_else(|| "none".to_owned(), |r| r.to_string());
            if change.old == change.new {
                parts.push(format!("{} keys changed", change.name));
            } else {
                parts.push(format!(
                    "{} rollout {}→{}",
                    change.name,
                    rollout(change.old),
                    rollout(change.new)
                ));
            }
        }
        for change in &self.releases {
            let state = |s: Option<bool>| s.map_or("undefined", on_off);
            parts.push(format!(
                "release {} {}→{}",
                change.name,
                state(change.old),
                state(change.new)
            ));
        }
        if !self.added.is_empty() {
            parts.push(format!("{} added", self.added.len()));
        }
        if !self.removed.is_empty() {
            parts.push(format!("{} removed", self.removed.len()));
        }
        if parts.is_empty() {
            return f.write_str("no change");
        }
        f.write_str(&parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(old: &str, new: &str) -> Changes {
        let old = Snapshot::parse("t.toml", old.as_bytes()).unwrap();
        let new = Arc::new(Snapshot::parse("t.toml", new.as_bytes()).unwrap());
        Changes::between(&old, &new)
    }

    #[test]
    fn flips_additions_removals_and_releases_each_sorted() {
        let old = "[releases.gone]\nenabled = true\n[releases.r]\n\
                   [toggles.a]\nenabled = true\n[toggles.b]\nrelease = \"r\"\n\
                   [toggles.c]\n[toggles.old]\n";
        let new = "[releases.new]\n[releases.r]\nenabled = true\n\
                   [toggles.a]\nenabled = false\n[toggles.b]\nrelease = \"r\"\n\
                   [toggles.c]\n[toggles.fresh]\nenabled = true\n";
        let changes = diff(old, new);
        let flips: Vec<_> = changes
            .flipped()
            .iter()
            .map(|f| (&*f.name, f.old, f.new))
            .collect();
        // `b` flips through its release; `c` stays off.
        assert_eq!(flips, [("a", true, false), ("b", false, true)]);
        assert_eq!(changes.added(), [Box::from("fresh")]);
        assert_eq!(changes.removed(), [Box::from("old")]);
        let releases: Vec<_> = changes
            .releases()
            .iter()
            .map(|r| (&*r.name, r.old, r.new))
            .collect();
        assert_eq!(
            releases,
            [
                ("new", None, Some(false)),
                ("r", Some(false), Some(true)),
                ("gone", Some(true), None)
            ]
        );
        assert!(!changes.is_empty());
        assert_eq!(
            changes.to_string(),
            "a on→off, b off→on, release new undefined→off, release r off→on, \
             release gone on→undefined, 1 added, 1 removed"
        );
        assert!(changes.snapshot().is_enabled("fresh"));
    }

    #[test]
    fn rollouts_allow_lists_and_bucketing_are_changes_for_some_keys() {
        let old = "[releases.r]\nrollout = 10\n[toggles.a]\nrollout = 5\n\
                   [toggles.b]\nallow = [\"ada\"]\n[toggles.c]\nrelease = \"r\"\n\
                   [toggles.d]\nrollout = 20\n[toggles.e]\nrelease = \"r\"\n";
        let new = "[releases.r]\nrollout = 10\n[toggles.a]\nrollout = 25\n\
                   [toggles.b]\nallow = [\"ada\", \"bob\"]\n[toggles.c]\nrollout = 10\n\
                   [toggles.d]\nrollout = 20\n[toggles.e]\nrelease = \"r\"\n";
        let changes = diff(old, new);
        let retargeted: Vec<_> = changes.retargeted().iter().map(|r| &*r.name).collect();
        // `c`: same 10 %, but bucketed by its own name now, not the release's.
        assert_eq!(retargeted, ["a", "b", "c"]);
        assert_eq!(
            changes.to_string(),
            "a rollout 5%→25%, b keys changed, c keys changed"
        );
        assert!(changes.flipped().is_empty());
        // The scheme rebuckets every rollout, and nothing else.
        let changes = diff(old, &format!("bucketing = \"flagd-v2\"\n{old}"));
        let retargeted: Vec<_> = changes.retargeted().iter().map(|r| &*r.name).collect();
        assert_eq!(retargeted, ["a", "c", "d", "e"]);
        // A rollout reaching 100 % flips the key-less state: a flip, not both.
        let changes = diff("[toggles.a]\nrollout = 5\n", "[toggles.a]\nrollout = 100\n");
        assert_eq!(changes.to_string(), "a off→on");
    }

    #[test]
    fn comments_descriptions_dates_and_order_are_no_change() {
        let old = "[toggles.a]\nenabled = true\n[toggles.b]\nrelease = \"r\"\n[releases.r]\n";
        let new = "# a comment\n[releases.r]\ndescription = \"now described\"\n\
                   [toggles.b]\nrelease = \"r\"\ncreated = 2026-11-25\n\
                   [toggles.a]\nenabled = true # still on\n";
        let changes = diff(old, new);
        assert!(changes.is_empty(), "{changes}");
        assert_eq!(changes.to_string(), "no change");
        // A toggle that keeps its state while its source changes is no flip.
        let changes = diff(
            "[releases.r]\nenabled = true\n[toggles.a]\nrelease = \"r\"\n",
            "[releases.r]\nenabled = true\n[toggles.a]\nrelease = \"r\"\nenabled = true\n",
        );
        assert!(changes.is_empty(), "{changes}");
    }
}
