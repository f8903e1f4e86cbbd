//! The edit commands for keys: `rollout`, `allow` and `disallow`, on a
//! toggle (`toggles rollout NAME 10`) or a release (`toggles release
//! rollout NAME 10`); and how a table's state for keys reads
//! (`10% of keys + 2 allowed`), shared by every command that prints one.
//!
//! The rules they keep (the file's, as `toggles::Snapshot::parse` enforces
//! them):
//!
//! - `rollout` and `enabled` never stand together in one table: setting a
//!   rollout removes `enabled`, and `on`/`off` (which mean every key)
//!   remove `rollout`. An `allow` list stays through both.
//! - A toggle's own table decides as soon as it has `enabled`, `rollout` or
//!   `allow`. So `allow` is refused on a toggle that follows its release:
//!   an `allow` list alone would make it off for every other key.
//! - Percents are read as the file reads them: 0 to 100, at most two
//!   decimals; written as an integer when whole (`rollout = 10`), else as a
//!   float (`rollout = 12.5`).

use std::path::Path;

use toggles::{Release, Rollout, Snapshot, Source, ToggleInfo};
use toml_edit::{Array, Item, Value};

use crate::Outcome;
use crate::edit::{
    self, done, drop_same_as_base, entry, remove_in, scope, set_in, set_replacing, transition,
};
use crate::environments::{Choice, KeyLines};
use crate::fail::Fail;
use crate::list::unknown_release;
use crate::output::on_off;
use crate::write::{self, Edited};

/// The table an edit changes.
#[derive(Clone, Copy)]
pub enum Target<'a> {
    Toggle(&'a str),
    Release(&'a str),
}

impl<'a> Target<'a> {
    fn name(self) -> &'a str {
        match self {
            Target::Toggle(name) | Target::Release(name) => name,
        }
    }

    fn section(self) -> &'static str {
        match self {
            Target::Toggle(_) => "toggles",
            Target::Release(_) => "releases",
        }
    }

    /// `new_search` or `release checkout-v2`, to start a line of output.
    fn label(self) -> String {
        match self {
            Target::Toggle(name) => name.to_owned(),
            Target::Release(name) => format!("release {name}"),
        }
    }

    /// Refuses a name the file lacks, with the usual hints.
    fn check(self, snapshot: &Snapshot) -> Result<(), Fail> {
        match self {
            Target::Toggle(name) if !snapshot.contains(name) => {
                Err(edit::refuse_unknown_toggle(snapshot, name, false))
            }
            Target::Release(name) if snapshot.release(name).is_none() => {
                Err(unknown_release(snapshot, name, None))
            }
            _ => Ok(()),
        }
    }

    /// The table's own `allow` list in `snapshot` (a toggle's own only: a
    /// follower's list is its release's).
    fn own_allow(self, snapshot: &Snapshot) -> Vec<String> {
        let list: Vec<&str> = match self {
            Target::Toggle(name) => snapshot
                .get(name)
                .filter(|t| t.source() == Source::Own)
                .map(|t| t.allow().collect())
                .unwrap_or_default(),
            Target::Release(name) => snapshot
                .release(name)
                .map(|r| r.allow().collect())
                .unwrap_or_default(),
        };
        list.into_iter().map(str::to_owned).collect()
    }
}

/// Reads a percent from the command line as the file reads it: 0 to 100
/// with at most two decimals (`12.5`; a trailing `%` is allowed).
pub fn percent(value: &str) -> Result<Rollout, String> {
    let refuse = || {
        format!(
            "{value:?} is not a percent from 0 to 100 with at most two decimals: \
             write the share of keys that get it, like 10 or 12.5"
        )
    };
    let text = value.trim();
    let text = text.strip_suffix('%').unwrap_or(text).trim_end();
    Rollout::from_percent(text).ok_or_else(refuse)
}

/// A key for `allow`/`disallow`: any text but the empty one (the library
/// treats an empty key as no key, so it cannot be allowed).
pub fn key(value: &str) -> Result<String, String> {
    if value.is_empty() {
        Err(
            "an empty key cannot be allowed: a check with an empty key is a check without a key; \
             pass the user id, tenant… to allow"
                .to_owned(),
        )
    } else {
        Ok(value.to_owned())
    }
}

/// The value written for a rollout: an integer when whole (`10`), else a
/// float (`12.5`), which the file reads back as the same basis points.
fn rollout_value(rollout: Rollout) -> Value {
    let bp = rollout.basis_points();
    if bp.is_multiple_of(100) {
        Value::from(i64::from(bp / 100))
    } else {
        Value::from(f64::from(bp) / 100.0)
    }
}

/// The rollout as the file writes it: `10`, `12.5`.
pub fn literal(rollout: Rollout) -> String {
    rollout.to_string().trim_end_matches('%').to_owned()
}

/// How a table's state reads for keys: `ON`, `OFF`, `10% of keys`, with
/// ` + 2 allowed` when it has an `allow` list.
pub fn summary(enabled: bool, rollout: Option<Rollout>, allowed: usize) -> String {
    let base = match rollout {
        Some(rollout) => format!("{rollout} of keys"),
        None => on_off(enabled).to_owned(),
    };
    if allowed == 0 {
        base
    } else {
        format!("{base} + {allowed} allowed")
    }
}

/// [`summary`] of a toggle's deciding table.
pub fn toggle_summary(toggle: &ToggleInfo) -> String {
    summary(toggle.is_enabled(), toggle.rollout(), toggle.allow().len())
}

/// [`summary`] of a release.
pub fn release_summary(release: &Release) -> String {
    summary(
        release.is_enabled(),
        release.rollout(),
        release.allow().len(),
    )
}

/// The ROLLOUT column of `toggles list`: `10% + 2 allowed`, `2 allowed`,
/// `12.5%`, or `-`.
pub fn column(rollout: Option<Rollout>, allowed: usize) -> String {
    match (rollout, allowed) {
        (None, 0) => "-".to_owned(),
        (Some(rollout), 0) => rollout.to_string(),
        (None, n) => format!("{n} allowed"),
        (Some(rollout), n) => format!("{rollout} + {n} allowed"),
    }
}

/// Up to five keys, comma-separated, then how many more.
pub fn some_keys<'k>(keys: impl ExactSizeIterator<Item = &'k str>) -> String {
    let total = keys.len();
    let shown: Vec<&str> = keys.take(5).collect();
    let mut text = shown.join(", ");
    if total > shown.len() {
        text.push_str(&format!(" and {} more", total - shown.len()));
    }
    text
}

/// `toggles rollout NAME PERCENT`, `toggles release rollout NAME PERCENT`:
/// sets the table's `rollout` and removes its `enabled`.
///
/// With `--env E`, in the table's `env.E` values (the same rollout as the
/// base one is dropped instead: the base applies).
pub fn set_rollout(
    path: &Path,
    target: Target<'_>,
    rollout: Rollout,
    force: bool,
    choice: &Choice,
) -> Outcome {
    let env = choice.name();
    let edited = write::edit_file_in(path, choice, false, force, |before, doc| {
        target.check(before)?;
        let table = entry(doc, target.section(), target.name())?;
        set_replacing(table, env, "rollout", rollout_value(rollout), "enabled");
        drop_same_as_base(table, env, &["rollout"]);
        Ok(())
    })?;
    report(target, &edited, env);
    if !rollout.is_full() {
        println!("  a check without a key gets OFF: a rollout is on without a key only at 100%");
    }
    finish(path, target, &edited)
}

/// `toggles allow NAME KEY…`, `toggles release allow NAME KEY…`: adds the
/// keys to the table's `allow` list, creating it.
///
/// With `--env E`, in the table's `env.E.allow`. An environment's list
/// replaces the base one, so a new one starts as a copy of the base list.
pub fn allow(
    path: &Path,
    target: Target<'_>,
    keys: &[String],
    force: bool,
    choice: &Choice,
) -> Outcome {
    let env = choice.name();
    let edited = write::edit_file_in(path, choice, false, force, |before, doc| {
        target.check(before)?;
        if let Target::Toggle(name) = target {
            refuse_follower(before, name, env)?;
        }
        let present = target.own_allow(before);
        let new: Vec<&str> = dedup(keys)
            .filter(|key| !present.iter().any(|p| p == key))
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        let table = entry(doc, target.section(), target.name())?;
        match own_list(table, env) {
            Some(array) => {
                for key in new {
                    push(array, key);
                }
            }
            None => {
                // Without a list of its own, an environment has the base
                // list (`present`); its own list will replace it.
                let mut list: Vec<&str> = present.iter().map(String::as_str).collect();
                list.extend(new);
                set_in(table, env, "allow", Value::Array(Array::from_iter(list)));
            }
        }
        drop_same_as_base(table, env, &["allow"]);
        Ok(())
    })?;
    report(target, &edited, env);
    let before = target.own_allow(&edited.before);
    if let Some(environment) = env
        && edited.written
        && !before.is_empty()
        && KeyLines::new(&edited.text_before, None)
            .env_line(target.section(), target.name(), environment, "allow")
            .is_none()
    {
        println!(
            "  `env.{environment}.allow` replaces the base list, so it starts as a copy of it: {}",
            some_keys(before.iter().map(String::as_str))
        );
    }
    for key in dedup(keys) {
        if before.iter().any(|k| k == key) {
            println!("  {key}: already allowed");
        } else {
            println!("  {key}: allowed");
        }
    }
    if let Some(note) = allow_matters(target, &edited.after) {
        println!("  {note}");
    }
    finish(path, target, &edited)
}

/// `toggles disallow NAME KEY…`, `toggles release disallow NAME KEY…`:
/// removes the keys from the table's `allow` list; without keys left, the
/// list goes.
///
/// With `--env E`, in the table's `env.E.allow`: without one, a copy of the
/// base list without the keys; with no keys left, `env.E.allow = []` when
/// the base list has keys (removing it would bring them back).
pub fn disallow(
    path: &Path,
    target: Target<'_>,
    keys: &[String],
    force: bool,
    choice: &Choice,
) -> Outcome {
    let env = choice.name();
    let edited = write::edit_file_in(path, choice, false, force, |before, doc| {
        target.check(before)?;
        let present = target.own_allow(before);
        let gone: Vec<&str> = dedup(keys)
            .filter(|key| present.iter().any(|p| p == key))
            .collect();
        if gone.is_empty() {
            return Ok(());
        }
        let table = entry(doc, target.section(), target.name())?;
        let base_keys = edit::base_value(table, "allow")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        if env.is_some() && own_list(table, env).is_none() {
            let rest: Vec<&str> = present
                .iter()
                .map(String::as_str)
                .filter(|key| !gone.contains(key))
                .collect();
            set_in(table, env, "allow", Value::Array(Array::from_iter(rest)));
        } else if gone.len() == present.len() && env.is_some() && base_keys {
            set_in(table, env, "allow", Value::Array(Array::new()));
        } else if gone.len() == present.len() {
            remove_in(table, env, "allow");
        } else {
            let array = own_list(table, env)
                .ok_or_else(|| edit::layout_error(&format!("{}.allow", target.name())))?;
            for key in gone {
                let index = array.iter().position(|v| v.as_str() == Some(key));
                if let Some(index) = index {
                    take_out(array, index);
                }
            }
        }
        drop_same_as_base(table, env, &["allow"]);
        Ok(())
    })?;
    report(target, &edited, env);
    let before = target.own_allow(&edited.before);
    let after = target.own_allow(&edited.after);
    for key in dedup(keys) {
        if before.iter().any(|k| k == key) {
            println!("  {key}: no longer allowed");
        } else if before.is_empty() {
            println!("  {key}: not allowed (no `allow` list of its own)");
        } else if after.is_empty() {
            println!("  {key}: was not in the `allow` list either");
        } else {
            println!(
                "  {key}: not in the `allow` list (it holds {})",
                some_keys(after.iter().map(String::as_str))
            );
        }
    }
    if !before.is_empty() && after.is_empty() {
        match env {
            Some(environment)
                if KeyLines::new(&edited.text_after, None)
                    .env_line(target.section(), target.name(), environment, "allow")
                    .is_some() =>
            {
                println!(
                    "  no keys left in {environment}: `env.{environment}.allow = []` keeps the base list out"
                )
            }
            _ => println!("  no keys left: the `allow` line is removed"),
        }
    }
    if let Target::Toggle(name) = target
        && let (Some(b), Some(a)) = (edited.before.get(name), edited.after.get(name))
        && b.source() == Source::Own
        && a.source() != Source::Own
    {
        println!(
            "  {name} has no state of its own left: {}",
            edit::follows(a)
        );
    }
    finish(path, target, &edited)
}

/// Refuses an `allow` list on a toggle that follows its release: its own
/// table would decide from then on, off for every key not in the list.
fn refuse_follower(snapshot: &Snapshot, name: &str, env: Option<&str>) -> Result<(), Fail> {
    let Some(toggle) = snapshot.get(name) else {
        return Ok(());
    };
    match (toggle.source(), toggle.release()) {
        (Source::Release, Some(release)) => Err(Fail::error(format!(
            "toggle `{name}` follows release {release} ({}): an `allow` list of its own would \
             make its own table decide, OFF for every key not in the list",
            toggle_summary(toggle)
        ))
        .help(format!(
            "allow the keys on the whole release with `toggles release allow {release} KEY…{e}`, \
             or give `{name}` its own state first (`toggles on|off {name}{e}`, \
             `toggles rollout {name} PERCENT{e}`)",
            e = edit::env_flag(env)
        ))),
        _ => Ok(()),
    }
}

/// A note when an `allow` list changes nothing for now: its table is on for
/// every key.
fn allow_matters(target: Target<'_>, after: &Snapshot) -> Option<String> {
    let (enabled, rollout) = match target {
        Target::Toggle(name) => after.get(name).map(|t| (t.is_enabled(), t.rollout()))?,
        Target::Release(name) => after.release(name).map(|r| (r.is_enabled(), r.rollout()))?,
    };
    (enabled && rollout.is_none()).then(|| {
        "it is ON for every key: the list matters once it is off or rolled out to a share of keys"
            .to_owned()
    })
}

/// The first line of an edit's output: the table's state before and after,
/// and for a release, which of its toggles do not follow it.
fn report(target: Target<'_>, edited: &Edited, env: Option<&str>) {
    let label = edit::who(&target.label(), env);
    match target {
        Target::Toggle(name) => {
            let before = edited.before.get(name).expect("checked");
            let after = edited.after.get(name).expect("kept");
            if edited.written {
                println!("{label}: {}", transition(before, after, edited));
            } else {
                println!("{label}: already {}", toggle_summary(after));
            }
        }
        Target::Release(name) => {
            let before = edited.before.release(name).expect("checked");
            let after = edited.after.release(name).expect("kept");
            let (b, a) = (release_summary(before), release_summary(after));
            if !edited.written {
                println!("{label}: already {a}");
            } else if b == a {
                println!("{label}: {a}");
            } else {
                println!("{label}: {b} → {a}");
            }
            edit::report_members(&edited.after, after, env);
        }
    }
}

/// The last lines of an edit: the table in every environment, and whether
/// the file was written.
fn finish(path: &Path, target: Target<'_>, edited: &Edited) -> Outcome {
    edit::report_environments(edited, target.section(), target.name());
    done(path, edited)
}

/// The table's own `allow` list in `env` (its `env.E.allow`), as written.
fn own_list<'d>(table: &'d mut Item, env: Option<&str>) -> Option<&'d mut Array> {
    scope(table, env, false)?
        .as_table_like_mut()?
        .get_mut("allow")?
        .as_array_mut()
}

fn dedup(keys: &[String]) -> impl Iterator<Item = &str> {
    let mut seen = std::collections::HashSet::new();
    keys.iter()
        .map(String::as_str)
        .filter(move |key| seen.insert(*key))
}

/// A prefix or suffix split at its first newline: what ends the line
/// before (a comment after the previous value, say), and the rest.
fn split_line(text: &str) -> (&str, &str) {
    match text.find('\n') {
        Some(at) => text.split_at(at),
        None => (text, ""),
    }
}

/// The whole comment lines of `text` (from its first newline to its last,
/// without that last newline), or "" if it has none.
fn comment_lines(text: &str) -> &str {
    match text.rfind('\n') {
        Some(end) if text[..end].contains('#') => &text[..end],
        _ => "",
    }
}

/// Appends `key` to `array`, laid out like its last value: on a line of its
/// own, indented alike, in a multi-line list; after `, ` in a one-line one.
fn push(array: &mut Array, key: &str) {
    let Some(last) = array.iter().last() else {
        array.push(key);
        return;
    };
    let prefix = edit::text(last.decor().prefix()).to_owned();
    let suffix = edit::text(last.decor().suffix()).to_owned();
    let prefix = match prefix.rfind('\n') {
        Some(at) => {
            // A comment ending the last value's line (after its comma)
            // stays on that line: it begins the new value's prefix.
            let indent = &prefix[at + 1..];
            let trailing = edit::text(Some(array.trailing())).to_owned();
            let (comment, rest) = split_line(&trailing);
            if rest.is_empty() {
                format!("\n{indent}")
            } else {
                array.set_trailing(rest);
                format!("{comment}\n{indent}")
            }
        }
        None if prefix.is_empty() => " ".to_owned(),
        None => prefix,
    };
    // The last value's suffix (the space or newline before `]`) moves to
    // the new last value.
    let index = array.len() - 1;
    if let Some(last) = array.get_mut(index) {
        last.decor_mut().set_suffix("");
    }
    array.push_formatted(Value::from(key).decorated(prefix, suffix));
}

/// Removes the value at `index` from `array`, keeping the layout: the next
/// value takes its place, comment lines above it stay (as when a key is
/// removed), and its own trailing comment goes with it.
fn take_out(array: &mut Array, index: usize) {
    let removed = array.remove(index);
    let prefix = edit::text(removed.decor().prefix()).to_owned();
    let suffix = edit::text(removed.decor().suffix()).to_owned();
    // What ends the line before (a comment after the previous value), and
    // the comment lines above the removed value: both stay.
    let kept = match split_line(&prefix) {
        (_, "") => String::new(),
        (before, rest) => format!("{before}{}", comment_lines(rest)),
    };
    if let Some(next) = array.get_mut(index) {
        let own = edit::text(next.decor().prefix()).to_owned();
        let new = match split_line(&own) {
            // A one-line list: the next value takes the removed one's place.
            (_, "") => prefix.clone(),
            // Its first line ended the removed value's line: it goes too.
            (_, rest) => format!("{kept}{rest}"),
        };
        next.decor_mut().set_prefix(new);
        return;
    }
    let trailing = edit::text(Some(array.trailing())).to_owned();
    match split_line(&trailing) {
        (_, "") => {
            if let Some(previous) = index.checked_sub(1).and_then(|i| array.get_mut(i)) {
                let newline = if kept.contains('#') && !suffix.starts_with('\n') {
                    "\n"
                } else {
                    ""
                };
                previous
                    .decor_mut()
                    .set_suffix(format!("{kept}{newline}{suffix}"));
            }
        }
        (_, rest) => {
            array.set_trailing(format!("{kept}{rest}"));
            if let Some(previous) = index.checked_sub(1).and_then(|i| array.get_mut(i)) {
                previous.decor_mut().set_suffix(suffix);
            }
        }
    }
}
