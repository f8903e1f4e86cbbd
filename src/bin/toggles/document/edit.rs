//! Edits of a `toml_edit` document: finding a table however it is written,
//! setting and removing a key (in the base values or in `env.E`), adding a
//! table. A changed value keeps its trailing comment; a new key copies the
//! indentation of its table; new tables go after the last table of their
//! kind.

use toggles::{Date, Rollout};
use toml_edit::{DocumentMut, Item, Table, Value};

use crate::fail::Fail;

/// What `toggles add` creates.
pub struct NewToggle<'a> {
    pub name: &'a str,
    pub release: Option<&'a str>,
    pub description: Option<&'a str>,
    /// Start on; otherwise off (`enabled = false`), or following the release.
    pub on: bool,
}

/// Adds `[toggles.NAME]`: description, release, enabled (unless it follows a
/// release), created.
pub fn insert_toggle(doc: &mut DocumentMut, new: NewToggle<'_>, today: Date) -> Result<(), Fail> {
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
pub fn insert_table(
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

pub fn toggle_table<'d>(doc: &'d mut DocumentMut, name: &str) -> Result<&'d mut Item, Fail> {
    entry(doc, "toggles", name)
}

pub fn release_table<'d>(doc: &'d mut DocumentMut, name: &str) -> Result<&'d mut Item, Fail> {
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
///
/// `enabled` and `rollout` are never the same as the base where the base
/// values or `env.ENVIRONMENT` have a `schedule`: with it they are one state
/// slot, so the environment's value replaces the base schedule (or starts
/// its own), which the same value alone would not.
pub fn same_as_base(item: &mut Item, environment: &str, key: &str) -> bool {
    if matches!(key, "enabled" | "rollout")
        && (base_value(item, "schedule").is_some()
            || scope(item, Some(environment), false)
                .and_then(|values| base_value(values, "schedule"))
                .is_some())
    {
        return false;
    }
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
        _ => match (rollout_of(a), rollout_of(b)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
    }
}

/// A rollout value as the library reads a percent (`10`, `12.5`, `10.0`):
/// the number's text, through `Rollout`'s `FromStr`. `None` for any other
/// value (the CLI edits only files the library accepts).
fn rollout_of(value: &Value) -> Option<Rollout> {
    let text = match value {
        Value::Integer(i) => i.value().to_string(),
        Value::Float(f) => f.value().to_string(),
        _ => return None,
    };
    text.parse().ok()
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

/// The value written for a rollout: the library's digits for it (`10`,
/// `12.5`, `33.33`), an integer when whole, else a float.
pub fn rollout_value(rollout: Rollout) -> Value {
    rollout
        .digits()
        .to_string()
        .parse()
        .expect("a rollout's digits are a TOML number")
}

/// The indentation of the table `item`'s keys (of the last one indented:
/// a dotted `env.E.…` key holds its indentation further in), for a value
/// laid out under it; "" for a table whose keys are not indented.
pub fn key_indent(item: &Item) -> String {
    match item {
        Item::Table(table) => table
            .iter()
            .filter_map(|(k, _)| table.key(k).and_then(indentation))
            .last()
            .unwrap_or_default(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    //! Document in, document out, as `toml_edit`'s own tests do.

    use super::*;

    /// `text` after `edit` of its `[toggles.NAME]` table.
    fn edit_toggle(text: &str, name: &str, edit: impl FnOnce(&mut Item)) -> String {
        let mut doc: DocumentMut = text.parse().unwrap();
        edit(toggle_table(&mut doc, name).unwrap());
        doc.to_string()
    }

    #[test]
    fn enabled_replaces_rollout_on_its_line_keeping_the_comment_above() {
        let before = "[toggles.a]\n# why\nrollout = 10 # ten\nallow = [\"x\"]\n";
        let after = edit_toggle(before, "a", |table| {
            set_replacing(table, None, "enabled", Value::from(true), "rollout");
        });
        assert_eq!(
            after,
            "[toggles.a]\n# why\nenabled = true\nallow = [\"x\"]\n"
        );
    }

    #[test]
    fn a_value_set_in_an_environment_is_a_dotted_key_and_its_removal_leaves_no_env() {
        let before = "[toggles.a]\n  enabled = false\n";
        let set = edit_toggle(before, "a", |table| {
            set_in(table, Some("production"), "enabled", Value::from(true));
        });
        assert_eq!(
            set,
            "[toggles.a]\n  enabled = false\n  env.production.enabled = true\n"
        );
        let removed = edit_toggle(&set, "a", |table| {
            remove_in(table, Some("production"), "enabled");
        });
        assert_eq!(removed, before);
    }

    #[test]
    fn an_environment_value_equal_to_the_base_is_dropped() {
        let before = "[toggles.a]\nenabled = true\nenv.staging.enabled = false\n";
        let after = edit_toggle(before, "a", |table| {
            set_in(table, Some("staging"), "enabled", Value::from(true));
            drop_same_as_base(table, Some("staging"), &["enabled"]);
        });
        assert_eq!(after, "[toggles.a]\nenabled = true\n");
    }

    #[test]
    fn a_changed_value_keeps_its_trailing_comment() {
        let before = "[toggles.a]\nenabled = false # until launch\n";
        let after = edit_toggle(before, "a", |table| {
            set(table, "enabled", Value::from(true));
        });
        assert_eq!(after, "[toggles.a]\nenabled = true # until launch\n");
    }

    #[test]
    fn a_rollout_is_written_with_the_librarys_digits_and_read_back_alike() {
        for (basis_points, written) in [
            (1_250, "12.5"),
            (3_333, "33.33"),
            (10_000, "100"),
            (1, "0.01"),
        ] {
            let rollout = Rollout::from_basis_points(basis_points).unwrap();
            let after = edit_toggle("[toggles.a]\nenabled = false\n", "a", |table| {
                set_replacing(table, None, "rollout", rollout_value(rollout), "enabled");
            });
            assert_eq!(after, format!("[toggles.a]\nrollout = {written}\n"));
            assert_eq!(rollout_of(&rollout_value(rollout)), Some(rollout));
        }
        let ten: Value = "10".parse().unwrap();
        assert!(equal_values(&ten, &"10.0".parse().unwrap()));
        assert!(!equal_values(&ten, &"10.01".parse().unwrap()));
    }
}
