//! What a reload changed: the difference between two snapshots.

use std::fmt;
use std::sync::Arc;

use crate::bucket::Rollout;
use crate::snapshot::Snapshot;

/// A toggle whose answer changed for some keys in a reload while its
/// key-less state stayed the same: its rollout, its `allow` list, or what
/// its keys are bucketed by (its own name or its release's, or the file's
/// `bucketing`) changed, so that some key gets another answer (see
/// [`ToggleInfo::decides_like`](crate::ToggleInfo::decides_like)). A rewrite that decides the same for every
/// key (`rollout = 0` for `enabled = false`) is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retarget {
    /// The toggle's name.
    pub name: Box<str>,
    /// Its rollout (of the deciding table) before the reload.
    pub old: Option<Rollout>,
    /// Its rollout after the reload.
    pub new: Option<Rollout>,
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
    /// What changed from `old` to `new`, defined by answers: a toggle is
    /// [flipped](Self::flipped) when its check without a key answers
    /// otherwise, [retargeted](Self::retargeted) when only some key's check
    /// does ([`ToggleInfo::decides_like`](crate::ToggleInfo::decides_like)
    /// is `false`), and a rewrite that answers every check alike is no
    /// change. What a store logs and hands its subscribers after a reload;
    /// for tools too (two versions of a file, two environments' views).
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// use std::sync::Arc;
    /// use toggles::{Changes, Snapshot};
    /// let old = Snapshot::parse("toggles.toml", b"[toggles.a]\nrollout = 0\n")?;
    /// let same = Arc::new(Snapshot::parse("toggles.toml", b"[toggles.a]\nenabled = false\n")?);
    /// assert!(Changes::between(&old, &same).is_empty());
    /// let new = Arc::new(Snapshot::parse("toggles.toml", b"[toggles.a]\nrollout = 5\n")?);
    /// assert_eq!(Changes::between(&old, &new).to_string(), "a rollout 0%→5%");
    /// # Ok::<(), toggles::Error>(())
    /// ```
    pub fn between(old: &Snapshot, new: &Arc<Snapshot>) -> Changes {
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
                Some(was) if !was.decides_like(toggle) => changes.retargeted.push(Retarget {
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
            let was = old.release(release.name()).map(|r| r.is_enabled());
            if was != Some(release.is_enabled()) {
                changes.releases.push(ReleaseChange {
                    name: release.name().into(),
                    old: was,
                    new: Some(release.is_enabled()),
                });
            }
        }
        for release in old.releases().filter(|r| new.release(r.name()).is_none()) {
            changes.releases.push(ReleaseChange {
                name: release.name().into(),
                old: Some(release.is_enabled()),
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

    /// Rewrites that answer every check alike are no change; the same
    /// rewrites that move one key are.
    #[test]
    fn rewrites_that_decide_the_same_are_no_change() {
        let same = [
            ("rollout = 0", "enabled = false"),
            ("rollout = 0", ""),
            ("enabled = true", "rollout = 100"),
            ("enabled = true", "enabled = true\nallow = [\"ada\"]"),
            ("rollout = 100", "rollout = 100\nallow = [\"ada\", \"bob\"]"),
            (
                "rollout = 0\nallow = [\"ada\"]",
                "enabled = false\nallow = [\"ada\"]",
            ),
            ("allow = [\"ada\"]", "rollout = 0\nallow = [\"ada\"]"),
        ];
        for (old, new) in same {
            let changes = diff(
                &format!("[toggles.x]\n{old}\n"),
                &format!("[toggles.x]\n{new}\n"),
            );
            assert!(changes.is_empty(), "{old:?} → {new:?}: {changes}");
        }
        let moved = [
            ("rollout = 0", "rollout = 0.01"),
            ("rollout = 0", "allow = [\"ada\"]"),
            ("rollout = 50", "rollout = 50.01"),
            ("allow = [\"ada\"]", "allow = [\"bob\"]"),
        ];
        for (old, new) in moved {
            let changes = diff(
                &format!("[toggles.x]\n{old}\n"),
                &format!("[toggles.x]\n{new}\n"),
            );
            assert_eq!(
                changes.retargeted().len(),
                1,
                "{old:?} → {new:?}: {changes}"
            );
        }
    }

    /// An `allow` key inside the rollout changes no answer; one outside it
    /// does.
    #[test]
    fn an_allow_key_inside_the_rollout_changes_nothing() {
        let base = Snapshot::parse("t.toml", b"[toggles.x]\nrollout = 50\n").unwrap();
        let x = base.get("x").unwrap();
        let (inside, outside): (Vec<String>, Vec<String>) = (0..100)
            .map(|i| format!("user-{i}"))
            .partition(|key| x.is_enabled_for(key.as_str()));
        for (key, is_change) in [(&inside[0], false), (&outside[0], true)] {
            let new = format!("[toggles.x]\nrollout = 50\nallow = [\"{key}\"]\n");
            let changes = diff("[toggles.x]\nrollout = 50\n", &new);
            assert_eq!(!changes.is_empty(), is_change, "{key}: {changes}");
        }
    }

    mod answers {
        use super::*;
        use proptest::prelude::*;

        /// The keys a property compares answers on: the `allow` candidates
        /// and 4 000 more, enough that a rollout of 10, 25 or 50 % moved, or
        /// bucketed otherwise, moves some of them.
        fn sample() -> Vec<String> {
            ["ada", "bob", "cy"]
                .into_iter()
                .map(str::to_owned)
                .chain((0..4_000).map(|i| format!("user-{i}")))
                .collect()
        }

        /// A table's `enabled`, `rollout` and `allow`, as written.
        fn state() -> impl Strategy<Value = String> {
            let value = prop_oneof![
                Just(String::new()),
                Just("enabled = true\n".to_owned()),
                Just("enabled = false\n".to_owned()),
                prop::sample::select(vec![0u8, 10, 25, 50, 100])
                    .prop_map(|r| format!("rollout = {r}\n")),
            ];
            let allow = prop::sample::subsequence(vec!["ada", "bob", "cy"], 0..=3);
            let allow = prop_oneof![Just(None), allow.prop_map(Some)];
            (value, allow).prop_map(|(value, allow)| match allow {
                None => value,
                Some(keys) => {
                    let keys: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
                    format!("{value}allow = [{}]\n", keys.join(", "))
                }
            })
        }

        /// A file with a release `r` and a toggle `x`, perhaps its member:
        /// (flagd-v2?, the release's state, the toggle's, a member?).
        type Model = (bool, String, String, bool);

        fn model() -> impl Strategy<Value = Model> {
            (any::<bool>(), state(), state(), any::<bool>())
        }

        fn render((v2, release, own, member): &Model) -> String {
            let bucketing = if *v2 {
                "bucketing = \"flagd-v2\"\n"
            } else {
                ""
            };
            let member = if *member { "release = \"r\"\n" } else { "" };
            format!("{bucketing}[releases.r]\n{release}[toggles.x]\n{member}{own}")
        }

        /// Two versions: independent, or the second the first with one
        /// part changed (most rewrites change one thing, and rules that
        /// differ in one part only are the ones easy to get wrong).
        fn versions() -> impl Strategy<Value = (String, String)> {
            (model(), model(), 0..7usize).prop_map(|(mut old, other, part)| {
                let mut new = old.clone();
                match part {
                    // The toggle takes its release's values as its own:
                    // bucketed by its own name now.
                    5 => {
                        old.2 = String::new();
                        new.2 = old.1.clone();
                    }
                    6 => new.2 = old.1.clone(),
                    0 => new.0 = other.0,
                    1 => new.1 = other.1,
                    2 => new.2 = other.2,
                    3 => new.3 = other.3,
                    _ => new = other,
                }
                (render(&old), render(&new))
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2_000))]

            /// A change is reported exactly when some check answers
            /// otherwise: a flip when the check without a key does, a
            /// retarget when only some key's does.
            #[test]
            fn a_change_is_reported_iff_some_answer_changed((old, new) in versions()) {
                let changes = diff(&old, &new);
                let (old_x, new_x) = (
                    Snapshot::parse("t.toml", old.as_bytes()).unwrap(),
                    Snapshot::parse("t.toml", new.as_bytes()).unwrap(),
                );
                let (a, b) = (old_x.get("x").unwrap(), new_x.get("x").unwrap());
                let flipped = a.is_enabled() != b.is_enabled();
                let keys_differ = sample()
                    .iter()
                    .any(|key| a.is_enabled_for(key.as_str()) != b.is_enabled_for(key.as_str()));
                prop_assert_eq!(changes.flipped().len(), usize::from(flipped), "{}", changes);
                prop_assert_eq!(
                    changes.retargeted().len(),
                    usize::from(!flipped && keys_differ),
                    "{:?} → {:?}: {}", old, new, changes
                );
                prop_assert_eq!(a.decides_like(b), !flipped && !keys_differ);
            }
        }
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
