//! The edit commands: `on`, `off`, `follow`, `release on|off`, `add` and
//! `assign`, as changes to a `toml_edit` document; and the helpers every
//! edit shares (`rollout.rs` has the commands for keys).
//!
//! Each command checks its names against the validated file first (an
//! unknown name is refused unless `--create` is given), changes only the
//! values it must, and leaves the writing to [`write::edit_file`]. A changed
//! value keeps its trailing comment; a new key copies the indentation of its
//! table; new tables go after the last table of their kind.

use std::path::Path;

use toggles::{Date, Release, Snapshot, Source, ToggleInfo};
use toml_edit::{DocumentMut, Item, Table, Value};

use crate::environments::{Choice, KeyLines, decide, decide_release, label};
use crate::fail::Fail;
use crate::list::unknown_release;
use crate::output::on_off;
use crate::rollout::{literal, release_summary, some_keys, toggle_summary};
use crate::show::unknown_toggle;
use crate::write::{self, Edited};
use crate::{EXIT_OK, Outcome, file};

/// `toggles on|off NAME…`: sets each toggle's own `enabled` and removes its
/// own `rollout` (the two never stand together: on and off mean every
/// key). Its `allow` list stays.
///
/// With `--env E` the same in the table's `env.E` values (the base ones
/// stay); a value equal to the base one is dropped instead, so the base
/// applies. A toggle created in E is off in the base values.
pub fn switch(
    path: &Path,
    names: &[String],
    on: bool,
    create: bool,
    force: bool,
    choice: &Choice,
) -> Outcome {
    let env = choice.name();
    let edited = write::edit_file_in(path, choice, create, force, |before, doc| {
        for name in names {
            if !before.contains(name) && create {
                insert_toggle(
                    doc,
                    NewToggle {
                        name,
                        release: None,
                        description: None,
                        on: on && env.is_none(),
                    },
                    Date::today(),
                )?;
                if env.is_none() {
                    continue;
                }
            } else if !before.contains(name) {
                return Err(refuse_unknown_toggle(before, name, true));
            }
            let table = toggle_table(doc, name)?;
            set_replacing(table, env, "enabled", Value::from(on), "rollout");
            drop_same_as_base(table, env, &["enabled"]);
        }
        Ok(())
    })?;
    switch_report(path, names, on, env, &edited)
}

/// What `on`/`off` print.
fn switch_report(
    path: &Path,
    names: &[String],
    on: bool,
    env: Option<&str>,
    edited: &Edited,
) -> Outcome {
    for name in dedup(names) {
        let after = edited.after.get(name).expect("the edit defines it");
        let who = who(name, env);
        match edited.before.get(name) {
            None => println!(
                "{who}: added, {} ({})",
                on_off(after.is_enabled()),
                file::at(path, after.line())
            ),
            Some(before)
                if before.source() == Source::Own
                    && before.is_enabled() == on
                    && before.rollout().is_none() =>
            {
                println!("{who}: already {}", toggle_summary(after));
            }
            Some(before) => println!("{who}: {}", transition(before, after, edited)),
        }
        if !on && after.allow().len() > 0 {
            println!(
                "  {} on through its `allow` list: {} (`toggles disallow {name} KEY…{}` takes keys out)",
                keys_stay(after.allow().len()),
                some_keys(after.allow()),
                env_flag(env)
            );
        }
        report_environments(edited, "toggles", name);
    }
    done(path, edited)
}

/// `1 key stays`, `2 keys stay`.
fn keys_stay(n: usize) -> String {
    if n == 1 {
        "1 key stays".to_owned()
    } else {
        format!("{n} keys stay")
    }
}

/// `1 key`, `2 keys`.
fn keys(n: usize) -> String {
    if n == 1 {
        "1 key".to_owned()
    } else {
        format!("{n} keys")
    }
}

/// `toggles follow NAME…`: drops each toggle's own `enabled`, `rollout`
/// and `allow` (any of them would keep its own table deciding). Its
/// environments' values stay.
///
/// With `--env E`: drops the toggle's `env.E` values instead, so that its
/// base values apply in E (an environment cannot unset a base value).
pub fn follow(path: &Path, names: &[String], force: bool, choice: &Choice) -> Outcome {
    let env = choice.name();
    let edited = write::edit_file_in(path, choice, false, force, |before, doc| {
        for name in names {
            if !before.contains(name) {
                return Err(refuse_unknown_toggle(before, name, false));
            }
            let table = toggle_table(doc, name)?;
            for key in ["enabled", "rollout", "allow"] {
                remove_in(table, env, key);
            }
        }
        Ok(())
    })?;
    let lines_before = KeyLines::new(&edited.text_before, None);
    let lines_after = KeyLines::new(&edited.text_after, None);
    let has_env = |lines: &KeyLines<'_>, name: &str, environment: &str| {
        ["enabled", "rollout", "allow"]
            .iter()
            .any(|f| lines.env_line("toggles", name, environment, f).is_some())
    };
    for name in dedup(names) {
        let (before, after) = (
            edited.before.get(name).expect("checked"),
            edited.after.get(name).expect("kept"),
        );
        let who = who(name, env);
        match env {
            Some(environment) if has_env(&lines_before, name, environment) => {
                println!(
                    "{who}: {} — dropped its `env.{environment}` values: its base values apply",
                    transition(before, after, &edited)
                );
            }
            Some(environment) => println!(
                "{who}: already without `env.{environment}` values: its base values apply ({})",
                toggle_summary(after)
            ),
            None if before.source() != Source::Own => println!(
                "{who}: already without its own `enabled` ({})",
                follows(after)
            ),
            None => {
                println!("{who}: {}", transition(before, after, &edited));
                if let Some(rollout) = before.rollout() {
                    println!("  dropped its own `rollout = {}`", literal(rollout));
                }
                if before.allow().len() > 0 {
                    println!(
                        "  dropped its own `allow` list ({}): {}",
                        keys(before.allow().len()),
                        before.allow().collect::<Vec<_>>().join(", ")
                    );
                }
            }
        }
        if env.is_some() && after.source() == Source::Own && after.release().is_some() {
            println!(
                "  its base {} still wins over its release: `toggles follow {name}` (without --env) lets the release decide",
                own_fields(after)
            );
        }
        if env.is_none() {
            let kept: Vec<&str> = edited
                .views
                .environments
                .iter()
                .map(|(e, _)| e.as_str())
                .filter(|e| has_env(&lines_after, name, e))
                .collect();
            for environment in kept {
                println!(
                    "  keeps its `env.{environment}` values (`toggles follow {name} --env {environment}` drops them)"
                );
            }
        }
        report_environments(&edited, "toggles", name);
    }
    done(path, &edited)
}

/// `toggles release on|off RELEASE`: sets the release's `enabled` and
/// removes its `rollout`; its `allow` list stays. With `--env E`, in its
/// `env.E` values (a release created in E is off in the base values).
pub fn switch_release(
    path: &Path,
    release: &str,
    on: bool,
    create: bool,
    force: bool,
    choice: &Choice,
) -> Outcome {
    let env = choice.name();
    let edited = write::edit_file_in(path, choice, create, force, |before, doc| {
        if before.release(release).is_none() {
            if !create {
                return Err(unknown_release(
                    before,
                    release,
                    Some(format!("pass --create to add release `{release}`")),
                ));
            }
            let mut table = Table::new();
            table.insert("enabled", Item::Value(Value::from(on && env.is_none())));
            insert_table(doc, "releases", release, table)?;
            if env.is_none() {
                return Ok(());
            }
        }
        let table = release_table(doc, release)?;
        set_replacing(table, env, "enabled", Value::from(on), "rollout");
        drop_same_as_base(table, env, &["enabled"]);
        Ok(())
    })?;
    let after = edited.after.release(release).expect("the edit defines it");
    let who = who(&format!("release {release}"), env);
    match edited.before.release(release) {
        None => println!("{who}: added, {}", release_summary(after)),
        Some(before) if before.is_enabled() == on && before.rollout().is_none() => {
            println!("{who}: already {}", release_summary(after))
        }
        Some(before) => println!(
            "{who}: {} → {}",
            release_summary(before),
            release_summary(after)
        ),
    }
    report_members(&edited.after, after, env);
    if !on && after.allow().len() > 0 {
        println!(
            "  {} on through its `allow` list: {} (`toggles release disallow {release} KEY…{}` takes keys out)",
            keys_stay(after.allow().len()),
            some_keys(after.allow()),
            env_flag(env)
        );
    }
    report_environments(&edited, "releases", release);
    done(path, &edited)
}

/// `new_cart`, or `new_cart in production` when editing an environment.
pub fn who(name: &str, environment: Option<&str>) -> String {
    match environment {
        Some(environment) => format!("{name} in {environment}"),
        None => name.to_owned(),
    }
}

/// ` --env production`, or nothing: for the commands an edit suggests.
pub fn env_flag(environment: Option<&str>) -> String {
    environment.map_or(String::new(), |e| format!(" --env {e}"))
}

/// After an edit of a file with environments: the table's state in each,
/// `  environments  base OFF · staging ON · production 10%`.
pub fn report_environments(edited: &Edited, section: &str, name: &str) {
    if !edited.views.any() {
        return;
    }
    let lines = KeyLines::new(&edited.text_after, None);
    let cells: Vec<String> = edited
        .views
        .columns()
        .filter_map(|(environment, snapshot)| {
            let lines = lines.in_environment(environment);
            let decision = match section {
                "releases" => decide_release(snapshot.release(name)?, &lines, environment),
                _ => decide(snapshot.get(name)?, snapshot, &lines, environment),
            };
            Some(format!("{} {}", label(environment), decision.cell()))
        })
        .collect();
    println!("  environments  {}", cells.join(" · "));
}

/// After a release edit: how many of its toggles are on, and each toggle
/// whose own state wins over the release's.
pub fn report_members(snapshot: &Snapshot, release: &Release, env: Option<&str>) {
    let (count_on, total) = release.counts();
    match release.rollout() {
        None => println!("  {count_on} of {total} toggles enabled"),
        Some(rollout) => {
            let following = release
                .toggles()
                .filter(|(name, _)| {
                    snapshot
                        .get(name)
                        .is_some_and(|t| t.source() == Source::Release)
                })
                .count();
            println!(
                "  {following} of {total} toggles follow its rollout of {rollout}; \
                 {count_on} of {total} enabled for a check without a key"
            );
        }
    }
    for toggle in release.toggles().filter_map(|(name, _)| snapshot.get(name)) {
        let differs =
            toggle.is_enabled() != release.is_enabled() || toggle.rollout() != release.rollout();
        if toggle.source() == Source::Own && differs {
            let name = toggle.name();
            println!(
                "  {name} stays {}: its own {} wins (`toggles follow {name}{}` lets the release decide)",
                toggle_summary(toggle),
                own_fields(toggle),
                env_flag(env)
            );
        }
    }
}

/// What in a toggle's own table decides: `` `enabled = false` ``,
/// `` `rollout = 10` ``, or `` `allow` list ``.
pub fn own_fields(toggle: &ToggleInfo) -> String {
    match toggle.rollout() {
        Some(rollout) => format!("`rollout = {}`", literal(rollout)),
        None if toggle.allow().len() > 0 && !toggle.is_enabled() => {
            // `enabled = false` or no `enabled`: the same state.
            "`allow` list (off for every other key)".to_owned()
        }
        None => format!("`enabled = {}`", toggle.is_enabled()),
    }
}

/// What `toggles add` creates.
pub struct NewToggle<'a> {
    pub name: &'a str,
    pub release: Option<&'a str>,
    pub description: Option<&'a str>,
    /// Start on; otherwise off (`enabled = false`), or following the release.
    pub on: bool,
}

/// `toggles add NAME`: a new toggle table.
pub fn add(path: &Path, new: NewToggle<'_>, create: bool, force: bool) -> Outcome {
    let name = new.name;
    let edited = write::edit_file(path, true, force, |before, doc| {
        if let Some(existing) = before.get(name) {
            return Err(Fail::error(format!(
                "toggle `{name}` already exists ({})",
                file::at(path, existing.line())
            ))
            .help(format!("switch it with `toggles on|off {name}`, or move it with `toggles assign {name} RELEASE`")));
        }
        if let Some(release) = new.release {
            ensure_release(before, doc, release, create)?;
        }
        insert_toggle(doc, new, Date::today())
    })?;
    let after = edited.after.get(name).expect("the edit defines it");
    println!(
        "{name}: added, {} ({})",
        on_off(after.is_enabled()),
        file::at(path, after.line())
    );
    if after.source() == Source::Release {
        println!("  {}", follows(after));
    }
    done(path, &edited)
}

/// `toggles assign NAME RELEASE`: sets the toggle's `release`.
pub fn assign(path: &Path, name: &str, release: &str, create: bool, force: bool) -> Outcome {
    let edited = write::edit_file(path, create, force, |before, doc| {
        ensure_release(before, doc, release, create)?;
        if before.contains(name) {
            set(toggle_table(doc, name)?, "release", Value::from(release));
            Ok(())
        } else if create {
            let new = NewToggle {
                name,
                release: Some(release),
                description: None,
                on: false,
            };
            insert_toggle(doc, new, Date::today())
        } else {
            Err(refuse_unknown_toggle(before, name, true))
        }
    })?;
    let after = edited.after.get(name).expect("the edit defines it");
    match edited.before.get(name) {
        None => println!(
            "{name}: added to release {release}, {}",
            on_off(after.is_enabled())
        ),
        Some(before) if before.release() == Some(release) => {
            println!("{name}: already in release {release}")
        }
        Some(before) => {
            let from = before
                .release()
                .map_or(String::new(), |r| format!(" (was in {r})"));
            println!(
                "{name}: now in release {release}{from}, {}",
                transition(before, after, &edited)
            );
        }
    }
    if after.source() == Source::Own {
        println!(
            "  its own {} wins over the release: `toggles follow {name}` lets the release decide",
            own_fields(after)
        );
    }
    done(path, &edited)
}

pub fn done(path: &Path, edited: &Edited) -> Outcome {
    if edited.written {
        println!("wrote {}", path.display());
    } else {
        println!("nothing to change in {}", path.display());
    }
    Ok(EXIT_OK)
}

/// `ON → OFF (follows release r)`, or `ON (now its own …)` if only the
/// source changed; a rollout reads `10% of keys`, an allow list `+ 2 allowed`.
pub fn transition(before: &ToggleInfo, after: &ToggleInfo, edited: &Edited) -> String {
    let why = match after.source() {
        Source::Own => "set on the toggle itself".to_owned(),
        _ => follows(after),
    };
    let why = match edited.after.release(after.release().unwrap_or_default()) {
        Some(release) if after.source() == Source::Own => {
            format!(
                "{why}, over release {} ({})",
                release.name(),
                release_summary(release)
            )
        }
        _ => why,
    };
    let (was, now) = (toggle_summary(before), toggle_summary(after));
    if was == now {
        format!("{now} ({why})")
    } else {
        format!("{was} → {now} ({why})")
    }
}

/// `follows release r`, or `off by default` for a toggle without a release.
pub fn follows(toggle: &ToggleInfo) -> String {
    match toggle.release() {
        Some(release) => format!("follows release {release}"),
        None => "off by default: no `enabled` and no release".to_owned(),
    }
}

fn dedup(names: &[String]) -> impl Iterator<Item = &str> {
    let mut seen = std::collections::HashSet::new();
    names
        .iter()
        .map(String::as_str)
        .filter(move |name| seen.insert(*name))
}

/// An unknown toggle in an edit command. The help suggests a close name
/// first, then only what this command accepts: `--create` only if it takes
/// `--create` (`follow` does not).
pub fn refuse_unknown_toggle(snapshot: &Snapshot, name: &str, takes_create: bool) -> Fail {
    let fail = unknown_toggle(snapshot, name);
    if !takes_create {
        return fail;
    }
    let create = format!("pass --create to add `{name}`, or use `toggles add {name}`");
    match fail.help.clone() {
        Some(help) if help.starts_with("did you mean") => fail.help(format!("{help} Or {create}")),
        _ => fail.help(create),
    }
}

/// Creates `release` (off) if missing and `create` allows it.
fn ensure_release(
    before: &Snapshot,
    doc: &mut DocumentMut,
    release: &str,
    create: bool,
) -> Result<(), Fail> {
    if before.release(release).is_some() {
        return Ok(());
    }
    if !create {
        return Err(unknown_release(
            before,
            release,
            Some(format!("pass --create to add release `{release}` (off)")),
        ));
    }
    let mut table = Table::new();
    table.insert("enabled", Item::Value(Value::from(false)));
    insert_table(doc, "releases", release, table)
}

/// Adds `[toggles.NAME]`: description, release, enabled (unless it follows a
/// release), created.
fn insert_toggle(doc: &mut DocumentMut, new: NewToggle<'_>, today: Date) -> Result<(), Fail> {
    let mut table = Table::new();
    if let Some(description) = new.description {
        table.insert("description", Item::Value(Value::from(description)));
    }
    if let Some(release) = new.release {
        table.insert("release", Item::Value(Value::from(release)));
    }
    if new.on || new.release.is_none() {
        table.insert("enabled", Item::Value(Value::from(new.on)));
    }
    let created: toml_edit::Datetime = today
        .to_string()
        .parse()
        .expect("a date is a TOML datetime");
    table.insert("created", Item::Value(Value::from(created)));
    insert_table(doc, "toggles", new.name, table)
}

/// Inserts `table` as `[SECTION.NAME]`. `toml_edit` places it after the last
/// table of the section.
fn insert_table(
    doc: &mut DocumentMut,
    section: &str,
    name: &str,
    table: Table,
) -> Result<(), Fail> {
    let root = doc.as_table_mut();
    if !root.contains_key(section) {
        let mut implicit = Table::new();
        implicit.set_implicit(true);
        root.insert(section, Item::Table(implicit));
    }
    let parent = root[section]
        .as_table_like_mut()
        .ok_or_else(|| layout_error(section))?;
    parent.insert(name, Item::Table(table));
    Ok(())
}

fn toggle_table<'d>(doc: &'d mut DocumentMut, name: &str) -> Result<&'d mut Item, Fail> {
    entry(doc, "toggles", name)
}

fn release_table<'d>(doc: &'d mut DocumentMut, name: &str) -> Result<&'d mut Item, Fail> {
    entry(doc, "releases", name)
}

/// `SECTION.NAME`, however it is written: `[toggles.a]`, dotted keys
/// (`a.enabled = true` under `[toggles]`) or an inline table.
pub fn entry<'d>(
    doc: &'d mut DocumentMut,
    section: &str,
    name: &str,
) -> Result<&'d mut Item, Fail> {
    doc.get_mut(section)
        .and_then(|item| item.as_table_like_mut())
        .and_then(|parent| parent.get_mut(name))
        .filter(|item| item.is_table_like())
        .ok_or_else(|| layout_error(&format!("{section}.{name}")))
}

pub fn layout_error(what: &str) -> Fail {
    Fail::error(format!(
        "cannot edit `{what}`: it is not laid out as a table"
    ))
    .help("edit the file by hand")
}

/// Sets `key` in the table `item`. An existing value keeps its surroundings
/// (spaces and trailing comment); a new key goes last, copying the
/// indentation of the key before it.
pub fn set(item: &mut Item, key: &str, value: Value) {
    match item {
        Item::Table(table) => {
            if let Some(old) = table.get_mut(key).and_then(Item::as_value_mut) {
                replace_value(old, value);
                return;
            }
            let indent = table
                .iter()
                .last()
                .and_then(|(k, _)| table.key(k))
                .and_then(indentation);
            table.insert(key, Item::Value(value));
            if let (Some(indent), Some(mut new_key)) = (indent, table.key_mut(key)) {
                new_key.leaf_decor_mut().set_prefix(indent);
            }
        }
        Item::Value(Value::InlineTable(table)) => {
            if let Some(old) = table.get_mut(key) {
                replace_value(old, value);
                return;
            }
            // In `{ a = 1 }` the space before `}` is the last value's
            // suffix: hand it on to the new last value.
            let mut value = value;
            if let Some((_, last)) = table.iter_mut().last() {
                let suffix = text(last.decor().suffix()).to_owned();
                last.decor_mut().set_suffix("");
                value.decor_mut().set_suffix(suffix);
                value.decor_mut().set_prefix(" ");
            }
            table.insert(key, value);
        }
        _ => unreachable!("entry() returns tables only"),
    }
}

/// The text of a prefix or suffix of a key, value or table ("" if none).
pub fn text(raw: Option<&toml_edit::RawString>) -> &str {
    raw.and_then(|r| r.as_str()).unwrap_or("")
}

fn replace_value(old: &mut Value, value: Value) {
    let decor = old.decor().clone();
    *old = value;
    *old.decor_mut() = decor;
}

/// The whitespace before a key on its line, if it is only whitespace.
fn indentation(key: &toml_edit::Key) -> Option<String> {
    let prefix = key.leaf_decor().prefix()?.as_str()?;
    let indent = prefix.rsplit('\n').next()?;
    (!indent.is_empty() && indent.chars().all(|c| c == ' ' || c == '\t')).then(|| indent.to_owned())
}

/// Removes `key` from the table `item`. Comment lines just above it are
/// kept (moved above the next key, or after the line before); its own
/// trailing comment goes with it.
pub fn remove(item: &mut Item, key: &str) {
    match item {
        Item::Table(table) => {
            let Some(index) = table.iter().position(|(k, _)| k == key) else {
                return;
            };
            let (removed, _) = table.remove_entry(key).expect("present");
            let prefix = text(removed.leaf_decor().prefix());
            let comments = match prefix.rfind('\n') {
                Some(end) if prefix[..end].contains('#') => prefix[..=end].to_owned(),
                _ => return,
            };
            keep_comments(table, index, &comments);
        }
        Item::Value(Value::InlineTable(table)) => {
            table.remove(key);
        }
        _ => unreachable!("entry() returns tables only"),
    }
}

/// Puts `comments` (whole lines, ending in a newline) where the key at
/// `index` was removed from `table`.
fn keep_comments(table: &mut Table, index: usize, comments: &str) {
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
    if let Some(mut next) = keys.get(index).and_then(|k| table.key_mut(k)) {
        let own = text(next.leaf_decor().prefix()).to_owned();
        next.leaf_decor_mut().set_prefix(format!("{comments}{own}"));
        return;
    }
    // It was the last key: the comment lines follow the line before it.
    let lines = format!("\n{}", comments.trim_matches('\n'));
    let previous = index.checked_sub(1).and_then(|i| keys.get(i));
    if let Some(value) = previous
        .and_then(|k| table.get_mut(k))
        .and_then(Item::as_value_mut)
    {
        let suffix = text(value.decor().suffix()).to_owned();
        value.decor_mut().set_suffix(format!("{suffix}{lines}"));
        return;
    }
    let suffix = text(table.decor().suffix()).to_owned();
    table.decor_mut().set_suffix(format!("{suffix}{lines}"));
}

/// The values of the table `item` in `environment`: its `env.ENVIRONMENT`
/// table (created as dotted keys, `env.production.enabled = true`, when
/// `create`), or the table itself for the base values.
pub fn scope<'d>(
    item: &'d mut Item,
    environment: Option<&str>,
    create: bool,
) -> Option<&'d mut Item> {
    let Some(environment) = environment else {
        return Some(item);
    };
    let inline = matches!(item, Item::Value(_));
    let table = item.as_table_like_mut()?;
    if !table.contains_key("env") {
        if !create {
            return None;
        }
        table.insert("env", dotted(inline));
    }
    let envs = table.get_mut("env")?;
    let inline = matches!(envs, Item::Value(_));
    // `[toggles.a.env.production]` headers: a new environment gets one too
    // (placed after the last of them), else dotted keys like its siblings.
    let headers = matches!(&*envs, Item::Table(t) if t.is_implicit() && !t.is_dotted());
    let envs = envs.as_table_like_mut()?;
    if !envs.contains_key(environment) {
        if !create {
            return None;
        }
        let new = if headers {
            Item::Table(Table::new())
        } else {
            dotted(inline)
        };
        envs.insert(environment, new);
    }
    envs.get_mut(environment)
        .filter(|item| item.is_table_like())
}

/// An empty table written as dotted keys (inline, inside an inline table).
fn dotted(inline: bool) -> Item {
    if inline {
        let mut table = toml_edit::InlineTable::new();
        table.set_dotted(true);
        Item::Value(Value::InlineTable(table))
    } else {
        let mut table = Table::new();
        table.set_dotted(true);
        table.set_implicit(true);
        Item::Table(table)
    }
}

/// [`set`] in `environment`'s values of the table `item`. A new dotted
/// key (`env.production.enabled = true`) is indented like the table's keys.
pub fn set_in(item: &mut Item, environment: Option<&str>, key: &str, value: Value) {
    let indent = match &*item {
        Item::Table(table) => table
            .iter()
            .last()
            .and_then(|(k, _)| table.key(k))
            .and_then(indentation),
        _ => None,
    };
    let Some(values) = scope(item, environment, true) else {
        return;
    };
    let first = match &*values {
        Item::Table(table) => table.is_dotted() && table.is_empty(),
        _ => false,
    };
    set(values, key, value);
    if first
        && let (Some(indent), Item::Table(table)) = (indent, values)
        && let Some(mut key) = table.key_mut(key)
    {
        key.leaf_decor_mut().set_prefix(indent);
    }
}

/// Sets `key` in `environment`'s values of the table `item` and removes
/// `replaced`, the value it supersedes (`rollout` for `enabled`, and back).
/// Where the values hold `replaced` and not `key`, `key` takes its place:
/// its line and the comments above it (its own trailing comment spoke of
/// the old value and goes with it), so that `enabled = true` →
/// `rollout = 10` is an edit of one line.
pub fn set_replacing(
    item: &mut Item,
    environment: Option<&str>,
    key: &str,
    value: Value,
    replaced: &str,
) {
    if let Some(values) = scope(item, environment, false)
        && rename_in_place(values, replaced, key, &value)
    {
        return;
    }
    // Set first: removing the last value of `env.E` would remove the
    // table, and its layout with it.
    set_in(item, environment, key, value);
    remove_in(item, environment, replaced);
}

/// Replaces the value `old` of the table `item` by `new = value`, in
/// `old`'s place and with its decor; `false` (nothing changed) unless the
/// table holds a value `old` and no `new`.
fn rename_in_place(item: &mut Item, old: &str, new: &str, value: &Value) -> bool {
    let at_old_place = |keys: Vec<String>, index: usize| {
        move |k: &toml_edit::Key| {
            // `keys` lack `old` (and hold `new` last): the keys after
            // `old`'s place move one on, to make room for `new` there.
            match keys.iter().position(|o| o == k.get()) {
                _ if k.get() == new => index,
                Some(p) if p < index => p,
                Some(p) => p + 1,
                None => usize::MAX,
            }
        }
    };
    match item {
        Item::Table(table) => {
            if table.contains_key(new) || !table.get(old).is_some_and(Item::is_value) {
                return false;
            }
            let Some(index) = table.iter().position(|(k, _)| k == old) else {
                return false;
            };
            let (old_key, old_item) = table.remove_entry(old).expect("present");
            let mut value = value.clone();
            if let Some(old_value) = old_item.as_value() {
                keep_place(&mut value, old_value);
            }
            let key = toml_edit::Key::new(new)
                .with_leaf_decor(old_key.leaf_decor().clone())
                .with_dotted_decor(old_key.dotted_decor().clone());
            table.insert_formatted(&key, Item::Value(value));
            let keys: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
            let place = at_old_place(keys, index);
            table.sort_values_by(|a, _, b, _| place(a).cmp(&place(b)));
            true
        }
        Item::Value(Value::InlineTable(table)) => {
            if table.contains_key(new) {
                return false;
            }
            let Some(index) = table.iter().position(|(k, _)| k == old) else {
                return false;
            };
            let Some((old_key, old_value)) = table.remove_entry(old) else {
                return false;
            };
            let mut value = value.clone();
            keep_place(&mut value, &old_value);
            let key = toml_edit::Key::new(new)
                .with_leaf_decor(old_key.leaf_decor().clone())
                .with_dotted_decor(old_key.dotted_decor().clone());
            table.insert_formatted(&key, value);
            let keys: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
            let place = at_old_place(keys, index);
            table.sort_values_by(|a, _, b, _| place(a).cmp(&place(b)));
            true
        }
        _ => false,
    }
}

/// Gives `value` the space before `old` (its place on the line); `old`'s
/// trailing comment spoke of the old value, and goes with it, as
/// [`remove`] does.
fn keep_place(value: &mut Value, old: &Value) {
    let prefix = text(old.decor().prefix()).to_owned();
    value.decor_mut().set_prefix(prefix);
    // In an inline table the space before `}` or `,` is the suffix.
    let suffix = text(old.decor().suffix());
    if !suffix.contains('#') {
        value.decor_mut().set_suffix(suffix.to_owned());
    }
}

/// [`remove`] from `environment`'s values of the table `item`; an
/// `env.ENVIRONMENT` left empty goes, and so does an empty `env`.
pub fn remove_in(item: &mut Item, environment: Option<&str>, key: &str) {
    let Some(environment) = environment else {
        remove(item, key);
        return;
    };
    let Some(values) = scope(item, Some(environment), false) else {
        return;
    };
    remove(values, key);
    let empty = |item: Option<&Item>| {
        item.and_then(Item::as_table_like)
            .is_some_and(|t| t.is_empty())
    };
    let Some(table) = item.as_table_like_mut() else {
        return;
    };
    if let Some(envs) = table.get_mut("env").and_then(Item::as_table_like_mut)
        && empty(envs.get(environment))
    {
        envs.remove(environment);
    }
    if empty(table.get("env")) {
        table.remove("env");
    }
}

/// The base value of `key` in the table `item`.
pub fn base_value<'d>(item: &'d Item, key: &str) -> Option<&'d Value> {
    item.as_table_like()?.get(key)?.as_value()
}

/// Whether `environment`'s `key` of the table `item` holds the same value as
/// its base `key` (so it changes nothing): `enabled` the same bool,
/// `rollout` the same percent (`10` and `10.0`), `allow` the same keys in
/// any order.
pub fn same_as_base(item: &mut Item, environment: &str, key: &str) -> bool {
    let base = base_value(item, key).cloned();
    let Some(values) = scope(item, Some(environment), false) else {
        return false;
    };
    let value = base_value(values, key);
    match (base, value) {
        (Some(base), Some(value)) => equal_values(&base, value),
        _ => false,
    }
}

/// `enabled`, `rollout` or `allow` values that mean the same.
pub fn equal_values(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Boolean(a), Value::Boolean(b)) => a.value() == b.value(),
        (Value::Array(a), Value::Array(b)) => {
            let keys = |array: &toml_edit::Array| {
                let mut keys: Vec<Option<String>> = array
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect();
                keys.sort();
                keys
            };
            keys(a) == keys(b)
        }
        _ => match (basis_points(a), basis_points(b)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
    }
}

/// A rollout value in basis points (`10` → 1000, `12.5` → 1250).
pub fn basis_points(value: &Value) -> Option<i64> {
    match value {
        Value::Integer(i) => i.value().checked_mul(100),
        Value::Float(f) => {
            let bp = (f.value() * 100.0).round();
            (bp.is_finite() && bp.abs() < 1e15).then_some(bp as i64)
        }
        _ => None,
    }
}

/// After an edit of `environment`'s `keys`: drops each one that holds the
/// base value (it would change nothing, and `toggles check` warns about it),
/// so the base value applies.
pub fn drop_same_as_base(item: &mut Item, environment: Option<&str>, keys: &[&str]) {
    let Some(environment) = environment else {
        return;
    };
    for key in keys {
        if same_as_base(item, environment, key) {
            remove_in(item, Some(environment), key);
        }
    }
}
