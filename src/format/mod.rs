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
use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;
use toml::value::Datetime;

use crate::bucket::{Bucketing, KeyHasher, Rollout};
use crate::date::Date;
use crate::definitions::{Decider, Definitions, Release, Source, Targeting, ToggleInfo};
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
}

struct ReleaseEntry<'a> {
    name: Spanned<Cow<'a, str>>,
    state: StateEntry<'a>,
    description: Option<Cow<'a, str>>,
}

/// The fields that say whether a table is on, for whom: the same on a
/// toggle and on a release, and in each of its `env.NAME` tables.
#[derive(Default, Clone)]
struct StateEntry<'a> {
    enabled: Option<bool>,
    /// A number, checked in [`resolve`] (its type too, for a message that
    /// says what a rollout is).
    rollout: Option<Spanned<toml::Value>>,
    allow: Option<Vec<Spanned<Cow<'a, str>>>>,
    /// `env.NAME.…`: the same fields for environment NAME (empty inside one).
    env: Vec<(Spanned<Cow<'a, str>>, StateEntry<'a>)>,
}

impl StateEntry<'_> {
    /// Whether the table says anything about its state (else a toggle
    /// follows its release).
    fn is_set(&self) -> bool {
        self.enabled.is_some() || self.rollout.is_some() || self.allow.is_some()
    }
}

const HELP_SYNTAX: &str = "fix the TOML syntax at this spot";
const HELP_SCHEMA: &str = "the file has `bucketing`, `environments` and the tables [toggles.NAME] (fields: enabled, rollout, allow, env.ENVIRONMENT.{enabled, rollout, allow}, release, description, created) and [releases.NAME] (fields: enabled, rollout, allow, env.…, description); a typo is an error, never a silent `off`";
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
const HELP_BUCKETING: &str = "write `bucketing = \"flagd-v3\"` (the default) or `bucketing = \"flagd-v2\"`; changing it moves keys between buckets";

/// Parses and validates one version of the file, with its base values (no
/// environment).
///
/// `path` is only used in error messages.
pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<Definitions, Error> {
    parse_in(path, bytes, None)
}

/// Parses and validates one version of the file as environment
/// `environment` sees it (`None`: the base values). Every environment's
/// values are validated whichever is chosen; choosing one the file does
/// not declare is an error, like a broken file.
pub(crate) fn parse_in(
    path: &Path,
    bytes: &[u8],
    environment: Option<&str>,
) -> Result<Definitions, Error> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let at = valid.len();
            return Err(invalid(
                path,
                valid,
                at..at,
                "the file is not valid UTF-8".into(),
                HELP_SYNTAX,
            ));
        }
    };
    parse_text(path, text, environment).map_err(|first| more_errors(path, text, environment, first))
}

fn parse_text(path: &Path, text: &str, environment: Option<&str>) -> Result<Definitions, Error> {
    let doc = match canonical::read(text) {
        Some(doc) => doc,
        None => general::read(path, text)?,
    };
    resolve(path, text, doc, environment)
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
        match parse_text(path, &rest, environment) {
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
        if ![HELP_SYNTAX, HELP_ENV_SELECTED, HELP_ENVIRONMENTS].contains(help))
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
) -> Result<Definitions, Error> {
    let lines = LineStarts::new(text);
    let environments = environments_of(path, text, doc.environments.as_ref())?;
    if let Some(chosen) = environment
        && !environments.iter().any(|e| **e == *chosen)
    {
        let message = format!(
            "environment `{chosen}` is not declared in this file{}",
            did_you_mean(chosen, environments.iter().map(|e| &**e))
        );
        let span = doc.environments.as_ref().map_or(0..0, Spanned::span);
        return Err(invalid(path, text, span, message, HELP_ENV_SELECTED));
    }
    let declared: HashSet<&str> = environments.iter().map(|e| &**e).collect();
    let in_env = |state, what: &dyn Fn() -> String| {
        in_environment(
            path,
            text,
            state,
            (&environments, &declared),
            environment,
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
    } in doc.releases
    {
        check_name(path, text, &name, "release")?;
        let what = || format!("release `{}`", name.get_ref());
        let state = in_env(state, &what)?;
        let hasher = || Some(KeyHasher::release(bucketing, name.get_ref()));
        let (enabled, targeting) = state_of(path, text, state, what, hasher)?;
        releases.push(Release {
            line: lines.line_of(name.span().start),
            name: Arc::from(name.get_ref().as_ref()),
            enabled,
            targeting,
            description: description.map(|d| d.as_ref().into()),
            members: Vec::new(),
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
        let state = in_env(toggle.state, &what)?;
        let (enabled, source, targeting) = if state.is_set() {
            let hasher = || Some(KeyHasher::own(bucketing, name.get_ref()));
            let (enabled, targeting) = state_of(path, text, state, what, hasher)?;
            (enabled, Source::Own, targeting)
        } else if let Some(index) = release {
            let release = &releases[index];
            (release.enabled, Source::Release, release.targeting.clone())
        } else {
            (false, Source::Default, None)
        };
        let line = lines.line_of(name.span().start);
        let name = name.get_ref().as_ref();
        if let Some(index) = release {
            releases[index].members.push((name.into(), enabled));
        }
        let decider = Decider {
            enabled,
            source,
            bucketing,
            targeting,
        };
        toggles.push(ToggleInfo::new(
            name,
            toggle.description.as_deref(),
            decider,
            release.map(|index| Arc::clone(&releases[index].name)),
            created,
            line,
        ));
    }
    Ok(Definitions {
        bucketing,
        environments,
        environment: environment.map(Box::from),
        toggles,
        releases,
    })
}

/// The declared environments, validated: names, each once.
fn environments_of(
    path: &Path,
    text: &str,
    declared: Option<&Spanned<Vec<Spanned<Cow<'_, str>>>>>,
) -> Result<Vec<Box<str>>, Error> {
    let Some(declared) = declared else {
        return Ok(Vec::new());
    };
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

/// A table's fields as environment `chosen` sees them: its `env.NAME`
/// values over its base ones (`enabled` and `rollout` as one slot, `allow`
/// as another; a list replaces, never merges). Every `env.NAME` is checked
/// on the way — declared, and its values valid — whichever is chosen, and
/// so are the base values, which are then valid under every overlay: each
/// slot is valid alone, and an overlay takes a slot whole.
///
/// Linear in the table's size: each value is checked once, only the chosen
/// environment's slots are copied (a hostile file may set a hundred
/// thousand environments over a base list of a million keys).
fn in_environment<'a>(
    path: &Path,
    text: &str,
    mut state: StateEntry<'a>,
    (declared, declared_set): (&[Box<str>], &HashSet<&str>),
    chosen: Option<&str>,
    what: &dyn Fn() -> String,
) -> Result<StateEntry<'a>, Error> {
    if state.env.is_empty() {
        return Ok(state);
    }
    check_slots(path, text, &state, what)?;
    let mut effective = None;
    for (name, values) in std::mem::take(&mut state.env) {
        if !declared_set.contains(&**name.get_ref()) {
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
        }
        let what_here = || format!("{} in environment `{}`", what(), name.get_ref());
        check_slots(path, text, &values, &what_here)?;
        if chosen == Some(name.get_ref().as_ref()) {
            effective = Some(values);
        }
    }
    Ok(match effective {
        None => state,
        Some(values) => {
            let slot = values.enabled.is_some() || values.rollout.is_some();
            StateEntry {
                enabled: if slot { values.enabled } else { state.enabled },
                rollout: if slot { values.rollout } else { state.rollout },
                allow: values.allow.or(state.allow),
                env: Vec::new(),
            }
        }
    })
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

/// Validates a table's `enabled`, `rollout` and `allow` and makes them its
/// state for a check without a key, and its key-dependent part, if any.
/// `what` names the table in messages ("toggle `a`"); `hasher` makes its
/// rollout's key hasher.
fn state_of(
    path: &Path,
    text: &str,
    state: StateEntry<'_>,
    what: impl Fn() -> String,
    hasher: impl FnOnce() -> Option<KeyHasher>,
) -> Result<(bool, Option<Arc<Targeting>>), Error> {
    let rollout = check_slots(path, text, &state, &what)?;
    let enabled = match rollout {
        Some(rollout) => rollout.is_full(),
        None => state.enabled.unwrap_or(false),
    };
    let mut allow: Vec<Box<str>> = state
        .allow
        .unwrap_or_default()
        .into_iter()
        .map(|key| key.into_inner().into_owned().into_boxed_str())
        .collect();
    allow.sort_unstable(); // no two are equal: checked above
    let targeting = (rollout.is_some() || !allow.is_empty()).then(|| {
        Arc::new(Targeting {
            rollout,
            hasher: rollout.and_then(|_| hasher()),
            allow: allow.into(),
        })
    });
    Ok((enabled, targeting))
}

/// What [`state_of`] refuses in a table's `enabled`, `rollout` and `allow`
/// as written (its `env` aside), without making anything: a rollout that
/// is no percent, `enabled` beside `rollout`, an empty or a repeated key.
/// Returns the rollout.
fn check_slots(
    path: &Path,
    text: &str,
    state: &StateEntry<'_>,
    what: &dyn Fn() -> String,
) -> Result<Option<Rollout>, Error> {
    let rollout = match &state.rollout {
        None => None,
        Some(value) => Some(rollout_of(value.get_ref()).ok_or_else(|| {
            let message = format!(
                "`rollout` of {} is {}, not a percent from 0 to 100 with at most two decimals",
                what(),
                value.get_ref()
            );
            invalid(path, text, value.span(), message, HELP_ROLLOUT)
        })?),
    };
    if let (Some(_), Some(value)) = (state.enabled, &state.rollout) {
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
    let allow = state.allow.as_deref().unwrap_or_default();
    if let Some(empty) = allow.iter().find(|key| key.get_ref().is_empty()) {
        let message = format!("an empty key in `allow` of {}", what());
        return Err(invalid(path, text, empty.span(), message, HELP_ALLOW));
    }
    // Sorted by key, then by place: the second of two equal keys is the
    // later one, where the message points.
    let mut sorted: Vec<&Spanned<Cow<'_, str>>> = allow.iter().collect();
    sorted.sort_by(|a, b| (a.get_ref(), a.span().start).cmp(&(b.get_ref(), b.span().start)));
    if let Some(pair) = sorted.windows(2).find(|w| w[0].get_ref() == w[1].get_ref()) {
        let message = format!(
            "key {:?} is twice in `allow` of {}",
            pair[1].get_ref(),
            what()
        );
        return Err(invalid(path, text, pair[1].span(), message, HELP_ALLOW));
    }
    Ok(rollout)
}

/// A rollout written as a number: an integer from 0 to 100, or a float in
/// that range with at most two decimals.
fn rollout_of(value: &toml::Value) -> Option<Rollout> {
    let basis_points = match *value {
        toml::Value::Integer(percent) => u16::try_from(percent).ok()?.checked_mul(100)?,
        toml::Value::Float(percent) => {
            if !(0.0..=100.0).contains(&percent) {
                return None;
            }
            // In range, so the rounded value fits. Two decimals at most:
            // the nearest double to `bp / 100` is the double the file's
            // text parsed to exactly when the text had at most two
            // decimals (both are correctly rounded), so `12.345` and
            // `0.125` are refused and `0.29` (28.999… × 100) is taken.
            let basis_points = (percent * 100.0).round() as u16;
            if f64::from(basis_points) / 100.0 != percent {
                return None;
            }
            basis_points
        }
        _ => return None,
    };
    Rollout::from_basis_points(basis_points)
}

fn check_name(path: &Path, text: &str, name: &Spanned<Cow<str>>, what: &str) -> Result<(), Error> {
    if is_valid_name(name.get_ref()) {
        return Ok(());
    }
    let message = format!("invalid {what} name {:?}", name.get_ref());
    Err(invalid(path, text, name.span(), message, HELP_NAME))
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

    /// The 1-based line of a byte offset (as [`line_column`] counts it).
    fn line_of(&self, offset: usize) -> u32 {
        self.0.partition_point(|&start| start <= offset) as u32
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
            ("1e1", 1_000),
            ("5_0", 5_000),
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
            "-1", "101", "100.01", "12.345", "0.125", "-0.0001", "nan", "inf", "\"5\"", "true",
            "[5]", "1e3", "65537",
        ] {
            let (line, column, message) = error_of(&format!("[toggles.a]\nrollout = {written}\n"));
            assert_eq!((line, column), (2, 11), "{written}");
            assert!(
                message.contains("`rollout` of toggle `a`"),
                "{written}: {message}"
            );
        }
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
