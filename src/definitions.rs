//! What one version of the file defines: toggles, releases, and where each
//! toggle's state comes from. Plain values shared by the reader
//! ([`format`](crate::format)) and the published [`Snapshot`](crate::Snapshot);
//! this module knows neither.

use std::fmt;
use std::sync::Arc;

use crate::bucket::{self, Bucketing, KeyHasher, Rollout};
use crate::date::{Date, Timestamp};
use crate::key::{self, Buffer, Key};
use crate::name::MAX_NAME_LEN;

/// The validated content of one version of the file, sorted by name.
#[derive(Debug, Default)]
pub(crate) struct Definitions {
    pub(crate) bucketing: Bucketing,
    /// The declared environments, in promotion order.
    pub(crate) environments: Vec<Box<str>>,
    /// The environment this version was resolved in (`None`: base values).
    pub(crate) environment: Option<Box<str>>,
    pub(crate) toggles: Vec<ToggleInfo>,
    /// Where each toggle's own deciding values are written, indexed like
    /// `toggles` (a side table: a [`ToggleInfo`] keeps its size).
    pub(crate) written: Vec<WrittenAt>,
    pub(crate) releases: Vec<Release>,
    /// The file's schedules, to resolve the same version at another
    /// instant (`None` for a file without any: nothing depends on time).
    pub(crate) plan: Option<Plan>,
}

/// Gives a version of the file as it is at another instant: what the
/// reader ([`format`](crate::format)) keeps of a file with schedules. A
/// trait, so that this module does not name the reader's types.
pub(crate) trait Resolve: Send + Sync {
    /// The same version, in view `view`, at `at`.
    fn at(self: Arc<Self>, view: Option<usize>, at: Timestamp) -> Definitions;
}

/// A version's schedules and the instant it was resolved at: the
/// resolution holds from `from` (the latest step at or before it, in any
/// table; `None`: before every step) until `until` (the next step after it;
/// `None`: after the last).
#[derive(Clone)]
pub(crate) struct Plan {
    pub(crate) resolve: Arc<dyn Resolve>,
    /// The view's environment, by index (`None`: the base values).
    pub(crate) view: Option<usize>,
    pub(crate) at: Timestamp,
    pub(crate) from: Option<Timestamp>,
    pub(crate) until: Option<Timestamp>,
}

impl Plan {
    /// Whether the resolution gives the state at `now` too: no step lies
    /// between its instant and `now`, either way (a clock set back counts).
    pub(crate) fn holds_at(&self, now: Timestamp) -> bool {
        self.from.is_none_or(|from| from <= now) && self.until.is_none_or(|until| now < until)
    }
}

impl fmt::Debug for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plan")
            .field("view", &self.view)
            .field("at", &self.at)
            .field("from", &self.from)
            .field("until", &self.until)
            .finish_non_exhaustive()
    }
}

impl Definitions {
    /// Whether this version defines no toggle and no release.
    pub(crate) fn is_empty(&self) -> bool {
        self.toggles.is_empty() && self.releases.is_empty()
    }
}

/// Where a toggle's state comes from, in the order of precedence.
///
/// A test override (see [`toggle_as`](crate::toggle_as)) comes before all of
/// these; it is not part of any snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// The toggle's own table: it has `enabled`, `rollout` or `allow`.
    Own,
    /// The toggle's release: the toggle has none of those, and belongs to
    /// one (whose `enabled`, `rollout` and `allow` then apply; off if it
    /// has none of them).
    Release,
    /// Neither is set: the toggle is off.
    Default,
    /// A test override ([`toggle_as`](crate::toggle_as)); only in an
    /// [`Evaluation`] from [`Snapshot::evaluate`](crate::Snapshot::evaluate),
    /// never a [`ToggleInfo`]'s source: a `ToggleInfo` is what the file
    /// says (overrides belong to a test's thread or process, not to a
    /// version of the file), while an evaluation is what a check answers.
    Override,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Own => "own",
            Source::Release => "release",
            Source::Default => "default",
            Source::Override => "override",
        })
    }
}

/// The key-dependent part of a table (a toggle's own, or a release's): its
/// `allow` list and its `rollout`. A table with neither has none.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Targeting {
    /// `None` where the table's `enabled` (or its absence: off) decides
    /// for keys outside `allow`.
    pub(crate) rollout: Option<Rollout>,
    /// Sorted, without duplicates or empty keys.
    pub(crate) allow: Arc<[Box<str>]>,
    /// Hashes a key's bucketing value with its fixed part precomputed (set
    /// for a rollout; `None` without one).
    pub(crate) hasher: Option<KeyHasher>,
    /// The table's schedule, and which of its steps is in force (`None`:
    /// before the first); a scheduled table always has a `Targeting`,
    /// even where no key changes its state.
    pub(crate) schedule: Option<(Arc<Schedule>, Option<u32>)>,
}

impl Targeting {
    fn schedule(&self) -> Option<&Schedule> {
        self.schedule.as_ref().map(|(schedule, _)| &**schedule)
    }

    fn step(&self) -> Option<&Step> {
        let (schedule, in_force) = self.schedule.as_ref()?;
        schedule.steps.get(usize::try_from((*in_force)?).ok()?)
    }

    fn next_step(&self) -> Option<&Step> {
        let (schedule, in_force) = self.schedule.as_ref()?;
        let next = in_force.map_or(0, |i| i as usize + 1);
        schedule.steps.get(next)
    }
}

/// A table's `schedule`: dated steps, each giving the table's `enabled` or
/// `rollout` from its instant on (its `allow` list does not vary). Before
/// the first step the table's own `enabled` or `rollout` applies. From
/// [`ToggleInfo::schedule`] and [`Release::schedule`]; see
/// [`docs::rollouts`](crate::docs::rollouts).
#[derive(Debug, PartialEq, Eq)]
pub struct Schedule {
    /// Strictly increasing in time.
    pub(crate) steps: Box<[Step]>,
    /// Written in an environment's values (`env.E.schedule`).
    pub(crate) in_env: bool,
}

impl Schedule {
    /// The steps, in time order (strictly increasing).
    pub fn steps(&self) -> impl ExactSizeIterator<Item = &Step> + DoubleEndedIterator {
        self.steps.iter()
    }

    /// The step in force at `at`: the latest whose instant is at or before
    /// it (`None` before the first).
    pub fn step_at(&self, at: Timestamp) -> Option<&Step> {
        let index = self.in_force_at(at)?;
        self.steps.get(index)
    }

    /// The index of the step in force at `at`.
    pub(crate) fn in_force_at(&self, at: Timestamp) -> Option<usize> {
        self.steps
            .partition_point(|step| step.at <= at)
            .checked_sub(1)
    }

    /// Whether the schedule is written in an environment's values
    /// (`env.E.schedule`) rather than the table's own.
    pub fn is_in_environment(&self) -> bool {
        self.in_env
    }
}

/// One step of a [`Schedule`]: from [`at`](Self::at) on, the table is
/// [`enabled`](Self::enabled) or rolled out to [`rollout`](Self::rollout)
/// (exactly one of the two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub(crate) at: Timestamp,
    pub(crate) value: StepValue,
    pub(crate) line: u32,
}

/// What a step sets: the table's state slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepValue {
    Enabled(bool),
    Rollout(Rollout),
}

impl Step {
    /// The instant the step takes effect (whole seconds).
    pub fn at(&self) -> Timestamp {
        self.at
    }

    /// The `enabled` it sets, if it sets one.
    pub fn enabled(&self) -> Option<bool> {
        match self.value {
            StepValue::Enabled(on) => Some(on),
            StepValue::Rollout(_) => None,
        }
    }

    /// The `rollout` it sets, if it sets one.
    pub fn rollout(&self) -> Option<Rollout> {
        match self.value {
            StepValue::Rollout(rollout) => Some(rollout),
            StepValue::Enabled(_) => None,
        }
    }

    /// The state it gives a check without a key: its `enabled`, or whether
    /// its rollout is 100 %.
    pub fn is_enabled(&self) -> bool {
        match self.value {
            StepValue::Enabled(on) => on,
            StepValue::Rollout(rollout) => rollout.is_full(),
        }
    }

    /// The 1-based line of the step in the file.
    pub fn line(&self) -> usize {
        self.line as usize
    }
}

impl Targeting {
    /// Whether `key` (a key's text) is in `allow`: compared as bytes, so
    /// the integer 42 matches `"42"`.
    #[inline]
    fn allows(&self, key: &[u8]) -> bool {
        // Short lists (staff, testers): a scan that compares bytes only
        // where the lengths match, cheaper than the string comparisons of
        // a binary search. Long ones: sorted once at load, O(log n).
        if self.allow.len() <= 16 {
            self.allow
                .iter()
                .any(|k| k.len() == key.len() && k.as_bytes() == key)
        } else {
            // `str`'s order is its bytes' order: the list's sort holds.
            self.allow
                .binary_search_by(|k| k.as_bytes().cmp(key))
                .is_ok()
        }
    }
}

/// What a toggle answers for a (non-empty) key, in a normal form: two
/// toggles answer every key alike exactly when their forms are equal (for
/// [`KeyRule::Share`], up to `allow` keys inside the rollout).
enum KeyRule<'a> {
    /// Every key is on: `enabled = true` (whatever `allow` says), or a
    /// rollout of 100 %.
    All,
    /// Exactly these keys are on (sorted; none for a toggle that is off):
    /// `enabled = false`, no `enabled`, or a rollout of 0 %, beside the
    /// `allow` list.
    Only(&'a [Box<str>]),
    /// A rollout strictly between 0 and 100 %: the keys whose bucket, by
    /// `by`'s name under `bucketing`, is inside it, and `targeting.allow`.
    Share {
        rollout: Rollout,
        targeting: &'a Targeting,
        by: &'a str,
        bucketing: Bucketing,
    },
}

/// The keys in one of two sorted lists and not the other.
fn symmetric_difference<'a>(
    a: &'a [Box<str>],
    b: &'a [Box<str>],
) -> impl Iterator<Item = &'a str> + 'a {
    let only_a = a.iter().filter(|k| b.binary_search(k).is_err());
    let only_b = b.iter().filter(|k| a.binary_search(k).is_err());
    only_a.chain(only_b).map(|k| &**k)
}

/// How a check of one toggle was decided: see [`ToggleInfo::evaluate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Evaluation {
    /// The answer: whether the toggle is on.
    pub enabled: bool,
    /// Which table decided: the toggle's own, its release's, or neither.
    pub source: Source,
    /// What in that table decided.
    pub reason: Reason,
}

/// What in the deciding table gave a check its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The key is in the table's `allow` list: on.
    Allowed,
    /// The key's bucket against the table's `rollout`: on when `bucket`
    /// (`0..10_000`) is below the rollout's
    /// [`basis_points`](Rollout::basis_points).
    Bucket {
        /// Where the key falls: `0..10_000`, fixed for a key and a toggle
        /// (or its release) under one [`Bucketing`].
        bucket: u16,
        /// The rollout it is compared with.
        rollout: Rollout,
    },
    /// A check without a key (or with an empty one) of a rollout: on only
    /// at 100 %.
    NoKey {
        /// The table's rollout.
        rollout: Rollout,
    },
    /// The table's `enabled`, or off where it has none (a table with only
    /// `allow`, or no table: [`Source::Default`]).
    Value,
}

/// What a toggle is for, by Pete Hodgson's four kinds of toggles: the
/// `kind` field (default [`Kind::Release`]). Release and experiment
/// toggles are meant to live days or weeks, and `toggles check` warns
/// about old ones without `expires`; ops and permission toggles may stay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Kind {
    /// Hides unfinished work until it ships (the default).
    #[default]
    Release,
    /// Splits users to compare variants, for as long as the experiment.
    Experiment,
    /// An operational switch: a kill switch, a degraded mode.
    Ops,
    /// Gives some users a feature for good (plans, entitlements).
    Permission,
}

impl Kind {
    /// Every kind, in the order the file's documentation lists them.
    pub const ALL: [Kind; 4] = [Kind::Release, Kind::Experiment, Kind::Ops, Kind::Permission];

    /// The kind as the file writes it: `release`, `experiment`, `ops`,
    /// `permission`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Release => "release",
            Kind::Experiment => "experiment",
            Kind::Ops => "ops",
            Kind::Permission => "permission",
        }
    }

    /// Whether toggles of this kind are meant to be removed after a while
    /// (release and experiment toggles), so that their age counts.
    pub fn is_temporary(self) -> bool {
        matches!(self, Kind::Release | Kind::Experiment)
    }

    fn bits(self) -> u8 {
        match self {
            Kind::Release => 0,
            Kind::Experiment => 1,
            Kind::Ops => 2,
            Kind::Permission => 3,
        }
    }

    fn from_bits(bits: u8) -> Kind {
        match bits & 3 {
            0 => Kind::Release,
            1 => Kind::Experiment,
            2 => Kind::Ops,
            _ => Kind::Permission,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that is not one of the four [`Kind`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseKindError(String);

impl fmt::Display for ParseKindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a kind of toggle: write `release`, `experiment`, `ops` or `permission`",
            self.0
        )
    }
}

impl std::error::Error for ParseKindError {}

impl std::str::FromStr for Kind {
    type Err = ParseKindError;

    fn from_str(text: &str) -> Result<Kind, ParseKindError> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| ParseKindError(text.to_owned()))
    }
}

/// A toggle's lifecycle fields as the reader validated them, for
/// [`ToggleInfo::new`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Lifecycle<'a> {
    pub(crate) owner: Option<&'a str>,
    pub(crate) kind: Kind,
    pub(crate) expires: Option<Date>,
}

/// In [`ToggleInfo::flags`]: the kind (two bits), then which optional
/// texts `text` holds.
const KIND_BITS: u8 = 0b11;
const HAS_DESCRIPTION: u8 = 1 << 2;
const HAS_OWNER: u8 = 1 << 3;
const HAS_EXPIRES: u8 = 1 << 4;
/// `expires` as `text` holds it: `YYYY-MM-DD`.
const DATE_LEN: usize = 10;

/// One toggle as a version of the file defines it.
///
/// 56 bytes and one heap block for the name, the lifecycle texts (`owner`,
/// `expires`) and the description together (a block costs malloc 8 to 24
/// bytes more than asked): a 10 000-toggle snapshot stays under 2 MB.
#[derive(Clone, PartialEq, Eq)]
pub struct ToggleInfo {
    /// The name; `expires` as `YYYY-MM-DD` if set; the owner and a `\n` if
    /// set (an owner has no control character); the description if set.
    text: Box<str>,
    /// Where the name ends in `text` (a name is at most 255 bytes).
    name_len: u16,
    /// The kind and which optional texts there are (`HAS_*`).
    flags: u8,
    /// The state of a check without a key.
    pub(crate) enabled: bool,
    pub(crate) source: Source,
    pub(crate) bucketing: Bucketing,
    /// Shared with the release's own name.
    pub(crate) release: Option<Arc<str>>,
    /// The deciding table's `allow` and `rollout`, if it has either (shared
    /// with the release when it decides); `None` for a state that no key
    /// changes, the usual case: a keyed check then costs what a key-less
    /// one does.
    pub(crate) targeting: Option<Arc<Targeting>>,
    pub(crate) created: Option<Date>,
    pub(crate) line: u32,
}

/// What decides a toggle: where its state comes from, the key-less state,
/// and the key-dependent part.
pub(crate) struct Decider {
    pub(crate) enabled: bool,
    pub(crate) source: Source,
    pub(crate) bucketing: Bucketing,
    pub(crate) targeting: Option<Arc<Targeting>>,
}

impl ToggleInfo {
    pub(crate) fn new(
        name: &str,
        description: Option<&str>,
        decider: Decider,
        release: Option<Arc<str>>,
        (created, lifecycle): (Option<Date>, Lifecycle<'_>),
        line: u32,
    ) -> ToggleInfo {
        let Decider {
            enabled,
            source,
            bucketing,
            targeting,
        } = decider;
        debug_assert!(name.len() <= MAX_NAME_LEN);
        debug_assert!(
            lifecycle
                .owner
                .is_none_or(|o| !o.contains(char::is_control))
        );
        let owner_len = lifecycle.owner.map_or(0, |owner| owner.len() + 1);
        let expires_len = if lifecycle.expires.is_some() {
            DATE_LEN
        } else {
            0
        };
        let mut text = String::with_capacity(
            name.len() + expires_len + owner_len + description.map_or(0, str::len),
        );
        text.push_str(name);
        let mut flags = lifecycle.kind.bits();
        if let Some(expires) = lifecycle.expires {
            use fmt::Write as _;
            let _ = write!(text, "{expires}");
            debug_assert_eq!(text.len(), name.len() + DATE_LEN);
            flags |= HAS_EXPIRES;
        }
        if let Some(owner) = lifecycle.owner {
            text.push_str(owner);
            text.push('\n');
            flags |= HAS_OWNER;
        }
        if let Some(description) = description {
            text.push_str(description);
            flags |= HAS_DESCRIPTION;
        }
        ToggleInfo {
            text: text.into_boxed_str(),
            name_len: name.len() as u16,
            flags,
            enabled,
            source,
            bucketing,
            release,
            targeting,
            created,
            line,
        }
    }

    /// The toggle's name.
    #[inline]
    pub fn name(&self) -> &str {
        &self.text[..usize::from(self.name_len)]
    }

    /// Whether the toggle is named `name` (for lookups).
    #[inline]
    pub(crate) fn is_named(&self, name: &str) -> bool {
        usize::from(self.name_len) == name.len()
            && self.text.as_bytes().starts_with(name.as_bytes())
    }

    /// The effective state from the file for a check without a key,
    /// without test overrides: a rollout counts as on only at 100 %, and
    /// `allow` lists do not apply.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The effective state from the file for the key `key` (a user id, a
    /// tenant…), without test overrides: in the deciding table, a key in
    /// `allow` is on, else `enabled` decides, else the key's bucket is
    /// compared with `rollout`. An empty key is no key: see
    /// [`is_enabled`](Self::is_enabled). No allocation.
    ///
    /// The key is any [`Key`]: a string or an integer, an integer being
    /// the same key as its decimal text (`42` and `"42"` get one answer).
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// let text = "[toggles.beta]\nrollout = 0\nallow = [\"ada\"]\n";
    /// let snapshot = toggles::Snapshot::parse("toggles.toml", text.as_bytes())?;
    /// let beta = snapshot.get("beta").unwrap();
    /// assert!(beta.is_enabled_for("ada"));
    /// assert!(!beta.is_enabled_for("bob"));
    /// assert!(!beta.is_enabled());
    /// # Ok::<(), toggles::Error>(())
    /// ```
    #[inline]
    pub fn is_enabled_for(&self, key: impl Key) -> bool {
        if self.targeting.is_none() {
            return self.enabled;
        }
        let mut buffer = Buffer::new();
        self.is_enabled_for_text(key::text(&key, &mut buffer))
    }

    /// [`is_enabled_for`](Self::is_enabled_for) of a key's text.
    #[inline]
    pub(crate) fn is_enabled_for_text(&self, key: &[u8]) -> bool {
        let Some(targeting) = &self.targeting else {
            return self.enabled;
        };
        // `decide` without building its `Evaluation`: the same rule, in
        // the same order (a unit test holds them equal).
        if key.is_empty() {
            self.enabled
        } else if targeting.allows(key) {
            true
        } else if let Some(rollout) = targeting.rollout {
            bucket::bucket_of(self.hash(targeting, key)) < rollout.basis_points()
        } else {
            self.enabled
        }
    }

    /// How a check with `key` (or without one: `None`) is decided, without
    /// test overrides: the answer, the table that gave it, and why. What
    /// `toggles show NAME --key K` prints. The key is any [`Key`], as for
    /// [`is_enabled_for`](Self::is_enabled_for); a literal `None` needs its
    /// type named (`evaluate(None::<&str>)`).
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// use toggles::{Reason, Source};
    /// let text = "[releases.r]\nrollout = 100\n\n[toggles.a]\nrelease = \"r\"\n";
    /// let snapshot = toggles::Snapshot::parse("toggles.toml", text.as_bytes())?;
    /// let how = snapshot.get("a").unwrap().evaluate(Some("user-1"));
    /// assert!(how.enabled);
    /// assert_eq!(how.source, Source::Release);
    /// assert!(matches!(how.reason, Reason::Bucket { bucket, .. } if bucket < 10_000));
    /// # Ok::<(), toggles::Error>(())
    /// ```
    pub fn evaluate<K: Key>(&self, key: Option<K>) -> Evaluation {
        match &self.targeting {
            None => self.by_value(),
            Some(targeting) => {
                let mut buffer = Buffer::new();
                let key = match &key {
                    Some(key) => key::text(key, &mut buffer),
                    None => b"",
                };
                self.decide(targeting, key)
            }
        }
    }

    fn by_value(&self) -> Evaluation {
        Evaluation {
            enabled: self.enabled,
            source: self.source,
            reason: Reason::Value,
        }
    }

    fn decide(&self, targeting: &Targeting, key: &[u8]) -> Evaluation {
        let reason = if key.is_empty() {
            match targeting.rollout {
                Some(rollout) => Reason::NoKey { rollout },
                None => Reason::Value,
            }
        } else if targeting.allows(key) {
            Reason::Allowed
        } else if let Some(rollout) = targeting.rollout {
            Reason::Bucket {
                bucket: bucket::bucket_of(self.hash(targeting, key)),
                rollout,
            }
        } else {
            Reason::Value
        };
        let enabled = match reason {
            Reason::Allowed => true,
            Reason::Bucket { bucket, rollout } => bucket < rollout.basis_points(),
            Reason::NoKey { .. } | Reason::Value => self.enabled,
        };
        Evaluation {
            enabled,
            source: self.source,
            reason,
        }
    }

    /// The hash of the key's bucketing value: by the toggle's name for its
    /// own rollout, by the release's for the release's.
    #[inline]
    fn hash(&self, targeting: &Targeting, key: &[u8]) -> u32 {
        if let Some(hash) = targeting.hasher.as_ref().and_then(|h| h.hash(key)) {
            return hash;
        }
        match (&self.release, self.source) {
            (Some(release), Source::Release) => bucket::release_hash(self.bucketing, release, key),
            _ => bucket::default_hash(self.bucketing, self.name(), key),
        }
    }

    /// Whether `other` gives every check the same answer as this toggle:
    /// the check without a key, and the check with any key. What
    /// [`Changes`](crate::Changes) reports is exactly the toggles for which
    /// this is `false`: a rewrite that decides the same (`rollout = 0` for
    /// `enabled = false`, `rollout = 100` for `enabled = true`, an `allow`
    /// list edited under `enabled = true`) is no change.
    ///
    /// Decided exactly, on the rule's normal form (`KeyRule`): every key
    /// on; exactly the keys of a list on (none, for a toggle that is off);
    /// or a rollout strictly between 0 and 100 %, bucketed by one name under
    /// one scheme, plus the `allow` keys outside it. Two rollouts that
    /// differ in their share, their bucketing name or their scheme put some
    /// key on one side and not the other; two `allow` lists beside the same
    /// rollout differ for a key only where that key is outside it.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// let toggle = |text: &str| {
    ///     let snapshot = toggles::Snapshot::parse("toggles.toml", text.as_bytes()).unwrap();
    ///     snapshot.get("a").unwrap().clone()
    /// };
    /// let off = toggle("[toggles.a]\nenabled = false\n");
    /// assert!(off.decides_like(&toggle("[toggles.a]\nrollout = 0\n")));
    /// assert!(!off.decides_like(&toggle("[toggles.a]\nrollout = 0\nallow = [\"ada\"]\n")));
    /// let on = toggle("[toggles.a]\nenabled = true\n");
    /// assert!(on.decides_like(&toggle("[toggles.a]\nrollout = 100\nallow = [\"ada\"]\n")));
    /// ```
    pub fn decides_like(&self, other: &ToggleInfo) -> bool {
        if self.enabled != other.enabled {
            return false;
        }
        match (self.key_rule(), other.key_rule()) {
            (KeyRule::All, KeyRule::All) => true,
            (KeyRule::Only(a), KeyRule::Only(b)) => a == b,
            (
                KeyRule::Share {
                    rollout,
                    targeting,
                    by,
                    bucketing,
                },
                KeyRule::Share {
                    rollout: rollout_b,
                    targeting: targeting_b,
                    by: by_b,
                    bucketing: bucketing_b,
                },
            ) => {
                rollout == rollout_b
                    && by == by_b
                    && bucketing == bucketing_b
                    // Same buckets for every key: a key in one list only
                    // changes nothing where its bucket is inside anyway.
                    && symmetric_difference(&targeting.allow, &targeting_b.allow).all(|key| {
                        let hash = self.hash(targeting, key.as_bytes());
                        bucket::bucket_of(hash) < rollout.basis_points()
                    })
            }
            _ => false,
        }
    }

    /// The one answer every check gets, if no key can change it:
    /// `Some(true)` when every check is on (with any key, or none:
    /// `enabled = true` whatever `allow` says, or a rollout of 100 %),
    /// `Some(false)` when every check is off (off, or a rollout of 0 %,
    /// without `allow` keys); `None` when the answer depends on the key
    /// (an `allow` list beside off, a rollout strictly between 0 and
    /// 100 %). Decided on the same normal form as
    /// [`decides_like`](Self::decides_like), so two toggles with the same
    /// `Some` answer decide alike. Of this version at its instant: steps of
    /// a [`schedule`](Self::schedule) still to come are not looked at (see
    /// [`next_step`](Self::next_step)).
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// let toggle = |text: &str| {
    ///     let snapshot = toggles::Snapshot::parse("toggles.toml", text.as_bytes()).unwrap();
    ///     snapshot.get("a").unwrap().is_constant()
    /// };
    /// assert_eq!(toggle("[toggles.a]\nenabled = true\nallow = [\"ada\"]\n"), Some(true));
    /// assert_eq!(toggle("[toggles.a]\nrollout = 100\n"), Some(true));
    /// assert_eq!(toggle("[toggles.a]\nrollout = 0\n"), Some(false));
    /// assert_eq!(toggle("[toggles.a]\n"), Some(false));
    /// assert_eq!(toggle("[toggles.a]\nallow = [\"ada\"]\n"), None);
    /// assert_eq!(toggle("[toggles.a]\nrollout = 10\n"), None);
    /// ```
    pub fn is_constant(&self) -> Option<bool> {
        match self.key_rule() {
            KeyRule::All if self.enabled => Some(true),
            KeyRule::Only([]) if !self.enabled => Some(false),
            _ => None,
        }
    }

    /// The rule for keys (non-empty ones), in its normal form.
    fn key_rule(&self) -> KeyRule<'_> {
        let Some(targeting) = &self.targeting else {
            return if self.enabled {
                KeyRule::All
            } else {
                KeyRule::Only(&[])
            };
        };
        match targeting.rollout {
            Some(rollout) if rollout.is_full() => KeyRule::All,
            Some(rollout) if rollout.basis_points() == 0 => KeyRule::Only(&targeting.allow),
            Some(rollout) => KeyRule::Share {
                rollout,
                targeting,
                by: match (&self.release, self.source) {
                    (Some(release), Source::Release) => release,
                    _ => self.name(),
                },
                bucketing: self.bucketing,
            },
            None if self.enabled => KeyRule::All,
            None => KeyRule::Only(&targeting.allow),
        }
    }

    /// Whether a key can change this toggle's state (it has an `allow` list
    /// or a rollout in its deciding table).
    #[inline]
    pub(crate) fn is_targeted(&self) -> bool {
        self.targeting.is_some()
    }

    /// The deciding table's `rollout`, if it has one: the toggle's own, or
    /// its release's when [`source`](Self::source) is [`Source::Release`].
    pub fn rollout(&self) -> Option<Rollout> {
        self.targeting.as_ref().and_then(|t| t.rollout)
    }

    /// The deciding table's `allow` list, sorted (empty if it has none).
    pub fn allow(&self) -> impl ExactSizeIterator<Item = &str> {
        allow_list(&self.targeting)
    }

    /// The deciding table's `schedule` in this view, if it has one: the
    /// toggle's own, or its release's when [`source`](Self::source) is
    /// [`Source::Release`].
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// use std::time::{Duration, UNIX_EPOCH};
    /// let text = "[toggles.a]\nrollout = 1\nschedule = [\n  \
    ///             { at = 2026-12-07T09:00:00Z, rollout = 10 },\n  \
    ///             { at = 2026-12-11T09:00:00Z, enabled = true },\n]\n";
    /// let snapshot = toggles::Snapshot::parse("toggles.toml", text.as_bytes())?;
    /// let friday = "2026-12-08T00:00:00Z".parse::<toggles::Timestamp>().unwrap();
    /// let then = snapshot.at(friday.to_system_time());
    /// let a = then.get("a").unwrap();
    /// assert_eq!(a.schedule().unwrap().steps().len(), 2);
    /// assert_eq!(a.rollout().unwrap().to_string(), "10%");
    /// assert_eq!(a.step().unwrap().line(), 4);
    /// assert_eq!(a.next_step().unwrap().enabled(), Some(true));
    /// # Ok::<(), toggles::Error>(())
    /// ```
    pub fn schedule(&self) -> Option<&Schedule> {
        self.targeting.as_deref()?.schedule()
    }

    /// The step of [`schedule`](Self::schedule) in force in this version
    /// (`None` before its first step, or without one).
    pub fn step(&self) -> Option<&Step> {
        self.targeting.as_deref()?.step()
    }

    /// The next step of [`schedule`](Self::schedule) after this version's
    /// instant, if one is to come.
    pub fn next_step(&self) -> Option<&Step> {
        self.targeting.as_deref()?.next_step()
    }

    /// The file's [`Bucketing`] scheme, by which keys are bucketed: the
    /// same as [`Snapshot::bucketing`](crate::Snapshot::bucketing), held by
    /// the toggle so that a `ToggleInfo` on its own (cloned out of its
    /// snapshot) says how it decides, as [`is_enabled_for`](Self::is_enabled_for)
    /// does.
    pub fn bucketing(&self) -> Bucketing {
        self.bucketing
    }

    /// Where [`is_enabled`](Self::is_enabled) comes from.
    pub fn source(&self) -> Source {
        self.source
    }

    /// The release the toggle belongs to, if any.
    pub fn release(&self) -> Option<&str> {
        self.release.as_deref()
    }

    /// The `description` field, if any.
    pub fn description(&self) -> Option<&str> {
        (self.flags & HAS_DESCRIPTION != 0).then(|| &self.text[self.owner_end()..])
    }

    /// The `created` field's date, if any.
    pub fn created(&self) -> Option<Date> {
        self.created
    }

    /// The `owner` field: the team or person the toggle belongs to.
    pub fn owner(&self) -> Option<&str> {
        (self.flags & HAS_OWNER != 0).then(|| {
            let start = self.expires_end();
            &self.text[start..self.owner_end() - 1]
        })
    }

    /// The `kind` field ([`Kind::Release`] where it is not written).
    pub fn kind(&self) -> Kind {
        Kind::from_bits(self.flags & KIND_BITS)
    }

    /// Whether the toggle is past its `expires` on `today`: `expires` is
    /// the last day it may stay, so on that day it has not expired yet.
    /// Never, without `expires`. What `toggles check` fails on, and
    /// `toggles list --expired` lists.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// let text = "[toggles.a]\nexpires = 2027-01-31\n";
    /// let snapshot = toggles::Snapshot::parse("toggles.toml", text.as_bytes())?;
    /// let a = snapshot.get("a").unwrap();
    /// assert!(!a.is_expired_on("2027-01-31".parse().unwrap()));
    /// assert!(a.is_expired_on("2027-02-01".parse().unwrap()));
    /// # Ok::<(), toggles::Error>(())
    /// ```
    pub fn is_expired_on(&self, today: Date) -> bool {
        self.expires().is_some_and(|expires| expires < today)
    }

    /// The `expires` field's date, if any: after it, `toggles check` fails.
    pub fn expires(&self) -> Option<Date> {
        if self.flags & HAS_EXPIRES == 0 {
            return None;
        }
        let start = usize::from(self.name_len);
        self.text.get(start..start + DATE_LEN)?.parse().ok()
    }

    /// Where `expires` ends in `text` (where the name ends without one).
    fn expires_end(&self) -> usize {
        let name_end = usize::from(self.name_len);
        if self.flags & HAS_EXPIRES != 0 {
            name_end + DATE_LEN
        } else {
            name_end
        }
    }

    /// Where the owner and its `\n` end in `text` (where `expires` ends
    /// without one).
    fn owner_end(&self) -> usize {
        let start = self.expires_end();
        if self.flags & HAS_OWNER == 0 {
            return start;
        }
        self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i + 1)
    }

    /// The 1-based line of the toggle's table header in the file.
    pub fn line(&self) -> usize {
        self.line as usize
    }
}

impl fmt::Debug for ToggleInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToggleInfo")
            .field("name", &self.name())
            .field("enabled", &self.enabled)
            .field("source", &self.source)
            .field("targeting", &self.targeting)
            .field("release", &self.release)
            .field("description", &self.description())
            .field("created", &self.created)
            .field("owner", &self.owner())
            .field("kind", &self.kind())
            .field("expires", &self.expires())
            .field("line", &self.line)
            .finish()
    }
}

/// A release: a named group of toggles switched on or off together.
///
/// `Display` gives its own state and the "N of M" line, e.g.
/// `checkout-v2: on, 2 of 5 enabled`, `search: off, 0 of 1 enabled`, or
/// `beta: rollout 12.5% + 2 allowed, 0 of 3 enabled` (the counts are of
/// checks without a key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// Shared with its members' [`ToggleInfo`]s.
    pub(crate) name: Arc<str>,
    /// The state of a check without a key.
    pub(crate) enabled: bool,
    /// Its `allow` and `rollout`, if it has either.
    pub(crate) targeting: Option<Arc<Targeting>>,
    pub(crate) description: Option<Box<str>>,
    pub(crate) owner: Option<Box<str>>,
    pub(crate) expires: Option<Date>,
    pub(crate) line: u32,
    /// Member names with their effective states, sorted by name.
    pub(crate) members: Vec<(Box<str>, bool)>,
    /// Where its deciding values are written in this view.
    pub(crate) written: WrittenAt,
    /// The view's environment (`None`: the base values), for [`Written`].
    pub(crate) environment: Option<Arc<str>>,
}

fn allow_list(targeting: &Option<Arc<Targeting>>) -> impl ExactSizeIterator<Item = &str> {
    let allow: &[Box<str>] = targeting.as_ref().map_or(&[], |t| &t.allow);
    allow.iter().map(|key| &**key)
}

impl Release {
    /// The release's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The release's state for a check without a key: its `enabled` field,
    /// or whether its `rollout` is 100 %; `false` when it has neither. (The
    /// name of [`ToggleInfo::is_enabled`]: predicates are `is_*`.)
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The release's `rollout`, if it has one.
    pub fn rollout(&self) -> Option<Rollout> {
        self.targeting.as_ref().and_then(|t| t.rollout)
    }

    /// The release's `allow` list, sorted (empty if it has none).
    pub fn allow(&self) -> impl ExactSizeIterator<Item = &str> {
        allow_list(&self.targeting)
    }

    /// The release's `schedule` in this view, if it has one.
    pub fn schedule(&self) -> Option<&Schedule> {
        self.targeting.as_deref()?.schedule()
    }

    /// The step of [`schedule`](Self::schedule) in force in this version.
    pub fn step(&self) -> Option<&Step> {
        self.targeting.as_deref()?.step()
    }

    /// The next step of [`schedule`](Self::schedule) to come.
    pub fn next_step(&self) -> Option<&Step> {
        self.targeting.as_deref()?.next_step()
    }

    /// The `description` field, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The 1-based line of the release's table header in the file.
    pub fn line(&self) -> usize {
        self.line as usize
    }

    /// The `owner` field: the team or person the release belongs to.
    pub fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    /// The `expires` field's date, if any: after it, `toggles check` fails.
    pub fn expires(&self) -> Option<Date> {
        self.expires
    }

    /// Whether the release is past its `expires` on `today` (the last day
    /// it may stay): see [`ToggleInfo::is_expired_on`].
    pub fn is_expired_on(&self, today: Date) -> bool {
        self.expires.is_some_and(|expires| expires < today)
    }

    /// Where the release's `field` that decides in this view is written,
    /// if it is: see [`Written`]. `None` for a field the view takes from
    /// nowhere (not written, or replaced: an `env.E.rollout` replaces the
    /// base `enabled`).
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// use toggles::{Field, Snapshot};
    /// let text = "environments = [\"production\"]\n\n\
    ///             [releases.r]\nenabled = true\nenv.production.rollout = 5\n";
    /// let (base, views) = Snapshot::parse_all("toggles.toml", text.as_bytes())?;
    /// let at = base.release("r").unwrap().written(Field::Enabled).unwrap();
    /// assert_eq!((at.to_string(), at.line()), ("enabled".to_owned(), 4));
    /// let production = views[0].release("r").unwrap();
    /// assert_eq!(production.written(Field::Enabled), None);
    /// let at = production.written(Field::Rollout).unwrap();
    /// assert_eq!((at.to_string(), at.line()), ("env.production.rollout".to_owned(), 5));
    /// # Ok::<(), toggles::Error>(())
    /// ```
    pub fn written(&self, field: Field) -> Option<Written<'_>> {
        self.written.get(field, self.environment.as_deref())
    }

    /// The member toggles with their effective states, sorted by name.
    pub fn toggles(&self) -> impl ExactSizeIterator<Item = (&str, bool)> {
        self.members.iter().map(|(name, on)| (&**name, *on))
    }

    /// `(enabled, total)`: how many member toggles are on, of how many.
    ///
    /// A member with its own `enabled` counts by that, so a release can be
    /// on with some members held off, or off with some let through. These
    /// are the states of checks without a key: a member in a rollout below
    /// 100 % counts as off.
    pub fn counts(&self) -> (usize, usize) {
        let on = self.members.iter().filter(|(_, on)| *on).count();
        (on, self.members.len())
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (on, total) = self.counts();
        write!(f, "{}: ", self.name)?;
        let rollout = self.rollout();
        match rollout {
            Some(rollout) => {
                let bp = rollout.basis_points();
                let (whole, hundredths) = (bp / 100, bp % 100);
                match hundredths {
                    0 => write!(f, "rollout {whole}%")?,
                    h if h % 10 == 0 => write!(f, "rollout {whole}.{}%", h / 10)?,
                    h => write!(f, "rollout {whole}.{h:02}%")?,
                }
            }
            None => f.write_str(if self.enabled { "on" } else { "off" })?,
        }
        let allowed = self.allow().len();
        if allowed > 0 {
            let sep = if rollout.is_some() { " +" } else { "," };
            write!(f, "{sep} {allowed} allowed")?;
        }
        write!(f, ", {on} of {total} enabled")
    }
}

/// A field that decides a table's state: `enabled` and `rollout` (one slot:
/// a table, or an environment's values, has at most one of them) and
/// `allow`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// `enabled`: on or off for every key outside `allow`.
    Enabled,
    /// `rollout`: a share of the keys.
    Rollout,
    /// `allow`: keys that always get it.
    Allow,
}

impl Field {
    /// The field's name in the file: `enabled`, `rollout`, `allow`.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Enabled => "enabled",
            Field::Rollout => "rollout",
            Field::Allow => "allow",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a value that decides a toggle or a release in one view is
/// written: its field, whether it is the base value or the view's
/// environment's (`env.E.FIELD`), and its line. From
/// [`Snapshot::written`](crate::Snapshot::written) and
/// [`Release::written`].
///
/// `Display` gives the key as written inside the table: `rollout`,
/// `env.production.rollout` (the dotted form, however the file nests it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written<'a> {
    field: Field,
    environment: Option<&'a str>,
    line: usize,
}

impl<'a> Written<'a> {
    /// The field.
    pub fn field(&self) -> Field {
        self.field
    }

    /// The environment whose `env.E` values hold it; `None` for the
    /// table's base value.
    pub fn environment(&self) -> Option<&'a str> {
        self.environment
    }

    /// The 1-based line of its value (which starts on its key's line).
    pub fn line(&self) -> usize {
        self.line
    }
}

impl fmt::Display for Written<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(environment) = self.environment {
            write!(f, "env.{environment}.")?;
        }
        f.write_str(self.field.as_str())
    }
}

/// Where a table's deciding values are written in one view, packed in 8
/// bytes (one per toggle in a snapshot): the line of its `enabled` or
/// `rollout` (one slot) and of its `allow`, 0 where not written, each with
/// what it is in its top bits. A line past [`MAX_LINE`] is given as it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WrittenAt {
    state: u32,
    allow: u32,
}

/// The largest line a [`WrittenAt`] holds: 2^30 − 1 (a file a store
/// reads, at most 64 MiB, has fewer lines).
const MAX_LINE: u32 = (1 << 30) - 1;
/// In [`WrittenAt::state`]: the slot is a `rollout` (else `enabled`).
const ROLLOUT: u32 = 1 << 31;
/// In either line: written in an environment's values (`env.E.FIELD`).
const IN_ENV: u32 = 1 << 30;

impl WrittenAt {
    /// The lines of one layer's values (the base values, or an
    /// environment's: `in_env`), each `None` where not written; a rollout
    /// counts where both are (an error the reader reports anyway).
    pub(crate) fn new(
        enabled: Option<u32>,
        rollout: Option<u32>,
        allow: Option<u32>,
        in_env: bool,
    ) -> WrittenAt {
        let env = if in_env { IN_ENV } else { 0 };
        let at = |line: u32| line.min(MAX_LINE) | env;
        let state = match (rollout, enabled) {
            (Some(line), _) => at(line) | ROLLOUT,
            (None, Some(line)) => at(line),
            (None, None) => 0,
        };
        WrittenAt {
            state,
            allow: allow.map_or(0, at),
        }
    }

    /// These lines with the state slot's moved to `step`'s (the step in
    /// force decides it), written in an environment's values if `in_env`.
    pub(crate) fn stepped(self, step: &Step, in_env: bool) -> WrittenAt {
        let line = Some(step.line);
        let (enabled, rollout) = match step.value {
            StepValue::Enabled(_) => (line, None),
            StepValue::Rollout(_) => (None, line),
        };
        WrittenAt::join(WrittenAt::new(enabled, rollout, None, in_env), self)
    }

    /// The state slot of `state`, the `allow` of `allow`.
    pub(crate) fn join(state: WrittenAt, allow: WrittenAt) -> WrittenAt {
        WrittenAt {
            state: state.state,
            allow: allow.allow,
        }
    }

    /// Where `field` is written, if it decides; `environment` is the view's.
    pub(crate) fn get<'e>(self, field: Field, environment: Option<&'e str>) -> Option<Written<'e>> {
        let packed = match field {
            Field::Allow => self.allow,
            Field::Rollout if self.state & ROLLOUT != 0 => self.state,
            Field::Enabled if self.state & ROLLOUT == 0 => self.state,
            _ => return None,
        };
        let line = packed & MAX_LINE;
        (line != 0).then(|| Written {
            field,
            environment: environment.filter(|_| packed & IN_ENV != 0),
            line: line as usize,
        })
    }
}
