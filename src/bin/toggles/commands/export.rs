//! `toggles export --format flagd`: the file as a flagd flag-definition
//! JSON (<https://flagd.dev/schema/v0/flags.json>), so that services in
//! other languages, through flagd or its in-process providers, give every
//! key the answer a Rust service gets from `toggles`.
//!
//! Every toggle becomes a boolean flag with the variants `on` and `off`.
//! Its `defaultVariant` is its key-less state; its `targeting`, when a key
//! can change the answer, reproduces the deciding table's `allow` list and
//! `rollout`:
//!
//! | deciding table (key-less state) | `defaultVariant` | `targeting` |
//! |---|---|---|
//! | on: `enabled = true`, or `rollout = 100` | `on` | none |
//! | off, no `allow` (`enabled = false`, `rollout = 0`, no table) | `off` | none |
//! | off with `allow = A` | `off` | `{"if": [{"in": [KEY, A]}, "on", null]}` |
//! | own `rollout` of p basis points, 0 < p < 10 000 | `off` | `G({"fractional": [["on", p], ["off", 10000 - p]]})` |
//! | release R's `rollout` | `off` | `G({"fractional": [{"cat": [R, KEY]}, ["on", p], ["off", 10000 - p]]})` |
//! | a rollout with `allow = A` | `off` | `G({"if": [{"in": [KEY, A]}, "on", FRACTIONAL]})` |
//! | a `schedule` of steps at T1 < … < Tn (seconds since the epoch) | `off` | `{"if": [AT(Tn), S(n), …, AT(T1), S(1), S(0)]}` |
//!
//! where `KEY` is `{"var": "targetingKey"}` and `G(x)` is
//! `{"if": [KEY, x, null]}`. Why each piece is there (each was seen to
//! matter, against the real evaluators):
//!
//! - `G`: a missing or empty targeting key is no key, as in `toggles`; the
//!   rule then returns `null` and the flag takes its default variant (the
//!   key-less state), with no error logged for the missing key.
//! - `fractional` without a bucketing value hashes the flag's key (the
//!   toggle's name) with the targeting key, which is `toggles`' own
//!   rollout; a release's rollout is bucketed by `R + key` (`cat`), so a
//!   key gets all of a release's toggles together.
//! - `on` is the first weight: a key is on when its bucket is below p.
//! - `in` always gets an array: given a string it tests for a substring.
//! - The `else` branches are `null`, never `false`: a rule must return a
//!   variant name, and a boolean is an error.
//!
//! **Schedules.** A toggle whose deciding table (its own, or its release's
//! when it follows the release) has a `schedule` in the exported view
//! (`env.E.schedule` with `--env E`, else the base one; an environment
//! setting only `allow` keeps the base schedule, one setting `enabled` or
//! `rollout` alone has none) gets a chain: `AT(T)` is
//! `{">=": [{"var": "$flagd.timestamp"}, T]}`, `S(i)` is the rule of the
//! rows above for the state step i sets (with the table's `allow`, which
//! never varies; bucketed as the table is), `S(0)` for the table's start
//! state (its own `enabled`/`rollout`, off without one), and a state no key
//! changes is its variant itself (`"on"` or `"off"`). So:
//!
//! - `$flagd.timestamp` is the evaluation's instant in whole seconds, which
//!   both evaluators put into the evaluation context themselves
//!   (`Math.floor(Date.now() / 1000)` in the npm core, `int(time.time())`
//!   in the Python one): a step's `at <= now`, the library's rule, is
//!   `now >= T`, and a clock in the second before T still gets the step
//!   before. A step's `at` is whole seconds: the file refuses fractions,
//!   so a comparison of whole seconds loses nothing.
//! - The `defaultVariant` is `off`: a rule's `null` (no key, or a key
//!   outside an off state's allow list) must mean off in every state, and
//!   an on state returns `"on"` for every key, with or without one.
//! - The export does not depend on when it is made: every step is in it,
//!   past ones too, and the start state is read from the file resolved
//!   before its first step (the library's `Snapshot::at`). A flagd that
//!   serves it flips each flag at the step's instant by its own clock,
//!   with no new export: a clock off by S seconds flips S seconds early or
//!   late.
//!
//! The same JSON serves both bucketing schemes: which one the keys are
//! hashed by is the evaluator's (flagd-v2: npm `@openfeature/flagd-core`
//! 4.x, for ASCII keys; flagd-v3: PyPI `openfeature-flagd-core` 2.x). The
//! flag-set `metadata` says which scheme the file was made for
//! (`bucketing`) and, with `--env`, for which `environment`: flagd cannot
//! act on it, but a reader (and every evaluation's metadata) can see it.
//!
//! Each flag's own `metadata` carries what the file says about the toggle,
//! as strings: `description`, `release`, `owner`, `kind` (always: `release`
//! where it is not written) and `expires` (`YYYY-MM-DD`), the toggle's own
//! fields only, each where it is set. Both evaluators return a flag's
//! metadata merged over the flag set's with every evaluation (`flagMetadata`
//! in the npm core, `flag_metadata` in the Python one), so an evaluation
//! there carries the keys the OpenFeature provider of `toggles` gives
//! (`environment` with `--env`), plus `bucketing`.
//! `tests/cli/flagd.rs` holds every decision equal to the library's, over
//! more than 10 000 keys, in those two evaluators; for a scheduled file, in
//! every kind of view, at fixed instants around every step (the clock fixed
//! inside the evaluator's process), equal to the library's `Snapshot::at`.
//!
//! The output is deterministic: flags sorted by name, fields in a fixed
//! order, pretty-printed, a trailing newline. With `--out FILE` it replaces
//! the file atomically (a temporary file in its folder, then a rename).

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Serialize;
use serde_json::{Value, json};
use toggles::{Rollout, Snapshot, Source, Step, Timestamp, ToggleInfo};

use crate::document::write;
use crate::fail::{EXIT_OK, Fail, Outcome};

/// The schema an exported file declares.
pub const FLAGD_SCHEMA: &str = "https://flagd.dev/schema/v0/flags.json";

#[derive(clap::Args)]
pub struct Args {
    /// The format to write (flagd, the only one so far)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Flagd)]
    pub format: Format,

    /// Write to FILE (replaced atomically: a temporary file in its folder,
    /// then a rename) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub env: crate::args::ReadEnv,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// flagd's flag definitions (JSON): https://flagd.dev/schema/v0/flags.json
    Flagd,
}

pub fn run(path: &Path, args: &Args) -> Outcome {
    // The flags of one environment: a flagd deployment serves one.
    let snapshot = args.env.choice().load(path)?;
    let text = match args.format {
        Format::Flagd => flagd(&snapshot),
    };
    match &args.out {
        None => to_stdout(&text)?,
        Some(out) => {
            to_file(path, out, text.as_bytes())?;
            let environment = snapshot
                .environment()
                .map_or_else(String::new, |e| format!(" in environment {e}"));
            eprintln!(
                "{}: {} flags (bucketing {}) written from {}{environment}",
                out.display(),
                snapshot.toggles().len(),
                snapshot.bucketing(),
                path.display()
            );
        }
    }
    Ok(EXIT_OK)
}

/// The flagd flag-definition JSON of every toggle in `snapshot`.
pub fn flagd(snapshot: &Snapshot) -> String {
    let start = start_states(snapshot);
    let flags: BTreeMap<&str, Flag> = snapshot
        .toggles()
        .map(|toggle| (toggle.name(), Flag::of(toggle, start.as_ref())))
        .collect();
    let document = Document {
        schema: FLAGD_SCHEMA,
        metadata: FlagSetMetadata {
            bucketing: snapshot.bucketing().as_str(),
            environment: snapshot.environment(),
        },
        flags,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("serializable");
    text.push('\n');
    text
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    metadata: FlagSetMetadata<'a>,
    flags: BTreeMap<&'a str, Flag<'a>>,
}

/// flagd's flag-set metadata (the schema's top-level `metadata`; both
/// evaluators pass it on with every flag's own metadata): what the file was
/// made for, so that a reader can tell which evaluator matches it and which
/// environment it serves.
#[derive(Serialize)]
struct FlagSetMetadata<'a> {
    /// `flagd-v2` or `flagd-v3`: the scheme keys are bucketed by.
    bucketing: &'static str,
    /// The environment exported with `--env`; absent for the base values.
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<&'a str>,
}

/// One flag, its fields in the order flagd's documentation shows them.
/// Nothing else at this level: the Python evaluator refuses unknown fields.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Flag<'a> {
    state: &'static str,
    variants: Variants,
    default_variant: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    targeting: Option<Value>,
    metadata: Metadata<'a>,
}

#[derive(Serialize)]
struct Variants {
    on: bool,
    off: bool,
}

/// A flag's own metadata: what the file says about the toggle, as strings
/// (flagd allows strings, numbers and booleans), each only where it is
/// set, but `kind`, which every toggle has. The keys are those of the
/// OpenFeature provider's flag metadata (`toggles::openfeature`); its
/// `environment` is the flag-set metadata's here, which both evaluators
/// merge into every flag's.
#[derive(Serialize)]
struct Metadata<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    release: Option<&'a str>,
    /// The toggle's own `owner` (not its release's).
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    /// `release` (also where `kind` is not written), `experiment`, `ops`
    /// or `permission`.
    kind: &'static str,
    /// The toggle's own `expires`, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<String>,
}

fn variant(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

impl<'a> Flag<'a> {
    fn of(toggle: &'a ToggleInfo, start: Option<&Snapshot>) -> Flag<'a> {
        let start = start.and_then(|start| start.get(toggle.name()));
        Flag {
            state: "ENABLED",
            variants: Variants {
                on: true,
                off: false,
            },
            default_variant: default_variant(toggle),
            targeting: targeting(toggle, start),
            metadata: Metadata {
                description: toggle.description(),
                release: toggle.release(),
                owner: toggle.owner(),
                kind: toggle.kind().as_str(),
                expires: toggle.expires().map(|date| date.to_string()),
            },
        }
    }
}

/// What a deciding table says at one instant: its state for a check
/// without a key, and its `rollout` (the `allow` list never varies).
#[derive(Clone, Copy)]
struct State {
    enabled: bool,
    rollout: Option<Rollout>,
}

impl State {
    /// The state `toggle` is in.
    fn of(toggle: &ToggleInfo) -> State {
        State {
            enabled: toggle.is_enabled(),
            rollout: toggle.rollout(),
        }
    }

    /// The state `step` sets.
    fn of_step(step: &Step) -> State {
        State {
            enabled: step.is_enabled(),
            rollout: step.rollout(),
        }
    }
}

/// The snapshot's deciding tables in their start states (before the first
/// step of their schedules): `snapshot` resolved one second before the
/// earliest step of any toggle's schedule, or `None` if no toggle has one.
fn start_states(snapshot: &Snapshot) -> Option<Snapshot> {
    let earliest = snapshot
        .toggles()
        .filter_map(|toggle| toggle.schedule()?.steps().next())
        .map(|step| step.at().unix_seconds())
        .min()?;
    let before = Timestamp::from_unix_seconds(earliest.saturating_sub(1));
    Some(snapshot.at(before.to_system_time()))
}

/// The rule of a toggle, or `None` where no key changes its answer at any
/// instant. `start` is the toggle as [`start_states`] resolved it.
fn targeting(toggle: &ToggleInfo, start: Option<&ToggleInfo>) -> Option<Value> {
    let allow: Vec<&str> = toggle.allow().collect();
    // A release's rollout is bucketed by the release, as the library does.
    let bucket_by = match (toggle.source(), toggle.release()) {
        (Source::Release, Some(release)) => Some(release),
        _ => None,
    };
    let (Some(schedule), Some(start)) = (toggle.schedule(), start) else {
        return state_targeting(State::of(toggle), &allow, bucket_by);
    };
    // The state at `$flagd.timestamp`: the latest step at or before it,
    // else the start state. Each branch is the rule of a toggle in that
    // state, or the variant itself where no key changes it.
    let now = json!({ "var": "$flagd.timestamp" });
    let branch = |state: State| {
        state_targeting(state, &allow, bucket_by).unwrap_or_else(|| json!(variant(state.enabled)))
    };
    let mut chain = Vec::with_capacity(2 * schedule.steps().len() + 1);
    for step in schedule.steps().rev() {
        chain.push(json!({ ">=": [now, step.at().unix_seconds()] }));
        chain.push(branch(State::of_step(step)));
    }
    chain.push(branch(State::of(start)));
    Some(json!({ "if": chain }))
}

/// The default variant: the key-less state, or `off` for a scheduled
/// toggle, whose rule returns `null` only in an off state.
fn default_variant(toggle: &ToggleInfo) -> &'static str {
    if toggle.schedule().is_some() {
        "off"
    } else {
        variant(toggle.is_enabled())
    }
}

/// The rule that turns a key's answer from `off` to the answer for that
/// key of a table in `state` with `allow`, its rollout bucketed by
/// `bucket_by` (a release's name) or the flag's key; `None` where no key
/// changes it. It returns `null` for a key that gets the key-less state,
/// which is then `off`.
fn state_targeting(state: State, allow: &[&str], bucket_by: Option<&str>) -> Option<Value> {
    if state.enabled {
        // `enabled = true`, or a rollout of 100 %: on for every key, allowed or not.
        return None;
    }
    let key = json!({ "var": "targetingKey" });
    let fractional = state
        .rollout
        .map(|rollout| rollout.basis_points())
        // 0 %: no key is inside. (100 % is on, handled above.)
        .filter(|&on| on > 0)
        .map(|on| {
            let weights = [json!(["on", on]), json!(["off", 10_000 - on])];
            let mut arguments = Vec::with_capacity(3);
            if let Some(release) = bucket_by {
                // `R + key`.
                arguments.push(json!({ "cat": [release, key] }));
            }
            arguments.extend(weights);
            json!({ "fractional": arguments })
        });
    let allowed = (!allow.is_empty()).then(|| json!({ "in": [key, allow] }));
    match (allowed, fractional) {
        (None, None) => None,
        // No key (or an empty one) is in the list, which has no empty key.
        (Some(allowed), None) => Some(json!({ "if": [allowed, "on", null] })),
        (allowed, Some(fractional)) => {
            let body = match allowed {
                Some(allowed) => json!({ "if": [allowed, "on", fractional] }),
                None => fractional,
            };
            // A missing or empty key: null, so the default variant (off).
            Some(json!({ "if": [key, body, null] }))
        }
    }
}

fn to_stdout(text: &str) -> Result<(), Fail> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        // `toggles export --format flagd | head`: the reader has what it wanted.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Fail::error(format!("cannot write to stdout: {e}"))
            .help("pass --out FILE to write the export to a file")),
    }
}

/// Replaces `out` with `bytes` atomically. `out` may not exist yet (its
/// folder must); a symlink is followed, so the link stays a link; the
/// toggles file itself, a folder or anything but a regular file is refused.
fn to_file(toggles_file: &Path, out: &Path, bytes: &[u8]) -> Result<(), Fail> {
    let (real, metadata) = match fs::canonicalize(out) {
        Ok(real) => {
            let metadata = fs::metadata(&real).map_err(|e| cannot_write(out, e))?;
            if !metadata.is_file() {
                let what = if metadata.is_dir() {
                    "a folder"
                } else {
                    "not a regular file"
                };
                return Err(Fail::error(format!(
                    "{}: cannot write the export there: it is {what}",
                    out.display()
                ))
                .help("pass --out the path of a file, e.g. `--out flags.flagd.json`"));
            }
            (real, Some(metadata))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if fs::symlink_metadata(out).is_ok() {
                return Err(Fail::error(format!(
                    "{}: cannot write the export there: it is a symlink to a missing file",
                    out.display()
                ))
                .help("remove the link, or pass another --out"));
            }
            let name = out.file_name().ok_or_else(|| {
                Fail::usage(format!("--out {}: not a file name", out.display()))
                    .help("pass --out the path of a file, e.g. `--out flags.flagd.json`")
            })?;
            let dir = match out.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir,
                _ => Path::new("."),
            };
            let dir = fs::canonicalize(dir).map_err(|e| {
                Fail::error(format!(
                    "{}: cannot write the export there: its folder {}: {e}",
                    out.display(),
                    dir.display()
                ))
                .help(format!(
                    "create the folder first (`mkdir -p {}`), or pass another --out",
                    dir.display()
                ))
            })?;
            (dir.join(name), None)
        }
        Err(e) => return Err(cannot_write(out, e)),
    };
    if fs::canonicalize(toggles_file).is_ok_and(|source| source == real) {
        return Err(Fail::usage(format!(
            "--out {} is the toggles file itself: the export would replace it",
            out.display()
        ))
        .help("write the export to another file, e.g. `--out flags.flagd.json`"));
    }
    write::replace(&real, bytes, metadata.as_ref())
}

fn cannot_write(out: &Path, e: io::Error) -> Fail {
    Fail::error(format!(
        "{}: cannot write the export there: {e}",
        out.display()
    ))
    .help("pass --out a file in a folder you can write to")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(text: &str) -> Value {
        let snapshot = Snapshot::parse("toggles.toml", text.as_bytes()).unwrap();
        serde_json::from_str(&flagd(&snapshot)).unwrap()
    }

    /// The one flag of a file that defines `t` (and maybe releases).
    fn flag(text: &str) -> Value {
        let mut document = export(text);
        document["flags"]["t"].take()
    }

    fn plain(default: &str) -> Value {
        json!({
            "state": "ENABLED",
            "variants": { "on": true, "off": false },
            "defaultVariant": default,
            "metadata": { "kind": "release" },
        })
    }

    fn with(default: &str, targeting: Value) -> Value {
        let mut flag = plain(default);
        flag["targeting"] = targeting;
        flag
    }

    fn guarded(body: Value) -> Value {
        json!({ "if": [{ "var": "targetingKey" }, body, null] })
    }

    fn own_fractional(on: u16) -> Value {
        json!({ "fractional": [["on", on], ["off", 10_000 - on]] })
    }

    fn release_fractional(release: &str, on: u16) -> Value {
        json!({ "fractional": [
            { "cat": [release, { "var": "targetingKey" }] },
            ["on", on], ["off", 10_000 - on]
        ] })
    }

    fn allowed(keys: &[&str], then: Value) -> Value {
        json!({ "if": [{ "in": [{ "var": "targetingKey" }, keys] }, "on", then] })
    }

    #[test]
    fn fixed_states_have_no_targeting() {
        assert_eq!(flag("[toggles.t]\nenabled = true\n"), plain("on"));
        assert_eq!(flag("[toggles.t]\nenabled = false\n"), plain("off"));
        assert_eq!(flag("[toggles.t]\n"), plain("off"), "no table: off");
        assert_eq!(
            flag("[toggles.t]\nenabled = true\nallow = [\"a\"]\n"),
            plain("on"),
            "on for everyone: the list changes nothing"
        );
        assert_eq!(flag("[toggles.t]\nrollout = 100\n"), plain("on"));
        assert_eq!(
            flag("[toggles.t]\nrollout = 100\nallow = [\"a\"]\n"),
            plain("on")
        );
        assert_eq!(flag("[toggles.t]\nrollout = 0\n"), plain("off"));
    }

    #[test]
    fn an_allow_list_alone_turns_its_keys_on() {
        let expected = with("off", allowed(&["a", "b c"], Value::Null));
        assert_eq!(flag("[toggles.t]\nallow = [\"b c\", \"a\"]\n"), expected);
        assert_eq!(
            flag("[toggles.t]\nenabled = false\nallow = [\"a\", \"b c\"]\n"),
            expected
        );
        assert_eq!(
            flag("[toggles.t]\nrollout = 0\nallow = [\"a\", \"b c\"]\n"),
            expected
        );
        // One key is still an array: `in` with a string tests for a substring.
        assert_eq!(
            flag("[toggles.t]\nallow = [\"a\"]\n")["targeting"]["if"][0]["in"][1],
            json!(["a"])
        );
    }

    #[test]
    fn an_own_rollout_is_a_guarded_fractional_with_on_first() {
        for (percent, on) in [("0.01", 1), ("1", 100), ("12.5", 1250), ("99.99", 9999)] {
            assert_eq!(
                flag(&format!("[toggles.t]\nrollout = {percent}\n")),
                with("off", guarded(own_fractional(on))),
                "{percent} %"
            );
        }
        assert_eq!(
            flag("[toggles.t]\nrollout = 33.33\nallow = [\"vip\"]\n"),
            with("off", guarded(allowed(&["vip"], own_fractional(3333))))
        );
    }

    #[test]
    fn a_release_rollout_is_bucketed_by_the_release() {
        let text = "[releases.r]\nrollout = 50\ndescription = \"the release\"\n\
                    [toggles.t]\nrelease = \"r\"\ndescription = \"the toggle\"\n";
        let mut expected = with("off", guarded(release_fractional("r", 5000)));
        expected["metadata"] =
            json!({ "description": "the toggle", "release": "r", "kind": "release" });
        assert_eq!(flag(text), expected);

        let text = "[releases.r]\nrollout = 0.01\nallow = [\"x\"]\n[toggles.t]\nrelease = \"r\"\n";
        let mut expected = with("off", guarded(allowed(&["x"], release_fractional("r", 1))));
        expected["metadata"] = json!({ "release": "r", "kind": "release" });
        assert_eq!(flag(text), expected);

        let text = "[releases.r]\nrollout = 100\n[toggles.t]\nrelease = \"r\"\n";
        let mut expected = plain("on");
        expected["metadata"] = json!({ "release": "r", "kind": "release" });
        assert_eq!(flag(text), expected);
    }

    #[test]
    fn a_toggle_with_its_own_table_is_bucketed_by_its_name() {
        let text = "[releases.r]\nrollout = 50\n[toggles.t]\nrelease = \"r\"\nrollout = 25\n";
        let mut expected = with("off", guarded(own_fractional(2500)));
        expected["metadata"] = json!({ "release": "r", "kind": "release" });
        assert_eq!(flag(text), expected);

        let text = "[releases.r]\nrollout = 50\n[toggles.t]\nrelease = \"r\"\nenabled = false\n";
        let mut expected = plain("off");
        expected["metadata"] = json!({ "release": "r", "kind": "release" });
        assert_eq!(flag(text), expected);

        let text = "[releases.r]\nenabled = true\n[toggles.t]\nrelease = \"r\"\n";
        let mut expected = plain("on");
        expected["metadata"] = json!({ "release": "r", "kind": "release" });
        assert_eq!(flag(text), expected, "a release's fixed state");
    }

    #[test]
    fn the_document_is_sorted_pretty_and_ends_with_a_newline() {
        let text = "bucketing = \"flagd-v2\"\n[toggles.zeta]\nenabled = true\n\
                    [toggles.alpha]\nrollout = 12.5\ndescription = \"Ünïcödé \\\"quoted\\\"\"\n";
        let snapshot = Snapshot::parse("toggles.toml", text.as_bytes()).unwrap();
        let out = flagd(&snapshot);
        assert!(out.ends_with("}\n") && !out.ends_with("\n\n"), "{out}");
        assert!(out.starts_with("{\n  \"$schema\": \"https://flagd.dev/schema/v0/flags.json\",\n  \"metadata\": {\n    \"bucketing\": \"flagd-v2\"\n  },\n  \"flags\": {\n    \"alpha\": {\n      \"state\": \"ENABLED\",\n      \"variants\": {\n        \"on\": true,\n        \"off\": false\n      },\n      \"defaultVariant\": \"off\",\n      \"targeting\": "), "{out}");
        assert!(out.find("\"alpha\"") < out.find("\"zeta\""));
        assert_eq!(out, flagd(&snapshot), "deterministic");
        let document: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            document["flags"]["alpha"]["metadata"],
            json!({ "description": "Ünïcödé \"quoted\"", "kind": "release" })
        );
        // The scheme is the evaluator's business: the flags are the same,
        // only the flag-set metadata names the other scheme.
        let v3 = Snapshot::parse("t.toml", text.replace("flagd-v2", "flagd-v3").as_bytes());
        let v3: Value = serde_json::from_str(&flagd(&v3.unwrap())).unwrap();
        assert_eq!(v3["flags"], document["flags"]);
        assert_eq!(v3["metadata"], json!({ "bucketing": "flagd-v3" }));
    }

    fn at(ts: &str) -> std::time::SystemTime {
        ts.parse::<Timestamp>().unwrap().to_system_time()
    }

    fn since(t: i64) -> Value {
        json!({ ">=": [{ "var": "$flagd.timestamp" }, t] })
    }

    #[test]
    fn a_schedule_is_a_chain_from_the_last_step_to_the_start_state() {
        let text = "[toggles.t]\nenabled = true\nallow = [\"a\"]\nschedule = [\n  \
                    { at = 1970-01-01T00:00:10Z, enabled = false },\n  \
                    { at = 1970-01-01T00:00:20Z, rollout = 12.5 },\n  \
                    { at = 1970-01-01T00:00:30Z, rollout = 100 },\n]\n";
        let expected = with(
            "off",
            json!({ "if": [
                since(30), "on",
                since(20), guarded(allowed(&["a"], own_fractional(1250))),
                since(10), allowed(&["a"], Value::Null),
                "on",
            ] }),
        );
        assert_eq!(flag(text), expected);
        // A release's schedule: bucketed by the release; a start with no
        // state is off.
        let text = "[releases.r]\nschedule = [{ at = 1970-01-01T00:00:10Z, rollout = 1 }]\n\
                    [toggles.t]\nrelease = \"r\"\n";
        let mut expected = with(
            "off",
            json!({ "if": [since(10), guarded(release_fractional("r", 100)), "off"] }),
        );
        expected["metadata"] = json!({ "release": "r", "kind": "release" });
        assert_eq!(flag(text), expected);
    }

    #[test]
    fn a_scheduled_export_is_the_same_whenever_it_is_made() {
        let text = "environments = [\"e\"]\n\
                    [releases.r]\nrollout = 1\nschedule = [\n  \
                    { at = 2026-12-07T09:00:00Z, rollout = 10 },\n  \
                    { at = 2026-12-11T09:00:00Z, enabled = true },\n]\n\
                    env.e.schedule = [{ at = 2026-12-09T09:00:00Z, rollout = 50 }]\n\
                    [toggles.m]\nrelease = \"r\"\n\
                    [toggles.t]\nenabled = true\n\
                    schedule = [{ at = 2026-12-08T00:00:00Z, enabled = false }]\n";
        for env in [None, Some("e")] {
            let snapshot = Snapshot::parse_in("toggles.toml", text.as_bytes(), env).unwrap();
            let exports: Vec<String> = [
                "2020-01-01T00:00:00Z",
                "2026-12-07T09:00:00Z",
                "2026-12-08T12:00:00Z",
                "2026-12-10T00:00:00Z",
                "2030-01-01T00:00:00Z",
            ]
            .map(|t| flagd(&snapshot.at(at(t))))
            .into();
            assert!(
                exports.iter().all(|e| *e == exports[0]),
                "{env:?}: {exports:#?}"
            );
            let document: Value = serde_json::from_str(&exports[0]).unwrap();
            let t = &document["flags"]["t"]["targeting"]["if"];
            assert_eq!(t[2], "on", "{env:?}: the start state, whenever exported");
        }
    }

    #[test]
    fn the_lifecycle_fields_are_each_flags_metadata() {
        let text = "[releases.r]\nowner = \"payments\"\nexpires = 2026-12-31\nenabled = true\n\
                    [toggles.t]\nrelease = \"r\"\nowner = \"team \\\"a\\\"\"\nkind = \"experiment\"\n\
                    expires = 2026-12-24\ndescription = \"d\"\n\
                    [toggles.u]\nrelease = \"r\"\nkind = \"ops\"\n";
        let document = export(text);
        assert_eq!(
            document["flags"]["t"]["metadata"],
            json!({
                "description": "d",
                "release": "r",
                "owner": "team \"a\"",
                "kind": "experiment",
                "expires": "2026-12-24",
            })
        );
        assert_eq!(
            document["flags"]["u"]["metadata"],
            json!({ "release": "r", "kind": "ops" }),
            "the toggle's own fields: not its release's owner or expiry"
        );
        let snapshot = Snapshot::parse("toggles.toml", text.as_bytes()).unwrap();
        let out = flagd(&snapshot);
        assert!(
            out.contains("\"metadata\": {\n        \"description\": \"d\",\n        \"release\": \"r\",\n        \"owner\": \"team \\\"a\\\"\",\n        \"kind\": \"experiment\",\n        \"expires\": \"2026-12-24\"\n      }"),
            "in a fixed order: {out}"
        );
    }

    #[test]
    fn an_empty_file_is_an_empty_set_of_flags() {
        assert_eq!(
            export(""),
            json!({
                "$schema": FLAGD_SCHEMA,
                "metadata": { "bucketing": "flagd-v3" },
                "flags": {}
            })
        );
    }
}
