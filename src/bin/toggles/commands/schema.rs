//! `toggles schema`: a JSON Schema of `toggles.toml`, for editors.
//!
//! The schema is in draft-07, the newest draft taplo validates with (the
//! engine of the "Even Better TOML" editor extension: its `jsonschema`
//! 0.17 dependency, without the 2019-09 and 2020-12 features). An editor
//! that reads a `#:schema ./toggles.schema.json` first line validates the
//! file as it is typed and completes its fields; the repository ships the
//! output as `toggles.schema.json` (`tests/cli/schema.rs` keeps the two
//! equal, and proves the schema with taplo and Python's `jsonschema`).
//!
//! The schema is built here, from the library's constants and public API,
//! so that it cannot drift from the rules: the name pattern is the set of
//! characters `toggles::is_valid_name` accepts, at most
//! `toggles::MAX_NAME_LEN` of them; `environments` holds at most
//! `toggles::MAX_ENVIRONMENTS`; `kind` is one of `toggles::Kind::ALL` and
//! `bucketing` one of `toggles::Bucketing::ALL`, as each `as_str` spells
//! it. The library stays without `serde_json` (its users compile none of
//! the command's dependencies), which is why the JSON is written here.
//!
//! TOML dates reach a JSON Schema validator as strings: taplo writes an
//! offset date-time in RFC 3339 (`2026-12-07T09:00:00Z`), a local one as
//! `2026-12-07T09:00:00`, a date as `2026-12-07` and a time as `09:00:00`
//! (`taplo::dom::node::DateTimeValue`'s `Display`). So the schema checks
//! dates by `format` and `pattern`, and cannot tell a date from a quoted
//! string: the top-level `description` lists that with the other rules
//! only `toggles check` (and the library, when it reads the file) checks.

use std::io::{self, Write};

use serde_json::{Value, json};
use toggles::{Bucketing, Kind, MAX_ENVIRONMENTS, MAX_NAME_LEN};

use crate::fail::{EXIT_OK, Fail, Outcome};

/// `toggles schema` takes no options: the schema is the same for every file.
#[derive(clap::Args)]
pub struct Args {}

/// Prints the schema. Reads no file.
pub fn run(_args: &Args) -> Outcome {
    let text = text();
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(EXIT_OK),
        // `toggles schema | head`: the reader has what it wanted.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(EXIT_OK),
        Err(e) => Err(Fail::error(format!("cannot write to stdout: {e}"))
            .help("redirect it to a file: `toggles schema > toggles.schema.json`")),
    }
}

/// The schema as `toggles.schema.json` holds it: pretty-printed, with a
/// line end.
pub fn text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).expect("a JSON value prints");
    text.push('\n');
    text
}

/// What the schema cannot check, which `toggles check` does.
const CANNOT_CHECK: &str = "The file `toggles.toml` of the Rust crate `toggles` (written by \
    `toggles schema`; put `#:schema ./toggles.schema.json` as the file's first line). It checks \
    every field's name and type, names, percents' range, dates and the shape of schedule steps. \
    It cannot check what `toggles check` (and the library, when it reads the file) also does: \
    that a `release` names a release the file defines; that each `env.NAME` is declared in \
    `environments`; that a schedule's steps are in time order; that `expires` is not before \
    `created`; that a rollout has at most two decimals; and that a date is written as a TOML \
    date, not as a quoted string (a validator sees both as strings).";

/// The whole schema.
fn schema() -> Value {
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "toggles.toml",
        "description": CANNOT_CHECK,
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "bucketing": {
                "description": "How keys are put in buckets for rollouts: flagd's `fractional` \
                    schemes. Changing it moves keys between buckets.",
                "type": "string",
                "enum": Bucketing::ALL.map(Bucketing::as_str),
                "default": Bucketing::default().as_str(),
            },
            "environments": {
                "description": format!(
                    "The environments that `env.NAME` may set, in promotion order: names, each \
                     once, at most {MAX_ENVIRONMENTS}."
                ),
                "type": "array",
                "items": name("An environment"),
                "uniqueItems": true,
                "maxItems": MAX_ENVIRONMENTS,
            },
            "toggles": {
                "description": "The toggles, one table `[toggles.NAME]` each.",
                "type": "object",
                "propertyNames": name("A toggle"),
                "additionalProperties": toggle(&kinds),
            },
            "releases": {
                "description": "The releases, one table `[releases.NAME]` each: toggles with \
                    `release = \"NAME\"` and no state of their own follow it.",
                "type": "object",
                "propertyNames": name("A release"),
                "additionalProperties": release(),
            },
        },
    })
}

/// `[toggles.NAME]`.
fn toggle(kinds: &[&str]) -> Value {
    let mut properties = state("toggle", None);
    properties.extend([
        (
            "env".to_owned(),
            env("The toggle's values in environment NAME (declared in `environments`)."),
        ),
        (
            "release".to_owned(),
            with_description(
                name("A release"),
                "The release this toggle belongs to (a `[releases.NAME]` of the file): without \
                 a state of its own, the toggle follows it.",
            ),
        ),
        ("description".to_owned(), description()),
        (
            "created".to_owned(),
            date("When the toggle was added: a TOML date (`2026-11-24`)."),
        ),
        ("owner".to_owned(), owner("toggle")),
        (
            "kind".to_owned(),
            json!({
                "description": "What the toggle is for: release and experiment toggles are \
                    meant to be removed after a while (`toggles check` warns about old ones \
                    without `expires`); ops and permission toggles may stay.",
                "type": "string",
                "enum": kinds,
                "default": Kind::default().as_str(),
            }),
        ),
        (
            "expires".to_owned(),
            date("When the toggle should be gone: a TOML date, not before `created`."),
        ),
    ]);
    table("A toggle.", properties)
}

/// `[releases.NAME]`.
fn release() -> Value {
    let mut properties = state("release", Some(false));
    properties.extend([
        (
            "env".to_owned(),
            env("The release's values in environment NAME (declared in `environments`)."),
        ),
        ("description".to_owned(), description()),
        ("owner".to_owned(), owner("release")),
        (
            "expires".to_owned(),
            date("When the release should be done: a TOML date."),
        ),
    ]);
    table("A release.", properties)
}

/// `env`: environment name → the four state fields.
fn env(description: &str) -> Value {
    json!({
        "description": "Values per environment: `env.NAME.enabled`, `.rollout`, `.allow` and \
            `.schedule` replace the base values in environment NAME (`enabled`, `rollout` and \
            `schedule` as one).",
        "type": "object",
        "propertyNames": name("An environment"),
        "additionalProperties": table(description, state("table in the environment", None)),
    })
}

/// A table's fields (`additionalProperties` false), of which `enabled` and
/// `rollout` are never both set.
fn table(description: &str, properties: serde_json::Map<String, Value>) -> Value {
    json!({
        "description": description,
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
        "not": {
            "description": "`enabled` and `rollout` together: which one decides would be \
                ambiguous.",
            "required": ["enabled", "rollout"],
        },
    })
}

/// `enabled`, `rollout`, `allow`, `schedule`: the state of a table (a
/// release's `enabled` defaults to false).
fn state(what: &str, enabled_default: Option<bool>) -> serde_json::Map<String, Value> {
    let mut enabled = json!({
        "description": format!("Whether the {what} is on for every key."),
        "type": "boolean",
    });
    if let Some(default) = enabled_default {
        enabled["default"] = json!(default);
    }
    let mut properties = serde_json::Map::new();
    properties.insert("enabled".to_owned(), enabled);
    properties.insert(
        "rollout".to_owned(),
        rollout(&format!("The share of keys the {what} is on for.")),
    );
    properties.insert(
        "allow".to_owned(),
        json!({
            "description": "Keys that always get it, whatever the rollout: each once, none \
                empty.",
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "uniqueItems": true,
        }),
    );
    properties.insert(
        "schedule".to_owned(),
        json!({
            "description": "Dated steps, in time order: from each step's `at` on, its \
                `enabled` or `rollout` is the state (before the first, the table's own).",
            "type": "array",
            "minItems": 1,
            "items": step(),
        }),
    );
    properties
}

/// One step of a `schedule`.
fn step() -> Value {
    json!({
        "description": "A step: `at` and exactly one of `enabled` or `rollout`.",
        "type": "object",
        "additionalProperties": false,
        "required": ["at"],
        "properties": {
            "at": {
                "description": "When the step takes effect: a TOML offset date-time \
                    (`2026-12-07T09:00:00Z` or with `+01:00`), in whole seconds.",
                "type": "string",
                "format": "date-time",
                // taplo's `date-time` takes a local date-time too.
                "pattern": "([Zz]|[+-][0-9]{2}:[0-9]{2})$",
                "not": {
                    "description": "A fraction of a second: steps are whole seconds.",
                    "pattern": "\\.[0-9]*[1-9]",
                },
            },
            "enabled": {
                "description": "From `at` on, on (or off) for every key.",
                "type": "boolean",
            },
            "rollout": rollout("From `at` on, the share of keys it is on for."),
        },
        "oneOf": [
            {"required": ["enabled"]},
            {"required": ["rollout"]},
        ],
    })
}

/// A percent.
fn rollout(description: &str) -> Value {
    json!({
        "description": format!(
            "{description} A percent from 0 to 100 with at most two decimals (12.5, 33.33). \
             The schema checks the range only: two decimals cannot be checked safely with \
             `multipleOf` on floating-point numbers (`toggles check` checks them)."
        ),
        "type": "number",
        "minimum": 0,
        "maximum": 100,
    })
}

/// `description`.
fn description() -> Value {
    json!({
        "description": "What the table is for, in a line.",
        "type": "string",
    })
}

/// `owner`: one line of text, not blank. The library's rule is `trim()`
/// and `char::is_control`: the classes are asked of `char::is_whitespace`
/// (what `trim` removes) and `char::is_control`.
fn owner(what: &str) -> Value {
    json!({
        "description": format!(
            "Who answers for the {what}: a team or a person, one line of text, not empty."
        ),
        "type": "string",
        "pattern": format!("[^{}]", class_of(char::is_whitespace)),
        "not": {
            "description": "A line break or another control character.",
            "pattern": format!("[{}]", class_of(char::is_control)),
        },
    })
}

/// The characters of the Basic Multilingual Plane for which `is` holds, as
/// the ranges of a regular-expression class, each end written `\uXXXX` (as
/// ECMA 262, Python and Rust's regex read it).
fn class_of(is: fn(char) -> bool) -> String {
    let mut class = String::new();
    let mut run: Option<(u32, u32)> = None;
    let close = |run: Option<(u32, u32)>, class: &mut String| {
        if let Some((first, last)) = run {
            class.push_str(&format!("\\u{first:04x}"));
            if last > first {
                class.push_str(&format!("-\\u{last:04x}"));
            }
        }
    };
    for c in (0..=0xffff).filter_map(char::from_u32) {
        let code = u32::from(c);
        match run {
            _ if !is(c) => {}
            Some((first, last)) if last + 1 == code => run = Some((first, code)),
            _ => {
                close(run, &mut class);
                run = Some((code, code));
            }
        }
    }
    close(run, &mut class);
    class
}

/// `created` and `expires`: a TOML date, or a date-time whose date the
/// library takes (`2026-11-24`, `2026-11-24T10:00:00`, `2026-11-24T10:00:00Z`).
fn date(description: &str) -> Value {
    json!({
        "description": description,
        "type": "string",
        "anyOf": [
            {"format": "date"},
            {"format": "date-time"},
            {"pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?$"},
        ],
    })
}

/// A name of a toggle, a release or an environment: the characters
/// [`toggles::is_valid_name`] accepts, 1 to [`MAX_NAME_LEN`] of them.
fn name(what: &str) -> Value {
    json!({
        "description": format!(
            "{what}'s name: 1 to {MAX_NAME_LEN} ASCII letters, digits, `_` and `-`."
        ),
        "type": "string",
        "pattern": format!("^[{}]{{1,{MAX_NAME_LEN}}}$", name_class()),
        // Python's and Java's `$` also match before a line break that ends
        // the text.
        "not": {
            "description": "A line break.",
            "pattern": "\\n",
        },
    })
}

/// The regular-expression class of the characters a name may hold, asked
/// of [`toggles::is_valid_name`] for every ASCII character (names are
/// ASCII): `0-9A-Z_a-z-`. Letters, digits and `_` are written as ranges, a
/// `-` last (a literal there in every engine), anything else as `\xHH`.
fn name_class() -> String {
    let valid: Vec<u8> = (0u8..0x80)
        .filter(|&b| toggles::is_valid_name(char::from(b).encode_utf8(&mut [0; 4])))
        .collect();
    let plain = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut class = String::new();
    let mut i = 0;
    while i < valid.len() {
        let b = valid[i];
        if !plain(b) {
            if b != b'-' {
                class.push_str(&format!("\\x{b:02X}"));
            }
            i += 1;
            continue;
        }
        // A run of consecutive plain characters of one kind (digits, capitals, small letters).
        let kind = |c: u8| {
            (
                c.is_ascii_digit(),
                c.is_ascii_uppercase(),
                c.is_ascii_lowercase(),
            )
        };
        let mut end = i;
        while end + 1 < valid.len()
            && valid[end + 1] == valid[end] + 1
            && plain(valid[end + 1])
            && kind(valid[end + 1]) == kind(b)
        {
            end += 1;
        }
        class.push(char::from(b));
        if end > i {
            if end > i + 1 {
                class.push('-');
            }
            class.push(char::from(valid[end]));
        }
        i = end + 1;
    }
    if valid.contains(&b'-') {
        class.push('-');
    }
    class
}

fn with_description(mut schema: Value, description: &str) -> Value {
    schema["description"] = json!(description);
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_class_is_the_librarys_characters() {
        assert_eq!(name_class(), "0-9A-Z_a-z-");
    }

    #[test]
    fn the_classes_of_an_owner_are_rusts_whitespace_and_control_characters() {
        // Both are in the Basic Multilingual Plane, which `class_of` walks.
        assert!(
            (0x10000..=0x10ffff)
                .filter_map(char::from_u32)
                .all(|c| !c.is_whitespace() && !c.is_control())
        );
        assert_eq!(class_of(char::is_control), "\\u0000-\\u001f\\u007f-\\u009f");
        assert_eq!(
            class_of(char::is_whitespace),
            "\\u0009-\\u000d\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028-\\u2029\\u202f\\u205f\\u3000"
        );
    }
}
