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
            match old.get(toggle.name()).map(|t| t.is_enabled()) {
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
