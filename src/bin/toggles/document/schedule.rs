//! Edits of a table's `schedule` (in its base values or in `env.E`): a
//! step written as `{ at = 2026-12-09T09:00:00Z, rollout = 50 }`, inserted
//! at an index, replaced or taken out (comments and layout kept, as in
//! `allow` arrays); a new `schedule` written one step a line. Which index
//! a step goes to is the caller's: it asks the library's `Schedule`, whose
//! steps are the array's, in its order.

use toggles::Timestamp;
use toml_edit::{Array, InlineTable, Item, Value};

use crate::document::array::{insert, replace, take_out};
use crate::document::edit::{key_indent, remove_in, scope, set_in};

/// A step as the file writes it: `{ at = 2026-12-09T09:00:00Z, rollout = 50 }`,
/// `key` being `enabled` or `rollout` (the instant always with seconds, in
/// UTC: `Timestamp`'s `Display`).
pub fn step(at: Timestamp, key: &str, value: Value) -> Value {
    let at: toml_edit::Datetime = at
        .to_string()
        .parse()
        .expect("a timestamp is a TOML offset date-time");
    let mut table = InlineTable::new();
    table.insert("at", Value::from(at));
    table.insert(key, value);
    table.fmt();
    Value::InlineTable(table)
}

/// The `schedule` array of the table `item`'s values in `environment`, as
/// written (`None` without one, or where it is not an array of values:
/// `[[…schedule]]` tables are edited by hand).
pub fn own_steps<'d>(item: &'d mut Item, environment: Option<&str>) -> Option<&'d mut Array> {
    scope(item, environment, false)?
        .as_table_like_mut()?
        .get_mut("schedule")?
        .as_array_mut()
}

/// Whether the table `item`'s values in `environment` hold `key`.
pub fn holds(item: &mut Item, environment: Option<&str>, key: &str) -> bool {
    scope(item, environment, false)
        .and_then(|values| values.as_table_like())
        .is_some_and(|values| values.contains_key(key))
}

/// Where a step goes in an existing `schedule`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Before the step at this index (its length: at the end).
    Before(usize),
    /// In place of the step at this index (one at the same instant).
    Instead(usize),
}

/// Puts `step` in the table `item`'s `schedule` in `environment` at
/// `place`; `false` if the table has no such array.
pub fn put_step(item: &mut Item, environment: Option<&str>, place: Place, step: Value) -> bool {
    let Some(array) = own_steps(item, environment) else {
        return false;
    };
    match place {
        Place::Before(index) => insert(array, index, step),
        Place::Instead(index) => replace(array, index, step),
    }
    true
}

/// Writes a new `schedule` of one step in the table `item`'s values in
/// `environment`, one step a line, indented under the table's keys:
///
/// ```toml
/// schedule = [
///   { at = 2026-12-09T09:00:00Z, rollout = 50 },
/// ]
/// ```
///
/// In an inline table it stays on one line (`schedule = [{ … }]`).
pub fn new_schedule(item: &mut Item, environment: Option<&str>, step: Value) {
    let mut array = Array::new();
    let inline = !matches!(item, Item::Table(_))
        || matches!(scope(item, environment, false), Some(Item::Value(_)));
    if inline {
        array.push(step);
    } else {
        let indent = key_indent(item);
        array.push_formatted(step.decorated(format!("\n{indent}  "), ""));
        array.set_trailing_comma(true);
        array.set_trailing(format!("\n{indent}"));
    }
    set_in(item, environment, "schedule", Value::Array(array));
    // A base `schedule` goes before the table's `env.E…` dotted keys, with
    // the base values, not after them.
    if environment.is_none()
        && let Item::Table(table) = item
        && table.get("env").is_some_and(|env| env.is_table_like())
    {
        let keys: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
        let env_at = keys.iter().position(|k| k == "env").unwrap_or(keys.len());
        // The keys before `env`, then `schedule`, then `env` and the rest.
        let order = |key: &toml_edit::Key| {
            let index = keys.iter().position(|k| k == key.get()).unwrap_or(0);
            match key.get() {
                "schedule" => (1, index),
                _ if index < env_at => (0, index),
                _ => (2, index),
            }
        };
        table.sort_values_by(|a, _, b, _| order(a).cmp(&order(b)));
    }
}

/// Takes the step at `index` out of the table `item`'s `schedule` in
/// `environment`; the last one takes the `schedule` key with it (an empty
/// `schedule = []` is an error in the file). `false` if the table has no
/// such array.
pub fn remove_step(item: &mut Item, environment: Option<&str>, index: usize) -> bool {
    let Some(array) = own_steps(item, environment) else {
        return false;
    };
    if array.len() > 1 {
        take_out(array, index);
    } else {
        remove_in(item, environment, "schedule");
    }
    true
}

#[cfg(test)]
mod tests {
    //! Document in, document out.

    use super::*;
    use crate::document::edit::toggle_table;
    use toml_edit::DocumentMut;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn edit(text: &str, change: impl FnOnce(&mut Item)) -> String {
        let mut doc: DocumentMut = text.parse().unwrap();
        change(toggle_table(&mut doc, "a").unwrap());
        doc.to_string()
    }

    #[test]
    fn a_step_is_an_inline_table_with_seconds_in_utc() {
        let written = step(at("2026-12-09T10:00+01:00"), "rollout", Value::from(50));
        assert_eq!(
            written.to_string(),
            "{ at = 2026-12-09T09:00:00Z, rollout = 50 }"
        );
    }

    #[test]
    fn a_new_schedule_has_one_step_a_line_indented_under_the_keys() {
        let after = edit("[toggles.a]\n  rollout = 1\n", |table| {
            let s = step(at("2026-12-09T09:00Z"), "rollout", Value::from(50));
            new_schedule(table, None, s);
        });
        assert_eq!(
            after,
            "[toggles.a]\n  rollout = 1\n  schedule = [\n    { at = 2026-12-09T09:00:00Z, rollout = 50 },\n  ]\n"
        );
        let before_env = edit(
            "[toggles.a]\nrollout = 1\nenv.production.enabled = true\n",
            |table| {
                let s = step(at("2026-12-09T09:00Z"), "rollout", Value::from(50));
                new_schedule(table, None, s);
            },
        );
        assert_eq!(
            before_env,
            "[toggles.a]\nrollout = 1\nschedule = [\n  { at = 2026-12-09T09:00:00Z, rollout = 50 },\n]\nenv.production.enabled = true\n"
        );
        let env = edit("[toggles.a]\nrollout = 1\n", |table| {
            let s = step(at("2026-12-09T09:00Z"), "enabled", Value::from(true));
            new_schedule(table, Some("production"), s);
        });
        assert_eq!(
            env,
            "[toggles.a]\nrollout = 1\nenv.production.schedule = [\n  { at = 2026-12-09T09:00:00Z, enabled = true },\n]\n"
        );
        let inline = "[toggles]\na = { enabled = false }\n";
        let inline = edit(inline, |table| {
            let s = step(at("2026-12-09T09:00Z"), "enabled", Value::from(true));
            new_schedule(table, None, s);
        });
        assert_eq!(
            inline,
            "[toggles]\na = { enabled = false, schedule = [{ at = 2026-12-09T09:00:00Z, enabled = true }] }\n"
        );
    }

    const STEPS: &str = "[toggles.a]\nrollout = 1\nschedule = [\n  { at = 2026-12-07T09:00:00Z, rollout = 10 }, # first\n  # then\n  { at = 2026-12-11T09:00:00Z, enabled = true },\n]\n";

    #[test]
    fn a_step_goes_between_keeping_the_comments_of_its_neighbours() {
        let after = edit(STEPS, |table| {
            let s = step(at("2026-12-09T09:00Z"), "rollout", Value::from(50));
            assert!(put_step(table, None, Place::Before(1), s));
        });
        assert_eq!(
            after,
            "[toggles.a]\nrollout = 1\nschedule = [\n  { at = 2026-12-07T09:00:00Z, rollout = 10 }, # first\n  { at = 2026-12-09T09:00:00Z, rollout = 50 },\n  # then\n  { at = 2026-12-11T09:00:00Z, enabled = true },\n]\n"
        );
        let first = edit(STEPS, |table| {
            let s = step(at("2026-12-01T09:00Z"), "rollout", Value::from(5));
            put_step(table, None, Place::Before(0), s);
        });
        assert!(first.contains(
            "schedule = [\n  { at = 2026-12-01T09:00:00Z, rollout = 5 },\n  { at = 2026-12-07"
        ));
        let last = edit(STEPS, |table| {
            let s = step(at("2026-12-12T09:00Z"), "enabled", Value::from(false));
            put_step(table, None, Place::Before(2), s);
        });
        assert!(last.ends_with(
            "enabled = true },\n  { at = 2026-12-12T09:00:00Z, enabled = false },\n]\n"
        ));
    }

    #[test]
    fn a_step_in_a_one_line_schedule_goes_after_a_comma_and_a_space() {
        let text = "[toggles.a]\nschedule = [{ at = 2026-12-07T09:00:00Z, rollout = 10 }]\n";
        let after = edit(text, |table| {
            let s = step(at("2026-12-01T09:00Z"), "rollout", Value::from(5));
            put_step(table, None, Place::Before(0), s);
        });
        assert_eq!(
            after,
            "[toggles.a]\nschedule = [{ at = 2026-12-01T09:00:00Z, rollout = 5 }, { at = 2026-12-07T09:00:00Z, rollout = 10 }]\n"
        );
    }

    #[test]
    fn a_step_replaced_keeps_its_place_and_removing_the_last_removes_the_key() {
        let after = edit(STEPS, |table| {
            let s = step(at("2026-12-07T09:00Z"), "enabled", Value::from(true));
            put_step(table, None, Place::Instead(0), s);
        });
        assert!(after.contains("  { at = 2026-12-07T09:00:00Z, enabled = true }, # first\n"));
        let one = edit(STEPS, |table| assert!(remove_step(table, None, 0)));
        assert_eq!(
            one,
            "[toggles.a]\nrollout = 1\nschedule = [\n  # then\n  { at = 2026-12-11T09:00:00Z, enabled = true },\n]\n"
        );
        let none = edit(&one, |table| assert!(remove_step(table, None, 0)));
        assert_eq!(none, "[toggles.a]\nrollout = 1\n");
    }
}
