//! The file format: `toggles.toml` bytes → validated, resolved definitions.
//!
//! This is the only place that knows the format's rules. Everything it
//! returns has passed them all; anything else is an [`Error::Invalid`] with the
//! line and column of the offending key or value.
//!
//! Two readers turn the text into a [`Doc`]: [`canonical`] reads files written
//! the usual way in one pass over their lines, several times faster;
//! [`general`] reads any TOML through the `toml` crate and serde, and gives
//! every error. Everything after that — names, releases, dates, precedence —
//! is checked once, here, for both.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use toml::Spanned;
use toml::value::Datetime;

use crate::bucket::{Bucketing, KeyHasher, Rollout};
use crate::date::{Date, Timestamp};
use crate::definitions::{
    Decider, Definitions, Kind, Lifecycle, Plan, Release, Resolve, Schedule, Source, Step,
    StepValue, Targeting, ToggleInfo, WrittenAt,
};
use crate::error::{Error, MAX_ERRORS};
use crate::name::is_valid_name;

mod canonical;
mod general;

/// Whether a file's bytes are empty or only whitespace: what an editor that
/// truncates and then writes leaves in between. Such a file never replaces
/// a version with toggles, and is never appended to while one is in use.
pub(crate) fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// The file's two kinds of tables as read, before validation; each sorted
/// by name. Strings borrow from the text where TOML allows.
#[derive(Default)]
struct Doc<'a> {
    bucketing: Option<Spanned<Cow<'a, str>>>,
    /// The `environments` list and its span.
    environments: Option<Spanned<Vec<Spanned<Cow<'a, str>>>>>,
    toggles: Vec<(Spanned<Cow<'a, str>>, ToggleEntry<'a>)>,
    releases: Vec<ReleaseEntry<'a>>,
}

#[derive(Default)]
struct ToggleEntry<'a> {
    state: StateEntry<'a>,
    release: Option<Spanned<Cow<'a, str>>>,
    description: Option<Cow<'a, str>>,
    created: Option<Spanned<Datetime>>,
    owner: Option<Spanned<Cow<'a, str>>>,
    kind: Option<Spanned<Cow<'a, str>>>,
    expires: Option<Spanned<Datetime>>,
}

struct ReleaseEntry<'a> {
    name: Spanned<Cow<'a, str>>,
    state: StateEntry<'a>,
    description: Option<Cow<'a, str>>,
    owner: Option<Spanned<Cow<'a, str>>>,
    expires: Option<Spanned<Datetime>>,
}

/// The fields that say whether a table is on, for whom: the same on a
/// toggle and on a release, and in each of its `env.NAME` tables.
#[derive(Default, Clone)]
struct StateEntry<'a> {
    /// Each field with its value's span (where it is written, for
    /// [`Written`](crate::Written)).
    enabled: Option<Spanned<bool>>,
    /// A number, checked in [`resolve`] (its type too, for a message that
    /// says what a rollout is).
    rollout: Option<Spanned<toml::Value>>,
    allow: Option<Spanned<Vec<Spanned<Cow<'a, str>>>>>,
    /// `schedule`: its steps, as written.
    schedule: Option<Spanned<Vec<Spanned<StepEntry>>>>,
    /// `env.NAME.…`: the same fields for environment NAME (empty inside one).
    env: Vec<(Spanned<Cow<'a, str>>, StateEntry<'a>)>,
}

/// One step of a `schedule` as written: `{ at = …, rollout = … }`.
#[derive(Clone)]
struct StepEntry {
    at: Spanned<Datetime>,
    enabled: Option<Spanned<bool>>,
    rollout: Option<Spanned<toml::Value>>,
}

const HELP_SYNTAX: &str = "fix the TOML syntax at this spot";
const HELP_SCHEMA: &str = "the file has `bucketing`, `environments` and the tables [toggles.NAME] (fields: enabled, rollout, allow, schedule, env.ENVIRONMENT.{enabled, rollout, allow, schedule}, release, description, created, owner, kind, expires) and [releases.NAME] (fields: enabled, rollout, allow, schedule, env.…, description, owner, expires); a schedule step has `at` and one of `enabled` or `rollout`; a typo is an error, never a silent `off`";
const HELP_NAME: &str = "names are 1 to 255 ASCII letters, digits, `_` or `-`";
const HELP_RELEASE: &str = "define it as [releases.NAME], or fix the name";
const HELP_DATE: &str = "write a date like `created = 2026-11-24`";
const HELP_ROLLOUT: &str = "write the percent of keys that get it, from 0 to 100 with at most two decimals, like `rollout = 12.5`";
const HELP_ROLLOUT_OR_ENABLED: &str = "remove `enabled` to roll out to a share of keys, or remove `rollout` to switch it for every key";
const HELP_ALLOW: &str =
    "list each key (a user id, a tenant…) that always gets it once, as a non-empty string";
const HELP_ENVIRONMENTS: &str = "declare each environment once, in promotion order, with a name of ASCII letters, digits, `_` or `-`: `environments = [\"staging\", \"production\"]`";
const HELP_ENV_UNDECLARED: &str =
    "declare it in `environments = [...]` at the top of the file, or fix the name";
const HELP_ENV_SELECTED: &str = "choose a declared environment with TOGGLES_ENV (or `Builder::environment`), or declare it in `environments = [...]`";
const HELP_ROLLOUT_DIGITS: &str = "write the percent in decimal digits, from 0 to 100 with at most two decimals: no exponent (`1e1`) and no `0x`, `0o` or `0b`";
const HELP_TOO_MANY_ENVIRONMENTS: &str = "declare at most 256 environments (`toggles::MAX_ENVIRONMENTS`): remove those no table sets, or give environments that share their values one name (or one file each, through `TOGGLES_FILE`)";
const HELP_STEP_AT: &str = "write the step's instant as a TOML offset date-time in whole seconds, with `Z` or an offset: `at = 2026-12-09T09:00:00Z` (a local date-time or a date is read differently in each time zone)";
const HELP_STEP_VALUE: &str = "give each step exactly one of `enabled` or `rollout`: `{ at = 2026-12-09T09:00:00Z, rollout = 50 }`";
const HELP_STEP_ORDER: &str =
    "list the steps in time order, each at a later instant than the one before";
const HELP_SCHEDULE_EMPTY: &str =
    "add steps (`{ at = 2026-12-09T09:00:00Z, rollout = 50 }`), or remove `schedule`";
const HELP_OWNER: &str =
    "write the team or person who owns it as one line of text, like `owner = \"search-team\"`";
const HELP_KIND: &str = "write one of the four kinds: `kind = \"release\"` (the default: hides unfinished work), `\"experiment\"`, `\"ops\"` (a kill switch, a degraded mode) or `\"permission\"` (for good, for some users)";
const HELP_EXPIRES: &str = "write the date after which the toggle should be gone, after its `created`, like `expires = 2027-01-31`";
const HELP_BUCKETING: &str = "write `bucketing = \"flagd-v3\"` (the default) or `bucketing = \"flagd-v2\"`; changing it moves keys between buckets";

/// The most environments a file may declare in `environments = [...]`.
///
/// Every load validates every environment's values, and tools show one
/// column per environment: the cap keeps both in proportion to the file. A
/// file that declares more is refused, at the first name past the cap.
pub const MAX_ENVIRONMENTS: usize = 256;

/// Parses and validates one version of the file, with its base values (no
/// environment).
///
/// `path` is only used in error messages.
pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<Definitions, Error> {
    parse_in(path, bytes, None)
}

/// [`parse_in`] resolved at `at` rather than now: a schedule's step in
/// force is the latest at or before it.
pub(crate) fn parse_in_at(
    path: &Path,
    bytes: &[u8],
    environment: Option<&str>,
    at: SystemTime,
) -> Result<Definitions, Error> {
    let text = text_of(path, bytes)?;
    let at = Timestamp::from_system_time(at);
    parse_text(path, text, environment, at)
        .map_err(|first| more_errors(path, text, environment, first))
}

/// Parses and validates one version of the file as environment
/// `environment` sees it (`None`: the base values). Every environment's
/// values are validated whichever is chosen; choosing one the file does
/// not declare is an error, like a broken file. Schedules are resolved at
/// the current instant.
pub(crate) fn parse_in(
    path: &Path,
    bytes: &[u8],
    environment: Option<&str>,
) -> Result<Definitions, Error> {
    parse_in_at(path, bytes, environment, SystemTime::now())
}

fn parse_text(
    path: &Path,
    text: &str,
    environment: Option<&str>,
    at: Timestamp,
) -> Result<Definitions, Error> {
    resolve(path, text, read(path, text)?, environment, at)
}

/// Parses and validates one version of the file once, and gives it as
/// every view sees it: the base values, then each declared environment in
/// promotion order. Each view is what [`parse_in`] gives for it; the text is
/// read and validated once, and a table without values in an environment
/// shares its base targeting with that view.
pub(crate) fn parse_all(
    path: &Path,
    bytes: &[u8],
) -> Result<(Definitions, Vec<Definitions>), Error> {
    let text = text_of(path, bytes)?;
    let valid = read(path, text)
        .and_then(|doc| Valid::new(path, text, doc, None))
        .map_err(|first| more_errors(path, text, None, first))?
        .0;
    let at = Timestamp::now();
    let valid = Arc::new(valid);
    let environments = (0..valid.environments.len())
        .map(|index| Valid::view_at(&valid, Some(index), at))
        .collect();
    Ok((Valid::view_at(&valid, None, at), environments))
}

/// The bytes as text, or where they stop being UTF-8.
fn text_of<'b>(path: &Path, bytes: &'b [u8]) -> Result<&'b str, Error> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
        let at = valid.len();
        invalid(
            path,
            valid,
            at..at,
            "the file is not valid UTF-8".into(),
            HELP_SYNTAX,
        )
    })
}

/// The text's tables, by the fast reader where it takes the text.
fn read<'t>(path: &Path, text: &'t str) -> Result<Doc<'t>, Error> {
    match canonical::read(text) {
        Some(doc) => Ok(doc),
        None => general::read(path, text),
    }
}

/// Files larger than this report their first error only: finding the next
/// takes another parse.
const MAX_TEXT_FOR_MORE_ERRORS: usize = 1 << 20;

/// `first`, or every error of the file (up to [`MAX_ERRORS`]) as
/// [`Error::Several`]: each later one is found by reading the file again
/// with the lines of the errors before it left out, as a compiler goes on
/// after an error. Only errors of a value, a key or a table are gone past:
/// after a syntax error (or an error of the whole file, like an undeclared
/// environment) the rest of the file cannot be read as meant, and a syntax
/// error that appears only once lines are left out is not reported.
fn more_errors(path: &Path, text: &str, environment: Option<&str>, first: Error) -> Error {
    if text.len() > MAX_TEXT_FOR_MORE_ERRORS || !can_go_past(&first) {
        return first;
    }
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut errors = vec![first];
    while errors.len() < MAX_ERRORS {
        let Some(Error::Invalid { line, .. }) = errors.last() else {
            break;
        };
        leave_out(&mut lines, *line);
        let rest: String = lines.concat();
        match parse_text(path, &rest, environment, Timestamp::now()) {
            Ok(_) => break,
            Err(error) if can_go_past(&error) => errors.push(error),
            Err(_) => break,
        }
    }
    if errors.len() == 1 {
        return errors.pop().expect("one");
    }
    // In the file's order, as a compiler lists them.
    errors.sort_by_key(|e| e.location());
    Error::Several {
        path: path.to_path_buf(),
        errors,
    }
}

/// Whether reading can go on past `error`: an error of one value, key or
/// table, not of the syntax or of the whole file.
fn can_go_past(error: &Error) -> bool {
    matches!(error, Error::Invalid { help, .. }
        if ![HELP_SYNTAX, HELP_ENV_SELECTED, HELP_ENVIRONMENTS, HELP_TOO_MANY_ENVIRONMENTS].contains(help))
}

/// Empties the 1-based `line` (keeping its line break, so that later lines
/// keep their numbers); a table header takes the table's lines with it.
fn leave_out(lines: &mut [&str], line: usize) {
    let Some(index) = line.checked_sub(1).filter(|&i| i < lines.len()) else {
        return;
    };
    let is_header = |l: &str| l.trim_start().starts_with('[');
    let header = is_header(lines[index]);
    let end = if header {
        lines[index + 1..]
            .iter()
            .position(|l| is_header(l))
            .map_or(lines.len(), |p| index + 1 + p)
    } else {
        index + 1
    };
    for l in &mut lines[index..end] {
        *l = if l.ends_with('\n') { "\n" } else { "" };
    }
}

/// Validates names and release references and resolves each toggle's state
/// in `environment`.
fn resolve(
    path: &Path,
    text: &str,
    doc: Doc<'_>,
    environment: Option<&str>,
    at: Timestamp,
) -> Result<Definitions, Error> {
    let (valid, chosen) = Valid::new(path, text, doc, environment)?;
    Ok(Valid::view_at(&Arc::new(valid), chosen, at))
}

/// A version of the file that passed every rule, in every environment:
/// each table with its base values and each environment's, converted, from
/// which [`view`](Self::view) makes what one environment sees.
struct Valid {
    bucketing: Bucketing,
    environments: Vec<Box<str>>,
    releases: Vec<ValidRelease>,
    toggles: Vec<ValidToggle>,
    /// Whether any table has a `schedule` (else no view depends on time).
    scheduled: bool,
}

struct ValidRelease {
    name: Arc<str>,
    description: Option<Box<str>>,
    owner: Option<Box<str>>,
    expires: Option<Date>,
    line: u32,
    state: Layers,
}

struct ValidToggle {
    name: Box<str>,
    description: Option<Box<str>>,
    /// Its index in [`Valid::releases`].
    release: Option<usize>,
    created: Option<Date>,
    owner: Option<Box<str>>,
    kind: Kind,
    expires: Option<Date>,
    line: u32,
    state: Layers,
}

/// A table's state: its base values, and the values each environment sets
/// (by index in the declared list, ascending).
struct Layers {
    base: Slots,
    /// The base values built, once a view needs them (`None` inside when
    /// they say nothing): views without values of their own share them.
    built: OnceLock<Option<Built>>,
    env: Vec<(usize, Slots)>,
}

/// A table's `enabled`, `rollout` and `allow`, validated (the allow list
/// sorted, without duplicates or empty keys), and where they are written.
#[derive(Clone, Default)]
struct Slots {
    enabled: Option<bool>,
    rollout: Option<Rollout>,
    allow: Option<Arc<[Box<str>]>>,
    /// Its steps (part of the state slot, with `enabled` and `rollout`).
    schedule: Option<Arc<Schedule>>,
    written: WrittenAt,
}

/// A table's state for a check without a key, and its key-dependent part.
type Built = (bool, Option<Arc<Targeting>>);

impl Slots {
    /// Whether the table says anything about its state (else a toggle
    /// follows its release).
    fn is_set(&self) -> bool {
        self.sets_state() || self.allow.is_some()
    }

    /// Whether the values set the state slot: `enabled`, `rollout` or
    /// `schedule`.
    fn sets_state(&self) -> bool {
        self.enabled.is_some() || self.rollout.is_some() || self.schedule.is_some()
    }

    /// These values with `over`'s laid on top: `enabled`, `rollout` and
    /// `schedule` as one slot, `allow` as another (a list replaces, never
    /// merges). Where each is written goes with it: the one home of the
    /// `env.E` rule, for the states and for [`Written`](crate::Written).
    fn under(&self, over: &Slots) -> Slots {
        let state = if over.sets_state() { over } else { self };
        let allow = if over.allow.is_some() { over } else { self };
        Slots {
            enabled: state.enabled,
            rollout: state.rollout,
            allow: allow.allow.clone(),
            schedule: state.schedule.clone(),
            written: WrittenAt::join(state.written, allow.written),
        }
    }

    /// The state these values give at `at`: the schedule's step in force
    /// sets `enabled` or `rollout` (before the first step, the values'
    /// own apply); `hasher` makes a rollout's key hasher. With where the
    /// deciding values are written.
    fn build(&self, at: Timestamp, hasher: impl FnOnce() -> KeyHasher) -> (Built, WrittenAt) {
        let mut written = self.written;
        let (mut enabled, mut rollout) = (self.enabled, self.rollout);
        let schedule = self.schedule.as_ref().map(|schedule| {
            let in_force = schedule.in_force_at(at);
            if let Some(step) = in_force.and_then(|i| schedule.steps.get(i)) {
                (enabled, rollout) = match step.value {
                    StepValue::Enabled(on) => (Some(on), None),
                    StepValue::Rollout(share) => (None, Some(share)),
                };
                written = written.stepped(step, schedule.in_env);
            }
            // At most `u32::MAX` steps: a file is at most 64 MiB.
            (Arc::clone(schedule), in_force.map(|i| i as u32))
        });
        let on = match rollout {
            Some(rollout) => rollout.is_full(),
            None => enabled.unwrap_or(false),
        };
        let allow = self.allow.clone().filter(|keys| !keys.is_empty());
        let targeting = (rollout.is_some() || allow.is_some() || schedule.is_some()).then(|| {
            Arc::new(Targeting {
                rollout,
                hasher: rollout.map(|_| hasher()),
                allow: allow.unwrap_or_else(|| Arc::new([])),
                schedule,
            })
        });
        ((on, targeting), written)
    }

    /// The instants of this slot's steps, for the view's bounds.
    fn steps(&self) -> impl Iterator<Item = Timestamp> + '_ {
        self.schedule
            .iter()
            .flat_map(|s| s.steps.iter().map(|step| step.at))
    }
}

impl Layers {
    fn new(base: Slots, env: Vec<(usize, Slots)>) -> Layers {
        Layers {
            base,
            built: OnceLock::new(),
            env,
        }
    }

    /// The values set in `environment` (an index; `None`: the base
    /// values), if it sets any.
    fn over(&self, environment: Option<usize>) -> Option<&Slots> {
        let index = environment?;
        let at = self.env.binary_search_by_key(&index, |&(i, _)| i).ok()?;
        Some(&self.env[at].1).filter(|over| over.is_set())
    }

    /// The state in `environment` (an index; `None`: the base values) at
    /// `at`, if the table says anything there, and where its values are
    /// written.
    fn in_view(
        &self,
        environment: Option<usize>,
        at: Timestamp,
        hasher: impl FnOnce() -> KeyHasher,
    ) -> Option<(Built, WrittenAt)> {
        match self.over(environment) {
            Some(over) => Some(self.base.under(over).build(at, hasher)),
            // A schedule's state depends on the instant: built each time.
            None if self.base.schedule.is_some() => Some(self.base.build(at, hasher)),
            None => self
                .built
                .get_or_init(|| self.base.is_set().then(|| self.base.build(at, hasher).0))
                .clone()
                .map(|built| (built, self.base.written)),
        }
    }

    /// The instants of the steps that apply in `environment`.
    fn steps_in(&self, environment: Option<usize>) -> impl Iterator<Item = Timestamp> + '_ {
        let slots = match self.over(environment) {
            Some(over) if over.sets_state() => over,
            _ => &self.base,
        };
        slots.steps()
    }
}

impl Valid {
    /// Checks every rule, in every environment, whichever is `chosen` (an
    /// undeclared one is an error); returns the chosen one's index.
    fn new(
        path: &Path,
        text: &str,
        doc: Doc<'_>,
        chosen: Option<&str>,
    ) -> Result<(Valid, Option<usize>), Error> {
        let lines = LineStarts::new(text);
        let environments = environments_of(path, text, doc.environments.as_ref())?;
        let chosen = match chosen {
            None => None,
            Some(chosen) => match environments.iter().position(|e| **e == *chosen) {
                Some(index) => Some(index),
                None => {
                    let message = format!(
                        "environment `{chosen}` is not declared in this file{}",
                        did_you_mean(chosen, environments.iter().map(|e| &**e))
                    );
                    let span = doc.environments.as_ref().map_or(0..0, Spanned::span);
                    return Err(invalid(path, text, span, message, HELP_ENV_SELECTED));
                }
            },
        };
        let declared: HashMap<&str, usize> = environments
            .iter()
            .enumerate()
            .map(|(index, e)| (&**e, index))
            .collect();
        let layers = |state, what: &dyn Fn() -> String| {
            layers_of(
                path,
                (text, &lines),
                state,
                (&environments, &declared),
                what,
            )
        };
        let bucketing = match &doc.bucketing {
            None => Bucketing::default(),
            Some(spelled) => Bucketing::from_file(spelled.get_ref()).ok_or_else(|| {
                let message = format!("unknown bucketing scheme {:?}", spelled.get_ref());
                invalid(path, text, spelled.span(), message, HELP_BUCKETING)
            })?,
        };
        let mut releases = Vec::with_capacity(doc.releases.len());
        for ReleaseEntry {
            name,
            state,
            description,
            owner,
            expires,
        } in doc.releases
        {
            check_name(path, text, &name, "release")?;
            let what = || format!("release `{}`", name.get_ref());
            let owner = owner_of(path, text, owner.as_ref(), &what)?;
            let expires = expires_of(path, text, expires.as_ref(), None, &what)?;
            let (base, env) = layers(state, &what)?;
            releases.push(ValidRelease {
                line: lines.line_of(name.span().start),
                state: Layers::new(base, env),
                name: Arc::from(name.get_ref().as_ref()),
                description: description.map(|d| d.as_ref().into()),
                owner,
                expires,
            });
        }
        let mut toggles = Vec::with_capacity(doc.toggles.len());
        for (name, toggle) in doc.toggles {
            check_name(path, text, &name, "toggle")?;
            let release = match &toggle.release {
                None => None,
                Some(release) => {
                    match releases.binary_search_by(|r| (*r.name).cmp(release.get_ref().as_ref())) {
                        Ok(index) => Some(index),
                        Err(_) => {
                            let message = format!(
                                "toggle `{}` belongs to release `{}`, which is not defined",
                                name.get_ref(),
                                release.get_ref()
                            );
                            return Err(invalid(path, text, release.span(), message, HELP_RELEASE));
                        }
                    }
                }
            };
            let created = match toggle.created {
                None => None,
                Some(created) => Some(date_of(created.get_ref()).ok_or_else(|| {
                    let message = format!("`created` of toggle `{}` has no date", name.get_ref());
                    invalid(path, text, created.span(), message, HELP_DATE)
                })?),
            };
            let what = || format!("toggle `{}`", name.get_ref());
            let owner = owner_of(path, text, toggle.owner.as_ref(), &what)?;
            let kind = match &toggle.kind {
                None => Kind::default(),
                Some(kind) => kind.get_ref().parse().map_err(|_| {
                    let message = format!(
                        "`kind` of {} is {:?}, not one of the four kinds (`release`, \
                         `experiment`, `ops`, `permission`){}",
                        what(),
                        kind.get_ref(),
                        did_you_mean(kind.get_ref(), Kind::ALL.map(Kind::as_str))
                    );
                    invalid(path, text, kind.span(), message, HELP_KIND)
                })?,
            };
            let expires = expires_of(path, text, toggle.expires.as_ref(), created, &what)?;
            let (base, env) = layers(toggle.state, &what)?;
            toggles.push(ValidToggle {
                line: lines.line_of(name.span().start),
                state: Layers::new(base, env),
                name: name.get_ref().as_ref().into(),
                description: toggle.description.map(|d| d.as_ref().into()),
                release,
                created,
                owner,
                kind,
                expires,
            });
        }
        let has_schedule = |layers: &Layers| {
            layers.base.schedule.is_some() || layers.env.iter().any(|(_, s)| s.schedule.is_some())
        };
        let scheduled = releases.iter().any(|r| has_schedule(&r.state))
            || toggles.iter().any(|t| has_schedule(&t.state));
        let valid = Valid {
            bucketing,
            environments,
            releases,
            toggles,
            scheduled,
        };
        Ok((valid, chosen))
    }

    /// [`view`](Self::view), with the plan that resolves it at another
    /// instant where the file has schedules.
    fn view_at(valid: &Arc<Valid>, environment: Option<usize>, at: Timestamp) -> Definitions {
        let mut definitions = valid.view(environment, at);
        if valid.scheduled {
            let steps = || {
                let releases = valid.releases.iter().map(|r| &r.state);
                let toggles = valid.toggles.iter().map(|t| &t.state);
                releases
                    .chain(toggles)
                    .flat_map(move |layers| layers.steps_in(environment))
            };
            definitions.plan = Some(Plan {
                resolve: Arc::clone(valid) as Arc<dyn Resolve>,
                view: environment,
                at,
                from: steps().filter(|&step| step <= at).max(),
                until: steps().filter(|&step| step > at).min(),
            });
        }
        definitions
    }

    /// The definitions as environment `environment` (an index into
    /// [`Valid::environments`]; `None`: the base values) sees them at `at`:
    /// each toggle's effective state, own › release › off. Linear in the
    /// number of tables and of the values they set in that environment.
    fn view(&self, environment: Option<usize>, at: Timestamp) -> Definitions {
        let environment_name: Option<Arc<str>> =
            environment.map(|index| Arc::from(&*self.environments[index]));
        let mut releases: Vec<Release> = self
            .releases
            .iter()
            .map(|release| {
                let hasher = || KeyHasher::release(self.bucketing, &release.name);
                let ((enabled, targeting), written) = release
                    .state
                    .in_view(environment, at, hasher)
                    .unwrap_or_default();
                Release {
                    line: release.line,
                    name: Arc::clone(&release.name),
                    enabled,
                    targeting,
                    description: release.description.clone(),
                    owner: release.owner.clone(),
                    expires: release.expires,
                    members: Vec::new(),
                    written,
                    environment: environment_name.clone(),
                }
            })
            .collect();
        let mut toggles = Vec::with_capacity(self.toggles.len());
        let mut written = Vec::with_capacity(self.toggles.len());
        for toggle in &self.toggles {
            let hasher = || KeyHasher::own(self.bucketing, &toggle.name);
            let (enabled, source, targeting) = match toggle.state.in_view(environment, at, hasher) {
                Some(((enabled, targeting), at)) => {
                    written.push(at);
                    (enabled, Source::Own, targeting)
                }
                None => {
                    // Its own table decides nothing here: nothing written.
                    written.push(WrittenAt::default());
                    match toggle.release {
                        Some(index) => {
                            let release = &releases[index];
                            (release.enabled, Source::Release, release.targeting.clone())
                        }
                        None => (false, Source::Default, None),
                    }
                }
            };
            if let Some(index) = toggle.release {
                releases[index].members.push((toggle.name.clone(), enabled));
            }
            let decider = Decider {
                enabled,
                source,
                bucketing: self.bucketing,
                targeting,
            };
            toggles.push(ToggleInfo::new(
                &toggle.name,
                toggle.description.as_deref(),
                decider,
                toggle
                    .release
                    .map(|index| Arc::clone(&releases[index].name)),
                (
                    toggle.created,
                    Lifecycle {
                        owner: toggle.owner.as_deref(),
                        kind: toggle.kind,
                        expires: toggle.expires,
                    },
                ),
                toggle.line,
            ));
        }
        Definitions {
            bucketing: self.bucketing,
            environments: self.environments.clone(),
            environment: environment.map(|index| self.environments[index].clone()),
            toggles,
            written,
            releases,
            plan: None,
        }
    }
}

impl Resolve for Valid {
    fn at(self: Arc<Self>, view: Option<usize>, at: Timestamp) -> Definitions {
        Valid::view_at(&self, view, at)
    }
}

/// The declared environments, validated: at most [`MAX_ENVIRONMENTS`],
/// names, each once.
fn environments_of(
    path: &Path,
    text: &str,
    declared: Option<&Spanned<Vec<Spanned<Cow<'_, str>>>>>,
) -> Result<Vec<Box<str>>, Error> {
    let Some(declared) = declared else {
        return Ok(Vec::new());
    };
    if let Some(first_past) = declared.get_ref().get(MAX_ENVIRONMENTS) {
        let message = format!(
            "the file declares {} environments, more than the {MAX_ENVIRONMENTS} a file may \
             declare; `{}` is the first past the cap",
            declared.get_ref().len(),
            first_past.get_ref()
        );
        return Err(invalid(
            path,
            text,
            first_past.span(),
            message,
            HELP_TOO_MANY_ENVIRONMENTS,
        ));
    }
    let mut seen: HashSet<&str> = HashSet::with_capacity(declared.get_ref().len());
    for name in declared.get_ref() {
        let message = if !is_valid_name(name.get_ref()) {
            format!("invalid environment name {:?}", name.get_ref())
        } else if !seen.insert(name.get_ref()) {
            format!("environment `{}` is declared twice", name.get_ref())
        } else {
            continue;
        };
        return Err(invalid(path, text, name.span(), message, HELP_ENVIRONMENTS));
    }
    Ok(declared
        .get_ref()
        .iter()
        .map(|name| name.get_ref().as_ref().into())
        .collect())
}

/// A table's base values and each `env.NAME`'s, validated and converted.
/// Every `env.NAME` is checked — declared, and its values valid — and so
/// are the base values, which are then valid under every overlay: each slot
/// is valid alone, and an overlay takes a slot whole.
///
/// Linear in the table's size: each value is checked and converted once;
/// an environment's view shares the lists it does not replace (a hostile
/// file may set every environment over a base list of a million keys).
fn layers_of(
    path: &Path,
    (text, lines): (&str, &LineStarts),
    mut state: StateEntry<'_>,
    (declared, index_of): (&[Box<str>], &HashMap<&str, usize>),
    what: &dyn Fn() -> String,
) -> Result<(Slots, Vec<(usize, Slots)>), Error> {
    let env = std::mem::take(&mut state.env);
    let base = slots_of(path, (text, lines), state, false, what)?;
    let mut layers = Vec::with_capacity(env.len());
    for (name, values) in env {
        let Some(&index) = index_of.get(&**name.get_ref()) else {
            let message = format!(
                "{} sets environment `{}`, which `environments` does not declare{}",
                what(),
                name.get_ref(),
                did_you_mean(name.get_ref(), declared.iter().map(|e| &**e))
            );
            return Err(invalid(
                path,
                text,
                name.span(),
                message,
                HELP_ENV_UNDECLARED,
            ));
        };
        let what_here = || format!("{} in environment `{}`", what(), name.get_ref());
        layers.push((
            index,
            slots_of(path, (text, lines), values, true, &what_here)?,
        ));
    }
    // Each environment once (both readers join its lines into one entry).
    layers.sort_unstable_by_key(|&(index, _)| index);
    Ok((base, layers))
}

/// `; did you mean `x`?` for the candidate closest to `name`, if one is
/// close (at most a third of its letters edited), or if one of the two is
/// the other cut short (`prod` for `production`), or if it is `name`
/// without the white space around it.
fn did_you_mean<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    let trimmed = name.trim();
    let name_len = trimmed.chars().count();
    candidates
        .into_iter()
        .filter_map(|c| {
            if c == trimmed {
                return Some((0, c));
            }
            // Candidates are declared names or field names: ASCII, so
            // bytes are chars.
            if cut_short(trimmed, c) {
                return Some((c.len().abs_diff(trimmed.len()), c));
            }
            let limit = c.len().max(name_len).div_ceil(3);
            // The lengths' difference is a lower bound of the distance:
            // skip the quadratic comparison where it is too far already (a
            // hostile megabyte-long name against every declared one).
            (c.len().abs_diff(name_len) <= limit)
                .then(|| (edit_distance(trimmed, c), c))
                .filter(|&(d, _)| d <= limit)
        })
        .min_by_key(|&(d, _)| d)
        .map_or_else(String::new, |(_, c)| {
            if trimmed != name && trimmed == c {
                format!("; did you mean `{c}`? (the name has white space around it)")
            } else {
                format!("; did you mean `{c}`?")
            }
        })
}

/// Whether the shorter of `a` and `b` begins the longer and has at least 4
/// bytes (fewer would match too much).
fn cut_short(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 4 && long.starts_with(short)
}

/// Levenshtein distance in characters (names are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Validates a table's `enabled`, `rollout` and `allow` as written (its
/// `env` aside) and converts them: a rollout must be a percent, not beside
/// `enabled`; a key must not be empty, nor listed twice. `what` names the
/// table in messages ("toggle `a`"); `in_env`: these are an environment's
/// values (where they are written says so).
fn slots_of(
    path: &Path,
    (text, lines): (&str, &LineStarts),
    state: StateEntry<'_>,
    in_env: bool,
    what: &dyn Fn() -> String,
) -> Result<Slots, Error> {
    let line = |span: Range<usize>| lines.line_of(span.start);
    let written = WrittenAt::new(
        state.enabled.as_ref().map(|e| line(e.span())),
        state.rollout.as_ref().map(|r| line(r.span())),
        state.allow.as_ref().map(|a| line(a.span())),
        in_env,
    );
    let rollout = match &state.rollout {
        None => None,
        Some(value) => Some(rollout_at(path, text, value, what)?),
    };
    if let (Some(_), Some(value)) = (&state.enabled, &state.rollout) {
        let message = format!(
            "{} has both `enabled` and `rollout`: which one decides is ambiguous",
            what()
        );
        return Err(invalid(
            path,
            text,
            value.span(),
            message,
            HELP_ROLLOUT_OR_ENABLED,
        ));
    }
    let allow = match state.allow {
        None => None,
        Some(keys) => Some(allow_of(path, text, keys.into_inner(), what)?),
    };
    let schedule = match state.schedule {
        None => None,
        Some(steps) => Some(Arc::new(schedule_of(
            path,
            (text, lines),
            steps,
            in_env,
            what,
        )?)),
    };
    Ok(Slots {
        enabled: state.enabled.map(Spanned::into_inner),
        rollout,
        allow,
        schedule,
        written,
    })
}

/// A `schedule`, checked: at least one step; each with an offset
/// date-time in whole seconds and exactly one of `enabled` or `rollout`
/// (a valid percent); their instants strictly increasing.
fn schedule_of(
    path: &Path,
    (text, lines): (&str, &LineStarts),
    steps: Spanned<Vec<Spanned<StepEntry>>>,
    in_env: bool,
    what: &dyn Fn() -> String,
) -> Result<Schedule, Error> {
    if steps.get_ref().is_empty() {
        let message = format!("`schedule` of {} has no steps", what());
        return Err(invalid(
            path,
            text,
            steps.span(),
            message,
            HELP_SCHEDULE_EMPTY,
        ));
    }
    let mut checked: Vec<Step> = Vec::with_capacity(steps.get_ref().len());
    for step in steps.into_inner() {
        let span = step.span();
        let StepEntry {
            at,
            enabled,
            rollout,
        } = step.into_inner();
        // No ordinal: the message is found again with the lines of earlier
        // errors left out (`more_errors`), which would renumber the steps;
        // the line and column say which step it is.
        let step_what = || format!("a step of the schedule of {}", what());
        let instant = instant_of(at.get_ref()).map_err(|why| {
            let message = format!("`at` of {} {why}", step_what());
            invalid(path, text, at.span(), message, HELP_STEP_AT)
        })?;
        let value = match (enabled, rollout) {
            (Some(on), None) => StepValue::Enabled(on.into_inner()),
            (None, Some(value)) => StepValue::Rollout(rollout_at(path, text, &value, &step_what)?),
            (both, _) => {
                let message = match both {
                    Some(_) => format!(
                        "{} has both `enabled` and `rollout`: which one decides is ambiguous",
                        step_what()
                    ),
                    None => format!("{} has neither `enabled` nor `rollout`", step_what()),
                };
                return Err(invalid(path, text, span, message, HELP_STEP_VALUE));
            }
        };
        if let Some(before) = checked.last()
            && before.at >= instant
        {
            let message = format!(
                "{} is at {instant}, not after the step before it ({}): steps must be in time \
                 order, each at its own instant",
                step_what(),
                before.at
            );
            return Err(invalid(path, text, at.span(), message, HELP_STEP_ORDER));
        }
        checked.push(Step {
            at: instant,
            value,
            line: lines.line_of(span.start),
        });
    }
    Ok(Schedule {
        steps: checked.into(),
        in_env,
    })
}

/// A step's instant, or why the value is none: it must be an offset
/// date-time (a local one, or a date alone, means a different instant in
/// each time zone) in whole seconds (flagd compares whole seconds).
fn instant_of(datetime: &Datetime) -> Result<Timestamp, &'static str> {
    let (Some(date), Some(time)) = (datetime.date, datetime.time) else {
        return Err("is not a date-time with a time zone offset");
    };
    let Some(offset) = datetime.offset else {
        return Err(
            "has no time zone offset (`Z` or `+01:00`): each server would read it in its own zone",
        );
    };
    if time.nanosecond.is_some_and(|nanos| nanos != 0) {
        return Err(
            "has a fraction of a second: steps are whole seconds, as flagd's `$flagd.timestamp` is",
        );
    }
    let minutes = match offset {
        toml::value::Offset::Z => 0,
        toml::value::Offset::Custom { minutes } => minutes,
    };
    let date = Date::new(date.year, date.month, date.day).ok_or("is not a real date")?;
    Timestamp::from_parts(
        date,
        (time.hour, time.minute, time.second.unwrap_or(0)),
        minutes,
    )
    .ok_or("is out of range")
}

/// An `allow` list, checked (no empty key, none twice) and sorted.
fn allow_of(
    path: &Path,
    text: &str,
    keys: Vec<Spanned<Cow<'_, str>>>,
    what: &dyn Fn() -> String,
) -> Result<Arc<[Box<str>]>, Error> {
    if let Some(empty) = keys.iter().find(|key| key.get_ref().is_empty()) {
        let message = format!("an empty key in `allow` of {}", what());
        return Err(invalid(path, text, empty.span(), message, HELP_ALLOW));
    }
    // Sorted by key, then by place: the second of two equal keys is the
    // later one, where the message points.
    let mut sorted: Vec<&Spanned<Cow<'_, str>>> = keys.iter().collect();
    sorted.sort_by(|a, b| (a.get_ref(), a.span().start).cmp(&(b.get_ref(), b.span().start)));
    if let Some(pair) = sorted.windows(2).find(|w| w[0].get_ref() == w[1].get_ref()) {
        let message = format!(
            "key {:?} is twice in `allow` of {}",
            pair[1].get_ref(),
            what()
        );
        return Err(invalid(path, text, pair[1].span(), message, HELP_ALLOW));
    }
    let mut allow: Vec<Box<str>> = keys
        .into_iter()
        .map(|key| key.into_inner().into_owned().into_boxed_str())
        .collect();
    allow.sort_unstable(); // no two are equal: checked above
    Ok(allow.into())
}

/// A table's `rollout`, or the error that says why it is none.
fn rollout_at(
    path: &Path,
    text: &str,
    value: &Spanned<toml::Value>,
    what: &dyn Fn() -> String,
) -> Result<Rollout, Error> {
    // Both readers give the value's span: its digits as written.
    let written = text.get(value.span()).unwrap_or_default();
    let (message, help) = match rollout_of(value.get_ref(), written) {
        Ok(rollout) => return Ok(rollout),
        Err(NotPercent::Spelled(Some(plain))) => (
            format!(
                "`rollout` of {} is written `{written}`: write `{plain}`",
                what()
            ),
            HELP_ROLLOUT_DIGITS,
        ),
        Err(NotPercent::Spelled(None) | NotPercent::Other) => {
            let shown = match value.get_ref() {
                toml::Value::Integer(_) | toml::Value::Float(_) => written.to_owned(),
                other => other.to_string(),
            };
            (
                format!(
                    "`rollout` of {} is {shown}, not a percent from 0 to 100 with at most two \
                     decimals",
                    what()
                ),
                HELP_ROLLOUT,
            )
        }
    };
    Err(invalid(path, text, value.span(), message, help))
}

/// Why a `rollout` value is not a percent.
#[derive(Debug, PartialEq)]
enum NotPercent {
    /// A number written with an exponent (`1e1`) or a base prefix
    /// (`0x10`): with the plain decimal it stands for, if that is a percent.
    Spelled(Option<String>),
    /// Not a number, out of range, or more than two decimals.
    Other,
}

/// A rollout as written in the file: a TOML integer or float whose digits
/// are a percent by [`Rollout::from_percent`] (after TOML's `+` and `_`;
/// `-0` is 0). The rule is on the digits as written, never on the float
/// they round to: `12.340000000000000001` is no percent, though it parses
/// to the double nearest 12.34.
fn rollout_of(value: &toml::Value, written: &str) -> Result<Rollout, NotPercent> {
    let plain = || {
        let basis_points = match *value {
            toml::Value::Integer(percent) => u16::try_from(percent).ok()?.checked_mul(100)?,
            toml::Value::Float(percent) if (0.0..=100.0).contains(&percent) => {
                // In range, so the rounded value fits.
                let basis_points = (percent * 100.0).round() as u16;
                (f64::from(basis_points) / 100.0 == percent).then_some(basis_points)?
            }
            _ => return None,
        };
        let rollout = Rollout::from_basis_points(basis_points)?;
        Some(rollout.digits().to_string())
    };
    if !matches!(value, toml::Value::Integer(_) | toml::Value::Float(_)) {
        return Err(NotPercent::Other);
    }
    let (negative, digits) = match written.as_bytes().first() {
        Some(b'+') => (false, &written[1..]),
        Some(b'-') => (true, &written[1..]),
        _ => (false, written),
    };
    let digits: Cow<'_, str> = if digits.contains('_') {
        digits.replace('_', "").into()
    } else {
        digits.into()
    };
    if digits.starts_with("0x") || digits.starts_with("0o") || digits.starts_with("0b") {
        return Err(NotPercent::Spelled(plain()));
    }
    if digits.contains(['e', 'E']) {
        return Err(NotPercent::Spelled(plain()));
    }
    match Rollout::from_percent(&digits) {
        Some(rollout) if !negative || rollout.basis_points() == 0 => Ok(rollout),
        _ => Err(NotPercent::Other),
    }
}

fn check_name(path: &Path, text: &str, name: &Spanned<Cow<str>>, what: &str) -> Result<(), Error> {
    if is_valid_name(name.get_ref()) {
        return Ok(());
    }
    let message = format!("invalid {what} name {:?}", name.get_ref());
    Err(invalid(path, text, name.span(), message, HELP_NAME))
}

/// An `owner`, checked: one line of text, not empty.
fn owner_of(
    path: &Path,
    text: &str,
    owner: Option<&Spanned<Cow<'_, str>>>,
    what: &dyn Fn() -> String,
) -> Result<Option<Box<str>>, Error> {
    let Some(owner) = owner else {
        return Ok(None);
    };
    let value = owner.get_ref();
    let why = if value.trim().is_empty() {
        "is empty"
    } else if value.contains(char::is_control) {
        "has a line break or another control character"
    } else {
        return Ok(Some(value.as_ref().into()));
    };
    let message = format!("`owner` of {} {why}", what());
    Err(invalid(path, text, owner.span(), message, HELP_OWNER))
}

/// An `expires` date, checked: a date, not before `created`.
fn expires_of(
    path: &Path,
    text: &str,
    expires: Option<&Spanned<Datetime>>,
    created: Option<Date>,
    what: &dyn Fn() -> String,
) -> Result<Option<Date>, Error> {
    let Some(expires) = expires else {
        return Ok(None);
    };
    let message = match date_of(expires.get_ref()) {
        None => format!("`expires` of {} has no date", what()),
        Some(date) => match created {
            Some(created) if date < created => format!(
                "`expires` of {} is {date}, before its `created` ({created})",
                what()
            ),
            _ => return Ok(Some(date)),
        },
    };
    Err(invalid(path, text, expires.span(), message, HELP_EXPIRES))
}

fn date_of(datetime: &Datetime) -> Option<Date> {
    let date = datetime.date?;
    Date::new(date.year, date.month, date.day)
}

fn invalid(
    path: &Path,
    text: &str,
    span: Range<usize>,
    message: String,
    help: &'static str,
) -> Error {
    let (line, column) = line_column(text, span.start);
    let source_line = text
        .lines()
        .nth(line - 1)
        .unwrap_or("")
        .trim_end()
        .to_owned();
    Error::Invalid {
        path: path.to_path_buf(),
        line,
        column,
        message,
        source_line,
        help,
    }
}

/// Where each line of a text starts, to number the lines of many offsets
/// in O(log n) each (counting newlines from the start for each toggle made
/// a 10 000-toggle file take seconds to load).
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        LineStarts(starts)
    }

    /// The 1-based line of a byte offset (as [`line_column`] counts it),
    /// saturated past `u32::MAX` lines.
    fn line_of(&self, offset: usize) -> u32 {
        u32::try_from(self.0.partition_point(|&start| start <= offset)).unwrap_or(u32::MAX)
    }
}

/// 1-based line and column (in characters, a BOM not counted) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..]
        .trim_start_matches('\u{feff}')
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> (usize, usize, String) {
        match parse(Path::new("toggles.toml"), text.as_bytes()) {
            Ok(_) => panic!("{text:?} should be rejected"),
            Err(Error::Invalid {
                line,
                column,
                message,
                ..
            }) => (line, column, message),
            Err(e) => panic!("unexpected error {e}"),
        }
    }

    #[test]
    fn resolves_precedence_own_over_release_over_default() {
        let text = "[releases.r]\nenabled = true\n\n[toggles.own_off]\nenabled = false\nrelease = \"r\"\n\n[toggles.follows]\nrelease = \"r\"\n\n[toggles.plain]\n";
        let defs = parse(Path::new("t.toml"), text.as_bytes()).unwrap();
        let states: Vec<_> = defs
            .toggles
            .iter()
            .map(|t| (t.name(), t.enabled, t.source))
            .collect();
        assert_eq!(
            states,
            [
                ("follows", true, Source::Release),
                ("own_off", false, Source::Own),
                ("plain", false, Source::Default)
            ]
        );
        assert_eq!(defs.releases[0].members.len(), 2);
        assert_eq!(defs.toggles[0].line, 8);
    }

    #[test]
    fn points_at_the_offending_key_or_value() {
        assert_eq!(error_of("\n[toggles.a]\nenabeld = true\n").0, 3);
        let (line, column, message) = error_of("[toggles.a]\nenabled = \"yes\"\n");
        assert_eq!((line, column), (2, 11));
        assert!(message.contains("boolean"), "{message}");
        let (line, column, message) = error_of("[toggles.a]\nrelease = \"nope\"\n");
        assert_eq!((line, column), (2, 11));
        assert!(message.contains("`nope`"), "{message}");
        assert_eq!(error_of("[toggles.\"bad name\"]\n").0, 1);
        assert_eq!(error_of("[toggle.a]\n").0, 1);
        assert!(
            error_of("[toggles.a]\ncreated = 10:00:00\n")
                .2
                .contains("no date")
        );
        assert_eq!(error_of("[toggles.a]\nenabled = true\n\u{0}").0, 3);
        assert_eq!(error_of("[toggles.a]\n[toggles.a]\n").0, 2);
    }

    fn toggles_of(text: &str) -> Definitions {
        parse(Path::new("t.toml"), text.as_bytes()).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn reads_rollouts_as_exact_basis_points() {
        for (written, bp) in [
            ("0", 0),
            ("100", 10_000),
            ("12", 1_200),
            ("12.5", 1_250),
            ("0.01", 1),
            ("0.29", 29),
            ("33.33", 3_333),
            ("99.99", 9_999),
            ("100.0", 10_000),
            ("5_0", 5_000),
            ("12.340", 1_234),
            ("12.5000000000000000000", 1_250),
            ("+5", 500),
            ("-0", 0),
            ("-0.00", 0),
            ("1_0.0_1", 1_001),
        ] {
            let defs = toggles_of(&format!("[toggles.a]\nrollout = {written}\n"));
            let toggle = &defs.toggles[0];
            assert_eq!(
                toggle.rollout().map(Rollout::basis_points),
                Some(bp),
                "{written}"
            );
            assert_eq!(
                toggle.enabled,
                bp == 10_000,
                "{written}: on without a key at 100 % only"
            );
            assert_eq!(toggle.source, Source::Own);
        }
        for written in [
            "-1",
            "101",
            "100.01",
            "12.345",
            "0.125",
            "-0.0001",
            "nan",
            "inf",
            "\"5\"",
            "true",
            "[5]",
            "1e3",
            "65537",
            "12.340000000000000001",
            "0.0099999999999999999",
            "-0.01",
            "1e-5",
            "0x2710",
        ] {
            let (line, column, message) = error_of(&format!("[toggles.a]\nrollout = {written}\n"));
            assert_eq!((line, column), (2, 11), "{written}");
            assert!(
                message.contains("`rollout` of toggle `a`"),
                "{written}: {message}"
            );
        }
    }

    /// A number spelled with an exponent or a base prefix is refused, with
    /// the plain digits it stands for when they are a percent.
    #[test]
    fn a_rollout_with_an_exponent_or_a_base_prefix_says_what_to_write() {
        for (written, plain) in [
            ("1e1", "10"),
            ("1E1", "10"),
            ("1.25e1", "12.5"),
            ("+1e0", "1"),
            ("0x10", "16"),
            ("0o17", "15"),
            ("0b1", "1"),
        ] {
            let text = format!("[toggles.a]\nrollout = {written}\n");
            let error = parse(Path::new("t.toml"), text.as_bytes()).unwrap_err();
            assert_eq!(error.location(), Some((2, 11)), "{written}");
            let Error::Invalid { message, help, .. } = &error else {
                panic!("{error}");
            };
            assert_eq!(
                *message,
                format!("`rollout` of toggle `a` is written `{written}`: write `{plain}`")
            );
            assert_eq!(*help, HELP_ROLLOUT_DIGITS);
        }
        // Not a percent whatever its spelling: the usual message.
        let (_, _, message) = error_of("[toggles.a]\nrollout = 1e3\n");
        assert!(message.contains("is 1e3, not a percent"), "{message}");
        let (_, _, message) = error_of("[toggles.a]\nrollout = 1.2345e1\n");
        assert!(message.contains("not a percent"), "{message}");
    }

    #[test]
    fn a_file_declares_at_most_max_environments() {
        let names = |n: usize| -> String {
            let names: Vec<String> = (0..n).map(|i| format!("\"e{i}\"")).collect();
            names.join(", ")
        };
        let at_cap = format!(
            "environments = [{}]\n[toggles.a]\n",
            names(MAX_ENVIRONMENTS)
        );
        assert_eq!(toggles_of(&at_cap).environments.len(), MAX_ENVIRONMENTS);
        let past = format!(
            "environments = [{}]\n[toggles.a]\n",
            names(MAX_ENVIRONMENTS + 1)
        );
        let error = parse(Path::new("t.toml"), past.as_bytes()).unwrap_err();
        // At the first name past the cap: its opening quote.
        let column = past.find("\"e256\"").unwrap() + 1;
        assert_eq!(error.location(), Some((1, column)));
        let shown = error.to_string();
        assert!(
            shown.contains("declares 257 environments, more than the 256 a file may declare")
                && shown.contains("`e256` is the first past the cap")
                && shown.contains("at most 256 environments (`toggles::MAX_ENVIRONMENTS`)"),
            "{shown}"
        );
        assert!(HELP_TOO_MANY_ENVIRONMENTS.contains(&MAX_ENVIRONMENTS.to_string()));
        // The general reader (an array over many lines) refuses it the same way.
        let lines = past.replacen("[", "[\n", 1).replace(", ", ",\n");
        assert!(canonical::read(&lines).is_none());
        let error = parse(Path::new("t.toml"), lines.as_bytes()).unwrap_err();
        assert_eq!(error.location(), Some((MAX_ENVIRONMENTS + 2, 1)));
        assert!(error.to_string().contains("more than the 256"), "{error}");
        // Refused before any name is looked at, in any environment.
        let error = parse_in(Path::new("t.toml"), past.as_bytes(), Some("e0")).unwrap_err();
        assert!(error.to_string().contains("first past the cap"), "{error}");
    }

    /// `parse_all` reads the file once and gives, for each view, what
    /// `parse_in` gives for it alone; views share the targeting of tables
    /// that set nothing in them.
    #[test]
    fn parse_all_gives_every_view_as_parse_in_does() {
        let text = "environments = [\"staging\", \"production\"]\n\
                    [releases.r]\nrollout = 5\nenv.staging.enabled = true\n\
                    [toggles.a]\nrelease = \"r\"\n\
                    [toggles.b]\nallow = [\"ada\"]\nenv.production.rollout = 50\n\
                    [toggles.c]\nrelease = \"r\"\nenv.production.allow = [\"bob\"]\n";
        let path = Path::new("t.toml");
        let (base, environments) = parse_all(path, text.as_bytes()).unwrap();
        let views = std::iter::once((None, base))
            .chain(environments.into_iter().map(|d| (d.environment.clone(), d)));
        let mut seen = 0;
        for (environment, all) in views {
            let alone = parse_in(path, text.as_bytes(), environment.as_deref()).unwrap();
            assert_eq!(all.environment, alone.environment);
            assert_eq!(all.environments, alone.environments);
            assert_eq!(all.toggles, alone.toggles, "{environment:?}");
            assert_eq!(all.releases, alone.releases, "{environment:?}");
            seen += 1;
        }
        assert_eq!(seen, 3);
        let (base, environments) = parse_all(path, text.as_bytes()).unwrap();
        let targeting = |d: &Definitions, t: usize| d.toggles[t].targeting.clone().unwrap();
        // `b` sets nothing in staging: the base's very targeting.
        assert!(Arc::ptr_eq(
            &targeting(&base, 1),
            &targeting(&environments[0], 1)
        ));
        // In production it sets its rollout, and keeps the base list.
        let production = targeting(&environments[1], 1);
        assert!(!Arc::ptr_eq(&targeting(&base, 1), &production));
        assert!(Arc::ptr_eq(&targeting(&base, 1).allow, &production.allow));
        // Errors are parse's.
        let broken = "environments = [\"s\"]\n[toggles.a]\nenv.s.rollout = 101\n";
        assert_eq!(
            parse_all(path, broken.as_bytes()).unwrap_err().to_string(),
            parse(path, broken.as_bytes()).unwrap_err().to_string()
        );
    }

    #[test]
    fn validates_allow_lists_and_the_enabled_rollout_conflict() {
        let defs = toggles_of("[toggles.a]\nallow = [\"zoe\", \"ada\", \"é\"]\n");
        let allow: Vec<_> = defs.toggles[0].allow().collect();
        assert_eq!(allow, ["ada", "zoe", "é"]);
        assert!(!defs.toggles[0].enabled);

        let (line, column, message) =
            error_of("[toggles.a]\nallow = [\"bob\", \"ada\", \"bob\"]\n");
        assert_eq!((line, column), (2, 24));
        assert!(message.contains("\"bob\" is twice"), "{message}");
        let (line, column, message) = error_of("[releases.r]\nallow = [\"ada\", \"\"]\n");
        assert_eq!((line, column), (2, 17));
        assert!(
            message.contains("empty key in `allow` of release `r`"),
            "{message}"
        );
        let (_, _, message) = error_of("[toggles.a]\nallow = \"ada\"\n");
        assert!(message.contains("invalid type"), "{message}");
        let (_, _, message) = error_of("[toggles.a]\nallow = [1]\n");
        assert!(message.contains("invalid type"), "{message}");

        let (line, column, message) = error_of("[toggles.a]\nenabled = true\nrollout = 5\n");
        assert_eq!((line, column), (3, 11));
        assert!(
            message.contains("both `enabled` and `rollout`"),
            "{message}"
        );
        // `enabled` with `allow` is fine: the listed keys, then everyone else.
        let defs = toggles_of("[toggles.a]\nenabled = false\nallow = [\"ada\"]\n");
        assert_eq!(defs.toggles[0].allow().len(), 1);

        let (line, column, message) = error_of("bucketing = \"flagd-v1\"\n");
        assert_eq!((line, column), (1, 13));
        assert!(message.contains("unknown bucketing scheme"), "{message}");
        let (_, _, message) = error_of("[toggles.a]\nbucketing = \"flagd-v2\"\n");
        assert!(message.contains("unknown field"), "{message}");
        assert_eq!(
            toggles_of("bucketing = \"flagd-v2\"\n").bucketing,
            Bucketing::FlagdV2
        );
        assert_eq!(toggles_of("").bucketing, Bucketing::FlagdV3);
    }

    /// Which table decides, for every combination of what a toggle and its
    /// release say: the toggle's own table when it has `enabled`, `rollout`
    /// or `allow` (even if only `allow`), else the release's, else off.
    #[test]
    fn the_deciding_table_is_the_toggles_own_else_its_releases() {
        let tables = [
            "",
            "enabled = true\n",
            "enabled = false\n",
            "rollout = 100\n",
            "rollout = 0\n",
            "allow = [\"ada\"]\n",
        ];
        for own in tables {
            for release in tables {
                let text = format!("[releases.r]\n{release}\n[toggles.a]\nrelease = \"r\"\n{own}");
                let defs = toggles_of(&text);
                let a = &defs.toggles[0];
                let decider = if own.is_empty() { release } else { own };
                let source = if own.is_empty() {
                    Source::Release
                } else {
                    Source::Own
                };
                assert_eq!(a.source, source, "{text}");
                let keyless = decider == "enabled = true\n" || decider == "rollout = 100\n";
                assert_eq!(a.is_enabled(), keyless, "{text}");
                assert_eq!(
                    a.is_enabled_for("ada"),
                    keyless || decider.starts_with("allow"),
                    "{text}"
                );
                assert_eq!(a.is_enabled_for("bob"), keyless, "{text}");
                assert_eq!(
                    a.is_enabled_for(""),
                    keyless,
                    "{text}: an empty key is no key"
                );
                assert_eq!(
                    a.is_targeted(),
                    decider.starts_with("rollout") || decider.starts_with("allow"),
                    "{text}"
                );
            }
        }
    }

    /// One value a table can hold in the precedence test.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Value {
        None,
        On,
        Off,
        Everyone,
        Nobody,
        /// `allow = ["ada"]` in the base values, `allow = ["bob"]` in an
        /// environment: which key is allowed tells whose list is in use.
        Allow,
    }

    impl Value {
        const ALL: [Value; 6] = [
            Value::None,
            Value::On,
            Value::Off,
            Value::Everyone,
            Value::Nobody,
            Value::Allow,
        ];

        /// The field as written under `prefix` (`""` or `env.production.`).
        fn line(self, prefix: &str) -> String {
            let field = match self {
                Value::None => return String::new(),
                Value::On => "enabled = true",
                Value::Off => "enabled = false",
                Value::Everyone => "rollout = 100",
                Value::Nobody => "rollout = 0",
                Value::Allow if prefix.is_empty() => "allow = [\"ada\"]",
                Value::Allow => "allow = [\"bob\"]",
            };
            format!("{prefix}{field}\n")
        }

        fn is_slot(self) -> bool {
            !matches!(self, Value::None | Value::Allow)
        }
    }

    /// The model: a table's effective (slot, allowed key) in an
    /// environment. An environment's list replaces the base one, never
    /// merges with it.
    fn effective(base: Value, env: Value) -> (Value, Option<&'static str>) {
        let slot = if env.is_slot() {
            env
        } else if base.is_slot() {
            base
        } else {
            Value::None
        };
        let allow = if env == Value::Allow {
            Some("bob")
        } else if base == Value::Allow {
            Some("ada")
        } else {
            None
        };
        (slot, allow)
    }

    /// The model: what a table gives `key` (`None`: no key).
    fn decides(table: (Value, Option<&str>), key: Option<&str>) -> bool {
        let (slot, allow) = table;
        (allow.is_some() && key == allow) || matches!(slot, Value::On | Value::Everyone)
    }

    /// Every combination of base and `env.production` values, on a toggle
    /// and on its release, against the model: the toggle's own effective
    /// table decides if it says anything, else its release's, else off;
    /// `enabled`/`rollout` are one slot, `allow` another, and an
    /// environment's value replaces the base's in its slot.
    #[test]
    fn environments_replace_base_values_slot_by_slot_in_every_combination() {
        let mut files = 0;
        for toggle_base in Value::ALL {
            for toggle_env in Value::ALL {
                for release_base in Value::ALL {
                    for release_env in Value::ALL {
                        let text = format!(
                            "environments = [\"staging\", \"production\"]\n\
                             [releases.r]\n{}{}[toggles.a]\nrelease = \"r\"\n{}{}",
                            release_base.line(""),
                            release_env.line("env.production."),
                            toggle_base.line(""),
                            toggle_env.line("env.production."),
                        );
                        for (environment, t_env, r_env) in [
                            (None, Value::None, Value::None),
                            (Some("staging"), Value::None, Value::None),
                            (Some("production"), toggle_env, release_env),
                        ] {
                            let defs = parse_in(Path::new("t.toml"), text.as_bytes(), environment)
                                .unwrap_or_else(|e| panic!("{text}: {e}"));
                            let toggle = effective(toggle_base, t_env);
                            let release = effective(release_base, r_env);
                            let own = toggle.0 != Value::None || toggle.1.is_some();
                            let table = if own { toggle } else { release };
                            let a = &defs.toggles[0];
                            let case = format!("{environment:?}\n{text}");
                            assert_eq!(
                                a.source,
                                if own { Source::Own } else { Source::Release },
                                "{case}"
                            );
                            assert_eq!(a.is_enabled(), decides(table, None), "{case}");
                            for key in ["ada", "bob"] {
                                assert_eq!(
                                    a.is_enabled_for(key),
                                    decides(table, Some(key)),
                                    "{key} {case}"
                                );
                            }
                        }
                        files += 1;
                    }
                }
            }
        }
        assert_eq!(files, 6 * 6 * 6 * 6);
    }

    /// Mistakes with an obvious fix say it: a typo of a field names the
    /// field, a date in quotes says to remove them, an environment cut
    /// short or with white space around it names the declared one.
    #[test]
    fn messages_name_the_obvious_fix() {
        let (line, column, message) = error_of("[toggles.a]\nenabeld = false\n");
        assert_eq!((line, column), (2, 1));
        assert!(
            message.starts_with("unknown field `enabeld`: did you mean `enabled`?"),
            "{message}"
        );
        let (_, _, message) = error_of("[releases.r]\nenv.staging.rolout = 5\n");
        assert!(message.contains("did you mean `rollout`?"), "{message}");
        let (_, _, message) = error_of("bucketin = \"flagd-v2\"\n");
        assert!(message.contains("did you mean `bucketing`?"), "{message}");
        let (_, _, message) = error_of("[toggles.a]\nzzz = 1\n");
        assert!(
            !message.contains("did you mean"),
            "nothing close: {message}"
        );
        let (line, column, message) = error_of("[toggles.a]\ncreated = \"2026-12-03\"\n");
        assert_eq!((line, column), (2, 11));
        assert_eq!(
            message,
            "`created` is a string, not a date: remove the quotes: `created = 2026-12-03`"
        );
        let (_, _, message) = error_of("[toggles.a]\ncreated = \"soon\"\n");
        assert!(!message.contains("remove the quotes"), "{message}");
        let declared = b"environments = [\"staging\", \"production\"]\n[toggles.a]\n";
        let in_env = |name| match parse_in(Path::new("t.toml"), declared, Some(name)) {
            Err(Error::Invalid { message, .. }) => message,
            other => panic!("{name:?}: {:?}", other.map(|_| ())),
        };
        assert!(
            in_env("prod").ends_with("; did you mean `production`?"),
            "{}",
            in_env("prod")
        );
        assert!(
            in_env(" production")
                .ends_with("; did you mean `production`? (the name has white space around it)"),
            "{}",
            in_env(" production")
        );
        assert!(!in_env("qa").contains("did you mean"), "{}", in_env("qa"));
    }

    /// A file with several mistakes reports each, with its line and column,
    /// in the file's order; a syntax error ends the list (what follows it
    /// cannot be read as meant), and a file with one mistake is `Invalid`.
    #[test]
    fn every_mistake_is_reported_in_the_files_order() {
        let text = "[releases.r]\nenabeld = true\n[toggles.a]\nenabled = \"yes\"\n\
                    [toggles.b]\nrelease = \"nope\"\nrollout = 120\n\
                    [toggles.\"bad name\"]\nenabled = true\nzzz = 1\n\
                    [toggles.c]\nallow = [\n  \"x\",\n  3,\n]\n[toggles.ok]\nenabled = true\n";
        let error = parse(Path::new("t.toml"), text.as_bytes())
            .map(|_| ())
            .unwrap_err();
        let Error::Several { errors, .. } = &error else {
            panic!("{error:#?}")
        };
        let at: Vec<_> = errors.iter().filter_map(Error::location).collect();
        assert_eq!(
            at,
            [(2, 1), (4, 11), (6, 11), (7, 11), (8, 10), (10, 1), (14, 3)],
            "{error}"
        );
        assert!(error.to_string().ends_with("t.toml: 7 errors"), "{error}");
        assert_eq!(error.location(), Some((2, 1)));
        // A syntax error (found before any other) is the one error: what
        // follows it cannot be read as meant.
        let (line, _, message) = error_of("[toggles.a]\nenabeld = true\n[toggles.b\nfoo = 1\n");
        assert_eq!(line, 3, "{message}");
        // At most MAX_ERRORS, with a word that there are more.
        let many: String = (0..MAX_ERRORS + 5)
            .map(|i| format!("[toggles.t{i}]\nenabeld = true\n"))
            .collect();
        let error = parse(Path::new("t.toml"), many.as_bytes())
            .map(|_| ())
            .unwrap_err();
        let Error::Several { errors, .. } = &error else {
            panic!("{error:#?}")
        };
        assert_eq!(errors.len(), MAX_ERRORS);
        assert!(
            error.to_string().contains("fix them to see the rest"),
            "{error}"
        );
    }

    #[test]
    fn environments_are_validated_with_line_column_and_a_suggestion() {
        let declared = "environments = [\"staging\", \"production\"]\n";
        let (line, column, message) = error_of(&format!(
            "{declared}[toggles.a]\nenv.prodution.enabled = true\n"
        ));
        assert_eq!((line, column), (3, 5));
        assert!(
            message.contains("`prodution`") && message.contains("did you mean `production`?"),
            "{message}"
        );
        let (_, _, message) = error_of("[toggles.a]\nenv.staging.enabled = true\n");
        assert!(
            message.contains("does not declare"),
            "no `environments` at all: {message}"
        );
        let (line, column, message) = error_of("environments = [\"staging\", \"staging\"]\n");
        assert_eq!((line, column), (1, 28));
        assert!(message.contains("declared twice"), "{message}");
        let (_, column, message) = error_of("environments = [\"pro duction\"]\n");
        assert_eq!(column, 17);
        assert!(message.contains("invalid environment name"), "{message}");
        let (line, _, message) = error_of(&format!(
            "{declared}[releases.r]\nenv.staging.enabled = true\nenv.staging.rollout = 5\n"
        ));
        assert_eq!(line, 4);
        assert!(
            message.contains("release `r` in environment `staging` has both"),
            "{message}"
        );
        let (line, _, message) = error_of(&format!(
            "{declared}[toggles.a]\nenv.production.rollout = 101\n"
        ));
        assert_eq!(line, 3);
        assert!(message.contains("in environment `production`"), "{message}");
        let (_, _, message) = error_of(&format!(
            "{declared}[toggles.a]\nenv.staging.release = \"r\"\n"
        ));
        assert!(
            message.contains("unknown field `release`"),
            "only the state varies: {message}"
        );
        let (_, _, message) = error_of(&format!("{declared}[env.staging]\n"));
        assert!(message.contains("unknown field `env`"), "{message}");
        // Every environment is checked, whichever is chosen.
        let text = format!("{declared}[toggles.a]\nenv.production.allow = [\"\"]\n");
        assert!(parse_in(Path::new("t.toml"), text.as_bytes(), Some("staging")).is_err());
        // So are the base values, even where the chosen one replaces them:
        // a file is valid or not, whatever environment reads it.
        for base in ["rollout = 101", "allow = [\"x\", \"x\"]"] {
            let text = format!(
                "{declared}[toggles.a]\n{base}\nenv.production.enabled = true\n\
                 env.production.allow = []\n"
            );
            let error =
                parse_in(Path::new("t.toml"), text.as_bytes(), Some("production")).expect_err(base);
            assert_eq!(error.location().map(|(line, _)| line), Some(3), "{error}");
            assert!(!error.to_string().contains("in environment"), "{error}");
        }
        // Choosing an undeclared environment is an error, at `environments`.
        let text = format!("{declared}[toggles.a]\n");
        let error = parse_in(Path::new("t.toml"), text.as_bytes(), Some("prod")).unwrap_err();
        assert_eq!(error.location(), Some((1, 16)));
        assert!(
            error
                .to_string()
                .contains("environment `prod` is not declared"),
            "{error}"
        );
        let error = parse_in(Path::new("t.toml"), b"[toggles.a]\n", Some("staging")).unwrap_err();
        assert!(error.to_string().contains("not declared"), "{error}");
        // A file without environments means what it always meant.
        let defs = parse_in(Path::new("t.toml"), b"[toggles.a]\nenabled = true\n", None).unwrap();
        assert!(defs.toggles[0].enabled && defs.environments.is_empty());
    }

    #[test]
    fn reports_invalid_utf8_where_it_starts() {
        let err = parse(Path::new("t.toml"), b"[toggles.a]\nenabled = \xff\n").unwrap_err();
        assert_eq!(err.location(), Some((2, 11)));
    }

    #[test]
    fn line_starts_agree_with_line_column() {
        let text = "a\n\nbc\r\né\n";
        let lines = LineStarts::new(text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            assert_eq!(
                lines.line_of(offset) as usize,
                line_column(text, offset).0,
                "{offset}"
            );
        }
    }

    #[test]
    fn counts_columns_in_characters() {
        assert_eq!(line_column("\u{feff}ab", 4), (1, 2));
        assert_eq!(line_column("é\nxé=", 6), (2, 3));
    }
}
