//! Edits of an array (`allow` lists, `schedule` steps): adding, inserting,
//! replacing and taking out values, keeping the array's layout and its
//! comments.

use toml_edit::{Array, Item, Value};

use crate::document::edit::{scope, text};

/// The table's own `allow` list in `env` (its `env.E.allow`), as written.
pub fn own_list<'d>(table: &'d mut Item, env: Option<&str>) -> Option<&'d mut Array> {
    scope(table, env, false)?
        .as_table_like_mut()?
        .get_mut("allow")?
        .as_array_mut()
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
pub fn push(array: &mut Array, key: &str) {
    push_value(array, Value::from(key));
}

/// Appends `value` to `array`, laid out like its last value (see [`push`]).
pub fn push_value(array: &mut Array, value: Value) {
    let Some(last) = array.iter().last() else {
        array.push(value);
        return;
    };
    let prefix = text(last.decor().prefix()).to_owned();
    let suffix = text(last.decor().suffix()).to_owned();
    let prefix = match prefix.rfind('\n') {
        Some(at) => {
            // A comment ending the last value's line (after its comma)
            // stays on that line: it begins the new value's prefix.
            let indent = &prefix[at + 1..];
            let trailing = text(Some(array.trailing())).to_owned();
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
    array.push_formatted(value.decorated(prefix, suffix));
}

/// Inserts `value` at `index` of `array` (at its end: [`push_value`]),
/// laid out like the value it goes before: on a line of its own, indented
/// alike, in a multi-line array (a comment ending the line before stays
/// there, comment lines above the next value stay above it); after `, `
/// in a one-line one.
pub fn insert(array: &mut Array, index: usize, value: Value) {
    let Some(next) = array.get_mut(index) else {
        push_value(array, value);
        return;
    };
    let own = text(next.decor().prefix()).to_owned();
    let prefix = match split_line(&own) {
        (_, "") => {
            // One line: the new value takes the next one's place.
            next.decor_mut().set_prefix(" ");
            own
        }
        (ending, rest) => {
            let indent = rest.rsplit('\n').next().unwrap_or("");
            next.decor_mut().set_prefix(rest.to_owned());
            format!("{ending}\n{indent}")
        }
    };
    array.insert_formatted(index, value.decorated(prefix, ""));
}

/// Replaces the value at `index` of `array` by `value`, in its place: the
/// spaces and comments around it stay.
pub fn replace(array: &mut Array, index: usize, value: Value) {
    let Some(old) = array.get(index) else {
        return;
    };
    let decor = old.decor().clone();
    let mut value = value;
    *value.decor_mut() = decor;
    array.replace_formatted(index, value);
}

/// Removes the value at `index` from `array`, keeping the layout: the next
/// value takes its place, comment lines above it stay (as when a key is
/// removed), and its own trailing comment goes with it.
pub fn take_out(array: &mut Array, index: usize) {
    let removed = array.remove(index);
    let prefix = text(removed.decor().prefix()).to_owned();
    let suffix = text(removed.decor().suffix()).to_owned();
    // What ends the line before (a comment after the previous value), and
    // the comment lines above the removed value: both stay.
    let kept = match split_line(&prefix) {
        (_, "") => String::new(),
        (before, rest) => format!("{before}{}", comment_lines(rest)),
    };
    if let Some(next) = array.get_mut(index) {
        let own = text(next.decor().prefix()).to_owned();
        let new = match split_line(&own) {
            // A one-line list: the next value takes the removed one's place.
            (_, "") => prefix.clone(),
            // Its first line ended the removed value's line: it goes too.
            (_, rest) => format!("{kept}{rest}"),
        };
        next.decor_mut().set_prefix(new);
        return;
    }
    let trailing = text(Some(array.trailing())).to_owned();
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
