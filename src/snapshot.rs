//! One immutable, validated version of the file, and what can be asked of it.

use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::SystemTime;

use foldhash::fast::RandomState;
use hashbrown::HashTable;

use crate::bucket::Bucketing;
use crate::date::Timestamp;
use crate::definitions::{
    Definitions, Evaluation, Field, Plan, Reason, Release, Source, ToggleInfo, Written, WrittenAt,
};
use crate::key::Key;
use crate::overrides;

/// One whole, validated version of the file.
///
/// A snapshot never changes; a reload publishes a new one. Everything read
/// from one snapshot is therefore consistent: two toggles of one release can
/// never disagree because a save happened between two checks.
///
/// A file with a `schedule` is resolved at an instant: a snapshot holds the
/// state at the moment it was made (a [`Store`](crate::Store) publishes a
/// new one at each step), and [`at`](Self::at) gives the same version at
/// another instant.
#[derive(Debug, Clone)]
pub struct Snapshot {
    generation: u64,
    bucketing: Bucketing,
    /// The declared environments, in promotion order.
    environments: Vec<Box<str>>,
    /// The environment this version was resolved in.
    environment: Option<Box<str>>,
    /// Sorted by name.
    toggles: Vec<ToggleInfo>,
    /// Name → index into `toggles`. The names live in `toggles` only: an
    /// entry is 4 bytes, and a lookup hashes the name once with foldhash
    /// (several times faster than std's SipHash on 20-byte names; the keys
    /// come from the file, so hash flooding is no concern), then compares
    /// it with the candidates' names.
    index: HashTable<u32>,
    hasher: RandomState,
    /// Where each toggle's own deciding values are written, indexed like
    /// `toggles`: a side table, so that a [`ToggleInfo`] (what a check
    /// reads) keeps its size.
    written: Box<[WrittenAt]>,
    /// Sorted by name.
    releases: Vec<Release>,
    /// The file's schedules and the instant this version was resolved at;
    /// `None` for a file without schedules.
    plan: Option<Plan>,
}

impl Snapshot {
    pub(crate) fn new(generation: u64, definitions: Definitions) -> Snapshot {
        let Definitions {
            bucketing,
            environments,
            environment,
            toggles,
            written,
            releases,
            plan,
        } = definitions;
        debug_assert_eq!(written.len(), toggles.len());
        let hasher = RandomState::default();
        let mut index = HashTable::with_capacity(toggles.len());
        for (i, toggle) in toggles.iter().enumerate() {
            index.insert_unique(hasher.hash_one(toggle.name()), i as u32, |&j| {
                hasher.hash_one(toggles[j as usize].name())
            });
        }
        Snapshot {
            generation,
            bucketing,
            environments,
            environment,
            toggles,
            index,
            hasher,
            written: written.into_boxed_slice(),
            releases,
            plan,
        }
    }

    /// This version of the file as it is at `when`: each schedule's step in
    /// force is the latest at or before it (to the second: `when` counts
    /// as the whole second it is in). What the CLI's `--at` shows, and how
    /// a test looks at a plan without waiting for it. A file without
    /// schedules gives the same answers at every instant: a copy.
    ///
    /// The snapshot returned has [`generation`](Self::generation) 0: no
    /// store published it.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// use toggles::{Snapshot, Timestamp};
    /// let text = "[toggles.new_search]\nrollout = 1\nschedule = [\n  \
    ///             { at = 2026-12-09T09:00:00Z, rollout = 50 },\n  \
    ///             { at = 2026-12-11T09:00:00Z, enabled = true },\n]\n";
    /// let snapshot = Snapshot::parse("toggles.toml", text.as_bytes())?;
    /// let at = |t: &str| snapshot.at(t.parse::<Timestamp>().unwrap().to_system_time());
    /// let rollout = |s: &Snapshot| s.get("new_search").unwrap().rollout().map(|r| r.to_string());
    /// assert_eq!(rollout(&at("2026-12-09T08:59:59Z")).as_deref(), Some("1%"));
    /// assert_eq!(rollout(&at("2026-12-09T09:00:00Z")).as_deref(), Some("50%"));
    /// let later = at("2027-01-01T00:00:00Z");
    /// assert!(later.is_enabled("new_search"));
    /// assert_eq!(later.next_step(), None);
    /// # Ok::<(), toggles::Error>(())
    /// ```
    pub fn at(&self, when: SystemTime) -> Snapshot {
        self.resolved(0, Timestamp::from_system_time(when))
            .unwrap_or_else(|| Snapshot {
                generation: 0,
                ..self.clone()
            })
    }

    /// This version resolved again at `at`, numbered `generation`; `None`
    /// for a file without schedules.
    pub(crate) fn resolved(&self, generation: u64, at: Timestamp) -> Option<Snapshot> {
        let plan = self.plan.as_ref()?;
        let definitions = Arc::clone(&plan.resolve).at(plan.view, at);
        Some(Snapshot::new(generation, definitions))
    }

    /// Whether this version's states are those of instant `now` too: no
    /// step of a schedule lies between the instant it was resolved at and
    /// `now` (either way: a clock set back counts). Always for a file
    /// without schedules.
    pub(crate) fn holds_at(&self, now: Timestamp) -> bool {
        self.plan.as_ref().is_none_or(|plan| plan.holds_at(now))
    }

    /// The instant of the next step of any schedule in this view after
    /// the instant this version was resolved at: when a store publishes
    /// the next state. `None` if no step is to come.
    pub fn next_step(&self) -> Option<Timestamp> {
        self.plan.as_ref()?.until
    }

    /// The instant of the latest step at or before the instant this
    /// version was resolved at, in any schedule of the view.
    pub(crate) fn last_step(&self) -> Option<Timestamp> {
        self.plan.as_ref()?.from
    }

    /// The instant this version was resolved at, for a file with schedules
    /// (`None` for one without: its states hold at every instant).
    pub fn resolved_at(&self) -> Option<Timestamp> {
        self.plan.as_ref().map(|plan| plan.at)
    }

    /// The toggle named `name`: one hash, one probe, no allocation.
    /// Always inlined: the by-name checks are this and a load, and a call
    /// here cost them 15 % (`check/snapshot_by_name`).
    #[inline(always)]
    fn find(&self, name: &str) -> Option<&ToggleInfo> {
        self.find_index(name).map(|i| &self.toggles[i as usize])
    }

    /// Where the toggle named `name` is in this version's list.
    #[inline(always)]
    pub(crate) fn find_index(&self, name: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(name);
        self.index
            .find(hash, |&i| self.toggles[i as usize].is_named(name))
            .copied()
    }

    /// The toggle named `name`, looked for first at `hint` (where a caller
    /// found it in an earlier version: usually still there), else by name.
    /// With where it was found, for the next hint.
    #[inline]
    pub(crate) fn find_hinted(&self, name: &str, hint: u32) -> Option<(u32, &ToggleInfo)> {
        match self.toggles.get(hint as usize) {
            Some(toggle) if toggle.is_named(name) => Some((hint, toggle)),
            _ => {
                let i = self.find_index(name)?;
                Some((i, &self.toggles[i as usize]))
            }
        }
    }

    /// The number of the load that produced this snapshot. Unique in the
    /// process and increasing for snapshots a [`Store`](crate::Store)
    /// loaded: a later reload of any store has a larger one. 0 for one made
    /// by [`Snapshot::parse`], which no store loaded.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether `name` is on in this version: a test override, else the file's
    /// state; a name the file lacks is off.
    ///
    /// Unlike [`Store::is_enabled`](crate::Store::is_enabled), this does not
    /// queue a missing name for appending: a snapshot is a read-only value.
    pub fn is_enabled(&self, name: &str) -> bool {
        if let Some(value) = overrides::lookup(name) {
            return value;
        }
        self.find(name).is_some_and(|t| t.enabled)
    }

    /// Whether `name` is on for the key `key` in this version: a test
    /// override, else the file's state for that key (see
    /// [`ToggleInfo::is_enabled_for`]); a name the file lacks is off.
    /// The key is any [`Key`]: a string or an integer. No
    /// allocation.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// let text = "[toggles.new_search]\nrollout = 50\nallow = [\"staff-1\"]\n";
    /// let snapshot = toggles::Snapshot::parse("toggles.toml", text.as_bytes())?;
    /// assert!(snapshot.is_enabled_for("new_search", "staff-1"));
    /// // The same key always gets the same answer.
    /// let user = snapshot.is_enabled_for("new_search", "user-42");
    /// assert_eq!(snapshot.is_enabled_for("new_search", "user-42"), user);
    /// # Ok::<(), toggles::Error>(())
    /// ```
    pub fn is_enabled_for(&self, name: &str, key: impl Key) -> bool {
        if let Some(value) = overrides::lookup(name) {
            return value;
        }
        self.find(name).is_some_and(|t| t.is_enabled_for(key))
    }

    /// How a check of `name` with `key` (or without one) is decided in this
    /// version: a test override first ([`Source::Override`]), else
    /// [`ToggleInfo::evaluate`]; `None` if the file lacks the name and no
    /// override holds it.
    pub fn evaluate<K: Key>(&self, name: &str, key: Option<K>) -> Option<Evaluation> {
        if let Some(enabled) = overrides::lookup(name) {
            return Some(Evaluation {
                enabled,
                source: Source::Override,
                reason: Reason::Value,
            });
        }
        self.find(name).map(|t| t.evaluate(key))
    }

    /// The file's key-less state of `name`, or `None` if the file does not
    /// define it.
    #[inline]
    pub(crate) fn state(&self, name: &str) -> Option<bool> {
        self.find(name).map(|t| t.enabled)
    }

    /// [`state`](Self::state), and whether a key can change it (for a
    /// call-site cache's refresh).
    pub(crate) fn state_and_targeted(&self, name: &str) -> Option<(bool, bool)> {
        self.find(name).map(|t| (t.enabled, t.is_targeted()))
    }

    /// The environment whose values this version holds (see
    /// [`Builder::environment`](crate::Builder::environment)); `None` for the
    /// base values.
    pub fn environment(&self) -> Option<&str> {
        self.environment.as_deref()
    }

    /// The file's declared `environments`, in promotion order (empty if it
    /// declares none).
    pub fn environments(&self) -> impl ExactSizeIterator<Item = &str> {
        self.environments.iter().map(|e| &**e)
    }

    /// The file's `bucketing` scheme (the default: [`Bucketing::FlagdV3`]).
    pub fn bucketing(&self) -> Bucketing {
        self.bucketing
    }

    /// Whether this version defines no toggle and no release.
    pub fn is_empty(&self) -> bool {
        self.toggles.is_empty() && self.releases.is_empty()
    }

    /// Whether the file defines a toggle named `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// The toggle named `name`, if the file defines it.
    pub fn get(&self, name: &str) -> Option<&ToggleInfo> {
        self.find(name)
    }

    /// Every toggle, sorted by name.
    pub fn toggles(&self) -> impl ExactSizeIterator<Item = &ToggleInfo> {
        self.toggles.iter()
    }

    /// Where the `field` of toggle `name`'s own table that decides in this
    /// view is written, if it is (see [`Written`]): `None` for a name the
    /// file lacks, for a field not written, or one this view takes from
    /// elsewhere (an `env.E.rollout` replaces the base `enabled` in E; a
    /// toggle that follows its release decides nothing itself: see
    /// [`Release::written`]). The rule is the one the view's states come
    /// from.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// use toggles::{Field, Snapshot};
    /// let text = "environments = [\"staging\"]\n\n\
    ///             [toggles.a]\nenabled = false\nallow = [\"ada\"]\nenv.staging.enabled = true\n";
    /// let (base, views) = Snapshot::parse_all("toggles.toml", text.as_bytes())?;
    /// let at = base.written("a", Field::Enabled).unwrap();
    /// assert_eq!((at.to_string(), at.line()), ("enabled".to_owned(), 4));
    /// let at = views[0].written("a", Field::Enabled).unwrap();
    /// assert_eq!((at.to_string(), at.line()), ("env.staging.enabled".to_owned(), 6));
    /// // The base list still applies in staging.
    /// assert_eq!(views[0].written("a", Field::Allow).unwrap().line(), 5);
    /// assert_eq!(views[0].written("a", Field::Rollout), None);
    /// # Ok::<(), toggles::Error>(())
    /// ```
    pub fn written(&self, name: &str, field: Field) -> Option<Written<'_>> {
        let at = self.written.get(self.find_index(name)? as usize)?;
        at.get(field, self.environment.as_deref())
    }

    /// The release named `name`, if the file defines it.
    pub fn release(&self, name: &str) -> Option<&Release> {
        let i = self
            .releases
            .binary_search_by(|r| (*r.name).cmp(name))
            .ok()?;
        Some(&self.releases[i])
    }

    /// Every release, sorted by name.
    pub fn releases(&self) -> impl ExactSizeIterator<Item = &Release> {
        self.releases.iter()
    }
}
