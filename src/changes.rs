//! What a reload changed: the difference between two snapshots.

use std::fmt;
use std::sync::Arc;

use crate::snapshot::Snapshot;

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
    pub(crate) added: Vec<Box<str>>,
    pub(crate) removed: Vec<Box<str>>,
    pub(crate) releases: Vec<ReleaseChange>,
    pub(crate) snapshot: Arc<Snapshot>,
}

impl Changes {
    pub(crate) fn between(old: &Snapshot, new: &Arc<Snapshot>) -> Changes {
        let mut changes = Changes {
            flipped: Vec::new(),
            added: Vec::new(),
            removed: Vec::new(),
            releases: Vec::new(),
            snapshot: Arc::clone(new),
        };
        for toggle in new.toggles() {
            match old.state(toggle.name()) {
                None => changes.added.push(toggle.name().into()),
                Some(was) if was != toggle.is_enabled() => changes.flipped.push(Flip {
                    name: toggle.name().into(),
                    old: was,
                    new: toggle.is_enabled(),
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
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.releases.is_empty()
    }

    /// Toggles whose effective state flipped, sorted by name.
    pub fn flipped(&self) -> &[Flip] {
        &self.flipped
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
