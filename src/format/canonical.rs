//! The canonical reader: files written the usual way, in one pass over
//! their lines, several times faster than the TOML parser on large files.

use std::borrow::Cow;

use toml::Spanned;
use toml::value::Datetime;

use super::{Doc, ReleaseEntry, StateEntry, ToggleEntry};
use crate::name::is_name_byte;

/// Reads a file written the way this library and most people write it, in
/// one pass over its lines: `[toggles.NAME]` and `[releases.NAME]` headers
/// with bare names, `key = value` lines with bare keys (and the dotted
/// `env.NAME.FIELD` keys of environments, no blanks around their dots) and
/// booleans, strings without escapes, plain dates, numbers or one-line
/// arrays of strings, comments and blank lines. Several times faster than
/// the TOML parser on large files.
///
/// `None` for anything else, valid TOML or not: then [`general::read`](super::general::read) reads
/// the file and reports any error as users see it. Everything accepted here
/// is valid TOML that means the same thing, with the same spans (unit tests
/// compare both readers).
pub(super) fn read(text: &str) -> Option<Doc<'_>> {
    let mut doc = Doc::default();
    // The table the next key belongs to, and which keys it has had (a key
    // twice is a TOML error, left to the TOML parser).
    let mut table = Table::Root;
    let mut keys_seen = 0u16;
    // Root keys are seen once for the whole file (bit 64).
    let mut root_seen = 0u16;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        // A line ends with `\n` or `\r\n` (a `\r` alone is a control character).
        let line = match line.strip_suffix('\n') {
            Some(line) => line.strip_suffix('\r').unwrap_or(line),
            None => line,
        };
        let rest = line.trim_start_matches([' ', '\t']);
        let at = start + (line.len() - rest.len());
        match rest.as_bytes().first() {
            None => {}
            Some(b'#') => comment(rest)?,
            Some(b'[') => {
                let (kind, after) = if let Some(after) = rest.strip_prefix("[toggles.") {
                    (Table::Toggle, after)
                } else {
                    (Table::Release, rest.strip_prefix("[releases.")?)
                };
                let name_len = bare_key_len(after);
                let tail = after[name_len..].strip_prefix(']')?;
                if name_len == 0 {
                    return None;
                }
                end_of_line(tail)?;
                let name_at = at + (rest.len() - after.len());
                let name = Spanned::new(
                    name_at..name_at + name_len,
                    Cow::Borrowed(&after[..name_len]),
                );
                match kind {
                    Table::Toggle => doc.toggles.push((name, ToggleEntry::default())),
                    _ => doc.releases.push(ReleaseEntry {
                        name,
                        state: StateEntry::default(),
                        description: None,
                        owner: None,
                        expires: None,
                    }),
                }
                table = kind;
                keys_seen = 0;
            }
            Some(_) => {
                let key_len = bare_key_len(rest);
                let (environment, key, after_key) = match rest[key_len..].strip_prefix('.') {
                    None => (None, &rest[..key_len], &rest[key_len..]),
                    Some(after_env) => {
                        // `env.NAME.FIELD`, and no other dotted key.
                        if &rest[..key_len] != "env" {
                            return None;
                        }
                        let name_len = bare_key_len(after_env);
                        let after_name = after_env[name_len..].strip_prefix('.')?;
                        let field_len = bare_key_len(after_name);
                        if name_len == 0 || field_len == 0 {
                            return None;
                        }
                        let name_at = at + (rest.len() - after_env.len());
                        let name = Spanned::new(
                            name_at..name_at + name_len,
                            Cow::Borrowed(&after_env[..name_len]),
                        );
                        (
                            Some(name),
                            &after_name[..field_len],
                            &after_name[field_len..],
                        )
                    }
                };
                let after_key = after_key.trim_start_matches([' ', '\t']);
                let raw = after_key.strip_prefix('=')?.trim_start_matches([' ', '\t']);
                let (value, tail) = scalar(raw)?;
                end_of_line(tail)?;
                let value_at = at + (rest.len() - raw.len());
                let span = value_at..value_at + (raw.len() - tail.len());
                if let Some(name) = environment {
                    let state = match table {
                        Table::Root => return None,
                        Table::Toggle => &mut doc.toggles.last_mut()?.1.state,
                        Table::Release => &mut doc.releases.last_mut()?.state,
                    };
                    // One entry per line for now: `merge_environments` joins
                    // an environment's lines (and finds a field set twice).
                    let mut values = StateEntry::default();
                    match (key, value) {
                        ("enabled", Scalar::Bool(on)) => {
                            values.enabled = Some(Spanned::new(span, on));
                        }
                        ("rollout", Scalar::Number(number)) => {
                            values.rollout = Some(Spanned::new(span, number));
                        }
                        ("allow", Scalar::Strings(keys)) => {
                            values.allow = Some(Spanned::new(span, spanned_keys(text, keys)));
                        }
                        _ => return None,
                    }
                    state.env.push((name, values));
                    continue;
                }
                let bit = match (&table, key, value) {
                    (Table::Root, "bucketing", Scalar::Str(name)) => {
                        doc.bucketing = Some(Spanned::new(span, Cow::Borrowed(name)));
                        64
                    }
                    (Table::Root, "environments", Scalar::Strings(names)) => {
                        doc.environments = Some(Spanned::new(span, spanned_keys(text, names)));
                        128
                    }
                    (Table::Toggle, "rollout", Scalar::Number(number)) => {
                        doc.toggles.last_mut()?.1.state.rollout = Some(Spanned::new(span, number));
                        16
                    }
                    (Table::Release, "rollout", Scalar::Number(number)) => {
                        doc.releases.last_mut()?.state.rollout = Some(Spanned::new(span, number));
                        16
                    }
                    (Table::Toggle, "allow", Scalar::Strings(keys)) => {
                        doc.toggles.last_mut()?.1.state.allow =
                            Some(Spanned::new(span, spanned_keys(text, keys)));
                        32
                    }
                    (Table::Release, "allow", Scalar::Strings(keys)) => {
                        doc.releases.last_mut()?.state.allow =
                            Some(Spanned::new(span, spanned_keys(text, keys)));
                        32
                    }
                    (Table::Toggle, "enabled", Scalar::Bool(on)) => {
                        doc.toggles.last_mut()?.1.state.enabled = Some(Spanned::new(span, on));
                        1
                    }
                    (Table::Toggle, "release", Scalar::Str(name)) => {
                        doc.toggles.last_mut()?.1.release =
                            Some(Spanned::new(span, Cow::Borrowed(name)));
                        2
                    }
                    (Table::Toggle, "description", Scalar::Str(text)) => {
                        doc.toggles.last_mut()?.1.description = Some(Cow::Borrowed(text));
                        4
                    }
                    (Table::Toggle, "created", Scalar::Date(date)) => {
                        doc.toggles.last_mut()?.1.created = Some(Spanned::new(span, date));
                        8
                    }
                    (Table::Release, "enabled", Scalar::Bool(on)) => {
                        doc.releases.last_mut()?.state.enabled = Some(Spanned::new(span, on));
                        1
                    }
                    (Table::Release, "description", Scalar::Str(text)) => {
                        doc.releases.last_mut()?.description = Some(Cow::Borrowed(text));
                        4
                    }
                    (Table::Toggle, "owner", Scalar::Str(owner)) => {
                        doc.toggles.last_mut()?.1.owner =
                            Some(Spanned::new(span, Cow::Borrowed(owner)));
                        256
                    }
                    (Table::Release, "owner", Scalar::Str(owner)) => {
                        doc.releases.last_mut()?.owner =
                            Some(Spanned::new(span, Cow::Borrowed(owner)));
                        256
                    }
                    (Table::Toggle, "kind", Scalar::Str(kind)) => {
                        doc.toggles.last_mut()?.1.kind =
                            Some(Spanned::new(span, Cow::Borrowed(kind)));
                        512
                    }
                    (Table::Toggle, "expires", Scalar::Date(date)) => {
                        doc.toggles.last_mut()?.1.expires = Some(Spanned::new(span, date));
                        1024
                    }
                    (Table::Release, "expires", Scalar::Date(date)) => {
                        doc.releases.last_mut()?.expires = Some(Spanned::new(span, date));
                        1024
                    }
                    _ => return None,
                };
                let seen = match table {
                    Table::Root => &mut root_seen,
                    _ => &mut keys_seen,
                };
                if *seen & bit != 0 {
                    return None;
                }
                *seen |= bit;
            }
        }
    }
    for (_, toggle) in &mut doc.toggles {
        merge_environments(&mut toggle.state)?;
    }
    for release in &mut doc.releases {
        merge_environments(&mut release.state)?;
    }
    doc.toggles
        .sort_unstable_by(|(a, _), (b, _)| a.get_ref().cmp(b.get_ref()));
    doc.releases
        .sort_unstable_by(|a, b| a.name.get_ref().cmp(b.name.get_ref()));
    // A table defined twice is a TOML error: the TOML parser reports it.
    let twice = doc
        .toggles
        .windows(2)
        .any(|w| w[0].0.get_ref() == w[1].0.get_ref())
        || doc
            .releases
            .windows(2)
            .any(|w| w[0].name.get_ref() == w[1].name.get_ref());
    (!twice).then_some(doc)
}

/// Joins a table's `env.NAME.FIELD` lines, one entry each, into one entry
/// per environment, sorted by name as the TOML parser's map gives them; the
/// name keeps the span of its first line. `None` where a field is set
/// twice (a TOML error, left to the TOML parser). `O(n log n)`: a table may
/// set many environments.
fn merge_environments(state: &mut StateEntry<'_>) -> Option<()> {
    if state.env.len() < 2 {
        return Some(());
    }
    // Stable: an environment's lines stay in file order.
    state
        .env
        .sort_by(|(a, _), (b, _)| a.get_ref().cmp(b.get_ref()));
    let mut merged: Vec<(Spanned<Cow<'_, str>>, StateEntry<'_>)> = Vec::new();
    for (name, values) in std::mem::take(&mut state.env) {
        match merged.last_mut() {
            Some((last, into)) if last.get_ref() == name.get_ref() => {
                fn join<T>(into: &mut Option<T>, from: Option<T>) -> Option<()> {
                    match (into.is_some(), from) {
                        (true, Some(_)) => None,
                        (_, Some(value)) => {
                            *into = Some(value);
                            Some(())
                        }
                        (_, None) => Some(()),
                    }
                }
                join(&mut into.enabled, values.enabled)?;
                join(&mut into.rollout, values.rollout)?;
                join(&mut into.allow, values.allow)?;
            }
            _ => merged.push((name, values)),
        }
    }
    state.env = merged;
    Some(())
}

enum Table {
    Root,
    Toggle,
    Release,
}

enum Scalar<'a> {
    Bool(bool),
    Str(&'a str),
    Date(Datetime),
    /// A decimal integer or float without sign, exponent or `_`.
    Number(toml::Value),
    /// A one-line array of strings without escapes: each string with its
    /// quotes (its span in the text), and its content.
    Strings(Vec<(&'a str, &'a str)>),
}

/// The keys of an `allow` array with their spans: each from its opening to
/// its closing quote, as the TOML parser reports it.
fn spanned_keys<'a>(text: &'a str, keys: Vec<(&'a str, &'a str)>) -> Vec<Spanned<Cow<'a, str>>> {
    keys.into_iter()
        .map(|(quoted, content)| {
            // Both slices are of `text`: the difference of addresses is the offset.
            let start = quoted.as_ptr() as usize - text.as_ptr() as usize;
            Spanned::new(start..start + quoted.len(), Cow::Borrowed(content))
        })
        .collect()
}

/// The length of the bare key (ASCII letters, digits, `_`, `-`) `s` starts with.
fn bare_key_len(s: &str) -> usize {
    s.bytes().position(|b| !is_name_byte(b)).unwrap_or(s.len())
}

/// A boolean, a one-line string without escapes, or a plain date at the
/// start of `s`, and what follows it.
fn scalar(s: &str) -> Option<(Scalar<'_>, &str)> {
    if let Some(tail) = s.strip_prefix("true") {
        return Some((Scalar::Bool(true), tail));
    }
    if let Some(tail) = s.strip_prefix("false") {
        return Some((Scalar::Bool(false), tail));
    }
    if let Some((content, tail)) = string(s) {
        return Some((Scalar::Str(content), tail));
    }
    if let Some(items) = s.strip_prefix('[') {
        return strings(items);
    }
    if let Some(number) = number(s) {
        return Some(number);
    }
    // YYYY-MM-DD, nothing more: a time after a space is a TOML date-time.
    let date = s.get(..10)?;
    let shape = date.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    if !shape {
        return None;
    }
    let datetime: Datetime = date.parse().ok()?;
    (datetime.time.is_none() && datetime.offset.is_none())
        .then_some((Scalar::Date(datetime), &s[10..]))
}

/// A one-line string without escapes at the start of `s`: its content and
/// what follows it.
fn string(s: &str) -> Option<(&str, &str)> {
    let quote @ (b'"' | b'\'') = s.bytes().next()? else {
        return None;
    };
    let body = &s[1..];
    let end = body.bytes().position(|b| b == quote)?;
    let content = &body[..end];
    // `"""`/`'''` open multi-line strings; `\` starts an escape.
    if end == 0 && body.as_bytes().get(1) == Some(&quote)
        || content.bytes().any(|b| b == b'\\' || is_control(b))
    {
        return None;
    }
    Some((content, &body[end + 1..]))
}

/// The rest of a one-line array of such strings after its `[`: `["a",
/// 'b', ]`, blanks around the items, a trailing comma allowed.
fn strings(mut s: &str) -> Option<(Scalar<'_>, &str)> {
    let mut items = Vec::new();
    loop {
        s = s.trim_start_matches([' ', '\t']);
        if let Some(tail) = s.strip_prefix(']') {
            return Some((Scalar::Strings(items), tail));
        }
        let (content, tail) = string(s)?;
        let quoted = &s[..s.len() - tail.len()];
        items.push((quoted, content));
        s = tail.trim_start_matches([' ', '\t']);
        if let Some(tail) = s.strip_prefix(',') {
            s = tail;
        } else if !s.starts_with(']') {
            return None;
        }
    }
}

/// A decimal number at the start of `s` as TOML reads it: an integer
/// (`0`, or digits not starting with `0`) or such an integer, `.` and
/// digits (a float). No sign, exponent or `_`: those are left to the TOML
/// parser.
fn number(s: &str) -> Option<(Scalar<'_>, &str)> {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let whole = digits(s);
    if whole == 0 || whole > 1 && s.starts_with('0') {
        return None;
    }
    let (len, float) = match s[whole..].strip_prefix('.') {
        Some(after) => match digits(after) {
            0 => return None,
            decimals => (whole + 1 + decimals, true),
        },
        None => (whole, false),
    };
    let (text, tail) = s.split_at(len);
    // A number directly followed by a letter, `_` or the like is another
    // token (`1e3`, `1_000`, `12:30`): the TOML parser decides.
    if tail
        .bytes()
        .next()
        .is_some_and(|b| !matches!(b, b' ' | b'\t' | b'#'))
    {
        return None;
    }
    let value = if float {
        toml::Value::Float(text.parse().ok()?)
    } else {
        toml::Value::Integer(text.parse().ok()?)
    };
    Some((Scalar::Number(value), tail))
}

/// Control characters TOML allows in neither comments nor strings (tab is fine).
fn is_control(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

fn comment(s: &str) -> Option<()> {
    (!s.bytes().any(is_control)).then_some(())
}

/// Checks that only blanks and a comment follow a header or a value.
fn end_of_line(s: &str) -> Option<()> {
    let s = s.trim_start_matches([' ', '\t']);
    if s.is_empty() {
        Some(())
    } else if s.starts_with('#') {
        comment(s)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::*;

    /// Canonical files: the fast reader must take them.
    const CANONICAL: &[&str] = &[
        include_str!("../../toggles.toml"),
        "",
        "# only a comment\n\n",
        "[toggles.a]",
        "[toggles.a]\n[releases.a]\n",
        "  [releases.r] # the release\r\n\tenabled = true\r\ndescription = 'lit'\r\n\r\n\
         [toggles.b-2_]\r\nrelease=\"r\"\r\ncreated = 2024-02-29 # leap\r\n",
        "[toggles.z]\ndescription = \"é, ü and 'quotes'\" \n[toggles.y]\nenabled = false\n\
         [releases.r]\n[toggles.x]\nrelease = \"r\"\nenabled = true\ndescription = \"\"\n",
        "bucketing = \"flagd-v2\" # scheme\n[releases.r]\nrollout = 12.5\nallow = [\"ada\", 'bob',]\n\
         [toggles.a]\nrelease = \"r\"\n[toggles.b]\nrollout = 0 # off\nallow = [ ]\n\
         [toggles.c]\nallow=[\"é\"]\nenabled = true\n[toggles.d]\nrollout = 100.00\n",
        "environments = [\"staging\", 'production'] # promotion order\n\
         [releases.r]\nenabled = false\nenv.staging.enabled = true\n\
         [toggles.a]\nrelease = \"r\"\nenv.production.allow = [\"ada\"] # staff\n\
         env.staging.rollout = 12.5\nenabled = true\nenv.production.enabled = false\n\
         [toggles.b]\nrollout = 5\nenv.staging.allow = []\nenv.production.rollout = 0\n\
         env.staging.enabled = true\n",
        "environments = []\n[toggles.a]\n",
        "[toggles.a]\nrollout = 12.340 # 12.34\n[toggles.b]\nrollout = 0.50\n",
        "[releases.r]\nowner = \"web\"\nexpires = 2027-03-01\n[toggles.a]\nowner = 'search-team'\n\
         kind = \"experiment\"\ncreated = 2026-11-24\nexpires = 2027-01-31 # the end\n\
         description = \"d\"\n[toggles.b]\nkind = 'ops'\n",
    ];

    /// Files the fast reader must leave to the TOML parser, valid or not.
    const OTHER_TOML: &[&str] = &[
        "\u{feff}[toggles.a]\n",
        "[toggles]\n",
        "toggles = {}\nreleases = {}\n",
        "[toggles.\"quoted\"]\n",
        "[ toggles.a ]\n",
        "[toggles]\na = { enabled = true }\n",
        "[toggles]\na.enabled = true\n",
        "[toggles.a]\ndescription = \"esc\\u00e9\"\n",
        "[toggles.a]\ndescription = \"\"\"\nmulti\"\"\"\n",
        "[toggles.a]\ncreated = 2026-11-24T10:00:00Z\n",
        "[toggles.a]\ncreated = 2026-11-24 10:00:00\n",
        "[toggles.a]\ncreated = 10:00:00\n",
        // Invalid: errors come from the TOML parser and serde.
        "[toggle.a]\n",
        "[toggles.a]\nenabeld = true\n",
        "[toggles.a]\nenabled = \"yes\"\n",
        "[toggles.a]\ncreated = \"2026-11-24\"\n",
        "[toggles.a]\ncreated = 2026-02-30\n",
        "[toggles.a]\nrelease = 1\n",
        "[releases.r]\nrelease = \"r\"\n",
        "enabled = true\n",
        "toggles = 1\n",
        "[[toggles.a]]\n",
        "[toggles.a]\n[toggles.a]\n",
        "[toggles.a]\nenabled = true\nenabled = false\n",
        "[toggles.a\n",
        "[toggles.a]\nenabled = true\r\r\n",
        "[toggles.a]\ndescription = \"a\u{7f}\"\n",
        "[toggles.a]\nrollout = 1e1\n",
        "[toggles.a]\nrollout = 1_0\n",
        "[toggles.a]\nrollout = +5\n",
        "[toggles.a]\nrollout = -5\n",
        "[toggles.a]\nrollout = 05\n",
        "[toggles.a]\nrollout = 5.\n",
        "[toggles.a]\nrollout = inf\n",
        "[toggles.a]\nallow = [\n\"ada\"]\n",
        "[toggles.a]\nallow = [\"a\\u0062\"]\n",
        "[toggles.a]\nallow = [\"ada\" \"bob\"]\n",
        "[toggles.a]\nallow = [1]\n",
        "[toggles.a]\nallow = [\"ada\",,]\n",
        "bucketing = \"flagd-v2\"\nbucketing = \"flagd-v3\"\n",
        "[toggles.a]\nbucketing = \"flagd-v2\"\n",
        "[toggles.a]\nrollout = 5\nrollout = 6\n",
        "environments = [\"s\"]\n[toggles.a]\nenv . s.enabled = true\n",
        "environments = [\"s\"]\n[toggles.a]\nenv.s .enabled = true\n",
        "environments = [\"s\"]\n[toggles.a]\nenv.s = { enabled = true }\n",
        "environments = [\"s\"]\n[toggles.a]\nenv = { s = { enabled = true } }\n",
        "environments = [\"s\"]\n[toggles.a.env.s]\nenabled = true\n",
        "environments = [\"s\"]\n[toggles.a]\nenv.\"s\".enabled = true\n",
        "environments = [\"s\"]\n[toggles.a]\nother.s.enabled = true\n",
        "environments = [\"s\"]\n[toggles.a]\nenv.s.enabled.x = true\n",
        // Invalid.
        "environments = [\"s\"]\n[toggles.a]\nenv.s.enabled = true\nenv.s.enabled = false\n",
        "environments = [\"s\"]\n[toggles.a]\nenv.s.allow = []\nenabled = true\nenv.s.allow = []\n",
        "environments = [\"s\"]\n[toggles.a]\nenv.s.release = \"r\"\n",
        "environments = [\"s\"]\n[toggles.a]\nenv.s.enabled = 1\n",
        "environments = [\"s\"]\nenv.s.enabled = true\n",
        "environments = [\"s\"]\nenvironments = [\"s\"]\n",
        "environments = \"s\"\n",
        "[toggles.a]\nenvironments = [\"s\"]\n",
    ];

    fn same_result(
        text: &str,
        fast: Result<Definitions, Error>,
        serde: Result<Definitions, Error>,
    ) {
        match (fast, serde) {
            (Ok(fast), Ok(serde)) => {
                assert_eq!(fast.toggles, serde.toggles, "{text:?}");
                // Where each deciding value is written, too (a release's
                // is part of it).
                assert_eq!(fast.written, serde.written, "{text:?}");
                assert_eq!(fast.releases, serde.releases, "{text:?}");
            }
            (Err(fast), Err(serde)) => {
                assert_eq!(fast.to_string(), serde.to_string(), "{text:?}");
                assert_eq!(fast.location(), serde.location(), "{text:?}");
            }
            (fast, serde) => panic!("{text:?}: fast {fast:?}, serde {serde:?}"),
        }
    }

    /// If the fast reader takes `text`, the TOML parser and serde take it too
    /// and it resolves to the same toggles, or the same error at the same
    /// place. Returns whether the fast reader took it.
    fn check_fast_reader(text: &str) -> bool {
        let path = Path::new("t.toml");
        let Some(fast) = super::read(text) else {
            return false;
        };
        let serde = general::read(path, text)
            .unwrap_or_else(|e| panic!("fast reader took {text:?}, which TOML rejects: {e}"));
        let serde_again = || general::read(path, text).expect("read again");
        assert_eq!(
            fast.environments
                .as_ref()
                .map(|e| (e.span(), e.get_ref().clone())),
            serde
                .environments
                .as_ref()
                .map(|e| (e.span(), e.get_ref().clone())),
            "{text:?}"
        );
        let environments: Vec<String> = fast
            .environments
            .iter()
            .flat_map(|e| e.get_ref().iter().map(|name| name.get_ref().to_string()))
            .chain(["undeclared".to_owned()])
            .collect();
        // All views from one read: what each reader gives alone.
        for reader in [super::read(text).expect("read again"), serde_again()] {
            if let Ok((valid, _)) = Valid::new(path, text, reader, None) {
                for (index, environment) in valid.environments.iter().enumerate() {
                    let alone = resolve(
                        path,
                        text,
                        serde_again(),
                        Some(environment),
                        Timestamp::now(),
                    );
                    let all = valid.view(Some(index), Timestamp::now());
                    same_result(text, Ok(all), alone);
                }
            }
        }
        // In every environment (and one the file does not declare): the
        // same definitions, or the same error at the same place.
        for environment in [None].into_iter().chain(environments.iter().map(Some)) {
            let environment = environment.map(String::as_str);
            let fast = super::read(text).expect("read again");
            let serde = general::read(path, text).expect("read again");
            same_result(
                text,
                resolve(path, text, fast, environment, Timestamp::now()),
                resolve(path, text, serde, environment, Timestamp::now()),
            );
        }
        true
    }

    #[test]
    fn the_fast_reader_takes_canonical_files_and_agrees_with_serde() {
        for text in CANONICAL {
            assert!(check_fast_reader(text), "declined {text:?}");
        }
        // Errors found after reading: same message, same place.
        let long = format!("[toggles.{}]\n", "a".repeat(256));
        let names: Vec<String> = (0..=MAX_ENVIRONMENTS).map(|i| format!("'e{i}'")).collect();
        let too_many = format!("environments = [{}]\n[toggles.a]\n", names.join(","));
        for text in [
            "[toggles.a]\nrelease = \"nope\"\n",
            "[releases.r]\n[toggles.a]\nrelease = 'nope' # comment\n",
            &long,
            // An undeclared environment set on two lines: the error points
            // where both readers say the name is.
            "environments = [\"s\"]\n[toggles.a]\nenv.t.allow = []\nenabled = true\nenv.t.rollout = 5\n",
            "environments = [\"s\"]\n[toggles.a]\nenv.t.rollout = 5\nenv.s.enabled = true\nenv.t.allow = []\n",
            "environments = [\"s\", \"s\"]\n[toggles.a]\n",
            "environments = [\"s\"]\n[toggles.a]\nenv.s.rollout = 5\nenv.s.enabled = true\n",
            // Past the cap, in a valid or a broken file: at the first name past it.
            &too_many,
            &format!("{too_many}[toggles.b]\nenv.nope.enabled = true\n"),
            // A rollout's digits as written decide, in both readers.
            "[toggles.a]\nrollout = 12.340000000000000001\n",
            "[toggles.a]\nrollout = 0.0099999999999999999 # not 0.01\n",
        ] {
            assert!(check_fast_reader(text), "declined {text:?}");
            assert!(parse(Path::new("t.toml"), text.as_bytes()).is_err());
        }
    }

    #[test]
    fn the_fast_reader_leaves_everything_else_to_toml() {
        for text in OTHER_TOML {
            assert!(!check_fast_reader(text), "took {text:?}");
        }
    }

    /// Every one-character edit of the sample files (replace, insert,
    /// delete) with characters that matter to TOML: whatever the fast
    /// reader takes, TOML reads the same.
    #[test]
    fn the_fast_reader_agrees_with_serde_on_every_small_edit() {
        let alphabet = [
            ' ', '\t', '\n', '\r', '#', '"', '\'', '\\', '=', '[', ']', '.', 'a', '1', '-', ':',
            'T', 'Z', ',', '{', '}', '\u{0}', '\u{7f}', '\u{feff}', 'é',
        ];
        let (mut taken, mut edits) = (0, 0);
        for text in CANONICAL.iter().skip(1).chain(OTHER_TOML) {
            let chars: Vec<char> = text.chars().collect();
            for i in 0..=chars.len() {
                let mut edited: Vec<String> = Vec::new();
                for &c in &alphabet {
                    let mut insert = chars.clone();
                    insert.insert(i, c);
                    edited.push(insert.iter().collect());
                    if i < chars.len() {
                        let mut replace = chars.clone();
                        replace[i] = c;
                        edited.push(replace.iter().collect());
                    }
                }
                if i < chars.len() {
                    let mut delete = chars.clone();
                    delete.remove(i);
                    edited.push(delete.iter().collect());
                }
                for text in &edited {
                    edits += 1;
                    taken += usize::from(check_fast_reader(text));
                }
            }
        }
        // The edits exercise both paths.
        assert!(taken > 1000 && taken < edits, "{taken} of {edits}");
    }

    /// 20 000 files made by one to four random edits of the canonical
    /// samples at once, inserting characters or pieces of syntax (headers,
    /// keys, values: enough to define a table or a key twice) or deleting
    /// characters. A fixed xorshift sequence: every run checks the same files.
    #[test]
    fn the_fast_reader_agrees_with_serde_on_random_edits() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut below = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let pieces = [
            "[toggles.",
            "[releases.",
            "[toggles.a]\n",
            "[releases.r]\n",
            "]",
            " = ",
            "=",
            "true",
            "false",
            "\"",
            "'",
            "\"r\"",
            "2026-02-29",
            "2025-02-29",
            "#",
            "\r\n",
            "\n",
            "\t",
            " ",
            "enabled",
            "release",
            "description",
            "created",
            "owner",
            "kind",
            "expires",
            "\"ops\"",
            "\"team\"",
            "2027-01-31",
            "rollout",
            "allow",
            "bucketing",
            "environments = [\"s\", \"t\"]\n",
            "env.",
            "env.s.",
            "env.t.enabled = true\n",
            "env.s.rollout = 5\n",
            "env.s.allow = [\"x\"]\n",
            "s",
            "12.5",
            "100",
            "0",
            "[\"ada\", ",
            "'bob'",
            ",",
            "a",
            "\\",
            "\u{7f}",
            "é",
            "{",
            ".",
        ];
        let (mut taken, total) = (0, 20_000);
        for _ in 0..total {
            let base = CANONICAL[1 + below(CANONICAL.len() - 1)];
            let mut chars: Vec<char> = base.chars().collect();
            for _ in 0..1 + below(4) {
                let at = below(chars.len() + 1);
                if below(3) == 0 && at < chars.len() {
                    chars.remove(at);
                } else {
                    let piece = pieces[below(pieces.len())];
                    chars.splice(at..at, piece.chars());
                }
            }
            let text: String = chars.into_iter().collect();
            taken += usize::from(check_fast_reader(&text));
        }
        assert!(taken > 2000 && taken < total, "{taken} of {total}");
    }
}
