//! `toggles schema` and the `toggles.schema.json` this repository ships.
//!
//! Without Python: the shipped file is exactly what `toggles schema`
//! prints (a snapshot: after an intended change, regenerate it with
//! `cargo run --features cli -- schema > toggles.schema.json`, or
//! `SNAPSHOTS=overwrite cargo test --all-features --test cli schema::`,
//! and review the diff); it is draft-07 and holds the library's constants;
//! the command reads no file.
//!
//! With real validators — taplo (the engine of the "Even Better TOML"
//! editor extension: its CLI, from PyPI's `taplo` wheel) on each file with
//! a `#:schema ./toggles.schema.json` first line, as an editor reads it,
//! and Python's `jsonschema` (`Draft7Validator` with its format checker,
//! through `tests/schema/validate.py`, on the file as `tomllib` reads it,
//! dates turned into the strings taplo hands a schema):
//!
//! - this repository's `toggles.toml`, every toggles file among the
//!   ```` ```toml ```` examples of README.md and `src/docs/*.rs`, and a file
//!   that sets every field are valid;
//! - files the library refuses for a reason a schema can express (an
//!   unknown field, a wrong type, an invalid name, a rollout out of range,
//!   a bad date, an unknown kind, a step with both `enabled` and `rollout`,
//!   an empty owner, …) are refused by both validators, and the test
//!   asserts the library refuses each for that reason;
//! - names and owners: for every ASCII character and some others, the
//!   validators and the library agree on which are valid.
//!
//! The validators are installed with `pip install` from the pinned
//! `tests/schema/requirements.txt` into a venv cached under the target
//! folder (`target/tmp/schema-validators/`, keyed by that file and the
//! Python version), so reruns do not install again. Those tests are
//! `#[ignore]`d, so that the README's `cargo test --all-features` needs
//! nothing but Rust; run them with `cargo test --all-features --test cli
//! -- --ignored schema::` (`.ci/run` does, and fails unless all of them ran
//! and passed). Once asked for, they never skip: without Python 3.11+ with
//! venv, or PyPI, they FAIL and say what to install.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;
use toggles::{Bucketing, Kind, MAX_ENVIRONMENTS, MAX_NAME_LEN, Snapshot};

use crate::common::{command, run_ok};

macro_rules! say {
    ($($arg:tt)*) => {
        let _ = writeln!(io::stderr(), $($arg)*);
    };
}

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SHIPPED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/toggles.schema.json");
const SCRIPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schema");
const CACHE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/schema-validators");
const DIRECTIVE: &str = "#:schema ./toggles.schema.json\n";

fn printed() -> String {
    let dir = tempfile::tempdir().unwrap();
    run_ok(dir.path(), &["schema"]).stdout
}

fn schema() -> Value {
    serde_json::from_str(&printed()).expect("`toggles schema` prints JSON")
}

// ---------------------------------------------------------------- without Python

#[test]
fn the_shipped_schema_is_what_toggles_schema_prints() {
    let printed = printed();
    if std::env::var_os("SNAPSHOTS").is_some_and(|v| v == "overwrite") {
        std::fs::write(SHIPPED, &printed).unwrap();
        return;
    }
    let shipped = std::fs::read_to_string(SHIPPED).unwrap_or_default();
    assert!(
        shipped == printed,
        "toggles.schema.json is not what `toggles schema` prints: regenerate it with \
         `cargo run --features cli -- schema > toggles.schema.json` (or `SNAPSHOTS=overwrite \
         cargo test --all-features --test cli schema::`) and review the diff"
    );
    // The repository's own file names it, as the README tells users to.
    let own = std::fs::read_to_string(Path::new(ROOT).join("toggles.toml")).unwrap();
    assert!(own.starts_with(DIRECTIVE), "toggles.toml's first line");
}

#[test]
fn the_schema_reads_no_file() {
    // No toggles.toml, a broken one, TOGGLES_FILE set but empty: the same schema.
    let dir = tempfile::tempdir().unwrap();
    let expected = printed();
    std::fs::write(
        dir.path().join("toggles.toml"),
        "[toggles.a]\nenabeld = true\n",
    )
    .unwrap();
    let output = command(dir.path(), &["schema"])
        .env("TOGGLES_FILE", "")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8(output.stdout).unwrap(), expected);
    let output = command(dir.path(), &["--file", "missing.toml", "schema"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
}

#[test]
fn the_schema_is_draft_07_and_holds_the_librarys_constants() {
    let schema = schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let root = &schema["properties"];
    let toggle = &root["toggles"]["additionalProperties"];
    let release = &root["releases"]["additionalProperties"];
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        toggle["properties"]["kind"]["enum"],
        serde_json::json!(kinds)
    );
    assert_eq!(toggle["properties"]["kind"]["default"], "release");
    let schemes = Bucketing::ALL.map(Bucketing::as_str);
    assert_eq!(root["bucketing"]["enum"], serde_json::json!(schemes));
    assert_eq!(root["environments"]["maxItems"], MAX_ENVIRONMENTS);
    let pattern = format!("^[0-9A-Z_a-z-]{{1,{MAX_NAME_LEN}}}$");
    for names in [
        &root["toggles"]["propertyNames"],
        &root["releases"]["propertyNames"],
        &root["environments"]["items"],
        &toggle["properties"]["env"]["propertyNames"],
        &toggle["properties"]["release"],
    ] {
        assert_eq!(names["pattern"], pattern);
    }
    // Every field of the file, and no other.
    let fields = |table: &Value| -> Vec<String> {
        let mut fields: Vec<String> = table["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        fields.sort();
        fields
    };
    assert_eq!(
        fields(&schema),
        ["bucketing", "environments", "releases", "toggles"]
    );
    assert_eq!(
        fields(toggle),
        [
            "allow",
            "created",
            "description",
            "enabled",
            "env",
            "expires",
            "kind",
            "owner",
            "release",
            "rollout",
            "schedule"
        ]
    );
    assert_eq!(
        fields(release),
        [
            "allow",
            "description",
            "enabled",
            "env",
            "expires",
            "owner",
            "rollout",
            "schedule"
        ]
    );
    let env = &toggle["properties"]["env"]["additionalProperties"];
    assert_eq!(fields(env), ["allow", "enabled", "rollout", "schedule"]);
    let step = &toggle["properties"]["schedule"]["items"];
    assert_eq!(fields(step), ["at", "enabled", "rollout"]);
    // Every object with fields refuses others.
    let mut objects = 0;
    walk(&schema, &mut |value| {
        if value.get("properties").is_some() {
            objects += 1;
            assert_eq!(value["additionalProperties"], false, "{value}");
        }
    });
    // The root, a toggle, a release, their two env tables, and a step in each of those four.
    assert_eq!(objects, 9);
    // What it cannot check is said.
    let description = schema["description"].as_str().unwrap();
    for limit in [
        "release",
        "environments",
        "time order",
        "`expires` is not before",
        "two decimals",
        "quoted string",
        "toggles check",
    ] {
        assert!(description.contains(limit), "{limit}: {description}");
    }
}

fn walk(value: &Value, visit: &mut dyn FnMut(&Value)) {
    match value {
        Value::Object(map) => {
            visit(value);
            map.values().for_each(|v| walk(v, visit));
        }
        Value::Array(items) => items.iter().for_each(|v| walk(v, visit)),
        _ => {}
    }
}

// ---------------------------------------------------------------- with the validators

/// Why the validator tests are not part of the default `cargo test`.
const NEEDS: &str = "needs Python 3.11+ with venv and PyPI: \
                     `cargo test --all-features --test cli -- --ignored schema::`";

/// Every field of the file, set once at least, the dates in each form the
/// library takes.
const EVERY_FIELD: &str = r#"bucketing = "flagd-v2"
environments = ["staging", "production", "eu-west_1"]

[releases.checkout-v2]
description = "New checkout flow"
enabled = false
allow = ["staff-ada"]
owner = "team-checkout"
expires = 2027-03-01
env.staging.enabled = true
env.production.rollout = 0
env.production.schedule = [{ at = 2026-12-14T09:00:00+01:00, rollout = 5 }]
env.eu-west_1.allow = ["eu-staff"]

[releases.search]
rollout = 12.5
schedule = [
  { at = 2026-12-07T09:00:00Z, rollout = 33.33 },
  { at = 2026-12-09T09:00:00.000Z, enabled = true },
]

[toggles.new_cart]
description = "Cart drawer"
release = "checkout-v2"
created = 2026-11-24
owner = "Ada Lovelace <ada@example.com>"
kind = "experiment"
expires = 2026-12-24

[toggles.kill_switch]
enabled = true
kind = "ops"
created = 2026-11-24T10:00:00
env.staging.enabled = false

[toggles.plan-pro]
kind = "permission"
rollout = 0
allow = ["org-1", "org-2"]
created = 2026-11-24T10:00:00Z
env.production.rollout = 100
env.production.allow = []

[toggles.scheduled]
kind = "release"
schedule = [{ at = 2026-12-07T09:00:00-05:30, enabled = true }]
env.staging.schedule = [{ at = 2026-12-01T00:00:00Z, rollout = 100 }]
"#;

#[test]
#[ignore = "needs Python 3 with venv: run with `--ignored schema::`"]
fn every_toggles_file_of_the_repository_is_valid_by_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![(
        "toggles.toml (this repository's)".to_owned(),
        Path::new(ROOT).join("toggles.toml"),
    )];
    let examples = toml_examples();
    assert!(
        examples.len() >= 10,
        "the toggles examples of the docs: {}",
        examples.len()
    );
    let every_field = [("a file with every field".to_owned(), EVERY_FIELD.to_owned())];
    for (i, (origin, text)) in examples.iter().chain(&every_field).enumerate() {
        // The library takes each one (else the example is wrong).
        if let Err(e) = Snapshot::parse("toggles.toml", text.as_bytes()) {
            panic!("{origin}: the library refuses it: {e}");
        }
        files.push((origin.clone(), case_file(dir.path(), i, text)));
    }
    // One file that must fail, run the same way: proof that each validator
    // read the schema at all.
    let control = case_file(dir.path(), files.len(), "[toggles.a]\nenabeld = true\n");
    let verdicts = validate(&files.iter().map(|(_, f)| f.clone()).collect::<Vec<_>>());
    let control_verdicts = validate(&[control]);
    assert!(control_verdicts[0].taplo.is_err() && control_verdicts[0].python.is_err());
    let mut wrong = Vec::new();
    for ((origin, file), verdict) in files.iter().zip(&verdicts) {
        for (validator, result) in [("taplo", &verdict.taplo), ("jsonschema", &verdict.python)] {
            if let Err(errors) = result {
                wrong.push(format!(
                    "{origin} ({}): {validator} refuses it:\n{errors}",
                    file.display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    say!(
        "schema: {} files valid by taplo and {}",
        files.len(),
        verdicts[0].python_version
    );
}

/// A file that the library refuses, the text its message must hold (the
/// reason), and a name for it.
struct Refused {
    what: &'static str,
    text: String,
    because: &'static str,
    /// Why taplo takes it all the same, where it does.
    taplo_takes_it: Option<&'static str>,
}

fn refused(what: &'static str, text: impl Into<String>, because: &'static str) -> Refused {
    Refused {
        what,
        text: text.into(),
        because,
        taplo_takes_it: None,
    }
}

/// taplo 0.9.3 hands a schema a local date-time that a `,` follows in an
/// inline table as `1970-01-01T00:00:00Z` (its parse of the value fails,
/// and it falls back to the epoch), which is a valid offset date-time.
const TAPLO_EPOCH: &str = "taplo reads a local date-time followed by `,` as the epoch";

fn refused_files() -> Vec<Refused> {
    let long = "a".repeat(MAX_NAME_LEN + 1);
    let many: Vec<String> = (0..=MAX_ENVIRONMENTS)
        .map(|i| format!("\"e{i}\""))
        .collect();
    vec![
        refused(
            "an unknown field",
            "[toggles.a]\nenabeld = true\n",
            "unknown field `enabeld`",
        ),
        refused(
            "an unknown root key",
            "bucket = \"flagd-v3\"\n",
            "unknown field `bucket`",
        ),
        refused(
            "an unknown table",
            "[flags.a]\nenabled = true\n",
            "unknown field `flags`",
        ),
        refused(
            "`release` on a release",
            "[releases.r]\nrelease = \"s\"\n",
            "unknown field `release`",
        ),
        refused(
            "`kind` on a release",
            "[releases.r]\nkind = \"ops\"\n",
            "unknown field `kind`",
        ),
        refused(
            "`created` on a release",
            "[releases.r]\ncreated = 2026-11-24\n",
            "unknown field `created`",
        ),
        refused(
            "an unknown field in an environment",
            "environments = [\"staging\"]\n[toggles.a]\nenv.staging.description = \"x\"\n",
            "unknown field `description`",
        ),
        refused(
            "an unknown field in a step",
            "[toggles.a]\nschedule = [{ at = 2026-12-07T09:00:00Z, enabled = true, note = \"x\" }]\n",
            "unknown field `note`",
        ),
        refused(
            "a string for `enabled`",
            "[toggles.a]\nenabled = \"yes\"\n",
            "invalid type",
        ),
        refused(
            "a string for `allow`",
            "[toggles.a]\nallow = \"ada\"\n",
            "invalid type",
        ),
        refused(
            "a number in `allow`",
            "[toggles.a]\nallow = [1]\n",
            "invalid type",
        ),
        refused(
            "a string for `rollout`",
            "[toggles.a]\nrollout = \"50\"\n",
            "not a percent",
        ),
        refused(
            "a string for `environments`",
            "environments = \"staging\"\n",
            "invalid type",
        ),
        refused(
            "a table for a toggle's `description`",
            "[toggles.a]\ndescription = { text = \"x\" }\n",
            "invalid type",
        ),
        refused(
            "an invalid toggle name",
            "[toggles.\"new checkout\"]\nenabled = true\n",
            "invalid toggle name",
        ),
        refused(
            "a dotted toggle name",
            "[toggles.\"toggles.a\"]\n",
            "invalid toggle name",
        ),
        refused(
            "a toggle name too long",
            format!("[toggles.{long}]\n"),
            "invalid toggle name",
        ),
        refused(
            "an invalid release name",
            "[releases.\"check out\"]\n",
            "invalid release name",
        ),
        refused(
            "an invalid environment name",
            "environments = [\"pro d\"]\n",
            "invalid environment name",
        ),
        refused(
            "an environment declared twice",
            "environments = [\"staging\", \"staging\"]\n",
            "declared twice",
        ),
        refused(
            "too many environments",
            format!("environments = [{}]\n", many.join(", ")),
            "more than the 256",
        ),
        refused(
            "an unknown bucketing scheme",
            "bucketing = \"flagd-v4\"\n",
            "unknown bucketing scheme",
        ),
        refused(
            "a rollout above 100",
            "[toggles.a]\nrollout = 101\n",
            "not a percent",
        ),
        refused(
            "a negative rollout",
            "[toggles.a]\nrollout = -1\n",
            "not a percent",
        ),
        refused(
            "a rollout above 100 in a step",
            "[releases.r]\nschedule = [{ at = 2026-12-07T09:00:00Z, rollout = 100.5 }]\n",
            "not a percent",
        ),
        refused(
            "a rollout above 100 in an environment",
            "environments = [\"staging\"]\n[toggles.a]\nenv.staging.rollout = 250\n",
            "not a percent",
        ),
        refused(
            "`created` a time without a date",
            "[toggles.a]\ncreated = 10:30:00\n",
            "has no date",
        ),
        refused(
            "`expires` a time without a date",
            "[releases.r]\nexpires = 10:30:00\n",
            "has no date",
        ),
        Refused {
            taplo_takes_it: Some(TAPLO_EPOCH),
            ..refused(
                "a step's `at` without an offset, before another key",
                "[toggles.a]\nschedule = [{ at = 2026-12-07T09:00:00, enabled = true }]\n",
                "has no time zone offset",
            )
        },
        refused(
            "a step's `at` without an offset",
            "[toggles.a]\nschedule = [{ enabled = true, at = 2026-12-07T09:00:00 }]\n",
            "has no time zone offset",
        ),
        refused(
            "a step's `at` a date alone",
            "[toggles.a]\nschedule = [{ at = 2026-12-07, enabled = true }]\n",
            "is not a date-time",
        ),
        refused(
            "a step's `at` with a fraction of a second",
            "[toggles.a]\nschedule = [{ at = 2026-12-07T09:00:00.5Z, enabled = true }]\n",
            "fraction of a second",
        ),
        refused(
            "a step without `at`",
            "[toggles.a]\nschedule = [{ enabled = true }]\n",
            "missing field `at`",
        ),
        refused(
            "an unknown kind",
            "[toggles.a]\nkind = \"temporary\"\n",
            "not one of the four kinds",
        ),
        refused(
            "a step with both `enabled` and `rollout`",
            "[toggles.a]\nschedule = [{ at = 2026-12-07T09:00:00Z, enabled = true, rollout = 5 }]\n",
            "has both `enabled` and `rollout`",
        ),
        refused(
            "a step with neither `enabled` nor `rollout`",
            "[toggles.a]\nschedule = [{ at = 2026-12-07T09:00:00Z }]\n",
            "neither `enabled` nor `rollout`",
        ),
        refused(
            "a table with both `enabled` and `rollout`",
            "[releases.r]\nenabled = true\nrollout = 5\n",
            "has both `enabled` and `rollout`",
        ),
        refused(
            "an environment with both `enabled` and `rollout`",
            "environments = [\"staging\"]\n[toggles.a]\nenv.staging.enabled = true\n\
             env.staging.rollout = 5\n",
            "has both `enabled` and `rollout`",
        ),
        refused(
            "an empty schedule",
            "[toggles.a]\nschedule = []\n",
            "has no steps",
        ),
        refused("an empty owner", "[toggles.a]\nowner = \"\"\n", "is empty"),
        refused(
            "a blank owner",
            "[releases.r]\nowner = \"   \"\n",
            "is empty",
        ),
        refused(
            "an owner of two lines",
            "[toggles.a]\nowner = \"web\\nsearch\"\n",
            "line break",
        ),
        refused(
            "an empty key in `allow`",
            "[toggles.a]\nallow = [\"ada\", \"\"]\n",
            "an empty key",
        ),
        refused(
            "a key twice in `allow`",
            "[toggles.a]\nallow = [\"ada\", \"bob\", \"ada\"]\n",
            "twice in `allow`",
        ),
    ]
}

#[test]
#[ignore = "needs Python 3 with venv: run with `--ignored schema::`"]
fn files_the_library_refuses_for_a_reason_a_schema_can_express_are_refused_by_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let cases = refused_files();
    let mut files = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let error = match Snapshot::parse("toggles.toml", case.text.as_bytes()) {
            Ok(_) => panic!("{}: the library takes it", case.what),
            Err(error) => error.to_string(),
        };
        assert!(
            error.contains(case.because),
            "{}: the library refuses it for another reason than {:?}: {error}",
            case.what,
            case.because
        );
        files.push(case_file(dir.path(), i, &case.text));
    }
    let verdicts = validate(&files);
    let mut wrong = Vec::new();
    for (case, verdict) in cases.iter().zip(&verdicts) {
        if verdict.python.is_ok() {
            wrong.push(format!(
                "{}: jsonschema takes it:\n{}",
                case.what, case.text
            ));
        }
        match (case.taplo_takes_it, &verdict.taplo) {
            (None, Ok(())) => wrong.push(format!("{}: taplo takes it:\n{}", case.what, case.text)),
            // The pinned taplo's known miss: told apart, so that a taplo
            // that fixes it shows here.
            (Some(why), Err(_)) => wrong.push(format!(
                "{}: taplo refuses it, though {why}: drop `taplo_takes_it`",
                case.what
            )),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let misses = cases.iter().filter(|c| c.taplo_takes_it.is_some()).count();
    say!(
        "schema: {} files the library refuses, refused by {} (and by taplo but {misses} known \
         misses)",
        cases.len(),
        verdicts[0].python_version
    );
}

#[test]
#[ignore = "needs Python 3 with venv: run with `--ignored schema::`"]
fn the_validators_and_the_library_agree_on_names_and_owners() {
    let dir = tempfile::tempdir().unwrap();
    let mut names: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
    names.extend(
        [
            "",
            "new_cart",
            "checkout-v2",
            "a b",
            "a.b",
            "é",
            "ａ",
            "a\n",
            "\na",
            "a\u{0}",
            "🔑",
        ]
        .map(String::from),
    );
    names.extend([MAX_NAME_LEN - 1, MAX_NAME_LEN, MAX_NAME_LEN + 1].map(|n| "x".repeat(n)));
    let mut owners: Vec<String> = (0u8..0x80).map(|b| format!("a{}", char::from(b))).collect();
    owners.extend((0x80u32..0xa1).map(|c| format!("a{}", char::from_u32(c).unwrap())));
    owners.extend(
        [
            "",
            " ",
            "\t",
            "  x  ",
            "web",
            "Ada <ada@example.com>",
            "\u{a0}",
            "\u{2003}",
            "\u{3000}",
            "\u{2028}",
            "\u{200b}",
            "ü",
            "a\r\n",
        ]
        .map(String::from),
    );
    // (the case, the file, whether the library takes it)
    let mut cases: Vec<(String, PathBuf, bool)> = Vec::new();
    for name in &names {
        let quoted = toml_string(name);
        for text in [
            format!("[toggles.{quoted}]\n"),
            format!("[releases.{quoted}]\n"),
            format!("environments = [{quoted}]\n"),
        ] {
            let valid = Snapshot::parse("toggles.toml", text.as_bytes()).is_ok();
            assert_eq!(valid, toggles::is_valid_name(name), "{text}");
            let file = case_file(dir.path(), cases.len(), &text);
            cases.push((text, file, valid));
        }
    }
    for owner in &owners {
        let text = format!("[toggles.a]\nowner = {}\n", toml_string(owner));
        let valid = Snapshot::parse("toggles.toml", text.as_bytes()).is_ok();
        let file = case_file(dir.path(), cases.len(), &text);
        cases.push((text, file, valid));
    }
    let valid_names = names.iter().filter(|n| toggles::is_valid_name(n)).count();
    assert!(valid_names >= 60 && valid_names < names.len() - 60);
    let files: Vec<PathBuf> = cases.iter().map(|(_, file, _)| file.clone()).collect();
    let verdicts = validate(&files);
    let mut wrong = Vec::new();
    for ((text, _, valid), verdict) in cases.iter().zip(&verdicts) {
        for (validator, result) in [("taplo", &verdict.taplo), ("jsonschema", &verdict.python)] {
            if result.is_ok() != *valid {
                wrong.push(format!(
                    "{text:?}: the library {}, {validator} {}",
                    if *valid { "takes it" } else { "refuses it" },
                    match result {
                        Ok(()) => "takes it".to_owned(),
                        Err(e) => format!("refuses it: {e}"),
                    }
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    say!(
        "schema: {} names and owners judged alike by the library, taplo and {}",
        cases.len(),
        verdicts[0].python_version
    );
}

/// `text` as a TOML basic string: `"` and `\` escaped, and every control
/// character (which a basic string may not hold as it is).
fn toml_string(text: &str) -> String {
    let mut quoted = String::from('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// Every ```` ```toml ```` example of README.md and `src/docs/*.rs` that is a
/// toggles file (not a Cargo.toml snippet), with where it is.
fn toml_examples() -> Vec<(String, String)> {
    let mut sources = vec![PathBuf::from("README.md")];
    let docs = Path::new(ROOT).join("src/docs");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&docs)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .map(|path| path.strip_prefix(ROOT).unwrap().to_owned())
        .collect();
    pages.sort();
    sources.extend(pages);
    let mut examples = Vec::new();
    for source in sources {
        let text = std::fs::read_to_string(Path::new(ROOT).join(&source)).unwrap();
        let mut block: Option<(usize, String)> = None;
        for (i, line) in text.lines().enumerate() {
            let line = if source.extension().is_some_and(|e| e == "rs") {
                match line.trim_start().strip_prefix("//!") {
                    Some(doc) => doc.strip_prefix(' ').unwrap_or(doc),
                    None => continue,
                }
            } else {
                line
            };
            match &mut block {
                None if line.trim() == "```toml" => block = Some((i + 1, String::new())),
                None => {}
                Some(_) if line.trim() == "```" => {
                    let (start, text) = block.take().unwrap();
                    let cargo = ["[dependencies]", "[package]", "[features]"]
                        .iter()
                        .any(|table| text.lines().any(|l| l.trim() == *table));
                    if !cargo {
                        examples.push((format!("{}:{start}", source.display()), text));
                    }
                }
                Some((_, text)) => {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
        assert!(
            block.is_none(),
            "{}: a ```toml block never ends",
            source.display()
        );
    }
    examples
}

/// `text` as `DIR/case-I/toggles.toml`, with the directive an editor reads
/// first and the shipped schema beside it.
fn case_file(dir: &Path, i: usize, text: &str) -> PathBuf {
    let folder = dir.join(format!("case-{i}"));
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(SHIPPED, folder.join("toggles.schema.json")).unwrap();
    let file = folder.join("toggles.toml");
    std::fs::write(&file, format!("{DIRECTIVE}{text}")).unwrap();
    file
}

/// What each validator says of one file: `Err` with its errors if it
/// refuses it.
struct Verdict {
    taplo: Result<(), String>,
    python: Result<(), String>,
    python_version: String,
}

/// Both validators on every file: taplo by the file's `#:schema`
/// directive, `jsonschema` on the file as `tomllib` reads it, against the
/// shipped schema. A file that is not valid TOML to either fails the test:
/// every case must be refused by the schema, not by the TOML parser.
fn validate(files: &[PathBuf]) -> Vec<Verdict> {
    let venv = pip_install();
    let python = venv_bin(&venv, "python");
    let taplo = venv_bin(&venv, "taplo");
    let mut command = Command::new(&python);
    command
        .arg(Path::new(SCRIPTS).join("validate.py"))
        .arg(SHIPPED)
        .args(files);
    let output: Value =
        serde_json::from_str(&run_tool(command, "tests/schema/validate.py", PYTHON_HELP))
            .expect("validate.py's JSON");
    let python_version = output["validator"].as_str().unwrap().to_owned();
    let results = output["results"].as_array().unwrap();
    assert_eq!(results.len(), files.len());
    // taplo, a few files per thread: one process per file (its verdict is per run).
    let taplo_verdicts: Vec<Result<(), String>> = std::thread::scope(|scope| {
        let running: Vec<_> = files
            .chunks(files.len().div_ceil(4).max(1))
            .map(|chunk| {
                scope.spawn(|| {
                    let verdicts: Vec<_> = chunk.iter().map(|f| taplo_check(&taplo, f)).collect();
                    verdicts
                })
            })
            .collect();
        running
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect()
    });
    files
        .iter()
        .zip(results)
        .zip(taplo_verdicts)
        .map(|((file, result), taplo)| {
            assert!(
                result["toml_error"].is_null(),
                "{}: tomllib cannot read it: {}",
                file.display(),
                result["toml_error"]
            );
            let errors: Vec<&str> = result["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap())
                .collect();
            Verdict {
                taplo,
                python: if errors.is_empty() {
                    Ok(())
                } else {
                    Err(errors.join("\n"))
                },
                python_version: python_version.clone(),
            }
        })
        .collect()
}

/// `taplo check` on one file: its schema from the file's own directive,
/// no configuration file, no catalog.
fn taplo_check(taplo: &Path, file: &Path) -> Result<(), String> {
    let output = Command::new(taplo)
        .args(["check", "--no-auto-config", "--colors", "never"])
        .arg(file)
        .current_dir(file.parent().unwrap())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}; {PYTHON_HELP}", taplo.display()));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() {
        return Ok(());
    }
    // A schema error is an `error: …` diagnostic; a TOML one says "invalid
    // TOML". (Its closing log line, "schema validation failed", is not
    // always written before taplo exits.)
    assert!(
        stderr.lines().any(|l| l.starts_with("error: ")) && !stderr.contains("invalid TOML"),
        "{}: taplo failed for another reason than the schema ({}):\n{stderr}",
        file.display(),
        output.status
    );
    Err(stderr)
}

const PYTHON_HELP: &str = "the schema's validators need Python 3.11 or newer with venv and \
    pip on PATH as `python3`, and PyPI: install them (Debian/Ubuntu: `apt-get install python3 \
    python3-venv`)";

/// The venv where `pip install -r tests/schema/requirements.txt` ran.
fn pip_install() -> PathBuf {
    static DONE: OnceLock<PathBuf> = OnceLock::new();
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    DONE.get_or_init(|| {
        let requirements = Path::new(SCRIPTS).join("requirements.txt");
        let pinned = std::fs::read(&requirements).expect("tests/schema/requirements.txt");
        let mut version = Command::new("python3");
        version.arg("--version");
        let python = run_tool(version, "python3 --version", PYTHON_HELP);
        crate::common::cached_install(
            Path::new(CACHE),
            "pip",
            &format!("schema: the validators ({NEEDS})"),
            &[&pinned, python.as_bytes()],
            |dir| {
                let mut venv = Command::new("python3");
                venv.args(["-m", "venv"]).arg(dir.join("venv"));
                run_tool(venv, "`python3 -m venv`", PYTHON_HELP);
                let mut pip = Command::new(venv_bin(dir, "python"));
                pip.args(["-m", "pip", "install", "--disable-pip-version-check", "-r"])
                    .arg(&requirements);
                run_tool(
                    pip,
                    "`pip install -r tests/schema/requirements.txt`",
                    PYTHON_HELP,
                );
            },
        )
    })
    .clone()
}

fn venv_bin(dir: &Path, program: &str) -> PathBuf {
    if cfg!(windows) {
        dir.join("venv/Scripts").join(format!("{program}.exe"))
    } else {
        dir.join("venv/bin").join(program)
    }
}

/// Runs `command` and returns its stdout; panics with `help` if it cannot
/// start or fails.
fn run_tool(mut command: Command, what: &str, help: &str) -> String {
    let output = match command.stdin(Stdio::null()).output() {
        Ok(output) => output,
        Err(e) => panic!(
            "{what}: cannot run `{}`: {e}; {help}",
            command.get_program().to_string_lossy()
        ),
    };
    assert!(
        output.status.success(),
        "{what} failed ({}): {command:?}\n{}\n{help}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}
